"""The site's default social image (og:image): a 1200×630 PNG of its name and subtitle (no Pelican).

Drawn with Pillow's own scalable font (no system fonts), so one Pillow version gives
byte-identical files on every machine.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

WIDTH, HEIGHT = 1200, 630  # the size Open Graph and Twitter's large card expect
MARGIN = 80
NAME_SIZE, SUBTITLE_SIZE = 96, 40


@dataclass(frozen=True)
class Card:
    """What the default image shows, in which colours (#rrggbb)."""

    name: str
    subtitle: str = ""
    background: str = "#a33a0b"  # the theme's accent
    foreground: str = "#ffffff"


def _wrap(draw: object, text: str, font: object, width: int, lines: int) -> list[str]:
    """Words of text in at most `lines` lines no wider than width (the last one cut with …)."""
    out: list[str] = []
    line = ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if draw.textlength(trial, font=font) <= width or not line:  # type: ignore[attr-defined]
            line = trial
            continue
        out.append(line)
        line = word
    if line:
        out.append(line)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1].rstrip(".,;: ") + "…"
    return out


def render_card(card: Card) -> bytes:
    """The PNG bytes of the card."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (WIDTH, HEIGHT), card.background)
    draw = ImageDraw.Draw(image)
    width = WIDTH - 2 * MARGIN
    name_font = ImageFont.load_default(NAME_SIZE)
    small = ImageFont.load_default(SUBTITLE_SIZE)
    name_lines = _wrap(draw, card.name, name_font, width, 3)
    subtitle_lines = _wrap(draw, card.subtitle, small, width, 3) if card.subtitle else []
    # A rule above the text, then the name, then the subtitle: the block sits low on the card.
    block = len(name_lines) * int(NAME_SIZE * 1.15) + len(subtitle_lines) * int(SUBTITLE_SIZE * 1.4)
    y = max(MARGIN + 40, HEIGHT - MARGIN - block - (24 if subtitle_lines else 0))
    draw.rectangle((MARGIN, y - 40, MARGIN + 120, y - 32), fill=card.foreground)
    for line in name_lines:
        draw.text((MARGIN, y), line, font=name_font, fill=card.foreground)
        y += int(NAME_SIZE * 1.15)
    y += 24
    for line in subtitle_lines:
        draw.text((MARGIN, y), line, font=small, fill=card.foreground)
        y += int(SUBTITLE_SIZE * 1.4)
    out = io.BytesIO()
    image.save(out, format="PNG")  # no timestamps or text chunks: the same bytes every build
    return out.getvalue()
