"""HTML residue in extracted text: entities (well-formed, doubly escaped and broken) and tags.

Feeds and scrapers escape text once too often (``&amp;amp;``), or lose the ampersand on the way
(``Wall Street #39;s``, ``quot;no comment quot;``). Entities are decoded until none is left,
then leftover tags are removed, again until none is left, so cleaning is idempotent.
"""

from __future__ import annotations

import html

import regex

from ._regex import TIMEOUT, edits_from_matches
from .edits import Edit

__all__ = ["fix_broken_entities", "fix_entities", "fix_tags"]

# A well-formed reference: &name; &#123; &#x1F600; (a run of "amp;" after & is double escaping).
_ENTITY = regex.compile(r"&(?:amp;)*(#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};)")

# The ampersand lost: only numeric references and the five names feeds actually emit, and only
# where no letter or digit precedes them (so "aliquot;" and "#39" in "No #39;" style prose stay).
_BROKEN = regex.compile(r"(?<![&\w])(#[0-9]{2,5};|(?:quot|amp|apos|lt|gt|nbsp);)")


def _decode(ref: str) -> str | None:
    out = html.unescape("&" + ref)
    if out == "&" + ref:
        return None  # not an entity html knows
    if len(out) == 1 and (0xD800 <= ord(out) <= 0xDFFF or out == "\x00"):
        return None
    return out


def fix_entities(text: str) -> list[Edit]:
    """Decode HTML entities, including doubly escaped ones: ``&amp;amp;`` → ``&``, ``&#8217;`` → ``’``.

    Decoding repeats while the result is itself an entity, so nothing escaped is left behind.
    """
    if "&" not in text:
        return []

    def replace(m: regex.Match[str]) -> str:
        out = _decode(m.group(1))
        if out is None:
            return m.group()
        for _ in range(8):
            again = _ENTITY.fullmatch(out)
            if again is None:
                break
            decoded = _decode(again.group(1))
            if decoded is None:
                break
            out = decoded
        return out

    return edits_from_matches(_ENTITY, text, "markup.entities", replace)


def fix_broken_entities(text: str) -> list[Edit]:
    """Decode entities that lost their ampersand: ``Street #39;s`` → ``Street's``, ``quot;`` → ``"``."""
    if ";" not in text:
        return []
    return edits_from_matches(
        _BROKEN, text, "markup.broken_entities", lambda m: _decode(m.group(1)) or m.group()
    )


# Tags that break a line when rendered, and the ones that vanish.
_BLOCK = "p|div|br|li|ul|ol|h[1-6]|tr|table|blockquote|section|article|header|footer|hr"
_TAG = regex.compile(
    r"<!--.*?-->"  # comments
    r"|<(script|style)\b[^>]*>.*?</\1\s*>"  # code with its content
    r"|</?([A-Za-z][A-Za-z0-9]{0,15})(?:\s+[^<>]*?)?\s*/?>",  # a tag with optional attributes
    flags=regex.DOTALL | regex.IGNORECASE,
)
_BLOCK_RE = regex.compile(f"(?:{_BLOCK})", flags=regex.IGNORECASE)
_KNOWN = regex.compile(
    rf"(?:{_BLOCK}|a|b|i|u|s|em|strong|span|font|small|big|sub|sup|img|figure|figcaption|caption"
    r"|cite|q|abbr|time|mark|iframe|center|nav|aside|main|picture|source|video|audio|noscript|td|th"
    r"|tbody|thead|dl|dt|dd|pre|code|label|button|form|input|meta|link)",
    flags=regex.IGNORECASE,
)


def fix_tags(text: str) -> list[Edit]:
    """Remove leftover HTML tags, comments and scripts; block tags (``<p>``, ``<br>``) become a newline.

    Only real HTML tag names are removed, so ``x < y``, ``<Reuters>`` and ``<3`` stay text.
    """
    if "<" not in text:
        return []

    def replace(m: regex.Match[str]) -> str:
        if m.group(1):
            return ""
        name = m.group(2)
        if name is None:
            return ""  # comment
        if not _KNOWN.fullmatch(name):
            return m.group()
        return "\n" if _BLOCK_RE.fullmatch(name) else ""

    return edits_from_matches(_TAG, text, "markup.tags", replace)
