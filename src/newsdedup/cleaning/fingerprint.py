"""The fingerprint: a heavily folded copy of the clean text, used only for shingling.

Wire copies of one story differ in the residue each outlet leaves around the same words:
datelines (``ALEPPO, Syria (Reuters) -``), bylines, reporting and editing credits, copyright
lines, quote and dash styles, case. The fingerprint drops all of that and keeps letters and
numbers; what it drops from the wire residue is reported in :class:`WireMeta`, not thrown away.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import regex

from ._regex import TIMEOUT, LineStarts, lines_that_may_match

__all__ = ["AGENCIES", "WireMeta", "make_fingerprint"]

#: Agency names as they appear in datelines and bylines, mapped to one short name each.
AGENCIES: dict[str, str] = {
    "reuters": "Reuters",
    "thomson reuters": "Reuters",
    "ap": "AP",
    "associated press": "AP",
    "the associated press": "AP",
    "afp": "AFP",
    "agence france-presse": "AFP",
    "agence france presse": "AFP",
    "dpa": "dpa",
    "bloomberg": "Bloomberg",
    "upi": "UPI",
    "aap": "AAP",
    "ansa": "ANSA",
    "efe": "EFE",
    "xinhua": "Xinhua",
    "kyodo": "Kyodo",
    "yonhap": "Yonhap",
    "pti": "PTI",
    "ians": "IANS",
    "tass": "TASS",
    "anadolu": "Anadolu",
    "pa": "PA",
    "cp": "CP",
    "the canadian press": "CP",
}


@dataclass(frozen=True)
class WireMeta:
    """Wire attribution found in a text: where and by whom the story was filed.

    Args:
        place: the dateline's place ("PARIS"), or None.
        agencies: wire agencies credited (``("AFP",)``), first found first.
        bylines: reporters named in byline lines.
        credits: photo and video credit lines.
        copyright: copyright lines.

    >>> make_fingerprint("PARIS (AFP) - Rain fell.")[1].agencies
    ('AFP',)
    """

    place: str | None = None
    agencies: tuple[str, ...] = ()
    bylines: tuple[str, ...] = ()
    credits: tuple[str, ...] = ()
    copyright: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, object]:
        return {
            "place": self.place,
            "agencies": list(self.agencies),
            "bylines": list(self.bylines),
            "credits": list(self.credits),
            "copyright": list(self.copyright),
        }


_AGENCY = "|".join(sorted((regex.escape(a) for a in AGENCIES), key=len, reverse=True))
_NAME = r"\p{Lu}[\p{L}\p{M}.'’-]*(?:\s+(?:\p{Lu}[\p{L}\p{M}.'’-]*|de|van|von|der|da|al|bin|el|la|le))*"
_DASH = r"\s*[-–—:]+\s*"

_DATELINE_AGENCY = regex.compile(
    rf"(?P<place>\p{{Lu}}[\p{{L}}\p{{M}}.'’ -]{{0,40}}?(?:,\s*[\p{{L}}\p{{M}}.'’ ]{{1,30}}?)?"
    rf"(?:,\s*(?:\p{{L}}+\.?\s+\d{{1,2}}|\d{{1,2}}\.?\s+\p{{L}}+\.?))?)?"
    rf"\s*\((?P<agency>(?i:{_AGENCY}))\){_DASH}",
    flags=0,
)
# What an agency dateline holds: a cheap search before the full pattern.
_AGENCY_IN_PARENS = re.compile(rf"\((?:{_AGENCY})\)", flags=re.IGNORECASE)
# "WASHINGTON —" / "NEW YORK, March 3 —": an all-capitals place and a dash, no agency.
_DATELINE_CAPS = regex.compile(
    r"(?P<place>\p{Lu}{2,}(?:[ .'-]+\p{Lu}{2,}){0,3}(?:,\s*[\p{L}.' ]{1,30}?)?(?:,\s*\p{L}+\.?\s+\d{1,2})?)"
    r"\s*[–—-]{1,2}\s+(?=\p{Lu}|\p{N}|[\"“‘'])",
    flags=0,
)
# The names are matched lazily so that a trailing ", The Associated Press" is the org, not a name.
_ROLE = r"[\p{L} ]{0,30}\b(?:correspondent|reporter|writer|editor|staff|contributor)s?\b[\p{L} ]{0,30}"
_BYLINE = regex.compile(
    rf"(?i:by)\s+(?P<name>{_NAME}(?:\s*(?:,|and|&)\s*{_NAME})*?)"
    rf"(?:\s*[,|–—-]\s*(?P<org>(?i:(?:the\s+)?(?:{_AGENCY})|{_ROLE})))?",
    flags=0,
)
# What an agency line starts with, after dashes, parentheses and spaces (a cheap test first).
_AGENCY_NAMES = tuple(AGENCIES)
_AGENCY_LINE = regex.compile(rf"[-–—(]*\s*(?P<agency>{_AGENCY})\s*[)]?\.?", flags=regex.IGNORECASE)
_ROLES = (
    r"(?i:(?:additional )?reporting|writing|editing|compiled|edited|reported|written|contributing"
    r"|additional contributions?|with reporting|graphics|production)"
)
_NAMES = rf"{_NAME}(?:\s*(?:,|and|&|in)\s*{_NAME})*"
# "(Reporting by A; Editing by B)" in parentheses, or bare when "by" is followed by names only.
_CREDIT = regex.compile(
    rf"\(\s*{_ROLES}\s+by\s+[^()]{{1,300}}\)\.?"
    rf"|{_ROLES}\s+by\s+{_NAMES}(?:\s*[;,]\s*{_ROLES}\s+by\s+{_NAMES})*\.?",
    flags=0,
)
# A copyright notice names a year; prose about copyright ("Copyright law changed...") does not.
_COPYRIGHT = regex.compile(
    r"(?:copyright|©|\(c\)|copr\.)(?:\s*(?:©|\(c\)))?\s*\d{4}(?:\s*[-–]\s*\d{4})?\b.{0,140}"
    r"|.{0,120}\ball rights reserved\b.{0,40}"
    r"|.{0,80}\bmay not be (?:re)?published, broadcast\b.{0,120}",
    flags=regex.IGNORECASE,
)

_CREDIT_STARTS = (
    "(",
    "additional",
    "reporting",
    "writing",
    "editing",
    "compiled",
    "edited",
    "reported",
    "written",
    "contributing",
    "with reporting",
    "graphics",
    "production",
)


# A copyright line may hold these anywhere (and so may a residue candidate line).
_COPYRIGHT_WORDS = ("copyright", "©", "(c)", "copr.", "all rights reserved", "may not be")


def _might_be_copyright(line: str) -> bool:
    return any(map(line.lower().__contains__, _COPYRIGHT_WORDS))


# A separator between digits, one pattern each: a literal first lets the search skip ahead to the
# next "." or "," (a class does not). Removing one never makes another one fall between digits.
_DIGIT_DOT = re.compile(r"\.(?<=\d\.)(?=\d)")
_DIGIT_COMMA = re.compile(r",(?<=\d,)(?=\d)")


class _FoldTable(dict):
    """``str.translate`` table for folding, filled in lazily: letters, digits and marks stay,
    apostrophes go (``don’t`` → ``dont``), everything else becomes a space."""

    def __missing__(self, code: int) -> str | None:
        ch = chr(code)
        if ch in _APOSTROPHES:
            value = None
        elif unicodedata.category(ch)[0] in "LNM":
            value = ch
        else:
            value = " "
        self[code] = value
        return value


_APOSTROPHES = "'’ʼ‘`´"
_SPACE_RUN = re.compile("  +")
_FOLD = _FoldTable()
# _FOLD on ASCII, as a bytes table and the bytes it drops.
_FOLD_ASCII = bytes(32 if _FOLD[c] == " " else c for c in range(128)) + bytes(range(128, 256))
_FOLD_ASCII_DROP = bytes(c for c in range(128) if _FOLD[c] is None)
_SPACE_RUN_BYTES = re.compile(b"  +")
# The non-ASCII characters of English news copy after NFKC: curly quotes, dashes, bullets.
_TYPOGRAPHY = tuple((ch, _FOLD[ord(ch)] or "") for ch in "’‘”“—–»«•©®™€£°\u200e\u200f")


_NO_META = WireMeta()

#: Datelines are looked for only at the start of the first few paragraphs.
DATELINE_LINES = 3


def _agency(name: str) -> str:
    return AGENCIES.get(name.casefold(), name)


def fold(text: str) -> str:
    """Fold text for matching: NFKC, casefold, apostrophes dropped, punctuation and symbols to spaces.

    >>> fold("It’s “UP” 3.5% — to 1,200…")
    'its up 35 to 1200'
    """
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    text = text.casefold()
    if "." in text:
        text = _DIGIT_DOT.sub("", text)
    if "," in text:
        text = _DIGIT_COMMA.sub("", text)
    if not text.isascii():
        # Folded ahead of the table, typography alone no longer keeps str.translate off its
        # fast ASCII path (the table gives these the same spaces and deletions).
        for ch, folded in _TYPOGRAPHY:
            if ch in text:
                text = text.replace(ch, folded)
    # Folding leaves no whitespace but spaces, so collapsing runs of two or more is enough.
    if text.isascii():  # the same table as bytes: no lookup per character
        folded = text.encode("ascii").translate(_FOLD_ASCII, _FOLD_ASCII_DROP)
        return _SPACE_RUN_BYTES.sub(b" ", folded).strip(b" ").decode("ascii")
    return _SPACE_RUN.sub(" ", text.translate(_FOLD)).strip(" ")


# Where a residue line may start: a superset of the lines the per-line patterns below can match
# ("by" stands for "by" and a space), searched in the lower-cased text (see lines_that_may_match),
# so that prose lines, nearly all of them, skip the per-line tests.
_MAYBE_RESIDUE_START = LineStarts.of(["by", *(w for w in _CREDIT_STARTS if w != "("), *AGENCIES], "-–—(")


class _Residue:
    """The wire residue of one text, gathered line by line."""

    __slots__ = ("agencies", "bylines", "copyright", "credits", "place")

    def __init__(self) -> None:
        self.place: str | None = None
        self.agencies: list[str] = []
        self.bylines: list[str] = []
        self.credits: list[str] = []
        self.copyright: list[str] = []

    def take(self, line: str) -> bool:
        """Record ``line`` (stripped) if it is a byline, agency, credit or copyright line."""
        low = line[:24].lower()
        size = len(line)
        # Each pattern is tried only where the line's start and length allow it.
        if size <= 120 and low.startswith("by ") and (m := _BYLINE.fullmatch(line, timeout=TIMEOUT)):
            self.bylines.append(m.group("name"))
            if m.group("org") and (org := _AGENCY_LINE.fullmatch(m.group("org"), timeout=TIMEOUT)):
                self.agencies.append(_agency(org.group("agency")))
            return True
        if (
            size <= 40
            and line.lstrip("-–—(").lstrip()[:24].casefold().startswith(_AGENCY_NAMES)
            and (m := _AGENCY_LINE.fullmatch(line, timeout=TIMEOUT))
        ):
            self.agencies.append(_agency(m.group("agency")))
            return True
        if low.startswith(_CREDIT_STARTS) and _CREDIT.fullmatch(line, timeout=TIMEOUT):
            self.credits.append(line.strip("()."))
            return True
        if size <= 240 and _might_be_copyright(line) and _COPYRIGHT.fullmatch(line, timeout=TIMEOUT):
            self.copyright.append(line)
            return True
        return False

    def dateline(self, line: str) -> int:
        """How many characters of a body line's start are a dateline (0 when none)."""
        # Cheap tests first: an agency dateline has a "(", a capitals one starts with two capitals.
        m = "(" in line and _AGENCY_IN_PARENS.search(line) and _DATELINE_AGENCY.match(line, timeout=TIMEOUT)
        if not m and line[:2].isupper() and line[:2].isalpha():
            m = _DATELINE_CAPS.match(line, timeout=TIMEOUT)
        if not m:
            return 0
        if m.group("place") and self.place is None:
            self.place = m.group("place").strip(" ,")
        if "agency" in m.groupdict() and m.group("agency"):
            self.agencies.append(_agency(m.group("agency")))
        return m.end()

    def meta(self) -> WireMeta:
        if self.place is None and not (self.agencies or self.bylines or self.credits or self.copyright):
            return _NO_META  # most texts: one shared empty record (it is immutable)
        return WireMeta(
            place=self.place,
            agencies=tuple(dict.fromkeys(self.agencies)),
            bylines=tuple(self.bylines),
            credits=tuple(self.credits),
            copyright=tuple(self.copyright),
        )


