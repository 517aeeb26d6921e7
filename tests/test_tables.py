"""Parquet outputs have one fixed schema, whatever the rows hold (issue 16, item 8)."""

import json

import pytest

pa = pytest.importorskip("pyarrow", reason="the [parquet] extra is not installed")
import pyarrow.parquet as pq  # noqa: E402

from newsdedup.cli import main  # noqa: E402
from newsdedup.tables import DEDUP_FIELDS, parquet_schema  # noqa: E402

DEDUP = pa.struct([pa.field(f, t) for f, t in DEDUP_FIELDS])


def _run(tmp_path, records, *extra):
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in records))
    out = tmp_path / "out.parquet"
    assert main(["dedup", str(src), "-o", str(out), "-q", "--on-error", "skip", *extra]) == 0
    return pq.read_table(out)


STORY = "Rain fell on the harbour all day and the ferries stayed in port until the evening tide."


def test_ids_of_both_kinds_and_mixed_fields_are_written(tmp_path):
    records = [
        {"id": 7, "text": STORY, "tags": "weather", "n": 1},
        {"id": "b", "text": STORY + "!", "tags": {"kind": "weather"}, "n": 2.5},
        {"text": "A different story about the orchestra touring twelve village halls."},  # id in.jsonl:3
        {"id": "c"},  # rejected
    ]
    table = _run(tmp_path, records)
    assert table.schema.field("id").type == pa.string() and table.schema.field("dedup").type == DEDUP
    assert table.column("id").to_pylist() == ["7", "b", None, "c"]
    assert table.column("tags").to_pylist() == ['"weather"', '{"kind": "weather"}', None, None]
    assert table.column("n").type == pa.float64()
    dedup = table.column("dedup").to_pylist()
    assert (
        dedup[1]["duplicate_of"] == "7"
        and dedup[2]["cluster"] == "in.jsonl:3"
        and dedup[3]["status"] == "rejected"
    )


def test_the_schema_does_not_change_with_the_data(tmp_path):
    kept_only = _run(tmp_path, [{"id": "a", "text": STORY}], "--only-kept")
    assert kept_only.schema.field("dedup").type == DEDUP  # reason is a string even when all are null
    assert parquet_schema([{"id": "a", "dedup": None}], "id") == pa.schema(
        [pa.field("id", pa.string()), pa.field("dedup", DEDUP)]
    )
