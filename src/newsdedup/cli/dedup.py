"""``newsdedup dedup``: every record with its outcome, locally, against an index, or on Spark.

Owns: the dedup command's arguments, its two passes over the input (outcomes, then rows), the
``--against`` index and the files beside the output (``--clusters``, ``--report``). It must
not decide outcomes (batch, index, Spark do, from the settings built once here).
"""

from __future__ import annotations

import argparse
import contextlib
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

from .. import __version__
from ..batch import Deduplicator
from ..compiled import kernels
from ..index import NearDupIndex
from ..index.files import locked
from ..io import check_txt_names, json_text, output_format, read_records, write_records, written_to_folder
from ..outcome import Outcome
from ..output import Staging, check_outputs, open_output, together
from ..records import name_by_location
from ..report import cluster_rows, make_report, output_row, summary_screen
from ..settings import DedupConfig, settings_record
from .common import (
    Rows,
    add_common,
    add_dedup_settings,
    bar,
    input_digest,
    input_folders,
    input_name,
    input_paths,
    input_reader,
    input_total,
    is_url,
    open_index,
    progress,
    read_as,
    say,
    settings_from_args,
)

__all__ = ["add_parser", "cmd_dedup"]


def cmd_dedup(args: argparse.Namespace) -> int:
    config = settings_from_args(args)
    start = time.perf_counter()
    if args.engine == "spark":
        return _dedup_on_spark(args, config, start)
    if args.update_index and not args.against:
        raise ValueError("--update-index needs --against INDEX")
    against = [args.against] if args.against and not is_url(args.against) else []
    outputs = {"-o": args.output, "--clusters": args.clusters, "--report": args.report}
    check_outputs(outputs, inputs=[*input_paths(args), *against], folders=("-o",))
    index: NearDupIndex | None = None
    updates_file = bool(args.update_index and against)
    # The outputs of the run are put in place together, once all of them are complete; an index
    # file updated is held under its lock from its load to its save.
    with (
        locked(args.against) if updates_file else contextlib.nullcontext(),
        input_reader(args) as read,
        together() as staging,
    ):
        # Pass 1: outcomes, from the records as a stream (only signatures stay in memory).
        locations: list[str] = []
        keyed = name_by_location(read(), locations, config.fields, input_folders(args))
        # The bar counts records as they are read: ahead of the signing by at most its backlog.
        keyed = bar(args, keyed, "deciding", input_total(args) if progress(args) else None)
        if args.against:
            index, save = _against(args, config)
            if args.update_index:
                outcomes = index.add_many(keyed, locations=locations)
                if save is not None:
                    index.save(save)
            else:
                outcomes = list(index.check_many(keyed, locations=locations))
        else:
            outcomes = Deduplicator(config).run(keyed, locations=locations)
        report = _write_outputs(args, config, read, outcomes, locations, start, staging)
    say(args, summary_screen(report, None if index is None else len(index)))
    return 0


def _write_outputs(
    args: argparse.Namespace,
    config: DedupConfig,
    read: Callable[[], Rows],
    outcomes: Sequence[Outcome],
    locations: Sequence[str],
    start: float,
    staging: Staging,
) -> dict[str, Any]:
    """Pass 2: the input again, each record with its outcome, in order; then the files beside it."""

    def rows() -> Iterator[dict[str, Any]]:
        for (location, record), outcome in zip(read(), outcomes, strict=True):
            if not args.only_kept or outcome.status == "kept":
                yield output_row(location, record, outcome)

    fields = config.fields
    if output_format(args.output)[0] == "txt":  # a folder of texts: its file names checked first
        check_txt_names((r[fields.id] for r in rows() if written_to_folder(r, fields)), args.output)
    total = sum(1 for o in outcomes if not args.only_kept or o.status == "kept")
    written = write_records(args.output, bar(args, rows(), "writing", total), fields=fields, staging=staging)
    seconds = time.perf_counter() - start
    if args.clusters:
        write_records(args.clusters, cluster_rows(outcomes), staging=staging)
    report = make_report(outcomes, locations, seconds)
    report.update(input=input_name(args), output=args.output, written=written, against=args.against)
    if args.report:  # what reproduces the run
        started = datetime.now(timezone.utc) - timedelta(seconds=seconds)
        report.update(
            newsdedup=__version__,
            kernels=kernels(),
            started_at=started.isoformat(timespec="seconds"),
            input_digest=input_digest(args),
            settings=settings_record(config),
        )
    if args.report:
        with open_output(args.report, staging=staging) as out:
            out.write(json_text(report, indent=2) + "\n")
    return report


