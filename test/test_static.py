"""static_file() and its helpers: path confinement, types, downloads, caching headers,
conditional and range requests; parse_range_header, parse_auth, auth_basic,
WSGIFileWrapper and the closing iterator.

Files are served from a ``tmp_path`` tree through real WSGI calls to an app with a
``/static/<path:path>`` route; options of static_file() come from the query string.
"""
import base64
import io
import os
import time

import pytest

import bottle
from helpers import call, call_environ, file_wrapper_double, make_environ

HELLO = b'hello world'


@pytest.fixture
def tree(tmp_path):
    """root/ with files of several types, a subdirectory and symlinks; outside/ beside it."""
    root = tmp_path / 'root'
    outside = tmp_path / 'outside'
    (root / 'sub').mkdir(parents=True)
    outside.mkdir()
    (root / 'a.txt').write_bytes(HELLO)
    (root / 'data.json').write_bytes(b'{"a": 1}')
    (root / 'page.html').write_bytes(b'<p>hi</p>')
    (root / 'style.css').write_bytes(b'p {}')
    (root / 'picture.png').write_bytes(b'\x89PNG\r\n')
    (root / 'archive.tar.gz').write_bytes(b'\x1f\x8b' + os.urandom(100))
    (root / 'log.gz').write_bytes(b'\x1f\x8b' + os.urandom(100))
    (root / 'dump.bz2').write_bytes(b'BZh' + os.urandom(100))
    (root / 'backup.xz').write_bytes(b'\xfd7zXZ' + os.urandom(100))
    (root / 'page.br').write_bytes(os.urandom(100))
    (root / 'old.Z').write_bytes(b'\x1f\x9d' + os.urandom(100))
    (root / 'track').write_bytes(b'ID3' + os.urandom(100))
    (root / 'noextension').write_bytes(b'plain')
    (root / 'sub' / 'b.txt').write_bytes(b'in a subdirectory')
    (root / '%2e%2e').mkdir()
    (outside / 'secret.txt').write_bytes(b'top secret')
    os.symlink(str(outside / 'secret.txt'), str(root / 'escape.txt'))
    os.symlink(str(outside), str(root / 'escape_dir'))
    os.symlink('a.txt', str(root / 'alias.txt'))
    return root


@pytest.fixture
def app(tree):
    app = bottle.Bottle()

    @app.route('/static/<path:path>')
    def serve(path):
        options = dict(bottle.request.query.allitems())
        for key in ('download', 'mimetype'):
            if options.get(key) in ('True', 'False'):
                options[key] = options[key] == 'True'
        return bottle.static_file(path, root=str(tree), **options)
    return app


def get(app, path, **kwargs):
    return call(app, path, **kwargs)


def mtime_of(path):
    return os.stat(str(path)).st_mtime


# --------------------------------------------------------------------------- serving files

def test_file_is_served_with_type_length_and_body(app):
    r = get(app, '/static/a.txt')
    assert r.code == 200
    assert r.body == HELLO
    assert r.header('Content-Type') == 'text/plain; charset=UTF-8'
    assert r.header('Content-Length') == '11'


def test_file_in_a_subdirectory_is_served(app):
    assert get(app, '/static/sub/b.txt').body == b'in a subdirectory'


def test_last_modified_is_the_file_mtime(app, tree):
    r = get(app, '/static/a.txt')
    assert r.header('Last-Modified') == bottle.http_date(mtime_of(tree / 'a.txt'))


def test_date_and_accept_ranges_headers_are_sent(app):
    r = get(app, '/static/a.txt')
    assert bottle.parse_date(r.header('Date')) is not None
    assert r.header('Accept-Ranges') == 'bytes'


def test_etag_is_generated_and_stable(app):
    first, second = get(app, '/static/a.txt'), get(app, '/static/a.txt')
    assert first.header('ETag')
    assert first.header('ETag') == second.header('ETag')


def test_etag_changes_when_the_file_changes(app, tree):
    before = get(app, '/static/a.txt').header('ETag')
    (tree / 'a.txt').write_bytes(b'changed content')
    os.utime(str(tree / 'a.txt'), (time.time() + 10, time.time() + 10))
    assert get(app, '/static/a.txt').header('ETag') != before


