"""The built-in test client: TestClient, TestResponse and the cookie jar.

Requests go through real Bottle applications and plain WSGI functions, in
process. Environs and answers are checked with wsgiref.validate where the
test is about the WSGI protocol.
"""
import io
import os
import subprocess
import sys
import textwrap

import pytest

import bottle
from bottle import request, response

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def echo_environ_app(environ, start_response):
    """A plain WSGI application that answers with the environ keys a test asks about."""
    start_response('200 OK', [('Content-Type', 'text/plain; charset=utf-8')])
    return [repr(environ).encode('utf8')]


def captured_environ(client, method='GET', path='/', **options):
    """Send a request to a plain WSGI app through ``client`` settings; return the environ."""
    seen = {}

    def app(environ, start_response):
        seen.update(environ)
        start_response('204 No Content', [])
        return []

    bottle.TestClient(app, base_url=client.base_url).request(method, path, **options)
    return seen


def body_of(environ):
    """Read what the application would read from wsgi.input."""
    environ['wsgi.input'].seek(0)
    return environ['wsgi.input'].read()


# Sending requests ----------------------------------------------------------------

def test_get_returns_status_headers_and_body():
    app = bottle.Bottle()

    @app.get('/hello/<name>')
    def hello(name):
        response.set_header('X-Greeting', 'yes')
        return 'Hello %s!' % name

    answer = bottle.TestClient(app).get('/hello/World')
    assert answer.status == 200
    assert answer.status_line == '200 OK'
    assert answer.headers['X-Greeting'] == 'yes'
    assert answer.headers['Content-Type'] == 'text/html; charset=UTF-8'
    assert answer.body == b'Hello World!'
    assert answer.text == 'Hello World!'


def test_bottle_test_client_shortcut_returns_client_for_the_app():
    app = bottle.Bottle()
    app.get('/')(lambda: 'root')
    client = app.test_client(base_url='https://example.com/')
    assert isinstance(client, bottle.TestClient)
    assert client.app is app
    assert client.base_url == 'https://example.com/'
    assert client.get('/').text == 'root'


def test_plain_wsgi_function_is_called_without_sockets():
    def app(environ, start_response):
        start_response('201 Created', [('Content-Type', 'text/plain'), ('X-A', '1')])
        return [b'made ', b'it']

    answer = bottle.TestClient(app).post('/things')
    assert answer.status == 201
    assert answer.status_line == '201 Created'
    assert answer.headerlist == [('Content-Type', 'text/plain'), ('X-A', '1')]
    assert answer.body == b'made it'


def test_environ_has_the_required_pep3333_keys():
    environ = captured_environ(bottle.TestClient(echo_environ_app), 'GET', '/x?y=1')
    assert environ['REQUEST_METHOD'] == 'GET'
    assert environ['SCRIPT_NAME'] == ''
    assert environ['PATH_INFO'] == '/x'
    assert environ['QUERY_STRING'] == 'y=1'
    assert environ['SERVER_NAME'] == 'localhost'
    assert environ['SERVER_PORT'] == '80'
    assert environ['SERVER_PROTOCOL'] == 'HTTP/1.1'
    assert environ['HTTP_HOST'] == 'localhost'
    assert environ['wsgi.version'] == (1, 0)
    assert environ['wsgi.url_scheme'] == 'http'
    assert environ['wsgi.multithread'] is False
    assert environ['wsgi.multiprocess'] is False
    assert environ['wsgi.run_once'] is False
    assert hasattr(environ['wsgi.errors'], 'write')
    assert 'CONTENT_LENGTH' not in environ


def test_base_url_sets_scheme_host_and_port():
    client = bottle.TestClient(echo_environ_app, base_url='https://example.com:8443/')
    environ = captured_environ(client)
    assert environ['wsgi.url_scheme'] == 'https'
    assert environ['SERVER_NAME'] == 'example.com'
    assert environ['SERVER_PORT'] == '8443'
    assert environ['HTTP_HOST'] == 'example.com:8443'


def test_https_base_url_without_port_uses_443():
    environ = captured_environ(bottle.TestClient(echo_environ_app, base_url='https://example.com'))
    assert environ['SERVER_PORT'] == '443'
    assert environ['HTTP_HOST'] == 'example.com'


def test_base_url_path_becomes_script_name():
    app = bottle.Bottle()

    @app.get('/page')
    def page():
        return '%s|%s|%s' % (request.script_name, request.path, request.url)

    answer = bottle.TestClient(app, base_url='http://localhost/shop/').get('/page')
    assert answer.text == '/shop/|/page|http://localhost/shop/page'
    assert answer.request.environ['SCRIPT_NAME'] == '/shop'
    assert answer.request.environ['PATH_INFO'] == '/page'


def test_absolute_url_below_the_base_url_is_accepted():
    client = bottle.TestClient(echo_environ_app, base_url='http://localhost/shop/')
    environ = captured_environ(client, 'GET', 'http://localhost/shop/cart?id=2')
    assert (environ['SCRIPT_NAME'], environ['PATH_INFO']) == ('/shop', '/cart')
    assert environ['QUERY_STRING'] == 'id=2'


def test_path_outside_the_base_url_raises_value_error():
    client = bottle.TestClient(echo_environ_app, base_url='http://localhost/shop/')
    with pytest.raises(ValueError, match="outside the application mounted at '/shop'"):
        client.get('http://localhost/admin')


def test_path_without_leading_slash_raises_value_error():
    with pytest.raises(ValueError, match="must start with '/'"):
        bottle.TestClient(echo_environ_app).get('hello')


@pytest.mark.parametrize('base_url', ['ftp://localhost/', '/just/a/path', 'http://'])
def test_base_url_that_is_not_http_with_a_host_raises_value_error(base_url):
    with pytest.raises(ValueError, match='base_url must be an http or https URL'):
        bottle.TestClient(echo_environ_app, base_url=base_url)


