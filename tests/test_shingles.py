import subprocess
import sys

from hypothesis import given
from hypothesis import strategies as st

from newsdedup.matching.shingles import shingle_batch, shingle_hash, shingles

texts = st.lists(
    st.text(alphabet=st.sampled_from("ab é東👍 \n\t\x1c\x85\xa0\u2003\u3000\u2028\ud800"), max_size=40),
    max_size=8,
)


@given(texts, st.integers(1, 6), st.sampled_from(["word", "char"]))
def test_batch_equals_reference(batch, n, kind):
    b = shingle_batch(batch, n, kind)
    expected = [[shingle_hash(s) for s in shingles(t, n, kind)] for t in batch]
    got = [b.hashes[b.offsets[i] : b.offsets[i + 1]].tolist() for i in range(len(batch))]
    assert got == expected
    assert b.set_sizes().tolist() == [len(set(h)) for h in expected]


def test_short_and_empty_texts():
    assert shingles("a b", n=5) == [b"a b"]
    assert shingles("   ", n=5) == []
    assert shingle_batch(["", "  "]).offsets.tolist() == [0, 0, 0]


def test_hash_does_not_depend_on_python_hash_seed():
    code = (
        "from newsdedup.matching.shingles import shingle_batch; "
        "print(shingle_batch(['x y z w v u'], 2).hashes.tolist())"
    )
    outs = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={"PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("0", "12345")
    }
    assert len(outs) == 1
