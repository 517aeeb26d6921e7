import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup import dedup, minhash_signatures
from newsdedup.matching.verify import Thresholds, containment, score_pairs

STORY = [
    "The city of Norbury closed its main bridge on Tuesday after engineers found cracks in two support "
    "beams, forcing thousands of commuters onto ferries and buses for the rest of the month.",
    "Officials said the bridge, built in 1958, carries around thirty thousand vehicles a day and that "
    "repairs would begin as soon as a contractor could be hired under emergency rules.",
    "The mayor apologised to residents and promised that the city would pay for extra ferry crossings "
    "in the mornings and evenings until the bridge is safe again.",
    "Shop owners on both sides of the river said they feared losing customers during the busy autumn "
    "season, and asked the council for help with their rents.",
    "Engineers will publish a full report on the state of the structure within six weeks, the city's "
    "transport department said in a statement on its website.",
]


def test_containment_math():
    assert containment(1.0, 10, 10) == pytest.approx(1.0)
    # B holds all of A (size 60) and 40 more: J = 60/100, containment of A in B = 1.
    assert containment(0.6, 60, 100) == pytest.approx(1.0)
    assert containment(0.0, 60, 100) == 0.0
    assert containment(0.5, 0, 0) == 0.0


def test_scores_of_pairs():
    sig = minhash_signatures(["a b c d e f", "a b c d e f", "x y z w v u"], ngram=2)
    res, cont = score_pairs(sig, np.array([5, 5, 5]), np.array([[0, 1], [0, 2]]))
    assert res.tolist()[0] == 1.0 and res.tolist()[1] < 0.2
    assert Thresholds(0.5, 0.8).passes(res, cont).tolist() == [True, False]


def test_truncated_and_extended_copies_are_found():
    full = "\n\n".join(STORY)
    truncated = "\n\n".join(STORY[:3])  # 60 % of the paragraphs
    extended = full + "\n\nIn Millbrook, the council said the local ferry would also run more often."
    other = "Completely different news about a football match that ended in a draw after extra time."
    out = dedup([full, truncated, extended, other])
    assert [o.status for o in out] == ["kept", "duplicate", "duplicate", "kept"]
    assert out[1].containment > 0.9 and out[1].resemblance < 0.8
    assert out[2].duplicate_of == 0


def test_thresholdsvalidate():
    with pytest.raises(ValueError):
        Thresholds(1.5)
    with pytest.raises(ValueError):
        Thresholds(0.5, 0.0)


AUCTION = (
    "The Treasury said it will sell {0} billion dlrs of three and six month bills at its regular "
    "auction next week. The {1} sale will be evenly divided between the three and six month issues "
    "and will result in a paydown of {2} mln dlrs, as maturing bills total {3} billion dlrs. The bills "
    "will be issued on {4} and will mature in three and six months."
)


def test_templated_reports_with_other_numbers_are_not_duplicates():
    a = AUCTION.format("13.2", "April 6", "700", "13.9", "April 9")
    b = AUCTION.format("12.8", "March 23", "450", "13.25", "March 26")
    loose = {"threshold": 0.3, "containment_threshold": None, "lsh_threshold": 0.2, "ngram": 3}
    assert [o.status for o in dedup([a, b], min_number_overlap=None, **loose)] == ["kept", "duplicate"]
    assert [o.status for o in dedup([a, b], **loose)] == ["kept", "kept"]
    # A copy that keeps the numbers (and drops a sentence) still matches.
    c = a.rsplit(" The bills", 1)[0]
    assert [o.status for o in dedup([a, c], **loose)] == ["kept", "duplicate"]


def test_numbers_agree_needs_enough_numbers_on_both_sides():
    from newsdedup.matching.verify import number_hashes, numbers_agree

    sets = [number_hashes(t) for t in ("a 1 2 3 4", "a 1 2 9 8", "b 7 7", "c 1 2 3 5")]
    values = np.concatenate(sets)
    offsets = np.cumsum([0, *map(len, sets)])
    pairs = np.array([[0, 1], [0, 2], [0, 3]])
    assert numbers_agree(values, offsets, pairs, min_overlap=0.6).tolist() == [False, True, True]
    assert number_hashes("rose 35 to 1200 in 3m").size == 2  # "3m" is no number


def _numbers_agree_plain(values, offsets, pairs, *, min_overlap, min_numbers=3):
    """The per-pair form the vectorised check replaces (the oracle)."""
    ok = []
    for a, b in pairs:
        na, nb = values[offsets[a] : offsets[a + 1]], values[offsets[b] : offsets[b + 1]]
        if len(na) < min_numbers or len(nb) < min_numbers:
            ok.append(True)
            continue
        ok.append(len(np.intersect1d(na, nb, assume_unique=True)) >= min_overlap * min(len(na), len(nb)))
    return np.array(ok, dtype=bool)


@settings(max_examples=200)
@given(
    st.lists(st.sets(st.integers(0, 30), max_size=12), min_size=1, max_size=12),
    st.lists(st.tuples(st.integers(0, 11), st.integers(0, 11)), max_size=40),
    st.sampled_from([0.25, 0.5, 0.75, 1.0]),
)
def test_vectorised_number_check_equals_the_plain_one(docs, raw_pairs, overlap):
    from newsdedup.matching.verify import number_table, numbers_agree

    values, offsets = number_table([np.array(sorted(d), dtype=np.uint32) for d in docs])
    pairs = np.array([(a % len(docs), b % len(docs)) for a, b in raw_pairs], dtype=np.int64).reshape(-1, 2)
    got = numbers_agree(values, offsets, pairs, min_overlap=overlap)
    assert np.array_equal(got, _numbers_agree_plain(values, offsets, pairs, min_overlap=overlap))


@settings(max_examples=200)
@given(
    st.lists(st.sets(st.integers(0, 30), max_size=12), min_size=1, max_size=12),
    st.integers(0, 11),
    st.lists(st.integers(0, 11), max_size=40),
    st.sampled_from([0.25, 0.5, 0.75, 1.0]),
)
def test_one_against_many_number_check_equals_the_plain_one(docs, first, others, overlap):
    # The streaming index checks one document against many: a lookup path, not the sort.
    from newsdedup.matching.verify import number_table, numbers_agree

    values, offsets = number_table([np.array(sorted(d), dtype=np.uint32) for d in docs])
    a = first % len(docs)
    pairs = np.array([(a, b % len(docs)) for b in others], dtype=np.int64).reshape(-1, 2)
    got = numbers_agree(values, offsets, pairs, min_overlap=overlap)
    assert np.array_equal(got, _numbers_agree_plain(values, offsets, pairs, min_overlap=overlap))
