"""The tree is ruff clean (lint and format), with the settings in pyproject.toml."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RUFF = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")


@pytest.mark.skipif(RUFF is None, reason="ruff is installed by the [test] extra")
@pytest.mark.parametrize("args", [["check", "."], ["format", "--check", "."]])
def test_ruff(args):
    done = subprocess.run([RUFF, *args], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


# --- the layout: each concept one home -----------------------------------------------------------

import ast  # noqa: E402

SRC = ROOT / "src" / "newsdedup"
MODULES = sorted(SRC.rglob("*.py"))
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 60


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_module_says_what_it_is_and_stays_small(path):
    tree = _tree(path)
    assert ast.get_docstring(tree), f"{path} has no module docstring"
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{path} has {lines} lines (at most {MAX_MODULE_LINES})"


def _private_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("newsdedup")):
            found += [
                f"{node.module}.{a.name}"
                for a in node.names
                if a.name.startswith("_") and not a.name.endswith("__")
            ]
    return found


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_no_module_imports_another_modules_private_names(path):
    assert _private_imports(path) == []


def test_the_private_import_check_can_fail(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text('"""x"""\nfrom .records import _hidden\n')
    assert _private_imports(bad) == ["records._hidden"]


def _long_functions(path: Path) -> list[str]:
    source = path.read_text(encoding="utf-8").splitlines()
    out = []
    for node in ast.walk(_tree(path)):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        body = node.body[1:] if ast.get_docstring(node) else node.body
        if not body:  # an abstract method: its docstring only
            continue
        length = node.end_lineno - body[0].lineno + 1
        first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
        reason = any(source[k].lstrip().startswith("# long:") for k in range(max(0, first - 4), first - 1))
        if length > MAX_FUNCTION_LINES and not reason:
            out.append(f"{node.name} ({length} lines)")
    return out


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_long_functions_say_why(path):
    assert _long_functions(path) == [], "over 60 lines without a '# long: reason' comment above"


def test_the_long_function_check_can_fail(tmp_path):
    body = "".join(f"    x{i} = {i}\n" for i in range(61))
    (tmp_path / "long.py").write_text(f'"""x"""\n\n\ndef f():\n    """doc"""\n{body}')
    (tmp_path / "said.py").write_text(f'"""x"""\n\n\n# long: a reason\ndef f():\n{body}')
    assert _long_functions(tmp_path / "long.py") == ["f (61 lines)"]
    assert _long_functions(tmp_path / "said.py") == []
