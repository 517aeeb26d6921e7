"""The normalizer: faithful clean text, a folded fingerprint for matching, and every edit made.

>>> r = clean("Share\\nIt&#39;s itâ€™s   here.")
>>> r.text
"It's it’s here."
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from ..errors import NewsdedupError
from . import boilerplate, markup, structure, unicode
from .edits import Edit, EditLog, apply_edits, map_offset
from .fingerprint import WireMeta, make_fingerprint

__all__ = [
    "FIXES",
    "TRIGGERS",
    "CleanOptions",
    "CleanResult",
    "Cleaner",
    "CleaningTimeout",
    "Edit",
    "WireMeta",
    "apply_edits",
    "clean",
    "cleaner_for",
    "map_offset",
    "triggers_in",
]

Fix = Callable[..., list[Edit]]

#: The fixes in the order they run: (name, function). Each name can be switched off alone
#: (``disable={"boilerplate.share"}``) or with its family (``disable={"boilerplate"}``).
#: The markup fixes run as a group, until nothing changes: decoding an entity can reveal a tag.
FIXES: tuple[tuple[str, Fix], ...] = (
    ("structure.line_breaks", structure.fix_line_breaks),
    ("unicode.terminal_escapes", unicode.fix_terminal_escapes),
    ("unicode.control_chars", unicode.fix_control_chars),
    ("markup.entities", markup.fix_entities),
    ("markup.broken_entities", markup.fix_broken_entities),
    ("markup.tags", markup.fix_tags),
    ("unicode.mojibake", unicode.fix_mojibake),
    ("unicode.invisible", unicode.fix_invisible),
    ("unicode.spaces", unicode.fix_spaces),
    ("boilerplate.newsapi_chars", boilerplate.fix_newsapi_chars),
    ("boilerplate.email_protected", boilerplate.fix_email_protected),
    ("structure.line_spaces", structure.fix_line_spaces),
    ("structure.inner_spaces", structure.fix_inner_spaces),
    # Hard wraps are judged on lines whose spaces are final; widget lines are kept apart (see
    # Cleaner), and a notice wrapped over several lines becomes one line the rules can see whole.
    # Paragraph-level rules come after, on the paragraphs re-flowing makes.
    ("structure.hard_wraps", structure.fix_hard_wraps),
    ("boilerplate.lines", boilerplate.fix_boilerplate_lines),
    ("structure.repeated_paragraph", structure.fix_repeated_paragraphs),
    ("structure.repeated_headline", structure.fix_repeated_headline),  # called with the title
    ("structure.blank_lines", structure.fix_blank_lines),
)


def _chars(first: int, stop: int) -> str:
    return "".join(map(chr, range(first, stop)))


#: The characters without which a fix has nothing to do: a text holding none of a fix's triggers
#: skips it (one scan of the text finds which triggers it holds; tests/test_clean.py checks that
#: each fix makes no edit on text without them). Fixes not named here judge for themselves.
TRIGGERS: dict[str, str] = {
    "structure.line_breaks": "\r\x0b\x0c\u2028\u2029",
    "unicode.terminal_escapes": "\x1b",
    "unicode.control_chars": _chars(0x00, 0x09) + _chars(0x0B, 0x20) + "\x7f" + _chars(0xFFF9, 0xFFFD),
    "markup.entities": "&",
    "markup.broken_entities": ";",
    "markup.tags": "<",
    "unicode.invisible": "\u00ad\u200b\u2060\ufeff",
    "unicode.spaces": "\xa0\u1680" + _chars(0x2000, 0x200B) + "\u202f\u205f\u3000",
    "boilerplate.newsapi_chars": "[",
    "boilerplate.email_protected": "[",
}
_ALL_TRIGGERS = "".join(sorted(set("".join(TRIGGERS.values()))))
_ASCII_UNTRIGGERED = bytes(c for c in range(128) if chr(c) not in _ALL_TRIGGERS)
_TRIGGER = re.compile("[" + re.escape(_ALL_TRIGGERS) + "]")


def triggers_in(text: str) -> set[str]:
    """The trigger characters (see :data:`TRIGGERS`) that ``text`` holds, in one scan.

    >>> sorted(triggers_in("Fish &amp; chips;\\r\\n"))
    ['\\r', '&', ';']
    """
    if text.isascii():  # the byte translation is the fastest scan there is for ASCII
        return set(text.encode("ascii").translate(None, _ASCII_UNTRIGGERED).decode("ascii"))
    return set(_TRIGGER.findall(text))


_MARKUP = ("markup.entities", "markup.broken_entities", "markup.tags")
# How a round calls a step.
_PLAIN, _MARKUP_STEP, _MOJIBAKE, _HEADLINE, _HARD_WRAPS, _BOILERPLATE, _LINE_SPACES = range(7)
_KINDS = {
    "unicode.mojibake": _MOJIBAKE,
    "structure.repeated_headline": _HEADLINE,
    "structure.line_spaces": _LINE_SPACES,
}
_MARKUP_TRIGGERS = "".join(TRIGGERS[name] for name in _MARKUP)
_MAX_ROUNDS = 8


class CleaningTimeout(NewsdedupError, TimeoutError):
    """A rule's regular expression ran out of time (``TIMEOUT`` seconds) on a pathological text.

    Args:
        rule: the fix (or ``"fingerprint"``) whose expression timed out.
    """

    def __init__(self, rule: str) -> None:
        super().__init__(f"cleaning timed out in {rule} (a pathological text)")
        self.rule = rule


@dataclass(frozen=True)
class CleanOptions:
    """Which fixes run. ``disable`` takes fix names, line-rule names or families.

    >>> CleanOptions(disable=frozenset({"boilerplate"})).enabled("boilerplate.share")
    False
    """

    disable: frozenset[str] = frozenset()

    def enabled(self, name: str) -> bool:
        family = name.split(".", 1)[0]
        return name not in self.disable and family not in self.disable


class _Edits:
    """The ``edits`` field of :class:`CleanResult`: combined from the cleaning's log when first read."""

    def __get__(self, obj: object, owner: type | None = None) -> tuple[Edit, ...]:
        if obj is None:
            return ()  # the field's default
        value = obj.__dict__["_edits"]
        if isinstance(value, EditLog):
            value = tuple(value.edits)
            obj.__dict__["_edits"] = value
        return value

    def __set__(self, obj: object, value: tuple[Edit, ...]) -> None:
        obj.__dict__["_edits"] = tuple(value)


