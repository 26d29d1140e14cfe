"""breakout_redirects: a redirect page at every old address, plus _redirects and an nginx map."""

from __future__ import annotations

from pelican import signals


def register() -> None:
    """Connect the receivers."""
    from breakout_redirects import glue

    # Every write-up's and page's URL is known here, and errors still fail this build.
    signals.all_generators_finalized.connect(glue.write_redirects)
