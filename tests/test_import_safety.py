"""Re-imports, edits, --force, --dry-run, and every kind of bad input: exact transcripts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import build_site, project_folder
from import_helpers import FIXTURES, ROOT, new_site, run, snapshot

POST = "writeups/2011/police-social-media-ukgc11.md"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    return new_site(tmp_path)


def test_dry_run_writes_nothing_and_says_what_it_would(content: Path) -> None:
    before = snapshot(content.parent)
    status, out, _ = run("wordpress-1.2.xml", content, dry_run=True)
    assert status == 0
    assert out.startswith("Would import tests/fixtures/import/wordpress-1.2.xml (wordpress)")
    assert f"  would write content/{POST}" in out.splitlines()
    assert snapshot(content.parent) == before


def test_edited_file_is_kept_and_force_backs_it_up(content: Path) -> None:
    run("wordpress-1.2.xml", content)
    edited = content / POST
    edited.write_text(edited.read_text().replace("Tags: police", "Tags: policing"))
    status, out, _ = run("wordpress-1.2.xml", content)
    assert status == 0
    assert (
        f"  kept content/{POST}: edited since the import (--force overwrites it after a backup)"
        in out
    )
    assert "Tags: policing" in edited.read_text()
    status, out, _ = run("wordpress-1.2.xml", content, force=True)
    assert status == 0 and "1 overwritten after a backup" in out
    assert "Tags: police, social media" in edited.read_text()
    backups = list((content.parent / "import-backups").rglob("*.md"))
    assert [b.relative_to(content.parent / "import-backups").parts[1:] for b in backups] == [
        tuple(POST.split("/"))
    ]
    assert "Tags: policing" in backups[0].read_text()
    # After --force the file matches the ledger again: the next import is a no-op.
    before = snapshot(content)
    run("wordpress-1.2.xml", content)
    assert snapshot(content) == before


def test_deleted_file_is_not_recreated(content: Path) -> None:
    run("wordpress-1.2.xml", content)
    (content / "comments/police-social-media-ukgc11/103.md").unlink()
    _status, out, _ = run("wordpress-1.2.xml", content)
    assert (
        "  not recreated content/comments/police-social-media-ukgc11/103.md: deleted since the import"
        in out
    )
    assert not (content / "comments/police-social-media-ukgc11/103.md").exists()


def test_a_later_export_adds_only_what_is_new(content: Path) -> None:
    run("wordpress-1.2.xml", content)
    before = snapshot(content)
    status, _out, _ = run("wordpress-mojibake.xml", content)
    assert status == 0
    after = snapshot(content)
    changed = sorted(k for k in after if before.get(k) != after[k])
    assert changed == [
        "comments/localgov-group-hug/1.md",
        "comments/localgov-group-hug/2.md",
        "imported.toml",
        "redirects.toml",
        "writeups/2010/localgov-group-hug.md",
    ]
    redirects = (content / "redirects.toml").read_text()
    assert redirects.count('"/feed/"') == 1  # known addresses are not added twice
    assert '"/2010/01/26/localgov-group-hug/" = "writeups/2010/localgov-group-hug.md"' in redirects


def test_an_authors_own_file_with_the_same_name_is_never_overwritten(content: Path) -> None:
    own = content / POST
    own.parent.mkdir(parents=True)
    own.write_text("Title: Mine\nDate: 2011-01-23\nEvent: ukgovcamp-2011\nSession: S\n\nMine.\n")
    status, out, _ = run("wordpress-1.2.xml", content)
    assert status == 0
    assert (
        f"  kept content/{POST}: a file of yours has this name (--force overwrites it after a backup)"
        in out
    )
    assert own.read_text().endswith("Mine.\n")


def test_mojibake_repairs_are_reported_by_file_and_line(content: Path) -> None:
    status, out, _ = run("wordpress-mojibake.xml", content)
    assert status == 0
    repairs = out.split("Mojibake repaired:\n")[1].splitlines()[:6]
    assert repairs == [
        "  content/writeups/2010/localgov-group-hug.md:8: 'I wonâ€™t na' → 'I won’t na'",
        "  content/writeups/2010/localgov-group-hug.md:10: 'ment. πŸ™‚' → 'ment. 🙂'",
        "  content/writeups/2010/localgov-group-hug.md:12: 'ssion πŸ˜‰' → 'ssion 😉'",
        "  content/comments/localgov-group-hug/1.md:4: 's blasΓ© at' → 's blasé at'",
        "  content/comments/localgov-group-hug/2.md:5: 'chele πŸ™‚' → 'chele 🙂'",
        "  content/comments/localgov-group-hug/2.md:7: 'eries πŸ™‚' → 'eries 🙂'",
    ]
    lines = (content / "writeups/2010/localgov-group-hug.md").read_text().splitlines()
    assert lines[9].endswith("transform local government. 🙂")
    assert "blasé" in (content / "comments/localgov-group-hug/1.md").read_text()


def _bad(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><item><title>&lol3;</title></item></channel></rss>
"""
EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><item><title>&secret;</title></item></channel></rss>
"""
CASES = {
    "not-xml.xml": (
        "Title: a Markdown file\n",
        "not-xml.xml:1: not an XML file (Start tag expected, '<' not found); expected a WordPress "
        "export (WXR, from Tools → Export) or a Blogger export (Atom)",
    ),
    "truncated.xml": (
        (FIXTURES / "wordpress-1.2.xml").read_text()[:6000],
        "truncated.xml:113: the file ends too early, probably a cut-off download (expected '>'); "
        "export it again",
    ),
    "invalid.xml": (
        '<?xml version="1.0"?>\n<rss xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n'
        "<item><title>A & B</title></item></channel></rss>\n",
        "invalid.xml:4: invalid XML: xmlParseEntityRef: no name",
    ),
    "bomb.xml": (
        BOMB,
        "bomb.xml:2: the file declares a document type (<!DOCTYPE …>) with entities; no export "
        "does, and that is how XML bombs work: refused",
    ),
    "external.xml": (
        EXTERNAL,
        "external.xml:2: the file declares a document type (<!DOCTYPE …>) with entities; no "
        "export does, and that is how XML bombs work: refused",
    ),
    "plain-rss.xml": (
        '<?xml version="1.0"?>\n<rss version="2.0"><channel><title>x</title></channel></rss>\n',
        "plain-rss.xml:2: an RSS feed without WordPress's wp: namespace, not a WordPress export; "
        "expected a WordPress export (WXR, from Tools → Export) or a Blogger export (Atom)",
    ),
    "other.atom": (
        '<feed xmlns="http://www.w3.org/2005/Atom"><id>urn:x</id><entry><id>1</id></entry></feed>',
        "other.atom:1: an Atom feed, but not from Blogger; expected a WordPress export (WXR, from "
        "Tools → Export) or a Blogger export (Atom)",
    ),
    "html.xml": (
        "<html><body>hi</body></html>",
        "html.xml:1: the document is <html>; expected a WordPress export (WXR, from Tools → "
        "Export) or a Blogger export (Atom)",
    ),
    "empty-export.xml": (
        '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel></channel></rss>',
        "empty-export.xml:1: the export holds no posts or pages",
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input_is_named_by_file_and_line_and_nothing_is_written(
    name: str, content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text, message = CASES[name]
    monkeypatch.chdir(tmp_path)
    path = _bad(tmp_path, name, text)
    before = snapshot(content.parent)
    status, out, err = run(path, content)
    assert status == 1 and out == ""
    assert err.splitlines() == [message, "import: nothing was written."]
    assert snapshot(content.parent) == before  # no file written
    assert not list(content.parent.glob(".import-staging-*"))  # and no staging folder left


def test_a_huge_text_is_refused_with_its_line(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    big = "x" * (11 * 1024 * 1024)
    path = _bad(
        tmp_path,
        "huge.xml",
        '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel>\n<item>\n'
        f"<title>t</title><content>{big}</content></item></channel></rss>",
    )
    status, _, err = run(path, content)
    assert status == 1
    assert err.startswith("huge.xml:3: a single text over the parser's 10 MB safety limit")


def test_unknown_event_is_refused_naming_the_known_ones(content: Path) -> None:
    status, _, err = run("wordpress-1.2.xml", content, event="ukgc-11")
    assert status == 1
    assert err.splitlines()[0] == (
        "--event: unknown event 'ukgc-11' (known: bluelightcamp-2012, ukgovcamp-2010, ukgovcamp-2011)"
    )


def test_event_option_gives_the_other_posts_their_event(content: Path) -> None:
    status, out, _ = run("wordpress-1.2.xml", content, event="bluelightcamp-2012")
    assert status == 0 and "Drafts without an event" not in out
    text = (content / "writeups/2011/hyperlocal.md").read_text()
    assert "Event: bluelightcamp-2012" in text and "Status: draft" not in text
    # A post carrying an event's hashtag keeps that event.
    assert "Event: ukgovcamp-2011" in (content / POST).read_text()


def test_invoke_import_exits_non_zero_without_a_traceback(tmp_path: Path) -> None:
    path = _bad(tmp_path, "notes.txt", "just some notes\n")
    done = subprocess.run(
        [sys.executable, "-m", "invoke", "import", str(path)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines()[0] == str(path) + (
        ":1: not an XML file (Start tag expected, '<' not found); expected a WordPress "
        "export (WXR, from Tools → Export) or a Blogger export (Atom)"
    )


def test_an_option_taken_for_the_export_says_how_to_get_help(tmp_path: Path) -> None:
    """`invoke import --help` reaches the task as the file "--help": say what was meant."""
    project = project_folder(tmp_path, "import/site")  # the real task, never this repository
    before = sorted((project / "content").rglob("*"))
    done = subprocess.run(
        [sys.executable, "-m", "invoke", "import", "--help"],
        cwd=project, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "'--help' looks like an option: give the export file first (invoke import EXPORT.xml),"
        " or see invoke --help import",
        "import: nothing was written.",
    ]
    assert sorted((project / "content").rglob("*")) == before


def test_an_old_address_the_site_already_has_gets_no_redirect(
    content: Path, tmp_path: Path
) -> None:
    """The old blog's /about/ page, imported into a site with its own /about/: no redirect
    over it (the build would refuse one), a warning instead, and the site builds."""
    (content / "pages" / "about.md").write_text("Title: About\n\nOur own about page.\n")
    status, out, _ = run("wordpress-1.2.xml", content, event="ukgovcamp-2011")
    assert status == 0
    assert (
        "  tests/fixtures/import/wordpress-1.2.xml: old address /about/ is already"
        " content/pages/about.md on this site: no redirect to pages/about-this-blog.md"
    ) in out.splitlines()
    redirects = (content / "redirects.toml").read_text()
    assert '"/about/"' not in redirects and '"/feed/"' in redirects
    out_dir = tmp_path / "out"
    build_site(content, out_dir, BREAKOUT_SEARCH={"ENABLED": False})
    assert "Our own about page." in (out_dir / "about/index.html").read_text()
    assert (out_dir / "about-this-blog/index.html").is_file()


def test_wxr_1_0_reads_like_1_1(content: Path, tmp_path: Path) -> None:
    old = (FIXTURES / "wordpress-1.1.xml").read_text().replace("export/1.1/", "export/1.0/")
    path = _bad(tmp_path, "wordpress-1.0.xml", old)
    status, out, _ = run(path, content)
    assert status == 0 and "2 write-ups (1 drafts), 0 pages, 2 comments" in out
    assert "Event: bluelightcamp-2012" in (content / "writeups/2012/pccs-blc12.md").read_text()
    assert (content / "comments/pccs-blc12/4.md").read_text().startswith("Author: Mike Hill\n")
