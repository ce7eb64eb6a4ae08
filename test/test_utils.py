"""Utilities and compatibility names: string helpers, dates, paths, descriptors, deprecations.

Applications and plugins written for Bottle 0.13 import these names directly, so each
keeps the contract it had there.
"""
import datetime
import functools
import hashlib
import http.client
import threading
import time
import warnings

import pytest

import bottle
from helpers import call

# 1994-11-06 08:49:37 UTC, the example date of RFC 7231.
EXAMPLE_TIMESTAMP = 784111777
EXAMPLE_HTTP_DATE = 'Sun, 06 Nov 1994 08:49:37 GMT'


# --------------------------------------------------------------------------- tob / touni / tonat

def test_tob_encodes_str_as_utf8():
    assert bottle.tob('h\u00e9') == b'h\xc3\xa9'


def test_tob_with_encoding():
    assert bottle.tob('h\u00e9', 'latin1') == b'h\xe9'


def test_tob_passes_bytes_through():
    assert bottle.tob(b'\xff raw') == b'\xff raw'


def test_tob_of_none_is_empty_bytes():
    assert bottle.tob(None) == b''


def test_touni_decodes_bytes_as_utf8():
    assert bottle.touni(b'h\xc3\xa9') == 'h\u00e9'


def test_touni_with_encoding():
    assert bottle.touni(b'h\xe9', 'latin1') == 'h\u00e9'


def test_touni_with_error_handler():
    assert bottle.touni(b'\xff', err='replace') == '\ufffd'


def test_touni_invalid_utf8_raises_unicode_decode_error():
    with pytest.raises(UnicodeDecodeError):
        bottle.touni(b'\xff')


def test_touni_passes_str_through():
    assert bottle.touni('h\u00e9') == 'h\u00e9'


def test_touni_of_none_is_empty_string():
    assert bottle.touni(None) == ''


def test_touni_of_other_objects_is_their_str():
    assert bottle.touni(5) == '5'
    assert bottle.touni(1.5) == '1.5'


def test_tonat_is_native_str():
    assert bottle.tonat(b'h\xc3\xa9') == 'h\u00e9'
    assert bottle.tonat('text') == 'text'
    assert bottle.tonat(None) == ''
    assert bottle.tonat(5) == '5'
    assert bottle.tonat(b'h\xe9', 'latin1') == 'h\u00e9'


def test_py3k_is_true():
    assert bottle.py3k is True


# --------------------------------------------------------------------------- makelist

@pytest.mark.parametrize('value, expected', [
    (None, []),
    ('', []),
    (0, []),
    ([], []),
    ((), []),
    ('word', ['word']),
    (5, [5]),
    (b'raw', [b'raw']),
    (['a', 'b'], ['a', 'b']),
    (('a', 'b'), ['a', 'b']),
    ({'only'}, ['only']),
])
def test_makelist(value, expected):
    assert bottle.makelist(value) == expected


def test_makelist_returns_a_new_list():
    original = ['a']
    result = bottle.makelist(original)
    assert result == original
    assert result is not original


# ------------------------------------------------------------------------- html_escape / html_quote

def test_html_escape_escapes_the_five_special_characters():
    assert bottle.html_escape('&<>"\'') == '&amp;&lt;&gt;&quot;&#039;'


def test_html_escape_escapes_ampersand_first():
    assert bottle.html_escape('&lt;') == '&amp;lt;'


def test_html_escape_leaves_other_text_alone():
    assert bottle.html_escape('plain text\n\t\u00e9') == 'plain text\n\t\u00e9'


def test_html_quote_makes_a_quoted_attribute_value():
    assert bottle.html_quote('a"b') == '"a&quot;b"'


def test_html_quote_escapes_line_breaks_and_tabs():
    assert bottle.html_quote('\n\r\t') == '"&#10;&#13;&#9;"'


def test_html_quote_escapes_markup():
    assert bottle.html_quote('<&>\'') == '"&lt;&amp;&gt;&#039;"'


# --------------------------------------------------------------------------- yieldroutes

def test_yieldroutes_without_arguments():
    def index():
        pass
    assert list(bottle.yieldroutes(index)) == ['/index']


def test_yieldroutes_with_required_arguments():
    def show(name, page):
        pass
    assert list(bottle.yieldroutes(show)) == ['/show/<name>/<page>']


