#!/usr/bin/env python3
"""Benchmark our bottle.py against Bottle 0.13.4, Falcon 4, Flask 3 and a raw WSGI function.

Usage (from the repository root; ``make bench`` runs the first line)::

    python3 bench/run.py --instructions       # timed and counted, 3.11 and the newest Python
    python3 bench/run.py --quick              # one short round, to see that it all works
    python3 bench/run.py --instructions-only  # instruction counts only: fit for a busy machine
    python3 bench/run.py --scenarios hello,json,upload --frameworks ours,falcon
    python3 bench/run.py --pythons current,3.13,3.14
    python3 bench/run.py --ours /tmp/ref/bottle.py   # another bottle.py plays "ours"
    python3 bench/run.py --show --rst         # the last run's tables as RST, for the README

What it does, for each Python of ``--pythons`` (default ``current,newest``: the Python running
this script and the newest one found here; see ``bench/interpreters.py``):

1. Makes (or reuses) the venv ``.venv/bench-X.Y`` with the packages pinned in
   ``bench/requirements.txt``; it is rebuilt only when that file (or the Python) changes.
   This script itself needs nothing but the standard library, and bottle.py gains no dependency.
2. Self-check: every framework answers every scenario once and must send the status and body
   bytes that ``bench/scenarios.py`` prescribes (the Content-Type, and for ``cookie`` the
   Set-Cookie attributes, too; for ``notfound`` only the status). A framework that fails a
   scenario is not measured on it and shows "n/a" with the reason under the table. A failure of
   any framework but ours means the harness is wrong: the run goes on, but exits with status 2.
3. Rounds: each round runs every framework in its own process (``bench/worker.py``), rotating
   their order from round to round. Requests go straight to the WSGI callable: build the
   environ, call the app, consume and close the body, no sockets. Each request scenario runs
   for ``--duration`` seconds per round, in five batches of which the fastest counts (other
   work on a shared machine only ever slows a batch down). Each upload runs in a fresh process:
   the fastest of up to three uploads that fit in about two seconds. The build scenario runs in
   a fresh process too.
4. Instructions (``--instructions``): each framework once more under
   ``valgrind --tool=callgrind``, every scenario run at two iteration counts and the two counts
   differenced, so that start-up cancels out (``bench/instructions.py``): instructions per
   request, figures that do not move with the load on the machine. Two such processes run at a
   time (``--jobs``). valgrind is installed from Debian's packages when missing and we are root.
5. Import time: ``python -X importtime -c "import MODULE"``, cumulative, median of several runs
   (ours imported from its own path), every module loaded from a bytecode cache that a first,
   uncounted run fills; with ``--instructions`` also the instructions of the import.
6. Prints the medians as a table per Python, each framework's figure also as a ratio to ours
   (its figure divided by ours'), and writes everything to ``bench/results/latest.json``.

Ours is copied first (``bench/results/ours-<hash>/bottle.py``) and that copy is measured on
every Python, so that edits to bottle.py during a run do not mix versions.

Scenarios (``--scenarios``; ``upload`` means both uploads, ``routing`` the four route scales):
  hello       static route, short text
  dynamic     /api/resN/<id:int>, 50 such routes, the last one matches
  query       four query parameters read
  json        a small dict returned as JSON
  notfound    the default 404 page (only the status must match)
  form        urlencoded POST, three fields read
  cookie      one cookie read, one set with max_age and path
  template    a 20-row loop with HTML escaping (SimpleTemplate, Jinja2, or html.escape for raw)
  route10, route100, route1000, route10000
              an app of N mixed routes in families of five (two static, three dynamic, such as
              /route/r7/new and /route/r7/<id:int>/edit); the request matches the last dynamic
              route added. Flat figures from 10 to 10,000 mean routing cost does not grow.
  upload-random, upload-text
              one multipart file part (100 MB; random bytes, or short CRLF lines with boundary
              look-alikes) copied to a sink through request.files or the framework's equivalent:
              MB/s (10**6 bytes) and growth of the process' peak RSS (MiB). The body is produced
              as a stream, never held in memory, so the memory figure is the framework's.
  build10000  building the app of 10,000 mixed routes and answering its first request (routers
              that compile do it then): CPU seconds, and the MiB the app then holds (tracemalloc)
  import      import time of the framework's module, in ms

Frameworks (``--frameworks``): ours (``--ours``, default: bottle.py at the repository root,
imported under the name ``bottle``), bottle (Bottle 0.13.4 from the venv, imported as
``bottle_0134`` so that it cannot shadow ours), falcon, flask, raw (hand-written WSGI: the
ceiling).

Other options: ``--rounds N`` (default 5), ``--duration SECONDS`` per request scenario and round
(default 0.5), ``--upload-mb N`` (default 100), ``--import-runs N`` (default 15), ``--quick``
(1 round, 0.1 s, 10 MB uploads, 3 import runs; explicit options win), ``--iterations N1,N2``
(requests of the two counted runs, default 20,120), ``--rst``/``--markdown`` to print the tables
in that format, ``--show`` to print the tables of ``bench/results/latest.json`` without running
anything.
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

import instructions
import interpreters
import scenarios

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
RESULTS_FILE = BENCH_DIR / 'results' / 'latest.json'
WORKER = BENCH_DIR / 'worker.py'

FRAMEWORKS = ('ours', 'bottle', 'falcon', 'flask', 'raw')
IMPORTED_MODULES = {'ours': 'bottle', 'bottle': 'bottle', 'falcon': 'falcon', 'flask': 'flask'}
REQUEST_SCENARIOS = [s.name for s in scenarios.SCENARIOS if s.kind == 'request']
UPLOAD_SCENARIOS = [s.name for s in scenarios.SCENARIOS if s.kind == 'upload']
BUILD_SCENARIOS = [s.name for s in scenarios.SCENARIOS if s.kind == 'build']
ALL_SCENARIOS = REQUEST_SCENARIOS + UPLOAD_SCENARIOS + BUILD_SCENARIOS + ['import']
SCENARIO_GROUPS = {'upload': UPLOAD_SCENARIOS,
                   'routing': [s.name for s in scenarios.SCENARIOS
                               if s.routes and s.kind == 'request']}
MEMORY_SUFFIX = ' memory'
INSTRUCTIONS_SUFFIX = ' instr'
NOT_MEASURED = 'not measured: '
NOT_COUNTED = 'not counted: '


def log(message):
    print(message, file=sys.stderr, flush=True)


def _child_environment():
    """Our environment without what would change which modules a child process imports."""
    return {key: value for key, value in os.environ.items()
            if key not in ('PYTHONPATH', 'PYTHONHOME', 'PYTHONSTARTUP', 'PYTHONSAFEPATH')}


# ---------------------------------------------------------------------------------------------
# Running workers
# One worker process per framework and round (per upload and build too); see worker.py.

def run_worker(python, framework, mode, names, options, upload_size, prefix=(), environment=None,
               timeout=None):
    """Run worker.py (after the command ``prefix``, such as valgrind); return its report, or
    {'error': ...} if it did not produce one."""
    command = [*prefix, str(python), str(WORKER), framework, '--mode', mode,
               '--scenarios', ','.join(names), '--ours', str(options.ours),
               '--duration', str(options.duration), '--upload-size', str(upload_size)]
    if getattr(options, 'iterations', None):
        command += ['--iterations', '%d,%d' % tuple(options.iterations)]
    if timeout is None:
        timeout = 120 + 5 * options.duration * len(names) + (600 if upload_size else 0)
    try:
        process = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                                 cwd=REPO_ROOT, env=environment or _child_environment())
    except subprocess.TimeoutExpired:
        return {'error': 'worker timed out after %d s' % timeout}
    try:
        return json.loads(process.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        lines = process.stderr.strip().splitlines() or ['no output']
        return {'error': 'worker exited with status %d: %s' % (process.returncode, lines[-1])}


def self_check(python, frameworks, names, options):
    """{framework: {scenario: error or None}} and {framework: {label, version}}.

    Pairs in ``scenarios.NOT_MEASURED`` are not run; their error says why.
    """
    failures, identities = {}, {}
    for framework in frameworks:
        skipped = {name: NOT_MEASURED + scenarios.NOT_MEASURED[(framework, name)]
                   for name in names if (framework, name) in scenarios.NOT_MEASURED}
        checked = [name for name in names if name not in skipped]
        report = run_worker(python, framework, 'check', checked, options, 0) if checked else {}
        identities[framework] = {'label': report.get('label', framework),
                                 'version': report.get('version'),
                                 'python': report.get('python')}
        results = report.get('results', {})
        failures[framework] = dict(skipped)
        failures[framework].update({
            name: report.get('error') or results.get(name, {}).get('error') for name in checked})
        failed = {name: error for name, error in failures[framework].items()
                  if error and name not in skipped}
        log('check %-7s %s%s' % (framework, 'ok' if not failed else '%d of %d scenarios failed'
                                 % (len(failed), len(checked)),
                                 ' (%d not measured)' % len(skipped) if skipped else ''))
    return failures, identities


def time_rounds(python, frameworks, names, passed, options):
    """{(row, framework): [samples]} and {(row, framework): [errors]} over all rounds."""
    samples, errors = {}, {}
    # A build scenario runs in its own process, followed by the routing scenario its app
    # serves (building that app again would cost Falcon some 20 s a round).
    built = {scenarios.SCENARIOS_BY_NAME[name].routes: name
             for name in names if name in BUILD_SCENARIOS}
    served = {name: built[scenarios.SCENARIOS_BY_NAME[name].routes] for name in names
              if name in REQUEST_SCENARIOS and scenarios.SCENARIOS_BY_NAME[name].routes in built}
    request_names = [name for name in names if name in REQUEST_SCENARIOS and name not in served]
    alone = [[name] for name in names if name in UPLOAD_SCENARIOS]
    alone += [[name] + [served_name for served_name, by in served.items() if by == name]
              for name in names if name in BUILD_SCENARIOS]
    groups = [group for group in [request_names] + alone if group]
    upload_size = int(options.upload_mb * 10**6)
    for round_index in range(options.rounds):
        shift = round_index % len(frameworks)
        order = frameworks[shift:] + frameworks[:shift]
        log('round %d of %d' % (round_index + 1, options.rounds))
        for group in groups:
            for framework in order:
                wanted = [name for name in group if passed(framework, name)]
                if not wanted:
                    continue
                started = time.perf_counter()
                report = run_worker(python, framework, 'time', wanted, options,
                                    upload_size if group[0] in UPLOAD_SCENARIOS else 0)
                log('  %-7s %-14s %5.1f s' % (framework, 'requests' if group is request_names
                                              else group[0], time.perf_counter() - started))
                _collect(report, framework, wanted, samples, errors)
    return samples, errors


def _collect(report, framework, names, samples, errors):
    for name in names:
        result = report.get('results', {}).get(name) or {'error': report.get('error', 'no result')}
        if 'error' in result:
            errors.setdefault((name, framework), []).append(result['error'])
            continue
        samples.setdefault((name, framework), []).append(result['rate'])
        if result.get('memory') is not None:
            samples.setdefault((name + MEMORY_SUFFIX, framework), []).append(result['memory'])


# ---------------------------------------------------------------------------------------------
# Instruction counts
# One worker per framework under callgrind (bench/instructions.py), two at a time.

def count_instructions(python, frameworks, names, passed, options, valgrind):
    """{(row, framework): [instructions]} and {(row, framework): [errors]}.

    The build scenario goes first: its app then serves the routing scenario of as many routes.
    """
    ordered = ([name for name in names if name in BUILD_SCENARIOS]
               + [name for name in names if name not in BUILD_SCENARIOS])
    environment = instructions.counting_environment(_child_environment())

    def count(framework):
        wanted = [name for name in ordered if passed(framework, name)
                  and (framework, name) not in scenarios.NOT_COUNTED]
        if not wanted:
            return framework, wanted, {}, {}
        started = time.perf_counter()
        with instructions.temporary_directory() as directory:
            out_file = Path(directory) / 'callgrind.out'
            report = run_worker(python, framework, 'count', wanted, options, 0,
                                prefix=instructions.callgrind_command(valgrind, out_file),
                                environment=environment, timeout=3600)
            dumps = instructions.dump_files(out_file)
            values, problems = {}, {}
            for name in wanted:
                result = report.get('results', {}).get(name) or {
                    'error': report.get('error', 'no result')}
                try:
                    if 'error' in result:
                        raise ValueError(result['error'])
                    values[name] = instructions.per_unit(result, dumps)[0]
                except ValueError as error:
                    problems[name] = str(error)
        log('  %-7s counted %d scenarios in %.0f s' % (framework, len(wanted),
                                                      time.perf_counter() - started))
        return framework, wanted, values, problems

    samples, errors = {}, {}
    for (framework, name), reason in scenarios.NOT_COUNTED.items():
        if framework in frameworks and name in names:
            errors[(name + INSTRUCTIONS_SUFFIX, framework)] = [reason]
    log('instructions: %d frameworks under callgrind, %d at a time'
        % (len(frameworks), options.jobs))
    with ThreadPoolExecutor(max_workers=options.jobs) as pool:
        for framework, _wanted, values, problems in pool.map(count, frameworks):
            for name, value in values.items():
                samples[(name + INSTRUCTIONS_SUFFIX, framework)] = [value]
            for name, problem in problems.items():
                errors[(name + INSTRUCTIONS_SUFFIX, framework)] = [problem]
    return samples, errors


def count_imports(python, frameworks, options, valgrind):
    """{('import instr', framework): [instructions]}: ``import MODULE`` under callgrind, between
    two marks, the bytecode cache filled by a first, native run."""
    samples, errors = {}, {}
    environment = instructions.counting_environment(_child_environment())
    environment.pop('PYTHONDONTWRITEBYTECODE', None)
    with instructions.temporary_directory() as directory:
        environment['PYTHONPYCACHEPREFIX'] = os.path.join(directory, 'pycache')
        for framework in (name for name in frameworks if name in IMPORTED_MODULES):
            code = 'import os, sys\n'
            if framework == 'ours':
                code += 'sys.path.insert(0, %r)\n' % str(options.ours.parent)
            code += 'os.getloadavg()\nimport %s\nos.getloadavg()\n' % IMPORTED_MODULES[framework]
            out_file = Path(directory) / ('%s.out' % framework)
            key = ('import' + INSTRUCTIONS_SUFFIX, framework)
            try:
                subprocess.run([str(python), '-c', code], check=True, capture_output=True,
                               cwd=directory, env=environment, timeout=120)
                subprocess.run(instructions.callgrind_command(valgrind, out_file)
                               + [str(python), '-c', code], check=True, capture_output=True,
                               cwd=directory, env=environment, timeout=1200)
                dumps = instructions.dump_files(out_file)
                samples[key] = [instructions.total_instructions(dumps[2])]
            except (subprocess.SubprocessError, OSError, KeyError, ValueError) as error:
                errors[key] = ['counting the import failed: %s' % error]
    return samples, errors


# ---------------------------------------------------------------------------------------------
# Import time
# python -X importtime, cumulative microseconds of the framework's top-level module.

def import_times(python, frameworks, options):
    """{framework: [milliseconds]} and {framework: [errors]}.

    Runs in an empty directory with the bytecode cache in it; the first run fills the cache and
    is not counted.
    """
    samples, errors = {}, {}
    measured = [framework for framework in frameworks if framework in IMPORTED_MODULES]
    with tempfile.TemporaryDirectory() as directory:
        for run_index in range(options.import_runs + 1):
            for framework in measured:
                try:
                    milliseconds = _import_time(python, framework, options.ours, directory)
                except RuntimeError as error:
                    errors.setdefault(framework, []).append(str(error))
                    continue
                if run_index:
                    samples.setdefault(framework, []).append(milliseconds)
    return samples, errors


def _import_environment(pycache):
    """Bytecode caching on for every module, in one place: the environment here may turn it off
    (PYTHONDONTWRITEBYTECODE), and ours would then be compiled on every import."""
    environment = _child_environment()
    environment.pop('PYTHONDONTWRITEBYTECODE', None)
    environment['PYTHONPYCACHEPREFIX'] = pycache
    return environment


def _import_time(python, framework, ours_path, directory):
    module = IMPORTED_MODULES[framework]
    code = 'import %s' % module
    if framework == 'ours':
        # The venv has a bottle.py too: make sure the module imported is the one at ours_path.
        code = ('import sys; sys.path.insert(0, %r); %s\nif %s.__file__ != %r: sys.exit(%r)'
                % (str(ours_path.parent), code, module, str(ours_path),
                   'ours is not importable from %s' % ours_path))
    process = subprocess.run([str(python), '-X', 'importtime', '-c', code], capture_output=True,
                             text=True, cwd=directory, timeout=120,
                             env=_import_environment(os.path.join(directory, 'pycache')))
    if process.returncode != 0:
        lines = process.stderr.strip().splitlines() or ['no output']
        raise RuntimeError('importing %s failed: %s' % (module, lines[-1]))
    for line in process.stderr.splitlines():
        if line.startswith('import time:') and line.count('|') == 2:
            _self, cumulative, name = line[len('import time:'):].split('|')
            if name[1:] == module:  # top level: one space, no indentation
                return int(cumulative) / 1000
    raise RuntimeError('no import time reported for %s' % module)


# ---------------------------------------------------------------------------------------------
# The report
# Medians, ratios to ours, the machine; as JSON and as a table.

def machine_description(python_version):
    cpu_model = platform.processor() or platform.machine()
    try:
        with open('/proc/cpuinfo') as cpuinfo:
            for line in cpuinfo:
                if line.startswith('model name'):
                    cpu_model = line.split(':', 1)[1].strip()
                    break
    except OSError:
        pass
    return {'cores': os.cpu_count(), 'cpu_model': cpu_model,
            'python': '%s %s' % (platform.python_implementation(), python_version),
            'system': platform.platform()}


def _load_average():
    """The one-minute load average, or None where the system does not tell."""
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):
        return None


def _figures(name, timed, counted):
    """[(row key, unit, higher is better)] of scenario ``name``."""
    figures = []
    if timed:
        if name in UPLOAD_SCENARIOS:
            figures += [(name, 'MB/s', True), (name + MEMORY_SUFFIX, 'MiB peak RSS growth', False)]
        elif name in BUILD_SCENARIOS:
            figures += [(name, 's CPU', False), (name + MEMORY_SUFFIX, 'MiB RSS growth', False)]
        elif name == 'import':
            figures += [(name, 'ms', False)]
        else:
            figures += [(name, 'req/s', True)]
    if counted:
        unit = ('instr/B' if name in UPLOAD_SCENARIOS
                else 'M instr' if name in BUILD_SCENARIOS or name == 'import' else 'instr/req')
        figures.append((name + INSTRUCTIONS_SUFFIX, unit, False))
    return figures


def build_rows(names, frameworks, samples, errors, timed=True, counted=False):
    """The report's rows: one per scenario and figure, values per framework with their ratio."""
    rows = []
    for name in names:
        for key, unit, higher_is_better in _figures(name, timed, counted):
            values = {}
            for framework in frameworks:
                if name == 'import' and framework not in IMPORTED_MODULES:
                    values[framework] = {'samples': [], 'not_applicable': True}
                    continue
                found = samples.get((key, framework), [])
                if key.endswith(MEMORY_SUFFIX):
                    found = [value / 2**20 for value in found]
                if unit == 'M instr':
                    found = [value / 10**6 for value in found]
                value = {'samples': found}
                if found:
                    value['median'] = statistics.median(found)
                problems = errors.get((key.replace(MEMORY_SUFFIX, ''), framework))
                if not problems and not found:  # e.g. a failed self-check: no figure at all
                    problems = errors.get((name, framework))
                if problems:
                    value['errors'] = problems
                values[framework] = value
            ours = values.get('ours', {}).get('median')
            for value in values.values():
                if ours and 'median' in value and not key.endswith(MEMORY_SUFFIX):
                    value['ratio'] = value['median'] / ours
            rows.append({'scenario': key, 'unit': unit, 'higher_is_better': higher_is_better,
                         'values': values})
    return rows


