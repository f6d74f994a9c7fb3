"""``soeplan budget``: a unit's annual budget (年度预算) as a workbook, checked, loaded into the
store with history; the monthly express report (``soeplan report --period``) sets the
year-to-date actuals against it."""

from __future__ import annotations

import json
from pathlib import Path

import click

from soeplan.cli._common import cli, format_option
from soeplan.cli._render import render_rows
from soeplan.cli.registers import _unit, echo_problems
from soeplan.cli.store import _store_option
from soeplan.safety import terminal_text


@cli.group("budget")
def budget_group() -> None:
    """A unit's annual budget (年度预算, 全面预算): template, check, load, history.

    One sheet, a row per enterprise or group and a column per budget line (营业收入, 利润总额,
    净利润, 经营活动现金流量净额, 研发经费投入, 投资完成额; 亿元). Once loaded, the monthly
    express report given --store shows each unit's and group's budget execution (完成率)
    against the time elapsed.

    \b
    Example:
      soeplan budget template --unit kecheng --year 2023 --out kecheng-budget.xlsx
      soeplan budget check kecheng-budget.xlsx
      soeplan budget load kecheng-budget.xlsx --store store/ --by "Li Ming"
    """


@budget_group.command("template")
@click.option("--unit", required=True, metavar="UNIT", help="County-level unit id.")
@click.option("--year", required=True, type=int, help="The budget's year.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Workbook to write (.xlsx).")  # fmt: skip
@click.option("--store", "store", default=None, type=click.Path(file_okay=False, path_type=Path),
              help="Pre-fill with the unit's budget for the year in this store.")  # fmt: skip
@click.option("--sample", is_flag=True, default=False,
              help="Pre-fill with the sample's synthetic budget (示例预算（合成）).")  # fmt: skip
def template_cmd(unit: str, year: int, out: Path, store: Path | None, sample: bool) -> None:
    """Write the budget workbook a unit fills (年度预算表), one row per enterprise and group.

    \b
    Example:
      soeplan budget template --unit kecheng --year 2023 --out kecheng-budget.xlsx
    """
    import polars as pl

    from soeplan.registers.budget_workbook import write_budget_template
    from soeplan.submissions.template import unit_entities

    cu = _unit(unit)
    entities = [(e.id, e.name_zh) for e in unit_entities(unit, year)]
    given = None
    if store is not None:
        from soeplan.submissions.store_budgets import stored_budget

        given = stored_budget(store, year).filter(pl.col("unit") == unit)
    elif sample:
        from soeplan.express.sample_budget import sample_budget

        given = sample_budget(year).filter(pl.col("unit") == unit)
    write_budget_template(out, unit=cu, year=year, entities=entities, budget=given)
    n = 0 if given is None else given.height
    click.echo(f"wrote {out}: {len(entities)} enterprises of {unit}, {n} budget figures "
               f"for {year} / 已生成年度预算表")  # fmt: skip


@budget_group.command("check")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--store", "store", default=None, type=click.Path(file_okay=False, path_type=Path),
              help="Also check each enterprise is one of the unit's (the store's registers).")  # fmt: skip
@format_option(("table", "csv", "md", "json"))
def check_cmd(file: Path, store: Path | None, fmt: str) -> None:
    """Check a budget workbook and list every problem at once (exit 1 if any).

    Each figure is a number typed in (a formula is refused), a budget for revenue, R&D or
    investment is not negative, and each enterprise is listed once.

    \b
    Example:
      soeplan budget check kecheng-budget.xlsx
    """
    from soeplan.registers.budget_workbook import check_budget

    found = check_budget(file)
    echo_problems(file, found.problems, fmt, found.budget is None, "年度预算表")
    b = found.budget
    assert b is not None  # refused above
    if store is not None and not b.is_empty():
        from soeplan.submissions.store_budgets import check_entities

        check_entities(store, b, file)
    click.echo(terminal_text(f"{file}: ok 通过: {found.unit} {found.year}, "
                             f"{b['entity'].n_unique()} enterprises, {b.height} figures"),
               err=True)  # fmt: skip


@budget_group.command("load")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@_store_option
@click.option("--by", "by", default="", help="Who loads it (recorded with the version).")
def load_cmd(file: Path, store: Path, by: str) -> None:
    """Check a budget workbook and load it into the store as the next version.

    Refused with every problem (exit 1) when the workbook has any or names an enterprise that
    is not the unit's; a refused load leaves the store unchanged.

    \b
    Example:
      soeplan budget load kecheng-budget.xlsx --store store/ --by "Li Ming"
    """
    from soeplan.submissions.store_budgets import load_budget

    v = load_budget(store, file, by=by)
    click.echo(f"loaded 已入库: {file} → {v.unit} budget {v.year} version {v.version} "
               f"({v.figures} figures)")  # fmt: skip


@budget_group.command("history")
@click.option("--unit", required=True, metavar="UNIT", help="County-level unit id.")
@_store_option
@format_option(("table", "csv", "md", "json"))
def history_cmd(unit: str, store: Path, fmt: str) -> None:
    """Every loaded version of a unit's budgets.

    \b
    Example:
      soeplan budget history --unit kecheng --store store/
    """
    import attrs

    from soeplan.submissions.store_budgets import budget_versions

    versions = budget_versions(store, unit)
    if fmt == "json":
        click.echo(json.dumps([attrs.asdict(v) for v in versions], ensure_ascii=False, indent=1))
        return
    header = ["year", "version", "loaded (UTC)", "by", "file", "figures", "sha256"]
    rows = [[v.year, v.version, v.loaded_at, v.loaded_by, v.source, v.figures, v.sha256[:12]]
            for v in versions]  # fmt: skip
    title = f"{unit} 年度预算历史 / budget history ({store})"
    click.echo(render_rows(header, rows, fmt, title=title), nl=False)
