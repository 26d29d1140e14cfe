"""breakout_content: the validating reader plugin (write-ups' metadata, the content-cache stamp)."""

from __future__ import annotations

from breakout_kernel.build import attach
from pelican import signals

from . import glue, stamps


def register() -> None:
    """Connect the receivers."""
    attach()  # first: the kernel counts this build's errors from initialized on
    # initialized: settings and data files must be checked before any file is read.
    signals.initialized.connect(glue.on_initialized)
    # article/page_generator_init: the generator and its Readers exist, nothing is read yet.
    signals.article_generator_init.connect(stamps.share_file_stamps)
    signals.page_generator_init.connect(stamps.share_file_stamps)
    # …and before the generator lists its files: read them in path order (problems too).
    signals.article_generator_init.connect(glue.read_in_path_order)
    # …and before it groups write-ups by year: Pelican's own grouping is quadratic.
    signals.article_generator_init.connect(glue.list_period_archives_in_linear_time)
    signals.page_generator_init.connect(glue.read_in_path_order)
    # readers_init: the only place to swap the Markdown reader class.
    signals.readers_init.connect(glue.on_readers_init)
    # article/page_generator_preread: sent before each file is read, the first time once the
    # readers and the site's data exist, so forked workers share them (read ahead).
    signals.article_generator_preread.connect(glue.on_article_generator_preread)
    signals.page_generator_preread.connect(glue.on_page_generator_preread)
    # article/page_generator_finalized: slugs, dates and statuses are final, so each URL
    # can be worked out once instead of on every access; every file is read, so the
    # read-ahead workers end; no page is written yet, so empty taxonomies can be skipped.
    signals.article_generator_finalized.connect(glue.on_article_generator_finalized)
    signals.page_generator_finalized.connect(glue.on_page_generator_finalized)
    # all_generators_finalized: the shared context is complete and no page is written yet.
    signals.all_generators_finalized.connect(glue.on_all_generators_finalized)
    # finalized: after the kernel's check, so the stamp is kept only by a build that passed.
    signals.finalized.connect(glue.on_finalized)
