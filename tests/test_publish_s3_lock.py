"""The S3 publish lock (tools/publish/s3lock.py) against a real SeaweedFS S3 server on 127.0.0.1."""

from __future__ import annotations

import hashlib
import json
import os
import re
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from seaweed import S3Server, seaweedfs
from test_publish import Project

from tools.publish import PublishError
from tools.publish.base import PublishResult
from tools.publish.s3 import S3Target, parse_location, remote_listing
from tools.publish.s3lock import LOCK_NAME, Holder, S3Lease, read_lock

ELSEWHERE = Holder("ci-runner", 4242, "2026-12-07T09:00:00+00:00", "0123456789abcdef")
HELD_BY = "ci-runner, publish 01234567 (process 4242, started 2026-12-07T09:00:00+00:00)"
REFUSED_TAIL = (
    "Nothing was changed; publish again when it is done. A lock not renewed for 120 s is "
    "taken over; if that publish was killed, --break-lock takes it over now"
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    with seaweedfs(tmp_path_factory.mktemp("seaweedfs")) as running:
        yield running


@pytest.fixture
def client(server: S3Server, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A client and a fresh bucket named after the test (as `lock-<n>`), removed after it.

    Removed, because each bucket takes volumes of its own and the server has few (-volume.max).
    """
    made = server.client()
    made.bucket_name = "lock-" + hashlib.sha1(request.node.name.encode()).hexdigest()[:12]
    made.create_bucket(Bucket=made.bucket_name)
    yield made
    for found in made.list_objects_v2(Bucket=made.bucket_name).get("Contents", []):
        made.delete_object(Bucket=made.bucket_name, Key=found["Key"])
    made.delete_bucket(Bucket=made.bucket_name)


def lock_body(client: Any, prefix: str = "blog/") -> dict[str, Any] | None:
    """The lock object's JSON, or None if there is none."""
    try:
        got = client.get_object(Bucket=client.bucket_name, Key=prefix + LOCK_NAME)
    except client.exceptions.NoSuchKey:
        return None
    return dict(json.loads(got["Body"].read()))


def test_one_of_two_publishes_holds_the_lock(client: Any) -> None:
    loc = parse_location(f"s3://{client.bucket_name}/blog")
    first = S3Lease(client, loc, holder=ELSEWHERE)
    first.acquire()
    assert lock_body(client) == {
        "label": "ci-runner",
        "pid": 4242,
        "started": "2026-12-07T09:00:00+00:00",
        "token": "0123456789abcdef",
    }
    second = S3Lease(client, loc)
    with pytest.raises(PublishError) as refused:
        second.acquire()
    expected = (
        f"another publish to s3://{client.bucket_name}/blog/ is running: "
        f"s3://{client.bucket_name}/blog/.breakout-publish.lock is held by {HELD_BY}, "
        "renewed 0 s ago. " + REFUSED_TAIL
    )
    # The object's time has whole seconds, so a second may have begun since.
    assert re.fullmatch(re.escape(expected).replace("0\\ s", "[01]\\ s"), str(refused.value))
    first.release()
    assert lock_body(client) is None
    second.acquire()  # free again
    assert lock_body(client)["token"] == second.holder.token  # type: ignore[index]
    second.release()


def test_the_lock_is_not_part_of_the_site(client: Any) -> None:
    loc = parse_location(f"s3://{client.bucket_name}/blog")
    client.put_object(Bucket=client.bucket_name, Key="blog/index.html", Body=b"<p>x</p>")
    lease = S3Lease(client, loc)
    lease.acquire()
    # Never compared with the build, so never deleted as an object the site no longer has.
    assert sorted(remote_listing(client, loc)) == ["index.html"]
    lease.release()


def test_a_renewed_lock_stays_and_a_stale_one_is_taken_over(client: Any) -> None:
    loc = parse_location(f"s3://{client.bucket_name}/blog")
    alive = S3Lease(client, loc, renew=0.3, holder=ELSEWHERE)
    alive.acquire()
    time.sleep(2.5)  # the object's time has whole seconds: well past `stale` below
    with pytest.raises(PublishError, match=r"renewed [01] s ago"):
        S3Lease(client, loc, stale=1.0).acquire()
    alive.release()

    stopped = S3Lease(client, loc, renew=3600, holder=ELSEWHERE)  # as if killed: no renewals
    stopped.acquire()
    time.sleep(2.5)
    echoed: list[str] = []
    taker = S3Lease(client, loc, stale=1.0)
    taker.acquire(echo=echoed.append)
    assert len(echoed) == 2 and echoed[0].startswith(
        f"Took over the publish lock s3://{client.bucket_name}/blog/.breakout-publish.lock "
        f"(stale: {HELD_BY}, renewed "
    )
    # The publish says which it is: a refused one names it so.
    assert echoed[1] == (
        f"Holding the publish lock s3://{client.bucket_name}/blog/.breakout-publish.lock as "
        f"publish {taker.holder.token[:8]} (process {os.getpid()}, started {taker.holder.started})"
    )
    assert lock_body(client)["token"] == taker.holder.token  # type: ignore[index]
    taker.release()
    stopped.release()  # the lock it no longer holds stays
    assert lock_body(client) is None


def test_a_publish_whose_lock_was_broken_stops_and_leaves_the_new_lock(client: Any) -> None:
    loc = parse_location(f"s3://{client.bucket_name}/blog")
    victim = S3Lease(client, loc, renew=0.2, holder=ELSEWHERE)
    victim.acquire()
    breaker = S3Lease(client, loc)
    echoed: list[str] = []
    breaker.acquire(break_lock=True, echo=echoed.append)
    assert echoed[0].startswith(f"Took over the publish lock s3://{client.bucket_name}/blog/")
    assert f"(--break-lock: {HELD_BY}, renewed " in echoed[0]
    deadline = time.monotonic() + 30
    while not victim.lost and time.monotonic() < deadline:
        time.sleep(0.1)  # its next renewal finds another holder's lock
    with pytest.raises(PublishError) as stopped:
        victim.check()
    assert str(stopped.value) == (
        f"publishing to s3://{client.bucket_name}/blog/ stopped: another publish took over "
        "the lock. What was uploaded is complete objects; nothing more was changed. Publish again"
    )
    victim.release()  # must not delete the lock it lost
    assert lock_body(client)["token"] == breaker.holder.token  # type: ignore[index]
    breaker.release()
    assert lock_body(client) is None


def test_a_publish_refused_by_the_lock_uploads_nothing(client: Any, tmp_path: Path) -> None:
    project = Project(tmp_path)
    held = S3Lease(client, parse_location(f"s3://{client.bucket_name}/blog"), holder=ELSEWHERE)
    held.acquire()
    puts: list[str] = []
    client.meta.events.register(
        "before-parameter-build.s3.PutObject", lambda params, **_: puts.append(params["Key"])
    )
    with pytest.raises(PublishError) as refused:
        project.publish(dest="", s3=f"s3://{client.bucket_name}/blog", s3_client=client)
    assert f"is held by {HELD_BY}, renewed " in str(refused.value)
    assert puts == ["blog/.breakout-publish.lock"]  # its one attempt to take the lock
    assert [o["Key"] for o in client.list_objects_v2(Bucket=client.bucket_name)["Contents"]] == [
        "blog/.breakout-publish.lock"
    ]
    # --break-lock: published, and the lock is gone with the publish that took it.
    project.publish(
        dest="", s3=f"s3://{client.bucket_name}/blog", s3_client=client, break_lock=True
    )
    assert any(line.startswith("Took over the publish lock") for line in project.echoed)
    assert lock_body(client) is None
    assert "blog/index.html" in {
        o["Key"] for o in client.list_objects_v2(Bucket=client.bucket_name)["Contents"]
    }
    held.release()


def test_a_site_file_named_like_the_lock_is_refused(client: Any, tmp_path: Path) -> None:
    project = Project(tmp_path)
    with pytest.raises(PublishError) as refused:
        project.publish(
            dest="",
            s3=f"s3://{client.bucket_name}/blog",
            s3_client=client,
            after_build=lambda site: (site / LOCK_NAME).write_text("mine"),
        )
    assert str(refused.value) == (
        "the site has a file .breakout-publish.lock, the name S3 publishing gives its lock "
        "object: rename it"
    )
    assert "Contents" not in client.list_objects_v2(Bucket=client.bucket_name)


def test_break_lock_goes_with_s3_only(tmp_path: Path) -> None:
    with pytest.raises(PublishError) as refused:
        Project(tmp_path).publish(break_lock=True)
    assert str(refused.value) == (
        "--break-lock goes with --s3 s3://bucket/prefix (other destinations lock a file that "
        "is freed when its publish ends); there is no --s3 here"
    )


def test_a_missing_lock_reads_as_none(client: Any) -> None:
    assert read_lock(client, parse_location(f"s3://{client.bucket_name}/blog")) is None


def test_a_publish_stops_before_its_pages_once_its_lock_is_taken_over(
    client: Any, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    (site / "theme").mkdir(parents=True)
    (site / "theme" / "site.css").write_text("body { color: #222; }\n")
    (site / "index.html").write_text("<!DOCTYPE html><title>x</title><p>new</p>\n")
    loc = parse_location(f"s3://{client.bucket_name}/blog")
    breaker = S3Lease(client, loc, holder=ELSEWHERE)

    def another_machine_breaks_the_lock(_site: Path) -> None:
        breaker.acquire(break_lock=True, echo=lambda line: None)
        time.sleep(1.5)  # several of the publish's renewals: the next one finds the new lock

    target = S3Target(loc, client, before_switch=another_machine_breaks_the_lock, lock_renew=0.2)
    result = PublishResult(target.shown, target.changes(site), dry_run=False)
    echoed: list[str] = []
    with pytest.raises(PublishError) as stopped:
        target.deploy(site, result, echoed.append)
    assert str(stopped.value).startswith(
        f"publishing to s3://{client.bucket_name}/blog/ stopped: another publish took over the lock."
    )
    # The asset went up before; the page did not, and the other publish's lock is intact.
    keys = {o["Key"] for o in client.list_objects_v2(Bucket=client.bucket_name)["Contents"]}
    assert keys == {"blog/theme/site.css", "blog/.breakout-publish.lock"}
    assert lock_body(client)["token"] == ELSEWHERE.token  # type: ignore[index]
    assert echoed[1:] == ["Uploading 1 other assets", "upload blog/theme/site.css"]
    breaker.release()


def test_storage_without_conditional_writes_publishes_without_the_lock(
    client: Any, tmp_path: Path
) -> None:
    # As storage that does not do conditional writes answers: 501 to a conditional PUT.
    # Only that answer is made up; every other request goes to the real server.
    from botocore.awsrequest import AWSResponse

    def not_implemented(params: dict[str, Any], **_: Any) -> Any:
        headers = {name.lower() for name in params.get("headers", {})}  # the request as sent
        if not headers & {"if-none-match", "if-match"}:
            return None
        error = {"Code": "NotImplemented", "Message": "A header you provided is not implemented"}
        parsed = {"Error": error, "ResponseMetadata": {"HTTPStatusCode": 501}}
        return AWSResponse("http://127.0.0.1/", 501, {}, None), parsed

    client.meta.events.register("before-call.s3.PutObject", not_implemented)
    project = Project(tmp_path)
    project.publish(dest="", s3=f"s3://{client.bucket_name}/blog", s3_client=client)
    assert (
        f"Warning: s3://{client.bucket_name}/blog/ does not do conditional writes (NotImplemented "
        "A header you provided is not implemented): publishing without the lock that keeps two "
        "publishes to it apart"
    ) in project.echoed
    assert project.echoed[-1].startswith(f"Published to s3://{client.bucket_name}/blog/: add ")
    assert lock_body(client) is None


def test_the_lock_names_no_machine(client: Any) -> None:
    loc = parse_location(f"s3://{client.bucket_name}/blog")
    lease = S3Lease(client, loc)
    lease.acquire(echo=lambda line: None)
    raw = client.get_object(Bucket=client.bucket_name, Key="blog/" + LOCK_NAME)["Body"].read()
    # Readable wherever the site is: no host name (it can hold an address), only a label
    # the publisher chooses, the process and the time.
    assert socket.gethostname().encode() not in raw
    assert sorted(json.loads(raw)) == ["label", "pid", "started", "token"]
    lease.release()
    assert (
        Holder.me({"BREAKOUT_PUBLISHER": "ci runner <x@y.example>"}).label == "cirunnerxy.example"
    )
    assert Holder.me({}).label == ""


def stopped_for_its_lock(client: Any) -> S3Lease:
    """A lease that could not be renewed in time (renewals far apart, stale soon), checked."""
    lease = S3Lease(
        client, parse_location(f"s3://{client.bucket_name}/blog"), renew=3600, stale=1.0
    )
    lease.acquire(echo=lambda _line: None)
    time.sleep(1.0)  # past three quarters of `stale` with no renewal
    with pytest.raises(PublishError, match=r"stopped: the lock could not be renewed for 1 s\."):
        lease.check()
    return lease


def test_a_lock_that_could_not_be_renewed_is_removed_on_release(client: Any) -> None:
    lease = stopped_for_its_lock(client)
    lease.release()
    assert lock_body(client) is None  # free now, not only once it goes stale


def test_a_failed_removal_does_not_hide_why_the_publish_stopped(client: Any) -> None:
    # The storage fails the one DELETE (a made-up 500); the lease does not raise over the
    # publish's own stop, and the lock is left to go stale.
    from botocore.awsrequest import AWSResponse

    def failing(params: dict[str, Any], **_: Any) -> Any:
        parsed = {"Error": {"Code": "InternalError", "Message": "We are sorry"}}
        parsed["ResponseMetadata"] = {"HTTPStatusCode": 500}  # type: ignore[assignment]
        return AWSResponse("http://127.0.0.1/", 500, {}, None), parsed

    lease = stopped_for_its_lock(client)
    client.meta.events.register("before-call.s3.DeleteObject", failing)
    lease.release()
    client.meta.events.unregister("before-call.s3.DeleteObject", failing)
    assert lock_body(client) is not None
