"""Plugins: install/uninstall, the v2 plugin API, route-level apply/skip, ordering, lazy
application."""
import json
import warnings

import pytest

import bottle
from helpers import call


# --------------------------------------------------------------------------- helpers

class Tagger:
    """A v2 plugin wrapping string results in ``name(...)`` and logging its life cycle."""

    api = 2

    def __init__(self, name, tag=None, log=None):
        self.name = name
        self.tag = tag or name
        self.log = log if log is not None else []

    def setup(self, app):
        self.log.append(('setup', self.name, app))

    def apply(self, callback, route):
        self.log.append(('apply', self.name, route.rule))
        tag = self.tag

        def wrapper(*args, **kwargs):
            return '%s(%s)' % (tag, callback(*args, **kwargs))

        return wrapper

    def close(self):
        self.log.append(('close', self.name))


class OtherTagger(Tagger):
    """A second plugin class, to tell class-based skip/uninstall apart."""


def decorator_plugin(callback):
    """A plain decorator used as a plugin."""
    def wrapper(*args, **kwargs):
        return 'deco(%s)' % callback(*args, **kwargs)
    return wrapper


def app_with(*plugins, **route_options):
    """A fresh app with ``plugins`` installed and one route '/' returning 'x'."""
    app = bottle.Bottle()
    for plugin in plugins:
        app.install(plugin)
    app.route('/', callback=lambda: 'x', **route_options)
    return app


def body(app, path='/'):
    return call(app, path).body


def get_config(route, *args):
    """Route.get_config(), which 0.13 deprecates in favour of route.config."""
    with pytest.warns(DeprecationWarning):
        return route.get_config(*args)


# --------------------------------------------------------------------------- install

def test_default_app_has_json_and_template_plugins():
    app = bottle.Bottle()
    names = [getattr(p, 'name', None) for p in app.plugins]
    assert names == ['json', 'template']
    assert all(getattr(p, 'api', None) == 2 for p in app.plugins)
    assert isinstance(app.plugins[0], bottle.JSONPlugin)


def test_install_returns_the_plugin():
    app = bottle.Bottle()
    plugin = Tagger('a')
    assert app.install(plugin) is plugin
    assert app.plugins[-1] is plugin


def test_install_calls_setup_with_the_app():
    log = []
    app = bottle.Bottle()
    app.install(Tagger('a', log=log))
    assert log == [('setup', 'a', app)]


def test_installed_plugin_wraps_route_callbacks():
    app = app_with(Tagger('a'))
    assert body(app) == b'a(x)'


def test_plain_decorator_function_is_a_plugin():
    app = app_with(decorator_plugin)
    assert body(app) == b'deco(x)'


def test_plugin_with_only_apply_method_works():
    class ApplyOnly:
        def apply(self, callback, route):
            return lambda *a, **k: 'only(%s)' % callback(*a, **k)

    app = app_with(ApplyOnly())
    assert body(app) == b'only(x)'


def test_installing_something_that_is_not_a_plugin_raises_typeerror():
    app = bottle.Bottle()
    with pytest.raises(TypeError):
        app.install(42)


def test_plugin_can_replace_the_response():
    def maintenance(callback):
        return lambda *a, **k: bottle.HTTPResponse('down for maintenance', status=503)

    app = app_with(maintenance)
    r = call(app, '/')
    assert r.code == 503
    assert r.body == b'down for maintenance'


def test_plugin_raising_httperror_gives_error_page():
    def auth(callback):
        def wrapper(*a, **k):
            if not bottle.request.get_header('Authorization'):
                bottle.abort(401, 'login required')
            return callback(*a, **k)
        return wrapper

    app = app_with(auth)
    assert call(app, '/').code == 401
    assert call(app, '/', headers={'Authorization': 'x'}).body == b'x'


