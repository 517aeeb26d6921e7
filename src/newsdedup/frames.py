"""Tables given where records are wanted: pandas, Arrow, polars and duckdb, read as rows.

Owns: recognising a table-like input and turning it into a stream of row mappings, one Arrow
record batch (or one pandas row) at a time, so a table larger than memory streams like a JSONL
file. What is recognised, without importing any of those packages unless the input is theirs:

* a pandas ``DataFrame`` (rows; missing values NaN/None/NaT become None);
* a pyarrow ``Table``, ``RecordBatch``, ``RecordBatchReader`` or ``dataset.Dataset``;
* anything speaking the Arrow C stream interface (``__arrow_c_stream__``): a polars
  ``DataFrame``, a duckdb relation, ...; a polars ``LazyFrame`` is collected first.

A row's fields are the table's columns (only those a run reads, when the caller says which).
Every entry point (``dedup``, ``Deduplicator.run``, ``NearDupIndex.add_many``/``check_many``,
``stream``) takes its records through :func:`records_of`.

>>> list(records_of(["a text"], "dedup()"))
['a text']
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from .errors import require
from .records import is_missing

__all__ = ["is_table", "records_of"]

#: Rows converted at a time from an Arrow stream (bounded memory for any table size).
BATCH_ROWS = 10_000


def _module(obj: object) -> str:
    return type(obj).__module__ or ""


def is_table(obj: object) -> bool:
    """Whether ``obj`` is a table this module reads as rows."""
    mod = _module(obj)
    if mod.startswith("pandas") and hasattr(obj, "itertuples"):
        return True
    if mod.startswith("pyarrow") and hasattr(obj, "schema"):
        return True
    if mod.startswith("polars") and hasattr(obj, "collect"):
        return True
    return hasattr(obj, "__arrow_c_stream__")


def records_of(records: object, what: str, columns: Sequence[str] | None = None) -> Iterable[Any]:
    """``records`` as an iterable of records: a table's rows (only ``columns``, those present,
    when given), any other iterable as it is; a TypeError, in one line, when it is not an
    iterable of records (one record, a text or bytes given where many are wanted)."""
    if is_table(records):
        return _rows(records, columns)
    kind = type(records).__name__
    if isinstance(records, (str, bytes, bytearray, Mapping)):
        raise TypeError(
            f"{what} takes an iterable of records (texts or mappings), not one {kind}; use [record]"
        )
    if not hasattr(records, "__iter__"):
        raise TypeError(f"{what} takes an iterable of records, not {kind}")
    return records  # type: ignore[return-value]


def _rows(table: Any, columns: Sequence[str] | None) -> Iterator[dict[str, Any]]:
    mod = _module(table)
    if mod.startswith("pandas"):
        yield from _pandas_rows(table, columns)
        return
    if mod.startswith("polars") and hasattr(table, "collect"):  # a LazyFrame: its plan, run
        table = table.collect()
    pa = require("pyarrow", extra="arrow", purpose="Arrow, polars or duckdb input")
    for batch in _batches(table, pa):
        if columns is not None:
            batch = batch.select([c for c in columns if c in batch.schema.names])
        yield from batch.to_pylist()


def _pandas_rows(df: Any, columns: Sequence[str] | None) -> Iterator[dict[str, Any]]:
    names = [c for c in df.columns if columns is None or c in columns]
    if len(set(names)) != len(names):
        raise ValueError(f"the frame has a column name twice: {list(df.columns)}")
    for row in df[names].itertuples(index=False, name=None):
        yield {k: (None if is_missing(v) else v) for k, v in zip(names, row, strict=True)}


def _batches(table: Any, pa: Any) -> Iterator[Any]:
    """Record batches of an Arrow-like table, in order, each at most :data:`BATCH_ROWS` rows."""
    if isinstance(table, pa.RecordBatch):
        parts: Iterable[Any] = [table]
    elif isinstance(table, pa.Table):
        parts = table.to_batches(max_chunksize=BATCH_ROWS)
    elif isinstance(table, pa.RecordBatchReader):
        parts = table
    elif hasattr(table, "to_batches"):  # pyarrow.dataset.Dataset (or a Scanner)
        parts = table.to_batches(batch_size=BATCH_ROWS)
    else:
        parts = pa.RecordBatchReader.from_stream(table)
    for batch in parts:
        for lo in range(0, batch.num_rows, BATCH_ROWS):
            yield batch.slice(lo, BATCH_ROWS)
