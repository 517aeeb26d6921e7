"""The streaming index: check each new article against the ones before it (DESIGN decision 6).

:class:`NearDupIndex` holds the *kept* articles (the canonical copies) of a stream. ``add``
cleans, shingles and signs an article exactly as batch dedup does, asks datasketch's
``MinHashLSH`` for candidates, verifies them with the same scores and number check, and either
reports the earliest indexed article it duplicates or indexes it as kept. So a stream of records
added in order gets the outcomes ``dedup(records, keep="first")`` gives them (a test checks it):
in batch, a record is a duplicate of the earliest record of its cluster it matches, and that is
the earliest kept record it matches.

Storage is memory (datasketch's dict storage plus numpy arrays) or Redis (datasketch's Redis
storage plus one hash of packed records), so several processes can share one index. Records go
in and are looked up in batches: one pipelined round of Redis queries per chunk, not one per band.
Nothing is ever unpickled: Redis keys are bytes (``prepickle=False``), records are packed numpy
bytes, and :meth:`NearDupIndex.save` writes numpy arrays and JSON that :meth:`~NearDupIndex.load`
validates (format, version, shapes, checksum) before use.
"""

from __future__ import annotations

import contextlib
import hashlib
import heapq
import json
import math
import os
import struct
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import numpy as np

from ..clean import Cleaner
from ..io import InputError, InvalidRecord
from .batch import DedupConfig, Record, _id_of, _sign, _Valid, _validate
from .cluster import parse_date
from .lsh import BandIndex, band_params
from .outcome import Outcome
from .verify import containment, numbers_agree, resemblance

__all__ = ["FORMAT_VERSION", "IndexFormatError", "Match", "NearDupIndex", "redis_connection_kwargs", "stream"]

#: Version of the file :meth:`NearDupIndex.save` writes; a newer file is refused on load.
FORMAT_VERSION = 1
_FORMAT = "newsdedup-index"
_ARRAYS = ("seqs", "signatures", "sizes", "dates", "number_values", "number_offsets")

# Settings that decide what an index holds; an index is loaded or shared only with the same ones.
_INDEX_SETTINGS = (
    "threshold",
    "containment_threshold",
    "lsh_threshold",
    "num_perm",
    "ngram",
    "shingle",
    "seed",
    "weights",
    "min_number_overlap",
    "clean",
)


class IndexFormatError(ValueError):
    """An index file (or a shared index's settings) that cannot be used, and why."""

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(f"{where}: {reason}")
        self.where = where
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Match:
    """An indexed article a query resembles: its id, the scores, and whether they make a duplicate."""

    id: Any
    resemblance: float
    containment: float
    duplicate: bool


@dataclass
class _Batch:
    """Signed records of one chunk, aligned: what is needed to check and to store each."""

    keys: list[bytes]
    signatures: np.ndarray
    sizes: np.ndarray
    numbers: list[np.ndarray]
    dates: np.ndarray  # seconds since the epoch, NaN when undated

    def stored(self, i: int, seq: int) -> _Stored:
        return _Stored(
            self.keys[i],
            seq,
            np.asarray(self.signatures[i], dtype=np.uint32),
            int(self.sizes[i]),
            np.asarray(self.numbers[i], dtype=np.uint32),
            float(self.dates[i]),
        )


def _key(rid: Any) -> bytes:
    return json.dumps(rid, ensure_ascii=False).encode()


def _id(key: bytes) -> Any:
    return json.loads(key)


def _timestamp(value: Any) -> float:
    dt = parse_date(value)
    return math.nan if dt is None else dt.timestamp()


def _lean(signature: np.ndarray, seed: int) -> Any:
    from datasketch import LeanMinHash

    return LeanMinHash(seed=seed, hashvalues=signature, scheme="affine32")


