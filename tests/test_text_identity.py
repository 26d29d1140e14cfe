"""Who a handle is and what a hashtag names: the registry resolved by the identity service (breakout_kernel.identity)."""

from __future__ import annotations

from pathlib import Path

from breakout_kernel.data import EventRecord, PersonRecord
from breakout_kernel.handles import topic_key
from breakout_kernel.identity import Identity

from tools.build import load_settings

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "tests" / "fixtures" / "text-site"

PEOPLE = {
    "nickkeane": PersonRecord(
        "nickkeane",
        "Nick Keane",
        "NPIA",
        handles={"twitter": ("NickKeane",), "mastodon": ("Nick@Police.example",)},
        aliases=("nick_keane", "@Nickkeane2", "nk@old.example"),
    ),
    "sasha": PersonRecord("sasha", "", handles={"bluesky": ("sasha.bsky.social",)}),
    "ann": PersonRecord("ann", "Ann", handles={"bluesky": ("Ann",)}),  # a bare Bluesky name
}
EVENTS = {"ukgovcamp-2011": EventRecord("ukgovcamp-2011", "UK GovCamp 2011", hashtags=("UKGC11",))}


def test_handles_are_case_insensitive_across_networks_and_aliases() -> None:
    """Every spelling, network and alias of a registry person resolves to their slug."""
    r = Identity(PEOPLE, EVENTS)
    for handle in (
        "nickkeane",
        "@NICKKEANE",
        "nick@police.EXAMPLE",
        "Nick_Keane",
        "nickkeane2",
        "NK@old.example",
    ):
        assert r.person_slug(handle) == "nickkeane", handle
    assert r.person_slug("Sasha.bsky.social") == "sasha"
    assert r.person_slug("ann.bsky.social") == "ann"
    assert r.person("nick_keane") is PEOPLE["nickkeane"]
    assert r.person("someone") is None


def test_people_not_in_the_registry_get_derived_slugs() -> None:
    """Unknown handles get pages too; a bare handle never takes a registry person's slug."""
    r = Identity(PEOPLE, EVENTS)
    assert r.person_slug("@Hotelalpha9") == "hotelalpha9"
    assert r.person_slug("ann@social.example") == "ann_at_social.example"
    assert r.person_slug("bob.bsky.social") == "bob.bsky.social"
    assert r.person_slug("sasha") == "sasha-twitter"  # twitter @sasha is not the registry's sasha


def test_default_network_for_bare_handles() -> None:
    """On a Bluesky-default site a bare handle is name.bsky.social."""
    r = Identity(PEOPLE, EVENTS, default_network="bluesky")
    assert r.identity("Sasha") == ("bluesky", "sasha.bsky.social")
    assert r.person_slug("Sasha") == "sasha"
    assert r.person_slug("nickkeane") == "nickkeane.bsky.social"


def test_hashtags_and_tags_share_topics_and_events_win() -> None:
    """#police, 'Police' and '#POLICE' are one topic; an event's hashtag names the event."""
    r = Identity(PEOPLE, EVENTS)
    assert r.hashtag("#police") == r.hashtag("Police") == ("topic", topic_key("POLICE"))
    assert r.hashtag("ukgc11") == ("event", "ukgovcamp-2011")
    assert r.hashtag("#Open_Data") == ("topic", "open-data")


def test_urls_names_and_profiles() -> None:
    """Final URLs use SITEURL and the URL patterns; profiles come from the registry."""
    r = Identity(PEOPLE, EVENTS, siteurl="https://b.example", person_pattern="who/{slug}.html")
    assert r.person_url("nickkeane") == "https://b.example/who/nickkeane.html"
    assert r.topic_url("café") == "https://b.example/topics/café/"
    assert r.event_url("ukgovcamp-2011") == "https://b.example/events/ukgovcamp-2011/"
    assert r.display_name("nickkeane", "x") == "Nick Keane"
    assert r.display_name("sasha", "Sasha T") == "Sasha T"
    assert r.profiles("nickkeane") == [
        ("twitter", "NickKeane", "https://twitter.com/NickKeane"),
        ("mastodon", "Nick@Police.example", "https://Police.example/@Nick"),
    ]
    assert r.profiles("hotelalpha9", [("twitter", "hotelalpha9")]) == [
        ("twitter", "hotelalpha9", "https://twitter.com/hotelalpha9")
    ]


def test_answers_are_remembered_and_stay_the_same() -> None:
    """Repeated questions get the first answer back (one object), equal to a fresh resolver's."""
    r = Identity(PEOPLE, EVENTS, siteurl="https://b.example")
    for _ in range(2):
        assert r.identity("NickKeane") == ("twitter", "nickkeane")
        assert r.identity("nk@old.example") == ("mastodon", "nk@old.example")
        assert r.hashtag("#UKGC11") == ("event", "ukgovcamp-2011")
        assert r.hashtag("Open_Data") == ("topic", "open-data")
        assert r.person_url("nickkeane") == "https://b.example/people/nickkeane/"
        assert r.topic_url("open-data") == "https://b.example/topics/open-data/"
    assert r.identity("NickKeane") is r.identity("NickKeane")
    assert r.person_url("nickkeane") is r.person_url("nickkeane")
    assert r.person_url("x") != r.topic_url("x")  # one memo, kept apart by kind
    first, second = "".join(["nick", "keane"]), "".join(["nick", "keane"])
    assert first is not second
    assert r.shared(first) is first and r.shared(second) is first


def test_a_handle_given_twice_is_a_problem() -> None:
    """The same handle for two people is reported (the first keeps it)."""
    people = {
        "a": PersonRecord("a", handles={"twitter": ("same",)}),
        "b": PersonRecord("b", aliases=("Same",)),
    }
    r = Identity(people, {}, people_path="content/people.toml")
    assert r.problems == [
        ("content/people.toml", None, "handle @Same is given for both [people.a] and [people.b]")
    ]
    assert r.person_slug("same") == "a"


def test_from_settings_reads_the_data_files() -> None:
    """from_settings uses PATH's people.toml and events.toml, SITEURL and BREAKOUT_TEXT."""
    settings = load_settings(ROOT / "pelicanconf.py", path=SITE)
    settings["SITEURL"] = "https://b.example"
    r = Identity.from_settings(settings)
    assert r.person_slug("Nick_Keane") == "nickkeane"
    assert r.person_url("nickkeane") == "https://b.example/people/nickkeane/"
    assert r.hashtag("UKGC11") == ("event", "ukgovcamp-2011")
    assert r.problems == []
