"""What the benchmark asks of every framework: the scenarios, their requests and the exact answers.

Each app in ``apps/`` implements every scenario so that it answers with the status and body bytes
given here (``notfound``: the status only, since default error pages differ). ``worker.py`` checks
that once per run before anything is timed. Stdlib only: ``run.py`` and ``upload_memory.py`` use
this module outside the benchmark venv.
"""
import hashlib
import html
import io
import json
import random
import sys
from dataclasses import dataclass


# ---------------------------------------------------------------------------------------------
# Scenario data
# The values the apps answer with. Every app imports them from here, so they cannot drift apart.

HTML_TYPE = 'text/html; charset=utf-8'
JSON_TYPE = 'application/json'

HELLO_TEXT = 'Hello, World!'

DYNAMIC_ROUTE_COUNT = 50
DYNAMIC_ID = 12345
ROUTING_ID = 4242

QUERY_NAMES = ('q', 'page', 'sort', 'lang')
QUERY_STRING = 'q=bottle+framework&page=3&sort=desc&lang=en'

FORM_NAMES = ('name', 'email', 'message')
FORM_BODY = b'name=Alice&email=alice%40example.com&message=Hello+there%21'

COOKIE_HEADER = 'theme=dark; session=abc123; lang=en'
COOKIE_READ = 'session'
COOKIE_SET = ('visited', 'yes')
COOKIE_MAX_AGE = 3600
COOKIE_PATH = '/'

JSON_DATA = {'id': 42, 'name': 'bench', 'tags': ['fast', 'small'], 'active': True, 'score': 9.5}

# Names carry the characters every engine escapes identically (& < >). Quotes are left out on
# purpose: SimpleTemplate, Jinja2 and html.escape spell escaped quotes differently.
TEMPLATE_ROWS = [{'id': number, 'name': 'Item <%d> & co' % number} for number in range(1, 21)]
STPL_SOURCE = (
    '<ul>\n'
    '% for row in rows:\n'
    '  <li class="row">{{row[\'id\']}}: {{row[\'name\']}}</li>\n'
    '% end\n'
    '</ul>\n')
# Render with trim_blocks, lstrip_blocks and keep_trailing_newline to match SimpleTemplate.
JINJA_SOURCE = (
    '<ul>\n'
    '{% for row in rows %}\n'
    '  <li class="row">{{ row.id }}: {{ row.name }}</li>\n'
    '{% endfor %}\n'
    '</ul>\n')
JINJA_OPTIONS = {'trim_blocks': True, 'lstrip_blocks': True, 'keep_trailing_newline': True}


def render_rows(rows):
    """The template scenario's page built with str operations and html.escape."""
    items = ''.join('  <li class="row">%d: %s</li>\n' % (row['id'], html.escape(row['name']))
                    for row in rows)
    return '<ul>\n' + items + '</ul>\n'


def resource_text(index, item_id):
    """What the dynamic routes answer: which of the routes matched and the id it parsed."""
    return 'res%d:%d' % (index, item_id)


# The routing-scale apps: ``route_count`` routes in families of five, each family a resource
# ``r<family>`` with two static and three dynamic routes. ``ROUTE_KINDS`` gives each kind's rule
# in Bottle's syntax (with ``{family}`` to fill in) and what it answers; apps/ translate the rule
# into their framework's syntax. Among any number of routes the request matches the last family's
# ``/<id:int>/edit`` route, the last dynamic route added: a router that tries routes in order
# reaches it last.
ROUTE_FAMILY_SIZE = 5
ROUTE_KINDS = (
    ('static', '/route/r{family}', ()),
    ('static', '/route/r{family}/new', ()),
    ('dynamic', '/route/r{family}/tag/<tag>', ('tag',)),
    ('dynamic', '/route/r{family}/<id:int>', ('id',)),
    ('dynamic', '/route/r{family}/<id:int>/edit', ('id',)),
)
ROUTED_KIND = 4
ROUTE_COUNTS = (10, 100, 1000, 10000)
BUILD_ROUTE_COUNT = 10000


