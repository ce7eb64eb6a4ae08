"""Configuration and resources: ConfigDict, app.config, route.config, ResourceManager, bottle.ext.

ConfigDict is a dict with dotted keys, loaders (ini files, nested dicts, modules),
metadata, overlays and change listeners. ResourceManager finds application files in
a list of search paths. ``bottle.ext.NAME`` imports the installed package ``bottle_NAME``.
"""
import configparser
import os
import sys
import textwrap

import pytest

import bottle
from helpers import call


# --------------------------------------------------------------------------- helpers

def write_ini(tmp_path, text, name='app.ini'):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return str(path)


def recording_listener(config):
    """Attach a change listener to ``config``; return the list it records (key, value) in."""
    seen = []
    config._add_change_listener(lambda conf, key, value: seen.append((key, value)))
    return seen


# -------------------------------------------------------------------------- load_config (ini files)

def test_load_config_prefixes_keys_with_their_section(tmp_path):
    path = write_ini(tmp_path, """
        [sqlite]
        db = /tmp/test.db
        timeout = 5
    """)
    config = bottle.ConfigDict().load_config(path)
    assert config == {'sqlite.db': '/tmp/test.db', 'sqlite.timeout': '5'}


def test_load_config_returns_the_config_itself(tmp_path):
    config = bottle.ConfigDict()
    assert config.load_config(write_ini(tmp_path, '[a]\nb = 1\n')) is config


def test_load_config_puts_bottle_section_keys_at_the_top_level(tmp_path):
    path = write_ini(tmp_path, """
        [bottle]
        debug = true
        catchall = false
    """)
    config = bottle.ConfigDict().load_config(path)
    assert config == {'debug': 'true', 'catchall': 'false'}


def test_load_config_puts_root_section_keys_at_the_top_level(tmp_path):
    path = write_ini(tmp_path, """
        [ROOT]
        name = demo
    """)
    assert bottle.ConfigDict().load_config(path) == {'name': 'demo'}


def test_load_config_lowercases_section_and_key_names(tmp_path):
    path = write_ini(tmp_path, """
        [Mixed.Case]
        SomeKey = value
    """)
    assert bottle.ConfigDict().load_config(path) == {'mixed.case.somekey': 'value'}


def test_load_config_values_stay_strings(tmp_path):
    path = write_ini(tmp_path, """
        [server]
        port = 8080
        debug = true
    """)
    config = bottle.ConfigDict().load_config(path)
    assert config['server.port'] == '8080'
    assert config['server.debug'] == 'true'


def test_load_config_copies_default_section_into_every_section_and_the_top_level(tmp_path):
    path = write_ini(tmp_path, """
        [DEFAULT]
        base = /srv
        [bottle]
        debug = true
        [db]
        name = main
    """)
    config = bottle.ConfigDict().load_config(path)
    assert config == {'base': '/srv', 'debug': 'true', 'db.base': '/srv', 'db.name': 'main'}


def test_load_config_uses_extended_interpolation_by_default(tmp_path):
    path = write_ini(tmp_path, """
        [paths]
        root = /srv/app
        static = ${root}/static
        other = ${db:name}.sqlite
        [db]
        name = main
    """)
    config = bottle.ConfigDict().load_config(path)
    assert config['paths.static'] == '/srv/app/static'
    assert config['paths.other'] == 'main.sqlite'


def test_load_config_leaves_percent_syntax_alone_by_default(tmp_path):
    path = write_ini(tmp_path, """
        [paths]
        root = /srv
        static = %(root)s/static
    """)
    assert bottle.ConfigDict().load_config(path)['paths.static'] == '%(root)s/static'


def test_load_config_passes_interpolation_option_to_configparser(tmp_path):
    path = write_ini(tmp_path, """
        [paths]
        root = /srv
        static = %(root)s/static
        other = ${root}/other
    """)
    config = bottle.ConfigDict().load_config(
        path, interpolation=configparser.BasicInterpolation())
    assert config['paths.static'] == '/srv/static'
    assert config['paths.other'] == '${root}/other'


def test_load_config_without_interpolation_keeps_values_raw(tmp_path):
    path = write_ini(tmp_path, """
        [paths]
        root = /srv
        static = ${root}/static
    """)
    config = bottle.ConfigDict().load_config(path, interpolation=None)
    assert config['paths.static'] == '${root}/static'


def test_load_config_passes_other_configparser_options(tmp_path):
    path = write_ini(tmp_path, """
        [db]
        name: main
        user -> admin
    """)
    config = bottle.ConfigDict().load_config(path, delimiters=('->', ':'))
    assert config == {'db.name': 'main', 'db.user': 'admin'}


def test_load_config_reads_a_list_of_files_later_ones_winning(tmp_path):
    first = write_ini(tmp_path, '[db]\nname = first\nuser = u\n', 'first.ini')
    second = write_ini(tmp_path, '[db]\nname = second\n', 'second.ini')
    config = bottle.ConfigDict().load_config([first, second])
    assert config == {'db.name': 'second', 'db.user': 'u'}


