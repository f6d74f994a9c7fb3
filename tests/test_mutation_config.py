"""The mutation run's two lists agree: the modules mutmut mutates (``pyproject.toml``,
``[tool.mutmut] only_mutate``) are the modules ``nox -s mutate`` knows the tests of
(``noxfile.py``, ``_MUTATE_GROUPS``), and every file either names exists. A module in one list
only would be mutated against no test, or never mutated."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def groups() -> list[tuple[list[str], list[str]]]:
    tree = ast.parse((ROOT / "noxfile.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", "") == "_MUTATE_GROUPS":
            assert node.value is not None
            return ast.literal_eval(node.value)  # type: ignore[no-any-return]
    raise AssertionError("noxfile.py has no _MUTATE_GROUPS")


def test_the_mutated_modules_are_the_ones_with_tests_named() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    mutated = config["tool"]["mutmut"]["only_mutate"]
    named = [m for modules, _ in groups() for m in modules]
    assert len(named) == len(set(named)), "a module is in two groups of _MUTATE_GROUPS"
    assert sorted(mutated) == sorted(named)


def test_every_module_and_test_named_exists() -> None:
    missing = [
        path
        for modules, tests in groups()
        for path in (*modules, *tests)
        if not (ROOT / path).exists()
    ]
    assert missing == []
