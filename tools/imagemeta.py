"""Image metadata the site does not publish, left out without touching the pictures.

A photo straight from a phone carries where it was taken (EXIF GPS), the camera and its
serial number, often the author's name (XMP, IPTC) and editing history. The importer
leaves it out of the old blog's images (`--media`); `invoke check` lists the images under
content/ that hold any (`tools.imagecheck`), and `invoke clean-images` leaves it out.
Removal is lossless: the metadata's segments (JPEG), chunks (PNG, WebP) or extension
blocks (GIF) are left out and every other byte is copied as it was, so nothing is
re-encoded. Two things that change how the picture looks are kept: the colour profile
(ICC), and an EXIF orientation other than upright, written again as a minimal EXIF block
holding only that tag (browsers turn the picture by it). AVIF's metadata lives in items
whose offsets would have to be rewritten: AVIF files are kept as they are and reported
as not checked.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass

EXIF_HEADER = b"Exif\x00\x00"
XMP_HEADERS = (b"http://ns.adobe.com/xap/1.0/\x00", b"http://ns.adobe.com/xmp/extension/\x00")
ORIENTATION = 0x0112  # the EXIF tag browsers honour
GPS_IFD = 0x8825  # IFD0's pointer to the GPS fields
GPS = "GPS location"
UPRIGHT = 1


@dataclass(frozen=True)
class Cleaned:
    """An image's bytes with its metadata left out, and what was left out (in order found)."""

    data: bytes
    removed: tuple[str, ...] = ()
    checked: bool = True  # False: a format whose metadata is not removed (AVIF)


class Unreadable(ValueError):
    """The image's structure could not be followed (truncated or not what it claims)."""


class _Found:
    """What a cleaner has left out so far, each kind named once."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.orientation = UPRIGHT

    def add(self, *names: str) -> None:
        for name in names:
            if name not in self.names:
                self.names.append(name)

    def exif(self, tiff: bytes) -> None:
        """Note an EXIF block's removal, its GPS fields and the orientation it held.

        A block that is exactly the minimal one orientation_exif writes is not named: it
        holds no metadata, and it is written again as it was (so cleaning twice finds nothing).
        """
        orientation, gps = exif_facts(tiff)
        if orientation in range(2, 9):
            self.orientation = orientation
            if tiff == orientation_exif(orientation):
                return
        self.add("EXIF", *([GPS] if gps else []))


def exif_facts(tiff: bytes) -> tuple[int | None, bool]:
    """The orientation in an EXIF (TIFF) block's first IFD, and whether it points at GPS fields."""
    order = {b"II": "little", b"MM": "big"}.get(tiff[:2])
    if order is None or len(tiff) < 8:
        return None, False
    start = int.from_bytes(tiff[4:8], order)
    count = int.from_bytes(tiff[start : start + 2], order)
    orientation, gps = None, False
    for entry in range(start + 2, min(start + 2 + 12 * count, len(tiff) - 11), 12):
        tag = int.from_bytes(tiff[entry : entry + 2], order)
        if tag == ORIENTATION:
            orientation = int.from_bytes(tiff[entry + 8 : entry + 10], order)
        elif tag == GPS_IFD:
            gps = True
    return orientation, gps


def orientation_exif(orientation: int) -> bytes:
    """A minimal EXIF (TIFF) block: one IFD with one field, the orientation."""
    entry = struct.pack("<HHIHH", ORIENTATION, 3, 1, orientation, 0)  # SHORT, one value
    return b"II*\x00" + struct.pack("<IH", 8, 1) + entry + b"\x00\x00\x00\x00"


def _trailer(found: _Found, rest: bytes) -> None:
    """Bytes after the image's end are left out; named unless they are only padding."""
    if rest.strip(b"\x00\r\n "):
        found.add("data after the image")


# JPEG ---------------------------------------------------------------------------------

# Application segments kept, by marker and the first bytes of their payload.
JPEG_KEPT = {0xE0: (b"JFIF\x00", b"JFXX\x00"), 0xE2: (b"ICC_PROFILE\x00",), 0xEE: (b"Adobe",)}


def _left_out(marker: int, payload: bytes, found: _Found) -> bool:
    """Whether a JPEG segment is metadata to leave out (noted in found) rather than kept."""
    if marker == 0xFE:
        found.add("comment")
        return True
    if not 0xE0 <= marker <= 0xEF or payload.startswith(JPEG_KEPT.get(marker, ())):
        return False
    if marker == 0xE1 and payload.startswith(EXIF_HEADER):
        found.exif(payload[len(EXIF_HEADER) :])
    elif marker == 0xE1 and payload.startswith(XMP_HEADERS):
        found.add("XMP")
    elif marker == 0xED:
        found.add("IPTC")  # Photoshop's resource block, where IPTC lives
    else:
        found.add(f"APP{marker - 0xE0} data")
    return True


