"""The normalizer against real, external data, read at run time from ../shared/eval-data/jsonl/.

    python benchmarks/bench_clean.py

Prints Markdown tables and writes them to ``benchmarks/results/bench_clean.md``:

* ftfy conformance: every ``ftfy_test_cases.jsonl`` case labelled pass, and every
  ``ftfy_entities.jsonl`` case, compared with ftfy's expectation: its encoding-only repair
  (``fixed_encoding``), or its full default (``fixed``) up to quote style, since ftfy uncurls
  quotes and we keep them. The comparison is loose only where newsdedup differs from ftfy by
  design: Unicode spaces become spaces, runs of spaces collapse, lines are trimmed, C0 controls go.
* Safety: of the must-keep strings (``with``) in ``trafilatura_eval.jsonl`` that occur in the
  input, and of the sentences of the gold ``article_body`` in ``article_extraction_benchmark.jsonl``
  that occur in the input, the share that survives cleaning.
* Removal: of the must-drop strings (``without``) that stand alone on a line of the input and
  are boilerplate of the kinds the rules cover, the share removed; residue counts on
  ``teftst_scraped_posts.jsonl`` before and after.
* Idempotence and no crash on every record of every corpus.
* Speed: MB/s and docs/s against ``ftfy.fix_text`` with default settings, same texts, same run.
"""

from __future__ import annotations

import json
import platform
import re
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import ftfy
from ftfy.badness import is_bad

from newsdedup import Cleaner, clean
from newsdedup.cleaning.boilerplate import _TRIM, RULES

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import EVAL  # noqa: E402 - the one place the shared corpora are found

RESULTS = HERE / "results"


def load(name: str) -> list[dict]:
    with (EVAL / name).open(encoding="utf-8") as f:
        return [json.loads(line) for line in f]


_C0 = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def loose(text: str) -> str:
    """The forms newsdedup and ftfy agree on: spaces, line ends and control characters folded."""
    text = _C0.sub("", text)
    text = "".join(" " if unicodedata.category(c) == "Zs" else c for c in text)
    return "\n".join(" ".join(line.split()) for line in text.split("\n")).strip()


_UNCURL = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"', "‟": '"'})


def _uncurl(text: str) -> str:
    return text.translate(_UNCURL)


def conformance() -> tuple[str, list[str]]:
    cases = [c for c in load("ftfy_test_cases.jsonl") if c["label"] == "pass"]
    entities = load("ftfy_entities.jsonl")
    failures = []
    ok_cases = 0
    for c in cases:
        expected = c.get("fixed_encoding") or c["fixed"]
        got = clean(c["text"]).text
        # As ftfy's encoding-only repair expects, or as its full default expects up to the quote
        # style (ftfy uncurls quotes; we keep them).
        if loose(got) == loose(expected) or _uncurl(loose(got)) == _uncurl(loose(c["fixed"])):
            ok_cases += 1
        else:
            failures.append(f"{c['id']}: {c['text']!r} -> {got!r}, ftfy expects {expected!r}")
    ok_entities = 0
    for c in entities:
        got = clean(c["text"]).text
        if loose(got) == loose(c["fixed"]):
            ok_entities += 1
        else:
            failures.append(f"{c['id']}: {c['text']!r} -> {got!r}, ftfy expects {c['fixed']!r}")
    rows = [
        "| ftfy conformance | passed | target |",
        "|---|---:|---:|",
        f"| ftfy_test_cases.jsonl, labelled pass | {ok_cases}/{len(cases)} | {len(cases)}/{len(cases)} |",
        f"| ftfy_entities.jsonl | {ok_entities}/{len(entities)} | {len(entities)}/{len(entities)} |",
    ]
    return "\n".join(rows), failures


_SENTENCE = re.compile(r"(?<=[.!?])\s+")


_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u2060\ufeff"))


def _norm(text: str) -> str:
    """Whitespace folded and invisible characters dropped, as cleaning does on purpose: what is
    compared is whether the words survive."""
    return " ".join(text.translate(_INVISIBLE).split())


