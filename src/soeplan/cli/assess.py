"""``soeplan assess``: a year's observations against the plan's targets."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from soeplan.cli._common import cli, format_option, lang_option, plan_option, warn_plugin_failures
from soeplan.cli._render import render_rows
from soeplan.cli.milestones import fmt_number, fmt_value, indicator_kinds, indicator_order
from soeplan.errors import Problem, SoeplanError

if TYPE_CHECKING:
    import polars as pl


class ObservationFileError(SoeplanError):
    """An observations file that cannot be read."""


def read_figures_file(path: Path) -> pl.DataFrame:
    """Read a CSV or Parquet file of observations; every column as read (checked later)."""
    import polars as pl

    if not path.exists():
        raise ObservationFileError(
            f"{path}: file not found",
            problems=[
                Problem(
                    str(path),
                    "no such file",
                    "check the path; write the file with `soeplan rollup --format csv > FILE`",
                )
            ],
        )
    try:
        if path.suffix.lower() in (".parquet", ".pq"):
            return pl.read_parquet(path)
        # Every column as text: the assessment checks and converts them, naming a bad row.
        return pl.read_csv(path, infer_schema_length=0)
    except (pl.exceptions.PolarsError, OSError, UnicodeDecodeError) as exc:
        kind = "Parquet" if path.suffix.lower() in (".parquet", ".pq") else "CSV"
        raise ObservationFileError(
            f"{path}: cannot be read as {kind}",
            problems=[
                Problem(
                    str(path),
                    f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}",
                    "give a UTF-8 CSV file (or .parquet) with a header row: "
                    "scope,year,indicator,value",
                )
            ],
        ) from None


def _rate(value: float | None, method: str, kind: str) -> str:
    """A rate: compound growth in %, a linear change in the indicator's unit per year."""
    if value is None:
        return ""
    if method == "compound":
        text = fmt_number(value * 100, 2)
        return f"{text}%"
    if kind == "ratio":
        return f"{fmt_number(value * 100, 2)}pp"
    return fmt_number(value, 2)


def _diff(value: float | None, kind: str) -> str:
    """A difference of two values: percentage points for ratios."""
    if kind == "ratio":
        text = fmt_number(None if value is None else value * 100, 2)
        return f"{text}pp" if text else ""
    return fmt_value(value, kind)


def _pct(value: float | None) -> str:
    text = fmt_number(None if value is None else value * 100, 1)
    return f"{text}%" if text else ""


@cli.command("assess")
@plan_option
@click.option(
    "--data",
    "data",
    default=None,
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FILE",
    help="Observations: CSV or Parquet with columns scope, year, indicator, value "
    "(ratios as fractions; scopes 全市/市区 or city/urban; other scopes are ignored).",
)
@click.option("--year", type=int, required=True, help="The year to assess.")
@click.option(
    "--by",
    type=click.Choice(["unit", "group"]),
    default=None,
    help="Break each amount target down by county-level unit or by top-level group: growth, "
    "ratio R against the scope's required pace, share of the gap, rank (needs --sample or "
    "--observations).",
)
@click.option(
    "--losses",
    is_flag=True,
    default=False,
    help="List the loss-making enterprises and groups (total profit < 0) with their "
    "consecutive loss years (needs --sample or --observations).",
)
@click.option("--sample", is_flag=True, default=False, help="For --by/--losses: the sample.")
@click.option(
    "--observations",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="For --by/--losses: entity-level observations (unit, entity, year, indicator, value).",
)
@format_option()
@lang_option
def assess_cmd(
    plan: str,
    data: Path | None,
    year: int,
    by: str | None,
    losses: bool,
    sample: bool,
    observations: tuple[Path, ...],
    fmt: str,
    lang: str,
) -> None:
    """Assess a year's observations against every target of the plan.

    Level targets get a status (ratio of actual to required annual growth, Eurostat's bands)
    and a mid-term category (share of the distance covered against the share of time elapsed,
    时间过半、任务过半); ceilings and floors get their compliance and headroom. Values are
    rounded for printing only.

    \b
    Example:
      soeplan rollup --sample --format csv > rollup.csv
      soeplan assess --plan quzhou-14th --data rollup.csv --year 2023
      soeplan assess --data rollup.csv --year 2023 --format md --lang en
      soeplan assess --sample --by unit --year 2023
      soeplan assess --sample --losses --year 2023
    """
    from soeplan.assessment.frame import assess_frame
    from soeplan.plan.load import load_plan
    from soeplan.plugins.registry import get_registry

    warn_plugin_failures()
    if by or losses:
        from soeplan.cli.assess_units import echo_by_member, echo_losses

        if by:
            echo_by_member(plan, year, by, sample, observations, fmt, lang)
        if losses:
            echo_losses(plan, year, sample, observations, fmt, lang)
        return
    if data is None:
        raise click.UsageError("give --data FILE (a rollup's scope totals), or --by/--losses")
    p = get_registry().plan_with_targets(load_plan(plan))
    frame = assess_frame(read_figures_file(data), p, year)
    order = indicator_order([t.rows for t in p.tables if t.kind == "targets"])
    scope_order = {s.id: i for i, s in enumerate(p.scopes)}
    records = sorted(
        frame.iter_rows(named=True),
        key=lambda r: (scope_order.get(r["scope"], 99), order.get(r["indicator"], 999)),
    )
    names = _ScopeNames({s.id: s.name(lang) for s in p.scopes}, lang)
    kinds = indicator_kinds()
    rows = [_row(r, kinds, names, lang) for r in records]
    header = _header(lang, p.base_year, year)
    share = _pct((year - p.base_year) / (p.target_year - p.base_year))
    title = (
        f"{p.title_zh}：{year}年目标进展评估（时间进度 {share}）"
        if lang == "zh"
        else f"{p.title_en}: progress in {year} ({share} of the time elapsed)"
    )
    click.echo(render_rows(header, rows, fmt, title=title), nl=False)


