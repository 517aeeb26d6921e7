"""``newsdedup index``: build, grow, query and inspect a streaming index (a file or Redis).

Owns: the index command's actions and arguments. It must not decide outcomes (the index does).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import time
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..index import NearDupIndex
from ..index.files import locked
from ..io import write_records
from ..output import check_outputs
from ..records import InvalidRecord, name_by_location
from ..report import match_row, output_row, summarize
from .common import (
    add_common,
    add_dedup_settings,
    bar,
    input_folders,
    input_paths,
    input_reader,
    is_url,
    open_index,
    read_as,
    say,
    settings_from_args,
)

__all__ = ["add_parser", "cmd_index"]


def _open_index(args: argparse.Namespace, *, create: bool) -> tuple[NearDupIndex, str | None]:
    """The index at ``args.index`` (a file or a Redis URL) and the file to save it back to."""
    target = args.index
    if not create:
        return open_index(target, args.index_name)
    file = None if is_url(target) else target
    if file is not None and Path(file).exists() and not args.force:
        raise ValueError(f"{target} exists; use 'newsdedup index add' to add to it, or --force")
    window = None if not args.window_hours else timedelta(hours=args.window_hours)
    storage = target if file is None else None
    return NearDupIndex(settings_from_args(args), storage=storage, name=args.index_name, window=window), file


def cmd_index(args: argparse.Namespace) -> int:
    start = time.perf_counter()
    if args.action == "stats":
        index, _ = _open_index(args, create=False)
        print(json.dumps(index.stats(), indent=2, ensure_ascii=False))
        return 0
    check_outputs(
        {"-o": args.output, "INDEX": None if is_url(args.index) else args.index}, inputs=input_paths(args)
    )
    writes = args.action in ("add", "build") and not is_url(args.index)
    with locked(args.index) if writes else contextlib.nullcontext():
        return _index_run(args, start)


def _index_run(args: argparse.Namespace, start: float) -> int:
    """``index build``, ``add`` and ``query``: for a file that changes, under its lock."""
    index, save = _open_index(args, create=args.action == "build")
    read_as(index, args)
    fields = index.config.fields
    with input_reader(args) as read:
        if args.action == "query":
            rows = (_query_row(index, args, location, record) for location, record in read())
            n = write_records(args.output, bar(args, rows, "querying"))
            say(
                args,
                f"{n} records queried against {len(index)} indexed ({time.perf_counter() - start:.1f} s)",
            )
            return 0
        locations: list[str] = []
        outcomes = index.add_many(
            bar(args, name_by_location(read(), locations, fields, input_folders(args)), "indexing"),
            locations=locations,
        )
        if save is not None:
            index.save(save)
        if args.output is not None:
            write_records(
                args.output, (output_row(loc, rec, o) for (loc, rec), o in zip(read(), outcomes, strict=True))
            )
    s = summarize(outcomes)
    say(
        args,
        f"{s['records']} records: {s['kept']} indexed, {s['duplicates']} duplicates, "
        f"{s['rejected']} rejected; the index holds {len(index)} articles "
        f"({time.perf_counter() - start:.1f} s) -> {save or index.storage}",
    )
    return 0


def _query_row(
    index: NearDupIndex, args: argparse.Namespace, location: str, record: Mapping[str, Any] | InvalidRecord
) -> dict[str, Any]:
    row = output_row(location, record)
    try:
        if isinstance(record, InvalidRecord):
            raise InputError(location, record.reason)
        row["matches"] = [match_row(m) for m in index.query(record)]
    except InputError as err:
        if args.on_error == "raise":
            raise InputError(location, err.reason) from None
        row["matches"] = None
        row["reason"] = err.reason
    return row


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "index",
        help="build, grow, query and inspect a near-duplicate index (a file or Redis)",
        description="A streaming index of kept articles: 'build' makes one from a JSONL corpus, "
        "'add' checks new records against it and adds the kept ones, 'query' lists each record's "
        "matches without adding it, 'stats' describes it. INDEX is a file path or a Redis URL "
        "(redis://host:port/db, unix:///path.sock?db=0).",
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    for action, text in (
        ("build", "make a new index from a JSONL corpus (dedup settings as for 'dedup')"),
        ("add", "check records against the index and add the kept ones"),
        ("query", "write each record with its matches in the index, adding nothing"),
        ("stats", "print what the index holds, as JSON"),
    ):
        a = actions.add_parser(action, help=text, description=text)
        a.add_argument("index", metavar="INDEX", help="index file or Redis URL")
        a.add_argument("--index-name", default="newsdedup", help="name of a Redis index (default newsdedup)")
        a.set_defaults(func=cmd_index)
        if action == "stats":
            continue
        add_common(a, output="-" if action == "query" else None)
        if action == "build":
            add_dedup_settings(a)
            a.add_argument(
                "--window-hours",
                type=float,
                help="forget articles published this long before the newest one seen (default: keep all)",
            )
            a.add_argument("--force", action="store_true", help="overwrite an existing index file")
