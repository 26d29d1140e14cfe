"""Feed checks for `invoke check`: W3C-style validity rules, announced feeds exist, ids stable.

Rules (those the W3C Feed Validation Service applies that a generator can get wrong):
RSS 2.0: <rss version="2.0"> with one <channel> holding non-empty title, link, description;
atom:link rel="self"; RFC 822 dates whose weekday matches; every item has a title or a
description and a guid, unique in the feed, absolute if isPermaLink; <author> is an email;
no duplicate single-valued item elements; every link absolute.
Atom 1.0: feed and each entry have exactly one id (absolute IRI), title and updated; RFC 3339
dates; feed links rel="self" and rel="alternate"; an author at feed level or in every entry
(each with a name); entry ids unique; an entry without content has an alternate link; no two
alternate links share type and hreflang; text constructs are text/html/xhtml; links absolute.
JSON Feed 1.1: a JSON object with version https://jsonfeed.org/version/1.1, a title and an
items list; feed_url where the file is; every item has a unique string id, content_html or
content_text, RFC 3339 dates and absolute URLs.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable, Iterator, Mapping
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "plugins") not in sys.path:
    sys.path.insert(0, str(ROOT / "plugins"))

from breakout_feeds import ids as feed_ids  # noqa: E402
from breakout_feeds.options import options  # noqa: E402
from breakout_feeds.paths import FeedPaths  # noqa: E402
from breakout_kernel.htmlsafety import unsafe_markup  # noqa: E402

from tools.feedrules import (  # noqa: E402
    is_absolute_iri,
    is_absolute_url,
    rfc822_problem,
    rfc3339_problem,
)
from tools.jsonfeedcheck import check_json_feed, json_feed_paths  # noqa: E402

ATOM = "http://www.w3.org/2005/Atom"
A = f"{{{ATOM}}}"
WFW = "{http://wellformedweb.org/CommentAPI/}"
CONTENT_ENCODED = "{http://purl.org/rss/1.0/modules/content/}encoded"
TEXT_TYPES = ("text", "html", "xhtml")
EMAIL = re.compile(r"^[^@\s()]+@[^@\s()]+\.[^@\s()]+(?: \(.*\))?$")
# huge_tree: a long write-up's content is one text node of megabytes, which libxml2 refuses
# by default ("Text node too long"); the feed is well-formed and must be judged as such.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)


def _text(el: Any) -> str:
    """Stripped text of an element (or '')."""
    return (el.text or "").strip() if el is not None else ""


def _once(parent: Any, tag: str, what: str, problems: list[str], required: bool = True) -> Any:
    """The single child `tag`; a problem if it is missing (when required) or repeated."""
    found = parent.findall(tag)
    if len(found) > 1:
        problems.append(f"{what}: more than one <{tag.split('}')[-1]}>")
    if not found:
        if required:
            problems.append(f"{what}: missing <{tag.split('}')[-1]}>")
        return None
    return found[0]


def check_rss(root: Any) -> list[str]:
    """Problems of an RSS 2.0 document (rules in the module docstring)."""
    p: list[str] = []
    if root.get("version") != "2.0":
        p.append(f"rss: version must be '2.0', not {root.get('version')!r}")
    channels = root.findall("channel")
    if len(channels) != 1:
        return [*p, f"rss: needs exactly one <channel>, found {len(channels)}"]
    ch = channels[0]
    for tag in ("title", "link", "description"):
        el = _once(ch, tag, "channel", p)
        if el is not None and tag != "description" and not _text(el):
            p.append(f"channel: <{tag}> is empty")
    link = _once(ch, "link", "channel", [])
    if link is not None and _text(link) and not is_absolute_url(_text(link)):
        p.append(f"channel: <link> '{_text(link)}' is not an absolute URL")
    selfs = [el for el in ch.findall(f"{A}link") if el.get("rel") == "self"]
    if not selfs:
        p.append('channel: missing <atom:link rel="self"> (the feed\'s own URL)')
    for el in selfs:
        if not is_absolute_url(el.get("href")):
            p.append(f"channel: atom:link rel=self href {el.get('href')!r} is not absolute")
        if el.get("type") not in (None, "application/rss+xml"):
            p.append(
                f"channel: atom:link rel=self type should be application/rss+xml, not {el.get('type')}"
            )
    for tag in ("pubDate", "lastBuildDate"):
        el = _once(ch, tag, "channel", p, required=False)
        if el is not None and (why := rfc822_problem(el.text)):
            p.append(f"channel <{tag}>: {why}")
    seen: set[str] = set()
    for n, item in enumerate(ch.findall("item"), start=1):
        what = f"item {n}"
        for tag in ("title", "link", "description", "guid", "pubDate", "comments"):
            _once(item, tag, what, p, required=False)
        if not _text(item.find("title")) and not _text(item.find("description")):
            p.append(f"{what}: needs a <title> or a <description>")
        guid = item.find("guid")
        if guid is None or not _text(guid):
            p.append(f"{what}: missing <guid> (readers use it to spot new items)")
        else:
            value = _text(guid)
            if value in seen:
                p.append(f"{what}: guid {value} is not unique in the feed")
            seen.add(value)
            if guid.get("isPermaLink", "true") == "true" and not is_absolute_url(value):
                p.append(f"{what}: guid {value} has isPermaLink true but is not an absolute URL")
        for tag in ("link", "comments", f"{WFW}commentRss"):
            el = item.find(tag)
            if el is not None and not is_absolute_url(_text(el)):
                p.append(f"{what}: <{tag.split('}')[-1]}> '{_text(el)}' is not an absolute URL")
        el = item.find("pubDate")
        if el is not None and (why := rfc822_problem(el.text)):
            p.append(f"{what} <pubDate>: {why}")
        for author in item.findall("author"):
            if not EMAIL.match(_text(author)):
                p.append(f"{what}: <author> must be an email address (use dc:creator for names)")
    return p


def _links_problems(parent: Any, what: str, p: list[str]) -> list[Any]:
    """Check a feed's or entry's links; return them."""
    links = parent.findall(f"{A}link")
    alternates: set[tuple[str, str]] = set()
    for el in links:
        if not is_absolute_url(el.get("href")):
            p.append(f"{what}: link href {el.get('href')!r} is not an absolute URL")
        if el.get("rel", "alternate") == "alternate":  # no rel means alternate (RFC 4287 4.2.7.2)
            key = (el.get("type", ""), el.get("hreflang", ""))
            if key in alternates:
                p.append(f"{what}: two alternate links with the same type and hreflang")
            alternates.add(key)
    return links


def _person_problems(parent: Any, what: str, p: list[str]) -> int:
    """Check author/contributor elements have a name; return the number of authors."""
    for tag in ("author", "contributor"):
        for person in parent.findall(f"{A}{tag}"):
            if not _text(person.find(f"{A}name")):
                p.append(f"{what}: <{tag}> without a <name>")
    return len(parent.findall(f"{A}author"))


def _text_constructs(parent: Any, what: str, p: list[str]) -> None:
    """title/subtitle/summary/rights type must be text, html or xhtml."""
    for tag in ("title", "subtitle", "summary", "rights"):
        for el in parent.findall(f"{A}{tag}"):
            if el.get("type", "text") not in TEXT_TYPES:
                p.append(f"{what}: <{tag}> type {el.get('type')!r} is not text, html or xhtml")


def check_atom(root: Any) -> list[str]:
    """Problems of an Atom 1.0 document (rules in the module docstring)."""
    p: list[str] = []
    feed_id = _once(root, f"{A}id", "feed", p)
    if feed_id is not None and not is_absolute_iri(_text(feed_id)):
        p.append(f"feed: id '{_text(feed_id)}' is not an absolute IRI")
    title = _once(root, f"{A}title", "feed", p)
    if title is not None and not _text(title):
        p.append("feed: <title> is empty")
    updated = _once(root, f"{A}updated", "feed", p)
    if updated is not None and (why := rfc3339_problem(updated.text)):
        p.append(f"feed <updated>: {why}")
    links = _links_problems(root, "feed", p)
    rels = [el.get("rel", "alternate") for el in links]
    if "self" not in rels:
        p.append('feed: missing <link rel="self"> (the feed\'s own URL)')
    if "alternate" not in rels:
        p.append('feed: missing <link rel="alternate"> (the page it follows)')
    feed_authors = _person_problems(root, "feed", p)
    _text_constructs(root, "feed", p)
    seen: set[str] = set()
    for n, entry in enumerate(root.findall(f"{A}entry"), start=1):
        what = f"entry {n}"
        eid = _once(entry, f"{A}id", what, p)
        if eid is not None:
            value = _text(eid)
            if not is_absolute_iri(value):
                p.append(f"{what}: id '{value}' is not an absolute IRI")
            if value in seen:
                p.append(f"{what}: id {value} is not unique in the feed")
            seen.add(value)
        etitle = _once(entry, f"{A}title", what, p)
        if etitle is not None and not _text(etitle):
            p.append(f"{what}: <title> is empty")
        for tag, required in (("updated", True), ("published", False)):
            el = _once(entry, f"{A}{tag}", what, p, required=required)
            if el is not None and (why := rfc3339_problem(el.text)):
                p.append(f"{what} <{tag}>: {why}")
        if not _person_problems(entry, what, p) and not feed_authors:
            p.append(f"{what}: no <author> here or at feed level")
        elinks = _links_problems(entry, what, p)
        has_alternate = any(el.get("rel", "alternate") == "alternate" for el in elinks)
        if entry.find(f"{A}content") is None and not has_alternate:
            p.append(f"{what}: without <content> it needs an alternate link")
        _text_constructs(entry, what, p)
    return p


def validate_feed_bytes(data: bytes, name: str = "feed") -> list[str]:
    """Problem lines (`name: problem`) for one feed document given as bytes."""
    if data.lstrip()[:1] == b"{":
        return check_json_feed(data, name)
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        return [f"{name}: not well-formed XML: {exc}"]
    if root.tag == "rss":
        problems = check_rss(root)
    elif root.tag == f"{A}feed":
        problems = check_atom(root)
    else:
        problems = [f"root element <{root.tag}> is neither <rss> nor Atom <feed>"]
    return [f"{name}: {problem}" for problem in problems]


def validate_feed_file(path: str | os.PathLike[str]) -> list[str]:
    """Problem lines for one feed file (RSS 2.0 or Atom 1.0); [] means valid."""
    return validate_feed_bytes(Path(path).read_bytes(), str(path))


def _html_of(el: Any) -> str | None:
    """The HTML an element carries for a reader, or None if it is text (Atom type="text")."""
    kind = el.get("type", "text") if el.tag.startswith(A) else "html"
    if kind == "html":
        return el.text or ""
    if kind == "xhtml":
        return "".join(etree.tostring(child, encoding="unicode") for child in el)
    return None


def _html_problems(parent: Any, tags: Iterable[str], what: str, p: list[str]) -> None:
    """Append a problem for everything that could run script in parent's HTML-bearing children."""
    for tag in tags:
        for el in parent.findall(tag):
            fragment = _html_of(el)
            for found in unsafe_markup(fragment) if fragment else []:
                p.append(f"{what}: <{etree.QName(el).localname}> holds {found}")


