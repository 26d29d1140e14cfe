"""breakout_search: client-side full-text search with Pagefind, indexed at the end of the build."""

from __future__ import annotations

from breakout_kernel import build
from breakout_kernel.build import attach
from pelican import signals

from . import glue


def register() -> None:
    """Connect the receivers."""
    attach()  # first: the kernel counts this build's errors from initialized on
    # initialized: templates read the search switch, so it must be set before generators exist.
    signals.initialized.connect(glue.on_initialized)
    # article_writer_finalized: the write-ups are on disk, so the shards they changed may start.
    signals.article_writer_finalized.connect(glue.start_early_runs)
    # pages_written: every page is on disk, so Pagefind may start while the lane writes feeds.
    build.pages_written.connect(glue.start_beside_lane)
    # finalized: Pagefind indexes the written HTML, so every page must be on disk first.
    signals.finalized.connect(glue.on_finalized)
