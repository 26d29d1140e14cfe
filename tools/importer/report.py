"""What an import did (or would do), as the lines `invoke import` prints."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from tools.importer.write import Plan


@dataclass
class Report:
    """Everything an author needs to finish the move, gathered while importing."""

    source: str
    format: str
    counts: Counter[str] = field(default_factory=Counter)  # writeups, drafts, pages, comments
    not_imported: Counter[str] = field(default_factory=Counter)  # what was left out, by reason
    needs_event: list[str] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)
    media_fetched: list[str] = field(default_factory=list)  # --media: files under content/
    media_left: list[str] = field(default_factory=list)  # --media: "url: why not fetched"
    media_cleaned: list[str] = field(default_factory=list)  # --media: "file: metadata left out"
    media_unchecked: list[str] = field(default_factory=list)  # --media: files kept as fetched
    media_planned: list[str] = field(default_factory=list)  # --media --dry-run: the URLs
    warnings: list[str] = field(default_factory=list)
    repairs: list[str] = field(default_factory=list)
    redirects_added: int = 0
    plan: Plan | None = None
    backups: list[str] = field(default_factory=list)
    dry_run: bool = False

    def lines(self) -> list[str]:
        """The report, one printed line each."""
        c = self.counts
        out = [
            f"{'Would import' if self.dry_run else 'Imported'} {self.source} ({self.format}): "
            f"{c['writeups']} write-ups ({c['drafts']} drafts), {c['pages']} pages, "
            f"{c['comments']} comments"
        ]
        if self.plan is not None:
            p = self.plan
            verb = " (would be)" if self.dry_run else ""
            out.append(
                f"  files{verb}: {len(p.new)} new, {len(p.updated)} updated, "
                f"{len(p.unchanged)} unchanged, {len(p.edited) + len(p.foreign)} kept, "
                f"{len(p.forced)} overwritten after a backup, "
                f"{len(p.deleted)} deleted since the import (not recreated)"
            )
            for rel in p.edited:
                out.append(
                    f"  kept content/{rel}: edited since the import (--force overwrites it after a backup)"
                )
            for rel in p.foreign:
                out.append(
                    f"  kept content/{rel}: a file of yours has this name "
                    "(--force overwrites it after a backup)"
                )
            for rel in p.deleted:
                out.append(f"  not recreated content/{rel}: deleted since the import")
            if self.dry_run:
                out += [f"  would write content/{rel}" for rel in p.writes]
        out += [f"  backup {path}" for path in self.backups]
        out += section(
            "Drafts without an event (add Event and Session, then remove Status: draft):",
            [f"content/{rel}" for rel in self.needs_event],
        )
        if self.not_imported:
            listed = ", ".join(f"{n} {what}" for what, n in sorted(self.not_imported.items()))
            out.append(f"Not imported: {listed}")
        if self.media_fetched:
            out.append(
                f"Images fetched from the old site: {len(self.media_fetched)}, "
                "into content/images/imported/ (the write-ups point at them)"
            )
        out += section(
            "Image metadata left out (the pictures are unchanged; orientation and colour"
            " profile kept):",
            self.media_cleaned,
        )
        out += section(
            "Images kept with their metadata (AVIF: check them before publishing):",
            self.media_unchecked,
        )
        out += section(
            "Images that would be fetched from the old site (--media):", self.media_planned
        )
        out += section(
            "Images not fetched (the write-ups still show them from the old site):",
            self.media_left,
        )
        out += section(
            "Attachments (media files: fetch them from the old site if you want them):",
            self.attachments,
        )
        if self.redirects_added:
            out.append(
                f"Redirects: {self.redirects_added} old addresses added to content/redirects.toml"
            )
        out += section("Mojibake repaired:", self.repairs)
        out += section("Warnings:", self.warnings)
        return out


def section(heading: str, items: list[str]) -> list[str]:
    """A heading and its items indented under it; nothing at all when there are none."""
    return [heading, *(f"  {item}" for item in items)] if items else []
