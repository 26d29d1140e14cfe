"""BREAKOUT_WORKERS: how many processes a build uses, from the environment or pelicanconf."""

from __future__ import annotations

import logging

import pytest
from breakout_kernel import workers


@pytest.mark.parametrize(
    ("value", "expected"),
    [(1, 1), (3, 3), ("2", 2), (0, None), ("0", None), (None, None), (2.0, 2)],
)
def test_good_values(value: object, expected: int | None) -> None:
    assert workers.parse_workers(value, "X") == (expected, None)


@pytest.mark.parametrize("value", [-1, "two", True, 1.5, "1.5"])
def test_bad_values_are_named(value: object) -> None:
    count, problem = workers.parse_workers(value, "pelicanconf: BREAKOUT_WORKERS")
    assert count is None
    assert problem == (
        f"pelicanconf: BREAKOUT_WORKERS = {value!r} is not valid: "
        "expected a whole number >= 1 (0: every core)"
    )


def test_environment_wins_over_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BREAKOUT_WORKERS", "1")
    assert workers.worker_count({"BREAKOUT_WORKERS": 4}) == 1
    monkeypatch.delenv("BREAKOUT_WORKERS")
    assert workers.worker_count({"BREAKOUT_WORKERS": 4}) == 4
    assert workers.worker_count({}) == workers.machine_cores()


def test_bad_setting_logs_an_error_and_uses_one(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv("BREAKOUT_WORKERS", raising=False)
    with caplog.at_level(logging.ERROR, logger="breakout"):
        assert workers.worker_count({"BREAKOUT_WORKERS": "many"}) == 1
    assert caplog.messages == [
        "pelicanconf: BREAKOUT_WORKERS = 'many' is not valid: "
        "expected a whole number >= 1 (0: every core)"
    ]