class NearDupIndex:
    """Near-duplicate index of a stream of articles, in memory or shared through Redis.

    >>> index = NearDupIndex(threshold=0.5)
    >>> [index.add(t).status for t in ["Storm hits the coast on Monday.", "Storm hits the coast on Monday!"]]
    ['kept', 'duplicate']

    ``window`` (a timedelta) forgets articles published more than that before the newest date
    seen; ``storage`` is None (memory) or a Redis URL (``redis://host:port/db``,
    ``unix:///path/redis.sock?db=0``); ``name`` is the key prefix of a shared index. Other
    settings are :class:`DedupConfig`'s; ``keep`` is always arrival order ("first").
    """

    def __init__(
        self,
        config: DedupConfig | None = None,
        *,
        window: timedelta | None = None,
        storage: str | None = None,
        name: str = "newsdedup",
        cleaner: Cleaner | None = None,
        **settings: Any,
    ) -> None:
        if config is not None and settings:
            raise TypeError("give either a DedupConfig or keyword settings, not both")
        cfg = config or DedupConfig(**settings)
        if cfg.keep != "first":
            raise ValueError("a streaming index keeps the first copy it sees; keep must be 'first'")
        if window is not None and window <= timedelta(0):
            raise ValueError(f"window must be a positive timedelta, got {window}")
        self.config = cfg
        self.window = window
        self._given = 0  # records given to add so far: the position of the next one
        self.cleaner = (cleaner or Cleaner()) if cfg.clean else None
        self._store: _Store = (
            _MemoryStore(cfg) if storage is None else _RedisStore(storage, name, cfg, self._settings())
        )

    # --- settings --------------------------------------------------------------------------

    def _settings(self) -> dict[str, Any]:
        out = {f: getattr(self.config, f) for f in _INDEX_SETTINGS}
        out["weights"] = list(self.config.weights)
        out["disable"] = sorted(self.cleaner.options.disable) if self.cleaner is not None else []
        out["window_seconds"] = None if self.window is None else self.window.total_seconds()
        return out

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
        return self._run(records, start=start, overlay=_MemoryStore(self.config), locations=locations)

    def query(self, record: Record) -> list[Match]:
        """The indexed articles that ``record`` resembles, best first, without indexing it.

        Every LSH candidate is scored; ``Match.duplicate`` tells which ones pass the thresholds.
        """
        v = _validate(0, record, self.config.fields, self.config.max_chars)
        if isinstance(v, str):
            raise InputError("query", v)
        batch, reason = self._sign([v])
        if reason[0] is not None:
            raise InputError("query", reason[0])
        with self._store.errors():
            found = self._store.candidates(batch.signatures)[0]
            data = self._store.fetch(list(found)) if found else {}
        keys = list(found)
        if not keys:
            return []
        keys = [k for k in keys if k in data]
        res, cont, ok = self._score(batch, 0, [data[k] for k in keys])
        matches = [
            Match(_id(k), float(r), float(c), bool(d)) for k, r, c, d in zip(keys, res, cont, ok, strict=True)
        ]
        return sorted(matches, key=lambda m: (-m.resemblance, -m.containment, str(m.id)))

    def remove(self, rid: Any) -> None:
        """Forget an indexed article; KeyError when it is not in the index."""
        with self._store.errors():
            removed = self._store.delete([_key(rid)])
        if not removed:
            raise KeyError(f"{rid!r} is not in the index")

    def expire(self, before: datetime) -> int:
        """Forget every dated article published before ``before``; returns how many went."""
        if before.tzinfo is None:
            before = before.replace(tzinfo=timezone.utc)
        with self._store.errors():
            return self._store.delete(self._store.dated_before(before.timestamp()))

    def __len__(self) -> int:
        with self._store.errors():
            return len(self._store)

    def __contains__(self, rid: object) -> bool:
        with self._store.errors():
            return self._store.contains(_key(rid))

    def ids(self) -> Iterator[Any]:
        """The ids of the indexed articles, in the order they were indexed."""
        for key, _ in self._store.items():
            yield _id(key)

    def stats(self) -> dict[str, Any]:
        """Counts and settings, for ``newsdedup index stats``."""
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

    def _sign(self, valid: list[_Valid]) -> tuple[_Batch, list[str | None]]:
        cfg = self.config
        signed = _sign(self.cleaner, cfg, [v.text for v in valid], [v.title for v in valid])
        numbers = signed.numbers or [np.zeros(0, np.uint32)] * len(valid)
        batch = _Batch(
            keys=[_key(v.id) for v in valid],
            signatures=signed.signatures,
            sizes=signed.sizes.astype(np.int64),
            numbers=numbers,
            dates=np.array([_timestamp(v.published_at) for v in valid], dtype=np.float64),
        )
        return batch, signed.empty

    def _score(self, batch: _Batch, i: int, others: Sequence[_Stored]) -> tuple[np.ndarray, ...]:
        cfg = self.config
        sig = np.stack([o.signature for o in others])
        res = resemblance(sig, batch.signatures[i])
        cont = containment(res, np.array([o.size for o in others]), batch.sizes[i])
        ok = np.asarray(cfg.thresholds.passes(res, cont), dtype=bool)
        if cfg.min_number_overlap is not None and ok.any():
            values = [batch.numbers[i], *(o.numbers for o in others)]
            offsets = np.zeros(len(values) + 1, dtype=np.int64)
            np.cumsum([len(x) for x in values], out=offsets[1:])
            sel = np.flatnonzero(ok)
            pairs = np.stack([np.zeros_like(sel), sel + 1], axis=1)
            ok[sel] = numbers_agree(
                np.concatenate(values), offsets, pairs, min_overlap=cfg.min_number_overlap
            )
        return res, cont, ok

    def _run(
        self,
        records: Iterable[Record],
        *,
        start: int | None,
        overlay: _MemoryStore | None,
        locations: Sequence[str] | None,
    ) -> Iterator[Outcome]:
        cfg = self.config
        chunk: list[tuple[int, Record]] = []
        seen: dict[Any, int] = {}  # ids of this run, as batch dedup checks them
        if start is None:
            start = self._given
        for i, item in enumerate(records, start):
            if overlay is None:
                self._given = max(self._given, i + 1)
            chunk.append((i, item))
            if len(chunk) >= cfg.chunk_size:
                yield from self._chunk(chunk, overlay, locations, start, seen)
                chunk = []
        if chunk:
            yield from self._chunk(chunk, overlay, locations, start, seen)

    def _chunk(
        self,
        chunk: list[tuple[int, Record]],
        overlay: _MemoryStore | None,
        locations: Sequence[str] | None,
        start: int,
        seen: dict[Any, int],
    ) -> list[Outcome]:
        cfg = self.config

        def where_is(i: int, item: Record) -> str:
            if locations is not None:
                return locations[i - start]
            return item.location if isinstance(item, InvalidRecord) else f"record {i}"

        outcomes: list[Outcome | None] = [None] * len(chunk)
        valid: list[_Valid] = []
        where: list[int] = []  # position in the chunk of each valid record
        for pos, (i, item) in enumerate(chunk):
            v = _validate(i, item, cfg.fields, cfg.max_chars)
            if isinstance(v, _Valid) and v.id in seen:
                v = f"duplicate id {v.id!r} (first used by record {seen[v.id]})"
            if isinstance(v, str):
                if cfg.on_error == "raise":
                    raise InputError(where_is(i, item), v)
                outcomes[pos] = Outcome(_id_of(item, i, cfg.fields), "rejected", reason=v)
                continue
            seen[v.id] = i
            valid.append(v)
            where.append(pos)
        if valid:
            batch, empty = self._sign(valid)
            with self._store.errors():
                in_index = self._store.contains_many(batch.keys)
            if overlay is not None:
                in_index = [a or overlay.contains(k) for a, k in zip(in_index, batch.keys, strict=True)]
            for k, v in enumerate(valid):
                if empty[k] is None and in_index[k]:
                    empty[k] = f"duplicate id {v.id!r} (already in the index)"
            with self._store.errors():
                decided = self._decide(batch, empty, overlay)
            for k, outcome in enumerate(decided):
                if outcome.status == "rejected" and cfg.on_error == "raise":
                    raise InputError(where_is(valid[k].index, valid[k].text), outcome.reason or "")
                outcomes[where[k]] = outcome
        assert all(o is not None for o in outcomes), "every record has exactly one outcome"
        return outcomes  # type: ignore[return-value]

    def _decide(self, batch: _Batch, empty: list[str | None], overlay: _MemoryStore | None) -> list[Outcome]:
        """Greedy, in order: each record against the index and the records kept before it here.

        With an ``overlay``, kept records go there instead of into the index.
        """
        store = self._store
        n = len(batch.keys)
        bands = store.band_keys(batch.signatures)  # per record, one key per band: computed once
        found = store.candidates(batch.signatures, bands)
        data = store.fetch(sorted({k for f in found for k in f}))
        if overlay is not None and len(overlay):
            more = overlay.candidates(batch.signatures)
            data.update(overlay.fetch(sorted({k for f in more for k in f})))
            found = [a | b for a, b in zip(found, more, strict=True)]
        watermark = store.watermark() if overlay is None else overlay.watermark()
        if overlay is not None and math.isnan(watermark):
            watermark = store.watermark()
        window = None if self.window is None else self.window.total_seconds()
        local: dict[tuple[int, bytes], list[int]] = {}  # (band, key) -> records kept in this chunk
        # Overlay records come after everything indexed.
        seqs = store.reserve(n) if overlay is None else overlay.reserve(n) + _OVERLAY_SEQ
        kept: list[int] = []
        outcomes: list[Outcome] = []
        for i in range(n):
            rid = _id(batch.keys[i])
            if empty[i] is not None:
                outcomes.append(Outcome(rid, "rejected", reason=empty[i]))
                continue
            if not math.isnan(batch.dates[i]):
                watermark = batch.dates[i] if math.isnan(watermark) else max(watermark, batch.dates[i])
            horizon = -math.inf if window is None or math.isnan(watermark) else watermark - window
            others = [data[k] for k in found[i] if k in data]
            near = {j for b, key in enumerate(bands[i]) for j in local.get((b, key), ())}
            others += [batch.stored(j, int(seqs[j])) for j in sorted(near)]
            others = [o for o in others if not o.date < horizon]
            best: tuple[int, float, float, bytes] | None = None
            if others:
                res, cont, ok = self._score(batch, i, others)
                for o, r, c in zip(
                    (o for o, d in zip(others, ok, strict=True) if d), res[ok], cont[ok], strict=True
                ):
                    if best is None or o.seq < best[0]:
                        best = (o.seq, float(r), float(c), o.key)
            if best is not None:
                canon = _id(best[3])
                outcomes.append(Outcome(rid, "duplicate", canon, canon, best[1], best[2]))
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
        items = list(self._store.items())
        num_perm = self.config.num_perm
        arrays = {
            "seqs": np.array([r.seq for _, r in items], dtype=np.int64),
            "signatures": np.array([r.signature for _, r in items], dtype=np.uint32).reshape(-1, num_perm),
            "sizes": np.array([r.size for _, r in items], dtype=np.int64),
            "dates": np.array([r.date for _, r in items], dtype=np.float64),
            "number_values": np.concatenate([r.numbers for _, r in items]).astype(np.uint32)
            if items
            else np.zeros(0, np.uint32),
            "number_offsets": np.concatenate([[0], np.cumsum([len(r.numbers) for _, r in items])]).astype(
                np.int64
            ),
        }
        meta = {
            "format": _FORMAT,
            "version": FORMAT_VERSION,
            "settings": self._settings(),
            "watermark": None if math.isnan(self._store.watermark()) else self._store.watermark(),
            "ids": [_id(k) for k, _ in items],
            "checksum": _checksum(arrays),
        }
        target = Path(path)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        try:
            with tmp.open("wb") as f:
                np.savez(f, meta=np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8), **arrays)
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)

    @classmethod
    def connect(cls, storage: str, *, name: str = "newsdedup") -> NearDupIndex:
        """Open an existing shared (Redis) index with the settings it was made with."""
        import redis

        where = f"{_redact(storage)} {name!r}"
        try:
            raw = redis.Redis(**redis_connection_kwargs(storage)).get(name.encode() + b":settings")
        except redis.RedisError as e:
            raise ConnectionError(f"cannot reach Redis at {_redact(storage)}: {e}") from None
        if raw is None:
            raise IndexFormatError(where, "no such index (make one with NearDupIndex(storage=...))")
        try:
            settings = json.loads(raw)
        except ValueError:
            raise IndexFormatError(where, "the stored settings are not JSON") from None
        cfg, window, cleaner = _from_settings(settings, where)
        return cls(cfg, window=window, storage=storage, name=name, cleaner=cleaner)

    @classmethod
    def load(
        cls, path: str | os.PathLike[str], *, storage: str | None = None, name: str = "newsdedup"
    ) -> NearDupIndex:
        """Read an index :meth:`save` wrote; :class:`IndexFormatError` when it cannot be trusted."""
        where = str(path)
        meta, arrays = _read_index_file(where)
        cfg, window, cleaner = _from_settings(meta["settings"], where)
        n = len(meta["ids"])
        if arrays["signatures"].shape != (n, cfg.num_perm):
            shape = arrays["signatures"].shape
            raise IndexFormatError(where, f"signatures have shape {shape}, expected {(n, cfg.num_perm)}")
        index = cls(cfg, window=window, storage=storage, name=name, cleaner=cleaner)
        if len(index):
            raise IndexFormatError(
                where, f"the storage holds {len(index)} articles already; load into an empty one"
            )
        offsets = arrays["number_offsets"]
        batch = _Batch(
            keys=[_key(rid) for rid in meta["ids"]],
            signatures=arrays["signatures"],
            sizes=arrays["sizes"],
            numbers=[arrays["number_values"][offsets[i] : offsets[i + 1]] for i in range(n)],
            dates=arrays["dates"],
        )
        index._store.insert(batch, list(range(n)), arrays["seqs"])
        index._store.reserve_after(int(arrays["seqs"].max()) + 1 if n else 0)
        if meta["watermark"] is not None:
            index._store.set_watermark(float(meta["watermark"]))
        return index


