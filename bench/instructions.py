"""Instruction counts: worker.py under ``valgrind --tool=callgrind``.

Instructions executed do not change with the load on the machine, so these figures compare
runs on a busy shared machine where req/s cannot. How a figure is made (worker.py's count mode):
each scenario is warmed up, then run N1 and N2 times; ``--dump-before=getloadavg`` makes
callgrind write the instructions counted since the previous dump whenever the worker calls
``os.getloadavg()`` (nothing else in the process does), which it does after the warm-up and after
each run. Instructions per request = (I(N2) - I(N1)) / (N2 - N1): start-up, imports, the app's
construction and whatever is paid once per run cancel out. For uploads N1 and N2 are two upload
sizes (instructions per byte); for the build scenario the figure is the one dump of building the
app and answering its first request.

Every process runs with PYTHONHASHSEED=0, so that a run repeats exactly (string hashes decide
dict probing). The figures include the harness' loop (an environ copied, a BytesIO, the body
iterated): the raw WSGI column shows how little that is.

valgrind comes from Debian's package ``valgrind``; :func:`ensure_valgrind` installs it with
apt-get when it is missing and we are root. Standard library only.

As a command, timeit in instructions (the repository root is on sys.path)::

    python3 bench/instructions.py -s "import bottle; d = bottle.FormsDict(a='1')" "d.get('a')"
"""
import os
import re
import shutil
import subprocess
import tempfile
from collections import defaultdict
from pathlib import Path

MARKER_FUNCTION = 'getloadavg'
_TOTALS = re.compile(r'^(?:summary|totals):\s*(\d+)', re.MULTILINE)
_RECURSION = re.compile(r"'\d+$")  # callgrind's name'2 for a function's second recursion level


def ensure_valgrind(log):
    """The valgrind executable, installing Debian's package first if we can; None if absent."""
    found = shutil.which('valgrind')
    if found:
        return found
    if shutil.which('apt-get') and hasattr(os, 'geteuid') and os.geteuid() == 0:
        log('valgrind is missing: apt-get install -y valgrind ...')
        for command in (['apt-get', 'update', '-q'],
                        ['apt-get', 'install', '-y', '-q', 'valgrind']):
            try:
                subprocess.run(command, capture_output=True, timeout=600, check=True)
            except (OSError, subprocess.SubprocessError) as error:
                log('  %s failed: %s' % (' '.join(command), error))
                return None
        return shutil.which('valgrind')
    return None


def callgrind_command(valgrind, out_file, per_function=False):
    """The valgrind command line that runs a worker; ``per_function`` writes files that
    callgrind_annotate and :func:`function_costs` can read one by one."""
    command = [valgrind, '--tool=callgrind', '--dump-before=' + MARKER_FUNCTION,
               '--dump-instr=no', '--callgrind-out-file=' + str(out_file)]
    if per_function:
        # Each dump then names its functions itself instead of referring to earlier dumps.
        command += ['--compress-strings=no', '--compress-pos=no']
    return command


def counting_environment(environment):
    environment = dict(environment)
    environment['PYTHONHASHSEED'] = '0'
    return environment


def dump_files(out_file):
    """{dump number: path} of the dumps callgrind wrote next to ``out_file``."""
    out_file = Path(out_file)
    found = {}
    for path in out_file.parent.glob(out_file.name + '.*'):
        suffix = path.name[len(out_file.name) + 1:]
        if suffix.isdigit():
            found[int(suffix)] = path
    return found


def total_instructions(path):
    """The instructions counted in one callgrind dump."""
    match = _TOTALS.search(Path(path).read_text(errors='replace'))
    if match is None:
        raise ValueError('no totals in %s' % path)
    return int(match.group(1))


def per_unit(result, dumps):
    """(instructions per request (per byte for uploads), [instructions of each dump]) for one
    scenario's count-mode result; ``dumps`` maps dump numbers to files."""
    missing = [number for number in result['dumps'] if number not in dumps]
    if missing:
        raise ValueError('callgrind wrote no dump %s: did --dump-before=%s match nothing?'
                         % (missing, MARKER_FUNCTION))
    totals = [total_instructions(dumps[number]) for number in result['dumps']]
    counts = result['counts']
    if len(totals) == 1:
        return totals[0] / counts[0], totals
    return (totals[1] - totals[0]) / (counts[1] - counts[0]), totals


def temporary_directory():
    return tempfile.TemporaryDirectory(prefix='bench-callgrind-')


# ---------------------------------------------------------------------------------------------
# Per function
# callgrind's own format read directly: with --compress-strings=no every dump is complete.

