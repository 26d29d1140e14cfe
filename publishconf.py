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
# Drafts are for review on your own machine (`invoke build` writes them under /drafts/):
# a published site never carries one. The importer keeps WordPress's private, pending and
# password-protected posts as drafts, so publishing them would make them public.
DRAFT_SAVE_AS = ""
DRAFT_PAGE_SAVE_AS = ""
# The comment form posts to the production intake service (README "Comments from
# readers"); with BREAKOUT_INTAKE_URL unset, the build warns and shows no form.
BREAKOUT_COMMENTS = {
    **BREAKOUT_COMMENTS,  # noqa: F405
    "INTAKE_URL": os.environ.get("BREAKOUT_INTAKE_URL", "").strip().rstrip("/"),
}
