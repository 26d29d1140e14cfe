"""invoke tasks for Breakout: build, preview, check, publish, test (run `invoke --list`)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from invoke import Context, task

if TYPE_CHECKING:
    from tools.keeper import KeptProcess

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "plugins"))
sys.path.insert(0, str(ROOT))

CONF = ROOT / "pelicanconf.py"
PUBLISHCONF = ROOT / "publishconf.py"
OUTPUT = ROOT / "output"
CACHE = ROOT / "cache"
CONTENT = ROOT / "content"
GOLDEN_FIXTURE = ROOT / "tests" / "fixtures" / "golden-site"
GOLDEN_EXPECTED = ROOT / "tests" / "golden" / "expected"
# Debian packages the test suite talks to (rsync, git, a real browser, the Nu checker's JDK).
SYSTEM_PACKAGES = {
    "rsync": "rsync",
    "git": "git",
    "chromium": "chromium",
    "chromedriver": "chromium-driver",
    "java": "default-jre-headless",
    "npm": "npm",
}
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def _console_logging() -> None:
    """Pelican's and Breakout's messages on the console as plain `file:line: message` lines."""
    from breakout_kernel.errors import PlainHandler
    from pelican.log import init as init_logging

    init_logging(level=None, handler=PlainHandler())


def _build(conf: Path, output: Path, cache: Path = CACHE, path: Path = CONTENT) -> None:
    """Run Pelican in-process and exit non-zero with its message if the build fails."""
    from tools.build import run_pelican

    _console_logging()
    try:
        run_pelican(conf, path=path, output=output, cache=cache)
    except Exception as exc:  # Pelican and Breakout errors are already logged
        sys.exit(f"Build failed: {exc}")


def _load_local_env() -> None:
    """Read publish.local.env (untracked KEY=VALUE lines) into the environment if present."""
    local = ROOT / "publish.local.env"
    if not local.exists():
        return
    for line in local.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            os.environ.setdefault(key.strip(), value.strip())


@task(help={"workers": "processes to use (default: every core; 1 builds in one process)"})
def build(c: Context, workers: int = 0) -> None:
    """Build the site into output/ with pelicanconf.py."""
    if workers:
        os.environ["BREAKOUT_WORKERS"] = str(workers)
    _build(CONF, OUTPUT)


@task
def clean(c: Context) -> None:
    """Remove output/, the content cache and what an interrupted build left beside output/."""
    from tools.build import clear_staging, remove_staging, spare_folder, staging_folders
    from tools.buildlock import held
    from tools.kept import kept_folder
    from tools.removal import leftovers, wait_until_removed

    with held(OUTPUT):  # not from under a build that is writing them
        for folder in (OUTPUT, CACHE):
            if folder.exists():
                shutil.rmtree(folder)
        clear_staging(OUTPUT)
        old = staging_folders(OUTPUT)[1]
        if not wait_until_removed(old):  # for the removers: a killed one's leftovers, or at work
            names = ", ".join(p.name for p in leftovers(old))
            print(f"left beside output/ (not made by a build, or still being removed): {names}")
        remove_staging(spare_folder(OUTPUT))  # after the removers: the last one may have made it
        remove_staging(kept_folder(OUTPUT))  # a `livereload` that was killed (tools/kept.py)


@task(pre=[clean])
def rebuild(c: Context) -> None:
    """Clean, then build from scratch."""
    _build(CONF, OUTPUT)


@task
def serve(c: Context, port: int = 8000, build_first: bool = False) -> None:
    """Serve output/ on http://127.0.0.1:PORT (Ctrl-C stops); --build-first builds before."""
    from tools.serve import make_server

    if build_first or not OUTPUT.exists():
        _build(CONF, OUTPUT)

    server = make_server(OUTPUT, port)
    try:
        # Inside the try, as serve_live's: Ctrl-C right after this line is a stop too.
        print(f"Serving the site at http://127.0.0.1:{port}/ (Ctrl-C to stop)")
        server.serve_forever()
    except KeyboardInterrupt:
        server.server_close()


WATCHED = [CONTENT, ROOT / "theme", ROOT / "plugins", CONF, PUBLISHCONF]  # what a rebuild follows


