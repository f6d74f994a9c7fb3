"""``soeplan new-plugin``: create a county plugin package."""

from __future__ import annotations

from pathlib import Path

import click

from soeplan.cli._common import cli


@cli.command("new-plugin")
@click.argument("name")
@click.option("--unit", default=None, help="The county-level unit it is for (default: NAME).")
@click.option(
    "--dir",
    "directory",
    default=".",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to create the package directory NAME.",
)
def new_plugin_cmd(name: str, unit: str | None, directory: Path) -> None:
    """Create a working plugin package in DIR/NAME: pyproject with the soeplan entry point,
    the plugin module, synthetic sample data, README and tests that run soeplan's conformance kit.

    \b
    Example:
      soeplan new-plugin changshan
      pip install -e ./changshan && pytest changshan
      soeplan new-plugin cs_bank --unit changshan --dir plugins
    """
    from soeplan.plugins.scaffold import new_plugin

    path = new_plugin(name, unit=unit, directory=directory)
    click.echo(f"created {path}")
    click.echo(f"  next: pip install -e {path} && pytest {path}")