def table(report):
    """(header, rows, notes): the cells of the results table and the notes below it."""
    frameworks = list(report['frameworks'])
    header = ['scenario', 'unit'] + [report['frameworks'][f]['label'] for f in frameworks]
    lines = []
    notes = {}  # (framework label, message) -> scenarios it concerns, in order of appearance

    def note_number(label, message, scenario):
        scenarios_noted = notes.setdefault((label, message), [])
        if scenario not in scenarios_noted:
            scenarios_noted.append(scenario)
        return list(notes).index((label, message)) + 1

    for row in report['rows']:
        cells = [row['scenario'], row['unit']]
        scenario = row['scenario'].replace(MEMORY_SUFFIX, '').replace(INSTRUCTIONS_SUFFIX, '')
        for framework in frameworks:
            value = row['values'][framework]
            label = report['frameworks'][framework]['label']
            if value.get('not_applicable'):
                cells.append('-')
            elif 'median' not in value:
                error = (value.get('errors') or ['not measured'])[0]
                if NOT_MEASURED in error or error.startswith(NOT_COUNTED):
                    message = error[error.index(NOT_MEASURED):] if NOT_MEASURED in error \
                        else error
                else:
                    message = 'n/a (error: %s)' % error
                cells.append('n/a [%d]' % note_number(label, message, scenario))
            else:
                cell = _format_number(value['median'], row['unit'])
                if framework != 'ours' and 'ratio' in value:
                    cell += ' (%.2fx)' % value['ratio']
                if value.get('errors'):
                    message = '%d of %d rounds failed: %s' % (
                        len(value['errors']), len(value['errors']) + len(value['samples']),
                        value['errors'][0])
                    cell += ' [%d]' % note_number(label, message, scenario)
                cells.append(cell)
        lines.append(cells)
    texts = ['%s (%s): %s' % (label, ', '.join(names), message)
             for (label, message), names in notes.items()]
    return header, lines, texts


