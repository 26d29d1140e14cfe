"""Allow-list sanitiser for comment HTML: comment bodies are written by strangers."""

from __future__ import annotations

import re

import nh3

TAGS = frozenset(
    {
        "p",
        "br",
        "a",
        "em",
        "strong",
        "code",
        "pre",
        "blockquote",
        "ul",
        "ol",
        "li",
        "del",
        "sup",
        "sub",
    }
)
ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
# Only the text engine's own link classes survive, so its mention/hashtag links keep their look.
CLASSES = {"a": {"mention", "hashtag", "event-tag"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener"
# Dropped with their content (the other disallowed tags are unwrapped and keep their text).
DROP_WITH_CONTENT = frozenset(
    {
        "script", "style", "iframe", "object", "embed", "svg", "math", "noscript", "template",
        "textarea", "select", "title", "xmp", "noembed", "noframes", "frameset", "applet",
    }
)  # fmt: skip

_SPACE = re.compile(r"[\s\x00-\x1f\x7f]")


def _filter(tag: str, attr: str, value: str) -> str | None:
    """Drop any href with whitespace or control characters: no honest link has them, and
    Markdown turns "java<TAB>script:" into "java   script:", which only a lenient reader
    would take for a scheme."""
    if attr == "href" and _SPACE.search(value):
        return None
    return value


# One cleaner for the whole process: building it compiles the policy once.
_cleaner = nh3.Cleaner(
    tags=set(TAGS),
    clean_content_tags=set(DROP_WITH_CONTENT),
    attributes={tag: set(attrs) for tag, attrs in ATTRIBUTES.items()},
    allowed_classes={tag: set(names) for tag, names in CLASSES.items()},
    url_schemes=set(URL_SCHEMES),
    link_rel=LINK_REL,
    strip_comments=True,
    attribute_filter=_filter,
)


def sanitize_html(html: str) -> str:
    """Keep only the safe tags, attributes, classes and URL schemes of an HTML fragment."""
    return _cleaner.clean(html)
