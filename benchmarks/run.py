"""Every system on generated wire corpora, in one run: the table, the sweeps and the plots.

    pip install -e '.[bench]'
    python benchmarks/run.py                  # 10k, 100k and 1M documents (about 40 minutes here)
    python benchmarks/run.py --quick          # 10k only, no 1M, short sweep (a few minutes)
    python benchmarks/run.py --sizes 200 --base fixtures --sweep 0.4,0.6   # the smoke test

Writes ``benchmarks/results/run.md`` (or ``run-<label>.md``) and PNG plots beside it:

* for each system and corpus size: pair precision, recall, F1, ARI, docs/s, peak RSS, each run in
  its own process; 1M only for newsdedup and the fastest peers;
* F1 against the threshold for newsdedup and datasketch, on the smallest corpus;
* docs/s and peak RSS against corpus size;
* on Reuters-21578 (no labels), LSH recall and precision against the exact all-pairs oracle.

A system that is not installed, or fails, gets a row that says so and why.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_dedup  # noqa: E402
from generate import cached_corpus  # noqa: E402
from newsdedup.evaluate import pair_scores  # noqa: E402

RESULTS = HERE / "results"
DATA = HERE / "data"
PEERS = ("datasketch", "rensa", "text-dedup", "datatrove")
MODULE = {"datasketch": "datasketch", "rensa": "rensa", "text-dedup": "text_dedup", "datatrove": "datatrove"}
ALL = ("newsdedup", "newsdedup --workers 2", "newsdedup --no-clean", *PEERS)
#: At 1M documents: newsdedup and the fastest peers (datasketch's dict storage would need ~15 GB).
AT_1M = ("newsdedup --workers 2", "newsdedup --no-clean", "rensa")


def set_folders(results: Path, data: Path) -> None:
    global RESULTS, DATA
    RESULTS, DATA = results, data


def corpus(size: int, base: str) -> Path:
    return cached_corpus(size, base, DATA)


def truth_of(folder: Path) -> list[str]:
    labels = json.loads((folder / "labels.json").read_text())
    with (folder / "records.jsonl").open(encoding="utf-8") as f:
        return [labels[json.loads(line)["id"]] for line in f]


def installed(system: str) -> bool:
    name = system.split()[0]
    return name == "newsdedup" or importlib.util.find_spec(MODULE[name]) is not None


def evaluate(system: str, folder: Path, truth: list[str]) -> dict:
    if not installed(system):
        return {
            "system": system,
            "error": f"not installed ({MODULE[system.split()[0]]}); pip install -e '.[bench]'",
        }
    r = bench_dedup.measure(system, folder)
    if "error" in r:
        return {"system": system, "error": r["error"]}
    s = pair_scores(r["labels"], truth)
    n = len(truth)
    return {
        "system": system,
        "docs": n,
        "precision": s.precision,
        "recall": s.recall,
        "f1": s.f1,
        "ari": s.ari,
        "docs_per_s": n / r["seconds"],
        "rss_mb": r["rss_mb"],
        "seconds": r["seconds"],
    }


def quality_rows(results: list[dict]) -> str:
    rows = [
        "| docs | system | precision | recall | F1 | ARI | docs/s | peak RSS MB |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        if "error" in r:
            rows.append(f"| {r.get('docs', '–')} | {r['system']} | – | – | – | – | – | – ({r['error']}) |")
        else:
            rows.append(
                f"| {r['docs']:,} | {r['system']} | {r['precision']:.4f} | {r['recall']:.4f} "
                f"| **{r['f1']:.4f}** | {r['ari']:.4f} | {r['docs_per_s']:,.0f} | {r['rss_mb']:,.0f} |"
            )
    return "\n".join(rows)


def sweep(folder: Path, truth: list[str], thresholds: list[float]) -> list[dict]:
    out = []
    for system in ("newsdedup", "datasketch"):
        for t in thresholds:
            r = evaluate(f"{system} --threshold {t}", folder, truth)
            r["threshold"] = t
            out.append(r)
            print(f"  sweep {system} t={t}: F1 {r.get('f1', float('nan')):.4f}", flush=True)
    return out


def sweep_rows(points: list[dict]) -> str:
    thresholds = sorted({p["threshold"] for p in points})
    rows = ["| threshold | " + " | ".join(f"{t:g}" for t in thresholds) + " |"]
    rows.append("|---|" + "---:|" * len(thresholds))
    for system in ("newsdedup", "datasketch"):
        f1 = {p["threshold"]: p.get("f1") for p in points if p["system"].startswith(system)}
        rows.append(
            f"| {system} F1 | "
            + " | ".join(f"{f1[t]:.4f}" if f1.get(t) is not None else "–" for t in thresholds)
            + " |"
        )
    return "\n".join(rows)


def plots(results: list[dict], points: list[dict], label: str) -> list[str]:
    """PNG plots beside the table; their file names (none when matplotlib is missing)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return []
    names = []
    fig, ax = plt.subplots(figsize=(6, 4))
    for system in ("newsdedup", "datasketch"):
        pts = sorted(
            (p["threshold"], p["f1"]) for p in points if p["system"].startswith(system) and "f1" in p
        )
        if pts:
            ax.plot(*zip(*pts, strict=True), marker="o", label=system)
    ax.set(xlabel="threshold", ylabel="pair F1", title="F1 against the threshold")
    ax.axvline(0.4, color="grey", lw=0.8, ls="--")
    ax.legend()
    names.append(_save(fig, f"f1-vs-threshold{label}.png"))
    for key, ylabel, fname in (("docs_per_s", "docs/s", "docs-per-s"), ("rss_mb", "peak RSS (MB)", "rss")):
        fig, ax = plt.subplots(figsize=(6, 4))
        for system in dict.fromkeys(r["system"] for r in results):
            pts = sorted((r["docs"], r[key]) for r in results if r["system"] == system and key in r)
            if pts:
                ax.plot(*zip(*pts, strict=True), marker="o", label=system)
        ax.set(xscale="log", xlabel="documents", ylabel=ylabel, title=f"{ylabel} against corpus size")
        if key == "rss_mb":
            ax.set_yscale("log")
        ax.legend(fontsize=7)
        names.append(_save(fig, f"{fname}-vs-size{label}.png"))
    return names


