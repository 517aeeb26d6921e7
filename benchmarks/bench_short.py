"""Short records (briefs, headlines, posts) never match by a hash collision.

    python benchmarks/bench_short.py                    # 10,000,000 records
    python benchmarks/bench_short.py --docs 1000000

A text of at most ``ngram`` words is one shingle, and its MinHash signature is a function of
that shingle's 32-bit hash alone: two different short texts whose hashes collide (about n^2 /
2^33 pairs among n texts) have equal signatures, resemblance 1.0. newsdedup also keeps a 64-bit
digest of each fingerprint and lets one-shingle texts match only when their digests agree.

The benchmark makes ``--docs`` distinct short records ("three words and a number", from our own
word list), hashes them as dedup does, and counts (a) pairs of different fingerprints with equal
32-bit shingle hashes: what resemblance alone would mark duplicates; (b) pairs of different
fingerprints with equal digests: what newsdedup could still mark. Then it runs ``dedup`` on every
colliding record (with as many others) and counts the pairs it marked duplicates.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

import newsdedup
from newsdedup.matching.shingles import shingle_batch
from newsdedup.matching.signing import digest_all

WORDS = [
    "harbour",
    "ferry",
    "council",
    "bridge",
    "orchestra",
    "village",
    "pier",
    "storm",
    "tide",
    "repairs",
    "budget",
    "vote",
    "mayor",
    "river",
    "school",
    "train",
    "market",
    "harvest",
    "festival",
    "museum",
    "library",
    "station",
    "hospital",
    "airport",
]


def records(n: int, seed: int) -> list[str]:
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(WORDS), size=(n, 3))
    words = np.array(WORDS)
    return [f"{' '.join(words[p])} {i}" for i, p in enumerate(picks)]


def colliding(values: np.ndarray) -> np.ndarray:
    """Positions of the values that occur more than once."""
    order = np.argsort(values, kind="stable")
    sorted_ = values[order]
    same = np.flatnonzero(sorted_[1:] == sorted_[:-1])
    return np.unique(np.concatenate([order[same], order[same + 1]]))


def pairs_among(values: np.ndarray) -> int:
    _, counts = np.unique(values, return_counts=True)
    return int((counts * (counts - 1) // 2).sum())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    start = time.perf_counter()
    texts = records(args.docs, args.seed)  # all distinct: each ends in its own number
    hashes = np.empty(args.docs, dtype=np.uint32)
    digests = np.empty(args.docs, dtype=np.uint64)
    step = 500_000
    for lo in range(0, args.docs, step):
        part = texts[lo : lo + step]
        batch = shingle_batch(part, 5, "word")
        assert np.array_equal(np.diff(batch.offsets), np.ones(len(part))), "one shingle per record"
        hashes[lo : lo + len(part)] = batch.hashes
        digests[lo : lo + len(part)] = digest_all(part)
    hash_pairs, digest_pairs = pairs_among(hashes), pairs_among(digests)
    expected = args.docs * (args.docs - 1) / 2 / 2**32
    picked = colliding(hashes)
    rng = np.random.default_rng(args.seed)
    others = rng.choice(args.docs, size=min(len(picked), args.docs), replace=False)
    sample = [texts[k] for k in np.unique(np.concatenate([picked, others]))]
    outcomes = newsdedup.dedup(sample)
    marked = sum(o.status == "duplicate" for o in outcomes)
    took = time.perf_counter() - start
    print(f"# bench_short: {args.docs:,} distinct short records ({took:.0f} s, seed {args.seed})\n")
    print("| measure | pairs |")
    print("|---|---:|")
    print(f"| different texts, equal 32-bit shingle hash (resemblance 1.0 by signature) | {hash_pairs:,} |")
    print(f"| expected by the birthday bound, n^2 / 2^33 | {expected:,.0f} |")
    print(f"| different texts, equal 64-bit digest | {digest_pairs:,} |")
    run = f"`dedup` on the {len(picked):,} colliding records and {len(sample) - len(picked):,} others"
    print(f"| {run}: duplicates | {marked:,} |")
    return 0 if digest_pairs == 0 and marked == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
