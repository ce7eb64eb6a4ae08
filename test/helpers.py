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


# --------------------------------------------------- Visiting an application ----
# A visitor clicks through a site like a browser without JavaScript: it keeps
# cookies (with their paths), reads the links and forms of each HTML page and
# submits forms with their hidden fields. The same visitor talks to an app
# in-process (WSGITransport) or to a real server over HTTP (HTTPTransport).
# test_demo.py and test_deploy.py use it to walk the demo application.


def wait_until(condition, timeout, what, interval=0.05):
    """Call ``condition`` until it returns something true and return that.

    Raises AssertionError naming ``what`` when ``timeout`` seconds pass first.
    Exceptions of ``condition`` count as "not yet" (the last one is reported).
    """
    import time
    deadline = time.monotonic() + timeout
    last_error = None
    while True:
        try:
            value = condition()
            if value:
                return value
        except Exception as error:  # a server that is not up yet, say
            last_error = error
        if time.monotonic() > deadline:
            raise AssertionError('%s: not within %.0f s (last error: %r)'
                                 % (what, timeout, last_error))
        time.sleep(interval)


def encode_multipart(fields=(), files=()):
    """Encode a multipart/form-data body; return ``(body, content_type)``.

    ``fields`` are ``(name, value)`` pairs, ``files`` are ``(name, filename,
    content bytes, content_type)`` tuples.
    """
    import uuid
    boundary = 'visitor-' + uuid.uuid4().hex
    parts = []
    for name, value in fields:
        parts.append(b'--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n' % (
            boundary.encode(), name.encode('utf8'), str(value).encode('utf8')))
    for name, filename, content, content_type in files:
        parts.append(b'--%s\r\nContent-Disposition: form-data; name="%s"; filename="%s"\r\n'
                     b'Content-Type: %s\r\n\r\n' % (boundary.encode(), name.encode('utf8'),
                                                    filename.encode('utf8'), content_type.encode()))
        parts.append(content + b'\r\n')
    parts.append(b'--%s--\r\n' % boundary.encode())
    return b''.join(parts), 'multipart/form-data; boundary=' + boundary


class Form:
    """A form of a page: ``method``, absolute ``action`` URL, ``enctype`` and its ``fields``
    (a list of ``[name, value]`` of inputs, textareas and selects; file inputs are in
    ``file_fields``)."""

    def __init__(self, method, action, enctype):
        self.method = method
        self.action = action
        self.enctype = enctype
        self.fields = []
        self.file_fields = []

    def values(self):
        return dict(self.fields)

    def __repr__(self):
        return '<Form %s %s %r>' % (self.method, self.action, self.fields)


def parse_page(html, base_url):
    """Read an HTML page: return ``(urls, forms)``.

    ``urls`` lists ``(tag, attribute, absolute URL)`` for every ``href`` and
    ``src``; ``forms`` the page's :class:`Form` objects, actions made absolute.
    """
    from html.parser import HTMLParser
    from urllib.parse import urljoin

    urls, forms = [], []

    class Reader(HTMLParser):
        textarea = None

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            for attribute in ('href', 'src'):
                if attrs.get(attribute) is not None:
                    urls.append((tag, attribute, urljoin(base_url, attrs[attribute])))
            if tag == 'form':
                forms.append(Form((attrs.get('method') or 'get').upper(),
                                  urljoin(base_url, attrs.get('action') or base_url),
                                  attrs.get('enctype') or 'application/x-www-form-urlencoded'))
            elif tag == 'input' and forms and attrs.get('name'):
                if attrs.get('type') == 'file':
                    forms[-1].file_fields.append(attrs['name'])
                elif attrs.get('type') not in ('submit', 'button', 'reset'):
                    forms[-1].fields.append([attrs['name'], attrs.get('value') or ''])
            elif tag == 'textarea' and forms and attrs.get('name'):
                self.textarea = [attrs['name'], '']
                forms[-1].fields.append(self.textarea)

        def handle_data(self, data):
            if self.textarea is not None:
                self.textarea[1] += data

        def handle_endtag(self, tag):
            if tag == 'textarea':
                self.textarea = None

    reader = Reader(convert_charrefs=True)
    reader.feed(html)
    reader.close()
    return urls, forms


