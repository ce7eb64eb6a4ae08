"""BaseResponse and the global ``bottle.response``: status, headers, cookies, content headers.

Most behaviour is checked through a real WSGI call: a route changes ``bottle.response`` and
the test looks at what a server would have sent. Pure bookkeeping (reading a property back,
``copy()``) is checked on a ``BaseResponse`` built directly.
"""
import datetime
import hashlib
import threading
import time
import warnings
from http.cookies import CookieError

import pytest

import bottle
from helpers import call

DEFAULT_CONTENT_TYPE = 'text/html; charset=UTF-8'


def parse_set_cookie(header):
    """Split one Set-Cookie header into (name, value, {lower-case attribute: value or True})."""
    first, *rest = [part.strip() for part in header.split(';')]
    name, _, value = first.partition('=')
    attributes = {}
    for part in rest:
        key, has_value, val = part.partition('=')
        attributes[key.strip().lower()] = val.strip() if has_value else True
    return name, value, attributes


def only_set_cookie(response):
    """The single Set-Cookie header a BaseResponse would send, parsed."""
    headers = [value for name, value in response.headerlist if name == 'Set-Cookie']
    assert len(headers) == 1, headers
    return parse_set_cookie(headers[0])


def cookie_header_from(result):
    """Turn the Set-Cookie headers of a Result into the Cookie header a browser sends back."""
    return '; '.join(value.split(';')[0] for value in result.header_list('Set-Cookie'))


def assert_no_header_injection(result):
    for name, value in result.headers:
        assert '\r' not in name and '\n' not in name
        assert '\r' not in value and '\n' not in value
    assert result.header('X-Evil') is None
    assert '\r' not in result.status and '\n' not in result.status


# --------------------------------------------------------------------------- status

def test_default_status_is_200_ok():
    app = bottle.Bottle()
    app.route('/', callback=lambda: 'hello')
    result = call(app, '/')
    assert result.status == '200 OK'


def test_status_set_as_int_gets_standard_reason_phrase():
    app = bottle.Bottle()

    @app.route('/')
    def index():
        bottle.response.status = 404
        return 'missing'

    result = call(app, '/')
    assert result.status == '404 Not Found'
    assert result.body == b'missing'


def test_status_set_as_line_keeps_custom_reason_phrase():
    app = bottle.Bottle()

    @app.route('/')
    def index():
        bottle.response.status = '404 Gone Fishing'
        return ''

    assert call(app, '/').status == '404 Gone Fishing'


def test_custom_status_code_with_custom_reason_phrase():
    app = bottle.Bottle()

    @app.route('/')
    def index():
        bottle.response.status = '299 Custom Thing'
        return 'x'

    assert call(app, '/').status == '299 Custom Thing'


def test_custom_status_code_as_int_is_sent_with_some_reason_phrase():
    app = bottle.Bottle()

    @app.route('/')
    def index():
        bottle.response.status = 299
        return 'x'

    result = call(app, '/')
    assert result.code == 299
    code, reason = result.status.split(' ', 1)
    assert code == '299' and reason.strip()


def test_status_code_and_status_line_follow_an_int_status():
    response = bottle.BaseResponse()
    response.status = 418
    assert response.status_code == 418
    assert response.status_line == "418 I'm a teapot"
    assert response.status == response.status_line


def test_status_code_and_status_line_follow_a_string_status():
    response = bottle.BaseResponse()
    response.status = '201 Made It'
    assert response.status_code == 201
    assert response.status_line == '201 Made It'


def test_status_given_to_constructor():
    response = bottle.BaseResponse('body', status=202)
    assert response.status_line == '202 Accepted'
    assert response.status_code == 202


@pytest.mark.parametrize('bad_status', [99, 1000, 0, -1, '99 Too Low', '1000 Too High'])
def test_status_code_out_of_range_raises_value_error(bad_status):
    response = bottle.BaseResponse()
    with pytest.raises(ValueError):
        response.status = bad_status


@pytest.mark.parametrize('bad_status', ['abc', '', '200', '404', 'OK'])
def test_status_string_without_code_and_reason_raises_value_error(bad_status):
    response = bottle.BaseResponse()
    with pytest.raises(ValueError):
        response.status = bad_status


@pytest.mark.parametrize('bad_status', ['200 OK\r\nX-Evil: 1', '200 OK\nX-Evil: 1'])
def test_status_line_with_line_break_raises_value_error(bad_status):
    response = bottle.BaseResponse()
    with pytest.raises(ValueError):
        response.status = bad_status


def test_invalid_status_leaves_previous_status_untouched():
    response = bottle.BaseResponse()
    response.status = 201
    with pytest.raises(ValueError):
        response.status = 'abc'
    assert response.status_code == 201
    assert response.status_line == '201 Created'


def test_invalid_status_in_constructor_raises_value_error():
    with pytest.raises(ValueError):
        bottle.BaseResponse('x', status=1000)
    with pytest.raises(ValueError):
        bottle.HTTPResponse('x', status='abc')