def _format_number(number, unit):
    if unit == 'req/s':
        return '{:,.0f}'.format(number)
    if unit == 'instr/req':
        return '{:,.1f}k'.format(number / 1000)
    if unit in ('instr/B', 's CPU'):
        return '{:,.2f}'.format(number)
    return '{:,.1f}'.format(number)


def caption(report):
    machine = report['machine']
    settings = report['settings']
    rounds = settings['rounds']
    parts = []
    if settings.get('timed', True):
        parts.append('medians of %d rounds' % rounds if rounds > 1 else 'a single round')
    if settings.get('instructions'):
        parts.append('instructions counted by callgrind (requests: %d and %d, differenced)'
                     % tuple(settings['iterations']))
    if settings.get('ours_sha256'):
        parts.append('ours: bottle.py sha256 %s' % settings['ours_sha256'][:12])
    return ('%s, one run on a shared machine: %s cores (%s), %s; %s. '
            'In brackets: each framework\'s figure divided by ours.'
            % (report['date'][:10], machine['cores'], machine['cpu_model'], machine['python'],
               '; '.join(parts)))


def format_plain(header, lines):
    widths = [max(len(cells[i]) for cells in [header] + lines) for i in range(len(header))]

    def line(cells):
        return '  '.join(cell.ljust(width) for cell, width in zip(cells, widths)).rstrip()

    rule = '  '.join('-' * width for width in widths)
    return '\n'.join([line(header), rule] + [line(cells) for cells in lines])


