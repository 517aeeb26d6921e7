"""The README's examples that claim to run as written do."""

import re
from pathlib import Path

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```python\n(.*?)```", README, flags=re.S)


def test_pipeline_integrations_run_as_written(capsys):
    (block,) = [b for b in BLOCKS if "import newsdedup.pandas" in b]
    scope: dict = {}
    exec(compile(block, "README.md", "exec"), scope)
    assert len(scope["df"]) == 122 and (scope["df"].dedup_status == "kept").sum() == 34
    assert scope["kept"].num_rows == 34
    assert len(capsys.readouterr().out.splitlines()) == 122


def _block(marker: str) -> str:
    (block,) = [b for b in BLOCKS if marker in b]
    return block


def test_the_python_api_example_runs_as_written():
    scope: dict = {}
    exec(compile(_block("r = newsdedup.clean("), "README.md", "exec"), scope)
    assert scope["r"].text == 'PARIS (AFP) - The mayor’s office said "no".'
    assert scope["r"].fingerprint == "the mayors office said no"
    o = scope["outcomes"][1]
    assert (o.id, o.status, o.duplicate_of) == ("g7", "duplicate", "w1") and o.containment > 0.99


def test_the_streaming_example_runs_as_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    scope: dict = {}
    exec(compile(_block("r = newsdedup.clean("), "README.md", "exec"), scope)
    exec(compile(_block("index = NearDupIndex(threshold=0.4"), "README.md", "exec"), scope)
    assert (tmp_path / "news.idx").exists() and "w1" not in scope["index"]


def test_the_duckdb_example_runs_as_written(tmp_path, monkeypatch):
    pa = __import__("pytest").importorskip("pyarrow")
    __import__("pytest").importorskip("duckdb")
    import pyarrow.parquet as pq

    import newsdedup

    monkeypatch.chdir(tmp_path)
    (tmp_path / "news").mkdir()
    rows = [{"id": r["id"], "body": r["text"]} for r in newsdedup.load_sample()]
    pq.write_table(pa.Table.from_pylist(rows[:60]), tmp_path / "news" / "part-0.parquet")
    pq.write_table(pa.Table.from_pylist(rows[60:]), tmp_path / "news" / "part-1.parquet")
    scope: dict = {}
    exec(compile(_block("duckdb.sql("), "README.md", "exec"), scope)
    assert sum(o.status == "kept" for o in scope["outcomes"]) == 34


def test_the_explain_example_runs_as_written(capsys):
    scope: dict = {}
    exec(compile(_block("r = newsdedup.clean("), "README.md", "exec"), scope)
    exec(compile(_block("newsdedup.explain("), "README.md", "exec"), scope)
    assert scope["e"].duplicate and "True resemblance" in capsys.readouterr().out.splitlines()
