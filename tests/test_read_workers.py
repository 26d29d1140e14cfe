"""Reading in worker processes (breakout_content.readahead): same site, same messages, any count.

Real Pelican builds with BREAKOUT_WORKERS=1, 2 and 3: every output file is the same byte
for byte, the builds with more than one worker really had files read by a forked worker,
bad input read by a worker is reported exactly as with one process, and a warm build after
a parallel cold one uses the content cache and gives the site a cold build gives.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from breakout_kernel import build
from breakout_kernel.readahead import ReadAheadState
from conftest import FIXTURES, build_site
from test_messages import build_transcript


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under folder by its relative path, with its bytes."""
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def read_state() -> ReadAheadState:
    """How the last build read its files."""
    this = build.current()
    assert this is not None
    return this.part(ReadAheadState)


def build_with(
    monkeypatch: pytest.MonkeyPatch, workers: int, content: Path, out: Path, cache: Path
) -> ReadAheadState:
    """Build content into out with BREAKOUT_WORKERS=workers; how it read."""
    monkeypatch.setenv("BREAKOUT_WORKERS", str(workers))
    build_site(content, out, cache=cache)
    return read_state()


PEOPLE = ["nickkeane", "sasha_taylor", "someone_new", "jo_bloggs"]
TOPICS = ["police", "socialmedia", "pcc", "nhssms", "opendata"]


def writeup(n: int, *, event: str = "ukgovcamp-2011", extra: str = "", body: str = "") -> str:
    """A generated write-up, different in its people, topics and shape by n."""
    who, other = PEOPLE[n % 4], PEOPLE[(n + 1) % 4]
    topic, second = TOPICS[n % 5], TOPICS[(n + 2) % 5]
    summary = f"Summary: Notes with @{other} on #{second}.\n" if n % 3 == 0 else ""
    script = "\n<script>alert(1)</script>\n" if n % 7 == 0 else ""
    return (
        f"Title: Session {n} on {topic}\nDate: 2013-02-{n % 28 + 1:02d} 10:{n % 60:02d}\n"
        f"Author: Writer {n % 5}\nEvent: {event}\nSession: Session number {n}\n"
        f"Session_leader: @{who}\nTags: {topic}, {second}\n{summary}{extra}\n"
        f"{body or f'Led by @{who}, with @{other} (Name {n}). We talked #{topic} and #ukgc11.'}\n"
        f"{script}\n"
        f"## Part two\n\n* a point about #{second}\n* `@{who}` in code stays\n"
    )


def generated_site(root: Path, count: int = 40) -> Path:
    """The golden fixture plus `count` generated write-ups (a site big enough to share out)."""
    content = root / "content"
    shutil.copytree(FIXTURES / "golden-site", content)
    folder = content / "writeups" / "2013"
    folder.mkdir()
    for n in range(count):
        (folder / f"gen-{n:03d}.md").write_text(writeup(n), encoding="utf-8")
    return content


@pytest.mark.parametrize("site", ["golden", "generated"])
def test_same_output_with_one_two_and_three_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, site: str
) -> None:
    content = FIXTURES / "golden-site" if site == "golden" else generated_site(tmp_path)
    files = len(list(content.glob("writeups/**/*.md"))) + len(list(content.glob("comments/*/*.md")))
    outputs = {}
    for workers in (1, 2, 3):
        out = tmp_path / f"out{workers}"
        state = build_with(monkeypatch, workers, content, out, tmp_path / f"cache{workers}")
        outputs[workers] = tree(out)
        if workers == 1:  # one process: no pool, no fork, read as Pelican reads
            assert state.pools == [] and state.by_workers == 0
        else:  # the main process reads its share (at least the first file) too
            assert 0 < state.by_workers < files, "no file (or every file) was read by a worker"
            assert all(len(pool.pids) == 0 and pool.workers == workers for pool in state.pools)
    assert outputs[1], "the build wrote nothing"
    for workers in (2, 3):
        assert outputs[workers].keys() == outputs[1].keys()
        differ = [p for p in outputs[1] if outputs[1][p] != outputs[workers][p]]
        assert differ == [], f"{workers} workers: these files differ from one worker's"


def test_warm_build_after_a_parallel_cold_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = generated_site(tmp_path)
    cache = tmp_path / "cache"
    cold = build_with(monkeypatch, 2, content, tmp_path / "cold", cache)
    assert cold.by_workers > 0
    page = content / "writeups" / "2013" / "gen-005.md"
    page.write_text(
        page.read_text(encoding="utf-8").replace("We talked", "We argued about"), encoding="utf-8"
    )
    warm = build_with(monkeypatch, 2, content, tmp_path / "warm", cache)
    # The content cache answers for every file but the edited one: nothing to share out.
    assert warm.pools == [] and warm.by_workers == 0
    fresh = build_with(monkeypatch, 1, content, tmp_path / "fresh", tmp_path / "fresh-cache")
    assert fresh.by_workers == 0
    warm_tree, fresh_tree = tree(tmp_path / "warm"), tree(tmp_path / "fresh")
    assert b"We argued about" in warm_tree["2013/gen-005/index.html"]
    assert warm_tree.keys() == fresh_tree.keys()
    assert [p for p in fresh_tree if fresh_tree[p] != warm_tree[p]] == []


