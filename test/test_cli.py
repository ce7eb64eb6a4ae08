"""The command line (``python -m bottle`` and ``python bottle.py``) and the reloader.

Every test starts a real interpreter in a temporary directory that holds a tiny
application module. Options are checked through a reporting server adapter
(``-s cliserver:Report``) that calls the loaded application in-process and prints
what it saw as JSON, so most tests need no network; a few start real servers and
fetch pages over HTTP. The reloader is tested by editing a module under a running
server and seeing the new response.
"""
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
import uuid

import pytest

import bottle
from helpers import PortTaken, says_address_in_use, start_on_free_port


BOTTLE_DIR = os.path.dirname(os.path.abspath(bottle.__file__))
BOTTLE_FILE = os.path.join(BOTTLE_DIR, 'bottle.py')
# Generous limits: they only matter when something is broken, and a loaded machine
# can take seconds to start an interpreter.
COMMAND_TIMEOUT = 60
START_TIMEOUT = 60.0
STOP_TIMEOUT = 30
# Every serving process gets its own value of this variable and the apps answer it at
# /environ/BOTTLE_TEST_TOKEN: a test knows it talks to its own server, not to another
# process that took the port first.
TOKEN_VARIABLE = 'BOTTLE_TEST_TOKEN'
TOKEN_PATH = '/environ/' + TOKEN_VARIABLE


APP_MODULE = '''
import json
import os

import bottle

app = bottle.Bottle()


@app.route('/')
def index():
    return 'hello from cliapp'


@app.route('/config/<key>')
def config_value(key):
    return json.dumps(app.config.get(key, '<missing>'))


@app.route('/debug')
def debug_mode():
    return json.dumps(bottle.DEBUG)


@app.route('/slow')
def slow():
    # Says that it is answering (the test waits for this line), then answers once
    # the test has created the file 'release' (after its Ctrl-C).
    import time
    print('slow request: answering', flush=True)
    deadline = time.monotonic() + 120
    while not os.path.exists('release') and time.monotonic() < deadline:
        time.sleep(0.05)
    return 'slow answer'


@app.route('/environ/<name>')
def environ_value(name):
    return json.dumps(os.environ.get(name))


def make_app(word='made by make_app'):
    made = bottle.Bottle()
    made.route('/', callback=lambda: word)
    made.route('/config/<key>', callback=lambda key: json.dumps(made.config.get(key, '<missing>')))
    made.route('/environ/<name>', callback=environ_value)
    return made
'''

# A server adapter that serves nothing: it calls the application for the paths in
# $CLI_FETCH and prints host, port, options and the answers as one JSON line.
SERVER_MODULE = '''
import io
import json
import os
import sys

import bottle


class Report(bottle.ServerAdapter):
    def run(self, handler):
        pages = {}
        for path in os.environ.get('CLI_FETCH', '').split():
            environ = {
                'REQUEST_METHOD': 'GET', 'SCRIPT_NAME': '', 'PATH_INFO': path,
                'QUERY_STRING': '', 'SERVER_NAME': 'localhost', 'SERVER_PORT': '80',
                'SERVER_PROTOCOL': 'HTTP/1.1', 'wsgi.version': (1, 0),
                'wsgi.url_scheme': 'http', 'wsgi.input': io.BytesIO(),
                'wsgi.errors': sys.stderr, 'wsgi.multithread': False,
                'wsgi.multiprocess': False, 'wsgi.run_once': False,
            }
            answer = {}

            def start_response(status, headers, exc_info=None):
                answer['status'] = status
                answer['headers'] = headers
            body = b''.join(handler(environ, start_response))
            answer['body'] = body.decode('utf8')
            pages[path] = answer
        print(json.dumps({'host': self.host, 'port': self.port, 'options': self.options,
                          'pages': pages}))
'''

PLUGIN_MODULE = '''
import bottle


def tag(name):
    def plugin(callback):
        def wrapper(*args, **kwargs):
            bottle.response.add_header('X-Plugin', name)
            return callback(*args, **kwargs)
        return wrapper
    return plugin


first = tag('first')
second = tag('second')
'''


# --------------------------------------------------------------------------- helpers

@pytest.fixture
def workdir(tmp_path):
    """A directory with the app, the reporting server and the plugins; the CLI runs here."""
    (tmp_path / 'cliapp.py').write_text(APP_MODULE)
    (tmp_path / 'cliserver.py').write_text(SERVER_MODULE)
    (tmp_path / 'cliplugins.py').write_text(PLUGIN_MODULE)
    return tmp_path


