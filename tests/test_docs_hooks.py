"""The hook reference matches the hook specifications: no hook missing, no signature stale."""

from __future__ import annotations

import inspect
import re
import sys
from pathlib import Path

import pytest

from soeplan.plugins import hookspecs

DOCS = Path(__file__).resolve().parent.parent / "docs"
sys.path.insert(0, str(DOCS / "_ext"))
import soeplan_docs  # noqa: E402

SPECS = {n: f for n, f in vars(hookspecs).items() if n.startswith("soeplan_") and callable(f)}


def test_every_hook_is_in_the_hand_written_table_with_its_parameters() -> None:
    page = (DOCS / "reference" / "hooks.md").read_text(encoding="utf-8")
    documented = dict(re.findall(r"^\| `(soeplan_\w+)\(([^)]*)\)` \|", page, flags=re.M))
    assert set(documented) == set(SPECS), (
        "hooks missing from (or unknown to) docs/reference/hooks.md"
    )
    for name, fn in SPECS.items():
        params = ", ".join(inspect.signature(fn).parameters)
        assert documented[name] == params, f"{name} is documented as ({documented[name]})"


@pytest.mark.parametrize("name", sorted(SPECS))
def test_generated_reference_has_the_exact_signature(name: str) -> None:
    fn = SPECS[name]
    text = soeplan_docs.hook_reference()
    sig = inspect.signature(fn)
    params = ", ".join(f"{p.name}: {p.annotation}" for p in sig.parameters.values())
    assert f"{name}({params}) -> {sig.return_annotation}" in text
    first = bool(fn.soeplan_spec.get("firstresult"))  # type: ignore[attr-defined]
    block = text.split(f"### `{name}`", 1)[1].split("### ", 1)[0]
    assert f"firstresult: **{'yes' if first else 'no'}**" in block
    assert soeplan_docs._myst(inspect.cleandoc(fn.__doc__ or "").splitlines()[0]) in block


def test_generator_is_registered_for_the_build() -> None:
    assert soeplan_docs.GENERATORS["hooks.md"] is soeplan_docs.hook_reference
