"""Every Python example of README.rst and docs/*.rst runs, and does what the text says.

The code blocks (``.. code-block:: python``) are extracted from the reST
sources. Each block runs in a fresh temporary directory, in a namespace of its
own, against the ``bottle.py`` of this checkout. A few reST comments next to
a block, invisible on a code host and in the built manual, tell this test
more about it:

``.. check:`` (after a block, followed by indented Python lines)
    Runs after the block, in its namespace, with the helpers below added:
    ``call(app, path, method='GET', **kwargs)`` makes a real WSGI call (an
    HTTP/1.1 request unless ``SERVER_PROTOCOL`` says otherwise) and returns
    a result with ``code``, ``status``, ``headers``, ``header(name)``,
    ``body`` and ``text`` (see ``test/helpers.py``); ``Browser(app)`` is the
    same with a cookie jar that follows the browser rules for cookie paths
    and domains (``http.cookiejar``); ``form(**fields)`` and
    ``multipart(fields, files)`` and ``json_body(data)`` build request
    bodies; ``run_pytest(*files)`` runs pytest on test files in a
    subprocess and asserts that they pass; ``run_cli(*arguments)`` runs
    ``python -m bottle`` with those arguments in the example's directory
    (for commands that exit: ``--routes``, mistakes) and returns the
    finished process (``returncode``, ``stdout``, ``stderr`` as text);
    ``bottle`` is the module.
    ``app`` is the block's own ``app``, or the default application. Every
    block that adds a route needs a check.
``.. file: PATH`` (before a block of any language)
    The block is written to ``PATH`` in the temporary directory before it
    and every later Python block of the page runs (templates, ini files,
    modules, test files).
``.. setup:`` (before a block, followed by indented Python lines)
    Runs in the temporary directory before the next block, in its namespace
    (to create files the example expects, for instance).
``.. serve: PATH [EXPECTED TEXT]`` (after a block that starts a server)
    Which page to request from the server the block starts, and text the
    answer must contain.
``.. skip: REASON`` (before a block)
    The next block is only compiled, not run; REASON says why.

A block that calls ``run()`` runs twice: in-process with ``__name__`` not
``'__main__'`` (so ``if __name__ == '__main__': run(...)`` stays off) for its
checks, and as a script in a subprocess with its ``port=`` replaced by a free
port, where one request must be answered (``.. serve:``, else ``/`` with any
status below 500). A block that calls ``run()`` unguarded or monkey-patches
with gevent or eventlet runs only in the subprocess.
"""
import ast
import copy
import email.message
import glob
import http.cookiejar
import importlib.util
import io
import os
import re
import signal
import socket
import subprocess
import sys
import time
import types
import urllib.error
import urllib.parse
import urllib.request
import uuid
import warnings

import pytest

import bottle
import helpers

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCES = [os.path.join(ROOT, 'README.rst')] + sorted(
    glob.glob(os.path.join(ROOT, 'docs', '**', '*.rst'), recursive=True))
PYTHON_LANGUAGES = {'python', 'python3', 'py'}
SERVER_START_TIMEOUT = 60  # seconds; a deadline for a condition, not a sleep
# The server adapters examples may name, and the module each needs.
SERVER_MODULES = {'waitress': 'waitress', 'gevent': 'gevent', 'eventlet': 'eventlet',
                  'paste': 'paste', 'cheroot': 'cheroot', 'cherrypy': 'cherrypy',
                  'tornado': 'tornado', 'twisted': 'twisted', 'gunicorn': 'gunicorn',
                  'aiohttp': 'aiohttp_wsgi', 'uvloop': 'uvloop', 'bjoern': 'bjoern'}


# ------------------------------------------------------------------ Extraction ----

class Block:
    """One code block of a reST file, with the test comments that belong to it."""

    def __init__(self, path, line, language, code):
        self.path = path
        self.line = line            # line number of the first line of code
        self.language = language
        self.code = code
        self.file = None            # from '.. file: PATH'
        self.setup = []             # (line, code) from '.. setup:'
        self.checks = []            # (line, code) from '.. check:'
        self.serve = None           # (path, expected text or None) from '.. serve:'
        self.skip = None            # reason from '.. skip:'

    @property
    def name(self):
        return '%s:%d' % (os.path.relpath(self.path, ROOT), self.line)

    def __repr__(self):
        return '<Block %s %s>' % (self.name, self.language)