class Reply:
    """One answer: ``url`` asked for, ``status`` (int), ``headers`` (an
    email.message.Message: case-insensitive, ``get_all`` for repeated ones) and ``body``."""

    def __init__(self, url, status, headers, body):
        self.url, self.status, self.headers, self.body = url, status, headers, body

    @property
    def text(self):
        return self.body.decode('utf8')

    def json(self):
        import json
        return json.loads(self.body)

    @property
    def location(self):
        """The absolute URL of the Location header (None without one)."""
        from urllib.parse import urljoin
        location = self.headers.get('Location')
        return urljoin(self.url, location) if location else None

    def page(self):
        """``(urls, forms)`` of this HTML page (see :func:`parse_page`)."""
        return parse_page(self.text, self.url)

    def form(self, action_path_end):
        """The one form whose action path ends with ``action_path_end``."""
        from urllib.parse import urlsplit
        found = [form for form in self.page()[1]
                 if urlsplit(form.action).path.endswith(action_path_end)]
        assert len(found) == 1, 'forms ending in %r on %s: %r' % (action_path_end, self.url, found)
        return found[0]

    def __repr__(self):
        return '<Reply %s %s %r>' % (self.status, self.url, self.body[:300])


class WSGITransport:
    """Answer requests by calling a WSGI app in-process, mounted at ``script_name``
    (paths outside it get a 404, like a server that does not know them)."""

    def __init__(self, app, script_name=''):
        self.app = app
        self.script_name = script_name.rstrip('/')

    def __call__(self, method, url, headers, body):
        import email.message
        from urllib.parse import unquote, urlsplit
        parts = urlsplit(url)
        path = unquote(parts.path)
        if not (path + '/').startswith(self.script_name + '/'):
            return 404, email.message.Message(), b'outside the mount point'
        environ = make_environ(path[len(self.script_name):] or '/', method, query=parts.query,
                               body=body or b'', headers=headers, SCRIPT_NAME=self.script_name,
                               HTTP_HOST=parts.netloc, SERVER_PROTOCOL='HTTP/1.1')
        result = call_environ(self.app, environ)
        message = email.message.Message()
        for name, value in result.headers:
            message[name] = value
        return result.code, message, result.body


class HTTPTransport:
    """Send requests over real HTTP (http.client), one connection each, optionally from
    ``source_address`` (a local IP such as ``'127.0.0.5'``). ``https`` URLs are not verified."""

    def __init__(self, source_address=None, timeout=30):
        self.source_address = source_address
        self.timeout = timeout

    def __call__(self, method, url, headers, body):
        import http.client
        import ssl
        from urllib.parse import urlsplit
        parts = urlsplit(url)
        source = (self.source_address, 0) if self.source_address else None
        if parts.scheme == 'https':
            connection = http.client.HTTPSConnection(parts.netloc, timeout=self.timeout,
                                                     source_address=source,
                                                     context=ssl._create_unverified_context())
        else:
            connection = http.client.HTTPConnection(parts.netloc, timeout=self.timeout,
                                                    source_address=source)
        try:
            target = (parts.path or '/') + ('?' + parts.query if parts.query else '')
            connection.request(method, target, body=body, headers=headers)
            answer = connection.getresponse()
            return answer.status, answer.headers, answer.read()
        finally:
            connection.close()


