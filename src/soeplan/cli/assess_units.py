"""``soeplan assess --by unit|group`` and ``--losses``: who lags, who loses money.

Both need the figures below the scopes, so they consolidate the entity-level observations
(``--sample`` or ``--observations FILE``) rather than read a rollup's scope totals (``--data``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from soeplan.cli._render import render_rows
from soeplan.errors import SoeplanError


def _pct(v: float | None) -> str:
    from soeplan.report.format import format_value
    from soeplan.report.model import CellFormat

    return format_value(v, CellFormat.RATIO, missing="")


def _num(v: float | None) -> str:
    from soeplan.report.format import format_value
    from soeplan.report.model import CellFormat

    return format_value(v, CellFormat.AMOUNT, missing="")


def _consolidated(sample: bool, observations: Sequence[Path], plan: str, year: int) -> Any:
    """The rollup of the named observations, and the structure it used."""
    from soeplan.cli.rollup import load_observations, load_structure, refuse_implausible
    from soeplan.consolidation.rollup import rollup

    if not sample and not observations:
        raise SoeplanError(
            "--by and --losses need the enterprises' figures, not the scope totals\n"
            "  fix: add --sample, or --observations FILE (unit, entity, year, indicator, value)"
        )
    obs = refuse_implausible(load_observations(sample, observations), plan, (year,))
    structure = load_structure(sample, ())
    return rollup(obs, structure), structure


_BY_HEADER = {
    "zh": ("范围", "指标", "单位", "实际年均", "所需年均（全期）", "比值R", "距进度路径",
           "占缺口比重", "排名", "评价"),
    "en": ("Scope", "Indicator", "Unit", "Actual per year", "Required per year (whole period)",
           "Ratio R", "Behind the path", "Share of the gap", "Rank", "Assessment"),
}  # fmt: skip
_LOSS_HEADER = {
    "zh": ("单位", "企业", "层级", "利润总额", "上年", "连续亏损年数"),
    "en": ("Unit", "Enterprise", "Level", "Total profit", "Last year", "Years of loss in a row"),
}


def echo_by_member(
    plan_id: str,
    year: int,
    by: str,
    sample: bool,
    observations: Sequence[Path],
    fmt: str,
    lang: str,
) -> None:
    """Print each amount target's breakdown by unit or by group, ranked."""
    from soeplan.assessment.by_unit import progress_by_member
    from soeplan.plan.load import load_plan
    from soeplan.plugins.registry import get_registry
    from soeplan.report.units import LAGGING, Names
    from soeplan.sections import SectionContext

    plan = get_registry().plan_with_targets(load_plan(plan_id))
    result, structure = _consolidated(sample, observations, plan_id, year)
    df = progress_by_member(result.values, plan, year, structure, by=by)
    names = Names(SectionContext(year=year, plan=plan, structure=structure, lang=lang))
    scope_name = {s.id: s.name(lang) for s in plan.scopes}
    rows = [
        [
            scope_name.get(r["scope"], r["scope"]),
            names.indicator(r["indicator"])(lang),
            names.member(r["member"], by)(lang),
            _pct(r["actual_rate"]),
            _pct(r["required_rate"]),
            _num(r["ratio"]),
            _num(r["shortfall"]),
            _pct(r["gap_share"]),
            str(r["rank"]),
            LAGGING(lang) if r["lagging"] else "",
        ]
        for r in df.iter_rows(named=True)
    ]
    header = list(_BY_HEADER[lang])
    if by == "group":
        header[2] = "集团" if lang == "zh" else "Group"
    what = {
        "unit": ("分单位进展", "progress by unit"),
        "group": ("分集团进展", "progress by group"),
    }
    title = (
        f"{plan.title_zh}：{year}年{what[by][0]}"
        if lang == "zh"
        else f"{plan.title_en}: {what[by][1]} in {year}"
    )
    click.echo(render_rows(header, rows, fmt, title=title), nl=False)


def echo_losses(
    plan_id: str, year: int, sample: bool, observations: Sequence[Path], fmt: str, lang: str
) -> None:
    """Print the loss-making enterprises and groups of ``year``, by unit."""
    from soeplan.assessment.losses import loss_makers
    from soeplan.report.units import WORDS, Names
    from soeplan.sections import SectionContext

    result, structure = _consolidated(sample, observations, plan_id, year)
    losses = loss_makers(result.values, year, structure, groups=True)
    names = Names(SectionContext(year=year, structure=structure, lang=lang))
    rows = [
        [
            names.unit(r["unit"])(lang),
            names.entity(r["entity"], r["name"])(lang),
            WORDS[r["level"]](lang),
            _num(r["total_profit"]),
            _num(r["previous"]),
            str(r["loss_years"]),
        ]
        for r in losses.iter_rows(named=True)
    ]
    title = f"{year}年亏损企业" if lang == "zh" else f"Loss-making enterprises in {year}"
    click.echo(render_rows(list(_LOSS_HEADER[lang]), rows, fmt, title=title), nl=False)
