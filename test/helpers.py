"""Helpers that build WSGI environs and call applications the way a server would."""
import io
import wsgiref.util


def to_native(text):
    """Turn a unicode path or query into the latin-1 native string PEP 3333 servers pass."""
    return text.encode('utf8').decode('latin1')


def make_environ(path='/', method='GET', query='', body=b'', headers=None, raw_path=None, **extra):
    """Build a complete WSGI environ for one request.

    ``path`` and ``query`` are unicode and get encoded as a real server would;
    ``raw_path`` is passed through untouched (use it for deliberately broken
    input). ``headers`` maps header names to values (``Content-Type`` and
    ``Content-Length`` land in their CGI keys). ``extra`` is merged last.
    """
    environ = {}
    wsgiref.util.setup_testing_defaults(environ)
    environ['REQUEST_METHOD'] = method
    environ['PATH_INFO'] = raw_path if raw_path is not None else to_native(path)
    environ['QUERY_STRING'] = to_native(query)
    environ['SCRIPT_NAME'] = ''
    if isinstance(body, str):
        body = body.encode('utf8')
    environ['wsgi.input'] = io.BytesIO(body)
    environ['wsgi.errors'] = io.StringIO()
    if body:
        environ['CONTENT_LENGTH'] = str(len(body))
    for name, value in (headers or {}).items():
        key = name.upper().replace('-', '_')
        if key not in ('CONTENT_TYPE', 'CONTENT_LENGTH'):
            key = 'HTTP_' + key
        environ[key] = value
    environ.update(extra)
    return environ


class Result:
    """What a WSGI call produced: ``status`` line, ``code``, ``headers`` list, ``body`` bytes."""

    def __init__(self, status, headers, body, exc_info):
        self.status = status
        self.code = int(status.split()[0])
        self.headers = headers
        self.body = body
        self.exc_info = exc_info

    @property
    def text(self):
        return self.body.decode('utf8')

    def header(self, name, default=None):
        """The last value of header ``name`` (case-insensitive), or ``default``."""
        values = self.header_list(name)
        return values[-1] if values else default

    def header_list(self, name):
        """Every value of header ``name``, in order."""
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def __repr__(self):
        return '<Result %s %r %r>' % (self.status, self.headers, self.body[:200])


def call_environ(app, environ):
    """Call ``app`` with ``environ``, consume and close the body, return a :class:`Result`."""
    captured = {}

    def start_response(status, headers, exc_info=None):
        if exc_info and 'status' in captured:
            raise exc_info[1].with_traceback(exc_info[2])
        captured['status'] = status
        captured['headers'] = headers
        captured['exc_info'] = exc_info
        return lambda data: captured.setdefault('written', []).append(data)

    iterable = app(environ, start_response)
    try:
        chunks = list(iterable)
    finally:
        if hasattr(iterable, 'close'):
            iterable.close()
    body = b''.join(captured.get('written', []) + chunks)
    return Result(captured['status'], captured['headers'], body, captured['exc_info'])


def call(app, path='/', method='GET', **kwargs):
    """Build an environ with :func:`make_environ` and call ``app`` with it."""
    return call_environ(app, make_environ(path, method, **kwargs))
