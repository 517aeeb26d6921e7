"""Batch deduplication of a whole corpus: records in, one :class:`Outcome` per record out.

Owns: the batch executor. Records are checked (:mod:`newsdedup.records`), cleaned and signed a
chunk at a time (:mod:`newsdedup.matching.signing`, in worker processes when asked), then banded
into candidate pairs, verified and clustered (:func:`~newsdedup.matching.cluster.cluster_candidates`),
and every input record gets exactly one outcome, in order. It must not decide what a valid
record or a duplicate is: those are the record model's and the verifier's.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections import Counter, deque
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from .cleaning import Cleaner
from .frames import records_of
from .matching.cluster import Member, Policy, cluster_candidates, parse_date
from .matching.lsh import band_params, candidate_pairs
from .matching.signing import Signed, sign
from .matching.verify import number_table
from .outcome import Outcome
from .records import Record, RecordChecker, Valid, field_names
from .settings import DedupConfig, MatchSettings, settings_record

_log = logging.getLogger("newsdedup")

__all__ = ["DedupConfig", "Deduplicator", "dedup"]


# Worker-process state, set once per worker by _init_worker: the run's settings, whole.
_WORKER: MatchSettings | None = None


def _init_worker(settings: MatchSettings) -> None:
    global _WORKER
    _WORKER = settings


def _sign_in_worker(texts: list[str], titles: list[str | None]) -> Signed:
    assert _WORKER is not None
    return sign(_WORKER, texts, titles)


class Deduplicator:
    """Batch near-duplicate detection with a fixed configuration.

    Records are read as a stream, in chunks of ``chunk_size``; each chunk is cleaned, shingled
    and signed (in ``workers`` processes when more than one), and only its signatures, set
    sizes and the few fields policies need are kept: no text stays in memory.

    Args:
        config: the settings (:class:`DedupConfig`); or give them as keywords.
        cleaner: a configured :class:`~newsdedup.Cleaner` (or subclass) to clean with; the
            same as ``DedupConfig(cleaner=...)``. Workers are given it as it is.

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
        if cleaner is not None:
            settings["cleaner"] = cleaner
        self.config = config or DedupConfig(**settings)
        if config is not None and cleaner is not None:
            self.config = replace(config, cleaner=cleaner)

    @property
    def cleaner(self) -> Cleaner | None:
        """The cleaner the run cleans with (None without cleaning)."""
        return self.config.make_cleaner()

    def run(
        self, records: Iterable[Record], *, progress: bool = False, locations: Sequence[str] | None = None
    ) -> list[Outcome]:
        """One outcome per record, in input order.

        Args:
            records: strings or mappings (field names from the config's ``fields``).
            progress: show a progress bar on stderr.
            locations: where each record came from ("news.jsonl:12"), for error messages;
                without it a record is named by its position ("record 11").
        """
        cfg = self.config
        records = records_of(records, "Deduplicator.run()", columns=field_names(cfg.fields))
        started = time.perf_counter()
        _log.info("dedup started: %s", json.dumps(settings_record(cfg)))
        checker = RecordChecker(
            cfg.fields, max_chars=cfg.max_chars, on_error=cfg.on_error, locations=locations
        )
        outcomes: list[Outcome | None] = []  # per input record; None until decided
        members: list[Member] = []  # per signed record, in input order
        sig_parts: list[np.ndarray] = []
        size_parts: list[np.ndarray] = []
        digest_parts: list[np.ndarray] = []
        number_parts: list[np.ndarray] = []
        chunk: list[Valid] = []
        bar = _progress_bar(progress)

        def collect(valid: list[Valid], signed: Signed) -> None:
            ok = [k for k, reason in enumerate(signed.empty) if reason is None]
            for k, reason in enumerate(signed.empty):
                if reason is not None:  # what cleaning empties is rejected, whatever on_error says
                    outcomes[valid[k].index] = Outcome(valid[k].id, "rejected", reason=reason)
            for k in ok:
                v = valid[k]
                source = v.source or signed.agencies[k]
                members.append(Member(v.index, v.id, source, parse_date(v.published_at), signed.lengths[k]))
            sig_parts.append(signed.signatures[ok])
            size_parts.append(signed.sizes[ok])
            digest_parts.append(signed.digests[ok])
            if signed.numbers:
                number_parts.extend(signed.numbers[k] for k in ok)
            if bar is not None:
                bar.update(len(valid))

        with _Signer(cfg) as signer:
            for i, item in enumerate(records):
                v = checker.check(i, item)
                if isinstance(v, Outcome):
                    outcomes.append(v)
                    continue
                outcomes.append(None)
                chunk.append(v)
                if len(chunk) >= cfg.chunk_size:
                    for done in signer.submit(chunk):
                        collect(*done)
                    chunk = []
            for done in signer.finish(chunk):
                collect(*done)
        if bar is not None:
            bar.close()

        if members:
            digests = _drain(digest_parts)
            self._decide(members, _drain(sig_parts), _drain(size_parts), digests, number_parts, outcomes)
        assert all(o is not None for o in outcomes), "every record has exactly one outcome"
        _log_done(outcomes, time.perf_counter() - started)  # type: ignore[arg-type]
        return outcomes  # type: ignore[return-value]

    def _decide(
        self,
        members: list[Member],
        sig: np.ndarray,
        sizes: np.ndarray,
        digests: np.ndarray,
        number_parts: list[np.ndarray],
        outcomes: list[Outcome | None],
    ) -> None:
        """Band, verify and cluster the signed records; fill in their outcomes."""
        cfg = self.config
        numbers = number_table(number_parts)
        number_parts.clear()
        b, r = band_params(cfg.lsh_threshold, cfg.num_perm, cfg.weights)
        pairs = candidate_pairs(sig, b, r, max_bucket=cfg.max_bucket)
        duplicates = cluster_candidates(cfg.verifier, cfg.keep, sig, sizes, numbers, members, pairs, digests)
        for local, m in enumerate(members):
            if local in duplicates:
                c, res, cont = duplicates[local]
                canon = members[c].id
                outcomes[m.index] = Outcome(m.id, "duplicate", canon, canon, res, cont)
            else:
                outcomes[m.index] = Outcome(m.id, "kept", m.id)


