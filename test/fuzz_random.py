"""Fast cases for ``make fuzz``: generated with :mod:`random`, mutated and shrunk.

Drawing a case from the hypothesis strategies of ``test/fuzz_props.py`` costs
far more than sending it, so the long run (``test/fuzz.py``, mode ``fast``)
makes its cases here instead. For every property there is a *schema*
(:data:`SCHEMAS`) that describes the same case space as the property's
strategy, with the same literal choices (the named lists of fuzz_props), and
can do three things with a case:

``gen(r)``
    a new case from ``r`` (a :class:`random.Random`), shaped like the
    strategy's (the property's ``check`` takes it unchanged);
``mutate(r, case)``
    a new case that differs from ``case`` in one place (a character, a list
    element, a choice, a number, a nested body...), staying inside the space
    the property's oracles are written for: a header whose strategy is a list
    of fixed values is never given arbitrary text, a well-formed multipart
    body stays well-formed; free text may change in any way its alphabet
    allows. Mutation never changes ``case`` itself;
``shrink(case)``
    simpler variants of ``case`` (shorter text, fewer list items, smaller
    numbers, earlier choices), the candidates the minimiser tries in turn.

Mutation applies to the saved regression cases and to a corpus drawn once from
the hypothesis strategies; :func:`minimise` shrinks a failing case while it
keeps failing the same way.
"""
import base64
import json
import re
import time
import urllib.parse

import fuzz_props as fp
from fuzz_props import native

# ----------------------------------------------------------------- Alphabets ----

_SURROGATES = range(0xD800, 0xE000)
# Characters worth trying more often than a uniform draw would: separators, quotes,
# escapes, line ends, controls, the high latin-1 bytes, and unicode that changes under
# case mapping, normalisation or UTF-8/latin-1 confusion.
_SPECIAL_CHARS = ('\x00\t\n\r "%&\'+,/;=?#[]\\<>{}:@|`^~!$*()\x1f\x7f\x80\x85\x9f\xa0\xad'
                  '\xb2\xb9\xe4\xe9\xfe\xff\u0130\u0131\u017f\u0345\u0663\u200b\u200e\u2028'
                  '\u2029\u202e\u212a\ufb00\ufeff\ufffd\U0001f600\U0010ffff')
_HOSTILE_PIECES = ['%', '%00', '%0a', '%0d%0a', '%2e%2e', '%2f', '%5c', '%zz', '%%', '%e9',
                   '%c3%a9', '..', '../', '..\\', '/..', '//', '\\', '\x00', '\r\n', '\n', '\r',
                   '\r\n\r\n',
                   ';', '=', '&', '&&', '==', '"', "'", '\t', ' ', '+', '#', '?', '[', ']', ':',
                   '@', '\xff', '\xe9', '\xc3\xa9', '\u2028', '\ufeff', '\U0001f600', '\x1f',
                   '\x7f', '{{', '}}', '<%', '%>', '\n%', '[::1]', ':80', '0x', '-1', '9' * 20]


def _unicode_char(r):
    x = r.random()
    if x < 0.45:
        return chr(r.randint(32, 126))
    if x < 0.52:
        return chr(r.choice((r.randint(0, 31), 127)))
    if x < 0.65:
        return chr(r.randint(128, 255))
    if x < 0.80:
        return r.choice(_SPECIAL_CHARS)
    if x < 0.95:
        code = r.randint(256, 0xFFFF)
        return chr(code if code not in _SURROGATES else code - 0x800)
    return chr(r.randint(0x10000, 0x10FFFF))


class Chars(object):
    """An alphabet: ``draw(r)`` one character of it, ``ok(c)`` tells whether ``c`` is in it.

    ``pool`` (a string) is drawn from uniformly; without it characters come from
    the whole of unicode (biased to ASCII and :data:`_SPECIAL_CHARS`), less those
    ``ok`` refuses. ``simplest`` is what the shrinker turns characters into.
    """

    def __init__(self, pool=None, ok=None, simplest='a'):
        self.pool = pool
        members = frozenset(pool) if pool is not None else None
        self.ok = ok or members.__contains__
        self.simplest = simplest if self.ok(simplest) else (pool[0] if pool else simplest)

    def draw(self, r):
        if self.pool is not None:
            return r.choice(self.pool)
        while True:
            c = _unicode_char(r)
            if self.ok(c):
                return c

    def text(self, r, size):
        if self.pool is not None:
            return ''.join(r.choices(self.pool, k=size))
        return ''.join([self.draw(r) for _ in range(size)])

    def accepts(self, text):
        return all(map(self.ok, text))


def _not_surrogate(c):
    return not 0xD800 <= ord(c) < 0xE000


def _printable(c):  # hypothesis: not in categories Cs (surrogates) and Cc (controls)
    code = ord(c)
    return not (code < 32 or 127 <= code < 160 or 0xD800 <= code < 0xE000)


def _without(excluded, base=_not_surrogate):
    excluded = frozenset(excluded)
    return lambda c: c not in excluded and base(c)


ANY = Chars(ok=_not_surrogate)
PRINTABLE = Chars(ok=_printable)
FIELD = Chars(ok=_without('"\\', _printable))
COOKIE_CHARS = Chars(ok=lambda c: ord(c) <= 0x2FFF and _not_surrogate(c))
# st.binary() bytes as latin-1: every byte, ASCII letters and the special ones more often.
LATIN1 = Chars(''.join(map(chr, range(256))) + ''.join(map(chr, range(32, 127)))
               + '\x00\r\n\t %&=;:/\\"\'\xff\x80?#' * 4)
ASCII = Chars(''.join(map(chr, range(128))))
VISIBLE_ASCII = Chars(''.join(map(chr, range(32, 127))))
USER_CHARS = Chars(''.join(chr(c) for c in range(33, 127) if chr(c) != ':'))
TOKEN = Chars(fp.TOKEN_CHARS)
NOISE = Chars(fp.NOISE_CHARS)
BCHARS = Chars(fp._BCHARS)


def _size(r, lo, hi):
    """A length in [lo, hi], small ones and the bounds more often (as hypothesis draws)."""
    if hi <= lo:
        return lo
    x = r.random()
    if x < 0.1:
        return lo
    if x < 0.15:
        return hi
    if x < 0.6:
        return r.randint(lo, min(hi, lo + 4))
    return r.randint(lo, hi)


# ------------------------------------------------------------------- Schemas ----

class Node(object):
    """A part of a case space (see the module docstring)."""

    def gen(self, r):
        raise NotImplementedError

    def mutate(self, r, value):
        return self.gen(r)

    def shrink(self, value):
        return iter(())

    def accepts(self, value):
        return True

    def cost(self, value):
        """How complex ``value`` is: the minimiser only keeps candidates that cost less."""
        text = json.dumps(value, sort_keys=True)
        return (len(text), sum(1 for c in text if c not in 'a0'))


class Const(Node):
    def __init__(self, value):
        self.value = value

    def gen(self, r):
        return self.value

    def mutate(self, r, value):
        return self.value

    def accepts(self, value):
        return value == self.value


class Choice(Node):
    """One of ``options`` (st.sampled_from)."""

    def __init__(self, options):
        self.options = list(options)

    def gen(self, r):
        return r.choice(self.options)

    def shrink(self, value):
        seen = []
        for option in self.options:
            if option == value:
                break
            if option not in seen:
                seen.append(option)
                yield option

    def accepts(self, value):
        return value in self.options


def mutate_text(r, text, chars, hi, pieces=()):
    """``text`` changed in one way its alphabet allows, at most ``hi`` long."""
    n = len(text)
    op = r.randrange(10) if n else r.choice((0, 4, 5))
    if op in (0, 1):  # insert characters
        at = r.randint(0, n)
        text = text[:at] + chars.text(r, r.randint(1, 4)) + text[at:]
    elif op == 2:  # delete a slice
        at = r.randrange(n)
        text = text[:at] + text[at + r.randint(1, max(1, min(8, n - at))):]
    elif op == 3:  # replace a character
        at = r.randrange(n)
        text = text[:at] + chars.draw(r) + text[at + 1:]
    elif op == 4:  # insert a hostile piece the alphabet allows
        usable = [p for p in (pieces or _HOSTILE_PIECES) if chars.accepts(p)]
        if usable:
            at = r.randint(0, n)
            text = text[:at] + r.choice(usable) + text[at:]
        else:
            text = text + chars.draw(r)
    elif op == 5:  # a new text
        text = chars.text(r, _size(r, 0, max(1, min(hi, 40))))
    elif op == 6:  # repeat a slice
        at = r.randrange(n)
        piece = text[at:at + r.randint(1, 8)]
        text = text[:at] + piece * r.randint(2, 8) + text[at:]
    elif op == 7:  # swap two characters
        a, b = r.randrange(n), r.randrange(n)
        chars_list = list(text)
        chars_list[a], chars_list[b] = chars_list[b], chars_list[a]
        text = ''.join(chars_list)
    elif op == 8:  # cut at one end
        at = r.randrange(n)
        text = text[at:] if r.random() < 0.5 else text[:at]
    else:  # case change of one character (keeps it in the alphabet when it can)
        at = r.randrange(n)
        c = text[at].swapcase()
        if len(c) == 1 and chars.ok(c):
            text = text[:at] + c + text[at + 1:]
        else:
            text = text[:at] + chars.draw(r) + text[at + 1:]
    return text[:hi]


