"""The compiled core against the numpy path and the peers: shingles -> signatures, text -> signatures.

    python benchmarks/bench_kernels.py                # Reuters-21578 from the shared corpora
    python benchmarks/bench_kernels.py --runs 5

Every system is treated alike: one warm-up run, then ``--runs`` timed runs; the best wall time is
reported with the CPU time of that run beside it, one core, all in this process. Rows:

* **signature kernel** (shingle hashes given; ns per shingle at 128 permutations): newsdedup's C
  kernel, its numpy reference, and rensa's flat-buffer kernel
  (``RMinHash.digest_matrix_from_flat_token_hashes``) on the same hashes;
* **text -> signatures** (docs/s, word 5-grams, 128 permutations): ``minhash_signatures`` on both
  paths; rensa ``RMinHash.update`` with Python shingles (as its docs show); datasketch
  ``MinHash.update_batch``.

Needs the ``[bench]`` extra (rensa) and the shared corpora (``$NEWSDEDUP_EVAL_DATA``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable

import numpy as np

from generate import EVAL
from newsdedup import compiled
from newsdedup.matching.shingles import shingle_batch, shingles
from newsdedup.matching.signatures import minhash_signatures, signatures_from_shingles

NUM_PERM, NGRAM = 128, 5


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    """Best wall seconds of ``runs`` after one warm-up, and that run's CPU seconds."""
    fn()
    best = (float("inf"), 0.0)
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        fn()
        wall, cpu = time.perf_counter() - w, time.process_time() - c
        best = min(best, (wall, cpu))
    return best


def pure(fn: Callable[[], object]) -> Callable[[], object]:
    """``fn`` on the numpy path."""

    def run() -> object:
        core, compiled.CORE = compiled.CORE, None
        try:
            return fn()
        finally:
            compiled.CORE = core

    return run


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--docs", type=int, default=0, help="use the first N Reuters texts (0: all)")
    args = ap.parse_args(argv)
    from datasketch import MinHash
    from rensa import RMinHash

    if compiled.CORE is None:
        raise SystemExit(f"the compiled core is not in use: {compiled.why_not()}")
    with (EVAL / "reuters21578.jsonl").open(encoding="utf-8") as f:
        texts = [t for t in (json.loads(line).get("text") or "" for line in f) if t.strip()]
    if args.docs:
        texts = texts[: args.docs]
    batch = shingle_batch(texts, NGRAM)
    n_sh, n_docs = len(batch.hashes), len(texts)
    hashes64 = batch.hashes.astype(np.uint64)
    offsets64 = batch.offsets.astype(np.uint64)
    print(f"Reuters-21578: {n_docs:,} texts, {n_sh:,} word {NGRAM}-gram shingles; best of {args.runs}\n")

    kernel = {
        "newsdedup C kernel": lambda: signatures_from_shingles(batch, num_perm=NUM_PERM),
        "newsdedup numpy path": pure(lambda: signatures_from_shingles(batch, num_perm=NUM_PERM)),
        "rensa flat-buffer kernel": lambda: RMinHash.digest_matrix_from_flat_token_hashes(
            hashes64, offsets64, NUM_PERM, 42
        ),
    }
    rows = [
        "| signature kernel (hashes given) | ns per shingle | CPU s | C kernel is |",
        "|---|---:|---:|---:|",
    ]
    results = {name: timed(fn, args.runs) for name, fn in kernel.items()}
    ours = results["newsdedup C kernel"][0]
    for name, (wall, cpu) in results.items():
        ratio = "–" if name == "newsdedup C kernel" else f"{wall / ours:.1f}x faster"
        rows.append(f"| {name} | {wall / n_sh * 1e9:.2f} | {cpu:.3f} | {ratio} |")
    print("\n".join(rows) + "\n", flush=True)

    def rensa_docs() -> None:
        for t in texts:
            RMinHash(num_perm=NUM_PERM, seed=42).update([s.decode() for s in shingles(t, NGRAM)])

    def datasketch_docs() -> None:
        for t in texts:
            MinHash(num_perm=NUM_PERM).update_batch(shingles(t, NGRAM))

    whole = {
        "newsdedup minhash_signatures (C)": lambda: minhash_signatures(texts),
        "newsdedup minhash_signatures (numpy)": pure(lambda: minhash_signatures(texts)),
        "rensa RMinHash.update (Python shingles)": rensa_docs,
        "datasketch MinHash.update_batch": datasketch_docs,
    }
    rows = ["| text -> signatures | docs/s | CPU s | C path is |", "|---|---:|---:|---:|"]
    results = {name: timed(fn, args.runs) for name, fn in whole.items()}
    ours = results["newsdedup minhash_signatures (C)"][0]
    for name, (wall, cpu) in results.items():
        ratio = "–" if "(C)" in name else f"{wall / ours:.1f}x faster"
        rows.append(f"| {name} | {n_docs / wall:,.0f} | {cpu:.3f} | {ratio} |")
    print("\n".join(rows), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
