"""Server adapters and application control: run(), load(), load_app() and the real servers.

Every adapter whose server can be installed from the package index is started for
real, in a subprocess on 127.0.0.1 with a free port, and must answer a GET of a
non-ASCII path and a POST of a 100 kB body correctly. A server that is not
importable on this interpreter is skipped with the reason. Adapters whose packages
cannot be installed on current Pythons are checked to fail with a clear message.
"""
import hashlib
import http.client
import os
import signal
import socket
import struct
import subprocess
import sys
import time
import urllib.parse
import uuid
import warnings

import pytest

import bottle
from helpers import PortTaken, call, says_address_in_use, start_on_free_port


BOTTLE_DIR = os.path.dirname(os.path.abspath(bottle.__file__))
# Generous limits: they only matter when something is broken, and a loaded machine
# can take many seconds to start an interpreter with a big server package.
START_TIMEOUT = 90.0
REQUEST_TIMEOUT = 30.0
STOP_TIMEOUT = 30
UNAVAILABLE_EXIT_CODE = 77


# --------------------------------------------------------------------------- fakes for run()

class RecordingServer(bottle.ServerAdapter):
    """A server adapter that records what run() hands it instead of serving."""

    instances = []

    def run(self, handler):
        self.handler = handler
        RecordingServer.instances.append(self)


@pytest.fixture(autouse=True)
def forget_recorded_servers():
    RecordingServer.instances = []
    yield
    RecordingServer.instances = []


# --------------------------------------------------------------------------- ServerAdapter basics

def test_server_adapter_keeps_host_port_and_options():
    server = bottle.ServerAdapter(host='0.0.0.0', port='8081', backlog=5)
    assert server.host == '0.0.0.0'
    assert server.port == 8081
    assert server.options == {'backlog': 5}


def test_server_adapter_defaults_to_localhost_8080_and_not_quiet():
    server = bottle.ServerAdapter()
    assert (server.host, server.port, server.quiet) == ('127.0.0.1', 8080, False)


def test_server_adapter_repr_names_the_class_and_options():
    assert repr(bottle.WaitressServer()) == 'WaitressServer()'
    assert repr(bottle.WSGIRefServer(host='h', port=1, threads=4, name='x')) == \
        "WSGIRefServer(threads=4, name='x')"


def test_server_adapter_base_class_does_not_serve():
    # differs from 0.13.4: the base class says it cannot run (0.13.4 returns None silently).
    with pytest.raises(NotImplementedError):
        bottle.ServerAdapter().run(lambda environ, start_response: [])


def test_cgi_and_gae_adapters_are_quiet_by_default():
    assert bottle.CGIServer.quiet is True
    assert bottle.AppEngineServer.quiet is True
    assert bottle.WSGIRefServer.quiet is False


def test_server_names_maps_every_name_of_bottle_0_13():
    assert bottle.server_names == {
        'cgi': bottle.CGIServer, 'flup': bottle.FlupFCGIServer,
        'wsgiref': bottle.WSGIRefServer, 'waitress': bottle.WaitressServer,
        'cherrypy': bottle.CherryPyServer, 'cheroot': bottle.CherootServer,
        'paste': bottle.PasteServer, 'fapws3': bottle.FapwsServer,
        'tornado': bottle.TornadoServer, 'gae': bottle.AppEngineServer,
        'twisted': bottle.TwistedServer, 'diesel': bottle.DieselServer,
        'meinheld': bottle.MeinheldServer, 'gunicorn': bottle.GunicornServer,
        'eventlet': bottle.EventletServer, 'gevent': bottle.GeventServer,
        'bjoern': bottle.BjoernServer, 'aiohttp': bottle.AiohttpServer,
        'uvloop': bottle.AiohttpUVLoopServer, 'auto': bottle.AutoServer,
    }


def test_every_server_adapter_subclasses_server_adapter():
    for adapter in bottle.server_names.values():
        assert issubclass(adapter, bottle.ServerAdapter)
    assert issubclass(bottle.AiohttpServer, bottle.AsyncioServerAdapter)
    assert issubclass(bottle.AiohttpUVLoopServer, bottle.AiohttpServer)


# -------------------------------------------------------------------------- missing server packages

# (server name, package to install, modules to hide)
MISSING_PACKAGES = [
    ('meinheld', 'meinheld', ['meinheld']),
    ('fapws3', 'fapws3', ['fapws']),
    ('diesel', 'diesel', ['diesel']),
    ('gae', 'google.appengine', ['google']),
    ('waitress', 'waitress', ['waitress']),
    ('paste', 'paste', ['paste']),
    ('cheroot', 'cheroot', ['cheroot']),
    ('cherrypy', 'cherrypy', ['cherrypy']),
    ('tornado', 'tornado', ['tornado']),
    ('twisted', 'twisted', ['twisted']),
    ('gunicorn', 'gunicorn', ['gunicorn']),
    ('gevent', 'gevent', ['gevent']),
    ('eventlet', 'eventlet', ['eventlet']),
    ('bjoern', 'bjoern', ['bjoern']),
    ('flup', 'flup', ['flup']),
    ('aiohttp', 'aiohttp-wsgi', ['aiohttp_wsgi']),
    ('uvloop', 'uvloop', ['uvloop']),
]


