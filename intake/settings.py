"""The intake service's settings: one frozen dataclass read from the environment."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from . import ROOT

PREFIX = "BREAKOUT_INTAKE_"


class SettingsError(ValueError):
    """A setting in the environment that cannot be used; the message names it."""


@dataclass(frozen=True)
class Smtp:
    """Where the moderator's notification goes; host "" turns notification off."""

    host: str = ""
    port: int = 25
    user: str = ""
    password: str = ""
    sender: str = "breakout-intake@localhost"
    to: str = ""
    starttls: bool = False
    timeout: float = 10.0


@dataclass(frozen=True)
class Settings:
    """Everything the service needs; see README "Comments from readers" for each variable."""

    site_url: str = "http://127.0.0.1:8000"  # the site's origin: Origin/Referer and redirects
    manifest: Path = ROOT / "output" / "intake.json"
    queue: Path = ROOT / "moderation"
    content_comments: Path = ROOT / "content" / "comments"  # published comments (duplicates)
    thanks_path: str = "/comments/thanks/"
    rate_limits: str = "2/minute;20/hour"  # per client address, `limits` notation
    trusted_proxies: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    max_request_bytes: int = 64 * 1024  # 5,000 characters of any script, URL-encoded
    smtp: Smtp = field(default_factory=Smtp)

    @property
    def origin(self) -> str:
        """scheme://host[:port] of the site, as browsers send it in Origin."""
        scheme, rest = self.site_url.split("://", 1)
        return f"{scheme}://{rest.split('/', 1)[0]}".lower()


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    """A positive integer variable, or the default when unset."""
    raw = env.get(PREFIX + name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{PREFIX}{name}={raw!r}: expected a whole number") from None
    if value <= 0:
        raise SettingsError(f"{PREFIX}{name}={raw!r}: expected a number above 0")
    return value


def _networks(raw: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """Comma-separated addresses or networks (CIDR) of reverse proxies to trust."""
    out = []
    for item in filter(None, (part.strip() for part in raw.split(","))):
        try:
            out.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise SettingsError(
                f"{PREFIX}TRUSTED_PROXIES: {item!r} is not an address or network "
                "(e.g. 127.0.0.1 or 10.0.0.0/8)"
            ) from None
    return tuple(out)


def from_environment(env: Mapping[str, str] | None = None) -> Settings:
    """Settings from BREAKOUT_INTAKE_* variables (and BREAKOUT_SITE_URL); defaults for local work."""
    env = os.environ if env is None else env
    site_url = (env.get("BREAKOUT_SITE_URL") or env.get("SITEURL") or "").strip().rstrip("/")
    site_url = site_url or Settings.site_url
    if not site_url.startswith(("http://", "https://")):
        raise SettingsError(f"BREAKOUT_SITE_URL={site_url!r}: expected http(s)://host[:port]")
    from limits import parse_many

    rates = env.get(PREFIX + "RATE", "").strip() or Settings.rate_limits
    try:
        parse_many(rates)
    except ValueError:
        raise SettingsError(
            f"{PREFIX}RATE={rates!r}: expected limits such as '2/minute;20/hour'"
        ) from None
    smtp = Smtp(
        host=env.get(PREFIX + "SMTP_HOST", "").strip(),
        port=_int(env, "SMTP_PORT", 25),
        user=env.get(PREFIX + "SMTP_USER", ""),
        password=env.get(PREFIX + "SMTP_PASSWORD", ""),
        sender=env.get(PREFIX + "SMTP_FROM", "").strip() or Smtp.sender,
        to=env.get(PREFIX + "SMTP_TO", "").strip(),
        starttls=env.get(PREFIX + "SMTP_STARTTLS", "").strip().lower() in ("1", "yes", "true"),
    )
    if smtp.host and not smtp.to:
        raise SettingsError(f"{PREFIX}SMTP_HOST is set but {PREFIX}SMTP_TO (the moderator) is not")

    def path(name: str, default: Path) -> Path:
        raw = env.get(PREFIX + name, "").strip()
        return Path(raw).resolve() if raw else default

    return Settings(
        site_url=site_url,
        manifest=path("MANIFEST", Settings.manifest),
        queue=path("QUEUE", Settings.queue),
        content_comments=path("CONTENT_COMMENTS", Settings.content_comments),
        rate_limits=rates,
        trusted_proxies=_networks(env.get(PREFIX + "TRUSTED_PROXIES", "")),
        max_request_bytes=_int(env, "MAX_REQUEST_BYTES", Settings.max_request_bytes),
        smtp=smtp,
    )
