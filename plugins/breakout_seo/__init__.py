"""breakout_seo: sitemap.xml, robots.txt, and the Open Graph / JSON-LD helpers templates call."""

from __future__ import annotations

from breakout_kernel.build import attach
from pelican import signals

from . import glue


def register() -> None:
    """Connect the receivers."""
    attach()  # first: the kernel counts this build's errors from initialized on
    # initialized: Jinja helpers must be in settings before the generators build their environments.
    signals.initialized.connect(glue.on_initialized)
    # content_written: the only place that sees every page a build writes, with its context.
    signals.content_written.connect(glue.on_content_written)
    # all_generators_finalized: the last moment to offer the output lane a job (the card).
    signals.all_generators_finalized.connect(glue.offer_card)
    # finalized: the page list is complete only after every generator has written.
    signals.finalized.connect(glue.on_finalized)
