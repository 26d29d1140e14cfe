"""A lease in the bucket that keeps two machines from publishing to one prefix at once.

The publish lock of `safety.locked` is a file lock: it keeps apart two publishes from one
checkout, not two machines (a laptop and CI, say). So an S3 publish first creates the
object `<prefix>.breakout-publish.lock` with a conditional PUT (`If-None-Match: *`), which
exactly one of two racing publishes wins; renews it every `renew` seconds while it works
(`If-Match` its own ETag, so a renewal never overwrites another holder's lock); and
deletes it at the end (`If-Match` again). A lock the server last wrote more than `stale`
seconds ago, by the server's own clock (so the machines' clocks do not matter), was left
by a publish that stopped: the next one takes it over, again by a conditional PUT.
`--break-lock` takes over a lock at once, for when its holder is known to be dead.

The object is readable wherever the site is, so it names no machine: it holds a random
token (the publish's id, which the publish prints), the process id, the start time and
the label `BREAKOUT_PUBLISHER` gives (`ci`, `laptop`; none by default), never a host name
or an address. Publishing never lists it as part of the site (s3.remote_listing).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from email.utils import parsedate_to_datetime
from typing import Any, Protocol

from tools.publish.base import PublishError

LOCK_NAME = ".breakout-publish.lock"
RENEW_SECONDS = 20.0
STALE_SECONDS = 120.0  # six missed renewals: the holder has stopped
LABEL = re.compile(r"[^A-Za-z0-9._-]+")
ATTEMPTS = 3  # a lock released between our refused PUT and our read: try again


class Located(Protocol):
    """Where the site lives (s3.S3Location)."""

    @property
    def bucket(self) -> str: ...

    @property
    def prefix(self) -> str: ...

    @property
    def shown(self) -> str: ...


@dataclass(frozen=True)
class Holder:
    """Who holds a lock, as its object says."""

    label: str  # BREAKOUT_PUBLISHER, or ''
    pid: int
    started: str  # ISO 8601, UTC
    token: str  # random: the publish's id

    @classmethod
    def me(cls, env: Mapping[str, str] | None = None) -> Holder:
        """This process, now, labelled by BREAKOUT_PUBLISHER (letters, digits, . _ - only)."""
        env = os.environ if env is None else env
        label = LABEL.sub("", env.get("BREAKOUT_PUBLISHER", ""))[:40]
        now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
        return cls(label, os.getpid(), now, secrets.token_hex(8))

    def describe(self) -> str:
        """How messages name the holder."""
        who = f"{self.label}, " if self.label else ""
        return f"{who}publish {self.token[:8]} (process {self.pid}, started {self.started})"


@dataclass(frozen=True)
class Found:
    """A lock someone holds: who, the object's ETag, and seconds since the server last wrote it."""

    holder: Holder | None  # None: the object is not a lock this code wrote
    etag: str
    age: float


def lock_key(loc: Located) -> str:
    """The lock object's key: beside the site's objects, under its prefix."""
    return loc.prefix + LOCK_NAME


def s3_error(exc: Exception) -> str:
    """botocore's error in one line (code and message when the server sent them)."""
    response = getattr(exc, "response", None)
    if isinstance(response, dict) and "Error" in response:
        err = response["Error"]
        return f"{err.get('Code', '')} {err.get('Message', '')}".strip()
    return str(exc)


def _code(exc: Exception) -> str:
    """The S3 error code of a botocore ClientError ('' for anything else)."""
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Code", ""))
    return ""


def _unsupported(exc: Exception) -> bool:
    """Whether the storage does not do conditional writes (it answers 501 Not Implemented)."""
    response = getattr(exc, "response", None)
    status = (
        response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if isinstance(response, dict)
        else None
    )
    return _code(exc) in ("NotImplemented", "501") or status == 501


def _refused(exc: Exception) -> bool:
    """Whether a conditional request failed its condition (someone else holds the lock)."""
    return _code(exc) in ("PreconditionFailed", "ConditionalRequestConflict", "412", "409")


def read_lock(client: Any, loc: Located) -> Found | None:
    """The lock as the server holds it now; None if there is none."""
    try:
        got = client.get_object(Bucket=loc.bucket, Key=lock_key(loc))
    except Exception as exc:
        if _code(exc) in ("NoSuchKey", "404"):
            return None
        raise PublishError(f"cannot read the publish lock in {loc.shown}: {s3_error(exc)}") from exc
    body = got["Body"].read()
    server_now = parsedate_to_datetime(got["ResponseMetadata"]["HTTPHeaders"]["date"])
    age = (server_now - got["LastModified"]).total_seconds()
    try:
        holder = Holder(**json.loads(body))
    except (ValueError, TypeError):
        holder = None
    return Found(holder, got["ETag"], max(age, 0.0))


TAKEN_OVER = "another publish took over the lock"  # S3Lease.lost when a renewal was refused