def test_invalid_status_set_in_callback_gives_500():
    app = bottle.Bottle()

    @app.route('/')
    def index():
        bottle.response.status = 'abc'
        return 'never sent'

    result = call(app, '/')
    assert result.code == 500
    assert b'never sent' not in result.body


# --------------------------------------------------------------------------- headers

def test_headers_is_a_header_dict():
    assert isinstance(bottle.BaseResponse().headers, bottle.HeaderDict)


def test_set_header_is_sent_to_client():
    app = bottle.Bottle()

    @app.route('/')
    def index():
        bottle.response.set_header('Content-Language', 'en')
        return 'x'

    assert call(app, '/').header('Content-Language') == 'en'


def test_set_header_replaces_previous_value():
    app = bottle.Bottle()

    @app.route('/')
    def index():
        bottle.response.set_header('X-Thing', 'one')
        bottle.response.set_header('x-thing', 'two')
        return 'x'

    assert call(app, '/').header_list('X-Thing') == ['two']


def test_add_header_sends_the_header_twice():
    app = bottle.Bottle()

    @app.route('/')
    def index():
        bottle.response.add_header('X-Thing', 'one')
        bottle.response.add_header('X-THING', 'two')
        return 'x'

    assert call(app, '/').header_list('X-Thing') == ['one', 'two']


def test_header_names_are_case_insensitive():
    response = bottle.BaseResponse()
    response['x-custom-header'] = 'value'
    assert 'X-Custom-Header' in response
    assert 'X-CUSTOM-HEADER' in response
    assert response['X-CUSTOM-header'] == 'value'
    assert response.get_header('x-CUSTOM-header') == 'value'
    assert response.headers['X-Custom-Header'] == 'value'


def test_header_names_are_sent_title_cased():
    response = bottle.BaseResponse()
    response['x-custom-header'] = 'value'
    assert ('X-Custom-Header', 'value') in response.headerlist


def test_get_header_returns_last_value():
    response = bottle.BaseResponse()
    response.add_header('X-A', '1')
    response.add_header('X-A', '2')
    assert response.get_header('X-A') == '2'


def test_get_header_returns_default_when_missing():
    response = bottle.BaseResponse()
    assert response.get_header('X-Missing') is None
    assert response.get_header('X-Missing', 'fallback') == 'fallback'


def test_getitem_of_missing_header_raises_key_error():
    response = bottle.BaseResponse()
    with pytest.raises(KeyError):
        response['X-Missing']


def test_contains_reports_missing_header():
    assert 'X-Missing' not in bottle.BaseResponse()


def test_delitem_removes_every_value_of_a_header():
    response = bottle.BaseResponse()
    response.add_header('X-A', '1')
    response.add_header('X-A', '2')
    del response['x-a']
    assert 'X-A' not in response
    assert [name for name, _ in response.headerlist if name == 'X-A'] == []


def test_delitem_of_missing_header_raises_key_error():
    response = bottle.BaseResponse()
    with pytest.raises(KeyError):
        del response['X-Missing']


def test_header_values_are_stored_as_strings():
    response = bottle.BaseResponse()
    response['X-Number'] = 5
    response.set_header('X-Other', 7)
    response.add_header('X-Third', 9)
    assert response['X-Number'] == '5'
    assert ('X-Other', '7') in response.headerlist
    assert ('X-Third', '9') in response.headerlist


def test_headers_given_to_constructor_as_dict_list_and_keywords():
    response = bottle.BaseResponse('body', headers={'X-A': '1'}, x_b='2')
    assert response['X-A'] == '1'
    assert response['X-B'] == '2'
    listed = bottle.BaseResponse(headers=[('X-Multi', '1'), ('X-Multi', '2')])
    assert [v for n, v in listed.headerlist if n == 'X-Multi'] == ['1', '2']


def test_headerlist_contains_default_content_type():
    response = bottle.BaseResponse()
    assert response.headerlist == [('Content-Type', DEFAULT_CONTENT_TYPE)]


def test_iter_headers_yields_the_headerlist():
    response = bottle.BaseResponse()
    response.add_header('X-A', '1')
    response.add_header('X-A', '2')
    response.set_cookie('c', 'v')
    assert list(response.iter_headers()) == response.headerlist


def test_headerlist_values_are_native_strings():
    response = bottle.BaseResponse()
    response.set_header('X-A', 'v')
    response.set_cookie('c', 'v')
    for name, value in response.headerlist:
        assert type(name) is str and type(value) is str


# --------------------------------------------------------------------------- CR/LF injection

@pytest.mark.parametrize('bad', ['a\r\nX-Evil: 1', 'a\nX-Evil: 1', 'a\rb'])
def test_set_header_value_with_line_break_raises_value_error(bad):
    with pytest.raises(ValueError):
        bottle.BaseResponse().set_header('X-Test', bad)


@pytest.mark.parametrize('bad', ['a\r\nX-Evil: 1', 'a\nX-Evil: 1', 'a\rb'])
def test_add_header_value_with_line_break_raises_value_error(bad):
    with pytest.raises(ValueError):
        bottle.BaseResponse().add_header('X-Test', bad)


