"""One framework in one process: check or time scenarios, print the results as JSON.

run.py starts this inside the benchmark venv, one process per framework and round (and one per
upload, so that memory figures start from a fresh process)::

    worker.py FRAMEWORK --mode check|time|count|cprofile|trace --scenarios NAME,... [--ours PATH]
              [--duration SECONDS] [--upload-size BYTES] [--iterations N1,N2]
              [--profile-dir DIR]

FRAMEWORK is ours, bottle, falcon, flask or raw. The requests go straight to the WSGI callable:
build the environ, call the app, consume and close the body; no sockets. The one line on stdout:

    {"framework": ..., "label": ..., "version": ..., "python": ...,
     "results": {NAME: {"rate": ...} or {"rate": ..., "memory": ...} or {"error": "..."}}}

Modes:

- ``check``: a result is {"ok": true} or {"error": ...}.
- ``time``: ``rate`` is requests per second, MB/s (10**6 bytes) for uploads, or CPU seconds for
  the build scenario; ``memory`` is the growth of peak RSS in bytes while an upload ran, or the
  growth of RSS from building the routing app and answering its first request. The build's app
  serves the routing scenario of as many routes after it, in the same process.
- ``count``: run under ``valgrind --tool=callgrind --dump-before=getloadavg`` (instructions.py
  does): every call of :func:`mark` makes callgrind write the instructions counted since the last
  one. Each request scenario is warmed up, then run N1 times and N2 times, a mark after each;
  a result is {"dumps": [d1, d2], "counts": [N1, N2]}: the numbers of the dumps holding those two
  runs (dump 1 is the first mark) and their sizes. Their difference divided by N2 - N1 is the
  instructions per request with everything said once per run (the marks, the loop) cancelled.
  Uploads do the same with two upload sizes (counts in bytes); the build scenario has one dump
  ({"dumps": [d], "counts": [1]}): building the app and its first request.
- ``cprofile``: warm up, then N2 requests (an upload scenario: one 4 MB upload) under cProfile;
  the stats go to ``DIR/FRAMEWORK-NAME.prof`` and a result is {"profile": path, "units": N2 or
  4 (MB)}.
- ``trace`` (ours or bottle, Python 3.12+, under callgrind like ``count``): warm up, then N1
  requests (an upload scenario: one 4 MB upload; ``count`` is then 4, MB) with a mark at every
  entry into and exit from a function of the framework's module (sys.monitoring, so nothing
  else slows down); the result lists the events, and hotspots.py turns the dumps between them
  into instructions per Python function.
"""
import argparse
import cProfile
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
import types
from dataclasses import dataclass
from functools import partial
from itertools import repeat

import scenarios as s

FRAMEWORKS = ('ours', 'bottle', 'falcon', 'flask', 'raw')
CHECK_UPLOAD_SIZE = 3 * 10**6 + 7  # crosses every framework's buffer sizes; odd on purpose
WARMUP_UPLOAD_SIZE = 10**6
COUNT_WARMUP = 50  # requests before the counted runs: enough for every interpreter's
                   # specialisation and for caches filled on first use
COUNT_UPLOAD_SIZES = (2 * 10**6, 6 * 10**6)
PROFILE_UPLOAD_SIZE = 4 * 10**6


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
        try:
            import falcon.cyutil.uri  # noqa: F401  (compiled helpers of the binary wheels)
        except ImportError:
            version += ' (pure Python: no compiled falcon.cyutil)'
        return Framework('Falcon ' + version.split()[0], version, module.create_app,
                         module.create_routing_app)
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

    def remember(self, scenario, app):
        """Keep ``app`` as the app of ``scenario``'s routes (the build scenario's app serves
        the routing scenario of as many routes: building it twice under callgrind is slow)."""
        self._built.setdefault(scenario.routes, app)


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

def request_loop(app, scenario):
    """A function that sends ``scenario``'s request to ``app`` a given number of times, the way
    a server would: a fresh environ and input stream each, the body consumed and closed."""
    environ = s.make_environ(scenario)
    body = scenario.body

    def start_response(status, headers, exc_info=None):
        return _discard

    def requests(count):
        for _ in repeat(None, count):
            request_environ = environ.copy()
            request_environ['wsgi.input'] = io.BytesIO(body)
            result = app(request_environ, start_response)
            for _chunk in result:
                pass
            if hasattr(result, 'close'):
                result.close()

    return requests


