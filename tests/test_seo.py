"""breakout_seo: sitemap.xml, robots.txt, Open Graph, canonical links, JSON-LD and microformats."""

from __future__ import annotations

import json
import re
import shutil
import tomllib
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from breakout_seo import jsonld
from breakout_seo.sitemap import Entry, is_absolute, page_path, render_robots, render_sitemap
from breakout_seo.text import plain, shorten
from bs4 import BeautifulSoup
from conftest import ROOT, build_site

from tools.build import load_settings

SITEURL = "https://camp.example.org"
SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
CONTENT = ROOT / "content"


def with_plugins(*extra: str) -> list[str]:
    """The project's plugin list plus `extra` (until pelicanconf.py lists them itself)."""
    plugins = list(load_settings(ROOT / "pelicanconf.py")["PLUGINS"])
    return plugins + [p for p in extra if p not in plugins]


def soup(path: Path) -> BeautifulSoup:
    """Parse one built page."""
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def ld_documents(page: BeautifulSoup) -> list[dict[str, Any]]:
    """Every JSON-LD document of a page, parsed."""
    return [json.loads(s.string or "") for s in page.find_all("script", type="application/ld+json")]


def ld_of_type(page: BeautifulSoup, type_: str) -> list[dict[str, Any]]:
    """The page's JSON-LD documents of one schema.org type."""
    return [d for d in ld_documents(page) if d.get("@type") == type_]


def is_redirect(path: Path) -> bool:
    """A redirect page at an old address (a session's earlier URL), not a page of the site."""
    return 'http-equiv="refresh"' in path.read_text(encoding="utf-8")


def html_pages(output: Path) -> list[str]:
    """Every HTML page of a build (redirect pages aside), as output-relative POSIX paths."""
    return sorted(
        p.relative_to(output).as_posix() for p in output.rglob("*.html") if not is_redirect(p)
    )


def writeup_pages(output: Path) -> list[Path]:
    """The built write-up pages (/<year>/<slug>/index.html)."""
    return sorted(p for p in output.glob("[0-9][0-9][0-9][0-9]/*/index.html"))