@contextmanager
def _kept_site() -> Iterator[KeptProcess]:
    """The site read once and kept in a process of its own, built; closed (its files removed) after."""
    from tools.keeper import KeptProcess
    from tools.kept import KeptSite

    _console_logging()
    # Keeps what it read: an edit to a write-up's text is only written again (tools/kept.py),
    # in a process forked before the server's and the watcher's threads start (tools/keeper.py).
    site = KeptProcess(lambda: KeptSite(CONF, path=CONTENT, output=OUTPUT, cache=CACHE))
    try:
        try:
            site.build()
        except Exception as exc:  # Pelican and Breakout errors are already logged
            sys.exit(f"Build failed: {exc}")
        yield site
    finally:
        site.close()  # waits until the site's process has removed what it kept


@task
def livereload(c: Context, port: int = 8000) -> None:
    """Serve on 127.0.0.1, rebuild when content/, theme/, plugins/ or the conf files change, and reload open pages."""
    from tools.watch import serve_live

    with _kept_site() as site:
        serve_live(OUTPUT, WATCHED, site.build, port=port)


@task
def regenerate(c: Context) -> None:
    """Rebuild output/ when content/, theme/, plugins/ or the conf files change (no server; Ctrl-C stops)."""
    from tools.watch import regenerate as watch_and_rebuild

    with _kept_site() as site:
        watch_and_rebuild(WATCHED, site.build)


@task
def preview(c: Context, output: str = "output") -> None:
    """Build with publishconf.py (production settings; SITEURL from the environment)."""
    _load_local_env()
    _build(PUBLISHCONF, ROOT / output, cache=ROOT / "cache-publish")


@task(
    help={
        "title": "the write-up's title",
        "event": "event slug from content/events.toml",
        "session": "the session's title",
        "leader": "session leader, @handle or name (repeat with commas)",
    }
)
def new(c: Context, title: str, event: str = "", session: str = "", leader: str = "") -> None:
    """Scaffold a write-up with its metadata and today's date; refuses to overwrite."""
    from tools.scaffold import ScaffoldError, new_writeup

    try:
        path = new_writeup(
            CONTENT, title, event=event, session=session, leader=leader, today=dt.date.today()
        )
    except ScaffoldError as exc:
        sys.exit(f"new: {exc}")
    print(path.relative_to(ROOT))


@task
def lint(c: Context) -> None:
    """Lint and format-check the code with ruff."""
    c.run("ruff check .", pty=False)
    c.run("ruff format --check .", pty=False)


@task
def setup(c: Context) -> None:
    """Install what the test suite talks to if missing: Debian packages and axe-core (npm)."""
    missing = sorted({pkg for cmd, pkg in SYSTEM_PACKAGES.items() if shutil.which(cmd) is None})
    if missing:
        sudo = "" if os.geteuid() == 0 else "sudo "
        c.run(f"{sudo}apt-get update -qq", pty=False)
        c.run(
            f"{sudo}env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq {' '.join(missing)}",
            pty=False,
        )
    else:
        print("Debian packages present.")
    if not AXE.exists():
        with c.cd(str(ROOT)):
            c.run("npm ci --no-audit --no-fund", pty=False)


@task
def test(c: Context, k: str = "", x: bool = False) -> None:
    """Run the whole test suite (pytest); -k selects tests by name."""
    args = ["-q"]
    if k:
        args += ["-k", k]
    if x:
        args.append("-x")
    c.run(f"{sys.executable} -m pytest {' '.join(args)}", pty=False)


@task
def golden(c: Context) -> None:
    """Regenerate the golden tree tests/golden/expected from tests/fixtures/golden-site."""
    from tools.golden import regenerate

    _console_logging()  # a fixture that no longer builds says why
    regenerate(GOLDEN_FIXTURE, GOLDEN_EXPECTED)
    print(f"Regenerated {GOLDEN_EXPECTED.relative_to(ROOT)}; review the diff before committing.")


@task
def check(c: Context, output: str = "output") -> None:
    """Check a build: links and anchors, feeds, feed ids, probable handle/topic mistypes."""
    from tools.check import run_checks

    problems = run_checks(ROOT / output, conf=CONF, content=CONTENT)
    for line in problems:
        print(line)
    if problems:
        sys.exit(f"check failed: {len(problems)} problem(s)")
    print("check passed")


