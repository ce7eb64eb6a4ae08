"""Sphinx configuration for the bottle.py manual (built by ``make docs``).

Besides the usual settings, this file adds two checks to every build, so a
plain ``sphinx-build -W -n docs build/docs`` enforces them too:

* Links written for a code host, ```Routing <routing.rst>`_`` or
  ```text <routing.rst#anchor>`_``, are turned into links to the built page;
  a link to a page or anchor that does not exist is a warning (an error
  under ``-W``).
* Every public name of ``bottle.py`` must be documented in the API reference
  (``api.rst``), and so must the public members of its classes; a missing one
  is a warning (an error under ``-W``).
"""
import __future__
import builtins
import os
import re
import sys
import types

from docutils import nodes

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)

import bottle  # noqa: E402  (the bottle.py of this checkout, for autodoc and the API check)

project = 'bottle.py'
author = 'The bottle.py authors'
copyright = 'The bottle.py authors, MIT license'
version = release = bottle.__version__

extensions = ['sphinx.ext.autodoc']
root_doc = 'index'
exclude_patterns = ['_build']
templates_path = []
html_static_path = []
html_theme = 'alabaster'
html_title = 'bottle.py %s' % release
html_theme_options = {'description': 'A WSGI micro-framework in one file', 'fixed_sidebar': True}
pygments_style = 'sphinx'
highlight_language = 'python'

autodoc_member_order = 'bysource'
autodoc_default_options = {'members': True, 'undoc-members': True, 'show-inheritance': True}
autodoc_typehints = 'signature'

# The Python documentation is not reachable from every machine that builds this
# manual (CI has no route to docs.python.org), so there is no intersphinx: a
# reference to a standard-library or built-in name (``:func:`json.dumps```,
# ``:meth:`dict.update```, a type hint ``io.BytesIO``) stays plain text instead
# of being a "target not found" error. Only names qualified by a standard module
# or a built-in are let through; a broken reference to a bottle name is still
# an error.
_STANDARD_NAMES = set(sys.stdlib_module_names) | set(dir(builtins))
nitpick_ignore_regex = [
    (r'py:.*', r'(%s)(\..+)?' % '|'.join(sorted(map(re.escape, _STANDARD_NAMES)))),
    # Docstrings may point at private helpers (``:meth:`_cast```) for readers of
    # the source; private names are not in the reference, so these stay text.
    (r'py:.*', r'(.+\.)?_[A-Za-z0-9][\w]*'),
]

# Workarounds for docstrings in bottle.py that break the -W build. Each is scoped
# to the exact object and reference; they are listed for the bottle.py maintainer
# and go away once the docstrings are fixed (see _DOCSTRING_WORKAROUNDS below too).
nitpick_ignore = [
    ('py:attr', 'source'),              # StplParser.offset: attribute without a doc comment
    ('py:attr', 'defaults'),            # Jinja2/Mako/CheetahTemplate.render: BaseTemplate.defaults
]

# Docstrings whose reST is malformed ("Field list ends without a blank line"):
# a blank line is inserted before the first line that follows the field list.
_DOCSTRING_WORKAROUNDS = {'bottle.Bottle.route'}


def _fix_docstring(app, what, name, obj, options, lines):
    """Keep autodoc from printing nonsense and work around the docstrings listed above."""
    # A module constant without a ``#:`` comment gets the docstring of its type
    # (bool's, dict's): that describes the type, not the constant, so drop it.
    if what == 'data' and lines and obj is not None and type(obj).__doc__ and \
            '\n'.join(lines).strip() == type(obj).__doc__.strip():
        lines[:] = []
    if name in _DOCSTRING_WORKAROUNDS:
        for index in range(1, len(lines)):
            if lines[index - 1].startswith((':param', '    ')) and lines[index] and \
                    not lines[index].startswith((':', ' ')):
                lines.insert(index, '')
                break


def _is_bottle_cached_property(member):
    return isinstance(member, bottle.cached_property)


def _add_documenters(app):
    """Document ``bottle.cached_property`` members as properties, not as methods.

    ``cached_property`` copies its function's metadata (``__wrapped__``), so
    autodoc would take it for a method and fail to read its signature.
    """
    from sphinx.ext.autodoc import AttributeDocumenter
    from sphinx.util.docstrings import prepare_docstring

    class CachedPropertyDocumenter(AttributeDocumenter):
        objtype = 'bottlecachedproperty'
        directivetype = 'property'
        priority = AttributeDocumenter.priority + 10

        @classmethod
        def can_document_member(cls, member, membername, isattr, parent):
            return _is_bottle_cached_property(member)

        def should_suppress_value_header(self):
            return True

        def get_doc(self):
            return [prepare_docstring(self.object.__doc__ or '')]

    app.add_autodocumenter(CachedPropertyDocumenter)


