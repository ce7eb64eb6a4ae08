"""Reading request bodies: framing (Content-Length, chunked, server-terminated streams),
limits, hostile input, and files released when the request ends."""
import io
import json
import os
import subprocess
import sys
import textwrap

import pytest

import bottle
from helpers import call, call_environ, make_environ


def echo_app():
    """An app whose POST / answers with the body it read."""
    app = bottle.Bottle()
    app.route('/', method='POST', callback=lambda: bottle.request.body.read())
    return app


def chunked(*pieces, trailer=b''):
    """A chunked body of ``pieces``."""
    return b''.join(b'%x\r\n%s\r\n' % (len(piece), piece) for piece in pieces) + \
        b'0\r\n' + trailer + b'\r\n'


class CountingStream(io.BytesIO):
    """A BytesIO that counts the bytes handed out by read and readline."""

    def __init__(self, data):
        super().__init__(data)
        self.handed_out = 0

    def read(self, size=-1):
        data = super().read(size)
        self.handed_out += len(data)
        return data

    def readline(self, size=-1):
        data = super().readline(size)
        self.handed_out += len(data)
        return data


class FailingStream:
    """A server input stream that fails as gunicorn's does on a bad chunk size."""

    class InvalidChunkSize(Exception):
        pass

    def read(self, size=-1):
        raise self.InvalidChunkSize('Invalid chunk size: 0xzz')

    readline = read


# --------------------------------------------------------------------------- chunked bodies

def test_chunked_body_is_decoded():
    result = call(echo_app(), '/', 'POST', body=chunked(b'hello ', b'world'),
                  headers={'Transfer-Encoding': 'chunked'})
    assert result.code == 200
    assert result.body == b'hello world'


@pytest.mark.parametrize('size_line', [b'5;name=value\r\n', b'5 ; name=value\r\n', b'5\t\r\n',
                                       b'5;name="a;b"\n'])
def test_chunked_body_with_extensions_and_trailers_is_decoded(size_line):
    body = size_line + b'hello\r\n0\r\nExpires: never\r\n\r\n'
    result = call(echo_app(), '/', 'POST', body=body, headers={'Transfer-Encoding': 'chunked'})
    assert result.body == b'hello'


def test_a_huge_chunk_size_line_is_refused_after_a_few_kib():
    stream = CountingStream(b'1' * 2000000 + b'\r\n')
    environ = make_environ('/', 'POST', headers={'Transfer-Encoding': 'chunked'})
    environ['wsgi.input'] = stream
    result = call_environ(echo_app(), environ)
    assert result.code == 400
    assert b'chunk-size line is longer than 4096 bytes' in result.body
    assert stream.handed_out <= 4096


def test_a_huge_chunk_size_line_is_refused_without_readline_too():
    class ReadOnly:
        def __init__(self, data):
            self.stream = CountingStream(data)

        def read(self, size=-1):
            return self.stream.read(size)

    source = ReadOnly(b'1' * 100000 + b'\r\n')
    environ = make_environ('/', 'POST', headers={'Transfer-Encoding': 'chunked'})
    environ['wsgi.input'] = source
    result = call_environ(echo_app(), environ)
    assert result.code == 400
    assert source.stream.handed_out <= 4096


def test_many_small_chunks_are_read_in_linear_work():
    pieces = [b'x'] * 20000
    stream = CountingStream(chunked(*pieces))
    environ = make_environ('/', 'POST', headers={'Transfer-Encoding': 'chunked'})
    environ['wsgi.input'] = stream
    result = call_environ(echo_app(), environ)
    assert result.body == b'x' * 20000
    assert stream.handed_out == len(stream.getvalue())  # every byte read once


@pytest.mark.parametrize('body, why', [
    (b'zz\r\nhello\r\n0\r\n\r\n', b'bad chunk size'),
    (b'5\r\nhel', b'ended inside a chunk'),
    (b'5\r\nhelloXX0\r\n\r\n', b'not followed by CRLF'),
    (b'5\r\nhello\r\n', b'ended before the last chunk'),
    (b'-5\r\nhello\r\n0\r\n\r\n', b'bad chunk size'),
    (b'1' * 17 + b'\r\n', b'bad chunk size'),
    (b'0\r;\n\r\n', b'bare CR'),  # make fuzz (issue 14): was read as the last chunk
    (b'5\r\r\nhello\r\n0\r\n\r\n', b'bare CR'),
    (b'5\x0b\r\nhello\r\n0\r\n\r\n', b'bad chunk size'),
], ids=['not-hex', 'truncated-data', 'no-crlf', 'no-last-chunk', 'negative', 'too-many-digits',
        'bare-cr-before-extension', 'bare-cr-before-crlf', 'vertical-tab'])
