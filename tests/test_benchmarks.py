"""The benchmark runner end to end on 200 generated documents (benchmarks are not tests: this only
checks that the one command works and reports every system, installed or not)."""

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"


def test_runner_smoke(tmp_path):
    cmd = [
        sys.executable,
        str(BENCH / "run.py"),
        "--sizes",
        "200",
        "--base",
        "fixtures",
        "--sweep",
        "0.4,0.6",
    ]
    cmd += ["--no-oracle", "--results", str(tmp_path / "results"), "--data", str(tmp_path / "data")]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    table = (tmp_path / "results" / "run-200.md").read_text()
    for system in ("newsdedup", "newsdedup --workers 2", "datasketch", "rensa", "text-dedup", "datatrove"):
        assert f"| 200 | {system} |" in table
    assert "| 200 | newsdedup | 1.0000 | 1.0000 | **1.0000** |" in table
    assert "| newsdedup F1 | 1.0000 |" in table
    assert (tmp_path / "data" / "wire-fixtures-200" / "labels.json").exists()
