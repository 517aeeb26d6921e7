"""Clusters of duplicates and their canonical copy, without chaining (DESIGN decision 8).

Connected components of verified pairs alone can join two different stories through a chain of
near matches (A~B, B~C, but A≁C). So each component is split: the canonical copy is chosen by
the policy, every member that matches the canonical copy itself joins its cluster, and the rest
are clustered again among themselves, until every member has a home. Each duplicate thus
matches its cluster's canonical copy directly, with the scores it carries.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from .verify import Numbers, Verifier, containment, resemblance, score_pairs

__all__ = ["Member", "Policy", "assign_clusters", "canonical_key", "cluster_candidates", "parse_date"]


@dataclass(frozen=True, slots=True)
class Member:
    """What a canonical-copy policy may look at: one document of a cluster.

    Args:
        index: position in the input.
        id: the record id.
        source: the outlet or agency (the record's, else the wire agency the cleaner found).
        published_at: the publication date, or None.
        length: characters of clean text.
    """

    index: int  # position in the input
    id: object
    source: str | None = None
    published_at: datetime | None = None
    length: int = 0  # characters of clean text


#: A policy: "first", "earliest", "longest", a list of sources in priority order, or a callable
#: that takes the members of a cluster and returns the one to keep.
Policy = str | Sequence[str] | Callable[[Sequence[Member]], Member]

_FAR_FUTURE = datetime.max.replace(tzinfo=timezone.utc)


def parse_date(value: object) -> datetime | None:
    """An ISO 8601 date or datetime (``Z`` allowed), a datetime, or None; naive means UTC."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, str):
        try:
            dt = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    else:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


def canonical_key(policy: str | Sequence[str]) -> Callable[[Member], tuple]:
    """The sort key a named or source-priority policy uses (smallest key is kept)."""
    if policy == "first":
        return lambda m: (m.index,)
    if policy == "earliest":
        return lambda m: (m.published_at or _FAR_FUTURE, m.index)
    if policy == "longest":
        return lambda m: (-m.length, m.index)
    if isinstance(policy, str):
        raise ValueError(
            f"unknown keep policy {policy!r}: use first, earliest, longest, a source list or a callable"
        )
    ranks = {s.casefold(): i for i, s in reversed(list(enumerate(policy)))}
    worst = len(ranks)
    return lambda m: (ranks.get((m.source or "").casefold(), worst), m.index)


def _components(n: int, pairs: np.ndarray) -> np.ndarray:
    if len(pairs) == 0:
        return np.arange(n)
    graph = coo_matrix((np.ones(len(pairs), dtype=np.int8), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def _choose(members: list[Member], policy: Policy) -> Member:
    if callable(policy) and not isinstance(policy, str):
        chosen = policy(members)
        if chosen not in members:
            raise ValueError("the keep callable must return one of the members it was given")
        return chosen
    return min(members, key=canonical_key(policy))


def assign_clusters(
    members: Sequence[Member],
    pairs: np.ndarray,
    match: Callable[[int, np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray]],
    policy: Policy = "first",
) -> dict[int, tuple[int, float, float]]:
    """Cluster the documents ``members`` (at local positions 0..n-1) linked by verified ``pairs``.

    ``match(c, others)`` scores local document ``c`` against the local documents ``others`` and
    returns ``(resemblance, containment, is_duplicate)`` arrays. Returns, for every duplicate's
    local position, ``(canonical local position, resemblance, containment)``; documents not in
    the result are kept (canonical copies and singletons).
    """
    n = len(members)
    result: dict[int, tuple[int, float, float]] = {}
    # Each pending group carries the verified pairs inside it, so splitting a group scans its
    # own pairs, not every pair of the run (that made clustering grow faster than the corpus).
    pending = _split(np.arange(n), pairs)
    named = not callable(policy) or isinstance(policy, str)
    rank: np.ndarray | None = None
    while pending:
        group, inside = pending.pop()
        if named:  # a named policy is an order of all members: ranked once, not sorted per split
            rank = _ranks(members, policy) if rank is None else rank  # type: ignore[arg-type]
            c = int(group[np.argmin(rank[group])])
        else:
            candidates = [members[i] for i in group.tolist()]
            chosen = _choose(candidates, policy)
            c = int(group[next(k for k, m in enumerate(candidates) if m == chosen)])
        others = group[group != c]
        res, cont, ok = match(c, others)
        for i, r, k in zip(others[ok], res[ok], cont[ok], strict=True):
            result[int(i)] = (int(c), float(r), float(k))
        rest = others[~ok]
        if len(rest) > 1:
            rest = np.sort(rest)
            kept = np.isin(inside[:, 0], rest) & np.isin(inside[:, 1], rest)
            pending.extend(_split(rest, inside[kept]))
    return result


def _ranks(members: Sequence[Member], policy: str | Sequence[str]) -> np.ndarray:
    """Each member's place in the order ``policy`` keeps by (its keys are distinct: they end in
    the input position), so a group's canonical copy is its member of smallest rank."""
    key = canonical_key(policy)
    order = sorted(range(len(members)), key=lambda i: key(members[i]))
    rank = np.empty(len(members), dtype=np.int64)
    rank[order] = np.arange(len(members))
    return rank


def _split(nodes: np.ndarray, pairs: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """The connected components of the sorted ``nodes`` by ``pairs`` (all among them), those of
    two or more nodes, each in ascending order with the pairs inside it; in label order."""
    local = np.searchsorted(nodes, pairs) if len(pairs) else np.zeros((0, 2), dtype=np.int64)
    labels = _components(len(nodes), local)
    order = np.argsort(labels, kind="stable")
    cuts = np.flatnonzero(np.diff(labels[order])) + 1
    groups = np.split(nodes[order], cuts)
    firsts = labels[order][np.concatenate(([0], cuts))] if len(nodes) else np.zeros(0, dtype=np.int64)
    by_label = labels[local[:, 0]] if len(pairs) else np.zeros(0, dtype=np.int64)
    porder = np.argsort(by_label, kind="stable")
    sorted_labels = by_label[porder]
    big = [k for k, g in enumerate(groups) if len(g) > 1]
    wanted = firsts[big]
    los = np.searchsorted(sorted_labels, wanted).tolist()
    his = np.searchsorted(sorted_labels, wanted + 1).tolist()
    inside = pairs[porder]
    out = [(groups[k], inside[lo:hi]) for k, lo, hi in zip(big, los, his, strict=True)]
    return out


def cluster_candidates(
    verifier: Verifier,
    keep: Policy,
    sig: np.ndarray,
    sizes: np.ndarray,
    numbers: Numbers,
    members: Sequence[Member],
    pairs: np.ndarray,
    digests: np.ndarray | None = None,
) -> dict[int, tuple[int, float, float]]:
    """Verify candidate ``pairs`` of local documents and cluster them without chaining: for each
    duplicate's local position, ``(canonical position, resemblance, containment)``. Shared by
    batch runs and the distributed path, so both decide the same way. ``digests`` (uint64 per
    document) make one-shingle texts match only when equal."""
    exact = None if digests is None else (sizes, digests)
    res, cont = score_pairs(sig, sizes, pairs)
    verified = pairs[verifier.decide(pairs, res, cont, numbers, exact)] if len(pairs) else pairs

    def match(c: int, others: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        r_ = resemblance(sig[others], sig[c])
        c_ = containment(r_, sizes[others], sizes[c])
        pairs_ = np.stack([others, np.full_like(others, c)], axis=1)
        return r_, c_, verifier.decide(pairs_, r_, c_, numbers, exact)

    return assign_clusters(members, verified, match, keep)
