#!/usr/bin/env python3
"""``make deploy-test``: the browser and deployment tests, with what they need installed.

1. The Debian packages of PACKAGES (Chromium and ChromeDriver, Apache with mod_wsgi,
   nginx, openssl) are installed with apt-get when some are missing and we are root;
   otherwise the missing ones are named and the tests that need them skip.
2. A virtual environment .venv/deploy gets the packages of test/requirements-deploy.txt
   (pytest, Selenium, Gunicorn); it is made again only when that file changes.
3. pytest runs test/test_browser.py and test/test_deploy.py in it with BOTTLE_E2E=1.

The closing line is the counts (``Tests: N passed, N failed, N skipped``); they are also
appended to $BOTTLE_TEST_TOTALS_FILE as a JSON line when that is set (.ci/run adds them up).
Extra arguments go to pytest: ``python3 test/run_deploy.py -k apache``. ``--no-install``
skips step 1.
"""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import venv
from xml.etree import ElementTree

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(ROOT, '.venv', 'deploy')
REQUIREMENTS = os.path.join(ROOT, 'test', 'requirements-deploy.txt')
TEST_FILES = ['test/test_browser.py', 'test/test_deploy.py']
# Debian package -> a file it installs (present means installed).
PACKAGES = {
    'chromium': '/usr/bin/chromium',
    'chromium-driver': '/usr/bin/chromedriver',
    'apache2': '/usr/sbin/apache2',
    'libapache2-mod-wsgi-py3': '/usr/lib/apache2/modules/mod_wsgi.so',
    'nginx': '/usr/sbin/nginx',
    'openssl': '/usr/bin/openssl',
}
APT_TIMEOUT = 900  # seconds for each apt-get call
TEST_TIMEOUT = 300  # seconds for each test (pytest-timeout)


def say(message):
    print(message, flush=True)


def install_packages():
    """apt-get install the missing PACKAGES; return the names still missing."""
    missing = [name for name, path in PACKAGES.items() if not os.path.exists(path)]
    if not missing:
        say('+ Debian packages: %s already installed' % ' '.join(PACKAGES))
        return []
    if os.geteuid() != 0 or not shutil.which('apt-get'):
        say('! not root or no apt-get: cannot install %s; the tests that need them skip'
            % ' '.join(missing))
        return missing
    say('+ apt-get install -y --no-install-recommends %s' % ' '.join(missing))
    environment = dict(os.environ, DEBIAN_FRONTEND='noninteractive')
    for command in (['apt-get', 'update', '-q'],
                    ['apt-get', 'install', '-y', '-q', '--no-install-recommends'] + missing):
        try:
            result = subprocess.run(command, env=environment, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, timeout=APT_TIMEOUT)
        except subprocess.TimeoutExpired:
            say('! %s took longer than %d s' % (' '.join(command), APT_TIMEOUT))
            break
        if result.returncode != 0:
            say(result.stdout.decode('utf8', 'replace')[-3000:])
            say('! %s failed (exit %d)' % (' '.join(command), result.returncode))
            break
    still_missing = [name for name in missing if not os.path.exists(PACKAGES[name])]
    if still_missing:
        say('! still missing: %s; the tests that need them skip' % ' '.join(still_missing))
    return still_missing


def make_venv():
    """Create .venv/deploy with test/requirements-deploy.txt, unless it is up to date."""
    with open(REQUIREMENTS, 'rb') as requirements:
        wanted = hashlib.sha256(requirements.read()).hexdigest()
    stamp = os.path.join(VENV, 'requirements.stamp')
    python = os.path.join(VENV, 'bin', 'python')
    try:
        with open(stamp) as existing:
            if existing.read().strip() == wanted and os.path.exists(python):
                say('+ %s: up to date' % os.path.relpath(VENV, ROOT))
                return python
    except OSError:
        pass
    say('+ creating %s with %s'
        % (os.path.relpath(VENV, ROOT), os.path.relpath(REQUIREMENTS, ROOT)))
    shutil.rmtree(VENV, ignore_errors=True)
    venv.create(VENV, with_pip=True)
    log_path = os.path.join(VENV, 'install.log')
    with open(log_path, 'wb') as log:
        result = subprocess.run([python, '-m', 'pip', 'install', '--disable-pip-version-check',
                                 '-r', REQUIREMENTS], stdout=log, stderr=subprocess.STDOUT)
    if result.returncode != 0:
        with open(log_path, encoding='utf8', errors='replace') as log:
            say(log.read()[-5000:])
        say('! pip could not install %s (log above)' % os.path.relpath(REQUIREMENTS, ROOT))
        return None
    with open(stamp, 'w') as done:
        done.write(wanted + '\n')
    return python


def count(report):
    """passed/failed/skipped of a JUnit XML report (errors count as failed); None if unreadable."""
    try:
        tree = ElementTree.parse(report)
    except (OSError, ElementTree.ParseError):
        return None
    counts = {'passed': 0, 'failed': 0, 'skipped': 0}
    for case in tree.iter('testcase'):
        kinds = {child.tag for child in case}
        if kinds & {'failure', 'error'}:
            counts['failed'] += 1
        elif 'skipped' in kinds:
            counts['skipped'] += 1
        else:
            counts['passed'] += 1
    return counts


def main(arguments):
    install = '--no-install' not in arguments
    pytest_args = [argument for argument in arguments if argument != '--no-install']
    if install:
        install_packages()
    python = make_venv()
    if python is None:
        counts, status = {'passed': 0, 'failed': 1, 'skipped': 0}, 1
    else:
        report = os.path.join(VENV, 'junit.xml')
        if os.path.exists(report):
            os.remove(report)
        command = [python, '-m', 'pytest', '-p', 'no:cacheprovider', '-rs', '-v',
                   '--timeout', str(TEST_TIMEOUT), '--junitxml', report] + TEST_FILES + pytest_args
        say('+ BOTTLE_E2E=1 ' + ' '.join(os.path.relpath(part, ROOT) if part.startswith(ROOT)
                                          else part for part in command))
        status = subprocess.run(command, cwd=ROOT, env=dict(os.environ, BOTTLE_E2E='1')).returncode
        counts = count(report) or {'passed': 0, 'failed': 1, 'skipped': 0}
        if status == 5:  # pytest collected nothing: that is a failure here
            counts['failed'] = max(counts['failed'], 1)
            status = 1
    say('Tests: %(passed)d passed, %(failed)d failed, %(skipped)d skipped' % counts)
    totals_file = os.environ.get('BOTTLE_TEST_TOTALS_FILE')
    if totals_file:
        with open(totals_file, 'a') as lines:
            lines.write(json.dumps(dict(counts, version='deploy')) + '\n')
    return status


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
