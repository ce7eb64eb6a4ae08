"""Notes: a small but complete bottle.py application, using only the public Bottle 0.13 API.

Start it from the repository root with the built-in server (nothing to install)::

    python3 -m bottle --bind 127.0.0.1:8080 examples.demo:app

or run this file directly: ``python3 examples/demo.py``.

What it shows, in the order the code below uses it:

- a plugin (:class:`SQLitePlugin`) that opens a :mod:`sqlite3` connection for
  every callback that takes a ``db`` argument, commits when the callback
  succeeds (a redirect counts as success) and rolls back when it fails;
- settings in ``app.config``, with the database file taken from the
  ``sqlite.dbfile`` key (set it with ``-C sqlite.dbfile=PATH`` on the command
  line, the ``BOTTLE_DEMO_DB`` environment variable, or an ini file named by
  ``BOTTLE_DEMO_CONFIG``; by default ``bottle-demo-notes.sqlite`` in the system's
  temporary directory);
- templates in files (``examples/views/``) sharing one layout through
  ``rebase`` and ``include``;
- a stylesheet and a favicon served with ``static_file``;
- HTML forms that redirect after a successful POST, and show the form again
  with a 400 status when the input is wrong;
- a file upload (attach a file to a note) stored in the database;
- a JSON API next to the HTML pages, and error pages in HTML or JSON;
- every URL built with ``get_url()``, so the application works unchanged at a
  sub-path (``SCRIPT_NAME``) behind a proxy or in Apache's mod_wsgi.

All state lives in the database, none in module globals, so several worker
processes (or hosts sharing the file system) can serve the same notes.
"""
import hashlib
import hmac
import json
import os
import re
import secrets
import sqlite3
import sys
import tempfile
from datetime import datetime, timezone

if __name__ == '__main__':
    # Run as a script: make the bottle.py next to examples/ importable.
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import bottle  # noqa: E402
from bottle import (Bottle, HTTPError, HTTPResponse, PluginError, abort, redirect,  # noqa: E402
                    request, response, run, static_file, template, view)

HERE = os.path.dirname(os.path.abspath(__file__))
VIEWS = [os.path.join(HERE, 'views')]
STATIC_ROOT = os.path.join(HERE, 'static')


# ------------------------------------------------------------ The plugin ----

class SQLitePlugin(object):
    """Pass a :mod:`sqlite3` connection to each callback that has a ``db`` parameter.

    Callbacks without that parameter are left alone and cost nothing. The
    connection is opened for the request and closed after it, with
    ``sqlite3.Row`` rows (read columns by name) and foreign keys switched on.
    With ``autocommit`` (the default) the transaction is committed when the
    callback returns or raises a non-error :class:`HTTPResponse` (such as a
    redirect) and rolled back on an :class:`HTTPError` or any other exception.

    :param dbfile: the database file; when None, the application's
        ``sqlite.dbfile`` config key is read at each request, so it can be set
        after the application was imported.
    :param keyword: the parameter name the connection is passed as.
    :param autocommit: commit and roll back as described above; with False the
        callback commits itself.
    :param schema: an SQL script run once per database file and process,
        before the first request uses it (use ``CREATE ... IF NOT EXISTS``).

    A route can change ``keyword`` and ``autocommit`` for itself:
    ``@app.post('/import', sqlite={'autocommit': False})``.
    """

    name = 'sqlite'
    api = 2

    def __init__(self, dbfile=None, keyword='db', autocommit=True, schema=None):
        self.dbfile = dbfile
        self.keyword = keyword
        self.autocommit = autocommit
        self.schema = schema
        self.app = None
        self._prepared = set()  # database files whose schema ran in this process

    def setup(self, app):
        """Refuse a second SQLite plugin that would pass the same keyword."""
        for other in app.plugins:
            same_keyword = isinstance(other, SQLitePlugin) and other.keyword == self.keyword
            if other is not self and same_keyword:
                raise PluginError('Another SQLitePlugin already passes %r to callbacks.'
                                  % self.keyword)
        self.app = app

    def connect(self):
        """Open a connection to the configured database file (its schema ready)."""
        dbfile = self.dbfile or self.app.config.get('sqlite.dbfile')
        if not dbfile:
            raise PluginError("SQLitePlugin has no database: pass dbfile= or set the"
                              " 'sqlite.dbfile' config key.")
        db = sqlite3.connect(dbfile, timeout=30)
        try:
            db.row_factory = sqlite3.Row
            db.execute('PRAGMA foreign_keys = ON')
            if self.schema and dbfile not in self._prepared:
                db.executescript(self.schema)
                self._prepared.add(dbfile)
        except BaseException:
            db.close()
            raise
        return db

    def apply(self, callback, route):
        keyword = route.config.get('sqlite.keyword', self.keyword)
        autocommit = route.config.get('sqlite.autocommit', self.autocommit)
        if keyword not in route.get_callback_args():
            return callback

        def with_connection(*args, **kwargs):
            db = kwargs[keyword] = self.connect()
            try:
                result = callback(*args, **kwargs)
            except HTTPError:
                db.rollback()
                raise
            except HTTPResponse:  # a redirect or another deliberate answer
                if autocommit:
                    db.commit()
                raise
            except BaseException:
                db.rollback()
                raise
            else:
                if autocommit:
                    db.commit()
                return result
            finally:
                db.close()

        return with_connection


