"""Batch deduplication of a whole corpus: records in, one :class:`Outcome` per record out.

The stages follow DESIGN.md: read and validate each record, clean it, shingle and sign the
fingerprints in numpy, band them into candidate pairs, verify each pair's scores, cluster the
verified pairs without chaining, and give every input record exactly one outcome, in order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from ..clean import Cleaner
from ..io import Fields, InputError, InvalidRecord
from .cluster import Member, Policy, assign_clusters, parse_date
from .lsh import band_params, candidate_pairs
from .outcome import Outcome
from .shingles import Kind, shingle_batch
from .signatures import signatures_from_shingles
from .verify import Thresholds, containment, resemblance, score_pairs

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
    truncated copies are proposed); ``keep``: which member of a cluster is canonical.
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

    def __post_init__(self) -> None:
        Thresholds(self.threshold, self.containment_threshold)  # validates both
        if not 0.0 < self.lsh_threshold <= 1.0:
            raise ValueError(f"lsh_threshold must be in (0, 1], got {self.lsh_threshold}")
        if self.num_perm < 2:
            raise ValueError(f"num_perm must be >= 2, got {self.num_perm}")
        if self.ngram < 1:
            raise ValueError(f"ngram must be >= 1, got {self.ngram}")
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


def _describe(value: object) -> str:
    return "null" if value is None else f"a {type(value).__name__}"


def _validate(index: int, item: Record, fields: Fields) -> _Valid | str:
    """The record's fields, or the reason it cannot be compared."""
    if isinstance(item, InvalidRecord):
        return item.reason
    if isinstance(item, str):
        return _Valid(index, index, item, None, None, None) if item.strip() else "empty text"
    if not isinstance(item, Mapping):
        return f"record is {_describe(item)}, not a str or a mapping"
    rid = item.get(fields.id)
    if rid is None:
        rid = index
    elif not isinstance(rid, (str, int)) or isinstance(rid, bool):
        return f"id field {fields.id!r} is {_describe(rid)}, not a string or integer"
    if fields.text not in item:
        return f"missing text field {fields.text!r}"
    text = item[fields.text]
    if not isinstance(text, str):
        return f"text field {fields.text!r} is {_describe(text)}, not a string"
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


class Deduplicator:
    """Batch near-duplicate detection with a fixed configuration.

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
        items = list(records)
        valid: list[_Valid] = []
        rejected: dict[int, str] = {}
        seen_ids: dict[Any, int] = {}
        for i, item in enumerate(items):
            v = _validate(i, item, cfg.fields)
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
                continue
            seen_ids[v.id] = i
            valid.append(v)

        fingerprints, members = self._fingerprints(valid, rejected, progress)
        keep = [k for k, fp in enumerate(fingerprints) if fp]
        docs = [valid[k] for k in keep]
        members = [members[k] for k in keep]
        fingerprints = [fingerprints[k] for k in keep]

        duplicates = self._cluster(fingerprints, members) if docs else {}
        by_index: dict[int, Outcome] = {}
        for local, doc in enumerate(docs):
            if local in duplicates:
                c, res, cont = duplicates[local]
                canon = docs[c].id
                by_index[doc.index] = Outcome(doc.id, "duplicate", canon, canon, res, cont)
            else:
                by_index[doc.index] = Outcome(doc.id, "kept", doc.id)
        outcomes = []
        for i, item in enumerate(items):
            if i in by_index:
                outcomes.append(by_index[i])
            else:
                rid = _id_of(item, i, cfg.fields)
                outcomes.append(Outcome(rid, "rejected", reason=rejected[i]))
        return outcomes

    def _fingerprints(
        self, valid: Sequence[_Valid], rejected: dict[int, str], progress: bool
    ) -> tuple[list[str], list[Member]]:
        fingerprints: list[str] = []
        members: list[Member] = []
        it: Iterable[_Valid] = valid
        if progress:
            from tqdm import tqdm

            it = tqdm(valid, desc="cleaning", unit="doc", leave=False)
        for v in it:
            if self.config.clean:
                result = self.cleaner.clean(v.text, v.title)
                fp, length = result.fingerprint, len(result.text)
                source = v.source or (result.meta.agencies[0] if result.meta.agencies else None)
                if not fp:
                    removed = ", ".join(sorted(result.rules()))
                    rejected[v.index] = (
                        f"no text left after cleaning (removed by {removed})"
                        if removed
                        else "no letters or digits to compare"
                    )
            else:
                fp, length, source = v.text, len(v.text), v.source
            fingerprints.append(fp)
            members.append(Member(v.index, v.id, source, parse_date(v.published_at), length))
        return fingerprints, members

    def _cluster(self, fingerprints: list[str], members: list[Member]) -> dict[int, tuple[int, float, float]]:
        cfg = self.config
        batch = shingle_batch(fingerprints, cfg.ngram, cfg.shingle)
        sizes = batch.set_sizes()
        sig = signatures_from_shingles(batch, num_perm=cfg.num_perm, seed=cfg.seed)
        b, r = band_params(cfg.lsh_threshold, cfg.num_perm, cfg.weights)
        pairs = candidate_pairs(sig, b, r, max_bucket=cfg.max_bucket)
        res, cont = score_pairs(sig, sizes, pairs)
        verified = pairs[cfg.thresholds.passes(res, cont)] if len(pairs) else pairs

        def match(c: int, others: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            r_ = resemblance(sig[others], sig[c])
            c_ = containment(r_, sizes[others], sizes[c])
            return r_, c_, np.asarray(cfg.thresholds.passes(r_, c_))

        return assign_clusters(members, verified, match, cfg.keep)


def _id_of(item: Record, index: int, fields: Fields) -> Any:
    if isinstance(item, Mapping):
        rid = item.get(fields.id)
        if isinstance(rid, (str, int)) and not isinstance(rid, bool):
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
