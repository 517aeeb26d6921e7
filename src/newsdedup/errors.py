"""The errors newsdedup raises, in one hierarchy, and the one way optional extras are imported.

Owns: :class:`NewsdedupError` and its kinds (bad input, an unusable index, a missing extra), and
:func:`require`, the only place that imports an optional package. It must not decide what is
bad input (that is :mod:`newsdedup.records`) or how the command line reports errors (``cli``).

>>> try:
...     require("no_such_module_xyz", extra="parquet", purpose="Parquet")
... except MissingExtra as err:
...     print(err)
Parquet needs the no_such_module_xyz package: pip install 'newsdedup[parquet]'
"""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = ["IndexFormatError", "InputError", "MissingExtra", "NewsdedupError", "require"]


class NewsdedupError(Exception):
    """The base of every error newsdedup raises on purpose (``except NewsdedupError`` catches all)."""


class InputError(NewsdedupError, ValueError):
    """Bad input, with where it is.

    Args:
        location: where the record is: ``"data.jsonl:12"``, ``"news.parquet:row 3"`` or ``"record 11"``.
        reason: what is wrong with it, in words (``"missing text field 'text'"``).
    """

    def __init__(self, location: str, reason: str) -> None:
        super().__init__(f"{location}: {reason}")
        self.location = location
        self.reason = reason


class IndexFormatError(NewsdedupError, ValueError):
    """An index file (or a shared index's settings) that cannot be used, and why.

    Args:
        where: the file path, or the Redis URL (password hidden) and index name.
        reason: why it cannot be used (truncated, damaged, other settings, newer format, ...).
    """

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(f"{where}: {reason}")
        self.where = where
        self.reason = reason


class MissingExtra(NewsdedupError, ImportError):
    """An optional package a feature needs is not installed; the message gives the pip command.

    Args:
        module: the package that could not be imported (``"pyarrow"``).
        extra: newsdedup's extra that installs it (``"parquet"``).
        purpose: what needs it, for the message (``"Parquet"``).
    """

    def __init__(self, module: str, extra: str, purpose: str) -> None:
        self.module = module
        self.extra = extra
        self.pip = f"pip install 'newsdedup[{extra}]'"
        super().__init__(f"{purpose} needs the {module} package: {self.pip}", name=module)


def require(module: str, *, extra: str, purpose: str) -> ModuleType:
    """Import ``module`` (dotted names allowed), or raise :class:`MissingExtra` naming the extra.

    Args:
        module: what to import (``"pyarrow.parquet"``).
        extra: newsdedup's extra that provides it (``"parquet"``).
        purpose: what needs it, for the message (``"Parquet"``, ``"a Redis index"``).
    """
    try:
        return importlib.import_module(module)
    except ImportError as err:
        # Only a missing package is a missing extra; a broken install should show its own error.
        missing = err.name or ""
        if missing and (module == missing or module.startswith(missing + ".")):
            raise MissingExtra(missing.split(".")[0], extra, purpose) from None
        raise
