#!/usr/bin/env python3
"""Where the instructions of a request go: per C function, per Python function, and cProfile.

Usage (from the repository root)::

    python3 bench/hotspots.py                                  # ours and Falcon, every scenario
    python3 bench/hotspots.py --scenarios hello,form --frameworks ours --top 20
    python3 bench/hotspots.py --python 3.13 --views python     # per Python function (3.12+)
    python3 bench/hotspots.py --views cprofile --ours /tmp/other/bottle.py

Views (``--views``, comma-separated; default ``c,python,cprofile``):

``c``
    worker.py's count mode under callgrind with complete dumps (``--compress-strings=no``):
    the self instructions of every C function, per request, from the difference of the two
    counted runs (``--iterations``). Names what the interpreter does for the framework (dict
    lookups, attribute access, str.replace, memcpy, ...).
``python``
    worker.py's trace mode (ours or bottle, Python 3.12+): a callgrind dump at every entry into
    and exit from a function of the framework's module (sys.monitoring marks only those), so the
    instructions between two marks belong to the function then running. Each stretch carries the
    cost of a mark, measured on an empty function and subtracted; figures are good to a few
    hundred instructions per call. Self includes what the function does outside the module
    (stdlib, C); inclusive adds the module's functions it calls. On older Pythons: skipped.
``cprofile``
    cProfile (timed by the thread's CPU time) over ``--cprofile-requests`` requests: calls per
    request and each function's share of the profiled time. Calls are exact; the shares lean
    towards small, frequent functions.

Prints Markdown. Standard library only (the frameworks run in the bench venvs).
"""
import argparse
import pstats
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import instructions
import interpreters
import run
import scenarios


def log(message):
    print(message, file=sys.stderr, flush=True)


def _run_counted(python, framework, mode, names, options, valgrind, directory, per_function):
    out_file = Path(directory) / ('%s-%s.out' % (framework, mode))
    report = run.run_worker(
        python, framework, mode, names, options, 0,
        prefix=instructions.callgrind_command(valgrind, out_file, per_function=per_function),
        environment=instructions.counting_environment(run._child_environment()), timeout=3600)
    return report, instructions.dump_files(out_file)


# ---------------------------------------------------------------------------------------------
# C functions

def c_view(python, framework, names, options, valgrind, directory):
    """{scenario: (instructions per request, [(function, self instructions per request)])}."""
    report, dumps = _run_counted(python, framework, 'count', names, options, valgrind, directory,
                                 per_function=True)
    views = {}
    for name in names:
        result = report.get('results', {}).get(name, {'error': report.get('error')})
        if 'error' in result:
            views[name] = result['error']
            continue
        first, second = (instructions.function_costs(dumps[number])[0]
                         for number in result['dumps'])
        runs = result['counts'][1] - result['counts'][0]
        if name in run.UPLOAD_SCENARIOS:
            runs /= 10**6  # counts are bytes: per MB
        per_request = {function: (second.get(function, 0) - first.get(function, 0)) / runs
                       for function in set(first) | set(second)}
        total = instructions.per_unit(result, dumps)[0]
        if name in run.UPLOAD_SCENARIOS:
            total *= 10**6
        views[name] = (total, sorted(per_request.items(), key=lambda item: -item[1]))
    return views


# ---------------------------------------------------------------------------------------------
# Python functions

def python_view(python, framework, names, options, valgrind, directory):
    """{scenario: view} where a view is a dict: total (traced), overhead (a mark's cost),
    functions: [(label, calls, self, inclusive)] per request; or an error string."""
    report, dumps = _run_counted(python, framework, 'trace', names, options, valgrind, directory,
                                 per_function=False)
    views = {}
    for name in names:
        result = report.get('results', {}).get(name, {'error': report.get('error')})
        if 'error' in result:
            views[name] = result['error']
            continue
        try:
            views[name] = _attribute(result, dumps)
        except (KeyError, ValueError) as error:
            views[name] = 'could not read the trace: %s' % error
    return views


