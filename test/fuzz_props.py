"""Properties of bottle.py under hostile input: strategies, a WSGI harness and oracles.

Shared by the quick suite (``test/test_fuzz.py``, a fixed seed and few examples)
and the long driver (``test/fuzz.py``, ``make fuzz``). Every property is a
:class:`Property`: a hypothesis strategy that draws a *case* (a JSON-friendly
dict: bytes travel as latin-1 strings) and a check function ``check(env, case)``
that sends one or more requests to the fuzz app (``test/fuzz_app.py``) through
:func:`send` and raises :class:`PropertyFailure` when an oracle is violated.
Because cases are plain data, a failing case can be saved to
``test/fuzz_regressions.json`` and replayed by the quick suite.

Oracles applied to every answer (:func:`check_answer`):

* no exception escapes the WSGI call (the call runs under ``wsgiref.validate``
  whenever the environ is one the validator accepts, so its checks count too);
* no 500 unless the handler raised on purpose (``/boom``), no other 5xx unless
  the property expects it (501 for an unknown transfer coding);
* no control character (``\\x00``-``\\x1f``, ``\\x7f``) in any header name or
  value, names are tokens, values are latin-1 (PEP 3333);
* Content-Length, when sent, is the length of the body; HEAD has no body;
* nothing outside the static root is ever served;
* no file descriptor is left open on a temporary file (a private ``TMPDIR``)
  or on the static tree once the response is closed, and no file is left in
  that ``TMPDIR``.
"""
import base64
import functools
import gc
import hashlib
import io
import json
import os
import random
import re
import select
import shutil
import subprocess
import sys
import tempfile
import traceback
import urllib.parse
import warnings
import wsgiref.validate

from hypothesis import strategies as st

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
for _path in (HERE, os.environ.get('BOTTLE_TEST_MODULE_DIR') or ROOT):
    if _path not in sys.path:
        sys.path.insert(0, _path)

import bottle  # noqa: E402
import fuzz_app  # noqa: E402

#: Longest chunk-size line (or trailer section) a server may read before refusing it.
CHUNK_LINE_BUDGET = 64 * 1024
#: Seconds a template may take to compile and render in the worker process.
TEMPLATE_TIME_LIMIT = 20.0
REGRESSIONS_FILE = os.path.join(HERE, 'fuzz_regressions.json')

_CONTROL = re.compile(r'[\x00-\x1f\x7f]')
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+\Z")
# RFC 3986 URI-reference characters; every '%' starts an escape.
_URI_REFERENCE = re.compile(r"(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*\Z")
_ON_PURPOSE = 'raised on purpose by the fuzz app'


class PropertyFailure(AssertionError):
    """An oracle was violated. ``signature`` groups failures with the same cause."""

    def __init__(self, oracle, detail, signature=None):
        AssertionError.__init__(self, '%s: %s' % (oracle, detail))
        self.oracle = oracle
        self.signature = '%s: %s' % (oracle, signature if signature is not None else detail)


class BudgetExceeded(BaseException):
    """Raised by the input stream when the app reads past its byte budget.

    A BaseException, so no ``except Exception`` in bottle.py or the app hides it.
    """


def latin1(data):
    """Bytes as a PEP 3333 native string."""
    return data.decode('latin1')


def native(text):
    """A unicode string as the latin-1 native string a server passes for its UTF-8 bytes."""
    return text.encode('utf8').decode('latin1')


# ----------------------------------------------------------------- Harness ----

class FuzzInput(object):
    """``wsgi.input`` over bytes that counts what was read, stops at a budget and may fail.

    ``budget``: reading past this many bytes raises :class:`BudgetExceeded`.
    ``fail_at``/``failure``: reading past ``fail_at`` bytes raises ``failure``
    (the way a server's de-chunking stream reports a broken body).
    """

    def __init__(self, data, budget=None, fail_at=None, failure=None):
        self._stream = io.BytesIO(data)
        self.budget, self.fail_at, self.failure = budget, fail_at, failure
        self.consumed = 0
        self.calls = 0
        self.over_budget = False

    def _allow(self, size):
        available = len(self._stream.getbuffer()) - self._stream.tell()
        wanted = available if size is None or size < 0 else min(size, available)
        end = self.consumed + wanted
        if self.fail_at is not None and end > self.fail_at:
            raise self.failure
        if self.budget is not None and end > self.budget:
            self.over_budget = True
            raise BudgetExceeded('read past the budget of %d bytes' % self.budget)
        return wanted

    def read(self, size=-1):
        self.calls += 1
        data = self._stream.read(self._allow(size))
        self.consumed += len(data)
        return data

    def readline(self, size=-1):
        self.calls += 1
        position = self._stream.tell()
        line = self._stream.readline(size)
        self._stream.seek(position)
        data = self._stream.read(self._allow(len(line)))
        self.consumed += len(data)
        return data

    def readlines(self, hint=-1):
        return list(iter(self.readline, b''))

    def __iter__(self):
        return iter(self.readline, b'')


