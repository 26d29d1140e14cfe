"""`invoke publish`: build into fresh staging, check it, then deploy without breaking the live site.

One `Target` per kind of destination, each in its own module:

* `local`: a local folder DEST, a symlink switched atomically between release folders;
* `rsync`: a remote ``user@host:path`` (rsync with ``--delay-updates --delete-after``);
* `ghpages`: a branch of a git repository (ghp-import in a scratch clone, pushed unforced).

`safety` refuses folders never to be written into, `changes` lists and compares sites, and
`site.publish_site` is the dispatcher: choose the target, build, check, deploy.
"""

from tools.publish.base import PublishError, PublishResult, Target
from tools.publish.changes import Changes, diff_listings, folder_listing, parse_itemize
from tools.publish.safety import locked, refuse_unsafe, unsafe_reason
from tools.publish.site import publish_site

__all__ = [
    "Changes",
    "PublishError",
    "PublishResult",
    "Target",
    "diff_listings",
    "folder_listing",
    "locked",
    "parse_itemize",
    "publish_site",
    "refuse_unsafe",
    "unsafe_reason",
]
