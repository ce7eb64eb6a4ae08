#!/usr/bin/env python3
# mypy: disable-error-code="import-not-found,import-untyped"
# (the servers and template engines imported when asked for are rarely all installed:
# a type checker reading this file from an application needs none of them)
"""
bottle.py: a fast, simple and lightweight WSGI micro web-framework in one file.

It is a drop-in replacement for Bottle 0.13: request dispatching with URL
parameters (routes), a built-in template engine, request and response objects
with easy access to forms, uploads, cookies and headers, adapters for many WSGI
servers and template engines, and nothing outside the Python standard library.

    from bottle import route, run

    @route('/hello/<name>')
    def hello(name):
        return 'Hello %s!' % name

    run(host='127.0.0.1', port=8080)

License: MIT (see LICENSE).
"""

from __future__ import annotations  # annotations stay strings: nothing to evaluate or import

__author__ = 'The bottle.py authors'
__version__ = '0.13.4'
__license__ = 'MIT'

# ------------------------------------------------------------------- Imports ----
# Only cheap standard modules are imported here. Everything heavier (json, cgi-like
# parsing, tempfile, mimetypes, hashing, servers, template engines) is imported
# inside the function that needs it, so `import bottle` stays fast.

import enum  # loaded by re already: no import cost
import functools
import io
import itertools
import os
import re
import sys
import threading
import time
import warnings
from _collections_abc import MutableMapping as DictMixin  # collections.abc without its import cost
from _weakref import ref as _weakref  # weakref.ref, without importing the weakref module

# Type checkers treat a constant named TYPE_CHECKING as true and read the block below; at
# run time it is skipped, so the typing names cost no import time. Annotations are strings
# that nothing evaluates (the __future__ import above); the few names that class bases use
# at run time are stand-ins in the else branch.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, KeysView, Mapping, Sequence
    from datetime import date as datedate  # the names of _LAZY_NAMES, as at run time
    from datetime import datetime
    from types import CodeType, ModuleType, TracebackType
    from typing import IO, Any, Generic as _Generic, NoReturn, Protocol, Union, overload
    from urllib.parse import SplitResult

    from _typeshed.wsgi import StartResponse as _StartResponse
    from _typeshed.wsgi import WSGIApplication as _WSGIApplication
    from _typeshed.wsgi import WSGIEnvironment as _Environ
    from typing_extensions import ParamSpec, TypeAlias, TypeVar

    _T = TypeVar('_T', default=Any)
    _K = TypeVar('_K', default=Any)
    _V = TypeVar('_V', default=Any)
    _D = TypeVar('_D')
    _R = TypeVar('_R')
    _P = ParamSpec('_P')
    _F = TypeVar('_F', bound=Callable[..., Any])
    _BottleT = TypeVar('_BottleT', bound='Bottle')
    _ResponseT = TypeVar('_ResponseT', bound='BaseResponse')
    _ConfigT = TypeVar('_ConfigT', bound='ConfigDict')

    #: A route rule, or several; route methods likewise.
    _Rules: TypeAlias = Union[str, Iterable[str]]
    _Methods: TypeAlias = Union[str, Iterable[str]]
    #: A plugin: a decorator-like callable, or an object with ``apply(callback, route)``
    #: (plugin API v2); ``skip=`` also takes plugin classes, names and True.
    _Plugin: TypeAlias = Any
    #: A wildcard filter: ``config -> (regexp, to_python or None, to_url or None)``.
    _RouteFilter: TypeAlias = Callable[
        [Union[str, None]],
        'tuple[str, Callable[[str], Any] | None, Callable[[Any], str] | None]']
    #: ``match_route(path)`` of one route: ``(target, url_args)``, or None.
    _RouteMatcher: TypeAlias = Callable[[str], 'tuple[Any, dict[str, Any]] | None']
    #: Response headers: a dict or (name, value) pairs.
    _Headers: TypeAlias = Union[Mapping[str, Any], Iterable['tuple[str, Any]']]
    #: What http_date() formats: a datetime or date, seconds since the epoch, a time tuple
    #: (or a string, returned as it is).
    _DateLike: TypeAlias = Union[datetime, datedate, float, Sequence[int], str]
    class _RouteShortcut(Protocol):
        """Bottle.get, post, put, delete and patch: route() with the method set."""

        @overload
        def __call__(self, path: _F, method: _Methods = ..., **options: Any) -> _F: ...
        @overload
        def __call__(self, path: _Rules | None = ..., method: _Methods = ..., *,
                     callback: _F, **options: Any) -> _F: ...
        @overload
        def __call__(self, path: _Rules | None = ..., method: _Methods = ...,
                     **options: Any) -> Callable[[_F], _F]: ...

    #: A signing key, or several (the first signs, any verifies).
    _Secret: TypeAlias = Union[str, bytes, Sequence[Union[str, bytes]]]
else:
    class _Generic(object):
        """At run time ``_Generic[...]`` in the bases of a class is just object."""

        def __class_getitem__(cls, parameters):
            return object

    _T = _K = _V = None  # the type variables class bases name

# --------------------------------------------------------- Compatibility names ----
# Bottle 0.13 ran on Python 2 and 3, exported helpers for both and re-exported many
# standard-library names; applications, plugins and their test suites still import
# them from bottle. The cheap ones are bound here. The others would cost import time,
# so _LAZY_NAMES lists where they come from and the module ``__getattr__`` at the end
# of this section imports each on first access.

py = sys.version_info
py3k = True
basestring = str
unicode = str
long = int
unichr = chr
imap = map
BytesIO = io.BytesIO
new_module = type(sys)
FunctionType = type(lambda: None)
import _thread as thread  # noqa: E402, F401  (a built-in module: free to import)

#: name -> (module to import, attribute of it or None for the module itself). As with
#: ``import email.utils``, a name equal to the first part of a dotted module path is
#: bound to the package.
_LAZY_NAMES = {
    'base64': ('base64', None), 'calendar': ('calendar', None),
    'configparser': ('configparser', None), 'email': ('email.utils', None),
    'hashlib': ('hashlib', None), 'hmac': ('hmac', None), 'inspect': ('inspect', None),
    'mimetypes': ('mimetypes', None), 'pickle': ('pickle', None),
    'tempfile': ('tempfile', None), 'weakref': ('weakref', None),
    'httplib': ('http.client', None),
    'SimpleCookie': ('http.cookies', 'SimpleCookie'), 'Morsel': ('http.cookies', 'Morsel'),
    'CookieError': ('http.cookies', 'CookieError'),
    'urlencode': ('urllib.parse', 'urlencode'), 'urlquote': ('urllib.parse', 'quote'),
    'urljoin': ('urllib.parse', 'urljoin'), 'UrlSplitResult': ('urllib.parse', 'SplitResult'),
    'json_lds': ('json', 'loads'), 'getfullargspec': ('inspect', 'getfullargspec'),
    'NamedTemporaryFile': ('tempfile', 'NamedTemporaryFile'),
    'format_exc': ('traceback', 'format_exc'), 'print_exc': ('traceback', 'print_exc'),
    'datedate': ('datetime', 'date'), 'datetime': ('datetime', 'datetime'),
    'timedelta': ('datetime', 'timedelta'), 'timezone': ('datetime', 'timezone'),
    'normalize': ('unicodedata', 'normalize'), 'print_function': ('__future__', 'print_function'),
}


if TYPE_CHECKING:  # what the names of _LAZY_NAMES are, declared for type checkers
    import base64  # noqa: F401
    import calendar  # noqa: F401
    import configparser  # noqa: F401
    import email.utils  # noqa: F401
    import hashlib  # noqa: F401
    import hmac  # noqa: F401
    import http.client as httplib  # noqa: F401
    import inspect  # noqa: F401
    import mimetypes  # noqa: F401
    import pickle  # noqa: F401
    import tempfile  # noqa: F401
    import weakref  # noqa: F401
    from datetime import timedelta, timezone  # noqa: F401
    from http.cookies import CookieError, Morsel, SimpleCookie  # noqa: F401
    from inspect import getfullargspec  # noqa: F401
    from json import loads as json_lds  # noqa: F401
    from tempfile import NamedTemporaryFile  # noqa: F401
    from traceback import format_exc, print_exc  # noqa: F401
    from unicodedata import normalize  # noqa: F401
    from urllib.parse import SplitResult as UrlSplitResult  # noqa: F401
    from urllib.parse import quote as urlquote  # noqa: F401
    from urllib.parse import urlencode, urljoin  # noqa: F401

    UTC: timezone
    print_function: Any

    def urlunquote(string: str, encoding: str = 'latin1', errors: str = 'replace') -> str: ...
    def _re_flatten(pattern: str) -> str: ...


def _load_lazy_name(name: str) -> Any:
    """Import the value of a name of :data:`_LAZY_NAMES` (or a derived one) and keep it."""
    import importlib
    if name == 'UTC':
        value = _load_lazy_name('timezone').utc
    elif name == 'urlunquote':  # 0.13's unquote with latin-1 as the default encoding
        value = functools.partial(importlib.import_module('urllib.parse').unquote,
                                  encoding='latin1')
    else:
        module_name, attribute = _LAZY_NAMES[name]
        value = importlib.import_module(module_name)
        if attribute:
            value = getattr(value, attribute)
        elif module_name.split('.')[0] == name:
            value = sys.modules[name]
    globals()[name] = value
    return value


if not TYPE_CHECKING:  # (a module __getattr__ would make every bottle.<name> valid for them)
    def __getattr__(name: str) -> Any:
        """Resolve the compatibility names that are imported on first access."""
        if name in _LAZY_NAMES or name in ('UTC', 'urlunquote'):
            return _load_lazy_name(name)
        if name == '_re_flatten':  # the name plugins with custom route filters borrow
            return _flatten_groups
        raise AttributeError('module %r has no attribute %r' % (__name__, name))


def __dir__() -> list[str]:
    """The module's names, the ones imported on first access included."""
    return sorted(set(globals()) | set(_LAZY_NAMES) | {'UTC', 'urlunquote', '_re_flatten'})


def tob(s: Any, enc: str = 'utf8') -> bytes:
    """Return ``s`` as bytes: str is encoded with ``enc``, None becomes b''."""
    if isinstance(s, str):
        return s.encode(enc)
    return b'' if s is None else bytes(s)


def touni(s: Any, enc: str = 'utf8', err: str = 'strict') -> str:
    """Return ``s`` as str: bytes are decoded with ``enc``, None becomes ''."""
    if isinstance(s, bytes):
        return s.decode(enc, err)
    return str('' if s is None else s)


tonat = touni


def _latin1_to_unicode(native: str) -> str:
    """Decode a PEP 3333 native string (bytes smuggled as latin-1) as UTF-8.

    Values whose bytes are not valid UTF-8 keep their latin-1 reading, so no
    data is lost and nothing raises.
    """
    if native.isascii():
        return native
    try:
        return native.encode('latin1').decode('utf8')
    except UnicodeError:
        return native


def _unicode_to_latin1(text: str) -> str:
    """Encode ``text`` as UTF-8 and return it as a PEP 3333 native string."""
    return text if text.isascii() else text.encode('utf8').decode('latin1')


def depr(major: int, minor: int, cause: str, fix: str, stacklevel: int = 3) -> DeprecationWarning:
    """Warn that a feature is deprecated since Bottle ``major.minor``.

    :param major: major version of Bottle that deprecated the feature.
    :param minor: minor version of Bottle that deprecated the feature.
    :param cause: what the caller did that is deprecated.
    :param fix: what to do instead.
    :param stacklevel: which caller the warning points at (see :func:`warnings.warn`).
    :returns: the :exc:`DeprecationWarning`, for callers that want to raise it.
    :raises DeprecationWarning: at once, when ``bottle.DEBUG`` is ``'strict'``.
    """
    warning = DeprecationWarning(
        'Warning: Use of deprecated feature or API. (Deprecated in Bottle-%d.%d)\n'
        'Cause: %s\nFix: %s\n' % (major, minor, cause, fix))
    if DEBUG == 'strict':
        raise warning
    warnings.warn(warning, stacklevel=stacklevel)
    return warning


def makelist(data: Any) -> list[Any]:
    """Return ``data`` as a list: sequences are copied, a single true value is wrapped."""
    if isinstance(data, (tuple, list, set, dict)):
        return list(data)
    elif data:
        return [data]
    return []


def update_wrapper(wrapper: Any, wrapped: Any, *a: Any, **ka: Any) -> None:
    """Like :func:`functools.update_wrapper`, but never fails on odd callables."""
    try:
        functools.update_wrapper(wrapper, wrapped, *a, **ka)
    except AttributeError:
        pass


def callable(x: object) -> bool:
    """Return True if ``x`` can be called (kept for Bottle 0.13 compatibility)."""
    return hasattr(x, '__call__')  # noqa: B004  (it shadows the builtin it would call)


def getargspec(func: Callable[..., Any]
               ) -> tuple[list[str], str | None, str | None, tuple[Any, ...] | None]:
    """Return ``(args, varargs, varkw, defaults)`` of ``func`` like the old inspect helper."""
    import inspect
    spec = inspect.getfullargspec(func)
    kwonly = [name for name in spec.kwonlyargs]
    return spec.args + kwonly, spec.varargs, spec.varkw, spec.defaults


def json_dumps(obj: Any, **options: Any) -> str:
    """Serialise ``obj`` with :func:`json.dumps` (imported on first use)."""
    import json
    return json.dumps(obj, **options)


def json_loads(s: str | bytes) -> Any:
    """Parse a JSON document given as str or UTF-8 bytes."""
    import json
    return json.loads(touni(s))


def _lscmp(a: str | bytes, b: str | bytes) -> bool:
    """Compare two strings or byte strings in constant time (0.13's helper for signatures)."""
    import hmac
    return hmac.compare_digest(tob(a), tob(b))


def _raise(exc_type: type[BaseException], value: Any, traceback: TracebackType | None
           ) -> NoReturn:
    """Raise ``exc_type(value)`` with ``traceback`` (0.13's helper for re-raising)."""
    raise exc_type(value).with_traceback(traceback)


def _local_property() -> property:
    """A property whose value is kept separately for each thread (0.13's helper)."""
    storage = threading.local()

    def read(_: object) -> Any:
        try:
            return storage.value
        except AttributeError:
            raise RuntimeError('Request context not initialized.') from None

    def write(_: object, value: Any) -> None:
        storage.value = value

    def forget(_: object) -> None:
        del storage.value
    return property(read, write, forget, 'A thread-local property.')


# -------------------------------------------------------- Lazy-value helpers ----
# Descriptors that compute a value on first access and keep it: in a dict that the
# instance holds (the request keeps its parsed data in the WSGI environ), in the
# instance itself, or on the class.

_MISSING = object()


class DictProperty(_Generic[_T]):
    """A property whose value lives in a dict attribute of its instance.

    ``@DictProperty('environ', 'bottle.request.query')`` on a method makes
    reading the property return ``self.environ['bottle.request.query']``,
    calling the method to compute it on first access (the key defaults to
    the method's name). Request objects sharing one environ share the work.
    Assigning or deleting the property writes or removes the entry; with
    ``read_only=True`` both raise AttributeError.
    """

    if TYPE_CHECKING:
        getter: Callable[[Any], _T]

    def __init__(self, attr: str, key: str | None = None, read_only: bool = False) -> None:
        self.attr = attr
        self.key = key
        self.read_only = read_only

    def __call__(self: DictProperty[Any], func: Callable[[Any], _R]) -> DictProperty[_R]:
        """Decorate the method that computes the value."""
        update_wrapper(self, func, updated=())
        self.getter = func
        if self.key is None:
            self.key = func.__name__
        return self

    if TYPE_CHECKING:
        @overload
        def __get__(self, obj: None, cls: type) -> DictProperty[_T]: ...
        @overload
        def __get__(self, obj: object, cls: type) -> _T: ...

    def __get__(self, obj: object, cls: type) -> DictProperty[_T] | _T:
        if obj is None:
            return self
        storage = getattr(obj, self.attr)
        value = storage.get(self.key, _MISSING)
        if value is _MISSING:  # PERF: .get(), because an exception costs more than a call
            value = storage[self.key] = self.getter(obj)
        return value

    def __set__(self, obj: object, value: _T) -> None:
        if self.read_only:
            raise AttributeError('Read-only property: %s' % self.key)
        getattr(obj, self.attr)[self.key] = value

    def __delete__(self, obj: object) -> None:
        if self.read_only:
            raise AttributeError('Read-only property: %s' % self.key)
        getattr(obj, self.attr).pop(self.key, None)


class cached_property(_Generic[_T]):
    """A property computed once per instance, then kept as an ordinary attribute
    of the instance (delete that to have it computed again)."""

    def __init__(self, func: Callable[[Any], _T]) -> None:
        update_wrapper(self, func)
        self.func = func

    if TYPE_CHECKING:
        @overload
        def __get__(self, obj: None, cls: type) -> cached_property[_T]: ...
        @overload
        def __get__(self, obj: object, cls: type) -> _T: ...

    def __get__(self, obj: object, cls: type) -> cached_property[_T] | _T:
        if obj is None:
            return self
        value = self.func(obj)
        obj.__dict__[self.func.__name__] = value
        return value


class lazy_attribute(_Generic[_T]):
    """A class attribute computed by ``func(cls)`` on first access, then kept on
    the class in place of this descriptor."""

    def __init__(self, func: Callable[[Any], _T]) -> None:
        update_wrapper(self, func, updated=())
        self.getter = func

    def __get__(self, obj: object, cls: type) -> _T:
        value = self.getter(cls)
        setattr(cls, self.getter.__name__, value)
        return value


# ---------------------------------------------------------------- Exceptions ----
# The exception hierarchy. HTTPResponse and HTTPError live with the response
# object further down because they are responses, too.

class BottleException(Exception):
    """Base class for every exception raised by bottle.py."""


class RouteError(BottleException):
    """Base class for routing related exceptions."""


class RouteReset(BottleException):
    """Raised by a plugin's ``apply`` to have the route re-built from scratch."""


class RouterUnknownModeError(RouteError):
    """A rule uses a wildcard filter the router does not know."""


class RouteSyntaxError(RouteError):
    """A route rule cannot be parsed or compiled."""


class RouteBuildError(RouteError):
    """A URL cannot be built: the route is unknown or an argument is missing."""


class PluginError(BottleException):
    """A plugin cannot be installed, e.g. because its name is already taken."""


# ------------------------------------------------------------------- Routing ----
# The router turns rules such as '/wiki/<page:path>' into matchers, finds the
# target for a request (static rules by dict lookup, dynamic ones by regex) and
# builds URLs back from route names.

def _flatten_groups(pattern: str) -> str:
    """Turn every capturing group of a regular expression into a non-capturing one."""
    if '(' not in pattern:
        return pattern

    def replace(match: re.Match[str]) -> str:
        escapes = match.group(1)
        return match.group(0) if len(escapes) % 2 else escapes + '(?:'
    return re.sub(r'(\\*)(\(\?P<[^>]*>|\((?!\?))', replace, pattern)


#: Wildcard regexps (groups made non-capturing) known to compile.
_VALID_MASKS: set[str] = set()


class _LazyRegex(object):
    """A regular expression compiled on its first match: an application with many
    routes compiles only those its requests reach."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern

    def match(self, text: str) -> re.Match[str] | None:
        """Match at the start of ``text`` (see :meth:`re.Pattern.match`)."""
        self.match = re.compile(self.pattern).match  # type: ignore[method-assign,assignment]  # from now on the compiled one
        return self.match(text)


class _DynamicRoutes(object):
    """The dynamic (regex) routes of one HTTP method, in definition order.

    Every route is indexed by its *head*: the literal text of its rule up to the
    last '/' before the first wildcard. A path can only match routes whose head
    is one of its own '/'-terminated prefixes. Those heads are all prefixes of
    the longest one, so that longest head alone decides the candidates: a lookup
    finds it and uses the matcher built for it (on first use), which tries just
    those routes, in definition order, with one combined regular expression.
    """

    def __init__(self) -> None:
        self.entries: list[tuple[str, _RouteMatcher]] = []  # (flat_pattern, match_route)
        self.positions: dict[str, int] = {}     # flat_pattern -> index in entries
        self.heads: dict[str, list[int]] = {}   # head -> [index, ...]
        self.matchers: dict[str, _RouteMatcher] = {}  # longest head -> matcher function

    def add(self, head: str, flat_pattern: str, match_route: _RouteMatcher) -> None:
        """Add a route; one with the same pattern replaces the older one in place.

        ``match_route(path)`` returns ``(target, url_args)`` or None.
        """
        entry = (flat_pattern, match_route)
        if flat_pattern in self.positions:
            self.entries[self.positions[flat_pattern]] = entry
        else:
            self.positions[flat_pattern] = len(self.entries)
            self.heads.setdefault(head, []).append(len(self.entries))
            self.entries.append(entry)
        self.matchers.clear()

    def match(self, path: str) -> tuple[Any, dict[str, Any]] | None:
        """Return ``(target, args)`` for the first route matching ``path``, or None."""
        heads = self.heads
        slash = path.rfind('/')
        while slash >= 0:
            head = path[:slash + 1]
            if head in heads:
                break
            slash = path.rfind('/', 0, slash)
        else:
            if '' not in heads:
                return None
            head = ''
        matcher = self.matchers.get(head)
        if matcher is None:
            matcher = self.matchers[head] = self._build_matcher(head)
        return matcher(path)

    def _build_matcher(self, longest_head: str) -> _RouteMatcher:
        indexes = sorted(index for head, positions in self.heads.items()
                         if longest_head.startswith(head) for index in positions)
        entries = [self.entries[i] for i in indexes]
        if len(entries) == 1:
            return entries[0][1]  # the route's own matcher
        combined = re.compile('|'.join('(%s)\\Z' % flat for flat, _ in entries)).match
        # m.lastindex is the number of the outer group that matched.
        by_group: dict[int, _RouteMatcher] = {}
        group = 1
        for flat, match_route in entries:
            by_group[group] = match_route
            group += 1 + re.compile(flat).groups

        def match_combined(path: str) -> tuple[Any, dict[str, Any]] | None:
            m = combined(path)
            return None if m is None else by_group[m.lastindex](path)  # type: ignore[index]  # a match has a last group
        return match_combined


def _int_filter(config: str | None) -> tuple[str, Callable[[str], int], Callable[[Any], str]]:
    """``<name:int>``: an optionally signed integer, converted with int."""
    return r'-?\d+', int, _int_to_url


def _int_to_url(value: Any) -> str:
    return str(int(value))


def _float_filter(config: str | None
                  ) -> tuple[str, Callable[[str], float], Callable[[Any], str]]:
    """``<name:float>``: digits with an optional sign and dot, converted with float."""
    return r'-?[\d.]+', float, _float_to_url


def _float_to_url(value: Any) -> str:
    return str(float(value))


def _path_filter(config: str | None) -> tuple[str, None, None]:
    """``<name:path>``: one or more characters, slashes included (non-greedy)."""
    return r'.+?', None, None


class Router(object):
    """Maps request paths and methods to targets and builds URLs from route names.

    A rule is a path with optional wildcards: ``<name>``, ``<name:filter>`` or
    ``<name:filter:config>`` (and the legacy ``:name`` / ``:name#regexp#``).
    Rules without wildcards are *static* and checked before the dynamic ones
    (unless ``strict=True``); dynamic rules are tried in definition order.
    """

    default_pattern = '[^/]+'
    default_filter = 're'

    #: Finds wildcards in a rule. A run of backslashes right before a wildcard
    #: escapes it when its length is odd.
    rule_syntax = re.compile(r'''
        (\\*)
        (?:
            <([a-zA-Z_][a-zA-Z_0-9]*)?            # <name
             (?::([a-zA-Z_]*)                     #   :filter
              (?::((?:\\.|[^\\>])+)?)?            #   :config
             )?>
          | :([a-zA-Z_][a-zA-Z_0-9]*)?            # legacy :name
             (?:\#(.*?)\#)?                       #   #regexp#
        )''', re.VERBOSE)

    def __init__(self, strict: bool = False) -> None:
        #: With ``strict``, static rules lose their priority and are matched in
        #: definition order together with the dynamic ones.
        self.strict_order = strict
        #: Wildcard filters by name (see :meth:`add_filter`).
        self.filters: dict[str, _RouteFilter] = {
            're': self._regexp_filter, 'int': _int_filter, 'float': _float_filter,
            'path': _path_filter}
        # route name -> [(argument name or None, to_url or literal)]
        self.builder: dict[str, list[tuple[str | None, Any]]] = {}
        self.static: dict[str, dict[str, tuple[Any, Any]]] = {}  # method -> {path: (target, None)}
        self.dynamic: dict[str, _DynamicRoutes] = {}  # method -> _DynamicRoutes
        self._lookup_order: dict[str, tuple[
            tuple[str, dict[str, tuple[Any, Any]] | None, _DynamicRoutes | None], ...]] = {}

    def _regexp_filter(self, config: str | None) -> tuple[str, None, None]:
        """``<name:re:regexp>``: the regexp (groups made non-capturing), else
        :attr:`default_pattern`; no conversion."""
        return _flatten_groups(config or self.default_pattern), None, None

    def add_filter(self, name: str, func: _RouteFilter) -> None:
        """Register a wildcard filter.

        ``func(config)`` is called with the config part of a wildcard (or None)
        and returns ``(regexp, to_python, to_url)``; the converters may be None.
        """
        self.filters[name] = func

    def _itertokens(self, rule: str) -> Iterator[tuple[str, str | None, str | None]]:
        """Yield ``(literal, None, None)`` and ``(name, filter, config)`` tokens of a rule."""
        offset, literal = 0, ''
        for match in self.rule_syntax.finditer(rule):
            literal += rule[offset:match.start()]
            escapes, name, mode, conf, old_name, old_conf = match.groups()
            offset = match.end()
            if len(escapes) % 2:
                literal += match.group(0)[len(escapes):]
                continue
            if literal:
                yield literal, None, None
                literal = ''
            if match.group(0)[len(escapes)] == ':':
                depr(0, 13, 'Use of old route syntax.', 'Use <name> instead of :name in routes.',
                     stacklevel=5)
                name, mode, conf = old_name, 're' if old_conf else None, old_conf
            yield name, mode or self.default_filter, conf or None
        literal += rule[offset:]
        if literal:
            yield literal, None, None

    def add(self, rule: str, method: str, target: Any, name: str | None = None) -> None:
        """Add a rule for ``method`` that leads to ``target``; ``name`` enables URL building.

        The regular expression of a dynamic rule is compiled when it is first
        needed, so adding routes is cheap; each filter's part of it is checked
        here.

        :raises RouteSyntaxError: an unknown filter, an invalid regular
            expression or a wildcard name used twice.
        """
        method = method.upper()
        pattern, flat, head, builder, converters = self._compile_rule(rule)
        if name:
            self.builder[name] = builder
        self._lookup_order.clear()
        if head is None and not self.strict_order:
            path = ''.join(text for _, text in builder)
            self.static.setdefault(method, {})[path] = (target, None)
            return
        self.dynamic.setdefault(method, _DynamicRoutes()).add(
            head or '', flat, self._make_route_matcher(_LazyRegex('(?:%s)\\Z' % pattern),
                                                       converters, target))

    def _compile_rule(self, rule: str) -> tuple[str, str, str | None, list[tuple[str | None, Any]],
                                                list[tuple[str, Callable[[str], Any]]]]:
        """The parts of a rule: its regular expression (with named groups), the same
        without groups, its head (the literal text up to the last '/' before the
        first wildcard, None for a static rule), the URL builder and the converters."""
        head: str | None
        builder: list[tuple[str | None, Any]]
        converters: list[tuple[str, Callable[[str], Any]]]
        names: set[str]
        pattern, flat, head, builder, converters = '', '', None, [], []
        names, anonymous = set(), 0
        for token, mode, conf in self._itertokens(rule):
            if mode is None:
                pattern += re.escape(token)
                flat += re.escape(token)
                builder.append((None, token))
                continue
            if head is None:  # the literal text before the first wildcard, cut after '/'
                head = ''.join(text for _, text in builder)
                head = head[:head.rfind('/') + 1]
            mask, to_python, to_url = self._wildcard_mask(rule, mode, conf)
            if token:
                if token in names:
                    raise RouteSyntaxError('Wildcard name %r used twice in rule %r' % (token, rule))
                names.add(token)
                pattern += '(?P<%s>%s)' % (token, mask)
                if to_python:
                    converters.append((token, to_python))
            else:
                token = 'anon%d' % anonymous
                anonymous += 1
                pattern += '(?:%s)' % mask
            flat += '(?:%s)' % mask
            builder.append((token, to_url or str))
        return pattern, flat, head, builder, converters

    def _wildcard_mask(self, rule: str, mode: str, conf: str | None
                       ) -> tuple[str, Callable[[str], Any] | None, Callable[[Any], str] | None]:
        """``(regexp without capturing groups, to_python, to_url)`` of a wildcard.

        :raises RouteSyntaxError: an unknown filter, or a regexp that does not compile.
        """
        if mode not in self.filters:
            raise RouteSyntaxError('Unknown filter %r in rule %r' % (mode, rule))
        mask, to_python, to_url = self.filters[mode](conf)
        mask = _flatten_groups(mask)
        if mask not in _VALID_MASKS:
            # Python 3.9 and 3.10 only warn where a later one refuses (flags such as (?i)
            # not at the start): refused here on every Python alike.
            with warnings.catch_warnings():
                warnings.simplefilter('error', DeprecationWarning)
                try:
                    re.compile('(?:%s)' % mask)
                except (re.error, DeprecationWarning) as error:
                    raise RouteSyntaxError('Could not add route %r: %s' % (rule, error)) from error
            _VALID_MASKS.add(mask)
        return mask, to_python, to_url

    @staticmethod
    def _make_route_matcher(regexp: _LazyRegex, converters: list[tuple[str, Callable[[str], Any]]],
                            target: Any) -> _RouteMatcher:
        """Return ``match_route(path)``: ``(target, converted wildcard values)`` or None."""
        if not converters:
            def match_route(path: str) -> tuple[Any, dict[str, Any]] | None:
                m = regexp.match(path)
                return None if m is None else (target, m.groupdict())
            return match_route

        def match_and_convert(path: str) -> tuple[Any, dict[str, Any]] | None:
            m = regexp.match(path)
            if m is None:
                return None
            args = m.groupdict()
            try:
                for name, to_python in converters:
                    args[name] = to_python(args[name])
            except ValueError:
                raise HTTPError(400, 'Path has wrong format.') from None
            return target, args
        return match_and_convert

    def build(self, _name: str, *anons: Any, **query: Any) -> str:
        """Build a URL from the named route, wildcard values and extra query arguments.

        Positional values fill anonymous wildcards. Keyword arguments that are
        not wildcards become the query string. Raises :exc:`RouteBuildError`
        for an unknown route name or a missing wildcard value.
        """
        builder = self.builder.get(_name)
        if not builder:
            raise RouteBuildError('No route named %r.' % (_name,))
        for index, value in enumerate(anons):
            query['anon%d' % index] = value
        try:
            url = ''.join([to_url(query.pop(key)) if key else to_url for key, to_url in builder])
        except KeyError as missing:
            raise RouteBuildError('Missing URL argument: %r' % missing.args[0]) from None
        if not query:
            return url
        from urllib.parse import urlencode
        return url + '?' + urlencode(query)

    def _methods_to_try(self, verb: str) -> tuple[
            tuple[str, dict[str, tuple[Any, Any]] | None, _DynamicRoutes | None], ...]:
        try:
            return self._lookup_order[verb]
        except KeyError:
            wanted = ('PROXY', 'HEAD', 'GET', 'ANY') if verb == 'HEAD' else ('PROXY', verb, 'ANY')
            order = tuple((m, self.static.get(m), self.dynamic.get(m)) for m in wanted
                          if m in self.static or m in self.dynamic)
            self._lookup_order[verb] = order
            return order

    def match(self, environ: _Environ) -> tuple[Any, dict[str, Any]]:
        """Return ``(target, url_args)`` for the request described by ``environ``.

        HEAD falls back to GET, every method falls back to ANY. Raises
        HTTPError 405 (with an Allow header) when only other methods match the
        path, and 404 when nothing does.
        """
        verb = environ['REQUEST_METHOD'].upper()
        path = environ['PATH_INFO'] or '/'
        order = self._lookup_order.get(verb)
        if order is None:
            order = self._methods_to_try(verb)
        for _, static, dynamic in order:
            if static is not None:
                hit = static.get(path)
                if hit is not None:
                    return hit[0], {}
            if dynamic is not None:
                hit = dynamic.match(path)
                if hit is not None:
                    return hit
        allowed = self._other_methods_matching(verb, path)
        if allowed:
            raise HTTPError(405, 'Method not allowed.', Allow=','.join(sorted(allowed)))
        raise HTTPError(404, 'Not found: ' + repr(path))

    def _other_methods_matching(self, verb: str, path: str) -> set[str]:
        """The methods, other than those tried for ``verb``, with a route for ``path``."""
        tried = {name for name, _, _ in self._methods_to_try(verb)}
        allowed: set[str] = set()
        for method in self.static.keys() | self.dynamic.keys():
            if method in tried or method == 'PROXY':
                continue
            if path in self.static.get(method, ()) or (
                    method in self.dynamic and self.dynamic[method].match(path)):
                allowed.add(method)
        return allowed


class Route(object):
    """A route: a rule, a method and a callback, plus per-route plugins and config.

    ``call`` is the callback with all applicable plugins applied; it is built
    on first use and kept until :meth:`reset`.
    """

    def __init__(self, app: Bottle, rule: str, method: str, callback: Callable[..., Any],
                 name: str | None = None, plugins: Iterable[_Plugin] | None = None,
                 skiplist: Iterable[_Plugin] | None = None, **config: Any) -> None:
        #: The application this route belongs to.
        self.app = app
        #: The path rule string, e.g. ``/wiki/<page>``.
        self.rule = rule
        #: The HTTP method as a string, e.g. ``GET``.
        self.method = method
        #: The original callback, without plugins applied.
        self.callback = callback
        #: The route name, or None.
        self.name = name if name else None
        #: Route-specific plugins (see :meth:`Bottle.route`), a list of its own.
        self.plugins = list(plugins) if plugins else []
        #: Plugins (instances, classes, names or True) not to apply to this route.
        self.skiplist = list(skiplist) if skiplist else []
        #: Route configuration; reads through to the application config.
        self.config = app.config._make_overlay().load_dict(config)

    @cached_property
    def call(self) -> Callable[..., Any]:
        """The route callback with all plugins applied, built on first access."""
        return self._make_callback()

    def reset(self) -> None:
        """Forget the prepared callback; plugins are applied again on next use."""
        self.__dict__.pop('call', None)

    def prepare(self) -> None:
        """Apply the plugins now instead of on the first request."""
        self.call  # noqa: B018  (reading the cached property builds the callback)

    def all_plugins(self) -> Iterator[_Plugin]:
        """Yield the plugins that affect this route, innermost first.

        Route plugins come after application plugins; a plugin is left out when
        the skiplist names it by instance, class or name (``True`` skips all),
        or when a plugin with the same name was already yielded.
        """
        seen_names: set[str] = set()
        if True in self.skiplist:
            return
        for plugin in reversed(self.app.plugins + self.plugins):
            name = getattr(plugin, 'name', None)
            if name and (name in self.skiplist or name in seen_names):
                continue
            if plugin in self.skiplist or type(plugin) in self.skiplist:
                continue
            if name:
                seen_names.add(name)
            yield plugin

    def _make_callback(self) -> Callable[..., Any]:
        """The callback wrapped by every plugin of :meth:`all_plugins`, innermost first.

        A plugin that raises RouteReset while it is applied (it changed the
        plugins, say) makes the chain start over.
        """
        while True:
            try:
                return self._wrap_in_plugins()
            except RouteReset:
                continue

    def _wrap_in_plugins(self) -> Callable[..., Any]:
        wrapped = self.callback
        for plugin in self.all_plugins():
            apply = getattr(plugin, 'apply', None)
            wrapped = apply(wrapped, self) if apply is not None else plugin(wrapped)
            if wrapped is not self.callback:  # the wrapper looks like the callback
                update_wrapper(wrapped, self.callback)
        return wrapped

    def get_undecorated_callback(self) -> Callable[..., Any]:
        """Return the original callback, looking through decorators and bound methods."""
        func = self.callback
        while True:
            func = getattr(func, '__func__', func)
            inner = getattr(func, '__wrapped__', None)
            if inner is None:
                cells = getattr(func, '__closure__', None) or ()
                inner = next((value for value in map(_cell_value, cells)
                              if _is_function(value)), None)
            if inner is None:
                return func
            func = inner

    def get_callback_args(self) -> list[str]:
        """Return the argument names of the original callback."""
        return getargspec(self.get_undecorated_callback())[0]

    def get_config(self, key: str, default: Any = None) -> Any:
        """Deprecated: read ``route.config`` directly (it includes the app config)."""
        depr(0, 13, 'Route.get_config() is deprecated.',
             'The Route.config property already includes values from the'
             ' application config for missing keys. Access it directly.')
        return self.config.get(key, default)

    def __repr__(self) -> str:
        callback = self.get_undecorated_callback()
        return '<%s %s -> %s:%s>' % (self.method, self.rule, getattr(callback, '__module__', '?'),
                                     getattr(callback, '__name__', '?'))


def _cell_value(cell: Any) -> Any:
    try:
        return cell.cell_contents
    except ValueError:  # an empty cell
        return None


def _is_function(obj: object) -> bool:
    return hasattr(obj, '__code__') or hasattr(obj, '__func__')


# --------------------------------------------------------------- Application ----
# The Bottle class: the routes, hooks, plugins, error handlers, mounts and config of one
# application, and its WSGI entry point. A request is answered by Bottle.__call__ ->
# wsgi, which lets _handle route it and call the callback, then _cast turn the result
# into bytes; the methods below stand in that order.

#: The hooks an application offers (see :meth:`Bottle.add_hook`).
_HOOK_NAMES = ('before_request', 'after_request', 'app_reset', 'config')

#: Status codes whose responses never carry a body.
_STATUS_WITHOUT_BODY = (100, 101, 204, 304)

#: The environ key under which a request keeps what must be closed when it ends.
_CLEANUP_KEY = 'bottle.request.cleanup'


class _UnknownHookError(KeyError):
    """A hook name that :class:`Bottle` does not offer (a KeyError, as in Bottle 0.13)."""

    __str__ = Exception.__str__  # the message, not KeyError's quoted repr


def _config_bool(value: Any) -> bool:
    """Read a boolean setting: ``'false'``, ``'no'``, ``'off'`` and ``'0'`` (any case) and
    the empty string are False, like config files spell them; other values by truth."""
    if isinstance(value, str):
        return value.strip().lower() not in ('false', 'no', 'off', '0', '')
    return bool(value)


class Bottle(object):
    """A WSGI application: a set of routes plus the plugins, hooks and config they share.

    Instances are WSGI callables. Keyword arguments ``catchall`` and
    ``autojson`` are accepted for Bottle 0.13 compatibility; prefer
    ``app.config['catchall']`` and ``app.config['json.enable']``.
    """

    def __init__(self, **kwargs: Any) -> None:
        #: The :class:`Route` objects of this application, in the order they were added.
        self.routes: list[Route] = []
        #: Finds the route for a request and builds URLs from route names.
        self.router = Router()
        #: Error handler callbacks by status code (see :meth:`error`).
        self.error_handler: dict[int, Callable[[HTTPError], Any]] = {}
        #: The installed plugins; the one installed last wraps the others.
        self.plugins: list[_Plugin] = []
        #: A :class:`ResourceManager` for application files.
        self.resources = ResourceManager()
        self._hooks: dict[str, list[Callable[..., Any]]] = {name: [] for name in _HOOK_NAMES}
        # (prefix, application) of every mount() below this one
        self._mounts: list[tuple[str, Bottle | _WSGIApplication]] = []
        #: The application configuration, a :class:`ConfigDict`.
        self.config = self._initial_config(kwargs)
        for plugin in (JSONPlugin(), TemplatePlugin()):  # what every application has
            self.install(plugin)

    def _initial_config(self, kwargs: dict[str, Any]) -> ConfigDict:
        """The ConfigDict of a new application: bottle's own keys, listeners and the
        deprecated ``catchall``/``autojson`` keyword arguments."""
        config = ConfigDict()
        config._add_change_listener(functools.partial(self.trigger_hook, 'config'))
        config._add_change_listener(self._reset_routes_on_json_change)
        config._define('catchall', default=True, validate=_config_bool,
                       help='Turn exceptions into 500 pages (off: let them reach the server).')
        config._define('json.enable', default=True, validate=_config_bool,
                       help='Return dicts from callbacks as JSON.')
        config._define('json.ascii', default=False, validate=_config_bool,
                       help='Accepted for Bottle 0.13 compatibility; has no effect.')
        config._define('json.indent', default=True, validate=_config_bool,
                       help='Accepted for Bottle 0.13 compatibility; has no effect.')
        config._define('json.dump_func', default=None,
                       help='The function that turns dicts into JSON (default json.dumps).')
        config._define('proxy.hops', validate=_proxy_hops_setting,
                       help='How many proxies in front append to X-Forwarded-For and may set '
                            'X-Forwarded-Host, -Proto and -Prefix (unset: trust anyone).')
        config._define('proxy.trusted', validate=_proxy_trusted_setting,
                       help='Addresses or networks of the proxies whose X-Forwarded-* headers '
                            'to believe (instead of proxy.hops).')
        config._add_change_listener(self._update_proxy_trust)
        for option, key in (('catchall', 'catchall'), ('autojson', 'json.enable')):
            if option in kwargs:
                depr(0, 13, 'The %r keyword argument of Bottle().' % option,
                     "Set app.config[%r] instead." % key)
                config[key] = kwargs[option]
        return config

    #: If true (the default), exceptions of callbacks become 500 pages; turn it off to let
    #: debugging middleware see them.
    catchall: DictProperty[bool] = DictProperty('config', 'catchall')

    def __setattr__(self, name: str, value: Any) -> None:
        """Set an attribute once: plugins that claim the same name get an AttributeError."""
        if hasattr(getattr(type(self), name, None), '__set__'):
            return object.__setattr__(self, name, value)
        if name in self.__dict__:
            raise AttributeError('Attribute %s already defined. Plugin conflict?' % name)
        self.__dict__[name] = value

    #: The _ProxyTrust built from the ``proxy.*`` config, or None (trust anyone).
    _proxy_trust: _ProxyTrust | None = None

    def _update_proxy_trust(self, config: ConfigDict, key: str, value: Any) -> None:
        """Rebuild the proxy trust when a ``proxy.*`` setting changes."""
        if key in ('proxy.hops', 'proxy.trusted'):  # called before the value is stored
            settings = {'proxy.hops': config.get('proxy.hops'),
                        'proxy.trusted': config.get('proxy.trusted'), key: value}
            self.__dict__['_proxy_trust'] = _ProxyTrust.from_settings(
                settings['proxy.hops'], settings['proxy.trusted'])

    def _reset_routes_on_json_change(self, config: ConfigDict, key: str, value: Any) -> None:
        """The JSON plugin reads its settings when it is applied: re-apply it on changes."""
        if key.startswith('json.') or key == 'autojson':
            for route in self.routes:
                route.reset()

    # Hooks -----------------------------------------------------------------

    def add_hook(self, name: str, func: Callable[..., Any]) -> None:
        """Attach ``func`` to the hook ``name``.

        Hooks: ``before_request`` (before each request is routed),
        ``after_request`` (after each request, in reverse order of
        registration), ``app_reset`` (after :meth:`reset`) and ``config``
        (on every config change, with ``(config, key, value)`` as in Bottle 0.13.4).

        :raises KeyError: ``name`` is not one of these hooks.
        """
        if name not in self._hooks:
            raise _UnknownHookError('Unknown hook %r: an application has the hooks %s.'
                                    % (name, ', '.join(_HOOK_NAMES)))
        if name == 'after_request':
            self._hooks[name].insert(0, func)
        else:
            self._hooks[name].append(func)

    def remove_hook(self, name: str, func: Callable[..., Any]) -> bool | None:  # type: ignore[return]  # None, not False, as in 0.13
        """Detach ``func`` from hook ``name``. Returns True if it was attached."""
        if func in self._hooks.get(name, ()):
            self._hooks[name].remove(func)
            return True

    def trigger_hook(self, __name: str, *args: Any, **kwargs: Any) -> list[Any]:
        """Call every callback attached to a hook; return their results as a list."""
        return [hook(*args, **kwargs) for hook in list(self._hooks.get(__name, ()))]

    def hook(self, name: str) -> Callable[[_F], _F]:
        """Decorator form of :meth:`add_hook`."""
        def decorator(func: _F) -> _F:
            self.add_hook(name, func)
            return func
        return decorator

    # Mounting and merging --------------------------------------------------

    def mount(self, prefix: str, app: Bottle | _WSGIApplication, **options: Any) -> None:
        """Serve another application below ``prefix``.

        ``app`` is a Bottle instance or any WSGI callable. Requests for
        ``prefix/...`` are passed on with ``SCRIPT_NAME`` and ``PATH_INFO``
        shifted, so the mounted app sees paths relative to its mount point.
        The named routes of a mounted Bottle app can be built with this
        application's :meth:`get_url`. A prefix should end with ``/``; one
        without (deprecated, as in Bottle 0.13) also matches itself. Route
        options apply to the proxy route; plugins are skipped unless ``skip``
        says otherwise. A Bottle application mounted to ``/`` is merged
        instead (see :meth:`merge`).

        :raises ValueError: a prefix that does not start with ``/``, or a WSGI
            application (or options) for ``/``.
        """
        if isinstance(app, str) and not isinstance(prefix, str):
            depr(0, 10, 'Parameter order of Bottle.mount() changed.', 'Use app.mount(prefix, app).')
            prefix, app = app, prefix
        if not isinstance(prefix, str) or not prefix.startswith('/'):
            raise ValueError("Mount prefix must start with '/': %r" % (prefix,))
        segments = [segment for segment in prefix.split('/') if segment]
        if not segments:
            if not isinstance(app, Bottle) or options:
                raise ValueError('Only Bottle applications (without route options) can be'
                                 ' mounted to "/": %r' % (app,))
            return self.merge(app)
        matches_bare_prefix = not prefix.endswith('/')
        if matches_bare_prefix:
            depr(0, 13, 'Mount prefix %r does not end with a slash.' % prefix,
                 'Mount at %r; add a redirect from %r to it if you need one.'
                 % (prefix + '/', prefix))
        if isinstance(app, Bottle):  # it builds its URLs below the prefix (see get_url)
            app.config.update({'_mount.prefix': prefix, '_mount.app': self})
        self._mounts.append((prefix, app))
        route_options = dict(options, callback=_make_mount_callback(app, len(segments)))
        route_options.setdefault('skip', True)
        route_options.setdefault('method', 'PROXY')
        route_options.setdefault('mountpoint', {'prefix': prefix, 'target': app})
        below = '/' + '/'.join(segments)
        self.route(below + '/<:re:.*>', **route_options)
        if matches_bare_prefix:
            self.route(below, **route_options)

    def merge(self, routes: Bottle | Iterable[Route]) -> None:
        """Add the routes of another application (or a list of routes) to this one.

        The routes keep their original application, its plugins and its config.
        """
        if isinstance(routes, Bottle):
            routes = routes.routes
        for route in routes:
            self.add_route(route)

    # Plugins ---------------------------------------------------------------

    def install(self, plugin: _R) -> _R:
        """Add a plugin to every route of this application and return it.

        A plugin is a decorator-like callable or an object with ``apply``
        (plugin API v2); its ``setup(app)`` is called first if present.

        :raises TypeError: the plugin is neither callable nor has ``apply``.
        """
        if hasattr(plugin, 'setup'):
            plugin.setup(self)
        if not callable(plugin) and not hasattr(plugin, 'apply'):
            raise TypeError('Plugins must be callable or implement .apply()')
        self.plugins.append(plugin)
        self.reset()
        return plugin

    def uninstall(self, plugin: _Plugin) -> list[_Plugin]:
        """Remove plugins given by instance, class, name or True (all). Returns the removed list."""
        removed = []
        for index in range(len(self.plugins) - 1, -1, -1):
            candidate = self.plugins[index]
            if (plugin is True or plugin is candidate or plugin is type(candidate)
                    or getattr(candidate, 'name', True) == plugin):
                removed.append(candidate)
                del self.plugins[index]
                if hasattr(candidate, 'close'):
                    candidate.close()
        if removed:
            self.reset()
        return removed

    def reset(self, route: Route | int | None = None) -> None:
        """Forget prepared callbacks of all routes, or of one route (object or index).

        Plugins are applied again on next use (right away in debug mode).
        """
        if route is None:
            routes = self.routes
        elif isinstance(route, Route):
            routes = [route]
        else:
            routes = [self.routes[route]]
        for each in routes:
            each.reset()
        if DEBUG:
            for each in routes:
                each.prepare()
        self.trigger_hook('app_reset')

    def close(self) -> None:
        """Close the application and every plugin that has a ``close`` method."""
        for plugin in self.plugins:
            if hasattr(plugin, 'close'):
                plugin.close()

    def run(self, **kwargs: Any) -> None:
        """Start a server for this application: shortcut for :func:`run(self, **kwargs) <run>`."""
        run(self, **kwargs)

    def test_client(self, **options: Any) -> TestClient:
        """Return a :class:`TestClient` for this application (in-process requests, no sockets).

        ``options`` are those of :class:`TestClient` (``base_url``, ``validate``).
        """
        return TestClient(self, **options)

    # Routes ----------------------------------------------------------------

    def match(self, environ: _Environ) -> tuple[Route, dict[str, Any]]:
        """Return ``(route, url_args)`` for a WSGI environ, or raise HTTPError 404/405."""
        return self.router.match(environ)

    def get_url(self, routename: str, **kargs: Any) -> str:
        """Return the URL path of a named route, for links in the current request.

        Routes of Bottle applications mounted on this one are found too, with
        their prefix. The URL starts with the ``SCRIPT_NAME`` this application
        answers below (for a mounted application: its mount prefix, also
        outside of a request). Keyword arguments fill the wildcards; the others
        become the query string.

        :raises RouteBuildError: no route has that name, or a wildcard value is missing.
        """
        owner = self._route_owner(routename)
        if owner is None:
            raise RouteBuildError('No route named %r in %r or the applications mounted on it.'
                                  % (routename, self))
        below, app = owner
        location = below + app.router.build(routename, **kargs)
        return self._url_root() + location.lstrip('/')

    def _route_owner(self, routename: str) -> tuple[str, Bottle] | None:
        """``(path prefix, application)`` of the app whose router knows ``routename``:
        this one (prefix ``''``) or one mounted below it; None if none does."""
        if routename in self.router.builder:
            return '', self
        for prefix, app in self._mounts:
            found = app._route_owner(routename) if isinstance(app, Bottle) else None
            if found is not None:
                return prefix.rstrip('/') + found[0], found[1]
        return None

    def _url_root(self) -> str:
        """The path this application answers below, with a trailing slash.

        While the application answers a request that is the request's
        SCRIPT_NAME; a mounted application otherwise adds its prefix to its
        parent's root; else the current request's SCRIPT_NAME, or ``/``.
        """
        try:
            environ = request.environ
        except RuntimeError:  # no request in this thread
            environ = {}
        parent = self.config.get('_mount.app')
        if parent is not None and environ.get('bottle.app') is not self:
            return parent._url_root() + self.config['_mount.prefix'].strip('/') + '/'
        script_name = _latin1_to_unicode(environ.get('SCRIPT_NAME', '')).strip('/')
        return '/%s/' % script_name if script_name else '/'

    def add_route(self, route: Route) -> None:
        """Add a :class:`Route` object (see :meth:`route` for the usual way)."""
        self.routes.append(route)
        self.router.add(route.rule, route.method, route, name=route.name)
        if DEBUG:
            route.prepare()

    if TYPE_CHECKING:  # @route, @route(...), route(rule, method, callback), route(callback=...)
        @overload
        def route(self, path: _F, method: _Methods = ..., callback: None = ...,
                  name: str | None = ..., apply: _Plugin = ..., skip: _Plugin = ...,
                  **config: Any) -> _F: ...
        @overload
        def route(self, path: _Rules | None = ..., method: _Methods = ..., callback: None = ...,
                  name: str | None = ..., apply: _Plugin = ..., skip: _Plugin = ...,
                  **config: Any) -> Callable[[_F], _F]: ...
        @overload
        def route(self, path: _Rules | None, method: _Methods, callback: _F,
                  name: str | None = ..., apply: _Plugin = ..., skip: _Plugin = ...,
                  **config: Any) -> _F: ...
        @overload
        def route(self, path: _Rules | None = ..., method: _Methods = ..., *, callback: _F,
                  name: str | None = ..., apply: _Plugin = ..., skip: _Plugin = ...,
                  **config: Any) -> _F: ...

    def route(self, path: Any = None, method: _Methods = 'GET', callback: Any = None,
              name: str | None = None, apply: _Plugin = None, skip: _Plugin = None,
              **config: Any) -> Any:
        """Decorator that binds a callback to a rule (or a list of rules).

        :param path: rule or list of rules; generated from the callback's
            signature (see :func:`yieldroutes`) when missing.
        :param method: an HTTP method or list of methods (default GET);
            ``ANY`` matches every method as a fallback.
        :param callback: the callback, to use this as a function instead of a
            decorator.
        :param name: a name for :meth:`get_url`.
        :param apply: a plugin or list of plugins for this route only.
        :param skip: plugins (instances, classes, names) not to apply, or True.

        Other keyword arguments become the route's config.

        :raises RouteSyntaxError: a rule cannot be parsed.
        """
        if callable(path):  # used as a decorator without arguments: @app.route
            callback, path = path, None
        route_options = dict(config, name=name, plugins=makelist(apply), skiplist=makelist(skip))

        def add_routes(target: Any) -> Any:
            if isinstance(target, str):
                target = load(target)
            for rule in makelist(path) or yieldroutes(target):
                for verb in makelist(method):
                    self.add_route(Route(self, rule, verb.upper(), target, **route_options))
            return target
        return add_routes(callback) if callback else add_routes

    if TYPE_CHECKING:  # as route() with the method set: @get, @get(...), get(rule, callback=...)
        get: _RouteShortcut
        post: _RouteShortcut
        put: _RouteShortcut
        delete: _RouteShortcut
        patch: _RouteShortcut
    else:
        def get(self, path=None, method='GET', **options):
            """Like :meth:`route` with ``method='GET'``."""
            return self.route(path, method, **options)

        def post(self, path=None, method='POST', **options):
            """Like :meth:`route` with ``method='POST'``."""
            return self.route(path, method, **options)

        def put(self, path=None, method='PUT', **options):
            """Like :meth:`route` with ``method='PUT'``."""
            return self.route(path, method, **options)

        def delete(self, path=None, method='DELETE', **options):
            """Like :meth:`route` with ``method='DELETE'``."""
            return self.route(path, method, **options)

        def patch(self, path=None, method='PATCH', **options):
            """Like :meth:`route` with ``method='PATCH'``."""
            return self.route(path, method, **options)

    if TYPE_CHECKING:  # @error(404), error(404, handler)
        @overload
        def error(self, code: int | str = ..., callback: None = ...) -> Callable[[_F], _F]: ...
        @overload
        def error(self, code: int | str, callback: _F) -> _F: ...

    def error(self, code: int | str = 500, callback: Any = None) -> Any:
        """Decorator that registers an error handler for an HTTP status code.

        The handler gets the :class:`HTTPError` and returns the body, like a
        route callback (a dict becomes JSON). Usable as
        ``app.error(404, handler)`` too.
        """
        def decorator(callback: Any) -> Any:
            if isinstance(callback, str):
                callback = load(callback)
            self.error_handler[int(code)] = callback
            return callback
        return decorator(callback) if callback else decorator

    def default_error_handler(self, res: HTTPError) -> bytes:
        """Render the error page for an :class:`HTTPError` (see ``ERROR_PAGE_TEMPLATE``)."""
        if ERROR_PAGE_TEMPLATE is _DEFAULT_ERROR_PAGE_TEMPLATE:
            return _render_default_error_page(res, DEBUG)
        return tob(template(ERROR_PAGE_TEMPLATE, e=res, DEBUG=DEBUG, request=request,
                            template_settings=dict(name='__ERROR_PAGE_TEMPLATE')))

    # Answering requests: __call__ -> wsgi -> _handle, then _cast -----------

    def __call__(self, environ: _Environ, start_response: _StartResponse) -> Iterable[bytes]:
        """Each instance of :class:`Bottle` is a WSGI application (see :meth:`wsgi`)."""
        return self.wsgi(environ, start_response)

    def wsgi(self, environ: _Environ, start_response: _StartResponse) -> Iterable[bytes]:
        """The WSGI interface: answer one request.

        Routes the request and calls its callback (:meth:`_handle`), turns the
        result into bytes (:meth:`_cast`) and starts the response. The body
        iterable it returns releases the request's temporary files when the
        server closes it.
        """
        try:
            out = self._handle(environ)
            if out.__class__ is str or out.__class__ is bytes:
                plain = self._plain_answer(out, environ, start_response)
                if plain is not None:
                    return plain
            body = self._cast(out)
            state = response.__dict__  # PERF: this thread's response attributes, at once
            if state['_status_code'] in _STATUS_WITHOUT_BODY or \
                    environ['REQUEST_METHOD'] == 'HEAD':
                _close_quietly(body)
                body = []
            status = state['_status_line']
            if not status.isascii():
                status = response._wsgi_status_line()
            start_response(status, response.headerlist, environ.pop('bottle.exc_info', None))
        except Exception:
            body = self._critical_error(environ, start_response)
        # Spooled bodies and uploads are closed when the server closes the response body.
        if isinstance(body, _closeiter):
            body.close_callbacks.append(functools.partial(_close_request_files, environ))
        elif _CLEANUP_KEY in environ:
            closers = [functools.partial(_close_request_files, environ)]
            if hasattr(body, 'close'):
                closers.insert(0, body.close)
            body = _closeiter(body, closers)
        return body

    @staticmethod
    def _plain_answer(out: Any, environ: _Environ, start_response: _StartResponse
                      ) -> list[bytes] | None:
        """PERF: answer a text or bytes result when the response has nothing but its
        status set (no headers, cookies or charset) with the very bytes and headers
        the general path (_cast, headerlist) would give, in a fraction of the work.
        Returns the body, or None when the general path must do it."""
        state = response.__dict__
        headers = state['_headers']
        if headers:  # a Content-Type without a charset (JSON, say) is fine; nothing else
            content_type = headers.get('Content-Type')
            if len(headers) > 1 or content_type is None or len(content_type) > 1:
                return None
            content_type = content_type[0]
            if not content_type.isascii() or 'charset' in content_type.lower():
                return None
        else:
            content_type = state.get('default_content_type') or \
                LocalResponse.default_content_type
        if state['_cookies'] or state['_charset'] is not None or \
                state['_status_code'] in _STATUS_WITHOUT_BODY or \
                environ['REQUEST_METHOD'] == 'HEAD' or _CLEANUP_KEY in environ:
            return None
        status = state['_status_line']
        if not status.isascii():
            return None
        body = out.encode('utf8') if out.__class__ is str else out  # the default charset
        start_response(status, [('Content-Type', content_type),
                                ('Content-Length', str(len(body)))])
        return [body] if body else []

    def _handle(self, environ: _Environ) -> Any:
        """Route the request and call its callback.

        Returns what the callback returned, or the HTTPResponse (an error
        included) that answers the request instead; an HTTPResponse is applied
        to ``response`` already. The ``after_request`` hooks run in any case.
        """
        environ['bottle.app'] = self
        if self._proxy_trust is not None and 'bottle.proxy_trust' not in environ:
            self._trust_proxies(environ)
        request.bind(environ)
        response.bind()
        refused = self._decode_path_info(environ)
        if refused is not None:
            refused.apply(response)
            return refused
        try:
            out = self._call_callback(environ)
        except Exception:
            out = self._internal_error(environ)
        if isinstance(out, HTTPResponse):
            out.apply(response)
        for hook in self._hooks['after_request'][:]:  # a copy: hooks may remove hooks
            try:
                hook()
            except HTTPResponse as answer:
                out = answer
            except Exception:
                out = self._internal_error(environ)
            else:
                continue
            out.apply(response)  # an answer from the hook replaces the callback's
        return out

    def _trust_proxies(self, environ: _Environ) -> None:
        """Record this application's proxy settings for the request (mounted apps use
        them too) and make a trusted X-Forwarded-Prefix part of SCRIPT_NAME."""
        trust = environ['bottle.proxy_trust'] = self._proxy_trust
        prefix = trust.forwarded_value(environ, 'HTTP_X_FORWARDED_PREFIX', _address_chain(environ))  # type: ignore[union-attr]  # set (_handle)
        if prefix and prefix.startswith('/') and _VALID_PREFIX.match(prefix):
            environ['SCRIPT_NAME'] = prefix.rstrip('/') + environ.get('SCRIPT_NAME', '')

    @staticmethod
    def _decode_path_info(environ: _Environ) -> HTTPError | None:
        """Decode PATH_INFO (bytes as latin-1, PEP 3333) as UTF-8 in place, keeping the
        raw value in ``bottle.raw_path``; an HTTPError 400 if it is not UTF-8."""
        path = environ['bottle.raw_path'] = environ.get('PATH_INFO', '')
        if path.isascii():
            return None
        try:
            environ['PATH_INFO'] = path.encode('latin1').decode('utf8')
        except UnicodeError:
            return HTTPError(400, 'Invalid path string. Expected UTF-8')
        return None

    def _call_callback(self, environ: _Environ) -> Any:
        """The ``before_request`` hooks, routing and the route's callback: returns the
        callback's result or the HTTPResponse raised on the way."""
        try:
            for hook in self._hooks['before_request'][:]:
                hook()
            route, url_args = self.router.match(environ)
            environ['route.handle'] = environ['bottle.route'] = route
            environ['route.url_args'] = url_args
            try:
                return route.call(**url_args)
            except RouteReset:  # a plugin asked for its route to be rebuilt: once more
                depr(0, 13, 'RouteReset exception deprecated',
                     'Call route.reset() and send a new request instead.')
                route.reset()
                return route.call(**url_args)
        except HTTPResponse as answer:
            return answer

    def _internal_error(self, environ: _Environ, message: str = 'Internal Server Error'
                        ) -> HTTPError:
        """Turn the exception being handled into a logged HTTPError 500.

        Call it from an ``except Exception`` clause. A MemoryError, and any
        exception when :attr:`catchall` is off, is re-raised instead. The
        traceback goes to ``wsgi.errors`` and rides along on the error (shown
        on the error page in debug mode).
        """
        exc_info = sys.exc_info()
        self._propagate_unless_caught(exc_info[1])
        from traceback import format_exc
        stacktrace = format_exc()
        errors = environ.get('wsgi.errors') or sys.stderr
        errors.write(stacktrace)
        errors.flush()
        environ['bottle.exc_info'] = exc_info
        return HTTPError(500, message, exc_info[1], stacktrace)

    def _propagate_unless_caught(self, error):
        """Re-raise ``error`` (from an ``except`` clause) if the application must not
        turn it into an error page: a MemoryError, or anything when :attr:`catchall`
        is off (debugging middleware then sees it)."""
        if isinstance(error, MemoryError) or not self.catchall:
            raise error

    def _cast(self, out: Any, peek: Any = None) -> Iterable[bytes]:
        """Turn what a callback returned into an iterable of bytes for the server,
        setting Content-Length where it is known. ``peek`` is unused (0.13 API).
        """
        # Text, and lists of text or bytes, become one block of bytes.
        if isinstance(out, (list, tuple)) and out and isinstance(out[0], (str, bytes)):
            out = self._joined(out)
        elif isinstance(out, str):
            out = out.encode(response.charset)
        # A block of bytes, or an empty result (None, '', [], ...), has a known length.
        if isinstance(out, bytes) or not out:
            headers = response._headers
            if 'Content-Length' not in headers:
                headers['Content-Length'] = [str(len(out)) if out else '0']
            return [out] if out else []
        # A response brings its own body; an error's body comes from the error handlers.
        if isinstance(out, HTTPResponse):
            out.apply(response)
            return self._cast(self._render_error(out) if isinstance(out, HTTPError) else out.body)
        # Files are streamed, by the server's wsgi.file_wrapper (sendfile) if it has one.
        if hasattr(out, 'read'):
            file_wrapper = request.environ.get('wsgi.file_wrapper', WSGIFileWrapper)
            if file_wrapper is not WSGIFileWrapper or hasattr(out, 'close') or \
                    not hasattr(out, '__iter__'):
                return file_wrapper(out)
        # Anything else must be an iterable of text or bytes.
        return self._cast_iterable(out)

    @staticmethod
    def _joined(chunks):
        """The text and bytes items of a list as one bytes object (text encoded)."""
        if all(type(chunk) is bytes for chunk in chunks):
            return b''.join(chunks)
        charset = response.charset
        return b''.join(chunk.encode(charset) if isinstance(chunk, str) else chunk
                        for chunk in chunks)

    def _cast_iterable(self, out: Any) -> Iterable[bytes]:
        """Stream an iterable result. Its first non-empty item is fetched before the
        response starts, so that an error or HTTPResponse raised there can still
        answer the request; text items are encoded as they are sent."""
        try:
            items = iter(out)
        except TypeError:
            return self._cast(HTTPError(500, 'Unsupported response type: %s' % type(out)))
        try:
            first = next(item for item in items if item)
        except StopIteration:
            _close_quietly(out)
            return self._cast('')
        except HTTPResponse as answer:
            first = answer
        except Exception:
            first = self._internal_error(request.environ, 'Unhandled exception')
        if isinstance(first, HTTPResponse):
            _close_quietly(out)
            return self._cast(first)
        if not isinstance(first, (bytes, str)):
            _close_quietly(out)
            return self._cast(HTTPError(500, 'Unsupported response type: %s' % type(first)))
        chunks = _encoded_items(first, items, response.charset)
        if hasattr(out, 'close'):
            chunks = _closeiter(chunks, out.close)
        return chunks

    def _render_error(self, error: HTTPError) -> Any:
        """Return the body the error handler for ``error`` produces.

        Should the handler fail or return another HTTPError, the default
        error page is used, so a broken handler cannot loop. A dict becomes
        JSON, dumped as the application's config says.
        """
        handler = self.error_handler.get(error.status_code, self.default_error_handler)
        try:
            body = handler(error)
        except HTTPResponse as answer:
            body = answer
        except Exception:
            body = self._internal_error(request.environ, 'Error handler failed.')
        if isinstance(body, HTTPError):
            body.apply(response)
            return self.default_error_handler(body)
        if isinstance(body, dict) and _config_bool(self.config.get('json.enable', True)):
            json_plugin = next((p for p in self.plugins if isinstance(p, JSONPlugin)), None)
            dumps = json_plugin._dumps_function(self.config) if json_plugin is not None else None
            if dumps is not None:  # None: a JSONPlugin(json_dumps=None), which is disabled
                response._headers['Content-Type'] = ['application/json']
                return dumps(body)
        return body

    def _critical_error(self, environ: _Environ, start_response: _StartResponse) -> list[bytes]:
        """The last resort when even the error handling failed: a minimal 500 page.

        Called from an ``except`` clause; the traceback goes to ``wsgi.errors``
        (and onto the page in debug mode).
        """
        self._propagate_unless_caught(sys.exc_info()[1])
        from traceback import format_exc
        stacktrace = format_exc()
        page = '<h1>Critical error while processing request: %s</h1>' % html_escape(
            _latin1_to_unicode(environ.get('PATH_INFO', '/')))
        if DEBUG:
            page += ('<h2>Error:</h2>\n<pre>\n%s\n</pre>\n<h2>Traceback:</h2>\n<pre>\n%s\n</pre>\n'
                     % (html_escape(repr(sys.exc_info()[1])), html_escape(stacktrace)))
        errors = environ.get('wsgi.errors') or sys.stderr
        errors.write(stacktrace)
        errors.flush()
        start_response('500 INTERNAL SERVER ERROR', [('Content-Type', 'text/html; charset=UTF-8')],
                       sys.exc_info())
        return [page.encode('utf8')]

    def __enter__(self: _BottleT) -> _BottleT:
        """Use this application as default for all module-level shortcuts."""
        default_app.push(self)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc_value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        """Restore the previous default application."""
        default_app.pop()

    def __repr__(self) -> str:
        return '<%s object at %#x with %d routes>' % (
            type(self).__name__, id(self), len(self.routes))


def _encoded_items(first: str | bytes, rest: Iterable[Any], charset: str) -> Iterable[bytes]:
    """Yield ``first`` and then the items of ``rest`` as bytes (text encoded with ``charset``)."""
    yield first.encode(charset) if isinstance(first, str) else first
    for item in rest:
        yield item.encode(charset) if isinstance(item, str) else item


def _close_request_files(environ: _Environ) -> None:
    """Close what the request kept open until its end (spooled bodies, uploads)."""
    for close in environ.pop(_CLEANUP_KEY, ()):
        try:
            close()
        except OSError:  # nothing is left to do with a file that fails to close
            pass


def _close_quietly(obj: object) -> None:
    """Call ``obj.close()`` if it has one."""
    close = getattr(obj, 'close', None)
    if close is not None:
        close()


_MOUNT_ENVIRON_KEYS = ('bottle.app', 'bottle.route', 'route.handle', 'route.url_args')


def _make_mount_callback(app: Bottle | _WSGIApplication, depth: int
                         ) -> Callable[[], HTTPResponse]:
    """Return the proxy callback that forwards a request to a mounted WSGI ``app``.

    ``depth`` path segments move from PATH_INFO to SCRIPT_NAME for the call
    (restored afterwards); status and headers are collected into an
    HTTPResponse that carries the mounted app's body iterable.
    """
    def mountpoint_wrapper() -> HTTPResponse:
        environ = request.environ
        saved = [(key, environ[key]) for key in _MOUNT_ENVIRON_KEYS if key in environ]
        saved.append(('SCRIPT_NAME', environ.get('SCRIPT_NAME', '')))
        saved.append(('PATH_INFO', environ.get('PATH_INFO', '')))
        answer = HTTPResponse([])
        started: list[bool] = []

        def start_response(status: str, headerlist: list[tuple[str, str]], exc_info: Any = None
                           ) -> Callable[[bytes], None]:
            if started and exc_info is None:
                raise AssertionError('start_response() called twice without exc_info')
            started.append(True)
            answer.status = _latin1_to_unicode(status)
            answer._headers = {}
            for name, value in headerlist:
                answer.add_header(name, _latin1_to_unicode(value))
            return answer.body.append

        script_name, path_info = path_shift(_latin1_to_unicode(environ.get('SCRIPT_NAME', '')),
                                            request.path, depth)
        # The mounted app gets PEP 3333 native strings, like from a server.
        environ['SCRIPT_NAME'] = _unicode_to_latin1(script_name)
        environ['PATH_INFO'] = _unicode_to_latin1(path_info)
        for key in ('bottle.request.urlparts',):
            environ.pop(key, None)
        try:
            body = app(environ, start_response)
            if not started:  # start_response may wait for the first item
                iterator = iter(body)
                first = list(itertools.islice(iterator, 1))
                body = _closeiter(itertools.chain(first, iterator), getattr(body, 'close', None))
            answer.body = itertools.chain(answer.body, body) if answer.body else body
            return answer
        finally:
            environ.update(saved)
    return mountpoint_wrapper


# ------------------------------------------------------- Request and Response ----
# BaseRequest wraps a WSGI environ and parses what is asked for, lazily, caching
# the result in the environ; BaseResponse collects status, headers and cookies.

def _hkey(key: str) -> str:
    """Normalise a header name (``content_type`` -> ``Content-Type``).

    :raises ValueError: a name with control characters, spaces, colons or
        non-ASCII characters (it could break the header block).
    """
    if not (key.isascii() and key.isprintable()) or ':' in key or ' ' in key or not key:
        raise ValueError('Header names must be printable ASCII without spaces or colons: %r'
                         % key)
    return key.title().replace('_', '-')


#: Control characters that must not appear in a header value: all of them, tab too
#: (HTTP allows tab, but PEP 3333's reference validator refuses it).
_HEADER_VALUE_CONTROLS = re.compile('[\x00-\x1f\x7f]')


def _hval(value: Any) -> str:
    """Return a header value as str.

    :raises ValueError: a value with CR, LF or another control character,
        which could inject headers or break the response.
    """
    if value.__class__ is not str:
        value = tonat(value)
    # PERF: isprintable() is one pass in C; the expression only runs for the rare rest
    # (non-ASCII text that is not printable, such as a no-break space).
    if not value.isprintable() and _HEADER_VALUE_CONTROLS.search(value):
        raise ValueError('Header values must not contain control characters: %r' % value)
    return value


# Proxies ---------------------------------------------------------------------
# Which X-Forwarded-* headers to believe. Bottle 0.13 believes them from anyone; an
# application that sets ``proxy.hops`` or ``proxy.trusted`` believes them only from
# the proxies it names. Bottle.wsgi puts the outermost application's _ProxyTrust into
# the environ; the request's URL and address properties ask it.

#: A Host or X-Forwarded-Host value: a name, IPv4 or [IPv6] address, optional port
#: (RFC 3986 authority syntax: a '%' only as the start of a %XX escape).
_VALID_HOST = re.compile(r"(?:(?:[A-Za-z0-9\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})+"
                         r"|\[(?:[0-9A-Za-z:.\-_~]|%[0-9A-Fa-f]{2})+\])(?::[0-9]*)?\Z")
_IP_FUTURE = re.compile(r"v[0-9A-Fa-f]+\.[A-Za-z0-9\-._~!$&'()*+,;=:]+\Z")


def _is_valid_host(host: str) -> bool:
    """Whether a Host value is an authority a URL can carry: the syntax of
    :data:`_VALID_HOST`, and in brackets an IPv6 address or an IPvFuture literal
    (what ``urllib.parse.urlsplit`` accepts, which would refuse a redirect's URL)."""
    if not _VALID_HOST.match(host):
        return False
    if host[0] != '[':
        return True
    literal = host[1:host.index(']')]
    if _IP_FUTURE.match(literal):
        return True
    import ipaddress  # only for bracketed hosts, which are rare
    try:
        ipaddress.IPv6Address(literal)
    except ValueError:
        return False
    return True


_VALID_SCHEME = re.compile(r'[A-Za-z][A-Za-z0-9+.\-]*\Z')
#: A X-Forwarded-Prefix value: a path of URL characters.
_VALID_PREFIX = re.compile(r"/[A-Za-z0-9\-._~%!$&'()*+,;=:@/]*\Z")


def _proxy_hops_setting(value: Any) -> int | None:
    """Validate ``proxy.hops``: None, or how many proxies are in front (an int >= 0)."""
    if value is None or value == '':
        return None
    hops = int(value)
    if hops < 0:
        raise ValueError('proxy.hops must be 0 or more, not %r' % (value,))
    return hops


def _proxy_trusted_setting(value: Any) -> tuple[str, ...] | None:
    """Validate ``proxy.trusted``: None, or proxy addresses and networks (a list, or one
    string separated by commas or spaces) as a tuple of strings."""
    if value is None or value == '':
        return None
    entries = value.replace(',', ' ').split() if isinstance(value, str) else list(value)
    import ipaddress
    for entry in entries:
        ipaddress.ip_network(entry, strict=False)  # ValueError names a malformed entry
    return tuple(entries)


class _ProxyTrust(object):
    """Which hops of a request's address chain are trusted proxies.

    The chain is X-Forwarded-For's addresses, left to right, then REMOTE_ADDR
    (the direct peer). With ``hops`` the last ``hops`` members are proxies;
    with ``trusted`` (networks) the members from the right that lie in one of
    them. The client is the member left of the proxies.
    """

    def __init__(self, hops=None, trusted=None):
        import ipaddress
        self.hops = hops
        self.networks = None if trusted is None else [
            ipaddress.ip_network(entry, strict=False) for entry in trusted]

    @classmethod
    def from_settings(cls, hops: int | None, trusted: Iterable[str] | None) -> _ProxyTrust | None:
        """A _ProxyTrust for the ``proxy.hops`` and ``proxy.trusted`` settings (trusted
        wins), or None if neither is set."""
        if hops is None and trusted is None:
            return None
        return cls(hops=hops if trusted is None else None, trusted=trusted)

    def _is_trusted(self, address):
        import ipaddress
        try:
            address = ipaddress.ip_address(address.strip().strip('[]'))
        except ValueError:
            return False
        return any(address in network for network in self.networks)  # type: ignore[union-attr]  # set when called

    def proxy_count(self, chain: list[str]) -> int:
        """How many members at the right end of ``chain`` are trusted proxies (never all)."""
        if self.networks is None:
            return min(self.hops, len(chain) - 1)
        count = 0
        while count < len(chain) - 1 and self._is_trusted(chain[-1 - count]):
            count += 1
        return count

    def forwarded_value(self, environ: _Environ, key: str, chain: list[str]) -> str | None:
        """The value of a X-Forwarded-* header (Host, Proto, Prefix) that the proxies in
        front of the application set: the entry the outermost trusted one added;
        None if the direct peer is not a trusted proxy or the header is missing."""
        if self.networks is None:
            trusted = self.hops
        else:
            trusted = self.proxy_count(chain) if self._is_trusted(chain[-1]) else 0
        value = environ.get(key)
        if not trusted or not value:
            return None
        values = [item.strip() for item in value.split(',')]
        return values[-min(trusted, len(values))]


def _address_chain(environ: _Environ) -> list[str]:
    """X-Forwarded-For's addresses and then REMOTE_ADDR, as a list (client side first)."""
    forwarded = environ.get('HTTP_X_FORWARDED_FOR')
    chain = [entry.strip() for entry in forwarded.split(',')] if forwarded else []
    chain.append(environ.get('REMOTE_ADDR') or '')
    return chain


class BaseRequest(object):
    """A wrapper for a WSGI environ with convenient, lazily parsed access to its data.

    Parsed values are cached in the environ under ``bottle.request.*`` keys, so
    several request objects for the same environ share the work. The object
    behaves like a read/write view of the environ dict, and custom attributes
    (``request.user = ...``) are stored in the environ as well.
    """

    __slots__ = ('environ',)

    #: Maximum size of a request body (or form/JSON payload) held in memory.
    MEMFILE_MAX = 102400
    #: Maximum size of a request body at all; a larger one is refused with 413.
    #: Set it on the class (``BaseRequest.MAX_BODY_SIZE = 10 * 2**20``).
    MAX_BODY_SIZE = 2 ** 30

    def __init__(self, environ: _Environ | None = None) -> None:
        """Wrap a WSGI environ dictionary (a new empty one if None)."""
        #: The wrapped WSGI environ dictionary.
        self.environ: _Environ = {} if environ is None else environ
        self.environ['bottle.request'] = self

    @DictProperty('environ', 'bottle.app', read_only=True)
    def app(self) -> Bottle:
        """The Bottle application handling this request."""
        raise RuntimeError('This request is not connected to an application.')

    @DictProperty('environ', 'bottle.route', read_only=True)
    def route(self) -> Route:
        """The :class:`Route` that matched this request."""
        raise RuntimeError('This request is not connected to a route.')

    @DictProperty('environ', 'route.url_args', read_only=True)
    def url_args(self) -> dict[str, Any]:
        """The wildcard values of the matched route, as a dict."""
        raise RuntimeError('This request is not connected to a route.')

    @property
    def path(self) -> str:
        """``PATH_INFO`` with exactly one leading slash (``/`` for an empty path)."""
        return '/' + self.environ.get('PATH_INFO', '').lstrip('/')

    @property
    def method(self) -> str:
        """The request method, upper case (``GET`` if unknown)."""
        return self.environ.get('REQUEST_METHOD', 'GET').upper()

    @DictProperty('environ', 'bottle.request.headers', read_only=True)
    def headers(self) -> WSGIHeaderDict:
        """A case-insensitive :class:`WSGIHeaderDict` of the request headers."""
        return WSGIHeaderDict(self.environ)

    header = headers  # the tutorial spells it this way

    if TYPE_CHECKING:
        @overload
        def get_header(self, name: str) -> str | None: ...
        @overload
        def get_header(self, name: str, default: _D) -> str | _D: ...

    def get_header(self, name: str, default: Any = None) -> Any:
        """Return the value of a request header, or ``default``."""
        return self.headers.get(name, default)

    @DictProperty('environ', 'bottle.request.cookies', read_only=True)
    def cookies(self) -> FormsDict[str]:
        """Cookies sent by the client, as a :class:`FormsDict`. Signed cookies are not decoded."""
        header = self.environ.get('HTTP_COOKIE')
        return _forms_dict(_parse_cookie_header(header) if header else {})

    if TYPE_CHECKING:  # signed cookies hold any JSON value
        @overload
        def get_cookie(self, key: str, default: None = ..., secret: None = ...,
                       digestmod: Any = ...) -> str | None: ...
        @overload
        def get_cookie(self, key: str, default: _D, secret: None = ...,
                       digestmod: Any = ...) -> str | _D: ...
        @overload
        def get_cookie(self, key: str, default: Any = ..., *, secret: _Secret,
                       digestmod: Any = ...) -> Any: ...
        @overload
        def get_cookie(self, key: str, default: Any, secret: _Secret,
                       digestmod: Any = ...) -> Any: ...

    def get_cookie(self, key: str, default: Any = None, secret: _Secret | None = None,
                   digestmod: Any = None) -> Any:
        """Return the value of a cookie, or ``default`` if it is missing.

        With ``secret`` (a key, or a list of keys any of which may have signed
        it), the cookie must have been signed by :meth:`BaseResponse.set_cookie`;
        an unsigned, tampered, truncated, expired or differently signed cookie
        gives ``default``, never an exception. The signature is checked in
        constant time. Cookies signed by Bottle 0.13 (pickles) are read too,
        but only if they hold plain data (strings, numbers, lists, dicts,
        sets, dates and times): anything else gives ``default``.
        """
        value = self.cookies.get(key)
        if not secret:
            return value or default
        if value:
            decoded = _decode_signed_cookie(key, value, secret, digestmod)
            if decoded is not _INVALID:
                return decoded
        return default

    @DictProperty('environ', 'bottle.request.query', read_only=True)
    def query(self) -> FormsDict[str]:
        """The query string parsed into a :class:`FormsDict` (also ``request.GET``).

        Only ``&`` separates pairs; ``+`` and percent-escapes are decoded and
        the values are UTF-8 decoded.
        """
        environ = self.environ
        query = environ['bottle.get'] = _forms_dict(
            _parse_query_values(environ.get('QUERY_STRING', '')))
        return query

    @property
    def GET(self) -> FormsDict[str]:
        """An alias for :attr:`query`."""
        return self.query

    @DictProperty('environ', 'bottle.request.forms', read_only=True)
    def forms(self) -> FormsDict[str]:
        """Form values of a urlencoded or multipart body (no file uploads), as a FormsDict."""
        if self._has_urlencoded_body():  # PERF: no uploads there: parse into the dict
            return _forms_dict(_parse_query_values(
                self._get_body_string(self.MEMFILE_MAX).decode('latin1')))
        return _decoded_forms_dict([(name, item) for name, item in self._body_items
                                    if not isinstance(item, FileUpload)])

    @DictProperty('environ', 'bottle.request.params', read_only=True)
    def params(self) -> FormsDict[str]:
        """Query values and form values combined (form values last), as a FormsDict."""
        return _decoded_forms_dict(itertools.chain(self.query.allitems(), self.forms.allitems()))

    @DictProperty('environ', 'bottle.request.files', read_only=True)
    def files(self) -> FormsDict[FileUpload]:
        """File uploads of a multipart body, as a FormsDict of :class:`FileUpload`."""
        return _decoded_forms_dict([(name, item) for name, item in self._body_items
                                    if isinstance(item, FileUpload)])

    @DictProperty('environ', 'bottle.request.json', read_only=True)
    def json(self) -> Any:
        """The body parsed as JSON if the Content-Type is ``application/json`` or
        ``application/json-rpc``; None for other types or an empty body.

        Raises HTTPError 400 for invalid JSON and 413 for a body larger than
        :attr:`BaseRequest.MEMFILE_MAX`.
        """
        content_type = self.environ.get('CONTENT_TYPE', '').split(';', 1)[0].strip().lower()
        if content_type not in ('application/json', 'application/json-rpc'):
            return None
        data = self._get_body_string(self.MEMFILE_MAX)
        if not data:
            return None
        if _json_nesting_exceeds(data, _MAX_JSON_NESTING):
            raise HTTPError(400, 'Invalid JSON: nested more than %d levels deep'
                            % _MAX_JSON_NESTING)
        try:
            return json_loads(data)
        except (ValueError, TypeError):
            raise HTTPError(400, 'Invalid JSON') from None
        except RecursionError:
            raise HTTPError(400, 'Invalid JSON: nested too deeply') from None

    # The body --------------------------------------------------------------

    @DictProperty('environ', 'bottle.request.body', read_only=True)
    def _body(self):
        """The whole body, read once from ``wsgi.input`` into a seekable file that
        then replaces ``wsgi.input``: in memory up to :attr:`BaseRequest.MEMFILE_MAX` bytes,
        else a temporary file, closed (and so deleted) when the request ends.

        :raises HTTPError: 400 for a body that ends early, is malformed chunked
            or cannot be read from the server; 413 for one over
            :attr:`BaseRequest.MAX_BODY_SIZE`; 400 or 501 for a Transfer-Encoding it cannot
            decode.
        """
        environ = self.environ
        stream = environ.get('wsgi.input')
        if stream is None:
            body = environ['wsgi.input'] = io.BytesIO()
            return body
        framing = self._body_framing()
        if framing.__class__ is int and framing <= self.MEMFILE_MAX and \
                framing <= self.MAX_BODY_SIZE:
            # PERF: the usual small body with a Content-Length is one read, not a spool.
            body = io.BytesIO(_read_exactly(_guarded_read(stream.read), framing))
        else:
            body = self._spool(self._body_chunks(stream, framing))
        environ['wsgi.input'] = body
        return body

    def _body_framing(self):
        """How the body is delimited, by RFC 9112 and the server: its Content-Length
        (an int, 0 when missing), ``'chunked'`` when we decode the chunks, or
        ``'to_end'`` when the server ends the stream with the body
        (``wsgi.input_terminated``: it decoded chunks already)."""
        environ = self.environ
        transfer_encoding = environ.get('HTTP_TRANSFER_ENCODING', '').strip()
        ended_by_server = environ.get('wsgi.input_terminated')
        if transfer_encoding:
            _check_transfer_encoding(transfer_encoding)
            return 'to_end' if ended_by_server else 'chunked'
        length = self.content_length
        if length < 0:
            return 'to_end' if ended_by_server else 0
        return length

    def _body_chunks(self, stream, framing):
        """An iterator over the raw body as ``framing`` (see :meth:`_body_framing`) says.

        :raises HTTPError: 413 at once for a Content-Length over :attr:`BaseRequest.MAX_BODY_SIZE`.
        """
        block_size = max(self.MEMFILE_MAX, 2 ** 20)
        if framing == 'chunked':
            return _dechunked(stream, block_size)
        read = _guarded_read(stream.read)
        if framing == 'to_end':
            return _blocks_to_end(read, block_size)
        if framing > self.MAX_BODY_SIZE:
            raise HTTPError(413, 'Request body of %d bytes is larger than the limit of %d bytes.'
                                 % (framing, self.MAX_BODY_SIZE))
        return _blocks_of_length(read, framing, block_size)

    def _spool(self, chunks):
        """Collect ``chunks`` into a file at position 0: memory up to
        :attr:`BaseRequest.MEMFILE_MAX` bytes, then a temporary file closed when the
        request ends.

        :raises HTTPError: 413 once more than :attr:`BaseRequest.MAX_BODY_SIZE` bytes arrived.
        """
        limit, in_memory_limit = self.MAX_BODY_SIZE, self.MEMFILE_MAX
        body, size = io.BytesIO(), 0
        try:
            for chunk in chunks:
                size += len(chunk)
                if size > limit:
                    raise HTTPError(413, 'Request body is larger than the limit of %d bytes.'
                                         % limit)
                if size > in_memory_limit and body.__class__ is io.BytesIO:
                    from tempfile import TemporaryFile
                    spooled = TemporaryFile(mode='w+b')
                    spooled.write(body.getbuffer())
                    body = spooled  # type: ignore[assignment]  # the in-memory body moves to the file
                    self._close_when_done(body)
                body.write(chunk)
        except BaseException:
            body.close()
            raise
        body.seek(0)
        return body

    def _close_when_done(self, closeable: Any) -> None:
        """Close ``closeable`` when this request ends: when the server closes the
        response body (see :meth:`Bottle.wsgi`)."""
        self.environ.setdefault(_CLEANUP_KEY, []).append(closeable.close)

    def _get_body_string(self, maxread: int) -> bytes:
        """The whole body as bytes.

        :raises HTTPError: 413 for a body over ``maxread`` bytes (and see :attr:`body`).
        """
        if self.content_length > maxread:
            raise HTTPError(413, 'Request body of %d bytes is larger than the limit of %d bytes.'
                                 % (self.content_length, maxread))
        body = self._body
        if body.__class__ is io.BytesIO:
            data = body.getvalue()  # PERF: no copy of a body held in memory
        else:
            body.seek(0)
            data = body.read(maxread + 1)
        if len(data) > maxread:
            raise HTTPError(413, 'Request body is larger than the limit of %d bytes.' % maxread)
        return data

    @property
    def body(self) -> IO[bytes]:
        """The request body as a seekable file-like object, rewound to the start.

        Bodies up to :attr:`BaseRequest.MEMFILE_MAX` bytes stay in memory, larger ones are
        spooled to a temporary file, closed when the request ends. Chunked
        bodies are decoded.

        :raises HTTPError: see :meth:`_body`.
        """
        body = self._body
        body.seek(0)
        return body

    @property
    def chunked(self) -> bool:
        """True if the body uses ``Transfer-Encoding: chunked``."""
        return 'chunked' in self.environ.get('HTTP_TRANSFER_ENCODING', '').lower()

    @DictProperty('environ', 'bottle.request.post', read_only=True)
    def POST(self) -> FormsDict[str | FileUpload]:
        """Form values and file uploads of the body, combined in one :class:`FormsDict`.

        Urlencoded bodies (or bodies without a Content-Type) and
        ``multipart/form-data`` are parsed; other types give an empty dict.
        """
        return _decoded_forms_dict(self._body_items)

    @DictProperty('environ', 'bottle.request.body_items', read_only=True)
    def _body_items(self) -> Sequence[tuple[str, str | FileUpload]]:
        """The (name, value) pairs of a form body, in order; uploads are FileUploads."""
        content_type = self.environ.get('CONTENT_TYPE', '')
        kind = content_type.split(';', 1)[0].strip().lower()
        if self._has_urlencoded_body():
            return _parse_qsl(self._get_body_string(self.MEMFILE_MAX).decode('latin1'))
        if kind.startswith('multipart/'):
            # The body is complete and decoded already: the parser reads it to its end.
            items = _parse_multipart_body(self.body, content_type, -1, self.MEMFILE_MAX,
                                          disk_limit=self.MAX_BODY_SIZE)
            for _, item in items:
                if isinstance(item, FileUpload):
                    self._close_when_done(item.file)
            return items
        return []

    def _has_urlencoded_body(self) -> bool:
        """True if the body is a urlencoded form (so says the Content-Type, or there is none)."""
        content_type = self.environ.get('CONTENT_TYPE', '')
        kind = content_type.partition(';')[0].strip().lower()
        return kind == 'application/x-www-form-urlencoded' or not kind

    @property
    def url(self) -> str:
        """The full request URL including host and query string (see :attr:`urlparts`)."""
        return self.urlparts.geturl()

    @DictProperty('environ', 'bottle.request.urlparts', read_only=True)
    def urlparts(self) -> SplitResult:
        """The request URL as a :class:`urllib.parse.SplitResult`.

        Scheme and host come from ``X-Forwarded-Proto`` and
        ``X-Forwarded-Host`` where the proxy settings trust them (by default
        from anyone, as in Bottle 0.13; see ``proxy.hops``), else from
        ``wsgi.url_scheme`` and the Host header, else from ``SERVER_NAME``
        and ``SERVER_PORT``. Values that are not a valid scheme or
        ``host[:port]`` are passed over, so a malformed Host never breaks it.
        """
        from urllib.parse import SplitResult, quote
        environ = self.environ
        scheme = self._forwarded('HTTP_X_FORWARDED_PROTO')
        if not scheme or not _VALID_SCHEME.match(scheme):
            scheme = environ.get('wsgi.url_scheme', 'http')
        for host in (self._forwarded('HTTP_X_FORWARDED_HOST'), environ.get('HTTP_HOST')):
            if host and _is_valid_host(host):
                break
        else:
            host = environ.get('SERVER_NAME') or '127.0.0.1'
            port = environ.get('SERVER_PORT')
            if port and port != {'http': '80', 'https': '443'}.get(scheme):
                host = '%s:%s' % (host, port)
        return SplitResult(scheme, host, quote(self.fullpath), environ.get('QUERY_STRING'), '')  # type: ignore[arg-type]  # None without one, as in 0.13

    def _forwarded(self, key: str) -> str | None:
        """The value of the X-Forwarded-* header ``key`` as far as it is trusted: all of
        it without proxy settings (Bottle 0.13), else the trusted proxies' entry."""
        environ = self.environ
        trust = environ.get('bottle.proxy_trust')
        if trust is None:
            return environ.get(key)
        return trust.forwarded_value(environ, key, _address_chain(environ))

    @property
    def fullpath(self) -> str:
        """The request path including :attr:`script_name`."""
        from urllib.parse import urljoin
        return urljoin(self.script_name, self.path.lstrip('/'))

    @property
    def query_string(self) -> str:
        """The raw query part of the URL (everything after ``?``)."""
        return self.environ.get('QUERY_STRING', '')

    @property
    def script_name(self) -> str:
        """The part of the URL the application is mounted at, with leading and trailing slash."""
        script_name = self.environ.get('SCRIPT_NAME', '').strip('/')
        return '/' + script_name + '/' if script_name else '/'

    def path_shift(self, shift: int = 1) -> None:
        """Move ``shift`` path segments from PATH_INFO to SCRIPT_NAME (back for negative values)."""
        script, path = path_shift(self.environ.get('SCRIPT_NAME', '/'), self.path, shift)
        self['SCRIPT_NAME'], self['PATH_INFO'] = script, path

    @property
    def content_length(self) -> int:
        """The Content-Length header as int; -1 if it is missing or negative.

        :raises HTTPError: 400 for a value that is not a number of ASCII digits.
        """
        value = self.environ.get('CONTENT_LENGTH', '').strip()
        if value.isdigit() and value.isascii():
            return int(value)
        if value and not (value[0] == '-' and value[1:].isdigit() and value.isascii()):
            raise HTTPError(400, 'Invalid Content-Length header: %r' % value[:40])
        return -1

    @property
    def content_type(self) -> str:
        """The Content-Type header, lower case ('' if missing)."""
        return self.environ.get('CONTENT_TYPE', '').lower()

    @property
    def is_xhr(self) -> bool:
        """True if the request was sent by ``XMLHttpRequest`` (X-Requested-With header)."""
        requested_with = self.environ.get('HTTP_X_REQUESTED_WITH', '')
        return requested_with.lower() == 'xmlhttprequest'

    @property
    def is_ajax(self) -> bool:
        """An alias for :attr:`is_xhr`."""
        return self.is_xhr

    @property
    def auth(self) -> tuple[str, str | None] | None:
        """``(user, password)`` from HTTP Basic auth, ``(REMOTE_USER, None)`` when a server
        authenticated the user, or None."""
        basic = parse_auth(self.environ.get('HTTP_AUTHORIZATION', ''))
        if basic:
            return basic
        remote_user = self.environ.get('REMOTE_USER')
        if remote_user:
            return remote_user, None
        return None

    @property
    def remote_route(self) -> list[str]:
        """The addresses the request came through, the client first.

        Without proxy settings (Bottle 0.13): the X-Forwarded-For list if the
        header is there, else ``[REMOTE_ADDR]`` (anyone can forge it). With
        ``proxy.hops`` or ``proxy.trusted``: the client X-Forwarded-For names
        left of the trusted proxies, then the proxies that forwarded it;
        entries a client may have forged are left out.
        """
        environ = self.environ
        trust = environ.get('bottle.proxy_trust')
        chain = _address_chain(environ)
        if trust is not None:
            chain = chain[len(chain) - 1 - trust.proxy_count(chain):]
        if len(chain) > 1:
            return chain[:-1]  # as in Bottle 0.13: the peer is left out when there are proxies
        return chain if chain[0] else []

    @property
    def remote_addr(self) -> str | None:
        """The client IP address (the first entry of :attr:`remote_route`), or None."""
        route = self.remote_route
        return route[0] if route else None

    def copy(self) -> BaseRequest:
        """Return a new :class:`Request` for a shallow copy of the environ."""
        return Request(self.environ.copy())

    def get(self, value: str, default: Any = None) -> Any:
        """Return an environ value, or ``default``."""
        return self.environ.get(value, default)

    def __getitem__(self, key: str) -> Any:
        return self.environ[key]

    def __delitem__(self, key: str) -> None:
        self[key] = ''
        del self.environ[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.environ)

    def __len__(self) -> int:
        return len(self.environ)

    def keys(self) -> KeysView[str]:
        """The keys of the environ."""
        return self.environ.keys()

    def __setitem__(self, key: str, value: Any) -> None:
        """Change an environ value and forget the parsed values computed from it.

        :raises KeyError: the environ is marked read-only
            (``bottle.request.readonly``).
        """
        environ = self.environ
        if environ.get('bottle.request.readonly'):
            raise KeyError('The environ dictionary is read-only.')
        environ[key] = value
        depending = _PARSED_FROM.get(key)
        if depending is None and key.startswith('HTTP_'):
            depending = _PARSED_FROM_HEADERS
        for cache_key in depending or ():
            environ.pop(cache_key, None)

    def __repr__(self) -> str:
        return '<%s: %s %s>' % (type(self).__name__, self.method, self.url)

    # Custom attributes (request.user = ...) live in the environ, so that every
    # request object of the environ, and plugins that read it, see them.

    def __getattr__(self, name: str) -> Any:
        """Read a custom attribute (stored in the environ; see :meth:`__setattr__`).

        :raises AttributeError: no such attribute.
        :raises RuntimeError: a :class:`LocalRequest` used where no request is bound.
        """
        if name == 'environ':  # a LocalRequest not bound in this thread
            raise RuntimeError('Request context not initialized.')
        try:
            value = self.environ[_CUSTOM_ATTRIBUTE_KEY + name]
        except KeyError:
            raise AttributeError('Attribute %r not defined.' % name) from None
        getter = getattr(value, '__get__', None)
        return value if getter is None else getter(self)

    def __setattr__(self, name: str, value: Any) -> None:
        """Store a custom attribute in the environ (``request.user = user``).

        :raises AttributeError: the name is taken (a property or an attribute
            set before).
        """
        if name == 'environ':
            return object.__setattr__(self, name, value)
        if hasattr(self, name):
            raise AttributeError('Attribute already defined: %s' % name)
        self.environ[_CUSTOM_ATTRIBUTE_KEY + name] = value

    def __delattr__(self, name: str) -> None:
        """Remove a custom attribute. :raises AttributeError: it was not set."""
        if self.environ.pop(_CUSTOM_ATTRIBUTE_KEY + name, _UNSET) is _UNSET:
            raise AttributeError('Attribute not defined: %s' % name)


#: The environ key prefix of custom request attributes (as in Bottle 0.13).
_CUSTOM_ATTRIBUTE_KEY = 'bottle.request.ext.'
#: For environ keys, the cached request values parsed from them (see __setitem__).
_PARSED_FROM = {
    'wsgi.input': tuple('bottle.request.' + name for name in (
        'body', 'body_items', 'forms', 'files', 'params', 'post', 'json')),
    'QUERY_STRING': ('bottle.request.query', 'bottle.request.params', 'bottle.get'),
}
_PARSED_FROM_HEADERS = ('bottle.request.headers', 'bottle.request.cookies')


#: How deeply a JSON request body may nest arrays and objects (deeper is a 400): json's
#: parser recurses, and the recursion limit of Python 3.14 and later depends on the stack.
_MAX_JSON_NESTING = 500
_JSON_STRINGS_AND_BRACKETS = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def _json_nesting_exceeds(data: bytes, limit: int) -> bool:
    """True if the JSON text ``data`` (bytes) nests arrays and objects more than
    ``limit`` deep. Brackets in strings do not count; the scan is linear."""
    if data.count(b'[') + data.count(b'{') <= limit:  # PERF: too few brackets to nest deeper
        return False
    depth = 0
    for match in _JSON_STRINGS_AND_BRACKETS.finditer(data):
        token = match.group()
        if token in (b'[', b'{'):
            depth += 1
            if depth > limit:
                return True
        elif token in (b']', b'}'):
            depth -= 1
    return False


# Reading request bodies -------------------------------------------------------
# Helpers of BaseRequest._body: framing by RFC 9112 (Content-Length, chunked, or a
# stream the server ends), each step bounded, so hostile bodies cost linear time.

#: Longest chunk-size line (size and chunk extensions) we read, in bytes.
_MAX_CHUNK_SIZE_LINE = 4096
#: Most bytes of trailer fields after the last chunk.
_MAX_TRAILER_BYTES = 16384
_HEX_DIGITS = b'0123456789abcdefABCDEF'


def _check_transfer_encoding(header: str) -> None:
    """Check a request's Transfer-Encoding header (RFC 9112, section 6.1).

    :raises HTTPError: 400 if chunked is not the final coding (the body would
        have no known end) or comes twice; 501 for another coding, which we do
        not decode.
    """
    codings = [item.split(';', 1)[0].strip().lower() for item in header.split(',')]
    codings = [coding for coding in codings if coding]
    shown = header[:100]
    if not codings or codings[-1] != 'chunked':
        raise HTTPError(400, 'Transfer-Encoding %r does not end with chunked: the length of '
                             'the body is unknown.' % shown)
    if codings.count('chunked') > 1:
        raise HTTPError(400, 'Transfer-Encoding %r applies chunked more than once.' % shown)
    for coding in codings[:-1]:
        raise HTTPError(501, 'Transfer coding %r is not implemented; send the body chunked '
                             'only.' % coding)


def _guarded_read(read: Callable[..., bytes]) -> Callable[..., bytes]:
    """Wrap a ``read`` (or ``readline``) of the server's input stream: what the stream
    raises (gunicorn's InvalidChunkSize, a reset connection, a timeout) is a body that
    cannot be read, HTTPError 400, not a failure of the application."""
    def guarded(*args: Any) -> bytes:
        try:
            return read(*args)
        except MemoryError:
            raise
        except Exception as failure:  # anything: it comes from the server's stream
            raise HTTPError(400, 'The request body could not be read: %s' % (failure,),
                            exception=failure) from None
    return guarded


def _read_exactly(read: Callable[[int], bytes], length: int) -> bytes:
    """Read ``length`` bytes; HTTPError 400 if the stream ends before."""
    data = read(length) if length > 0 else b''
    if len(data) == length:
        return data
    parts = [data]
    missing = length - len(data)
    while missing > 0:
        more = read(missing)
        if not more:
            raise HTTPError(400, 'Request body ended after %d of %d bytes (Content-Length).'
                                 % (length - missing, length))
        parts.append(more)
        missing -= len(more)
    return b''.join(parts)


def _blocks_of_length(read: Callable[[int], bytes], length: int, block_size: int
                      ) -> Iterator[bytes]:
    """Yield a body of ``length`` bytes in blocks; HTTPError 400 if it ends early."""
    remaining = length
    while remaining > 0:
        block = read(min(remaining, block_size))
        if not block:
            raise HTTPError(400, 'Request body ended after %d of %d bytes (Content-Length).'
                                 % (length - remaining, length))
        remaining -= len(block)
        yield block


def _blocks_to_end(read: Callable[[int], bytes], block_size: int) -> Iterator[bytes]:
    """Yield blocks until the stream ends."""
    while True:
        block = read(block_size)
        if not block:
            return
        yield block


def _chunked_body_error(why: str) -> HTTPError:
    return HTTPError(400, 'Malformed chunked request body: %s.' % why)


def _line_reader(stream: Any, limit: int) -> Callable[[], bytes]:
    """A function that reads one line of at most ``limit`` bytes from ``stream``
    (``readline(limit)`` where the stream has it, else one byte at a time)."""
    if hasattr(stream, 'readline'):
        readline = _guarded_read(stream.readline)
        return lambda: readline(limit)
    read = _guarded_read(stream.read)

    def read_line() -> bytes:
        line = bytearray()
        while len(line) < limit and not line.endswith(b'\n'):
            byte = read(1)
            if not byte:
                break
            line += byte
        return bytes(line)
    return read_line


def _chunk_size(line: bytes) -> int:
    """The size of the next chunk from its chunk-size line (extensions ignored)."""
    if not line.endswith(b'\n'):
        if len(line) >= _MAX_CHUNK_SIZE_LINE:
            raise _chunked_body_error('a chunk-size line is longer than %d bytes'
                                      % _MAX_CHUNK_SIZE_LINE)
        raise _chunked_body_error('it ended before the last chunk')
    text = line[:-2] if line.endswith(b'\r\n') else line[:-1]
    if b'\r' in text:  # a bare CR: proxies may split the line elsewhere (smuggling)
        raise _chunked_body_error('a chunk-size line holds a bare CR')
    size = text.split(b';', 1)[0].strip(b' \t')
    if not size or len(size) > 16 or size.strip(_HEX_DIGITS):
        raise _chunked_body_error('bad chunk size %r' % size[:20])
    return int(size, 16)


def _dechunked(stream: Any, block_size: int) -> Iterator[bytes]:
    """Yield the data of a ``Transfer-Encoding: chunked`` body (RFC 9112, section 7.1).

    Chunk-size lines and trailers are bounded (:data:`_MAX_CHUNK_SIZE_LINE`,
    :data:`_MAX_TRAILER_BYTES`), so the work is linear in the size of the body.

    :raises HTTPError: 400 for a malformed or truncated chunked body.
    """
    read = _guarded_read(stream.read)
    read_line = _line_reader(stream, _MAX_CHUNK_SIZE_LINE)
    while True:
        remaining = _chunk_size(read_line())
        if remaining == 0:
            break
        while remaining:
            data = read(min(remaining, block_size))
            if not data:
                raise _chunked_body_error('it ended inside a chunk')
            remaining -= len(data)
            yield data
        if read(2) != b'\r\n':
            raise _chunked_body_error('chunk data is not followed by CRLF')
    trailer_bytes = 0
    while True:  # trailer fields up to the blank line; an end of the stream also ends them
        line = read_line()
        trailer_bytes += len(line)
        if trailer_bytes > _MAX_TRAILER_BYTES:
            raise _chunked_body_error('the trailer fields are longer than %d bytes'
                                      % _MAX_TRAILER_BYTES)
        if line in (b'', b'\r\n', b'\n'):
            return


def _decoded_forms_dict(pairs: Iterable[tuple[str, Any]] = ()) -> FormsDict:
    """A FormsDict of already decoded (key, value) pairs, without 0.13's recoding."""
    return _forms_dict(_values_of_pairs(pairs))


def _hex_pairs() -> dict[str, str]:
    """Map every two-digit hex string (any letter case) to the character with that code."""
    pairs = {}
    for code in range(256):
        high, low = divmod(code, 16)
        for pair in ('%02x' % code, '%02X' % code, '%x%X' % (high, low), '%X%x' % (high, low)):
            pairs[pair] = chr(code)
    return pairs


_HEX_PAIRS = _hex_pairs()


def _percent_decode_latin1(text: str) -> str:
    """Decode ``%XX`` escapes into the characters U+0000..U+00FF; leave malformed ones as
    they are."""
    parts = text.split('%')
    decoded = [parts[0]]
    for part in parts[1:]:
        char = _HEX_PAIRS.get(part[:2])
        decoded.append(char + part[2:] if char else '%' + part)
    return ''.join(decoded)


def _parse_qsl(qs: str) -> list[tuple[str, str]]:
    """Parse a query string or urlencoded body into a list of (key, value) pairs.

    ``&`` is the only separator (``;`` is data, see CVE-2020-28473); ``+`` is
    a space; percent-escapes and the native string's bytes are decoded as
    UTF-8, falling back to latin-1 for invalid sequences.
    """
    qs = qs.replace('+', ' ')  # never a separator, so it can go before splitting
    if '%' not in qs and qs.isascii():
        return [pair.partition('=')[::2] for pair in qs.split('&') if pair]
    pairs = []
    for pair in qs.split('&'):
        if not pair:
            continue
        key, _, value = pair.partition('=')
        if '%' in key:
            key = _percent_decode_latin1(key)
        if not key.isascii():
            key = _latin1_to_unicode(key)
        if '%' in value:
            value = _percent_decode_latin1(value)
        if not value.isascii():
            value = _latin1_to_unicode(value)
        pairs.append((key, value))
    return pairs


def _parse_query_values(qs: str) -> dict[str, list[str]]:
    """Parse a query string or urlencoded body into ``{key: [values]}`` (in order):
    the pairs of :func:`_parse_qsl`, collected per key."""
    spaced = qs.replace('+', ' ')
    text = spaced
    if '%' in text:
        lowered = text.lower()
        if '%26' in lowered or '%3d' in lowered:  # escaped '&' or '=': decode pair by pair
            return _values_of_pairs(_parse_qsl(spaced))
        # PERF: no escape can become a separator: decode the whole string at once.
        text = _percent_decode_latin1(text)
    if not text.isascii():
        try:
            text = text.encode('latin1').decode('utf8')
        except UnicodeError:  # some pair is not UTF-8: that one keeps its latin-1 reading
            return _values_of_pairs(_parse_qsl(spaced))
    values: dict[str, list[str]] = {}
    for pair in text.split('&'):
        if not pair:  # an empty pair ('a=1&&b=2') holds nothing
            continue
        key, _, value = pair.partition('=')
        if key in values:
            values[key].append(value)
        else:
            values[key] = [value]
    return values


def _values_of_pairs(pairs: Iterable[tuple[str, _V]]) -> dict[str, list[_V]]:
    """``{key: [values]}`` of (key, value) pairs, in order."""
    values: dict[str, list[_V]] = {}
    for key, value in pairs:
        if key in values:
            values[key].append(value)
        else:
            values[key] = [value]
    return values


def _parse_cookie_header(header: str) -> dict[str, list[str]]:
    """``{name: [values]}`` of a Cookie header, in order; malformed pairs are skipped.

    Quoted values are unquoted (backslash and octal escapes resolved) and
    decoded as UTF-8 (names are ASCII tokens).
    """
    values: dict[str, list[str]] = {}
    for pair in header.split(';'):
        name, sep, value = pair.partition('=')
        name = name.strip()
        if not sep or not name or not _COOKIE_NAME_CHARS.issuperset(name):
            continue
        value = value.strip()
        if not value.isascii():
            value = _latin1_to_unicode(value)
        if len(value) >= 2 and value[0] == '"' and value[-1] == '"':
            value = _unquote_cookie_value(value[1:-1])
        if name in values:
            values[name].append(value)
        else:
            values[name] = [value]
    return values


_COOKIE_NAME_CHARS = frozenset(
    'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&\'*+-.^_`|~:')
_OCTAL_DIGITS = frozenset('01234567')


def _unquote_cookie_value(text: str) -> str:
    """Resolve ``\\"``, ``\\\\`` and ``\\ooo`` (octal) escapes of a quoted cookie value."""
    if '\\' not in text:
        return text
    out, index, end = [], 0, len(text)
    while index < end:
        char = text[index]
        if char == '\\' and index + 1 < end:
            octal = text[index + 1:index + 4]
            if len(octal) == 3 and _OCTAL_DIGITS.issuperset(octal):
                out.append(chr(int(octal, 8)))
                index += 4
                continue
            out.append(text[index + 1])
            index += 2
            continue
        out.append(char)
        index += 1
    return ''.join(out)


def _quote_cookie_value(value: str) -> str:
    """Quote a cookie value the way Python's http.cookies does, if it needs quoting."""
    if _COOKIE_NAME_CHARS.issuperset(value):
        return value
    out = []
    for char in value:
        code = ord(char)
        if char in '"\\':
            out.append('\\' + char)
        elif code < 32 or 127 <= code < 256 or char in ' (),/;<=>?@[]{}':
            out.append('\\%03o' % code if (code < 32 or code >= 127 or char in ',;') else char)
        else:
            out.append(char)
    return '"%s"' % ''.join(out)


# Signed cookies -----------------------------------------------------------------
# set_cookie(..., secret=...) writes '2.<payload>.<signature>': the payload is the JSON
# object {"n": name, "v": value} (with "e": expiry in seconds since the epoch when the
# cookie has one) in URL-safe base64, the signature its HMAC (SHA-256 unless digestmod
# says otherwise), URL-safe base64 too. Cookies signed by Bottle 0.13 ('!<signature>?<pickle
# of [name, value]>') are still read, but unpickled with _PLAIN_PICKLE_TYPES only.

_INVALID = object()
_SIGNED_COOKIE_PREFIX = '2.'

#: What a pickle in a Bottle 0.13 signed cookie may contain besides the pickle opcodes'
#: own types (str, bytes, numbers, None, bools, lists, tuples, dicts, sets).
_PLAIN_PICKLE_TYPES = frozenset([
    ('builtins', 'set'), ('builtins', 'frozenset'), ('builtins', 'bytearray'),
    ('builtins', 'complex'), ('__builtin__', 'set'), ('__builtin__', 'frozenset'),
    ('datetime', 'date'), ('datetime', 'datetime'), ('datetime', 'time'),
    ('datetime', 'timedelta'), ('datetime', 'timezone'),
])


def _signing_keys(secret: _Secret) -> list[bytes]:
    """The keys of ``secret`` as bytes: a str or bytes, or a list of them (rotation:
    the first signs, any verifies)."""
    secrets = secret if isinstance(secret, (list, tuple)) else [secret]
    return [tob(each) for each in secrets]


def _signature(message: bytes, key: bytes, digestmod: Any) -> bytes:
    import hashlib
    import hmac
    return hmac.new(key, message, digestmod=digestmod or hashlib.sha256).digest()


def _urlsafe_b64encode(data):
    import base64
    return base64.urlsafe_b64encode(data).rstrip(b'=').decode('ascii')


def _urlsafe_b64decode(text: str) -> bytes:
    import base64
    return base64.urlsafe_b64decode(text + '=' * (-len(text) % 4))


def _encode_signed_cookie(name: str, value: Any, secret: _Secret, digestmod: Any,
                          expires: float | None = None) -> str:
    """The signed cookie value for ``name`` and ``value`` (see the section comment).

    :raises TypeError: ``value`` holds something JSON cannot represent (the
        message names its type).
    """
    import json
    content = {'n': name, 'v': value}
    if expires is not None:
        content['e'] = int(expires)
    try:
        payload = json.dumps(content, separators=(',', ':'), allow_nan=False).encode('utf8')
    except TypeError as unsupported:
        raise TypeError('A signed cookie holds JSON values (str, int, float, bool, None, '
                        'list, dict), not %s: %s' % (type(value).__name__, unsupported)
                        ) from unsupported
    payload = _urlsafe_b64encode(payload)
    signature = _signature(payload.encode('ascii'), _signing_keys(secret)[0], digestmod)
    return _SIGNED_COOKIE_PREFIX + payload + '.' + _urlsafe_b64encode(signature)


def _decode_signed_cookie(name: str, text: str, secret: _Secret, digestmod: Any) -> Any:
    """The value in the signed cookie ``text`` of cookie ``name``, or _INVALID if the
    signature (compared in constant time, with each key of ``secret``) is wrong, the
    cookie is malformed, expired, or was signed for another name."""
    if text.startswith(_SIGNED_COOKIE_PREFIX):
        return _decode_json_cookie(name, text[len(_SIGNED_COOKIE_PREFIX):], secret, digestmod)
    if text.startswith('!') and '?' in text:
        return _decode_pickled_cookie(name, text, secret, digestmod)
    return _INVALID


def _signature_is_valid(message: bytes, signature: bytes, secret: _Secret, digestmod: Any
                        ) -> bool:
    """True if ``signature`` is the signature of ``message`` with one of the keys."""
    import hmac
    found = False
    for key in _signing_keys(secret):  # every key is tried: no early exit to time
        found |= hmac.compare_digest(signature, _signature(message, key, digestmod))
    return found


def _decode_json_cookie(name: str, text: str, secret: _Secret, digestmod: Any) -> Any:
    import binascii
    import json
    payload, dot, signature = text.partition('.')
    try:
        if not dot or not _signature_is_valid(payload.encode('ascii'),
                                               _urlsafe_b64decode(signature), secret, digestmod):
            return _INVALID
        content = json.loads(_urlsafe_b64decode(payload))
    except (ValueError, UnicodeError, binascii.Error):
        return _INVALID
    if not isinstance(content, dict) or content.get('n') != name or 'v' not in content:
        return _INVALID
    expires = content.get('e')
    if isinstance(expires, (int, float)) and expires < time.time():
        return _INVALID
    return content['v']


def _decode_pickled_cookie(name: str, text: str, secret: _Secret, digestmod: Any) -> Any:
    """A cookie signed by Bottle 0.13: base64 signature, '?', base64 pickle."""
    import base64
    import binascii
    try:
        signature, payload = tob(text[1:]).split(b'?', 1)
        if not _signature_is_valid(payload, base64.b64decode(signature), secret, digestmod):
            return _INVALID
        content = _load_plain_pickle(base64.b64decode(payload))
    except (ValueError, UnicodeError, binascii.Error):
        return _INVALID
    if not isinstance(content, (list, tuple)) or len(content) != 2 or content[0] != name:
        return _INVALID
    return content[1]


def _load_plain_pickle(data: bytes) -> Any:
    """Unpickle ``data`` allowing only plain data types (see _PLAIN_PICKLE_TYPES): nothing
    else is imported or called. :raises ValueError: for anything else or a broken pickle."""
    import pickle

    class PlainDataUnpickler(pickle.Unpickler):
        def find_class(self, module: str, name: str) -> Any:
            if (module, name) not in _PLAIN_PICKLE_TYPES:
                raise pickle.UnpicklingError('%s.%s is not a plain data type' % (module, name))
            return super().find_class(module, name)

    try:
        return PlainDataUnpickler(io.BytesIO(data)).load()
    except Exception as broken:  # a pickle can fail in many ways; each means "not ours"
        raise ValueError('Not a plain-data pickle: %s' % (broken,)) from None


def _epoch_seconds(value):
    """``value`` (a datetime, naive ones in UTC, a date, a time tuple, seconds since the
    epoch, or an HTTP date string) as seconds since the epoch; None for an unreadable string."""
    if isinstance(value, str):
        return parse_date(value)
    if isinstance(value, (int, float)):
        return value
    from datetime import date, datetime, timezone
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.timestamp()
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=timezone.utc).timestamp()
    return datetime(*tuple(value)[:6], tzinfo=timezone.utc).timestamp()  # type: ignore[misc]  # six fields


#: The environ of the request each thread is answering (see LocalRequest).
_request_environs = threading.local()


class LocalRequest(BaseRequest):
    """A thread-local BaseRequest: every thread sees the request it is answering.

    The global ``bottle.request`` is an instance; the application binds it to
    each new environ with :meth:`bind`.
    """

    def bind(self, environ: _Environ | None = None) -> None:
        """Make ``environ`` the request of the current thread."""
        if environ is None:
            environ = {}
        _request_environs.environ = environ
        environ['bottle.request'] = self

    def _set_environ(self, environ: _Environ) -> None:
        _request_environs.environ = environ

    def _delete_environ(self) -> None:
        del _request_environs.environ

    # An AttributeError here (no request in this thread) becomes a RuntimeError in
    # BaseRequest.__getattr__.
    environ = property(lambda self: _request_environs.environ, _set_environ, _delete_environ,
                       'The WSGI environ of the current thread\'s request.')
    del _set_environ, _delete_environ


class _ThreadEnvironProperty(DictProperty):
    """PERF: a DictProperty of LocalRequest that reads the thread's environ directly.

    Attribute access on request objects is slow (their class has __getattr__,
    which keeps CPython from specialising it): this skips ``self.environ``.
    """

    def __get__(self, obj, cls):
        if obj is None:
            return self
        try:
            storage = _request_environs.environ
        except AttributeError:
            raise RuntimeError('Request context not initialized.') from None
        value = storage.get(self.key, _MISSING)
        if value is _MISSING:
            value = storage[self.key] = self.getter(obj)
        return value


for _name, _descriptor in list(vars(BaseRequest).items()):
    if type(_descriptor) is DictProperty and _descriptor.attr == 'environ':
        setattr(LocalRequest, _name, _ThreadEnvironProperty(
            'environ', _descriptor.key, _descriptor.read_only)(_descriptor.getter))
del _name, _descriptor


Request = BaseRequest


class HeaderProperty(_Generic[_T]):
    """A response property backed by a header, with optional read/write converters."""

    if TYPE_CHECKING:  # the type is that of ``reader`` and ``default`` (text without a reader)
        @overload
        def __init__(self: HeaderProperty[str], name: str, reader: None = ...,
                     writer: Callable[[Any], str] | None = ..., default: str = ...) -> None: ...
        @overload
        def __init__(self, name: str, reader: Callable[[str], _T],
                     writer: Callable[[Any], str] | None = ..., default: _T = ...) -> None: ...

    def __init__(self, name: str, reader: Callable[[str], Any] | None = None,
                 writer: Callable[[Any], str] | None = None, default: Any = '') -> None:
        self.name = name
        self.reader = reader
        self.writer = writer
        self.default = default
        self.__doc__ = 'The %s header of the response (%r when it is not set).' % (
            name.title(), default)

    if TYPE_CHECKING:
        @overload
        def __get__(self, obj: None, _: type) -> HeaderProperty[_T]: ...
        @overload
        def __get__(self, obj: BaseResponse, _: type) -> _T: ...

    def __get__(self, obj: BaseResponse | None, _: type) -> Any:
        if obj is None:
            return self
        value = obj.get_header(self.name, None)
        if value is None:
            return self.default
        return self.reader(value) if self.reader else value

    def __set__(self, obj: BaseResponse, value: Any) -> None:
        obj[self.name] = self.writer(value) if self.writer else value

    def __delete__(self, obj: BaseResponse) -> None:
        del obj[self.name]


def _digits_or(text: str, default: _D) -> int | _D:
    """``text`` as an int if it is ASCII digits (surrounding spaces aside), else ``default``."""
    text = text.strip()
    return int(text) if text.isascii() and text.isdigit() else default


def _header_pairs(headers, more_headers):
    """The (name, value) pairs of a response's ``headers`` (a dict or a list of pairs)
    and then of its keyword headers."""
    pairs = list(headers.items() if isinstance(headers, dict) else headers or ())
    pairs.extend(more_headers.items())
    return pairs


def _parse_status_line(text: str) -> tuple[int, str]:
    """``(code, line)`` of a status line such as ``'404 Brain not found'``.

    :raises ValueError: control characters, or no code at the start.
    """
    line = text.strip()
    if not line.isprintable():
        raise ValueError('Status line must not contain control characters: %r' % text)
    code = line.split(None, 1)[0]
    if not (code.isascii() and code.isdigit()):
        raise ValueError('Status line does not start with a code: %r' % text)
    return int(code), line


def _expires_from_header(value: str) -> datetime | None:
    from datetime import datetime, timezone
    seconds = parse_date(value)
    return None if seconds is None else datetime.fromtimestamp(seconds, timezone.utc)


class BaseResponse(object):
    """Status, headers, cookies and body of an HTTP response.

    :param body: the response body (any type a callback may return).
    :param status: an int (``404``) or a status line (``'404 Brain not found'``).
    :param headers: a dict or list of (name, value) pairs; more headers as
        keyword arguments (``Content_Type='text/plain'``).
    """

    default_status = 200
    default_content_type = 'text/html; charset=UTF-8'

    #: Headers that a response with the status code must not carry: no content
    #: with 204, and a 304 sends only what tells that the client's copy is current.
    bad_headers = {
        204: frozenset('Content-Type Content-Length'.split()),
        304: frozenset('Allow Content-Encoding Content-Language Content-Length Content-Range'
                       ' Content-Type Content-Md5 Last-Modified'.split()),
    }

    def __init__(self, body: Any = '', status: int | str | None = None,
                 headers: _Headers | None = None, **more_headers: Any) -> None:
        self._headers: dict[str, list[str]] = {}
        self._cookies: dict[str, str] | None = None
        self._charset: str | None = None
        self.body: Any = body
        self._set_status(status or self.default_status)
        if headers or more_headers:
            for name, value in _header_pairs(headers, more_headers):
                self.add_header(name, value)

    if TYPE_CHECKING:
        @overload
        def copy(self, cls: None = ...) -> BaseResponse: ...
        @overload
        def copy(self, cls: type[_ResponseT]) -> _ResponseT: ...

    def copy(self, cls: type[BaseResponse] | None = None) -> BaseResponse:
        """Return a new response (of class ``cls``, default BaseResponse) with the
        status, headers, cookies and charset of this one, and an empty body.

        :raises TypeError: ``cls`` is not a BaseResponse subclass.
        """
        cls = cls or BaseResponse
        if not issubclass(cls, BaseResponse):
            raise TypeError('copy() makes BaseResponse objects, not %r' % (cls,))
        duplicate = cls()
        duplicate._status_code, duplicate._status_line = self._status_code, self._status_line
        duplicate._headers = {name: list(values) for name, values in self._headers.items()}
        duplicate._charset = self._charset
        duplicate._cookies = dict(self._cookies) if self._cookies else None
        return duplicate

    def __iter__(self) -> Iterator[Any]:
        return iter(self.body)

    def close(self) -> None:
        """Close the body if it has a ``close`` method."""
        if hasattr(self.body, 'close'):
            self.body.close()

    @property
    def status_line(self) -> str:
        """The HTTP status line as a string (e.g. ``404 Not Found``)."""
        return self._status_line

    @property
    def status_code(self) -> int:
        """The HTTP status code as an integer (e.g. 404)."""
        return self._status_code

    def _set_status(self, status: int | str) -> None:
        if isinstance(status, int):
            code, line = status, _HTTP_STATUS_LINES.get(status)
        elif isinstance(status, str) and ' ' in status.strip():
            code, line = _parse_status_line(status)
        else:
            raise ValueError('Status must be an int or "NNN Reason", not %r' % (status,))
        if not 100 <= code <= 999:
            raise ValueError('Status code %d of %r is outside 100-999.' % (code, status))
        self._status_code = code
        self._status_line = line or '%d Unknown' % code

    status = property(lambda self: self._status_line, _set_status, None, '''
        The HTTP status line (e.g. ``200 OK``). Set it to an int (the reason
        phrase is added) or to a full status line; raises ValueError for codes
        outside 100-999 or malformed lines.''')

    @property
    def headers(self) -> HeaderDict:
        """A case-insensitive :class:`HeaderDict` view of the response headers."""
        view = HeaderDict()
        view.dict = self._headers
        return view

    def __contains__(self, name: str) -> bool:
        return _hkey(name) in self._headers

    def __delitem__(self, name: str) -> None:
        del self._headers[_hkey(name)]

    def __getitem__(self, name: str) -> str:
        return self._headers[_hkey(name)][-1]

    if TYPE_CHECKING:
        @overload
        def get_header(self, name: str) -> str | None: ...
        @overload
        def get_header(self, name: str, default: _D) -> str | _D: ...

    def get_header(self, name: str, default: Any = None) -> Any:
        """Return the last value of a header, or ``default``."""
        return self._headers.get(_hkey(name), [default])[-1]

    def set_header(self, name: str, value: Any) -> None:
        """Set a header, replacing previous values. Raises ValueError on CR/LF."""
        self._headers[_hkey(name)] = [_hval(value)]

    __setitem__ = set_header

    def add_header(self, name: str, value: Any) -> None:
        """Add a header value without removing previous ones. Raises ValueError on CR/LF."""
        self._headers.setdefault(_hkey(name), []).append(_hval(value))

    def iter_headers(self) -> list[tuple[str, str]]:
        """Yield (name, value) tuples of all headers, cookies included."""
        return self.headerlist

    def _wsgi_status_line(self) -> str:
        """The status line as a native (latin-1) string for ``start_response``."""
        return _unicode_to_latin1(self._status_line)

    @property
    def headerlist(self) -> list[tuple[str, str]]:
        """The WSGI header list: native strings, default Content-Type added, bad headers removed."""
        state = self.__dict__  # PERF: see apply()
        headers = state['_headers']
        out = [] if 'Content-Type' in headers else [('Content-Type', self.default_content_type)]
        for name, values in headers.items():
            for value in values:
                out.append((name, value if value.isascii() else _unicode_to_latin1(value)))
        cookies = state['_cookies']
        if cookies:
            for cookie in cookies.values():
                out.append(('Set-Cookie',
                            cookie if cookie.isascii() else _unicode_to_latin1(cookie)))
        bad = self.bad_headers.get(state['_status_code'])
        if bad:
            out = [header for header in out if header[0] not in bad]
        return out

    content_type = HeaderProperty('Content-Type')
    content_length = HeaderProperty('Content-Length', reader=lambda value: _digits_or(value, -1),
                                    default=-1)
    expires = HeaderProperty('Expires', reader=_expires_from_header,
                             writer=lambda value: http_date(value), default=None)

    def _get_charset(self, default: str = 'UTF-8') -> str:
        if self._charset:
            return self._charset
        content_type = self._headers.get('Content-Type')
        if content_type is None:
            return default
        for param in content_type[-1].split(';')[1:]:
            name, _, value = param.partition('=')
            if name.strip().lower() == 'charset' and value.strip():
                return value.strip().strip('"')
        return default

    def _set_charset(self, charset: str) -> None:
        self._charset = charset
        if 'Content-Type' not in self._headers:
            params = [part.strip() for part in self.default_content_type.split(';')
                      if part.partition('=')[0].strip().lower() != 'charset']
            self['Content-Type'] = '; '.join(params + ['charset=%s' % charset])

    charset = property(_get_charset, _set_charset, None, '''
        The charset used to encode str bodies (default ``UTF-8``): the value
        set here, else the charset parameter of the Content-Type header.
        Setting it also names the charset in the default Content-Type; a
        Content-Type set explicitly is sent unchanged, for encodings whose
        HTTP name differs from Python's.''')
    del _get_charset, _set_charset

    def set_cookie(self, name: str, value: Any, secret: _Secret | None = None,
                   digestmod: Any = None, **options: Any) -> None:
        """Create a new cookie or replace an old one with the same name.

        :param name: the cookie name.
        :param value: the value, a str; with ``secret`` any JSON value (str,
            int, float, bool, None, and lists and dicts of them).
        :param secret: a key to sign the cookie with, or a list of keys of
            which the first signs (see :meth:`BaseRequest.get_cookie`).
            Signed cookies are JSON signed with HMAC, readable by the client
            but not changeable; they expire with ``max_age``/``expires``
            even if the client keeps them.
        :param digestmod: the hash for the signature (default SHA-256).

        Options: ``max_age`` (seconds or timedelta), ``expires`` (datetime,
        date, timestamp or string), ``domain``, ``path``, ``secure``,
        ``httponly``, ``samesite`` (``lax``, ``strict`` or ``none``),
        ``partitioned``.

        :raises CookieError: an invalid name, an unknown option or SameSite value.
        :raises TypeError: a value that is not a str (without ``secret``) or not
            JSON (with it).
        :raises ValueError: a value that does not fit into a cookie.
        """
        if not name or not _COOKIE_NAME_CHARS.issuperset(name):
            from http.cookies import CookieError
            raise CookieError('Illegal cookie name: %r' % name)
        attributes = _cookie_attributes(options)
        if secret:
            value = _encode_signed_cookie(name, value, secret, digestmod,
                                          expires=_signed_cookie_expiry(options))
        elif not isinstance(value, str):
            raise TypeError('Secret key required for non-string cookies.')
        if len(name) + len(value) > 3800:
            raise ValueError('Cookie %r is %d characters long; at most 3800 fit into a cookie.'
                             % (name, len(name) + len(value)))
        parts = ['%s=%s' % (name, _quote_cookie_value(value))]
        parts.extend(attributes[key] for key in sorted(attributes))
        if self._cookies is None:
            self._cookies = {}
        self._cookies[name] = _hval('; '.join(parts))

    def delete_cookie(self, key: str, **kwargs: Any) -> None:
        """Delete a cookie. Pass the same ``path`` and ``domain`` it was set with."""
        kwargs['max_age'] = -1
        kwargs['expires'] = 0
        self.set_cookie(key, '', **kwargs)

    def __repr__(self) -> str:
        out = ''
        for name, value in self.headerlist:
            out += '%s: %s\n' % (name.title(), value.strip())
        return out


def _cookie_error(message: str) -> Exception:
    """A ``http.cookies.CookieError`` (imported only when there is one to raise)."""
    from http.cookies import CookieError
    return CookieError(message)


def _cookie_attributes(options: Mapping[str, Any]) -> dict[str, str]:
    """The Set-Cookie attributes for :meth:`BaseResponse.set_cookie`'s options, by name.

    :raises CookieError: an unknown option or SameSite value.
    """
    attributes = {}
    for key, option in options.items():
        key = key.lower()
        if key in ('max_age', 'maxage'):
            if hasattr(option, 'total_seconds'):
                option = option.days * 86400 + option.seconds
            attributes['max-age'] = 'Max-Age=%d' % int(option)
        elif key == 'expires':
            attributes['expires'] = 'expires=%s' % http_date(option)
        elif key in ('same_site', 'samesite'):
            policy = (option or 'none').lower()
            if policy not in ('lax', 'strict', 'none'):
                raise _cookie_error('Invalid value for SameSite: %r' % option)
            attributes['samesite'] = 'SameSite=%s' % policy
        elif key in ('secure', 'httponly', 'partitioned'):
            if option:
                attributes[key] = {'secure': 'Secure', 'httponly': 'HttpOnly',
                                   'partitioned': 'Partitioned'}[key]
        elif key in ('domain', 'path', 'comment', 'version'):
            attributes[key] = '%s=%s' % (key.title(), _hval(option))
        else:
            raise _cookie_error('Invalid cookie attribute: %r' % key)
    return attributes


def _signed_cookie_expiry(options: Mapping[str, Any]) -> float | None:
    """When a cookie with these set_cookie options expires (seconds since the epoch),
    or None for a session cookie. Max-Age wins over Expires, as in browsers."""
    lowered = {key.lower(): option for key, option in options.items()}
    max_age = lowered.get('max_age', lowered.get('maxage'))
    if max_age is not None:
        if hasattr(max_age, 'total_seconds'):
            max_age = max_age.total_seconds()
        return time.time() + int(max_age)
    if lowered.get('expires') is not None:
        return _epoch_seconds(lowered['expires'])
    return None


class LocalResponse(BaseResponse, threading.local):
    """A thread-local BaseResponse: every thread builds its own response.

    The global ``bottle.response`` is an instance; the application resets it
    for each request with :meth:`bind`.
    """

    def bind(self, body: Any = '', status: int | str | None = None,
             headers: _Headers | None = None, **more_headers: Any) -> None:
        """Reset to a fresh response (200, no headers, no cookies, empty body)."""
        if status is None and headers is None and not more_headers:
            state = self.__dict__  # this thread's attributes: dict access is cheaper here
            state['_status_code'] = code = self.default_status
            state['_status_line'] = _HTTP_STATUS_LINES[code]
            state['_headers'] = {}
            state['_cookies'] = None
            state['_charset'] = None
            state['_body'] = body
        else:
            BaseResponse.__init__(self, body, status, headers, **more_headers)

    def _get_body(self) -> Any:
        return self._body

    def _set_body(self, value: Any) -> None:
        self._body = value

    body = property(_get_body, _set_body, None, 'The response body of the current thread.')
    del _get_body, _set_body


Response = BaseResponse


class HTTPResponse(BaseResponse, BottleException):
    """A response that can be raised: raise or return it to answer with its
    status, headers and body instead of the callback's."""

    def apply(self, other: BaseResponse) -> None:
        """Make the response object ``other`` answer as this one does: status,
        headers, cookies, charset and body (shared, not copied)."""
        # PERF: through the attribute dict, which for the thread-local response is the
        # thread's own and saves the slow attribute access of thread-local objects.
        state = other.__dict__
        state['_status_code'], state['_status_line'] = self._status_code, self._status_line
        state['_headers'], state['_cookies'] = self._headers, self._cookies
        state['_charset'] = self._charset
        if other.__class__ is LocalResponse:
            state['_body'] = self.body
        else:
            other.body = self.body

    def __repr__(self) -> str:
        return '<%s: %s>' % (type(self).__name__, self._status_line)

    __str__ = __repr__


class HTTPError(HTTPResponse):
    """An HTTPResponse for errors: rendered by the application's error handlers.

    :param status: the status code (default 500).
    :param body: the error message shown on the error page.
    :param exception: the exception that caused the error, if any.
    :param traceback: the formatted traceback, if any.
    """

    default_status = 500

    def __init__(self, status: int | str | None = None, body: Any = None,
                 exception: BaseException | None = None, traceback: str | None = None,
                 **more_headers: Any) -> None:
        super().__init__(body, status, **more_headers)
        #: The exception that caused the error, or None.
        self.exception = exception
        #: The formatted traceback of :attr:`exception`, or None.
        self.traceback = traceback


# ------------------------------------------------------------------- Plugins ----
# The two plugins every application has: dicts become JSON, and the ``template``
# route option renders a template with the callback's result.

class JSONPlugin(object):
    """Turn dicts returned by callbacks into JSON responses (``application/json``).

    Disabled per application or route by the config key ``json.enable``
    (or ``autojson``) set to False; ``json.dump_func`` in the config overrides
    ``json_dumps``.
    """

    name = 'json'
    api = 2

    def __init__(self, json_dumps: Callable[..., str] | None = json_dumps) -> None:
        self.json_dumps = json_dumps

    def setup(self, app: Bottle) -> None:
        """Make sure the application config knows the ``json.*`` keys."""
        app.config.setdefault('json.enable', True)

    def apply(self, callback: Callable[..., Any], route: Route) -> Callable[..., Any]:
        """Wrap ``callback`` so that dicts it returns (or puts in an HTTPResponse) become JSON."""
        config = route.config
        if not config.get('json.enable', True) or config.get('autojson', True) is False:
            return callback
        dumps = self._dumps_function(config)
        if not dumps:
            return callback

        def json_wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                result = callback(*args, **kwargs)
            except HTTPResponse as answer:
                result = answer
            if isinstance(result, dict):
                body = dumps(result)
                response._headers['Content-Type'] = ['application/json']
                return body
            if (isinstance(result, HTTPResponse) and not isinstance(result, HTTPError)
                    and isinstance(result.body, dict)):
                result.body = dumps(result.body)
                result._headers['Content-Type'] = ['application/json']
            return result
        return json_wrapper

    def _dumps_function(self, config: Mapping[str, Any]) -> Callable[..., str] | None:
        dumps = config.get('json.dump_func') or self.json_dumps
        if dumps is json_dumps:
            import json
            dumps = json.dumps
        return dumps

    def dumps(self, obj: Any) -> str:
        """Serialise ``obj`` the way this plugin does for the application's routes."""
        return self._dumps_function({})(obj)  # type: ignore[misc]  # None: disabled, TypeError


class TemplatePlugin(object):
    """Render the route option ``template`` (a name, or a ``(name, defaults)`` pair)
    with the dict a callback returns (see :func:`view`)."""

    name = 'template'
    api = 2

    def setup(self, app: Bottle) -> None:
        """Make the plugin available as ``app.tpl``."""
        if 'tpl' not in app.__dict__:
            app.tpl = self

    def apply(self, callback: Callable[..., Any], route: Route) -> Callable[..., Any]:
        """Wrap ``callback`` with :func:`view` if the route has a ``template`` option:
        a template name, or a ``(name, defaults)`` pair."""
        option = route.config.get('template')
        if isinstance(option, str):
            name, defaults = option, {}
        elif isinstance(option, (tuple, list)) and len(option) == 2:
            name, defaults = option
        else:
            return callback
        return view(name, **defaults)(callback)


# ----------------------------------------------------------- Data structures ----
# Dicts for request and response data: MultiDict keeps every value of a key,
# FormsDict adds attribute access for form fields, HeaderDict folds header-name
# case, WSGIHeaderDict reads the headers of a WSGI environ, ConfigDict holds
# configuration. Then the application stack and two iterables for response bodies.

class MultiDict(DictMixin[_K, _V]):
    """A dict that keeps every value given for a key, in the order they came.

    The contract: ``d[key]`` and ``d.get(key)`` give the newest value (a
    missing key raises KeyError, or gives the default); ``d[key] = value``
    *adds* a value; :meth:`getall` gives the list of all values (``[]`` for a
    missing key); :meth:`replace` drops the old values; ``len``, iteration,
    :meth:`keys` and :meth:`items` see each key once. The lists of values
    are in :attr:`dict` (``{key: [values]}``).
    """

    def __init__(self, *a: Any, **k: Any) -> None:
        #: ``{key: [value, ...]}``: every value of every key, oldest first.
        self.dict: dict[_K, list[_V]] = {}
        if a or k:
            for key, value in dict(*a, **k).items():
                self.dict[key] = [value]

    def __len__(self) -> int:
        return len(self.dict)

    def __iter__(self) -> Iterator[_K]:
        return iter(self.dict)

    def __contains__(self, key: object) -> bool:
        return key in self.dict

    def __delitem__(self, key: _K) -> None:
        del self.dict[key]

    def __getitem__(self, key: _K) -> _V:
        """The newest value of ``key``. :raises KeyError: ``key`` is missing."""
        return self.dict[key][-1]

    def __setitem__(self, key: _K, value: _V) -> None:
        """Add ``value`` to the values of ``key`` (see :meth:`replace` to overwrite)."""
        self.append(key, value)

    def __repr__(self) -> str:
        return '%s(%r)' % (type(self).__name__, self.allitems())

    def keys(self) -> KeysView[_K]:
        """The keys, each once."""
        return self.dict.keys()

    def values(self) -> list[_V]:  # type: ignore[override]  # a list (Mapping gives a view), as in 0.13
        """The newest value of each key."""
        return [values[-1] for values in self.dict.values()]

    def items(self) -> list[tuple[_K, _V]]:  # type: ignore[override]  # a list, as in 0.13
        """``(key, newest value)`` of each key."""
        return [(key, values[-1]) for key, values in self.dict.items()]

    def allitems(self) -> list[tuple[_K, _V]]:
        """Every ``(key, value)`` pair, all values of a key in a row, oldest first."""
        return [(key, value) for key, values in self.dict.items() for value in values]

    iterkeys = keys
    itervalues = values
    iteritems = items
    iterallitems = allitems

    if TYPE_CHECKING:  # the newest value, or default; with type=, the converted value
        @overload
        def get(self, key: _K, default: None = ..., index: int = ...) -> _V | None: ...
        @overload
        def get(self, key: _K, default: _D, index: int = ...) -> _V | _D: ...
        @overload
        def get(self, key: _K, default: None = ..., index: int = ..., *,
                type: Callable[[_V], _R]) -> _R | None: ...
        @overload
        def get(self, key: _K, default: _D, index: int = ..., *,
                type: Callable[[_V], _R]) -> _R | _D: ...
        @overload
        def get(self, key: _K, default: Any, index: int, type: Callable[[_V], Any] | None
                ) -> Any: ...

    def get(self, key: _K, default: Any = None, index: int = -1,
            type: Callable[[_V], Any] | None = None) -> Any:
        """A value of ``key``, or ``default`` if it has none.

        :param index: which of the values (default: the newest, ``-1``); an
            index it does not have gives ``default``.
        :param type: a converter such as ``int``: its result is returned; if
            it raises ValueError or TypeError (``int('x')``), ``default`` is
            returned instead. Other exceptions of the converter propagate.
        """
        try:
            value = self.dict[key][index]
        except (KeyError, IndexError):
            return default
        if type is None:
            return value
        try:
            return type(value)
        except (ValueError, TypeError):
            return default

    def append(self, key: _K, value: _V) -> None:
        """Add ``value`` as the newest value of ``key``."""
        values = self.dict.get(key)
        if values is None:
            self.dict[key] = [value]
        else:
            values.append(value)

    def replace(self, key: _K, value: _V) -> None:
        """Make ``value`` the only value of ``key``."""
        self.dict[key] = [value]

    def getall(self, key: _K) -> list[_V]:
        """The list of all values of ``key``, oldest first (``[]`` if it has none)."""
        return list(self.dict.get(key, ()))

    getone = get
    getlist = getall


class FormsDict(MultiDict[str, _V]):
    """A MultiDict of form fields, query parameters or cookies, with attribute access.

    ``forms.name`` is the newest value of the field ``name`` as text, or
    ``''`` when there is none: attribute access never raises. Request data
    (``request.forms``, ``.query``, ``.cookies``...) is decoded as UTF-8 when
    it is parsed. A FormsDict made by hand keeps Bottle 0.13's behaviour:
    its str values are taken for latin-1 readings of bytes and decoded again
    with :attr:`input_encoding` by attribute access, :meth:`getunicode` and
    :meth:`decode`.
    """

    #: The encoding values are decoded with (see :attr:`recode_unicode`).
    input_encoding = 'utf8'
    #: True: str values are latin-1 readings of bytes, decoded on access.
    recode_unicode = True

    def _decoded(self, value: Any, encoding: str | None = None) -> Any:
        """``value`` as text: bytes decoded, str recoded when :attr:`recode_unicode`.

        :raises UnicodeError: the bytes are not valid in the encoding.
        """
        encoding = encoding or self.input_encoding
        if isinstance(value, bytes):
            return value.decode(encoding)
        if isinstance(value, str) and self.recode_unicode:
            return value.encode('latin1').decode(encoding)
        return value

    def decode(self, encoding: str | None = None) -> FormsDict[_V]:
        """A copy whose keys and values are decoded text (nothing is recoded later).

        :raises UnicodeError: a key or value is not valid in the encoding.
        """
        decoded: FormsDict[_V] = FormsDict()
        decoded.input_encoding = encoding or self.input_encoding
        decoded.recode_unicode = False
        for key, value in self.allitems():
            decoded.append(self._decoded(key, encoding), self._decoded(value, encoding))
        return decoded

    if TYPE_CHECKING:
        @overload
        def getunicode(self, name: str, default: None = ..., encoding: str | None = ...
                       ) -> _V | None: ...
        @overload
        def getunicode(self, name: str, default: _D, encoding: str | None = ...) -> _V | _D: ...

    def getunicode(self, name: str, default: Any = None, encoding: str | None = None) -> Any:
        """The newest value of ``name`` as text, or ``default`` if it is missing or
        cannot be decoded."""
        values = self.dict.get(name)
        if not values:
            return default
        try:
            return self._decoded(values[-1], encoding)
        except UnicodeError:
            return default

    def __getattr__(self, name: str, default: Any = '') -> _V | str:
        """``forms.name``: see the class documentation; ``default`` ('') when missing."""
        if name == 'dict' or (name.startswith('__') and name.endswith('__')):
            # 'dict' before __init__ ran (unpickling); special names as for any object.
            raise AttributeError(name)
        values = self.dict.get(name)
        if values and not self.recode_unicode and values[-1].__class__ is str:
            return values[-1]  # PERF: parsed request data is text already
        return self.getunicode(name, default=default)


class _DecodedFormsDict(FormsDict):
    """A FormsDict of request data, whose text is decoded when it is parsed."""

    recode_unicode = False


def _forms_dict(values: dict[str, list[Any]]) -> FormsDict:
    """A FormsDict around ``values`` (``{key: [decoded values]}``), which it keeps."""
    forms = _DecodedFormsDict.__new__(_DecodedFormsDict)
    forms.dict = values
    return forms


class HeaderDict(MultiDict[str, str]):
    """A MultiDict of HTTP headers: names are case-insensitive (stored normalised,
    ``content_type`` -> ``Content-Type``), values are text.

    :raises ValueError: on setting a name or value that could break the header
        block (control characters, or spaces and colons in names).
    """

    def __init__(self, *a: Any, **ka: Any) -> None:
        self.dict = {}
        if a or ka:
            self.update(*a, **ka)

    def __contains__(self, key):
        return _hkey(key) in self.dict

    def __delitem__(self, key: str) -> None:
        del self.dict[_hkey(key)]

    def __getitem__(self, key: str) -> str:
        """The newest value of header ``key``. :raises KeyError: the header is missing."""
        return self.dict[_hkey(key)][-1]

    def replace(self, key: str, value: Any) -> None:
        """Make ``value`` the only value of header ``key``."""
        self.dict[_hkey(key)] = [_hval(value)]

    __setitem__ = replace

    def append(self, key: str, value: Any) -> None:
        """Add ``value`` to the values of header ``key``."""
        MultiDict.append(self, _hkey(key), _hval(value))

    def getall(self, key: str) -> list[str]:
        """All values of header ``key`` (``[]`` if it has none)."""
        return MultiDict.getall(self, _hkey(key))

    if not TYPE_CHECKING:  # (type checkers see MultiDict's overloads of get)
        def get(self, key, default=None, index=-1, type=None):
            """A value of header ``key``, or ``default`` (see :meth:`MultiDict.get`)."""
            return MultiDict.get(self, _hkey(key), default, index, type)

    def filter(self, names: Iterable[str]) -> None:
        """Remove every header named in ``names``."""
        for name in names:
            self.dict.pop(_hkey(name), None)


def _header_name(environ_key: str) -> str:
    """The header name of an environ key: ``HTTP_USER_AGENT`` -> ``User-Agent``."""
    if environ_key.startswith('HTTP_'):
        environ_key = environ_key[5:]
    return environ_key.replace('_', '-').title()


class WSGIHeaderDict(DictMixin[str, str]):
    """A read-only, case-insensitive view of the HTTP headers in a WSGI environ.

    ``headers['Content-Type']`` reads ``environ['CONTENT_TYPE']``, other
    names read ``HTTP_*`` keys. Values are decoded as UTF-8 (latin-1 if they
    are not valid UTF-8); :meth:`raw` returns them untouched. Changing it
    raises TypeError.
    """

    #: Headers that the environ stores without the ``HTTP_`` prefix.
    cgikeys = ('CONTENT_TYPE', 'CONTENT_LENGTH')

    def __init__(self, environ: _Environ) -> None:
        #: The WSGI environ the headers are read from.
        self.environ = environ

    def _environ_key(self, name: str) -> str:
        """The environ key of header ``name``: ``User-Agent`` -> ``HTTP_USER_AGENT``."""
        key = name.replace('-', '_').upper()
        return key if key in self.cgikeys else 'HTTP_' + key

    def raw(self, key: str, default: Any = None) -> Any:
        """Return the header value as found in the environ, or ``default``."""
        return self.environ.get(self._environ_key(key), default)

    def __getitem__(self, key: str) -> str:
        """The value of header ``key``, decoded. :raises KeyError: it is missing."""
        value = self.environ[self._environ_key(key)]
        if isinstance(value, bytes):
            return value.decode('latin1')
        return _latin1_to_unicode(value)

    def __setitem__(self, key: str, value: Any) -> NoReturn:
        raise TypeError('%s is read-only.' % type(self).__name__)

    def __delitem__(self, key: str) -> NoReturn:
        raise TypeError('%s is read-only.' % type(self).__name__)

    def __iter__(self) -> Iterator[str]:
        for key in self.environ:
            if key.startswith('HTTP_') or key in self.cgikeys:
                yield _header_name(key)

    def keys(self) -> list[str]:  # type: ignore[override]  # a list (Mapping gives a view), as in 0.13
        """The names of all headers present."""
        return list(self)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __contains__(self, key):
        return self._environ_key(key) in self.environ


_UNSET = object()


class ConfigDict(dict):
    """A dict for configuration: string keys (dotted for namespaces), metadata, loaders
    for files and dicts, change listeners, and overlays.

    Metadata per key (:meth:`meta_set`): a ``filter`` converts every value set
    for the key, then a ``validate`` callable checks or converts it (raising
    to refuse it); ``help`` documents the key. Change listeners, such as the
    application's ``config`` hook, hear about every change. An *overlay*
    (:meth:`_make_overlay`, the config of a route) reads through to its source
    until it sets a key itself, and follows later changes of the source.

    :raises TypeError: a key that is not a string.
    """

    __slots__ = ('_meta', '_change_listener', '_overlays', '_virtual_keys', '_source',
                 '__weakref__')

    def __init__(self) -> None:
        self._meta: dict[str, dict[str, Any]] = {}  # key -> {metafield: value}; shared
        # callables(config, key, new value or None)
        self._change_listener: list[Callable[[ConfigDict, str, Any], Any]] = []
        self._overlays: dict[int, Any] = {}  # id -> weak reference of each overlay
        self._source: ConfigDict | None = None  # the dict this one is an overlay of, if any
        self._virtual_keys: set[str] = set()  # keys whose value is the source's, not set here

    # Loading ---------------------------------------------------------------

    def load_module(self: _ConfigT, name: str, squash: bool = True) -> _ConfigT:
        """Load the upper-case globals of the module ``name`` (an import path) and
        return this dict. With ``squash``, nested dicts become dotted keys
        (see :meth:`load_dict`)."""
        module = load(name)
        settings = {key: getattr(module, key) for key in dir(module) if key.isupper()}
        if squash:
            return self.load_dict(settings)
        self.update(settings)
        return self

    def load_config(self: _ConfigT, filename: str | Iterable[str], **options: Any) -> _ConfigT:
        """Load an ini-style file (or list of files) and return this dict.

        An option ``key`` of section ``[name]`` becomes ``name.key``; those of
        the sections ``[bottle]`` and ``[ROOT]`` stay top-level keys. Keys are
        lower case; values are strings (keys bottle defines convert them, see
        :class:`Bottle`). ``options`` go to :class:`configparser.ConfigParser`
        (extended ``${section:key}`` interpolation by default).

        :raises configparser.Error: the file is malformed.
        """
        import configparser
        options.setdefault('allow_no_value', True)
        options.setdefault('interpolation', configparser.ExtendedInterpolation())
        parser = configparser.ConfigParser(**options)
        parser.read(filename)
        for section_name in parser.sections():
            section = parser[section_name]
            namespace = '' if section_name in ('bottle', 'ROOT') else section_name + '.'
            for option in section:
                self[(namespace + option).lower()] = section[option]
        return self

    def load_dict(self: _ConfigT, source: Mapping[str, Any], namespace: str = '') -> _ConfigT:
        """Load a (nested) dict and return this dict: ``{'a': {'b': 1}}`` sets ``a.b``.

        :param namespace: a prefix for every key (``namespace.key``).
        :raises TypeError: a key that is not a string.
        """
        for key, value in source.items():
            if not isinstance(key, str):
                raise TypeError('Config key %r has type %s, not a string.'
                                % (key, type(key).__name__))
            dotted = '%s.%s' % (namespace, key) if namespace else key
            if isinstance(value, dict):
                self.load_dict(value, dotted)
            else:
                self[dotted] = value
        return self

    def update(self, *a: Any, **ka: Any) -> None:
        """Like :meth:`dict.update`; a first argument that is a string is a namespace:
        ``update('db', host='x')`` sets ``db.host``."""
        namespace, pairs = '', a
        if pairs and isinstance(pairs[0], str):
            namespace, pairs = pairs[0].strip('.') + '.', pairs[1:]
        for key, value in dict(*pairs, **ka).items():
            self[namespace + key] = value

    def setdefault(self, key: str, value: Any = None) -> Any:
        """Set ``key`` to ``value`` if it is missing; return its value."""
        if key not in self:
            self[key] = value
        return self[key]

    # Setting and deleting ----------------------------------------------------

    def __setitem__(self, key: str, value: Any) -> None:
        """Set ``key`` (its filter and validator applied) here and in overlays that do
        not set it themselves."""
        if not isinstance(key, str):
            raise TypeError('Config key %r has type %s, not a string.'
                            % (key, type(key).__name__))
        meta = self._meta.get(key)
        if meta:
            if 'filter' in meta:
                value = meta['filter'](value)
            if 'validate' in meta:
                value = meta['validate'](value)
        self._virtual_keys.discard(key)
        self._store(key, value)

    def __delitem__(self, key: str) -> None:
        """Delete ``key``; in an overlay, a key the source has falls back to its value.

        :raises KeyError: the key is missing, or only read through from the source.
        """
        if key in self._virtual_keys:
            raise KeyError('Virtual keys cannot be deleted: %s' % key)
        if key not in self:
            raise KeyError(key)
        source = self._source
        if source is not None and key in source:  # the source's value shows through again
            self._virtual_keys.add(key)
            self._store(key, source[key])
        else:
            self._remove(key)

    def _remove(self, key: str) -> None:
        """Drop ``key`` here and in the overlays that read it through from here."""
        self._notify(key, None)
        dict.__delitem__(self, key)
        for overlay in self._live_overlays():
            overlay._forget_inherited(key)

    def _store(self, key: str, value: Any) -> None:
        """Keep ``value`` for ``key``, tell the listeners if it changed, pass it on."""
        if key in self and self[key] is value:
            return
        self._notify(key, value)
        dict.__setitem__(self, key, value)
        for overlay in self._live_overlays():
            overlay._inherit(key, value)

    def _inherit(self, key: str, value: Any) -> None:
        """The source set ``key``: take its value, unless this dict set the key itself."""
        if key in self and key not in self._virtual_keys:
            return
        self._virtual_keys.add(key)
        self._store(key, value)

    def _forget_inherited(self, key: str) -> None:
        """The source deleted ``key``: drop it too, unless this dict set it itself."""
        if key in self._virtual_keys:
            self._virtual_keys.discard(key)
            self._remove(key)

    # Listeners and metadata -------------------------------------------------

    def _notify(self, key: str, value: Any) -> None:
        """Tell every change listener that ``key`` now has ``value`` (None: deleted)."""
        for listener in self._change_listener:
            listener(self, key, value)

    def _add_change_listener(self, func: _F) -> _F:
        """Call ``func(config, key, value)`` on every change; returns ``func``."""
        self._change_listener.append(func)
        return func

    def meta_get(self, key: str, metafield: str, default: Any = None) -> Any:
        """Return a metadata field of ``key``, or ``default``."""
        return self._meta.get(key, {}).get(metafield, default)

    def meta_set(self, key: str, metafield: str, value: Any) -> None:
        """Set a metadata field of ``key``; ``filter`` and ``validate`` apply to values
        set from now on."""
        self._meta.setdefault(key, {})[metafield] = value

    def meta_list(self, key: str) -> KeysView[str]:
        """Return the names of the metadata fields of ``key``."""
        return self._meta.get(key, {}).keys()

    def _define(self, key: str, default: Any = _UNSET, help: Any = _UNSET, validate: Any = _UNSET
                ) -> None:
        """Declare a key: its validator and help text (as metadata), and a default value
        set if the key is missing."""
        for metafield, value in (('help', help), ('validate', validate)):
            if value is not _UNSET:
                self.meta_set(key, metafield, value)
        if default is not _UNSET:
            self.setdefault(key, default)

    # Overlays --------------------------------------------------------------

    def _make_overlay(self) -> ConfigDict:
        """Return a new ConfigDict that reads through to this one until it sets a key
        itself; later changes here show through, too. Metadata is shared."""
        overlay = ConfigDict()
        overlay._meta = self._meta
        overlay._source = self
        key, overlays = id(overlay), self._overlays
        # The callback forgets the overlay when it is collected: no scan, no growth.
        overlays[key] = _weakref(overlay, lambda _, key=key: overlays.pop(key, None))  # type: ignore[misc]  # key=key binds it
        dict.update(overlay, self)
        overlay._virtual_keys.update(self)
        return overlay

    def _live_overlays(self) -> list[ConfigDict]:
        """The overlays of this dict that still exist."""
        overlays = [ref() for ref in list(self._overlays.values())]
        return [overlay for overlay in overlays if overlay is not None]


class AppStack(list):
    """The stack of default applications: the module-level shortcuts (``route``,
    ``get``, ``run()``...) use the application on top."""

    def __call__(self) -> Bottle:
        """Return the current default application."""
        return self.default

    def push(self, value: Bottle | None = None) -> Bottle:
        """Put ``value`` (a new Bottle application if it is none) on top; return it."""
        application = value if isinstance(value, Bottle) else Bottle()
        self.append(application)
        return application

    new_app = push

    @property
    def default(self) -> Bottle:
        """The application on top of the stack (a new one if the stack is empty)."""
        return self[-1] if self else self.push()


class WSGIFileWrapper(object):
    """Iterate over a file-like object in blocks of ``buffer_size`` bytes.

    The file's ``fileno``, ``close``, ``read``, ``readlines``, ``tell`` and
    ``seek`` are available on the wrapper, so servers can use sendfile and
    close the file.
    """

    def __init__(self, fp: Any, buffer_size: int = 1024 * 64) -> None:
        #: The wrapped file-like object.
        self.fp = fp
        #: The size of the blocks iteration yields.
        self.buffer_size = buffer_size
        for method in ('fileno', 'close', 'read', 'readlines', 'tell', 'seek'):
            if hasattr(fp, method):
                setattr(self, method, getattr(fp, method))

    def __iter__(self) -> Iterator[bytes]:
        read, size = self.fp.read, self.buffer_size
        block = read(size)
        while block:
            yield block
            block = read(size)


class _closeiter(object):
    """A response body that calls ``close`` callbacks when the server closes it (PEP 3333).

    :param iterator: the iterable of the body.
    :param close: a callable or a list of callables (None entries are skipped).
    """

    def __init__(self, iterator: Iterable[Any], close: Any = None) -> None:
        self.iterator = iterator
        self.close_callbacks = [func for func in makelist(close) if func is not None]

    def __iter__(self) -> Iterator[Any]:
        return iter(self.iterator)

    def close(self) -> None:
        """Call every close callback, in order."""
        for callback in self.close_callbacks:
            callback()


class ResourceManager(object):
    """Find and open application files (templates, config, static data) in a list
    of search directories.

    :param base: the directory relative search paths start from (a file name
        in it is ignored, so ``__file__`` works).
    :param opener: the callable :meth:`open` uses (default :func:`open`).
    :param cachemode: what :meth:`lookup` remembers: ``'all'`` (found and
        missing names), ``'found'`` or ``'none'``.
    """

    def __init__(self, base: str = './', opener: Callable[..., Any] = open,
                 cachemode: str = 'all') -> None:
        #: The directory relative search paths start from.
        self.base = base
        #: The callable :meth:`open` opens files with.
        self.opener = opener
        #: What :meth:`lookup` caches (see the class documentation).
        self.cachemode = cachemode
        #: The search directories, each an absolute path ending in a separator.
        self.path: list[str] = []
        #: Resource names mapped to the path found (None: not found).
        self.cache: dict[str, str | None] = {}

    def add_path(self, path: str, base: str | None = None, index: int | None = None,
                 create: bool = False) -> bool:
        """Add a search directory and return whether it exists.

        :param path: a directory; a file name at its end is ignored
            (``'./views/'`` and ``'./views/x.tpl'`` add the same directory).
        :param base: where a relative ``path`` starts (a file name in it is
            ignored too); default :attr:`base`.
        :param index: its position in the search list (default: last). A
            directory added again moves there.
        :param create: create the directory if it does not exist.
        """
        start = os.path.dirname(base or self.base)
        directory = os.path.join(os.path.abspath(os.path.join(start, os.path.dirname(path))), '')
        if directory in self.path:
            self.path.remove(directory)
        if create:
            os.makedirs(directory, exist_ok=True)
        self.path.insert(len(self.path) if index is None else index, directory)
        self.cache.clear()
        return os.path.exists(directory)

    def __iter__(self) -> Iterator[str]:
        """Yield the path of every file below the search directories."""
        pending = list(self.path)
        while pending:
            directory = pending.pop()
            if not os.path.isdir(directory):
                continue
            for entry in os.listdir(directory):
                full_path = os.path.join(directory, entry)
                if os.path.isdir(full_path):
                    pending.append(full_path)
                else:
                    yield full_path

    def lookup(self, name: str) -> str | None:
        """The absolute path of the first file called ``name`` in the search
        directories, or None. Answers are cached as :attr:`cachemode` says
        (not in debug mode)."""
        if name in self.cache and not DEBUG:
            return self.cache[name]
        found = next((candidate for candidate in (os.path.join(directory, name)
                                                  for directory in self.path)
                      if os.path.isfile(candidate)), None)
        if self.cachemode == 'all' or (found and self.cachemode == 'found'):
            self.cache[name] = found
        return found

    def open(self, name: str, mode: str = 'r', *args: Any, **kwargs: Any) -> Any:
        """Open the resource ``name`` with :attr:`opener`.

        :raises IOError: no search directory has it.
        """
        path = self.lookup(name)
        if not path:
            raise IOError('Resource %r not found in %s.' % (name, self.path))
        return self.opener(path, mode, *args, **kwargs)


# ----------------------------------------------------------------- Utilities ----
# Helpers for callbacks (abort, redirect, debug), HTTP dates and auth headers,
# escaping, legacy signed cookies, path shifting and the module-level shortcuts.

def abort(code: int = 500, text: str = 'Unknown Error.') -> NoReturn:
    """Stop the callback and answer with an HTTP error page."""
    raise HTTPError(code, text)


def redirect(url: str, code: int | None = None) -> NoReturn:
    """Stop the callback and redirect to ``url``.

    ``url`` may be any string: relative URLs are resolved against the
    request URL, and characters that may not stand in a URL (control
    characters such as CR and LF, spaces, non-ASCII text) are
    percent-encoded, so the Location header is a valid URL reference and
    cannot carry other headers. The default code is 303 for HTTP/1.1
    requests and 302 for older ones. Headers and cookies already set on
    the response are kept.

    :raises HTTPResponse: always; the answer with the redirect.
    """
    if not code:
        code = 303 if request.get('SERVER_PROTOCOL') == 'HTTP/1.1' else 302
    answer = response.copy(cls=HTTPResponse)
    answer.status = code
    answer.body = ''
    answer.set_header('Location', _absolute_location(url))
    raise answer


#: What a URL may contain besides letters, digits and ``_.-~``: the reserved
#: characters of RFC 3986 and ``%`` (escapes already there are kept).
_URL_RESERVED = ":/?#[]@!$&'()*+,;=%"
#: A '%' that does not start a percent-escape.
_STRAY_PERCENT = re.compile('%(?![0-9A-Fa-f]{2})')


def _absolute_location(url: str) -> str:
    """``url`` made safe (see :func:`redirect`) and resolved against the request URL;
    a URL that cannot be resolved (a malformed host, say) stays relative."""
    from urllib.parse import quote, urljoin
    target = _STRAY_PERCENT.sub('%25', quote(url, safe=_URL_RESERVED))
    try:
        return quote(urljoin(request.url, target), safe=_URL_RESERVED)
    except ValueError:  # a malformed IPv6 host such as 'http://[::1;x'
        pass
    # Brackets are only allowed around an IPv6 address: here they are not one.
    target = quote(target, safe=_URL_RESERVED.replace('[', '').replace(']', ''))
    try:
        return quote(urljoin(request.url, target), safe=_URL_RESERVED)
    except ValueError:  # a base URL that does not parse either: stay relative
        return target


def debug(mode: bool = True) -> None:
    """Turn debug mode on or off: tracebacks on error pages, no template cache,
    plugins applied at once, DeprecationWarnings shown."""
    global DEBUG
    if mode:
        warnings.simplefilter('default')
    DEBUG = bool(mode)


_WEEKDAY_NAMES = ('Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun')
_MONTH_NAMES = ('Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec')


def http_date(value: _DateLike) -> str:
    """Format a date as used in HTTP headers (``Sun, 06 Nov 1994 08:49:37 GMT``).

    ``value`` may be a datetime (naive ones are taken as UTC), a date, a
    time tuple, or seconds since the epoch; strings are returned unchanged.
    """
    if isinstance(value, str):
        return value
    t = time.gmtime(_epoch_seconds(value))
    return '%s, %02d %s %04d %02d:%02d:%02d GMT' % (
        _WEEKDAY_NAMES[t.tm_wday], t.tm_mday, _MONTH_NAMES[t.tm_mon - 1], t.tm_year,
        t.tm_hour, t.tm_min, t.tm_sec)


def parse_date(ims: str) -> int | None:
    """Parse an HTTP date (RFC 1123, RFC 850 or asctime) into seconds since the
    epoch; None if it is not a date."""
    try:
        from email.utils import parsedate_tz
        parsed = parsedate_tz(ims)
        if parsed is None:
            return None
        from datetime import datetime, timezone
        stamp = datetime(*parsed[:6], tzinfo=timezone.utc).timestamp()
        return int(stamp) - (parsed[9] or 0)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def parse_auth(header: str) -> tuple[str, str] | None:
    """Parse an HTTP Basic ``Authorization`` header into ``(user, password)``, or None."""
    import base64
    try:
        method, data = header.split(None, 1)
        if method.lower() == 'basic':
            user, password = touni(base64.b64decode(tob(data.strip()), validate=True)).split(':', 1)
            return user, password
    except (KeyError, ValueError, UnicodeError):
        return None
    return None


def cookie_encode(data: Any, key: _Secret, digestmod: Any = None) -> bytes:
    """Deprecated: pickle and sign ``data`` (see :meth:`BaseResponse.set_cookie`)."""
    depr(0, 13, 'cookie_encode() will be removed soon.', 'Do not use this API directly.')
    import base64
    import pickle
    message = base64.b64encode(pickle.dumps(data, -1))
    signature = base64.b64encode(_signature(message, _signing_keys(key)[0], digestmod))
    return b'!' + signature + b'?' + message


def cookie_decode(data: str | bytes, key: _Secret, digestmod: Any = None) -> Any:
    """Deprecated: verify and unpickle data made by :func:`cookie_encode`; None if invalid.

    Only plain data types are unpickled (as for signed cookies of Bottle 0.13).
    """
    depr(0, 13, 'cookie_decode() will be removed soon.', 'Do not use this API directly.')
    import base64
    import binascii
    data = tob(data)
    if not (data.startswith(b'!') and b'?' in data):
        return None
    signature, message = data[1:].split(b'?', 1)
    try:
        if not _signature_is_valid(message, base64.b64decode(signature), key, digestmod):
            return None
        return _load_plain_pickle(base64.b64decode(message))
    except (ValueError, binascii.Error):
        return None


def cookie_is_encoded(data: bytes) -> bool:
    """Deprecated: True if ``data`` looks like the output of :func:`cookie_encode`."""
    depr(0, 13, 'cookie_is_encoded() will be removed soon.', 'Do not use this API directly.')
    return bool(data.startswith(b'!') and b'?' in data)


def html_escape(string: str) -> str:
    """Escape ``& < > " '`` for use in HTML text and attribute values."""
    return string.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')\
                 .replace('"', '&quot;').replace("'", '&#039;')


def html_quote(string: str) -> str:
    """Escape and quote a string for use as an HTML attribute value."""
    return '"%s"' % html_escape(string).replace('\n', '&#10;')\
        .replace('\r', '&#13;').replace('\t', '&#9;')


def yieldroutes(func: Callable[..., Any]) -> Iterator[str]:
    """Yield the rules :meth:`Bottle.route` derives from a callback's signature.

    ``def a(x, y=5)`` gives ``/a/<x>`` and ``/a/<x>/<y>``; a double underscore
    in the name becomes a slash.
    """
    path = '/' + func.__name__.replace('__', '/').lstrip('/')
    args, _, _, defaults = getargspec(func)
    required = len(args) - len(defaults or ())
    path += ''.join('/<%s>' % arg for arg in args[:required])
    yield path
    for arg in args[required:]:
        path += '/<%s>' % arg
        yield path


def path_shift(script_name: str, path_info: str, shift: int = 1) -> tuple[str, str]:
    """Move path segments from ``path_info`` to ``script_name`` (or back, for negative
    ``shift``) and return both.

    Raises AssertionError if there are fewer segments than asked to move.
    """
    if shift == 0:
        return script_name, path_info
    path_parts = path_info.strip('/').split('/') if path_info.strip('/') else []
    script_parts = script_name.strip('/').split('/') if script_name.strip('/') else []
    if 0 < shift <= len(path_parts):
        script_parts += path_parts[:shift]
        path_parts = path_parts[shift:]
    elif 0 > shift >= -len(script_parts):
        path_parts = script_parts[shift:] + path_parts
        script_parts = script_parts[:shift]
    else:
        empty = 'SCRIPT_NAME' if shift < 0 else 'PATH_INFO'
        raise AssertionError('Cannot shift. Nothing left from %s' % empty)
    new_script_name = '/' + '/'.join(script_parts)
    new_path_info = '/' + '/'.join(path_parts)
    if path_info.endswith('/') and path_parts:
        new_path_info += '/'
    return new_script_name, new_path_info


def make_default_app_wrapper(name: str) -> Callable[..., Any]:
    """Return a function that calls ``Bottle.<name>`` on the current default application."""
    @functools.wraps(getattr(Bottle, name))
    def wrapper(*a: Any, **ka: Any) -> Any:
        return getattr(app(), name)(*a, **ka)
    wrapper.__doc__ = 'Call :meth:`Bottle.%s` of the default application (see :func:`app`).' % name
    return wrapper


if TYPE_CHECKING:  # for type checkers, the methods themselves (of the default application)
    route = Bottle().route
    get = Bottle().get
    post = Bottle().post
    put = Bottle().put
    delete = Bottle().delete
    patch = Bottle().patch
    error = Bottle().error
    mount = Bottle().mount
    hook = Bottle().hook
    install = Bottle().install
    uninstall = Bottle().uninstall
    url = Bottle().get_url
else:
    route = make_default_app_wrapper('route')
    get = make_default_app_wrapper('get')
    post = make_default_app_wrapper('post')
    put = make_default_app_wrapper('put')
    delete = make_default_app_wrapper('delete')
    patch = make_default_app_wrapper('patch')
    error = make_default_app_wrapper('error')
    mount = make_default_app_wrapper('mount')
    hook = make_default_app_wrapper('hook')
    install = make_default_app_wrapper('install')
    uninstall = make_default_app_wrapper('uninstall')
    url = make_default_app_wrapper('get_url')


# --------------------------------------------- Uploads, static files and auth ----
# Header-parameter parsing, the streaming multipart parser, FileUpload, static_file
# with conditional and range requests, and the HTTP Basic auth decorator.

class MultipartError(HTTPError):
    """A malformed multipart body (status 400) or one over a limit (status 413).

    :param msg: what was wrong, shown on the error page (``.body``).
    """

    default_status = 400

    def __init__(self, msg: str) -> None:
        super(MultipartError, self).__init__(self.default_status, msg)
        self.args = (msg,)

    def __str__(self) -> str:
        return str(self.body)


class _MultipartLimitError(MultipartError):
    """A multipart body that exceeds one of the parser's limits."""

    default_status = 413


# The characters that end an unquoted token in a header value.
_HEADER_DELIMITERS = re.compile(r'[;,]')
# A quoted-string (RFC 9110, section 5.6.4): a backslash escapes the next character.
_QUOTED_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"', re.S)


class _HeaderValueScanner(object):
    """Reads the parts of an Accept-like header value from left to right.

    ``pos`` is the next character to read. A quoted string that is never
    closed is read as plain text; the first such quote is remembered, so that
    many unterminated quotes cannot make the scan quadratic (no later quote
    can close either).
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self._unterminated_from = len(text) + 1

    def at(self, delimiter: str) -> bool:
        """True if the next character is ``delimiter``."""
        return self.text.startswith(delimiter, self.pos)

    def _next_delimiter(self, start: int) -> int:
        match = _HEADER_DELIMITERS.search(self.text, start)
        return match.start() if match else len(self.text)

    def value(self) -> str:
        """Read a value up to the next ``;`` or ``,``: a quoted string unquoted
        (only ``\\"`` is resolved: other backslashes, as in Windows paths, stay),
        else the text stripped."""
        text = self.text
        while self.pos < len(text) and text[self.pos] in ' \t':
            self.pos += 1
        if self.at('"') and self.pos < self._unterminated_from:
            quoted = _QUOTED_STRING.match(text, self.pos)
            if quoted is not None:
                self.pos = self._next_delimiter(quoted.end())  # stray text after it is dropped
                return quoted.group(1).replace('\\"', '"')
            self._unterminated_from = self.pos
        stop = self._next_delimiter(self.pos)
        value = text[self.pos:stop].strip()
        self.pos = stop
        return value

    def parameter(self) -> tuple[str, str]:
        """Read ``name=value`` (or a bare ``name``) after a ``;``: ``(name, value)``
        with the name lower-cased and ``''`` for a bare name."""
        stop = self._next_delimiter(self.pos)
        equals = self.text.find('=', self.pos, stop)
        if equals == -1:
            name, self.pos = self.text[self.pos:stop], stop
            return name.strip().lower(), ''
        name, self.pos = self.text[self.pos:equals], equals + 1
        return name.strip().lower(), self.value()


def _parse_http_header(h: str) -> list[tuple[str, dict[str, str]]]:
    """Parse a header such as ``Accept`` or ``Content-Type`` into its values and parameters.

    ``'text/html; q=0.5, application/json'`` gives
    ``[('text/html', {'q': '0.5'}), ('application/json', {})]``: one pair per
    comma-separated value, in header order. Parameter names are lower-cased.
    Values and parameter values may be quoted strings, unquoted with ``\\"``
    turned into ``"`` (other backslashes, as in Windows paths, are kept), as
    Bottle 0.13 does. A parameter without ``=`` gets ``''``; an unterminated
    quote leaves the value as sent. Runs in time linear in the length of the
    header, whatever it contains.

    :param h: the header value (str).
    :returns: a list of ``(value, {name: value})`` pairs.
    """
    scanner = _HeaderValueScanner(h)
    entries = []
    while True:
        options: dict[str, str] = {}
        entries.append((scanner.value(), options))
        while scanner.at(';'):
            scanner.pos += 1
            name, value = scanner.parameter()
            if name:
                options[name] = value
        if not scanner.at(','):
            return entries
        scanner.pos += 1


def _decode_rfc5987(value: str) -> str | None:
    """Decode an RFC 5987 extended parameter (``UTF-8''%C3%A9.txt``); None if malformed."""
    from urllib.parse import unquote_to_bytes
    charset, quote, rest = value.partition("'")
    _language, quote2, encoded = rest.partition("'")
    if not quote or not quote2:
        return None
    data = unquote_to_bytes(encoded)
    try:
        return data.decode(charset.strip() or 'utf-8')
    except (LookupError, UnicodeDecodeError):
        return data.decode('latin1')


# Characters RFC 2046 allows in a boundary are letters, digits and '()+_,-./:=? and space;
# we accept any printable ASCII character (some clients are sloppy) but nothing else.
_MAX_BOUNDARY_LENGTH = 70


def _check_boundary(boundary: str | bytes) -> bytes:
    """Return the boundary as bytes; MultipartError if it is missing or malformed."""
    if isinstance(boundary, bytes):
        boundary = boundary.decode('latin1')
    if not boundary:
        raise MultipartError('Multipart boundary is missing or empty.')
    if len(boundary) > _MAX_BOUNDARY_LENGTH:
        raise MultipartError('Multipart boundary is %d characters long; at most %d are allowed.'
                             % (len(boundary), _MAX_BOUNDARY_LENGTH))
    if not boundary.isascii() or not boundary.isprintable() or boundary.endswith(' '):
        raise MultipartError('Multipart boundary %r contains characters that are not allowed.'
                             % boundary)
    return boundary.encode('ascii')


# Bytes that must not appear in a part's header line (but for folding whitespace).
_HEADER_CONTROL_CHARACTERS = re.compile(rb'[\x00-\x1f\x7f]')
# A header name: an RFC 9110 token.
_HEADER_NAME = re.compile(rb"[A-Za-z0-9!#$%&'*+\-.^_`|~]+\Z")

class _Delimiter(enum.Enum):
    """What a boundary in the body turns out to be, by what follows it."""
    NEXT_PART = 'another part follows'
    LAST_PART = 'the closing boundary'
    NOT_ONE = 'data that only looks like a boundary'
    NEED_MORE = 'not known before more of the body is read'


def _classify_delimiter(buf: bytes, end: int, at_eof: bool
                        ) -> tuple[_Delimiter, int, bytes | None]:
    """Look at the bytes after a boundary that ends at ``buf[end]``.

    Returns ``(kind, position after the delimiter line, line ending)``: the
    boundary may be followed by ``--`` (the last part), a line ending (CRLF or
    a lone LF), optional spaces or tabs and then a line ending, or anything
    else (then it is data that only looks like a boundary).
    """
    two = buf[end:end + 2]
    if two == b'\r\n':
        return _Delimiter.NEXT_PART, end + 2, b'\r\n'
    if two[:1] == b'\n':
        return _Delimiter.NEXT_PART, end + 1, b'\n'
    if two == b'--':
        return _Delimiter.LAST_PART, end + 2, None
    if len(two) < 2 and not at_eof and two in (b'', b'-', b'\r', b' ', b'\t'):
        return _Delimiter.NEED_MORE, end, None
    if two[:1] in (b' ', b'\t'):  # transport padding before the line ending
        newline = buf.find(b'\n', end)
        if newline == -1:
            if at_eof or len(buf) - end > 256:
                return _Delimiter.NOT_ONE, end, None
            return _Delimiter.NEED_MORE, end, None
        padding = buf[end:newline]
        ending = b'\r\n' if padding.endswith(b'\r') else b'\n'
        if not padding.rstrip(b'\r').strip(b' \t'):
            return _Delimiter.NEXT_PART, newline + 1, ending
    return _Delimiter.NOT_ONE, end, None


class _MultipartPart(object):
    """One part of a multipart body, as :meth:`_MultipartParser.parse` yields it.

    Attributes: ``name`` and ``filename`` (None when the Content-Disposition
    has none), ``content_type`` (None when the part sent none), ``charset``
    (from the Content-Type, else the parser's), ``headerlist`` (``(name,
    value)`` pairs as sent), ``headers`` (a :class:`HeaderDict`),
    ``disposition`` and ``options`` (the parsed Content-Disposition), ``size``
    and ``file`` (a seekable file at position 0: in memory while
    :meth:`is_buffered`, else a temporary file or a read-only slice of the
    parser's source file).
    """

    def __init__(self, headerlist: list[tuple[str, str]], charset: str) -> None:
        self.headerlist = headerlist
        self.size = 0
        self.file: Any = None  # the parser gives it a file before the part is used
        self._in_memory = True
        # Offset of the content in the parser's source file when the part may become a
        # slice of it instead of a copy (see _MultipartParser._sliceable_offset).
        self._source_offset: int | None = None
        self.disposition: str
        self.options: dict[str, str]
        self.disposition, self.options = '', {}
        self.content_type: str | None
        self.content_type, self.charset = None, charset
        self._declared_length: str | None = None  # the part's own Content-Length, if any
        for key, value in headerlist:
            lower = key.lower()
            if lower == 'content-disposition':
                self.disposition, self.options = _parse_http_header(value)[0]
            elif lower == 'content-type':
                self.content_type, type_options = _parse_http_header(value)[0]
                self.charset = type_options.get('charset') or charset
            elif lower == 'content-length':
                self._declared_length = value.strip()
        self.name = self._option('name')
        self.filename = self._option('filename')

    def _option(self, key: str) -> str | None:
        """A Content-Disposition parameter; the RFC 2231/5987 ``key*`` form wins."""
        extended = self.options.get(key + '*')
        if extended is not None:
            decoded = _decode_rfc5987(extended)
            if decoded is not None:
                return decoded
        return self.options.get(key)

    @cached_property
    def headers(self) -> HeaderDict:
        """The part headers as a :class:`HeaderDict`."""
        headers = HeaderDict()
        for key, value in self.headerlist:
            headers.append(key, value)
        return headers

    def is_buffered(self) -> bool:
        """True while the part is held in memory (not spooled to a temporary file)."""
        return self._in_memory

    @property
    def raw(self) -> bytes:
        """The content as bytes (the file position is kept)."""
        position = self.file.tell()
        self.file.seek(0)
        try:
            return self.file.read()
        finally:
            self.file.seek(position)

    @property
    def value(self) -> str:
        """The content decoded with :attr:`charset` (latin-1 if that fails)."""
        raw = self.raw
        try:
            return raw.decode(self.charset or 'latin1')
        except (LookupError, UnicodeDecodeError):
            return raw.decode('latin1')

    def close(self) -> None:
        """Close the file holding the content (a temporary file is deleted)."""
        if self.file is not None:
            self.file.close()

    def __repr__(self) -> str:
        return '<%s name=%r filename=%r size=%d>' % (
            type(self).__name__, self.name, self.filename, self.size)


class _MultipartParser(object):
    """A streaming parser for ``multipart/form-data`` (and other multipart) bodies.

    The body is read in chunks of ``buffer_size`` bytes and searched for the
    boundary with ``bytes.find``; part contents go into memory until a part
    grows beyond ``memfile_limit`` bytes, then into a temporary file. When
    ``stream`` is a regular binary file (such as the spooled request body),
    such a part becomes a read-only slice of that file instead of a copy.
    Lines may end in CRLF or, leniently, in a lone LF (the first boundary line
    decides for the whole body; header lines may use either).

    :param stream: a readable file-like object positioned at the body.
    :param boundary: the ``boundary`` parameter of the Content-Type (str).
    :param content_length: bytes to read from ``stream`` (-1: to EOF).
    :param disk_limit: most bytes written to temporary files in total.
    :param mem_limit: most bytes of part contents held in memory in total.
    :param memfile_limit: parts larger than this are spooled to disk.
    :param buffer_size: size of the chunks read from ``stream``.
    :param charset: default charset of parts and of header values.

    The instance attributes ``part_limit`` (most parts, default 1000) and
    ``header_limit`` (most bytes of headers per part, default 16384) may be
    changed before :meth:`parse` is called. The whole body may be at most
    ``mem_limit + disk_limit`` bytes.

    :raises MultipartError: status 400 for a malformed body (bad or missing
        boundary, part without Content-Disposition, malformed header line,
        truncated body, data after the closing boundary), 413 for a body
        over a limit.
    """

    part_limit = 1000
    header_limit = 16384
    # Whitespace that may follow the closing boundary, and how much of it.
    epilogue_limit = 1024

    def __init__(self, stream: Any, boundary: str | bytes, content_length: int = -1,
                 disk_limit: int = 2 ** 30, mem_limit: int = 2 ** 20, memfile_limit: int = 2 ** 18,
                 buffer_size: int = 2 ** 16, charset: str = 'latin1') -> None:
        self.stream = stream
        self.boundary = _check_boundary(boundary)
        self.content_length = content_length  # bytes to read; -1: to the end of the stream
        # Bytes written to temporary files, held in memory, and the size a part may reach
        # before it goes to a temporary file.
        self.disk_limit, self.mem_limit, self.memfile_limit = disk_limit, mem_limit, memfile_limit
        self.buffer_size = max(int(buffer_size), 1)
        self.charset = charset
        self._mem_used = self._disk_used = 0  # bytes so far, held in memory and on disk
        self._filling: _MultipartPart | None = None

    def _read_chunks(self) -> Iterator[bytes]:
        """Yield the body in chunks; enforce Content-Length and the total size limit."""
        read, size = self.stream.read, self.buffer_size
        total_limit = self.mem_limit + self.disk_limit
        remaining = self.content_length
        if remaining > total_limit:
            raise _MultipartLimitError('Multipart body of %d bytes is larger than the limit of %d '
                                       'bytes.' % (remaining, total_limit))
        if remaining < 0:
            total = 0
            while True:
                chunk = read(size)
                if not chunk:
                    return
                total += len(chunk)
                if total > total_limit:
                    raise _MultipartLimitError('Multipart body is larger than the limit of %d '
                                               'bytes.' % total_limit)
                yield chunk
        while remaining > 0:
            chunk = read(min(size, remaining))
            if not chunk:
                raise MultipartError('Multipart body is truncated: it ended after %d of %d bytes '
                                     '(Content-Length).' % (self.content_length - remaining,
                                                            self.content_length))
            remaining -= len(chunk)
            yield chunk

    def _decode_header(self, data: bytes) -> str:
        try:
            return data.decode(self.charset)
        except (LookupError, UnicodeDecodeError):
            return data.decode('latin1')

    def _start_part(self, block: bytes, number: int) -> _MultipartPart:
        """Create the part for the header ``block`` (bytes) of part number ``number``."""
        if number > self.part_limit:
            raise _MultipartLimitError('Multipart body has more than %d parts.' % self.part_limit)
        headerlist: list[Any] = []  # (name, value) pairs
        for line in block.split(b'\n'):
            line = line.rstrip(b'\r')
            if not line:
                continue
            # Tabs only around a value or folding a line: inside one it could not be
            # kept as a header value.
            if _HEADER_CONTROL_CHARACTERS.search(line.strip(b' \t')):
                raise MultipartError('A header line of part #%d of the multipart body contains a '
                                     'control character: %r' % (number, line[:100]))
            if line[:1] in (b' ', b'\t') and headerlist:  # folded continuation line
                key, value = headerlist[-1]
                headerlist[-1] = (key, value + ' ' + self._decode_header(line.strip()))
                continue
            key, colon, value = line.partition(b':')
            key = key.strip()
            if not colon or not _HEADER_NAME.match(key):
                raise MultipartError('Malformed header line in part #%d of the multipart body: '
                                     '%r' % (number, line[:100]))
            headerlist.append((self._decode_header(key),
                               self._decode_header(value.strip())))
        part = _MultipartPart(headerlist, self.charset)
        if not part.disposition:
            raise MultipartError('Part #%d of the multipart body has no Content-Disposition '
                                 'header.' % number)
        part.file = io.BytesIO()
        return part

    def _sliceable_offset(self) -> int | None:
        """The position of the stream in its file if large parts may be served as slices
        of that file instead of copies (the stream is a regular binary file, such as the
        spooled request body), else None."""
        stream = self.stream
        if not hasattr(os, 'pread'):
            return None
        if type(stream) in (io.BufferedReader, io.BufferedRandom):
            if type(stream.raw) is not io.FileIO:
                return None
        elif type(stream) is not io.FileIO:
            return None
        try:
            import stat
            if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
                return None
            if type(stream) is io.BufferedRandom:
                stream.flush()
            return stream.tell()
        except (OSError, ValueError):
            return None

    def _spool(self, part: _MultipartPart) -> None:
        """Move a part that outgrew ``memfile_limit`` out of memory."""
        buffered = part.file
        if part._source_offset is not None:
            part.file = None  # becomes a slice of the source when complete
        else:
            from tempfile import TemporaryFile
            part.file = TemporaryFile(mode='w+b')
            part.file.write(buffered.getvalue())
        buffered.close()
        self._mem_used -= part.size
        self._disk_used += part.size
        part._in_memory = False

    def _write(self, part: _MultipartPart, data: memoryview) -> None:
        """Append ``data`` (a memoryview) to ``part``; spool it or fail at the limits."""
        size = len(data)
        if not size:
            return
        if part._in_memory and part.size + size > self.memfile_limit:
            self._spool(part)
        if part._in_memory:
            self._mem_used += size
            if self._mem_used > self.mem_limit:
                raise _MultipartLimitError('Multipart form data held in memory exceeds the limit '
                                           'of %d bytes.' % self.mem_limit)
            part.file.write(data)
        else:
            self._disk_used += size
            if self._disk_used > self.disk_limit:
                raise _MultipartLimitError('Uploaded files exceed the disk limit of %d bytes.'
                                           % self.disk_limit)
            if part.file is not None:
                part.file.write(data)
        part.size += size

    def _finish(self, part: _MultipartPart) -> None:
        """Make the complete part's file readable from position 0.

        :raises MultipartError: the part's own Content-Length header disagrees with its data.
        """
        declared = part._declared_length
        if declared is not None and not (declared.isascii() and declared.isdigit()
                                         and int(declared) == part.size):
            raise MultipartError('Part %r of the multipart body declares Content-Length %r but '
                                 'holds %d bytes.' % (part.name, declared[:40], part.size))
        if part.file is None:
            part.file = io.BufferedReader(_FileSlice(self.stream, part._source_offset, part.size))
        else:
            part.file.seek(0)

    def parse(self) -> Iterator[_MultipartPart]:
        """Read the body and yield each part when it is complete (see :class:`_MultipartPart`).

        :raises MultipartError: see the class documentation.
        """
        self._filling = None
        try:
            for part in self._parse_parts():
                yield part
        except BaseException:
            if self._filling is not None:  # yielded parts belong to the caller
                self._filling.close()
            raise

    def _parse_parts(self) -> Iterator[_MultipartPart]:
        """The parse loop: feed the chunks of the body to the step of the current
        state until the body ends, yielding the parts the body step completes.

        ``self._filling`` is the part being filled (closed by :meth:`parse` on errors).
        """
        scan = _MultipartScan(b'--' + self.boundary, self._sliceable_offset())
        steps = {_ScanState.PREAMBLE: self._preamble_step, _ScanState.HEADERS: self._headers_step,
                 _ScanState.BODY: self._body_step, _ScanState.EPILOGUE: self._epilogue_step}
        chunks = self._read_chunks()
        while not scan.at_eof:
            scan.feed(next(chunks, None))
            while True:
                outcome = steps[scan.state](scan)
                if outcome is _AWAIT_DATA:
                    break
                if outcome is not _STEP_DONE:
                    yield outcome  # a complete part
        self._check_complete(scan)

    def _preamble_step(self, scan):
        """Look for the first boundary line; it tells the line ending of the body."""
        buf, first_delimiter = scan.buf, scan.first_delimiter
        found = buf.find(first_delimiter, scan.search)
        if found == -1:
            # Keep enough bytes for a boundary split across chunks (and the newline
            # before it); the rest of the preamble is ignored.
            scan.pos = scan.search = max(scan.pos, len(buf) - len(first_delimiter) - 1)
            return _AWAIT_DATA
        if found > 0 and buf[found - 1:found] != b'\n':  # not at the start of a line
            scan.search = found + 1
            return _STEP_DONE
        kind, after, ending = _classify_delimiter(buf, found + len(first_delimiter), scan.at_eof)
        if kind is _Delimiter.NOT_ONE:
            scan.search = found + 1
            return _STEP_DONE
        if kind is _Delimiter.NEED_MORE:
            scan.pos = scan.search = max(scan.pos, found - 1)
            return _AWAIT_DATA
        if ending is not None:
            scan.delimiter = ending + first_delimiter
        scan.pos = scan.search = after
        scan.state = _ScanState.HEADERS if kind is _Delimiter.NEXT_PART else _ScanState.EPILOGUE
        return _STEP_DONE

    def _headers_step(self, scan):
        """Read the header block of the next part, up to the blank line, and start it."""
        buf, pos, limit = scan.buf, scan.pos, self.header_limit
        if len(buf) - pos < 2 and not scan.at_eof:
            return _AWAIT_DATA
        if buf.startswith(b'\r\n', pos) or buf.startswith(b'\n', pos):
            raise MultipartError('Part #%d of the multipart body has no Content-Disposition '
                                 'header.' % (scan.number + 1))
        # Searched no further than the limit allows: a CRLF body never holds the LF-only
        # end (nor an LF body the CRLF one), and a search to the end of the buffer for each
        # part would make many small parts cost quadratic time.
        stop = pos + limit + 3
        ends = [at for at in (buf.find(b'\n\r\n', scan.search, stop),
                              buf.find(b'\n\n', scan.search, stop)) if at != -1]
        if not ends or min(ends) + 1 - pos > limit:
            if ends or len(buf) - pos > limit:
                raise _MultipartLimitError('Headers of part #%d of the multipart body exceed %d '
                                           'bytes.' % (scan.number + 1, limit))
            scan.search = max(pos, len(buf) - 2)
            return _AWAIT_DATA
        end = min(ends)
        scan.number += 1
        scan.part = self._filling = self._start_part(buf[pos:end + 1], scan.number)
        scan.pos = scan.search = end + (3 if buf[end + 1:end + 2] == b'\r' else 2)
        if scan.source_offset is not None:
            scan.part._source_offset = scan.source_offset + scan.pos
        scan.state = _ScanState.BODY
        return _STEP_DONE

    def _body_step(self, scan):
        """Copy the part's content up to the next delimiter; return the part once it
        is complete."""
        buf, delimiter = scan.buf, scan.delimiter
        found = buf.find(delimiter, scan.search)
        if found == -1:
            # Everything but the last (len(delimiter) - 1) bytes is content for sure.
            safe = len(buf) - len(delimiter) + 1
            if safe > scan.pos:
                self._write(scan.part, memoryview(buf)[scan.pos:safe])
                scan.pos = safe
            scan.search = scan.pos
            return _AWAIT_DATA
        kind, after, _ = _classify_delimiter(buf, found + len(delimiter), scan.at_eof)
        if kind is _Delimiter.NOT_ONE:
            scan.search = found + 1
            return _STEP_DONE
        self._write(scan.part, memoryview(buf)[scan.pos:found])
        scan.pos = scan.search = found
        if kind is _Delimiter.NEED_MORE:
            return _AWAIT_DATA
        part, scan.part = scan.part, None
        self._finish(part)
        self._filling = None  # from here on the part belongs to the caller
        scan.pos = scan.search = after
        scan.state = _ScanState.HEADERS if kind is _Delimiter.NEXT_PART else _ScanState.EPILOGUE
        return part

    def _epilogue_step(self, scan):
        """After the closing boundary only a little whitespace may follow."""
        rest = scan.buf[scan.pos:]
        scan.epilogue_seen += len(rest)
        if rest.strip(b' \t\r\n') or scan.epilogue_seen > self.epilogue_limit:
            raise MultipartError('Unexpected data after the closing boundary of the multipart '
                                 'body.')
        scan.pos = scan.search = len(scan.buf)
        return _AWAIT_DATA

    def _check_complete(self, scan):
        """At the end of the body: it must have ended after its closing boundary."""
        if scan.state is _ScanState.PREAMBLE:
            raise MultipartError('Multipart body does not contain the boundary %r.'
                                 % self.boundary.decode('ascii'))
        if scan.state is _ScanState.HEADERS:
            raise MultipartError('Multipart body is truncated: it ended in the headers of part '
                                 '#%d.' % (scan.number + 1))
        if scan.state is _ScanState.BODY:
            raise MultipartError('Multipart body is truncated: it ended in part #%d (%r) before '
                                 'the closing boundary.' % (scan.number, scan.part.name))


class _ScanState(enum.Enum):
    """Where the multipart parser is in the body."""
    PREAMBLE = 'before the first boundary'
    HEADERS = 'in the headers of a part'
    BODY = 'in the content of a part'
    EPILOGUE = 'after the closing boundary'


# What a state step of the multipart parser asks of the loop: more data, or to run the
# step of the (possibly new) state again. A step that completes a part returns it.
_AWAIT_DATA = 'await data'
_STEP_DONE = 'step done'


class _MultipartScan(object):
    """The multipart parser's reading state: the buffer and what of it is consumed.

    ``buf[pos:]`` is not consumed yet, ``search`` is where to look for the next
    delimiter, ``source_offset`` is the position of ``buf[0]`` in the source
    file when large parts may be slices of it (else None).
    """

    __slots__ = ('buf', 'pos', 'search', 'at_eof', 'source_offset', 'state', 'first_delimiter',
                 'delimiter', 'part', 'number', 'epilogue_seen')

    def __init__(self, first_delimiter: bytes, source_offset: int | None) -> None:
        self.buf, self.pos, self.search = b'', 0, 0
        self.at_eof = False
        self.source_offset = source_offset
        self.state = _ScanState.PREAMBLE
        self.first_delimiter = first_delimiter  # b'--boundary'
        self.delimiter = None  # b'\r\n--boundary' or b'\n--boundary', once the first line told
        self.part = None       # the part being filled
        self.number = 0        # parts started so far
        self.epilogue_seen = 0

    def feed(self, chunk: bytes | None) -> None:
        """Append the next chunk of the body (None at its end), dropping what is consumed."""
        if chunk is None:
            self.at_eof = True
        elif self.pos:
            consumed = self.pos
            self.buf = self.buf[consumed:] + chunk
            self.search -= consumed
            if self.source_offset is not None:
                self.source_offset += consumed
            self.pos = 0
        else:
            self.buf += chunk


_preadv = getattr(os, 'preadv', None)  # not on every platform (macOS before 11, Windows)


class _FileSlice(io.RawIOBase):
    """A read-only, seekable view of ``length`` bytes of an open file from ``offset`` on.

    Large multipart parts of a request body that is already spooled to a file
    are served this way instead of being copied to another temporary file.
    Reads use ``os.preadv`` (or ``os.pread``), so they do not move the source
    file's position.
    """

    def __init__(self, source, offset, length):
        super(_FileSlice, self).__init__()
        self._source = source  # keeps the file open while the slice lives
        self._fd = source.fileno()
        self._offset, self._length, self._position = offset, length, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        count = min(len(buffer), self._length - self._position)
        if count <= 0:
            return 0
        target = memoryview(buffer)[:count]
        if _preadv is not None:  # PERF: straight into the caller's buffer, no copy
            done = _preadv(self._fd, [target], self._offset + self._position)
        else:
            data = os.pread(self._fd, count, self._offset + self._position)
            done = len(data)
            target[:done] = data
        self._position += done
        return done

    def seek(self, position: int, whence: int = 0) -> int:
        base = (0, self._position, self._length)[whence]
        if base + position < 0:
            raise ValueError('Negative seek position %d' % (base + position))
        self._position = base + position
        return self._position

    def tell(self) -> int:
        return self._position


def _parse_multipart_body(body_file: Any, content_type: str, content_length: int,
                          memfile_limit: int = 102400, mem_limit: int = 2 ** 20,
                          disk_limit: int = 2 ** 30, part_limit: int = 1000,
                          header_limit: int = 16384) -> list[tuple[str, str | FileUpload]]:
    """Parse a multipart request body (for BaseRequest.POST) into ``(name, value)`` pairs.

    :param body_file: a readable file-like object at the start of the body.
    :param content_type: the raw Content-Type header; its ``boundary`` is used.
    :param content_length: bytes to read from ``body_file``, or -1 to read to its end.
    :param memfile_limit: parts larger than this go to temporary files.
    :param mem_limit: text fields may hold at most ``max(mem_limit, memfile_limit)``
        bytes in total.
    :param disk_limit: most bytes written to temporary files.
    :param part_limit: most parts.
    :param header_limit: most bytes of headers per part.
    :returns: the pairs in body order; ``value`` is a str for a text field and a
        FileUpload for a part with a non-empty filename. Names, filenames and
        text are decoded as UTF-8 (latin-1 where that fails, so nothing is
        lost), or with the charset a part's Content-Type declares. Parts
        without a name are skipped.
    :raises MultipartError: 400 for a malformed body, 413 for one over a limit;
        the files of parts parsed before are closed.
    """
    options = _parse_http_header(content_type)[0][1]
    boundary = options.get('boundary')
    if not boundary:
        raise MultipartError('Multipart request has no boundary parameter in its Content-Type.')
    # PERF: 1 MiB reads: big uploads cost few rounds of the parse loop (memory stays flat).
    parser = _MultipartParser(body_file, boundary, content_length, disk_limit=disk_limit,
                              mem_limit=mem_limit, memfile_limit=memfile_limit,
                              buffer_size=2 ** 20, charset='utf8')
    parser.part_limit, parser.header_limit = part_limit, header_limit
    text_limit = max(mem_limit, memfile_limit)
    text_size = 0
    items: list[tuple[str, str | FileUpload]] = []
    try:
        for part in parser.parse():
            if part.name is None:
                part.close()
                continue
            if part.filename:
                items.append((part.name, FileUpload(part.file, part.name, part.filename,
                                                    part.headers)))
                continue
            text_size += part.size
            if text_size > text_limit:
                part.close()
                raise _MultipartLimitError('Form field %r is too large: text fields may hold at '
                                           'most %d bytes in total (send large data as a file).'
                                           % (part.name, text_limit))
            items.append((part.name, part.value))
            part.close()
    except BaseException:
        for _, item in items:
            if isinstance(item, FileUpload):
                item.file.close()
        raise
    return items


class FileUpload(object):
    """A file sent in a multipart form (an entry of ``request.files``).

    :param fileobj: a readable, seekable file-like object with the content.
    :param name: the name of the form field.
    :param filename: the file name the client sent (kept as :attr:`raw_filename`).
    :param headers: the part headers (a dict, list of pairs or HeaderDict).
    """

    # Longest file name :attr:`filename` returns (a common file system limit).
    max_filename_length = 255

    def __init__(self, fileobj: IO[bytes], name: str, filename: str,
                 headers: _Headers | HeaderDict | None = None) -> None:
        #: An open file(-like) object holding the content.
        self.file = fileobj
        #: Name of the form field.
        self.name = name
        #: The file name exactly as the client sent it. Never use it as a path.
        self.raw_filename = filename
        #: The part headers, a :class:`HeaderDict`.
        self.headers = HeaderDict(headers) if headers else HeaderDict()

    if TYPE_CHECKING:
        @overload
        def get_header(self, name: str) -> str | None: ...
        @overload
        def get_header(self, name: str, default: _D) -> str | _D: ...

    def get_header(self, name: str, default: Any = None) -> Any:
        """Return the value of a part header, or ``default``."""
        return self.headers.get(name, default)

    @property
    def content_type(self) -> str:
        """The part's Content-Type header ('' if it sent none)."""
        return self.headers.get('Content-Type', '')

    @property
    def content_length(self) -> int:
        """The part's Content-Length header as int (-1 if missing or invalid; clients
        rarely send it, use ``len`` of the saved data for the real size)."""
        value = self.headers.get('Content-Length', '').strip()
        return int(value) if value.isascii() and value.isdigit() else -1

    @cached_property
    def filename(self) -> str:
        """A safe file name derived from :attr:`raw_filename`.

        Directories are dropped (``/`` and ``\\`` both count), the name is
        reduced to ASCII letters, digits, ``.``, ``_`` and ``-`` (accents are
        stripped, runs of other characters and whitespace become ``-``, but not next
        to a dot), leading and trailing dots and dashes are removed, and it is cut to 255 characters
        keeping a short extension. ``'empty'`` if nothing is left.
        """
        import unicodedata
        name = self.raw_filename or ''
        if isinstance(name, bytes):
            name = name.decode('utf8', 'replace')
        name = name.replace('\\', '/').rsplit('/', 1)[-1]
        name = ''.join(char for char in unicodedata.normalize('NFKD', name)
                       if not unicodedata.combining(char))  # accents go, letters stay
        name = re.sub(r'[^A-Za-z0-9._]+', '-', name)
        name = re.sub(r'-*\.-*', '.', name).strip('.-')  # no dash next to a dot
        limit = self.max_filename_length
        if len(name) > limit:
            stem, dot, extension = name.rpartition('.')
            if dot and stem and len(extension) <= 16:
                name = stem[:limit - len(extension) - 1].rstrip('.-') + '.' + extension
            else:
                name = name[:limit].rstrip('.-')
        return name or 'empty'

    def _copy_to(self, target: IO[bytes], chunk_size: int) -> None:
        """Copy the content from the current position to ``target``; keep the position."""
        read, write, offset = self.file.read, target.write, self.file.tell()
        try:
            while True:
                chunk = read(chunk_size)
                if not chunk:
                    break
                write(chunk)
        finally:
            self.file.seek(offset)

    def save(self, destination: str | bytes | os.PathLike[str] | os.PathLike[bytes] | IO[bytes],
             overwrite: bool = False, chunk_size: int = 2 ** 16) -> None:
        """Save the upload (from the current file position) to a file.

        :param destination: a file path, a directory (the file is then named
            :attr:`filename`) or a writable file-like object.
        :param overwrite: replace an existing file; without it an existing
            file raises :class:`FileExistsError` and is left untouched.
        :param chunk_size: bytes copied at a time.
        :raises FileExistsError: the target file exists and ``overwrite`` is false.
        :raises OSError: the file cannot be written.
        """
        if isinstance(destination, (str, bytes, os.PathLike)):
            destination = os.fspath(destination)
            if os.path.isdir(destination):
                filename: Any = self.filename  # str, or bytes for a bytes destination
                if isinstance(destination, bytes):
                    filename = filename.encode('ascii')
                destination = os.path.join(destination, filename)
            with open(destination, 'wb' if overwrite else 'xb') as target:
                self._copy_to(target, chunk_size)
        else:
            self._copy_to(destination, chunk_size)

    def __repr__(self) -> str:
        return '<FileUpload %r: %r>' % (self.name, self.raw_filename)


def parse_range_header(header: str, maxlen: int = 0) -> Iterator[tuple[int, int]]:
    """Yield the satisfiable byte ranges of a ``Range`` header as half-open pairs.

    ``parse_range_header('bytes=0-4, -3', 11)`` yields ``(0, 5)`` and
    ``(8, 11)``. Ranges that are malformed (``5-2``, ``a-b``), empty
    (``-0``) or start beyond ``maxlen`` are skipped; a unit other than
    ``bytes`` yields nothing.

    :param header: the Range header value.
    :param maxlen: the length of the resource.
    """
    unit, equals, ranges = header.partition('=')
    if not equals or unit.strip().lower() != 'bytes':
        return

    def number(text):
        return int(text) if text.isascii() and text.isdigit() else None

    for spec in ranges.split(','):
        first, dash, last = spec.partition('-')
        if not dash:
            continue
        first, last = first.strip(), last.strip()
        try:
            if not first:  # a suffix: the last N bytes
                length = number(last)
                if length is None:
                    continue
                start, end = max(0, maxlen - length), maxlen
            else:
                start = number(first)
                stop = number(last) if last else maxlen - 1
                if start is None or stop is None or stop < start:
                    continue
                end = min(stop + 1, maxlen)
        except ValueError:  # more digits than int() accepts
            continue
        if 0 <= start < end <= maxlen:
            yield start, end


def _rangeiter(fp: IO[bytes], offset: int, limit: int, bufsize: int = 2 ** 20
               ) -> Iterator[bytes]:
    """Yield ``limit`` bytes of the file ``fp`` from ``offset`` on, in blocks of ``bufsize``."""
    fp.seek(offset)
    while limit > 0:
        block = fp.read(min(limit, bufsize))
        if not block:
            return
        limit -= len(block)
        yield block


# The types of compressed files when served as they are (no Content-Encoding).
_ARCHIVE_TYPES: dict[str | None, str] = {  # looked up by encoding, None included
    'gzip': 'application/gzip', 'bzip2': 'application/x-bzip2', 'xz': 'application/x-xz',
    'compress': 'application/x-compress', 'br': 'application/x-brotli'}


_DRIVE = re.compile(r'[A-Za-z]:')


def _static_path(root: str, filename: str) -> str | None:
    """The real path of ``filename`` under ``root``, or None if it would leave ``root``.

    ``..`` segments, absolute paths (also drive-letter paths) and symlinks that
    resolve outside ``root`` are refused. ``/`` and ``\\`` both separate
    segments.
    """
    segments = filename.replace('\\', '/').split('/')
    if filename.startswith(('/', '\\')) or '..' in segments or _DRIVE.match(filename):
        return None
    root = os.path.realpath(root)
    path = os.path.realpath(os.path.join(root, *[s for s in segments if s not in ('', '.')]))
    if path != root and not path.startswith(root.rstrip(os.sep) + os.sep):
        return None
    return path


def _content_disposition(kind: str, filename: str) -> str:
    """A Content-Disposition value that offers ``filename``; non-ASCII names use RFC 6266."""
    from urllib.parse import quote
    filename = ''.join(char for char in filename if char.isprintable())
    fallback = filename.encode('ascii', 'replace').decode('ascii')
    value = '%s; filename="%s"' % (kind, fallback.replace('\\', '\\\\').replace('"', '\\"'))
    if fallback != filename:
        value += "; filename*=UTF-8''" + quote(filename, safe='')
    return value


def _etag_matches(header: str, etag: str) -> bool:
    """True if an If-None-Match / If-Range value names ``etag`` (weakly compared) or is ``*``."""
    if header.strip() == '*':
        return True
    wanted = etag.strip()
    wanted = wanted[2:] if wanted.startswith('W/') else wanted
    wanted = wanted.strip('"')
    for tag in header.split(','):
        tag = tag.strip()
        tag = tag[2:] if tag.startswith('W/') else tag
        if tag.strip('"') == wanted:
            return True
    return False


def static_file(filename: str, root: str, mimetype: str | bool = True,
                download: str | bool = False, charset: str = 'UTF-8',
                etag: str | bool | None = None, headers: _Headers | None = None
                ) -> HTTPResponse:
    """Serve a file from a directory, safely, as a response to return or raise.

    :param filename: the path of the file, relative to ``root``. A path with a
        ``..`` segment, an absolute path, or one that leaves ``root`` through
        a symbolic link gives 403.
    :param root: the directory the file must be in.
    :param mimetype: the Content-Type; True guesses it from the file name, or
        from the ``download`` name if that is a string (compressed files such
        as ``.gz``, ``.bz2``, ``.xz``, ``.br`` and ``.Z`` are served as their
        archive type and never with a Content-Encoding, unknown types as
        ``application/octet-stream``); False sends none.
    :param download: True offers the file as a download under its own name,
        a string offers it under that name (Content-Disposition: attachment).
    :param charset: added to ``text/*`` types.
    :param etag: the ETag to send; None generates one from the file's
        identity, size and modification time; False sends none.
    :param headers: more headers for the response (they win over the ones
        computed here, except Content-Length and Content-Range).
    :returns: an :class:`HTTPResponse` (200, 206 or 304) or :class:`HTTPError`
        (403 for refused or unreadable paths, 404 for missing files, 416 for
        an unsatisfiable ``Range``). The body is the open file (or an iterator
        over the requested range), never the whole content in memory; HEAD
        requests get the headers only.

    ``If-None-Match`` and ``If-Modified-Since`` give 304 when they match
    (If-None-Match takes precedence). A ``Range`` with a satisfiable byte
    range gives 206 with the first such range (as in Bottle 0.13), unless an
    ``If-Range`` names another version of the file.
    """
    path, refused = _servable_path(root, filename)
    if refused is not None:
        return refused
    stats = os.stat(path)
    out = _static_file_headers(path, filename, stats, mimetype, download, charset, etag, headers)
    environ = request.environ
    if _not_modified(environ, out.get('Etag'), stats):
        return HTTPResponse(status=304, headers=out)
    method = environ.get('REQUEST_METHOD', 'GET').upper()
    byte_range = None
    if method in ('GET', 'HEAD') and environ.get('HTTP_RANGE'):
        byte_range = _requested_byte_range(environ, out.get('Etag'), stats)
        if isinstance(byte_range, HTTPError):
            return byte_range
    status = 200
    if byte_range is not None:
        offset, end = byte_range
        status = 206
        out['Content-Range'] = 'bytes %d-%d/%d' % (offset, end - 1, stats.st_size)
        out['Content-Length'] = str(end - offset)
    if method == 'HEAD':
        return HTTPResponse('', status, out)
    return _static_body_response(path, byte_range, status, out)


def _static_body_response(path: str, byte_range: tuple[int, int] | None, status: int,
                          headers: dict[str, str]) -> HTTPResponse:
    """The response with the open file (or the byte range of it) as its body."""
    body: IO[bytes] | _closeiter
    try:
        body = open(path, 'rb')
    except PermissionError:
        return HTTPError(403, 'You do not have permission to access this file.')
    except OSError:
        return HTTPError(404, 'File does not exist.')
    if byte_range is not None:
        offset, end = byte_range
        body = _closeiter(_rangeiter(body, offset, end - offset), body.close)
    return HTTPResponse(body, status, headers)


def _servable_path(root, filename):
    """``(path, None)`` for a readable file ``filename`` below ``root``, else
    ``(None, HTTPError)``: 403 for a path that leaves ``root`` or a file we may
    not read, 404 for a missing one."""
    if '\0' in filename:
        return None, HTTPError(404, 'File does not exist.')
    path = _static_path(root, filename)
    if path is None:
        return None, HTTPError(403, 'Access denied: the path leaves the static root directory.')
    if not os.path.isfile(path):
        return None, HTTPError(404, 'File does not exist.')
    if not os.access(path, os.R_OK):
        return None, HTTPError(403, 'You do not have permission to access this file.')
    return path, None


def _static_content_type(name, mimetype, charset):
    """The Content-Type for serving a file called ``name`` (see :func:`static_file`)."""
    if mimetype is True:
        import mimetypes
        guessed, encoding = mimetypes.guess_type(name.replace('\\', '/'))
        mimetype = _ARCHIVE_TYPES.get(encoding) or guessed or 'application/octet-stream'
    if mimetype and charset and mimetype.startswith('text/') and 'charset=' not in mimetype:
        mimetype += '; charset=%s' % charset
    return mimetype


def _static_file_headers(path: str, filename: str, stats: os.stat_result, mimetype: str | bool,
                         download: str | bool, charset: str, etag: str | bool | None,
                         headers: Any) -> dict[str, Any]:
    """The response headers for a file, given :func:`static_file`'s arguments."""
    out: dict[str, Any] = {}
    own_name = filename.replace('\\', '/').rsplit('/', 1)[-1]
    offered_name = download if isinstance(download, str) else own_name
    content_type = _static_content_type(offered_name, mimetype, charset)
    if content_type:
        out['Content-Type'] = content_type
    if download:
        out['Content-Disposition'] = _content_disposition('attachment', offered_name)
    out['Content-Length'] = str(stats.st_size)
    out['Last-Modified'] = http_date(stats.st_mtime)
    out['Date'] = http_date(time.time())
    if etag is None:
        import hashlib
        identity = '%d:%d:%d:%d:%s' % (stats.st_dev, stats.st_ino, stats.st_mtime_ns,
                                       stats.st_size, path)
        etag = '"%s"' % hashlib.sha1(identity.encode('utf8', 'surrogateescape')).hexdigest()
    if etag:
        out['Etag'] = etag
    out['Accept-Ranges'] = 'bytes'
    for name, value in (headers.items() if hasattr(headers, 'items') else headers or ()):
        if _hkey(name) not in ('Content-Length', 'Content-Range'):  # those describe the file
            out[_hkey(name)] = value
    return out


def _not_modified(environ, etag, stats):
    """True if the conditional headers of the request say the client's copy is current
    (If-None-Match takes precedence over If-Modified-Since)."""
    if_none_match = environ.get('HTTP_IF_NONE_MATCH')
    if if_none_match is not None:
        return bool(etag) and _etag_matches(if_none_match, etag)
    since = parse_date(environ.get('HTTP_IF_MODIFIED_SINCE', '').split(';')[0].strip())
    return since is not None and since >= int(stats.st_mtime)


def _requested_byte_range(environ, etag, stats):
    """The ``(start, end)`` of the first satisfiable range of the Range header, None
    to send the whole file (another unit, or an If-Range for another version), or
    HTTPError 416 when no range can be satisfied."""
    if not _range_applies(environ, etag, stats):
        return None
    header = environ['HTTP_RANGE']
    if header.partition('=')[0].strip().lower() != 'bytes':
        return None
    for byte_range in parse_range_header(header, stats.st_size):
        return byte_range
    return HTTPError(416, 'Requested Range Not Satisfiable',
                     **{'Content-Range': 'bytes */%d' % stats.st_size})  # type: ignore[arg-type]  # a header


def _range_applies(environ, etag, stats):
    """False if an ``If-Range`` header names another version of the file."""
    if_range = environ.get('HTTP_IF_RANGE')
    if not if_range:
        return True
    if if_range.strip().startswith(('"', 'W/')):
        return bool(etag) and _etag_matches(if_range, etag)
    since = parse_date(if_range)
    return since is not None and since >= int(stats.st_mtime)


def auth_basic(check: Callable[[str, str | None], Any], realm: str = 'private',
               text: str = 'Access denied'
               ) -> Callable[[Callable[_P, _R]], Callable[_P, _R | HTTPError]]:
    """Decorator: require HTTP Basic authentication for a route callback.

    :param check: ``check(user, password)`` returns True to let the request in.
    :param realm: the realm named in the ``WWW-Authenticate`` challenge.
    :param text: the body of the 401 error.
    :returns: a decorator; a failed check answers 401 with
        ``WWW-Authenticate: Basic realm="..."``.
    """
    challenge = 'Basic realm="%s"' % realm.replace('\\', '\\\\').replace('"', '\\"')

    def decorator(func: Callable[_P, _R]) -> Callable[_P, _R | HTTPError]:
        @functools.wraps(func)
        def wrapper(*a: _P.args, **ka: _P.kwargs) -> _R | HTTPError:
            user, password = request.auth or (None, None)
            if user is None or not check(user, password):
                error = HTTPError(401, text)
                error.add_header('WWW-Authenticate', challenge)
                return error
            return func(*a, **ka)
        return wrapper
    return decorator


# ----------------------------------------------------------- Server adapters ----
# One small class per WSGI server: each imports its server lazily and runs a WSGI
# handler on (host, port). ``server_names`` maps the names run() accepts to them.

def _stderr(text: str) -> None:
    try:
        sys.stderr.write(text)
        sys.stderr.flush()
    except (IOError, AttributeError):
        pass


def _require(package: str, import_name: str | None = None, how_to_install: str | None = None
             ) -> Any:
    """Import a server or engine package, or raise ImportError naming what to install."""
    import importlib
    try:
        return importlib.import_module(import_name or package)
    except ImportError as missing:
        raise ImportError('This feature needs the %r package, which is not installed (%s).'
                          ' %s' % (package, missing,
                                   how_to_install or 'Install it with: pip install %s' % package)
                          ) from missing


class ServerAdapter(object):
    """Base class of server adapters: run a WSGI handler on ``host`` and ``port``.

    Extra keyword ``options`` are passed on to the server where it takes them.
    """

    quiet = False
    #: The package the server needs: its name for pip and the module to import (if
    #: that differs), for :func:`_require`; None for the standard library's servers.
    requires: tuple[str, ...] | None = None

    def __init__(self, host: str = '127.0.0.1', port: int | str = 8080, **options: Any) -> None:
        self.options = options
        self.host = host
        self.port = int(port)

    def run(self, handler: _WSGIApplication) -> None:
        """Serve ``handler`` until interrupted. Subclasses implement this."""
        raise NotImplementedError('%s cannot run a server.' % type(self).__name__)

    def __repr__(self) -> str:
        args = ', '.join('%s=%r' % (key, value) for key, value in self.options.items())
        return '%s(%s)' % (self.__class__.__name__, args)


def _native_path(request_target_path: str) -> str:
    """PATH_INFO in PEP 3333 form (latin-1 string of the raw bytes) from a raw URL path."""
    from urllib.parse import unquote_to_bytes
    return unquote_to_bytes(request_target_path).decode('latin1')


def _with_path_info_from_raw_uri(handler: _WSGIApplication) -> _WSGIApplication:
    """Wrap a handler for servers (aiohttp-wsgi) that pass PATH_INFO decoded as UTF-8.

    That loses bytes which are not valid UTF-8, so PATH_INFO is rebuilt from
    the raw request URI the server also passes (``RAW_URI``/``REQUEST_URI``).
    """
    def pep3333_handler(environ: _Environ, start_response: _StartResponse) -> Iterable[bytes]:
        raw_uri = environ.get('RAW_URI') or environ.get('REQUEST_URI')
        if raw_uri:
            path = _native_path(raw_uri.split('?', 1)[0])
            script_name = _unicode_to_latin1(environ.get('SCRIPT_NAME', ''))
            if script_name and path.startswith(script_name):
                path = path[len(script_name):]
            environ['PATH_INFO'] = path
        return handler(environ, start_response)
    return pep3333_handler


class CGIServer(ServerAdapter):
    """Run the application as a CGI script."""

    quiet = True

    def run(self, handler: _WSGIApplication) -> None:
        from wsgiref.handlers import CGIHandler

        def fixed_environ(environ: _Environ, start_response: _StartResponse) -> Iterable[bytes]:
            environ.setdefault('PATH_INFO', '')
            return handler(environ, start_response)
        CGIHandler().run(fixed_environ)


class FlupFCGIServer(ServerAdapter):
    """Run the application as a FastCGI server with ``flup``."""

    requires = ('flup', 'flup.server.fcgi')

    def run(self, handler: _WSGIApplication) -> None:
        fcgi = _require(*self.requires)
        self.options.setdefault('bindAddress', (self.host, self.port))
        fcgi.WSGIServer(handler, **self.options).run()


class WSGIRefServer(ServerAdapter):
    """The single-threaded development server of the standard library (the default).

    Options: ``server_class`` and ``handler_class`` replace wsgiref's classes.
    IPv6 addresses are supported; request logging is off when ``quiet``.
    """

    def run(self, app: _WSGIApplication) -> None:
        import socket
        from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server
        quiet = self.quiet

        interrupt = {'busy': False, 'pending': False}

        class QuietHandler(WSGIRequestHandler):
            def address_string(self):  # no reverse DNS lookups
                return self.client_address[0]

            def log_request(self, *args, **kw):
                if not quiet:
                    return WSGIRequestHandler.log_request(self, *args, **kw)

            def handle(self):
                # wsgiref turns a KeyboardInterrupt inside the application into a
                # 500 and goes on serving; hold Ctrl-C back until the request is done.
                interrupt['busy'] = True
                try:
                    WSGIRequestHandler.handle(self)
                finally:
                    interrupt['busy'] = False
                if interrupt['pending']:
                    raise KeyboardInterrupt

        def on_sigint(signum, frame):
            if interrupt['busy']:
                interrupt['pending'] = True
            else:
                raise KeyboardInterrupt

        handler_class = self.options.get('handler_class', QuietHandler)
        server_class = self.options.get('server_class', WSGIServer)
        if ':' in self.host and getattr(server_class, 'address_family', None) == socket.AF_INET:
            class IPv6Server(server_class):  # type: ignore[valid-type,misc]  # a class chosen at run time
                address_family = socket.AF_INET6
            server_class = IPv6Server
        self.srv = make_server(self.host, self.port, app, server_class, handler_class)
        self.port = self.srv.server_port  # the real port if 0 was asked for
        import signal
        previous_handler = None
        if (threading.current_thread() is threading.main_thread()
                and signal.getsignal(signal.SIGINT) is signal.default_int_handler):
            previous_handler = signal.signal(signal.SIGINT, on_sigint)
        try:
            self.srv.serve_forever()
        except KeyboardInterrupt:
            self.srv.server_close()
            raise
        finally:
            if previous_handler is not None:
                signal.signal(signal.SIGINT, previous_handler)


class WaitressServer(ServerAdapter):
    """Run the application with ``waitress``."""

    requires = ('waitress',)

    def run(self, handler: _WSGIApplication) -> None:
        waitress = _require(*self.requires)
        waitress.serve(handler, host=self.host, port=self.port, _quiet=self.quiet, **self.options)


class PasteServer(ServerAdapter):
    """Run the application with Paste's ``httpserver``."""

    requires = ('paste', 'paste.httpserver')

    def run(self, handler: _WSGIApplication) -> None:
        httpserver = _require(*self.requires)
        from paste.translogger import TransLogger

        class RawPathHandler(httpserver.WSGIHandler):  # type: ignore[name-defined]  # imported at run time
            """Paste decodes the path as UTF-8, losing invalid bytes; use the raw one."""

            def wsgi_setup(self, environ=None):
                httpserver.WSGIHandler.wsgi_setup(self, environ)
                path = _native_path(self.path.split('?', 1)[0].split('#', 1)[0])
                normalized = posixpath.normpath(path)
                if path.endswith('/') and normalized != '/':
                    normalized += '/'
                self.wsgi_environ['PATH_INFO'] = normalized

        import posixpath
        self.options.setdefault('handler', RawPathHandler)
        handler = TransLogger(handler, setup_console_handler=not self.quiet)
        httpserver.serve(handler, host=self.host, port=str(self.port), **self.options)


def _cheroot_server(host: str, port: int, handler: _WSGIApplication, options: dict[str, Any]
                    ) -> Any:
    wsgi = _require('cheroot', 'cheroot.wsgi')
    certfile = options.pop('certfile', None)
    keyfile = options.pop('keyfile', None)
    chainfile = options.pop('chainfile', None)
    server = wsgi.Server(bind_addr=(host, port), wsgi_app=handler, **options)
    if certfile and keyfile:
        from cheroot.ssl.builtin import BuiltinSSLAdapter
        server.ssl_adapter = BuiltinSSLAdapter(certfile, keyfile, chainfile)
    return server


class CherootServer(ServerAdapter):
    """Run the application with ``cheroot`` (options ``certfile``/``keyfile`` enable TLS)."""

    requires = ('cheroot', 'cheroot.wsgi')

    def run(self, handler: _WSGIApplication) -> None:
        server = _cheroot_server(self.host, self.port, handler, dict(self.options))
        try:
            server.start()
        finally:
            server.stop()


class CherryPyServer(ServerAdapter):
    """Run the application with CherryPy's WSGI server (cheroot in current releases)."""

    requires = ('cherrypy',)

    def run(self, handler: _WSGIApplication) -> None:
        _require(*self.requires)
        CherootServer.run(self, handler)  # type: ignore[arg-type]  # it has what run() uses


class MeinheldServer(ServerAdapter):
    """Run the application with ``meinheld``."""

    requires = ('meinheld', 'meinheld.server')

    def run(self, handler: _WSGIApplication) -> None:
        server = _require(*self.requires)
        server.listen((self.host, self.port))
        server.run(handler)


class FapwsServer(ServerAdapter):
    """Run the application with ``fapws3``."""

    requires = ('fapws3', 'fapws._evwsgi')

    def run(self, handler: _WSGIApplication) -> None:
        evwsgi = _require(*self.requires)
        from fapws import base, config
        evwsgi.start(self.host, str(self.port))
        evwsgi.set_base_module(base)

        def app(environ, start_response):
            environ['wsgi.multiprocess'] = False
            return handler(environ, start_response)
        evwsgi.wsgi_cb(('', app))
        evwsgi.run()
        del config


class TornadoServer(ServerAdapter):
    """Run the application in ``tornado``'s WSGI container."""

    requires = ('tornado',)

    def run(self, handler: _WSGIApplication) -> None:
        _require(*self.requires)
        import tornado.httpserver
        import tornado.ioloop
        import tornado.wsgi
        container = tornado.wsgi.WSGIContainer(handler)
        server = tornado.httpserver.HTTPServer(container)
        server.listen(port=self.port, address=self.host)
        tornado.ioloop.IOLoop.current().start()


class AppEngineServer(ServerAdapter):
    """Deprecated: Google App Engine runs WSGI applications directly."""

    quiet = True

    def run(self, handler: _WSGIApplication) -> None:
        depr(0, 13, 'AppEngineServer no longer required',
             'Configure your application directly in your app.yaml')
        util = _require('google.appengine', 'google.appengine.ext.webapp.util',
                        'It is part of the Google App Engine Python SDK.')
        module = sys.modules.get('__main__')
        if module and not hasattr(module, 'main'):
            module.main = lambda: util.run_wsgi_app(handler)  # type: ignore[attr-defined]  # a new attribute
        util.run_wsgi_app(handler)


class TwistedServer(ServerAdapter):
    """Run the application in ``twisted.web``'s WSGI resource on a thread pool."""

    requires = ('twisted',)

    def run(self, handler: _WSGIApplication) -> None:
        _require(*self.requires)
        from twisted.internet import reactor as the_reactor
        from twisted.python.threadpool import ThreadPool
        from twisted.web import server, wsgi
        # (Twisted types its reactor module as an interface: its calls do not type-check.)
        reactor: Any = the_reactor
        thread_pool = ThreadPool()
        thread_pool.start()
        reactor.addSystemEventTrigger('after', 'shutdown', thread_pool.stop)
        factory = server.Site(wsgi.WSGIResource(reactor, thread_pool, handler))
        reactor.listenTCP(self.port, factory, interface=self.host)
        if not reactor.running:
            reactor.run()


class DieselServer(ServerAdapter):
    """Run the application with ``diesel``."""

    requires = ('diesel', 'diesel.protocols.wsgi')

    def run(self, handler: _WSGIApplication) -> None:
        wsgi = _require(*self.requires)
        wsgi.WSGIApplication(handler, port=self.port).run()


class GeventServer(ServerAdapter):
    """Run the application with ``gevent``'s pywsgi server.

    gevent's monkey patching must happen before bottle is imported, or the
    thread-local request and response objects would be shared between
    greenlets; RuntimeError says so.
    """

    requires = ('gevent',)

    def run(self, handler: _WSGIApplication) -> None:
        _require(*self.requires)
        from gevent import local, pywsgi
        if not isinstance(threading.local(), local.local):
            raise RuntimeError('Bottle requires gevent.monkey.patch_all() (before import)')
        if self.quiet:
            self.options['log'] = None
        server = pywsgi.WSGIServer((self.host, self.port), handler, **self.options)
        import signal
        if _in_reloader_child():  # the reloader's file checker interrupts the main thread
            signal.signal(signal.SIGINT, lambda signum, frame: server.stop())
        elif threading.current_thread() is threading.main_thread():
            # Ctrl-C stops the server from gevent's loop, whichever greenlet is running
            # (a KeyboardInterrupt in a connection's greenlet would only end that one).
            import gevent
            gevent.signal_handler(signal.SIGINT, server.stop)
        server.serve_forever()


class GunicornServer(ServerAdapter):
    """Run the application with ``gunicorn`` (options become gunicorn settings)."""

    requires = ('gunicorn', 'gunicorn.app.base')

    def run(self, handler: _WSGIApplication) -> None:
        base = _require(*self.requires)
        config = {'bind': '%s:%d' % (self.host, self.port)}
        config.update(self.options)

        class GunicornApplication(base.BaseApplication):  # type: ignore[name-defined]  # imported at run time
            def load_config(self):
                for key, value in config.items():
                    self.cfg.set(key.lower(), value)

            def load(self):
                return handler
        GunicornApplication().run()


class EventletServer(ServerAdapter):
    """Run the application with ``eventlet`` (monkey patching must happen before import)."""

    requires = ('eventlet',)

    def run(self, handler: _WSGIApplication) -> None:
        _require(*self.requires)
        from eventlet import listen, patcher, wsgi
        if not patcher.is_monkey_patched(os):
            raise RuntimeError('Bottle requires eventlet.monkey_patch() (before import)')
        socket_args: dict[str, Any] = {}
        for arg in ('backlog', 'family'):
            if arg in self.options:
                socket_args[arg] = self.options.pop(arg)
        address = (self.host, self.port)
        self._stop_on_ctrl_c()
        wsgi.server(listen(address, **socket_args), handler, log_output=not self.quiet)

    @staticmethod
    def _stop_on_ctrl_c() -> None:
        """Make Ctrl-C end the server's accept loop in the main greenthread, whichever
        greenthread it interrupts (a connection's would swallow it)."""
        import signal
        import greenlet
        from eventlet import hubs
        main_greenlet = greenlet.getcurrent()
        hub = hubs.get_hub()

        def keep_hub_awake() -> None:
            # The hub sleeps until its next timer (a minute when idle): this one bounds
            # the sleep, so the interrupt the handler schedules runs within half a second.
            hub.schedule_call_global(0.5, keep_hub_awake)

        def on_sigint(signum: int, frame: Any) -> None:
            hub.schedule_call_global(0, main_greenlet.throw, KeyboardInterrupt)
        try:
            signal.signal(signal.SIGINT, on_sigint)
        except ValueError:  # not the main thread (patched threading cannot tell: ask signal)
            return
        keep_hub_awake()


class BjoernServer(ServerAdapter):
    """Run the application with ``bjoern``."""

    requires = ('bjoern',)

    def run(self, handler: _WSGIApplication) -> None:
        bjoern = _require(*self.requires)
        bjoern.run(handler, self.host, self.port, reuse_port=True)


class AsyncioServerAdapter(ServerAdapter):
    """Base class for servers that run on an asyncio event loop."""

    def get_event_loop(self) -> Any:
        """Return the event loop to run the server on."""
        pass


class AiohttpServer(AsyncioServerAdapter):
    """Run the application with ``aiohttp`` through ``aiohttp-wsgi``."""

    requires = ('aiohttp-wsgi', 'aiohttp_wsgi.wsgi')

    def get_event_loop(self) -> Any:
        import asyncio
        return asyncio.new_event_loop()

    def run(self, handler: _WSGIApplication) -> None:
        import asyncio
        wsgi = _require(*self.requires)
        self.loop = self.get_event_loop()
        asyncio.set_event_loop(self.loop)
        if 'BOTTLE_CHILD' in os.environ:
            import signal
            signal.signal(signal.SIGINT, lambda signum, frame: self.loop.stop())
        wsgi.serve(_with_path_info_from_raw_uri(handler), host=self.host, port=self.port,
                   **self.options)


class AiohttpUVLoopServer(AiohttpServer):
    """Like :class:`AiohttpServer`, on a ``uvloop`` event loop."""

    def get_event_loop(self) -> Any:
        uvloop = _require('uvloop')
        return uvloop.new_event_loop()


class AutoServer(ServerAdapter):
    """Run the first server of :attr:`adapters` that can be imported."""

    adapters: list[type[ServerAdapter]] = [WaitressServer, PasteServer, TwistedServer,
                                           CherryPyServer, CherootServer, WSGIRefServer]

    def run(self, handler: _WSGIApplication) -> None:
        for adapter in self.adapters:
            try:
                return adapter(self.host, self.port, **self.options).run(handler)
            except ImportError:
                pass


#: The server adapters :func:`run` and the command line know, by name.
server_names: dict[str, type[ServerAdapter]] = {
    'cgi': CGIServer,
    'flup': FlupFCGIServer,
    'wsgiref': WSGIRefServer,
    'waitress': WaitressServer,
    'cherrypy': CherryPyServer,
    'cheroot': CherootServer,
    'paste': PasteServer,
    'fapws3': FapwsServer,
    'tornado': TornadoServer,
    'gae': AppEngineServer,
    'twisted': TwistedServer,
    'diesel': DieselServer,
    'meinheld': MeinheldServer,
    'gunicorn': GunicornServer,
    'eventlet': EventletServer,
    'gevent': GeventServer,
    'bjoern': BjoernServer,
    'aiohttp': AiohttpServer,
    'uvloop': AiohttpUVLoopServer,
    'auto': AutoServer,
}


# ------------------------------------------------------- Application control ----
# Loading applications from import strings, starting a server with run(), and the
# auto-reloader that restarts a child process when a module file changes.

def load(target: str, **namespace: Any) -> Any:
    """Import a module or fetch an object from one, by import string.

    ``'package.module'`` returns the module, ``'package.module:name'`` an
    attribute of it, and ``'package.module:expression'`` evaluates the
    expression (e.g. ``make_app(debug=True)``) in the module's namespace plus
    ``namespace``.

    :raises ImportError: the module cannot be imported.
    :raises AttributeError: the module has no such name.
    """
    module_name, _, expression = target.partition(':')
    import importlib
    module = sys.modules.get(module_name) or importlib.import_module(module_name)
    if not expression:
        return module
    if expression.isidentifier():
        return getattr(module, expression)
    # The expression may name the top-level package, as 0.13's "package.module.expr" did.
    top_level = module_name.split('.', 1)[0]
    namespace.setdefault(top_level, sys.modules[top_level])
    return eval(expression, dict(vars(module)), namespace)


def load_app(target: str) -> Any:
    """Load a WSGI application from an import string (see :func:`load`).

    While the module is imported, ``run()`` does nothing and a fresh default
    application is pushed; if the target is not callable, that default
    application (with the routes the module added) is returned.
    """
    global NORUN
    NORUN, norun_before = True, NORUN
    temporary = default_app.push()
    try:
        loaded = load(target)
        return loaded if callable(loaded) else temporary
    finally:
        default_app.remove(temporary)
        NORUN = norun_before


_debug = debug


def run(app: _WSGIApplication | str | None = None,
        server: str | type[ServerAdapter] | ServerAdapter = 'wsgiref', host: str = '127.0.0.1',
        port: int = 8080, interval: float = 1, reloader: bool = False, quiet: bool = False,
        plugins: Iterable[_Plugin] | None = None, debug: bool | None = None,
        config: Mapping[str, Any] | None = None, **kargs: Any) -> None:
    """Start a server for an application and serve until Ctrl-C.

    :param app: a WSGI application or import string (default: the default app).
    :param server: a server adapter name from ``server_names``, class or instance.
    :param host: the address to bind to (``0.0.0.0`` for all interfaces).
    :param port: the port to bind to.
    :param reloader: restart the server (in a child process) when a module changes.
    :param interval: how often (seconds) the reloader checks for changes.
    :param quiet: suppress the startup banner and request logs.
    :param plugins: plugins (objects or import strings) to install.
    :param debug: switch debug mode on or off.
    :param config: a dict merged into the application config.
    :param kargs: options for the server adapter.

    :raises ValueError: the application is not callable, or the server unknown.
    :raises ImportError: the server's package is not installed.
    """
    if NORUN:
        return
    if reloader and not _in_reloader_child():
        return _run_reloader_parent(interval)
    try:
        if debug is not None:
            _debug(debug)
        application = _prepared_app(app, plugins, config)
        adapter = _server_adapter(server, host, port, kargs)
        adapter.quiet = adapter.quiet or quiet
        if not adapter.quiet:
            _announce(adapter)
        if reloader:
            _serve_in_reloader_child(adapter, application, interval)
        else:
            adapter.run(application)
    except KeyboardInterrupt:  # Ctrl-C: the server has stopped
        pass
    except BaseException as failure:
        if not reloader or isinstance(failure, (SystemExit, MemoryError)):
            raise
        import traceback
        traceback.print_exc()
        sys.exit(1)  # the reloader parent starts a new child once a file changes


def _in_reloader_child() -> bool:
    """True in the child process the reloader started (it serves; the parent watches)."""
    return bool(os.environ.get('BOTTLE_CHILD'))


def _prepared_app(app, plugins, config):
    """The application for :func:`run`: loaded if it is an import string, with the
    extra plugins installed and ``config`` merged."""
    application = app or default_app()
    if isinstance(application, str):
        application = load_app(application)
    if not callable(application):
        raise ValueError('Application is not callable: %r' % application)
    for plugin in plugins or ():
        application.install(load(plugin) if isinstance(plugin, str) else plugin)
    if config:
        application.config.update(config)
    return application


def _server_adapter(server: str | type[ServerAdapter] | ServerAdapter, host: str, port: int,
                    options: dict[str, Any]) -> ServerAdapter:
    """A ServerAdapter instance from a name in ``server_names``, an import string, a
    ServerAdapter class (made with host, port and ``options``) or an instance."""
    adapter = server_names.get(server, server) if isinstance(server, str) else server
    if isinstance(adapter, str):
        try:
            adapter = load(adapter)
        except (ImportError, AttributeError, SyntaxError) as problem:
            raise ValueError('Unknown server %r (%s). Known names: %s'
                             % (server, problem, ', '.join(sorted(server_names)))) from None
    if isinstance(adapter, type):
        adapter = adapter(host=host, port=port, **options)
    if not isinstance(adapter, ServerAdapter):
        raise ValueError('Unknown or unsupported server: %r' % (server,))
    return adapter


def _announce(adapter: ServerAdapter) -> None:
    """The start-up banner on stderr."""
    shown_host = '[%s]' % adapter.host if ':' in adapter.host else adapter.host
    _stderr('Bottle v%s server starting up (using %r)...\nListening on http://%s:%d/\n'
            'Hit Ctrl-C to quit.\n\n' % (__version__, adapter, shown_host, adapter.port))


def _serve_in_reloader_child(adapter: ServerAdapter, application: _WSGIApplication,
                             interval: float) -> None:
    """Serve in the reloader's child process: a FileCheckerThread interrupts the
    server when a module changes; then exit with status 3 to be started again."""
    import signal
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        # Started in the background (nohup, `&` in a script): the checker stops this
        # process with a simulated Ctrl-C, which must not be ignored.
        signal.signal(signal.SIGINT, signal.default_int_handler)
    checker = FileCheckerThread(os.environ.get('BOTTLE_LOCKFILE'), interval)
    with checker:
        adapter.run(application)
    if checker.status == 'reload':
        sys.exit(3)


def _watched_files() -> dict[str, float]:
    """Map the source file of every loaded module to its modification time."""
    files: dict[str, float] = {}
    for module in list(sys.modules.values()):
        path = getattr(module, '__file__', None) or ''
        if path.endswith(('.pyc', '.pyo')):
            path = path[:-1]
        try:
            files[path] = os.stat(path).st_mtime
        except (OSError, ValueError):
            pass
    return files


def _child_command() -> list[str]:
    """The command line that starts this program again as the reloader's child:
    ``python -m package`` if it was started that way, else ``python script``."""
    command = [sys.executable] + sys.argv
    main_module = sys.modules.get('__main__')
    spec = getattr(main_module, '__spec__', None)
    module_name = spec.name if spec is not None else getattr(main_module, '__package__', None)
    if module_name:
        if module_name.endswith('.__main__'):
            module_name = module_name[:-len('.__main__')]
        command[1:2] = ['-m', module_name]
    return command


def _run_reloader_parent(interval: float) -> None:
    """The parent side of the reloader: (re)start the child process until it exits for good.

    The child exits with code 3 to be restarted. If it dies for another
    reason (a syntax error in an edited module, say), the parent stays alive
    and starts it again once one of the watched files changes. The child
    knows the parent is alive by the lock file, which the parent touches
    every ``interval`` seconds and removes when it stops.
    """
    import signal
    import subprocess
    import tempfile
    descriptor, lockfile = tempfile.mkstemp(prefix='bottle.', suffix='.lock')
    os.close(descriptor)  # only its existence and modification time matter
    child_environ = dict(os.environ, BOTTLE_CHILD='true', BOTTLE_LOCKFILE=lockfile)
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    try:
        _supervise_children(subprocess, lockfile, child_environ, interval)
    except KeyboardInterrupt:  # Ctrl-C reaches the child too (one process group): both stop
        pass
    finally:
        try:
            os.unlink(lockfile)
        except FileNotFoundError:
            pass


def _supervise_children(subprocess: ModuleType, lockfile: str, child_environ: dict[str, str],
                        interval: float) -> None:
    """Start the child, keep the lock file fresh while it runs, and start it again
    when it exits to reload (status 3) or, after a failure, when a file changes.
    Returns when the lock file is gone; exits with the child's status when it ends
    for good."""
    while os.path.exists(lockfile):
        watched = _watched_files()
        child = subprocess.Popen(_child_command(), env=child_environ)
        while child.poll() is None:
            os.utime(lockfile, None)  # tell the child that the parent is alive
            time.sleep(interval)
        if child.returncode == 3:  # a module changed: start it again right away
            continue
        if child.returncode == 0 or not os.path.exists(lockfile):
            sys.exit(child.returncode)
        _stderr('Child process exited with code %d; waiting for a file change to restart.\n'
                % child.returncode)
        while _watched_files() == watched:
            time.sleep(interval)


class FileCheckerThread(threading.Thread):
    """Interrupt the main thread when a module file changes (status ``reload``) or
    the reloader's lock file goes stale (status ``error``)."""

    def __init__(self, lockfile: str | None, interval: float) -> None:
        threading.Thread.__init__(self)
        self.daemon = True
        self.lockfile, self.interval = lockfile, interval
        #: None while running, then one of 'reload', 'error' or 'exit'.
        self.status: str | None = None

    def run(self) -> None:
        import _thread
        watched = _watched_files()
        while not self.status:
            try:
                stale = os.stat(self.lockfile).st_mtime < time.time() - self.interval - 5  # type: ignore[arg-type]  # None: TypeError
            except (OSError, TypeError):
                stale = True
            if stale:
                self.status = 'error'
                _thread.interrupt_main()
                break
            for path, mtime in watched.items():
                try:
                    changed = os.stat(path).st_mtime > mtime
                except OSError:
                    changed = True
                if changed:
                    self.status = 'reload'
                    _thread.interrupt_main()
                    break
            time.sleep(self.interval)

    def __enter__(self) -> None:
        self.start()

    def __exit__(self, exc_type: type[BaseException] | None, *_: Any) -> bool:
        if not self.status:
            self.status = 'exit'  # a silent exit
        self.join()
        return exc_type is not None and issubclass(exc_type, KeyboardInterrupt)


# --------------------------------------------------------------------- Templates ----
# The SimpleTemplate engine (parser, compiler, renderer), the Jinja2, Mako and
# Cheetah adapters, template() and view(), and the template search path and cache.


class TemplateError(BottleException):
    """A template could not be found, read or rendered by the template machinery."""


class StplSyntaxError(TemplateError, SyntaxError):
    """A SimpleTemplate source is not valid; the message names the template and line.

    It is a :exc:`SyntaxError` too (with ``filename``, ``lineno`` and ``text``
    where known), so code that catches SyntaxError around compiling a
    template keeps working.
    """

    __str__ = Exception.__str__  # the whole message, not SyntaxError's "msg (line n)"


#: Directories searched for template files, in order.
TEMPLATE_PATH = ['./', './views/']
#: Compiled templates by (adapter, name or source, lookup path). :func:`template`
#: fills it (except in debug mode); clear it to pick up changed template files.
TEMPLATES: dict[tuple[Any, ...], BaseTemplate] = {}

#: How deeply templates may include or rebase each other before we call it a cycle.
_MAX_TEMPLATE_NESTING = 100


def _read_template_file(filename, encoding):
    """Return the text of template file ``filename`` decoded with ``encoding``.

    Raises TemplateError if the file cannot be read or is not valid ``encoding``.
    """
    try:
        with open(filename, 'rb') as handle:
            data = handle.read()
    except (IOError, OSError) as error:
        raise TemplateError('Template file %r cannot be read: %s' % (filename, error)) from error
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise TemplateError(
            'Template file %r is not valid %s: byte 0x%02x at position %d cannot be decoded.'
            ' Save it as UTF-8 or pass encoding=... for its real encoding.'
            % (filename, encoding, data[error.start], error.start)) from error
    except LookupError:
        raise TemplateError('Unknown template encoding %r for %r.' % (encoding, filename)) from None


class BaseTemplate(object):
    """Base class and interface of all template adapters.

    A template is created from a ``source`` string or a ``name`` looked up in the
    directories of ``lookup`` (with each of :attr:`extensions` tried when the
    name has none). ``settings`` go to :meth:`prepare` together with the class-wide
    settings of :meth:`global_config`. :meth:`render` fills the template with
    :attr:`defaults`, then the dicts and keywords it is given.

    :raises TemplateError: the name is not found or neither source nor name is given.
    """
    #: File extensions tried when a template name has none.
    extensions = ['tpl', 'html', 'thtml', 'stpl']
    #: Settings for every template of a class, see :meth:`global_config`.
    settings: dict[str, Any] = {}
    #: Variables every template (of every adapter) gets unless overridden.
    defaults: dict[str, Any] = {}
    if TYPE_CHECKING:
        _template_settings: dict[str, Any]  # what template() compiled it with

    def __init__(self, source: str | bytes | None = None, name: str | None = None,
                 lookup: str | Iterable[str] | None = None, encoding: str = 'utf8',
                 **settings: Any) -> None:
        self.name = name
        self.encoding = encoding
        if isinstance(source, bytes):
            try:
                source = source.decode(encoding)
            except UnicodeDecodeError as error:
                raise TemplateError('Template source is not valid %s: %s'
                                    % (encoding, error)) from error
        self.source: str | None = source
        self.filename: str | None = None
        self.lookup = [os.path.abspath(path) for path in makelist(lookup)] if lookup else []
        if not source and name:
            self.filename = self.search(name, self.lookup)
            if not self.filename:
                if not self.lookup:
                    raise TemplateError('Template %r not found: the template lookup path is'
                                        ' empty.' % (name,))
                raise TemplateError('Template %r not found. Lookup path: %s'
                                    % (name, ', '.join(self.lookup)))
        if not source and not self.filename:
            raise TemplateError('No template specified.')
        self.settings = dict(self.settings)
        self.settings.update(settings)
        self.prepare(**self.settings)

    @classmethod
    def search(cls, name: str, lookup: Iterable[str] | None = None) -> str | None:
        """Return the absolute path of template ``name`` in the directories ``lookup``.

        The name is tried as given, then with each of :attr:`extensions`
        appended; the first directory that has a match wins. Names that would
        leave a lookup directory (``../x``, absolute paths elsewhere) never match.
        Returns None if nothing is found.
        """
        for directory in lookup or ():
            root = os.path.join(os.path.abspath(directory), '')
            base = os.path.abspath(os.path.join(root, name))
            if not base.startswith(root):
                continue
            if os.path.isfile(base):
                return base
            for extension in cls.extensions:
                candidate = '%s.%s' % (base, extension)
                if os.path.isfile(candidate):
                    return candidate
        return None

    @classmethod
    def global_config(cls, key: str, *args: Any) -> Any:
        """Read (``global_config(key)``) or set (``global_config(key, value)``) a
        setting for all templates of this class created afterwards.

        :raises KeyError: reading a setting that was never set.
        """
        if 'settings' not in cls.__dict__:
            cls.settings = dict(cls.settings)  # a subclass gets its own copy
        if args:
            cls.settings[key] = args[0]
        else:
            return cls.settings[key]

    def prepare(self, **options: Any) -> None:
        """Compile or load the template; called once by the constructor with the
        settings. Adapters override it.

        :raises NotImplementedError: always, on the base class.
        """
        raise NotImplementedError('%s does not implement prepare().' % type(self).__name__)

    def render(self, *args: Mapping[str, Any], **kwargs: Any) -> str:
        """Render the template with the variables of the dicts ``args`` and the
        keyword arguments and return the text. Adapters override it.

        :raises NotImplementedError: always, on the base class.
        """
        raise NotImplementedError('%s does not implement render().' % type(self).__name__)


# SimpleTemplate -------------------------------------------------------------

def _stpl_text(value: Any) -> str:
    """``{{!expr}}`` with default settings: the value as text, None as ''."""
    if value.__class__ is str:
        return value
    if value is None:
        return ''
    return value.decode('utf8') if isinstance(value, bytes) else str(value)


def _stpl_escaped(value: Any) -> str:
    """``{{expr}}`` with default settings: ``html_escape(_stpl_text(value))`` in one call."""
    kind = value.__class__
    if kind is str:
        # Testing before replacing is faster than five unconditional replaces.
        if '&' in value:
            value = value.replace('&', '&amp;')
        if '<' in value:
            value = value.replace('<', '&lt;')
        if '>' in value:
            value = value.replace('>', '&gt;')
        if '"' in value:
            value = value.replace('"', '&quot;')
        if "'" in value:
            value = value.replace("'", '&#039;')
        return value
    if kind is int:
        return str(value)  # digits and a minus sign need no escaping
    return _stpl_escaped(_stpl_text(value))


#: Names whose use in a template means it needs the per-render helper functions.
_NAMES_NEEDING_HELPERS = frozenset((
    'include', 'rebase', 'get', 'setdefault', 'defined',
    'globals', 'locals', 'vars', 'dir', 'eval', 'exec', '__import__'))


class SimpleTemplate(BaseTemplate):
    """The built-in template engine ("stpl"): Python code lines and blocks and
    ``{{expression}}`` substitutions in text, compiled once to Python byte code.

    Settings (see :meth:`prepare`): ``escape_func``, ``noescape``, ``syntax``.
    Inside a template the helpers ``include(name, **vars)``,
    ``rebase(name, **vars)``, ``defined(name)``, ``get(name, default=None)``,
    ``setdefault(name, value)`` and the output list ``_stdout`` are available.
    """

    def prepare(self, escape_func: Callable[[str], str] = html_escape, noescape: bool = False,
                syntax: str | None = None, **ka: Any) -> None:
        """Set up escaping and syntax (the constructor calls this with the settings).

        :param escape_func: turns the text of ``{{expr}}`` into HTML-safe text.
        :param noescape: swap the meaning of ``{{expr}}`` (now raw) and ``{{!expr}}``
            (now escaped).
        :param syntax: five space-separated tokens: block start, block end, line
            start, inline start, inline end (default ``'<% %> % {{ }}'``).
        """
        #: Included and base templates by name, compiled once for this template.
        self.cache: dict[str, SimpleTemplate] = {}
        self.syntax = syntax
        encoding = self.encoding
        if escape_func is html_escape and encoding in ('utf8', 'utf-8'):
            self._str, self._escape = _stpl_text, _stpl_escaped
        else:
            def text(value: Any) -> str:
                return touni(value, encoding)

            def escaped(value: Any) -> str:
                return escape_func(touni(value, encoding))
            self._str, self._escape = text, escaped
        if noescape:
            self._str, self._escape = self._escape, self._str
        self._helpers = {'_str': self._str, '_escape': self._escape, '_rebase': None}
        self._chain = (self.name or '<string>',)
        if syntax is not None:
            StplParser('', syntax=syntax)  # fail early on a malformed syntax setting

    @cached_property
    def code(self) -> str:
        """The Python source the template compiles to (one line per template line)."""
        source = self.source
        if source is None:
            source = _read_template_file(self.filename, self.encoding)
        try:
            return StplParser(source, syntax=self.syntax, encoding=self.encoding).translate()
        except StplSyntaxError as error:
            raise self._syntax_error_for(error) from None

    @cached_property
    def co(self) -> CodeType:
        """The compiled code object of :attr:`code`.

        :raises StplSyntaxError: the template's Python is not valid; the message
            names the template, the line and shows it.
        """
        code = self.code
        try:
            return compile(code, self._code_filename(), 'exec', dont_inherit=True)
        except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
            raise self._syntax_error_for(error) from None

    def _code_filename(self) -> str:
        """The file name tracebacks show for this template's code."""
        if self.filename:
            return self.filename
        return '<template %s>' % (self.name,) if self.name else '<template>'

    def _syntax_error_for(self, error: BaseException) -> StplSyntaxError:
        """The StplSyntaxError to raise for ``error``: template, line and its text in the
        message, and as the SyntaxError attributes ``filename``, ``lineno`` and ``text``."""
        failure = StplSyntaxError(self._describe_syntax_error(error))
        failure.filename = self.filename or self.name or '<string>'
        failure.lineno = getattr(error, 'lineno', None)
        failure.msg = getattr(error, 'msg', None) or str(error)
        failure.text = self._template_line(failure.lineno)
        return failure

    def _template_line(self, lineno: int | None) -> str | None:
        """The text of template line ``lineno`` (1-based), or None."""
        if not lineno:
            return None
        source = self.source
        if source is None:
            source = _read_template_file(self.filename, self.encoding)
        lines = source.split('\n')
        return lines[lineno - 1].strip() if lineno <= len(lines) else ''

    def _describe_syntax_error(self, error: BaseException) -> str:
        """The StplSyntaxError message for ``error``: template, line and its text."""
        where = 'template %r' % (self.filename or self.name or '<string>',)
        lineno = getattr(error, 'lineno', None)
        if not lineno:
            return 'Invalid %s: %s' % (where, error)
        message = getattr(error, 'msg', None) or str(error)
        return 'Syntax error in %s, line %d: %s\n    %s' % (where, lineno, message,
                                                          self._template_line(lineno))

    def render(self, *args: Mapping[str, Any], **kwargs: Any) -> str:
        """Render with the variables of the dicts ``args``, then ``kwargs`` (which win).

        Exceptions raised by template code propagate unchanged; their traceback
        names the template file and line.
        """
        if args:
            variables = dict(args[0])
            for mapping in args[1:]:
                variables.update(mapping)
            variables.update(kwargs)
        else:
            variables = kwargs  # a fresh dict, ours to fill
        stdout: list[str] = []
        self._execute(stdout, variables, self._chain)
        return ''.join(stdout)

    def execute(self, _stdout: list[str], kwargs: Mapping[str, Any]) -> dict[str, Any]:
        """Run the template with the variables ``kwargs``, appending the output
        text to the list ``_stdout``. Returns the template's namespace.
        """
        return self._execute(_stdout, dict(kwargs), self._chain)

    def _execute(self, stdout: list[str], env: dict[str, Any], chain: tuple[str, ...]
                 ) -> dict[str, Any]:
        """Run the compiled template into ``stdout`` with the variables ``env``,
        a dict it fills with the helpers and the template's own names and
        returns. ``chain`` names the templates that included (or were rebased
        by) this one, outermost first."""
        defaults = self.defaults
        if defaults:
            for key in defaults:
                if key not in env:
                    env[key] = defaults[key]
        env.update(self._helpers)
        env['_stdout'] = stdout
        env['_printlist'] = stdout.extend
        if self._uses_helpers:
            self._add_helpers(env, chain)
        start = len(stdout)
        exec(self.co, env)
        if env.get('_rebase'):
            base_name, base_variables = env['_rebase']
            base_variables['base'] = ''.join(stdout[start:])
            del stdout[start:]
            return self._include(env, chain, base_name, base_variables)
        return env

    def _add_helpers(self, env: dict[str, Any], chain: tuple[str, ...]) -> None:
        """Add the template functions that need the namespace ``env`` to it."""
        def include(_name: str | None = None, **kwargs: Any) -> dict[str, Any]:
            """Render template ``_name`` here with the current variables updated
            with ``kwargs``; return its namespace."""
            return self._include(env, chain, _name, kwargs)

        def rebase(_name: str | None = None, **kwargs: Any) -> None:
            """Render this template's output into template ``_name`` as ``base``."""
            env['_rebase'] = (_name, kwargs)
        env['include'] = include
        env['rebase'] = rebase
        env['get'] = env.get
        env['setdefault'] = env.setdefault
        env['defined'] = env.__contains__

    @cached_property
    def _uses_helpers(self) -> bool:
        """False if the compiled template cannot reach include, rebase, get,
        setdefault or defined (it names none of them and nothing that looks
        names up at run time), so rendering may skip creating them."""
        names: set[str] = set()
        codes = [self.co]
        while codes:
            code = codes.pop()
            names.update(code.co_names)
            codes.extend(const for const in code.co_consts if isinstance(const, type(code)))
        return not names.isdisjoint(_NAMES_NEEDING_HELPERS)

    def _include(self, env, chain, name, variables):
        """Render template ``name`` into ``env``'s output with a copy of ``env``
        updated with ``variables``; return its namespace."""
        if len(chain) > _MAX_TEMPLATE_NESTING:
            raise TemplateError(
                'Templates include or rebase each other more than %d levels deep'
                ' (a cycle?): %s -> ...' % (_MAX_TEMPLATE_NESTING,
                                           ' -> '.join(repr(name) for name in chain[:6])))
        template = self.cache.get(name)
        if template is None:
            template = self.__class__(name=name, lookup=self.lookup, syntax=self.syntax,
                                      encoding=self.encoding)
            self.cache[name] = template
        namespace = env.copy()
        namespace.update(variables)
        return template._execute(env['_stdout'], namespace, chain + (name,))


# The stpl parser ------------------------------------------------------------
# Translates template source to Python source with the same line numbers, so
# compile errors and tracebacks point at template lines. A text line becomes one
# statement appending it to _stdout, {{expr}} inside it _escape(expr) or
# _str(expr); % lines and <% %> blocks are copied with the indentation their
# block keywords (if/for/while/with/def/class/try/match/case ... end) imply.

_BLOCK_OPENERS = frozenset(('if', 'for', 'while', 'with', 'def', 'class', 'try'))
_BLOCK_CONTINUATIONS = frozenset(('elif', 'else', 'except', 'finally'))
# Patterns for the rest of a string literal after its opening quote. They are
# compiled on first use (re caches them) to keep importing bottle fast.
_STRING_BODIES = {
    "'": r"(?:[^'\\\n]|\\.)*'",
    '"': r'(?:[^"\\\n]|\\.)*"',
    "'''": r"(?:[^'\\]|\\.|'(?!''))*'''",
    '"""': r'(?:[^"\\]|\\.|"(?!""))*"""',
}


def _string_end(source: str, pos: int, quote: str) -> int:
    """Position after the string literal whose opening ``quote`` ends at ``pos``
    (the line end, or the source end for triple quotes, if it is never closed)."""
    match = re.compile(_STRING_BODIES[quote], re.S).match(source, pos)
    if match:
        return match.end()
    if len(quote) == 3:
        return len(source)
    newline = source.find('\n', pos)
    return len(source) if newline < 0 else newline


#: Inline expressions per template written as f-string fields (the rest as tuples).
_MAX_FSTRING_FIELDS = 2000


def _fstring_literal(text: str) -> str:
    """``text`` as the literal part of a triple-quoted f-string."""
    literal = repr(text)
    body = literal[1:-1]
    if literal[0] == '"':
        body = body.replace("'", "\\'")
    return body.replace('{', '{{').replace('}', '}}')


def _fstring_safe(expression: str) -> bool:
    """True if ``expression`` may stand in a replacement field of a triple-quoted
    f-string on every supported Python: no backslash, no ``#``, no triple quote
    and no nested f-string (3.9 limits their nesting)."""
    return not ('\\' in expression or '#' in expression or "'''" in expression or
                '\n' in expression or re.search(r'(?<!\w)[rRbB]?[fF][rRbB]?[\'"]', expression))


#: The indentation of a generated line that a statement of an earlier line spans.
_SPANNED = 'spanned'
_TRAILING_END = re.compile(r';\s*end\Z')


def _split_trailing_end(code: str) -> tuple[str, bool]:
    """``(code, True)`` without a trailing ``; end`` if it has one, else ``(code, False)``."""
    match = _TRAILING_END.search(code)
    if match is None or not code[:match.start()].strip():
        return code, False
    return code[:match.start()].rstrip(), True


def _opened_block_kind(word: str, code: str, innermost: str | None, continues: bool
                       ) -> str | None:
    """The kind of block a template code line opens (None for none): ``'block'``,
    ``'match'`` or ``'case'``. ``word`` is its first word, ``innermost`` the kind of
    the innermost open block, ``continues`` whether it continues that block (else)."""
    if continues:
        return 'case' if word == 'case' else 'block'
    if word in _BLOCK_OPENERS or (word == 'async' and
                                  (code[5:].split() or [''])[0] in ('def', 'for', 'with')):
        return 'block'
    if word == 'match' and code.endswith(':'):
        return 'match'
    if word == 'case' and code.endswith(':') and innermost == 'match':
        return 'case'
    return None


def _has_inline_body(code: str) -> bool:
    """True if the compound statement ``code`` (one line, no comment) has its body on the
    line: code after the colon that ends its header (brackets, strings, lambdas and
    ``:=`` are told apart with the tokenizer)."""
    import tokenize
    depth = lambdas = 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(code).readline):
            if token.type == tokenize.NAME and token.string == 'lambda' and depth == 0:
                lambdas += 1
            elif token.type == tokenize.OP and token.string in '([{':
                depth += 1
            elif token.type == tokenize.OP and token.string in ')]}':
                depth -= 1
            elif token.type == tokenize.OP and token.string == ':' and depth == 0:
                if lambdas:
                    lambdas -= 1
                    continue
                return bool(code[token.end[1]:].strip())
    except (tokenize.TokenError, SyntaxError):  # incomplete code: compile() will tell
        return False
    return False


class StplParser(object):
    """Translate SimpleTemplate source to Python source (see :meth:`translate`).

    :param source: the template text (bytes are decoded with ``encoding``).
    :param syntax: five space-separated tokens: block start, block end, line
        start, inline start, inline end; default :attr:`default_syntax`.
    :raises TemplateError: a malformed ``syntax``.
    """
    #: The tokens of the default syntax.
    default_syntax = '<% %> % {{ }}'
    _scanner_cache: dict[str, tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]] = {}

    def __init__(self, source: str | bytes, syntax: str | None = None, encoding: str = 'utf8'
                 ) -> None:
        #: The template text being translated.
        self.source = touni(source, encoding)
        self.encoding = encoding
        self.set_syntax(syntax or self.default_syntax)
        #: Position of the parser in :attr:`source`.
        self.offset = 0
        #: Zero-based template line the parser is on.
        self.lineno = 0
        # per template line: None or [indent level or None, code, comment]
        self._lines: list[list[Any] | None] = []
        self._blocks: list[list[Any]] = []  # open blocks: [kind, has_body]
        # pending output: ('text', str) and ('code', python expression)
        self._text_parts: list[tuple[str, str]] = []
        self._text_line = 0     # template line the pending output statement goes on
        self._open_brackets = 0  # bracket depth of the Python logical line in progress
        self._line_continues = False  # the last code line left its logical line open
        self._next_line_continues = False  # the same for the code line being written
        self._fstring_fields = 0  # inline expressions written as f-string fields so far
        self._code: str | None = None

    def get_syntax(self) -> str:
        """The syntax tokens as one space-separated string."""
        return self._syntax

    def set_syntax(self, syntax: str) -> None:
        """Use the five space-separated ``syntax`` tokens (block start, block end,
        line start, inline start, inline end).

        :raises TemplateError: not five tokens.
        """
        tokens = syntax.split() if isinstance(syntax, str) else []
        if len(tokens) != 5:
            raise TemplateError('Invalid template syntax %r: give five space-separated tokens'
                                ' (block start, block end, line start, inline start,'
                                ' inline end), like %r.' % (syntax, self.default_syntax))
        self._syntax = syntax
        (self._block_start, self._block_end, self._line_start,
         self._inline_start, self._inline_end) = tokens
        scanners = self._scanner_cache.get(syntax)
        if scanners is None:
            code_tokens = re.compile(r"'''|\"\"\"|['\"#()\[\]{}\n]|\\\r?\n|" +
                                     re.escape(self._block_end))
            inline_tokens = re.compile(r"'''|\"\"\"|['\"()\[\]{}\n]|" +
                                       re.escape(self._inline_end))
            # Anything that makes a line more than plain text: a code line or
            # block start (escaped or not), an inline expression, a \\ line end.
            special_line = re.compile(r'^[ \t]*\\?(?:%s|%s)|%s|\\\\\r?$' % (
                re.escape(self._block_start), re.escape(self._line_start),
                re.escape(self._inline_start)), re.M)
            scanners = (code_tokens, inline_tokens, special_line)
            self._scanner_cache[syntax] = scanners
        self._code_tokens, self._inline_tokens, self._special_line = scanners

    syntax = property(get_syntax, set_syntax, doc='The syntax tokens (see :meth:`set_syntax`).')

    def translate(self) -> str:
        """Return the Python source of the template (computed once).

        Line *n* of the result holds the code of template line *n*. Unclosed
        blocks are closed at the end; an ``end`` without a block is ignored.
        """
        if self._code is not None:
            return self._code
        source = self.source
        length = len(source)
        while self.offset < length:
            start = self.offset
            special = self._special_line.search(source, start)
            plain_end = source.rfind('\n', start, special.start()) + 1 if special else length
            if plain_end > start:  # plain text lines up to the next special one
                text = source[start:plain_end]
                lines = text.count('\n')
                self._text_parts.append(('text', text))
                self._text_line = self.lineno + lines - (text[-1] == '\n')
                self.lineno += lines
                self.offset = plain_end
                continue
            newline = source.find('\n', start)
            end = length if newline < 0 else newline + 1
            line = source[start:end]
            body = line.lstrip(' \t')
            indent = len(line) - len(body)
            if body.startswith(self._block_start):
                self.flush_text()
                self.offset = start + indent + len(self._block_start)
                self.read_code(source, multiline=True)
                continue
            if body.startswith(self._line_start) and \
                    not body.startswith(self._line_start + self._line_start):
                self.flush_text()
                self.offset = start + indent + len(self._line_start)
                self.read_code(source, multiline=False)
                continue
            if body.startswith('\\' + self._line_start) or \
                    body.startswith('\\' + self._block_start):
                line = line[:indent] + body[1:]        # \% and \<% are escaped text lines
            elif body.startswith(self._line_start):
                line = line[:indent] + body[len(self._line_start):]  # %% is an escaped %
            if line.endswith('\\\\\n') or line.endswith('\\\\\r\n'):
                # A double backslash ending the line before a code line (or the
                # end of the template) removes the line break.
                if end >= length or self._starts_code(source, end):
                    line = line[:line.rindex('\\\\')]
            self.offset = self._read_text(line, source, end)
            self.lineno += 1
        self.flush_text()
        while self._blocks:
            self._close_block(len(self._lines))
        self._code = '\n'.join(self._render_line(entry) for entry in self._lines
                               if entry is None or entry[0] is not _SPANNED) + '\n'
        return self._code

    def _starts_code(self, source, pos):
        """True if the template line at ``pos`` is a code line or starts a block."""
        newline = source.find('\n', pos)
        body = source[pos:len(source) if newline < 0 else newline].lstrip(' \t')
        if body.startswith(self._block_start):
            return True
        return body.startswith(self._line_start) and \
            not body.startswith(self._line_start + self._line_start)

    # Text -------------------------------------------------------------------

    def _read_text(self, line, source=None, line_end=None):
        """Queue one template text line (with its line end) for output.

        An inline expression that the end of the line leaves open (an open
        bracket or triple-quoted string) goes on over the lines of ``source``
        after ``line_end``, the end of ``line`` in it. Returns the position in
        ``source`` after the last line read.
        """
        inline_start, inline_end = self._inline_start, self._inline_end
        pos = 0
        has_code = False
        while True:
            found = line.find(inline_start, pos)
            if found < 0:
                break
            expr_start = found + len(inline_start)
            expr_end = self._inline_end_at(line, expr_start)
            expression = line[expr_start:expr_end]
            line_start = None if source is None else line_end - len(line)
            if expr_end < 0 and line_start is not None and source.startswith(line, line_start):
                end_in_source = self._open_inline_end(source, line_start + expr_start)
                if end_in_source >= 0:
                    expression = source[line_start + expr_start:end_in_source]
                    self.lineno += expression.count('\n')
                    if found > pos:
                        self._text_parts.append(('text', line[pos:found]))
                    # Go on with the rest of the line the expression ends on.
                    newline = source.find('\n', end_in_source)
                    line_end = len(source) if newline < 0 else newline + 1
                    line_start = source.rfind('\n', 0, end_in_source) + 1
                    line = source[line_start:line_end]
                    found = expr_start = pos = 0
                    expr_end = end_in_source - line_start
            if expr_end < 0:
                self._text_parts.append(('text', line[pos:expr_start]))
                pos = expr_start
                continue
            if found > pos:
                self._text_parts.append(('text', line[pos:found]))
            chunk = expression.strip()
            if not chunk or chunk == '!':
                raise self._syntax_error('empty inline expression %s%s%s' % (
                    inline_start, chunk, inline_end))
            self._text_parts.append(('code', self.process_inline(chunk)))
            has_code = True
            pos = expr_end + len(inline_end)
        if pos < len(line):
            self._text_parts.append(('text', line[pos:]))
        self._text_line = self.lineno
        if has_code:
            self.flush_text()
        return line_end

    def _open_inline_end(self, source, pos):
        """Where an inline expression starting at ``pos`` of ``source`` ends if its first
        line leaves it open (inside brackets or a triple-quoted string): the position of
        the inline end token on a later line, else -1."""
        tokens, inline_end = self._inline_tokens, self._inline_end
        depth, scan, crossed_lines = 0, pos, False
        while True:
            match = tokens.search(source, scan)
            if match is None:
                return -1
            token, found = match.group(), match.start()
            if token == '\n':
                if depth == 0:
                    return -1  # nothing keeps the expression open
                crossed_lines = True
            elif depth == 0 and source.startswith(inline_end, found):
                return found if crossed_lines else -1
            scan = match.end()
            if token[0] in '\'"':
                scan = _string_end(source, scan, token)
                crossed_lines = crossed_lines or '\n' in source[found:scan]
            elif token in '([{':
                depth += 1
            elif token in ')]}':
                if depth == 0:
                    return -1
                depth -= 1


    def _syntax_error(self, message):
        """A StplSyntaxError for the current line, with ``lineno`` and ``msg`` set."""
        error = StplSyntaxError('Template syntax error on line %d: %s' % (self.lineno + 1, message))
        error.lineno = self.lineno + 1
        error.msg = message
        return error

    def _inline_end_at(self, line, pos):
        """Where the inline expression starting at ``pos`` ends: the position of
        the inline end token, or -1 if it does not end on this line.

        Strings and balanced brackets may contain the end token; with unbalanced
        brackets the first end token outside strings ends the expression.
        """
        tokens = self._inline_tokens
        inline_end = self._inline_end
        depth = 0
        scan = pos
        while True:
            match = tokens.search(line, scan)
            if not match or match.group() == '\n':
                break
            token = match.group()
            found = match.start()
            if depth == 0 and line.startswith(inline_end, found):
                return found
            scan = match.end()
            if token[0] in '\'"':
                scan = _string_end(line, scan, token)
            elif token in '([{':
                depth += 1
            elif token in ')]}':
                if depth == 0:
                    break
                depth -= 1
        return self._first_inline_end(line, pos)

    def _first_inline_end(self, line, pos):
        """The first inline end token at or after ``pos`` outside strings, or -1."""
        tokens = self._inline_tokens
        while True:
            match = tokens.search(line, pos)
            if not match or match.group() == '\n':
                return -1
            if line.startswith(self._inline_end, match.start()):
                return match.start()
            pos = match.end()
            if match.group()[0] in '\'"':
                pos = _string_end(line, pos, match.group())

    @staticmethod
    def process_inline(chunk: str) -> str:
        """The Python expression that prints inline code ``chunk`` (the text
        between ``{{`` and ``}}``, stripped): ``_str(expr)`` for ``!expr``,
        else ``_escape(expr)``."""
        if chunk[0] == '!':
            return '_str(%s)' % chunk[1:]
        return '_escape(%s)' % chunk

    def flush_text(self) -> None:
        """Write the queued text and inline expressions as one output statement
        on the line of the last of them (see :meth:`_output_statement`)."""
        parts = self._text_parts
        if not parts:
            return
        self._text_parts = []
        merged: list[tuple[str, str]] = []
        for code, group in itertools.groupby(parts, key=lambda part: part[0] == 'code'):
            if code:
                merged.extend(group)
            else:
                merged.append(('text', ''.join(value for kind, value in group)))
        # Very long statements compile slowly: at most 64 parts each.
        statements = '; '.join(self._output_statement(merged[start:start + 64])
                               for start in range(0, len(merged), 64))
        self._mark_body()
        # An expression over several lines makes the statement as many lines long: it
        # starts that much earlier, so that the lines after it keep their numbers.
        extra_lines = statements.count('\n')
        first_line = self._text_line - extra_lines
        self._set_line(first_line, self._depth(), statements)
        for lineno in range(first_line + 1, self._text_line + 1):
            self._set_line(lineno, _SPANNED, '')

    def _output_statement(self, parts):
        """One statement appending ``parts`` (('text', str) or ('code', expression))
        to the output: text alone is appended to ``_stdout``; text with
        expressions becomes one f-string appended to ``_stdout`` (the fastest
        form, and fewer pieces to join), or a tuple for ``_printlist`` when an
        expression cannot stand in an f-string on Python 3.9 or the template
        already has many f-string fields (Python 3.12 compiles a great many of
        them in quadratic time)."""
        if len(parts) == 1 and parts[0][0] == 'text':
            return '_stdout.append(%r)' % (parts[0][1],)
        fields = sum(1 for kind, value in parts if kind == 'code')
        if self._fstring_fields + fields <= _MAX_FSTRING_FIELDS and \
                all(kind == 'text' or _fstring_safe(value) for kind, value in parts):
            self._fstring_fields += fields
            return "_stdout.append(f'''%s''')" % ''.join(
                _fstring_literal(value) if kind == 'text' else '{(%s)}' % value
                for kind, value in parts)
        return '_printlist((%s,))' % ', '.join(
            repr(value) if kind == 'text' else value for kind, value in parts)

    # Code -------------------------------------------------------------------

    def read_code(self, pysource: str, multiline: bool) -> None:
        """Read Python code at :attr:`offset` of ``pysource`` and write it out: the
        rest of a ``%`` line (``multiline`` false) or a ``<% %>`` block up to the
        block end token that ends a line (``multiline`` true; a block never
        closed runs to the end of the template). Advances :attr:`offset` past it.
        """
        length = len(pysource)
        while True:
            start = self.offset
            code_end, next_pos, comment, block_closed = self._scan_code(pysource, start, multiline)
            pieces = pysource[start:code_end].split('\n')
            self.write_code(pieces[0].rstrip('\r'), comment if len(pieces) == 1 else '')
            for number, piece in enumerate(pieces[1:], 1):
                last = number == len(pieces) - 1
                self._set_line(self.lineno + number, None, piece.rstrip('\r') if not last
                               else piece.rstrip(), comment if last else '')
            self.lineno += len(pieces) - 1 + (next_pos > code_end and
                                               pysource[next_pos - 1] == '\n')
            self.offset = next_pos
            if not multiline or block_closed or next_pos >= length:
                return
            while self.offset < length and pysource[self.offset] in ' \t':
                self.offset += 1

    def _scan_code(self, source, pos, multiline):
        """Scan Python code from ``pos`` to its line end outside strings.

        Returns ``(code_end, next_pos, comment, block_closed)``: where the code
        ends, where the next template line starts, the comment text and whether
        the block end token ended a ``<% %>`` block. Tracks bracket depth and
        backslash continuations in ``self._open_brackets`` and ``self._line_continues``.
        """
        tokens = self._code_tokens
        block_end = self._block_end
        length = len(source)
        while True:
            match = tokens.search(source, pos)
            if not match:
                self._finish_code_line(False)
                return length, length, '', False
            token = match.group()
            found = match.start()
            if token == '\n':
                self._finish_code_line(False)
                return found, found + 1, '', False
            if token[0] == '\\':
                self._finish_code_line(True)
                return found + 1, match.end(), '', False
            if token == '#':
                newline = source.find('\n', found)
                line_end = length if newline < 0 else newline
                comment = source[found:line_end].rstrip()
                next_pos = length if newline < 0 else newline + 1
                closed = multiline and comment.endswith(block_end)
                if closed:
                    comment = comment[:-len(block_end)].rstrip()
                self._finish_code_line(False)
                return found, next_pos, comment, closed
            if multiline and token == block_end:
                newline = source.find('\n', match.end())
                line_end = length if newline < 0 else newline
                if not source[match.end():line_end].strip():
                    self._finish_code_line(False)
                    return found, (length if newline < 0 else newline + 1), '', True
            elif token[0] in '\'"':
                pos = _string_end(source, match.end(), token)
                continue
            elif token in '([{':
                self._open_brackets += 1
            elif token in ')]}':
                self._open_brackets = max(0, self._open_brackets - 1)
            pos = match.end()

    def _finish_code_line(self, backslash):
        """Remember whether the next code line continues this Python statement."""
        self._next_line_continues = backslash or self._open_brackets > 0

    def write_code(self, line: str, comment: str = '') -> None:
        """Write one line of template Python code (``line`` without its comment,
        ``comment`` with its ``#``) at the current indentation.

        A line that starts a Python statement may open or close blocks:
        ``if``/``for``/``while``/``with``/``def``/``class``/``try`` (and
        ``async``, ``match``, ``case``) open one, ``elif``/``else``/``except``/
        ``finally`` continue one, ``end`` closes one. A one-line block
        (``if x: y = 1``) takes ``elif``/``else`` and ``end`` like any block but
        does not indent the lines after it. ``; end`` at the end of a line
        closes a block after the line's code (``for i in items: n += i; end``).
        """
        code = line.strip()
        starts_statement = not self._line_continues
        self._line_continues = self._next_line_continues
        self._next_line_continues = False
        ends_statement = not self._line_continues
        closes_block = False
        if ends_statement and code != 'end':
            code, closes_block = _split_trailing_end(code)
        if code == 'end' and starts_statement:
            self._end_block(comment)
        elif not starts_statement or not code:
            self._set_line(self.lineno, self._depth(), code, comment)
        else:
            self._write_statement(code, comment, single_line=ends_statement)
        if closes_block:
            self._end_block('')

    def _write_statement(self, code, comment, single_line):
        """Write a line that starts a statement; open or continue the block it starts."""
        lineno = self.lineno
        match = re.match(r'\w+', code)
        word = match.group() if match else ''
        innermost = self._blocks[-1][0] if self._blocks else None
        continues = word in _BLOCK_CONTINUATIONS or (
            word == 'case' and code.endswith(':') and innermost == 'case')
        if continues and self._blocks:
            self._close_block(lineno, before=True)
        self._mark_body()
        self._set_line(lineno, self._depth(), code, comment)
        kind = _opened_block_kind(word, code, innermost, continues)
        if kind == 'block' and single_line and _has_inline_body(code):
            self._blocks.append(['inline', True])  # its body is on the line already
        elif kind is not None:
            self._blocks.append([kind, False])

    def _end_block(self, comment):
        """``end``: close the innermost block (a ``case`` together with its ``match``)."""
        lineno = self.lineno
        if self._blocks:
            kind = self._blocks[-1][0]
            self._close_block(lineno)
            if kind == 'case' and self._blocks and self._blocks[-1][0] == 'match':
                self._close_block(lineno)  # one end closes the last case and its match
        self._set_line(lineno, None, '', comment, keep=True)

    def _depth(self):
        """The indentation level of the next line: the open blocks, one-line ones aside."""
        return sum(1 for kind, _ in self._blocks if kind != 'inline')

    def _mark_body(self):
        """Record that the innermost open block has a statement."""
        if self._blocks:
            self._blocks[-1][1] = True

    def _close_block(self, lineno, before=False):
        """Close the innermost block at template line ``lineno``; an empty block
        gets a ``pass`` (on the line before ``lineno`` if ``before``)."""
        kind, has_body = self._blocks.pop()
        if has_body:
            return
        depth = self._depth() + 1
        if before:
            target = lineno - 1
            entry = self._lines[target] if target < len(self._lines) else None
            if entry is not None and entry[1]:
                entry[1] += ' pass'
                return
            self._set_line(target, depth, 'pass', entry[2] if entry else '')
        else:
            while len(self._lines) <= lineno:
                self._lines.append(None)
            entry = self._lines[lineno]
            if entry is not None and entry[1]:
                self._lines.append([depth, 'pass', ''])
            else:
                self._set_line(lineno, depth, 'pass', entry[2] if entry else '')

    def _set_line(self, lineno, indent, code, comment='', keep=False):
        """Set the generated code of template line ``lineno`` (an ``indent`` of
        None copies ``code`` unindented); ``keep`` leaves a line already set."""
        lines = self._lines
        while len(lines) <= lineno:
            lines.append(None)
        if keep and lines[lineno] is not None:
            return
        lines[lineno] = [indent, code, comment]

    @staticmethod
    def _render_line(entry):
        """The Python source line of one generated line entry."""
        if entry is None:
            return ''
        indent, code, comment = entry
        if comment:
            code = '%s  %s' % (code, comment) if code else comment
        if indent is None:
            return code
        return '  ' * indent + code


# Adapters for third-party engines -------------------------------------------

class Jinja2Template(BaseTemplate):
    """A Jinja2 template (``pip install Jinja2``); other templates are loaded
    from the same lookup path.

    Settings: ``filters``, ``tests`` and ``globals`` dicts are added to the
    Jinja2 environment; other settings go to ``jinja2.Environment``.
    """

    def prepare(self, filters: Mapping[str, Callable[..., Any]] | None = None,
                tests: Mapping[str, Callable[..., Any]] | None = None,
                globals: Mapping[str, Any] = {}, **kwargs: Any) -> None:  # noqa: B006  (0.13 API; read only)
        """Create the Jinja2 environment and load the template.

        :raises ImportError: Jinja2 is not installed (the message says so).
        """
        jinja2 = _require('Jinja2', 'jinja2')
        self.env = jinja2.Environment(loader=jinja2.FunctionLoader(self.loader), **kwargs)
        if filters:
            self.env.filters.update(filters)
        if tests:
            self.env.tests.update(tests)
        if globals:
            self.env.globals.update(globals)
        if self.source:
            self.tpl = self.env.from_string(self.source)
        else:
            self.tpl = self.env.get_template(self.name)

    def render(self, *args: Mapping[str, Any], **kwargs: Any) -> str:
        """Render with :attr:`BaseTemplate.defaults`, ``kwargs`` and the dicts ``args``
        (which win, as in Bottle 0.13)."""
        variables = dict(self.defaults)
        variables.update(kwargs)
        for mapping in args:
            variables.update(mapping)
        return self.tpl.render(**variables)

    def loader(self, name: str) -> tuple[str, str, Callable[[], bool]] | None:
        """Jinja2 loader function: ``(source, filename, uptodate)`` of template
        ``name`` found on the lookup path, or None (Jinja2 then raises
        ``TemplateNotFound``)."""
        filename = self.search(name, self.lookup)
        if not filename:
            return None
        source = _read_template_file(filename, self.encoding)
        mtime = os.path.getmtime(filename)

        def uptodate() -> bool:
            try:
                return os.path.getmtime(filename) == mtime
            except OSError:
                return False
        return source, filename, uptodate


class MakoTemplate(BaseTemplate):
    """A Mako template (``pip install Mako``); ``<%include>`` and ``<%inherit>``
    find files on the same lookup path. Settings go to ``mako.template.Template``
    and ``mako.lookup.TemplateLookup``."""

    def prepare(self, **options: Any) -> None:
        """Compile the Mako template.

        :raises ImportError: Mako is not installed (the message says so).
        """
        mako_template = _require('Mako', 'mako.template')
        mako_lookup = _require('Mako', 'mako.lookup')
        options.setdefault('input_encoding', self.encoding)
        lookup = mako_lookup.TemplateLookup(directories=self.lookup, **options)
        if self.source:
            self.tpl = mako_template.Template(self.source, lookup=lookup, **options)
        else:
            self.tpl = mako_template.Template(uri=self.name, filename=self.filename,
                                              lookup=lookup, **options)

    def render(self, *args: Mapping[str, Any], **kwargs: Any) -> str:
        """Render with :attr:`BaseTemplate.defaults`, ``kwargs`` and the dicts ``args``
        (which win, as in Bottle 0.13)."""
        variables = dict(self.defaults)
        variables.update(kwargs)
        for mapping in args:
            variables.update(mapping)
        return self.tpl.render(**variables)


class CheetahTemplate(BaseTemplate):
    """A Cheetah template (``pip install Cheetah3``). Settings go to
    ``Cheetah.Template.Template.compile``."""

    def prepare(self, **options: Any) -> None:
        """Compile the Cheetah template to a class (once; each render makes an instance).

        :raises ImportError: Cheetah3 is not installed (the message says so).
        """
        cheetah = _require('Cheetah3', 'Cheetah.Template')
        source = self.source
        if source is None:
            source = _read_template_file(self.filename, self.encoding)
        self.tpl = cheetah.Template.compile(source=source, **options)

    def render(self, *args: Mapping[str, Any], **kwargs: Any) -> str:
        """Render with :attr:`BaseTemplate.defaults`, ``kwargs`` and the dicts ``args``
        (which win, as in Bottle 0.13)."""
        variables = dict(self.defaults)
        variables.update(kwargs)
        for mapping in args:
            variables.update(mapping)
        return str(self.tpl(searchList=[variables]))


# template() and view() ------------------------------------------------------

def template(*args: Any, **kwargs: Any) -> str:
    """Render a template and return the text.

    ``template(name_or_source, *dicts, **variables)``: a first argument with a
    line break, ``{``, ``%`` or ``$`` in it is template source, anything else
    a template name looked up in ``template_lookup`` (default
    :data:`TEMPLATE_PATH`). The variables are the keyword arguments updated
    with the dicts (the dicts win, as in Bottle 0.13). Special keywords:
    ``template_adapter`` (default :class:`SimpleTemplate`), ``template_lookup``
    and ``template_settings`` (a dict of settings for the adapter).

    Compiled templates are kept in :data:`TEMPLATES`, except in debug mode.

    :raises TemplateError: no template given, or the named template is not found.
    """
    source_or_name = args[0] if args else None
    for mapping in args[1:]:
        kwargs.update(mapping)
    adapter = kwargs.pop('template_adapter', SimpleTemplate)
    lookup = kwargs.pop('template_lookup', None)
    if lookup is None:
        lookup = TEMPLATE_PATH
    settings = kwargs.pop('template_settings', None) or {}
    key = (adapter, source_or_name, tuple(lookup))
    compiled = None
    if not DEBUG:
        try:
            compiled = TEMPLATES.get(key)
        except TypeError:  # an unhashable first argument; reported below
            pass
    if compiled is None or getattr(compiled, '_template_settings', None) != settings:
        compiled = _compile_template(adapter, source_or_name, lookup, settings)
        if not DEBUG:
            TEMPLATES[key] = compiled
    return compiled.render(kwargs)


def _compile_template(adapter: type[BaseTemplate], source_or_name: Any, lookup: Iterable[str],
                      settings: dict[str, Any]) -> BaseTemplate:
    """Create the ``adapter`` template for :func:`template` (see there)."""
    if isinstance(source_or_name, bytes):
        source_or_name = source_or_name.decode('utf8')
    if not source_or_name or not isinstance(source_or_name, str):
        raise TemplateError('No template specified: give a template name or source, not %r.'
                            % (source_or_name,))
    if '\n' in source_or_name or '{' in source_or_name or '%' in source_or_name or \
            '$' in source_or_name:
        compiled = adapter(source=source_or_name, lookup=lookup, **settings)
    else:
        compiled = adapter(name=source_or_name, lookup=lookup, **settings)
    compiled._template_settings = dict(settings)
    return compiled


mako_template = functools.partial(template, template_adapter=MakoTemplate)
cheetah_template = functools.partial(template, template_adapter=CheetahTemplate)
jinja2_template = functools.partial(template, template_adapter=Jinja2Template)


def view(tpl_name: str, **defaults: Any) -> Callable[[Callable[_P, Any]], Callable[_P, Any]]:
    """Decorator: render template ``tpl_name`` with the dict a callback returns.

    The callback's dict (or any mutable mapping) updates ``defaults`` and the
    result is rendered with :func:`template` (``defaults`` may hold the
    ``template_*`` keywords of :func:`template`). A callback returning None
    renders the template with ``defaults`` alone; any other result is returned
    unchanged.
    """
    def decorator(func: Callable[_P, Any]) -> Callable[_P, Any]:
        @functools.wraps(func)
        def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> Any:
            result = func(*args, **kwargs)
            if isinstance(result, (dict, DictMixin)):
                variables = dict(defaults)
                variables.update(result)
                return template(tpl_name, variables)
            if result is None:
                return template(tpl_name, defaults)
            return result
        return wrapper
    return decorator


mako_view = functools.partial(view, template_adapter=MakoTemplate)
cheetah_view = functools.partial(view, template_adapter=CheetahTemplate)
jinja2_view = functools.partial(view, template_adapter=Jinja2Template)


# --------------------------------------------------------------- Test client ----
# TestClient calls any WSGI application in-process (no sockets) the way a server
# would and returns a TestResponse; its cookie jar carries cookies between
# requests like a browser. Only cheap modules are used at import time: urllib,
# json, base64, email.utils, mimetypes and wsgiref are imported where needed.

_DEFAULT_PORTS = {'http': 80, 'https': 443}
_REDIRECT_CODES = (301, 302, 303, 307, 308)
# Characters a URL path or query keeps as they are: the reserved ones and '%' (so
# escapes already there survive). Spaces, control and non-ASCII characters are
# percent-encoded as UTF-8, as a browser does before it sends a request.
_URL_PATH_SAFE = "/%!$&'()*+,;=:@~"
_URL_QUERY_SAFE = _URL_PATH_SAFE + '?[]'
# Request headers that hold one value: a later one replaces an earlier one instead
# of being joined to it with a comma.
_SINGLE_VALUE_ENVIRON_KEYS = ('HTTP_HOST', 'CONTENT_TYPE', 'CONTENT_LENGTH', 'HTTP_AUTHORIZATION')


class TestClient(object):
    """Call a WSGI application in-process, as an HTTP client and server would.

    ``TestClient(app)`` works with any WSGI application; ``app.test_client()``
    is the shortcut for Bottle applications. No socket is opened: each request
    becomes a PEP 3333 environ, the application is called with it, its body
    iterable is consumed and closed, and a :class:`TestResponse` comes back.
    Cookies the application sets are kept in :attr:`cookies` and sent back on
    later requests, as a browser would.

    :param app: the WSGI application to call.
    :param base_url: scheme, host, port and mount path the application is
        reached at (``'https://example.com:8443/app/'``). They give
        ``wsgi.url_scheme``, ``SERVER_NAME``, ``SERVER_PORT``, the ``Host``
        header and ``SCRIPT_NAME``; request paths are relative to the mount path.
    :param validate: if true, every call goes through
        :func:`wsgiref.validate.validator`, which raises AssertionError for a
        protocol error of the environ or of the application's answer.
    :raises ValueError: for a base URL that is not ``http`` or ``https`` with a host.

    An exception the application raises reaches the caller with its traceback
    (a Bottle application turns its errors into 500 pages unless ``catchall``
    is off, so that happens for plain WSGI applications).
    """

    __test__ = False  # not a test class for pytest, even when imported into a test module

    #: How many redirects ``follow_redirects=True`` follows before it gives up.
    max_redirects = 20

    def __init__(self, app: _WSGIApplication, base_url: str = 'http://localhost/',
                 validate: bool = False) -> None:
        from urllib.parse import urlsplit
        parts = urlsplit(base_url)
        if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
            raise ValueError('base_url must be an http or https URL with a host, not %r'
                             % (base_url,))
        #: The WSGI application under test.
        self.app = app
        #: The URL requests are relative to.
        self.base_url = base_url
        #: If true, calls are checked by :func:`wsgiref.validate.validator`.
        self.validate = validate
        #: The cookie jar (a :class:`_CookieJar`): what the application set, sent back.
        self.cookies = _CookieJar(parts.hostname)
        self._origin = '%s://%s' % (parts.scheme, _url_netloc(parts))
        self._mount_path = _quote_url_part(parts.path.rstrip('/'), _URL_PATH_SAFE)

    def request(self, method: str, path: str,
                params: str | Mapping[str, Any] | Iterable[tuple[str, Any]] | None = None,
                data: Any = None, json: Any = None, files: Any = None,
                headers: _Headers | None = None, cookies: _Headers | None = None,
                auth: tuple[str, str] | None = None, follow_redirects: bool = False,
                environ: Mapping[str, Any] | None = None) -> TestResponse:
        """Send one request to the application and return its :class:`TestResponse`.

        :param method: the HTTP method (upper-cased).
        :param path: a path below the base URL (``'/users/7?tab=posts'``), or an
            absolute ``http(s)`` URL below the base URL's mount path. Non-ASCII
            characters are sent percent-encoded as UTF-8; the application sees
            PATH_INFO percent-decoded, as servers pass it.
        :param params: query parameters, a dict (a list value gives the name
            several times), a list of pairs or a ready-made query string; added
            to a query already in ``path``.
        :param data: a form (dict or list of pairs), sent as
            ``application/x-www-form-urlencoded``, or with ``files`` as
            multipart fields; or the raw body as bytes, str (UTF-8) or a file
            object, sent without a Content-Type unless ``headers`` has one.
        :param json: a value sent as an ``application/json`` body (``None``
            sends nothing: for a literal ``null`` pass ``data='null'``).
        :param files: uploads sent as ``multipart/form-data``: a dict or list of
            pairs mapping field names to bytes, a file object, or a tuple
            ``(filename, content)`` or ``(filename, content, content_type)``; a
            list value sends several files under one name. Without a filename
            the field name is used, without a type it is guessed from the name.
        :param headers: request headers, a dict or a list of pairs. Given twice,
            a header's values are joined with commas; a given Host,
            Content-Type, Content-Length or Authorization replaces the client's.
        :param cookies: cookies sent with this request only, a dict or a list
            of pairs (values as they are, no quoting), on top of those in the
            jar and replacing jar cookies of the same name.
        :param auth: a ``(user, password)`` pair sent as HTTP Basic authorization.
        :param follow_redirects: follow 301, 302 and 303 answers with a GET
            without a body (HEAD stays HEAD), and 307 and 308 with the same
            method and body; the final response has the others in ``history``.
        :param environ: keys added to the WSGI environ last (``REMOTE_ADDR`` ...).
        :returns: a :class:`TestResponse`.
        :raises TypeError: for keyword values of the wrong kind or combination.
        :raises ValueError: for a path that is not below the base URL.
        :raises RuntimeError: when the application breaks the WSGI protocol, or
            after :attr:`max_redirects` redirects.
        """
        body, content_type = _encode_request_body(data, json, files)
        cookies = dict(_pairs_of(cookies, 'cookies', several=())) if cookies else None
        outgoing = _OutgoingRequest(method.upper(), self._absolute_url(path, params),
                                    _pairs_of(headers or (), 'headers'), body, content_type)
        if auth is not None:
            outgoing.headers.append(('Authorization', _basic_authorization(auth)))
        answer = self._send(outgoing, cookies, environ)
        if follow_redirects:
            return self._follow_redirects(outgoing, answer, cookies, environ)
        answer.history = []
        return answer

    def _follow_redirects(self, outgoing: _OutgoingRequest, answer: TestResponse,
                          cookies: dict[str, Any] | None, environ: Mapping[str, Any] | None
                          ) -> TestResponse:
        """Send the requests ``answer``'s redirects ask for; the last answer, with the
        others in its ``history``."""
        history: list[TestResponse] = []
        while _is_redirect(answer):
            history.append(answer)
            if len(history) > self.max_redirects:
                raise RuntimeError('Gave up after %d redirects (a redirect loop?): %s' % (
                    self.max_redirects, ' -> '.join(r.request.url for r in history)))  # type: ignore[union-attr]  # sent
            outgoing = outgoing.redirected(answer)
            answer = self._send(outgoing, cookies, environ)
        answer.history = history
        return answer

    def get(self, path: str, **options: Any) -> TestResponse:
        """Send a GET request; see :meth:`request` for the options."""
        return self.request('GET', path, **options)

    def post(self, path: str, **options: Any) -> TestResponse:
        """Send a POST request; see :meth:`request` for the options."""
        return self.request('POST', path, **options)

    def put(self, path: str, **options: Any) -> TestResponse:
        """Send a PUT request; see :meth:`request` for the options."""
        return self.request('PUT', path, **options)

    def patch(self, path: str, **options: Any) -> TestResponse:
        """Send a PATCH request; see :meth:`request` for the options."""
        return self.request('PATCH', path, **options)

    def delete(self, path: str, **options: Any) -> TestResponse:
        """Send a DELETE request; see :meth:`request` for the options."""
        return self.request('DELETE', path, **options)

    def head(self, path: str, **options: Any) -> TestResponse:
        """Send a HEAD request; see :meth:`request` for the options.

        The body is kept as the application sent it (a server would drop it),
        so a test can see that it is empty.
        """
        return self.request('HEAD', path, **options)

    def options(self, path: str, **options: Any) -> TestResponse:
        """Send an OPTIONS request; see :meth:`request` for the options."""
        return self.request('OPTIONS', path, **options)

    def __repr__(self) -> str:
        return '<%s for %r at %s>' % (type(self).__name__, self.app, self.base_url)

    def _absolute_url(self, path: str, params: Any) -> str:
        """Return the percent-encoded absolute URL for ``path`` plus ``params``."""
        from urllib.parse import urlsplit
        if path.startswith('/'):
            path = path.partition('#')[0]
            path, _, query = path.partition('?')
            origin, url_path = self._origin, self._mount_path + path
        elif urlsplit(path).scheme in _DEFAULT_PORTS:
            parts = urlsplit(path)
            origin, url_path, query = ('%s://%s' % (parts.scheme, _url_netloc(parts)),
                                       parts.path or '/', parts.query)
        else:
            raise ValueError("A request path must start with '/' or be an http(s) URL, not %r"
                             % (path,))
        query = '&'.join(part for part in (query, _encode_query(params)) if part)
        return _compose_url(origin, url_path, query)

    def _send(self, outgoing: _OutgoingRequest, extra_cookies: dict[str, Any] | None,
              extra_environ: Mapping[str, Any] | None) -> TestResponse:
        """Call the application with one request; store the cookies it sets."""
        from urllib.parse import urlsplit
        environ = self._build_environ(outgoing, extra_cookies, extra_environ)
        app = self.app
        if self.validate:
            from wsgiref.validate import validator
            app = validator(app)
        status_line, headerlist, body = _call_wsgi_application(app, environ)
        sent = _SentRequest(outgoing.method, outgoing.url, environ)
        answer = TestResponse(status_line, headerlist, body, request=sent)
        url = urlsplit(outgoing.url)
        for name, value in headerlist:
            if name.lower() == 'set-cookie':
                self.cookies._store_set_cookie(value, url.hostname, url.path or '/')
        return answer

    def _build_environ(self, outgoing: _OutgoingRequest, extra_cookies: dict[str, Any] | None,
                       extra_environ: Mapping[str, Any] | None) -> _Environ:
        """Return the PEP 3333 environ for an :class:`_OutgoingRequest`."""
        from urllib.parse import urlsplit
        url = urlsplit(outgoing.url)
        script_name, path_info = self._split_mount_path(url.path or '/')
        body = outgoing.body or b''
        environ = {
            'REQUEST_METHOD': outgoing.method,
            'SCRIPT_NAME': script_name,
            'PATH_INFO': path_info,
            'QUERY_STRING': url.query,
            'SERVER_NAME': url.hostname,
            'SERVER_PORT': str(url.port or _DEFAULT_PORTS[url.scheme]),
            'SERVER_PROTOCOL': 'HTTP/1.1',
            'REMOTE_ADDR': '127.0.0.1',
            'wsgi.version': (1, 0),
            'wsgi.url_scheme': url.scheme,
            'wsgi.input': io.BytesIO(body),
            'wsgi.errors': sys.stderr,
            'wsgi.multithread': False,
            'wsgi.multiprocess': False,
            'wsgi.run_once': False,
        }
        if body or outgoing.method in ('POST', 'PUT', 'PATCH'):
            environ['CONTENT_LENGTH'] = str(len(body))
        headers = [('Host', _url_netloc(url))]
        if outgoing.content_type:
            headers.append(('Content-Type', outgoing.content_type))
        cookie_header = self.cookies._cookie_header(url.scheme, url.hostname, url.path or '/',
                                                    extra_cookies)
        if cookie_header:
            headers.append(('Cookie', cookie_header))
        _add_headers_to_environ(environ, headers + outgoing.headers)
        environ.update(extra_environ or {})
        return environ

    def _split_mount_path(self, url_path: str) -> tuple[str, str]:
        """Return SCRIPT_NAME and PATH_INFO for a URL path, percent-decoded native strings."""
        from urllib.parse import unquote_to_bytes
        path = unquote_to_bytes(url_path)
        mount = unquote_to_bytes(self._mount_path)
        if mount and path != mount and not path.startswith(mount + b'/'):
            raise ValueError('The URL path %r is outside the application mounted at %r'
                             ' (base_url %r)' % (url_path, self._mount_path, self.base_url))
        return mount.decode('latin1'), path[len(mount):].decode('latin1')


class TestResponse(object):
    """What the application answered to one :class:`TestClient` request.

    :param status_line: the status passed to ``start_response`` (``'200 OK'``).
    :param headerlist: the header (name, value) pairs passed to it.
    :param body: the body, bytes.
    :param request: what was sent (see :attr:`request`).
    :raises ValueError: for a status line that does not start with a code.
    """

    __test__ = False  # not a test class for pytest, even when imported into a test module

    def __init__(self, status_line: str, headerlist: Iterable[tuple[str, str]], body: bytes,
                 request: _SentRequest | None = None) -> None:
        code = status_line.split(None, 1)[0] if status_line else ''
        if not (len(code) == 3 and code.isdigit()):
            raise ValueError('The application sent an invalid status line: %r' % (status_line,))
        #: The status code, an int (``404``).
        self.status = int(code)
        #: The status line, a str (``'404 Not Found'``).
        self.status_line = _latin1_to_unicode(status_line)
        #: The headers exactly as the application gave them: (name, value) pairs
        #: of PEP 3333 native strings, in order.
        self.headerlist = list(headerlist)
        #: The headers as a case-insensitive :class:`HeaderDict` with values
        #: decoded from UTF-8: ``headers['Set-Cookie']`` is the last one,
        #: ``headers.getall('Set-Cookie')`` all of them.
        self.headers = HeaderDict()
        for name, value in self.headerlist:
            self.headers.append(name, _latin1_to_unicode(value))
        #: The body, bytes (everything the application yielded or wrote).
        self.body = body
        #: What was sent: an object with ``method``, ``url`` (absolute and
        #: percent-encoded) and ``environ`` (as the application left it).
        self.request = request
        #: The redirect responses followed on the way to this one, oldest first.
        self.history: list[TestResponse] = []

    @property
    def charset(self) -> str:
        """The charset parameter of the Content-Type header, or ``'utf-8'``."""
        for parameter in self.headers.get('Content-Type', '').split(';')[1:]:
            name, _, value = parameter.partition('=')
            if name.strip().lower() == 'charset' and value.strip(' "'):
                return value.strip(' "')
        return 'utf-8'

    @property
    def text(self) -> str:
        """The body decoded with :attr:`charset`.

        :raises UnicodeDecodeError: if the body is not in that charset.
        :raises LookupError: if Python does not know the charset.
        """
        return self.body.decode(self.charset)

    def json(self) -> Any:
        """Return the body parsed as JSON.

        :raises ValueError: naming the status, Content-Type and the start of the
            body when the body is not JSON.
        """
        import json
        try:
            return json.loads(self.body)
        except ValueError as error:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
            content_type = self.headers.get('Content-Type')
            raise ValueError('The response body is not JSON (%s, Content-Type %r): %r: %s' % (
                self.status_line, content_type, self.body[:80], error)) from None

    @property
    def cookies(self) -> dict[str, str]:
        """The cookies this response sets: a dict of name -> value.

        Values are unquoted and decoded as ``request.cookies`` would read them;
        a cookie the response deletes is there too, usually with value ``''``.
        """
        found: dict[str, str] = {}
        for name, value in self.headerlist:
            parsed = _parse_set_cookie(value) if name.lower() == 'set-cookie' else None
            if parsed:
                found[_latin1_to_unicode(parsed[0])] = _readable_cookie_value(parsed[1])
        return found

    def __repr__(self) -> str:
        return '<%s %s, %d bytes>' % (type(self).__name__, self.status_line, len(self.body))


class _SentRequest(object):
    """The ``request`` of a :class:`TestResponse`: ``method``, ``url`` and ``environ``."""

    __slots__ = ('method', 'url', 'environ')

    def __init__(self, method: str, url: str, environ: _Environ) -> None:
        self.method, self.url, self.environ = method, url, environ

    def __repr__(self) -> str:
        return '<%s %s>' % (self.method, self.url)


class _OutgoingRequest(object):
    """A request a :class:`TestClient` is about to send, before it becomes an environ."""

    __slots__ = ('method', 'url', 'headers', 'body', 'content_type')

    def __init__(self, method: str, url: str, headers: list[tuple[str, Any]], body: bytes | None,
                 content_type: str | None) -> None:
        self.method = method
        self.url = url                      # absolute, percent-encoded
        self.headers = headers              # (name, value) pairs given by the caller
        self.body = body                    # bytes or None
        self.content_type = content_type    # of the encoded body, or None

    def redirected(self, answer: TestResponse) -> _OutgoingRequest:
        """Return the request that follows the redirect ``answer`` (RFC 9110 15.4)."""
        from urllib.parse import urljoin, urlsplit
        target = urlsplit(urljoin(self.url, answer.headers['Location']))
        url = _compose_url('%s://%s' % (target.scheme, _url_netloc(target)),
                           target.path or '/', target.query)
        headers = self.headers
        if urlsplit(url).netloc != urlsplit(self.url).netloc:  # no credentials for other hosts
            headers = [(name, value) for name, value in headers if name.lower() != 'authorization']
        if answer.status in (307, 308):
            return _OutgoingRequest(self.method, url, headers, self.body, self.content_type)
        method = 'HEAD' if self.method == 'HEAD' else 'GET'
        headers = [(name, value) for name, value in headers
                   if name.lower() not in ('content-type', 'content-length')]
        return _OutgoingRequest(method, url, headers, None, None)


class _WSGICallRecorder(object):
    """Takes the ``start_response`` and ``write`` calls of one WSGI call (PEP 3333)."""

    __slots__ = ('status_line', 'headerlist', 'chunks')

    def __init__(self) -> None:
        self.status_line: str | None = None
        self.headerlist: list[tuple[str, str]] | None = None
        self.chunks: list[bytes] = []  # non-empty body chunks; once there is one, headers sent

    def start_response(self, status: str, headers: Iterable[tuple[str, str]], exc_info: Any = None
                       ) -> Callable[[bytes], None]:
        """Record status and headers; return :meth:`write`.

        With ``exc_info`` an error page replaces what was started, unless the
        body began already: then the application's exception is re-raised.
        """
        if exc_info is not None:
            if self.chunks:
                raise exc_info[1].with_traceback(exc_info[2])
        elif self.status_line is not None:
            raise RuntimeError('The application called start_response() a second time'
                               ' without exc_info')
        self.status_line, self.headerlist = status, list(headers)
        return self.write

    def write(self, data: bytes) -> None:
        """The legacy ``write`` callable: add ``data`` to the body."""
        self.add_chunk(data)

    def add_chunk(self, data: Any) -> None:
        """Add one piece of the body; it must be bytes, and come after start_response()."""
        if not isinstance(data, bytes):
            raise RuntimeError('The application sent a body chunk of type %s, WSGI requires'
                               ' bytes: %r' % (type(data).__name__, data))
        if data and self.status_line is None:
            raise RuntimeError('The application sent body data before calling start_response()')
        if data:
            self.chunks.append(data)


def _is_redirect(answer: TestResponse) -> bool:
    """True if ``answer`` is a redirect that ``follow_redirects`` follows (it has a Location)."""
    return answer.status in _REDIRECT_CODES and 'Location' in answer.headers


def _call_wsgi_application(app: _WSGIApplication, environ: _Environ):
    """Call ``app`` like a server: consume and close its body iterable.

    Returns ``(status_line, headerlist, body_bytes)``; the application's own
    exceptions propagate unchanged.
    """
    recorder = _WSGICallRecorder()
    iterable = app(environ, recorder.start_response)
    try:
        for chunk in iterable:
            recorder.add_chunk(chunk)
    finally:
        close = getattr(iterable, 'close', None)
        if close is not None:
            close()
    if recorder.status_line is None:
        raise RuntimeError('The application returned without calling start_response()')
    return recorder.status_line, recorder.headerlist, b''.join(recorder.chunks)


def _url_netloc(parts):
    """Return ``host[:port]`` of a urlsplit result, without user info; the port
    only if one was given."""
    host = parts.hostname
    if ':' in host:
        host = '[%s]' % host  # IPv6
    return host if parts.port is None else '%s:%d' % (host, parts.port)


def _quote_url_part(text: str, safe: str) -> str:
    """Percent-encode what may not appear in a URL; keep reserved characters and escapes."""
    from urllib.parse import quote
    return quote(text, safe=safe)


def _compose_url(origin: str, path: str, query: str) -> str:
    """Join origin, path and query into a percent-encoded absolute URL."""
    url = origin + _quote_url_part(path, _URL_PATH_SAFE)
    return url + '?' + _quote_url_part(query, _URL_QUERY_SAFE) if query else url


def _encode_query(params: Any) -> str:
    """Return ``params`` (None, a query string, a dict or a list of pairs) as a query string."""
    if params is None or isinstance(params, str):
        return params or ''
    from urllib.parse import urlencode
    return urlencode(_pairs_of(params, 'params', several=(list, tuple)))


def _pairs_of(items: Any, keyword: str, several: Any = (list,)) -> list[tuple[Any, Any]]:
    """Return the (name, value) pairs of a dict or a list of pairs.

    A dict value of one of the ``several`` types stands for several values of
    its name. Raises TypeError naming ``keyword`` for anything else.
    """
    if isinstance(items, dict):
        pairs: list[tuple[Any, Any]] = []
        for name, value in items.items():
            if isinstance(value, several):
                pairs.extend((name, item) for item in value)
            else:
                pairs.append((name, value))
        return pairs
    if isinstance(items, (list, tuple)) and all(
            isinstance(pair, (list, tuple)) and len(pair) == 2 for pair in items):
        return [tuple(pair) for pair in items]
    raise TypeError('%s= must be a dict or a list of (name, value) pairs, not %r'
                    % (keyword, items))


def _native_string(value: Any) -> str:
    """Return a header or cookie value as a PEP 3333 native string (UTF-8 bytes as latin-1)."""
    if isinstance(value, bytes):
        return value.decode('latin1')
    return str(value).encode('utf8').decode('latin1')


def _add_headers_to_environ(environ: _Environ, headers: Iterable[tuple[str, Any]]) -> None:
    """Store request headers under their CGI keys (``Content-Type`` -> ``CONTENT_TYPE``,
    ``X-Id`` -> ``HTTP_X_ID``); repeated headers are joined as a server would."""
    for name, value in headers:
        key = name.upper().replace('-', '_')
        if key not in ('CONTENT_TYPE', 'CONTENT_LENGTH'):
            key = 'HTTP_' + key
        value = _native_string(value)
        if key in environ and key not in _SINGLE_VALUE_ENVIRON_KEYS:
            environ[key] += ('; ' if key == 'HTTP_COOKIE' else ', ') + value
        else:
            environ[key] = value


def _basic_authorization(auth: Any) -> str:
    """Return the Authorization header value for a ``(user, password)`` pair (RFC 7617)."""
    import base64
    if not (isinstance(auth, (tuple, list)) and len(auth) == 2):
        raise TypeError('auth= must be a (user, password) pair, not %r' % (auth,))
    credentials = ('%s:%s' % tuple(auth)).encode('utf8')
    return 'Basic ' + base64.b64encode(credentials).decode('ascii')


def _encode_request_body(data: Any, json_value: Any, files: Any
                         ) -> tuple[bytes | None, str | None]:
    """Return ``(body, content_type)`` for the body keywords of :meth:`TestClient.request`.

    Both are None when no body is given; the content type is None for a raw body.
    """
    if json_value is not None:
        if data is not None or files is not None:
            raise TypeError('json= cannot be combined with data= or files=')
        import json
        return json.dumps(json_value).encode('utf8'), 'application/json'
    if files is not None:
        if data is not None and not isinstance(data, (dict, list, tuple)):
            raise TypeError('With files=, data= must be a dict or a list of pairs, not %s'
                            % type(data).__name__)
        return _encode_multipart(_pairs_of(data or {}, 'data', several=(list, tuple)),
                                 _pairs_of(files, 'files'))
    if data is None:
        return None, None
    if isinstance(data, (str, bytes, bytearray)) or hasattr(data, 'read'):
        return _content_bytes(data, 'data'), None
    from urllib.parse import urlencode
    form = urlencode(_pairs_of(data, 'data', several=(list, tuple)))
    return form.encode('ascii'), 'application/x-www-form-urlencoded'


def _content_bytes(content: Any, keyword: str) -> bytes:
    """Return bytes, str (as UTF-8) or what a file object reads, as bytes."""
    if hasattr(content, 'read'):
        content = content.read()
    if isinstance(content, str):
        return content.encode('utf8')
    if isinstance(content, (bytes, bytearray)):
        return bytes(content)
    raise TypeError('%s= content must be bytes, str or a file object, not %s'
                    % (keyword, type(content).__name__))


def _encode_multipart(fields: Iterable[tuple[Any, Any]], files: Iterable[tuple[Any, Any]]
                      ) -> tuple[bytes, str]:
    """Encode form fields and files as a ``multipart/form-data`` body (RFC 7578).

    Returns ``(body, content_type)``; the boundary is random and checked not to
    occur in any part.
    """
    parts: list[tuple[str, str | None, bytes]] = [
        (_form_data_disposition(name), None, _content_bytes(_field_text(value), 'data'))
        for name, value in fields]
    parts.extend(_multipart_file_part(name, spec) for name, spec in files)
    boundary = _new_multipart_boundary([content for _, _, content in parts])
    chunks = []
    for disposition, content_type, content in parts:
        head = 'Content-Disposition: ' + disposition
        if content_type:
            head += '\r\nContent-Type: ' + content_type
        chunks.append(b'--%s\r\n%s\r\n\r\n%s\r\n' % (boundary, head.encode('utf8'), content))
    chunks.append(b'--%s--\r\n' % boundary)
    return b''.join(chunks), 'multipart/form-data; boundary=' + boundary.decode('ascii')


def _field_text(value: Any) -> str | bytes | bytearray:
    """A form field value as bytes or str (numbers and the like become str)."""
    return value if isinstance(value, (str, bytes, bytearray)) else str(value)


def _multipart_file_part(name: Any, spec: Any) -> tuple[str, str, bytes]:
    """Return ``(disposition, content_type, content)`` for one entry of ``files=``."""
    if isinstance(spec, tuple):
        if len(spec) not in (2, 3):
            raise TypeError('A files= tuple must be (filename, content) or (filename, content,'
                            ' content_type), not %r' % (spec,))
        filename, content, content_type = (tuple(spec) + (None,))[:3]
    else:
        content, content_type = spec, None
        filename = getattr(spec, 'name', None)
        filename = os.path.basename(filename) if isinstance(filename, str) else str(name)
    if not content_type:
        import mimetypes
        content_type = mimetypes.guess_type(filename)[0] or 'application/octet-stream'
    return (_form_data_disposition(name, filename), content_type,
            _content_bytes(content, 'files'))


def _form_data_disposition(name: Any, filename: Any = None) -> str:
    """The Content-Disposition value of a form-data part, names escaped as browsers do."""
    def quoted(text: Any) -> str:
        text = text.decode('utf8') if isinstance(text, bytes) else str(text)
        return '"%s"' % text.replace('"', '%22').replace('\r', '%0D').replace('\n', '%0A')
    disposition = 'form-data; name=' + quoted(name)
    if filename is not None:
        disposition += '; filename=' + quoted(filename)
    return disposition


def _new_multipart_boundary(contents: Sequence[bytes]) -> bytes:
    """Return a random boundary (bytes) that none of ``contents`` contains."""
    while True:
        boundary = b'TestClientBoundary' + os.urandom(12).hex().encode('ascii')
        if not any(boundary in content for content in contents):
            return boundary


# The cookie jar ----------------------------------------------------------------
# RFC 6265, sections 5.1 to 5.4, without the public suffix list: which cookies a
# Set-Cookie header stores, replaces or deletes, and which go back in a request.

class _StoredCookie(object):
    """One cookie in a :class:`_CookieJar`: its value (a native string, as sent)
    and the attributes that decide where it goes and until when."""

    __slots__ = ('name', 'value', 'domain', 'host_only', 'path', 'secure', 'expires', 'order')

    def __init__(self, name, value, domain, host_only, path, secure, expires, order):
        self.name, self.value = name, value
        self.domain, self.host_only, self.path = domain, host_only, path
        self.secure = secure
        self.expires = expires  # seconds since the epoch, or None for a session cookie
        self.order = order      # creation order, which breaks ties in the Cookie header

    def goes_to(self, scheme: str, host: str, path: str) -> bool:
        """True if this cookie belongs in a request to ``scheme://host/path``."""
        if self.secure and scheme != 'https':
            return False
        if self.host_only and host != self.domain:
            return False
        return _domain_matches(host, self.domain) and _cookie_path_matches(path, self.path)

    def __repr__(self) -> str:
        return '<cookie %s=%s domain=%s%s path=%s%s expires=%s>' % (
            self.name, self.value, '' if self.host_only else '.', self.domain, self.path,
            ' secure' if self.secure else '', self.expires)


class _CookieJar(DictMixin[str, str]):
    """The cookies of a :class:`TestClient`, kept across requests as a browser does.

    A ``Set-Cookie`` answer stores a cookie, replaces the one with the same
    name, domain and path, or deletes it (``Max-Age`` of zero or less, or an
    ``Expires`` in the past). A cookie goes back only to its host (or, with a
    ``Domain`` attribute, to that domain and its subdomains), to its path and
    the paths below it (default: the directory of the URL that set it), only
    over https if it is ``Secure``, and only until it expires. A ``Domain``
    for another site rejects the cookie. There is no public suffix list.

    As a mutable mapping it holds cookie names and values: ``jar['sid']`` is the
    newest cookie of that name, unquoted and decoded as ``request.cookies``
    reads it; ``jar['sid'] = 'x'`` stores a host-only cookie for the client's
    host and path ``/``; ``del jar['sid']`` removes every cookie of that name
    (KeyError if there is none). :meth:`set` takes the attributes.

    :param default_domain: the host of the client's base URL.
    :param clock: returns the current time in seconds since the epoch; replace
        it to test expiry without waiting.
    """

    def __init__(self, default_domain: str, clock: Callable[[], float] = time.time) -> None:
        self.default_domain = default_domain.lower()
        self.clock = clock
        self._cookies: dict[tuple[str, str, str], _StoredCookie] = {}  # (domain, path, name)
        self._creation_counter = itertools.count()

    def set(self, name: str, value: Any, domain: str | None = None, path: str = '/',
            secure: bool = False, max_age: float | None = None) -> None:
        """Store a cookie as if the application had set it.

        :param domain: None for a host-only cookie of the client's host, else a
            domain it goes to, subdomains included.
        :param path: the path it goes to (and below).
        :param secure: send it over https only.
        :param max_age: seconds it lives (None: until the jar is cleared).
        """
        expires = None if max_age is None else self.clock() + max_age
        host_only = domain is None
        domain = self.default_domain if host_only else domain.lstrip('.').lower()  # type: ignore[union-attr]  # not None
        self._put(_StoredCookie(name, _native_string(value), domain, host_only, path, secure,
                                expires, None))

    def clear(self) -> None:
        """Forget every cookie."""
        self._cookies.clear()

    def __getitem__(self, name: str) -> str:
        for cookie in reversed(self._live_cookies()):
            if cookie.name == name:
                return _readable_cookie_value(cookie.value)
        raise KeyError(name)

    def __setitem__(self, name: str, value: Any) -> None:
        self.set(name, value)

    def __delitem__(self, name: str) -> None:
        keys = [key for key, cookie in self._cookies.items() if cookie.name == name]
        if not keys:
            raise KeyError(name)
        for key in keys:
            del self._cookies[key]

    def __iter__(self) -> Iterator[str]:
        names: list[str] = []
        for cookie in self._live_cookies():
            if cookie.name not in names:
                names.append(cookie.name)
        return iter(names)

    def __len__(self) -> int:
        return len(set(cookie.name for cookie in self._live_cookies()))

    def __repr__(self) -> str:
        return '<%s %r>' % (type(self).__name__, self._live_cookies())

    def _live_cookies(self) -> list[_StoredCookie]:
        """Drop expired cookies; return the others, oldest first."""
        now = self.clock()
        for key, cookie in list(self._cookies.items()):
            if cookie.expires is not None and cookie.expires <= now:
                del self._cookies[key]
        return sorted(self._cookies.values(), key=lambda cookie: cookie.order)

    def _put(self, cookie: _StoredCookie) -> None:
        """Store ``cookie`` (keeping the creation order of one it replaces), or,
        if it has expired already, delete the one it would replace."""
        key = (cookie.domain, cookie.path, cookie.name)
        replaced = self._cookies.pop(key, None)
        if cookie.expires is not None and cookie.expires <= self.clock():
            return
        cookie.order = replaced.order if replaced else next(self._creation_counter)
        self._cookies[key] = cookie

    def _store_set_cookie(self, header_value, host, request_path):
        """Store, replace or delete a cookie as a Set-Cookie header value says (RFC 6265 5.3)."""
        parsed = _parse_set_cookie(header_value)
        if parsed is None:
            return
        name, value, attributes = parsed
        host = host.lower()
        domain = attributes.get('domain', '').lstrip('.').lower()
        if domain and not _domain_matches(host, domain):
            return  # a cookie for another site
        path = attributes.get('path', '')
        if not path.startswith('/'):
            path = _default_cookie_path(request_path)
        expires = _cookie_expiry(attributes, self.clock())
        self._put(_StoredCookie(name, value, domain or host, not domain, path,
                                'secure' in attributes, expires, None))

    def _cookie_header(self, scheme, host, path, extra_cookies=None):
        """The Cookie header value for a request (longest paths first, RFC 6265 5.4),
        with ``extra_cookies`` (a dict) replacing jar cookies of the same name.

        Returns bytes (the values as they were received), b'' for no cookies.
        """
        host = host.lower()
        cookies = [cookie for cookie in self._live_cookies() if cookie.goes_to(scheme, host, path)]
        cookies.sort(key=lambda cookie: -len(cookie.path))  # stable: oldest first among equals
        pairs = [(cookie.name, cookie.value) for cookie in cookies]
        if extra_cookies:
            extra = [(name, _native_string(value)) for name, value in extra_cookies.items()]
            pairs = [pair for pair in pairs if pair[0] not in extra_cookies] + extra
        return '; '.join('%s=%s' % pair for pair in pairs).encode('latin1')


def _parse_set_cookie(header_value: str) -> tuple[str, str, dict[str, str]] | None:
    """Split a Set-Cookie header value (RFC 6265 5.2) into ``(name, value, attributes)``.

    Attribute names are lower-cased; the value keeps its quotes. Returns None
    when there is no ``name=value`` pair (such a header is ignored).
    Example: ``'sid=abc; Path=/; HttpOnly'`` -> ``('sid', 'abc', {'path': '/', 'httponly': ''})``.
    """
    pair, _, rest = header_value.partition(';')
    name, separator, value = pair.partition('=')
    name, value = name.strip(), value.strip()
    if not separator or not name:
        return None
    attributes: dict[str, str] = {}
    for item in rest.split(';'):
        key, _, attribute_value = item.partition('=')
        key = key.strip().lower()
        if key:
            attributes[key] = attribute_value.strip()
    return name, value, attributes


def _cookie_expiry(attributes: Mapping[str, str], now: float) -> float | None:
    """Seconds since the epoch when a cookie expires, or None for a session cookie.

    ``Max-Age`` wins over ``Expires``; a Max-Age of zero or less means "already".
    An attribute that cannot be parsed is ignored.
    """
    max_age = attributes.get('max-age', '')
    if re.match(r'-?[0-9]+\Z', max_age):
        seconds = int(max_age)
        return now + seconds if seconds > 0 else float('-inf')
    if attributes.get('expires'):
        from email.utils import mktime_tz, parsedate_tz
        parsed = parsedate_tz(attributes['expires'])
        if parsed:
            return mktime_tz(parsed)
    return None


def _default_cookie_path(request_path: str) -> str:
    """The path of a cookie set without one: the URL path up to its last slash (RFC 6265 5.1.4)."""
    if not request_path.startswith('/') or request_path.count('/') == 1:
        return '/'
    return request_path[:request_path.rindex('/')]


def _cookie_path_matches(request_path: str, cookie_path: str) -> bool:
    """True if a cookie with ``cookie_path`` goes to ``request_path`` (RFC 6265 5.1.4)."""
    if request_path == cookie_path:
        return True
    return request_path.startswith(cookie_path) and (
        cookie_path.endswith('/') or request_path[len(cookie_path)] == '/')


def _domain_matches(host: str, domain: str) -> bool:
    """True if ``host`` is ``domain`` or a subdomain of it (never for IP addresses)."""
    if host == domain:
        return True
    is_ip_address = ':' in host or host.replace('.', '').isdigit()
    return host.endswith('.' + domain) and not is_ip_address


def _readable_cookie_value(native_value: str) -> str:
    """A cookie value as sent (native string, maybe quoted) as ``request.cookies`` reads it."""
    value = _latin1_to_unicode(native_value)
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = _unquote_cookie_value(value[1:-1])
    return value


# ----------------------------------------------------------------- Constants ----
# Module state (debug mode, the run() switch of load_app), HTTP status phrases, the
# default error page, the thread-local request and response, the default application
# stack, and the bottle.ext namespace for extension packages.

#: Debug mode (see :func:`debug`): tracebacks on error pages, no template cache.
#: ``'strict'`` also turns deprecation warnings into errors.
DEBUG: bool | str = False
#: While true, :func:`run` does nothing: :func:`load_app` sets it while it imports.
NORUN = False

#: A dict to map HTTP status codes (e.g. 404) to phrases (e.g. 'Not Found').
HTTP_CODES = {
    100: 'Continue', 101: 'Switching Protocols', 102: 'Processing', 103: 'Early Hints',
    200: 'OK', 201: 'Created', 202: 'Accepted', 203: 'Non-Authoritative Information',
    204: 'No Content', 205: 'Reset Content', 206: 'Partial Content', 207: 'Multi-Status',
    208: 'Already Reported', 226: 'IM Used',
    300: 'Multiple Choices', 301: 'Moved Permanently', 302: 'Found', 303: 'See Other',
    304: 'Not Modified', 305: 'Use Proxy', 307: 'Temporary Redirect', 308: 'Permanent Redirect',
    400: 'Bad Request', 401: 'Unauthorized', 402: 'Payment Required', 403: 'Forbidden',
    404: 'Not Found', 405: 'Method Not Allowed', 406: 'Not Acceptable',
    407: 'Proxy Authentication Required', 408: 'Request Timeout', 409: 'Conflict', 410: 'Gone',
    411: 'Length Required', 412: 'Precondition Failed', 413: 'Request Entity Too Large',
    414: 'Request-URI Too Long', 415: 'Unsupported Media Type',
    416: 'Requested Range Not Satisfiable', 417: 'Expectation Failed', 418: "I'm a teapot",
    421: 'Misdirected Request', 422: 'Unprocessable Entity', 423: 'Locked',
    424: 'Failed Dependency', 425: 'Too Early', 426: 'Upgrade Required',
    428: 'Precondition Required', 429: 'Too Many Requests',
    431: 'Request Header Fields Too Large', 451: 'Unavailable For Legal Reasons',
    500: 'Internal Server Error', 501: 'Not Implemented', 502: 'Bad Gateway',
    503: 'Service Unavailable', 504: 'Gateway Timeout', 505: 'HTTP Version Not Supported',
    506: 'Variant Also Negotiates', 507: 'Insufficient Storage', 508: 'Loop Detected',
    510: 'Not Extended', 511: 'Network Authentication Required',
}
_HTTP_STATUS_LINES = dict((code, '%d %s' % (code, phrase)) for code, phrase in HTTP_CODES.items())
#: The status lines HTML-escaped, for the default error page.
_ESCAPED_STATUS_LINES = {line: html_escape(line) for line in _HTTP_STATUS_LINES.values()}

#: The SimpleTemplate source of the default error page. It gets ``e`` (the
#: HTTPError), ``DEBUG`` and ``request``. Replace it to change every error page
#: of every application that has no error handler for a status.
ERROR_PAGE_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Error: {{e.status}}</title>
<style>
body {font-family: sans-serif; margin: 2em; color: #222;}
pre {background: #f4f4f4; border: 1px solid #ddd; padding: .5em; overflow: auto;}
</style>
</head>
<body>
<h1>Error: {{e.status}}</h1>
<p>The request for <code>{{request.path}}</code> could not be answered:</p>
<pre>{{e.body}}</pre>
%if DEBUG and e.exception:
<h2>Exception:</h2>
%try:
%  exception = repr(e.exception)
%except Exception:
%  exception = '<unprintable %s object>' % type(e.exception).__name__
%end
<pre>{{exception}}</pre>
%end
%if DEBUG and e.traceback:
<h2>Traceback:</h2>
<pre>{{e.traceback}}</pre>
%end
</body>
</html>
"""
_DEFAULT_ERROR_PAGE_TEMPLATE = ERROR_PAGE_TEMPLATE


def _repr_or_placeholder(obj: object) -> str:
    """``repr(obj)``, or a placeholder if that fails."""
    try:
        return repr(obj)
    except Exception:
        return '<unprintable %s object>' % type(obj).__name__


# The default error page up to its first code line, cut at its three placeholders: the
# fast path fills the gaps in one join, so no inserted text is ever searched again.
_ERROR_PAGE_HEAD = ERROR_PAGE_TEMPLATE.split('%if DEBUG and e.exception:', 1)[0]
_ERROR_PAGE_PIECES = re.split(r'\{\{(e\.status|request\.path|e\.body)\}\}', _ERROR_PAGE_HEAD)


def _render_default_error_page(error: HTTPError, debug_mode: bool | str) -> bytes:
    """Render ERROR_PAGE_TEMPLATE for ``error`` without the template engine (fast path).

    Gives the same bytes as rendering the template (a test holds it to that).
    """
    status = error.status
    escaped_status = _ESCAPED_STATUS_LINES.get(status)
    if escaped_status is None:
        escaped_status = html_escape(touni(status))
    values = {'e.status': escaped_status, 'request.path': html_escape(request.path),
              'e.body': html_escape(touni(error.body))}
    page = [piece if index % 2 == 0 else values[piece]
            for index, piece in enumerate(_ERROR_PAGE_PIECES)]
    if debug_mode and error.exception:
        page.append('<h2>Exception:</h2>\n<pre>%s</pre>\n'
                    % html_escape(touni(_repr_or_placeholder(error.exception))))
    if debug_mode and error.traceback:
        page.append('<h2>Traceback:</h2>\n<pre>%s</pre>\n' % html_escape(touni(error.traceback)))
    page.append('</body>\n</html>\n')
    return ''.join(page).encode('utf8')


#: A thread-safe instance of :class:`LocalRequest`. If accessed from within a
#: request callback, this instance always refers to the *current* request.
request = LocalRequest()

#: A thread-safe instance of :class:`LocalResponse`, the response of the
#: current request.
response = LocalResponse()

#: A thread-safe namespace. Not used by Bottle.
local = threading.local()

#: The stack of default applications (``app()`` and ``default_app()`` return the top).
apps = app = default_app = AppStack()
app.push()


class _ImportRedirect(object):
    """A meta-path importer that makes ``bottle.ext.NAME`` import the package ``bottle_NAME``."""

    def __init__(self, name: str, impmask: str) -> None:
        self.name = name
        self.impmask = impmask
        self.module = sys.modules.setdefault(name, type(sys)(name))
        self.module.__dict__.update({'__file__': __file__, '__path__': [], '__all__': [],
                                     '__loader__': self, '__package__': name})
        sys.meta_path.append(self)

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname.rpartition('.')[0] != self.name:
            return None
        from importlib.machinery import ModuleSpec
        return ModuleSpec(fullname, self)  # type: ignore[arg-type]  # a loader by its methods

    def create_module(self, spec: Any) -> ModuleType:
        fullname = spec.name
        module_name = fullname.rpartition('.')[2]
        real_name = self.impmask % module_name
        __import__(real_name)
        module = sys.modules[real_name]
        setattr(self.module, module_name, module)
        return module

    def exec_module(self, module: ModuleType) -> None:
        pass


#: The ``bottle.ext`` namespace: ``from bottle.ext import sqlite`` imports ``bottle_sqlite``.
ext = _ImportRedirect('bottle.ext' if __name__ == '__main__' else __name__ + '.ext',
                      'bottle_%s').module


# -------------------------------------------------------------- Command line ----
# ``python -m bottle [options] package.module:app`` (also ``python bottle.py`` and
# the installed ``bottle`` script): load an application and run a server for it, or
# list its routes. Mistakes get one line on stderr and exit status 2.

_CLI_EXAMPLES = '''examples:
  serve myapp.app on http://localhost:8080/:
    %(prog)s myapp:app
  on all interfaces, port 8000:
    %(prog)s -b 0.0.0.0:8000 myapp:app
  with gunicorn and 4 worker processes:
    %(prog)s -s gunicorn -o workers=4 myapp:app
  restart when a file changes, in debug mode, an app made by a function:
    %(prog)s --reload --debug 'myapp:make_app()'
  with config from a file, and one value set:
    %(prog)s -c app.ini -C db.url=sqlite:// myapp:app
  list the routes as JSON instead of serving:
    %(prog)s --routes --json myapp:app
'''


class _CommandLineError(Exception):
    """A mistake on the command line: the message is shown, the exit status is 2."""


def _cli_parse(args: list[str]) -> tuple[Any, Any]:
    """Parse the command line ``args`` (``args[0]`` is the program); returns
    ``(options, parser)``."""
    from argparse import ArgumentParser, RawDescriptionHelpFormatter
    program = os.path.basename(args[0])
    if program == 'bottle.py' and getattr(sys.modules.get('__main__'), '__spec__', None):
        program = 'python3 -m bottle'  # started with -m
    parser = ArgumentParser(prog=program, usage='%(prog)s [options] package.module:app',
                            epilog=_CLI_EXAMPLES, formatter_class=RawDescriptionHelpFormatter)
    option = parser.add_argument
    option('--version', action='store_true', help='show version number.')
    option('-b', '--bind', metavar='ADDRESS', help='bind socket to ADDRESS[:PORT] '
           '(IPv6 addresses in brackets).')
    option('-s', '--server', default='wsgiref', help='use SERVER as backend.')
    option('-o', '--option', action='append', metavar='NAME=VALUE',
           help='an option for the server adapter (e.g. workers=4); repeatable.')
    option('-p', '--plugin', action='append', help='install additional plugin/s.')
    option('-c', '--conf', action='append', metavar='FILE',
           help='load config values from FILE (ini or .json).')
    option('-C', '--param', action='append', metavar='NAME=VALUE', help='override config values.')
    option('--debug', action='store_true', help='start server in debug mode.')
    option('--reload', action='store_true', help='auto-reload on file changes.')
    option('--routes', action='store_true',
           help='list the routes of the app (mounted apps included) and exit.')
    option('--json', action='store_true', help='with --routes: print them as JSON.')
    option('app', help='WSGI app entry point.', nargs='?')
    return parser.parse_args(args[1:]), parser


def _parse_bind_address(address: str | None) -> tuple[str, int]:
    """Split ``host[:port]`` (``[v6::addr]:port`` for IPv6) into host and port (default 8080).

    :raises ValueError: a malformed address or port.
    """
    port: int | str  # text until it is checked
    host, port = address or 'localhost', 8080
    if host.startswith('['):
        closing = host.find(']')
        if closing < 0:
            raise ValueError('Unclosed bracket in address %r' % address)
        rest = host[closing + 1:]
        host = host[1:closing]
        if rest:
            if not rest.startswith(':'):
                raise ValueError('Unexpected text after the address: %r' % address)
            port = rest[1:]
    elif host.count(':') == 1:
        host, port = host.split(':')
    if not str(port).isdigit() or not 0 <= int(port) <= 65535:
        raise ValueError('Invalid port in address %r' % address)
    return host, int(port)


def _cli_option_value(text: str) -> bool | int | str:
    """A ``-o``/``-C`` value as Python: ints and booleans are converted, the rest is text."""
    lowered = text.strip().lower()
    if lowered in ('true', 'false'):
        return lowered == 'true'
    try:
        return int(text)
    except ValueError:
        return text


#: The arguments of run() that are not options for the server adapter.
_RUN_ARGUMENTS = frozenset(('app', 'server', 'host', 'port', 'interval', 'reloader', 'quiet',
                            'plugins', 'debug', 'config'))


def _cli_server_options(items: Iterable[str] | None) -> dict[str, Any]:
    """The ``-o NAME=VALUE`` options as a dict for the server adapter."""
    options: dict[str, Any] = {}
    for item in items or ():
        name, equals, value = item.partition('=')
        name = name.strip()
        if not equals or not name.isidentifier():
            raise _CommandLineError('Server options look like NAME=VALUE, not %r' % item)
        if name in _RUN_ARGUMENTS:
            raise _CommandLineError('-o %s is not a server option: it is an argument of run(); '
                                    'use the command line option for it instead.' % name)
        options[name] = _cli_option_value(value)
    return options


def _cli_config(filenames: Iterable[str] | None, params: Iterable[str] | None) -> ConfigDict:
    """A ConfigDict from ``--conf`` files (ini or .json) and ``--param`` values."""
    config = ConfigDict()
    for filename in filenames or ():
        if not os.path.isfile(filename):
            raise _CommandLineError('Config file %r does not exist.' % filename)
        try:
            if filename.endswith('.json'):
                with open(filename, 'rb') as source:
                    config.load_dict(json_loads(source.read()))
            else:
                config.load_config(filename)
        except (IOError, OSError) as problem:
            raise _CommandLineError('Unable to read config file %r: %s'
                                    % (filename, problem)) from None
        except Exception as problem:  # configparser and json errors, ValueError of validators
            raise _CommandLineError('Unable to parse config file %r: %s'
                                    % (filename, problem)) from None
    for param in params or ():
        if '=' in param:
            config.update((param.split('=', 1),))
        else:
            config[param] = True
    return config


def _user_traceback(error: BaseException) -> str:
    """The traceback of ``error`` without the frames of bottle and importlib above the
    user's code: it shows the file and line where the user's module failed."""
    import traceback
    import importlib
    trace = traceback.TracebackException.from_exception(error)
    importlib_files = os.path.join(os.path.dirname(importlib.__file__), '')
    frames = [frame for frame in trace.stack
              if os.path.abspath(frame.filename) != os.path.abspath(__file__)
              and not frame.filename.startswith(('<frozen importlib', importlib_files))]
    trace.stack = traceback.StackSummary.from_list(frames)
    return ''.join(trace.format())


def _cli_load_app(target: str) -> Any:
    """Load the application named by ``target`` for the command line.

    :raises _CommandLineError: it cannot be loaded; the message holds the user's own
        traceback when their module failed (a bug to fix there), else one line.
    """
    module_name = target.split(':', 1)[0]
    try:
        return load_app(target)
    except ModuleNotFoundError as missing:
        if missing.name and module_name.startswith(missing.name):
            raise _CommandLineError(
                'Cannot load application %r: no module named %r (run from the directory '
                'that holds it, or put it on PYTHONPATH).' % (target, missing.name)) from None
        raise _CommandLineError('Cannot load application %r: %s\n%s' % (
            target, missing, _user_traceback(missing).rstrip())) from None
    except AttributeError as missing:
        raise _CommandLineError('Cannot load application %r: %s' % (target, missing)) from None
    except Exception as failure:  # the user's module failed while it was imported
        raise _CommandLineError('Cannot load application %r: %s: %s\n%s' % (
            target, type(failure).__name__, failure, _user_traceback(failure).rstrip())) from None


def _cli_check_server(name: str) -> None:
    """Refuse an unknown server name, or one whose package is not installed."""
    if name not in server_names and ':' not in name:
        raise _CommandLineError('Unknown server %r. Known names: %s'
                                % (name, ', '.join(sorted(server_names))))
    requires = getattr(server_names.get(name), 'requires', None)
    if requires:
        try:
            _require(*requires)
        except ImportError as missing:
            raise _CommandLineError('Server %r: %s' % (name, missing)) from None


def _port_is_taken(host: str, port: int) -> bool:
    """True if nothing may listen on ``host``:``port`` now (another server does)."""
    import errno
    import socket
    try:
        infos = socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM)
    except socket.gaierror:
        return False  # the server will report the bad host itself
    family, kind, _, _, address = infos[0]
    with socket.socket(family, kind) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            return error.errno == errno.EADDRINUSE
    return False


def _cli_check_port(host: str, port: int) -> None:
    """Refuse a port another process listens on, suggesting a free one nearby."""
    if port and _port_is_taken(host, port):
        free = next((other for other in range(port + 1, min(port + 50, 65536))
                     if not _port_is_taken(host, other)), None)
        hint = '; try --bind %s:%d' % (host if ':' not in host else '[%s]' % host, free) \
            if free else ''
        raise _CommandLineError('Port %d on %s is already in use (is another server running?)%s'
                                % (port, host, hint))


def _callback_path(callback: Any) -> str:
    """``module:qualname`` of a route callback, for the route listing."""
    module = getattr(callback, '__module__', None) or '?'
    name = getattr(callback, '__qualname__', None) or getattr(callback, '__name__', None)
    return '%s:%s' % (module, name or type(callback).__name__)


def _plugin_label(plugin: _Plugin) -> str:
    return getattr(plugin, 'name', None) or getattr(plugin, '__name__', None) or \
        type(plugin).__name__


def _route_listing(app: Bottle, prefix: str = '') -> list[dict[str, Any]]:
    """The routes of ``app`` and of the Bottle apps mounted on it (with their prefix),
    as dicts: method, rule, name, callback, plugins (and mount for a mounted WSGI app)."""
    listing: list[dict[str, Any]] = []
    for route in app.routes:
        target = route.config.get('mountpoint.target')  # route config flattens the dict
        if target is not None:
            if not route.rule.endswith('<:re:.*>'):
                continue  # the bare prefix of a mount without a slash: listed once
            mount_prefix = prefix + route.config['mountpoint.prefix'].rstrip('/')
            if isinstance(target, Bottle):
                listing.extend(_route_listing(target, mount_prefix))
            else:
                listing.append({'method': 'ANY', 'rule': mount_prefix + '/...', 'name': None,
                                'callback': _callback_path(target), 'plugins': [],
                                'mount': 'WSGI application'})
            continue
        listing.append({
            'method': route.method, 'rule': prefix + route.rule, 'name': route.name,
            'callback': _callback_path(route.get_undecorated_callback()),
            'plugins': [_plugin_label(plugin) for plugin in route.all_plugins()]})
    return listing


def _print_routes(app: Bottle, as_json: bool) -> None:
    """Print the route listing of ``app``: a table, or JSON."""
    listing = _route_listing(app)
    if as_json:
        print(json_dumps(listing, indent=2))
        return
    rows = [(entry['method'], entry['rule'], entry['name'] or '-', entry['callback'],
             ', '.join(entry['plugins']) or entry.get('mount') or '-') for entry in listing]
    header = ('METHOD', 'RULE', 'NAME', 'CALLBACK', 'PLUGINS')
    widths = [max(len(row[column]) for row in rows + [header]) for column in range(4)]
    for row in [header] + rows:
        print('  '.join(cell.ljust(width) for cell, width in zip(row, widths)) + '  ' + row[4])


def main() -> None:
    """The command line interface (see ``python -m bottle --help``)."""
    args, parser = _cli_parse(sys.argv)
    if args.version:
        print('Bottle %s' % __version__)
        sys.exit(0)
    try:
        _cli_main(args)
    except _CommandLineError as mistake:
        parser.print_usage(sys.stderr)
        _stderr('\nError: %s\n' % mistake)
        sys.exit(2)


def _cli_main(args: Any) -> None:
    """Do what the parsed command line ``args`` ask for (see :func:`main`)."""
    if not args.app:
        raise _CommandLineError('No application entry point specified.')
    sys.path.insert(0, '.')
    sys.modules.setdefault('bottle', sys.modules[__name__])
    if args.routes:
        application = _cli_load_app(args.app)
        if not isinstance(application, Bottle):
            raise _CommandLineError('%r is not a Bottle application; only those have routes.'
                                    % args.app)
        return _print_routes(application, args.json)
    try:
        host, port = _parse_bind_address(args.bind)
    except ValueError as bad:
        raise _CommandLineError(str(bad)) from None
    config = _cli_config(args.conf, args.param)
    server_options = _cli_server_options(args.option)
    _cli_check_server(args.server)
    in_reloader_child = args.reload and _in_reloader_child()
    application = args.app if in_reloader_child else _cli_load_app(args.app)
    if not in_reloader_child:
        _cli_check_port(host, port)
    try:
        run(application, host=host, port=port, server=args.server, reloader=args.reload,
            plugins=args.plugin, debug=args.debug, config=config, **server_options)
    except ImportError as missing:  # a plugin or the server's package
        raise _CommandLineError(str(missing)) from None
    except OSError as refused:  # the server cannot listen: port taken meanwhile, privileges
        raise _CommandLineError('Cannot serve on %s:%d: %s' % (host, port, refused)) from None


if __name__ == '__main__':
    main()
