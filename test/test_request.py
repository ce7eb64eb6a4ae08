"""The request object: ``BaseRequest`` over a WSGI environ, and the thread-local global ``request``.

Most tests build a ``BaseRequest`` from an explicit environ (``helpers.make_environ``); whatever
is observable through an application is also checked with real WSGI calls. Multipart bodies
and uploads are tested elsewhere; only urlencoded and JSON bodies are covered here.
"""
import base64
import hashlib
import io
import threading

import pytest

import bottle
from bottle import BaseRequest, Bottle, request
from helpers import call, call_environ, make_environ, to_native

FORM = {'Content-Type': 'application/x-www-form-urlencoded'}
JSON = {'Content-Type': 'application/json'}


def make_request(path='/', method='GET', **kwargs):
    """A ``BaseRequest`` over a freshly built environ."""
    return BaseRequest(make_environ(path, method, **kwargs))


def observe(read, path='/x', method='GET', **kwargs):
    """Call an app whose catch-all route evaluates ``read(bottle.request)``.

    Returns the WSGI :class:`helpers.Result` and whatever ``read`` returned inside the handler.
    """
    app = Bottle()
    seen = {}

    def handler(**url_args):
        seen['value'] = read(bottle.request)
        return 'ok'

    app.route('/', method='ANY', callback=handler)
    app.route('/<rest:path>', method='ANY', callback=handler)
    result = call(app, path, method, **kwargs)
    return result, seen.get('value')


def observe_environ(read, environ):
    """Like :func:`observe`, for a hand-made environ."""
    app = Bottle()
    seen = {}

    def handler(**url_args):
        seen['value'] = read(bottle.request)
        return 'ok'

    app.route('/', method='ANY', callback=handler)
    app.route('/<rest:path>', method='ANY', callback=handler)
    return call_environ(app, environ), seen.get('value')


def assert_clean_client_error(result, code=400):
    """A 4xx answer that shows no traceback."""
    assert result.code == code, result
    assert b'Traceback' not in result.body


# ---------------------------------------------------------------- environ, app, route, url_args

def test_request_wraps_the_given_environ():
    environ = make_environ('/x')
    req = BaseRequest(environ)
    assert req.environ is environ
    assert environ['bottle.request'] is req


def test_request_without_environ_describes_an_empty_get_request():
    req = BaseRequest()
    assert isinstance(req.environ, dict)
    assert req.path == '/'
    assert req.method == 'GET'


def test_request_name_is_usable_as_the_request_class():
    req = bottle.Request(make_environ('/alias'))
    assert req.path == '/alias'


def test_memfile_max_is_a_positive_int():
    assert isinstance(BaseRequest.MEMFILE_MAX, int)
    assert BaseRequest.MEMFILE_MAX > 0


def test_app_route_and_url_args_inside_a_handler():
    app = Bottle()
    seen = {}

    @app.route('/item/<name>/<num:int>')
    def item(name, num):
        seen['app'] = request.app
        seen['route'] = request.route
        seen['url_args'] = request.url_args
        return 'ok'

    result = call(app, '/item/book/7')
    assert result.code == 200
    assert seen['app'] is app
    assert seen['route'].rule == '/item/<name>/<num:int>'
    assert seen['route'].callback is not None
    assert seen['url_args'] == {'name': 'book', 'num': 7}


def test_app_of_unconnected_request_raises_runtime_error():
    with pytest.raises(RuntimeError):
        make_request().app  # noqa: B018 (the attribute access is what is tested)


def test_route_and_url_args_of_unconnected_request_raise_runtime_error():
    req = make_request()
    with pytest.raises(RuntimeError):
        req.route  # noqa: B018
    with pytest.raises(RuntimeError):
        req.url_args  # noqa: B018


# ---------------------------------------------------------------- path and method

def test_path_gets_a_leading_slash():
    assert make_request(raw_path='foo/bar').path == '/foo/bar'


def test_path_is_slash_when_path_info_is_empty_or_missing():
    assert make_request(raw_path='').path == '/'
    environ = make_environ()
    del environ['PATH_INFO']
    assert BaseRequest(environ).path == '/'


def test_method_is_upper_cased():
    assert make_request(method='post').method == 'POST'


def test_method_defaults_to_get():
    environ = make_environ()
    del environ['REQUEST_METHOD']
    assert BaseRequest(environ).method == 'GET'


def test_lower_case_method_is_routed_upper_cased():
    app = Bottle()
    app.route('/m', method='POST', callback=lambda: request.method)
    result = call(app, '/m', method='post')
    assert result.code == 200
    assert result.text == 'POST'


# ---------------------------------------------------------------- headers

def test_headers_is_a_wsgi_header_dict():
    assert isinstance(make_request().headers, bottle.WSGIHeaderDict)


def test_headers_are_case_insensitive():
    req = make_request(headers={'X-Custom-Thing': 'value'})
    assert req.headers['X-Custom-Thing'] == 'value'
    assert req.headers['x-custom-thing'] == 'value'
    assert req.headers['X-CUSTOM-THING'] == 'value'
    assert 'x-custom-thing' in req.headers


def test_headers_show_cgi_content_type_and_length_under_http_names():
    req = make_request(method='POST', body=b'abc', headers={'Content-Type': 'text/plain'})
    assert req.environ['CONTENT_TYPE'] == 'text/plain'
    assert req.headers['Content-Type'] == 'text/plain'
    assert req.headers['content-length'] == '3'
    assert 'Content-Type' in req.headers.keys()
    assert 'Content-Length' in req.headers.keys()


def test_headers_keys_are_http_header_names():
    environ = make_environ(headers={'X-One': '1'}, HTTP_HOST='example.com')
    assert sorted(BaseRequest(environ).headers.keys()) == ['Host', 'X-One']
    assert len(BaseRequest(environ).headers) == 2


def test_missing_header_raises_key_error():
    with pytest.raises(KeyError):
        make_request().headers['X-Not-There']


def test_headers_are_read_only():
    req = make_request(headers={'X-One': '1'})
    with pytest.raises(TypeError):
        req.headers['X-Two'] = '2'
    with pytest.raises(TypeError):
        del req.headers['X-One']


def test_header_values_are_decoded_as_utf8():
    req = make_request(headers={'X-Name': to_native('Grüße')})
    assert req.headers['X-Name'] == 'Grüße'
    assert req.get_header('x-name') == 'Grüße'


