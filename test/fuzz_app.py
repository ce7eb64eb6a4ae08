"""The application that the fuzzing suite and the soak test drive.

It touches every parser bottle.py has and answers with what it saw, as JSON,
so a test can compare what was sent with what the handler received:

=========================  =====================================================
route                      what it reads
=========================  =====================================================
``/``                      nothing (a plain ``ok``)
``/query``                 ``request.query`` and ``request.params``
``/form``                  ``request.forms``, ``request.files`` (digests of the
                           uploads, also copied with ``FileUpload.save``)
``/json``                  ``request.json`` (a shape summary that needs no
                           recursion, plus the value itself if it is shallow)
``/body``                  ``request.body`` (length and digest), ``chunked``,
                           ``content_length``
``/cookies``               ``request.cookies`` and the signed cookie ``signed``
``/setcookie``             ``response.set_cookie`` with query values
``/headers``               headers, ``url``, ``urlparts``, ``fullpath``,
                           ``remote_route``, ``auth`` and friends
``/setheader``             ``response.set_header`` with a query value
``/redirect``              ``redirect(query 'to')``
``/static/<path:path>``    ``static_file`` (ranges, conditional requests)
``/download/<path:path>``  ``static_file(download=True)``
``/page``                  a SimpleTemplate file with include and rebase
``/f/...``                 one route per filter (int, float, path, re, default,
                           a custom one) and one with several
``/auth``                  ``auth_basic``
``/stream``                a generator body
``/boom``                  raises RuntimeError on purpose (the only allowed 500)
=========================  =====================================================

Run it with ``python -m bottle --bind 127.0.0.1:8080 test.fuzz_app:app`` or
any WSGI server (``test/soak.py`` uses gunicorn and waitress); the module-level
``app`` is made on first access (see :func:`__getattr__`).
"""
import hashlib
import io
import json
import os
import tempfile

import bottle

#: Key of the signed cookie ``signed``.
SIGNING_SECRET = 'fuzz-signing-secret'
#: Bytes that only the file outside the static root contains.
SECRET_MARKER = b'SECRET-OUTSIDE-THE-STATIC-ROOT'
#: Methods every echo route answers.
METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']
#: JSON values nested deeper than this are summarised, not echoed.
ECHO_DEPTH_LIMIT = 50


def make_static_tree(base):
    """Create ``base/root`` (the static root) and ``base/outside`` and return a dict.

    The root holds small and large files, a file with a space and non-ASCII
    letters in its name, and symbolic links: one to a file inside the root,
    and three that lead outside (a directory link, a file link and an
    absolute link). ``outside/secret.txt`` contains :data:`SECRET_MARKER`.
    The dict maps ``'root'`` and ``'outside'`` to their paths and ``'files'``
    to {relative path under root: content bytes} for every regular file.
    """
    root = os.path.join(base, 'root')
    outside = os.path.join(base, 'outside')
    os.makedirs(os.path.join(root, 'sub', 'deeper'), exist_ok=True)
    os.makedirs(outside, exist_ok=True)
    files = {
        'hello.txt': b'Hello, static world!\n',
        'index.html': b'<!doctype html><title>fuzz</title>\n',
        'empty.txt': b'',
        'sub/data.bin': bytes((i * 7 + 3) % 256 for i in range(150000)),
        'sub/deeper/page.css': b'body { color: black }\n',
        'sub/sp\u00e4ce name.txt': 'sp\u00e4ce\n'.encode('utf8'),
        'archive.tar.gz': b'\x1f\x8b\x08\x00not really gzip',
    }
    for name, content in files.items():
        with open(os.path.join(root, *name.split('/')), 'wb') as handle:
            handle.write(content)
    with open(os.path.join(outside, 'secret.txt'), 'wb') as handle:
        handle.write(SECRET_MARKER + b'\n')
    links = {
        'inside_link.txt': 'hello.txt',
        'escape': os.path.join('..', 'outside'),
        'sub/secret_link.txt': os.path.join('..', '..', 'outside', 'secret.txt'),
        'absolute_link': os.path.join(outside, 'secret.txt'),
        'loop': 'loop',
    }
    for name, target in links.items():
        path = os.path.join(root, *name.split('/'))
        if not os.path.lexists(path):
            os.symlink(target, path)
    files['inside_link.txt'] = files['hello.txt']
    return {'root': root, 'outside': outside, 'files': files}


def make_template_dir(base):
    """Write the templates ``/page`` renders into ``base/views`` and return that path."""
    views = os.path.join(base, 'views')
    os.makedirs(views, exist_ok=True)
    templates = {
        'layout.tpl': '<html><body>{{!base}}</body></html>\n',
        'item.tpl': '<li>{{item}}</li>\n',
        'page.tpl': ('% rebase("layout.tpl")\n'
                     '<h1>{{title}}</h1>\n'
                     '<ul>\n'
                     '% for item in items:\n'
                     '  % include("item.tpl", item=item)\n'
                     '% end\n'
                     '</ul>\n'),
    }
    for name, source in templates.items():
        with open(os.path.join(views, name), 'w', encoding='utf8') as handle:
            handle.write(source)
    return views


def _digest(data):
    return hashlib.sha256(data).hexdigest()


def _json_shape(value):
    """(number of nodes, maximum depth) of a JSON value, without recursion."""
    nodes, deepest, stack = 0, 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        nodes += 1
        deepest = max(deepest, depth)
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
    return nodes, deepest


def _hex_filter(config):
    """A custom route filter: hexadecimal numbers, converted to int and back."""
    return r'[0-9a-fA-F]+', lambda text: int(text, 16), lambda number: '%x' % number


