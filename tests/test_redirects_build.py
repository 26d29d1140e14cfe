"""breakout_redirects in a real build: a redirect naming no write-up fails the build by line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import build_site
from import_helpers import new_site


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