def cli_environ(extra=None):
    environ = dict(os.environ)
    environ['PYTHONPATH'] = BOTTLE_DIR
    environ['PYTHONDONTWRITEBYTECODE'] = '1'  # edited modules must be re-read, never a stale .pyc
    environ['PYTHONUNBUFFERED'] = '1'
    for name in ('BOTTLE_CHILD', 'BOTTLE_LOCKFILE'):
        environ.pop(name, None)
    environ.update(extra or {})
    return environ


def module_command(*args):
    return [sys.executable, '-m', 'bottle'] + list(args)


def script_command(*args):
    return [sys.executable, BOTTLE_FILE] + list(args)


def run_cli(workdir, *args, command=module_command, fetch=(), env=None):
    """Run the CLI to completion; return the CompletedProcess (text output)."""
    extra = dict(env or {})
    if fetch:
        extra['CLI_FETCH'] = ' '.join(fetch)
    return subprocess.run(command(*args), cwd=str(workdir), env=cli_environ(extra),
                          stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=COMMAND_TIMEOUT,
                          universal_newlines=True)


def report(workdir, *args, command=module_command, fetch=()):
    """Run the CLI with the reporting server; return its JSON report."""
    done = run_cli(workdir, '-s', 'cliserver:Report', *args, command=command, fetch=fetch)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def page(report_data, path):
    return report_data['pages'][path]['body']


def ipv6_available():
    if not socket.has_ipv6:
        return False
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as probe:
            probe.bind(('::1', 0))
        return True
    except OSError:
        return False


def http_get(host, port, path='/', timeout=5):
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        connection.request('GET', path)
        answer = connection.getresponse()
        return answer.status, dict(answer.getheaders()), answer.read().decode('utf8')
    finally:
        connection.close()


class Served:
    """A CLI or script process that serves HTTP; stopped (whole process group) on close."""

    def __init__(self, command, workdir, host, port, env=None):
        self.host, self.port = host, port
        self.token = uuid.uuid4().hex
        self.output_path = str(workdir / ('served-%d-%s.log' % (port, self.token[:8])))
        with open(self.output_path, 'wb') as output:
            self.process = subprocess.Popen(
                command, cwd=str(workdir), env=cli_environ(dict(env or {}, **{
                    TOKEN_VARIABLE: self.token})),
                stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT,
                start_new_session=True)

    def output(self):
        with open(self.output_path, encoding='utf8', errors='replace') as output:
            return output.read()

    def get(self, path='/', timeout=20):
        return http_get(self.host, self.port, path, timeout)

    def exited_early(self):
        """Fail with the output, or raise PortTaken if the port was not free after all."""
        output = self.output()
        if says_address_in_use(output):
            raise PortTaken(output)
        pytest.fail('the server exited with code %d; output:\n%s'
                    % (self.process.returncode, output))

    def wait_for(self, expected_body, path='/', timeout=START_TIMEOUT, check_token=True):
        """Poll until ``path`` answers with ``expected_body``; fail with the output if not.

        With ``check_token``, the answer counts only once the server also answers
        its own token: another process that answers on the port raises PortTaken.
        """
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.exited_early()
            try:
                last = self.get(path, timeout=5)
                if last[2] == expected_body:
                    if check_token and json.loads(self.get(TOKEN_PATH)[2]) != self.token:
                        raise PortTaken('another process answers on port %d' % self.port)
                    return last
            except (OSError, http.client.HTTPException, ValueError) as error:
                last = error
            time.sleep(0.1)
        pytest.fail('no %r from %s within %ss (last answer: %r); output:\n%s'
                    % (expected_body, path, timeout, last, self.output()))

    def wait_for_output(self, text, timeout=START_TIMEOUT):
        """Wait until the process has printed ``text``; fail with the output if it does not."""
        deadline = time.monotonic() + timeout
        while text not in self.output():
            if time.monotonic() > deadline:
                pytest.fail('no %r printed within %ss; output:\n%s'
                            % (text, timeout, self.output()))
            time.sleep(0.05)

    def wait_until_unreachable(self, timeout=START_TIMEOUT):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                self.get('/', timeout=1)
            except (OSError, http.client.HTTPException):
                return
            time.sleep(0.1)
        pytest.fail('the server still answers; output:\n%s' % self.output())

    def close(self):
        # Ctrl-C first (the reloader parent then removes its lock file), then SIGTERM.
        for stop_signal in (signal.SIGINT, signal.SIGTERM):
            if self.process.poll() is not None:
                break
            try:
                os.killpg(self.process.pid, stop_signal)
            except ProcessLookupError:
                break
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)  # a reloader child left behind
        except (ProcessLookupError, PermissionError):
            pass
        if self.process.poll() is None:
            self.process.wait(10)


