"""The streaming index: :class:`NearDupIndex` and :func:`stream`, with their stores and files.

Modules: ``neardup`` (the index and its decisions), ``streaming`` (the generator form, ``stream``), ``store``
(the storage contract), ``memory`` and ``redis`` (the two stores), ``files`` (save and load).

>>> from newsdedup.index import NearDupIndex
>>> NearDupIndex(threshold=0.5).add("Storm hits the coast on Monday.").status
'kept'
"""

from ..outcome import Match
from .files import FORMAT_VERSION
from .neardup import NearDupIndex
from .store import Store
from .streaming import stream

__all__ = ["FORMAT_VERSION", "Match", "NearDupIndex", "Store", "stream"]
