"""``newsdedup clean``: each record with its text cleaned, and what was changed.

Owns: the clean command's arguments and its output (records, ``--explain`` as JSON or text).
It must not decide what cleaning does (``cleaning``).
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from ..cleaning import Cleaner, CleaningTimeout, CleanResult
from ..cleaning.edits import describe_edits
from ..errors import InputError
from ..io import write_records
from ..output import check_outputs, is_stream, open_output
from ..records import Fields, InvalidRecord, read_problem
from ..report import output_row
from .common import add_common, bar, input_paths, input_reader, record_fields, say

__all__ = ["add_parser", "cmd_clean"]


def cmd_clean(args: argparse.Namespace) -> int:
    fields = record_fields(args)
    cleaner = Cleaner(disable=args.disable or ())
    counts: Counter[str] = Counter()
    n = changed = 0
    report: list[str] = []
    check_outputs({"-o": args.output}, inputs=input_paths(args), folders=("-o",))

    def cleaned(rows: Iterable[tuple[str, Mapping[str, Any] | InvalidRecord]]) -> Iterator[dict[str, Any]]:
        nonlocal n, changed
        for location, record in rows:
            n += 1
            reason = read_problem(record, fields, args.max_chars)
            if reason is not None:
                if args.on_error == "raise":
                    raise InputError(location, reason)
                counts["<rejected>"] += 1
                yield {**output_row(location, record), "clean": {"error": reason}}
                continue
            assert isinstance(record, Mapping)
            title = record.get(fields.title)
            try:
                result = cleaner.clean(record[fields.text], title if isinstance(title, str) else None)
            except CleaningTimeout as e:
                if args.on_error == "raise":
                    raise InputError(location, str(e)) from None
                counts["<rejected>"] += 1
                yield {**output_row(location, record), "clean": {"error": str(e)}}
                continue
            row = dict(record)
            if args.keep_original:
                row[f"{fields.text}_original"] = record[fields.text]
            row[fields.text] = result.text
            if args.fingerprint:
                row["fingerprint"] = result.fingerprint
            if args.explain == "json":
                row["clean"] = {"edits": [e.to_dict() for e in result.edits], "meta": result.meta.to_dict()}
            elif args.explain == "text":
                report.append(_explained(location, record, result, fields))
            changed += result.changed
            counts.update(result.rules())
            yield row

    with input_reader(args) as read:
        if args.on_error == "raise" and is_stream(args.output):
            # A consumer of a stream cannot tell a partial one from a whole one: check it all first.
            for location, record in read():
                reason = read_problem(record, fields, args.max_chars)
                if reason is not None:
                    raise InputError(location, reason)
        if args.explain == "text":
            with open_output(args.output) as out:
                for _ in cleaned(bar(args, read(), "cleaning")):
                    out.writelines(report)
                    report.clear()
        else:
            write_records(args.output, cleaned(bar(args, read(), "cleaning")), fields=fields)
    top = ", ".join(f"{rule} {k}" for rule, k in counts.most_common(6))
    say(args, f"cleaned {n} records, {changed} changed" + (f" ({top})" if top else "") + f" -> {args.output}")
    return 0


def _explained(location: str, record: Mapping[str, Any], result: CleanResult, fields: Fields) -> str:
    """One record's edits, for a person to read."""
    meta = result.meta
    found = [f"agency {', '.join(meta.agencies)}"] if meta.agencies else []
    found += [f"place {meta.place}"] if meta.place else []
    found += [f"byline {', '.join(meta.bylines)}"] if meta.bylines else []
    head = f"{location}  id={record.get(fields.id)!r}  {len(result.edits)} edit(s)"
    head += f"  ({'; '.join(found)})" if found else ""
    body = describe_edits(record[fields.text], result.edits) or ["no change"]
    return head + "\n" + "".join(f"  {line}\n" for line in body) + "\n"


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "clean",
        help="repair and de-boilerplate the text of each record",
        description="Write each record with its text field replaced by the clean text. "
        "Every other field is kept, in input order.",
    )
    add_common(p)
    p.add_argument(
        "--keep-original", action="store_true", help="keep the original text in TEXT_FIELD_original"
    )
    p.add_argument(
        "--explain",
        nargs="?",
        const="json",
        choices=("json", "text"),
        help="json (the default): add a 'clean' object to each record, with every edit (rule, span "
        "of the original, replacement) and the wire attribution found (agency, dateline place, "
        "bylines, credits); text: instead of records, write a readable report of every edit",
    )
    p.add_argument("--fingerprint", action="store_true", help="add the folded text used for matching")
    p.add_argument(
        "--disable",
        action="append",
        metavar="RULE",
        help="switch off a cleaning rule or family (repeatable); 'newsdedup rules' lists them",
    )
    p.set_defaults(func=cmd_clean)
