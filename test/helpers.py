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


# --------------------------------------------------- Ports and test servers ----
# The one way the suite picks ports. free_port() asks the kernel for a port that is
# free now and releases it, so another process (the other test runs on this machine)
# can bind it before our server does. Servers are therefore started through
# start_on_free_port(): a start that fails with EADDRINUSE is retried on a new port.

class PortTaken(Exception):
    """A server could not listen on the port it was given: another process bound it first."""


# How the servers and interpreters the suite starts say "EADDRINUSE".
ADDRESS_IN_USE_MARKERS = ('Address already in use', 'address already in use', '[Errno 98]',
                          'EADDRINUSE')


def free_port(host='127.0.0.1'):
    """A TCP port that is free on ``host`` (IPv4, or IPv6 when it contains ':') right now."""
    import socket
    family = socket.AF_INET6 if ':' in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def says_address_in_use(output):
    """True if a server's output tells that its port was already taken."""
    return any(marker in output for marker in ADDRESS_IN_USE_MARKERS)


def start_on_free_port(start, host='127.0.0.1', attempts=10):
    """Return ``start(port)`` for a free port of ``host``, retried on a new port while
    it raises :class:`PortTaken` (the server lost its port to another process).

    Raises PortTaken if every one of ``attempts`` ports was lost that way.
    """
    for _ in range(attempts):
        try:
            return start(free_port(host))
        except PortTaken as taken:
            last = taken
    raise PortTaken('%d ports in a row were taken before the server could bind them; last: %s'
                    % (attempts, last))


# --------------------------------------------------- Test doubles ----

def file_wrapper_double(prefix=b''):
    """A ``wsgi.file_wrapper`` class for tests, as a server would provide one.

    It streams the file it is handed in 64 KiB blocks (after ``prefix``, which lets a
    test see that the wrapper was used) and closes the file on ``close()``. Every
    file-like object it was handed is appended to the class's ``handed_over`` list.
    """
    class FileWrapper:
        handed_over = []

        def __init__(self, filelike, block_size=65536):
            FileWrapper.handed_over.append(filelike)
            self.filelike = filelike
            self.block_size = block_size

        def __iter__(self):
            if prefix:
                yield prefix
            yield from iter(lambda: self.filelike.read(self.block_size), b'')

        def close(self):
            self.filelike.close()

    return FileWrapper


# --------------------------------------------------- Cost that must stay linear ----

def cpu_cost_ratio(run, size, factor=10, repeat=3):
    """How much more CPU time ``run(size * factor)`` takes than ``run(size)``.

    For tests that an input cannot make the code slower than linear (a regexp
    that backtracks, a quadratic loop): linear code gives about ``factor``,
    quadratic about ``factor ** 2``. The cost is this process's CPU time, not
    wall time, so other work on a loaded machine does not count, and the least
    of ``repeat`` rounds, so an interruption does not either. Each round calls
    ``run`` often enough to take a few milliseconds at the smaller size.
    """
    import time

    def cpu_seconds(argument, number):
        started = time.process_time()
        for _ in range(number):
            run(argument)
        return time.process_time() - started

    number = 1
    while cpu_seconds(size, number) < 0.002 and number < 4096:
        number *= 2
    small = min(cpu_seconds(size, number) for _ in range(repeat))
    large = min(cpu_seconds(size * factor, number) for _ in range(repeat))
    return large / max(small, 1e-9)


def assert_linear_cost(run, size, factor=10):
    """Assert that ``run(size * factor)`` costs at most 3 * ``factor`` times ``run(size)``."""
    ratio = cpu_cost_ratio(run, size, factor)
    assert ratio < 3 * factor, (
        'input %d times larger cost %.1f times more CPU time: slower than linear'
        % (factor, ratio))