def hide_modules(monkeypatch, names):
    """Make ``import NAME`` (and its submodules) fail as if the package were not installed."""
    for name in list(sys.modules):
        if any(name == hidden or name.startswith(hidden + '.') for hidden in names):
            monkeypatch.delitem(sys.modules, name)
    for name in names:
        monkeypatch.setitem(sys.modules, name, None)


@pytest.mark.parametrize('server_name, package, modules', MISSING_PACKAGES,
                         ids=[entry[0] for entry in MISSING_PACKAGES])
def test_adapter_without_its_package_raises_import_error_naming_the_package(
        monkeypatch, server_name, package, modules):
    # differs from 0.13.4: 0.13.4 lets the bare ImportError of the module through
    # ("No module named 'fapws'"), and its fapws3/diesel adapters crash in depr().
    hide_modules(monkeypatch, modules)
    if server_name == 'uvloop':
        # The uvloop adapter needs aiohttp-wsgi first: stand in for it, so that the
        # missing uvloop is what it reports, whether aiohttp-wsgi is installed or not.
        import types
        stand_in = types.ModuleType('aiohttp_wsgi.wsgi')
        monkeypatch.setitem(sys.modules, 'aiohttp_wsgi', types.ModuleType('aiohttp_wsgi'))
        monkeypatch.setitem(sys.modules, 'aiohttp_wsgi.wsgi', stand_in)
    adapter = bottle.server_names[server_name](host='127.0.0.1', port=1)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', DeprecationWarning)
        with pytest.raises(ImportError) as info:
            adapter.run(lambda environ, start_response: [])
    message = str(info.value)
    assert repr(package) in message or ' %s ' % package in message
    if server_name == 'gae':  # not on the package index: the message names the SDK instead
        assert 'App Engine Python SDK' in message
    else:
        assert 'pip install %s' % package in message


@pytest.mark.parametrize('server_name, package', [
    ('meinheld', 'meinheld'), ('fapws3', 'fapws3'), ('diesel', 'diesel'),
    ('gae', 'App Engine Python SDK')])
def test_run_with_uninstallable_server_fails_with_the_package_name(monkeypatch, server_name,
                                                                   package):
    # differs from 0.13.4: see above; the message names what to install.
    hide_modules(monkeypatch, {'meinheld': ['meinheld'], 'fapws3': ['fapws'],
                               'diesel': ['diesel'], 'gae': ['google']}[server_name])
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', DeprecationWarning)
        # google-appengine is not on the package index, so that one names the SDK instead.
        expected = package if server_name == 'gae' else 'pip install %s' % package
        with pytest.raises(ImportError, match=expected):
            bottle.run(bottle.Bottle(), server=server_name, port=1, quiet=True)


def test_app_engine_adapter_is_deprecated(monkeypatch):
    hide_modules(monkeypatch, ['google'])
    with pytest.warns(DeprecationWarning):
        with pytest.raises(ImportError):
            bottle.AppEngineServer().run(lambda environ, start_response: [])


def test_gevent_adapter_without_monkey_patching_raises_runtime_error():
    pytest.importorskip('gevent', reason='gevent is not installed on this Python')
    with pytest.raises(RuntimeError, match='monkey'):
        bottle.GeventServer(port=1).run(lambda environ, start_response: [])


def test_eventlet_adapter_without_monkey_patching_raises_runtime_error():
    pytest.importorskip('eventlet', reason='eventlet is not installed on this Python')
    with pytest.raises(RuntimeError, match='monkey'):
        bottle.EventletServer(port=1).run(lambda environ, start_response: [])


# --------------------------------------------------------------------------- run(): servers

def test_run_takes_a_server_adapter_class():
    app = bottle.Bottle()
    bottle.run(app, server=RecordingServer, host='10.0.0.1', port=1234, quiet=True, extra=1)
    server, = RecordingServer.instances
    assert (server.host, server.port, server.options) == ('10.0.0.1', 1234, {'extra': 1})
    assert server.handler is app


def test_run_takes_a_server_adapter_instance():
    app = bottle.Bottle()
    server = RecordingServer(host='h', port=1)
    bottle.run(app, server=server, quiet=True)
    assert RecordingServer.instances == [server]
    assert server.handler is app


def test_run_takes_a_server_name(monkeypatch):
    monkeypatch.setitem(bottle.server_names, 'recording', RecordingServer)
    bottle.run(bottle.Bottle(), server='recording', quiet=True)
    assert len(RecordingServer.instances) == 1


