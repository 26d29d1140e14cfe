"""The quick start's one entry point: make .venv, install requirements.txt into it, run invoke there.

`python3 tools/bootstrap.py build serve` and `python3 tools/bootstrap.py setup test` work with a
system Python that refuses `pip install` (PEP 668): everything goes into `.venv` inside the
repository. Standard library only, since it runs before anything is installed.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import importlib.util
import os
import shutil
import subprocess
import sys
import venv
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
REQUIREMENTS = ROOT / "requirements.txt"
# The hash of the requirements last installed, so a rerun installs only after they change.
STAMP = VENV / "breakout-requirements.sha256"
# Held while .venv is made or filled: a second bootstrap (the intake's, say) waits for the first.
LOCK = ROOT / ".venv.lock"


@contextlib.contextmanager
def install_lock(path: Path = LOCK) -> Iterator[None]:
    """Hold an exclusive lock on path (made if missing), saying so when another holds it."""
    with open(path, "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print("bootstrap: waiting for another bootstrap to finish installing", flush=True)
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def venv_python(env_dir: Path = VENV) -> Path:
    """The interpreter of the virtual environment."""
    return env_dir / "bin" / "python"


def venv_package() -> str:
    """The Debian/Ubuntu package that brings ensurepip (and so venv's pip) to this Python."""
    system = shutil.which("python3", path="/usr/bin:/bin")
    if system and Path(system).resolve() == Path(sys.executable).resolve():
        return "python3-venv"
    return f"python{sys.version_info.major}.{sys.version_info.minor}-venv"


def apt_install(packages: list[str]) -> None:
    """Install Debian packages with apt-get, as root or through sudo."""
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    if sudo and shutil.which("sudo") is None:
        sys.exit(f"bootstrap: run as root, or install sudo, to install {' '.join(packages)}")
    print(f"bootstrap: installing {' '.join(packages)} with apt-get", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", *packages], check=True, env=env)


def ensure_venv() -> None:
    """Create .venv with pip unless a working one is there (Debian: python3-venv if missing)."""
    python = venv_python()
    if (
        python.exists()
        and subprocess.run([python, "-m", "pip", "--version"], capture_output=True).returncode == 0
    ):
        return
    if VENV.exists():  # half made, e.g. by a venv run that had no ensurepip
        shutil.rmtree(VENV)
    if importlib.util.find_spec("ensurepip") is None:
        apt_install([venv_package()])
    print(f"bootstrap: creating {VENV.relative_to(ROOT)} with {sys.executable}", flush=True)
    venv.EnvBuilder(with_pip=True).create(VENV)


def ensure_requirements() -> None:
    """pip install requirements.txt into .venv when they changed since the last install."""
    digest = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text().strip() == digest:
        return
    print("bootstrap: installing requirements.txt into .venv", flush=True)
    subprocess.run(
        [
            venv_python(),
            "-m",
            "pip",
            "install",
            "-q",
            "--disable-pip-version-check",
            "-r",
            REQUIREMENTS,
        ],
        check=True,
    )
    STAMP.write_text(digest + "\n")


def main(argv: list[str]) -> None:
    """Install, then replace this process with `invoke ARGV` run by the venv's Python."""
    with install_lock():
        ensure_venv()
        ensure_requirements()
    if not argv:
        print("bootstrap: .venv is ready; run tasks with python3 tools/bootstrap.py TASK ...")
        return
    # As `activate` would: tools the tasks and tests run by name (ruff, pagefind) come from .venv.
    env = {
        **os.environ,
        "VIRTUAL_ENV": str(VENV),
        "PATH": f"{VENV / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    env.pop("PYTHONHOME", None)
    os.chdir(ROOT)
    python = str(venv_python())
    os.execve(python, [python, "-m", "invoke", *argv], env)


if __name__ == "__main__":
    main(sys.argv[1:])