def format_rst(header, lines):
    widths = [max(len(cells[i]) for cells in [header] + lines) for i in range(len(header))]
    rule = '  '.join('=' * width for width in widths)

    def line(cells):
        return '  '.join(cell.ljust(width) for cell, width in zip(cells, widths)).rstrip()

    return '\n'.join([rule, line(header), rule] + [line(cells) for cells in lines] + [rule])


def format_markdown(header, lines):
    rows = [header, ['---'] * len(header)] + lines
    return '\n'.join('| ' + ' | '.join(cells) + ' |' for cells in rows)


def print_report(report, style):
    header, lines, notes = table(report)
    formatter = {'plain': format_plain, 'rst': format_rst, 'markdown': format_markdown}[style]
    print(caption(report))
    print()
    print(formatter(header, lines))
    if notes:
        print()
        for number, note in enumerate(notes, 1):
            print('[%d] %s' % (number, note) if style != 'markdown' else
                  '%d. %s' % (number, note))


def print_results(results, style):
    """Every Python's table of a results file (older files hold one report)."""
    reports = results.get('reports', [results] if 'rows' in results else [])
    for index, report in enumerate(reports):
        if index:
            print()
        print_report(report, style)
    for note in results.get('notes', []):
        print('note: ' + note)


# ---------------------------------------------------------------------------------------------
# Command line