def test_headers_raw_returns_the_native_environ_value():
    req = make_request(headers={'X-Name': to_native('Grüße'), 'Content-Type': 'text/plain'})
    assert req.headers.raw('x-name') == to_native('Grüße')
    assert req.headers.raw('Content-Type') == 'text/plain'
    assert req.headers.raw('X-Missing', 'fallback') == 'fallback'


def test_get_header_returns_value_or_default():
    req = make_request(headers={'Accept': 'text/html'})
    assert req.get_header('accept') == 'text/html'
    assert req.get_header('X-Missing') is None
    assert req.get_header('X-Missing', 'fallback') == 'fallback'


def test_request_header_is_an_alias_of_headers():
    # differs from 0.13.4: the tutorial uses request.header, which 0.13.4 lacks
    result, value = observe(lambda r: (r.header['X-Token'], r.header.get('x-token'),
                                       isinstance(r.header, bottle.WSGIHeaderDict)),
                            headers={'X-Token': 'abc'})
    assert result.code == 200
    assert value == ('abc', 'abc', True)


# ---------------------------------------------------------------- cookies

def test_cookies_is_a_forms_dict_of_the_cookie_header():
    req = make_request(headers={'Cookie': 'a=1; b=two'})
    assert isinstance(req.cookies, bottle.FormsDict)
    assert dict(req.cookies) == {'a': '1', 'b': 'two'}
    assert req.cookies.b == 'two'


def test_quoted_cookie_value_is_unquoted():
    assert make_request(headers={'Cookie': 'c="q v"'}).cookies['c'] == 'q v'


def test_no_cookie_header_gives_empty_cookies():
    assert dict(make_request().cookies) == {}


def test_get_cookie_returns_value_or_default():
    req = make_request(headers={'Cookie': 'a=1'})
    assert req.get_cookie('a') == '1'
    assert req.get_cookie('missing') is None
    assert req.get_cookie('missing', 'fallback') == 'fallback'


def test_get_cookie_through_a_wsgi_call():
    result, value = observe(lambda r: r.get_cookie('session'), headers={'Cookie': 'session=xyz'})
    assert result.code == 200
    assert value == 'xyz'


def signed_cookie_header(name, value, **options):
    """Let an app set a cookie with ``response.set_cookie`` and return the ``Cookie`` header a
    browser would send back (the Set-Cookie value up to the first ``;``)."""
    app = Bottle()

    @app.route('/set')
    def set_cookie():
        bottle.response.set_cookie(name, value, **options)
        return 'set'

    result = call(app, '/set')
    assert result.code == 200
    set_cookies = result.header_list('Set-Cookie')
    assert len(set_cookies) == 1
    return set_cookies[0].split(';')[0]


def test_signed_cookie_round_trip():
    cookie = signed_cookie_header('user', 'alice', secret='s3cret')
    result, value = observe(lambda r: r.get_cookie('user', secret='s3cret'),
                            headers={'Cookie': cookie})
    assert result.code == 200
    assert value == 'alice'


def test_signed_cookie_with_wrong_secret_gives_default():
    cookie = signed_cookie_header('user', 'alice', secret='s3cret')
    result, value = observe(lambda r: r.get_cookie('user', 'nobody', secret='other'),
                            headers={'Cookie': cookie})
    assert result.code == 200
    assert value == 'nobody'


def test_tampered_signed_cookie_gives_default():
    cookie = signed_cookie_header('user', 'alice', secret='s3cret')
    name, _, value = cookie.partition('=')
    prefix, payload, signature = value.strip('"').split('.')
    assert prefix == '2' and payload and signature
    flipped = payload[:4] + ('A' if payload[4] != 'A' else 'B') + payload[5:]
    tampered = '%s=%s.%s.%s' % (name, prefix, flipped, signature)
    result, value = observe(lambda r: r.get_cookie('user', 'nobody', secret='s3cret'),
                            headers={'Cookie': tampered})
    assert result.code == 200
    assert value == 'nobody'


def test_unsigned_cookie_read_with_secret_gives_default():
    result, value = observe(lambda r: r.get_cookie('user', 'nobody', secret='s3cret'),
                            headers={'Cookie': 'user=alice'})
    assert result.code == 200
    assert value == 'nobody'


def test_signed_cookie_read_without_secret_is_the_raw_signed_string():
    cookie = signed_cookie_header('user', 'alice', secret='s3cret')
    result, value = observe(lambda r: r.get_cookie('user'), headers={'Cookie': cookie})
    assert result.code == 200
    assert value == cookie.partition('=')[2].strip('"')
    assert value != 'alice'


def test_signed_cookie_digestmod_must_match():
    cookie = signed_cookie_header('user', 'alice', secret='s3cret', digestmod=hashlib.sha512)
    result, values = observe(
        lambda r: (r.get_cookie('user', secret='s3cret', digestmod=hashlib.sha512),
                   r.get_cookie('user', 'nobody', secret='s3cret')),
        headers={'Cookie': cookie})
    assert result.code == 200
    assert values == ('alice', 'nobody')


def test_malformed_cookie_pair_is_skipped():
    # differs from 0.13.4: its SimpleCookie-based parser drops every cookie of the header
    req = make_request(headers={'Cookie': 'a=1; junk; d=2'})
    assert dict(req.cookies) == {'a': '1', 'd': '2'}


# ---------------------------------------------------------------- query

def test_query_parses_the_query_string():
    req = make_request(query='a=1&b=two')
    assert isinstance(req.query, bottle.FormsDict)
    assert dict(req.query) == {'a': '1', 'b': 'two'}
    assert req.query.b == 'two'


def test_query_string_is_the_raw_environ_value():
    assert make_request(query='a=1&b=%20').query_string == 'a=1&b=%20'
    assert make_request().query_string == ''


def test_get_is_the_query():
    req = make_request(query='a=1')
    assert req.GET is req.query


def test_plus_decodes_to_space_and_percent_2b_to_plus_in_query():
    result, value = observe(lambda r: r.query.get('q'), query='q=1%2B1+is+2')
    assert result.code == 200
    assert value == '1+1 is 2'


def test_percent_escapes_are_decoded_in_query():
    result, value = observe(lambda r: r.query.get('q'), query='q=a%26b%3Dc%25')
    assert result.code == 200
    assert value == 'a&b=c%'


def test_duplicate_query_parameters():
    result, value = observe(lambda r: (r.query.getall('a'), r.query.get('a'), r.query['a'],
                                       r.query.a, list(r.query.allitems())),
                            query='a=1&b=x&a=2&a=3')
    assert result.code == 200
    getall, get, item, attribute, allitems = value
    assert getall == ['1', '2', '3']
    assert get == '3'
    assert item == '3'
    assert attribute == '3'
    assert allitems == [('a', '1'), ('a', '2'), ('a', '3'), ('b', 'x')]