def test_plugin_can_inject_keyword_arguments_the_callback_asks_for():
    class Inject:
        name = 'inject'
        api = 2

        def apply(self, callback, route):
            if 'db' not in route.get_callback_args():
                return callback

            def wrapper(*args, **kwargs):
                kwargs['db'] = 'connection'
                return callback(*args, **kwargs)

            return wrapper

    app = bottle.Bottle()
    app.install(Inject())
    app.route('/with/<item>', callback=lambda item, db: '%s from %s' % (item, db))
    app.route('/without/<item>', callback=lambda item: 'just ' + item)
    assert body(app, '/with/a') == b'a from connection'
    assert body(app, '/without/b') == b'just b'


def test_plugin_setup_attribute_conflict_is_reported():
    class SetsAttribute:
        name = 'sets'
        api = 2

        def setup(self, app):
            app.shared_thing = self

        def apply(self, callback, route):
            return callback

    app = bottle.Bottle()
    app.install(SetsAttribute())
    with pytest.raises(AttributeError):
        app.install(type('Other', (SetsAttribute,), {'name': 'other'})())


# --------------------------------------------------------------------------- uninstall

def test_uninstall_by_instance():
    keep, drop = Tagger('keep'), Tagger('drop')
    app = app_with(keep, drop)
    assert body(app) == b'keep(drop(x))'
    assert app.uninstall(drop) == [drop]
    assert body(app) == b'keep(x)'


def test_uninstall_by_class_removes_all_instances_of_it():
    a, b, other = Tagger('a'), Tagger('b'), OtherTagger('o')
    app = app_with(a, b, other)
    removed = app.uninstall(Tagger)
    assert set(map(id, removed)) == {id(a), id(b)}
    assert body(app) == b'o(x)'


def test_uninstall_by_name():
    app = app_with(Tagger('a'), Tagger('b'))
    removed = app.uninstall('a')
    assert [p.name for p in removed] == ['a']
    assert body(app) == b'b(x)'


def test_uninstall_true_removes_every_plugin():
    app = bottle.Bottle()
    app.install(Tagger('a'))
    app.install(decorator_plugin)
    app.route('/', callback=lambda: 'x')
    app.route('/dict', callback=lambda: {'k': 1})
    removed = app.uninstall(True)
    assert len(removed) == 4  # json, template, a, decorator
    assert app.plugins == []
    assert body(app) == b'x'
    assert call(app, '/dict').header('Content-Type') != 'application/json'


def test_uninstall_decorator_function_by_identity():
    app = app_with(decorator_plugin)
    assert app.uninstall(decorator_plugin) == [decorator_plugin]
    assert body(app) == b'x'


def test_uninstall_unknown_plugin_removes_nothing():
    app = app_with(Tagger('a'))
    assert app.uninstall('nothing-by-this-name') == []
    assert app.uninstall(OtherTagger) == []
    assert body(app) == b'a(x)'


def test_uninstall_calls_close():
    log = []
    app = app_with(Tagger('a', log=log))
    log.clear()
    app.uninstall('a')
    assert log == [('close', 'a')]


def test_app_close_calls_plugin_close():
    log = []
    app = app_with(Tagger('a', log=log), Tagger('b', log=log))
    log.clear()
    app.close()
    assert sorted(log) == [('close', 'a'), ('close', 'b')]


def test_uninstall_only_affects_its_own_app():
    shared = Tagger('shared')
    first, second = app_with(shared), app_with(shared)
    first.uninstall(shared)
    assert body(first) == b'x'
    assert body(second) == b'shared(x)'


# --------------------------------------------------------------------------- order

def test_first_installed_plugin_is_outermost():
    app = app_with(Tagger('first'), Tagger('second'), Tagger('third'))
    assert body(app) == b'first(second(third(x)))'


def test_plugins_are_applied_innermost_first():
    log = []
    app = app_with(Tagger('outer', log=log), Tagger('inner', log=log))
    call(app, '/')
    applied = [entry[1] for entry in log if entry[0] == 'apply']
    assert applied == ['inner', 'outer']


