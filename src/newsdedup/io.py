"""Records in and out: field names, readers that never lose a line, atomic writers.

Formats: JSONL (plain, ``.gz``, ``.zst``), CSV, Parquet (the ``[parquet]`` extra) and a
directory of ``.txt`` files, told apart by the name (or given). Nothing read is dropped: a line
or file that cannot be read becomes an :class:`InvalidRecord` in its place, which dedup turns
into a ``rejected`` outcome (or an error naming the line). Outputs go through
:mod:`newsdedup.output` (atomic for regular files, written through for devices and FIFOs).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import posixpath
import sys
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any, Literal

from .compression import damage_errors, lines_of, open_compressed
from .errors import InputError, require
from .output import Staging, open_output, output_folder
from .records import Fields, InvalidRecord
from .tables import parquet_table

__all__ = [
    "FORMATS",
    "atomic_output",
    "check_txt_names",
    "detect_format",
    "json_text",
    "output_format",
    "read_jsonl",
    "read_records",
    "txt_name",
    "write_jsonl_line",
    "write_records",
    "written_to_folder",
]

Format = Literal["jsonl", "csv", "parquet", "txt"]
FORMATS: tuple[str, ...] = ("jsonl", "csv", "parquet", "txt")
_COMPRESSION = {".gz": "gzip", ".zst": "zstd", ".zstd": "zstd"}
_BY_SUFFIX: dict[str, Format] = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".csv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
}


def detect_format(path: str | Path) -> tuple[Format, str | None]:
    """The format and compression a path's name says: ``news.jsonl.gz`` -> ("jsonl", "gzip").

    ``-`` (stdin/stdout) is JSONL; a directory is a folder of ``.txt`` files.
    """
    name = str(path)
    if name == "-":
        return "jsonl", None
    p = Path(name)
    if p.is_dir() or name.endswith(("/", os.sep)):
        return "txt", None
    suffixes = [x.lower() for x in p.suffixes]
    compression = _COMPRESSION.get(suffixes[-1]) if suffixes else None
    if compression:
        suffixes = suffixes[:-1]
    fmt = _BY_SUFFIX.get(suffixes[-1]) if suffixes else None
    if fmt is None:
        raise ValueError(
            f"cannot tell the format of {name} from its name: use .jsonl, .csv, .parquet (with "
            ".gz or .zst for JSONL and CSV), a directory of .txt files, or --format"
        )
    if compression and fmt == "parquet":
        raise ValueError(f"{name}: Parquet is compressed inside the file; drop the {suffixes[-1]} suffix")
    return fmt, compression


def read_records(
    path: str | Path,
    *,
    format: Format | None = None,
    fields: Fields | None = None,
    name: str | None = None,
    field_limit: int = 5_000_000,
) -> Iterator[tuple[str, Mapping[str, Any] | InvalidRecord]]:
    """Yield ``(location, record)`` for each record of a file or folder, in order.

    ``location`` names the record for error messages: ``news.jsonl:12`` (line), ``news.csv:12``
    (the line the row ends on), ``news.parquet:row 12``, or the ``.txt`` file's path. A folder of
    ``.txt`` files gives one record per file (sorted by path): ``id`` is the path inside the
    folder, ``text`` the content (field names from ``fields``). ``name`` replaces the path in
    locations (``<stdin>`` for a spooled standard input). A compressed stream cut short or
    damaged is an :class:`~newsdedup.InputError` naming the file; a CSV field longer than
    ``field_limit`` characters, or a quote still open at the end, one naming its line. A folder of
    data files (:func:`data_files`) is read file after file, as one input.
    """
    if format is not None and not Path(str(path)).is_dir():  # told: only a compression suffix counts
        fmt: str = format
        compression = None if str(path) == "-" else _COMPRESSION.get(Path(path).suffix.lower())
    else:
        fmt, compression = detect_format(path)
    if fmt == "jsonl":
        return read_jsonl(path, compression=compression, name=name)
    if fmt == "csv":
        return _read_csv(path, compression, name, fields or Fields(), field_limit)
    if fmt == "parquet":
        return _read_parquet(path)
    if fmt == "txt":
        files = data_files(Path(path), format)
        if files:
            return _read_files(files, fields, field_limit, format)
        return _read_txt_folder(Path(path), fields or Fields())
    raise ValueError(f"unknown format {fmt!r}; known: {', '.join(FORMATS)}")


def data_files(folder: Path, format: Format | None = None) -> list[Path]:
    """The data files of a folder read as one input, sorted by path (a Parquet or JSONL dataset,
    partition folders included); [] for a folder of ``.txt`` files, one record each.

    Hidden files and names starting with ``_`` (``_SUCCESS``, ``_metadata``) are not data. With
    ``format`` given, every other file is read in that format; without it the names say, and a
    folder mixing formats, or data files with ``.txt`` files, is refused.
    """
    if not folder.is_dir() or format == "txt":
        return []
    found = sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and not any(part.startswith((".", "_")) for part in p.relative_to(folder).parts)
    )
    if format is not None:
        return found
    kinds: dict[str, list[Path]] = {}
    for p in found:
        try:
            kind = "txt" if p.suffix.lower() == ".txt" else detect_format(p)[0]
        except ValueError:
            kind = "other"  # notes, READMEs: not read
        kinds.setdefault(kind, []).append(p)
    other = kinds.pop("other", [])
    if not kinds and other:
        raise ValueError(
            f"{folder} holds no .txt or data files (e.g. {other[0].name}): name their format with --format"
        )
    if set(kinds) <= {"txt"}:
        return []
    if len(kinds) > 1:
        listed = ", ".join(f"{len(v)} {k} (e.g. {v[0].name})" for k, v in sorted(kinds.items()))
        raise ValueError(f"{folder} mixes kinds of files ({listed}); name one kind with --format")
    return [p for ps in kinds.values() for p in ps]


def _read_files(
    files: list[Path], fields: Fields | None, field_limit: int, format: Format | None
) -> Iterator[tuple[str, Mapping[str, Any] | InvalidRecord]]:
    for file in files:
        yield from read_records(file, format=format, fields=fields, field_limit=field_limit)


def _read_csv(
    path: str | Path, compression: str | None, name: str | None, fields: Fields, field_limit: int
) -> Iterator[tuple[str, Mapping[str, Any] | InvalidRecord]]:
    name = name or str(path)
    # Process-wide in the csv module: set as each read starts (one run reads with one limit).
    # A longer field stops the read: CSV cannot find the next row after it.
    with open_compressed(path, compression) as raw, damage_errors(name, compression):
        # surrogateescape keeps undecodable bytes visible per row instead of failing the file;
        # utf-8-sig drops the byte order mark Excel's "CSV UTF-8" starts with.
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="surrogateescape", newline="")
        reader = csv.reader(text, strict=True)
        csv.field_size_limit(field_limit + 1)
        try:
            header = next(reader, None)
            if header is None:
                return
            if len(set(header)) != len(header):
                raise InputError(f"{name}:1", f"the header names a column twice: {header}")
            for row in reader:
                location = f"{name}:{reader.line_num}"
                if row:
                    yield location, _csv_record(location, header, row, fields)
        except csv.Error as e:  # an unclosed quote, a field over the limit: the file cannot go on
            raise InputError(f"{name}:{reader.line_num}", f"CSV cannot be read past here ({e})") from None


def _csv_record(
    location: str, header: list[str], row: list[str], fields: Fields
) -> Mapping[str, Any] | InvalidRecord:
    line = ",".join(row)
    if any("\udc80" <= c <= "\udcff" for c in line):
        raw_line = line.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        return InvalidRecord(location, "row is not valid UTF-8", raw_line)
    if len(row) != len(header):
        return InvalidRecord(location, f"row has {len(row)} fields, the header {len(header)}", line)
    record: dict[str, Any] = dict(zip(header, row, strict=True))
    if record.get(fields.id) == "":  # an empty cell is no id, as a missing field is
        record[fields.id] = None
    return record


def _pyarrow_parquet() -> Any:
    return require("pyarrow.parquet", extra="parquet", purpose="Parquet")


def _read_parquet(path: str | Path) -> Iterator[tuple[str, Mapping[str, Any] | InvalidRecord]]:
    pq = _pyarrow_parquet()
    try:
        pfile = pq.ParquetFile(path)
    except Exception as e:  # pyarrow raises its own error types for a damaged file
        raise InputError(str(path), f"not a readable Parquet file: {e}") from None
    names = pfile.schema_arrow.names
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise InputError(str(path), f"the file names a column twice: {twice}")
    n = 0
    batches = pfile.iter_batches(batch_size=4096)
    while True:
        try:
            batch = next(batches, None)
        except Exception as e:  # a damaged page: pyarrow's own error types, as above
            raise InputError(f"{path}:row {n + 1}", f"the Parquet file is damaged here: {e}") from None
        if batch is None:
            return
        for row in _parquet_rows(batch):
            n += 1
            location = f"{path}:row {n}"
            yield location, InvalidRecord(location, "row is not valid UTF-8") if row is None else row


def _parquet_rows(batch: Any) -> list[dict[str, Any] | None]:
    """The rows of a record batch; None for a row whose strings are not UTF-8 (a damaged file)."""
    try:
        return batch.to_pylist()
    except UnicodeDecodeError:
        out: list[dict[str, Any] | None] = []
        for i in range(batch.num_rows):
            try:
                out.extend(batch.slice(i, 1).to_pylist())
            except UnicodeDecodeError:
                out.append(None)
        return out


def _read_txt_folder(folder: Path, fields: Fields) -> Iterator[tuple[str, Mapping[str, Any] | InvalidRecord]]:
    for file in sorted(p for p in folder.rglob("*.txt") if p.is_file()):
        location = str(file)
        rel = file.relative_to(folder).as_posix()
        data = file.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as err:
            reason = f"file is not valid UTF-8 ({err.reason} at byte {err.start})"
            yield location, InvalidRecord(location, reason, data.decode("utf-8", "backslashreplace"))
            continue
        yield location, {fields.id: rel, fields.text: text}


def read_jsonl(
    path: str | Path,
    *,
    stdin: IO[bytes] | None = None,
    compression: str | None = None,
    name: str | None = None,
) -> Iterator[tuple[str, Mapping[str, Any] | InvalidRecord]]:
    """Yield ``(location, record)`` for each non-blank line of a JSONL file (``-`` is stdin).

    Lines that are not UTF-8, not JSON or not an object come back as :class:`InvalidRecord`.
    """
    stream: IO[bytes]
    if str(path) == "-":
        stream = stdin or sys.stdin.buffer
        ctx: contextlib.AbstractContextManager[IO[bytes]] = contextlib.nullcontext(stream)
        name = name or "<stdin>"
    else:
        ctx = open_compressed(path, compression)
    name = name or str(path)
    with ctx as stream:
        for lineno, raw in lines_of(stream, name, compression):
            location = f"{name}:{lineno}"
            if not raw.strip():
                continue
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as err:
                reason = f"line is not valid UTF-8 ({err.reason} at byte {err.start})"
                yield location, InvalidRecord(location, reason, raw.decode("utf-8", "backslashreplace"))
                continue
            value, reason = _parse_json(line)
            if reason is not None:
                yield location, InvalidRecord(location, reason, line)
            elif not isinstance(value, dict):
                reason = f"a JSON {type(value).__name__} is not a record (object)"
                yield location, InvalidRecord(location, reason, line)
            else:
                yield location, value


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _parse_json(line: str) -> tuple[Any, str | None]:
    """The value of one JSON line, or why it is not one (each a reason naming the problem)."""
    try:
        return json.loads(line, parse_constant=_refuse_constant), None
    except json.JSONDecodeError as err:
        return None, f"malformed JSON: {err.msg} at column {err.colno}"
    except RecursionError:
        return None, "JSON nested too deeply to read"
    except ValueError as err:  # NaN/Infinity, an integer over Python's digit limit
        return None, f"malformed JSON: {err}"


def json_text(obj: Any, **options: Any) -> str:
    """``json.dumps(obj, ensure_ascii=False)``, or escaped where a string holds a lone surrogate
    (valid JSON that UTF-8 cannot hold)."""
    text = json.dumps(obj, ensure_ascii=False, default=str, **options)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(obj, ensure_ascii=True, default=str, **options)
    return text


def write_jsonl_line(out: IO[str], obj: Mapping[str, Any]) -> None:
    """One JSON line; a string holding a lone surrogate (valid JSON, not UTF-8) is written escaped."""
    text = json.dumps(obj, ensure_ascii=False, default=str)
    try:
        out.write(text)
    except UnicodeEncodeError:  # the encoder refuses the line whole, before writing any of it
        out.write(json.dumps(obj, ensure_ascii=True, default=str))
    out.write("\n")


#: The writer every output goes through (see :mod:`newsdedup.output`), by its old name.
atomic_output = open_output


def txt_name(rid: Any, folder: str | Path) -> Path:
    """The file inside ``folder`` that holds the text of record ``rid`` (``ID.txt``; an id read
    from a folder keeps its sub-path); ValueError naming the id when no file can be named so."""
    name = posixpath.normpath(str(rid))
    rel = Path(name if name.endswith(".txt") else f"{name}.txt")
    if "\0" in name:
        raise ValueError(f"id {rid!r} holds a NUL character, which no file name can")
    if rel.is_absolute() or ".." in rel.parts or name in (".", ""):
        raise ValueError(f"id {rid!r} cannot name a file inside {folder}")
    if any(len(part.encode("utf-8", "surrogateescape")) > 255 for part in rel.parts):
        raise ValueError(f"id {rid!r} makes a file name over 255 bytes")
    return rel


class _TxtNames:
    """The files of a folder of texts, so far: two ids may not name one file."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = folder
        self.seen: dict[str, Any] = {}

    def add(self, rid: Any) -> Path:
        rel = txt_name(rid, self.folder)
        # Case-folded and normalised: one file on a case-insensitive or normalising file system.
        key = unicodedata.normalize("NFC", rel.as_posix()).casefold()
        if key in self.seen:
            raise ValueError(f"ids {self.seen[key]!r} and {rid!r} would both be {rel} in {self.folder}")
        self.seen[key] = rid
        return rel