def test_semicolon_is_not_a_query_separator():
    # CVE-2020-28473: treating ';' as a separator enables web cache poisoning
    result, value = observe(lambda r: list(r.query.allitems()), query='a=1;b=2&c=3')
    assert result.code == 200
    assert value == [('a', '1;b=2'), ('c', '3')]


def test_empty_keys_and_values_in_query():
    result, value = observe(lambda r: list(r.query.allitems()), query='=x&a=&&b&&')
    assert result.code == 200
    assert value == [('', 'x'), ('a', ''), ('b', '')]


def test_empty_query_gives_empty_query_dict():
    assert dict(make_request().query) == {}


def test_malformed_percent_escapes_in_query_are_kept_literally():
    result, value = observe(lambda r: list(r.query.allitems()),
                            query='a=%zz&b=%&c=%4&d=x%&e%=1')
    assert result.code == 200
    assert value == [('a', '%zz'), ('b', '%'), ('c', '%4'), ('d', 'x%'), ('e%', '1')]


def test_very_long_query_is_handled():
    result, value = observe(lambda r: (len(r.query_string), r.query.get('k')),
                            query='k=' + 'a' * (1 << 20))
    assert result.code == 200
    assert value == (2 + (1 << 20), 'a' * (1 << 20))


def test_query_with_many_parameters_is_handled():
    query = '&'.join('k%d=%d' % (i, i) for i in range(100000))
    result, value = observe(lambda r: (len(r.query), r.query.get('k99999')), query=query)
    assert result.code == 200
    assert value == (100000, '99999')


def test_changing_query_string_refreshes_query():
    req = make_request(query='a=1')
    assert req.query['a'] == '1'
    assert req.params['a'] == '1'
    req['QUERY_STRING'] = 'a=2'
    assert req.query['a'] == '2'
    assert req.GET['a'] == '2'
    assert req.params['a'] == '2'


# ---------------------------------------------------------------- forms, POST, params, files

def test_forms_parse_an_urlencoded_body():
    req = make_request(method='POST', body='name=Bob&age=42', headers=FORM)
    assert isinstance(req.forms, bottle.FormsDict)
    assert dict(req.forms) == {'name': 'Bob', 'age': '42'}
    assert req.forms.name == 'Bob'


def test_forms_through_a_wsgi_call():
    result, value = observe(lambda r: (r.forms.get('name'), r.forms.getall('tag')),
                            method='POST', body='name=Bob&tag=a&tag=b', headers=FORM)
    assert result.code == 200
    assert value == ('Bob', ['a', 'b'])


def test_forms_accept_a_charset_parameter_in_content_type():
    headers = {'Content-Type': 'application/x-www-form-urlencoded; charset=UTF-8'}
    req = make_request(method='POST', body='a=1', headers=headers)
    assert dict(req.forms) == {'a': '1'}


def test_body_without_content_type_is_parsed_as_urlencoded():
    req = make_request(method='POST', body='a=1&b=2')
    assert dict(req.forms) == {'a': '1', 'b': '2'}


def test_post_holds_the_form_fields():
    req = make_request(method='POST', body='a=1&a=2&b=3', headers=FORM)
    assert isinstance(req.POST, bottle.FormsDict)
    assert list(req.POST.allitems()) == [('a', '1'), ('a', '2'), ('b', '3')]


def test_files_are_empty_for_an_urlencoded_body():
    req = make_request(method='POST', body='a=1', headers=FORM)
    assert dict(req.files) == {}


def test_forms_are_empty_for_a_get_without_body():
    req = make_request()
    assert dict(req.forms) == {}
    assert dict(req.POST) == {}


def test_params_combine_query_and_forms_with_form_values_last():
    req = make_request(method='POST', query='a=q&only_query=1', body='a=f1&a=f2&only_form=2',
                       headers=FORM)
    assert isinstance(req.params, bottle.FormsDict)
    assert req.params.getall('a') == ['q', 'f1', 'f2']
    assert req.params['a'] == 'f2'
    assert req.params['only_query'] == '1'
    assert req.params['only_form'] == '2'


def test_plus_and_percent_escapes_in_form_body():
    req = make_request(method='POST', body='q=1%2B1+is+2&r=%26%3D', headers=FORM)
    assert dict(req.forms) == {'q': '1+1 is 2', 'r': '&='}


def test_semicolon_is_not_a_form_separator():
    req = make_request(method='POST', body='a=1;b=2&c=3', headers=FORM)
    assert list(req.forms.allitems()) == [('a', '1;b=2'), ('c', '3')]


def test_malformed_percent_escapes_in_form_body_are_kept_literally():
    result, value = observe(lambda r: list(r.forms.allitems()), method='POST',
                            body='a=%zz&b=%&c=%4', headers=FORM)
    assert result.code == 200
    assert value == [('a', '%zz'), ('b', '%'), ('c', '%4')]


def test_forms_stop_at_content_length():
    environ = make_environ('/', 'POST', body=b'a=1&b=2', headers=FORM)
    environ['CONTENT_LENGTH'] = '3'
    assert dict(BaseRequest(environ).forms) == {'a': '1'}


# ---------------------------------------------------------------- PEP 3333 decoding

def test_path_info_is_decoded_as_utf8():
    app = Bottle()
    seen = {}

    @app.route('/städte/<name>')
    def city(name):
        seen.update(name=name, path=request.path, url_args=request.url_args)
        return 'ok'

    result = call(app, '/städte/Köln')
    assert result.code == 200
    assert seen == {'name': 'Köln', 'path': '/städte/Köln', 'url_args': {'name': 'Köln'}}


def test_fullpath_and_url_use_the_utf8_decoded_path():
    result, value = observe(lambda r: (r.path, r.script_name, r.fullpath, r.url),
                            path='/städte', SCRIPT_NAME='/app', HTTP_HOST='example.com')
    assert result.code == 200
    assert value == ('/städte', '/app/', '/app/städte', 'http://example.com/app/st%C3%A4dte')


