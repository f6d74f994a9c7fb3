"""What `import soeplan` and the command line's --help load: no heavy library before it is used.

Each check runs in a fresh interpreter, so what this test process has already imported does not
count. The package root loads its names lazily (PEP 562); the command line imports a command's
libraries only when that command runs.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

import soeplan

HEAVY = ("pandera", "pandas", "openpyxl", "jinja2", "polars", "numpy", "pyarrow")
#: What only validation (pandera, hence pandas), workbooks and the HTML report need.
HEAVIEST = {"pandera", "pandas", "openpyxl", "jinja2"}


def loaded_after(code: str) -> set[str]:
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}})))"
    out = subprocess.run(
        [sys.executable, "-c", probe], check=True, capture_output=True, text=True
    ).stdout
    return set(json.loads(out.splitlines()[-1])) & set(HEAVY)


def test_import_soeplan_loads_no_heavy_library() -> None:
    assert loaded_after("import soeplan") == set()


def test_help_loads_no_heavy_library() -> None:
    code = "from soeplan.cli import main\nassert main(['--help']) == 0"
    assert loaded_after(code) == set()


def test_a_light_name_stays_light() -> None:
    # growth arithmetic works on numbers and polars expressions: it needs polars, nothing more
    loaded = loaded_after("import soeplan\nassert soeplan.cagr(1.0, 2.0, 1) == 1.0")
    assert loaded & HEAVIEST == set()


def test_a_heavy_name_loads_its_library_on_first_use() -> None:
    assert "openpyxl" in loaded_after("import soeplan\nsoeplan.write_template")


def test_pandera_loads_only_when_a_submission_is_validated() -> None:
    assert "pandera" not in loaded_after("import soeplan\nsoeplan.validate")
    validated = (
        "import soeplan\n"
        "frame = soeplan.sample_unit('kecheng', 2023)\n"
        "soeplan.validate(frame, unit='kecheng', year=2023)"
    )
    assert "pandera" in loaded_after(validated)


@pytest.mark.parametrize("name", soeplan.__all__)
def test_every_exported_name_resolves(name: str) -> None:
    assert getattr(soeplan, name) is not None


def test_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nonesuch'"):
        _ = soeplan.nonesuch  # type: ignore[attr-defined]


def test_lazy_map_and_type_checking_imports_agree() -> None:
    """The names the root loads lazily are exactly those it imports for type checkers."""
    tree = ast.parse(Path(soeplan.__file__).read_text(encoding="utf-8"))
    block = next(
        n for n in tree.body if isinstance(n, ast.If) and ast.unparse(n.test) == "TYPE_CHECKING"
    )
    typed = {
        (node.module, alias.name)
        for node in block.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    lazy = {(module, name) for name, module in soeplan._WHERE.items()}
    assert typed == lazy