def test_route_level_plugins_are_inside_app_plugins():
    app = app_with(Tagger('app'), apply=[Tagger('route1'), Tagger('route2')])
    assert body(app) == b'app(route1(route2(x)))'


def test_json_plugin_is_outermost_so_plugins_may_return_dicts():
    def to_dict(callback):
        return lambda *a, **k: {'wrapped': callback(*a, **k)}

    app = app_with(to_dict)
    r = call(app, '/')
    assert r.header('Content-Type') == 'application/json'
    assert json.loads(r.text) == {'wrapped': 'x'}


def test_all_plugins_lists_effective_plugins_innermost_first():
    a, b = Tagger('a'), Tagger('b')
    route_plugin = Tagger('r')
    app = app_with(a, b, apply=[route_plugin], skip=['template'])
    route = app.routes[0]
    effective = list(route.all_plugins())
    assert effective == [route_plugin, b, a, app.plugins[0]]


# --------------------------------------------------------------------------- name uniqueness

def test_plugin_name_and_api_attributes():
    plugin = bottle.JSONPlugin()
    assert plugin.name == 'json'
    assert plugin.api == 2


def test_later_plugin_with_same_name_shadows_earlier_one():
    app = app_with(Tagger('dup', tag='early'), Tagger('dup', tag='late'))
    assert body(app) == b'late(x)'


def test_route_level_plugin_shadows_app_plugin_of_same_name():
    app = app_with(Tagger('dup', tag='app'), apply=[Tagger('dup', tag='route')])
    assert body(app) == b'route(x)'


def test_unnamed_plugins_are_all_applied():
    app = app_with(decorator_plugin, decorator_plugin)
    assert body(app) == b'deco(deco(x))'


def test_plugin_named_json_replaces_the_json_plugin():
    app = bottle.Bottle()
    app.install(Tagger('json', tag='fake'))
    app.route('/', callback=lambda: 'x')
    assert body(app) == b'fake(x)'


def test_plugin_error_is_a_bottle_exception():
    assert issubclass(bottle.PluginError, bottle.BottleException)


# --------------------------------------------------------------------------- route-level apply=

def test_route_apply_single_instance():
    app = app_with(apply=Tagger('only-here'))
    app.route('/other', callback=lambda: 'y')
    assert body(app) == b'only-here(x)'
    assert body(app, '/other') == b'y'


def test_route_apply_list():
    app = app_with(apply=[Tagger('one'), decorator_plugin])
    assert body(app) == b'one(deco(x))'


def test_route_apply_decorator_function():
    app = app_with(apply=decorator_plugin)
    assert body(app) == b'deco(x)'


def test_route_apply_is_stored_on_route():
    plugin = Tagger('r')
    app = app_with(apply=[plugin])
    assert app.routes[0].plugins == [plugin]


def test_route_apply_does_not_call_setup():
    log = []
    app = app_with(apply=[Tagger('r', log=log)])
    call(app, '/')
    assert [entry[0] for entry in log] == ['apply']


# --------------------------------------------------------------------------- route-level skip=

def _skip_app(skip):
    return app_with(Tagger('a'), Tagger('b'), OtherTagger('o'), decorator_plugin, skip=skip)


def test_no_skip_applies_everything():
    assert body(_skip_app(None)) == b'a(b(o(deco(x))))'


@pytest.mark.parametrize('skip', [None, [], False], ids=['None', 'empty-list', 'False'])
def test_empty_skip_values_skip_nothing(skip):
    assert body(_skip_app(skip)) == b'a(b(o(deco(x))))'


def test_skip_by_name():
    assert body(_skip_app('a')) == b'b(o(deco(x)))'


def test_skip_by_instance():
    app = bottle.Bottle()
    a, b = Tagger('a'), Tagger('b')
    app.install(a)
    app.install(b)
    app.route('/', callback=lambda: 'x', skip=b)
    assert body(app) == b'a(x)'


def test_skip_by_class():
    assert body(_skip_app(OtherTagger)) == b'a(b(deco(x)))'