@pytest.fixture
def serve(workdir):
    """Start a serving process on a free port and wait until it answers.

    ``serve(command, expected_body, host='127.0.0.1', env=None)`` calls
    ``command(port)`` for the command line, starts it, and waits until ``/``
    answers ``expected_body`` (and the server's own token). A start that loses
    its port to another process is retried on a new one. Returns the
    :class:`Served`; every process started is stopped after the test.
    """
    started = []

    def start(command, expected_body, host='127.0.0.1', env=None):
        def attempt(port):
            served = Served(command(port), workdir, host, port, env)
            started.append(served)
            try:
                served.wait_for(expected_body)
            except PortTaken:
                served.close()
                raise
            return served
        return start_on_free_port(attempt, host)
    yield start
    for served in started:
        served.close()


def write_module(path, source, bump):
    """Rewrite a watched module and move its mtime forward, so every change is seen."""
    path.write_text(textwrap.dedent(source))
    stamp = time.time() + bump
    os.utime(str(path), (stamp, stamp))


# ------------------------------------------------------------------- --version, help, errors

@pytest.mark.parametrize('command', [module_command, script_command], ids=['-m', 'script'])
def test_version_prints_the_version_and_exits_0(workdir, command):
    done = run_cli(workdir, '--version', command=command)
    assert done.returncode == 0
    assert done.stdout.strip() == 'Bottle %s' % bottle.__version__


@pytest.mark.parametrize('command', [module_command, script_command], ids=['-m', 'script'])
def test_help_shows_usage_and_every_option(workdir, command):
    done = run_cli(workdir, '--help', command=command)
    assert done.returncode == 0
    assert 'usage:' in done.stdout and 'package.module:app' in done.stdout
    options = done.stdout.split('options:')[-1]
    for option in ('--version', '-b', '--bind', 'ADDRESS', '-s', '--server', 'SERVER',
                   '-p', '--plugin', 'PLUGIN', '-c', '--conf', 'FILE', '-C', '--param',
                   'NAME=VALUE', '--debug', '--reload'):
        assert option in options.split() or option + ',' in options.split()


def test_missing_app_prints_usage_and_exits_2(workdir):
    # differs from 0.13.4: exit code 2 (0.13.4 exits 1) and a short usage line.
    done = run_cli(workdir)
    assert done.returncode == 2
    assert 'usage:' in done.stderr
    assert 'No application entry point specified' in done.stderr
    assert done.stdout == ''


def test_unimportable_app_module_gives_a_clear_message_and_exit_2(workdir):
    # differs from 0.13.4: 0.13.4 dies with a traceback and exit code 1.
    done = run_cli(workdir, 'no_such_module:app')
    assert done.returncode == 2
    assert "Cannot load application 'no_such_module:app'" in done.stderr
    assert 'no_such_module' in done.stderr
    assert 'Traceback' not in done.stderr


def test_missing_app_attribute_gives_a_clear_message_and_exit_2(workdir):
    # differs from 0.13.4: 0.13.4 dies with a traceback and exit code 1.
    done = run_cli(workdir, 'cliapp:no_such_app')
    assert done.returncode == 2
    assert 'no_such_app' in done.stderr
    assert 'Traceback' not in done.stderr


def test_app_module_that_fails_on_import_gives_a_clear_message_and_exit_2(workdir):
    # differs from 0.13.4: 0.13.4 dies with a traceback and exit code 1.
    (workdir / 'brokenapp.py').write_text('raise RuntimeError("broken on purpose")\n')
    done = run_cli(workdir, 'brokenapp:app')
    assert done.returncode == 2
    assert 'RuntimeError: broken on purpose' in done.stderr


def test_app_module_with_syntax_error_gives_a_clear_message_and_exit_2(workdir):
    # differs from 0.13.4: 0.13.4 dies with a traceback and exit code 1.
    (workdir / 'syntaxapp.py').write_text('def broken(:\n')
    done = run_cli(workdir, 'syntaxapp:app')
    assert done.returncode == 2
    assert 'SyntaxError' in done.stderr