def test_query_values_are_utf8_in_every_access_style():
    # differs from 0.13.4: .get and [] give latin-1 mojibake there
    result, value = observe(lambda r: (r.query.get('q'), r.query['q'], r.query.q,
                                       r.query.getunicode('q'), r.query.getall('q'),
                                       list(r.query.allitems()), dict(r.params)),
                            query='q=Grüße')
    assert result.code == 200
    assert value == ('Grüße', 'Grüße', 'Grüße', 'Grüße', ['Grüße'], [('q', 'Grüße')],
                     {'q': 'Grüße'})


def test_percent_encoded_query_values_are_utf8_in_every_access_style():
    # differs from 0.13.4: .get and [] give latin-1 mojibake there
    result, value = observe(lambda r: (r.query.get('q'), r.query['q'], r.query.q,
                                       r.query.getunicode('q')),
                            query='q=%C3%BC')
    assert result.code == 200
    assert value == ('ü', 'ü', 'ü', 'ü')


def test_query_keys_are_utf8():
    # differs from 0.13.4: keys stay latin-1 mojibake there
    result, value = observe(lambda r: (list(r.query.keys()), r.query.get('schlüssel'),
                                       r.query.schlüssel),
                            query='schlüssel=wert')
    assert result.code == 200
    assert value == (['schlüssel'], 'wert', 'wert')


def test_form_values_and_keys_are_utf8_in_every_access_style():
    # differs from 0.13.4: .get, [] and keys give latin-1 mojibake there
    result, value = observe(lambda r: (r.forms.get('größe'), r.forms['größe'],
                                       r.forms.größe, r.forms.getunicode('größe'),
                                       list(r.forms.allitems()), r.POST.get('größe'),
                                       r.params.get('größe')),
                            method='POST', body='gr%C3%B6%C3%9Fe=%C3%BCber&gr%C3%B6%C3%9Fe=groß',
                            headers=FORM)
    assert result.code == 200
    assert value == ('groß', 'groß', 'groß', 'groß',
                     [('größe', 'über'), ('größe', 'groß')], 'groß', 'groß')


def test_cookie_values_are_utf8():
    # differs from 0.13.4: its cookie parser rejects the whole header
    result, value = observe(lambda r: (r.cookies.get('name'), r.cookies['name'], r.cookies.name,
                                       r.get_cookie('name')),
                            headers={'Cookie': to_native('name=Jürgen')})
    assert result.code == 200
    assert value == ('Jürgen', 'Jürgen', 'Jürgen', 'Jürgen')


def test_query_value_not_valid_utf8_falls_back_to_latin1():
    # differs from 0.13.4: attribute access gives '' there
    result, value = observe(lambda r: (r.query.get('q'), r.query['q'], r.query.q,
                                       r.query.getunicode('q')),
                            query='q=%FCber')
    assert result.code == 200
    assert value == ('über', 'über', 'über', 'über')


def test_raw_non_utf8_byte_in_query_falls_back_to_latin1():
    # differs from 0.13.4: attribute access gives '' there
    environ = make_environ('/x', QUERY_STRING='q=\xff&ok=1')
    result, value = observe_environ(lambda r: (r.query.get('q'), r.query.q, r.query['ok']),
                                    environ)
    assert result.code == 200
    assert value == ('\xff', '\xff', '1')


def test_form_value_not_valid_utf8_falls_back_to_latin1():
    # differs from 0.13.4: attribute access gives '' there
    result, value = observe(lambda r: (r.forms.get('a'), r.forms.a, r.forms['b']),
                            method='POST', body=b'a=%E9t%E9&b=\xff', headers=FORM)
    assert result.code == 200
    assert value == ('été', 'été', '\xff')


def test_cookie_value_not_valid_utf8_falls_back_to_latin1():
    # differs from 0.13.4: its cookie parser rejects the whole header
    result, value = observe(lambda r: (r.get_cookie('c'), r.cookies.c, r.get_cookie('ok')),
                            headers={'Cookie': 'c=\xe9t\xe9; ok=1'})
    assert result.code == 200
    assert value == ('été', 'été', '1')


def test_path_not_valid_utf8_gives_400():
    # differs from 0.13.4: it matches the latin-1 mojibake (here: 200 with 'caf')
    app = Bottle()
    app.route('/<name>', callback=lambda name: name)
    result = call(app, raw_path='/caf\xe9')
    assert_clean_client_error(result, 400)


def test_percent_signs_in_path_info_are_left_alone():
    # PATH_INFO arrives already unquoted by the server; nothing is unquoted twice
    result, value = observe(lambda r: r.path, raw_path='/a%zz%41')
    assert result.code == 200
    assert value == '/a%zz%41'


# ---------------------------------------------------------------- body

def test_body_is_a_seekable_file_like_with_the_whole_body():
    req = make_request(method='POST', body=b'hello world')
    body = req.body
    assert body.seekable()
    assert body.read() == b'hello world'
    body.seek(6)
    assert body.read() == b'world'


def test_body_read_twice_gives_the_same_data():
    req = make_request(method='POST', body=b'payload')
    assert req.body.read() == b'payload'
    assert req.body.read() == b'payload'


def test_body_is_still_readable_after_forms_were_parsed():
    req = make_request(method='POST', body='a=1&b=2', headers=FORM)
    assert dict(req.forms) == {'a': '1', 'b': '2'}
    assert req.body.read() == b'a=1&b=2'


def test_body_of_get_without_content_length_is_empty():
    assert make_request().body.read() == b''


def test_body_honours_content_length_exactly():
    stream = io.BytesIO(b'hello world')
    environ = make_environ('/b', 'POST', CONTENT_LENGTH='5')
    environ['wsgi.input'] = stream
    result, value = observe_environ(lambda r: r.body.read(), environ)
    assert result.code == 200
    assert value == b'hello'
    assert stream.read() == b' world'


def test_changing_wsgi_input_refreshes_body_forms_and_json():
    req = make_request(method='POST', body='a=1', headers=FORM)
    assert dict(req.forms) == {'a': '1'}
    req['wsgi.input'] = io.BytesIO(b'a=2')
    assert dict(req.forms) == {'a': '2'}
    assert req.body.read() == b'a=2'

    req = make_request(method='POST', body=b'{"a": 1}', headers=JSON)
    assert req.json == {'a': 1}
    req['wsgi.input'] = io.BytesIO(b'{"a": 2}')
    assert req.json == {'a': 2}


def test_chunked_reflects_transfer_encoding():
    assert make_request(method='POST', headers={'Transfer-Encoding': 'chunked'}).chunked is True
    assert make_request(method='POST', body=b'x').chunked is False


def test_content_length_is_minus_one_when_missing():
    assert make_request().content_length == -1