def parse_arguments(argv):
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n')[0],
        epilog='See the docstring at the top of bench/run.py for what is measured and how.')
    parser.add_argument('--pythons', default='current,newest',
                        help='comma-separated: current, newest, a version such as 3.13, or a '
                             'path (default current,newest)')
    parser.add_argument('--rounds', type=int, help='rounds of all frameworks (default 5)')
    parser.add_argument('--duration', type=float,
                        help='seconds per request scenario and round (default 0.5)')
    parser.add_argument('--upload-mb', type=float, help='size of the uploaded file (default 100)')
    parser.add_argument('--import-runs', type=int, help='import time runs (default 15)')
    parser.add_argument('--scenarios', default=','.join(ALL_SCENARIOS),
                        help='comma-separated, from: %s, upload, routing'
                             % ', '.join(ALL_SCENARIOS))
    parser.add_argument('--frameworks', default=','.join(FRAMEWORKS),
                        help='comma-separated, from: %s' % ', '.join(FRAMEWORKS))
    parser.add_argument('--quick', action='store_true',
                        help='1 round of 0.1 s, 10 MB uploads, 3 import runs')
    parser.add_argument('--instructions', action='store_true',
                        help='also count instructions per request with callgrind')
    parser.add_argument('--instructions-only', action='store_true',
                        help='count instructions, time nothing (unaffected by machine load; '
                             'wins over --instructions)')
    parser.add_argument('--iterations', default='20,120',
                        help='requests in the two counted runs (default 20,120)')
    parser.add_argument('--jobs', type=int, default=2,
                        help='callgrind processes at a time (default 2)')
    parser.add_argument('--ours', default=str(REPO_ROOT / 'bottle.py'),
                        help='the bottle.py that is ours (default: the repository root\'s)')
    style = parser.add_mutually_exclusive_group()
    style.add_argument('--rst', dest='style', action='store_const', const='rst',
                       help='print the table as reStructuredText')
    style.add_argument('--markdown', dest='style', action='store_const', const='markdown',
                       help='print the table as Markdown')
    parser.add_argument('--show', action='store_true',
                        help='print the tables of bench/results/latest.json; run nothing')
    parser.add_argument('--results-file', type=Path, default=RESULTS_FILE,
                        help='where the results go (default bench/results/latest.json)')
    options = parser.parse_args(argv)
    defaults = ({'rounds': 1, 'duration': 0.1, 'upload_mb': 10, 'import_runs': 3} if options.quick
                else {'rounds': 5, 'duration': 0.5, 'upload_mb': 100, 'import_runs': 15})
    for name, default in defaults.items():
        if getattr(options, name) is None:
            setattr(options, name, default)
    options.style = options.style or 'plain'
    options.ours = Path(options.ours).resolve()
    options.scenario_names = _parse_list(parser, 'scenario', options.scenarios, ALL_SCENARIOS,
                                         SCENARIO_GROUPS)
    options.framework_names = _parse_list(parser, 'framework', options.frameworks, FRAMEWORKS, {})
    if options.rounds < 1 or options.duration <= 0 or options.upload_mb <= 0 or options.jobs < 1:
        parser.error('--rounds, --duration, --upload-mb and --jobs must be positive')
    try:
        options.iterations = tuple(int(part) for part in options.iterations.split(','))
    except ValueError:
        options.iterations = ()
    if len(options.iterations) != 2 or not 0 < options.iterations[0] < options.iterations[1]:
        parser.error('--iterations must be N1,N2 with 0 < N1 < N2')
    options.timed = not options.instructions_only
    options.counted = options.instructions or options.instructions_only
    return options


