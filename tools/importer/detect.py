"""Which export a file is, and the one safe, streaming way to read it.

Every read goes through `stream()`: lxml's iterparse with entity resolution, DTD loading
and the network off, and a refusal of any document type declaration (no export has one;
its entities are how XML bombs and external-entity reads work). Parse errors become
`file:line: message` lines, never a traceback.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from tools.importer.model import ImportFailed

ATOM = "http://www.w3.org/2005/Atom"
WP_PREFIX = "http://wordpress.org/export/"
BLOGGER_2018 = "http://schemas.google.com/blogger/2018"
WHAT = "expected a WordPress export (WXR, from Tools → Export) or a Blogger export (Atom)"


def shown(path: Path) -> str:
    """The path as messages show it: relative to the working folder when inside it."""
    try:
        return os.path.relpath(path) if not os.path.relpath(path).startswith("..") else str(path)
    except ValueError:
        return str(path)


def _doctype_line(path: Path) -> int:
    """The line of `<!DOCTYPE` in the file's prolog (1 when it cannot be found)."""
    with open(path, "rb") as handle:
        head = handle.read(1 << 16)
    at = head.find(b"<!DOCTYPE")
    return head.count(b"\n", 0, at) + 1 if at >= 0 else 1


def _complete(path: Path) -> bool:
    """Whether the file ends with an export's closing tag (a cut-off download does not)."""
    with open(path, "rb") as handle:
        handle.seek(max(0, path.stat().st_size - 512))
        tail = handle.read().strip()
    return tail.endswith((b"</rss>", b"</feed>"))


def _explain(exc: etree.XMLSyntaxError, path: Path) -> str:
    """A parser message in words an author can act on."""
    message = re.sub(r", line \d+, column \d+$", "", (exc.msg or str(exc)).strip())
    if "Document is empty" in message or "Start tag expected" in message:
        return f"not an XML file ({message}); {WHAT}"
    if "huge" in message.lower():
        return f"a single text over the parser's 10 MB safety limit ({message})"
    if not _complete(path):
        return f"the file ends too early, probably a cut-off download ({message}); export it again"
    return f"invalid XML: {message}"


def stream(path: Path) -> Iterator[tuple[str, etree._Element]]:
    """Yield (event, element) for 'start' and 'end' events, refusing anything unsafe."""
    name = shown(path)
    try:
        events = etree.iterparse(
            str(path),
            events=("start", "end"),
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
            remove_comments=True,
            remove_pis=True,
        )
        first = True
        for event, element in events:
            if first:
                first = False
                if element.getroottree().docinfo.internalDTD is not None:
                    raise ImportFailed(
                        [
                            f"{name}:{_doctype_line(path)}: the file declares a document type "
                            "(<!DOCTYPE …>) with entities; no export does, and that is how XML "
                            "bombs work: refused"
                        ]
                    )
            yield event, element
    except etree.XMLSyntaxError as exc:
        raise ImportFailed([f"{name}:{exc.lineno or 1}: {_explain(exc, path)}"]) from None
    except OSError as exc:
        raise ImportFailed([f"{name}: cannot read the file: {exc.strerror or exc}"]) from None


def detect(path: Path) -> str:
    """'wordpress' or 'blogger', from the first elements of the file; ImportFailed otherwise."""
    name = shown(path)
    root: etree._Element | None = None
    for event, element in stream(path):
        if root is None:
            root = element
            tag = etree.QName(element)
            namespaces = set(element.nsmap.values())
            if tag.localname == "rss" and tag.namespace is None:
                if any(str(ns).startswith(WP_PREFIX) for ns in namespaces):
                    return "wordpress"
                raise ImportFailed(
                    [f"{name}:{element.sourceline}: an RSS feed without WordPress's wp: "
                     f"namespace, not a WordPress export; {WHAT}"]
                )  # fmt: skip
            if tag.namespace == ATOM and tag.localname == "feed":
                if BLOGGER_2018 in namespaces:
                    return "blogger"
                continue
            raise ImportFailed(
                [f"{name}:{element.sourceline}: the document is <{tag.localname}>; {WHAT}"]
            )
        if event != "end" or element.getparent() is not root:
            continue
        if element.tag == f"{{{ATOM}}}id" and "blogger.com" in (element.text or ""):
            return "blogger"
        if element.tag == f"{{{ATOM}}}generator" and "blogger" in (element.text or "").lower():
            return "blogger"
        if element.tag == f"{{{ATOM}}}entry":
            raise ImportFailed(
                [f"{name}:{element.sourceline}: an Atom feed, but not from Blogger; {WHAT}"]
            )
    raise ImportFailed([f"{name}:1: no entries found; {WHAT}"])