def _survival(
    corpus: str, pieces: Callable[[dict], list[str]], what: str, lost: list[str]
) -> tuple[int, int]:
    """How many of each record's ``pieces`` that occur in its input still occur after cleaning."""
    kept = total = 0
    for r in load(corpus):
        source = _norm(r["text"])
        out = _norm(clean(r["text"]).text)
        for piece in map(_norm, pieces(r)):
            if piece and piece in source:
                total += 1
                if piece in out:
                    kept += 1
                else:
                    lost.append(f"{r['id']} lost {what} {piece[:80]!r}")
    return kept, total


def safety() -> tuple[str, list[str]]:
    lost: list[str] = []
    traf = _survival("trafilatura_eval.jsonl", lambda r: r.get("with") or [], "must-keep", lost)
    aeb = _survival(
        "article_extraction_benchmark.jsonl",
        lambda r: [s for s in _SENTENCE.split(r.get("article_body") or "") if len(_norm(s)) >= 20],
        "gold sentence",
        lost,
    )
    both = (traf[0] + aeb[0], traf[1] + aeb[1])
    rows = [
        "| safety: real content that survives cleaning | kept | share | target |",
        "|---|---:|---:|---:|",
        f"| trafilatura_eval must-keep strings present in the input | {traf[0]}/{traf[1]} "
        f"| {traf[0] / traf[1]:.4%} | >= 99.9 % |",
        f"| article-extraction gold sentences present in the input | {aeb[0]}/{aeb[1]} "
        f"| {aeb[0] / aeb[1]:.4%} | >= 99.9 % |",
        f"| both | {both[0]}/{both[1]} | {both[0] / both[1]:.4%} | >= 99.9 % |",
    ]
    return "\n".join(rows), lost


def _is_rule_kind(line: str) -> bool:
    core = line.strip(_TRIM)
    return any(r.pattern.fullmatch(core) for r in RULES)


def removal() -> str:
    removed = total = 0
    for r in load("trafilatura_eval.jsonl"):
        lines = {line.strip() for line in r["text"].split("\n")}
        out_lines = {line.strip() for line in clean(r["text"]).text.split("\n")}
        for s in r.get("without") or []:
            s = s.strip()
            if s in lines and _is_rule_kind(s):
                total += 1
                removed += s not in out_lines
    widget = re.compile(
        r"^\s*(?:share|tweet|email|print|advertisement|\[ad_\d+\]|read more\b.*|related\b.*)\s*$", re.I | re.M
    )
    entity = re.compile(r"&(?:#\d+|#x[0-9a-f]+|[a-z]+\d*);|(?<![&\w])#\d{2,5};", re.I)
    before: Counter[str] = Counter()
    after: Counter[str] = Counter()
    for r in load("teftst_scraped_posts.jsonl"):
        for counts, text in ((before, r["text"]), (after, clean(r["text"]).text)):
            counts["widget and ad-marker lines"] += len(widget.findall(text))
            counts["HTML entities"] += len(entity.findall(text))
            counts["lines with mojibake (ftfy's detector)"] += sum(
                1 for line in text.split("\n") if is_bad(line)
            )
            paragraphs = [_norm(p) for p in re.split(r"\n\s*\n", text) if len(_norm(p)) >= 40]
            counts["repeated paragraphs"] += len(paragraphs) - len(set(paragraphs))
    rows = [
        "| removal | value |",
        "|---|---:|",
        f"| trafilatura must-drop strings that are whole boilerplate lines of the rules' kinds, removed "
        f"| {removed}/{total} |",
    ]
    rows += ["", "| residue in teftst_scraped_posts.jsonl | before | after |", "|---|---:|---:|"]
    rows += [f"| {k} | {before[k]:,} | {after[k]:,} |" for k in before]
    return "\n".join(rows)


def _visible(text: str) -> int:
    return sum(not (c in " \t\n\r\x0b\x0c" or unicodedata.category(c) in ("Zs", "Zl", "Zp")) for c in text)


