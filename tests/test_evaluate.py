import pytest

from newsdedup.evaluate import pair_scores


def test_perfect_and_wrong_clusterings():
    assert pair_scores([1, 1, 2, 2], ["a", "a", "b", "b"]).f1 == 1.0
    s = pair_scores([1, 1, 1, 1], ["a", "a", "b", "b"])
    assert (s.precision, s.recall) == (pytest.approx(2 / 6), 1.0)
    s = pair_scores([1, 2, 3, 4], ["a", "a", "b", "b"])
    assert (s.predicted_pairs, s.recall) == (0, 0.0)


def test_ari_matches_known_value():
    # sklearn.metrics.adjusted_rand_score([0, 0, 1, 1, 1], [0, 0, 0, 1, 1]) == 1 / 6
    s = pair_scores([0, 0, 1, 1, 1], [0, 0, 0, 1, 1])
    assert s.ari == pytest.approx(1 / 6)


def test_length_mismatch():
    with pytest.raises(ValueError):
        pair_scores([1], [1, 2])
