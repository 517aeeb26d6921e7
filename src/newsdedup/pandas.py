"""pandas integration: clean a Series, deduplicate a DataFrame (the ``[pandas]`` extra).

>>> import pandas as pd, newsdedup.pandas as ndp
>>> df = pd.DataFrame({"text": ["Storm hits the coast on Monday.", "Storm hits the coast on Monday!"]})
>>> ndp.dedup_frame(df)["dedup_status"].tolist()
['kept', 'duplicate']
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, get_args

from .batch import Deduplicator
from .cleaning import Cleaner
from .errors import require
from .outcome import OUTCOME_COLUMNS, Status, outcome_columns
from .records import fields_in, is_missing
from .settings import DedupConfig

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["OUTCOME_COLUMNS", "clean_series", "dedup_frame", "outcome_columns"]


def _pandas() -> Any:
    return require("pandas", extra="pandas", purpose="newsdedup.pandas")


def clean_series(
    texts: pd.Series,
    *,
    titles: pd.Series | None = None,
    disable: Iterable[str] = (),
    fingerprint: bool = False,
) -> pd.Series:
    """The clean text of each string in ``texts`` (same index and name); missing values stay missing.

    ``titles`` (aligned) lets a repeated headline go; ``fingerprint=True`` returns the folded
    matching text instead.
    """
    pd = _pandas()
    cleaner = Cleaner(disable=disable)  # missing values (None, NaN) pass through as they are
    heads = titles.reindex(texts.index) if titles is not None else None
    out = []
    for key, value in texts.items():
        if not isinstance(value, str):
            out.append(value)
            continue
        title = heads.get(key) if heads is not None else None
        result = cleaner.clean(value, title if isinstance(title, str) else None)
        out.append(result.fingerprint if fingerprint else result.text)
    return pd.Series(out, index=texts.index, name=texts.name, dtype=object)


def dedup_frame(
    df: pd.DataFrame,
    *,
    text: str = "text",
    id: str | None = None,
    title: str | None = "title",
    date: str | None = "published_at",
    source: str | None = "source",
    **settings: Any,
) -> pd.DataFrame:
    """A copy of ``df`` with the outcome columns (:data:`OUTCOME_COLUMNS`) added, rows unchanged.

    Ids are the ``id`` column's values, or the frame's index labels when ``id`` is None (so
    ``dedup_duplicate_of`` points at an index label). Optional columns that are missing are
    ignored. Other settings are :class:`~newsdedup.DedupConfig`'s (``threshold``, ``keep``, ...).
    """
    pd = _pandas()
    if text not in df.columns:
        raise KeyError(f"no text column {text!r} in the frame (columns: {list(df.columns)})")
    if id is None and not df.index.is_unique:
        raise ValueError("the frame's index has repeated labels: pass id=<column> or reset the index")
    fields, present = fields_in(
        df.columns, text=text, id=id or "__index__", title=title, date=date, source=source
    )
    wanted = [c for c in (text, id, *present) if c is not None]
    labels = df.index.tolist()

    def records() -> Iterable[dict[str, Any]]:
        for label, row in zip(labels, df[wanted].itertuples(index=False, name=None), strict=True):
            rec = dict(zip(wanted, row, strict=True))
            if id is None:
                rec["__index__"] = label
            yield {k: (None if is_missing(v) else v) for k, v in rec.items()}

    config = DedupConfig(fields=fields, **{"on_error": "skip", **settings})
    outcomes = Deduplicator(config).run(records())
    out = df.copy()
    for name, values in outcome_columns(outcomes).items():
        if name in ("dedup_resemblance", "dedup_containment"):  # numbers: describe() gives statistics
            out[name] = pd.Series(
                [math.nan if v is None else v for v in values], index=df.index, dtype="float64"
            )
        elif name == "dedup_status":
            out[name] = pd.Series(values, index=df.index, dtype=pd.CategoricalDtype(get_args(Status)))
        else:  # ids of any kind and reasons: object columns keep None as None (not NaN)
            out[name] = pd.Series(values, index=df.index, dtype=object)
    return out
