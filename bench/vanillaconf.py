"""Vanilla Pelican 4.12 settings for the benchmark's baseline build (bench/runner.py).

Plugins off, the default theme, Pelican's default feeds plus tag feeds, and the same
content-cache settings as Breakout. PATH, OUTPUT_PATH and CACHE_PATH are overridden by
the runner; the corpus's write-ups carry their handles and hashtags as Tags so vanilla
builds tag pages and tag feeds comparable to Breakout's people and topic pages.
"""

from __future__ import annotations

SITENAME = "Breakout benchmark (vanilla Pelican)"
# Absolute so the feeds are valid (Pelican warns and writes relative links otherwise).
SITEURL = "https://vanilla.example.org"
TIMEZONE = "Europe/London"
DEFAULT_LANG = "en"

PATH = "content"
OUTPUT_PATH = "output"
ARTICLE_PATHS = ["writeups"]
PAGE_PATHS = ["pages"]
# The corpus names a write-up by its file (the titles of one session repeat), so use the
# file name as the slug, as Breakout does; with Pelican's default (the title) some pages
# would overwrite others and vanilla would do less work than it should.
SLUGIFY_SOURCE = "basename"

# Default theme (notmyidea), default feeds (FEED_ALL_ATOM, CATEGORY_FEED_ATOM,
# AUTHOR_FEED_ATOM/RSS) plus one Atom and one RSS feed per tag.
TAG_FEED_ATOM = "feeds/{slug}.tag.atom.xml"
TAG_FEED_RSS = "feeds/{slug}.tag.rss.xml"

# Pelican plugins are off: an empty list (None would auto-discover namespace plugins).
PLUGINS: list[str] = []
PLUGIN_PATHS: list[str] = []

# Same content cache as Breakout's pelicanconf.py, so the warm rebuilds are comparable.
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CONTENT_CACHING_LAYER = "reader"
CACHE_PATH = "cache"
CHECK_MODIFIED_METHOD = "md5"
