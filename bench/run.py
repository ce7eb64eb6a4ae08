#!/usr/bin/env python3
"""Benchmark our bottle.py against Bottle 0.13.4, Falcon 4, Flask 3 and a raw WSGI function.

Usage (from the repository root; ``make bench`` runs the first line)::

    python3 bench/run.py                      # everything: 5 rounds, about 5 minutes
    python3 bench/run.py --quick              # one short round, to see that it all works
    python3 bench/run.py --scenarios hello,json,upload --frameworks ours,falcon
    python3 bench/run.py --ours /tmp/ref/bottle.py   # another bottle.py plays "ours"
    python3 bench/run.py --show --rst         # the last run's table as RST, for the README

What it does:

1. Makes (or reuses) the venv ``.venv/bench`` with the packages pinned in
   ``bench/requirements.txt``; it is rebuilt only when that file (or the Python) changes.
   This script itself needs nothing but the standard library, and bottle.py gains no dependency.
2. Self-check: every framework answers every scenario once and must send the status and body
   bytes that ``bench/scenarios.py`` prescribes (the Content-Type, and for ``cookie`` the
   Set-Cookie attributes, too; for ``notfound`` only the status). A framework that fails a
   scenario is not timed on it and shows "n/a" with the reason under the table. A failure of any
   framework but ours means the harness is wrong: the run goes on, but exits with status 2.
3. Rounds: each round runs every framework in its own process (``bench/worker.py``), rotating
   their order from round to round. Requests go straight to the WSGI callable: build the
   environ, call the app, consume and close the body, no sockets. Each request scenario runs
   for ``--duration`` seconds per round, in five batches of which the fastest counts (other
   work on a shared machine only ever slows a batch down). Each upload runs in a fresh process:
   the fastest of up to three uploads that fit in about two seconds.
4. Import time: ``python -X importtime -c "import MODULE"``, cumulative, median of several runs
   (ours imported from its own path), every module loaded from a bytecode cache that a first,
   uncounted run fills.
5. Prints the medians as a table, each framework's figure also as a ratio to ours (its figure
   divided by ours'), and writes everything to ``bench/results/latest.json``.

Scenarios (``--scenarios``; ``upload`` means both uploads):
  hello       static route, short text
  dynamic     /api/resN/<id:int>, 50 such routes, the last one matches
  query       four query parameters read
  json        a small dict returned as JSON
  notfound    the default 404 page (only the status must match)
  form        urlencoded POST, three fields read
  cookie      one cookie read, one set with max_age and path
  template    a 20-row loop with HTML escaping (SimpleTemplate, Jinja2, or html.escape for raw)
  route10     the last of 10 dynamic routes matches ...
  route1000   ... and the last of 1000 (compare the two for ours: routing scale)
  upload-random, upload-text
              one multipart file part (100 MB; random bytes, or short CRLF lines with boundary
              look-alikes) copied to a sink through request.files or the framework's equivalent:
              MB/s (10**6 bytes) and growth of the process' peak RSS (MiB). The body is produced
              as a stream, never held in memory, so the memory figure is the framework's.
  import      import time of the framework's module, in ms

Frameworks (``--frameworks``): ours (``--ours``, default: bottle.py at the repository root,
imported under the name ``bottle``), bottle (Bottle 0.13.4 from the venv, imported as
``bottle_0134`` so that it cannot shadow ours), falcon, flask, raw (hand-written WSGI: the
ceiling).

Other options: ``--rounds N`` (default 5), ``--duration SECONDS`` per request scenario and round
(default 0.5), ``--upload-mb N`` (default 100), ``--import-runs N`` (default 15), ``--quick``
(1 round, 0.1 s, 10 MB uploads, 3 import runs; explicit options win), ``--rst``/``--markdown``
to print the table in that format, ``--show`` to print the table of ``bench/results/latest.json``
without running anything.
"""
import argparse
import hashlib
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import venv
from datetime import datetime, timezone
from pathlib import Path

import scenarios

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
VENV_DIR = REPO_ROOT / '.venv' / 'bench'
REQUIREMENTS = BENCH_DIR / 'requirements.txt'
RESULTS_FILE = BENCH_DIR / 'results' / 'latest.json'
WORKER = BENCH_DIR / 'worker.py'

FRAMEWORKS = ('ours', 'bottle', 'falcon', 'flask', 'raw')
IMPORTED_MODULES = {'ours': 'bottle', 'bottle': 'bottle', 'falcon': 'falcon', 'flask': 'flask'}
REQUEST_SCENARIOS = [s.name for s in scenarios.SCENARIOS if not s.upload]
UPLOAD_SCENARIOS = [s.name for s in scenarios.SCENARIOS if s.upload]
ALL_SCENARIOS = REQUEST_SCENARIOS + UPLOAD_SCENARIOS + ['import']
SCENARIO_GROUPS = {'upload': UPLOAD_SCENARIOS}
MEMORY_SUFFIX = ' memory'


def log(message):
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# The benchmark venv
# Built from requirements.txt; a stamp of that file and the Python version says when to rebuild.

