"""The demo app (examples/demo.py) driven in a real browser: headless Chromium through
Selenium and ChromeDriver.

The demo is served in-process by a threaded wsgiref server on an ephemeral port of
127.0.0.1, once at / and once mounted at a sub-path (SCRIPT_NAME), where anything
outside the sub-path answers 404. The browser adds, edits and deletes notes,
attaches a file, follows every link of every page and checks that stylesheet and
favicon load.

Screenshots go to test/screenshots/ (ignored by git): a few of each run on success,
and ``FAIL-<test>.png`` with the page source next to it when a test fails.

These tests run with ``make deploy-test``, which installs Chromium and ChromeDriver
(Debian packages chromium, chromium-driver) and Selenium in .venv/deploy and sets
BOTTLE_E2E=1. Elsewhere they skip with the reason.
"""
import importlib.util
import json
import os
import re
import shutil
import socketserver
import tempfile
import threading
import urllib.error
import urllib.request
import wsgiref.simple_server

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCREENSHOTS = os.path.join(ROOT, 'test', 'screenshots')
CHROMIUM = shutil.which('chromium') or '/usr/bin/chromium'
CHROMEDRIVER = shutil.which('chromedriver') or '/usr/bin/chromedriver'
SUB_PATH = '/apps/notes'
WAIT = 15  # seconds the browser may take to reach a state
# The header colour of examples/static/style.css, as Chromium reports it.
ACCENT = 'rgba(47, 111, 79, 1)'

if not os.environ.get('BOTTLE_E2E'):
    pytest.skip('browser tests run with `make deploy-test` (or set BOTTLE_E2E=1 with selenium,'
                ' chromium and chromium-driver installed)', allow_module_level=True)
selenium = pytest.importorskip(
    'selenium', reason='selenium is not installed: `make deploy-test` installs it into .venv/deploy'
                       ' (or pip install selenium)')
if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
    pytest.skip('Chromium or ChromeDriver is missing: apt-get install chromium chromium-driver'
                ' (`make deploy-test` does it when run as root)', allow_module_level=True)

from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import WebDriverException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


# ----------------------------------------------------------------- serving ----

class ThreadingWSGIServer(socketserver.ThreadingMixIn, wsgiref.simple_server.WSGIServer):
    daemon_threads = True


class QuietHandler(wsgiref.simple_server.WSGIRequestHandler):
    def log_message(self, *args):
        pass


def mounted_at(app, prefix):
    """A WSGI app that serves ``app`` below ``prefix`` (SCRIPT_NAME) and 404 elsewhere."""
    def dispatch(environ, start_response):
        path = environ.get('PATH_INFO', '')
        if path == prefix or path.startswith(prefix + '/'):
            environ['SCRIPT_NAME'] = environ.get('SCRIPT_NAME', '') + prefix
            environ['PATH_INFO'] = path[len(prefix):]
            return app(environ, start_response)
        start_response('404 Not Found', [('Content-Type', 'text/plain')])
        return [b'outside of the application mount point ' + prefix.encode()]
    return dispatch


