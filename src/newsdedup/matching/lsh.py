"""LSH banding: datasketch's band parameters, candidate pairs from numpy sorting, and
:class:`BandIndex`, the bucket tables of the streaming index.

Two documents are candidates when all ``r`` slots of at least one of ``b`` bands of their
signatures are equal, exactly as in ``datasketch.MinHashLSH``. Instead of a hash table per band
we turn each band's rows into one 64-bit key, sort, and pair the runs of equal keys. A run
larger than ``max_bucket`` (a boilerplate-only band shared by thousands of pages) gives star
edges to its smallest member instead of all pairs, which keeps the cost linear; clusters still
connect through the star.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from datasketch import MinHashLSH

__all__ = ["FEW_COPIES", "BandIndex", "band_params", "candidate_pairs"]


@lru_cache(maxsize=64)
def band_params(
    threshold: float, num_perm: int, weights: tuple[float, float] = (0.5, 0.5)
) -> tuple[int, int]:
    """``(b, r)``: bands and rows per band that datasketch's ``MinHashLSH`` picks for these settings.

    Args:
        threshold: the similarity the bands are tuned for.
        num_perm: signature slots.
        weights: datasketch's weights of false positives and false negatives.

    >>> band_params(0.5, 128)
    (25, 5)
    """
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm, weights=weights)
    return lsh.b, lsh.r


def row_keys(band: np.ndarray) -> np.ndarray:
    """One uint64 per row that is equal exactly when the rows are equal.

    Up to two uint32 slots pack into 64 bits exactly. Wider bands are hashed to 64 bits (a
    MurmurHash3-style mix per slot): two different rows share a key with probability about
    2^-64, and a candidate pair is verified on its signatures anyway, so such a collision could
    add a candidate but never a false duplicate.
    """
    cols = band.astype(np.uint64)
    if band.shape[1] == 1:
        return cols[:, 0].copy()
    if band.shape[1] == 2:
        return (cols[:, 0] << np.uint64(32)) | cols[:, 1]
    key = np.zeros(len(band), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(band.shape[1]):
            key = (key ^ cols[:, k]) * np.uint64(0x9E3779B97F4A7C15)
            key ^= key >> np.uint64(29)
    return key


def _pairs_in_runs(key: np.ndarray, max_bucket: int | None) -> np.ndarray:
    """Pairs of rows with equal keys: all pairs in a run, or star edges from the smallest row of a
    run longer than ``max_bucket``. Rows as (k, 2) int64, each pair in ascending order."""
    order = np.argsort(key)
    srt = key[order]
    start = np.ones(len(srt), dtype=bool)
    start[1:] = srt[1:] != srt[:-1]
    group = np.cumsum(start) - 1
    size_of = np.bincount(group)[group]
    keep = size_of > 1
    order, group, size_of = order[keep], group[keep], size_of[keep]
    if len(order) == 0:
        return np.zeros((0, 2), dtype=np.int64)
    out = []
    if max_bucket is not None:
        huge = size_of > max_bucket
        if huge.any():
            h_order, h_group = order[huge], group[huge]
            first = np.ones(len(h_group), dtype=bool)
            first[1:] = h_group[1:] != h_group[:-1]
            bounds = np.flatnonzero(first)
            hub = np.repeat(np.minimum.reduceat(h_order, bounds), np.diff(np.append(bounds, len(h_order))))
            spoke = h_order != hub
            out.append(np.stack([hub[spoke], h_order[spoke]], axis=1))
            order, group, size_of = order[~huge], group[~huge], size_of[~huge]
    # Pair each row with the row d places later in its run, for d = 1, 2, ...; rows of runs no
    # longer than d drop out, so a few long runs don't make every pass scan every row.
    d = 1
    while len(order) > d:
        same = group[:-d] == group[d:]
        out.append(np.stack([order[:-d][same], order[d:][same]], axis=1))
        d += 1
        longer = size_of > d
        if not longer.all():
            order, group, size_of = order[longer], group[longer], size_of[longer]
    pairs = np.concatenate(out) if out else np.zeros((0, 2), dtype=np.int64)
    return np.sort(pairs.astype(np.int64), axis=1)


def _unique(keys: np.ndarray) -> np.ndarray:
    """Sorted distinct values (by sorting: numpy 2's hash-based np.unique is far slower here)."""
    keys = np.sort(keys)
    if len(keys) < 2:
        return keys
    return keys[np.concatenate(([True], keys[1:] != keys[:-1]))]


#: A group of identical rows at least this large is worth banding once (each band's run of it
#: makes size^2/2 pairs to sort again; below it, finding the groups costs more than it saves).
FEW_COPIES = 32


def candidate_pairs(
    signatures: np.ndarray,
    b: int,
    r: int,
    *,
    max_bucket: int | None = 1000,
    min_copies: int | None = FEW_COPIES,
) -> np.ndarray:
    """Unique candidate pairs ``(i, j)``, ``i < j``, sorted, as an ``(k, 2)`` int64 array.

    Pairs are kept as one int64 key each (``i * n + j``) and merged band by band, so memory
    follows the number of distinct candidates, not candidates times bands. Rows with identical
    signatures (exact copies) meet in every band: they are banded once, as one row that counts
    for all of them, and their pairs made once, when some row has ``min_copies`` copies or more
    (None: every row banded; the pairs are the same either way).

    Args:
        signatures: ``(n, num_perm)`` uint32 signatures.
        b: bands; r: rows (slots) per band (:func:`band_params`).
        max_bucket: a bucket with more documents gives star pairs to its first member; None: every pair.
        min_copies: the group of identical rows that makes banding them once worth it.

    >>> sig = np.array([[1, 2, 3, 4], [1, 2, 9, 9], [5, 6, 7, 8]], dtype=np.uint32)
    >>> candidate_pairs(sig, b=2, r=2).tolist()
    [[0, 1]]
    """
    if b * r > signatures.shape[1]:
        raise ValueError(f"b * r = {b * r} exceeds the signature length {signatures.shape[1]}")
    n = np.int64(len(signatures))
    copies = None if min_copies is None else _copies(signatures, min_copies)
    keys = np.zeros(0, dtype=np.int64)
    pending: list[np.ndarray] = []
    inner = np.zeros(0 if copies is None else len(copies.reps), dtype=bool)
    for i in range(b):
        band = signatures[:, i * r : (i + 1) * r]
        if copies is None:
            pairs = _pairs_in_runs(row_keys(band), max_bucket)
        else:
            pairs, wanted = copies.pairs(row_keys(band[copies.reps]), max_bucket)
            inner |= wanted
        pending.append(_unique(pairs[:, 0] * n + pairs[:, 1]))
        if len(pending) == 4 or i == b - 1:
            keys = _unique(np.concatenate([keys, *pending]))
            pending = []
    if copies is not None and inner.any():
        within = copies.within(np.flatnonzero(inner))
        keys = _unique(np.concatenate([keys, within[:, 0] * n + within[:, 1]]))
    return np.stack([keys // n, keys % n], axis=1) if len(keys) else np.zeros((0, 2), dtype=np.int64)


class _Copies:
    """Rows with identical signatures as groups: ``reps`` (each group's smallest row, sorted;
    a row without a copy is its own group), and each group's rows (``members``, CSR)."""

    def __init__(self, reps: np.ndarray, starts: np.ndarray, members: np.ndarray) -> None:
        self.reps, self.starts, self.members = reps, starts, members
        self.sizes = np.diff(starts)

    def pairs(self, key: np.ndarray, max_bucket: int | None) -> tuple[np.ndarray, np.ndarray]:
        """A band's pairs of rows, from the representatives' band keys, as ``_pairs_in_runs``
        gives them for every row; and which groups need their inner pairs (those in a bucket of
        ``max_bucket`` rows or fewer, which pairs all its rows)."""
        order = np.argsort(key, kind="stable")
        srt = key[order]
        start = np.ones(len(srt), dtype=bool)
        start[1:] = srt[1:] != srt[:-1]
        run = np.cumsum(start) - 1
        weight = np.bincount(run, weights=self.sizes[order]).astype(np.int64)[run]
        wanted = np.zeros(len(self.reps), dtype=bool)
        out = []
        huge = weight > max_bucket if max_bucket is not None else np.zeros(len(order), dtype=bool)
        if huge.any():  # star pairs from the bucket's smallest row to every other row of it
            h_order, h_run = order[huge], run[huge]
            first = np.ones(len(h_run), dtype=bool)
            first[1:] = h_run[1:] != h_run[:-1]
            bounds = np.flatnonzero(first)
            hub = np.repeat(np.minimum.reduceat(h_order, bounds), np.diff(np.append(bounds, len(h_order))))
            star = self._expand(self.reps[hub], h_order)
            out.append(star[star[:, 0] != star[:, 1]])
        small = ~huge & (weight > 1)
        wanted[order[small]] = True
        reps = _pairs_in_runs(key[order[small]], None)  # pairs of positions into order[small]
        if len(reps):
            g = order[small][reps]
            out.append(self._cross(g[:, 0], g[:, 1]))
        pairs = np.concatenate(out) if out else np.zeros((0, 2), dtype=np.int64)
        return np.sort(pairs.astype(np.int64), axis=1), wanted & (self.sizes > 1)

    def _expand(self, rows: np.ndarray, groups: np.ndarray) -> np.ndarray:
        """``(row, m)`` for each given row and every member ``m`` of its paired group."""
        counts = self.sizes[groups]
        which = np.repeat(np.arange(len(groups)), counts)
        at = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
        return np.stack([rows[which], self.members[self.starts[groups[which]] + at]], axis=1)

    def _cross(self, ga: np.ndarray, gb: np.ndarray) -> np.ndarray:
        """Every row of group ``ga[k]`` paired with every row of group ``gb[k]``."""
        left = self._expand(np.arange(len(ga)), ga)  # (pair k, a row of ga[k])
        per = self.sizes[gb][left[:, 0]]
        which = np.repeat(np.arange(len(left)), per)
        base = self.starts[gb[left[which, 0]]]
        at = np.arange(int(per.sum())) - np.repeat(np.cumsum(per) - per, per)
        return np.stack([left[which, 1], self.members[base + at]], axis=1)

    def within(self, groups: np.ndarray) -> np.ndarray:
        """All pairs of rows inside each of ``groups`` (ascending pairs)."""
        out = []
        for g in groups.tolist():
            rows = self.members[self.starts[g] : self.starts[g + 1]]
            i, j = np.triu_indices(len(rows), k=1)
            out.append(np.stack([rows[i], rows[j]], axis=1))
        return np.concatenate(out).astype(np.int64) if out else np.zeros((0, 2), dtype=np.int64)


def _copies(signatures: np.ndarray, min_copies: int) -> _Copies | None:
    """The groups of identical signature rows, or None when none has ``min_copies`` rows."""
    if len(signatures) < max(2, min_copies):
        return None
    # A few slots first: rows that differ there are not copies, and most corpora have no big group.
    few = np.unique(row_keys(signatures[:, :8]), return_counts=True)[1]
    if few.max() < min_copies:
        return None
    key = row_keys(signatures)
    order = np.argsort(key, kind="stable")  # equal keys keep the rows' order: smallest first
    srt = key[order]
    same = srt[1:] == srt[:-1]
    if not same.any():
        return None
    start = np.concatenate(([True], ~same))
    run = np.cumsum(start) - 1
    sizes = np.bincount(run)
    if sizes.max() < min_copies:
        return None
    # A 64-bit key shared by rows that differ (about 2^-64 per pair) must not group them.
    multi = np.flatnonzero(sizes[run] > 1)
    first_row = order[start][run[multi]]
    if (signatures[order[multi]] != signatures[first_row]).any():
        return None
    reps = order[start]  # each run's smallest row (the sort is stable)
    by_rep = np.argsort(reps, kind="stable")
    rank = np.empty(len(reps), dtype=np.int64)
    rank[by_rep] = np.arange(len(reps))
    members = order[np.argsort(rank[run], kind="stable")]  # groups in the order of their reps
    starts = np.zeros(len(reps) + 1, dtype=np.int64)
    np.cumsum(sizes[by_rep], out=starts[1:])
    return _Copies(reps[by_rep].astype(np.int64), starts, members.astype(np.int64))


# Each band's key is mixed with its band number so that all bands share one sorted table.
_BAND_SALT = np.uint64(0xD6E8FEB86659FD93)


def band_keys(signatures: np.ndarray, b: int, r: int) -> np.ndarray:
    """``(n, b)`` uint64: one key per band of each signature, distinct across bands.

    Two signatures share a key when their band is equal (as ``MinHashLSH`` buckets them); a key
    shared by different bands or different rows happens with probability about 2^-64, and can
    only add a candidate, which verification then scores.
    """
    n = len(signatures)
    rows = np.ascontiguousarray(signatures[:, : b * r]).reshape(n * b, r)  # every band of every row
    salt = np.arange(1, b + 1, dtype=np.uint64) * _BAND_SALT
    with np.errstate(over="ignore"):
        k = row_keys(rows).reshape(n, b) ^ salt
        k = (k ^ (k >> np.uint64(31))) * np.uint64(0xBF58476D1CE4E5B9)
        return k ^ (k >> np.uint64(27))


def _live(old: np.ndarray, new: Sequence[int], dead: set[int], gone: np.ndarray | None) -> int:
    """How many entries of a bucket are not removed (removed ones stay until the next merge)."""
    n = len(old) + len(new)
    if gone is None:
        return n
    return n - int(np.isin(old, gone).sum()) - sum(1 for s in new if s in dead)


def _first_live(old: np.ndarray, new: Sequence[int], dead: set[int]) -> int | None:
    """The first slot of a bucket (its sorted entries, then its recent ones) not removed."""
    if not dead:
        return int(old[0]) if len(old) else new[0]
    for run in (old.tolist(), new):  # removed slots are few: an early hit is the rule
        for slot in run:
            if slot not in dead:
                return slot
    return None


def _distinct(parts: list[list[np.ndarray]], top: int, dead: set[int]) -> list[np.ndarray]:
    """Each row's slots once, removed ones left out, without a Python set. Many entries (a
    chunk against a large index): one of a slot's positions in its row is stamped on it
    (whichever numpy writes) and only that one keeps it, no sort. Few (one article queried
    against a million slots): sorted, so no array as large as the index is made per query."""
    entries = sum(len(a) for row in parts for a in row)
    gone_list = np.fromiter(dead, dtype=np.int64, count=len(dead)) if dead else None
    if 8 * entries < top:
        out = []
        for row in parts:
            slots = np.unique(np.concatenate(row)) if row else np.zeros(0, np.int64)
            out.append(slots if gone_list is None else slots[~np.isin(slots, gone_list)])
        return out
    stamp = np.empty(top + 1, dtype=np.int64)  # read only where this row has just written
    gone = np.zeros(top + 1, dtype=bool)
    if gone_list is not None:
        gone[gone_list[gone_list <= top]] = True
    out = []
    for row in parts:
        if not row:
            out.append(np.zeros(0, np.int64))
            continue
        slots = row[0] if len(row) == 1 else np.concatenate(row)
        at = np.arange(len(slots))
        stamp[slots] = at
        keep = (stamp[slots] == at) & ~gone[slots]
        out.append(slots[keep])
    return out


class BandIndex:
    """The bucket tables of a growing, shrinking set of signatures, in sorted numpy arrays.

    ``query`` gives the slots that share a band with a signature, as ``MinHashLSH.query`` gives
    keys, at 12 bytes per band per document (datasketch's dict storage takes about 15 KB per
    document at 28 bands). New entries wait in a small dict and are merged into the sorted
    arrays in linear passes; removed slots are skipped at once and dropped at the next merge.

    >>> index = BandIndex(b=2, r=2)
    >>> index.add([7], np.array([[1, 2, 3, 4]], dtype=np.uint32))
    >>> sorted(index.query(np.array([[1, 2, 9, 9]], dtype=np.uint32))[0])
    [7]
    """

    def __init__(self, b: int, r: int, *, buffer: int = 1 << 16) -> None:
        self.b, self.r = b, r
        self._keys = np.zeros(0, dtype=np.uint64)
        self._slots = np.zeros(0, dtype=np.int64)
        self._recent: dict[int, list[int]] = {}
        self._recent_entries = 0
        self._dead: set[int] = set()
        self._buffer = buffer
        self._top = -1  # the largest slot ever added

    def keys(self, signatures: np.ndarray) -> np.ndarray:
        """The band keys of each signature (see :func:`band_keys`)."""
        return band_keys(signatures, self.b, self.r)

    def add(self, slots: list[int], signatures: np.ndarray, keys: np.ndarray | None = None) -> None:
        keys = self.keys(signatures) if keys is None else keys
        recent = self._recent
        for slot, row in zip(slots, keys.tolist(), strict=True):
            for k in row:
                recent.setdefault(k, []).append(slot)
        self._recent_entries += len(slots) * self.b
        if slots:
            self._top = max(self._top, max(slots))
        if self._recent_entries >= max(self._buffer, len(self._keys) // 8):
            self._merge()

    def remove(self, slot: int) -> None:
        self._dead.add(slot)

    def query(
        self, signatures: np.ndarray, keys: np.ndarray | None = None, *, max_bucket: int | None = None
    ) -> list[set[int]]:
        """For each signature, the live slots that share at least one band key with it (see
        :meth:`query_slots`)."""
        return [set(found.tolist()) for found in self.query_slots(signatures, keys, max_bucket=max_bucket)]

    def query_slots(
        self, signatures: np.ndarray, keys: np.ndarray | None = None, *, max_bucket: int | None = None
    ) -> list[np.ndarray]:
        """For each signature, the distinct live slots that share at least one band key with it
        (int64, in no set order); a bucket of more than ``max_bucket`` entries gives only its
        first live slot (the earliest added: slots grow with each add, and a bucket keeps them
        in that order)."""
        keys = self.keys(signatures) if keys is None else keys
        flat = keys.ravel()
        lo = np.searchsorted(self._keys, flat, side="left")
        hi = np.searchsorted(self._keys, flat, side="right")
        parts: list[list[np.ndarray]] = [[] for _ in range(len(keys))]
        recent, dead = self._recent, self._dead
        # Only keys found in the sorted table or among the recent entries are looked at.
        hits = np.flatnonzero(hi > lo).tolist()
        if recent:
            hits = sorted(set(hits).union(j for j, k in enumerate(flat.tolist()) if k in recent))
        gone = np.fromiter(dead, dtype=np.int64, count=len(dead)) if dead else None
        for j in hits:
            old = self._slots[lo[j] : hi[j]]
            new = recent.get(int(flat[j]), []) if recent else []
            if max_bucket is not None and _live(old, new, dead, gone) > max_bucket:
                hub = _first_live(old, new, dead)
                found = np.zeros(0, np.int64) if hub is None else np.array([hub], dtype=np.int64)
            else:
                found = np.concatenate([old, np.array(new, dtype=np.int64)]) if new else old
            if len(found):
                parts[j // self.b].append(found)
        return _distinct(parts, self._top, dead)

    def _merge(self) -> None:
        """Fold the recent entries into the sorted arrays, dropping removed slots (linear)."""
        items = self._recent
        counts = np.fromiter((len(v) for v in items.values()), dtype=np.int64, count=len(items))
        new_keys = np.repeat(np.fromiter(items.keys(), dtype=np.uint64, count=len(items)), counts)
        new_slots = np.fromiter(
            (s for v in items.values() for s in v), dtype=np.int64, count=int(counts.sum())
        )
        keys, slots = self._keys, self._slots
        if self._dead:
            dead = np.fromiter(self._dead, dtype=np.int64, count=len(self._dead))
            live = ~np.isin(slots, dead)
            keys, slots = keys[live], slots[live]
            fresh = ~np.isin(new_slots, dead)
            new_keys, new_slots = new_keys[fresh], new_slots[fresh]
        order = np.argsort(new_keys, kind="stable")
        new_keys, new_slots = new_keys[order], new_slots[order]
        at = np.searchsorted(keys, new_keys, side="right") + np.arange(len(new_keys))
        merged_keys = np.empty(len(keys) + len(new_keys), dtype=np.uint64)
        merged_slots = np.empty(len(merged_keys), dtype=np.int64)
        old = np.ones(len(merged_keys), dtype=bool)
        old[at] = False
        merged_keys[at], merged_slots[at] = new_keys, new_slots
        merged_keys[old], merged_slots[old] = keys, slots
        self._keys, self._slots = merged_keys, merged_slots
        self._recent = {}
        self._recent_entries = 0
        self._dead = set()

    def __len__(self) -> int:
        """Entries held (a document holds ``b``), removed ones included until the next merge."""
        return len(self._keys) + self._recent_entries
