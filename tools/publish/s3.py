"""S3-compatible object storage (AWS S3, Cloudflare R2, Backblaze B2, MinIO, SeaweedFS, …).

Only new and changed files are uploaded (their MD5 against the objects' ETags), in an order
that never shows a broken site: content-hashed assets, other assets, then pages and feeds;
objects the new build no longer has are deleted last, and only under the prefix. Each PUT
replaces one object whole, so a publish killed half-way leaves every page pointing at
objects that exist, and the next publish finishes the job. Two publishes to one prefix,
from any machines, never run at once: each holds the prefix's lock object (s3lock.py)
from its listing of the bucket to its last deletion.
"""

from __future__ import annotations

import base64
import contextlib
import os
import re
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tools.publish.base import PublishError, PublishResult
from tools.publish.changes import Changes
from tools.publish.objects import PAGE, PHASE_NAMES, SiteObject, site_objects
from tools.publish.s3lock import LOCK_NAME, RENEW_SECONDS, S3Lease, lock_key, s3_error

BUCKET = re.compile(r"^[a-z0-9][a-z0-9.\-_]{1,254}$")
PLAIN_ETAG = re.compile(r'^"?([0-9a-f]{32})"?$')
WORKERS = 8
DELETE_BATCH = 1000  # the most DeleteObjects takes in one request


@dataclass(frozen=True)
class S3Location:
    """A bucket and the key prefix the site lives under ('' for the bucket root)."""

    bucket: str
    prefix: str  # '' or ends with '/'

    @property
    def shown(self) -> str:
        """s3://bucket/prefix/ as messages name it."""
        return f"s3://{self.bucket}/{self.prefix}"


def parse_location(url: str, prefix: str = "") -> S3Location:
    """s3://bucket/prefix plus --prefix; the bucket root only with --prefix / said explicitly."""
    if not url.startswith("s3://"):
        raise PublishError(f"--s3 takes s3://bucket/prefix, not {url!r}")
    bucket, _, path = url[len("s3://") :].partition("/")
    if not BUCKET.match(bucket):
        raise PublishError(f"{url}: {bucket!r} is not a bucket name")
    path, prefix = path.strip("/"), prefix.strip()
    if path and prefix and prefix.strip("/") != path:
        raise PublishError(f"two prefixes given ({url} and --prefix {prefix}); give one")
    if not path and not prefix:
        raise PublishError(
            f"{url} names no prefix: publishing to the root of bucket {bucket} would delete "
            f"every object there that the site does not have. Give s3://{bucket}/PREFIX, "
            "or --prefix / if the whole bucket is the site's"
        )
    chosen = path or prefix.strip("/")
    parts = chosen.split("/")
    if chosen and any(p in ("", ".", "..") for p in parts):
        raise PublishError(f"the prefix {chosen!r} has an empty, '.' or '..' part")
    return S3Location(bucket, chosen + "/" if chosen else "")


def client_from_env(env: Mapping[str, str] | None = None) -> Any:
    """A boto3 S3 client whose endpoint and credentials come only from the environment."""
    import boto3
    from botocore.config import Config

    env = os.environ if env is None else env
    key, secret = env.get("AWS_ACCESS_KEY_ID", ""), env.get("AWS_SECRET_ACCESS_KEY", "")
    if not key or not secret:
        raise PublishError(
            "no S3 credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and "
            "AWS_ENDPOINT_URL for storage other than AWS) in the environment or publish.local.env"
        )
    endpoint = env.get("AWS_ENDPOINT_URL_S3") or env.get("AWS_ENDPOINT_URL") or None
    session = boto3.session.Session(
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        aws_session_token=env.get("AWS_SESSION_TOKEN") or None,
        region_name=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1",
    )
    config = Config(
        retries={"max_attempts": 5, "mode": "standard"},
        max_pool_connections=WORKERS * 2,
        # Endpoints other than AWS (MinIO, SeaweedFS, …) rarely have bucket DNS names.
        s3={"addressing_style": "path" if endpoint else "auto"},
        # The endpoint is the one read above, never one from ~/.aws/config.
        ignore_configured_endpoint_urls=True,
    )
    return session.client("s3", endpoint_url=endpoint, config=config)


