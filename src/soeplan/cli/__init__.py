"""The ``soeplan`` command line.

Each concept's subcommands live in a module of their own in this package and attach themselves to
:data:`cli`. :func:`main` turns every :class:`~soeplan.errors.SoeplanError` into a plain message and
a non-zero exit: no traceback reaches the user (``SOEPLAN_DEBUG=1`` shows one for bug reports).
"""

from __future__ import annotations

import os
import sys

import click

# Subcommand modules register on import. Keep this list sorted.
from soeplan.cli import assess as _assess  # noqa: F401
from soeplan.cli import budget as _budget  # noqa: F401
from soeplan.cli import catalogue as _catalogue  # noqa: F401
from soeplan.cli import express as _express  # noqa: F401
from soeplan.cli import milestones as _milestones  # noqa: F401
from soeplan.cli import operations as _operations  # noqa: F401
from soeplan.cli import plancheck as _plancheck  # noqa: F401
from soeplan.cli import plugins as _plugins  # noqa: F401
from soeplan.cli import registers as _registers  # noqa: F401
from soeplan.cli import report as _report  # noqa: F401
from soeplan.cli import rollup as _rollup  # noqa: F401
from soeplan.cli import rules as _rules  # noqa: F401
from soeplan.cli import scaffold as _scaffold  # noqa: F401
from soeplan.cli import score as _score  # noqa: F401
from soeplan.cli import store as _store  # noqa: F401
from soeplan.cli import store_office as _store_office  # noqa: F401
from soeplan.cli import tables as _tables  # noqa: F401
from soeplan.cli import templates as _templates  # noqa: F401
from soeplan.cli import validate as _validate  # noqa: F401
from soeplan.cli._common import cli
from soeplan.errors import SoeplanError
from soeplan.safety import terminal_text

__all__ = [
    "cli",
    "main",
]


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    try:
        # Without standalone mode click *returns* the code of ``ctx.exit(n)`` instead of raising.
        result = cli.main(args=argv, prog_name="soeplan", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return 130
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except SoeplanError as exc:
        click.echo(terminal_text(f"error: {exc.render()}"), err=True)  # it may quote a file
        return exc.exit_code
    except KeyboardInterrupt:
        click.echo("interrupted: nothing was left half-written", err=True)
        return 130
    except Exception as exc:  # a bug of ours: say so plainly, without a traceback
        if os.environ.get("SOEPLAN_DEBUG"):
            raise
        click.echo(
            f"internal error: {type(exc).__name__}: {terminal_text(str(exc))}\n"
            "  This is a bug in soeplan or a plugin. Run again with SOEPLAN_DEBUG=1 for the "
            "traceback and report it.",
            err=True,
        )
        return 3
    return result if isinstance(result, int) else 0


def _console_main() -> None:  # pragma: no cover - thin wrapper
    sys.exit(main())