def check_txt_names(ids: Iterable[Any], folder: str | Path) -> None:
    """Refuse, before writing anything, ids that name no file or that name one file together
    (``a`` and ``a.txt``, ``5`` and ``"5"``, ``a/./b`` and ``a/b``, ``A`` and ``a``)."""
    names = _TxtNames(folder)
    for rid in ids:
        names.add(rid)


def written_to_folder(row: Mapping[str, Any], fields: Fields) -> bool:
    """Whether a row goes into a folder of texts: a record with a text and an id, not rejected."""
    rid, text = row.get(fields.id), row.get(fields.text)
    if not isinstance(text, str) or not isinstance(rid, (str, int)) or isinstance(rid, bool):
        return False  # an unreadable record has no text to write: the report counts it
    outcome, cleaned = row.get("dedup"), row.get("clean")
    rejected = isinstance(outcome, Mapping) and outcome.get("status") == "rejected"
    return not rejected and not (isinstance(cleaned, Mapping) and "error" in cleaned)


def _write_txt_folder(
    target: Path, rows: Iterable[Mapping[str, Any]], fields: Fields, staging: Staging | None = None
) -> int:
    n = 0
    names = _TxtNames(target)
    with output_folder(target, staging=staging) as tmp:
        for row in rows:
            if written_to_folder(row, fields):
                rel = names.add(row[fields.id])
                (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
                # A lone surrogate (valid JSON, not UTF-8) is written escaped.
                (tmp / rel).write_text(row[fields.text], encoding="utf-8", errors="backslashreplace")
                n += 1
    return n


def _flat(value: Any) -> Any:
    """A CSV cell: strings and numbers as they are, anything else as JSON."""
    if value is None or isinstance(value, (str, int, float)):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def output_format(path: str | Path) -> tuple[str, str | None]:
    """The format and compression an output's name says; a name that says none is JSONL."""
    try:
        return detect_format(path)
    except ValueError:  # an output named otherwise (out.txt) is JSONL, as it always was
        return "jsonl", _COMPRESSION.get(Path(path).suffix.lower())


def write_records(
    path: str | Path,
    rows: Iterable[Mapping[str, Any]],
    *,
    format: Format | None = None,
    fields: Fields | None = None,
    staging: Staging | None = None,
) -> int:
    """Write ``rows`` to ``path`` (``-`` is stdout, JSONL) as :func:`~newsdedup.output.open_output`
    does (atomically for a regular file); returns how many. With ``staging``, the file is put in
    place with the run's other outputs (:func:`~newsdedup.output.together`).

    The format follows the name (``.csv``, ``.parquet``, ``.jsonl``, with ``.gz``/``.zst``, or a
    folder: a name ending in ``/``); any other name is JSONL. A folder gets one ``ID.txt`` per
    row holding its text (``fields`` names them; an id read from a folder keeps its sub-path),
    and only the text: it is made beside the target and renamed into place when complete.
    JSONL streams; CSV and Parquet gather the rows first (their columns are the union of the
    rows' keys, in first-seen order). In CSV, nested values (the ``dedup`` object) are JSON text;
    Parquet has the fixed schema of :mod:`newsdedup.tables`.
    """
    fmt, compression = output_format(path)
    fmt = format or fmt
    n = 0
    if fmt == "jsonl":
        with open_output(path, compression=compression, staging=staging) as out:
            for row in rows:
                write_jsonl_line(out, row)
                n += 1
        return n
    if fmt == "txt":
        return _write_txt_folder(Path(path), rows, fields or Fields(), staging)
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"cannot write {fmt!r}; outputs are jsonl, csv, parquet or a folder")
    table = list(rows)
    columns = list(dict.fromkeys(k for row in table for k in row))
    if fmt == "csv":
        with open_output(path, compression=compression, staging=staging) as out:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(columns)
            for row in table:
                writer.writerow(["" if row.get(c) is None else _flat(row.get(c)) for c in columns])
        return len(table)
    pq = _pyarrow_parquet()
    arrow = parquet_table(table, (fields or Fields()).id)
    with open_output(path, binary=True, staging=staging) as out:
        pq.write_table(arrow, out)
    return len(table)
