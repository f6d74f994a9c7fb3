"""``soeplan plugins``: which plugins run, from which distribution, and what each registered."""

from __future__ import annotations

import json

import click

from soeplan.cli._common import cli, format_option
from soeplan.cli._render import render_rows


@cli.command("plugins")
@format_option(("table", "json"))
def plugins_cmd(fmt: str) -> None:
    """List the plugins (the core first): distribution, version, hooks, what each registered.

    Plugins that failed to load are listed with the reason (and, with --strict-plugins or
    SOEPLAN_STRICT_PLUGINS=1, stop the command). The JSON form is meant for audits: keep it with
    the run's outputs to record exactly which code produced them.

    \b
    Example:
      soeplan plugins
      soeplan plugins --format json > plugins-audit.json
      SOEPLAN_PLUGINS=kecheng,qujiang soeplan plugins
    """
    from soeplan.plugins.host import pinned_plugins
    from soeplan.plugins.registry import get_registry

    registry = get_registry()
    infos = registry.plugins()
    if fmt == "json":
        doc = {
            "pinned": pinned_plugins(),
            "plugins": [i.as_dict() for i in infos],
        }
        click.echo(json.dumps(doc, ensure_ascii=False, indent=2))
        return
    header = ["插件 plugin", "发行包 distribution", "版本 version", "钩子 hooks", "注册 registered"]
    rows = []
    for info in infos:
        registered = "; ".join(f"{k}: {', '.join(v)}" for k, v in info.registered.items())
        hooks = ", ".join(h.removeprefix("soeplan_") for h in info.hooks)
        if info.failures:
            registered = "; ".join(
                [registered] * bool(registered)
                + [f"失败 FAILED ({f.stage}): {f.reason}" for f in info.failures]
            )
        rows.append([info.name, info.distribution, info.version, hooks, registered])
    click.echo(render_rows(header, rows, "table", title="插件 / Plugins"), nl=False)
    for failure in registry.failures:
        click.echo(f"warning: {failure}", err=True)
