"""Launch content: the seven write-ups, their comments and the data files made from the seeds."""

from __future__ import annotations

import datetime as dt
import html
import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
SEEDS = Path("/work/shared/seeds")

REQUIRED = ("title", "date", "event", "session", "tags", "summary", "id")
COMMENT_KEYS = {"author", "handle", "website", "date", "replyto", "status", "orphaned"}

# Write-up slug -> seed number it comes from.
SEED_OF = {
    "ukgc11-police": 0,
    "bluelightcamp-pccs": 1,
    "ukgc11-pcc-democracy": 2,
    "policing-2-0": 2,
    "police-web-managers": 2,
    "acpo-social-media": 3,
    "ukgc10-localgov-group-hug": 4,
}
# Seeds 001 and 003 carry a date; every other write-up's date is a reasoned choice.
DATED_IN_SEED = {"bluelightcamp-pccs": "2012-04-17", "acpo-social-media": "2011-03-19"}

CHROME = (
    "Leave a Reply",
    "Fill in your details",
    "You are commenting using your",
    "Connecting to %s",
    "Log Out",
    "Advertisement",
    "ReplyDelete",
    "Popular Posts",
    "For help adding links",
    "This entry was posted in",
    "Bookmark the permalink",
    "Comments are closed",
)
CHROME_PATTERNS = (
    re.compile(r"\d+ comments:"),
    re.compile(r"\d+ Responses to"),
    re.compile(r"\d+ thoughts on"),
)
MOJIBAKE = ("Γ", "πŸ", "Ÿ", "â€", "Ã", "Â", "\ufffd", "\u00a0")
REPAIRS = {"πŸ™‚": "🙂", "πŸ˜‰": "😉", "Γ©": "é"}
META_LINE = re.compile(r"^(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)$")


def parse(path: Path) -> tuple[dict[str, str], str]:
    """Split a content file into its lower-cased meta block and its body."""
    text = path.read_text(encoding="utf-8")
    meta: dict[str, str] = {}
    lines = text.split("\n")
    i = 0
    for i, line in enumerate(lines):
        if not line.strip():
            break
        m = META_LINE.match(line)
        assert m, f"{path}: line {i + 1} is not a 'Key: value' line: {line!r}"
        meta[m["key"].lower()] = m["value"].strip()
    return meta, "\n".join(lines[i + 1 :])


def writeups() -> list[Path]:
    """Every write-up source file."""
    return sorted(CONTENT.glob("writeups/*/*.md"))


def comment_files() -> list[Path]:
    """Every comment source file."""
    return sorted(CONTENT.glob("comments/*/*.md"))


def content_files() -> list[Path]:
    """Every text file of the launch content."""
    return sorted(p for p in CONTENT.rglob("*") if p.suffix in (".md", ".toml"))


def load_toml(name: str) -> dict:
    """Read a data file the way the site does."""
    with open(CONTENT / name, "rb") as f:
        return tomllib.load(f)


def seed_text(n: int) -> str:
    """Seed n with its mis-decoded characters repaired and no-break spaces made plain."""
    (path,) = SEEDS.glob(f"{n:03d}_*.txt")
    text = path.read_text(encoding="utf-8")
    for bad, good in REPAIRS.items():
        text = text.replace(bad, good)
    return re.sub(r"[ \u00a0]+", " ", text)


def plain(paragraph: str) -> str:
    """A Markdown paragraph as the text the author wrote (list marker, heading, escapes removed)."""
    text = re.sub(r"^(?:#+ |- |\d+\. )", "", paragraph)
    text = text.replace(r"\*", "*").replace(r"\.", ".")
    if re.fullmatch(r"\*[^*]+\*", text):
        text = text[1:-1]
    return re.sub(r" +", " ", text)


def test_exactly_seven_writeups_in_year_folders() -> None:
    """Seven write-ups, each in the folder of its Date's year, named as in the seed map."""
    files = writeups()
    assert sorted(p.stem for p in files) == sorted(SEED_OF)
    for path in files:
        meta, _ = parse(path)
        assert path.parent.name == meta["date"][:4], path


