"""breakout_text.erasure and Identity.is_named on tiny registries: inline golden strings."""

from __future__ import annotations

from breakout_kernel.data import PersonRecord
from breakout_kernel.identity import Identity
from breakout_text.api import new_markdown
from breakout_text.erasure import Erasure, erasure_for

ROBIN = PersonRecord(
    slug="robinvale",
    name="Robin Vale",
    handles={"twitter": ("robinvale",), "mastodon": ("robin@police.example",)},
    aliases=("RobinV",),
    optout=True,
    redact=("Robs",),
)
NICK = PersonRecord(slug="nickkeane", name="Nick Keane", handles={"twitter": ("nickkeane",)})


def identity() -> Identity:
    return Identity(people={"robinvale": ROBIN, "nickkeane": NICK})


def erasure(**options: str) -> Erasure:
    service = identity()
    findings = [service.mention("ROBINVALE", "", "Robbie Vale")]
    return erasure_for(service, options, findings)


def test_is_named_is_false_only_for_registry_people_who_opted_out() -> None:
    r = identity()
    assert [r.is_named(s) for s in ("robinvale", "nickkeane", "someone_else")] == [
        False,
        True,
        True,
    ]
    assert [p.slug for p in r.unnamed()] == ["robinvale"]


def test_every_form_of_them_is_known() -> None:
    e = erasure()
    assert e.handles == (
        "ROBINVALE",
        "RobinV",
        "police.example/@robin",
        "robin@police.example",
        "robinvale",
        "twitter.com/robinvale",
    )
    assert e.names == ("Robbie Vale", "Robin Vale", "Robs")
    assert e.paths == ("/people/robinvale/",)


def test_text_replaces_every_form_and_capitalises_at_a_sentence_start() -> None:
    e = erasure()
    assert e.text("@robinvale pitched it. Then Robbie Vale (@robinvale) spoke!") == (
        "A participant pitched it. Then a participant spoke!"
    )
    assert e.text("Ask @RobinV or @robin@police.example; @robinvale@mastodon.social too.") == (
        "Ask a participant or a participant; a participant too."
    )
    assert e.text("#robinvale's #police session", start=False) == "a participant's #police session"
    assert e.text("Robs and Robin  Vale, with @nickkeane", start=False) == (
        "a participant and a participant, with @nickkeane"
    )


def test_text_leaves_other_words_and_addresses_alone() -> None:
    e = erasure()
    assert e.text("Robson robs nobody", start=False) == "Robson a participant nobody"
    for text in ("Robinson", "me@robinvale.example", "@robinvale_2", "Vale of Robin"):
        assert e.text(text) == text


def test_html_replaces_text_unwraps_links_and_cleans_attributes() -> None:
    e = erasure()
    html = (
        '<p>See <a href="https://police.example/@robin/slides">the <em>slides</em></a> and '
        '<a href="/notes/" title="from Robs">notes</a>.</p>\n'
        '<p><img alt="Robin Vale" src="https://twitter.com/robinvale/photo"> '
        "<!-- Date: Robs said so --><code>@robinvale</code></p>"
    )
    assert e.html(html) == (
        '<p>See the <em>slides</em> and <a href="/notes/" title="from a participant">notes</a>.'
        '</p>\n<p><img alt="A participant"> <!-- Date: a participant said so -->'
        "<code>A participant</code></p>"
    )


def test_html_naming_nobody_is_returned_as_it_was() -> None:
    html = "<p>Nick&nbsp;Keane  <br/>said <a href='x'>so</a></p>"
    assert erasure().html(html) is html


def test_settings_choose_the_wording() -> None:
    e = erasure(WORDING="someone", COMMENTS="hidden", COMMENT_AUTHOR="A reader")
    assert (e.wording, e.comments, e.comment_author) == ("someone", "hidden", "A reader")
    assert e.text("Robbie Vale (@robinvale) said") == "Someone said"


def test_is_them_matches_a_whole_name_only() -> None:
    e = erasure()
    assert [e.is_them(t) for t in ("Robin  Vale", "@RobinV", "Robs", "Robin Vale Jr", "Nick")] == [
        True,
        True,
        True,
        False,
        False,
    ]


def test_text_engine_leaves_their_mentions_unlinked_and_reports_them_apart() -> None:
    settings = {"MARKDOWN": {"output_format": "html5"}, "SITEURL": ""}
    md = new_markdown(settings, identity())
    html = md.convert("Robbie Vale (@robinvale) met @nickkeane and @RobinV.")
    assert html == (
        '<p>Robbie Vale (@robinvale) met <a class="mention" href="/people/nickkeane/">'
        "@nickkeane</a> and @RobinV.</p>"
    )
    found = md.breakout_metadata
    assert [m.person.handle for m in found["mentions"]] == ["nickkeane"]
    assert [(m.person.handle, m.person.slug, m.name_hint) for m in found["erased"]] == [
        ("robinvale", "robinvale", "Robbie Vale"),
        ("RobinV", "robinvale", ""),
    ]
    # The sentence that also names Nick is kept for his page; the erasure pass rewrites it.
    assert "@robinvale" in found["mentions"][0].sentence


def test_nobody_opted_out_means_no_erasure() -> None:
    r = Identity(people={"nickkeane": NICK})
    e = erasure_for(r)
    assert not e.active and e.text("Nick Keane") == "Nick Keane" and e.leaks("anything") == []


def test_a_link_whose_text_is_them_is_unwrapped_whatever_its_address() -> None:
    e = erasure()
    html = (
        '<p><a class="mention" href="/people/robinvale_at_social.example/">'
        '@robinvale@social.example</a> said <a href="/x/">Robs&#x27;s notes</a></p>'
    )
    assert e.html(html) == '<p>A participant said <a href="/x/">a participant&#x27;s notes</a></p>'
