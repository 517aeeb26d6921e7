import io
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from newsdedup import load_sample
from newsdedup.cli import main
from newsdedup.demo import run_demo

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
    assert rows[2]["dedup"]["cluster"] == "in.jsonl:3"  # no id: named by its file and line


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
    from newsdedup import load_sample

    src = _write(tmp_path / "in.jsonl", [json.dumps(r) for r in load_sample()])
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert main(["dedup", str(src), "-o", str(one), "-q"]) == 0
    assert main(["dedup", str(src), "-o", str(two), "-q", "--workers", "2"]) == 0
    assert one.read_bytes() == two.read_bytes()


# --- index and --against -------------------------------------------------------------------------


def _split_sample(tmp_path: Path, n: int = 60) -> tuple[Path, Path]:
    rows = [json.dumps(r) for r in load_sample()]
    return _write(tmp_path / "old.jsonl", rows[:n]), _write(tmp_path / "new.jsonl", rows[n:])


def test_dedup_against_an_index_file_a_corpus_and_redis_agree(tmp_path, redis_url, redis_name):
    old, new = _split_sample(tmp_path)
    idx = tmp_path / "news.idx"
    assert main(["index", "build", str(idx), str(old), "-q"]) == 0
    assert main(["dedup", str(new), "--against", str(idx), "-o", str(tmp_path / "a.jsonl"), "-q"]) == 0
    assert main(["dedup", str(new), "--against", str(old), "-o", str(tmp_path / "b.jsonl"), "-q"]) == 0
    assert main(["index", "build", redis_url, str(old), "--index-name", redis_name, "-q"]) == 0
    args = ["dedup", str(new), "--against", redis_url, "--index-name", redis_name, "-q"]
    assert main([*args, "-o", str(tmp_path / "c.jsonl")]) == 0
    a = (tmp_path / "a.jsonl").read_bytes()
    assert a == (tmp_path / "b.jsonl").read_bytes() == (tmp_path / "c.jsonl").read_bytes()
    # The same outcomes as one batch run over old + new, for the new records.
    main(["dedup", str(_write(tmp_path / "all.jsonl", [json.dumps(r) for r in load_sample()])), "-o",
          str(tmp_path / "all.out"), "-q"])  # fmt: skip
    assert _read(tmp_path / "a.jsonl") == _read(tmp_path / "all.out")[60:]


def test_update_index_adds_the_kept_records(tmp_path, capsys):
    old, new = _split_sample(tmp_path)
    idx = tmp_path / "news.idx"
    main(["index", "build", str(idx), str(old), "-q"])
    before = json.loads(_stats(idx, capsys))["articles"]
    main(["dedup", str(new), "--against", str(idx), "-o", str(tmp_path / "o.jsonl"), "-q"])
    assert json.loads(_stats(idx, capsys))["articles"] == before  # checking alone changes nothing
    main(["dedup", str(new), "--against", str(idx), "--update-index", "-o", str(tmp_path / "o.jsonl"), "-q"])
    kept = sum(r["dedup"]["status"] == "kept" for r in _read(tmp_path / "o.jsonl"))
    assert json.loads(_stats(idx, capsys))["articles"] == before + kept


def _stats(idx: Path, capsys) -> str:
    capsys.readouterr()
    assert main(["index", "stats", str(idx)]) == 0
    return capsys.readouterr().out


def test_index_add_and_query(tmp_path):
    old, new = _split_sample(tmp_path)
    idx = tmp_path / "news.idx"
    main(["index", "build", str(idx), str(old), "-q", "-o", str(tmp_path / "built.jsonl")])
    assert [r["id"] for r in _read(tmp_path / "built.jsonl")] == [r["id"] for r in _read(old)]
    assert main(["index", "query", str(idx), str(old), "-o", str(tmp_path / "q.jsonl"), "-q"]) == 0
    rows = _read(tmp_path / "q.jsonl")
    assert len(rows) == len(_read(old))
    assert all(any(m["duplicate"] for m in r["matches"]) for r in rows)
    assert all(
        set(m) == {"id", "resemblance", "containment", "duplicate"} for r in rows for m in r["matches"]
    )
    assert main(["index", "add", str(idx), str(new), "-q", "-o", str(tmp_path / "added.jsonl")]) == 0
    assert _read(tmp_path / "added.jsonl") == _read_outcomes_of_against(tmp_path, old, new)


