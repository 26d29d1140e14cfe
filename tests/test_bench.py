"""The benchmark (issue 8): deterministic corpus to spec, Breakout accepts it, the runner reports.

No timings are asserted: builds here are tiny and the machine is shared.
"""

from __future__ import annotations

import collections
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest

from bench import comparison, corpus, measure, runner, searchalone, workspace

WRITEUP_KEYS = {
    "Title",
    "Date",
    "Author",
    "Event",
    "Session",
    "Session_leader",
    "Tags",
    "Summary",
    "Id",
}
REQUIRED_KEYS = {"Title", "Date", "Event", "Session", "Session_leader", "Summary", "Id"}
COMMENT_KEYS = {"Author", "Handle", "Website", "Date", "Replyto", "Status", "Orphaned"}
CODE_SPAN = re.compile(r"`([^`\n]*)`")
MENTION = re.compile(r"(?<![\w@])@(\w{1,15}(?:@[\w-]+(?:\.[\w-]+)+)?)")
HASHTAG = re.compile(r"(?<![\w#&])#(\w+)")
EMAIL = re.compile(r"(?<![@\w.])[\w.]+@[\w-]+(?:\.[\w-]+)+")
RATIOS = re.compile(
    r"^ratios: cold=(?P<cold>\S+) cold_wall=(?P<cold_wall>\S+) warm_over_cold=(?P<warm>\S+) "
    r"rss=(?P<rss>\S+) bytes=(?P<bytes>\S+)$"
)


def tree_hash(folder: Path) -> str:
    """SHA-256 over every file's relative path and bytes, in sorted order."""
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def split(text: str) -> tuple[dict[str, str], str]:
    """Meta block (Key: value lines up to the first blank line) and body."""
    head, _, body = text.partition("\n\n")
    meta = dict(line.split(": ", 1) for line in head.splitlines())
    return meta, body


def words(text: str) -> int:
    """Whitespace tokens holding a letter or digit (so '-' bullets and '##' do not count)."""
    return len([t for t in text.split() if re.search(r"[^\W_]", t)])


@pytest.fixture(scope="module")
def spec_corpus() -> corpus.Corpus:
    """200 write-ups, generated in memory only (not built)."""
    return corpus.generate(200)


def handle_map(files: dict[str, str]) -> dict[str, str]:
    """Every handle people.toml knows (Twitter, aliases, Mastodon), lower-cased → person slug."""
    people = tomllib.loads(files["people.toml"])["people"]
    known: dict[str, str] = {}
    for slug, entry in people.items():
        for handle in [entry["twitter"], *entry.get("aliases", []), entry.get("mastodon", "")]:
            if handle:
                known[handle.lower()] = slug
    return known


def test_same_posts_give_byte_identical_trees(tmp_path: Path) -> None:
    for name in ("a", "b"):
        corpus.write_corpus(
            corpus.generate(30), tmp_path / name / "content", tmp_path / name / "vanilla"
        )
    # The command line writes the same tree as the library.
    assert corpus.main(["--posts", "30", "--out", str(tmp_path / "c" / "content")]) == 0
    assert tree_hash(tmp_path / "a" / "content") == tree_hash(tmp_path / "b" / "content")
    assert tree_hash(tmp_path / "a" / "content") == tree_hash(tmp_path / "c" / "content")
    assert tree_hash(tmp_path / "a" / "vanilla") == tree_hash(tmp_path / "b" / "vanilla")
    other = tmp_path / "d"
    corpus.write_corpus(corpus.generate(30, seed=9), other)
    assert tree_hash(other) != tree_hash(tmp_path / "a" / "content")


def test_write_refuses_a_non_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    with pytest.raises(FileExistsError):
        corpus.write_corpus(corpus.generate(3), tmp_path)


