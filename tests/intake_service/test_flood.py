"""Floods of concurrent posts: nothing lost, nothing half-written, even under kill -9."""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import signal
import threading
import time
import zoneinfo
from collections.abc import Callable
from pathlib import Path

import httpx
from breakout_comments.parse import parse_comment_file

from .conftest import FORM, Intake, comment

LONDON = zoneinfo.ZoneInfo("Europe/London")


def marker(i: int) -> str:
    """A body no other post in the flood has (so each file names its post)."""
    return f"Flood post number {i}, all present."


async def _flood(
    url: str, posts: list[tuple[int, dict[str, str]]], concurrency: int
) -> dict[int, int | str]:
    """Send every post at once (at most `concurrency` in flight); post -> status or error."""
    results: dict[int, int | str] = {}
    gate = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=0)
    async with httpx.AsyncClient(timeout=120, limits=limits) as client:

        async def one(i: int, headers: dict[str, str]) -> None:
            async with gate:
                try:
                    response = await client.post(
                        url + "/comments",
                        data=comment(comment=marker(i), name=f"Reader {i}"),
                        headers={**FORM, **headers},
                    )
                    results[i] = response.status_code
                except httpx.HTTPError as exc:  # the service was killed mid-answer
                    results[i] = type(exc).__name__

        await asyncio.gather(*(one(i, h) for i, h in posts))
    return results


def flood(
    service: Intake, headers: list[dict[str, str]], concurrency: int = 60
) -> dict[int, int | str]:
    """Post len(headers) comments concurrently, the i-th with headers[i]."""
    # In a thread of its own: Playwright's sync API may hold an event loop on this one.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        work = _flood(service.url, list(enumerate(headers)), concurrency)
        return pool.submit(asyncio.run, work).result()


def files_by_post(service: Intake) -> dict[int, list[Path]]:
    """Queued files per flood post number; asserts every file is whole and reads back."""
    found: dict[int, list[Path]] = {}
    for path in service.queued():
        text = path.read_text(encoding="utf-8")
        source, problems = parse_comment_file(text, str(path), LONDON)
        assert problems == [], (path, text)
        assert text.endswith("\n") and source.body.startswith("Flood post number "), (path, text)
        number = int(source.body.split()[3].rstrip(","))
        assert source.body == marker(number) and source.author == f"Reader {number}"
        found.setdefault(number, []).append(path)
    return found


def assert_nothing_lost(results: dict[int, int | str], found: dict[int, list[Path]]) -> None:
    """Every 303 is exactly one file; every refusal left none."""
    for number, status in results.items():
        if status == 303:
            assert len(found.get(number, [])) == 1, (number, found.get(number))
        elif isinstance(status, int):
            assert 400 <= status < 500, (number, status)
            assert number not in found, (number, status)


def test_sixty_at_once_from_one_address(run_intake: Callable[..., Intake]) -> None:
    service = run_intake(env={"BREAKOUT_INTAKE_RATE": "2/minute;20/hour"})
    results = flood(service, [{}] * 60)
    found = files_by_post(service)
    assert_nothing_lost(results, found)
    assert sorted(results.values(), key=str).count(303) == 2
    assert list(results.values()).count(429) == 58
    assert len(found) == 2


def test_sixty_at_once_from_many_addresses_behind_a_trusted_proxy(
    run_intake: Callable[..., Intake],
) -> None:
    service = run_intake(
        env={"BREAKOUT_INTAKE_RATE": "2/minute", "BREAKOUT_INTAKE_TRUSTED_PROXIES": "127.0.0.1"}
    )
    # 20 readers post 3 times each; the proxy appends the address it saw.
    headers = [{"X-Forwarded-For": f"203.0.113.{i % 20}"} for i in range(60)]
    results = flood(service, headers)
    found = files_by_post(service)
    assert_nothing_lost(results, found)
    assert list(results.values()).count(303) == 40
    assert list(results.values()).count(429) == 20
    per_reader = {r: sum(1 for i in found if i % 20 == r) for r in range(20)}
    assert set(per_reader.values()) == {2}


def test_a_client_cannot_choose_its_address(run_intake: Callable[..., Intake]) -> None:
    """Without a trusted proxy X-Forwarded-For is ignored; behind one, only its own hop counts."""
    direct = run_intake(env={"BREAKOUT_INTAKE_RATE": "2/minute"})
    spoofed = [{"X-Forwarded-For": f"198.51.100.{i}"} for i in range(10)]
    assert list(flood(direct, spoofed).values()).count(303) == 2
    proxied = run_intake(
        env={"BREAKOUT_INTAKE_RATE": "2/minute", "BREAKOUT_INTAKE_TRUSTED_PROXIES": "127.0.0.0/8"}
    )
    # The client sends its own X-Forwarded-For; the proxy appends the real address.
    chained = [{"X-Forwarded-For": f"198.51.100.{i}, 192.0.2.7"} for i in range(10)]
    assert list(flood(proxied, chained).values()).count(303) == 2


def test_kill_9_during_a_flood_leaves_only_whole_files(
    run_intake: Callable[..., Intake], tmp_path: Path
) -> None:
    queue = tmp_path / "queue"
    service = run_intake(queue=queue)
    results: dict[int, int | str] = {}

    def send() -> None:
        results.update(flood(service, [{}] * 400, concurrency=50))

    sender = threading.Thread(target=send)
    sender.start()
    deadline = time.monotonic() + 120
    while len(list(queue.glob("ukgc11-police/*.md"))) < 20 and time.monotonic() < deadline:
        time.sleep(0.01)
    os.kill(service.proc.pid, signal.SIGKILL)
    sender.join(timeout=300)
    assert not sender.is_alive()
    service.proc.wait(timeout=30)

    found = files_by_post(service)
    assert_nothing_lost(results, found)
    assert 20 <= len(found) < 400, "the kill came after the flood: nothing was tested"
    assert any(not isinstance(status, int) for status in results.values())
    # A restart clears what the killed process left in the temporary folder, and keeps the rest.
    before = sorted(p.read_bytes() for p in service.queued())
    restarted = run_intake(queue=queue)
    assert not (queue / ".incoming").exists() or not any((queue / ".incoming").iterdir())
    assert sorted(p.read_bytes() for p in restarted.queued()) == before
