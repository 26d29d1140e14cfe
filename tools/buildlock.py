"""One build of an output folder at a time: a lock on the folder that holds it, while a build runs.

Every build of a folder stages into the same place beside it (tools/build.py) and writes
the same cache, so two at once (an `invoke build` while `invoke livereload` rebuilds, a
`preview` beside a `build`) would remove each other's fresh folder and fail, or worse.
A build therefore holds an exclusive flock on the folder its output sits in (the project
folder for `output/`) while it reads, writes and swaps; a second build waits for it,
naming the process it waits for (from /proc/locks). Locking that folder, not a file in
it, leaves nothing beside the output. The helpers a build starts (its forked workers, and
the processes it runs with close_fds=False: Pagefind, the folder-making child) hold the
lock's descriptor too, so a build killed on its own (the out-of-memory killer) keeps the
next one waiting until none of them is left writing into its folder; the kernel frees
the lock then, so a killed build never leaves one behind. A build that ends normally
frees it itself, whatever its helpers still hold. Builds of two outputs in one folder
wait for each other too, which costs only time.
"""

from __future__ import annotations

import fcntl
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

PROC_LOCKS = Path("/proc/locks")


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def holder(fd: int, locks: str | None = None) -> str:
    """The process holding the flock on fd's file, from /proc/locks ('' if it cannot be told)."""
    st = os.fstat(fd)
    key = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    if locks is None:
        try:
            locks = PROC_LOCKS.read_text(encoding="ascii", errors="replace")
        except OSError:
            return ""
    for line in locks.splitlines():
        # "1: FLOCK  ADVISORY  WRITE 4242 fe:00:2794180 0 EOF"; a waiter's has "->" after "1:"
        fields = line.split()
        if len(fields) >= 6 and fields[1] == "FLOCK" and fields[5] == key:
            return fields[4]
    return ""


def _take(fd: int, final: Path, report: Callable[[str], None]) -> bool:
    """Take the lock, waiting (and saying so) while another build holds it; False if none can be."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        pid = holder(fd)
        by = f" (process {pid})" if pid else ""
        if pid and not os.path.exists(f"/proc/{pid}"):
            by = f" (process {pid}, which was stopped; processes it started are still ending)"
        report(f"{final}: waiting for another build in {final.parent}{by} to finish")
        fcntl.flock(fd, fcntl.LOCK_EX)  # Ctrl-C interrupts the wait
        return True
    except OSError as exc:  # a file system without flock on folders (some network ones)
        report(
            f"{final}: warning: builds of it cannot be kept from running at once here "
            f"({exc.strerror}); do not start a second one before the first ends"
        )
        return False


@contextmanager
def held(final: Path, report: Callable[[str], None] = _say) -> Iterator[None]:
    """Hold the build lock of `final` while the body runs; wait for it, saying so, if it is taken."""
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(final.parent, os.O_RDONLY | os.O_DIRECTORY)
    # Inheritable: helpers the build runs keep it (see the module's docstring); the explicit
    # unlock below frees it whatever they still hold.
    os.set_inheritable(fd, True)
    try:
        locked = _take(fd, final, report)
        try:
            yield
        finally:
            if locked:
                fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
