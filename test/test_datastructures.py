"""MultiDict, FormsDict, HeaderDict, WSGIHeaderDict and AppStack.

These are the containers requests and responses are built from. Each test states one
part of a container's contract: what a missing key gives, which of several values a
plain lookup returns, how values are decoded, what survives pickling.
"""
import pickle
from collections.abc import MutableMapping

import pytest

import bottle
from helpers import call, to_native


def multidict_with(*pairs):
    """A MultiDict holding ``pairs`` in order, duplicates kept (the constructor collapses them)."""
    data = bottle.MultiDict()
    for key, value in pairs:
        data.append(key, value)
    return data


def mojibake(text):
    """``text`` as a PEP 3333 server hands it over: UTF-8 bytes read as latin-1."""
    return to_native(text)


# --------------------------------------------------------------------------- MultiDict

def test_multidict_constructor_accepts_pairs_dict_and_keywords():
    from_pairs = bottle.MultiDict([('a', '1'), ('b', '2')])
    from_dict = bottle.MultiDict({'a': '1', 'b': '2'})
    from_keywords = bottle.MultiDict(a='1', b='2')
    for data in (from_pairs, from_dict, from_keywords):
        assert sorted(data.allitems()) == [('a', '1'), ('b', '2')]


def test_multidict_empty():
    data = bottle.MultiDict()
    assert len(data) == 0
    assert list(data) == []
    assert list(data.allitems()) == []


def test_multidict_setitem_appends_a_value():
    data = bottle.MultiDict()
    data['a'] = 1
    data['a'] = 2
    assert data.getall('a') == [1, 2]
    assert list(data.allitems()) == [('a', 1), ('a', 2)]


def test_multidict_getitem_returns_newest_value():
    data = multidict_with(('a', '1'), ('a', '2'))
    assert data['a'] == '2'


def test_multidict_getitem_of_missing_key_raises_key_error():
    with pytest.raises(KeyError):
        bottle.MultiDict()['missing']


def test_multidict_append_adds_value():
    data = bottle.MultiDict(a='1')
    data.append('a', '2')
    assert data.getall('a') == ['1', '2']


def test_multidict_replace_drops_old_values():
    data = multidict_with(('a', '1'), ('a', '2'))
    data.replace('a', '3')
    assert data.getall('a') == ['3']


def test_multidict_replace_creates_missing_key():
    data = bottle.MultiDict()
    data.replace('new', 'v')
    assert data.getall('new') == ['v']


def test_multidict_getall_getlist_return_every_value():
    data = multidict_with(('a', '1'), ('a', '2'), ('a', '3'))
    assert data.getall('a') == ['1', '2', '3']
    assert data.getlist('a') == ['1', '2', '3']


def test_multidict_getall_of_missing_key_is_empty_list():
    data = bottle.MultiDict()
    assert data.getall('missing') == []
    assert data.getlist('missing') == []


def test_multidict_get_returns_newest_value():
    data = multidict_with(('a', '1'), ('a', '2'))
    assert data.get('a') == '2'


def test_multidict_get_of_missing_key_returns_default():
    data = bottle.MultiDict()
    assert data.get('missing') is None
    assert data.get('missing', 'fallback') == 'fallback'


def test_multidict_get_with_index():
    data = multidict_with(('a', '1'), ('a', '2'), ('a', '3'))
    assert data.get('a', index=0) == '1'
    assert data.get('a', index=1) == '2'
    assert data.get('a', index=-2) == '2'


def test_multidict_get_with_index_out_of_range_returns_default():
    data = multidict_with(('a', '1'))
    assert data.get('a', index=5) is None
    assert data.get('a', 'fallback', index=5) == 'fallback'


def test_multidict_get_with_type_converts_value():
    data = bottle.MultiDict(n='42')
    assert data.get('n', type=int) == 42


