"""The ``newsdedup`` command: ``demo``, ``clean``, ``dedup``, ``index`` and ``rules``.

Owns: the arguments, one small function per command, and how errors reach the shell (one line
on stderr, exit 2). Settings are built once from the arguments (:func:`settings_from_args`) and
given whole to whatever runs them (batch, index, Spark). It must not decide outcomes, read or
write formats itself (``io``), or lay out reports (``report``).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from . import __version__
from .batch import Deduplicator
from .cleaning import FIXES as CLEAN_FIXES
from .cleaning import Cleaner, CleanResult, boilerplate
from .cleaning.edits import describe_edits
from .errors import InputError, MissingExtra
from .index import NearDupIndex
from .io import FORMATS, atomic_output, read_records, write_records
from .records import Fields, InvalidRecord, number_by_line, read_problem
from .report import cluster_rows, make_report, match_row, output_row, summarize, summary_screen
from .settings import DedupConfig

EXIT_INPUT = 2

Rows = Iterator[tuple[str, Mapping[str, Any] | InvalidRecord]]


def _fields(args: argparse.Namespace) -> Fields:
    return Fields(
        text=args.text_field,
        id=args.id_field,
        title=args.title_field,
        date=args.date_field,
        source=args.source_field,
    )


def settings_from_args(args: argparse.Namespace) -> DedupConfig:
    """The run's settings, built once from the arguments of ``dedup`` or ``index build``."""
    keep: Any = getattr(args, "keep", "first")
    if getattr(args, "source_priority", None):
        keep = [s.strip() for s in args.source_priority.split(",") if s.strip()]
    return DedupConfig(
        threshold=args.threshold,
        containment_threshold=None if args.containment_threshold <= 0 else args.containment_threshold,
        lsh_threshold=args.lsh_threshold,
        num_perm=args.num_perm,
        ngram=args.ngram,
        shingle=args.shingle,
        keep=keep,
        clean=not args.no_clean,
        fields=_fields(args),
        on_error=args.on_error,
        workers=getattr(args, "workers", 1),
        max_chars=args.max_chars,
    )


def _progress(args: argparse.Namespace) -> bool:
    return not args.quiet and sys.stderr.isatty()


def _say(args: argparse.Namespace, message: str) -> None:
    if not args.quiet:
        print(message, file=sys.stderr)


def _bar(args: argparse.Namespace, items: Iterable[Any], desc: str) -> Iterable[Any]:
    if not _progress(args):
        return items
    from tqdm import tqdm

    return tqdm(items, desc=desc, unit="doc", leave=False)


@contextlib.contextmanager
def _input(args: argparse.Namespace) -> Iterator[Callable[[], Rows]]:
    """A function that reads the input from its start each time it is called: dedup reads twice
    rather than hold every record in memory. Standard input is spooled to a temporary file."""
    fields = _fields(args)
    if args.input != "-":
        yield lambda: read_records(args.input, format=args.format, fields=fields)
        return
    with tempfile.TemporaryDirectory() as tmp:
        spool = Path(tmp) / "stdin"
        with spool.open("wb") as f:
            shutil.copyfileobj(sys.stdin.buffer, f)
        yield lambda: read_records(spool, format=args.format or "jsonl", fields=fields, name="<stdin>")


# --- clean -------------------------------------------------------------------------------------


def cmd_clean(args: argparse.Namespace) -> int:
    fields = _fields(args)
    cleaner = Cleaner(disable=args.disable or ())
    counts: Counter[str] = Counter()
    n = changed = 0
    report: list[str] = []

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
            result = cleaner.clean(record[fields.text], title if isinstance(title, str) else None)
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

    with _input(args) as read:
        if args.explain == "text":
            with atomic_output(args.output) as out:
                for _ in cleaned(_bar(args, read(), "cleaning")):
                    out.writelines(report)
                    report.clear()
        else:
            write_records(args.output, cleaned(_bar(args, read(), "cleaning")), fields=fields)
    top = ", ".join(f"{rule} {k}" for rule, k in counts.most_common(6))
    _say(
        args, f"cleaned {n} records, {changed} changed" + (f" ({top})" if top else "") + f" -> {args.output}"
    )
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