def test_run_takes_a_server_import_string(importable):
    importable('custom_server_mod.py', """
        import bottle
        class Server(bottle.ServerAdapter):
            seen = []
            def run(self, handler):
                Server.seen.append((self.port, handler))
    """)
    app = bottle.Bottle()
    bottle.run(app, server='custom_server_mod:Server', port=4321, quiet=True)
    assert sys.modules['custom_server_mod'].Server.seen == [(4321, app)]


def test_run_with_unknown_server_name_raises_naming_it():
    with pytest.raises(ValueError, match="Unknown server 'no_such_server'"):
        bottle.run(bottle.Bottle(), server='no_such_server', quiet=True)


def test_run_with_a_non_adapter_server_raises_value_error():
    with pytest.raises(ValueError, match='Unknown or unsupported server'):
        bottle.run(bottle.Bottle(), server=object(), quiet=True)


def test_run_with_a_non_callable_app_raises_value_error():
    with pytest.raises(ValueError, match='not callable'):
        bottle.run(object(), server=RecordingServer, quiet=True)


# -------------------------------------------------------------------------- run(): quiet and banner

def test_run_prints_the_banner_to_stderr(capsys):
    bottle.run(bottle.Bottle(), server=RecordingServer, host='127.0.0.1', port=9999)
    err = capsys.readouterr().err
    assert 'Bottle v%s server starting up (using RecordingServer())' % bottle.__version__ in err
    assert 'Listening on http://127.0.0.1:9999/' in err
    assert 'Hit Ctrl-C to quit.' in err


def test_run_banner_puts_ipv6_hosts_in_brackets(capsys):
    # differs from 0.13.4: 0.13.4 prints http://::1:9999/, which is no valid URL.
    bottle.run(bottle.Bottle(), server=RecordingServer, host='::1', port=9999)
    assert 'Listening on http://[::1]:9999/' in capsys.readouterr().err


def test_run_quiet_prints_nothing_and_marks_the_server_quiet(capsys):
    bottle.run(bottle.Bottle(), server=RecordingServer, quiet=True)
    assert capsys.readouterr() == ('', '')
    assert RecordingServer.instances[0].quiet is True


def test_run_with_quiet_server_class_prints_no_banner(capsys):
    class QuietServer(RecordingServer):
        quiet = True
    bottle.run(bottle.Bottle(), server=QuietServer)
    assert capsys.readouterr().err == ''


def test_run_returns_quietly_on_keyboard_interrupt(capsys):
    class InterruptedServer(bottle.ServerAdapter):
        def run(self, handler):
            raise KeyboardInterrupt
    assert bottle.run(bottle.Bottle(), server=InterruptedServer, quiet=True) is None


def test_run_lets_server_errors_through():
    class BrokenServer(bottle.ServerAdapter):
        def run(self, handler):
            raise OSError('address in use')
    with pytest.raises(OSError, match='address in use'):
        bottle.run(bottle.Bottle(), server=BrokenServer, quiet=True)


# --------------------------------------------------------------- run(): app, plugins, config, debug

def test_run_without_app_serves_the_default_app():
    bottle.run(server=RecordingServer, quiet=True)
    assert RecordingServer.instances[0].handler is bottle.default_app()


def test_run_with_an_import_string_app_loads_it(importable):
    importable('run_target_app.py', """
        import bottle
        app = bottle.Bottle()
        app.route('/', callback=lambda: 'loaded by run')
    """)
    bottle.run('run_target_app:app', server=RecordingServer, quiet=True)
    handler = RecordingServer.instances[0].handler
    assert handler is sys.modules['run_target_app'].app
    assert call(handler, '/').text == 'loaded by run'


def test_run_with_plugin_objects_and_import_strings_installs_them(importable):
    importable('run_plugins_mod.py', """
        def header_plugin(callback):
            def wrapper(*args, **kwargs):
                import bottle
                bottle.response.set_header('X-Plugin', 'from-string')
                return callback(*args, **kwargs)
            return wrapper
    """)

    def object_plugin(callback):
        return lambda *args, **kwargs: callback(*args, **kwargs) + ' wrapped'
    app = bottle.Bottle()
    app.route('/', callback=lambda: 'body')
    bottle.run(app, server=RecordingServer, quiet=True,
               plugins=['run_plugins_mod:header_plugin', object_plugin])
    assert sys.modules['run_plugins_mod'].header_plugin in app.plugins
    assert object_plugin in app.plugins
    result = call(app, '/')
    assert result.text == 'body wrapped'
    assert result.header('X-Plugin') == 'from-string'


def test_run_merges_config_into_the_app_config():
    app = bottle.Bottle()
    bottle.run(app, server=RecordingServer, quiet=True, config={'db.name': 'x', 'a': 1})
    assert app.config['db.name'] == 'x'
    assert app.config['a'] == 1


