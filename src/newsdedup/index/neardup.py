"""The streaming index: check each new article against the ones before it.

Owns: :class:`NearDupIndex`, the decisions of a stream. It holds the *kept* articles (the
canonical copies) of a stream. ``add`` checks a record (:mod:`newsdedup.records`), cleans,
shingles and signs it exactly as batch dedup does (:func:`~newsdedup.matching.signing.sign`),
asks its store for LSH candidates, verifies them with the same pair policy
(:class:`~newsdedup.matching.verify.Verifier`), and either reports the earliest indexed article
it duplicates or indexes it as kept. So a stream of records added in order gets the outcomes
``dedup(records, keep="first")`` gives them (a test checks it). Storage is behind
:class:`~newsdedup.index.store.Store`: memory or Redis; files are :mod:`~newsdedup.index.files`.
It must not know how a store keeps things.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import Any

import numpy as np

from ..cleaning import Cleaner
from ..errors import IndexFormatError, InputError
from ..frames import records_of
from ..matching.signing import sign
from ..outcome import Match, Outcome
from ..records import Record, RecordChecker, Valid, field_names, validate
from ..settings import DedupConfig, from_index_settings, index_settings
from .files import locked, read_index_file, to_batch, write_index_file
from .memory import MemoryStore
from .redis import RedisStore, connect_settings
from .store import Batch, Pool, Store, Table, id_of, key_of, timestamp

__all__ = ["Match", "NearDupIndex"]

_log = logging.getLogger("newsdedup.index")

# Sequence numbers of records kept during check_many: after everything indexed.
_OVERLAY_SEQ = 1 << 62


def _bucket(members: Sequence[int], cap: int | None) -> Sequence[int]:
    """A bucket's members as candidates: a huge one gives its first only (as ``max_bucket`` says)."""
    return members if cap is None or len(members) <= cap else members[:1]