def stream(
    records: Iterable[Record], *, window: timedelta | None = None, **settings: Any
) -> Iterator[tuple[Record, Outcome]]:
    """Deduplicate as records go by: yield each record with its outcome, a chunk at a time.

    Memory holds the signatures of the kept records (and one chunk), never the stream; the
    outcomes are those of ``dedup(records, keep="first")``. For any pipeline of iterables:

    >>> texts = ["Storm hits the coast on Monday.", "Storm hits the coast on Monday!"]
    >>> [outcome.status for _, outcome in stream(texts)]
    ['kept', 'duplicate']
    """
    index = NearDupIndex(window=window, **settings)
    chunk: list[Record] = []
    for record in records:
        chunk.append(record)
        if len(chunk) >= index.config.chunk_size:
            yield from zip(chunk, index.add_many(chunk), strict=True)
            chunk = []
    if chunk:
        yield from zip(chunk, index.add_many(chunk), strict=True)


def _from_settings(s: Mapping[str, Any], where: str) -> tuple[DedupConfig, timedelta | None, Cleaner | None]:
    """The config, window and cleaner that stored settings describe."""
    try:
        cfg = DedupConfig(**{k: (tuple(s[k]) if k == "weights" else s[k]) for k in _INDEX_SETTINGS})
        window = None if s["window_seconds"] is None else timedelta(seconds=s["window_seconds"])
        cleaner = Cleaner(disable=s["disable"]) if cfg.clean else None
    except (KeyError, TypeError, ValueError) as e:
        raise IndexFormatError(where, f"settings are not valid: {e}") from None
    return cfg, window, cleaner