def test_non_ascii_path_reaches_the_app_as_utf8_bytes_in_latin1():
    environ = captured_environ(bottle.TestClient(echo_environ_app), 'GET', '/wiki/Käse €')
    assert environ['PATH_INFO'] == '/wiki/Käse €'.encode('utf8').decode('latin1')


def test_non_ascii_path_is_decoded_by_bottle_routes():
    app = bottle.Bottle()
    app.get('/wiki/<page>')(lambda page: page)
    answer = bottle.TestClient(app).get('/wiki/Käse')
    assert answer.text == 'Käse'
    assert answer.request.url == 'http://localhost/wiki/K%C3%A4se'


def test_percent_escapes_in_the_path_are_decoded_like_a_server_does():
    environ = captured_environ(bottle.TestClient(echo_environ_app), 'GET', '/a%20b/%C3%A4%2Fc')
    assert environ['PATH_INFO'] == '/a b/ä/c'.encode('utf8').decode('latin1')


def test_params_are_added_to_a_query_in_the_path():
    app = bottle.Bottle()
    app.get('/search')(lambda: repr(sorted(request.query.allitems())))
    answer = bottle.TestClient(app).get('/search?page=2', params={'q': 'tea cups'})
    assert answer.request.environ['QUERY_STRING'] == 'page=2&q=tea+cups'
    assert answer.text == repr([('page', '2'), ('q', 'tea cups')])


@pytest.mark.parametrize('params', [
    {'tag': ['a', 'b'], 'n': 1},
    [('tag', 'a'), ('tag', 'b'), ('n', 1)],
    'tag=a&tag=b&n=1',
])
def test_params_may_be_a_dict_a_list_of_pairs_or_a_string(params):
    environ = captured_environ(bottle.TestClient(echo_environ_app), 'GET', '/', params=params)
    assert environ['QUERY_STRING'] == 'tag=a&tag=b&n=1'


def test_non_ascii_query_values_reach_request_query():
    app = bottle.Bottle()
    app.get('/q')(lambda: request.query.word + '|' + request.query.other)
    answer = bottle.TestClient(app).get('/q?word=Grüße', params={'other': '日本'})
    assert answer.text == 'Grüße|日本'
    assert answer.request.environ['QUERY_STRING'] == (
        'word=Gr%C3%BC%C3%9Fe&other=%E6%97%A5%E6%9C%AC')


def test_fragment_in_the_path_is_not_sent():
    environ = captured_environ(bottle.TestClient(echo_environ_app), 'GET', '/page?a=1#top')
    assert (environ['PATH_INFO'], environ['QUERY_STRING']) == ('/page', 'a=1')


@pytest.mark.parametrize('method', ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])
def test_each_method_shortcut_sends_its_method(method):
    app = bottle.Bottle()
    app.route('/thing', method=method)(lambda: request.method)
    client = bottle.TestClient(app)
    answer = getattr(client, method.lower())('/thing')
    assert answer.status == 200
    assert answer.text == method
    assert answer.request.method == method


def test_request_upper_cases_the_method():
    app = bottle.Bottle()
    app.route('/x', method='PROPFIND')(lambda: 'dav')
    assert bottle.TestClient(app).request('propfind', '/x').text == 'dav'


def test_head_answers_with_headers_and_empty_body_from_a_bottle_get_route():
    app = bottle.Bottle()
    app.get('/page')(lambda: 'a page body')
    answer = bottle.TestClient(app).head('/page')
    assert answer.status == 200
    assert answer.body == b''
    assert answer.headers['Content-Length'] == str(len('a page body'))


def test_head_keeps_a_body_that_the_app_sends_so_tests_can_see_it():
    def app(environ, start_response):
        start_response('200 OK', [('Content-Type', 'text/plain')])
        return [b'should not be here']

    assert bottle.TestClient(app).head('/').body == b'should not be here'


def test_data_dict_is_sent_as_urlencoded_form():
    app = bottle.Bottle()

    @app.post('/login')
    def login():
        return '%s|%s|%s' % (request.content_type, request.forms.user, request.forms.getall('role'))

    answer = bottle.TestClient(app).post('/login', data={'user': 'jörg', 'role': ['a', 'b']})
    assert answer.text == "application/x-www-form-urlencoded|jörg|['a', 'b']"
    environ = answer.request.environ
    assert environ['CONTENT_LENGTH'] == str(len(b'user=j%C3%B6rg&role=a&role=b'))


def test_data_list_of_pairs_keeps_order_and_repeats():
    environ = captured_environ(bottle.TestClient(echo_environ_app), 'POST', '/',
                               data=[('b', '2'), ('a', '1'), ('b', '3')])
    assert body_of(environ) == b'b=2&a=1&b=3'


def test_data_bytes_are_the_raw_body_without_content_type():
    environ = captured_environ(bottle.TestClient(echo_environ_app), 'PUT', '/blob',
                               data=b'\x00\xffraw')
    assert body_of(environ) == b'\x00\xffraw'
    assert environ['CONTENT_LENGTH'] == '5'
    assert 'CONTENT_TYPE' not in environ


def test_data_str_is_sent_as_utf8_with_the_given_content_type():
    app = bottle.Bottle()
    app.post('/note')(lambda: request.content_type + '|' + request.body.read().decode('utf8'))
    answer = bottle.TestClient(app).post('/note', data='Grüße',
                                         headers={'Content-Type': 'text/plain; charset=utf-8'})
    assert answer.text == 'text/plain; charset=utf-8|Grüße'


def test_data_file_object_is_read_as_the_body():
    environ = captured_environ(bottle.TestClient(echo_environ_app), 'POST', '/',
                               data=io.BytesIO(b'from a file'))
    assert body_of(environ) == b'from a file'


