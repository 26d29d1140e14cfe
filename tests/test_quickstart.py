"""The README's quick start works as written with a system Python that refuses `pip install`."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Debian's own Python: PEP 668's EXTERNALLY-MANAGED marker makes `pip install` refuse.
SYSTEM_PYTHON = Path("/usr/bin/python3")


def quick_start_commands() -> list[str]:
    """The shell commands of the README's Quick start section, in order."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return [cmd.strip() for cmd in re.findall(r"```sh\n(.*?)```", section, re.S)]


def refuses_system_installs(python: Path) -> bool:
    """True if `python -m pip install` stops with PEP 668's externally-managed-environment."""
    if not python.exists():
        return False
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PIP_USER")}
    run = subprocess.run(
        [python, "-m", "pip", "install", "--dry-run", "invoke"],
        capture_output=True,
        text=True,
        env=env,
    )
    return run.returncode != 0 and "externally-managed-environment" in run.stdout + run.stderr


def copy_of_repository(dest: Path) -> Path:
    """The repository's files (tracked, or new and not ignored) copied as a fresh clone has them."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        src = ROOT / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    return dest


def free_port() -> int:
    """A port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_page(url: str, proc: subprocess.Popen[bytes], timeout: float = 600) -> bytes:
    """The body of url once the server answers; fails if the process ends first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the quick start ended with {proc.returncode} before serving")
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return response.read()
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(1)
    pytest.fail(f"nothing served at {url} after {timeout} s")


def test_quick_start_is_two_commands_and_ci_runs_the_test_one() -> None:
    install_build_serve, run_tests = quick_start_commands()
    assert "\n" not in install_build_serve and "\n" not in run_tests
    assert shlex.split(install_build_serve)[-2:] == ["build", "serve"]
    assert shlex.split(run_tests)[-1] == "test"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert run_tests in ci, "CI must run the README's test command exactly"


@pytest.mark.slow
@pytest.mark.skipif(
    not refuses_system_installs(SYSTEM_PYTHON),
    reason=f"{SYSTEM_PYTHON} is not a Python that refuses system installs (PEP 668)",
)
def test_first_command_installs_builds_and_serves_with_an_externally_managed_python(
    tmp_path: Path,
) -> None:
    repo = copy_of_repository(tmp_path / "clone")
    command = shlex.split(quick_start_commands()[0])
    assert command[0] == "python3"
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    proc = subprocess.Popen(
        [str(SYSTEM_PYTHON), *command[1:], "--port", str(port)],
        cwd=repo,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    # A second bootstrap at once (the intake's, from another terminal): it waits, then runs.
    beside = subprocess.Popen(
        [str(SYSTEM_PYTHON), *command[1:-2], "--list"],
        cwd=repo,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        home = wait_for_page(f"http://127.0.0.1:{port}/", proc)
        event = wait_for_page(f"http://127.0.0.1:{port}/events/", proc)
        listed = beside.communicate(timeout=600)[0]
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        output = proc.communicate(timeout=60)[0].decode(errors="replace")
        beside.kill()
    assert b"<!DOCTYPE html>" in home and b"UK GovCamp 2011" in event, output
    assert beside.returncode == 0 and "livereload" in listed, listed
    venv_python = repo / ".venv" / "bin" / "python"
    assert venv_python.exists(), output
    # The site's packages went into .venv, not into the system Python.
    probe = "import pelican, pagefind, invoke; print(pelican.__file__)"
    where = subprocess.run([venv_python, "-c", probe], capture_output=True, text=True, check=True)
    assert where.stdout.startswith(str(repo / ".venv"))
    assert (repo / "output" / "index.html").is_file()
    # A second run installs nothing again: the requirements' hash is recorded.
    again = subprocess.run(
        [str(SYSTEM_PYTHON), *command[1:-2], "--list"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert again.returncode == 0 and "installing" not in again.stdout, again.stdout + again.stderr
    assert "livereload" in again.stdout
