"""Signed cookies: JSON signed with HMAC-SHA256, key rotation, expiry, and Bottle 0.13's
pickled cookies read through an unpickler that only knows plain data."""
import base64
import datetime
import hashlib
import hmac
import json
import os
import pickle
import warnings

import pytest

import bottle
from helpers import call


def set_and_get_app(secret_for_setting, secret_for_reading, **options):
    """POST /set?... sets cookie 'c' to the JSON in the body; GET /get reads it back."""
    app = bottle.Bottle()

    @app.post('/set')
    def set_cookie():
        bottle.response.set_cookie('c', json.loads(bottle.request.body.read()),
                                   secret=secret_for_setting, **options)
        return ''

    @app.get('/get')
    def get_cookie():
        return {'value': bottle.request.get_cookie('c', 'MISSING', secret=secret_for_reading)}
    return app


def cookie_value(result, name='c'):
    """The value of the Set-Cookie header for ``name`` in ``result``."""
    for header in result.header_list('Set-Cookie'):
        key, _, rest = header.partition('=')
        if key == name:
            return rest.split(';', 1)[0]
    raise AssertionError('no cookie %r set' % name)


def read_back(app, value):
    return json.loads(call(app, '/get', headers={'Cookie': 'c=%s' % value}).body)['value']


def round_trip(value, secret='k', reading_secret=None, **options):
    app = set_and_get_app(secret, reading_secret or secret, **options)
    result = call(app, '/set', 'POST', body=json.dumps(value))
    return read_back(app, cookie_value(result))


@pytest.mark.parametrize('value', ['text', 'caf\u00e9 \u2603', 42, 1.5, True, None, [1, 'two'],
                                   {'user': 'ann', 'roles': ['admin'], 'n': {'deep': [1]}}])
def test_json_values_round_trip(value):
    assert round_trip(value) == value


def test_the_cookie_is_signed_json_the_client_can_read_but_not_change():
    app = set_and_get_app('k', 'k')
    value = cookie_value(call(app, '/set', 'POST', body=b'{"user": "ann"}'))
    prefix, payload, signature = value.split('.')
    assert prefix == '2'
    padded = payload + '=' * (-len(payload) % 4)
    assert json.loads(base64.urlsafe_b64decode(padded)) == {'n': 'c', 'v': {'user': 'ann'}}
    expected = hmac.new(b'k', payload.encode('ascii'), hashlib.sha256).digest()
    assert base64.urlsafe_b64decode(signature + '=' * (-len(signature) % 4)) == expected


def test_a_value_json_cannot_hold_is_a_type_error_naming_the_type():
    response = bottle.BaseResponse()
    with pytest.raises(TypeError, match='not datetime'):
        response.set_cookie('c', datetime.datetime.now(), secret='k')
    with pytest.raises(TypeError, match='not set'):
        response.set_cookie('c', {1, 2}, secret='k')


def test_setting_a_json_value_gives_no_deprecation_warning():
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        bottle.BaseResponse().set_cookie('c', {'a': [1]}, secret='k')


def test_a_value_without_a_secret_must_be_text():
    with pytest.raises(TypeError, match='Secret key required'):
        bottle.BaseResponse().set_cookie('c', {'a': 1})


def test_key_rotation_signs_with_the_first_key_and_accepts_any():
    assert round_trip('x', secret=['new', 'old'], reading_secret=['new', 'old']) == 'x'
    assert round_trip('x', secret='old', reading_secret=['new', 'old']) == 'x'
    assert round_trip('x', secret=['new', 'old'], reading_secret='new') == 'x'
    assert round_trip('x', secret=['new', 'old'], reading_secret='old') == 'MISSING'


def test_bytes_secrets_work_like_str_secrets():
    assert round_trip('x', secret=b'k\xff', reading_secret=[b'k\xff']) == 'x'


@pytest.mark.parametrize('damage', ['payload', 'signature', 'truncate', 'no-signature', 'garbage',
                                    'bad-base64', 'unsigned'])
