"""Pelican receivers for breakout_text: validate BREAKOUT_TEXT, put the extension in MARKDOWN."""

from __future__ import annotations

from typing import Any

from breakout_kernel import build, errors
from breakout_kernel.data import load_site_data
from breakout_kernel.handles import NETWORKS
from breakout_kernel.identity import Identity, use
from breakout_kernel.settings import Option, is_type, one_of

from .api import is_text_extension
from .mdext import BreakoutTextExtension
from .optout import optout_options

SCHEMA = {
    # Network of a bare @handle (one without @host or a dot).
    "DEFAULT_NETWORK": Option("twitter", one_of(*NETWORKS), "'twitter', 'mastodon' or 'bluesky'"),
    # Server of a bare @handle when DEFAULT_NETWORK is 'mastodon', e.g. 'mastodon.social'.
    "MASTODON_HOST": Option("", is_type(str), "a host name such as 'mastodon.social'"),
}


def on_initialized(pelican: Any) -> None:
    """Validate BREAKOUT_TEXT and BREAKOUT_OPTOUT, make this build's identity service, add the extension."""
    settings = pelican.settings
    optout_options(settings)  # checked before anything is read
    options = build.options(settings, "BREAKOUT_TEXT", SCHEMA)
    if options["DEFAULT_NETWORK"] == "mastodon" and "." not in options["MASTODON_HOST"]:
        errors.log.error(
            "pelicanconf: BREAKOUT_TEXT['MASTODON_HOST'] must name a server (e.g. "
            "'mastodon.social') when DEFAULT_NETWORK is 'mastodon'"
        )
    identity = Identity.from_settings(
        {**settings, "BREAKOUT_TEXT": options}, load_site_data(settings)
    )
    use(settings, identity)  # the one service of this build: comments and the index ask it too
    for path, line, message in identity.problems:
        errors.report(path, line, message)
    config = dict(settings.get("MARKDOWN") or {})
    # A fresh list every build: tests build many sites in one process, and a service
    # belongs to one build's settings and data files.
    extensions = [ext for ext in config.get("extensions", []) if not is_text_extension(ext)]
    extensions.append(BreakoutTextExtension(identity))
    config["extensions"] = extensions
    settings["MARKDOWN"] = config
