"""`invoke publish --s3`: a real SeaweedFS S3 server on 127.0.0.1, real builds, real checks."""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT
from seaweed import S3Server, seaweedfs
from test_publish import POLICE, SITEURL, Project

from tools.publish import PublishError
from tools.publish.objects import LONG_CACHE, SHORT_CACHE, content_type, phase
from tools.publish.s3 import parse_location
from tools.publish.s3lock import LOCK_NAME

OPEN_DATA = Path("writeups/2012/open-data.md")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    with seaweedfs(tmp_path_factory.mktemp("seaweedfs")) as running:
        yield running


class Bucket:
    """A fresh bucket on the test server, a client that records its calls, and a project."""

    def __init__(self, server: S3Server, project: Project, name: str) -> None:
        self.server, self.project, self.name = server, project, name
        self.client = server.client()
        self.client.create_bucket(Bucket=name)
        self.calls: list[tuple[str, Any]] = []
        self.client.meta.events.register("before-parameter-build.s3.PutObject", self._put)
        self.client.meta.events.register("before-parameter-build.s3.DeleteObjects", self._delete)

    def _put(self, params: dict[str, Any], **_: Any) -> None:
        if not params["Key"].endswith(LOCK_NAME):  # the publish lock: tests of its own
            self.calls.append(("put", params["Key"]))

    def _delete(self, params: dict[str, Any], **_: Any) -> None:
        keys = [o["Key"] for o in params["Delete"]["Objects"]]
        self.calls.append(("delete", keys))

    def publish(self, prefix: str = "blog", **kw: Any) -> Any:
        """Publish the project to s3://bucket/prefix with this client."""
        self.calls.clear()
        return self.project.publish(
            dest="", s3=f"s3://{self.name}/{prefix}", s3_client=self.client, **kw
        )

    def puts(self) -> list[str]:
        return [key for verb, key in self.calls if verb == "put"]

    def objects(self, prefix: str = "") -> dict[str, dict[str, Any]]:
        """{key: listing entry} of every object in the bucket under prefix."""
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.name, Prefix=prefix
        )
        return {o["Key"]: o for page in pages for o in page.get("Contents", [])}

    def body(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()

    def url(self, key: str) -> str:
        """The object as an anonymous reader (or a CDN) fetches it over HTTP."""
        return f"{self.server.endpoint}/{self.name}/{key}"


@pytest.fixture
def bucket(server: S3Server, tmp_path: Path, request: pytest.FixtureRequest) -> Bucket:
    name = "site-" + hashlib.sha1(request.node.name.encode()).hexdigest()[:12]
    return Bucket(server, Project(tmp_path), name)


def staged(project: Project) -> dict[str, bytes]:
    """{site path: bytes} of the last checked staging build."""
    site = project.staging / "site"
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def assert_bucket_holds(bucket: Bucket, site: dict[str, bytes], prefix: str = "blog/") -> None:
    """The prefix holds exactly the site, byte for byte."""
    objects = bucket.objects(prefix)
    assert sorted(objects) == sorted(prefix + rel for rel in site)
    for rel, data in site.items():
        assert objects[prefix + rel]["ETag"].strip('"') == hashlib.md5(data).hexdigest(), rel


def crawl(bucket: Bucket, prefix: str = "blog/") -> set[str]:
    """Fetch the site over anonymous HTTP from its home page, following every same-site
    href and src; fail on any missing object. Returns the keys fetched."""
    seen: set[str] = set()
    todo = [prefix + "index.html"]
    while todo:
        key = todo.pop()
        if key in seen:
            continue
        seen.add(key)
        try:
            with urllib.request.urlopen(bucket.url(key), timeout=60) as response:
                data = response.read()
        except urllib.error.HTTPError as exc:
            raise AssertionError(f"{key}: HTTP {exc.code} (linked from a published page)") from exc
        if key.endswith(".html"):
            page = BeautifulSoup(data, "html.parser")
            refs = [
                str(tag.get(attr))
                for tag in page.find_all(["a", "link", "script", "img", "form"])
                for attr in ("href", "src", "action")
                if tag.get(attr)
            ]
            # The search page loads Pagefind from its bundle folder: the list of its shards.
            for form in page.find_all(attrs={"data-bundle": True}):
                refs.append(f"{form['data-bundle']}shards.json")
            for ref in refs:
                url = urljoin(SITEURL + "/" + key[len(prefix) :], ref)
                if not url.startswith(SITEURL + "/"):
                    continue
                path = urlsplit(url).path.lstrip("/")
                todo.append(
                    prefix + (path + "index.html" if path.endswith("/") or not path else path)
                )
        elif key.endswith("pagefind/shards.json"):
            # The first shard's loader, then every shard's entry (the search page merges them).
            shards = [key.removesuffix("shards.json") + s for s in json.loads(data)["shards"]]
            todo += [shards[0] + "pagefind.js"] + [s + "pagefind-entry.json" for s in shards]
        elif key.endswith("pagefind-entry.json"):
            folder = key.removesuffix("pagefind-entry.json")
            for lang in json.loads(data)["languages"].values():
                todo.append(f"{folder}pagefind.{lang['hash']}.pf_meta")
    return seen


# --- pure rules ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rel", "kind", "cache", "order"),
    [
        ("index.html", "text/html; charset=utf-8", SHORT_CACHE, 2),
        ("feeds/all.atom.xml", "application/atom+xml; charset=utf-8", SHORT_CACHE, 2),
        ("people/nickkeane/rss.xml", "application/rss+xml; charset=utf-8", SHORT_CACHE, 2),
        ("sitemap.xml", "application/xml; charset=utf-8", SHORT_CACHE, 2),
        ("robots.txt", "text/plain; charset=utf-8", SHORT_CACHE, 2),
        ("theme/css/breakout.css", "text/css; charset=utf-8", SHORT_CACHE, 1),
        ("theme/css/breakout.1ccb61a2b8ee.css", "text/css; charset=utf-8", LONG_CACHE, 0),
        ("theme/favicon.429c6445311c.svg", "image/svg+xml; charset=utf-8", LONG_CACHE, 0),
        ("images/photo.1ccb61a2b8ee.jpg", "image/jpeg", SHORT_CACHE, 1),
        ("theme/favicon.svg", "image/svg+xml; charset=utf-8", SHORT_CACHE, 1),
        ("images/photo.jpg", "image/jpeg", SHORT_CACHE, 1),
        ("pagefind/shards.json", "application/json; charset=utf-8", SHORT_CACHE, 1),
        ("pagefind/000/pagefind.js", "text/javascript; charset=utf-8", SHORT_CACHE, 1),
        ("pagefind/003/pagefind-entry.json", "application/json; charset=utf-8", SHORT_CACHE, 1),
        ("pagefind/000/wasm.en.pagefind", "application/wasm", SHORT_CACHE, 1),
        ("pagefind/003/fragment/en_155d94c.pf_fragment", "application/octet-stream", LONG_CACHE, 0),
        ("pagefind/003/index/en_a4a75c1.pf_index", "application/octet-stream", LONG_CACHE, 0),
        ("pagefind/003/pagefind.en_1826d1b6a9.pf_meta", "application/octet-stream", LONG_CACHE, 0),
        ("pagefind/fragment/en_155d94c.pf_fragment", "application/octet-stream", LONG_CACHE, 0),
    ],
)
def test_each_file_gets_its_type_cache_and_phase(
    rel: str, kind: str, cache: str, order: int
) -> None:
    from tools.publish.objects import is_hashed

    assert content_type(rel) == kind
    assert (LONG_CACHE if is_hashed(rel) else SHORT_CACHE) == cache
    assert phase(rel) == order


