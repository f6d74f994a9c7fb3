"""Validation rules (审核公式) as declarative records.

A :class:`Rule` has an id, a bilingual description, a severity and a ``check``: a function of a
:class:`RuleContext` returning a findings frame (columns :data:`FINDING_SCHEMA`). The core's rules
and a county plugin's rules are registered through the same ``soeplan_rules`` hook.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import attrs
import polars as pl

from soeplan.frames import FINDING_SCHEMA
from soeplan.provenance import Provider

if TYPE_CHECKING:  # records of higher layers, named for type checkers only
    from soeplan.plan.model import Plan
    from soeplan.structure.dated import Structure


class Severity(StrEnum):
    """How serious a finding is. The workflow policy says which severities block a submission."""

    HINT = "hint"  #: 提示: informs
    WARNING = "warning"  #: 警告: needs a written explanation (出错说明)
    ERROR = "error"  #: 错误: blocks the submission

    @property
    def zh(self) -> str:
        return {"hint": "提示", "warning": "警告", "error": "错误"}[self.value]

    @property
    def rank(self) -> int:
        return {"hint": 0, "warning": 1, "error": 2}[self.value]


def empty_findings() -> pl.DataFrame:
    return pl.DataFrame(schema=FINDING_SCHEMA)


def findings_frame(rows: Sequence[Mapping[str, Any]]) -> pl.DataFrame:
    """Build a findings frame from dicts; missing columns are null."""
    full = [{k: r.get(k) for k in FINDING_SCHEMA} for r in rows]
    return pl.DataFrame(full, schema=FINDING_SCHEMA)


@attrs.frozen(kw_only=True)
class RuleContext:
    """What a rule's check sees.

    ``observations`` is the long frame being validated: ``unit, entity, year, indicator, value``
    plus, where known, the source columns ``file, sheet, row, cell``. ``prior`` holds last year's
    accepted observations of the same unit (or ``None``). ``structure`` is the composed
    :class:`~soeplan.structure.dated.Structure` in force, ``plan`` the plan being run.

    For a month's express report (快报) ``month`` is its month (``None``: the whole year), flows
    are year-to-date and stocks at the month's end; ``prior`` is then the same month of last
    year (同期) and ``previous`` the unit's accepted 快报 of the month before (``None`` in January,
    when the year-to-date totals start again, and for a year).
    """

    observations: pl.DataFrame
    year: int
    unit: str | None = None
    prior: pl.DataFrame | None = None
    structure: Structure | None = None
    plan: Plan | None = None
    indicators: Mapping[str, Any] = attrs.field(factory=dict)
    options: Mapping[str, Any] = attrs.field(factory=dict)
    month: int | None = None
    previous: pl.DataFrame | None = None


@attrs.frozen(kw_only=True)
class Rule:
    """A validation rule (审核公式)."""

    id: str
    severity: Severity
    description_zh: str
    description_en: str
    check: Callable[[RuleContext], pl.DataFrame] = attrs.field(eq=False)
    provider: Provider | None = attrs.field(default=None, eq=False)
