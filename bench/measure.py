"""Measuring one build: its site, its costs (CPU, wall, peak RSS of the process and its tree), its output.

Each build runs in a fresh `python -m bench.child` process so its peak RSS can be read
with os.wait4; a thread samples the summed RSS of its process tree beside it.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BREAKOUT_CONF = ROOT / "bench" / "breakoutconf.py"  # search off; --search uses pelicanconf.py
BREAKOUT_SEARCH_CONF = ROOT / "pelicanconf.py"
VANILLA_CONF = Path(__file__).resolve().parent / "vanillaconf.py"
SAMPLE_SECONDS = 0.05  # how often TreeSampler reads /proc (about 3 ms of the runner's CPU each)

Print = Callable[..., None]


def say(*args: object) -> None:
    """print() that flushes, so progress shows while `invoke bench` pipes the output."""
    print(*args, flush=True)


class BenchError(Exception):
    """A build failed or the corpus could not be prepared; the message says which and why."""


def move_aside(folder: Path, trash: Path) -> None:
    """Move folder, if it exists, into trash under a name of its own (deleted after the run).

    Not deleted now: see Site.clean.
    """
    if folder.exists():
        trash.mkdir(parents=True, exist_ok=True)
        folder.rename(trash / f"{folder.name}-{time.time_ns()}")


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
            move_aside(folder, self.trash)

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
    log_path, result_path = _log_files(site, label)
    cmd = [sys.executable, "-m", "bench.child", *_folders(site), "--result", str(result_path)]
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
    if site.fresh_output:
        _wait_for_remover(site)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise BenchError(
            f"{site.name} build '{label}' failed (exit {proc.returncode}); end of {log_path}:\n"
            f"{_tail(log_path)}"
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


def run_kept(site: Site, edit: Path, label: str, edits: int = 4) -> dict[str, float]:
    """One-word edits of `edit` rebuilt by a kept site (`invoke livereload`) in a fresh process.

    The result of bench.kept: median wall and CPU of a rebuild, and how many of the edits
    were written without reading the whole site again; raises if a build failed.
    """
    log_path, result_path = _log_files(site, label)
    cmd = [sys.executable, "-m", "bench.kept", *_folders(site), "--edit", str(edit)]
    cmd += ["--edits", str(edits), "--result", str(result_path)]
    with log_path.open("wb") as log:
        code = subprocess.call(
            cmd, cwd=ROOT, env=site.env(), stdin=subprocess.DEVNULL, stdout=log, stderr=log
        )
    _wait_for_remover(site)
    if code != 0 or not result_path.exists():
        raise BenchError(
            f"{site.name} kept rebuilds '{label}' failed (exit {code}):\n{_tail(log_path)}"
        )
    return dict(json.loads(result_path.read_text()))


def _log_files(site: Site, label: str) -> tuple[Path, Path]:
    """root/logs/<label>.log and .json (the latter removed: a run writes it afresh)."""
    logs = site.root / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    result_path = logs / f"{label}.json"
    result_path.unlink(missing_ok=True)
    return logs / f"{label}.log", result_path


def _folders(site: Site) -> list[str]:
    """The settings file and folders a build of site is given on its command line."""
    return [
        "--conf", str(site.conf), "--path", str(site.content),
        "--output", str(site.output), "--cache", str(site.cache),
    ]  # fmt: skip


def _wait_for_remover(site: Site) -> None:
    """Let the detached removal of the replaced output (tools/removal.py) finish, untimed.

    Not during the next build, whose time it would add to.
    """
    from tools.build import staging_folders
    from tools.removal import wait_until_removed

    wait_until_removed(staging_folders(site.output)[1])


def _tail(log_path: Path) -> str:
    """The last 40 lines of a failed run's log."""
    return "\n".join(log_path.read_text(errors="replace").splitlines()[-40:])


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


def compile_sources(root: Path = ROOT) -> None:
    """Byte-compile Breakout's own modules before anything is timed, as pip does for libraries.

    pip byte-compiles vanilla Pelican's modules (and every other installed package's) when
    it installs them. Breakout's plugins load from the repository, and where the
    environment sets PYTHONDONTWRITEBYTECODE (CI images and this machine do) Python never
    writes their .pyc, so every build compiled about 100 modules again: 0.19 s of each
    build at 2,000 write-ups, which a user of an ordinary install pays once.
    """
    import compileall

    for folder in ("plugins", "tools", "bench"):
        if (root / folder).is_dir():
            compileall.compile_dir(root / folder, quiet=1)
    for conf in root.glob("*conf.py"):
        compileall.compile_file(conf, quiet=1)


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


def mib(kib: float) -> float:
    return kib / 1024


def fmt_ratio(value: float) -> str:
    return f"{value:.3f}"
