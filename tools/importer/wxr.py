"""WordPress eXtended RSS (WXR 1.0, 1.1, 1.2) → SourcePost records, streamed item by item."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

from lxml import etree

from tools.importer.detect import WP_PREFIX, stream
from tools.importer.model import SiteInfo, Skipped, SourceComment, SourcePost
from tools.importer.xmltext import children, plain, release, text_of

KINDS = {"post": "post", "page": "page", "attachment": "attachment"}
# WordPress's own bookkeeping types: counted apart from custom post types.
INTERNAL_TYPES = frozenset(
    {"nav_menu_item", "revision", "custom_css", "customize_changeset", "oembed_cache",
     "wp_block", "wp_template", "wp_template_part", "wp_global_styles", "wp_navigation",
     "user_request", "wp_font_family", "wp_font_face"}
)  # fmt: skip
APPROVAL = {"1": "approved", "0": "pending", "spam": "spam", "trash": "trash",
            "post-trashed": "trash"}  # fmt: skip
FEEDS = ("/feed/", "/comments/feed/")


def _wp_time(value: str, utc: bool) -> dt.datetime | None:
    """`2011-01-22 14:05:00`: aware UTC for the *_gmt fields, naive (blog-local) otherwise."""
    value = value.strip()
    if not value or value.startswith("0000"):
        return None  # WordPress writes 0000-00-00 00:00:00 for drafts that never had a date
    try:
        parsed = dt.datetime.strptime(value[:19], "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None
    return parsed.replace(tzinfo=dt.UTC) if utc else parsed


def _comment(element: etree._Element, post_key: str) -> SourceComment:
    """One <wp:comment>; the e-mail and IP fields are never read."""
    kids = children(element)
    kind = text_of(kids, "comment_type").strip() or "comment"
    parent = text_of(kids, "comment_parent").strip()
    return SourceComment(
        id=text_of(kids, "comment_id").strip(),
        post_key=post_key,
        author=plain(text_of(kids, "comment_author")),
        website=text_of(kids, "comment_author_url").strip(),
        date=_wp_time(text_of(kids, "comment_date_gmt"), True)
        or _wp_time(text_of(kids, "comment_date"), False),
        parent="" if parent in ("", "0") else parent,
        html=text_of(kids, "comment_content"),
        state=APPROVAL.get(text_of(kids, "comment_approved").strip(), "pending"),
        kind=kind,
        line=element.sourceline,
    )


def _item(element: etree._Element, authors: dict[str, str]) -> SourcePost | Skipped:
    """One <item>: a post, page, attachment or other post type, with its comments."""
    kids = children(element)
    post_type = text_of(kids, "post_type").strip() or "post"
    title = plain(text_of(kids, "title"))
    if post_type in INTERNAL_TYPES:
        return Skipped(post_type, title, element.sourceline)
    key = text_of(kids, "post_id").strip()
    status = text_of(kids, "status").strip().lower()
    tags: list[str] = []
    for category in kids.get("category", []):
        name = plain(category.text or "")
        if category.get("nicename") == "uncategorized" or not name:
            continue  # WordPress's placeholder category, not a topic
        if category.get("domain") in ("category", "post_tag", None) and name not in tags:
            tags.append(name)
    login = plain(text_of(kids, "creator"))
    encoded = {
        etree.QName(e).namespace or "": e.text or "" for e in kids.get("encoded", [])
    }  # content:encoded and excerpt:encoded share a local name
    return SourcePost(
        key=key,
        kind=KINDS.get(post_type, "other"),
        post_type=post_type,
        title=title,
        slug=text_of(kids, "post_name").strip(),
        link=text_of(kids, "link").strip(),
        date=_wp_time(text_of(kids, "post_date_gmt"), True)
        or _wp_time(text_of(kids, "post_date"), False),
        status=status,
        published=status == "publish",
        author=authors.get(login, login),
        tags=tags,
        excerpt_html=next((v for ns, v in encoded.items() if "excerpt" in ns), ""),
        html=encoded.get("http://purl.org/rss/1.0/modules/content/", ""),
        comments=[_comment(c, key) for c in kids.get("comment", [])],
        attachment_url=text_of(kids, "attachment_url").strip(),
        parent_key=text_of(kids, "post_parent").strip().lstrip("0"),
        password=bool(text_of(kids, "post_password").strip()),
        line=element.sourceline,
    )


def read(path: Path) -> Iterator[SourcePost | Skipped | SiteInfo]:
    """Stream a WXR file: SiteInfo first, then one record per <item>."""
    authors: dict[str, str] = {}
    base = ""
    site_sent = False
    channel: etree._Element | None = None
    for event, element in stream(path):
        if event == "start":
            if element.tag == "channel":
                channel = element
            continue
        parent = element.getparent()
        if parent is not channel or channel is None:
            continue
        qname = etree.QName(element)
        if element.tag == "link" and not base:
            base = (element.text or "").strip()
        elif qname.localname == "base_blog_url" and str(qname.namespace).startswith(WP_PREFIX):
            base = base or (element.text or "").strip()
        elif qname.localname == "author" and str(qname.namespace).startswith(WP_PREFIX):
            kids = children(element)
            display = plain(text_of(kids, "author_display_name"))
            authors[plain(text_of(kids, "author_login"))] = display
            release(element)
        elif element.tag == "item":
            if not site_sent:
                site_sent = True
                yield _site(base)
            yield _item(element, authors)
            release(element)
    if not site_sent:
        yield _site(base)


def _site(base: str) -> SiteInfo:
    """The old blog's address and feeds; feed paths sit under the blog's own path."""
    prefix = urlsplit(base).path.rstrip("/")
    return SiteInfo(base_url=base, feed_paths=tuple(prefix + feed for feed in FEEDS))