def test_skip_by_decorator_function():
    assert body(_skip_app(decorator_plugin)) == b'a(b(o(x)))'


def test_skip_list_of_mixed_values():
    assert body(_skip_app(['a', OtherTagger, decorator_plugin])) == b'b(x)'


def test_skip_true_skips_all_plugins_including_json():
    app = _skip_app(True)
    app.route('/dict', callback=lambda: {'k': 1}, skip=True)
    assert body(app) == b'x'
    assert call(app, '/dict').header('Content-Type') != 'application/json'


def test_skip_json_by_name_or_class():
    for skip in ('json', bottle.JSONPlugin, [bottle.JSONPlugin]):
        app = bottle.Bottle()
        app.route('/', callback=lambda: {'k': 1}, skip=skip)
        r = call(app, '/')
        assert r.header('Content-Type') != 'application/json'


def test_skip_removes_route_level_plugin_too():
    app = app_with(apply=[Tagger('r')], skip=['r'])
    assert body(app) == b'x'


def test_skip_true_with_apply_skips_route_plugins_too():
    app = app_with(Tagger('a'), apply=Tagger('r'), skip=True)
    assert body(app) == b'x'


def test_skip_is_stored_on_route():
    app = app_with(skip=['a'])
    assert app.routes[0].skiplist == ['a']


def test_skip_affects_only_that_route():
    app = _skip_app(True)
    app.route('/other', callback=lambda: 'y')
    assert body(app) == b'x'
    assert body(app, '/other') == b'a(b(o(deco(y))))'


# ---------------------------------------------------------------- lazy application, runtime changes

def test_plugins_are_applied_lazily_on_first_request():
    log = []
    app = app_with(Tagger('a', log=log))
    assert [e for e in log if e[0] == 'apply'] == []
    call(app, '/')
    assert [e for e in log if e[0] == 'apply'] == [('apply', 'a', '/')]


def test_plugins_are_applied_once_per_route():
    log = []
    app = app_with(Tagger('a', log=log))
    app.route('/other', callback=lambda: 'y')
    for _ in range(3):
        call(app, '/')
        call(app, '/other')
    assert sorted(e for e in log if e[0] == 'apply') == [('apply', 'a', '/'),
                                                         ('apply', 'a', '/other')]


def test_plugin_installed_after_routes_still_applies():
    app = bottle.Bottle()
    app.route('/', callback=lambda: 'x')
    app.install(Tagger('late'))
    assert body(app) == b'late(x)'


def test_install_at_runtime_reapplies_plugins():
    app = app_with(Tagger('a'))
    assert body(app) == b'a(x)'
    app.install(Tagger('b'))
    assert body(app) == b'a(b(x))'


def test_uninstall_at_runtime_reapplies_plugins():
    app = app_with(Tagger('a'), Tagger('b'))
    assert body(app) == b'a(b(x))'
    app.uninstall('a')
    assert body(app) == b'b(x)'


def test_plugins_are_applied_immediately_in_debug_mode():
    bottle.debug(True)
    log = []
    app_with(Tagger('a', log=log))
    assert ('apply', 'a', '/') in log


def test_route_reset_forces_reapplication():
    log = []
    app = app_with(Tagger('a', log=log))
    call(app, '/')
    app.routes[0].reset()
    call(app, '/')
    assert [e for e in log if e[0] == 'apply'] == [('apply', 'a', '/')] * 2


def test_route_call_is_cached_until_reset():
    app = app_with(Tagger('a'))
    route = app.routes[0]
    assert route.call is route.call
    assert route.call() == 'a(x)'


def test_route_reset_raised_from_apply_reapplies():
    attempts = []

    class FlakyOnce:
        name = 'flaky'
        api = 2

        def apply(self, callback, route):
            attempts.append(route.rule)
            if len(attempts) == 1:
                raise bottle.RouteReset()
            return lambda *a, **k: 'attempt%d(%s)' % (len(attempts), callback(*a, **k))

    app = app_with(FlakyOnce())
    r = call(app, '/')
    assert r.code == 200
    assert r.body == b'attempt2(x)'
    assert body(app) == b'attempt2(x)'
    assert attempts == ['/', '/']


