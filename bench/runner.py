"""Benchmark Breakout against vanilla Pelican 4.12 on a generated corpus (`invoke bench`).

Each build runs in a fresh `python -m bench.child` process so its peak RSS can be read
with os.wait4. One run alternates A B A B: vanilla cold, Breakout cold, (the same one-word
edit in both corpora), vanilla warm, Breakout warm, for each repeat; then it prints the
medians and ends with one line
`ratios: cold=<x> cold_wall=<v> warm_over_cold=<y> rss=<z> bytes=<w>`.

Time ratios use CPU time (user+sys of each build process, read with wait4) by default:
on the shared 2-core machines wall time mostly measures the neighbours. `--clock wall`
switches them to wall time (right on a quiet machine, or once a build runs in parallel);
both are printed either way.

`--shape NAME` picks the corpus shape (bench.corpus.SHAPES); `--shapes default,dense`
runs the comparison at each shape in turn and ends with one labelled ratios line per shape.
`--workers N` (or a list, `--workers 1,2`) sets BREAKOUT_WORKERS for Breakout's builds.

Other modes: `--scale` (Breakout cold at 2,000 and 5,000 write-ups, or `--sizes A,B`, time
ratio) and `--profile [cold|warm]` (one Breakout build under cProfile, top 25 cumulative
and tottime; `warm` profiles the rebuild after the one-word edit).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import platform
import pstats
import shutil
import statistics
import subprocess
import sys
import sysconfig
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from bench import corpus as corpus_mod

ROOT = Path(__file__).resolve().parent.parent
BREAKOUT_CONF = ROOT / "bench" / "breakoutconf.py"  # search off; --search uses pelicanconf.py
BREAKOUT_SEARCH_CONF = ROOT / "pelicanconf.py"
VANILLA_CONF = Path(__file__).resolve().parent / "vanillaconf.py"
DEFAULT_WORKDIR = ROOT / "bench" / "out"
SCALE_SIZES = (2000, 5000)
RETRIES = 2  # extra attempts at a repeat during which the Breakout code changed
TARGETS = {
    "cold": 1.0,
    "cold_wall": 0.6,
    "warm_over_cold": 0.3,
    "rss": 1.5,
    "bytes": 0.5,
    "scale": 2.6,
}
TREE_RSS_TARGET_MB = 500  # issue 21: the whole process tree, search indexer included
SAMPLE_SECONDS = 0.05  # how often TreeSampler reads /proc (about 3 ms of the runner's CPU each)

Print = Callable[..., None]


def say(*args: object) -> None:
    """print() that flushes, so progress shows while `invoke bench` pipes the output."""
    print(*args, flush=True)


class BenchError(Exception):
    """A build failed or the corpus could not be prepared; the message says which and why."""


@dataclass(frozen=True)
class Site:
    """One side of the comparison: a settings file and its own content/output/cache folders."""

    name: str
    conf: Path
    root: Path
    workers: int | None = None  # BREAKOUT_WORKERS for its builds; None: the runner's own
    # Build as `invoke build` does (fresh folder, hard links, swap): what a user waits for.
    fresh_output: bool = False

    def env(self) -> dict[str, str]:
        """The build process's environment: the runner's, with BREAKOUT_WORKERS if set."""
        env = dict(os.environ)
        if self.workers is not None:
            # breakout_kernel.workers owns the number; the variable is its documented input.
            env["BREAKOUT_WORKERS"] = str(self.workers)
        return env

    @property
    def content(self) -> Path:
        """The content folder (Pelican's PATH)."""
        return self.root / "content"

    @property
    def output(self) -> Path:
        """The output folder (OUTPUT_PATH)."""
        return self.root / "output"

    @property
    def cache(self) -> Path:
        """The content cache folder (CACHE_PATH)."""
        return self.root / "cache"

    @property
    def trash(self) -> Path:
        """Where clean() moves old output and cache; empty_trash() deletes them."""
        return self.root / "trash"

    def clean(self) -> None:
        """Move output and cache aside so the next build is cold; delete them later.

        Not deleted here: ext4 skips inodes deleted in the last minutes when it allocates
        new ones (`recently_deleted` in the kernel's inode allocator), so a build that
        creates thousands of files right after thousands were deleted spent seconds of
        system time scanning inode tables (a Breakout cold build: 2.1 s of system time,
        then 6.9 s after its own output was deleted; perf showed recently_deleted and
        find_inode_bit). That cost belongs to neither build: empty_trash() runs after
        the measurements.
        """
        for folder in (self.output, self.cache):
            if folder.exists():
                self.trash.mkdir(parents=True, exist_ok=True)
                folder.rename(self.trash / f"{folder.name}-{time.time_ns()}")

    def empty_trash(self) -> None:
        """Delete what clean() moved aside."""
        shutil.rmtree(self.trash, ignore_errors=True)


@dataclass(frozen=True)
class Build:
    """What one build cost: wall seconds, CPU seconds (user+sys) and peak RSS in KiB.

    cpu and rss_kib cover the build process and any subprocess it ran (wait4 sums them);
    sub_cpu and sub_rss_kib are the subprocesses' share, self_rss_kib Python's own peak.
    """

    wall: float
    cpu: float
    rss_kib: int
    self_rss_kib: int = 0
    user: float = 0.0  # cpu = user + sys
    sys: float = 0.0
    sub_cpu: float = 0.0
    sub_rss_kib: int = 0
    tree_rss_kib: int = 0  # peak of the summed RSS of the build and its live subprocesses


def tree_rss_kib(root: int, proc: Path = Path("/proc")) -> int:
    """Summed resident memory (KiB) of process `root` and every descendant alive right now."""
    children: dict[int, list[int]] = {}
    rss_pages: dict[int, int] = {}
    try:
        names = os.listdir(proc)
    except OSError:  # no /proc (not Linux): nothing to sample
        return 0
    for name in names:
        if not name.isdigit():
            continue
        try:
            stat = (proc / name / "stat").read_bytes()
        except OSError:  # exited while we looked
            continue
        # comm (field 2) may hold spaces and parentheses: split after its closing one.
        fields = stat[stat.rindex(b")") + 2 :].split()
        pid = int(name)
        children.setdefault(int(fields[1]), []).append(pid)  # field 4, ppid
        rss_pages[pid] = int(fields[21])  # field 24, rss in pages
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss_pages.get(pid, 0)
        todo.extend(children.get(pid, ()))
    return total * (os.sysconf("SC_PAGE_SIZE") // 1024)


class TreeSampler:
    """Samples a process tree's summed RSS in a thread; `peak` is the highest sum seen.

    wait4's ru_maxrss is the peak of the single biggest process, so a Python build that
    holds its memory while Pagefind runs beside it is under-reported; sampling the sum
    catches that (a spike shorter than SAMPLE_SECONDS can be missed).
    """

    def __init__(self, pid: int, interval: float = SAMPLE_SECONDS) -> None:
        self.pid, self.interval, self.peak = pid, interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, tree_rss_kib(self.pid))
            self._stop.wait(self.interval)

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def run_build(site: Site, label: str, profile: Path | None = None) -> Build:
    """Build `site` in a fresh process; its log goes to root/logs/<label>.log; raise if it fails."""
    logs = site.root / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    log_path = logs / f"{label}.log"
    result_path = logs / f"{label}.json"
    result_path.unlink(missing_ok=True)
    cmd = [
        sys.executable, "-m", "bench.child", "--conf", str(site.conf), "--path", str(site.content),
        "--output", str(site.output), "--cache", str(site.cache), "--result", str(result_path),
    ]  # fmt: skip
    if profile is not None:
        cmd += ["--profile", str(profile)]
    if site.fresh_output:
        cmd.append("--fresh-output")
    with log_path.open("wb") as log:
        start = time.perf_counter()
        # cwd=ROOT puts the repository on the child's sys.path (for `-m bench.child`).
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env=site.env(), stdin=subprocess.DEVNULL, stdout=log, stderr=log
        )
        try:
            with TreeSampler(proc.pid) as sampler:
                # wait4 reaps this child and returns its own rusage: a clean per-build peak RSS.
                _, status, usage = os.wait4(proc.pid, 0)
        except BaseException:  # Ctrl-C: do not leave a build running
            proc.kill()
            proc.wait()
            raise
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        tail = "\n".join(log_path.read_text(errors="replace").splitlines()[-40:])
        raise BenchError(
            f"{site.name} build '{label}' failed (exit {proc.returncode}); end of {log_path}:\n{tail}"
        )
    split = json.loads(result_path.read_text()) if result_path.exists() else {}
    # Linux reports ru_maxrss in KiB.
    return Build(
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        user=usage.ru_utime,
        sys=usage.ru_stime,
        rss_kib=usage.ru_maxrss,
        self_rss_kib=split.get("self_rss_kib", usage.ru_maxrss),
        sub_cpu=split.get("sub_cpu", 0.0),
        sub_rss_kib=split.get("sub_rss_kib", 0),
        # The biggest single process is a floor for the tree (a sample may miss its peak).
        tree_rss_kib=max(sampler.peak, usage.ru_maxrss),
    )


