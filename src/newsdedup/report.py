"""What a run tells about itself: summaries, the ``--report`` and ``--clusters`` files, output rows.

Owns: how outcomes become things to read or write: one output row per input line
(:func:`output_row`), the counts (:func:`summarize`), the JSON report (:func:`make_report`),
one line per cluster (:func:`cluster_rows`), the summary screen and a query's matches as rows.
It must not decide outcomes or write files (``io`` does).

>>> from newsdedup import Outcome
>>> summarize([Outcome("a", "kept", "a"), Outcome("b", "duplicate", "a", "a", 0.9, 1.0)])["clusters"]
1
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from .outcome import Match, Outcome
from .records import InvalidRecord, line_number

__all__ = ["cluster_rows", "make_report", "match_row", "output_row", "summarize", "summary_screen"]


def summarize(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    status = Counter(o.status for o in outcomes)
    sizes = Counter(o.cluster for o in outcomes if o.status == "duplicate")
    return {
        "records": len(outcomes),
        "kept": status["kept"],
        "duplicates": status["duplicate"],
        "rejected": status["rejected"],
        "clusters": len(sizes),
    }


def cluster_rows(outcomes: Sequence[Outcome]) -> Iterator[dict[str, Any]]:
    """One row per cluster with duplicates, in input order of the canonical copy: its id, then
    every member with its scores. A canonical copy that lives in an index (``--against``) and not
    in the input is marked ``canonical_in_index``."""
    members: dict[Any, list[Outcome]] = {}
    for o in outcomes:
        if o.status == "duplicate":
            members.setdefault(o.cluster, []).append(o)

    def scored(dups: list[Outcome]) -> list[dict[str, Any]]:
        return [
            {
                "id": d.id,
                "resemblance": round(d.resemblance or 0.0, 4),
                "containment": round(d.containment or 0.0, 4),
            }
            for d in dups
        ]

    kept = [o.id for o in outcomes if o.status == "kept" and o.id in members]
    for cid in kept:
        dups = members.pop(cid)
        yield {
            "cluster": cid,
            "size": 1 + len(dups),
            "members": [{"id": cid, "canonical": True}, *scored(dups)],
        }
    for cid, dups in members.items():
        yield {"cluster": cid, "size": len(dups), "members": scored(dups), "canonical_in_index": True}


#: Clusters a report lists by id, largest first.
LARGEST_LISTED = 10


def make_report(outcomes: Sequence[Outcome], locations: Sequence[str], seconds: float) -> dict[str, Any]:
    """The ``--report`` summary: counts, duplicate rate, cluster sizes and the largest clusters,
    every rejected record, time. What makes the run reproducible (version, settings, input
    digest, start time) is added by the caller, who knows them."""
    s = summarize(outcomes)
    members = Counter(o.cluster for o in outcomes if o.status == "duplicate")
    sizes = Counter(members.values())
    compared = s["kept"] + s["duplicates"]
    largest = sorted(members.items(), key=lambda kv: (-kv[1], str(kv[0])))[:LARGEST_LISTED]
    return {
        **s,
        "largest_clusters": [{"cluster": c, "size": n + 1} for c, n in largest],
        "duplicate_rate": round(s["duplicates"] / compared, 6) if compared else 0.0,
        "cluster_sizes": {str(k + 1): v for k, v in sorted(sizes.items())},
        "rejected_records": [
            {"location": loc, "id": o.id, "reason": o.reason}
            for loc, o in zip(locations, outcomes, strict=True)
            if o.status == "rejected"
        ],
        "seconds": round(seconds, 3),
        "docs_per_second": round(len(outcomes) / seconds, 1) if seconds > 0 else None,
    }


def summary_screen(report: Mapping[str, Any], indexed: int | None = None) -> str:
    reasons = Counter(r["reason"] for r in report["rejected_records"])
    largest = max((int(k) for k in report["cluster_sizes"]), default=0)
    lines = [
        f"newsdedup dedup: {report['records']:,} records in {report['seconds']:.1f} s "
        f"({report['docs_per_second'] or 0:,.0f} docs/s)"
        + (f", against {report['against']} ({indexed:,} indexed)" if indexed is not None else ""),
        f"  kept        {report['kept']:,}",
        f"  duplicates  {report['duplicates']:,} in {report['clusters']:,} clusters"
        + (f" (largest {largest})" if largest else "")
        + f", duplicate rate {report['duplicate_rate']:.1%}",
        f"  rejected    {report['rejected']:,}",
        *(f"    {n:,} {reason}" for reason, n in reasons.most_common(_REASONS_SHOWN)),
        *(
            [f"    ... {len(reasons) - _REASONS_SHOWN:,} other reasons (--report lists each record)"]
            if len(reasons) > _REASONS_SHOWN
            else []
        ),
        f"  -> {report['output']} ({report['written']:,} records written)",
    ]
    return "\n".join(lines)


# Reasons listed on the summary screen; a record's id makes a repeated-id reason unique.
_REASONS_SHOWN = 10


def output_row(
    location: str, record: Mapping[str, Any] | InvalidRecord, outcome: Outcome | None = None
) -> dict[str, Any]:
    """The output row of one input line: the record's fields (or the unreadable line itself, as
    ``line`` and ``raw``), with the outcome as the ``dedup`` object when given."""
    if isinstance(record, InvalidRecord):
        row: dict[str, Any] = {"line": line_number(location), "raw": record.raw}
    else:
        row = dict(record)
    if outcome is not None:
        row["dedup"] = outcome.to_dict()
    return row


def match_row(m: Match) -> dict[str, Any]:
    return {
        "id": m.id,
        "resemblance": round(m.resemblance, 4),
        "containment": round(m.containment, 4),
        "duplicate": m.duplicate,
    }