def shrink_text(text, lo=0, simplest='a', ok=None):
    """Shorter and simpler variants of ``text``, the most radical first."""
    n = len(text)
    if n > lo:
        yield text[:lo] if lo else ''
        if n // 2 >= lo:
            yield text[:n // 2]
            yield text[n - n // 2:]
        size = n // 2
        tried = 0
        while size >= 1 and tried < 80:
            for at in range(0, n - size + 1, size):
                if n - size >= lo:
                    tried += 1
                    yield text[:at] + text[at + size:]
            size //= 2
    if ok is None or ok(simplest):
        if any(c != simplest for c in text):
            simpler = re.sub(r'[^\n]', simplest, text)
            if simpler != text:
                yield simpler
            for at in range(min(n, 30)):
                if text[at] != simplest:
                    yield text[:at] + simplest + text[at + 1:]


class Text(Node):
    """Text of ``chars`` with ``lo`` to ``hi`` characters (st.text, st.binary().map(latin1))."""

    def __init__(self, chars, lo=0, hi=30, pieces=(), edit_max=None):
        self.chars, self.lo, self.hi, self.pieces = chars, lo, hi, pieces
        self.edit_max = edit_max or max(hi, 40)

    def gen(self, r):
        return self.chars.text(r, _size(r, self.lo, self.hi))

    def mutate(self, r, value):
        text = mutate_text(r, value, self.chars, self.edit_max, self.pieces)
        if len(text) < self.lo:
            text += self.chars.text(r, self.lo - len(text))
        return text

    def shrink(self, value):
        return shrink_text(value, self.lo, self.chars.simplest, self.chars.ok)

    def accepts(self, value):
        return isinstance(value, str) and len(value) >= self.lo and self.chars.accepts(value)


class Native(Node):
    """``native(text)``: unicode text as the latin-1 string of its UTF-8 bytes."""

    def __init__(self, inner):
        self.inner = inner

    @staticmethod
    def decode(value):
        try:
            return value.encode('latin1').decode('utf8')
        except UnicodeError:
            return None

    def gen(self, r):
        return native(self.inner.gen(r))

    def mutate(self, r, value):
        text = self.decode(value)
        return native(self.inner.gen(r) if text is None else self.inner.mutate(r, text))

    def shrink(self, value):
        text = self.decode(value)
        if text is not None:
            for simpler in self.inner.shrink(text):
                yield native(simpler)

    def accepts(self, value):
        if not isinstance(value, str):
            return False
        text = self.decode(value)
        return text is not None and self.inner.accepts(text)


class Int(Node):
    """An integer in [lo, hi] (st.integers), the bounds and small numbers more often."""

    def __init__(self, lo, hi, special=()):
        self.lo, self.hi, self.special = lo, hi, [s for s in special if lo <= s <= hi]

    def _clamp(self, n):
        return min(self.hi, max(self.lo, n))

    def gen(self, r):
        x = r.random()
        if x < 0.1:
            return r.choice((self.lo, self.hi))
        if x < 0.2 and self.special:
            return r.choice(self.special)
        if x < 0.5:
            return self._clamp(r.randint(-10, 10) + (0 if self.lo <= 0 else self.lo))
        if x < 0.7:  # a power of two (or of ten) and its neighbours
            base = r.choice((2, 10)) ** r.randint(0, max(1, (self.hi - self.lo).bit_length()))
            return self._clamp(r.choice((-1, 1)) * base + r.randint(-1, 1))
        return r.randint(self.lo, self.hi)

    def mutate(self, r, value):
        x = r.random()
        if x < 0.5:
            return self._clamp(value + r.choice((-1, 1)) * r.choice((1, 1, 2, 8, 100, 4096)))
        if x < 0.7:
            return self._clamp(value * r.choice((2, -1)) if value else 1)
        return self.gen(r)

    def shrink(self, value):
        target = self._clamp(0)
        if value != target:
            yield target
            step = (value - target) // 2
            while step:
                yield value - step
                step //= 2
            yield value - (1 if value > target else -1)

    def accepts(self, value):
        return type(value) is int and self.lo <= value <= self.hi


class IntText(Node):
    """``str`` of an integer of ``ints`` (st.integers().map(str)), or ``fmt % n``."""

    def __init__(self, ints, fmt='%d'):
        self.ints, self.fmt = ints, fmt

    def _number(self, value):
        try:
            return int(value, 16 if self.fmt == '%x' else 10)
        except ValueError:
            return None

    def gen(self, r):
        return self.fmt % self.ints.gen(r)

    def mutate(self, r, value):
        number = self._number(value)
        if number is None or not self.ints.accepts(number):
            return self.gen(r)
        return self.fmt % self.ints.mutate(r, number)

    def shrink(self, value):
        number = self._number(value)
        if number is not None and self.ints.accepts(number):
            for simpler in self.ints.shrink(number):
                yield self.fmt % simpler

    def accepts(self, value):
        if not isinstance(value, str) or value.strip() != value or '_' in value:
            return False
        number = self._number(value)
        return number is not None and self.ints.accepts(number) and self.fmt % number == value


class Pattern(Node):
    """Text matching ``pattern`` (st.from_regex of a simple pattern): generated by ``gen``,
    edited with ``chars`` and made to match again by ``fix`` (or generated anew)."""

    def __init__(self, pattern, gen, chars, fix=None, hi=40):
        self.regex = re.compile(pattern)
        self._gen, self.chars, self.fix, self.hi = gen, chars, fix, hi

    def gen(self, r):
        return self._gen(r)

    def mutate(self, r, value):
        text = mutate_text(r, value, self.chars, self.hi)
        if self.fix is not None and not self.regex.match(text):
            text = self.fix(text)
        return text if self.regex.match(text) else self.gen(r)

    def shrink(self, value):
        for simpler in shrink_text(value, 1, self.chars.simplest, self.chars.ok):
            if self.regex.match(simpler):
                yield simpler

    def accepts(self, value):
        return isinstance(value, str) and bool(self.regex.match(value))


class Tup(Node):
    """A fixed-length list (st.tuples; a case stores tuples as lists). A shorter list (an
    older saved case) counts as padded with None, as the property's check reads it."""

    def __init__(self, *nodes):
        self.nodes = nodes

    def _pad(self, value):
        return list(value) + [None] * (len(self.nodes) - len(value))

    def gen(self, r):
        return [node.gen(r) for node in self.nodes]

    def mutate(self, r, value):
        value = self._pad(value)
        i = r.randrange(len(self.nodes))
        return value[:i] + [self.nodes[i].mutate(r, value[i])] + value[i + 1:]

    def shrink(self, value):
        value = self._pad(value)
        for i, node in enumerate(self.nodes):
            for simpler in node.shrink(value[i]):
                yield value[:i] + [simpler] + value[i + 1:]

    def accepts(self, value):
        return isinstance(value, list) and len(value) <= len(self.nodes) and \
            all(node.accepts(item) for node, item in zip(self.nodes, self._pad(value)))


class List(Node):
    """A list of ``lo`` to ``hi`` items of ``item`` (st.lists)."""

    def __init__(self, item, lo=0, hi=5):
        self.item, self.lo, self.hi = item, lo, hi

    def gen(self, r):
        return [self.item.gen(r) for _ in range(_size(r, self.lo, self.hi))]

    def mutate(self, r, value):
        n = len(value)
        x = r.random()
        if n and x < 0.55:
            i = r.randrange(n)
            return value[:i] + [self.item.mutate(r, value[i])] + value[i + 1:]
        if n > self.lo and x < 0.7:
            i = r.randrange(n)
            return value[:i] + value[i + 1:]
        if n < self.hi and x < 0.85:
            i = r.randint(0, n)
            new = self.item.gen(r) if not n or r.random() < 0.6 else value[r.randrange(n)]
            return value[:i] + [new] + value[i:]
        if n > 1:
            value = list(value)
            r.shuffle(value)
            return value
        return self.gen(r)

    def shrink(self, value):
        n = len(value)
        if n > self.lo:
            if self.lo == 0:
                yield []
            if n > 1:
                for half in (value[:n // 2], value[n // 2:]):
                    if len(half) >= self.lo:
                        yield half
            for i in range(n):
                yield value[:i] + value[i + 1:]
        for i in range(n):
            for simpler in self.item.shrink(value[i]):
                yield value[:i] + [simpler] + value[i + 1:]

    def accepts(self, value):
        return isinstance(value, list) and all(self.item.accepts(item) for item in value)


class OneOf(Node):
    """One of several spaces (st.one_of). A value is mutated and shrunk in the first
    branch that accepts it; ``edit``, if given, is a wider space the value may also be
    edited in (say, any latin-1 text for a header whose strategy includes latin-1 text)."""

    def __init__(self, *branches, edit=None, weights=None):
        self.branches, self.edit, self.weights = branches, edit, weights

    def gen(self, r):
        if self.weights:
            return r.choices(self.branches, self.weights)[0].gen(r)
        return r.choice(self.branches).gen(r)

    def _branch(self, value):
        for branch in self.branches:
            if branch.accepts(value):
                return branch
        return None

    def mutate(self, r, value):
        x = r.random()
        if self.edit is not None and x < 0.35 and self.edit.accepts(value):
            return self.edit.mutate(r, value)
        branch = self._branch(value)
        if branch is not None and x < 0.85:
            return branch.mutate(r, value)
        return self.gen(r)

    def shrink(self, value):
        branch = self._branch(value)
        if branch is not None:
            yield from branch.shrink(value)
        elif self.edit is not None and self.edit.accepts(value):
            yield from self.edit.shrink(value)

    def accepts(self, value):
        return self._branch(value) is not None


def Opt(node):
    """None or a value of ``node`` (st.one_of(st.none(), ...))."""
    return OneOf(Const(None), node)


class Fn(Node):
    """A value made by a function; mutated and shrunk by ``edit`` (a node that accepts
    what the function makes), or only made anew."""

    def __init__(self, gen, edit=None):
        self._gen, self.edit = gen, edit

    def gen(self, r):
        return self._gen(r)

    def mutate(self, r, value):
        if self.edit is not None and r.random() < 0.8 and self.edit.accepts(value):
            return self.edit.mutate(r, value)
        return self._gen(r)

    def shrink(self, value):
        if self.edit is not None and self.edit.accepts(value):
            return self.edit.shrink(value)
        return iter(())

    def accepts(self, value):
        return self.edit.accepts(value) if self.edit is not None else True


class Dict(Node):
    """A dict with fixed keys; keys a case lacks, or the schema does not know, stay as they
    are. ``fix(value)`` restores what must hold between the fields after a change."""

    def __init__(self, fields, fix=None, gen=None):
        self.fields, self.fix, self._gen = list(fields), fix, gen

    def _fixed(self, value):
        return self.fix(value) if self.fix is not None else value

    def gen(self, r):
        if self._gen is not None:
            return self._gen(r)
        return self._fixed({key: node.gen(r) for key, node in self.fields})

    def mutate(self, r, value):
        present = [(key, node) for key, node in self.fields if key in value]
        if not present:
            return self.gen(r)
        key, node = r.choice(present)
        return self._fixed(dict(value, **{key: node.mutate(r, value[key])}))

    def shrink(self, value):
        for key, node in self.fields:
            if key in value:
                for simpler in node.shrink(value[key]):
                    yield self._fixed(dict(value, **{key: simpler}))

    def accepts(self, value):
        return isinstance(value, dict) and all(
            node.accepts(value[key]) for key, node in self.fields if key in value)


def mutate_many(r, node, value, stack=4):
    """``value`` mutated one to ``stack`` times over (a stack of single changes)."""
    for _ in range(r.choice((1, 1, 1, 2, 2, 3, stack))):
        value = node.mutate(r, value)
    return value


# ------------------------------------------------------------ Common values ----

UNICODE_TEXT = Text(ANY, 0, 30)                      # unicode_text
LATIN1_TEXT = Text(LATIN1, 0, 40)                    # latin1_text
NOISE_TEXT = Text(NOISE, 0, 12)                      # noise
TOKEN_TEXT = Text(TOKEN, 1, 12)                      # token
NATIVE_TEXT = Native(UNICODE_TEXT)                   # unicode_text.map(native)
ANY_LATIN1 = Text(LATIN1, 0, 400)                    # what a free latin-1 value may become


class RandomPayload(Node):
    """``['random', size, seed]`` with ``size`` one of ``sizes`` (fuzz_props._random_payload)."""

    def __init__(self, sizes):
        self.sizes = list(sizes)
        self.seeds = Int(0, 2 ** 32)

    def gen(self, r):
        return ['random', r.choice(self.sizes), self.seeds.gen(r)]

    def mutate(self, r, value):
        if r.random() < 0.5:
            return ['random', r.choice(self.sizes), value[2]]
        return ['random', value[1], self.seeds.gen(r)]

    def shrink(self, value):
        for size in sorted(self.sizes):
            if size < value[1]:
                yield ['random', size, value[2]]
        if value[2]:
            yield ['random', value[1], 0]

    def accepts(self, value):
        return isinstance(value, list) and len(value) == 3 and value[0] == 'random' and \
            value[1] in self.sizes


class RepeatSpec(Node):
    """``['repeat', head, unit, count, tail]``: ``head + unit * count + tail``; the count
    comes from ``counts``, the strings stay or are edited as latin-1."""

    def __init__(self, counts):
        self.counts = list(counts)

    def gen(self, r):
        raise NotImplementedError('made by the node that holds it')

    def mutate(self, r, value):
        value = list(value)
        x = r.random()
        if x < 0.5:
            value[3] = r.choice(self.counts + [value[3] - 1, value[3] + 1, value[3] * 2])
            value[3] = max(0, value[3])
        else:
            i = r.choice((1, 2, 4))
            value[i] = mutate_text(r, value[i], LATIN1, 60)
            if i == 2 and not value[2]:
                value[2] = '0'
        return value

    def shrink(self, value):
        count = value[3]
        for smaller in (0, 1, count // 2, count - count // 4, count - 1):
            if 0 <= smaller < count:
                yield value[:3] + [smaller] + value[4:]
        for i in (1, 4):
            for simpler in shrink_text(value[i]):
                yield value[:i] + [simpler] + value[i + 1:]

    def accepts(self, value):
        return isinstance(value, list) and len(value) == 5 and value[0] == 'repeat'


def _gen_route_path(r):
    tail = r.choice((LATIN1_TEXT, NATIVE_TEXT, NOISE_TEXT)).gen(r)
    return r.choice(fp.ROUTES) + tail


def _gen_static_path(r):
    segments = [r.choice(fp.STATIC_SEGMENTS) for _ in range(_size(r, 0, 5))]
    return native(r.choice(fp.STATIC_PREFIXES) + '/'.join(segments))


def _leading_slash(text):
    return text if text.startswith('/') else '/' + text


_PATH_PIECES = _HOSTILE_PIECES + fp.ROUTES + [native(s) for s in fp.STATIC_SEGMENTS] + \
    [native(s) + '/' for s in fp.STATIC_SEGMENTS]


class PathText(Text):
    """A PATH_INFO: any latin-1 string that starts with '/' (every branch of ``paths`` does)."""

    def __init__(self):
        Text.__init__(self, LATIN1, 1, 200, _PATH_PIECES)

    def mutate(self, r, value):
        return _leading_slash(Text.mutate(self, r, value))

    def shrink(self, value):
        for simpler in Text.shrink(self, value):
            if simpler.startswith('/'):
                yield simpler

    def accepts(self, value):
        return isinstance(value, str) and value.startswith('/') and LATIN1.accepts(value)


PATHS = Fn(lambda r: r.choice((_gen_route_path, _gen_static_path,
                               lambda r: '/' + Text(LATIN1, 0, 30).gen(r)))(r),
           edit=PathText())


def _gen_query(r):
    pairs = [(r.choice((UNICODE_TEXT, NOISE_TEXT)).gen(r), r.choice((UNICODE_TEXT, NOISE_TEXT))
              .gen(r)) for _ in range(_size(r, 0, 5))]
    how = r.choice(fp.QUERY_HOWS)
    if how == 'urlencode':
        return urllib.parse.urlencode(pairs)
    if how == 'raw':
        return native('&'.join('%s=%s' % tuple(pair) for pair in pairs))
    if how == 'noise':
        return NOISE_TEXT.gen(r) + LATIN1_TEXT.gen(r) + NOISE_TEXT.gen(r)
    return Text(LATIN1, 0, 60).gen(r)


QUERY_STRINGS = Fn(_gen_query, edit=Text(LATIN1, 0, 400))


def _gen_range(r):
    number = Int(0, 200000, special=(0, 1, 4, 5, 149999, 150000, 150001))
    branch = r.randrange(6)
    if branch == 0:
        return 'bytes=%d-%d' % (number.gen(r), number.gen(r))
    if branch == 1:
        return 'bytes=%d-' % number.gen(r)
    if branch == 2:
        return 'bytes=-%d' % number.gen(r)
    if branch == 3:
        return 'bytes=' + ','.join('%d-%d' % (number.gen(r), number.gen(r))
                                   for _ in range(r.randint(2, 4)))
    if branch == 4:
        return r.choice(fp.RANGE_SAMPLES)
    return LATIN1_TEXT.gen(r)


_RANGE_PIECES = ['bytes=', '-', ',', '0', '1', '149999', '150000', '200000', ' ', '9' * 30]
RANGES = Fn(_gen_range, edit=Text(LATIN1, 0, 6000, _RANGE_PIECES))


def _gen_content_type(r):
    if r.random() < 0.5:
        return r.choice(fp.CONTENT_TYPE_SAMPLES)
    return '%s; %s=%s' % (r.choice(fp.CONTENT_TYPE_BASES), NOISE_TEXT.gen(r), LATIN1_TEXT.gen(r))


_CONTENT_TYPE_PIECES = ['; ', 'boundary=', 'boundary="', 'charset=', 'utf-8', '"', '=', ';',
                        '\\', 'multipart/form-data', 'application/json', '*']
CONTENT_TYPES = Fn(_gen_content_type, edit=Text(LATIN1, 0, 6000, _CONTENT_TYPE_PIECES))


def _gen_auth(r):
    branch = r.randrange(4)
    if branch == 0:
        user = Text(PRINTABLE, 0, 10)
        pair = '%s:%s' % (user.gen(r), user.gen(r))
        return 'Basic ' + base64.b64encode(pair.encode('utf8')).decode()
    if branch == 1:
        return 'Basic ' + base64.b64encode(Text(LATIN1, 0, 30).gen(r).encode('latin1')).decode()
    if branch == 2:
        return r.choice(fp.AUTH_SAMPLES)
    return LATIN1_TEXT.gen(r)


AUTHS = Fn(_gen_auth, edit=Text(LATIN1, 0, 200, ['Basic ', '=', '==', ':', 'Og==']))
HOSTS = OneOf(Choice(fp.HOST_SAMPLES), LATIN1_TEXT,
              edit=Text(LATIN1, 0, 200, ['[', ']', ':', '::1', '80', '@', '.', '%']))


def _gen_cookie_header(r):
    branch = r.randrange(3)
    if branch == 0:
        pairs = ['%s=%s' % (r.choice((TOKEN_TEXT, NOISE_TEXT)).gen(r),
                            r.choice((NATIVE_TEXT, NOISE_TEXT)).gen(r))
                 for _ in range(_size(r, 0, 5))]
        return '; '.join(pairs)
    if branch == 1:
        return r.choice(fp.COOKIE_SAMPLES)
    return LATIN1_TEXT.gen(r)


COOKIE_HEADERS = Fn(_gen_cookie_header,
                    edit=Text(LATIN1, 0, 600, ['; ', '=', '"', '\\', 'signed=!', '?', '$']))
TRANSFER_ENCODINGS = Choice(fp.TRANSFER_ENCODINGS)


class HeaderPair(Node):
    """``[name, value]`` of ``header_pairs``: the name decides the value's space."""

    def __init__(self):
        self.kinds = {
            'Cookie': COOKIE_HEADERS, 'Range': RANGES, 'Content-Type': CONTENT_TYPES,
            'Authorization': AUTHS, 'Host': HOSTS,
            'Transfer-Encoding': TRANSFER_ENCODINGS,
            'Content-Length': OneOf(IntText(Int(-5, 400)), Choice(fp.CONTENT_LENGTH_SAMPLES)),
            'X-Requested-With': Choice(fp.XHR_SAMPLES)}
        forwarded = OneOf(LATIN1_TEXT, Choice(fp.FORWARDED_SAMPLES), edit=Text(LATIN1, 0, 200))
        conditional = OneOf(LATIN1_TEXT, Choice(fp.CONDITIONAL_SAMPLES),
                            edit=Text(LATIN1, 0, 200))
        for name in fp.FORWARDED_NAMES:
            self.kinds[name] = forwarded
        for name in fp.CONDITIONAL_NAMES:
            self.kinds[name] = conditional
        # The strategy's one_of has one branch for each of these groups.
        self.branches = [['Cookie'], ['Range'], ['Content-Type'], ['Authorization'],
                         fp.FORWARDED_NAMES, ['Host'], fp.CONDITIONAL_NAMES,
                         ['Transfer-Encoding'], ['Content-Length'], ['X-Requested-With'], None]
        self.other = Text(LATIN1, 0, 40, edit_max=400)

    def gen(self, r):
        names = r.choice(self.branches)
        if names is None:
            return [TOKEN_TEXT.gen(r), self.other.gen(r)]
        name = r.choice(names)
        return [name, self.kinds[name].gen(r)]

    def mutate(self, r, value):
        name, text = value
        if r.random() < 0.15:
            return self.gen(r)
        node = self.kinds.get(name)
        if node is None:
            if r.random() < 0.3:
                return [TOKEN_TEXT.mutate(r, name), text]
            return [name, self.other.mutate(r, text)]
        return [name, node.mutate(r, text)]

    def shrink(self, value):
        name, text = value
        node = self.kinds.get(name, self.other)
        for simpler in node.shrink(text):
            yield [name, simpler]

    def accepts(self, value):
        return isinstance(value, list) and len(value) == 2 and all(
            isinstance(v, str) for v in value)


HEADER_PAIR = HeaderPair()


class JsonValue(Node):
    """A value of ``json_values``: None, booleans, integers within 2**70, finite floats and
    unicode text, in lists and objects of up to 4 items, at most 20 leaves."""

    ints = Int(-2 ** 70, 2 ** 70, special=(0, -1, 2 ** 53, 2 ** 53 + 1, -2 ** 63, 2 ** 64))
    floats = (0.0, -0.0, 0.5, -1.5, 1e-7, 1e16, 1e308, -1e308, 5e-324, 2.2250738585072014e-308,
              3.141592653589793, 1.0000000000000002, 123456789.123)

    def _leaf(self, r):
        x = r.randrange(5)
        if x == 0:
            return None
        if x == 1:
            return r.random() < 0.5
        if x == 2:
            return self.ints.gen(r)
        if x == 3:
            return r.choice(self.floats) if r.random() < 0.5 else \
                r.uniform(-1e6, 1e6) * 10 ** r.randint(-20, 20)
        return UNICODE_TEXT.gen(r)

    def _value(self, r, budget, depth):
        if budget[0] <= 1 or r.random() < 0.45 + 0.1 * depth:
            budget[0] -= 1
            return self._leaf(r)
        size = _size(r, 0, 4)
        if r.random() < 0.5:
            return [self._value(r, budget, depth + 1) for _ in range(size) if budget[0] > 0]
        return {UNICODE_TEXT.gen(r): self._value(r, budget, depth + 1)
                for _ in range(size) if budget[0] > 0}

    def gen(self, r):
        return self._value(r, [20], 0)

    def mutate(self, r, value):
        if isinstance(value, list) and value and r.random() < 0.7:
            i = r.randrange(len(value))
            x = r.random()
            if x < 0.2:
                return value[:i] + value[i + 1:]
            if x < 0.3 and len(value) < 4:
                return value[:i] + [self._value(r, [4], 2)] + value[i:]
            return value[:i] + [self.mutate(r, value[i])] + value[i + 1:]
        if isinstance(value, dict) and value and r.random() < 0.7:
            key = r.choice(list(value))
            x = r.random()
            if x < 0.2:
                return {k: v for k, v in value.items() if k != key}
            if x < 0.35:
                items = [(UNICODE_TEXT.mutate(r, k) if k == key else k, v)
                         for k, v in value.items()]
                return dict(items)
            return dict(value, **{key: self.mutate(r, value[key])})
        if isinstance(value, str) and r.random() < 0.7:
            return UNICODE_TEXT.mutate(r, value)
        if type(value) is int and r.random() < 0.7:
            return self.ints.mutate(r, value)
        return self._value(r, [6], 1)

    def shrink(self, value):
        if isinstance(value, (list, dict)):
            yield None
            children = value if isinstance(value, list) else list(value.values())
            for child in children:
                yield child
            if isinstance(value, list):
                for i in range(len(value)):
                    yield value[:i] + value[i + 1:]
                for i, child in enumerate(value):
                    for simpler in self.shrink(child):
                        yield value[:i] + [simpler] + value[i + 1:]
            else:
                for key in value:
                    yield {k: v for k, v in value.items() if k != key}
                for key, child in value.items():
                    for simpler in self.shrink(child):
                        yield dict(value, **{key: simpler})
        elif isinstance(value, str):
            yield from shrink_text(value)
        elif type(value) is int:
            yield from self.ints.shrink(value)
        elif isinstance(value, float) and value != 0.0:
            yield 0.0
        elif value is not None:
            yield None


JSON_VALUES = JsonValue()

# ----------------------------------------------------------------- Multipart ----


def _delimiter_free(boundary, data):
    delimiter = b'\r\n--' + boundary.encode('ascii')
    return not (delimiter in b'\r\n' + data + b'\r\n' or data.startswith(delimiter[2:]))


class PartData(Node):
    """A part's ``data``: ``['concat', data, tricky]`` (or tricky first), where data is
    latin-1 text or a random payload for a file, the UTF-8 of unicode text for a field."""

    def __init__(self, is_file):
        self.is_file = is_file
        self.data = OneOf(Text(LATIN1, 0, 200, edit_max=400),
                          RandomPayload(fp.FILE_PAYLOAD_SIZES)) if is_file else \
            Native(Text(ANY, 0, 40, edit_max=80))
        self.tricky = Choice(fp.TRICKY_DATA)

    def gen(self, r):
        data, tricky = self.data.gen(r), self.tricky.gen(r)
        return ['concat', data, tricky] if r.random() < 0.5 else ['concat', tricky, data]

    def _split(self, value):
        """(data index, tricky index) of a concat, or None for a plain string."""
        if isinstance(value, list) and len(value) == 3 and value[0] == 'concat':
            if self.data.accepts(value[1]) and (not self.tricky.accepts(value[1]) or
                                                not self.data.accepts(value[2])):
                return 1, 2
            return 2, 1
        return None

    def mutate(self, r, value):
        where = self._split(value)
        if where is None:  # a plain string (a saved case): edit it as data
            return self.data.mutate(r, value) if self.data.accepts(value) else self.gen(r)
        data_at, tricky_at = where
        value = list(value)
        x = r.random()
        if x < 0.65:
            value[data_at] = self.data.mutate(r, value[data_at])
        elif x < 0.9:
            value[tricky_at] = self.tricky.gen(r)
        else:
            value[1], value[2] = value[2], value[1]
        return value

    def shrink(self, value):
        where = self._split(value)
        if where is None:
            if self.data.accepts(value):
                yield from self.data.shrink(value)
            return
        data_at, tricky_at = where
        yield value[data_at] if isinstance(value[data_at], str) else ['concat', value[data_at]]
        for simpler in self.tricky.shrink(value[tricky_at]):
            yield value[:tricky_at] + [simpler] + value[tricky_at + 1:]
        for simpler in self.data.shrink(value[data_at]):
            yield value[:data_at] + [simpler] + value[data_at + 1:]


class Part(Node):
    """A dict of ``multipart_parts``: a text field, or a file when ``filename`` is set."""

    names = Text(FIELD, 1, 12)
    filenames = Text(FIELD, 1, 20, ['..', '/', '\\', '.', ' ', '\xe9', '%', 'C:', '\u202e'])
    extra = List(Tup(Choice(fp.PART_EXTRA_NAMES), Text(VISIBLE_ASCII, 0, 10)), 0, 2)

    def gen(self, r, is_file=None):
        is_file = r.random() < 0.5 if is_file is None else is_file
        return {'name': self.names.gen(r),
                'filename': self.filenames.gen(r) if is_file else None,
                'headers_case': r.choice(fp.PART_HEADER_CASES),
                'filename_first': r.random() < 0.5,
                'extra_headers': self.extra.gen(r),
                'content_type': r.choice(fp.FILE_CONTENT_TYPES if is_file
                                         else fp.FIELD_CONTENT_TYPES),
                'data': PartData(is_file).gen(r)}

    def mutate(self, r, value):
        is_file = value.get('filename') is not None
        field = r.choice(('name', 'filename', 'headers_case', 'filename_first',
                          'extra_headers', 'content_type', 'data', 'data', 'data', 'kind'))
        value = dict(value)
        if field == 'kind':  # a file becomes a field and back: the rest follows the kind
            new = self.gen(r, not is_file)
            new['name'] = value['name']
            return new
        if field == 'name':
            value['name'] = self.names.mutate(r, value['name'])
        elif field == 'filename' and is_file:
            value['filename'] = self.filenames.mutate(r, value['filename'])
        elif field == 'headers_case':
            value['headers_case'] = r.choice(fp.PART_HEADER_CASES)
        elif field == 'filename_first':
            value['filename_first'] = not value.get('filename_first')
        elif field == 'extra_headers':
            value['extra_headers'] = self.extra.mutate(r, value.get('extra_headers', []))
        elif field == 'content_type':
            value['content_type'] = r.choice(fp.FILE_CONTENT_TYPES if is_file
                                             else fp.FIELD_CONTENT_TYPES)
        else:
            value['data'] = PartData(is_file).mutate(r, value['data'])
        return value

    def shrink(self, value):
        is_file = value.get('filename') is not None
        if is_file:
            yield dict(value, filename=None, content_type=None, data='x')
        for key, node in (('name', self.names), ('filename', self.filenames),
                          ('extra_headers', self.extra), ('data', PartData(is_file))):
            if value.get(key) is not None:
                for simpler in node.shrink(value[key]):
                    yield dict(value, **{key: simpler})
        if value.get('content_type') is not None:
            yield dict(value, content_type=None)
        if value.get('headers_case') != 'title':
            yield dict(value, headers_case='title')

    def accepts(self, value):
        return isinstance(value, dict) and 'name' in value and 'data' in value


def fix_multipart(built):
    """Make a changed multipart case well-formed again, as ``multipart_bodies`` makes it:
    a boundary of 1 to 70 bchars not ending in a space, quoted when it must be, and no
    part data containing the delimiter."""
    boundary = ''.join(c for c in built['boundary'] if c in fp._BCHARS)[:70].rstrip(' ') or 'b'
    parts = []
    for part in built['parts']:
        if not _delimiter_free(boundary, fp.expand(part['data'])):
            part = dict(part, data='x')
        parts.append(part)
    old = built.get('content_type', '')
    prefix = 'charset=utf-8; ' if 'charset=utf-8; ' in old else ''
    quoted = 'boundary="' in old or any(c in boundary for c in fp.BOUNDARY_QUOTE_CHARS)
    content_type = 'multipart/form-data; %sboundary=%s' % (
        prefix, '"%s"' % boundary if quoted else boundary)
    return dict(built, boundary=boundary, parts=parts, content_type=content_type)


def multipart_bodies(max_parts=6):
    part = Part()

    def gen(r):
        boundary = BCHARS.text(r, _size(r, 1, 70)).rstrip(' ') or 'b'
        parts = [part.gen(r) for _ in range(_size(r, 0, max_parts))]
        for i, item in enumerate(parts):
            if not _delimiter_free(boundary, fp.expand(item['data'])):
                parts[i] = dict(item, data='x')
        quoted = r.random() < 0.5 or any(c in boundary for c in fp.BOUNDARY_QUOTE_CHARS)
        content_type = 'multipart/form-data; %sboundary=%s' % (
            r.choice(fp.CONTENT_TYPE_PREFIXES), '"%s"' % boundary if quoted else boundary)
        return {'boundary': boundary, 'content_type': content_type, 'parts': parts,
                'preamble': r.choice(fp.PREAMBLES), 'epilogue': r.choice(fp.EPILOGUES)}

    return Dict([('boundary', Text(BCHARS, 1, 70)), ('parts', List(part, 0, max_parts)),
                 ('preamble', Choice(fp.PREAMBLES)), ('epilogue', Choice(fp.EPILOGUES))],
                fix=fix_multipart, gen=gen)


MULTIPART = multipart_bodies()
MULTIPART_SMALL = multipart_bodies(max_parts=4)


class BrokenMultipart(Node):
    """A case of ``broken_multipart``: a well-formed body and one defect."""

    def _how(self, r, built, defect=None):
        defect = defect or r.choice(fp.MULTIPART_DEFECTS)
        size = len(fp.multipart_body(built))
        if defect == 'truncate':
            return [defect, r.randint(0, max(0, size - 1))]
        if defect == 'delete':
            return [defect, r.randint(0, max(0, size - 1)), r.randint(1, 40)]
        if defect == 'insert':
            return [defect, r.randint(0, size), Text(LATIN1, 1, 40).gen(r)]
        if defect == 'content_type':
            return [defect, CONTENT_TYPES.gen(r)]
        if defect == 'big_header':
            return [defect, r.choice(fp.BIG_HEADER_SIZES)]
        if defect == 'many_parts':
            return [defect, r.choice(fp.MANY_PARTS_COUNTS)]
        if defect == 'header_noise':
            return [defect, Text(LATIN1, 1, 60).gen(r)]
        return [defect]

    def gen(self, r):
        built = MULTIPART_SMALL.gen(r)
        return {'multipart': built, 'how': self._how(r, built)}

    def mutate(self, r, value):
        built, how = value['multipart'], list(value['how'])
        x = r.random()
        if x < 0.4:
            built = MULTIPART_SMALL.mutate(r, built)
        elif x < 0.55:
            how = self._how(r, built)
        elif how[0] in ('truncate', 'delete') or (how[0] == 'insert' and x < 0.75):
            size = len(fp.multipart_body(built))
            how[1] = max(0, min(size, how[1] + r.choice((-1, 1)) * r.choice((1, 2, 5, 40))))
            if how[0] == 'delete' and r.random() < 0.5:
                how[2] = max(1, how[2] + r.choice((-1, 1)))
        elif how[0] in ('insert', 'header_noise'):
            how[-1] = mutate_text(r, how[-1], LATIN1, 80) or 'x'
        elif how[0] == 'content_type':
            how[1] = CONTENT_TYPES.mutate(r, how[1])
        else:
            how = self._how(r, built, how[0])
        return {'multipart': built, 'how': how}

    def shrink(self, value):
        built, how = value['multipart'], value['how']
        for simpler in MULTIPART_SMALL.shrink(built):
            yield {'multipart': simpler, 'how': how}
        if how[0] in ('truncate', 'delete', 'insert'):
            for smaller in Int(0, how[1]).shrink(how[1]):
                yield {'multipart': built, 'how': [how[0], smaller] + how[2:]}
        if how[0] in ('insert', 'header_noise'):
            for simpler in shrink_text(how[-1], 1):
                yield {'multipart': built, 'how': how[:-1] + [simpler]}
        if how[0] == 'content_type':
            for simpler in CONTENT_TYPES.shrink(how[1]):
                yield {'multipart': built, 'how': [how[0], simpler]}
        if how[0] in ('big_header', 'many_parts'):
            sizes = fp.BIG_HEADER_SIZES if how[0] == 'big_header' else fp.MANY_PARTS_COUNTS
            for smaller in sorted(sizes):
                if smaller < how[1]:
                    yield {'multipart': built, 'how': [how[0], smaller]}

    def accepts(self, value):
        return isinstance(value, dict) and 'multipart' in value and 'how' in value


# ------------------------------------------------------------------- Chunked ----

class ChunkPiece(Node):
    """``[size line, data, after data]`` of ``chunked_bodies``, in one of its styles."""

    datas = OneOf(Text(LATIN1, 1, 200, edit_max=400), RandomPayload(fp.CHUNK_PAYLOAD_SIZES))
    repeat = RepeatSpec(fp.CHUNK_LONG_ZEROS)
    lines = Text(LATIN1, 0, 60, ['\r\n', '\n', ';', ';a=b', ' ', '\t', '0', 'f', 'F', '-',
                                 '0x', '"'])

    def _line(self, r, data):
        style = r.choice(fp.CHUNK_STYLES)
        length = len(fp.expand(data))
        size = '%x' % length
        line, after = size + '\r\n', '\r\n'
        if style == 'upper':
            line = size.upper() + '\r\n'
        elif style == 'zeros':
            line = '0' * r.randint(1, 10) + size + '\r\n'
        elif style == 'ext':
            line = size + r.choice(fp.CHUNK_EXTENSIONS) + '\r\n'
        elif style == 'space':
            line = r.choice(fp.CHUNK_SPACES) + size + ' \r\n'
        elif style == 'lf':
            line = size + '\n'
        elif style == 'bad':
            line = r.choice(fp.CHUNK_BAD_SIZES) + '\r\n'
        elif style == 'wrongsize':
            line = '%x\r\n' % max(0, length + r.randint(-3, 3))
        elif style == 'long':
            line = ['repeat', '', '0', r.choice(fp.CHUNK_LONG_ZEROS), size + '\r\n']
        elif style == 'huge':
            line = 'f' * r.randint(8, 40) + '\r\n'
        elif style == 'nocrlf':
            after = r.choice(fp.CHUNK_AFTER)
        return line, after

    def gen(self, r):
        data = self.datas.gen(r)
        line, after = self._line(r, data)
        return [line, data, after]

    def mutate(self, r, value):
        line, data, after = value
        x = r.random()
        if x < 0.3:  # the same data in another style
            line, after = self._line(r, data)
        elif x < 0.55:  # other data under the same size line (a wrong size, often)
            data = self.datas.mutate(r, data) if self.datas.accepts(data) else self.datas.gen(r)
            if r.random() < 0.5 and isinstance(line, str) and re.match(r'[0-9a-f]+\r\n\Z', line):
                line = '%x\r\n' % len(fp.expand(data))
        elif x < 0.8:
            line = self.repeat.mutate(r, line) if self.repeat.accepts(line) else \
                self.lines.mutate(r, line)
        else:
            after = r.choice(['\r\n'] + fp.CHUNK_AFTER) if r.random() < 0.6 else \
                mutate_text(r, after, LATIN1, 8)
        return [line, data, after]

    def shrink(self, value):
        line, data, after = value
        if after != '\r\n':
            yield [line, data, '\r\n']
        simple = '%x\r\n' % len(fp.expand(data))
        if line != simple:
            yield [simple, data, after]
        node = self.repeat if self.repeat.accepts(line) else self.lines
        for simpler in node.shrink(line):
            yield [simpler, data, after]
        if self.datas.accepts(data):
            for simpler in self.datas.shrink(data):
                yield [line, simpler, after]

    def accepts(self, value):
        return isinstance(value, list) and len(value) == 3


class Cut(Node):
    """``cut`` of a chunked case: None (nine times in ten) or where the body is cut."""

    def gen(self, r):
        raise NotImplementedError('made by CHUNKED')

    def shrink(self, value):
        if value is not None:
            yield None
            yield from Int(0, value).shrink(value)


def _gen_chunked(r):
    pieces = [ChunkPiece().gen(r) for _ in range(_size(r, 0, 5))]
    built = {'pieces': pieces, 'last': r.choice(fp.CHUNK_LAST), 'cut': None}
    if r.randint(0, 9) == 0:
        total = len(fp.chunked_body(built))
        if total:
            built['cut'] = r.randint(0, total - 1)
    return built


class Chunked(Dict):
    def __init__(self):
        Dict.__init__(self, [('pieces', List(ChunkPiece(), 0, 5)),
                             ('last', OneOf(Choice(fp.CHUNK_LAST), Text(LATIN1, 0, 60))),
                             ('cut', Cut())], gen=_gen_chunked)

    def mutate(self, r, value):
        if r.random() < 0.15:  # cut the body somewhere, or stop cutting it
            total = len(fp.chunked_body(dict(value, cut=None)))
            cut = r.randint(0, total - 1) if total and value.get('cut') is None else None
            return dict(value, cut=cut)
        if r.random() < 0.1:
            return dict(value, last=mutate_text(r, value['last'], LATIN1, 60)) \
                if isinstance(value['last'], str) else dict(value, last=r.choice(fp.CHUNK_LAST))
        present = [(k, n) for k, n in self.fields[:2]]
        key, node = r.choice(present)
        return dict(value, **{key: node.mutate(r, value[key])})


CHUNKED = Chunked()

# ---------------------------------------------------------------- Properties ----


def _gen_any_request(r):
    headers = [HEADER_PAIR.gen(r) for _ in range(_size(r, 0, 6))]
    kind = r.choice(fp.BODY_KINDS)
    body = ''
    if kind == 'bytes':
        body = Text(LATIN1, 0, 200).gen(r)
    elif kind == 'form':
        pairs = [(UNICODE_TEXT.gen(r), UNICODE_TEXT.gen(r)) for _ in range(_size(r, 0, 4))]
        body = urllib.parse.urlencode(pairs)
        headers.append(['Content-Type', 'application/x-www-form-urlencoded'])
    elif kind == 'multipart':
        built = MULTIPART.gen(r)
        body = ['multipart', built]
        headers.append(['Content-Type', built['content_type']])
    elif kind == 'json':
        body = json.dumps(JSON_VALUES.gen(r))
        headers.append(['Content-Type', 'application/json'])
    elif kind == 'chunked':
        body = ['chunked', CHUNKED.gen(r)]
        headers.append(['Transfer-Encoding', 'chunked'])
    r.shuffle(headers)
    return {'method': r.choice(fp.METHODS), 'path': PATHS.gen(r), 'query': QUERY_STRINGS.gen(r),
            'headers': headers, 'body': body,
            'suffix': r.choice((Const(''), LATIN1_TEXT, NATIVE_TEXT, NOISE_TEXT)).gen(r)}


class Tagged(Node):
    """``[tag, inner]`` (``['multipart', built]``, ``['chunked', built]``)."""

    def __init__(self, tag, inner):
        self.tag, self.inner = tag, inner

    def gen(self, r):
        return [self.tag, self.inner.gen(r)]

    def mutate(self, r, value):
        return [self.tag, self.inner.mutate(r, value[1])]

    def shrink(self, value):
        yield ''
        for simpler in self.inner.shrink(value[1]):
            yield [self.tag, simpler]

    def accepts(self, value):
        return isinstance(value, list) and len(value) == 2 and value[0] == self.tag


ANY_REQUEST = Dict([
    ('method', Choice(fp.METHODS)), ('path', PATHS), ('query', QUERY_STRINGS),
    ('headers', List(HEADER_PAIR, 0, 8)),
    ('body', OneOf(Text(LATIN1, 0, 200, edit_max=2000), Tagged('multipart', MULTIPART),
                   Tagged('chunked', CHUNKED))),
    ('suffix', Text(LATIN1, 0, 40, _PATH_PIECES, edit_max=200))], gen=_gen_any_request)


class AnyRequest(Node):
    """any_request's case; shrinking first tries each single request the case stands for
    (its own path, or a route with the suffix) before shrinking its parts."""

    def gen(self, r):
        return ANY_REQUEST.gen(r)

    def mutate(self, r, value):
        return ANY_REQUEST.mutate(r, value)

    def shrink(self, value):
        if 'suffix' in value:
            single = {k: v for k, v in value.items() if k != 'suffix'}
            yield single
            for route in fp.ROUTES:
                yield dict(single, path=route + value['suffix'])
        yield from ANY_REQUEST.shrink(value)

    def accepts(self, value):
        return ANY_REQUEST.accepts(value)

    def cost(self, value):
        # A case with a suffix stands for 25 requests: one request is simpler whatever its size.
        return (25 if 'suffix' in value else 1,) + Node.cost(self, value)


PAIRS = List(Tup(UNICODE_TEXT, UNICODE_TEXT), 0, 6)


class DeepJson(Node):
    """The text of ``_deep_json``: one of five nesting forms, 1 to 6000 deep."""

    depths = Int(1, fp.DEEP_JSON_MAX, special=(2, 499, 500, 501, 502, 999, 1000, 1001, 1002,
                                               2000, 2001))

    def _form(self, value):
        for index, form in enumerate(fp.DEEP_JSON_FORMS):
            for depth in (value.count('[') or value.count('{'), value.count('{"a":') * 2,
                          value.count('{"a":') * 2 + 1):
                if 1 <= depth <= fp.DEEP_JSON_MAX and form(depth) == value:
                    return index, depth
        return None

    def gen(self, r):
        return r.choice(fp.DEEP_JSON_FORMS)(self.depths.gen(r))

    def mutate(self, r, value):
        found = self._form(value)
        if found is None or r.random() < 0.3:
            return self.gen(r)
        return fp.DEEP_JSON_FORMS[found[0]](self.depths.mutate(r, found[1]))

    def shrink(self, value):
        found = self._form(value)
        if found is not None:
            for depth in self.depths.shrink(found[1]):
                yield fp.DEEP_JSON_FORMS[found[0]](depth)

    def accepts(self, value):
        return isinstance(value, str) and self._form(value) is not None


JSON_CASES = OneOf(Dict([('value', JSON_VALUES), ('text', Const(None))]),
                   Dict([('value', Const(None)), ('text', DeepJson())]),
                   Dict([('value', Const(None)), ('text', LATIN1_TEXT)]))

COOKIE_VALUES = Text(COOKIE_CHARS, 0, 40)


class SignedValue(JsonValue):
    """A value of ``signed_values``: None, integers, printable text up to 10, in lists of up
    to 3, at most 6 leaves."""

    ints = Int(-2 ** 64, 2 ** 64, special=(0, -1, 2 ** 31, 2 ** 63))
    texts = Text(PRINTABLE, 0, 10)

    def _leaf(self, r):
        x = r.randrange(3)
        return None if x == 0 else self.ints.gen(r) if x == 1 else self.texts.gen(r)

    def _value(self, r, budget, depth):
        if budget[0] <= 1 or r.random() < 0.5 + 0.15 * depth:
            budget[0] -= 1
            return self._leaf(r)
        return [self._value(r, budget, depth + 1) for _ in range(_size(r, 0, 3))
                if budget[0] > 0]

    def gen(self, r):
        return self._value(r, [6], 0)

    def mutate(self, r, value):
        if isinstance(value, list) and value and r.random() < 0.7:
            i = r.randrange(len(value))
            return value[:i] + [self.mutate(r, value[i])] + value[i + 1:]
        if isinstance(value, str) and r.random() < 0.7:
            return self.texts.mutate(r, value)[:10]
        if type(value) is int and r.random() < 0.7:
            return self.ints.mutate(r, value)
        return self._value(r, [3], 1)


COOKIES = OneOf(Tup(Const('roundtrip'), TOKEN_TEXT, COOKIE_VALUES, SignedValue()),
                Tup(Const('header'), COOKIE_HEADERS, Const(''), Const(None)))


def _gen_header_name(r):
    letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'
    middle = letters + '0123456789-'
    return r.choice(letters) + ''.join(r.choices(middle, k=_size(r, 0, 15))) + \
        r.choice(letters + '0123456789')


def _fix_header_name(text):
    text = re.sub(r'[^A-Za-z0-9-]', '', text)[:17]
    if not text[:1].isalpha():
        text = 'X' + text[1:]
    if len(text) < 2 or text.endswith('-'):
        text = text.rstrip('-')[:16] + 'a'
    return text


HEADER_NAMES = Pattern(fp.HEADER_NAME_PATTERN, _gen_header_name,
                       Chars('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-'),
                       _fix_header_name, 17)
_REDIRECT_PIECES = _HOSTILE_PIECES + fp.REDIRECT_PREFIXES + [
    '//', 'http://', '[', ']', '::1', '@', ':', '?', '#', '%', '\\\\', 'javascript:', '\r\n',
    'Set-Cookie: a=b', '\u00e9', '\u2028', ' ']


def _gen_redirect_target(r):
    branch = r.randrange(4)
    if branch == 0:
        return UNICODE_TEXT.gen(r)
    if branch == 1:
        return Text(ASCII, 0, 30).gen(r)
    if branch == 2:
        return r.choice(fp.REDIRECT_SAMPLES)
    return r.choice(fp.REDIRECT_PREFIXES) + UNICODE_TEXT.gen(r) + NOISE_TEXT.gen(r)


REDIRECT_TARGETS = Fn(_gen_redirect_target, edit=Text(ANY, 0, 200, _REDIRECT_PIECES))

_STATIC_SEGMENT_CHOICES = fp.STATIC_SEGMENTS + fp.STATIC_COMMON_SEGMENTS


class StaticRel(Node):
    """The path under /static/: native('/'.join(1 to 5 segments)); segments are changed,
    added, removed, or edited as unicode text (so the path stays UTF-8)."""

    segment_text = Text(ANY, 0, 30, _PATH_PIECES)

    def gen(self, r):
        return native('/'.join(r.choice(_STATIC_SEGMENT_CHOICES)
                               for _ in range(_size(r, 1, 5))))

    def mutate(self, r, value):
        text = Native.decode(value)
        if text is None:
            return self.gen(r)
        segments = text.split('/')
        x = r.random()
        i = r.randrange(len(segments))
        if x < 0.35:
            segments[i] = r.choice(_STATIC_SEGMENT_CHOICES)
        elif x < 0.55:
            segments.insert(i, r.choice(_STATIC_SEGMENT_CHOICES))
        elif x < 0.7 and len(segments) > 1:
            del segments[i]
        else:
            segments[i] = self.segment_text.mutate(r, segments[i])
        return native('/'.join(segments[:8]))

    def shrink(self, value):
        text = Native.decode(value)
        if text is None:
            return
        segments = text.split('/')
        for i in range(len(segments)):
            if len(segments) > 1:
                yield native('/'.join(segments[:i] + segments[i + 1:]))
        for i, segment in enumerate(segments):
            for simpler in shrink_text(segment):
                yield native('/'.join(segments[:i] + [simpler] + segments[i + 1:]))

    def accepts(self, value):
        return isinstance(value, str) and Native.decode(value) is not None


STATIC_HEADERS = List(OneOf(Tup(Const('Range'), RANGES),
                            Tup(Choice(fp.CONDITIONAL_NAMES),
                                Choice(fp.STATIC_CONDITIONAL_SAMPLES)),
                            Tup(Const('Range'), Choice(fp.STATIC_RANGE_SAMPLES))), 0, 2)


def _gen_float_text(r):
    sign = '-' if r.random() < 0.3 else ''
    return sign + ''.join(r.choices('0123456789.', weights=[3] * 10 + [2], k=_size(r, 1, 20)))


def _fix_float_text(text):
    sign = '-' if text.startswith('-') else ''
    body = re.sub(r'[^0-9.]', '', text)[:20] or '0'
    return sign + body


def _gen_re_text(r):
    return Text(Chars('abcdefghijklmnopqrstuvwxyz'), 1, 10).gen(r) + \
        Text(Chars('0123456789'), 0, 5).gen(r)


def _fix_re_text(text):
    letters = re.match(r'[a-z]*', text).group() or 'a'
    return letters + re.sub(r'[^0-9]', '', text[len(letters):])


def _filter_text(name):
    excluded, hi = fp.FILTER_TEXT_EXCLUDED[name]
    return Text(Chars(ok=_without(excluded)), 1, hi, _PATH_PIECES)


FILTER_VALUES = {
    'int': OneOf(IntText(Int(-10 ** 30, 10 ** 30, special=(2 ** 31, 2 ** 63, -2 ** 63))),
                 Choice(fp.INT_FILTER_SAMPLES)),
    'float': OneOf(Pattern(fp.FLOAT_FILTER_PATTERN, _gen_float_text,
                           Chars('0123456789.-'), _fix_float_text, 21),
                   Choice(fp.FLOAT_FILTER_SAMPLES)),
    'path': _filter_text('path'),
    're': Pattern(fp.RE_FILTER_PATTERN, _gen_re_text, Chars('abcdefghijklmnopqrstuvwxyz0123456789'),
                  _fix_re_text, 30),
    'default': _filter_text('default'),
    'hex': IntText(Int(0, 2 ** 80), '%x'),
}
MULTI_VALUES = Tup(_filter_text('segment'), Int(-10 ** 6, 10 ** 6), _filter_text('rest'))


class RouteFilter(Node):
    """``[filter name, value]`` or ``['multi', [segment, int, rest]]`` of ``route_filters``;
    the name stays, the value changes within its filter's space."""

    names = sorted(FILTER_VALUES) + ['multi']

    def _node(self, name):
        return MULTI_VALUES if name == 'multi' else FILTER_VALUES[name]

    def gen(self, r):
        name = r.choice(self.names)
        return [name, self._node(name).gen(r)]

    def mutate(self, r, value):
        name, inner = value
        node = self._node(name)
        if r.random() < 0.85 and node.accepts(inner):
            return [name, node.mutate(r, inner)]
        return [name, node.gen(r)]

    def shrink(self, value):
        name, inner = value
        for simpler in self._node(name).shrink(inner):
            yield [name, simpler]

    def accepts(self, value):
        return isinstance(value, list) and len(value) == 2 and value[0] in self.names


class TemplateSource(Node):
    """A template source: up to 12 pieces, each unicode text of up to 12 characters or one
    of ``TEMPLATE_PIECES``; edits insert, replace or delete pieces and characters."""

    text = Text(ANY, 0, fp.TEMPLATE_PIECE_TEXT_MAX)

    def _piece(self, r):
        return self.text.gen(r) if r.random() < 0.5 else r.choice(fp.TEMPLATE_PIECES)

    def gen(self, r):
        return ''.join(self._piece(r) for _ in range(_size(r, 0, fp.TEMPLATE_MAX_PIECES)))

    def mutate(self, r, value):
        n = len(value)
        x = r.random()
        a = r.randint(0, n)
        if x < 0.35:
            value = value[:a] + self._piece(r) + value[a:]
        elif x < 0.55 and n:
            b = min(n, a + r.randint(1, 20))
            value = value[:a] + self._piece(r) + value[b:]
        elif x < 0.7 and n:
            value = value[:a] + value[min(n, a + r.randint(1, 20)):]
        else:
            value = mutate_text(r, value, ANY, 400, fp.TEMPLATE_PIECES)
        return value[:400]

    def shrink(self, value):
        return shrink_text(value)

    def accepts(self, value):
        return isinstance(value, str)


#: The schema of every property, by name (each describes its strategy's case space).
SCHEMAS = {
    'any_request': AnyRequest(),
    'query': Tup(PAIRS, Choice(['urlencode', 'raw'])),
    'urlencoded_form': Tup(PAIRS, Choice([None, 'application/x-www-form-urlencoded',
                                          'application/x-www-form-urlencoded; charset=UTF-8'])),
    'multipart': MULTIPART,
    'multipart_broken': BrokenMultipart(),
    'json': JSON_CASES,
    # A saved case may have any Content-Length (te-identity), or plain text as the input.
    'chunked': Tup(CHUNKED, TRANSFER_ENCODINGS,
                   Fn(Choice(fp.CHUNKED_CONTENT_LENGTHS).gen,
                      edit=OneOf(Choice(fp.CHUNKED_CONTENT_LENGTHS), IntText(Int(0, 200000))))),
    'input_terminated': Tup(Fn(RandomPayload(fp.TERMINATED_SIZES).gen,
                               edit=OneOf(RandomPayload(fp.TERMINATED_SIZES),
                                          Text(LATIN1, 0, 200))),
                            Choice(fp.TERMINATED_ROUTES), Opt(Int(0, 300))),
    'content_length': Tup(Text(LATIN1, 0, 300),
                          OneOf(IntText(Int(-3, 400)), Choice(fp.WRONG_LENGTH_SAMPLES),
                                edit=Text(LATIN1, 0, 40, ['0', '9', ' ', '\t', '+', '-', ','])),
                          Choice(fp.LENGTH_ROUTES)),
    'cookies': COOKIES,
    'request_headers': Tup(List(HEADER_PAIR, 0, 6), Text(USER_CHARS, 0, 8),
                           Text(PRINTABLE, 0, 8)),
    'set_header': Tup(OneOf(HEADER_NAMES, Choice(fp.BAD_HEADER_NAMES)),
                      OneOf(UNICODE_TEXT, Text(ASCII, 0, 10), edit=Text(ANY, 0, 60)),
                      Choice(fp.SET_HEADER_HOWS)),
    'redirect': Tup(REDIRECT_TARGETS, Choice(fp.REDIRECT_CODES), Opt(HOSTS)),
    'static_files': Tup(Choice(fp.STATIC_PREFIXES), StaticRel(), STATIC_HEADERS,
                        Choice(fp.STATIC_METHODS)),
    'route_filters': RouteFilter(),
    'templates': TemplateSource(),
}

# -------------------------------------------------------------- Minimising ----


def outcome(env, prop, case):
    """(signature, message) of the case's failure, or None if it passes."""
    try:
        prop.check(env, case)
    except fp.PropertyFailure as failure:
        return '%s: %s' % (prop.name, failure.signature), str(failure)
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as error:  # a bug in the harness or in a schema: report it
        return ('%s: harness error %s' % (prop.name, type(error).__name__),
                '%s: %s' % (type(error).__name__, error))
    return None


def minimise(env, prop, case, signature, max_tries=2000, max_seconds=120.0):
    """The smallest variant of ``case`` found that still fails with ``signature``.

    Greedy: try the schema's shrink candidates in turn, keep the first that fails the same
    way and is smaller, start again from it; stop when none is left, or after ``max_tries``
    candidates or ``max_seconds``. Returns (case, message, candidates tried).
    """
    schema = SCHEMAS[prop.name]
    deadline = time.monotonic() + max_seconds
    message = None
    tries = 0
    improved = True
    while improved and tries < max_tries and time.monotonic() < deadline:
        improved = False
        cost = schema.cost(case)
        for candidate in schema.shrink(case):
            if tries >= max_tries or time.monotonic() >= deadline:
                break
            if schema.cost(candidate) >= cost:
                continue
            tries += 1
            result = outcome(env, prop, candidate)
            if result is not None and result[0] == signature:
                case, message, improved = candidate, result[1], True
                break
    return case, message, tries
