"""Why two records are, or are not, duplicates: every check of the pair policy, with its value.

Owns: the explanation of one pair (:func:`explain`). It decides nothing of its own: the pair is
signed by :func:`~newsdedup.matching.signing.sign` and judged by the run's
:class:`~newsdedup.Verifier`, exactly as ``dedup`` and the index judge a candidate pair, and each
check is reported beside that verdict (a test holds the two together on every candidate pair of
a corpus). What a cluster makes of a verified pair (it joins only a copy it matches directly) is
the clustering's, not this pair's.

>>> e = explain("Storm hits the coast, killing two.", "Storm hits the coast, killing two!!")
>>> e.duplicate, e.deciding
(True, 'resemblance')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .cleaning import Edit
from .errors import InputError
from .matching.lsh import band_keys, band_params
from .matching.signing import sign
from .matching.verify import containment, number_table, numbers_agree, resemblance
from .records import Record, validate
from .settings import DedupConfig, MatchSettings

__all__ = ["Check", "Explanation", "explain"]


@dataclass(frozen=True)
class Check:
    """One check of a pair: its name, the value measured, the threshold, and whether it passed.

    ``passed`` is None for a check that did not apply (the number check when a text carries
    fewer than three numbers, the one-shingle rule for longer texts).
    """

    name: str
    value: Any
    threshold: Any
    passed: bool | None
    note: str = ""


@dataclass(frozen=True)
class Explanation:
    """The verdict on a pair and every check behind it (see :func:`explain`).

    Args:
        duplicate: the verdict: a candidate pair (``lsh``) that the run's Verifier passes.
        deciding: the name of the check that decided it.
        checks: every check, in the order a candidate pair meets them.
        fingerprints: the two folded texts that were shingled.
        edits: what cleaning changed in each text (:class:`~newsdedup.Edit` tuples).
    """

    duplicate: bool
    deciding: str  # the check that decided the verdict
    checks: tuple[Check, ...]
    fingerprints: tuple[str, str]
    edits: tuple[tuple[Edit, ...], tuple[Edit, ...]]  # what cleaning changed in each text

    def check(self, name: str) -> Check:
        """The check called ``name``."""
        return next(c for c in self.checks if c.name == name)

    def __str__(self) -> str:
        lines = [f"duplicate: {self.duplicate} (decided by {self.deciding})"]
        for c in self.checks:
            verdict = {True: "pass", False: "FAIL", None: "n/a"}[c.passed]
            value = f"{c.value:.4f}" if isinstance(c.value, float) else str(c.value)
            lines.append(f"  {c.name:<14} {value:>10}  threshold {c.threshold!s:<10} {verdict}  {c.note}")
        for side, edits in zip("ab", self.edits, strict=True):
            rules = sorted({e.rule for e in edits})
            lines.append(
                f"  cleaning of {side}: {len(edits)} edits" + (f" ({', '.join(rules)})" if rules else "")
            )
        return "\n".join(lines)


def explain(a: Record, b: Record, *, config: MatchSettings | None = None, **settings: Any) -> Explanation:
    """Explain the pair ``(a, b)`` under ``config``, or ``settings`` (those of
    :class:`~newsdedup.DedupConfig`).

    Args:
        a: a text or a record mapping (fields as the settings' ``fields`` name them).
        b: the other.
        config: the settings whole (a run's :class:`~newsdedup.DedupConfig`).
        settings: as for :func:`~newsdedup.dedup` (``threshold=``, ``min_number_overlap=``, ...).

    The checks, in the order a candidate pair meets them: ``lsh`` (do the two share a band,
    so that batch dedup and the index compare them at all), ``resemblance`` and ``containment``
    (either passing is enough), ``one shingle`` (two texts of one shingle each must be equal),
    ``numbers`` (texts with three or more numbers each must share enough of them).
    """
    if config is not None and settings:
        raise ValueError("give either config=... or settings, not both")
    cfg = config if config is not None else DedupConfig(**settings)
    valid = []
    for k, item in enumerate((a, b)):
        v = validate(k, item, cfg.fields, cfg.max_chars)
        if isinstance(v, str):
            raise InputError("ab"[k], v)
        valid.append(v)
    signed = sign(cfg, [v.text for v in valid], [v.title for v in valid])
    for k, reason in enumerate(signed.empty):
        if reason is not None:
            raise InputError("ab"[k], reason)
    cleaner = cfg.make_cleaner()
    results = [cleaner.clean(v.text, v.title) if cleaner is not None else None for v in valid]
    fingerprints = tuple(
        r.fingerprint if r is not None else v.text for r, v in zip(results, valid, strict=True)
    )
    edits = tuple(tuple(r.edits) if r is not None else () for r in results)
    sig, sizes = signed.signatures, signed.sizes.astype(np.int64)
    checks = _checks(cfg, sig, sizes, signed.numbers, signed.digests)
    by = {c.name: c for c in checks}
    # The verdict is the Verifier's, on the same scores a run computes for a candidate pair.
    res = np.array([by["resemblance"].value])
    cont = np.array([by["containment"].value])
    table = number_table(signed.numbers) if signed.numbers else None
    pair = np.array([[0, 1]], dtype=np.int64)
    verified = bool(cfg.verifier.decide(pair, res, cont, table, (sizes, signed.digests))[0])
    duplicate = bool(verified and by["lsh"].passed)
    return Explanation(duplicate, _deciding(checks, duplicate), checks, fingerprints, edits)  # type: ignore[arg-type]


def _checks(
    cfg: MatchSettings, sig: np.ndarray, sizes: np.ndarray, numbers: list[np.ndarray], digests: np.ndarray
) -> tuple[Check, ...]:
    b, r = band_params(cfg.lsh_threshold, cfg.num_perm, cfg.weights)
    keys = band_keys(sig, b, r)
    shared = int((keys[0] == keys[1]).sum())
    res = float(resemblance(sig[0], sig[1]))
    cont = float(containment(res, sizes[0], sizes[1]))
    t = cfg.verifier.thresholds
    checks = [
        Check("lsh", shared, ">= 1 band", shared >= 1, f"{shared} of {b} bands of {r} rows equal"),
        Check("resemblance", res, t.resemblance, res >= t.resemblance, "share of equal signature slots"),
        Check(
            "containment",
            cont,
            t.containment,
            None if t.containment is None else cont >= t.containment,
            f"of the smaller shingle set ({int(min(sizes))} of sizes {int(sizes[0])}, {int(sizes[1])})",
        ),
    ]
    tiny = bool(sizes[0] <= 1 and sizes[1] <= 1)
    checks.append(
        Check(
            "one shingle",
            bool(digests[0] == digests[1]),
            "equal texts",
            bool(digests[0] == digests[1]) if tiny else None,
            "both texts are one shingle: only equal ones match" if tiny else "",
        )
    )
    overlap = cfg.min_number_overlap
    if overlap is None or not numbers:
        checks.append(Check("numbers", None, None, None, "the number check is off"))
    else:
        na, nb = len(numbers[0]), len(numbers[1])
        common = len(np.intersect1d(numbers[0], numbers[1]))
        applies = na >= 3 and nb >= 3 and digests[0] != digests[1]
        values, offsets = number_table(numbers)
        agree = bool(numbers_agree(values, offsets, np.array([[0, 1]]), min_overlap=overlap)[0])
        note = f"{common} shared of {na} and {nb} distinct numbers"
        checks.append(
            Check("numbers", common / max(1, min(na, nb)), overlap, agree if applies else None, note)
        )
    return tuple(checks)


def _deciding(checks: tuple[Check, ...], duplicate: bool) -> str:
    """The check that decided: the first failure that vetoes, else the score that passed."""
    by = {c.name: c for c in checks}
    if not by["lsh"].passed:
        return "lsh"
    if duplicate:
        return "resemblance" if by["resemblance"].passed else "containment"
    for name in ("one shingle", "numbers"):
        if by[name].passed is False and (by["resemblance"].passed or by["containment"].passed):
            return name
    return "resemblance"