def test_load_config_replaces_existing_values(tmp_path):
    config = bottle.ConfigDict()
    config['db.name'] = 'old'
    config['other'] = 'kept'
    config.load_config(write_ini(tmp_path, '[db]\nname = new\n'))
    assert config == {'db.name': 'new', 'other': 'kept'}


def test_load_config_of_a_missing_file_loads_nothing(tmp_path):
    # configparser skips files it cannot open; so does 0.13.
    assert bottle.ConfigDict().load_config(str(tmp_path / 'missing.ini')) == {}


def test_load_config_without_section_header_raises_configparser_error(tmp_path):
    path = write_ini(tmp_path, 'key = value\n')
    with pytest.raises(configparser.MissingSectionHeaderError) as info:
        bottle.ConfigDict().load_config(path)
    assert 'no section headers' in str(info.value)
    assert 'app.ini' in str(info.value)


def test_load_config_with_duplicate_key_raises_configparser_error_naming_it(tmp_path):
    path = write_ini(tmp_path, """
        [db]
        name = main
        name = again
    """)
    with pytest.raises(configparser.DuplicateOptionError) as info:
        bottle.ConfigDict().load_config(path)
    assert "'name'" in str(info.value)


def test_load_config_with_unclosed_section_header_raises_configparser_error(tmp_path):
    path = write_ini(tmp_path, '[db\nname = main\n')
    with pytest.raises(configparser.Error):
        bottle.ConfigDict().load_config(path)


def test_load_config_allows_keys_without_value(tmp_path):
    # configparser's allow_no_value is on, as in 0.13: a bare line is a key with value None.
    path = write_ini(tmp_path, """
        [features]
        fast
    """)
    assert bottle.ConfigDict().load_config(path) == {'features.fast': None}


def test_load_config_with_duplicate_section_raises_configparser_error(tmp_path):
    path = write_ini(tmp_path, '[db]\na = 1\n[db]\nb = 2\n')
    with pytest.raises(configparser.DuplicateSectionError):
        bottle.ConfigDict().load_config(path)


def test_load_config_with_broken_interpolation_raises_configparser_error(tmp_path):
    path = write_ini(tmp_path, '[db]\nname = ${missing}\n')
    with pytest.raises(configparser.InterpolationError) as info:
        bottle.ConfigDict().load_config(path)
    assert 'missing' in str(info.value)


# ------------------------------------------------------------------ load_dict / update / setdefault

def test_load_dict_flattens_nested_dicts_into_dotted_keys():
    config = bottle.ConfigDict().load_dict({'a': {'b': {'c': 1}, 'd': 2}, 'e': 3})
    assert config == {'a.b.c': 1, 'a.d': 2, 'e': 3}


def test_load_dict_prefixes_every_key_with_namespace():
    config = bottle.ConfigDict().load_dict({'a': {'b': 1}, 'c': 2}, namespace='ns')
    assert config == {'ns.a.b': 1, 'ns.c': 2}


def test_load_dict_returns_the_config_itself():
    config = bottle.ConfigDict()
    assert config.load_dict({'a': 1}) is config


def test_load_dict_keeps_non_dict_containers_as_values():
    config = bottle.ConfigDict().load_dict({'hosts': ['a', 'b'], 'pair': (1, 2)})
    assert config == {'hosts': ['a', 'b'], 'pair': (1, 2)}


def test_load_dict_with_empty_nested_dict_adds_nothing():
    assert bottle.ConfigDict().load_dict({'a': {}}) == {}


def test_load_dict_rejects_non_string_keys_with_type_error():
    with pytest.raises(TypeError) as info:
        bottle.ConfigDict().load_dict({1: 'one'})
    assert 'int' in str(info.value) and 'not a string' in str(info.value)


def test_load_dict_rejects_non_string_keys_in_nested_dicts():
    with pytest.raises(TypeError):
        bottle.ConfigDict().load_dict({'a': {('tuple', 'key'): 'x'}})


def test_setitem_rejects_non_string_keys_with_type_error():
    config = bottle.ConfigDict()
    for key in (1, b'bytes', None, ('a',)):
        with pytest.raises(TypeError) as info:
            config[key] = 'value'
        assert 'not a string' in str(info.value)
    assert config == {}


def test_update_with_leading_string_uses_it_as_namespace():
    config = bottle.ConfigDict()
    config.update('db', name='main', user='admin')
    assert config == {'db.name': 'main', 'db.user': 'admin'}


def test_update_namespace_with_trailing_dot_adds_no_second_dot():
    config = bottle.ConfigDict()
    config.update('db.', {'name': 'main'})
    assert config == {'db.name': 'main'}


def test_update_with_namespace_takes_dict_and_keywords_together():
    config = bottle.ConfigDict()
    config.update('ns', {'a': 1}, b=2)
    assert config == {'ns.a': 1, 'ns.b': 2}


def test_update_without_namespace_works_like_dict_update():
    config = bottle.ConfigDict()
    config.update({'a': 1}, b=2)
    config.update([('c', 3)])
    assert config == {'a': 1, 'b': 2, 'c': 3}


def test_update_rejects_non_string_keys():
    with pytest.raises(TypeError):
        bottle.ConfigDict().update({1: 'one'})


def test_setdefault_sets_a_missing_key_and_returns_the_value():
    config = bottle.ConfigDict()
    assert config.setdefault('a', 1) == 1
    assert config == {'a': 1}


