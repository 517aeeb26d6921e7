"""Batch deduplication of a whole corpus: records in, one :class:`Outcome` per record out.

The stages follow DESIGN.md: read and validate each record, clean it, shingle and sign the
fingerprints in numpy, band them into candidate pairs, verify each pair's scores, cluster the
verified pairs without chaining, and give every input record exactly one outcome, in order.
"""

from __future__ import annotations

import sys
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from ..clean import Cleaner
from ..io import Fields, InputError, InvalidRecord, describe, text_problem, too_long
from .cluster import Member, Policy, assign_clusters, parse_date
from .lsh import band_params, candidate_pairs
from .outcome import Outcome
from .shingles import Kind, shingle_batch
from .signatures import signatures_from_shingles
from .verify import Thresholds, containment, number_hashes, numbers_agree, resemblance, score_pairs

__all__ = ["DedupConfig", "Deduplicator", "dedup"]

Record = str | Mapping[str, Any] | InvalidRecord
OnError = Literal["raise", "skip"]


@dataclass(frozen=True)
class DedupConfig:
    """Settings of a dedup run. See the README's "Choosing settings" for what each one trades.

    ``threshold``: resemblance (estimated Jaccard of shingle sets) at which two texts are
    duplicates; ``containment_threshold``: share of the smaller text's shingles found in the
    larger one at which they are duplicates too (truncated or extended copies), None to turn off;
    ``lsh_threshold``: where LSH banding is tuned to propose candidates (below both, so that
    truncated copies are proposed); ``min_number_overlap``: when both texts carry three or more
    distinct numbers, the share of the smaller set of numbers the other must contain (templated
    reports differ in their numbers, copies keep them), None to turn off; ``keep``: which member
    of a cluster is canonical.
    """

    threshold: float = 0.4
    containment_threshold: float | None = 0.7
    lsh_threshold: float = 0.2
    num_perm: int = 128
    ngram: int = 5
    shingle: Kind = "word"
    seed: int = 1
    weights: tuple[float, float] = (0.5, 0.5)
    max_bucket: int | None = 1000
    keep: Policy = "first"
    clean: bool = True
    fields: Fields = field(default_factory=Fields)
    on_error: OnError = "raise"
    min_number_overlap: float | None = 0.5
    workers: int = 1
    chunk_size: int = 5000
    max_chars: int = 5_000_000

    def __post_init__(self) -> None:
        Thresholds(self.threshold, self.containment_threshold)  # validates both
        if not 0.0 < self.lsh_threshold <= 1.0:
            raise ValueError(f"lsh_threshold must be in (0, 1], got {self.lsh_threshold}")
        if self.num_perm < 2:
            raise ValueError(f"num_perm must be >= 2, got {self.num_perm}")
        if self.ngram < 1:
            raise ValueError(f"ngram must be >= 1, got {self.ngram}")
        if self.max_chars < 1:
            raise ValueError(f"max_chars must be >= 1, got {self.max_chars}")
        if self.workers < 1 or self.chunk_size < 1:
            raise ValueError("workers and chunk_size must be >= 1")
        if self.on_error not in ("raise", "skip"):
            raise ValueError(f"on_error must be 'raise' or 'skip', got {self.on_error!r}")

    @property
    def thresholds(self) -> Thresholds:
        return Thresholds(self.threshold, self.containment_threshold)


@dataclass
class _Valid:
    """A record that passed validation, with what dedup needs of it."""

    index: int
    id: Any
    text: str
    title: str | None
    source: str | None
    published_at: Any


def _is_id(value: object) -> bool:
    return isinstance(value, (str, int)) and not isinstance(value, bool)


def _validate(index: int, item: Record, fields: Fields, max_chars: int | None = None) -> _Valid | str:
    """The record's fields, or the reason it cannot be compared."""
    if isinstance(item, InvalidRecord):
        return item.reason
    if isinstance(item, str):
        if max_chars is not None and len(item) > max_chars:
            return too_long(len(item), max_chars)
        return _Valid(index, index, item, None, None, None) if item.strip() else "empty text"
    if not isinstance(item, Mapping):
        return f"record is {describe(item)}, not a str or a mapping"
    rid = item.get(fields.id)
    if rid is None:
        rid = index
    elif not _is_id(rid):
        return f"id field {fields.id!r} is {describe(rid)}, not a string or integer"
    problem = text_problem(item, fields)
    if problem is not None:
        return problem
    text = item[fields.text]
    if max_chars is not None and len(text) > max_chars:
        return too_long(len(text), max_chars)
    if not text.strip():
        return "empty text"
    title = item.get(fields.title)
    source = item.get(fields.source)
    return _Valid(
        index,
        rid,
        text,
        title if isinstance(title, str) else None,
        source if isinstance(source, str) else None,
        item.get(fields.date),
    )