@pytest.mark.parametrize('bad', ['a\r\nX-Evil: 1', 'a\nX-Evil: 1', 'a\rb'])
def test_setitem_value_with_line_break_raises_value_error(bad):
    response = bottle.BaseResponse()
    with pytest.raises(ValueError):
        response['X-Test'] = bad
    with pytest.raises(ValueError):
        response.headers['X-Test'] = bad


@pytest.mark.parametrize('bad', ['X-Test\r\nX-Evil', 'X-Test\n', 'X\rTest'])
def test_header_name_with_line_break_raises_value_error(bad):
    response = bottle.BaseResponse()
    with pytest.raises(ValueError):
        response.set_header(bad, 'v')
    with pytest.raises(ValueError):
        response.add_header(bad, 'v')
    with pytest.raises(ValueError):
        response[bad] = 'v'


def test_refused_header_is_not_stored():
    response = bottle.BaseResponse()
    with pytest.raises(ValueError):
        response.set_header('X-Test', 'a\r\nX-Evil: 1')
    assert 'X-Test' not in response
    assert 'X-Evil' not in response


def test_content_type_with_line_break_raises_value_error():
    with pytest.raises(ValueError):
        bottle.BaseResponse().content_type = 'text/html\r\nX-Evil: 1'


def test_http_response_headers_with_line_break_raise_value_error():
    with pytest.raises(ValueError):
        bottle.HTTPResponse('x', headers={'X-Test': 'a\nX-Evil: 1'})
    with pytest.raises(ValueError):
        bottle.HTTPResponse('x', headers={'X-Test\r\nX-Evil': '1'})
    with pytest.raises(ValueError):
        bottle.HTTPResponse('x', x_test='a\r\nX-Evil: 1')


def test_header_injection_attempt_in_callback_never_reaches_client():
    app = bottle.Bottle()

    @app.route('/')
    def index():
        bottle.response.set_header('X-Test', 'a\r\nX-Evil: 1')
        return 'x'

    result = call(app, '/')
    assert result.code == 500
    assert_no_header_injection(result)


@pytest.mark.parametrize('target', [
    '/next\r\nX-Evil: yes',
    '/next\nX-Evil: yes',
    'http://example.com/a\r\nX-Evil: yes',
    '/next%0d%0aX-Evil: yes',
])
def test_redirect_with_line_break_emits_no_injected_header(target):
    # CVE-2016-9964: a redirect target must never split the response headers.
    app = bottle.Bottle()

    @app.route('/')
    def index():
        bottle.redirect(target)

    result = call(app, '/')
    assert_no_header_injection(result)
    assert b'X-Evil: yes\r\n' not in result.body


def test_redirect_target_from_query_cannot_inject_set_cookie():
    app = bottle.Bottle()

    @app.route('/')
    def index():
        bottle.redirect(bottle.request.query.get('next', '/'))

    result = call(app, '/', query='next=/home%0D%0ASet-Cookie:%20session=stolen')
    assert_no_header_injection(result)
    assert result.header_list('Set-Cookie') == []


# --------------------------------------------------------------------------- content headers

def test_default_content_type_is_html_utf8():
    app = bottle.Bottle()
    app.route('/', callback=lambda: 'hello')
    result = call(app, '/')
    assert result.header('Content-Type') == DEFAULT_CONTENT_TYPE


def test_default_content_type_for_bytes_body():
    app = bottle.Bottle()
    app.route('/', callback=lambda: b'raw')
    assert call(app, '/').header('Content-Type') == DEFAULT_CONTENT_TYPE


def test_content_type_setter_is_sent_unchanged():
    app = bottle.Bottle()

    @app.route('/')
    def index():
        bottle.response.content_type = 'application/x-custom'
        return 'x'

    assert call(app, '/').header_list('Content-Type') == ['application/x-custom']


def test_content_type_reads_back_what_was_set():
    response = bottle.BaseResponse()
    response.content_type = 'text/plain'
    assert response.content_type == 'text/plain'
    assert response['Content-Type'] == 'text/plain'


def test_content_length_is_computed_for_str_body():
    app = bottle.Bottle()
    app.route('/', callback=lambda: 'h\u00e9llo')
    result = call(app, '/')
    assert result.header('Content-Length') == '6'
    assert result.body == 'h\u00e9llo'.encode('utf8')


def test_content_length_reads_back_as_int():
    response = bottle.BaseResponse()
    response.content_length = 12
    assert response.content_length == 12
    assert response['Content-Length'] == '12'


def test_content_length_set_from_string_reads_back_as_int():
    response = bottle.BaseResponse()
    response.content_length = '34'
    assert response.content_length == 34


def test_expires_set_as_datetime_is_sent_as_http_date():
    app = bottle.Bottle()

    @app.route('/')
    def index():
        bottle.response.expires = datetime.datetime(2030, 1, 2, 3, 4, 5)
        return 'x'

    assert call(app, '/').header('Expires') == 'Wed, 02 Jan 2030 03:04:05 GMT'


