"""Shared set-up for the test suite.

The suite imports the ``bottle.py`` that sits next to this directory. Set
``BOTTLE_TEST_MODULE_DIR`` to a directory holding another ``bottle.py`` (the
reference Bottle 0.13.4, say) to run the same tests against it and compare.
"""
import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.environ.get('BOTTLE_TEST_MODULE_DIR') or ROOT)

import bottle  # noqa: E402


@pytest.fixture(autouse=True)
def isolated_bottle_globals():
    """Give every test a fresh default app, no debug mode and empty caches."""
    bottle.app.push()
    debug_before = bottle.DEBUG
    template_path_before = list(bottle.TEMPLATE_PATH)
    try:
        yield
    finally:
        bottle.app.pop()
        bottle.debug(debug_before)
        bottle.TEMPLATE_PATH[:] = template_path_before
        bottle.TEMPLATES.clear()
