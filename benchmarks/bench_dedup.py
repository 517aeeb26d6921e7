"""Dedup quality and speed against the peers, measured in one run.

    pip install -e '.[bench]'
    python benchmarks/bench_dedup.py                 # 10k and 100k generated docs + Reuters
    python benchmarks/bench_dedup.py --sizes 10000   # quicker

Prints Markdown tables and writes them to ``benchmarks/results/bench_dedup.md``:

1. Quality on generated wire corpora with ground truth (``generate.py``, Reuters-21578 bases):
   pair precision, recall, F1, ARI, docs/s and peak RSS of each system, each run in its own
   process. Peers are used as their docs show, on word 5-grams of the raw text, 128 permutations,
   threshold 0.5, query-then-insert, clusters as the union of hits.
2. Signature speed on Reuters-21578 (same texts, same word 5-gram shingles, 128 permutations):
   newsdedup's batch signatures against datasketch ``MinHash.update_batch`` and rensa
   ``RMinHash.update`` fed Python-made shingles.
3. Reuters-21578 has no labels: LSH candidate recall, and verified-pair precision and recall,
   against exact all-pairs resemblance of the same shingle sets (computed by sparse matrix
   product, i.e. brute force) at the default thresholds.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

RESULTS = HERE / "results"
DATA = HERE / "data"
sys.path.insert(0, str(HERE))
from generate import EVAL  # noqa: E402 - the one place the shared corpora are found

REUTERS = EVAL / "reuters21578.jsonl"
NUM_PERM, NGRAM, THRESHOLD = 128, 5, 0.5
SYSTEMS = (
    "newsdedup",
    "newsdedup --workers 2",
    "newsdedup --no-clean",
    "datasketch",
    "rensa",
    "text-dedup",
    "datatrove",
)


def _grams(text: str) -> list[str]:
    w = text.split()
    return [" ".join(w[i : i + NGRAM]) for i in range(max(1, len(w) - NGRAM + 1))] if w else []


def _union_labels(n: int, pairs: list[tuple[int, int]]) -> list[int]:
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    if not pairs:
        return list(range(n))
    a = np.array(pairs)
    g = coo_matrix((np.ones(len(a)), (a[:, 0], a[:, 1])), shape=(n, n))
    return connected_components(g, directed=False)[1].tolist()


# --- one system, in its own process -------------------------------------------------------------


def _option(system: str, flag: str, default: float) -> float:
    parts = system.split()
    return float(parts[parts.index(flag) + 1]) if flag in parts else default


def run_system(system: str, corpus: Path) -> dict:
    """Run one system on ``corpus``: a name and options, as in "newsdedup --workers 2 --threshold 0.3"."""
    path = corpus / "records.jsonl"
    name = system.split()[0]
    threshold = _option(system, "--threshold", THRESHOLD)
    start = time.perf_counter()
    if name == "newsdedup":
        import newsdedup

        workers = int(_option(system, "--workers", 1))
        clean = "--no-clean" not in system
        settings = {"threshold": threshold} if "--threshold" in system else {}
        with path.open(encoding="utf-8") as f:  # streamed: no list of records held by the harness
            outcomes = newsdedup.dedup(
                map(json.loads, f), clean=clean, workers=workers, on_error="skip", **settings
            )
        index = {o.id: i for i, o in enumerate(outcomes)}
        labels = [index[o.cluster] if o.cluster is not None else i for i, o in enumerate(outcomes)]
        seconds = time.perf_counter() - start
        return {"labels": labels, "seconds": seconds, "rss_mb": peak_rss_mb()}
    if name == "text-dedup":
        labels = _text_dedup(path, threshold)
        return {
            "labels": labels,
            "seconds": time.perf_counter() - start,
            "rss_mb": peak_rss_mb(children=True),
        }
    if name == "datatrove":
        labels = _datatrove(path)
        return {
            "labels": labels,
            "seconds": time.perf_counter() - start,
            "rss_mb": peak_rss_mb(children=True),
        }
    texts = [json.loads(line)["text"] for line in path.open(encoding="utf-8")]
    if name == "datasketch":
        from datasketch import MinHash, MinHashLSH

        lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        pairs = []
        for i, t in enumerate(texts):
            m = MinHash(num_perm=NUM_PERM)
            m.update_batch([g.encode("utf-8") for g in _grams(t)])
            pairs.extend((j, i) for j in lsh.query(m))
            lsh.insert(i, m)
        labels = _union_labels(len(texts), pairs)
    elif name == "rensa":
        from rensa import RMinHash, RMinHashLSH

        lsh = RMinHashLSH(threshold=threshold, num_perm=NUM_PERM, num_bands=16)
        pairs = []
        for i, t in enumerate(texts):
            m = RMinHash(num_perm=NUM_PERM, seed=42)
            m.update(_grams(t))
            pairs.extend((j, i) for j in lsh.query(m))
            lsh.insert(i, m)
        labels = _union_labels(len(texts), pairs)
    else:
        raise SystemExit(f"unknown system {system!r}")
    seconds = time.perf_counter() - start
    return {"labels": labels, "seconds": seconds, "rss_mb": peak_rss_mb()}


def _text_dedup(path: Path, threshold: float) -> list[int]:
    """text-dedup's MinHash as its README runs it (a CLI over a Hugging Face dataset), clusters
    from the union-find it saves with ``--debug``."""
    import os
    import pickle  # text-dedup's own output, written by this run: the only way it gives clusters
    import tempfile

    ids = [json.loads(line)["id"] for line in path.open(encoding="utf-8")]
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1"}
        cmd = [sys.executable, "-m", "text_dedup.minhash", "--path", "json", "--data_files", str(path)]
        cmd += [
            "--split",
            "train",
            "--cache_dir",
            f"{tmp}/cache",
            "--output",
            f"{tmp}/out",
            "--column",
            "text",
        ]
        cmd += ["--idx_column", "id", "--num_proc", "2", "--debug", "--ngram", str(NGRAM)]
        cmd += ["--num_perm", str(NUM_PERM), "--threshold", str(threshold)]
        done = subprocess.run(cmd, capture_output=True, text=True, env=env)
        if done.returncode != 0:
            raise SystemExit((done.stderr.strip().splitlines() or ["text-dedup failed"])[-1])
        with open(f"{tmp}/out/uf.pkl", "rb") as f:
            uf = pickle.load(f)  # written by text-dedup in this run, in our own temp folder
    position = {rid: i for i, rid in enumerate(ids)}
    return [position[uf.find(rid)] if rid in uf.parent else i for i, rid in enumerate(ids)]


def _datatrove(path: Path, shards: int = 2) -> list[int]:
    """datatrove's MinhashDedup as its example runs it: four stages on the local executor."""
    import struct
    import tempfile

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.dedup import (
        MinhashDedupBuckets,
        MinhashDedupCluster,
        MinhashDedupFilter,
        MinhashDedupSignature,
    )
    from datatrove.pipeline.dedup.minhash import MinhashConfig
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers.jsonl import JsonlWriter

    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    with tempfile.TemporaryDirectory() as tmp:
        # One input file per task: datatrove numbers documents within the file its task reads.
        inp = Path(tmp) / "input"
        inp.mkdir()
        per = (len(lines) + shards - 1) // shards
        offsets = []
        for k in range(shards):
            offsets.append(k * per)
            (inp / f"{k:02d}.jsonl").write_text("".join(lines[k * per : (k + 1) * per]), encoding="utf-8")
        config = MinhashConfig()  # its defaults: 5-grams, 14 buckets of 8 hashes
        logs = f"{tmp}/logs"
        stage1 = LocalPipelineExecutor(
            pipeline=[
                JsonlReader(str(inp)),
                MinhashDedupSignature(output_folder=f"{tmp}/sigs", config=config),
            ],
            tasks=shards,
            workers=shards,
            logging_dir=f"{logs}/1",
        )
        stage2 = LocalPipelineExecutor(
            pipeline=[
                MinhashDedupBuckets(input_folder=f"{tmp}/sigs", output_folder=f"{tmp}/buckets", config=config)
            ],
            tasks=config.num_buckets,
            workers=shards,
            logging_dir=f"{logs}/2",
            depends=stage1,
        )
        stage3 = LocalPipelineExecutor(
            pipeline=[
                MinhashDedupCluster(
                    input_folder=f"{tmp}/buckets",
                    output_folder=f"{tmp}/ids",
                    config=config,
                    save_cluster_id=True,
                )
            ],
            tasks=1,
            logging_dir=f"{logs}/3",
            depends=stage2,
        )
        stage4 = LocalPipelineExecutor(
            pipeline=[
                JsonlReader(str(inp)),
                MinhashDedupFilter(input_folder=f"{tmp}/ids", load_cluster_ids=True),
                JsonlWriter(f"{tmp}/out"),
            ],
            tasks=shards,
            workers=shards,
            logging_dir=f"{logs}/4",
            depends=stage3,
        )
        stage4.run()
        labels = list(range(len(lines)))
        first: dict[int, int] = {}
        for k in range(shards):
            clusters = Path(tmp) / "ids" / f"{k:06d}.clusters"
            if not clusters.exists():
                continue
            data = clusters.read_bytes()
            for doc, cluster in struct.iter_unpack("<II", data):
                i = offsets[k] + doc
                labels[i] = first.setdefault(cluster, i)
    return labels