def test_expires_set_as_timestamp_is_sent_as_http_date():
    app = bottle.Bottle()

    @app.route('/')
    def index():
        bottle.response.expires = 784111777
        return 'x'

    assert call(app, '/').header('Expires') == 'Sun, 06 Nov 1994 08:49:37 GMT'


def test_expires_set_as_date_is_midnight_utc():
    response = bottle.BaseResponse()
    response.expires = datetime.date(2030, 1, 2)
    assert response['Expires'] == 'Wed, 02 Jan 2030 00:00:00 GMT'


def test_expires_reads_back_as_aware_utc_datetime():
    response = bottle.BaseResponse()
    response.expires = 784111777
    value = response.expires
    assert isinstance(value, datetime.datetime)
    assert value.utcoffset() == datetime.timedelta(0)
    assert value == datetime.datetime(1994, 11, 6, 8, 49, 37, tzinfo=datetime.timezone.utc)


def test_expires_with_timezone_is_converted_to_gmt():
    response = bottle.BaseResponse()
    plus_two = datetime.timezone(datetime.timedelta(hours=2))
    response.expires = datetime.datetime(2020, 1, 2, 3, 4, 5, tzinfo=plus_two)
    assert response['Expires'] == 'Thu, 02 Jan 2020 01:04:05 GMT'


def test_expires_header_set_by_hand_reads_back_as_datetime():
    response = bottle.BaseResponse()
    response['Expires'] = 'Sun, 06 Nov 1994 08:49:37 GMT'
    assert response.expires == datetime.datetime(1994, 11, 6, 8, 49, 37,
                                                  tzinfo=datetime.timezone.utc)


# --------------------------------------------------------------------------- charset

def test_charset_defaults_to_utf8():
    assert bottle.BaseResponse().charset == 'UTF-8'


def test_charset_is_read_from_content_type():
    response = bottle.BaseResponse()
    response.content_type = 'text/plain; charset=latin9'
    assert response.charset == 'latin9'


def test_charset_without_parameter_falls_back_to_utf8():
    response = bottle.BaseResponse()
    response.content_type = 'text/plain'
    assert response.charset == 'UTF-8'


def test_content_type_charset_encodes_str_body():
    app = bottle.Bottle()

    @app.route('/')
    def index():
        bottle.response.content_type = 'text/plain; charset=latin1'
        return '\u00e9'

    result = call(app, '/')
    assert result.body == b'\xe9'
    assert result.header('Content-Type') == 'text/plain; charset=latin1'
    assert result.header('Content-Length') == '1'


def test_charset_is_settable():
    # differs from 0.13.4: charset has no setter there; the tutorial promises one.
    response = bottle.BaseResponse()
    response.charset = 'latin1'
    assert response.charset == 'latin1'


def test_charset_setter_encodes_str_body():
    # differs from 0.13.4: charset has no setter there (AttributeError -> 500).
    app = bottle.Bottle()

    @app.route('/')
    def index():
        bottle.response.charset = 'ISO-8859-15'
        return '\u20ac'

    result = call(app, '/')
    assert result.code == 200
    assert result.body == '\u20ac'.encode('iso-8859-15')


def test_charset_set_after_content_type_leaves_header_unchanged():
    # differs from 0.13.4: charset has no setter there. The tutorial: set content_type
    # (sent to the client unchanged), then charset (used to encode unicode).
    app = bottle.Bottle()

    @app.route('/')
    def index():
        bottle.response.content_type = 'text/html; charset=latin9'
        bottle.response.charset = 'iso8859_15'
        return '\u20ac'

    result = call(app, '/')
    assert result.header('Content-Type') == 'text/html; charset=latin9'
    assert result.body == b'\xa4'


# --------------------------------------------------------------------------- bodiless responses

@pytest.mark.parametrize('code', [204, 304])
def test_bodiless_status_drops_body_and_content_headers(code):
    app = bottle.Bottle()

    @app.route('/')
    def index():
        bottle.response.status = code
        bottle.response.set_header('X-Kept', 'yes')
        return 'this body must not be sent'

    result = call(app, '/')
    assert result.code == code
    assert result.body == b''
    assert result.header('Content-Type') is None
    assert result.header('Content-Length') is None
    assert result.header('X-Kept') == 'yes'


def test_304_drops_entity_headers_but_keeps_etag():
    app = bottle.Bottle()

    @app.route('/')
    def index():
        response = bottle.response
        response.status = 304
        for name, value in [('Allow', 'GET'), ('Content-Encoding', 'gzip'),
                            ('Content-Language', 'en'), ('Content-Range', 'bytes 0-1/2'),
                            ('Content-MD5', 'abc'),
                            ('Last-Modified', 'Thu, 01 Jan 1970 00:00:00 GMT'),
                            ('ETag', '"v1"')]:
            response.set_header(name, value)
        return 'x'

    result = call(app, '/')
    names = {name.lower() for name, _ in result.headers}
    assert names.isdisjoint({'allow', 'content-encoding', 'content-language', 'content-range',
                             'content-md5', 'last-modified', 'content-type', 'content-length'})
    assert result.header('ETag') == '"v1"'


