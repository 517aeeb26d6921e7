"""Helpers shared by the fixes: turn regex matches and line tests into :class:`Edit` lists."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import regex

from .edits import Edit

__all__ = [
    "SPACES",
    "TIMEOUT",
    "LineStarts",
    "edits_from_matches",
    "iter_lines",
    "line_removal",
    "lines_that_may_match",
    "word_union",
]

#: Seconds any one regex call may take on one document; hostile input fails loudly, never hangs.
TIMEOUT = 5.0


def edits_from_matches(
    pattern: regex.Pattern[str] | re.Pattern[str],
    text: str,
    rule: str,
    replace: Callable[[Any], str] | str,
) -> list[Edit]:
    """One edit per match of ``pattern``, replaced by a string or by ``replace(match)``.

    ``pattern`` is a ``regex`` pattern (run with :data:`TIMEOUT`) or, for the simple character
    classes that are linear by construction and faster there, a stdlib ``re`` pattern.
    """
    edits = []
    matches = (
        pattern.finditer(text) if isinstance(pattern, re.Pattern) else pattern.finditer(text, timeout=TIMEOUT)
    )
    for m in matches:
        new = replace if isinstance(replace, str) else replace(m)
        if new != m.group():
            edits.append(Edit(rule, m.start(), m.end(), new))
    return edits


def iter_lines(text: str) -> Iterator[tuple[int, int, str]]:
    """Yield ``(start, end, line)`` for each line; ``end`` includes the line's newline."""
    pos = 0
    n = len(text)
    while pos < n:
        nl = text.find("\n", pos)
        end = n if nl < 0 else nl + 1
        yield pos, end, text[pos : end if nl < 0 else nl]
        pos = end


def line_removal(rule: str, start: int, end: int) -> Edit:
    """An edit that removes a whole line (with its newline)."""
    return Edit(rule, start, end, "")


#: Every whitespace character but the line break, spelled out so that it can share a class
#: (tests/test_regex.py checks it against str.isspace).
SPACES = (
    " \t\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + "\u2028\u2029\u202f\u205f\u3000"
)


@dataclass(frozen=True)
class LineStarts:
    """What a candidate line may start with: a space or one of ``lead`` (which may come before a
    word), or else one of ``words``. One scan with a line break as its literal first character,
    which the search skips to, then a single character class before the words: optional leading
    classes before the words would make every line start backtrack through them.
    """

    pattern: re.Pattern[str]
    reach: int  # the most characters the pattern takes after the line break

    @classmethod
    def of(cls, words: Iterable[str], lead: str = "") -> LineStarts:
        words = list(words)
        chars = "".join("\\" + c if c in "\\]^-[" else c for c in SPACES + lead)
        return cls(re.compile(f"\\n(?:[{chars}]|{word_union(words)})"), max(map(len, words), default=1))

    def first_line(self, line: str) -> bool:
        return self.pattern.match("\n" + line[: self.reach]) is not None


def lines_that_may_match(
    text: str,
    pos: int,
    starts: LineStarts,
    words: tuple[str, ...],
    endings: tuple[tuple[str, ...], str] | None = None,
    marks: tuple[str, ...] = (),
) -> list[int] | None:
    """Starts of the lines from ``pos`` on that a line test may accept, found in one pass.

    ``starts`` says what such a line may start with; ``words`` are what it may hold anywhere;
    both in lower case, searched in the lower-cased text. A line holding one of ``marks``
    counts only when it ends with one of ``endings[0]`` once the characters of ``endings[1]``
    are stripped from its end. The result must be a superset of the lines the test accepts, so
    that every other line skips the test. None when lower-casing changes the text's length (a
    few characters do): then every line must be tested.
    """
    # Only the text from the line break before pos on is lower-cased; positions are offset by base.
    base = max(pos - 1, 0)
    low = text[base:].lower() if base else text.lower()
    if len(low) != len(text) - base:
        return None
    found = {m.start() + 1 + base for m in starts.pattern.finditer(low)}
    if pos == 0:
        nl = low.find("\n", 0, starts.reach)
        if starts.first_line(low if nl < 0 else low[:nl]):
            found.add(0)
    for word in (*words, *marks):
        marked = word in marks
        at = low.find(word, pos - base)
        while at >= 0:
            nl = low.rfind("\n", 0, at)
            end = low.find("\n", at)
            if (
                not marked
                or endings is None
                or low[at : None if end < 0 else end].rstrip(endings[1]).endswith(endings[0])
            ):
                found.add(base + nl + 1 if nl >= 0 or not base else text.rfind("\n", 0, base) + 1)
            at = -1 if end < 0 else low.find(word, end)
    return sorted(found)


def word_union(words: list[str] | tuple[str, ...]) -> str:
    """A regex matching any of ``words``, as a trie: ``ad(?:vert|s)`` rather than ``advert|ads``.

    An alternation of many words is tried word by word at every position it is reached; the trie
    decides on the first character, so a scan that reaches it at every line start stays fast.

    >>> word_union(["advert", "ads", "x"])
    '(?:ad(?:s|vert)|x)'
    """
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        ends = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 and not ends else "(?:" + "|".join(branches) + ")"
        if ends:
            body = (body if body.startswith("(?:") else "(?:" + body + ")") + "?"
        return body

    return "(?:" + "|".join(re.escape(ch) + build(child) for ch, child in sorted(trie.items()) if ch) + ")"
