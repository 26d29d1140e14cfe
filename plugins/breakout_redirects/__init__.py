"""breakout_redirects: a redirect page at every old address, plus _redirects and an nginx map."""

from __future__ import annotations

from breakout_kernel.build import attach
from pelican import signals

from . import glue


def register() -> None:
    """Connect the receivers."""
    attach()  # first: the kernel counts this build's errors from initialized on
    # all_generators_finalized: every write-up's and page's URL is known, and errors
    # logged here still fail this build.
    signals.all_generators_finalized.connect(glue.write_redirects)
