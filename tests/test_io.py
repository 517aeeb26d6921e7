import pytest

from newsdedup.io import InvalidRecord, atomic_output, read_jsonl


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
