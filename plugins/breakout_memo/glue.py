"""Pelican glue for breakout_memo: settings, the build's stamp and manifest, the memoising Writer."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import logging
import os
import stat
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from breakout_kernel import build
from breakout_kernel.change import manifest
from breakout_kernel.change.hashing import Unstable, digest, stable
from breakout_kernel.change.manifest import Manifest
from breakout_kernel.change.stamp import global_stamp, library_versions
from breakout_kernel.data import data_paths
from breakout_kernel.folders import clear_empty_folder
from breakout_kernel.settings import Option, is_type
from breakout_kernel.writing import local_context
from jinja2 import FileSystemBytecodeCache
from pelican import signals
from pelican.paginator import Paginator
from pelican.utils import sanitised_join
from pelican.writers import Writer

from .fingerprint import Tokens, archives_page, article_page, listing_page, period_archives_page
from .stats import Stats, Timer

log = logging.getLogger("breakout.memo")
_pelican_log = logging.getLogger("pelican.writers")  # what Writer.write_file logs under

PLUGIN = "breakout_memo"
# Templates whose pages have a fingerprint, and how to make it from the page's local context.
# A write-up's Template: metadata may name another template: its page is rendered every build,
# as are the few pages of other templates (404, search, static pages).
PAGE_FINGERPRINTS: dict[str, Callable[[dict[str, Any], Tokens], str]] = {
    "article.html": lambda local, tokens: article_page(local["article"], tokens),
    "index.html": listing_page,
    "archives.html": archives_page,
    "period_archives.html": period_archives_page,
}
# The write-ups whose text (HTML and the summary made from it) a page of these templates shows.
# A kept build (tools/kept.py) names the only write-ups whose text changed since the last
# build from the same reading; a page showing none of them is carried over unfingerprinted.
PAGE_TEXTS: dict[str, Callable[[dict[str, Any]], Iterable[Any]]] = {
    "article.html": lambda local: (local["article"],),
    "index.html": lambda local: (
        local["articles_page"].object_list if local.get("articles_page") else local["articles"]
    ),  # the cards' excerpts
    "archives.html": lambda local: (),
    "period_archives.html": lambda local: (),
}
# The setting a kept build sets in the process that writes: the source paths of the edited
# write-ups, when the live output and the manifest come from a build of the same reading.
TEXT_EDITED = "KEPT_TEXT_EDITED"
# Libraries whose version changes what a template or Markdown renders.
LIBRARIES = ("pelican", "jinja2", "markupsafe", "markdown")


def _file_name(value: Any) -> bool:
    """A plain file name (no folder), so the manifest stays inside CACHE_PATH."""
    return isinstance(value, str) and bool(value) and os.path.basename(value) == value


SCHEMA = {
    "ENABLED": Option(True, is_type(bool), "True or False"),
    "MANIFEST": Option("breakout-memo.json", _file_name, "a file name (kept in CACHE_PATH)"),
    "JINJA_CACHE": Option(
        True, is_type(bool), "True or False (keep compiled templates in CACHE_PATH)"
    ),
    "VERIFY": Option(
        False,
        is_type(bool),
        "True or False (render skipped pages too and report each that differs)",
    ),
}


class Memo:
    """This build's memo: last build's manifest, this build's entries and the per-build tokens."""

    def __init__(self, manifest: Manifest, path: str, *, verify: bool) -> None:
        """A memo writing its manifest to path at the end of the build."""
        self.manifest = manifest
        self.path = path
        self.verify = verify
        self.tokens = Tokens()
        self.stats = Stats()
        # A kept build's edited write-ups (TEXT_EDITED); None in any other build.
        self.text_edited: frozenset[str] | None = None

    def timer(self) -> Timer:
        """A `with` block whose CPU time counts as fingerprinting."""
        return Timer(self.stats)

    def fresh(self, name: str, path: str, fingerprint: str | None) -> bool:
        """True when the page need not be rendered: same fingerprint, and its file is intact."""
        if fingerprint is None:
            self.stats.unstable += 1
            return False
        return self.manifest.fresh(name, path, fingerprint)

    def carried(self, name: str, path: str) -> bool:
        """Kept build: True when the page's recorded file is intact (and now carried over).

        Only for a page that shows no edited write-up's text: every other input is the
        reading the recorded page was made from, so its recorded fingerprint still holds.
        """
        if self.text_edited is None or self.verify:
            return False
        entry = self.manifest.old.get(name)
        return entry is not None and self.manifest.fresh(name, path, entry[0])

    def shows_edited(self, contents: Iterable[Any]) -> bool:
        """Does any of these write-ups have text a kept build read again?"""
        edited = self.text_edited or frozenset()
        return any(str(getattr(c, "source_path", "")) in edited for c in contents)

    def skipped(self) -> None:
        """Count a page left as it was."""
        self.stats.skipped += 1

    def known(self, name: str) -> bool:
        """True if the last build's manifest has a record of this page (VERIFY: always)."""
        return self.verify or name in self.manifest.old

    def record(self, name: str, path: str, fingerprint: str | None) -> None:
        """Remember a page just rendered (and written, or found byte-identical)."""
        self.stats.rendered += 1
        self.stats.rendered_names.append(name)
        if fingerprint is not None:
            self.manifest.record(name, path, fingerprint)

    def check(self, name: str, same: bool) -> None:
        """VERIFY: report a page the memo would have skipped whose fresh rendering differs."""
        if not same:
            self.stats.stale += 1
            log.error(
                "breakout_memo: %s changed although its fingerprint did not: "
                "its fingerprint misses something the page shows",
                name,
            )