def test_malformed_chunked_body_is_400(body, why):
    result = call(echo_app(), '/', 'POST', body=body, headers={'Transfer-Encoding': 'chunked'})
    assert result.code == 400
    assert why in result.body


def test_endless_trailer_fields_are_refused():
    body = b'0\r\n' + b'X-Trailer: yes\r\n' * 2000 + b'\r\n'
    result = call(echo_app(), '/', 'POST', body=body, headers={'Transfer-Encoding': 'chunked'})
    assert result.code == 400
    assert b'trailer fields are longer than 16384 bytes' in result.body


@pytest.mark.parametrize('coding, status', [
    ('gzip, chunked', 501),
    ('deflate,chunked', 501),
    ('chunked, gzip', 400),
    ('gzip', 400),
    ('chunked, chunked', 400),
    (',', 400),
])
def test_transfer_encoding_follows_rfc_9112(coding, status):
    result = call(echo_app(), '/', 'POST', body=chunked(b'data'),
                  headers={'Transfer-Encoding': coding})
    assert result.code == status


def test_transfer_encoding_names_are_case_insensitive():
    result = call(echo_app(), '/', 'POST', body=chunked(b'data'),
                  headers={'Transfer-Encoding': ' Chunked '})
    assert result.body == b'data'


def test_a_body_decoded_by_the_server_is_read_to_its_end():
    # gunicorn, mod_wsgi and uWSGI de-chunk themselves and set wsgi.input_terminated.
    environ = make_environ('/', 'POST', body=b'already decoded',
                           headers={'Transfer-Encoding': 'chunked'})
    del environ['CONTENT_LENGTH']
    environ['wsgi.input_terminated'] = True
    assert call_environ(echo_app(), environ).body == b'already decoded'


def test_a_terminated_stream_without_content_length_is_read_to_its_end():
    environ = make_environ('/', 'POST', body=b'x' * 300000)
    del environ['CONTENT_LENGTH']
    environ['wsgi.input_terminated'] = True
    assert call_environ(echo_app(), environ).body == b'x' * 300000


def test_a_form_in_a_server_decoded_chunked_body_is_parsed():
    app = bottle.Bottle()
    app.route('/', method='POST', callback=lambda: bottle.request.forms.name)
    environ = make_environ('/', 'POST', body=b'name=Ada',
                           headers={'Transfer-Encoding': 'chunked',
                                    'Content-Type': 'application/x-www-form-urlencoded'})
    del environ['CONTENT_LENGTH']
    environ['wsgi.input_terminated'] = True
    assert call_environ(app, environ).body == b'Ada'


def test_an_exception_of_the_servers_input_stream_is_a_400():
    environ = make_environ('/', 'POST', headers={'Content-Length': '10'})
    environ['wsgi.input'] = FailingStream()
    result = call_environ(echo_app(), environ)
    assert result.code == 400
    assert b'could not be read: Invalid chunk size: 0xzz' in result.body
    assert 'Traceback' not in environ['wsgi.errors'].getvalue()


def test_an_exception_of_the_servers_input_stream_while_dechunking_is_a_400():
    environ = make_environ('/', 'POST', headers={'Transfer-Encoding': 'chunked'})
    environ['wsgi.input'] = FailingStream()
    assert call_environ(echo_app(), environ).code == 400


# --------------------------------------------------------------------------- Content-Length bodies

def test_body_shorter_than_content_length_is_400():
    environ = make_environ('/', 'POST', body=b'short')
    environ['CONTENT_LENGTH'] = '100'
    result = call_environ(echo_app(), environ)
    assert result.code == 400
    assert b'ended after 5 of 100 bytes' in result.body