def test_invalid_port_in_bind_address_exits_2(workdir):
    # differs from 0.13.4: 0.13.4 dies with a ValueError traceback.
    done = run_cli(workdir, '-b', '127.0.0.1:notaport', 'cliapp:app')
    assert done.returncode == 2
    assert "Invalid port in address '127.0.0.1:notaport'" in done.stderr


def test_unclosed_ipv6_bracket_in_bind_address_exits_2(workdir):
    # differs from 0.13.4: 0.13.4 dies with a traceback.
    done = run_cli(workdir, '-b', '[::1:8080', 'cliapp:app')
    assert done.returncode == 2
    assert 'Unclosed bracket' in done.stderr


def test_missing_config_file_exits_2_naming_it(workdir):
    # differs from 0.13.4: 0.13.4 ignores a missing ini file and crashes on a missing JSON one.
    done = run_cli(workdir, '-c', 'missing.json', 'cliapp:app')
    assert done.returncode == 2
    assert 'missing.json' in done.stderr


def test_malformed_ini_config_exits_2_naming_the_file(workdir):
    # differs from 0.13.4: 0.13.4 dies with a configparser traceback.
    (workdir / 'bad.ini').write_text('no section header here\n')
    done = run_cli(workdir, '-c', 'bad.ini', 'cliapp:app')
    assert done.returncode == 2
    assert "Unable to parse config file 'bad.ini'" in done.stderr


def test_malformed_json_config_exits_2_naming_the_file(workdir):
    # differs from 0.13.4: 0.13.4 dies with a JSONDecodeError traceback.
    (workdir / 'bad.json').write_text('{"unterminated": ')
    done = run_cli(workdir, '-c', 'bad.json', 'cliapp:app')
    assert done.returncode == 2
    assert "Unable to parse config file 'bad.json'" in done.stderr


def test_unknown_option_exits_2_with_usage(workdir):
    done = run_cli(workdir, '--no-such-option', 'cliapp:app')
    assert done.returncode == 2
    assert 'usage:' in done.stderr


# --------------------------------------------------------------------------- APP, -b, -s

@pytest.mark.parametrize('command', [module_command, script_command], ids=['-m', 'script'])
def test_app_as_module_colon_name(workdir, command):
    data = report(workdir, 'cliapp:app', command=command, fetch=['/'])
    assert page(data, '/') == 'hello from cliapp'


def test_app_as_call_expression(workdir):
    data = report(workdir, 'cliapp:make_app()', fetch=['/'])
    assert page(data, '/') == 'made by make_app'


def test_app_as_call_expression_with_arguments(workdir):
    data = report(workdir, "cliapp:make_app('argument')", fetch=['/'])
    assert page(data, '/') == 'argument'


def test_app_as_module_uses_the_default_app_it_filled(workdir):
    (workdir / 'implicitapp.py').write_text(textwrap.dedent('''
        import bottle

        @bottle.route('/')
        def index():
            return 'default app of the module'
    '''))
    data = report(workdir, 'implicitapp', fetch=['/'])
    assert page(data, '/') == 'default app of the module'


def test_default_bind_address_is_localhost_8080(workdir):
    data = report(workdir, 'cliapp:app')
    assert (data['host'], data['port']) == ('localhost', 8080)


def test_bind_host_and_port(workdir):
    data = report(workdir, '-b', '0.0.0.0:9000', 'cliapp:app')
    assert (data['host'], data['port']) == ('0.0.0.0', 9000)


def test_bind_host_without_port_uses_8080(workdir):
    data = report(workdir, '--bind', 'example.internal', 'cliapp:app')
    assert (data['host'], data['port']) == ('example.internal', 8080)


def test_bind_ipv6_address_in_brackets_with_port(workdir):
    data = report(workdir, '-b', '[::1]:9001', 'cliapp:app')
    assert (data['host'], data['port']) == ('::1', 9001)


def test_bind_ipv6_address_in_brackets_without_port(workdir):
    data = report(workdir, '-b', '[fe80::1]', 'cliapp:app')
    assert (data['host'], data['port']) == ('fe80::1', 8080)


def test_server_option_takes_an_import_string(workdir):
    done = run_cli(workdir, '--server', 'cliserver:Report', 'cliapp:app')
    assert done.returncode == 0, done.stderr
    assert 'using Report()' in done.stderr


def test_unknown_server_name_fails_naming_it(workdir):
    done = run_cli(workdir, '-s', 'no_such_server', 'cliapp:app')
    assert done.returncode != 0
    assert 'no_such_server' in done.stderr


