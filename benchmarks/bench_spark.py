"""newsdedup on Spark (``local[2]``) against the local multiprocess run, on generated wire corpora.

    pip install -e '.[spark,bench]'
    python benchmarks/bench_spark.py                 # 100k
    python benchmarks/bench_spark.py --sizes 100000 1000000

For each size: docs/s of ``newsdedup.spark.dedup`` (session start excluded, reported apart) and of
the local ``dedup(..., workers=2)``, whether the outcomes are identical record for record, and
the time of each Spark stage of that run (sign, candidate pairs, verify, components and split,
outcomes), the candidate and edge counts and the large-star/small-star rounds.
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
STAGES = (
    "sign",
    "candidate pairs",
    "verify",
    "cluster (driver)",
    "cluster (components and split in executors)",
    "outcomes",
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--cluster", choices=("auto", "driver", "spark"), default="spark")
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
        del records
        schema = "id string, title string, text string, source string, published_at string"
        df = spark.read.schema(schema).json(str(folder / "records.jsonl")).repartition(8).cache()
        df.count()
        times: dict[str, float] = {}
        t = time.perf_counter()
        out = newsdedup.spark.dedup(df, cluster=args.cluster, timings=times)
        out = out.select("id", *nds.OUTCOME_COLUMNS).collect()
        spark_s = time.perf_counter() - t
        times["join back and collect"] = spark_s - sum(v for k, v in times.items() if k in STAGES)
        got = {r["id"]: (r["dedup_status"], r["dedup_cluster"], r["dedup_duplicate_of"]) for r in out}
        same = all(
            got[o.id] == (o.status, None if o.cluster is None else str(o.cluster), o.duplicate_of)
            for o in local
        )
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
    lines += ["", f"Stages of the same run (`cluster={args.cluster!r}`), each forced in turn:", ""]
    lines += ["| docs | stage | seconds or count |", "|---:|---|---:|"]
    for size, times in stages:
        for stage, value in times.items():
            shown = f"{value:.1f} s" if stage in STAGES or stage == "join back and collect" else f"{value:,}"
            lines.append(f"| {size:,} | {stage} | {shown} |")
    text = "\n".join(lines) + "\n"
    print(text)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "bench_spark.md").write_text(text, encoding="utf-8")
    spark.stop()
    return 0 if all(r[3] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
