"""Which proxies to trust: X-Forwarded-For/-Host/-Proto/-Prefix with and without the
``proxy.hops`` and ``proxy.trusted`` settings."""
import json

import pytest

import bottle
from helpers import call


def reporting_app(**config):
    """An app whose / reports what the request object says about where it came from."""
    app = bottle.Bottle()
    app.config.update(config)

    @app.route('/')
    def report():
        request = bottle.request
        return {'remote_addr': request.remote_addr, 'remote_route': request.remote_route,
                'url': request.url, 'script_name': request.script_name}

    @app.route('/go')
    def go():
        bottle.redirect('/target')

    @app.route('/link', name='link')
    def link():
        return app.get_url('link')
    return app


# What nginx sends with proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for when the
# client itself sent a forged X-Forwarded-For: the client's real address is the last entry.
FORGED_BEHIND_NGINX = {
    'X-Forwarded-For': '6.6.6.6, 203.0.113.7',
    'X-Forwarded-Host': 'shop.example',
    'X-Forwarded-Proto': 'https',
    'X-Forwarded-Prefix': '/shop',
}


def report(app, headers, remote_addr='127.0.0.1'):
    return json.loads(call(app, '/', headers=headers, REMOTE_ADDR=remote_addr).body)


def test_without_settings_forwarded_headers_are_believed_from_anyone_as_in_0_13():
    seen = report(reporting_app(), FORGED_BEHIND_NGINX, remote_addr='198.51.100.9')
    assert seen['remote_addr'] == '6.6.6.6'  # the forged entry: the spoofing risk
    assert seen['remote_route'] == ['6.6.6.6', '203.0.113.7']
    assert seen['url'] == 'https://shop.example/'
    assert seen['script_name'] == '/'  # X-Forwarded-Prefix is not used by default


def test_one_trusted_hop_takes_the_address_nginx_appended():
    seen = report(reporting_app(**{'proxy.hops': 1}), FORGED_BEHIND_NGINX)
    assert seen['remote_addr'] == '203.0.113.7'
    assert seen['remote_route'] == ['203.0.113.7']
    assert seen['url'] == 'https://shop.example/shop/'
    assert seen['script_name'] == '/shop/'


def test_two_trusted_hops_take_the_entry_left_of_both_proxies():
    headers = dict(FORGED_BEHIND_NGINX, **{'X-Forwarded-For': '6.6.6.6, 203.0.113.7, 10.0.0.2',
                                          'X-Forwarded-Host': 'forged.example, shop.example'})
    seen = report(reporting_app(**{'proxy.hops': 2}), headers)
    assert seen['remote_addr'] == '203.0.113.7'
    assert seen['remote_route'] == ['203.0.113.7', '10.0.0.2']
    assert seen['url'].startswith('https://forged.example/')  # the outer proxy's entry


def test_zero_hops_ignores_every_forwarded_header():
    seen = report(reporting_app(**{'proxy.hops': 0}), FORGED_BEHIND_NGINX)
    assert seen['remote_addr'] == '127.0.0.1'
    assert seen['remote_route'] == ['127.0.0.1']
    assert seen['url'] == 'http://127.0.0.1/'
    assert seen['script_name'] == '/'


def test_trusted_networks_believe_headers_only_from_those_proxies():
    app = reporting_app(**{'proxy.trusted': '127.0.0.0/8, ::1'})
    from_proxy = report(app, FORGED_BEHIND_NGINX, remote_addr='127.0.0.1')
    assert from_proxy['remote_addr'] == '203.0.113.7'
    assert from_proxy['url'] == 'https://shop.example/shop/'
    direct = report(app, FORGED_BEHIND_NGINX, remote_addr='198.51.100.9')
    assert direct['remote_addr'] == '198.51.100.9'
    assert direct['url'] == 'http://127.0.0.1/'


def test_trusted_networks_skip_every_trusted_hop_from_the_right():
    headers = {'X-Forwarded-For': '6.6.6.6, 203.0.113.7, 10.1.2.3'}
    app = reporting_app(**{'proxy.trusted': ['10.0.0.0/8', '127.0.0.1']})
    assert report(app, headers)['remote_addr'] == '203.0.113.7'


def test_trusted_as_a_list_from_python_and_a_string_from_an_ini_file(tmp_path):
    ini = tmp_path / 'app.ini'
    ini.write_text('[proxy]\nhops = 1\n')
    app = reporting_app()
    app.config.load_config(str(ini))
    assert app.config['proxy.hops'] == 1
    assert report(app, FORGED_BEHIND_NGINX)['remote_addr'] == '203.0.113.7'


@pytest.mark.parametrize('key, value', [('proxy.hops', -1), ('proxy.hops', 'one'),
                                        ('proxy.trusted', 'not-an-address')])
def test_malformed_proxy_settings_are_refused_when_set(key, value):
    app = bottle.Bottle()
    with pytest.raises(ValueError):
        app.config[key] = value


def test_redirect_follows_trusted_host_and_proto_only():
    trusting = reporting_app(**{'proxy.hops': 1})
    result = call(trusting, '/go', headers=FORGED_BEHIND_NGINX, REMOTE_ADDR='127.0.0.1')
    assert result.header('Location') == 'https://shop.example/target'
    cautious = reporting_app(**{'proxy.trusted': '10.0.0.1'})
    result = call(cautious, '/go', headers=FORGED_BEHIND_NGINX, REMOTE_ADDR='127.0.0.1')
    assert result.header('Location') == 'http://127.0.0.1/target'


def test_get_url_includes_a_trusted_forwarded_prefix():
    app = reporting_app(**{'proxy.hops': 1})
    result = call(app, '/link', headers=FORGED_BEHIND_NGINX, REMOTE_ADDR='127.0.0.1')
    assert result.body == b'/shop/link'


def test_a_forwarded_prefix_that_is_not_a_path_is_ignored():
    app = reporting_app(**{'proxy.hops': 1})
    for prefix in ('shop', '/a b', '/x\x01', 'http://evil/'):
        headers = dict(FORGED_BEHIND_NGINX, **{'X-Forwarded-Prefix': prefix})
        assert report(app, headers)['script_name'] == '/'


def test_a_mounted_app_uses_the_settings_of_the_app_the_server_called():
    child = reporting_app()
    parent = bottle.Bottle()
    parent.config['proxy.hops'] = 1
    parent.mount('/child/', child)
    result = call(parent, '/child/', headers=FORGED_BEHIND_NGINX, REMOTE_ADDR='127.0.0.1')
    seen = json.loads(result.body)
    assert seen['remote_addr'] == '203.0.113.7'
    assert seen['url'] == 'https://shop.example/shop/child/'


def test_unsetting_the_settings_restores_the_0_13_behaviour():
    app = reporting_app(**{'proxy.hops': 1})
    app.config['proxy.hops'] = None
    assert report(app, FORGED_BEHIND_NGINX)['remote_addr'] == '6.6.6.6'


def test_a_request_without_remote_addr_has_no_remote_addr():
    app = reporting_app(**{'proxy.hops': 1})
    environ_extra = {'REMOTE_ADDR': ''}
    seen = json.loads(call(app, '/', **environ_extra).body)
    assert seen['remote_addr'] is None and seen['remote_route'] == []
