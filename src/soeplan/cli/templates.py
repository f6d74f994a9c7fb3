"""``soeplan template`` and ``soeplan sample``: the workbook a county fills, and a filled one."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from soeplan.cli._common import cli, plan_option, warn_plugin_failures
from soeplan.cli._period import chosen_period, period_option

if TYPE_CHECKING:
    from soeplan.periods import Period


@cli.command("template")
@plan_option
@click.option("--unit", required=True, metavar="UNIT", help="County-level unit id, e.g. qujiang.")
@click.option("--year", default=None, type=int, help="The year the figures are for.")
@period_option
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Workbook to write (default: UNIT-YEAR.xlsx, UNIT-2023-06.xlsx for a month).",
)
@click.option(
    "--store",
    "store",
    default=None,
    type=click.Path(file_okay=False, path_type=Path),
    help="List the entities of the unit's register in this store (soeplan register load).",
)
def template_cmd(
    plan: str,
    unit: str,
    year: int | None,
    period: Period | None,
    output: Path | None,
    store: Path | None,
) -> None:
    """Write the Excel workbook a county-level unit fills in (填报模板).

    The workbook has a README sheet (填报说明), the unit's entity list and a data sheet with one
    row per entity and one column per indicator it reports (amounts and counts; ratios are
    recomputed), with in-cell validation and an explanation column (说明). With --store holding
    the unit's register (soeplan register load), the entities are the register's.

    With --period 2023-06 it is that month's express report (企业快报): each column says whether
    its figure is year-to-date (本年累计: revenue, profits) or at the month's end (期末数:
    assets, counts).

    \b
    Example:
      soeplan template --plan quzhou-14th --unit qujiang --year 2023 -o qujiang-2023.xlsx
      soeplan template --unit changshan --year 2023 --store store/ -o changshan-2023.xlsx
      soeplan template --unit qujiang --period 2023-06        # writes qujiang-2023-06.xlsx
    """
    from soeplan.submissions.store_registers import has_register, store_structure
    from soeplan.submissions.template import unit_context
    from soeplan.submissions.template_workbook import write_template

    chosen = chosen_period(period, year)
    if chosen is None:
        raise click.UsageError("give --year YEAR or --period PERIOD (e.g. 2023-06) / 请给出期间")
    warn_plugin_failures()
    out = output or Path(f"{unit}-{chosen}.xlsx")
    structure = store_structure(store) if has_register(store, unit) else None
    write_template(
        out, unit=unit, year=chosen.year, plan=plan, structure=structure, month=chosen.month
    )
    entities = unit_context(unit, chosen.year, structure=structure)[1]
    origin = " (from the store's register / 企业名录)" if structure is not None else ""
    synthetic = " 示例（合成）sample entities" if any(e.synthetic for e in entities) else ""
    kind = "已生成填报模板" if chosen.is_annual else "已生成企业快报模板"
    click.echo(
        f"wrote {out}: {len(entities)} entities of {unit}, {chosen}{origin}{synthetic} / {kind}"
    )


@cli.command("sample")
@click.option("--unit", required=True, metavar="UNIT", help="County-level unit id, e.g. qujiang.")
@click.option("--year", required=True, type=int, help="A year of the sample (2015–2023).")
@click.option(
    "-o",
    "--output",
    "output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write: .xlsx (the template, filled in), .csv or .parquet (long format).",
)
def sample_cmd(unit: str, year: int, output: Path) -> None:
    """Write a unit's bundled synthetic submission (示例数据（合成）), filled in.

    The .xlsx is the template layout, visibly marked synthetic; .csv and .parquet are long format
    with columns unit, entity, year, indicator, value, explanation, note (the note marks every row
    synthetic).

    \b
    Example:
      soeplan sample --unit qujiang --year 2023 -o qujiang-2023-sample.xlsx
      soeplan sample --unit qujiang --year 2023 -o qujiang-2023-sample.csv
    """
    from soeplan.submissions.sample import write_sample

    warn_plugin_failures()
    frame = write_sample(output, unit=unit, year=year)
    click.echo(
        f"wrote {output}: {frame.height} synthetic figures of {unit}, {year} "
        "/ 示例数据（合成），非真实企业数据"
    )
