"""What the memo did in one build (logged at the end; tests read it)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field


@dataclass
class Stats:
    """Pages skipped and rendered, and the CPU time fingerprints took."""

    skipped: int = 0
    rendered: int = 0
    unstable: int = 0  # pages with no stable fingerprint (always rendered)
    stale: int = 0  # VERIFY: skipped pages whose fresh rendering differed
    fingerprint_seconds: float = 0.0  # CPU time spent making fingerprints
    rendered_names: list[str] = field(default_factory=list)  # memoised kinds only


class Timer:
    """Adds the CPU time of a `with` block to stats.fingerprint_seconds."""

    def __init__(self, stats: Stats) -> None:
        """Time into these stats."""
        self.stats = stats
        self.start = 0.0

    def __enter__(self) -> Timer:
        self.start = time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stats.fingerprint_seconds += time.process_time() - self.start
