"""Batch dedup on Apache Spark, with the same answers as the local run (the ``[spark]`` extra).

DataFrame API only (no RDDs, no ``sparkContext``), so the same code runs on classic Spark and on
Spark Connect. The stages follow the local ones:

1. clean, shingle and sign each record in ``mapInPandas`` with the local batch kernels;
2. explode one (band, key) row per document and band; group by (band, key): every pair inside
   a bucket, or star edges to the bucket's smallest id when it holds more than ``max_bucket``
   (as ``lsh.candidate_pairs`` does locally);
3. verify every candidate pair on its two signatures, set sizes and numbers, in ``mapInPandas``;
4. cluster with the very function the local run uses (components, then the no-chaining split and
   the canonical choice): on the driver when the verified edges are few enough to collect, else
   components by large-star/small-star rounds in DataFrame operations and each component
   clustered in an executor (``cogroup`` + ``applyInPandas``); the outcomes are joined back.

"first" means the smallest id here (a DataFrame has no input order): a local run over the same
records sorted by id gives the same outcomes, record for record (a test checks it). Ids are
taken from the data and must be unique.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import numpy as np

from ..cleaning import Cleaner
from ..errors import require
from ..matching.cluster import Member, cluster_candidates, parse_date
from ..matching.lsh import band_params, row_keys
from ..matching.signing import sign
from ..matching.verify import containment, number_table, resemblance
from ..outcome import OUTCOME_COLUMNS
from ..records import Fields, Valid, fields_in, is_missing, validate
from ..settings import DedupConfig, MatchSettings

__all__ = ["MAX_COLLECTED_EDGES", "OUTCOME_COLUMNS", "clean", "components", "dedup", "run_files"]

#: Up to this many verified edges, ``cluster="auto"`` clusters on the driver; beyond, in Spark.
MAX_COLLECTED_EDGES = 5_000_000


def _spark() -> Any:
    return require("pyspark.sql.functions", extra="spark", purpose="newsdedup.spark")


def clean(df: Any, *, text: str = "text", title: str | None = "title", disable: tuple[str, ...] = ()) -> Any:
    """``df`` with its ``text`` column cleaned (rows and other columns unchanged)."""
    _spark()
    head = title if title and title in df.columns else None

    def run(batches: Iterator[Any]) -> Iterator[Any]:
        cleaner = Cleaner(disable=disable)
        for pdf in batches:
            titles = pdf[head] if head else [None] * len(pdf)
            pdf[text] = [
                cleaner.clean(t, h if isinstance(h, str) else None).text if isinstance(t, str) else t
                for t, h in zip(pdf[text], titles, strict=True)
            ]
            yield pdf

    return df.mapInPandas(run, schema=df.schema)


def dedup(
    df: Any,
    *,
    text: str = "text",
    id: str = "id",
    title: str | None = "title",
    date: str | None = "published_at",
    source: str | None = "source",
    cluster: str = "auto",
    timings: dict[str, float] | None = None,
    config: MatchSettings | None = None,
    **settings: Any,
) -> Any:
    """``df`` with the outcome columns (:data:`OUTCOME_COLUMNS`) added; settings as
    :class:`~newsdedup.DedupConfig` (``keep`` a name or a source list; a callable cannot be
    shipped to the cluster), given as keywords or whole as ``config`` (its ``fields`` are
    replaced by the column names given here). Bad rows are always ``rejected``, never raised.

    ``cluster``: "driver" collects the verified edges and clusters them on the driver (scipy);
    "spark" finds the components in DataFrame operations (large-star/small-star) and clusters
    each component in an executor; "auto" (default) takes the driver below
    :data:`MAX_COLLECTED_EDGES` edges. All three give the same outcomes. The outcomes are
    computed here (checkpointed); the join back to ``df`` is left lazy. A ``timings`` dict gets
    the seconds of each stage and the counts between them.
    """
    clock = _Clock(timings)
    if cluster not in ("auto", "driver", "spark"):
        raise ValueError(f"cluster must be auto, driver or spark, got {cluster!r}")
    F = _spark()
    fields, present = fields_in(df.columns, text=text, id=id, title=title, date=date, source=source)
    if config is not None and settings:
        raise TypeError("give either config=... or keyword settings, not both")
    base = config if config is not None else DedupConfig(**settings)
    cfg = replace(base.match, fields=fields, on_error="skip")
    if callable(cfg.keep) and not isinstance(cfg.keep, (str, list, tuple)):
        raise ValueError("on Spark, keep must be first, earliest, longest or a source list")
    if id not in df.columns or text not in df.columns:
        raise KeyError(f"the DataFrame needs columns {id!r} and {text!r} (it has {df.columns})")
    if df.groupBy(id).count().where("count > 1").limit(1).count():
        raise ValueError(f"ids in column {id!r} are not unique; dedup needs one id per row")

    wanted = [id, text, *present]
    signed = df.select(*wanted).mapInPandas(_signer(cfg, fields), schema=_SIGNED_SCHEMA).cache()
    try:
        clock.stage("sign", signed.count)
        pairs = _candidate_pairs(signed, cfg).localCheckpoint(eager=timings is not None)
        clock.stage("candidate pairs", pairs.count, count="pairs")
        verified = _verify(pairs, signed, cfg).localCheckpoint()
        clock.stage("verify", verified.count, count="verified edges")
        on_driver = cluster == "driver"
        if cluster == "auto":
            on_driver = verified.limit(MAX_COLLECTED_EDGES + 1).count() <= MAX_COLLECTED_EDGES
        if on_driver:
            edges = verified.collect()
            outcomes = _decide(_members(signed, verified).toPandas(), edges, cfg)
            decided = df.sparkSession.createDataFrame(outcomes, schema=_OUTCOME_SCHEMA) if outcomes else None
            clock.stage("cluster (driver)")
        else:
            decided = _cluster_in_spark(signed, verified, cfg, clock).localCheckpoint()
            clock.stage("cluster (components and split in executors)")
        result = _outcome_table(signed, decided)
        result = result.localCheckpoint()  # the outcomes are computed while the signatures are cached
        clock.stage("outcomes")
        keyed = df.withColumn("__id", F.col(id).cast("string"))
        return keyed.join(result, on="__id", how="left").drop("__id")
    finally:
        signed.unpersist()


def _outcome_table(signed: Any, decided: Any) -> Any:
    """The outcome columns of every signed row: rejected with its reason, a duplicate as
    ``decided`` (rows ``__id, d_of, d_res, d_cont``, or None when there are none), else kept."""
    F = _spark()
    base = signed.select(
        F.col("id").alias("__id"),
        F.when(F.col("reason").isNull(), F.lit("kept")).otherwise(F.lit("rejected")).alias("s0"),
        F.when(F.col("reason").isNull(), F.col("id")).alias("c0"),
        F.col("reason").alias("dedup_reason"),
    )
    if decided is not None:
        base = base.join(decided, on="__id", how="left")
    else:
        base = base.withColumn("d_of", F.lit(None).cast("string"))
        base = base.withColumn("d_res", F.lit(None).cast("double"))
        base = base.withColumn("d_cont", F.lit(None).cast("double"))
    return base.select(
        "__id",
        F.when(F.col("d_of").isNotNull(), F.lit("duplicate")).otherwise(F.col("s0")).alias("dedup_status"),
        F.coalesce(F.col("d_of"), F.col("c0")).alias("dedup_cluster"),
        F.col("d_of").alias("dedup_duplicate_of"),
        # half to even, as Python's round() in the local output (Outcome.to_dict)
        F.bround(F.col("d_res"), 4).alias("dedup_resemblance"),
        F.bround(F.col("d_cont"), 4).alias("dedup_containment"),
        "dedup_reason",
    )


class _Clock:
    """Stage times for ``dedup(timings=...)``; without a dict it forces and records nothing."""

    def __init__(self, timings: dict[str, float] | None) -> None:
        self.timings = timings
        self.last = time.perf_counter()

    def stage(self, name: str, force: Any = None, count: str | None = None) -> None:
        if self.timings is None:
            return
        n = force() if force is not None else None
        now = time.perf_counter()
        self.timings[name] = now - self.last
        if count is not None and n is not None:
            self.timings[count] = n
        self.last = time.perf_counter()

    def note(self, name: str, value: float) -> None:
        if self.timings is not None:
            self.timings[name] = value


# --- stage 1: sign ---------------------------------------------------------------------------------

_SIGNED_SCHEMA = (
    "id string, reason string, sig binary, size long, numbers binary, length long, "
    "agency string, source string, published string, bands array<long>, digest long"
)


def _signer(cfg: MatchSettings, fields: Fields) -> Any:
    b, r = band_params(cfg.lsh_threshold, cfg.num_perm, cfg.weights)

    def sign_batches(batches: Iterator[Any]) -> Iterator[Any]:
        import pandas as pd

        for pdf in batches:
            rows = pdf.to_dict("records")
            valid: list[Valid] = []
            reasons: list[str | None] = []
            for k, row in enumerate(rows):
                record = {key: (None if is_missing(v) else v) for key, v in row.items()}
                v = validate(k, record, fields, cfg.max_chars)
                reasons.append(v if isinstance(v, str) else None)
                if isinstance(v, Valid):
                    valid.append(v)
            signed = sign(cfg, [v.text for v in valid], [v.title for v in valid]) if valid else None
            # The band keys of the local run (lsh.candidate_pairs), as Spark longs.
            keys = (
                np.stack([row_keys(signed.signatures[:, i * r : (i + 1) * r]) for i in range(b)], axis=1)
                .view(np.int64)
                .tolist()
                if signed is not None
                else []
            )
            out: dict[str, list[Any]] = {c: [] for c in _SIGNED_COLUMNS}
            j = 0
            for k, row in enumerate(rows):
                reason = reasons[k]
                sig = band = None
                if reason is None:
                    assert signed is not None
                    reason = signed.empty[j]
                    sig, band = signed.signatures[j], keys[j]
                    out["size"].append(int(signed.sizes[j]))
                    out["numbers"].append(
                        signed.numbers[j].astype(np.uint32).tobytes() if signed.numbers else b""
                    )
                    out["length"].append(signed.lengths[j])
                    out["agency"].append(signed.agencies[j])
                    out["digest"].append(int(signed.digests[j].view(np.int64)))  # Spark has no uint64
                    j += 1
                else:
                    out["size"].append(0)
                    out["numbers"].append(b"")
                    out["length"].append(0)
                    out["agency"].append(None)
                    out["digest"].append(0)
                out["id"].append(str(row[fields.id]) if row.get(fields.id) is not None else None)
                out["reason"].append(reason)
                out["sig"].append(
                    None if sig is None or reason is not None else sig.astype(np.uint32).tobytes()
                )
                src, pub = row.get(fields.source), row.get(fields.date)
                out["source"].append(src if isinstance(src, str) else None)
                out["published"].append(None if is_missing(pub) else str(pub))
                out["bands"].append(band if reason is None else None)
            yield pd.DataFrame(out)

    return sign_batches


_SIGNED_COLUMNS = (
    "id",
    "reason",
    "sig",
    "size",
    "numbers",
    "length",
    "agency",
    "source",
    "published",
    "bands",
    "digest",
)


# --- stage 2: candidate pairs -------------------------------------------------------------------


def _candidate_pairs(signed: Any, cfg: MatchSettings) -> Any:
    F = _spark()
    from pyspark.sql import Window

    exploded = signed.where(F.col("reason").isNull()).select("id", F.posexplode("bands").alias("band", "key"))
    bucket = Window.partitionBy("band", "key")
    sized = exploded.withColumn("n", F.count("*").over(bucket)).withColumn("hub", F.min("id").over(bucket))
    sized = sized.where(F.col("n") > 1)
    if cfg.max_bucket is not None:
        # A huge bucket (boilerplate shared by thousands of pages) gives star edges to its smallest id.
        stars = sized.where(F.col("n") > cfg.max_bucket).where(F.col("id") != F.col("hub"))
        stars = stars.select(F.col("hub").alias("a"), F.col("id").alias("b"))
        small = sized.where(F.col("n") <= cfg.max_bucket)
    else:
        stars = None
        small = sized
    left = small.select("band", "key", F.col("id").alias("a"))
    right = small.select("band", "key", F.col("id").alias("b"))
    pairs = left.join(right, on=["band", "key"]).where(F.col("a") < F.col("b")).select("a", "b")
    if stars is not None:
        pairs = pairs.unionByName(stars)
    return pairs.distinct()


# --- stage 3: verify --------------------------------------------------------------------------------


def _verify(pairs: Any, signed: Any, cfg: MatchSettings) -> Any:
    F = _spark()
    side = signed.select("id", "sig", "size", "numbers", "digest")
    a = side.select(*(F.col(c).alias(f"{c}_a") for c in side.columns))
    b = side.select(*(F.col(c).alias(f"{c}_b") for c in side.columns))
    joined = pairs.join(a, pairs.a == a.id_a).join(b, pairs.b == b.id_b)
    joined = joined.select(
        "a", "b", "sig_a", "sig_b", "size_a", "size_b", "numbers_a", "numbers_b", "digest_a", "digest_b"
    )

    def verify(batches: Iterator[Any]) -> Iterator[Any]:
        import pandas as pd

        verifier = cfg.verifier
        for pdf in batches:
            if pdf.empty:
                continue
            n = len(pdf)
            sig = np.frombuffer(b"".join(pdf["sig_a"]) + b"".join(pdf["sig_b"]), dtype=np.uint32)
            sig = sig.reshape(2 * n, cfg.num_perm)
            res = resemblance(sig[:n], sig[n:])
            cont = containment(res, pdf["size_a"].to_numpy(), pdf["size_b"].to_numpy())
            nums = [np.frombuffer(x, dtype=np.uint32) for x in (*pdf["numbers_a"], *pdf["numbers_b"])]
            local = np.stack([np.arange(n), np.arange(n) + n], axis=1)
            sizes = np.concatenate([pdf["size_a"].to_numpy(), pdf["size_b"].to_numpy()])
            digests = np.concatenate([pdf["digest_a"].to_numpy(), pdf["digest_b"].to_numpy()]).astype(
                np.int64
            )
            ok = verifier.decide(local, res, cont, number_table(nums), (sizes, digests.view(np.uint64)))
            yield pd.DataFrame({"a": pdf["a"][ok].to_numpy(), "b": pdf["b"][ok].to_numpy()})

    return joined.mapInPandas(verify, schema="a string, b string")


# --- stage 4: cluster -------------------------------------------------------------------------------

_OUTCOME_SCHEMA = "__id string, d_of string, d_res double, d_cont double"


_MEMBER_COLUMNS = ("id", "sig", "size", "numbers", "length", "agency", "source", "published", "digest")


def _members(signed: Any, verified: Any) -> Any:
    """The signed rows of the documents that have verified edges."""
    F = _spark()
    ends = (
        verified.select(F.col("a").alias("id"))
        .unionByName(verified.select(F.col("b").alias("id")))
        .distinct()
    )
    return signed.join(ends, on="id").select(*_MEMBER_COLUMNS)


def _decide(members: Any, edges: Any, cfg: MatchSettings) -> list[tuple[str, str, float, float]]:
    """The local clustering of ``members`` (a pandas frame of signed rows) linked by ``edges``
    (pairs of ids): the rows of the duplicates. Positions follow the ids, so "first" is the
    smallest id."""
    if len(members) == 0:
        return []
    members = members.sort_values("id", kind="stable").reset_index(drop=True)
    ids = members["id"].tolist()
    position = {i: k for k, i in enumerate(ids)}
    sig = np.frombuffer(b"".join(members["sig"]), dtype=np.uint32).reshape(len(ids), cfg.num_perm)
    sizes = members["size"].to_numpy(dtype=np.int64)
    numbers = number_table([np.frombuffer(x, dtype=np.uint32) for x in members["numbers"]])
    rows = members.to_dict("records")
    people = [
        Member(k, r["id"], r["source"] or r["agency"], parse_date(r["published"]), int(r["length"]))
        for k, r in enumerate(rows)
    ]
    pairs = np.array([[position[a], position[b]] for a, b in edges], dtype=np.int64).reshape(-1, 2)
    pairs = np.unique(np.sort(pairs, axis=1), axis=0)
    digests = members["digest"].to_numpy(dtype=np.int64).view(np.uint64)
    decided = cluster_candidates(cfg.verifier, cfg.keep, sig, sizes, numbers, people, pairs, digests)
    return [(ids[k], ids[c], float(res), float(cont)) for k, (c, res, cont) in sorted(decided.items())]


def components(edges: Any, *, max_rounds: int = 100) -> tuple[Any, int]:
    """Connected components of an undirected graph given as ``a < b`` id pairs, in DataFrame
    operations: large-star and small-star rounds (Kiveris et al., 2014) until nothing changes.
    Returns ``(node, root)`` rows (root: the smallest id of the component) and the rounds taken."""
    F = _spark()
    e = edges.select(F.col("a"), F.col("b")).distinct().localCheckpoint()
    rounds = 0
    while rounds < max_rounds:
        rounds += 1
        both = e.unionByName(e.select(F.col("b").alias("a"), F.col("a").alias("b")))
        # Large star: every neighbour larger than a node hangs from the node's smallest neighbour.
        low = both.groupBy("a").agg(F.min("b").alias("m")).withColumn("m", F.least("m", "a"))
        large = both.where(F.col("b") > F.col("a")).join(low, "a").select(F.col("m").alias("a"), "b")
        large = large.distinct().localCheckpoint()
        # Small star: a node and its smaller neighbours hang from the smallest of them.
        both = large.unionByName(large.select(F.col("b").alias("a"), F.col("a").alias("b")))
        down = both.where(F.col("b") < F.col("a"))
        low = down.groupBy("a").agg(F.min("b").alias("m"))
        small = down.join(low, "a").select(F.col("m").alias("a"), F.col("b"))
        small = small.unionByName(low.select(F.col("m").alias("a"), F.col("a").alias("b")))
        small = small.where(F.col("a") != F.col("b")).distinct().localCheckpoint()
        # Unchanged edges mean convergence: a cheap checksum first, the exact test only when it agrees.
        if _checksum(small) == _checksum(e) and small.exceptAll(e).limit(1).count() == 0:
            break
        e = small
    # Converged: stars, each leaf hanging from its component's smallest id.
    roots = e.select(F.col("a").alias("node"), F.col("a").alias("root")).distinct()
    leaves = e.select(F.col("b").alias("node"), F.col("a").alias("root"))
    return roots.unionByName(leaves).groupBy("node").agg(F.min("root").alias("root")), rounds


def _checksum(edges: Any) -> tuple[int, int]:
    F = _spark()
    hashed = F.xxhash64("a", "b").cast("decimal(38,0)")  # no overflow, whatever the ANSI mode
    row = edges.agg(F.count("*").alias("n"), F.sum(hashed).alias("h")).collect()[0]
    return int(row["n"]), int(row["h"] or 0)


def _cluster_in_spark(signed: Any, verified: Any, cfg: MatchSettings, clock: _Clock | None = None) -> Any:
    """Components in DataFrame operations, then each component clustered in an executor by the
    local function (members and their edges cogrouped by component)."""
    F = _spark()
    comp, rounds = components(verified)
    comp = comp.localCheckpoint()
    if clock is not None:
        clock.note("star rounds", rounds)
    # Components go to a few groups by their root, so that one Python call clusters many of them
    # (the local function finds the components again within a group: the same result).
    groups = int(signed.sparkSession.conf.get("spark.sql.shuffle.partitions") or 8)
    part = comp.select(F.col("node"), F.pmod(F.xxhash64("root"), F.lit(groups)).alias("part"))
    # Fresh column identities on each side, so that cogrouping the two joins is not a self-join.
    members = _members(signed, verified).join(
        part.select(F.col("node").alias("id"), F.col("part").alias("part")), on="id"
    )
    edges = verified.join(part.select(F.col("node").alias("a"), F.col("part").alias("part")), on="a")
    edges = edges.select(F.col("part").alias("part"), "a", "b")

    def decide(member_rows: Any, edge_rows: Any) -> Any:
        import pandas as pd

        rows = _decide(member_rows, list(zip(edge_rows["a"], edge_rows["b"], strict=True)), cfg)
        return pd.DataFrame(rows, columns=["__id", "d_of", "d_res", "d_cont"])

    return (
        members.groupBy("part").cogroup(edges.groupBy("part")).applyInPandas(decide, schema=_OUTCOME_SCHEMA)
    )


def run_files(
    src: str,
    out: str,
    *,
    master: str = "local[2]",
    text: str = "text",
    id: str = "id",
    config: MatchSettings | None = None,
    **settings: Any,
) -> dict[str, int]:
    """``newsdedup dedup --engine spark``: read JSONL or Parquet (a file or a folder of parts), dedup,
    write the records with the output contract's ``dedup`` object, as JSON lines or Parquet parts
    in the folder ``out`` (the format follows ``out``'s name: ``.parquet`` or not).

    Settings are ``config`` whole (its ``fields`` name the columns: text, id, title, date,
    source), or keywords with ``text`` and ``id``.
    """
    F = _spark()
    import os
    import sys

    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # local workers run this interpreter
    session = SparkSession.builder.master(master).appName("newsdedup").getOrCreate()
    reader = session.read
    df = reader.parquet(src) if src.rstrip("/").endswith(".parquet") else reader.json(src)
    if config is not None:
        if settings:
            raise TypeError("give either config=... or keyword settings, not both")
        f = config.fields
        result = dedup(df, text=f.text, id=f.id, title=f.title, date=f.date, source=f.source, config=config)
    else:
        result = dedup(df, text=text, id=id, **settings)
    outcome = F.struct(*(F.col(c).alias(c.removeprefix("dedup_")) for c in OUTCOME_COLUMNS)).alias("dedup")
    final = result.select(*[c for c in result.columns if c not in OUTCOME_COLUMNS], outcome)
    writer = final.write.mode("errorifexists")
    if out.rstrip("/").endswith(".parquet"):
        writer.parquet(out)
    else:
        writer.json(out)
    counts = {r["status"]: r["count"] for r in final.groupBy("dedup.status").count().collect()}
    return {k: int(v) for k, v in counts.items()}
