"""Outputs go where they are pointed, as a shell redirection would (never on the real /dev here)."""

import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import newsdedup
from newsdedup.cli import main
from newsdedup.output import check_outputs, open_output, together

SAMPLE = Path(newsdedup.__file__).parent / "data" / "sample.jsonl"


def _dedup(*args):
    return main(["dedup", str(SAMPLE), "-q", *map(str, args)])


@pytest.fixture
def expected(tmp_path):
    assert _dedup("-o", tmp_path / "plain.jsonl") == 0
    return (tmp_path / "plain.jsonl").read_bytes()


def test_a_fifo_is_written_through(tmp_path, expected):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    assert _dedup("-o", fifo) == 0
    reader.join(timeout=30)
    assert got == [expected] and stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_symlink_is_followed_and_kept(tmp_path, expected):
    real = tmp_path / "real.jsonl"
    real.write_text("old\n")
    link = tmp_path / "link.jsonl"
    link.symlink_to(real)
    assert _dedup("-o", link) == 0
    assert link.is_symlink() and os.readlink(link) == str(real) and real.read_bytes() == expected


def test_a_device_is_written_through(tmp_path):
    null = tmp_path / "null"
    try:
        os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("making a device node needs CAP_MKNOD")
    assert _dedup("-o", null) == 0
    assert stat.S_ISCHR(os.lstat(null).st_mode)


def test_a_link_to_standard_output_writes_there(tmp_path, expected):
    out = tmp_path / "stdout"
    out.symlink_to("/proc/self/fd/1")
    cmd = [sys.executable, "-m", "newsdedup.cli", "dedup", str(SAMPLE), "-q", "-o", str(out)]
    done = subprocess.run(cmd, capture_output=True, check=True)
    assert done.stdout == expected and out.is_symlink()


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_new_files_take_the_umask(tmp_path, umask, mode):
    old = os.umask(umask)
    try:
        assert (
            _dedup("-o", tmp_path / "o.jsonl", "--report", tmp_path / "r.json", "--clusters", tmp_path / "c")
            == 0
        )
        assert _dedup("-o", f"{tmp_path / 'folder'}/") == 0
    finally:
        os.umask(old)
    for name in ("o.jsonl", "r.json", "c"):
        assert stat.S_IMODE(os.stat(tmp_path / name).st_mode) == mode
    assert stat.S_IMODE(os.stat(tmp_path / "folder").st_mode) == mode | 0o111 & ~umask


def test_an_existing_file_keeps_its_mode(tmp_path):
    out = tmp_path / "o.jsonl"
    out.write_text("")
    out.chmod(0o640)
    assert _dedup("-o", out) == 0
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o640


