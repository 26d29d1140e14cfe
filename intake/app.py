"""The Starlette application: POST /comments turns a form post into a queued comment file."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote

import anyio
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Route

from . import notify, pages
from .manifest import Manifest, ManifestError, ManifestFile
from .queue import (
    Duplicates,
    QueueError,
    check_round_trip,
    clear_incoming,
    comment_text,
    new_id,
    site_zone,
    write_atomically,
)
from .ratelimit import RateLimiter, client_address, limit_key
from .settings import Settings, from_environment
from .validation import FIELDS, Rejection, Submission, check_fields, is_spam_trap, validate

log = logging.getLogger("breakout.intake")
FORM_TYPE = "application/x-www-form-urlencoded"
# The reason given while the manifest or the queue cannot be read or written (the log says why).
UNAVAILABLE = "comments cannot be taken just now; try again later"
JSON_TYPE = "application/json"  # what the form's script (theme/static/js/comments.js) asks for
# The refusal page needs the site's stylesheet and nothing else: even if escaping ever
# failed, no script, frame or form could work on it.
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": (
        "default-src 'none'; style-src {origin}; img-src {origin}; base-uri 'none'; "
        "form-action 'none'; frame-ancestors 'none'"
    ),
}


def json_headers(origin: str) -> dict[str, str]:
    """Headers of an answer to the form's script: only the site's pages may read it."""
    return {
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
        "Access-Control-Allow-Origin": origin,
        "Vary": "Origin",
    }


def wants_json(request: Request) -> bool:
    """Whether the post came from the form's script, which asks for JSON to show in the page."""
    accept = request.headers.get("accept", "")
    return any(part.split(";", 1)[0].strip().lower() == JSON_TYPE for part in accept.split(","))


class TooLarge(Exception):
    """The request body is over the cap."""


@dataclass
class Service:
    """The service's state for one process: settings, manifest, limits, duplicates."""

    settings: Settings
    manifest: ManifestFile
    limiter: RateLimiter
    duplicates: Duplicates
    now: Callable[[], dt.datetime]

    @classmethod
    def create(cls, settings: Settings) -> Service:
        """A service for `settings` (nothing read from disk yet)."""
        return cls(
            settings=settings,
            manifest=ManifestFile(settings.manifest),
            limiter=RateLimiter(settings.rate_limits),
            duplicates=Duplicates([settings.queue, settings.content_comments]),
            now=lambda: dt.datetime.now(dt.UTC),
        )


async def read_body(request: Request, cap: int) -> bytes:
    """The request body, or TooLarge as soon as it (or its Content-Length) passes `cap` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > cap):
        raise TooLarge
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > cap:
            raise TooLarge
    return bytes(body)


def from_the_site(request: Request, settings: Settings) -> bool:
    """True when Origin (or, without it, Referer) is the site: the post came from its form."""
    origin = request.headers.get("origin")
    if origin is not None:
        return origin.lower() == settings.origin
    referer = request.headers.get("referer", "")
    site = settings.site_url.lower()
    return referer.lower() == site or referer.lower().startswith(site + "/")


def refuse(
    service: Service,
    status: int,
    reason: str,
    fields: dict[str, str] | None = None,
    *,
    as_json: bool = False,
    **headers: str,
) -> Response:
    """A 4xx/5xx page with the reason and the reader's text kept (escaped).

    as_json: the form's script sent the post; it gets {"sent": false, "reason": …} and shows
    the reason beside the form, where the reader's text still is.
    """
    if as_json:
        return JSONResponse(
            {"sent": False, "reason": reason},
            status_code=status,
            headers={**json_headers(service.settings.origin), **headers},
        )
    fields = fields or {}
    back = ""
    writeup = None
    if fields.get("writeup"):  # a honeypot or malformed post gets no look-up at all
        with contextlib.suppress(ManifestError):
            writeup = service.manifest.current().writeups.get(fields["writeup"])
    if writeup is not None:
        back = f"{service.settings.site_url}/{writeup.url}#comment-form"
    page = pages.rejection_page(service.settings.site_url, reason, fields.get("comment", ""), back)
    policy = SECURITY_HEADERS["Content-Security-Policy"].format(origin=service.settings.origin)
    return HTMLResponse(
        page,
        status_code=status,
        headers={**SECURITY_HEADERS, "Content-Security-Policy": policy, **headers},
    )


class Refused(Exception):
    """A post refused: its status and reason, the reader's fields to keep, extra headers."""

    def __init__(
        self, status: int, reason: str, fields: dict[str, str] | None = None, **headers: str
    ) -> None:
        """Keep what refuse() needs to answer."""
        super().__init__(reason)
        self.status, self.reason, self.fields, self.headers = status, reason, fields, headers


async def post_comment(request: Request) -> Response:
    """Check one form post, queue it as a comment file and send the reader to the thank-you page.

    A post from the form's script (Accept: application/json) is answered in JSON instead,
    202 {"sent": true, "thanks": …} or the refusal's status with its reason, readable by
    the site's pages only (CORS), so the script can show the answer in the page.
    """
    service: Service = request.app.state.service
    js = wants_json(request)
    try:
        fields = await read_form(request, service.settings)
        manifest = current_manifest(request, service, fields)
        checked = admit(request, service, fields, manifest)
        comment_id = await queue_admitted(service, checked, manifest, fields)
    except Refused as no:
        return refuse(service, no.status, no.reason, no.fields, as_json=js, **no.headers)
    return accepted(service.settings, checked, manifest, comment_id, as_json=js)