def test_given_etag_is_sent_as_is(app):
    assert get(app, '/static/a.txt', query='etag=v42').header('ETag') == 'v42'


def test_symlink_inside_the_root_is_followed(app):
    assert get(app, '/static/alias.txt').body == HELLO


def test_large_file_is_streamed_through_the_file_wrapper(app, tree):
    data = os.urandom(3 * 1024 * 1024)
    (tree / 'big.bin').write_bytes(data)
    file_wrapper = file_wrapper_double()
    environ = make_environ('/static/big.bin', **{'wsgi.file_wrapper': file_wrapper})
    r = call_environ(app, environ)
    assert r.body == data
    assert len(file_wrapper.handed_over) == 1 and hasattr(file_wrapper.handed_over[0], 'read')
    assert file_wrapper.handed_over[0].closed


def test_returned_response_can_be_raised(tree):
    app = bottle.Bottle()

    @app.route('/')
    def raise_it():
        raise bottle.static_file('a.txt', root=str(tree))
    assert get(app, '/').body == HELLO


def test_relative_root_is_resolved_against_the_working_directory(tree, monkeypatch):
    monkeypatch.chdir(str(tree.parent))
    app = bottle.Bottle()

    @app.route('/<path:path>')
    def serve(path):
        return bottle.static_file(path, root='./root')
    assert get(app, '/sub/b.txt').body == b'in a subdirectory'


def test_extra_headers_are_sent(app, tree):
    app2 = bottle.Bottle()

    @app2.route('/<path:path>')
    def serve(path):
        return bottle.static_file(path, root=str(tree), headers={'Cache-Control': 'max-age=60'})
    r = get(app2, '/a.txt')
    assert r.header('Cache-Control') == 'max-age=60'
    assert r.body == HELLO


def test_extra_content_type_header_wins_over_the_guess(tree):
    # differs from 0.13.4: it overwrites the caller's Content-Type with its guess
    app = bottle.Bottle()

    @app.route('/<path:path>')
    def serve(path):
        return bottle.static_file(path, root=str(tree), headers={'content-type': 'text/x-custom'})
    assert get(app, '/a.txt').header_list('Content-Type') == ['text/x-custom']


# --------------------------------------------------------------------------- content types

@pytest.mark.parametrize('name, expected', [
    ('a.txt', 'text/plain; charset=UTF-8'),
    ('page.html', 'text/html; charset=UTF-8'),
    ('style.css', 'text/css; charset=UTF-8'),
    ('data.json', 'application/json'),
    ('picture.png', 'image/png'),
])
def test_mimetype_is_guessed_from_the_extension(app, name, expected):
    assert get(app, '/static/' + name).header('Content-Type') == expected


@pytest.mark.parametrize('name, expected', [
    ('log.gz', 'application/gzip'),
    ('archive.tar.gz', 'application/gzip'),
    ('dump.bz2', 'application/x-bzip2'),
    ('backup.xz', 'application/x-xz'),
    ('page.br', 'application/x-brotli'),
    ('old.Z', 'application/x-compress'),
])
def test_compressed_files_are_served_as_archives_without_content_encoding(app, name, expected):
    r = get(app, '/static/' + name)
    assert r.header('Content-Type') == expected
    assert r.header('Content-Encoding') is None


def test_unknown_type_is_served_as_octet_stream(app):
    # differs from 0.13.4: it sends no type, so the default text/html applies
    # (which lets a browser render an uploaded file as HTML)
    assert get(app, '/static/noextension').header('Content-Type') == 'application/octet-stream'


def test_explicit_mimetype_is_used(app):
    assert get(app, '/static/a.txt', query='mimetype=image/png').header('Content-Type') == \
        'image/png'


def test_explicit_text_mimetype_gets_the_charset(app):
    assert get(app, '/static/a.txt', query='mimetype=text/x-log').header('Content-Type') == \
        'text/x-log; charset=UTF-8'


def test_charset_parameter_changes_the_text_charset(app):
    assert get(app, '/static/a.txt', query='charset=latin1').header('Content-Type') == \
        'text/plain; charset=latin1'