def test_run_with_debug_switches_debug_mode():
    bottle.run(bottle.Bottle(), server=RecordingServer, quiet=True, debug=True)
    assert bottle.DEBUG is True
    bottle.run(bottle.Bottle(), server=RecordingServer, quiet=True, debug=False)
    assert bottle.DEBUG is False


def test_run_with_norun_set_does_nothing(monkeypatch):
    monkeypatch.setattr(bottle, 'NORUN', True)
    assert bottle.run(bottle.Bottle(), server=RecordingServer) is None
    assert RecordingServer.instances == []


# --------------------------------------------------------------------------- AutoServer

def test_auto_server_prefers_the_documented_order():
    assert bottle.AutoServer.adapters == [
        bottle.WaitressServer, bottle.PasteServer, bottle.TwistedServer,
        bottle.CherryPyServer, bottle.CherootServer, bottle.WSGIRefServer]


def test_auto_server_runs_the_first_importable_adapter(monkeypatch):
    tried = []

    class Missing(bottle.ServerAdapter):
        def run(self, handler):
            tried.append('missing')
            raise ImportError('no such server')

    class Present(bottle.ServerAdapter):
        def run(self, handler):
            tried.append(('present', self.host, self.port, self.options, handler))

    class Never(bottle.ServerAdapter):
        def run(self, handler):
            tried.append('never')
    monkeypatch.setattr(bottle.AutoServer, 'adapters', [Missing, Present, Never])
    app = bottle.Bottle()
    bottle.run(app, server='auto', host='h', port=5, quiet=True, opt=1)
    assert tried == ['missing', ('present', 'h', 5, {'opt': 1}, app)]


def test_auto_server_skips_adapters_whose_packages_are_missing(monkeypatch):
    hide_modules(monkeypatch, ['waitress', 'paste', 'twisted', 'cherrypy', 'cheroot'])
    monkeypatch.setattr(bottle.AutoServer, 'adapters',
                        bottle.AutoServer.adapters[:-1] + [RecordingServer])
    bottle.run(bottle.Bottle(), server='auto', quiet=True)
    assert len(RecordingServer.instances) == 1


# --------------------------------------------------------------------------- load() and load_app()

@pytest.fixture
def app_package(importable):
    importable('loadpkg/__init__.py', '')
    importable('loadpkg/appmod.py', """
        import bottle
        VALUE = 'module value'
        app = bottle.Bottle()
        app.route('/', callback=lambda: 'explicit app')

        def make_app(greeting='made'):
            made = bottle.Bottle()
            made.route('/', callback=lambda: greeting)
            return made
    """)
    importable('loadpkg/implicit.py', """
        import bottle

        @bottle.route('/')
        def index():
            return 'default app route'

        bottle.run(port=1)   # does nothing while load_app() imports this
    """)


def test_load_with_module_path_returns_the_module(app_package):
    module = bottle.load('loadpkg.appmod')
    assert module is sys.modules['loadpkg.appmod']


def test_load_with_name_returns_the_attribute(app_package):
    assert bottle.load('loadpkg.appmod:VALUE') == 'module value'


def test_load_with_call_expression_evaluates_it(app_package):
    made = bottle.load('loadpkg.appmod:make_app()')
    assert call(made, '/').text == 'made'


def test_load_with_call_expression_and_arguments(app_package):
    made = bottle.load("loadpkg.appmod:make_app(greeting='hi')")
    assert call(made, '/').text == 'hi'


def test_load_expression_sees_the_extra_namespace(app_package):
    made = bottle.load('loadpkg.appmod:make_app(word)', word='from namespace')
    assert call(made, '/').text == 'from namespace'


def test_load_of_a_missing_module_raises_import_error(app_package):
    with pytest.raises(ImportError, match='no_such_module'):
        bottle.load('loadpkg.no_such_module:app')


def test_load_of_a_missing_attribute_raises_attribute_error(app_package):
    with pytest.raises(AttributeError, match='no_such_name'):
        bottle.load('loadpkg.appmod:no_such_name')


def test_load_app_returns_the_named_app(app_package):
    app = bottle.load_app('loadpkg.appmod:app')
    assert app is sys.modules['loadpkg.appmod'].app


def test_load_app_with_call_expression(app_package):
    app = bottle.load_app('loadpkg.appmod:make_app()')
    assert call(app, '/').text == 'made'


def test_load_app_of_a_module_returns_the_default_app_it_filled(app_package):
    app = bottle.load_app('loadpkg.implicit')
    assert isinstance(app, bottle.Bottle)
    assert call(app, '/').text == 'default app route'


def test_load_app_leaves_the_default_app_stack_as_it_was(app_package):
    default_before = bottle.default_app()
    stack_before = list(bottle.app)
    app = bottle.load_app('loadpkg.implicit')
    assert list(bottle.app) == stack_before
    assert bottle.default_app() is default_before
    assert app is not default_before
    assert default_before.routes == []