_DIRECTIVE = re.compile(r'^(?P<indent> *)\.\. (?:code-block|code|sourcecode)::\s*(?P<lang>\S*)\s*$')
_COMMENT = re.compile(r'^(?P<indent> *)\.\. (?P<kind>check|setup|file|serve|skip):(?P<rest>.*)$')


def _indented_body(lines, start, indent):
    """Lines from ``start`` on that are blank or indented deeper than ``indent``, dedented.

    Returns ``(first_line_index, body_lines, next_index)``; leading and trailing
    blank lines are dropped.
    """
    index = start
    body = []
    while index < len(lines) and (not lines[index].strip() or
                                  len(lines[index]) - len(lines[index].lstrip()) > indent):
        body.append(lines[index])
        index += 1
    first = start
    while body and not body[0].strip():
        body.pop(0)
        first += 1
    while body and not body[-1].strip():
        body.pop()
    width = min((len(line) - len(line.lstrip()) for line in body if line.strip()), default=0)
    return first, [line[width:] for line in body], index


def extract_blocks(path):
    """All code blocks of the reST file ``path``, in order, with their test comments."""
    with open(path, encoding='utf8') as source:
        lines = source.read().split('\n')
    blocks = []
    pending = {'file': None, 'setup': [], 'skip': None}
    index = 0
    while index < len(lines):
        line = lines[index]
        directive = _DIRECTIVE.match(line)
        comment = _COMMENT.match(line)
        if directive:
            indent = len(directive['indent'])
            index += 1
            while index < len(lines) and re.match(r'^ +:[\w-]+:', lines[index]):
                index += 1  # directive options such as :linenos:
            first, body, index = _indented_body(lines, index, indent)
            block = Block(path, first + 1, directive['lang'].lower(), '\n'.join(body) + '\n')
            block.file, block.setup, block.skip = pending['file'], pending['setup'], pending['skip']
            pending = {'file': None, 'setup': [], 'skip': None}
            blocks.append(block)
            continue
        if comment:
            kind, rest = comment['kind'], comment['rest'].strip()
            first, body, index = _indented_body(lines, index + 1, len(comment['indent']))
            if index < len(lines) and lines[index - 1].strip():
                raise ValueError('%s:%d: the ".. %s:" comment must end with a blank line'
                                 % (path, index + 1, kind))
            code = '\n'.join(body) + '\n'
            python_blocks = [b for b in blocks if b.language in PYTHON_LANGUAGES]
            if kind == 'check':
                if not python_blocks:
                    raise ValueError('%s:%d: ".. check:" before any Python block' % (path, index))
                python_blocks[-1].checks.append((first + 1, code))
            elif kind == 'serve':
                if not python_blocks:
                    raise ValueError('%s:%d: ".. serve:" before any Python block' % (path, index))
                target, _, expected = rest.partition(' ')
                python_blocks[-1].serve = (target or '/', expected.strip() or None)
            elif kind == 'setup':
                pending['setup'].append((first + 1, code))
            elif kind == 'file':
                pending['file'] = rest
            elif kind == 'skip':
                pending['skip'] = rest or 'no reason given'
            continue
        index += 1
    return blocks


def all_blocks():
    return [block for path in SOURCES for block in extract_blocks(path)]


BLOCKS = all_blocks()
PYTHON_BLOCKS = [block for block in BLOCKS if block.language in PYTHON_LANGUAGES]


def _calls(tree):
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call)]


def _is_run_call(node):
    func = node.func
    return (isinstance(func, ast.Name) and func.id == 'run') or \
        (isinstance(func, ast.Attribute) and func.attr == 'run' and
         isinstance(func.value, ast.Name) and func.value.id in ('bottle', 'app'))


def _is_main_guard(node):
    """``if __name__ == '__main__':``"""
    test = node.test if isinstance(node, ast.If) else None
    return isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) and \
        test.left.id == '__name__' and len(test.comparators) == 1 and \
        isinstance(test.comparators[0], ast.Constant) and test.comparators[0].value == '__main__'