def sources_stamp() -> str:
    """Hash of the names, sizes and mtimes of the plugin sources and pelicanconf.py."""
    h = hashlib.sha256()
    # Only .py files: a build writes __pycache__, and templates do not affect the cache.
    paths = [BREAKOUT_CONF, BREAKOUT_SEARCH_CONF, *sorted((ROOT / "plugins").rglob("*.py"))]
    for path in paths:
        try:
            st = path.stat()
        except OSError:  # removed while we looked
            continue
        h.update(f"{path}:{st.st_size}:{st.st_mtime_ns}\0".encode())
    return h.hexdigest()


def cache_stamp(site: Site) -> str:
    """What decides whether the site's next build may load its content cache.

    Breakout keeps CACHE_PATH/breakout.stamp (docs/ARCHITECTURE.md, Caching) and skips
    the cache when it changes; without that file, the plugin sources stand in for it.
    """
    try:
        return (site.cache / "breakout.stamp").read_text()
    except OSError:
        return sources_stamp()


@dataclass(frozen=True)
class Tree:
    """What a build wrote: files and bytes, and the bytes of its HTML pages and its feeds."""

    files: int
    size: int
    html: int = 0
    feeds: int = 0  # every .xml file but a sitemap


def tree_size(folder: Path) -> Tree:
    """Number of files and total bytes under a folder, with the HTML and feed bytes apart."""
    files = size = html = feeds = 0
    for dirpath, _dirs, names in os.walk(folder):
        for name in names:
            files += 1
            n = os.stat(os.path.join(dirpath, name)).st_size
            size += n
            if name.endswith(".html"):
                html += n
            elif name.endswith(".xml") and not name.startswith("sitemap"):
                feeds += n
    return Tree(files, size, html, feeds)