def _attribute(result, dumps):
    events, labels = result['events'], result['labels']
    kinds = result['event_names']
    first_dump = result['first_dump']
    costs = [instructions.total_instructions(dumps[first_dump + index])
             for index in range(len(events))]
    calibration = result['calibration_events']
    # Between the start and the return of the empty function there is nothing but a mark.
    overhead = statistics.median(
        costs[index] for index in range(calibration - 1)
        if kinds[events[index][1]] == 'PY_START')
    entering = {'PY_START', 'PY_RESUME', 'PY_THROW'}
    self_cost, inclusive, calls = defaultdict(float), defaultdict(float), defaultdict(int)
    stack = []
    outside = 0.0
    for index in range(calibration, len(events)):
        label, kind = events[index]
        if kinds[kind] in entering:
            stack.append(label)
            if kinds[kind] == 'PY_START':
                calls[label] += 1
        elif label in stack:
            while stack and stack.pop() != label:
                pass
        cost = costs[index] - overhead
        if stack:
            self_cost[stack[-1]] += cost
            for active in set(stack):
                inclusive[active] += cost
        else:
            outside += cost
    count = result['count']
    functions = [(labels[label], calls[label] / count, self_cost[label] / count,
                  inclusive[label] / count) for label in self_cost]
    functions.sort(key=lambda item: -item[2])
    traced = (sum(self_cost.values()) + outside) / count
    return {'total': traced, 'outside': outside / count, 'overhead': overhead,
            'functions': functions}


# ---------------------------------------------------------------------------------------------
# cProfile

def cprofile_view(python, framework, names, options, directory):
    profile_options = argparse.Namespace(**vars(options))
    profile_options.iterations = (1, options.cprofile_requests)
    report = run.run_worker(python, framework, 'cprofile', names, profile_options, 0,
                            environment=run._child_environment(), timeout=600)
    views = {}
    for name in names:
        count = options.cprofile_requests
        result = report.get('results', {}).get(name, {'error': report.get('error')})
        if 'error' in result:
            views[name] = result['error']
            continue
        count = result.get('units', count)
        stats = pstats.Stats(result['profile'])
        total = sum(entry[2] for entry in stats.stats.values()) or 1
        rows = []
        for (filename, line, function), (_primitive, calls, tottime, cumtime, _callers) in \
                stats.stats.items():
            where = '%s:%d' % (Path(filename).name, line) if line else filename
            rows.append((function, where, calls / count, tottime / total, cumtime / total))
        rows.sort(key=lambda row: -row[3])
        views[name] = rows
    return views


# ---------------------------------------------------------------------------------------------
# Output

def _short(function, width=70):
    return function if len(function) <= width else function[:width - 3] + '...'


def _unit(name):
    return 'MB uploaded' if name in run.UPLOAD_SCENARIOS else 'request'


def print_c(framework, name, view, top):
    if isinstance(view, str):
        print('C functions: n/a (%s)\n' % view)
        return
    total, functions = view
    print('C functions, self instructions per %s (of %s):\n'
          % (_unit(name), '{:,.0f}'.format(total)))
    print('| instructions | share | function |')
    print('| ---: | ---: | --- |')
    for function, cost in functions[:top]:
        print('| {:,.0f} | {:.1%} | `{}` |'.format(cost, cost / total, _short(function)))
    print()


def print_python(framework, name, view, top, untraced):
    if isinstance(view, str):
        print('Python functions: n/a (%s)\n' % view)
        return
    print('Python functions of the module, per %s (traced total %s, untraced %s; '
          'outside the module: %s; a mark cost %s, subtracted):\n'
          % (_unit(name), '{:,.0f}'.format(view['total']),
             '{:,.0f}'.format(untraced) if untraced else 'not counted',
             '{:,.0f}'.format(view['outside']), '{:,.0f}'.format(view['overhead'])))
    print('| self | inclusive | calls | function |')
    print('| ---: | ---: | ---: | --- |')
    for label, calls, self_cost, inclusive in view['functions'][:top]:
        print('| {:,.0f} | {:,.0f} | {:g} | `{}` |'.format(self_cost, inclusive, calls, label))
    print()