# ------------------------------------------------------ The application ----

SCHEMA = """
PRAGMA journal_mode = WAL;
CREATE TABLE IF NOT EXISTS notes (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    created TEXT NOT NULL,
    updated TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS attachments (
    id INTEGER PRIMARY KEY,
    note_id INTEGER NOT NULL REFERENCES notes (id) ON DELETE CASCADE,
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    data BLOB NOT NULL,
    created TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS attachments_by_note ON attachments (note_id);
"""

MAX_TITLE = 200
MAX_BODY = 20000
CSRF_COOKIE = 'notes_csrf'

app = Bottle()
app.config.setdefault('sqlite.dbfile', os.environ.get('BOTTLE_DEMO_DB')
                      or os.path.join(tempfile.gettempdir(), 'bottle-demo-notes.sqlite'))
app.config.setdefault('demo.max_upload', 10 * 2 ** 20)  # bytes per request
if os.environ.get('BOTTLE_DEMO_CONFIG'):
    app.config.load_config(os.environ['BOTTLE_DEMO_CONFIG'])
app.install(SQLitePlugin(schema=SCHEMA))


def csrf_token():
    """This visitor's form token, from its cookie; a new cookie is set when it has none.

    Every form carries the token in a hidden field and :func:`check_csrf_token`
    compares the two, so another site cannot submit our forms in the name of a
    visitor (it can neither read the cookie nor guess the value).
    """
    token = request.environ.get('demo.csrf_token')
    if token is None:
        token = request.get_cookie(CSRF_COOKIE) or ''
        if not re.match(r'^[A-Za-z0-9_-]{32}$', token):
            token = secrets.token_urlsafe(24)
            # The cookie path is where the application is mounted, not always '/'.
            response.set_cookie(CSRF_COOKIE, token, path=request.script_name,
                                httponly=True, samesite='lax')
        request.environ['demo.csrf_token'] = token
    return token


@app.hook('before_request')
def check_csrf_token():
    """Refuse a form POST whose token does not match the visitor's cookie (403).

    The JSON API is exempt: it only accepts ``application/json`` bodies, which
    a form on another site cannot send.
    """
    if request.method == 'POST' and not request.path.startswith('/api/'):
        sent = request.forms.get('csrf_token') or ''
        expected = request.get_cookie(CSRF_COOKIE) or ''
        if not (sent and expected and hmac.compare_digest(sent, expected)):
            abort(403, 'This form has expired or came from another site.'
                       ' Go back, reload the page and send it again.')


def page(template_name):
    """``view()`` with our template directory and the names every template uses."""
    return view(template_name, template_lookup=VIEWS, url=app.get_url,
                csrf_token=csrf_token, version=bottle.__version__, errors=[])


def now():
    return datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M:%S')


def validate_note(title, body):
    """Return ``(title, body, errors)`` for submitted values (strings or None)."""
    errors = []
    if not isinstance(title, str) or not isinstance(body, str):
        return '', '', ['Title and text must be strings.']
    title, body = title.strip(), body.strip().replace('\r\n', '\n')
    if not title:
        errors.append('Give the note a title.')
    elif len(title) > MAX_TITLE:
        errors.append('The title is longer than %d characters.' % MAX_TITLE)
    if len(body) > MAX_BODY:
        errors.append('The text is longer than %d characters.' % MAX_BODY)
    return title, body, errors


def get_note(db, note_id):
    """The note row with this id, or a 404 error."""
    note = db.execute('SELECT * FROM notes WHERE id = ?', (note_id,)).fetchone()
    if note is None:
        abort(404, 'There is no note number %d. It may have been deleted.' % note_id)
    return note


def get_attachments(db, note_id):
    return db.execute('SELECT id, note_id, filename, content_type, size, sha256, created'
                      ' FROM attachments WHERE note_id = ? ORDER BY id', (note_id,)).fetchall()


