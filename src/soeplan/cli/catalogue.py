"""``soeplan indicators``: the indicator catalogue."""

from __future__ import annotations

import click

from soeplan.cli._common import cli, format_option, lang_option, warn_plugin_failures
from soeplan.cli._render import render_rows


@cli.command("indicators")
@format_option()
@lang_option
def indicators_cmd(fmt: str, lang: str) -> None:
    """List every registered indicator: code, names, unit, kind, aggregation, formula, provider.

    \b
    Example:
      soeplan indicators --format md
    """
    from soeplan.plugins.registry import get_registry

    warn_plugin_failures()
    header = [
        "code",
        "中文",
        "English",
        "unit",
        "kind",
        "aggregation",
        "better",
        "formula",
        "provider",
    ]
    rows = [
        [
            i.code,
            i.name_zh,
            i.name_en,
            i.unit,
            i.kind.value,
            i.aggregation.value,
            i.direction.value,
            i.formula.describe() if i.formula else "",
            str(i.provider.plugin if i.provider else ""),
        ]
        for i in get_registry().indicators.values()
    ]
    click.echo(render_rows(header, rows, fmt, title="指标目录 / Indicator catalogue"), nl=False)