def route_table(route_count):
    """[(kind index, family, Bottle rule)] of a routing app of ``route_count`` routes."""
    return [(index % ROUTE_FAMILY_SIZE, index // ROUTE_FAMILY_SIZE,
             ROUTE_KINDS[index % ROUTE_FAMILY_SIZE][1].format(family=index // ROUTE_FAMILY_SIZE))
            for index in range(route_count)]


def route_answer(kind, family, **arguments):
    """What route ``kind`` of ``family`` answers, given its arguments (already converted)."""
    return 'r%d:%d:%s' % (family, kind, ','.join(str(arguments[name])
                                                  for name in ROUTE_KINDS[kind][2]))


def routing_request(route_count):
    """(path, expected body) of the routing scenario among ``route_count`` routes."""
    family = route_count // ROUTE_FAMILY_SIZE - 1
    return ('/route/r%d/%d/edit' % (family, ROUTING_ID),
            route_answer(ROUTED_KIND, family, id=ROUTING_ID).encode())


# ---------------------------------------------------------------------------------------------
# Scenarios
# One request each and the answer it must get.

@dataclass(frozen=True)
class Scenario:
    """One benchmark scenario: the request to send and the response every framework must give.

    ``expected_body`` None means any body; ``expected_type`` None means any Content-Type.
    ``expected_cookie`` is (name, value, max_age, path) of a cookie the response must set.
    ``routes`` is 0 for the main app and N for the routing app of N routes (see
    :func:`route_table`). ``upload`` names the upload body ('random' or 'text') of a multipart
    upload scenario, else it is empty. ``build`` is N for the scenario that measures building
    the routing app of N routes (and answering its first request), else 0.
    """
    name: str
    unit: str
    method: str = 'GET'
    path: str = '/'
    query: str = ''
    headers: tuple = ()
    body: bytes = b''
    status: int = 200
    expected_body: bytes = None
    expected_type: str = HTML_TYPE
    expected_cookie: tuple = None
    routes: int = 0
    upload: str = ''
    build: int = 0

    @property
    def kind(self):
        """'request', 'upload' or 'build'."""
        return 'upload' if self.upload else 'build' if self.build else 'request'


def _request_scenarios():
    form_values = ('Alice', 'alice@example.com', 'Hello there!')
    query_values = ('bottle framework', '3', 'desc', 'en')
    scenarios = [
        Scenario('hello', 'req/s', path='/hello', expected_body=HELLO_TEXT.encode()),
        Scenario('dynamic', 'req/s', path='/api/res%d/%d' % (DYNAMIC_ROUTE_COUNT - 1, DYNAMIC_ID),
                 expected_body=resource_text(DYNAMIC_ROUTE_COUNT - 1, DYNAMIC_ID).encode()),
        Scenario('query', 'req/s', path='/query', query=QUERY_STRING,
                 expected_body='|'.join(query_values).encode()),
        Scenario('json', 'req/s', path='/json', expected_body=json.dumps(JSON_DATA).encode(),
                 expected_type=JSON_TYPE),
        Scenario('notfound', 'req/s', path='/no/such/page', status=404, expected_type=None),
        Scenario('form', 'req/s', method='POST', path='/form', body=FORM_BODY,
                 headers=(('Content-Type', 'application/x-www-form-urlencoded'),),
                 expected_body='|'.join(form_values).encode()),
        Scenario('cookie', 'req/s', path='/cookie', headers=(('Cookie', COOKIE_HEADER),),
                 expected_body=b'abc123',
                 expected_cookie=(*COOKIE_SET, COOKIE_MAX_AGE, COOKIE_PATH)),
        Scenario('template', 'req/s', path='/template',
                 expected_body=render_rows(TEMPLATE_ROWS).encode()),
    ]
    for route_count in ROUTE_COUNTS:
        path, answer = routing_request(route_count)
        scenarios.append(Scenario('route%d' % route_count, 'req/s', path=path,
                                  routes=route_count, expected_body=answer))
    return scenarios


# (framework, scenario) pairs that are not run, with the reason shown under the table.
_SLOW_ROUTER = ('Bottle 0.13.4 takes minutes of CPU to add 10,000 routes (stopped after six; '
                '1,000 take about 2 s): its router recompiles as routes are added')
NOT_MEASURED = {('bottle', 'route%d' % BUILD_ROUTE_COUNT): _SLOW_ROUTER,
                ('bottle', 'build%d' % BUILD_ROUTE_COUNT): _SLOW_ROUTER}
# (framework, scenario) pairs that are timed but not counted under callgrind (about 50 times
# slower than native): building their apps would take most of an hour there.
_SLOW_BUILD = ('not counted: building %d routes takes {} s of CPU natively, {} under callgrind; '
               'see the timed figures' % BUILD_ROUTE_COUNT)
NOT_COUNTED = {
    ('falcon', 'route%d' % BUILD_ROUTE_COUNT): _SLOW_BUILD.format('about 20', 'half an hour'),
    ('falcon', 'build%d' % BUILD_ROUTE_COUNT): _SLOW_BUILD.format('about 20', 'half an hour'),
    ('flask', 'route%d' % BUILD_ROUTE_COUNT): _SLOW_BUILD.format('about 6', '25 minutes'),
    ('flask', 'build%d' % BUILD_ROUTE_COUNT): _SLOW_BUILD.format('about 6', '25 minutes'),
    ('bottle', 'route1000'): ('not counted: Bottle 0.13.4 takes about 2 s of CPU to add 1,000 '
                              'routes, minutes under callgrind; see the timed figure'),
}


def _build_scenario():
    path, answer = routing_request(BUILD_ROUTE_COUNT)
    return Scenario('build%d' % BUILD_ROUTE_COUNT, 's CPU', path=path, expected_body=answer,
                    routes=BUILD_ROUTE_COUNT, build=BUILD_ROUTE_COUNT)


SCENARIOS = _request_scenarios() + [
    Scenario('upload-%s' % kind, 'MB/s', method='POST', path='/upload', upload=kind)
    for kind in ('random', 'text')] + [_build_scenario()]
SCENARIOS_BY_NAME = {scenario.name: scenario for scenario in SCENARIOS}


def make_environ(scenario, upload_size=0):
    """A WSGI environ for ``scenario`` without its ``wsgi.input``; see :func:`make_body`.

    Upload scenarios need ``upload_size``, the size of the uploaded file in bytes.
    """
    environ = {
        'REQUEST_METHOD': scenario.method,
        'SCRIPT_NAME': '',
        'PATH_INFO': scenario.path,
        'QUERY_STRING': scenario.query,
        'SERVER_NAME': 'localhost',
        'SERVER_PORT': '80',
        'SERVER_PROTOCOL': 'HTTP/1.1',
        'REMOTE_ADDR': '127.0.0.1',
        'HTTP_HOST': 'localhost',
        'HTTP_USER_AGENT': 'bench/1.0',
        'HTTP_ACCEPT': '*/*',
        'wsgi.version': (1, 0),
        'wsgi.url_scheme': 'http',
        'wsgi.errors': sys.stderr,
        'wsgi.multithread': False,
        'wsgi.multiprocess': False,
        'wsgi.run_once': False,
    }
    for name, value in scenario.headers:
        key = name.upper().replace('-', '_')
        environ[key if key == 'CONTENT_TYPE' else 'HTTP_' + key] = value
    if scenario.upload:
        environ['CONTENT_TYPE'] = UPLOAD_CONTENT_TYPE
        environ['CONTENT_LENGTH'] = str(upload_body(scenario.upload, upload_size).length)
    elif scenario.body:
        environ['CONTENT_LENGTH'] = str(len(scenario.body))
    return environ


def make_body(scenario, upload_size=0):
    """A fresh ``wsgi.input`` stream for one request of ``scenario``."""
    if scenario.upload:
        return upload_body(scenario.upload, upload_size)
    return io.BytesIO(scenario.body)


def normalize_content_type(value):
    """Content-Type compared loosely: case and spaces do not matter."""
    return value.replace(' ', '').lower() if value is not None else None


# ---------------------------------------------------------------------------------------------
# Upload bodies
# Multipart bodies of any size, produced on demand from a small repeated block so that a
# framework's memory use can be measured: the harness itself holds a few MB at most.

UPLOAD_BOUNDARY = '----BenchBoundary7MA4YWxkTrZu0gW'
UPLOAD_CONTENT_TYPE = 'multipart/form-data; boundary=' + UPLOAD_BOUNDARY
UPLOAD_FIELD = 'upload'
UPLOAD_FILES = {'random': ('data.bin', 'application/octet-stream'),
                'text': ('lines.txt', 'text/plain')}
_TEXT_BLOCK_SIZE = 50000
# Every read of the body up to this size is one slice of the doubled block: one copy, as a
# server's read from its socket makes. (Blocks of about 1 MiB made a 1 MiB read two slices
# joined, a second copy that only frameworks reading in large chunks paid.) Odd on purpose.
_BLOCK_SIZE = 8 * 2**20 - 3


def _random_block():
    return random.Random(20240601).randbytes(_BLOCK_SIZE)


def _text_block():
    """Short CRLF lines; every fourth is a line a careless parser could take for the boundary."""
    boundary = UPLOAD_BOUNDARY.encode()
    look_alikes = [b'--' + boundary[:-1],                   # one character short
                   b'--' + boundary[:-1] + b'X',            # last character differs
                   b'--' + boundary[:-1] + b'--',           # a near miss of the closing line
                   b'--' + boundary[:10],                   # a prefix
                   b'--', b'----', b'']
    lines = []
    size = 0
    number = 0
    while size < _TEXT_BLOCK_SIZE - 64:
        number += 1
        if number % 4:
            line = b'line %06d: the quick brown fox' % number
        else:
            line = look_alikes[number // 4 % len(look_alikes)]
        lines.append(line + b'\r\n')
        size += len(line) + 2
    lines.append(b'x' * (_TEXT_BLOCK_SIZE - size - 2) + b'\r\n')
    pattern = b''.join(lines)
    return (pattern * (_BLOCK_SIZE // len(pattern) + 1))[:_BLOCK_SIZE]


_BLOCK_MAKERS = {'random': _random_block, 'text': _text_block}
# Built once and never freed: freeing megabytes would retune the C allocator (glibc raises its
# trim threshold), and a framework's speed would then depend on the harness' allocations.
_doubled_blocks = {}


def _doubled_block(kind):
    if kind not in _doubled_blocks:
        block = _BLOCK_MAKERS[kind]()
        _doubled_blocks[kind] = block + block
    return _doubled_blocks[kind]


def upload_block(kind):
    """The block of bytes the content of a ``kind`` upload repeats."""
    doubled = _doubled_block(kind)
    return doubled[:len(doubled) // 2]


def upload_body(kind, size):
    """A :class:`SyntheticBody`: one multipart file part of ``size`` bytes of ``kind`` content."""
    filename, content_type = UPLOAD_FILES[kind]
    head = ('--%s\r\nContent-Disposition: form-data; name="%s"; filename="%s"\r\n'
            'Content-Type: %s\r\n\r\n'
            % (UPLOAD_BOUNDARY, UPLOAD_FIELD, filename, content_type)).encode()
    tail = ('\r\n--%s--\r\n' % UPLOAD_BOUNDARY).encode()
    return SyntheticBody(head, _doubled_block(kind), size, tail)


def upload_digest(kind, size):
    """SHA-256 hex digest of the content of a ``kind`` upload of ``size`` bytes."""
    block = upload_block(kind)
    digest = hashlib.sha256()
    whole_blocks, rest = divmod(size, len(block))
    for _ in range(whole_blocks):
        digest.update(block)
    digest.update(block[:rest])
    return digest.hexdigest()


def upload_report(filename, size, digest=None):
    """What the upload scenarios answer: the file name, its size and, when hashing, its digest."""
    report = '%s %d' % (filename, size)
    return report + ' sha256=' + digest if digest else report


def expected_upload_body(kind, size, hashing):
    """The body an upload of ``size`` bytes of ``kind`` content must be answered with."""
    digest = upload_digest(kind, size) if hashing else None
    return upload_report(UPLOAD_FILES[kind][0], size, digest).encode()


class SyntheticBody:
    """A read-only request body: ``head``, then ``size`` bytes of a block repeated, then ``tail``.

    ``doubled_block`` is that block twice over, so that any slice up to one block long is
    contiguous. Offers what servers give as ``wsgi.input`` (read, readline, readlines, iteration,
    readinto) and holds nothing but the given byte strings.
    """

    def __init__(self, head, doubled_block, size, tail):
        self._head = head
        self._block_size = len(doubled_block) // 2
        self._doubled_block = doubled_block
        self._content_end = len(head) + size
        self._tail = tail
        self.length = self._content_end + len(tail)
        self._position = 0

    def _piece(self, limit):
        """Bytes from the current position up to ``limit`` long, all from one region."""
        position = self._position
        if position < len(self._head):
            return self._head[position:position + limit]
        if position < self._content_end:
            start = (position - len(self._head)) % self._block_size
            count = min(limit, self._content_end - position, self._block_size)
            return self._doubled_block[start:start + count]
        start = position - self._content_end
        return self._tail[start:start + limit]

    def read(self, size=-1):
        remaining = self.length - self._position
        if size is None or size < 0 or size > remaining:
            size = remaining
        pieces = []
        while size > 0:
            piece = self._piece(size)
            pieces.append(piece)
            self._position += len(piece)
            size -= len(piece)
        return pieces[0] if len(pieces) == 1 else b''.join(pieces)

    def readinto(self, buffer):
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)

    def readline(self, size=-1):
        remaining = self.length - self._position
        if size is None or size < 0 or size > remaining:
            size = remaining
        pieces = []
        while size > 0:
            piece = self._piece(size)
            newline = piece.find(b'\n')
            if newline >= 0:
                piece = piece[:newline + 1]
            pieces.append(piece)
            self._position += len(piece)
            size -= len(piece)
            if newline >= 0:
                break
        return b''.join(pieces)

    def readlines(self, hint=-1):
        lines = []
        total = 0
        for line in iter(self.readline, b''):
            lines.append(line)
            total += len(line)
            if 0 < hint <= total:
                break
        return lines

    def __iter__(self):
        return iter(self.readline, b'')

    def close(self):
        pass


class UploadSink:
    """Where the apps copy an uploaded file: a writable file object that keeps only a count.

    While ``UploadSink.hashing`` is true (the self-check sets it) it also hashes what it is given,
    so the check proves the content arrived intact without slowing the timed runs.
    """
    hashing = False

    def __init__(self):
        self.size = 0
        self._digest = hashlib.sha256() if UploadSink.hashing else None

    def write(self, data):
        self.size += len(data)
        if self._digest is not None:
            self._digest.update(data)
        return len(data)

    def flush(self):
        pass

    def report(self, filename):
        """The upload scenarios' response body for what this sink received as ``filename``."""
        digest = self._digest.hexdigest() if self._digest is not None else None
        return upload_report(filename, self.size, digest)