def test_explicit_mimetype_with_charset_is_not_changed(app):
    r = get(app, '/static/a.txt', query='mimetype=text/plain; charset=ascii')
    assert r.header('Content-Type') == 'text/plain; charset=ascii'


# --------------------------------------------------------------------------- downloads

def test_download_true_offers_the_file_under_its_own_name(app):
    r = get(app, '/static/sub/b.txt', query='download=True')
    assert r.header('Content-Disposition') == 'attachment; filename="b.txt"'


def test_download_name_is_offered(app):
    r = get(app, '/static/a.txt', query='download=report 2024.txt')
    assert r.header('Content-Disposition') == 'attachment; filename="report 2024.txt"'
    assert r.body == HELLO


def test_download_name_decides_the_guessed_mimetype(app):
    r = get(app, '/static/track', query='download=report.mp3')
    assert r.header('Content-Type') == 'audio/mpeg'
    assert r.header('Content-Disposition') == 'attachment; filename="report.mp3"'


def test_compressed_download_name_is_an_archive_without_content_encoding(app):
    r = get(app, '/static/a.txt', query='download=a.txt.gz')
    assert r.header('Content-Type') == 'application/gzip'
    assert r.header('Content-Encoding') is None


def test_download_true_guesses_from_the_files_own_name(app):
    assert get(app, '/static/a.txt', query='download=True').header('Content-Type') == \
        'text/plain; charset=UTF-8'


def test_download_name_with_non_ascii_characters_uses_rfc6266(app):
    # differs from 0.13.4: it puts the raw name in filename="..."
    r = get(app, '/static/a.txt', query='download=r\u00e9sum\u00e9.txt')
    value = r.header('Content-Disposition')
    assert value.startswith('attachment; filename="r?sum?.txt"')
    assert "filename*=UTF-8''r%C3%A9sum%C3%A9.txt" in value


def test_download_name_with_quotes_is_escaped(app):
    # differs from 0.13.4: it does not escape the quotes
    r = get(app, '/static/a.txt', query='download=say "hi".txt')
    assert r.header('Content-Disposition') == 'attachment; filename="say \\"hi\\".txt"'


# --------------------------------------------------------------------------- refused paths

def test_missing_file_gives_404(app):
    assert get(app, '/static/missing.txt').code == 404


def test_directory_gives_404(app):
    assert get(app, '/static/sub').code == 404


def test_dot_dot_escaping_the_root_gives_403(app):
    r = get(app, '/static/x', raw_path='/static/../outside/secret.txt')
    assert r.code == 403
    assert b'top secret' not in r.body


def test_dot_dot_that_stays_inside_the_root_gives_403(app):
    # differs from 0.13.4: it serves sub/../a.txt; any '..' segment is refused here
    assert get(app, '/static/x', raw_path='/static/sub/../a.txt').code == 403


def test_percent_encoded_dot_dot_decoded_by_the_server_gives_403(app):
    # A server decodes /static/%2e%2e/outside/secret.txt before the app sees it.
    from urllib.parse import unquote
    path = unquote('/static/%2e%2e/outside/secret.txt')
    r = get(app, '/static/x', raw_path=path)
    assert r.code == 403


def test_literal_percent_2e_in_a_path_is_a_name_not_a_parent(app):
    # A double-encoded request reaches the app as the literal '%2e%2e'; it names a
    # directory of that name inside the root, never the parent.
    r = get(app, '/static/x', raw_path='/static/%2e%2e/outside/secret.txt')
    assert r.code == 404
    assert b'top secret' not in r.body


def test_absolute_path_gives_403(tree):
    # differs from 0.13.4: it strips the leading slash and looks inside the root (404)
    app = bottle.Bottle()

    @app.route('/')
    def serve():
        return bottle.static_file(str(tree.parent / 'outside' / 'secret.txt'), root=str(tree))
    r = get(app, '/')
    assert r.code == 403
    assert b'top secret' not in r.body


