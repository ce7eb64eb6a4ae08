"""Routing: rule syntax, filters, match order, methods, URL building and Route objects.

Most behaviour is checked through real WSGI calls on a :class:`bottle.Bottle`
application (``helpers.call``); the :class:`bottle.Router` is also exercised
directly where its own API (``add``, ``match``, ``build``, ``add_filter``) is the
subject.
"""
import functools
import re
import urllib.parse
import warnings

import pytest

import bottle
from helpers import call, make_environ


def echo(**kwargs):
    """A callback that shows exactly which keyword arguments it received."""
    return repr(sorted(kwargs.items()))


def add(app, rule, method='GET', **options):
    """Route ``rule`` to :func:`echo` on ``app``."""
    app.route(rule, method=method, callback=echo, **options)


def quietly_add(app, rule, method='GET', **options):
    """Like :func:`add`, ignoring deprecation warnings (legacy syntax, escapes)."""
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', DeprecationWarning)
        add(app, rule, method, **options)


def allowed(result):
    """The set of methods in a 405 response's Allow header."""
    return {m.strip() for m in result.header('Allow', '').split(',') if m.strip()}


# ---------------------------------------------------------------------------
# Rule syntax
# ---------------------------------------------------------------------------

def test_wildcard_passes_matched_segment_as_keyword_argument():
    app = bottle.Bottle()
    add(app, '/hello/<name>')

    result = call(app, '/hello/alice')

    assert result.code == 200
    assert result.text == "[('name', 'alice')]"


def test_several_wildcards_in_one_rule():
    app = bottle.Bottle()
    add(app, '/<action>/<user>')

    result = call(app, '/follow/defnull')

    assert result.code == 200
    assert result.text == "[('action', 'follow'), ('user', 'defnull')]"


@pytest.mark.parametrize('path', ['/hello', '/hello/', '/hello/mr/smith', '/hello/a/'])
def test_wildcard_matches_exactly_one_nonempty_segment(path):
    app = bottle.Bottle()
    add(app, '/hello/<name>')

    assert call(app, path).code == 404


def test_wildcard_never_matches_an_empty_segment_between_slashes():
    app = bottle.Bottle()
    add(app, '/a/<x>/b')

    assert call(app, '/a//b').code == 404
    assert call(app, '/a/x/b').text == "[('x', 'x')]"


def test_wildcard_may_share_a_segment_with_literal_text():
    app = bottle.Bottle()
    add(app, '/doc/<name>.json')

    assert call(app, '/doc/readme.json').text == "[('name', 'readme')]"
    assert call(app, '/doc/a.b.json').text == "[('name', 'a.b')]"
    assert call(app, '/doc/readmeXjson').code == 404
    assert call(app, '/doc/.json').code == 404


def test_filtered_wildcard_with_config():
    app = bottle.Bottle()
    add(app, '/re/<word:re:[a-z]+>')

    assert call(app, '/re/abc').text == "[('word', 'abc')]"
    assert call(app, '/re/ABC').code == 404


def test_re_filter_must_cover_the_whole_segment():
    app = bottle.Bottle()
    add(app, '/re/<word:re:[a-z]+>')

    assert call(app, '/re/abc1').code == 404
    assert call(app, '/re/1abc').code == 404


def test_re_filter_config_with_capturing_groups_still_gives_whole_match():
    app = bottle.Bottle()
    add(app, '/ab/<x:re:(a)(b)>/<y>')

    result = call(app, '/ab/ab/end')

    assert result.code == 200
    assert result.text == "[('x', 'ab'), ('y', 'end')]"


def test_anonymous_re_wildcard_matches_but_passes_no_argument():
    app = bottle.Bottle()
    add(app, '/anon/<:re:[0-9]+>/<y>')

    assert call(app, '/anon/12/zz').text == "[('y', 'zz')]"
    assert call(app, '/anon/ab/zz').code == 404


def test_anonymous_default_wildcard_matches_a_segment():
    app = bottle.Bottle()
    add(app, '/anon/<>/x')

    assert call(app, '/anon/anything/x').text == '[]'
    assert call(app, '/anon//x').code == 404


def test_anonymous_wildcard_with_converting_filter_matches_and_passes_nothing():
    # differs from 0.13.4: an anonymous <:int> crashes with KeyError (500) there
    app = bottle.Bottle()
    add(app, '/anon/<:int>/<y>')

    result = call(app, '/anon/12/zz')

    assert result.code == 200
    assert result.text == "[('y', 'zz')]"
    assert call(app, '/anon/ab/zz').code == 404


@pytest.mark.parametrize('rule, hit, misses', [
    ('/lit/a.b', '/lit/a.b', ['/lit/aXb']),
    ('/lit/a+b', '/lit/a+b', ['/lit/aab', '/lit/ab']),
    ('/lit/f(x)', '/lit/f(x)', ['/lit/fx']),
    ('/lit/$5', '/lit/$5', ['/lit/5']),
    ('/lit/^top', '/lit/^top', ['/lit/top']),
    ('/lit/[abc]', '/lit/[abc]', ['/lit/a']),
    ('/lit/a|b', '/lit/a|b', ['/lit/a', '/lit/b']),
    ('/lit/a*', '/lit/a*', ['/lit/a', '/lit/aaa']),
    ('/lit/a?', '/lit/a?', ['/lit/a', '/lit/']),
    ('/lit/{2}', '/lit/{2}', ['/lit/']),
    ('/lit/back\\slash', '/lit/back\\slash', ['/lit/backslash']),
])
def test_regex_special_characters_in_static_rules_match_literally(rule, hit, misses):
    app = bottle.Bottle()
    quietly_add(app, rule)

    assert call(app, hit).code == 200
    for miss in misses:
        assert call(app, miss).code == 404, miss


def test_regex_special_characters_next_to_a_wildcard_match_literally():
    app = bottle.Bottle()
    add(app, '/lit/<x>+(y)$[z]^|*?')

    assert call(app, '/lit/Q+(y)$[z]^|*?').text == "[('x', 'Q')]"
    assert call(app, '/lit/Q+(y)$[z]^|*').code == 404
    assert call(app, '/lit/Qy$z').code == 404


def test_escaped_colon_is_a_literal_colon():
    app = bottle.Bottle()
    quietly_add(app, '/esc/\\:name')

    assert call(app, '/esc/:name').text == '[]'
    assert call(app, '/esc/bob').code == 404
    assert call(app, '/esc/name').code == 404


def test_escaped_angle_bracket_is_literal_text():
    app = bottle.Bottle()
    quietly_add(app, '/esc/\\<name>')

    assert call(app, '/esc/<name>').text == '[]'
    assert call(app, '/esc/bob').code == 404


def test_legacy_colon_wildcard_works_and_is_deprecated():
    app = bottle.Bottle()

    with pytest.warns(DeprecationWarning):
        add(app, '/old/:name')

    assert call(app, '/old/bob').text == "[('name', 'bob')]"
    assert call(app, '/old/').code == 404
    assert call(app, '/old/a/b').code == 404


