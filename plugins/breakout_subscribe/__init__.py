"""breakout_subscribe: iCalendar, OPML, the Follow page and the open data of the graph."""

from __future__ import annotations

from breakout_kernel.build import attach
from pelican import signals

from . import glue


def register() -> None:
    """Connect the receivers."""
    attach()  # first: the kernel counts this build's errors from initialized on
    # initialized: BREAKOUT_SUBSCRIBE is checked once, before any content is read.
    signals.initialized.connect(glue.on_initialized)
    # get_generators: its generator runs after the index's, whose people, topics and events it reads.
    signals.get_generators.connect(glue.get_generators)
