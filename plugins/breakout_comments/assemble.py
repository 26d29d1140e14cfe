"""Turn every parsed comment of a site into threads per write-up, with every problem named."""

from __future__ import annotations

import difflib
import os
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace

from .model import Comment, CommentSource, Problem, Rendered
from .thread import Thread, dedupe, in_order, natural_key, thread

KNOWN_SHOWN = 10  # ids listed in a "names no comment" message before "…"


@dataclass
class Assembly:
    """Threads by write-up slug, the problems found, and the comments kept out of pages."""

    threads: dict[str, Thread] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    kept_out: list[CommentSource] = field(default_factory=list)


def to_comment(item: Rendered, replyto: str, duplicates: list[str]) -> Comment:
    """The page-facing Comment for a rendered file (url, person and article are set by the glue)."""
    s = item.source
    return Comment(
        id=s.id,
        article_slug=s.article_slug,
        author=s.author,
        handle=s.handle,
        website=s.website,
        date=s.date,
        status=s.status,
        replyto=replyto,
        body_html=item.body_html,
        anchor=f"comment-{s.id}",
        mentions=list(item.mentions),
        hashtags=list(item.hashtags),
        erased=list(item.erased),
        duplicates=duplicates,
        source_path=s.path,
    )


def _known(ids: Collection[str]) -> str:
    """A short sorted list of ids for a message."""
    ordered = sorted(ids, key=natural_key)
    text = ", ".join(ordered[:KNOWN_SHOWN]) + (", …" if len(ordered) > KNOWN_SHOWN else "")
    return text or "none"


def _as_warnings(problems: Sequence[Problem]) -> list[Problem]:
    """An orphaned comment never reaches a page, so its problems cannot break one."""
    return [replace(p, error=False) for p in problems]


def _missing_writeup(
    slug: str, slugs: Collection[str], unreadable: Collection[str]
) -> tuple[str, str]:
    """Why a folder's write-up is not there, and what to do about it."""
    if slug in unreadable:
        return f"write-up '{slug}' could not be read (see its error)", "its comments are not shown"
    close = difflib.get_close_matches(slug, sorted(slugs), n=1, cutoff=0.6)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return f"no write-up has slug '{slug}'{hint}", (
        "comments live in comments/<write-up slug>/, so rename the folder to the write-up's "
        "slug, or add 'Orphaned: yes' to keep this comment out of pages"
    )


def _keep_out(r: Rendered, message: str, out: Assembly) -> None:
    """An orphaned comment: its problems become warnings, one more says why, and it shows nowhere."""
    s = r.source
    out.problems.extend(_as_warnings(r.problems))
    out.problems.append(Problem(s.path, s.lines.get("orphaned"), message, error=False))
    out.kept_out.append(s)


def _assemble_one(slug: str, items: list[Rendered], out: Assembly) -> None:
    """Check Replyto, collapse duplicates and thread the comments of one existing write-up."""
    shown = {r.source.id: r for r in items if not r.source.orphaned}
    orphans = {r.source.id for r in items if r.source.orphaned}
    replyto: dict[str, str] = {}
    for r in items:
        s = r.source
        if s.orphaned:
            _keep_out(
                r,
                f"marked 'Orphaned: yes' but write-up '{slug}' exists; it is kept out of the "
                "page: remove the Orphaned line to show it",
                out,
            )
            continue
        out.problems.extend(r.problems)
        replyto[s.id] = s.replyto
        if not s.replyto or s.replyto in shown:
            continue
        replyto[s.id] = ""  # shown as a top-level comment rather than dropped
        line = s.lines.get("replyto")
        if s.replyto in orphans:
            message = (
                f"Replyto '{s.replyto}' names a comment marked 'Orphaned: yes' (kept out of pages); "
                "mark this one 'Orphaned: yes' too, or remove the Replyto line"
            )
        else:
            others = [i for i in shown if i != s.id]
            message = (
                f"Replyto '{s.replyto}' names no comment of '{slug}' (known: {_known(others)})"
            )
        out.problems.append(Problem(s.path, line, message))

    kept, collapsed = dedupe([r.source for r in shown.values()])
    merged_into: dict[str, str] = {}
    duplicates: dict[str, list[str]] = {}
    for group in collapsed:
        ids = [d.id for d in group.dropped]
        duplicates[group.kept.id] = ids
        merged_into.update(dict.fromkeys(ids, group.kept.id))
        names = ", ".join(os.path.basename(d.path) for d in group.dropped)
        out.problems.append(
            Problem(
                group.kept.path,
                None,
                f"{len(ids) + 1} identical comments by '{group.kept.author}' are shown once, as "
                f"{os.path.basename(group.kept.path)}; collapsed {names} (files kept; delete the "
                "copies to silence this)",
                error=False,
            )
        )
    comments = []
    for source in kept:
        parent = merged_into.get(replyto[source.id], replyto[source.id])
        comments.append(to_comment(shown[source.id], parent, duplicates.get(source.id, [])))
    threaded = thread(comments)
    for cut, ids in threaded.loops:
        out.problems.append(
            Problem(
                cut.source_path,
                shown[cut.id].source.lines.get("replyto"),
                f"Replyto '{shown[cut.id].source.replyto}' makes a loop ({' → '.join(ids)}); "
                "shown as a top-level comment: fix one of these Replyto lines",
            )
        )
    out.threads[slug] = threaded


def assemble(
    items: Sequence[Rendered],
    slugs: Collection[str],
    *,
    unreadable: Collection[str] = (),
) -> Assembly:
    """Group comments by write-up, report every problem, and thread what can be shown."""
    out = Assembly()
    by_slug: dict[str, list[Rendered]] = {}
    seen: dict[tuple[str, str], str] = {}
    for r in sorted(items, key=lambda r: r.source.path):
        s = r.source
        first = seen.setdefault((s.article_slug, s.id), s.path)
        if first != s.path:
            out.problems.append(
                Problem(
                    s.path,
                    None,
                    f"comment id '{s.id}' is also used by {os.path.basename(first)}; rename one "
                    "of the files (the id is the file name without extension)",
                )
            )
            continue
        by_slug.setdefault(s.article_slug, []).append(r)
    for slug in sorted(by_slug):
        items_of_slug = by_slug[slug]
        if slug in slugs:
            _assemble_one(slug, items_of_slug, out)
            continue
        why, todo = _missing_writeup(slug, slugs, unreadable)
        for r in items_of_slug:
            s = r.source
            if s.orphaned:
                _keep_out(r, f"kept out of pages (Orphaned: yes): {why}", out)
            else:
                out.problems.extend(r.problems)
                out.problems.append(Problem(s.path, None, f"{why}: {todo}", slug not in unreadable))
    out.kept_out = in_order(out.kept_out)
    return out
