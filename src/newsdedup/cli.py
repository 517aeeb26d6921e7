"""The ``newsdedup`` command: ``demo``, ``clean``, ``dedup``, ``index`` and ``rules``."""

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
from typing import Any, TextIO

from . import __version__
from .clean import FIXES as CLEAN_FIXES
from .clean import Cleaner, boilerplate
from .clean.edits import describe_edits
from .dedup import DedupConfig, Deduplicator, NearDupIndex, Outcome
from .evaluate import pair_scores
from .io import (
    FORMATS,
    Fields,
    InputError,
    InvalidRecord,
    atomic_output,
    read_records,
    text_problem,
    too_long,
    write_records,
)
from .sample import load_sample

EXIT_INPUT = 2


def _fields(args: argparse.Namespace) -> Fields:
    return Fields(
        text=args.text_field,
        id=args.id_field,
        title=args.title_field,
        date=args.date_field,
        source=args.source_field,
    )


def _progress(args: argparse.Namespace) -> bool:
    return not args.quiet and sys.stderr.isatty()


def _say(args: argparse.Namespace, message: str) -> None:
    if not args.quiet:
        print(message, file=sys.stderr)


# --- clean -------------------------------------------------------------------------------------


def cmd_clean(args: argparse.Namespace) -> int:
    fields = _fields(args)
    cleaner = Cleaner(disable=args.disable or ())
    counts: Counter[str] = Counter()
    n = changed = 0

    def cleaned(rows: Iterable[tuple[str, Mapping[str, Any] | InvalidRecord]]) -> Iterator[dict[str, Any]]:
        nonlocal n, changed
        for location, record in rows:
            n += 1
            reason = record.reason if isinstance(record, InvalidRecord) else text_problem(record, fields)
            if reason is None and len(record[fields.text]) > args.max_chars:  # type: ignore[index]
                reason = too_long(len(record[fields.text]), args.max_chars)  # type: ignore[index]
            if reason is not None:
                if args.on_error == "raise":
                    raise InputError(location, reason)
                counts["<rejected>"] += 1
                yield {**_row(location, record), "clean": {"error": reason}}
                continue
            assert not isinstance(record, InvalidRecord)
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

    report: list[str] = []
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


def _explained(location: str, record: Mapping[str, Any], result: Any, fields: Fields) -> str:
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


def _config(args: argparse.Namespace) -> DedupConfig:
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


