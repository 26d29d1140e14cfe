"""`--media` leaves image metadata out without touching the pictures: real images made by Pillow."""

from __future__ import annotations

import io
import struct
import zlib
from typing import Any

import pytest
from PIL import Image, ImageCms
from PIL.PngImagePlugin import PngInfo

from tools import imagemeta
from tools.imagemeta import Unreadable, clean

ICC = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
PRIVATE = (b"Sasha Example", b"SN-0042", b"sasha@example.org")  # no byte of these may stay


def picture(mode: str = "RGB") -> Image.Image:
    """A 40×20 picture with detail, so that a changed byte of picture data would show."""
    image = Image.new("RGB", (40, 20), "red")
    for x in range(40):
        image.putpixel((x, x % 20), (0, x * 6, 255))
    return image.convert(mode)


def exif(orientation: int | None, gps: bool = True) -> Image.Exif:
    """Camera EXIF: maker, artist, serial number, an orientation and a GPS position."""
    data = Image.Exif()
    data[0x010F] = "Camera Maker"
    data[0x013B] = "Sasha Example"
    data[0xA431] = "SN-0042"  # BodySerialNumber (in the EXIF IFD; Pillow writes it in IFD0)
    if orientation is not None:
        data[0x0112] = orientation
    if gps:
        position = data.get_ifd(0x8825)
        position[1], position[2] = "N", (51.0, 30.0, 26.0)
        position[3], position[4] = "W", (0.0, 7.0, 39.0)
    return data


def saved(image: Image.Image, kind: str, **options: Any) -> bytes:
    """The image saved by Pillow with these options."""
    buffer = io.BytesIO()
    image.save(buffer, kind, **options)
    return buffer.getvalue()


def opened(data: bytes) -> Image.Image:
    """The image decoded (raises if Pillow cannot read it)."""
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def assert_same_picture(before: bytes, after: bytes) -> None:
    """Both decode to the same pixels, frame by frame, and no private text is left."""
    a, b = opened(before), opened(after)
    assert (a.format, a.size, a.mode) == (b.format, b.size, b.mode)
    for frame in range(getattr(a, "n_frames", 1)):
        a.seek(frame)
        b.seek(frame)
        assert a.tobytes() == b.tobytes(), f"frame {frame} changed"
    assert getattr(a, "n_frames", 1) == getattr(b, "n_frames", 1)
    assert not [p for p in PRIVATE if p in after]


def png_chunks(data: bytes) -> list[bytes]:
    """A PNG's chunk kinds in order."""
    kinds, pos = [], 8
    while pos < len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        kinds.append(data[pos + 4 : pos + 8])
        pos += 12 + length
    return kinds


def with_png_chunk(data: bytes, kind: bytes, body: bytes) -> bytes:
    """A PNG with one more chunk just before IEND."""
    chunk = struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    return data[:-12] + chunk + data[-12:]


def test_a_jpeg_loses_exif_gps_xmp_and_comment_and_keeps_picture_orientation_and_profile() -> None:
    before = saved(
        picture(),
        "JPEG",
        exif=exif(6),
        icc_profile=ICC,
        comment=b"shot by sasha@example.org",
        xmp=b"<x:xmpmeta><dc:creator>Sasha Example</dc:creator></x:xmpmeta>",
    )
    assert all(p in before for p in PRIVATE[:2])
    cleaned = clean(before, ".jpg")
    assert cleaned.removed == ("EXIF", "GPS location", "XMP", "comment")
    assert_same_picture(before, cleaned.data)
    after = opened(cleaned.data)
    assert dict(after.getexif()) == {0x0112: 6}
    assert "xmp" not in after.info and "comment" not in after.info
    assert after.info["icc_profile"] == ICC
    # Lossless: the picture's coded data, from the start of scan on, is copied as it was.
    assert cleaned.data.endswith(before[before.index(b"\xff\xda") :])
    assert cleaned.data.startswith(b"\xff\xd8\xff\xe0")  # JFIF still first


