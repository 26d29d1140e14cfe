"""What every publish target shares: the error, the result, the Target protocol, commands."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from tools.publish.changes import Changes


class PublishError(Exception):
    """The publish stopped; the message says why and what the live site looks like."""


@dataclass
class PublishResult:
    """What a publish did (or, with dry_run, would do)."""

    target: str
    changes: Changes
    dry_run: bool
    release: Path | None = None
    commit: str | None = None


class Target(Protocol):
    """A destination: checked before the build, compared with the staged site, then deployed."""

    @property
    def shown(self) -> str:
        """How messages name the destination."""
        ...

    def changes(self, site: Path) -> Changes:
        """What deploying the staged site would add, change and remove (touches nothing)."""
        ...

    def deploy(self, site: Path, result: PublishResult, echo: Callable[[str], None]) -> None:
        """Put the staged site live without ever showing a mix; record what happened in result."""
        ...


def run(
    cmd: Sequence[str], *, cwd: Path | None = None, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a command, capturing text output; never raises on a non-zero exit."""
    try:
        return subprocess.run(
            list(cmd),
            cwd=cwd,
            env=dict(env) if env else None,
            capture_output=True,
            text=True,
            check=False,
        )
    except FileNotFoundError as exc:
        raise PublishError(f"{cmd[0]} is not installed ({exc}); run `invoke setup`") from exc


def tail(text: str, lines: int = 5) -> str:
    """The last few lines of a command's error output, for a message."""
    kept = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return " | ".join(kept[-lines:])
