"""Text decoded with the wrong code page, once or twice, repaired and accounted for.

ftfy repairs the common cases (UTF-8 read as Windows-1252 or Latin-1: "donâ€™t"). It
leaves Greek alone, because Greek letters are real text; but the launch content shows
UTF-8 read as Windows-1253 ("blasΓ©" for blasé, "πŸ™‚" for 🙂). A run that starts with a
character standing for a UTF-8 lead byte in that code page and continues with characters
standing for continuation bytes, and that decodes as UTF-8, is repaired too.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass

import ftfy

# ftfy's encoding repairs only: no quote uncurling, width or ligature changes.
_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,
    remove_terminal_escapes=False,
    fix_encoding=True,
    restore_byte_a0=True,
    replace_lossy_sequences=False,
    decode_inconsistent_utf8=True,
    fix_c1_controls=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    fix_surrogates=True,
    remove_control_chars=False,
    normalization=None,
    explain=False,
)


def _byte(char: str) -> int | None:
    """The byte a character stands for in Windows-1253, else Windows-1252 (mixed mis-decodes)."""
    for codec in ("cp1253", "cp1252"):
        try:
            return char.encode(codec)[0]
        except UnicodeEncodeError:
            continue
    return None


def _lead_chars() -> str:
    out = []
    for value in range(0xC2, 0xF5):
        with contextlib.suppress(UnicodeDecodeError):
            out.append(bytes([value]).decode("cp1253"))
    return "".join(out)


def _continuation_chars() -> str:
    out = set()
    for codec in ("cp1253", "cp1252"):
        for value in range(0x80, 0xC0):
            with contextlib.suppress(UnicodeDecodeError):
                out.add(bytes([value]).decode(codec))
    return "".join(sorted(out))


_GREEK_RUN = re.compile(f"[{re.escape(_lead_chars())}][{re.escape(_continuation_chars())}]{{1,3}}")


def _greek(match: re.Match[str]) -> str:
    run = match.group(0)
    raw = [_byte(c) for c in run]
    if None in raw:
        return run
    try:
        fixed = bytes(raw).decode("utf-8")  # type: ignore[arg-type]
    except UnicodeDecodeError:
        return run
    return fixed if len(fixed) == 1 else run


def repair(text: str) -> str:
    """The text with encoding mistakes undone (ftfy, then the Windows-1253 runs)."""
    return _GREEK_RUN.sub(_greek, ftfy.fix_text(text, _CONFIG))


@dataclass(frozen=True)
class Repair:
    """One repaired line: where, what it was and what it became."""

    line: int
    before: str
    after: str


def repair_lines(text: str) -> tuple[str, list[Repair]]:
    """Repair a whole file line by line; report each changed line (1-based)."""
    out: list[str] = []
    repairs: list[Repair] = []
    for number, line in enumerate(text.split("\n"), start=1):
        fixed = repair(line)
        if fixed != line:
            repairs.append(Repair(number, *_difference(line, fixed)))
        out.append(fixed)
    return "\n".join(out), repairs


def _difference(before: str, after: str) -> tuple[str, str]:
    """The changed middle of a line, with a few characters of context."""
    start = 0
    while start < min(len(before), len(after)) and before[start] == after[start]:
        start += 1
    end = 0
    while (
        end < min(len(before), len(after)) - start
        and before[len(before) - 1 - end] == after[len(after) - 1 - end]
    ):
        end += 1
    left = max(0, start - 6)
    return before[left : len(before) - end + 4].strip(), after[left : len(after) - end + 4].strip()