def test_multidict_get_with_failing_type_returns_default():
    data = bottle.MultiDict(n='not a number')
    assert data.get('n', type=int) is None
    assert data.get('n', 0, type=int) == 0


def test_multidict_get_with_type_and_index():
    data = multidict_with(('n', '1'), ('n', 'x'))
    assert data.get('n', index=0, type=int) == 1
    assert data.get('n', -1, index=1, type=int) == -1


def test_multidict_get_with_type_of_missing_key_returns_default():
    assert bottle.MultiDict().get('missing', 7, type=int) == 7


def test_multidict_getone_is_get():
    data = multidict_with(('a', '1'), ('a', '2'))
    assert data.getone('a') == '2'
    assert data.getone('a', index=0) == '1'
    assert data.getone('missing', 'fallback') == 'fallback'
    assert bottle.MultiDict(n='5').getone('n', type=int) == 5


def test_multidict_keys_values_items_use_newest_value():
    data = multidict_with(('a', '1'), ('b', '2'), ('a', '3'))
    assert list(data.keys()) == ['a', 'b']
    assert list(data.values()) == ['3', '2']
    assert list(data.items()) == [('a', '3'), ('b', '2')]
    assert dict(data) == {'a': '3', 'b': '2'}


def test_multidict_iter_methods_match_plain_ones():
    data = multidict_with(('a', '1'), ('b', '2'), ('a', '3'))
    assert list(data.iterkeys()) == list(data.keys())
    assert list(data.itervalues()) == list(data.values())
    assert list(data.iteritems()) == list(data.items())
    assert list(iter(data)) == list(data.keys())


def test_multidict_allitems_lists_every_pair():
    data = multidict_with(('a', '1'), ('b', '2'), ('a', '3'))
    assert sorted(data.allitems()) == [('a', '1'), ('a', '3'), ('b', '2')]
    assert sorted(data.iterallitems()) == sorted(data.allitems())


def test_multidict_allitems_keeps_order_within_a_key():
    data = multidict_with(('a', '1'), ('b', '2'), ('a', '3'))
    assert [v for k, v in data.allitems() if k == 'a'] == ['1', '3']


def test_multidict_len_counts_keys_not_values():
    data = multidict_with(('a', '1'), ('a', '2'), ('b', '3'))
    assert len(data) == 2


def test_multidict_contains():
    data = bottle.MultiDict(a='1')
    assert 'a' in data
    assert 'b' not in data


def test_multidict_del_removes_every_value():
    data = multidict_with(('a', '1'), ('a', '2'), ('b', '3'))
    del data['a']
    assert 'a' not in data
    assert data.getall('a') == []
    assert list(data.allitems()) == [('b', '3')]


def test_multidict_del_missing_key_raises_key_error():
    with pytest.raises(KeyError):
        del bottle.MultiDict()['missing']


def test_multidict_is_a_mutable_mapping():
    assert isinstance(bottle.MultiDict(), MutableMapping)


def test_multidict_equals_dict_of_newest_values():
    assert bottle.MultiDict(a='1') == {'a': '1'}
    assert bottle.MultiDict(a='1') == bottle.MultiDict(a='1')


# --------------------------------------------------------------------------- FormsDict

def test_formsdict_is_a_multidict():
    assert issubclass(bottle.FormsDict, bottle.MultiDict)


def test_formsdict_attribute_access_returns_value():
    forms = bottle.FormsDict(name='Max')
    assert forms.name == 'Max'


def test_formsdict_missing_attribute_is_empty_string():
    forms = bottle.FormsDict()
    assert forms.missing == ''
    assert forms.also_missing == ''


def test_formsdict_attribute_access_never_raises_for_missing_name():
    forms = bottle.FormsDict()
    assert hasattr(forms, 'whatever')


def test_formsdict_attribute_returns_newest_value():
    forms = bottle.FormsDict()
    forms.append('tag', 'a')
    forms.append('tag', 'b')
    assert forms.tag == 'b'


