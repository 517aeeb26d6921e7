import pytest

from newsdedup import NearDupIndex, dedup, load_sample, stream
from newsdedup.frames import BATCH_ROWS, is_table, records_of

pa = pytest.importorskip("pyarrow")
pd = pytest.importorskip("pandas")

SAMPLE = load_sample()
COLUMNS = ["id", "text", "title", "source", "published_at"]
# Every table kind, built from the sample; each must give the outcomes the list of dicts gives.
ROWS = [{k: r.get(k) for k in COLUMNS} for r in SAMPLE]


def _kinds():
    table = pa.Table.from_pylist(ROWS)
    kinds = {
        "pandas": lambda: pd.DataFrame(ROWS),
        "arrow table": lambda: table,
        "arrow batch": lambda: table.combine_chunks().to_batches()[0],
        "arrow reader": lambda: pa.RecordBatchReader.from_batches(
            table.schema, table.to_batches(max_chunksize=7)
        ),
        "arrow dataset": lambda: __import__("pyarrow.dataset").dataset.dataset(table),
    }
    try:
        import polars as pl

        kinds["polars"] = lambda: pl.DataFrame(ROWS)
        kinds["polars lazy"] = lambda: pl.DataFrame(ROWS).lazy()
    except ImportError:
        pass
    try:
        import duckdb

        con = duckdb.connect()
        con.register("news", table)
        kinds["duckdb"] = lambda: con.sql("select * from news")
    except ImportError:
        pass
    return kinds


KINDS = _kinds()


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_table_kind_gives_the_outcomes_of_its_rows(kind):
    make = KINDS[kind]
    want = dedup(ROWS)
    assert is_table(make())
    assert dedup(make()) == want
    assert NearDupIndex(chunk_size=10).add_many(make()) == want
    assert [o for _, o in stream(make())] == want


def test_pandas_missing_cells_are_missing_fields():
    df = pd.DataFrame(
        {"id": ["a", "b"], "text": ["Rain fell on the harbour all day.", None], "title": [None, "x"]}
    )
    out = dedup(df, on_error="skip")
    assert [o.status for o in out] == ["kept", "rejected"]
    assert "text" in out[1].reason


def test_only_the_fields_read_are_converted_and_rows_come_in_batches():
    wide = pa.table(
        {
            "id": list(range(BATCH_ROWS + 5)),
            "text": ["a b c d e"] * (BATCH_ROWS + 5),
            "blob": [b"\x00" * 10] * (BATCH_ROWS + 5),
        }
    )
    rows = list(records_of(wide, "x", columns=["id", "text", "title"]))
    assert len(rows) == BATCH_ROWS + 5 and set(rows[0]) == {"id", "text"}
    assert rows[-1]["id"] == BATCH_ROWS + 4  # in order, across batches


def test_stream_yields_whole_rows():
    df = pd.DataFrame({"id": ["a"], "text": ["Rain fell on the harbour all day."], "extra": [3]})
    ((row, outcome),) = stream(df)
    assert (
        row == {"id": "a", "text": "Rain fell on the harbour all day.", "extra": 3}
        and outcome.status == "kept"
    )


def test_not_records_is_still_a_clear_error():
    with pytest.raises(TypeError, match="not one str"):
        dedup("one text")
    with pytest.raises(TypeError, match="iterable of records"):
        dedup(5)
