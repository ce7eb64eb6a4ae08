"""Names that code written for Bottle 0.13 imports from bottle, and what they are."""
import datetime
import functools
import http.client
import http.cookies
import importlib
import inspect
import io
import json
import os
import subprocess
import sys
import tempfile
import traceback
import types
import urllib.parse

import pytest

import bottle

BOTTLE_DIR = os.path.dirname(os.path.abspath(bottle.__file__))

# Every module-level name of Bottle 0.13 that old code imports, with what it must be.
STANDARD_NAMES = {
    'BytesIO': io.BytesIO,
    'SimpleCookie': http.cookies.SimpleCookie,
    'Morsel': http.cookies.Morsel,
    'CookieError': http.cookies.CookieError,
    'new_module': types.ModuleType,
    'urlencode': urllib.parse.urlencode,
    'urlquote': urllib.parse.quote,
    'urljoin': urllib.parse.urljoin,
    'httplib': http.client,
    'imap': map,
    'json_lds': json.loads,
    'getfullargspec': inspect.getfullargspec,
    'NamedTemporaryFile': tempfile.NamedTemporaryFile,
    'FunctionType': types.FunctionType,
    'UrlSplitResult': urllib.parse.SplitResult,
    'format_exc': traceback.format_exc,
    'print_exc': traceback.print_exc,
    'datedate': datetime.date,
    'datetime': datetime.datetime,
    'timedelta': datetime.timedelta,
    'timezone': datetime.timezone,
    'UTC': datetime.timezone.utc,
    'unicode': str,
    'basestring': str,
}
STANDARD_MODULES = ('base64', 'calendar', 'configparser', 'email', 'functools', 'hashlib',
                    'hmac', 'itertools', 'mimetypes', 'os', 're', 'pickle', 'sys', 'tempfile',
                    'threading', 'time', 'warnings', 'weakref')


@pytest.mark.parametrize('name', sorted(STANDARD_NAMES))
def test_standard_name_is_importable_from_bottle(name):
    namespace = {}
    exec('from bottle import %s as value' % name, namespace)
    assert namespace['value'] is STANDARD_NAMES[name]


@pytest.mark.parametrize('name', STANDARD_MODULES)
def test_standard_module_is_importable_from_bottle(name):
    namespace = {}
    exec('from bottle import %s as value' % name, namespace)
    assert namespace['value'] is importlib.import_module(name)


def test_thread_is_the_low_level_thread_module():
    from bottle import thread
    import _thread
    assert thread is _thread


def test_email_is_the_package_with_utils_loaded():
    from bottle import email
    assert email.utils.parsedate_tz('Sun, 06 Nov 1994 08:49:37 GMT')[:3] == (1994, 11, 6)


def test_the_import_line_of_a_real_oauth2_plugin_suite_works():
    namespace = {}
    exec('from bottle import tob, tonat, BytesIO, py3k, unicode', namespace)
    assert namespace['tob']('x') == b'x' and namespace['BytesIO'] is io.BytesIO


def test_urlunquote_takes_the_parameters_of_0_13():
    from bottle import urlunquote
    assert urlunquote('%E9') == '\u00e9'
    assert urlunquote('%E9', encoding='utf8', errors='replace') == '\ufffd'


def test_re_flatten_makes_groups_non_capturing():
    from bottle import _re_flatten
    assert _re_flatten(r'(a)(?P<b>c)\(d\)') == r'(?:a)(?:c)\(d\)'


def test_re_flatten_works_in_a_custom_route_filter():
    from bottle import _re_flatten
    app = bottle.Bottle()
    app.router.add_filter('pair', lambda conf: (_re_flatten(r'(\d+)-(\d+)'), None, None))

    @app.route('/span/<value:pair>')
    def span(value):
        return value

    assert app.match({'PATH_INFO': '/span/3-4', 'REQUEST_METHOD': 'GET'})[1] == {'value': '3-4'}


def test_lscmp_compares_in_constant_time_and_returns_a_bool():
    from bottle import _lscmp
    assert _lscmp('abc', 'abc') is True
    assert _lscmp(b'abc', 'abd') is False


def test_raise_re_raises_with_the_given_traceback():
    from bottle import _raise
    try:
        raise KeyError('first')
    except KeyError:
        _, _, trace = sys.exc_info()
    with pytest.raises(ValueError) as raised:
        _raise(ValueError, 'second', trace)
    assert raised.value.args == ('second',)
    assert raised.traceback[-1].name == 'test_raise_re_raises_with_the_given_traceback'


def test_local_property_keeps_one_value_per_thread():
    import threading
    from bottle import _local_property

    class Holder:
        value = _local_property()

    holder = Holder()
    holder.value = 'main'
    seen = []
    worker = threading.Thread(target=lambda: seen.append(pytest.raises(RuntimeError,
                                                                      lambda: holder.value)))
    worker.start()
    worker.join()
    assert holder.value == 'main' and seen


def test_dir_lists_the_names_loaded_on_first_access():
    names = dir(bottle)
    for name in list(STANDARD_NAMES) + list(STANDARD_MODULES) + ['_re_flatten', 'urlunquote']:
        assert name in names


def test_unknown_module_attribute_raises_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'no_such_name'"):
        bottle.no_such_name  # noqa: B018 (the attribute access is what is tested)


def test_costly_names_are_not_imported_by_import_bottle():
    # A fresh interpreter: importing bottle must not import what the lazy names need.
    code = ('import sys, bottle; '
            'print(sorted(m for m in ("http.client", "pickle", "inspect", "configparser", '
            '"tempfile", "http.cookies", "email.utils", "hmac") if m in sys.modules))')
    output = subprocess.run([sys.executable, '-S', '-c', code], cwd=BOTTLE_DIR, check=True,
                            stdout=subprocess.PIPE, text=True).stdout
    assert output.strip() == '[]'


def test_partial_names_keep_working_after_first_access():
    first = bottle.urlunquote
    assert bottle.urlunquote is first
    assert isinstance(first, functools.partial)
