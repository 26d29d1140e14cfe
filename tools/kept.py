"""A build that keeps what it read (`invoke livereload`): an edit to write-ups' text is only written again.

A Pelican build has two halves: reading (every generator's generate_context and the signals
around it: write-ups and comments read from the cache or parsed, people and topics indexed,
people who opted out erased) and writing (generate_output and finalized: pages, feeds, the
search index). After a one-word edit at 2,000 write-ups, about half of a rebuild's time is
reading a site that, but for one file, is as it was read last time.

KeptSite reads the site once and keeps the result in this process. Every build's writing
half runs in a forked child, which sees what was read copy-on-write, reads again only the
write-ups edited since, and ends by swapping its output in as `invoke build` does
(tools/build.py). This process's copy stays exactly as it was read, so nothing one build
does can leak into the next. An edit is taken this way when every changed file is a
write-up this process read and its metadata reads the same (title, dates, status, people,
hashtags, names learnt from the text: everything the reader and the text engine found) but
for the sentences its mentions quote, so that only its text, those sentences, and what is
made from them while writing, can differ (breakout_index quotes the new sentences on the
people's pages). Anything else (a new, deleted or renamed file, a comment, people.toml, the
theme, a setting, a problem logged while reading) reads the whole site again, as does a
child that finds an edit's metadata changed.

A plugin that rewrites write-ups' text while the site is read does the same to a re-read
write-up on breakout_kernel.build.article_patched (breakout_text erases people who opted out).

`invoke livereload` keeps its KeptSite in a process of its own, forked before any thread
starts (tools/keeper.py): the forks here must not copy a process with threads.
"""

from __future__ import annotations

import gc
import logging
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pelican import Pelican, signals
from pelican.generators import ArticlesGenerator

from tools import build, buildlock

_pelican_log = logging.getLogger("pelican.generators")  # where Pelican logs a file it cannot read

REREAD = 3  # a child's exit status: an edit changed what reading derives from it
FAILED = 1  # a child's exit status: the build failed (its message comes through the pipe)
# Metadata an edit may change and still be written alone: the mentions (their sentences
# only, see only_sentences_differ) and the reader's digests of the text engine's findings
# (breakout_kernel.change.hashing.READ_DIGESTS; plugins are imported only once a build runs).
SENTENCE_KEYS = ("mentions", "breakout_read_digests")


class BuildFailed(Exception):
    """A build failed; the message is the build's own (its problems are logged above it)."""


def kept_folder(final: Path) -> Path:
    """Where the files the reading half wrote into the output (redirects) wait for each build."""
    return final.with_name(f".{final.name}.breakout-kept")


def read_site(pelican: Pelican, after: Callable[[Any], None] | None = None) -> list[Any]:
    """The reading half of Pelican.run (4.12): the generators with every context made.

    after(generator) runs when that generator's context is made, before the next one's.
    """
    context = pelican.settings.copy()
    context["generated_content"] = {}
    context["static_links"] = set()
    context["static_content"] = {}
    context["localsiteurl"] = pelican.settings["SITEURL"]
    generators = [
        cls(
            context=context,
            settings=pelican.settings,
            path=pelican.path,
            theme=pelican.theme,
            output_path=pelican.output_path,
        )
        for cls in pelican._get_generator_classes()
    ]
    for generator in generators:
        if hasattr(generator, "generate_context"):
            generator.generate_context()
        if hasattr(generator, "check_disabled_readers"):
            generator.check_disabled_readers()
        if after is not None:
            after(generator)
    signals.all_generators_finalized.send(generators)
    for generator in generators:
        if hasattr(generator, "refresh_metadata_intersite_links"):
            generator.refresh_metadata_intersite_links()
    return generators


def write_site(pelican: Pelican, generators: list[Any]) -> None:
    """The writing half of Pelican.run (4.12): every generator's output, then finalized."""
    writer = pelican._get_writer()
    for generator in generators:
        if hasattr(generator, "generate_output"):
            generator.generate_output(writer)
    signals.finalized.send(pelican)


