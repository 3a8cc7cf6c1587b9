% rebase('base.tpl', title=title)
<section class="card narrow">
  <h1>Log in to kegdash</h1>
% if error:
  <p class="error" role="alert">{{error}}</p>
% end
  <form method="post" action="/account/login" class="stack">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <input type="hidden" name="next" value="{{next}}">
    <label>User name
      <input name="username" value="{{username}}" autocomplete="username" autocapitalize="none"
             spellcheck="false" maxlength="100" required{{'' if username else ' autofocus'}}>
    </label>
    <label>Password
      <input name="password" type="password" autocomplete="current-password" maxlength="1000" required{{' autofocus' if username else ''}}>
    </label>
    <button type="submit" class="primary">Log in</button>
  </form>
</section>
