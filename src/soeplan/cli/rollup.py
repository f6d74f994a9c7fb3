"""``soeplan rollup`` and ``soeplan explain``: the consolidated totals, and where they come from."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from soeplan.cli._common import (
    cli,
    format_option,
    lang_option,
    plan_option,
    warn_plugin_failures,
)
from soeplan.cli._period import chosen_period, period_option
from soeplan.cli.report import report_mode_options
from soeplan.cli.rollup_print import print_rollup
from soeplan.cli.store_inputs import observations_from_store, store_coverage
from soeplan.errors import DataFileError, Problem, SoeplanError

if TYPE_CHECKING:
    import polars as pl

    from soeplan.periods import Period

F = TypeVar("F", bound=Callable[..., Any])


def data_options(f: F) -> F:
    """--sample / --data FILE... / --structure FILE... (shared by rollup, explain and the report)."""
    f = click.option(
        "--structure",
        "structure_files",
        multiple=True,
        type=click.Path(dir_okay=False, path_type=Path),
        metavar="FILE",
        help="Extra structure file(s): entity lists that fill in what the registered structures lack.",
    )(f)
    f = click.option(
        "--data",
        "data",
        multiple=True,
        type=click.Path(dir_okay=False, path_type=Path),
        metavar="FILE",
        help="Observations in long format (CSV or Parquet: unit, entity, year, indicator, value). "
        "Repeat for several files.",
    )(f)
    f = click.option(
        "--sample",
        is_flag=True,
        default=False,
        help="Use the bundled synthetic sample (示例数据（合成），非真实企业数据).",
    )(f)
    return f


def load_observations(sample: bool, data: Sequence[Path]) -> pl.LazyFrame:
    """The observations the options name, as one lazy long frame."""
    import polars as pl

    if sample == bool(data):
        raise SoeplanError(
            "give either --sample or --data FILE (not both, not neither)\n"
            "  fix: e.g. soeplan rollup --sample, or soeplan rollup --data figures.csv"
        )
    if sample:
        from soeplan.capital.view import sample_inputs, with_capital
        from soeplan.plugins.builtin import load_core_sample
        from soeplan.sdk import overlay_plugin_samples
        from soeplan.structure.city import city_structure

        # the bundled sample (loaded through the core's plugin, as a county's figures are) as
        # it looks with the installed county plugins' own figures, and the capital figures its
        # synthetic registers give (state capital by sector, securitisation)
        obs = overlay_plugin_samples(load_core_sample())
        return with_capital(obs, sample_inputs(), city_structure(sample=True))[0].lazy()
    frames = []
    for path in data:
        if not path.exists():
            raise DataFileError(path, [Problem(str(path), "file not found", "check the path")])
        suffix = path.suffix.lower()
        try:
            if suffix == ".parquet":
                lf = pl.scan_parquet(path)
            elif suffix in (".csv", ".txt"):
                lf = pl.scan_csv(path, schema_overrides={"entity": pl.String, "unit": pl.String})
            else:
                raise DataFileError(
                    path,
                    [Problem(str(path), f"unknown file type {suffix!r}", "use .csv or .parquet")],
                )
            names = lf.collect_schema().names()
        except (pl.exceptions.ComputeError, OSError) as exc:
            raise DataFileError(
                path, [Problem(str(path), f"cannot be read: {exc}", "check the file")]
            ) from None
        missing = [c for c in ("entity", "year", "indicator", "value") if c not in names]
        if missing:
            raise DataFileError(
                path,
                [
                    Problem(
                        str(path),
                        f"missing column(s) {', '.join(missing)}",
                        "use the long format: unit, entity, year, indicator, value",
                    )
                ],
            )
        keep = [c for c in ("unit", "entity", "year", "month", "indicator", "value") if c in names]
        frames.append(lf.select(keep))
    return pl.concat(frames, how="diagonal_relaxed")


def load_monthly_observations(sample: bool, data: Sequence[Path], period: Period) -> pl.LazyFrame:
    """The monthly figures (快报) the options name: the synthetic monthly sample, or data files
    with a month column (a file without one is refused when its month is read)."""
    if not sample:
        return load_observations(sample, data)
    from soeplan.sample_monthly import MONTHLY_SAMPLE_YEARS, monthly_sample

    if period.year not in MONTHLY_SAMPLE_YEARS:
        years = "–".join(map(str, (MONTHLY_SAMPLE_YEARS[0], MONTHLY_SAMPLE_YEARS[-1])))
        raise SoeplanError(
            f"the synthetic monthly sample covers {years}, not {period} / 月度示例数据仅含 {years} 年"
            f"\n  fix: give --period {MONTHLY_SAMPLE_YEARS[-1]}-06, or --year {period.year} for "
            "the annual sample"
        )
    return monthly_sample(load_observations(True, []).collect()).lazy()


def _inputs(
    store: Path | None,
    sample: bool,
    data: Sequence[Path],
    structure_files: Sequence[Path],
    period: Period | None = None,
) -> tuple[pl.LazyFrame, Any]:
    """The figures (a store, the sample or data files) and the structure to roll them up in;
    with a month's ``period``, the monthly figures (快报)."""
    if store is not None:
        from soeplan.submissions.store_registers import store_structure

        obs = observations_from_store(store, sample=sample, data=data, period=period)
        # the store's registers replace their units' structures (soeplan register load)
        return obs, store_structure(store, sample=sample, fallback_files=structure_files)
    if period is not None:
        return load_monthly_observations(sample, data, period), load_structure(
            sample, structure_files
        )
    return load_observations(sample, data), load_structure(sample, structure_files)