# ------------------------------------------------------------ Code-host links ----

_RST_LINK = re.compile(r'^(?P<doc>[A-Za-z0-9_./-]+)\.rst(?:#(?P<anchor>[A-Za-z0-9_-]+))?$')


def _code_host_links(docname, doctree):
    """Yield ``(reference node, target docname, anchor)`` for each ``page.rst#anchor`` link."""
    base = os.path.dirname(docname)
    for ref in doctree.findall(nodes.reference):
        match = _RST_LINK.match(ref.get('refuri', ''))
        if match:
            target = os.path.normpath(os.path.join(base, match['doc'])).replace(os.sep, '/')
            yield ref, target, match['anchor']


def _record_rst_links(app, doctree):
    """Remember the code-host links of a page, to check them once all pages are read."""
    env = app.env
    if not hasattr(env, 'bottle_rst_links'):
        env.bottle_rst_links = {}
    links = _code_host_links(env.docname, doctree)
    env.bottle_rst_links[env.docname] = [(dest, anchor, ref.line) for ref, dest, anchor in links]


def _check_rst_links(app, env):
    """Warn about code-host links to a page or an anchor that does not exist."""
    from sphinx.util import logging
    logger = logging.getLogger('bottle-docs')
    ids_of = {}
    for docname, links in sorted(getattr(env, 'bottle_rst_links', {}).items()):
        for target, anchor, line in links:
            where = (env.doc2path(docname), line)
            if target not in env.found_docs:
                logger.warning('link to %s.rst: no such page', target, location=where)
                continue
            if anchor and target not in ids_of:
                ids_of[target] = {id_ for node in env.get_doctree(target).findall(nodes.Element)
                                  for id_ in node.get('ids', ())}
            if anchor and anchor not in ids_of[target]:
                logger.warning('link to %s.rst#%s: no such section or label there',
                               target, anchor, location=where)


def _rewrite_rst_links(app, doctree, docname):
    """Point the code-host links at the built pages."""
    for ref, target, anchor in _code_host_links(docname, doctree):
        uri = app.builder.get_relative_uri(docname, target)
        ref['refuri'] = uri + ('#' + anchor if anchor else '')


def _env_merge_links(app, env, docnames, other):
    env.bottle_rst_links = getattr(env, 'bottle_rst_links', {})
    env.bottle_rst_links.update(getattr(other, 'bottle_rst_links', {}))


def _env_purge_links(app, env, docname):
    getattr(env, 'bottle_rst_links', {}).pop(docname, None)


# ------------------------------------------------------------ API completeness ----

def public_names(module=bottle):
    """The public module-level names of bottle.py.

    Every attribute without a leading underscore, except the standard modules
    bottle.py imports for itself (``os``, ``re``, ...: a module object under its
    own name). Re-exported modules under another name (``bottle.ext``, and e.g.
    an ``httplib`` alias) are public. ``UTC`` is built on first access by the
    module's ``__getattr__`` and so is added by hand. Not API either: the
    ``from __future__ import annotations`` feature and ``TYPE_CHECKING``, the
    flag that shows type checkers bottle.py's typing names.
    """
    names = set()
    for name in dir(module):
        if name.startswith('_') or name == 'TYPE_CHECKING':
            continue
        value = getattr(module, name)
        if isinstance(value, types.ModuleType) and value.__name__ == name:
            continue
        if isinstance(value, __future__._Feature):
            continue
        names.add(name)
    if hasattr(module, 'UTC'):
        names.add('UTC')
    return names


def public_members(cls):
    """Public attributes a class defines itself (inherited ones are documented on the base)."""
    return {name for name in vars(cls) if not name.startswith('_')}


def missing_api_names(documented, module=bottle):
    """Names of bottle.py (``Name``, ``Class.member``) missing from the set ``documented``."""
    missing = []
    for name in sorted(public_names(module)):
        if 'bottle.' + name not in documented:
            missing.append(name)
            continue
        value = getattr(module, name)
        own_class = isinstance(value, type) and value.__module__ == module.__name__
        if own_class and value.__name__ == name:
            for member in sorted(public_members(value)):
                if 'bottle.%s.%s' % (name, member) not in documented:
                    missing.append('%s.%s' % (name, member))
    return missing


