"""Whether the compiled core runs: the C kernels of ``newsdedup._core``, or the numpy path.

Owns: that one decision (DESIGN decision 12). The kernels are used when the extension was built
at install time (it needs a C compiler) and ``NEWSDEDUP_PURE`` is not ``1``; otherwise the numpy
and Python code in :mod:`newsdedup.matching` runs, which is the reference: a test holds the two
to identical shingle hashes and signatures. Each kernel's caller asks :data:`CORE` (None when the
numpy path runs), so a test may set it to None to run the reference.

>>> kernels() in ("compiled", "numpy")
True
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType

__all__ = ["CORE", "kernels", "why_not"]


def _load() -> tuple[ModuleType | None, str | None]:
    if os.environ.get("NEWSDEDUP_PURE") == "1":
        return None, "NEWSDEDUP_PURE=1"
    try:
        return importlib.import_module("newsdedup._core"), None
    except ImportError as e:  # not built: no C compiler at install time
        return None, f"the compiled core is not built ({e}); reinstall with a C compiler for speed"


#: The compiled kernels (``newsdedup._core``), or None when the numpy path runs.
CORE, _WHY_NOT = _load()


def kernels() -> str:
    """``"compiled"`` when the C kernels run, ``"numpy"`` when the reference path does."""
    return "numpy" if CORE is None else "compiled"


def why_not() -> str | None:
    """Why the numpy path runs (None when the compiled kernels do), one line fit to print."""
    return None if CORE is not None else _WHY_NOT