@pytest.mark.parametrize("orientation", [None, 1])
def test_an_upright_jpeg_keeps_no_exif_at_all(orientation: int | None) -> None:
    cleaned = clean(saved(picture(), "JPEG", exif=exif(orientation, gps=False)), ".jpg")
    assert cleaned.removed == ("EXIF",)
    assert imagemeta.EXIF_HEADER not in cleaned.data
    assert not opened(cleaned.data).getexif()


def test_a_jpeg_without_metadata_comes_back_byte_for_byte() -> None:
    before = saved(picture(), "JPEG")
    assert clean(before, ".jpg") == imagemeta.Cleaned(before, ())


def test_a_progressive_jpeg_with_restart_markers_keeps_every_scan() -> None:
    before = saved(picture(), "JPEG", exif=exif(3), progressive=True, restart_marker_blocks=1)
    assert before.count(b"\xff\xda") > 2 and b"\xff\xd0" in before  # several scans, restarts
    cleaned = clean(before, ".jpg")
    assert cleaned.removed == ("EXIF", "GPS location")
    assert_same_picture(before, cleaned.data)
    assert dict(opened(cleaned.data).getexif()) == {0x0112: 3}


def test_a_cmyk_jpeg_keeps_its_adobe_segment() -> None:
    before = saved(picture("CMYK"), "JPEG", exif=exif(None))
    start = before.index(b"\xff\xee")  # APP14 "Adobe": how to read the colours
    adobe = before[start : start + 2 + int.from_bytes(before[start + 2 : start + 4], "big")]
    assert adobe[4:9] == b"Adobe"
    cleaned = clean(before, ".jpg")
    assert cleaned.removed == ("EXIF", "GPS location")
    assert adobe in cleaned.data
    assert_same_picture(before, cleaned.data)


def test_data_after_the_image_is_left_out_and_named_unless_padding() -> None:
    image = saved(picture(), "JPEG")
    assert clean(image + b"sasha@example.org", ".jpg").removed == ("data after the image",)
    assert clean(image + b"\x00" * 64, ".jpg") == imagemeta.Cleaned(image, ())


def test_a_png_loses_text_time_and_exif_and_keeps_orientation_and_profile() -> None:
    info = PngInfo()
    info.add_text("Author", "Sasha Example")
    info.add_itxt("Comment", "sasha@example.org", zip=True)
    before = saved(picture(), "PNG", pnginfo=info, exif=exif(8), icc_profile=ICC)
    before = with_png_chunk(before, b"tIME", b"\x07\xdb\x01\x17\x0a\x0f\x00")
    cleaned = clean(before, ".png")
    assert cleaned.removed == ("text", "EXIF", "GPS location", "time")
    assert png_chunks(cleaned.data) == [b"IHDR", b"iCCP", b"eXIf", b"IDAT", b"IEND"]
    assert_same_picture(before, cleaned.data)
    after = opened(cleaned.data)
    assert dict(after.getexif()) == {0x0112: 8}
    assert after.info["icc_profile"] == ICC and "Author" not in after.info


def test_a_webp_loses_exif_and_xmp_and_its_flags_and_size_follow() -> None:
    before = saved(picture(), "WEBP", exif=exif(6), xmp=b"<x>Sasha Example</x>", lossless=True)
    cleaned = clean(before, ".webp")
    assert cleaned.removed == ("EXIF", "GPS location", "XMP")
    assert_same_picture(before, cleaned.data)
    data = cleaned.data
    assert int.from_bytes(data[4:8], "little") == len(data) - 8
    assert data[12:16] == b"VP8X" and data[20] & 0x0C == 0x08  # EXIF flag on, XMP flag off
    assert dict(opened(data).getexif()) == {0x0112: 6}
    upright = clean(saved(picture(), "WEBP", exif=exif(1), lossless=True), ".webp").data
    assert b"EXIF" not in upright and upright[20] & 0x0C == 0


