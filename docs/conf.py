"""Sphinx configuration for the soeplan docs site (MyST Markdown, warnings are errors)."""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE / "_ext"))

project = "soeplan"
author = "soeplan developers"
copyright = "2026, soeplan developers"

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.doctest",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
    "soeplan_docs",
]
myst_enable_extensions = ["colon_fence", "deflist"]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
exclude_patterns = ["_build", "_generated"]
html_theme = "alabaster"
html_static_path: list[str] = []
html_title = "soeplan"
language = "en"
autodoc_member_order = "bysource"
autodoc_typehints = "description"
# Names that modules import for type checkers only (``if TYPE_CHECKING:``) cannot be evaluated by
# autodoc; say which object each one is, so a signature links to one documented target.
autodoc_type_aliases = {
    "Registry": "soeplan.Registry",
    "Structure": "soeplan.Structure",
    "Plan": "soeplan.Plan",
    "Indicator": "soeplan.Indicator",
}
nitpicky = False
suppress_warnings = ["myst.header"]
doctest_global_setup = """
import soeplan
"""
