"""breakout_content: validated reading of write-ups, data files, and fail-once error reporting."""

from __future__ import annotations

from pelican import signals

from . import glue


def register() -> None:
    """Connect the receivers."""
    # initialized: settings and data files must be checked before any file is read.
    signals.initialized.connect(glue.on_initialized)
    # readers_init: the only place to swap the Markdown reader class.
    signals.readers_init.connect(glue.on_readers_init)
    # finalized: every generator has run, so all problems have been logged.
    signals.finalized.connect(glue.on_finalized)