def print_cprofile(name, view, top):
    if isinstance(view, str):
        print('cProfile: n/a (%s)\n' % view)
        return
    print('cProfile, by own time (shares of the profiled time):\n')
    print('| calls/%s | own | with callees | function |' % ('MB' if name in run.UPLOAD_SCENARIOS
                                                           else 'request'))
    print('| ---: | ---: | ---: | --- |')
    for function, where, calls, own, cumulative in view[:top]:
        print('| {:g} | {:.1%} | {:.1%} | `{}` {} |'.format(calls, own, cumulative, function,
                                                         where))
    print()


# ---------------------------------------------------------------------------------------------
# Command line

def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--python', default='current',
                        help='current, newest, a version such as 3.13, or a path')
    parser.add_argument('--frameworks', default='ours,falcon')
    parser.add_argument('--scenarios', default=','.join(
        name for name in run.REQUEST_SCENARIOS + run.UPLOAD_SCENARIOS))
    parser.add_argument('--views', default='c,python,cprofile')
    parser.add_argument('--top', type=int, default=12, help='rows per table (default 12)')
    parser.add_argument('--iterations', default='20,120',
                        help='requests of the two counted runs; the trace follows N1/4 of them')
    parser.add_argument('--cprofile-requests', type=int, default=2000,
                        help='requests profiled by cProfile (default 2000)')
    parser.add_argument('--ours', default=str(run.REPO_ROOT / 'bottle.py'))
    options = parser.parse_args(argv)
    options.ours = Path(options.ours).resolve()
    options.duration = 0.1
    options.iterations = tuple(int(part) for part in options.iterations.split(','))
    names = run._parse_list(parser, 'scenario', options.scenarios, run.ALL_SCENARIOS,
                            run.SCENARIO_GROUPS)
    names = [name for name in names if name in run.REQUEST_SCENARIOS + run.UPLOAD_SCENARIOS]
    frameworks = run._parse_list(parser, 'framework', options.frameworks, run.FRAMEWORKS, {})
    views = set(options.views.split(','))
    chosen, notes = interpreters.select(options.python)
    if not chosen:
        sys.exit('no such Python: %s' % '; '.join(notes))
    interpreter = chosen[0]
    python = interpreters.ensure_venv(interpreter, log)
    valgrind = instructions.ensure_valgrind(log) if views & {'c', 'python'} else None
    if views & {'c', 'python'} and valgrind is None:
        sys.exit('valgrind is missing (apt-get install valgrind)')

    results = {}
    with tempfile.TemporaryDirectory(prefix='bench-profile-') as directory:
        for framework in frameworks:
            wanted = [name for name in names if (framework, name) not in scenarios.NOT_MEASURED]
            started = time.perf_counter()
            found = results[framework] = {}
            if 'c' in views:
                found['c'] = c_view(python, framework, wanted, options, valgrind, directory)
            if 'python' in views and framework in ('ours', 'bottle'):
                if interpreter.key < (3, 12):
                    found['python'] = 'needs Python 3.12+ (sys.monitoring); try --python 3.13'
                else:
                    trace_options = argparse.Namespace(**vars(options))
                    trace_options.iterations = (max(1, options.iterations[0] // 4),
                                                options.iterations[0] // 4 + 1)
                    found['python'] = python_view(python, framework, wanted, trace_options,
                                                  valgrind, directory)
            if 'cprofile' in views:
                found['cprofile'] = cprofile_view(python, framework, wanted, options, directory)
            log('%s profiled in %.0f s' % (framework, time.perf_counter() - started))

        print('# Profile: %s, Python %s\n' % (', '.join(frameworks), interpreter.version))
        for name in names:
            print('## %s\n' % name)
            for framework in frameworks:
                found = results[framework]
                print('### %s\n' % framework)
                c = found.get('c', {}).get(name)
                if c is not None:
                    print_c(framework, name, c, options.top)
                python_found = found.get('python')
                if python_found is not None:
                    view = python_found if isinstance(python_found, str) else python_found.get(name)
                    untraced = c[0] if isinstance(c, tuple) else None
                    print_python(framework, name, view, options.top, untraced)
                if 'cprofile' in found and name in found['cprofile']:
                    print_cprofile(name, found['cprofile'][name], options.top)
    return 0


if __name__ == '__main__':
    sys.exit(main())