class Visitor:
    """A browser without JavaScript: ``get``, ``submit`` forms, follow redirects, keep cookies.

    ``transport`` is a :class:`WSGITransport` or :class:`HTTPTransport`. Every
    reply is appended to ``history``.
    """

    def __init__(self, transport):
        import http.cookiejar
        self.transport = transport
        self.cookies = http.cookiejar.CookieJar()
        self.history = []

    def request(self, method, url, body=None, headers=None, follow_redirects=False):
        import urllib.request
        headers = dict(headers or {})
        carrier = urllib.request.Request(url, method=method)
        self.cookies.add_cookie_header(carrier)
        if carrier.has_header('Cookie'):
            headers['Cookie'] = carrier.get_header('Cookie')
        status, message, data = self.transport(method, url, headers, body)
        reply = Reply(url, status, message, data)
        self.history.append(reply)

        class Answer:  # what CookieJar.extract_cookies reads
            def info(self):
                return message
        self.cookies.extract_cookies(Answer(), carrier)
        if follow_redirects and status in (301, 302, 303, 307, 308):
            return self.get(reply.location, follow_redirects=True)
        return reply

    def get(self, url, **options):
        return self.request('GET', url, **options)

    def submit(self, form, fields=None, files=None, **options):
        """Send ``form`` with its fields updated by ``fields`` (a dict) and ``files`` (a
        dict of field name -> ``(filename, content bytes, content_type)``)."""
        from urllib.parse import urlencode
        values = [list(pair) for pair in form.fields]  # lists: updated in place below
        for name, value in (fields or {}).items():
            for pair in values:
                if pair[0] == name:
                    pair[1] = value
                    break
            else:
                values.append([name, value])
        if form.method == 'GET':
            query = urlencode([tuple(pair) for pair in values])
            return self.get(form.action.split('?')[0] + '?' + query, **options)
        if form.enctype == 'multipart/form-data':
            body, content_type = encode_multipart(
                values, [(name,) + tuple(upload) for name, upload in (files or {}).items()])
        else:
            body = urlencode([tuple(pair) for pair in values]).encode('ascii')
            content_type = 'application/x-www-form-urlencoded'
        headers = dict(options.pop('headers', None) or {}, **{'Content-Type': content_type})
        return self.request(form.method, form.action, body=body, headers=headers, **options)


def crawl(visitor, start_url, max_pages=200):
    """Visit every page reachable from ``start_url`` through ``a``/``link``/``img`` URLs of
    the same site (GET only, no redirects followed); return ``{url: Reply}``."""
    from urllib.parse import urldefrag, urlsplit
    site = urlsplit(start_url).netloc
    seen, queue = {}, [start_url]
    while queue and len(seen) < max_pages:
        url = urldefrag(queue.pop(0))[0]
        if url in seen:
            continue
        reply = seen[url] = visitor.get(url)
        if 'text/html' in reply.headers.get('Content-Type', ''):
            for _tag, _attribute, target in reply.page()[0]:
                if urlsplit(target).netloc == site and urldefrag(target)[0] not in seen:
                    queue.append(target)
    return seen



# The demo application (examples/demo.py), as a visitor uses it.

def demo_add_note(visitor, home, title='Shopping', body='Bread\nTea'):
    """Fill in the new-note form of the demo's home page; return the reply to the POST."""
    return visitor.submit(visitor.get(home).form('/notes'), {'title': title, 'body': body})


def demo_attach(visitor, note_url, filename, content, content_type='application/octet-stream'):
    """Attach a file on the demo's note page; return the reply to the upload."""
    form = visitor.get(note_url).form('/attachments')
    return visitor.submit(form, files={'upload': (filename, content, content_type)})


def walk_demo(visitor, home):
    """Add, edit, attach, search, remove and delete in the demo, and crawl every page.

    Returns every reply on the way (redirects included, none followed automatically).
    """
    first = demo_add_note(visitor, home, title='First note', body='text')
    visitor.submit(visitor.get(first.location + '/edit').form('/edit'), {'title': 'Edited'})
    demo_attach(visitor, first.location, 'a.txt', b'attached', 'text/plain')
    second = demo_add_note(visitor, home, title='Second note')
    crawl(visitor, home)
    first_page = visitor.get(first.location)
    visitor.submit(first_page.form('/attachments/%s/delete' % _attachment_id(first_page)))
    second_id = second.location.rsplit('/', 1)[-1]
    visitor.submit(visitor.get(second.location).form('/notes/%s/delete' % second_id))
    visitor.submit(visitor.get(home).form('/'), {'q': 'Edited'})
    return visitor.history