def list_notes(db, search=''):
    sql = ('SELECT notes.*, COUNT(attachments.id) AS attachment_count FROM notes'
           ' LEFT JOIN attachments ON attachments.note_id = notes.id')
    parameters = ()
    if search:
        sql += " WHERE notes.title LIKE ? ESCAPE '\\' OR notes.body LIKE ? ESCAPE '\\'"
        pattern = '%' + re.sub(r'([%_\\])', r'\\\1', search) + '%'
        parameters = (pattern, pattern)
    sql += ' GROUP BY notes.id ORDER BY notes.updated DESC, notes.id DESC'
    return db.execute(sql, parameters).fetchall()


def insert_note(db, title, body):
    stamp = now()
    cursor = db.execute('INSERT INTO notes (title, body, created, updated) VALUES (?, ?, ?, ?)',
                        (title, body, stamp, stamp))
    return cursor.lastrowid


def update_note(db, note_id, title, body):
    db.execute('UPDATE notes SET title = ?, body = ?, updated = ? WHERE id = ?',
               (title, body, now(), note_id))


# HTML pages --------------------------------------------------------------

@app.get('/', name='index')
@page('index')
def index(db):
    search = request.query.q.strip()
    return dict(notes=list_notes(db, search), search=search, title_value='', body_value='')


@app.post('/notes', name='create')
@page('index')
def create(db):
    title, body, errors = validate_note(request.forms.title, request.forms.body)
    if errors:
        response.status = 400
        return dict(notes=list_notes(db), search='', errors=errors,
                    title_value=request.forms.title, body_value=request.forms.body)
    note_id = insert_note(db, title, body)
    redirect(app.get_url('note', note_id=note_id))


@app.get('/notes/<note_id:int>', name='note')
@page('note')
def show_note(note_id, db):
    return dict(note=get_note(db, note_id), attachments=get_attachments(db, note_id))


@app.get('/notes/<note_id:int>/edit', name='edit')
@page('edit')
def edit(note_id, db):
    note = get_note(db, note_id)
    return dict(note=note, title_value=note['title'], body_value=note['body'])


@app.post('/notes/<note_id:int>/edit', name='update')
@page('edit')
def update(note_id, db):
    note = get_note(db, note_id)
    title, body, errors = validate_note(request.forms.title, request.forms.body)
    if errors:
        response.status = 400
        return dict(note=note, errors=errors,
                    title_value=request.forms.title, body_value=request.forms.body)
    update_note(db, note_id, title, body)
    redirect(app.get_url('note', note_id=note_id))


@app.post('/notes/<note_id:int>/delete', name='delete')
def delete(note_id, db):
    get_note(db, note_id)
    db.execute('DELETE FROM notes WHERE id = ?', (note_id,))
    redirect(app.get_url('index'))