class Answer(object):
    """What one WSGI call produced, plus what the harness observed around it."""

    def __init__(self, case):
        self.case = case
        self.status = None
        self.code = None
        self.headers = []
        self.body = b''
        self.exception = None
        self.traceback = ''
        self.errors = ''
        self.leaks = []
        self.input = None
        self.validated = False

    def header(self, name, default=None):
        values = [v for k, v in self.headers if k.lower() == name.lower()]
        return values[-1] if values else default

    def header_list(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def json(self):
        try:
            return json.loads(self.body.decode('utf8'))
        except ValueError:
            raise PropertyFailure('answer is not the JSON the handler returns',
                                  '%s %r' % (self.status, self.body[:300]),
                                  'status %s' % self.code) from None

    def describe(self):
        return '%s %r body=%r' % (self.status, self.headers[:12], self.body[:200])


class FuzzEnvironment(object):
    """One process's fuzz fixture: the static tree, templates, a private TMPDIR and the app.

    While it is open, :data:`tempfile.tempdir` points at its TMPDIR so every
    temporary file bottle.py makes lands there and can be counted.
    """

    def __init__(self, base=None):
        self.base = base or tempfile.mkdtemp(prefix='bottle-fuzz-')
        self.tree = fuzz_app.make_static_tree(self.base)
        self.views = fuzz_app.make_template_dir(self.base)
        self.tmpdir = os.path.join(self.base, 'tmp')
        os.makedirs(self.tmpdir, exist_ok=True)
        self.watched = tuple(os.path.realpath(p) + os.sep for p in
                             (self.tmpdir, self.tree['root'], self.tree['outside']))
        self.app = fuzz_app.make_app(self.tree['root'], self.views)
        self.requests = 0
        self._saved_tempdir = tempfile.tempdir
        tempfile.tempdir = self.tmpdir
        self.templates = None

    def close(self):
        tempfile.tempdir = self._saved_tempdir
        if self.templates is not None:
            self.templates.close()
        shutil.rmtree(self.base, ignore_errors=True)

    def open_fds(self):
        """The names of this process's open descriptors (empty without procfs)."""
        try:
            return set(os.listdir('/proc/self/fd'))
        except OSError:  # no procfs: nothing can be counted
            return set()

    def watched_fds(self, names=None):
        """{fd: target} of the descriptors (of ``names``, default all) open on the TMPDIR or
        the static tree."""
        found = {}
        for name in self.open_fds() if names is None else names:
            try:
                target = os.readlink('/proc/self/fd/' + name)
            except OSError:
                continue
            if target.startswith(self.watched):
                found[int(name)] = target
        return found

    def template_runner(self):
        if self.templates is None:
            self.templates = TemplateRunner()
        return self.templates


def _environ_for(env, method, path, query, headers, body_input, extra):
    environ = {
        'REQUEST_METHOD': method, 'SCRIPT_NAME': '', 'PATH_INFO': path, 'QUERY_STRING': query,
        'SERVER_NAME': '127.0.0.1', 'SERVER_PORT': '80', 'SERVER_PROTOCOL': 'HTTP/1.1',
        'REMOTE_ADDR': '127.0.0.1', 'wsgi.version': (1, 0), 'wsgi.url_scheme': 'http',
        'wsgi.input': body_input, 'wsgi.errors': io.StringIO(), 'wsgi.multithread': False,
        'wsgi.multiprocess': False, 'wsgi.run_once': False,
    }
    for name, value in headers:
        key = name.upper().replace('-', '_')
        if key not in ('CONTENT_TYPE', 'CONTENT_LENGTH'):
            key = 'HTTP_' + key
        if key in environ and key.startswith('HTTP_'):
            environ[key] += ('; ' if key == 'HTTP_COOKIE' else ', ') + value
        else:
            environ[key] = value
    environ.update(extra or {})
    return environ


# wsgiref.validate formats the message of every assertion before it tests the condition
# (check_environ puts the repr of the whole environ into one of them), which made it half
# the cost of a request. For ``make fuzz`` these two checks first test the same conditions
# without messages; only if one fails does the original run, to raise its own error. The
# shortcut passes only what the original passes (test_fuzz.py compares them).
_VALIDATE_ORIGINALS = (wsgiref.validate.check_environ, wsgiref.validate.check_headers)
_VALID_HEADER_NAME = re.compile(r'[a-zA-Z](?:[a-zA-Z0-9\-_]*[a-zA-Z0-9])?\Z')
_BAD_HEADER_VALUE = re.compile(r'[\000-\037]')
_ENVIRON_REQUIRED = ('REQUEST_METHOD', 'SERVER_NAME', 'SERVER_PORT', 'wsgi.version',
                     'wsgi.input', 'wsgi.errors', 'wsgi.multithread', 'wsgi.multiprocess',
                     'wsgi.run_once', 'QUERY_STRING')
_KNOWN_METHODS = ('GET', 'HEAD', 'POST', 'OPTIONS', 'PATCH', 'PUT', 'DELETE', 'TRACE')


def environ_passes_validate(environ):
    """True only if wsgiref.validate.check_environ passes ``environ`` without a warning."""
    if type(environ) is not dict or not all(key in environ for key in _ENVIRON_REQUIRED):
        return False
    if 'HTTP_CONTENT_TYPE' in environ or 'HTTP_CONTENT_LENGTH' in environ:
        return False
    if not all(type(value) is str for key, value in environ.items() if '.' not in key):
        return False
    if type(environ['wsgi.version']) is not tuple or \
            environ.get('wsgi.url_scheme') not in ('http', 'https'):
        return False
    stream, errors = environ['wsgi.input'], environ['wsgi.errors']
    if not all(hasattr(stream, name) for name in ('read', 'readline', 'readlines', '__iter__')) \
            or not all(hasattr(errors, name) for name in ('flush', 'write', 'writelines')):
        return False
    if environ['REQUEST_METHOD'] not in _KNOWN_METHODS:
        return False  # the original warns
    script, path = environ.get('SCRIPT_NAME'), environ.get('PATH_INFO')
    if (script and not script.startswith('/')) or (path and not path.startswith('/')):
        return False
    length = environ.get('CONTENT_LENGTH')
    if length and not (length.isascii() and length.isdigit()):
        return False
    return bool(script or 'PATH_INFO' in environ) and script != '/'


def headers_pass_validate(headers):
    """True only if wsgiref.validate.check_headers passes ``headers``."""
    if type(headers) is not list:
        return False
    for item in headers:
        if type(item) is not tuple or len(item) != 2:
            return False
        name, value = item
        if type(name) is not str or type(value) is not str or name.lower() == 'status' or \
                not _VALID_HEADER_NAME.match(name) or _BAD_HEADER_VALUE.search(value):
            return False
    return True


def _check_environ_fast(environ):
    if not environ_passes_validate(environ):
        _VALIDATE_ORIGINALS[0](environ)


def _check_headers_fast(headers):
    if not headers_pass_validate(headers):
        _VALIDATE_ORIGINALS[1](headers)


def use_fast_validate(enabled=True):
    """Make wsgiref.validate's environ and header checks cheap (see above), or restore them."""
    wsgiref.validate.check_environ = _check_environ_fast if enabled else _VALIDATE_ORIGINALS[0]
    wsgiref.validate.check_headers = _check_headers_fast if enabled else _VALIDATE_ORIGINALS[1]


def _validator_accepts(environ):
    """True if wsgiref.validate would accept the environ itself (then it checks the app)."""
    length = environ.get('CONTENT_LENGTH')
    if length and not (length.isascii() and length.isdigit()):
        return False
    path = environ.get('PATH_INFO')
    if path and not path.startswith('/'):
        return False
    return all(type(v) is str for k, v in environ.items() if '.' not in k)


def send(env, method='GET', path='/', query='', headers=(), body=b'', environ=None,
         content_length=True, budget=None, fail_at=None, failure=None):
    """Call the fuzz app with one request and return an :class:`Answer`.

    ``path`` and ``query`` are native strings. ``headers`` is a list of
    (name, value) pairs. ``body`` is bytes; unless ``content_length`` is
    false or a Content-Length or Transfer-Encoding header is given, its
    length is sent. ``environ`` adds or overrides environ keys.
    """
    case = {'method': method, 'path': path, 'query': query, 'headers': [list(h) for h in headers],
            'body_size': len(body)}  # (not the body itself: it may be large)
    answer = Answer(case)
    names = {name.lower() for name, _ in headers}
    if content_length and body and not names & {'content-length', 'transfer-encoding'}:
        headers = list(headers) + [('Content-Length', str(len(body)))]
    stream = answer.input = FuzzInput(body, budget, fail_at, failure)
    environ = _environ_for(env, method, path, query, headers, stream, environ)
    errors = environ['wsgi.errors']
    app = env.app
    if _validator_accepts(environ):
        app = wsgiref.validate.validator(app)
        answer.validated = True
    env.requests += 1
    # Only descriptors opened during the call can be left open by it: one that was open
    # before keeps its number until closed, and nothing here closes descriptors it did not
    # open. So the targets of new numbers are enough (readlink on every descriptor twice
    # per request was a fifth of a request's cost).
    before = env.open_fds()
    captured = {}

    def start_response(status, response_headers, exc_info=None):
        captured['status'], captured['headers'] = status, response_headers
        return lambda data: captured.setdefault('written', []).append(data)

    gc_was_enabled = gc.isenabled()
    gc.disable()  # a leak must show as a leak, not depend on when the collector runs
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            iterable = app(environ, start_response)
            try:
                chunks = list(iterable)
            finally:
                if hasattr(iterable, 'close'):
                    iterable.close()
        answer.body = b''.join(captured.get('written', []) + chunks)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as error:
        answer.exception = error
        answer.traceback = traceback.format_exc()
    finally:
        after = env.watched_fds(env.open_fds() - before)
        if gc_was_enabled:
            gc.enable()
    answer.errors = errors.getvalue() if hasattr(errors, 'getvalue') else ''
    answer.leaks = sorted(after.values())
    left = os.listdir(env.tmpdir)
    if left:
        answer.leaks += ['file left in TMPDIR: ' + name for name in left]
        for name in left:
            try:
                os.unlink(os.path.join(env.tmpdir, name))
            except OSError:
                pass
    if 'status' in captured:
        answer.status = captured['status']
        answer.headers = list(captured['headers'])
        try:
            answer.code = int(answer.status.split()[0])
        except (ValueError, IndexError):
            answer.code = None
    return answer


def _innermost_bottle_frame(text):
    """'ExcType in bottle.func' from a traceback text (no line numbers: they move)."""
    frames = re.findall(r'File "([^"]+)", line \d+, in (\S+)', text)
    where = next((func for file, func in reversed(frames)
                  if os.path.basename(file) == 'bottle.py'), None)
    last = [line for line in text.strip().splitlines() if line and not line.startswith(' ')]
    exc_type = last[-1].split(':', 1)[0] if last else '?'
    return '%s in bottle.%s' % (exc_type, where) if where else exc_type


def check_answer(answer, allowed_5xx=()):
    """The oracles every answer must satisfy (see the module docstring)."""
    case = answer.case
    if answer.exception is not None:
        if isinstance(answer.exception, BudgetExceeded):
            raise PropertyFailure(
                'read past its budget', 'the app read more than %d bytes of %d'
                % (answer.input.budget, case['body_size']), 'budget')
        where = _innermost_bottle_frame(answer.traceback)
        if answer.validated and isinstance(answer.exception, AssertionError) \
                and 'wsgiref' in answer.traceback:
            message = str(answer.exception)
            raise PropertyFailure('wsgiref.validate failed', message[:500],
                                  re.sub(r"[:(]? *'.*", '', message)[:80])
        raise PropertyFailure('exception escaped the WSGI call', answer.traceback[-1500:], where)
    if answer.status is None:
        raise PropertyFailure('start_response was never called', repr(case)[:300], 'no status')
    code = answer.code
    if code is None or not 100 <= code <= 599:
        raise PropertyFailure('malformed status line', repr(answer.status), 'status')
    last_line = (answer.errors.strip().splitlines() or [''])[-1]
    if code == 500 and 'wsgiref/validate.py' in answer.errors \
            and last_line.startswith('AssertionError'):
        raise PropertyFailure('wsgiref.validate failed', last_line[:500],
                              re.sub(r"[:(]? *'.*", '', last_line)[:80])
    if code == 500 and _ON_PURPOSE not in answer.errors:
        raise PropertyFailure('500 Internal Server Error',
                              answer.errors[-1500:] or answer.describe(),
                              '500 ' + _innermost_bottle_frame(answer.errors))
    if 500 < code <= 599 and code not in allowed_5xx:
        raise PropertyFailure('unexpected %d' % code, answer.describe(), str(code))
    for name, value in answer.headers:
        if not isinstance(name, str) or not _TOKEN.match(name):
            raise PropertyFailure('header name is not a token', repr(name), 'header name')
        if not isinstance(value, str) or _CONTROL.search(value):
            raise PropertyFailure('control character in a header value', '%s: %r' % (name, value),
                                  'control character in %s' % name)
        try:
            value.encode('latin1')
        except UnicodeEncodeError:
            raise PropertyFailure('header value is not latin-1 (PEP 3333)', '%s: %r'
                                  % (name, value), 'non-latin-1 %s' % name) from None
    length = answer.header('Content-Length')
    if case['method'] == 'HEAD' or code in (204, 304) or code < 200:
        if answer.body:
            raise PropertyFailure('body sent where none is allowed', answer.describe(),
                                  '%s %d with body' % (case['method'], code))
    elif length is not None and length != str(len(answer.body)):
        raise PropertyFailure('Content-Length is not the body length', '%s for %d bytes: %s'
                              % (length, len(answer.body), answer.describe()), 'Content-Length')
    if fuzz_app.SECRET_MARKER in answer.body:
        raise PropertyFailure('served a file outside the static root', case['path'], 'escape')
    if answer.leaks:
        raise PropertyFailure('file left open after the request ended', answer.leaks,
                              'open file (%s)' % ('tempfile' if any(
                                  '/tmp/' in leak for leak in answer.leaks) else 'static'))
    return answer


def grouped(pairs):
    """{key: [values in order]}: what a MultiDict keeps of a list of pairs."""
    out = {}
    for key, value in pairs:
        out.setdefault(key, []).append(value)
    return out


def expect_status(answer, allowed, what, kind=None):
    """Fail unless the status is one of ``allowed``. The signature names ``kind`` (default
    ``what``): where ``what`` quotes the case's data, ``kind`` must not, or every failing
    value would count as a new failure (and be shrunk and saved again by ``make fuzz``)."""
    if answer.code not in allowed:
        raise PropertyFailure('unexpected status for %s' % what, 'wanted one of %s, got %s'
                              % (sorted(allowed), answer.describe()),
                              '%s -> %s' % (kind or what, answer.code))


# -------------------------------------------------------------- Strategies ----

@functools.lru_cache(maxsize=8)
def _bytes_from_seed(size, seed):
    """``size`` pseudo-random bytes (large payloads without a large hypothesis buffer).

    Cached: a case expands its payload several times (to build the body, to compare).
    """
    return random.Random(seed).getrandbits(8 * size).to_bytes(size, 'little') if size else b''


def expand(value):
    """The bytes a compact case value stands for (cases stay small even for 1 MB bodies).

    A str is latin-1 bytes; ``['random', size, seed]`` pseudo-random bytes;
    ``['repeat', head, unit, count, tail]`` ``head + unit * count + tail``;
    ``['multipart', built]`` and ``['chunked', built]`` the bodies
    :func:`multipart_body` and :func:`chunked_body` build; ``['concat', *values]``
    the values one after another.
    """
    if isinstance(value, str):
        return value.encode('latin1')
    tag = value[0]
    if tag == 'random':
        return _bytes_from_seed(value[1], value[2])
    if tag == 'repeat':
        return (value[1] + value[2] * value[3] + value[4]).encode('latin1')
    if tag == 'multipart':
        return multipart_body(value[1])
    if tag == 'chunked':
        return chunked_body(value[1])
    if tag == 'concat':
        return b''.join(expand(item) for item in value[1:])
    raise ValueError('unknown case value %r' % (value[:1],))


def _random_payload(sizes):
    return st.tuples(st.sampled_from(sizes), st.integers(0, 2 ** 32)).map(
        lambda t: ['random', t[0], t[1]])


printable = st.characters(blacklist_categories=('Cs', 'Cc'))
any_char = st.characters(blacklist_categories=('Cs',))
unicode_text = st.text(any_char, max_size=30)
latin1_text = st.binary(max_size=40).map(latin1)
# The literal choices of the strategies are named, so that the fast generator of
# ``make fuzz`` (test/fuzz_random.py) draws from exactly the same lists.
TOKEN_CHARS = ('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
               "!#$%&'*+-.^_`|~")
NOISE_CHARS = '%&=+;,"\\/?#[]:@<>{}() \t\r\n\x00\x1f\x7f\xff\xe9\x80abc019'
token = st.text(st.sampled_from(TOKEN_CHARS), min_size=1, max_size=12)
noise = st.text(st.sampled_from(NOISE_CHARS), max_size=12)

ROUTES = ['/', '/query', '/form', '/json', '/body', '/cookies', '/setcookie', '/headers',
          '/setheader', '/redirect', '/static/', '/download/', '/page', '/f/int/', '/f/float/',
          '/f/path/', '/f/re/', '/f/default/', '/f/hex/', '/f/multi/', '/auth', '/stream',
          '/boom', '/nope']
STATIC_SEGMENTS = ['..', '.', '', 'escape', 'secret.txt', 'sub', 'secret_link.txt',
                   'absolute_link', 'hello.txt', 'data.bin', 'deeper', 'page.css',
                   'sp\u00e4ce name.txt', 'loop', 'inside_link.txt', 'index.html', 'empty.txt',
                   'archive.tar.gz', '%2e%2e', '..%2f', '\\', '..\\..', 'C:', 'C:\\', '\x00',
                   '...', ' ', 'outside', 'hello.txt\x00.png']

METHODS = ['GET', 'GET', 'POST', 'POST', 'PUT', 'HEAD', 'DELETE', 'PATCH', 'OPTIONS', 'get',
           'PROPFIND', '']
STATIC_PREFIXES = ['/static/', '/download/']
methods = st.sampled_from(METHODS)

paths = st.one_of(
    st.tuples(st.sampled_from(ROUTES), st.one_of(latin1_text, unicode_text.map(native), noise))
    .map(''.join),
    st.tuples(st.sampled_from(STATIC_PREFIXES),
              st.lists(st.sampled_from(STATIC_SEGMENTS), max_size=5).map('/'.join))
    .map(lambda t: native(t[0] + t[1])),
    st.binary(max_size=30).map(lambda b: '/' + latin1(b)),
)


QUERY_HOWS = ['urlencode', 'raw', 'noise', 'bytes']


@st.composite
def query_strings(draw):
    pairs = draw(st.lists(st.tuples(st.one_of(unicode_text, noise), st.one_of(unicode_text, noise)),
                          max_size=5))
    how = draw(st.sampled_from(QUERY_HOWS))
    if how == 'urlencode':
        return urllib.parse.urlencode(pairs)
    if how == 'raw':
        return native('&'.join('%s=%s' % pair for pair in pairs))
    if how == 'noise':
        return draw(noise) + draw(latin1_text) + draw(noise)
    return latin1(draw(st.binary(max_size=60)))


RANGE_SAMPLES = ['bytes=', 'bytes=-', 'bytes=5-2', 'bytes=-0', 'items=0-5', 'bytes=a-b',
                 'bytes=0-' + '9' * 5000, 'bytes=' + '9' * 5000 + '-', 'bytes = 0-1', 'BYTES=0-1',
                 'bytes=0-1,', 'bytes=\u0663-\u0665', 'bytes=\xb2-\xb3']


def _range_values():
    number = st.integers(0, 200000).map(str)
    return st.one_of(
        st.tuples(number, number).map(lambda t: 'bytes=%s-%s' % t),
        number.map(lambda n: 'bytes=%s-' % n), number.map(lambda n: 'bytes=-%s' % n),
        st.lists(st.tuples(number, number).map('-'.join), min_size=2, max_size=4)
        .map(lambda r: 'bytes=' + ','.join(r)),
        st.sampled_from(RANGE_SAMPLES),
        latin1_text)


CONTENT_TYPE_SAMPLES = [
    'application/x-www-form-urlencoded', 'application/json', 'multipart/form-data',
    'multipart/form-data; boundary=', 'multipart/form-data; boundary="',
    'multipart/form-data; boundary=""', 'multipart/form-data; boundary=a; boundary=b',
    'multipart/form-data; boundary="a\\"b"', 'multipart/mixed; boundary=x',
    'multipart/form-data; boundary=' + 'x' * 5000, 'text/plain',
    'application/json; charset=latin-1', 'application/json-rpc',
    'multipart/form-data; charset=utf-8; boundary=x; x*=utf-8\'\'%ff',
    'multipart/form-data; boundary=\xe9\x00\x1f', ';;;', '', '=']
CONTENT_TYPE_BASES = ['multipart/form-data', 'application/json', 'text/html',
                      'application/x-www-form-urlencoded']


def _content_types():
    return st.one_of(
        st.sampled_from(CONTENT_TYPE_SAMPLES),
        st.tuples(st.sampled_from(CONTENT_TYPE_BASES), noise, latin1_text)
        .map(lambda t: '%s; %s=%s' % t))


AUTH_SAMPLES = ['Basic', 'Basic ', 'Basic ====', 'Basic a', 'Bearer x', 'basic Og==',
                'Basic \xff\xfe', 'Digest username="a"']


def _auth_values():
    user = st.text(printable, max_size=10)
    return st.one_of(
        st.tuples(user, user).map(
            lambda t: 'Basic ' + base64.b64encode(('%s:%s' % t).encode('utf8')).decode()),
        st.binary(max_size=30).map(lambda b: 'Basic ' + base64.b64encode(b).decode()),
        st.sampled_from(AUTH_SAMPLES),
        latin1_text)


HOST_SAMPLES = ['x:y:z', '[::1', '[::1]', '[::1]:8080', '[::1;x', 'a b', '', ':', ':80', 'host:',
                'host:99999', 'h\xe9', 'example.com:80:80', '[]', '[::1]x', 'a@b', 'a/b', 'a?b',
                'a#b', '%41']


def _hosts():
    return st.one_of(st.sampled_from(HOST_SAMPLES), latin1_text)


COOKIE_SAMPLES = ['signed=!abc?def', 'signed="!x?y"', 'signed=!' + 'A' * 200 + '?',
                  'a="unterminated', 'a="\\"', 'a="\\', '$Version=1; a=b', ';;;', '=', 'a=b;c',
                  'a="\\777"']


def _cookie_headers():
    pair = st.tuples(st.one_of(token, noise), st.one_of(unicode_text.map(native), noise))
    return st.one_of(
        st.lists(pair.map('='.join), max_size=5).map('; '.join),
        st.sampled_from(COOKIE_SAMPLES),
        latin1_text)


TRANSFER_ENCODINGS = ['chunked', 'chunked', 'chunked', 'Chunked', ' chunked ', 'CHUNKED',
                      'gzip, chunked', 'chunked, gzip', 'identity', 'gzip', 'chunked, chunked',
                      'x-custom', 'chunked;q=1', ',chunked', '']


def _transfer_encodings():
    return st.sampled_from(TRANSFER_ENCODINGS)


FORWARDED_NAMES = ['X-Forwarded-For', 'X-Forwarded-Host', 'X-Forwarded-Proto']
FORWARDED_SAMPLES = ['https', 'ftp', '', '1.2.3.4, 5.6.7.8', ',', '[::1]', 'x:y:z']
CONDITIONAL_NAMES = ['If-None-Match', 'If-Modified-Since', 'If-Range']
CONDITIONAL_SAMPLES = ['*', '"x"', 'W/"x"', 'Sun, 06 Nov 1994', 'Sun, 06 Nov 1994 08:49:37 GMT',
                       '0']
CONTENT_LENGTH_SAMPLES = ['abc', '1e3', '+5', ' 5 ', '5,5', '0x10', '\xb2', '\u0663', '9' * 30,
                          '', '-', '--1']
XHR_SAMPLES = ['XMLHttpRequest', 'x', '']

header_pairs = st.one_of(
    st.tuples(st.just('Cookie'), _cookie_headers()),
    st.tuples(st.just('Range'), _range_values()),
    st.tuples(st.just('Content-Type'), _content_types()),
    st.tuples(st.just('Authorization'), _auth_values()),
    st.tuples(st.sampled_from(FORWARDED_NAMES),
              st.one_of(latin1_text, st.sampled_from(FORWARDED_SAMPLES))),
    st.tuples(st.just('Host'), _hosts()),
    st.tuples(st.sampled_from(CONDITIONAL_NAMES),
              st.one_of(latin1_text, st.sampled_from(CONDITIONAL_SAMPLES))),
    st.tuples(st.just('Transfer-Encoding'), _transfer_encodings()),
    st.tuples(st.just('Content-Length'),
              st.one_of(st.integers(-5, 400).map(str), st.sampled_from(CONTENT_LENGTH_SAMPLES))),
    st.tuples(st.just('X-Requested-With'), st.sampled_from(XHR_SAMPLES)),
    st.tuples(token, latin1_text),
)


BODY_KINDS = ['none', 'bytes', 'form', 'multipart', 'json', 'chunked']


@st.composite
def any_requests(draw):
    """A request with every part drawn at random, the body in one of several formats."""
    headers = draw(st.lists(header_pairs, max_size=6))
    kind = draw(st.sampled_from(BODY_KINDS))
    body = b''
    if kind == 'bytes':
        body = draw(st.binary(max_size=200))
    elif kind == 'form':
        body = urllib.parse.urlencode(draw(st.lists(st.tuples(unicode_text, unicode_text),
                                                    max_size=4))).encode()
        headers.append(('Content-Type', 'application/x-www-form-urlencoded'))
    elif kind == 'multipart':
        built = draw(multipart_bodies())
        body = ['multipart', built]
        headers.append(('Content-Type', built['content_type']))
    elif kind == 'json':
        body = json.dumps(draw(json_values)).encode()
        headers.append(('Content-Type', 'application/json'))
    elif kind == 'chunked':
        body = ['chunked', draw(chunked_bodies())]
        headers.append(('Transfer-Encoding', 'chunked'))
    draw(st.randoms(use_true_random=False)).shuffle(headers)
    return {'method': draw(methods), 'path': draw(paths), 'query': draw(query_strings()),
            'headers': headers, 'body': latin1(body) if isinstance(body, bytes) else body,
            'suffix': draw(st.one_of(st.just(''), latin1_text, unicode_text.map(native), noise))}


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2 ** 70, 2 ** 70) |
    st.floats(allow_nan=False, allow_infinity=False) | unicode_text,
    lambda children: st.lists(children, max_size=4) |
    st.dictionaries(unicode_text, children, max_size=4),
    max_leaves=20)