def test_yieldroutes_yields_one_route_per_optional_argument():
    def show(name, page=1, size=10):
        pass
    assert list(bottle.yieldroutes(show)) == [
        '/show/<name>', '/show/<name>/<page>', '/show/<name>/<page>/<size>']


def test_yieldroutes_ignores_star_arguments():
    def anything(*args, **kwargs):
        pass
    assert list(bottle.yieldroutes(anything)) == ['/anything']


def test_yieldroutes_drives_route_without_path():
    app = bottle.Bottle()

    @app.route()
    def hello(name='World'):
        return 'Hello ' + name

    assert call(app, '/hello').text == 'Hello World'
    assert call(app, '/hello/Max').text == 'Hello Max'


# --------------------------------------------------------------------------- path_shift

@pytest.mark.parametrize('script_name, path_info, shift, expected', [
    ('/a', '/b/c', 1, ('/a/b', '/c')),
    ('/a', '/b/c', 2, ('/a/b/c', '/')),
    ('/a/b', '/c', -1, ('/a', '/b/c')),
    ('/a/b', '/c', -2, ('/', '/a/b/c')),
    ('', '/a', 1, ('/a', '/')),
    ('/a/', '/b/c/', 1, ('/a/b', '/c/')),
    ('/a', '', -1, ('/', '/a')),
    ('/a', '/b', 0, ('/a', '/b')),
])
def test_path_shift(script_name, path_info, shift, expected):
    assert bottle.path_shift(script_name, path_info, shift) == expected


@pytest.mark.parametrize('script_name, path_info, shift', [
    ('/a', '/b', 2),
    ('', '/', 1),
    ('/a', '/b', -2),
])
def test_path_shift_beyond_available_segments_raises_assertion_error(script_name, path_info, shift):
    with pytest.raises(AssertionError):
        bottle.path_shift(script_name, path_info, shift)


# --------------------------------------------------------------------------- parse_date / http_date

@pytest.mark.parametrize('text', [
    'Sun, 06 Nov 1994 08:49:37 GMT',     # RFC 1123
    'Sunday, 06-Nov-94 08:49:37 GMT',    # RFC 850
    'Sun Nov  6 08:49:37 1994',          # asctime()
])
def test_parse_date_understands_the_three_http_formats(text):
    assert bottle.parse_date(text) == EXAMPLE_TIMESTAMP


def test_parse_date_honours_numeric_timezone():
    assert bottle.parse_date('Sun, 06 Nov 1994 08:49:37 +0200') == EXAMPLE_TIMESTAMP - 7200


def test_parse_date_ignores_trailing_parameters():
    assert bottle.parse_date(EXAMPLE_HTTP_DATE + '; length=100') == EXAMPLE_TIMESTAMP


@pytest.mark.parametrize('garbage', ['garbage', '', None, 'Sun, 06 Nov', 'not a date at all GMT'])
def test_parse_date_of_garbage_is_none(garbage):
    assert bottle.parse_date(garbage) is None


def test_http_date_of_naive_datetime_is_taken_as_utc():
    assert bottle.http_date(datetime.datetime(1994, 11, 6, 8, 49, 37)) == EXAMPLE_HTTP_DATE


def test_http_date_of_aware_datetime_is_converted_to_gmt():
    plus_two = datetime.timezone(datetime.timedelta(hours=2))
    value = datetime.datetime(1994, 11, 6, 10, 49, 37, tzinfo=plus_two)
    assert bottle.http_date(value) == EXAMPLE_HTTP_DATE


def test_http_date_of_date_is_midnight():
    assert bottle.http_date(datetime.date(1994, 11, 6)) == 'Sun, 06 Nov 1994 00:00:00 GMT'


def test_http_date_of_int_timestamp():
    assert bottle.http_date(EXAMPLE_TIMESTAMP) == EXAMPLE_HTTP_DATE


def test_http_date_of_float_timestamp_drops_fraction():
    assert bottle.http_date(EXAMPLE_TIMESTAMP + 0.9) == EXAMPLE_HTTP_DATE


def test_http_date_of_struct_time():
    assert bottle.http_date(time.gmtime(EXAMPLE_TIMESTAMP)) == EXAMPLE_HTTP_DATE


def test_http_date_passes_strings_through():
    assert bottle.http_date('already formatted') == 'already formatted'


def test_http_date_and_parse_date_round_trip():
    now = int(time.time())
    assert bottle.parse_date(bottle.http_date(now)) == now