def _checksum(arrays: Mapping[str, np.ndarray]) -> str:
    h = hashlib.sha256()
    for name in _ARRAYS:
        a = np.ascontiguousarray(arrays[name])
        h.update(f"{name}:{a.dtype.str}:{a.shape}".encode())
        h.update(a.tobytes())
    return h.hexdigest()


_DTYPES = {
    "seqs": np.int64,
    "signatures": np.uint32,
    "sizes": np.int64,
    "dates": np.float64,
    "number_values": np.uint32,
    "number_offsets": np.int64,
}


def _read_index_file(where: str) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """The metadata and arrays of an index file, each checked before anything uses them."""
    try:
        with np.load(where, allow_pickle=False) as z:
            names = set(z.files)
            missing = {"meta", *_ARRAYS} - names
            if missing:
                raise IndexFormatError(where, f"not a newsdedup index file (missing {sorted(missing)})")
            raw = z["meta"]
            arrays = {name: z[name] for name in _ARRAYS}
    except IndexFormatError:
        raise
    except FileNotFoundError:
        raise
    except (OSError, ValueError, zipfile.BadZipFile, EOFError, KeyError) as e:
        raise IndexFormatError(where, f"not a readable index file (corrupt or truncated?): {e}") from None
    try:
        if raw.dtype != np.uint8 or raw.ndim != 1:
            raise ValueError("metadata is not bytes")
        meta = json.loads(raw.tobytes().decode())
        if not isinstance(meta, dict):
            raise ValueError("metadata is not an object")
    except (ValueError, UnicodeDecodeError) as e:
        raise IndexFormatError(where, f"metadata is not valid JSON: {e}") from None
    if meta.get("format") != _FORMAT:
        raise IndexFormatError(where, "not a newsdedup index file")
    version = meta.get("version")
    if not isinstance(version, int) or version < 1:
        raise IndexFormatError(where, f"unknown format version {version!r}")
    if version > FORMAT_VERSION:
        raise IndexFormatError(
            where, f"written by a newer newsdedup (format {version}; this one reads up to {FORMAT_VERSION})"
        )
    for name, dtype in _DTYPES.items():
        if arrays[name].dtype != dtype:
            found = arrays[name].dtype
            raise IndexFormatError(where, f"array {name} has type {found}, expected {np.dtype(dtype)}")
    if not isinstance(meta.get("ids"), list) or not isinstance(meta.get("settings"), dict):
        raise IndexFormatError(where, "metadata lacks ids or settings")
    n = len(meta["ids"])
    shapes_ok = (
        arrays["seqs"].shape == (n,)
        and arrays["sizes"].shape == (n,)
        and arrays["dates"].shape == (n,)
        and arrays["number_offsets"].shape == (n + 1,)
        and arrays["signatures"].ndim == 2
        and arrays["signatures"].shape[0] == n
    )
    if not shapes_ok:
        raise IndexFormatError(where, "array shapes do not agree with the number of ids")
    offsets = arrays["number_offsets"]
    if offsets[0] != 0 or np.any(np.diff(offsets) < 0) or offsets[-1] != len(arrays["number_values"]):
        raise IndexFormatError(where, "number offsets are not consistent")
    if meta.get("checksum") != _checksum(arrays):
        raise IndexFormatError(where, "checksum mismatch: the file was changed or damaged")
    if len({json.dumps(i) for i in meta["ids"]}) != n or not all(
        isinstance(i, (str, int)) and not isinstance(i, bool) for i in meta["ids"]
    ):
        raise IndexFormatError(where, "ids must be distinct strings or integers")
    return meta, arrays