def _attachment_id(page):
    import re
    return re.search(r'/attachments/(\d+)/delete', page.text).group(1)


def assert_stays_under(replies, home):
    """Assert that every reply answered 200 or 303 and that its redirect, and every link,
    resource and form action of its HTML, is below ``home`` (same host, same path prefix).

    Returns the set of URLs checked.
    """
    from urllib.parse import urlsplit
    prefix = urlsplit(home).path
    checked = set()
    for reply in replies:
        assert reply.status in (200, 303), reply
        if reply.location:
            assert reply.location.startswith(home), 'redirect of %s leaves %s: %s' % (
                reply.url, home, reply.location)
        if 'text/html' not in (reply.headers.get('Content-Type') or ''):
            continue
        urls, forms = reply.page()
        for tag, attribute, url in urls + [('form', 'action', form.action) for form in forms]:
            parts = urlsplit(url)
            assert parts.netloc == urlsplit(home).netloc and parts.path.startswith(prefix), (
                '%s %s= on %s leaves %s: %s' % (tag, attribute, reply.url, home, url))
            checked.add(url)
    return checked

# --------------------------------------------------- Ports and test servers ----
# The one way the suite picks ports. free_port() asks the kernel for a port that is
# free now and releases it, so another process (the other test runs on this machine)
# can bind it before our server does. Servers are therefore started through
# start_on_free_port(): a start that fails with EADDRINUSE is retried on a new port.

class PortTaken(Exception):
    """A server could not listen on the port it was given: another process bound it first."""


# How the servers and interpreters the suite starts say "EADDRINUSE": OSError's text,
# bottle's own CLI ("Port 8080 on 127.0.0.1 is already in use"), gunicorn.
ADDRESS_IN_USE_MARKERS = ('already in use', '[Errno 98]', 'EADDRINUSE', 'Connection in use')


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



class ServerProcess:
    """A server run as a subprocess in a process group of its own, output (stdout and
    stderr) in the file ``log_path``. Stop it with :meth:`stop` (TERM) or :meth:`kill`
    (KILL), which end the whole group: workers a server forked go with it."""

    def __init__(self, command, log_path, cwd=None, env=None):
        import subprocess
        self.command = command
        self.log_path = str(log_path)
        with open(self.log_path, 'ab') as log:
            self.process = subprocess.Popen(command, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                            stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)

    @property
    def pid(self):
        return self.process.pid

    def output(self):
        with open(self.log_path, encoding='utf8', errors='replace') as log:
            return log.read()

    def wait_until_ready(self, check, timeout=60, interval=0.05):
        """Wait until ``check()`` returns something true (its OSErrors count as "not yet").

        Raises PortTaken if the server exited saying its port was in use, and
        AssertionError with its output if it exited otherwise or ``timeout`` passed.
        """
        import time
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                output = self.output()
                if says_address_in_use(output):
                    raise PortTaken(output[-2000:])
                raise AssertionError('%s exited with status %s:\n%s' % (
                    ' '.join(map(str, self.command)), self.process.returncode, output[-5000:]))
            try:
                if check():
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise AssertionError('%s was not ready within %.0f s:\n%s' % (
                    ' '.join(map(str, self.command)), timeout, self.output()[-5000:]))
            time.sleep(interval)

    def _signal_group(self, signum):
        import os
        try:
            os.killpg(self.process.pid, signum)
        except ProcessLookupError:
            pass

    def stop(self, timeout=20):
        """TERM to the process group; KILL if it has not exited within ``timeout`` seconds."""
        import signal
        import subprocess
        if self.process.poll() is None:
            self._signal_group(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                pass
        self.kill()

    def kill(self):
        """KILL the process group (a crash, as far as the server's peers can tell)."""
        import signal
        self._signal_group(signal.SIGKILL)
        self.process.wait()

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