def time_requests(app, scenario, duration, batches=5):
    """Requests per second answering ``scenario``: the best of ``batches`` batches of requests
    that take about ``duration`` seconds together.

    The best rather than the mean, because on a shared machine other work only ever slows a batch
    down; run.py takes the median of these over its rounds.
    """
    requests = request_loop(app, scenario)

    def run(count):
        start = time.perf_counter()
        requests(count)
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


def build_routing_app(framework, scenario):
    """Build the routing app of ``scenario.build`` routes and answer its first request (some
    routers compile on first use); the app, or AssertionError for a wrong answer."""
    app = framework.create_routing_app(scenario.build)
    status, _headers, content = call_once(app, s.make_environ(scenario), s.make_body(scenario))
    if not status.startswith('200') or content != scenario.expected_body:
        raise AssertionError('first request answered %r %s, expected 200 %s' % (
            status, _excerpt(content), _excerpt(scenario.expected_body)))
    return app


def time_build(framework, apps, scenario):
    """(CPU seconds, bytes): building the routing app of ``scenario.build`` routes and
    answering its first request, in this fresh process, and how much that grew the process'
    resident memory (RSS; tracemalloc would be exact but slows some builds to a minute). The
    app then serves the routing scenario of as many routes in this process."""
    gc.collect()
    rss_before = _rss_bytes('VmRSS')
    start = time.process_time()
    app = build_routing_app(framework, scenario)
    seconds = time.process_time() - start
    gc.collect()
    rss_after = _rss_bytes('VmRSS')
    apps.remember(scenario, app)
    grown = max(0, rss_after - rss_before) if None not in (rss_before, rss_after) else None
    return seconds, grown


def _settle_heap():
    """Collect, then move every object there is to the GC's permanent generation, as in a
    server long past its start: a full collection then scans only objects made since, and
    does not land in one counted run of requests and not in the other."""
    gc.collect()
    gc.freeze()


_marks = 0


def mark():
    """Close a counted segment: callgrind, started with ``--dump-before=getloadavg``, writes the
    instructions counted since the last mark. Returns the number of the dump (from 1)."""
    global _marks
    os.getloadavg()  # no framework calls it, so every dump is one of ours
    _marks += 1
    return _marks


def count_scenario(framework, apps, scenario, iterations):
    """Run ``scenario`` for instruction counting (see the module docstring)."""
    if scenario.build:
        mark()
        app = build_routing_app(framework, scenario)
        dump = mark()
        apps.remember(scenario, app)
        return {'dumps': [dump], 'counts': [1]}
    app = apps.for_scenario(scenario)
    if scenario.upload:
        call_once(app, s.make_environ(scenario, WARMUP_UPLOAD_SIZE),
                  s.make_body(scenario, WARMUP_UPLOAD_SIZE))
        _settle_heap()
        dumps = []
        mark()
        for size in COUNT_UPLOAD_SIZES:
            call_once(app, s.make_environ(scenario, size), s.make_body(scenario, size))
            dumps.append(mark())
        return {'dumps': dumps, 'counts': list(COUNT_UPLOAD_SIZES)}
    requests = request_loop(app, scenario)
    requests(COUNT_WARMUP)
    _settle_heap()
    dumps = []
    mark()
    for count in iterations:
        requests(count)
        dumps.append(mark())
    return {'dumps': dumps, 'counts': list(iterations)}


def _profiled_runs(app, scenario, count):
    """(function running the measured work, warm-up count, units of work it does) for the
    profiling modes: ``count`` requests, or for an upload scenario one upload of
    PROFILE_UPLOAD_SIZE bytes (units: MB)."""
    if not scenario.upload:
        return request_loop(app, scenario), COUNT_WARMUP, count

    def upload(uploads):
        for _ in repeat(None, uploads):
            call_once(app, s.make_environ(scenario, PROFILE_UPLOAD_SIZE),
                      s.make_body(scenario, PROFILE_UPLOAD_SIZE))
    return upload, 1, PROFILE_UPLOAD_SIZE / 10**6


