"""Unicode repair: mojibake through ftfy (encoding fixes only), invisible and space characters.

ftfy's defaults also uncurl quotes, widen or narrow characters and expand ligatures; that changes
correct text, so the clean text gets only the encoding repairs (DESIGN decision 1). Lines with
nothing but ASCII, or without any of the characters mojibake is made of, skip ftfy entirely.
"""

from __future__ import annotations

import ftfy
import regex

from ._regex import TIMEOUT, edits_from_matches, iter_lines
from .edits import Edit

__all__ = [
    "FTFY_CONFIG",
    "fix_control_chars",
    "fix_invisible",
    "fix_mojibake",
    "fix_spaces",
    "fix_terminal_escapes",
]

#: The news-safe ftfy configuration: repair encodings, keep the author's characters as they are.
FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,  # markup.py decodes entities, including the broken ones ftfy leaves
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,  # structure.py does it for the whole text, with edits
    normalization="NFC",
    explain=True,
)

# Characters mojibake is made of: Latin-1/cp1252 letters and symbols, C1 controls, the
# replacement character, and lone surrogates. Text without them has no mojibake to fix.
_SUSPECT = regex.compile(
    r"[\x80-\xff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    r"\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac"
    r"\u2122\ufffd\ud800-\udfff]"
)


def _explain(steps: list[tuple[str, str]] | None) -> str:
    if not steps:
        return "unicode.ftfy"
    if any(kind in ("encode", "decode", "transcode") for kind, _ in steps):
        return "unicode.mojibake"
    kind, name = steps[0]
    return "unicode.normalize" if kind == "normalize" else f"unicode.{name}"


def fix_mojibake(text: str) -> list[Edit]:
    """Repair text that was decoded with the wrong codec (``itâ€™s`` → ``it’s``), line by line.

    Uses ftfy with :data:`FTFY_CONFIG`; a changed line becomes one edit covering just the
    changed span, named after what ftfy did (``unicode.mojibake`` for a re-decoding).
    """
    if text.isascii():
        return []
    edits = []
    for start, _, line in iter_lines(text):
        if line.isascii() or (not _SUSPECT.search(line, timeout=TIMEOUT) and line.isprintable()):
            continue
        fixed, steps = ftfy.fix_and_explain(line, FTFY_CONFIG)
        if fixed == line:
            continue
        # Narrow the edit to the span that changed.
        p = 0
        while p < min(len(line), len(fixed)) and line[p] == fixed[p]:
            p += 1
        q = 0
        while q < min(len(line), len(fixed)) - p and line[-1 - q] == fixed[-1 - q]:
            q += 1
        edits.append(Edit(_explain(steps), start + p, start + len(line) - q, fixed[p : len(fixed) - q]))
    return edits


_TERMINAL_ESCAPES = regex.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def fix_terminal_escapes(text: str) -> list[Edit]:
    """Remove ANSI terminal escapes (colour codes from logs and consoles)."""
    if "\x1b" not in text:
        return []
    return edits_from_matches(_TERMINAL_ESCAPES, text, "unicode.terminal_escapes", "")


# C0 controls other than tab and newline (line breaks are normalised before this runs), DEL,
# and the non-character object replacement and interlinear annotation marks.
_CONTROL = regex.compile(r"[\x00-\x08\x0b-\x1f\x7f\ufff9-\ufffc]+")


def fix_control_chars(text: str) -> list[Edit]:
    """Remove control characters that have no place in prose (NUL, bell, backspace, ...)."""
    return edits_from_matches(_CONTROL, text, "unicode.control_chars", "")


# Soft hyphen, zero-width space, word joiner, BOM / zero-width no-break space, LRM/RLM kept.
# ZWJ (U+200D) and ZWNJ (U+200C) are kept: they shape Persian, Indic scripts and emoji.
_INVISIBLE = regex.compile(r"[\u00ad\u200b\u2060\ufeff]+")


def fix_invisible(text: str) -> list[Edit]:
    """Remove soft hyphens and zero-width spaces, which break words apart for matching and search."""
    if text.isascii():
        return []
    return edits_from_matches(_INVISIBLE, text, "unicode.invisible", "")


# Every space separator (Zs) but the ASCII space: NBSP, en/em spaces, thin, narrow NBSP, ideographic.
_SPACES = regex.compile(r"[^\S\n\t\r\x0b\x0c\x1c-\x1f\x85\u2028\u2029 ]+")


def fix_spaces(text: str) -> list[Edit]:
    """Map NBSP and the other Unicode space characters to plain spaces (one per character)."""
    if text.isascii():
        return []
    return edits_from_matches(_SPACES, text, "unicode.spaces", lambda m: " " * len(m.group()))
