"""The command group and options shared by subcommands."""

from __future__ import annotations

from collections.abc import Callable, Iterable
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
    help="Treat any plugin failure (to load, or in a rule, section or reader) as an error: "
    "exit 2 before anything is written (also SOEPLAN_STRICT_PLUGINS=1).",
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
    ctx.call_on_close(_warn_at_close)
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
    """Print, on stderr, each plugin failure not printed yet: loading, and during the command.

    Commands call it before they start (the plugins that were skipped); the command group calls
    it again when the command ends, for the rules, sections and readers that failed meanwhile.
    """
    from soeplan.context import current

    _print_new(current().new_failures())


def _warn_at_close() -> None:
    """At the end of every command: the failures since, if a registry was ever built."""
    import sys

    registry_module = sys.modules.get("soeplan.plugins.registry")
    if registry_module is None:  # no plugin was loaded (``--help``, ``scaffold``)
        return
    from soeplan.context import active

    registry = active() or registry_module.loaded_registry()
    if registry is not None:
        _print_new(registry.new_failures())


def _print_new(failures: Iterable[Any]) -> None:
    """One line per failure; the same failure on several units is one line naming them all."""
    from soeplan.provenance import merge_failures

    for failure in merge_failures(failures):
        click.echo(f"warning: {failure}", err=True)


def note_slow_plugins(timings: Iterable[Any]) -> None:
    """Name, on stderr, each plugin call slower than the threshold (``SOEPLAN_SLOW_PLUGIN_SECONDS``)."""
    from soeplan.provenance import slow

    for t in slow(timings):
        click.echo(f"note: {t}", err=True)
