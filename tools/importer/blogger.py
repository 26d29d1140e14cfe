"""Blogger exports → records: the classic backup (Settings → Back up content, kinds as
Atom categories) and Google Takeout's feed.atom (blogger: elements), streamed entry by entry."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

from lxml import etree

from tools.importer.detect import ATOM, stream
from tools.importer.model import SiteInfo, Skipped, SourceComment, SourcePost
from tools.importer.xmltext import children, parse_iso, plain, release, text_of

KIND_SCHEME = "http://schemas.google.com/g/2005#kind"
LABEL_SCHEME = "http://www.blogger.com/atom/ns#"
APP = "http://purl.org/atom/app#"
THREAD = "http://purl.org/syndication/thread/1.0"
FEEDS = ("/feeds/posts/default", "/feeds/comments/default")
STATES = {"spam_comment": "spam", "spam": "spam", "soft_trashed": "trash", "trashed": "trash"}
# What Blogger leaves in place of a comment its author or the blog's owner removed.
REMOVED = (
    "this comment has been removed by the author.",
    "this comment has been removed by a blog administrator.",
)


def entry_id(value: str) -> str:
    """The number at the end of `tag:blogger.com,1999:blog-1.post-123` (or `.page-123`)."""
    value = value.strip()
    for marker in (".post-", ".page-"):
        if marker in value:
            return value.rsplit(marker, 1)[1]
    return value.rsplit("/", 1)[-1]


def _kind(kids: dict[str, list[etree._Element]]) -> str:
    """post | page | comment | template | settings | …, from either export's markers."""
    typed = text_of(kids, "type").strip().lower()  # Takeout: <blogger:type>POST</…>
    if typed:
        return typed
    for category in kids.get("category", []):
        if category.get("scheme") == KIND_SCHEME:
            return (category.get("term") or "").rsplit("#", 1)[-1]
    return ""


def _link(kids: dict[str, list[etree._Element]], rel: str) -> str:
    """The href of the first <link rel=…>."""
    for link in kids.get("link", []):
        if link.get("rel") == rel:
            return (link.get("href") or "").strip()
    return ""


def _author(kids: dict[str, list[etree._Element]]) -> tuple[str, str]:
    """(name, profile URL) of an entry's author; the e-mail element is never read."""
    found = kids.get("author")
    if not found:
        return "", ""
    inner = children(found[0])
    return plain(text_of(inner, "name")), text_of(inner, "uri").strip()


def _status(kids: dict[str, list[etree._Element]]) -> tuple[str, bool]:
    """(status word, published?): Takeout's <blogger:status>, or the backup's <app:draft>."""
    status = text_of(kids, "status").strip().lower()
    if status:
        return status, status == "live"
    control = kids.get("control")
    if control is not None:
        draft = children(control[0])
        if text_of(draft, "draft").strip().lower() == "yes":
            return "draft", False
    return "live", True  # the backup marks drafts only; everything else is live


def _comment(element: etree._Element, kids: dict[str, list[etree._Element]]) -> SourceComment:
    """A comment entry: its post from thr:in-reply-to or blogger:parent, its parent comment
    from the `related` link or blogger:inReplyTo."""
    post = text_of(kids, "parent")
    reply = kids.get("in-reply-to")
    if reply is not None and not post:
        post = reply[0].get("ref") or ""
    parent = text_of(kids, "inReplyTo") or _link(kids, "related")
    name, uri = _author(kids)
    body = text_of(kids, "content")
    status, live = _status(kids)
    removed = plain(body).lower() in REMOVED
    return SourceComment(
        id=entry_id(text_of(kids, "id")),
        post_key=entry_id(post),
        author=name,
        website="" if "blogger.com/profile" in uri and not name else uri,
        date=parse_iso(text_of(kids, "published")),
        parent=entry_id(parent) if parent else "",
        html=body,
        state="removed" if removed else ("approved" if live else STATES.get(status, "pending")),
        line=element.sourceline,
    )


def _post(element: etree._Element, kids: dict[str, list[etree._Element]], kind: str) -> SourcePost:
    """A post or page entry."""
    link = _link(kids, "alternate") or text_of(kids, "filename").strip()
    status, live = _status(kids)
    slug = urlsplit(link).path.rsplit("/", 1)[-1].removesuffix(".html") if link else ""
    tags = [
        plain(c.get("term") or "")
        for c in kids.get("category", [])
        if c.get("scheme") != KIND_SCHEME and c.get("term")
    ]
    name, _uri = _author(kids)
    return SourcePost(
        key=entry_id(text_of(kids, "id")),
        kind=kind,
        post_type=kind,
        title=plain(text_of(kids, "title")),
        slug=slug,
        link=link,
        date=parse_iso(text_of(kids, "published")),
        status=status,
        published=live,
        author=name,
        tags=list(dict.fromkeys(t for t in tags if t)),
        html=text_of(kids, "content"),
        line=element.sourceline,
    )


def read(path: Path) -> Iterator[SourcePost | SourceComment | Skipped | SiteInfo]:
    """Stream a Blogger export: SiteInfo first, then one record per <entry>."""
    root: etree._Element | None = None
    base = ""
    site_sent = False
    for event, element in stream(path):
        if root is None:
            root = element
        if event != "end" or element.getparent() is not root:
            continue
        if element.tag == f"{{{ATOM}}}link" and element.get("rel") == "alternate":
            base = (element.get("href") or "").strip()
        if element.tag != f"{{{ATOM}}}entry":
            continue
        if not site_sent:
            site_sent = True
            yield _site(base)
        kids = children(element)
        kind = _kind(kids)
        if kind in ("post", "page"):
            yield _post(element, kids, kind)
        elif kind == "comment":
            yield _comment(element, kids)
        else:
            yield Skipped(kind or "unknown", plain(text_of(kids, "title")), element.sourceline)
        release(element)
    if not site_sent:
        yield _site(base)


def _site(base: str) -> SiteInfo:
    """The old blog's address and its feed paths."""
    return SiteInfo(base_url=base, feed_paths=FEEDS)