def test_setdefault_keeps_an_existing_value():
    config = bottle.ConfigDict()
    config['a'] = 1
    assert config.setdefault('a', 2) == 1
    assert config['a'] == 1


def test_setdefault_without_value_stores_none():
    config = bottle.ConfigDict()
    assert config.setdefault('a') is None
    assert config == {'a': None}


def test_setdefault_rejects_non_string_keys():
    with pytest.raises(TypeError):
        bottle.ConfigDict().setdefault(5, 'x')


def test_deleting_a_missing_key_raises_key_error():
    with pytest.raises(KeyError):
        del bottle.ConfigDict()['missing']


# --------------------------------------------------------------------------- load_module

def test_load_module_squashes_upper_case_globals_into_dotted_keys(importable):
    importable('cfg_squash.py', """
        DEBUG = True
        SQLITE = {'db': 'app.db', 'opts': {'timeout': 5}}
        lower_case = 'ignored'
    """)
    config = bottle.ConfigDict().load_module('cfg_squash')
    assert config == {'DEBUG': True, 'SQLITE.db': 'app.db', 'SQLITE.opts.timeout': 5}


def test_load_module_without_squash_keeps_dicts_as_values(importable):
    importable('cfg_nosquash.py', """
        DEBUG = True
        SQLITE = {'db': 'app.db'}
    """)
    config = bottle.ConfigDict().load_module('cfg_nosquash', squash=False)
    assert config == {'DEBUG': True, 'SQLITE': {'db': 'app.db'}}


def test_load_module_takes_a_dotted_import_path(importable):
    importable('cfg_pkg/__init__.py', '')
    importable('cfg_pkg/settings.py', 'NAME = "from package"\n')
    config = bottle.ConfigDict().load_module('cfg_pkg.settings')
    assert config == {'NAME': 'from package'}


def test_load_module_returns_the_config_itself(importable):
    importable('cfg_self.py', 'A = 1\n')
    config = bottle.ConfigDict()
    assert config.load_module('cfg_self') is config


def test_load_module_of_missing_module_raises_import_error(importable):
    with pytest.raises(ImportError) as info:
        bottle.ConfigDict().load_module('cfg_does_not_exist')
    assert 'cfg_does_not_exist' in str(info.value)


# --------------------------------------------------------------------------- metadata and filters

def test_meta_set_and_meta_get_store_metadata_per_key():
    config = bottle.ConfigDict()
    config.meta_set('db.name', 'help', 'The database name.')
    assert config.meta_get('db.name', 'help') == 'The database name.'


def test_meta_get_returns_default_for_missing_field_or_key():
    config = bottle.ConfigDict()
    config.meta_set('a', 'help', 'x')
    assert config.meta_get('a', 'missing') is None
    assert config.meta_get('a', 'missing', 'fallback') == 'fallback'
    assert config.meta_get('no-such-key', 'help', 'fallback') == 'fallback'


def test_meta_does_not_create_a_key():
    config = bottle.ConfigDict()
    config.meta_set('a', 'help', 'x')
    assert 'a' not in config


def test_meta_list_names_the_fields_of_a_key():
    config = bottle.ConfigDict()
    config.meta_set('a', 'help', 'x')
    config.meta_set('a', 'filter', int)
    assert sorted(config.meta_list('a')) == ['filter', 'help']
    assert list(config.meta_list('no-such-key')) == []


def test_filter_meta_converts_values_on_assignment():
    config = bottle.ConfigDict()
    config.meta_set('port', 'filter', int)
    config['port'] = '8080'
    assert config['port'] == 8080


def test_filter_meta_applies_to_update_load_dict_and_setdefault():
    config = bottle.ConfigDict()
    config.meta_set('a', 'filter', int)
    config.meta_set('b.c', 'filter', int)
    config.meta_set('d', 'filter', int)
    config.update(a='1')
    config.load_dict({'b': {'c': '2'}})
    config.setdefault('d', '3')
    assert config == {'a': 1, 'b.c': 2, 'd': 3}


def test_filter_meta_applies_to_load_config(tmp_path):
    config = bottle.ConfigDict()
    config.meta_set('server.port', 'filter', int)
    config.load_config(write_ini(tmp_path, '[server]\nport = 8080\n'))
    assert config['server.port'] == 8080


def test_filter_that_raises_leaves_the_key_unset():
    config = bottle.ConfigDict()
    config.meta_set('port', 'filter', int)
    with pytest.raises(ValueError):
        config['port'] = 'not a number'
    assert 'port' not in config


def test_filter_does_not_touch_a_value_set_before_it():
    config = bottle.ConfigDict()
    config['port'] = '8080'
    config.meta_set('port', 'filter', int)
    assert config['port'] == '8080'


# --------------------------------------------------------------------------- change listeners

def test_change_listener_hears_every_assignment_with_config_key_and_value():
    config = bottle.ConfigDict()
    calls = []
    config._add_change_listener(lambda conf, key, value: calls.append((conf, key, value)))
    config['a'] = 1
    assert calls == [(config, 'a', 1)]


