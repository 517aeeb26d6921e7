"""What the commands share: the common arguments, settings built from them, reading and telling.

Owns: the argument groups every command takes (input, output, bad records, fields, dedup
settings), :func:`settings_from_args`, the input read from its start as often as needed, and
messages and progress bars on stderr. It must not run a command.
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import hashlib
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..index import NearDupIndex
from ..io import FORMATS, data_files, detect_format, read_records
from ..records import Fields, InvalidRecord
from ..settings import DedupConfig

__all__ = [
    "Rows",
    "add_common",
    "add_dedup_settings",
    "add_fields",
    "bar",
    "input_digest",
    "input_folders",
    "input_name",
    "input_paths",
    "input_reader",
    "input_total",
    "is_url",
    "open_index",
    "progress",
    "read_as",
    "record_fields",
    "say",
    "settings_from_args",
]

Rows = Iterator[tuple[str, Mapping[str, Any] | InvalidRecord]]


def record_fields(args: argparse.Namespace) -> Fields:
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
        fields=record_fields(args),
        on_error=args.on_error,
        workers=getattr(args, "workers", 1),
        max_chars=args.max_chars,
    )


def progress(args: argparse.Namespace) -> bool:
    return not args.quiet and sys.stderr.isatty()


def say(args: argparse.Namespace, message: str) -> None:
    if not args.quiet:
        print(message, file=sys.stderr)


def bar(args: argparse.Namespace, items: Iterable[Any], desc: str, total: int | None = None) -> Iterable[Any]:
    """``items`` with a progress bar on a terminal: its total when known (an ETA then), the
    rate averaged over the whole run (bursts of finished chunks do not swing it), redrawn at
    least twice a second."""
    if not progress(args):
        return items
    from tqdm import tqdm

    return tqdm(
        items, desc=desc, total=total, unit="doc", unit_scale=True, smoothing=0, mininterval=0.5, leave=False
    )


def input_total(args: argparse.Namespace) -> int | None:
    """About how many records the inputs hold, for the progress bar, when it is cheap to know:
    lines of plain JSONL (CSV: minus its header), rows of Parquet, files of a ``.txt`` folder;
    None for standard input and compressed files (the bar then counts without a total)."""
    total = 0
    for path in input_paths(args):
        if path == "-":
            return None
        try:
            fmt, compression = detect_format(path)
        except ValueError:
            return None
        if os.path.isdir(path):
            files = data_files(Path(path), args.format)
            if not files:
                total += sum(1 for _ in Path(path).rglob("*.txt"))
                continue
            for file in files:
                n = _file_total(file, *detect_format(file))
                if n is None:
                    return None
                total += n
            continue
        n = _file_total(Path(path), args.format or fmt, compression)
        if n is None:
            return None
        total += n
    return total


def _file_total(path: Path, fmt: str, compression: str | None) -> int | None:
    if compression is not None:
        return None
    if fmt == "parquet":
        try:
            import pyarrow.parquet as pq

            return int(pq.ParquetFile(path).metadata.num_rows)
        except Exception:
            return None
    lines = 0
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            lines += block.count(b"\n")
    return max(0, lines - 1) if fmt == "csv" else lines


def input_paths(args: argparse.Namespace) -> list[str]:
    """The inputs, in the order given: each argument as it is, or the paths its glob pattern
    (``'news/*.jsonl'``, ``'**'`` included) matches, sorted. Checked once per run."""
    cached: list[str] | None = getattr(args, "input_paths", None)
    if cached is not None:
        return cached
    paths: list[str] = []
    for given in args.input:
        if given != "-" and not os.path.exists(given) and glob.has_magic(given):
            hits = sorted(glob.glob(given, recursive=True))
            if not hits:
                raise ValueError(f"{given}: no file matches this pattern")
            paths += hits
        else:
            paths.append(given)
    if "-" in paths and len(paths) > 1:
        raise ValueError("'-' (standard input) is read alone, not with other inputs")
    twice = sorted({p for p in paths if paths.count(p) > 1})
    if twice:
        raise ValueError(f"an input is named twice: {', '.join(twice)}")
    args.input_paths = paths
    return paths


def input_folders(args: argparse.Namespace) -> list[str]:
    """The inputs that are folders (their files' records are named by their path in them)."""
    return [p for p in input_paths(args) if os.path.isdir(p)]


def input_digest(args: argparse.Namespace) -> str | None:
    """``sha256:...`` of the inputs' bytes (a folder's files with their paths in it, in order),
    so a report says which data it was made from; None for standard input."""
    paths = input_paths(args)
    if paths == ["-"]:
        return None
    h = hashlib.sha256()
    for path in paths:
        root = Path(path)
        files = sorted(f for f in root.rglob("*") if f.is_file()) if root.is_dir() else [root]
        for file in files:
            h.update(str(file.relative_to(root) if root.is_dir() else file.name).encode() + b"\0")
            with file.open("rb") as stream:
                while block := stream.read(1 << 20):
                    h.update(block)
    return f"sha256:{h.hexdigest()}"


def input_name(args: argparse.Namespace) -> str | list[str]:
    """The input as a report names it: its path, or the list of paths."""
    paths = input_paths(args)
    return paths[0] if len(paths) == 1 else paths


@contextlib.contextmanager
def input_reader(args: argparse.Namespace) -> Iterator[Callable[[], Rows]]:
    """A function that reads the inputs from their start each time it is called, one after the
    other as one stream: dedup reads twice rather than hold every record in memory. Standard
    input is spooled to a temporary file."""
    fields = record_fields(args)
    paths = input_paths(args)
    if paths != ["-"]:

        def read() -> Rows:
            for path in paths:
                yield from read_records(path, format=args.format, fields=fields, field_limit=args.max_chars)

        yield read
        return
    with tempfile.TemporaryDirectory() as tmp:
        spool = Path(tmp) / "stdin"
        with spool.open("wb") as f:
            shutil.copyfileobj(sys.stdin.buffer, f)
        yield lambda: read_records(
            spool, format=args.format or "jsonl", fields=fields, name="<stdin>", field_limit=args.max_chars
        )


def read_as(index: NearDupIndex, args: argparse.Namespace) -> NearDupIndex:
    """``index`` reading records as the arguments say: how records are read (fields, bad
    records, the length limit) is the run's choice, not the index's."""
    index.config = replace(
        index.config, fields=record_fields(args), on_error=args.on_error, max_chars=args.max_chars
    )
    return index


def open_index(target: str, index_name: str) -> tuple[NearDupIndex, str | None]:
    """The existing index ``target`` names (a Redis URL or a file) and the file to save it back
    to (None for Redis, which is written as it goes)."""
    if is_url(target):
        return NearDupIndex.connect(target, name=index_name), None
    return NearDupIndex.load(target), target


def is_url(target: str) -> bool:
    """Whether an index argument names a Redis server rather than a file."""
    return target.startswith(("redis://", "rediss://", "unix://"))


def add_fields(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("record fields")
    g.add_argument("--text-field", default="text", help="field holding the article text (default: text)")
    g.add_argument(
        "--id-field",
        default="id",
        help="field holding the record id (default: id; a record without one is named FILE:LINE)",
    )
    g.add_argument("--title-field", default="title", help="headline field, to remove a repeated headline")
    g.add_argument(
        "--date-field", default="published_at", help="publication date (ISO 8601), for --keep earliest"
    )
    g.add_argument("--source-field", default="source", help="outlet or agency name, for --source-priority")


def add_common(p: argparse.ArgumentParser, output: str | None = "-") -> None:
    p.add_argument(
        "input",
        nargs="+",
        help="records to read, one input after another: .jsonl/.ndjson, .csv (each with .gz or .zst), "
        ".parquet, a folder of data files (a Parquet or JSONL dataset, partitions included) or of .txt "
        "files (one record each), a quoted glob ('news/*.parquet'), or '-' for JSONL on stdin",
    )
    p.add_argument(
        "-o",
        "--output",
        default=output,
        help="output file (.jsonl, .csv, .parquet, .gz/.zst; DIR/ for one .txt per record), written as "
        "'>' would: atomically for a file, through for a FIFO or device ('-': stdout"
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
    add_fields(p)


def add_dedup_settings(p: argparse.ArgumentParser) -> None:
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
        "--shingle",
        choices=("auto", "word", "char"),
        default=d.shingle,
        help="shingle unit (default auto: characters for Chinese, Japanese, Thai, ...; words otherwise)",
    )
    p.add_argument(
        "--num-perm", type=int, default=d.num_perm, help=f"MinHash permutations (default {d.num_perm})"
    )
    p.add_argument("--no-clean", action="store_true", help="shingle the text as given, without cleaning")
