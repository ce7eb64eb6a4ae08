"""Differential tests: every fast path gives exactly what the general path gives.

Each test answers the same requests twice, once as bottle.py does and once with the
fast path switched off (monkeypatched away), and compares status, headers and body.
"""
import json

import pytest

import bottle
from helpers import call


def without_plain_answer(monkeypatch):
    monkeypatch.setattr(bottle.Bottle, '_plain_answer', staticmethod(lambda *args: None))


def answers_both_ways(monkeypatch, app, path='/', **request):
    """(fast, general) results of the same request."""
    fast = call(app, path, **request)
    with monkeypatch.context() as patched:
        without_plain_answer(patched)
        general = call(app, path, **request)
    return fast, general


def assert_same(fast, general):
    assert fast.status == general.status
    assert fast.headers == general.headers
    assert fast.body == general.body


def callback_app(callback, method='GET', **route_options):
    app = bottle.Bottle()
    app.route('/', method=method, callback=callback, **route_options)
    return app


def set_status(code):
    def callback():
        bottle.response.status = code
        return 'body'
    return callback


def set_header(name, value):
    def callback():
        bottle.response.set_header(name, value)
        return 'body'
    return callback


def set_charset(charset):
    def callback():
        bottle.response.charset = charset
        return 'caf\u00e9'
    return callback


def set_cookie():
    bottle.response.set_cookie('a', 'b')
    return 'body'


def non_ascii_status():
    bottle.response.status = '200 \u00dcber OK'
    return 'x'


CASES = {
    'text': lambda: 'hello',
    'empty text': lambda: '',
    'non-ascii text': lambda: 'caf\u00e9 \u2603',
    'bytes': lambda: b'\x00\xffbytes',
    'empty bytes': lambda: b'',
    'status 201': set_status(201),
    'status 404 line': set_status('404 Brain not found'),
    'status 204': set_status(204),
    'status 304': set_status(304),
    'non-ascii status line': non_ascii_status,
    'content type without charset': set_header('Content-Type', 'text/plain'),
    'content type with charset': set_header('Content-Type', 'text/plain; charset=latin1'),
    'content type CHARSET upper case': set_header('Content-Type', 'text/plain; CHARSET=latin1'),
    'non-ascii content type': set_header('Content-Type', 'text/\u00e9'),
    'another header': set_header('X-Other', '1'),
    'custom charset': set_charset('latin1'),
    'cookie': set_cookie,
    'dict as json': lambda: {'a': [1, 'x']},
    'list of text': lambda: ['a', 'b'],
    'http response': lambda: bottle.HTTPResponse('raised', 202, {'X-A': '1'}),
    'http error': lambda: bottle.HTTPError(418, 'tea'),
}


@pytest.mark.parametrize('case', sorted(CASES))
@pytest.mark.parametrize('method', ['GET', 'HEAD'])
def test_plain_answer_matches_the_general_path(monkeypatch, case, method):
    app = callback_app(CASES[case], method=['GET', 'HEAD'])
    assert_same(*answers_both_ways(monkeypatch, app, method=method))


def test_plain_answer_with_a_changed_default_content_type(monkeypatch):
    monkeypatch.setattr(bottle.BaseResponse, 'default_content_type', 'text/plain; charset=UTF-8')
    app = callback_app(lambda: 'text')
    fast, general = answers_both_ways(monkeypatch, app)
    assert_same(fast, general)
    assert fast.header('Content-Type') == 'text/plain; charset=UTF-8'


def test_plain_answer_after_a_hook_that_sets_a_header(monkeypatch):
    app = callback_app(lambda: 'text')
    app.add_hook('after_request', lambda: bottle.response.set_header('X-Hook', 'yes'))
    fast, general = answers_both_ways(monkeypatch, app)
    assert_same(fast, general)
    assert fast.header('X-Hook') == 'yes'


def test_plain_answer_with_json_disabled(monkeypatch):
    app = callback_app(lambda: {'a': 1}, **{'json.enable': False})
    assert_same(*answers_both_ways(monkeypatch, app))


