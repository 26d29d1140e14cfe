"""breakout_search: the Pagefind index the build writes, its switch, and the search page's markup."""

from __future__ import annotations

import gzip
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from breakout_search.indexer import BUNDLE_DIR, SHARD_LIST, pagefind_command
from bs4 import BeautifulSoup
from conftest import ROOT, build_site

from tools.build import load_settings

CONTENT = ROOT / "content"


def search_overrides(**extra: Any) -> dict[str, Any]:
    """Settings that switch search on, whether or not pelicanconf.py does it yet."""
    settings = load_settings(ROOT / "pelicanconf.py")
    plugins = list(settings["PLUGINS"])
    direct = list(settings["DIRECT_TEMPLATES"])
    overrides: dict[str, Any] = {
        "PLUGINS": plugins + ([] if "breakout_search" in plugins else ["breakout_search"]),
        "DIRECT_TEMPLATES": direct + ([] if "search" in direct else ["search"]),
        "SEARCH_SAVE_AS": settings.get("SEARCH_SAVE_AS", "search/index.html"),
        "SEARCH_URL": settings.get("SEARCH_URL", "search/"),
    }
    overrides.update(extra)
    return overrides


def soup(path: Path) -> BeautifulSoup:
    """Parse one built page."""
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def is_redirect(path: Path) -> bool:
    """A redirect page at an old address (a session's earlier URL), not a page of the site."""
    return 'http-equiv="refresh"' in path.read_text(encoding="utf-8")


def html_pages(output: Path) -> list[Path]:
    """Every HTML page of a build (redirect pages aside)."""
    return sorted(p for p in output.rglob("*.html") if not is_redirect(p))


def bundle_files(output: Path) -> dict[str, bytes]:
    """The Pagefind bundle of a build: relative path -> bytes."""
    bundle = output / BUNDLE_DIR
    return {
        p.relative_to(bundle).as_posix(): p.read_bytes() for p in bundle.rglob("*") if p.is_file()
    }


def shard_folders(output: Path) -> list[Path]:
    """The shard bundles the search page merges, in shards.json's order (the primary first)."""
    listed = json.loads((output / BUNDLE_DIR / SHARD_LIST).read_text(encoding="utf-8"))
    return [output / BUNDLE_DIR / name for name in listed["shards"]]