def test_records_without_ids_never_collide_with_integer_ids_or_another_file(tmp_path):
    # {"id": 2} beside id-less records was a repeated id; so was every second id-less file of an index
    day1 = _write(
        tmp_path / "day1.jsonl",
        [json.dumps({"id": 2, "text": STORY}), json.dumps({"text": "A cat show drew crowds on Sunday."})],
    )
    day2 = [
        "The harbour reopened after six weeks of repairs to the sea wall.",
        "Wheat prices rose for a third day as dry weather hit the plains.",
    ]
    new = _write(tmp_path / "day2.jsonl", [json.dumps({"text": t}) for t in day2])
    out = tmp_path / "out.jsonl"
    assert main(["dedup", str(day1), "-o", str(out), "-q"]) == 0
    assert [r["dedup"]["cluster"] for r in _read(out)] == [2, "day1.jsonl:2"]
    idx = tmp_path / "news.idx"
    assert main(["index", "build", str(idx), str(day1), "-q"]) == 0
    assert main(["index", "add", str(idx), str(new), "-q", "-o", str(out)]) == 0
    assert [r["dedup"]["cluster"] for r in _read(out)] == ["day2.jsonl:1", "day2.jsonl:2"]


def _read_outcomes_of_against(tmp_path: Path, old: Path, new: Path) -> list[dict]:
    main(["dedup", str(new), "--against", str(old), "-o", str(tmp_path / "against.jsonl"), "-q"])
    return _read(tmp_path / "against.jsonl")


def test_index_errors(tmp_path, capsys):
    old, new = _split_sample(tmp_path)
    idx = tmp_path / "news.idx"
    main(["index", "build", str(idx), str(old), "-q"])
    assert main(["index", "build", str(idx), str(old), "-q"]) == 2
    assert "exists" in capsys.readouterr().err
    assert main(["dedup", str(new), "--against", str(old), "--update-index", "-q"]) == 2
    assert "index file or a Redis URL" in capsys.readouterr().err
    assert main(["dedup", str(new), "--update-index", "-q"]) == 2
    (tmp_path / "broken.idx").write_bytes(idx.read_bytes()[:100])
    assert main(["dedup", str(new), "--against", str(tmp_path / "broken.idx"), "-q"]) == 2
    assert "corrupt or truncated" in capsys.readouterr().err
    assert main(["dedup", str(new), "--against", str(idx), "--keep", "longest", "-q"]) == 2


# --- formats, reports and bad input ------------------------------------------------------------


def _sample_rows() -> list[dict]:
    return load_sample()


def test_every_kind_of_bad_line_gets_its_outcome(tmp_path, capsys):
    huge = "word " * 10_000_000  # a 50 MB document
    lines = [
        json.dumps({"id": "ok1", "text": STORY}).encode(),
        b"{not json",
        b'["a", "list"]',
        json.dumps({"id": "notext"}).encode(),
        json.dumps({"id": "num", "text": 42}).encode(),
        json.dumps({"id": "null", "text": None}).encode(),
        json.dumps({"id": "empty", "text": "   "}).encode(),
        json.dumps({"id": "ok1", "text": STORY + " Again."}).encode(),  # duplicate id
        b'{"id": "bytes", "text": "caf\xe9"}',
        json.dumps({"id": "huge", "text": huge}).encode(),
        json.dumps({"id": "ok2", "text": STORY + "\nAdvertisement"}).encode(),
    ]
    src = tmp_path / "bad.jsonl"
    src.write_bytes(b"\n".join(lines) + b"\n")
    # Default: stop at the first problem, naming file and line, writing nothing.
    assert main(["dedup", str(src), "-o", str(tmp_path / "out.jsonl")]) == 2
    assert f"{src}:2: malformed JSON" in capsys.readouterr().err
    assert not (tmp_path / "out.jsonl").exists()
    # Skipping: every line has exactly one outcome, in order, with its reason, and is counted.
    report = tmp_path / "report.json"
    args = [
        "dedup",
        str(src),
        "-o",
        str(tmp_path / "out.jsonl"),
        "--on-error",
        "skip",
        "--report",
        str(report),
    ]
    assert main([*args, "-q"]) == 0
    rows = _read(tmp_path / "out.jsonl")
    assert len(rows) == len(lines)
    status = [r["dedup"]["status"] for r in rows]
    assert status == ["kept", *["rejected"] * 9, "duplicate"]
    reasons = [r["dedup"]["reason"] for r in rows[1:10]]
    expected = [
        *("malformed JSON", "not a record", "missing text field", "int, not a string", "null, not a string"),
        *("empty text", "duplicate id", "not valid UTF-8", "over the limit"),
    ]
    for got, want in zip(reasons, expected, strict=True):
        assert want in got
    assert rows[1] == {"line": 2, "raw": "{not json", "dedup": rows[1]["dedup"]}
    summary = json.loads(report.read_text())
    assert summary["records"] == 11 and summary["rejected"] == 9 and summary["kept"] == 1
    assert [r["location"] for r in summary["rejected_records"]] == [f"{src}:{n}" for n in range(2, 11)]
    assert (
        summary["rejected_records"][-1]["id"] == "huge"
        and "50,000,000" in summary["rejected_records"][-1]["reason"]
    )