def test_legacy_colon_wildcard_with_regexp_works_and_is_deprecated():
    app = bottle.Bottle()

    with pytest.warns(DeprecationWarning):
        add(app, '/old/:num#[0-9]+#')

    assert call(app, '/old/12').text == "[('num', '12')]"
    assert call(app, '/old/ab').code == 404


def test_legacy_anonymous_regexp_wildcard_works_and_is_deprecated():
    app = bottle.Bottle()

    with pytest.warns(DeprecationWarning):
        add(app, '/old/:#[0-9]+#/x')

    assert call(app, '/old/12/x').text == '[]'
    assert call(app, '/old/ab/x').code == 404


def test_legacy_empty_anonymous_wildcard_matches_a_segment():
    app = bottle.Bottle()

    with pytest.warns(DeprecationWarning):
        add(app, '/old/:##/x')

    assert call(app, '/old/zz/x').text == '[]'


def test_legacy_and_new_syntax_can_be_mixed_in_one_rule():
    app = bottle.Bottle()
    quietly_add(app, '/mix/:a/<b:int>')

    assert call(app, '/mix/one/2').text == "[('a', 'one'), ('b', 2)]"


def test_router_add_warns_about_legacy_syntax():
    router = bottle.Router()

    with pytest.warns(DeprecationWarning):
        router.add('/old/:name', 'GET', 'target')

    assert router.match(make_environ('/old/x')) == ('target', {'name': 'x'})


def test_new_syntax_does_not_warn():
    app = bottle.Bottle()

    with warnings.catch_warnings():
        warnings.simplefilter('error')
        add(app, '/new/<a>/<b:int>/<c:path>')


def test_trailing_slash_is_significant():
    app = bottle.Bottle()
    app.route('/t', callback=lambda: 'no slash')
    app.route('/t/', callback=lambda: 'slash')

    assert call(app, '/t').text == 'no slash'
    assert call(app, '/t/').text == 'slash'


def test_empty_path_info_matches_the_root_route():
    app = bottle.Bottle()
    app.route('/', callback=lambda: 'root')

    result = call(app, raw_path='')

    assert result.code == 200
    assert result.text == 'root'


def test_stacked_route_decorators_bind_one_callback_to_several_rules():
    app = bottle.Bottle()

    @app.route('/')
    @app.route('/hello/<name>')
    def greet(name='Stranger'):
        return 'Hello %s' % name

    assert call(app, '/').text == 'Hello Stranger'
    assert call(app, '/hello/bob').text == 'Hello bob'


def test_route_without_path_derives_rules_from_callback_signature():
    app = bottle.Bottle()

    @app.route()
    def hello(name, greeting='hi'):
        return '%s %s' % (greeting, name)

    assert [r.rule for r in app.routes] == ['/hello/<name>', '/hello/<name>/<greeting>']
    assert call(app, '/hello/bob').text == 'hi bob'
    assert call(app, '/hello/bob/yo').text == 'yo bob'


def test_route_with_callback_argument_instead_of_decorator():
    app = bottle.Bottle()

    def handler():
        return 'handled'

    returned = app.route('/cb', 'POST', handler)

    assert returned is handler
    assert call(app, '/cb', 'POST').text == 'handled'


def test_module_level_route_uses_the_default_app():
    @bottle.route('/default/<x>')
    def handler(x):
        return 'default ' + x

    assert call(bottle.default_app(), '/default/y').text == 'default y'


# ---------------------------------------------------------------------------
# Built-in filters
# ---------------------------------------------------------------------------

@pytest.mark.parametrize('segment, value', [
    ('5', 5),
    ('-5', -5),
    ('0', 0),
    ('007', 7),
    ('-0', 0),
    ('123456789012345678901234567890', 123456789012345678901234567890),
])
def test_int_filter_matches_signed_digits_and_converts(segment, value):
    app = bottle.Bottle()
    app.route('/int/<x:int>', callback=lambda x: '%s %r' % (type(x).__name__, x))

    result = call(app, '/int/' + segment)

    assert result.code == 200
    assert result.text == 'int %r' % value


@pytest.mark.parametrize('segment', ['', '+5', '5.0', 'abc', '5a', '-', '--5', '1e3', ' 5'])
def test_int_filter_rejects_non_integers_with_404(segment):
    app = bottle.Bottle()
    add(app, '/int/<x:int>')

    assert call(app, '/int/' + segment).code == 404


@pytest.mark.parametrize('segment, value', [
    ('1.5', 1.5),
    ('-1.5', -1.5),
    ('-2.', -2.0),
    ('.5', 0.5),
    ('-.5', -0.5),
    ('1', 1.0),
    ('10.25', 10.25),
])
def test_float_filter_matches_decimal_numbers_and_converts(segment, value):
    app = bottle.Bottle()
    app.route('/float/<x:float>', callback=lambda x: '%s %r' % (type(x).__name__, x))

    result = call(app, '/float/' + segment)

    assert result.code == 200
    assert result.text == 'float %r' % value


@pytest.mark.parametrize('segment', ['', 'abc', '1e5', '+1.5', '-', '1,5'])
def test_float_filter_rejects_non_numbers_with_404(segment):
    app = bottle.Bottle()
    add(app, '/float/<x:float>')

    assert call(app, '/float/' + segment).code == 404


@pytest.mark.parametrize('segment', ['.', '1.2.3', '-.'])
def test_float_filter_malformed_number_is_a_client_error_not_a_crash(segment):
    app = bottle.Bottle()
    add(app, '/float/<x:float>')

    result = call(app, '/float/' + segment)

    assert result.code in (400, 404)
    assert b'Traceback' not in result.body


def test_path_filter_spans_slashes():
    app = bottle.Bottle()
    add(app, '/static/<filepath:path>')

    assert call(app, '/static/css/site/main.css').text == "[('filepath', 'css/site/main.css')]"
    assert call(app, '/static/a.txt').text == "[('filepath', 'a.txt')]"


def test_path_filter_keeps_repeated_and_trailing_slashes():
    app = bottle.Bottle()
    add(app, '/static/<filepath:path>')

    assert call(app, '/static/a//b').text == "[('filepath', 'a//b')]"
    assert call(app, '/static/a/b/').text == "[('filepath', 'a/b/')]"


def test_path_filter_does_not_match_an_empty_path():
    app = bottle.Bottle()
    add(app, '/static/<filepath:path>')

    assert call(app, '/static/').code == 404
    assert call(app, '/static').code == 404


def test_path_filter_followed_by_a_wildcard_splits_at_the_last_slash():
    app = bottle.Bottle()
    add(app, '/p/<a:path>/<b>')

    assert call(app, '/p/x/y/z').text == "[('a', 'x/y'), ('b', 'z')]"
    assert call(app, '/p/x/y').text == "[('a', 'x'), ('b', 'y')]"
    assert call(app, '/p/x').code == 404


def test_path_filter_is_non_greedy():
    app = bottle.Bottle()
    add(app, '/p/<a:path>/<b:path>')

    assert call(app, '/p/x/y/z').text == "[('a', 'x'), ('b', 'y/z')]"