def check_bucket(client: Any, loc: S3Location) -> None:
    """Fail before the build if the bucket cannot be listed with these credentials."""
    try:
        client.list_objects_v2(Bucket=loc.bucket, Prefix=loc.prefix, MaxKeys=1)
    except Exception as exc:
        raise PublishError(f"cannot list {loc.shown}: {s3_error(exc)}") from exc


def remote_listing(client: Any, loc: S3Location) -> dict[str, str | None]:
    """{site-relative path: MD5 or None when the ETag is not one} of the objects under the prefix."""
    found: dict[str, str | None] = {}
    lock = lock_key(loc)
    try:
        pages = client.get_paginator("list_objects_v2").paginate(
            Bucket=loc.bucket, Prefix=loc.prefix
        )
        for page in pages:
            for item in page.get("Contents", []):
                key = item["Key"]
                if not key.startswith(loc.prefix) or key.endswith("/") or key == lock:
                    continue  # folder markers made by consoles, and the lock, are not the site
                m = PLAIN_ETAG.match(item.get("ETag", ""))
                found[key[len(loc.prefix) :]] = m.group(1) if m else None
    except Exception as exc:
        raise PublishError(
            f"cannot list {loc.shown}: {s3_error(exc)}; nothing was changed"
        ) from exc
    return found


def _stored_md5(client: Any, loc: S3Location, rel: str) -> str | None:
    """The MD5 Breakout stored in the object's metadata (multipart or encrypted ETags are not MD5s)."""
    head = client.head_object(Bucket=loc.bucket, Key=loc.prefix + rel)
    return head.get("Metadata", {}).get("md5")


def diff_objects(
    client: Any, loc: S3Location, local: Mapping[str, SiteObject], remote: Mapping[str, str | None]
) -> Changes:
    """Which objects to add, replace and delete."""
    changed = []
    for rel in sorted(set(local) & set(remote)):
        md5 = remote[rel] if remote[rel] is not None else _stored_md5(client, loc, rel)
        if md5 != local[rel].md5:
            changed.append(rel)
    return Changes(
        added=sorted(set(local) - set(remote)),
        changed=changed,
        removed=sorted(set(remote) - set(local)),
    )


