"""breakout_memo's pure parts: stable forms, tokens, page fingerprints, the manifest, the global stamp."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import subprocess
import sys
import zoneinfo
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from breakout_kernel.change import manifest
from breakout_kernel.change.hashing import Unstable, digest, stable
from breakout_kernel.change.manifest import Manifest
from breakout_kernel.change.stamp import global_stamp
from breakout_memo.fingerprint import Tokens, archives_page, article_page, listing_page
from markupsafe import Markup

# --- stable() and digest() ---------------------------------------------------------------


def test_stable_ignores_dict_order_but_not_list_order() -> None:
    assert digest(stable({"a": 1, "b": [1, 2]})) == digest(stable({"b": [1, 2], "a": 1}))
    assert digest(stable([1, 2])) != digest(stable([2, 1]))


def test_stable_keeps_string_types_apart() -> None:
    # Markup is not escaped by |e while str is: the same text renders differently.
    assert stable(Markup("<b>x</b>")) != stable("<b>x</b>")


def test_stable_dates_carry_their_zone() -> None:
    london = dt.datetime(2011, 1, 23, 10, 0, tzinfo=zoneinfo.ZoneInfo("Europe/London"))
    utc = dt.datetime(2011, 1, 23, 10, 0, tzinfo=dt.UTC)
    assert stable(london) != stable(utc)
    assert stable(dt.date(2011, 1, 22)) == ("date", "2011-01-22")


def test_stable_url_wrappers_and_dataclasses() -> None:
    tag = SimpleNamespace(name="Open data", slug="open-data")
    assert stable(tag) == ("SimpleNamespace", "Open data", "open-data")

    @dataclasses.dataclass(frozen=True)
    class Record:
        slug: str
        date: dt.date | None = None

    assert stable(Record("x", dt.date(2011, 1, 1))) == (
        "Record",
        (("slug", "x"), ("date", ("date", "2011-01-01"))),
    )


def test_stable_unknown_objects() -> None:
    class Thing:
        pass

    with pytest.raises(Unstable):
        stable({"x": Thing()})
    # Settings hold extension instances: outside strict mode they stand for their class.
    assert stable(Thing(), strict=False) == f"<{__name__}.{Thing.__qualname__}>"
    assert stable(stable, strict=False) == "<breakout_kernel.change.hashing.stable>"


def test_stable_sets_are_sorted() -> None:
    assert stable({"b", "a"}) == stable({"a", "b"}) == ("set", ("a", "b"))


def test_digest_depends_on_the_value_not_on_interning_or_shared_objects() -> None:
    # A slug read from the cache is a new string; the same slug from source may be interned,
    # and a token may hold one string object twice or two equal ones: the digest is the same.
    interned = sys.intern("accessibility-testing-114")
    built = "".join(["accessibility-", "testing-114"])
    assert interned is not built
    assert digest((interned, interned)) == digest(
        (built, "".join(["accessibility-testing", "-114"]))
    )
    assert digest({"slug": interned}) == digest({"slug": built})


def test_digest_keeps_types_and_shapes_apart() -> None:
    values = [1, 1.0, True, "1", (1,), [1], None, ("1",), b"1", (1, None), ((1,), None)]
    assert len({digest(v) for v in values}) == len(values)
    # marshal refuses str subclasses: hashed by repr, still apart from the plain string.
    assert digest(Markup("<b>x</b>")) == digest(Markup("<b>x</b>"))
    assert digest(Markup("<b>x</b>")) != digest("<b>x</b>")
    assert digest((Markup("x"),)) != digest(("x",))


def test_digest_is_the_same_in_another_process() -> None:
    value = ("map", (("title", "Open data"), ("n", 3), ("when", 1.5), ("tags", ("a", "b"))))
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "from breakout_kernel.change.hashing import digest;"
        f"print(digest({value!r}))"
    )
    plugins = str(Path(__file__).resolve().parents[1] / "plugins")
    other = subprocess.run(
        [sys.executable, "-c", code, plugins],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONHASHSEED": "12345"},
    )
    assert other.stdout.strip() == digest(value)


# --- tokens and page fingerprints --------------------------------------------------------


class Counting:
    """An article-like object counting how often its url is read (Pelican computes it each time)."""

    def __init__(self, slug: str, title: str, **extra: Any) -> None:
        self.slug = slug
        self.title = title
        self.reads = 0
        self.date = dt.datetime(2011, 1, 23, 10, 0, tzinfo=dt.UTC)
        self.locale_date = "23 January 2011"
        self.summary = f"About {title}."
        self.__dict__.update(extra)

    @property
    def url(self) -> str:
        self.reads += 1
        return f"2011/{self.slug}/"


def test_tokens_are_computed_once_per_object() -> None:
    tokens = Tokens()
    a = Counting("a", "A")
    first = tokens.card(a), tokens.entry(a), tokens.card(a), tokens.entry(a)
    assert first[0] == first[2] and first[1] == first[3]
    assert a.reads == 1


def test_card_follows_what_a_card_shows() -> None:
    a = Counting("a", "A", comment_count=1)
    b = Counting("a", "A", comment_count=2)
    c = Counting("a", "A", comment_count=1)
    tokens = Tokens()
    assert tokens.card(a) != tokens.card(b)
    assert tokens.card(a) == tokens.card(c)
    # An index entry does not show the comment count.
    assert tokens.entry(a) == tokens.entry(b)


def _article(**changes: Any) -> Counting:
    base: dict[str, Any] = {
        "content": "<p>Hello</p>",
        "metadata": {"title": "A", "summary": "S", "tags": [SimpleNamespace(name="x", slug="x")]},
        "status": "published",
        "comment_list": [],
        "comment_count": 0,
    }
    base.update(changes)
    return Counting("a", "A", **base)


def test_article_page_changes_with_content_metadata_and_comments() -> None:
    same = article_page(_article(), Tokens())
    assert article_page(_article(), Tokens()) == same
    assert article_page(_article(content="<p>Hi</p>"), Tokens()) != same
    assert article_page(_article(metadata={"title": "A", "summary": "T"}), Tokens()) != same
    comment = SimpleNamespace(id="001", author="Ann", body_html="<p>Yes</p>", article=None)
    assert article_page(_article(comment_list=[comment], comment_count=1), Tokens()) != same


def test_article_page_covers_what_the_comment_form_shows() -> None:
    from breakout_comments.intake import CommentForm

    form = CommentForm("http://127.0.0.1:8001/comments", "a", 5000, 3)
    with_form = article_page(_article(comment_form=form), Tokens())
    assert with_form != article_page(_article(), Tokens())
    assert article_page(_article(comment_form=form), Tokens()) == with_form
    changes = [
        CommentForm("https://intake.example/comments", "a", 5000, 3),
        CommentForm(form.action, "b", 5000, 3),
        CommentForm(form.action, "a", 4000, 3),
        CommentForm(form.action, "a", 5000, 2),
        CommentForm(form.action, "a", 5000, 3, max_field=100),
    ]
    for other in changes:
        assert article_page(_article(comment_form=other), Tokens()) != with_form, other


def test_article_page_follows_neighbours_titles() -> None:
    other = Counting("b", "B")
    with_prev = article_page(_article(prev_in_event=other), Tokens())
    other.title = "B, renamed"
    assert article_page(_article(prev_in_event=other), Tokens()) != with_prev


def test_article_page_with_unknown_metadata_is_unstable() -> None:
    with pytest.raises(Unstable):
        article_page(_article(metadata={"odd": object()}), Tokens())


def test_listing_and_archives_pages() -> None:
    a, b = Counting("a", "A"), Counting("b", "B")
    one = listing_page({"articles": [a, b]}, Tokens())
    assert listing_page({"articles": [b, a]}, Tokens()) != one
    b.summary = "Changed."
    assert listing_page({"articles": [a, b]}, Tokens()) != one
    # The archives show no summaries.
    assert archives_page({"dates": [a, b]}, Tokens()) == archives_page({"dates": [a, b]}, Tokens())


# --- the manifest -------------------------------------------------------------------------


def test_manifest_fresh_needs_same_fingerprint_and_untouched_file(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_text("x")
    first = Manifest(str(tmp_path), "stamp")
    first.record("p.html", str(page), "fp1")
    first.save(str(tmp_path / "m.json"))

    old = manifest.read(str(tmp_path / "m.json"), "stamp")
    assert Manifest(str(tmp_path), "stamp", old).fresh("p.html", str(page), "fp1")
    assert not Manifest(str(tmp_path), "stamp", old).fresh("p.html", str(page), "fp2")
    assert not Manifest(str(tmp_path), "stamp", old).fresh("q.html", str(page), "fp1")

    st = page.stat()
    os.utime(page, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    assert not Manifest(str(tmp_path), "stamp", old).fresh("p.html", str(page), "fp1")
    page.unlink()
    assert not Manifest(str(tmp_path), "stamp", old).fresh("p.html", str(page), "fp1")


def test_a_touched_file_is_vouched_for_only_by_a_recorded_hash(tmp_path: Path) -> None:
    """Feeds record their bytes' hash: a copied or touched feed with the same bytes is kept."""
    feed = tmp_path / "rss.xml"
    feed.write_bytes(b"<rss>one</rss>")
    first = Manifest(str(tmp_path), "s")
    first.record("rss.xml", str(feed), "fp", b"<rss>one</rss>")
    first.record("page.html", str(feed), "fp")  # a page: no hash recorded
    st = feed.stat()
    os.utime(feed, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    again = Manifest(str(tmp_path), "s", first.new)
    assert again.fresh("rss.xml", str(feed), "fp")
    assert again.new["rss.xml"][2] == feed.stat().st_mtime_ns  # the new mtime is kept
    assert not again.fresh("page.html", str(feed), "fp")
    feed.write_bytes(b"<rss>two</rss>")  # same size, other bytes
    assert not Manifest(str(tmp_path), "s", first.new).fresh("rss.xml", str(feed), "fp")


def test_manifest_keeps_only_this_builds_pages(tmp_path: Path) -> None:
    for name in ("a.html", "b.html"):
        (tmp_path / name).write_text(name)
    first = Manifest(str(tmp_path), "s")
    first.record("a.html", str(tmp_path / "a.html"), "A")
    first.record("b.html", str(tmp_path / "b.html"), "B")
    first.save(str(tmp_path / "m.json"))
    second = Manifest(str(tmp_path), "s", manifest.read(str(tmp_path / "m.json"), "s"))
    assert second.fresh("a.html", str(tmp_path / "a.html"), "A")
    second.save(str(tmp_path / "m.json"))
    assert set(manifest.read(str(tmp_path / "m.json"), "s")) == {"a.html"}


def test_manifest_read_ignores_other_stamps_and_damage(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    (tmp_path / "p.html").write_text("x")
    m = Manifest(str(tmp_path), "one")
    m.record("p.html", str(tmp_path / "p.html"), "fp")
    m.save(str(path))
    assert manifest.read(str(path), "one")
    assert manifest.read(str(path), "two") == {}
    path.write_text("{not json")
    assert manifest.read(str(path), "one") == {}
    assert manifest.read(str(tmp_path / "missing.json"), "one") == {}


# --- the global stamp ---------------------------------------------------------------------


def _stamp(settings: dict[str, Any], theme: Path, code: Path, menu: Any = ()) -> str:
    return global_stamp(
        settings,
        theme_roots=[str(theme)],
        code_roots=[str(code)],
        data_files=[],
        context_part=list(menu),
        versions={"pelican": "4.12"},
    )


def test_global_stamp_follows_settings_theme_code_and_menu(tmp_path: Path) -> None:
    theme, code = tmp_path / "theme", tmp_path / "plugins"
    (theme / "templates").mkdir(parents=True)
    code.mkdir()
    (theme / "templates" / "base.html").write_text("<html>")
    (code / "p.py").write_text("X = 1\n")
    settings = {"SITENAME": "S", "LOAD_CONTENT_CACHE": True}
    base = _stamp(settings, theme, code)
    # breakout_content turns LOAD_CONTENT_CACHE off when its own stamp changed: no page changes.
    assert _stamp({**settings, "LOAD_CONTENT_CACHE": False}, theme, code) == base
    assert _stamp({**settings, "SITENAME": "T"}, theme, code) != base
    assert _stamp(settings, theme, code, [("about/", "About")]) != base
    (theme / "templates" / "base.html").write_text("<html lang>")
    changed_theme = _stamp(settings, theme, code)
    assert changed_theme != base
    (code / "p.py").write_text("X = 2\n")
    assert _stamp(settings, theme, code) != changed_theme


def test_carry_over_links_into_new_and_existing_folders(tmp_path: Path) -> None:
    """The link is tried first; a missing folder is made, a different file replaced."""
    live = tmp_path / "live"
    (live / "a").mkdir(parents=True)
    (live / "a" / "index.html").write_text("page", encoding="utf-8")
    (live / "a" / "rss.xml").write_text("feed", encoding="utf-8")
    new = tmp_path / "new"
    assert manifest.carry_over(str(live / "a" / "index.html"), str(new / "a" / "index.html"))
    assert (new / "a" / "index.html").samefile(live / "a" / "index.html")
    # A second file in the folder just made, and one already linked (VERIFY renders again).
    assert manifest.carry_over(str(live / "a" / "rss.xml"), str(new / "a" / "rss.xml"))
    assert manifest.carry_over(str(live / "a" / "rss.xml"), str(new / "a" / "rss.xml"))
    assert (new / "a" / "rss.xml").samefile(live / "a" / "rss.xml")
    # Something else in the way is replaced by the live file, not written through.
    (new / "b").mkdir()
    (new / "b" / "index.html").write_text("stale", encoding="utf-8")
    assert manifest.carry_over(str(live / "a" / "index.html"), str(new / "b" / "index.html"))
    assert (new / "b" / "index.html").samefile(live / "a" / "index.html")
    assert (live / "a" / "index.html").read_text(encoding="utf-8") == "page"
    # A live file that is gone cannot be carried over, and leaves no folder behind.
    assert not manifest.carry_over(str(live / "gone.html"), str(new / "c" / "gone.html"))
    assert not (new / "c").exists()
