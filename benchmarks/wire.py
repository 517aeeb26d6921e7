"""Republish a wire story the way outlets do, with the artefacts real scrapes carry.

``agency_copy(story)`` renders the agency's own copy; ``republish(story, outlet, rng)`` an outlet's
copy of it: share and ad lines, a byline, another dateline style, entities, curly quotes or
mojibake, NBSPs, a repeated headline, a rewritten headline, a truncated ending or an added local
paragraph. Everything is drawn from the ``random.Random`` passed in, so a seed fixes the corpus.
Used by ``make_sample.py`` (the bundled sample) and by the benchmark corpus generator.
"""

from __future__ import annotations

import html
import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import ftfy.bad_codecs  # noqa: F401 - registers "sloppy-windows-1252"

AGENCY_NAMES = {
    "Reuters": "Reuters",
    "AP": "The Associated Press",
    "AFP": "AFP",
    "dpa": "dpa",
    "Bloomberg": "Bloomberg",
}


@dataclass(frozen=True)
class Outlet:
    """A fictional outlet: its name, home town, and the habits of its content system."""

    name: str
    town: str
    share: tuple[str, ...] = ()
    footer: tuple[str, ...] = ()
    encoding_bug: bool = False  # its pipeline reads UTF-8 as cp1252 (mojibake)
    escapes: bool = False  # its feed escapes apostrophes and quotes as HTML entities
    curly: bool = True  # typographic quotes
    nbsp: bool = False


OUTLETS: tuple[Outlet, ...] = (
    Outlet(
        "Harbor City Gazette", "Harbor City", share=("Share", "Tweet", "Email"), footer=("Advertisement",)
    ),
    Outlet("The Midland Courier", "Midland", share=("Share this article",), encoding_bug=True),
    Outlet(
        "Northfield Daily",
        "Northfield",
        footer=("Sign up for our morning newsletter",),
        escapes=True,
        curly=False,
    ),
    Outlet("Valley Post-Dispatch", "Riverton", share=("Facebook Twitter LinkedIn Email",), nbsp=True),
    Outlet("Lakeshore Times", "Lakeshore", footer=("Story continues below advertisement",), curly=False),
    Outlet("Capital Ledger", "Kingsford", share=("Share on Facebook", "Share on X"), encoding_bug=True),
    Outlet("Coastline News Network", "Bayport", footer=("ADVERTISEMENT",), escapes=True),
    Outlet("Prairie Tribune", "Wheatley", share=("Print", "Copy link"), nbsp=True, curly=False),
    Outlet("Eastgate Observer", "Eastgate", footer=("Read more: our full coverage of the region",)),
    Outlet("Summit Herald", "Summit", share=("Share",), footer=("Advertisement",), encoding_bug=True),
)

_LOCAL_TEMPLATES = (
    "In {town}, council officials said they were following the situation closely and would publish "
    "advice for local residents on the council website later this week.",
    "{town} residents affected by the news can call the community helpline on weekdays between nine "
    "and five, a spokeswoman for the town told {outlet}.",
    "Local businesses in {town} said they had not yet felt any effect, though several shop owners on "
    "the high street told {outlet} they were worried about the months ahead.",
)

_HEADLINE_EDITS = (
    lambda t: "UPDATE 1-" + t,
    lambda t: t.rstrip(".") + " - report",
    lambda t: t.split(",")[0],
    lambda t: t.upper(),
)


def _curly(text: str) -> str:
    """Straight quotes to typographic ones: "x" -> “x”, it's -> it’s."""
    out = []
    open_quote = True
    for ch in text:
        if ch == '"':
            out.append("“" if open_quote else "”")
            open_quote = not open_quote
        elif ch == "'":
            out.append("’")
        else:
            out.append(ch)
    return "".join(out)


def _dateline(story: dict, style: int) -> str:
    agency, place = story["agency"], story["place"]
    if style == 0:
        return f"{place} ({agency}) - "
    if style == 1:
        return f"{place.split(',')[0]} ({agency}) — "
    return ""


def agency_copy(story: dict) -> dict:
    """The agency's own copy: dateline, paragraphs, credits."""
    paragraphs = list(story["paragraphs"])
    paragraphs[0] = _dateline(story, 0) + paragraphs[0]
    if story.get("credits"):
        paragraphs.append(f"({story['credits']})")
    return {
        "title": story["title"],
        "text": _curly("\n\n".join(paragraphs)),
        "source": AGENCY_NAMES[story["agency"]],
    }


