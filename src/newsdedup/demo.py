"""The demo: the bundled sample deduplicated and scored against its true story labels.

Owns: what ``newsdedup demo`` prints. It must not hold settings of its own beyond the policy it
shows (``keep="earliest"``).

>>> import io
>>> run_demo(io.StringIO())["false_merges"]
0
"""

from __future__ import annotations

import time
from typing import Any, TextIO

from . import __version__
from .batch import Deduplicator
from .compiled import kernels, why_not
from .evaluate import pair_scores
from .outcome import Outcome
from .report import summarize
from .sample import load_sample

__all__ = ["run_demo"]


def run_demo(out: TextIO, examples: int = 3) -> dict[str, Any]:
    records = load_sample()
    start = time.perf_counter()
    outcomes = Deduplicator(keep="earliest").run(records)
    seconds = time.perf_counter() - start
    by_id = {r["id"]: r for r in records}
    s = summarize(outcomes)
    scores = pair_scores([o.cluster for o in outcomes], [r["story"] for r in records])
    stories = len({r["story"] for r in records})
    false_merges = sum(
        1 for o in outcomes if o.status == "duplicate" and by_id[o.id]["story"] != by_id[o.cluster]["story"]
    )
    w = out.write
    w(
        f"newsdedup {__version__} demo: the bundled sample of {len(records)} news records "
        f"({stories} stories, republished by several outlets)\n\n"
    )
    w(
        f"  records      {s['records']:>5}\n  kept         {s['kept']:>5}\n"
        f"  duplicates   {s['duplicates']:>5}  in {s['clusters']} clusters\n"
        f"  rejected     {s['rejected']:>5}\n"
        f"  time         {seconds:>5.2f} s\n"
        f"  kernels      {kernels()}{'' if why_not() is None else f' ({why_not()})'}\n\n"
    )
    w("Against the sample's true story labels:\n")
    w(
        f"  pair precision {scores.precision:.3f}  recall {scores.recall:.3f}  F1 {scores.f1:.3f}  "
        f"false merges {false_merges}\n\n"
    )
    clusters: dict[Any, list[Outcome]] = {}
    for o in outcomes:
        if o.status == "duplicate":
            clusters.setdefault(o.cluster, []).append(o)
    biggest = sorted(clusters.items(), key=lambda kv: (-len(kv[1]), str(kv[0])))[:examples]
    for canon, dups in biggest:
        head = by_id[canon]
        w(f'Cluster {canon} ({len(dups) + 1} copies): "{head.get("title", "")}"\n')
        w(f"  kept       {canon:<14} {head.get('source', ''):<22} {head.get('published_at', '')}\n")
        for o in dups:
            r = by_id[o.id]
            w(
                f"  duplicate  {o.id:<14} {r.get('source', ''):<22} resemblance {o.resemblance:.2f}  "
                f"containment {o.containment:.2f}\n"
            )
        w("\n")
    w("Try it on your own JSONL: newsdedup dedup IN.jsonl -o OUT.jsonl   (newsdedup dedup --help)\n")
    return {
        "summary": s,
        "precision": scores.precision,
        "recall": scores.recall,
        "false_merges": false_merges,
    }
