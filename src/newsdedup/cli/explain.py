"""``newsdedup explain FILE ID1 ID2``: every check of one pair of records, and the verdict.

Owns: finding the two records in the input (by id; a record without one by ``FILE:LINE`` as
dedup names it) and printing :func:`newsdedup.explain` of them under the run's settings.
"""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import Any

from ..explanation import explain
from ..io import FORMATS, json_text
from ..records import name_by_location
from .common import add_dedup_settings, add_fields, input_folders, input_reader, settings_from_args

__all__ = ["add_parser", "cmd_explain"]


def cmd_explain(args: argparse.Namespace) -> int:
    args.input, args.on_error = [args.file], "skip"
    config = settings_from_args(args)
    wanted = {args.a: None, args.b: None}
    with input_reader(args) as read:
        for record in name_by_location(read(), [], config.fields, input_folders(args)):
            rid = record.get(config.fields.id) if isinstance(record, dict) else None
            if rid is not None and str(rid) in wanted and wanted[str(rid)] is None:
                wanted[str(rid)] = record
    missing = [k for k, v in wanted.items() if v is None]
    if missing:
        raise ValueError(f"{args.file}: no record with id {missing[0]!r}")
    e = explain(wanted[args.a], wanted[args.b], config=config)
    if args.json:
        row = {"a": args.a, "b": args.b, "duplicate": e.duplicate, "deciding": e.deciding}
        row["checks"] = [asdict(c) for c in e.checks]
        row["edits"] = [[edit.to_dict() for edit in side] for side in e.edits]
        print(json_text(row))
    else:
        print(f"{args.a} ~ {args.b}: " + str(e))
    return 0


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "explain",
        help="why two records are or are not duplicates: every check, its value and threshold",
        description="Clean, sign and judge two records of FILE as dedup would, and print each check "
        "(LSH candidacy, resemblance, containment, the one-shingle rule, the number check) with its "
        "value, threshold and verdict, and what cleaning changed in each.",
    )
    p.add_argument("file", help="the records (any input dedup reads)")
    p.add_argument("a", help="the id of one record (FILE:LINE for a record without one)")
    p.add_argument("b", help="the id of the other")
    p.add_argument("--json", action="store_true", help="one JSON object instead of text")
    p.add_argument("--format", choices=FORMATS, help="the input's format, when its name does not tell")
    p.add_argument("--max-chars", type=int, default=5_000_000, help="longest text accepted")
    add_fields(p)
    add_dedup_settings(p)
    p.set_defaults(func=cmd_explain)
