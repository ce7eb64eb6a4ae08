% rebase('layout', title=title)
<section class="panel error">
  <h1>{{error.status_line}}</h1>
  <p>{{message}}</p>
  <p><a href="{{url('index')}}">Back to all notes</a></p>
</section>
