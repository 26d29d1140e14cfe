"""Pelican receivers of the opt-out: the erasure pass over write-ups, pages and comments.

People with `optout = true` (Identity.is_named says no) are replaced, in memory and never
in the sources, by BREAKOUT_OPTOUT's wording before the feeds and index generators run;
erasure.py is the pure part (which strings, and text and HTML without them).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from itertools import chain
from typing import Any

from breakout_content.glue import ARTICLE_LISTS, PAGE_LISTS
from breakout_kernel import build
from breakout_kernel.identity import Identity, Mention, TagRef, for_site
from breakout_kernel.writing import forget_rendered

from . import erasure as erasure_mod
from .erasure import Erasure, erasure_for


@dataclass
class ErasureState:
    """This build's erasure pass: the write-ups' generator, then the Erasure."""

    articles: Any = None  # the ArticlesGenerator, kept until the pages are read
    erasure: Erasure | None = None


def _part(settings: dict[str, Any]) -> ErasureState:
    """This build's ErasureState (a throwaway one outside a build)."""
    this = build.current(settings)
    return this.part(ErasureState) if this is not None else ErasureState()


# Metadata that is structure, not prose: never rewritten (see README, "what it does not do").
STRUCTURAL = frozenset(
    {"slug", "date", "modified", "event", "status", "id", "template", "lang", "comments",
     "save_as", "url", "category", "tags", "translation", "mentions", "hashtags", "erased",
     "author", "authors", "session_leader", "summary"}
)  # fmt: skip


def current_erasure(settings: dict[str, Any]) -> Erasure | None:
    """This build's Erasure once the pages are read (None before, or when nobody opted out)."""
    return _part(settings).erasure


def optout_options(settings: dict[str, Any]) -> dict[str, Any]:
    """This build's validated BREAKOUT_OPTOUT (the wording stands for nobody in the index)."""
    return build.options(settings, "BREAKOUT_OPTOUT", erasure_mod.SCHEMA)


def on_article_generator_finalized(generator: Any) -> None:
    """Keep the write-ups' generator: they are erased with the pages once those are read."""
    _part(generator.settings).articles = generator


def _contents(generator: Any, lists: Iterable[str]) -> Iterator[Any]:
    return chain.from_iterable(getattr(generator, name, ()) for name in lists)


def on_page_generator_finalized(generator: Any) -> None:
    """Erase people who opted out from every write-up, page and comment, before any is indexed or written."""
    state = _part(generator.settings)
    articles, state.articles = state.articles, None
    identity = for_site(generator.settings)  # the build's one service (breakout_text made it)
    if not identity.unnamed():
        return
    writeups = list(_contents(articles, ARTICLE_LISTS)) if articles is not None else []
    pages = list(_contents(generator, PAGE_LISTS))
    comments = list({id(c): c for a in writeups for c in getattr(a, "comment_list", ())}.values())
    findings = chain(
        chain.from_iterable(c.metadata.get("erased", ()) for c in (*writeups, *pages)),
        chain.from_iterable(getattr(c, "erased", ()) for c in comments),
    )
    erasure = erasure_for(identity, optout_options(generator.settings), findings)
    state.erasure = erasure
    for content in (*writeups, *pages):
        erase_content(content, erasure, identity)
    for comment in comments:
        erase_comment(comment, erasure, identity)
    for article in writeups:
        if hasattr(article, "comment_list"):
            article.comment_count = sum(1 for c in article.comment_list if not c.removed)
    shown = generator.context.get("breakout_comments")
    if shown is not None:
        generator.context["breakout_comments"] = [c for c in shown if not c.removed]
    # Pelican's memoised HTML and summaries would show the old text.
    forget_rendered((*writeups, *pages))


def on_article_patched(article: Any, settings: dict[str, Any]) -> None:
    """Erase people who opted out from a write-up whose text a kept build has read again."""
    erasure = _part(settings).erasure
    if erasure is not None:
        erase_content(article, erasure, for_site(settings))


def _names_them(text: str, erasure: Erasure, identity: Identity) -> bool:
    """Is this author, leader or handle (as written) one of the people who opted out?"""
    text = " ".join(text.split())
    if text.startswith("@") and not identity.is_named(identity.ref(text).slug):
        return True
    return erasure.is_them(text)


