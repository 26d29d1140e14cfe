"""Production settings: pelicanconf.py plus absolute URLs from the environment."""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pelicanconf import *  # noqa: F403

# SITEURL comes from the environment (or publish.local.env, read by tasks.py) so
# nothing about the production host is committed.
SITEURL = os.environ.get("SITEURL", "https://breakout.example.org").rstrip("/")
RELATIVE_URLS = False
DELETE_OUTPUT_DIRECTORY = True