def refuse_implausible(obs: pl.LazyFrame, plan: str, years: Sequence[int]) -> pl.LazyFrame:
    """Refuse a ``--year`` outside the plan's span, figures for years outside it, and figures
    that are not finite or beyond their plausible range (nothing in a rollup validated them)."""
    import polars as pl

    from soeplan.plan.load import load_plan
    from soeplan.submissions.magnitude import implausible_figures, plausible_ranges

    plan_obj = load_plan(plan)
    for y in years:
        plan_obj.require_year(y, what="--year")
    frame = obs.collect()
    span = plan_obj.span
    problems = []
    outside = frame.filter(~pl.col("year").cast(pl.Int64).is_between(span.start, span.stop - 1))
    for (y,), rows in sorted(outside.group_by("year"), key=lambda g: str(g[0][0])):
        problems.append(
            Problem(
                f"year {y}",
                f"{rows.height} figure(s) for {y}, outside the plan {plan_obj.id} "
                f"({span.start}–{span.stop - 1}) / 规划期外的年度",
                "remove those rows, or pass --plan with a plan that covers them",
            )
        )
    bad = implausible_figures(frame, plausible_ranges(plan_obj))
    for r in bad.head(10).iter_rows(named=True):
        problems.append(
            Problem(
                f"{r.get('entity')} {r['indicator']} {r['year']}",
                f"{r['value']!r} is not finite or beyond the plausible range (|x| <= "
                f"{r['high']:.6g}) / 数值不合理",
                "check the figure and its unit (amounts in 亿元); soeplan validate names the "
                "likely unit mistake",
            )
        )
    if bad.height > 10:
        problems.append(Problem("…", f"and {bad.height - 10} more implausible figure(s)"))
    if problems:
        raise SoeplanError("the figures cannot be rolled up / 数据不能汇总", problems=problems)
    return frame.lazy()


def load_structure(sample: bool, structure_files: Sequence[Path]) -> Any:
    from soeplan.structure.city import city_structure

    return city_structure(sample=sample, fallback_files=structure_files)