def fragments(output: Path) -> dict[str, dict[str, Any]]:
    """Every indexed page of a build: its URL -> its Pagefind fragment and the shard holding it.

    Each fragment is gzip'd 'pagefind_dcd' + JSON.
    """
    found: dict[str, dict[str, Any]] = {}
    for shard in shard_folders(output):
        for fragment in sorted((shard / "fragment").glob("*.pf_fragment")):
            data = json.loads(gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd"))
            assert data["url"] not in found, f"{data['url']} is in two shards"
            found[data["url"]] = {**data, "shard": shard.name}
    return found


@pytest.fixture(scope="module")
def searchable_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The launch content built with search on."""
    out = tmp_path_factory.mktemp("search") / "output"
    build_site(CONTENT, out, **search_overrides())
    return out


def test_the_build_writes_a_pagefind_bundle(searchable_site: Path) -> None:
    """/pagefind/shards.json lists the shards; the first holds the JS API; each an index in 'en'."""
    shards = shard_folders(searchable_site)
    assert shards and all(s.parent == searchable_site / BUNDLE_DIR for s in shards)
    assert (shards[0] / "pagefind.js").is_file()
    assert sorted(p.name for p in shards[0].glob("wasm.*.pagefind"))
    for shard in shards:
        entry = json.loads((shard / "pagefind-entry.json").read_text())
        assert set(entry["languages"]) == {"en"}
        # Pagefind's own UIs are never loaded by the search page, so they are not published.
        assert not list(shard.glob("pagefind-*ui*")), shard
        if shard != shards[0]:
            assert not (shard / "pagefind.js").exists(), shard


def indexed_urls(output: Path) -> set[str]:
    """The page URLs in a build's Pagefind index, over every shard."""
    return set(fragments(output))


def page_url(output: Path, page: Path) -> str:
    """The clean URL Pagefind records for an output file."""
    rel = page.relative_to(output).as_posix()
    return "/" + rel.removesuffix("index.html")


def test_the_index_covers_exactly_the_marked_pages(searchable_site: Path) -> None:
    """Pagefind indexes the pages marked data-pagefind-body (all pages while none is marked)."""
    pages = html_pages(searchable_site)
    marked = [p for p in pages if "data-pagefind-body" in p.read_text()]
    expected = {page_url(searchable_site, p) for p in marked or pages}
    assert indexed_urls(searchable_site) == expected
    counts = [
        json.loads((shard / "pagefind-entry.json").read_text())["languages"]["en"]["page_count"]
        for shard in shard_folders(searchable_site)
    ]
    assert sum(counts) == len(expected)


def test_drafts_and_hidden_pages_are_not_searchable(tmp_path: Path) -> None:
    """A draft (write-up or page) and a hidden page are built but stay out of the index.

    A hidden page is reachable by its address only, as in the sitemap; search would list it.
    """
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    (content / "writeups" / "2011" / "a-draft.md").write_text(
        "Title: Not yet\nDate: 2011-01-23\nEvent: ukgovcamp-2011\nSession: Test\n"
        "Status: draft\n\nUnpublishedword.\n",
        encoding="utf-8",
    )
    for status in ("hidden", "draft"):
        (content / "pages" / f"a-{status}-page.md").write_text(
            f"Title: A {status} page\nStatus: {status}\n\nUnlistedword.\n", encoding="utf-8"
        )
    out = tmp_path / "output"
    build_site(content, out, **search_overrides())
    assert (out / "drafts" / "a-draft" / "index.html").exists()
    assert (out / "a-hidden-page" / "index.html").exists()
    urls = indexed_urls(out)
    assert "/2011/acpo-social-media/" in urls and "/about/" in urls
    assert [u for u in urls if u.startswith("/drafts/") or "hidden" in u] == []
    assert "Unpublishedword" not in indexed_text(out) and "Unlistedword" not in indexed_text(out)


def test_pagefind_output_is_deterministic(searchable_site: Path, tmp_path: Path) -> None:
    """A second build of the same content writes a byte-identical bundle."""
    again = tmp_path / "output"
    build_site(CONTENT, again, **search_overrides())
    first, second = bundle_files(searchable_site), bundle_files(again)
    assert sorted(first) == sorted(second)
    changed = [name for name in first if first[name] != second[name]]
    assert changed == []


def test_a_rebuild_leaves_no_stale_index_files(tmp_path: Path) -> None:
    """Rebuilding into an old output folder replaces the bundle instead of adding to it."""
    out = tmp_path / "output"
    stale = out / BUNDLE_DIR / "fragment" / "en_0000000.pf_fragment"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"old")
    build_site(CONTENT, out, **search_overrides())
    assert not stale.exists()
    assert (shard_folders(out)[0] / "pagefind.js").is_file()


def indexed_text(output: Path) -> str:
    """Every fragment's content in a build's Pagefind index, joined."""
    return "\n".join(f["content"] for _, f in sorted(fragments(output).items()))


def test_a_rebuild_reindexes_only_when_an_html_page_changed(tmp_path: Path) -> None:
    """Unchanged pages: the bundle is kept as it was; an edited write-up: Pagefind runs again."""
    content, out = tmp_path / "content", tmp_path / "output"
    shutil.copytree(CONTENT, content)
    build_site(content, out, **search_overrides())
    entry = shard_folders(out)[0] / "pagefind.js"
    first, first_stat = bundle_files(out), entry.stat()
    assert (tmp_path / "output-cache" / "breakout-search.json").is_file()

    build_site(content, out, **search_overrides())
    # Kept, not rewritten: build_index deletes the folder before Pagefind writes it afresh.
    assert entry.stat().st_mtime_ns == first_stat.st_mtime_ns
    assert entry.stat().st_ino == first_stat.st_ino
    assert bundle_files(out) == first
    assert "Zanzibarquokka" not in indexed_text(out)

    writeup = next((content / "writeups" / "2011").glob("*.md"))
    writeup.write_text(writeup.read_text(encoding="utf-8") + "\nZanzibarquokka.\n", "utf-8")
    build_site(content, out, **search_overrides())
    # Indexed again (not the inode: a file system may hand the freed one out again).
    assert "Zanzibarquokka" in indexed_text(out)