def _standard_name(value):
    """``module.name`` under which the standard library documents ``value``."""
    if isinstance(value, types.ModuleType):
        return value.__name__
    module, name = value.__module__, value.__qualname__
    if module == 'builtins':
        in_types = [attr for attr in dir(types) if getattr(types, attr) is value]
        return 'types.' + in_types[0] if in_types else name
    public_module = module.lstrip('_')  # _io.BytesIO is documented as io.BytesIO
    if public_module != module and getattr(sys.modules.get(public_module), name, None) is value:
        module = public_module
    return '%s.%s' % (module, name)


def reexported_names(module=bottle):
    """Public names of bottle.py that are standard-library modules, classes or functions.

    They exist for code written for Bottle 0.13, which imports them from bottle;
    ``api.rst`` lists them with the directive ``bottle-reexports``.
    """
    found = {}
    for name in sorted(public_names(module), key=str.lower):
        value = getattr(module, name)
        if value is module.ext:
            continue
        if isinstance(value, types.ModuleType) or (
                (isinstance(value, type) or callable(value)) and hasattr(value, '__qualname__')
                and getattr(value, '__module__', module.__name__) != module.__name__):
            found[name] = _standard_name(value)
    return found


def _reexports_directive():
    from docutils.statemachine import StringList
    from sphinx.util.docutils import SphinxDirective
    from sphinx.util.nodes import nested_parse_with_titles

    class ReexportsDirective(SphinxDirective):
        """Document every standard-library name bottle.py re-exports, one ``py:data`` each."""

        def run(self):
            lines = []
            for name, standard in reexported_names().items():
                # An exception class is documented as one, so that ``:raises
                # CookieError:`` in a docstring of bottle.py resolves to it.
                value = getattr(bottle, name)
                is_exception = isinstance(value, type) and issubclass(value, BaseException)
                directive = 'py:exception' if is_exception else 'py:data'
                lines += ['.. %s:: %s' % (directive, name), '',
                          '   The standard library\'s ``%s``.' % standard, '']
            container = nodes.container()
            content = StringList(lines, source='bottle-reexports')
            nested_parse_with_titles(self.state, content, container)
            return container.children

    return ReexportsDirective


def config_keys():
    """``(key, default or None, help)`` for every setting a new Bottle application defines.

    The keys are those with a ``help`` text in the config's meta data; set or not
    (``proxy.hops`` has no default). ``_meta`` is the ConfigDict's store of it.
    """
    config = bottle.Bottle().config
    keys = sorted(set(config) | set(getattr(config, '_meta', {})))
    return [(key, config.get(key), config.meta_get(key, 'help')) for key in keys
            if config.meta_get(key, 'help')]


def _config_keys_directive():
    from docutils.statemachine import StringList
    from sphinx.util.docutils import SphinxDirective

    class ConfigKeysDirective(SphinxDirective):
        """A definition list of the application's settings, from their help texts."""

        def run(self):
            lines = []
            for key, default, help_text in config_keys():
                default_text = 'not set' if default is None else 'default ``%r``' % (default,)
                lines += ['``%s`` (%s)' % (key, default_text), '    ' + help_text, '']
            container = nodes.container()
            self.state.nested_parse(StringList(lines, source='bottle-config-keys'),
                                    self.content_offset, container)
            return container.children

    return ConfigKeysDirective


def _check_api_reference(app, env):
    from sphinx.util import logging
    logger = logging.getLogger('bottle-docs')
    documented = set(env.get_domain('py').objects)
    for name in missing_api_names(documented):
        logger.warning('bottle.%s is public but not in the API reference', name, location='api')


def setup(app):
    _add_documenters(app)
    app.connect('autodoc-process-docstring', _fix_docstring)
    app.add_directive('bottle-reexports', _reexports_directive())
    app.add_directive('bottle-config-keys', _config_keys_directive())
    app.connect('doctree-read', _record_rst_links)
    app.connect('doctree-resolved', _rewrite_rst_links)
    app.connect('env-check-consistency', _check_rst_links)
    app.connect('env-check-consistency', _check_api_reference)
    app.connect('env-merge-info', _env_merge_links)
    app.connect('env-purge-doc', _env_purge_links)
    return {'parallel_read_safe': True, 'parallel_write_safe': True}
