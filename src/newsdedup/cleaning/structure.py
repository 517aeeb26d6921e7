"""Whitespace and document structure: line breaks, spaces, blank lines, repeats of the headline
and of whole paragraphs."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import accumulate, chain
from operator import methodcaller

import regex

from ._regex import TIMEOUT, edits_from_matches, iter_lines, line_removal
from .edits import Edit, apply_edits_window, edits_of

__all__ = [
    "fix_blank_lines",
    "fix_hard_wraps",
    "fix_inner_spaces",
    "fix_line_breaks",
    "fix_line_spaces",
    "fix_repeated_headline",
    "fix_repeated_paragraphs",
    "reflow",
    "strip_line_starts",
]

# NEL (U+0085) is left alone: in mojibake it is the "…" of cp1252, which ftfy restores.
_BREAKS = re.compile(r"\r\n|[\r\x0b\x0c\u2028\u2029]")


def fix_line_breaks(text: str) -> list[Edit]:
    """Turn CRLF, CR, form feeds and Unicode line/paragraph separators into ``\\n``."""
    if "\r" not in text and "\x0b" not in text and "\x0c" not in text and text.isascii():
        return []
    return edits_from_matches(_BREAKS, text, "structure.line_breaks", "\n")


# Spaces at a line's start; a line's end found from its newline (a literal the search skips to).
_INDENT = re.compile(r"\n[ \t]+")
_TRAILING = re.compile(r"\n(?<=[ \t]\n)")


def fix_line_spaces(text: str) -> list[Edit]:
    """Strip spaces and tabs at the start and end of every line."""
    if not ("\n " in text or " \n" in text or "\t" in text or text[:1] == " " or text[-1:] == " "):
        return []
    rule = "structure.line_spaces"
    # A line of spaces only goes in its leading edit.
    edits = [Edit(rule, m.start() + 1, m.end(), "") for m in _INDENT.finditer(text)]
    if text[:1] in (" ", "\t"):
        edits.insert(0, Edit(rule, 0, len(text) - len(text.lstrip(" \t")), ""))
    ends = [m.start() for m in _TRAILING.finditer(text)]
    if text[-1:] in (" ", "\t"):
        ends.append(len(text))
    trailing = []
    for end in ends:
        start = end - 1
        while start > 0 and text[start - 1] in " \t":
            start -= 1
        if start > 0 and text[start - 1] != "\n":
            trailing.append(Edit(rule, start, end, ""))
    return sorted(edits + trailing, key=_start) if trailing else edits


def _start(e: Edit) -> int:
    return e.start


def strip_line_starts(text: str) -> str | None:
    """The text :func:`fix_line_spaces` makes of ``text``, made in one substitution without listing
    the edits, when only line starts need it (no line ends in a space or tab); None otherwise."""
    if text[-1:] in (" ", "\t") or _TRAILING.search(text):
        return None
    if text[:1] in (" ", "\t"):
        text = text.lstrip(" \t")
    return _INDENT.sub("\n", text)


_INNER_SPACES = re.compile(r"(?<=\S) {2,}(?=\S)")


def _tabular(line: str, runs: int | None = None) -> bool:
    """A table row or aligned columns: a tab, or two or more runs of spaces inside the line
    (``runs``, when the caller has already counted them)."""
    if "\t" in line:
        return True
    if runs is None:
        runs = len(_INNER_SPACES.findall(line)) if "  " in line else 0
    return runs >= 2


def fix_inner_spaces(text: str) -> list[Edit]:
    """Collapse runs of spaces between words to one space (not in table rows, whose alignment is
    their meaning)."""
    edits = []
    at = text.find("  ")
    while at >= 0:  # only the lines that hold a double space
        start = text.rfind("\n", 0, at) + 1
        end = text.find("\n", at)
        line = text[start:] if end < 0 else text[start:end]
        at = -1 if end < 0 else text.find("  ", end)
        runs = list(_INNER_SPACES.finditer(line))
        if runs and not _tabular(line, len(runs)):
            edits.extend(
                Edit("structure.inner_spaces", start + m.start(), start + m.end(), " ") for m in runs
            )
    return edits


#: Hard wraps: a block of lines is re-flowed only when it looks wrapped: at least MIN_WRAP_LINES
#: lines, the longest at least MIN_WRAP_WIDTH characters, most lines but the last at least
#: WRAP_FILL of that width, and no list item or table row among them.
MIN_WRAP_LINES = 3
MIN_WRAP_WIDTH = 50
WRAP_FILL = 0.6
_LIST_ITEM = re.compile(r"(?:[-*•·–—]|\d{1,3}[.)]|[a-z][.)])\s")
_HYPHENATED = re.compile(r"(\w+)-$")
_FIRST_WORD = re.compile(r"^([^\W\d_][\w]*)")
_WORDS = re.compile(r"\w+(?:-\w+)*")


def fix_hard_wraps(text: str, standalone: Callable[[str], dict[int, str]] | None = None) -> list[Edit]:
    """Re-flow paragraphs that were hard-wrapped at a fixed width (see :func:`reflow`)."""
    made = reflow(text, standalone)
    return [] if made is None else made.edits()


@dataclass(frozen=True)
class Reflow:
    """What re-flowing made of a text: the new ``text``, and its edits, listed when asked for
    (a block re-flowed plainly is kept as its line ends and which lines were full)."""

    text: str
    parts: tuple[list[Edit] | tuple[list[int], list[bool]], ...]

    def edits(self) -> list[Edit]:
        out: list[Edit] = []
        for part in self.parts:
            if isinstance(part, list):
                out += part
            else:
                after, full = part
                out += edits_of(
                    "structure.hard_wraps", map((-1).__add__, after), after, map(_BREAK.__getitem__, full)
                )
        return out

    @property
    def joins_without_space(self) -> bool:
        """Whether a line was joined to the next with nothing between (a hyphen kept or dropped)."""
        return any(not e.replacement for part in self.parts if isinstance(part, list) for e in part)


# long: one pass over the blocks that decides each line break and builds the new text and its edits
# together (issue 3 made the re-flow one pass for speed); its steps share the block's state.
def reflow(text: str, standalone: Callable[[str], dict[int, str]] | None = None) -> Reflow | None:
    """Re-flow paragraphs that were hard-wrapped at a fixed width; None when nothing is.

    In a block that looks wrapped, a line break after a full line becomes a space, and one after
    a short line (a paragraph's last line) becomes a paragraph break. A word broken across the
    lines with a hyphen is joined (``govern-`` / ``ment`` → ``government``, rule
    ``structure.dehyphenate``) only where the joined word occurs elsewhere in the text; where
    the hyphenated form does, the hyphen stays (``state-owned``); otherwise the hyphen and a
    space stay, so ``state- and federal`` keeps its meaning. ``standalone(text)`` names the lines
    (by their start) that a boilerplate rule would remove; such a line is never joined: inside a
    wrapped sentence ("Advertisement" between two of its lines) it is removed under that rule's
    name and the sentence closes up; elsewhere it is set apart as a paragraph of its own.
    """
    if text.count("\n") < MIN_WRAP_LINES - 1:
        return None
    flagged: dict[int, str] | None = None
    parts: list[list[Edit] | tuple[list[int], list[bool]]] = []
    pieces: list[str] = []  # the new text
    done = 0  # the end of the last block re-flowed
    words: set[str] | None = None
    for start, block in _blocks(text):
        bodies = block.split("\n")
        if len(bodies) < MIN_WRAP_LINES:
            continue
        lens = list(map(len, bodies))
        widest = max(lens)
        if widest < MIN_WRAP_WIDTH:  # the widest prose line is no wider
            continue
        # Past each line's newline: start, then start + the lengths so far, one more each.
        ends = list(accumulate(map((1).__add__, lens), initial=start))
        del ends[0]
        if flagged is None:
            flagged = standalone(text) if standalone is not None else {}
        alone: list[str | None] | None = None
        if flagged:
            alone = [flagged.get(e - n - 1) for e, n in zip(ends, lens, strict=True)]
            if not any(alone):
                alone = None
        prose = bodies if alone is None else [b for b, a in zip(bodies, alone, strict=True) if a is None]
        if len(prose) < MIN_WRAP_LINES:
            continue
        width = widest if alone is None else max(map(len, prose))
        if width < MIN_WRAP_WIDTH:
            continue
        full = list(map((WRAP_FILL * width).__le__, lens[:-1]))  # a line at least WRAP_FILL of the width
        if sum(full) < WRAP_FILL * (len(prose) - 1):
            continue
        if (
            "\t" in block or "  " in block or _LIST_ITEM.match(block) or _LIST_ITEM_LINE.search(block)
        ) and any(_LIST_ITEM.match(b) or _tabular(b) for b in prose):
            continue
        if alone is None and "-\n" not in block:
            # Nothing to judge line by line: every break becomes a space or a paragraph break.
            parts.append((ends[:-1], full))  # past each newline but the last line's
            pieces.append(text[done:start])
            # Each line but the last, then what its break became.
            pieces += chain.from_iterable(zip(bodies, map(_BREAK.__getitem__, full), strict=False))
            pieces.append(bodies[-1])
            done = start + len(block)
            continue
        if alone is None:
            alone = [None] * len(bodies)
        edits: list[Edit] = []
        skip = -1
        for k in range(len(bodies) - 1):
            if k == skip:
                continue
            line, nxt = bodies[k], bodies[k + 1]
            end = ends[k]
            newline = end - 1
            rule = alone[k + 1]
            if full[k] and rule is not None and k + 2 < len(bodies) and alone[k + 2] is None:
                # A widget line inside a wrapped sentence: it goes, and the sentence closes up.
                edits.append(Edit(rule, newline, ends[k + 1], " "))
                skip = k + 1
                continue
            if not full[k] or alone[k] is not None or rule is not None:
                edits.append(Edit("structure.hard_wraps", newline, end, "\n\n"))
                continue
            if line.endswith("-"):
                hyphen = _HYPHENATED.search(line)
                head = _FIRST_WORD.match(nxt)
                if hyphen and head and head.group(1)[0].islower():
                    if words is None:
                        words = {w.lower() for w in _WORDS.findall(text)}
                    joined = (hyphen.group(1) + head.group(1)).lower()
                    if joined in words:
                        edits.append(Edit("structure.dehyphenate", newline - 1, end, ""))
                        continue
                    if f"{hyphen.group(1)}-{head.group(1)}".lower() in words:
                        edits.append(Edit("structure.hard_wraps", newline, end, ""))
                        continue
            edits.append(Edit("structure.hard_wraps", newline, end, " "))
        parts.append(edits)
        pieces.append(text[done:start])
        pieces.append(apply_edits_window(text, start, start + len(block), edits))
        done = start + len(block)
    if not parts:
        return None
    pieces.append(text[done:])
    return Reflow("".join(pieces), tuple(parts))


_BREAK = ("\n\n", " ")  # what a line break becomes after a short line, and after a full one
# A blank line (spaces only) and the breaks around it; a block is what lies between two of these.
_BLANK_LINES = re.compile(r"\n(?:[^\S\n]*\n)+")
# _LIST_ITEM after a line break (a literal the search skips to): with a test of the first line,
# a fast proof that no line of a block is a list item.
_LIST_ITEM_LINE = re.compile(r"\n(?:[-*•·–—]|\d{1,3}[.)]|[a-z][.)])[^\S\n]")


def _blocks(text: str) -> list[tuple[int, str]]:
    """``(start, block)`` for each run of non-blank lines (a line of spaces only is blank)."""
    seps = list(_BLANK_LINES.finditer(text))
    if not seps and not text[:1].isspace() and not text[-1:].isspace():
        return [(0, text)]  # one block: the common case for a short story
    blocks = []
    pos = 0
    for m in [*seps, None]:
        end = len(text) if m is None else m.start()
        block = text[pos:end]
        # Only the text's first and last blocks can begin or end with a blank line.
        if block[:1].isspace() or block[-1:].isspace():
            lines = block.split("\n")
            lo, hi = 0, len(lines)
            while lo < hi and not lines[lo].strip():
                pos += len(lines[lo]) + 1
                lo += 1
            while hi > lo and not lines[hi - 1].strip():
                hi -= 1
            block = "\n".join(lines[lo:hi])
        if block:
            blocks.append((pos, block))
        if m is not None:
            pos = m.end()
    return blocks


# Spelled out: the literal prefix lets the search skip ahead ({3,} does not).
_BLANK_RUN = re.compile(r"\n\n\n+")


def fix_blank_lines(text: str) -> list[Edit]:
    """At most one blank line between paragraphs; none at the start or end of the text."""
    rule = "structure.blank_lines"
    lead = len(text) - len(text.lstrip("\n"))
    if lead == len(text):
        return [Edit(rule, 0, lead, "")] if text else []
    trail = len(text) - len(text.rstrip("\n"))
    edits = [Edit(rule, 0, lead, "")] if lead else []
    if "\n\n\n" in text:
        edits += [
            Edit(rule, m.start(), m.end(), "\n\n") for m in _BLANK_RUN.finditer(text, lead, len(text) - trail)
        ]
    if trail:
        edits.append(Edit(rule, len(text) - trail, len(text), ""))
    return edits


_PARAGRAPH_SPLIT = re.compile(r"\n[ \t]*\n\s*")

#: A paragraph repeated right after itself is removed from this length on ("***" or "—"
#: separators recur on purpose).
MIN_REPEATED_PARAGRAPH = 40
#: Further away, only a paragraph of this length is removed as a repeat: a scraper that doubles a
#: lead or a whole body repeats long prose, while real text repeats short lines on purpose (the same
#: interview question to each guest, a recurring caption or credit, a meal plan's recurring item).
MIN_DISTANT_REPEAT = 200


# What str.split() splits ASCII text on, and a paragraph in bytes without it.
_ASCII_SPACES = bytes(c for c in range(128) if chr(c).isspace())
_ASCII = methodcaller("encode", "ascii")
_WITHOUT_SPACES = methodcaller("translate", None, _ASCII_SPACES)


def _key(paragraph: str) -> str:
    if paragraph.isprintable() and "  " not in paragraph and paragraph[:1] != " " and paragraph[-1:] != " ":
        return paragraph  # already single-spaced: the common case, without splitting it into words
    return " ".join(paragraph.split())


def fix_repeated_paragraphs(text: str) -> list[Edit]:
    """Remove a paragraph that repeats the one before it verbatim (up to whitespace), or repeats an
    earlier long one (a doubled lead or body), with its break."""
    if "\n" not in text:
        return []
    paragraphs = _PARAGRAPH_SPLIT.split(text)
    if text.isascii():
        # Alike paragraphs are alike without their whitespace; bytes drop it fastest.
        keys = list(map(_WITHOUT_SPACES, map(_ASCII, paragraphs)))
    else:
        keys = list(map(_key, paragraphs))
    if len(set(keys)) == len(keys):  # no two paragraphs alike: nothing can be a repeat
        return []
    edits = []
    seen: set[str] = set()  # the long paragraphs kept
    previous = ""  # the last paragraph kept, when it is long enough to be repeated
    prev_end = 0  # end of the previous paragraph, where the break before this one starts
    pos = 0
    for sep in [*_PARAGRAPH_SPLIT.finditer(text), None]:
        end = len(text) if sep is None else sep.start()
        if end - pos < MIN_REPEATED_PARAGRAPH:  # its key is no longer: it can be no repeat
            previous = ""
        else:
            key = _key(text[pos:end])
            adjacent = key == previous and len(key) >= MIN_REPEATED_PARAGRAPH
            if adjacent or (len(key) >= MIN_DISTANT_REPEAT and key in seen):
                # A repeat is never the first paragraph, so a previous one has set prev_end.
                edits.append(Edit("structure.repeated_paragraph", prev_end, end, ""))
            else:
                if len(key) >= MIN_DISTANT_REPEAT:
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