def test_plugin_apply_error_gives_500():
    class Broken:
        name = 'broken'
        api = 2

        def apply(self, callback, route):
            raise RuntimeError('cannot apply')

    app = app_with(Broken())
    assert call(app, '/').code == 500


# --------------------------------------------------------------------- route config seen by plugins

def test_plugin_sees_route_attributes():
    seen = {}

    class Inspect:
        name = 'inspect'
        api = 2

        def apply(self, callback, route):
            seen.update(rule=route.rule, method=route.method, name=route.name, app=route.app,
                        callback=route.get_undecorated_callback())
            return callback

    def handler(item):
        return item

    app = bottle.Bottle()
    app.install(Inspect())
    app.route('/item/<item>', method='POST', callback=handler, name='item')
    call(app, '/item/1', method='POST')
    assert seen == {'rule': '/item/<item>', 'method': 'POST', 'name': 'item', 'app': app,
                    'callback': handler}


def test_route_config_holds_extra_route_options():
    seen = {}

    class Inspect:
        name = 'inspect'
        api = 2

        def apply(self, callback, route):
            seen['config'] = route.config['cache_ttl']
            seen['get_config'] = get_config(route, 'cache_ttl')
            return callback

    app = app_with(Inspect(), cache_ttl=60)
    call(app, '/')
    assert seen == {'config': 60, 'get_config': 60}


def test_route_config_accepts_dotted_keys():
    app = app_with(**{'my.option': 'on'})
    assert app.routes[0].config['my.option'] == 'on'
    assert get_config(app.routes[0], 'my.option') == 'on'


def test_get_config_falls_back_to_app_config_then_default():
    app = bottle.Bottle()
    app.config['shared.option'] = 'from app'
    app.config['overridden'] = 'from app'
    app.route('/', callback=lambda: 'x', overridden='from route')
    route = app.routes[0]
    assert get_config(route, 'shared.option') == 'from app'
    assert get_config(route, 'overridden') == 'from route'
    assert get_config(route, 'missing', 'fallback') == 'fallback'
    assert get_config(route, 'missing') is None


def test_route_config_falls_back_to_app_config():
    app = bottle.Bottle()
    app.config['shared.option'] = 'from app'
    app.config['overridden'] = 'from app'
    app.route('/', callback=lambda: 'x', overridden='from route')
    config = app.routes[0].config
    assert config['shared.option'] == 'from app'
    assert config['overridden'] == 'from route'
    assert config.get('missing', 'fallback') == 'fallback'


def test_plugin_uses_route_config_to_opt_out():
    class Optional:
        name = 'optional'
        api = 2

        def apply(self, callback, route):
            if not route.config.get('optional.enable', True):
                return callback
            return lambda *a, **k: 'opt(%s)' % callback(*a, **k)

    app = bottle.Bottle()
    app.install(Optional())
    app.route('/on', callback=lambda: 'x')
    app.route('/off', callback=lambda: 'x', **{'optional.enable': False})
    assert body(app, '/on') == b'opt(x)'
    assert body(app, '/off') == b'x'


# --------------------------------------------------------------------------- mount and plugins

def _counting_plugin(calls):
    def counting(callback):
        def wrapper(*a, **k):
            calls.append(bottle.request.path)
            return callback(*a, **k)
        return wrapper
    return counting


def _plain_wsgi(environ, start_response):
    start_response('200 OK', [('Content-Type', 'text/plain')])
    return [b'wsgi']


def test_mount_proxy_route_skips_parent_plugins_by_default():
    calls = []
    app = bottle.Bottle()
    app.install(_counting_plugin(calls))
    app.mount('/w/', _plain_wsgi)
    assert body(app, '/w/x') == b'wsgi'
    assert calls == []


