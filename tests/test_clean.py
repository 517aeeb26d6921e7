import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

import newsdedup
from newsdedup import Cleaner, CleanResult, apply_edits, clean, map_offset
from newsdedup.cleaning import FIXES, TRIGGERS, triggers_in

# Text made of the pieces real scrapes are made of, so properties meet the rules, not just noise.
PIECES = [
    "Share",
    "Advertisement",
    "ADVERTISEMENT",
    "[ad_1]",
    "Read more: x",
    "By Jane Roe, Reuters",
    "PARIS (AFP) - ",
    "(AP) — ",
    "&amp;",
    "&amp;amp;",
    "&#39;",
    "#39;",
    "quot;",
    "&lt;b&gt;",
    "<p>",
    "</p>",
    "<br/>",
    "itâ€™s",
    "â€œ",
    "Ã©",
    "\u00a0",
    "\u00ad",
    "\u200b",
    "\u200d",
    "“",
    "”",
    "’",
    "—",
    "…",
    "\r\n",
    "\n",
    "\n\n",
    "\n\n\n",
    "  ",
    "\t",
    "\x00",
    "\x1b[1m",
    "é",
    "東京",
    "👍",
    "word",
    "Word",
    "said",
    ".",
    "The mayor said the bridge would reopen.",
    "[+123 chars]",
    "[email protected]",
    "(Reporting by A B)",
    "© 2026 Gazette",
    "Photo: Ann Lee/Reuters",
    "Sign up for our newsletter",
    "We use cookies. Accept",
]
news_text = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=8)), max_size=30).map("".join)


@given(news_text)
def test_edits_rebuild_the_clean_text(text):
    r = clean(text)
    assert apply_edits(text, r.edits) == r.text
    spans = [(e.start, e.end) for e in r.edits]
    assert spans == sorted(spans)
    assert all(0 <= map_offset(r.edits, k) <= len(text) for k in range(len(r.text) + 1))


@given(news_text, st.one_of(st.none(), st.sampled_from(["Word", "The mayor said", "Share"])))
def test_idempotent(text, title):
    once = clean(text, title=title)
    twice = clean(once.text, title=title)
    assert twice.text == once.text
    assert twice.fingerprint == once.fingerprint


@given(st.text())
def test_never_raises_and_is_deterministic(text):
    assert clean(text) == clean(text)


@given(news_text)
def test_fingerprint_is_folded(text):
    fp = clean(text).fingerprint
    assert fp == fp.casefold().strip()
    assert "  " not in fp


def test_result_contract():
    r = clean("Advertisement\nPARIS (AFP) - It&#39;s raining.")
    assert isinstance(r, CleanResult)
    assert r.text == "PARIS (AFP) - It's raining."
    assert r.fingerprint == "its raining"
    assert r.meta.agencies == ("AFP",)
    assert r.changed and r.rules() == {"boilerplate.advertisement": 1, "markup.entities": 1}
    assert clean("Plain text.").edits == ()


def test_unknown_rule_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown cleaning rule"):
        Cleaner(disable={"boilerplate.nope"})


def test_clean_rejects_non_strings():
    with pytest.raises(TypeError):
        clean(b"bytes")  # type: ignore[arg-type]


def test_public_api_is_exported():
    for name in ("clean", "Cleaner", "dedup", "Deduplicator", "Outcome", "minhash_signatures", "CleanResult"):
        assert hasattr(newsdedup, name)


WRAPPED = (
    "The harbour authority said on Tuesday that dredging of the\n"
    "main channel would start in March and last eleven weeks,\n"
    "closing two of the four berths to container ships.\n"
    "Ships were told.\n"
    "The work is paid for by a state loan of forty million crowns\n"
    "agreed last year after two groundings in the channel.\n"
)
wire_text = st.lists(st.one_of(st.sampled_from([*PIECES, WRAPPED]), st.text(max_size=8)), max_size=20).map(
    "".join
)


