"""Pelican edge of breakout_feeds: settings, the feeds generator, writing the files."""

from __future__ import annotations

import logging
import os
import zoneinfo
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from breakout_content import errors
from breakout_content.settings import validated
from pelican.generators import Generator

from .build import SiteInfo, Writeup, plan_feeds
from .ids import WriteupId, read_ledger, read_meta, resolve_id, valid_id
from .options import SCHEMA, options
from .paths import FeedLinks, FeedPaths, absolute_site_url, path_problems

log = logging.getLogger("breakout.feeds")


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
    )


def write_if_changed(output_path: str | os.PathLike[str], rel: str, data: bytes) -> bool:
    """Write data to output_path/rel unless the file already holds exactly these bytes."""
    root = Path(output_path).resolve()
    target = (root / rel).resolve()
    if root not in target.parents:
        raise ValueError(f"feed path {rel!r} is outside the output folder")
    try:
        if target.read_bytes() == data:
            return False  # keeps mtimes, so rsync and the dev server see nothing changed
    except OSError:
        pass
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)
    return True


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
        result.append(Writeup(article, wid.id))
    return result


class FeedsGenerator(Generator):
    """Writes every feed after all pages are known; publishes feed links for templates."""

    def generate_context(self) -> None:
        """Put the feed links helper in the shared context before any template renders."""
        opts = options(self.settings)
        self.context["breakout_feeds"] = FeedLinks(
            FeedPaths.from_settings(self.settings),
            str(self.settings.get("SITEURL") or ""),
            opts["AUTHOR"] or str(self.settings.get("SITENAME") or "Breakout"),
        )

    def generate_output(self, writer: Any) -> None:
        """Render and write every feed (the index and comments are complete by now)."""
        opts = options(self.settings)
        site = site_info(self.settings, opts)
        articles = list(self.context.get("articles") or [])
        writeups = writeup_ids(articles, self.settings, opts, site.timezone)
        index = self.context.get("breakout_index")
        if index is None:
            log.debug("breakout_feeds: no breakout_index in context; no person/topic/event feeds")
        files = plan_feeds(
            site,
            FeedPaths.from_settings(self.settings),
            writeups,
            index,
            max_items=opts["MAX_ITEMS"],
            summary_words=opts["SUMMARY_LENGTH"],
        )
        for feed in files:
            write_if_changed(self.output_path, feed.path, feed.data)


def get_generators(pelican: Any) -> type[Generator]:
    """The feeds generator class."""
    return FeedsGenerator
