# The demo application for Apache's mod_wsgi (docs/deployment.rst, "Apache with mod_wsgi").
# mod_wsgi imports this file and serves the WSGI callable named ``application``.
import os
import sys

# The directory holding bottle.py and examples/ (the checkout, e.g. /srv/notes).
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
# mod_wsgi hands Apache's SetEnv values to each request, not to os.environ:
# name the settings file here instead.
os.environ.setdefault('BOTTLE_DEMO_CONFIG', os.path.join(ROOT, 'notes.ini'))

from examples.demo import app  # noqa: E402 (it needs the path set above)

application = app