def test_an_altered_bundle_is_indexed_again(tmp_path: Path) -> None:
    """A bundle that lost a file since it was written is rebuilt, even if no page changed."""
    out = tmp_path / "output"
    build_site(CONTENT, out, **search_overrides())
    first = bundle_files(out)
    lost = sorted((out / BUNDLE_DIR).glob("*/fragment/*.pf_fragment"))[0]
    lost.unlink()
    build_site(CONTENT, out, **search_overrides())
    assert bundle_files(out) == first


def test_search_can_be_switched_off(tmp_path: Path) -> None:
    """ENABLED False: no bundle, no header box, and the search page says search is off."""
    out = tmp_path / "output"
    build_site(CONTENT, out, **search_overrides(BREAKOUT_SEARCH={"ENABLED": False}))
    assert not (out / BUNDLE_DIR).exists()
    for path in html_pages(out):
        assert soup(path).select_one("form.search-box") is None, path
    page = soup(out / "search" / "index.html")
    assert page.find("script") is None
    assert "not switched on" in page.get_text()


def test_a_bad_search_setting_fails_the_build(
    tmp_path: Path, error_log: Callable[[], list[str]]
) -> None:
    """A non-boolean ENABLED is reported with the key and fails the build."""
    with pytest.raises(Exception):  # noqa: B017 - the build's own failure type
        build_site(
            CONTENT, tmp_path / "output", **search_overrides(BREAKOUT_SEARCH={"ENABLED": "yes"})
        )
    assert any("BREAKOUT_SEARCH['ENABLED'] = 'yes' is not valid" in line for line in error_log())


def test_pagefind_runs_quietly_over_the_given_site() -> None:
    """The command indexes one shard's staged pages into its bundle folder, printing only errors."""
    command = pagefind_command(Path("/bin/pagefind"), Path("/tmp/stage"), Path("/srv/pagefind/003"))
    assert command[0] == "/bin/pagefind"
    assert command[command.index("--site") + 1] == "/tmp/stage"
    assert command[command.index("--output-path") + 1] == "/srv/pagefind/003"
    assert "--silent" in command


# --- the launch build as configured (pelicanconf.py, the theme) -------------------------------


def page_kinds(output: Path) -> dict[str, list[Path]]:
    """Built pages grouped by what they show."""
    return {
        "writeup": sorted(output.glob("[0-9][0-9][0-9][0-9]/*/index.html")),
        "person": sorted(output.glob("people/*/index.html")),
        "topic": sorted(output.glob("topics/*/index.html")),
        "event": sorted(output.glob("events/*/index.html")),
        # Only pages readers search for are indexed: a session page lists write-ups indexed
        # where they live; year pages and redirects likewise.
        "unindexed": [
            *output.glob("events/*/*/index.html"),
            *output.glob("[0-9][0-9][0-9][0-9]/index.html"),
            *(
                output / name
                for name in (
                    "index.html",
                    "404.html",
                    "archives/index.html",
                    "people/index.html",
                    "topics/index.html",
                    "events/index.html",
                    "search/index.html",
                )
            ),
        ],
    }


def test_indexable_pages_mark_their_body(launch_site: Path) -> None:
    """Write-up, person, topic and event pages mark one body for Pagefind; lists and sessions don't."""
    kinds = page_kinds(launch_site)
    assert any(p.parents[2].name == "events" for p in kinds["unindexed"]), "no session page"
    for kind in ("writeup", "person", "topic", "event"):
        assert kinds[kind], f"no {kind} pages in the launch build"
        for path in kinds[kind]:
            marked = soup(path).select("[data-pagefind-body]")
            assert len(marked) == 1, path
            assert marked[0].find("h1") is not None, f"{path}: the result title comes from its h1"
    for path in kinds["unindexed"]:
        assert path.exists(), path
        assert not soup(path).select("[data-pagefind-body]"), path


def test_writeup_comments_are_inside_the_indexed_body(launch_site: Path) -> None:
    """Comments are searchable: they sit inside the write-up's data-pagefind-body element."""
    page = soup(launch_site / "2011" / "acpo-social-media" / "index.html")
    body = page.select_one("[data-pagefind-body]")
    assert body is not None
    assert "immediacy the internet" in body.get_text(" ")