_HEADER = {
    "zh": (
        "范围", "指标", "方法", "基期值({base})", "本期值({year})", "目标值", "{year}年里程碑",
        "实际年均", "所需年均", "比值", "评价", "完成进度", "中期评价", "目标年预计", "缺口",
        "距限值",
    ),
    "en": (
        "Scope", "Indicator", "Method", "Base ({base})", "Value ({year})", "Target value",
        "Milestone {year}", "Actual per year", "Required per year", "Ratio", "Assessment",
        "Completion", "Mid-term", "Projection", "Gap", "Headroom",
    ),
}  # fmt: skip


def _header(lang: str, base_year: int, year: int) -> list[str]:
    return [h.format(base=base_year, year=year) for h in _HEADER[lang]]


class _ScopeNames:
    """A plan scope's name, or a county-level unit's (a plugin's own targets), looked up once."""

    def __init__(self, names: dict[str, str], lang: str) -> None:
        self.names, self.lang = names, lang

    def __call__(self, scope: str) -> str:
        if scope not in self.names:
            from soeplan.structure.city import city_structure

            units = city_structure().units
            self.names[scope] = units[scope].name(self.lang) if scope in units else scope
        return self.names[scope]


def _target_text(r: dict[str, Any], ikind: str, zh: bool) -> str:
    target = fmt_value(r["target"], ikind)
    if r["kind"] == "ceiling":
        target = ("<" if r["strict"] else "≤") + target
    elif r["kind"] == "floor":
        target = "≥" + target
    if r["stretch"] is not None:
        target += ("，力争" if zh else ", stretch ") + fmt_value(r["stretch"], ikind)
    return target


def _row(
    r: dict[str, Any],
    kinds: dict[str, tuple[str, str, str, str]],
    scope_name: _ScopeNames,
    lang: str,
) -> list[str]:
    """One printed row of the assessment: the figures rounded for print only."""
    from soeplan.assessment.milestones import Method
    from soeplan.assessment.records import BoundStatus, MidTerm, Status

    zh = lang == "zh"
    ikind, name_zh, name_en, _unit = kinds.get(r["indicator"], ("amount", "", "", ""))
    if r["kind"] == "level":
        verdict = Status(r["status"]).label(lang) if r["status"] else ""
    else:
        verdict = BoundStatus(r["compliance"]).label(lang) if r["compliance"] else ""
    return [
        scope_name(r["scope"]),
        (name_zh if zh else name_en) or r["indicator"],
        Method(r["method"]).label(lang),
        fmt_value(r["base"], ikind),
        fmt_value(r["current"], ikind),
        _target_text(r, ikind, zh),
        fmt_value(r["milestone"], ikind),
        _rate(r["actual_rate"], r["method"], ikind),
        _rate(r["required_rate"], r["method"], ikind),
        fmt_number(r["ratio"], 2),
        verdict,
        _pct(r["completion_share"]),
        MidTerm(r["category"]).label(lang) if r["category"] else "",
        fmt_value(r["projection"], ikind),
        _diff(r["gap"], ikind),
        _diff(r["headroom"], ikind),
    ]