class S3Lease:
    """The publish lock of one prefix, held from acquire() to release(), renewed in between."""

    def __init__(
        self,
        client: Any,
        loc: Located,
        *,
        renew: float = RENEW_SECONDS,
        stale: float = STALE_SECONDS,
        holder: Holder | None = None,
    ) -> None:
        """A lease on loc's lock (not taken yet)."""
        self.client, self.loc = client, loc
        self.renew, self.stale = renew, stale
        self.holder = holder or Holder.me()
        self.etag = ""
        self.lost = ""  # why the lock is no longer ours ('' while it is)
        self.unlocked = ""  # why this publish runs without a lock ('' when it holds one)
        self._renewed = 0.0  # time.monotonic() of the last write that kept the lock
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.shown = f"{loc.shown}{LOCK_NAME}"  # how messages name the lock object

    def _put(self, **condition: str) -> str:
        """Write the lock object under a condition; its new ETag."""
        done = self.client.put_object(
            Bucket=self.loc.bucket,
            Key=lock_key(self.loc),
            Body=json.dumps(asdict(self.holder)).encode(),
            ContentType="application/json",
            CacheControl="no-store",
            **condition,
        )
        self._renewed = time.monotonic()
        return str(done["ETag"])

    def acquire(self, *, break_lock: bool = False, echo: Callable[[str], None] = print) -> None:
        """Take the lock, or fail naming its holder; a stale lock (or any, with break_lock) is taken over."""
        for _ in range(ATTEMPTS):
            try:
                self.etag = self._put(IfNoneMatch="*")
                break
            except Exception as exc:
                if _unsupported(exc):  # older storage: publish as before, and say so
                    self.unlocked = s3_error(exc)
                    echo(
                        f"Warning: {self.loc.shown} does not do conditional writes "
                        f"({self.unlocked}): publishing without the lock that keeps two "
                        "publishes to it apart"
                    )
                    return
                if not _refused(exc):
                    raise PublishError(
                        f"cannot take the publish lock in {self.loc.shown}: {s3_error(exc)}"
                    ) from exc
            found = read_lock(self.client, self.loc)
            if found is None:
                continue  # released meanwhile: try to create it again
            self.etag = self._take_over(found, break_lock, echo)
            break
        else:
            raise PublishError(
                f"cannot take the publish lock in {self.loc.shown}: it keeps changing"
            )
        echo(f"Holding the publish lock {self.shown} as {self.holder.describe()}")
        self._thread = threading.Thread(target=self._keep, name="publish-lock", daemon=True)
        self._thread.start()

    def _take_over(self, found: Found, break_lock: bool, echo: Callable[[str], None]) -> str:
        """Replace a lock that is stale (or any, with break_lock); fail if it is live."""
        who = found.holder.describe() if found.holder else "an unreadable lock object"
        if not break_lock and found.age <= self.stale:
            raise PublishError(
                f"another publish to {self.loc.shown} is running: {self.shown} is held by {who}, "
                f"renewed {found.age:.0f} s ago. Nothing was changed; publish again when it "
                f"is done. A lock not renewed for {self.stale:.0f} s is taken over; if that "
                "publish was killed, --break-lock takes it over now"
            )
        try:
            etag = self._put(IfMatch=found.etag)
        except Exception as exc:
            if _refused(exc):
                raise PublishError(
                    f"another publish to {self.loc.shown} took the lock at the same moment; "
                    "nothing was changed"
                ) from exc
            raise PublishError(
                f"cannot take the publish lock in {self.loc.shown}: {s3_error(exc)}"
            ) from exc
        why = "--break-lock" if break_lock and found.age <= self.stale else "stale"
        echo(
            f"Took over the publish lock {self.shown} ({why}: {who}, renewed {found.age:.0f} s ago)"
        )
        return etag

    def _keep(self) -> None:
        """Renew the lock until released; note it lost if another publish took it over."""
        while not self._stop.wait(self.renew):
            try:
                self.etag = self._put(IfMatch=self.etag)
            except Exception as exc:
                if _refused(exc):
                    self.lost = TAKEN_OVER
                    return
                # A network hiccup: try again next time; check() gives up once it is stale.

    def check(self) -> None:
        """Fail if the lock is no longer surely ours: before each step that changes the site."""
        if self.unlocked:
            return
        if not self.lost and time.monotonic() - self._renewed > self.stale * 0.75:
            self.lost = (
                f"the lock could not be renewed for {time.monotonic() - self._renewed:.0f} s"
            )
        if self.lost:
            raise PublishError(
                f"publishing to {self.loc.shown} stopped: {self.lost}. What was uploaded is "
                "complete objects; nothing more was changed. Publish again"
            )

    def release(self) -> None:
        """Stop renewing and delete the lock if it is still ours.

        A lock this publish could not renew is deleted too, if no one took it over
        meanwhile (If-Match): the next publish need not wait for it to go stale.
        """
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        if self.lost == TAKEN_OVER or not self.etag:
            return
        try:
            self.client.delete_object(
                Bucket=self.loc.bucket, Key=lock_key(self.loc), IfMatch=self.etag
            )
        except Exception as exc:
            # A lock left behind goes stale; the next publish says so. Once this publish
            # has stopped for its lock, that stop is the error to show, not this one.
            if not _refused(exc) and not self.lost:
                raise PublishError(
                    f"published, but the lock {self.shown} could not be removed: "
                    f"{s3_error(exc)}; the next publish takes it over after {self.stale:.0f} s"
                ) from exc