@pytest.mark.parametrize(
    ("url", "prefix", "message"),
    [
        (
            "s3://site",
            "",
            "s3://site names no prefix: publishing to the root of bucket site would delete every "
            "object there that the site does not have. Give s3://site/PREFIX, or --prefix / if "
            "the whole bucket is the site's",
        ),
        ("s3://site/", "", None),
        (
            "s3://site/blog",
            "other",
            "two prefixes given (s3://site/blog and --prefix other); give one",
        ),
        ("s3://site/a/../b", "", "the prefix 'a/../b' has an empty, '.' or '..' part"),
        ("s3://Site_/x", "", "s3://Site_/x: 'Site_' is not a bucket name"),
        ("site/blog", "", "--s3 takes s3://bucket/prefix, not 'site/blog'"),
    ],
)
def test_refuses_unclear_locations(url: str, prefix: str, message: str | None) -> None:
    with pytest.raises(PublishError) as err:
        parse_location(url, prefix)
    if message is not None:
        assert str(err.value) == message


def test_locations() -> None:
    assert parse_location("s3://site/blog/").prefix == "blog/"
    assert parse_location("s3://site", "/").prefix == ""
    assert parse_location("s3://site", "/a/b/").prefix == "a/b/"
    assert parse_location("s3://site/a/b", "a/b").shown == "s3://site/a/b/"


