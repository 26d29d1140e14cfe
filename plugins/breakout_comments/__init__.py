"""breakout_comments: comment files -> threaded, deduplicated, sanitised comments on write-ups."""

from __future__ import annotations

from breakout_kernel.build import attach
from pelican import signals

from . import glue


def register() -> None:
    """Connect the receivers."""
    attach()  # first: the kernel counts this build's errors from initialized on
    # initialized: BREAKOUT_COMMENTS must be checked before any file is read.
    signals.initialized.connect(glue.on_initialized)
    # article_generator_finalized: every write-up (published, hidden, draft) is known and
    # nothing has been written yet, so threads and counts reach article and index pages.
    signals.article_generator_finalized.connect(glue.on_article_generator_finalized)