def reread(generator: ArticlesGenerator, article: Any, as_read: dict[str, Any]) -> bool:
    """Give a kept write-up its text as its file now reads; False if what reading found changed.

    That is its metadata (beyond its mentions' sentences: only_sentences_differ), or the
    files its text links to with {static} or {attach}.

    as_read: its metadata as the reading left it before the pages were read (people who
    opted out are erased from it after that).
    """
    readers = generator.readers
    path = os.path.relpath(article.source_path, generator.path)
    try:
        fresh = readers.read_file(
            base_path=generator.path,
            path=path,
            content_class=type(article),
            context=generator.context,
        )  # no preread/context signals: nothing else is read, and this object is thrown away
    except Exception:
        # Logged as ArticlesGenerator logs it (breakout_kernel says why, and counts it): the
        # build fails at finalized, after every other problem is logged too.
        _pelican_log.exception(
            "Could not process %s", path, exc_info=generator.settings.get("DEBUG", False)
        )
        return True
    if fresh.metadata != as_read and not only_sentences_differ(as_read, fresh.metadata):
        return False
    if fresh.get_static_links() != article.get_static_links():
        return False  # the reading's StaticGenerator copies the files write-ups link to
    article._content = fresh._content
    for key in SENTENCE_KEYS:  # as read, before the erasure (article_patched erases them)
        if key in fresh.metadata:
            article.metadata[key] = fresh.metadata[key]
            setattr(article, key, fresh.metadata[key])  # as Pelican's Content sets each key
    from breakout_kernel.build import article_patched
    from breakout_kernel.writing import forget_rendered

    forget_rendered([article])  # Pelican's memoised HTML and summary show the old text

    article_patched.send(article, settings=generator.settings)
    return True