def _dedup_on_spark(args: argparse.Namespace, config: DedupConfig, start: float) -> int:
    unavailable = args.against or args.only_kept or args.clusters or args.report
    paths = input_paths(args)
    if args.output == "-" or paths == ["-"] or len(paths) > 1 or unavailable:
        raise ValueError(
            "--engine spark reads one file or folder and writes a folder (-o OUT); --against, "
            "--only-kept, --clusters and --report are not available there yet"
        )
    check_outputs({"-o": args.output}, inputs=paths, folders=("-o",))
    from ..distributed.spark import run_files

    counts = run_files(paths[0], args.output, master=args.spark_master, config=config)
    say(
        args,
        f"newsdedup dedup (spark, {args.spark_master}): {sum(counts.values()):,} records in "
        f"{time.perf_counter() - start:.1f} s: "
        + ", ".join(f"{k} {v:,}" for k, v in sorted(counts.items()))
        + f" -> {args.output}/",
    )
    return 0


def _is_corpus(target: str) -> bool:
    return target.endswith((".jsonl", ".json", ".ndjson")) or target == "-"


def _against(args: argparse.Namespace, config: DedupConfig) -> tuple[NearDupIndex, str | None]:
    """The index that ``--against`` names, and the file to save it to after an update (if any)."""
    target = args.against
    if config.keep != "first":  # a streaming index keeps the first copy it sees
        raise ValueError(
            "--against keeps the first copy seen (the indexed one); drop --keep/--source-priority"
        )
    if _is_corpus(target):
        if args.update_index:
            raise ValueError("--update-index needs an index file or a Redis URL, not a JSONL corpus")
        index = NearDupIndex(config)
        locations: list[str] = []
        rows = name_by_location(read_records(target, fields=config.fields), locations, config.fields)
        index.add_many(bar(args, rows, "indexing"), locations=locations)
        return index, None
    index, save = open_index(target, args.index_name)
    return read_as(index, args), save


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "dedup",
        help="find near-duplicate articles and mark each record",
        description="Write every input record, in order and with every field, plus a 'dedup' "
        "object: status (kept|duplicate|rejected), cluster (id of the cluster's "
        "canonical record), duplicate_of, resemblance, containment, reason.",
    )
    add_common(p)
    add_dedup_settings(p)
    p.add_argument(
        "--keep",
        choices=("first", "earliest", "longest"),
        default="first",
        help="which copy of a cluster is kept as canonical (default first)",
    )
    p.add_argument(
        "--source-priority",
        metavar="A,B,...",
        help="keep the copy from the first source listed (e.g. Reuters,AP,AFP); overrides --keep",
    )
    p.add_argument(
        "--workers", type=int, default=1, help="processes that clean and sign (default 1; same output)"
    )
    g = p.add_argument_group("against an existing index")
    g.add_argument(
        "--against",
        metavar="INDEX",
        help="mark the records that duplicate anything in INDEX (an index file, a Redis URL, or a "
        "JSONL corpus) or an earlier record of the input; the canonical copy is the indexed one",
    )
    g.add_argument(
        "--update-index", action="store_true", help="also add the kept records to INDEX (file or Redis)"
    )
    g.add_argument("--index-name", default="newsdedup", help="name of a Redis index (default newsdedup)")
    g = p.add_argument_group("scale-out")
    g.add_argument(
        "--engine",
        choices=("local", "spark"),
        default="local",
        help="local (default), or spark: read a JSONL/Parquet file or folder, write a folder of parts",
    )
    g.add_argument("--spark-master", default="local[2]", help="Spark master URL (default local[2])")
    g = p.add_argument_group("what else to write")
    g.add_argument(
        "--only-kept", action="store_true", help="write the kept records only (the deduplicated corpus)"
    )
    g.add_argument(
        "--clusters",
        metavar="FILE",
        help="JSONL, one line per cluster: canonical id, members with their scores",
    )
    g.add_argument(
        "--report",
        metavar="FILE",
        help="JSON summary: counts, duplicate rate, cluster sizes, and each rejected record with "
        "its reason and location",
    )
    p.set_defaults(func=cmd_dedup)
