"""breakout_feeds: feedgen feeds for the site, people, topics, events and comments."""

from __future__ import annotations

from breakout_kernel.build import attach
from pelican import signals

from . import glue


def register() -> None:
    """Connect the receivers."""
    attach()  # first: the kernel counts this build's errors from initialized on
    # initialized: settings are checked once, before any content is read.
    signals.initialized.connect(glue.on_initialized)
    # get_generators: feeds are written by a generator that runs after the index and comments.
    signals.get_generators.connect(glue.get_generators)