def test_only_kept_clusters_and_report(tmp_path):
    src = _write(tmp_path / "in.jsonl", [json.dumps(r) for r in _sample_rows()])
    out, clusters, report = tmp_path / "kept.jsonl", tmp_path / "clusters.jsonl", tmp_path / "r.json"
    args = [
        "dedup",
        str(src),
        "-o",
        str(out),
        "--only-kept",
        "--clusters",
        str(clusters),
        "--report",
        str(report),
    ]
    assert main([*args, "-q"]) == 0
    kept = _read(out)
    summary = json.loads(report.read_text())
    assert len(kept) == summary["kept"] == 34 and all(r["dedup"]["status"] == "kept" for r in kept)
    groups = _read(clusters)
    assert len(groups) == summary["clusters"]
    assert sum(g["size"] for g in groups) == summary["duplicates"] + len(groups)
    assert summary["cluster_sizes"] == {
        str(k): v for k, v in sorted(Counter(g["size"] for g in groups).items())
    }
    assert (
        abs(summary["duplicate_rate"] - summary["duplicates"] / (summary["kept"] + summary["duplicates"]))
        < 1e-6
    )
    first = groups[0]
    assert first["members"][0] == {"id": first["cluster"], "canonical": True}
    assert all(0 < m["resemblance"] <= 1 for m in first["members"][1:])


@pytest.mark.parametrize("src_name", ["in.csv", "in.jsonl.gz", "in.parquet", "in.jsonl.zst"])
def test_formats_give_the_same_outcomes(tmp_path, src_name):
    from newsdedup.io import write_records

    rows = [{k: r[k] for k in ("id", "title", "text", "source", "published_at")} for r in _sample_rows()]
    write_records(tmp_path / src_name, rows)
    write_records(tmp_path / "ref.jsonl", rows)
    main(["dedup", str(tmp_path / "ref.jsonl"), "-o", str(tmp_path / "ref.out.jsonl"), "-q"])
    main(["dedup", str(tmp_path / src_name), "-o", str(tmp_path / "out.parquet"), "-q"])
    from newsdedup.io import read_records

    got = [r["dedup"] for _, r in read_records(tmp_path / "out.parquet")]
    assert got == [r["dedup"] for r in _read(tmp_path / "ref.out.jsonl")]


def test_csv_output_flattens_the_outcome(tmp_path):
    import csv

    src = _write(tmp_path / "in.jsonl", [json.dumps(r) for r in _sample_rows()[:10]])
    main(["dedup", str(src), "-o", str(tmp_path / "out.csv"), "-q"])
    with (tmp_path / "out.csv").open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 10 and json.loads(rows[1]["dedup"])["status"] in ("kept", "duplicate")


