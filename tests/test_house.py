"""The house rules of the source tree, checked on every test run so that they stay.

- A module stays under :data:`MODULE_LINES` lines, and a function under :data:`FUNCTION_LINES`,
  unless its docstring says why it is longer (a line starting ``Long:``).
- No module imports a private (underscore) name, or a private module of another subpackage,
  from outside that subpackage: what is shared across subpackages gets a public name in the
  module that owns it. (``soeplan._toml`` and ``soeplan._version`` belong to the whole package.)
- Every subpackage has a docstring that says what it holds (the layout is the table of
  contents).

The import layers and the absence of import circles are checked by ``nox -s lint``
(``lint-imports``, contracts in ``pyproject.toml``).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "soeplan"
MODULE_LINES = 500
FUNCTION_LINES = 80
REASON = "Long:"


def modules() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


def _name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _subpackage(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 2 else module


def _says_why(node: ast.AST) -> bool:
    doc = ast.get_docstring(node) if isinstance(node, ast.Module | ast.FunctionDef) else None
    return any(line.strip().startswith(REASON) for line in (doc or "").splitlines())


def _functions(tree: ast.Module) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


@pytest.mark.parametrize("path", modules(), ids=_name)
def test_module_and_functions_stay_short_or_say_why(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    lines = path.read_text(encoding="utf-8").count("\n")
    if lines > MODULE_LINES:
        assert _says_why(tree), (
            f"{_name(path)} has {lines} lines (> {MODULE_LINES}): split it by concept, or say why "
            f"in its docstring with a line starting {REASON!r}"
        )
    for fn in _functions(tree):
        length = (fn.end_lineno or fn.lineno) - fn.lineno + 1
        if length > FUNCTION_LINES and not _says_why(fn):  # type: ignore[arg-type]
            pytest.fail(
                f"{_name(path)}.{fn.name} has {length} lines (> {FUNCTION_LINES}): split it, or "
                f"say why in its docstring with a line starting {REASON!r}"
            )


def _private_imports(path: Path) -> Iterator[str]:
    me = _name(path)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.ImportFrom):
            continue
        if node.level:
            base = package.split(".")[: len(package.split(".")) - node.level + 1]
            source = ".".join([*base, *([node.module] if node.module else [])])
        else:
            source = node.module or ""
        if not source.startswith("soeplan"):
            continue
        for alias in node.names:
            # soeplan._toml and soeplan._version are the whole package's; a private module
            # inside a subpackage (soeplan.plan._computed) is that subpackage's alone
            nested = source.split(".")[2:]
            private = (alias.name.startswith("_") and not alias.name.startswith("__")) or any(
                p.startswith("_") for p in nested
            )
            if private and _subpackage(source) != _subpackage(me):
                yield f"{me} imports {alias.name} from {source}"


@pytest.mark.parametrize("path", modules(), ids=_name)
def test_no_private_name_crosses_a_subpackage(path: Path) -> None:
    assert list(_private_imports(path)) == []


def test_every_subpackage_says_what_it_holds() -> None:
    for init in sorted(SRC.rglob("__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and len(doc) > 20, f"{init.parent.name}/ needs a docstring saying what it holds"
