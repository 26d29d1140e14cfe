"""breakout_redirects in a real build: a redirect naming no write-up fails the build by line;
a line for a renamed session's old address wins over breakout_index's redirect."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import FIXTURES, ROOT, build_site
from import_helpers import new_site

from tools import check
from tools.check import run_checks


def test_unknown_target_and_clash_fail_the_build_naming_the_line(
    tmp_path: Path, error_log: Callable[..., list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    content = new_site(tmp_path)
    (content / "redirects.toml").write_text(
        '"/old-contact/" = "pages/contact.md"\n'
        '"/gone/" = "writeups/2011/nothing.md"\n'
        '"/contact/" = "/elsewhere/"\n'
    )
    monkeypatch.chdir(tmp_path)
    with pytest.raises(Exception, match="2 problems found"):
        build_site(content, tmp_path / "out", BREAKOUT_SEARCH={"ENABLED": False})
    assert error_log() == [
        "content/redirects.toml:2: redirect '/gone/' → 'writeups/2011/nothing.md': no such write-up or page",
        "content/redirects.toml:3: the old address /contact/ is a page of this site: remove that redirect",
    ]
    assert not (tmp_path / "out").exists()  # a failed build publishes nothing
    (content / "redirects.toml").write_text('"/old-contact/" = "pages/contact.md"\n')
    build_site(content, tmp_path / "out", BREAKOUT_SEARCH={"ENABLED": False})
    assert (tmp_path / "out/old-contact/index.html").is_file()
    assert "<p>Write to the editors.</p>" in (tmp_path / "out/contact/index.html").read_text()


def test_a_drafts_old_address_is_redirected_only_where_drafts_are_written(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An imported post left a draft keeps its redirect locally; a published build, which
    writes no drafts, writes no redirect to it (with a warning by line) and passes its checks."""
    content = new_site(tmp_path)
    (content / "writeups" / "2011").mkdir(parents=True)
    (content / "writeups" / "2011" / "no-event-yet.md").write_text(
        "Title: No event yet\nDate: 2011-01-23\nEvent: ukgovcamp-2011\nSession: S\n"
        "Status: draft\n\nText.\n"
    )
    (content / "redirects.toml").write_text(
        '"/old-contact/" = "pages/contact.md"\n"/2011/01/no-event-yet/" = "writeups/2011/no-event-yet.md"\n'
    )
    monkeypatch.chdir(tmp_path)
    local = tmp_path / "local"
    build_site(content, local, BREAKOUT_SEARCH={"ENABLED": False})
    assert "/drafts/no-event-yet/" in (local / "2011/01/no-event-yet/index.html").read_text()

    published = tmp_path / "published"
    caplog.set_level(logging.WARNING)
    build_site(content, published, conf="publishconf.py", BREAKOUT_SEARCH={"ENABLED": False})
    assert (published / "old-contact/index.html").is_file()
    assert not (published / "2011/01/no-event-yet").exists()
    assert not (published / "drafts").exists()
    assert "no-event-yet" not in (published / "_redirects").read_text()
    assert [r.getMessage() for r in caplog.records if "no-event-yet" in r.getMessage()] == [
        "content/redirects.toml:2: redirect '/2011/01/no-event-yet/' → "
        "'writeups/2011/no-event-yet.md': this build does not write that draft, so its old "
        "address gets no redirect yet"
    ]
    checks = [check.redirects, check.links, check.pages_present]
    assert run_checks(published, conf=ROOT / "publishconf.py", content=content, checks=checks) == []


def test_a_redirects_toml_line_for_a_renamed_sessions_old_address_wins_everywhere(
    tmp_path: Path,
) -> None:
    # The session's old address is also one breakout_index redirects (tests/golden/expected/
    # _redirects); the page and the host files must agree on the toml's target.
    old = (
        "/events/bluelightcamp-2012/should-police-crime-commissioner-candidates-use-social-"
        "media-during-the-election-ee7cb547/"
    )
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "golden-site", content)
    (content / "redirects.toml").write_text(f'"{old}" = "https://example.org/moved/"\n')
    out = tmp_path / "out"
    build_site(content, out, BREAKOUT_SEARCH={"ENABLED": False})
    page = BeautifulSoup((out / old.strip("/") / "index.html").read_text(), "html.parser")
    assert page.find("meta", attrs={"http-equiv": "refresh"})["content"] == (
        "0; url=https://example.org/moved/"
    )
    netlify = (out / "_redirects").read_text(encoding="utf-8").splitlines()
    assert [line for line in netlify if line.startswith(old + " ")] == [
        f"{old} https://example.org/moved/ 301"
    ]
