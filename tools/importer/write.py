"""Staging, the import ledger, and moving files into place.

Everything is written into a staging folder first (beside content/, so the final moves
are renames on one file system); only a whole, successful parse is moved into content/.
`content/imported.toml` records the SHA-256 of every file the importer wrote: a file whose
text no longer matches was edited by its author and is never overwritten (--force backs
it up first), and a recorded file the author deleted is not brought back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

LEDGER = "imported.toml"
LEDGER_HEAD = (
    "# Files written by `invoke import`, with the SHA-256 of the text it wrote. A file whose\n"
    "# text differs has been edited since, and a later import leaves it alone (--force backs\n"
    "# it up to import-backups/ and overwrites it). Commit this file with the content.\n"
)


def byte_digest(data: bytes) -> str:
    """SHA-256 of a file's bytes."""
    return hashlib.sha256(data).hexdigest()


def digest(text: str) -> str:
    """SHA-256 of a file's text (UTF-8)."""
    return byte_digest(text.encode("utf-8"))


class Stage:
    """A temporary folder holding the files an import would write."""

    def __init__(self, content: Path) -> None:
        content.parent.mkdir(parents=True, exist_ok=True)
        self.root = Path(tempfile.mkdtemp(prefix=".import-staging-", dir=content.parent))
        self.files: dict[str, str] = {}  # relative path → digest
        self.merged: set[str] = set()  # files merged with what exists (not in the ledger)
        self.binary: set[str] = set()  # files staged as bytes (images), digested as bytes

    def put(self, rel: str, text: str) -> None:
        """Stage one file (relative to content/)."""
        self._write(rel, text.encode("utf-8"))

    def put_bytes(self, rel: str, data: bytes) -> None:
        """Stage one binary file (an image)."""
        self._write(rel, data)
        self.binary.add(rel)

    def _write(self, rel: str, data: bytes) -> None:
        """Write one staged file's bytes and record their digest."""
        target = self.root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        self.files[rel] = byte_digest(data)

    def read(self, rel: str) -> str:
        """The staged text of a file."""
        return (self.root / rel).read_text(encoding="utf-8")

    def discard(self) -> None:
        """Remove the staging folder."""
        shutil.rmtree(self.root, ignore_errors=True)


@dataclass
class Plan:
    """What applying the stage would do to content/, file by file."""

    new: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    edited: list[str] = field(default_factory=list)  # changed by the author: left alone
    foreign: list[str] = field(default_factory=list)  # the author's own file of that name
    forced: list[str] = field(default_factory=list)  # changed by the author: backed up, overwritten
    deleted: list[str] = field(default_factory=list)  # deleted by the author: not recreated
    ledger: dict[str, str] = field(default_factory=dict)

    @property
    def writes(self) -> list[str]:
        """The files that would be written, sorted."""
        return sorted(self.new + self.updated + self.forced)


def read_ledger(content: Path) -> dict[str, str]:
    """{relative path: digest} from content/imported.toml ({} when absent)."""
    path = content / LEDGER
    if not path.exists():
        return {}
    with open(path, "rb") as handle:
        data = tomllib.load(handle)
    files = data.get("files", {})
    return {str(k): str(v) for k, v in files.items()} if isinstance(files, dict) else {}


def ledger_text(ledger: dict[str, str]) -> str:
    """The ledger file, sorted so the same import writes the same bytes."""
    rows = [f'"{rel}" = "{ledger[rel]}"' for rel in sorted(ledger)]
    return LEDGER_HEAD + "\n[files]\n" + "\n".join(rows) + "\n"


def plan(stage: Stage, content: Path, *, force: bool) -> Plan:
    """Compare the staged files with content/ and the ledger."""
    recorded = read_ledger(content)
    out = Plan(ledger=dict(recorded))
    for rel in sorted(stage.files):
        wanted = stage.files[rel]
        target = content / rel
        if rel in stage.merged:  # already holds everything the author had: write if different
            same = target.exists() and digest(target.read_text(encoding="utf-8")) == wanted
            (out.unchanged if same else out.updated if target.exists() else out.new).append(rel)
            continue
        if not target.exists():
            if rel in recorded and not force:
                out.deleted.append(rel)
                continue
            out.new.append(rel)
        else:
            current = (
                byte_digest(target.read_bytes())
                if rel in stage.binary
                else digest(target.read_text(encoding="utf-8"))
            )
            if current == wanted:
                out.unchanged.append(rel)
            elif recorded.get(rel) == current:
                out.updated.append(rel)  # the export changed; the author did not
            elif force:
                out.forced.append(rel)
            else:
                (out.edited if rel in recorded else out.foreign).append(rel)
                continue
        out.ledger[rel] = wanted
    return out


def apply(stage: Stage, content: Path, result: Plan, *, backups: Path) -> list[str]:
    """Move the planned files into content/; returns the backups written (relative paths)."""
    saved: list[str] = []
    when = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    for rel in result.forced:
        backup = backups / when / rel
        backup.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(content / rel, backup)
        saved.append(str(backup))
    for rel in result.writes:
        target = content / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(stage.root / rel, target)
    text = ledger_text(result.ledger)
    path = content / LEDGER
    if result.writes or not path.exists() or path.read_text(encoding="utf-8") != text:
        temporary = stage.root / LEDGER
        temporary.write_text(text, encoding="utf-8", newline="\n")
        os.replace(temporary, path)
    return saved
