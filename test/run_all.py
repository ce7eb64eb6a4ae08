"""Run the test suite on every supported Python, 3.9 to 3.15 (``make test``, ``make test-newest``).

``make test`` (no option): every minor version 3.9-3.15 that this machine has,
pyenv's newest patch release of each or else ``python3.X`` on PATH. On a
machine whose pyenv stops at 3.13 that leaves out 3.14 and 3.15; the summary
names them as skipped and says how to run them:

``make test-newest`` (``--newest``): 3.14 and 3.15 inside a minimal Debian
unstable root (Debian's python3.14 and python3.15 need a newer libc than
bookworm's). .ci/sid-root builds the root once into /var/cache/bottle-sid-root
(or $BOTTLE_SID_ROOT) and reuses it; this checkout is bind-mounted into it at
the same path and this script runs again inside it, under chroot, in a private
mount namespace (the mounts vanish with it). That needs root and Debian's
package archive; without them the run is skipped with the reason (exit 0).

Each interpreter gets its own virtual environment (``.venv/test-3.X`` here;
inside the root, /var/cache/bottle-test-venvs/test-3.X; $BOTTLE_TEST_VENV_DIR
overrides) with the packages of ``test/requirements.txt`` and, one at a time,
``test/requirements-optional.txt``; they are installed again only when those
files change. pip's output goes to ``install.log`` in the venv and is printed
only when an install fails. Then ``python -m pytest test/`` runs there, with
the extra arguments of the ``PYTEST_ARGS`` environment variable. Each
interpreter's result is one line (passed, failed, skipped, time) followed by
the distinct skip reasons; the summary at the end repeats the lines and adds
the totals. The exit status is 1 if any interpreter failed.

Standard library only; runs on any python3 >= 3.9.
"""
import argparse
import ast
import collections
import fcntl
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
import xml.etree.ElementTree as ElementTree

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REQUIREMENTS = os.path.join(ROOT, 'test', 'requirements.txt')
# Packages installed one at a time; one that fails to build is reported and its tests skip.
OPTIONAL_REQUIREMENTS = os.path.join(ROOT, 'test', 'requirements-optional.txt')
SUPPORTED_MINORS = (9, 10, 11, 12, 13, 14, 15)
NEWEST_MINORS = (14, 15)
SUPPORTED_RANGE = '3.%d-3.%d' % (SUPPORTED_MINORS[0], SUPPORTED_MINORS[-1])
STAMP_NAME = 'requirements.stamp'
SID_ROOT_SCRIPT = os.path.join(ROOT, '.ci', 'sid-root')
SID_VENV_DIR = '/var/cache/bottle-test-venvs'
SKIP_EXIT_CODE = 77
# Seconds one test may take (pytest-timeout): far above any test's time on a loaded machine,
# it only turns a hang into a failure with a traceback instead of a stalled run.
TEST_TIMEOUT = 600
# Set inside the sid root, so that the inner run knows where it is.
INSIDE_ROOT_VARIABLE = 'BOTTLE_TEST_IN_SID_ROOT'


def log(message):
    print('[run_all] ' + message, flush=True)


def venv_root():
    default = SID_VENV_DIR if os.environ.get(INSIDE_ROOT_VARIABLE) else os.path.join(ROOT, '.venv')
    return os.environ.get('BOTTLE_TEST_VENV_DIR') or default


# --------------------------------------------------------------------------- interpreters

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
    """Return {minor: python} for the wanted minors found, and a line saying where from.

    pyenv's releases come first; a minor version pyenv lacks is looked up as
    ``python3.X`` on PATH (Debian's interpreters, as in the sid root).
    """
    root = pyenv_root()
    found = find_pyenv_interpreters(root) if root else {}
    sources = ['pyenv (%s)' % root] if found else []
    from_path = []
    for minor in SUPPORTED_MINORS:
        if minor in found:
            continue
        python = shutil.which('python3.%d' % minor)
        version = interpreter_version(python) if python else None
        if version and version[:2] == (3, minor):
            found[minor] = python
            from_path.append(python)
    if from_path:
        sources.append('PATH (%s)' % ', '.join(from_path))
    wanted = {minor: path for minor, path in found.items() if minor in wanted_minors}
    return wanted, ' and '.join(sources) or 'nowhere (no pyenv, no python3.X on PATH)'


# --------------------------------------------------------------------------- venvs

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