def starts_server(block):
    """True if the block calls ``run()`` anywhere (guarded or not)."""
    return any(_is_run_call(node) for node in _calls(ast.parse(block.code)))


def runs_in_process(block):
    """False for blocks that would start a server or monkey-patch when executed as a module."""
    tree = ast.parse(block.code)
    for statement in tree.body:
        if _is_main_guard(statement):
            continue
        if any(_is_run_call(node) for node in _calls(statement)):
            return False
        for node in ast.walk(statement):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or '']
            if any(name.split('.')[0] in ('gevent', 'eventlet') for name in names):
                return False
    return True


def adds_routes(block):
    """True if the block defines a route (a decorator or call of route/get/post/...)."""
    verbs = {'route', 'get', 'post', 'put', 'delete', 'patch'}
    for node in ast.walk(ast.parse(block.code)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for decorator in node.decorator_list:
                func = decorator.func if isinstance(decorator, ast.Call) else decorator
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, 'id', None)
                if name in verbs:
                    return True
    return False


# ------------------------------------------------------------- Check helpers ----

class Browser:
    """Calls a WSGI app in-process and keeps cookies the way a browser does.

    The cookie jar is the standard library's ``http.cookiejar.CookieJar``: a
    cookie set without a ``Path`` is sent back only below the directory of the
    URL that set it, one with ``Path=/`` everywhere, expired ones never.
    """

    def __init__(self, app, host='127.0.0.1'):
        self.app = app
        self.host = host
        self.jar = http.cookiejar.CookieJar()

    def request(self, path, method='GET', headers=None, **kwargs):
        url = 'http://%s%s' % (self.host, path)
        request = urllib.request.Request(url, method=method)
        self.jar.add_cookie_header(request)
        headers = dict(headers or {})
        if request.has_header('Cookie'):
            headers['Cookie'] = request.get_header('Cookie')
        path_only, _, query = path.partition('?')
        result = call(self.app, urllib.parse.unquote(path_only), method, query=query,
                      headers=headers, HTTP_HOST=self.host, **kwargs)
        message = email.message.Message()
        for name, value in result.headers:
            message[name] = value
        self.jar.extract_cookies(types.SimpleNamespace(info=lambda: message), request)
        return result

    def get(self, path, **kwargs):
        return self.request(path, 'GET', **kwargs)

    def post(self, path, **kwargs):
        return self.request(path, 'POST', **kwargs)


def form(**fields):
    """Keyword arguments for ``call()`` that send ``fields`` as an urlencoded form."""
    return {'body': urllib.parse.urlencode(fields),
            'headers': {'Content-Type': 'application/x-www-form-urlencoded'}}


def multipart(fields=None, files=None):
    """Keyword arguments for ``call()`` that send a multipart/form-data body.

    ``files`` maps field names to ``(filename, bytes, content_type)``.
    """
    boundary = uuid.uuid4().hex
    body = io.BytesIO()
    for name, value in (fields or {}).items():
        body.write(('--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n'
                    % (boundary, name, value)).encode('utf8'))
    for name, (filename, content, content_type) in (files or {}).items():
        body.write(('--%s\r\nContent-Disposition: form-data; name="%s"; filename="%s"\r\n'
                    'Content-Type: %s\r\n\r\n' % (boundary, name, filename, content_type))
                   .encode('utf8'))
        body.write(content + b'\r\n')
    body.write(('--%s--\r\n' % boundary).encode('ascii'))
    return {'body': body.getvalue(),
            'headers': {'Content-Type': 'multipart/form-data; boundary=' + boundary}}