def _entropy_end(data: bytes, pos: int) -> int:
    """Where a scan's coded data ends: the next marker that is not a stuffed byte or restart."""
    while True:
        pos = data.find(b"\xff", pos)
        if pos < 0 or pos + 1 >= len(data):
            raise Unreadable("ends inside its picture data, before the end marker")
        following = data[pos + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
            pos += 1 if following == 0xFF else 2
            continue
        return pos


def clean_jpeg(data: bytes) -> Cleaned:
    """A JPEG without its EXIF, XMP, IPTC, comment and other application segments."""
    if not data.startswith(b"\xff\xd8"):
        raise Unreadable("no JPEG start marker")
    found, out, pos = _Found(), [b"\xff\xd8"], 2
    after_jfif = 1  # where a minimal EXIF block goes: after SOI and a leading JFIF segment
    while True:
        if pos >= len(data) or data[pos] != 0xFF:
            raise Unreadable(f"no segment marker at byte {pos}")
        while pos < len(data) and data[pos] == 0xFF:  # fill bytes
            pos += 1
        if pos >= len(data):
            raise Unreadable("ends inside a segment marker")
        marker, pos = data[pos], pos + 1
        if marker == 0xD9:
            out.append(b"\xff\xd9")
            _trailer(found, data[pos:])
            break
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # markers without a length
            out.append(bytes((0xFF, marker)))
            continue
        length = int.from_bytes(data[pos : pos + 2], "big")
        if length < 2 or pos + length > len(data):
            raise Unreadable(f"segment 0xFF{marker:02X} at byte {pos - 2} runs past the end")
        segment = bytes((0xFF, marker)) + data[pos : pos + length]
        pos += length
        if not _left_out(marker, segment[4:], found):
            out.append(segment)
            if marker == 0xE0 and len(out) == 2:
                after_jfif = 2
        if marker == 0xDA:  # start of scan: its coded data follows up to the next marker
            end = _entropy_end(data, pos)
            out.append(data[pos:end])
            pos = end
    if found.orientation != UPRIGHT:
        block = EXIF_HEADER + orientation_exif(found.orientation)
        out.insert(after_jfif, b"\xff\xe1" + (len(block) + 2).to_bytes(2, "big") + block)
    return Cleaned(b"".join(out), tuple(found.names))


# PNG ----------------------------------------------------------------------------------

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_LEFT_OUT = {b"tEXt": "text", b"zTXt": "text", b"iTXt": "text", b"tIME": "time"}


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    """One PNG chunk with its length and checksum."""
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def clean_png(data: bytes) -> Cleaned:
    """A PNG (or APNG) without its text, time and EXIF chunks."""
    if not data.startswith(PNG_SIGNATURE):
        raise Unreadable("no PNG signature")
    found, out, pos = _Found(), [PNG_SIGNATURE], len(PNG_SIGNATURE)
    while True:
        if pos + 12 > len(data):
            raise Unreadable("ends before its IEND chunk")
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind = data[pos + 4 : pos + 8]
        end = pos + 12 + length
        if end > len(data):
            raise Unreadable(f"chunk {kind!r} at byte {pos} runs past the end")
        if kind == b"eXIf":
            found.exif(data[pos + 8 : end - 4])
            if found.orientation != UPRIGHT:
                out.append(_png_chunk(b"eXIf", orientation_exif(found.orientation)))
        elif kind in PNG_LEFT_OUT:
            found.add(PNG_LEFT_OUT[kind])
        else:
            out.append(data[pos:end])
        pos = end
        if kind == b"IEND":
            _trailer(found, data[pos:])
            return Cleaned(b"".join(out), tuple(found.names))


# WebP ---------------------------------------------------------------------------------

WEBP_FLAG = {b"EXIF": 0x08, b"XMP ": 0x04}  # VP8X's flags for the two metadata chunks


def _riff_chunk(kind: bytes, body: bytes) -> bytes:
    """One RIFF chunk: its kind, size and body, padded to an even length."""
    return kind + struct.pack("<I", len(body)) + body + (b"\x00" if len(body) % 2 else b"")


def clean_webp(data: bytes) -> Cleaned:
    """A WebP without its EXIF and XMP chunks (VP8X's flags and the RIFF size to match)."""
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise Unreadable("no RIFF WEBP header")
    found, chunks, pos = _Found(), [], 12
    end = min(len(data), 8 + int.from_bytes(data[4:8], "little"))
    while pos + 8 <= end:
        kind, size = data[pos : pos + 4], int.from_bytes(data[pos + 4 : pos + 8], "little")
        body = data[pos + 8 : pos + 8 + size]
        if len(body) < size:
            raise Unreadable(f"chunk {kind!r} at byte {pos} runs past the end")
        pos += 8 + size + size % 2
        if kind == b"EXIF":
            found.exif(body[len(EXIF_HEADER) :] if body.startswith(EXIF_HEADER) else body)
        elif kind == b"XMP ":
            found.add("XMP")
        else:
            chunks.append((kind, body))
    if pos < end or not chunks:
        raise Unreadable("ends inside a chunk")
    _trailer(found, data[end:])
    if found.orientation != UPRIGHT:
        chunks.append((b"EXIF", orientation_exif(found.orientation)))
    if chunks[0][0] == b"VP8X":
        flags = chunks[0][1][0] & ~(WEBP_FLAG[b"EXIF"] | WEBP_FLAG[b"XMP "])
        flags |= WEBP_FLAG[b"EXIF"] if found.orientation != UPRIGHT else 0
        chunks[0] = (b"VP8X", bytes((flags,)) + chunks[0][1][1:])
    body = b"WEBP" + b"".join(_riff_chunk(kind, chunk) for kind, chunk in chunks)
    return Cleaned(b"RIFF" + struct.pack("<I", len(body)) + body, tuple(found.names))


# GIF ----------------------------------------------------------------------------------


def _sub_blocks_end(data: bytes, pos: int) -> int:
    """Where a run of GIF data sub-blocks ends (after its zero-length terminator)."""
    while True:
        if pos >= len(data):
            raise Unreadable("ends inside a block")
        if data[pos] == 0:
            return pos + 1
        pos += 1 + data[pos]


def _colour_table(flags: int) -> int:
    """The size in bytes of the colour table a GIF descriptor's flags announce."""
    return 3 * 2 ** ((flags & 7) + 1) if flags & 0x80 else 0


def clean_gif(data: bytes) -> Cleaned:
    """A GIF without its comment and XMP extension blocks."""
    if data[:6] not in (b"GIF87a", b"GIF89a") or len(data) < 13:
        raise Unreadable("no GIF header")
    found = _Found()
    pos = 13 + _colour_table(data[10])
    out = [data[:pos]]
    while True:
        if pos >= len(data):
            raise Unreadable("ends before its trailer")
        block = data[pos]
        if block == 0x3B:
            out.append(b"\x3b")
            _trailer(found, data[pos + 1 :])
            return Cleaned(b"".join(out), tuple(found.names))
        if block == 0x2C:  # an image: descriptor, local colour table, LZW size, data
            start = pos + 10 + _colour_table(data[pos + 9] if pos + 9 < len(data) else 0)
            end = _sub_blocks_end(data, start + 1)
            out.append(data[pos:end])
        elif block == 0x21 and pos + 1 < len(data):
            end = _sub_blocks_end(data, pos + 2)
            label, application = data[pos + 1], data[pos + 3 : pos + 14]
            if label == 0xFE:
                found.add("comment")
            elif label == 0xFF and application == b"XMP DataXMP":
                found.add("XMP")
            else:
                out.append(data[pos:end])
        else:
            raise Unreadable(f"unknown block 0x{block:02X} at byte {pos}")
        pos = end


def image_kind(data: bytes) -> str | None:
    """The file suffix of a JPEG, PNG, GIF, WebP or AVIF image from its first bytes; None otherwise."""
    if data.startswith(b"\xff\xd8\xff"):
        return ".jpg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return ".png"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return ".gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return ".webp"
    if data[4:12] in (b"ftypavif", b"ftypavis"):
        return ".avif"
    return None


CLEANERS: dict[str, Callable[[bytes], Cleaned]] = {
    ".jpg": clean_jpeg,
    ".png": clean_png,
    ".webp": clean_webp,
    ".gif": clean_gif,
}


def clean(data: bytes, kind: str) -> Cleaned:
    """The image without its metadata; raises Unreadable if its structure cannot be followed.

    kind is image_kind's suffix; a kind without a cleaner (AVIF) comes back as it was,
    marked not checked.
    """
    cleaner = CLEANERS.get(kind)
    return cleaner(data) if cleaner else Cleaned(data, (), checked=False)