@cli.command("rollup")
@click.argument(
    "submissions",
    nargs=-1,
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="[SUBMISSIONS]...",
)
@data_options
@click.option("--year", "years", multiple=True, type=int, help="Only these years (repeatable).")
@period_option
@click.option(
    "--indicator", "indicators", multiple=True, metavar="CODE", help="Only these indicators."
)
@click.option(
    "--group-reported",
    type=click.Choice(["check", "difference", "ignore"]),
    default="check",
    show_default=True,
    help="A group's own consolidated figures: check them against its children, book the gap "
    "to its difference unit, or ignore them.",
)
@click.option(
    "--level",
    type=click.Choice(["scope", "group", "entity"]),
    default="scope",
    show_default=True,
    help="Whose figures to print: the scopes' and county-level units' totals (what assess "
    "--data reads), each group's consolidated figures, or each enterprise's.",
)
@format_option(("table", "csv", "md", "json"))
@lang_option
@report_mode_options
def rollup_cmd(
    submissions: tuple[Path, ...],
    out: Path | None,
    store: Path | None,
    plan: str,
    debt_warning: float,
    debt_key: float,
    debt_baselines: Path | None,
    standards: Path | None,
    special: Path | None,
    quiet: bool,
    sample: bool,
    data: tuple[Path, ...],
    structure_files: tuple[Path, ...],
    years: tuple[int, ...],
    period: Period | None,
    indicators: tuple[str, ...],
    group_reported: str,
    level: str,
    fmt: str,
    lang: str,
    allow_partial: bool,
    state_capital: str,
    securitisation_basis: str,
) -> None:
    """Consolidate enterprises' figures into the totals of each county-level unit, 市区 and 全市.

    Amounts and counts are summed; ratios are recomputed from the summed components; a group's
    own consolidated figures are not added to its children's. CSV and JSON print each figure as
    exactly as it was computed (a sum to 1e-8 of its unit, a ratio as a fraction at full
    precision); the table and Markdown round for reading.

    With --out DIR it runs the yearly report instead (report mode): SUBMISSIONS (the units'
    .xlsx/.csv/.parquet files) and/or --store DIR are read and validated, a unit with blocking
    findings is set aside, the rest is consolidated and assessed for the one --year, and
    report.xlsx, report.html and summary.md are written into DIR.

    \b
    Example:
      soeplan rollup --sample --format csv
      soeplan rollup --sample --year 2020 --format json
      soeplan rollup --sample --year 2020 --lang en
      soeplan rollup --sample --year 2023 --level group --indicator total_assets
      soeplan rollup --sample --period 2023-06 --format csv   # June's 快报, year-to-date
      soeplan rollup --data figures.parquet --format md
      soeplan rollup --store store/ --format csv          # what has been accepted so far
      soeplan rollup submissions/*.xlsx --plan quzhou-14th --year 2023 --out report-2023
      soeplan rollup --store store/ --year 2023 --out report-2023 --lang en

    With --period 2023-06 the month's express reports (快报) are rolled up in the structure as it
    stands at the month's end: stocks at the month's end, flows year-to-date, ratios recomputed
    from those (--sample: the synthetic monthly sample; --data: files with a month column).
    --period 2023 is --year 2023.

    With --store, a year some unit of a scope has no accepted submission for is refused (exit 1,
    listing the missing units) unless --allow-partial is given.
    \f
    Long: click passes every option as a parameter; the body hands them on to the report or
    the printed rollup.
    """

    chosen = chosen_period(period, years)
    monthly = chosen is not None and not chosen.is_annual
    if period is not None and not monthly:
        years = (period.year,)
    if monthly and (out is not None or submissions):
        raise click.UsageError(
            "the report of a month is written by soeplan report --period, not rollup --out "
            "/ 月度快报报告请用 soeplan report --period"
        )
    if out is not None or submissions:
        from soeplan.cli.report import report_mode

        if level != "scope":
            raise click.UsageError("--level prints figures; the report (--out) has every level")

        report_mode(
            submissions=submissions,
            out=out,
            store=store,
            sample=sample,
            data=data,
            years=years,
            plan=plan,
            lang=lang,
            debt_warning=debt_warning,
            debt_key=debt_key,
            quiet=quiet,
            allow_partial=allow_partial,
            debt_baselines=debt_baselines,
            state_capital=state_capital,
            securitisation_basis=securitisation_basis,
            standards=standards,
            special=special,
        )
        return
    warn_plugin_failures()
    obs, structure = _inputs(store, sample, data, structure_files, chosen if monthly else None)
    partial: list[str] = []
    if store is not None and monthly:
        assert chosen is not None  # a month's 快报: their own states, unit by unit
        partial = store_coverage(store, plan, structure, [chosen.year], allow_partial,
                                 month=chosen.month)  # fmt: skip
    elif store is not None:
        partial = store_coverage(store, plan, structure, years, allow_partial)
    if monthly:
        assert chosen is not None
        obs = refuse_implausible(obs, plan, [chosen.year])
        print_rollup(obs, structure, [], chosen, indicators, group_reported, level, fmt, lang,
                     sample, partial)  # fmt: skip
        return
    obs = refuse_implausible(obs, plan, years)
    print_rollup(obs, structure, years, None, indicators, group_reported, level, fmt, lang,
                 sample, partial)  # fmt: skip


