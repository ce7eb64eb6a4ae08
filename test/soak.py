"""The soak test (``make soak``): the fuzz app under real servers, driven for a set time.

For each server (gunicorn with sync workers, gunicorn with gthread workers,
waitress) the app of ``test/fuzz_app.py`` is started on 127.0.0.1 on a free port,
with its own TMPDIR, and driven by a bounded load generator in this process
(``SOAK_CLIENTS`` threads, each one request at a time, every request with a
timeout) for ``SOAK_SECONDS``. The mix has ordinary requests to every route,
1 MB multipart uploads, 1.1 MB chunked uploads, JSON (also deeply nested),
static files with ranges, templates, redirects, and malformed requests sent
over raw sockets (broken request lines and headers, bad Content-Length,
truncated and badly chunked bodies, huge headers).

Reported per server: requests, answers by status class, connection errors,
timeouts, the slowest answer, each worker's RSS at start (after a warm-up of a
fifth of the time), middle and end, open file descriptors, temporary files
left, worker restarts. The server fails the soak on any 5xx (but the 501 that
an unimplemented transfer coding must get), any connection error or
timeout, any temporary file left, fd growth, or RSS growth beyond
``SOAK_RSS_ALLOWANCE_MB`` after warm-up. Exit status 1 if any server failed.

Parameters (environment): SOAK_SECONDS (60 per server), SOAK_SERVERS
(comma-separated from gunicorn-sync, gunicorn-gthread, waitress; all),
SOAK_CLIENTS (8), SOAK_RSS_ALLOWANCE_MB (20), SOAK_TIMEOUT (30 s per request);
BOTTLE_TEST_MODULE_DIR serves another bottle.py, as in the test suite.
"""
import base64
import http.client
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

from helpers import free_port  # test/ is this script's directory, so it is on sys.path

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# gunicorn keeps one open temporary file per worker for its heartbeat: it goes to
# {server_tmp}, apart from the TMPDIR whose files are counted.
SERVERS = {
    'gunicorn-sync': ['-m', 'gunicorn', '--workers', '2', '--worker-class', 'sync',
                      '--timeout', '60', '--bind', '127.0.0.1:{port}',
                      '--worker-tmp-dir', '{server_tmp}', 'fuzz_app:app'],
    'gunicorn-gthread': ['-m', 'gunicorn', '--workers', '2', '--worker-class', 'gthread',
                         '--threads', '4', '--timeout', '60', '--bind', '127.0.0.1:{port}',
                         '--worker-tmp-dir', '{server_tmp}', 'fuzz_app:app'],
    'waitress': ['-m', 'waitress', '--listen', '127.0.0.1:{port}', '--threads', '4',
                 'fuzz_app:app'],
}


def env_number(name, default, kind=int):
    value = os.environ.get(name)
    return kind(value) if value else default


# ------------------------------------------------------------ Process facts ----

def children(pid):
    """PIDs of the direct children of ``pid``."""
    found = []
    for entry in os.listdir('/proc'):
        if entry.isdigit():
            try:
                with open('/proc/%s/stat' % entry) as handle:
                    fields = handle.read().rsplit(')', 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry))
    return sorted(found)


def rss_mb(pid):
    try:
        with open('/proc/%d/status' % pid) as handle:
            for line in handle:
                if line.startswith('VmRSS:'):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return None


def open_fds(pid, tmpdir):
    """(number of open fds, fds open on files under ``tmpdir``) of process ``pid``."""
    total, temp = 0, 0
    try:
        names = os.listdir('/proc/%d/fd' % pid)
    except OSError:
        return None, None
    for name in names:
        total += 1
        try:
            if os.readlink('/proc/%d/fd/%s' % (pid, name)).startswith(tmpdir):
                temp += 1
        except OSError:
            pass
    return total, temp


# ------------------------------------------------------------------ The mix ----

def _multipart(size, rng):
    boundary = 'soak%016x' % rng.getrandbits(64)
    data = os.urandom(size)
    body = (b'--%s\r\nContent-Disposition: form-data; name="note"\r\n\r\nsoak upload\r\n'
            b'--%s\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\n'
            b'Content-Type: application/octet-stream\r\n\r\n' % (boundary.encode(),
                                                                  boundary.encode())
            + data + b'\r\n--%s--\r\n' % boundary.encode())
    return body, 'multipart/form-data; boundary=' + boundary


def _chunks(data, size=65536):
    for start in range(0, len(data), size):
        yield data[start:start + size]


