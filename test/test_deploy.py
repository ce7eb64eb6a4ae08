"""Deployment, proven: the configurations of docs/deployment.rst run for real on 127.0.0.1.

The configuration blocks marked ``.. tested-config: NAME`` in docs/deployment.rst are
read from the page and used as they stand, with only ports, directories and user names
replaced (each replaced text must still be in the block, so an edit of the docs that
breaks a replacement fails here). The demo application (examples/demo.py), copied with
bottle.py into a temporary /srv/notes, is served below /notes/ by:

- Apache with mod_wsgi in daemon mode (Debian's apache2 and libapache2-mod-wsgi-py3), a
  private instance with its own ServerRoot, not the system service;
- nginx in front of two Gunicorn instances started as the systemd unit says (ExecStart
  with its Environment and WorkingDirectory), plain HTTP and HTTPS (a self-signed
  certificate).

The tests talk to them from other loopback addresses (127.0.0.5 through nginx, 127.0.0.6
straight to Gunicorn), so the client, nginx (127.0.0.1) and a client that bypasses nginx
can be told apart in ``request.remote_addr``. The nginx stack runs three times: with the
docs' ``proxy.trusted``, with ``proxy.hops = 1`` and with no proxy setting at all (to
show what a client can forge then).

These tests run with ``make deploy-test``, which installs the packages and sets
BOTTLE_E2E=1. Elsewhere they skip with the reason. The servers' logs stay in the
temporary directory (its path is printed) when a test fails.
"""
import concurrent.futures
import hashlib
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading

import pytest

from helpers import (HTTPTransport, PortTaken, ServerProcess, Visitor, assert_stays_under,
                     demo_add_note, demo_attach, free_port, start_on_free_port, walk_demo)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOCS = os.path.join(ROOT, 'docs', 'deployment.rst')
APACHE = shutil.which('apache2', path=os.environ.get('PATH', '') + ':/usr/sbin')
APACHE_MODULES = '/usr/lib/apache2/modules'
NGINX = shutil.which('nginx', path=os.environ.get('PATH', '') + ':/usr/sbin')
OPENSSL = shutil.which('openssl')
IS_ROOT = os.geteuid() == 0
RUN_AS = 'www-data'  # the account Debian's apache2 and nginx packages create
CLIENT = '127.0.0.5'  # a visitor, talking to nginx or Apache
BYPASSER = '127.0.0.6'  # a client that talks to Gunicorn directly, past nginx
FORGED = '203.0.113.9'  # an address a client claims in X-Forwarded-For

if not os.environ.get('BOTTLE_E2E'):
    pytest.skip('deployment tests run with `make deploy-test` (they install and start Apache,'
                ' nginx and Gunicorn; or set BOTTLE_E2E=1 with those installed)',
                allow_module_level=True)


# --------------------------------------------------------- the docs' blocks ----

def config_block(name):
    """The code block after ``.. tested-config: NAME`` in docs/deployment.rst, dedented."""
    with open(DOCS, encoding='utf8') as source:
        lines = source.read().split('\n')
    marker = lines.index('.. tested-config: %s' % name)
    start = next(index for index in range(marker, len(lines))
                 if lines[index].startswith('.. code-block::')) + 1
    body = []
    for line in lines[start:]:
        if line.strip() and not line.startswith(' '):
            break
        body.append(line)
    text = '\n'.join(body).strip('\n')
    indent = min(len(line) - len(line.lstrip()) for line in text.split('\n') if line.strip())
    return '\n'.join(line[indent:] for line in text.split('\n')) + '\n'


def replaced(name, text, replacements):
    """``text`` with each ``(old, new)`` replaced; every ``old`` must occur in it."""
    for old, new in replacements:
        assert old in text, 'the %r block of docs/deployment.rst lacks %r' % (name, old)
        text = text.replace(old, new)
    return text


# ------------------------------------------------------------ the machine ----

