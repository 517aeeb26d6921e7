"""End-to-end ``newsdedup dedup`` on a generated wire corpus: docs/s and peak RSS per worker count.

    python benchmarks/bench_cli.py                    # 100k records, 1 and 2 workers
    python benchmarks/bench_cli.py --docs 10000 --workers 1 2

Runs the installed command in a subprocess (read, clean, sign, cluster, write JSONL), checks that
every worker count writes byte-identical output, and prints a Markdown table, also written to
``benchmarks/results/bench_cli.md``. The corpus is made by ``generate.py`` (cached in
``benchmarks/data/``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"


def corpus(docs: int) -> Path:
    sys.path.insert(0, str(HERE))
    from generate import cached_corpus

    return cached_corpus(docs, "reuters", HERE / "data") / "records.jsonl"


def run(src: Path, workers: int, out: Path) -> dict:
    """One CLI run in a child process; its wall time and peak RSS (children's ru_maxrss)."""
    start = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "newsdedup.cli",
            "dedup",
            str(src),
            "-o",
            str(out),
            "--workers",
            str(workers),
            "-q",
        ],
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    # ru_maxrss of the children is the largest of them (the main process; workers are smaller).
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    return {"seconds": seconds, "rss_mb": rss, "sha256": digest}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--_run", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args._run:
        src_, w_, out_ = args._run
        print(json.dumps(run(Path(src_), int(w_), Path(out_))))
        return 0
    src = corpus(args.docs)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for w in args.workers:
            # A fresh interpreter per run, so that each peak RSS is that run's own.
            cmd = [sys.executable, __file__, "--_run", str(src), str(w), f"{tmp}/out-{w}.jsonl"]
            done = subprocess.run(cmd, capture_output=True, text=True, check=True)
            rows.append((w, json.loads(done.stdout)))
            print(f"workers {w}: {rows[-1][1]}", file=sys.stderr)
    same = len({r["sha256"] for _, r in rows}) == 1
    lines = [
        "# bench_cli",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}. "
        f"Command: `python benchmarks/bench_cli.py {' '.join(sys.argv[1:])}`".rstrip(),
        "",
        f"`newsdedup dedup` on {args.docs:,} generated wire records "
        "(read JSONL, clean, sign, cluster, write JSONL):",
        "",
        "| workers | seconds | docs/s | peak RSS MB |",
        "|---:|---:|---:|---:|",
    ]
    for w, r in rows:
        lines.append(f"| {w} | {r['seconds']:.1f} | {args.docs / r['seconds']:,.0f} | {r['rss_mb']:,.0f} |")
    lines += ["", f"Outputs byte-identical across worker counts: **{'yes' if same else 'NO'}**."]
    text = "\n".join(lines) + "\n"
    print(text)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "bench_cli.md").write_text(text, encoding="utf-8")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