# --- dedup -------------------------------------------------------------------------------------


def cmd_dedup(args: argparse.Namespace) -> int:
    config = settings_from_args(args)
    start = time.perf_counter()
    if args.engine == "spark":
        return _dedup_on_spark(args, config, start)
    if args.update_index and not args.against:
        raise ValueError("--update-index needs --against INDEX")
    index: NearDupIndex | None = None
    with _input(args) as read:
        # Pass 1: outcomes, from the records as a stream (only signatures stay in memory).
        locations: list[str] = []
        keyed = number_by_line(read(), locations, config.fields)
        if args.against:
            index, save = _against(args, config)
            if args.update_index:
                outcomes = index.add_many(_bar(args, keyed, "checking"), locations=locations)
                if save is not None:
                    index.save(save)
            else:
                outcomes = list(index.check_many(_bar(args, keyed, "checking"), locations=locations))
        else:
            outcomes = Deduplicator(config).run(keyed, progress=_progress(args), locations=locations)
        # Pass 2: the input again, each record with its outcome, in order.
        rows = (
            output_row(location, record, outcome)
            for (location, record), outcome in zip(read(), outcomes, strict=True)
            if not args.only_kept or outcome.status == "kept"
        )
        written = write_records(args.output, _bar(args, rows, "writing"), fields=config.fields)
    seconds = time.perf_counter() - start
    if args.clusters:
        write_records(args.clusters, cluster_rows(outcomes))
    report = make_report(outcomes, locations, seconds)
    report.update(input=args.input, output=args.output, written=written, against=args.against)
    if args.report:
        with atomic_output(args.report) as out:
            json.dump(report, out, indent=2, ensure_ascii=False, default=str)
            out.write("\n")
    _say(args, summary_screen(report, None if index is None else len(index)))
    return 0


def _dedup_on_spark(args: argparse.Namespace, config: DedupConfig, start: float) -> int:
    unavailable = args.against or args.only_kept or args.clusters or args.report
    if args.output == "-" or args.input == "-" or unavailable:
        raise ValueError(
            "--engine spark reads a file or folder and writes a folder (-o OUT); --against, "
            "--only-kept, --clusters and --report are not available there yet"
        )
    from .distributed.spark import run_files

    counts = run_files(args.input, args.output, master=args.spark_master, config=config)
    _say(
        args,
        f"newsdedup dedup (spark, {args.spark_master}): {sum(counts.values()):,} records in "
        f"{time.perf_counter() - start:.1f} s: "
        + ", ".join(f"{k} {v:,}" for k, v in sorted(counts.items()))
        + f" -> {args.output}/",
    )
    return 0


def _is_url(target: str) -> bool:
    return target.startswith(("redis://", "rediss://", "unix://"))


def _is_corpus(target: str) -> bool:
    return target.endswith((".jsonl", ".json", ".ndjson")) or target == "-"


def _against(args: argparse.Namespace, config: DedupConfig) -> tuple[NearDupIndex, str | None]:
    """The index that ``--against`` names, and the file to save it to after an update (if any)."""
    target = args.against
    if config.keep != "first":  # a streaming index keeps the first copy it sees
        raise ValueError(
            "--against keeps the first copy seen (the indexed one); drop --keep/--source-priority"
        )
    if _is_url(target):
        index = NearDupIndex.connect(target, name=args.index_name)
    elif _is_corpus(target):
        if args.update_index:
            raise ValueError("--update-index needs an index file or a Redis URL, not a JSONL corpus")
        index = NearDupIndex(config)
        locations: list[str] = []
        rows = number_by_line(read_records(target, fields=config.fields), locations, config.fields)
        index.add_many(_bar(args, rows, "indexing"), locations=locations)
        return index, None
    else:
        index = NearDupIndex.load(target)
    return _read_as(index, config), None if _is_url(target) else target


