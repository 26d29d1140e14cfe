"""The output lane (issue 21): feeds written by a forked child give the same site as one process.

Real builds into tmp folders with BREAKOUT_WORKERS=1 (nothing forks) and =2 (the lane runs
the feeds); every output file is compared byte for byte.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from breakout_feeds import glue as feeds_glue
from breakout_kernel.errors import BuildFailed
from breakout_subscribe import glue as subscribe_glue
from conftest import FIXTURES, ROOT, build_site

from bench import corpus
from tools.build import load_settings
from tools.golden import GOLDEN_OVERRIDES, compare_trees

GOLDEN = FIXTURES / "golden-site"
RENDERED = "breakout_feeds: rendered"


def _build(
    monkeypatch: pytest.MonkeyPatch,
    workers: int,
    content: Path,
    out: Path,
    cache: Path,
    **overrides: object,
) -> None:
    monkeypatch.setenv("BREAKOUT_WORKERS", str(workers))
    build_site(content, out, cache=cache, **GOLDEN_OVERRIDES, **overrides)


def _feeds_pid(caplog: pytest.LogCaptureFixture) -> int:
    """The process that logged the feeds' summary line of the last build."""
    found = [r for r in caplog.records if r.getMessage().startswith(RENDERED)]
    assert found, "the feeds logged no summary"
    return found[-1].process  # type: ignore[return-value]


def _files(out: Path) -> int:
    return sum(1 for p in out.rglob("*") if p.is_file())


@pytest.fixture
def debug_feeds(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG, logger="breakout.feeds")
    caplog.set_level(logging.DEBUG, logger="breakout.lanes")
    return caplog


def _lane_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "breakout.lanes"]


def test_golden_site_is_byte_identical_with_one_and_two_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, debug_feeds: pytest.LogCaptureFixture
) -> None:
    _build(monkeypatch, 1, GOLDEN, tmp_path / "one", tmp_path / "cache-one")
    assert _feeds_pid(debug_feeds) == os.getpid()  # one worker: nothing forks
    assert _lane_lines(debug_feeds) == []
    one_stats = feeds_glue.last_stats(), subscribe_glue.last_stats()
    _build(monkeypatch, 2, GOLDEN, tmp_path / "two", tmp_path / "cache-two")
    assert _feeds_pid(debug_feeds) != os.getpid()  # two: the feeds ran in the lane
    forked, joined = _lane_lines(debug_feeds)
    assert forked == f"lane output: pid {_feeds_pid(debug_feeds)} runs feeds, subscribe, card"
    assert joined.startswith("lane output: ") and "the main process waited" in joined
    # The lane's stats reached the main process's build state (the Follow page's merged in).
    assert (feeds_glue.last_stats(), subscribe_glue.last_stats()) == one_stats
    assert one_stats[0].rendered and "follow/index.html" in one_stats[1].written
    assert "feeds/index.opml" in one_stats[1].written
    assert compare_trees(tmp_path / "one", tmp_path / "two") == []
    assert any(p.suffix == ".xml" for p in (tmp_path / "two").rglob("*"))