def test_large_body_shorter_than_content_length_is_400():
    environ = make_environ('/', 'POST', body=b'x' * 200000)
    environ['CONTENT_LENGTH'] = '300000'
    result = call_environ(echo_app(), environ)
    assert result.code == 400
    assert b'ended after 200000 of 300000 bytes' in result.body


def test_body_over_max_body_size_is_413_naming_size_and_limit(monkeypatch):
    monkeypatch.setattr(bottle.BaseRequest, 'MAX_BODY_SIZE', 200000)
    result = call(echo_app(), '/', 'POST', body=b'x' * 300000)
    assert result.code == 413
    assert b'300000 bytes is larger than the limit of 200000 bytes' in result.body


def test_body_larger_than_memfile_max_reads_back_intact():
    data = os.urandom(500000)
    assert call(echo_app(), '/', 'POST', body=data).body == data


# --------------------------------------------------------------------------- JSON

def test_deeply_nested_json_is_a_400_not_a_500():
    app = bottle.Bottle()
    app.route('/', method='POST', callback=lambda: repr(bottle.request.json))
    result = call(app, '/', 'POST', body=b'[' * 50000 + b']' * 50000,
                  headers={'Content-Type': 'application/json'})
    assert result.code == 400
    assert b'nested more than 500 levels deep' in result.body


def test_ordinary_nesting_of_json_is_fine():
    app = bottle.Bottle()
    app.route('/', method='POST', callback=lambda: json.dumps(bottle.request.json))
    body = b'[' * 50 + b'1' + b']' * 50
    assert call(app, '/', 'POST', body=body, headers={'Content-Type': 'application/json'}).body \
        == body


# -------------------------------------------------------------------------- files closed at the end

def multipart(*parts, boundary='XyZ'):
    """A multipart/form-data body; parts are (name, filename or None, data)."""
    out = b''
    for name, filename, data in parts:
        disposition = 'form-data; name="%s"' % name
        if filename:
            disposition += '; filename="%s"' % filename
        out += b'--%s\r\nContent-Disposition: %s\r\n\r\n%s\r\n' % (
            boundary.encode(), disposition.encode(), data)
    return out + b'--%s--\r\n' % boundary.encode(), 'multipart/form-data; boundary=' + boundary


def test_a_spooled_body_is_closed_when_the_request_ends():
    kept = []
    app = bottle.Bottle()

    @app.route('/', method='POST')
    def read_body():
        kept.append(bottle.request.body)
        return 'read %d' % len(bottle.request.body.read())

    result = call(app, '/', 'POST', body=b'x' * 300000)
    assert result.body == b'read 300000'
    assert not isinstance(kept[0], io.BytesIO)  # it was spooled to disk
    assert kept[0].closed


def test_upload_files_are_closed_when_the_request_ends():
    kept = []
    app = bottle.Bottle()

    @app.route('/', method='POST')
    def upload():
        kept.extend(upload.file for upload in bottle.request.files.values())
        return ','.join(str(len(upload.file.read())) for upload in bottle.request.files.values())

    body, content_type = multipart(('big', 'big.bin', b'b' * 300000), ('small', 's.txt', b'tiny'))
    result = call(app, '/', 'POST', body=body, headers={'Content-Type': content_type})
    assert result.body == b'300000,4'
    assert len(kept) == 2 and all(f.closed for f in kept)


def test_files_are_closed_after_a_streamed_response_is_consumed():
    kept = []
    app = bottle.Bottle()

    @app.route('/', method='POST')
    def stream():
        kept.append(bottle.request.body)
        yield 'first '
        yield 'still open: %s' % (not kept[0].closed)

    environ = make_environ('/', 'POST', body=b'x' * 300000)
    result = call_environ(app, environ)
    assert result.body == b'first still open: True'
    assert kept[0].closed


def test_files_are_closed_when_the_callback_fails():
    kept = []
    app = bottle.Bottle()

    @app.route('/', method='POST')
    def fail():
        kept.append(bottle.request.body)
        raise RuntimeError('after reading')

    environ = make_environ('/', 'POST', body=b'x' * 300000)
    assert call_environ(app, environ).code == 500
    assert kept[0].closed


