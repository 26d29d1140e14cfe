"""Where a file stops being valid UTF-8 (pure: the error report and the readers both use it)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BadByte:
    """Where a file stops being valid UTF-8."""

    line: int  # 1-based
    column: int  # 1-based, in characters of the line as far as it decodes
    byte: int

    def message(self) -> str:
        """The problem as the error line says it."""
        return f"not valid UTF-8 (byte 0x{self.byte:02x} at column {self.column})"


def decode_utf8(raw: bytes) -> str | BadByte:
    """The text of raw (a leading BOM dropped), or where its first invalid byte is."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        start = raw.rfind(b"\n", 0, exc.start) + 1
        line = raw.count(b"\n", 0, exc.start) + 1
        column = len(raw[start : exc.start].decode("utf-8", errors="replace")) + 1
        return BadByte(line, column, raw[exc.start])
    return text[1:] if text.startswith("\ufeff") else text