@dataclass
class S3Target:
    """A bucket prefix, filled object by object in an order that never shows a broken site."""

    loc: S3Location
    client: Any
    before_switch: Callable[[Path], None] | None = None  # tests: runs before pages go up
    break_lock: bool = False  # take over the prefix's lock even if its holder renewed it lately
    lock_renew: float = RENEW_SECONDS  # seconds between renewals of the lock (tests: fewer)
    _objects: dict[str, SiteObject] = field(default_factory=dict)

    @property
    def shown(self) -> str:
        """s3://bucket/prefix/."""
        return self.loc.shown

    def changes(self, site: Path) -> Changes:
        """The staged site against the objects under the prefix."""
        self._objects = site_objects(site)
        if LOCK_NAME in self._objects:
            raise PublishError(
                f"the site has a file {LOCK_NAME}, the name S3 publishing gives its lock "
                "object: rename it"
            )
        return diff_objects(
            self.client, self.loc, self._objects, remote_listing(self.client, self.loc)
        )

    def deploy(self, site: Path, result: PublishResult, echo: Callable[[str], None]) -> None:
        """Take the prefix's lock, then upload by phase and delete; say what was done."""
        lease = S3Lease(self.client, self.loc, renew=self.lock_renew)
        lease.acquire(break_lock=self.break_lock, echo=echo)
        try:
            self._deploy_held(site, result, echo, lease)
        except BaseException:
            with contextlib.suppress(PublishError):  # the first failure is the one to tell
                lease.release()
            raise
        lease.release()

    def _deploy_held(
        self, site: Path, result: PublishResult, echo: Callable[[str], None], lease: S3Lease
    ) -> None:
        """Under the lock: list the bucket again (another publish may have run), upload, delete."""
        remote = remote_listing(self.client, self.loc)
        changes = result.changes = diff_objects(self.client, self.loc, self._objects, remote)
        if changes.empty:
            echo(f"{self.shown} already holds this site; nothing to publish.")
            return
        todo = [self._objects[rel] for rel in changes.added + changes.changed]
        for phase, name in PHASE_NAMES.items():
            batch = [obj for obj in todo if obj.phase == phase]
            if phase == PAGE and self.before_switch is not None:
                self.before_switch(site)
            if batch:
                lease.check()
                echo(f"Uploading {len(batch)} {name}")
                self._upload(batch, echo, lease.check)
        if changes.removed:
            lease.check()  # deleting is the one step another publish's site cannot survive
            echo(f"Deleting {len(changes.removed)} objects the site no longer has")
            self._delete(changes.removed, echo)
        echo(f"Published to {self.shown}: {changes.summary()}")

    def _upload(
        self, batch: list[SiteObject], echo: Callable[[str], None], held: Callable[[], None]
    ) -> None:
        """PUT a phase's objects in parallel; every one is done before the next phase starts.

        held() raises once the lock is lost: no object goes up after that.
        """

        def put(obj: SiteObject) -> str:
            held()
            data = obj.path.read_bytes()
            self.client.put_object(
                Bucket=self.loc.bucket,
                Key=self.loc.prefix + obj.rel,
                Body=data,
                ContentType=obj.content_type,
                CacheControl=obj.cache_control,
                ContentMD5=base64.b64encode(bytes.fromhex(obj.md5)).decode(),
                Metadata={"md5": obj.md5},
            )
            return obj.rel

        try:
            with ThreadPoolExecutor(WORKERS) as pool:
                for rel in pool.map(put, batch):
                    echo(f"upload {self.loc.prefix}{rel}")
        except PublishError:
            raise  # the lock was lost: its own message
        except Exception as exc:
            raise PublishError(
                f"uploading to {self.shown} failed: {s3_error(exc)}. Pages still point at objects "
                "that exist (nothing was deleted); publish again to finish"
            ) from exc

    def _delete(self, removed: list[str], echo: Callable[[str], None]) -> None:
        """Delete objects the site no longer has, all of them under the prefix."""
        keys = [self.loc.prefix + rel for rel in removed]
        if not all(k.startswith(self.loc.prefix) for k in keys):
            raise PublishError(f"refusing to delete outside {self.shown}")  # cannot happen
        for start in range(0, len(keys), DELETE_BATCH):
            chunk = keys[start : start + DELETE_BATCH]
            try:
                done = self.client.delete_objects(
                    Bucket=self.loc.bucket,
                    Delete={"Objects": [{"Key": k} for k in chunk], "Quiet": True},
                )
            except Exception as exc:
                raise PublishError(
                    f"deleting old objects in {self.shown} failed: {s3_error(exc)}; the new site "
                    "is complete, publish again to remove the rest"
                ) from exc
            if done.get("Errors"):
                first = done["Errors"][0]
                raise PublishError(
                    f"{len(done['Errors'])} old objects could not be deleted (first: "
                    f"{first.get('Key')}: {first.get('Code')} {first.get('Message')}); the new "
                    "site is complete, publish again to remove the rest"
                )
            for key in chunk:
                echo(f"delete {key}")


def inspect_s3(url: str, prefix: str, client: Any | None = None) -> tuple[S3Location, Any]:
    """Parse the destination, make a client from the environment and check the bucket answers."""
    loc = parse_location(url, prefix)
    client = client if client is not None else client_from_env()
    check_bucket(client, loc)
    return loc, client