def test_plain_answer_with_a_custom_json_dumper(monkeypatch):
    app = callback_app(lambda: {'b': 1, 'a': 2})
    app.config['json.dump_func'] = lambda obj: json.dumps(obj, sort_keys=True)
    fast, general = answers_both_ways(monkeypatch, app)
    assert_same(fast, general)
    assert fast.body == b'{"a": 2, "b": 1}'


def test_plain_answer_when_the_request_spooled_its_body(monkeypatch):
    app = callback_app(lambda: 'read %d' % len(bottle.request.body.read()), method='POST')
    assert_same(*answers_both_ways(monkeypatch, app, method='POST', body=b'x' * 300000))


def test_plain_answer_for_a_404_and_405(monkeypatch):
    app = callback_app(lambda: 'text')
    assert_same(*answers_both_ways(monkeypatch, app, '/missing'))
    assert_same(*answers_both_ways(monkeypatch, app, method='POST'))


def test_plain_answer_for_a_mounted_app(monkeypatch):
    child = callback_app(lambda: 'child')
    parent = bottle.Bottle()
    parent.mount('/child/', child)
    assert_same(*answers_both_ways(monkeypatch, parent, '/child/'))


@pytest.mark.parametrize('callback', [lambda: 'text', lambda: b'bytes', lambda: {'a': 1}])
def test_the_fast_path_is_taken_for_plain_answers(monkeypatch, callback):
    def general_path(*args):
        raise AssertionError('the general path was taken')
    monkeypatch.setattr(bottle.Bottle, '_cast', general_path)
    assert call(callback_app(callback), '/').code == 200


# --------------------------------------------------------------------------- query strings

TRICKY_QUERIES = [
    '', '&', '&&', 'a', 'a=', '=x', '=', 'a=1&a=2&a=3', 'a=1&&b=2&', '&a=1', 'a=b=c',
    'a+b=c+d', 'a%20b=c%2Bd', 'x=%26&y=%3D', '%26=%3D', 'k=%zz&k=%4', 'caf%C3%A9=%E2%98%83',
    'bad=%ff%fe', 'raw=\u00c3\u00a9', 'semi=a;b=c', 'e=&e=&e=x', '=x&&a&b=',
    'a=1&A=2&a=3', 'k=1+%2B+2', 'a=%41&b=%2f', 'mix=%C3%A9&bad=%E9', 'x=%2525', 'p=%', 'q=%2',
    'e=%3d', 'a%3Db=c', 'name=Alice&email=alice%40example.com&message=Hello+there%21',
    'raw=\u00e9&esc=%C3%A9', 'raw=\u00ff\u00fe',
]


@pytest.mark.parametrize('qs', TRICKY_QUERIES)
def test_query_values_match_the_pairs_of_parse_qsl(qs):
    expected = {}
    for key, value in bottle._parse_qsl(qs):
        expected.setdefault(key, []).append(value)
    assert bottle._parse_query_values(qs) == expected


@pytest.mark.parametrize('qs', TRICKY_QUERIES)
def test_urlencoded_forms_match_a_forms_dict_of_parse_qsl(qs):
    body = qs.encode('latin1')
    request = bottle.BaseRequest({'wsgi.input': __import__('io').BytesIO(body),
                                  'CONTENT_LENGTH': str(len(body)), 'REQUEST_METHOD': 'POST',
                                  'CONTENT_TYPE': 'application/x-www-form-urlencoded'})
    expected = bottle._decoded_forms_dict(bottle._parse_qsl(qs)).allitems()
    assert request.forms.allitems() == expected
    assert request.POST.allitems() == expected
    assert request.files.allitems() == []


@pytest.mark.parametrize('qs', TRICKY_QUERIES)
def test_request_query_matches_a_forms_dict_of_parse_qsl(qs):
    request = bottle.BaseRequest({'QUERY_STRING': qs})
    assert request.query.allitems() == bottle._decoded_forms_dict(bottle._parse_qsl(qs)).allitems()
    assert isinstance(request.query, bottle.FormsDict)
    assert request.query.recode_unicode is False