def test_relative_urls_give_the_same_bytes_with_one_and_two_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Feeds take a write-up's HTML made against SITEURL, never the last page's relative one."""
    for n in (1, 2):
        _build(monkeypatch, n, GOLDEN, tmp_path / f"out{n}", tmp_path / f"c{n}", RELATIVE_URLS=True)
    assert compare_trees(tmp_path / "out1", tmp_path / "out2") == []


def test_generated_site_cold_and_warm_are_byte_identical_with_one_and_two_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, debug_feeds: pytest.LogCaptureFixture
) -> None:
    content = tmp_path / "content"
    corpus.write_corpus(corpus.generate(120), content)
    outs = {n: (tmp_path / f"out{n}", tmp_path / f"cache{n}") for n in (1, 2)}
    for n, (out, cache) in outs.items():
        _build(monkeypatch, n, content, out, cache)
    assert compare_trees(outs[1][0], outs[2][0]) == []
    assert _files(outs[1][0]) > 500

    writeup = sorted((content / "writeups").rglob("*.md"))[-1]
    corpus.edit_one_word(writeup)
    warm: dict[int, feeds_glue.FeedStats] = {}
    written: dict[int, list[str]] = {}
    for n, (out, cache) in outs.items():
        _build(monkeypatch, n, content, out, cache)
        warm[n] = feeds_glue.last_stats()
        written[n] = subscribe_glue.last_stats().written
        # A warm rebuild forks the lane too (with 2 workers), and it remakes what one process does.
        assert (_feeds_pid(debug_feeds) == os.getpid()) == (n == 1)
        debug_feeds.clear()
    assert compare_trees(outs[1][0], outs[2][0]) == []
    assert warm[2] == warm[1]
    assert 0 < len(warm[2].rendered) < warm[2].reused
    assert written[2] == written[1]  # the same subscribe files remade (a body edit: none)

    # A data file's edit voids the reading caches; the lane's change detection remakes
    # exactly what one process remakes.
    people = content / "people.toml"
    people.write_text(people.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    for n, (out, cache) in outs.items():
        _build(monkeypatch, n, content, out, cache)
        warm[n] = feeds_glue.last_stats()
        assert (_feeds_pid(debug_feeds) == os.getpid()) == (n == 1)
    assert compare_trees(outs[1][0], outs[2][0]) == []
    assert warm[2] == warm[1]
    assert len(warm[2].rendered) > 0


def _bad_id_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    shutil.copytree(GOLDEN, site)
    writeup = site / "writeups" / "2011" / "ukgc11-police-second-view.md"
    text = writeup.read_text(encoding="utf-8")
    writeup.write_text(
        text.replace("Id: tag:breakout,2011-01-24:ukgc11-police-second-view", "Id: second view"),
        encoding="utf-8",
    )
    return site


def _errors(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_feed_error_in_the_lane_is_reported_with_its_place_and_fails_the_build_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    site = _bad_id_site(tmp_path)
    out = tmp_path / "out"
    _build(monkeypatch, 2, GOLDEN, out, tmp_path / "cache")  # a good build is live
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    caplog.clear()
    with pytest.raises(BuildFailed, match=r"^1 problem found"):
        _build(monkeypatch, 2, site, out, tmp_path / "cache")
    (error,) = _errors(caplog)
    assert error.getMessage() == (
        "site/writeups/2011/ukgc11-police-second-view.md:9: Id 'second view' must be an "
        "absolute URI without spaces or '#', e.g. tag:breakout,2011-01-24:ukgc11-police-second-view"
    )
    assert error.process != os.getpid()  # it was logged in the lane
    # The failed build left the live output exactly as it was.
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "out", "site"]

    caplog.clear()
    with pytest.raises(BuildFailed, match=r"^1 problem found"):
        _build(monkeypatch, 1, site, tmp_path / "out1", tmp_path / "cache1")
    assert [r.getMessage() for r in _errors(caplog)] == [error.getMessage()]


def test_an_exception_in_the_lane_fails_the_build_with_its_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from pelican import Pelican

    out = tmp_path / "out"
    settings = load_settings(
        ROOT / "pelicanconf.py",
        path=GOLDEN,
        output=out,
        cache=tmp_path / "cache",
        overrides={**GOLDEN_OVERRIDES, "DELETE_OUTPUT_DIRECTORY": False},
    )
    # A folder holding a file where the site's Atom feed goes: writing the feed raises
    # IsADirectoryError (an empty one would give way: breakout_kernel.folders.clear_empty_folder).
    (out / "feeds" / "all.atom.xml").mkdir(parents=True)
    (out / "feeds" / "all.atom.xml" / "notes.txt").write_text("someone's", encoding="utf-8")
    monkeypatch.setenv("BREAKOUT_WORKERS", "2")
    with pytest.raises(BuildFailed, match=r"^1 problem found"):
        Pelican(settings).run()
    (error,) = _errors(caplog)
    first = error.getMessage().splitlines()[0]
    assert first.startswith("the output lane (feeds, subscribe, card) failed in process ")
    assert ": IsADirectoryError: [Errno 21] Is a directory: " in first
    assert first.endswith(f" -> '{out}/feeds/all.atom.xml'")
    assert "Traceback (most recent call last)" in error.getMessage()
    # The main process still wrote its pages: everything else was reported before failing.
    assert (out / "index.html").is_file()


def test_a_build_that_raises_in_the_main_process_leaves_no_lane_and_no_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, debug_feeds: pytest.LogCaptureFixture
) -> None:
    import jinja2

    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    article = theme / "templates" / "article.html"
    # A template error while the main process writes the write-up pages, after the fork.
    article.write_text(
        article.read_text(encoding="utf-8").replace(
            "{% block content %}", "{% block content %}{{ nothing.here }}", 1
        ),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    monkeypatch.setenv("BREAKOUT_WORKERS", "2")
    with pytest.raises(jinja2.UndefinedError):
        build_site(GOLDEN, out, cache=tmp_path / "cache", THEME=str(theme), **GOLDEN_OVERRIDES)
    (forked,) = [m for m in _lane_lines(debug_feeds) if " runs " in m]
    pid = int(forked.split(" pid ")[1].split()[0])
    with pytest.raises(ProcessLookupError):  # killed and reaped, not left running
        os.kill(pid, 0)
    # Nothing of the failed build is left: no output, no staging folder.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "theme"]


# Run in a fresh interpreter: the test process itself has imported feedgen and lxml long ago.
_HEAVY = (
    "import sys; from pathlib import Path; "
    "sys.path[:0] = [sys.argv[1], sys.argv[1] + '/plugins']; "
    "from tools.build import run_pelican; "
    "run_pelican(Path(sys.argv[1]) / 'pelicanconf.py', path=Path(sys.argv[2]), "
    "output=Path(sys.argv[3]), cache=Path(sys.argv[4]), "
    "overrides={'BREAKOUT_SEARCH': {'ENABLED': False}}); "
    "print(sorted(m for m in ('feedgen', 'icalendar', 'lxml.etree') if m in sys.modules))"
)


@pytest.mark.parametrize(("workers", "loaded"), [(1, True), (2, False)])
def test_only_the_process_that_renders_feeds_imports_feedgen_lxml_and_icalendar(
    tmp_path: Path, workers: int, loaded: bool
) -> None:
    """Their 7 MiB stay out of the main process when the lane renders every feed (issue 21)."""
    done = subprocess.run(
        [sys.executable, "-c", _HEAVY, str(ROOT), str(GOLDEN), str(tmp_path / "out"),
         str(tmp_path / "cache")],
        capture_output=True, text=True, check=False, timeout=300,
        env={**os.environ, "BREAKOUT_WORKERS": str(workers)},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    heavy = ["feedgen", "icalendar", "lxml.etree"] if loaded else []
    assert done.stdout.strip().splitlines()[-1] == repr(heavy)
    assert (
        tmp_path / "out" / "feeds"
    ).is_dir()  # the feeds were written, by one process or the lane


@pytest.mark.parametrize("workers", [1, 2])
def test_the_social_card_is_drawn_in_the_lane_when_there_is_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    """Pillow's canvas stays out of the main process, whose memory peaks at the build's end."""
    from breakout_seo import glue as seo_glue

    drawn_by = tmp_path / "drawn-by"
    draw = seo_glue.render_card

    def render_card(card: object) -> bytes:
        with drawn_by.open("a") as f:
            f.write(f"{os.getpid()}\n")
        return draw(card)  # type: ignore[arg-type]

    monkeypatch.setattr(seo_glue, "render_card", render_card)
    _build(monkeypatch, workers, GOLDEN, tmp_path / "out", tmp_path / "cache")
    pids = drawn_by.read_text().split()
    assert len(pids) == 1  # drawn once, by one process
    assert (pids[0] == str(os.getpid())) == (workers == 1)
    assert (tmp_path / "out" / seo_glue.CARD_NAME).read_bytes().startswith(b"\x89PNG")
