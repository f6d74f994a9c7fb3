"""``soeplan rules``: the registered validation rules (审核公式)."""

from __future__ import annotations

import click

from soeplan.cli._common import cli, format_option, warn_plugin_failures
from soeplan.cli._render import render_rows


@cli.command("rules")
@format_option()
def rules_cmd(fmt: str) -> None:
    """List every registered validation rule: id, severity, descriptions, provider.

    \b
    Example:
      soeplan rules --format md
    """
    from soeplan.plugins.registry import get_registry

    warn_plugin_failures()
    header = ["id", "severity 严重性", "中文", "English", "provider"]
    rows = [
        [
            r.id,
            f"{r.severity.value} {r.severity.zh}",
            r.description_zh,
            r.description_en,
            str(r.provider) if r.provider else "",
        ]
        for r in get_registry().rules.values()
    ]
    click.echo(render_rows(header, rows, fmt, title="审核规则 / Validation rules"), nl=False)