def test_change_listener_hears_update_load_dict_setdefault_and_delete():
    config = bottle.ConfigDict()
    seen = recording_listener(config)
    config['a'] = 1
    config['a'] = 2
    config.update(b=3)
    config.setdefault('c', 4)
    config.setdefault('c', 5)
    config.load_dict({'d': {'e': 6}})
    del config['a']
    assert seen == [('a', 1), ('a', 2), ('b', 3), ('c', 4), ('d.e', 6), ('a', None)]


def test_change_listener_is_not_called_when_the_same_value_is_set_again():
    config = bottle.ConfigDict()
    value = object()
    config['a'] = value
    seen = recording_listener(config)
    config['a'] = value
    assert seen == []


def test_change_listener_sees_the_filtered_value():
    config = bottle.ConfigDict()
    config.meta_set('n', 'filter', int)
    seen = recording_listener(config)
    config['n'] = '7'
    assert seen == [('n', 7)]


def test_change_listener_hears_keys_loaded_from_an_ini_file(tmp_path):
    config = bottle.ConfigDict()
    seen = recording_listener(config)
    config.load_config(write_ini(tmp_path, '[bottle]\ndebug = true\n[db]\nname = x\n'))
    assert sorted(seen) == [('db.name', 'x'), ('debug', 'true')]


# --------------------------------------------------------------------------- overlays

def test_overlay_reads_through_to_its_source():
    source = bottle.ConfigDict()
    source.update(a=1, b=2)
    overlay = source._make_overlay()
    assert overlay['a'] == 1 and overlay['b'] == 2
    assert sorted(overlay) == ['a', 'b']
    assert isinstance(overlay, bottle.ConfigDict)


def test_overlay_override_does_not_change_the_source():
    source = bottle.ConfigDict()
    source['a'] = 1
    overlay = source._make_overlay()
    overlay['a'] = 10
    assert overlay['a'] == 10
    assert source['a'] == 1


def test_overlay_sees_new_and_changed_source_values():
    source = bottle.ConfigDict()
    source['a'] = 1
    overlay = source._make_overlay()
    source['a'] = 2
    source['b'] = 3
    assert overlay['a'] == 2
    assert overlay['b'] == 3


def test_overlay_keeps_its_override_when_the_source_changes():
    source = bottle.ConfigDict()
    source['a'] = 1
    overlay = source._make_overlay()
    overlay['a'] = 10
    source['a'] = 2
    assert overlay['a'] == 10


def test_deleting_an_override_restores_the_current_source_value():
    source = bottle.ConfigDict()
    source['a'] = 1
    overlay = source._make_overlay()
    overlay['a'] = 10
    source['a'] = 2
    del overlay['a']
    assert overlay['a'] == 2
    source['a'] = 3
    assert overlay['a'] == 3


def test_deleting_an_overlay_only_key_removes_it():
    overlay = bottle.ConfigDict()._make_overlay()
    overlay['own'] = 1
    del overlay['own']
    assert 'own' not in overlay


def test_deleting_a_key_in_the_source_removes_it_from_the_overlay():
    source = bottle.ConfigDict()
    source.update(a=1, b=2)
    overlay = source._make_overlay()
    del source['a']
    assert 'a' not in overlay
    assert sorted(overlay) == ['b']


def test_deleting_a_key_in_the_source_keeps_the_overlay_override():
    source = bottle.ConfigDict()
    source['a'] = 1
    overlay = source._make_overlay()
    overlay['a'] = 10
    del source['a']
    assert overlay['a'] == 10


def test_a_value_read_through_from_the_source_cannot_be_deleted_in_the_overlay():
    source = bottle.ConfigDict()
    source['a'] = 1
    overlay = source._make_overlay()
    with pytest.raises(KeyError):
        del overlay['a']
    assert overlay['a'] == 1 and source['a'] == 1


def test_overlays_chain_through_several_levels():
    source = bottle.ConfigDict()
    middle = source._make_overlay()
    top = middle._make_overlay()
    source['a'] = 1
    assert top['a'] == 1
    middle['a'] = 2
    assert top['a'] == 2
    top['a'] = 3
    assert (source['a'], middle['a'], top['a']) == (1, 2, 3)
    del middle['a']
    assert top['a'] == 3
    del top['a']
    assert top['a'] == 1


def test_several_overlays_of_one_source_are_independent():
    source = bottle.ConfigDict()
    source['a'] = 1
    first, second = source._make_overlay(), source._make_overlay()
    first['a'] = 'first'
    source['a'] = 2
    assert (first['a'], second['a']) == ('first', 2)


def test_overlay_shares_the_source_metadata_and_filters():
    source = bottle.ConfigDict()
    source.meta_set('port', 'filter', int)
    overlay = source._make_overlay()
    overlay['port'] = '80'
    assert overlay['port'] == 80
    assert overlay.meta_get('port', 'filter') is int


def test_overlay_listener_hears_overrides_and_removals():
    source = bottle.ConfigDict()
    overlay = source._make_overlay()
    seen = recording_listener(overlay)
    overlay['a'] = 2
    source['a'] = 3           # the override hides it: no change in the overlay
    del overlay['a']          # falls back to the source value
    del source['a']           # the key is gone from the overlay
    assert seen[0] == ('a', 2)
    assert seen[-1] == ('a', None)
    assert 'a' not in overlay