_BCHARS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'()+_,-./:=? "
_FIELD_CHARS = st.characters(blacklist_categories=('Cs', 'Cc'), blacklist_characters='"\\')


PART_HEADER_CASES = ['title', 'lower', 'upper']
PART_EXTRA_NAMES = ['X-Extra', 'X-Other']
FILE_CONTENT_TYPES = [None, 'application/octet-stream', 'text/plain', 'image/png',
                      'text/plain; charset=utf-8', 'application/x-\xe9']
FIELD_CONTENT_TYPES = [None, 'text/plain', 'text/plain; charset=utf-8']
FILE_PAYLOAD_SIZES = [1000, 120000, 300000]
TRICKY_DATA = ['', '', '\r\n', '\r\n--', '--', '\r\n\r\n', '\r']


@st.composite
def multipart_parts(draw):
    """One form part: a text field or a file, the data as a compact case value."""
    is_file = draw(st.booleans())
    part = {'name': draw(st.text(_FIELD_CHARS, min_size=1, max_size=12)),
            'filename': draw(st.text(_FIELD_CHARS, min_size=1, max_size=20)) if is_file else None,
            'headers_case': draw(st.sampled_from(PART_HEADER_CASES)),
            'filename_first': draw(st.booleans()),
            'extra_headers': draw(st.lists(st.tuples(st.sampled_from(PART_EXTRA_NAMES),
                                                     st.text(st.characters(
                                                         min_codepoint=32, max_codepoint=126),
                                                         max_size=10)), max_size=2))}
    if is_file:
        part['content_type'] = draw(st.sampled_from(FILE_CONTENT_TYPES))
        data = draw(st.one_of(st.binary(max_size=200).map(latin1),
                              _random_payload(FILE_PAYLOAD_SIZES)))
    else:
        part['content_type'] = draw(st.sampled_from(FIELD_CONTENT_TYPES))
        data = latin1(draw(st.text(any_char, max_size=40)).encode('utf8'))
    tricky = draw(st.sampled_from(TRICKY_DATA))
    part['data'] = ['concat', data, tricky] if draw(st.booleans()) else ['concat', tricky, data]
    return part