def make_fingerprint(text: str) -> tuple[str, WireMeta]:
    """Fold ``text`` for shingling and take out wire residue; return the fingerprint and the residue.

    Residue lines (bylines, agency lines, credits, copyright) go wherever they are; a dateline
    goes from the start of one of the first few body lines. The rest is folded as it stands
    (folding ignores line structure), so only those lines are looked at one by one.

    >>> make_fingerprint("LONDON (Reuters) - It’s UP 3.5%.\\n(Editing by Ann Lee)")[0]
    'its up 35'
    """
    residue = _Residue()
    drops: list[tuple[int, int]] = []  # spans of the text the fingerprint leaves out
    # The first body lines, in order: residue lines, or a dateline at a body line's start.
    body = 0
    pos = 0
    n = len(text)
    while pos < n and body < DATELINE_LINES:
        end = text.find("\n", pos)
        end = n if end < 0 else end
        raw = text[pos:end]
        line = raw.strip()
        if line:
            if residue.take(line):
                drops.append((pos, end))
            else:
                cut = residue.dateline(line)
                if cut:
                    lead = pos + len(raw) - len(raw.lstrip())
                    drops.append((lead, lead + cut))
                body += 1
        pos = end + 1
    # Further on, only lines that may be residue are looked at.
    if pos >= n:
        starts = []
    else:
        starts = lines_that_may_match(text, pos, _MAYBE_RESIDUE_START, _COPYRIGHT_WORDS)
        if starts is None:  # every line, then
            starts = [pos] + [i + 1 for i in range(pos, n) if text[i] == "\n"]
    for start in starts:
        end = text.find("\n", start)
        end = n if end < 0 else end
        line = text[start:end].strip()
        if line and residue.take(line):
            drops.append((start, end))
    if not drops:
        return fold(text), residue.meta()
    pieces, last = [], 0
    for a, b in drops:
        pieces.append(text[last:a])
        last = b
    pieces.append(text[last:])
    return fold("\n".join(pieces)), residue.meta()
