"""Edit records: every change the normalizer makes, as spans of the original text.

A fix is a function ``text -> list[Edit]`` whose edits are in the coordinates of the text it was
given. :class:`EditLog` runs fixes one after another and keeps the combined edits in the
coordinates of the *original* text, so that

    apply_edits(original, log.edits) == log.text

always holds, whatever the fixes did. Where a later fix touches text that an earlier fix wrote
(or text right beside it), the two are merged into one edit whose ``rule`` names both, in the
order they ran ("markup.entities+unicode.mojibake"): the record stays exact, only coarser there.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Callable, Iterable, Sequence
from itertools import repeat
from typing import NamedTuple

__all__ = ["Edit", "EditLog", "apply_edits", "combine", "describe_edits", "edits_of", "map_offset"]


class Edit(NamedTuple):
    """Replace ``text[start:end]`` with ``replacement``; ``rule`` names the fix that did it.

    An immutable named tuple rather than a dataclass: cleaning makes one per changed line
    break or space run, hundreds of thousands a corpus, and a tuple is the cheapest record to make.

    >>> apply_edits("a &amp; b", [Edit("markup.entities", 2, 7, "&")])
    'a & b'
    """

    rule: str
    start: int
    end: int
    replacement: str

    def to_dict(self) -> dict[str, object]:
        return {"rule": self.rule, "start": self.start, "end": self.end, "replacement": self.replacement}


_tuple_new = tuple.__new__


def edits_of(
    rule: str, starts: Iterable[int], ends: Iterable[int], replacements: Iterable[str]
) -> list[Edit]:
    """Many edits of one rule, made in one pass with no Python call per edit (as ``Edit._make``).

    >>> edits_of("r", [0, 4], [1, 5], ["", " "])
    [Edit(rule='r', start=0, end=1, replacement=''), Edit(rule='r', start=4, end=5, replacement=' ')]
    """
    return list(map(_tuple_new, repeat(Edit), zip(repeat(rule), starts, ends, replacements)))


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """Apply sorted, non-overlapping edits (all in ``text``'s coordinates) and return the result.

    Args:
        text: the original text.
        edits: sorted, non-overlapping edits of it (``CleanResult.edits``).
    """
    out: list[str] = []
    append = out.append
    pos = 0
    size = len(text)
    for _, start, end, replacement in edits:
        if start < pos or end < start or end > size:
            raise ValueError(f"edits overlap or fall outside the text: {(start, end, replacement)!r}")
        append(text[pos:start])
        append(replacement)
        pos = end
    append(text[pos:])
    return "".join(out)


def _show(text: str, limit: int = 60) -> str:
    """A span for a person: quoted, escapes visible, long spans cut in the middle."""
    if len(text) > limit:
        text = text[: limit // 2] + "…" + text[-limit // 2 :]
    return repr(text)


def describe_edits(original: str, edits: Sequence[Edit]) -> list[str]:
    """One readable line per edit: where (line:column of the original), the rule, before → after.

    >>> for line in describe_edits("Share\\nIt&#39;s", [Edit("boilerplate.share", 0, 6, "")]):
    ...     print(line)
    1:1    boilerplate.share          removed 'Share\\n'
    """
    lines = []
    starts = [0] + [i + 1 for i, c in enumerate(original) if c == "\n"]
    for e in edits:
        row = bisect.bisect_right(starts, e.start)
        where = f"{row}:{e.start - starts[row - 1] + 1}"
        before = original[e.start : e.end]
        if not e.replacement:
            change = f"removed {_show(before)}"
        elif not before:
            change = f"inserted {_show(e.replacement)}"
        else:
            change = f"{_show(before)} -> {_show(e.replacement)}"
        lines.append(f"{where:6} {e.rule:26} {change}")
    return lines


def map_offset(edits: Sequence[Edit], offset: int) -> int:
    """Map an offset in the edited text back to the original text.

    Offsets inside a replacement map to the start of the span it replaced (past its end, when
    they point at the replacement's end).

    Args:
        edits: the edits that made the edited text (``CleanResult.edits``).
        offset: a position in the edited text.
    """
    shift = 0
    for e in edits:
        new_start = e.start + shift
        if offset < new_start:
            break
        new_end = new_start + len(e.replacement)
        if offset < new_end or (offset == new_end and offset == new_start):
            return e.start
        if offset == new_end:
            return e.end
        shift += len(e.replacement) - (e.end - e.start)
    return offset - shift


@functools.lru_cache(maxsize=256)
def _join_two(first: str, second: str) -> str:
    return _join_rules((first, second))


def _join_rules(rules: Iterable[str]) -> str:
    seen: dict[str, None] = {}
    for rule in rules:
        for part in rule.split("+"):
            seen.setdefault(part, None)
    return "+".join(seen)


class EditLog:
    """The current text of a document plus the edits (original coordinates) that made it.

    Each fix's edits are kept as it made them, in the coordinates of the text it saw; they are
    combined into edits of the original text only when :attr:`edits` is read. Cleaning for
    matching never reads them, so it never pays for combining them.

    >>> log = EditLog("It&#39;s  here")
    >>> log.apply("markup.entities", [Edit("markup.entities", 2, 7, "'")])
    >>> log.text, log.edits[0].start, log.edits[0].end
    ("It's  here", 2, 7)
    """

    __slots__ = ("_combined", "_stages", "original", "text")

    def __init__(self, original: str) -> None:
        self.original = original
        self.text = original
        self._stages: list[tuple[str, Sequence[Edit] | Callable[[], Sequence[Edit]]]] = []
        # The stages combined so far, and how many: replaced in one assignment, so that readers
        # in two threads at once both combine from the same point (and get the same edits).
        self._combined: tuple[list[Edit], int] = ([], 0)

    @property
    def edits(self) -> list[Edit]:
        """The combined edits, sorted, in the original text's coordinates."""
        combined, done = self._combined
        stages = self._stages[done:]
        if stages:
            # The stages were made one after another: rebuild each one's input text on the way.
            current = apply_edits(self.original, combined) if combined else self.original
            for rule, stage in stages:
                new = stage() if callable(stage) else stage
                combined = combine(self.original, current, combined, rule, new)
                current = apply_edits(current, new)
            self._combined = (combined, done + len(stages))
        return list(combined)

    def apply_made(self, rule: str, text: str, edits: Callable[[], Sequence[Edit]]) -> None:
        """Record a fix that made the new ``text`` itself; ``edits()`` lists its edits when read."""
        self._stages.append((rule, edits))
        self.text = text

    def apply(self, rule: str, new: Sequence[Edit]) -> None:
        """Apply ``new`` (sorted, non-overlapping, in current-text coordinates)."""
        if new:
            self._stages.append((rule, new))
            self.text = apply_edits(self.text, new)


# long: one merge walk over both edit lists; it runs for every fix that edits a text (the audit
# path), and was kept whole when it was made fast (issue 3): split, its state passes between calls.
def combine(original: str, text: str, old: list[Edit], rule: str, new: Sequence[Edit]) -> list[Edit]:
    """Edits of ``original`` that make what ``new`` (edits of ``text``) makes of ``text``.

    ``old`` are the edits (of ``original``) that made ``text``. A new edit that touches text an
    old one wrote, or lies right beside it, is merged with it into one edit naming both rules.
    """
    new = [e for e in new if text[e.start : e.end] != e.replacement]
    if not new:
        return old
    # Where each old edit's replacement stands in the current text.
    cur_starts: list[int] = []
    cur_ends: list[int] = []
    shift = 0
    for e in old:
        cur_starts.append(e.start + shift)
        cur_ends.append(e.start + shift + len(e.replacement))
        shift += len(e.replacement) - (e.end - e.start)

    def to_original(pos: int) -> int:
        """Map a current position that no old edit touches to the original text."""
        n = bisect.bisect_right(cur_ends, pos)
        return pos if n == 0 else old[n - 1].end + (pos - cur_ends[n - 1])

    merged: list[Edit] = []
    used_old: set[int] = set()
    i = 0
    n_old = len(old)
    while i < len(new):
        first = new[i]
        g_start, g_end = first.start, first.end
        j = i + 1
        lo = hi = bisect.bisect_left(cur_ends, g_start)
        if (j == len(new) or new[j].start > g_end) and (hi == n_old or cur_starts[hi] > g_end):
            # The common case: one edit in text no earlier edit touched, a plain shift away.
            o_start = g_start if lo == 0 else old[lo - 1].end + (g_start - cur_ends[lo - 1])
            merged.append(
                first
                if first.rule and o_start == g_start
                else Edit(first.rule or rule, o_start, o_start + (g_end - g_start), first.replacement)
            )
            i = j
            continue
        if hi < n_old and (j == len(new) or new[j].start > max(g_end, cur_ends[hi])):
            o_cur_end = cur_ends[hi]
            if hi + 1 == n_old or cur_starts[hi + 1] > max(g_end, o_cur_end):
                # One new edit touching one old edit and nothing else: the group below, worked
                # out directly (a re-flowed line break beside the indentation removed before it).
                o = old[hi]
                o_cur_start = cur_starts[hi]
                s_cur, e_cur = min(g_start, o_cur_start), max(g_end, o_cur_end)
                if s_cur == o_cur_start:
                    o_start = o.start
                else:  # the new edit starts before the old one's text, in text no edit touched
                    o_start = s_cur if hi == 0 else old[hi - 1].end + (s_cur - cur_ends[hi - 1])
                o_end = o.end if e_cur == o_cur_end else o.end + (e_cur - o_cur_end)
                replacement = text[s_cur : first.start] + first.replacement + text[first.end : e_cur]
                if original[o_start:o_end] != replacement:
                    merged.append(Edit(_join_two(o.rule, first.rule or rule), o_start, o_end, replacement))
                used_old.add(hi)
                i = j
                continue
        # Grow a group: new edits that overlap, and old edits that touch it (closed interval).
        while True:
            while j < len(new) and new[j].start <= g_end:
                g_end = max(g_end, new[j].end)
                j += 1
            grew = False
            while hi < n_old and cur_starts[hi] <= g_end:
                g_start = min(g_start, cur_starts[hi])
                if cur_ends[hi] > g_end:
                    g_end = cur_ends[hi]
                    grew = True
                hi += 1
            if not grew:
                break
        group_old = range(lo, hi)
        o_start = old[lo].start if hi > lo and cur_starts[lo] == g_start else to_original(g_start)
        o_end = old[hi - 1].end if hi > lo and cur_ends[hi - 1] == g_end else to_original(g_end)
        replacement = apply_edits_window(text, g_start, g_end, new[i:j])
        if original[o_start:o_end] != replacement:  # a later fix may undo an earlier one
            rules = [old[k].rule for k in group_old] + [e.rule or rule for e in new[i:j]]
            merged.append(Edit(_join_rules(rules), o_start, o_end, replacement))
        used_old.update(group_old)
        i = j
    kept = [e for k, e in enumerate(old) if k not in used_old] if used_old else old
    return sorted(kept + merged, key=_span) if kept else merged


def _span(e: Edit) -> tuple[int, int]:
    return e.start, e.end


def apply_edits_window(text: str, start: int, end: int, edits: Sequence[Edit]) -> str:
    """Apply edits that lie inside ``text[start:end]`` and return just that window, edited."""
    shifted = [Edit(e.rule, e.start - start, e.end - start, e.replacement) for e in edits]
    return apply_edits(text[start:end], shifted)
