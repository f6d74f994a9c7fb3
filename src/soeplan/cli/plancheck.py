"""``soeplan check-plan``: are a plan's published figures explained by its printed inputs?"""

from __future__ import annotations

import click

from soeplan.cli._common import cli, format_option, lang_option, plan_option, warn_plugin_failures
from soeplan.cli._render import render_rows


@cli.command("check-plan")
@plan_option
@format_option()
@lang_option
@click.option(
    "--all",
    "show_all",
    is_flag=True,
    default=False,
    help="Also list every figure checked, with the interval its inputs allow.",
)
def check_plan_cmd(plan: str, fmt: str, lang: str, show_all: bool) -> None:
    """Check every published growth rate and ratio of a plan against its inputs.

    Each input stands for an interval (8.83 is anything in [8.825, 8.835)); a published figure is
    inconsistent when no inputs inside those intervals give a value that prints as the published
    figure under its column's rounding convention. Also reports plausibility warnings (net profit
    above total profit) and target coherence (a ratio target against the ratio its amount
    targets imply).

    The CSV gives scope, indicator and column by their ids (city, net_profit, cagr); the table
    and Markdown by their names in --lang.

    Exit status: 0 when nothing is inconsistent (warnings and hints allowed), 1 when a published
    figure is inconsistent, 2 when the plan cannot be read.

    \b
    Example:
      soeplan check-plan
      soeplan check-plan --plan my-plan.toml --lang en --all
    """
    from soeplan.plan.check import check_plan
    from soeplan.plan.findings import findings_rows, summary
    from soeplan.plan.load import load_plan

    warn_plugin_failures()
    loaded = load_plan(plan)
    result = check_plan(loaded)
    # CSV keeps the ids of scope, indicator and column (for machines); the others show names.
    header, rows = findings_rows(
        result, lang, include_checks=show_all, plan=None if fmt == "csv" else loaded
    )
    title = f"{result.plan}: " + ("规划数据核对" if lang == "zh" else "plan check")
    click.echo(render_rows(header, rows, fmt, title=title), nl=False)
    if fmt != "csv":
        click.echo(summary(result, lang))
    result.raise_if_inconsistent(lang)
