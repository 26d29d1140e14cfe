"""Pelican edge of breakout_feeds: settings, the feeds generator, writing the files."""

from __future__ import annotations

import logging
import os
import zoneinfo
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from breakout_kernel import build, errors
from breakout_kernel.change import manifest
from breakout_kernel.change.manifest import Manifest
from breakout_kernel.change.stamp import Stamp, library_versions
from breakout_kernel.folders import output_target, write_if_changed
from breakout_kernel.settings import validated
from pelican.generators import Generator

from .build import FeedPlan, SiteInfo, Writeup, article_html, plan_batches, render_order
from .entries import Kind
from .ids import WriteupId, read_ledger, read_meta, resolve_id, valid_id
from .options import SCHEMA, options
from .paths import FeedLinks, FeedPaths, absolute_site_url, path_problems

log = logging.getLogger("breakout.feeds")

MANIFEST = "breakout_feeds.json"  # under CACHE_PATH: last build's feed fingerprints
MANIFEST_VERSION = 1
LANE_JOB = "feeds"  # this plugin's job in the kernel's output lane


@dataclass
class FeedStats:
    """What the last generate_output did (tests read it; the log says it at debug level)."""

    rendered: list[str] = field(default_factory=list)  # paths of the files rendered, sorted
    reused: int = 0  # files whose fingerprint matched: not rendered, left alone


def last_stats() -> FeedStats:
    """What the feeds of the last build did (a Build part of the kernel)."""
    this = build.current()
    return this.part(FeedStats) if this is not None else FeedStats()


def on_initialized(pelican: Any) -> None:
    """Report bad BREAKOUT_FEEDS keys and feed path settings once, before anything is read."""
    validated(pelican.settings, "BREAKOUT_FEEDS", SCHEMA)
    for problem in path_problems(pelican.settings):
        logging.getLogger("breakout").error("pelicanconf: %s", problem)