def test_overlay_listener_hears_source_changes_of_a_key_it_reads_through():
    source = bottle.ConfigDict()
    source['a'] = 1
    overlay = source._make_overlay()
    seen = recording_listener(overlay)
    source['a'] = 2
    assert seen == [('a', 2)]


def test_overlay_rejects_non_string_keys():
    with pytest.raises(TypeError):
        bottle.ConfigDict()._make_overlay()[1] = 'x'


# --------------------------------------------------------------------------- app.config

def test_app_config_is_a_config_dict_with_the_documented_defaults():
    config = bottle.Bottle().config
    assert isinstance(config, bottle.ConfigDict)
    assert config['catchall'] is True
    assert config['json.enable'] is True


def test_app_config_hook_is_called_with_config_key_and_value_on_every_change():
    app = bottle.Bottle()
    seen = []
    app.add_hook('config', lambda config, key, value: seen.append((config, key, value)))
    app.config['a'] = 1
    app.config.update('ns', b=2)
    app.config.load_dict({'c': {'d': 3}})
    del app.config['a']
    assert [(key, value) for config, key, value in seen] == [
        ('a', 1), ('ns.b', 2), ('c.d', 3), ('a', None)]
    assert all(config is app.config for config, key, value in seen)


def test_app_config_hook_registered_with_decorator():
    app = bottle.Bottle()
    seen = []

    @app.hook('config')
    def on_config(config, key, value):
        seen.append((key, value))
    app.config['debug'] = True
    assert seen == [('debug', True)]


def test_catchall_true_turns_exceptions_into_500():
    app = bottle.Bottle()

    @app.route('/')
    def fail():
        raise RuntimeError('boom')
    result = call(app, '/')
    assert result.code == 500


def test_catchall_false_in_config_lets_exceptions_propagate():
    app = bottle.Bottle()
    app.config['catchall'] = False

    @app.route('/')
    def fail():
        raise RuntimeError('boom')
    with pytest.raises(RuntimeError, match='boom'):
        call(app, '/')


def test_catchall_attribute_reads_and_writes_the_config():
    app = bottle.Bottle()
    app.catchall = False
    assert app.config['catchall'] is False
    app.config['catchall'] = True
    assert app.catchall is True


def test_catchall_keyword_argument_is_deprecated_and_sets_the_config():
    with pytest.warns(DeprecationWarning):
        app = bottle.Bottle(catchall=False)
    assert app.config['catchall'] is False


def test_autojson_keyword_argument_is_deprecated_and_disables_json():
    # differs from 0.13.4: Bottle(autojson=False) really turns json.enable off
    # (0.13.4 warns but leaves json.enable True).
    with pytest.warns(DeprecationWarning):
        app = bottle.Bottle(autojson=False)
    assert app.config['json.enable'] is False


def test_json_enable_converts_returned_dicts_to_json():
    app = bottle.Bottle()
    app.route('/', callback=lambda: {'a': 1})
    result = call(app, '/')
    assert result.code == 200
    assert result.header('Content-Type') == 'application/json'
    assert result.body == b'{"a": 1}'


def test_json_enable_false_in_app_config_turns_off_dict_to_json():
    # differs from 0.13.4: 0.13.4 still sends JSON when json.enable is False.
    app = bottle.Bottle()
    app.config['json.enable'] = False
    app.route('/', callback=lambda: {'a': 1})
    result = call(app, '/')
    assert result.header('Content-Type') != 'application/json'
    assert result.body != b'{"a": 1}'


def test_json_enable_changed_after_the_route_was_used_takes_effect():
    # differs from 0.13.4: 0.13.4 keeps sending JSON when json.enable is False.
    app = bottle.Bottle()
    app.route('/', callback=lambda: {'a': 1})
    assert call(app, '/').header('Content-Type') == 'application/json'
    app.config['json.enable'] = False
    assert call(app, '/').header('Content-Type') != 'application/json'


def test_json_enable_false_in_route_config_turns_off_json_for_that_route():
    # differs from 0.13.4: 0.13.4 still sends JSON for such a route.
    app = bottle.Bottle()
    app.route('/plain', callback=lambda: {'a': 1}, json={'enable': False})
    app.route('/json', callback=lambda: {'a': 1})
    assert call(app, '/plain').header('Content-Type') != 'application/json'
    assert call(app, '/json').header('Content-Type') == 'application/json'


def test_autojson_false_in_route_config_turns_off_json_for_that_route():
    # differs from 0.13.4: 0.13.4 still sends JSON for such a route.
    app = bottle.Bottle()
    app.route('/plain', callback=lambda: {'a': 1}, autojson=False)
    assert call(app, '/plain').header('Content-Type') != 'application/json'


def test_json_dump_func_in_config_replaces_the_serializer():
    # differs from 0.13.4: 0.13.4 ignores json.dump_func.
    app = bottle.Bottle()
    app.config['json.dump_func'] = lambda obj: 'custom:%s' % sorted(obj)
    app.route('/', callback=lambda: {'a': 1})
    result = call(app, '/')
    assert result.body == b"custom:['a']"
    assert result.header('Content-Type') == 'application/json'


