"""``soeplan milestones``: the plan's level targets broken down by year (分解到年度)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import click

from soeplan.cli._common import cli, format_option, lang_option, plan_option, warn_plugin_failures
from soeplan.cli._render import render_rows


def fmt_number(value: float | None, places: int) -> str:
    """Round half-up (四舍五入) for printing; blank for a missing value."""
    if value is None or value != value:
        return ""
    if value in (float("inf"), float("-inf")):
        return "∞" if value > 0 else "-∞"
    q = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{q:f}" if q != 0 else f"{abs(q):f}"


def fmt_value(value: float | None, kind: str) -> str:
    """A value of an indicator: ratios in %, amounts to 0.01, counts to 0.1 (milestones)."""
    if kind == "ratio":
        text = fmt_number(None if value is None else value * 100, 2)
        return f"{text}%" if text else ""
    return fmt_number(value, 1 if kind == "count" else 2)


def indicator_kinds() -> dict[str, tuple[str, str, str, str]]:
    """code → (kind, name_zh, name_en, unit) for every registered indicator."""
    from soeplan.plugins.registry import get_registry

    return {
        code: (ind.kind.value, ind.name_zh, ind.name_en, ind.unit)
        for code, ind in get_registry().indicators.items()
    }


def indicator_order(plan_tables: list[tuple[str, ...]]) -> dict[str, int]:
    order: dict[str, int] = {}
    for rows in plan_tables:
        for code in rows:
            order.setdefault(code, len(order))
    return order


@cli.command("milestones")
@plan_option
@click.option(
    "--method",
    type=click.Choice(["compound", "linear", "both"]),
    default="both",
    show_default=True,
    help="Paths for amounts: compound (constant growth rate), linear (constant change) or both. "
    "Ratios and counts always get the linear path.",
)
@format_option()
@lang_option
def milestones_cmd(plan: str, method: str, fmt: str, lang: str) -> None:
    """Yearly milestones from the base year to the target year for every level target.

    One row per scope, indicator and path; one column per year. Ceilings and floors have no
    path (the bound holds every year) and are not listed.

    \b
    Example:
      soeplan milestones --plan quzhou-14th --method compound
      soeplan milestones --method both --format csv --lang en
    """
    from soeplan.assessment.milestones import Method, plan_milestones
    from soeplan.plan.load import load_plan

    warn_plugin_failures()
    p = load_plan(plan)
    frame = plan_milestones(p, method=method)
    if p.unit_targets:  # the targets broken down to units ([[unit_target]]), with a base
        import polars as pl

        from soeplan.assessment.by_unit import unit_target_paths

        paths = unit_target_paths(p, method).with_columns(
            pl.col("method").cast(frame["method"].dtype)
        )
        frame = pl.concat([frame, paths.select(frame.columns)], how="vertical_relaxed")
    kinds = indicator_kinds()
    order = indicator_order(
        [t.rows for t in p.tables if t.kind == "targets"] + [t.rows for t in p.tables]
    )
    scope_order = {s.id: i for i, s in enumerate(p.scopes)}
    years = sorted(set(frame["year"].to_list()))
    zh = lang == "zh"
    header = [
        "范围" if zh else "Scope",
        "指标" if zh else "Indicator",
        "单位" if zh else "Unit",
        "路径" if zh else "Path",
        *(str(y) for y in years),
    ]
    groups: dict[tuple[str, str, str], dict[int, float]] = {}
    for r in frame.iter_rows(named=True):
        groups.setdefault((r["scope"], r["indicator"], r["method"]), {})[r["year"]] = r["value"]
    keys = sorted(
        groups,
        key=lambda k: (scope_order.get(k[0], 99), order.get(k[1], 999), k[1], k[2]),
    )
    rows = []
    for scope, code, m in keys:
        kind, name_zh, name_en, unit = kinds.get(code, ("amount", code, code, ""))
        rows.append(
            [
                _scope_name(p, scope, lang),
                name_zh if zh else name_en,
                unit if zh or unit == "%" else _unit_en(unit),
                Method(m).label(lang),
                *(fmt_value(groups[(scope, code, m)].get(y), kind) for y in years),
            ]
        )
    title = (
        f"{p.title_zh}：主要目标年度分解（{p.base_year}—{p.target_year}）"
        if zh
        else f"{p.title_en}: yearly milestones ({p.base_year}–{p.target_year})"
    )
    click.echo(render_rows(header, rows, fmt, title=title), nl=False)


def _scope_name(p: Any, scope: str, lang: str) -> str:
    """A plan scope's name, or a county-level unit's (a target broken down to a unit)."""
    if any(s.id == scope for s in p.scopes):
        return str(p.scope(scope).name(lang))
    from soeplan.structure.city import city_structure

    units = city_structure().units
    return units[scope].name(lang) if scope in units else scope


def _unit_en(unit: str) -> str:
    from soeplan.indicators import UNIT_EN

    return UNIT_EN.get(unit, unit)
