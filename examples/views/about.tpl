% rebase('layout', title='About')
<section class="panel">
  <h1>About this demo</h1>
  <p>A notes application in one Python file, <code>examples/demo.py</code>, built on
  bottle.py {{version}} and the standard library's <code>sqlite3</code>. It shows:</p>
  <ul>
    <li>a plugin that hands a database connection to every callback that asks for a <code>db</code> argument;</li>
    <li>templates in files with a shared layout (<code>rebase</code> and <code>include</code>);</li>
    <li>a stylesheet and a favicon served by <code>static_file()</code>;</li>
    <li>forms that redirect after a successful POST, file uploads, and custom error pages;</li>
    <li>a JSON API next to the HTML pages;</li>
    <li>URLs built with <code>get_url()</code>, so it runs unchanged at any sub-path.</li>
  </ul>
  <p>What the application sees of this request: <a href="{{url('api_info')}}">request info as JSON</a>.</p>
  <h2>Routes</h2>
  <table class="routes">
    <thead><tr><th>Method</th><th>Rule</th><th>Name</th></tr></thead>
    <tbody>
    % for method, rule, name in routes:
      <tr><td>{{method}}</td><td><code>{{rule}}</code></td><td>{{name}}</td></tr>
    % end
    </tbody>
  </table>
</section>
