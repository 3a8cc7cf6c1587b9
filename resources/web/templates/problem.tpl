% rebase('base.tpl', title=title)
<section class="card narrow">
  <h1>{{get('heading', 'Cannot continue')}}</h1>
  <p class="error" role="alert">{{message}}</p>
  <p><a href="/">Back to the tap list</a></p>
</section>
