"""Which Pythons the benchmark runs on, and a venv of the pinned frameworks for each.

``--pythons`` in run.py takes a comma-separated list of:

- ``current``: the Python running run.py (``make bench``: pyenv's 3.11);
- ``newest``: the newest CPython found here (see :func:`discover`), skipped with a message when
  it is the current one;
- a version such as ``3.13`` or ``3.14``: the newest found of that minor version;
- a path to a python executable.

Found are: pyenv's versions (``$PYENV_ROOT/versions/*``), ``python3.N`` on PATH, and the Debian
sid root that ``make test-newest`` builds for 3.14 and 3.15 (``.ci/sid-root``, cached in
/var/cache/bottle-sid-root or $BOTTLE_SID_ROOT). The root is only used when it already exists
(``.ci/sid-root --check``); the benchmark never builds it. Its Pythons cannot run outside it
(bookworm's libc is too old), so run.py runs itself again inside the root for them
(:func:`root_command`), with this checkout bind-mounted at its own path, and reads back the
results.

Every interpreter gets its own venv, ``.venv/bench-X.Y`` (inside the sid root:
/var/cache/bottle-bench-venvs/bench-X.Y), with the packages pinned in ``bench/requirements.txt``;
it is rebuilt only when that file or the interpreter changes. Standard library only: run.py
imports this outside any venv.
"""
import hashlib
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
REQUIREMENTS = BENCH_DIR / 'requirements.txt'
SID_ROOT_SCRIPT = REPO_ROOT / '.ci' / 'sid-root'
SID_MINORS = (14, 15)
# Set for run.py inside the sid root: it then benchmarks the Python it runs on, venvs go to
# ROOT_VENV_ROOT (not into the checkout, which the host's Pythons share).
INSIDE_ROOT_VARIABLE = 'BOTTLE_BENCH_IN_SID_ROOT'
ROOT_VENV_ROOT = Path('/var/cache/bottle-bench-venvs')
VENV_ROOT = ROOT_VENV_ROOT if os.environ.get(INSIDE_ROOT_VARIABLE) else REPO_ROOT / '.venv'
_VERSION_SCRIPT = 'import platform, sys; print(platform.python_version(), sys.version)'


@dataclass
class Interpreter:
    """One Python to benchmark on.

    ``executable`` runs it on this machine; ``version`` is its platform.python_version();
    ``origin`` says where it was found (for the report).
    """
    executable: str
    version: str
    origin: str
    build: str = ''  # sys.version, which names the compiler and build date
    notes: list = field(default_factory=list)
    root: str = ''  # the sid root it runs in (``executable`` is a path inside it), or ''

    @property
    def minor(self):
        return '.'.join(self.version.split('.')[:2])

    @property
    def key(self):
        return tuple(int(part) for part in re.findall(r'\d+', self.version)[:3])

    @property
    def venv_dir(self):
        return VENV_ROOT / ('bench-' + self.minor)

    def venv_python(self):
        return self.venv_dir / 'bin' / 'python'