def test_search_indexes_what_people_wrote_not_the_labels_around_it(searchable_site: Path) -> None:
    """An index entry has a page's facts and comments, not their labels or the page's links.

    Pagefind joins a <dt> to its <dd> without a space ("EventUK GovCamp", "Twitter@demsoc"),
    which loses the first word of the fact; and each comment's Permalink and Reply links
    would make every write-up with comments match "permalink", "reply" and its commenters'
    names twice.
    """
    indexed, kinds = fragments(searchable_site), page_kinds(searchable_site)
    seen = {"facts": 0, "links": 0, "comments": 0}
    for path in kinds["writeup"] + kinds["person"] + kinds["event"]:
        page, content = soup(path), indexed[page_url(searchable_site, path)]["content"]
        for fact in page.select("[data-pagefind-body] .facts > div:not([data-pagefind-ignore])"):
            label, value = fact.dt.get_text(" ", strip=True), fact.dd.get_text(" ", strip=True)
            assert label + value not in content, path
            assert f" {value}" in content, f"{path}: {value!r} is not indexed as words"
            seen["facts"] += 1
        for link in page.select("a.comment-permalink, a.comment-reply, .calendar-link"):
            assert link.get_text(" ", strip=True) not in content, path
            seen["links"] += 1
        for body in page.select(".comment-body"):
            words = " ".join(body.get_text(" ", strip=True).split()[:6])
            assert words in content, f"{path}: the comment {words!r} is not indexed"
            seen["comments"] += 1
    assert all(seen.values()), f"the launch build lacks some of what this test checks: {seen}"


def test_every_page_has_the_header_search_box(launch_site: Path) -> None:
    """Each page's header has a plain GET form to /search/ with a labelled q field."""
    for path in html_pages(launch_site):
        if BUNDLE_DIR in path.relative_to(launch_site).parts:
            continue
        form = soup(path).select_one("header form.search-box")
        assert form is not None, path
        assert form.get("method", "get").lower() == "get"
        assert form["action"] == "/search/"
        field = form.select_one("input[name=q]")
        assert field is not None
        label = soup(path).select_one(f"label[for={field['id']}]")
        assert label is not None and label.get_text(strip=True)


def test_search_page_explains_itself_without_javascript(launch_site: Path) -> None:
    """The search page reads q with a module script and, in <noscript>, links to the indexes."""
    page = soup(launch_site / "search" / "index.html")
    form = page.select_one("main form")
    assert form is not None and form.select_one("input[name=q]") is not None
    assert form["action"] == "/search/"
    scripts = page.find_all("script", src=False, type="module")
    assert len(scripts) == 1
    assert "/pagefind/" in form["data-bundle"]
    noscript = page.select_one("main noscript")
    assert noscript is not None
    hrefs = {a["href"] for a in BeautifulSoup(noscript.decode_contents(), "html.parser")("a")}
    assert {"/events/", "/people/", "/topics/", "/archives/"} <= hrefs


def _marked_pages(site: Path, names: list[str]) -> None:
    """Small HTML pages Pagefind indexes (each marks its body)."""
    for name in names:
        page = site / name / "index.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(
            f"<html lang='en'><head><title>{name}</title></head>"
            f"<body><main data-pagefind-body><h1>{name}</h1><p>about {name}</p></main></body></html>",
            encoding="utf-8",
        )


def test_kept_shards_are_carried_from_the_live_output_or_indexed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import breakout_search.indexer as indexer

    names = ["police", "housing", "transport", "open-data", "health", "schools", "roads", "parks"]
    live = tmp_path / "live"
    _marked_pages(live, names)
    state = tmp_path / "cache" / "search.json"
    state.parent.mkdir()
    first = indexer.start_index(live, state, per_shard=1).wait()
    assert len(first.ran) > 1 and not first.kept

    def fresh(name: str) -> Path:
        """A rebuild's fresh folder holding the same pages, as tools/build.py makes it."""
        site = tmp_path / name
        _marked_pages(site, names)
        return site

    carried = indexer.start_index(fresh("fresh1"), state, live=live, per_shard=1).wait()
    assert carried.ran == () and sorted(carried.kept) == sorted(first.ran)
    assert bundle_files(tmp_path / "fresh1") == bundle_files(live)

    monkeypatch.setattr(indexer, "_carry_bundle", lambda source, bundle, files: False)
    again = indexer.start_index(fresh("fresh2"), state, live=live, per_shard=1).wait()
    assert sorted(again.ran) == sorted(first.ran) and again.kept == ()
    assert bundle_files(tmp_path / "fresh2") == bundle_files(live)
