"""Unicode repair: mojibake through ftfy (encoding fixes only), invisible and space characters.

ftfy's defaults also uncurl quotes, widen or narrow characters and expand ligatures; that changes
correct text, so the clean text gets only the encoding repairs (DESIGN decision 1). A text that
is ASCII, or in which ftfy's own detector finds nothing to fix, skips ftfy's slow path entirely;
otherwise only its lines that need it go through ftfy.
"""

from __future__ import annotations

import re
import unicodedata
from itertools import islice

import ftfy
import regex
from ftfy.badness import BADNESS_RE, is_bad

from ._regex import TIMEOUT, edits_from_matches, iter_lines
from .edits import Edit

__all__ = [
    "FTFY_CONFIG",
    "fix_control_chars",
    "fix_invisible",
    "fix_mojibake",
    "fix_spaces",
    "fix_terminal_escapes",
    "needs_repair",
    "repair_lines",
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

# What ftfy acts on besides mojibake (which its own ``is_bad`` detects): C1 controls, lone
# surrogates, and text that is not in NFC. A text with none of these is left to the fast path.
_OTHER = regex.compile(r"[\x80-\x9f\ud800-\udfff]")


# A necessary condition for ftfy's ``is_bad``, read off its BADNESS_RE: every alternative there
# needs two non-ASCII characters in a row, a C1 control, "Ã"/"Â" before a space, or "Œ"/"œ" not
# before a Latin letter. This scan is cheap; ``is_bad`` runs only where it finds something.
# (tests/test_unicode.py checks the implication on generated text.)
_MAYBE_BAD = re.compile(r"[^\x00-\x7f]{2}|[\x80-\x9f]|[ÃÂ]\s|[Œœ](?![A-Za-z])")


# The same test in the pieces a scan does fastest: a two-character class, then plain finds.
_C1 = re.compile("[\x80-\x9f]")
_TWO_NON_ASCII = re.compile("[\x80-\U0010ffff][\x80-\U0010ffff]")


def maybe_bad(text: str) -> bool:
    """``_MAYBE_BAD.search(text)``, faster: the common alternative alone, the rare ones after a find."""
    if _TWO_NON_ASCII.search(text) is not None:
        return True
    if not ("Ã" in text or "Â" in text or "Œ" in text or "œ" in text or _C1.search(text)):
        return False
    return _MAYBE_BAD.search(text) is not None


# ftfy's detector looked for only around the spots _MAYBE_BAD finds: each match of its pattern
# holds one, and is at most 7 characters long. Text with many spots gets the whole-text search.
_BAD_REACH = 16
_MANY_SPOTS = 64


def is_bad_near_spots(text: str) -> bool:
    """``ftfy.badness.is_bad(text)``, searching only near the characters that can start mojibake.

    >>> is_bad_near_spots("The café’s owner said itâ€™s fine."), is_bad_near_spots("Tokyo — “fine”")
    (True, False)
    """
    spots = [m.start() for m in islice(_MAYBE_BAD.finditer(text), _MANY_SPOTS + 1)]
    if len(spots) > _MANY_SPOTS:
        return is_bad(text)
    search = BADNESS_RE.search
    # A search from a position does not let "^" match there, so a window finds only true matches.
    return any(search(text, max(0, p - _BAD_REACH), p + _BAD_REACH) for p in spots)


def needs_repair(text: str) -> bool:
    """Whether ftfy would find anything to do in ``text`` (cheap scans first, its detector last)."""
    return (
        (maybe_bad(text) and is_bad_near_spots(text))
        or _OTHER.search(text, timeout=TIMEOUT) is not None
        or not unicodedata.is_normalized("NFC", text)
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
    if text.isascii() or not needs_repair(text):
        return []
    return repair_lines(text)


def repair_lines(text: str) -> list[Edit]:
    """:func:`fix_mojibake` for a text already known to need it: ftfy on each line that does."""
    edits = []
    for start, _, line in iter_lines(text):
        if line.isascii() or not needs_repair(line):
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


_TERMINAL_ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def fix_terminal_escapes(text: str) -> list[Edit]:
    """Remove ANSI terminal escapes (colour codes from logs and consoles)."""
    if "\x1b" not in text:
        return []
    return edits_from_matches(_TERMINAL_ESCAPES, text, "unicode.terminal_escapes", "")


# C0 controls other than tab and newline (line breaks are normalised before this runs), DEL,
# and the non-character object replacement and interlinear annotation marks.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ufff9-\ufffc]+")


def fix_control_chars(text: str) -> list[Edit]:
    """Remove control characters that have no place in prose (NUL, bell, backspace, ...)."""
    if text.isprintable():
        return []
    return edits_from_matches(_CONTROL, text, "unicode.control_chars", "")


# Soft hyphen, zero-width space, word joiner, BOM / zero-width no-break space, LRM/RLM kept.
# ZWJ (U+200D) and ZWNJ (U+200C) are kept: they shape Persian, Indic scripts and emoji.
_INVISIBLE = re.compile(r"[\u00ad\u200b\u2060\ufeff]+")


def fix_invisible(text: str) -> list[Edit]:
    """Remove soft hyphens and zero-width spaces, which break words apart for matching and search."""
    if text.isascii():
        return []
    return edits_from_matches(_INVISIBLE, text, "unicode.invisible", "")


# Every space separator (Zs) but the ASCII space: NBSP, en/em spaces, thin, narrow NBSP, ideographic.
_SPACES = re.compile(r"[^\S\n\t\r\x0b\x0c\x1c-\x1f\x85\u2028\u2029 ]+")


def fix_spaces(text: str) -> list[Edit]:
    """Map NBSP and the other Unicode space characters to plain spaces (one per character)."""
    if text.isascii():
        return []
    return edits_from_matches(_SPACES, text, "unicode.spaces", lambda m: " " * len(m.group()))
