import numpy as np
from datasketch import MinHash, MinHashLSH
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup import band_params, candidate_pairs, minhash_signatures


@given(st.sampled_from([0.3, 0.4, 0.5, 0.7, 0.9]), st.sampled_from([32, 64, 128, 256]))
def test_band_params_are_datasketch(threshold, num_perm):
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    assert band_params(threshold, num_perm) == (lsh.b, lsh.r)


def _datasketch_pairs(sig, threshold):
    lsh = MinHashLSH(threshold=threshold, num_perm=sig.shape[1])
    found = set()
    for i, row in enumerate(sig):
        m = MinHash(hashvalues=row, scheme="affine32")
        found.update((j, i) for j in lsh.query(m))
        lsh.insert(i, m)
    return found


@settings(max_examples=25)
@given(st.integers(0, 10_000), st.sampled_from([0.3, 0.5, 0.8]))
def test_candidates_equal_datasketch_query(seed, threshold):
    rng = np.random.default_rng(seed)
    vocab = [f"w{k}" for k in range(40)]
    base = [" ".join(rng.choice(vocab, size=30)) for _ in range(8)]
    texts = []
    for t in base:  # each base text plus edited copies, so some pairs are near duplicates
        words = t.split()
        for _ in range(rng.integers(1, 4)):
            w = list(words)
            for k in rng.integers(0, len(w), size=rng.integers(0, 8)):
                w[k] = str(rng.choice(vocab))
            texts.append(" ".join(w))
    sig = minhash_signatures(texts, ngram=2)
    b, r = band_params(threshold, 128)
    ours = {tuple(p) for p in candidate_pairs(sig, b, r, max_bucket=None).tolist()}
    assert ours == _datasketch_pairs(sig, threshold)


def test_huge_buckets_become_stars():
    sig = np.zeros((50, 4), dtype=np.uint32)  # all identical: one bucket of 50 per band
    all_pairs = candidate_pairs(sig, 2, 2, max_bucket=None)
    assert len(all_pairs) == 50 * 49 // 2
    star = candidate_pairs(sig, 2, 2, max_bucket=10)
    assert star.tolist() == [[0, j] for j in range(1, 50)]


def test_pairs_are_sorted_unique_and_typed():
    sig = np.array([[1, 1], [1, 1], [2, 2]], dtype=np.uint32)
    pairs = candidate_pairs(sig, 2, 1)
    assert pairs.dtype == np.int64 and pairs.tolist() == [[0, 1]]


@settings(max_examples=40)
@given(
    st.integers(0, 2**31),
    st.sampled_from([(8, 2), (4, 3), (16, 1), (4, 4)]),
    st.integers(1, 60),
    st.integers(1, 50),
)
def test_band_index_finds_what_datasketch_finds(seed, br, n, buffer):
    from datasketch import LeanMinHash

    from newsdedup.matching.lsh import BandIndex

    b, r = br
    rng = np.random.default_rng(seed)
    sig = rng.integers(0, 3, size=(n, 16), dtype=np.uint32)  # few values: many shared bands
    index = BandIndex(b, r, buffer=buffer)  # small buffers: merges happen along the way
    lsh = MinHashLSH(num_perm=16, params=(b, r))
    removed = set()
    for lo in range(0, n, 7):
        rows = list(range(lo, min(n, lo + 7)))
        index.add(rows, sig[rows])
        for i in rows:
            lsh.insert(i, LeanMinHash(seed=1, hashvalues=sig[i], scheme="affine32"))
        for i in rows:
            if rng.random() < 0.2:
                index.remove(i)
                lsh.remove(i)
                removed.add(i)
    queries = rng.integers(0, 3, size=(10, 16), dtype=np.uint32)
    found = index.query(np.concatenate([sig, queries]))
    for q, got in zip(np.concatenate([sig, queries]), found, strict=True):
        assert got == set(lsh.query(LeanMinHash(seed=1, hashvalues=q, scheme="affine32")))


@settings(max_examples=60)
@given(
    st.integers(0, 2**31),
    st.sampled_from([(8, 2), (4, 3), (16, 1)]),
    st.integers(1, 60),
    st.integers(1, 50),
    st.integers(0, 6),
)
def test_a_huge_bucket_gives_only_its_earliest_live_slot(seed, br, n, buffer, cap):
    # As batch dedup's max_bucket: star pairs to the first member of a bucket over the cap.
    from newsdedup.matching.lsh import BandIndex

    b, r = br
    rng = np.random.default_rng(seed)
    sig = rng.integers(0, 2, size=(n, 16), dtype=np.uint32)  # two values: crowded buckets
    index = BandIndex(b, r, buffer=buffer)
    buckets: dict[tuple, list[int]] = {}  # the plain form: (band, values) -> slots in order added
    removed = set()
    for lo in range(0, n, 7):
        rows = list(range(lo, min(n, lo + 7)))
        index.add(rows, sig[rows])
        for i in rows:
            for band in range(b):
                buckets.setdefault((band, tuple(sig[i, band * r : (band + 1) * r])), []).append(i)
        for i in rows:
            if rng.random() < 0.3:
                index.remove(i)
                removed.add(i)
    queries = np.concatenate([sig, rng.integers(0, 2, size=(5, 16), dtype=np.uint32)])
    for q, got in zip(queries, index.query(queries, max_bucket=cap), strict=True):
        want = set()
        for band in range(b):
            live = [
                s for s in buckets.get((band, tuple(q[band * r : (band + 1) * r])), []) if s not in removed
            ]
            want.update(live[:1] if len(live) > cap else live)
        assert got == want


@settings(max_examples=150, deadline=None)
@given(
    st.integers(0, 2**31),
    st.integers(1, 50),
    st.sampled_from([None, 1, 2, 3, 5, 1000]),
    st.sampled_from([(4, 2), (2, 4), (8, 1)]),
)
def test_exact_copies_banded_once_give_the_pairs_of_every_row(seed, n, max_bucket, br):
    # Identical signatures meet in every band; they are banded once, as one weighted row.
    b, r = br
    rng = np.random.default_rng(seed)
    base = rng.integers(0, 3, size=(max(1, n // 3), 8), dtype=np.uint32)
    sig = base[rng.integers(0, len(base), size=n)]  # many rows copies of a few
    grouped = candidate_pairs(sig, b, r, max_bucket=max_bucket, min_copies=2)
    assert np.array_equal(grouped, candidate_pairs(sig, b, r, max_bucket=max_bucket, min_copies=None))


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.lists(st.lists(st.integers(0, 60), max_size=12), max_size=4), max_size=6),
    st.sets(st.integers(0, 60), max_size=10),
    st.sampled_from([60, 100_000]),
)
def test_each_rows_slots_once_without_the_removed_ones(rows, dead, top):
    # Both ways of making slots distinct (stamping, for many entries; sorting, for few) agree
    # with the plain set form.
    from newsdedup.matching.lsh import _distinct

    parts = [[np.array(a, dtype=np.int64) for a in row if a] for row in rows]
    got = _distinct(parts, top, dead)
    assert [sorted(g.tolist()) for g in got] == [
        sorted({s for a in row for s in a.tolist()} - dead) for row in parts
    ]