def test_banner_goes_to_stderr(workdir):
    done = run_cli(workdir, '-s', 'cliserver:Report', '-b', '127.0.0.1:9002', 'cliapp:app')
    assert 'Bottle v%s server starting up' % bottle.__version__ in done.stderr
    assert 'Listening on http://127.0.0.1:9002/' in done.stderr
    assert 'Hit Ctrl-C to quit.' in done.stderr


# --------------------------------------------------------------------------- -p, -c, -C, --debug

def test_plugin_option_is_repeatable(workdir):
    data = report(workdir, '-p', 'cliplugins:first', '--plugin', 'cliplugins:second',
                  'cliapp:app', fetch=['/'])
    headers = [value for name, value in data['pages']['/']['headers'] if name == 'X-Plugin']
    assert sorted(headers) == ['first', 'second']
    assert page(data, '/') == 'hello from cliapp'


def test_unimportable_plugin_fails_naming_it(workdir):
    done = run_cli(workdir, '-s', 'cliserver:Report', '-p', 'no_such_plugin_mod:x',
                   'cliapp:app')
    assert done.returncode != 0
    assert 'no_such_plugin_mod' in done.stderr


def test_conf_option_loads_an_ini_file(workdir):
    (workdir / 'app.ini').write_text(textwrap.dedent('''
        [bottle]
        top = from bottle section
        [db]
        name = main
    '''))
    data = report(workdir, '-c', 'app.ini', 'cliapp:app', fetch=['/config/db.name', '/config/top'])
    assert json.loads(page(data, '/config/db.name')) == 'main'
    assert json.loads(page(data, '/config/top')) == 'from bottle section'


def test_conf_option_loads_a_json_file_with_nested_keys(workdir):
    (workdir / 'app.json').write_text(json.dumps({'db': {'name': 'jsondb', 'port': 5432},
                                                  'flag': True}))
    data = report(workdir, '--conf', 'app.json', 'cliapp:app',
                  fetch=['/config/db.name', '/config/db.port', '/config/flag'])
    assert json.loads(page(data, '/config/db.name')) == 'jsondb'
    assert json.loads(page(data, '/config/db.port')) == 5432
    assert json.loads(page(data, '/config/flag')) is True


def test_conf_option_is_repeatable_later_files_winning(workdir):
    (workdir / 'first.ini').write_text('[db]\nname = first\nuser = admin\n')
    (workdir / 'second.json').write_text(json.dumps({'db': {'name': 'second'}}))
    data = report(workdir, '-c', 'first.ini', '-c', 'second.json', 'cliapp:app',
                  fetch=['/config/db.name', '/config/db.user'])
    assert json.loads(page(data, '/config/db.name')) == 'second'
    assert json.loads(page(data, '/config/db.user')) == 'admin'


def test_param_option_sets_config_values_and_is_repeatable(workdir):
    data = report(workdir, '-C', 'db.name=cli', '--param', 'greeting=a=b', 'cliapp:app',
                  fetch=['/config/db.name', '/config/greeting'])
    assert json.loads(page(data, '/config/db.name')) == 'cli'
    assert json.loads(page(data, '/config/greeting')) == 'a=b'


def test_param_without_value_sets_true(workdir):
    data = report(workdir, '-C', 'feature', 'cliapp:app', fetch=['/config/feature'])
    assert json.loads(page(data, '/config/feature')) is True


def test_param_overrides_conf_files(workdir):
    (workdir / 'app.ini').write_text('[db]\nname = from file\n')
    data = report(workdir, '-C', 'db.name=from param', '-c', 'app.ini', 'cliapp:app',
                  fetch=['/config/db.name'])
    assert json.loads(page(data, '/config/db.name')) == 'from param'


def test_config_reaches_an_app_made_by_a_call_expression(workdir):
    data = report(workdir, '-C', 'db.name=x', 'cliapp:make_app()', fetch=['/config/db.name'])
    assert json.loads(page(data, '/config/db.name')) == 'x'


def test_debug_option_switches_debug_mode_on(workdir):
    assert json.loads(page(report(workdir, 'cliapp:app', fetch=['/debug']), '/debug')) is False
    data = report(workdir, '--debug', 'cliapp:app', fetch=['/debug'])
    assert json.loads(page(data, '/debug')) is True


# ------------------------------------------------------------------- real servers from the CLI

@pytest.mark.parametrize('command', [module_command, script_command], ids=['-m', 'script'])
def test_cli_serves_the_app_over_http(workdir, serve, command):
    served = serve(lambda port: command('-b', '127.0.0.1:%d' % port, 'cliapp:app'),
                   'hello from cliapp')
    status, headers, body = served.get('/')
    assert (status, body) == (200, 'hello from cliapp')
    assert headers['Content-Type'] == 'text/html; charset=UTF-8'


