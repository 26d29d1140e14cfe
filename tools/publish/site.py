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
from tools.publish.rsync import RsyncTarget, is_remote, refuse_remote, refuse_url
from tools.publish.s3 import S3Target, inspect_s3
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


@dataclass
class Destination:
    """Where to publish, as the command line or the environment gave it (one of the three)."""

    dest: str = ""
    gh_pages: str = ""
    branch: str = "gh-pages"
    s3: str = ""
    prefix: str = ""
    s3_client: Any = None  # a ready boto3 client (tests); else one is made from the environment
    break_lock: bool = False  # --s3 only: take over the prefix's publish lock at once


def _one_destination(where: Destination) -> None:
    """Exactly one of --dest, --gh-pages and --s3."""
    given = [
        f"{flag} {value}"
        for flag, value in (
            ("--dest", where.dest),
            ("--gh-pages", where.gh_pages),
            ("--s3", where.s3),
        )
        if value
    ]
    if len(given) > 1:
        raise PublishError(
            f"{len(given)} destinations given ({', '.join(given)}); choose one (check "
            "BREAKOUT_DEST, BREAKOUT_GH_PAGES and BREAKOUT_S3 in the environment and publish.local.env)"
        )
    if not given:
        raise PublishError(
            "no destination: pass --dest PATH, --dest user@host:path, --gh-pages REPO or "
            "--s3 s3://bucket/prefix, or set BREAKOUT_DEST, BREAKOUT_GH_PAGES or BREAKOUT_S3 "
            "(e.g. in publish.local.env)"
        )
    if where.prefix and not where.s3:
        raise PublishError("--prefix goes with --s3 s3://bucket; there is no --s3 here")
    if where.break_lock and not where.s3:
        raise PublishError(
            "--break-lock goes with --s3 s3://bucket/prefix (other destinations lock a file "
            "that is freed when its publish ends); there is no --s3 here"
        )


def choose_target(
    build: Build,
    where: Destination,
    *,
    keep: int,
    before_switch: Callable[[Path], None] | None,
) -> Target:
    """The one target named, checked before the (slow) build so a wrong one fails at once."""
    dest = where.dest.strip()
    refuse_url(dest)
    # publish.local.env values are not expanded by a shell, so "~/www/site" is done here.
    dest = dest if is_remote(dest) else os.path.expanduser(dest)
    gh_pages = os.path.expanduser(where.gh_pages.strip())
    _one_destination(
        Destination(
            dest, gh_pages, s3=where.s3.strip(), prefix=where.prefix, break_lock=where.break_lock
        )
    )
    output = build.root / "output"
    refuse_unsafe(build.staging_root, "staging folder", root=build.root, output=output)
    if where.s3.strip():
        loc, client = inspect_s3(where.s3.strip(), where.prefix, where.s3_client)
        return S3Target(loc, client, before_switch=before_switch, break_lock=where.break_lock)
    if gh_pages:
        git = inspect_git(normalise_repo(gh_pages), where.branch or "gh-pages")
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
    s3: str = "",
    prefix: str = "",
    s3_client: Any = None,
    break_lock: bool = False,
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
    between filling a local release and switching to it (before a git push, before an S3
    publish uploads its pages). `s3_client` is a ready boto3 client (else one is made from
    the environment). `break_lock` (with `s3`) takes over the prefix's publish lock even if
    its holder renewed it lately (s3lock.py).
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
    where = Destination(dest, gh_pages, branch, s3, prefix, s3_client, break_lock)
    target = choose_target(build, where, keep=keep, before_switch=before_switch)
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
