"""Packaging for bottle.py: ``pip install .`` installs the single module and a ``bottle`` script."""
import os
import re

from setuptools import setup

HERE = os.path.dirname(os.path.abspath(__file__))


def read(name):
    with open(os.path.join(HERE, name), encoding='utf8') as source:
        return source.read()


def read_version():
    """Take ``__version__`` from bottle.py's source without importing the module."""
    match = re.search(r"^__version__\s*=\s*['\"]([^'\"]+)['\"]", read('bottle.py'), re.MULTILINE)
    if not match:
        raise RuntimeError("No __version__ = '...' line found in bottle.py")
    return match.group(1)


setup(
    name='bottle',
    version=read_version(),
    description='Fast and simple WSGI micro-framework in a single file: '
                'a drop-in replacement for Bottle 0.13',
    long_description=read('README.rst'),
    long_description_content_type='text/x-rst',
    author='The bottle.py authors',
    license='MIT',  # no License classifier: setuptools >= 77 deprecates them
    py_modules=['bottle'],
    entry_points={'console_scripts': ['bottle = bottle:main']},
    python_requires='>=3.9',
    platforms='any',
    classifiers=[
        'Development Status :: 4 - Beta',
        'Environment :: Web Environment',
        'Framework :: Bottle',
        'Intended Audience :: Developers',
        'Operating System :: OS Independent',
        'Programming Language :: Python :: 3',
        'Programming Language :: Python :: 3 :: Only',
        'Programming Language :: Python :: 3.9',
        'Programming Language :: Python :: 3.10',
        'Programming Language :: Python :: 3.11',
        'Programming Language :: Python :: 3.12',
        'Programming Language :: Python :: 3.13',
        'Programming Language :: Python :: 3.14',
        'Programming Language :: Python :: 3.15',
        'Topic :: Internet :: WWW/HTTP :: Dynamic Content',
        'Topic :: Internet :: WWW/HTTP :: WSGI',
        'Topic :: Internet :: WWW/HTTP :: WSGI :: Application',
        'Topic :: Software Development :: Libraries :: Application Frameworks',
    ],
)
