"""News boilerplate: whole lines that are page furniture, never prose (DESIGN decision 2).

Each rule is a :class:`LineRule` with a name, a description and a pattern that must match the
*whole* line (after trimming spaces and bullets). A word inside a sentence is never removed:
"Share prices fell" and "the advertisement ran" stay. The two inline markers scrapers leave in
place of content, NewsAPI's ``[+1234 chars]`` and Cloudflare's ``[email protected]``, are the
only things removed inside a line, and only in that exact form.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import regex

from ._regex import TIMEOUT, LineStarts, edits_from_matches, iter_lines, line_removal, lines_that_may_match
from .edits import Edit

__all__ = [
    "RULES",
    "LineRule",
    "candidate_lines",
    "fix_boilerplate_lines",
    "fix_email_protected",
    "fix_newsapi_chars",
    "judge_lines",
    "matching_rule",
    "rule_lines",
]


@dataclass(frozen=True)
class LineRule:
    """A named whole-line boilerplate rule.

    ``max_len`` keeps long prose lines out of reach. ``prefixes``, ``keywords`` and ``suffixes``
    (lower case) are a cheap filter that must let every line the pattern matches through: the
    pattern is tried only on a line that starts with one of the prefixes (after any of the
    ``lead`` characters and spaces), contains one of the keywords, or ends with one of the
    suffixes (before any ``)``). A line matched by its suffix holds one of ``suffix_marks``,
    which is how such lines are found in a text.
    """

    name: str
    description: str
    pattern: regex.Pattern[str]
    max_len: int = 120
    prefixes: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    lead: str = ""
    suffixes: tuple[str, ...] = ()
    suffix_marks: tuple[str, ...] = ()

    def may_match(self, lowered: str) -> bool:
        """The cheap filter, on the trimmed, lower-cased line."""
        if self.lead:
            lowered_head = lowered.lstrip(self.lead).lstrip()
            if lowered_head.startswith(self.prefixes):
                return True
        elif lowered.startswith(self.prefixes):
            return True
        if self.keywords and any(map(lowered.__contains__, self.keywords)):
            return True
        return bool(self.suffixes) and lowered.rstrip(")").endswith(self.suffixes)

    def matches(self, line: str, lowered: str) -> bool:
        return (
            len(line) <= self.max_len
            and self.may_match(lowered)
            and self.pattern.fullmatch(line, timeout=TIMEOUT) is not None
        )


def _rule(
    name: str,
    description: str,
    pattern: str,
    *,
    max_len: int = 120,
    prefixes: tuple[str, ...] = (),
    keywords: tuple[str, ...] = (),
    lead: str = "",
    suffixes: tuple[str, ...] = (),
    suffix_marks: tuple[str, ...] = (),
) -> LineRule:
    compiled = regex.compile(pattern, flags=regex.IGNORECASE)
    return LineRule(name, description, compiled, max_len, prefixes, keywords, lead, suffixes, suffix_marks)


_SOCIAL = r"(?:facebook|twitter|x\b|linkedin|whatsapp|telegram|reddit|pinterest|e-?mail|messenger|flipboard)"
_WIDGET = (
    rf"(?:share(?: this(?: article| story| page| post)?| on {_SOCIAL}| via {_SOCIAL})?|tweet|{_SOCIAL}"
    r"|print|copy(?: the)? link|comments?|save(?: article)?|\d+ comments?|gift(?: this)? article|listen)"
)
_WIDGET_WORDS = (
    "share",
    "tweet",
    "facebook",
    "twitter",
    "x",
    "linkedin",
    "whatsapp",
    "telegram",
    "reddit",
    "pinterest",
    "e-mail",
    "email",
    "messenger",
    "flipboard",
    "print",
    "copy",
    "comment",
    "save",
    "gift",
    "listen",
)

_PHOTO_AGENCIES = (
    "getty images",
    "reuters",
    "ap photo",
    "ap",
    "afp",
    "epa",
    "shutterstock",
    "alamy",
    "bloomberg",
    "pa images",
    "pa wire",
    "xinhua",
    "anadolu",
)

RULES: tuple[LineRule, ...] = (
    _rule(
        "boilerplate.share",
        "Share, social and print widgets: 'Share', 'Share this article', 'Facebook Twitter Email'.",
        rf"{_WIDGET}(?:\s*[|/·•,]?\s*{_WIDGET})*\s*:?",
        prefixes=_WIDGET_WORDS,
        keywords=("comment",),  # "12 comments"
    ),
    _rule(
        "boilerplate.advertisement",
        "Ad slots in several languages, alone on a line: 'Advertisement', '- ADVERTISEMENT -', 'Anzeige'.",
        r"[-–—\[(]*\s*(?:advertisement|advertisment|advertising|sponsored(?: content)?|anzeige|werbung"
        r"|publicidad|publicité|pubblicità|reklama|reclame|advertentie|annons)\s*[-–—\])]*",
        lead="-–—[(",
        prefixes=(
            "advert",
            "sponsored",
            "anzeige",
            "werbung",
            "publicidad",
            "publicité",
            "pubblicità",
            "reklama",
            "reclame",
            "advertentie",
            "annons",
        ),
    ),
    _rule(
        "boilerplate.ad_marker",
        "Ad placeholders left by scraped CMS templates: '[ad_1]', '[ad#3]', '[advert]'.",
        r"\[(?:ad|ads|advert)[_#-]?\d*\]",
        prefixes=("[",),
    ),
    _rule(
        "boilerplate.newsletter",
        "Newsletter and subscription prompts: 'Sign up for our daily newsletter', 'Subscribe now'.",
        r"(?:(?:sign up|subscribe|register|join)\b.{0,90}\b(?:newsletter|inbox|updates|alerts|briefing|free)"
        r"|(?:sign up|subscribe)(?: now| today| here)?|get (?:our|the) .{0,40}newsletter"
        r"|.{0,60}newsletters?\s*:?\s*sign up.{0,40})[.!]?",
        max_len=160,
        prefixes=("sign up", "subscribe", "register", "join", "get our", "get the"),
        keywords=("newsletter",),
    ),
    _rule(
        "boilerplate.cookie",
        "Cookie and consent notices: 'We use cookies to improve your experience. Accept'. The line must "
        "open as a notice does, so a wrapped line of prose that mentions a cookie policy stays.",
        r"(?:(?:we|this (?:web)?site|our (?:web)?site|this page|the site)\b.{0,40}\bcookies?\b"
        r"|by (?:using|continuing|clicking|browsing)\b.{0,160}\bcookies?\b"
        r"|(?:accept|manage|reject|allow) (?:all )?cookies\b)"
        r".{0,300}"
        r"|cookies? (?:policy|settings|preferences|notice|consent)[.!:]?(?: \w+){0,3}",
        max_len=400,
        keywords=("cookie",),
    ),
    _rule(
        "boilerplate.read_more",
        "Teasers to other stories: 'Read more: ...', 'Related:', 'See also', 'Most read'.",
        r"(?:read more|read next|related(?: articles| stories| coverage| content| topics)?|see also"
        r"|more from .{1,40}|recommended(?: for you)?|you may also like|most (?:read|popular|viewed)"
        r"|trending(?: now)?|more on this story|top stories|latest news)\b\s*(?:[:»›>|-].{0,120})?",
        max_len=160,
        prefixes=(
            "read",
            "related",
            "see also",
            "more ",
            "recommended",
            "you may",
            "most ",
            "trending",
            "top stories",
            "latest news",
        ),
    ),
    _rule(
        "boilerplate.continues",
        "Layout breaks: 'Story continues below advertisement', 'Continue reading the main story'.",
        r"(?:story|article) continues (?:below|after)(?: (?:this )?(?:advertisement|ad))?"
        r"|continue reading(?: the main story| below| this story)?|scroll (?:down )?to continue(?: reading)?",
        prefixes=("story", "article", "continue", "scroll"),
    ),
    _rule(
        "boilerplate.photo_credit",
        "Photo captions' credit lines: 'Photo: Jane Roe/Reuters', '(Image credit: Getty Images)'.",
        r"\(?(?:(?:file )?photo|image|picture|pictured|credit|photograph)(?: credit| by)?"
        r"\s*[:/]\s*[^.!?]{1,80}\)?"
        r"|\(?[\p{L}.' -]{1,50}(?:/|\bvia\b)\s*(?:" + "|".join(_PHOTO_AGENCIES) + r")\)?",
        lead="(",
        prefixes=("file photo", "photo", "image", "picture", "credit"),
        suffixes=_PHOTO_AGENCIES,
        suffix_marks=("/", "via"),
    ),
)

# Bullets, pipes and spaces around a widget line don't change what it is.
_TRIM = " \t•·|>»›-–—*"


_MAX_LEN = max(r.max_len for r in RULES)
_ALL_PREFIXES = tuple(sorted({p for r in RULES for p in r.prefixes}))
_ALL_LEADS = "".join(sorted({c for r in RULES for c in r.lead}))
# What a candidate line holds anywhere: a keyword, or the mark of a line a suffix matches.
_ALL_KEYWORDS = tuple(sorted({k for r in RULES for k in (*r.keywords, *r.suffix_marks)}))
# A line found by a suffix mark alone is a candidate only if it ends as such a rule's lines do
# (trimmed of bullets and closing parentheses): the marks ("/") are common in prose.
_KEYWORDS_ONLY = tuple(sorted({k for r in RULES for k in r.keywords}))
_MARKS_ONLY = tuple(sorted({k for r in RULES for k in r.suffix_marks} - set(_KEYWORDS_ONLY)))
_ENDINGS = (tuple(sorted({x for r in RULES for x in r.suffixes})), _TRIM + ")")
_ANY_KEYWORD = re.compile("|".join(map(re.escape, _ALL_KEYWORDS)))


def matching_rule(line: str, rules: tuple[LineRule, ...] = RULES) -> LineRule | None:
    """The first of ``rules`` that matches the whole ``line`` (bullets and spaces trimmed), or None."""
    core = line.strip(_TRIM)
    if not core or len(core) > _MAX_LEN:
        return None
    lowered = core.lower()
    if not (
        lowered.startswith(_ALL_PREFIXES)
        or lowered.lstrip(_ALL_LEADS).lstrip().startswith(_ALL_PREFIXES)
        or _ANY_KEYWORD.search(lowered)
    ):
        return None
    for rule in rules:
        if rule.matches(core, lowered):
            return rule
    return None


# What a line that some rule matches may start with: a prefix, or bullets, leads and spaces
# before one (see lines_that_may_match).
_RULE_START = LineStarts.of(_ALL_PREFIXES, _TRIM + _ALL_LEADS)


def rule_lines(text: str, rules: tuple[LineRule, ...] = RULES) -> Iterator[tuple[int, int, LineRule]]:
    """``(start, end, rule)`` for each whole line of ``text`` a rule matches (``end`` past its newline)."""
    return judge_lines(text, candidate_lines(text), rules)


def candidate_lines(text: str) -> list[int] | None:
    """The starts of the lines of ``text`` that some rule may match (a superset, found in a few
    scans); None when every line must be judged. An empty list: no line of ``text`` can go, nor
    any line made by joining its lines with a space (no keyword holds one)."""
    return lines_that_may_match(text, 0, _RULE_START, _KEYWORDS_ONLY, _ENDINGS, _MARKS_ONLY)


def judge_lines(
    text: str, starts: list[int] | None, rules: tuple[LineRule, ...] = RULES
) -> Iterator[tuple[int, int, LineRule]]:
    """:func:`rule_lines` for the lines at ``starts`` (every line when None)."""
    lines = iter_lines(text) if starts is None else (_line(text, s) for s in starts)
    for start, end, line in lines:
        rule = matching_rule(line, rules)
        if rule is not None:
            yield start, end, rule


def _line(text: str, start: int) -> tuple[int, int, str]:
    nl = text.find("\n", start)
    return (start, len(text), text[start:]) if nl < 0 else (start, nl + 1, text[start:nl])


def fix_boilerplate_lines(text: str, rules: tuple[LineRule, ...] = RULES) -> list[Edit]:
    """Remove whole lines that one of ``rules`` matches entirely (with the line's newline)."""
    return [line_removal(rule.name, start, end) for start, end, rule in rule_lines(text, rules)]


_NEWSAPI = regex.compile(r"\s*\[\+\d+ chars\]")
_EMAIL_PROTECTED = regex.compile(r"\[email(?:\s|\xa0)protected\]")


def fix_newsapi_chars(text: str) -> list[Edit]:
    """Remove NewsAPI's truncation marker: ``said it would… [+2345 chars]`` → ``said it would…``."""
    if "[+" not in text:
        return []
    return edits_from_matches(_NEWSAPI, text, "boilerplate.newsapi_chars", "")


def fix_email_protected(text: str) -> list[Edit]:
    """Remove Cloudflare's ``[email protected]``, which stands where a scraper lost an address."""
    if "[email" not in text:
        return []
    return edits_from_matches(_EMAIL_PROTECTED, text, "boilerplate.email_protected", "")