def test_path_filter_with_static_suffix():
    app = bottle.Bottle()
    add(app, '/p/<a:path>/edit')

    assert call(app, '/p/x/y/edit').text == "[('a', 'x/y')]"
    assert call(app, '/p/x/y').code == 404


# ---------------------------------------------------------------------------
# Custom filters
# ---------------------------------------------------------------------------

def list_filter(config):
    """A custom filter: a list of integers separated by ``config`` (default ',')."""
    delimiter = config or ','

    def to_python(match):
        return [int(x) for x in match.split(delimiter)]

    def to_url(numbers):
        return delimiter.join(str(n) for n in numbers)

    return r'\d+(?:%s\d+)*' % re.escape(delimiter), to_python, to_url


def test_custom_filter_matches_and_converts():
    app = bottle.Bottle()
    app.router.add_filter('list', list_filter)
    app.route('/l/<ids:list>', callback=lambda ids: repr(ids))

    assert call(app, '/l/1,2,3').text == '[1, 2, 3]'
    assert call(app, '/l/7').text == '[7]'
    assert call(app, '/l/a,b').code == 404
    assert call(app, '/l/1,').code == 404


def test_custom_filter_receives_the_config_part():
    app = bottle.Bottle()
    app.router.add_filter('list', list_filter)
    app.route('/l/<ids:list:;>', callback=lambda ids: repr(ids))

    assert call(app, '/l/1;2').text == '[1, 2]'
    assert call(app, '/l/1,2').code == 404


def test_custom_filter_to_url_is_used_when_building():
    app = bottle.Bottle()
    app.router.add_filter('list', list_filter)
    app.route('/l/<ids:list:;>', name='ids', callback=lambda ids: repr(ids))

    assert app.router.build('ids', ids=[4, 5, 6]) == '/l/4;5;6'


def test_custom_filter_on_a_plain_router():
    router = bottle.Router()
    router.add_filter('list', list_filter)
    router.add('/x/<ids:list>', 'GET', 'target', name='x')

    assert router.match(make_environ('/x/7,8')) == ('target', {'ids': [7, 8]})
    assert router.build('x', ids=[1, 2]) == '/x/1,2'


def test_custom_filter_without_converters_passes_the_string():
    app = bottle.Bottle()
    app.router.add_filter('upper', lambda config: ('[A-Z]+', None, None))
    add(app, '/u/<word:upper>', name='upper')

    assert call(app, '/u/ABC').text == "[('word', 'ABC')]"
    assert call(app, '/u/abc').code == 404
    assert app.router.build('upper', word='XY') == '/u/XY'


def test_custom_filter_regexp_with_groups_does_not_shift_other_wildcards():
    app = bottle.Bottle()
    app.router.add_filter('ab', lambda config: ('(a|b)+', None, None))
    add(app, '/g/<x:ab>/<y>')

    assert call(app, '/g/abab/z').text == "[('x', 'abab'), ('y', 'z')]"


def test_custom_filter_to_python_value_error_gives_400():
    def strict(config):
        def to_python(value):
            raise ValueError('no good')
        return '[a-z]+', to_python, None

    app = bottle.Bottle()
    app.router.add_filter('strict', strict)
    add(app, '/s/<x:strict>')

    result = call(app, '/s/abc')

    assert result.code == 400
    assert b'Traceback' not in result.body


def test_custom_filters_belong_to_one_router():
    first, second = bottle.Bottle(), bottle.Bottle()
    first.router.add_filter('code', lambda config: ('[A-Z]+', None, None))
    second.router.add_filter('code', lambda config: ('[0-9]+', None, None))
    add(first, '/c/<c:code>')
    add(second, '/c/<c:code>')

    assert call(first, '/c/AB').code == 200
    assert call(first, '/c/12').code == 404
    assert call(second, '/c/12').code == 200
    assert call(second, '/c/AB').code == 404


# ---------------------------------------------------------------------------
# Match order
# ---------------------------------------------------------------------------

def test_static_route_wins_over_earlier_dynamic_route():
    app = bottle.Bottle()
    app.route('/u/<name>', callback=lambda name: 'dynamic')
    app.route('/u/admin', callback=lambda: 'static')

    assert call(app, '/u/admin').text == 'static'
    assert call(app, '/u/bob').text == 'dynamic'


def test_static_route_wins_over_later_dynamic_route():
    app = bottle.Bottle()
    app.route('/u/admin', callback=lambda: 'static')
    app.route('/u/<name>', callback=lambda name: 'dynamic')

    assert call(app, '/u/admin').text == 'static'


def test_dynamic_routes_match_in_definition_order_general_first():
    app = bottle.Bottle()
    app.route('/v/<x>', callback=lambda x: 'any')
    app.route('/v/<x:int>', callback=lambda x: 'int')

    assert call(app, '/v/5').text == 'any'
    assert call(app, '/v/bob').text == 'any'


def test_dynamic_routes_match_in_definition_order_specific_first():
    app = bottle.Bottle()
    app.route('/v/<x:int>', callback=lambda x: 'int')
    app.route('/v/<x>', callback=lambda x: 'any')

    assert call(app, '/v/5').text == 'int'
    assert call(app, '/v/bob').text == 'any'


def test_redefining_a_static_route_replaces_it():
    app = bottle.Bottle()
    app.route('/d', callback=lambda: 'first')
    app.route('/d', callback=lambda: 'second')

    assert call(app, '/d').text == 'second'


def test_redefining_a_dynamic_route_replaces_it():
    app = bottle.Bottle()
    app.route('/e/<x>', callback=lambda x: 'first')
    app.route('/e/<x>', callback=lambda x: 'second')

    assert call(app, '/e/1').text == 'second'


# ---------------------------------------------------------------------------
# Syntax errors
# ---------------------------------------------------------------------------

def test_unknown_filter_raises_route_syntax_error_naming_the_rule():
    # differs from 0.13.4: it lets a bare KeyError('nope') escape instead
    app = bottle.Bottle()

    with pytest.raises(bottle.RouteSyntaxError) as excinfo:
        add(app, '/a/<x:nope>')

    assert '/a/<x:nope>' in str(excinfo.value)


@pytest.mark.parametrize('rule', ['/a/<x:re:(>', '/a/<x:re:[a->', '/a/<x:re:a{2,1}>'])
def test_bad_regexp_raises_route_syntax_error_naming_the_rule(rule):
    app = bottle.Bottle()

    with pytest.raises(bottle.RouteSyntaxError) as excinfo:
        add(app, rule)

    assert rule in str(excinfo.value)


@pytest.mark.parametrize('rule', ['/a/<x>/<x>', '/a/<x>/<x:int>', '/a/<x:path>/b/<x:re:[a-z]+>'])
def test_duplicate_wildcard_name_raises_route_syntax_error_naming_the_rule(rule):
    app = bottle.Bottle()

    with pytest.raises(bottle.RouteSyntaxError) as excinfo:
        add(app, rule)

    assert rule in str(excinfo.value)


