import sys

import pytest

from newsdedup.io import atomic_output, read_jsonl
from newsdedup.records import InvalidRecord


def test_read_jsonl_keeps_every_line_in_place(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_bytes(b'{"id": 1, "text": "a"}\n\n{oops\n[1, 2]\n\xff\xfe bad bytes\n{"id": 2, "text": "b"}')
    rows = list(read_jsonl(path))
    assert [loc for loc, _ in rows] == [f"{path}:{n}" for n in (1, 3, 4, 5, 6)]
    kinds = [type(r).__name__ for _, r in rows]
    assert kinds == ["dict", "InvalidRecord", "InvalidRecord", "InvalidRecord", "dict"]
    assert "malformed JSON" in rows[1][1].reason and rows[1][1].raw == "{oops"
    assert "is not a record" in rows[2][1].reason
    assert "not valid UTF-8" in rows[3][1].reason
    assert isinstance(rows[3][1], InvalidRecord)


def test_atomic_output_leaves_nothing_half_written(tmp_path):
    target = tmp_path / "out.jsonl"
    target.write_text("old\n")
    with pytest.raises(RuntimeError), atomic_output(target) as out:
        out.write("partial")
        raise RuntimeError("crash")
    assert target.read_text() == "old\n"
    assert list(tmp_path.iterdir()) == [target]
    with atomic_output(target) as out:
        out.write("new\n")
    assert target.read_text() == "new\n"


# --- formats -------------------------------------------------------------------------------------

import gzip  # noqa: E402
import json  # noqa: E402

from newsdedup.io import detect_format, read_records, write_records  # noqa: E402

ROWS = [
    {"id": "a", "text": "Storm hits the coast.", "n": 1, "tags": ["x", "y"]},
    {"id": "b", "text": "Ferry service resumes — “at last”.", "n": 2, "tags": []},
]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("x.jsonl", ("jsonl", None)),
        ("x.JSONL.GZ", ("jsonl", "gzip")),
        ("x.ndjson.zst", ("jsonl", "zstd")),
        ("x.csv", ("csv", None)),
        ("x.csv.gz", ("csv", "gzip")),
        ("x.parquet", ("parquet", None)),
        ("-", ("jsonl", None)),
    ],
)
def test_detect_format(name, expected):
    assert detect_format(name) == expected


def test_unknown_format_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="cannot tell the format"):
        detect_format(tmp_path / "x.txt")
    with pytest.raises(ValueError, match="Parquet is compressed"):
        detect_format("x.parquet.gz")


@pytest.mark.parametrize("name", ["out.jsonl", "out.jsonl.gz", "out.jsonl.zst", "out.parquet"])
def test_jsonl_and_parquet_round_trip(tmp_path, name):
    path = tmp_path / name
    assert write_records(path, ROWS) == 2
    assert [r for _, r in read_records(path)] == ROWS
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]  # no temp file left


def test_gzip_output_is_deterministic(tmp_path):
    write_records(tmp_path / "a.jsonl.gz", ROWS)
    write_records(tmp_path / "b.jsonl.gz", ROWS)
    assert (tmp_path / "a.jsonl.gz").read_bytes() == (tmp_path / "b.jsonl.gz").read_bytes()
    assert json.loads(gzip.decompress((tmp_path / "a.jsonl.gz").read_bytes()).splitlines()[0]) == ROWS[0]


def test_csv_round_trip_and_bad_rows(tmp_path):
    path = tmp_path / "out.csv"
    write_records(path, ROWS)
    back = [r for _, r in read_records(path)]
    assert back[1]["text"] == ROWS[1]["text"] and back[1]["n"] == "2" and back[0]["tags"] == '["x", "y"]'
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b'id,text\n1,"two\nlines"\n2,a,extra\n3,\xff\xfe\n4,fine\n')
    rows = list(read_records(bad))
    assert [loc for loc, _ in rows] == [f"{bad}:{n}" for n in (3, 4, 5, 6)]
    assert rows[0][1] == {"id": "1", "text": "two\nlines"}
    assert "3 fields" in rows[1][1].reason and "not valid UTF-8" in rows[2][1].reason
    assert rows[3][1] == {"id": "4", "text": "fine"}


def test_txt_folder(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "b.txt").write_text("Second story.")
    (tmp_path / "sub" / "a.txt").write_text("First story.")
    (tmp_path / "bad.txt").write_bytes(b"\xff oops")
    (tmp_path / "notes.md").write_text("ignored: not .txt")
    rows = list(read_records(tmp_path))
    assert [r["id"] if isinstance(r, dict) else None for _, r in rows] == ["b.txt", None, "sub/a.txt"]
    assert "not valid UTF-8" in rows[1][1].reason and rows[1][0].endswith("bad.txt")


def test_parquet_needs_pyarrow_message(monkeypatch, tmp_path):
    # None in sys.modules makes the import fail as a missing package does.
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    with pytest.raises(ImportError, match=r"newsdedup\[parquet\]"):
        list(read_records(tmp_path / "x.parquet"))