def test_load_app_suppresses_run_while_importing_and_restores_norun(app_package):
    assert bottle.NORUN is False
    bottle.load_app('loadpkg.implicit')     # its module-level run(port=1) must not serve
    assert bottle.NORUN is False


def test_load_app_restores_stack_and_norun_when_import_fails(importable):
    importable('broken_app_mod.py', """
        import bottle
        bottle.route('/', callback=lambda: 'x')
        raise RuntimeError('broken on import')
    """)
    stack_before = list(bottle.app)
    with pytest.raises(RuntimeError, match='broken on import'):
        bottle.load_app('broken_app_mod')
    assert list(bottle.app) == stack_before
    assert bottle.NORUN is False


# ------------------------------------------------------------------------- WSGIRefServer in-process

def test_wsgiref_server_accepts_server_class_and_handler_class_options():
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer
    used = {}

    class StopAtOnce(WSGIServer):
        def serve_forever(self, poll_interval=0.5):
            used['server_class'] = type(self)
            used['handler_class'] = self.RequestHandlerClass
            self.server_close()

    class Handler(WSGIRequestHandler):
        pass
    server = bottle.WSGIRefServer(host='127.0.0.1', port=0, server_class=StopAtOnce,
                                  handler_class=Handler)
    server.run(bottle.Bottle())
    assert issubclass(used['server_class'], StopAtOnce)
    assert used['handler_class'] is Handler


def ipv6_available():
    if not socket.has_ipv6:
        return False
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as probe:
            probe.bind(('::1', 0))
        return True
    except OSError:
        return False


@pytest.mark.skipif(not ipv6_available(), reason='IPv6 loopback (::1) is not available here')
def test_wsgiref_server_binds_ipv6_addresses():
    from wsgiref.simple_server import WSGIServer
    used = {}

    class StopAtOnce(WSGIServer):
        def serve_forever(self, poll_interval=0.5):
            used['family'] = self.socket.family
            used['address'] = self.server_address[0]
            self.server_close()
    bottle.WSGIRefServer(host='::1', port=0, server_class=StopAtOnce).run(bottle.Bottle())
    assert used == {'family': socket.AF_INET6, 'address': '::1'}


# --------------------------------------------------------------------------- real servers

SERVER_SCRIPT = r'''
import hashlib
import importlib
import os
import signal
import sys

server_name, port, bottle_dir, token = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
required = %(required)r
try:
    if server_name == 'gevent':
        from gevent import monkey
        monkey.patch_all()
    elif server_name == 'eventlet':
        import eventlet
        eventlet.monkey_patch()
    for module_name in required.get(server_name, ()):
        importlib.import_module(module_name)
except Exception as missing:  # not installed, or installed but broken on this Python
    sys.stderr.write('UNAVAILABLE: %%s: %%s\n' %% (type(missing).__name__, missing))
    sys.exit(%(unavailable)d)

sys.path.insert(0, bottle_dir)
import bottle

app = bottle.Bottle()


@app.route('/ping')
def ping():
    return token  # the test knows it talks to this process, not another on the port


@app.route('/hällo/<name>')
def hello(name):
    return 'hällo %%s, q=%%s' %% (name, bottle.request.query.q)


@app.route('/interrupt-me')
def interrupt_me():
    # Ctrl-C while this request's thread or greenlet runs, not the idle server's loop.
    os.kill(os.getpid(), signal.SIGINT)
    return 'interrupted'


@app.post('/upload')
def upload():
    body = bottle.request.body.read()
    return '%%d %%s' %% (len(body), hashlib.sha256(body).hexdigest())


bottle.run(app, server=server_name, host='127.0.0.1', port=port, quiet=True)
'''

# Modules each server needs, imported by the script before bottle; a failure means "skip".
REQUIRED_MODULES = {
    'wsgiref': [], 'cgi': [],
    'waitress': ['waitress'],
    'cheroot': ['cheroot.wsgi'],
    'cherrypy': ['cherrypy', 'cheroot.wsgi'],
    'paste': ['paste.httpserver', 'paste.translogger'],
    'gunicorn': ['gunicorn.app.base'],
    'tornado': ['tornado.wsgi', 'tornado.httpserver'],
    'twisted': ['twisted.web.wsgi'],
    'gevent': ['gevent.pywsgi'],
    'eventlet': ['eventlet.wsgi'],
    'bjoern': ['bjoern'],
    'flup': ['flup.server.fcgi'],
    'aiohttp': ['aiohttp', 'aiohttp_wsgi'],
    'uvloop': ['aiohttp', 'aiohttp_wsgi', 'uvloop'],
}

INSTALL_HINTS = {
    'bjoern': 'pip install bjoern (building it needs Debian\'s libev-dev:'
              ' apt-get install -y libev-dev)',
    'aiohttp': 'pip install aiohttp aiohttp-wsgi',
    'uvloop': 'pip install aiohttp aiohttp-wsgi uvloop',
}

