"""Type hints (issue 12): bottle.py checks clean with mypy, an application written against it
type-checks, mistakes in one are reported where they are, and the hints cost nothing at run
time (no typing import, annotations never evaluated).

mypy is a test-only package (test/requirements-optional.txt); it runs on Python 3.10 and
later, so on 3.9 the mypy tests skip and the run-time tests still run.
"""
import os
import re
import subprocess
import sys
import textwrap

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONFIG = os.path.join(ROOT, 'pyproject.toml')

try:
    import mypy  # noqa: F401
    MYPY_MISSING = None
except ImportError:
    MYPY_MISSING = ('mypy is not installed for Python %d.%d: make test installs it from '
                    'test/requirements-optional.txt on Python 3.10 and later'
                    % sys.version_info[:2])

needs_mypy = pytest.mark.skipif(MYPY_MISSING is not None, reason=MYPY_MISSING or '')

# An application as the tutorial writes one, with the names most code uses.
TYPICAL_APP = '''
import json
from typing import Any

import bottle
from bottle import (Bottle, HTTPError, HTTPResponse, abort, get, post, redirect, request,
                    response, route, static_file, template)

app = Bottle()


@app.route('/hello/<name>')
def hello(name: str) -> str:
    return template('Hello {{name}}!', name=name)


@app.get('/items/<item:int>')
def item(item: int) -> dict[str, Any]:
    if item < 0:
        abort(404, 'No such item.')
    return {'item': item, 'q': request.query.get('q', ''), 'tags': request.query.getall('t')}


@app.post('/login')
def login() -> str:
    user = request.forms.getunicode('user') or 'anonymous'
    response.set_cookie('account', user, secret='a secret key', httponly=True)
    response.status = 303
    response.set_header('Location', '/')
    return ''


@app.route('/static/<path:path>')
def static(path: str) -> HTTPResponse:
    return static_file(path, root='./static', download=False)


@app.error(404)
def not_found(error: HTTPError) -> str:
    return 'Nothing here: %s' % error.body


@route('/default')
def on_the_default_app() -> str:
    account = request.get_cookie('account', secret='a secret key')
    return json.dumps(account)


@get('/go')
def go() -> None:
    redirect('/hello/world')


@post('/echo')
def echo() -> bytes:
    return request.body.read()


def timing_plugin(callback: Any) -> Any:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        body = callback(*args, **kwargs)
        response.headers['X-Plugin'] = 'yes'
        return body
    return wrapper


app.install(timing_plugin)
app.config.load_dict({'app': {'name': 'typed'}})
name: str = app.config.get('app.name', 'none')
url: str = app.get_url('/hello/<name>', name='x') if False else ''
greeting: str = hello('world')  # decorated callbacks keep their signature
number: int = item(3)['item']
bottle.debug(True)
if __name__ == '__main__':
    bottle.run(app, host='127.0.0.1', port=8080, reloader=False, quiet=True)
'''

# Each line marked "# error: CODE" must be reported with that mypy error code, and only those
# (abort() last: it never returns, and mypy does not check what follows it).
APP_WITH_MISTAKES = '''
import bottle
from bottle import request, response, static_file, template

app = bottle.Bottle()


@app.get('/hello/<name>')
def hello(name: str) -> str:
    return template('Hello {{name}}', name=name)


count: int = hello('x')  # error: assignment
hello(42)  # error: arg-type
static_file(7, root='.')  # error: arg-type
response.set_cookie('a')  # error: call-arg
text: bytes = request.query.decode()  # error: assignment
app.mount(5, app)  # error: arg-type
bottle.no_such_name  # error: attr-defined
bottle.abort('404')  # error: arg-type
'''


def run_mypy(tmp_path, name, source):
    """mypy's (exit code, output) for ``source`` saved as ``name`` next to bottle.py's path."""
    module = tmp_path / name
    module.write_text(textwrap.dedent(source), encoding='utf8')
    cache = os.path.join(sys.prefix, 'mypy-cache')  # one per test venv: later runs are fast
    env = dict(os.environ, MYPYPATH=ROOT)
    done = subprocess.run(
        [sys.executable, '-m', 'mypy', '--config-file', CONFIG, '--cache-dir', cache,
         '--no-color-output', '--no-error-summary', '--show-error-codes', str(module)],
        cwd=str(tmp_path), env=env, capture_output=True, text=True, timeout=600)
    return done.returncode, done.stdout + done.stderr


@needs_mypy
def test_bottle_py_type_checks_clean_with_check_untyped_defs():
    cache = os.path.join(sys.prefix, 'mypy-cache')
    done = subprocess.run(
        [sys.executable, '-m', 'mypy', '--config-file', CONFIG, '--cache-dir', cache,
         '--no-color-output', os.path.join(ROOT, 'bottle.py')],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith('Success: no issues found'), done.stdout


@needs_mypy
def test_a_typical_application_type_checks(tmp_path):
    code, output = run_mypy(tmp_path, 'typical_app.py', TYPICAL_APP)
    assert code == 0, output


@needs_mypy
def test_mistakes_in_an_application_are_reported_on_their_lines(tmp_path):
    code, output = run_mypy(tmp_path, 'app_with_mistakes.py', APP_WITH_MISTAKES)
    assert code == 1, output
    source = textwrap.dedent(APP_WITH_MISTAKES).splitlines()
    expected = {number: re.search(r'# error: ([\w-]+)', line).group(1)
                for number, line in enumerate(source, 1) if '# error:' in line}
    reported = {}
    for line in output.splitlines():
        found = re.match(r'app_with_mistakes\.py:(\d+): error: .*\[([\w-]+)\]$', line)
        if found:
            reported.setdefault(int(found.group(1)), found.group(2))
    assert reported == expected, output


def test_import_loads_no_typing_module_and_evaluates_no_annotation():
    probe = ('import sys, bottle\n'
             'print(sorted(m for m in ("typing", "typing_extensions", "_typeshed")'
             ' if m in sys.modules))\n'
             'print(bottle.TYPE_CHECKING)\n'
             'print(type(bottle.static_file.__annotations__["filename"]).__name__)\n'
             'print(type(bottle.Bottle.route.__annotations__["path"]).__name__)\n')
    done = subprocess.run([sys.executable, '-S', '-c', probe], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ['[]', 'False', 'str', 'str'], done.stdout


def test_generic_classes_subscript_at_run_time_and_keep_their_0_13_bases():
    import bottle
    # annotations evaluated at run time by an application (3.9, no PEP 563) still work
    assert str(bottle.MultiDict[str, int]) == 'bottle.MultiDict[str, int]'
    assert str(bottle.FormsDict[str]) == 'bottle.FormsDict[str]'
    # the classes that name type variables in their bases have no typing.Generic in them
    for cls in (bottle.MultiDict, bottle.FormsDict, bottle.HeaderDict, bottle.cached_property,
                bottle.DictProperty):
        assert not any(base.__module__ == 'typing' for base in cls.__mro__), cls.__mro__
    headers = bottle.HeaderDict(a='1')
    forms = bottle.FormsDict(b='2')

    class MyDict(bottle.MultiDict):
        pass
    assert (headers['A'], forms.b, MyDict(c=3)['c']) == ('1', '2', 3)
