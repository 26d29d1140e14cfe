"""Stable hashing: values reduced to tuples of primitives that encode the same in every process.

The one hasher of Breakout's change detection: content and comment cache stamps, feed and
page fingerprints and the build's global stamp all reduce their inputs with `stable()`
and hash them with `digest()`. Also the one test of whether a file is as it was left
(`file_state`, and `strict_file_state` where a recorded hash stands for the file).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import marshal
import operator
import os
from collections.abc import Iterable, Mapping
from typing import Any

DIGEST_SIZE = 16  # bytes; 128 bits make an accidental collision between two page states moot


_PRIMITIVES = frozenset({str, int, float, bool, type(None)})
_first = operator.itemgetter(0)  # sort mappings by key only: values may not be comparable


class Unstable(ValueError):
    """A value with no stable form: the page holding it is rendered every build, never skipped."""


# marshal's format 2: the newest whose bytes are a function of the value alone (format 3
# on marks interned strings and shared objects, which differ from one process to the next).
_MARSHAL_FORMAT = 2


def digest(value: Any) -> str:
    """Hex digest of a value made of primitives, tuples, lists and dicts (see stable()).

    Encoded with marshal (a fingerprint's token is hashed some 16,000 times a build at
    2,000 write-ups: encoding and hashing them takes half the time it did with repr());
    what marshal refuses (a str subclass, an object) is hashed by its repr(), under
    another first byte so the two never meet.
    """
    try:
        data = b"m" + marshal.dumps(value, _MARSHAL_FORMAT)
    except ValueError:
        data = b"r" + repr(value).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(data, digest_size=DIGEST_SIZE).hexdigest()


def text_digest(text: str) -> str:
    """Digest of a long string (a page's HTML): hashing its bytes is cheaper than repr() of it."""
    data = str(text).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(data, digest_size=DIGEST_SIZE).hexdigest()


# Field names of each dataclass type that reached stable()'s dataclass case: the next value
# of that type skips the chain of isinstance checks (an ABC check among them).
_DATACLASS_FIELDS: dict[type, tuple[str, ...]] = {}


def _fields(value: Any, names: tuple[str, ...], strict: bool) -> tuple[tuple[str, Any], ...]:
    """(name, stable value) of each field of a dataclass."""
    out = []
    for name in names:
        field = getattr(value, name)
        out.append((name, field if type(field) in _PRIMITIVES else stable(field, strict=strict)))
    return tuple(out)


def stable(value: Any, *, strict: bool = True) -> Any:
    """value as nested tuples of primitives that digest() encodes the same in every process.

    Strings keep their type name when it is not plain str (Markup renders differently
    from str); dates become ISO strings with their zone; URLWrapper-like objects (name
    and slug) become (class, name, slug): their URL follows from the slug and settings.
    Any other object raises Unstable when strict, else stands for its class name
    (settings hold extension instances whose repr would carry a memory address).
    """
    kind = type(value)
    # Exact types first: metadata is mostly dicts, lists and strings (findings lists are long).
    if kind in _PRIMITIVES:
        return value
    if kind is dict:
        items = value.items()
        if all(type(k) is str and type(v) in _PRIMITIVES for k, v in items):
            return ("map", tuple(sorted(items)))  # keys are unique: values are never compared
        return (
            "map",
            tuple(sorted(((str(k), stable(v, strict=strict)) for k, v in items), key=_first)),
        )
    if kind is list or kind is tuple:
        if all(type(v) in _PRIMITIVES for v in value):
            return tuple(value)
        return tuple([stable(v, strict=strict) for v in value])
    names = _DATACLASS_FIELDS.get(kind)
    if names is not None:  # a dataclass seen before (the text engine's findings: thousands)
        return (kind.__name__, _fields(value, names, strict))
    if isinstance(value, str):
        return (type(value).__name__, str(value))
    if isinstance(value, dt.datetime):
        return ("datetime", value.isoformat(), str(value.tzinfo))
    if isinstance(value, dt.date | dt.time | dt.timedelta):
        return (type(value).__name__, str(value))
    if isinstance(value, Mapping):
        return (
            "map",
            tuple(
                sorted(((str(k), stable(v, strict=strict)) for k, v in value.items()), key=_first)
            ),
        )
    if isinstance(value, list | tuple):
        return tuple(stable(v, strict=strict) for v in value)
    if isinstance(value, set | frozenset):
        return ("set", tuple(sorted((stable(v, strict=strict) for v in value), key=repr)))
    if isinstance(value, int | float):  # bool/int subclasses such as IntEnum
        return (type(value).__name__, repr(value))
    if hasattr(value, "slug") and hasattr(value, "name") and not callable(value):
        return (type(value).__name__, str(value.name), str(value.slug))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = _DATACLASS_FIELDS[kind] = tuple(f.name for f in dataclasses.fields(value))
        return (kind.__name__, _fields(value, names, strict))
    if strict:
        raise Unstable(f"no stable form for {type(value).__module__}.{type(value).__qualname__}")
    name = getattr(value, "__qualname__", None) if callable(value) else None
    module = getattr(value, "__module__", None) or type(value).__module__
    if name:  # functions and classes (Jinja filters and globals): named by where they live
        return f"<{module}.{name}>"
    if type(value).__name__ == "module":
        return f"<module {getattr(value, '__name__', '')}>"
    return f"<{type(value).__module__}.{type(value).__qualname__}>"


READ_DIGESTS = "breakout_read_digests"  # metadata key: ((key, digest), …) stamped by the reader


def stamp_read(metadata: dict[str, Any], keys: Iterable[str]) -> None:
    """Record in metadata the digest of each of these values as the reader made them.

    For the text engine's findings: thousands of small dataclasses per write-up, never
    changed after reading (frozen, in lists nobody alters). The digests travel with the
    metadata through Pelican's reader cache, so a warm build's page fingerprint
    (metadata_token) hashes a few short strings instead of walking every finding again.
    """
    metadata[READ_DIGESTS] = tuple(sorted((k, digest(stable(metadata[k]))) for k in set(keys)))


def metadata_token(metadata: Mapping[str, Any]) -> Any:
    """stable(metadata), with the values stamp_read stamped stood for by their digests."""
    stamped = metadata.get(READ_DIGESTS)
    if type(stamped) is not tuple:  # not stamped (another reader), or an author's own key
        return stable(metadata)
    skip = {key for key, _ in stamped}
    skip.add(READ_DIGESTS)
    rest = {k: v for k, v in metadata.items() if k not in skip}
    return ("stamped", stable(rest), stamped)


def parts_digest(*parts: object) -> str:
    """A short stable hash of strings (and str() of anything else), unambiguously joined."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = (part if isinstance(part, str) else str(part)).encode("utf-8", "surrogatepass")
        h.update(b"%d:" % len(data))  # length prefix: ("ab", "c") and ("a", "bc") differ
        h.update(data)
    return h.hexdigest()


def streamed_digest(value: Any, depth: int = 2) -> str:
    """Digest of a value of frozen dataclasses and tuples, hashed part by part (not digest()'s).

    For large values (the open data graph: 2,000 write-up rows and their people, topics
    and sessions): digest() makes the repr of the whole value and its UTF-8 bytes, 13 MiB
    at that size, which set the peak memory of a warm rebuild. Here dataclasses and tuples
    down to `depth` levels are walked, each part below that is hashed by its repr alone,
    and every part is framed (type name, count, length), so two different values never
    feed the hash the same bytes.
    """
    h = hashlib.blake2b(digest_size=DIGEST_SIZE)
    _feed(h, value, depth)
    return h.hexdigest()


def _feed(h: Any, value: Any, depth: int) -> None:
    """Hash one part of streamed_digest's value: walk it while depth lasts, else its repr."""
    if depth > 0 and type(value) is tuple:
        h.update(b"(%d:" % len(value))
        for item in value:
            _feed(h, item, depth - 1)
        h.update(b")")
    elif depth > 0 and dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = [f.name for f in dataclasses.fields(value)]
        h.update(b"%s{%d:" % (type(value).__qualname__.encode(), len(names)))
        for name in names:
            _feed(h, getattr(value, name), depth - 1)
        h.update(b"}")
    else:
        data = repr(value).encode("utf-8", "surrogatepass")
        h.update(b"%d:" % len(data))
        h.update(data)


def file_state(path: str) -> tuple[int, int] | None:
    """(size, mtime_ns) of a file, None when it is missing or unreadable."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def strict_file_state(path: str) -> tuple[int, int, int, int] | None:
    """(size, mtime_ns, ctime_ns, inode) of a file, None when it is missing or unreadable.

    For a content hash taken from a record instead of the file itself (the content cache's
    stat table): writing to a file moves its ctime, which no tool can set back, where
    file_state's size and mtime can be put back (cp -p, touch -d).
    """
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
