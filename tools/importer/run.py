"""The import pipeline: read the export, convert each record, stage the files, plan, apply."""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from tools.importer import blogger, media, wxr
from tools.importer.convert import html_to_markdown
from tools.importer.detect import detect, shown
from tools.importer.document import (
    choose_event,
    comment_id,
    comment_text,
    local_time,
    safe_website,
    slugify,
    writeup_text,
)
from tools.importer.model import (
    ImportFailed,
    Options,
    SiteInfo,
    Skipped,
    SourceComment,
    SourcePost,
)
from tools.importer.mojibake import repair_lines
from tools.importer.report import Report
from tools.importer.write import Stage, apply, plan

REDIRECTS = "redirects.toml"
REDIRECTS_HEAD = (
    "# Old addresses → where they live now. Each key is an old path on the site; each value is\n"
    "# a content file (writeups/…/x.md, pages/x.md) or a path of this site. The build writes a\n"
    "# redirect page at each old path plus _redirects and redirects.nginx.map (breakout_redirects).\n"
)
FEED_TARGETS = {
    "wordpress": ("feeds/all.rss.xml", "feeds/comments.rss.xml"),
    "blogger": ("feeds/all.atom.xml", "feeds/comments.atom.xml"),
}
NO_DATE = dt.datetime(2000, 1, 1)
# Statuses that mean "not published yet" in WordPress and Blogger; any other is reported.
DRAFT_STATUSES = ("draft", "pending", "private", "future", "auto-draft", "scheduled")


@dataclass
class _Thread:
    """What the orphan check needs about one post's comments."""

    ids: set[str] = field(default_factory=set)
    replies: list[tuple[str, str, str, int | None]] = field(default_factory=list)


