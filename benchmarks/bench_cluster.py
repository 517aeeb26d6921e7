"""Clustering cost: the verified pairs of a generated corpus, and a chain that peels slowly.

    python benchmarks/bench_cluster.py                # the 100k generated corpus (cached)

Times ``assign_clusters`` (components, then each split around its canonical copy, every member
checked against it) on (a) the verified pairs of the generated 100k wire corpus, signed and
verified as ``dedup`` does, and (b) a chain of 4,000 documents, each matching only its
neighbours, among 100,000 other pairs: the case where a split that scans every pair of the run
made clustering grow faster than the corpus.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

from generate import cached_corpus
from newsdedup import DedupConfig
from newsdedup.matching.cluster import Member, assign_clusters
from newsdedup.matching.lsh import band_params, candidate_pairs
from newsdedup.matching.signing import sign
from newsdedup.matching.verify import containment, number_table, resemblance, score_pairs


def corpus_case(n: int) -> tuple[float, int, int]:
    path = cached_corpus(n, "reuters", Path(__file__).parent / "data") / "records.jsonl"
    rows = [json.loads(line) for line in path.open(encoding="utf-8")]
    cfg = DedupConfig()
    signed = sign(cfg, [r["text"] for r in rows], [r.get("title") for r in rows])
    ok = [k for k, e in enumerate(signed.empty) if e is None]
    sig, sizes = signed.signatures[ok], signed.sizes[ok].astype(np.int64)
    digests, numbers = signed.digests[ok], number_table([signed.numbers[k] for k in ok])
    b, r = band_params(cfg.lsh_threshold, cfg.num_perm)
    pairs = candidate_pairs(sig, b, r)
    res, cont = score_pairs(sig, sizes, pairs)
    verified = pairs[cfg.verifier.decide(pairs, res, cont, numbers, (sizes, digests))]
    members = [Member(i, i, length=signed.lengths[k]) for i, k in enumerate(ok)]

    def match(c: int, others: np.ndarray) -> tuple[np.ndarray, ...]:
        r_ = resemblance(sig[others], sig[c])
        c_ = containment(r_, sizes[others], sizes[c])
        p_ = np.stack([others, np.full_like(others, c)], axis=1)
        return r_, c_, cfg.verifier.decide(p_, r_, c_, numbers, (sizes, digests))

    t = time.perf_counter()
    assign_clusters(members, verified, match, "first")
    return time.perf_counter() - t, len(members), len(verified)


def chain_case(n: int = 4000, others: int = 200_000) -> tuple[float, int, int]:
    chain = np.stack([np.arange(n - 1), np.arange(1, n)], axis=1)
    rest = np.stack([np.arange(n, n + others, 2), np.arange(n + 1, n + others, 2)], axis=1)
    pairs = np.concatenate([chain, rest]).astype(np.int64)
    members = [Member(i, i) for i in range(n + others)]

    def match(c: int, cand: np.ndarray) -> tuple[np.ndarray, ...]:
        ok = np.abs(cand - c) == 1  # only neighbours match
        ok &= (cand < n) == (c < n)
        return np.ones(len(cand)), np.ones(len(cand)), ok

    t = time.perf_counter()
    assign_clusters(members, pairs, match, "first")
    return time.perf_counter() - t, len(members), len(pairs)


def main() -> int:
    print("| case | documents | verified pairs | clustering s |")
    print("|---|---:|---:|---:|")
    for name, (secs, docs, pairs) in (
        ("generated 100k corpus", corpus_case(100_000)),
        ("chain", chain_case()),
    ):
        print(f"| {name} | {docs:,} | {pairs:,} | {secs:.2f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