def republish(story: dict, outlet: Outlet, rng: random.Random) -> tuple[dict, list[str]]:
    """One outlet's copy of ``story`` and the list of artefacts applied (for the corpus notes)."""
    done: list[str] = []
    paragraphs = list(story["paragraphs"])
    # The story itself: truncated, or extended with a local paragraph, or left whole.
    shape = rng.random()
    if shape < 0.25 and len(paragraphs) >= 4:
        keep = max(2, round(len(paragraphs) * rng.uniform(0.6, 0.8)))
        paragraphs = paragraphs[:keep]
        done.append(f"truncated to {keep} of {len(story['paragraphs'])} paragraphs")
    elif shape < 0.5:
        local = rng.choice(_LOCAL_TEMPLATES).format(town=outlet.town, outlet=outlet.name)
        paragraphs.insert(rng.randint(min(2, len(paragraphs)), len(paragraphs)), local)
        done.append("local paragraph added")
    if rng.random() < 0.3:
        i = rng.randrange(len(paragraphs))
        paragraphs[i] = paragraphs[i].replace(" said ", " told reporters ", 1).replace(" percent", "%", 1)
        done.append("copy edit")

    style = rng.randrange(3)
    paragraphs[0] = _dateline(story, style) + paragraphs[0]
    done.append(["dateline kept", "short dateline", "dateline dropped"][style])
    lines = list(paragraphs)
    if story.get("credits") and rng.random() < 0.5:
        lines.append(f"({story['credits']})")
        done.append("credits")
    if story.get("byline") and rng.random() < 0.6:
        lines.insert(0, f"By {story['byline']}, {AGENCY_NAMES[story['agency']]}")
        done.append("byline")
    title = story["title"]
    if rng.random() < 0.35:
        title = rng.choice(_HEADLINE_EDITS)(title)
        done.append("headline rewritten")
    if rng.random() < 0.35:
        lines.insert(0, title)
        done.append("headline repeated")
    for widget in outlet.share:
        lines.insert(0, widget)
    if outlet.share:
        done.append("share lines")
    if outlet.footer:
        at = rng.randint(1, len(lines) - 1) if len(lines) > 2 else len(lines)
        lines.insert(at, outlet.footer[0])
        done.append("boilerplate line")
    if rng.random() < 0.3:
        lines.append(f"Photo: {story.get('byline') or 'Staff'}/{story['agency']}")
        done.append("photo credit")
    if rng.random() < 0.25:
        lines.append(f"© 2026 {outlet.name}. All rights reserved.")
        done.append("copyright line")

    text = "\n\n".join(lines)
    if outlet.escapes:
        text = html.escape(text, quote=True).replace("&#x27;", "&#39;")
        done.append("HTML entities")
    elif outlet.curly or outlet.encoding_bug:
        text = _curly(text)
        done.append("curly quotes")
    if outlet.nbsp:
        words = text.split(" ")
        text = "".join(w + ("\u00a0" if rng.random() < 0.08 else " ") for w in words[:-1]) + words[-1]
        done.append("NBSP")
    if outlet.encoding_bug:
        text = text.encode("utf-8").decode("sloppy-windows-1252")
        done.append("mojibake")
    return {"title": title, "text": text, "source": outlet.name}, done


def timestamp(base: datetime, minutes: int) -> str:
    return (base + timedelta(minutes=minutes)).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def corpus(stories: list[dict], seed: int, max_copies: int = 6) -> list[dict]:
    """Each story's agency copy plus 0..max_copies outlet copies, interleaved in time order."""
    rng = random.Random(seed)
    start = datetime(2026, 10, 1, 6, 0, tzinfo=timezone.utc)
    records = []
    for k, story in enumerate(stories):
        base = start + timedelta(hours=7 * k)
        num = story["story"].split("-")[0]
        records.append(
            {
                "id": f"{num}-0",
                **agency_copy(story),
                "published_at": timestamp(base, 0),
                "story": story["story"],
            }
        )
        copies = rng.randint(0, max_copies)
        for j, outlet in enumerate(rng.sample(OUTLETS, copies), start=1):
            record, _ = republish(story, outlet, rng)
            records.append(
                {
                    "id": f"{num}-{j}",
                    **record,
                    "published_at": timestamp(base, rng.randint(5, 600)),
                    "story": story["story"],
                }
            )
    records.sort(key=lambda r: (r["published_at"], r["id"]))
    return records
