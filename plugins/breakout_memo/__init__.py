"""breakout_memo: a warm build renders and writes only the pages whose fingerprint changed."""

from __future__ import annotations

from breakout_kernel.build import attach
from pelican import signals

from . import glue


def register() -> None:
    """Connect the receivers."""
    attach()  # first: the kernel counts this build's errors from initialized on
    # initialized: BREAKOUT_MEMO is checked, and the last build's state dropped, before anything is read.
    signals.initialized.connect(glue.on_initialized)
    # all_generators_finalized: every page's data and the menu are known, and nothing is written yet.
    signals.all_generators_finalized.connect(glue.on_all_generators_finalized)
    # get_writer: the only way to change how Pelican's generators write their pages.
    signals.get_writer.connect(glue.get_writer)
    # finalized: every page has been written or skipped, so the manifest is complete.
    signals.finalized.connect(glue.on_finalized)