# --------------------------------------------------------------------------- route.config

def test_route_config_holds_the_route_keyword_arguments():
    app = bottle.Bottle()
    app.route('/', callback=lambda: 'x', custom_option='value')
    route = app.routes[-1]
    assert route.config['custom_option'] == 'value'


def test_route_config_flattens_nested_keyword_arguments():
    app = bottle.Bottle()
    app.route('/', callback=lambda: 'x', sqlite={'db': 'route.db'})
    assert app.routes[-1].config['sqlite.db'] == 'route.db'


def test_route_config_reads_through_to_app_config():
    app = bottle.Bottle()
    app.config['db.name'] = 'main'
    app.route('/', callback=lambda: 'x')
    route = app.routes[-1]
    assert route.config['db.name'] == 'main'
    assert route.config['catchall'] is True


def test_route_config_sees_later_app_config_changes():
    app = bottle.Bottle()
    app.route('/', callback=lambda: 'x')
    route = app.routes[-1]
    app.config['db.name'] = 'later'
    assert route.config['db.name'] == 'later'


def test_route_config_overrides_do_not_leak_into_app_config():
    app = bottle.Bottle()
    app.config['db.name'] = 'app'
    app.route('/', callback=lambda: 'x', db={'name': 'route'})
    assert app.routes[-1].config['db.name'] == 'route'
    assert app.config['db.name'] == 'app'


def test_route_config_is_visible_to_the_callback_through_request_route():
    app = bottle.Bottle()
    app.config['greeting'] = 'hello'
    app.route('/', callback=lambda: '%s %s' % (bottle.request.route.config['greeting'],
                                               bottle.request.route.config['who']),
              who='world')
    assert call(app, '/').text == 'hello world'


# --------------------------------------------------------------------------- ResourceManager

@pytest.fixture
def resource_tree(tmp_path):
    """a/x.txt, a/sub/s.txt, b/x.txt, b/y.txt under tmp_path."""
    (tmp_path / 'a' / 'sub').mkdir(parents=True)
    (tmp_path / 'b').mkdir()
    (tmp_path / 'a' / 'x.txt').write_text('from a')
    (tmp_path / 'a' / 'sub' / 's.txt').write_text('nested')
    (tmp_path / 'b' / 'x.txt').write_text('from b')
    (tmp_path / 'b' / 'y.txt').write_text('only b')
    return tmp_path


def manager_for(root, *paths, **options):
    manager = bottle.ResourceManager(base=str(root) + os.sep, **options)
    for path in paths:
        manager.add_path(path)
    return manager


def test_resource_manager_defaults():
    manager = bottle.ResourceManager()
    assert manager.base == './'
    assert manager.opener is open
    assert manager.cachemode == 'all'
    assert manager.path == []
    assert manager.cache == {}


def test_app_resources_is_a_resource_manager():
    assert isinstance(bottle.Bottle().resources, bottle.ResourceManager)


def test_add_path_makes_relative_paths_absolute_against_base(resource_tree):
    manager = manager_for(resource_tree)
    assert manager.add_path('a/') is True
    assert manager.path == [str(resource_tree / 'a') + os.sep]


def test_add_path_relative_to_default_base_uses_the_working_directory(resource_tree, monkeypatch):
    monkeypatch.chdir(resource_tree)
    manager = bottle.ResourceManager()
    manager.add_path('./a/')
    assert manager.path == [str(resource_tree / 'a') + os.sep]


def test_add_path_strips_a_trailing_file_name(resource_tree):
    manager = manager_for(resource_tree)
    manager.add_path('a/x.txt')
    assert manager.path == [str(resource_tree / 'a') + os.sep]


def test_add_path_with_file_as_base_uses_its_directory(resource_tree):
    # The __file__ idiom: add_path('./views/', base=__file__).
    manager = bottle.ResourceManager()
    assert manager.add_path('sub/', base=str(resource_tree / 'a' / 'x.txt')) is True
    assert manager.path == [str(resource_tree / 'a' / 'sub') + os.sep]


def test_add_path_returns_false_for_a_missing_directory_but_adds_it(resource_tree):
    manager = manager_for(resource_tree)
    assert manager.add_path('missing/') is False
    assert manager.path == [str(resource_tree / 'missing') + os.sep]


def test_add_path_with_create_makes_the_directory(resource_tree):
    manager = manager_for(resource_tree)
    assert manager.add_path('made/deep/', create=True) is True
    assert (resource_tree / 'made' / 'deep').is_dir()


def test_add_path_appends_by_default_and_inserts_at_index(resource_tree):
    manager = manager_for(resource_tree, 'a/', 'b/')
    manager.add_path('c/', index=0)
    names = [os.path.basename(path.rstrip(os.sep)) for path in manager.path]
    assert names == ['c', 'a', 'b']


def test_add_path_of_a_known_path_moves_it_instead_of_duplicating(resource_tree):
    manager = manager_for(resource_tree, 'a/', 'b/')
    manager.add_path('b/', index=0)
    names = [os.path.basename(path.rstrip(os.sep)) for path in manager.path]
    assert names == ['b', 'a']