def _parse_list(parser, kind, text, known, groups):
    """The names in comma-separated ``text``, groups expanded, in the order of ``known``."""
    wanted = set()
    for name in filter(None, (part.strip() for part in text.split(','))):
        if name in groups:
            wanted.update(groups[name])
        elif name in known:
            wanted.add(name)
        else:
            parser.error('unknown %s %r (choose from %s)' % (
                kind, name, ', '.join(list(known) + list(groups))))
    if not wanted:
        parser.error('no %s chosen' % kind)
    return [name for name in known if name in wanted]


def run_on(interpreter, options, valgrind):
    """Run the benchmark on one Python; return (report, whether the self-check found a harness
    error)."""
    started = time.perf_counter()
    load_at_start = _load_average()
    log('=== Python %s (%s: %s)' % (interpreter.version, interpreter.origin,
                                    interpreter.executable))
    python = interpreters.ensure_venv(interpreter, log)
    frameworks, names = options.framework_names, options.scenario_names
    checked = [name for name in names if name != 'import']
    failures, identities = self_check(python, frameworks, checked, options)
    harness_error = False
    errors = {}
    for framework in frameworks:
        for name, error in failures[framework].items():
            if error and error.startswith(NOT_MEASURED):
                errors[(name, framework)] = [error]
            elif error:
                errors[(name, framework)] = ['self-check: ' + error]
                harness_error = harness_error or framework != 'ours'
                log('  %s, %s: %s' % (framework, name, error))

    def passed(framework, name):
        return not failures[framework].get(name)

    samples = {}
    if options.timed:
        samples, timing_errors = time_rounds(python, frameworks, checked, passed, options)
        for key, problems in timing_errors.items():
            errors.setdefault(key, []).extend(problems)
    counted = options.counted and valgrind is not None
    if counted:
        count_started = time.perf_counter()
        counts, count_errors = count_instructions(python, frameworks, checked, passed, options,
                                                  valgrind)
        samples.update(counts)
        errors.update(count_errors)
        if 'import' in names:
            counts, count_errors = count_imports(python, frameworks, options, valgrind)
            samples.update(counts)
            errors.update(count_errors)
        log('instructions counted in %.0f s' % (time.perf_counter() - count_started))
    if 'import' in names and options.timed:
        log('import time, %d runs' % options.import_runs)
        import_samples, import_errors = import_times(python, frameworks, options)
        for framework, values in import_samples.items():
            samples[('import', framework)] = values
        for framework, problems in import_errors.items():
            errors[('import', framework)] = problems

    python_version = next((identity['python'] for identity in identities.values()
                           if identity.get('python')), interpreter.version)
    report = {
        'date': datetime.now(timezone.utc).isoformat(timespec='seconds'),
        'machine': dict(machine_description(python_version),
                        load_average={'start': load_at_start, 'end': _load_average()}),
        'interpreter': {'executable': interpreter.executable, 'origin': interpreter.origin,
                        'build': interpreter.build},
        'settings': {'rounds': options.rounds, 'duration': options.duration,
                     'upload_mb': options.upload_mb, 'import_runs': options.import_runs,
                     'quick': options.quick, 'ours': getattr(options, 'ours_original',
                                                             str(options.ours)),
                     'ours_sha256': getattr(options, 'ours_digest', None),
                     'scenarios': names, 'frameworks': frameworks,
                     'timed': options.timed, 'instructions': counted,
                     'iterations': list(options.iterations)},
        'frameworks': identities,
        'rows': build_rows(names, frameworks, samples, errors, options.timed, counted),
        'runtime_seconds': round(time.perf_counter() - started, 1),
    }
    return report, harness_error