def test_content_length_from_header():
    assert make_request(method='POST', body=b'12345').content_length == 5


def test_content_type_is_lower_cased():
    req = make_request(headers={'Content-Type': 'Text/HTML; Charset=UTF-8'})
    assert req.content_type == 'text/html; charset=utf-8'


def test_content_type_is_empty_when_missing():
    assert make_request().content_type == ''


# ---------------------------------------------------------------- json

@pytest.mark.parametrize('content_type', [
    'application/json',
    'application/json-rpc',
    'application/json; charset=utf-8',
    'application/json-rpc; charset=UTF-8',
    'APPLICATION/JSON',
])
def test_json_body_is_parsed(content_type):
    req = make_request(method='POST', body=b'{"a": [1, 2]}', headers={'Content-Type': content_type})
    assert req.json == {'a': [1, 2]}


def test_json_through_a_wsgi_call():
    result, value = observe(lambda r: r.json, method='POST', body='{"name": "Jürgen", "n": null}',
                            headers=JSON)
    assert result.code == 200
    assert value == {'name': 'Jürgen', 'n': None}


def test_json_array_body_is_parsed():
    assert make_request(method='POST', body=b'[1, "two"]', headers=JSON).json == [1, 'two']


def test_json_type_with_a_parameter_is_json():
    headers = {'Content-Type': 'application/json;x'}
    req = make_request(method='POST', body=b'{"a": 1}', headers=headers)
    assert req.json == {'a': 1}


@pytest.mark.parametrize('content_type', [
    'text/plain', 'application/jsonx', 'application/jsonp', 'application/x-www-form-urlencoded', '',
])
def test_json_is_none_for_other_content_types(content_type):
    req = make_request(method='POST', body=b'{"a": 1}', headers={'Content-Type': content_type})
    assert req.json is None


@pytest.mark.parametrize('content_type', [
    'text/plain; application/json',
    'text/plain;application/json',
    'application/x-www-form-urlencoded;application/json',
])
def test_json_content_type_check_is_not_bypassed_with_a_semicolon(content_type):
    # CVE-2014-3137: only the media type before ';' decides
    req = make_request(method='POST', body=b'{"a": 1}', headers={'Content-Type': content_type})
    assert req.json is None


def test_json_of_empty_body_is_none():
    result, value = observe(lambda r: r.json, method='POST', body=b'', headers=JSON)
    assert result.code == 200
    assert value is None


def test_invalid_json_gives_400():
    result, _ = observe(lambda r: r.json, method='POST', body=b'{"a": ', headers=JSON)
    assert_clean_client_error(result, 400)


def test_json_that_is_not_utf8_gives_400():
    result, _ = observe(lambda r: r.json, method='POST', body=b'{"a": "\xff\xfe"}', headers=JSON)
    assert_clean_client_error(result, 400)


# ------------------------------------------------------- url, urlparts, fullpath, script_name

def url_for(path='/p', query='q=1', **extra):
    """The request URL of an environ without the testing Host header, plus ``extra``."""
    environ = make_environ(path, query=query)
    environ.pop('HTTP_HOST', None)
    environ.update(extra)
    return BaseRequest(environ).url


def test_url_uses_the_host_header():
    assert url_for(HTTP_HOST='example.com') == 'http://example.com/p?q=1'
    assert url_for(HTTP_HOST='example.com:8080') == 'http://example.com:8080/p?q=1'


@pytest.mark.parametrize('scheme, port, expected', [
    ('http', '80', 'http://srv/p?q=1'),
    ('http', '8080', 'http://srv:8080/p?q=1'),
    ('https', '443', 'https://srv/p?q=1'),
    ('https', '80', 'https://srv:80/p?q=1'),
])
def test_url_falls_back_to_server_name_and_port(scheme, port, expected):
    extra = {'SERVER_NAME': 'srv', 'SERVER_PORT': port, 'wsgi.url_scheme': scheme}
    assert url_for(**extra) == expected


def test_url_prefers_x_forwarded_host_and_proto():
    url = url_for(HTTP_HOST='internal:8080', HTTP_X_FORWARDED_HOST='public.example',
                  HTTP_X_FORWARDED_PROTO='https')
    assert url == 'https://public.example/p?q=1'


def test_url_honours_x_forwarded_proto_alone():
    assert url_for(HTTP_HOST='h:8080', HTTP_X_FORWARDED_PROTO='https') == 'https://h:8080/p?q=1'


def test_url_includes_script_name():
    assert url_for(HTTP_HOST='h', SCRIPT_NAME='/app') == 'http://h/app/p?q=1'


def test_url_without_query_has_no_question_mark():
    assert url_for(query='', HTTP_HOST='h') == 'http://h/p'


def test_url_through_a_wsgi_call():
    result, value = observe(lambda r: r.url, path='/a b', query='x=1', HTTP_HOST='example.com')
    assert result.code == 200
    assert value == 'http://example.com/a%20b?x=1'


def test_urlparts_is_a_split_result():
    parts = make_request('/p', query='q=1', HTTP_HOST='h:81').urlparts
    assert (parts.scheme, parts.netloc, parts.path, parts.query, parts.fragment) == \
        ('http', 'h:81', '/p', 'q=1', '')


def test_fullpath_joins_script_name_and_path():
    assert make_request('/x', SCRIPT_NAME='/app').fullpath == '/app/x'
    assert make_request('/x/', SCRIPT_NAME='/app/').fullpath == '/app/x/'
    assert make_request('/x').fullpath == '/x'


@pytest.mark.parametrize('script_name, expected', [
    ('', '/'), ('/', '/'), ('/app', '/app/'), ('app/', '/app/'), ('/a/b', '/a/b/'),
])
def test_script_name_is_normalised_with_slashes(script_name, expected):
    assert make_request('/x', SCRIPT_NAME=script_name).script_name == expected


def test_path_shift_moves_segments_to_script_name():
    environ = make_environ('/a/b/c', SCRIPT_NAME='/root')
    req = BaseRequest(environ)
    req.path_shift(1)
    assert (environ['SCRIPT_NAME'], environ['PATH_INFO']) == ('/root/a', '/b/c')
    assert req.path == '/b/c'
    assert req.script_name == '/root/a/'


def test_path_shift_by_two():
    environ = make_environ('/a/b/c', SCRIPT_NAME='/root')
    BaseRequest(environ).path_shift(2)
    assert (environ['SCRIPT_NAME'], environ['PATH_INFO']) == ('/root/a/b', '/c')


