"""The office's side of the submission cycle: ``soeplan status``, ``soeplan store accept``,
``return``, ``history``, ``migrate`` and ``export``."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from soeplan.cli._common import cli, format_option
from soeplan.cli._period import chosen_period, period_option
from soeplan.cli._render import render_rows
from soeplan.cli.store import _store_option, store_group

if TYPE_CHECKING:
    from soeplan.periods import Period

F = TypeVar("F", bound=Callable[..., Any])

_unit_option = click.option("--unit", required=True, metavar="UNIT", help="County-level unit id.")


def _year_option(f: F) -> F:
    """``--year YEAR`` or ``--period PERIOD`` (a month's 快报: 2023-06); one of them."""
    f = period_option(f)
    return click.option("--year", default=None, type=int, help="The period (year).")(f)


def _period_of(year: int | None, period: Period | None) -> Period:
    chosen = chosen_period(period, year)
    if chosen is None:
        raise click.UsageError("give --year YEAR or --period PERIOD (e.g. 2023-06) / 请给出期间")
    return chosen


_version_option = click.option(
    "--version", "version", default=None, type=int, help="A version (default: the latest received)."
)
_by_option = click.option("--by", "by", default="", help="Who decides (recorded with the change).")


def _plan_units() -> list[str]:
    from soeplan.structure.city import city_structure

    return list(city_structure().units)


@cli.command("status")
@_store_option
@_year_option
@format_option(("table", "csv", "md", "json"))
def status_cmd(store: Path, year: int | None, period: Period | None, fmt: str) -> None:
    """Where each unit's submission for a year stands (上报状态): one row per unit of the plan.

    States: 待上报 expected (nothing received), 已上报 submitted, 退回 returned, 修改后重报
    resubmitted, 已接收 accepted. "in force" is the accepted version the totals use. With
    --period 2023-06, the states of that month's express reports (快报), each month its own.

    \b
    Example:
      soeplan status --store store/ --year 2023 --format md
      soeplan status --store store/ --period 2023-06
    """
    from soeplan.submissions.store import Store

    chosen = _period_of(year, period)
    states = Store(store).states(chosen.year, _plan_units(), month=chosen.month)
    if fmt == "json":
        click.echo(
            json.dumps(
                [
                    {**vars_of(s), "period": str(s.period), "label": s.label}
                    for s in states.values()
                ],
                ensure_ascii=False,
                indent=1,
            )
        )
        return
    header = ["unit", "state 状态", "version", "in force", "received (UTC)", "errors", "warnings"]
    rows = [
        [
            s.unit,
            s.label,
            s.version or "",
            s.accepted_version or "",
            s.received_at,
            s.errors,
            s.warnings,
            s.reason,
        ]
        for s in states.values()
    ]
    kind = "上报状态 / submission status" if chosen.is_annual else "快报上报状态 / express reports"
    title = f"{chosen} {kind} ({store})"
    click.echo(render_rows([*header, "reason 原因"], rows, fmt, title=title), nl=False)


def vars_of(obj: object) -> dict[str, object]:
    import attrs

    return attrs.asdict(obj)  # type: ignore[arg-type]


def _decide(
    store: Path, unit: str, period: Period, to: str, reason: str, version: int | None, by: str
) -> None:
    from soeplan.submissions.store import Store

    s = Store(store).set_state(
        unit, period.year, to, reason=reason, version=version, by=by, month=period.month
    )
    click.echo(
        f"{s.unit} {s.period}: {s.label} (version {s.version}){': ' + s.reason if s.reason else ''}"
    )


@store_group.command("accept")
@_store_option
@_unit_option
@_year_option
@_version_option
@click.option("--reason", default="", help="Why (required when warnings are unexplained).")
@_by_option
def accept_cmd(
    store: Path,
    unit: str,
    year: int | None,
    period: Period | None,
    version: int | None,
    reason: str,
    by: str,
) -> None:
    """Accept a unit's submission (接收): it becomes the version the totals use.

    A version with errors cannot be accepted; one with unexplained warnings only with --reason.

    \b
    Example:
      soeplan store accept --store store/ --unit qujiang --year 2023 \\
        --reason "the jump in revenue is the new water plant"
    """
    _decide(store, unit, _period_of(year, period), "accepted", reason, version, by)


@store_group.command("return")
@_store_option
@_unit_option
@_year_option
@_version_option
@click.option("--reason", required=True, help="Why it goes back to the unit (required).")
@_by_option
def return_cmd(
    store: Path,
    unit: str,
    year: int | None,
    period: Period | None,
    version: int | None,
    reason: str,
    by: str,
) -> None:
    """Return a unit's submission (退回) with a reason; an accepted one is withdrawn from totals.

    \b
    Example:
      soeplan store return --store store/ --unit qujiang --year 2023 \\
        --reason "total assets of qj.water disagree with the audited statement"
    """
    _decide(store, unit, _period_of(year, period), "returned", reason, version, by)


@store_group.command("history")
@_store_option
@_unit_option
@_year_option
@format_option(("table", "csv", "md", "json"))
def history_cmd(store: Path, unit: str, year: int | None, period: Period | None, fmt: str) -> None:
    """Every state change of a unit's submission for a year, with versions and reasons.

    \b
    Example:
      soeplan store history --store store/ --unit qujiang --year 2023
    """
    from soeplan.submissions.store import Store

    chosen = _period_of(year, period)
    items = Store(store).history(unit, chosen.year, chosen.month)
    if fmt == "json":
        click.echo(json.dumps(items, ensure_ascii=False, indent=1))
        return
    header = ["at (UTC)", "version", "source", "from", "to", "reason", "by"]
    rows = [
        [i[k] for k in ("at", "version", "source", "from", "to", "reason", "by")] for i in items
    ]
    click.echo(render_rows(header, rows, fmt, title=f"{unit} {chosen} 历史 / history"), nl=False)


@store_group.command("migrate")
@click.argument("old", type=click.Path(file_okay=False, exists=True, path_type=Path))
@_store_option
def migrate_cmd(old: Path, store: Path) -> None:
    """Bring an old-format store (manifest.json + Parquet files) into a new database store.

    Every version keeps its number, time, source and checksum; each (unit, year)'s last version
    is the accepted one, as before. Every old data file is checked first; nothing is written
    when one fails. The old directory is left as it was.

    \b
    Example:
      soeplan store migrate old-store/ --store store/
    """
    from soeplan.submissions.store import Store
    from soeplan.submissions.store_migrate import migrate

    n = migrate(old, Store(store))
    click.echo(f"migrated 已迁移: {n} version(s) from {old} into {store}")


@store_group.command("export")
@_store_option
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory for the Parquet files.",
)
def export_cmd(store: Path, out: Path) -> None:
    """Export the store to Parquet for analysts: figures, received files, history and registers.

    \b
    Example:
      soeplan store export --store store/ --out store-parquet/
    """
    from soeplan.submissions.store import Store
    from soeplan.submissions.store_migrate import export

    for path in export(Store(store), out):
        click.echo(f"wrote {path}")
