"""Pelican edge of breakout_subscribe: settings, template helpers, the generator writing the files."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from breakout_feeds.options import options as feed_options
from breakout_feeds.paths import FeedLinks, FeedPaths, absolute_site_url
from breakout_index.glue import write_page
from breakout_kernel import build
from breakout_kernel.change import manifest
from breakout_kernel.change.hashing import digest, streamed_digest
from breakout_kernel.change.manifest import Manifest, carry_if_same
from breakout_kernel.change.stamp import Stamp, library_versions
from breakout_kernel.folders import write_if_changed
from pelican.generators import Generator

from . import collect, opendata
from .model import FeedGroup, FollowPage, Licence, Link, Site
from .options import SCHEMA, options

log = logging.getLogger("breakout.subscribe")

# breakout_memo is optional: without it the Follow page is rendered every build.
try:
    from breakout_memo.glue import current as current_memo
except ImportError:  # pragma: no cover - the plugin ships beside this one

    def current_memo(settings: dict[str, Any]) -> Any:
        """No memo: render the page."""
        return None


FOLLOW_TEMPLATE = "follow"
MANIFEST = "breakout_subscribe.json"  # under CACHE_PATH: last build's fingerprints
MANIFEST_VERSION = 1
LANE_JOB = "subscribe"  # this plugin's job in the kernel's output lane


# icalendar and lxml add 7 MiB to a process: only the one that writes a calendar or an
# OPML file (the output lane, on a cold build) imports them.
def _ical() -> ModuleType:
    """The calendar writer (imports icalendar)."""
    from . import ical

    return ical


def _opml() -> ModuleType:
    """The OPML writer (imports lxml)."""
    from . import opml

    return opml


@dataclass
class Stats:
    """What the last generate_output did (tests read it)."""

    written: list[str] = field(default_factory=list)  # files whose bytes changed, sorted
    unchanged: int = 0  # files left alone: fingerprint unchanged, or made again to the same bytes


def last_stats() -> Stats:
    """What the last build wrote (a Build part of the kernel)."""
    this = build.current()
    return this.part(Stats) if this is not None else Stats()


def on_initialized(pelican: Any) -> None:
    """Report bad BREAKOUT_SUBSCRIBE keys once, before anything is read."""
    build.options(pelican.settings, "BREAKOUT_SUBSCRIBE", SCHEMA)


def get_generators(pelican: Any) -> type[Generator]:
    """The subscribe generator class."""
    return SubscribeGenerator


class SubscribeLinks:
    """Template helper (context['breakout_subscribe']): paths relative to SITEURL, "" when off."""

    def __init__(self, opts: Mapping[str, Any]) -> None:
        """Paths from BREAKOUT_SUBSCRIBE."""
        self.follow = str(opts["FOLLOW_URL"]) if opts["FOLLOW_SAVE_AS"] else ""
        self.calendar = str(opts["CALENDAR_SAVE_AS"])
        self.opml = str(opts["OPML_SAVE_AS"])
        self._opts = opts

    def event_calendar(self, event: Any) -> str:
        """The event's own .ics path, or "" (undated: it is in no calendar)."""
        if not getattr(event, "date", None):
            return ""
        return event_calendar_path(self._opts, str(event.slug))


def event_calendar_path(opts: Mapping[str, Any], slug: str) -> str:
    """Output path of a dated event's own .ics file, or "" when those are off."""
    pattern = str(opts["EVENT_CALENDAR_SAVE_AS"])
    return pattern.format(slug=slug) if pattern else ""


def site_facts(settings: Mapping[str, Any], opts: Mapping[str, Any]) -> Site:
    """The site's absolute URL (LOCAL_SITEURL in local builds, as the feeds), name, licence."""
    url = absolute_site_url(
        str(settings.get("SITEURL") or ""), feed_options(settings)["LOCAL_SITEURL"]
    )
    return Site(
        url=url,
        name=str(settings.get("SITENAME") or "Breakout"),
        description=str(settings.get("SITESUBTITLE") or ""),
        language=str(settings.get("DEFAULT_LANG") or "en"),
        licence=Licence(str(opts["LICENCE"]), str(opts["LICENCE_URL"])),
    )