def test_negative_path_shift_moves_segments_back_to_path():
    environ = make_environ('/c', SCRIPT_NAME='/root/a/b')
    req = BaseRequest(environ)
    req.path_shift(-2)
    assert (environ['SCRIPT_NAME'], environ['PATH_INFO']) == ('/root', '/a/b/c')
    assert req.path == '/a/b/c'


def test_path_shift_by_zero_changes_nothing():
    environ = make_environ('/a/b', SCRIPT_NAME='/root')
    BaseRequest(environ).path_shift(0)
    assert (environ['SCRIPT_NAME'], environ['PATH_INFO']) == ('/root', '/a/b')


def test_path_shift_past_the_end_of_path_info_raises():
    environ = make_environ('/a/b', SCRIPT_NAME='/root')
    with pytest.raises(AssertionError):
        BaseRequest(environ).path_shift(3)


def test_path_shift_past_the_start_of_script_name_raises():
    environ = make_environ('/a/b', SCRIPT_NAME='/root')
    with pytest.raises(AssertionError):
        BaseRequest(environ).path_shift(-2)


# ---------------------------------------------------------------- is_xhr, auth, remote address

def test_is_xhr_and_is_ajax_follow_x_requested_with():
    req = make_request(headers={'X-Requested-With': 'XMLHttpRequest'})
    assert req.is_xhr is True
    assert req.is_ajax is True


def test_x_requested_with_is_compared_case_insensitively():
    assert make_request(headers={'X-Requested-With': 'xmlhttprequest'}).is_xhr is True


def test_plain_request_is_not_xhr():
    req = make_request()
    assert req.is_xhr is False
    assert req.is_ajax is False


def basic(credentials):
    return 'Basic ' + base64.b64encode(credentials.encode('utf8')).decode('ascii')


def test_auth_decodes_basic_credentials():
    req = make_request(headers={'Authorization': basic('user:pa:ss')})
    assert req.auth == ('user', 'pa:ss')


def test_auth_decodes_utf8_basic_credentials():
    assert make_request(headers={'Authorization': basic('jürgen:pässword')}).auth == \
        ('jürgen', 'pässword')


def test_auth_uses_remote_user_without_authorization_header():
    assert make_request(REMOTE_USER='bob').auth == ('bob', None)


def test_auth_prefers_the_basic_header_over_remote_user():
    req = make_request(headers={'Authorization': basic('user:pw')}, REMOTE_USER='bob')
    assert req.auth == ('user', 'pw')


@pytest.mark.parametrize('authorization', [
    'Basic !!!not-base64!!!', 'Bearer abc.def.ghi', basic('no-colon-here'), 'Basic',
])
def test_auth_is_none_for_unusable_authorization(authorization):
    assert make_request(headers={'Authorization': authorization}).auth is None


def test_auth_is_none_without_credentials():
    assert make_request().auth is None


def test_auth_through_a_wsgi_call():
    result, value = observe(lambda r: r.auth, headers={'Authorization': basic('ann:secret')})
    assert result.code == 200
    assert value == ('ann', 'secret')


def test_remote_route_lists_x_forwarded_for_addresses():
    req = make_request(REMOTE_ADDR='10.0.0.1', HTTP_X_FORWARDED_FOR='5.6.7.8, 9.9.9.9')
    assert req.remote_route == ['5.6.7.8', '9.9.9.9']
    assert req.remote_addr == '5.6.7.8'


def test_x_forwarded_for_without_spaces():
    assert make_request(HTTP_X_FORWARDED_FOR='5.6.7.8,9.9.9.9').remote_route == \
        ['5.6.7.8', '9.9.9.9']


def test_remote_route_without_proxy_is_remote_addr():
    req = make_request(REMOTE_ADDR='10.0.0.1')
    assert req.remote_route == ['10.0.0.1']
    assert req.remote_addr == '10.0.0.1'


def test_remote_addr_is_none_when_unknown():
    environ = make_environ()
    environ.pop('REMOTE_ADDR', None)
    req = BaseRequest(environ)
    assert req.remote_route == []
    assert req.remote_addr is None


# ---------------------------------------------------------------- dict access, copy, attributes

def test_item_access_reads_the_environ():
    req = make_request('/x')
    assert req['PATH_INFO'] == '/x'
    assert 'PATH_INFO' in req
    with pytest.raises(KeyError):
        req['NOT_THERE']


def test_get_reads_the_environ_with_a_default():
    req = make_request('/x')
    assert req.get('PATH_INFO') == '/x'
    assert req.get('NOT_THERE') is None
    assert req.get('NOT_THERE', 'fallback') == 'fallback'


def test_setting_an_item_writes_the_environ():
    req = make_request()
    req['myapp.user'] = 'alice'
    assert req.environ['myapp.user'] == 'alice'
    assert req['myapp.user'] == 'alice'


def test_deleting_an_item_removes_it_from_the_environ():
    req = make_request()
    req['myapp.user'] = 'alice'
    del req['myapp.user']
    assert 'myapp.user' not in req.environ


def test_keys_len_and_iter_follow_the_environ():
    req = make_request('/x')
    assert sorted(req.keys()) == sorted(req.environ.keys())
    assert sorted(iter(req)) == sorted(req.environ)
    assert len(req) == len(req.environ)
    req['myapp.extra'] = 1
    assert 'myapp.extra' in req.keys()
    assert len(req) == len(req.environ)


def test_read_only_environ_refuses_changes():
    req = make_request(**{'bottle.request.readonly': True})
    with pytest.raises(KeyError):
        req['myapp.user'] = 'alice'
    with pytest.raises(KeyError):
        req['PATH_INFO'] = '/other'
    with pytest.raises(KeyError):
        del req['PATH_INFO']
    assert req['PATH_INFO'] == '/'


def test_copy_has_its_own_environ():
    original = make_request('/x', query='a=1')
    duplicate = original.copy()
    assert isinstance(duplicate, BaseRequest)
    assert duplicate.environ is not original.environ
    assert duplicate.path == '/x'
    assert duplicate.query['a'] == '1'
    duplicate['PATH_INFO'] = '/other'
    assert duplicate.path == '/other'
    assert original.path == '/x'


def test_copy_of_the_global_request_is_independent_of_later_requests():
    app = Bottle()
    copies = []
    app.route('/<name>', callback=lambda name: copies.append(request.copy()) or 'ok')
    assert call(app, '/first').code == 200
    assert call(app, '/second').code == 200
    assert [c.path for c in copies] == ['/first', '/second']