def probe(executable, origin, root=''):
    """An :class:`Interpreter` for ``executable`` (inside ``root`` if given), or None if it does
    not run."""
    command = [str(executable), '-c', _VERSION_SCRIPT]
    if root:
        command = ['chroot', root] + command
    try:
        process = subprocess.run(command, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if process.returncode != 0 or not process.stdout.strip():
        return None
    version, _, build = process.stdout.strip().partition(' ')
    return Interpreter(str(executable), version, origin, build.replace('\n', ' '), root=root)


def current():
    origin = 'Debian sid root' if os.environ.get(INSIDE_ROOT_VARIABLE) else 'current'
    return Interpreter(sys.executable, '.'.join(map(str, sys.version_info[:3])), origin,
                       sys.version.replace('\n', ' '))


def discover():
    """Every CPython 3 found here, one per minor version (the newest patch release), oldest
    first. Problems met on the way (such as a sid root that is missing) are in ``notes``."""
    found = {}
    notes = []
    candidates = [(path, 'pyenv') for path in _pyenv_pythons()]  # (path, origin[, root])
    for minor in range(9, 20):
        path = shutil.which('python3.%d' % minor)
        if path and '/.pyenv/shims/' not in path:
            candidates.append((path, 'PATH'))
    sid_pythons, sid_note = _sid_pythons()
    candidates += sid_pythons
    if sid_note:
        notes.append(sid_note)
    for path, origin, *root in candidates:
        interpreter = probe(path, origin, *root)
        if interpreter is None or not interpreter.version.startswith('3.'):
            continue
        known = found.get(interpreter.minor)
        if known is None or interpreter.key > known.key:
            found[interpreter.minor] = interpreter
    return sorted(found.values(), key=lambda interpreter: interpreter.key), notes


def _pyenv_pythons():
    root = Path(os.environ.get('PYENV_ROOT') or Path.home() / '.pyenv')
    for version_dir in sorted((root / 'versions').glob('3.*')):
        match = re.fullmatch(r'(3\.\d+)\.\d+', version_dir.name)
        if match:
            executable = version_dir / 'bin' / ('python' + match.group(1))
            if executable.exists():
                yield executable


def _sid_root():
    """(path, None) of the Debian sid root ``make test-newest`` keeps, or (None, why not)."""
    why = 'no Python 3.14/3.15: '
    if os.environ.get(INSIDE_ROOT_VARIABLE):
        return None, None
    if not SID_ROOT_SCRIPT.exists():
        return None, why + '%s is missing' % SID_ROOT_SCRIPT.relative_to(REPO_ROOT)
    if not hasattr(os, 'geteuid') or os.geteuid() != 0:
        return None, why + 'the Debian sid root they run in needs root (chroot, mount)'
    for tool in ('chroot', 'unshare', 'mount'):
        if not shutil.which(tool):
            return None, why + 'the %r command is missing' % tool
    try:
        process = subprocess.run(['bash', str(SID_ROOT_SCRIPT), '--check'], capture_output=True,
                                 text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as error:
        return None, why + '.ci/sid-root --check failed: %s' % error
    if process.returncode != 0 or not process.stdout.strip():
        return None, why + ('no Debian sid root has been built here (`make test-newest` or '
                            '.ci/sid-root builds it, as root, in about a minute)')
    return process.stdout.strip().splitlines()[-1], None


def _sid_pythons():
    """([(executable, origin, root)], note): the sid root's Pythons, or why there are none."""
    root, note = _sid_root()
    if root is None:
        return [], note
    found = [('/usr/bin/python3.%d' % minor, 'Debian sid root', root) for minor in SID_MINORS
             if (Path(root) / ('usr/bin/python3.%d' % minor)).exists()]
    return found, None if found else 'the sid root at %s has no python3.14/3.15' % root


# ---------------------------------------------------------------------------------------------
# Running inside the sid root
# In a private mount namespace: /proc, /dev and the checkout mounted, gone when the command ends.

_ROOT_SCRIPT = (
    'set -e; root=$1; shift; '
    'mount -t proc proc "$root/proc"; mount --rbind /dev "$root/dev"; '
    'while [ "$1" != -- ]; do mkdir -p "$root$1"; mount --bind "$1" "$root$1"; shift; done; '
    'shift; exec chroot "$root" sh -c \'cd "$0" && exec "$@"\' "$@"')
_PASSED_VARIABLES = ('SSL_CERT_FILE', 'REQUESTS_CA_BUNDLE', 'PYTHONUNBUFFERED', 'TERM')


def root_command(interpreter, arguments, directories=()):
    """The command that runs ``[interpreter, *arguments]`` inside the interpreter's sid root,
    in this checkout (and ``directories``, bind-mounted at their own paths too)."""
    refresh_root(interpreter.root)
    environment = {'PATH': '/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin', 'HOME': '/root',
                   'LANG': 'C.UTF-8', INSIDE_ROOT_VARIABLE: '1'}
    for name, value in os.environ.items():
        if (name.startswith('PIP_') and name != 'PIP_FIND_LINKS') or name in _PASSED_VARIABLES:
            environment[name] = value
    mounts = [str(REPO_ROOT)] + [str(path) for path in directories
                                 if not str(path).startswith(str(REPO_ROOT) + os.sep)]
    return (['unshare', '--mount', '--propagation', 'private', '--', 'sh', '-c', _ROOT_SCRIPT,
             'sid-root', interpreter.root, *mounts, '--', str(REPO_ROOT), 'env', '-i']
            + ['%s=%s' % item for item in sorted(environment.items())]
            + [interpreter.executable, *arguments])


def refresh_root(root):
    """Give the root this host's name resolution and CA bundles (pip inside it fails to verify
    the package index otherwise), as test/run_all.py does before its runs."""
    import ssl
    paths = {'/etc/resolv.conf', '/etc/hosts', '/etc/ssl/certs/ca-certificates.crt',
             ssl.get_default_verify_paths().openssl_cafile or ''}
    paths.update(os.environ.get(name, '') for name in ('PIP_CERT', 'SSL_CERT_FILE',
                                                        'REQUESTS_CA_BUNDLE'))
    for path in sorted(os.path.realpath(path) for path in paths if path):
        if os.path.isfile(path):
            target = os.path.join(root, path.lstrip('/'))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            if os.path.islink(target):
                os.remove(target)
            shutil.copyfile(path, target)


class RootLock:
    """The lock ``make test-newest`` holds while it uses (or rebuilds) the sid root."""

    def __init__(self, root, log):
        self.path = root.rstrip('/') + '.lock'
        self.log = log

    def __enter__(self):
        import fcntl
        self.file = open(self.path, 'w')
        try:
            fcntl.flock(self.file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.log('another user of the sid root holds %s; waiting for it' % self.path)
            fcntl.flock(self.file, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc_info):
        self.file.close()


def select(spec):
    """The interpreters named by ``spec`` (see the module docstring), and notes on the skipped."""
    chosen, notes = [], []
    everything = None
    for name in filter(None, (part.strip() for part in spec.split(','))):
        if name == 'current':
            interpreter = current()
        elif name == 'newest' or re.fullmatch(r'3\.\d+', name):
            if everything is None:
                everything, discovery_notes = discover()
                notes.extend(discovery_notes)
            matching = [found for found in everything if name == 'newest' or found.minor == name]
            if not matching:
                notes.append('no Python %s found here (looked in pyenv, PATH and the sid root)'
                             % name)
                continue
            interpreter = matching[-1]
        else:
            interpreter = probe(name, 'path')
            if interpreter is None:
                notes.append('%s does not run; skipped' % name)
                continue
        if any(known.minor == interpreter.minor for known in chosen):
            if name == 'newest':
                notes.append('the newest Python found is %s, already benchmarked'
                             % interpreter.version)
            continue
        chosen.append(interpreter)
    return chosen, notes


# ---------------------------------------------------------------------------------------------
# The benchmark venvs

def ensure_venv(interpreter, log):
    """The venv python of ``interpreter``, (re)building its venv first if missing or stale."""
    python = interpreter.venv_python()
    stamp_file = interpreter.venv_dir / 'requirements.sha256'
    stamp = hashlib.sha256(REQUIREMENTS.read_bytes() + interpreter.build.encode()
                           + interpreter.executable.encode()).hexdigest()
    if python.exists() and stamp_file.exists() and stamp_file.read_text().strip() == stamp:
        return python
    log('Building %s for Python %s from %s ...'
        % (interpreter.venv_dir, interpreter.version, REQUIREMENTS.name))
    steps = [[interpreter.executable, '-m', 'venv', '--clear', str(interpreter.venv_dir)],
             [str(python), '-m', 'pip', 'install', '--disable-pip-version-check', '--quiet',
              '-r', str(REQUIREMENTS)]]
    for command in steps:
        process = subprocess.run(command, capture_output=True, text=True)
        if process.returncode != 0:
            raise RuntimeError('%s failed:\n%s%s' % (' '.join(command), process.stdout,
                                                      process.stderr))
    stamp_file.write_text(stamp + '\n')
    return python
