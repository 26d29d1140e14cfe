"""Breakout site settings for local work (publishconf.py imports these)."""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Plugins import one another (e.g. breakout_index uses breakout_text), so the
# plugin folder must be importable, not only discoverable by Pelican.
if str(HERE / "plugins") not in sys.path:
    sys.path.insert(0, str(HERE / "plugins"))

SITENAME = "Breakout"
SITESUBTITLE = "Write-ups from unconferences: who pitched what, who said what"
SITEURL = ""
TIMEZONE = "Europe/London"
DEFAULT_LANG = "en"
DEFAULT_DATE_FORMAT = "%-d %B %Y"

PATH = "content"
OUTPUT_PATH = "output"
THEME = "theme"
ARTICLE_PATHS = ["writeups"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images"]
# Matched (fnmatch) against each file and folder name alone: hidden ones (.DS_Store, editor
# swap files, .git) are neither read nor published. ("**/.*" matched no name: they were.)
IGNORE_FILES = [".*", "comments", "*.toml"]

# Clean URLs; the slug is the file name so an edited title never moves a page.
SLUGIFY_SOURCE = "basename"
ARTICLE_URL = "{date:%Y}/{slug}/"
ARTICLE_SAVE_AS = "{date:%Y}/{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
DRAFT_URL = "drafts/{slug}/"
DRAFT_SAVE_AS = "drafts/{slug}/index.html"
ARCHIVES_SAVE_AS = "archives/index.html"
ARCHIVES_URL = "archives/"
DIRECT_TEMPLATES = ["index", "archives", "404", "search", "thanks"]
SEARCH_URL = "search/"
SEARCH_SAVE_AS = "search/index.html"
# Where the comment intake service sends a reader after an accepted comment.
THANKS_URL = "comments/thanks/"
THANKS_SAVE_AS = "comments/thanks/index.html"
DEFAULT_PAGINATION = 20
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)

# Topics, people and events replace Pelican's tag, category and author pages.
TAG_SAVE_AS = ""
TAGS_SAVE_AS = ""
CATEGORY_SAVE_AS = ""
CATEGORIES_SAVE_AS = ""
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
# /<year>/ lists that year's write-ups (write-up URLs start with the year); no month pages:
# no URL carries a month.
YEAR_ARCHIVE_SAVE_AS = "{date:%Y}/index.html"
YEAR_ARCHIVE_URL = "{date:%Y}/"
MONTH_ARCHIVE_SAVE_AS = ""
DISPLAY_CATEGORIES_ON_MENU = False
USE_FOLDER_AS_CATEGORY = False
DEFAULT_CATEGORY = "writeups"
# Drafts get no category otherwise (CATEGORY_SAVE_AS is off) and Pelican fails on them.
DEFAULT_METADATA = {"category": "writeups"}

PERSON_URL = "people/{slug}/"
PERSON_SAVE_AS = "people/{slug}/index.html"
PEOPLE_URL = "people/"
PEOPLE_SAVE_AS = "people/index.html"
TOPIC_URL = "topics/{slug}/"
TOPIC_SAVE_AS = "topics/{slug}/index.html"
TOPICS_URL = "topics/"
TOPICS_SAVE_AS = "topics/index.html"
EVENT_URL = "events/{slug}/"
EVENT_SAVE_AS = "events/{slug}/index.html"
EVENTS_URL = "events/"
EVENTS_SAVE_AS = "events/index.html"
SESSION_URL = "events/{event}/{slug}/"
SESSION_SAVE_AS = "events/{event}/{slug}/index.html"

# One feed system: breakout_feeds writes every feed with feedgen (None turns one off).
BREAKOUT_FEED_ALL_RSS = "feeds/all.rss.xml"
BREAKOUT_FEED_ALL_ATOM = "feeds/all.atom.xml"
BREAKOUT_FEED_ALL_JSON = "feeds/all.json"  # JSON Feed 1.1 beside each RSS/Atom pair
BREAKOUT_FEED_COMMENTS_RSS = "feeds/comments.rss.xml"
BREAKOUT_FEED_COMMENTS_ATOM = "feeds/comments.atom.xml"
BREAKOUT_FEED_COMMENTS_JSON = "feeds/comments.json"
ARTICLE_COMMENTS_FEED_RSS = "{dir}/comments.rss.xml"
# One comments feed per write-up, in RSS; the write-up's Atom entries point at it too.
ARTICLE_COMMENTS_FEED_ATOM = None
PERSON_FEED_RSS = "people/{slug}/rss.xml"
PERSON_FEED_ATOM = "people/{slug}/atom.xml"
PERSON_FEED_JSON = "people/{slug}/feed.json"
TOPIC_FEED_RSS = "topics/{slug}/rss.xml"
TOPIC_FEED_ATOM = "topics/{slug}/atom.xml"
TOPIC_FEED_JSON = "topics/{slug}/feed.json"
EVENT_FEED_RSS = "events/{slug}/rss.xml"
EVENT_FEED_ATOM = "events/{slug}/atom.xml"
EVENT_FEED_JSON = "events/{slug}/feed.json"