@dataclass
class MemoState:
    """breakout_memo's part of one build: its options (None: not listed) and the memo."""

    options: dict[str, Any] | None = None
    memo: Memo | None = None


def _state(settings: dict[str, Any]) -> MemoState | None:
    """The MemoState of the build with these settings, if that build lists breakout_memo."""
    this = build.current(settings)
    if this is None or not this.listed(PLUGIN):
        return None
    state = this.part(MemoState)
    return state if state.options is not None else None


def current(settings: dict[str, Any]) -> Memo | None:
    """This build's memo, or None when pages must all be rendered (plugin off, no cache, other build)."""
    state = _state(settings)
    return state.memo if state is not None else None


def _versions() -> dict[str, str]:
    """Versions of Python and the rendering libraries."""
    return {"python": sys.version, **library_versions(LIBRARIES)}


def _code_roots(settings: dict[str, Any]) -> list[str]:
    """Plugin folders (every plugin there, since plugins import one another) and listed plugins elsewhere."""
    roots = [str(p) for p in settings.get("PLUGIN_PATHS") or []]
    for plugin in settings.get("PLUGINS") or []:
        name = plugin if isinstance(plugin, str) else getattr(plugin, "__name__", "")
        try:
            spec = importlib.util.find_spec(name) if name else None
        except (ImportError, ValueError):
            spec = None
        origin = getattr(spec, "origin", None)
        if origin and not any(origin.startswith(os.path.join(r, "")) for r in roots):
            locations = list(getattr(spec, "submodule_search_locations", None) or [])
            roots.extend(locations or [origin])
    return roots


def _menu(context: dict[str, Any]) -> list[tuple[Any, ...]]:
    """The page menu base.html shows on every page (DISPLAY_PAGES_ON_MENU)."""
    return [(str(p.url), stable(p.title, strict=False)) for p in context.get("pages") or []]


def on_initialized(pelican: Any) -> None:
    """Validate BREAKOUT_MEMO (the kernel's Build has forgotten the last build)."""
    settings = pelican.settings
    this = build.current(settings)
    if this is None or not this.listed(PLUGIN):
        return
    options = this.part(MemoState).options = build.options(settings, "BREAKOUT_MEMO", SCHEMA)
    if options["ENABLED"] and options["JINJA_CACHE"] and settings.get("CACHE_CONTENT"):
        use_bytecode_cache(settings)


def use_bytecode_cache(settings: dict[str, Any]) -> None:
    """Keep compiled templates in CACHE_PATH: each generator compiles every template it uses afresh.

    Jinja checks each template's source checksum and its own version, but not the
    environment's options, which also shape the compiled code: those name the folder.
    Runs at initialized, before the generators make their environments.
    """
    env = dict(settings.get("JINJA_ENVIRONMENT") or {})
    if env.get("bytecode_cache") is not None:
        return  # the site chose its own
    options = digest(stable(env, strict=False))[:16]
    folder = os.path.join(settings["CACHE_PATH"], f"jinja-{options}")
    os.makedirs(folder, exist_ok=True)
    env["bytecode_cache"] = FileSystemBytecodeCache(folder)
    settings["JINJA_ENVIRONMENT"] = env  # a new dict: Pelican's defaults stay unshared