def _save(fig, name: str) -> str:
    RESULTS.mkdir(exist_ok=True)
    fig.tight_layout()
    fig.savefig(RESULTS / name, dpi=110)
    return name


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="corpus sizes (comma separated)")
    parser.add_argument("--base", choices=("reuters", "fixtures"), default="reuters", help="base stories")
    parser.add_argument(
        "--sweep", default="0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9", help="thresholds for the F1 sweep"
    )
    parser.add_argument("--systems", default=",".join(ALL), help="systems (comma separated)")
    parser.add_argument("--no-oracle", action="store_true", help="skip the Reuters all-pairs oracle")
    parser.add_argument("--quick", action="store_true", help="10k only, a short sweep")
    parser.add_argument("--label", default="", help="suffix for the result files (run-LABEL.md)")
    parser.add_argument("--results", type=Path, default=RESULTS, help="where the table and plots go")
    parser.add_argument("--data", type=Path, default=DATA, help="where generated corpora are cached")
    args = parser.parse_args()
    set_folders(args.results, args.data)
    if args.quick:
        args.sizes, args.sweep = "10000", "0.3,0.4,0.5,0.7"
    sizes = [int(x) for x in args.sizes.split(",")]
    systems = [s.strip() for s in args.systems.split(",") if s.strip()]
    thresholds = [float(x) for x in args.sweep.split(",") if x]
    label = (
        f"-{args.label}"
        if args.label
        else ("" if args.sizes == "10000,100000,1000000" else f"-{args.sizes.replace(',', '-')}")
    )
    started = time.time()
    results: list[dict] = []
    for size in sizes:
        folder = corpus(size, args.base)
        truth = truth_of(folder)
        for system in systems if size < 1_000_000 else [s for s in systems if s in AT_1M]:
            r = evaluate(system, folder, truth)
            r.setdefault("docs", size)
            results.append(r)
            print(quality_rows([r]).splitlines()[-1], flush=True)
    smallest = corpus(min(sizes), args.base)
    points = sweep(smallest, truth_of(smallest), thresholds) if thresholds else []
    oracle = "(skipped)"
    if not args.no_oracle and args.base == "reuters" and bench_dedup.REUTERS.exists():
        reuters = [json.loads(line) for line in bench_dedup.REUTERS.open(encoding="utf-8")]
        oracle = bench_dedup.oracle_table(reuters)
    images = plots(results, points, label)
    minutes = (time.time() - started) / 60
    text = "\n".join(
        [
            "# newsdedup against its peers",
            "",
            f"`python benchmarks/run.py {' '.join(sys.argv[1:])}`".replace(" `", "`")
            + f" on {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"{time.strftime('%Y-%m-%d')}; the whole run took {minutes:.0f} minutes.",
            "",
            f"Corpora: `generate.py --base {args.base}` (ground truth labels). Peers as their docs show: "
            "datasketch and rensa on word 5-grams of the raw text, 128 permutations, threshold 0.5, "
            "query then insert, clusters as the union of hits; text-dedup 0.4 `text_dedup.minhash` "
            "(5-grams, 128 permutations, threshold 0.5, 2 processes), clusters from its `--debug` "
            "union-find; datatrove's four MinhashDedup stages on the local executor with its default "
            "`MinhashConfig` (5-grams, 14 buckets x 8 hashes), 2 tasks. newsdedup with its defaults "
            f"({bench_dedup._defaults()}). 1M documents only for {', '.join(AT_1M)}.",
            "",
            "## Quality and speed",
            "",
            quality_rows(results),
            "",
            f"## F1 against the threshold ({min(sizes):,} documents)",
            "",
            sweep_rows(points) if points else "(no sweep)",
            "",
            "## LSH against the exact all-pairs oracle (Reuters-21578)",
            "",
            oracle,
            "",
            "## Plots",
            "",
            *[f"![{name}]({name})" for name in images],
            "",
        ]
    )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"run{label}.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