def test_writeups_meet_the_spec(spec_corpus: corpus.Corpus) -> None:
    files = spec_corpus.files
    known = handle_map(files)
    events = tomllib.loads(files["events.toml"])["events"]
    event_tags = {tag for e in events.values() for tag in e["hashtags"]}
    assert len(spec_corpus.writeups) == 200
    per_event: collections.Counter[str] = collections.Counter()
    for rel in spec_corpus.writeups:
        meta, body = split(files[rel])
        assert REQUIRED_KEYS <= set(meta) <= WRITEUP_KEYS, rel
        date = dt.datetime.strptime(meta["Date"], "%Y-%m-%d %H:%M")
        assert rel == f"writeups/{date.year}/{Path(rel).name}"
        assert meta["Event"] in events
        per_event[meta["Event"]] += 1
        assert meta["Id"].startswith("urn:uuid:")
        assert 600 <= words(body) <= 900, rel
        spans = CODE_SPAN.findall(body)
        assert any("@" in span for span in spans), rel
        prose = CODE_SPAN.sub("", body)
        assert EMAIL.search(prose), rel
        handles = MENTION.findall(prose)
        assert all(h.lower() in known for h in handles), rel
        assert 3 <= len({known[h.lower()] for h in handles}) <= 10, rel
        tags = {t.lower() for t in HASHTAG.findall(prose)}
        assert 2 <= len(tags) <= 6, rel
        assert re.search(r"^- \w", body, re.MULTILINE), rel
        assert re.search(r"\]\(https://", body), rel
        # A line starting with '#' would be a Markdown heading, not a hashtag.
        assert all(line.startswith("## ") for line in body.splitlines() if line.startswith("#"))
        for leader in meta["Session_leader"].split(", "):
            assert not leader.startswith("@") or leader[1:].lower() in known
        # An event hashtag in a write-up is its own event's.
        assert tags & event_tags <= set(events[meta["Event"]]["hashtags"])
    # Events of about 20 write-ups, every registered event used.
    assert set(per_event) == set(events)
    assert 17 <= statistics.mean(per_event.values()) <= 23
    # The people pool is about N/5 and popularity is Zipf-like (a few people dominate).
    assert 30 <= len(tomllib.loads(files["people.toml"])["people"]) <= 50
    mentions = collections.Counter(
        known[h.lower()]
        for rel in spec_corpus.writeups
        for h in MENTION.findall(CODE_SPAN.sub("", split(files[rel])[1]))
    )
    counts = sorted(mentions.values(), reverse=True)
    assert counts[0] >= 4 * statistics.median(counts)


def test_comments_meet_the_spec(spec_corpus: corpus.Corpus) -> None:
    files = spec_corpus.files
    known = handle_map(files)
    slugs = {Path(rel).stem for rel in spec_corpus.writeups}
    per_writeup: dict[str, list[str]] = collections.defaultdict(list)
    for rel in sorted(k for k in files if k.startswith("comments/")):
        _, slug, name = rel.split("/")
        assert slug in slugs
        meta, body = split(files[rel])
        assert "Author" in meta and set(meta) <= COMMENT_KEYS, rel
        if "Handle" in meta:
            assert meta["Handle"][1:].lower() in known
        if "Replyto" in meta:
            assert meta["Replyto"] in per_writeup[slug], rel  # replies point at earlier comments
        if "Date" in meta:
            dt.datetime.strptime(meta["Date"], "%Y-%m-%d %H:%M")
        assert words(body) >= 10
        per_writeup[slug].append(Path(name).stem)
    counts = [len(per_writeup.get(slug, [])) for slug in slugs]
    assert 2.5 <= statistics.mean(counts) <= 3.5
    assert min(counts) == 0 and max(counts) <= 12
    assert spec_corpus.comment_count == sum(counts)


def test_vanilla_copy_carries_handles_and_hashtags_as_tags(spec_corpus: corpus.Corpus) -> None:
    known = handle_map(spec_corpus.files)
    people = tomllib.loads(spec_corpus.files["people.toml"])["people"]
    for rel in spec_corpus.writeups[:50]:
        meta, body = split(spec_corpus.files[rel])
        vmeta, vbody = split(spec_corpus.vanilla[rel])
        assert vbody == body
        assert {k: v for k, v in vmeta.items() if k != "Tags"} == {
            k: v for k, v in meta.items() if k != "Tags"
        }
        vtags = {t.lower() for t in vmeta["Tags"].split(", ")}
        prose = CODE_SPAN.sub("", body)
        for handle in MENTION.findall(prose):
            assert people[known[handle.lower()]]["twitter"].lower() in vtags
        assert {t.lower() for t in HASHTAG.findall(prose)} <= vtags
        assert {t.lower() for t in meta.get("Tags", "").split(", ") if t} <= vtags