def robustness() -> str:
    docs = crashes = not_idempotent = grew = more_visible = 0
    for path in sorted(EVAL.glob("*.jsonl")):
        for r in load(path.name):
            text = r.get("text")
            if not isinstance(text, str):
                continue
            docs += 1
            title = r.get("title") if isinstance(r.get("title"), str) else None
            try:
                once = clean(text, title=title)
                twice = clean(once.text, title=title)
            except Exception:
                crashes += 1
                continue
            not_idempotent += twice.text != once.text
            grew += len(once.text) > len(text)
            more_visible += _visible(once.text) > _visible(text)
    return "\n".join(
        [
            "| every record of every corpus | value |",
            "|---|---:|",
            f"| records | {docs:,} |",
            f"| crashes | {crashes} |",
            f"| clean(clean(x).text).text != clean(x).text | {not_idempotent} |",
            f"| clean text with more visible characters than the original | {more_visible} |",
            f"| clean text longer than the original (blank lines between re-flowed paragraphs) | {grew} |",
        ]
    )


def speed() -> str:
    """clean() as matching uses it (text, fingerprint, wire attribution; the edit record is combined
    only when read), then with every result's edits read as well, against ftfy.fix_text."""
    rows = [
        "| corpus | docs | MB | newsdedup MB/s | docs/s | with edits read MB/s "
        "| ftfy.fix_text MB/s | docs/s | newsdedup / ftfy | with edits read / ftfy |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    cleaner = Cleaner()
    for name in ("reuters21578.jsonl", "teftst_scraped_posts.jsonl"):
        texts = [r["text"] for r in load(name) if isinstance(r.get("text"), str)]
        mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
        for t in texts[:50]:
            cleaner.clean(t), ftfy.fix_text(t)  # warm up both
        best_ours = best_edits = best_ftfy = float("inf")
        for _ in range(3):  # best of three, for both: a busy moment of the machine is not the figure
            t0 = time.perf_counter()
            for t in texts:
                cleaner.clean(t)
            best_ours = min(best_ours, time.perf_counter() - t0)
            t0 = time.perf_counter()
            for t in texts:
                cleaner.clean(t).edits  # noqa: B018 - reading them is what is timed
            best_edits = min(best_edits, time.perf_counter() - t0)
            t0 = time.perf_counter()
            for t in texts:
                ftfy.fix_text(t)
            best_ftfy = min(best_ftfy, time.perf_counter() - t0)
        rows.append(
            f"| {name.removesuffix('.jsonl')} | {len(texts):,} | {mb:.1f} | {mb / best_ours:.2f} "
            f"| {len(texts) / best_ours:,.0f} | {mb / best_edits:.2f} | {mb / best_ftfy:.2f} "
            f"| {len(texts) / best_ftfy:,.0f} | {best_ftfy / best_ours:.2f}x "
            f"| {best_ftfy / best_edits:.2f}x |"
        )
    return "\n".join(rows)


def main() -> int:
    if not EVAL.exists():
        raise SystemExit(
            f"{EVAL} not found: set NEWSDEDUP_EVAL_DATA or put ../shared/eval-data beside the checkout"
        )
    header = (
        f"bench_clean on {platform.machine()} with Python {platform.python_version()}, "
        f"{time.strftime('%Y-%m-%d')}"
    )
    parts = [header]
    conf, failures = conformance()
    parts += ["## ftfy conformance", conf]
    safe, lost = safety()
    parts += ["## Safety", safe]
    parts += ["## Removal", removal()]
    parts += ["## Idempotence and robustness", robustness()]
    parts += ["## Speed (best of three runs, one core)", speed()]
    if failures:
        parts += ["## Conformance cases that differ", "\n".join(f"- {f}" for f in failures)]
    if lost:
        parts += [f"## Content lost ({len(lost)})", "\n".join(f"- {x}" for x in lost[:50])]
    report = "\n\n".join(parts) + "\n"
    print(report)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "bench_clean.md").write_text(report, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