def test_router_add_raises_route_syntax_error_for_bad_regexp():
    router = bottle.Router()

    with pytest.raises(bottle.RouteSyntaxError) as excinfo:
        router.add('/b/<x:re:(>', 'GET', 'target')

    assert '/b/<x:re:(>' in str(excinfo.value)


def test_route_syntax_error_is_a_route_error_and_bottle_exception():
    assert issubclass(bottle.RouteSyntaxError, bottle.RouteError)
    assert issubclass(bottle.RouteBuildError, bottle.RouteError)
    assert issubclass(bottle.RouteError, bottle.BottleException)


def test_failed_rule_leaves_the_app_working():
    app = bottle.Bottle()
    add(app, '/ok/<x>')

    with pytest.raises(bottle.RouteSyntaxError):
        add(app, '/bad/<y:re:(>')

    assert call(app, '/ok/1').text == "[('x', '1')]"


# ---------------------------------------------------------------------------
# Request methods
# ---------------------------------------------------------------------------

def test_get_is_the_default_method():
    app = bottle.Bottle()
    app.route('/r', callback=lambda: 'get')

    assert app.routes[0].method == 'GET'
    assert call(app, '/r').text == 'get'
    assert call(app, '/r', 'POST').code == 405


@pytest.mark.parametrize('decorator, method', [
    ('get', 'GET'), ('post', 'POST'), ('put', 'PUT'), ('delete', 'DELETE'), ('patch', 'PATCH'),
])
def test_method_decorators_bind_their_method(decorator, method):
    app = bottle.Bottle()

    @getattr(app, decorator)('/r')
    def handler():
        return 'via ' + bottle.request.method

    assert app.routes[0].method == method
    assert call(app, '/r', method).text == 'via ' + method
    other = 'POST' if method != 'POST' else 'PUT'
    assert call(app, '/r', other).code == 405


@pytest.mark.parametrize('decorator, method', [
    ('get', 'GET'), ('post', 'POST'), ('put', 'PUT'), ('delete', 'DELETE'), ('patch', 'PATCH'),
])
def test_module_level_method_decorators_use_the_default_app(decorator, method):
    @getattr(bottle, decorator)('/r')
    def handler():
        return 'ok'

    assert call(bottle.default_app(), '/r', method).text == 'ok'


def test_one_rule_different_callbacks_per_method():
    app = bottle.Bottle()
    app.get('/login', callback=lambda: 'form')
    app.post('/login', callback=lambda: 'submit')

    assert call(app, '/login').text == 'form'
    assert call(app, '/login', 'POST').text == 'submit'


def test_method_list_creates_one_route_per_method():
    app = bottle.Bottle()
    app.route('/m', method=['POST', 'PUT'], callback=lambda: bottle.request.method)

    assert [r.method for r in app.routes] == ['POST', 'PUT']
    assert call(app, '/m', 'POST').text == 'POST'
    assert call(app, '/m', 'PUT').text == 'PUT'
    assert call(app, '/m', 'GET').code == 405


def test_route_method_names_are_case_insensitive():
    app = bottle.Bottle()
    app.route('/m', method='post', callback=lambda: 'post')
    app.route('/n', method=['get', 'Put'], callback=lambda: 'n')

    assert [r.method for r in app.routes] == ['POST', 'GET', 'PUT']
    assert call(app, '/m', 'POST').text == 'post'
    assert call(app, '/n', 'PUT').text == 'n'


def test_request_method_is_case_insensitive():
    app = bottle.Bottle()
    app.route('/r', callback=lambda: bottle.request.method)

    result = call(app, '/r', 'get')

    assert result.code == 200
    assert result.text == 'GET'


def test_head_falls_back_to_get_without_body_but_with_headers():
    app = bottle.Bottle()

    @app.get('/r')
    def handler():
        bottle.response.set_header('X-Custom', 'yes')
        return 'get-body'

    result = call(app, '/r', 'HEAD')

    assert result.code == 200
    assert result.body == b''
    assert result.header('X-Custom') == 'yes'
    assert result.header('Content-Length') == '8'
    assert result.header('Content-Type') == 'text/html; charset=UTF-8'


def test_head_falls_back_to_get_for_dynamic_routes():
    app = bottle.Bottle()
    app.get('/r/<x>', callback=lambda x: 'value ' + x)

    result = call(app, '/r/abc', 'HEAD')

    assert result.code == 200
    assert result.body == b''
    assert result.header('Content-Length') == '9'


def test_head_drops_a_streamed_body():
    app = bottle.Bottle()

    @app.get('/gen')
    def generate():
        yield b'abc'
        yield b'def'

    assert call(app, '/gen').body == b'abcdef'
    assert call(app, '/gen', 'HEAD').body == b''
    assert call(app, '/gen', 'HEAD').code == 200


def test_explicit_head_route_is_preferred_over_get():
    app = bottle.Bottle()
    app.get('/h', callback=lambda: 'get')

    @app.route('/h', method='HEAD')
    def head():
        bottle.response.set_header('X-Head', '1')
        return 'head-body'

    result = call(app, '/h', 'HEAD')

    assert result.header('X-Head') == '1'
    assert result.header('Content-Length') == '9'
    assert result.body == b''
    assert call(app, '/h').text == 'get'


def test_head_prefers_get_over_any():
    app = bottle.Bottle()

    @app.route('/k', method='ANY')
    def any_method():
        bottle.response.set_header('X-From', 'any')
        return 'any'

    @app.get('/k')
    def get():
        bottle.response.set_header('X-From', 'get')
        return 'get'

    result = call(app, '/k', 'HEAD')

    assert result.header('X-From') == 'get'
    assert result.body == b''


def test_head_without_get_route_is_405():
    app = bottle.Bottle()
    app.post('/only', callback=lambda: 'post')

    result = call(app, '/only', 'HEAD')

    assert result.code == 405
    assert allowed(result) == {'POST'}


@pytest.mark.parametrize('method', ['GET', 'POST', 'DELETE', 'BREW', 'PROPFIND'])
def test_any_route_accepts_every_method(method):
    app = bottle.Bottle()
    app.route('/any', method='ANY', callback=lambda: 'any ' + bottle.request.method)

    result = call(app, '/any', method)

    assert result.code == 200
    assert result.text == 'any ' + method


def test_any_route_answers_head_without_body():
    app = bottle.Bottle()
    app.route('/any', method='ANY', callback=lambda: 'any')

    result = call(app, '/any', 'HEAD')

    assert result.code == 200
    assert result.body == b''


def test_any_is_a_low_priority_fallback():
    app = bottle.Bottle()
    app.route('/any', method='ANY', callback=lambda: 'any')
    app.post('/any', callback=lambda: 'post')

    assert call(app, '/any', 'POST').text == 'post'
    assert call(app, '/any', 'PUT').text == 'any'
    assert call(app, '/any', 'GET').text == 'any'


def test_method_specific_dynamic_route_beats_static_any_route():
    app = bottle.Bottle()
    app.route('/w/z', method='ANY', callback=lambda: 'any static')
    app.get('/w/<x>', callback=lambda x: 'get dynamic')

    assert call(app, '/w/z', 'GET').text == 'get dynamic'
    assert call(app, '/w/z', 'POST').text == 'any static'


