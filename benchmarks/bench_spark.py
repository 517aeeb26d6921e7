"""newsdedup on Spark (``local[2]``) against the local multiprocess run, on generated wire corpora.

    pip install -e '.[spark,bench]'
    python benchmarks/bench_spark.py                 # 100k
    python benchmarks/bench_spark.py --sizes 100000 1000000

For each size: docs/s of ``newsdedup.spark.dedup`` (session start excluded, reported apart) and of
the local ``dedup(..., workers=2)``, whether the outcomes are identical record for record, and
the time of each Spark stage (sign, candidate pairs, verify, cluster on the driver, join back).
Writes ``benchmarks/results/bench_spark.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import newsdedup  # noqa: E402
import newsdedup.spark  # noqa: E402
from newsdedup.distributed import spark as nds  # noqa: E402
from run import corpus  # noqa: E402

RESULTS = HERE / "results"


def stage_times(df, cfg) -> dict[str, float]:
    """Each stage forced and timed on its own (the same code dedup() runs)."""
    fields = cfg.fields
    times = {}
    t = time.perf_counter()
    signed = (
        df.select("id", "text", "title", "source", "published_at")
        .mapInPandas(nds._signer(cfg, fields), schema=nds._SIGNED_SCHEMA)
        .cache()
    )
    signed.count()
    times["sign"] = time.perf_counter() - t
    t = time.perf_counter()
    pairs = nds._candidate_pairs(signed, cfg).cache()
    n_pairs = pairs.count()
    times["candidate pairs"] = time.perf_counter() - t
    t = time.perf_counter()
    edges = nds._verify(pairs, signed, cfg).collect()
    times["verify"] = time.perf_counter() - t
    t = time.perf_counter()
    decided = nds._cluster_on_driver(signed, edges, cfg)
    times["cluster (driver)"] = time.perf_counter() - t
    times["pairs"], times["edges"], times["duplicates"] = n_pairs, len(edges), len(decided)
    signed.unpersist()
    pairs.unpersist()
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--master", default="local[2]")
    args = parser.parse_args()
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    t = time.perf_counter()
    spark = (
        SparkSession.builder.master(args.master)
        .appName("bench_spark")
        .config("spark.driver.memory", "8g")
        .config("spark.sql.shuffle.partitions", "16")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    start_s = time.perf_counter() - t
    rows = []
    stages = []
    for size in args.sizes:
        folder = corpus(size, "reuters")
        records = [json.loads(line) for line in (folder / "records.jsonl").open(encoding="utf-8")]
        records = sorted(
            ({k: r.get(k) for k in ("id", "title", "text", "source", "published_at")} for r in records),
            key=lambda r: r["id"],
        )
        t = time.perf_counter()
        local = newsdedup.dedup(records, workers=2, on_error="skip")
        local_s = time.perf_counter() - t
        schema = "id string, title string, text string, source string, published_at string"
        df = spark.createDataFrame(records, schema=schema).repartition(8).cache()
        df.count()
        t = time.perf_counter()
        out = newsdedup.spark.dedup(df).select("id", *nds.OUTCOME_COLUMNS).collect()
        spark_s = time.perf_counter() - t
        got = {r["id"]: (r["dedup_status"], r["dedup_cluster"], r["dedup_duplicate_of"]) for r in out}
        same = all(
            got[o.id] == (o.status, None if o.cluster is None else str(o.cluster), o.duplicate_of)
            for o in local
        )
        cfg = newsdedup.DedupConfig(on_error="skip")
        times = stage_times(df, cfg)
        df.unpersist()
        rows.append((size, spark_s, local_s, same))
        stages.append((size, times))
        print(size, spark_s, local_s, same, times, file=sys.stderr, flush=True)
    lines = [
        "# bench_spark",
        "",
        f"`python benchmarks/bench_spark.py {' '.join(sys.argv[1:])}`".replace(" `", "`")
        + f" on {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"Spark master {args.master}; session start {start_s:.1f} s (not counted below).",
        "",
        "| docs | Spark s | Spark docs/s | local, 2 workers, s | local docs/s | Spark / local "
        "| outcomes identical |",
        "|---:|---:|---:|---:|---:|---:|---|",
    ]
    for size, spark_s, local_s, same in rows:
        lines.append(
            f"| {size:,} | {spark_s:.1f} | {size / spark_s:,.0f} | {local_s:.1f} | {size / local_s:,.0f} "
            f"| {local_s / spark_s:.2f}x | {'yes' if same else 'NO'} |"
        )
    lines += ["", "Stages (each forced and timed on its own):", ""]
    lines += ["| docs | stage | seconds |", "|---:|---|---:|"]
    for size, times in stages:
        for stage, value in times.items():
            if stage in ("pairs", "edges", "duplicates"):
                lines.append(f"| {size:,} | {stage} (count) | {value:,} |")
            else:
                lines.append(f"| {size:,} | {stage} | {value:.1f} |")
    text = "\n".join(lines) + "\n"
    print(text)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "bench_spark.md").write_text(text, encoding="utf-8")
    spark.stop()
    return 0 if all(r[3] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
