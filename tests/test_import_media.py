"""`invoke import --media`: the old blog's images fetched from a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import hashlib
import http.server
import io
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from conftest import build_site
from import_helpers import new_site, run, snapshot
from PIL import Image

from tools import imagemeta
from tools.importer import media

UPLOADS = "/wp-content/uploads"


def image_bytes(kind: str, colour: str | tuple[int, int, int]) -> bytes:
    """A small real image (Pillow) of one colour."""
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), colour).save(buffer, kind)
    return buffer.getvalue()


def photo_bytes() -> bytes:
    """A real JPEG as a phone leaves it: EXIF with the owner's name and a GPS position."""
    exif = Image.Exif()
    exif[0x013B] = "Sasha Example"
    exif.get_ifd(0x8825).update({1: "N", 2: (51.0, 30.0, 26.0)})
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), "red").save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


GRID = photo_bytes()
THUMB = image_bytes("PNG", "blue")


@dataclass
class OldBlog:
    """The old blog's server: its files, and every path asked for."""

    port: int = 0
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    asked: list[str] = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@pytest.fixture
def old_blog() -> Iterator[OldBlog]:
    blog = OldBlog()
    blog.files = {
        f"{UPLOADS}/2011/01/grid.jpg": ("image/jpeg", GRID),
        f"{UPLOADS}/2011/01/thumb.png?w=300": ("image/png", THUMB),
        f"{UPLOADS}/logo.svg": ("image/svg+xml", b"<svg onload='alert(1)'/>"),
        f"{UPLOADS}/fake.jpg": ("image/jpeg", b"<html>not an image</html>"),
        f"{UPLOADS}/comment.jpg": ("image/jpeg", GRID),
    }

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            blog.asked.append(self.path)
            found = blog.files.get(self.path)
            if found is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", found[0])
            self.send_header("Content-Length", str(len(found[1])))
            self.end_headers()
            self.wfile.write(found[1])

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet."""

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    blog.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield blog
    server.shutdown()
    server.server_close()


def export(blog: OldBlog) -> str:
    """A WordPress export of the old blog: one post showing its images, one comment with one."""
    up = blog.base + UPLOADS
    body = (
        f'At #ukgc11 we drew the grid. <a href="{up}/2011/01/grid.jpg"><img src="{up}/2011/01/'
        f'grid.jpg" alt="The grid"></a>\n\n<img src="{up}/2011/01/thumb.png?w=300" alt="Thumb">'
        f' <img src="{up}/missing.jpg" alt="Gone"> <img src="{up}/logo.svg" alt="Logo">'
        f' <img src="{up}/fake.jpg" alt="Fake"> <img src="https://elsewhere.example/x.jpg" alt="X">'
    )
    return f"""<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>Old blog</title><link>{blog.base}</link>
<wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>{blog.base}</wp:base_site_url>
<wp:base_blog_url>{blog.base}</wp:base_blog_url>
<item>
<title><![CDATA[The grid at #ukgc11]]></title><link>{blog.base}/2011/01/23/grid/</link>
<dc:creator><![CDATA[sasha]]></dc:creator>
<content:encoded><![CDATA[{body}]]></content:encoded>
<excerpt:encoded><![CDATA[]]></excerpt:encoded>
<wp:post_id>10</wp:post_id><wp:post_date_gmt><![CDATA[2011-01-23 10:15:00]]></wp:post_date_gmt>
<wp:post_name><![CDATA[grid]]></wp:post_name><wp:status><![CDATA[publish]]></wp:status>
<wp:post_type><![CDATA[post]]></wp:post_type>
<wp:comment><wp:comment_id>101</wp:comment_id><wp:comment_author><![CDATA[Reader]]></wp:comment_author>
<wp:comment_date_gmt><![CDATA[2011-01-24 09:00:00]]></wp:comment_date_gmt>
<wp:comment_content><![CDATA[Mine: <img src="{up}/comment.jpg" alt="c">]]></wp:comment_content>
<wp:comment_approved><![CDATA[1]]></wp:comment_approved><wp:comment_type><![CDATA[comment]]></wp:comment_type>
<wp:comment_parent>0</wp:comment_parent></wp:comment>
</item>
</channel>
</rss>
"""


def section(report: str, heading: str) -> list[str]:
    """The indented lines under a heading of the import report."""
    lines = report.splitlines()
    start = lines.index(heading) + 1
    end = next((i for i in range(start, len(lines)) if not lines[i].startswith("  ")), len(lines))
    return lines[start:end]


def import_into(tmp_path: Path, text: str, **options: object) -> tuple[Path, Path, str]:
    """A fresh import site, the export written beside it and imported: (content, export, report)."""
    content = new_site(tmp_path)
    path = tmp_path / "export.xml"
    path.write_text(text, encoding="utf-8")
    status, out, err = run(path, content, **options)
    assert status == 0, err
    return content, path, out


@pytest.fixture
def imported(old_blog: OldBlog, tmp_path: Path) -> tuple[Path, Path, str]:
    """(content folder, export file, report) after one import with --media."""
    return import_into(tmp_path, export(old_blog), media=True)


def test_images_on_the_old_blog_are_fetched_and_the_writeup_points_at_them(
    old_blog: OldBlog, imported: tuple[Path, Path, str], tmp_path: Path
) -> None:
    content, _path, report = imported
    host = "images/imported/127.0.0.1"
    grid = f"{host}/wp-content/uploads/2011/01/grid.jpg"
    # A size asked for by query (?w=300) is its own file: the query's digest in its name.
    sized = hashlib.sha256(b"w=300").hexdigest()[:8]
    thumb = f"{host}/wp-content/uploads/2011/01/thumb-{sized}.png"
    # The photo's picture came across; its owner's name and GPS position did not.
    staged = Image.open(content / grid)
    assert staged.tobytes() == Image.open(io.BytesIO(GRID)).tobytes()
    assert not staged.getexif() and b"Sasha Example" not in (content / grid).read_bytes()
    assert (content / thumb).read_bytes() == THUMB
    text = (content / "writeups" / "2011" / "grid.md").read_text(encoding="utf-8")
    assert f"[![The grid]({{static}}/{grid})]({{static}}/{grid})" in text
    assert f"![Thumb]({{static}}/{thumb})" in text
    up = old_blog.base + UPLOADS
    # Left where they were, with the reason in the report: nothing dropped without a word.
    for left in ("missing.jpg", "logo.svg", "fake.jpg"):
        assert f"]({up}/{left})" in text
    assert "![X](https://elsewhere.example/x.jpg)" in text
    assert section(
        report, "Images not fetched (the write-ups still show them from the old site):"
    ) == [
        f"  {up}/fake.jpg: not a JPEG, PNG, GIF, WebP or AVIF image",
        f"  {up}/logo.svg: SVG images can hold script: left on the old site",
        f"  {up}/missing.jpg: HTTP 404",
    ]
    assert (
        "Images fetched from the old site: 2, into content/images/imported/ "
        "(the write-ups point at them)"
    ) in report.splitlines()
    heading = (
        "Image metadata left out (the pictures are unchanged; orientation and colour profile kept):"
    )
    assert section(report, heading) == [f"  content/{grid}: EXIF, GPS location"]
    # Only the post's images on the old host, once each: no other host, no comment's image,
    # and no SVG was even asked for.
    assert sorted(old_blog.asked) == sorted(
        f"{UPLOADS}/{p}"
        for p in ("2011/01/grid.jpg", "2011/01/thumb.png?w=300", "fake.jpg", "missing.jpg")
    )
    comment = next((content / "comments" / "grid").glob("*.md")).read_text(encoding="utf-8")
    assert f"{up}/comment.jpg" in comment

    # Built, the page shows the site's own copies.
    output = tmp_path / "output"
    build_site(content, output, BREAKOUT_SEARCH={"ENABLED": False})
    page = BeautifulSoup(
        (output / "2011" / "grid" / "index.html").read_text(encoding="utf-8"), "html.parser"
    )
    sources = [str(img["src"]) for img in page.select("article.writeup img")]
    assert sources[:2] == [f"/{grid}", f"/{thumb}"]
    assert (output / grid).read_bytes() == (content / grid).read_bytes()
    assert page.select_one(f'a[href="/{grid}"]') is not None


def test_a_second_import_changes_nothing(
    old_blog: OldBlog, imported: tuple[Path, Path, str]
) -> None:
    content, path, _report = imported
    before = snapshot(content)
    status, out, err = run(path, content, media=True)
    assert status == 0, err
    assert "files: 0 new, 0 updated, " in out
    assert snapshot(content) == before


def test_a_dry_run_lists_the_images_and_fetches_none(old_blog: OldBlog, tmp_path: Path) -> None:
    before = snapshot(new_site(tmp_path / "before"))
    content, _path, out = import_into(tmp_path, export(old_blog), media=True, dry_run=True)
    up = old_blog.base + UPLOADS
    assert section(out, "Images that would be fetched from the old site (--media):") == [
        f"  {up}/2011/01/grid.jpg",
        f"  {up}/2011/01/thumb.png?w=300",
        f"  {up}/fake.jpg",
        f"  {up}/logo.svg",
        f"  {up}/missing.jpg",
    ]
    assert old_blog.asked == [] and snapshot(content) == before


def test_without_media_nothing_is_fetched(old_blog: OldBlog, tmp_path: Path) -> None:
    content, _path, _out = import_into(tmp_path, export(old_blog))
    assert old_blog.asked == [] and not (content / "images" / "imported").exists()
    assert f"![The grid]({old_blog.base}{UPLOADS}/2011/01/grid.jpg)" in (
        content / "writeups" / "2011" / "grid.md"
    ).read_text(encoding="utf-8")


def test_a_file_over_the_size_limit_is_left(old_blog: OldBlog) -> None:
    url = f"{old_blog.base}{UPLOADS}/2011/01/grid.jpg"
    assert media.fetch(url, max_bytes=len(GRID) - 1) == media.NotFetched(
        url, f"larger than {len(GRID) - 1} bytes"
    )
    fetched = media.fetch(url, max_bytes=len(GRID))
    assert isinstance(fetched, media.Fetched) and fetched.image.removed == ("EXIF", "GPS location")


def test_an_image_whose_metadata_cannot_be_followed_is_left(old_blog: OldBlog) -> None:
    old_blog.files[f"{UPLOADS}/cut.jpg"] = ("image/jpeg", GRID[:-2])  # no end marker
    url = f"{old_blog.base}{UPLOADS}/cut.jpg"
    assert media.fetch(url) == media.NotFetched(
        url,
        "its metadata could not be removed: ends inside its picture data, before the end marker",
    )


@pytest.mark.parametrize(
    ("url", "kind", "rel"),
    [
        ("http://old.example/wp-content/uploads/2011/05/p.jpg", ".jpg",
         "images/imported/old.example/wp-content/uploads/2011/05/p.jpg"),
        ("http://old.example/u/My%20Photo.JPEG", ".jpg", "images/imported/old.example/u/My-Photo.JPEG"),
        ("http://old.example/u/photo.jpg", ".png", "images/imported/old.example/u/photo.png"),
        ("https://1.bp.blogspot.com/-abc/s320/photo", ".gif",
         "images/imported/1.bp.blogspot.com/abc/s320/photo.gif"),
        ("http://old.example/u/../../etc/x.png", ".png", "images/imported/old.example/u/etc/x.png"),
    ],
)  # fmt: skip
def test_where_an_image_goes(url: str, kind: str, rel: str) -> None:
    # Host and path kept, names made safe (no '..'), the suffix of what the bytes are.
    assert media.local_path(url, kind) == rel


def test_which_references_are_the_old_blogs_images() -> None:
    text = (
        '![a](http://old.example/a.jpg "t") [![b](http://old.example/b.png)](http://old.example/b-full.png) '
        "[page](http://old.example/about/) ![c](https://elsewhere.example/c.jpg) "
        "![d](https://2.bp.blogspot.com/x/s1600/d) ![a again](http://old.example/a.jpg)"
    )
    assert media.wanted(text, "http://old.example") == [
        "http://old.example/a.jpg",
        "http://old.example/b.png",
        "http://old.example/b-full.png",
        "https://2.bp.blogspot.com/x/s1600/d",
    ]


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"\xff\xd8\xff\xe0", ".jpg"),
        (b"\x89PNG\r\n\x1a\n", ".png"),
        (b"GIF89a", ".gif"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", ".webp"),
        (b"\x00\x00\x00\x1cftypavif", ".avif"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", None),
        (b"<html>", None),
    ],
)
def test_an_image_is_known_by_its_bytes(head: bytes, kind: str | None) -> None:
    assert imagemeta.image_kind(head) == kind


def test_many_images_and_two_addresses_with_one_safe_name(
    old_blog: OldBlog, tmp_path: Path
) -> None:
    # More images than one batch (media.BATCH), and "a b.png" beside "a-b.png".
    names = [f"many/p{n:02d}.png" for n in range(media.BATCH + 3)] + ["a%20b.png", "a-b.png"]
    for n, name in enumerate(names):
        old_blog.files[f"{UPLOADS}/{name}"] = ("image/png", image_bytes("PNG", (n, 0, 0)))
    text = export(old_blog).replace(
        "At #ukgc11 we drew the grid.",
        "At #ukgc11. "
        + " ".join(f'<img src="{old_blog.base}{UPLOADS}/{n}" alt="{n}">' for n in names),
    )
    content, _path, out = import_into(tmp_path, text, media=True)
    folder = content / "images" / "imported" / "127.0.0.1" / "wp-content" / "uploads"
    for n, name in enumerate(names[:-2]):
        assert (folder / name).read_bytes() == old_blog.files[f"{UPLOADS}/{name}"][1], n
    # Sorted, "a%20b.png" comes first and keeps the name; "a-b.png" gets its URL's digest.
    url = f"{old_blog.base}{UPLOADS}/a-b.png"
    other = f"a-b-{hashlib.sha256(url.encode()).hexdigest()[:8]}.png"
    assert (folder / "a-b.png").read_bytes() == old_blog.files[f"{UPLOADS}/a%20b.png"][1]
    assert (folder / other).read_bytes() == old_blog.files[f"{UPLOADS}/a-b.png"][1]
    body = (content / "writeups" / "2011" / "grid.md").read_text(encoding="utf-8")
    assert f"![a-b.png]({{static}}/images/imported/127.0.0.1/wp-content/uploads/{other})" in body
    assert f"Images fetched from the old site: {len(names) + 2}," in out