def _read_as(index: NearDupIndex, config: DedupConfig) -> NearDupIndex:
    """How records are read (fields, bad records, length limit) is the run's choice, not the index's."""
    index.config = replace(
        index.config, fields=config.fields, on_error=config.on_error, max_chars=config.max_chars
    )
    return index


# --- index -------------------------------------------------------------------------------------


def _open_index(args: argparse.Namespace, *, create: bool) -> tuple[NearDupIndex, str | None]:
    """The index at ``args.index`` (a file or a Redis URL) and the file to save it back to."""
    target = args.index
    file = None if _is_url(target) else target
    if not create:
        return (
            NearDupIndex.connect(target, name=args.index_name) if file is None else NearDupIndex.load(target)
        ), file
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
    index, save = _open_index(args, create=args.action == "build")
    fields = _fields(args)
    index.config = replace(index.config, on_error=args.on_error, fields=fields, max_chars=args.max_chars)
    with _input(args) as read:
        if args.action == "query":
            rows = (_query_row(index, args, location, record) for location, record in read())
            n = write_records(args.output, _bar(args, rows, "querying"))
            _say(
                args,
                f"{n} records queried against {len(index)} indexed ({time.perf_counter() - start:.1f} s)",
            )
            return 0
        locations: list[str] = []
        outcomes = index.add_many(
            _bar(args, number_by_line(read(), locations, fields), "indexing"), locations=locations
        )
        if save is not None:
            index.save(save)
        if args.output is not None:
            write_records(
                args.output, (output_row(loc, rec, o) for (loc, rec), o in zip(read(), outcomes, strict=True))
            )
    s = summarize(outcomes)
    _say(
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


# --- demo and rules ----------------------------------------------------------------------------


def cmd_demo(args: argparse.Namespace) -> int:
    from .demo import run_demo

    result = run_demo(sys.stdout, examples=args.examples)
    return 0 if result["false_merges"] == 0 else 1


def cmd_rules(args: argparse.Namespace) -> int:
    listed = set()
    for name, fix in CLEAN_FIXES:
        if name in listed:
            continue
        listed.add(name)
        if name == "boilerplate.lines":
            for rule in boilerplate.RULES:
                print(f"{rule.name:32} {rule.description}")
            continue
        doc = (fix.__doc__ or "").strip().splitlines()[0].replace("``", "")
        print(f"{name:32} {doc}")
    return 0


# --- parser ------------------------------------------------------------------------------------


def _add_fields(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("record fields")
    g.add_argument("--text-field", default="text", help="field holding the article text (default: text)")
    g.add_argument(
        "--id-field",
        default="id",
        help="field holding the record id (default: id; records without one are named by their line number)",
    )
    g.add_argument("--title-field", default="title", help="headline field, to remove a repeated headline")
    g.add_argument(
        "--date-field", default="published_at", help="publication date (ISO 8601), for --keep earliest"
    )
    g.add_argument("--source-field", default="source", help="outlet or agency name, for --source-priority")


def _add_common(p: argparse.ArgumentParser, output: str | None = "-") -> None:
    p.add_argument("input", help="JSONL file, one record per line ('-' reads stdin)")
    p.add_argument(
        "-o",
        "--output",
        default=output,
        help="output JSONL file, written atomically ('-': stdout"
        + (", default)" if output == "-" else "; default: none, only the summary)"),
    )
    p.add_argument(
        "--on-error",
        choices=("raise", "skip"),
        default="raise",
        help="bad records: stop with an error naming the line (raise, default), or mark them "
        "rejected with the reason and go on (skip)",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar or summary on stderr")
    p.add_argument(
        "--format",
        choices=FORMATS,
        help="input format, when its name does not tell (.jsonl/.csv/.parquet, .gz/.zst, a folder of .txt)",
    )
    p.add_argument(
        "--max-chars",
        type=int,
        default=DedupConfig().max_chars,
        help=f"longest text accepted, in characters (default {DedupConfig().max_chars:,}); "
        "longer ones are rejected",
    )
    _add_fields(p)


def _add_dedup_settings(p: argparse.ArgumentParser) -> None:
    d = DedupConfig()
    p.add_argument(
        "--threshold",
        type=float,
        default=d.threshold,
        help=f"resemblance (estimated Jaccard) at which texts are duplicates (default {d.threshold})",
    )
    p.add_argument(
        "--containment-threshold",
        type=float,
        default=d.containment_threshold,
        help="share of the shorter text contained in the longer at which they are duplicates "
        f"(truncated/extended copies; default {d.containment_threshold}; 0 turns it off)",
    )
    p.add_argument(
        "--lsh-threshold",
        type=float,
        default=d.lsh_threshold,
        help=f"similarity the LSH bands are tuned for when proposing candidates (default {d.lsh_threshold})",
    )
    p.add_argument(
        "--ngram", type=int, default=d.ngram, help=f"words (or characters) per shingle (default {d.ngram})"
    )
    p.add_argument(
        "--shingle", choices=("word", "char"), default=d.shingle, help="shingle unit (default word)"
    )
    p.add_argument(
        "--num-perm", type=int, default=d.num_perm, help=f"MinHash permutations (default {d.num_perm})"
    )
    p.add_argument("--no-clean", action="store_true", help="shingle the text as given, without cleaning")


def _parser_clean(sub: Any) -> None:
    p = sub.add_parser(
        "clean",
        help="repair and de-boilerplate the text of each record",
        description="Write each record with its text field replaced by the clean text. "
        "Every other field is kept, in input order.",
    )
    _add_common(p)
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


def _parser_dedup(sub: Any) -> None:
    p = sub.add_parser(
        "dedup",
        help="find near-duplicate articles and mark each record",
        description="Write every input record, in order and with every field, plus a 'dedup' "
        "object: status (kept|duplicate|rejected), cluster (id of the cluster's "
        "canonical record), duplicate_of, resemblance, containment, reason.",
    )
    _add_common(p)
    _add_dedup_settings(p)
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


def _parser_index(sub: Any) -> None:
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
        _add_common(a, output="-" if action == "query" else None)
        if action == "build":
            _add_dedup_settings(a)
            a.add_argument(
                "--window-hours",
                type=float,
                help="forget articles published this long before the newest one seen (default: keep all)",
            )
            a.add_argument("--force", action="store_true", help="overwrite an existing index file")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsdedup",
        description="Clean scraped news articles and find near-duplicate wire stories.",
        epilog="Start with 'newsdedup demo'. Each command has its own --help.",
    )
    parser.add_argument("--version", action="version", version=f"newsdedup {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    p = sub.add_parser(
        "demo",
        help="clean and dedup the bundled sample corpus and show what was found",
        description="Run clean + dedup on the bundled sample (fictional wire stories "
        "republished by several outlets) and print a short summary.",
    )
    p.add_argument("--examples", type=int, default=3, help="how many example clusters to show (default 3)")
    p.set_defaults(func=cmd_demo)
    _parser_clean(sub)
    _parser_dedup(sub)
    _parser_index(sub)
    p = sub.add_parser(
        "rules",
        help="list the cleaning rules, in the order they run",
        description="List every cleaning rule; each can be switched off with --disable.",
    )
    p.set_defaults(func=cmd_rules)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except InputError as err:
        print(
            f"newsdedup: error: {err} (use --on-error skip to mark such records rejected and go on)",
            file=sys.stderr,
        )
        return EXIT_INPUT
    except MissingExtra as err:  # before OSError/ImportError: one line with the pip command
        print(f"newsdedup: error: {err}", file=sys.stderr)
        return EXIT_INPUT
    except BrokenPipeError:  # `newsdedup dedup ... | head`
        sys.stderr.close()
        return 0
    except (OSError, ValueError) as err:
        print(f"newsdedup: error: {err}", file=sys.stderr)
        return EXIT_INPUT


if __name__ == "__main__":
    sys.exit(main())