def test_post_without_body_sends_content_length_zero():
    environ = captured_environ(bottle.TestClient(echo_environ_app), 'POST', '/')
    assert environ['CONTENT_LENGTH'] == '0'
    assert body_of(environ) == b''


def test_json_is_sent_as_application_json_and_read_by_request_json():
    app = bottle.Bottle()
    app.post('/api')(lambda: {'got': request.json, 'type': request.content_type})
    answer = bottle.TestClient(app).post('/api', json={'name': 'Zoë', 'tags': [1, 2]})
    assert answer.json() == {'got': {'name': 'Zoë', 'tags': [1, 2]}, 'type': 'application/json'}


@pytest.mark.parametrize('other', [{'data': {'a': '1'}}, {'files': {'f': b'x'}}])
def test_json_combined_with_data_or_files_raises_type_error(other):
    with pytest.raises(TypeError, match='json= cannot be combined'):
        bottle.TestClient(echo_environ_app).post('/', json=[1], **other)


def test_data_of_the_wrong_type_raises_type_error():
    with pytest.raises(TypeError, match=r'data= must be a dict or a list of \(name, value\) pairs'):
        bottle.TestClient(echo_environ_app).post('/', data=42)


def test_raw_data_with_files_raises_type_error():
    with pytest.raises(TypeError, match='With files=, data= must be a dict'):
        bottle.TestClient(echo_environ_app).post('/', data=b'raw', files={'f': b'x'})


def every_byte():
    """Content that is hard on multipart encoders: all 256 byte values, CRLFs and dashes."""
    return bytes(range(256)) + b'\r\n--\r\n\r\n--' + bytes(range(255, -1, -1))


def upload_echo_app():
    """A Bottle app that describes every upload and form field it receives."""
    app = bottle.Bottle()

    @app.post('/upload')
    def upload():
        files = [(name, upload.raw_filename, upload.content_type, upload.file.read())
                 for name, upload in request.files.allitems()]
        return repr({'files': files, 'forms': sorted(request.forms.allitems())})

    return app


def described_upload(answer):
    import ast
    assert answer.status == 200, answer.text
    return ast.literal_eval(answer.text)


def test_uploaded_bytes_arrive_byte_exact_in_request_files():
    content = every_byte()
    answer = bottle.TestClient(upload_echo_app()).post(
        '/upload', files={'doc': ('data.bin', content, 'application/x-test')})
    assert described_upload(answer)['files'] == [('doc', 'data.bin', 'application/x-test', content)]
    assert answer.request.environ['CONTENT_TYPE'].startswith('multipart/form-data; boundary=')


def test_upload_given_as_bytes_uses_the_field_name_as_filename():
    answer = bottle.TestClient(upload_echo_app()).post('/upload', files={'avatar': b'PNG...'})
    assert described_upload(answer)['files'] == [
        ('avatar', 'avatar', 'application/octet-stream', b'PNG...')]


def test_upload_given_as_file_object_uses_its_base_name(tmp_path):
    path = tmp_path / 'report.txt'
    path.write_bytes(b'line 1\nline 2\n')
    with open(str(path), 'rb') as handle:
        answer = bottle.TestClient(upload_echo_app()).post('/upload', files={'r': handle})
    assert described_upload(answer)['files'] == [
        ('r', 'report.txt', 'text/plain', b'line 1\nline 2\n')]


def test_upload_as_filename_and_content_pair_guesses_the_type():
    answer = bottle.TestClient(upload_echo_app()).post(
        '/upload', files={'page': ('index.html', io.BytesIO(b'<p>hi</p>'))})
    assert described_upload(answer)['files'] == [('page', 'index.html', 'text/html', b'<p>hi</p>')]


def test_upload_with_non_ascii_filename_and_field_name():
    answer = bottle.TestClient(upload_echo_app()).post(
        '/upload', files={'däta': ('Bericht "März".txt', 'Grüße', 'text/plain')})
    assert described_upload(answer)['files'] == [
        ('däta', 'Bericht %22März%22.txt', 'text/plain', 'Grüße'.encode('utf8'))]


def test_files_combined_with_data_fields():
    answer = bottle.TestClient(upload_echo_app()).post(
        '/upload', data={'title': 'Ünïcode', 'n': 3}, files={'f': ('a.txt', b'A', 'text/plain')})
    described = described_upload(answer)
    assert described['forms'] == [('n', '3'), ('title', 'Ünïcode')]
    assert described['files'] == [('f', 'a.txt', 'text/plain', b'A')]


def test_several_files_under_one_name():
    answer = bottle.TestClient(upload_echo_app()).post('/upload', files={'pics': [
        ('1.png', b'one', 'image/png'), ('2.png', b'two', 'image/png')]})
    assert described_upload(answer)['files'] == [
        ('pics', '1.png', 'image/png', b'one'), ('pics', '2.png', 'image/png', b'two')]


def test_files_tuple_of_wrong_length_raises_type_error():
    with pytest.raises(TypeError, match=r'A files= tuple must be \(filename, content\)'):
        bottle.TestClient(upload_echo_app()).post('/upload', files={'f': ('a', b'b', 'c', 'd')})


def test_headers_dict_reaches_the_app():
    app = bottle.Bottle()
    app.get('/')(lambda: request.get_header('X-Token') + '|' + request.get_header('Accept'))
    answer = bottle.TestClient(app).get('/', headers={'X-Token': 'abc', 'Accept': 'text/plain'})
    assert answer.text == 'abc|text/plain'


def test_repeated_headers_are_joined_with_commas():
    environ = captured_environ(bottle.TestClient(echo_environ_app), 'GET', '/',
                               headers=[('Accept', 'text/html'), ('Accept', 'text/plain')])
    assert environ['HTTP_ACCEPT'] == 'text/html, text/plain'