# Servers that run until stopped, reached over HTTP (flup: FastCGI; cgi: one process a request).
HTTP_SERVERS = ['wsgiref', 'waitress', 'cheroot', 'cherrypy', 'paste', 'gunicorn', 'tornado',
                'twisted', 'gevent', 'eventlet', 'bjoern', 'aiohttp', 'uvloop']
ALL_SERVERS = HTTP_SERVERS + ['flup', 'cgi']

UPLOAD_BODY = bytes(range(256)) * 400  # 102400 bytes
UPLOAD_ANSWER = '%d %s' % (len(UPLOAD_BODY), hashlib.sha256(UPLOAD_BODY).hexdigest())


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # list of (name, value)
        self.body = body

    def header(self, name):
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value

    @property
    def text(self):
        return self.body.decode('utf8')

    def __repr__(self):
        return '<Response %d %r %r>' % (self.status, self.headers, self.body[:300])


def http_request(port, method, path, body=None, headers=None):
    """One HTTP/1.1 request to 127.0.0.1:port; ``path`` is sent as given (already quoted)."""
    connection = http.client.HTTPConnection('127.0.0.1', port, timeout=REQUEST_TIMEOUT)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        answer = connection.getresponse()
        return Response(answer.status, answer.getheaders(), answer.read())
    finally:
        connection.close()


# A minimal FastCGI client (responder role, one request per connection), enough to talk
# to flup the way a web server would.
FCGI_BEGIN_REQUEST, FCGI_END_REQUEST, FCGI_PARAMS, FCGI_STDIN, FCGI_STDOUT, FCGI_STDERR = (
    1, 3, 4, 5, 6, 7)


def fcgi_record(record_type, content, request_id=1):
    return struct.pack('!BBHHBx', 1, record_type, request_id, len(content), 0) + content


def fcgi_pair(name, value):
    encoded = b''
    for part in (name, value):
        length = len(part)
        encoded += struct.pack('!B', length) if length < 128 else \
            struct.pack('!I', length | 0x80000000)
    return encoded + name + value


def fcgi_chunks(data, size=32768):
    return [data[start:start + size] for start in range(0, len(data), size)]


def read_exactly(sock, count):
    data = b''
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            raise ConnectionError('FastCGI server closed the connection early')
        data += chunk
    return data


def fastcgi_request(port, method, raw_path, query=b'', body=b'', content_type=b''):
    """Send one FastCGI request; ``raw_path`` is PATH_INFO as bytes (already unquoted,
    as web servers pass it). Returns a :class:`Response` parsed from the CGI output."""
    params = {
        b'REQUEST_METHOD': method.encode('ascii'), b'SCRIPT_NAME': b'',
        b'PATH_INFO': raw_path, b'QUERY_STRING': query,
        b'REQUEST_URI': urllib.parse.quote_from_bytes(raw_path).encode('ascii')
        + (b'?' + query if query else b''),
        b'SERVER_NAME': b'127.0.0.1', b'SERVER_PORT': str(port).encode('ascii'),
        b'SERVER_PROTOCOL': b'HTTP/1.1', b'REMOTE_ADDR': b'127.0.0.1',
        b'GATEWAY_INTERFACE': b'CGI/1.1', b'HTTP_HOST': b'127.0.0.1',
    }
    if body:
        params[b'CONTENT_LENGTH'] = str(len(body)).encode('ascii')
        params[b'CONTENT_TYPE'] = content_type or b'application/octet-stream'
    encoded_params = b''.join(fcgi_pair(name, value) for name, value in params.items())
    message = fcgi_record(FCGI_BEGIN_REQUEST, struct.pack('!HB5x', 1, 0))
    message += b''.join(fcgi_record(FCGI_PARAMS, chunk) for chunk in fcgi_chunks(encoded_params))
    message += fcgi_record(FCGI_PARAMS, b'')
    message += b''.join(fcgi_record(FCGI_STDIN, chunk) for chunk in fcgi_chunks(body))
    message += fcgi_record(FCGI_STDIN, b'')
    stdout = b''
    with socket.create_connection(('127.0.0.1', port), timeout=REQUEST_TIMEOUT) as sock:
        sock.sendall(message)
        while True:
            version, record_type, _, length, padding = struct.unpack(
                '!BBHHBx', read_exactly(sock, 8))
            content = read_exactly(sock, length)
            read_exactly(sock, padding)
            if record_type == FCGI_STDOUT:
                stdout += content
            elif record_type == FCGI_END_REQUEST:
                break
    return parse_cgi_output(stdout)


def parse_cgi_output(output):
    """Split CGI output (``Status:`` header, headers, blank line, body) into a Response."""
    separator = b'\r\n\r\n' if b'\r\n\r\n' in output else b'\n\n'
    head, _, body = output.partition(separator)
    headers, status = [], 200
    for line in head.decode('latin1').splitlines():
        name, _, value = line.partition(':')
        if name.lower() == 'status':
            status = int(value.split()[0])
        else:
            headers.append((name.strip(), value.strip()))
    return Response(status, headers, body)


