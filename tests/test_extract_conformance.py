"""Every case of twitter-text's mention and hashtag conformance sections, run against extract.py."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from breakout_text.extract import (
    extract_hashtags,
    extract_hashtags_with_indices,
    extract_mentions,
    extract_mentions_with_indices,
)

ROOT = Path(__file__).resolve().parent.parent
# Vendored from twitter-text (Apache-2.0; licence and provenance beside it), so any clone runs it.
CONFORMANCE = Path(
    os.environ.get(
        "TWITTER_TEXT_CONFORMANCE",
        ROOT / "tests" / "data" / "twitter-text-conformance" / "extract.yml",
    )
)
SECTIONS = (
    "mentions",
    "mentions_with_indices",
    "hashtags",
    "hashtags_with_indices",
    "hashtags_from_astral",
)

# Cases where a documented Breakout rule overrides twitter-text, with what Breakout gives
# instead. Strict mode (federated=False) still passes them as twitter-text says.
CONFLICTS: dict[tuple[str, str], tuple[Any, str]] = {
    ("mentions", "Extract lone metion but not @user@user (too close to an email)"): (
        ["username", "test@example.com"],
        "Breakout rule: a Mastodon handle @user@host.example is one handle. "
        "`@test@example.com` starts with an at-sign, so it is a handle, not an e-mail "
        "address (test@example.com alone is still not a mention).",
    ),
}


def _cases() -> list[Any]:
    data = yaml.safe_load(CONFORMANCE.read_text(encoding="utf-8"))["tests"]
    return [
        pytest.param(section, case, id=f"{section}-{n:02d}-{case['description']}")
        for section in SECTIONS
        for n, case in enumerate(data[section])
    ]


def _run(section: str, text: str, *, federated: bool) -> Any:
    if section == "mentions":
        return extract_mentions(text, federated=federated)
    if section == "mentions_with_indices":
        return [
            {"screen_name": m.handle, "indices": [m.start, m.end]}
            for m in extract_mentions_with_indices(text, federated=federated)
        ]
    if section == "hashtags_with_indices":
        return [
            {"hashtag": h.tag, "indices": [h.start, h.end]}
            for h in extract_hashtags_with_indices(text)
        ]
    return extract_hashtags(text)


def test_conformance_file_has_every_section() -> None:
    """All five sections are there and none is empty (102 cases in the pinned copy)."""
    data = yaml.safe_load(CONFORMANCE.read_text(encoding="utf-8"))["tests"]
    counts = {section: len(data[section]) for section in SECTIONS}
    assert all(counts.values()), counts
    assert sum(counts.values()) == 102


@pytest.mark.parametrize(("section", "case"), _cases())
def test_breakout_rules(section: str, case: dict[str, Any]) -> None:
    """Breakout's extractor gives twitter-text's answer, except for the listed conflicts."""
    got = _run(section, case["text"], federated=True)
    conflict = CONFLICTS.get((section, case["description"]))
    if conflict is not None:
        assert got == conflict[0], conflict[1]
        assert got != case["expected"]
    else:
        assert got == case["expected"]


@pytest.mark.parametrize(("section", "case"), _cases())
def test_strict_twitter_rules(section: str, case: dict[str, Any]) -> None:
    """With federated=False the extractor passes every case exactly."""
    assert _run(section, case["text"], federated=False) == case["expected"]


def test_conflicts_are_real_cases() -> None:
    """Every listed conflict names a case that exists (a renamed case must not hide)."""
    data = yaml.safe_load(CONFORMANCE.read_text(encoding="utf-8"))["tests"]
    names = {(s, c["description"]) for s in SECTIONS for c in data[s]}
    assert set(CONFLICTS) <= names