def run_logged(command, log_path, title):
    """Run ``command`` with its output appended to ``log_path``; return True if it succeeded."""
    with open(log_path, 'a') as log_file:
        log_file.write('\n$ %s   # %s\n' % (' '.join(map(shlex.quote, command)), title))
        log_file.flush()
        return subprocess.run(command, stdin=subprocess.DEVNULL, stdout=log_file,
                              stderr=subprocess.STDOUT).returncode == 0


def print_log(log_path):
    with open(log_path, errors='replace') as log_file:
        sys.stdout.write(log_file.read())
    sys.stdout.flush()


def prepare_venv(minor, python):
    """Create or reuse the venv ``test-3.X`` and install the test requirements if they changed.

    The venv is made anew when it is missing, broken, or was built from another
    interpreter (a new patch release, say). pip's output goes to the venv's
    install.log, printed when an install fails. Returns (venv python, notes);
    the notes name optional packages that did not install. Raises RuntimeError
    naming the step that failed.
    """
    venv_dir = os.path.join(venv_root(), 'test-3.%d' % minor)
    shown_dir = os.path.relpath(venv_dir, ROOT) if venv_dir.startswith(ROOT) else venv_dir
    interpreter = os.path.realpath(python)
    wanted = {'interpreter': interpreter, 'requirements_sha256': requirements_hash()}
    stamp = read_stamp(venv_dir)
    if stamp.get('interpreter') == interpreter and \
            stamp.get('requirements_sha256') == wanted['requirements_sha256'] and \
            interpreter_version(venv_python(venv_dir)):
        log('3.%d: reusing %s (requirements unchanged)' % (minor, shown_dir))
        return venv_python(venv_dir), stamp.get('notes', [])

    started = time.monotonic()
    if stamp.get('interpreter') != interpreter or not interpreter_version(venv_python(venv_dir)):
        if os.path.exists(venv_dir):
            shutil.rmtree(venv_dir)
        log('3.%d: creating %s with %s' % (minor, shown_dir, python))
        if subprocess.run([python, '-m', 'venv', venv_dir]).returncode != 0:
            raise RuntimeError('creating the venv with %s failed' % python)
    else:
        os.remove(os.path.join(venv_dir, STAMP_NAME))
    install_log = os.path.join(venv_dir, 'install.log')
    with open(install_log, 'w'):
        pass
    log('3.%d: installing %s (pip output: %s)'
        % (minor, os.path.relpath(REQUIREMENTS, ROOT), os.path.join(shown_dir, 'install.log')))
    install = [venv_python(venv_dir), '-m', 'pip', 'install', '--disable-pip-version-check',
               '--progress-bar', 'off']
    if not run_logged(install + ['-r', REQUIREMENTS], install_log, 'test requirements'):
        print_log(install_log)
        raise RuntimeError('pip install -r %s failed (its log is above, and in %s)'
                           % (os.path.relpath(REQUIREMENTS, ROOT), install_log))
    notes = []
    for package in optional_packages():
        if not run_logged(install + [package], install_log, 'optional ' + package):
            notes.append('optional package %s did not install (see %s); its tests skip'
                         % (package, os.path.join(shown_dir, 'install.log')))
            log('3.%d: %s' % (minor, notes[-1]))
    wanted['notes'] = notes
    with open(os.path.join(venv_dir, STAMP_NAME), 'w') as stamp_file:
        json.dump(wanted, stamp_file)
    log('3.%d: venv ready in %.0f s' % (minor, time.monotonic() - started))
    return venv_python(venv_dir), notes


# --------------------------------------------------------------------------- pytest

class Outcome:
    """What one interpreter's pytest run gave: counts, skip reasons, status and time."""

    def __init__(self, version):
        self.version = version
        self.counts = collections.Counter()
        self.skip_reasons = collections.Counter()
        self.status = None
        self.problem = ''
        self.seconds = 0.0
        self.notes = []

    @property
    def failed(self):
        return self.status != 0

    def counts_line(self):
        line = '%(passed)d passed, %(failed)d failed, %(skipped)d skipped' % self.counts
        if self.counts['errors']:
            line += ', %d errors' % self.counts['errors']
        return line

    def line(self):
        if self.problem:
            return self.problem
        return '%s in %.0f s' % (self.counts_line(), self.seconds)