@pytest.mark.parametrize("path", writeups(), ids=lambda p: p.stem)
def test_writeup_metadata(path: Path) -> None:
    """Required keys are present, dates parse, Id is derived from Date and slug, Event exists."""
    meta, _ = parse(path)
    for key in REQUIRED:
        assert meta.get(key), f"{path.name}: missing {key}"
    date = dt.date.fromisoformat(meta["date"][:10])
    assert meta["id"] == f"tag:breakout,{date.isoformat()}:{path.stem}"
    events = load_toml("events.toml")["events"]
    assert meta["event"] in events
    tags = [t.strip() for t in meta["tags"].split(",")]
    assert all(t and t == t.lower() for t in tags), tags
    assert meta.get("comments", "open") in ("open", "closed")
    event_date = events[meta["event"]].get("date")
    if event_date is not None:
        assert date >= event_date, "a write-up cannot predate its event"


def test_seed_dates_and_blog_order() -> None:
    """Dated seeds keep their dates; seed 002's posts keep the dump's newest-first order."""
    dates = {p.stem: parse(p)[0]["date"] for p in writeups()}
    for slug, date in DATED_IN_SEED.items():
        assert dates[slug] == date
    assert dates["ukgc11-pcc-democracy"] > dates["policing-2-0"] > dates["police-web-managers"]
    closed = {p.stem for p in writeups() if parse(p)[0].get("comments") == "closed"}
    assert closed == {"ukgc10-localgov-group-hug"}


def test_undated_seeds_carry_a_date_rationale() -> None:
    """A write-up whose seed gives no date opens its body with the rationale comment."""
    for path in writeups():
        _, body = parse(path)
        first = body.lstrip("\n").split("\n", 1)[0]
        if path.stem in DATED_IN_SEED:
            assert not first.startswith("<!-- Date:"), path.name
        else:
            assert re.fullmatch(r"<!-- Date: the seed gives no date; .+ -->", first), path.name
            assert "--" not in first[4:-3], "an HTML comment cannot contain '--'"


def test_no_page_chrome_survives() -> None:
    """None of the blogs' boilerplate phrases is left in any content file."""
    for path in content_files():
        text = path.read_text(encoding="utf-8")
        for phrase in CHROME:
            assert phrase.lower() not in text.lower(), f"{path}: {phrase!r}"
        for pattern in CHROME_PATTERNS:
            assert not pattern.search(text), f"{path}: {pattern.pattern}"


def test_no_mojibake_survives_and_repairs_are_in_place() -> None:
    """Mis-decoded sequences are gone and the characters they stood for are there."""
    for path in content_files():
        text = path.read_text(encoding="utf-8")
        for bad in MOJIBAKE:
            assert bad not in text, f"{path}: {bad!r}"
    hug = (CONTENT / "writeups/2010/ukgc10-localgov-group-hug.md").read_text(encoding="utf-8")
    assert "transform local government. 🙂" in hug
    assert "as a part of this session 😉" in hug
    first = (CONTENT / "comments/ukgc10-localgov-group-hug/001.md").read_text(encoding="utf-8")
    assert "came across as blasé at all" in first
    reply = (CONTENT / "comments/ukgc10-localgov-group-hug/002.md").read_text(encoding="utf-8")
    assert reply.count("🙂") == 2


def test_no_hashword_line_posing_as_heading() -> None:
    """Real headings have a space after the hashes; no line starts with '#word'."""
    for path in writeups():
        for line in parse(path)[1].split("\n"):
            assert not re.match(r"#+[^#\s]", line), f"{path.name}: {line!r}"


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seeds not available")
@pytest.mark.parametrize(
    "path", writeups() + comment_files(), ids=lambda p: p.parent.name + "/" + p.stem
)
def test_words_are_the_authors(path: Path) -> None:
    """Every body paragraph (comments aside) is the seed's text, verbatim after repairs."""
    slug = path.stem if path.parent.parent.name == "writeups" else path.parent.name
    seed = seed_text(SEED_OF[slug])
    for paragraph in parse(path)[1].split("\n"):
        if paragraph.strip() and not paragraph.startswith("<!--"):
            assert plain(paragraph) in seed, f"{path.name}: {paragraph[:80]!r}"


def test_every_comment_file_is_well_formed() -> None:
    """Author and body present, known keys only, ids numbered in sequence, replies resolve."""
    slugs = {p.stem for p in writeups()}
    folders = sorted({p.parent for p in comment_files()})
    assert {f.name for f in folders} <= slugs
    for folder in folders:
        ids = sorted(p.stem for p in folder.glob("*.md"))
        assert ids == [f"{n:03d}" for n in range(1, len(ids) + 1)], folder.name
        for path in folder.glob("*.md"):
            meta, body = parse(path)
            assert set(meta) <= COMMENT_KEYS, f"{path}: {set(meta) - COMMENT_KEYS}"
            assert meta.get("author"), path
            assert body.strip(), path
            assert meta.get("status", "published") in ("published", "removed")
            if "replyto" in meta:
                assert meta["replyto"] in ids and meta["replyto"] < path.stem
            if "handle" in meta:
                assert meta["handle"].startswith("@")