def profile_scenario(apps, scenario, count, directory, framework_name):
    """Warm up, then ``count`` requests (an upload: one) under cProfile; the path of the
    stats file and the units of work profiled (requests, or MB)."""
    app = apps.for_scenario(scenario)
    run, warmup, units = _profiled_runs(app, scenario, count)
    run(warmup)
    _settle_heap()
    # CPU time of this thread: on a shared machine, wall time would charge whatever function
    # ran when the process was descheduled with the whole wait.
    profiler = cProfile.Profile(time.thread_time)
    profiler.runcall(run, 1 if scenario.upload else count)
    path = os.path.join(directory, '%s-%s.prof' % (framework_name, scenario.name))
    profiler.dump_stats(path)
    return path, units


class _Tracer:
    """Marks every entry into and exit from the Python functions of chosen source files, with
    sys.monitoring (3.12+) so that only those functions pay for it: under callgrind each stretch
    between two marks is one dump, and the events say which function ran in it (hotspots.py).
    """
    EVENTS = ('PY_START', 'PY_RESUME', 'PY_THROW', 'PY_RETURN', 'PY_YIELD', 'PY_UNWIND')
    GLOBAL_ONLY = ('PY_THROW', 'PY_UNWIND')  # sys.monitoring cannot set these per function

    def __init__(self, filenames):
        monitoring = getattr(sys, 'monitoring', None)
        if monitoring is None:
            raise RuntimeError('the trace mode needs Python 3.12 or newer (sys.monitoring)')
        self.monitoring = monitoring
        self.tool = monitoring.PROFILER_ID
        self.filenames = {os.path.realpath(name) for name in filenames}
        self.events = []  # [label index, event name] per mark
        # Non-empty while marking: the first runs after sys.monitoring instruments a function
        # are slow (it rewrites the bytecode), so requests run traced but unmarked first.
        self.recording = []
        self.labels = []
        self._label_of = {}
        self._codes = []

    def _watch(self, code):
        # PERF: keyed by id: a code object's hash is computed from its contents on every call
        # (thousands of instructions for a long function), and the objects live on anyway.
        if id(code) in self._label_of:
            return
        self._label_of[id(code)] = len(self.labels)
        self.labels.append('%s:%d' % (getattr(code, 'co_qualname', code.co_name),
                                      code.co_firstlineno))
        self._codes.append(code)
        for constant in code.co_consts:
            if isinstance(constant, types.CodeType):
                self._watch(constant)

    def collect(self, extra_codes=()):
        """Watch every function of the chosen files that exists now, the code objects such
        functions' modules keep in instances (compiled templates), and ``extra_codes``."""
        for code in extra_codes:
            self._watch(code)
        for thing in gc.get_objects():
            if isinstance(thing, types.FunctionType):
                code = thing.__code__
                if os.path.realpath(code.co_filename) in self.filenames:
                    self._watch(code)
            elif type(thing).__module__ in ('bottle', 'bottle_0134') and hasattr(thing,
                                                                                '__dict__'):
                for value in vars(thing).values():
                    if isinstance(value, types.CodeType):
                        self._watch(value)

    def __enter__(self):
        monitoring = self.monitoring
        monitoring.use_tool_id(self.tool, 'bench-trace')
        events = self.events
        label_of = self._label_of
        recording = self.recording
        for index, name in enumerate(self.EVENTS):
            def callback(code, *_rest, _kind=index):
                label = label_of.get(id(code))
                # PY_THROW and PY_UNWIND come from every function
                if label is not None and recording:
                    events.append((label, _kind))
                    os.getloadavg()
            monitoring.register_callback(self.tool, getattr(monitoring.events, name), callback)
        local_mask = global_mask = 0
        for name in self.EVENTS:
            if name in self.GLOBAL_ONLY:
                global_mask |= getattr(monitoring.events, name)
            else:
                local_mask |= getattr(monitoring.events, name)
        for code in self._codes:
            monitoring.set_local_events(self.tool, code, local_mask)
        monitoring.set_events(self.tool, global_mask)
        return self

    def __exit__(self, *exc_info):
        monitoring = self.monitoring
        monitoring.set_events(self.tool, 0)
        for code in self._codes:
            monitoring.set_local_events(self.tool, code, 0)
        for name in self.EVENTS:
            monitoring.register_callback(self.tool, getattr(monitoring.events, name), None)
        monitoring.free_tool_id(self.tool)