def test_symlink_to_a_file_outside_the_root_gives_403(app):
    # differs from 0.13.4: it follows the symlink and serves the outside file
    r = get(app, '/static/escape.txt')
    assert r.code == 403
    assert b'top secret' not in r.body


def test_symlinked_directory_outside_the_root_gives_403(app):
    # differs from 0.13.4: it follows the symlink and serves the outside file
    r = get(app, '/static/escape_dir/secret.txt')
    assert r.code == 403
    assert b'top secret' not in r.body


def test_nul_byte_in_the_path_gives_404_not_500(app):
    r = get(app, '/static/x', raw_path='/static/a.txt\x00.png')
    assert r.code == 404


def test_backslash_dot_dot_gives_403(app):
    # differs from 0.13.4: on POSIX it looks for a file named '..\outside\secret.txt' (404);
    # backslashes separate segments here as on Windows, so this is a traversal
    r = get(app, '/static/x', raw_path='/static/..\\outside\\secret.txt')
    assert r.code == 403
    assert b'top secret' not in r.body


def test_backslash_separates_directories(app):
    # differs from 0.13.4: it looks for a file named 'sub\b.txt'
    assert get(app, '/static/x', raw_path='/static/sub\\b.txt').body == b'in a subdirectory'


def test_windows_drive_path_gives_403(app):
    # differs from 0.13.4: on POSIX it looks for a file named 'C:\...' inside the root (404)
    assert get(app, '/static/x', raw_path='/static/C:\\Windows\\win.ini').code == 403


def test_unreadable_file_gives_403(app, tree, monkeypatch):
    target = str(tree / 'a.txt')
    real_access = os.access
    monkeypatch.setattr(os, 'access', lambda path, mode, *a, **k: False
                        if os.path.realpath(path) == os.path.realpath(target)
                        else real_access(path, mode, *a, **k))
    r = get(app, '/static/a.txt')
    assert r.code == 403
    assert HELLO not in r.body


def test_file_without_read_permission_gives_403(app, tree):
    target = tree / 'locked.txt'
    target.write_bytes(b'locked')
    target.chmod(0)
    try:
        if os.access(str(target), os.R_OK):
            pytest.skip('running with privileges that ignore file permissions')
        assert get(app, '/static/locked.txt').code == 403
    finally:
        target.chmod(0o644)


# --------------------------------------------------------------------------- conditional requests

def test_if_modified_since_the_mtime_gives_304(app, tree):
    since = bottle.http_date(mtime_of(tree / 'a.txt'))
    r = get(app, '/static/a.txt', headers={'If-Modified-Since': since})
    assert r.code == 304
    assert r.body == b''
    assert r.header('Content-Length') in (None, '0')


def test_if_modified_since_later_gives_304(app, tree):
    since = bottle.http_date(mtime_of(tree / 'a.txt') + 3600)
    assert get(app, '/static/a.txt', headers={'If-Modified-Since': since}).code == 304


def test_if_modified_since_earlier_gives_200(app, tree):
    since = bottle.http_date(mtime_of(tree / 'a.txt') - 3600)
    r = get(app, '/static/a.txt', headers={'If-Modified-Since': since})
    assert r.code == 200 and r.body == HELLO


@pytest.mark.parametrize('value', ['not a date', '', 'Sun, 99 Foo 1994 25:61:61 GMT', '12345'])
def test_if_modified_since_that_is_not_a_date_is_ignored(app, value):
    r = get(app, '/static/a.txt', headers={'If-Modified-Since': value})
    assert r.code == 200 and r.body == HELLO


def test_304_carries_the_etag(app, tree):
    etag = get(app, '/static/a.txt').header('ETag')
    since = bottle.http_date(mtime_of(tree / 'a.txt'))
    assert get(app, '/static/a.txt', headers={'If-Modified-Since': since}).header('ETag') == etag


def test_if_none_match_with_the_etag_gives_304(app):
    etag = get(app, '/static/a.txt').header('ETag')
    r = get(app, '/static/a.txt', headers={'If-None-Match': etag})
    assert r.code == 304 and r.body == b''


def test_if_none_match_with_another_etag_gives_200(app):
    r = get(app, '/static/a.txt', headers={'If-None-Match': '"something-else"'})
    assert r.code == 200 and r.body == HELLO


