"""The settings of a dedup run, as one object shared by every stage and executor.

Owns: :class:`MatchSettings`, everything that decides an outcome (shingles, thresholds, the
number check, cleaning with its rules or a custom cleaner, the keep policy, how records are read
and checked), and :class:`DedupConfig`, the public name, which adds how a run executes (worker
processes, chunk size). Executors (batch workers, the streaming index, Spark) are given the
settings whole, never field by field; an index saves the part that decides what it holds
(:func:`index_settings`) and is reopened from it (:func:`from_index_settings`). It must not run
anything.

>>> cfg = DedupConfig(threshold=0.5, workers=2)
>>> cfg.match, cfg.match == DedupConfig(threshold=0.5).match
(MatchSettings(threshold=0.5, ...), True)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from datetime import timedelta
from typing import Any

from .cleaning import Cleaner, cleaner_for
from .errors import IndexFormatError
from .matching.cluster import Policy
from .matching.shingles import Kind
from .matching.verify import Thresholds, Verifier
from .records import Fields, OnError

#: The most MinHash permutations a run may use (datasketch's band search grows with its square).
MAX_NUM_PERM = 4096

__all__ = [
    "INDEX_SETTINGS",
    "MAX_NUM_PERM",
    "DedupConfig",
    "MatchSettings",
    "from_index_settings",
    "index_settings",
    "settings_record",
]


@dataclass(frozen=True)
class MatchSettings:
    """What decides each record's outcome. See the README's "Choosing settings" for the trades.

    Args:
        threshold: resemblance (estimated Jaccard of shingle sets) at which two texts are duplicates.
        containment_threshold: share of the smaller text's shingles found in the larger at which
            they are duplicates too (truncated or extended copies); None turns it off.
        lsh_threshold: the similarity LSH banding is tuned for when proposing candidates (below
            both thresholds, so that truncated copies are proposed).
        num_perm: MinHash permutations (signature slots).
        ngram: words (or characters) per shingle.
        shingle: ``"word"`` or ``"char"`` shingles, or ``"auto"`` (the default): characters for
            a text in a script written without spaces (Chinese, Japanese, Thai, ...), else words.
        seed: the MinHash seed (datasketch's meaning).
        weights: datasketch's false-positive / false-negative weights for choosing the bands.
        max_bucket: an LSH bucket holding more documents than this gives star pairs to its first
            member instead of every pair (boilerplate shared by thousands); None: every pair.
        keep: which member of a cluster is canonical: ``"first"``, ``"earliest"``, ``"longest"``,
            a list of sources in priority order, or a callable given the members.
        clean: clean the texts before shingling (False: shingle the text as given).
        fields: the names of the record fields read.
        on_error: bad records raise :class:`~newsdedup.InputError` (``"raise"``) or get a
            ``rejected`` outcome (``"skip"``). A record that cleaning empties is always rejected.
        min_number_overlap: when both texts carry three or more distinct numbers, the share of the
            smaller set of numbers the other must contain (templated reports differ in their
            numbers, copies keep them); None turns it off.
        max_chars: the longest text accepted, in characters; longer ones are bad records.
        disable: cleaning rules or families switched off (as ``Cleaner(disable=...)``).
        cleaner: a configured :class:`~newsdedup.Cleaner` (or subclass) to clean with instead;
            it goes to worker processes and Spark executors as it is, and an index records its
            class so that it is reopened only with the same kind of cleaner.
    """

    threshold: float = 0.4
    containment_threshold: float | None = 0.7
    lsh_threshold: float = 0.2
    num_perm: int = 128
    ngram: int = 5
    shingle: Kind = "auto"
    seed: int = 1
    weights: tuple[float, float] = (0.5, 0.5)
    max_bucket: int | None = 1000
    keep: Policy = "first"
    clean: bool = True
    fields: Fields = field(default_factory=Fields)
    on_error: OnError = "raise"
    min_number_overlap: float | None = 0.5
    max_chars: int = 5_000_000
    disable: frozenset[str] = frozenset()
    cleaner: Cleaner | None = None

    def __post_init__(self) -> None:
        Thresholds(self.threshold, self.containment_threshold)  # validates both
        if not 0.0 < self.lsh_threshold <= 1.0:
            raise ValueError(f"lsh_threshold must be in (0, 1], got {self.lsh_threshold}")
        if not 2 <= self.num_perm <= MAX_NUM_PERM:
            raise ValueError(f"num_perm must be from 2 to {MAX_NUM_PERM}, got {self.num_perm}")
        if self.ngram < 1:
            raise ValueError(f"ngram must be >= 1, got {self.ngram}")
        if self.max_chars < 1:
            raise ValueError(f"max_chars must be >= 1, got {self.max_chars}")
        if self.on_error not in ("raise", "skip"):
            raise ValueError(f"on_error must be 'raise' or 'skip', got {self.on_error!r}")
        if not isinstance(self.disable, frozenset):
            object.__setattr__(self, "disable", frozenset(self.disable))
        if self.cleaner is not None:
            if not isinstance(self.cleaner, Cleaner):
                raise TypeError(f"cleaner must be a newsdedup.Cleaner, not {type(self.cleaner).__name__}")
            if self.disable:
                raise ValueError("give disable=... to the Cleaner, or to the settings without a cleaner")
        else:
            cleaner_for(self.disable)  # unknown rule names are refused here, not in a worker

    @property
    def thresholds(self) -> Thresholds:
        """The two score thresholds, as the verifier applies them."""
        return Thresholds(self.threshold, self.containment_threshold)

    @property
    def verifier(self) -> Verifier:
        """The pair policy these settings decide pairs by."""
        return Verifier(self.thresholds, self.min_number_overlap)

    @property
    def match(self) -> MatchSettings:
        """These settings without any of how a run executes."""
        return MatchSettings(**{f.name: getattr(self, f.name) for f in fields(MatchSettings)})

    def make_cleaner(self) -> Cleaner | None:
        """The cleaner these settings clean with, or None when they do not clean."""
        if not self.clean:
            return None
        return self.cleaner if self.cleaner is not None else cleaner_for(self.disable)


@dataclass(frozen=True)
class DedupConfig(MatchSettings):
    """The settings of a dedup run: :class:`MatchSettings` (what decides outcomes) and how it runs.

    Args:
        workers: processes that clean and sign (1: this process). Outcomes do not depend on it.
        chunk_size: records cleaned and signed at a time (memory holds about one chunk per
            worker). Outcomes do not depend on it.

    >>> DedupConfig(threshold=0.5, workers=2).workers
    2
    """

    workers: int = 1
    chunk_size: int = 5000

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.workers < 1 or self.chunk_size < 1:
            raise ValueError("workers and chunk_size must be >= 1")


# The settings that decide what an index holds: an index is loaded or shared only with the same.
INDEX_SETTINGS = (
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


def _custom_kind(cleaner: Cleaner | None) -> str | None:
    """``module:Class`` of a cleaner that is not the plain :class:`Cleaner`, else None."""
    if cleaner is None or type(cleaner) is Cleaner:
        return None
    kind = type(cleaner)
    return f"{kind.__module__}:{kind.__qualname__}"


def settings_record(config: MatchSettings) -> dict[str, Any]:
    """Every setting of ``config`` as JSON values, for a report to say how a run was made (a
    callable ``keep`` or a custom cleaner by its ``module:name``)."""
    out: dict[str, Any] = {}
    for f in fields(config):
        value = getattr(config, f.name)
        if f.name == "cleaner":
            value = _custom_kind(value)
        elif isinstance(value, Fields):
            value = asdict(value)
        elif isinstance(value, (frozenset, set)):
            value = sorted(value)
        elif isinstance(value, tuple):
            value = list(value)
        elif callable(value):
            value = f"{getattr(value, '__module__', '?')}:{getattr(value, '__qualname__', repr(value))}"
        out[f.name] = value
    return out


def index_settings(settings: MatchSettings, window: timedelta | None) -> dict[str, Any]:
    """The JSON an index stores of its settings (a custom cleaner by its class and rules)."""
    out: dict[str, Any] = {f: getattr(settings, f) for f in INDEX_SETTINGS}
    out["weights"] = list(settings.weights)
    cleaner = settings.make_cleaner()
    out["disable"] = sorted(cleaner.options.disable) if cleaner is not None else []
    kind = _custom_kind(settings.cleaner)
    if settings.clean and kind is not None:
        out["cleaner"] = kind
    out["window_seconds"] = None if window is None else window.total_seconds()
    return out


def from_index_settings(
    stored: Mapping[str, Any], where: str, cleaner: Cleaner | None = None
) -> tuple[DedupConfig, timedelta | None]:
    """The settings and window an index's stored settings describe.

    An index made with a custom cleaner is reopened only when ``cleaner`` (of the same class,
    with the same rules) is given: its code is not in the index, and another cleaner would
    decide differently.
    """
    try:
        values = {k: (tuple(stored[k]) if k == "weights" else stored[k]) for k in INDEX_SETTINGS}
        window = None if stored["window_seconds"] is None else timedelta(seconds=stored["window_seconds"])
        disable = frozenset(stored["disable"])
        settings = DedupConfig(**values)
    except (KeyError, TypeError, ValueError) as e:
        raise IndexFormatError(where, f"settings are not valid: {e}") from None
    kind = stored.get("cleaner")
    if cleaner is None and kind is not None and settings.clean:
        raise IndexFormatError(
            where, f"the index was made with the custom cleaner {kind}; open it with cleaner={kind}(...)"
        )
    if cleaner is not None and settings.clean:
        given = _custom_kind(cleaner)
        if given != kind or cleaner.options.disable != disable:
            raise IndexFormatError(
                where,
                f"the index was made with cleaner {kind or 'newsdedup.Cleaner'} (disable {sorted(disable)}), "
                f"not {given or 'newsdedup.Cleaner'} (disable {sorted(cleaner.options.disable)})",
            )
        return DedupConfig(**values, cleaner=cleaner), window
    try:
        return DedupConfig(**values, disable=disable), window
    except ValueError as e:
        raise IndexFormatError(where, f"settings are not valid: {e}") from None