def test_host_and_content_type_headers_replace_the_clients_own():
    environ = captured_environ(bottle.TestClient(echo_environ_app), 'POST', '/', data={'a': '1'},
                               headers={'Host': 'other.example', 'Content-Type': 'text/x-form'})
    assert environ['HTTP_HOST'] == 'other.example'
    assert environ['CONTENT_TYPE'] == 'text/x-form'


def test_non_ascii_header_value_is_sent_as_utf8():
    app = bottle.Bottle()
    app.get('/')(lambda: request.get_header('X-Name'))
    answer = bottle.TestClient(app).get('/', headers={'X-Name': 'Zoë'})
    assert answer.request.environ['HTTP_X_NAME'] == 'Zoë'.encode('utf8').decode('latin1')
    assert answer.text == 'Zoë'


def test_auth_reaches_request_auth():
    app = bottle.Bottle()
    app.get('/me')(lambda: repr(request.auth))
    answer = bottle.TestClient(app).get('/me', auth=('jörg', 'p:ss wörd'))
    assert answer.text == repr(('jörg', 'p:ss wörd'))


def test_auth_passes_bottle_auth_basic():
    app = bottle.Bottle()

    @app.get('/secret')
    @bottle.auth_basic(lambda user, password: (user, password) == ('ann', 'pw'))
    def secret():
        return 'in'

    client = bottle.TestClient(app)
    assert client.get('/secret').status == 401
    assert client.get('/secret', auth=('ann', 'wrong')).status == 401
    assert client.get('/secret', auth=('ann', 'pw')).text == 'in'


def test_auth_that_is_not_a_pair_raises_type_error():
    with pytest.raises(TypeError, match=r'auth= must be a \(user, password\) pair'):
        bottle.TestClient(echo_environ_app).get('/', auth='ann:pw')


def test_environ_keyword_adds_and_overrides_keys():
    app = bottle.Bottle()
    app.get('/')(lambda: request.remote_addr + '|' + request.environ['myapp.tenant'])
    answer = bottle.TestClient(app).get('/', environ={'REMOTE_ADDR': '10.1.2.3',
                                                      'myapp.tenant': 'acme'})
    assert answer.text == '10.1.2.3|acme'


def test_remote_addr_defaults_to_loopback():
    app = bottle.Bottle()
    app.get('/')(lambda: request.remote_addr)
    assert bottle.TestClient(app).get('/').text == '127.0.0.1'


# The response ---------------------------------------------------------------------

def test_response_headers_are_case_insensitive_and_keep_repeated_headers():
    def app(environ, start_response):
        start_response('200 OK', [('Content-Type', 'text/plain'), ('X-Tag', 'one'),
                                  ('x-tag', 'two')])
        return [b'']

    answer = bottle.TestClient(app).get('/')
    assert answer.headers['content-type'] == 'text/plain'
    assert answer.headers['X-TAG'] == 'two'
    assert answer.headers.getall('X-Tag') == ['one', 'two']
    assert 'X-Missing' not in answer.headers


def test_text_is_decoded_with_the_response_charset():
    def app(environ, start_response):
        start_response('200 OK', [('Content-Type', 'text/plain; charset="iso-8859-1"')])
        return ['Grüße'.encode('latin1')]

    answer = bottle.TestClient(app).get('/')
    assert answer.charset == 'iso-8859-1'
    assert answer.text == 'Grüße'


def test_text_defaults_to_utf8():
    def app(environ, start_response):
        start_response('200 OK', [('Content-Type', 'text/plain')])
        return ['Grüße'.encode('utf8')]

    answer = bottle.TestClient(app).get('/')
    assert answer.charset == 'utf-8'
    assert answer.text == 'Grüße'


def test_json_parses_a_dict_returned_by_a_bottle_route():
    app = bottle.Bottle()
    app.get('/user')(lambda: {'id': 7, 'name': 'Zoë'})
    answer = bottle.TestClient(app).get('/user')
    assert answer.headers['Content-Type'] == 'application/json'
    assert answer.json() == {'id': 7, 'name': 'Zoë'}


def test_json_of_a_body_that_is_not_json_raises_a_clear_value_error():
    app = bottle.Bottle()
    app.get('/')(lambda: '<h1>Hello</h1>')
    answer = bottle.TestClient(app).get('/')
    with pytest.raises(ValueError) as caught:
        answer.json()
    message = str(caught.value)
    assert message.startswith('The response body is not JSON (200 OK, '
                              "Content-Type 'text/html; charset=UTF-8'): b'<h1>Hello</h1>'")


def test_response_cookies_are_the_cookies_the_response_sets():
    app = bottle.Bottle()

    @app.get('/')
    def set_some():
        response.set_cookie('plain', 'v1')
        response.set_cookie('spaced', 'a b; c', path='/x')
        response.delete_cookie('old')
        return ''

    answer = bottle.TestClient(app).get('/')
    assert answer.cookies == {'plain': 'v1', 'spaced': 'a b; c', 'old': ''}


def test_response_request_tells_method_url_and_environ():
    answer = bottle.TestClient(echo_environ_app).post('/p?q=1', data={'a': '1'})
    assert answer.request.method == 'POST'
    assert answer.request.url == 'http://localhost/p?q=1'
    assert answer.request.environ['PATH_INFO'] == '/p'
    assert repr(answer.request) == '<POST http://localhost/p?q=1>'


def test_response_repr_shows_status_and_size():
    answer = bottle.TestClient(echo_environ_app).get('/')
    assert repr(answer) == '<TestResponse 200 OK, %d bytes>' % len(answer.body)


class ClosingBody(object):
    """A WSGI body iterable that records whether close() was called."""

    def __init__(self, chunks, fail_after=None):
        self.chunks = chunks
        self.fail_after = fail_after
        self.closed = False

    def __iter__(self):
        for index, chunk in enumerate(self.chunks):
            if index == self.fail_after:
                raise ZeroDivisionError('body generation failed')
            yield chunk

    def close(self):
        self.closed = True


