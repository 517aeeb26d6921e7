import sys

from hypothesis import given
from hypothesis import strategies as st

from newsdedup.cleaning._regex import SPACES, LineStarts, lines_that_may_match, word_union

WORDS = ("share", "by", "read more", "x", "[")
LEAD = "-–—(•"
KEYWORDS = ("/", "via", "cookie")
PIECES = [*WORDS, *KEYWORDS, *LEAD, *(f"\n{c}" for c in LEAD + " \u00a0"), "\n", "Share", "word "]


def test_spaces_are_every_whitespace_but_the_line_break():
    expected = {chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()} - {"\n"}
    assert set(SPACES) == expected and len(SPACES) == len(expected)


def test_word_union_matches_exactly_the_words():
    import re

    pattern = re.compile(word_union(["advert", "ads", "ad", "x"]))
    assert [w for w in ["advert", "ads", "ad", "x", "a", "adv", "y"] if pattern.fullmatch(w)] == [
        "advert",
        "ads",
        "ad",
        "x",
    ]


@given(
    st.lists(
        st.one_of(
            st.sampled_from(PIECES),
            st.text(max_size=3),
        ),
        max_size=25,
    ).map("".join),
    st.integers(0, 5),
)
def test_candidate_lines_are_a_superset(text, pos):
    """Every line from pos on that starts (after leads and spaces) with a word, or holds a keyword,
    is a candidate."""
    starts = LineStarts.of(WORDS, LEAD)
    found = lines_that_may_match(text, pos, starts, KEYWORDS)
    if found is None:  # lower-casing changed the length: the caller tests every line
        return
    line_start = 0
    for line in text.split("\n"):
        low = line.lower()
        if line_start >= pos and (
            low.lstrip(SPACES + LEAD).startswith(WORDS) or any(k in low for k in KEYWORDS)
        ):
            assert line_start in found, (line, found)
        line_start += len(line) + 1