def run_pytest(*arguments):
    """Run pytest on test files an example wrote (in the current directory); assert they pass."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([ROOT, os.environ.get('PYTHONPATH', '')]))
    done = subprocess.run([sys.executable, '-m', 'pytest', '-q', '-p', 'no:cacheprovider',
                           '-W', 'error'] + list(arguments), env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=300)
    assert done.returncode == 0, done.stdout
    return done.stdout


def run_cli(*arguments):
    """Run ``python -m bottle ARGUMENTS`` in the current directory; return the finished process.

    Only for commands that end by themselves (``--routes``, ``--help``, mistakes).
    """
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([ROOT, os.environ.get('PYTHONPATH', '')]))
    return subprocess.run([sys.executable, '-m', 'bottle'] + list(arguments), env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          timeout=120)


def json_body(data):
    """Keyword arguments for ``call()`` that send ``data`` as an application/json body."""
    import json
    return {'body': json.dumps(data), 'headers': {'Content-Type': 'application/json'}}


def call(app, path='/', method='GET', **kwargs):
    """``helpers.call`` as a browser would send it: HTTP/1.1 unless ``SERVER_PROTOCOL`` says."""
    kwargs.setdefault('SERVER_PROTOCOL', 'HTTP/1.1')
    return helpers.call(app, path, method, **kwargs)


CHECK_HELPERS = {'bottle': bottle, 'call': call, 'Browser': Browser, 'form': form,
                 'multipart': multipart, 'json_body': json_body, 'run_pytest': run_pytest,
                 'run_cli': run_cli}


# ----------------------------------------------------------------- Isolation ----

def _snapshot_bottle():
    """Copies of bottle's module and class attributes, to undo what an example changed."""
    state = {}
    owners = [bottle] + [value for value in vars(bottle).values()
                         if isinstance(value, type) and value.__module__ == 'bottle']
    for owner in owners:
        attributes = dict(vars(owner))
        state[owner] = (attributes, {name: copy.copy(value) for name, value in attributes.items()
                                     if type(value) in (dict, list)})
    return state


def _restore_bottle(state):
    for owner, (attributes, contents) in state.items():
        for name in set(vars(owner)) - set(attributes):
            if owner is bottle:
                delattr(owner, name)
        for name, value in attributes.items():
            if vars(owner).get(name, object()) is not value:
                try:
                    setattr(owner, name, value)
                except (AttributeError, TypeError):
                    pass
        for name, saved in contents.items():
            current = attributes[name]
            if current != saved:
                if isinstance(current, dict):
                    current.clear()
                    current.update(saved)
                else:
                    current[:] = saved


@pytest.fixture
def example_dir(tmp_path, monkeypatch):
    """A temporary working directory; undoes changes to bottle, sys.path and sys.modules."""
    monkeypatch.chdir(tmp_path)
    saved_path = list(sys.path)
    sys.path.insert(0, str(tmp_path))  # as for a script run from there: its modules import
    saved_modules = set(sys.modules)
    state = _snapshot_bottle()
    try:
        yield tmp_path
    finally:
        _restore_bottle(state)
        sys.path[:] = saved_path
        for name in set(sys.modules) - saved_modules:
            module_file = getattr(sys.modules[name], '__file__', None) or ''
            if module_file.startswith(str(tmp_path)):
                del sys.modules[name]


def _write_files(block, directory):
    """Write the '.. file:' blocks of the block's page up to and including it."""
    for other in BLOCKS:
        if other.path == block.path and other.line <= block.line and other.file:
            target = os.path.join(directory, other.file)
            os.makedirs(os.path.dirname(target) or '.', exist_ok=True)
            with open(target, 'w', encoding='utf8') as out:
                out.write(other.code)


def _compile(code, block_path, line):
    """Compile ``code`` so that tracebacks name the reST file and its line numbers.

    Asserts are rewritten the way pytest rewrites them in test modules, so a
    failing check shows the values it compared.
    """
    source = '\n' * (line - 1) + code
    tree = ast.parse(source, block_path)
    try:
        from _pytest.assertion.rewrite import rewrite_asserts
        rewrite_asserts(tree, source.encode('utf8'), block_path)
    except ImportError:  # an internal of pytest: without it, plain asserts
        pass
    return compile(tree, block_path, 'exec')


# --------------------------------------------------------------------- Tests ----

@pytest.mark.parametrize('block', PYTHON_BLOCKS, ids=lambda block: block.name)
def test_example_compiles(block):
    _compile(block.code, block.path, block.line)
    for line, code in block.setup + block.checks:
        _compile(code, block.path, line)


IN_PROCESS = [block for block in PYTHON_BLOCKS if runs_in_process(block)]