def test_the_body_iterable_is_consumed_and_closed():
    body = ClosingBody([b'a', b'', b'b'])

    def app(environ, start_response):
        start_response('200 OK', [('Content-Type', 'text/plain')])
        return body

    assert bottle.TestClient(app).get('/').body == b'ab'
    assert body.closed


def test_the_body_iterable_is_closed_when_iterating_it_fails():
    body = ClosingBody([b'a', b'b'], fail_after=1)

    def app(environ, start_response):
        start_response('200 OK', [('Content-Type', 'text/plain')])
        return body

    with pytest.raises(ZeroDivisionError, match='body generation failed'):
        bottle.TestClient(app).get('/')
    assert body.closed


def test_a_bottle_route_generator_is_closed():
    app = bottle.Bottle()
    finished = []

    @app.get('/stream')
    def stream():
        try:
            yield 'one '
            yield 'two'
        finally:
            finished.append(True)

    assert bottle.TestClient(app).get('/stream').text == 'one two'
    assert finished == [True]


def test_write_callable_output_comes_before_the_iterable():
    def app(environ, start_response):
        write = start_response('200 OK', [('Content-Type', 'text/plain')])
        write(b'written ')
        return [b'returned']

    assert bottle.TestClient(app).get('/').body == b'written returned'


def test_exc_info_before_the_body_replaces_status_and_headers():
    def app(environ, start_response):
        start_response('200 OK', [('Content-Type', 'text/plain'), ('X-Partial', '1')])
        try:
            raise KeyError('lookup failed')
        except KeyError:
            start_response('500 Internal Server Error', [('Content-Type', 'text/plain')],
                           sys.exc_info())
        return [b'error page']

    answer = bottle.TestClient(app).get('/')
    assert answer.status == 500
    assert 'X-Partial' not in answer.headers
    assert answer.body == b'error page'


def test_exc_info_after_the_body_started_re_raises_the_apps_exception():
    def app(environ, start_response):
        write = start_response('200 OK', [('Content-Type', 'text/plain')])
        write(b'half a page')
        try:
            raise KeyError('lookup failed')
        except KeyError:
            start_response('500 Internal Server Error', [], sys.exc_info())
        return [b'never sent']

    with pytest.raises(KeyError, match='lookup failed'):
        bottle.TestClient(app).get('/')


def test_an_exception_in_a_plain_wsgi_app_propagates_to_the_test():
    def app(environ, start_response):
        raise LookupError('the bug in the app')

    with pytest.raises(LookupError, match='the bug in the app'):
        bottle.TestClient(app).get('/')


def test_an_exception_in_a_bottle_route_becomes_a_500_page():
    app = bottle.Bottle()

    @app.get('/')
    def broken():
        raise LookupError('the bug in the route')

    errors = io.StringIO()
    answer = bottle.TestClient(app).get('/', environ={'wsgi.errors': errors})
    assert answer.status == 500
    assert 'LookupError' in errors.getvalue()


def test_an_exception_in_a_bottle_route_propagates_with_catchall_off():
    app = bottle.Bottle()
    app.config['catchall'] = False

    @app.get('/')
    def broken():
        raise LookupError('the bug in the route')

    with pytest.raises(LookupError, match='the bug in the route'):
        bottle.TestClient(app).get('/')


def test_start_response_twice_without_exc_info_is_an_error():
    def app(environ, start_response):
        start_response('200 OK', [])
        start_response('404 Not Found', [])
        return [b'']

    with pytest.raises(RuntimeError, match='start_response\\(\\) a second time'):
        bottle.TestClient(app).get('/')


def test_an_app_that_yields_str_is_an_error():
    def app(environ, start_response):
        start_response('200 OK', [('Content-Type', 'text/plain')])
        return ['not bytes']

    with pytest.raises(RuntimeError, match="body chunk of type str, WSGI requires bytes: 'not"):
        bottle.TestClient(app).get('/')


def test_an_app_that_never_calls_start_response_is_an_error():
    with pytest.raises(RuntimeError, match='returned without calling start_response'):
        bottle.TestClient(lambda environ, start_response: []).get('/')


def test_an_app_that_sends_an_invalid_status_line_is_an_error():
    def app(environ, start_response):
        start_response('OK', [])
        return []

    with pytest.raises(ValueError, match="invalid status line: 'OK'"):
        bottle.TestClient(app).get('/')


# validate=True -------------------------------------------------------------------