def test_comment_counts_per_writeup() -> None:
    """Each seed's comments are all there, no more (seed 001 promises 2 but holds 1)."""
    counts = {f.name: len(list(f.glob("*.md"))) for f in (CONTENT / "comments").iterdir()}
    assert counts == {
        "ukgc11-police": 2,
        "bluelightcamp-pccs": 1,
        "acpo-social-media": 8,
        "ukgc10-localgov-group-hug": 2,
    }


def test_seed_003_keeps_its_duplicates_and_removed_comment() -> None:
    """Eight comments, four byte-identical bodies (3, 5, 6, 7) and comment 2 marked removed."""
    folder = CONTENT / "comments/acpo-social-media"
    parsed = {p.stem: parse(p) for p in sorted(folder.glob("*.md"))}
    assert len(parsed) == 8
    bodies = [body.encode() for _, body in parsed.values()]
    copies = [sid for sid, (_, body) in parsed.items() if bodies.count(body.encode()) > 1]
    assert copies == ["003", "005", "006", "007"]
    meta, body = parsed["002"]
    assert meta["status"] == "removed"
    assert body.strip() == "This comment has been removed by the author."
    assert parsed["001"][0]["author"] == "Rebecca"


def test_comment_authors_and_threads() -> None:
    """Named authors, the one known handle, and the reply in seed 004."""
    meta = {f"{p.parent.name}/{p.stem}": parse(p)[0] for p in comment_files()}
    assert meta["ukgc11-police/001"]["author"] == "Andy Mabbett"
    assert meta["ukgc11-police/001"]["handle"] == "@pigsonthewing"
    assert meta["ukgc11-police/002"]["author"] == "Sam"
    assert meta["ukgc10-localgov-group-hug/001"]["author"] == "Michele"
    assert meta["ukgc10-localgov-group-hug/002"]["replyto"] == "001"
    assert all("date" not in m for m in meta.values()), "the dumps give no comment dates"


def test_data_files() -> None:
    """Events carry provenance notes; people are keyed lower-case with twitter handles."""
    events = load_toml("events.toml")["events"]
    assert events["ukgovcamp-2011"]["date"] == dt.date(2011, 1, 22)
    assert events["ukgovcamp-2011"]["hashtags"] == ["ukgc11"]
    assert events["ukgovcamp-2010"]["date"] == dt.date(2010, 1, 23)
    assert events["bluelightcamp-2012"]["date"] == dt.date(2012, 4, 15)
    for slug, event in events.items():
        assert event["name"], slug
        assert event.get("note"), f"{slug}: every launch event date needs its provenance"
    people = load_toml("people.toml")["people"]
    assert set(people) == {
        "nickkeane", "pigsonthewing", "davidallengreen", "sasha_taylor",
        "amandaneylon", "hughflouch", "demsoc", "hotelalpha9",
    }  # fmt: skip
    for slug, person in people.items():
        assert slug == slug.lower()
        assert person["twitter"].lower() == slug
    assert people["sasha_taylor"]["aliases"] == ["SashaTayler"]
    assert people["hughflouch"]["twitter"] == "HughFlouch"


def test_every_registered_handle_is_used_in_content() -> None:
    """Each twitter handle (and alias) in people.toml appears as an @handle in some content file."""
    text = "\n".join(p.read_text(encoding="utf-8") for p in content_files() if p.suffix == ".md")
    for slug, person in load_toml("people.toml")["people"].items():
        for handle in [person["twitter"], *person.get("aliases", [])]:
            assert re.search(rf"@{re.escape(handle)}\b", text), f"{slug}: @{handle}"


def test_about_page() -> None:
    """The About page exists with its title and says what the site is."""
    meta, body = parse(CONTENT / "pages/about.md")
    assert meta["title"] == "About"
    assert "write-ups" in body and "UK GovCamp" in body


def test_launch_site_builds_every_writeup(launch_site: Path) -> None:
    """A real build writes each write-up at /<year>/<slug>/ with its title, and the About page."""
    for path in writeups():
        meta, _ = parse(path)
        page = launch_site / meta["date"][:4] / path.stem / "index.html"
        assert page.is_file(), page
        assert html.escape(meta["title"], quote=False) in page.read_text(encoding="utf-8")
    assert (launch_site / "about" / "index.html").is_file()
