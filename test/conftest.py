"""Shared set-up for the test suite.

The suite imports the ``bottle.py`` that sits next to this directory. Set
``BOTTLE_TEST_MODULE_DIR`` to a directory holding another ``bottle.py`` (the
reference Bottle 0.13.4, say) to run the same tests against it and compare.
"""
import gc
import os
import signal
import sys
import textwrap

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.environ.get('BOTTLE_TEST_MODULE_DIR') or ROOT)

import bottle  # noqa: E402

# Ctrl-C for the servers the tests start and stop with SIGINT. A process started in
# the background of a non-interactive shell (`cmd &` in a script, nohup, some CI
# runners) inherits SIGINT *ignored*, passes that on to every process it starts, and
# Python then never raises KeyboardInterrupt: the servers would ignore the tests'
# Ctrl-C. With a handler here instead, the children start with the default again
# (exec resets handled signals, not ignored ones). A preexec_fn per server would do
# the same but makes subprocess fork() the test process, which eventlet warns about.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture(autouse=True)
def isolated_bottle_globals():
    """Give every test a fresh default app, no debug mode, empty caches, and a
    ``bottle.request`` / ``bottle.response`` of no request (what an earlier test's
    request left there must not change the outcome of this one)."""
    bottle.app.push()
    bottle.request.bind({})
    bottle.response.bind()
    debug_before = bottle.DEBUG
    template_path_before = list(bottle.TEMPLATE_PATH)
    try:
        yield
    finally:
        bottle.app.pop()
        bottle.debug(debug_before)
        bottle.TEMPLATE_PATH[:] = template_path_before
        bottle.TEMPLATES.clear()


@pytest.fixture(autouse=True)
def collect_garbage_of_the_test():
    """Collect the young garbage each test leaves, so a file or socket it forgot to close
    is reported (ResourceWarning, an error under filterwarnings = error) in that test's
    teardown, not in whichever later test the interpreter next collects garbage in.
    Generations 0 and 1 only: a full collection per test would cost a minute a run."""
    yield
    gc.collect(1)


@pytest.fixture
def importable(tmp_path, monkeypatch):
    """Write modules into tmp_path, put it on sys.path and forget the modules afterwards.

    ``importable('name.py', source)`` writes the dedented ``source`` to
    ``tmp_path/name.py`` (``'pkg/__init__.py'``, ``'pkg/mod.py'`` for packages)
    and returns the path. After the test every module imported from a top-level
    name written this way is removed from ``sys.modules``.
    """
    monkeypatch.syspath_prepend(str(tmp_path))
    created = []

    def write(relative_path, source):
        path = tmp_path / relative_path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source))
        created.append(relative_path.split('/')[0].split('.py')[0])
        return path

    yield write
    for name in list(sys.modules):
        if any(name == top or name.startswith(top + '.') for top in created):
            del sys.modules[name]
