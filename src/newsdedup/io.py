"""Records in and out: the field names, reading JSONL without losing a line, atomic writing.

Nothing read is dropped: a line that is not a JSON object becomes an :class:`InvalidRecord` in
its place, which dedup turns into a ``rejected`` outcome (or an error naming the line).
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

__all__ = [
    "Fields",
    "InputError",
    "InvalidRecord",
    "atomic_output",
    "describe",
    "read_jsonl",
    "text_problem",
    "write_jsonl_line",
]


@dataclass(frozen=True)
class Fields:
    """Names of the fields newsdedup reads from a record."""

    text: str = "text"
    id: str = "id"
    title: str = "title"
    date: str = "published_at"
    source: str = "source"


@dataclass(frozen=True)
class InvalidRecord:
    """A record that could not be read, in the place it had in the input."""

    location: str
    reason: str
    raw: str | None = None


def describe(value: object) -> str:
    """A value's kind for an error message: "null", "a int", "a list"."""
    return "null" if value is None else f"a {type(value).__name__}"


def text_problem(record: Mapping[str, Any], fields: Fields) -> str | None:
    """Why ``record`` has no usable text field, or None when it has one (empty text included)."""
    if fields.text not in record:
        return f"missing text field {fields.text!r}"
    text = record[fields.text]
    if not isinstance(text, str):
        return f"text field {fields.text!r} is {describe(text)}, not a string"
    return None


class InputError(ValueError):
    """Bad input, with where it is: ``location`` ("data.jsonl:12" or "record 11") and ``reason``."""

    def __init__(self, location: str, reason: str) -> None:
        super().__init__(f"{location}: {reason}")
        self.location = location
        self.reason = reason


def read_jsonl(
    path: str | Path, *, stdin: IO[bytes] | None = None
) -> Iterator[tuple[str, Mapping[str, Any] | InvalidRecord]]:
    """Yield ``(location, record)`` for each non-blank line of a JSONL file (``-`` is stdin).

    Lines that are not UTF-8, not JSON or not an object come back as :class:`InvalidRecord`.
    """
    name = str(path)
    stream: IO[bytes]
    if name == "-":
        stream = stdin or sys.stdin.buffer
        ctx: contextlib.AbstractContextManager[IO[bytes]] = contextlib.nullcontext(stream)
        name = "<stdin>"
    else:
        ctx = open(path, "rb")  # noqa: SIM115 - closed by the with below
    with ctx as stream:
        for lineno, raw in enumerate(stream, start=1):
            location = f"{name}:{lineno}"
            if not raw.strip():
                continue
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as err:
                yield (
                    location,
                    InvalidRecord(
                        location,
                        f"line is not valid UTF-8 ({err.reason} at byte {err.start})",
                        raw.decode("utf-8", "backslashreplace").rstrip("\r\n"),
                    ),
                )
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as err:
                yield (
                    location,
                    InvalidRecord(
                        location, f"malformed JSON: {err.msg} at column {err.colno}", line.rstrip("\r\n")
                    ),
                )
                continue
            if not isinstance(value, dict):
                yield (
                    location,
                    InvalidRecord(
                        location,
                        f"a JSON {type(value).__name__} is not a record (object)",
                        line.rstrip("\r\n"),
                    ),
                )
                continue
            yield location, value


def write_jsonl_line(out: IO[str], obj: Mapping[str, Any]) -> None:
    out.write(json.dumps(obj, ensure_ascii=False, default=str))
    out.write("\n")


@contextlib.contextmanager
def atomic_output(path: str | Path) -> Iterator[IO[str]]:
    """Write text to ``path`` through a temporary file renamed into place only on success.

    A crash or error leaves the old file (or none), never a half-written one. ``-`` is stdout.
    """
    if str(path) == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            yield out
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