def test_txt_folder_input(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    for r in _sample_rows()[:8]:
        (folder / f"{r['id']}.txt").write_text(r["text"])
    assert main(["dedup", str(folder), "-o", str(tmp_path / "out.jsonl"), "-q"]) == 0
    rows = _read(tmp_path / "out.jsonl")
    assert [r["id"] for r in rows] == sorted(f"{r['id']}.txt" for r in _sample_rows()[:8])
    assert {r["dedup"]["status"] for r in rows} <= {"kept", "duplicate"}


def test_clean_reads_and_writes_formats(tmp_path):
    from newsdedup.io import read_records, write_records

    write_records(tmp_path / "in.csv", [{"id": "1", "text": "Share\nIt&#39;s raining."}])
    assert main(["clean", str(tmp_path / "in.csv"), "-o", str(tmp_path / "out.parquet"), "-q"]) == 0
    assert [r["text"] for _, r in read_records(tmp_path / "out.parquet")] == ["It's raining."]


def test_summary_screen(tmp_path, capsys):
    src = _write(tmp_path / "in.jsonl", [json.dumps(r) for r in _sample_rows()])
    main(["dedup", str(src), "-o", str(tmp_path / "o.jsonl")])
    err = capsys.readouterr().err
    assert "122 records" in err and "kept        34" in err and "duplicates  88 in 27 clusters" in err


def test_clean_explain_text_is_readable(tmp_path):
    src = _write(
        tmp_path / "in.jsonl", [json.dumps({"id": "a", "text": "Share\nPARIS (AFP) - It&#39;s itâ€™s here."})]
    )
    assert main(["clean", str(src), "--explain", "text", "-o", str(tmp_path / "report.txt"), "-q"]) == 0
    report = (tmp_path / "report.txt").read_text()
    assert f"{src}:1  id='a'  3 edit(s)  (agency AFP; place PARIS)" in report
    assert "1:1    boilerplate.share          removed 'Share\\n'" in report
    assert "'&#39;' -> \"'\"" in report and "'â€™' -> '’'" in report


def test_txt_folder_out_holds_the_deduplicated_texts(tmp_path):
    src = _write(tmp_path / "in.jsonl", [json.dumps(r) for r in _sample_rows()])
    assert main(["dedup", str(src), "--only-kept", "-o", str(tmp_path / "kept") + "/", "-q"]) == 0
    files = sorted(p.name for p in (tmp_path / "kept").iterdir())
    assert len(files) == 34 and files[0] == "s01-0.txt"
    assert (tmp_path / "kept" / "s01-0.txt").read_text() == _sample_rows()[0]["text"]
    assert main(["clean", str(tmp_path / "kept"), "-o", str(tmp_path / "clean") + "/", "-q"]) == 0
    assert sorted(p.name for p in (tmp_path / "clean").iterdir()) == files
    assert (
        main(["clean", str(tmp_path / "kept"), "-o", str(tmp_path / "clean") + "/", "-q"]) == 2
    )  # not empty


def test_help_names_every_format(capsys):
    with pytest.raises(SystemExit):
        main(["dedup", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for fmt in (".jsonl", ".csv", ".parquet", ".gz", ".zst", "folder of .txt"):
        assert fmt in text


def test_explain_before_the_input_is_not_its_value(tmp_path, capsys):
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a", "text": "Share\\nRain."}\n')
    assert main(["clean", "--explain", str(src), "-q"]) == 0
    assert json.loads(capsys.readouterr().out)["clean"]["edits"][0]["rule"] == "boilerplate.share"
    assert main(["clean", "--explain", "text", str(src), "-q"]) == 0
    assert "boilerplate.share" in capsys.readouterr().out


def test_the_summary_lists_every_rejection_reason(tmp_path, capsys):
    src = tmp_path / "in.jsonl"
    src.write_text(
        '{"id":"x","text":"Advertisement"}\n{"id":"y"}\n{"id":"z","text":5}\n{"id":"q","text":""}\nnot json\n'
        '{"id":"k","text":"Rain fell on the harbour all day."}\n'
    )
    assert main(["dedup", str(src), "-o", str(tmp_path / "o.jsonl"), "--on-error", "skip"]) == 0
    err = capsys.readouterr().err
    for reason in ("no text left", "missing text field", "is a int", "empty text", "malformed JSON"):
        assert reason in err


def _sample_parts(tmp_path: Path) -> tuple[list[dict], Path]:
    rows = load_sample()
    whole = _write(tmp_path / "all.jsonl", [json.dumps(r) for r in rows])
    return rows, whole


def test_several_inputs_and_globs_are_read_as_one_stream(tmp_path):
    rows, whole = _sample_parts(tmp_path)
    (tmp_path / "in").mkdir()
    _write(tmp_path / "in" / "a.jsonl", [json.dumps(r) for r in rows[:50]])
    _write(tmp_path / "in" / "b.jsonl", [json.dumps(r) for r in rows[50:]])
    assert main(["dedup", str(whole), "-o", str(tmp_path / "want.jsonl"), "-q"]) == 0
    want = _read(tmp_path / "want.jsonl")
    args = [str(tmp_path / "in" / "a.jsonl"), str(tmp_path / "in" / "b.jsonl")]
    assert main(["dedup", *args, "-o", str(tmp_path / "two.jsonl"), "-q"]) == 0
    assert _read(tmp_path / "two.jsonl") == want
    assert main(["dedup", str(tmp_path / "in" / "*.jsonl"), "-o", str(tmp_path / "glob.jsonl"), "-q"]) == 0
    assert _read(tmp_path / "glob.jsonl") == want


def test_a_folder_of_parquet_files_is_one_dataset(tmp_path):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    rows, whole = _sample_parts(tmp_path)
    data = tmp_path / "news"
    for k, lo in enumerate(range(0, len(rows), 40)):  # partition folders, as Spark or Hive write them
        part = data / f"day={k}"
        part.mkdir(parents=True)
        pq.write_table(pa.Table.from_pylist(rows[lo : lo + 40]), part / "part-0.parquet")
    (data / "_SUCCESS").write_text("")
    (data / ".part-0.parquet.crc").write_text("x")
    assert main(["dedup", str(whole), "-o", str(tmp_path / "want.jsonl"), "-q"]) == 0
    assert main(["dedup", str(data), "-o", str(tmp_path / "got.jsonl"), "-q"]) == 0
    got, want = _read(tmp_path / "got.jsonl"), _read(tmp_path / "want.jsonl")
    assert [r["dedup"] for r in got] == [r["dedup"] for r in want] and len(got) == 122


def test_records_without_ids_in_a_folder_are_named_by_their_path_in_it(tmp_path):
    data = tmp_path / "news"
    texts = {"2026-12-01": "The harbour reopened after repairs.", "2026-12-02": "Wheat prices rose again."}
    for day, text in texts.items():  # the same file name in two partitions
        (data / day).mkdir(parents=True)
        _write(data / day / "part-0.jsonl", [json.dumps({"text": text})])
    out = tmp_path / "out.jsonl"
    assert main(["dedup", str(data), "-o", str(out), "-q"]) == 0
    assert [r["dedup"]["cluster"] for r in _read(out)] == [
        "2026-12-01/part-0.jsonl:1",
        "2026-12-02/part-0.jsonl:1",
    ]


def test_a_folder_that_cannot_be_read_as_one_kind_is_an_error(tmp_path, capsys):
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    _write(mixed / "a.jsonl", [json.dumps({"id": 1, "text": STORY})])
    _write(mixed / "b.csv", ["id,text", "2,x"])
    assert main(["dedup", str(mixed), "-o", str(tmp_path / "o.jsonl"), "-q"]) == 2
    assert "mixes kinds of files" in capsys.readouterr().err
    parts = tmp_path / "parts"
    parts.mkdir()
    _write(parts / "part-00000", [json.dumps({"id": 1, "text": STORY})])
    assert main(["dedup", str(parts), "-o", str(tmp_path / "o.jsonl"), "-q"]) == 2
    assert "--format" in capsys.readouterr().err
    assert main(["dedup", str(parts), "--format", "jsonl", "-o", str(tmp_path / "o.jsonl"), "-q"]) == 0
    assert main(["dedup", str(tmp_path / "nothing*.jsonl"), "-o", str(tmp_path / "o.jsonl"), "-q"]) == 2
    assert "no file matches" in capsys.readouterr().err


def test_a_report_says_how_to_make_the_run_again(tmp_path):
    import hashlib

    import newsdedup

    src = _write(tmp_path / "in.jsonl", [json.dumps(r) for r in _sample_rows()])
    reports = []
    for k in range(2):
        report = tmp_path / f"r{k}.json"
        args = ["dedup", str(src), "-o", str(tmp_path / "o.jsonl"), "-q", "--keep", "longest", "--report"]
        assert main([*args, str(report), "--threshold", "0.5"]) == 0
        reports.append(json.loads(report.read_text()))
    r = reports[0]
    assert r["newsdedup"] == newsdedup.__version__ and r["kernels"] in ("compiled", "numpy")
    assert r["input_digest"] == "sha256:" + hashlib.sha256(b"in.jsonl\0" + src.read_bytes()).hexdigest()
    assert r["settings"]["threshold"] == 0.5 and r["settings"]["keep"] == "longest"
    assert r["settings"]["fields"]["text"] == "text"
    biggest = r["largest_clusters"][0]
    groups = _read(tmp_path / "o.jsonl")
    assert biggest["size"] == max(Counter(g["dedup"]["cluster"] for g in groups).values())
    assert len(r["largest_clusters"]) == min(10, r["clusters"])
    # the same run again: the same report, but for its time
    timing = ("seconds", "docs_per_second", "started_at")
    assert {k: v for k, v in r.items() if k not in timing} == {
        k: v for k, v in reports[1].items() if k not in timing
    }


def test_the_progress_bar_has_a_total(tmp_path, capsys, monkeypatch):
    import newsdedup.cli.common as common
    import newsdedup.cli.dedup as dedup_cli

    monkeypatch.setattr(common, "progress", lambda args: True)
    monkeypatch.setattr(dedup_cli, "progress", lambda args: True)
    src = _write(tmp_path / "in.jsonl", [json.dumps(r) for r in _sample_rows()])
    assert main(["dedup", str(src), "-o", str(tmp_path / "o.jsonl")]) == 0
    err = capsys.readouterr().err
    assert "deciding" in err and "/122 " in err and "writing" in err  # totals: an ETA can be given
