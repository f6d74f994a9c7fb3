"""``soeplan report --period 2023-06``: the monthly express report (月度快报)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from soeplan.cli._common import cli, lang_option, plan_option, warn_plugin_failures
from soeplan.cli.store_inputs import require_store
from soeplan.errors import SoeplanError


def _period(ctx: click.Context, param: click.Parameter, value: str) -> Any:
    from soeplan.periods import Period, PeriodError

    try:
        period = Period.parse(value)
    except PeriodError as exc:
        raise click.BadParameter(str(exc)) from None
    if period.month is None:
        raise click.BadParameter(
            f"{value} is a year; the express report is for a month, e.g. {period.year}-06"
        )
    return period


@cli.command("report")
@click.option("--period", "period", required=True, callback=_period, metavar="YYYY-MM",
              help="The month of the report (2023-06, 2023年6月).")  # fmt: skip
@click.option("--sample", is_flag=True, default=False,
              help="The bundled synthetic monthly sample and its synthetic budget.")  # fmt: skip
@click.option("--data", "data", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Monthly observations (CSV or Parquet: unit, entity, year, month, indicator, "
              "value; flows year to date, stocks at the month's end).")  # fmt: skip
@click.option("--annual", "annual", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="The annual observations December is reconciled against "
              "(CSV or Parquet; with --sample the annual sample).")  # fmt: skip
@click.option("--budget", "budgets", multiple=True, metavar="FILE",
              type=click.Path(dir_okay=False, path_type=Path),
              help="A budget workbook (soeplan budget template); repeat for each unit.")  # fmt: skip
@click.option("--store", "store", default=None, type=click.Path(file_okay=False, path_type=Path),
              help="An ingest store: the month's accepted 快报 (without --sample or --data), "
              "the annual figures December is reconciled against, each unit's state, and the "
              "year's budgets (soeplan budget load).")  # fmt: skip
@click.option(
    "--behind",
    type=float,
    default=0.10,
    show_default=True,
    help="Execution behind the time elapsed by more than this (a fraction) is behind.",
)
@click.option(
    "--far-behind",
    type=float,
    default=0.20,
    show_default=True,
    help="... by more than this, far behind (a warning).",
)
@click.option(
    "--ahead",
    type=float,
    default=0.20,
    show_default=True,
    help="Execution ahead of the time elapsed by more than this is ahead.",
)
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Directory to write express.xlsx, express.html and express.md into.")  # fmt: skip
@plan_option
@lang_option
def report_cmd(period: Any, sample: bool, data: Path | None, annual: Path | None,
               budgets: tuple[Path, ...], store: Path | None, behind: float, far_behind: float,
               ahead: float, out: Path, plan: str, lang: str) -> None:  # fmt: skip
    """Write the monthly express report (月度快报) of a month: key flows and stocks with 同比
    and 环比, budget execution (完成率) by unit and group against the time elapsed, the
    debt-ratio watch at the month's end, the units not yet reported, and findings (December
    against the annual figures, large budget deviations).

    \b
    Examples:
      soeplan report --period 2023-06 --sample --out kuaibao/
      soeplan report --period 2023-06 --store store/ --out kuaibao/
      soeplan report --period 2023-06 --data months.csv --store store/ --out kuaibao/
      soeplan report --period 2023-12 --data months.csv --annual annual.csv \\
          --budget kecheng-budget.xlsx --out kuaibao/ --lang en
    """
    from soeplan.express.budget import ExecutionThresholds
    from soeplan.report.express import build_express
    from soeplan.report.express_write import write_express

    if (sample and data is not None) or not (sample or data is not None or store is not None):
        raise SoeplanError(
            "give the monthly figures: --sample, --data FILE or --store DIR (one of them)\n"
            "  fix: soeplan report --period 2023-06 --sample --out DIR"
        )
    thresholds = ExecutionThresholds(behind=behind, far_behind=far_behind, ahead=ahead)
    monthly, yearly, budget, structure = _inputs(period, sample, data, annual, budgets, store)
    states = _states(store, period) if store is not None and not sample else None
    report = build_express(monthly, structure, period, meta=_meta(plan, lang, period, sample,
                           [p for p in (data, annual, *budgets) if p is not None]),
                           budget=budget, annual=yearly, thresholds=thresholds,
                           states=states)  # fmt: skip
    write_express(report, out)
    warn_plugin_failures()
    click.echo(f"wrote {out}/express.xlsx, express.html, express.md: {period} "
               f"({report.findings.height} findings) / 已生成{period.zh}快报")  # fmt: skip


def _inputs(period: Any, sample: bool, data: Path | None, annual: Path | None,
            budgets: tuple[Path, ...], store: Path | None) -> tuple[Any, Any, Any, Any]:  # fmt: skip
    """The monthly figures, the annual ones (or None), the budget (or None), the structure."""
    import polars as pl

    from soeplan.express.files import read_annual, read_monthly
    from soeplan.structure.city import city_structure

    yearly = None
    if sample:
        from soeplan.express.sample_budget import sample_budget
        from soeplan.sample import sample_observations
        from soeplan.sample_monthly import MONTHLY_SAMPLE_YEARS, monthly_sample

        if period.year not in MONTHLY_SAMPLE_YEARS:
            raise SoeplanError(
                f"the monthly sample covers {', '.join(map(str, MONTHLY_SAMPLE_YEARS))}, not "
                f"{period.year}\n  fix: give --period {MONTHLY_SAMPLE_YEARS[-1]}-06"
            )
        yearly = sample_observations(MONTHLY_SAMPLE_YEARS)
        monthly = monthly_sample(yearly)
        budget = sample_budget(period.year)
    elif data is not None:
        monthly = read_monthly(data)
        budget = None
    else:  # the store's accepted 快报 (and, for December, its annual figures)
        from soeplan.submissions.store import read_store
        from soeplan.submissions.store_months import read_store_months

        assert store is not None
        require_store(store)
        monthly = read_store_months(store, [period.year - 1, period.year])
        this = monthly.filter((pl.col("year") == period.year) & (pl.col("month") == period.month))
        if this.is_empty():
            raise SoeplanError(
                f"the store {store} holds no accepted express report (快报) for {period}\n"
                f"  fix: soeplan ingest FILE... --store {store} --period {period}, then "
                "soeplan status --period to see what waits"
            )
        yearly = read_store(store, period.year) if period.month == 12 else None
        budget = None
    if annual is not None:
        yearly = read_annual(annual)
    frames = []
    if store is not None:
        from soeplan.submissions.store_budgets import stored_budget

        frames.append(stored_budget(store, period.year))
    if budgets:
        from soeplan.registers.budget_workbook import read_budget

        frames += [read_budget(p) for p in budgets]
    if frames:
        budget = pl.concat(frames).filter(pl.col("year") == period.year)
    if store is not None:
        from soeplan.submissions.store_registers import store_structure

        return monthly, yearly, budget, store_structure(store, sample=sample)
    return monthly, yearly, budget, city_structure(sample=True)


def _states(store: Path, period: Any) -> dict[str, str]:
    """Each unit's state of its 快报 for the month in the store (``expected``: nothing)."""
    from soeplan.submissions.store import Store

    require_store(store)
    got = Store(store).states(period.year, month=period.month)
    return {unit: st.state for unit, st in got.items()}


def _meta(plan: str, lang: str, period: Any, synthetic: bool, files: list[Path]) -> Any:
    from soeplan.plan.load import load_plan
    from soeplan.report.express import express_meta
    from soeplan.report.model import InputFile

    return express_meta(load_plan(plan), period, lang=lang, synthetic=synthetic,
                        inputs=tuple(InputFile.of(f) for f in files))  # fmt: skip