def test_lookup_returns_the_first_match_in_search_order(resource_tree):
    manager = manager_for(resource_tree, 'a/', 'b/')
    assert manager.lookup('x.txt') == str(resource_tree / 'a' / 'x.txt')
    assert manager.lookup('y.txt') == str(resource_tree / 'b' / 'y.txt')


def test_lookup_finds_files_in_subdirectories_by_relative_name(resource_tree):
    manager = manager_for(resource_tree, 'a/')
    assert manager.lookup('sub/s.txt') == str(resource_tree / 'a' / 'sub' / 's.txt')


def test_lookup_ignores_directories(resource_tree):
    assert manager_for(resource_tree, 'a/').lookup('sub') is None


def test_lookup_of_a_missing_file_returns_none(resource_tree):
    assert manager_for(resource_tree, 'a/').lookup('nothing.txt') is None


def test_add_path_clears_the_lookup_cache(resource_tree):
    manager = manager_for(resource_tree, 'a/')
    assert manager.lookup('x.txt') == str(resource_tree / 'a' / 'x.txt')
    manager.add_path('b/', index=0)
    assert manager.lookup('x.txt') == str(resource_tree / 'b' / 'x.txt')


def test_cachemode_all_remembers_found_and_missing_files(resource_tree):
    manager = manager_for(resource_tree, 'a/', cachemode='all')
    assert manager.lookup('new.txt') is None
    (resource_tree / 'a' / 'new.txt').write_text('new')
    assert manager.lookup('new.txt') is None
    assert manager.cache == {'new.txt': None}


def test_cachemode_found_remembers_only_found_files(resource_tree):
    # differs from 0.13.4: 0.13.4 raises KeyError for a missing file in this mode.
    manager = manager_for(resource_tree, 'a/', cachemode='found')
    assert manager.lookup('new.txt') is None
    (resource_tree / 'a' / 'new.txt').write_text('new')
    assert manager.lookup('new.txt') == str(resource_tree / 'a' / 'new.txt')
    (resource_tree / 'a' / 'new.txt').unlink()
    assert manager.lookup('new.txt') == str(resource_tree / 'a' / 'new.txt')


def test_cachemode_none_caches_nothing(resource_tree):
    # differs from 0.13.4: 0.13.4 raises KeyError for a missing file in this mode.
    manager = manager_for(resource_tree, 'a/', cachemode='none')
    assert manager.lookup('x.txt') == str(resource_tree / 'a' / 'x.txt')
    assert manager.lookup('new.txt') is None
    (resource_tree / 'a' / 'new.txt').write_text('new')
    assert manager.lookup('new.txt') == str(resource_tree / 'a' / 'new.txt')
    assert manager.cache == {}


def test_debug_mode_bypasses_the_lookup_cache(resource_tree):
    manager = manager_for(resource_tree, 'a/')
    assert manager.lookup('new.txt') is None
    (resource_tree / 'a' / 'new.txt').write_text('new')
    bottle.debug(True)
    assert manager.lookup('new.txt') == str(resource_tree / 'a' / 'new.txt')


def test_open_opens_the_found_file(resource_tree):
    manager = manager_for(resource_tree, 'a/', 'b/')
    with manager.open('y.txt') as handle:
        assert handle.read() == 'only b'
    with manager.open('x.txt', 'rb') as handle:
        assert handle.read() == b'from a'


def test_open_passes_keyword_arguments_to_the_opener(resource_tree):
    manager = manager_for(resource_tree, 'a/')
    with manager.open('x.txt', encoding='ascii') as handle:
        assert handle.encoding == 'ascii'


def test_open_passes_extra_positional_arguments_to_the_opener(resource_tree):
    # differs from 0.13.4: 0.13.4 passes mode by keyword, so any extra positional
    # argument (buffering for open()) collides with it and raises TypeError.
    manager = manager_for(resource_tree, 'a/')
    with manager.open('x.txt', 'rb', 0) as handle:
        assert handle.read() == b'from a'


def test_open_uses_the_custom_opener(resource_tree):
    calls = []

    def opener(path, mode='r', **kwargs):
        calls.append((path, mode, kwargs))
        return 'opened'
    manager = manager_for(resource_tree, 'a/', opener=opener)
    assert manager.open('x.txt', 'rb', encoding=None) == 'opened'
    assert calls == [(str(resource_tree / 'a' / 'x.txt'), 'rb', {'encoding': None})]


def test_open_of_a_missing_resource_raises_ioerror_naming_it(resource_tree):
    manager = manager_for(resource_tree, 'a/')
    with pytest.raises(IOError) as info:
        manager.open('nothing.txt')
    assert 'nothing.txt' in str(info.value)


def test_iteration_yields_every_file_of_every_search_path(resource_tree):
    manager = manager_for(resource_tree, 'a/', 'b/', 'missing/')
    assert sorted(manager) == sorted(str(resource_tree / name) for name in (
        'a/x.txt', 'a/sub/s.txt', 'b/x.txt', 'b/y.txt'))


# --------------------------------------------------------------------------- bottle.ext import hook

