import numpy as np
from datasketch import MinHash
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup import minhash_signatures
from newsdedup.matching import signatures
from newsdedup.matching.shingles import shingle_hash, shingles

words = st.sampled_from(["storm", "port", "said", "the", "on", "Monday", "é", "東京", "1,200", "—"])
docs = st.lists(st.lists(words, max_size=40).map(" ".join), min_size=1, max_size=6)


@settings(max_examples=80)
@given(docs, st.sampled_from([16, 64, 128]), st.integers(0, 2**16), st.integers(1, 5), st.booleans())
def test_signatures_equal_datasketch(texts, num_perm, seed, ngram, matrix):
    # Both ways of computing a block: the (permutations x shingles) matrix and a pass per permutation.
    small, signatures._SMALL = signatures._SMALL, (1 << 30 if matrix else 0)
    try:
        sig = minhash_signatures(texts, num_perm=num_perm, seed=seed, ngram=ngram)
    finally:
        signatures._SMALL = small
    assert sig.shape == (len(texts), num_perm) and sig.dtype == np.uint32
    for text, row in zip(texts, sig, strict=True):
        m = MinHash(num_perm=num_perm, seed=seed, hashfunc=shingle_hash, scheme="affine32")
        m.update_batch(shingles(text, ngram))
        assert np.array_equal(m.hashvalues, row)


def test_rows_rebuild_datasketch_minhashes():
    sig = minhash_signatures(["the storm hit the coast on monday night", "the storm hit the coast on monday"])
    a = MinHash(hashvalues=sig[0], scheme="affine32")
    b = MinHash(hashvalues=sig[1], scheme="affine32")
    assert 0.3 < a.jaccard(b) < 1.0


def test_large_batch_spans_blocks():
    texts = [" ".join(f"w{i}x{j}" for j in range(300)) for i in range(300)]  # > one 65k-shingle block
    sig = minhash_signatures(texts)
    m = MinHash(num_perm=128, seed=1, hashfunc=shingle_hash)
    m.update_batch(shingles(texts[-1], 5))
    assert np.array_equal(sig[-1], m.hashvalues)
