"""Tabular outputs (Parquet) with a fixed schema, whatever the rows hold.

Owns: the Arrow schema a Parquet output gets. The ``dedup`` object is always the same typed
struct (status, cluster and duplicate_of as strings, the scores as doubles, reason a string);
the ``id`` field is a string column (string ids as they are, integer ids as their digits); any
other field keeps its type when every value has one scalar type (strings, booleans, integers,
floats; integers beside floats become floats) or all are lists, or all objects, of one Arrow
type; else every value of it is written as JSON text,
so a field that is a string in one row and an object in another never stops a run. It must not
decide outcomes or where the file goes (``output`` does).

>>> schema = parquet_schema([{"id": 1, "n": 2, "x": {"a": 1}}, {"id": "b", "n": 2.5, "x": "s"}], "id")
>>> [(f.name, str(f.type)) for f in schema][:3]
[('id', 'string'), ('n', 'double'), ('x', 'string')]
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from .errors import require

__all__ = ["DEDUP_FIELDS", "parquet_schema", "parquet_table"]

#: The ``dedup`` object's fields and their Arrow types (the output contract).
DEDUP_FIELDS = (
    ("status", "string"),
    ("cluster", "string"),
    ("duplicate_of", "string"),
    ("resemblance", "float64"),
    ("containment", "float64"),
    ("reason", "string"),
)
_SCALARS = {str: "string", bool: "bool", int: "int64", float: "float64"}


def _pa() -> Any:
    return require("pyarrow", extra="parquet", purpose="Parquet")


def _kind(values: Sequence[Any]) -> str:
    """A column's kind: an Arrow type name for one scalar type, ``nested`` for lists only or
    objects only (Arrow infers their type), else ``json`` (written as JSON text)."""
    kinds = {type(v) for v in values if v is not None}
    if kinds == {int, float}:
        return "float64"
    if not kinds:
        return "string"
    if len(kinds) == 1 and next(iter(kinds)) in _SCALARS:
        return _SCALARS[next(iter(kinds))]
    if all(issubclass(k, list) for k in kinds) or all(issubclass(k, dict) for k in kinds):
        pa = _pa()
        try:
            pa.array(values)
        except (pa.ArrowInvalid, pa.ArrowTypeError):  # lists or objects of mixed insides
            return "json"
        return "nested"
    return "json"


def _columns(rows: Sequence[Mapping[str, Any]], id_field: str) -> list[tuple[str, str, Any]]:
    """``(name, kind, Arrow type)`` of each column, in first-seen order."""
    pa = _pa()
    out = []
    for name in dict.fromkeys(k for row in rows for k in row):
        values = [row.get(name) for row in rows]
        kind = "dedup" if name == "dedup" else "id" if name == id_field else _kind(values)
        if kind == "dedup":
            type_ = pa.struct([pa.field(f, t) for f, t in DEDUP_FIELDS])
        elif kind in ("id", "json"):
            type_ = pa.string()
        else:
            type_ = pa.array(values).type if kind == "nested" else pa.type_for_alias(kind)
        out.append((name, kind, type_))
    return out


def parquet_schema(rows: Sequence[Mapping[str, Any]], id_field: str) -> Any:
    """The fixed schema of ``rows``: their keys in first-seen order, each typed as above."""
    pa = _pa()
    return pa.schema([pa.field(name, type_) for name, _, type_ in _columns(rows, id_field)])


def _id_text(value: Any) -> str | None:
    return None if value is None else value if isinstance(value, str) else json.dumps(value, default=str)


def _cell(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "dedup":
        if not isinstance(value, Mapping):
            return None
        row = {f: value.get(f) for f, _ in DEDUP_FIELDS}
        row["cluster"], row["duplicate_of"] = _id_text(row["cluster"]), _id_text(row["duplicate_of"])
        return row
    if kind == "id":
        return _id_text(value)
    if kind == "json":
        return json.dumps(value, ensure_ascii=False, default=str)
    return float(value) if kind == "float64" else value


def parquet_table(rows: Sequence[Mapping[str, Any]], id_field: str) -> Any:
    """``rows`` as an Arrow table of :func:`parquet_schema`."""
    pa = _pa()
    columns = _columns(rows, id_field)
    arrays = [pa.array([_cell(row.get(name), kind) for row in rows], type=t) for name, kind, t in columns]
    return pa.Table.from_arrays(arrays, schema=pa.schema([pa.field(name, t) for name, _, t in columns]))