# --------------------------------------------------------------------------- cookie_encode / decode

def test_cookie_encode_warns_deprecation():
    with pytest.warns(DeprecationWarning):
        bottle.cookie_encode(('k', 'v'), 'secret')


def test_cookie_decode_warns_deprecation():
    with pytest.warns(DeprecationWarning):
        encoded = bottle.cookie_encode(('k', 'v'), 'secret')
    with pytest.warns(DeprecationWarning):
        bottle.cookie_decode(encoded, 'secret')


def test_cookie_is_encoded_warns_deprecation():
    with pytest.warns(DeprecationWarning):
        bottle.cookie_is_encoded(b'plain')


@pytest.fixture
def no_deprecation_noise():
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', DeprecationWarning)
        yield


def test_cookie_encode_returns_signed_bytes(no_deprecation_noise):
    encoded = bottle.cookie_encode(('k', 'v'), 'secret')
    assert isinstance(encoded, bytes)
    assert bottle.cookie_is_encoded(encoded)


def test_cookie_is_encoded_false_for_plain_value(no_deprecation_noise):
    assert not bottle.cookie_is_encoded(b'plain')
    assert not bottle.cookie_is_encoded(b'!no-question-mark')


def test_cookie_encode_decode_round_trip(no_deprecation_noise):
    data = ('session', {'user': 'max', 'ids': [1, 2]})
    encoded = bottle.cookie_encode(data, 'secret')
    assert bottle.cookie_decode(encoded, 'secret') == data


def test_cookie_decode_accepts_str(no_deprecation_noise):
    encoded = bottle.cookie_encode(('k', 'v'), 'secret')
    assert bottle.cookie_decode(encoded.decode('ascii'), 'secret') == ('k', 'v')


def test_cookie_round_trip_with_custom_digestmod(no_deprecation_noise):
    encoded = bottle.cookie_encode(('k', 'v'), b'secret', digestmod=hashlib.sha512)
    assert bottle.cookie_decode(encoded, b'secret', digestmod=hashlib.sha512) == ('k', 'v')
    assert bottle.cookie_decode(encoded, b'secret') is None


def test_cookie_decode_with_wrong_key_is_none(no_deprecation_noise):
    encoded = bottle.cookie_encode(('k', 'v'), 'secret')
    assert bottle.cookie_decode(encoded, 'other') is None


def test_cookie_decode_of_tampered_payload_is_none(no_deprecation_noise):
    encoded = bottle.cookie_encode(('k', 'v'), 'secret')
    signature, payload = encoded.split(b'?', 1)
    forged = signature + b'?' + payload[:-4] + (b'AAAA' if payload[-4:] != b'AAAA' else b'BBBB')
    assert bottle.cookie_decode(forged, 'secret') is None


def test_cookie_decode_of_tampered_signature_is_none(no_deprecation_noise):
    encoded = bottle.cookie_encode(('k', 'v'), 'secret')
    forged = encoded[:1] + (b'A' if encoded[1:2] != b'A' else b'B') + encoded[2:]
    assert bottle.cookie_decode(forged, 'secret') is None


def test_cookie_decode_of_unsigned_data_is_none(no_deprecation_noise):
    assert bottle.cookie_decode(b'plain', 'secret') is None


# --------------------------------------------------------------------------- descriptors

class _Holder:
    def __init__(self):
        self.store = {}

    @bottle.DictProperty('store', 'the-key')
    def keyed(self):
        return 'computed'

    @bottle.DictProperty('store')
    def unkeyed(self):
        return 'by-name'

    @bottle.DictProperty('store', read_only=True)
    def frozen(self):
        return 'fixed'


def test_dictproperty_computes_once_and_caches_in_the_dict():
    holder = _Holder()
    assert holder.keyed == 'computed'
    assert holder.store['the-key'] == 'computed'
    holder.store['the-key'] = 'changed'
    assert holder.keyed == 'changed'


def test_dictproperty_defaults_key_to_function_name():
    holder = _Holder()
    assert holder.unkeyed == 'by-name'
    assert holder.store['unkeyed'] == 'by-name'


def test_dictproperty_setter_writes_the_dict():
    holder = _Holder()
    holder.keyed = 'set by hand'
    assert holder.store['the-key'] == 'set by hand'
    assert holder.keyed == 'set by hand'


