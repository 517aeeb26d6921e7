"""The streaming index: latency per article, memory per article, and Redis throughput.

    python benchmarks/bench_index.py                       # 100k and 1M indexed, Redis 20k
    python benchmarks/bench_index.py --sizes 100000 --redis-docs 5000

Prints Markdown tables and writes them to ``benchmarks/results/bench_index.md``.

* Latency: an index (memory storage) is filled with N distinct wire stories (Reuters-21578 bases,
  read at run time, and the generator's new-news rounds beyond them: ``generate.py``). Then
  ``probes`` articles, half outlet copies of indexed stories and half new stories, are each
  queried and then added, one call at a time; p50/p99 per call. "end to end" includes cleaning,
  shingling and signing the article; "index" is the same call given the signature (the LSH lookup,
  verification and insert), which is what the index size affects.
* Memory per indexed article: growth of this process's RSS while filling, divided by N.
* Redis (a real ``redis-server``, started here on a Unix socket unless ``--redis URL`` is given):
  inserts/s and queries/s of NearDupIndex's batched pipelines against datasketch's
  ``MinHashLSH`` with its Redis storage used one call at a time, on the same signatures.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import _cipher, reuters_stories
from newsdedup import NearDupIndex
from newsdedup.index.redis import lean_minhash
from newsdedup.index.store import Pool, Table
from newsdedup.records import validate
from wire import OUTLETS, agency_copy, republish, timestamp

RESULTS = Path(__file__).resolve().parent / "results"


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def distinct_stories(n: int, stories: list[dict], offset: int = 0) -> Iterator[tuple[dict, dict]]:
    """``n`` distinct news stories (base story, agency record), as the corpus generator makes them."""
    from datetime import datetime, timedelta, timezone

    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    for k in range(offset, offset + n):
        story = stories[k % len(stories)]
        round_ = k // len(stories)
        if round_:
            story = _cipher(story, round_)
        rec = {
            "id": f"s{k}",
            **agency_copy(story),
            "published_at": timestamp(start + timedelta(minutes=k), 0),
        }
        yield story, rec


def _percentiles(seconds: list[float]) -> tuple[float, float]:
    ms = np.array(seconds) * 1000
    return float(np.percentile(ms, 50)), float(np.percentile(ms, 99))


def latency(n: int, probes: int, stories: list[dict]) -> dict:
    gc.collect()
    before = rss_mb()
    index = NearDupIndex()
    start = time.perf_counter()
    batch: list[dict] = []
    copies_of: list[dict] = []
    rng = random.Random(n)
    for story, rec in distinct_stories(n, stories):
        batch.append(rec)
        if len(copies_of) < probes // 2 and rng.random() < probes / n:
            copies_of.append(story)
        if len(batch) == 5000:
            index.add_many(batch)
            batch = []
    if batch:
        index.add_many(batch)
    fill_seconds = time.perf_counter() - start
    gc.collect()
    per_article_kb = (rss_mb() - before) * 1024 / len(index)
    probe_records = [
        {"id": f"copy{i}", **republish(story, rng.choice(OUTLETS), rng)[0]}
        for i, story in enumerate(copies_of)
    ]
    probe_records += [rec for _, rec in distinct_stories(probes - len(probe_records), stories, offset=n)]
    rng.shuffle(probe_records)
    # End to end: what a caller of query() and add() waits for, one article at a time.
    q_e2e, a_e2e, statuses = [], [], []
    for rec in probe_records:
        t = time.perf_counter()
        index.query(rec)
        q_e2e.append(time.perf_counter() - t)
        t = time.perf_counter()
        statuses.append(index.add(rec).status)
        a_e2e.append(time.perf_counter() - t)
    # Index work alone: the same calls on records already signed.
    signed = [
        index._sign([validate(0, {**r, "id": f"{r['id']}+"}, index.config.fields)])[0] for r in probe_records
    ]
    q_idx, a_idx = [], []
    store = index._store
    for b in signed:
        t = time.perf_counter()
        stored, (rows,) = store.meet(b.signatures)  # the candidates, as query() finds them
        if len(rows):
            pool = Pool.of([stored, Table.of_batch(b, np.zeros(1, np.int64))])
            pool.scores(pool.starts[-1], rows, index.config.verifier)
        q_idx.append(time.perf_counter() - t)
        t = time.perf_counter()
        index._decide(b, [None], None)
        a_idx.append(time.perf_counter() - t)
    return {
        "n": n,
        "indexed": len(index),
        "fill_s": fill_seconds,
        "fill_rate": n / fill_seconds,
        "kb_per_article": per_article_kb,
        "query_e2e": _percentiles(q_e2e),
        "add_e2e": _percentiles(a_e2e),
        "query_idx": _percentiles(q_idx),
        "add_idx": _percentiles(a_idx),
        "copies": len(copies_of),
        "copies_found": sum(
            s == "duplicate"
            for r, s in zip(probe_records, statuses, strict=True)
            if r["id"].startswith("copy")
        ),
        "new": len(probe_records) - len(copies_of),
        "new_flagged": sum(
            s == "duplicate"
            for r, s in zip(probe_records, statuses, strict=True)
            if not r["id"].startswith("copy")
        ),
    }


def latency_table(results: list[dict]) -> str:
    head = (
        "| indexed articles | fill (docs/s) | memory per article | query p50 / p99 (index) "
        "| add p50 / p99 (index) | query p50 / p99 (end to end) | add p50 / p99 (end to end) "
        "| copies found | new stories flagged |"
    )
    rows = [head, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]

    def ms(pair: tuple[float, float]) -> str:
        return f"{pair[0]:.2f} / {pair[1]:.2f} ms"

    for r in results:
        rows.append(
            f"| {r['indexed']:,} | {r['fill_rate']:,.0f} | {r['kb_per_article']:.1f} KB "
            f"| {ms(r['query_idx'])} | {ms(r['add_idx'])} | {ms(r['query_e2e'])} | {ms(r['add_e2e'])} "
            f"| {r['copies_found']:,} of {r['copies']:,} | {r['new_flagged']:,} of {r['new']:,} |"
        )
    return "\n".join(rows)


# --- Redis -------------------------------------------------------------------------------------


def start_redis() -> tuple[str, subprocess.Popen, str]:
    server = shutil.which("redis-server")
    if server is None:
        raise SystemExit("no redis-server: apt-get install redis-server, or pass --redis URL")
    tmp = tempfile.mkdtemp()
    sock = os.path.join(tmp, "redis.sock")
    proc = subprocess.Popen(
        [server, "--port", "0", "--unixsocket", sock, "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    for _ in range(100):
        if os.path.exists(sock):
            break
        time.sleep(0.05)
    return f"unix://{sock}?db=0", proc, tmp


def redis_table(url: str, docs: int, one_at_a_time: int, stories: list[dict]) -> str:
    import redis
    from datasketch import MinHashLSH

    from newsdedup.index.redis import redis_connection_kwargs

    kwargs = redis_connection_kwargs(url)
    redis.Redis(**kwargs).flushdb()
    records = [rec for _, rec in distinct_stories(docs, stories)]
    probe = NearDupIndex()
    batch, _ = probe._sign([validate(i, r, probe.config.fields) for i, r in enumerate(records)])
    rows = []

    # newsdedup: the index's own batched paths, on the signatures.
    index = NearDupIndex(storage=url, name="bench")
    store = index._store
    t = time.perf_counter()
    for lo in range(0, docs, 5000):
        part = type(batch)(
            batch.keys[lo : lo + 5000],
            batch.signatures[lo : lo + 5000],
            batch.sizes[lo : lo + 5000],
            batch.numbers[lo : lo + 5000],
            batch.dates[lo : lo + 5000],
        )
        store.insert(part, list(range(len(part.keys))), store.reserve(len(part.keys)))
    ours_insert = docs / (time.perf_counter() - t)
    t = time.perf_counter()
    for lo in range(0, docs, 5000):
        store.candidates(batch.signatures[lo : lo + 5000])
    ours_query = docs / (time.perf_counter() - t)
    # End to end: add_many of new records (clean, sign, check, insert) against the filled index.
    more = [{**r, "id": f"{r['id']}-b"} for r in records[: min(docs, 5000)]]
    t = time.perf_counter()
    out = index.add_many(more)
    ours_e2e = len(more) / (time.perf_counter() - t)
    assert all(o.status == "duplicate" for o in out)
    redis.Redis(**kwargs).flushdb()

    # datasketch as its docs show: MinHashLSH with Redis storage, one insert / query per call.
    lsh = MinHashLSH(
        threshold=index.config.lsh_threshold,
        num_perm=index.config.num_perm,
        storage_config={"type": "redis", "basename": b"dsbench", "redis": kwargs},
    )
    m = [lean_minhash(batch.signatures[i], index.config.seed) for i in range(one_at_a_time)]
    t = time.perf_counter()
    for i in range(one_at_a_time):
        lsh.insert(records[i]["id"], m[i])
    ds_insert = one_at_a_time / (time.perf_counter() - t)
    t = time.perf_counter()
    for i in range(one_at_a_time):
        lsh.query(m[i])
    ds_query = one_at_a_time / (time.perf_counter() - t)
    # datasketch's own buffered session, for completeness.
    redis.Redis(**kwargs).flushdb()
    lsh = MinHashLSH(
        threshold=index.config.lsh_threshold,
        num_perm=index.config.num_perm,
        storage_config={"type": "redis", "basename": b"dsbench2", "redis": kwargs},
    )
    t = time.perf_counter()
    with lsh.insertion_session() as session:
        for i in range(one_at_a_time):
            session.insert(records[i]["id"], m[i])
    ds_session = one_at_a_time / (time.perf_counter() - t)
    redis.Redis(**kwargs).flushdb()

    rows.append("| system | articles | inserts/s | queries/s | insert ratio | query ratio |")
    rows.append("|---|---:|---:|---:|---:|---:|")
    rows.append(
        f"| newsdedup NearDupIndex (one server-side script per 500 articles) | {docs:,} "
        f"| {ours_insert:,.0f} | {ours_query:,.0f} "
        f"| **{ours_insert / ds_insert:.1f}x** | **{ours_query / ds_query:.1f}x** |"
    )
    rows.append(
        f"| datasketch MinHashLSH Redis, one call at a time | {one_at_a_time:,} "
        f"| {ds_insert:,.0f} | {ds_query:,.0f} | 1.0x | 1.0x |"
    )
    rows.append(
        f"| datasketch MinHashLSH Redis, insertion_session | {one_at_a_time:,} | {ds_session:,.0f} | n/a "
        f"| {ds_session / ds_insert:.1f}x | |"
    )
    rows.append("")
    rows.append(
        f"End to end, `NearDupIndex.add_many` of {len(more):,} copies against the {docs:,} indexed "
        f"(clean, shingle, sign, look up, verify): **{ours_e2e:,.0f} articles/s**, all found as duplicates."
    )
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--probes", type=int, default=2000)
    parser.add_argument("--redis", help="Redis URL (default: start a redis-server here)")
    parser.add_argument("--redis-docs", type=int, default=20_000)
    parser.add_argument("--one-at-a-time", type=int, default=3000, help="datasketch calls to time")
    parser.add_argument("--only", choices=("latency", "redis"))
    args = parser.parse_args()
    stories = reuters_stories()
    parts = [
        "# bench_index",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}. "
        f"Command: `python benchmarks/bench_index.py {' '.join(sys.argv[1:])}`".rstrip(),
    ]
    if args.only != "redis":
        results = []
        for n in args.sizes:
            results.append(latency(n, args.probes, stories))
            print(f"latency at {n:,}: {results[-1]}", file=sys.stderr)
        parts += ["", "## Latency and memory (memory storage)", "", latency_table(results)]
    if args.only != "latency":
        proc = tmp = None
        url = args.redis
        if url is None:
            url, proc, tmp = start_redis()
        try:
            parts += [
                "",
                "## Redis storage",
                "",
                redis_table(url, args.redis_docs, args.one_at_a_time, stories),
            ]
        finally:
            if proc is not None:
                proc.terminate()
                proc.wait()
                shutil.rmtree(tmp, ignore_errors=True)
    text = "\n".join(parts) + "\n"
    print(text)
    RESULTS.mkdir(exist_ok=True)
    suffix = (
        ""
        if args.only is None and args.sizes == [100_000, 1_000_000]
        else "-" + "-".join([args.only or "all", *map(str, args.sizes)])
    )
    (RESULTS / f"bench_index{suffix}.md").write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