# Pelican's own feeds are off.
FEED_ALL_ATOM = None
FEED_ALL_RSS = None
FEED_ATOM = None
FEED_RSS = None
CATEGORY_FEED_ATOM = None
CATEGORY_FEED_RSS = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TAG_FEED_ATOM = None
TAG_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
TRANSLATION_FEED_RSS = None

MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.sane_lists": {},
    },
    "output_format": "html5",
}

CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CONTENT_CACHING_LAYER = "reader"
CACHE_PATH = "cache"
CHECK_MODIFIED_METHOD = "md5"
# Re-compressing the whole content cache costs more each build than the disk it saves.
GZIP_CACHE = False
# Pelican's defaults, plus no auto_reload: every build makes a new Jinja environment, so
# checking each template file's mtime on every page render (about 20 stat calls a
# write-up) buys nothing.
JINJA_ENVIRONMENT = {
    "trim_blocks": True,
    "lstrip_blocks": True,
    "extensions": [],
    "auto_reload": False,
}

PLUGIN_PATHS = ["plugins"]
PLUGINS = [
    "breakout_content",
    "breakout_text",
    "breakout_comments",
    # Feeds before the index: their pages are written after the feeds, so the two
    # phases' working memory does not stack (peak RSS, see bench/README.md).
    "breakout_feeds",
    "breakout_index",
    "breakout_subscribe",  # calendars, OPML, open data, Follow page: after the index it reads
    "breakout_seo",
    "breakout_assets",  # content-hashed names for the theme's CSS and icon
    "breakout_memo",  # warm builds skip pages whose fingerprint is unchanged
    "breakout_redirects",  # old addresses (content/redirects.toml) → redirect pages
    "breakout_search",  # last: Pagefind indexes the finished HTML
]

BREAKOUT_CONTENT: dict = {}
BREAKOUT_TEXT = {
    # Bare @handles (no @host) belong to this network; the launch content is Twitter's.
    "DEFAULT_NETWORK": "twitter",
}
BREAKOUT_COMMENTS = {
    # The comment form posts to the intake service (python3 -m invoke intake) on this
    # machine; publishconf.py takes BREAKOUT_INTAKE_URL instead. See README "Comments".
    "INTAKE_URL": "http://127.0.0.1:8001",
}
BREAKOUT_INDEX: dict = {}
# The thank-you page after a comment is no page to find through a search engine.
BREAKOUT_SEO = {"SITEMAP_EXCLUDE": ["404.html", "comments/thanks/index.html"]}
# Calendars, OPML, the Follow page and the open data (paths: breakout_subscribe/options.py).
BREAKOUT_SUBSCRIBE = {
    "LICENCE": "CC BY 4.0",
    "LICENCE_URL": "https://creativecommons.org/licenses/by/4.0/",
}
BREAKOUT_SEARCH = {"ENABLED": True}
# Warm builds render only pages whose fingerprint changed (needs CACHE_CONTENT).
BREAKOUT_MEMO: dict = {}
BREAKOUT_FEEDS = {
    "MAX_ITEMS": 50,  # the site's feeds and the comments feeds
    # A person's, topic's or event's feed: the newest few are what a subscriber needs.
    "ENTITY_MAX_ITEMS": 10,
    "SUMMARY_LENGTH": 60,
    # Feed ids are tag: URIs (RFC 4151) under this authority; see README "Feeds".
    "ID_AUTHORITY": "breakout",
    "ID_LEDGER": "feed-ids.toml",
    # Feeds need absolute links even in a local build (SITEURL empty).
    "LOCAL_SITEURL": "http://127.0.0.1:8000",
}