@dataclass(frozen=True)
class CleanResult:
    """What :func:`clean` made of one text.

    ``text`` is the faithful clean text; ``fingerprint`` the folded text used for matching;
    ``edits`` every change, as spans of the original (``apply_edits(original, edits) == text``),
    worked out when first read (matching never reads them); ``meta`` the wire attribution
    (agency, place, bylines, credits) found in the text.
    """

    text: str
    fingerprint: str
    edits: tuple[Edit, ...] = _Edits()  # type: ignore[assignment]
    meta: WireMeta = field(default_factory=WireMeta)

    @classmethod
    def _from_log(cls, log: EditLog, fingerprint: str, meta: WireMeta) -> CleanResult:
        # Skips the frozen __init__ (a setattr per field) and leaves the edits to be combined.
        result = object.__new__(cls)
        result.__dict__.update(text=log.text, fingerprint=fingerprint, meta=meta, _edits=log)
        return result

    @property
    def changed(self) -> bool:
        return bool(self.edits)

    def rules(self) -> dict[str, int]:
        """How many edits each rule made (merged edits count for each rule they name)."""
        counts: dict[str, int] = {}
        for e in self.edits:
            for rule in e.rule.split("+"):
                counts[rule] = counts.get(rule, 0) + 1
        return counts


class Cleaner:
    """A configured normalizer; reuse one for many documents (it holds no per-document state).

    Args:
        disable: fix names, line-rule names or families to switch off (``newsdedup rules``
            lists them); an unknown name is refused.

    Subclass it to add a newsroom's own rules: dedup runs give the instance to worker processes
    and Spark as it is, and an index records its class.

    >>> cleaner = Cleaner(disable={"boilerplate.share"})
    >>> cleaner.clean("Share\\nRain.").text
    'Share\\nRain.'
    """

    def __init__(self, *, disable: Iterable[str] = ()) -> None:
        if disable is None or isinstance(disable, (str, bytes)):
            raise TypeError(f"disable takes a collection of rule names, not {disable!r}")
        self.options = CleanOptions(disable=frozenset(disable))
        known = {name for name, _ in FIXES} | {r.name for r in boilerplate.RULES}
        known |= {name.split(".", 1)[0] for name in known}
        unknown = self.options.disable - known
        if unknown:
            raise ValueError(f"unknown cleaning rule(s) {sorted(unknown)}; known: {sorted(known)}")
        self._line_rules = tuple(r for r in boilerplate.RULES if self.options.enabled(r.name))
        # Lines hard wraps keep apart: what the one-line rules would remove. Cookie notices span
        # lines, so they are re-flowed first and recognised whole.
        self._guard = tuple(r for r in self._line_rules if r.name != "boilerplate.cookie")
        # The steps of a round: (kind, name, fix, triggers); the markup fixes are one step.
        self._steps: list[tuple[int, str, Fix, frozenset[str] | None]] = []
        self._markup_fixes = [(n, fix) for n, fix in FIXES if n in _MARKUP and self.options.enabled(n)]
        for name, fix in FIXES:
            if name == "boilerplate.lines":
                if self._line_rules:
                    lines = functools.partial(boilerplate.fix_boilerplate_lines, rules=self._line_rules)
                    self._steps.append((_BOILERPLATE, name, lines, None))
            elif name == "structure.hard_wraps":
                if self.options.enabled(name):
                    self._steps.append((_HARD_WRAPS, name, structure.reflow, None))
            elif name in _MARKUP:
                if self._markup_fixes and name == _MARKUP[0]:
                    self._steps.append((_MARKUP_STEP, "markup", self._markup, frozenset(_MARKUP_TRIGGERS)))
            elif self.options.enabled(name):
                triggers = TRIGGERS.get(name)
                kind = _KINDS.get(name, _PLAIN)
                self._steps.append((kind, name, fix, None if triggers is None else frozenset(triggers)))
        # What runs on an ASCII text without a trigger character: the steps no trigger gates.
        self._ungated = [step for step in self._steps if step[3] is None]

    def clean(self, text: str, title: str | None = None) -> CleanResult:
        """Clean one text; ``title`` (the headline) lets a repeated headline be removed.

        Where the text holds something ftfy's detector flags, the fixes run again until nothing
        changes: removing an NBSP, a zero-width space or a line break can close up mojibake ftfy
        could not decode before ("\xa0â€œ"), and a repair changes what the later fixes see.
        Text without any (nearly all of it) goes through once.
        """
        if not isinstance(text, str):
            raise TypeError(f"clean() takes a str, not {type(text).__name__}")
        log = EditLog(text)
        for _ in range(_MAX_ROUNDS):
            before = log.text
            if not self._round(log, title) or log.text == before:
                break
        try:
            fingerprint, meta = make_fingerprint(log.text)
        except TimeoutError:
            raise CleaningTimeout("fingerprint") from None
        return CleanResult._from_log(log, fingerprint, meta)

    # long: one dispatch loop over the steps, the hot path issue 3 made fast; split, each step
    # would pay a call and the shared scan state (present, quiet) would travel between calls.
    def _round(self, log: EditLog, title: str | None) -> bool:
        """Every fix once; True when the text looked like it needed a mojibake repair."""
        flagged = False
        present = triggers_in(log.text)
        quiet: str | None = None  # a text hard wraps found no candidate boilerplate line in
        # Without triggers nothing gated runs, and an ASCII text gets no repair that could add one.
        steps = self._steps if present or not log.text.isascii() else self._ungated
        name = ""
        try:
            for kind, name, fix, triggers in steps:
                if triggers is not None and present.isdisjoint(triggers):
                    continue
                text = log.text
                if kind == _PLAIN:
                    new = fix(text)
                    if new:
                        log.apply(name, new)
                elif kind == _LINE_SPACES:
                    made = structure.strip_line_starts(text)
                    if made is None:
                        new = fix(text)
                        if new:
                            log.apply(name, new)
                    elif made != text:  # its edits are listed from the text it was given, when read
                        log.apply_made(name, made, functools.partial(fix, text))
                elif kind == _HARD_WRAPS:

                    def standalone(t: str) -> dict[int, str]:
                        nonlocal quiet
                        starts = boilerplate.candidate_lines(t)
                        if starts == []:
                            quiet = t
                            return {}
                        return {
                            s: rule.name for s, _, rule in boilerplate.judge_lines(t, starts, self._guard)
                        }

                    made = fix(text, standalone if self._guard else None)
                    if made is not None:
                        log.apply_made(name, made.text, made.edits)
                        # Breaks that became spaces or blank lines make no candidate line of none.
                        if quiet is text and not made.joins_without_space:
                            quiet = log.text
                elif kind == _BOILERPLATE:
                    if quiet is not text:
                        new = fix(text)
                        if new:
                            log.apply(name, new)
                elif kind == _MARKUP_STEP:
                    fix(log)
                    if log.text is not text:  # decoding can write any character
                        present = triggers_in(log.text)
                elif kind == _MOJIBAKE:
                    flagged = not text.isascii() and unicode.needs_repair(text)
                    if flagged:
                        log.apply(name, unicode.repair_lines(text))
                        if log.text is not text:
                            present = triggers_in(log.text)
                elif title:  # the repeated headline
                    log.apply(name, fix(text, title))
        except TimeoutError:  # a regex ran out of time (TIMEOUT): say which rule, as an error of its own
            raise CleaningTimeout(name) from None
        return flagged

    def _markup(self, log: EditLog) -> None:
        """Entities and tags until nothing changes: decoding can reveal a tag, and the reverse."""
        for _ in range(_MAX_ROUNDS):
            before = log.text
            for name, fix in self._markup_fixes:
                log.apply(name, fix(log.text))
            if log.text == before:
                break


@lru_cache(maxsize=32)
def cleaner_for(disable: frozenset[str]) -> Cleaner:
    """A shared :class:`Cleaner` with these rules switched off (built once per set of rules)."""
    return Cleaner(disable=disable)


def clean(text: str, *, title: str | None = None, disable: Iterable[str] = ()) -> CleanResult:
    """Repair and de-boilerplate one news text; see :class:`CleanResult`.

    Args:
        text: the article text.
        title: its headline, so that a headline repeated in the text can be removed.
        disable: rules or families to switch off (as :class:`Cleaner`).

    >>> r = clean("Advertisement\\nPARIS (AFP) - It&#39;s raining.")
    >>> r.text, r.fingerprint
    ("PARIS (AFP) - It's raining.", 'its raining')
    """
    return cleaner_for(frozenset(disable)).clean(text, title)