def test_formsdict_getall():
    forms = bottle.FormsDict()
    forms.append('tag', 'a')
    forms.append('tag', 'b')
    assert forms.getall('tag') == ['a', 'b']
    assert forms.getall('missing') == []


def test_formsdict_dunder_attribute_is_not_looked_up_in_values():
    forms = bottle.FormsDict()
    forms['__secret__'] = 'v'
    with pytest.raises(AttributeError):
        forms.__secret__  # noqa: B018 (the attribute access is what is tested)


def test_formsdict_defaults():
    assert bottle.FormsDict.input_encoding == 'utf8'
    assert bottle.FormsDict.recode_unicode is True


def test_formsdict_getunicode_of_ascii_value():
    forms = bottle.FormsDict(name='Max')
    assert forms.getunicode('name') == 'Max'


def test_formsdict_getunicode_of_missing_key_returns_default():
    forms = bottle.FormsDict()
    assert forms.getunicode('missing') is None
    assert forms.getunicode('missing', 'fallback') == 'fallback'


def test_user_constructed_formsdict_recodes_latin1_mojibake_on_attribute_access():
    # A FormsDict built by hand keeps 0.13's behaviour: values are taken to be latin-1
    # native strings and recoded to input_encoding on attribute access and getunicode().
    forms = bottle.FormsDict()
    forms['name'] = mojibake('J\u00f6rg')
    assert forms['name'] == mojibake('J\u00f6rg')
    assert forms.get('name') == mojibake('J\u00f6rg')
    assert forms.name == 'J\u00f6rg'
    assert forms.getunicode('name') == 'J\u00f6rg'


def test_user_constructed_formsdict_getunicode_with_encoding():
    forms = bottle.FormsDict()
    forms['name'] = mojibake('J\u00f6rg')
    assert forms.getunicode('name', encoding='latin1') == mojibake('J\u00f6rg')


def test_user_constructed_formsdict_getunicode_that_cannot_decode_returns_default():
    forms = bottle.FormsDict()
    forms['name'] = 'J\u00f6rg'.encode('cp1252').decode('latin1')
    assert forms.getunicode('name') is None
    assert forms.getunicode('name', 'fallback') == 'fallback'
    assert forms.name == ''


def test_user_constructed_formsdict_value_outside_latin1_gives_default():
    forms = bottle.FormsDict()
    forms['price'] = '\u20ac'
    assert forms.getunicode('price') is None
    assert forms.getunicode('price', 'fallback') == 'fallback'
    assert forms.price == ''


def test_user_constructed_formsdict_input_encoding_is_used_for_recoding():
    forms = bottle.FormsDict()
    forms['name'] = 'J\u00f6rg'.encode('cp1252').decode('latin1')
    forms.input_encoding = 'cp1252'
    assert forms.name == 'J\u00f6rg'
    assert forms.getunicode('name') == 'J\u00f6rg'


def test_user_constructed_formsdict_without_recode_unicode_returns_value_as_is():
    forms = bottle.FormsDict()
    forms['name'] = mojibake('J\u00f6rg')
    forms.recode_unicode = False
    assert forms.name == mojibake('J\u00f6rg')


def test_formsdict_attribute_of_bytes_value_is_decoded():
    forms = bottle.FormsDict()
    forms['raw'] = 'J\u00f6rg'.encode('utf8')
    assert forms.raw == 'J\u00f6rg'
    assert forms.getunicode('raw') == 'J\u00f6rg'


def test_formsdict_decode_returns_new_recoded_formsdict():
    forms = bottle.FormsDict()
    forms['name'] = mojibake('J\u00f6rg')
    decoded = forms.decode()
    assert isinstance(decoded, bottle.FormsDict)
    assert decoded is not forms
    assert decoded['name'] == 'J\u00f6rg'
    assert decoded.get('name') == 'J\u00f6rg'
    assert forms['name'] == mojibake('J\u00f6rg')