def test_cli_serves_a_call_expression_app_over_http(workdir, serve):
    served = serve(lambda port: module_command('-b', '127.0.0.1:%d' % port, 'cliapp:make_app()'),
                   'made by make_app')
    assert served.get('/')[:3:2] == (200, 'made by make_app')


def test_cli_serves_with_options_applied(workdir, serve):
    served = serve(lambda port: module_command('-b', '127.0.0.1:%d' % port, '-C', 'db.name=served',
                                               '--debug', 'cliapp:app'), 'hello from cliapp')
    assert json.loads(served.get('/config/db.name')[2]) == 'served'
    assert json.loads(served.get('/debug')[2]) is True


@pytest.mark.skipif(not ipv6_available(), reason='IPv6 loopback (::1) is not available here')
def test_cli_serves_on_an_ipv6_address(workdir, serve):
    served = serve(lambda port: module_command('-b', '[::1]:%d' % port, 'cliapp:app'),
                   'hello from cliapp', host='::1')
    assert served.get('/')[:3:2] == (200, 'hello from cliapp')


def test_cli_serves_with_another_server(workdir, serve):
    for name, module, server_header in (('waitress', 'waitress', 'waitress'),
                                        ('cheroot', 'cheroot', 'Cheroot')):
        try:
            __import__(module)
        except ImportError:
            continue
        served = serve(lambda port, name=name: module_command(
            '-s', name, '-b', '127.0.0.1:%d' % port, 'cliapp:app'), 'hello from cliapp')
        status, headers, body = served.get('/')
        assert server_header.lower() in headers.get('Server', '').lower()
        return
    pytest.skip('neither waitress nor cheroot is installed on this Python')


def test_ctrl_c_stops_the_idle_cli_server_with_exit_code_0(workdir, serve):
    served = serve(lambda port: module_command('-b', '127.0.0.1:%d' % port, 'cliapp:app'),
                   'hello from cliapp')
    # wsgiref logs a request once it has answered it: after the line of the last
    # request (serve() checked the token last) the server is idle.
    served.wait_for_output('"GET %s HTTP/1.1" 200' % TOKEN_PATH)
    served.process.send_signal(signal.SIGINT)
    assert served.process.wait(STOP_TIMEOUT) == 0, served.output()
    assert 'Traceback' not in served.output()


def test_ctrl_c_during_a_request_answers_it_then_stops_the_cli_server(workdir, serve):
    # differs from 0.13.4: there wsgiref's handler catches the KeyboardInterrupt raised
    # inside a request, logs it as a 500 and the server keeps running. Here the
    # request in flight is answered, then the server stops.
    served = serve(lambda port: module_command('-b', '127.0.0.1:%d' % port, 'cliapp:app'),
                   'hello from cliapp')
    answers = []

    def slow_request():
        try:
            answers.append(served.get('/slow', timeout=STOP_TIMEOUT + 30))
        except (OSError, http.client.HTTPException) as error:
            answers.append(error)
    client = threading.Thread(target=slow_request, daemon=True)
    client.start()
    served.wait_for_output('slow request: answering')  # the request is in flight now
    served.process.send_signal(signal.SIGINT)
    (workdir / 'release').write_text('')  # only now may the request be answered
    try:
        code = served.process.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail('Ctrl-C during a request was swallowed; the server still runs. Output:\n'
                    + served.output())
    assert code == 0, served.output()
    client.join(STOP_TIMEOUT)
    assert len(answers) == 1, 'the client of the interrupted request is still waiting'
    assert isinstance(answers[0], tuple) and answers[0][::2] == (200, 'slow answer'), answers


# --------------------------------------------------------------------------- the reloader

RELOAD_APP = '''
import json
import os
import bottle

app = bottle.Bottle()


@app.route('/')
def index():
    return %r


@app.route('/child')
def child():
    lockfile = os.environ.get('BOTTLE_LOCKFILE') or ''
    return '%%s %%s' %% (os.environ.get('BOTTLE_CHILD'), os.path.exists(lockfile))


@app.route('/environ/<name>')
def environ_value(name):
    return json.dumps(os.environ.get(name))
'''

RELOAD_SCRIPT = '''
import sys
import bottle
import reloadapp

bottle.run(reloadapp.app, host='127.0.0.1', port=int(sys.argv[1]), reloader=True,
           interval=0.2, quiet=True)
'''


