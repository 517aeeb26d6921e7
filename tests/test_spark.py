"""The Spark path gives the local outcomes, record for record (one shared local[2] session)."""

import sys
from pathlib import Path

import pytest

pyspark = pytest.importorskip("pyspark", reason="the [spark] extra is not installed")

import newsdedup  # noqa: E402
import newsdedup.spark  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))


@pytest.fixture(scope="module")
def spark():
    import os

    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # workers import newsdedup from this venv
    session = (
        SparkSession.builder.master("local[2]")
        .appName("newsdedup-tests")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    yield session
    session.stop()


def _corpus() -> list[dict]:
    """The sample (chains of truncated and extended copies, same-template hard negatives) and a
    generated wire corpus from our fixture stories, plus rows that cannot be compared."""
    from generate import generate

    records, _ = generate(600, seed=3, base="fixtures")
    rows = [
        {k: r.get(k) for k in ("id", "title", "text", "source", "published_at")}
        for r in [*newsdedup.load_sample(), *records]
    ]
    rows += [
        {"id": "empty-1", "text": "   ", "title": None, "source": None, "published_at": None},
        {"id": "widgets-1", "text": "Share\nTweet", "title": None, "source": None, "published_at": None},
        {"id": "none-1", "text": None, "title": None, "source": None, "published_at": None},
    ]
    return sorted(rows, key=lambda r: r["id"])  # "first" on Spark is the smallest id


@pytest.mark.parametrize(
    ("settings", "cluster"),
    [
        ({}, "auto"),
        ({"max_bucket": 3, "keep": "earliest"}, "driver"),
        ({"max_bucket": 3, "keep": "earliest"}, "spark"),
        ({"keep": ["AFP", "Reuters"]}, "spark"),
    ],
)
def test_spark_dedup_equals_local_dedup(spark, settings, cluster):
    records = _corpus()
    local = {o.id: o.to_dict() for o in newsdedup.dedup(records, on_error="skip", **settings)}
    df = spark.createDataFrame(
        records, schema="id string, title string, text string, source string, published_at string"
    )
    out = newsdedup.spark.dedup(df, cluster=cluster, **settings).toPandas()
    assert len(out) == len(records)
    got = {
        row["id"]: {
            "status": row["dedup_status"],
            "cluster": row["dedup_cluster"],
            "duplicate_of": row["dedup_duplicate_of"],
            "resemblance": row["dedup_resemblance"],
            "containment": row["dedup_containment"],
            "reason": row["dedup_reason"],
        }
        for _, row in out.iterrows()
    }
    for rid, want in local.items():
        have = {k: (None if v != v else v) for k, v in got[rid].items()}  # NaN -> None
        assert have == want, (rid, have, want)
    assert sum(o["status"] == "duplicate" for o in local.values()) > 100


def test_spark_clean(spark):
    df = spark.createDataFrame(
        [("a", "Share\nIt&#39;s raining.", None)], schema="id string, text string, title string"
    )
    assert newsdedup.spark.clean(df).collect()[0]["text"] == "It's raining."


def test_spark_rejects_repeated_ids(spark):
    df = spark.createDataFrame([("a", "one"), ("a", "two")], schema="id string, text string")
    with pytest.raises(ValueError, match="not unique"):
        newsdedup.spark.dedup(df)


def test_cli_engine_spark_writes_the_output_contract(spark, tmp_path):
    import json as _json

    from newsdedup.cli import main

    records = sorted(newsdedup.load_sample(), key=lambda r: r["id"])
    src = tmp_path / "in.jsonl"
    src.write_text("".join(_json.dumps(r) + "\n" for r in records))
    assert main(["dedup", str(src), "--engine", "spark", "-o", str(tmp_path / "out"), "-q"]) == 0
    rows = [
        _json.loads(line) for part in sorted((tmp_path / "out").glob("part-*.json")) for line in part.open()
    ]
    got = {r["id"]: r["dedup"] for r in rows}
    want = {o.id: o.to_dict() for o in newsdedup.dedup(records)}
    assert {k: {f: v.get(f) for f in want[k]} for k, v in got.items()} == want
    assert set(rows[0]) >= {"id", "title", "text", "source", "published_at", "story", "dedup"}


def test_readme_spark_example_runs_as_written(spark):
    import re

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    (block,) = [
        b for b in re.findall(r"```python\n(.*?)```", readme, flags=re.S) if "newsdedup.spark.dedup" in b
    ]
    scope: dict = {}
    exec(compile(block, "README.md", "exec"), scope)
    assert scope["counts"] == {"kept": 34, "duplicate": 88}
    assert scope["cleaned"].count() == 122


def test_components_are_scipys(spark):
    import random

    import numpy as np
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    from newsdedup.distributed.spark import components

    rng = random.Random(5)
    nodes = [f"n{k:03d}" for k in range(120)]
    pairs = {tuple(sorted(rng.sample(nodes, 2))) for _ in range(110)}
    pairs |= {(nodes[k], nodes[k + 1]) for k in range(40, 70)}  # a long chain: several rounds
    edges = spark.createDataFrame(sorted(pairs), schema="a string, b string")
    found, rounds = components(edges)
    got = {r["node"]: r["root"] for r in found.collect()}
    index = {n: k for k, n in enumerate(nodes)}
    a = np.array([[index[x], index[y]] for x, y in pairs])
    labels = connected_components(coo_matrix((np.ones(len(a)), (a[:, 0], a[:, 1])), shape=(120, 120)))[1]
    linked = {n for p in pairs for n in p}
    for n in linked:
        same = [m for m in linked if labels[index[m]] == labels[index[n]]]
        assert got[n] == min(same)
    assert set(got) == linked and rounds >= 2


_CONNECT = """
import json, os, sys
os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
from pyspark.sql import SparkSession
import newsdedup, newsdedup.spark
spark = SparkSession.builder.remote("local[2]").getOrCreate()
records = sorted(newsdedup.load_sample(), key=lambda r: r["id"])
df = spark.createDataFrame(records)
out = {}
for cluster in ("driver", "spark"):
    out_df = newsdedup.spark.dedup(df, cluster=cluster)
    rows = out_df.select("id", "dedup_status", "dedup_duplicate_of").collect()
    out[cluster] = {r["id"]: [r["dedup_status"], r["dedup_duplicate_of"]] for r in rows}
spark.stop()
print(json.dumps(out))
"""


def test_spark_connect_gives_the_local_outcomes():
    import json
    import subprocess

    pytest.importorskip("grpc", reason="Spark Connect needs pyspark[connect]")
    done = subprocess.run([sys.executable, "-c", _CONNECT], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    got = json.loads(done.stdout.strip().splitlines()[-1])
    want = {
        o.id: [o.status, o.duplicate_of]
        for o in newsdedup.dedup(sorted(newsdedup.load_sample(), key=lambda r: r["id"]))
    }
    assert got["driver"] == want and got["spark"] == want


def test_cli_engine_spark_honours_every_field_option(spark, tmp_path):
    import json as _json

    from newsdedup.cli import main

    names = {"id": "key", "text": "body", "title": "head", "published_at": "pub", "source": "outlet"}
    story = next(r for r in newsdedup.load_sample() if len(r["text"]) > 400)
    records = [
        {
            "key": "a",
            "body": story["text"],
            "head": story["title"],
            "pub": "2026-10-02T09:00:00Z",
            "outlet": "X",
        },
        {
            "key": "b",
            "body": "Share\n" + story["text"],
            "head": story["title"],
            "pub": "2026-10-01T06:00:00Z",
        },
        {"key": "c", "body": "Advertisement", "head": None, "pub": None, "outlet": None},
    ]
    records += [{names[k]: v for k, v in r.items() if k in names} for r in newsdedup.load_sample()[:40]]
    records.sort(key=lambda r: r["key"])  # "first" on Spark is the smallest id
    src = tmp_path / "in.jsonl"
    src.write_text("".join(_json.dumps(r) + "\n" for r in records))
    options = ["--keep", "earliest", "-q", *(x for k, v in names.items() for x in (f"--{_flag(k)}-field", v))]
    assert main(["dedup", str(src), "-o", str(tmp_path / "local.jsonl"), *options]) == 0
    assert main(["dedup", str(src), "--engine", "spark", "-o", str(tmp_path / "out"), *options]) == 0
    local = {r["key"]: r["dedup"] for r in map(_json.loads, (tmp_path / "local.jsonl").open())}
    got = {
        r["key"]: {f: r["dedup"].get(f) for f in local[r["key"]]}
        for part in sorted((tmp_path / "out").glob("part-*.json"))
        for r in map(_json.loads, part.open())
    }
    assert local["a"]["duplicate_of"] == "b"  # the earlier by --date-field, not the first
    assert local["c"]["status"] == "rejected"
    assert got == local


def _flag(field: str) -> str:
    return {"published_at": "date"}.get(field, field)