def test_edit_changes_one_word_and_toggles(tmp_path: Path) -> None:
    generated = corpus.generate(5)
    corpus.write_corpus(generated, tmp_path)
    path = tmp_path / generated.edit_target()
    before = path.read_text()
    first = corpus.edit_one_word(path)
    after = path.read_text()
    changed = [(a, b) for a, b in zip(before.split(), after.split(), strict=True) if a != b]
    assert len(changed) == 1 and changed[0][1] == first
    second = corpus.edit_one_word(path)
    assert second != first
    assert words(path.read_text()) == words(before)


def test_breakout_builds_the_corpus(
    tmp_path: Path, site_builder: Callable[..., Path], error_log: Callable[[], list[str]]
) -> None:
    generated = corpus.generate(12)
    corpus.write_corpus(generated, tmp_path / "content")
    out = site_builder(tmp_path / "content")
    assert error_log() == []
    pages = list(out.glob("[0-9][0-9][0-9][0-9]/*/index.html"))
    assert len(pages) == 12


def test_runner_prints_the_ratios_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    figures = runner.main(posts=12, repeats=1, workdir=tmp_path)
    lines = capsys.readouterr().out.strip().splitlines()
    m = RATIOS.match(lines[-1])
    assert m, lines[-1]
    assert all(float(v) > 0 for v in m.groupdict().values())
    assert any(line.startswith("machine: ") for line in lines)
    assert figures["vanilla_files"] > 0 and figures["breakout_files"] > 0
    for side in ("vanilla", "breakout"):
        # Both write pages and feeds; the two parts are within the whole (CSS, images aside).
        html, feeds = figures[f"{side}_html_bytes"], figures[f"{side}_feed_bytes"]
        assert html > 0 and feeds > 0 and html + feeds < figures[f"{side}_bytes"]
    assert any(line.strip().startswith("of which feeds (XML)") for line in lines)
    assert any(line.startswith("  a rebuild with nothing changed: ") for line in lines)
    assert figures["breakout_unchanged"] > 0 and figures["breakout_unchanged_cpu"] > 0
    assert (tmp_path / "compare-12" / "breakout" / "logs" / "unchanged1.log").is_file()
    # The edit rebuilt by a kept site, as `invoke livereload` does: each one written alone.
    kept = [line for line in lines if line.startswith("one-edit rebuild as `invoke livereload`")]
    assert len(kept) == 1 and kept[0].endswith(
        "; 4 of 4 edits written without reading the site again)"
    )
    assert 0 < figures["breakout_kept"] < figures["breakout_cold"]
    # Both sides built the same write-ups into their own folders.
    assert (tmp_path / "compare-12" / "vanilla" / "output" / "index.html").exists()
    assert (tmp_path / "compare-12" / "breakout" / "output" / "index.html").exists()