def test_formsdict_decode_recodes_keys_and_every_value():
    forms = bottle.FormsDict()
    forms.append(mojibake('st\u00e4dte'), mojibake('K\u00f6ln'))
    forms.append(mojibake('st\u00e4dte'), 'Bonn')
    decoded = forms.decode()
    assert list(decoded.keys()) == ['st\u00e4dte']
    assert decoded.getall('st\u00e4dte') == ['K\u00f6ln', 'Bonn']


def test_formsdict_decode_result_is_not_recoded_again():
    forms = bottle.FormsDict()
    forms['name'] = mojibake('J\u00f6rg')
    decoded = forms.decode()
    assert decoded.recode_unicode is False
    assert decoded.name == 'J\u00f6rg'
    assert decoded.getunicode('name') == 'J\u00f6rg'


def test_formsdict_decode_with_explicit_encoding():
    forms = bottle.FormsDict()
    forms['name'] = mojibake('J\u00f6rg')
    assert forms.decode('latin1')['name'] == mojibake('J\u00f6rg')


def test_formsdict_decode_keeps_ascii_values():
    forms = bottle.FormsDict(plain='just ascii')
    assert forms.decode()['plain'] == 'just ascii'


def test_formsdict_from_query_string_attribute_access():
    app = bottle.Bottle()
    app.route('/', callback=lambda: '%s|%s' % (bottle.request.query.name,
                                                bottle.request.query.missing))
    result = call(app, '/', query='name=Max')
    assert result.text == 'Max|'


# --------------------------------------------------------------------------- HeaderDict

def test_headerdict_keys_are_case_insensitive():
    headers = bottle.HeaderDict()
    headers['content-type'] = 'text/plain'
    assert headers['CONTENT-TYPE'] == 'text/plain'
    assert headers['Content-type'] == 'text/plain'
    assert 'content-TYPE' in headers


def test_headerdict_stores_title_cased_keys():
    headers = bottle.HeaderDict()
    headers['content-type'] = 'a'
    headers['X-CUSTOM-HEADER'] = 'b'
    headers['www-authenticate'] = 'c'
    assert list(headers.keys()) == ['Content-Type', 'X-Custom-Header', 'Www-Authenticate']


def test_headerdict_underscores_become_dashes():
    assert list(bottle.HeaderDict(x_forwarded_for='1').keys()) == ['X-Forwarded-For']
    assert list(bottle.HeaderDict({'x_foo': '1'}).keys()) == ['X-Foo']


def test_headerdict_constructor_from_pairs():
    headers = bottle.HeaderDict([('x-a', '1'), ('X-B', '2')])
    assert sorted(headers.allitems()) == [('X-A', '1'), ('X-B', '2')]


def test_headerdict_setitem_replaces():
    headers = bottle.HeaderDict()
    headers['X-A'] = '1'
    headers['x-a'] = '2'
    assert headers.getall('X-A') == ['2']


def test_headerdict_values_are_converted_to_str():
    headers = bottle.HeaderDict()
    headers['X-Number'] = 5
    headers.append('X-Bytes', b'raw')
    assert headers['X-Number'] == '5'
    assert headers['X-Bytes'] == 'raw'


def test_headerdict_append_keeps_both_values():
    headers = bottle.HeaderDict()
    headers.append('x-a', '1')
    headers.append('X-A', '2')
    assert headers.getall('x-A') == ['1', '2']
    assert headers['X-A'] == '2'


def test_headerdict_replace():
    headers = bottle.HeaderDict()
    headers.append('X-A', '1')
    headers.append('X-A', '2')
    headers.replace('x-a', '3')
    assert headers.getall('X-A') == ['3']


def test_headerdict_getall_of_missing_header_is_empty_list():
    assert bottle.HeaderDict().getall('X-Missing') == []