@dataclass(frozen=True)
class _Signed:
    """What a worker returns for a chunk of valid records (arrays aligned with the chunk)."""

    signatures: np.ndarray  # uint32 (n, num_perm); rows of rejected records are unused
    sizes: np.ndarray  # distinct shingles per record
    lengths: list[int]  # characters of clean text
    agencies: list[str | None]  # first wire agency the cleaner found
    empty: list[str | None]  # why a record has nothing to compare, or None
    numbers: list[np.ndarray]  # sorted distinct number hashes per record


_NO_WORDS = "no letters or digits to compare"


def _sign(cleaner: Cleaner | None, cfg: DedupConfig, texts: list[str], titles: list[str | None]) -> _Signed:
    """Clean, shingle and sign one chunk: the part of a run that parallelises."""
    fingerprints: list[str] = []
    lengths: list[int] = []
    agencies: list[str | None] = []
    empty: list[str | None] = []
    for text, title in zip(texts, titles, strict=True):
        reason = None
        if cleaner is not None:
            result = cleaner.clean(text, title)
            fp = result.fingerprint
            lengths.append(len(result.text))
            agencies.append(result.meta.agencies[0] if result.meta.agencies else None)
            if not fp:
                removed = ", ".join(sorted(result.rules()))
                reason = f"no text left after cleaning (removed by {removed})" if removed else _NO_WORDS
        else:
            fp = text
            lengths.append(len(text))
            agencies.append(None)
            reason = None if fp.strip() else _NO_WORDS
        fingerprints.append(fp)
        empty.append(reason)
    batch = shingle_batch(fingerprints, cfg.ngram, cfg.shingle)
    sig = signatures_from_shingles(batch, num_perm=cfg.num_perm, seed=cfg.seed)
    numbers = [number_hashes(fp) for fp in fingerprints] if cfg.min_number_overlap is not None else []
    return _Signed(sig, batch.set_sizes().astype(np.int32), lengths, agencies, empty, numbers)


# Worker-process state, set once per worker by _init_worker (a Cleaner is cheap to rebuild).
_WORKER: tuple[Cleaner | None, DedupConfig] | None = None


def _init_worker(disable: frozenset[str], clean: bool, cfg: DedupConfig) -> None:
    global _WORKER
    _WORKER = (Cleaner(disable=disable) if clean else None, cfg)


def _sign_in_worker(texts: list[str], titles: list[str | None]) -> _Signed:
    assert _WORKER is not None
    return _sign(_WORKER[0], _WORKER[1], texts, titles)


