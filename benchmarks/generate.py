"""Generate a wire-story corpus with ground truth: base stories republished the way outlets do.

    python benchmarks/generate.py --docs 10000 --out benchmarks/data/wire-10k

writes ``records.jsonl`` (``id``, ``title``, ``text``, ``source``, ``published_at``) and
``labels.json`` (record id -> story id). Base stories are real Reuters-21578 articles read at run
time from ``../shared/eval-data/jsonl/`` (``--base reuters``, the default; nothing of them is
copied into the project) or our own fixture stories (``--base fixtures``, for small corpora).
Each base story is published by the agency and republished 0..K times by outlets with
``wire.republish``'s artefacts. Base articles that are near duplicates of each other (exact
shingle-set resemblance >= 0.5 or containment >= 0.8, computed exactly) share one label, so a
system is never asked to split what is really one story. Reuters' many templated reports
(earnings tables, price lists) stay in as hard negatives: they share most words but are
different news.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import zlib
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

sys.path.insert(0, str(Path(__file__).resolve().parent))

from stories import STORIES
from wire import OUTLETS, agency_copy, republish, timestamp

#: The shared corpora, read at run time: $NEWSDEDUP_EVAL_DATA (a folder of .jsonl), else
#: ../shared/eval-data/jsonl beside the checkout. Nothing of them is copied into the project.
EVAL = Path(
    os.environ.get("NEWSDEDUP_EVAL_DATA")
    or Path(__file__).resolve().parent.parent.parent / "shared" / "eval-data" / "jsonl"
)
_PARA = re.compile(r"\n\s{2,}|\n\s*\n")


def reuters_stories(min_words: int = 60) -> list[dict]:
    """Reuters-21578 articles as base stories (paragraphs re-joined from the hard wraps)."""
    path = EVAL / "reuters21578.jsonl"
    if not path.exists():
        raise SystemExit(
            f"{path} not found: the Reuters base needs the shared corpora (set NEWSDEDUP_EVAL_DATA, "
            "or put ../shared/eval-data beside the checkout)"
        )
    stories = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            text = r.get("text") or ""
            if len(text.split()) < min_words:
                continue
            paragraphs = [" ".join(p.split()) for p in _PARA.split(text) if p.strip()]
            place = (r.get("dateline") or "").split(",")[0].strip(" -") or "LONDON"
            stories.append(
                {
                    "story": r["id"],
                    "agency": "Reuters",
                    "place": place,
                    "title": (r.get("title") or "").title() or "Untitled",
                    "byline": None,
                    "credits": None,
                    "paragraphs": paragraphs,
                }
            )
    return stories


def _fold_words(text: str) -> list[str]:
    return re.sub(r"[^\w]+", " ", text.lower()).split()


def base_labels(stories: list[dict], ngram: int = 5) -> list[str]:
    """One label per base story; near-duplicate bases (exact resemblance >= 0.5 or containment
    >= 0.8 of word 5-gram sets) get the label of their connected component."""
    vocab: dict[str, int] = {}
    rows, cols = [], []
    for i, s in enumerate(stories):
        words = _fold_words(" ".join(s["paragraphs"]))
        grams = {" ".join(words[k : k + ngram]) for k in range(max(1, len(words) - ngram + 1))}
        for g in grams:
            rows.append(i)
            cols.append(vocab.setdefault(g, len(vocab)))
    x = csr_matrix((np.ones(len(rows), dtype=np.int32), (rows, cols)), shape=(len(stories), len(vocab)))
    sizes = np.asarray(x.sum(axis=1)).ravel()
    inter = (x @ x.T).tocoo()
    keep = inter.row < inter.col
    a, b, n = inter.row[keep], inter.col[keep], inter.data[keep].astype(np.float64)
    res = n / (sizes[a] + sizes[b] - n)
    cont = n / np.minimum(sizes[a], sizes[b])
    dup = (res >= 0.5) | (cont >= 0.8)
    graph = csr_matrix((np.ones(int(dup.sum())), (a[dup], b[dup])), shape=(len(stories), len(stories)))
    _, comp = connected_components(graph, directed=False)
    first: dict[int, str] = {}
    return [first.setdefault(int(c), stories[i]["story"]) for i, c in enumerate(comp)]


_WORD = re.compile(r"[A-Za-z]+|[0-9]+")
_CONSONANTS, _VOWELS = "bcdfghjklmnprstvwz", "aeiou"


def _pseudo_word(word: str, round_: int) -> str:
    """A made-up word of the same length and case for ``word`` in ``round_`` (a fixed bijection-ish
    map: different rounds of one story share no words, one round is consistent with itself)."""
    h = zlib.crc32(f"{round_}:{word.lower()}".encode())
    if word.isdigit():  # numbers change too, or number tables would repeat across rounds
        return str(h % (10 ** len(word))).zfill(len(word))
    letters = []
    for i in range(len(word)):
        pool = _VOWELS if i % 2 else _CONSONANTS
        letters.append(pool[h % len(pool)])
        h = (h * 1103515245 + 12345) & 0xFFFFFFFF
    out = "".join(letters)
    if word.isupper() and len(word) > 1:
        return out.upper()
    return out.capitalize() if word[0].isupper() else out


def _cipher(story: dict, round_: int) -> dict:
    """The story's text with every word replaced: new news with the same shape, for corpora larger
    than the base set can fill."""
    cache: dict[str, str] = {}

    def sub(text: str) -> str:
        return _WORD.sub(lambda m: cache.setdefault(m.group(), _pseudo_word(m.group(), round_)), text)

    return {
        **story,
        "title": sub(story["title"]),
        "place": sub(story["place"]),
        "paragraphs": [sub(p) for p in story["paragraphs"]],
    }


def generate(docs: int, seed: int, base: str, max_copies: int = 6) -> tuple[list[dict], dict[str, str]]:
    rng = random.Random(seed)
    stories = list(STORIES) if base == "fixtures" else reuters_stories()
    rng.shuffle(stories)
    labels_of_base = dict(zip((s["story"] for s in stories), base_labels(stories), strict=True))
    records: list[dict] = []
    labels: dict[str, str] = {}
    from datetime import datetime, timedelta, timezone

    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    k = 0
    while len(records) < docs:
        story = stories[k % len(stories)]
        round_ = k // len(stories)  # past the base set, each round is new news (see _cipher)
        if round_:
            story = _cipher(story, round_)
        label = f"{labels_of_base[story['story']]}#{round_}"
        base_time = start + timedelta(minutes=37 * k)
        rid = f"{story['story']}#{round_}"
        records.append({"id": f"{rid}-0", **agency_copy(story), "published_at": timestamp(base_time, 0)})
        labels[f"{rid}-0"] = label
        copies = min(rng.choice([0, 0, 1, 1, 2, 3, 4, max_copies]), docs - len(records))
        for j, outlet in enumerate(rng.sample(OUTLETS, min(copies, len(OUTLETS))), start=1):
            rec, _ = republish(story, outlet, rng)
            records.append(
                {"id": f"{rid}-{j}", **rec, "published_at": timestamp(base_time, rng.randint(5, 900))}
            )
            labels[f"{rid}-{j}"] = label
        k += 1
    rng.shuffle(records)
    return records, labels


def write_corpus(folder: Path, records: list[dict], labels: dict[str, str]) -> None:
    """``records.jsonl`` and ``labels.json`` in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "records.jsonl").open("w", encoding="utf-8") as f:
        f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    (folder / "labels.json").write_text(json.dumps(labels), encoding="utf-8")


def cached_corpus(size: int, base: str, data: Path, seed: int = 1) -> Path:
    """The folder of a generated corpus under ``data``, generated on first use."""
    folder = data / (f"wire-{size}" if base == "reuters" else f"wire-{base}-{size}")
    if not (folder / "labels.json").exists():
        write_corpus(folder, *generate(size, seed=seed, base=base))
    return folder


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000, help="number of records (default 10000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--base", choices=("reuters", "fixtures"), default="reuters")
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    args = parser.parse_args()
    records, labels = generate(args.docs, args.seed, args.base)
    write_corpus(args.out, records, labels)
    stories = len(set(labels.values()))
    print(f"wrote {len(records)} records of {stories} stories to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
