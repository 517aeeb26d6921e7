import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsdedup import clean
from newsdedup.cleaning.fingerprint import fold, make_fingerprint

BODY = "The port reopened on Monday after a three-day strike."
FOLDED = "the port reopened on monday after a threeday strike"


@pytest.mark.parametrize(
    ("prefix", "place", "agency"),
    [
        ("ALEPPO, Syria (Reuters) - ", "ALEPPO, Syria", "Reuters"),
        ("PORT ALDER (AP) — ", "PORT ALDER", "AP"),
        ("(AP) — ", None, "AP"),
        ("Paris (AFP) - ", "Paris", "AFP"),
        ("BERLIN, 3. Mai (dpa) - ", "BERLIN, 3. Mai", "dpa"),
        ("NEW YORK, March 3 (Reuters) - ", "NEW YORK, March 3", "Reuters"),
        ("WASHINGTON — ", "WASHINGTON", None),
    ],
)
def test_datelines_leave_the_fingerprint_and_go_to_meta(prefix, place, agency):
    r = clean(prefix + BODY)
    assert r.text == prefix + BODY  # the clean text stays faithful
    assert r.fingerprint == FOLDED.replace("threeday", "three day")
    assert r.meta.place == place
    assert r.meta.agencies == ((agency,) if agency else ())


def test_byline_credits_copyright():
    raw = (
        f"By Mara Quillon, Reuters\n\n{BODY}\n\n(Reporting by Mara Quillon; Editing by Tobias Renk)\n\n"
        "© 2026 Harbor City Gazette. All rights reserved."
    )
    fp, meta = make_fingerprint(raw)
    assert fp == "the port reopened on monday after a three day strike"
    assert meta.bylines == ("Mara Quillon",)
    assert meta.agencies == ("Reuters",)
    assert meta.credits == ("Reporting by Mara Quillon; Editing by Tobias Renk",)
    assert len(meta.copyright) == 1


@pytest.mark.parametrize(
    "prose",
    [
        "By the way, this is prose that starts with By and is long.",
        "Writing by hand is a lost art, she said.",
        "Copyright law changes were approved on Monday by the senate.",
        "WASHINGTON state voted - in a close race.",
    ],
)
def test_prose_that_looks_like_residue_stays(prose):
    assert fold(prose) in make_fingerprint(f"First line here.\n{prose}")[0]


def test_folding():
    assert fold("It’s “UP” 3.5% — to 1,200…") == "its up 35 to 1200"
    assert fold("ﬁne ＦＵＬＬ Straße") == "fine full strasse"


def _fold_reference(text: str) -> str:
    """fold() in the plainest terms: each step in one pass, words split and joined."""
    import re
    import unicodedata

    text = re.sub(r"(?<=\d)[.,](?=\d)", "", unicodedata.normalize("NFKC", text).casefold())
    kept = ["" if c in "'’ʼ‘`´" else c if unicodedata.category(c)[0] in "LNM" else " " for c in text]
    return " ".join("".join(kept).split())


@given(st.text(alphabet="12.,;aB’“—… \n\té東", max_size=30))
def test_fold_equals_its_plain_form(text):
    assert fold(text) == _fold_reference(text)


@given(
    st.lists(
        st.sampled_from(["(", "-", "—", " ", "\t", "AP", "ap", "Reuters", "REUTERS", "AFP", ")", ".", "x"]),
        max_size=6,
    ).map("".join)
)
def test_agency_line_pretest_never_hides_a_match(line):
    from newsdedup.cleaning.fingerprint import _AGENCY_LINE, _Residue

    line = line.strip()
    if line and len(line) <= 40 and _AGENCY_LINE.fullmatch(line):
        assert _Residue().take(line)
