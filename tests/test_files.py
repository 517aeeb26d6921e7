"""Index files: damaged or crafted ones are refused cheaply, always as IndexFormatError (issue 17, 8-9)."""

import io
import json
import random
import time
import zipfile

import numpy as np
import pytest

from conftest import random_stories
from newsdedup import IndexFormatError, NearDupIndex, load_sample
from newsdedup.index.files import _checksum, read_index_file


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    path = tmp_path_factory.mktemp("idx") / "news.idx"
    index = NearDupIndex()
    index.add_many(load_sample()[:30])
    index.save(path)
    return path.read_bytes()


def test_byte_flips_are_only_ever_index_format_errors(saved, tmp_path):
    rng = random.Random(7)
    path = tmp_path / "flipped.idx"
    kinds = set()
    for _ in range(400):
        data = bytearray(saved)
        for _ in range(rng.randint(1, 3)):
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        path.write_bytes(bytes(data))
        start = time.monotonic()
        try:
            NearDupIndex.load(path)
            kinds.add("loaded")  # a flip in slack bytes the format does not read
        except IndexFormatError:
            kinds.add("refused")
        assert time.monotonic() - start < 1.0
    assert "refused" in kinds


def _crafted(tmp_path, *, num_perm=128, n=1, members=None):
    """A structurally valid index file with a good checksum, made by hand."""
    arrays = {
        "seqs": np.arange(n, dtype=np.int64),
        "signatures": np.zeros((n, num_perm), dtype=np.uint32),
        "sizes": np.ones(n, dtype=np.int64),
        "dates": np.full(n, np.nan),
        "number_values": np.zeros(0, dtype=np.uint32),
        "number_offsets": np.zeros(n + 1, dtype=np.int64),
    }
    settings = {
        "threshold": 0.4, "containment_threshold": 0.7, "lsh_threshold": 0.2, "num_perm": num_perm,
        "ngram": 5, "shingle": "word", "seed": 1, "weights": [0.5, 0.5], "min_number_overlap": 0.5,
        "clean": True, "disable": [], "window_seconds": None,
    }  # fmt: skip
    meta = {"format": "newsdedup-index", "version": 1, "settings": settings, "watermark": None}
    meta.update(ids=[f"a{i}" for i in range(n)], checksum=_checksum(arrays))
    path = tmp_path / "crafted.idx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, array in {"meta": np.frombuffer(json.dumps(meta).encode(), np.uint8), **arrays}.items():
            buf = io.BytesIO()
            np.lib.format.write_array(buf, (members or {}).get(name, array))
            z.writestr(f"{name}.npy", buf.getvalue())
    return path


def test_a_crafted_file_is_valid_until_it_lies(tmp_path):
    assert len(NearDupIndex.load(_crafted(tmp_path))) == 1


def test_a_huge_num_perm_is_refused_at_once(tmp_path):
    path = _crafted(tmp_path, num_perm=65_536)
    start = time.monotonic()
    with pytest.raises(IndexFormatError, match="num_perm"):
        NearDupIndex.load(path)
    assert time.monotonic() - start < 1.0


def test_a_deflate_bomb_is_refused_before_it_inflates(tmp_path):
    bomb = np.zeros((1, 64 << 20), dtype=np.uint32)  # 256 MB of zeros, a few hundred KB deflated
    path = _crafted(tmp_path, members={"signatures": bomb})
    assert path.stat().st_size < 2 << 20
    start = time.monotonic()
    with pytest.raises(IndexFormatError, match="declares"):
        read_index_file(str(path))
    assert time.monotonic() - start < 1.0


def test_index_fuzzer_smoke_run():
    # benchmarks/fuzz_index.py runs for 10 minutes in the closing figures; here a few seconds.
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    from fuzz_index import fuzz

    counts, failures, slowest = fuzz(seconds=4, seed=9)
    assert failures == [] and slowest < 1.0 and sum(counts.values()) > 100


def test_two_writers_of_one_index_file_lose_nothing(tmp_path):
    import subprocess
    import sys

    for name in ("a", "b"):
        records = random_stories(1500, prefix=name, words=60, seed=1 if name == "a" else 2)
        (tmp_path / f"{name}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    NearDupIndex().save(tmp_path / "news.idx")
    cmd = [sys.executable, "-m", "newsdedup.cli", "index", "add", str(tmp_path / "news.idx"), "-q"]
    runs = [subprocess.Popen([*cmd, str(tmp_path / f"{n}.jsonl")]) for n in ("a", "b")]
    assert [p.wait(timeout=300) for p in runs] == [0, 0]
    ids = set(NearDupIndex.load(tmp_path / "news.idx").ids())
    assert {i[0] for i in ids} == {"a", "b"} and len(ids) > 2900  # a few random texts may match


def test_updating_saves_only_when_the_block_succeeds(tmp_path):
    path = tmp_path / "news.idx"
    NearDupIndex().save(path)
    with pytest.raises(RuntimeError), NearDupIndex.updating(path) as index:
        index.add("Rain fell on the harbour all day and the ferries stayed in port.")
        raise RuntimeError("stop")
    assert len(NearDupIndex.load(path)) == 0
