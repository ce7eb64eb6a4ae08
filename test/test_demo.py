"""The demo app of README.rst: the documented command serves it, and each example works.

The first tests run README's command exactly as a new user would (only the
port differs) in a subprocess and talk to it over HTTP. The others call the
demo app in-process through WSGI.
"""
import importlib.util
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import pytest

from helpers import call

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STARTUP_TIMEOUT = 20.0


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


def fetch(url, timeout=5.0):
    """GET ``url``; return (status, headers, body bytes), also for HTTP error statuses."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as reply:
            return reply.status, reply.headers, reply.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.fixture(scope='module')
def demo_server():
    """Start ``python -m bottle --bind 127.0.0.1:PORT examples.demo:app`` from the repo root.

    Yields the base URL once the server answers; always stops the process.
    """
    if os.environ.get('BOTTLE_TEST_MODULE_DIR'):
        pytest.skip('the README command runs the bottle.py of the repository root only')
    port = free_port()
    base_url = 'http://127.0.0.1:%d' % port
    command = [sys.executable, '-m', 'bottle', '--bind', '127.0.0.1:%d' % port, 'examples.demo:app']
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen(command, cwd=ROOT, stdin=subprocess.DEVNULL,
                                   stdout=output, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + STARTUP_TIMEOUT
            while True:
                if process.poll() is not None:
                    output.seek(0)
                    pytest.fail('%s exited with status %s before answering:\n%s' % (
                        ' '.join(command), process.returncode, output.read().decode('utf8', 'replace')))
                try:
                    fetch(base_url + '/', timeout=1.0)
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        output.seek(0)
                        pytest.fail('%s did not answer within %.0fs:\n%s' % (
                            ' '.join(command), STARTUP_TIMEOUT,
                            output.read().decode('utf8', 'replace')))
                    time.sleep(0.1)
            yield base_url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope='module')
def demo_app():
    """The ``app`` object of examples/demo.py, loaded from its file."""
    path = os.path.join(ROOT, 'examples', 'demo.py')
    spec = importlib.util.spec_from_file_location('demo_under_test', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.app


def test_readme_demo_command_serves_the_home_page(demo_server):
    status, headers, body = fetch(demo_server + '/')
    assert status == 200
    assert headers['Content-Type'].startswith('text/html')
    assert b'<h1>bottle.py demo</h1>' in body
    assert b'<a href="/hello/World">' in body


def test_readme_demo_command_serves_the_greeting(demo_server):
    status, headers, body = fetch(demo_server + '/hello/World')
    assert status == 200
    assert headers['Content-Type'].startswith('text/html')
    assert b'<h1>Hello, World!</h1>' in body


def test_readme_demo_command_answers_404_for_unknown_paths(demo_server):
    status, _, _ = fetch(demo_server + '/no/such/page')
    assert status == 404


def test_demo_home_page_links_every_example(demo_app):
    result = call(demo_app, '/')
    assert result.code == 200
    for url in ('/hello/World', '/api/info', '/form', '/counter', '/template'):
        assert '<a href="%s">' % url in result.text


def test_demo_greeting_escapes_the_name(demo_app):
    result = call(demo_app, '/hello/<script>')
    assert result.code == 200
    assert '<h1>Hello, &lt;script&gt;!</h1>' in result.text
    assert '<script>' not in result.text


def test_demo_greeting_decodes_non_ascii_names(demo_app):
    result = call(demo_app, '/hello/Jürgen')
    assert result.code == 200
    assert '<h1>Hello, Jürgen!</h1>' in result.text


def test_demo_api_info_returns_a_json_object(demo_app):
    result = call(demo_app, '/api/info')
    assert result.code == 200
    assert result.header('Content-Type') == 'application/json'
    data = json.loads(result.text)
    assert data['framework'] == 'bottle.py'
    assert data['method'] == 'GET'
    assert data['path'] == '/api/info'
    assert isinstance(data['version'], str) and data['version']


def test_demo_api_info_refuses_post_with_405(demo_app):
    result = call(demo_app, '/api/info', method='POST')
    assert result.code == 405
    assert 'GET' in result.header('Allow')


def test_demo_form_page_shows_a_form_posting_to_itself(demo_app):
    result = call(demo_app, '/form')
    assert result.code == 200
    assert '<form method="post" action="/form">' in result.text
    assert '<input name="name">' in result.text


def test_demo_form_post_thanks_the_sender_by_name(demo_app):
    result = call(demo_app, '/form', method='POST', body='name=Ada',
                  headers={'Content-Type': 'application/x-www-form-urlencoded'})
    assert result.code == 200
    assert '<h1>Thanks, Ada!</h1>' in result.text


def test_demo_form_post_decodes_and_escapes_the_name(demo_app):
    result = call(demo_app, '/form', method='POST', body='name=J%C3%BCrgen+%3Cb%3E',
                  headers={'Content-Type': 'application/x-www-form-urlencoded'})
    assert result.code == 200
    assert '<h1>Thanks, Jürgen &lt;b&gt;!</h1>' in result.text


def test_demo_form_post_without_a_name_is_400_with_the_form_again(demo_app):
    result = call(demo_app, '/form', method='POST', body='name=++',
                  headers={'Content-Type': 'application/x-www-form-urlencoded'})
    assert result.code == 400
    assert 'Please enter a name.' in result.text
    assert '<form method="post" action="/form">' in result.text


def test_demo_counter_starts_at_one_and_sets_the_cookie(demo_app):
    result = call(demo_app, '/counter')
    assert result.code == 200
    assert 'Visit number 1<' in result.text
    cookie = result.header('Set-Cookie')
    assert cookie.startswith('visits=1;')
    assert 'Path=/counter' in cookie
    assert 'HttpOnly' in cookie


def test_demo_counter_counts_up_from_the_cookie(demo_app):
    result = call(demo_app, '/counter', headers={'Cookie': 'visits=41'})
    assert result.code == 200
    assert 'Visit number 42<' in result.text
    assert result.header('Set-Cookie').startswith('visits=42;')


def test_demo_counter_restarts_on_a_malformed_cookie(demo_app):
    result = call(demo_app, '/counter', headers={'Cookie': 'visits=lots'})
    assert result.code == 200
    assert 'Visit number 1<' in result.text
    assert result.header('Set-Cookie').startswith('visits=1;')


def test_demo_template_page_renders_the_list_with_a_loop(demo_app):
    result = call(demo_app, '/template')
    assert result.code == 200
    assert result.header('Content-Type') == 'text/html; charset=UTF-8'
    assert '<h1>Shopping list</h1>' in result.text
    assert '<p>3 items, rendered from a template string:</p>' in result.text
    assert ('<ul>\n  <li>1. Bread</li>\n  <li>2. Fish &amp; chips</li>\n  <li>3. Tea</li>\n</ul>'
            in result.text)


def test_demo_template_page_escapes_items_from_the_query(demo_app):
    result = call(demo_app, '/template', query='item=<script>alert("x")</script>&item=Ada\'s')
    assert result.code == 200
    assert '<p>5 items, rendered from a template string:</p>' in result.text
    assert '<li>4. &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</li>' in result.text
    assert '<li>5. Ada&#039;s</li>' in result.text
    assert '<script>' not in result.text


def test_demo_template_page_decodes_non_ascii_items(demo_app):
    # differs from 0.13.4: getall() gives the latin-1 mojibake of UTF-8 values there.
    result = call(demo_app, '/template', query='item=J%C3%BCrgen%E2%80%99s+Kaffee')
    assert result.code == 200
    assert '<li>4. J\u00fcrgen\u2019s Kaffee</li>' in result.text


def test_demo_template_page_example_link_is_shown_escaped(demo_app):
    result = call(demo_app, '/template', query='item=%3Cb%3EBananas%3C%2Fb%3E')
    assert '<li>4. &lt;b&gt;Bananas&lt;/b&gt;</li>' in result.text
    assert '<b>Bananas</b>' not in result.text