def test_request_files_are_released_under_a_real_server_without_resource_warnings(tmp_path):
    # A subprocess with ResourceWarning as error: an unclosed temporary file would be
    # reported as "Exception ignored ... ResourceWarning" when it is collected.
    script = tmp_path / 'serve_uploads.py'
    script.write_text(textwrap.dedent('''
        import gc, http.client, os, sys, threading
        from wsgiref.simple_server import make_server, WSGIRequestHandler
        sys.path.insert(0, sys.argv[1])
        import bottle

        class Quiet(WSGIRequestHandler):
            def log_request(self, *args):
                pass

        app = bottle.Bottle()

        @app.route('/', method='POST')
        def upload():
            sizes = [len(f.file.read()) for f in bottle.request.files.values()]
            return 'got %s and %d body bytes' % (sizes, len(bottle.request.body.read()))

        server = make_server('127.0.0.1', 0, app, handler_class=Quiet)
        threading.Thread(target=server.serve_forever, daemon=True).start()

        def temporary_files():
            # Open descriptors of files in our TMPDIR (spooled bodies, uploads).
            links = []
            for fd in os.listdir('/proc/self/fd'):
                try:
                    links.append(os.readlink('/proc/self/fd/' + fd))
                except OSError:  # the descriptor listdir itself used
                    pass
            return sum(1 for link in links if link.startswith(os.environ['TMPDIR']))

        boundary = 'b0undary'
        body = ('--%s\\r\\nContent-Disposition: form-data; name="f"; filename="a.bin"\\r\\n\\r\\n'
                % boundary).encode() + b'z' * 400000 + ('\\r\\n--%s--\\r\\n' % boundary).encode()
        for attempt in range(5):
            connection = http.client.HTTPConnection('127.0.0.1', server.server_port)
            connection.request('POST', '/', body, {
                'Content-Type': 'multipart/form-data; boundary=' + boundary})
            answer = connection.getresponse()
            print(answer.status, answer.read().decode())
            connection.close()
        server.shutdown()  # returns once the last request is completely handled
        server.server_close()
        print('open temporary files', temporary_files())
        gc.collect()
    '''))
    bottle_dir = os.path.dirname(os.path.abspath(bottle.__file__))
    spool = tmp_path / 'spool'
    spool.mkdir()
    finished = subprocess.run([sys.executable, '-X', 'dev', '-W', 'error::ResourceWarning',
                               str(script), bottle_dir], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, timeout=120,
                              env=dict(os.environ, TMPDIR=str(spool)))
    assert finished.returncode == 0, finished.stderr
    assert 'ResourceWarning' not in finished.stderr
    lines = finished.stdout.splitlines()
    assert lines[:5] == ['200 got [400000] and 400090 body bytes'] * 5
    assert lines[5] == 'open temporary files 0'
    assert list(spool.iterdir()) == []


# --------------------------------------------------------------------------- under real gunicorn

GUNICORN_APP = '''
import sys
sys.path.insert(0, {bottle_dir!r})
import bottle

app = bottle.Bottle()

@app.route('/form', method='POST')
def form():
    return 'name=%s size=%d' % (bottle.request.forms.name, len(bottle.request.body.read()))
'''


def start_gunicorn(tmp_path):
    """Start gunicorn (sync worker) on a free port with a small app; returns (process, port)."""
    from helpers import PortTaken, says_address_in_use, start_on_free_port, wait_until
    pytest.importorskip('gunicorn', reason='gunicorn is in test/requirements.txt: '
                                           'run the suite through make test')
    (tmp_path / 'chunked_app.py').write_text(GUNICORN_APP.format(
        bottle_dir=os.path.dirname(os.path.abspath(bottle.__file__))))
    log = tmp_path / 'gunicorn.log'

    def start(port):
        with open(log, 'w') as output:
            process = subprocess.Popen(
                [sys.executable, '-m', 'gunicorn', '--bind', '127.0.0.1:%d' % port,
                 '--workers', '1', '--chdir', str(tmp_path), 'chunked_app:app'],
                stdout=output, stderr=subprocess.STDOUT)

        def answering():
            if process.poll() is not None:
                text = log.read_text()
                if says_address_in_use(text):
                    raise PortTaken(text)
                raise AssertionError('gunicorn exited: ' + text)
            return 'Booting worker' in log.read_text()
        try:
            wait_until(lambda: answering() and _connectable(port), 60, 'gunicorn listening')
        except PortTaken:
            raise
        except BaseException:
            process.kill()
            process.wait()
            raise
        return process, port
    return start_on_free_port(start)