def test_mount_with_skip_none_applies_parent_plugins_to_proxy_route():
    calls = []
    app = bottle.Bottle()
    app.install(_counting_plugin(calls))
    app.mount('/w/', _plain_wsgi, skip=None)
    assert body(app, '/w/x') == b'wsgi'
    assert calls == ['/w/x']


def test_parent_plugins_do_not_affect_mounted_bottle_app():
    child = bottle.Bottle()
    child.route('/page', callback=lambda: 'child')
    parent = bottle.Bottle()
    parent.install(Tagger('parent'))
    parent.route('/own', callback=lambda: 'own')
    parent.mount('/child/', child)
    assert body(parent, '/own') == b'parent(own)'
    assert body(parent, '/child/page') == b'child'


def test_child_plugins_apply_to_mounted_bottle_app_routes():
    child = bottle.Bottle()
    child.install(Tagger('child'))
    child.route('/page', callback=lambda: 'page')
    parent = bottle.Bottle()
    parent.mount('/child/', child)
    assert body(parent, '/child/page') == b'child(page)'


def test_mounted_bottle_app_with_skip_none_runs_parent_plugins_once_per_request():
    calls = []
    child = bottle.Bottle()
    child.route('/page', callback=lambda: 'child')
    parent = bottle.Bottle()
    parent.install(_counting_plugin(calls))
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', DeprecationWarning)
        parent.mount('/child/', child, skip=None)
    assert body(parent, '/child/page') == b'child'
    assert calls == ['/child/page']


# --------------------------------------------------------------------------- JSONPlugin

def test_uninstalling_json_plugin_stops_dict_conversion():
    for which in ('json', bottle.JSONPlugin):
        app = bottle.Bottle()
        app.uninstall(which)
        app.route('/', callback=lambda: {'k': 1})
        assert call(app, '/').header('Content-Type') != 'application/json'


def test_reinstalled_json_plugin_converts_dicts_again():
    app = bottle.Bottle()
    app.uninstall('json')
    app.install(bottle.JSONPlugin())
    app.route('/', callback=lambda: {'k': 1})
    r = call(app, '/')
    assert r.header('Content-Type') == 'application/json'
    assert json.loads(r.text) == {'k': 1}


def test_json_plugin_custom_dumps_is_used():
    app = bottle.Bottle()
    app.uninstall('json')
    app.install(bottle.JSONPlugin(json_dumps=lambda obj: json.dumps(obj, separators=(',', ':'))))
    app.route('/', callback=lambda: {'a': [1, 2]})
    r = call(app, '/')
    assert r.text == '{"a":[1,2]}'
    assert r.header('Content-Length') == str(len(r.body))


def test_json_plugin_leaves_non_dict_results_alone():
    app = bottle.Bottle()
    app.route('/str', callback=lambda: 'text')
    app.route('/list', callback=lambda: [b'a', b'b'])
    assert call(app, '/str').header('Content-Type').startswith('text/html')
    assert call(app, '/list').body == b'ab'


def test_json_plugin_converts_dict_from_raised_httpresponse():
    def raiser():
        raise bottle.HTTPResponse({'status': 'created'}, status=201)

    app = bottle.Bottle()
    app.route('/', callback=raiser)
    r = call(app, '/')
    assert r.code == 201
    assert r.header('Content-Type') == 'application/json'
    assert json.loads(r.text) == {'status': 'created'}


def test_json_plugin_disabled_by_config():
    # differs from 0.13.4: its JSONPlugin ignores json.enable.
    app = bottle.Bottle()
    app.config['json.enable'] = False
    app.route('/', callback=lambda: {'k': 1})
    assert call(app, '/').header('Content-Type') != 'application/json'


def test_module_install_and_uninstall_by_name_act_on_default_app():
    bottle.install(Tagger('mod'))
    bottle.route('/', callback=lambda: 'x')
    assert body(bottle.app()) == b'mod(x)'
    assert [p.name for p in bottle.uninstall('mod')] == ['mod']
    assert body(bottle.app()) == b'x'
