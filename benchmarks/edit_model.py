"""A second edit model, written apart from ``generate.py``/``wire.py``: news as it really varies.

Four families of records, each with its true story label, built on real Reuters-21578 articles
read at run time from the shared corpora (nothing of them is copied into the project):

* ``growing``: a wire story as it is filed: a two-paragraph urgent, then ``UPDATE 1..n`` with a
  rewritten lede, ``(Adds quote, details)`` and more paragraphs each time, and outlet copies of
  every version (one story, one cluster);
* ``republished``: outlet copies truncated to 50-85 %, with about 3 % of words edited, a local
  paragraph and page furniture (teasers, timestamps, captions, "Listen to this article");
* ``ocr``: copies with OCR-style noise on 6 % of words (confused letters, line-end hyphenation,
  broken lines);
* ``lookalike`` (hard negatives): daily market reports on one template with other numbers,
  dividend notices of different companies, and related coverage that shares a background
  paragraph with another story but is not it; plus true copies of some of them.

Every choice is drawn from the ``random.Random(seed)`` given, so a seed fixes the corpus.
"""

from __future__ import annotations

import json
import random
import re
from datetime import datetime, timedelta, timezone

from generate import EVAL

_WRAP = re.compile(r"\n\s{2,}|\n\s*\n")
START = datetime(2026, 3, 2, 6, 0, tzinfo=timezone.utc)
OUTLETS = ["Valley Courier", "Harbour Post", "Eastern Ledger", "Plains Herald", "Metro Wire Desk"]
# Page furniture a scraper keeps: none of it is story text.
FURNITURE = [
    "Listen to this article",
    "Skip to main content",
    "Updated {h}:{m:02d} PM ET",
    "Image caption: A file photo from the agency's archive",
    "Most read: {teaser}",
    "Follow us on social media for the latest updates",
    "Print this page",
    "Our Standards: The Trust Principles.",
]
TEASERS = ["Council approves new bridge", "Storm closes mountain pass", "Local team wins final"]
SYNONYMS = {
    "said": "stated",
    "rose": "climbed",
    "fell": "dropped",
    "company": "firm",
    "government": "administration",
    "percent": "pct",
    "million": "mln",
    "expected": "forecast",
    "increase": "rise",
    "reported": "posted",
}
CONFUSIONS = [("rn", "m"), ("m", "rn"), ("l", "1"), ("O", "0"), ("e", "c"), ("h", "b"), ("i", "l")]


def reuters_bases(min_words: int = 150) -> list[list[str]]:
    """Reuters-21578 articles of ``min_words`` or more, as paragraphs (hard wraps re-joined)."""
    path = EVAL / "reuters21578.jsonl"
    if not path.exists():
        raise SystemExit(f"{path} not found: set NEWSDEDUP_EVAL_DATA to the shared corpora's jsonl folder")
    bases = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            text = json.loads(line).get("text") or ""
            paras = [" ".join(p.split()) for p in _WRAP.split(text) if len(p.split()) >= 8]
            if sum(len(p.split()) for p in paras) >= min_words and len(paras) >= 4:
                bases.append(paras)
    return bases


def _rewrite_lede(para: str, rng: random.Random) -> str:
    """The first paragraph said again: clauses turned around and words swapped for synonyms."""
    words = para.split()
    cut = len(words) // 2
    turned = [*words[cut:], "-", *words[:cut]] if rng.random() < 0.5 else words
    return " ".join(SYNONYMS.get(w.lower(), w) if rng.random() < 0.7 else w for w in turned)


def _word_edits(text: str, share: float, rng: random.Random) -> str:
    """About ``share`` of the words dropped, doubled, swapped with the next or misspelled."""
    words = text.split(" ")
    out: list[str] = []
    k = 0
    while k < len(words):
        w = words[k]
        r = rng.random()
        if r < share / 4:
            k += 1
            continue
        if r < share / 2:
            out += [w, w]
        elif r < 3 * share / 4 and k + 1 < len(words):
            out += [words[k + 1], w]
            k += 1
        elif r < share and len(w) > 3:
            i = rng.randrange(1, len(w) - 1)
            out.append(w[:i] + w[i + 1] + w[i] + w[i + 2 :])
        else:
            out.append(w)
        k += 1
    return " ".join(out)