# --- against the real server -----------------------------------------------------------


def test_first_publish_uploads_the_checked_site_and_touches_nothing_outside_the_prefix(
    bucket: Bucket,
) -> None:
    decoys = {"blog-old/index.html": b"old", "blogx.html": b"x", "other/keep.txt": b"keep"}
    for key, data in {**decoys, "blog/stale.html": b"left by hand"}.items():
        bucket.client.put_object(Bucket=bucket.name, Key=key, Body=data)

    result = bucket.publish()

    site = staged(bucket.project)
    assert_bucket_holds(bucket, site)
    assert "blog/stale.html" not in bucket.objects()
    for key, data in decoys.items():
        assert bucket.body(key) == data
    assert sorted(result.changes.added) == sorted(site)
    assert result.changes.removed == ["stale.html"]
    # Assets first (hashed ones before the rest), pages and feeds after them, deletion last.
    puts = bucket.puts()
    assert [phase(key.removeprefix("blog/")) for key in puts] == sorted(
        phase(key.removeprefix("blog/")) for key in puts
    )
    assert bucket.calls[-1] == ("delete", ["blog/stale.html"])
    head = bucket.client.head_object(Bucket=bucket.name, Key="blog/2011/police/index.html")
    assert (head["ContentType"], head["CacheControl"]) == ("text/html; charset=utf-8", SHORT_CACHE)
    shard = next(k for k in site if k.startswith("pagefind/") and "/fragment/" in k)
    head = bucket.client.head_object(Bucket=bucket.name, Key="blog/" + shard)
    assert head["CacheControl"] == LONG_CACHE
    fetched = crawl(bucket)
    assert {
        "blog/2012/open-data/index.html",
        "blog/feeds/all.atom.xml",
        "blog/search/index.html",
        "blog/pagefind/shards.json",
        "blog/pagefind/000/pagefind.js",
        "blog/pagefind/000/pagefind-entry.json",
    } <= fetched
    assert any(key.endswith(".pf_meta") for key in fetched)
    # The stylesheet pages link is the content-hashed copy, cached for a year.
    css = next(k for k in fetched if k.startswith("blog/theme/css/breakout."))
    assert css != "blog/theme/css/breakout.css"
    head = bucket.client.head_object(Bucket=bucket.name, Key=css)
    assert (head["ContentType"], head["CacheControl"]) == ("text/css; charset=utf-8", LONG_CACHE)
    assert bucket.project.echoed[-1].startswith("Published to s3://" + bucket.name + "/blog/: add ")


def test_second_publish_uploads_only_the_changed_objects(bucket: Bucket) -> None:
    bucket.publish()
    before_site = staged(bucket.project)
    before = bucket.objects("blog/")

    bucket.project.edit(POLICE, "A late addition to the write-up.")
    seen: dict[str, bytes] = {}

    def before_pages(site: Path) -> None:
        # Every asset is up before the first page or feed goes.
        for rel in ("2011/police/index.html", "pagefind/000/pagefind-entry.json"):
            seen[rel] = bucket.body("blog/" + rel)

    result = bucket.publish(before_switch=before_pages)

    after_site = staged(bucket.project)
    differing = {rel for rel, data in after_site.items() if before_site.get(rel) != data}
    assert "2011/police/index.html" in differing
    assert sorted(bucket.puts()) == sorted("blog/" + rel for rel in differing)
    assert len(bucket.puts()) < len(after_site) / 2
    assert sorted(result.changes.added + result.changes.changed) == sorted(differing)
    assert_bucket_holds(bucket, after_site)
    after = bucket.objects("blog/")
    for key, entry in before.items():
        if key.removeprefix("blog/") in after_site and key.removeprefix("blog/") not in differing:
            assert after[key]["LastModified"] == entry["LastModified"], key
    assert "A late addition" in bucket.body("blog/2011/police/index.html").decode()
    assert seen["2011/police/index.html"] == before_site["2011/police/index.html"]
    entry = "pagefind/000/pagefind-entry.json"
    assert seen[entry] == after_site[entry]
    assert seen[entry] != before_site[entry]

    bucket.publish()
    assert bucket.calls == []
    assert (
        bucket.project.echoed[-1]
        == f"s3://{bucket.name}/blog/ already holds this site; nothing to publish."
    )