def _log_done(outcomes: list[Outcome], seconds: float) -> None:
    """The end of a run, for a pipeline's log: counts, time, and the rejections by reason."""
    status = Counter(o.status for o in outcomes)
    _log.info(
        "dedup done: %d records in %.1f s: %d kept, %d duplicates, %d rejected",
        len(outcomes),
        seconds,
        status["kept"],
        status["duplicate"],
        status["rejected"],
    )
    if status["rejected"]:
        reasons = Counter(o.reason for o in outcomes if o.status == "rejected")
        _log.warning(
            "%d records rejected: %s",
            status["rejected"],
            "; ".join(f"{n} {reason}" for reason, n in reasons.most_common(5)),
        )


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

    return tqdm(desc="cleaning and signing", unit="doc", unit_scale=True, smoothing=0, leave=False)


class _Signer:
    """Signs chunks in this process, or in a pool of worker processes with a bounded backlog;
    either way results come back in submission order, so output never depends on ``workers``.
    Workers are given the run's settings whole (a custom cleaner included)."""

    def __init__(self, cfg: DedupConfig) -> None:
        self.cfg = cfg
        self.pool: Any = None
        self.pending: deque[tuple[list[Valid], Any]] = deque()
        if cfg.workers > 1:
            import multiprocessing

            ctx = multiprocessing.get_context("spawn" if sys.platform == "darwin" else None)
            self.pool = ctx.Pool(cfg.workers, _init_worker, (cfg.match,))

    def __enter__(self) -> _Signer:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()

    def submit(self, chunk: list[Valid]) -> list[tuple[list[Valid], Signed]]:
        texts, titles = [v.text for v in chunk], [v.title for v in chunk]
        if self.pool is None:
            return [(chunk, sign(self.cfg, texts, titles))]
        self.pending.append((chunk, self.pool.apply_async(_sign_in_worker, (texts, titles))))
        done = []
        while len(self.pending) > 2 * self.cfg.workers:  # bound the texts held in flight
            c, result = self.pending.popleft()
            done.append((c, result.get()))
        return done

    def finish(self, chunk: list[Valid]) -> list[tuple[list[Valid], Signed]]:
        done = self.submit(chunk) if chunk else []
        while self.pending:
            c, result = self.pending.popleft()
            done.append((c, result.get()))
        return done


def dedup(
    records: Iterable[Record],
    *,
    threshold: float = 0.4,
    keep: Policy = "first",
    source_priority: Sequence[str] | None = None,
    **settings: Any,
) -> list[Outcome]:
    """Find near-duplicate news texts; one :class:`Outcome` per record, in input order.

    Args:
        records: strings or mappings with ``id`` and ``text`` (names set with
            ``fields=Fields(...)``), any iterable, read once as a stream.
        threshold: resemblance at which two texts are duplicates.
        keep: each cluster's canonical copy: ``"first"``, ``"earliest"``, ``"longest"``, a list
            of sources in priority order, or a callable given the members.
        source_priority: the same as ``keep=[...]``.
        settings: the other settings of :class:`DedupConfig` (``workers=``, ``on_error=``, ...).

    >>> outcomes = dedup(["Storm hits the coast, killing two.", "Storm hits the coast, killing two!!"])
    >>> [(o.status, o.duplicate_of) for o in outcomes]
    [('kept', None), ('duplicate', 0)]
    """
    if source_priority is not None:
        if keep != "first":
            raise ValueError("give either keep=... or source_priority=..., not both")
        keep = list(source_priority)
    return Deduplicator(DedupConfig(threshold=threshold, keep=keep, **settings)).run(records)
