"""The record model: what an input item is, and whether it can be compared.

Owns: field names (:class:`Fields`), the item that could not be read (:class:`InvalidRecord`),
a valid record (:class:`Valid`), the reasons a record is refused, record ids, and where a record
came from. Every path (batch ``dedup``, the streaming index, ``stream``, the CLI and Spark) turns
input items into valid records or ``rejected`` outcomes here, through :class:`RecordChecker`, so
the same record gets the same outcome everywhere. It must not read files (``io``) or clean text.

>>> checker = RecordChecker(Fields(), max_chars=100, on_error="skip")
>>> checker.check(0, {"id": "a", "text": "Rain."}).id, checker.check(1, {"id": "a", "text": "Sun."}).reason
('a', "duplicate id 'a' (first used by record 0)")
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from .errors import InputError
from .outcome import Outcome

__all__ = [
    "Fields",
    "InvalidRecord",
    "OnError",
    "Record",
    "RecordChecker",
    "Valid",
    "describe",
    "field_names",
    "fields_in",
    "is_id",
    "is_missing",
    "line_number",
    "location_id",
    "name_by_location",
    "read_problem",
    "record_id",
    "text_problem",
    "too_long",
    "validate",
]

OnError = Literal["raise", "skip"]


@dataclass(frozen=True)
class Fields:
    """Names of the fields newsdedup reads from a record.

    Args:
        text: the article text (required).
        id: the record id (a string or an integer); records without one are named by position.
        title: the headline, so that a headline repeated in the text can be removed.
        date: the publication date (ISO 8601), for ``keep="earliest"`` and index windows.
        source: the outlet or agency, for source-priority policies.
    """

    text: str = "text"
    id: str = "id"
    title: str = "title"
    date: str = "published_at"
    source: str = "source"


def fields_in(
    columns: Iterable[str], *, text: str, id: str, title: str | None, date: str | None, source: str | None
) -> tuple[Fields, list[str]]:
    """The fields of a table with these ``columns`` (pandas, datasets, Spark), and which of the
    optional ones (title, date, source) it has; an absent one names no column."""
    have = set(columns)
    present = [c for c in (title, date, source) if c is not None and c in have]
    fields = Fields(
        text=text,
        id=id,
        title=title if title in present else "__no_title__",
        date=date if date in present else "__no_date__",
        source=source if source in present else "__no_source__",
    )
    return fields, sorted(present)


@dataclass(frozen=True)
class InvalidRecord:
    """An input item that could not be read (bad JSON, bad UTF-8, ...), in the place it had.

    Args:
        location: where it was (``"news.jsonl:12"``).
        reason: why it could not be read.
        raw: the line as read, for the output (``{"line", "raw", "dedup"}``).
    """

    location: str
    reason: str
    raw: str | None = None


#: What the library takes as a record: a text, a mapping of fields, or an item that failed to read.
Record = str | Mapping[str, Any] | InvalidRecord


@dataclass(frozen=True, slots=True)
class Valid:
    """A record that can be compared: its position in the input and the fields dedup uses."""

    index: int
    id: Any
    text: str
    title: str | None
    source: str | None
    published_at: Any


def describe(value: object) -> str:
    """A value's kind for an error message: "null", "a int", "a list"."""
    return "null" if value is None else f"a {type(value).__name__}"


def is_missing(value: object) -> bool:
    """Whether a table cell is missing: None, NaN, NaT or ``pd.NA`` (which are unequal to themselves)."""
    try:
        return value is None or bool(value != value)
    except (TypeError, ValueError):
        return False


def is_id(value: object) -> bool:
    """Whether ``value`` can be a record id: a string or an integer (not a bool)."""
    return isinstance(value, (str, int)) and not isinstance(value, bool)


def text_problem(record: Mapping[str, Any], fields: Fields) -> str | None:
    """Why ``record`` has no usable text field, or None when it has one (empty text included)."""
    if fields.text not in record:
        return f"missing text field {fields.text!r}"
    text = record[fields.text]
    if not isinstance(text, str):
        return f"text field {fields.text!r} is {describe(text)}, not a string"
    return None


def too_long(length: int, limit: int) -> str:
    """The reason a text over the length limit is rejected."""
    return f"text is {length:,} characters, over the limit of {limit:,} (max_chars / --max-chars)"


def read_problem(item: Record, fields: Fields, max_chars: int | None) -> str | None:
    """Why ``item`` has no text that can be read (cleaning needs no more), or None."""
    if isinstance(item, InvalidRecord):
        return item.reason
    if isinstance(item, str):
        text = item
    elif isinstance(item, Mapping):
        problem = text_problem(item, fields)
        if problem is not None:
            return problem
        text = item[fields.text]
    else:
        return f"record is {describe(item)}, not a str or a mapping"
    if max_chars is not None and len(text) > max_chars:
        return too_long(len(text), max_chars)
    return None


def record_id(item: Record, index: int, fields: Fields) -> Any:
    """The id of an item: its id field when that is a valid id, else its position ``index``."""
    if isinstance(item, Mapping):
        rid = item.get(fields.id)
        if is_id(rid):
            return rid
    return index