@pytest.fixture(scope='module')
def demo_app():
    path = os.path.join(ROOT, 'examples', 'demo.py')
    spec = importlib.util.spec_from_file_location('demo_in_browser', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.app


@pytest.fixture(scope='module', params=['root', 'sub-path'])
def site(request, demo_app, tmp_path_factory):
    """Serve the demo, with an empty database, at / or at SUB_PATH; yields the URL of its
    home page."""
    demo_app.config['sqlite.dbfile'] = str(tmp_path_factory.mktemp('browser-db') / 'notes.sqlite')
    prefix = SUB_PATH if request.param == 'sub-path' else ''
    app = mounted_at(demo_app, prefix) if prefix else demo_app
    server = wsgiref.simple_server.make_server(  # port 0: the kernel picks a free one
        '127.0.0.1', 0, app, server_class=ThreadingWSGIServer, handler_class=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield 'http://127.0.0.1:%d%s/' % (server.server_port, prefix)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


# ----------------------------------------------------------------- browser ----

@pytest.fixture(scope='module')
def driver():
    profile = tempfile.mkdtemp(prefix='bottle-chromium-')
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ('--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
                     '--no-first-run', '--disable-background-networking',
                     '--disable-component-update', '--disable-sync',
                     '--user-data-dir=' + profile, '--window-size=1200,900'):
        options.add_argument(argument)
    browser = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield browser
    finally:
        browser.quit()
        shutil.rmtree(profile, ignore_errors=True)


def screenshots_dir():
    os.makedirs(SCREENSHOTS, exist_ok=True)
    ignore = os.path.join(SCREENSHOTS, '.gitignore')
    if not os.path.exists(ignore):
        with open(ignore, 'w') as marker:
            marker.write('# Written by test/test_browser.py: screenshots are not committed.\n*\n')
    return SCREENSHOTS


@pytest.fixture(scope='module', autouse=True)
def fresh_failure_screenshots():
    """Remove the FAIL-* files of an earlier run, so those present belong to this one."""
    directory = screenshots_dir()
    for name in os.listdir(directory):
        if name.startswith('FAIL-'):
            os.remove(os.path.join(directory, name))


class Browser:
    """The WebDriver plus the site's home URL and small helpers the tests read well with."""

    def __init__(self, driver, home, label):
        self.driver, self.home, self.label = driver, home, label

    def open(self, path=''):
        self.driver.get(self.home + path)
        return self

    def wait(self, condition, what):
        """Wait until ``condition()`` is true; WebDriver errors while a page is being
        replaced count as "not yet"."""
        return WebDriverWait(self.driver, WAIT, poll_frequency=0.05,
                             ignored_exceptions=(WebDriverException,)).until(
            lambda driver: condition(), message='waiting for ' + what)

    def wait_for_path(self, pattern):
        """Wait until the location path (below the site) matches ``pattern`` fully."""
        def matches():
            url = self.driver.current_url.split('?')[0]
            return url.startswith(self.home) and re.fullmatch(pattern, url[len(self.home):])
        self.wait(matches, 'a page matching %r (now at %s)' % (pattern, self.driver.current_url))
        return self.driver.current_url

    def find(self, selector):
        return self.driver.find_element(By.CSS_SELECTOR, selector)

    def find_all(self, selector):
        return self.driver.find_elements(By.CSS_SELECTOR, selector)

    def text(self, selector):
        return self.find(selector).text

    def click(self, xpath):
        """Click the element found by ``xpath`` and wait until the next page has loaded.

        A marker set on the current page's ``window`` is gone once another page is there.
        """
        self.driver.execute_script('window.clickedAway = true')
        self.driver.find_element(By.XPATH, xpath).click()
        self.wait(lambda: self.driver.execute_script(
            'return window.clickedAway === undefined && document.readyState === "complete"'),
            'the next page after clicking %s' % xpath)

    def fill(self, selector, text):
        field = self.find(selector)
        field.clear()
        field.send_keys(text)

    def shot(self, name):
        path = os.path.join(screenshots_dir(), 'browser-%s-%s.png' % (self.label, name))
        self.driver.save_screenshot(path)
        return path


@pytest.fixture
def browser(request, driver, site):
    """A :class:`Browser` on ``site``; saves a screenshot and the page source when the
    test fails."""
    label = request.node.callspec.params['site'] if hasattr(request.node, 'callspec') else 'site'
    failed_before = request.session.testsfailed
    yield Browser(driver, site, label)
    if request.session.testsfailed > failed_before:
        name = re.sub(r'[^A-Za-z0-9_.-]+', '-', request.node.name).strip('-')
        base = os.path.join(screenshots_dir(), 'FAIL-' + name)
        driver.save_screenshot(base + '.png')
        with open(base + '.html', 'w', encoding='utf8') as source:
            source.write('<!-- %s -->\n' % driver.current_url + driver.page_source)


def add_note(browser, title, body=''):
    browser.open()
    browser.fill('#title', title)
    browser.fill('#body', body)
    browser.click('//button[text()="Add note"]')
    return browser.wait_for_path(r'notes/\d+')


def fetch(url):
    with urllib.request.urlopen(url, timeout=30) as reply:
        return reply.status, reply.headers, reply.read()


# ------------------------------------------------------------------- tests ----

def test_stylesheet_and_favicon_load_in_the_browser(browser):
    browser.open()
    header = browser.find('header.site')
    assert header.value_of_css_property('background-color') == ACCENT
    icon = browser.find('header.site .brand img')
    assert browser.driver.execute_script('return arguments[0].naturalWidth', icon) == 32
    assert browser.driver.title == 'All notes · Notes'


def test_add_edit_attach_and_delete_a_note(browser, tmp_path):
    note_url = add_note(browser, 'Groceries', 'Bread\nTea')
    assert browser.text('h1') == 'Groceries'
    assert browser.text('.note .body') == 'Bread\nTea'
    browser.shot('1-note-added')

    browser.click('//a[text()="Edit"]')
    browser.wait_for_path(r'notes/\d+/edit')
    assert browser.find('#title').get_attribute('value') == 'Groceries'
    browser.fill('#title', 'Groceries for Sunday')
    browser.fill('#body', 'Bread\nTea\nÄpfel')
    browser.shot('2-editing')
    browser.click('//button[text()="Save changes"]')
    assert browser.wait_for_path(r'notes/\d+') == note_url
    assert browser.text('h1') == 'Groceries for Sunday'
    assert browser.text('.note .body') == 'Bread\nTea\nÄpfel'

    content = os.urandom(200000)
    upload = tmp_path / 'receipt.bin'
    upload.write_bytes(content)
    browser.find('input[type=file]').send_keys(str(upload))
    browser.click('//button[text()="Attach file"]')
    assert browser.wait_for_path(r'notes/\d+') == note_url
    link = browser.find('ul.attachments a')
    assert link.text == 'receipt.bin'
    assert link.get_attribute('href').startswith(browser.home)
    assert '200,000 bytes' in browser.text('ul.attachments')
    status, headers, body = fetch(link.get_attribute('href'))
    assert (status, body) == (200, content)
    browser.shot('3-attached')

    browser.click('//button[text()="Remove"]')
    browser.wait_for_path(r'notes/\d+')
    assert browser.text('#attachments .empty') == 'No files attached.'

    browser.click('//button[text()="Delete note"]')
    browser.wait_for_path('')
    assert 'Groceries for Sunday' not in browser.text('main')
    with pytest.raises(urllib.error.HTTPError) as missing:
        fetch(note_url)
    assert missing.value.code == 404
    missing.value.close()


def test_a_title_of_spaces_shows_the_error_and_keeps_the_text(browser):
    browser.open()
    browser.fill('#title', '   ')
    browser.fill('#body', 'kept')
    browser.click('//button[text()="Add note"]')
    assert browser.text('ul.errors') == 'Give the note a title.'
    assert browser.find('#body').get_attribute('value') == 'kept'
    browser.shot('4-validation-error')


def test_search_shows_only_matching_notes(browser):
    add_note(browser, 'Holiday plans', 'Crete in May')
    add_note(browser, 'Work', 'Quarterly report')
    browser.open()
    browser.fill('input[name=q]', 'crete')
    browser.click('//button[text()="Search"]')
    titles = [link.text for link in browser.find_all('ul.notes a.note-link')]
    assert 'Holiday plans' in titles
    assert 'Work' not in titles


def test_a_missing_note_shows_the_404_page_in_the_layout(browser):
    browser.open('notes/424242')
    assert browser.text('h1') == '404 Not Found'
    assert browser.find('header.site').value_of_css_property('background-color') == ACCENT
    browser.shot('5-not-found')


def test_following_every_link_reaches_a_working_page_under_the_site(browser, tmp_path):
    first = add_note(browser, 'Linked note', 'with a file')
    upload = tmp_path / 'notes.txt'
    upload.write_text('some text\n')
    browser.find('input[type=file]').send_keys(str(upload))
    browser.click('//button[text()="Attach file"]')
    browser.wait_for_path(r'notes/\d+')
    assert browser.driver.current_url == first

    seen, queue, downloads = set(), [browser.home], set()
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        browser.driver.get(url)
        if url.startswith(browser.home + 'api/'):
            text = browser.driver.execute_script(
                'return (document.querySelector("pre") || document.body).textContent')
            json.loads(text)  # the JSON API answers JSON, not an error page
            continue
        assert browser.find_all('.panel.error') == [], 'error page at %s' % url
        assert browser.find('header.site').value_of_css_property('background-color') == \
            ACCENT, 'no stylesheet at %s' % url
        links = browser.driver.execute_script(
            'return Array.from(document.querySelectorAll('
            '"a[href], link[href], img[src], form[action]"),'
            ' e => [e.tagName, e.href || e.src || e.action, e.hasAttribute("download")])')
        for tag, target, is_download in links:
            target = target.split('#')[0]
            assert target.startswith(browser.home), '%s on %s leaves the site: %s' % (
                tag, url, target)
            if is_download or tag in ('LINK', 'IMG'):
                downloads.add(target)
            elif tag == 'A' and target not in seen:
                queue.append(target)
    for target in downloads:
        status, _, _ = fetch(target)
        assert status == 200, target
    assert {browser.home + path for path in ('', 'about', 'api/notes', 'api/info')} <= seen
    assert any(re.search(r'/notes/\d+/edit$', url) for url in seen)
    assert any('/attachments/' in url for url in downloads)
    browser.open('about')
    browser.shot('6-about')
    browser.open()
    browser.shot('7-home-with-notes')
