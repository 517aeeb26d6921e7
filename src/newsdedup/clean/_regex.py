"""Helpers shared by the fixes: turn regex matches and line tests into :class:`Edit` lists."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import regex

from .edits import Edit

__all__ = ["TIMEOUT", "edits_from_matches", "iter_lines", "line_removal"]

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