def on_all_generators_finalized(generators: list[Any]) -> None:
    """Compute the global stamp and read last build's manifest (every page's data is known now)."""
    if not generators:
        return
    settings = generators[0].settings
    state = _state(settings)
    if state is None:
        return
    state.memo = None  # Pelican's autoreload runs one Pelican (one initialized) many times
    options = state.options
    if not options["ENABLED"] or not settings.get("CACHE_CONTENT"):
        return  # no cache, no memory of earlier builds: render everything
    stamp = global_stamp(
        settings,
        theme_roots=[settings["THEME"], *(settings.get("THEME_TEMPLATES_OVERRIDES") or [])],
        code_roots=_code_roots(settings),
        data_files=data_paths(settings),
        context_part=_menu(generators[0].context),
        versions=_versions(),
    )
    path = os.path.join(settings["CACHE_PATH"], options["MANIFEST"])
    # LOAD_CONTENT_CACHE is off when breakout_content found its stamp changed: start afresh.
    old = manifest.read(path, stamp) if settings.get("LOAD_CONTENT_CACHE") else {}
    state.memo = Memo(
        Manifest(
            str(settings["OUTPUT_PATH"]),
            stamp,
            old,
            previous=settings.get("LIVE_OUTPUT_PATH"),
        ),
        path,
        verify=options["VERIFY"],
    )


def get_writer(pelican: Any) -> type[Writer] | None:
    """MemoWriter for builds that list the plugin (and a kept build's edits taken in)."""
    state = _state(pelican.settings)
    if state is None:
        return None
    edited = pelican.settings.get(TEXT_EDITED)
    memo = state.memo
    if edited is not None and memo is not None:
        # The reading's manifest is older than the live output: the last build's is on disk.
        memo.manifest.old = manifest.read(memo.path, memo.manifest.stamp)
        memo.text_edited = frozenset(edited)
    return MemoWriter


def on_finalized(pelican: Any) -> None:
    """Save this build's manifest and log what the memo saved."""
    memo = current(pelican.settings)
    if memo is None:
        return
    memo.manifest.save(memo.path)
    s = memo.stats
    log.info(
        "breakout_memo: %d pages skipped, %d rendered (%d without a fingerprint); "
        "fingerprints took %.3f s CPU",
        s.skipped,
        s.rendered,
        s.unstable,
        s.fingerprint_seconds,
    )