def test_bad_headers_table_lists_content_headers_for_204_and_304():
    for code in (204, 304):
        stripped = {name.lower() for name in bottle.BaseResponse.bad_headers[code]}
        assert {'content-type', 'content-length'} <= stripped


def test_http_response_with_304_sends_no_body():
    app = bottle.Bottle()
    app.route('/', callback=lambda: bottle.HTTPResponse(
        'gone', status=304, headers={'Content-Type': 'text/plain', 'ETag': '"t"'}))
    result = call(app, '/')
    assert result.body == b''
    assert result.header('Content-Type') is None
    assert result.header('ETag') == '"t"'


def test_204_keeps_set_cookie():
    app = bottle.Bottle()

    @app.route('/')
    def index():
        bottle.response.status = 204
        bottle.response.set_cookie('seen', 'yes')
        return ''

    result = call(app, '/')
    assert [parse_set_cookie(h)[:2] for h in result.header_list('Set-Cookie')] == [('seen', 'yes')]


def test_head_response_has_headers_but_no_body():
    app = bottle.Bottle()

    @app.route('/')
    def index():
        bottle.response.set_header('X-Hello', 'yes')
        return 'hello'

    result = call(app, '/', 'HEAD')
    assert result.code == 200
    assert result.body == b''
    assert result.header('X-Hello') == 'yes'
    assert result.header('Content-Length') == '5'
    assert result.header('Content-Type') == DEFAULT_CONTENT_TYPE


# --------------------------------------------------------------------------- set_cookie

def test_set_cookie_sends_name_and_value():
    response = bottle.BaseResponse()
    response.set_cookie('name', 'value')
    assert only_set_cookie(response) == ('name', 'value', {})


def test_set_cookie_through_wsgi():
    app = bottle.Bottle()

    @app.route('/')
    def index():
        bottle.response.set_cookie('visited', 'yes')
        return 'x'

    result = call(app, '/')
    assert [parse_set_cookie(h)[:2] for h in result.header_list('Set-Cookie')] == \
        [('visited', 'yes')]


def test_set_cookie_max_age_int():
    response = bottle.BaseResponse()
    response.set_cookie('name', 'value', max_age=10)
    assert only_set_cookie(response)[2] == {'max-age': '10'}


def test_set_cookie_max_age_timedelta_in_seconds():
    response = bottle.BaseResponse()
    response.set_cookie('name', 'value', max_age=datetime.timedelta(days=2, seconds=3))
    assert only_set_cookie(response)[2] == {'max-age': str(2 * 86400 + 3)}


def test_set_cookie_expires_datetime():
    response = bottle.BaseResponse()
    response.set_cookie('name', 'value', expires=datetime.datetime(2030, 1, 2, 3, 4, 5))
    assert only_set_cookie(response)[2] == {'expires': 'Wed, 02 Jan 2030 03:04:05 GMT'}


def test_set_cookie_expires_date():
    response = bottle.BaseResponse()
    response.set_cookie('name', 'value', expires=datetime.date(2030, 1, 2))
    assert only_set_cookie(response)[2] == {'expires': 'Wed, 02 Jan 2030 00:00:00 GMT'}


def test_set_cookie_expires_int_timestamp():
    response = bottle.BaseResponse()
    response.set_cookie('name', 'value', expires=1900000000)
    assert only_set_cookie(response)[2] == {'expires': 'Sun, 17 Mar 2030 17:46:40 GMT'}


def test_set_cookie_expires_float_timestamp():
    response = bottle.BaseResponse()
    response.set_cookie('name', 'value', expires=1900000000.7)
    assert only_set_cookie(response)[2] == {'expires': 'Sun, 17 Mar 2030 17:46:40 GMT'}


def test_set_cookie_domain_path_secure_httponly():
    response = bottle.BaseResponse()
    response.set_cookie('name', 'value', domain='example.com', path='/app',
                        secure=True, httponly=True)
    assert only_set_cookie(response)[2] == {
        'domain': 'example.com', 'path': '/app', 'secure': True, 'httponly': True}


def test_set_cookie_false_flags_are_omitted():
    response = bottle.BaseResponse()
    response.set_cookie('name', 'value', secure=False, httponly=False)
    assert only_set_cookie(response)[2] == {}


@pytest.mark.parametrize('given, expected', [
    ('lax', 'lax'), ('Lax', 'lax'), ('strict', 'strict'), ('Strict', 'strict'),
    ('none', 'none'), ('None', 'none'),
])
def test_set_cookie_samesite(given, expected):
    response = bottle.BaseResponse()
    response.set_cookie('name', 'value', samesite=given)
    attributes = only_set_cookie(response)[2]
    assert attributes['samesite'].lower() == expected


def test_set_cookie_invalid_samesite_raises_cookie_error():
    response = bottle.BaseResponse()
    with pytest.raises(CookieError):
        response.set_cookie('name', 'value', samesite='sometimes')


def test_set_cookie_unknown_option_raises_cookie_error():
    with pytest.raises(CookieError):
        bottle.BaseResponse().set_cookie('name', 'value', bogus_option='x')