def test_headerdict_get_with_index_and_default():
    headers = bottle.HeaderDict()
    headers.append('X-A', '1')
    headers.append('X-A', '2')
    assert headers.get('x-a') == '2'
    assert headers.get('x-a', index=0) == '1'
    assert headers.get('x-a', index=9) is None
    assert headers.get('X-Missing') is None
    assert headers.get('X-Missing', 'fallback') == 'fallback'


def test_headerdict_filter_removes_named_headers():
    headers = bottle.HeaderDict()
    headers['X-Keep'] = '1'
    headers['X-Drop'] = '2'
    headers['Content-Type'] = '3'
    headers.filter(['x-drop', 'CONTENT-TYPE', 'X-Not-There'])
    assert list(headers.allitems()) == [('X-Keep', '1')]


def test_headerdict_del_is_case_insensitive():
    headers = bottle.HeaderDict()
    headers['X-A'] = '1'
    del headers['x-a']
    assert 'X-A' not in headers
    assert len(headers) == 0


def test_headerdict_del_missing_raises_key_error():
    with pytest.raises(KeyError):
        del bottle.HeaderDict()['X-Missing']


def test_headerdict_getitem_missing_raises_key_error():
    with pytest.raises(KeyError):
        bottle.HeaderDict()['X-Missing']


def test_headerdict_is_a_multidict():
    assert issubclass(bottle.HeaderDict, bottle.MultiDict)


@pytest.mark.parametrize('bad', ['a\r\nX-Evil: 1', 'a\nb', 'a\rb'])
def test_headerdict_refuses_values_with_line_breaks(bad):
    headers = bottle.HeaderDict()
    with pytest.raises(ValueError):
        headers['X-A'] = bad
    with pytest.raises(ValueError):
        headers.append('X-A', bad)
    with pytest.raises(ValueError):
        headers.replace('X-A', bad)
    assert headers.getall('X-A') == []
    assert list(headers.allitems()) == []


def test_headerdict_refuses_names_with_line_breaks():
    headers = bottle.HeaderDict()
    with pytest.raises(ValueError):
        headers['X-A\r\nX-Evil'] = 'v'
    with pytest.raises(ValueError):
        headers.append('X-A\n', 'v')


# --------------------------------------------------------------------------- WSGIHeaderDict

def sample_environ(**extra):
    environ = {
        'REQUEST_METHOD': 'GET',
        'PATH_INFO': '/',
        'HTTP_X_FOO': 'bar',
        'HTTP_ACCEPT_LANGUAGE': 'de',
        'CONTENT_TYPE': 'text/plain',
        'CONTENT_LENGTH': '3',
        'wsgi.input': None,
    }
    environ.update(extra)
    return environ


def test_wsgiheaderdict_reads_http_keys():
    headers = bottle.WSGIHeaderDict(sample_environ())
    assert headers['X-Foo'] == 'bar'
    assert headers['Accept-Language'] == 'de'


def test_wsgiheaderdict_reads_content_keys():
    headers = bottle.WSGIHeaderDict(sample_environ())
    assert headers['Content-Type'] == 'text/plain'
    assert headers['Content-Length'] == '3'


def test_wsgiheaderdict_is_case_insensitive():
    headers = bottle.WSGIHeaderDict(sample_environ())
    assert headers['x-foo'] == 'bar'
    assert headers['X-FOO'] == 'bar'
    assert 'accept-language' in headers


def test_wsgiheaderdict_keys_are_title_cased_header_names():
    headers = bottle.WSGIHeaderDict(sample_environ())
    assert sorted(headers.keys()) == ['Accept-Language', 'Content-Length', 'Content-Type', 'X-Foo']
    assert sorted(headers) == sorted(headers.keys())
    assert len(headers) == 4


def test_wsgiheaderdict_ignores_other_cgi_keys():
    headers = bottle.WSGIHeaderDict(sample_environ())
    assert 'Request-Method' not in headers
    assert 'Path-Info' not in headers