def _part_header(name, case):
    return {'title': name, 'lower': name.lower(), 'upper': name.upper()}[case]


def encode_multipart(boundary, parts, preamble=b'', epilogue=b''):
    """Serialise parts (dicts from :func:`multipart_parts`) the way a browser does."""
    out = [preamble]
    for part in parts:
        out.append(b'--' + boundary + b'\r\n')
        params = ['name="%s"' % part['name']]
        if part['filename'] is not None:
            params.insert(0 if part.get('filename_first') else 1,
                          'filename="%s"' % part['filename'])
        out.append(('%s: form-data; %s\r\n' % (_part_header('Content-Disposition',
                                                             part['headers_case']),
                                               '; '.join(params))).encode('utf8'))
        if part['content_type']:
            out.append(('%s: %s\r\n' % (_part_header('Content-Type', part['headers_case']),
                                        part['content_type'])).encode('latin1'))
        for name, value in part['extra_headers']:
            out.append(('%s: %s\r\n' % (name, value)).encode('latin1'))
        out.append(b'\r\n' + expand(part['data']) + b'\r\n')
    out.append(b'--' + boundary + b'--\r\n' + epilogue)
    return b''.join(out)


def multipart_body(built):
    """The body bytes of a case from :func:`multipart_bodies`."""
    return encode_multipart(built['boundary'].encode('latin1'), built['parts'],
                            built['preamble'].encode('latin1'), built['epilogue'].encode('latin1'))


BOUNDARY_QUOTE_CHARS = "'()+,/:=? "
CONTENT_TYPE_PREFIXES = ['', 'charset=utf-8; ']
PREAMBLES = ['', 'preamble\r\n', '\r\n']
EPILOGUES = ['', '\r\n', '  \r\n', '\r\n\r\n']


@st.composite
def multipart_bodies(draw, max_parts=6):
    """A well-formed multipart/form-data body: {'boundary', 'content_type', 'parts',
    'preamble', 'epilogue'} (:func:`multipart_body` builds the bytes)."""
    boundary = draw(st.text(st.sampled_from(_BCHARS), min_size=1, max_size=70)
                    .filter(lambda b: not b.endswith(' ')))
    parts = draw(st.lists(multipart_parts(), max_size=max_parts))
    delimiter = b'\r\n--' + boundary.encode('ascii')
    for part in parts:  # a part's data must not contain the delimiter
        data = expand(part['data'])
        if delimiter in b'\r\n' + data + b'\r\n' or data.startswith(delimiter[2:]):
            part['data'] = 'x'
    quoted = draw(st.booleans()) or any(c in boundary for c in BOUNDARY_QUOTE_CHARS)
    content_type = 'multipart/form-data; %sboundary=%s' % (
        draw(st.sampled_from(CONTENT_TYPE_PREFIXES)),
        '"%s"' % boundary if quoted else boundary)
    return {'boundary': boundary, 'content_type': content_type, 'parts': parts,
            'preamble': draw(st.sampled_from(PREAMBLES)),
            'epilogue': draw(st.sampled_from(EPILOGUES))}


CHUNK_STYLES = ['plain', 'plain', 'plain', 'upper', 'zeros', 'ext', 'space', 'lf', 'bad',
                'wrongsize', 'long', 'huge', 'nocrlf']
CHUNK_EXTENSIONS = [';a=b', ';a', ';a="x;y"', '; a = b', ';' * 10, ';\xff']
CHUNK_SPACES = [' ', '\t', '']
CHUNK_BAD_SIZES = ['', 'x', '-1', '0x10', '+5', 'g', '\xb3', ' ', ';']
CHUNK_LONG_ZEROS = [5000, 70000, 200000]
CHUNK_AFTER = ['', '\n', 'xx', '\r']
CHUNK_PAYLOAD_SIZES = [70000]
CHUNK_LAST = ['0\r\n\r\n', '0\r\n\r\n', '000\r\n\r\n', '0;x=y\r\n\r\n',
              '0\r\nX-Trailer: yes\r\n\r\n', '0\r\n', '', '0\r\n\r\nextra',
              ['repeat', '0\r\nX: ', 'a', 70000, '\r\n\r\n'],
              ['repeat', '0\r\n', 'X: y\r\n', 20000, '\r\n'], '0\n\n', '0\r\nbad\r\n\r\n']


@st.composite
def chunked_bodies(draw):
    """A chunked body, sometimes broken: {'pieces': [[size line, data, after data], ...],
    'last': last chunk and trailers, 'cut': truncate the body here or None}."""
    chunks = draw(st.lists(st.one_of(st.binary(min_size=1, max_size=200).map(latin1),
                                     _random_payload(CHUNK_PAYLOAD_SIZES)), max_size=5))
    pieces = []
    for data in chunks:
        style = draw(st.sampled_from(CHUNK_STYLES))
        length = len(expand(data))
        size = '%x' % length
        line, after = size + '\r\n', '\r\n'
        if style == 'upper':
            line = size.upper() + '\r\n'
        elif style == 'zeros':
            line = '0' * draw(st.integers(1, 10)) + size + '\r\n'
        elif style == 'ext':
            line = size + draw(st.sampled_from(CHUNK_EXTENSIONS)) + '\r\n'
        elif style == 'space':
            line = draw(st.sampled_from(CHUNK_SPACES)) + size + ' \r\n'
        elif style == 'lf':
            line = size + '\n'
        elif style == 'bad':
            line = draw(st.sampled_from(CHUNK_BAD_SIZES)) + '\r\n'
        elif style == 'wrongsize':
            line = '%x\r\n' % max(0, length + draw(st.integers(-3, 3)))
        elif style == 'long':
            line = ['repeat', '', '0', draw(st.sampled_from(CHUNK_LONG_ZEROS)), size + '\r\n']
        elif style == 'huge':
            line = 'f' * draw(st.integers(8, 40)) + '\r\n'
        elif style == 'nocrlf':
            after = draw(st.sampled_from(CHUNK_AFTER))
        pieces.append([line, data, after])
    last = draw(st.sampled_from(CHUNK_LAST))
    built = {'pieces': pieces, 'last': last, 'cut': None}
    if draw(st.integers(0, 9)) == 0:
        total = len(chunked_body(built))
        if total:
            built['cut'] = draw(st.integers(0, total - 1))
    return built


def chunked_body(built):
    """The body bytes of a case from :func:`chunked_bodies`."""
    body = b''.join(expand(line) + expand(data) + expand(after)
                    for line, data, after in built['pieces']) + expand(built['last'])
    return body if built['cut'] is None else body[:built['cut']]


