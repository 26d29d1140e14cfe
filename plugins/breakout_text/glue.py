"""Pelican receivers for breakout_text: validate BREAKOUT_TEXT, put the extension in MARKDOWN."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from itertools import chain
from typing import Any

from breakout_content.glue import ARTICLE_LISTS, PAGE_LISTS
from breakout_kernel import build, errors
from breakout_kernel.data import load_site_data
from breakout_kernel.handles import NETWORKS
from breakout_kernel.identity import Identity, Mention, TagRef, use
from breakout_kernel.settings import Option, is_type, one_of

from . import erasure as erasure_mod
from .api import is_text_extension
from .erasure import Erasure, erasure_for
from .mdext import BreakoutTextExtension

SCHEMA = {
    # Network of a bare @handle (one without @host or a dot).
    "DEFAULT_NETWORK": Option("twitter", one_of(*NETWORKS), "'twitter', 'mastodon' or 'bluesky'"),
    # Server of a bare @handle when DEFAULT_NETWORK is 'mastodon', e.g. 'mastodon.social'.
    "MASTODON_HOST": Option("", is_type(str), "a host name such as 'mastodon.social'"),
}


@dataclass
class ErasureState:
    """This build's erasure pass: the identity service, the write-ups' generator, then the Erasure."""

    identity: Identity | None = None
    articles: Any = None  # the ArticlesGenerator, kept until the pages are read
    erasure: Erasure | None = None


def _part(settings: dict[str, Any]) -> ErasureState:
    """This build's ErasureState (a throwaway one outside a build)."""
    this = build.current(settings)
    return this.part(ErasureState) if this is not None else ErasureState()


def on_initialized(pelican: Any) -> None:
    """Validate BREAKOUT_TEXT and BREAKOUT_OPTOUT, make this build's identity service, add the extension."""
    settings = pelican.settings
    optout_options(settings)  # checked before anything is read
    options = build.options(settings, "BREAKOUT_TEXT", SCHEMA)
    if options["DEFAULT_NETWORK"] == "mastodon" and "." not in options["MASTODON_HOST"]:
        errors.log.error(
            "pelicanconf: BREAKOUT_TEXT['MASTODON_HOST'] must name a server (e.g. "
            "'mastodon.social') when DEFAULT_NETWORK is 'mastodon'"
        )
    identity = Identity.from_settings(
        {**settings, "BREAKOUT_TEXT": options}, load_site_data(settings)
    )
    use(settings, identity)  # the one service of this build: comments and the index ask it too
    _part(settings).identity = identity
    for path, line, message in identity.problems:
        errors.report(path, line, message)
    config = dict(settings.get("MARKDOWN") or {})
    # A fresh list every build: tests build many sites in one process, and a service
    # belongs to one build's settings and data files.
    extensions = [ext for ext in config.get("extensions", []) if not is_text_extension(ext)]
    extensions.append(BreakoutTextExtension(identity))
    config["extensions"] = extensions
    settings["MARKDOWN"] = config


# ---------------------------------------------------------------- erasure (optout = true)

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
    identity, articles = state.identity, state.articles
    state.articles = None
    if identity is None or not identity.unnamed():
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
    _forget_rendered({id(c) for c in (*writeups, *pages)})


def _forget_rendered(ids: set[int]) -> None:
    """Drop Pelican's memoised content and summary of erased objects (they would show the old text)."""
    from pelican.contents import Content

    for memo in (Content.get_content, Content.get_summary):
        cache = memo.cache  # type: ignore[attr-defined]
        for key in [k for k in cache if k and id(k[0]) in ids]:
            del cache[key]


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
    meta["hashtags"] = _topics(meta.get("hashtags") or (), erasure)
    meta["mentions"] = [_finding(f, erasure) for f in meta.get("mentions") or ()]
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
    comment.mentions = [_finding(f, erasure) for f in comment.mentions]
    comment.hashtags = _topics(comment.hashtags, erasure)
    comment.erased = []
