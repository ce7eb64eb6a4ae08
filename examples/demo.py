"""A small tour of bottle.py, using only the public Bottle 0.13 API.

Start it from the repository root with the built-in server (nothing to install)::

    python3 -m bottle --bind 127.0.0.1:8080 examples.demo:app

or run this file directly: ``python3 examples/demo.py``.
"""
import os
import sys

if __name__ == '__main__':
    # Run as a script: make the bottle.py next to examples/ importable.
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bottle import Bottle, __version__, html_escape, request, response, run, template  # noqa: E402

app = Bottle()

PAGE = """<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><title>{title}</title></head>
<body>
{content}
</body>
</html>
"""

BACK_LINK = '\n<p><a href="/">Back to the start page</a></p>'


def page(title, content, back_link=True):
    """Wrap an HTML fragment in a complete page with the given (plain text) title."""
    return PAGE.format(title=html_escape(title), content=content + (BACK_LINK if back_link else ''))


@app.route('/')
def index():
    links = [
        ('/hello/World', 'A greeting with a name taken from the URL'),
        ('/api/info', 'A JSON endpoint: the returned dict becomes JSON'),
        ('/form', 'A form that posts back to itself'),
        ('/counter', 'A visit counter kept in a cookie'),
        ('/template', 'A page rendered with an inline SimpleTemplate'),
    ]
    items = '\n'.join('<li><a href="%s">%s</a> &ndash; %s</li>' % (url, url, html_escape(text))
                      for url, text in links)
    return page('bottle.py demo',
                '<h1>bottle.py demo</h1>\n'
                '<p>Running on bottle.py %s.</p>\n<ul>\n%s\n</ul>' % (html_escape(__version__), items),
                back_link=False)


@app.route('/hello/<name>')
def hello(name):
    return page('Hello', '<h1>Hello, %s!</h1>' % html_escape(name))


@app.get('/api/info')
def api_info():
    return {
        'framework': 'bottle.py',
        'version': __version__,
        'method': request.method,
        'path': request.path,
    }


FORM = """<h1>Who are you?</h1>
{message}
<form method="post" action="/form">
  <label>Name <input name="name"></label>
  <button type="submit">Send</button>
</form>"""


@app.get('/form')
def show_form():
    return page('Form', FORM.format(message=''))


@app.post('/form')
def submit_form():
    name = request.forms.name.strip()
    if not name:
        response.status = 400
        return page('Form', FORM.format(message='<p><strong>Please enter a name.</strong></p>'))
    return page('Thanks', '<h1>Thanks, %s!</h1>' % html_escape(name))


@app.route('/counter')
def counter():
    try:
        visits = int(request.get_cookie('visits', '0'))
    except ValueError:
        visits = 0
    visits = max(visits, 0) + 1
    response.set_cookie('visits', str(visits), path='/counter', max_age=3600, httponly=True)
    return page('Counter', '<h1>Visit number %d</h1>\n'
                           '<p>Reload the page to count up.</p>' % visits)


# SimpleTemplate source: '%' lines are Python (a block ends with '% end'), and
# {{...}} inserts a value HTML-escaped, so the items below cannot inject markup.
SHOPPING_LIST = """<h1>{{title}}</h1>
<p>{{len(items)}} items, rendered from a template string:</p>
<ul>
% for number, item in enumerate(items, 1):
  <li>{{number}}. {{item}}</li>
% end
</ul>
<p>Add items with <code>?item=...</code>, for example
<a href="/template?item=%3Cb%3EBananas%3C%2Fb%3E">&lt;b&gt;Bananas&lt;/b&gt;</a>:
the tags are shown, not applied.</p>"""


@app.route('/template')
def shopping_list():
    items = ['Bread', 'Fish & chips', 'Tea'] + request.query.getall('item')
    return page('Template', template(SHOPPING_LIST, title='Shopping list', items=items))


if __name__ == '__main__':
    run(app, host='127.0.0.1', port=8080)