def venv_python():
    return VENV_DIR / ('Scripts/python.exe' if os.name == 'nt' else 'bin/python')


def ensure_venv():
    """The benchmark venv's Python, (re)building the venv first if it is missing or stale."""
    python = venv_python()
    stamp_file = VENV_DIR / 'requirements.sha256'
    stamp = hashlib.sha256(REQUIREMENTS.read_bytes() + sys.version.encode()).hexdigest()
    if python.exists() and stamp_file.exists() and stamp_file.read_text().strip() == stamp:
        return python
    log('Building %s from %s ...' % (VENV_DIR, REQUIREMENTS.name))
    venv.EnvBuilder(clear=True, with_pip=True).create(VENV_DIR)
    install = subprocess.run(
        [str(python), '-m', 'pip', 'install', '--disable-pip-version-check', '--quiet',
         '-r', str(REQUIREMENTS)], capture_output=True, text=True)
    if install.returncode != 0:
        sys.exit('pip could not install %s:\n%s%s' % (REQUIREMENTS, install.stdout, install.stderr))
    stamp_file.write_text(stamp + '\n')
    return python


def _child_environment():
    """Our environment without what would change which modules a child process imports."""
    return {key: value for key, value in os.environ.items()
            if key not in ('PYTHONPATH', 'PYTHONHOME', 'PYTHONSTARTUP', 'PYTHONSAFEPATH')}


# ---------------------------------------------------------------------------------------------
# Running workers
# One worker process per framework and round (per upload too); see worker.py.

def run_worker(python, framework, mode, names, options, upload_size):
    """Run worker.py; return its report, or {'error': ...} if it did not produce one."""
    command = [str(python), str(WORKER), framework, '--mode', mode, '--scenarios', ','.join(names),
               '--ours', str(options.ours), '--duration', str(options.duration),
               '--upload-size', str(upload_size)]
    timeout = 120 + 5 * options.duration * len(names) + (600 if upload_size else 0)
    try:
        process = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                                 cwd=REPO_ROOT, env=_child_environment())
    except subprocess.TimeoutExpired:
        return {'error': 'worker timed out after %d s' % timeout}
    try:
        return json.loads(process.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        lines = process.stderr.strip().splitlines() or ['no output']
        return {'error': 'worker exited with status %d: %s' % (process.returncode, lines[-1])}


def self_check(python, frameworks, names, options):
    """{framework: {scenario: error or None}} and {framework: {label, version}}."""
    failures, identities = {}, {}
    for framework in frameworks:
        report = run_worker(python, framework, 'check', names, options, 0)
        identities[framework] = {'label': report.get('label', framework),
                                 'version': report.get('version'),
                                 'python': report.get('python')}
        results = report.get('results', {})
        failures[framework] = {
            name: report.get('error') or results.get(name, {}).get('error') for name in names}
        failed = {name: error for name, error in failures[framework].items() if error}
        log('check %-7s %s' % (framework, 'ok' if not failed else '%d of %d scenarios failed'
                               % (len(failed), len(names))))
    return failures, identities


def time_rounds(python, frameworks, names, passed, options):
    """{(row, framework): [samples]} and {(row, framework): [errors]} over all rounds."""
    samples, errors = {}, {}
    request_names = [name for name in names if name in REQUEST_SCENARIOS]
    upload_names = [name for name in names if name in UPLOAD_SCENARIOS]
    groups = [group for group in [request_names] + [[name] for name in upload_names] if group]
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
        if name in UPLOAD_SCENARIOS and result.get('memory') is not None:
            samples.setdefault((name + MEMORY_SUFFIX, framework), []).append(result['memory'])


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


def build_rows(names, frameworks, samples, errors):
    """The report's rows: one per scenario and figure, values per framework with their ratio."""
    rows = []
    for name in names:
        if name in UPLOAD_SCENARIOS:
            figures = [(name, 'MB/s', True), (name + MEMORY_SUFFIX, 'MiB peak RSS growth', False)]
        elif name == 'import':
            figures = [(name, 'ms', False)]
        else:
            figures = [(name, 'req/s', True)]
        for key, unit, higher_is_better in figures:
            values = {}
            for framework in frameworks:
                if name == 'import' and framework not in IMPORTED_MODULES:
                    values[framework] = {'samples': [], 'not_applicable': True}
                    continue
                found = samples.get((key, framework), [])
                if key.endswith(MEMORY_SUFFIX):
                    found = [value / 2**20 for value in found]
                value = {'samples': found}
                if found:
                    value['median'] = statistics.median(found)
                problems = errors.get((key.replace(MEMORY_SUFFIX, ''), framework))
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
        scenario = row['scenario'].replace(MEMORY_SUFFIX, '')
        for framework in frameworks:
            value = row['values'][framework]
            label = report['frameworks'][framework]['label']
            if value.get('not_applicable'):
                cells.append('-')
            elif 'median' not in value:
                message = 'n/a (error: %s)' % (value.get('errors') or ['not measured'])[0]
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
    return '{:,.1f}'.format(number)


def caption(report):
    machine = report['machine']
    settings = report['settings']
    rounds = settings['rounds']
    return ('%s, one run on a shared machine: %s cores (%s), %s; %s. '
            'In brackets: each framework\'s figure divided by ours.'
            % (report['date'][:10], machine['cores'], machine['cpu_model'], machine['python'],
               'medians of %d rounds' % rounds if rounds > 1 else 'a single round'))


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


# ---------------------------------------------------------------------------------------------
# Command line

def parse_arguments(argv):
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n')[0],
        epilog='See the docstring at the top of bench/run.py for what is measured and how.')
    parser.add_argument('--rounds', type=int, help='rounds of all frameworks (default 5)')
    parser.add_argument('--duration', type=float,
                        help='seconds per request scenario and round (default 0.5)')
    parser.add_argument('--upload-mb', type=float, help='size of the uploaded file (default 100)')
    parser.add_argument('--import-runs', type=int, help='import time runs (default 15)')
    parser.add_argument('--scenarios', default=','.join(ALL_SCENARIOS),
                        help='comma-separated, from: %s, upload' % ', '.join(ALL_SCENARIOS))
    parser.add_argument('--frameworks', default=','.join(FRAMEWORKS),
                        help='comma-separated, from: %s' % ', '.join(FRAMEWORKS))
    parser.add_argument('--quick', action='store_true',
                        help='1 round of 0.1 s, 10 MB uploads, 3 import runs')
    parser.add_argument('--ours', default=str(REPO_ROOT / 'bottle.py'),
                        help='the bottle.py that is ours (default: the repository root\'s)')
    style = parser.add_mutually_exclusive_group()
    style.add_argument('--rst', dest='style', action='store_const', const='rst',
                       help='print the table as reStructuredText')
    style.add_argument('--markdown', dest='style', action='store_const', const='markdown',
                       help='print the table as Markdown')
    parser.add_argument('--show', action='store_true',
                        help='print the table of bench/results/latest.json; run nothing')
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
    if options.rounds < 1 or options.duration <= 0 or options.upload_mb <= 0:
        parser.error('--rounds, --duration and --upload-mb must be positive')
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


