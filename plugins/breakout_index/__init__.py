"""breakout_index: cross-linked people, topic, event and session pages built from the text engine's findings."""

from __future__ import annotations

from breakout_kernel.build import attach
from pelican import signals

from . import glue


def register() -> None:
    """Connect the receivers."""
    attach()  # first: the kernel counts this build's errors from initialized on
    # initialized: BREAKOUT_INDEX is checked once, before anything is read.
    signals.initialized.connect(glue.on_initialized)
    # get_generators: the index is a generator so its generate_context runs after the articles' one.
    signals.get_generators.connect(glue.get_generators)