class NearDupIndex:
    """Near-duplicate index of a stream of articles, in memory or shared through Redis.

    >>> index = NearDupIndex(threshold=0.5)
    >>> [index.add(t).status for t in ["Storm hits the coast on Monday.", "Storm hits the coast on Monday!"]]
    ['kept', 'duplicate']

    ``window`` (a timedelta) forgets articles published more than that before the newest date
    seen; ``storage`` is None (memory) or a Redis URL (``redis://host:port/db``,
    ``unix:///path/redis.sock?db=0``); ``name`` is the key prefix of a shared index. Other
    settings are :class:`DedupConfig`'s; ``keep`` is always arrival order ("first").

    Args:
        config: the settings (:class:`~newsdedup.DedupConfig`); or give them as keywords.
        window: forget articles published this long before the newest date seen (None: never).
        storage: None (memory) or a Redis URL; a password may come from ``REDIS_PASSWORD``.
        name: the key prefix of a shared index on one Redis server.
        cleaner: a configured :class:`~newsdedup.Cleaner` to clean with (``config.cleaner``);
            an index saved with one is loaded again only with the same kind of cleaner.
        max_future: a publication date later than the wall clock by more than this is a typo
            as far as the window is concerned: the article is indexed undated (a warning is
            logged), so one record dated 2062 cannot expire everything else. None: trust dates.

    Threads may share one index: each chunk's id check, lookup and insert happen under its
    lock (cleaning and signing, the costly part, outside it).
    """

    def __init__(
        self,
        config: DedupConfig | None = None,
        *,
        window: timedelta | None = None,
        storage: str | None = None,
        name: str = "newsdedup",
        cleaner: Cleaner | None = None,
        max_future: timedelta | None = timedelta(days=1),
        **settings: Any,
    ) -> None:
        if config is not None and settings:
            raise TypeError("give either a DedupConfig or keyword settings, not both")
        cfg = config or DedupConfig(**settings)
        if cleaner is not None:
            cfg = replace(cfg, cleaner=cleaner)
        if cfg.keep != "first":
            raise ValueError("a streaming index keeps the first copy it sees; keep must be 'first'")
        if window is not None and window <= timedelta(0):
            raise ValueError(f"window must be a positive timedelta, got {window}")
        self.config = cfg
        self.window = window
        self.max_future = max_future
        self._given = 0  # records given to add so far: the position of the next one
        self._lock = threading.RLock()
        self._store: Store = (
            MemoryStore(cfg) if storage is None else RedisStore(storage, name, cfg, self._settings())
        )

    # --- settings --------------------------------------------------------------------------

    @contextlib.contextmanager
    def _guarded(self) -> Iterator[None]:
        """The index's lock (threads share one index safely) and the store's errors."""
        with self._lock, self._store.errors():
            yield

    def _settings(self) -> dict[str, Any]:
        return index_settings(self.config, self.window)

    @property
    def cleaner(self) -> Cleaner | None:
        """The cleaner articles are cleaned with (None without cleaning)."""
        return self.config.make_cleaner()

    @property
    def storage(self) -> str:
        """Where the index lives: "memory" or the Redis URL without its password."""
        return self._store.describe()

    def __repr__(self) -> str:
        return f"NearDupIndex({len(self)} articles, storage={self.storage!r}, window={self.window})"

    # --- the stream ------------------------------------------------------------------------

    def add(self, record: Record) -> Outcome:
        """Check one record against the index, then index it unless it is a duplicate.

        A record is a str or a mapping with ``id`` and ``text`` (and ``title``, ``published_at``).
        """
        return self.add_many([record])[0]

    def add_many(
        self, records: Iterable[Record], *, start: int | None = None, locations: Sequence[str] | None = None
    ) -> list[Outcome]:
        """:meth:`add` for each record, in order, one batch of storage work per chunk.

        Records without an id are named by their position in what this object has been given,
        or counted from ``start``; ``locations`` names where each record came from
        ("news.jsonl:12"), for error messages.
        """
        return list(self._run(records, start=start, overlay=None, locations=locations))

    def check_many(
        self, records: Iterable[Record], *, start: int | None = None, locations: Sequence[str] | None = None
    ) -> Iterator[Outcome]:
        """The outcomes :meth:`add_many` would give, leaving the index as it is.

        The records are deduplicated against the index and among themselves: the ones found
        kept are held apart for the run (in memory) so later records can match them.
        """
        return self._run(records, start=start, overlay=MemoryStore(self.config), locations=locations)

    def query(self, record: Record) -> list[Match]:
        """The indexed articles that ``record`` resembles, best first, without indexing it.

        Every LSH candidate is scored; ``Match.duplicate`` tells which ones pass the thresholds.
        """
        v = validate(0, record, self.config.fields, self.config.max_chars)
        if isinstance(v, str):
            raise InputError("query", v)
        batch, reason = self._sign([v])
        if reason[0] is not None:
            raise InputError("query", reason[0])
        with self._guarded():
            stored, (rows,) = self._store.meet(batch.signatures)
        if not len(rows):
            return []
        pool = Pool.of([stored, Table.of_batch(batch, np.zeros(1, np.int64))])
        res, cont, ok = pool.scores(pool.starts[-1], rows, self.config.verifier)
        keys = [stored.keys[r] for r in rows.tolist()]
        matches = [
            Match(id_of(k), float(r), float(c), bool(d))
            for k, r, c, d in zip(keys, res, cont, ok, strict=True)
        ]
        return sorted(matches, key=lambda m: (-m.resemblance, -m.containment, str(m.id)))

    def remove(self, rid: Any) -> None:
        """Forget an indexed article; KeyError when it is not in the index."""
        with self._guarded():
            removed = self._store.delete([key_of(rid)])
        if not removed:
            raise KeyError(f"{rid!r} is not in the index")

    def expire(self, before: datetime) -> int:
        """Forget every dated article published before ``before``; returns how many went."""
        if before.tzinfo is None:
            before = before.replace(tzinfo=timezone.utc)
        with self._guarded():
            return self._store.delete(self._store.dated_before(before.timestamp()))

    def __len__(self) -> int:
        with self._guarded():
            return len(self._store)

    def __contains__(self, rid: object) -> bool:
        with self._guarded():
            return self._store.contains(key_of(rid))

    def ids(self) -> Iterator[Any]:
        """The ids of the indexed articles, in the order they were indexed."""
        with self._guarded():
            keys = [key for key, _ in self._store.items()]
        return (id_of(key) for key in keys)

    def stats(self) -> dict[str, Any]:
        """Counts and settings, for ``newsdedup index stats``."""
        with self._guarded():
            dates = [r.date for _, r in self._store.items() if not math.isnan(r.date)]
        span = (min(dates), max(dates)) if dates else ()
        iso = [datetime.fromtimestamp(d, timezone.utc).isoformat() for d in span]
        return {
            "articles": len(self),
            "dated": len(dates),
            "oldest": iso[0] if iso else None,
            "newest": iso[1] if iso else None,
            "storage": self.storage,
            "settings": self._settings(),
        }

    # --- checking --------------------------------------------------------------------------

    def _sign(self, valid: list[Valid]) -> tuple[Batch, list[str | None]]:
        signed = sign(self.config, [v.text for v in valid], [v.title for v in valid])
        numbers = signed.numbers or [np.zeros(0, np.uint32)] * len(valid)
        batch = Batch(
            keys=[key_of(v.id) for v in valid],
            signatures=signed.signatures,
            sizes=signed.sizes.astype(np.int64),
            numbers=numbers,
            dates=np.array([self._date(v) for v in valid], dtype=np.float64),
            digests=signed.digests,
        )
        return batch, signed.empty

    def _date(self, v: Valid) -> float:
        """The record's publication time, NaN when undated or too far in the future to be true."""
        ts = timestamp(v.published_at)
        if self.max_future is not None and ts > time.time() + self.max_future.total_seconds():
            _log.warning(
                "record %r: published_at %r is more than %s ahead of the clock; indexed undated",
                v.id,
                v.published_at,
                self.max_future,
            )
            return math.nan
        return ts

    def _run(
        self,
        records: Iterable[Record],
        *,
        start: int | None,
        overlay: MemoryStore | None,
        locations: Sequence[str] | None,
    ) -> Iterator[Outcome]:
        records = records_of(records, "NearDupIndex", columns=field_names(self.config.fields))
        cfg = self.config
        chunk: list[tuple[int, Record]] = []
        if start is None:
            start = self._given
        # One checker for the run: ids repeated anywhere in it are refused, as batch dedup does.
        checker = RecordChecker(
            cfg.fields, max_chars=cfg.max_chars, on_error=cfg.on_error, locations=locations, start=start
        )
        for i, item in enumerate(records, start):
            if overlay is None:
                with self._lock:
                    self._given = max(self._given, i + 1)
            chunk.append((i, item))
            if len(chunk) >= cfg.chunk_size:
                yield from self._chunk(chunk, overlay, checker)
                chunk = []
        if chunk:
            yield from self._chunk(chunk, overlay, checker)

    def _chunk(
        self, chunk: list[tuple[int, Record]], overlay: MemoryStore | None, checker: RecordChecker
    ) -> list[Outcome]:
        outcomes: list[Outcome | None] = [None] * len(chunk)
        valid: list[Valid] = []
        where: list[int] = []  # position in the chunk of each valid record
        for pos, (i, item) in enumerate(chunk):
            v = checker.check(i, item)
            if isinstance(v, Outcome):
                outcomes[pos] = v
                continue
            valid.append(v)
            where.append(pos)
        if valid:
            batch, empty = self._sign(valid)  # outside the lock: no shared state
            # One locked section from the id check to the insert: no other thread (the index's
            # lock) nor process sharing the store (its writers' lock) comes between.
            with self._guarded(), self._store.exclusive():
                decided = self._check_and_decide(batch, empty, overlay, checker, chunk, valid, where)
            for k, outcome in enumerate(decided):
                outcomes[where[k]] = outcome
        assert all(o is not None for o in outcomes), "every record has exactly one outcome"
        return outcomes  # type: ignore[return-value]

    def _check_and_decide(
        self,
        batch: Batch,
        empty: list[str | None],
        overlay: MemoryStore | None,
        checker: RecordChecker,
        chunk: list[tuple[int, Record]],
        valid: list[Valid],
        where: list[int],
    ) -> list[Outcome]:
        """The ids already indexed, then the decisions: one unit, under the writers' lock."""
        again = self._already_indexed(batch, overlay)
        for k, v in enumerate(valid):
            if again.get(k) is False:  # a bad record, checked before anything is stored
                reason = f"duplicate id {v.id!r} (already in the index, with another text)"
                empty[k] = empty[k] or checker.reject(v.index, chunk[where[k]][1], reason).reason
        # What cleaning empties is rejected, whatever on_error says (as in batch dedup).
        return self._decide(batch, empty, overlay, {k for k, same in again.items() if same})

    def _already_indexed(self, batch: Batch, overlay: MemoryStore | None) -> dict[int, bool]:
        """The records of ``batch`` whose id is indexed: True when with the same fingerprint
        (adding it again is a no-op: the documented retry after a failure), else False."""
        in_index = self._store.contains_many(batch.keys)
        if overlay is not None:
            in_index = [a or overlay.contains(k) for a, k in zip(in_index, batch.keys, strict=True)]
        there = [k for k, yes in enumerate(in_index) if yes]
        if not there:
            return {}
        keys = [batch.keys[k] for k in there]
        stored = {**self._store.fetch(keys), **(overlay.fetch(keys) if overlay is not None else {})}
        out = {}
        for k in there:
            found = stored.get(batch.keys[k])  # gone meanwhile (removed by another process): new again
            if found is not None:
                out[k] = found.digest == int(batch.digests[k]) != 0
        return out

    def _decide(
        self,
        batch: Batch,
        empty: list[str | None],
        overlay: MemoryStore | None,
        indexed: set[int] = frozenset(),
    ) -> list[Outcome]:
        """Greedy, in order: each record against the index and the records kept before it here.

        With an ``overlay``, kept records go there instead of into the index; ``indexed`` are
        records already in the index as they are (kept again, not stored twice).
        """
        store, cap = self._store, self.config.max_bucket
        n = len(batch.keys)
        bands = store.band_keys(batch.signatures)  # per record, one key per band: computed once
        stored, found = store.meet(batch.signatures, bands, cap)
        parts = [stored]
        if overlay is not None and len(overlay):  # its rows come after the index's
            more, rows = overlay.meet(batch.signatures, max_bucket=cap)
            found = [np.concatenate([a, b + len(stored.keys)]) for a, b in zip(found, rows, strict=True)]
            parts.append(more)
        watermark = store.watermark() if overlay is None else overlay.watermark()
        if overlay is not None and math.isnan(watermark):
            watermark = store.watermark()
        window = None if self.window is None else self.window.total_seconds()
        local: dict[tuple[int, bytes], list[int]] = {}  # (band, key) -> records kept in this chunk
        # Overlay records come after everything indexed.
        seqs = store.reserve(n) if overlay is None else overlay.reserve(n) + _OVERLAY_SEQ
        pool = Pool.of([*parts, Table.of_batch(batch, seqs)])
        start = pool.starts[-1]  # the chunk's own rows
        kept: list[int] = []
        outcomes: list[Outcome] = []
        for i in range(n):
            rid = id_of(batch.keys[i])
            if empty[i] is not None:
                outcomes.append(Outcome(rid, "rejected", reason=empty[i]))
                continue
            if i in indexed:
                outcomes.append(Outcome(rid, "kept", rid))
                continue
            if not math.isnan(batch.dates[i]):
                watermark = batch.dates[i] if math.isnan(watermark) else max(watermark, batch.dates[i])
            horizon = -math.inf if window is None or math.isnan(watermark) else watermark - window
            near = {j for b, key in enumerate(bands[i]) for j in _bucket(local.get((b, key), ()), cap)}
            rows = found[i]
            if near:
                rows = np.concatenate([rows, start + np.fromiter(near, np.int64, len(near))])
            rows = rows[~(pool.table.dates[rows] < horizon)]
            if len(rows):
                res, cont, ok = pool.scores(start + i, rows, self.config.verifier)
                if ok.any():  # the earliest indexed match
                    sel = np.flatnonzero(ok)
                    hit = int(sel[np.argmin(pool.table.seqs[rows[sel]])])
                    canon = id_of(pool.table.keys[rows[hit]])
                    outcomes.append(
                        Outcome(rid, "duplicate", canon, canon, float(res[hit]), float(cont[hit]))
                    )
                    continue
            outcomes.append(Outcome(rid, "kept", rid))
            kept.append(i)
            for b, key in enumerate(bands[i]):
                local.setdefault((b, key), []).append(i)
        target = store if overlay is None else overlay
        target.insert(batch, kept, seqs, bands if overlay is None else None)
        if window is not None and not math.isnan(watermark):
            target.set_watermark(watermark)
            target.delete(target.dated_before(watermark - window))
        return outcomes

    # --- persistence -----------------------------------------------------------------------

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the index to ``path`` (numpy arrays and JSON, no pickle), atomically."""
        with self._guarded():
            items, watermark = list(self._store.items()), self._store.watermark()
        write_index_file(
            path,
            items,
            num_perm=self.config.num_perm,
            settings=self._settings(),
            watermark=None if math.isnan(watermark) else watermark,
        )

    @classmethod
    @contextlib.contextmanager
    def updating(
        cls, path: str | os.PathLike[str], *, cleaner: Cleaner | None = None
    ) -> Iterator[NearDupIndex]:
        """Load the index at ``path`` under its lock, give it to the block, and save it back when
        the block ends without an error: concurrent updaters of one file never lose articles.

        >>> import tempfile, os
        >>> path = os.path.join(tempfile.mkdtemp(), "news.idx")
        >>> NearDupIndex().save(path)
        >>> with NearDupIndex.updating(path) as index:
        ...     _ = index.add("Storm hits the coast on Monday.")
        >>> len(NearDupIndex.load(path))
        1
        """
        with locked(path):
            index = cls.load(path, cleaner=cleaner)
            yield index
            index.save(path)

    @classmethod
    def connect(
        cls, storage: str, *, name: str = "newsdedup", cleaner: Cleaner | None = None
    ) -> NearDupIndex:
        """Open an existing shared (Redis) index with the settings it was made with (``cleaner``:
        the custom cleaner it was made with, if any)."""
        where, stored = connect_settings(storage, name)
        cfg, window = from_index_settings(stored, where, cleaner)
        return cls(cfg, window=window, storage=storage, name=name)

    @classmethod
    def load(
        cls,
        path: str | os.PathLike[str],
        *,
        storage: str | None = None,
        name: str = "newsdedup",
        cleaner: Cleaner | None = None,
    ) -> NearDupIndex:
        """Read an index :meth:`save` wrote; :class:`IndexFormatError` when it cannot be trusted.

        ``cleaner``: the custom cleaner the index was made with (refused when it is another).
        """
        where = str(path)
        meta, arrays = read_index_file(where)
        cfg, window = from_index_settings(meta["settings"], where, cleaner)
        n = len(meta["ids"])
        if arrays["signatures"].shape != (n, cfg.num_perm):
            shape = arrays["signatures"].shape
            raise IndexFormatError(where, f"signatures have shape {shape}, expected {(n, cfg.num_perm)}")
        index = cls(cfg, window=window, storage=storage, name=name)
        if len(index):
            raise IndexFormatError(
                where, f"the storage holds {len(index)} articles already; load into an empty one"
            )
        index._store.insert(to_batch(meta, arrays), list(range(n)), arrays["seqs"])
        index._store.reserve_after(int(arrays["seqs"].max()) + 1 if n else 0)
        if meta["watermark"] is not None:
            index._store.set_watermark(float(meta["watermark"]))
        return index