def test_custom_attributes_are_stored_in_the_environ():
    environ = make_environ()
    req = BaseRequest(environ)
    req.user = 'alice'
    assert req.user == 'alice'
    assert BaseRequest(environ).user == 'alice'


def test_custom_attribute_set_in_a_hook_is_seen_by_the_handler():
    app = Bottle()

    @app.hook('before_request')
    def authenticate():
        request.user = 'alice'

    app.route('/', callback=lambda: request.user)
    result = call(app, '/')
    assert result.code == 200
    assert result.text == 'alice'


def test_custom_attribute_cannot_be_defined_twice():
    req = make_request()
    req.user = 'alice'
    with pytest.raises(AttributeError):
        req.user = 'bob'
    assert req.user == 'alice'


def test_builtin_properties_cannot_be_assigned():
    req = make_request('/x')
    with pytest.raises(AttributeError):
        req.path = '/other'
    assert req.path == '/x'


def test_unknown_attribute_raises_attribute_error():
    req = make_request()
    with pytest.raises(AttributeError):
        req.no_such_thing  # noqa: B018 (the attribute access is what is tested)
    assert not hasattr(req, 'no_such_thing')


def test_changing_http_cookie_refreshes_cookies():
    req = make_request(headers={'Cookie': 'a=1'})
    assert req.cookies['a'] == '1'
    req['HTTP_COOKIE'] = 'a=2'
    assert req.cookies['a'] == '2'
    assert req.get_cookie('a') == '2'


# ---------------------------------------------------------------- LocalRequest

def test_global_request_is_a_local_request():
    assert isinstance(request, bottle.LocalRequest)
    assert isinstance(request, BaseRequest)


def test_global_request_is_bound_to_the_current_environ():
    environ = make_environ('/here', query='a=1')
    result, value = observe_environ(lambda r: (r.environ is environ, r.path, r.query['a']),
                                    environ)
    assert result.code == 200
    assert value == (True, '/here', '1')


def test_bind_rebinds_the_global_request():
    request.bind(make_environ('/bound', query='v=1'))
    assert request.path == '/bound'
    assert request.query.v == '1'


def test_threads_binding_different_environs_see_their_own_values():
    barrier = threading.Barrier(2, timeout=10)
    seen = {}

    def worker(name):
        environ = make_environ('/' + name, query='v=' + name)
        request.bind(environ)
        barrier.wait()  # both threads have bound before either reads
        seen[name] = (request.environ is environ, request.path, request.query.v)

    threads = [threading.Thread(target=worker, args=(name,)) for name in ('one', 'two')]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert seen == {'one': (True, '/one', 'one'), 'two': (True, '/two', 'two')}


def test_concurrent_wsgi_calls_each_see_their_own_request():
    app = Bottle()
    barrier = threading.Barrier(2, timeout=10)

    @app.route('/<name>')
    def handler(name):
        before = request.path
        barrier.wait()  # the other request is bound now, too
        return '%s|%s|%s' % (before, request.path, request.query.v)

    results = {}

    def worker(name):
        results[name] = call(app, '/' + name, query='v=' + name)

    threads = [threading.Thread(target=worker, args=(name,)) for name in ('one', 'two')]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert results['one'].text == '/one|/one|one'
    assert results['two'].text == '/two|/two|two'


# ---------------------------------------------------------------- bad input

def test_ten_thousand_headers_are_handled():
    headers = {'X-Header-%d' % i: str(i) for i in range(10000)}
    result, value = observe(lambda r: (len(r.headers), r.headers['x-header-9999'],
                                       r.get_header('X-Header-0')),
                            headers=headers)
    assert result.code == 200
    assert value == (10001, '9999', '0')  # plus Host


@pytest.mark.parametrize('content_length', ['abc', '1e3', '0x3', '3.0'])
def test_non_numeric_content_length_gives_400(content_length):
    # differs from 0.13.4: it fails with a 500 (ValueError from int())
    environ = make_environ('/f', 'POST', body=b'a=1', headers=FORM)
    environ['CONTENT_LENGTH'] = content_length
    result, _ = observe_environ(lambda r: dict(r.forms), environ)
    assert_clean_client_error(result, 400)


def test_negative_content_length_is_treated_as_no_body():
    environ = make_environ('/f', 'POST', body=b'a=1', headers=FORM)
    environ['CONTENT_LENGTH'] = '-5'
    result, value = observe_environ(lambda r: (dict(r.forms), r.body.read()), environ)
    assert result.code == 200
    assert value == ({}, b'')


def test_empty_content_length_is_treated_as_no_body():
    environ = make_environ('/f', 'POST', body=b'a=1', headers=FORM)
    environ['CONTENT_LENGTH'] = ''
    result, value = observe_environ(lambda r: (r.content_length, r.body.read()), environ)
    assert result.code == 200
    assert value == (-1, b'')


def test_body_shorter_than_content_length_gives_400():
    # differs from 0.13.4: it silently accepts the truncated body
    environ = make_environ('/f', 'POST', body=b'a=1', headers=FORM)
    environ['CONTENT_LENGTH'] = '100'
    result, _ = observe_environ(lambda r: dict(r.forms), environ)
    assert_clean_client_error(result, 400)


def test_large_body_shorter_than_content_length_gives_400():
    # differs from 0.13.4: it silently accepts the truncated body
    environ = make_environ('/b', 'POST', body=b'x' * 300000)
    environ['CONTENT_LENGTH'] = '300001'
    result, _ = observe_environ(lambda r: r.body.read(), environ)
    assert_clean_client_error(result, 400)


@pytest.mark.parametrize('method', ['PROPFIND', 'BREW', 'M-SEARCH'])
def test_unknown_method_reaches_an_any_route(method):
    app = Bottle()
    app.route('/m', method='ANY', callback=lambda: request.method)
    result = call(app, '/m', method=method)
    assert result.code == 200
    assert result.text == method


def test_unknown_method_on_a_get_route_gives_405():
    app = Bottle()
    app.route('/m', callback=lambda: 'get')
    result = call(app, '/m', method='BREW')
    assert_clean_client_error(result, 405)
    assert 'GET' in result.header('Allow')


def test_custom_method_route_matches_case_insensitively():
    app = Bottle()
    app.route('/m', method='PROPFIND', callback=lambda: request.method)
    result = call(app, '/m', method='propfind')
    assert result.code == 200
    assert result.text == 'PROPFIND'


# --------------------------------------------------------------------------- body size limit