def run_in_root(interpreter, options):
    """Run this script inside the Debian sid root for ``interpreter`` (see interpreters.py);
    return (its reports, notes, whether it found a harness error). Its tables go to stderr."""
    log('=== Python %s in the Debian sid root %s' % (interpreter.version, interpreter.root))
    results_file = RESULTS_FILE.parent / ('sid-root-%s.json' % interpreter.minor)
    RESULTS_FILE.parent.mkdir(parents=True, exist_ok=True)
    if results_file.exists():
        results_file.unlink()
    arguments = [str(BENCH_DIR / 'run.py'), '--pythons', 'current',
                 '--results-file', str(results_file),
                 '--rounds', str(options.rounds), '--duration', str(options.duration),
                 '--upload-mb', str(options.upload_mb), '--import-runs', str(options.import_runs),
                 '--scenarios', ','.join(options.scenario_names),
                 '--frameworks', ','.join(options.framework_names),
                 '--iterations', '%d,%d' % tuple(options.iterations), '--jobs', str(options.jobs),
                 '--ours', str(options.ours)]
    if options.instructions_only:
        arguments.append('--instructions-only')
    elif options.instructions:
        arguments.append('--instructions')
    with interpreters.RootLock(interpreter.root, log):
        command = interpreters.root_command(interpreter, arguments, [options.ours.parent])
        status = subprocess.run(command, stdout=sys.stderr).returncode
    try:
        results = json.loads(results_file.read_text())
    except (OSError, ValueError):
        note = ('Python %s in the sid root: the run inside it failed (status %d; its output is '
                'above)' % (interpreter.version, status))
        log('note: ' + note)
        return [], [note], False
    return results['reports'], results.get('notes', []), status == 2