def summarize(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    status = Counter(o.status for o in outcomes)
    sizes = Counter(o.cluster for o in outcomes if o.status == "duplicate")
    return {
        "records": len(outcomes),
        "kept": status["kept"],
        "duplicates": status["duplicate"],
        "rejected": status["rejected"],
        "clusters": len(sizes),
    }


def cmd_dedup(args: argparse.Namespace) -> int:
    config = _config(args)
    start = time.perf_counter()
    if args.engine == "spark":
        return _dedup_on_spark(args, config, start)
    if args.update_index and not args.against:
        raise ValueError("--update-index needs --against INDEX")
    index: NearDupIndex | None = None
    with _input(args) as read:
        # Pass 1: outcomes, from the records as a stream (only signatures stay in memory).
        locations: list[str] = []
        keyed = _keyed(read(), locations, config.fields)
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
            {**_row(location, record), "dedup": outcome.to_dict()}
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
    _say(args, _summary_screen(report, index))
    return 0


def _dedup_on_spark(args: argparse.Namespace, config: DedupConfig, start: float) -> int:
    unavailable = args.against or args.only_kept or args.clusters or args.report
    if args.output == "-" or args.input == "-" or unavailable:
        raise ValueError(
            "--engine spark reads a file or folder and writes a folder (-o OUT); --against, "
            "--only-kept, --clusters and --report are not available there yet"
        )
    from .distributed.spark import run_files

    counts = run_files(
        args.input,
        args.output,
        master=args.spark_master,
        text=config.fields.text,
        id=config.fields.id,
        threshold=config.threshold,
        containment_threshold=config.containment_threshold,
        lsh_threshold=config.lsh_threshold,
        num_perm=config.num_perm,
        ngram=config.ngram,
        shingle=config.shingle,
        keep=config.keep,
        clean=config.clean,
        max_chars=config.max_chars,
    )
    _say(
        args,
        f"newsdedup dedup (spark, {args.spark_master}): {sum(counts.values()):,} records in "
        f"{time.perf_counter() - start:.1f} s: "
        + ", ".join(f"{k} {v:,}" for k, v in sorted(counts.items()))
        + f" -> {args.output}/",
    )
    return 0


@contextlib.contextmanager
def _input(
    args: argparse.Namespace,
) -> Iterator[Callable[[], Iterator[tuple[str, Mapping[str, Any] | InvalidRecord]]]]:
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


def _keyed(
    rows: Iterable[tuple[str, Mapping[str, Any] | InvalidRecord]], locations: list[str], fields: Fields
) -> Iterator[Mapping[str, Any] | InvalidRecord]:
    """The records of ``rows``, noting each location; a record without an id gets its line number."""
    for location, record in rows:
        locations.append(location)
        if isinstance(record, Mapping) and record.get(fields.id) is None:
            record = {**record, fields.id: _line_number(location)}
        yield record


def cluster_rows(outcomes: Sequence[Outcome]) -> Iterator[dict[str, Any]]:
    """One row per cluster with duplicates, in input order of the canonical copy: its id, then
    every member with its scores. A canonical copy that lives in an index (``--against``) and not
    in the input is marked ``canonical_in_index``."""
    members: dict[Any, list[Outcome]] = {}
    for o in outcomes:
        if o.status == "duplicate":
            members.setdefault(o.cluster, []).append(o)

    def scored(dups: list[Outcome]) -> list[dict[str, Any]]:
        return [
            {
                "id": d.id,
                "resemblance": round(d.resemblance or 0.0, 4),
                "containment": round(d.containment or 0.0, 4),
            }
            for d in dups
        ]

    kept = [o.id for o in outcomes if o.status == "kept" and o.id in members]
    for cid in kept:
        dups = members.pop(cid)
        yield {
            "cluster": cid,
            "size": 1 + len(dups),
            "members": [{"id": cid, "canonical": True}, *scored(dups)],
        }
    for cid, dups in members.items():
        yield {"cluster": cid, "size": len(dups), "members": scored(dups), "canonical_in_index": True}


def make_report(outcomes: Sequence[Outcome], locations: Sequence[str], seconds: float) -> dict[str, Any]:
    """The ``--report`` summary: counts, duplicate rate, cluster sizes, every rejected record."""
    s = summarize(outcomes)
    sizes = Counter(Counter(o.cluster for o in outcomes if o.status == "duplicate").values())
    compared = s["kept"] + s["duplicates"]
    return {
        **s,
        "duplicate_rate": round(s["duplicates"] / compared, 6) if compared else 0.0,
        "cluster_sizes": {str(k + 1): v for k, v in sorted(sizes.items())},
        "rejected_records": [
            {"location": loc, "id": o.id, "reason": o.reason}
            for loc, o in zip(locations, outcomes, strict=True)
            if o.status == "rejected"
        ],
        "seconds": round(seconds, 3),
        "docs_per_second": round(len(outcomes) / seconds, 1) if seconds > 0 else None,
    }


def _summary_screen(report: Mapping[str, Any], index: NearDupIndex | None) -> str:
    reasons = Counter(r["reason"] for r in report["rejected_records"])
    largest = max((int(k) for k in report["cluster_sizes"]), default=0)
    lines = [
        f"newsdedup dedup: {report['records']:,} records in {report['seconds']:.1f} s "
        f"({report['docs_per_second'] or 0:,.0f} docs/s)"
        + (f", against {report['against']} ({len(index):,} indexed)" if index is not None else ""),
        f"  kept        {report['kept']:,}",
        f"  duplicates  {report['duplicates']:,} in {report['clusters']:,} clusters"
        + (f" (largest {largest})" if largest else "")
        + f", duplicate rate {report['duplicate_rate']:.1%}",
        f"  rejected    {report['rejected']:,}"
        + ("" if not reasons else " (" + "; ".join(f"{r}: {n}" for r, n in reasons.most_common(3)) + ")"),
        f"  -> {report['output']} ({report['written']:,} records written)",
    ]
    return "\n".join(lines)


def _row(location: str, record: Mapping[str, Any] | InvalidRecord) -> dict[str, Any]:
    """The output row of one input line: the record's fields, or the unreadable line itself."""
    if isinstance(record, InvalidRecord):
        return {"line": _line_number(location), "raw": record.raw}
    return dict(record)


def _line_number(location: str) -> int:
    """The line (or row) number at the end of a location: "news.jsonl:12", "x.parquet:row 12"."""
    tail = location.rsplit(":", 1)[-1].split()[-1]
    return int(tail) if tail.isdigit() else 0


def _bar(args: argparse.Namespace, items: Sequence[Any], desc: str) -> Iterable[Any]:
    if not _progress(args):
        return items
    from tqdm import tqdm

    return tqdm(items, desc=desc, unit="doc", leave=False)


def _is_url(target: str) -> bool:
    return target.startswith(("redis://", "rediss://", "unix://"))


def _is_corpus(target: str) -> bool:
    return target.endswith((".jsonl", ".json", ".ndjson")) or target == "-"


def _against(args: argparse.Namespace, config: DedupConfig) -> tuple[NearDupIndex, str | None]:
    """The index that ``--against`` names, and the file to save it to after an update (if any)."""
    target = args.against
    _first_copy(config)
    if _is_url(target):
        return NearDupIndex.connect(target, name=args.index_name), None
    if _is_corpus(target):
        if args.update_index:
            raise ValueError("--update-index needs an index file or a Redis URL, not a JSONL corpus")
        index = NearDupIndex(config)
        locations: list[str] = []
        rows = read_records(target, fields=config.fields)
        index.add_many(_bar(args, _keyed(rows, locations, config.fields), "indexing"), locations=locations)
        return index, None
    return NearDupIndex.load(target), target


def _first_copy(config: DedupConfig) -> DedupConfig:
    """A streaming index keeps the first copy it sees; other policies need a batch run."""
    if config.keep != "first":
        raise ValueError(
            "--against keeps the first copy seen (the indexed one); drop --keep/--source-priority"
        )
    return config


# --- index -------------------------------------------------------------------------------------


def _open_index(args: argparse.Namespace, *, create: bool) -> tuple[NearDupIndex, str | None]:
    """The index at ``args.index`` (a file or a Redis URL) and the file to save it back to."""
    target = args.index
    if _is_url(target):
        if create:
            window = None if not args.window_hours else timedelta(hours=args.window_hours)
            return NearDupIndex(_config(args), storage=target, name=args.index_name, window=window), None
        return NearDupIndex.connect(target, name=args.index_name), None
    if create:
        if Path(target).exists() and not args.force:
            raise ValueError(f"{target} exists; use 'newsdedup index add' to add to it, or --force")
        window = None if not args.window_hours else timedelta(hours=args.window_hours)
        return NearDupIndex(_config(args), window=window), target
    return NearDupIndex.load(target), target


def cmd_index(args: argparse.Namespace) -> int:
    start = time.perf_counter()
    if args.action == "stats":
        index, _ = _open_index(args, create=False)
        print(json.dumps(index.stats(), indent=2, ensure_ascii=False))
        return 0
    index, save = _open_index(args, create=args.action == "build")
    # How records are read is the run's choice, not the index's.
    index.config = replace(index.config, on_error=args.on_error, fields=_fields(args))
    fields = index.config.fields
    with _input(args) as read:
        locations: list[str] = []
        if args.action == "query":
            rows = (_query_row(index, args, location, record, fields) for location, record in read())
            n = write_records(args.output, _bar(args, rows, "querying"))
            _say(
                args,
                f"{n} records queried against {len(index)} indexed ({time.perf_counter() - start:.1f} s)",
            )
            return 0
        outcomes = index.add_many(
            _bar(args, _keyed(read(), locations, fields), "indexing"), locations=locations
        )
        if save is not None:
            index.save(save)
        if args.output is not None:
            write_records(
                args.output,
                (
                    {**_row(loc, rec), "dedup": o.to_dict()}
                    for (loc, rec), o in zip(read(), outcomes, strict=True)
                ),
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
    index: NearDupIndex,
    args: argparse.Namespace,
    location: str,
    record: Mapping[str, Any] | InvalidRecord,
    fields: Fields,
) -> dict[str, Any]:
    row = _row(location, record)
    try:
        if isinstance(record, InvalidRecord):
            raise InputError(location, record.reason)
        row["matches"] = [_match_dict(m) for m in index.query(record)]
    except InputError as err:
        if args.on_error == "raise":
            raise InputError(location, err.reason) from None
        row["matches"] = None
        row["reason"] = err.reason
    return row


def _match_dict(m: Any) -> dict[str, Any]:
    return {
        "id": m.id,
        "resemblance": round(m.resemblance, 4),
        "containment": round(m.containment, 4),
        "duplicate": m.duplicate,
    }


# --- demo --------------------------------------------------------------------------------------


def run_demo(out: TextIO, examples: int = 3) -> dict[str, Any]:
    records = load_sample()
    start = time.perf_counter()
    outcomes = Deduplicator(keep="earliest").run(records)
    seconds = time.perf_counter() - start
    by_id = {r["id"]: r for r in records}
    s = summarize(outcomes)
    scores = pair_scores([o.cluster for o in outcomes], [r["story"] for r in records])
    stories = len({r["story"] for r in records})
    false_merges = sum(
        1 for o in outcomes if o.status == "duplicate" and by_id[o.id]["story"] != by_id[o.cluster]["story"]
    )
    w = out.write
    w(
        f"newsdedup {__version__} demo: the bundled sample of {len(records)} news records "
        f"({stories} stories, republished by several outlets)\n\n"
    )
    w(
        f"  records      {s['records']:>5}\n  kept         {s['kept']:>5}\n"
        f"  duplicates   {s['duplicates']:>5}  in {s['clusters']} clusters\n"
        f"  rejected     {s['rejected']:>5}\n"
        f"  time         {seconds:>5.2f} s\n\n"
    )
    w("Against the sample's true story labels:\n")
    w(
        f"  pair precision {scores.precision:.3f}  recall {scores.recall:.3f}  F1 {scores.f1:.3f}  "
        f"false merges {false_merges}\n\n"
    )
    clusters: dict[Any, list[Outcome]] = {}
    for o in outcomes:
        if o.status == "duplicate":
            clusters.setdefault(o.cluster, []).append(o)
    biggest = sorted(clusters.items(), key=lambda kv: (-len(kv[1]), str(kv[0])))[:examples]
    for canon, dups in biggest:
        head = by_id[canon]
        w(f'Cluster {canon} ({len(dups) + 1} copies): "{head.get("title", "")}"\n')
        w(f"  kept       {canon:<14} {head.get('source', ''):<22} {head.get('published_at', '')}\n")
        for o in dups:
            r = by_id[o.id]
            w(
                f"  duplicate  {o.id:<14} {r.get('source', ''):<22} resemblance {o.resemblance:.2f}  "
                f"containment {o.containment:.2f}\n"
            )
        w("\n")
    w("Try it on your own JSONL: newsdedup dedup IN.jsonl -o OUT.jsonl   (newsdedup dedup --help)\n")
    return {
        "summary": s,
        "precision": scores.precision,
        "recall": scores.recall,
        "false_merges": false_merges,
    }


def cmd_demo(args: argparse.Namespace) -> int:
    result = run_demo(sys.stdout, examples=args.examples)
    return 0 if result["false_merges"] == 0 else 1


# --- rules -------------------------------------------------------------------------------------


def cmd_rules(args: argparse.Namespace) -> int:
    docs: dict[str, str] = {}
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
        print(f"{name:32} {docs.get(name) or doc}")
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
    except BrokenPipeError:  # `newsdedup dedup ... | head`
        sys.stderr.close()
        return 0
    except (OSError, ValueError) as err:
        print(f"newsdedup: error: {err}", file=sys.stderr)
        return EXIT_INPUT


if __name__ == "__main__":
    sys.exit(main())
