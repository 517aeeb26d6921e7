"""Whitespace and document structure: line breaks, spaces, blank lines, repeats of the headline
and of whole paragraphs."""

from __future__ import annotations

import re

import regex

from ._regex import TIMEOUT, edits_from_matches, iter_lines, line_removal
from .edits import Edit

__all__ = [
    "fix_blank_lines",
    "fix_inner_spaces",
    "fix_line_breaks",
    "fix_line_spaces",
    "fix_repeated_headline",
    "fix_repeated_paragraphs",
]

# NEL (U+0085) is left alone: in mojibake it is the "…" of cp1252, which ftfy restores.
_BREAKS = re.compile(r"\r\n|[\r\x0b\x0c\u2028\u2029]")


def fix_line_breaks(text: str) -> list[Edit]:
    """Turn CRLF, CR, form feeds and Unicode line/paragraph separators into ``\\n``."""
    if "\r" not in text and "\x0b" not in text and "\x0c" not in text and text.isascii():
        return []
    return edits_from_matches(_BREAKS, text, "structure.line_breaks", "\n")


_LINE_SPACES = re.compile(r"^[ \t]+|[ \t]+$", flags=re.MULTILINE)


def fix_line_spaces(text: str) -> list[Edit]:
    """Strip spaces and tabs at the start and end of every line."""
    if not (" \n" in text or "\n " in text or "\t" in text or text[:1] == " " or text[-1:] == " "):
        return []
    return edits_from_matches(_LINE_SPACES, text, "structure.line_spaces", "")


_INNER_SPACES = re.compile(r"(?<=\S) {2,}(?=\S)")


def fix_inner_spaces(text: str) -> list[Edit]:
    """Collapse runs of spaces between words to one space."""
    if "  " not in text:
        return []
    return edits_from_matches(_INNER_SPACES, text, "structure.inner_spaces", " ")


_BLANKS = re.compile(r"\A\n+|\n{3,}|\n+\Z")


def fix_blank_lines(text: str) -> list[Edit]:
    """At most one blank line between paragraphs; none at the start or end of the text."""
    if "\n\n\n" not in text and text[:1] != "\n" and text[-1:] != "\n":
        return []

    def replace(m: regex.Match[str]) -> str:
        return "" if m.start() == 0 or m.end() == len(text) else "\n\n"

    return edits_from_matches(_BLANKS, text, "structure.blank_lines", replace)


_PARAGRAPH_SPLIT = re.compile(r"\n[ \t]*\n\s*")

#: A paragraph repeated right after itself is removed from this length on ("***" or "—"
#: separators recur on purpose).
MIN_REPEATED_PARAGRAPH = 40
#: Further away, only a paragraph of this length is removed as a repeat: a scraper that doubles a
#: lead or a whole body repeats long prose, while real text repeats short lines on purpose (the same
#: interview question to each guest, a recurring caption or credit, a meal plan's recurring item).
MIN_DISTANT_REPEAT = 200


def _key(paragraph: str) -> str:
    return " ".join(paragraph.split())


def fix_repeated_paragraphs(text: str) -> list[Edit]:
    """Remove a paragraph that repeats the one before it verbatim (up to whitespace), or repeats an
    earlier long one (a doubled lead or body), with its break."""
    if "\n" not in text:
        return []
    edits = []
    seen: set[str] = set()
    previous = ""  # the last paragraph kept
    prev_end = 0  # end of the previous paragraph, where the break before this one starts
    pos = 0
    for sep in [*_PARAGRAPH_SPLIT.finditer(text), None]:
        end = len(text) if sep is None else sep.start()
        key = _key(text[pos:end])
        adjacent = key == previous and len(key) >= MIN_REPEATED_PARAGRAPH
        if adjacent or (len(key) >= MIN_DISTANT_REPEAT and key in seen):
            # A repeat is never the first paragraph, so a previous one has set prev_end.
            edits.append(Edit("structure.repeated_paragraph", prev_end, end, ""))
        else:
            seen.add(key)
            previous = key
        prev_end = end
        if sep is not None:
            pos = sep.end()
    return edits


_HEADLINE_FOLD = regex.compile(r"[\s\p{P}]+")


def _headline_key(line: str) -> str:
    return _HEADLINE_FOLD.sub(" ", line, timeout=TIMEOUT).strip().casefold()


def fix_repeated_headline(text: str, title: str | None) -> list[Edit]:
    """Remove the headline where the body repeats it as its first or last line(s).

    The comparison ignores case, spacing and punctuation, so "Storm hits coast" matches
    "STORM HITS COAST." but a line that merely starts with the headline stays.
    """
    if not title:
        return []
    key = _headline_key(title)
    if not key:
        return []
    lines = [(s, e, line) for s, e, line in iter_lines(text) if line.strip()]
    edits = []
    first = 0
    while first < len(lines) and _headline_key(lines[first][2]) == key:
        edits.append(line_removal("structure.repeated_headline", lines[first][0], lines[first][1]))
        first += 1
    if first == len(lines):
        return edits[:-1]  # the headline is all there is: keep one copy
    last = len(lines)
    while last > first and _headline_key(lines[last - 1][2]) == key:
        last -= 1
        edits.append(line_removal("structure.repeated_headline", lines[last][0], lines[last][1]))
    return sorted(edits, key=lambda e: e.start)