def test_set_cookie_illegal_name_raises_cookie_error():
    with pytest.raises(CookieError):
        bottle.BaseResponse().set_cookie('bad name', 'value')


@pytest.mark.parametrize('value', [5, b'bytes', None, ['a', 'b'], {'a': 1}])
def test_set_cookie_non_str_value_without_secret_raises_type_error(value):
    with pytest.raises(TypeError):
        bottle.BaseResponse().set_cookie('name', value)


def test_set_cookie_value_too_long_raises_value_error():
    with pytest.raises(ValueError):
        bottle.BaseResponse().set_cookie('name', 'x' * 4097)


def test_set_cookie_value_of_three_kilobytes_is_fine():
    response = bottle.BaseResponse()
    response.set_cookie('name', 'x' * 3000)
    assert only_set_cookie(response)[1] == 'x' * 3000


def test_set_cookie_with_line_break_never_splits_the_header():
    response = bottle.BaseResponse()
    try:
        response.set_cookie('name', 'x\r\nX-Evil: 1')
    except ValueError:
        pass
    for _name, value in response.headerlist:
        assert '\r' not in value and '\n' not in value
    assert 'X-Evil' not in response


def test_set_cookie_same_name_twice_sends_last_value():
    response = bottle.BaseResponse()
    response.set_cookie('a', '1')
    response.set_cookie('a', '2')
    assert only_set_cookie(response)[:2] == ('a', '2')


def test_multiple_cookies_send_multiple_set_cookie_headers():
    app = bottle.Bottle()

    @app.route('/')
    def index():
        bottle.response.set_cookie('a', '1')
        bottle.response.set_cookie('b', '2', max_age=5)
        return ''

    result = call(app, '/')
    cookies = [parse_set_cookie(h) for h in result.header_list('Set-Cookie')]
    assert cookies == [('a', '1', {}), ('b', '2', {'max-age': '5'})]


def test_set_cookie_and_add_header_set_cookie_are_both_sent():
    app = bottle.Bottle()

    @app.route('/')
    def index():
        bottle.response.add_header('Set-Cookie', 'manual=1')
        bottle.response.set_cookie('managed', '2')
        return ''

    result = call(app, '/')
    names = sorted(parse_set_cookie(h)[0] for h in result.header_list('Set-Cookie'))
    assert names == ['managed', 'manual']


# --------------------------------------------------------------------------- signed cookies

def _signed_cookie_app(**set_options):
    app = bottle.Bottle()

    @app.route('/set')
    def set_cookie():
        bottle.response.set_cookie('account', 'user1', **set_options)
        return 'ok'

    @app.route('/get')
    def get_cookie():
        secret = bottle.request.query.get('secret')
        value = bottle.request.get_cookie('account', secret=secret,
                                          **({'digestmod': hashlib.sha512}
                                             if bottle.request.query.get('sha512') else {}))
        return repr(value)

    return app


def test_signed_cookie_round_trip():
    app = _signed_cookie_app(secret='some-secret-key')
    cookie = cookie_header_from(call(app, '/set'))
    result = call(app, '/get', query='secret=some-secret-key', headers={'Cookie': cookie})
    assert result.text == repr('user1')


def test_signed_cookie_value_is_not_plain_text():
    app = _signed_cookie_app(secret='some-secret-key')
    name, value, _ = parse_set_cookie(call(app, '/set').header('Set-Cookie'))
    assert name == 'account'
    assert value not in ('user1', '"user1"')


def test_signed_cookie_with_wrong_secret_reads_as_none():
    app = _signed_cookie_app(secret='some-secret-key')
    cookie = cookie_header_from(call(app, '/set'))
    result = call(app, '/get', query='secret=other-key', headers={'Cookie': cookie})
    assert result.text == 'None'


def test_tampered_signed_cookie_reads_as_none():
    app = _signed_cookie_app(secret='some-secret-key')
    cookie = cookie_header_from(call(app, '/set'))
    tampered = cookie[:-3] + ('A' if cookie[-3] != 'A' else 'B') + cookie[-2:]
    result = call(app, '/get', query='secret=some-secret-key', headers={'Cookie': tampered})
    assert result.text == 'None'


def test_unsigned_cookie_read_with_secret_is_none():
    app = _signed_cookie_app()
    cookie = cookie_header_from(call(app, '/set'))
    assert cookie == 'account=user1'
    result = call(app, '/get', query='secret=some-secret-key', headers={'Cookie': cookie})
    assert result.text == 'None'


def test_signed_cookie_with_custom_digestmod_round_trip():
    app = _signed_cookie_app(secret='k', digestmod=hashlib.sha512)
    cookie = cookie_header_from(call(app, '/set'))
    result = call(app, '/get', query='secret=k&sha512=1', headers={'Cookie': cookie})
    assert result.text == repr('user1')


def test_signed_cookie_with_mismatched_digestmod_reads_as_none():
    app = _signed_cookie_app(secret='k', digestmod=hashlib.sha512)
    cookie = cookie_header_from(call(app, '/set'))
    result = call(app, '/get', query='secret=k', headers={'Cookie': cookie})
    assert result.text == 'None'


