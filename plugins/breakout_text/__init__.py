"""breakout_text: @handles and #hashtags found, resolved and linked while Markdown is parsed."""

from __future__ import annotations

from breakout_kernel.build import attach
from pelican import signals

from . import glue


def register() -> None:
    """Connect the receivers."""
    attach()  # first: the kernel counts this build's errors from initialized on
    # initialized: MARKDOWN must hold the extension before any reader is created.
    signals.initialized.connect(glue.on_initialized)
