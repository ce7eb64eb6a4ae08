"""One framework in one process: check or time scenarios, print the results as JSON.

run.py starts this inside the benchmark venv, one process per framework and round (and one per
upload, so that memory figures start from a fresh process)::

    worker.py FRAMEWORK --mode check|time --scenarios NAME,... [--ours PATH]
              [--duration SECONDS] [--upload-size BYTES]

FRAMEWORK is ours, bottle, falcon, flask or raw. The requests go straight to the WSGI callable:
build the environ, call the app, consume and close the body; no sockets. The one line on stdout:

    {"framework": ..., "label": ..., "version": ..., "python": ...,
     "results": {NAME: {"rate": ...} or {"rate": ..., "memory": ...} or {"error": "..."}}}

``rate`` is requests per second, or MB/s (10**6 bytes) for uploads; ``memory`` is the growth of
peak RSS in bytes while the upload ran. In check mode a result is {"ok": true} or {"error": ...}.
"""
import argparse
import gc
import http.cookies
import importlib.metadata
import importlib.util
import io
import json
import os
import platform
import sys
import time
from dataclasses import dataclass
from functools import partial
from itertools import repeat

import scenarios as s

FRAMEWORKS = ('ours', 'bottle', 'falcon', 'flask', 'raw')
CHECK_UPLOAD_SIZE = 3 * 10**6 + 7  # crosses every framework's buffer sizes; odd on purpose
WARMUP_UPLOAD_SIZE = 10**6


# ---------------------------------------------------------------------------------------------
# Frameworks
# Load one framework and say how to build its apps.

@dataclass
class Framework:
    label: str
    version: str
    create_app: object
    create_routing_app: object


def load_framework(name, ours_path):
    """Import framework ``name`` and return a :class:`Framework` for it."""
    if name in ('ours', 'bottle'):
        from apps import bottle_app
        if name == 'ours':
            bottle = _load_module_from_path('bottle', ours_path)
        else:
            # From the venv, under another name, so that it could never stand in for ours.
            installed = importlib.util.find_spec('bottle').origin
            bottle = _load_module_from_path('bottle_0134', installed)
        version = getattr(bottle, '__version__', 'unknown')
        label = 'ours' if name == 'ours' else 'Bottle ' + version
        return Framework(label, version, partial(bottle_app.create_app, bottle),
                         partial(bottle_app.create_routing_app, bottle))
    if name == 'falcon':
        from apps import falcon_app as module
        version = importlib.metadata.version('falcon')
        return Framework('Falcon ' + version, version, module.create_app, module.create_routing_app)
    if name == 'flask':
        from apps import flask_app as module
        version = importlib.metadata.version('flask')
        return Framework('Flask ' + version, version, module.create_app, module.create_routing_app)
    if name == 'raw':
        from apps import raw_app as module
        return Framework('raw WSGI', platform.python_version(), module.create_app,
                         module.create_routing_app)
    raise ValueError('Unknown framework %r (expected one of %s)' % (name, ', '.join(FRAMEWORKS)))


def _load_module_from_path(module_name, path):
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None:
        raise ImportError('Cannot import %r from %s' % (module_name, path))
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


class _Apps:
    """The framework's apps, built on first use; a failed build is remembered and re-raised."""

    def __init__(self, framework):
        self._framework = framework
        self._built = {}

    def for_scenario(self, scenario):
        key = scenario.routes
        if key not in self._built:
            try:
                if key:
                    self._built[key] = self._framework.create_routing_app(key)
                else:
                    self._built[key] = self._framework.create_app()
            except Exception as error:
                self._built[key] = error
        app = self._built[key]
        if isinstance(app, Exception):
            raise RuntimeError('building the app failed: ' + describe(app))
        return app


# ---------------------------------------------------------------------------------------------
# Calling an app
# One request through the WSGI interface, the way a server does it.

def _discard(data):
    pass


def call_once(app, environ, body):
    """Call ``app`` once; return (status line, header list, body bytes)."""
    captured = []

    def start_response(status, headers, exc_info=None):
        captured[:] = [status, headers]
        return _discard

    environ = dict(environ)
    environ['wsgi.input'] = body
    result = app(environ, start_response)
    try:
        content = b''.join(result)
    finally:
        if hasattr(result, 'close'):
            result.close()
    return captured[0], captured[1], content


