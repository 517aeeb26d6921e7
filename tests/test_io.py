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


# --- readers that never lose a record (issue 16, items 9-14) ------------------------------------


import newsdedup  # noqa: E402
from newsdedup.errors import InputError  # noqa: E402

LINES = "".join(json.dumps({"id": i, "text": f"story number {i} of the day"}) + "\n" for i in range(300))


@pytest.mark.parametrize("suffix", [".jsonl.gz", ".jsonl.zst"])
def test_a_compressed_file_cut_short_is_an_error_naming_it(tmp_path, suffix):
    zstandard = pytest.importorskip("zstandard")
    data = LINES.encode()
    packed = gzip.compress(data) if suffix.endswith(".gz") else zstandard.ZstdCompressor().compress(data)
    whole = tmp_path / f"whole{suffix}"
    whole.write_bytes(packed + packed)  # two members / frames: both read
    assert len(list(read_records(whole))) == 600
    for cut in (len(packed) // 3, len(packed) - 4):
        short = tmp_path / f"short{suffix}"
        short.write_bytes(packed[:cut])
        with pytest.raises(InputError, match=f"short{suffix}.*cut short or damaged"):
            list(read_records(short))


def test_a_gzip_crc_error_names_the_file(tmp_path):
    packed = bytearray(gzip.compress(LINES.encode()))
    packed[-8] ^= 0xFF  # the CRC
    bad = tmp_path / "crc.jsonl.gz"
    bad.write_bytes(bytes(packed))
    with pytest.raises(InputError, match=r"crc\.jsonl\.gz"):
        list(read_records(bad))


def test_csv_unclosed_quote_long_field_bom_and_empty_ids(tmp_path):
    bad = tmp_path / "open.csv"
    bad.write_text('id,text\na,"one\nb,two\nc,three\n')
    with pytest.raises(InputError, match=r"open.csv:\d+: CSV cannot be read past here"):
        list(read_records(bad))
    long = tmp_path / "long.csv"
    long.write_text("id,text\na," + "x" * 200_000 + "\nb,short\n")
    assert [r["text"][:5] for _, r in read_records(long, field_limit=300_000)] == ["xxxxx", "short"]
    with pytest.raises(InputError, match=r"long\.csv:2"):
        list(read_records(long, field_limit=1000))
    excel = tmp_path / "excel.csv"
    excel.write_bytes(b"\xef\xbb\xbfid,text\n,first\n,second\nz,third\n")
    rows = [r for _, r in read_records(excel)]
    assert [r["id"] for r in rows] == [None, None, "z"] and rows[0]["text"] == "first"
    outcomes = newsdedup.dedup([{**r, "id": r["id"] or n} for n, r in enumerate(rows)])
    assert [o.status for o in outcomes] == ["kept", "kept", "kept"]


def test_parquet_with_a_column_twice_is_refused(tmp_path):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    table = pa.Table.from_arrays(
        [pa.array(["a"]), pa.array(["one"]), pa.array(["two"])], ["id", "text", "text"]
    )
    pq.write_table(table, tmp_path / "twice.parquet")
    with pytest.raises(InputError, match=r"names a column twice: \['text'\]"):
        list(read_records(tmp_path / "twice.parquet"))


@pytest.mark.parametrize("end", ["\r", "\r\n", "\n"])
def test_any_line_end_and_a_bom(tmp_path, end):
    path = tmp_path / "ends.jsonl"
    body = end.join(json.dumps({"id": i, "text": f"text {i}"}) for i in range(3)) + end
    path.write_bytes(b"\xef\xbb\xbf" + body.encode())
    got = list(read_records(path))
    assert [r["id"] for _, r in got] == [0, 1, 2] and [loc for loc, _ in got][-1].endswith(":3")


def test_deep_nesting_huge_integers_and_nan_are_rejected_with_their_line(tmp_path):
    path = tmp_path / "odd.jsonl"
    path.write_text(
        "[" * 100_000 + "\n" + '{"id": ' + "9" * 5000 + ', "text": "x"}\n' + '{"id": "n", "text": NaN}\n'
        '{"id": "ok", "text": "fine"}\n'
    )
    got = list(read_records(path))
    reasons = [r.reason for _, r in got[:3]]
    assert all(isinstance(r, InvalidRecord) for _, r in got[:3]), reasons
    assert "nested too deeply" in reasons[0] and "digits" in reasons[1] and "NaN is not JSON" in reasons[2]
    assert [loc for loc, _ in got] == [f"{path}:{n}" for n in (1, 2, 3, 4)]


def test_a_lone_surrogate_is_kept_escaped_on_every_path(tmp_path):
    from newsdedup.cli import main

    src = tmp_path / "s.jsonl"
    src.write_text(
        '{"id": "a\\ud800", "text": "Rain fell \\udc00 on the harbour all day.", "x": "\\ud83d"}\n'
    )
    out = tmp_path / "o.jsonl"
    assert main(["dedup", str(src), "-o", str(out), "--report", str(tmp_path / "r.json"), "-q"]) == 0
    row = json.loads(out.read_text())
    assert row["id"] == "a\ud800" and row["x"] == "\ud83d" and row["dedup"]["status"] == "kept"
    index = newsdedup.NearDupIndex(on_error="skip")
    assert index.add_many([json.loads(src.read_text())])[0].status == "kept" and "a\ud800" in index
    index.save(tmp_path / "i.idx")
    assert list(newsdedup.NearDupIndex.load(tmp_path / "i.idx").ids()) == ["a\ud800"]