def test_wrong_method_gives_405_with_allow_header():
    app = bottle.Bottle()
    for name in ('get', 'post', 'put', 'delete', 'patch'):
        getattr(app, name)('/r', callback=lambda: 'x')

    result = call(app, '/r', 'OPTIONS')

    assert result.code == 405
    assert result.status == '405 Method Not Allowed'
    # Same format and ordering as 0.13.4: sorted, comma-separated, no HEAD.
    assert result.header('Allow') == 'DELETE,GET,PATCH,POST,PUT'


def test_405_allow_header_for_dynamic_routes():
    app = bottle.Bottle()
    app.post('/dyn/<x>', callback=lambda x: 'post')
    app.put('/dyn/<x>', callback=lambda x: 'put')

    result = call(app, '/dyn/1', 'GET')

    assert result.code == 405
    assert allowed(result) == {'POST', 'PUT'}


def test_405_allow_header_combines_static_and_dynamic_matches():
    app = bottle.Bottle()
    app.post('/mix/a', callback=lambda: 'post static')
    app.get('/mix/<x>', callback=lambda x: 'get dynamic')

    result = call(app, '/mix/a', 'PUT')

    assert result.code == 405
    assert allowed(result) == {'GET', 'POST'}


def test_405_allow_header_only_lists_methods_of_matching_rules():
    app = bottle.Bottle()
    app.post('/mix/a', callback=lambda: 'post static')
    app.get('/mix/<x>', callback=lambda x: 'get dynamic')

    result = call(app, '/mix/b', 'POST')

    assert result.code == 405
    assert allowed(result) == {'GET'}


def test_no_matching_rule_gives_404():
    app = bottle.Bottle()
    app.get('/exists', callback=lambda: 'x')

    result = call(app, '/missing')

    assert result.code == 404
    assert result.status == '404 Not Found'
    assert result.header('Allow') is None


def test_unknown_method_on_existing_path_gives_405():
    app = bottle.Bottle()
    app.get('/x', callback=lambda: 'x')

    result = call(app, '/x', 'BREW')

    assert result.code == 405
    assert allowed(result) == {'GET'}


def test_unknown_method_on_missing_path_gives_404():
    app = bottle.Bottle()
    app.get('/x', callback=lambda: 'x')

    assert call(app, '/nothing', 'BREW').code == 404


@pytest.mark.parametrize('method', ['G\xe9T', 'GET ', 'X' * 5000, 'ANY', 'any', 'HEAD\r\n'])
def test_garbage_method_is_a_client_error_not_a_crash(method):
    app = bottle.Bottle()
    app.get('/x', callback=lambda: 'x')

    result = call(app, '/x', method)

    assert result.code in (400, 405)
    assert b'Traceback' not in result.body


# ---------------------------------------------------------------------------
# URL building
# ---------------------------------------------------------------------------

def make_build_router():
    router = bottle.Router()
    router.add('/hello/<name>', 'GET', 'hello', name='hello')
    router.add('/int/<x:int>', 'GET', 'int', name='int')
    router.add('/float/<x:float>', 'GET', 'float', name='float')
    router.add('/files/<p:path>', 'GET', 'path', name='path')
    router.add('/anon/<:re:[0-9]+>/<y>', 'GET', 'anon', name='anon')
    router.add('/two/<>/<>', 'GET', 'two', name='two')
    router.add('/static', 'GET', 'static', name='static')
    router.add('/lit/a.b+(c)/<y>', 'GET', 'lit', name='lit')
    return router


def test_build_fills_in_wildcards():
    assert make_build_router().build('hello', name='bob') == '/hello/bob'


def test_build_accepts_the_route_name_as_keyword():
    assert make_build_router().build(_name='hello', name='bob') == '/hello/bob'


def test_build_static_route():
    assert make_build_router().build('static') == '/static'


def test_build_uses_int_filter_to_url():
    router = make_build_router()

    assert router.build('int', x=5) == '/int/5'
    assert router.build('int', x=-5) == '/int/-5'


def test_build_uses_float_filter_to_url():
    assert make_build_router().build('float', x=1.5) == '/float/1.5'


def test_build_path_filter_keeps_slashes():
    assert make_build_router().build('path', p='a/b/c.txt') == '/files/a/b/c.txt'


def test_build_keeps_literal_special_characters():
    assert make_build_router().build('lit', y='1') == '/lit/a.b+(c)/1'


def test_build_escaped_colon_gives_a_literal_colon():
    router = bottle.Router()
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', DeprecationWarning)
        router.add('/esc/\\:x/<y>', 'GET', 'esc', name='esc')

    assert router.build('esc', y='1') == '/esc/:x/1'


def test_build_anonymous_wildcards_from_positional_arguments():
    router = make_build_router()

    assert router.build('anon', '12', y='z') == '/anon/12/z'
    assert router.build('two', 'a', 'b') == '/two/a/b'


def test_build_extra_keywords_become_a_query_string():
    url = make_build_router().build('hello', name='bob', page=2, q='x')

    path, _, query = url.partition('?')
    assert path == '/hello/bob'
    assert urllib.parse.parse_qs(query) == {'page': ['2'], 'q': ['x']}


def test_build_query_string_on_a_static_route():
    url = make_build_router().build('static', a=1)

    assert url == '/static?a=1'


def test_build_query_string_is_url_encoded():
    url = make_build_router().build('hello', name='bob', q='x y', z='\xe4&=', w='a/b?c#d')

    path, _, query = url.partition('?')
    assert path == '/hello/bob'
    assert url.isascii()
    assert ' ' not in query and '#' not in query
    assert urllib.parse.parse_qs(query) == {'q': ['x y'], 'z': ['\xe4&='], 'w': ['a/b?c#d']}
    assert '%C3%A4%26%3D' in query


def test_build_query_string_with_anonymous_wildcards():
    url = make_build_router().build('two', 'a', 'b', q=1)

    assert url == '/two/a/b?q=1'


def test_build_missing_argument_raises_route_build_error():
    with pytest.raises(bottle.RouteBuildError) as excinfo:
        make_build_router().build('hello')

    assert 'name' in str(excinfo.value)


def test_build_missing_anonymous_argument_raises_route_build_error():
    with pytest.raises(bottle.RouteBuildError):
        make_build_router().build('anon', y='z')


def test_build_unknown_route_name_raises_route_build_error():
    with pytest.raises(bottle.RouteBuildError) as excinfo:
        make_build_router().build('nope')

    assert 'nope' in str(excinfo.value)


def test_get_url_builds_named_routes_inside_a_request():
    app = bottle.Bottle()
    app.get('/user/<uid:int>', name='user', callback=lambda uid: 'user')
    app.get('/link', callback=lambda: app.get_url('user', uid=42))

    assert call(app, '/link').text == '/user/42'


