"""The launch content's index pages list the people, topics and events its seeds contain.

Expectations are read from content/ itself (people.toml, events.toml, the
write-ups' Tags and the @handles in write-ups and comments), so they follow the
content engineer's files. Depends on the text engine (mentions) and comments.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from breakout_kernel.handles import topic_key, topic_slug
from bs4 import BeautifulSoup
from conftest import ROOT

CONTENT = ROOT / "content"
pytestmark = pytest.mark.skipif(
    not (CONTENT / "people.toml").is_file() or not (CONTENT / "events.toml").is_file(),
    reason="content/people.toml and content/events.toml are not written yet",
)
HANDLE = re.compile(r"(?<![\w@])@([A-Za-z0-9_]{1,15})\b")


def links(out: Path, url: str) -> dict[str, str]:
    """href -> link text of the links in <main> of a page."""
    soup = BeautifulSoup((out / url / "index.html").read_text(encoding="utf-8"), "html.parser")
    return {a["href"]: " ".join(a.get_text().split()) for a in soup.main.find_all("a")}


def meta(path: Path) -> dict[str, str]:
    """The metadata block of a write-up."""
    fields: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            break
        key, _, value = line.partition(":")
        fields[key.strip().lower()] = value.strip()
    return fields


def test_every_event_is_listed(launch_site: Path) -> None:
    events = tomllib.loads((CONTENT / "events.toml").read_text(encoding="utf-8"))["events"]
    listed = links(launch_site, "events")
    for slug, event in events.items():
        assert listed.get(f"/events/{slug}/") == event["name"]


def test_every_tag_is_a_topic_unless_it_is_an_event_hashtag(launch_site: Path) -> None:
    events = tomllib.loads((CONTENT / "events.toml").read_text(encoding="utf-8"))["events"]
    event_tags = {topic_key(t) for e in events.values() for t in e.get("hashtags", [])}
    listed = links(launch_site, "topics")
    tags = {
        tag.strip()
        for path in (CONTENT / "writeups").rglob("*.md")
        for tag in meta(path).get("tags", "").split(",")
        if tag.strip()
    }
    assert tags, "the launch write-ups have Tags"
    for tag in sorted(tags):
        if topic_key(tag) in event_tags:
            assert f"/topics/{topic_slug(tag)}/" not in listed
        else:
            assert f"/topics/{topic_slug(tag)}/" in listed, tag


def test_every_registry_person_named_in_the_text_is_listed(launch_site: Path) -> None:
    people = tomllib.loads((CONTENT / "people.toml").read_text(encoding="utf-8"))["people"]
    owner = {}
    for slug, person in people.items():
        for handle in [person.get("twitter", ""), *person.get("aliases", [])]:
            if handle:
                owner[handle.lower()] = slug
    text = "\n".join(
        p.read_text(encoding="utf-8")
        for d in ("writeups", "comments")
        for p in (CONTENT / d).rglob("*.md")
    )
    named = {owner[h.lower()] for h in HANDLE.findall(text) if h.lower() in owner}
    assert named, "the launch text names registry people"
    listed = links(launch_site, "people")
    for slug in sorted(named):
        name = people[slug].get("name") or f"@{people[slug]['twitter']}"
        assert listed.get(f"/people/{slug}/") == name, slug


def test_writers_and_leaders_are_people(launch_site: Path) -> None:
    listed = links(launch_site, "people")
    for path in (CONTENT / "writeups").rglob("*.md"):
        fields = meta(path)
        for name in [fields.get("author", ""), *fields.get("session_leader", "").split(",")]:
            name = name.strip()
            if name and not name.startswith("@"):
                assert name in listed.values(), name


def test_nick_keane_led_the_police_session_at_ukgovcamp_2011(launch_site: Path) -> None:
    page = links(launch_site, "people/nickkeane")
    assert page.get("/events/ukgovcamp-2011/police/") == "#police"
    assert page.get("/2011/ukgc11-police/") == "Uk GovCamp 2011"
    session = links(launch_site, "events/ukgovcamp-2011/police")
    assert session.get("/people/nickkeane/") == "Nick Keane"