def site_info(settings: Mapping[str, Any], opts: Mapping[str, Any]) -> SiteInfo:
    """Site facts for feeds; an empty SITEURL falls back to LOCAL_SITEURL (feeds need hosts)."""
    url = absolute_site_url(str(settings.get("SITEURL") or ""), opts["LOCAL_SITEURL"])
    topics = str(settings.get("TOPICS_URL") or "topics/")
    try:
        tz: Any = zoneinfo.ZoneInfo(settings.get("TIMEZONE") or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        tz = zoneinfo.ZoneInfo("UTC")
    return SiteInfo(
        url=url,
        name=opts["AUTHOR"] or str(settings.get("SITENAME") or "Breakout"),
        description=str(settings.get("SITESUBTITLE") or ""),
        language=str(settings.get("DEFAULT_LANG") or "en"),
        topics_url=f"{url}/{topics}",
        timezone=tz,
        full_text_limit=opts["FULL_TEXT_LIMIT"],
    )


def _id_line(source_path: str) -> int | None:
    """Line of the Id: metadata in a source file, for messages."""
    try:
        text = Path(source_path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    return read_meta(text).get("id", ("", None))[1]


def writeup_ids(
    articles: list[Any], settings: Mapping[str, Any], opts: Mapping[str, Any], tz: Any
) -> list[Writeup]:
    """Give every published write-up its id by the rule; report bad and shared ids."""
    content = str(settings["PATH"])
    ledger_path = os.path.join(content, opts["ID_LEDGER"])
    ledger, problems = read_ledger(ledger_path)
    for problem in problems:
        errors.report(ledger_path, None, problem)
    result: list[Writeup] = []
    owners: dict[str, str] = {}
    for article in articles:
        rel = os.path.relpath(article.source_path, content).replace(os.sep, "/")
        date = article.date if article.date.tzinfo else article.date.replace(tzinfo=tz)
        meta_id = str((article.metadata or {}).get("id") or "")
        wid: WriteupId = resolve_id(rel, meta_id, date.date(), ledger, opts["ID_AUTHORITY"])
        if not valid_id(wid.id):
            errors.report(
                article.source_path,
                _id_line(article.source_path),
                f"Id '{wid.id}' must be an absolute URI without spaces or '#', "
                f"e.g. tag:{opts['ID_AUTHORITY']},{date:%Y-%m-%d}:{article.slug}",
            )
            continue
        if wid.id in owners:
            errors.report(
                article.source_path,
                _id_line(article.source_path),
                f"feed id {wid.id} is already used by {owners[wid.id]}",
            )
            continue
        owners[wid.id] = rel
        if wid.origin == "derived":
            errors.warn(
                article.source_path,
                None,
                f"no Id: and not recorded in {opts['ID_LEDGER']}: its feed id follows its "
                f"Date until `invoke feed-ids` records it",
            )
        elif wid.origin == "metadata" and ledger.get(rel, wid.id) != wid.id:
            errors.warn(
                article.source_path,
                _id_line(article.source_path),
                f"Id differs from the published {ledger[rel]} in {opts['ID_LEDGER']}",
            )
        size = len(article_html(article))  # memoised by Pelican; the entry reads it again
        if size > opts["FULL_TEXT_LIMIT"]:
            errors.warn(
                article.source_path,
                None,
                f"unusually large ({size:,} characters of HTML; feeds carry a write-up's full "
                f"text up to {opts['FULL_TEXT_LIMIT']:,}): its feed entries carry its summary "
                "and a link, its page the whole text. Split it if it covers several sessions, "
                'or raise BREAKOUT_FEEDS["FULL_TEXT_LIMIT"]',
            )
        result.append(Writeup(article, wid.id))
    return result


class FeedsGenerator(Generator):
    """Writes every feed after all pages are known; publishes feed links for templates."""

    def generate_context(self) -> None:
        """Put the feed links helper in the shared context; offer the feeds to the output lane."""
        opts = options(self.settings)
        self.context["breakout_feeds"] = FeedLinks(
            FeedPaths.from_settings(self.settings),
            str(self.settings.get("SITEURL") or ""),
            opts["AUTHOR"] or str(self.settings.get("SITENAME") or "Breakout"),
        )
        # Feeds read the finished context and feed nothing back into pages: a lane's job.
        build.offer(self.settings, LANE_JOB, self.write_all, self.record, self.prepare)

    def prepare(self) -> None:
        """In the main process, before the fork: each write-up's HTML, once for both processes.

        Pelican memoises it; made here, the lane shares it copy-on-write instead of making
        it again beside the pages that need it too.
        """
        for article in self.context.get("articles") or []:
            article_html(article)

    def generate_output(self, writer: Any) -> None:
        """Render and write every feed whose inputs changed, unless the output lane does."""
        if not build.in_lane(self.settings, LANE_JOB):
            self.record(self.write_all())

    def write_all(self) -> FeedStats:
        """Render and write every feed whose inputs changed (the index and comments are done)."""
        opts = options(self.settings)
        site = site_info(self.settings, opts)
        paths = FeedPaths.from_settings(self.settings)
        articles = list(self.context.get("articles") or [])
        writeups = writeup_ids(articles, self.settings, opts, site.timezone)
        index = self.context.get("breakout_index")
        if index is None:
            log.debug("breakout_feeds: no breakout_index in context; no person/topic/event feeds")
        batches = plan_batches(
            site,
            paths,
            writeups,
            index,
            max_items=opts["MAX_ITEMS"],
            summary_words=opts["SUMMARY_LENGTH"],
            entity_max_items=opts["ENTITY_MAX_ITEMS"],
            entity_content=opts["ENTITY_CONTENT"],
        )
        cache = bool(self.settings.get("CACHE_CONTENT"))
        manifest_path = os.path.join(str(self.settings.get("CACHE_PATH") or "cache"), MANIFEST)
        stamp = feeds_stamp(opts, site, paths)
        # LOAD_CONTENT_CACHE off (asked for, or breakout_content saw its stamp change): redo all.
        load = cache and bool(self.settings.get("LOAD_CONTENT_CACHE"))
        previous = manifest.read(manifest_path, stamp) if load else {}
        # Building into a fresh folder (tools/build.py): current feeds come from the live output.
        live = self.settings.get("LIVE_OUTPUT_PATH")
        feeds = Manifest(str(self.output_path), stamp, previous, previous=live)
        stats = FeedStats()
        for plans in batches:
            batch_stats = write_feeds(self.output_path, plans, feeds)
            stats.rendered += batch_stats.rendered
            stats.reused += batch_stats.reused
            del plans  # before the next batch is planned: its items can go
        stats.rendered.sort()
        log.debug(
            "breakout_feeds: rendered %d feeds, reused %d unchanged",
            len(stats.rendered),
            stats.reused,
        )
        if cache:
            feeds.save(manifest_path)
        return stats

    def record(self, stats: FeedStats) -> None:
        """Keep what the feeds did as this build's FeedStats (in the main process)."""
        this = build.current(self.settings)
        if this is not None:
            this.parts[FeedStats] = stats


def feeds_stamp(opts: Mapping[str, Any], site: SiteInfo, paths: FeedPaths) -> str:
    """Hash of what shapes every feed besides its entries: options, site, paths, code, libraries."""
    return (
        Stamp("feeds")
        .values("feeds", MANIFEST_VERSION, dict(opts), repr(site), dict(paths.patterns))
        .values("versions", library_versions(("feedgen", "lxml")))
        .code()
        .hexdigest()
    )


def write_feeds(
    output_path: str | os.PathLike[str], plans: list[FeedPlan], manifest: Manifest
) -> FeedStats:
    """Render and write each feed file unless its fingerprint and file match the last build."""
    output_path = os.path.abspath(output_path)
    stats = FeedStats()
    todo: list[tuple[FeedPlan, dict[Kind, str]]] = []
    for plan in plans:
        stale: dict[Kind, str] = {}
        for kind, fingerprint in plan.fingerprints().items():
            path = plan.paths[kind]
            if manifest.fresh(path, output_target(output_path, path), fingerprint):
                stats.reused += 1
            else:
                stale[kind] = fingerprint
        if stale:
            todo.append((plan, stale))
    # An entry is kept only until the last feed holding it is written: memory stays flat.
    todo.sort(key=lambda t: render_order(t[0]))
    uses = Counter(id(item) for plan, _ in todo for item in plan.items)
    folders = build.output_folders()
    for plan, stale in todo:
        for kind, data in plan.render(stale).items():
            path = plan.paths[kind]
            mtime = write_if_changed(output_path, path, data, folders)
            manifest.record(path, output_target(output_path, path), stale[kind], data, mtime)
            stats.rendered.append(path)
        for item in plan.items:
            uses[id(item)] -= 1
            if not uses[id(item)]:
                item.release()
    stats.rendered.sort()
    return stats


def get_generators(pelican: Any) -> type[Generator]:
    """The feeds generator class."""
    return FeedsGenerator
