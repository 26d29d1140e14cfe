"""Who owns a page slug (claims, reported once, with both sources) and which spelling names it (pure)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from breakout_kernel import errors

COLLISION_HINTS = {
    "person": "say in people.toml whether they are one person (one entry) or two (two entries)",
    "topic": "spell them the same way if they are one topic, or differently if they are two",
}


class Source(NamedTuple):
    """Where an identity was first seen, for error messages (line found lazily).

    A NamedTuple, not a frozen dataclass: one is made for every mention, tag and name
    read, and a tuple is made in half the time.
    """

    path: str
    line: int | None = None
    needle: str = ""  # text to find the line by when `line` is None
    what: str = ""  # how it was written, e.g. "@NickKeane" or "Tags: Open Data"


class Lines:
    """Finds the line of a needle in a source file, reading each file at most once."""

    def __init__(self) -> None:
        self._files: dict[str, list[str] | None] = {}

    def line(self, source: Source) -> int | None:
        """The line of source (its own, else the first holding its needle, case-folded)."""
        if source.line is not None or not source.needle:
            return source.line
        if source.path not in self._files:
            try:
                with open(source.path, encoding="utf-8", errors="replace") as f:
                    self._files[source.path] = [ln.casefold() for ln in f.read().splitlines()]
            except OSError:
                self._files[source.path] = None
        lines = self._files[source.path]
        if lines is None:
            return None
        needle = source.needle.casefold()
        for number, text in enumerate(lines, start=1):
            if needle in text:
                return number
        return None


class Claims:
    """First identity to use a slug owns it; a different identity on it is an error, never a merge."""

    def __init__(
        self,
        settings: Mapping[str, Any],
        base: str | None,
        report: Callable[[str, int | None, str], None],
    ) -> None:
        """Report problems through report, paths relative to base."""
        self.settings = settings
        self.base = base
        self.report = report
        self.lines = Lines()
        self.reported: set[tuple[str, ...]] = set()
        self.owners: dict[str, dict[str, tuple[str, Source]]] = {"person": {}, "topic": {}}

    def once(self, key: tuple[str, ...], source: Source, message: str) -> None:
        """Report a problem about source unless the same one was reported already."""
        if key not in self.reported:
            self.reported.add(key)
            self.report(source.path, self.lines.line(source), message)

    def where(self, source: Source) -> str:
        """`path:line` of a source, relative to the content folder's parent when possible."""
        return errors.location(source.path, self.lines.line(source), self.base)

    def claim(self, kind: str, slug: str, key: str, source: Source) -> None:
        """Give slug's page to identity key, or report the collision with its owner."""
        owners = self.owners[kind]
        claim = owners.get(slug)
        if claim is None:
            owners[slug] = (key, source)
        elif claim[0] != key:
            self.collision(kind, slug, claim[1], source)

    def collision(self, kind: str, slug: str, first: Source, second: Source) -> None:
        """Report two different identities wanting one page, naming both sources."""
        url = str(self.settings.get(f"{kind.upper()}_URL") or "{slug}").format(slug=slug)
        self.once(
            (kind, slug, first.what, second.what),
            second,
            f"{kind} '{second.what}' and {kind} '{first.what}' ({self.where(first)}) would both "
            f"get the page {url}; {COLLISION_HINTS[kind]}",
        )


class Spellings:
    """How often each spelling of a name was used, and the earliest item that used it."""

    def __init__(self) -> None:
        self.seen: dict[str, list[Any]] = {}  # spelling -> [count, earliest rank]

    def add(self, form: str, rank: tuple[Any, ...]) -> None:
        """Count one use of `form` by the item of this rank."""
        entry = self.seen.get(form)
        if entry is None:
            self.seen[form] = [1, rank]
        else:
            entry[0] += 1
            entry[1] = min(entry[1], rank)

    def best(self) -> str:
        """The most used spelling; ties go to the earliest item's, then to the spelling itself."""
        if not self.seen:
            return ""
        return min(self.seen.items(), key=lambda kv: (-kv[1][0], kv[1][1], kv[0]))[0]