def test_dictproperty_delete_removes_cached_value():
    holder = _Holder()
    holder.keyed = 'set by hand'
    del holder.keyed
    assert 'the-key' not in holder.store
    assert holder.keyed == 'computed'


def test_dictproperty_read_only_refuses_set():
    holder = _Holder()
    with pytest.raises(AttributeError):
        holder.frozen = 'x'
    assert holder.frozen == 'fixed'


def test_dictproperty_read_only_refuses_delete():
    holder = _Holder()
    with pytest.raises(AttributeError):
        del holder.frozen


def test_dictproperty_on_class_returns_descriptor():
    assert isinstance(_Holder.__dict__['keyed'], bottle.DictProperty)
    assert isinstance(_Holder.keyed, bottle.DictProperty)


def test_cached_property_computes_once_per_instance():
    calls = []

    class Thing:
        @bottle.cached_property
        def value(self):
            calls.append(1)
            return len(calls)

    thing = Thing()
    assert thing.value == 1
    assert thing.value == 1
    assert calls == [1]
    assert Thing().value == 2


def test_cached_property_can_be_reset_by_deleting():
    calls = []

    class Thing:
        @bottle.cached_property
        def value(self):
            calls.append(1)
            return len(calls)

    thing = Thing()
    assert thing.value == 1
    del thing.value
    assert thing.value == 2


def test_cached_property_on_class_returns_descriptor():
    class Thing:
        @bottle.cached_property
        def value(self):
            return 1

    assert isinstance(Thing.value, bottle.cached_property)


def test_lazy_attribute_computes_once_per_class():
    calls = []

    class Thing:
        @bottle.lazy_attribute
        def shared(cls):
            calls.append(cls)
            return 'for ' + cls.__name__

    assert Thing.shared == 'for Thing'
    assert Thing.shared == 'for Thing'
    assert Thing().shared == 'for Thing'
    assert calls == [Thing]


# --------------------------------------------------------------------------- depr

def test_depr_returns_a_deprecation_warning():
    with pytest.warns(DeprecationWarning):
        result = bottle.depr(0, 13, 'Old thing used.', 'Use the new thing.')
    assert isinstance(result, DeprecationWarning)


def test_depr_warns_with_cause_fix_and_version():
    with pytest.warns(DeprecationWarning) as record:
        bottle.depr(0, 13, 'Old thing used.', 'Use the new thing.')
    message = str(record[0].message)
    assert 'Old thing used.' in message
    assert 'Use the new thing.' in message
    assert '0.13' in message


def test_depr_points_at_the_caller_of_the_deprecated_api():
    def deprecated_api():
        bottle.depr(0, 13, 'cause', 'fix')

    with pytest.warns(DeprecationWarning) as record:
        deprecated_api()  # the warning should point at this line
    assert record[0].filename == __file__


# --------------------------------------------------------------------------- HTTP_CODES

def test_http_codes_is_a_dict_keyed_by_int():
    assert isinstance(bottle.HTTP_CODES, dict)
    assert bottle.HTTP_CODES[200] == 'OK'
    assert bottle.HTTP_CODES[404] == 'Not Found'
    assert bottle.HTTP_CODES[500] == 'Internal Server Error'


def test_http_codes_contains_teapot():
    assert bottle.HTTP_CODES[418] == "I'm a teapot"


@pytest.mark.parametrize('code, phrase', [
    (308, 'Permanent Redirect'), (422, 'Unprocessable Entity'), (428, 'Precondition Required'),
    (429, 'Too Many Requests'), (431, 'Request Header Fields Too Large'),
    (451, 'Unavailable For Legal Reasons'), (511, 'Network Authentication Required')])
def test_http_codes_contains_modern_codes(code, phrase):
    # The table is our own, so the phrases stay the same on every Python version
    # (http.client renamed some of them in 3.13).
    assert bottle.HTTP_CODES[code] == phrase


def test_http_codes_covers_every_standard_code():
    assert set(http.client.responses) <= set(bottle.HTTP_CODES)


# --------------------------------------------------------------------------- exceptions