@task(
    name="clean-images",
    help={
        "content": "the content folder (default: content/)",
        "dry_run": "list what would be left out, change nothing",
    },
)
def clean_images(c: Context, content: str = "", dry_run: bool = False) -> None:
    """Leave camera metadata (EXIF, GPS, XMP, IPTC, comments) out of content/'s images, losslessly."""
    from tools.build import load_settings
    from tools.imagecheck import clean_images as clean

    folder = Path(content) if content else CONTENT
    settings = load_settings(CONF, path=folder)
    lines = clean(folder, settings, dry_run=dry_run)
    for line in lines:
        print(line)
    if not lines:
        print("No image under the static paths holds metadata.")


@task(
    name="import",
    help={
        "path": "a WordPress export (WXR) or a Blogger export (Atom, feed.atom)",
        "event": "event slug for posts that carry no event's hashtag",
        "dry_run": "print what would be written; write nothing",
        "force": "overwrite files edited since the last import (after a backup)",
        "format": "wordpress or blogger (default: detected from the file)",
        "media": "fetch the old blog's images the posts show into content/images/imported/",
    },
)
def import_(
    c: Context,
    path: str,
    event: str = "",
    dry_run: bool = False,
    force: bool = False,
    format: str = "",
    media: bool = False,
) -> None:
    """Import a WordPress or Blogger export into content/: write-ups, pages, comments, redirects."""
    from tools.importer.cli import main as import_main

    sys.exit(
        import_main(
            Path(path),
            CONTENT,
            conf=CONF,
            event=event,
            dry_run=dry_run,
            force=force,
            format=format,
            media=media,
        )
    )


@task(name="feed-ids")
def feed_ids(c: Context) -> None:
    """Record every write-up's feed id in content/feed-ids.toml (never changes a recorded one)."""
    from tools.build import load_settings
    from tools.feedcheck import record_ids

    settings = load_settings(CONF, path=CONTENT, output=OUTPUT, cache=CACHE)
    added = record_ids(settings)
    for path in added:
        print(f"recorded {path}")
    print(f"content/feed-ids.toml: {len(added)} new id(s); commit the file.")


@task(
    help={
        "dest": "local folder or user@host:path (rsync); default $BREAKOUT_DEST",
        "gh_pages": "git repository (path or URL) to publish to with ghp-import",
        "branch": "branch for --gh-pages (default gh-pages)",
        "s3": "s3://bucket/prefix in S3-compatible storage (AWS_* settings from the environment)",
        "prefix": "key prefix for --s3 s3://bucket; '/' means the whole bucket",
        "dry_run": "show what would be added, changed and removed; touch nothing",
        "break_lock": "with --s3: take over the bucket's publish lock now (its holder was killed)",
    }
)
def publish(
    c: Context,
    dest: str = "",
    gh_pages: str = "",
    branch: str = "",
    s3: str = "",
    prefix: str = "",
    dry_run: bool = False,
    break_lock: bool = False,
) -> None:
    """Build with publishconf.py into a fresh staging folder, check it, and deploy if all pass."""
    from tools.publish import PublishError, publish_site

    _load_local_env()
    _console_logging()  # a failed build says what failed, as `invoke build` does
    if not (
        dest or gh_pages or s3
    ):  # a destination on the command line overrides the environment's
        dest = os.environ.get("BREAKOUT_DEST", "")
        gh_pages = os.environ.get("BREAKOUT_GH_PAGES", "")
        s3 = os.environ.get("BREAKOUT_S3", "")
        prefix = prefix or os.environ.get("BREAKOUT_S3_PREFIX", "")
    try:
        publish_site(
            root=ROOT,
            dest=dest,
            gh_pages=gh_pages,
            s3=s3,
            prefix=prefix,
            branch=branch or os.environ.get("BREAKOUT_BRANCH", "") or "gh-pages",
            dry_run=dry_run,
            break_lock=break_lock,
        )
    except PublishError as exc:
        sys.exit(f"publish: {exc}")