@pytest.fixture
def ext_package(importable):
    """A package ``bottle_demoext`` (with a submodule) on sys.path; bottle.ext cleaned up after."""
    importable('bottle_demoext/__init__.py', 'VALUE = 42\n')
    importable('bottle_demoext/helpers.py', 'def shout(text):\n    return text.upper()\n')
    yield
    for name in list(sys.modules):
        if name.startswith('bottle.ext.demoext') or name.startswith('bottle_demoext'):
            del sys.modules[name]
    if hasattr(bottle.ext, 'demoext'):
        delattr(bottle.ext, 'demoext')


def test_from_bottle_ext_import_name_imports_package_bottle_name(ext_package):
    from bottle.ext import demoext
    assert demoext.VALUE == 42
    assert demoext is sys.modules['bottle_demoext']


def test_bottle_ext_module_is_registered_under_both_names(ext_package):
    import bottle.ext.demoext
    assert sys.modules['bottle.ext.demoext'] is sys.modules['bottle_demoext']
    assert bottle.ext.demoext is sys.modules['bottle_demoext']


def test_bottle_ext_submodules_import_too(ext_package):
    from bottle.ext.demoext import helpers
    assert helpers.shout('hi') == 'HI'


def test_bottle_ext_works_with_importlib(ext_package):
    import importlib
    assert importlib.import_module('bottle.ext.demoext').VALUE == 42


def test_bottle_ext_of_a_missing_package_raises_import_error_naming_it():
    with pytest.raises(ImportError) as info:
        from bottle.ext import no_such_extension  # noqa: F401
    assert 'bottle_no_such_extension' in str(info.value)
    assert 'bottle.ext.no_such_extension' not in sys.modules


# ------------------------------------------------------------------ validate and booleans (issue 9)

def test_a_config_hook_does_not_stop_other_listeners():
    app = bottle.Bottle()
    app.add_hook('config', lambda config, key, value: 'a true result')
    app.route('/', callback=lambda: {'a': 1})
    assert call(app, '/').header('Content-Type') == 'application/json'
    app.config['json.enable'] = False
    result = call(app, '/')
    assert result.header('Content-Type') != 'application/json'
    assert result.body == b'a'


@pytest.mark.parametrize('text', ['false', 'False', 'no', 'off', 'OFF', '0', ''])
def test_boolean_keys_read_false_strings_as_false(text):
    app = bottle.Bottle()
    app.config['catchall'] = text
    app.config['json.enable'] = text
    assert app.config['catchall'] is False
    assert app.config['json.enable'] is False


@pytest.mark.parametrize('text', ['true', 'yes', 'on', '1'])
def test_boolean_keys_read_true_strings_as_true(text):
    app = bottle.Bottle()
    app.config['catchall'] = text
    assert app.config['catchall'] is True


def test_catchall_off_from_an_ini_file_lets_exceptions_through(tmp_path):
    ini = tmp_path / 'app.ini'
    ini.write_text('[bottle]\ncatchall = off\n\n[json]\nenable = false\n')
    app = bottle.Bottle()
    app.config.load_config(str(ini))
    assert app.config['catchall'] is False and app.config['json.enable'] is False
    app.route('/', callback=lambda: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        call(app, '/')


def test_route_config_booleans_are_converted_too():
    app = bottle.Bottle()
    app.route('/', callback=lambda: {'a': 1}, **{'json.enable': 'no'})
    assert app.routes[0].config['json.enable'] is False
    assert call(app, '/').body == b'a'


def test_validate_meta_converts_values_when_they_are_set():
    config = bottle.ConfigDict()
    config.meta_set('port', 'validate', int)
    config['port'] = '8080'
    assert config['port'] == 8080


def test_validate_meta_that_raises_refuses_the_value():
    config = bottle.ConfigDict()
    config['port'] = 80
    config.meta_set('port', 'validate', int)
    with pytest.raises(ValueError):
        config['port'] = 'eighty'
    assert config['port'] == 80


def test_filter_runs_before_validate():
    config = bottle.ConfigDict()
    config.meta_set('name', 'filter', str.strip)
    config.meta_set('name', 'validate', str.upper)
    config['name'] = '  bottle '
    assert config['name'] == 'BOTTLE'


def test_define_validates_its_default():
    config = bottle.ConfigDict()
    config._define('debug', default='off', validate=bottle._config_bool)
    assert config['debug'] is False


def test_overlays_are_forgotten_when_collected():
    import gc
    config = bottle.ConfigDict()
    overlays = [config._make_overlay() for _ in range(50)]
    assert len(config._overlays) == 50
    del overlays
    gc.collect()
    assert len(config._overlays) == 0
    config['after'] = 1  # nothing left to tell


def _route_building_cpu_time(count):
    import time
    app = bottle.Bottle()
    started = time.process_time()
    for number in range(count):
        app.route('/static/%d' % number, callback=lambda: 'x')
    return time.process_time() - started


def test_adding_routes_costs_time_linear_in_their_number():
    # Quadratic growth (each route scanning all earlier ones) makes 10x the routes cost
    # about 100x the time; linear growth about 10x. The bound leaves room for a loaded machine.
    small = min(_route_building_cpu_time(300) for _ in range(3))
    large = _route_building_cpu_time(3000)
    assert large < 40 * max(small, 1e-3)
