"""HTML residue in extracted text: entities (well-formed, doubly escaped and broken) and tags.

Feeds and scrapers escape text once too often (``&amp;amp;``), or lose the ampersand on the way
(``Wall Street #39;s``, ``quot;no comment quot;``). Entities are decoded until none is left,
then leftover tags are removed, again until none is left, so cleaning is idempotent.
"""

from __future__ import annotations

import html
import html.entities
import re

import regex

from ._regex import edits_from_matches
from .edits import Edit

__all__ = ["fix_broken_entities", "fix_entities", "fix_tags"]

# A well-formed reference: &name; &#123; &#x1F600; (a run of "amp;" after & is double escaping).
_ENTITY = regex.compile(r"&(?:amp;)*(#[0-9]{1,10};|#[xX][0-9a-fA-F]{1,8};|[A-Za-z][A-Za-z0-9]{1,31};)")

# The ampersand lost: numeric references and the names feeds actually emit. Found with a plain
# scan, then judged by their neighbours (see fix_broken_entities).
_BROKEN_REF = re.compile(r"#[0-9]{2,5};|(?:quot|amp|apos|lt|gt|nbsp);")
_APOSTROPHE_REFS = ("#39;", "#146;", "#8217;")
_NAMED_REFS = ("quot;", "amp;", "apos;", "lt;", "gt;", "nbsp;")


def _decode(ref: str) -> str | None:
    """The character(s) an entity body (``amp;``, ``#39;``, ``EURO;``) stands for, or None.

    Numeric references follow HTML5 as ``html.unescape`` does (cp1252 for 128-159, U+FFFD out
    of range, nothing for non-characters); an all-capitals name that HTML does not define is
    read as its lower-case name, upper-cased (``&SACUTE;`` → ``Ś``), as ftfy does.
    """
    if ref.startswith("#"):
        out = html.unescape("&" + ref)
        return None if out == "&" + ref else out
    out = html.entities.html5.get(ref)
    if out is None and ref[:-1].isupper():
        lower = html.entities.html5.get(ref.lower())
        out = lower.upper() if lower is not None else None
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
    """Decode entities that lost their ampersand: ``Street #39;s`` → ``Street's``, ``quot;`` → ``"``.

    Numeric references and ``apos;``/``lt;``/``gt;``/``nbsp;`` count only after a non-word
    character; ``quot;`` and ``amp;`` also right after a letter (``quot;noquot;``), but ``quot;``
    there only where it comes in pairs, so "aliquot;" stays. Where the ampersand became a space
    inside a word ("Street #39;s" for "Street&#39;s"), the space goes too.
    """
    if ";" not in text or ("#" not in text and not any(ref in text for ref in _NAMED_REFS)):
        return []
    paired = text.count("quot;") >= 2
    edits = []
    for m in _BROKEN_REF.finditer(text):
        ref, start = m.group(), m.start()
        prev = text[start - 1] if start else ""
        if prev == "&":
            continue  # a well-formed entity: fix_entities' business
        if ref in ("quot;", "amp;"):
            if prev.isalpha() and not (ref == "quot;" and paired):
                continue
        elif prev.isalnum() or prev == "_":
            continue
        out = _decode(ref)
        if out is None:
            continue
        after = text[m.end() : m.end() + 1]
        if (
            ref in _APOSTROPHE_REFS
            and prev == " "
            and start >= 2
            and text[start - 2].isalpha()
            and after.isalpha()
        ):
            start -= 1
        edits.append(Edit("markup.broken_entities", start, m.end(), out))
    return edits


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


# What a removable tag starts with: a comment, or "<" and a tag name _TAG removes, whole (so
# "<BP>" or "<Reuters>" skip the full pattern). A stdlib pattern led by a literal.
_MAYBE_TAG = re.compile(
    r"<(?:!--|/?(?:script|style|" + _KNOWN.pattern[3:-1] + r")(?![A-Za-z0-9]))", flags=re.IGNORECASE
)


def fix_tags(text: str) -> list[Edit]:
    """Remove leftover HTML tags, comments and scripts; block tags (``<p>``, ``<br>``) become a newline.

    Only real HTML tag names are removed, so ``x < y``, ``<Reuters>`` and ``<3`` stay text.
    """
    if "<" not in text or not _MAYBE_TAG.search(text):
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