@cli.command("explain")
@data_options
@click.option(
    "--scope",
    "node",
    required=True,
    metavar="NAME",
    help="A scope (全市, 市区, or its id city/urban), a unit id or an entity id.",
)
@click.option("--indicator", required=True, metavar="CODE", help="An indicator code.")
@click.option("--year", type=int, default=None, help="The year of the figure.")
@period_option
@click.option(
    "--group-reported",
    type=click.Choice(["check", "difference", "ignore"]),
    default="check",
    show_default=True,
    help="As for soeplan rollup.",
)
@click.option(
    "--store",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    metavar="DIR",
    help="Trace a figure of an ingest store's accepted submissions (soeplan ingest).",
)
@plan_option
@click.option(
    "--allow-partial",
    is_flag=True,
    default=False,
    help="With --store: trace a year even when some units of a scope have no accepted "
    "submission (without it such a year is refused, listing the missing units).",
)
@lang_option
def explain_cmd(
    sample: bool,
    data: tuple[Path, ...],
    structure_files: tuple[Path, ...],
    store: Path | None,
    node: str,
    indicator: str,
    year: int | None,
    period: Period | None,
    group_reported: str,
    plan: str,
    allow_partial: bool,
    lang: str,
) -> None:
    """Trace a rolled-up figure to the rows it came from, as a tree of contributions.

    With --store, a year some unit of the scope (or of the unit the figure belongs to) has no
    accepted submission for is refused (exit 1, listing the missing units and their states)
    unless --allow-partial is given, as for soeplan rollup --store.

    \b
    Example:
      soeplan explain --sample --scope 全市 --indicator total_assets --year 2020
      soeplan explain --sample --scope mun.chengtou --indicator debt_ratio --year 2022 --lang en
      soeplan explain --store store/ --scope 市区 --indicator net_profit --year 2023
      soeplan explain --store store/ --scope 全市 --indicator total_assets --year 2023 --allow-partial
      soeplan explain --sample --scope 市区 --indicator revenue --period 2023-06

    With --period 2023-06 the month's 快报 figure is traced (a stock at the month's end, a flow
    year-to-date), in the structure as it stands at the month's end, down to the month's rows.
    """
    from soeplan.consolidation.explain import explain, render_explanation
    from soeplan.sample import SYNTHETIC_NOTE

    chosen = chosen_period(period, year)
    if chosen is None:
        raise click.UsageError("give --year YEAR or --period PERIOD (e.g. --period 2023-06)")
    warn_plugin_failures()
    monthly = None if chosen.is_annual else chosen
    obs, structure = _inputs(store, sample, data, structure_files, monthly)
    if store is not None:
        lines = store_coverage(store, plan, structure, [chosen.year], allow_partial, node,
                               month=chosen.month)  # fmt: skip
        for line in lines:
            click.echo(f"# {line}", err=True)
    tree = explain(
        obs, structure, node=node, indicator=indicator, period=chosen, group_reported=group_reported
    )
    if sample:
        click.echo(SYNTHETIC_NOTE(lang))
    click.echo(render_explanation(tree, lang=lang), nl=False)