def _furniture(rng: random.Random, n: int) -> list[str]:
    lines = []
    for line in rng.sample(FURNITURE, n):
        lines.append(line.format(h=rng.randint(1, 11), m=rng.randint(0, 59), teaser=rng.choice(TEASERS)))
    return lines


def _local(rng: random.Random) -> str:
    town = rng.choice(["Marlow Bay", "Kestrel Falls", "Ashford Vale", "Dunmore"])
    return (
        f"In {town}, officials said they were following the news closely and would publish "
        f"guidance for residents on {rng.choice(['Monday', 'Tuesday', 'Friday'])}."
    )


def _outlet_copy(paras: list[str], rng: random.Random, *, truncate: bool, edits: float) -> str:
    body = list(paras)
    if truncate:
        words = sum(len(p.split()) for p in body)
        keep, out = rng.uniform(0.5, 0.85) * words, []
        for p in body:
            if keep <= 0:
                break
            out.append(p)
            keep -= len(p.split())
        body = out
    body = [_word_edits(p, edits, rng) for p in body]
    if rng.random() < 0.6:
        body.insert(rng.randint(1, len(body)), _local(rng))
    top = _furniture(rng, rng.randint(0, 2))
    bottom = _furniture(rng, rng.randint(1, 3))
    return "\n\n".join(top + body + bottom)


def _ocr(text: str, share: float, rng: random.Random) -> str:
    out = []
    for w in text.split(" "):
        r = rng.random()
        if r < share / 2:
            for a, b in rng.sample(CONFUSIONS, len(CONFUSIONS)):
                if a in w:
                    w = w.replace(a, b, 1)
                    break
        elif r < 3 * share / 4 and len(w) > 5:
            cut = rng.randrange(2, len(w) - 2)
            w = w[:cut] + "-\n" + w[cut:]  # line-end hyphenation
        elif r < share:
            w = w + "\n"  # a broken line
        out.append(w)
    return " ".join(out)


def _record(story: str, family: str, text: str, source: str, when: datetime, title: str) -> dict:
    return {
        "text": text,
        "story": story,
        "family": family,
        "source": source,
        "title": title,
        "published_at": when.isoformat().replace("+00:00", "Z"),
    }


def growing(bases: list[list[str]], n: int, rng: random.Random) -> list[dict]:
    out = []
    for s, paras in enumerate(rng.sample(bases, n)):
        story, when = f"g{s}", START + timedelta(hours=rng.randint(0, 500))
        title = " ".join(paras[0].split()[:8])
        versions = [paras[:2]]
        shown = 2
        for _ in range(1, rng.randint(2, 4)):
            shown = min(len(paras), shown + rng.randint(1, 3))
            lede = _rewrite_lede(paras[0], rng) if rng.random() < 0.7 else paras[0]
            versions.append(["(Adds quote, details)", lede, *paras[1:shown]])
        for k, version in enumerate(versions):
            head = "URGENT" if k == 0 else f"UPDATE {k}"
            t = when + timedelta(minutes=40 * k)
            out.append(_record(story, "growing", "\n\n".join(version), "Reuters", t, f"{head}: {title}"))
            for outlet in rng.sample(OUTLETS, rng.randint(1, 3)):
                text = _outlet_copy(
                    [p for p in version if not p.startswith("(")], rng, truncate=False, edits=0.01
                )
                out.append(
                    _record(story, "growing", text, outlet, t + timedelta(minutes=rng.randint(5, 90)), title)
                )
    return out


def republished(
    bases: list[list[str]], n: int, rng: random.Random, *, family: str = "republished"
) -> list[dict]:
    out = []
    for s, paras in enumerate(rng.sample(bases, n)):
        story, when = f"{family[0]}{s}", START + timedelta(hours=rng.randint(0, 500))
        title = " ".join(paras[0].split()[:8])
        out.append(_record(story, family, "\n\n".join(paras), "Reuters", when, title))
        for outlet in rng.sample(OUTLETS, rng.randint(1, 4)):
            if family == "ocr":
                text = _ocr("\n\n".join(paras), 0.06, rng)
            else:
                text = _outlet_copy(paras, rng, truncate=rng.random() < 0.8, edits=0.03)
            out.append(
                _record(story, family, text, outlet, when + timedelta(hours=rng.uniform(0.2, 30)), title)
            )
    return out