def test_wsgiheaderdict_missing_header():
    headers = bottle.WSGIHeaderDict(sample_environ())
    assert headers.get('X-Missing') is None
    assert headers.get('X-Missing', 'fallback') == 'fallback'
    assert 'X-Missing' not in headers
    with pytest.raises(KeyError):
        headers['X-Missing']


def test_wsgiheaderdict_decodes_values_as_utf8():
    environ = sample_environ(HTTP_X_NAME=mojibake('J\u00f6rg'))
    assert bottle.WSGIHeaderDict(environ)['X-Name'] == 'J\u00f6rg'


def test_wsgiheaderdict_raw_returns_environ_value_untouched():
    environ = sample_environ(HTTP_X_NAME=mojibake('J\u00f6rg'))
    headers = bottle.WSGIHeaderDict(environ)
    assert headers.raw('X-Name') == mojibake('J\u00f6rg')
    assert headers.raw('x-foo') == 'bar'
    assert headers.raw('X-Missing') is None
    assert headers.raw('X-Missing', 'fallback') == 'fallback'


def test_wsgiheaderdict_value_not_valid_utf8_falls_back_to_latin1():
    # differs from 0.13.4: it raises UnicodeDecodeError (a 500 for a bad client header).
    environ = sample_environ(HTTP_X_NAME='\xff\xfe')
    assert bottle.WSGIHeaderDict(environ)['X-Name'] == '\xff\xfe'


def test_wsgiheaderdict_is_read_only():
    headers = bottle.WSGIHeaderDict(sample_environ())
    with pytest.raises(TypeError):
        headers['X-New'] = 'v'
    with pytest.raises(TypeError):
        del headers['X-Foo']
    assert headers['X-Foo'] == 'bar'


def test_wsgiheaderdict_reads_environ_live():
    environ = sample_environ()
    headers = bottle.WSGIHeaderDict(environ)
    environ['HTTP_X_LATE'] = 'yes'
    assert headers['X-Late'] == 'yes'


def test_wsgiheaderdict_cgikeys():
    assert set(bottle.WSGIHeaderDict.cgikeys) == {'CONTENT_TYPE', 'CONTENT_LENGTH'}


def test_request_headers_is_a_wsgiheaderdict():
    app = bottle.Bottle()
    app.route('/', callback=lambda: '%s|%s' % (type(bottle.request.headers).__name__,
                                                bottle.request.headers['x-foo']))
    assert call(app, '/', headers={'X-Foo': 'bar'}).text == 'WSGIHeaderDict|bar'


# --------------------------------------------------------------------------- pickling

@pytest.mark.parametrize('protocol', range(pickle.HIGHEST_PROTOCOL + 1))
def test_multidict_pickle_round_trip_keeps_every_value(protocol):
    data = multidict_with(('a', '1'), ('a', '2'), ('b', '3'))
    restored = pickle.loads(pickle.dumps(data, protocol))
    assert type(restored) is bottle.MultiDict
    assert sorted(restored.allitems()) == [('a', '1'), ('a', '2'), ('b', '3')]
    assert restored.getall('a') == ['1', '2']


def test_formsdict_pickle_round_trip_keeps_values_and_settings():
    forms = bottle.FormsDict()
    forms.append('a', '1')
    forms.append('a', '2')
    forms.input_encoding = 'latin1'
    forms.recode_unicode = False
    restored = pickle.loads(pickle.dumps(forms))
    assert type(restored) is bottle.FormsDict
    assert restored.getall('a') == ['1', '2']
    assert restored.input_encoding == 'latin1'
    assert restored.recode_unicode is False
    assert restored.a == '2'
    assert restored.missing == ''