def test_get_url_adds_query_string():
    app = bottle.Bottle()
    app.get('/user/<uid:int>', name='user', callback=lambda uid: 'user')
    app.get('/link', callback=lambda: app.get_url('user', uid=42, tab='x y'))

    assert call(app, '/link').text == '/user/42?tab=x+y'


def test_get_url_prefixes_script_name_of_current_request():
    app = bottle.Bottle()
    app.get('/user/<uid:int>', name='user', callback=lambda uid: 'user')
    app.get('/link', callback=lambda: app.get_url('user', uid=42))

    assert call(app, '/link', SCRIPT_NAME='/mounted').text == '/mounted/user/42'


def test_get_url_does_not_double_a_trailing_slash_of_script_name():
    app = bottle.Bottle()
    app.get('/user/<uid:int>', name='user', callback=lambda uid: 'user')
    app.get('/link', callback=lambda: app.get_url('user', uid=42))

    assert call(app, '/link', SCRIPT_NAME='/mounted/').text == '/mounted/user/42'


def test_get_url_uses_custom_filter_to_url():
    app = bottle.Bottle()
    app.router.add_filter('list', list_filter)
    app.get('/l/<ids:list>', name='ids', callback=lambda ids: 'x')
    app.get('/link', callback=lambda: app.get_url('ids', ids=[1, 2]))

    assert call(app, '/link').text == '/l/1,2'


def test_get_url_missing_argument_raises_route_build_error():
    app = bottle.Bottle()
    app.get('/user/<uid:int>', name='user', callback=lambda uid: 'user')

    with pytest.raises(bottle.RouteBuildError):
        app.get_url('user')


def test_get_url_unknown_name_raises_route_build_error():
    app = bottle.Bottle()

    with pytest.raises(bottle.RouteBuildError):
        app.get_url('nope')


def test_module_level_url_builds_on_the_default_app():
    @bottle.route('/page/<name>', name='page')
    def page(name):
        return bottle.url('page', name='other', q='1')

    result = call(bottle.default_app(), '/page/this', SCRIPT_NAME='/app')

    assert result.text == '/app/page/other?q=1'


def test_route_added_with_name_is_found_by_build():
    app = bottle.Bottle()
    app.get('/a/<x>', name='named', callback=lambda x: x)

    assert app.router.build('named', x='v') == '/a/v'
    assert app.routes[0].name == 'named'


# ---------------------------------------------------------------------------
# Route objects and app.match
# ---------------------------------------------------------------------------

