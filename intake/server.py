"""Run the intake service with uvicorn: `python3 -m intake [--host H] [--port P]`."""

from __future__ import annotations

import argparse
import logging
import sys

import uvicorn

from .app import create_app
from .settings import SettingsError, from_environment


def main(argv: list[str] | None = None) -> None:
    """Parse the command line, read the settings and serve until interrupted."""
    parser = argparse.ArgumentParser(prog="python3 -m intake", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8001, help="port (0: any free port)")
    args = parser.parse_args(argv)
    try:
        settings = from_environment()
    except SettingsError as exc:
        sys.exit(f"intake: {exc}")
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    print(
        f"Comment intake for {settings.site_url}: POST /comments on {args.host} "
        f"(the address follows from uvicorn); queue {settings.queue}",
        flush=True,
    )
    # proxy_headers off: the client address behind a proxy is decided in one place
    # (ratelimit.client_address, BREAKOUT_INTAKE_TRUSTED_PROXIES).
    uvicorn.run(
        create_app(settings),
        host=args.host,
        port=args.port,
        proxy_headers=False,
        server_header=False,
        access_log=False,
        log_level="info",
    )