def write_reload_app(workdir, body, bump):
    write_module(workdir / 'reloadapp.py', RELOAD_APP % body, bump)


def reload_script(port):
    return [sys.executable, 'reloadscript.py', str(port)]


@pytest.mark.parametrize('command', [module_command, script_command], ids=['-m', 'script'])
def test_cli_reload_restarts_the_server_when_the_app_module_changes(workdir, serve, command):
    write_reload_app(workdir, 'first version', bump=0)
    served = serve(lambda port: command('--reload', '-b', '127.0.0.1:%d' % port, 'reloadapp:app'),
                   'first version')
    write_reload_app(workdir, 'second version', bump=2)
    served.wait_for('second version')
    assert served.process.poll() is None


def test_reloaded_server_runs_in_a_child_process_with_bottle_child_and_lockfile(workdir, serve):
    (workdir / 'reloadscript.py').write_text(RELOAD_SCRIPT)
    write_reload_app(workdir, 'v1', bump=0)
    served = serve(reload_script, 'v1')
    assert served.get('/child')[2] == 'true True'


def test_reloader_survives_a_syntax_error_and_recovers_when_it_is_fixed(workdir, serve):
    # differs from 0.13.4: 0.13.4's reloader parent exits when the child dies of the error.
    (workdir / 'reloadscript.py').write_text(RELOAD_SCRIPT)
    write_reload_app(workdir, 'before the error', bump=0)
    served = serve(reload_script, 'before the error')

    write_module(workdir / 'reloadapp.py', 'def broken(:\n', bump=2)
    served.wait_until_unreachable()
    served.wait_for_output('SyntaxError')  # the restarted child died of the error
    assert served.process.poll() is None, served.output()

    write_reload_app(workdir, 'after the fix', bump=4)
    served.wait_for('after the fix')  # the parent lived on and started a new child
    assert served.process.poll() is None


def test_ctrl_c_stops_the_reloader_parent_and_its_child(workdir, serve):
    (workdir / 'reloadscript.py').write_text(RELOAD_SCRIPT)
    write_reload_app(workdir, 'running', bump=0)
    served = serve(reload_script, 'running')
    os.killpg(served.process.pid, signal.SIGINT)  # what a terminal does on Ctrl-C
    assert served.process.wait(STOP_TIMEOUT) == 0, served.output()
    served.wait_until_unreachable(timeout=STOP_TIMEOUT)


def test_missing_ini_config_file_exits_2_naming_it(workdir):
    # differs from 0.13.4: 0.13.4 ignores a missing ini file and starts serving.
    done = run_cli(workdir, '-c', 'missing.ini', 'cliapp:app')
    assert done.returncode == 2
    assert 'missing.ini' in done.stderr


# --------------------------------------------------------------------------- --routes (issue 12)

ROUTES_MODULE = '''
import functools

import bottle


def logged(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return func(*args, **kwargs)
    return wrapper


def plain_wsgi(environ, start_response):
    start_response('200 OK', [('Content-Type', 'text/plain')])
    return [b'wsgi']


class Handlers:
    def show(self, item):
        return item


blog = bottle.Bottle()
blog.route('/', name='blog_index', callback=lambda: 'blog')


@blog.route('/post/<slug>', method=['GET', 'PUT'], name='post')
@logged
def post(slug):
    return slug


app = bottle.Bottle()


@app.route('/', name='home')
def home():
    return 'home'


app.route('/item/<item:int>', callback=Handlers().show, skip=['template'])
app.mount('/blog/', blog)
app.mount('/legacy/', plain_wsgi)
'''


def routes_workdir(workdir):
    (workdir / 'routesapp.py').write_text(ROUTES_MODULE)
    return workdir


def test_routes_lists_every_route_with_mounted_apps_under_their_prefix(workdir):
    done = run_cli(routes_workdir(workdir), '--routes', 'routesapp:app')
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == ['METHOD', 'RULE', 'NAME', 'CALLBACK', 'PLUGINS']
    rows = [line.split(None, 4) for line in lines[1:]]
    assert [row[:3] for row in rows] == [
        ['GET', '/', 'home'],
        ['GET', '/item/<item:int>', '-'],
        ['GET', '/blog/', 'blog_index'],
        ['GET', '/blog/post/<slug>', 'post'],
        ['PUT', '/blog/post/<slug>', 'post'],
        ['ANY', '/legacy/...', '-'],
    ]
    assert rows[0][3] == 'routesapp:home'
    assert rows[1][3] == 'routesapp:Handlers.show'
    assert rows[3][3] == 'routesapp:post'  # the function behind the decorator
    assert rows[5][3] == 'routesapp:plain_wsgi'
    assert rows[0][4] == 'template, json' and rows[1][4] == 'json'