def ordinary_request(rng):
    """(name, method, path, body, headers, encode_chunked) of one well-formed request."""
    kind = rng.choices(
        ['index', 'query', 'headers', 'static', 'range', 'page', 'filter', 'cookies',
         'setcookie', 'redirect', 'json', 'deep_json', 'form', 'upload', 'chunked', 'stream',
         'auth', 'escape', 'notfound', 'head'],
        weights=[6, 6, 4, 6, 4, 4, 4, 3, 3, 3, 4, 1, 4, 1, 1, 3, 2, 2, 2, 2])[0]
    text = ''.join(rng.choice('abcxyz<>&"\' \u00e9\u20ac') for _ in range(rng.randint(0, 12)))
    query = urllib.parse.urlencode({'a': text, 'b': rng.randint(0, 99)})
    if kind == 'index':
        return kind, 'GET', '/', None, {}, False
    if kind == 'query':
        return kind, 'GET', '/query?' + query, None, {}, False
    if kind == 'headers':
        return kind, 'GET', '/headers', None, {'X-Forwarded-For': '10.0.0.%d, 127.0.0.1'
                                                % rng.randint(1, 254),
                                                'X-Forwarded-Host': rng.choice(
                                                    ['example.com', 'x:y:z', '[::1'])}, False
    if kind == 'static':
        return kind, 'GET', rng.choice(['/static/hello.txt', '/static/sub/data.bin',
                                        '/download/index.html']), None, {}, False
    if kind == 'range':
        start = rng.randint(0, 149000)
        return kind, 'GET', '/static/sub/data.bin', None, {
            'Range': 'bytes=%d-%d' % (start, start + rng.randint(0, 5000))}, False
    if kind == 'page':
        return kind, 'GET', '/page?' + urllib.parse.urlencode(
            [('title', text)] + [('item', str(i)) for i in range(rng.randint(0, 20))]), \
            None, {}, False
    if kind == 'filter':
        return kind, 'GET', rng.choice(['/f/int/%d' % rng.randint(-999, 999), '/f/hex/ff',
                                        '/f/float/1.5', '/f/path/a/b/c', '/f/re/abc1',
                                        '/f/multi/x/3/y/z']), None, {}, False
    if kind == 'cookies':
        return kind, 'GET', '/cookies', None, {'Cookie': 'a=1; b="x y"; signed=!bad?sig'}, False
    if kind == 'setcookie':
        return kind, 'GET', '/setcookie?' + urllib.parse.urlencode(
            {'name': 'c', 'value': text, 'signed': json.dumps([text, 1])}), None, {}, False
    if kind == 'redirect':
        return kind, 'GET', '/redirect?' + urllib.parse.urlencode(
            {'to': rng.choice(['/x', 'http://a b]?d', '/\x1f', '/caf\u00e9', text])}), \
            None, {}, False
    if kind == 'json':
        body = json.dumps({'text': text, 'list': list(range(rng.randint(0, 50)))}).encode()
        return kind, 'POST', '/json', body, {'Content-Type': 'application/json'}, False
    if kind == 'deep_json':
        depth = rng.randint(2000, 6000)
        return kind, 'POST', '/json', b'[' * depth + b']' * depth, {
            'Content-Type': 'application/json'}, False
    if kind == 'form':
        body = urllib.parse.urlencode({'a': text, 'b': 'x' * rng.randint(0, 5000)}).encode()
        return kind, 'POST', '/form', body, {
            'Content-Type': 'application/x-www-form-urlencoded'}, False
    if kind == 'upload':
        body, content_type = _multipart(1024 * 1024, rng)
        return kind, 'POST', '/form', body, {'Content-Type': content_type}, False
    if kind == 'chunked':
        data = os.urandom(1100 * 1024)
        return kind, 'POST', '/body', _chunks(data), {'Transfer-Encoding': 'chunked'}, True
    if kind == 'stream':
        return kind, 'GET', '/stream?n=%d' % rng.randint(0, 200), None, {}, False
    if kind == 'auth':
        credentials = rng.choice(['user:pass', 'user:wrong', ':', '\u00e9:x'])
        return kind, 'GET', '/auth', None, {'Authorization': 'Basic ' + base64.b64encode(
            credentials.encode('utf8')).decode()}, False
    if kind == 'escape':
        return kind, 'GET', rng.choice(['/static/escape/secret.txt', '/static/../fuzz_app.py',
                                        '/static/sub/secret_link.txt',
                                        '/static/absolute_link']), None, {}, False
    if kind == 'notfound':
        return kind, 'GET', '/nope/%d' % rng.randint(0, 9), None, {}, False
    return kind, 'HEAD', '/static/hello.txt', None, {}, False


