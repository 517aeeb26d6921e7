"""The bundled sample: our own stories, reproducible, and clustered exactly by story."""

import subprocess
import sys
from collections import Counter
from pathlib import Path

from newsdedup import Deduplicator, load_sample

ROOT = Path(__file__).resolve().parent.parent


def test_sample_is_what_make_sample_writes():
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "make_sample.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_sample_shape():
    records = load_sample()
    copies = Counter(r["story"] for r in records)
    assert len(copies) >= 30
    assert min(copies.values()) == 1 and max(copies.values()) == 7  # 0 to 6 republications
    for r in records:
        assert {"id", "title", "text", "source", "published_at", "story"} <= set(r)
    texts = "\n".join(r["text"] for r in records)
    for artefact in ("â€", "&#39;", "&quot;", "Advertisement", "Share", "\u00a0", "“", "(Reuters) -"):
        assert artefact in texts, artefact


def test_every_story_is_one_cluster_and_no_two_stories_merge():
    records = load_sample()
    outcomes = Deduplicator(keep="earliest").run(records)
    clusters_of_story: dict[str, set] = {}
    stories_of_cluster: dict[object, set] = {}
    for r, o in zip(records, outcomes, strict=True):
        clusters_of_story.setdefault(r["story"], set()).add(o.cluster)
        stories_of_cluster.setdefault(o.cluster, set()).add(r["story"])
    assert all(len(c) == 1 for c in clusters_of_story.values())
    assert all(len(s) == 1 for s in stories_of_cluster.values())
    # The canonical copy under "earliest" is the agency's own (published first).
    canon = {o.cluster for o in outcomes}
    assert all(str(c).endswith("-0") for c in canon)