def test_if_none_match_with_a_given_etag_gives_304(app):
    r = get(app, '/static/a.txt', query='etag=v42', headers={'If-None-Match': 'v42'})
    assert r.code == 304


def test_if_none_match_list_with_a_weak_match_gives_304(app):
    # differs from 0.13.4: it compares the whole header with the ETag as one string
    etag = get(app, '/static/a.txt').header('ETag')
    r = get(app, '/static/a.txt', headers={'If-None-Match': '"other", W/%s' % etag})
    assert r.code == 304


def test_if_none_match_star_gives_304(app):
    # differs from 0.13.4: '*' matches any current representation (RFC 9110)
    assert get(app, '/static/a.txt', headers={'If-None-Match': '*'}).code == 304


def test_if_none_match_takes_precedence_over_if_modified_since(app, tree):
    # differs from 0.13.4: it answers 304 because of the date although the ETag differs
    since = bottle.http_date(mtime_of(tree / 'a.txt') + 3600)
    r = get(app, '/static/a.txt', headers={'If-None-Match': '"old-version"',
                                           'If-Modified-Since': since})
    assert r.code == 200 and r.body == HELLO


def test_extra_headers_are_sent_with_304(tree):
    app = bottle.Bottle()

    @app.route('/<path:path>')
    def serve(path):
        return bottle.static_file(path, root=str(tree), headers={'Cache-Control': 'max-age=60'})
    since = bottle.http_date(mtime_of(tree / 'a.txt'))
    r = get(app, '/a.txt', headers={'If-Modified-Since': since})
    assert r.code == 304
    assert r.header('Cache-Control') == 'max-age=60'


# --------------------------------------------------------------------------- ranges

@pytest.mark.parametrize('header, body, content_range', [
    ('bytes=0-4', b'hello', 'bytes 0-4/11'),
    ('bytes=6-', b'world', 'bytes 6-10/11'),
    ('bytes=-3', b'rld', 'bytes 8-10/11'),
    ('bytes=0-100', HELLO, 'bytes 0-10/11'),
    ('bytes=-100', HELLO, 'bytes 0-10/11'),
    ('bytes=4-4', b'o', 'bytes 4-4/11'),
    ('bytes= 1 - 2 ', b'el', 'bytes 1-2/11'),
])
def test_single_range_gives_206(app, header, body, content_range):
    r = get(app, '/static/a.txt', headers={'Range': header})
    assert r.code == 206
    assert r.body == body
    assert r.header('Content-Range') == content_range
    assert r.header('Content-Length') == str(len(body))


def test_range_bytes_minus_zero_gives_416(app):
    # A suffix of zero bytes selects nothing.
    r = get(app, '/static/a.txt', headers={'Range': 'bytes=-0'})
    assert r.code == 416
    assert HELLO not in r.body


def test_range_bytes_5_to_2_gives_416(app):
    # The last byte before the first one makes the range invalid.
    r = get(app, '/static/a.txt', headers={'Range': 'bytes=5-2'})
    assert r.code == 416
    assert HELLO not in r.body


@pytest.mark.parametrize('header', ['bytes=100-', 'bytes=11-', 'bytes=a-b', 'bytes='])
def test_unsatisfiable_range_gives_416(app, header):
    r = get(app, '/static/a.txt', headers={'Range': header})
    assert r.code == 416
    assert HELLO not in r.body


def test_416_names_the_file_length(app):
    # differs from 0.13.4: it sends no Content-Range with 416 (RFC 9110 asks for one)
    r = get(app, '/static/a.txt', headers={'Range': 'bytes=100-'})
    assert r.header('Content-Range') == 'bytes */11'


def test_several_ranges_are_answered_with_the_first_one_as_0_13_does(app):
    r = get(app, '/static/a.txt', headers={'Range': 'bytes=0-0,1-1'})
    assert r.code == 206
    assert r.body == b'h'
    assert r.header('Content-Range') == 'bytes 0-0/11'
    assert r.header('Content-Length') == '1'