@pytest.fixture(scope='module')
def workdir(request):
    """A temporary directory readable by the servers' accounts; removed unless a test failed."""
    path = tempfile.mkdtemp(prefix='bottle-deploy-')
    os.chmod(path, 0o755)
    failed_before = request.session.testsfailed
    yield path
    if request.session.testsfailed == failed_before:
        shutil.rmtree(path, ignore_errors=True)
    else:
        print('\nserver logs and configs kept in %s' % path)


def make_dirs(*paths, writable_by_servers=False):
    for path in paths:
        os.makedirs(path, exist_ok=True)
        os.chmod(path, 0o755)
        if writable_by_servers and IS_ROOT:
            shutil.chown(path, RUN_AS, RUN_AS)


@pytest.fixture(scope='module')
def srv_notes(workdir):
    """The application as installed on a server: bottle.py and examples/ in a directory."""
    target = os.path.join(workdir, 'srv-notes')
    os.makedirs(target)
    shutil.copy2(os.path.join(ROOT, 'bottle.py'), target)
    shutil.copytree(os.path.join(ROOT, 'examples'), os.path.join(target, 'examples'),
                    ignore=shutil.ignore_patterns('__pycache__', '*.sqlite*', '*.ini'))
    for directory, _subdirectories, _files in os.walk(target):
        os.chmod(directory, 0o755)
    return target


def settings_file(path, data_dir, ini_block='notes-ini', proxy=None):
    """Write the docs' settings block to ``path`` with the database in ``data_dir``.

    ``proxy`` replaces the body of its ``[proxy]`` section (``''`` drops the section).
    """
    text = replaced(ini_block, config_block(ini_block), [('/var/lib/notes', data_dir)])
    if proxy is not None:
        head, section, _body = text.partition('[proxy]\n')
        assert section, 'the %r block has no [proxy] section' % ini_block
        text = head + (section + proxy + '\n' if proxy else '')
    with open(path, 'w') as settings:
        settings.write(text)
    os.chmod(path, 0o644)
    return path


def parent_pid(pid):
    with open('/proc/%d/stat' % pid) as stat:
        return int(stat.read().rsplit(')', 1)[1].split()[1])


def instance_of(pid, masters):
    """Which of the ``masters`` (process ids) ``pid`` is, or is a child of; None if neither."""
    if pid in masters:
        return masters.index(pid)
    parent = parent_pid(pid)
    return masters.index(parent) if parent in masters else None


def instances_by_pid(masters):
    """``{pid: instance number}`` for the masters and all their child processes, now."""
    found = {}
    for entry in os.listdir('/proc'):
        if entry.isdigit():
            try:
                number = instance_of(int(entry), masters)
            except OSError:  # the process ended meanwhile
                continue
            if number is not None:
                found[int(entry)] = number
    return found


def visitor(source=CLIENT):
    return Visitor(HTTPTransport(source_address=source))


def answers(url):
    return lambda: Visitor(HTTPTransport(timeout=5)).get(url).status < 500


# ---------------------------------------------------------------- Gunicorn ----

def gunicorn_command():
    executable = os.path.join(os.path.dirname(sys.executable), 'gunicorn')
    if not os.path.exists(executable):
        pytest.skip('gunicorn is not installed in %s: pip install gunicorn (`make deploy-test`'
                    ' installs it into .venv/deploy)' % sys.prefix)
    return executable


def start_gunicorn(port, srv_notes, settings, log_path):
    """Run the docs' systemd unit for instance ``port``: its ExecStart with its Environment
    and WorkingDirectory (user, group and restart policy are systemd's business)."""
    unit = config_block('systemd-unit')
    service = unit.split('[Service]\n', 1)[1].split('\n[', 1)[0]
    values = {}
    environment = dict(os.environ)
    for line in service.splitlines():
        key, _, value = line.partition('=')
        if key == 'Environment':
            name, _, setting = value.partition('=')
            environment[name] = setting.replace('/srv/notes/notes.ini', settings)
        elif key:
            values[key] = value
    assert environment['SCRIPT_NAME'] == '/notes'
    assert environment['BOTTLE_DEMO_CONFIG'] == settings
    command = replaced('systemd-unit', values['ExecStart'], [
        ('/srv/notes/venv/bin/gunicorn', gunicorn_command()), ('%i', str(port))])
    workdir = replaced('systemd-unit', values['WorkingDirectory'], [('/srv/notes', srv_notes)])
    server = ServerProcess(shlex.split(command), log_path, cwd=workdir, env=environment)
    server.wait_until_ready(answers('http://127.0.0.1:%d/notes/api/info' % port))
    return server