def gif_with_xmp(data: bytes) -> bytes:
    """An animated GIF with an XMP application extension put before its trailer."""
    xmp = b"<x:xmpmeta>Sasha Example</x:xmpmeta>"
    block = b"\x21\xff\x0bXMP DataXMP" + bytes((len(xmp),)) + xmp + b"\x00"
    return data[:-1] + block + data[-1:]


def test_an_animated_gif_loses_comment_and_xmp_and_keeps_frames_and_loop() -> None:
    frames = [picture("P"), picture("P").rotate(180)]
    before = gif_with_xmp(
        saved(frames[0], "GIF", save_all=True, append_images=frames[1:], loop=0, comment=b"hi")
    )
    cleaned = clean(before, ".gif")
    assert cleaned.removed == ("comment", "XMP")
    assert_same_picture(before, cleaned.data)
    after = opened(cleaned.data)
    assert after.info.get("loop") == 0 and "comment" not in after.info


@pytest.mark.parametrize(
    ("kind", "data", "message"),
    [
        (".jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF", "segment 0xFFE0 at byte 2 runs past the end"),
        (".jpg", b"\xff\xd8\x00", "no segment marker at byte 2"),
        (
            ".jpg",
            b"\xff\xd8\xff\xda\x00\x02\x12\x34",
            "ends inside its picture data, before the end marker",
        ),
        (".png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR", "ends before its IEND chunk"),
        (".gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00\x2c", "ends inside a block"),
        (".gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00\x99", "unknown block 0x99 at byte 13"),
        (
            ".webp",
            b"RIFF\x20\x00\x00\x00WEBPVP8L\x40\x00\x00\x00",
            "chunk b'VP8L' at byte 12 runs past the end",
        ),
    ],
)
def test_an_image_whose_structure_cannot_be_followed_is_refused(
    kind: str, data: bytes, message: str
) -> None:
    with pytest.raises(Unreadable) as caught:
        clean(data, kind)
    assert str(caught.value) == message


@pytest.mark.parametrize("kind", [".jpg", ".png", ".webp", ".gif"])
def test_a_truncated_real_image_is_refused(kind: str) -> None:
    name = {".jpg": "JPEG", ".png": "PNG", ".webp": "WEBP", ".gif": "GIF"}[kind]
    data = saved(picture("P" if kind == ".gif" else "RGB"), name)
    with pytest.raises(Unreadable):
        clean(data[: len(data) * 2 // 3], kind)


def test_avif_is_kept_as_fetched_and_marked_not_checked() -> None:
    data = b"\x00\x00\x00\x1cftypavif" + b"Sasha Example"
    assert clean(data, ".avif") == imagemeta.Cleaned(data, (), checked=False)


@pytest.mark.parametrize("kind", ["JPEG", "PNG", "WEBP"])
def test_cleaning_twice_changes_nothing(kind: str) -> None:
    suffix = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}[kind]
    once = clean(saved(picture(), kind, exif=exif(6)), suffix)
    assert once.removed == ("EXIF", "GPS location")
    # The minimal orientation block it wrote is not metadata: a second pass finds nothing.
    assert clean(once.data, suffix) == imagemeta.Cleaned(once.data, ())


def test_exif_facts_read_both_byte_orders() -> None:
    little = imagemeta.orientation_exif(5)
    big = b"MM\x00*" + struct.pack(">IH", 8, 2) + struct.pack(">HHIHH", 0x0112, 3, 1, 7, 0)
    big += struct.pack(">HHII", 0x8825, 4, 1, 0) + b"\x00" * 4
    assert imagemeta.exif_facts(little) == (5, False)
    assert imagemeta.exif_facts(big) == (7, True)
    assert imagemeta.exif_facts(b"not exif") == (None, False)
    assert imagemeta.exif_facts(little[:12]) == (None, False)  # IFD cut short: nothing read