class Deduplicator:
    """Batch near-duplicate detection with a fixed configuration.

    Records are read as a stream, in chunks of ``chunk_size``; each chunk is cleaned, shingled
    and signed (in ``workers`` processes when more than one), and only its signatures, set
    sizes and the few fields policies need are kept: no text stays in memory.

    >>> d = Deduplicator(threshold=0.5)
    >>> text = "the storm hit the coast on monday night"
    >>> [o.status for o in d.run([text, text + "!"])]
    ['kept', 'duplicate']
    """

    def __init__(
        self, config: DedupConfig | None = None, *, cleaner: Cleaner | None = None, **settings: Any
    ) -> None:
        if config is not None and settings:
            raise TypeError("give either a DedupConfig or keyword settings, not both")
        self.config = config or DedupConfig(**settings)
        self.cleaner = cleaner or Cleaner()

    def run(
        self, records: Iterable[Record], *, progress: bool = False, locations: Sequence[str] | None = None
    ) -> list[Outcome]:
        """One outcome per record, in input order.

        ``locations`` names where each record came from ("news.jsonl:12"), for error messages;
        without it a record is named by its position ("record 11").
        """
        cfg = self.config
        ids: list[Any] = []  # per input record
        rejected: dict[int, str] = {}
        seen_ids: dict[Any, int] = {}
        members: list[Member] = []  # per signed record, in input order
        sig_parts: list[np.ndarray] = []
        size_parts: list[np.ndarray] = []
        number_parts: list[np.ndarray] = []
        chunk: list[_Valid] = []
        bar = _progress_bar(progress)

        def collect(valid: list[_Valid], signed: _Signed) -> None:
            ok = [k for k, reason in enumerate(signed.empty) if reason is None]
            for k, reason in enumerate(signed.empty):
                if reason is not None:
                    rejected[valid[k].index] = reason
            for k in ok:
                v = valid[k]
                source = v.source or signed.agencies[k]
                members.append(Member(v.index, v.id, source, parse_date(v.published_at), signed.lengths[k]))
            sig_parts.append(signed.signatures[ok])
            size_parts.append(signed.sizes[ok])
            if signed.numbers:
                number_parts.extend(signed.numbers[k] for k in ok)
            if bar is not None:
                bar.update(len(valid))

        with _Signer(self, cfg) as signer:
            for i, item in enumerate(records):
                v = _validate(i, item, cfg.fields, cfg.max_chars)
                if isinstance(v, _Valid) and v.id in seen_ids:
                    v = f"duplicate id {v.id!r} (first used by record {seen_ids[v.id]})"
                if isinstance(v, str):
                    if cfg.on_error == "raise":
                        if locations is not None:
                            location = locations[i]
                        else:
                            location = item.location if isinstance(item, InvalidRecord) else f"record {i}"
                        raise InputError(location, v)
                    rejected[i] = v
                    ids.append(_id_of(item, i, cfg.fields))
                    continue
                seen_ids[v.id] = i
                ids.append(v.id)
                chunk.append(v)
                if len(chunk) >= cfg.chunk_size:
                    for done in signer.submit(chunk):
                        collect(*done)
                    chunk = []
            for done in signer.finish(chunk):
                collect(*done)
        if bar is not None:
            bar.close()

        duplicates: dict[int, tuple[int, float, float]] = {}
        if members:
            sig = _drain(sig_parts)
            sizes = _drain(size_parts)
            counts = np.fromiter((len(x) for x in number_parts), dtype=np.int64, count=len(number_parts))
            numbers = (np.concatenate(number_parts) if number_parts else np.zeros(0, np.uint32), counts)
            number_parts.clear()
            duplicates = self._cluster(sig, sizes, numbers, members)
            del sig, sizes, numbers
        outcomes: list[Outcome | None] = [None] * len(ids)
        for local, m in enumerate(members):
            if local in duplicates:
                c, res, cont = duplicates[local]
                canon = members[c].id
                outcomes[m.index] = Outcome(m.id, "duplicate", canon, canon, res, cont)
            else:
                outcomes[m.index] = Outcome(m.id, "kept", m.id)
        for i, reason in rejected.items():
            outcomes[i] = Outcome(ids[i], "rejected", reason=reason)
        assert all(o is not None for o in outcomes), "every record has exactly one outcome"
        return outcomes  # type: ignore[return-value]

    def _cluster(
        self,
        sig: np.ndarray,
        sizes: np.ndarray,
        numbers: tuple[np.ndarray, np.ndarray],
        members: list[Member],
    ) -> dict[int, tuple[int, float, float]]:
        cfg = self.config
        b, r = band_params(cfg.lsh_threshold, cfg.num_perm, cfg.weights)
        pairs = candidate_pairs(sig, b, r, max_bucket=cfg.max_bucket)
        return cluster_candidates(cfg, sig, sizes, numbers, members, pairs)


def pair_verifier(
    cfg: DedupConfig, numbers: tuple[np.ndarray, np.ndarray]
) -> Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]:
    """``verify(pairs, resemblance, containment) -> is_duplicate`` for documents whose sorted number
    hashes are ``numbers`` (all values, count per document): the thresholds, then the number check."""
    values, counts = numbers
    offsets = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])

    def verify(pairs: np.ndarray, res: np.ndarray, cont: np.ndarray) -> np.ndarray:
        ok = np.asarray(cfg.thresholds.passes(res, cont), dtype=bool)
        if cfg.min_number_overlap is not None and ok.any():
            sel = np.flatnonzero(ok)
            ok[sel] = numbers_agree(values, offsets, pairs[sel], min_overlap=cfg.min_number_overlap)
        return ok

    return verify


