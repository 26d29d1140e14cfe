"""A queue that cannot take a file: 503, nothing half-written, and the comment can be sent again."""

from __future__ import annotations

import resource
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from .conftest import Intake, comment


def every_file(folder: Path) -> list[Path]:
    """Every file under `folder`, temporary ones included."""
    return sorted(p for p in folder.rglob("*") if p.is_file())


@pytest.fixture
def immutable(tmp_path: Path) -> Iterator[Callable[[Path], None]]:
    """Make folders read-only even for root (chattr +i); undone afterwards."""
    if shutil.which("chattr") is None:
        pytest.skip("chattr is not installed")
    done: list[Path] = []

    def freeze(folder: Path) -> None:
        result = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, text=True)
        if result.returncode != 0:
            pytest.skip(f"this file system cannot make a folder read-only: {result.stderr}")
        done.append(folder)

    yield freeze
    for folder in done:
        subprocess.run(["chattr", "-i", str(folder)], check=True)


@pytest.mark.parametrize("frozen", ["queue", "slug folder", "temporary folder"])
def test_a_read_only_queue_gives_503_and_writes_nothing(
    run_intake: Callable[..., Intake],
    tmp_path: Path,
    immutable: Callable[[Path], None],
    frozen: str,
) -> None:
    queue = tmp_path / "queue"
    service = run_intake(queue=queue)
    queue.mkdir(exist_ok=True)
    if frozen != "queue":  # else the queue is empty: nothing can be made in it
        (queue / ".incoming").mkdir()  # after the start, which empties .incoming
        (queue / "ukgc11-police").mkdir()
    target = {
        "queue": queue,
        "slug folder": queue / "ukgc11-police",
        "temporary folder": queue / ".incoming",
    }[frozen]
    immutable(target)
    response = service.post(comment(comment="Kept for later."))
    assert response.status_code == 503
    assert "try again later" in response.text
    assert "Kept for later." in response.text  # the reader's text comes back to them
    assert every_file(queue) == []
    assert service.logged("cannot write to the moderation queue"), service.log()
    subprocess.run(["chattr", "-i", str(target)], check=True)
    # The refused text was not remembered as a duplicate: sending it again works.
    assert service.post(comment(comment="Kept for later.")).status_code == 303
    assert len(service.queued()) == 1


def test_a_full_disk_gives_503_and_leaves_no_partial_file(
    run_intake: Callable[..., Intake], tmp_path: Path
) -> None:
    """A file size limit stands in for a full disk: the write stops part-way (EFBIG)."""
    queue = tmp_path / "queue"

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (120, 120))

    service = run_intake(queue=queue, preexec_fn=small_files)
    response = service.post(comment(comment="A long comment. " * 40))
    assert response.status_code == 503
    assert every_file(queue) == []
    assert service.logged("File too large"), service.log()
    # A comment that fits still goes through.
    assert service.post(comment(name="A", comment="Short.")).status_code == 303
    assert len(service.queued()) == 1
