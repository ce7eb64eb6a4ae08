"""Run the test suite on every Python 3.9-3.13 that pyenv has (``make test``).

For each minor version the newest installed patch release is used. Each
interpreter gets its own virtual environment in ``.venv/test-3.X`` with the
packages of ``test/requirements.txt``; they are installed again only when that
file changes (a stamp in the venv records its hash and the interpreter). Then
``python -m pytest test/`` runs there, with the extra arguments from the
``PYTEST_ARGS`` environment variable. Without pyenv, the ``python3`` on PATH is
used alone. The summary at the end names the interpreters that passed, those
that failed and the minor versions skipped because they are not installed; the
exit status is 1 if any failed.

Standard library only; runs on any python3 >= 3.9.
"""
import argparse
import glob
import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REQUIREMENTS = os.path.join(ROOT, 'test', 'requirements.txt')
# Packages installed one at a time; one that fails to build is reported and its tests skip.
OPTIONAL_REQUIREMENTS = os.path.join(ROOT, 'test', 'requirements-optional.txt')
VENV_ROOT = os.path.join(ROOT, '.venv')
SUPPORTED_MINORS = (9, 10, 11, 12, 13)
STAMP_NAME = 'requirements.stamp'
ANSI_ESCAPE = re.compile(r'\x1b\[[0-9;]*m')
PYTEST_CLOSING_LINE = re.compile(r'^(?:\d+ \w+|no tests ran)\b.* in [0-9.]+s\b')


def log(message):
    print('[run_all] ' + message, flush=True)


def pyenv_root():
    """Return pyenv's root directory, or None when pyenv is not installed."""
    executable = shutil.which('pyenv')
    if executable:
        try:
            output = subprocess.run([executable, 'root'], stdout=subprocess.PIPE,
                                    stderr=subprocess.DEVNULL, check=True, text=True).stdout
            if output.strip():
                return output.strip()
        except (OSError, subprocess.CalledProcessError):
            pass
    root = os.environ.get('PYENV_ROOT') or os.path.expanduser('~/.pyenv')
    return root if os.path.isdir(os.path.join(root, 'versions')) else None


def find_pyenv_interpreters(root):
    """Map each supported minor version to the python3 of its highest installed patch release.

    Only plain releases (``3.12.4``) count; pre-releases and variants such as
    ``3.13.0rc1`` or ``3.13.0t`` are ignored.
    """
    found = {}
    for python in glob.glob(os.path.join(root, 'versions', '3.*', 'bin', 'python3')):
        version_name = os.path.basename(os.path.dirname(os.path.dirname(python)))
        match = re.fullmatch(r'3\.(\d+)\.(\d+)', version_name)
        if not match or not os.access(python, os.X_OK):
            continue
        minor, patch = int(match.group(1)), int(match.group(2))
        if minor in SUPPORTED_MINORS and (minor not in found or patch > found[minor][0]):
            found[minor] = (patch, python)
    return {minor: python for minor, (patch, python) in found.items()}


def interpreter_version(python):
    """Return (major, minor, micro) of an interpreter, or None if it does not run."""
    try:
        output = subprocess.run(
            [python, '-c', 'import sys; print(*sys.version_info[:3])'],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=True, text=True).stdout
        return tuple(int(part) for part in output.split())
    except (OSError, subprocess.CalledProcessError, ValueError):
        return None


def find_interpreters(wanted_minors):
    """Return ({minor: python}, description of where they came from)."""
    root = pyenv_root()
    if root:
        found = find_pyenv_interpreters(root)
        source = 'pyenv (%s)' % root
    else:
        found = {}
        python = shutil.which('python3')
        version = interpreter_version(python) if python else None
        if version and version[0] == 3 and version[1] in SUPPORTED_MINORS:
            found[version[1]] = python
        source = 'python3 on PATH (pyenv not found)'
    return {minor: path for minor, path in found.items() if minor in wanted_minors}, source


def requirements_hash():
    digest = hashlib.sha256()
    for path in (REQUIREMENTS, OPTIONAL_REQUIREMENTS):
        if os.path.exists(path):
            with open(path, 'rb') as requirements:
                digest.update(requirements.read())
    return digest.hexdigest()


def optional_packages():
    """The package specifiers of test/requirements-optional.txt (comments dropped)."""
    if not os.path.exists(OPTIONAL_REQUIREMENTS):
        return []
    with open(OPTIONAL_REQUIREMENTS) as requirements:
        lines = (line.split('#', 1)[0].strip() for line in requirements)
        return [line for line in lines if line]


def venv_python(venv_dir):
    return os.path.join(venv_dir, 'bin', 'python')


def read_stamp(venv_dir):
    try:
        with open(os.path.join(venv_dir, STAMP_NAME)) as stamp:
            return json.load(stamp)
    except (OSError, ValueError):
        return {}


