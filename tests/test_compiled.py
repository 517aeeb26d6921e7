import os
import subprocess
import sys
import threading

import numpy as np
import pytest
from datasketch import MinHash
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup import compiled, load_sample
from newsdedup.matching import shingles as shingles_module
from newsdedup.matching import signatures as signatures_module
from newsdedup.matching.shingles import shingle_batch, shingle_hash, shingles
from newsdedup.matching.signatures import minhash_signatures

# Every character str.split() splits on, and a few that look like spaces but are not.
SPACES = [chr(c) for c in range(0x3001) if chr(c).isspace()]
NOT_SPACES = ["\u200b", "\u180e", "\ufeff", "\u00ad", "\u2060"]

if os.environ.get("NEWSDEDUP_REQUIRE_COMPILED") == "1" and compiled.CORE is None:
    pytest.fail(f"NEWSDEDUP_REQUIRE_COMPILED is set, but {compiled.why_not()}", pytrace=False)
needs_core = pytest.mark.skipif(compiled.CORE is None, reason=f"{compiled.why_not()}")


@pytest.fixture
def pure(monkeypatch):
    """Run the numpy reference path, whatever is built."""
    monkeypatch.setattr(compiled, "CORE", None)


def _both(fn, *args, **kwargs):
    core = compiled.CORE
    fast = fn(*args, **kwargs)
    compiled.CORE = None
    try:
        reference = fn(*args, **kwargs)
    finally:
        compiled.CORE = core
    return fast, reference


texts = st.lists(
    st.text(
        alphabet=st.one_of(
            st.sampled_from(SPACES + NOT_SPACES + ["a", "b", "é", "日", "\ud800", "😀", "-"]),
            st.characters(),
        ),
        max_size=60,
    ),
    max_size=8,
)


@needs_core
@settings(max_examples=300, deadline=None)
@given(texts, st.integers(1, 6), st.sampled_from(["word", "char"]))
def test_compiled_shingle_hashes_equal_the_numpy_ones(batch, n, kind):
    fast, reference = _both(shingle_batch, batch, n, kind)
    assert np.array_equal(fast.hashes, reference.hashes)
    assert np.array_equal(fast.offsets, reference.offsets)
    # and both are the hashes of the shingles, one by one
    assert fast.hashes.tolist() == [shingle_hash(s) for t in batch for s in shingles(t, n, kind)]


@needs_core
@pytest.mark.parametrize("space", SPACES + NOT_SPACES)
def test_every_kind_of_space_splits_words_as_str_split(space):
    text = f"storm{space}hits{space}{space}the coast"
    fast, reference = _both(shingle_batch, [text], 2)
    assert fast.hashes.tolist() == reference.hashes.tolist() == [shingle_hash(s) for s in shingles(text, 2)]


@needs_core
@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.lists(st.integers(0, 2**32 - 1), max_size=40), max_size=10),
    st.sampled_from([1, 2, 63, 64, 65, 128, 200]),
    st.integers(0, 2**31),
)
def test_compiled_minhash_equals_the_numpy_one_and_datasketch(docs, num_perm, seed):
    counts = [len(d) for d in docs]
    offsets = np.zeros(len(docs) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    hashes = np.array([h for d in docs for h in d], dtype=np.uint32)
    batch = shingles_module.ShingleBatch(hashes, offsets)
    fast, reference = _both(signatures_module.signatures_from_shingles, batch, num_perm=num_perm, seed=seed)
    assert np.array_equal(fast, reference)
    for d, row in zip(docs, fast, strict=True):
        m = MinHash(num_perm=num_perm, seed=seed, hashfunc=lambda x: x, scheme="affine32")
        m.update_batch(d)
        assert np.array_equal(m.hashvalues, row)


@needs_core
def test_the_sample_signs_the_same_on_both_paths():
    texts = [r["text"] for r in load_sample()]
    for kind in ("word", "char"):
        fast, reference = _both(minhash_signatures, texts, kind=kind, num_perm=96)
        assert np.array_equal(fast, reference)


@needs_core
def test_signing_runs_in_threads_and_gives_each_its_own_answer():
    # The kernels release the GIL; six threads on long texts, each checked against one run alone.
    texts = [" ".join(f"w{(i * 7 + k) % 5000}" for k in range(20_000)) for i in range(6)]
    alone = [minhash_signatures([t]) for t in texts]
    got: dict[int, np.ndarray] = {}

    def sign(i: int) -> None:
        for _ in range(3):
            got[i] = minhash_signatures([texts[i]])

    threads = [threading.Thread(target=sign, args=(i,)) for i in range(len(texts))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(np.array_equal(got[i], alone[i]) for i in range(len(texts)))


def test_the_numpy_path_is_the_one_used_when_asked(pure):
    assert compiled.kernels() == "numpy"
    sig = minhash_signatures(["the storm hit the coast on monday night"], ngram=3)
    m = MinHash(num_perm=128, seed=1, hashfunc=shingle_hash)
    m.update_batch(shingles("the storm hit the coast on monday night", 3))
    assert np.array_equal(m.hashvalues, sig[0])


def test_numpy_long_documents_go_in_pieces(pure, monkeypatch):
    # The numpy path signs a document longer than its scratch vector in pieces.
    monkeypatch.setattr(signatures_module, "_CHUNK", 64)
    text = " ".join(f"word{k}" for k in range(500))
    m = MinHash(num_perm=128, seed=1, hashfunc=shingle_hash)
    m.update_batch(shingles(text))
    assert np.array_equal(minhash_signatures([text, "a b"])[0], m.hashvalues)


def test_newsdedup_pure_forces_the_numpy_path():
    code = "import newsdedup.compiled as c; print(c.kernels(), c.why_not())"
    env = {**os.environ, "NEWSDEDUP_PURE": "1"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "numpy NEWSDEDUP_PURE=1"


@needs_core
def test_bad_buffers_are_errors_not_crashes():
    core = compiled.CORE
    out = np.zeros((1, 4), dtype=np.uint32)
    a = b = np.ones(4, dtype=np.uint32)
    with pytest.raises(ValueError, match="mismatched"):
        core.minhash(np.zeros(2, np.uint32), np.array([0, 5], dtype=np.int64), a, b, out)
    with pytest.raises(ValueError, match="mismatched"):
        core.minhash(np.zeros(2, np.uint32), np.array([0, 2], dtype=np.int64), a, b, np.zeros(3, np.uint32))
    with pytest.raises(TypeError):
        core.shingle_hashes(["not bytes"], 5, False)
    with pytest.raises(ValueError):
        core.shingle_hashes([b"a"], 0, False)