def malformed_request(rng):
    """(name, raw bytes, close_early) of one malformed request."""
    kind = rng.choice(['bad_line', 'no_colon', 'huge_header', 'bad_length', 'truncated',
                       'bad_chunk', 'long_chunk_line', 'bad_path', 'http10', 'te_gzip',
                       'negative_length', 'control_header'])
    host = b'Host: 127.0.0.1\r\n'
    if kind == 'bad_line':
        return kind, rng.choice([b'GARBAGE\r\n\r\n', b'GET\r\n\r\n', b'GET / HTTP/9.9\r\n\r\n',
                                 b'\x00\x01\x02\r\n\r\n']), False
    if kind == 'no_colon':
        return kind, b'GET / HTTP/1.1\r\n' + host + b'NoColonHere\r\n\r\n', False
    if kind == 'huge_header':
        return kind, b'GET /headers HTTP/1.1\r\n' + host + b'X-Big: ' + b'a' * 100000 + \
            b'\r\n\r\n', False
    if kind == 'bad_length':
        return kind, b'POST /body HTTP/1.1\r\n' + host + b'Content-Length: abc\r\n\r\nxyz', False
    if kind == 'negative_length':
        return kind, b'POST /body HTTP/1.1\r\n' + host + b'Content-Length: -5\r\n\r\nxyz', False
    if kind == 'truncated':
        return kind, b'POST /form HTTP/1.1\r\n' + host + \
            b'Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 5000\r\n\r\na=b', \
            True
    if kind == 'bad_chunk':
        return kind, b'POST /body HTTP/1.1\r\n' + host + b'Transfer-Encoding: chunked\r\n\r\n' + \
            rng.choice([b'zz\r\nabc\r\n0\r\n\r\n', b'5\r\nab\r\n0\r\n\r\n',
                        b'ffffffffffffffffffff\r\nx\r\n']), True
    if kind == 'long_chunk_line':
        return kind, b'POST /body HTTP/1.1\r\n' + host + b'Transfer-Encoding: chunked\r\n\r\n' + \
            b'1' * 200000 + b'\r\n', True
    if kind == 'bad_path':
        return kind, b'GET /static/\xff\xfe%00/../x HTTP/1.1\r\n' + host + b'\r\n', False
    if kind == 'http10':
        return kind, b'GET /headers HTTP/1.0\r\n\r\n', False
    if kind == 'te_gzip':
        return kind, b'POST /body HTTP/1.1\r\n' + host + \
            b'Transfer-Encoding: gzip, chunked\r\n\r\n1\r\na\r\n0\r\n\r\n', False
    return kind, b'GET /headers HTTP/1.1\r\n' + host + b'X-Ctl: a\x01b\x7f\r\n\r\n', False


# ------------------------------------------------------------------- Client ----

# 5xx answers that are right: a transfer coding nobody implements is a 501 (RFC 9112 6.1).
EXPECTED_5XX = {('malformed te_gzip', 501)}