# ------------------------------------------------------------------ nginx ----

NGINX_MAIN = """\
worker_processes 1;
{user}
pid {root}/nginx.pid;
error_log {root}/logs/nginx.error.log warn;
daemon off;
events {{ worker_connections 512; }}
http {{
    client_body_temp_path {root}/tmp/body;
    proxy_temp_path {root}/tmp/proxy;
    fastcgi_temp_path {root}/tmp/fastcgi;
    uwsgi_temp_path {root}/tmp/uwsgi;
    scgi_temp_path {root}/tmp/scgi;
    include {root}/notes.conf;

    # Test only: the same application through a proxy that speaks HTTP/1.0 to it,
    # nginx's default without "proxy_http_version 1.1".
    server {{
        listen 127.0.0.1:{http10_port};
        location /notes/ {{
            proxy_pass http://notes_app;
            proxy_set_header Host $http_host;
        }}
    }}
}}
"""


def self_signed_certificate(directory):
    if not OPENSSL:
        pytest.skip('openssl is missing (for the test certificate): apt-get install openssl')
    certificate = os.path.join(directory, 'notes.pem')
    key = os.path.join(directory, 'notes.key')
    subprocess.run([OPENSSL, 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2',
                    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
                    '-keyout', key, '-out', certificate],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return certificate, key


class NginxStack:
    """nginx (the docs' site config) in front of two Gunicorn instances (the docs' unit)."""

    def __init__(self, workdir, srv_notes, name, proxy=None):
        if not NGINX:
            pytest.skip('nginx is not installed: apt-get install nginx (`make deploy-test` does it'
                        ' when run as root)')
        self.root = os.path.join(workdir, name)
        make_dirs(self.root, os.path.join(self.root, 'logs'))
        make_dirs(*[os.path.join(self.root, 'tmp', kind) for kind in
                    ('body', 'proxy', 'fastcgi', 'uwsgi', 'scgi')], writable_by_servers=True)
        data = os.path.join(self.root, 'data')
        make_dirs(data, writable_by_servers=True)
        settings = settings_file(os.path.join(self.root, 'notes.ini'), data, proxy=proxy)
        self.gunicorns = []
        self.nginx = None
        try:
            for number in (1, 2):
                log = os.path.join(self.root, 'logs', 'gunicorn-%d.log' % number)
                self.gunicorns.append(start_on_free_port(
                    lambda port, log=log: (port, start_gunicorn(port, srv_notes, settings, log))))
            self.nginx = start_on_free_port(self._start_nginx)
        except BaseException:
            self.stop()
            raise

    def _start_nginx(self, http_port):
        # The other ports are not retried on their own: a lost one fails the start as a
        # lost http_port does, and start_on_free_port tries again with new ones.
        self.http_port, self.https_port, self.http10_port = http_port, free_port(), free_port()
        certificate, key = self_signed_certificate(self.root)
        (port_1, _), (port_2, _) = self.gunicorns
        site = replaced('nginx-site', config_block('nginx-site'), [
            ('listen 80;', 'listen 127.0.0.1:%d;' % self.http_port),
            ('listen 443 ssl;', 'listen 127.0.0.1:%d ssl;' % self.https_port),
            ('/etc/ssl/certs/notes.example.com.pem', certificate),
            ('/etc/ssl/private/notes.example.com.key', key),
            ('/var/log/nginx/notes.access.log', os.path.join(self.root, 'logs', 'access.log')),
            ('127.0.0.1:8001', '127.0.0.1:%d' % port_1),
            ('127.0.0.1:8002', '127.0.0.1:%d' % port_2)])
        with open(os.path.join(self.root, 'notes.conf'), 'w') as config:
            config.write(site)
        main = os.path.join(self.root, 'nginx.conf')
        with open(main, 'w') as config:
            config.write(NGINX_MAIN.format(root=self.root, http10_port=self.http10_port,
                                           user='user %s;' % RUN_AS if IS_ROOT else ''))
        server = ServerProcess([NGINX, '-p', self.root, '-c', main, '-e',
                                os.path.join(self.root, 'logs', 'nginx.startup.log')],
                               os.path.join(self.root, 'logs', 'nginx.out'))
        try:
            server.wait_until_ready(lambda: all(answers(url)() for url in (
                self.url + 'api/info', self.https_url + 'api/info', self.http10_url)))
        except AssertionError as failure:
            with open(os.path.join(self.root, 'logs', 'nginx.startup.log')) as log:
                startup = log.read()
            if 'Address already in use' in startup:
                raise PortTaken(startup) from failure
            raise AssertionError('%s\nnginx startup log:\n%s' % (failure, startup)) from failure
        return server

    @property
    def url(self):
        return 'http://127.0.0.1:%d/notes/' % self.http_port

    @property
    def https_url(self):
        return 'https://127.0.0.1:%d/notes/' % self.https_port

    @property
    def http10_url(self):
        return 'http://127.0.0.1:%d/notes/' % self.http10_port

    def direct_url(self, number=0):
        """The URL of Gunicorn instance ``number`` itself, bypassing nginx."""
        return 'http://127.0.0.1:%d/notes/' % self.gunicorns[number][0]

    @property
    def masters(self):
        return [server.pid for _, server in self.gunicorns]

    def stop(self):
        for server in [self.nginx] + [server for _, server in self.gunicorns]:
            if server is not None:
                server.stop()


@pytest.fixture(scope='module')
def trusted(workdir, srv_notes):
    """The stack as the docs configure it (``proxy.trusted = 127.0.0.1``)."""
    stack = NginxStack(workdir, srv_notes, 'nginx-trusted')
    yield stack
    stack.stop()


@pytest.fixture(scope='module')
def hops(workdir, srv_notes):
    """The same with ``proxy.hops = 1`` instead."""
    stack = NginxStack(workdir, srv_notes, 'nginx-hops', proxy='hops = 1')
    yield stack
    stack.stop()


@pytest.fixture(scope='module')
def untrusting(workdir, srv_notes):
    """The same with no proxy setting: Bottle 0.13's behaviour, believing every header."""
    stack = NginxStack(workdir, srv_notes, 'nginx-no-setting', proxy='')
    yield stack
    stack.stop()


# ----------------------------------------------------------------- Apache ----

APACHE_MAIN = """\
ServerRoot "{root}"
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
PidFile {root}/run/httpd.pid
DefaultRuntimeDir {root}/run
Mutex file:{root}/run default
ErrorLog {root}/logs/error.log
LogLevel warn
LogFormat "%h %l %u %t \\"%r\\" %>s %O \\"%{{Referer}}i\\" \\"%{{User-Agent}}i\\"" combined
LoadModule mpm_event_module {modules}/mod_mpm_event.so
LoadModule authz_core_module {modules}/mod_authz_core.so
LoadModule wsgi_module {modules}/mod_wsgi.so
{user}
StartServers 1
ServerLimit 2
ThreadsPerChild 10
MaxRequestWorkers 20
MinSpareThreads 5
MaxSpareThreads 20
WSGISocketPrefix {root}/run/wsgi
Include {root}/notes.conf
"""


@pytest.fixture(scope='module')
def apache(workdir, srv_notes):
    """Apache with the docs' virtual host: the demo in two mod_wsgi daemon processes at /notes.

    Yields ``(url of /notes/, server)``.
    """
    if not APACHE or not os.path.exists(os.path.join(APACHE_MODULES, 'mod_wsgi.so')):
        pytest.skip('Apache or mod_wsgi is not installed: apt-get install apache2'
                    ' libapache2-mod-wsgi-py3 (`make deploy-test` does it when run as root)')
    root = os.path.join(workdir, 'apache')
    make_dirs(root, os.path.join(root, 'logs'), os.path.join(root, 'run'))
    data = os.path.join(root, 'data')
    make_dirs(data, writable_by_servers=True)
    # demo.wsgi reads the settings from notes.ini next to bottle.py, as in /srv/notes.
    settings_file(os.path.join(srv_notes, 'notes.ini'), data, ini_block='notes-ini-apache')
    vhost = config_block('apache-vhost')
    account = 'user=%s group=%s ' % (RUN_AS, RUN_AS) if IS_ROOT else ''

    def start(port):
        with open(os.path.join(root, 'notes.conf'), 'w') as config:
            config.write(replaced('apache-vhost', vhost, [
                ('<VirtualHost *:80>', '<VirtualHost 127.0.0.1:%d>' % port),
                ('user=notes group=notes ', account), ('/srv/notes', srv_notes)]))
        main = os.path.join(root, 'httpd.conf')
        with open(main, 'w') as config:
            config.write(APACHE_MAIN.format(
                root=root, port=port, modules=APACHE_MODULES,
                user='User %s\nGroup %s' % (RUN_AS, RUN_AS) if IS_ROOT else ''))
        # A clean environment: mod_wsgi embeds Debian's python3, which must not see the
        # PYTHONPATH or PYTHONHOME of the interpreter running the tests.
        environment = {'PATH': '/usr/sbin:/usr/bin:/sbin:/bin', 'LANG': 'C.UTF-8',
                       'APACHE_LOG_DIR': os.path.join(root, 'logs')}
        server = ServerProcess([APACHE, '-f', main, '-DFOREGROUND'],
                               os.path.join(root, 'logs', 'apache.out'), env=environment)
        url = 'http://127.0.0.1:%d/notes/' % port
        try:
            server.wait_until_ready(answers(url + 'api/info'))
        except AssertionError as failure:
            with open(os.path.join(root, 'logs', 'error.log')) as log:
                errors = log.read()
            if 'Address already in use' in errors:
                raise PortTaken(errors) from failure
            raise AssertionError('%s\nApache error log:\n%s' % (failure, errors[-5000:])) \
                from failure
        return url, server

    url, server = start_on_free_port(start)
    yield url, server
    server.stop()


# ------------------------------------------------------------ Apache tests ----

def test_apache_runs_the_demo_in_a_mod_wsgi_daemon_process_at_the_sub_path(apache):
    url, server = apache
    info = visitor().get(url + 'api/info?x=1').json()
    assert info['script_name'] == '/notes/'
    assert info['path'] == '/api/info'
    assert info['url'] == url + 'api/info?x=1'
    assert info['remote_addr'] == CLIENT
    with open('/proc/%d/cmdline' % info['pid'], 'rb') as cmdline:
        assert cmdline.read().startswith(b'(wsgi:notes)')  # display-name=%{GROUP}
    assert info['pid'] != server.pid


def test_apache_every_link_form_and_redirect_stays_under_the_sub_path(apache):
    url, _ = apache
    checked = assert_stays_under(walk_demo(visitor(), url), url)
    assert {url + 'static/style.css', url + 'favicon.ico', url + 'about',
            url + 'api/notes'} <= checked


def test_apache_redirect_after_post_is_303_below_the_sub_path(apache):
    url, _ = apache
    reply = demo_add_note(visitor(), url, title='Through Apache')
    assert reply.status == 303
    assert re.fullmatch(re.escape(url) + r'notes/\d+', reply.location)


def test_apache_serves_stylesheet_and_favicon_through_static_file(apache):
    url, _ = apache
    css = visitor().get(url + 'static/style.css')
    assert (css.status, css.headers['Content-Type']) == (200, 'text/css; charset=UTF-8')
    icon = visitor().get(url + 'favicon.ico')
    assert icon.status == 200
    assert icon.body[:4] == b'\x00\x00\x01\x00'


def test_apache_without_a_proxy_believes_no_forwarded_header(apache):
    # notes-ini-apache: proxy.hops = 0, so nothing a client claims is believed.
    url, _ = apache
    forged = {'X-Forwarded-For': FORGED, 'X-Forwarded-Host': 'evil.example',
              'X-Forwarded-Proto': 'https', 'X-Forwarded-Prefix': '/evil'}
    info = visitor().get(url + 'api/info', headers=forged).json()
    assert info['remote_addr'] == CLIENT
    assert info['url'] == url + 'api/info'
    home = visitor().get(url, headers=forged)
    assert 'href="/notes/about"' in home.text


# ------------------------------------------------------------- nginx tests ----

def test_nginx_passes_requests_to_both_gunicorn_instances(trusted):
    seen = {instance_of(visitor().get(trusted.url + 'api/info').json()['pid'], trusted.masters)
            for _ in range(8)}
    assert seen == {0, 1}


def test_nginx_every_link_form_and_redirect_stays_under_the_sub_path(trusted):
    checked = assert_stays_under(walk_demo(visitor(), trusted.url), trusted.url)
    assert {trusted.url + 'static/style.css', trusted.url + 'favicon.ico'} <= checked


def test_a_form_from_one_instance_posts_to_the_other(trusted):
    # State lives in the database and the visitor's cookie, not in a process.
    browser = visitor()
    form = browser.get(trusted.direct_url(0)).form('/notes')
    form.action = trusted.direct_url(1) + 'notes'
    reply = browser.submit(form, {'title': 'Written across instances'})
    assert reply.status == 303
    assert 'Written across instances' in browser.get(trusted.url).text


def test_a_5_mb_upload_through_nginx_arrives_intact(trusted):
    browser = visitor()
    note_url = demo_add_note(browser, trusted.url, title='Big file').location
    content = os.urandom(5 * 2 ** 20)
    reply = demo_attach(browser, note_url, 'five.bin', content)
    assert reply.status == 303
    note_id = note_url.rsplit('/', 1)[1]
    attachment, = browser.get(trusted.url + 'api/notes/' + note_id).json()['attachments']
    assert attachment['size'] == len(content)
    assert attachment['sha256'] == hashlib.sha256(content).hexdigest()
    download = browser.get(trusted.url + 'attachments/%d/five.bin' % attachment['id'])
    assert download.status == 200
    assert download.body == content


def test_request_url_and_redirect_through_nginx(trusted):
    info = visitor().get(trusted.url + 'api/info?x=1').json()
    assert info['url'] == trusted.url + 'api/info?x=1'
    assert info['script_name'] == '/notes/'
    reply = demo_add_note(visitor(), trusted.url, title='Redirected')
    assert reply.status == 303  # proxy_http_version 1.1
    assert re.fullmatch(re.escape(trusted.url) + r'notes/\d+', reply.headers['Location'])


def test_https_terminated_by_nginx_gives_https_urls_and_redirects(trusted):
    info = visitor().get(trusted.https_url + 'api/info').json()
    assert info['url'] == trusted.https_url + 'api/info'
    reply = demo_add_note(visitor(), trusted.https_url, title='Over HTTPS')
    assert reply.status == 303
    assert re.fullmatch(re.escape(trusted.https_url) + r'notes/\d+', reply.headers['Location'])


def test_behind_an_http_1_0_proxy_redirect_answers_302(trusted):
    reply = demo_add_note(visitor(), trusted.http10_url, title='Old proxy')
    assert reply.status == 302
    assert re.fullmatch(re.escape(trusted.http10_url) + r'notes/\d+', reply.headers['Location'])


def test_with_proxy_trusted_remote_addr_is_the_client_even_if_it_forges_x_forwarded_for(trusted):
    info = visitor().get(trusted.url + 'api/info', headers={'X-Forwarded-For': FORGED}).json()
    assert info['remote_addr'] == CLIENT


def test_with_proxy_trusted_a_client_bypassing_nginx_cannot_forge_host_or_address(trusted):
    forged = {'X-Forwarded-Host': 'evil.example', 'X-Forwarded-For': FORGED,
              'X-Forwarded-Proto': 'https'}
    direct = trusted.direct_url(0)
    info = visitor(BYPASSER).get(direct + 'api/info', headers=forged).json()
    assert info['remote_addr'] == BYPASSER
    assert info['url'] == direct + 'api/info'
    browser = visitor(BYPASSER)
    form = browser.get(direct).form('/notes')
    reply = browser.submit(form, {'title': 'Bypassing'}, headers=forged)
    assert reply.headers['Location'].startswith(direct + 'notes/')


def test_nginx_drops_a_forged_x_forwarded_prefix(trusted):
    home = visitor().get(trusted.url, headers={'X-Forwarded-Prefix': '/evil'})
    assert home.status == 200
    assert 'href="/notes/about"' in home.text
    assert '/evil' not in home.text


def test_with_proxy_hops_remote_addr_and_url_are_right(hops):
    info = visitor().get(hops.url + 'api/info?y=2', headers={'X-Forwarded-For': FORGED}).json()
    assert info['remote_addr'] == CLIENT
    assert info['url'] == hops.url + 'api/info?y=2'
    reply = demo_add_note(visitor(), hops.https_url, title='hops')
    assert reply.headers['Location'].startswith(hops.https_url + 'notes/')


def test_without_a_proxy_setting_a_client_forges_remote_addr_through_nginx(untrusting):
    # The risk the setting removes: nginx appends the real address, bottle.py takes the
    # leftmost entry, which the client wrote.
    info = visitor().get(untrusting.url + 'api/info', headers={'X-Forwarded-For': FORGED}).json()
    assert info['remote_addr'] == FORGED


def test_without_a_proxy_setting_a_client_bypassing_nginx_redirects_to_a_forged_host(untrusting):
    direct = untrusting.direct_url(0)
    browser = visitor(BYPASSER)
    form = browser.get(direct).form('/notes')
    reply = browser.submit(form, {'title': 'Phished'}, headers={'X-Forwarded-Host': 'evil.example'})
    assert reply.status == 303
    assert reply.headers['Location'].startswith('http://evil.example/notes/notes/')


def test_stopping_one_instance_mid_run_loses_no_get_request(trusted):
    # Runs last against this stack: it kills Gunicorn instance 2 (its whole process group,
    # as a crash would) while four clients send GET requests through nginx. The requests
    # after the first CLIENTS past the kill point wait until the instance is gone, the
    # others are answered before or (the CLIENTS in flight) around the kill.
    total, kill_after, clients = 240, 60, 4
    killed, gate = threading.Event(), threading.Event()

    def fetch(number):
        if number >= kill_after + clients:
            gate.wait()
        after_kill = killed.is_set()
        reply = visitor().get(trusted.url + 'api/info')
        return reply.status, after_kill, reply.json()['pid'] if reply.status == 200 else None

    instances = instances_by_pid(trusted.masters)
    with concurrent.futures.ThreadPoolExecutor(clients) as pool:
        futures = [pool.submit(fetch, number) for number in range(total)]
        try:
            concurrent.futures.wait(futures[:kill_after], timeout=120)
            trusted.gunicorns[1][1].kill()
            killed.set()
        finally:
            gate.set()
        results = [future.result() for future in futures]
    assert [status for status, _, _ in results] == [200] * total
    before = [instances[pid] for _, after_kill, pid in results if not after_kill]
    after = [instances[pid] for _, after_kill, pid in results if after_kill]
    assert set(before) == {0, 1}
    assert len(after) >= total - kill_after - clients
    assert set(after) == {0}
