"""The core's default schemes and the sample's **synthetic** standard values.

:func:`default_schemes` are the schemes the core registers through
``soeplan_assessment_schemes`` (``soeplan/data/scoring/default_schemes.toml``): one per
functional class, marked ``default`` and documented as a starting point **for the office to
review**, never a published scheme. :func:`sample_standards` are made-up standard values for the
synthetic sample (``sample_standards_synthetic.csv``), marked synthetic wherever they appear, so
that ``soeplan demo`` can show the classified assessment; they are not 企业绩效评价标准值.

>>> [s.id for s in default_schemes()]
['core.commercial_1', 'core.commercial_2', 'core.public']
>>> sample_standards(2024).synthetic, sample_standards(2024).years()
(True, (2024,))
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import attrs

from soeplan.indicators import builtin_indicators
from soeplan.scoring.files import read_schemes, read_standards
from soeplan.scoring.records import Scheme, StandardTable

__all__ = ["SAMPLE_STANDARDS_LABEL", "default_schemes", "sample_standards"]

#: How the sample's standard values are labelled wherever they are shown.
SAMPLE_STANDARDS_LABEL = (
    "合成示例标准值（非公布数据）",
    "synthetic sample standard values (not published)",
)


def default_schemes() -> tuple[Scheme, ...]:
    """The core's default scheme for each functional class (to be reviewed by the office)."""
    return _default_schemes()


@cache
def _default_schemes() -> tuple[Scheme, ...]:
    ref = resources.files("soeplan") / "data" / "scoring" / "default_schemes.toml"
    with resources.as_file(ref) as p:
        return read_schemes(p, {i.code: i for i in builtin_indicators()})


@cache
def _sample_table() -> StandardTable:
    ref = resources.files("soeplan") / "data" / "scoring" / "sample_standards_synthetic.csv"
    with resources.as_file(ref) as p:
        return read_standards(p, {i.code: i for i in builtin_indicators()}, synthetic=True)


def sample_standards(year: int) -> StandardTable:
    """The synthetic sample's standard values, stated for ``year`` (the same made-up values for
    every year of the sample)."""
    table = _sample_table()
    rows = tuple(attrs.evolve(r, year=year) for r in table.rows if r.year == table.years()[-1])
    return attrs.evolve(table, rows=rows, source=f"soeplan sample ({SAMPLE_STANDARDS_LABEL[1]})")