MARKET = (
    "Stocks on the Northern Exchange closed {d} on {day}, with the main index {move} {a} points, or "
    "{b} percent, to {c}. Turnover was {e} million shares, against a daily average of {f} million "
    "over the past month. Gainers outnumbered decliners by {g} to {h}. Bond yields were {move2} at "
    "{i} percent. Traders said the session was quiet ahead of the central bank's meeting next week, "
    "and that volumes were light for the time of year."
)
DIVIDEND = (
    "{co} said on {day} its board had declared a quarterly dividend of {a} cents a share, payable on "
    "{month} {b} to shareholders of record on {month} {c}. The company paid {d} cents a share in the "
    "same quarter last year. {co} said net income for the period was {e} million dollars, and that "
    "it expected results for the full year to be in line with its earlier guidance."
)
COMPANIES = [
    "Norland Mining",
    "Harbour Trust",
    "Crestline Foods",
    "Vantage Rail",
    "Pellmore Energy",
    "Ostby Shipping",
    "Granite Mutual",
    "Lakeshore Paper",
    "Tamsin Steel",
    "Brightwell Retail",
]


def lookalike(bases: list[list[str]], n: int, rng: random.Random) -> list[dict]:
    out = []
    days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
    for s in range(n):  # market reports: one template, other numbers, each a story of its own
        story, when = f"m{s}", START + timedelta(days=s)
        text = MARKET.format(
            d=rng.choice(["higher", "lower"]),
            day=days[s % 5],
            move=rng.choice(["up", "down"]),
            a=rng.randint(2, 90),
            b=round(rng.uniform(0.1, 2.5), 2),
            c=rng.randint(3000, 9000),
            e=rng.randint(100, 900),
            f=rng.randint(100, 900),
            g=rng.randint(2, 9),
            h=rng.randint(2, 9),
            move2=rng.choice(["higher", "lower"]),
            i=round(rng.uniform(1, 6), 2),
        )
        out.append(_record(story, "lookalike", text, "Reuters", when, "Northern stocks close"))
        if rng.random() < 0.3:  # a true copy of this day's report
            copy = "\n\n".join([*_furniture(rng, 1), text, *_furniture(rng, 2)])
            out.append(
                _record(story, "lookalike", copy, rng.choice(OUTLETS), when + timedelta(hours=1), "Stocks")
            )
    for s, co in enumerate(COMPANIES):  # dividend notices of different companies
        story, when = f"d{s}", START + timedelta(days=rng.randint(0, 60))
        text = DIVIDEND.format(
            co=co,
            day=rng.choice(days),
            a=rng.randint(5, 90),
            month=rng.choice(["May", "June"]),
            b=rng.randint(1, 28),
            c=rng.randint(1, 28),
            d=rng.randint(5, 90),
            e=rng.randint(5, 900),
        )
        out.append(_record(story, "lookalike", text, "Reuters", when, f"{co} declares dividend"))
    pairs = rng.sample(bases, 2 * max(1, n // 4))
    for s in range(0, len(pairs) - 1, 2):  # related coverage: one background paragraph shared
        a, b = pairs[s], pairs[s + 1]
        when = START + timedelta(hours=rng.randint(0, 500))
        out.append(_record(f"ra{s}", "lookalike", "\n\n".join(a), "Reuters", when, "A"))
        other = [b[0], a[-1], *b[1:]]
        out.append(
            _record(f"rb{s}", "lookalike", "\n\n".join(other), "Reuters", when + timedelta(hours=3), "B")
        )
    return out


def corpus(seed: int, scale: int = 1) -> list[dict]:
    """The four families at ``scale`` (1: about 2,500 records), shuffled, each with an ``id``."""
    rng = random.Random(seed)
    bases = reuters_bases()
    rng.shuffle(bases)  # each base story in one family only: no true copy across families
    sizes = [120 * scale, 150 * scale, 80 * scale, 50 * scale]
    parts, at = [], 0
    for n in sizes:
        parts.append(bases[at : at + n])
        at += n
    rows = (
        growing(parts[0], 120 * scale, rng)
        + republished(parts[1], 150 * scale, rng)
        + republished(parts[2], 80 * scale, rng, family="ocr")
        + lookalike(parts[3], 100 * scale, rng)
    )
    rng.shuffle(rows)  # records in random order: no family arrives sorted
    for k, row in enumerate(rows):
        row["id"] = f"e{seed}-{k}"
    return rows