def reference_dechunk(body, max_line=CHUNK_LINE_BUDGET):
    """Decode a chunked body as RFC 9112 section 7.1 says, with bounded lines.

    Returns ``('valid', data)``, ``('lenient', data)`` for input a tolerant
    decoder may accept (whitespace around the size, bare LF, malformed
    extensions or trailers, a missing final CRLF; lines between 4 KiB and
    ``max_line``), or ``('invalid', budget)`` where ``budget`` is how many bytes
    a decoder may read before refusing: None unless a line is longer than
    ``max_line``, in which case it is the start of that line plus ``max_line``.
    """
    pos, data, lenient = 0, [], False

    def read_line(start):
        end = body.find(b'\n', start)
        if end < 0:
            too_long = len(body) - start > max_line
            return None, ('invalid', start + max_line if too_long else None)
        if end - start > max_line:
            return None, ('invalid', start + max_line)
        return body[start:end + 1], None

    while True:
        line, fail = read_line(pos)
        if fail:
            return fail
        pos += len(line)
        if len(line) > 4096:
            lenient = True
        if line.endswith(b'\r\n'):
            text = line[:-2]
        else:
            text, lenient = line[:-1], True
        size_text, semicolon, extension = text.partition(b';')
        if size_text != size_text.strip(b' \t'):
            lenient = True
            size_text = size_text.strip(b' \t')
        if not size_text or not re.match(rb'[0-9A-Fa-f]+\Z', size_text):
            return 'invalid', None
        if semicolon and not re.match(rb"[ \t]*[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
                                      rb"([ \t]*=[ \t]*"
                                      rb"([!#$%&'*+\-.^_`|~0-9A-Za-z]+|\"[^\"\\]*\"))?"
                                      rb"([ \t]*;[ \t]*[!#$%&'*+\-.^_`|~0-9A-Za-z]+([ \t]*=[ \t]*"
                                      rb"([!#$%&'*+\-.^_`|~0-9A-Za-z]+|\"[^\"\\]*\"))?)*[ \t]*\Z",
                                      extension):
            lenient = True
        size = int(size_text, 16)
        if size == 0:
            break
        if size > bottle.BaseRequest.MAX_BODY_SIZE or pos + size > len(body):
            return 'invalid', None
        data.append(body[pos:pos + size])
        pos += size
        if body[pos:pos + 2] == b'\r\n':
            pos += 2
        elif body[pos:pos + 1] == b'\n':
            pos, lenient = pos + 1, True
        else:
            return 'invalid', None
    trailer_start = pos
    while True:
        if pos >= len(body):
            return 'lenient', b''.join(data)  # no final CRLF
        line, fail = read_line(pos)
        if fail:
            if fail[1] is None:  # the body ends inside the trailer section: the data is complete
                return 'lenient', b''.join(data)
            return fail
        pos += len(line)
        if pos - trailer_start > max_line:
            return 'invalid', trailer_start + max_line
        if line in (b'\r\n', b'\n'):
            lenient = lenient or line == b'\n'
            break
        if b':' not in line or not line.endswith(b'\r\n'):
            lenient = True
    return ('lenient' if lenient else 'valid'), b''.join(data)


# -------------------------------------------------------------- Properties ----

class Property(object):
    """A named property: ``strategy`` draws a case, ``check(env, case)`` tests it.

    ``quick_examples`` is the example count in the quick suite.
    """

    def __init__(self, name, strategy, check, quick_examples=100, doc=''):
        self.name, self.strategy, self.check = name, strategy, check
        self.quick_examples, self.doc = quick_examples, doc


PROPERTIES = {}


def prop(name, strategy, quick_examples=100):
    def register(check):
        PROPERTIES[name] = Property(name, strategy, check, quick_examples,
                                    (check.__doc__ or '').strip())
        return check
    return register


def _send_case(env, case, body=None, **options):
    return send(env, case['method'], case['path'], case['query'],
                [tuple(h) for h in case['headers']],
                expand(case['body']) if body is None else body,
                content_length=case.get('content_length', True), environ=case.get('environ'),
                **options)


@prop('any_request', any_requests(), quick_examples=100)
def check_any_request(env, case):
    """Any request to any route gets an answer that passes every general oracle.

    The drawn request goes to its own path and then, with ``suffix`` appended, to every
    route of the fuzz app (one drawn case, many requests: drawing is the slow part).
    """
    te = [h[1] for h in case['headers'] if h[0].lower() == 'transfer-encoding']
    paths = [case['path']]
    if 'suffix' in case:
        paths += [route + case['suffix'] for route in ROUTES]
    body = expand(case['body'])  # once: a case may stand for a large multipart or chunked body
    for path in paths:
        check_answer(_send_case(env, dict(case, path=path), body),
                     allowed_5xx=(501,) if te else ())


@prop('query', st.lists(st.tuples(unicode_text, unicode_text), max_size=6)
      .flatmap(lambda pairs: st.tuples(st.just(pairs), st.sampled_from(['urlencode', 'raw']))))
def check_query(env, case):
    """A query string built from (key, value) pairs reaches request.query as those pairs."""
    pairs, how = case
    pairs = [list(pair) for pair in pairs]
    if how == 'urlencode':
        query = urllib.parse.urlencode([tuple(pair) for pair in pairs])
    else:
        quote = lambda s: re.sub(r'[%&=+#]', lambda m: '%%%02X' % ord(m.group()), s)  # noqa
        query = native('&'.join('%s=%s' % (quote(k), quote(v)) for k, v in pairs))
    answer = check_answer(send(env, 'GET', '/query', query))
    expect_status(answer, {200}, 'a query string')
    seen = answer.json()['query']
    if grouped(seen) != grouped(pairs):
        raise PropertyFailure('request.query differs from what was sent',
                              'sent %r as %r, handler saw %r' % (pairs, query, seen), 'query')


@prop('urlencoded_form', st.tuples(st.lists(st.tuples(unicode_text, unicode_text), max_size=6),
                                   st.sampled_from([None, 'application/x-www-form-urlencoded',
                                                    'application/x-www-form-urlencoded; '
                                                    'charset=UTF-8'])))
def check_urlencoded_form(env, case):
    """An urlencoded body reaches request.forms as exactly the pairs that were sent."""
    pairs, content_type = case
    pairs = [list(pair) for pair in pairs]
    body = urllib.parse.urlencode([tuple(pair) for pair in pairs]).encode('ascii')
    headers = [('Content-Type', content_type)] if content_type else []
    answer = check_answer(send(env, 'POST', '/form', '', headers, body))
    expect_status(answer, {200}, 'an urlencoded form')
    seen = answer.json()['forms']
    if grouped(seen) != grouped(pairs):
        raise PropertyFailure('request.forms differs from the urlencoded body',
                              'sent %r, handler saw %r' % (pairs, seen), 'urlencoded')


_SAFE_FILENAME = re.compile(r'[A-Za-z0-9_][A-Za-z0-9._-]*\Z')


@prop('multipart', multipart_bodies(), quick_examples=120)
def check_multipart(env, case):
    """A well-formed multipart body reaches request.forms/files exactly; no temp file is left."""
    answer = check_answer(send(env, 'POST', '/form', '', [('Content-Type', case['content_type'])],
                               multipart_body(case)))
    if not case['parts']:  # RFC 2046 wants a part; browsers send none for empty forms
        expect_status(answer, {200, 400}, 'a multipart body without parts')
        return
    expect_status(answer, {200}, 'a well-formed multipart body')
    seen = answer.json()
    forms, files = [], []
    for part in case['parts']:
        data = expand(part['data'])
        if part['filename'] is None:
            forms.append([part['name'], data.decode('utf8')])
        else:
            files.append([part['name'], part['filename'], hashlib.sha256(data).hexdigest(),
                          len(data)])
    seen_files = [[f['name'], f['raw_filename'], f['sha256'], f['size']] for f in seen['files']]
    if grouped(seen['forms']) != grouped(forms) or \
            grouped([(f[0], f[1:]) for f in seen_files]) != grouped([(f[0], f[1:]) for f in files]):
        raise PropertyFailure('multipart fields differ from what was sent',
                              'sent forms %r files %r, handler saw forms %r files %r'
                              % (forms, files, seen['forms'], seen_files), 'multipart')
    for upload in seen['files']:
        name = upload['filename']
        if not _SAFE_FILENAME.match(name) or len(name) > 255 or name.strip('.') == '':
            raise PropertyFailure('FileUpload.filename is not a safe file name',
                                  '%r from %r' % (name, upload['raw_filename']), 'filename')
        if upload['saved_sha256'] != upload['sha256']:
            raise PropertyFailure('FileUpload.save wrote other bytes', upload['raw_filename'],
                                  'save')


MULTIPART_DEFECTS = ['truncate', 'delete', 'insert', 'content_type', 'big_header', 'many_parts',
                     'no_final', 'bare_lf', 'header_noise']
BIG_HEADER_SIZES = [5000, 20000, 200000]
MANY_PARTS_COUNTS = [999, 1000, 1001, 3000]


@st.composite
def broken_multipart(draw):
    """A multipart body with one defect: {'multipart': built, 'how': [defect, arguments...]}."""
    built = draw(multipart_bodies(max_parts=4))
    size = len(multipart_body(built))
    how = draw(st.sampled_from(MULTIPART_DEFECTS))
    if how == 'truncate':
        how = [how, draw(st.integers(0, max(0, size - 1)))]
    elif how == 'delete':
        how = [how, draw(st.integers(0, max(0, size - 1))), draw(st.integers(1, 40))]
    elif how == 'insert':
        how = [how, draw(st.integers(0, size)), latin1(draw(st.binary(min_size=1, max_size=40)))]
    elif how == 'content_type':
        how = [how, draw(_content_types())]
    elif how == 'big_header':
        how = [how, draw(st.sampled_from(BIG_HEADER_SIZES))]
    elif how == 'many_parts':
        how = [how, draw(st.sampled_from(MANY_PARTS_COUNTS))]
    elif how == 'header_noise':
        how = [how, latin1(draw(st.binary(min_size=1, max_size=60)))]
    else:
        how = [how]
    return {'multipart': built, 'how': how}