def test_several_ranges_start_with_the_first_satisfiable_one(app):
    r = get(app, '/static/a.txt', headers={'Range': 'bytes=60-70, 6-, 0-1'})
    assert r.code == 206
    assert r.body == b'world'
    assert r.header('Content-Range') == 'bytes 6-10/11'


def test_one_satisfiable_range_among_unsatisfiable_ones_gives_206(app):
    r = get(app, '/static/a.txt', headers={'Range': 'bytes=50-60, 0-1'})
    assert r.code == 206 and r.body == b'he'


def test_unknown_range_unit_is_ignored(app):
    # differs from 0.13.4: it answers 416; RFC 9110 says to ignore unknown units
    r = get(app, '/static/a.txt', headers={'Range': 'lines=0-1'})
    assert r.code == 200 and r.body == HELLO


def test_range_of_a_large_file_is_exact(app, tree):
    data = os.urandom(3 * 1024 * 1024 + 7)
    (tree / 'big.bin').write_bytes(data)
    start, end = 1024 * 1024 - 3, 2 * 1024 * 1024 + 5
    r = get(app, '/static/big.bin', headers={'Range': 'bytes=%d-%d' % (start, end)})
    assert r.code == 206
    assert r.body == data[start:end + 1]
    assert r.header('Content-Range') == 'bytes %d-%d/%d' % (start, end, len(data))


def test_if_range_with_the_current_etag_allows_the_range(app):
    etag = get(app, '/static/a.txt').header('ETag')
    r = get(app, '/static/a.txt', headers={'Range': 'bytes=0-4', 'If-Range': etag})
    assert r.code == 206 and r.body == b'hello'


def test_if_range_with_an_old_etag_sends_the_whole_file(app):
    # differs from 0.13.4: it ignores If-Range
    r = get(app, '/static/a.txt', headers={'Range': 'bytes=0-4', 'If-Range': '"old"'})
    assert r.code == 200 and r.body == HELLO


def test_if_range_with_an_old_date_sends_the_whole_file(app, tree):
    # differs from 0.13.4: it ignores If-Range
    old = bottle.http_date(mtime_of(tree / 'a.txt') - 3600)
    r = get(app, '/static/a.txt', headers={'Range': 'bytes=0-4', 'If-Range': old})
    assert r.code == 200 and r.body == HELLO


# --------------------------------------------------------------------------- HEAD

def test_head_sends_the_headers_only(app):
    r = get(app, '/static/a.txt', method='HEAD')
    assert r.code == 200
    assert r.body == b''
    assert r.header('Content-Length') == '11'
    assert r.header('Content-Type') == 'text/plain; charset=UTF-8'
    assert r.header('ETag')


def test_head_with_a_range_sends_the_range_headers(app):
    r = get(app, '/static/a.txt', method='HEAD', headers={'Range': 'bytes=0-4'})
    assert r.code == 206
    assert r.body == b''
    assert r.header('Content-Range') == 'bytes 0-4/11'
    assert r.header('Content-Length') == '5'


def test_head_of_a_missing_file_gives_404(app):
    assert get(app, '/static/missing.txt', method='HEAD').code == 404


# --------------------------------------------------------------------------- parse_range_header

@pytest.mark.parametrize('header, maxlen, ranges', [
    ('bytes=0-4', 11, [(0, 5)]),
    ('bytes=-3', 11, [(8, 11)]),
    ('bytes=6-', 11, [(6, 11)]),
    ('bytes=0-100', 11, [(0, 11)]),
    ('bytes=-100', 11, [(0, 11)]),
    ('bytes=0-4, 6-8', 11, [(0, 5), (6, 9)]),
    ('bytes=0-0,1-1', 11, [(0, 1), (1, 2)]),
    ('bytes= 1 - 2 ', 11, [(1, 3)]),
    ('bytes=-0', 11, []),
    ('bytes=5-2', 11, []),
    ('bytes=100-', 11, []),
    ('bytes=a-b', 11, []),
    ('bytes=--1', 11, []),
    ('bytes=1', 11, []),
    ('bytes=', 11, []),
    ('', 11, []),
    ('chars=0-1', 11, []),
    ('bytes=0-4', 0, []),
])
def test_parse_range_header(header, maxlen, ranges):
    assert list(bottle.parse_range_header(header, maxlen)) == ranges


