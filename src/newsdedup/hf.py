"""Hugging Face ``datasets`` integration (the ``[datasets]`` extra).

>>> from datasets import Dataset
>>> import newsdedup.hf
>>> ds = Dataset.from_dict({"text": ["Storm hits the coast on Monday.", "Storm hits the coast on Monday!"]})
>>> list(newsdedup.hf.dedup(ds)["dedup_status"])
['kept', 'duplicate']
>>> ds.map(newsdedup.hf.clean_batch, batched=True)["text"][0]
'Storm hits the coast on Monday.'
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .batch import Deduplicator
from .cleaning import cleaner_for
from .errors import require
from .outcome import OUTCOME_COLUMNS, outcome_columns
from .records import fields_in
from .settings import DedupConfig

if TYPE_CHECKING:
    from datasets import Dataset

__all__ = ["OUTCOME_COLUMNS", "clean_batch", "dedup"]


def clean_batch(
    batch: dict[str, list[Any]],
    *,
    text: str = "text",
    title: str | None = "title",
    disable: Iterable[str] = (),
    fingerprint: str | None = None,
) -> dict[str, list[Any]]:
    """For ``ds.map(clean_batch, batched=True)``: the batch's ``text`` column, cleaned.

    Non-string values pass through. ``fingerprint="fp"`` also adds a column of matching text.
    Options go through ``fn_kwargs={"text": "body", ...}``.
    """
    cleaner = cleaner_for(frozenset(disable))
    titles = batch.get(title) if title is not None else None
    clean_texts, prints = [], []
    for k, value in enumerate(batch[text]):
        if not isinstance(value, str):
            clean_texts.append(value)
            prints.append(None)
            continue
        head = titles[k] if titles is not None and isinstance(titles[k], str) else None
        result = cleaner.clean(value, head)
        clean_texts.append(result.text)
        prints.append(result.fingerprint)
    out: dict[str, list[Any]] = {text: clean_texts}
    if fingerprint:
        out[fingerprint] = prints
    return out


def dedup(
    ds: Dataset,
    *,
    text: str = "text",
    id: str | None = None,
    title: str | None = "title",
    date: str | None = "published_at",
    source: str | None = "source",
    **settings: Any,
) -> Dataset:
    """``ds`` with the outcome columns (:data:`OUTCOME_COLUMNS`) added, rows unchanged.

    Ids are the ``id`` column's values, or row numbers when ``id`` is None. Other settings are
    :class:`~newsdedup.DedupConfig`'s. Rows are read in batches; only signatures stay in memory.
    """
    require("datasets", extra="datasets", purpose="newsdedup.hf")
    if text not in ds.column_names:
        raise KeyError(f"no text column {text!r} in the dataset (columns: {ds.column_names})")
    fields, present = fields_in(
        ds.column_names, text=text, id=id or "__row__", title=title, date=date, source=source
    )
    wanted = [c for c in (text, id, *present) if c is not None]

    def records() -> Iterable[dict[str, Any]]:
        row = 0
        for batch in ds.select_columns(wanted).iter(batch_size=1000):
            for k in range(len(batch[text])):
                rec = {c: batch[c][k] for c in wanted}
                if id is None:
                    rec["__row__"] = row
                row += 1
                yield rec

    config = DedupConfig(fields=fields, **{"on_error": "skip", **settings})
    outcomes = Deduplicator(config).run(records())
    # Typed columns, whatever the values (a run without rejects would make dedup_reason null-typed).
    value = require("datasets", extra="datasets", purpose="newsdedup.hf").Value
    id_type = ds.features[id] if id is not None else value("int64")
    types = {"dedup_resemblance": value("float64"), "dedup_containment": value("float64")}
    types.update(dedup_cluster=id_type, dedup_duplicate_of=id_type)
    out = ds
    for name, values in outcome_columns(outcomes).items():
        out = out.add_column(name, values, feature=types.get(name, value("string")))
    return out
