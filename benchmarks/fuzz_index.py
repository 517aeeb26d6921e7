"""Fuzz index files: byte flips, truncation and crafted shapes/sizes are only ever IndexFormatError,
in bounded time and memory.

    python benchmarks/fuzz_index.py --seconds 600      # the issue's 10 minutes
    python benchmarks/fuzz_index.py --seconds 5        # a smoke run (tests/test_files.py)

Each round damages a saved index (of our own fixture stories) and loads it: a load may succeed
(a flip in bytes the format does not read) or raise ``IndexFormatError``; anything else, a load
over one second, or loads growing the process by more than 200 MB is a failure. Prints a table of rounds per
kind of damage, the slowest load and the peak RSS.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import resource
import sys
import tempfile
import time
import traceback
import zipfile
from collections import Counter
from pathlib import Path

import numpy as np

from newsdedup import IndexFormatError, NearDupIndex, load_sample

KINDS = ("flip", "truncate", "splice", "shape", "size")


def _saved(folder: Path) -> bytes:
    index = NearDupIndex()
    index.add_many(load_sample()[:60])
    index.save(folder / "seed.idx")
    return (folder / "seed.idx").read_bytes()


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {i.filename: z.read(i) for i in z.infolist()}


def _rezip(members: dict[str, bytes], rng: random.Random) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", rng.choice([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])) as z:
        for name, body in members.items():
            z.writestr(name, body)
    return buf.getvalue()


def _npy(array: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array(buf, array)
    return buf.getvalue()


def _damage(kind: str, seed: bytes, rng: random.Random) -> bytes:
    data = bytearray(seed)
    if kind == "flip":
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        return bytes(data)
    if kind == "truncate":
        return bytes(data[: rng.randrange(len(data))])
    if kind == "splice":
        pos = rng.randrange(len(data))
        return bytes(data[:pos] + bytes(rng.randrange(256) for _ in range(rng.randint(1, 64))) + data[pos:])
    members = _members(seed)
    if kind == "shape":  # an array of another shape or type, the checksum left stale
        name = rng.choice([n for n in members if n != "meta.npy"])
        dims = tuple(rng.choice([0, 1, 3, 128]) for _ in range(rng.randint(1, 3)))
        dtype = rng.choice([np.uint8, np.uint32, np.int64, np.float64, np.complex128])
        members[name] = _npy(np.zeros(dims, dtype=dtype))
    else:  # metadata that declares other sizes: num_perm, ids, big arrays
        meta = json.loads(np.lib.format.read_array(io.BytesIO(members["meta.npy"])).tobytes())
        meta["settings"]["num_perm"] = rng.choice([0, 1, 127, 4097, 65536, 2**40, "128", None])
        if rng.random() < 0.5:
            meta["ids"] = meta["ids"] * rng.choice([0, 2, 1000])
        members["meta.npy"] = _npy(np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8))
        if rng.random() < 0.3:
            members["signatures.npy"] = _npy(np.zeros((1, rng.choice([1 << 16, 1 << 22])), np.uint32))
    return _rezip(members, rng)


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def fuzz(seconds: float, seed: int = 1) -> tuple[Counter, list[str], float]:
    """Fuzz for ``seconds``: counts of (kind, result), failures, and the slowest load (s)."""
    rng = random.Random(seed)
    counts: Counter = Counter()
    failures: list[str] = []
    slowest = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        original = _saved(folder)
        path = folder / "damaged.idx"
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            kind = rng.choice(KINDS)
            path.write_bytes(_damage(kind, original, rng))
            start = time.monotonic()
            try:
                NearDupIndex.load(path)
                counts[kind, "loaded"] += 1
            except IndexFormatError:
                counts[kind, "IndexFormatError"] += 1
            except Exception:
                counts[kind, "FAILURE"] += 1
                failures.append(f"{kind}: {traceback.format_exc(limit=4)}")
            took = time.monotonic() - start
            slowest = max(slowest, took)
            if took > 1.0:
                failures.append(f"{kind}: a load took {took:.2f} s")
    return counts, failures, slowest


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    start = time.perf_counter()
    NearDupIndex().add_many(load_sample()[:60])  # the process with everything imported and warm
    baseline = _rss_mb()
    counts, failures, slowest = fuzz(args.seconds, args.seed)
    rss = _rss_mb()
    took = time.perf_counter() - start
    print(f"# fuzz_index: {sum(counts.values()):,} damaged index files in {took:.0f} s (seed {args.seed})")
    print(f"\nSlowest load {slowest * 1000:.1f} ms (limit 1 s); peak RSS {rss:.0f} MB, of which")
    print(
        f"{baseline:.0f} MB before the first load: the loads grew it {rss - baseline:.0f} MB (limit 200).\n"
    )
    print("| damage | loaded | IndexFormatError | other failures |")
    print("|---|---:|---:|---:|")
    for kind in KINDS:
        loaded, refused, failed = (counts[kind, k] for k in ("loaded", "IndexFormatError", "FAILURE"))
        print(f"| {kind} | {loaded:,} | {refused:,} | {failed:,} |")
    for f in failures[:10]:
        print("\nFAILURE:", f, file=sys.stderr)
    return 1 if failures or rss - baseline > 200 else 0


if __name__ == "__main__":
    sys.exit(main())