def prepare_venv(minor, python):
    """Create or reuse ``.venv/test-3.X`` and install the test requirements if they changed.

    The venv is made anew when it is missing, broken, or was built from another
    interpreter (a new patch release, say). Returns the venv's python.
    Raises RuntimeError naming the step that failed.
    """
    venv_dir = os.path.join(VENV_ROOT, 'test-3.%d' % minor)
    interpreter = os.path.realpath(python)
    wanted = {'interpreter': interpreter, 'requirements_sha256': requirements_hash()}
    stamp = read_stamp(venv_dir)
    if stamp == wanted and interpreter_version(venv_python(venv_dir)):
        log('3.%d: reusing %s (requirements unchanged)' % (minor, os.path.relpath(venv_dir, ROOT)))
        return venv_python(venv_dir)

    started = time.monotonic()
    if stamp.get('interpreter') != interpreter or not interpreter_version(venv_python(venv_dir)):
        if os.path.exists(venv_dir):
            shutil.rmtree(venv_dir)
        log('3.%d: creating %s with %s' % (minor, os.path.relpath(venv_dir, ROOT), python))
        if subprocess.run([python, '-m', 'venv', venv_dir]).returncode != 0:
            raise RuntimeError('creating the venv with %s failed' % python)
    else:
        os.remove(os.path.join(venv_dir, STAMP_NAME))
    log('3.%d: installing %s' % (minor, os.path.relpath(REQUIREMENTS, ROOT)))
    install = [venv_python(venv_dir), '-m', 'pip', 'install', '--disable-pip-version-check',
               '--quiet', '-r', REQUIREMENTS]
    if subprocess.run(install).returncode != 0:
        raise RuntimeError('pip install -r %s failed' % os.path.relpath(REQUIREMENTS, ROOT))
    for package in optional_packages():
        log('3.%d: installing optional %s' % (minor, package))
        if subprocess.run(install[:-2] + [package]).returncode != 0:
            log('3.%d: optional package %s did not install; its tests will be skipped'
                % (minor, package))
    with open(os.path.join(venv_dir, STAMP_NAME), 'w') as stamp_file:
        json.dump(wanted, stamp_file)
    log('3.%d: venv ready in %.1fs' % (minor, time.monotonic() - started))
    return venv_python(venv_dir)


def run_pytest(python, pytest_args):
    """Run pytest on test/ with ``python``, echoing its output.

    Returns (exit status, pytest's closing line or '').
    """
    env = dict(os.environ)
    if sys.stdout.isatty():
        env.setdefault('PY_COLORS', '1')
    process = subprocess.Popen([python, '-m', 'pytest', 'test/'] + pytest_args, cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    closing_line = ''
    for raw_line in process.stdout:
        sys.stdout.buffer.write(raw_line)
        sys.stdout.buffer.flush()
        line = ANSI_ESCAPE.sub('', raw_line.decode('utf8', 'replace')).strip('= \r\n')
        if PYTEST_CLOSING_LINE.match(line):
            closing_line = line
    return process.wait(), closing_line


def add_test_counts(totals, closing_line):
    """Add the counts of a pytest closing line ('2 failed, 310 passed, 1 error in 2.1s')."""
    for count, word in re.findall(r'(\d+) (\w+)', closing_line.split(' in ')[0]):
        if word == 'passed' or word == 'skipped':
            totals[word] += int(count)
        elif word in ('failed', 'error', 'errors'):
            totals['failed'] += int(count)


def print_totals(totals):
    """Print the test counts summed over all interpreters, as one plain closing line."""
    line = 'Tests: %(passed)d passed, %(failed)d failed' % totals
    print(line + (', %(skipped)d skipped' % totals if totals['skipped'] else ''), flush=True)


def parse_arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--python', action='append', metavar='3.X', default=[],
                        help='run only on this minor version (may be repeated)')
    arguments = parser.parse_args(argv)
    minors = set()
    for name in arguments.python:
        match = re.fullmatch(r'3\.(\d+)', name)
        if not match or int(match.group(1)) not in SUPPORTED_MINORS:
            parser.error('--python expects one of %s, got %r'
                         % (', '.join('3.%d' % minor for minor in SUPPORTED_MINORS), name))
        minors.add(int(match.group(1)))
    return minors or set(SUPPORTED_MINORS)


def main(argv=None):
    wanted_minors = parse_arguments(sys.argv[1:] if argv is None else argv)
    pytest_args = shlex.split(os.environ.get('PYTEST_ARGS', ''))
    interpreters, source = find_interpreters(wanted_minors)
    log('interpreters from %s: %s' % (
        source, ', '.join(interpreters[minor] for minor in sorted(interpreters)) or 'none'))

    results = []  # (outcome, version, detail)
    totals = {'passed': 0, 'failed': 0, 'skipped': 0}
    for minor in sorted(interpreters):
        python = interpreters[minor]
        version = '.'.join(map(str, interpreter_version(python) or (3, minor, '?')))
        print('\n' + ('=' * 25) + ' Python %s ' % version + ('=' * 25), flush=True)
        try:
            venv = prepare_venv(minor, python)
        except (RuntimeError, OSError) as error:
            results.append(('FAILED', version, 'set-up: %s' % error))
            continue
        status, closing_line = run_pytest(venv, pytest_args)
        add_test_counts(totals, closing_line)
        if status == 0:
            results.append(('passed', version, closing_line))
        elif status == 5:
            results.append(('FAILED', version, 'pytest ran no tests'))
        else:
            results.append(('FAILED', version, 'pytest exit %d: %s' % (status, closing_line)))
    for minor in SUPPORTED_MINORS:
        if minor not in interpreters:
            reason = 'not installed' if minor in wanted_minors else 'not requested'
            results.append(('SKIPPED', '3.%d' % minor, reason))

    print('\n' + ('=' * 20) + ' Summary: Python 3.9-3.13 ' + ('=' * 20))
    for outcome, version, detail in results:
        print('  %-8s %-8s %s' % (outcome, version, detail))
    failures = sum(1 for outcome, _, _ in results if outcome == 'FAILED')
    tested = len(interpreters)
    if not tested:
        print('Result: FAILED, no interpreter to test with (install Python 3.9-3.13 with pyenv)')
        return 1
    if failures:
        print('Result: FAILED on %d of %d interpreters' % (failures, tested))
        print_totals(totals)
        return 1
    print('Result: passed on all %d interpreters tested' % tested)
    print_totals(totals)
    return 0


if __name__ == '__main__':
    sys.exit(main())