# --- storage ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Stored:
    """An indexed article as verification needs it."""

    key: bytes
    seq: int
    signature: np.ndarray
    size: int
    numbers: np.ndarray
    date: float


class _Store:
    """Where an index keeps its LSH tables and the records behind them."""

    num_perm: int

    # Implemented by each store.
    def describe(self) -> str: ...
    def __len__(self) -> int: ...
    def band_keys(self, signatures: np.ndarray) -> list[list[Any]]: ...
    def contains(self, key: bytes) -> bool: ...
    def contains_many(self, keys: list[bytes]) -> list[bool]: ...
    def candidates(
        self, signatures: np.ndarray, bands: list[list[Any]] | None = None
    ) -> list[set[bytes]]: ...
    def fetch(self, keys: Sequence[bytes]) -> dict[bytes, _Stored]: ...
    def insert(
        self, batch: _Batch, which: list[int], seqs: np.ndarray, bands: list[list[Any]] | None = None
    ) -> None: ...
    def delete(self, keys: Iterable[bytes]) -> int: ...
    def dated_before(self, ts: float) -> list[bytes]: ...
    def items(self) -> Iterator[tuple[bytes, _Stored]]: ...
    def reserve(self, n: int) -> np.ndarray: ...
    def reserve_after(self, seq: int) -> None: ...
    def watermark(self) -> float: ...
    def set_watermark(self, ts: float) -> None: ...

    def errors(self) -> contextlib.AbstractContextManager[None]:
        """Storage failures as the errors this library documents (Redis: ConnectionError)."""
        return contextlib.nullcontext()


