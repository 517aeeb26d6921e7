"""Write the bundled sample corpus, ``src/newsdedup/data/sample.jsonl``, from our own stories.

    python benchmarks/make_sample.py            # rewrite the sample
    python benchmarks/make_sample.py --check    # exit 1 if the bundled file differs

Each record: ``id``, ``title``, ``text``, ``source``, ``published_at`` and ``story`` (the true
story label, which ``newsdedup demo`` scores its clusters against).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from stories import STORIES
from wire import corpus

SAMPLE = Path(__file__).resolve().parent.parent / "src" / "newsdedup" / "data" / "sample.jsonl"
SEED = 2026


def render() -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in corpus(STORIES, SEED))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="compare with the bundled file instead of writing"
    )
    args = parser.parse_args()
    text = render()
    if args.check:
        same = SAMPLE.exists() and SAMPLE.read_text(encoding="utf-8") == text
        print("sample is up to date" if same else f"{SAMPLE} differs from what make_sample.py writes")
        return 0 if same else 1
    SAMPLE.write_text(text, encoding="utf-8")
    records = [json.loads(line) for line in text.splitlines()]
    copies = Counter(Counter(r["story"] for r in records).values())
    print(f"wrote {len(records)} records of {len(STORIES)} stories to {SAMPLE}")
    print("copies per story (agency copy included):", dict(sorted(copies.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