def validated_app():
    """A Bottle app with a route for each kind of request the validation test sends."""
    app = bottle.Bottle()

    @app.route('/echo/<rest:path>', method=['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])
    def echo(rest):
        return {'path': rest, 'query': dict(request.query), 'forms': dict(request.forms),
                'files': sorted(request.files), 'json': request.json if
                request.content_type == 'application/json' else None,
                'cookies': dict(request.cookies), 'auth': request.auth}

    @app.get('/cookie')
    def cookie():
        response.set_cookie('sid', 'abc', path='/')
        return 'set'

    @app.post('/redirect')
    def go():
        bottle.redirect('/echo/after')

    @app.get('/empty')
    def empty():
        response.status = 204

    return app


VALIDATED_REQUESTS = {
    'get': ('GET', '/echo/x', {}),
    'get_params': ('GET', '/echo/x?a=1', {'params': {'b': 'ü'}}),
    'non_ascii_path': ('GET', '/echo/Käse €', {}),
    'head': ('HEAD', '/echo/x', {}),
    'options': ('OPTIONS', '/echo/x', {}),
    'delete': ('DELETE', '/echo/x', {}),
    'form': ('POST', '/echo/x', {'data': {'a': 'ü', 'b': ['1', '2']}}),
    'raw_body': ('PUT', '/echo/x', {'data': b'raw', 'headers': {'Content-Type': 'text/plain'}}),
    'json': ('PATCH', '/echo/x', {'json': {'k': [1, 2]}}),
    'upload': ('POST', '/echo/x', {'data': {'t': 'x'}, 'files': {'f': ('a.bin', every_byte())}}),
    'headers': ('GET', '/echo/x', {'headers': [('Accept', 'a'), ('Accept', 'b'), ('X-N', 'Zoë')]}),
    'cookies': ('GET', '/echo/x', {'cookies': {'c': '1'}}),
    'auth': ('GET', '/echo/x', {'auth': ('ann', 'pw')}),
    'redirect': ('POST', '/redirect', {'data': {'a': '1'}, 'follow_redirects': True}),
    'set_cookie': ('GET', '/cookie', {}),
    'no_content': ('GET', '/empty', {}),
    'not_found': ('GET', '/missing', {}),
}


@pytest.mark.filterwarnings('error')
@pytest.mark.parametrize('kind', sorted(VALIDATED_REQUESTS))
def test_validate_true_passes_wsgiref_validate_for_every_request_kind(kind):
    method, path, options = VALIDATED_REQUESTS[kind]
    client = bottle.TestClient(validated_app(), validate=True)
    client.cookies['jar'] = 'yes'
    answer = client.request(method, path, **options)
    assert answer.status in (200, 204, 404)


@pytest.mark.filterwarnings('error')
def test_validate_true_passes_for_a_plain_wsgi_app_with_a_closing_body():
    body = ClosingBody([b'a', b'b'])

    def app(environ, start_response):
        start_response('200 OK', [('Content-Type', 'text/plain')])
        return body

    assert bottle.TestClient(app, validate=True).get('/x', params={'q': 'ü'}).body == b'ab'
    assert body.closed


def test_validate_true_catches_an_app_that_breaks_the_protocol():
    def app(environ, start_response):
        start_response('200 OK', [('Content-Type', 'text/plain'), ('X-Bad', 1)])
        return [b'']

    with pytest.raises(AssertionError):
        bottle.TestClient(app, validate=True).get('/')


# The cookie jar ------------------------------------------------------------------

def cookie_app():
    """A Bottle app that sets cookies as told by the query and echoes the Cookie header."""
    app = bottle.Bottle()

    @app.route('/')
    @app.route('/<path:path>')
    def any_path(path=''):
        options = dict((key, value) for key, value in request.query.items() if key != 'set')
        if 'max_age' in options:
            options['max_age'] = int(options['max_age'])
        if 'secure' in options:
            options['secure'] = True
        if request.query.set:
            name, _, value = request.query.set.partition('=')
            response.set_cookie(name, value, **options)
        return request.get_header('Cookie', '')

    return app


def raw_set_cookie_app(*set_cookie_values):
    """A plain WSGI app that sends the given Set-Cookie values and echoes the Cookie header."""
    def app(environ, start_response):
        start_response('200 OK', [('Content-Type', 'text/plain')]
                       + [('Set-Cookie', value) for value in set_cookie_values])
        return [environ.get('HTTP_COOKIE', '').encode('latin1')]
    return app


def test_a_cookie_set_by_a_response_is_sent_with_the_next_request():
    client = bottle.TestClient(cookie_app())
    assert client.get('/login?set=sid=abc').text == ''
    assert client.get('/page').text == 'sid=abc'
    assert client.cookies['sid'] == 'abc'


def test_a_cookie_with_the_same_name_domain_and_path_replaces_the_old_one():
    client = bottle.TestClient(cookie_app())
    client.get('/?set=theme=dark')
    client.get('/?set=theme=light')
    assert client.get('/').text == 'theme=light'
    assert len(client.cookies) == 1


def test_max_age_zero_deletes_the_cookie():
    client = bottle.TestClient(cookie_app())
    client.get('/?set=sid=abc')
    client.get('/?set=sid=&max_age=0')
    assert client.get('/').text == ''
    assert 'sid' not in client.cookies


def test_an_expires_date_in_the_past_deletes_the_cookie():
    client = bottle.TestClient(raw_set_cookie_app('sid=abc; Path=/'))
    client.get('/')
    client.app = raw_set_cookie_app('sid=gone; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT')
    assert client.get('/').text == 'sid=abc'  # sent before the answer deleted it
    assert client.get('/').text == ''
    assert 'sid' not in client.cookies


def test_bottle_delete_cookie_removes_the_cookie_from_the_jar():
    app = bottle.Bottle()
    app.get('/login')(lambda: response.set_cookie('sid', 'abc') or 'in')
    app.get('/logout')(lambda: response.delete_cookie('sid') or 'out')
    app.get('/whoami')(lambda: request.get_cookie('sid', 'nobody'))
    client = bottle.TestClient(app)
    client.get('/login')
    assert client.get('/whoami').text == 'abc'
    client.get('/logout')
    assert client.get('/whoami').text == 'nobody'


def test_future_expires_and_max_age_keep_the_cookie():
    client = bottle.TestClient(raw_set_cookie_app(
        'a=1; Expires=Fri, 01 Jan 2100 00:00:00 GMT', 'b=2; Max-Age=3600'))
    client.get('/')
    assert client.get('/').text == 'a=1; b=2'


def test_a_cookie_expires_when_its_max_age_has_passed():
    now = [1000000.0]
    client = bottle.TestClient(raw_set_cookie_app('sid=abc; Max-Age=60'))
    client.cookies.clock = lambda: now[0]
    client.get('/')
    client.app = echo_cookie_app
    now[0] += 59
    assert client.get('/').text == 'sid=abc'
    now[0] += 1
    assert client.get('/').text == ''


def echo_cookie_app(environ, start_response):
    """A plain WSGI app that echoes the Cookie header it gets."""
    start_response('200 OK', [('Content-Type', 'text/plain')])
    return [environ.get('HTTP_COOKIE', '').encode('latin1')]


def test_max_age_wins_over_expires():
    client = bottle.TestClient(raw_set_cookie_app(
        'sid=abc; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=600'))
    client.get('/')
    assert client.cookies['sid'] == 'abc'


def test_a_cookie_for_path_a_is_sent_to_a_and_below_but_not_to_b():
    client = bottle.TestClient(cookie_app())
    client.get('/a/set?set=k=v&path=/a')
    assert client.get('/a').text == 'k=v'
    assert client.get('/a/deeper/page').text == 'k=v'
    assert client.get('/b').text == ''
    assert client.get('/ab').text == ''


def test_a_cookie_without_path_goes_to_the_directory_of_the_url_that_set_it():
    client = bottle.TestClient(raw_set_cookie_app('k=v'))
    client.get('/shop/cart/add')
    client.app = echo_cookie_app
    assert client.get('/shop/cart/list').text == 'k=v'
    assert client.get('/shop/other').text == ''


def test_cookie_paths_include_the_base_url_mount_path():
    app = bottle.Bottle()
    app.get('/set')(lambda: response.set_cookie('k', 'v', path=request.script_name) or '')
    app.get('/get')(lambda: request.get_header('Cookie', ''))
    client = bottle.TestClient(app, base_url='http://localhost/shop/')
    client.get('/set')
    assert client.get('/get').text == 'k=v'
    other = bottle.TestClient(echo_cookie_app, base_url='http://localhost/blog/')
    other.cookies = client.cookies
    assert other.get('/get').text == ''


def test_cookies_with_longer_paths_come_first_in_the_cookie_header():
    client = bottle.TestClient(raw_set_cookie_app('short=1; Path=/', 'long=2; Path=/a/b'))
    client.get('/')
    client.app = echo_cookie_app
    assert client.get('/a/b/c').text == 'long=2; short=1'


def test_a_host_only_cookie_is_not_sent_to_a_subdomain():
    client = bottle.TestClient(raw_set_cookie_app('k=v'), base_url='http://example.com/')
    client.get('/')
    client.app = echo_cookie_app
    assert client.get('http://example.com/').text == 'k=v'
    assert client.get('http://www.example.com/').text == ''


def test_a_domain_cookie_is_sent_to_the_domain_and_its_subdomains():
    client = bottle.TestClient(raw_set_cookie_app('k=v; Domain=.example.com'),
                               base_url='http://www.example.com/')
    client.get('/')
    client.app = echo_cookie_app
    assert client.get('http://example.com/').text == 'k=v'
    assert client.get('http://api.example.com/').text == 'k=v'
    assert client.get('http://example.org/').text == ''
    assert client.get('http://badexample.com/').text == ''


def test_a_cookie_with_a_domain_of_another_site_is_rejected():
    client = bottle.TestClient(raw_set_cookie_app('k=v; Domain=evil.example'),
                               base_url='http://example.com/')
    client.get('/')
    assert len(client.cookies) == 0


def test_a_secure_cookie_is_sent_over_https_only():
    client = bottle.TestClient(raw_set_cookie_app('k=v; Secure; HttpOnly'),
                               base_url='https://example.com/')
    client.get('/')
    client.app = echo_cookie_app
    assert client.get('/').text == 'k=v'
    assert client.get('http://example.com/').text == ''


def test_cookies_keyword_is_sent_with_one_request_on_top_of_the_jar():
    client = bottle.TestClient(cookie_app())
    client.get('/?set=sid=abc')
    client.get('/?set=theme=dark')
    assert client.get('/', cookies={'theme': 'light', 'lang': 'de'}).text == (
        'sid=abc; theme=light; lang=de')
    assert client.get('/').text == 'sid=abc; theme=dark'


def test_cookies_keyword_of_the_wrong_type_raises_type_error():
    with pytest.raises(TypeError, match='cookies= must be a dict or a list of'):
        bottle.TestClient(echo_cookie_app).get('/', cookies='sid=abc')


def test_the_jar_is_a_mapping_of_names_to_values():
    client = bottle.TestClient(echo_cookie_app)
    client.cookies['a'] = '1'
    client.cookies.set('b', '2', path='/only')
    assert dict(client.cookies) == {'a': '1', 'b': '2'}
    assert client.get('/').text == 'a=1'
    del client.cookies['a']
    assert list(client.cookies) == ['b']
    with pytest.raises(KeyError):
        del client.cookies['a']
    client.cookies.clear()
    assert len(client.cookies) == 0


def test_jar_set_with_a_domain_goes_to_subdomains():
    client = bottle.TestClient(echo_cookie_app, base_url='http://example.com/')
    client.cookies.set('k', 'v', domain='example.com')
    assert client.get('http://a.example.com/').text == 'k=v'


def test_quoted_cookie_values_read_back_unquoted():
    app = bottle.Bottle()
    app.get('/set')(lambda: response.set_cookie('note', 'a "b"; c\\d') or '')
    app.get('/get')(lambda: request.cookies.note)
    client = bottle.TestClient(app)
    client.get('/set')
    assert client.cookies['note'] == 'a "b"; c\\d'
    assert client.get('/get').text == 'a "b"; c\\d'


def test_non_ascii_cookie_value_round_trips():
    app = bottle.Bottle()
    app.get('/set')(lambda: response.set_cookie('name', 'Zoë 日本') or '')
    app.get('/get')(lambda: request.cookies.name)
    client = bottle.TestClient(app)
    client.get('/set')
    assert client.cookies['name'] == 'Zoë 日本'
    assert client.get('/get').text == 'Zoë 日本'


def test_signed_cookie_round_trips_through_the_jar():
    app = bottle.Bottle()
    app.get('/set')(lambda: response.set_cookie('user', 'ann', secret='s3cret') or '')
    app.get('/get')(lambda: request.get_cookie('user', 'nobody', secret='s3cret'))
    client = bottle.TestClient(app)
    client.get('/set')
    assert client.get('/get').text == 'ann'


def test_a_set_cookie_header_without_name_value_pair_is_ignored():
    client = bottle.TestClient(raw_set_cookie_app('just-a-token', '=novalue', 'ok=1'))
    client.get('/')
    assert dict(client.cookies) == {'ok': '1'}


# Redirects -----------------------------------------------------------------------

def redirect_app():
    app = bottle.Bottle()

    @app.route('/old', method=['GET', 'POST', 'PUT'])
    def old():
        bottle.redirect('new', int(request.query.code or 303))  # relative: works when mounted

    @app.route('/new', method=['GET', 'POST', 'PUT'])
    def new():
        return '%s %s %r' % (request.method, request.content_type, request.body.read())

    @app.get('/loop/<n:int>')
    def loop(n):
        bottle.redirect('/loop/%d' % ((n + 1) % 3))

    @app.get('/login')
    def login():
        response.set_cookie('sid', 'abc')
        bottle.redirect('/home')

    app.get('/home')(lambda: 'home ' + request.get_cookie('sid', 'none'))
    return app


def test_redirects_are_not_followed_by_default():
    answer = bottle.TestClient(redirect_app()).get('/old')
    assert answer.status == 303
    assert answer.headers['Location'] == 'http://localhost/new'
    assert answer.history == []


@pytest.mark.parametrize('code', [301, 302, 303])
def test_following_301_302_303_turns_a_post_into_a_get_without_body(code):
    answer = bottle.TestClient(redirect_app()).post(
        '/old', params={'code': code}, data={'a': '1'}, follow_redirects=True)
    assert answer.status == 200
    assert answer.text == "GET  b''"
    assert 'CONTENT_TYPE' not in answer.request.environ


@pytest.mark.parametrize('code', [307, 308])
def test_following_307_308_keeps_method_and_body(code):
    answer = bottle.TestClient(redirect_app()).put(
        '/old', params={'code': code}, json={'a': 1}, follow_redirects=True)
    assert answer.text == "PUT application/json b'{\"a\": 1}'"


def test_following_keeps_head_a_head():
    answer = bottle.TestClient(redirect_app()).head('/old', follow_redirects=True)
    assert answer.status == 200
    assert answer.request.method == 'HEAD'


def test_followed_redirects_are_kept_in_history():
    answer = bottle.TestClient(redirect_app()).get('/old', follow_redirects=True)
    assert [(r.status, r.request.url) for r in answer.history] == [
        (303, 'http://localhost/old')]
    assert answer.request.url == 'http://localhost/new'


def test_a_redirect_loop_raises_runtime_error_after_max_redirects():
    client = bottle.TestClient(redirect_app())
    client.max_redirects = 4
    with pytest.raises(RuntimeError, match='Gave up after 4 redirects') as caught:
        client.get('/loop/0', follow_redirects=True)
    assert 'http://localhost/loop/0 -> http://localhost/loop/1 -> http://localhost/loop/2' in str(
        caught.value)


def test_cookies_set_by_a_redirect_are_sent_to_its_target():
    answer = bottle.TestClient(redirect_app()).get('/login', follow_redirects=True)
    assert answer.text == 'home abc'


def test_following_a_redirect_under_a_base_url_path():
    client = bottle.TestClient(redirect_app(), base_url='http://localhost/app/')
    answer = client.get('/old', follow_redirects=True)
    assert answer.history[0].headers['Location'] == 'http://localhost/app/new'
    assert answer.text == "GET  b''"


def test_following_a_redirect_out_of_the_base_url_path_raises_value_error():
    client = bottle.TestClient(redirect_app(), base_url='http://localhost/app/')
    client.app.get('/away')(lambda: bottle.redirect('/elsewhere'))
    with pytest.raises(ValueError, match="The URL path '/elsewhere' is outside the application"
                                         " mounted at '/app'"):
        client.get('/away', follow_redirects=True)


def test_authorization_is_not_sent_to_another_host_after_a_redirect():
    def app(environ, start_response):
        if environ['HTTP_HOST'] == 'localhost':
            start_response('302 Found', [('Location', 'http://other.example/'),
                                         ('Content-Type', 'text/plain')])
            return [b'']
        start_response('200 OK', [('Content-Type', 'text/plain')])
        return [environ.get('HTTP_AUTHORIZATION', 'none').encode('latin1')]

    answer = bottle.TestClient(app).get('/', auth=('ann', 'pw'), follow_redirects=True)
    assert answer.text == 'none'


def test_a_redirect_without_location_is_not_followed():
    def app(environ, start_response):
        start_response('302 Found', [('Content-Type', 'text/plain')])
        return [b'nowhere']

    answer = bottle.TestClient(app).get('/', follow_redirects=True)
    assert answer.status == 302
    assert answer.history == []


# pytest and import time ----------------------------------------------------------

def test_pytest_does_not_collect_the_client_classes(tmp_path):
    module = tmp_path / 'test_uses_client.py'
    module.write_text(textwrap.dedent('''
        from bottle import TestClient, TestResponse, Bottle

        def test_something():
            assert TestClient(Bottle()).get('/').status == 404
    '''))
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.abspath(bottle.__file__)))
    run = subprocess.run([sys.executable, '-m', 'pytest', '-p', 'no:cacheprovider', '-q',
                          '-W', 'error::pytest.PytestCollectionWarning', str(module)],
                         cwd=str(tmp_path), env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert '1 passed' in run.stdout
    assert 'warning' not in run.stdout.lower()


def test_importing_bottle_does_not_import_what_the_client_needs():
    code = ('import sys, bottle; print(sorted(name for name in ("wsgiref.validate", "mimetypes",'
            ' "email.utils", "base64", "json") if name in sys.modules))')
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.abspath(bottle.__file__)))
    run = subprocess.run([sys.executable, '-c', code], env=env, capture_output=True, text=True)
    assert run.stdout.strip() == '[]', run.stderr