def snapshot_ours(options):
    """Measure one fixed copy of ours on every Python of the run: the working tree's
    bottle.py may change while the benchmark runs. The copy goes to
    ``bench/results/ours-<sha256 prefix>/bottle.py`` (inside the checkout, so that the sid
    root sees it too); an ``--ours`` that is such a copy already is kept."""
    import hashlib
    source = options.ours
    options.ours_original, options.ours_digest = str(source), None
    if not source.exists():
        return
    data = source.read_bytes()
    options.ours_digest = hashlib.sha256(data).hexdigest()
    if source.parent.parent == RESULTS_FILE.parent and source.parent.name.startswith('ours-'):
        return
    target = RESULTS_FILE.parent / ('ours-' + options.ours_digest[:12]) / 'bottle.py'
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    options.ours = target


def run(options):
    """Run the benchmark on every Python chosen; return (results, harness error found)."""
    started = time.perf_counter()
    snapshot_ours(options)
    load_at_start = _load_average()
    if options.timed and load_at_start is not None and load_at_start > 0.5:
        log('warning: load average %.2f: other work is running, the timed figures will be noisy'
            ' (instruction counts are not affected)' % load_at_start)
    if 'ours' in options.framework_names and not options.ours.exists():
        log('warning: %s does not exist; ours will show n/a' % options.ours)
    chosen, notes = interpreters.select(options.pythons)
    for note in notes:
        log('note: ' + note)
    valgrind = None
    if options.counted:
        valgrind = instructions.ensure_valgrind(log)
        if valgrind is None:
            notes.append('instructions not counted: valgrind is missing and could not be '
                         'installed (apt-get install valgrind, as root)')
            log('note: ' + notes[-1])
    reports, harness_error = [], False
    for interpreter in chosen:
        if interpreter.root:
            found_reports, found_notes, found_error = run_in_root(interpreter, options)
            reports += found_reports
            notes += found_notes
            harness_error = harness_error or found_error
            continue
        try:
            report, found_error = run_on(interpreter, options, valgrind)
        except RuntimeError as error:  # the venv could not be built
            notes.append('Python %s skipped: %s' % (interpreter.version, error))
            log('note: ' + notes[-1])
            continue
        reports.append(report)
        harness_error = harness_error or found_error
    results = {'reports': reports, 'notes': notes,
               'runtime_seconds': round(time.perf_counter() - started, 1)}
    return results, harness_error


def main(argv=None):
    options = parse_arguments(argv)
    results_file = options.results_file
    if options.show:
        if not results_file.exists():
            sys.exit('No results yet: %s is missing; run the benchmark first.' % results_file)
        print_results(json.loads(results_file.read_text()), options.style)
        return 0
    results, harness_error = run(options)
    if not results['reports']:
        print_results(results, options.style)
        return 1
    results_file.parent.mkdir(parents=True, exist_ok=True)
    results_file.write_text(json.dumps(results, indent=2) + '\n')
    print_results(results, options.style)
    print()
    print('Ran in %.0f s; results in %s' % (results['runtime_seconds'], results_file))
    if harness_error:
        log('error: a framework other than ours failed the self-check: the harness needs fixing')
        return 2
    return 0


if __name__ == '__main__':
    sys.exit(main())
