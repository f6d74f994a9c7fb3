"""``soeplan assess``: a year's observations against the plan's targets."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from soeplan.cli._common import cli, format_option, lang_option, plan_option, warn_plugin_failures
from soeplan.cli._period import chosen_period, period_option
from soeplan.errors import Problem, SoeplanError

if TYPE_CHECKING:
    import polars as pl

    from soeplan.periods import Period


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


@cli.command("assess")
@plan_option
@click.option(
    "--data",
    "data",
    default=None,
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FILE",
    help="The scope totals to assess: what `soeplan rollup --format csv` writes, a CSV or "
    "Parquet file with columns scope, year, indicator, value (ratios as fractions; scopes "
    "全市/市区 or city/urban; other rows are ignored); an example is shown above.",
)
@click.option("--year", type=int, default=None, help="The year to assess.")
@period_option
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
@click.option(
    "--sample",
    is_flag=True,
    default=False,
    help="With --period: assess the synthetic (monthly) sample's totals; for --by/--losses: "
    "the sample.",
)
@click.option(
    "--store",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    metavar="DIR",
    help="With --period: assess the totals of an ingest store's accepted submissions (a month: "
    "its accepted 快报); a period some unit of a scope is missing for is refused.",
)
@click.option(
    "--allow-partial",
    is_flag=True,
    default=False,
    help="With --store: assess a period some units of a scope have not been accepted for.",
)
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
    year: int | None,
    period: Period | None,
    by: str | None,
    losses: bool,
    sample: bool,
    store: Path | None,
    allow_partial: bool,
    observations: tuple[Path, ...],
    fmt: str,
    lang: str,
) -> None:
    """Assess a year's scope totals against every target of the plan.

    FILE (--data) holds the totals of the plan's scopes, one figure a row, as `soeplan rollup
    --format csv` writes them (from --sample, --data or --store); amounts in the indicator's unit
    (亿元), ratios as fractions (0.5873 is 58.73%):

    \b
      scope,year,indicator,value
      全市,2023,total_assets,2391.52
      全市,2023,debt_ratio,0.5873
      市区,2023,net_profit,10.84

    Every target gets one verdict (评价), the first that holds of: achieved > bound breached >
    at risk of breach > off track (R < 0.60) > behind schedule (R < 0.95) > on track. The
    measures stay as columns: the ratio R of actual to whole-period required annual growth
    (Statistics Canada; Eurostat's bands), the rate still required from now, the mid-term
    category (时间过半、任务过半), compliance and headroom of ceilings and floors (a bound the
    base did not respect is also assessed as a path). The columns, labels and rounding are the
    report's (one formatter); values are rounded for printing only.

    \b
    Example:
      soeplan rollup --sample --format csv > rollup.csv
      soeplan rollup --store store/ --year 2023 --format csv > rollup.csv
      soeplan assess --plan quzhou-14th --data rollup.csv --year 2023
      soeplan assess --data rollup.csv --year 2023 --format md --lang en
      soeplan assess --sample --by unit --year 2023
      soeplan assess --sample --losses --year 2023
      soeplan assess --sample --period 2023-06       # June's 快报 against the milestones
      soeplan assess --store store/ --period 2023-06

    With --period 2023-06 the month's totals (--data: a `soeplan rollup --period 2023-06
    --format csv` file; --sample; --store DIR: the accepted 快报) are assessed: a stock against
    the milestone path at the month's end, a year-to-date flow against 6/12 of the year's
    milestone (time-based, without seasonality). --period 2023 is --year 2023.
    \f
    Long: click passes every option as a parameter; the body picks the mode and hands on.
    """
    from soeplan.assessment.frame import assess_frame
    from soeplan.plan.load import load_plan
    from soeplan.plugins.registry import get_registry

    chosen = chosen_period(period, year)
    if chosen is None:
        raise click.UsageError(
            "give --year YEAR or --period PERIOD (e.g. --year 2023, --period 2023-06)"
        )
    year = chosen.year
    warn_plugin_failures()
    if not chosen.is_annual or (sample and not (by or losses)) or store is not None:
        from soeplan.cli.assess_period import assess_period_cmd

        if by or losses:
            raise click.UsageError(
                "--by and --losses assess a year's entity figures: give --year, without --store"
            )
        figures = None if data is None else read_figures_file(data)
        assess_period_cmd(plan, chosen, figures, sample, store, allow_partial, fmt, lang)
        return
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
    from soeplan.report.format import format_value
    from soeplan.report.model import CellFormat

    share = format_value((year - p.base_year) / (p.target_year - p.base_year), CellFormat.GROWTH)
    title = (
        f"{p.title_zh}：{year}年目标进展评估（时间进度 {share}）"
        if lang == "zh"
        else f"{p.title_en}: progress in {year} ({share} of the time elapsed)"
    )
    from soeplan.cli.assess_period import render_assessment

    click.echo(render_assessment(frame, p, title, fmt, lang), nl=False)
