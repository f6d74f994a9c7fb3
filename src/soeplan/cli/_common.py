"""The command group and options shared by subcommands."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from soeplan._version import __version__

FORMATS = ("table", "csv", "md")

F = TypeVar("F", bound=Callable[..., Any])


class OrderedGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(self.commands)


@click.group(
    cls=OrderedGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="soeplan")
@click.option(
    "--strict-plugins",
    is_flag=True,
    default=False,
    help="Treat a plugin that fails to load as an error (also SOEPLAN_STRICT_PLUGINS=1).",
)
@click.pass_context
def cli(ctx: click.Context, strict_plugins: bool) -> None:
    """soeplan: run a state-owned-enterprise reform plan by its numbers.

    \b
    Examples:
      soeplan table 1                      # Table 1 of the Quzhou plan, regenerated
      soeplan check-plan                   # check every published figure against its inputs
      soeplan indicators --format md       # the indicator catalogue
    """
    ctx.ensure_object(dict)
    if strict_plugins:
        import os

        os.environ["SOEPLAN_STRICT_PLUGINS"] = "1"
        from soeplan.plugins.registry import set_registry

        set_registry(None)


def plan_option(f: F) -> F:
    return click.option(
        "--plan",
        "plan",
        default="quzhou-14th",
        show_default=True,
        metavar="ID|FILE",
        help="A registered plan id or the path of a plan file.",
    )(f)


def lang_option(f: F) -> F:
    return click.option(
        "--lang",
        type=click.Choice(["zh", "en"]),
        default="zh",
        show_default=True,
        help="Language of labels.",
    )(f)


def format_option(choices: tuple[str, ...] = FORMATS, default: str = "table") -> Callable[[F], F]:
    def deco(f: F) -> F:
        return click.option(
            "--format",
            "fmt",
            type=click.Choice(choices),
            default=default,
            show_default=True,
            help="Output format.",
        )(f)

    return deco


def warn_plugin_failures() -> None:
    """Print the plugins that were skipped (to stderr)."""
    from soeplan.plugins.registry import get_registry

    for failure in get_registry().failures:
        click.echo(f"warning: {failure}", err=True)
