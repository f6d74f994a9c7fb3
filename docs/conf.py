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
    "sphinx.ext.viewcode",
    "soeplan_docs",
]
myst_enable_extensions = ["colon_fence", "deflist"]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
exclude_patterns = ["_build", "_generated"]
# Furo: a readable theme that works on a phone and in print, with a light and a dark scheme.
html_theme = "furo"
html_static_path = ["_static"]
html_css_files = ["soeplan.css"]  # code blocks and wide tables scroll in their own box
html_title = "soeplan"
language = "en"
# The pages are English with Chinese terms throughout (审核, 全市, 资产负债率): the Chinese search
# language segments both (jieba, from the docs extra), so a search for 审核 finds every page that
# has it, not only those where it stands alone between punctuation.
html_search_language = "zh"
# The domain's words, so that jieba keeps them whole (集团汇总数 → 集团 / 汇总 / 数, not 汇 / 总数).
html_search_options = {"dict": str(HERE / "_ext" / "search-terms.txt")}
autodoc_member_order = "bysource"
# Types in the signature only: a list of the parameters under it would repeat the signature.
autodoc_typehints = "signature"
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

try:  # jieba (the Chinese search's segmenter) logs its dictionary loading at DEBUG level
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
except ImportError:  # without jieba the Chinese search splits on punctuation only
    pass
