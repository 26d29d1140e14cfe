"""breakout_assets: content-hashed names for the theme's CSS and icons, so a CDN may keep them a year."""

from __future__ import annotations

from breakout_kernel.build import attach
from pelican import signals

from . import glue


def register() -> None:
    """Connect the receivers."""
    attach()  # first: the kernel counts this build's errors from initialized on
    # initialized: templates read the hashed names, so they must exist before generators do.
    signals.initialized.connect(glue.on_initialized)
    # get_writer: the theme's output folders exist before Pelican's copy checks for them.
    signals.get_writer.connect(glue.on_get_writer)
    # finalized: the hashed copies go beside the theme files Pelican copied into the output.
    signals.finalized.connect(glue.on_finalized)