def test_a_deleted_writeup_loses_its_objects_last(bucket: Bucket) -> None:
    bucket.publish()
    before_site = staged(bucket.project)
    (bucket.project.content / OPEN_DATA).unlink()

    result = bucket.publish()

    after_site = staged(bucket.project)
    gone = sorted(set(before_site) - set(after_site))
    assert "2012/open-data/index.html" in gone and "2012/open-data/comments.rss.xml" in gone
    assert result.changes.removed == gone
    assert bucket.calls[-1] == ("delete", ["blog/" + rel for rel in gone])
    assert all(verb == "put" for verb, _ in bucket.calls[:-1])
    assert_bucket_holds(bucket, after_site)
    assert "blog/2012/open-data/index.html" not in crawl(bucket)


def test_dry_run_lists_and_changes_nothing(bucket: Bucket) -> None:
    bucket.publish()
    before = bucket.objects()
    bucket.project.edit(POLICE, "Not yet.")
    bucket.project.echoed.clear()

    result = bucket.publish(dry_run=True)

    assert bucket.calls == [] and bucket.objects() == before
    assert "change 2011/police/index.html" in bucket.project.echoed
    assert bucket.project.echoed[-1] == (
        f"Dry run for s3://{bucket.name}/blog/: {result.changes.summary()}; nothing was changed."
    )


def test_bucket_root_only_with_prefix_slash(bucket: Bucket) -> None:
    def never(site: Path) -> None:
        raise AssertionError("a refused publish must not build")

    with pytest.raises(PublishError, match="names no prefix"):
        bucket.project.publish(
            dest="", s3=f"s3://{bucket.name}", s3_client=bucket.client, after_build=never
        )

    bucket.project.publish(dest="", s3=f"s3://{bucket.name}", prefix="/", s3_client=bucket.client)

    assert_bucket_holds(bucket, staged(bucket.project), prefix="")
    assert "index.html" in crawl(bucket, prefix="")