def skip_reason(element):
    """The reason of a JUnit <skipped> element; for a module skipped at collection, the
    reason is in its text, "('path', line, 'Skipped: reason')", and the module is named."""
    message = (element.get('message') or '').strip()
    if message == 'collection skipped' and element.text:
        try:
            path, _, reason = ast.literal_eval(element.text.strip())
            return '%s (all of %s)' % (reason.replace('Skipped: ', '', 1),
                                       os.path.relpath(path, ROOT))
        except (ValueError, SyntaxError, TypeError):
            pass
    return message or 'no reason given'


def read_junit(path, outcome):
    """Add the counts and skip reasons of pytest's JUnit XML report to ``outcome``."""
    try:
        tree = ElementTree.parse(path)
    except (OSError, ElementTree.ParseError):
        return False
    for case in tree.iter('testcase'):
        children = {child.tag: child for child in case}
        if 'failure' in children:
            outcome.counts['failed'] += 1
        elif 'error' in children:
            outcome.counts['errors'] += 1
        elif 'skipped' in children:
            outcome.counts['skipped'] += 1
            outcome.skip_reasons[skip_reason(children['skipped'])] += 1
        else:
            outcome.counts['passed'] += 1
    return True


def run_pytest(minor, python, pytest_args, outcome):
    """Run pytest on test/ with ``python`` (its output shown as it comes); fill ``outcome``."""
    env = dict(os.environ)
    if sys.stdout.isatty():
        env.setdefault('PY_COLORS', '1')
    report = os.path.join(os.path.dirname(os.path.dirname(python)), 'junit.xml')
    if os.path.exists(report):
        os.remove(report)
    command = [python, '-m', 'pytest', 'test/', '-q', '-p', 'no:cacheprovider',
               '--timeout', str(TEST_TIMEOUT), '--junitxml', report] + pytest_args
    started = time.monotonic()
    outcome.status = subprocess.run(command, cwd=ROOT, env=env).returncode
    outcome.seconds = time.monotonic() - started
    if not read_junit(report, outcome):
        outcome.problem = 'pytest exit %d and no report (%s)' % (outcome.status, report)
    elif outcome.status == 5:
        outcome.problem = 'pytest ran no tests'


def print_outcome(outcome, indent='  '):
    print('%s%-8s %-8s %s' % (indent, 'FAILED' if outcome.failed else 'passed', outcome.version,
                              outcome.line()))
    for note in outcome.notes:
        print('%s%18s %s' % (indent, 'note:', note))
    for reason, count in sorted(outcome.skip_reasons.items()):
        print('%s%18s %s' % (indent, 'skipped %d:' % count, reason))


def outcome_counts(outcome):
    """passed/failed/skipped of one interpreter; a run that broke before any test failed counts
    as one failure."""
    counts = {'passed': outcome.counts['passed'], 'skipped': outcome.counts['skipped'],
              'failed': outcome.counts['failed'] + outcome.counts['errors']}
    if outcome.failed and not counts['failed']:
        counts['failed'] = 1
    return counts


def print_totals(outcomes):
    """Print the counts summed over all interpreters, as one plain closing line, and append
    each interpreter's counts to $BOTTLE_TEST_TOTALS_FILE (one JSON line each) if it is set."""
    totals = collections.Counter()
    for outcome in outcomes:
        totals.update(outcome_counts(outcome))
    print('Tests: %(passed)d passed, %(failed)d failed, %(skipped)d skipped' % totals, flush=True)
    totals_file = os.environ.get('BOTTLE_TEST_TOTALS_FILE')
    if totals_file:
        with open(totals_file, 'a') as lines:
            for outcome in outcomes:
                lines.write(json.dumps(dict(outcome_counts(outcome), version=outcome.version))
                            + '\n')


