"""``soeplan table N``: a plan's published table, regenerated from its base amounts."""

from __future__ import annotations

from pathlib import Path

import click

from soeplan.cli._common import cli, format_option, lang_option, plan_option, warn_plugin_failures
from soeplan.errors import SoeplanError


@cli.command("table")
@click.argument("number", type=int, metavar="NUMBER")
@plan_option
@lang_option
@format_option(("table", "csv", "md", "xlsx"))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to this file instead of the terminal (required for xlsx).",
)
def table_cmd(number: int, plan: str, lang: str, fmt: str, output: Path | None) -> None:
    """Print table NUMBER of a plan (1: results of the last period, 2: targets) as the document
    lays it out, every ratio and growth figure computed from the base amounts.

    A computed figure that its column's rounding convention does not print as the document's
    figure is marked † and explained in a note after the table.

    \b
    Example:
      soeplan table 1
      soeplan table 2 --lang en --format csv
      soeplan table 1 --format xlsx -o table1.xlsx
    """
    from soeplan.plan.load import load_plan
    from soeplan.plan.table_output import render_table, write_xlsx
    from soeplan.plan.tables import build_table

    warn_plugin_failures()
    table = build_table(load_plan(plan), number, lang)
    if fmt == "xlsx":
        if output is None:
            raise click.UsageError("--format xlsx writes a workbook: give its path with -o FILE")
        write_xlsx([table], output)
        click.echo(f"wrote {output}", err=True)
        return
    text = render_table(table, fmt)
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise SoeplanError(
            f"cannot write {output}: {exc.strerror or exc}\n"
            "  fix: choose a path in a folder that exists and that you can write to"
        ) from None
    click.echo(f"wrote {output}", err=True)
