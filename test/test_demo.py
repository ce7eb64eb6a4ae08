"""The demo app of README.rst (examples/demo.py): the documented command serves it, and
every page, form, upload, API call and error page works, at / and at a sub-path.

The first tests run README's command exactly as a new user would (only the port
and the database file differ) in a subprocess and talk to it over HTTP. The others
call the app in-process through WSGI, clicking through it with the Visitor of
helpers.py (cookies kept, forms submitted with their hidden fields).
"""
import hashlib
import importlib.util
import json
import os
import re
import sqlite3
import sys

import bottle
import pytest

from helpers import (HTTPTransport, ServerProcess, Visitor, WSGITransport, assert_stays_under,
                     call, crawl, demo_add_note as add_note, demo_attach as attach,
                     start_on_free_port, walk_demo)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SITE = 'http://notes.example'
SUB_PATH = '/tools/notes'
JSON_TYPE = {'Content-Type': 'application/json'}


# ----------------------------------------------------------------- fixtures ----

@pytest.fixture(scope='module')
def demo():
    """The examples/demo.py module, loaded from its file."""
    path = os.path.join(ROOT, 'examples', 'demo.py')
    spec = importlib.util.spec_from_file_location('demo_under_test', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def app(demo, tmp_path):
    """The demo app with an empty database in a temporary directory."""
    config = demo.app.config
    saved = {key: config[key] for key in ('sqlite.dbfile', 'demo.max_upload')}
    config['sqlite.dbfile'] = str(tmp_path / 'notes.sqlite')
    yield demo.app
    config.update(saved)


def visitor_at(app, script_name=''):
    """A visitor of ``app`` mounted at ``script_name``, and the URL of its home page."""
    return Visitor(WSGITransport(app, script_name)), SITE + script_name + '/'


@pytest.fixture
def visitor(app):
    return visitor_at(app)


# ---------------------------------------------------- README's command ----

@pytest.fixture(scope='module')
def demo_server(tmp_path_factory):
    """Start ``python -m bottle --bind 127.0.0.1:PORT examples.demo:app`` from the repo root,
    with BOTTLE_DEMO_DB pointing into a temporary directory. Yields the base URL."""
    if os.environ.get('BOTTLE_TEST_MODULE_DIR'):
        pytest.skip('the README command runs the bottle.py of the repository root only')
    directory = tmp_path_factory.mktemp('readme-demo')
    environment = dict(os.environ, BOTTLE_DEMO_DB=str(directory / 'notes.sqlite'))
    environment.pop('BOTTLE_DEMO_CONFIG', None)

    def start(port):
        command = [sys.executable, '-m', 'bottle', '--bind', '127.0.0.1:%d' % port,
                   'examples.demo:app']
        server = ServerProcess(command, directory / 'server.log', cwd=ROOT, env=environment)
        base_url = 'http://127.0.0.1:%d/' % port
        server.wait_until_ready(lambda: Visitor(HTTPTransport(timeout=2)).get(base_url).status)
        return server, base_url

    server, base_url = start_on_free_port(start)
    try:
        yield base_url
    finally:
        server.stop()


def test_readme_demo_command_serves_the_home_page(demo_server):
    reply = Visitor(HTTPTransport()).get(demo_server)
    assert reply.status == 200
    assert reply.headers['Content-Type'] == 'text/html; charset=UTF-8'
    assert '<title>All notes · Notes</title>' in reply.text
    assert '<link rel="stylesheet" href="/static/style.css">' in reply.text


def test_readme_demo_command_adds_a_note_with_redirect_after_post(demo_server):
    visitor = Visitor(HTTPTransport())
    reply = add_note(visitor, demo_server, title='Over real HTTP')
    assert reply.status == 303  # the wsgiref server speaks HTTP/1.1
    assert reply.location.startswith(demo_server + 'notes/')
    page = visitor.get(reply.location)
    assert page.status == 200
    assert '<h1>Over real HTTP</h1>' in page.text


def test_readme_demo_command_answers_404_with_the_error_page(demo_server):
    reply = Visitor(HTTPTransport()).get(demo_server + 'no/such/page')
    assert reply.status == 404
    assert '<h1>404 Not Found</h1>' in reply.text


# ------------------------------------------------------------- HTML pages ----

def test_home_page_without_notes_invites_the_first_one(visitor):
    visitor, home = visitor
    reply = visitor.get(home)
    assert reply.status == 200
    assert reply.headers['Content-Type'] == 'text/html; charset=UTF-8'
    assert 'No notes yet.' in reply.text
    form = reply.form('/notes')
    assert form.method == 'POST'
    assert form.action == SITE + '/notes'
    assert [name for name, _ in form.fields] == ['csrf_token', 'title', 'body']


def test_every_page_uses_the_layout_with_stylesheet_favicon_and_navigation(visitor):
    visitor, home = visitor
    for url in (home, home + 'about', home + 'no-such-page'):
        urls, _ = visitor.get(url).page()
        assert ('link', 'href', SITE + '/static/style.css') in urls
        assert ('link', 'href', SITE + '/favicon.ico') in urls
        assert ('a', 'href', SITE + '/about') in urls
        assert ('a', 'href', SITE + '/api/notes') in urls


def test_adding_a_note_redirects_to_its_page_with_303(visitor):
    visitor, home = visitor
    reply = add_note(visitor, home, title='Shopping', body='Bread\nTea')
    assert reply.status == 303
    assert reply.location == SITE + '/notes/1'
    assert reply.body == b''
    page = visitor.get(reply.location)
    assert page.status == 200
    assert '<title>Shopping · Notes</title>' in page.text
    assert '<div class="body">Bread\nTea</div>' in page.text


def test_redirect_after_post_is_302_for_http_1_0_clients(app):
    visitor, home = visitor_at(app)
    token_page = visitor.get(home)
    token = token_page.form('/notes').values()['csrf_token']
    result = call(app, '/notes', method='POST', body='csrf_token=%s&title=Old+client' % token,
                  headers={'Content-Type': 'application/x-www-form-urlencoded',
                           'Cookie': 'notes_csrf=' + token},
                  SERVER_PROTOCOL='HTTP/1.0')
    assert result.code == 302
    assert result.header('Location') == 'http://127.0.0.1/notes/1'


def test_home_page_lists_notes_newest_first_with_links(visitor):
    visitor, home = visitor
    add_note(visitor, home, title='First')
    add_note(visitor, home, title='Second')
    reply = visitor.get(home)
    assert reply.text.index('>Second</a>') < reply.text.index('>First</a>')
    urls, _ = reply.page()
    assert ('a', 'href', SITE + '/notes/1') in urls
    assert ('a', 'href', SITE + '/notes/2') in urls


def test_note_title_and_text_are_html_escaped(visitor):
    visitor, home = visitor
    reply = add_note(visitor, home, title='<script>alert(1)</script>', body='a & <b>b</b>')
    page = visitor.get(reply.location).text
    assert '<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>' in page
    assert 'a &amp; &lt;b&gt;b&lt;/b&gt;' in page
    assert '<script>' not in page


def test_note_text_keeps_non_ascii_characters(visitor):
    visitor, home = visitor
    reply = add_note(visitor, home, title='Grüße', body='Ελληνικά – 日本語')
    page = visitor.get(reply.location).text
    assert '<h1>Grüße</h1>' in page
    assert 'Ελληνικά – 日本語' in page


def test_a_note_without_title_is_400_with_the_form_and_input_kept(visitor):
    visitor, home = visitor
    reply = add_note(visitor, home, title='   ', body='kept text')
    assert reply.status == 400
    assert 'Give the note a title.' in reply.text
    assert reply.form('/notes').values()['body'] == 'kept text'
    assert 'No notes yet.' in visitor.get(home).text


def test_a_title_over_200_characters_is_refused(visitor):
    visitor, home = visitor
    reply = add_note(visitor, home, title='x' * 201)
    assert reply.status == 400
    assert 'The title is longer than 200 characters.' in reply.text


def test_form_post_without_the_csrf_token_is_403(app):
    result = call(app, '/notes', method='POST', body='title=Forged',
                  headers={'Content-Type': 'application/x-www-form-urlencoded'})
    assert result.code == 403
    assert 'This form has expired or came from another site.' in result.text


def test_form_post_with_a_token_that_does_not_match_the_cookie_is_403(visitor):
    visitor, home = visitor
    form = visitor.get(home).form('/notes')
    reply = visitor.submit(form, {'csrf_token': 'A' * 32, 'title': 'Forged'})
    assert reply.status == 403
    assert 'No notes yet.' in visitor.get(home).text


def test_csrf_cookie_is_set_once_httponly_samesite_at_the_mount_point(app):
    visitor, home = visitor_at(app, SUB_PATH)
    first = visitor.get(home)
    cookie = first.headers['Set-Cookie']
    assert cookie.startswith('notes_csrf=')
    assert 'HttpOnly' in cookie
    assert 'SameSite=lax' in cookie
    assert 'Path=%s/' % SUB_PATH in cookie
    assert visitor.get(home).headers['Set-Cookie'] is None


def test_search_finds_notes_by_title_or_text(visitor):
    visitor, home = visitor
    add_note(visitor, home, title='Shopping', body='Bread and tea')
    add_note(visitor, home, title='Holidays', body='Crete')
    reply = visitor.submit(visitor.get(home).form('/'), {'q': 'tea'})
    assert reply.status == 200
    assert '>Shopping</a>' in reply.text
    assert '>Holidays</a>' not in reply.text
    assert '1 note matches “tea”.' in reply.text


def test_search_takes_percent_and_underscore_literally(visitor):
    visitor, home = visitor
    add_note(visitor, home, title='Discount', body='50% off')
    add_note(visitor, home, title='Other', body='500 boxes')
    reply = visitor.get(home + '?q=0%25')
    assert '>Discount</a>' in reply.text
    assert '>Other</a>' not in reply.text


def test_editing_a_note_changes_it_and_redirects_to_it(visitor):
    visitor, home = visitor
    note_url = add_note(visitor, home, title='Draft', body='old').location
    edit_page = visitor.get(note_url + '/edit')
    assert edit_page.status == 200
    form = edit_page.form('/notes/1/edit')
    assert form.values()['title'] == 'Draft'
    assert form.values()['body'] == 'old'
    reply = visitor.submit(form, {'title': 'Final', 'body': 'new'})
    assert reply.status == 303
    assert reply.location == note_url
    page = visitor.get(note_url).text
    assert '<h1>Final</h1>' in page
    assert '<div class="body">new</div>' in page


def test_editing_with_an_empty_title_is_400_and_changes_nothing(visitor):
    visitor, home = visitor
    note_url = add_note(visitor, home, title='Keep me').location
    reply = visitor.submit(visitor.get(note_url + '/edit').form('/edit'), {'title': ''})
    assert reply.status == 400
    assert 'Give the note a title.' in reply.text
    assert '<h1>Keep me</h1>' in visitor.get(note_url).text


def test_deleting_a_note_redirects_home_and_its_page_is_gone(visitor):
    visitor, home = visitor
    note_url = add_note(visitor, home, title='Short-lived').location
    reply = visitor.submit(visitor.get(note_url).form('/notes/1/delete'))
    assert reply.status == 303
    assert reply.location == home
    assert visitor.get(note_url).status == 404
    assert 'No notes yet.' in visitor.get(home).text


def test_a_missing_note_is_a_404_page_in_the_layout(visitor):
    visitor, home = visitor
    reply = visitor.get(home + 'notes/99')
    assert reply.status == 404
    assert '<title>404 Not Found · Notes</title>' in reply.text
    assert 'There is no note number 99.' in reply.text
    assert visitor.get(home + 'notes/99/edit').status == 404


def test_a_wrong_method_is_a_405_page(visitor):
    visitor, home = visitor
    reply = visitor.request('PUT', home + 'about')
    assert reply.status == 405
    assert '<h1>405 Method Not Allowed</h1>' in reply.text


def test_a_broken_database_gives_a_500_page_without_details(app, tmp_path):
    app.config['sqlite.dbfile'] = str(tmp_path / 'no' / 'such' / 'dir' / 'notes.sqlite')
    result = call(app, '/')
    assert result.code == 500
    assert '<h1>500 Internal Server Error</h1>' in result.text
    assert 'Something went wrong on our side.' in result.text
    assert 'unable to open' not in result.text
    assert 'Traceback' not in result.text


def test_pages_without_a_db_argument_work_without_a_database(app, tmp_path):
    app.config['sqlite.dbfile'] = str(tmp_path / 'no' / 'such' / 'dir' / 'notes.sqlite')
    assert call(app, '/about').code == 200
    assert call(app, '/static/style.css').code == 200


def test_about_page_lists_the_routes(visitor):
    visitor, home = visitor
    reply = visitor.get(home + 'about')
    assert reply.status == 200
    row = '<tr><td>POST</td><td><code>/notes/&lt;note_id:int&gt;/attachments</code></td>'
    assert row in reply.text


# -------------------------------------------------------------- uploads ----

def test_attaching_a_file_redirects_and_lists_it(visitor):
    visitor, home = visitor
    note_url = add_note(visitor, home).location
    reply = attach(visitor, note_url, 'list.txt', b'bread\ntea\n', 'text/plain')
    assert reply.status == 303
    assert reply.location == note_url
    page = visitor.get(note_url)
    assert '>list.txt</a>' in page.text
    assert 'text/plain, 10 bytes' in page.text
    assert ('a', 'href', SITE + '/attachments/1/list.txt') in page.page()[0]
    assert '1 attachment' in visitor.get(home).text


def test_an_attachment_downloads_byte_for_byte(visitor):
    visitor, home = visitor
    note_url = add_note(visitor, home).location
    content = bytes(range(256)) * 4096  # 1 MiB, every byte value
    attach(visitor, note_url, 'data.bin', content)
    reply = visitor.get(SITE + '/attachments/1/data.bin')
    assert reply.status == 200
    assert reply.body == content
    assert reply.headers['Content-Type'] == 'application/octet-stream'
    assert reply.headers['Content-Disposition'] == 'attachment; filename="data.bin"'
    assert reply.headers['X-Content-Type-Options'] == 'nosniff'


def test_an_uploaded_html_file_is_downloaded_not_shown(visitor):
    visitor, home = visitor
    note_url = add_note(visitor, home).location
    attach(visitor, note_url, 'page.html', b'<script>alert(1)</script>', 'text/html')
    reply = visitor.get(SITE + '/attachments/1/page.html')
    assert reply.headers['Content-Disposition'] == 'attachment; filename="page.html"'


def test_an_uploaded_file_name_is_made_safe(visitor):
    visitor, home = visitor
    note_url = add_note(visitor, home).location
    attach(visitor, note_url, '../../etc/My Résumé.pdf', b'%PDF', 'application/pdf')
    page = visitor.get(note_url).text
    assert '>My-Resume.pdf</a>' in page
    assert visitor.get(SITE + '/attachments/1/My-Resume.pdf').body == b'%PDF'


def test_a_bad_content_type_of_an_upload_becomes_octet_stream(visitor):
    visitor, home = visitor
    note_url = add_note(visitor, home).location
    attach(visitor, note_url, 'x.txt', b'x', 'text/plain, text/html')
    reply = visitor.get(SITE + '/attachments/1/x.txt')
    assert reply.headers['Content-Type'] == 'application/octet-stream'


def test_attaching_without_a_file_is_400_on_the_note_page(visitor):
    visitor, home = visitor
    note_url = add_note(visitor, home).location
    reply = visitor.submit(visitor.get(note_url).form('/attachments'))
    assert reply.status == 400
    assert 'Choose a file to attach.' in reply.text
    assert 'No files attached.' in reply.text


def test_an_upload_over_the_configured_limit_is_413(app, visitor):
    visitor, home = visitor
    note_url = add_note(visitor, home).location
    app.config['demo.max_upload'] = '1000'  # as a string, the way an ini file gives it
    reply = attach(visitor, note_url, 'big.bin', b'x' * 2000)
    assert reply.status == 413
    assert re.search(r'<h1>413 (Request Entity|Payload) Too Large</h1>', reply.text)
    assert 'No files attached.' in visitor.get(note_url).text


def test_removing_an_attachment_keeps_the_note(visitor):
    visitor, home = visitor
    note_url = add_note(visitor, home).location
    attach(visitor, note_url, 'a.txt', b'a', 'text/plain')
    reply = visitor.submit(visitor.get(note_url).form('/attachments/1/delete'))
    assert reply.status == 303
    assert reply.location == note_url
    assert 'No files attached.' in visitor.get(note_url).text
    assert visitor.get(SITE + '/attachments/1/a.txt').status == 404


def test_an_attachment_under_another_file_name_is_404(visitor):
    visitor, home = visitor
    note_url = add_note(visitor, home).location
    attach(visitor, note_url, 'a.txt', b'a', 'text/plain')
    assert visitor.get(SITE + '/attachments/1/b.txt').status == 404


def test_deleting_a_note_deletes_its_attachments(visitor):
    visitor, home = visitor
    note_url = add_note(visitor, home).location
    attach(visitor, note_url, 'a.txt', b'a', 'text/plain')
    visitor.submit(visitor.get(note_url).form('/notes/1/delete'))
    assert visitor.get(SITE + '/attachments/1/a.txt').status == 404


# ---------------------------------------------------------- static files ----

def test_stylesheet_is_served_as_css_with_caching_headers(visitor):
    visitor, home = visitor
    reply = visitor.get(home + 'static/style.css')
    assert reply.status == 200
    assert reply.headers['Content-Type'] == 'text/css; charset=UTF-8'
    assert reply.headers['Last-Modified']
    with open(os.path.join(ROOT, 'examples', 'static', 'style.css'), 'rb') as source:
        assert reply.body == source.read()


def test_favicon_is_an_icon(visitor):
    visitor, home = visitor
    reply = visitor.get(home + 'favicon.ico')
    assert reply.status == 200
    assert reply.headers['Content-Type'] in ('image/vnd.microsoft.icon', 'image/x-icon')
    assert reply.body[:4] == b'\x00\x00\x01\x00'


def test_static_files_outside_the_static_directory_are_not_served(visitor):
    visitor, home = visitor
    assert visitor.get(home + 'static/../demo.py').status in (403, 404)
    assert visitor.get(home + 'static/%2e%2e/demo.py').status in (403, 404)


# ------------------------------------------------------------ the JSON API ----

def test_api_creates_a_note_with_201_and_location(app):
    result = call(app, '/api/notes', method='POST', headers=JSON_TYPE,
                  body=json.dumps({'title': 'From the API', 'body': 'Hi'}))
    assert result.code == 201
    assert result.header('Location') == '/api/notes/1'
    assert result.header('Content-Type') == 'application/json'
    note = json.loads(result.text)
    assert note['id'] == 1
    assert note['title'] == 'From the API'
    assert note['body'] == 'Hi'
    assert note['url'] == '/notes/1'
    assert note['attachments'] == []


def test_api_lists_notes_with_their_urls(app):
    call(app, '/api/notes', method='POST', headers=JSON_TYPE, body='{"title": "One"}')
    result = call(app, '/api/notes')
    assert result.code == 200
    notes = json.loads(result.text)['notes']
    assert [(note['title'], note['url'], note['api_url']) for note in notes] == [
        ('One', '/notes/1', '/api/notes/1')]


def test_api_note_lists_attachments_with_size_and_sha256(visitor, app):
    visitor, home = visitor
    note_url = add_note(visitor, home).location
    attach(visitor, note_url, 'a.txt', b'abc', 'text/plain')
    note = visitor.get(SITE + '/api/notes/1').json()
    assert note['attachments'] == [{
        'id': 1, 'filename': 'a.txt', 'content_type': 'text/plain', 'size': 3,
        'sha256': hashlib.sha256(b'abc').hexdigest(), 'url': '/attachments/1/a.txt'}]


def test_api_updates_only_the_fields_given(app):
    call(app, '/api/notes', method='POST', headers=JSON_TYPE, body='{"title": "T", "body": "B"}')
    result = call(app, '/api/notes/1', method='PUT', headers=JSON_TYPE, body='{"body": "new"}')
    assert result.code == 200
    assert (json.loads(result.text)['title'], json.loads(result.text)['body']) == ('T', 'new')


def test_api_deletes_with_204(app):
    call(app, '/api/notes', method='POST', headers=JSON_TYPE, body='{"title": "T"}')
    result = call(app, '/api/notes/1', method='DELETE')
    assert result.code == 204
    assert result.body == b''
    assert call(app, '/api/notes/1').code == 404


@pytest.mark.parametrize('body, headers, status', [
    ('title=form', {'Content-Type': 'application/x-www-form-urlencoded'}, 415),
    ('{"title": "x"', JSON_TYPE, 400),
    ('["a list"]', JSON_TYPE, 400),
    ('{"body": "no title"}', JSON_TYPE, 400),
    ('{"title": 5}', JSON_TYPE, 400),
])
def test_api_refuses_bad_input_with_a_json_error(app, body, headers, status):
    result = call(app, '/api/notes', method='POST', headers=headers, body=body)
    assert result.code == status
    assert result.header('Content-Type') == 'application/json'
    error = json.loads(result.text)
    assert error['error'].startswith(str(status))
    assert error['message']


def test_api_errors_are_json_for_404_and_405(app):
    missing = call(app, '/api/notes/5')
    assert missing.code == 404
    assert json.loads(missing.text) == {
        'error': '404 Not Found', 'message': 'There is no note number 5. It may have been deleted.'}
    wrong_method = call(app, '/api/notes', method='PATCH')
    assert wrong_method.code == 405
    assert json.loads(wrong_method.text)['error'] == '405 Method Not Allowed'


def test_api_needs_no_csrf_token(app):
    result = call(app, '/api/notes', method='POST', headers=JSON_TYPE, body='{"title": "T"}')
    assert result.code == 201


def test_api_info_reports_what_the_app_sees_of_the_request(app):
    result = call(app, '/api/info', SCRIPT_NAME=SUB_PATH, REMOTE_ADDR='192.0.2.7',
                  HTTP_HOST='notes.example:8443', QUERY_STRING='a=1')
    info = json.loads(result.text)
    assert info['url'] == 'http://notes.example:8443%s/api/info?a=1' % SUB_PATH
    assert info['script_name'] == SUB_PATH + '/'
    assert info['path'] == '/api/info'
    assert info['remote_addr'] == '192.0.2.7'
    assert info['pid'] == os.getpid()


# --------------------------------------------------------------- sub-path ----

@pytest.mark.parametrize('script_name', ['', SUB_PATH])
def test_every_link_form_and_redirect_stays_under_the_mount_point(app, script_name):
    visitor, home = visitor_at(app, script_name)
    checked = assert_stays_under(walk_demo(visitor, home), home)
    assert len(checked) >= 12  # nav links, stylesheet, favicon, notes, edit, forms, downloads


def test_crawling_the_demo_at_a_sub_path_finds_no_broken_link(app):
    visitor, home = visitor_at(app, SUB_PATH)
    first = add_note(visitor, home, title='A note')
    attach(visitor, first.location, 'a.txt', b'attached', 'text/plain')
    pages = crawl(visitor, home)
    assert {url: reply.status for url, reply in pages.items() if reply.status != 200} == {}
    assert {home, home + 'about', home + 'api/notes', home + 'api/info', home + 'notes/1',
            home + 'notes/1/edit', home + 'static/style.css', home + 'favicon.ico',
            home + 'attachments/1/a.txt', home + 'api/notes/1'} <= set(pages)


# ---------------------------------------------------------- the plugin ----

@pytest.fixture
def plugin_app(demo, tmp_path):
    """A fresh Bottle app with the demo's SQLitePlugin and a table ``t(x)``."""
    app = bottle.Bottle()
    app.config['sqlite.dbfile'] = str(tmp_path / 'plugin.sqlite')
    app.install(demo.SQLitePlugin(schema='CREATE TABLE IF NOT EXISTS t (x INTEGER);'))
    return app


def rows(app):
    db = sqlite3.connect(app.config['sqlite.dbfile'])
    try:
        return [x for (x,) in db.execute('SELECT x FROM t ORDER BY x')]
    finally:
        db.close()


CONNECTIONS_SEEN = []  # module-level: Bottle 0.13 loops forever on callbacks closing over data


def test_plugin_passes_a_connection_only_to_callbacks_that_ask_for_it(plugin_app):
    @plugin_app.route('/with')
    def with_db(db):
        CONNECTIONS_SEEN.append(db)
        return str(db.execute('SELECT 6 * 7').fetchone()[0])

    @plugin_app.route('/without')
    def without_db():
        return 'no db'

    assert call(plugin_app, '/with').text == '42'
    assert call(plugin_app, '/without').text == 'no db'
    with pytest.raises(sqlite3.ProgrammingError, match='closed'):  # closed after the request
        CONNECTIONS_SEEN.pop().execute('SELECT 1')


def test_plugin_gives_rows_readable_by_column_name(plugin_app):
    @plugin_app.route('/')
    def index(db):
        return db.execute("SELECT 'value' AS name").fetchone()['name']

    assert call(plugin_app, '/').text == 'value'


def test_plugin_commits_on_return_and_on_redirect(plugin_app):

    @plugin_app.route('/return/<x:int>')
    def returns(x, db):
        db.execute('INSERT INTO t VALUES (?)', (x,))
        return 'ok'

    @plugin_app.route('/redirect/<x:int>')
    def redirects(x, db):
        db.execute('INSERT INTO t VALUES (?)', (x,))
        bottle.redirect('/')

    assert call(plugin_app, '/return/1').code == 200
    assert call(plugin_app, '/redirect/2').code == 302
    assert rows(plugin_app) == [1, 2]


def test_plugin_rolls_back_on_http_errors_and_exceptions(plugin_app):

    @plugin_app.route('/abort')
    def aborts(db):
        db.execute('INSERT INTO t VALUES (1)')
        bottle.abort(400, 'no')

    @plugin_app.route('/crash')
    def crashes(db):
        db.execute('INSERT INTO t VALUES (2)')
        raise ValueError('bug')

    assert call(plugin_app, '/abort').code == 400
    assert call(plugin_app, '/crash').code == 500
    assert rows(plugin_app) == []


def test_plugin_options_per_route_rename_the_keyword_and_stop_autocommit(plugin_app):
    @plugin_app.route('/renamed', sqlite={'keyword': 'conn'})
    def renamed(conn):
        conn.execute('INSERT INTO t VALUES (1)')
        return 'ok'

    @plugin_app.route('/manual', sqlite={'autocommit': False})
    def manual(db):
        db.execute('INSERT INTO t VALUES (2)')
        return 'not committed'

    assert call(plugin_app, '/renamed').code == 200
    assert call(plugin_app, '/manual').code == 200
    assert rows(plugin_app) == [1]


def test_plugin_reads_the_database_file_from_config_at_each_request(plugin_app, tmp_path):
    @plugin_app.route('/')
    def index(db):
        db.execute('INSERT INTO t VALUES (1)')
        return 'ok'

    call(plugin_app, '/')
    plugin_app.config['sqlite.dbfile'] = str(tmp_path / 'other.sqlite')
    call(plugin_app, '/')
    call(plugin_app, '/')
    assert rows(plugin_app) == [1, 1]


def test_plugin_refuses_a_second_plugin_with_the_same_keyword(demo, plugin_app):
    with pytest.raises(bottle.PluginError, match="already passes 'db'"):
        plugin_app.install(demo.SQLitePlugin())
    plugin_app.install(demo.SQLitePlugin(keyword='other_db'))


def test_plugin_without_a_database_file_is_a_500(demo):
    app = bottle.Bottle()
    app.install(demo.SQLitePlugin())

    @app.route('/')
    def index(db):
        return 'unreachable'

    result = call(app, '/')
    assert result.code == 500
