"""``stream``: deduplicate any iterable of records as it goes by, with a streaming index.

Owns: the generator form of :class:`~newsdedup.index.NearDupIndex` (records in, ``(record,
outcome)`` out, a chunk at a time). It must not decide anything itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import timedelta
from typing import Any

from ..frames import records_of
from ..outcome import Outcome
from ..records import Record
from .neardup import NearDupIndex

__all__ = ["stream"]


def stream(
    records: Iterable[Record], *, window: timedelta | None = None, **settings: Any
) -> Iterator[tuple[Record, Outcome]]:
    """Deduplicate as records go by: yield each record with its outcome, a chunk at a time.

    Memory holds the signatures of the kept records (and one chunk), never the stream; the
    outcomes are those of ``dedup(records, keep="first")``. For any pipeline of iterables.

    Args:
        records: strings or mappings, as for :func:`~newsdedup.dedup`.
        window: forget articles published this long before the newest date seen.
        settings: those of :class:`~newsdedup.DedupConfig` (``keep`` is always "first").


    >>> texts = ["Storm hits the coast on Monday.", "Storm hits the coast on Monday!"]
    >>> [outcome.status for _, outcome in stream(texts)]
    ['kept', 'duplicate']
    """
    records = records_of(records, "stream()")
    index = NearDupIndex(window=window, **settings)
    chunk: list[Record] = []
    for record in records:
        chunk.append(record)
        if len(chunk) >= index.config.chunk_size:
            yield from zip(chunk, index.add_many(chunk), strict=True)
            chunk = []
    if chunk:
        yield from zip(chunk, index.add_many(chunk), strict=True)