class _MemoryStore(_Store):
    """Bucket tables in a :class:`~newsdedup.dedup.lsh.BandIndex`, records in numpy arrays by slot.

    The buckets are those of datasketch's ``MinHashLSH`` with the same band parameters (a test
    compares the candidates), held in about 0.5 KB per article instead of its dict storage's
    15 KB. Slots are never reused, so a removed article's slot simply stays empty.
    """

    def __init__(self, cfg: DedupConfig) -> None:
        b, r = band_params(cfg.lsh_threshold, cfg.num_perm, cfg.weights)
        self.num_perm = cfg.num_perm
        self.bands = BandIndex(b, r)
        self._slot_of: dict[bytes, int] = {}
        self._keys: list[bytes | None] = []
        self._numbers: list[np.ndarray | None] = []
        self._signatures = np.zeros((1024, cfg.num_perm), dtype=np.uint32)
        self._meta = np.zeros((1024, 3), dtype=np.float64)  # seq, size, date (exact below 2^53)
        self._dated: list[tuple[float, int, bytes]] = []  # a heap; stale entries are skipped
        self._next = 0
        self._watermark = math.nan

    def describe(self) -> str:
        return "memory"

    def __len__(self) -> int:
        return len(self._slot_of)

    def band_keys(self, signatures: np.ndarray) -> list[list[Any]]:
        return self.bands.keys(signatures).tolist()

    def contains(self, key: bytes) -> bool:
        return key in self._slot_of

    def contains_many(self, keys: list[bytes]) -> list[bool]:
        return [k in self._slot_of for k in keys]

    def candidates(self, signatures: np.ndarray, bands: list[list[Any]] | None = None) -> list[set[bytes]]:
        # ``bands`` (band_keys' lists) are not reused here: the numpy keys cost less than converting.
        if not self._slot_of:
            return [set() for _ in range(len(signatures))]
        keys = self._keys
        return [{keys[s] for s in found} for found in self.bands.query(signatures)]  # type: ignore[misc]

    def _stored(self, key: bytes, slot: int) -> _Stored:
        seq, size, date = self._meta[slot].tolist()
        return _Stored(key, int(seq), self._signatures[slot], int(size), self._numbers[slot], date)  # type: ignore[arg-type]

    def fetch(self, keys: Sequence[bytes]) -> dict[bytes, _Stored]:
        slot_of = self._slot_of
        return {k: self._stored(k, slot_of[k]) for k in keys if k in slot_of}

    def insert(
        self, batch: _Batch, which: list[int], seqs: np.ndarray, bands: list[list[Any]] | None = None
    ) -> None:
        if not which:
            return
        first = len(self._keys)
        slots = list(range(first, first + len(which)))
        need = first + len(which)
        if need > len(self._signatures):
            grow = max(need, 2 * len(self._signatures))
            self._signatures = np.resize(self._signatures, (grow, self.num_perm))
            self._meta = np.resize(self._meta, (grow, 3))
        rows = np.asarray(which)
        self._signatures[first:need] = batch.signatures[rows]
        self._meta[first:need, 0] = seqs[rows]
        self._meta[first:need, 1] = batch.sizes[rows]
        self._meta[first:need, 2] = batch.dates[rows]
        for slot, i in zip(slots, which, strict=True):
            key = batch.keys[i]
            self._slot_of[key] = slot
            self._keys.append(key)
            self._numbers.append(np.asarray(batch.numbers[i], dtype=np.uint32))
            if not math.isnan(batch.dates[i]):
                heapq.heappush(self._dated, (float(batch.dates[i]), int(seqs[i]), key))
        self.bands.add(slots, batch.signatures[rows])

    def delete(self, keys: Iterable[bytes]) -> int:
        n = 0
        for key in keys:
            slot = self._slot_of.pop(key, None)
            if slot is not None:
                self.bands.remove(slot)
                self._keys[slot] = None
                self._numbers[slot] = None
                n += 1
        if len(self._keys) - len(self._slot_of) > max(4096, len(self._slot_of)):
            self._compact()
        return n

    def _compact(self) -> None:
        """Renumber the live articles into fresh arrays, so that a windowed stream stays bounded."""
        live = sorted(self._slot_of.values())
        rows = np.asarray(live, dtype=np.int64)
        self._signatures = self._signatures[rows].copy()
        self._meta = self._meta[rows].copy()
        self._keys = [self._keys[s] for s in live]
        self._numbers = [self._numbers[s] for s in live]
        self._slot_of = {k: i for i, k in enumerate(self._keys)}  # type: ignore[misc]
        self.bands = BandIndex(self.bands.b, self.bands.r)
        self.bands.add(list(range(len(live))), self._signatures)

    def dated_before(self, ts: float) -> list[bytes]:
        out = []
        while self._dated and self._dated[0][0] < ts:
            _, seq, key = heapq.heappop(self._dated)
            slot = self._slot_of.get(key)
            if slot is not None and int(self._meta[slot, 0]) == seq:
                out.append(key)
        return out

    def items(self) -> Iterator[tuple[bytes, _Stored]]:
        for key, slot in sorted(self._slot_of.items(), key=lambda kv: self._meta[kv[1], 0]):
            yield key, self._stored(key, slot)

    def reserve(self, n: int) -> np.ndarray:
        out = np.arange(self._next, self._next + n, dtype=np.int64)
        self._next += n
        return out

    def reserve_after(self, seq: int) -> None:
        self._next = max(self._next, seq)

    def watermark(self) -> float:
        return self._watermark

    def set_watermark(self, ts: float) -> None:
        self._watermark = ts if math.isnan(self._watermark) else max(self._watermark, ts)


_OVERLAY_SEQ = 1 << 62

# Articles per Redis script call: each call is atomic, so it blocks other clients while it runs.
_SCRIPT_SLICE = 500

# datasketch's Redis layout (storage.RedisSetStorage / RedisListStorage): a bucket table is a hash
# H -> table..H and a set table..H of keys; the keys table is a hash key -> keys..key and a list
# keys..key of the key's bucket H values, band by band.
_INSERT_LUA = """
local b = tonumber(ARGV[1])
local n = tonumber(ARGV[2])
local pos = 3 + b
for _ = 1, n do
  local key, raw, date = ARGV[pos], ARGV[pos + 1], ARGV[pos + 2]
  pos = pos + 3
  redis.call('HSET', KEYS[1], key, raw)
  if date ~= '' then redis.call('ZADD', KEYS[2], date, key) end
  local listed = KEYS[3] .. key
  redis.call('HSET', KEYS[3], key, listed)
  redis.call('DEL', listed)
  for i = 1, b do
    local table, h = ARGV[2 + i], ARGV[pos]
    pos = pos + 1
    redis.call('HSET', table, h, table .. h)
    redis.call('SADD', table .. h, key)
    redis.call('RPUSH', listed, h)
  end
end
return n
"""