class RunningServer:
    """A server process started with the script above on ``port``, and how to talk to it."""

    def __init__(self, name, script, workdir, port):
        self.name, self.script, self.workdir, self.port = name, script, workdir, port
        self.token = uuid.uuid4().hex
        self.stderr_path = os.path.join(workdir, '%s-%d.stderr' % (name, port))
        self.process = None

    # -- process handling ------------------------------------------------------

    def command(self):
        return [sys.executable, self.script, self.name, str(self.port), BOTTLE_DIR, self.token]

    def stderr_text(self):
        try:
            with open(self.stderr_path, encoding='utf8', errors='replace') as stderr:
                return stderr.read()
        except OSError:
            return ''

    def start(self):
        with open(self.stderr_path, 'wb') as stderr:
            self.process = subprocess.Popen(
                self.command(), cwd=self.workdir, stdin=subprocess.DEVNULL,
                stdout=stderr, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.unavailable_or_fail()
            try:
                answer = self.get('/ping')
            except (OSError, http.client.HTTPException):
                time.sleep(0.1)
                continue
            if answer.status == 200 and answer.body == self.token.encode():
                return
            raise PortTaken('another process answers on port %d: %r' % (self.port, answer))
        self.stop()
        pytest.fail('%s did not answer on port %d within %ds; output:\n%s'
                    % (self.name, self.port, START_TIMEOUT, self.stderr_text()))

    def unavailable_or_fail(self):
        output = self.stderr_text()
        if says_address_in_use(output):
            raise PortTaken(output)
        if self.process.returncode == UNAVAILABLE_EXIT_CODE:
            reason = output.strip().splitlines()[-1] if output.strip() else 'import failed'
            reason = reason.replace('UNAVAILABLE: ', '')
            hint = INSTALL_HINTS.get(self.name, 'pip install %s' % self.name)
            message = '%s is not usable on Python %d.%d (%s); install with: %s' % (
                self.name, sys.version_info[0], sys.version_info[1], reason, hint)
            print(message)
            pytest.skip(message)
        pytest.fail('%s exited with code %d before answering; output:\n%s'
                    % (self.name, self.process.returncode, output))

    def wait_until_idle(self):
        """Make one last request with ``Connection: close`` and read until the server
        closes the connection: it is done with every request this test made."""
        request = b'GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'
        with socket.create_connection(('127.0.0.1', self.port), timeout=REQUEST_TIMEOUT) as sock:
            sock.sendall(request)
            answer = b''
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                answer += chunk
        assert answer.endswith(self.token.encode()), answer

    def interrupt(self, timeout=STOP_TIMEOUT):
        """Send SIGINT (Ctrl-C) to the idle server process; return its exit code."""
        self.wait_until_idle()
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout)

    def stop(self):
        """Stop the whole process group (gunicorn's workers included)."""
        if self.process is None:
            return
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)  # leftover workers, if any
        except (ProcessLookupError, PermissionError):
            pass
        if self.process.poll() is None:
            self.process.wait(10)

    # -- requests --------------------------------------------------------------

    def get(self, quoted_path):
        return http_request(self.port, 'GET', quoted_path)

    def post(self, quoted_path, body):
        return http_request(self.port, 'POST', quoted_path, body=body,
                            headers={'Content-Type': 'application/octet-stream'})


class FastCGIServer(RunningServer):
    """flup: the same requests, spoken in FastCGI."""

    def _split(self, quoted_path):
        path, _, query = quoted_path.partition('?')
        return urllib.parse.unquote_to_bytes(path), query.encode('ascii')

    def get(self, quoted_path):
        path, query = self._split(quoted_path)
        return fastcgi_request(self.port, 'GET', path, query)

    def post(self, quoted_path, body):
        path, query = self._split(quoted_path)
        return fastcgi_request(self.port, 'POST', path, query, body)

    def wait_until_idle(self):
        # fastcgi_request asks the server to close the connection after each request
        # (no FCGI_KEEP_CONN) and reads until END_REQUEST: one more request suffices.
        assert self.get('/ping').body == self.token.encode()