def _visible(text: str) -> int:
    """Characters other than spaces and line breaks (a control character such as NEL counts: ftfy
    may decode it as cp1252's "…")."""
    return sum(not (c in " \t\n\r\x0b\x0c" or unicodedata.category(c) in ("Zs", "Zl", "Zp")) for c in text)


@given(wire_text)
def test_never_adds_content(text):
    """The clean text never has more visible characters than the original; it grows only where a
    re-flowed paragraph gets its blank line (at most one character per line break)."""
    r = clean(text)
    assert _visible(r.text) <= _visible(text)
    assert len(r.text) - len(text) <= text.count("\n") + text.count("\r")
    growth = [e for e in r.edits if len(e.replacement) > e.end - e.start]
    for e in growth:  # a blank line between re-flowed paragraphs, maybe merged with other edits
        assert "structure.hard_wraps" in e.rule and _visible(e.replacement) <= _visible(text[e.start : e.end])


def test_reflowed_paragraphs_get_a_blank_line():
    r = clean(WRAPPED)
    assert r.text.count("\n\n") == 1 and "\n" not in r.text.replace("\n\n", "")


_FIX = dict(FIXES)


@pytest.mark.parametrize("name", sorted(TRIGGERS))
@given(text=wire_text)
def test_a_fix_without_its_triggers_has_nothing_to_do(name, text):
    """The cleaner skips a fix when the text holds none of its trigger characters: that is only
    right if the fix would have made no edit there."""
    text = "".join(c for c in text if c not in TRIGGERS[name])
    assert _FIX[name](text) == []


@given(st.text())
def test_triggers_in_finds_exactly_the_trigger_characters(text):
    assert triggers_in(text) == set(text) & set("".join(TRIGGERS.values()))


def test_edits_are_combined_when_read_and_equal_an_eager_record():
    r = clean("Share\nIt&#39;s  itâ€™s\nhere.")
    assert r == clean("Share\nIt&#39;s  itâ€™s\nhere.")
    assert CleanResult(text=r.text, fingerprint=r.fingerprint, edits=r.edits, meta=r.meta) == r
    assert apply_edits("Share\nIt&#39;s  itâ€™s\nhere.", r.edits) == r.text


@given(wire_text)
def test_shortcuts_change_nothing(text):
    """With every line judged by every rule (no candidate scans, so no skipped steps), cleaning
    gives the same text and the same edits."""
    from unittest import mock

    from newsdedup.cleaning import boilerplate

    fast = Cleaner().clean(text)
    with mock.patch.object(boilerplate, "candidate_lines", lambda text: None):
        slow = Cleaner().clean(text)
    assert (slow.text, slow.edits) == (fast.text, fast.edits)


class _SlowRule(newsdedup.Cleaner):
    """A cleaner whose share rule's expression runs out of time on texts that mention a 'trap'."""

    def __init__(self) -> None:
        super().__init__()

        def slow(text):
            if "trap" in text:
                raise TimeoutError("regex time out")
            return []

        self._steps = [(k, n, slow if n == "unicode.spaces" else f, None if n == "unicode.spaces" else t)
                       for k, n, f, t in self._steps]  # fmt: skip
        self._ungated = [s for s in self._steps if s[3] is None]


def test_a_regex_timeout_rejects_that_record_naming_the_rule():
    cleaner = _SlowRule()
    with pytest.raises(newsdedup.cleaning.CleaningTimeout, match=r"unicode\.spaces") as err:
        cleaner.clean("a trap for the rule")
    assert err.value.rule == "unicode.spaces" and isinstance(err.value, TimeoutError)
    texts = ["Rain fell on the harbour all day.", "a trap for the rule, in a story of its own words"]
    outcomes = newsdedup.dedup(texts, cleaner=cleaner, on_error="skip")
    assert [o.status for o in outcomes] == ["kept", "rejected"]
    assert outcomes[1].reason == "cleaning timed out in unicode.spaces (a pathological text)"
    assert newsdedup.dedup(texts, cleaner=cleaner)[1].status == "rejected"  # a record's outcome, not an error