class MemoWriter(Writer):
    """Pelican's Writer that leaves a page alone when its fingerprint and its file are unchanged.

    Pages of the templates in PAGE_FINGERPRINTS only; a skipped page is still announced
    with content_written and counted as written (overwrite checks), as Pelican would.
    """

    def _open_w(self, filename: str, encoding: str, override: bool = False) -> Any:
        """Pelican's _open_w, first unlinking a page carried over from the live output by a link.

        Or removing the empty folder made ahead where the last build had a folder of this name.
        """
        if filename not in self._overridden_files and not self._cannot_exist(filename):
            try:
                st = os.stat(filename)
                if stat.S_ISDIR(st.st_mode):
                    clear_empty_folder(filename)
                elif st.st_nlink > 1:  # writing through would change the live page
                    os.unlink(filename)
            except FileNotFoundError:
                pass
        return super()._open_w(filename, encoding, override)

    def _cannot_exist(self, filename: str) -> bool:
        """True when no file can be at filename, so there is no link to look for.

        So in a folder this run made, when this writer has not written the file and the
        build has no live output to carry files over from (carried pages are links put in
        without the writer).
        """
        return (
            not self.settings.get("LIVE_OUTPUT_PATH")
            and filename not in self._written_files
            and build.output_folders(self.settings).made_here(os.path.dirname(filename))
        )

    def write_file(  # type: ignore[override]
        self,
        name: str,
        template: Any,
        context: dict[str, Any],
        relative_urls: bool = False,
        paginated: dict[str, Any] | None = None,
        template_name: str | None = None,
        override_output: bool = False,
        url: str | None = None,
        **kwargs: Any,
    ) -> None:
        """Write one page (or each page of a paginated list) as Writer.write_file does, skipping current ones."""
        if not name:
            return  # as Writer.write_file: no name, no page
        memo = current(self.settings)
        make = PAGE_FINGERPRINTS.get(getattr(template, "name", None) or "")
        if paginated is None:  # as Writer.write_file decides what to paginate
            paginated = {key: val for key, val in kwargs.items() if key in {"articles", "dates"}}
        pages: list[tuple[str, dict[str, Any]]] = [(name, kwargs)]
        if paginated and template_name in self.settings["PAGINATED_TEMPLATES"]:
            pages = self._paginate(name, url, paginated, template_name, kwargs)
        for page_name, variables in pages:
            if memo is None or make is None:
                self._write_one(
                    page_name, template, context, relative_urls, override_output, variables
                )
                continue
            self._write_page(
                memo, make, page_name, template, context, relative_urls, template_name,
                override_output, url, variables,
            )  # fmt: skip

    def _write_one(
        self,
        name: str,
        template: Any,
        context: dict[str, Any],
        relative_urls: bool,
        override_output: bool,
        variables: dict[str, Any],
    ) -> None:
        """Render and write one page exactly as Writer.write_file's _write_file does.

        Except for its folder: Pelican's os.makedirs(exist_ok=True) per page costs two or
        three system calls; this run's OutputFolders makes each folder once.
        """
        local = local_context(context, name, variables, relative_urls)
        if local["localsiteurl"]:  # so that the content's links follow the page
            context["localsiteurl"] = local["localsiteurl"]
        output = template.render(local)
        path = sanitised_join(self.output_path, name)
        build.output_folders(self.settings).ensure(os.path.dirname(path))
        with self._open_w(path, "utf-8", override=override_output) as f:
            f.write(output)
        _pelican_log.info('Writing "%s"', path)
        signals.content_written.send(path, context=local)

    def _paginate(
        self,
        name: str,
        url: str | None,
        paginated: dict[str, Any],
        template_name: str,
        kwargs: dict[str, Any],
    ) -> list[tuple[str, dict[str, Any]]]:
        """(file name, template variables) of each page, exactly as Writer.write_file paginates."""
        per_page = (
            self.settings["PAGINATED_TEMPLATES"][template_name]
            or self.settings["DEFAULT_PAGINATION"]
        )
        paginators = {
            key: Paginator(name, url, val, self.settings, per_page)
            for key, val in paginated.items()
        }
        pages: list[tuple[str, dict[str, Any]]] = []
        for page_num in range(next(iter(paginators.values())).num_pages):
            paginated_kwargs = kwargs.copy()
            for key, paginator in paginators.items():
                previous_page = paginator.page(page_num) if page_num > 0 else None
                page = paginator.page(page_num + 1)
                next_page = (
                    paginator.page(page_num + 2) if page_num + 1 < paginator.num_pages else None
                )
                paginated_kwargs.update(
                    {
                        f"{key}_paginator": paginator,
                        f"{key}_page": page,
                        f"{key}_previous_page": previous_page,
                        f"{key}_next_page": next_page,
                    }
                )
            pages.append((page.save_as, paginated_kwargs))
        return pages

    def _write_page(
        self,
        memo: Memo,
        make: Callable[[dict[str, Any], Tokens], str],
        name: str,
        template: Any,
        context: dict[str, Any],
        relative_urls: bool,
        template_name: str | None,
        override_output: bool,
        url: str | None,
        variables: dict[str, Any],
    ) -> None:
        """Skip one page if it is current, else have Writer.write_file render and write it alone."""
        path = sanitised_join(self.output_path, name)
        fingerprint: str | None = None
        fresh = False
        # A second write of one path goes to os.devnull or fails in Pelican: leave it to Pelican.
        if path not in self._written_files and path not in self._overridden_files:
            # The local context exactly as Writer.write_file builds it.
            local = local_context(context, name, variables, relative_urls)
            if local["localsiteurl"]:
                # As Writer._write_file does before rendering: the content's links follow it.
                context["localsiteurl"] = local["localsiteurl"]
            if memo.text_edited is not None and not memo.shows_edited(
                PAGE_TEXTS[template.name](local)
            ):
                fresh = memo.carried(name, path)
            if not fresh:
                fingerprint, fresh = self._fingerprinted(
                    memo, make, name, path, template, url, local
                )
            if fresh and not memo.verify:
                # Pelican's overwrite bookkeeping (Writer._open_w) without opening the file.
                if override_output:
                    self._overridden_files.add(path)
                self._written_files.add(path)
                memo.skipped()
                signals.content_written.send(path, context=local)
                return
        before = _read(path) if fresh else None  # only with VERIFY
        self._write_one(name, template, context, relative_urls, override_output, variables)
        memo.record(name, path, fingerprint)
        if before is not None:
            memo.check(name, _read(path) == before)

    def _fingerprinted(
        self,
        memo: Memo,
        make: Callable[[dict[str, Any], Tokens], str],
        name: str,
        path: str,
        template: Any,
        url: str | None,
        local: dict[str, Any],
    ) -> tuple[str | None, bool]:
        """The page's fingerprint (None: it has none), and whether its file is current by it."""
        fingerprint: str | None = None
        with memo.timer():
            try:
                page = make(local, memo.tokens)
                fingerprint = f"{template.name}|{local['SITEURL']}|{url}|{page}"
            except Unstable as exc:
                log.debug("breakout_memo: %s is rendered every build: %s", name, exc)
            return fingerprint, memo.fresh(name, path, fingerprint)


def _read(path: str) -> bytes | None:
    """A file's bytes, None when it cannot be read."""
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return None