@app.post('/notes/<note_id:int>/attachments', name='attach')
@page('note')
def attach(note_id, db):
    note = get_note(db, note_id)
    limit = int(app.config['demo.max_upload'])
    if request.content_length > limit:
        abort(413, 'The upload is larger than %d MiB.' % (limit // 2 ** 20))
    upload = request.files.get('upload')
    if upload is None or not upload.raw_filename:
        response.status = 400
        return dict(note=note, attachments=get_attachments(db, note_id),
                    errors=['Choose a file to attach.'])
    data = upload.file.read()
    content_type = upload.content_type.split(';')[0].strip().lower()
    if not re.match(r'^[a-z0-9.+-]+/[a-z0-9.+-]+$', content_type):
        content_type = 'application/octet-stream'
    db.execute('INSERT INTO attachments (note_id, filename, content_type, size, sha256, data,'
               ' created) VALUES (?, ?, ?, ?, ?, ?, ?)',
               (note_id, upload.filename, content_type, len(data),
                hashlib.sha256(data).hexdigest(), data, now()))
    db.execute('UPDATE notes SET updated = ? WHERE id = ?', (now(), note_id))
    redirect(app.get_url('note', note_id=note_id))


@app.get('/attachments/<attachment_id:int>/<filename>', name='attachment')
def download(attachment_id, filename, db):
    row = db.execute('SELECT filename, content_type, data FROM attachments WHERE id = ?',
                     (attachment_id,)).fetchone()
    if row is None or row['filename'] != filename:
        abort(404, 'There is no such attachment. It may have been deleted.')
    # Uploaded files are downloaded, never shown as a page of this site.
    response.content_type = row['content_type']
    response.set_header('Content-Disposition', 'attachment; filename="%s"' % row['filename'])
    response.set_header('X-Content-Type-Options', 'nosniff')
    return bytes(row['data'])


@app.post('/attachments/<attachment_id:int>/delete', name='detach')
def detach(attachment_id, db):
    row = db.execute('SELECT note_id FROM attachments WHERE id = ?', (attachment_id,)).fetchone()
    if row is None:
        abort(404, 'There is no such attachment. It may have been deleted.')
    db.execute('DELETE FROM attachments WHERE id = ?', (attachment_id,))
    db.execute('UPDATE notes SET updated = ? WHERE id = ?', (now(), row['note_id']))
    redirect(app.get_url('note', note_id=row['note_id']))


@app.get('/about', name='about')
@page('about')
def about():
    routes = [(route.method, route.rule, route.name or '') for route in app.routes]
    return dict(routes=routes)


@app.get('/static/<filename:path>', name='static')
def static(filename):
    return static_file(filename, root=STATIC_ROOT)


@app.get('/favicon.ico', name='favicon')
def favicon():
    return static_file('favicon.ico', root=STATIC_ROOT)


# The JSON API ----------------------------------------------------------------

def note_json(note, attachments=None):
    data = {key: note[key] for key in ('id', 'title', 'body', 'created', 'updated')}
    data['url'] = app.get_url('note', note_id=note['id'])
    data['api_url'] = app.get_url('api_note', note_id=note['id'])
    if attachments is not None:
        data['attachments'] = [dict(
            {key: row[key] for key in ('id', 'filename', 'content_type', 'size', 'sha256')},
            url=app.get_url('attachment', attachment_id=row['id'], filename=row['filename']),
        ) for row in attachments]
    return data


def json_body():
    """The request's JSON object; 415 for another content type, 400 for anything but an object."""
    if request.content_type.split(';')[0].strip() != 'application/json':
        abort(415, 'Send the note as JSON, with Content-Type: application/json.')
    data = request.json
    if not isinstance(data, dict):
        abort(400, 'Send a JSON object such as {"title": "...", "body": "..."}.')
    return data


@app.get('/api/notes', name='api_notes')
def api_notes(db):
    return {'notes': [note_json(row) for row in list_notes(db, request.query.q.strip())]}


@app.post('/api/notes', name='api_create')
def api_create(db):
    data = json_body()
    title, body, errors = validate_note(data.get('title'), data.get('body', ''))
    if errors:
        abort(400, ' '.join(errors))
    note_id = insert_note(db, title, body)
    response.status = 201
    response.set_header('Location', app.get_url('api_note', note_id=note_id))
    return note_json(get_note(db, note_id), [])


@app.get('/api/notes/<note_id:int>', name='api_note')
def api_note(note_id, db):
    return note_json(get_note(db, note_id), get_attachments(db, note_id))


@app.put('/api/notes/<note_id:int>', name='api_update')
def api_update(note_id, db):
    note = get_note(db, note_id)
    data = json_body()
    title, body, errors = validate_note(data.get('title', note['title']),
                                        data.get('body', note['body']))
    if errors:
        abort(400, ' '.join(errors))
    update_note(db, note_id, title, body)
    return note_json(get_note(db, note_id), get_attachments(db, note_id))


@app.delete('/api/notes/<note_id:int>', name='api_delete')
def api_delete(note_id, db):
    get_note(db, note_id)
    db.execute('DELETE FROM notes WHERE id = ?', (note_id,))
    response.status = 204
    return ''


@app.get('/api/info', name='api_info')
def api_info():
    """What the application sees of this request: handy behind proxies."""
    return {
        'version': bottle.__version__,
        'pid': os.getpid(),
        'method': request.method,
        'url': request.url,
        'script_name': request.script_name,
        'path': request.path,
        'remote_addr': request.remote_addr,
        'remote_route': request.remote_route,
    }


# Error pages -----------------------------------------------------------------

def error_page(error):
    """HTML error page in the site's layout; a JSON object under /api/."""
    message = error.body if isinstance(error.body, str) and error.status_code < 500 else (
        'Something went wrong on our side. Please try again later.')
    if request.path.startswith('/api/'):
        response.content_type = 'application/json'
        return json.dumps({'error': error.status_line, 'message': message})
    return template('error', template_lookup=VIEWS, url=app.get_url, csrf_token=csrf_token,
                    version=bottle.__version__, title=error.status_line, error=error,
                    message=message)


for _code in (400, 403, 404, 405, 413, 415, 500):
    app.error(_code)(error_page)


if __name__ == '__main__':
    run(app, host='127.0.0.1', port=8080)