def machine_line() -> str:
    """CPU model, cores, RAM, OS, Python and Pelican versions, load average: where figures ran."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = f", {int(line.split()[1]) / 1024**2:.0f} GiB RAM"
                break
    except OSError:
        pass
    load = (
        ", load {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()) if hasattr(os, "getloadavg") else ""
    )
    return (
        f"{cpu}, {os.cpu_count()} cores{ram}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}, Pelican {metadata.version('pelican')}{load}"
    )


@dataclass(frozen=True)
class Prepared:
    """What the runner needs of a generated corpus; the corpus itself stays in the child that wrote it."""

    comment_count: int
    seed: int
    edit_target: str  # the write-up the warm builds edit, relative to content/
    seconds: float


def _generate_and_write(posts: int, base: Path, vanilla: bool, seed: int, shape: str) -> Prepared:
    """Generate the corpus and write it under base (runs in prepare's child process)."""
    start = time.perf_counter()
    generated = corpus_mod.generate(posts, seed, shape)
    corpus_mod.write_corpus(
        generated,
        base / "breakout" / "content",
        base / "vanilla" / "content" if vanilla else None,
    )
    return Prepared(
        generated.comment_count,
        generated.seed,
        generated.edit_target(),
        time.perf_counter() - start,
    )


def prepare(
    posts: int,
    base: Path,
    *,
    vanilla: bool = True,
    seed: int = corpus_mod.SEED,
    shape: str = corpus_mod.DEFAULT_SHAPE,
) -> Prepared:
    """Generate the corpus into base/breakout/content (and base/vanilla/content), in a child process.

    Every build the runner starts inherits the runner's own peak RSS as a floor for its
    ru_maxrss (Linux folds the parent's high-water mark in at fork and exec), so the
    runner must never hold a corpus: at 5,000 write-ups that is more than a build's peak.
    """
    if base.exists():
        # Our own scratch folder from an earlier run: deleted after the run (see Site.clean).
        base.rename(base.with_name(f"{base.name}.old-{time.time_ns()}"))
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(_generate_and_write, posts, base, vanilla, seed, shape).result()


def _variant(shape: str, workers: int | None) -> str:
    """Scratch folder suffix for a shape and worker count ("" for the default shape, as before)."""
    tail = "" if shape == corpus_mod.DEFAULT_SHAPE else f"-{shape}"
    return tail + ("" if workers is None else f"-w{workers}")


def _corpus_line(posts: int, comments: int, shape: str) -> str:
    """What the corpus is: size, comments and shape with what it means."""
    form = corpus_mod.get_shape(shape)
    return (
        f"{posts} write-ups, {comments} comments, shape {shape} ({form.summary}: "
        f"{form.handles[0]}–{form.handles[1]} people and {form.hashtags[0]}–{form.hashtags[1]} "
        f"hashtags per write-up, pools of {form.people_pool(posts)} people and "
        f"{form.topic_pool(posts)} topics, comments Poisson mean {form.comments_mean:g})"
    )


def _mib(kib: float) -> float:
    return kib / 1024


def _fmt_ratio(value: float) -> str:
    return f"{value:.3f}"


def _one_repeat(
    sites: Sequence[Site], target: str, label: str
) -> tuple[dict[str, tuple[Build, Build, Tree]], bool]:
    """Cold builds (A B), the one-word edit in both corpora, warm builds (A B).

    Returns each site's (cold, warm, output tree) and whether every warm build could use
    the cache (its cache stamp did not change between the cold and the warm build).
    """
    cold: dict[str, Build] = {}
    trees: dict[str, Tree] = {}
    stamps: dict[str, str] = {}
    for site in sites:
        site.clean()
        cold[site.name] = run_build(site, f"cold{label}")
        trees[site.name] = tree_size(site.output)
        stamps[site.name] = cache_stamp(site)
    for site in sites:
        corpus_mod.edit_one_word(site.content / target)
    warm = {site.name: run_build(site, f"warm{label}") for site in sites}
    cached = all(cache_stamp(site) == stamps[site.name] for site in sites)
    return {s.name: (cold[s.name], warm[s.name], trees[s.name]) for s in sites}, cached


def compare(
    posts: int,
    repeats: int,
    workdir: Path,
    clock: str = "cpu",
    out: Print = say,
    *,
    conf: Path = BREAKOUT_CONF,
    shape: str = corpus_mod.DEFAULT_SHAPE,
    workers: int | None = None,
) -> dict[str, float]:
    """Vanilla vs Breakout, A B A B; print the table and the final ratios line; return figures."""
    base = workdir / f"compare-{posts}{_variant(shape, workers)}"
    generated = prepare(posts, base, shape=shape)
    vanilla = Site("vanilla", VANILLA_CONF, base / "vanilla")
    breakout = Site("breakout", conf, base / "breakout", workers, fresh_output=True)
    sites = (vanilla, breakout)
    target = generated.edit_target
    out(f"machine: {machine_line()}")
    out(
        f"corpus: {_corpus_line(posts, generated.comment_count, shape)}, "
        f"seed {generated.seed}, generated in {generated.seconds:.1f} s into {base}"
    )
    out(f"Breakout workers: {'as the environment says' if workers is None else workers}")
    out(f"repeats: {repeats} (A B A B: vanilla, breakout); warm edit: {target}")
    cold: dict[str, list[Build]] = {s.name: [] for s in sites}
    warm: dict[str, list[Build]] = {s.name: [] for s in sites}
    trees: dict[str, Tree] = {}
    changed: list[int] = []
    for r in range(1, repeats + 1):
        for attempt in range(1, RETRIES + 2):
            results, cached = _one_repeat(
                sites, target, f"{r}" if attempt == 1 else f"{r}.{attempt}"
            )
            if cached:
                break
            # Plugin code changed mid-repeat (others work in this tree), so Breakout's cache
            # stamp changed and its "warm" build was really a cold read: measure it again.
            again = "; measuring it again" if attempt <= RETRIES else ""
            out(f"  repeat {r}: the cache stamp changed between cold and warm{again}")
        else:
            changed.append(r)
        for name, (c, w, tree) in results.items():
            cold[name].append(c)
            warm[name].append(w)
            trees[name] = tree
        out(
            f"  repeat {r} (CPU s): "
            + "; ".join(
                f"{s.name} cold {cold[s.name][-1].cpu:.2f} (user {cold[s.name][-1].user:.2f}) "
                f"warm {warm[s.name][-1].cpu:.2f}"
                for s in sites
            )
        )

    def med(builds: list[Build], attr: str) -> float:
        return statistics.median(getattr(b, attr) for b in builds)

    fig: dict[str, float] = {}
    for s in sites:
        n = s.name
        fig[f"{n}_cold"] = med(cold[n], "wall")
        fig[f"{n}_warm"] = med(warm[n], "wall")
        fig[f"{n}_cold_cpu"] = med(cold[n], "cpu")
        fig[f"{n}_cold_user"] = med(cold[n], "user")
        fig[f"{n}_cold_sys"] = med(cold[n], "sys")
        fig[f"{n}_warm_cpu"] = med(warm[n], "cpu")
        # Peak of each repeat (cold or warm, whichever is higher), then the median.
        fig[f"{n}_rss_kib"] = statistics.median(
            max(c.rss_kib, w.rss_kib) for c, w in zip(cold[n], warm[n], strict=True)
        )
        tree = trees[n]
        fig[f"{n}_files"], fig[f"{n}_bytes"] = tree.files, tree.size
        fig[f"{n}_html_bytes"], fig[f"{n}_feed_bytes"] = tree.html, tree.feeds
        fig[f"{n}_cold_sub_cpu"] = med(cold[n], "sub_cpu")
        fig[f"{n}_self_rss_kib"] = statistics.median(
            max(c.self_rss_kib, w.self_rss_kib) for c, w in zip(cold[n], warm[n], strict=True)
        )
        fig[f"{n}_sub_rss_kib"] = statistics.median(
            max(c.sub_rss_kib, w.sub_rss_kib) for c, w in zip(cold[n], warm[n], strict=True)
        )
        fig[f"{n}_tree_rss_kib"] = statistics.median(
            max(c.tree_rss_kib, w.tree_rss_kib) for c, w in zip(cold[n], warm[n], strict=True)
        )
    # Time ratios use `clock`: CPU (user+sys of the build process and anything it waited
    # for) by default, because on a shared 2-core machine wall time mostly measures the
    # neighbours; "wall" is right on a quiet machine or if a build goes parallel.
    t = "_cpu" if clock == "cpu" else ""
    other = "" if clock == "cpu" else "_cpu"
    ratios = {
        "cold": fig[f"breakout_cold{t}"] / fig[f"vanilla_cold{t}"],
        # What a user waits for: wall time, whatever the clock (noisy on a shared machine).
        "cold_wall": fig["breakout_cold"] / fig["vanilla_cold"],
        "warm_over_cold": fig[f"breakout_warm{t}"] / fig[f"breakout_cold{t}"],
        "rss": fig["breakout_rss_kib"] / fig["vanilla_rss_kib"],
        "bytes": fig["breakout_bytes"] / fig["vanilla_bytes"],
    }
    fig.update({f"ratio_{k}": v for k, v in ratios.items()})

    rows = [
        ("cold build wall, s", "cold", "{:.2f}"),
        ("warm rebuild wall, s", "warm", "{:.2f}"),
        ("cold CPU (user+sys), s", "cold_cpu", "{:.2f}"),
        ("  of which user, s", "cold_user", "{:.2f}"),
        ("  of which system, s", "cold_sys", "{:.2f}"),
        ("warm CPU (user+sys), s", "warm_cpu", "{:.2f}"),
    ]
    out(f"medians of {repeats} repeat(s); time ratios below use {clock} time:")
    out(f"  {'':26}{'vanilla':>12}{'breakout':>12}{'B/V':>8}")
    for label, key, fmt in rows:
        v, b = fig[f"vanilla_{key}"], fig[f"breakout_{key}"]
        ratio = f"{b / v:>8.2f}" if v else f"{'-':>8}"
        out(f"  {label:26}{fmt.format(v):>12}{fmt.format(b):>12}{ratio}")
        if key == "cold_cpu" and (fig["breakout_cold_sub_cpu"] or fig["vanilla_cold_sub_cpu"]):
            # A plugin ran a tool (Pagefind, say): show its share of the cold build's CPU.
            v, b = fig["vanilla_cold_sub_cpu"], fig["breakout_cold_sub_cpu"]
            out(f"  {'  of which subprocesses':26}{v:>12.2f}{b:>12.2f}")
    v_wc, b_wc = fig[f"vanilla_warm{t}"] / fig[f"vanilla_cold{t}"], ratios["warm_over_cold"]
    out(f"  {'warm / cold (' + clock + ')':26}{v_wc:>12.2f}{b_wc:>12.2f}")
    v_ms, b_ms = 1000 * fig[f"vanilla_cold{t}"] / posts, 1000 * fig[f"breakout_cold{t}"] / posts
    out(f"  {'cold ms/write-up (' + clock + ')':26}{v_ms:>12.1f}{b_ms:>12.1f}{b_ms / v_ms:>8.2f}")
    v_rss, b_rss = _mib(fig["vanilla_rss_kib"]), _mib(fig["breakout_rss_kib"])
    out(f"  {'peak RSS, MiB':26}{v_rss:>12.1f}{b_rss:>12.1f}{ratios['rss']:>8.2f}")
    v_tree, b_tree = _mib(fig["vanilla_tree_rss_kib"]), _mib(fig["breakout_tree_rss_kib"])
    tree_ratio = f"{b_tree / v_tree:>8.2f}" if v_tree else f"{'-':>8}"
    out(f"  {'peak RSS, process tree':26}{v_tree:>12.1f}{b_tree:>12.1f}{tree_ratio}")
    for n in ("vanilla", "breakout"):
        # A child's ru_maxrss starts from its parent's RSS at fork (Linux keeps the pre-exec
        # high-water mark), so a tool's own peak is only known when it is the higher one.
        if fig[f"{n}_sub_rss_kib"] > fig[f"{n}_self_rss_kib"]:
            out(
                f"  note: {n}'s peak RSS is a subprocess's; Python's own peak was "
                f"{_mib(fig[f'{n}_self_rss_kib']):.1f} MiB"
            )
    v_f, b_f = fig["vanilla_files"], fig["breakout_files"]
    out(f"  {'output files':26}{v_f:>12.0f}{b_f:>12.0f}{b_f / v_f:>8.2f}")
    v_mb, b_mb = fig["vanilla_bytes"] / 1e6, fig["breakout_bytes"] / 1e6
    out(f"  {'output MB':26}{v_mb:>12.2f}{b_mb:>12.2f}{ratios['bytes']:>8.2f}")
    for label, key in (("  of which HTML", "html_bytes"), ("  of which feeds (XML)", "feed_bytes")):
        v, b = fig[f"vanilla_{key}"] / 1e6, fig[f"breakout_{key}"] / 1e6
        ratio = f"{b / v:>8.2f}" if v else f"{'-':>8}"
        out(f"  {label:26}{v:>12.2f}{b:>12.2f}{ratio}")
    alt_cold = fig[f"breakout_cold{other}"] / fig[f"vanilla_cold{other}"]
    alt_warm = fig[f"breakout_warm{other}"] / fig[f"breakout_cold{other}"]
    alt_name = "wall" if clock == "cpu" else "cpu"
    out(f"{alt_name} ratios (reference): cold={alt_cold:.3f} warm_over_cold={alt_warm:.3f}")
    if changed:
        out(
            f"note: in repeat(s) {changed} the cache stamp changed between cold and warm even "
            f"after {RETRIES} retries (plugin code being edited?): warm there was a cold read"
        )
    if hasattr(os, "getloadavg"):
        out("load average at end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    tree_mb = fig["breakout_tree_rss_kib"] * 1024 / 1e6
    verdict = "ok" if tree_mb < TREE_RSS_TARGET_MB else "MISS"
    out(
        f"process tree: Breakout's peak RSS with every subprocess (sampled every "
        f"{SAMPLE_SECONDS * 1000:.0f} ms) {tree_mb:.0f} MB {verdict} (< {TREE_RSS_TARGET_MB} MB)"
    )
    out(
        "targets: "
        + ", ".join(
            f"{k} {_fmt_ratio(v)} {'ok' if v <= TARGETS[k] else 'MISS'} (≤ {TARGETS[k]})"
            for k, v in ratios.items()
        )
    )
    out("ratios: " + " ".join(f"{k}={_fmt_ratio(v)}" for k, v in ratios.items()))
    return fig


def scale(
    repeats: int,
    workdir: Path,
    sizes: Sequence[int] = SCALE_SIZES,
    clock: str = "cpu",
    out: Print = say,
    *,
    conf: Path = BREAKOUT_CONF,
    shape: str = corpus_mod.DEFAULT_SHAPE,
    workers: int | None = None,
) -> dict[str, float]:
    """Breakout cold builds at two corpus sizes, alternating; print the time ratio large/small."""
    small, large = sizes
    sites = {}
    out(f"machine: {machine_line()}")
    for n in sizes:
        base = workdir / f"scale-{n}{_variant(shape, workers)}"
        generated = prepare(n, base, vanilla=False, shape=shape)
        sites[n] = Site("breakout", conf, base / "breakout", workers, fresh_output=True)
        out(
            f"corpus: {_corpus_line(n, generated.comment_count, shape)} "
            f"(generated in {generated.seconds:.1f} s)"
        )
    builds: dict[int, list[Build]] = {n: [] for n in sizes}
    for r in range(1, repeats + 1):
        for n in sizes:
            sites[n].clean()
            builds[n].append(run_build(sites[n], f"cold{r}"))
        out(
            f"  repeat {r}: "
            + "; ".join(
                f"{n}: {b[-1].wall:.2f} s wall, {b[-1].cpu:.2f} s CPU" for n, b in builds.items()
            )
        )
    fig: dict[str, float] = {}
    for n in sizes:
        fig[f"cold_{n}"] = statistics.median(b.cpu if clock == "cpu" else b.wall for b in builds[n])
        fig[f"rss_kib_{n}"] = statistics.median(b.rss_kib for b in builds[n])
        fig[f"tree_rss_kib_{n}"] = statistics.median(b.tree_rss_kib for b in builds[n])
        out(
            f"  Breakout cold {n}: {fig[f'cold_{n}']:.2f} s {clock} "
            f"({1000 * fig[f'cold_{n}'] / n:.1f} ms per write-up), "
            f"peak RSS {_mib(fig[f'rss_kib_{n}']):.1f} MiB "
            f"(process tree {_mib(fig[f'tree_rss_kib_{n}']):.1f} MiB)"
        )
    fig["ratio"] = fig[f"cold_{large}"] / fig[f"cold_{small}"]
    verdict = "ok" if fig["ratio"] <= TARGETS["scale"] else "MISS"
    out(
        f"scale: {clock} time {large}/{small}={_fmt_ratio(fig['ratio'])} "
        f"(linear would be {large / small:.2f}; target ≤ {TARGETS['scale']}: {verdict})"
    )
    return fig


def _short_path(filename: str) -> str:
    """A profile entry's file relative to the repository, site-packages or the stdlib."""
    paths = sysconfig.get_paths()
    for prefix in (str(ROOT), paths["purelib"], paths["platlib"], paths["stdlib"]):
        if filename.startswith(prefix + os.sep):
            return filename[len(prefix) + 1 :]
    return filename


def print_profile(path: Path, top: int = 25, out: Print = say) -> list[tuple[str, float, float]]:
    """Print the top entries by cumulative and by own time; return (function, tottime, cumtime)."""
    stats = pstats.Stats(str(path))
    entries = []
    for (filename, line, func), (cc, nc, tt, ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        calls = f"{nc}/{cc}" if nc != cc else str(nc)
        where = f"{_short_path(filename)}:{line}({func})" if line else func
        entries.append((where, calls, tt, ct))
    total = stats.total_tt  # type: ignore[attr-defined]
    for title, index in (("cumulative", 3), ("tottime", 2)):
        out(f"top {top} by {title} (profiled build {total:.2f} s of own time):")
        out(f"  {'calls':>12} {'tottime':>8} {'cumtime':>8}  function")
        for where, calls, tt, ct in sorted(entries, key=lambda e: e[index], reverse=True)[:top]:
            out(f"  {calls:>12} {tt:>8.2f} {ct:>8.2f}  {where}")
    return [(where, tt, ct) for where, _calls, tt, ct in entries]


def profile(
    posts: int,
    workdir: Path,
    top: int = 25,
    out: Print = say,
    *,
    conf: Path = BREAKOUT_CONF,
    shape: str = corpus_mod.DEFAULT_SHAPE,
    workers: int | None = None,
    which: str = "cold",
) -> Path:
    """One Breakout build under cProfile (cold, or warm after the one-word edit); print its top."""
    base = workdir / f"profile-{posts}{_variant(shape, workers)}"
    generated = prepare(posts, base, vanilla=False, shape=shape)
    site = Site("breakout", conf, base / "breakout", workers, fresh_output=True)
    stats_path = base / f"breakout-{which}.prof"
    out(f"machine: {machine_line()}")
    out(f"corpus: {_corpus_line(posts, generated.comment_count, shape)}")
    if which == "warm":
        # The cold build fills output and caches unprofiled; the edit is the benchmark's.
        cold = run_build(site, "cold")
        out(f"Breakout cold build (not profiled): {cold.cpu:.2f} s CPU")
        corpus_mod.edit_one_word(site.content / generated.edit_target)
    build = run_build(site, f"profile-{which}", profile=stats_path)
    out(f"Breakout {which} build under cProfile: {build.wall:.2f} s wall; stats in {stats_path}")
    print_profile(stats_path, top, out)
    return stats_path


def _label(shape: str, workers: int | None) -> str:
    """How a summary line names one run: its shape, and its worker count when set."""
    return f"shape {shape}" + ("" if workers is None else f", workers {workers}")


def _check_options(
    posts: int,
    repeats: int,
    clock: str,
    profile_mode: bool | str,
    shapes: Sequence[str],
    workers: Sequence[int | None],
    sizes: Sequence[int],
) -> None:
    """Refuse options that cannot run, with a message saying which and what is allowed."""
    if posts < 1 or repeats < 1:
        raise SystemExit("bench: --posts and --repeats must be at least 1")
    if clock not in ("cpu", "wall"):
        raise SystemExit("bench: --clock must be cpu or wall")
    if profile_mode not in (False, True, "cold", "warm"):
        raise SystemExit("bench: --profile must be cold or warm")
    for shape in shapes:
        if shape not in corpus_mod.SHAPES:
            raise SystemExit(
                f"bench: unknown shape {shape!r} (known: {', '.join(corpus_mod.SHAPES)})"
            )
    if not shapes or not workers or any(w is not None and w < 1 for w in workers):
        raise SystemExit("bench: give at least one shape, and worker counts of at least 1")
    if len(sizes) != 2 or min(sizes) < 1:
        raise SystemExit("bench: --sizes takes two corpus sizes, e.g. 2000,20000")


def main(
    posts: int = 500,
    repeats: int = 3,
    *,
    scale_mode: bool = False,
    profile_mode: bool | str = False,
    workdir: Path | str | None = None,
    clock: str = "cpu",
    search: bool = False,
    shapes: Sequence[str] = (corpus_mod.DEFAULT_SHAPE,),
    workers: Sequence[int | None] = (None,),
    sizes: Sequence[int] = SCALE_SIZES,
) -> dict[str, float]:
    """Run the benchmark (or --scale / --profile); exit with the message if a build fails.

    With more than one shape or worker count, each runs in turn and the figures come back
    keyed "<label>: <figure>"; a labelled ratios line per run closes the output.
    """
    conf = BREAKOUT_SEARCH_CONF if search else BREAKOUT_CONF
    print(
        f"Breakout settings: {conf.relative_to(ROOT)} (search indexing {'on' if search else 'off'})"
    )
    _check_options(posts, repeats, clock, profile_mode, shapes, workers, sizes)
    variants = [(shape, w) for shape in shapes for w in workers]
    if profile_mode and len(variants) > 1:
        raise SystemExit("bench: --profile takes one shape and one worker count")
    folder = Path(workdir) if workdir is not None else DEFAULT_WORKDIR
    folder.mkdir(parents=True, exist_ok=True)
    figures: dict[str, dict[str, float]] = {}
    try:
        for shape, w in variants:
            if len(variants) > 1:
                say(f"== {_label(shape, w)} ==")
            if profile_mode:
                which = "cold" if profile_mode is True else str(profile_mode)
                profile(posts, folder, conf=conf, shape=shape, workers=w, which=which)
                return {}
            if scale_mode:
                fig = scale(repeats, folder, sizes, clock=clock, conf=conf, shape=shape, workers=w)
            else:
                fig = compare(
                    posts, repeats, folder, clock=clock, conf=conf, shape=shape, workers=w
                )
            figures[_label(shape, w)] = fig
    except BenchError as exc:
        raise SystemExit(f"bench: {exc}") from exc
    finally:
        # Site.clean and prepare move old trees aside; they go once nothing is timed.
        for trash in [*folder.glob("*/*/trash"), *folder.glob("*.old-*")]:
            shutil.rmtree(trash, ignore_errors=True)
    if len(variants) == 1:
        return next(iter(figures.values()))
    say("summary (one line per run):")
    for label, fig in figures.items():
        if scale_mode:
            say(
                f"{label}: scale: {clock} time {max(sizes)}/{min(sizes)}={_fmt_ratio(fig['ratio'])}"
            )
        else:
            keys = ("cold", "cold_wall", "warm_over_cold", "rss", "bytes")
            say(
                f"{label}: ratios: "
                + " ".join(f"{k}={_fmt_ratio(fig[f'ratio_{k}'])}" for k in keys)
            )
    return {f"{label}: {k}": v for label, fig in figures.items() for k, v in fig.items()}


def split_names(text: str) -> list[str]:
    """A comma-separated option's values, blanks dropped."""
    return [part.strip() for part in text.split(",") if part.strip()]


def split_ints(text: str) -> list[int]:
    """A comma-separated list of whole numbers (argparse reports a bad one)."""
    try:
        return [int(part) for part in split_names(text)]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not a comma-separated list of numbers: {text!r}"
        ) from None


def cli(argv: Sequence[str] | None = None) -> None:
    """`python -m bench.runner --posts N --repeats R [--shape S | --shapes A,B] [--workers N,M] ...`."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.runner", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--posts", type=int, default=500, help="write-ups in the corpus")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each build")
    parser.add_argument("--scale", action="store_true", help="Breakout cold at two sizes")
    parser.add_argument(
        "--sizes",
        type=split_ints,
        default=list(SCALE_SIZES),
        help="the two corpus sizes of --scale (default 2000,5000)",
    )
    parser.add_argument(
        "--profile",
        nargs="?",
        const="cold",
        choices=("cold", "warm"),
        help="one Breakout build under cProfile: cold (default) or warm after the edit",
    )
    parser.add_argument("--workdir", type=Path, help=f"scratch folder (default {DEFAULT_WORKDIR})")
    parser.add_argument(
        "--clock", choices=("cpu", "wall"), default="cpu", help="time used in the ratios (cpu)"
    )
    parser.add_argument(
        "--search", action="store_true", help="measure Breakout with Pagefind indexing too"
    )
    shape = parser.add_mutually_exclusive_group()
    shape.add_argument(
        "--shape",
        choices=tuple(corpus_mod.SHAPES),
        default=corpus_mod.DEFAULT_SHAPE,
        help="corpus shape (default: default)",
    )
    shape.add_argument(
        "--shapes", type=split_names, help="run at each of these shapes, e.g. default,dense"
    )
    parser.add_argument(
        "--workers",
        type=split_ints,
        help="BREAKOUT_WORKERS for Breakout's builds; a list (1,2) runs each in turn",
    )
    args = parser.parse_args(argv)
    main(
        args.posts,
        args.repeats,
        scale_mode=args.scale,
        profile_mode=args.profile or False,
        workdir=args.workdir,
        clock=args.clock,
        search=args.search,
        shapes=args.shapes or [args.shape],
        workers=args.workers or [None],
        sizes=args.sizes,
    )


if __name__ == "__main__":
    cli()
