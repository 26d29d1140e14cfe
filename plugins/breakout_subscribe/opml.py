"""OPML 2.0 (http://opml.org/spec2.opml) subscription lists, written with lxml."""

from __future__ import annotations

from collections.abc import Iterable

from lxml import etree

from .model import FeedGroup


def _feed_outlines(parent: etree._Element, group: FeedGroup) -> None:
    """One type="rss" outline per feed of the group (OPML's type for any feed format)."""
    for feed in group.feeds:
        etree.SubElement(
            parent,
            "outline",
            type="rss",
            text=feed.title,
            title=feed.title,
            xmlUrl=feed.main,
            htmlUrl=feed.page,
        )


def opml(title: str, owner_page: str, groups: Iterable[FeedGroup], *, nested: bool) -> bytes:
    """The OPML document: each group as a folder outline (nested) or its feeds flat."""
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = title
    etree.SubElement(head, "docs").text = "http://opml.org/spec2.opml"
    etree.SubElement(head, "ownerId").text = owner_page  # where this list is explained
    body = etree.SubElement(root, "body")
    for group in groups:
        if not group.feeds:
            continue
        if nested:
            folder = etree.SubElement(body, "outline", text=group.title, title=group.title)
            _feed_outlines(folder, group)
        else:
            _feed_outlines(body, group)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
