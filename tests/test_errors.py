"""One error hierarchy, and every missing optional extra a one-line message with its pip command."""

import sys

import pytest

import newsdedup
from newsdedup.cli import main
from newsdedup.errors import IndexFormatError, InputError, MissingExtra, NewsdedupError, require


def _missing(monkeypatch, *modules):
    # None in sys.modules makes an import fail exactly as a package that is not installed does.
    for name in list(sys.modules):
        if any(name == m or name.startswith(m + ".") for m in modules):
            monkeypatch.setitem(sys.modules, name, None)
    for m in modules:
        monkeypatch.setitem(sys.modules, m, None)


def test_the_hierarchy():
    for kind in (InputError, IndexFormatError, MissingExtra):
        assert issubclass(kind, NewsdedupError)
    assert issubclass(InputError, ValueError) and issubclass(MissingExtra, ImportError)
    assert newsdedup.InputError is InputError and newsdedup.IndexFormatError is IndexFormatError


def test_require_names_the_extra(monkeypatch):
    _missing(monkeypatch, "pyarrow")
    with pytest.raises(
        MissingExtra, match=r"^Parquet needs the pyarrow package: pip install 'newsdedup\[parquet\]'$"
    ):
        require("pyarrow.parquet", extra="parquet", purpose="Parquet")
    assert require("json", extra="x", purpose="y").dumps(1) == "1"


def _jsonl(tmp_path, name="in.jsonl"):
    path = tmp_path / name
    path.write_text('{"id": "a", "text": "Rain fell on the harbour all day."}\n')
    return path


CASES = {
    "redis": (["redis"], lambda tmp: ["index", "stats", "redis://localhost:1/0"]),
    "parquet": (["pyarrow"], lambda tmp: ["dedup", str(_parquet_name(tmp)), "-q"]),
    "zstd": (["zstandard"], lambda tmp: ["dedup", str(_jsonl(tmp)), "-o", str(tmp / "out.jsonl.zst"), "-q"]),
    "spark": (
        ["pyspark"],
        lambda tmp: ["dedup", str(_jsonl(tmp)), "--engine", "spark", "-o", str(tmp / "o"), "-q"],
    ),
}


def _parquet_name(tmp_path):
    path = tmp_path / "in.parquet"
    path.write_bytes(b"PAR1")
    return path


@pytest.mark.parametrize("extra", sorted(CASES))
def test_cli_missing_extra_is_one_line_and_exit_2(extra, monkeypatch, tmp_path, capsys):
    modules, argv = CASES[extra]
    _missing(monkeypatch, *modules)
    assert main(argv(tmp_path)) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith("newsdedup: error: ") and f"pip install 'newsdedup[{extra}]'" in err


def test_library_missing_extras_raise_missing_extra(monkeypatch):
    _missing(monkeypatch, "pandas", "datasets", "redis")
    import newsdedup.hf
    import newsdedup.pandas as ndp

    with pytest.raises(MissingExtra, match=r"newsdedup\[pandas\]"):
        ndp.clean_series(None)
    with pytest.raises(MissingExtra, match=r"newsdedup\[datasets\]"):
        newsdedup.hf.dedup(None)
    with pytest.raises(MissingExtra, match=r"newsdedup\[redis\]"):
        newsdedup.NearDupIndex(storage="redis://localhost:1/0")