def feed_html_problems(root: Any) -> list[str]:
    """Script elements, event handlers and script URLs in a feed's HTML-bearing elements.

    RSS: channel and item <description>, <content:encoded> (readers take both as HTML).
    Atom: title, subtitle, summary and content of type html or xhtml.
    """
    p: list[str] = []
    if root.tag == "rss":
        for ch in root.findall("channel"):
            _html_problems(ch, ["description"], "channel", p)
            for n, item in enumerate(ch.findall("item"), start=1):
                what = f"item {n} ({_text(item.find('guid')) or _text(item.find('link'))})"
                _html_problems(item, ["title", "description", CONTENT_ENCODED], what, p)
    else:
        _html_problems(root, [f"{A}title", f"{A}subtitle"], "feed", p)
        for n, entry in enumerate(root.findall(f"{A}entry"), start=1):
            what = f"entry {n} ({_text(entry.find(f'{A}id'))})"
            _html_problems(entry, [f"{A}title", f"{A}summary", f"{A}content"], what, p)
    return p


def check_feed_html(output_dir: str | os.PathLike[str]) -> list[str]:
    """`invoke check`: no HTML in any feed of the build can run script in a feed reader."""
    out = Path(output_dir)
    problems: list[str] = []
    for path in find_feeds(out):
        root = _feed_root(path.read_bytes())
        if root is not None:
            rel = path.relative_to(out).as_posix()
            problems += [f"{rel}: {line}" for line in feed_html_problems(root)]
    return problems