def _person_text(text: str, erasure: Erasure, identity: Identity) -> str:
    """A name as written: the wording when it is one of them, else with their strings replaced."""
    return erasure.wording if _names_them(text, erasure, identity) else erasure.text(text)


def erase_content(content: Any, erasure: Erasure, identity: Identity) -> None:
    """Replace every string naming them in one write-up or page: body, title, summary, metadata."""
    meta = content.metadata
    content._content = erasure.html(content._content)
    if "summary" in meta:
        meta["summary"] = erasure.html(str(meta["summary"]))
        content._summary = meta["summary"]
    for key, value in list(meta.items()):
        if key in STRUCTURAL or not isinstance(value, str):
            continue
        new = erasure.text(value)
        if new != value:
            meta[key] = new
            if not isinstance(getattr(type(content), key, None), property):
                setattr(content, key, new)
    if "session_leader" in meta:
        parts = [p.strip() for p in str(meta["session_leader"]).split(",")]
        leaders = ", ".join(_person_text(p, erasure, identity) for p in parts if p)
        meta["session_leader"] = content.session_leader = leaders
    _erase_authors(content, erasure, identity)
    tags = getattr(content, "tags", None)
    if tags and any(erasure.is_them(str(t)) for t in tags):
        content.tags = meta["tags"] = [t for t in tags if not erasure.is_them(str(t))]
    if "hashtags" in meta:
        meta["hashtags"] = _topics(meta["hashtags"], erasure)
    if "mentions" in meta:
        meta["mentions"] = _mentions(meta["mentions"], erasure)
    meta.pop("erased", None)


def _erase_authors(content: Any, erasure: Erasure, identity: Identity) -> None:
    """Authors who opted out become the wording; others keep their name with strings replaced."""
    authors = list(getattr(content, "authors", None) or ())
    names = [str(getattr(a, "name", a)) for a in authors]
    new = [_person_text(n, erasure, identity) for n in names]
    if new == names:
        return
    from pelican.urlwrappers import Author

    wrapped = [Author(n, content.settings) for n in new]
    content.authors = content.metadata["authors"] = wrapped
    content.author = content.metadata["author"] = wrapped[0]


def _finding(finding: Mention, erasure: Erasure) -> Mention:
    """A mention finding whose sentence and learnt name no longer name them."""
    sentence = erasure.text(finding.sentence)
    hint = erasure.text(finding.name_hint)
    if sentence == finding.sentence and hint == finding.name_hint:
        return finding
    return replace(finding, sentence=sentence, name_hint=hint)


def _mentions(findings: Iterable[Mention], erasure: Erasure) -> list[Mention]:
    """Mention findings without those of a handle that is one of them, sentences rewritten.

    The identity service takes @theirhandle@another.host for someone else; the erasure
    does not: it counts as them, so no page is made for it.
    """
    return [_finding(f, erasure) for f in findings if not erasure.is_them("@" + f.person.handle)]


def _topics(findings: Iterable[TagRef], erasure: Erasure) -> list[TagRef]:
    """Hashtag findings without those that are one of them (#robinvale makes no topic page)."""
    return [f for f in findings if not erasure.is_them(f.tag)]


def erase_comment(comment: Any, erasure: Erasure, identity: Identity) -> None:
    """A comment by them: anonymous (or hidden), no Website; any comment: their strings replaced."""
    handle = str(comment.handle or "")
    by_them = (
        comment.person in erasure.slugs
        or (bool(handle) and _names_them("@" + handle.lstrip("@"), erasure, identity))
        or _names_them(str(comment.author or ""), erasure, identity)
    )
    if by_them:
        comment.author = erasure.comment_author
        comment.handle = comment.website = comment.person = comment.person_url = ""
        if erasure.comments == "hidden":
            comment.status = "removed"
            comment.body_html = ""
            comment.mentions, comment.hashtags = [], []
    else:
        comment.author = erasure.text(str(comment.author or ""))
        if erasure.names_someone(handle):
            comment.handle = ""
        if erasure.names_someone(str(comment.website or "")):
            comment.website = ""
    comment.body_html = erasure.html(comment.body_html)
    comment.mentions = _mentions(comment.mentions, erasure)
    comment.hashtags = _topics(comment.hashtags, erasure)
    comment.erased = []