def test_routes_as_json(workdir):
    done = run_cli(routes_workdir(workdir), '--routes', '--json', 'routesapp:app')
    assert done.returncode == 0, done.stderr
    listing = json.loads(done.stdout)
    assert listing[0] == {'method': 'GET', 'rule': '/', 'name': 'home',
                          'callback': 'routesapp:home', 'plugins': ['template', 'json']}
    assert listing[-1]['mount'] == 'WSGI application'
    assert [entry['rule'] for entry in listing].count('/blog/post/<slug>') == 2


def test_routes_works_with_a_call_expression_target(workdir):
    done = run_cli(workdir, '--routes', 'cliapp:make_app("x")')
    assert done.returncode == 0, done.stderr
    assert '/config/<key>' in done.stdout


def test_routes_of_something_that_is_not_a_bottle_app_exits_2(workdir):
    done = run_cli(routes_workdir(workdir), '--routes', 'routesapp:plain_wsgi')
    assert done.returncode == 2
    assert 'is not a Bottle application' in done.stderr


# -------------------------------------------------------------------- mistakes explained (issue 12)

def test_help_shows_examples(workdir):
    done = run_cli(workdir, '--help')
    assert 'examples:' in done.stdout
    assert '-o workers=4' in done.stdout and '--routes' in done.stdout


def test_a_port_in_use_is_one_line_naming_it_and_a_free_one(workdir):
    with socket.socket() as taken:
        taken.bind(('127.0.0.1', 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = run_cli(workdir, '-b', '127.0.0.1:%d' % port, 'cliapp:app')
    assert done.returncode == 2
    assert 'Traceback' not in done.stderr
    message = done.stderr.strip().splitlines()[-1]
    assert 'Port %d on 127.0.0.1 is already in use' % port in message
    assert '--bind 127.0.0.1:' in message


def test_a_server_whose_package_is_missing_names_the_pip_package(workdir):
    done = run_cli(workdir, '-s', 'meinheld', 'cliapp:app')  # never installed in the suite
    assert done.returncode == 2
    assert 'Traceback' not in done.stderr
    assert 'pip install meinheld' in done.stderr


def test_an_app_module_that_fails_shows_the_users_own_file_and_line(workdir):
    (workdir / 'failingapp.py').write_text('import bottle\n\napp = bottle.Bottle()\n'
                                          'settings = {}\nport = settings["port"]\n')
    done = run_cli(workdir, 'failingapp:app')
    assert done.returncode == 2
    assert "KeyError: 'port'" in done.stderr
    assert 'failingapp.py", line 5' in done.stderr
    assert 'port = settings["port"]' in done.stderr
    assert 'File "%s"' % BOTTLE_FILE not in done.stderr and 'importlib' not in done.stderr


def test_an_import_error_inside_the_app_module_shows_where(workdir):
    (workdir / 'importingapp.py').write_text('import bottle\nimport no_such_dependency\n')
    done = run_cli(workdir, 'importingapp:app')
    assert done.returncode == 2
    assert 'importingapp.py", line 2' in done.stderr
    assert "No module named 'no_such_dependency'" in done.stderr


def test_a_missing_app_module_is_one_clear_line(workdir):
    done = run_cli(workdir, 'nowhere:app')
    assert done.returncode == 2
    assert "no module named 'nowhere'" in done.stderr
    assert 'Traceback' not in done.stderr


def test_server_options_reach_the_adapter_with_types(workdir):
    seen = report(workdir, '-o', 'workers=4', '-o', 'preload=true', '-o', 'name=web',
                  'cliapp:app')
    assert seen['options'] == {'workers': 4, 'preload': True, 'name': 'web'}


def test_a_server_option_that_is_a_run_argument_is_refused(workdir):
    done = run_cli(workdir, '-o', 'debug=true', 'cliapp:app')
    assert done.returncode == 2
    assert '-o debug is not a server option' in done.stderr


def test_a_malformed_server_option_exits_2(workdir):
    done = run_cli(workdir, '-o', 'workers', 'cliapp:app')
    assert done.returncode == 2
    assert "Server options look like NAME=VALUE, not 'workers'" in done.stderr
