"""Templated reports (same words, other numbers): the streaming index against batch dedup.

    python benchmarks/bench_templated.py                      # 500, 2,000, 8,000 reports
    python benchmarks/bench_templated.py --sizes 2000 --redis unix:///tmp/rd/redis.sock

Daily market closes, dividend notices and weather briefs are written from one template each
day: every report shares nearly all its shingles with every other, so all of them meet in the
same LSH buckets, and only the number check tells them apart. A tenth of the reports are
republished with page furniture (the copies to find). Batch dedup caps a bucket's pairs
(``max_bucket``: star pairs to its first member); the streaming index must not compare each new
report with every report before it either. Printed: seconds for batch ``dedup`` and for
``NearDupIndex.add_many`` (``--chunk-size`` records at a time; memory, and Redis with ``--redis``),
their ratio, the copies found,
and whether the outcomes are those of batch ``dedup(keep="first")``.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

import newsdedup

TEMPLATES = [
    "Shares in Norland Mining closed {} percent higher at {} crowns on Thursday after the group "
    "reported first-quarter profit of {} million crowns against {} million a year earlier. Output at "
    "its northern pits rose {} percent to {} tonnes, the company said, and it kept its forecast of "
    "{} tonnes for the year. Traders said the results beat expectations, with volume at {} shares.",
    "The board of Harbour Trust declared a quarterly dividend of {} cents a share, payable on March "
    "{} to holders of record on February {}. The trust said net income for the period was {} million "
    "dollars, or {} cents a share, and that its loan book grew {} percent to {} million dollars. The "
    "shares ended at {} dollars, the trust said in a statement issued after the close of trading.",
    "Temperatures on the coast will reach {} degrees on Friday with winds of {} kilometres an hour "
    "from the west, the weather office said, and {} millimetres of rain are expected overnight. "
    "Inland the high will be {} degrees. The office said the chance of storms was {} percent and that "
    "river levels at {} gauges stood {} centimetres above normal for the time of year, with {} alerts.",
]


# The standing paragraph each report repeats word for word, as such reports do.
ABOUT = (
    " The figures are provisional and may be revised when the final accounts are published at the "
    "end of the month. Readers should consult the full statement, which sets out the basis on which "
    "the numbers were prepared, the risks the board has identified for the coming period and the "
    "measures it has taken to address them, before making any decision on the strength of this "
    "summary. Further reports in this series will follow on each trading day at the same time."
)


def reports(n: int, seed: int) -> list[dict]:
    """``n`` reports in time order; every tenth is a copy of an earlier one with furniture."""
    rng = np.random.default_rng(seed)
    out: list[dict] = []
    for i in range(n):
        if i % 10 == 9:
            src = out[int(rng.integers(0, len(out)))]
            text = "Advertisement\n" + src["text"] + "\nShare this article"
            out.append({"id": f"copy-{i}", "text": text, "copy_of": src["id"]})
            continue
        template = TEMPLATES[i % len(TEMPLATES)]
        values = [int(v) for v in rng.integers(1, 10_000, size=template.count("{}"))]
        out.append({"id": f"r{i}", "text": template.format(*values) + ABOUT})
    return out


def run(n: int, seed: int, redis_url: str | None, chunk_size: int) -> list[tuple]:
    docs = reports(n, seed)
    t = time.perf_counter()
    batch = newsdedup.dedup(docs)
    t_batch = time.perf_counter() - t
    copies = sum(1 for d in docs if "copy_of" in d)
    found = sum(1 for d, o in zip(docs, batch, strict=True) if "copy_of" in d and o.status == "duplicate")
    rows = [("batch dedup", n, t_batch, 1.0, f"{found}/{copies}", "-")]
    stores = [("memory", None)] + ([("redis", redis_url)] if redis_url else [])
    for label, storage in stores:
        if storage:
            _flush(storage)
        index = newsdedup.NearDupIndex(storage=storage, name=f"bench-templated-{n}", chunk_size=chunk_size)
        t = time.perf_counter()
        outcomes = index.add_many(docs)
        elapsed = time.perf_counter() - t
        found = sum(
            1 for d, o in zip(docs, outcomes, strict=True) if "copy_of" in d and o.status == "duplicate"
        )
        same = sum(a == b for a, b in zip(outcomes, batch, strict=True))
        rows.append((f"stream ({label})", n, elapsed, elapsed / t_batch, f"{found}/{copies}", f"{same}/{n}"))
        if storage:
            _flush(storage)
    return rows


def _flush(url: str) -> None:
    """Empty the benchmark's Redis database (give it one of its own: ``?db=N``)."""
    import redis

    from newsdedup.index.redis import redis_connection_kwargs

    redis.Redis(**redis_connection_kwargs(url)).flushdb()


def copies_table(counts: list[int]) -> None:
    """Exact copies of one report: every pair is in every band (up to max_bucket, a clique)."""
    text = TEMPLATES[0].format(*range(1, TEMPLATES[0].count("{}") + 1)) + ABOUT
    print("\n| exact copies of one text | batch s | stream s | duplicates found |")
    print("|---:|---:|---:|---:|")
    for n in counts:
        docs = [{"id": i, "text": text} for i in range(n)]
        t = time.perf_counter()
        batch = newsdedup.dedup(docs)
        t_batch = time.perf_counter() - t
        t = time.perf_counter()
        newsdedup.NearDupIndex().add_many(docs)
        t_stream = time.perf_counter() - t
        found = sum(o.status == "duplicate" for o in batch)
        print(f"| {n:,} | {t_batch:.2f} | {t_stream:.2f} | {found:,} |", flush=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[500, 2000, 8000])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--redis", help="also run the index on this Redis URL")
    ap.add_argument(
        "--chunk-size", type=int, default=500, help="records per add_many chunk (checked against the store)"
    )
    ap.add_argument("--copies", type=int, nargs="*", default=[700, 1000, 1001, 5000])
    args = ap.parse_args(argv)
    print("| run | reports | seconds | vs batch | copies found | outcomes as batch |")
    print("|---|---:|---:|---:|---:|---:|")
    for n in args.sizes:
        for name, size, secs, ratio, found, same in run(n, args.seed, args.redis, args.chunk_size):
            print(f"| {name} | {size:,} | {secs:.2f} | {ratio:.2f}x | {found} | {same} |", flush=True)
    copies_table(args.copies)
    return 0


if __name__ == "__main__":
    sys.exit(main())
