"""Benchmark the comment intake service: accepted comments per second, p99 latency, spam cost.

    python3 -m bench.intake [--posts 2000] [--clients 50] [--strace-posts 300]

Starts `python3 -m intake` on a free port of 127.0.0.1 with a manifest for one open
write-up (no build needed) and an empty queue in bench/out/intake/, then:

1. accepted: --posts distinct comments from --clients concurrent clients (one address,
   the rate limit raised out of the way): comments per second and latency percentiles;
2. spam: the same number of posts that fill the honeypot, and as many with too many
   links: per second and latency, and the queue's file count before and after;
3. proof that a refused post never touches the disk: strace on the service during
   --strace-posts spam posts, counting file-system calls (open, link, rename, fsync,
   mkdir, unlink, write to a file); the same trace during accepted posts shows each.

No figure is asserted anywhere; tests/intake_service proves correctness.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))

from breakout_comments.intake import ManifestEntry, manifest_json  # noqa: E402

WORK = ROOT / "bench" / "out" / "intake"
SITE = "http://127.0.0.1:8000"
READY = re.compile(r"Uvicorn running on http://127\.0\.0\.1:(\d+)")
FILE_CALLS = (
    "openat,open,creat,link,linkat,rename,renameat,renameat2,mkdir,mkdirat,unlink,unlinkat,"
    "fsync,fdatasync,stat,lstat,newfstatat,statx"
)


def post(i: int, kind: str) -> dict[str, str]:
    """The i-th post of a kind: 'ok' (accepted), 'honeypot' or 'links' (both refused)."""
    body = f"Benchmark comment number {i}: a few words about the session, nothing more."
    data = {"writeup": "bench", "replyto": "", "name": f"Reader {i}", "handle": "",
            "website": "", "comment": body, "leave_empty": ""}  # fmt: skip
    if kind == "honeypot":
        data["leave_empty"] = "http://spam.example/"
    elif kind == "links":
        data["comment"] = (
            body + " http://a.example http://b.example http://c.example http://d.example"
        )
    return data


def start(queue: Path, manifest: Path) -> tuple[subprocess.Popen[str], str]:
    """The service as a process; (process, base URL)."""
    env = {
        **os.environ,
        "BREAKOUT_SITE_URL": SITE,
        "BREAKOUT_INTAKE_MANIFEST": str(manifest),
        "BREAKOUT_INTAKE_QUEUE": str(queue),
        "BREAKOUT_INTAKE_CONTENT_COMMENTS": str(queue.parent / "no-comments"),
        "BREAKOUT_INTAKE_RATE": "1000000/minute",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "intake", "--port", "0"], cwd=ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    assert proc.stdout is not None
    for line in proc.stdout:
        m = READY.search(line)
        if m:
            # Keep draining the log so the service never blocks on a full pipe.
            import threading

            threading.Thread(target=lambda: [None for _ in proc.stdout], daemon=True).start()
            return proc, f"http://127.0.0.1:{m.group(1)}"
    raise SystemExit("the intake service did not start")


async def _run(
    url: str, kind: str, posts: int, clients: int, offset: int
) -> tuple[float, list[float], dict[int | str, int]]:
    """Send `posts` posts with `clients` concurrent clients; (seconds, latencies, statuses)."""
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(posts):
        queue.put_nowait(offset + i)
    latencies: list[float] = []
    statuses: dict[int | str, int] = {}
    headers = {"Origin": SITE}

    # A connection per post, as separate readers' browsers make.
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=0)
    async with httpx.AsyncClient(timeout=120, limits=limits) as http:

        async def client() -> None:
            while not queue.empty():
                i = queue.get_nowait()
                t0 = time.perf_counter()
                try:
                    r = await http.post(url + "/comments", data=post(i, kind), headers=headers)
                    status: int | str = r.status_code
                except httpx.HTTPError as exc:  # counted and shown, never hidden
                    status = type(exc).__name__
                latencies.append(time.perf_counter() - t0)
                statuses[status] = statuses.get(status, 0) + 1

        t0 = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(clients)))
        return time.perf_counter() - t0, latencies, statuses


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process (all its threads) has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(
    url: str, kind: str, posts: int, clients: int, offset: int = 0, pid: int = 0
) -> dict[str, float]:
    """One phase's figures (with pid: the service's CPU time per post)."""
    cpu = cpu_seconds(pid) if pid else 0.0
    seconds, lat, statuses = asyncio.run(_run(url, kind, posts, clients, offset))
    cpu = cpu_seconds(pid) - cpu if pid else 0.0
    lat.sort()
    return {
        "posts": posts,
        "cpu_ms": 1000 * cpu / posts,
        "per_second": posts / seconds,
        "p50_ms": 1000 * statistics.median(lat),
        "p99_ms": 1000 * lat[min(len(lat) - 1, int(0.99 * len(lat)))],
        "statuses": statuses,  # type: ignore[dict-item]
    }


def count_files(queue: Path) -> int:
    """Every file under the queue, temporary ones too."""
    return sum(1 for p in queue.rglob("*") if p.is_file()) if queue.exists() else 0


def traced(pid: int, action: Callable[[], object], queue: Path) -> tuple[int, list[str]]:
    """Run action() with strace on pid; (file-system calls seen, those naming the queue).

    Stat calls count too: a refused post that only reads the manifest's stat still shows.
    """
    if shutil.which("strace") is None:
        return -1, ["strace is not installed"]
    log = Path(tempfile.mkstemp(suffix=".strace")[1])
    tracer = subprocess.Popen(
        ["strace", "-f", "-qq", "-e", f"trace={FILE_CALLS},write", "-o", str(log), "-p", str(pid)],
        stderr=subprocess.DEVNULL,
    )
    time.sleep(1.0)  # let strace attach to every thread
    action()
    time.sleep(0.5)
    tracer.send_signal(signal.SIGINT)
    tracer.wait(timeout=60)
    lines = log.read_text(errors="replace").splitlines()
    log.unlink()
    # write() to sockets is the HTTP answer; only file-system calls and writes to files count.
    calls = [ln for ln in lines if re.search(rf"\b({FILE_CALLS.replace(',', '|')})\(", ln)]
    return len(calls), [ln for ln in calls if str(queue) in ln][:5]


def main(argv: list[str] | None = None) -> None:
    """Run the three phases and print the figures."""
    parser = argparse.ArgumentParser(prog="python3 -m bench.intake", description=__doc__)
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--strace-posts", type=int, default=300)
    args = parser.parse_args(argv)

    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    manifest = WORK / "intake.json"
    manifest.write_text(
        manifest_json(
            [ManifestEntry("bench", "2026/bench/", "Bench", True, ())],
            timezone="Europe/London",
            thanks_url="comments/thanks/",
            max_length=5000,
            max_links=3,
        )
    )
    queue = WORK / "queue"
    proc, url = start(queue, manifest)
    try:
        run(url, "ok", 100, args.clients, offset=10**8)  # warm up (imports, first folders)
        warm = count_files(queue)
        ok = run(url, "ok", args.posts, args.clients, pid=proc.pid)
        accepted_files = count_files(queue) - warm
        before = count_files(queue)
        honeypot = run(url, "honeypot", args.posts, args.clients, pid=proc.pid)
        links = run(url, "links", args.posts, args.clients, pid=proc.pid)
        after = count_files(queue)
        spam_calls, _ = traced(
            proc.pid, lambda: run(url, "honeypot", args.strace_posts, args.clients), queue
        )
        link_calls, link_examples = traced(
            proc.pid, lambda: run(url, "links", args.strace_posts, args.clients), queue
        )
        ok_calls, ok_queue = traced(
            proc.pid, lambda: run(url, "ok", 20, 5, offset=2 * 10**8), queue
        )
    finally:
        proc.terminate()
        proc.wait(timeout=30)

    print(
        f"intake service, {args.clients} concurrent clients, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    for name, r in (("accepted", ok), ("spam: honeypot", honeypot), ("spam: 4 links", links)):
        print(
            f"  {name:15} {r['posts']:5d} posts  {r['per_second']:7.0f}/s  "
            f"p50 {r['p50_ms']:6.1f} ms  p99 {r['p99_ms']:6.1f} ms  "
            f"service CPU {r['cpu_ms']:.2f} ms/post  statuses {r['statuses']}"
        )
    print(f"  accepted posts -> queued files: {args.posts} -> {accepted_files}")
    print(f"  files in the queue before/after {2 * args.posts} spam posts: {before} -> {after}")
    print(f"  strace, {args.strace_posts} honeypot posts: {spam_calls} file-system calls")
    print(
        f"  strace, {args.strace_posts} posts with too many links: {link_calls} file-system "
        f"calls, {len(link_examples)} of them in the queue"
    )
    print(f"  strace, 20 accepted posts: {ok_calls} file-system calls, e.g.:")
    for line in ok_queue:
        print(f"    {line[:150]}")


if __name__ == "__main__":
    main()