def data_files(opts: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(label, output path) of the open data files, graph.json first; none when off."""
    folder = str(opts["DATA_PATH"]).strip("/")
    if not folder:
        return []
    files = [("The whole graph (JSON)", "graph.json"), ("Its JSON Schema", "schema.json")]
    files += [(f"{table.capitalize()} (CSV)", f"{table}.csv") for table in opendata.TABLES]
    return [(label, f"{folder}/{name}") for label, name in files]


def group_path(opts: Mapping[str, Any], key: str) -> str:
    """Output path of one group's OPML file, or ""."""
    pattern = str(opts["GROUP_OPML_SAVE_AS"])
    return pattern.format(group=key) if pattern else ""


@dataclass(frozen=True)
class Output:
    """One file to write: where, the typed value its bytes are made from, how to make them."""

    path: str
    source: Any  # frozen dataclasses, tuples and strings: repr() is the fingerprint
    render: Callable[[], bytes]


def outputs(settings: Mapping[str, Any], opts: Mapping[str, Any], index: Any) -> Iterator[Output]:
    """Every calendar, OPML and open data file, in a fixed order (bytes made only when asked)."""
    site = site_facts(settings, opts)
    paths = FeedPaths.from_settings(settings)
    links = SubscribeLinks(opts)
    events = collect.calendar_events(site, index, feed_options(settings)["ID_AUTHORITY"])
    if opts["CALENDAR_SAVE_AS"]:
        name, about = f"Events · {site.name}", f"Events written up at {site.name}"
        yield Output(
            opts["CALENDAR_SAVE_AS"],
            (name, about, events),
            lambda: _ical().calendar(name, about, events),
        )
    for event in events:
        path = event_calendar_path(opts, event.slug)
        if path:
            title = f"{event.name} · {site.name}"
            yield Output(
                path, (title, event), lambda t=title, e=event: _ical().calendar(t, "", [e])
            )
    groups = collect.feed_groups(
        site,
        site.url,
        index,
        FeedLinks(paths, site.url, site.name),
        lambda key: f"{site.url}/{group_path(opts, key)}" if group_path(opts, key) else "",
    )
    follow = f"{site.url}/{links.follow}" if links.follow else f"{site.url}/"
    if opts["OPML_SAVE_AS"]:
        title = f"Feeds · {site.name}"
        yield Output(
            opts["OPML_SAVE_AS"],
            (title, follow, groups),
            lambda: _opml().opml(title, follow, groups, nested=True),
        )
    for group in groups:
        path = group_path(opts, group.key)
        if path and group.feeds:
            title = f"{group.title} · Feeds · {site.name}"
            yield Output(
                path,
                (title, follow, group),
                lambda t=title, g=group: _opml().opml(t, follow, [g], nested=False),
            )
    files = {os.path.basename(path): path for _, path in data_files(opts)}
    if files:
        schema_url = f"{site.url}/{files['schema.json']}"
        calendar_url = {
            e.slug: f"{site.url}/{path}"
            for e in events
            if (path := event_calendar_path(opts, e.slug))
        }
        graph = collect.graph(site, index, lambda e: calendar_url.get(str(e.slug), ""))
        yield Output(
            files["graph.json"], (graph, schema_url), lambda: opendata.graph_json(graph, schema_url)
        )
        # schema.json's text is package data, not code: part of its fingerprint.
        yield Output(
            files["schema.json"],
            (schema_url, opendata.schema_text()),
            lambda: opendata.schema_json(schema_url),
        )
        for table in opendata.TABLES:
            yield Output(
                files[f"{table}.csv"],
                (table, getattr(graph, table)),
                lambda t=table: opendata.table_csv(graph, t),
            )


def subscribe_stamp(settings: Mapping[str, Any], opts: Mapping[str, Any]) -> str:
    """What shapes every file besides its own source: options, site, feed paths, code, libraries."""
    return (
        Stamp("subscribe")
        .values("subscribe", MANIFEST_VERSION, dict(opts), repr(site_facts(settings, opts)))
        .values("feeds", dict(FeedPaths.from_settings(settings).patterns))
        .values("versions", library_versions(("icalendar", "lxml")))
        .code()
        .hexdigest()
    )


def write_outputs(output_path: str, files: Iterable[Output], known: Manifest) -> Stats:
    """Make and write each file unless its fingerprint and file match the last build's."""
    stats = Stats()
    folders = build.output_folders()
    for out in files:
        fingerprint = streamed_digest(out.source, 3)  # (graph, url): graph, its tables, rows
        target = os.path.join(output_path, out.path)
        if known.fresh(out.path, target, fingerprint):
            stats.unchanged += 1
            continue
        data = out.render()
        if carry_if_same(known.previous, out.path, target, data):
            known.record(out.path, target, fingerprint, data, None)
            stats.unchanged += 1  # made again, same bytes: the live output's file kept
            continue
        mtime = write_if_changed(output_path, out.path, data, folders)
        known.record(out.path, target, fingerprint, data, mtime)
        if mtime is None:
            stats.unchanged += 1  # made again, same bytes: left alone
        else:
            stats.written.append(out.path)
    return stats


def follow_page(
    settings: Mapping[str, Any], opts: Mapping[str, Any], index: Any, siteurl: str
) -> FollowPage:
    """What the Follow page shows, with links based on the page's SITEURL."""
    site = site_facts(settings, opts)
    base = siteurl.rstrip("/")
    links = SubscribeLinks(opts)
    groups: tuple[FeedGroup, ...] = collect.feed_groups(
        site,
        base,
        index,
        FeedLinks(FeedPaths.from_settings(settings), base, site.name),
        lambda key: f"{base}/{group_path(opts, key)}" if group_path(opts, key) else "",
    )
    undated = tuple(
        Link(str(e.name), f"{base}/{e.url}")
        for e in getattr(index, "events", None) or []
        if not e.date
    )
    return FollowPage(
        opml=Link("Every feed of the site (OPML)", f"{base}/{links.opml}") if links.opml else None,
        groups=groups,
        calendar=Link("Every dated event (iCalendar)", f"{base}/{links.calendar}")
        if links.calendar
        else None,
        undated=undated,
        data=tuple(Link(label, f"{base}/{path}") for label, path in data_files(opts)),
        licence=site.licence,
    )


class SubscribeGenerator(Generator):
    """Writes the calendars, OPML files, open data and the Follow page after the index is built."""

    def generate_context(self) -> None:
        """Put the template helper in the shared context; offer the files to the output lane."""
        self.context["breakout_subscribe"] = SubscribeLinks(options(self.settings))
        # The files read the finished index and feed nothing back into pages: a lane's job.
        # The Follow page stays here: it goes through the page memo and the sitemap.
        build.offer(self.settings, LANE_JOB, self.write_files, self.record)

    def generate_output(self, writer: Any) -> None:
        """Write every file whose bytes changed (unless the lane does); the Follow page unless memoised."""
        opts = options(self.settings)
        index = self.context.get("breakout_index")
        if index is None:
            log.warning("breakout_subscribe: no breakout_index in context; nothing to write")
            return
        in_lane = build.in_lane(self.settings, LANE_JOB)
        stats = Stats() if in_lane else self.write_files()
        if opts["FOLLOW_SAVE_AS"]:
            if self._write_follow(writer, opts, index):
                stats.written.append(opts["FOLLOW_SAVE_AS"])
            else:
                stats.unchanged += 1
        self.record(stats)

    def write_files(self) -> Stats:
        """Make and write the calendars, OPML and open data whose fingerprint or file changed."""
        index = self.context.get("breakout_index")
        if index is None:
            return Stats()  # generate_output says so
        opts = options(self.settings)
        output_path = os.path.abspath(self.output_path)
        cache = bool(self.settings.get("CACHE_CONTENT"))
        manifest_path = os.path.join(str(self.settings.get("CACHE_PATH") or "cache"), MANIFEST)
        stamp = subscribe_stamp(self.settings, opts)
        # LOAD_CONTENT_CACHE off (asked for, or breakout_content saw its stamp change): redo all.
        load = cache and bool(self.settings.get("LOAD_CONTENT_CACHE"))
        # Building into a fresh folder (tools/build.py): unchanged files come from the live output.
        live = self.settings.get("LIVE_OUTPUT_PATH")
        old = manifest.read(manifest_path, stamp) if load else {}
        known = Manifest(output_path, stamp, old, previous=live)
        stats = write_outputs(output_path, outputs(self.settings, opts, index), known)
        if cache:
            known.save(manifest_path)
        return stats

    def record(self, stats: Stats) -> None:
        """Add to this build's Stats (the lane's files arrive at its join, after the Follow page)."""
        this = build.current(self.settings)
        if this is not None:
            total = this.part(Stats)
            total.written = sorted(total.written + stats.written)
            total.unchanged += stats.unchanged

    def _write_follow(self, writer: Any, opts: Mapping[str, Any], index: Any) -> bool:
        """Write the Follow page; True if its file was written."""
        from pelican.utils import get_relative_path, path_to_url

        save_as = str(opts["FOLLOW_SAVE_AS"])
        relative = bool(self.settings.get("RELATIVE_URLS", False))
        siteurl = (
            path_to_url(get_relative_path(save_as))
            if relative
            else str(self.context.get("SITEURL", ""))
        )
        page = follow_page(self.settings, opts, index, siteurl)
        memo = current_memo(self.settings)
        fingerprint = None
        if memo is not None:  # the page shows exactly `page`; theme and code: global stamp
            fingerprint = digest((FOLLOW_TEMPLATE, save_as, siteurl, repr(page)))
        return write_page(
            writer,
            self.context,
            self.get_template(FOLLOW_TEMPLATE),
            save_as,
            relative=relative,
            url=str(opts["FOLLOW_URL"]),
            memo=memo,
            fingerprint=fingerprint,
            follow=page,
            page_name=os.path.splitext(save_as)[0],
        )
