"""Breakout as the benchmark measures it: the project's pelicanconf.py with search indexing off.

Issue 8 defines "everything on" as people, topic, event and session pages, comments and all
feeds. Pagefind's index (issue 9) is a separate whole-site pass whose cost the runner
measures on its own with `--search` (which builds with pelicanconf.py itself).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pelicanconf import *  # noqa: E402,F403

# Relative paths in a settings file resolve against its own folder, so name them absolutely.
THEME = str(ROOT / "theme")
PLUGIN_PATHS = [str(ROOT / "plugins")]
BREAKOUT_SEARCH = {"ENABLED": False}