class Tally(object):
    """Counts shared by the client threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.requests = 0
        self.classes = {}
        self.errors = {}
        self.timeouts = 0
        self.slowest = (0.0, '')
        self.server_errors = {}

    def answer(self, name, status, seconds):
        with self.lock:
            self.requests += 1
            key = '%dxx' % (status // 100) if status else 'no answer'
            self.classes[key] = self.classes.get(key, 0) + 1
            if status and status >= 500 and (name, status) not in EXPECTED_5XX:
                key = '%s -> %d' % (name, status)
                self.server_errors[key] = self.server_errors.get(key, 0) + 1
            if seconds > self.slowest[0]:
                self.slowest = (seconds, name)

    def error(self, name, error, seconds):
        with self.lock:
            self.requests += 1
            if isinstance(error, socket.timeout):
                self.timeouts += 1
            key = '%s: %s' % (name, type(error).__name__)
            self.errors[key] = self.errors.get(key, 0) + 1
            if seconds > self.slowest[0]:
                self.slowest = (seconds, name)


def send_raw(port, raw, close_early, timeout):
    """Send raw bytes; return the status code of the answer, or None if the server closed."""
    with socket.create_connection(('127.0.0.1', port), timeout=timeout) as sock:
        try:
            sock.sendall(raw)
            if close_early:
                sock.shutdown(socket.SHUT_WR)
        except socket.timeout:
            raise
        except OSError:  # the server refused the request and closed the connection early
            pass
        data = b''
        while b'\r\n' not in data and len(data) < 65536:
            try:
                more = sock.recv(65536)
            except socket.timeout:
                raise
            except OSError:
                break
            if not more:
                break
            data += more
    first = data.split(b'\r\n', 1)[0].split()
    if len(first) >= 2 and first[0].startswith(b'HTTP/') and first[1].isdigit():
        return int(first[1])
    return None


def client(port, deadline, tally, seed, timeout):
    rng = random.Random(seed)
    connection = http.client.HTTPConnection('127.0.0.1', port, timeout=timeout)
    while time.time() < deadline:
        started = time.time()
        if rng.random() < 0.12:
            name, raw, close_early = malformed_request(rng)
            name = 'malformed ' + name
            try:
                tally.answer(name, send_raw(port, raw, close_early, timeout),
                             time.time() - started)
            except OSError as error:
                tally.error(name, error, time.time() - started)
            continue
        name, method, path, body, headers, chunked = ordinary_request(rng)
        try:
            connection.request(method, path, body=body, headers=headers, encode_chunked=chunked)
            response = connection.getresponse()
            response.read()
            tally.answer(name, response.status, time.time() - started)
            if response.will_close:
                connection.close()
        except (OSError, http.client.HTTPException) as error:
            tally.error(name, error, time.time() - started)
            connection.close()
            connection = http.client.HTTPConnection('127.0.0.1', port, timeout=timeout)
    connection.close()


# ------------------------------------------------------------------- Server ----

def wait_for_port(port, process, limit=60.0):
    """Wait until the server accepts connections (or exits, or ``limit`` seconds pass)."""
    give_up = time.time() + limit
    while time.time() < give_up:
        if process.poll() is not None:
            return False
        try:
            socket.create_connection(('127.0.0.1', port), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.1)
    return False


def worker_pids(server, process):
    return children(process.pid) if server.startswith('gunicorn') else [process.pid]


def snapshot(server, process, tmpdir):
    """{pid: (rss MB, open fds, temp fds)} of the server's worker processes."""
    facts = {}
    for pid in worker_pids(server, process):
        fds, temp = open_fds(pid, tmpdir)
        facts[pid] = (rss_mb(pid), fds, temp)
    return facts


def wait_until_quiet(server, process, tmpdir, limit=20.0):
    """After the load: wait until no temp file is open or left (requests may still finish)."""
    give_up = time.time() + limit
    while True:
        facts = snapshot(server, process, tmpdir)
        left = os.listdir(tmpdir)
        if (not left and all(temp == 0 for _, _, temp in facts.values())) \
                or time.time() > give_up:
            return facts, left
        time.sleep(0.2)