def _feed_root(data: bytes) -> Any | None:
    """The root element if data is an RSS or Atom document, else None."""
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError:
        return None
    return root if root.tag in ("rss", f"{A}feed") else None


def find_feeds(output_dir: str | os.PathLike[str]) -> Iterator[Path]:
    """Every .xml file in the output, sorted (feeds and anything else; callers sniff)."""
    yield from sorted(Path(output_dir).rglob("*.xml"))


def entry_ids(output_dir: str | os.PathLike[str]) -> set[str]:
    """Every entry id (Atom id, RSS guid) in the built feeds."""
    found: set[str] = set()
    for path in find_feeds(output_dir):
        root = _feed_root(path.read_bytes())
        if root is None:
            continue
        found.update(_text(el) for el in root.iterfind("channel/item/guid"))
        found.update(_text(el) for el in root.iterfind(f"{A}entry/{A}id"))
    return found


FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json")


class _FeedLinkParser(HTMLParser):
    """Collects <link rel="alternate" type="application/(rss|atom|feed)+(xml|json)" href>."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Remember feed links."""
        a = dict(attrs)
        if (
            tag == "link"
            and "alternate" in (a.get("rel") or "").split()
            and (a.get("type") in FEED_TYPES)
        ):
            self.hrefs.append(a.get("href") or "")