def add_writeup(content: Path, name: str, **meta: str) -> Path:
    """Write a write-up into a content copy, borrowing a launch write-up's event and session."""
    fields = {
        "Title": "A test write-up",
        "Date": "2011-01-23",
        "Event": "ukgovcamp-2011",
        "Session": "Test session",
        **meta,
    }
    path = content / "writeups" / "2011" / f"{name}.md"
    head = "\n".join(f"{k}: {v}" for k, v in fields.items())
    path.write_text(f"{head}\n\nA body for {name}.\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def published_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The launch content plus a hidden page, built with an absolute SITEURL."""
    base = tmp_path_factory.mktemp("published")
    content = base / "content"
    shutil.copytree(CONTENT, content)
    (content / "pages" / "hidden.md").write_text(
        "Title: Hidden page\nStatus: hidden\n\nNot listed.\n", encoding="utf-8"
    )
    out = base / "output"
    build_site(content, out, SITEURL=SITEURL, PLUGINS=with_plugins("breakout_seo"))
    return out


# --- the pure core ---------------------------------------------------------------------------


def test_jsonld_cannot_close_its_script_element() -> None:
    """Data holding '</script>' or '<!--' still round-trips and never ends the element early."""
    data = {"headline": "</script><script>window.__xss=1</script> <!-- x", "n": "</SCRIPT"}
    text = jsonld.dumps(data)
    assert "</" not in text
    assert "<!--" not in text
    assert json.loads(text) == data
    element = jsonld.script(data)
    assert element.count("</script>") == 1 and element.endswith("</script>")


def test_jsonld_leaves_out_unknown_facts() -> None:
    """An event without date or place says nothing about them rather than empty strings."""
    data = jsonld.event(name="ACPO gathering", url="/events/acpo/")
    assert data == {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": "ACPO gathering",
        "url": "/events/acpo/",
    }


def test_sitemap_lists_each_location_once_sorted() -> None:
    """Duplicates collapse (keeping the dated entry) and locations are sorted for stable output."""
    text = render_sitemap(
        [
            Entry("https://x.org/b/"),
            Entry("https://x.org/a/"),
            Entry("https://x.org/b/", "2011-01-22T00:00:00+00:00"),
        ]
    )
    root = ET.fromstring(text)
    urls = root.findall("sm:url", SITEMAP_NS)
    assert [u.findtext("sm:loc", namespaces=SITEMAP_NS) for u in urls] == [
        "https://x.org/a/",
        "https://x.org/b/",
    ]
    assert urls[1].findtext("sm:lastmod", namespaces=SITEMAP_NS) == "2011-01-22T00:00:00+00:00"


@pytest.mark.parametrize(
    ("save_as", "path"),
    [("index.html", ""), ("2011/x/index.html", "2011/x/"), ("404.html", "404.html")],
)
def test_page_path_gives_clean_urls(save_as: str, path: str) -> None:
    """Output files map to the clean URLs the theme links to."""
    assert page_path(save_as) == path


def test_only_http_urls_are_absolute() -> None:
    """A sitemap base must be a full http(s) URL: '' and relative bases are refused."""
    assert is_absolute("https://camp.example.org")
    assert not is_absolute("")
    assert not is_absolute("../..")
    assert not is_absolute("https://")


def test_robots_names_the_sitemap_only_when_there_is_one() -> None:
    """robots.txt allows everyone and points at the sitemap when one was written."""
    assert "Sitemap:" not in render_robots("")
    assert render_robots("https://x.org/sitemap.xml").splitlines()[-1] == (
        "Sitemap: https://x.org/sitemap.xml"
    )


def test_descriptions_are_plain_and_short() -> None:
    """Summaries lose their markup and entities, and long ones are cut at a word."""
    assert plain("<p>Tom &amp; <em>Jerry</em>\n talk</p>") == "Tom & Jerry talk"
    cut = shorten("word " * 100, 40)
    assert len(cut) <= 40 and cut.endswith("…") and "wor…" not in cut


# --- sitemap.xml and robots.txt from a real build -------------------------------------------


def test_sitemap_lists_every_listed_html_page_once(published_site: Path) -> None:
    """Every HTML page but 404 and hidden pages appears once, as an absolute clean URL."""
    root = ET.parse(published_site / "sitemap.xml").getroot()
    locs = [u.findtext("sm:loc", namespaces=SITEMAP_NS) or "" for u in root]
    assert len(locs) == len(set(locs))
    # The thank-you page after a comment is noindex and left out of the sitemap too.
    unlisted = {"404.html", "hidden/index.html", "comments/thanks/index.html"}
    assert unlisted <= set(html_pages(published_site)), "the fixture must write them"
    expected = {
        f"{SITEURL}/{page_path(p)}" for p in html_pages(published_site) if p not in unlisted
    }
    assert set(locs) == expected
    assert f"{SITEURL}/2011/acpo-social-media/" in locs
    assert f"{SITEURL}/" in locs


def test_drafts_stay_out_of_the_sitemap(tmp_path: Path) -> None:
    """A draft write-up is written under drafts/ but never listed."""
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    add_writeup(content, "a-draft", Title="Not yet", Status="draft")
    out = tmp_path / "output"
    build_site(content, out, SITEURL=SITEURL, PLUGINS=with_plugins("breakout_seo"))
    assert (out / "drafts" / "a-draft" / "index.html").exists()
    sitemap = (out / "sitemap.xml").read_text()
    assert "a-draft" not in sitemap
    assert f"<loc>{SITEURL}/2011/acpo-social-media/</loc>" in sitemap


def test_sitemap_dates_writeups(published_site: Path) -> None:
    """A write-up's <lastmod> is its (modified or publication) date."""
    root = ET.parse(published_site / "sitemap.xml").getroot()
    lastmod = {
        u.findtext("sm:loc", namespaces=SITEMAP_NS): u.findtext("sm:lastmod", namespaces=SITEMAP_NS)
        for u in root
    }
    assert lastmod[f"{SITEURL}/2011/acpo-social-media/"].startswith("2011-03-19")


def test_robots_points_at_the_sitemap(published_site: Path) -> None:
    """robots.txt allows crawling and names the absolute sitemap URL."""
    lines = (published_site / "robots.txt").read_text().splitlines()
    assert "User-agent: *" in lines
    assert f"Sitemap: {SITEURL}/sitemap.xml" in lines


def test_local_build_writes_robots_but_no_sitemap(tmp_path: Path) -> None:
    """With SITEURL = '' there is no absolute URL to list: no sitemap, and robots.txt says none."""
    out = tmp_path / "output"
    build_site(CONTENT, out, PLUGINS=with_plugins("breakout_seo"))
    assert not (out / "sitemap.xml").exists()
    assert "Sitemap" not in (out / "robots.txt").read_text()


def test_bad_seo_setting_fails_the_build(
    tmp_path: Path, error_log: Callable[[], list[str]]
) -> None:
    """An unknown BREAKOUT_SEO key is reported and fails the build."""
    with pytest.raises(Exception):  # noqa: B017 - BuildFailed or SystemExit, both fail the build
        build_site(
            CONTENT,
            tmp_path / "output",
            PLUGINS=with_plugins("breakout_seo"),
            BREAKOUT_SEO={"SITEMAPS": False},
        )
    assert any("BREAKOUT_SEO: unknown key 'SITEMAPS'" in line for line in error_log())


# --- head: canonical, Open Graph, Twitter card ---------------------------------------------


def test_every_page_has_one_canonical_matching_og_url(published_site: Path) -> None:
    """Each page but 404 names one absolute canonical URL, and og:url says the same."""
    for rel in html_pages(published_site):
        if rel.startswith(("drafts/", "pagefind/")):
            continue
        page = soup(published_site / rel)
        canonical = page.find_all("link", rel="canonical")
        og_url = page.find_all("meta", property="og:url")
        if rel == "404.html":
            assert not canonical, "the 404 page is served at any URL: it has no canonical"
            continue
        assert len(canonical) == 1, rel
        assert canonical[0]["href"] == f"{SITEURL}/{page_path(rel)}", rel
        assert [m["content"] for m in og_url] == [canonical[0]["href"]], rel


def test_writeups_share_as_articles(published_site: Path) -> None:
    """A write-up's Open Graph and Twitter card give its title, summary, type and dates."""
    page = soup(published_site / "2011" / "acpo-social-media" / "index.html")

    def meta(**attrs: str) -> str:
        tag = page.find("meta", attrs=attrs)
        assert tag is not None, attrs
        return str(tag["content"])

    title = page.find("h1").get_text(strip=True)
    assert meta(property="og:title") == title
    assert meta(name="twitter:title") == title
    assert meta(property="og:type") == "article"
    assert meta(name="twitter:card") == "summary_large_image"  # with the default og:image
    assert meta(property="og:site_name") == "Breakout"
    assert meta(property="og:description").startswith("After ACPO brought people together")
    assert meta(property="og:description") == meta(name="twitter:description")
    assert meta(property="article:published_time").startswith("2011-03-19")
    tags = [m["content"] for m in page.find_all("meta", property="article:tag")]
    assert "social media" in tags


# --- JSON-LD -----------------------------------------------------------------------------


def test_writeups_carry_a_blogposting(published_site: Path) -> None:
    """Every write-up has one BlogPosting whose facts match what the page shows."""
    pages = writeup_pages(published_site)
    assert pages, "no write-ups in the build"
    for path in pages:
        page = soup(path)
        posts = ld_of_type(page, "BlogPosting")
        assert len(posts) == 1, path
        post = posts[0]
        url = f"{SITEURL}/{path.parent.relative_to(published_site).as_posix()}/"
        assert post["url"] == url
        assert post["headline"] == page.find("h1").get_text(strip=True)
        time = page.select_one("article header time")
        assert post["datePublished"] == time["datetime"]
        assert post["dateModified"] >= post["datePublished"]
        # about = the topics the page lists; mentions = the people it lists.
        listed = {
            h2.get_text(strip=True): [a.get_text(strip=True) for a in h2.find_next("ul")("a")]
            for h2 in page.select("footer h2")
        }
        assert [t["name"] for t in post.get("about", [])] == listed.get("Topics", [])
        people = listed.get("People in this write-up", [])
        assert [p["name"] for p in post.get("mentions", [])] == people
        for thing in post.get("about", []) + post.get("mentions", []):
            assert thing["url"].startswith(SITEURL + "/")


def test_writeup_author_is_named(published_site: Path) -> None:
    """A write-up with an Author names that person as the BlogPosting's author."""
    for path in writeup_pages(published_site):
        byline = soup(path).select_one(".byline .author")
        post = ld_of_type(soup(path), "BlogPosting")[0]
        if byline is None:
            assert "author" not in post
        else:
            assert [a["name"] for a in post["author"]] == [byline.get_text(strip=True)]


def test_title_cannot_break_out_of_jsonld(tmp_path: Path) -> None:
    """A title holding '</script>' stays data: one JSON-LD element, parseable, same headline."""
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    hostile = "Hostile </script><script>window.__xss=1</script> <!-- title"
    add_writeup(content, "hostile", Title=hostile)
    out = tmp_path / "output"
    build_site(content, out, PLUGINS=with_plugins("breakout_seo"))
    html = (out / "2011" / "hostile" / "index.html").read_text(encoding="utf-8")
    # Script data ends at the first "</script" (the HTML tokenizer's rule; "<!--" is
    # neutralised so the escaped states never start): split the page the same way.
    scripts = re.findall(r"<script([^>]*)>(.*?)</script", html, flags=re.S | re.I)
    assert scripts, "no JSON-LD on the write-up"
    for attrs, body in scripts:
        if re.fullmatch(r' src="/theme/js/comments\.[0-9a-f]{12}\.js" defer', attrs) and not body:
            continue  # the comment form's own file (no data, nothing from the title)
        assert 'type="application/ld+json"' in attrs
        assert json.loads(body)["headline"] == hostile
    outside = re.sub(r"<script[^>]*>.*?</script>", "", html, flags=re.S | re.I)
    assert "<script>window.__xss" not in outside


def test_home_page_describes_the_website(published_site: Path) -> None:
    """The home page has a WebSite document naming the site."""
    sites = ld_of_type(soup(published_site / "index.html"), "WebSite")
    assert len(sites) == 1
    assert sites[0]["name"] == "Breakout" and sites[0]["url"] == f"{SITEURL}/"


def test_event_pages_carry_an_event(published_site: Path) -> None:
    """Each event page has an Event with the name, date and place of events.toml."""
    events = tomllib.loads((CONTENT / "events.toml").read_text())["events"]
    for slug, record in events.items():
        path = published_site / "events" / slug / "index.html"
        assert path.exists(), f"no event page for {slug}"
        found = ld_of_type(soup(path), "Event")
        assert len(found) == 1, slug
        event = found[0]
        assert event["name"] == record["name"]
        assert event["url"] == f"{SITEURL}/events/{slug}/"
        if "date" in record:
            assert event["startDate"] == record["date"].isoformat()
        else:
            assert "startDate" not in event
        if "place" in record:
            assert event["location"] == {"@type": "Place", "name": record["place"]}


def test_session_pages_are_sub_events(published_site: Path) -> None:
    """A session page's Event names its unconference as superEvent."""
    sessions = sorted(p for p in published_site.glob("events/*/*/index.html") if not is_redirect(p))
    assert sessions, "no session pages in the build"
    for path in sessions:
        event_slug = path.parent.parent.name
        found = ld_of_type(soup(path), "Event")
        assert len(found) == 1, path
        assert found[0]["superEvent"]["url"] == f"{SITEURL}/events/{event_slug}/"


def test_person_pages_carry_a_person(published_site: Path) -> None:
    """Each person page has a Person whose name is the page's heading."""
    people = sorted(published_site.glob("people/*/index.html"))
    assert people, "no person pages in the build"
    registry = tomllib.loads((CONTENT / "people.toml").read_text())["people"]
    for path in people:
        page = soup(path)
        found = ld_of_type(page, "Person")
        assert len(found) == 1, path
        person = found[0]
        assert person["name"] == page.find("h1").get_text(strip=True)
        assert person["url"] == f"{SITEURL}/people/{path.parent.name}/"
        record = registry.get(path.parent.name, {})
        if "twitter" in record:
            handle = record["twitter"].lower()
            assert any(handle in url.lower() for url in person.get("sameAs", [])), path
        if "affiliation" in record:
            assert person["affiliation"]["name"] == record["affiliation"]


# --- microformats2 ------------------------------------------------------------------------


def mf2_items(path: Path, url: str) -> list[dict[str, Any]]:
    """Top-level microformats of a page, as an IndieWeb reader sees them."""
    import mf2py

    return mf2py.parse(doc=path.read_text(encoding="utf-8"), url=url)["items"]


def test_writeups_are_h_entries(published_site: Path) -> None:
    """An IndieWeb reader finds one h-entry per write-up with name, date, author, url and content."""
    for path in writeup_pages(published_site):
        url = f"{SITEURL}/{path.parent.relative_to(published_site).as_posix()}/"
        entries = [i for i in mf2_items(path, url) if "h-entry" in i["type"]]
        assert len(entries) == 1, path
        props = entries[0]["properties"]
        page = soup(path)
        assert props["name"] == [page.find("h1").get_text(strip=True)]
        assert props["published"][0].startswith(
            page.select_one("article header time")["datetime"][:10]
        )
        assert props["url"] == [url]
        assert props["content"][0]["value"].strip()
        if page.select_one(".byline .author"):
            author = props["author"][0]
            name = author["properties"]["name"][0] if isinstance(author, dict) else author
            assert name == page.select_one(".byline .author").get_text(strip=True)
        topics = [a.get_text(strip=True) for a in page.select("footer a[href*='/topics/']")]
        assert [c for c in props.get("category", []) if isinstance(c, str)] == topics


def test_person_pages_are_h_cards(published_site: Path) -> None:
    """A person page is an h-card with the person's name and page URL."""
    people = sorted(published_site.glob("people/*/index.html"))
    assert people, "no person pages in the build"
    for path in people:
        url = f"{SITEURL}/people/{path.parent.name}/"
        cards = [i for i in mf2_items(path, url) if "h-card" in i["type"]]
        assert len(cards) == 1, path
        props = cards[0]["properties"]
        assert props["name"] == [soup(path).find("h1").get_text(strip=True)]
        assert url in props["url"]