_QUERY_LUA = """
local b = tonumber(ARGV[1])
local n = tonumber(ARGV[2])
local pos = 3 + b
local out = {}
for a = 1, n do
  local seen, found = {}, {}
  for i = 1, b do
    for _, key in ipairs(redis.call('SMEMBERS', ARGV[2 + i] .. ARGV[pos])) do
      if not seen[key] then
        seen[key] = true
        found[#found + 1] = key
      end
    end
    pos = pos + 1
  end
  out[a] = found
end
return out
"""

# A packed record: seq, size, date, count of numbers; then the signature and the numbers.
_HEADER = struct.Struct("<qqdI")


def redis_connection_kwargs(url: str) -> dict[str, Any]:
    """``redis.Redis(**kwargs)`` for a URL; the password may also come from ``REDIS_PASSWORD``."""
    try:
        from redis.connection import parse_url
    except ImportError:
        raise ImportError("a Redis index needs the redis package: pip install 'newsdedup[redis]'") from None
    try:
        kwargs = parse_url(url)
    except ValueError as e:
        raise ValueError(f"not a Redis URL ({e}); use redis://host:port/db or unix:///path.sock") from None
    if "path" in kwargs:
        kwargs["unix_socket_path"] = kwargs.pop("path")
        kwargs.pop("connection_class", None)
    if kwargs.get("password") is None and os.environ.get("REDIS_PASSWORD"):
        kwargs["password"] = os.environ["REDIS_PASSWORD"]
    return kwargs


def _redact(url: str) -> str:
    """The URL with any password replaced, fit to print."""
    head, sep, rest = url.partition("://")
    if "@" not in rest:
        return url
    auth, _, host = rest.rpartition("@")
    user = auth.split(":", 1)[0] if ":" in auth else ""
    return f"{head}{sep}{user}:***@{host}"


