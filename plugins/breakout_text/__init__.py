"""breakout_text: @handles and #hashtags found, resolved and linked while Markdown is parsed."""

from __future__ import annotations

from pelican import signals

from . import glue


def register() -> None:
    """Connect the receivers."""
    # initialized: MARKDOWN must hold the extension before any reader is created.
    signals.initialized.connect(glue.on_initialized)