class Importer:
    """One import run: holds only small indexes, never the export's text."""

    def __init__(
        self, path: Path, content: Path, options: Options, hashtags: Mapping[str, str]
    ) -> None:
        self.path, self.content, self.options, self.hashtags = path, content, options, hashtags
        self.name = shown(path)
        self.format = options.format or detect(path)
        self.report = Report(source=self.name, format=self.format, dry_run=options.dry_run)
        self.stage = Stage(content)
        self.slugs: set[str] = set()
        self.posts: dict[str, tuple[str, str]] = {}  # source key → (kind, slug)
        self.pending: list[SourceComment] = []  # Blogger comments seen before their post
        self.threads: dict[str, _Thread] = {}
        self.attachments: dict[str, str] = {}
        self.children: dict[str, list[str]] = {}
        self.deferred: list[SourcePost] = []
        self.redirects: dict[str, str] = {}
        self.images: dict[str, list[str]] = {}  # --media: staged file → old image URLs it shows
        self.site = SiteInfo("", ())

    def warn(self, line: int | None, message: str) -> None:
        """Report a warning at a line of the export."""
        self.report.warnings.append(f"{self.name}:{line or 1}: {message}")

    # --- records -------------------------------------------------------------------
    def run(self) -> Report:
        """Read, stage, plan and (unless a dry run) apply; the staging folder always goes."""
        try:
            reader = wxr.read if self.format == "wordpress" else blogger.read
            for record in reader(self.path):
                if isinstance(record, SiteInfo):
                    self.site = record
                elif isinstance(record, Skipped):
                    self.report.not_imported[f"{record.kind} entries"] += 1
                elif isinstance(record, SourceComment):
                    self.blogger_comment(record)
                else:
                    self.post(record)
            for post in self.deferred:
                self.post(post, deferred=True)
            for comment in self.pending:
                self.blogger_comment(comment, final=True)
            self.check_threads()
            self.stage_redirects()
            self.stage_media()
            counts = self.report.counts
            if not (counts["writeups"] or counts["pages"] or counts["comments"]):
                raise ImportFailed([f"{self.name}:1: the export holds no posts or pages"])
            result = plan(self.stage, self.content, force=self.options.force)
            self.report.plan = result
            if not self.options.dry_run:
                self.report.backups = apply(
                    self.stage, self.content, result, backups=self.content.parent / "import-backups"
                )
        finally:
            self.stage.discard()
        return self.report

    def post(self, post: SourcePost, deferred: bool = False) -> None:
        """A post, page, attachment or other item."""
        if not self.is_content(post):
            return
        if self.format == "wordpress" and "[gallery" in post.html and not deferred:
            self.deferred.append(post)  # its attachments may come later in the file
            return
        slug = self.slug_of(post)
        date = local_time(post.date, self.options.timezone)
        if date is None:
            self.warn(
                post.line, f"{post.kind} '{slug}' has no date: written as 2000-01-01, set Date"
            )
            date = local_time(NO_DATE, self.options.timezone)
        assert date is not None
        draft = self.is_draft(post, slug)
        body, summary = self.convert(post, slug)
        if post.kind == "page":
            rel = f"pages/{slug}.md"
            text = writeup_text(
                post, slug=slug, date=date, event="", draft=draft, summary="", body=body, page=True
            )
            self.report.counts["pages"] += 1
            self.skip_comments(post.comments, "comments on pages (pages take no comments)")
        else:
            choice = choose_event([post.title, body], post.tags, self.hashtags, self.options.event)
            if not choice.slug and choice.reason:
                self.warn(post.line, f"'{slug}' carries {choice.reason}: no event chosen")
            rel = f"writeups/{date.year}/{slug}.md"
            if not choice.slug:
                draft = True
                self.report.needs_event.append(rel)
            text = writeup_text(
                post,
                slug=slug,
                date=date,
                event=choice.slug,
                draft=draft,
                summary=summary,
                body=body,
            )
            self.report.counts["writeups"] += 1
            self.report.counts["drafts"] += int(draft)
        self.put(rel, text)
        if self.options.media:
            self.images[rel] = media.wanted(body, self.site.base_url or post.link)
        self.posts[post.key] = (post.kind, slug)
        if post.published:  # only addresses the public could have seen
            self.record_redirect(post, rel)
        if post.kind == "post":
            for comment in post.comments:
                self.comment(comment, slug)

    def is_content(self, post: SourcePost) -> bool:
        """Posts and pages are; attachments, other post types and trashed items are counted."""
        if post.kind == "attachment":
            if post.attachment_url:
                self.attachments[post.key] = post.attachment_url
                self.children.setdefault(post.parent_key, []).append(post.attachment_url)
                self.report.attachments.append(post.attachment_url)
            return False
        if post.kind == "other":
            self.report.not_imported[f"'{post.post_type}' items (custom post type)"] += 1
            self.skip_comments(post.comments, "comments on items not imported")
            return False
        if post.status in ("trash", "soft_trashed", "deleted", "inherit"):
            self.report.not_imported[f"{post.kind}s in the trash"] += 1
            self.skip_comments(post.comments, "comments on posts not imported")
            return False
        return True

    def slug_of(self, post: SourcePost) -> str:
        """The old slug, else one from the title, else kind and id; unique in this export."""
        if not post.title:
            self.warn(post.line, f"{post.kind} {post.key} has no title: written as 'Untitled'")
        slug = slugify(post.slug) or slugify(post.title) or f"{post.kind}-{comment_id(post.key)}"
        if slug in self.slugs:
            self.warn(
                post.line, f"slug '{slug}' is used twice: this {post.kind} gets '{slug}-{post.key}'"
            )
            slug = f"{slug}-{comment_id(post.key)}"
        self.slugs.add(slug)
        return slug

    def is_draft(self, post: SourcePost, slug: str) -> bool:
        """Anything but a plainly published, unprotected post stays a draft."""
        if post.password:
            self.warn(post.line, f"'{slug}' was password-protected: kept as a draft")
        elif not post.published and post.status not in DRAFT_STATUSES:
            self.warn(
                post.line, f"'{slug}' has status '{post.status}', not understood: kept as a draft"
            )
        return not post.published or post.password

    def convert(self, post: SourcePost, slug: str) -> tuple[str, str]:
        """The body as Markdown and the excerpt as one line; notes become warnings."""
        wordpress = self.format == "wordpress"
        notes: list[str] = []
        body = html_to_markdown(
            post.html,
            wordpress=wordpress,
            attachments=self.attachments,
            children=self.children.get(post.key, []),
            note=notes.append,
            base=post.link or self.site.base_url,
        ).markdown
        excerpt = html_to_markdown(post.excerpt_html, wordpress=wordpress, note=notes.append)
        for note in notes:
            self.warn(post.line, f"'{slug}': {note}")
        return body, " ".join(excerpt.markdown.split())

    def record_redirect(self, post: SourcePost, rel: str) -> None:
        """The old permalink's path → the new file (query-string addresses cannot be pages)."""
        if not post.link:
            return
        parts = urlsplit(post.link)
        if parts.query:
            if post.published:
                self.warn(
                    post.line, f"old address {post.link} has a query string: no redirect page"
                )
            return
        if parts.path and parts.path != "/":
            self.redirects.setdefault(unquote(parts.path), rel)

    # --- comments ------------------------------------------------------------------
    def skip_comments(self, comments: list[SourceComment], reason: str) -> None:
        """Count comments that have nowhere to go."""
        if comments:
            self.report.not_imported[reason] += len(comments)

    def blogger_comment(self, comment: SourceComment, final: bool = False) -> None:
        """A Blogger comment entry: filed under its post once the post is known."""
        known = self.posts.get(comment.post_key)
        if known is None:
            if final:
                self.report.not_imported["comments on posts not in the export"] += 1
                self.warn(
                    comment.line,
                    f"comment {comment.id} answers post {comment.post_key}, which is not in the export",
                )
            else:
                self.pending.append(comment)
            return
        kind, slug = known
        if kind == "page":
            self.skip_comments([comment], "comments on pages (pages take no comments)")
            return
        self.comment(comment, slug)

    def comment(self, comment: SourceComment, slug: str) -> None:
        """One comment of a write-up: published, removed, or counted as left out."""
        if comment.kind != "comment":
            self.report.not_imported["pingbacks and trackbacks"] += 1
            return
        if comment.state not in ("approved", "removed"):
            self.report.not_imported[f"{comment.state} comments"] += 1
            return
        cid = comment_id(comment.id)
        if not cid:
            self.warn(comment.line, "a comment without an id: not imported")
            self.report.not_imported["comments without an id"] += 1
            return
        notes: list[str] = []
        body = html_to_markdown(
            comment.html, wordpress=self.format == "wordpress", note=notes.append
        )
        for note in notes:
            self.warn(comment.line, f"comment {cid}: {note}")
        if comment.website and not safe_website(comment.website):
            self.warn(
                comment.line,
                f"comment {cid}: website {comment.website[:60]!r} is not http(s): left out",
            )
        parent = comment_id(comment.parent)
        date = local_time(comment.date, self.options.timezone)
        rel = f"comments/{slug}/{cid}.md"
        self.put(rel, comment_text(comment, replyto=parent, date=date, body=body.markdown))
        thread = self.threads.setdefault(slug, _Thread())
        thread.ids.add(cid)
        if parent:
            thread.replies.append((rel, cid, parent, comment.line))
        self.report.counts["comments"] += 1

    def check_threads(self) -> None:
        """A reply whose parent is not imported stays, at the top level, with a warning."""
        for thread in self.threads.values():
            for rel, cid, parent, line in thread.replies:
                if parent in thread.ids:
                    continue
                self.warn(
                    line,
                    f"comment {cid} answers comment {parent}, which is not in the export (or not published): kept at the top level",
                )
                text = self.stage.read(rel)
                head, _, body = text.partition("\n\n")
                head = "\n".join(x for x in head.split("\n") if not x.startswith("Replyto:"))
                self.stage.put(rel, head + "\n\n" + body)

    # --- files ---------------------------------------------------------------------
    def put(self, rel: str, text: str) -> None:
        """Stage a file after repairing its mojibake, reporting each repair by line."""
        fixed, repairs = repair_lines(text)
        for r in repairs:
            self.report.repairs.append(f"content/{rel}:{r.line}: {r.before!r} → {r.after!r}")
        self.stage.put(rel, fixed)

    def stage_media(self) -> None:
        """--media: fetch the old blog's images the write-ups show, stage them, point at them."""
        urls = sorted({url for found in self.images.values() for url in found})
        if not urls:
            return
        if self.options.dry_run:
            self.report.media_planned = urls
            return
        local: dict[str, str] = {}  # url → file under content/
        taken: set[str] = set()
        for got in media.fetch_all(urls):
            if isinstance(got, media.NotFetched):
                self.report.media_left.append(f"{got.url}: {got.reason}")
                continue
            rel = got.rel if got.rel not in taken else media.distinct(got.rel, got.url)
            taken.add(rel)
            self.stage.put_bytes(rel, got.image.data)  # staged now: the bytes are not kept
            local[got.url] = rel
            self.report.media_fetched.append(rel)
            if got.image.removed:
                self.report.media_cleaned.append(f"content/{rel}: {', '.join(got.image.removed)}")
            if not got.image.checked:
                self.report.media_unchecked.append(f"content/{rel}")
        for rel, found in sorted(self.images.items()):
            if any(url in local for url in found):
                self.stage.put(rel, media.rewrite(self.stage.read(rel), local))
        self.report.attachments = [u for u in self.report.attachments if u not in local]

    def stage_redirects(self) -> None:
        """Add the new old addresses to content/redirects.toml, keeping every existing line."""
        rss, comments = FEED_TARGETS[self.format]
        for path, target in zip(self.site.feed_paths, (rss, comments), strict=False):
            self.redirects.setdefault(path, target)
        path = self.content / REDIRECTS
        existing = path.read_text(encoding="utf-8") if path.exists() else REDIRECTS_HEAD
        try:
            known = tomllib.loads(existing)
        except tomllib.TOMLDecodeError as exc:
            raise ImportFailed(
                [f"{shown(path)}: cannot add redirects, the file is not valid TOML: {exc}"]
            ) from None
        from breakout_redirects.core import page_file  # plugins/ is on the path by now (cli)

        added = []
        for old, new in sorted(self.redirects.items()):
            if old in known:
                continue
            taken = self.options.taken.get(page_file(old))
            if taken is not None:
                self.report.warnings.append(
                    f"{self.name}: old address {old} is already {taken} on this site:"
                    f" no redirect to {new}"
                )
            else:
                added.append(f"{_quote(old)} = {_quote(new)}")
        self.report.redirects_added = len(added)
        if added or not path.exists():
            text = existing.rstrip("\n") + "\n" + "\n".join(added) + "\n"
            self.stage.put(REDIRECTS, text)
            self.stage.merged.add(REDIRECTS)