def test_parse_range_header_skips_absurdly_long_numbers():
    assert list(bottle.parse_range_header('bytes=0-1,' + '9' * 5000 + '-', 11)) == [(0, 2)]


def test_parse_range_header_is_a_generator():
    ranges = bottle.parse_range_header('bytes=0-1', 11)
    assert iter(ranges) is ranges


# --------------------------------------------------------------------------- parse_auth, auth_basic

def basic(user, password):
    return 'Basic ' + base64.b64encode(('%s:%s' % (user, password)).encode('utf8')).decode()


def test_parse_auth_decodes_basic_credentials():
    assert bottle.parse_auth(basic('user', 'pass:word')) == ('user', 'pass:word')


@pytest.mark.parametrize('header', ['', 'Basic', 'Basic !!!not-base64!!!', 'Bearer abc.def',
                                    'Basic ' + base64.b64encode(b'no-colon').decode()])
def test_parse_auth_gives_none_for_anything_else(header):
    assert bottle.parse_auth(header) is None


def protected_app(**options):
    app = bottle.Bottle()

    @app.route('/')
    @bottle.auth_basic(lambda user, password: (user, password) == ('admin', 'secret'), **options)
    def secret():
        return 'welcome'
    return app


def test_auth_basic_without_credentials_gives_401_with_a_challenge():
    r = get(protected_app(), '/')
    assert r.code == 401
    assert r.header('WWW-Authenticate') == 'Basic realm="private"'
    assert b'Access denied' in r.body


def test_auth_basic_with_wrong_credentials_gives_401():
    r = get(protected_app(), '/', headers={'Authorization': basic('admin', 'wrong')})
    assert r.code == 401


def test_auth_basic_with_the_right_credentials_calls_the_route():
    r = get(protected_app(), '/', headers={'Authorization': basic('admin', 'secret')})
    assert r.code == 200 and r.text == 'welcome'


def test_auth_basic_realm_and_text_are_configurable():
    r = get(protected_app(realm='Staff only', text='Go away'), '/')
    assert r.header('WWW-Authenticate') == 'Basic realm="Staff only"'
    assert b'Go away' in r.body


def test_auth_basic_keeps_the_callback_name():
    @bottle.auth_basic(lambda user, password: True)
    def named_callback():
        return 'x'
    assert named_callback.__name__ == 'named_callback'


# ---------------------------------------------------------------------- WSGIFileWrapper, _closeiter

def test_wsgi_file_wrapper_iterates_in_blocks():
    wrapper = bottle.WSGIFileWrapper(io.BytesIO(b'abcdefghij'), buffer_size=4)
    assert list(wrapper) == [b'abcd', b'efgh', b'ij']


def test_wsgi_file_wrapper_exposes_the_file_methods():
    source = io.BytesIO(b'abcdef')
    wrapper = bottle.WSGIFileWrapper(source)
    assert wrapper.read(2) == b'ab'
    wrapper.seek(4)
    assert wrapper.tell() == 4
    wrapper.close()
    assert source.closed


def test_closeiter_iterates_and_calls_every_close_callback():
    closed = []
    iterator = bottle._closeiter(iter([b'a', b'b']), [lambda: closed.append(1),
                                                      lambda: closed.append(2)])
    assert list(iterator) == [b'a', b'b']
    iterator.close()
    assert closed == [1, 2]


def test_closeiter_with_a_single_callback():
    closed = []
    iterator = bottle._closeiter([b'x'], lambda: closed.append(True))
    iterator.close()
    assert closed == [True]


def test_headers_argument_cannot_override_the_real_content_length(tree):
    app = bottle.Bottle()
    app.route('/f', callback=lambda: bottle.static_file(
        'a.txt', root=str(tree), headers={'Content-Length': '3', 'X-Extra': 'yes'}))
    r = get(app, '/f')
    assert r.code == 200
    assert r.header('Content-Length') == str(len(HELLO))
    assert r.body == HELLO
    assert r.header('X-Extra') == 'yes'