def validate(index: int, item: Record, fields: Fields, max_chars: int | None = None) -> Valid | str:
    """The record's fields, or the reason it cannot be compared (alone: repeated ids are
    :class:`RecordChecker`'s)."""
    if isinstance(item, Mapping):  # a bad id is named before a bad text
        rid = item.get(fields.id)
        if rid is not None and not is_id(rid):
            return f"id field {fields.id!r} is {describe(rid)}, not a string or integer"
    problem = read_problem(item, fields, max_chars)
    if problem is not None:
        return problem
    if isinstance(item, str):
        return Valid(index, index, item, None, None, None) if item.strip() else "empty text"
    assert isinstance(item, Mapping)
    rid = record_id(item, index, fields)
    text = item[fields.text]
    if not text.strip():
        return "empty text"
    title = item.get(fields.title)
    source = item.get(fields.source)
    return Valid(
        index,
        rid,
        text,
        title if isinstance(title, str) else None,
        source if isinstance(source, str) else None,
        item.get(fields.date),
    )


class RecordChecker:
    """Validates the records of one run in order: a valid record, or a ``rejected`` outcome
    (``on_error="skip"``), or :class:`InputError` naming where the record is (``"raise"``).

    State: the ids seen so far in the run, so that a repeated id is refused wherever it comes.

    Args:
        fields: the field names.
        max_chars: the longest text accepted.
        on_error: ``"raise"`` or ``"skip"``.
        locations: where each record came from (``"news.jsonl:12"``), by position from ``start``;
            without it a record is named ``"record N"`` (or by an :class:`InvalidRecord`'s location).
        start: the position of the first record of ``locations``.
    """

    def __init__(
        self,
        fields: Fields,
        *,
        max_chars: int | None,
        on_error: OnError,
        locations: Sequence[str] | None = None,
        start: int = 0,
    ) -> None:
        self.fields = fields
        self.max_chars = max_chars
        self.on_error = on_error
        self.locations = locations
        self.start = start
        self.seen: dict[Any, int] = {}

    def location(self, index: int, item: Record | None = None) -> str:
        """Where the record at ``index`` came from, for messages."""
        if self.locations is not None:
            return self.locations[index - self.start]
        return item.location if isinstance(item, InvalidRecord) else f"record {index}"

    def reject(self, index: int, item: Record, reason: str) -> Outcome:
        """The ``rejected`` outcome of a record, or :class:`InputError` when errors raise."""
        if self.on_error == "raise":
            raise InputError(self.location(index, item), reason)
        return Outcome(record_id(item, index, self.fields), "rejected", reason=reason)

    def check(self, index: int, item: Record) -> Valid | Outcome:
        """The valid record at ``index``, or its ``rejected`` outcome."""
        v = validate(index, item, self.fields, self.max_chars)
        if isinstance(v, Valid) and v.id in self.seen:
            first = self.seen[v.id]
            where = f"at {self.location(first)}" if self.locations is not None else f"by record {first}"
            v = f"duplicate id {v.id!r} (first used {where})"
        if isinstance(v, str):
            return self.reject(index, item, v)
        self.seen[v.id] = index
        return v


def field_names(fields: Fields) -> list[str]:
    """The names of the fields a run reads from each record (a table's columns to convert)."""
    return [fields.id, fields.text, fields.title, fields.date, fields.source]


def line_number(location: str) -> int:
    """The line (or row) number at the end of a location: "news.jsonl:12", "x.parquet:row 12"."""
    tail = location.rsplit(":", 1)[-1].split()[-1]
    return int(tail) if tail.isdigit() else 0


def location_id(location: str, folder: str | None = None) -> str:
    """The id of a record read without one: its file's name and line, ``"news.jsonl:5"``
    (``"news.parquet:12"``, ``"<stdin>:5"``); for a file read from a ``folder`` input, its path
    in the folder (``"2026-12-01/part-0.parquet:12"``). A string, so it never meets an integer
    id, and named by its file, so a second file's records never meet the first's."""
    head = location.rpartition(":")[0]
    prefix = None if folder is None else os.path.join(folder, "")
    name = head[len(prefix) :] if prefix and head.startswith(prefix) else os.path.basename(head)
    return f"{name.replace(os.sep, '/')}:{line_number(location)}"


def name_by_location(
    rows: Iterable[tuple[str, Mapping[str, Any] | InvalidRecord]],
    locations: list[str],
    fields: Fields,
    folders: Sequence[str] = (),
) -> Iterator[Mapping[str, Any] | InvalidRecord]:
    """The records of ``(location, record)`` rows, noting each location in ``locations``; a record
    read from a file without an id is named by :func:`location_id` (the CLI's ids), relative to
    the one of ``folders`` (inputs that are folders) it was read from."""
    roots = [os.path.join(f, "") for f in folders]
    for location, record in rows:
        locations.append(location)
        if isinstance(record, Mapping) and record.get(fields.id) is None:
            root = next((r for r in roots if location.startswith(r)), None)
            record = {**record, fields.id: location_id(location, root)}
        yield record