def _quote(value: str) -> str:
    """A TOML basic string."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def event_hashtags(events: Mapping[str, object]) -> dict[str, str]:
    """{lower-cased hashtag: event slug} from parsed EventRecords."""
    out: dict[str, str] = {}
    for slug, record in sorted(events.items()):
        for tag in getattr(record, "hashtags", ()):
            out.setdefault(str(tag).lstrip("#").lower(), slug)
    return out


def run_import(path: Path, content: Path, options: Options, events: Mapping[str, object]) -> Report:
    """Import one export into `content`; ImportFailed (with file:line lines) when it cannot."""
    if options.event and options.event not in events:
        known = ", ".join(sorted(events)) or "none"
        raise ImportFailed([f"--event: unknown event '{options.event}' (known: {known})"])
    if options.format and options.format not in ("wordpress", "blogger"):
        raise ImportFailed([f"--format must be wordpress or blogger, not '{options.format}'"])
    if not path.is_file():
        if str(path).startswith("-"):  # invoke takes `invoke import --help` as the file "--help"
            raise ImportFailed(
                [
                    f"'{path}' looks like an option: give the export file first"
                    " (invoke import EXPORT.xml), or see invoke --help import"
                ]
            )
        raise ImportFailed([f"{shown(path)}: no such file"])
    return Importer(path, content, options, event_hashtags(events)).run()