@task(
    help={
        "posts": "number of write-ups in the generated corpus",
        "repeats": "runs of each build",
        "scale": "Breakout cold at 2,000 and 5,000 write-ups",
        "profile": "cProfile one Breakout cold build",
        "profile_warm": "cProfile Breakout's warm rebuild after the one-word edit",
        "clock": "cpu (default) or wall time in the ratios",
        "search": "measure Breakout with Pagefind indexing on",
        "shape": "corpus shape(s), comma-separated: default, dense (one ratios line each)",
        "workers": "BREAKOUT_WORKERS for Breakout's builds; a list (1,2) runs each in turn",
        "sizes": "the two corpus sizes of --scale (default 2000,5000)",
    }
)
def bench(
    c: Context,
    posts: int = 500,
    repeats: int = 3,
    scale: bool = False,
    profile: bool = False,
    profile_warm: bool = False,
    clock: str = "cpu",
    search: bool = False,
    shape: str = "default",
    workers: str = "",
    sizes: str = "2000,5000",
) -> None:
    """Benchmark Breakout against vanilla Pelican on a generated corpus (A B A B)."""
    from bench.runner import main as bench_main
    from bench.runner import split_ints, split_names

    bench_main(
        posts=posts,
        repeats=repeats,
        scale_mode=scale,
        profile_mode="warm" if profile_warm else profile,
        clock=clock,
        search=search,
        shapes=split_names(shape),
        workers=split_ints(workers) or [None],
        sizes=split_ints(sizes),
    )


@task(help={"port": "port on 127.0.0.1 (default 8001, where local builds point the form)"})
def intake(c: Context, port: int = 8001) -> None:
    """Run the comment intake service on http://127.0.0.1:PORT (Ctrl-C stops)."""
    from intake.server import main as intake_main

    intake_main(["--host", "127.0.0.1", "--port", str(port)])


@task(
    iterable=["approve", "reject"],
    help={
        "approve": "move these queued comments into content/comments/ (ids, repeat or comma-separate)",
        "reject": "move these queued comments to moderation/_rejected/ (never published)",
        "approve_all": "approve every queued comment",
        "queue": "the moderation queue folder (default moderation/ or $BREAKOUT_INTAKE_QUEUE)",
        "content": "the content folder approved comments go into (default content/)",
    },
)
def moderate(
    c: Context,
    approve: list[str] | None = None,
    reject: list[str] | None = None,
    approve_all: bool = False,
    queue: str = "",
    content: str = "",
) -> None:
    """List the comments waiting for moderation, or approve/reject them by id."""
    import zoneinfo

    from breakout_comments.glue import markdown_factory
    from breakout_comments.render import BodyRenderer

    from intake import moderation
    from tools.build import load_settings

    queue_dir = Path(queue or os.environ.get("BREAKOUT_INTAKE_QUEUE", "") or ROOT / "moderation")
    content_dir = Path(content) if content else CONTENT
    ids = [i for raw in (approve or []) for i in raw.replace(",", " ").split()]
    rejected = [i for raw in (reject or []) for i in raw.replace(",", " ").split()]
    try:
        if approve_all or ids or rejected:
            to_approve = (
                moderation.queued_files(queue_dir)
                if approve_all
                else moderation.find(queue_dir, ids)
            )
            to_reject = moderation.find(queue_dir, rejected)
            both = set(to_approve) & set(to_reject)
            if both:
                sys.exit(
                    f"moderate: {', '.join(sorted(p.stem for p in both))}: both approved and rejected"
                )
            for path in moderation.approve(to_approve, content_dir / "comments"):
                print(f"approved {path}")
            for path in moderation.reject(to_reject, queue_dir):
                print(f"rejected {path}")
            if to_approve:
                print("Run python3 -m invoke build (or publish) to show them.")
            return
    except moderation.ModerationError as exc:
        sys.exit(f"moderate: {exc}")
    settings = load_settings(CONF, path=content_dir, output=OUTPUT, cache=CACHE)
    renderer = BodyRenderer(markdown_factory(settings))
    waiting = moderation.pending(
        queue_dir,
        zoneinfo.ZoneInfo(settings.get("TIMEZONE") or "UTC"),
        lambda source: renderer.render(source, []).body_html,
    )
    for item in waiting:
        print(moderation.describe(item))
        print()
    print(f"{len(waiting)} comment(s) waiting in {queue_dir}")