# ------------------------------------------------------------ bad input read by a worker

BUILD = """
import sys
from pathlib import Path
from tasks import _build
try:
    _build(Path(sys.argv[1]), Path("output"), cache=Path("cache"), path=Path("content"))
finally:
    from breakout_kernel import build
    from breakout_kernel.readahead import ReadAheadState
    Path(sys.argv[2]).write_text(str(build.current().part(ReadAheadState).by_workers))
"""


def transcript(folder: Path, workers: int, seed: str = "0") -> tuple[list[str], int]:
    """The console lines of `invoke build`'s build of folder/content; files workers read."""
    count = folder / f"by-workers-{workers}"
    shutil.rmtree(folder / "cache", ignore_errors=True)
    lines = build_transcript(
        folder,
        env={
            "BREAKOUT_WORKERS": str(workers),
            "PYTHONHASHSEED": seed,
        },
        script=BUILD,
        args=(str(count),),
    )
    return lines, int(count.read_text())


def bad_site(root: Path) -> tuple[Path, list[str]]:
    """Generated write-ups, most with a problem, and comments, some with a bad byte; the error
    lines a build must print (sorted)."""
    content = generated_site(root, count=0)
    folder = content / "writeups" / "2013"
    expected: list[str] = []
    where = "content/writeups/2013"
    for n in range(36):
        path = folder / f"bad-{n:03d}.md"
        kind = n % 6
        if kind == 0:
            path.write_text(writeup(n, event="ukgovcamp-2099"), encoding="utf-8")
            expected.append(
                f"{where}/bad-{n:03d}.md:4: unknown event 'ukgovcamp-2099' "
                "(known: bluelightcamp-2012, ukgovcamp-2011)"
            )
        elif kind == 1:
            text = writeup(n).replace("Date: 2013-02-", "Date: 2013-13-")
            path.write_text(text, encoding="utf-8")
            day = f"2013-13-{n % 28 + 1:02d} 10:{n % 60:02d}"
            expected.append(
                f"{where}/bad-{n:03d}.md:2: unparseable date '{day}' "
                "(use YYYY-MM-DD or YYYY-MM-DD HH:MM)"
            )
        elif kind == 2:
            raw = writeup(n).encode("utf-8").replace(b"We talked", b"We \xfftalked")
            path.write_bytes(raw)
            before = raw[: raw.index(b"\xff")]
            line, column = before.count(b"\n") + 1, len(before.rsplit(b"\n", 1)[-1]) + 1
            expected.append(
                f"{where}/bad-{n:03d}.md:{line}: not valid UTF-8 (byte 0xff at column {column})"
            )
        elif kind == 3:
            path.write_text(writeup(n, extra="Sesion_leader: @x\n"), encoding="utf-8")
            line = 9 if n % 3 == 0 else 8  # after the Summary line, if any
            expected.append(
                f"{where}/bad-{n:03d}.md:{line}: unknown metadata key 'Sesion_leader' "
                "(did you mean 'Session_leader'?)"
            )
        elif kind == 4:
            path.write_text(writeup(n).replace("Title: ", "Titel: "), encoding="utf-8")
            expected.append(f"{where}/bad-{n:03d}.md:1: missing required metadata 'Title:'")
            expected.append(
                f"{where}/bad-{n:03d}.md:1: unknown metadata key 'Titel' (did you mean 'Title'?)"
            )
        else:  # a good one between the bad
            path.write_text(writeup(n), encoding="utf-8")
    comments = content / "comments" / "bad-005"
    comments.mkdir()
    for n in range(1, 9):
        body = b"Hello \xff there" if n % 2 else b"Hello there"
        (comments / f"00{n}.md").write_bytes(
            b"Author: Reader %d\nDate: 2013-03-0%d 10:00\n\n%s @nickkeane #police.\n" % (n, n, body)
        )
        if n % 2:
            expected.append(
                f"content/comments/bad-005/00{n}.md:4: not valid UTF-8 (byte 0xff at column 7)"
            )
    return content, sorted(expected)


def test_bad_input_read_by_workers_is_reported_as_by_one_process(tmp_path: Path) -> None:
    _content, expected = bad_site(tmp_path)
    one, by_none = transcript(tmp_path, 1)
    assert by_none == 0
    # Every bad file named, with its line; warnings (removed script) are not errors.
    errors = [line for line in one if line.startswith("content/") and ": warning: " not in line]
    assert sorted(errors) == expected
    assert one[-1] == (
        f"Build failed: {len(expected)} problems found (listed above); fix them and build again"
    )
    assert sum(line.startswith("Build failed") for line in one) == 1
    # Files are read in path order, so another hash seed gives the same transcript
    # (Pelican lists them in a set, whose order follows the seed).
    files = [line.split(":")[0] for line in errors if line.startswith("content/writeups/")]
    assert files == sorted(files) and len(set(files)) > 20
    assert transcript(tmp_path, 1, seed="1")[0] == one
    for workers in (2, 3):
        lines, by_workers = transcript(tmp_path, workers)
        assert by_workers > 0, "no file was read by a worker process"
        assert lines == one
