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
    from pyspark.sql import SparkSession

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
    "settings", [{}, {"max_bucket": 3, "keep": "earliest"}, {"keep": ["AFP", "Reuters"]}]
)
def test_spark_dedup_equals_local_dedup(spark, settings):
    records = _corpus()
    local = {o.id: o.to_dict() for o in newsdedup.dedup(records, on_error="skip", **settings)}
    df = spark.createDataFrame(
        records, schema="id string, title string, text string, source string, published_at string"
    )
    out = newsdedup.spark.dedup(df, **settings).toPandas()
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