def test_signed_cookie_holds_a_json_value_without_warnings():
    app = bottle.Bottle()

    @app.route('/set')
    def set_cookie():
        bottle.response.set_cookie('data', {'ids': [1, 2]}, secret='k')
        return 'ok'

    @app.route('/get')
    def get_cookie():
        return repr(bottle.request.get_cookie('data', secret='k'))

    with warnings.catch_warnings():
        warnings.simplefilter('error')
        cookie = cookie_header_from(call(app, '/set'))
    assert call(app, '/get', headers={'Cookie': cookie}).text == repr({'ids': [1, 2]})


# --------------------------------------------------------------------------- delete_cookie

def _assert_cookie_is_expired(attributes):
    if 'max-age' in attributes:
        assert int(attributes['max-age']) <= 0
    else:
        assert bottle.parse_date(attributes['expires']) < time.time()


def test_delete_cookie_sends_expired_empty_cookie():
    response = bottle.BaseResponse()
    response.delete_cookie('session')
    name, value, attributes = only_set_cookie(response)
    assert name == 'session'
    assert value in ('', '""')
    _assert_cookie_is_expired(attributes)


def test_delete_cookie_with_path_and_domain():
    response = bottle.BaseResponse()
    response.delete_cookie('session', path='/app', domain='example.com')
    _, _, attributes = only_set_cookie(response)
    assert attributes['path'] == '/app'
    assert attributes['domain'] == 'example.com'
    _assert_cookie_is_expired(attributes)


def test_delete_cookie_replaces_cookie_set_earlier_in_same_response():
    response = bottle.BaseResponse()
    response.set_cookie('keep', '1')
    response.set_cookie('drop', '2')
    response.delete_cookie('drop')
    cookies = {name: (value, attrs) for name, value, attrs in
               (parse_set_cookie(v) for n, v in response.headerlist if n == 'Set-Cookie')}
    assert cookies['keep'] == ('1', {})
    assert cookies['drop'][0] in ('', '""')
    _assert_cookie_is_expired(cookies['drop'][1])


def test_delete_cookie_through_wsgi():
    app = bottle.Bottle()

    @app.route('/logout')
    def logout():
        bottle.response.delete_cookie('session', path='/')
        return 'bye'

    result = call(app, '/logout', headers={'Cookie': 'session=abc'})
    name, value, attributes = parse_set_cookie(result.header('Set-Cookie'))
    assert name == 'session'
    assert value in ('', '""')
    assert attributes['path'] == '/'
    _assert_cookie_is_expired(attributes)


# --------------------------------------------------------------------------- copy / close

def test_copy_keeps_status_headers_and_cookies():
    response = bottle.BaseResponse()
    response.status = 404
    response.set_header('X-A', '1')
    response.set_cookie('c', 'v')
    duplicate = response.copy()
    assert duplicate.status_line == '404 Not Found'
    assert duplicate.headerlist == response.headerlist


def test_copy_has_independent_headers():
    response = bottle.BaseResponse()
    response.set_header('X-A', '1')
    duplicate = response.copy()
    duplicate.set_header('X-A', '2')
    duplicate.set_header('X-B', 'new')
    assert response['X-A'] == '1'
    assert 'X-B' not in response


def test_copy_has_independent_cookies():
    response = bottle.BaseResponse()
    response.set_cookie('c', '1')
    duplicate = response.copy()
    duplicate.set_cookie('d', '2')
    duplicate.set_cookie('c', 'changed')
    assert only_set_cookie(response)[:2] == ('c', '1')


def test_copy_has_independent_status():
    response = bottle.BaseResponse()
    duplicate = response.copy()
    duplicate.status = 500
    assert response.status_code == 200


def test_copy_into_other_class():
    response = bottle.BaseResponse()
    response.set_header('X-A', '1')
    duplicate = response.copy(cls=bottle.HTTPResponse)
    assert type(duplicate) is bottle.HTTPResponse
    assert duplicate['X-A'] == '1'


def test_close_closes_the_body():
    class Body:
        closed = False

        def __iter__(self):
            return iter([b'data'])

        def close(self):
            self.closed = True

    body = Body()
    bottle.BaseResponse(body).close()
    assert body.closed


def test_close_with_plain_body_is_harmless():
    bottle.BaseResponse('text').close()


# --------------------------------------------------------------------------- LocalResponse

def test_global_response_is_a_local_response():
    assert isinstance(bottle.response, bottle.LocalResponse)
    assert isinstance(bottle.response, bottle.BaseResponse)


def test_global_response_is_reset_for_every_request():
    app = bottle.Bottle()

    @app.route('/first')
    def first():
        bottle.response.status = 201
        bottle.response.set_header('X-First', 'yes')
        bottle.response.set_cookie('first', '1')
        return 'x'

    app.route('/second', callback=lambda: 'y')
    call(app, '/first')
    result = call(app, '/second')
    assert result.status == '200 OK'
    assert result.header('X-First') is None
    assert result.header_list('Set-Cookie') == []


