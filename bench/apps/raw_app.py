"""The benchmark apps as hand-written WSGI functions: the same work with no framework (the ceiling).

Standard library only; each handler does what the scenario needs and no more.
"""
import json
import re
from urllib.parse import parse_qsl

import scenarios as s

_NOT_FOUND = ('404 Not Found', b'Not Found')


def create_app():
    """A WSGI function answering every scenario."""
    static_routes = {
        ('GET', '/hello'): _hello,
        ('GET', '/query'): _query,
        ('GET', '/json'): _json,
        ('POST', '/form'): _form,
        ('GET', '/cookie'): _cookie,
        ('GET', '/template'): _template,
        ('POST', '/upload'): _upload,
    }
    resource = _resource_router('/api/res', s.DYNAMIC_ROUTE_COUNT)

    def application(environ, start_response):
        method, path = environ['REQUEST_METHOD'], environ['PATH_INFO']
        handler = static_routes.get((method, path))
        if handler is not None:
            return handler(environ, start_response)
        if method == 'GET':
            text = resource(path)
            if text is not None:
                return _respond(start_response, text)
        return _respond(start_response, _NOT_FOUND[1], status=_NOT_FOUND[0])

    return application


def create_routing_app(route_count):
    """A WSGI function answering the routing table of ``route_count`` routes: static paths from
    a dict, the dynamic ones with one regular expression for all families."""
    static, dynamic = {}, set()
    for kind, family, rule in s.route_table(route_count):
        if s.ROUTE_KINDS[kind][0] == 'static':
            static[rule] = s.route_answer(kind, family)
        else:
            dynamic.add((kind, family))
    pattern = re.compile(r'/route/r(0|[1-9][0-9]*)/(?:tag/([^/]+)|(-?[0-9]+)(/edit)?)\Z')

    def route(path):
        text = static.get(path)
        if text is not None:
            return text
        match = pattern.match(path)
        if match is None:
            return None
        family, tag, item_id, edit = match.groups()
        kind = 2 if tag is not None else 4 if edit else 3
        if (kind, int(family)) not in dynamic:
            return None
        if tag is not None:
            return s.route_answer(kind, int(family), tag=tag)
        return s.route_answer(kind, int(family), id=int(item_id))

    def application(environ, start_response):
        text = route(environ['PATH_INFO']) if environ['REQUEST_METHOD'] == 'GET' else None
        if text is None:
            return _respond(start_response, _NOT_FOUND[1], status=_NOT_FOUND[0])
        return _respond(start_response, text)

    return application


def _respond(start_response, body, status='200 OK', content_type=s.HTML_TYPE, headers=()):
    if isinstance(body, str):
        body = body.encode()
    start_response(status, [('Content-Type', content_type), ('Content-Length', str(len(body))),
                            *headers])
    return [body]


def _resource_router(prefix, route_count):
    """Match ``<prefix>N/<int>`` for N below ``route_count`` with one regular expression."""
    pattern = re.compile(re.escape(prefix) + r'(0|[1-9][0-9]*)/(-?[0-9]+)\Z')

    def resource(path):
        match = pattern.match(path)
        if match is None or int(match.group(1)) >= route_count:
            return None
        return s.resource_text(int(match.group(1)), int(match.group(2)))

    return resource


def _hello(environ, start_response):
    return _respond(start_response, s.HELLO_TEXT)


def _query(environ, start_response):
    params = dict(parse_qsl(environ.get('QUERY_STRING', ''), keep_blank_values=True))
    return _respond(start_response, '|'.join([params.get(name) for name in s.QUERY_NAMES]))


def _json(environ, start_response):
    return _respond(start_response, json.dumps(s.JSON_DATA), content_type=s.JSON_TYPE)


def _form(environ, start_response):
    body = environ['wsgi.input'].read(int(environ.get('CONTENT_LENGTH') or 0))
    params = dict(parse_qsl(body.decode('latin-1'), keep_blank_values=True))
    return _respond(start_response, '|'.join([params.get(name) for name in s.FORM_NAMES]))


def _cookie(environ, start_response):
    cookies = {}
    for pair in environ.get('HTTP_COOKIE', '').split(';'):
        name, _, value = pair.strip().partition('=')
        cookies.setdefault(name, value)
    set_cookie = '%s=%s; Max-Age=%d; Path=%s' % (*s.COOKIE_SET, s.COOKIE_MAX_AGE, s.COOKIE_PATH)
    return _respond(start_response, cookies.get(s.COOKIE_READ, ''),
                    headers=[('Set-Cookie', set_cookie)])


def _template(environ, start_response):
    return _respond(start_response, s.render_rows(s.TEMPLATE_ROWS))


_DISPOSITION_FILENAME = re.compile(r';\s*filename="([^"]*)"')


def _upload(environ, start_response):
    content_type = environ.get('CONTENT_TYPE', '')
    boundary = content_type.partition('boundary=')[2].strip('"').encode('latin-1')
    reader = _BodyReader(environ['wsgi.input'], int(environ.get('CONTENT_LENGTH') or 0))
    if not boundary or not reader.skip_past(b'--' + boundary + b'\r\n'):
        return _respond(start_response, b'Bad multipart body', status='400 Bad Request')
    headers = reader.read_until(b'\r\n\r\n')
    filename = _DISPOSITION_FILENAME.search(headers.decode('latin-1')) if headers else None
    sink = s.UploadSink()
    if filename is None or not reader.copy_until(b'\r\n--' + boundary, sink):
        return _respond(start_response, b'Bad multipart body', status='400 Bad Request')
    return _respond(start_response, sink.report(filename.group(1)))


class _BodyReader:
    """Reads a request body in large chunks and finds delimiters in them with bytes.find."""
    chunk_size = 1 << 18

    def __init__(self, stream, length):
        self._stream = stream
        self._remaining = length
        self._buffer = b''

    def _fill(self):
        """Append the next chunk to the buffer; False at the end of the body."""
        if self._remaining <= 0:
            return False
        chunk = self._stream.read(min(self.chunk_size, self._remaining))
        if not chunk:
            return False
        self._remaining -= len(chunk)
        self._buffer += chunk
        return True

    def read_until(self, delimiter):
        """The bytes before ``delimiter`` (consumed with it), or None if it never comes."""
        while True:
            position = self._buffer.find(delimiter)
            if position >= 0:
                data = self._buffer[:position]
                self._buffer = self._buffer[position + len(delimiter):]
                return data
            if not self._fill():
                return None

    def skip_past(self, delimiter):
        return self.read_until(delimiter) is not None

    def copy_until(self, delimiter, sink):
        """Write everything before ``delimiter`` to ``sink``; False if it never comes."""
        keep = len(delimiter) - 1  # a delimiter may straddle two chunks
        while True:
            position = self._buffer.find(delimiter)
            if position >= 0:
                sink.write(self._buffer[:position])
                self._buffer = self._buffer[position + len(delimiter):]
                return True
            if len(self._buffer) > keep:
                sink.write(self._buffer[:-keep])
                self._buffer = self._buffer[-keep:]
            if not self._fill():
                return False