class CGIScript(RunningServer):
    """cgi: no server process; every request runs the script once with a CGI environment."""

    def start(self):
        answer = self.get('/ping')
        if answer.body != self.token.encode():
            self.unavailable_or_fail()

    def stop(self):
        pass

    def _run(self, method, quoted_path, body=b''):
        path, _, query = quoted_path.partition('?')
        # PATH_INFO reaches a CGI script unquoted; os.environ carries its raw bytes.
        raw_path = urllib.parse.unquote_to_bytes(path)
        environ = dict(os.environ, GATEWAY_INTERFACE='CGI/1.1', REQUEST_METHOD=method,
                       SCRIPT_NAME='', QUERY_STRING=query, SERVER_NAME='127.0.0.1',
                       SERVER_PORT='80', SERVER_PROTOCOL='HTTP/1.1', REMOTE_ADDR='127.0.0.1')
        environ = {key.encode(): value.encode() for key, value in environ.items()}
        environ[b'PATH_INFO'] = raw_path
        if body:
            environ[b'CONTENT_LENGTH'] = str(len(body)).encode()
            environ[b'CONTENT_TYPE'] = b'application/octet-stream'
        self.process = subprocess.run(self.command(), cwd=self.workdir, input=body,
                                      env=environ, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, timeout=REQUEST_TIMEOUT)
        with open(self.stderr_path, 'ab') as log:
            log.write(self.process.stderr)
        return parse_cgi_output(self.process.stdout)

    def get(self, quoted_path):
        return self._run('GET', quoted_path)

    def post(self, quoted_path, body):
        return self._run('POST', quoted_path, body)


@pytest.fixture(scope='module')
def server_script(tmp_path_factory):
    workdir = tmp_path_factory.mktemp('servers')
    script = workdir / 'serve.py'
    script.write_text(SERVER_SCRIPT % {'required': REQUIRED_MODULES,
                                       'unavailable': UNAVAILABLE_EXIT_CODE}, encoding='utf8')
    return str(script), str(workdir)


@pytest.fixture(scope='module', params=ALL_SERVERS)
def server(request, server_script):
    """Each server of ALL_SERVERS, started once for the tests below and stopped after them."""
    # differs from 0.13.4: its CherryPyServer imports cherrypy.wsgiserver, which
    # CherryPy 9 and later no longer have, so 'cherrypy' does not start at all.
    script, workdir = server_script
    kind = {'flup': FastCGIServer, 'cgi': CGIScript}.get(request.param, RunningServer)

    def attempt(port):
        running = kind(request.param, script, workdir, port)
        try:
            running.start()
        except BaseException:  # lost the port (retried), or skipped or failed: stop it
            running.stop()
            raise
        return running
    running = start_on_free_port(attempt)
    try:
        yield running
    finally:
        running.stop()


@pytest.mark.parametrize('name', ['gevent', 'eventlet'])
def test_ctrl_c_while_a_greenlet_serves_a_request_stops_the_server(name, server_script):
    # A KeyboardInterrupt raised in a connection's greenlet must reach the server's loop,
    # not end that greenlet alone.
    script, workdir = server_script

    def attempt(port):
        running = RunningServer(name, script, workdir, port)
        try:
            running.start()
        except BaseException:
            running.stop()
            raise
        return running
    running = start_on_free_port(attempt)
    try:
        try:
            running.get('/interrupt-me')
        except (OSError, http.client.HTTPException):
            pass  # the server may stop before it answers
        try:
            code = running.process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            pytest.fail('%s kept running after Ctrl-C during a request:\n%s'
                        % (name, running.stderr_text()))
        assert code == 0, running.stderr_text()
        assert 'Traceback' not in running.stderr_text()
    finally:
        running.stop()


NON_ASCII_PATH = urllib.parse.quote('/hällo/wörld') + '?q=%C3%BC%20%E2%82%AC'


def test_real_server_answers_get_of_a_non_ascii_path(server):
    # differs from 0.13.4: under Paste and aiohttp-wsgi (which hand over PATH_INFO
    # decoded as UTF-8, not latin-1) 0.13.4 gets the path wrong and answers 404.
    answer = server.get(NON_ASCII_PATH)
    assert answer.status == 200, (answer, server.stderr_text())
    assert answer.text == 'hällo wörld, q=ü €'
    assert answer.header('Content-Type') == 'text/html; charset=UTF-8'


def test_real_server_answers_post_of_a_100kb_body(server):
    answer = server.post('/upload', UPLOAD_BODY)
    assert answer.status == 200, (answer, server.stderr_text())
    assert answer.text == UPLOAD_ANSWER


def test_real_server_gives_404_for_an_unknown_non_ascii_path(server):
    answer = server.get(urllib.parse.quote('/wörld/hällo/x'))
    assert answer.status == 404, (answer, server.stderr_text())


def test_real_server_gives_400_for_a_path_that_is_not_utf8(server):
    # differs from 0.13.4: 0.13.4 answers 404 (it matches the latin-1 decoding).
    answer = server.get('/h%E4llo/w%F6rld')
    assert answer.status == 400, (answer, server.stderr_text())


def test_real_server_stops_cleanly_on_ctrl_c(server):
    # Must stay the last test using the `server` fixture: it ends the process.
    if isinstance(server, CGIScript):
        pytest.skip('a CGI script runs once per request; there is nothing to stop')
    try:
        code = server.interrupt()
    except subprocess.TimeoutExpired:
        pytest.fail('%s ignored SIGINT for %ds' % (server.name, STOP_TIMEOUT))
    output = server.stderr_text()
    assert code == 0, output
    assert 'Traceback' not in output, output