def _calibration_target():
    pass


def trace_scenario(apps, scenario, count, filenames):
    """Warm up, then calibrate and trace ``count`` requests (see :class:`_Tracer`)."""
    app = apps.for_scenario(scenario)
    requests, warmup, units = _profiled_runs(app, scenario, count)
    if scenario.upload:
        count = 1
    requests(warmup)
    tracer = _Tracer(filenames)
    gc.unfreeze()  # frozen objects (an earlier scenario's _settle_heap) are not in
    tracer.collect([_calibration_target.__code__])  # gc.get_objects(): thaw, collect, freeze
    _settle_heap()
    global _marks
    with tracer:
        requests(warmup)
        for _ in repeat(None, 20):
            _calibration_target()
        before = mark()
        tracer.recording.append(True)
        for _ in repeat(None, 20):
            _calibration_target()
        calibration_events = len(tracer.events)
        requests(count)
        tracer.recording.clear()
        _marks += len(tracer.events)  # each event's callback marked once
        mark()  # before __exit__, which un-instruments every function (slow)
    return {'labels': tracer.labels, 'events': tracer.events, 'event_names': list(_Tracer.EVENTS),
            # the instructions from event i's mark to the next mark are in dump first_dump + i
            'first_dump': before + 2, 'count': units,
            'calibration_events': calibration_events}


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

def run_scenario(framework, apps, scenario, args):
    """One scenario's result for the JSON report (see the module docstring)."""
    try:
        if args.mode == 'count':
            return count_scenario(framework, apps, scenario, args.iterations)
        if scenario.build:
            if args.mode == 'check':
                build_routing_app(framework, scenario)
                return {'ok': True}
            if args.mode == 'time':
                seconds, grown = time_build(framework, apps, scenario)
                return {'rate': seconds, 'memory': grown}
            return {'error': 'not profiled: the build scenario has no repeated requests'}
        if args.mode == 'cprofile':
            path, units = profile_scenario(apps, scenario, args.iterations[-1],
                                           args.profile_dir, args.framework)
            return {'profile': path, 'units': units}
        if args.mode == 'trace':
            return trace_scenario(apps, scenario, args.iterations[0], _traced_files(args))
        app = apps.for_scenario(scenario)
        if args.mode == 'check':
            problem = check_scenario(app, scenario)
            return {'error': problem} if problem else {'ok': True}
        if scenario.upload:
            rate, memory = time_upload(app, scenario, args.upload_size)
            return {'rate': rate, 'memory': memory}
        return {'rate': time_requests(app, scenario, args.duration)}
    except Exception as error:
        return {'error': describe(error)}


def _traced_files(args):
    """The source files whose functions the trace mode follows: the framework's module."""
    module = sys.modules.get({'ours': 'bottle', 'bottle': 'bottle_0134'}.get(args.framework, ''))
    if module is None:
        raise RuntimeError('the trace mode follows ours or bottle only')
    return [module.__file__]


def _iterations(text):
    counts = tuple(int(part) for part in text.split(','))
    if len(counts) != 2 or not 0 < counts[0] < counts[1]:
        raise argparse.ArgumentTypeError('expected N1,N2 with 0 < N1 < N2, got %r' % text)
    return counts


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('framework', choices=FRAMEWORKS)
    parser.add_argument('--mode', required=True,
                        choices=('check', 'time', 'count', 'cprofile', 'trace'))
    parser.add_argument('--scenarios', required=True, help='comma-separated scenario names')
    parser.add_argument('--ours', default=os.path.join(os.path.dirname(__file__), os.pardir,
                                                       'bottle.py'),
                        help="the bottle.py that is ours (default: the repository root's)")
    parser.add_argument('--duration', type=float, default=0.5, help='seconds per scenario')
    parser.add_argument('--upload-size', type=int, default=100 * 10**6, help='bytes')
    parser.add_argument('--iterations', type=_iterations, default=(20, 120),
                        help='count mode: requests in the two counted runs (default 20,120)')
    parser.add_argument('--profile-dir', default='.', help='cprofile mode: where stats go')
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
            name: run_scenario(framework, apps, s.SCENARIOS_BY_NAME[name], args)
            for name in names}
        report['marks'] = _marks
    output.write(json.dumps(report) + '\n')


if __name__ == '__main__':
    main()
