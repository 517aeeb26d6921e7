from datetime import datetime, timezone

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup import dedup
from newsdedup.matching.cluster import Member, assign_clusters, parse_date


def _words(start, n):
    return [f"w{k}" for k in range(start, start + n)]


def test_chain_of_near_matches_does_not_merge_different_stories():
    # Jaccard A~B = B~C = 35/65 = 0.54, but A~C = 20/80 = 0.25.
    a = " ".join(_words(0, 50))
    b = " ".join(_words(15, 50))
    c = " ".join(_words(30, 50))
    out = dedup([a, b, c], threshold=0.4, containment_threshold=None, lsh_threshold=0.2, ngram=1, clean=False)
    assert out[1].status == "duplicate" and out[1].duplicate_of == 0
    # C does not match A, so it cannot join A's cluster through B; it starts its own.
    assert out[2].status == "kept" and out[2].cluster == 2


def test_split_clusters_remaining_members_among_themselves():
    members = [Member(i, f"d{i}") for i in range(4)]
    pairs = np.array([[0, 1], [1, 2], [2, 3]])
    matches = {(0, 1), (1, 0), (2, 3), (3, 2), (1, 2), (2, 1)}

    def match(c, others):
        ok = np.array([(c, int(o)) in matches for o in others])
        return np.ones(len(others)), np.ones(len(others)), ok

    result = assign_clusters(members, pairs, match, "first")
    assert result == {1: (0, 1.0, 1.0), 3: (2, 1.0, 1.0)}


TEXT = "the harbor bridge closed on tuesday after inspectors found corroded cables in the main span"


def _records():
    return [
        {
            "id": "outlet",
            "text": TEXT + " share",
            "source": "Gazette",
            "published_at": "2026-10-02T08:00:00Z",
        },
        {"id": "wire", "text": TEXT, "source": "Reuters", "published_at": "2026-10-01T08:00:00+00:00"},
        {"id": "long", "text": TEXT + " and more words here too", "source": "Courier", "published_at": None},
    ]


@pytest.mark.parametrize(
    ("keep", "canonical"),
    [
        ("first", "outlet"),
        ("earliest", "wire"),
        ("longest", "long"),
        (["reuters", "Courier"], "wire"),
        (lambda ms: max(ms, key=lambda m: m.id), "wire"),
    ],
)
def test_canonical_policies(keep, canonical):
    out = dedup(_records(), keep=keep, clean=False, ngram=3)
    assert {o.cluster for o in out} == {canonical}
    assert [o.status == "kept" for o in out] == [o.id == canonical for o in out]


def test_source_priority_keyword():
    out = dedup(_records(), source_priority=["Courier"], clean=False, ngram=3)
    assert out[2].status == "kept"


def test_bad_policy_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown keep policy"):
        dedup(_records(), keep="newest", clean=False, ngram=3)


def test_parse_date():
    assert parse_date("2026-10-01T08:00:00Z") == datetime(2026, 10, 1, 8, tzinfo=timezone.utc)
    assert parse_date("2026-10-01") == datetime(2026, 10, 1, tzinfo=timezone.utc)
    assert parse_date("yesterday") is None and parse_date(None) is None and parse_date(5) is None


def _assign_plain(members, pairs, match, policy="first"):
    """The form the per-group pairs replace: every split scans all the run's pairs (the oracle)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    from newsdedup.matching.cluster import canonical_key

    def groups(nodes, edges):
        inside = edges[np.isin(edges[:, 0], nodes) & np.isin(edges[:, 1], nodes)]
        local = np.searchsorted(nodes, inside)
        m = len(nodes)
        graph = coo_matrix((np.ones(len(local)), (local[:, 0], local[:, 1])), shape=(m, m))
        labels = connected_components(graph, directed=False)[1]
        order = np.argsort(labels, kind="stable")
        split = np.split(nodes[order], np.flatnonzero(np.diff(labels[order])) + 1)
        return [g for g in split if len(g) > 1]

    result = {}
    pending = groups(np.arange(len(members)), pairs)
    while pending:
        group = pending.pop()
        c = min(group, key=lambda i: canonical_key(policy)(members[i]))
        others = np.array([i for i in group if i != c], dtype=np.int64)
        res, cont, ok = match(c, others)
        for i, r, k in zip(others[ok], res[ok], cont[ok], strict=True):
            result[int(i)] = (int(c), float(r), float(k))
        rest = others[~ok]
        if len(rest) > 1:
            pending.extend(groups(np.sort(rest), pairs))
    return result


@settings(max_examples=200, deadline=None)
@given(st.integers(2, 40), st.integers(0, 2**31), st.sampled_from(["first", "longest"]))
def test_splitting_with_each_groups_own_pairs_gives_the_plain_clusters(n, seed, policy):
    rng = np.random.default_rng(seed)
    members = [Member(i, f"d{i}", length=int(rng.integers(1, 9))) for i in range(n)]
    edges = {tuple(sorted(p)) for p in rng.integers(0, n, size=(int(rng.integers(0, 3 * n)), 2)).tolist()}
    pairs = np.array(sorted(e for e in edges if e[0] != e[1]), dtype=np.int64).reshape(-1, 2)
    linked = {tuple(p) for p in pairs.tolist()}

    def match(c, others):
        ok = np.array([tuple(sorted((c, int(o)))) in linked for o in others], dtype=bool)
        return np.ones(len(others)), np.ones(len(others)), ok

    assert assign_clusters(members, pairs, match, policy) == _assign_plain(members, pairs, match, policy)