def test_destinations_are_checked_before_any_work(tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a"}\n')  # pass 1 would stop on this line
    assert main(["dedup", str(bad), "-o", str(tmp_path / "missing" / "o.jsonl")]) == 2
    assert f"the folder {tmp_path / 'missing'} does not exist" in capsys.readouterr().err
    assert main(["dedup", str(bad), "-o", str(tmp_path)]) == 2  # a folder without a trailing /
    assert "is a folder that is not empty" in capsys.readouterr().err


def test_outputs_never_replace_the_input_or_each_other(tmp_path, capsys):
    src = tmp_path / "in.jsonl"
    src.write_bytes(SAMPLE.read_bytes())
    assert main(["dedup", str(src), "-o", str(tmp_path / "o.jsonl"), "--report", str(src)]) == 2
    assert "--report" in capsys.readouterr().err
    out = tmp_path / "o.jsonl"
    assert main(["dedup", str(src), "-o", str(out), "--clusters", str(out)]) == 2
    assert "-o and --clusters both name" in capsys.readouterr().err
    assert main(["clean", str(src), "-o", str(src)]) == 2
    assert src.read_bytes() == SAMPLE.read_bytes() and not out.exists()


def test_an_index_save_ignores_a_planted_temp_name(tmp_path):
    victim = tmp_path / "victim"
    victim.write_text("keep me")
    # The name a save used to write through: a symlink planted there must not be followed.
    (tmp_path / f".news.idx.{os.getpid()}.tmp").symlink_to(victim)
    index = newsdedup.NearDupIndex()
    index.add("Rain fell on the harbour all day and the ferries stayed in port.")
    index.save(tmp_path / "news.idx")
    assert victim.read_text() == "keep me" and len(newsdedup.NearDupIndex.load(tmp_path / "news.idx")) == 1
    assert sorted(p.name for p in tmp_path.iterdir() if ".newsdedup-" in p.name) == []


def test_temp_files_of_killed_runs_are_cleaned_by_the_next_write(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f".o.jsonl.newsdedup-{dead.pid}-x1.tmp"
    stale.write_text("half")
    stale_dir = tmp_path / f".folder.newsdedup-{dead.pid}-x2.tmp"
    stale_dir.mkdir()
    live = tmp_path / f".o.jsonl.newsdedup-{os.getppid()}-x3.tmp"  # a writer still running
    live.write_text("busy")
    assert _dedup("-o", tmp_path / "o.jsonl") == 0 and _dedup("-o", f"{tmp_path / 'folder'}/") == 0
    assert not stale.exists() and not stale_dir.exists() and live.exists()


def test_outputs_of_a_run_are_replaced_together(tmp_path):
    a, b = tmp_path / "a.jsonl", tmp_path / "b.json"
    with pytest.raises(RuntimeError), together() as staging:
        with open_output(a, staging=staging) as out:
            out.write("a\n")
        with open_output(b, staging=staging) as out:
            out.write("b\n")
        assert not a.exists()  # written, not yet in place
        raise RuntimeError("the run failed after both were written")
    assert sorted(p.name for p in tmp_path.iterdir()) == []
    with together() as staging:
        for path in (a, b):
            with open_output(path, staging=staging) as out:
                out.write(json.dumps(path.name))
    assert a.read_text() == '"a.jsonl"' and b.read_text() == '"b.json"'


def test_check_outputs_allows_streams_and_stdout(tmp_path):
    fifo = tmp_path / "p"
    os.mkfifo(fifo)
    check_outputs({"-o": "-", "--report": str(fifo), "--clusters": None}, inputs=["-"])


# --- a folder of texts, and standard output (issue 16, items 6 and 7) ----------------------------


def _jsonl(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


@pytest.mark.parametrize(
    ("a", "b"), [("a", "a.txt"), (5, "5"), ("x/./b", "x/b"), ("x//b", "x/b"), ("Story", "story")]
)
def test_ids_that_name_one_file_are_refused_before_writing(tmp_path, capsys, a, b):
    src = _jsonl(
        tmp_path / "in.jsonl", [{"id": a, "text": "One story here."}, {"id": b, "text": "Another one."}]
    )
    assert main(["dedup", str(src), "-o", f"{tmp_path / 'out'}/", "-q"]) == 2
    assert "would both be" in capsys.readouterr().err and not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("rid", "says"), [("a\0b", "NUL"), ("x" * 300, "over 255 bytes"), ("../up", "cannot name")]
)
def test_ids_that_name_no_file_are_refused_before_writing(tmp_path, capsys, rid, says):
    src = _jsonl(tmp_path / "in.jsonl", [{"id": rid, "text": "One story here."}])
    assert main(["dedup", str(src), "-o", f"{tmp_path / 'out'}/", "-q"]) == 2
    assert says in capsys.readouterr().err and not (tmp_path / "out").exists()


def test_a_rejected_repeated_id_does_not_overwrite_the_kept_file(tmp_path):
    records = [
        {"id": "a", "text": "The kept story, first of its name."},
        {"id": "a", "text": "A second use."},
    ]
    src = _jsonl(tmp_path / "in.jsonl", records)
    assert main(["dedup", str(src), "-o", f"{tmp_path / 'out'}/", "--on-error", "skip", "-q"]) == 0
    assert (tmp_path / "out" / "a.txt").read_text() == records[0]["text"]


def test_clean_to_standard_output_writes_nothing_before_a_bad_line(tmp_path):
    good = [{"id": i, "text": f"Share\nStory {i}."} for i in range(50)]
    src = _jsonl(tmp_path / "in.jsonl", [*good, {"id": "bad"}])
    cmd = [sys.executable, "-m", "newsdedup.cli", "clean", str(src), "-q"]
    done = subprocess.run(cmd, capture_output=True, text=True)
    assert done.returncode == 2 and done.stdout == "" and "in.jsonl:51" in done.stderr