def test_missing_credentials_fail_before_the_build(
    bucket: Bucket, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(PublishError, match=r"^no S3 credentials: set AWS_ACCESS_KEY_ID"):
        bucket.project.publish(dest="", s3=f"s3://{bucket.name}/blog")
    assert not (bucket.project.staging / "site").exists()


KILLED = """
import sys, threading, time
sys.path[:0] = [{root!r}, {root!r} + "/plugins", {root!r} + "/tests"]
from pathlib import Path
from seaweed import S3Server
from tools.publish import publish_site

client = S3Server({endpoint!r}).client()
lock = threading.Lock()
pages, done = [], []

def stall(params, context, **_):
    # Let three pages through; once they are stored, hold every later page until the kill.
    if params["Key"].endswith(".html"):
        with lock:
            pages.append(params["Key"])
            n = len(pages)
        if n <= 3:
            context["page"] = True
            return
        while len(done) < 3:
            time.sleep(0.05)
        print("STALLED", flush=True)
        time.sleep(3600)

def stored(context, **_):
    if context.get("page"):
        done.append(1)

client.meta.events.register("before-parameter-build.s3.PutObject", stall)
client.meta.events.register("after-call.s3.PutObject", stored)
publish_site(
    root={project!r}, conf={conf!r}, content={content!r}, staging={staging!r},
    overrides={{"SITEURL": {siteurl!r}}}, s3={s3!r}, s3_client=client,
    echo=lambda line: print(line, flush=True),
)
"""


def test_a_publish_killed_mid_upload_leaves_a_whole_site_and_a_rerun_finishes(
    bucket: Bucket, tmp_path: Path
) -> None:
    p = bucket.project
    bucket.publish()
    old_site = staged(p)
    p.edit(POLICE, "A change that reaches many pages.")
    (p.content / OPEN_DATA).unlink()
    script = tmp_path / "killed.py"
    script.write_text(
        KILLED.format(
            root=str(ROOT), endpoint=bucket.server.endpoint, project=str(p.root),
            conf=str(ROOT / "publishconf.py"), content=str(p.content), staging=str(p.staging),
            siteurl=SITEURL, s3=f"s3://{bucket.name}/blog",
        )
    )  # fmt: skip
    proc = subprocess.Popen(
        [sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    lines = []
    assert proc.stdout is not None
    for line in proc.stdout:
        lines.append(line.rstrip("\n"))
        if line.startswith("STALLED"):
            os.kill(proc.pid, signal.SIGKILL)
            break
    proc.wait(timeout=120)
    assert proc.returncode == -signal.SIGKILL, "\n".join(lines)
    new_site = staged(p)  # the killed run's checked build

    # Mid-way: some pages are new, some still old, the deleted write-up is still there.
    objects = bucket.objects("blog/")
    pages = [
        rel for rel in new_site if rel.endswith(".html") and old_site.get(rel) != new_site[rel]
    ]
    etag = {k.removeprefix("blog/"): v["ETag"].strip('"') for k, v in objects.items()}
    new = [rel for rel in pages if etag.get(rel) == hashlib.md5(new_site[rel]).hexdigest()]
    assert 1 <= len(new) < len(pages)
    assert "2012/open-data/index.html" in etag
    # ... and every page a reader can reach points at objects that exist.
    crawl(bucket)

    # The killed publish's lock is fresh: another publish refuses, naming it, and changes nothing.
    with pytest.raises(PublishError) as refused:
        bucket.publish()
    assert re.search(
        rf"is held by publish [0-9a-f]{{8}} \(process {proc.pid}, started ", str(refused.value)
    )
    assert str(refused.value).endswith(
        "A lock not renewed for 120 s is taken over; if that publish was killed, "
        "--break-lock takes it over now"
    )
    assert bucket.objects("blog/") == objects
    result = bucket.publish(break_lock=True)
    taken = [line for line in p.echoed if line.startswith("Took over the publish lock")]
    assert taken and re.search(
        rf"\(--break-lock: publish [0-9a-f]{{8}} \(process {proc.pid},", taken[0]
    )

    final = staged(p)
    assert_bucket_holds(bucket, final)
    assert "2012/open-data/index.html" in result.changes.removed
    assert set(bucket.puts()).isdisjoint("blog/" + rel for rel in new)
    crawl(bucket)


def test_a_missing_bucket_fails_before_the_build(bucket: Bucket) -> None:
    with pytest.raises(
        PublishError, match=r"^cannot list s3://no-such-bucket-here/blog/: NoSuchBucket"
    ):
        bucket.project.publish(dest="", s3="s3://no-such-bucket-here/blog", s3_client=bucket.client)
    assert not (bucket.project.staging / "site").exists()


def test_objects_whose_etag_is_not_an_md5_are_compared_by_their_stored_md5(bucket: Bucket) -> None:
    from boto3.s3.transfer import TransferConfig

    bucket.publish()
    site = staged(bucket.project)
    multipart = TransferConfig(multipart_threshold=1, multipart_chunksize=5 * 1024 * 1024)
    # Two pages re-stored as multipart uploads (ETag "<md5 of md5s>-1"): one with the md5
    # metadata Breakout writes, one without it (as another tool would leave it).
    for rel, meta in (("about/index.html", True), ("404.html", False)):
        extra = {"Metadata": {"md5": hashlib.md5(site[rel]).hexdigest()}} if meta else {}
        bucket.client.upload_file(
            str(bucket.project.staging / "site" / rel),
            bucket.name,
            "blog/" + rel,
            ExtraArgs=extra,
            Config=multipart,
        )
        assert "-" in bucket.objects("blog/" + rel)["blog/" + rel]["ETag"]

    result = bucket.publish()

    assert result.changes.changed == ["404.html"]
    assert bucket.puts() == ["blog/404.html"]
