"""``soeplan operations``: a unit's capital operations register (资本运作台账: the listing
pipeline and the reforms) as a workbook, checked, loaded into the store with history."""

from __future__ import annotations

from pathlib import Path

import click

from soeplan.cli._common import cli, format_option
from soeplan.cli.registers import _unit, echo_history, echo_problems
from soeplan.cli.store import _store_option
from soeplan.safety import terminal_text


@cli.group("operations")
def operations_group() -> None:
    """A unit's capital operations register (资本运作台账): template, check, load, history.

    Two sheets: 上市梯队 (the listing pipeline: 摸排, 认定, 辅导, 报会, 上市, each dated) and
    改革记录 (mixed-ownership reforms and restructurings, with the state's share before and
    after). Once loaded, the report given --store shows the pipeline and the reforms.

    \b
    Example:
      soeplan operations template --unit changshan --out changshan-operations.xlsx
      soeplan operations check changshan-operations.xlsx
      soeplan operations load changshan-operations.xlsx --store store/ --by "Li Ming"
    """


@operations_group.command("template")
@click.option("--unit", required=True, metavar="UNIT", help="County-level unit id.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Workbook to write (.xlsx).")  # fmt: skip
@click.option("--store", "store", default=None, type=click.Path(file_okay=False, path_type=Path),
              help="Pre-fill with the unit's capital operations register in this store.")  # fmt: skip
def template_cmd(unit: str, out: Path, store: Path | None) -> None:
    """Write the capital operations workbook a unit fills (资本运作台账模板).

    \b
    Example:
      soeplan operations template --unit changshan --out changshan-operations.xlsx
    """
    from soeplan.registers.operations_workbook import write_operations_template
    from soeplan.submissions.store_operations import stored_operations

    cu = _unit(unit)
    ops = next((o for o in stored_operations(store) if o.unit == unit), None) if store else None
    write_operations_template(out, unit=cu, operations=ops)
    n = (len(ops.listings), len(ops.reforms)) if ops else (0, 0)
    click.echo(
        f"wrote {out}: {n[0]} pipeline rows, {n[1]} reforms of {unit} / 已生成资本运作台账模板"
    )


@operations_group.command("check")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@format_option(("table", "csv", "md", "json"))
def check_cmd(file: Path, fmt: str) -> None:
    """Check a capital operations workbook and list every problem at once (exit 1 if any).

    \b
    Example:
      soeplan operations check changshan-operations.xlsx
    """
    from soeplan.registers.operations_workbook import check_operations

    found = check_operations(file)
    echo_problems(file, found.problems, fmt, found.operations is None, "资本运作台账")
    o = found.operations
    assert o is not None  # refused above
    click.echo(terminal_text(f"{file}: ok 通过: {o.unit}, {len(o.listings)} pipeline rows, "
                             f"{len(o.reforms)} reforms, as of {o.as_of}"), err=True)  # fmt: skip


@operations_group.command("load")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@_store_option
@click.option("--by", "by", default="", help="Who loads it (recorded with the version).")
def load_cmd(file: Path, store: Path, by: str) -> None:
    """Check a capital operations workbook and load it into the store as the next version.

    Refused with every problem (exit 1) when the workbook has any or names an enterprise that
    is not the unit's; a refused load leaves the store unchanged.

    \b
    Example:
      soeplan operations load changshan-operations.xlsx --store store/ --by "Li Ming"
    """
    from soeplan.submissions.store_operations import load_operations

    v = load_operations(store, file, by=by)
    click.echo(f"loaded 已入库: {file} → {v.unit} capital operations version {v.version} "
               f"({v.listings} pipeline rows, {v.reforms} reforms, as of {v.as_of})")  # fmt: skip


@operations_group.command("history")
@click.option("--unit", required=True, metavar="UNIT", help="County-level unit id.")
@_store_option
@format_option(("table", "csv", "md", "json"))
def history_cmd(unit: str, store: Path, fmt: str) -> None:
    """Every loaded version of a unit's capital operations register.

    \b
    Example:
      soeplan operations history --unit changshan --store store/
    """
    from soeplan.submissions.store_operations import operations_versions

    echo_history(
        operations_versions(store, unit),
        ("listings", "reforms"),
        fmt,
        f"{unit} 资本运作台账历史 / capital operations history ({store})",
    )