def announced_feeds(html: str) -> list[str]:
    """The feed hrefs a page announces in <link rel="alternate">."""
    parser = _FeedLinkParser()
    parser.feed(html)
    return parser.hrefs


def _local_path(href: str, siteurl: str) -> str | None:
    """The output-relative path a SITEURL-based href points at, or None for other hosts."""
    if siteurl and href.startswith(siteurl.rstrip("/") + "/"):
        return href[len(siteurl.rstrip("/")) + 1 :]
    if href.startswith("/") and not href.startswith("//"):
        return href.lstrip("/")
    return None


def check_site_feeds(output_dir: str | os.PathLike[str], settings: Mapping[str, Any]) -> list[str]:
    """Problem lines for a build: every feed valid and at its own URL, site feeds and announced feeds present."""
    out = Path(output_dir)
    problems: list[str] = []
    paths = FeedPaths.from_settings(settings)
    for kind in ("rss", "atom", "json"):
        for path, what in (
            (paths.site(kind), "the site feed"),
            (paths.comments(kind), "the comments feed"),
        ):
            if path and not (out / path).is_file():
                problems.append(f"{path}: missing ({what})")
    for path in find_feeds(out):
        rel = path.relative_to(out).as_posix()
        data = path.read_bytes()
        root = _feed_root(data)
        if root is None and b"<rss" not in data[:500] and b"<feed" not in data[:500]:
            continue  # some other XML file (a sitemap, an SVG): not ours to judge
        problems += validate_feed_bytes(data, rel)
        if root is None:
            continue
        selfs = [el.get("href", "") for el in root.iter(f"{A}link") if el.get("rel") == "self"]
        if selfs and not selfs[0].endswith("/" + rel):
            problems.append(f"{rel}: its rel=self link {selfs[0]} is not where the file is")
    for rel in json_feed_paths(out, settings):
        problems += check_json_feed((out / rel).read_bytes(), rel, rel)
    siteurl = str(settings.get("SITEURL") or "")
    for page in sorted(out.rglob("*.html")):
        for href in announced_feeds(page.read_text(encoding="utf-8", errors="replace")):
            target = _local_path(href, siteurl)
            if target is not None and not (out / target).is_file():
                shown = page.relative_to(out).as_posix()
                problems.append(f"{shown}: announces feed {href}, which was not built")
    return problems


def _content_prefix(content_dir: str) -> str:
    """How messages show the content folder: relative to the working folder when inside it."""
    rel = os.path.relpath(content_dir)
    shown = content_dir if rel.startswith("..") else rel
    return shown.replace(os.sep, "/").rstrip("/") + "/"


def current_ids(
    settings: Mapping[str, Any],
) -> tuple[dict[str, str], list[feed_ids.WriteupId], list[str]]:
    """(ledger, the ids the content gives now, problems reading them)."""
    opts = options(settings)
    content = str(settings["PATH"])
    prefix = _content_prefix(content)
    ledger, problems = feed_ids.read_ledger(os.path.join(content, opts["ID_LEDGER"]))
    problems = [f"{prefix}{opts['ID_LEDGER']}: {m}" for m in problems]
    found, scan = feed_ids.scan_writeups(
        content, settings.get("ARTICLE_PATHS") or [""], ledger, opts["ID_AUTHORITY"]
    )
    return ledger, found, problems + [f"{prefix}{m}" for m in scan]


def check_ids(output_dir: str | os.PathLike[str], settings: Mapping[str, Any]) -> list[str]:
    """Problem lines if a published feed id would change, is unstable, vanished or is shared."""
    ledger, found, problems = current_ids(settings)
    prefix = _content_prefix(str(settings["PATH"]))
    built = entry_ids(output_dir) if Path(output_dir).is_dir() else set()
    return problems + feed_ids.check_ids(
        ledger,
        found,
        built,
        ledger_name=f"{prefix}{options(settings)['ID_LEDGER']}",
        content_prefix=prefix,
    )


def record_ids(settings: Mapping[str, Any]) -> list[str]:
    """`invoke feed-ids`: add every unrecorded published write-up to the ledger; return their paths."""
    ledger, found, problems = current_ids(settings)
    if problems:
        raise ValueError("\n".join(problems))
    updated = feed_ids.record_ids(ledger, found)
    added = sorted(set(updated) - set(ledger))
    if added:
        path = Path(settings["PATH"]) / options(settings)["ID_LEDGER"]
        path.write_text(feed_ids.format_ledger(updated), encoding="utf-8")
    return added


def main(argv: Iterable[str] | None = None) -> int:
    """`python -m tools.feedcheck FILE...`: validate feed files; print problems."""
    problems = [
        line
        for path in (list(argv) if argv is not None else sys.argv[1:])
        for line in validate_feed_file(path)
    ]
    for line in problems:
        print(line)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