def peak_rss_mb(children: bool = False) -> float:
    """This process's peak RSS. VmHWM, not ru_maxrss: Linux keeps ru_maxrss across exec, so a
    child would report its parent's peak. With ``children``, the largest of this process and the
    processes it ran and waited for (a peer that works in subprocesses)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                own = int(line.split()[1]) / 1024
    if not children:
        return own
    return max(own, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)


def measure(system: str, corpus: Path) -> dict:
    """Run ``system`` on ``corpus`` in a fresh process (so peak RSS is its own)."""
    done = subprocess.run(
        [sys.executable, __file__, "--_run", system, str(corpus)], capture_output=True, text=True
    )
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(done.stdout)


# --- the three measurements ---------------------------------------------------------------------


def quality_table(sizes: list[int], systems: tuple[str, ...] = SYSTEMS) -> str:
    from generate import cached_corpus
    from newsdedup.evaluate import pair_scores

    rows = [
        "| docs | system | precision | recall | F1 | ARI | docs/s | peak RSS MB | vs datasketch |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size in sizes:
        corpus = cached_corpus(size, "reuters", DATA)
        truth_map = json.loads((corpus / "labels.json").read_text())
        ids = [json.loads(line)["id"] for line in (corpus / "records.jsonl").open(encoding="utf-8")]
        truth = [truth_map[i] for i in ids]
        results = {s: measure(s, corpus) for s in systems}
        base = results.get("datasketch", {}).get("seconds")
        for system, r in results.items():
            if "error" in r:
                rows.append(f"| {size:,} | {system} | – | – | – | – | – | – | failed: {r['error']} |")
                continue
            s = pair_scores(r["labels"], truth)
            ratio = f"{base / r['seconds']:.1f}x" if base else "–"
            rows.append(
                f"| {size:,} | {system} | {s.precision:.4f} | {s.recall:.4f} | {s.f1:.4f} | {s.ari:.4f} "
                f"| {size / r['seconds']:,.0f} | {r['rss_mb']:,.0f} | {ratio} |"
            )
        print("\n".join(rows[-len(results) :]), flush=True)
    return "\n".join(rows)


def signature_table(texts: list[str]) -> str:
    from datasketch import MinHash
    from rensa import RMinHash

    from newsdedup import minhash_signatures
    from newsdedup.matching.shingles import shingles

    n = len(texts)
    minhash_signatures(texts[:200])  # warm caches, as a long-running pipeline would be
    timings = {}
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        minhash_signatures(texts, num_perm=NUM_PERM, ngram=NGRAM)
        best = min(best, time.perf_counter() - t0)
    timings["newsdedup minhash_signatures (batch, numpy)"] = best
    t0 = time.perf_counter()
    for t in texts:
        m = MinHash(num_perm=NUM_PERM)
        m.update_batch(shingles(t, NGRAM))
    timings["datasketch MinHash.update_batch"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    for t in texts:
        m = RMinHash(num_perm=NUM_PERM, seed=42)
        m.update(_grams(t))
    timings["rensa RMinHash.update (Python shingles)"] = time.perf_counter() - t0
    ours = timings["newsdedup minhash_signatures (batch, numpy)"]
    rows = ["| system | docs/s | newsdedup is |", "|---|---:|---:|"]
    for name, sec in timings.items():
        rows.append(f"| {name} | {n / sec:,.0f} | {'–' if sec == ours else f'{sec / ours:.1f}x faster'} |")
    table = "\n".join(rows)
    print(table, flush=True)
    return table


def oracle_table(records: list[dict]) -> str:
    from scipy.sparse import csr_matrix

    import newsdedup
    from newsdedup.matching.lsh import band_params, candidate_pairs
    from newsdedup.matching.shingles import shingle_batch
    from newsdedup.matching.signatures import signatures_from_shingles

    cfg = newsdedup.DedupConfig()
    cleaner = newsdedup.Cleaner()
    all_fps = [cleaner.clean(r["text"]).fingerprint for r in records if r.get("text", "").strip()]
    all_fps = [f for f in all_fps if f]
    # Identical fingerprints (1,604 "Blah blah blah" briefs) have identical signatures, so they
    # collide in every band by construction; pair recall is measured on the distinct texts, where
    # a clique of identical texts would otherwise count n^2/2 trivial pairs.
    fps = sorted(set(all_fps))
    batch = shingle_batch(fps, cfg.ngram)
    sizes = batch.set_sizes()
    # Exact resemblance of every pair of shingle sets: sparse X @ X.T counts the intersections.
    doc = np.repeat(np.arange(len(fps)), batch.counts)
    _, col = np.unique(batch.hashes, return_inverse=True)
    x = csr_matrix((np.ones(len(doc), dtype=np.int32), (doc, col)), shape=(len(fps), col.max() + 1))
    x.data[:] = 1
    x.sum_duplicates()
    x.data[:] = 1
    inter = (x @ x.T).tocoo()
    keep = inter.row < inter.col
    a, b, k = inter.row[keep], inter.col[keep], inter.data[keep].astype(np.float64)
    res = k / (sizes[a] + sizes[b] - k)
    true_pairs = set(zip(a[res >= cfg.threshold].tolist(), b[res >= cfg.threshold].tolist(), strict=True))
    sig = signatures_from_shingles(batch, num_perm=cfg.num_perm, seed=cfg.seed)
    bands, rows_ = band_params(cfg.lsh_threshold, cfg.num_perm)
    cand = candidate_pairs(sig, bands, rows_, max_bucket=cfg.max_bucket)
    est = (sig[cand[:, 0]] == sig[cand[:, 1]]).mean(axis=1)
    cand_set = {tuple(p) for p in cand.tolist()}
    ver_set = {tuple(p) for p in cand[est >= cfg.threshold].tolist()}
    hit = len(true_pairs & ver_set)
    table = "\n".join(
        [
            "| Reuters-21578 | value |",
            "|---|---:|",
            f"| documents with a non-empty fingerprint | {len(all_fps):,} |",
            f"| distinct fingerprints compared | {len(fps):,} |",
            f"| exact pairs with resemblance >= {cfg.threshold} (brute force) | {len(true_pairs):,} |",
            f"| LSH candidate pairs (bands tuned for {cfg.lsh_threshold}) | {len(cand_set):,} |",
            f"| LSH candidate recall | {len(true_pairs & cand_set) / len(true_pairs):.4f} |",
            f"| pairs verified at estimated resemblance >= {cfg.threshold} | {len(ver_set):,} |",
            f"| verified pairs: recall against the oracle | {hit / len(true_pairs):.4f} |",
            f"| verified pairs: precision against the oracle | {hit / len(ver_set):.4f} |",
        ]
    )
    print(table, flush=True)
    return table


def _defaults() -> str:
    from newsdedup import DedupConfig

    d = DedupConfig()
    return (
        f"{d.num_perm} permutations, word {d.ngram}-grams, resemblance {d.threshold}, "
        f"containment {d.containment_threshold}, LSH tuned for {d.lsh_threshold}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="generated corpus sizes (comma separated)")
    parser.add_argument("--systems", default=",".join(SYSTEMS), help="systems to run (comma separated)")
    parser.add_argument("--only", choices=("signatures", "oracle", "quality"), help="run one part only")
    parser.add_argument("--_run", nargs=2, metavar=("SYSTEM", "CORPUS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args._run:
        print(json.dumps(run_system(args._run[0], Path(args._run[1]))))
        return 0
    if not REUTERS.exists():
        raise SystemExit(
            f"{REUTERS} not found: set NEWSDEDUP_EVAL_DATA or put ../shared/eval-data beside the checkout"
        )
    reuters = [json.loads(line) for line in REUTERS.open(encoding="utf-8")]
    header = (
        f"bench_dedup on {platform.machine()} with {platform.python_version()}, "
        f"{time.strftime('%Y-%m-%d')}; peers: 128 permutations, word 5-grams, threshold 0.5; newsdedup: "
        f"its defaults ({_defaults()})"
    )
    print(header)
    sig = oracle = quality = "(not run)"
    if args.only in (None, "signatures"):
        print("\n## Signatures on Reuters-21578\n")
        sig = signature_table([r["text"] for r in reuters if r["text"].strip()])
    if args.only in (None, "oracle"):
        print("\n## LSH against the exact all-pairs oracle (Reuters-21578)\n")
        oracle = oracle_table(reuters)
    if args.only in (None, "quality"):
        print("\n## Quality and speed on generated wire corpora\n")
        systems = tuple(s.strip() for s in args.systems.split(",") if s.strip())
        quality = quality_table([int(s) for s in args.sizes.split(",")], systems)
    RESULTS.mkdir(exist_ok=True)
    report = (
        f"{header}\n\n## Signatures on Reuters-21578\n\n{sig}\n\n"
        f"## LSH against the exact all-pairs oracle (Reuters-21578)\n\n{oracle}\n\n"
        f"## Quality and speed on generated wire corpora\n\n{quality}\n"
    )
    name = (
        "bench_dedup.md"
        if args.only is None
        else f"bench_dedup-{args.only}-{args.sizes.replace(',', '-')}.md"
    )
    (RESULTS / name).write_text(report, encoding="utf-8")
    print(f"\nwritten to {RESULTS / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
