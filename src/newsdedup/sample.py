"""The bundled sample corpus: 34 fictional wire stories, republished 0-6 times (our own text)."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

__all__ = ["load_sample"]


def load_sample() -> list[dict[str, Any]]:
    """The sample's records (``id``, ``title``, ``text``, ``source``, ``published_at``, ``story``).

    >>> records = load_sample()
    >>> len(records), sorted(records[0])
    (122, ['id', 'published_at', 'source', 'story', 'text', 'title'])
    """
    text = resources.files("newsdedup").joinpath("data/sample.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]
