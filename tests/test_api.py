"""The public API: every subpackage reachable by its dotted name, every public name documented."""

import functools
import importlib
import inspect
import pkgutil

import pytest

import newsdedup

MODULES = sorted(m.name for m in pkgutil.walk_packages(newsdedup.__path__, "newsdedup."))


@pytest.mark.parametrize("name", MODULES)
def test_every_module_is_reachable_by_its_dotted_name(name):
    module = importlib.import_module(name)
    # No function shadows a subpackage: newsdedup.matching.lsh is the module at every step.
    assert functools.reduce(getattr, name.split(".")[1:], newsdedup) is module


def test_the_functions_keep_their_names():
    assert callable(newsdedup.clean) and inspect.isfunction(newsdedup.clean)
    assert inspect.isfunction(newsdedup.dedup) and inspect.isfunction(newsdedup.stream)


def _parameters(obj):
    if inspect.isclass(obj):
        fields = getattr(obj, "__dataclass_fields__", None)
        if fields is not None:
            return [n for n, f in fields.items() if f.init]
        obj = obj.__init__
    try:
        params = inspect.signature(obj).parameters.values()
    except (TypeError, ValueError):
        return []
    return [
        p.name
        for p in params
        if p.name not in ("self", "cls") and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)
    ]


PUBLIC = [n for n in newsdedup.__all__ if not n.startswith("__")]


@pytest.mark.parametrize("name", PUBLIC)
def test_public_names_document_their_parameters(name):
    obj = getattr(newsdedup, name)
    doc = inspect.getdoc(obj) or ""
    assert doc, f"{name} has no docstring"
    # A subclass documents what it adds; the rest is its base's (DedupConfig on MatchSettings).
    bases = " ".join(inspect.getdoc(b) or "" for b in getattr(obj, "__mro__", ())[1:])
    missing = [
        p for p in _parameters(obj) if f"``{p}``" not in doc and f"{p}:" not in doc and f"{p}:" not in bases
    ]
    assert missing == [], f"{name} does not document {missing}"