def test_a_damaged_cookie_reads_as_missing(damage):
    app = set_and_get_app('k', 'k')
    value = cookie_value(call(app, '/set', 'POST', body=b'"secret data"'))
    prefix, payload, signature = value.split('.')
    damaged = {
        'payload': '%s.%s.%s' % (prefix, payload[:-2] + ('AA' if payload[-2:] != 'AA' else 'BB'),
                                 signature),
        'signature': '%s.%s.%s' % (prefix, payload, signature[::-1]),
        'truncate': value[:len(value) // 2],
        'no-signature': '%s.%s' % (prefix, payload),
        'garbage': '2.!!!.???',
        'bad-base64': '2.%s.%s' % (payload, 'a'),
        'unsigned': 'plain-text',
    }[damage]
    result = call(app, '/get', headers={'Cookie': 'c=%s' % damaged})
    assert result.code == 200
    assert json.loads(result.body)['value'] == 'MISSING'


def test_a_cookie_signed_for_another_name_reads_as_missing():
    response = bottle.BaseResponse()
    response.set_cookie('other', 'x', secret='k')
    value = response._cookies['other'].split(';')[0].split('=', 1)[1]
    assert read_back(set_and_get_app('k', 'k'), value) == 'MISSING'


def test_a_cookie_signed_with_another_digest_reads_as_missing():
    app = set_and_get_app('k', 'k', )
    response = bottle.BaseResponse()
    response.set_cookie('c', 'x', secret='k', digestmod=hashlib.sha512)
    value = response._cookies['c'].split(';')[0].split('=', 1)[1]
    assert read_back(app, value) == 'MISSING'


def test_digestmod_must_match_on_both_sides():
    response = bottle.BaseResponse()
    response.set_cookie('c', 'x', secret='k', digestmod=hashlib.sha512)
    value = response._cookies['c'].split(';')[0].split('=', 1)[1]
    request = bottle.BaseRequest({'HTTP_COOKIE': 'c=' + value})
    assert request.get_cookie('c', secret='k', digestmod=hashlib.sha512) == 'x'


def test_an_expired_signed_cookie_reads_as_missing_even_if_the_client_keeps_it():
    past = datetime.datetime(2001, 1, 1)
    for options in ({'max_age': -10}, {'expires': past}, {'max_age': datetime.timedelta(-1)}):
        assert round_trip('x', **options) == 'MISSING'


def test_a_signed_cookie_with_a_future_expiry_reads_back():
    future = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)
    assert round_trip('x', max_age=3600) == 'x'
    assert round_trip('x', expires=future) == 'x'


# --------------------------------------------------------------------------- Bottle 0.13 cookies

def legacy_cookie(content, secret, digestmod=hashlib.sha256):
    """A cookie value the way Bottle 0.13 signed it: '!' signature '?' pickle."""
    payload = base64.b64encode(pickle.dumps(content, -1))
    signature = base64.b64encode(hmac.new(secret, payload, digestmod).digest())
    return (b'!' + signature + b'?' + payload).decode('ascii')


def read_legacy(value, secret='k'):
    request = bottle.BaseRequest({'HTTP_COOKIE': 'c="%s"' % value})
    return request.get_cookie('c', 'MISSING', secret=secret)


@pytest.mark.parametrize('value', [
    'alice', 42, [1, 2], {'user': 'ann'}, (1, 'a'), {1, 2}, frozenset([3]), b'raw',
    datetime.datetime(2024, 5, 6, 7, 8, 9), datetime.date(2024, 5, 6),
    datetime.datetime(2024, 5, 6, tzinfo=datetime.timezone.utc), datetime.timedelta(3),
])
def test_cookies_signed_by_bottle_0_13_stay_readable(value):
    assert read_legacy(legacy_cookie(['c', value], b'k')) == value


def test_a_legacy_cookie_with_a_wrong_signature_reads_as_missing():
    assert read_legacy(legacy_cookie(['c', 'alice'], b'other')) == 'MISSING'


def test_a_legacy_cookie_for_another_name_reads_as_missing():
    assert read_legacy(legacy_cookie(['d', 'alice'], b'k')) == 'MISSING'


class Exploit:
    """A pickle that runs code when it is loaded: it creates a marker file."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, ('touch %s' % self.marker,))


def test_a_forged_legacy_cookie_with_a_valid_signature_runs_nothing(tmp_path):
    marker = tmp_path / 'pwned'
    forged = legacy_cookie(['c', Exploit(str(marker))], b'k')
    assert read_legacy(forged) == 'MISSING'
    assert not marker.exists()


@pytest.mark.parametrize('evil', [
    (eval, ('1',)), (getattr, (object, '__class__')), (__import__, ('os',)),
])
def test_other_callables_in_a_legacy_cookie_are_refused(evil):
    class Reducer:
        def __reduce__(self):
            return evil
    assert read_legacy(legacy_cookie(['c', Reducer()], b'k')) == 'MISSING'


def test_a_legacy_cookie_holding_an_arbitrary_object_reads_as_missing():
    assert read_legacy(legacy_cookie(['c', bottle.HeaderDict(a='1')], b'k')) == 'MISSING'


def test_deprecated_cookie_decode_refuses_classes_too(tmp_path):
    marker = tmp_path / 'pwned'
    payload = base64.b64encode(pickle.dumps(Exploit(str(marker)), -1))
    signature = base64.b64encode(hmac.new(b'k', payload, hashlib.sha256).digest())
    with pytest.warns(DeprecationWarning):
        assert bottle.cookie_decode(b'!' + signature + b'?' + payload, 'k') is None
    assert not marker.exists()


def test_deprecated_cookie_encode_and_decode_still_round_trip_plain_data():
    with pytest.warns(DeprecationWarning):
        encoded = bottle.cookie_encode(['c', {'a': 1}], 'k')
    with pytest.warns(DeprecationWarning):
        assert bottle.cookie_decode(encoded, 'k') == ['c', {'a': 1}]
