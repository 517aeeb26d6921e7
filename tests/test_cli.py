import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from newsdedup.cli import load_sample, main, run_demo

STORY = (
    "Rescuers pulled 212 people from a ferry that ran aground off the coast late on Saturday, "
    "the coast guard said, and eleven were treated in hospital for mild hypothermia."
)


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_dedup_output_contract(tmp_path):
    records = [
        {"id": "a", "text": STORY, "source": "Wire", "extra": [1, 2]},
        {"id": "b", "text": "Share\n" + STORY, "source": "Gazette"},
        {"text": "A cat show drew record crowds to the town hall on Sunday, organisers said."},
    ]
    src = _write(tmp_path / "in.jsonl", [json.dumps(r) for r in records])
    out = tmp_path / "out.jsonl"
    assert main(["dedup", str(src), "-o", str(out), "-q"]) == 0
    rows = _read(out)
    assert len(rows) == 3
    for rec, row in zip(records, rows, strict=True):
        assert {k: row[k] for k in rec} == rec  # every input field, unchanged, in input order
        assert set(row["dedup"]) == {
            "status",
            "cluster",
            "duplicate_of",
            "resemblance",
            "containment",
            "reason",
        }
    assert rows[0]["dedup"]["status"] == "kept" and rows[0]["dedup"]["cluster"] == "a"
    assert rows[1]["dedup"] == {
        "status": "duplicate",
        "cluster": "a",
        "duplicate_of": "a",
        "resemblance": 1.0,
        "containment": 1.0,
        "reason": None,
    }
    assert rows[2]["dedup"]["cluster"] == 3  # no id: named by its line number


def test_bad_line_stops_with_its_location(tmp_path, capsys):
    src = _write(
        tmp_path / "in.jsonl", [json.dumps({"id": 1, "text": STORY}), "{not json", json.dumps({"id": 3})]
    )
    out = tmp_path / "out.jsonl"
    assert main(["dedup", str(src), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"{src}:2: malformed JSON" in err and "--on-error skip" in err
    assert not out.exists()


def test_skip_marks_bad_lines_rejected_and_keeps_them(tmp_path):
    src = _write(
        tmp_path / "in.jsonl",
        [
            json.dumps({"id": 1, "text": STORY}),
            "{not json",
            json.dumps({"id": 3}),
            json.dumps({"id": 4, "text": STORY}),
        ],
    )
    out = tmp_path / "out.jsonl"
    assert main(["dedup", str(src), "-o", str(out), "--on-error", "skip", "-q"]) == 0
    rows = _read(out)
    assert [r["dedup"]["status"] for r in rows] == ["kept", "rejected", "rejected", "duplicate"]
    assert rows[1] == {"line": 2, "raw": "{not json", "dedup": rows[1]["dedup"]}
    assert "missing text field" in rows[2]["dedup"]["reason"]


def test_clean_command(tmp_path):
    src = _write(
        tmp_path / "in.jsonl", [json.dumps({"id": 1, "title": "T", "text": "Advertisement\nIt&#39;s on."})]
    )
    out = tmp_path / "out.jsonl"
    assert main(["clean", str(src), "-o", str(out), "--keep-original", "--explain", "-q"]) == 0
    (row,) = _read(out)
    assert row["text"] == "It's on." and row["text_original"] == "Advertisement\nIt&#39;s on."
    assert [e["rule"] for e in row["clean"]["edits"]] == ["boilerplate.advertisement", "markup.entities"]
    assert row["title"] == "T" and row["id"] == 1


def test_clean_disable_and_unknown_rule(tmp_path, capsys):
    src = _write(tmp_path / "in.jsonl", [json.dumps({"text": "Share\nBody."})])
    out = tmp_path / "out.jsonl"
    assert main(["clean", str(src), "-o", str(out), "--disable", "boilerplate.share", "-q"]) == 0
    assert _read(out)[0]["text"] == "Share\nBody."
    assert main(["clean", str(src), "-o", str(out), "--disable", "nope"]) == 2
    assert "unknown cleaning rule" in capsys.readouterr().err


def test_demo_groups_the_sample_with_no_false_merge():
    buf = io.StringIO()
    result = run_demo(buf)
    assert result["false_merges"] == 0
    assert result["precision"] == 1.0 and result["recall"] == 1.0
    text = buf.getvalue()
    assert "false merges 0" in text and "Cluster " in text
    assert result["summary"]["records"] == len(load_sample())


@pytest.mark.parametrize("args", [["--help"], ["demo", "--help"], ["clean", "--help"], ["dedup", "--help"]])
def test_help(args, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(args)
    assert exit_.value.code == 0
    assert "usage: newsdedup" in capsys.readouterr().out


def test_console_script_runs_demo():
    done = subprocess.run([sys.executable, "-m", "newsdedup.cli", "demo"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "false merges 0" in done.stdout


def test_stdin_to_stdout():
    data = json.dumps({"id": "x", "text": STORY}) + "\n" + json.dumps({"id": "y", "text": STORY}) + "\n"
    done = subprocess.run(
        [sys.executable, "-m", "newsdedup.cli", "dedup", "-", "-q"],
        input=data,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert [json.loads(x)["dedup"]["status"] for x in done.stdout.splitlines()] == ["kept", "duplicate"]


def test_workers_give_byte_identical_output(tmp_path):
    from newsdedup.cli import load_sample

    src = _write(tmp_path / "in.jsonl", [json.dumps(r) for r in load_sample()])
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert main(["dedup", str(src), "-o", str(one), "-q"]) == 0
    assert main(["dedup", str(src), "-o", str(two), "-q", "--workers", "2"]) == 0
    assert one.read_bytes() == two.read_bytes()
