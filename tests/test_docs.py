"""Every example in a docstring runs as written (the public API shows 3-line examples)."""

import doctest
import importlib
import pkgutil

import pytest

import newsdedup

MODULES = sorted(m.name for m in pkgutil.walk_packages(newsdedup.__path__, "newsdedup."))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
