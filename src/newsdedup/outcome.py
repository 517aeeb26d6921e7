"""The one result every input record gets (design decision 9), and its output forms.

Owns: :class:`Outcome`, what a query of the index finds (:class:`Match`), the ``dedup`` object
of the output contract (:meth:`Outcome.to_dict`, scores rounded to 4 places) and the same as
flat columns (:func:`outcome_columns`, for pandas, datasets and Spark). It must not decide
outcomes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["OUTCOME_COLUMNS", "Match", "Outcome", "Status", "outcome_columns"]

Status = Literal["kept", "duplicate", "rejected"]

#: The outcome as flat columns (pandas, datasets, Spark): the ``dedup`` object's fields, prefixed.
OUTCOME_COLUMNS = (
    "dedup_status",
    "dedup_cluster",
    "dedup_duplicate_of",
    "dedup_resemblance",
    "dedup_containment",
    "dedup_reason",
)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What dedup decided for one record.

    Args:
        id: the record's id (its position when it has none).
        status: ``kept``: the canonical copy of its ``cluster`` (its own id) or without duplicate;
            ``duplicate``: it matches ``duplicate_of`` (its cluster's canonical copy) with the
            scores given; ``rejected``: it could not be compared, and ``reason`` says why.
        cluster: the id of the cluster's canonical copy.
        duplicate_of: the id it duplicates (the canonical copy), for duplicates.
        resemblance: estimated Jaccard with ``duplicate_of``.
        containment: estimated share of the smaller text found in the larger.
        reason: why a record was rejected.

    >>> Outcome(id="a2", status="duplicate", cluster="a1", duplicate_of="a1",
    ...         resemblance=0.81, containment=0.97).to_dict()["duplicate_of"]
    'a1'
    """

    id: Any
    status: Status
    cluster: Any = None
    duplicate_of: Any = None
    resemblance: float | None = None
    containment: float | None = None
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The ``dedup`` object of the JSONL output contract (rounded scores, no ``id``)."""
        return {
            "status": self.status,
            "cluster": self.cluster,
            "duplicate_of": self.duplicate_of,
            "resemblance": None if self.resemblance is None else round(self.resemblance, 4),
            "containment": None if self.containment is None else round(self.containment, 4),
            "reason": self.reason,
        }


def outcome_columns(outcomes: Iterable[Outcome]) -> dict[str, list[Any]]:
    """The outcome columns (:data:`OUTCOME_COLUMNS`), one list each, aligned with ``outcomes``:
    the fields of :meth:`Outcome.to_dict`, prefixed.

    >>> outcome_columns([Outcome("a", "kept", "a")])["dedup_status"]
    ['kept']
    """
    cols: dict[str, list[Any]] = {c: [] for c in OUTCOME_COLUMNS}
    for o in outcomes:
        d = o.to_dict()
        for c in OUTCOME_COLUMNS:
            cols[c].append(d[c.removeprefix("dedup_")])
    return cols


@dataclass(frozen=True, slots=True)
class Match:
    """An indexed article a query resembles.

    Args:
        id: the indexed article's id.
        resemblance: estimated Jaccard of the two shingle sets.
        containment: estimated share of the smaller set found in the larger.
        duplicate: whether the pair policy (thresholds, number check) makes them duplicates.
    """

    id: Any
    resemblance: float
    containment: float
    duplicate: bool
