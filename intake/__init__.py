"""The comment intake service: readers' comment form posts become files in a moderation queue.

One module per job: settings (environment), manifest (what the build says exists),
validation (the form's rules), ratelimit (per-address limits in memory), queue (atomic
files in moderation/), notify (e-mail to the moderator), pages (the answers' HTML),
app (Starlette routes), moderation (the `invoke moderate` side), server (uvicorn).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The comment file format and its rules are breakout_comments' (one owner per idea).
if str(ROOT / "plugins") not in sys.path:
    sys.path.insert(0, str(ROOT / "plugins"))