def make_app(static_root, template_dir):
    """Build the fuzz application serving ``static_root`` and templates from ``template_dir``."""
    app = bottle.Bottle()
    app.router.add_filter('hex', _hex_filter)
    request, response = bottle.request, bottle.response

    @app.route('/', method=METHODS)
    def index():
        return 'ok'

    @app.route('/query', method=METHODS)
    def query():
        return {'query': request.query.allitems(), 'params': request.params.allitems(),
                'query_string': request.query_string}

    @app.route('/form', method=METHODS)
    def form():
        files = []
        for name, upload in request.files.allitems():
            upload.file.seek(0)
            data = upload.file.read()
            copy = io.BytesIO()
            upload.file.seek(0)
            upload.save(copy)
            files.append({'name': name, 'raw_filename': upload.raw_filename,
                          'filename': upload.filename, 'content_type': upload.content_type,
                          'size': len(data), 'sha256': _digest(data),
                          'saved_sha256': _digest(copy.getvalue())})
        return {'forms': request.forms.allitems(), 'files': files,
                'post': len(request.POST.allitems())}

    @app.route('/json', method=METHODS)
    def json_body():
        value = request.json
        nodes, depth = _json_shape(value)
        echo = value if depth <= ECHO_DEPTH_LIMIT else None
        return {'type': type(value).__name__, 'nodes': nodes, 'depth': depth, 'value': echo}

    @app.route('/body', method=METHODS)
    def body():
        data = request.body.read()
        return {'length': len(data), 'sha256': _digest(data), 'chunked': request.chunked,
                'content_length': request.content_length}

    @app.route('/cookies', method=METHODS)
    def cookies():
        signed = request.get_cookie('signed', secret=SIGNING_SECRET)
        return {'cookies': request.cookies.allitems(), 'signed': signed}

    @app.route('/setcookie', method=METHODS)
    def setcookie():
        name = request.query.get('name', 'c')
        value = request.query.get('value', '')
        try:
            response.set_cookie(name, value, path=request.query.get('path', '/'))
            if 'signed' in request.query:
                response.set_cookie('signed', json.loads(request.query.signed),
                                    secret=SIGNING_SECRET)
        except (ValueError, TypeError, bottle.BottleException) as error:
            return bottle.HTTPResponse({'refused': str(error)}, 400)
        except Exception as error:  # http.cookies.CookieError
            if type(error).__name__ != 'CookieError':
                raise
            return bottle.HTTPResponse({'refused': str(error)}, 400)
        return {'set': True}

    @app.route('/headers', method=METHODS)
    def headers():
        return {'headers': sorted(request.headers.items()), 'url': request.url,
                'urlparts': list(request.urlparts), 'fullpath': request.fullpath,
                'path': request.path, 'script_name': request.script_name,
                'remote_route': request.remote_route, 'remote_addr': request.remote_addr,
                'auth': request.auth, 'is_xhr': request.is_xhr,
                'content_type': request.content_type, 'method': request.method}

    @app.route('/setheader', method=METHODS)
    def setheader():
        name = request.query.get('name', 'X-Fuzz')
        value = request.query.get('value', '')
        try:
            if request.query.get('how') == 'add':
                response.add_header(name, value)
            else:
                response.set_header(name, value)
        except ValueError as error:
            return bottle.HTTPResponse({'refused': str(error)}, 400)
        return {'set': [name, value]}

    @app.route('/redirect', method=METHODS)
    def redirect():
        code = request.query.get('code')
        bottle.redirect(request.query.get('to', '/'), int(code) if code else None)

    @app.route('/static/<filename:path>', method=['GET', 'HEAD'])
    def static(filename):
        return bottle.static_file(filename, root=static_root)

    @app.route('/download/<filename:path>', method=['GET', 'HEAD'])
    def download(filename):
        return bottle.static_file(filename, root=static_root, download=True)

    @app.route('/page', method=METHODS)
    def page():
        items = request.query.getall('item')
        return bottle.template('page', template_lookup=[template_dir],
                               title=request.query.get('title', ''), items=items)

    @app.route('/f/int/<value:int>')
    @app.route('/f/float/<value:float>')
    @app.route('/f/path/<value:path>')
    @app.route('/f/re/<value:re:[a-z]+[0-9]*>')
    @app.route('/f/default/<value>')
    @app.route('/f/hex/<value:hex>')
    def filtered(value):
        return {'value': value, 'type': type(value).__name__}

    @app.route('/f/multi/<a>/<b:int>/<c:path>', name='multi')
    def multi(a, b, c):
        return {'a': a, 'b': b, 'c': c}

    @app.route('/auth', method=METHODS)
    @bottle.auth_basic(lambda user, password: user == 'user' and password == 'pass')
    def auth():
        return {'auth': request.auth}

    @app.route('/stream', method=METHODS)
    def stream():
        count = request.query.get('n', '3')
        count = int(count) if count.isdigit() and len(count) < 4 else 3
        return ('line %d\n' % i for i in range(count))

    @app.route('/boom', method=METHODS)
    def boom():
        raise RuntimeError('raised on purpose by the fuzz app')

    return app


def __getattr__(name):
    """``app``: the application for running under a server (``test.fuzz_app:app``), made on
    first use, with its files in ``$BOTTLE_FUZZ_APP_DIR`` (a new temporary directory if unset)."""
    if name != 'app':
        raise AttributeError('module %r has no attribute %r' % (__name__, name))
    base = os.environ.get('BOTTLE_FUZZ_APP_DIR') or tempfile.mkdtemp(prefix='bottle-fuzz-app-')
    tree = make_static_tree(base)
    application = globals()['app'] = make_app(tree['root'], make_template_dir(base))
    return application