def cluster_candidates(
    cfg: DedupConfig,
    sig: np.ndarray,
    sizes: np.ndarray,
    numbers: tuple[np.ndarray, np.ndarray],
    members: Sequence[Member],
    pairs: np.ndarray,
) -> dict[int, tuple[int, float, float]]:
    """Verify candidate ``pairs`` of local documents and cluster them without chaining: for each
    duplicate's local position, ``(canonical position, resemblance, containment)``. Shared by
    batch runs and the distributed path, so both decide the same way."""
    verify = pair_verifier(cfg, numbers)
    res, cont = score_pairs(sig, sizes, pairs)
    verified = pairs[verify(pairs, res, cont)] if len(pairs) else pairs

    def match(c: int, others: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        r_ = resemblance(sig[others], sig[c])
        c_ = containment(r_, sizes[others], sizes[c])
        return r_, c_, verify(np.stack([others, np.full_like(others, c)], axis=1), r_, c_)

    return assign_clusters(members, verified, match, cfg.keep)


def _drain(parts: list[np.ndarray]) -> np.ndarray:
    """Concatenate ``parts`` into one array, freeing each part once copied (peak: one copy)."""
    total = sum(len(p) for p in parts)
    out = np.empty((total, *parts[0].shape[1:]), dtype=parts[0].dtype)
    pos = 0
    parts.reverse()
    while parts:
        part = parts.pop()
        out[pos : pos + len(part)] = part
        pos += len(part)
    return out


def _progress_bar(progress: bool) -> Any:
    if not progress:
        return None
    from tqdm import tqdm

    return tqdm(desc="cleaning and signing", unit="doc", leave=False)


class _Signer:
    """Signs chunks in this process, or in a pool of worker processes with a bounded backlog;
    either way results come back in submission order, so output never depends on ``workers``."""

    def __init__(self, dedup: Deduplicator, cfg: DedupConfig) -> None:
        self.cleaner = dedup.cleaner if cfg.clean else None
        self.cfg = cfg
        self.pool: Any = None
        self.pending: deque[tuple[list[_Valid], Any]] = deque()
        if cfg.workers > 1:
            import multiprocessing

            ctx = multiprocessing.get_context("spawn" if sys.platform == "darwin" else None)
            self.pool = ctx.Pool(cfg.workers, _init_worker, (dedup.cleaner.options.disable, cfg.clean, cfg))

    def __enter__(self) -> _Signer:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()

    def submit(self, chunk: list[_Valid]) -> list[tuple[list[_Valid], _Signed]]:
        texts, titles = [v.text for v in chunk], [v.title for v in chunk]
        if self.pool is None:
            return [(chunk, _sign(self.cleaner, self.cfg, texts, titles))]
        self.pending.append((chunk, self.pool.apply_async(_sign_in_worker, (texts, titles))))
        done = []
        while len(self.pending) > 2 * self.cfg.workers:  # bound the texts held in flight
            c, result = self.pending.popleft()
            done.append((c, result.get()))
        return done

    def finish(self, chunk: list[_Valid]) -> list[tuple[list[_Valid], _Signed]]:
        done = self.submit(chunk) if chunk else []
        while self.pending:
            c, result = self.pending.popleft()
            done.append((c, result.get()))
        return done


def _id_of(item: Record, index: int, fields: Fields) -> Any:
    if isinstance(item, Mapping):
        rid = item.get(fields.id)
        if _is_id(rid):
            return rid
    return index


def dedup(
    records: Iterable[Record],
    *,
    threshold: float = 0.4,
    keep: Policy = "first",
    source_priority: Sequence[str] | None = None,
    **settings: Any,
) -> list[Outcome]:
    """Find near-duplicate news texts; one :class:`Outcome` per record, in input order.

    ``records`` are strings or mappings with ``id`` and ``text`` (names set with
    ``fields=Fields(...)``). ``keep`` picks each cluster's canonical copy: ``"first"``,
    ``"earliest"``, ``"longest"``, a list of sources in priority order, or a callable;
    ``source_priority=[...]`` is the same as ``keep=[...]``. Other settings: :class:`DedupConfig`.

    >>> outcomes = dedup(["Storm hits the coast, killing two.", "Storm hits the coast, killing two!!"])
    >>> [(o.status, o.duplicate_of) for o in outcomes]
    [('kept', None), ('duplicate', 0)]
    """
    if source_priority is not None:
        if keep != "first":
            raise ValueError("give either keep=... or source_priority=..., not both")
        keep = list(source_priority)
    return Deduplicator(DedupConfig(threshold=threshold, keep=keep, **settings)).run(records)