def run_suite(wanted_minors, pytest_args, title):
    """Run the suite on each wanted interpreter found; print the summary; return the exit status."""
    interpreters, source = find_interpreters(wanted_minors)
    log('interpreters from %s' % source)
    outcomes = []
    for minor in sorted(interpreters):
        python = interpreters[minor]
        version = '.'.join(map(str, interpreter_version(python) or (3, minor, '?')))
        print('\n' + ('=' * 25) + ' Python %s (%s) ' % (version, python) + ('=' * 25), flush=True)
        outcome = Outcome(version)
        outcomes.append(outcome)
        try:
            venv, outcome.notes = prepare_venv(minor, python)
        except (RuntimeError, OSError) as error:
            outcome.status, outcome.problem = 1, 'set-up failed: %s' % error
            print_outcome(outcome)
            continue
        run_pytest(minor, venv, pytest_args, outcome)
        print_outcome(outcome)

    print('\n' + ('=' * 20) + ' Summary: %s ' % title + ('=' * 20))
    for outcome in outcomes:
        print_outcome(outcome)
    for minor in sorted(wanted_minors - set(interpreters)):
        hint = 'not installed here'
        if minor in NEWEST_MINORS and not os.environ.get(INSIDE_ROOT_VARIABLE):
            hint += ' (`make test-newest` runs it in a Debian sid root)'
        print('  %-8s %-8s %s' % ('SKIPPED', '3.%d' % minor, hint))
    failures = sum(1 for outcome in outcomes if outcome.failed)
    if not outcomes:
        print_totals(outcomes)
        print('Result: FAILED, no interpreter to test with (install Python %s, with pyenv say)'
              % SUPPORTED_RANGE)
        return 1
    if failures:
        print('Result: FAILED on %d of %d interpreters' % (failures, len(outcomes)))
    else:
        print('Result: passed on all %d interpreters tested' % len(outcomes))
    print_totals(outcomes)
    return 1 if failures else 0


# --------------------------------------------------------------------------- the sid root

def skip_newest(reason):
    print('\n' + ('=' * 20) + ' Summary: Python 3.14 and 3.15 in a Debian sid root ' + ('=' * 20))
    for minor in NEWEST_MINORS:
        print('  %-8s %-8s %s' % ('SKIPPED', '3.%d' % minor, reason))
    print('Result: skipped: %s' % reason, flush=True)
    return 0


def ca_bundles():
    """The CA bundle files pip and Python use here (the root gets copies at the same paths)."""
    import ssl
    paths = [os.environ.get(name) for name in ('PIP_CERT', 'SSL_CERT_FILE', 'REQUESTS_CA_BUNDLE')]
    paths.append(ssl.get_default_verify_paths().openssl_cafile)
    paths.append('/etc/ssl/certs/ca-certificates.crt')
    return sorted({os.path.realpath(path) for path in paths if path and os.path.isfile(path)})


def pip_config_files():
    """The host's global pip configuration (files that name no path outside /etc)."""
    files = ['/etc/pip.conf'] + sorted(glob.glob('/etc/xdg/pip/*'))
    return [path for path in files if os.path.isfile(path)]


def copy_into_root(root, path):
    target = os.path.join(root, path.lstrip('/'))
    os.makedirs(os.path.dirname(target), exist_ok=True)
    if os.path.islink(target):
        os.remove(target)
    shutil.copyfile(path, target)


def refresh_root(root):
    """Give the root this host's name resolution, CA bundles and global pip configuration."""
    for path in ['/etc/resolv.conf', '/etc/hosts'] + ca_bundles() + pip_config_files():
        if os.path.isfile(path):
            copy_into_root(root, path)


def environment_for_root():
    """The environment the run inside the root gets: a clean one plus what the suite needs."""
    env = {'PATH': '/usr/local/bin:/usr/bin:/bin', 'HOME': '/root', 'LANG': 'C.UTF-8',
           'PYTHONDONTWRITEBYTECODE': '1', INSIDE_ROOT_VARIABLE: '1'}
    for name, value in os.environ.items():
        if name.startswith('PIP_') and name != 'PIP_FIND_LINKS' or name in (
                'PYTEST_ARGS', 'CI', 'TERM', 'BOTTLE_TEST_MODULE_DIR', 'SSL_CERT_FILE',
                'REQUESTS_CA_BUNDLE', 'PYTHONUNBUFFERED'):
            env[name] = value
    if 'BOTTLE_TEST_ROOT_VENV_DIR' in os.environ:
        env['BOTTLE_TEST_VENV_DIR'] = os.environ['BOTTLE_TEST_ROOT_VENV_DIR']
    return env