def test_global_response_is_thread_local():
    app = bottle.Bottle()
    both_inside = threading.Barrier(2, timeout=10)

    @app.route('/<name>/<code:int>')
    def index(name, code):
        bottle.response.status = code
        bottle.response.set_header('X-Name', name)
        both_inside.wait()  # the other thread has now set its own status and header
        return bottle.response.get_header('X-Name')

    results = {}

    def worker(name, code):
        results[name] = call(app, '/%s/%d' % (name, code))

    threads = [threading.Thread(target=worker, args=('alpha', 201)),
               threading.Thread(target=worker, args=('beta', 202))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert results['alpha'].code == 201
    assert results['alpha'].header('X-Name') == 'alpha'
    assert results['alpha'].body == b'alpha'
    assert results['beta'].code == 202
    assert results['beta'].header('X-Name') == 'beta'
    assert results['beta'].body == b'beta'


def test_http_response_apply_copies_onto_response():
    target = bottle.BaseResponse()
    bottle.HTTPResponse('body', 202, {'X-A': '1'}).apply(target)
    assert target.status_line == '202 Accepted'
    assert target['X-A'] == '1'



# -------------------------------------------- hostile redirect targets and header values (issue 14)

def redirecting_to(target):
    app = bottle.Bottle()
    app.route('/', callback=lambda: bottle.redirect(target))
    return app


def validated_call(app, **kwargs):
    """A WSGI call through wsgiref.validate, which refuses headers PEP 3333 forbids."""
    from wsgiref.validate import validator
    return call(validator(app), **kwargs)


@pytest.mark.parametrize('target, location', [
    ('/next\r\nX-Evil: yes', 'http://127.0.0.1/next%0D%0AX-Evil:%20yes'),
    ('/a\x1fb', 'http://127.0.0.1/a%1Fb'),
    ('/a\x00b\x7fc', 'http://127.0.0.1/a%00b%7Fc'),
    ('/caf\u00e9 bar', 'http://127.0.0.1/caf%C3%A9%20bar'),
    ('/a"<b>', 'http://127.0.0.1/a%22%3Cb%3E'),
    ('/already%20encoded?q=1&r=%2F', 'http://127.0.0.1/already%20encoded?q=1&r=%2F'),
])
def test_redirect_percent_encodes_what_may_not_stand_in_a_url(target, location):
    result = validated_call(redirecting_to(target), path='/')
    assert result.code == 302
    assert result.header('Location') == location


@pytest.mark.parametrize('target', ['http://a b]?d', 'http://[::1;x', 'http://[::1', '//[bad'])
def test_redirect_to_a_malformed_url_answers_a_redirect_not_a_500(target):
    result = validated_call(redirecting_to(target), path='/')
    assert result.code == 302
    location = result.header('Location')
    assert location and location.isprintable() and ' ' not in location


def test_redirect_to_a_malformed_url_encodes_its_stray_brackets():
    from urllib.parse import urlsplit
    result = call(redirecting_to('http://a b]?d'), '/')
    assert result.header('Location') == 'http://a%20b%5D?d'
    urlsplit(result.header('Location'))  # a URL that parses
    assert call(redirecting_to('http://[::1;x'), '/').header('Location') == 'http://%5B::1;x'


@pytest.mark.parametrize('target, location', [
    ('/a%', 'http://127.0.0.1/a%25'), ('/100%25', 'http://127.0.0.1/100%25'),
    ('/%zz%4', 'http://127.0.0.1/%25zz%254'),
])
def test_redirect_encodes_a_percent_sign_that_starts_no_escape(target, location):
    assert call(redirecting_to(target), '/').header('Location') == location


@pytest.mark.parametrize('value', ['a\x00b', 'a\x1fb', 'a\x7fb', 'a\x0bb', 'a\x0cb', 'a\rb',
                                   'a\nb', 'a\tb'])
def test_header_values_with_control_characters_are_refused(value):
    response = bottle.BaseResponse()
    with pytest.raises(ValueError, match='control characters'):
        response.set_header('X-Test', value)
    with pytest.raises(ValueError, match='control characters'):
        response.add_header('X-Test', value)


def test_header_values_may_contain_non_ascii_text():
    response = bottle.BaseResponse()
    response.set_header('X-Test', 'a b caf\u00e9 \u00a0')
    assert response.get_header('X-Test') == 'a b caf\u00e9 \u00a0'


@pytest.mark.parametrize('name', ['X Test', 'X:Test', 'X\x00', 'X\tTest', 'X-Caf\u00e9', 'X\x7f'])
def test_header_names_that_would_break_the_header_block_are_refused(name):
    response = bottle.BaseResponse()
    with pytest.raises(ValueError, match='Header names'):
        response.set_header(name, 'value')


def test_a_control_character_set_by_the_callback_never_reaches_the_client():
    app = bottle.Bottle()

    @app.route('/')
    def index():
        bottle.response.set_header('X-Test', 'a\x1fb')
        return 'x'

    result = validated_call(app, path='/')
    assert result.code == 500
    assert all(value.isprintable() for name, value in result.headers)
