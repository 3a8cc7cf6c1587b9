% rebase('base.tpl', title=title)
<section class="card narrow">
  <h1>Log in to kegdash</h1>
% if waiting:
  <p class="muted waiting" role="status">You are signed in as <strong>{{user}}</strong>, but the
     operator has not admitted this account as a member yet. The members' pages open once they
     have; until then you may log in as someone else.</p>
% end
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