def broken_multipart_request(case):
    """(Content-Type, body bytes) of a case from :func:`broken_multipart`."""
    built, how = case['multipart'], case['how']
    body, content_type = multipart_body(built), built['content_type']
    boundary = built['boundary'].encode('latin1')
    defect = how[0]
    if defect == 'truncate':
        body = body[:how[1]]
    elif defect == 'delete':
        body = body[:how[1]] + body[how[1] + how[2]:]
    elif defect == 'insert':
        body = body[:how[1]] + how[2].encode('latin1') + body[how[1]:]
    elif defect == 'content_type':
        content_type = how[1]
    elif defect == 'big_header':
        at = body.find(b'\r\n') + 2
        body = body[:at] + b'X-Big: ' + b'a' * how[1] + b'\r\n' + body[at:]
    elif defect == 'many_parts':
        part = b'--' + boundary + b'\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n'
        body = part * how[1] + b'--' + boundary + b'--\r\n'
    elif defect == 'no_final':
        body = body.replace(b'--' + boundary + b'--', b'')
    elif defect == 'bare_lf':
        body = body.replace(b'\r\n', b'\n')
    elif defect == 'header_noise':
        at = body.find(b'\r\n') + 2
        body = body[:at] + how[1].encode('latin1') + b'\r\n' + body[at:]
    return content_type, body


@prop('multipart_broken', broken_multipart(), quick_examples=120)
def check_multipart_broken(env, case):
    """A broken multipart body (truncated, huge headers, too many parts, odd boundaries) gets
    200, 400 or 413, never a 500, and leaves no temporary file."""
    content_type, body = broken_multipart_request(case)
    answer = check_answer(send(env, 'POST', '/form', '', [('Content-Type', content_type)], body))
    expect_status(answer, {200, 400, 413}, 'a broken multipart body (%s)' % case['how'][0])


