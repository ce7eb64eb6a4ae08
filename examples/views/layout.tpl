<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{title}} · Notes</title>
<link rel="stylesheet" href="{{url('static', filename='style.css')}}">
<link rel="icon" href="{{url('favicon')}}">
</head>
<body>
<header class="site">
  <a class="brand" href="{{url('index')}}"><img src="{{url('favicon')}}" alt="" width="24" height="24"> Notes</a>
  <nav>
    <a href="{{url('index')}}">All notes</a>
    <a href="{{url('api_notes')}}">JSON API</a>
    <a href="{{url('about')}}">About</a>
  </nav>
</header>
<main>
{{!base}}
</main>
<footer class="site">A demo application of bottle.py {{version}}: sqlite3, templates, uploads and a JSON API.</footer>
</body>
</html>