def test_prepare_generates_the_corpus_in_another_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The runner never holds a corpus: builds inherit its peak RSS as their floor."""
    pids = tmp_path / "pids"
    real = corpus.generate

    def generate(posts: int, seed: int = corpus.SEED, shape: str = "default") -> corpus.Corpus:
        with pids.open("a") as f:
            f.write(f"{os.getpid()}\n")
        return real(posts, seed, shape)

    monkeypatch.setattr(corpus, "generate", generate)
    prepared = workspace.prepare(6, tmp_path / "base", vanilla=False)
    assert pids.read_text().split() != [str(os.getpid())]
    assert len(pids.read_text().split()) == 1
    expected = real(6)
    assert prepared.comment_count == expected.comment_count
    assert prepared.edit_target == expected.edit_target()
    assert (tmp_path / "base" / "breakout" / "content" / prepared.edit_target).is_file()
    assert not (tmp_path / "base" / "vanilla").exists()


def test_profile_mode_prints_top_costs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    runner.main(posts=6, repeats=1, profile_mode=True, workdir=tmp_path)
    out = capsys.readouterr().out
    assert "top 25 by cumulative" in out and "top 25 by tottime" in out


def test_scale_mode_prints_the_time_ratio(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    figures = runner.scale(1, tmp_path, sizes=(4, 8))
    assert figures["ratio"] > 0
    assert re.search(r"^scale: cpu time 8/4=\d", capsys.readouterr().out, re.MULTILINE)


def test_a_failed_build_stops_the_benchmark_with_its_log(tmp_path: Path) -> None:
    site = measure.Site("breakout", measure.BREAKOUT_CONF, tmp_path)
    (tmp_path / "content" / "writeups").mkdir(parents=True)
    # Missing required metadata: Breakout's reader rejects it and the build fails.
    (tmp_path / "content" / "writeups" / "bad.md").write_text("Title: Bad\n\nNo date, no event.\n")
    with pytest.raises(measure.BenchError, match="build 'cold1' failed"):
        measure.run_build(site, "cold1")


def test_bad_options_are_refused(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="clock"):
        runner.main(posts=3, repeats=1, workdir=tmp_path, clock="sundial")
    with pytest.raises(SystemExit, match="at least 1"):
        runner.main(posts=0, repeats=1, workdir=tmp_path)


def fake_builds(monkeypatch: pytest.MonkeyPatch, stamps: list[str]) -> list[str]:
    """Replace real builds with fixed costs; cache_stamp returns `stamps` in turn."""
    labels: list[str] = []
    cost = {"vanilla": (10.0, 8.0, 100_000, 1000), "breakout": (8.0, 6.0, 120_000, 400)}

    def run_build(site: measure.Site, label: str, profile: Path | None = None) -> measure.Build:
        labels.append(f"{site.name}:{label}")
        wall, cpu, rss, size = cost[site.name]
        # A rebuild after the edit costs a quarter of a cold build, one with nothing changed a fifth.
        part = 4 if label.startswith("warm") else 5 if label.startswith("unchanged") else 1
        site.output.mkdir(parents=True, exist_ok=True)
        (site.output / "index.html").write_bytes(b"x" * size)
        # The tree holds the build and a subprocess (Pagefind, say) beside it: 1.5× its peak.
        return measure.Build(wall / part, cpu / part, rss, tree_rss_kib=rss * 3 // 2)

    it = iter(stamps)
    monkeypatch.setattr(comparison, "run_build", run_build)
    monkeypatch.setattr(comparison, "cache_stamp", lambda site: next(it))
    return labels


def test_ratios_are_computed_from_cpu_medians(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    labels = fake_builds(monkeypatch, ["s"] * 8)
    figures = runner.main(posts=5, repeats=2, workdir=tmp_path)
    # Breakout alone is built a third time, with nothing changed, after each repeat's warm build.
    assert labels == [
        *("vanilla:cold1", "breakout:cold1", "vanilla:warm1", "breakout:warm1"),
        *("breakout:unchanged1", "vanilla:cold2", "breakout:cold2", "vanilla:warm2"),
        *("breakout:warm2", "breakout:unchanged2"),
    ]
    out = capsys.readouterr().out
    assert out.splitlines()[-1] == (
        "ratios: cold=0.750 cold_wall=0.800 warm_over_cold=0.250 rss=1.200 bytes=0.400"
    )
    assert figures["ratio_cold"] == pytest.approx(0.75)
    assert figures["ratio_cold_wall"] == pytest.approx(0.8)
    assert figures["breakout_tree_rss_kib"] == 180_000
    assert "process tree: Breakout's peak RSS with every subprocess" in out
    assert "184 MB ok (< 500 MB)" in out
    # Issue 21's rebuild goal is judged on wall time: a warm build at a quarter misses it.
    assert "one-edit rebuild: Breakout's warm wall / its cold wall 0.250 MISS (≤ 0.1)" in out
    assert (
        "  a rebuild with nothing changed: 1.60 s wall, 1.20 s CPU = 0.200 of the cold wall "
        "(the one-edit rebuild took 2.00 s: +0.40 s)"
    ) in out
    # Ratios and peaks stay those of the cold and one-edit builds.
    assert figures["ratio_warm_over_cold"] == pytest.approx(0.25)


def test_a_warm_build_without_its_cache_is_measured_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Stamps after cold (vanilla, breakout) then after warm: breakout's changes once.
    labels = fake_builds(monkeypatch, ["v", "b1", "v", "b2", "v", "b2", "v", "b2"])
    runner.main(posts=5, repeats=1, workdir=tmp_path)
    out = capsys.readouterr().out
    assert "cache stamp changed between cold and warm; measuring it again" in out
    assert "breakout:warm1.2" in labels and "note:" not in out


def test_tree_rss_sums_the_build_and_its_live_subprocesses() -> None:
    """A subprocess holding 64 MiB beside this process raises the tree's sum by about that."""
    alone = measure.tree_rss_kib(os.getpid())
    assert alone > 0
    hold = "import sys, time; b = bytearray(64 << 20); b[::4096] = b'x' * len(b[::4096]); "
    hold += "print('ready', flush=True); time.sleep(60)"
    child = subprocess.Popen([sys.executable, "-c", hold], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        with_child = measure.tree_rss_kib(os.getpid())
        # The child is counted under its parent (this process), not only on its own.
        assert with_child - alone > 60 * 1024
        assert measure.tree_rss_kib(child.pid) > 60 * 1024
    finally:
        child.kill()
        child.communicate()  # reaps it and closes its stdout pipe


def test_tree_rss_reads_fields_after_a_command_name_with_spaces(tmp_path: Path) -> None:
    """/proc/PID/stat's comm may hold ') (': fields are counted after its last parenthesis."""

    def proc(pid: int, comm: str, ppid: int, pages: int) -> None:
        (tmp_path / str(pid)).mkdir()
        rest = ["S", str(ppid), *["0"] * 19, str(pages), *["0"] * 5]
        (tmp_path / str(pid) / "stat").write_text(f"{pid} ({comm}) " + " ".join(rest))

    proc(10, "python3", 1, 100)
    proc(11, "page find) (x", 10, 50)
    proc(12, "grandchild", 11, 7)
    proc(20, "unrelated", 1, 1000)
    (tmp_path / "self").mkdir()
    page_kib = os.sysconf("SC_PAGE_SIZE") // 1024
    assert measure.tree_rss_kib(10, tmp_path) == 157 * page_kib
    assert measure.tree_rss_kib(11, tmp_path) == 57 * page_kib
    assert measure.tree_rss_kib(99, tmp_path) == 0


def shape_counts(generated: corpus.Corpus) -> tuple[list[int], list[int], list[int]]:
    """Per write-up: distinct people @mentioned, distinct #hashtags, comment files."""
    known = handle_map(generated.files)
    comments = collections.Counter(
        rel.split("/")[1] for rel in generated.files if rel.startswith("comments/")
    )
    handles, hashtags, per_writeup = [], [], []
    for rel in generated.writeups:
        prose = CODE_SPAN.sub("", split(generated.files[rel])[1])
        handles.append(len({known[h.lower()] for h in MENTION.findall(prose)}))
        hashtags.append(len({t.lower() for t in HASHTAG.findall(prose)}))
        per_writeup.append(comments[Path(rel).stem])
    return handles, hashtags, per_writeup


@pytest.mark.parametrize("name", sorted(corpus.SHAPES))
def test_each_shape_keeps_its_ranges_and_is_deterministic(name: str) -> None:
    shape = corpus.SHAPES[name]
    generated = corpus.generate(150, shape=name)
    handles, hashtags, comments = shape_counts(generated)
    assert all(shape.handles[0] <= n <= shape.handles[1] for n in handles)
    assert all(shape.hashtags[0] <= n <= shape.hashtags[1] for n in hashtags)
    # The whole range is used, not one corner of it.
    assert min(handles) < max(handles) and min(hashtags) < max(hashtags)
    assert max(comments) <= shape.comments_max
    assert abs(statistics.mean(comments) - shape.comments_mean) < 0.2 * shape.comments_mean
    assert generated.comment_count == sum(comments)
    people = tomllib.loads(generated.files["people.toml"])["people"]
    assert len(people) == shape.people_pool(150)
    # Every write-up still has the spec's body length, whatever it names.
    assert all(600 <= words(split(generated.files[r])[1]) <= 900 for r in generated.writeups)
    again = corpus.generate(150, shape=name)
    assert again.files == generated.files and again.vanilla == generated.vanilla
    assert corpus.generate(150, seed=9, shape=name).files != generated.files


def test_dense_names_more_people_and_topics_from_larger_pools() -> None:
    default, dense = corpus.generate(200), corpus.generate(200, shape="dense")
    d_handles, d_tags, d_comments = shape_counts(default)
    x_handles, x_tags, x_comments = shape_counts(dense)
    assert statistics.mean(x_handles) > 1.5 * statistics.mean(d_handles)
    assert statistics.mean(x_tags) > 1.5 * statistics.mean(d_tags)
    assert sum(x_comments) > 2 * sum(d_comments)

    def pool(generated: corpus.Corpus) -> tuple[int, int]:
        people = tomllib.loads(generated.files["people.toml"])["people"]
        topics = {
            t.lower()
            for rel in generated.writeups
            for t in HASHTAG.findall(CODE_SPAN.sub("", split(generated.files[rel])[1]))
        }
        return len(people), len(topics)

    (d_people, d_topics), (x_people, x_topics) = pool(default), pool(dense)
    assert x_people > 2 * d_people and x_topics > 1.5 * d_topics  # topics include event tags


def test_a_small_dense_corpus_has_enough_people_to_mention() -> None:
    """At 3 write-ups the pools still hold more people and topics than a write-up names."""
    handles, hashtags, _ = shape_counts(corpus.generate(3, shape="dense"))
    assert len(handles) == 3 and min(handles) >= corpus.SHAPES["dense"].handles[0]
    assert min(hashtags) >= corpus.SHAPES["dense"].hashtags[0]


def test_the_command_line_writes_the_named_shape(tmp_path: Path) -> None:
    assert corpus.main(["--posts", "8", "--out", str(tmp_path / "a"), "--shape", "dense"]) == 0
    corpus.write_corpus(corpus.generate(8, shape="dense"), tmp_path / "b")
    assert tree_hash(tmp_path / "a") == tree_hash(tmp_path / "b")
    with pytest.raises(ValueError, match=r"unknown shape 'sparse' \(known: default, dense\)"):
        corpus.generate(8, shape="sparse")


def test_two_shapes_give_a_labelled_ratios_line_each(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    labels = fake_builds(monkeypatch, ["s"] * 8)
    figures = runner.main(posts=5, repeats=1, workdir=tmp_path, shapes=["default", "dense"])
    out = capsys.readouterr().out.splitlines()
    assert sum(1 for line in out if RATIOS.match(line)) == 2  # each run's own closing line
    summary = out[-2:]
    assert [line.split(": ratios: ")[0] for line in summary] == ["shape default", "shape dense"]
    assert all(RATIOS.match("ratios: " + line.split(": ratios: ")[1]) for line in summary)
    assert figures["shape dense: ratio_cold"] == pytest.approx(0.75)
    # Each shape has its own corpus (the dense one with more comments per write-up).
    assert (tmp_path / "compare-5").is_dir() and (tmp_path / "compare-5-dense").is_dir()
    dense = [line for line in out if line.startswith("corpus: ") and "shape dense" in line]
    assert dense and "8–20 people" in dense[0]
    assert len(labels) == 10  # per shape: cold, warm (A B), Breakout with nothing changed


def test_workers_reach_the_breakout_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--workers sets BREAKOUT_WORKERS in the build process (the settings file records it)."""
    seen = tmp_path / "seen.txt"
    conf = tmp_path / "conf.py"
    conf.write_text(
        f"import os\nopen({str(seen)!r}, 'w').write(os.environ.get('BREAKOUT_WORKERS', '-'))\n"
    )
    (tmp_path / "site" / "content").mkdir(parents=True)
    for workers, expected in ((2, "2"), (1, "1")):
        measure.run_build(measure.Site("breakout", conf, tmp_path / "site", workers), "w")
        assert seen.read_text() == expected
    monkeypatch.delenv("BREAKOUT_WORKERS", raising=False)
    measure.run_build(measure.Site("breakout", conf, tmp_path / "site"), "none")
    assert seen.read_text() == "-"


def test_the_cli_takes_lists_and_refuses_bad_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_builds(monkeypatch, ["s"] * 8)
    runner.cli(["--posts", "4", "--repeats", "1", "--workdir", str(tmp_path), "--workers", "1,2"])
    out = capsys.readouterr().out
    assert "shape default, workers 1: ratios: cold=" in out
    assert "shape default, workers 2: ratios: cold=" in out
    assert (tmp_path / "compare-4-w2").is_dir()
    with pytest.raises(SystemExit, match="unknown shape 'sparse'"):
        runner.main(posts=3, repeats=1, workdir=tmp_path, shapes=["sparse"])
    with pytest.raises(SystemExit, match="one shape and one worker count"):
        runner.main(posts=3, workdir=tmp_path, profile_mode=True, workers=[1, 2])
    with pytest.raises(SystemExit, match="two corpus sizes"):
        runner.main(posts=3, workdir=tmp_path, scale_mode=True, sizes=[10])


def test_scale_runs_with_search_on(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    runner.main(repeats=1, workdir=tmp_path, scale_mode=True, search=True, sizes=(3, 6))
    out = capsys.readouterr().out
    assert "(search indexing on)" in out
    assert re.search(r"^scale: cpu time 6/3=\d", out, re.MULTILINE)
    bundle = tmp_path / "scale-6" / "breakout" / "output" / "pagefind"
    primary = json.loads((bundle / "shards.json").read_text(encoding="utf-8"))["shards"][0]
    assert (bundle / primary / "pagefind.js").is_file()


def test_profile_warm_profiles_the_rebuild_after_the_edit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    runner.main(posts=6, repeats=1, profile_mode="warm", workdir=tmp_path)
    out = capsys.readouterr().out
    assert "Breakout warm build under cProfile" in out and "top 25 by tottime" in out
    base = tmp_path / "profile-6" / "breakout"
    assert (tmp_path / "profile-6" / "breakout-warm.prof").is_file()
    assert sorted(p.name for p in (base / "logs").glob("*.log")) == [
        "cold.log",
        "profile-warm.log",
    ]


def test_sources_are_byte_compiled_before_timing(tmp_path: Path) -> None:
    # Vanilla Pelican's modules come byte-compiled by pip; Breakout's must be too, even
    # when PYTHONDONTWRITEBYTECODE keeps Python from writing .pyc files as it imports.
    import importlib.util

    (tmp_path / "plugins" / "demo").mkdir(parents=True)
    module = tmp_path / "plugins" / "demo" / "core.py"
    module.write_text("VALUE = 1\n", encoding="utf-8")
    conf = tmp_path / "pelicanconf.py"
    conf.write_text("SITENAME = 'x'\n", encoding="utf-8")
    measure.compile_sources(tmp_path)
    for source in (module, conf):
        assert Path(importlib.util.cache_from_source(str(source))).is_file()


def test_search_alone_indexes_a_copy_of_the_pages_from_nothing(
    launch_site: Path, tmp_path: Path
) -> None:
    output = tmp_path / "output"
    shutil.copytree(launch_site, output)

    def files(folder: Path) -> dict[Path, tuple[int, int, bytes]]:
        found = (p for p in folder.rglob("*") if p.is_file())
        return {p: (p.stat().st_ino, p.stat().st_mtime_ns, p.read_bytes()) for p in found}

    bundle = files(output / "pagefind")
    (tmp_path / "scratch" / "site").mkdir(parents=True)  # as an interrupted run leaves it
    cost = searchalone.measure_search(output, tmp_path / "scratch", 2, tmp_path / "trash")
    # Pagefind ran (the index was made anew, not kept) and is part of the whole.
    assert 0 < cost.pagefind_cpu <= cost.cpu and cost.wall > 0
    # Both scratch folders went to the trash, whole (the new index in one), to be deleted later.
    assert not (tmp_path / "scratch").exists()
    moved = sorted((tmp_path / "trash").iterdir())
    assert [(m / "site" / "pagefind" / "shards.json").is_file() for m in moved] == [False, True]
    # The measured build's bundle is the same files, untouched (not indexed again in place).
    assert files(output / "pagefind") == bundle


def test_search_alone_failing_names_the_site(tmp_path: Path) -> None:
    output = tmp_path / "output"
    (output / "pagefind").mkdir(parents=True)
    (output / "style.css").write_text("body {}\n", encoding="utf-8")
    with pytest.raises(measure.BenchError) as failed:
        searchalone.measure_search(output, tmp_path / "scratch", 1, tmp_path / "trash")
    assert str(failed.value) == (
        f"indexing {output} apart failed (exit 1): no HTML page to index under "
        f"{tmp_path / 'scratch' / 'site'}"
    )
    assert not (tmp_path / "scratch").exists() and len(list((tmp_path / "trash").iterdir())) == 1


def test_the_search_index_alone_is_set_against_vanilla(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_builds(monkeypatch, ["s"] * 8)
    costs = iter([searchalone.SearchCost(1.0, 2.0, 1.5), searchalone.SearchCost(1.0, 3.0, 2.5)])
    plain = iter(
        [searchalone.SearchCost(0.4, 1.0, 0.9, 5), searchalone.SearchCost(0.6, 3.0, 2.9, 5)]
    )
    indexed: list[Path] = []

    def measure_search(
        output: Path, scratch: Path, workers: int | None, trash: Path
    ) -> searchalone.SearchCost:
        indexed.append(output)
        assert trash == output.parent / "trash"  # deleted after the run, not between builds
        return next(costs)

    def measure_plain_search(
        output: Path, content: Path, scratch: Path, trash: Path
    ) -> searchalone.SearchCost:
        indexed.append(output)
        assert content == output.parent / "content" and trash == output.parent / "trash"
        return next(plain)

    monkeypatch.setattr(comparison, "measure_search", measure_search)
    monkeypatch.setattr(comparison, "measure_plain_search", measure_plain_search)
    figures = runner.main(posts=5, repeats=2, workdir=tmp_path, search=True)
    out = capsys.readouterr().out
    # Each cold build, once a repeat: Breakout's apart, vanilla's by one Pagefind run.
    assert [p.parent.name for p in indexed] == ["vanilla", "breakout"] * 2
    assert figures["search_alone_cpu"] == pytest.approx(2.5)
    # Medians 2.5 s (2.0 of it Pagefind) against vanilla's 8.0 s, and Breakout's 6.0 s less it.
    assert "2.50 s CPU (2.00 s of it Pagefind), 1.00 s wall; = 0.312 of vanilla's cold CPU" in out
    assert "Breakout's cold CPU less the index alone: 3.50 s = 0.438 of vanilla's" in out
    # Vanilla with search: medians 2.0 s CPU and 0.5 s wall on top of its 8.0 s and 10.0 s.
    assert (
        "vanilla with search (one Pagefind run over its 5 write-up and page files after its "
        "cold build, as the pelican-search plugin adds it): 2.00 s CPU, 0.50 s wall\n"
        "  Breakout's cold build against vanilla's plus that: CPU 0.600, wall 0.762\n"
    ) in out


def test_vanilla_with_search_indexes_its_writeups_and_pages_only(tmp_path: Path) -> None:
    content, output = tmp_path / "content", tmp_path / "output"
    for rel in ("writeups/2011/police-1.md", "writeups/2012/data-2.md", "pages/about.md"):
        (content / rel).parent.mkdir(parents=True, exist_ok=True)
        (content / rel).write_text("Title: x\n\nx\n", encoding="utf-8")
    page = "<html lang='en'><head><title>{0}</title></head><body><p>{0} words</p></body></html>"
    for rel in ("police-1.html", "data-2.html", "pages/about.html", "index.html", "tag/x.html"):
        (output / rel).parent.mkdir(parents=True, exist_ok=True)
        (output / rel).write_text(page.format(rel), encoding="utf-8")
    cost = searchalone.measure_plain_search(output, content, tmp_path / "s", tmp_path / "trash")
    assert cost.pages == 3 and 0 < cost.pagefind_cpu <= cost.cpu and cost.wall > 0
    assert not (tmp_path / "s").exists()
    (moved,) = (tmp_path / "trash").iterdir()
    # Pagefind was given the write-ups and the page, not the listings (index, tags).
    entry = json.loads((moved / "site" / "pagefind" / "pagefind-entry.json").read_text("utf-8"))
    assert [lang["page_count"] for lang in entry["languages"].values()] == [3]
    assert sorted(p.name for p in (moved / "site").rglob("*.html")) == [
        "about.html",
        "data-2.html",
        "police-1.html",
    ]
    assert (output / "index.html").is_file()  # the build's output is left as it was


def test_vanilla_with_search_names_the_pages_it_cannot_find(tmp_path: Path) -> None:
    content, output = tmp_path / "content", tmp_path / "output"
    for rel in ("writeups/2011/police-1.md", "writeups/2012/data-2.md"):
        (content / rel).parent.mkdir(parents=True, exist_ok=True)
        (content / rel).write_text("Title: x\n\nx\n", encoding="utf-8")
    (output / "pages").mkdir(parents=True)
    (output / "police-1.html").write_text("<p>x</p>", encoding="utf-8")
    with pytest.raises(measure.BenchError) as failed:
        searchalone.measure_plain_search(output, content, tmp_path / "s", tmp_path / "trash")
    assert str(failed.value) == (
        f"{output}: no page for 1 of the 2 source files under {content} (data-2.html): "
        "vanilla's ARTICLE_SAVE_AS or PAGE_SAVE_AS no longer match bench/searchalone.py"
    )


def test_without_search_nothing_is_indexed_apart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_builds(monkeypatch, ["s"] * 4)
    monkeypatch.setattr(comparison, "measure_search", lambda *a: pytest.fail("indexed"))
    monkeypatch.setattr(comparison, "measure_plain_search", lambda *a: pytest.fail("vanilla"))
    figures = runner.main(posts=5, repeats=1, workdir=tmp_path)
    out = capsys.readouterr().out
    assert "search index alone" not in out and "vanilla with search" not in out
    assert "search_alone_cpu" not in figures and "vanilla_search_cpu" not in figures
