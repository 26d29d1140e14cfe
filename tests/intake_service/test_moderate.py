"""`invoke moderate`: list what waits, approve into content/comments/, reject to _rejected/."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import FIXTURE, ROOT, Intake, comment


def moderate(queue: Path, content: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the task as an editor would."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "invoke",
            "moderate",
            "--queue",
            str(queue),
            "--content",
            str(content),
            *args,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def queued(run_intake: Callable[..., Intake], tmp_path: Path) -> tuple[Intake, Path, list[Path]]:
    """Three comments queued by the real service, and a content folder to approve into."""
    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    service = run_intake(queue=tmp_path / "queue")
    posts = [
        comment(name="Ann", comment="First <script>alert(1)</script> *kind* words."),
        comment(name="Bo", replyto="001", handle="@bo", comment="A reply to Andy."),
        comment(writeup="ukgc11-police-second-view", name="Cy", comment="Elsewhere."),
    ]
    for post in posts:
        assert service.post(post).status_code == 303
    return service, content, service.queued()


def test_the_list_shows_author_writeup_date_and_the_sanitised_body(
    queued: tuple[Intake, Path, list[Path]],
) -> None:
    service, content, files = queued
    result = moderate(service.queue, content)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for path in files:
        assert f"{path.parent.name}/{path.stem}" in out
    assert "author:   Ann\n" in out and "author:   Bo (@bo)" in out
    assert "write-up: ukgc11-police-second-view" in out
    assert "reply to: 001" in out
    assert "<p>First  <em>kind</em> words.</p>" in out  # Markdown, then the sanitiser
    assert "<script>" not in out
    assert "3 comment(s) waiting" in out


def test_approve_moves_files_unchanged_and_reject_keeps_them_aside(
    queued: tuple[Intake, Path, list[Path]],
) -> None:
    service, content, files = queued
    ann, bo, cy = sorted(files, key=lambda p: p.read_text().split("\n")[0])
    originals = {p.stem: p.read_bytes() for p in files}
    result = moderate(
        service.queue, content, "--approve", ann.stem, "--reject", f"ukgc11-police/{bo.stem}"
    )
    assert result.returncode == 0, result.stderr
    approved = content / "comments" / "ukgc11-police" / ann.name
    assert approved.read_bytes() == originals[ann.stem]
    rejected = service.queue / "_rejected" / "ukgc11-police" / bo.name
    assert rejected.read_bytes() == originals[bo.stem]
    assert not ann.exists() and not bo.exists()
    assert "1 comment(s) waiting" in moderate(service.queue, content).stdout

    everything = moderate(service.queue, content, "--approve-all")
    assert everything.returncode == 0, everything.stderr
    assert (content / "comments" / "ukgc11-police-second-view" / cy.name).read_bytes() == originals[
        cy.stem
    ]
    assert "0 comment(s) waiting" in moderate(service.queue, content).stdout


@pytest.mark.parametrize("wanted", ["no-such-id", "../../etc/passwd", "ukgc11-police/../x"])
def test_unknown_ids_change_nothing(queued: tuple[Intake, Path, list[Path]], wanted: str) -> None:
    service, content, files = queued
    result = moderate(service.queue, content, "--approve", f"{files[0].stem},{wanted}")
    assert result.returncode != 0
    assert "moderate:" in result.stderr and wanted in result.stderr
    assert all(p.exists() for p in files)  # the good id was not approved either


def test_approving_never_replaces_a_published_comment(
    queued: tuple[Intake, Path, list[Path]],
) -> None:
    service, content, files = queued
    target = content / "comments" / files[0].parent.name / files[0].name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("Author: Someone\n\nAlready here.\n")
    result = moderate(service.queue, content, "--approve", files[0].stem)
    assert result.returncode != 0 and "already exists" in result.stderr
    assert target.read_text() == "Author: Someone\n\nAlready here.\n"
    assert files[0].exists()