def describe(error):
    """An exception as one short line: its type and message."""
    text = '%s: %s' % (type(error).__name__, error)
    return text if len(text) <= 300 else text[:297] + '...'


def _excerpt(data):
    text = repr(data)
    return text if len(text) <= 100 else text[:97] + '...'


def _header(headers, name):
    values = [value for key, value in headers if key.lower() == name.lower()]
    return values[-1] if values else None


# ---------------------------------------------------------------------------------------------
# The self-check
# Every framework must answer with the bytes scenarios.py prescribes before it is timed.

def check_scenario(app, scenario):
    """None if ``app`` answers ``scenario`` as prescribed, else what was wrong."""
    size = CHECK_UPLOAD_SIZE if scenario.upload else 0
    status, headers, body = call_once(app, s.make_environ(scenario, size),
                                      s.make_body(scenario, size))
    if not status[:3].isdigit() or int(status[:3]) != scenario.status:
        return 'status %r, expected %d (body %s)' % (status, scenario.status, _excerpt(body))
    expected = scenario.expected_body
    if scenario.upload:
        expected = s.expected_upload_body(scenario.upload, size, hashing=True)
    if expected is not None and body != expected:
        return 'body %s, expected %s' % (_excerpt(body), _excerpt(expected))
    content_type = _header(headers, 'Content-Type')
    if (scenario.expected_type is not None and s.normalize_content_type(content_type)
            != s.normalize_content_type(scenario.expected_type)):
        return 'Content-Type %r, expected %r' % (content_type, scenario.expected_type)
    if scenario.expected_cookie:
        return _check_cookie(headers, *scenario.expected_cookie)
    return None


def _check_cookie(headers, name, value, max_age, path):
    cookies = http.cookies.SimpleCookie()
    for header in (value for key, value in headers if key.lower() == 'set-cookie'):
        cookies.load(header)
    morsel = cookies.get(name)
    if morsel is None:
        return 'no Set-Cookie for %r in %r' % (name, headers)
    found = (morsel.value, morsel['max-age'], morsel['path'])
    if found != (value, str(max_age), path):
        return 'cookie %r has (value, max-age, path) %r, expected %r' % (
            name, found, (value, str(max_age), path))
    return None


# ---------------------------------------------------------------------------------------------
# Timing
# Requests per second over a fixed duration; MB/s and peak memory growth for one upload.

def time_requests(app, scenario, duration, batches=5):
    """Requests per second answering ``scenario``: the best of ``batches`` batches of requests
    that take about ``duration`` seconds together.

    The best rather than the mean, because on a shared machine other work only ever slows a batch
    down; run.py takes the median of these over its rounds.
    """
    environ = s.make_environ(scenario)
    body = scenario.body

    def start_response(status, headers, exc_info=None):
        return _discard

    def run(count):
        start = time.perf_counter()
        for _ in repeat(None, count):
            request_environ = environ.copy()
            request_environ['wsgi.input'] = io.BytesIO(body)
            result = app(request_environ, start_response)
            for _chunk in result:
                pass
            if hasattr(result, 'close'):
                result.close()
        return time.perf_counter() - start

    batch_duration = duration / batches
    count = 1
    elapsed = run(count)  # doubling until a batch is long enough warms up and calibrates
    while elapsed < batch_duration / 2:
        count *= 2
        elapsed = run(count)
    count = max(1, round(count * batch_duration / elapsed))
    return max(count / run(count) for _ in range(batches))