def wraps_decorator(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return 'wrapped ' + func(*args, **kwargs)
    return wrapper


def plain_decorator(func):
    def wrapper(*args, **kwargs):
        return 'plain ' + func(*args, **kwargs)
    return wrapper


class NamedPlugin(object):
    api = 2

    def __init__(self, name):
        self.name = name

    def apply(self, callback, route):
        return callback


class CountingPlugin(object):
    name = 'counting'
    api = 2

    def __init__(self):
        self.applied = 0

    def apply(self, callback, route):
        self.applied += 1
        return callback


def test_app_routes_lists_route_objects_in_definition_order():
    app = bottle.Bottle()
    app.get('/a', callback=lambda: 'a')
    app.post('/b/<x>', callback=lambda x: 'b')

    assert all(isinstance(r, bottle.Route) for r in app.routes)
    assert [(r.rule, r.method) for r in app.routes] == [('/a', 'GET'), ('/b/<x>', 'POST')]


def test_route_attributes():
    app = bottle.Bottle()
    plugin = NamedPlugin('mine')

    def handler(a, b):
        return 'x'

    app.route('/r/<a>/<b:int>', method='PUT', callback=handler, name='rn',
              apply=[plugin], skip=['json'], extra='value')
    route = app.routes[0]

    assert route.rule == '/r/<a>/<b:int>'
    assert route.method == 'PUT'
    assert route.callback is handler
    assert route.name == 'rn'
    assert route.plugins == [plugin]
    assert route.skiplist == ['json']
    assert route.config['extra'] == 'value'
    assert route.app is app


def test_route_defaults_for_name_plugins_and_skiplist():
    app = bottle.Bottle()
    app.get('/a', callback=lambda: 'a')
    route = app.routes[0]

    assert route.name is None
    assert list(route.plugins) == []
    assert list(route.skiplist) == []


def test_route_callback_is_the_decorated_function():
    app = bottle.Bottle()

    @app.get('/w/<x>')
    @wraps_decorator
    def handler(x):
        return x

    assert app.routes[0].callback is handler
    assert call(app, '/w/v').text == 'wrapped v'


def test_get_undecorated_callback_through_functools_wraps():
    app = bottle.Bottle()

    def original(a, b, c=3):
        return 'x'

    app.get('/w/<a>/<b>', callback=wraps_decorator(original))

    assert app.routes[0].get_undecorated_callback() is original


def test_get_undecorated_callback_through_plain_closure_decorator():
    app = bottle.Bottle()

    def original(x, y=1):
        return 'x'

    app.get('/p/<x>', callback=plain_decorator(original))

    assert app.routes[0].get_undecorated_callback() is original


def test_get_undecorated_callback_through_several_decorators():
    app = bottle.Bottle()

    def original(z):
        return 'x'

    app.get('/q/<z>', callback=wraps_decorator(plain_decorator(original)))

    assert app.routes[0].get_undecorated_callback() is original


def test_get_undecorated_callback_of_undecorated_function_is_itself():
    app = bottle.Bottle()

    def original():
        return 'x'

    app.get('/o', callback=original)

    assert app.routes[0].get_undecorated_callback() is original


def test_get_callback_args_sees_through_decorators():
    app = bottle.Bottle()

    def first(a, b, c=3):
        return 'x'

    def second(x, y=1):
        return 'x'

    app.get('/w', callback=wraps_decorator(first))
    app.get('/p', callback=plain_decorator(second))

    assert app.routes[0].get_callback_args() == ['a', 'b', 'c']
    assert app.routes[1].get_callback_args() == ['x', 'y']


def test_get_config_reads_route_config_then_app_config_then_default():
    app = bottle.Bottle()
    app.config['myapp.key'] = 'from app'
    app.get('/c', callback=lambda: 'c', extra='from route')
    route = app.routes[0]

    with pytest.warns(DeprecationWarning):
        assert route.get_config('extra') == 'from route'
        assert route.get_config('myapp.key') == 'from app'
        assert route.get_config('missing', 'fallback') == 'fallback'
        assert route.get_config('missing') is None


def test_route_config_overrides_app_config():
    app = bottle.Bottle()
    app.config['shared'] = 'from app'
    app.get('/c', callback=lambda: 'c', shared='from route')

    with pytest.warns(DeprecationWarning):
        assert app.routes[0].get_config('shared') == 'from route'


def test_get_config_is_deprecated():
    app = bottle.Bottle()
    app.get('/c', callback=lambda: 'c', extra='x')

    with pytest.warns(DeprecationWarning):
        app.routes[0].get_config('extra')


def test_route_reset_reapplies_plugins_on_next_request():
    app = bottle.Bottle()
    plugin = CountingPlugin()
    app.install(plugin)
    app.get('/r', callback=lambda: 'r')

    call(app, '/r')
    call(app, '/r')
    assert plugin.applied == 1

    app.routes[0].reset()
    assert plugin.applied == 1
    call(app, '/r')
    assert plugin.applied == 2


def test_route_prepare_applies_plugins_without_a_request():
    app = bottle.Bottle()
    plugin = CountingPlugin()
    app.install(plugin)
    app.get('/r', callback=lambda: 'r')

    app.routes[0].prepare()
    assert plugin.applied == 1

    call(app, '/r')
    assert plugin.applied == 1


def test_app_reset_resets_every_route():
    app = bottle.Bottle()
    plugin = CountingPlugin()
    app.install(plugin)
    app.get('/a', callback=lambda: 'a')
    app.get('/b', callback=lambda: 'b')
    call(app, '/a')
    call(app, '/b')
    assert plugin.applied == 2

    app.reset()
    call(app, '/a')
    call(app, '/b')
    assert plugin.applied == 4


def test_all_plugins_lists_route_plugins_then_app_plugins_newest_first():
    app = bottle.Bottle()
    first, second, local = NamedPlugin('first'), NamedPlugin('second'), NamedPlugin('local')
    app.install(first)
    app.install(second)
    app.get('/r', callback=lambda: 'r', apply=[local])

    names = [getattr(p, 'name', None) for p in app.routes[0].all_plugins()]

    assert names.index('local') < names.index('second') < names.index('first')
    assert 'json' in names


def test_all_plugins_honours_skip_by_name_class_and_instance():
    app = bottle.Bottle()
    plugin = NamedPlugin('mine')
    app.install(plugin)
    app.get('/by-name', callback=lambda: 'x', skip=['json'])
    app.get('/by-class', callback=lambda: 'x', skip=[bottle.JSONPlugin])
    app.get('/by-instance', callback=lambda: 'x', skip=[plugin])

    by_name, by_class, by_instance = app.routes

    assert not any(isinstance(p, bottle.JSONPlugin) for p in by_name.all_plugins())
    assert plugin in list(by_name.all_plugins())
    assert not any(isinstance(p, bottle.JSONPlugin) for p in by_class.all_plugins())
    assert plugin not in list(by_instance.all_plugins())
    assert any(isinstance(p, bottle.JSONPlugin) for p in by_instance.all_plugins())


def test_all_plugins_is_empty_when_skip_is_true():
    app = bottle.Bottle()
    app.install(NamedPlugin('mine'))
    app.get('/r', callback=lambda: 'r', skip=True)

    assert list(app.routes[0].all_plugins()) == []


def test_route_object_added_with_add_route_is_matched_and_built():
    app = bottle.Bottle()
    route = bottle.Route(app, '/man/<x>', 'GET', lambda x: 'manual ' + x, name='man')

    app.add_route(route)

    assert route in app.routes
    assert call(app, '/man/q').text == 'manual q'
    assert app.router.build('man', x='z') == '/man/z'


def test_app_match_returns_route_and_arguments():
    app = bottle.Bottle()
    app.get('/wiki/<page>', callback=lambda page: page)

    route, args = app.match(make_environ('/wiki/Start'))

    assert route is app.routes[0]
    assert args == {'page': 'Start'}


def test_app_match_converts_filtered_arguments():
    app = bottle.Bottle()
    app.get('/n/<x:int>/<y:float>', callback=lambda x, y: 'n')

    route, args = app.match(make_environ('/n/-3/2.5'))

    assert args == {'x': -3, 'y': 2.5}


def test_app_match_static_route_has_no_arguments():
    app = bottle.Bottle()
    app.get('/static', callback=lambda: 's')

    route, args = app.match(make_environ('/static'))

    assert route is app.routes[0]
    assert args == {}


def test_app_match_raises_404_http_error():
    app = bottle.Bottle()
    app.get('/exists', callback=lambda: 'x')

    with pytest.raises(bottle.HTTPError) as excinfo:
        app.match(make_environ('/nope'))

    assert excinfo.value.status_code == 404


def test_app_match_raises_405_http_error_with_allow_header():
    app = bottle.Bottle()
    app.get('/exists', callback=lambda: 'x')
    app.put('/exists', callback=lambda: 'x')

    with pytest.raises(bottle.HTTPError) as excinfo:
        app.match(make_environ('/exists', 'POST'))

    assert excinfo.value.status_code == 405
    methods = {m.strip() for m in excinfo.value.headers['Allow'].split(',')}
    assert methods == {'GET', 'PUT'}


def test_router_match_returns_target_and_arguments():
    router = bottle.Router()
    router.add('/a/<x>', 'GET', 'target')
    router.add('/s', 'POST', 'static')

    assert router.match(make_environ('/a/1')) == ('target', {'x': '1'})
    assert router.match(make_environ('/s', 'POST')) == ('static', {})


def test_router_match_raises_http_errors():
    router = bottle.Router()
    router.add('/a/<x>', 'GET', 'target')

    with pytest.raises(bottle.HTTPError) as not_found:
        router.match(make_environ('/b'))
    with pytest.raises(bottle.HTTPError) as not_allowed:
        router.match(make_environ('/a/1', 'PUT'))

    assert not_found.value.status_code == 404
    assert not_allowed.value.status_code == 405
    assert not_allowed.value.headers['Allow'] == 'GET'


def test_request_route_and_url_args_are_set_during_the_call():
    app = bottle.Bottle()

    @app.get('/r/<x:int>')
    def handler(x):
        return '%s %r %s' % (bottle.request.route.rule, bottle.request.url_args, x)

    assert call(app, '/r/7').text == "/r/<x:int> {'x': 7} 7"


# ---------------------------------------------------------------------------
# Encoding of the path
# ---------------------------------------------------------------------------

def test_non_ascii_path_arrives_decoded():
    app = bottle.Bottle()
    app.get('/wiki/<page>', callback=lambda page: '%s %d' % (page, len(page)))

    # helpers.call passes '/wiki/S\xc3\xbc\xc3\x9f', the latin-1 native string of a server
    result = call(app, '/wiki/S\xfc\xdf')

    assert result.code == 200
    assert result.text == 'S\xfc\xdf 3'


def test_non_ascii_static_route_matches_decoded_path():
    app = bottle.Bottle()
    app.get('/caf\xe9', callback=lambda: 'cafe')

    assert call(app, '/caf\xe9').text == 'cafe'
    assert call(app, '/cafe').code == 404


def test_non_ascii_wildcard_with_re_filter():
    app = bottle.Bottle()
    add(app, '/w/<word:re:\\w+>')

    assert call(app, '/w/\xfcber').code == 200
    assert call(app, '/w/\xfcber').text == "[('word', '\xfcber')]"


def test_path_info_that_is_not_utf8_gives_400():
    # differs from 0.13.4: it matches the mis-decoded path (here: 200 with 'S')
    app = bottle.Bottle()
    app.get('/wiki/<page>', callback=lambda page: page)

    result = call(app, raw_path='/wiki/S\xfc\xdf')

    assert result.code == 400
    assert b'Traceback' not in result.body


def test_path_info_that_is_not_utf8_gives_400_even_for_catch_all_routes():
    # differs from 0.13.4: it answers 404 for these bytes
    app = bottle.Bottle()
    app.get('/<anything:path>', callback=lambda anything: anything)

    result = call(app, raw_path='/\xff\xfe')

    assert result.code == 400


def test_percent_escapes_are_not_decoded_by_the_router():
    app = bottle.Bottle()
    add(app, '/wiki/<page>')

    assert call(app, '/wiki/a%20b').text == "[('page', 'a%20b')]"
    assert call(app, '/wiki/a%2Fb').text == "[('page', 'a%2Fb')]"


def test_percent_escaped_static_rule_does_not_match_decoded_path():
    app = bottle.Bottle()
    app.get('/a b', callback=lambda: 'space')

    assert call(app, '/a b').text == 'space'
    assert call(app, '/a%20b').code == 404


# ---------------------------------------------------------------------------
# Scale
# ---------------------------------------------------------------------------

def make_numbered_callback(number):
    return lambda x: '%d:%s' % (number, x)


def test_a_thousand_dynamic_routes_with_distinct_prefixes_all_match():
    app = bottle.Bottle()
    for number in range(1000):
        app.get('/item%d/<x>' % number, callback=make_numbered_callback(number))

    wrong = [n for n in range(1000) if call(app, '/item%d/v' % n).text != '%d:v' % n]

    assert wrong == []
    assert call(app, '/item1000/v').code == 404


def test_a_thousand_dynamic_routes_with_a_common_prefix_all_match():
    app = bottle.Bottle()
    for number in range(1000):
        app.get('/<x>/end%d' % number, callback=make_numbered_callback(number))

    wrong = [n for n in range(1000) if call(app, '/v/end%d' % n).text != '%d:v' % n]

    assert wrong == []
    assert call(app, '/v/end1000').code == 404


def test_a_thousand_overlapping_dynamic_routes_keep_definition_order():
    app = bottle.Bottle()
    for number in range(1000):
        app.get('/<x>/<y:re:%d|[0-9]+>' % number,
                callback=(lambda n: lambda x, y: '%d:%s' % (n, x))(number))

    # Every path matches every rule; the first defined one must win.
    assert call(app, '/a/999').text == '0:a'
    assert call(app, '/a/5').text == '0:a'


# --------------------------------------------------------------------------- indexed matching

def _naive_match(rules, path):
    """The definition of routing order: static rules first, then the first dynamic rule
    (in definition order) whose whole pattern matches."""
    for rule in rules:
        if '<' not in rule:
            if rule == path:
                return rule
    for rule in rules:
        if '<' in rule:
            single = bottle.Router()
            single.add(rule, 'GET', rule)
            try:
                target, _ = single.match({'PATH_INFO': path, 'REQUEST_METHOD': 'GET'})
                return target
            except bottle.HTTPError:
                continue
    return None


def _indexed_match(rules, path):
    router = bottle.Router()
    for rule in rules:
        router.add(rule, 'GET', rule)
    try:
        return router.match({'PATH_INFO': path, 'REQUEST_METHOD': 'GET'})[0]
    except bottle.HTTPError:
        return None


TRICKY_RULES = [
    '/<a>/x', '/api/<b>', '/api/v1/<c:int>', '/api/v1/<d:path>', '/<e:path>/end',
    '/api/v1/items', '/api/<f>/items/<g>', '/a.b/<h>', '/api/v<n:int>/<rest:path>',
    '/x<y>/z', '/api/v1/<i:re:[a-z]+>', '/<j:int>', '/files/<k:path>',
]
TRICKY_PATHS = [
    '/api/x', '/api/v1/5', '/api/v1/abc', '/api/v1/items', '/api/v1/5/6', '/q/end', '/a/b/end',
    '/api/v2/items/3', '/a.b/1', '/aXb/1', '/api/v3/z/z', '/xq/z', '/12', '/-3', '/files/a/b',
    '/', '/api/', '/api/v1/', '/nothing/here/at/all', '/api/v1/ITEMS',
]


@pytest.mark.parametrize('path', TRICKY_PATHS)
def test_indexed_matching_agrees_with_trying_every_rule_in_order(path):
    # The router looks only at routes whose literal head is a prefix of the path; that
    # shortcut must pick exactly the route that trying every rule in order would pick.
    assert _indexed_match(TRICKY_RULES, path) == _naive_match(TRICKY_RULES, path)


@pytest.mark.parametrize('seed', range(20))
def test_indexed_matching_agrees_for_shuffled_definition_orders(seed):
    import random
    rules = TRICKY_RULES[:]
    random.Random(seed).shuffle(rules)
    for path in TRICKY_PATHS:
        assert _indexed_match(rules, path) == _naive_match(rules, path), (rules, path)


def test_get_undecorated_callback_through_a_decorator_with_arguments_and_no_wraps():
    def tagged(tag):
        def decorator(func):
            def wrapper(*args):
                return tag + func(*args)
            return wrapper
        return decorator

    def original(name):
        return name

    app = bottle.Bottle()
    app.get('/t/<name>', callback=tagged('tag:')(original))
    assert app.routes[0].get_undecorated_callback() is original
    assert app.routes[0].get_callback_args() == ['name']


def test_get_undecorated_callback_prefers_wrapped_over_closure_cells():
    def original(a):
        return a

    def decoy(b):
        return b

    def wrapper(*args):
        return decoy(*args)
    wrapper.__wrapped__ = original

    app = bottle.Bottle()
    app.get('/w/<a>', callback=wrapper)
    assert app.routes[0].get_undecorated_callback() is original


def test_get_undecorated_callback_of_a_bound_method_is_its_function():
    class Handlers:
        def show(self, item):
            return item

    app = bottle.Bottle()
    app.get('/s/<item>', callback=Handlers().show)
    assert app.routes[0].get_undecorated_callback() is Handlers.show


@pytest.mark.parametrize('rule', ['/x/<a:re:(>', '/x/<a:re:(?i)abc>', '/x/<a:re:a)b>',
                                  '/x/<a:re:(?P<b>c)(?P=b)>'])
def test_a_regexp_that_cannot_compile_in_its_place_is_refused_when_added(rule):
    app = bottle.Bottle()
    with pytest.raises(bottle.RouteSyntaxError, match='Could not add route'):
        app.route(rule, callback=lambda a: a)


def test_adding_dynamic_routes_compiles_no_route_regexp(monkeypatch):
    import re
    app = bottle.Bottle()
    app.route('/warm/<a:int>/<b>', callback=lambda a, b: 'x')  # the masks are checked once
    compiled = []
    real_compile = re.compile
    monkeypatch.setattr(re, 'compile', lambda *args: compiled.append(args) or real_compile(*args))
    for number in range(50):
        app.route('/item%d/<a:int>/<b>' % number, callback=lambda a, b: 'x')
    assert compiled == []
    monkeypatch.undo()
    assert call(app, '/item7/3/x').body == b'x'