def run(options):
    """Run the benchmark; return (report, whether the self-check found a harness error)."""
    started = time.perf_counter()
    load_at_start = _load_average()
    if load_at_start is not None and load_at_start > 0.5:
        log('warning: load average %.2f: other work is running, the figures will be noisy'
            % load_at_start)
    python = ensure_venv()
    frameworks, names = options.framework_names, options.scenario_names
    if 'ours' in frameworks and not options.ours.exists():
        log('warning: %s does not exist; ours will show n/a' % options.ours)
    checked = [name for name in names if name != 'import']
    failures, identities = self_check(python, frameworks, checked, options)
    harness_error = False
    errors = {}
    for framework in frameworks:
        for name, error in failures[framework].items():
            if error:
                errors[(name, framework)] = ['self-check: ' + error]
                harness_error = harness_error or framework != 'ours'
                log('  %s, %s: %s' % (framework, name, error))

    def passed(framework, name):
        return not failures[framework].get(name)

    samples, timing_errors = time_rounds(python, frameworks, checked, passed, options)
    for key, problems in timing_errors.items():
        errors.setdefault(key, []).extend(problems)
    if 'import' in names:
        log('import time, %d runs' % options.import_runs)
        import_samples, import_errors = import_times(python, frameworks, options)
        for framework, values in import_samples.items():
            samples[('import', framework)] = values
        for framework, problems in import_errors.items():
            errors[('import', framework)] = problems

    python_version = next((identity['python'] for identity in identities.values()
                           if identity.get('python')), platform.python_version())
    report = {
        'date': datetime.now(timezone.utc).isoformat(timespec='seconds'),
        'machine': dict(machine_description(python_version),
                        load_average={'start': load_at_start, 'end': _load_average()}),
        'settings': {'rounds': options.rounds, 'duration': options.duration,
                     'upload_mb': options.upload_mb, 'import_runs': options.import_runs,
                     'quick': options.quick, 'ours': str(options.ours),
                     'scenarios': names, 'frameworks': frameworks},
        'frameworks': identities,
        'rows': build_rows(names, frameworks, samples, errors),
        'runtime_seconds': round(time.perf_counter() - started, 1),
    }
    return report, harness_error


def main(argv=None):
    options = parse_arguments(argv)
    if options.show:
        if not RESULTS_FILE.exists():
            sys.exit('No results yet: %s is missing; run the benchmark first.' % RESULTS_FILE)
        print_report(json.loads(RESULTS_FILE.read_text()), options.style)
        return 0
    report, harness_error = run(options)
    RESULTS_FILE.parent.mkdir(parents=True, exist_ok=True)
    RESULTS_FILE.write_text(json.dumps(report, indent=2) + '\n')
    print_report(report, options.style)
    print()
    print('Ran in %.0f s; results in %s' % (report['runtime_seconds'], RESULTS_FILE))
    if harness_error:
        log('error: a framework other than ours failed the self-check: the harness needs fixing')
        return 2
    return 0


if __name__ == '__main__':
    sys.exit(main())