def _connectable(port):
    import socket
    with socket.create_connection(('127.0.0.1', port), timeout=5):
        return True


def raw_request(port, data):
    """Send raw bytes, return the whole answer."""
    import socket
    with socket.create_connection(('127.0.0.1', port), timeout=30) as connection:
        connection.sendall(data)
        answer = b''
        while True:
            block = connection.recv(65536)
            if not block:
                return answer
            answer += block


@pytest.fixture
def gunicorn_port(tmp_path):
    process, port = start_gunicorn(tmp_path)
    yield port
    process.terminate()
    process.wait(timeout=30)


def test_a_chunked_form_post_through_gunicorn_is_parsed(gunicorn_port):
    body = chunked(b'name=', b'Ada')
    answer = raw_request(gunicorn_port, b'POST /form HTTP/1.1\r\nHost: x\r\nConnection: close\r\n'
                         b'Content-Type: application/x-www-form-urlencoded\r\n'
                         b'Transfer-Encoding: chunked\r\n\r\n' + body)
    assert answer.startswith(b'HTTP/1.1 200 ')
    assert answer.endswith(b'name=Ada size=8')


def test_a_large_chunked_upload_through_gunicorn_is_read_in_one_pass(gunicorn_port):
    body = chunked(*[b'y' * 65536] * 17)  # 1.1 MB in 64 KiB chunks
    answer = raw_request(gunicorn_port, b'POST /form HTTP/1.1\r\nHost: x\r\nConnection: close\r\n'
                         b'Content-Type: application/octet-stream\r\n'
                         b'Transfer-Encoding: chunked\r\n\r\n' + body)
    assert answer.startswith(b'HTTP/1.1 200 ')
    assert answer.endswith(b'size=%d' % (65536 * 17))


def test_a_bad_chunk_size_through_gunicorn_is_a_400(gunicorn_port):
    answer = raw_request(gunicorn_port, b'POST /form HTTP/1.1\r\nHost: x\r\nConnection: close\r\n'
                         b'Content-Type: application/x-www-form-urlencoded\r\n'
                         b'Transfer-Encoding: chunked\r\n\r\nzz\r\nname=Ada\r\n0\r\n\r\n')
    assert answer.startswith(b'HTTP/1.1 400 ')
    assert b'could not be read' in answer


def test_json_nesting_is_limited_the_same_on_every_python():
    app = bottle.Bottle()
    app.route('/', method='POST', callback=lambda: 'parsed')
    app.route('/j', method='POST', callback=lambda: 'parsed %d' % len(bottle.request.json))
    at_limit = b'[' * 500 + b']' * 500
    over = b'[' * 501 + b']' * 501
    headers = {'Content-Type': 'application/json'}
    assert call(app, '/j', 'POST', body=at_limit, headers=headers).body == b'parsed 1'
    result = call(app, '/j', 'POST', body=over, headers=headers)
    assert result.code == 400 and b'nested more than 500 levels deep' in result.body


def test_brackets_inside_json_strings_do_not_count_as_nesting():
    app = bottle.Bottle()
    app.route('/j', method='POST', callback=lambda: str(len(bottle.request.json['s'])))
    body = json.dumps({'s': '[' * 2000 + '\\"{' * 100}).encode()
    assert call(app, '/j', 'POST', body=body,
                headers={'Content-Type': 'application/json'}).body == b'2300'


def test_many_flat_brackets_are_fine():
    app = bottle.Bottle()
    app.route('/j', method='POST', callback=lambda: str(len(bottle.request.json)))
    body = json.dumps([[1]] * 3000).encode()
    assert call(app, '/j', 'POST', body=body,
                headers={'Content-Type': 'application/json'}).body == b'3000'


def test_max_body_size_applies_to_small_bodies_too(monkeypatch):
    monkeypatch.setattr(bottle.BaseRequest, 'MAX_BODY_SIZE', 1000)
    result = call(echo_app(), '/', 'POST', body=b'x' * 1001)
    assert result.code == 413
    assert b'1001 bytes is larger than the limit of 1000 bytes' in result.body
    assert call(echo_app(), '/', 'POST', body=b'x' * 1000).body == b'x' * 1000