@pytest.mark.parametrize('child, parent', [
    ('BottleException', Exception),
    ('HTTPResponse', 'BaseResponse'),
    ('HTTPResponse', 'BottleException'),
    ('HTTPError', 'HTTPResponse'),
    ('RouteError', 'BottleException'),
    ('RouteReset', 'BottleException'),
    ('RouteSyntaxError', 'RouteError'),
    ('RouteBuildError', 'RouteError'),
    ('RouterUnknownModeError', 'RouteError'),
    ('TemplateError', 'BottleException'),
    ('StplSyntaxError', 'TemplateError'),
    ('PluginError', 'BottleException'),
    ('MultipartError', 'HTTPError'),
])
def test_exception_hierarchy(child, parent):
    parent_class = getattr(bottle, parent) if isinstance(parent, str) else parent
    assert issubclass(getattr(bottle, child), parent_class)


def test_http_error_defaults_to_500():
    assert bottle.HTTPError.default_status == 500
    assert bottle.HTTPError().status_code == 500


def test_http_response_defaults_to_200():
    assert bottle.HTTPResponse().status_code == 200


def test_multipart_error_is_a_400_carrying_its_message():
    error = bottle.MultipartError('Bad part header')
    assert error.status_code == 400
    assert 'Bad part header' in str(error.body)


def test_http_error_keeps_exception_and_traceback():
    cause = KeyError('x')
    error = bottle.HTTPError(503, 'Try later', exception=cause, traceback='tb text')
    assert error.status_code == 503
    assert error.body == 'Try later'
    assert error.exception is cause
    assert error.traceback == 'tb text'


# --------------------------------------------------------------------------- small names

def test_version_is_0_13_x():
    assert bottle.__version__.startswith('0.13.')


def test_callable():
    assert bottle.callable(len)
    assert bottle.callable(lambda: None)
    assert bottle.callable(dict)
    assert not bottle.callable(5)
    assert not bottle.callable('text')


def test_getargspec_returns_args_varargs_varkw_defaults():
    def func(a, b=1, *rest, **options):
        pass

    spec = bottle.getargspec(func)
    assert tuple(spec)[:4] == (['a', 'b'], 'rest', 'options', (1,))


def test_getargspec_of_plain_function():
    def func(a, b):
        pass

    args, varargs, varkw, defaults = tuple(bottle.getargspec(func))[:4]
    assert args == ['a', 'b']
    assert varargs is None and varkw is None
    assert not defaults


def test_update_wrapper_copies_name_doc_and_wrapped():
    def original():
        """Original docs."""

    def wrapper():
        pass

    bottle.update_wrapper(wrapper, original)
    assert wrapper.__name__ == 'original'
    assert wrapper.__doc__ == 'Original docs.'
    assert wrapper.__wrapped__ is original


def test_update_wrapper_tolerates_objects_without_attributes():
    wrapper = functools.partial(print)
    bottle.update_wrapper(wrapper, functools.partial(len))


def test_urlunquote_decodes_percent_escapes():
    assert bottle.urlunquote('a%20b') == 'a b'


def test_urlunquote_decodes_as_latin1():
    assert bottle.urlunquote('%e9') == '\u00e9'
    assert bottle.urlunquote('%C3%A9') == '\u00c3\u00a9'


def test_urlunquote_keeps_plus_and_malformed_escapes():
    assert bottle.urlunquote('a+b') == 'a+b'
    assert bottle.urlunquote('100%') == '100%'
    assert bottle.urlunquote('%zz') == '%zz'


def test_json_loads_parses_str_and_bytes():
    assert bottle.json_loads('{"a": [1, 2]}') == {'a': [1, 2]}
    assert bottle.json_loads(b'{"a": 1}') == {'a': 1}


def test_json_loads_invalid_raises_value_error():
    with pytest.raises(ValueError):
        bottle.json_loads('{not json')


def test_utc_is_the_utc_timezone():
    assert bottle.UTC.utcoffset(None) == datetime.timedelta(0)
    assert datetime.datetime(2020, 1, 1, tzinfo=bottle.UTC) == \
        datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc)


def test_debug_flag_defaults_off_and_is_set_by_debug():
    assert bottle.DEBUG is False
    bottle.debug(True)
    assert bottle.DEBUG is True
    bottle.debug(False)
    assert bottle.DEBUG is False


def test_norun_flag_defaults_off():
    assert bottle.NORUN is False


def test_local_is_thread_local_storage():
    assert isinstance(bottle.local, threading.local)
    bottle.local.marker = 'main'
    seen = {}

    def worker():
        seen['has_marker'] = hasattr(bottle.local, 'marker')
        bottle.local.marker = 'worker'

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert seen['has_marker'] is False
    assert bottle.local.marker == 'main'
    del bottle.local.marker
