"""Example applications; ``examples.demo:app`` is the one README.rst starts."""