def function_costs(path):
    """({function: self instructions}, {function: {callee: inclusive instructions of the calls}})
    of one callgrind dump written with ``per_function``. A function is named
    'name [object file's base name]'."""
    self_cost = defaultdict(int)
    call_cost = defaultdict(lambda: defaultdict(int))
    current = None
    objects = {'ob': '???', 'cob': None}
    callee = None
    after_calls = False
    with open(path, errors='replace') as lines:
        for line in lines:
            if not line or line[0] == '#':
                continue
            if line[0].isdigit() or line[0] in '+-*':
                parts = line.split()
                cost = int(parts[1]) if len(parts) > 1 else 0
                if after_calls:
                    call_cost[current][callee] += cost
                    after_calls = False
                    objects['cob'] = None
                else:
                    self_cost[current] += cost
                continue
            key, _, value = line.rstrip('\n').partition('=')
            if key == 'ob':
                objects['ob'] = os.path.basename(value)
            elif key == 'cob':
                objects['cob'] = os.path.basename(value)
            elif key == 'fn':
                current = '%s [%s]' % (_RECURSION.sub('', value), objects['ob'])
                objects['cob'] = None
            elif key == 'cfn':
                callee = '%s [%s]' % (_RECURSION.sub('', value), objects['cob'] or objects['ob'])
            elif key == 'calls':
                after_calls = True
    return dict(self_cost), {caller: dict(callees) for caller, callees in call_cost.items()}


# ---------------------------------------------------------------------------------------------
# Command line: timeit, in instructions
# python3 bench/instructions.py [--python PYTHON] [-s SETUP] [-n N1,N2] STATEMENT

_SNIPPET = '''
import gc, os, sys
sys.path.insert(0, {repo!r})
{setup}
def _run(_count):
    for _ in range(_count):
{statement}
def _loop(_count):
    for _ in range(_count):
        pass
_run(20)
_loop(20)
gc.collect(); gc.freeze()
os.getloadavg()
_run({first})
os.getloadavg()
_run({second})
os.getloadavg()
_loop({first})
os.getloadavg()
_loop({second})
os.getloadavg()
'''


def count_snippet(python, setup, statement, iterations=(50, 250), valgrind='valgrind'):
    """Instructions per execution of ``statement`` (after ``setup``) under ``python``: two
    runs of N1 and N2 executions differenced, as for the benchmark's requests, less the same
    for an empty loop body (the loop's own cost)."""
    import textwrap
    body = textwrap.indent(textwrap.dedent(statement).strip() or 'pass', ' ' * 8)
    source = _SNIPPET.format(repo=str(Path(__file__).resolve().parent.parent),
                             setup=textwrap.dedent(setup), statement=body,
                             first=iterations[0], second=iterations[1])
    with temporary_directory() as directory:
        script = Path(directory) / 'snippet.py'
        script.write_text(source)
        out_file = Path(directory) / 'callgrind.out'
        process = subprocess.run(callgrind_command(valgrind, out_file) + [str(python), str(script)],
                                 capture_output=True, text=True,
                                 env=counting_environment(os.environ))
        if process.returncode != 0:
            raise RuntimeError(process.stderr.strip().splitlines()[-1] if process.stderr.strip()
                               else 'exit status %d' % process.returncode)
        dumps = dump_files(out_file)
        totals = [total_instructions(dumps[number]) for number in (2, 3, 4, 5)]
    runs = iterations[1] - iterations[0]
    return ((totals[1] - totals[0]) - (totals[3] - totals[2])) / runs


def main(argv=None):
    import argparse
    import sys
    parser = argparse.ArgumentParser(
        description='Instructions per execution of a Python statement (timeit, counted by '
                    'callgrind); the repository root is on sys.path, so "import bottle" is ours.')
    parser.add_argument('statement', help='the statement; may use names the setup defines')
    parser.add_argument('-s', '--setup', default='pass', help='run once before')
    parser.add_argument('--python', default=sys.executable,
                        help='the Python (e.g. .venv/bench-3.13/bin/python; default this one)')
    parser.add_argument('-n', '--iterations', default='50,250',
                        help='executions in the two counted runs (default 50,250)')
    options = parser.parse_args(argv)
    valgrind = ensure_valgrind(lambda message: print(message, file=sys.stderr))
    if valgrind is None:
        sys.exit('valgrind is missing (apt-get install valgrind)')
    iterations = tuple(int(part) for part in options.iterations.split(','))
    result = count_snippet(options.python, options.setup, options.statement, iterations,
                           valgrind)
    print('{:,.0f} instructions per execution (less the loop\'s own cost)'.format(result))
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
