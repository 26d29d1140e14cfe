"""breakout_redirects: a redirect page at every old address, plus _redirects and an nginx map."""

from __future__ import annotations

from pelican import signals


def register() -> None:
    """Connect the receivers."""
    from breakout_redirects import glue

    # Every write-up's and page's URL is known here, before anything is written.
    signals.all_generators_finalized.connect(glue.collect)
    # After the site is written, so an old address that is now a real page is seen as one.
    signals.finalized.connect(glue.write_files)