@pytest.mark.parametrize('block', IN_PROCESS, ids=lambda block: block.name)
def test_example_runs(block, example_dir):
    if block.skip:
        pytest.skip(block.skip)
    _write_files(block, str(example_dir))
    namespace = {'__name__': 'docs_example', '__file__': str(example_dir / 'example.py'),
                 '__builtins__': __builtins__}
    with warnings.catch_warnings():
        warnings.simplefilter('error')  # the manual shows no code that warns
        for line, code in block.setup:
            exec(_compile(code, block.path, line), namespace)
        exec(_compile(block.code, block.path, block.line), namespace)
        for line, code in block.checks:
            check_namespace = dict(namespace, **CHECK_HELPERS)
            if 'app' not in check_namespace:
                check_namespace['app'] = bottle.default_app()
            exec(_compile(code, block.path, line), check_namespace)


def test_every_example_that_adds_routes_is_checked():
    unchecked = [block.name for block in IN_PROCESS
                 if adds_routes(block) and not block.checks and not block.skip]
    assert not unchecked, 'add a ".. check:" comment after these blocks: %s' % unchecked


def test_extraction_finds_the_examples():
    names = {os.path.basename(block.path) for block in PYTHON_BLOCKS}
    assert {'README.rst', 'index.rst', 'routing.rst', 'request-response.rst'} <= names
    assert all(block.code.strip() for block in PYTHON_BLOCKS)


# ------------------------------------------------------ Examples with servers ----

def _wait_for_port(port, process, log_path):
    """Return once ``port`` accepts connections; PortTaken if the example lost the port."""
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            with open(log_path, encoding='utf8', errors='replace') as log:
                output = log.read()
            if helpers.says_address_in_use(output):
                raise helpers.PortTaken(output)
            pytest.fail('the example exited with %s before serving:\n%s'
                        % (process.returncode, output))
        try:
            with socket.create_connection(('127.0.0.1', port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)  # polling for the condition "port accepts connections"
    pytest.fail('the example did not listen on port %d within %ds' % (port, SERVER_START_TIMEOUT))


def _stop(process):
    """Stop the example and every process it started (the reloader's child, workers)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    try:
        os.killpg(process.pid, signal.SIGKILL)  # children that outlived the parent
    except ProcessLookupError:
        pass


SERVER_BLOCKS = [block for block in PYTHON_BLOCKS if starts_server(block)]


@pytest.mark.parametrize('block', SERVER_BLOCKS, ids=lambda block: block.name)
def test_example_serves(block, tmp_path):
    if block.skip:
        pytest.skip(block.skip)
    server = re.search(r"server\s*=\s*'(\w+)'", block.code)
    if server and server.group(1) in SERVER_MODULES:
        module = SERVER_MODULES[server.group(1)]
        if importlib.util.find_spec(module) is None:
            pytest.skip('the example uses %s: pip install %s into this venv to run it'
                        % (server.group(1), module))
    if not re.search(r'\bport\s*=\s*\d+', block.code):
        pytest.fail('%s starts a server without a literal port=NNNN for the test to replace'
                    % block.name)
    _write_files(block, str(tmp_path))
    for line, code in block.setup:
        exec(_compile(code, block.path, line), {'__name__': 'docs_setup'})
    script = tmp_path / 'example.py'
    log_path = tmp_path / 'server.log'
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([ROOT, os.environ.get('PYTHONPATH', '')]))

    def start(port):
        script.write_text(re.sub(r'\bport\s*=\s*\d+', 'port=%d' % port, block.code),
                          encoding='utf8')
        with open(log_path, 'wb') as log:
            process = subprocess.Popen([sys.executable, str(script)], cwd=str(tmp_path), env=env,
                                       stdout=log, stderr=subprocess.STDOUT,
                                       start_new_session=True)
        try:
            _wait_for_port(port, process, log_path)
        except BaseException:
            _stop(process)
            raise
        return port, process

    port, process = helpers.start_on_free_port(start)
    try:
        path, expected = block.serve or ('/', None)
        try:
            url = 'http://127.0.0.1:%d%s' % (port, path)
            with urllib.request.urlopen(url, timeout=30) as answer:
                status, body = answer.status, answer.read().decode('utf8', 'replace')
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read().decode('utf8', 'replace')
        if block.serve:
            assert status == 200, (status, body)
            if expected:
                assert expected in body, body
        else:
            assert status < 500, (status, body)
    finally:
        _stop(process)