async def read_form(request: Request, settings: Settings) -> dict[str, str]:
    """The post's form fields; Refused for a body too large, not a UTF-8 form, or a bot's."""
    try:
        raw = await read_body(request, settings.max_request_bytes)
    except TooLarge:
        raise Refused(413, f"the post is larger than {settings.max_request_bytes} bytes") from None
    ctype = request.headers.get("content-type", "").split(";", 1)
    charset = ctype[1].strip().lower() if len(ctype) > 1 else ""
    if ctype[0].strip().lower() != FORM_TYPE or charset not in ("", "charset=utf-8"):
        raise Refused(415, f"the comment form sends {FORM_TYPE} (UTF-8) only")
    try:
        pairs = parse_qsl(
            raw.decode("utf-8"),
            keep_blank_values=True,
            strict_parsing=bool(raw),
            max_num_fields=2 * len(FIELDS),  # room to name an extra field in the answer
            errors="strict",
        )
    except (UnicodeDecodeError, ValueError):
        raise Refused(400, "the post is not readable form data (UTF-8, URL-encoded)") from None
    fields = check_fields(pairs)
    if isinstance(fields, Rejection):
        raise Refused(fields.status, fields.reason)
    if is_spam_trap(fields):
        # Costs nothing: no manifest, no limiter, no disk; the bot's text is not kept either.
        raise Refused(400, "the post filled in the field people are asked to leave empty")
    return fields


def current_manifest(request: Request, service: Service, fields: dict[str, str]) -> Manifest:
    """The build's manifest, once the post is known to come from the site's form; else Refused."""
    if not from_the_site(request, service.settings):
        raise Refused(403, "the post did not come from the site's comment form", fields)
    try:
        return service.manifest.current()
    except ManifestError as exc:
        log.error("%s", exc)
        raise Refused(503, UNAVAILABLE, fields) from None


def admit(
    request: Request, service: Service, fields: dict[str, str], manifest: Manifest
) -> Submission:
    """The checked submission, within the address's rate limit; Refused if either fails."""
    checked = validate(fields, manifest)
    if isinstance(checked, Rejection):
        raise Refused(checked.status, checked.reason, fields)
    settings = service.settings
    peer = request.client.host if request.client else "unknown"
    key = limit_key(
        client_address(peer, request.headers.get("x-forwarded-for", ""), settings.trusted_proxies)
    )
    exceeded = service.limiter.hit(key)
    if exceeded is not None:
        wait = service.limiter.retry_after(exceeded, key)
        raise Refused(
            429,
            f"too many comments from your address (at most {exceeded}); try again in {wait} seconds",
            fields,
            **{"Retry-After": str(wait)},
        )
    return checked


async def queue_admitted(
    service: Service, checked: Submission, manifest: Manifest, fields: dict[str, str]
) -> str:
    """Queue the submission unless its write-up has the same text already; its comment id."""
    digest = service.duplicates.reserve(checked.writeup, checked.comment)
    if digest is None:
        raise Refused(409, "this write-up already has a comment with the same text", fields)
    try:
        return await anyio.to_thread.run_sync(queue_one, service, checked, manifest.timezone)
    except QueueError as exc:
        service.duplicates.release(checked.writeup, digest)
        log.error("%s", exc)
        raise Refused(503, UNAVAILABLE, fields) from None


def accepted(
    settings: Settings, checked: Submission, manifest: Manifest, comment_id: str, *, as_json: bool
) -> Response:
    """The answer to a queued comment (the thank-you page, or JSON); the editor told by mail."""
    writeup = manifest.writeups[checked.writeup]
    page_url = f"{settings.site_url}/{writeup.url}"
    task = None
    if settings.smtp.host:
        msg = notify.message(settings.smtp, checked, comment_id, writeup.title, page_url)
        task = BackgroundTask(anyio.to_thread.run_sync, notify.send, settings.smtp, msg)
    thanks = f"{settings.site_url}/{manifest.thanks_url}?writeup={quote(writeup.url)}"
    if as_json:
        return JSONResponse(
            {"sent": True, "thanks": thanks},
            status_code=202,  # accepted: it waits for an editor
            headers=json_headers(settings.origin),
            background=task,
        )
    return RedirectResponse(thanks, status_code=303, background=task)


def queue_one(service: Service, sub: Submission, timezone: str) -> str:
    """Write one submission to the queue (in a worker thread); its id."""
    tz = site_zone(timezone)
    date = service.now().astimezone(tz).replace(microsecond=0)
    comment_id = new_id(date)
    text = comment_text(sub, date)
    path = service.settings.queue / sub.writeup / f"{comment_id}.md"
    try:
        check_round_trip(text, sub, str(path), tz)
    except ValueError as exc:
        raise QueueError(str(exc)) from exc
    write_atomically(service.settings.queue, sub.writeup, comment_id, text)
    log.info("queued %s/%s", sub.writeup, comment_id)
    return comment_id


async def health(request: Request) -> Response:
    """200 when the manifest can be read (for the reverse proxy and the tests)."""
    try:
        request.app.state.service.manifest.current()
    except ManifestError as exc:
        return PlainTextResponse(f"not ready: {exc}\n", status_code=503)
    return PlainTextResponse("ok\n")


def create_app(settings: Settings | None = None) -> Starlette:
    """The ASGI application for `settings` (default: from the environment)."""
    service = Service.create(settings or from_environment())

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        """On start, remove what a killed earlier run left half-written."""
        left = clear_incoming(service.settings.queue)
        if left:
            log.warning("removed %d unfinished temporary file(s) from an earlier run", left)
        yield

    app = Starlette(
        routes=[
            Route("/comments", post_comment, methods=["POST"]),
            Route("/health", health, methods=["GET"]),
        ],
        lifespan=lifespan,
    )
    app.state.service = service
    return app