DEEP_JSON_FORMS = [lambda n: '[' * n + ']' * n,
                   lambda n: '{"a":' * n + '0' + '}' * n,
                   lambda n: '[{"a":' * (n // 2) + '1' + '}]' * (n // 2),
                   lambda n: '[' * n,
                   lambda n: '[' * n + '1' + ']' * n]
DEEP_JSON_MAX = 6000


def _deep_json():
    depth = st.integers(1, DEEP_JSON_MAX)
    return st.one_of(*[depth.map(form) for form in DEEP_JSON_FORMS])


@prop('json', st.one_of(json_values.map(lambda v: {'value': v, 'text': None}),
                        _deep_json().map(lambda t: {'value': None, 'text': t}),
                        latin1_text.map(lambda t: {'value': None, 'text': t})),
      quick_examples=150)
def check_json(env, case):
    """A JSON body reaches request.json unchanged; deep nesting or invalid JSON is a 400."""
    if case['text'] is None:
        body = json.dumps(case['value']).encode('utf8')
    else:
        body = case['text'].encode('latin1')
    answer = check_answer(send(env, 'POST', '/json', '', [('Content-Type', 'application/json')],
                               body))
    expect_status(answer, {200, 400}, 'a JSON body')
    if case['text'] is None:
        if answer.code != 200 or answer.json()['value'] != case['value']:
            raise PropertyFailure('request.json differs from the JSON sent',
                                  'sent %r, got %s' % (case['value'], answer.describe()), 'json')
    elif answer.code == 200:
        depth = answer.json()['depth']
        opened = len(body) - len(body.lstrip(b'[{"a:'))
        if body.startswith(b'[[') and depth < opened // 2:
            raise PropertyFailure('request.json lost nesting', answer.describe(), 'depth')


CHUNKED_CONTENT_LENGTHS = [None, None, '5', '100000', 'x']


@prop('chunked', st.tuples(chunked_bodies(), _transfer_encodings(),
                           st.sampled_from(CHUNKED_CONTENT_LENGTHS)), quick_examples=150)
def check_chunked(env, case):
    """A chunked body is decoded as RFC 9112 says (or refused with 400/413, or 501 for a coding
    bottle does not implement), reading at most 64 KiB of any overlong line."""
    built, te, length = case
    body = chunked_body(built)
    headers = [('Transfer-Encoding', te)]
    if length is not None:
        headers.append(('Content-Length', length))
    codings = [c.split(';', 1)[0].strip().lower() for c in te.split(',') if c.strip()]
    verdict = reference_dechunk(body)
    budget = verdict[1] if verdict[0] == 'invalid' and codings == ['chunked'] else None
    answer = check_answer(send(env, 'POST', '/body', '', headers, body, budget=budget),
                          allowed_5xx=(501,))
    refused = {400, 413} | ({400} if length is not None else set())
    if not codings:
        expect_status(answer, {200, 400, 411, 413, 501}, 'Transfer-Encoding %r' % te)
        return
    if codings[-1] != 'chunked':
        expect_status(answer, {400}, 'Transfer-Encoding %r (chunked not last)' % te)
        return
    if len(codings) > 1 or ';' in te:
        wanted = {400, 501} if set(codings) == {'chunked'} else {501}
        if ';' in te:  # chunked defines no parameters: refusing or ignoring them are both fine
            wanted |= {200, 400} if set(codings) == {'chunked'} else {400}
        expect_status(answer, wanted, 'Transfer-Encoding %r' % te)
        return
    if verdict[0] == 'invalid':
        expect_status(answer, refused, 'a malformed chunked body')
        return
    allowed = {200} | (refused if verdict[0] == 'lenient' else set())
    if length is not None:
        allowed.add(400)  # a message with both headers may be refused (RFC 9112 6.1)
    expect_status(answer, allowed, 'a %s chunked body' % verdict[0])
    if answer.code == 200:
        seen = answer.json()
        if seen['sha256'] != hashlib.sha256(verdict[1]).hexdigest():
            raise PropertyFailure('request.body differs from the chunked data',
                                  'sent %d bytes, handler saw %d' % (len(verdict[1]),
                                                                     seen['length']), 'dechunk')


def _server_failures():
    """Exception classes a server's input stream raises for a broken body (gunicorn's)."""
    try:
        from gunicorn.http import errors
        return [errors.InvalidChunkSize(b'x'), errors.ChunkMissingTerminator(b'x'),
                errors.NoMoreData(b'')]
    except ImportError:
        return [OSError('connection reset while reading the body')]


TERMINATED_SIZES = [0, 1, 10, 100, 300, 1000, 110000]
TERMINATED_ROUTES = ['form', 'body']


@prop('input_terminated', st.tuples(
    _random_payload(TERMINATED_SIZES), st.sampled_from(TERMINATED_ROUTES),
    st.one_of(st.none(), st.integers(0, 300))), quick_examples=50)
def check_input_terminated(env, case):
    """With wsgi.input_terminated the server has de-chunked the body: it is read to its end;
    an exception the server's stream raises while reading is a 400."""
    data, route, fail_at = case
    data = expand(data)
    headers = [('Transfer-Encoding', 'chunked')]
    if route == 'form':
        data = urllib.parse.urlencode([('k', latin1(data))]).encode('ascii')
        headers.append(('Content-Type', 'application/x-www-form-urlencoded'))
    for failure in (_server_failures() if fail_at is not None else [None]):
        answer = check_answer(send(env, 'POST', '/' + route, '', headers, data,
                                   environ={'wsgi.input_terminated': True},
                                   fail_at=fail_at, failure=failure))
        if failure is not None and fail_at < len(data):
            expect_status(answer, {400}, 'a body whose stream raises %s'
                          % type(failure).__name__)
            continue
        too_big = route == 'form' and len(data) > bottle.BaseRequest.MEMFILE_MAX
        expect_status(answer, {413} if too_big else {200},
                      'a de-chunked body (wsgi.input_terminated)')
        if too_big:
            continue
        seen = answer.json()
        if route == 'body' and seen['sha256'] != hashlib.sha256(data).hexdigest():
            raise PropertyFailure('request.body differs from the de-chunked input',
                                  '%d bytes sent, %d seen' % (len(data), seen['length']),
                                  'input_terminated')


WRONG_LENGTH_SAMPLES = ['abc', '1e3', '+5', ' 5 ', '5,5', '0x10', '\xb2', '\xb9', '\u0663',
                        '9' * 30, '', '-', '--1', '5 5', '\x005']
LENGTH_ROUTES = ['body', 'form', 'json']


@prop('content_length', st.tuples(st.binary(max_size=300).map(latin1),
                                  st.one_of(st.integers(-3, 400).map(str),
                                            st.sampled_from(WRONG_LENGTH_SAMPLES)),
                                  st.sampled_from(LENGTH_ROUTES)))
def check_content_length(env, case):
    """A wrong Content-Length gives the declared prefix of the body, or a 400/413."""
    data, length, route = case
    data = data.encode('latin1')
    content_type = {'body': [], 'form': [('Content-Type', 'application/x-www-form-urlencoded')],
                    'json': [('Content-Type', 'application/json')]}[route]
    answer = check_answer(send(env, 'POST', '/' + route, '',
                               content_type + [('Content-Length', length)], data))
    text = length.strip(' \t')
    if text.isascii() and text.isdigit():
        declared = int(text)
        expect_status(answer, {200, 400, 413} if route == 'json' else
                      ({200} if declared <= len(data) else {400, 413}),
                      'Content-Length %r for %d bytes' % (length, len(data)),
                      '%s Content-Length %s the body' % (
                          route, 'within' if declared <= len(data) else 'beyond'))
        if route == 'body' and answer.code == 200:
            seen = answer.json()
            if seen['sha256'] != hashlib.sha256(data[:declared]).hexdigest():
                raise PropertyFailure('request.body is not the declared prefix',
                                      'Content-Length %r, %d bytes sent, %d seen'
                                      % (length, len(data), seen['length']), 'prefix')
    else:
        expect_status(answer, {200, 400}, 'Content-Length %r' % length,
                      'a Content-Length that is not a number')


cookie_values = st.text(st.characters(blacklist_categories=('Cs',), max_codepoint=0x2fff),
                        max_size=40)
signed_values = st.recursive(st.none() | st.integers() | st.text(printable, max_size=10),
                             lambda c: st.lists(c, max_size=3), max_leaves=6)


@prop('cookies', st.one_of(
    st.tuples(st.just('roundtrip'), token, cookie_values, signed_values),
    st.tuples(st.just('header'), _cookie_headers(), st.just(''), st.none())))
def check_cookies(env, case):
    """A cookie set with response.set_cookie comes back through request.cookies unchanged
    (signed ones through get_cookie with the secret); any Cookie header is harmless."""
    mode, name, value, signed = case
    if mode == 'header':
        answer = check_answer(send(env, 'GET', '/cookies', '', [('Cookie', name)]))
        expect_status(answer, {200}, 'a Cookie header')
        return
    query = urllib.parse.urlencode({'name': name, 'value': value, 'signed': json.dumps(signed)})
    answer = check_answer(send(env, 'GET', '/setcookie', query))
    expect_status(answer, {200}, 'set_cookie(%r, %r)' % (name, value), 'set_cookie')
    pairs = [header.split(';', 1)[0] for header in answer.header_list('Set-Cookie')]
    returned = check_answer(send(env, 'GET', '/cookies', '', [('Cookie', '; '.join(pairs))]))
    seen = returned.json()
    cookies = dict(seen['cookies'])
    if cookies.get(name) != value:
        raise PropertyFailure('cookie did not survive the round trip',
                              'set %r=%r, Set-Cookie %r, handler saw %r'
                              % (name, value, answer.header_list('Set-Cookie'), cookies.get(name)),
                              'cookie')
    if seen['signed'] != signed:
        raise PropertyFailure('signed cookie did not survive the round trip',
                              'set %r, saw %r' % (signed, seen['signed']), 'signed')


@prop('request_headers', st.tuples(st.lists(header_pairs, max_size=6),
                                   st.text(st.characters(min_codepoint=33, max_codepoint=126,
                                                         blacklist_characters=':'), max_size=8),
                                   st.text(printable, max_size=8)), quick_examples=150)
def check_request_headers(env, case):
    """Whatever the headers (a malformed Host, X-Forwarded-*, Authorization), request.url,
    urlparts, remote_route and auth work; Basic credentials decode to what was sent."""
    headers, user, password = case
    headers = [tuple(h) for h in headers if h[0].lower() not in ('authorization',
                                                                 'content-length')]
    headers.append(('Authorization', 'Basic ' + base64.b64encode(
        ('%s:%s' % (user, password)).encode('utf8')).decode('ascii')))
    answer = check_answer(send(env, 'GET', '/headers', '', headers))
    expect_status(answer, {200}, 'request headers')
    seen = answer.json()
    if seen['auth'] != [user, password]:
        raise PropertyFailure('request.auth differs from the Basic credentials',
                              'sent %r, saw %r' % ([user, password], seen['auth']), 'auth')


HEADER_NAME_PATTERN = r'\A[A-Za-z][A-Za-z0-9-]{0,15}[A-Za-z0-9]\Z'
header_names = st.from_regex(HEADER_NAME_PATTERN)
BAD_HEADER_NAMES = ['X-A b', 'X-\xe9', 'X:Y', '', 'X\tY', 'X-A\x7f']
SET_HEADER_HOWS = ['set', 'add']


@prop('set_header', st.tuples(st.one_of(header_names, st.sampled_from(BAD_HEADER_NAMES)),
                              st.one_of(unicode_text, st.text(st.characters(max_codepoint=0x7f),
                                                              max_size=10)),
                              st.sampled_from(SET_HEADER_HOWS)))
def check_set_header(env, case):
    """A header value (or name) the app sets from request data is sent as it is, or refused
    with ValueError when it holds a control character; nothing unsafe reaches the wire."""
    name, value, how = case
    query = urllib.parse.urlencode({'name': name, 'value': value, 'how': how})
    answer = check_answer(send(env, 'GET', '/setheader', query))
    expect_status(answer, {200, 400}, 'setting a header')
    if answer.code == 200 and answer.header(name) not in (value, native(value)):
        raise PropertyFailure('the header set by the app is not what was sent',
                              '%r: %r became %r' % (name, value, answer.header(name)), 'set')


REDIRECT_SAMPLES = ['http://a b]?d', 'http://[::1;x', 'http://[::1', '//evil.example/x',
                    '/x\r\nSet-Cookie: a=b', '/\x1f', '\x7f', 'javascript:alert(1)',
                    'http://h/%zz', '%', '?a=b#c', '\\\\evil', 'http://u:p@h:80/p?q#f',
                    'http://h:999999', '\u2028', 'http://\u00e9.example/']
REDIRECT_PREFIXES = ['http://', 'https://', '//', '/', '', 'x:']
REDIRECT_CODES = [None, 301, 302, 303, 307, 308]
redirect_targets = st.one_of(
    unicode_text, st.text(st.characters(max_codepoint=0x7f), max_size=30),
    st.sampled_from(REDIRECT_SAMPLES),
    st.tuples(st.sampled_from(REDIRECT_PREFIXES), unicode_text, noise).map(''.join))


@prop('redirect', st.tuples(redirect_targets, st.sampled_from(REDIRECT_CODES),
                            st.one_of(st.none(), _hosts())))
def check_redirect(env, case):
    """redirect() with any target, whatever the Host header, answers a 3xx whose Location is
    a valid, injection-free URL reference."""
    target, code, host = (list(case) + [None])[:3]
    query = urllib.parse.urlencode({'to': target, **({'code': code} if code else {})})
    headers = [('Host', host)] if host is not None else []
    answer = check_answer(send(env, 'GET', '/redirect', query, headers))
    expect_status(answer, {code} if code else {302, 303}, 'redirect(%r)' % target,
                  'redirect(code=%s)' % code)
    location = answer.header('Location')
    if location is None or not _URI_REFERENCE.match(location):
        raise PropertyFailure('Location is not a valid URL reference', 'redirect(%r) sent %r'
                              % (target, location), 'Location')
    try:
        urllib.parse.urlsplit(location)
    except ValueError as error:
        raise PropertyFailure('Location does not parse', '%r: %s' % (location, error),
                              'parse') from None


STATIC_COMMON_SEGMENTS = ['hello.txt', 'sub', 'data.bin', 'escape', 'secret.txt']
STATIC_CONDITIONAL_SAMPLES = ['*', '"x"', 'W/"x"', 'Sun, 06 Nov 1994 08:49:37 GMT',
                              'Thu, 01 Jan 2099 00:00:00 GMT', 'garbage', '']
STATIC_RANGE_SAMPLES = ['bytes=0-4', 'bytes=-5', 'bytes=100000-', 'bytes=0-0', 'bytes=149999-',
                        'bytes=150000-']
STATIC_METHODS = ['GET', 'GET', 'HEAD']


def _static_requests():
    segments = st.lists(st.sampled_from(STATIC_SEGMENTS) | st.sampled_from(
        STATIC_COMMON_SEGMENTS), min_size=1, max_size=5)
    return st.tuples(st.sampled_from(STATIC_PREFIXES),
                     segments.map(lambda s: native('/'.join(s))),
                     st.lists(st.one_of(st.tuples(st.just('Range'), _range_values()), st.tuples(
                         st.sampled_from(CONDITIONAL_NAMES),
                         st.sampled_from(STATIC_CONDITIONAL_SAMPLES)) |
                         st.tuples(st.just('Range'), st.sampled_from(STATIC_RANGE_SAMPLES))),
                         max_size=2),
                     st.sampled_from(STATIC_METHODS))


def _expected_range(header, size):
    """(start, end) of a canonical single-range header, 'unsatisfiable', or None (no claim)."""
    match = re.match(r'bytes=(\d*)-(\d*)\Z', header)
    if not match or not (match.group(1) or match.group(2)) or len(header) > 50:
        return None
    first, last = match.groups()
    if not first:
        suffix = int(last)
        return (max(0, size - suffix), size) if suffix and size else 'unsatisfiable'
    start = int(first)
    end = min(int(last) + 1, size) if last else size
    if last and int(last) < start:
        return None
    return (start, end) if start < size else 'unsatisfiable'


@prop('static_files', _static_requests(), quick_examples=200)
def check_static_files(env, case):
    """static_file never serves anything outside its root (symlinks, '..', absolute paths);
    what it serves is the file's content or the requested range of it."""
    prefix, rel, headers, method = case
    headers = [tuple(h) for h in headers]
    answer = check_answer(send(env, method, prefix + rel, '', headers))
    expect_status(answer, {200, 206, 304, 400, 403, 404, 416}, 'a static file')
    if answer.code not in (200, 206):
        return
    try:
        unicode_rel = rel.encode('latin1').decode('utf8')
    except UnicodeError:
        raise PropertyFailure('served a path that is not UTF-8', repr(rel), 'utf8') from None
    root = os.path.realpath(env.tree['root'])
    real = os.path.realpath(os.path.join(root, *unicode_rel.replace('\\', '/').split('/')))
    if not real.startswith(root + os.sep) or not os.path.isfile(real):
        raise PropertyFailure('served a path that is not a file inside the root',
                              '%r -> %r' % (rel, real), 'outside')
    with open(real, 'rb') as handle:
        content = handle.read()
    if method == 'HEAD':
        return
    ranges = [value for name, value in headers if name == 'Range']
    if answer.code == 206:
        match = re.match(r'bytes (\d+)-(\d+)/(\d+)\Z', answer.header('Content-Range', ''))
        if not match or int(match.group(3)) != len(content):
            raise PropertyFailure('206 without a valid Content-Range', answer.describe(), '206')
        start, end = int(match.group(1)), int(match.group(2)) + 1
        if answer.body != content[start:end]:
            raise PropertyFailure('206 body is not the range it names', answer.describe(), 'range')
        expected = _expected_range(ranges[-1], len(content)) if len(ranges) == 1 else None
        if isinstance(expected, tuple) and expected != (start, end):
            raise PropertyFailure('206 for the wrong range', '%r gave %r' % (ranges[-1], (
                start, end)), 'wrong range')
    elif answer.body != content:
        raise PropertyFailure('200 body is not the file content', '%r: %d bytes of %d'
                              % (rel, len(answer.body), len(content)), 'content')


INT_FILTER_SAMPLES = ['-0', '007', '9' * 5000]
FLOAT_FILTER_PATTERN = r'\A-?[0-9.]{1,20}\Z'
FLOAT_FILTER_SAMPLES = ['9' * 400, '.', '1.2.3']
RE_FILTER_PATTERN = r'\A[a-z]+[0-9]*\Z'
#: Characters each text filter value leaves out (beside surrogates), and its maximum length.
FILTER_TEXT_EXCLUDED = {'path': ('\x00\n', 30), 'default': ('/', 20), 'segment': ('/?#%\x00', 20),
                        'rest': ('?#%\x00\n', 30)}
_FILTER_VALUES = {
    'int': st.integers(-10 ** 30, 10 ** 30).map(str) | st.sampled_from(INT_FILTER_SAMPLES),
    'float': st.from_regex(FLOAT_FILTER_PATTERN) | st.sampled_from(FLOAT_FILTER_SAMPLES),
    'path': st.text(st.characters(blacklist_categories=('Cs',), blacklist_characters='\x00\n'),
                    min_size=1, max_size=30),
    're': st.from_regex(RE_FILTER_PATTERN),
    'default': st.text(st.characters(blacklist_categories=('Cs',), blacklist_characters='/'),
                       min_size=1, max_size=20),
    'segment': st.text(st.characters(blacklist_categories=('Cs',),
                                     blacklist_characters='/?#%\x00'), min_size=1, max_size=20),
    'rest': st.text(st.characters(blacklist_categories=('Cs',), blacklist_characters='?#%\x00\n'),
                    min_size=1, max_size=30),
    'hex': st.integers(0, 2 ** 80).map(lambda n: '%x' % n),
}


@prop('route_filters', st.one_of(*[st.tuples(st.just(name), values)
                                   for name, values in sorted(_FILTER_VALUES.items())
                                   if name not in ('segment', 'rest')],
                                 st.tuples(st.just('multi'),
                                           st.tuples(_FILTER_VALUES['segment'],
                                                     st.integers(-10 ** 6, 10 ** 6),
                                                     _FILTER_VALUES['rest']))))
def check_route_filters(env, case):
    """Route wildcards with every filter give the handler the converted value; a value the
    filter's converter refuses is a 400, and get_url builds URLs that route back."""
    name, value = case
    if name == 'multi':
        a, b, c = value
        url = env.app.get_url('multi', a=a, b=b, c=c)
        path = latin1(urllib.parse.unquote_to_bytes(url.split('?', 1)[0]))
        answer = check_answer(send(env, 'GET', path))
        expect_status(answer, {200}, 'a URL from get_url')
        if answer.json() != {'a': a, 'b': b, 'c': c}:
            raise PropertyFailure('get_url does not route back', '%r %r -> %r' % (
                value, url, answer.json()), 'build')
        return
    answer = check_answer(send(env, 'GET', native('/f/%s/%s' % (name, value))))
    convert = {'int': int, 'float': float, 'hex': lambda v: int(v, 16)}.get(name, str)
    try:
        expected = convert(value)
    except ValueError:
        expect_status(answer, {400, 404}, 'a %s wildcard %r its converter refuses'
                      % (name, value[:40]), 'a %s wildcard its converter refuses' % name)
        return
    expect_status(answer, {200}, 'a %s wildcard %r' % (name, value[:40]), 'a %s wildcard' % name)
    seen = answer.json()['value']
    if seen != expected and not (isinstance(expected, float) and expected != expected):
        raise PropertyFailure('the wildcard value differs', '%s %r -> %r' % (name, value, seen),
                              name)


# --------------------------------------------------------------- Templates ----

_TEMPLATE_WORKER = r'''
import json, os, sys, traceback
sys.path.insert(0, os.environ['BOTTLE_FUZZ_MODULE_DIR'])
sys.setrecursionlimit(3000)
import bottle
VARS = {'name': '<&>"\'', 'items': ['a', '<b>', 3], 'n': 3, 'none': None}
for line in sys.stdin:
    source = json.loads(line)
    result = {}
    try:
        template = bottle.SimpleTemplate(source)
        template.co
        result['compiled'] = True
        first = template.render(**VARS)
        second = template.render(**VARS)
        result.update(outcome='ok', output=first, same=first == second)
    except bottle.TemplateError as error:
        result.update(outcome='template_error', detail=str(error)[:300])
    except Exception as error:
        frames = traceback.extract_tb(error.__traceback__)
        innermost = frames[-1].filename if frames else ''
        in_template = innermost.startswith('<template')
        result.update(outcome='user_error' if in_template and result.get('compiled')
                      else 'engine_error',
                      detail=''.join(traceback.format_exception_only(type(error), error))[:300],
                      where='%s:%s' % (os.path.basename(innermost),
                                       frames[-1].name if frames else ''))
    sys.stdout.write(json.dumps(result) + '\n')
    sys.stdout.flush()
'''


class TemplateRunner(object):
    """Compiles and renders templates in a worker process, so a hang cannot stop the suite."""

    def __init__(self):
        self.process = None

    def _start(self):
        env = dict(os.environ, BOTTLE_FUZZ_MODULE_DIR=os.environ.get('BOTTLE_TEST_MODULE_DIR')
                   or ROOT)
        self.process = subprocess.Popen([sys.executable, '-c', _TEMPLATE_WORKER],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)

    def run(self, source, time_limit=TEMPLATE_TIME_LIMIT):
        """Return the worker's result dict, or None if it did not answer within the limit."""
        if self.process is None or self.process.poll() is not None:
            self._start()
        self.process.stdin.write((json.dumps(source) + '\n').encode('utf8'))
        self.process.stdin.flush()
        ready, _, _ = select.select([self.process.stdout], [], [], time_limit)
        line = self.process.stdout.readline() if ready else b''
        if not line:
            self.close()
            return None
        return json.loads(line)

    def close(self):
        if self.process is not None:
            if self.process.poll() is None:
                self.process.kill()
            self.process.wait()
            for stream in (self.process.stdin, self.process.stdout):
                stream.close()
            self.process = None


TEMPLATE_PIECES = ['{{name}}', '{{!name}}', '{{n + 1}}', '{{items}}', '{{ none }}', '{{',
                   '}}', '{{!}}', '{{ "}}" }}', "{{'{{'}}", '{{len(items)}}', '{{name[0]}}',
                   '{{undefined}}', '{{1/0}}', '\n% if n > 1:\n', '\n% else:\n', '\n% end\n',
                   '\n% for i in items:\n', '\n%  end\n', '\n%% not code\n', '\n<%\n', '\n%>\n',
                   '\n<% x = 1 %>\n', '\\\\\n', '\\\n', '\n% x = (\n', '\n% x = "\n',
                   '\n% setdefault("y", 2)\n', '{{get("y", 0)}}', '{{defined("n")}}',
                   '\n% include("missing.tpl")\n', '\n% rebase("missing.tpl")\n',
                   '\n% def f():\n', '\n% return\n', '\n% try:\n', '\n% except:\n', '%',
                   '<%', '%>', '\n% elif n:\n', '{{"\\n".join(items)}}', '\n% """\n', '#',
                   '{{!"<b>"}}', '\n% pass\n', '\r\n', '\t', '\x00', '{{f"{n}"}}',
                   '{{ {"a": 1}["a"] }}', '\n% while False:\n', '\n% class C:\n']
TEMPLATE_PIECE_TEXT_MAX = 12
TEMPLATE_MAX_PIECES = 12
_TEMPLATE_PIECES = st.one_of(
    st.text(st.characters(blacklist_categories=('Cs',)), max_size=TEMPLATE_PIECE_TEXT_MAX),
    st.sampled_from(TEMPLATE_PIECES))


@prop('templates', st.lists(_TEMPLATE_PIECES, max_size=TEMPLATE_MAX_PIECES).map(''.join),
      quick_examples=150)
def check_templates(env, source):
    """A SimpleTemplate from any source compiles or raises StplSyntaxError, renders or raises
    the template code's own error, finishes in time and renders plain text unchanged."""
    result = env.template_runner().run(source)
    env.requests += 1
    if result is None:
        raise PropertyFailure('template did not finish in %d s' % TEMPLATE_TIME_LIMIT,
                              repr(source), 'hang')
    if result['outcome'] == 'engine_error':
        raise PropertyFailure('template engine failed with a non-TemplateError exception',
                              '%r: %s at %s' % (source, result['detail'], result['where']),
                              '%s at %s' % (result['detail'].split(':', 1)[0], result['where']))
    if result['outcome'] == 'ok':
        # The per-render helpers (defined, get, include, ...) are new objects on every
        # render, as in Bottle 0.13: output that shows one (its repr has an address) differs.
        if not result['same'] and not re.search(r' at 0x[0-9a-f]+', result['output']):
            raise PropertyFailure('rendering twice gave different output', repr(source), 'same')
        plain = not re.search(r'[{}%<>\\\r]', source)
        if plain and result['output'] != source:
            raise PropertyFailure('plain text did not render unchanged', '%r -> %r'
                                  % (source, result['output']), 'plain')


# ------------------------------------------------------------- Regressions ----

def load_regressions(path=REGRESSIONS_FILE):
    """The saved cases: a list of {'id', 'property', 'case', 'signature', 'note'}.

    A large case is stored compressed under ``case_zlib`` (base64 of zlib'd JSON).
    """
    import zlib
    if not os.path.exists(path):
        return []
    with open(path, encoding='utf8') as handle:
        entries = json.load(handle)
    for entry in entries:
        if 'case_zlib' in entry:
            entry['case'] = json.loads(zlib.decompress(base64.b64decode(entry.pop('case_zlib'))))
    return entries


def save_regressions(entries, path=REGRESSIONS_FILE):
    """Write the entries back, compressing cases whose JSON is longer than 2000 characters."""
    import zlib
    stored = []
    for entry in entries:
        entry = dict(entry)
        text = json.dumps(entry['case'], ensure_ascii=True, sort_keys=True)
        if len(text) > 2000:
            del entry['case']
            entry['case_zlib'] = base64.b64encode(zlib.compress(text.encode('ascii'), 9)).decode()
        stored.append(entry)
    with open(path + '.tmp', 'w', encoding='utf8') as handle:
        json.dump(stored, handle, indent=1, ensure_ascii=True, sort_keys=True)
        handle.write('\n')
    os.replace(path + '.tmp', path)


def normalise_case(case):
    """A case as JSON stores it (tuples become lists), so replays see the same data."""
    return json.loads(json.dumps(case))


def replay(env, entry):
    """Run one saved case through its property's check."""
    PROPERTIES[entry['property']].check(env, entry['case'])