class _RedisStore(_Store):
    """datasketch's Redis storage for the LSH tables; one hash of packed records beside it."""

    def __init__(self, url: str, name: str, cfg: DedupConfig, settings: dict[str, Any]) -> None:
        import redis

        kwargs = redis_connection_kwargs(url)
        self._url = _redact(url)
        self._name = name.encode()
        self._redis = redis.Redis(**kwargs)
        try:
            stored = self._redis.get(self._name + b":settings")
        except redis.RedisError as e:
            raise ConnectionError(f"cannot reach Redis at {self._url}: {e}") from None
        wanted = json.dumps(settings, sort_keys=True)
        if stored is None:
            self._redis.set(self._name + b":settings", wanted, nx=True)
            stored = self._redis.get(self._name + b":settings")
        if stored is not None and json.loads(stored) != json.loads(wanted):
            raise IndexFormatError(
                f"{self._url} {name!r}",
                f"the shared index was made with other settings ({stored.decode()}); use the same ones "
                "or another name",
            )
        from datasketch import MinHashLSH

        self.lsh = MinHashLSH(
            threshold=cfg.lsh_threshold,
            num_perm=cfg.num_perm,
            weights=cfg.weights,
            storage_config={"type": "redis", "basename": self._name, "redis": kwargs},
            prepickle=False,
        )
        self.seed = cfg.seed
        self.num_perm = cfg.num_perm
        # The bucket keys are the bytes of the hash values as datasketch holds them.
        self._dtype = _lean(np.zeros(cfg.num_perm, dtype=np.uint32), cfg.seed).hashvalues.dtype
        self._records_key = self._name + b":records"
        self._dates_key = self._name + b":dates"
        self._tables = [t._name for t in self.lsh.hashtables]
        self._keys_table = self.lsh.keys._name
        self._insert_script = self._redis.register_script(_INSERT_LUA)
        self._query_script = self._redis.register_script(_QUERY_LUA)

    def describe(self) -> str:
        return self._url

    def band_keys(self, signatures: np.ndarray) -> list[list[Any]]:
        """datasketch's bucket key of each band of each signature."""
        h = self.lsh._H
        rows = signatures.astype(self._dtype, copy=False)
        return [[h(row[a:b]) for a, b in self.lsh.hashranges] for row in rows]

    def __len__(self) -> int:
        return int(self._redis.hlen(self._records_key))

    def contains(self, key: bytes) -> bool:
        return bool(self._redis.hexists(self._records_key, key))

    def contains_many(self, keys: list[bytes]) -> list[bool]:
        if not keys:
            return []
        pipe = self._redis.pipeline(transaction=False)
        for k in keys:
            pipe.hexists(self._records_key, k)
        return [bool(x) for x in pipe.execute()]

    def candidates(self, signatures: np.ndarray, bands: list[list[Any]] | None = None) -> list[set[bytes]]:
        # One script call per slice of the chunk; MinHashLSH.query makes one round trip per band.
        if bands is None:
            bands = self.band_keys(signatures)
        out: list[set[bytes]] = []
        for lo in range(0, len(bands), _SCRIPT_SLICE):
            part = bands[lo : lo + _SCRIPT_SLICE]
            found = self._query_script(
                args=[len(self._tables), len(part), *self._tables, *(h for row in part for h in row)]
            )
            out.extend(set(f) for f in found)
        return out

    def fetch(self, keys: Sequence[bytes]) -> dict[bytes, _Stored]:
        if not keys:
            return {}
        out = {}
        for key, raw in zip(keys, self._redis.hmget(self._records_key, list(keys)), strict=True):
            if raw is not None:
                out[key] = self._unpack(key, raw)
        return out

    def _unpack(self, key: bytes, raw: bytes) -> _Stored:
        """A stored record, checked: a value written by anything else is refused, never run."""
        size_ok = len(raw) >= _HEADER.size and (len(raw) - _HEADER.size) % 4 == 0
        seq, size, date, count = _HEADER.unpack_from(raw) if size_ok else (0, 0, 0.0, -1)
        body = np.frombuffer(raw, dtype=np.uint32, offset=_HEADER.size) if size_ok else np.zeros(0, np.uint32)
        if len(body) != self.num_perm + count:
            raise IndexFormatError(f"{self._url} {self._name.decode()!r}", f"record {key!r} is damaged")
        return _Stored(key, seq, body[: self.num_perm], size, body[self.num_perm :], date)

    @contextlib.contextmanager
    def errors(self) -> Iterator[None]:
        import redis

        try:
            yield
        except redis.RedisError as e:
            raise ConnectionError(
                f"Redis at {self._url} failed ({type(e).__name__}: {e}). Articles go in whole, "
                f"{_SCRIPT_SLICE} at a time: adding the same records again completes the index"
            ) from None

    def insert(
        self, batch: _Batch, which: list[int], seqs: np.ndarray, bands: list[list[Any]] | None = None
    ) -> None:
        # Each slice goes in as one script, so a record and its LSH entries are written together or
        # not at all (a script is atomic in Redis); the layout is datasketch's own, so a
        # MinHashLSH with the same basename finds what was inserted here.
        if bands is None:
            bands = self.band_keys(batch.signatures)
        chosen = [bands[i] for i in which]
        for lo in range(0, len(which), _SCRIPT_SLICE):
            args: list[Any] = [len(self._tables), len(which[lo : lo + _SCRIPT_SLICE]), *self._tables]
            for i, hs in zip(which[lo : lo + _SCRIPT_SLICE], chosen[lo : lo + _SCRIPT_SLICE], strict=True):
                numbers = np.asarray(batch.numbers[i], dtype=np.uint32)
                raw = _HEADER.pack(int(seqs[i]), int(batch.sizes[i]), float(batch.dates[i]), len(numbers))
                raw += np.asarray(batch.signatures[i], dtype=np.uint32).tobytes() + numbers.tobytes()
                date = "" if math.isnan(batch.dates[i]) else repr(float(batch.dates[i]))
                args += [batch.keys[i], raw, date, *hs]
            self._insert_script(keys=[self._records_key, self._dates_key, self._keys_table], args=args)

    def delete(self, keys: Iterable[bytes]) -> int:
        wanted = list(keys)
        keys = [k for k, there in zip(wanted, self.contains_many(wanted), strict=True) if there]
        if not keys:
            return 0
        with self.lsh.deletion_session() as session:
            for key in keys:
                if key in self.lsh.keys:
                    session.remove(key)
        pipe = self._redis.pipeline(transaction=False)
        pipe.hdel(self._records_key, *keys)
        pipe.zrem(self._dates_key, *keys)
        pipe.execute()
        return len(keys)

    def dated_before(self, ts: float) -> list[bytes]:
        return list(self._redis.zrangebyscore(self._dates_key, "-inf", f"({float(ts)!r}"))

    def items(self) -> Iterator[tuple[bytes, _Stored]]:
        stored = [self._unpack(k, v) for k, v in self._redis.hscan_iter(self._records_key)]
        for r in sorted(stored, key=lambda r: r.seq):
            yield r.key, r

    def reserve(self, n: int) -> np.ndarray:
        end = int(self._redis.incrby(self._name + b":seq", n))
        return np.arange(end - n, end, dtype=np.int64)

    def reserve_after(self, seq: int) -> None:
        current = int(self._redis.get(self._name + b":seq") or 0)
        if current < seq:
            self._redis.incrby(self._name + b":seq", seq - current)

    def watermark(self) -> float:
        raw = self._redis.get(self._name + b":watermark")
        return math.nan if raw is None else float(raw)

    def set_watermark(self, ts: float) -> None:
        # Only ever moves forward, whichever process writes last.
        self._redis.eval(
            "local c = redis.call('GET', KEYS[1]); "
            "if (not c) or tonumber(c) < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1]) end",
            1,
            self._name + b":watermark",
            repr(float(ts)),
        )

    def drop(self) -> None:
        """Delete every key of this index from Redis."""
        keys = list(self._redis.scan_iter(match=self._name + b"[:_]*"))
        if keys:
            self._redis.delete(*keys)