def only_sentences_differ(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """Whether two readings of a write-up's metadata differ only in its mentions' sentences.

    Same keys and values but "mentions" and the reader's digests of it; the same people
    mentioned, in the same order, with the same names learnt from the text. Then the
    index's people and counts stand, and only the sentences their pages quote can change.
    """
    if old.keys() != new.keys() or any(
        old[key] != new[key] for key in old if key not in SENTENCE_KEYS
    ):
        return False
    before, after = old.get("mentions") or [], new.get("mentions") or []
    return len(before) == len(after) and all(
        a.person == b.person and a.name_hint == b.name_hint
        for a, b in zip(before, after, strict=True)
    )


def _files_under(root: str) -> Iterable[str]:
    """The real path of every file under root."""
    for folder, _subfolders, files in os.walk(os.path.realpath(root)):
        for name in files:
            yield os.path.join(folder, name)


def _link_tree(source: Path, target: Path) -> None:
    """Hard-link every file under source into the same place under target (the mark left out)."""
    for folder, _subfolders, files in os.walk(source):
        into = target / os.path.relpath(folder, source)
        into.mkdir(parents=True, exist_ok=True)
        for name in files:
            if name == build.STAGING_MARK:
                continue
            dest = into / name
            dest.unlink(missing_ok=True)
            os.link(os.path.join(folder, name), dest)


@dataclass
class Read:
    """What one reading of the site left in this process."""

    pelican: Pelican
    generators: list[Any]
    writeups: dict[str, Any]  # real source path -> the write-up read from it
    as_read: dict[str, dict[str, Any]]  # real source path -> its metadata before the erasure
    kernel: Any  # breakout_kernel's Build of the reading (its parts, its error count)
    clean: bool  # no problem was logged while reading: an edit may be written alone
    edited: set[str] = field(default_factory=set)  # write-ups each later build reads again
    written: bool = False  # a build of this reading succeeded: the live output is its
    files: frozenset[str] = frozenset()  # every file under PATH when it was read (real paths)
    frozen: bool = False  # gc.freeze() has taken it out of the collector's sight
    load_cache: bool = True  # LOAD_CONTENT_CACHE as set, before the reading may turn it off

    @property
    def articles(self) -> ArticlesGenerator:
        """The write-ups' generator."""
        return next(g for g in self.generators if isinstance(g, ArticlesGenerator))


class KeptSite:
    """One site built again and again in this process, reading it again only when it must."""

    def __init__(
        self,
        conf: Path,
        *,
        path: Path,
        output: Path,
        cache: Path,
        overrides: dict[str, Any] | None = None,
        report: Callable[[str], None] = print,
    ) -> None:
        """A site to build from these folders with this settings file (nothing is read yet)."""
        self.conf, self.path, self.output, self.cache = conf, path, output, cache
        self.overrides = dict(overrides or {})
        self.report = report
        self.read: Read | None = None
        self.final = Path(output).resolve()
        self.garbage = False  # a forgotten reading is still to be collected

    def build(self, changed: Iterable[Path] | None = None) -> str:
        """Build once; changed: the files changed since the last build (None: unknown).

        Returns "written" when only the edited write-ups were read again, "read" when the
        whole site was. Raises BuildFailed (or the build's own error) if the build fails;
        the output is then as it was.
        """
        with buildlock.held(self.final, self.report):  # an `invoke build` of it may be running
            start = time.perf_counter()  # the time it took, not the time it waited
            edited = self._edited(changed)
            if edited is not None and self.read is not None:
                self.read.edited |= edited
                if self._write(self.read) != REREAD:
                    self._done("written", start)
                    return "written"
            read = self._read_all()
            status = self._write(read)
            if status == REREAD:  # cannot be: nothing was edited since this reading
                raise BuildFailed("a build just read found its own write-ups changed")
            self._done("read", start)
            return "read"

    def close(self) -> None:
        """Forget what was read, stop counting its errors, remove the files kept for the builds."""
        from breakout_kernel import build as kernel
        from breakout_kernel import errors

        if self.read is not None and kernel.current() is self.read.kernel:
            errors.stop()  # the reading's count, kept for its builds' children until now
        self._forget()
        if self.garbage:
            gc.collect()
            self.garbage = False

    def _done(self, how: str, start: float) -> None:
        what = "the edited write-ups read again" if how == "written" else "the whole site read"
        self.report(f"Built in {time.perf_counter() - start:.2f} s ({what})")

    def _edited(self, changed: Iterable[Path] | None) -> set[str] | None:
        """The changed files as write-ups this process read, or None if any is something else."""
        from breakout_kernel import build as kernel

        if changed is None or self.read is None or not self.read.clean:
            return None
        if kernel.current() is not self.read.kernel:
            return None  # another build ran in this process since: its state is not the reading's
        if not (kept_folder(self.final) / build.STAGING_MARK).is_file():
            return None  # removed since (`invoke clean`): what the reading wrote is gone
        edited: set[str] = set()
        for name in changed:
            path = os.path.realpath(name)
            if not os.path.lexists(path) and path not in self.read.files:
                continue  # came and went since the reading (an editor's scratch file)
            if path not in self.read.writeups or not os.path.isfile(path):
                return None
            edited.add(path)
        return edited

    def _forget(self) -> None:
        # The old reading is cyclic garbage that the collector's thresholds would leave for
        # good (58 MiB a reading at 2,000 write-ups): _settle collects it while a child writes.
        self.garbage = self.garbage or self.read is not None
        self.read = None
        gc.unfreeze()  # what the last reading froze may now be collected
        folder = kept_folder(self.final)
        if (folder / build.STAGING_MARK).is_file():
            shutil.rmtree(folder)

    def _read_all(self) -> Read:
        """Read the whole site into this process, keeping what its reading wrote into the output."""
        self._forget()
        build.remove_staging(kept_folder(self.final))  # a crashed run's, or refuse
        settings = build.load_settings(
            self.conf,
            path=self.path,
            output=self.output,
            cache=self.cache,
            overrides=self.overrides,
        )
        build.detach_unlisted_plugins(settings)
        build.leave_last_build_at_exit()
        build.clear_staging(self.final)
        new, _old = build.staging_folders(self.final)
        new.mkdir(parents=True)
        (new / build.STAGING_MARK).touch()
        build.point_at(settings, new, self.final)
        load_cache = bool(settings.get("LOAD_CONTENT_CACHE", True))
        writeups: dict[str, Any] = {}
        as_read: dict[str, dict[str, Any]] = {}

        def keep_writeups(generator: Any) -> None:
            # Before the pages are read: then people who opted out are erased from metadata.
            from breakout_content.glue import ARTICLE_LISTS

            if isinstance(generator, ArticlesGenerator):
                for name in ARTICLE_LISTS:
                    for article in getattr(generator, name, ()):
                        path = os.path.realpath(article.source_path)
                        writeups[path], as_read[path] = article, dict(article.metadata)

        try:
            pelican = Pelican(settings)
            generators = read_site(pelican, keep_writeups)
        except BaseException:
            shutil.rmtree(new, ignore_errors=True)
            raise
        from breakout_kernel import build as kernel
        from breakout_kernel import errors

        os.rename(new, kept_folder(self.final))
        self.read = Read(
            pelican,
            generators,
            writeups,
            as_read,
            kernel.current(settings),
            clean=not errors.error_count(),
            load_cache=load_cache,
            files=frozenset(_files_under(str(self.path))),
        )
        return self.read

    def _settle(self) -> None:
        """After a reading, once its first child writes: collect the last reading, freeze this one.

        Frozen, the reading is never walked by this process's collections (each one would
        touch, and so copy for the children, every page of it); collecting the last reading
        beside the child keeps its 0.4 s (at 2,000 write-ups) out of the build's time.
        """
        if self.read is None or self.read.frozen:
            return  # frozen at its first build; later objects of this process stay collectable
        if self.garbage:
            gc.collect()
            self.garbage = False
        gc.freeze()
        self.read.frozen = True

    def _write(self, read: Read) -> int:
        """Run the writing half in a forked child; its exit status (0, FAILED or REREAD)."""
        sys.stdout.flush()
        sys.stderr.flush()
        receive, send = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            os.close(receive)
            gc.freeze()  # its collections leave the parent's objects (and their pages) alone
            status = FAILED
            try:
                status = self._child(read)
            except BaseException as exc:  # reported to the parent, which raises it
                os.write(send, str(exc).encode("utf-8", "replace") or type(exc).__name__.encode())
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(status)
        os.close(send)
        self._settle()
        with os.fdopen(receive, "rb") as pipe:
            message = pipe.read().decode("utf-8", "replace")
        _, wait_status = os.waitpid(pid, 0)
        status = os.waitstatus_to_exitcode(wait_status)
        if status == 0:
            read.written = True
        if status == 0 or status == REREAD:
            return status
        raise BuildFailed(message or f"the build's process ended with status {status}")

    def _child(self, read: Read) -> int:
        """In the child: read the edited write-ups again, make a fresh folder, write, swap in."""
        generator = read.articles
        # Pelican's reader cache holds each file's text as this process read it.
        generator.readers.get_cached_data = lambda _name, default=None: default
        for path in sorted(read.edited):
            if not reread(generator, read.writeups[path], read.as_read[path]):
                return REREAD  # before the folder is staged: the spare stays for the reading
        if read.written:
            from breakout_memo.glue import TEXT_EDITED

            settings = read.pelican.settings
            # The memo may trust the last build's record of every page not showing them. By
            # the write-ups' own source_path (the real path differs under a symlinked folder).
            settings[TEXT_EDITED] = sorted(str(read.writeups[p].source_path) for p in read.edited)
            # breakout_content turns the caches off for a reading whose stamp changed; what
            # the writing half keeps (feeds, calendars) was since made by this reading.
            settings["LOAD_CONTENT_CACHE"] = read.load_cache
        staging = build.stage(self.final)
        try:
            _link_tree(kept_folder(self.final), staging.new)
            write_site(read.pelican, read.generators)
        except BaseException:
            staging.abandon()
            raise
        staging.swap_in(list(read.pelican.settings.get("OUTPUT_RETENTION") or []))
        return 0