def test_body_larger_than_max_body_size_gives_413(monkeypatch):
    monkeypatch.setattr(BaseRequest, 'MAX_BODY_SIZE', 1000)
    app = Bottle()
    app.route('/', method='POST', callback=lambda: str(len(request.body.read())))
    result = call(app, '/', 'POST', body=b'x' * 200000)
    assert result.code == 413
    assert b'1000' in result.body


def test_chunked_body_growing_past_max_body_size_gives_413(monkeypatch):
    monkeypatch.setattr(BaseRequest, 'MAX_BODY_SIZE', 150000)
    app = Bottle()
    app.route('/', method='POST', callback=lambda: str(len(request.body.read())))
    chunk = b'y' * 100000
    body = b'%x\r\n%s\r\n' % (len(chunk), chunk) * 3 + b'0\r\n\r\n'
    result = call(app, '/', 'POST', body=body, headers={'Transfer-Encoding': 'chunked'})
    assert result.code == 413


def test_body_within_max_body_size_is_read_whole(monkeypatch):
    monkeypatch.setattr(BaseRequest, 'MAX_BODY_SIZE', 300000)
    app = Bottle()
    app.route('/', method='POST', callback=lambda: str(len(request.body.read())))
    result = call(app, '/', 'POST', body=b'x' * 200000)
    assert result.code == 200
    assert result.body == b'200000'


# --------------------------------------------------------------------------- fast paths

def _urllib_reference(qs):
    from urllib.parse import parse_qsl
    return parse_qsl(qs, keep_blank_values=True, encoding='utf8', errors='strict')


@pytest.mark.parametrize('seed', range(30))
def test_query_parser_agrees_with_urllib_on_valid_input(seed):
    # _parse_qsl skips all decoding for plain strings; with escapes, '+' or raw UTF-8 it
    # decodes per component. Both paths must agree with the standard library's parser.
    import random
    rng = random.Random(seed)
    alphabet = ['a', 'b', 'Z', '0', '=', '&', '+', ';', '-', '.', '%20', '%26', '%3D', '%2B',
                '%C3%A4', '%e2%82%ac', '%25', '\u00c3\u00a4']  # the last one: raw UTF-8 bytes
    for _ in range(50):
        qs = ''.join(rng.choice(alphabet) for _ in range(rng.randint(0, 25)))
        expected = [(key, value) for key, value
                    in _urllib_reference(qs.encode('latin1').decode('utf8'))]
        assert [tuple(pair) for pair in bottle._parse_qsl(qs)] == expected, qs


@pytest.mark.parametrize('qs', ['a=1&b=2', 'a=x+y&b=2', 'a=%41&b=2', 'a=\u00c3\u00a4&b=2'])
def test_query_parser_gives_the_same_pairs_with_and_without_the_fast_path(qs):
    assert [tuple(pair) for pair in bottle._parse_qsl(qs)] == _urllib_reference(
        qs.encode('latin1').decode('utf8'))


def test_form_attribute_access_fast_path_matches_getunicode():
    environ = make_environ('/', 'POST', body='n=%C3%A4&m=plain&e=', headers=FORM)
    forms = BaseRequest(environ).forms
    for name in ('n', 'm', 'e', 'missing'):
        assert getattr(forms, name) == (forms.getunicode(name) or '')


@pytest.mark.parametrize('size', [BaseRequest.MEMFILE_MAX - 1, BaseRequest.MEMFILE_MAX,
                                  BaseRequest.MEMFILE_MAX + 1, 3 * BaseRequest.MEMFILE_MAX])
def test_small_and_large_bodies_read_back_identically(size):
    # Bodies up to MEMFILE_MAX take a one-read path, larger ones are copied in chunks
    # (and spooled to disk): the bytes must be the same either way.
    data = bytes(range(256)) * (size // 256) + b'x' * (size % 256)
    request = BaseRequest(make_environ('/', 'POST', body=data))
    assert request.body.read() == data
    assert request.body.read() == data
    request.body.close()  # a large body is spooled to a temporary file


# -------------------------------------------------------- malformed Host, Content-Length (issue 14)

@pytest.mark.parametrize('host', ['x:y:z', '[::1', 'a b', 'evil.com/path', 'a@b', '\x1fhost', '',
                                  '%', '%4', 'a%zz', '[::1%eth0]', '[x]', '[::g]', '[1.2.3.4]',
                                  '[VF.a]'])
def test_a_malformed_host_falls_back_to_server_name(host):
    environ = make_environ('/p', query='q=1', HTTP_HOST=host, SERVER_NAME='server.example',
                           SERVER_PORT='8080')
    req = BaseRequest(environ)
    assert req.url == 'http://server.example:8080/p?q=1'
    assert req.urlparts.netloc == 'server.example:8080'


@pytest.mark.parametrize('host', ['example.com', 'example.com:8080', '[::1]:8080', '10.0.0.1',
                                  'xn--caf-dma.example', '%41', '[fe80::1%25eth0]:80',
                                  '[v1.a:b]', '[::ffff:1.2.3.4]'])
def test_a_valid_host_is_used(host):
    req = BaseRequest(make_environ('/p', HTTP_HOST=host))
    assert req.urlparts.netloc == host


def test_a_malformed_forwarded_host_falls_back_to_the_host_header():
    req = BaseRequest(make_environ('/', HTTP_HOST='good.example',
                                   HTTP_X_FORWARDED_HOST='[::1'))
    assert req.url == 'http://good.example/'


def test_a_malformed_forwarded_proto_falls_back_to_the_url_scheme():
    req = BaseRequest(make_environ('/', HTTP_X_FORWARDED_PROTO='ht tp'))
    assert req.urlparts.scheme == 'http'


def test_redirect_behind_a_malformed_host_answers_a_redirect():
    app = Bottle()
    app.route('/', callback=lambda: bottle.redirect('/next'))
    result = call(app, '/', HTTP_HOST='[::1', SERVER_NAME='server.example', SERVER_PORT='80')
    assert result.code == 302
    assert result.header('Location') == 'http://server.example/next'


@pytest.mark.parametrize('value', ['\u00b2', '1\u00b2', '-\u00b9', '\u0661\u0662'])
def test_content_length_of_non_ascii_digits_is_a_400(value):
    app = Bottle()
    app.route('/', method='POST', callback=lambda: str(bottle.request.content_length))
    result = call(app, '/', 'POST', body=b'abc', headers={'Content-Length': value})
    assert result.code == 400
    assert b'Invalid Content-Length' in result.body