def run_newest(wanted_minors):
    """``make test-newest``: run this script for 3.14 and 3.15 inside the Debian sid root."""
    print(('=' * 20) + ' Python 3.14 and 3.15 in a Debian sid root ' + ('=' * 20), flush=True)
    if os.geteuid() != 0:
        return skip_newest('needs root (debootstrap, mount and chroot); run `make test-newest` '
                           'as root on Debian')
    for tool in ('unshare', 'chroot', 'mount'):
        if not shutil.which(tool):
            return skip_newest('the %r command is missing (util-linux / coreutils)' % tool)
    lock_path = os.environ.get('BOTTLE_SID_ROOT', '/var/cache/bottle-sid-root') + '.lock'
    os.makedirs(os.path.dirname(lock_path), exist_ok=True)
    with open(lock_path, 'w') as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log('another test-newest run holds %s; waiting for it' % lock_path)
            fcntl.flock(lock, fcntl.LOCK_EX)
        started = time.monotonic()
        made = subprocess.run(['bash', SID_ROOT_SCRIPT], stdout=subprocess.PIPE, text=True)
        if made.returncode == SKIP_EXIT_CODE:
            return skip_newest('.ci/sid-root could not build the Debian sid root (its reason '
                               'is above)')
        if made.returncode != 0 or not made.stdout.strip():
            print('Result: FAILED: .ci/sid-root exited %d (its output is above)' % made.returncode)
            print('Tests: 0 passed, 1 failed')
            return 1
        root = made.stdout.strip().splitlines()[-1]
        log('sid root %s ready in %.0f s' % (root, time.monotonic() - started))
        refresh_root(root)
        inner = ['python3.%d' % max(wanted_minors), os.path.join(ROOT, 'test', 'run_all.py')]
        for minor in sorted(wanted_minors):
            inner += ['--python', '3.%d' % minor]
        # Mount /proc and /dev, and this checkout at its own path, in a private mount
        # namespace: the mounts are gone when the command ends, however it ends.
        script = (
            'set -e; root=$1; checkout=$2; shift 2; '
            'mount -t proc proc "$root/proc"; mount --rbind /dev "$root/dev"; '
            'mkdir -p "$root$checkout"; mount --bind "$checkout" "$root$checkout"; '
            'cd "$root$checkout"; exec chroot "$root" sh -c \'cd "$0" && exec "$@"\' '
            '"$checkout" "$@"')
        environment = environment_for_root()
        outer_totals = os.environ.get('BOTTLE_TEST_TOTALS_FILE')
        if outer_totals:  # the inner run's counts come back through a file in the root
            environment['BOTTLE_TEST_TOTALS_FILE'] = '/tmp/bottle-test-totals-%d' % os.getpid()
            inner_totals = os.path.join(root, environment['BOTTLE_TEST_TOTALS_FILE'][1:])
            if os.path.exists(inner_totals):
                os.remove(inner_totals)
        command = ['unshare', '--mount', '--propagation', 'private', '--', 'sh', '-c', script,
                   'sid-root', root, ROOT, 'env', '-i']
        command += ['%s=%s' % item for item in sorted(environment.items())] + inner
        status = subprocess.run(command).returncode
        if outer_totals:
            try:
                with open(inner_totals) as source, open(outer_totals, 'a') as target:
                    target.write(source.read())
                os.remove(inner_totals)
            except OSError:  # the inner run broke before it counted anything
                with open(outer_totals, 'a') as target:
                    target.write(json.dumps({'failed': 1 if status else 0}) + '\n')
        return status


def parse_arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--python', action='append', metavar='3.X', default=[],
                        help='run only on this minor version (may be repeated)')
    parser.add_argument('--newest', action='store_true',
                        help='run 3.14 and 3.15 (or the --python ones among them) inside '
                             'the Debian sid root')
    arguments = parser.parse_args(argv)
    allowed = NEWEST_MINORS if arguments.newest else SUPPORTED_MINORS
    minors = set()
    for name in arguments.python:
        match = re.fullmatch(r'3\.(\d+)', name)
        if not match or int(match.group(1)) not in allowed:
            parser.error('--python expects one of %s, got %r'
                         % (', '.join('3.%d' % minor for minor in allowed), name))
        minors.add(int(match.group(1)))
    return arguments.newest, minors or set(allowed)


def main(argv=None):
    newest, wanted_minors = parse_arguments(sys.argv[1:] if argv is None else argv)
    if newest:
        return run_newest(wanted_minors)
    pytest_args = shlex.split(os.environ.get('PYTEST_ARGS', ''))
    if os.environ.get(INSIDE_ROOT_VARIABLE):
        title = 'Python %s in the Debian sid root' % ', '.join(
            '3.%d' % minor for minor in sorted(wanted_minors))
    else:
        title = 'Python %s' % SUPPORTED_RANGE
    return run_suite(wanted_minors, pytest_args, title)


if __name__ == '__main__':
    sys.exit(main())
