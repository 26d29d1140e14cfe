"""`invoke publish`: choose the target, build into fresh staging, check, then deploy.

Nothing at the destination is touched before the build passed every check.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tools.check import Check
from tools.publish.base import PublishError, PublishResult, Target
from tools.publish.ghpages import GitPagesTarget, inspect_git, normalise_repo
from tools.publish.local import LocalTarget, inspect_local
from tools.publish.rsync import RsyncTarget, is_remote, refuse_remote
from tools.publish.safety import (
    check_staging,
    locked,
    prepare_staging,
    real_path,
    refuse_unsafe,
)


@dataclass
class Build:
    """How to build and check the site before it goes anywhere."""

    root: Path
    conf: Path
    content: Path
    staging_root: Path
    overrides: Mapping[str, Any] | None = None
    checks: Sequence[Check] | None = None
    after_build: Callable[[Path], None] | None = None
    echo: Callable[[str], None] = field(default=print)


def choose_target(
    build: Build,
    *,
    dest: str,
    gh_pages: str,
    branch: str,
    keep: int,
    before_switch: Callable[[Path], None] | None,
) -> Target:
    """The one target the arguments name, checked before the (slow) build so a wrong one fails at once."""
    # publish.local.env values are not expanded by a shell, so "~/www/site" is done here.
    dest = os.path.expanduser(dest.strip()) if not is_remote(dest.strip()) else dest.strip()
    gh_pages = os.path.expanduser(gh_pages.strip())
    if dest and gh_pages:
        raise PublishError(
            f"two destinations given (folder/rsync {dest} and --gh-pages {gh_pages}); "
            "choose one (check BREAKOUT_DEST and BREAKOUT_GH_PAGES in the environment and publish.local.env)"
        )
    if not dest and not gh_pages:
        raise PublishError(
            "no destination: pass --dest PATH, --dest user@host:path or --gh-pages REPO, "
            "or set BREAKOUT_DEST or BREAKOUT_GH_PAGES (e.g. in publish.local.env)"
        )
    output = build.root / "output"
    refuse_unsafe(build.staging_root, "staging folder", root=build.root, output=output)
    if gh_pages:
        git = inspect_git(normalise_repo(gh_pages), branch or "gh-pages")
        return GitPagesTarget(git, build.root, before_push=before_switch)
    if is_remote(dest):
        refuse_remote(dest)
        return RsyncTarget(dest)
    refuse_unsafe(dest, "destination", root=build.root, staging=build.staging_root, output=output)
    return LocalTarget(inspect_local(real_path(dest)), keep=keep, before_switch=before_switch)


def build_and_check(build: Build, shown: str) -> Path:
    """Build into the emptied staging folder and run every check; return the checked site."""
    from tools.build import run_pelican
    from tools.check import run_checks

    site = prepare_staging(build.staging_root)
    build.echo(f"Building {build.content} with {build.conf.name} into {site}")
    overrides = {**(build.overrides or {}), "CACHE_CONTENT": False, "LOAD_CONTENT_CACHE": False}
    try:
        run_pelican(
            build.conf,
            path=build.content,
            output=site,
            cache=build.staging_root / "cache",
            overrides=overrides,
        )
    except Exception as exc:  # Pelican and Breakout already logged the details
        raise PublishError(f"the build failed ({exc}); nothing was published") from exc
    if build.after_build is not None:
        build.after_build(site)
    problems = run_checks(
        site, conf=build.conf, content=build.content, overrides=build.overrides, checks=build.checks
    )
    for line in problems:
        build.echo(line)
    if problems:
        n = len(problems)
        raise PublishError(
            f"{n} check problem{'s' if n != 1 else ''} (listed above); nothing was published and "
            f"{shown} is unchanged. The checked build is in {site}"
        )
    build.echo("Checks passed.")
    return site


def publish_site(
    *,
    root: Path | str,
    dest: str = "",
    gh_pages: str = "",
    branch: str = "gh-pages",
    dry_run: bool = False,
    conf: Path | str | None = None,
    content: Path | str | None = None,
    staging: Path | str | None = None,
    overrides: Mapping[str, Any] | None = None,
    checks: Sequence[Check] | None = None,
    keep: int = 2,
    after_build: Callable[[Path], None] | None = None,
    before_deploy: Callable[[], None] | None = None,
    before_switch: Callable[[Path], None] | None = None,
    echo: Callable[[str], None] = print,
) -> PublishResult:
    """Build with publishconf.py into fresh staging, run every check, deploy only if all pass.

    The hooks exist for tests: `after_build(site)` runs before the checks (to inject a fault
    the real checks must catch), `before_deploy()` once the checks passed, `before_switch(release)`
    between filling a local release and switching to it (or before a git push).
    """
    root = Path(root).resolve()
    build = Build(
        root=root,
        conf=Path(conf) if conf else root / "publishconf.py",
        content=Path(content) if content else root / "content",
        staging_root=Path(staging) if staging else root / "staging",
        overrides=overrides,
        checks=checks,
        after_build=after_build,
        echo=echo,
    )
    target = choose_target(
        build, dest=dest, gh_pages=gh_pages, branch=branch, keep=keep, before_switch=before_switch
    )
    check_staging(build.staging_root)
    with locked(build.staging_root, "the staging folder"):
        site = build_and_check(build, target.shown)
        result = PublishResult(target=target.shown, changes=target.changes(site), dry_run=dry_run)
        if dry_run:
            for line in result.changes.lines():
                echo(line)
            echo(f"Dry run for {target.shown}: {result.changes.summary()}; nothing was changed.")
            return result
        # Still under the staging lock: another publish must not rebuild what is being copied.
        if before_deploy is not None:
            before_deploy()
        target.deploy(site, result, echo)
    return result