def soak(server, seconds, clients, allowance, timeout, python):
    base = tempfile.mkdtemp(prefix='bottle-soak-')
    tmpdir = os.path.join(base, 'tmp')
    os.makedirs(tmpdir)
    port = free_port()
    env = dict(os.environ, TMPDIR=tmpdir, BOTTLE_FUZZ_APP_DIR=os.path.join(base, 'app'),
               PYTHONPATH=os.pathsep.join([HERE, os.environ.get('BOTTLE_TEST_MODULE_DIR') or ROOT]))
    server_tmp = os.path.join(base, 'server-tmp')
    os.makedirs(server_tmp)
    command = [python] + [arg.format(port=port, server_tmp=server_tmp) for arg in SERVERS[server]]
    log_path = os.path.join(base, 'server.log')
    log = open(log_path, 'wb')
    process = subprocess.Popen(command, cwd=HERE, env=env, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    failures, report = [], {'server': server, 'port': port}
    try:
        if not wait_for_port(port, process):
            log.flush()
            with open(log_path, 'rb') as handle:
                raise RuntimeError('%s did not start: %s' % (server, handle.read()[-2000:]))
        tally = Tally()
        started = time.time()
        deadline = started + seconds
        threads = [threading.Thread(target=client, args=(port, deadline, tally, i, timeout),
                                    daemon=True) for i in range(clients)]
        for thread in threads:
            thread.start()
        marks = {}
        for label, fraction in (('start', 0.2), ('middle', 0.6)):
            while time.time() < started + seconds * fraction:
                time.sleep(min(0.5, max(0.0, started + seconds * fraction - time.time())))
            marks[label] = snapshot(server, process, tmpdir)
        for thread in threads:
            thread.join(timeout + seconds)
        marks['end'], left = wait_until_quiet(server, process, tmpdir)
        report.update(requests=tally.requests, classes=tally.classes, errors=tally.errors,
                      timeouts=tally.timeouts, slowest='%.2f s (%s)' % tally.slowest,
                      server_errors=tally.server_errors, seconds=round(time.time() - started))
        pids = sorted(set().union(*[set(m) for m in marks.values()]))
        workers = {}
        for pid in pids:
            row = {label: marks[label].get(pid) for label in ('start', 'middle', 'end')}
            workers[pid] = row
            if row['start'] and row['end']:
                rss0, fds0, _ = row['start']
                rss2, fds2, temp2 = row['end']
                if rss0 is not None and rss2 is not None and rss2 - rss0 > allowance:
                    failures.append('worker %d RSS grew %.1f MB after warm-up (%.1f -> %.1f)'
                                    % (pid, rss2 - rss0, rss0, rss2))
                if fds0 is not None and fds2 is not None and fds2 > fds0 + 2:
                    failures.append('worker %d open fds grew from %d to %d' % (pid, fds0, fds2))
            end = row['end']
            if end and end[2]:
                failures.append('worker %d has %d temporary files open' % (pid, end[2]))
        restarted = [pid for pid in pids if marks['start'].get(pid) is None or
                     marks['end'].get(pid) is None]
        report.update(workers=workers, temp_files_left=left, restarted=restarted)
        if left:
            failures.append('%d temporary files left in TMPDIR' % len(left))
        if restarted:
            failures.append('workers replaced during the soak: %s' % restarted)
        server_errors = sum(tally.server_errors.values())
        if server_errors:
            failures.append('%d answers were 5xx: %s' % (server_errors, ', '.join(
                '%s (%d)' % item for item in sorted(tally.server_errors.items()))))
        if tally.errors:
            failures.append('%d connection errors or timeouts: %s' % (
                sum(tally.errors.values()), tally.errors))
    finally:
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()
        with open(log_path, 'rb') as handle:
            tail = '\n'.join(handle.read().decode('utf8', 'replace').splitlines()[-12:])
        shutil.rmtree(base, ignore_errors=True)
    report['failures'] = failures
    report['log_tail'] = tail if failures else ''
    return report


def print_report(report):
    print('\n== %s on 127.0.0.1:%d, %s s' % (report['server'], report['port'],
                                             report.get('seconds')))
    print('requests %d, answers %s (5xx counts the expected 501s), errors %s, timeouts %d, '
          'slowest %s' % (
        report.get('requests', 0), json.dumps(report.get('classes', {}), sort_keys=True),
        json.dumps(report.get('errors', {}), sort_keys=True), report.get('timeouts', 0),
        report.get('slowest')))
    print('worker  RSS MB start/middle/end      open fds start/middle/end  temp fds end')
    for pid, row in sorted(report.get('workers', {}).items()):
        def cell(index, row=row):
            return '/'.join('-' if row[label] is None or row[label][index] is None else
                            ('%.1f' % row[label][index] if index == 0 else
                             '%d' % row[label][index]) for label in ('start', 'middle', 'end'))
        print('%-7d %-28s %-26s %s' % (pid, cell(0), cell(1), row['end'][2] if row['end']
                                       else '-'))
    print('temporary files left: %d' % len(report.get('temp_files_left', [])))
    for failure in report['failures']:
        print('FAIL: ' + failure)
    if report['failures'] and report['log_tail']:
        print('server log (tail):\n' + report['log_tail'])
    if not report['failures']:
        print('ok')


def main():
    seconds = env_number('SOAK_SECONDS', 60, float)
    clients = env_number('SOAK_CLIENTS', 8)
    allowance = env_number('SOAK_RSS_ALLOWANCE_MB', 20.0, float)
    timeout = env_number('SOAK_TIMEOUT', 30.0, float)
    servers = [s.strip() for s in os.environ.get('SOAK_SERVERS', '').split(',') if s.strip()] \
        or list(SERVERS)
    unknown = [s for s in servers if s not in SERVERS]
    if unknown:
        sys.exit('Unknown servers %s; known: %s' % (unknown, list(SERVERS)))
    print('make soak: %s, %g s each, %d clients' % (', '.join(servers), seconds, clients),
          flush=True)
    failed = []
    for server in servers:
        try:
            report = soak(server, seconds, clients, allowance, timeout, sys.executable)
        except RuntimeError as error:
            report = {'server': server, 'port': 0, 'failures': [str(error)], 'log_tail': ''}
        print_report(report)
        sys.stdout.flush()
        if report['failures']:
            failed.append(server)
    print('\nsoak: %d servers, %d failed%s' % (len(servers), len(failed),
                                              (': ' + ', '.join(failed)) if failed else ''))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