def test_headerdict_pickle_round_trip_keeps_case_insensitivity():
    headers = bottle.HeaderDict()
    headers.append('x-a', '1')
    headers.append('X-A', '2')
    headers['content-type'] = 'text/plain'
    restored = pickle.loads(pickle.dumps(headers))
    assert type(restored) is bottle.HeaderDict
    assert restored.getall('X-a') == ['1', '2']
    assert restored['CONTENT-TYPE'] == 'text/plain'


# --------------------------------------------------------------------------- AppStack

def test_appstack_push_without_argument_creates_and_returns_app():
    stack = bottle.AppStack()
    app = stack.push()
    assert isinstance(app, bottle.Bottle)
    assert stack() is app


def test_appstack_push_given_app_returns_it():
    stack = bottle.AppStack()
    app = bottle.Bottle()
    assert stack.push(app) is app
    assert stack() is app


def test_appstack_pop_returns_top_and_restores_previous():
    stack = bottle.AppStack()
    first = stack.push()
    second = stack.push()
    assert stack.pop() is second
    assert stack() is first


def test_appstack_new_app_pushes_fresh_app():
    stack = bottle.AppStack()
    first = stack.push()
    fresh = stack.new_app()
    assert isinstance(fresh, bottle.Bottle)
    assert fresh is not first
    assert stack() is fresh
    assert len(stack) == 2


def test_appstack_default_is_top_of_stack():
    stack = bottle.AppStack()
    app = stack.push()
    assert stack.default is app


def test_empty_appstack_creates_default_app_on_demand():
    stack = bottle.AppStack()
    app = stack()
    assert isinstance(app, bottle.Bottle)
    assert stack() is app
    assert len(stack) == 1


def test_empty_appstack_default_property_creates_app():
    stack = bottle.AppStack()
    app = stack.default
    assert isinstance(app, bottle.Bottle)
    assert stack() is app


def test_module_level_app_and_default_app_are_the_same_stack():
    assert isinstance(bottle.app, bottle.AppStack)
    assert bottle.default_app is bottle.app
    assert bottle.apps is bottle.app


def test_module_shortcuts_act_on_pushed_app():
    pushed = bottle.app.push()
    try:
        bottle.route('/shortcut', callback=lambda: 'via shortcut')
        assert call(pushed, '/shortcut').text == 'via shortcut'
    finally:
        bottle.app.pop()
    assert call(bottle.app(), '/shortcut').code == 404


# ------------------------------------------------------------------- get(type=) contract (issue 10)

def test_get_with_a_converter_that_raises_type_error_gives_the_default():
    assert bottle.MultiDict(n=None).get('n', 'fallback', type=int) == 'fallback'


def test_get_lets_other_exceptions_of_the_converter_through():
    def broken(value):
        raise RuntimeError('a bug in the converter')
    with pytest.raises(RuntimeError, match='a bug in the converter'):
        bottle.MultiDict(n='1').get('n', type=broken)


def test_header_dict_get_takes_a_converter_too():
    headers = bottle.HeaderDict({'Content-Length': '12'})
    assert headers.get('content-length', type=int) == 12
    assert headers.get('content-type', 'none', type=int) == 'none'


def test_getall_returns_a_copy_of_the_values():
    data = bottle.MultiDict()
    data['a'] = 1
    data.getall('a').append(2)
    assert data.getall('a') == [1]


def test_multidict_repr_shows_every_pair():
    data = bottle.MultiDict()
    data['a'] = 1
    data['a'] = 2
    assert repr(data) == "MultiDict([('a', 1), ('a', 2)])"


def test_forms_dict_special_names_raise_attribute_error():
    forms = bottle.FormsDict()
    with pytest.raises(AttributeError):
        forms.__deepcopy__  # noqa: B018 (the attribute access is what is tested)


def test_wsgi_header_dict_lists_odd_header_names_without_raising():
    headers = bottle.WSGIHeaderDict({'HTTP_X_ODD NAME': '1', 'CONTENT_TYPE': 'text/plain'})
    assert sorted(headers) == ['Content-Type', 'X-Odd Name']
