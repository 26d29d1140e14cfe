"""breakout_text: @handles and #hashtags found, resolved and linked while Markdown is parsed."""

from __future__ import annotations

from breakout_kernel.build import article_patched, attach
from pelican import signals

from . import glue, optout


def register() -> None:
    """Connect the receivers."""
    attach()  # first: the kernel counts this build's errors from initialized on
    # initialized: MARKDOWN must hold the extension before any reader is created.
    signals.initialized.connect(glue.on_initialized)
    # article_generator_finalized: keep the write-ups' generator for the erasure pass below.
    signals.article_generator_finalized.connect(optout.on_article_generator_finalized)
    # page_generator_finalized: write-ups, comments and pages are all read, and the index,
    # feeds and pages not yet built, so people who opted out can be erased from all of them.
    signals.page_generator_finalized.connect(optout.on_page_generator_finalized)
    # article_patched: a kept build read a write-up's text again; it is erased like the rest.
    article_patched.connect(optout.on_article_patched)