def time_upload(app, scenario, size, attempts=3, budget=2.0):
    """(MB/s, peak RSS growth in bytes or None) for uploads of ``size`` bytes.

    MB/s is the best of up to ``attempts`` uploads, as many as fit in about ``budget`` seconds
    (a slow framework gets one, long enough to even out interruptions). The growth is counted
    from before a small warm-up upload, so memory a framework keeps from its first upload on
    counts too.
    """
    environ = s.make_environ(scenario, size)
    expected = s.expected_upload_body(scenario.upload, size, hashing=False)
    _settle_allocator()
    gc.collect()
    _reset_peak_rss()
    baseline = _rss_bytes('VmRSS')
    call_once(app, s.make_environ(scenario, WARMUP_UPLOAD_SIZE),
              s.make_body(scenario, WARMUP_UPLOAD_SIZE))
    timings = []
    while len(timings) < attempts and sum(timings) < budget:
        body = s.make_body(scenario, size)
        start = time.perf_counter()
        status, _headers, content = call_once(app, environ, body)
        timings.append(time.perf_counter() - start)
        if not status.startswith('200') or content != expected:
            raise AssertionError('upload answered %r %s, expected 200 %s'
                                 % (status, _excerpt(content), _excerpt(expected)))
    peak = _rss_bytes('VmHWM')
    growth = max(0, peak - baseline) if peak is not None and baseline is not None else None
    return size / 10**6 / min(timings), growth


def _settle_allocator():
    """Put the C allocator in the state of a server that has run for a while.

    glibc raises its mmap and trim thresholds the first time it frees a large block. Until then,
    buffers of a few hundred kB are mapped and unmapped (or the heap grown and trimmed) over and
    over, which can cost a parser most of its speed; after it they are reused. Which state a
    measurement met would otherwise depend on what the process happened to free before.
    """
    large = bytes(8 << 20)
    del large


def _rss_bytes(field):
    """VmRSS (current) or VmHWM (peak) of this process in bytes; None where /proc lacks it."""
    try:
        with open('/proc/self/status') as status:
            for line in status:
                if line.startswith(field + ':'):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def _reset_peak_rss():
    """Make VmHWM start again from the current RSS (Linux 4.0+); run.py uses fresh processes
    for uploads anyway, so where this is not possible the figure is merely less precise."""
    try:
        with open('/proc/self/clear_refs', 'w') as clear_refs:
            clear_refs.write('5')
    except OSError:
        pass


# ---------------------------------------------------------------------------------------------
# Command line

def run_scenario(apps, scenario, mode, duration, upload_size):
    """One scenario's result for the JSON report (see the module docstring)."""
    try:
        app = apps.for_scenario(scenario)
        if mode == 'check':
            problem = check_scenario(app, scenario)
            return {'error': problem} if problem else {'ok': True}
        if scenario.upload:
            rate, memory = time_upload(app, scenario, upload_size)
            return {'rate': rate, 'memory': memory}
        return {'rate': time_requests(app, scenario, duration)}
    except Exception as error:
        return {'error': describe(error)}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('framework', choices=FRAMEWORKS)
    parser.add_argument('--mode', choices=('check', 'time'), required=True)
    parser.add_argument('--scenarios', required=True, help='comma-separated scenario names')
    parser.add_argument('--ours', default=os.path.join(os.path.dirname(__file__), os.pardir,
                                                       'bottle.py'),
                        help="the bottle.py that is ours (default: the repository root's)")
    parser.add_argument('--duration', type=float, default=0.5, help='seconds per scenario')
    parser.add_argument('--upload-size', type=int, default=100 * 10**6, help='bytes')
    args = parser.parse_args(argv)
    names = [name for name in args.scenarios.split(',') if name]

    output = sys.stdout
    sys.stdout = sys.stderr  # anything the frameworks print must not corrupt the report
    s.UploadSink.hashing = args.mode == 'check'
    report = {'framework': args.framework, 'python': platform.python_version(),
              'implementation': platform.python_implementation()}
    try:
        framework = load_framework(args.framework, args.ours)
    except Exception as error:
        failure = {'error': 'loading %s failed: %s' % (args.framework, describe(error))}
        report['results'] = {name: failure for name in names}
    else:
        report.update(label=framework.label, version=framework.version)
        apps = _Apps(framework)
        report['results'] = {
            name: run_scenario(apps, s.SCENARIOS_BY_NAME[name], args.mode, args.duration,
                               args.upload_size)
            for name in names}
    output.write(json.dumps(report) + '\n')


if __name__ == '__main__':
    main()
