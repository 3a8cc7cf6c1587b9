<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{{title}} · kegdash</title>
<link rel="stylesheet" href="/static/web/kegdash.css">
</head>
<body class="{{get('body_class', 'page')}}">
<header class="topbar">
  <a class="brand" href="/">kegdash</a>
  <nav class="who">
% if user:
    <span class="signed-in">Signed in as <strong>{{user}}</strong></span>
    <form class="inline" method="post" action="/account/logout">
      <input type="hidden" name="csrf" value="{{csrf}}">
      <input type="hidden" name="next" value="{{get('logout_next', '/')}}">
      <button type="submit" class="link">Log out</button>
    </form>
% else:
    <a href="/account/login">Log in</a>
% end
  </nav>
</header>
<main>
{{!base}}
</main>
</body>
</html>
