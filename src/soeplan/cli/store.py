"""``soeplan ingest`` and ``soeplan store``: accepted submissions into the store, and out again."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from soeplan.cli._common import cli, format_option, note_slow_plugins, warn_plugin_failures
from soeplan.cli._period import chosen_period, period_option
from soeplan.cli._render import render_rows
from soeplan.cli.validate import (
    SoeplanBlocked,
    policy_options,
    render_findings,
    submission_options,
    summary_line,
)

if TYPE_CHECKING:
    from soeplan.periods import Period

_store_option = click.option(
    "--store",
    "store",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The store directory (created on the first ingest; its database is DIR/soeplan.sqlite).",
)


@cli.command("ingest")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@_store_option
@submission_options
@policy_options
@click.option(
    "--hold",
    is_flag=True,
    help="Record acceptable files as submitted (已上报), for the office to accept or return.",
)
@click.option("--by", "by", default="", help="Who sent the files (recorded with them).")
def ingest_cmd(
    files: tuple[Path, ...],
    store: Path,
    hold: bool,
    by: str,
    unit: str | None,
    year: int | None,
    period: Period | None,
    plan: str,
    policy: str,
    jump_share: float,
) -> None:
    """Validate submissions and record them in the store (入库).

    An acceptable file is accepted (已接收), or with --hold waits for the office (已上报). A
    blocked one is recorded as received and returned (退回) with its findings (exit code 1); the
    accepted figures stay as they were. Every file becomes the next version of its unit and year;
    earlier versions stay retrievable (`soeplan store history`, `store show --version N`).

    A month's express report (快报: a workbook from soeplan template --period 2023-06, or a
    CSV with a month column or --period) is its own period beside the year's annual submission,
    with its own versions and state (soeplan status --period 2023-06).

    \b
    Example:
      soeplan ingest qujiang-2023.xlsx --store store/
      soeplan ingest qujiang-2023-06.xlsx --store store/
    """
    from soeplan.submissions.ingest import ingest_files
    from soeplan.submissions.validate import Policy

    warn_plugin_failures()
    chosen = chosen_period(period, year)
    results = ingest_files(
        files,
        store,
        unit=unit,
        year=chosen.year if chosen else None,
        month=chosen.month if chosen else None,
        plan=plan,
        hold=hold,
        received_by=by,
        options={"jump_share": jump_share},
        policy=Policy.named(policy),
    )
    note_slow_plugins(t for r in results for t in r.checked.report.timings)
    blocked = False
    for r in results:
        c = r.checked
        if r.entry is None:
            blocked = True
            click.echo(render_findings(c.report.findings, "table"), nl=False)
            click.echo(
                f"refused 退回: {summary_line(c)} (recorded as version {r.version})", err=True
            )
        else:
            e = r.entry
            held = " submitted 已上报, waits for the office" if hold else ""
            click.echo(
                f"ingested 已入库: {c.submission.path} → {c.unit} {c.period} version {e.version} "
                f"({e.rows} figures, {e.ingested_at}){held}"
            )
    if blocked:
        raise SoeplanBlocked()


@cli.group("store")
def store_group() -> None:
    """Look into a store of accepted submissions.

    \b
    Example:
      soeplan store list --store store/
      soeplan store show --store store/ --unit qujiang --year 2023
    """


@store_group.command("list")
@_store_option
@format_option(("table", "csv", "md", "json"))
def store_list_cmd(store: Path, fmt: str) -> None:
    """List every version of every submission in the store, the current one marked.

    \b
    Example:
      soeplan store list --store store/ --format md
    """
    from soeplan.submissions.store import store_listing

    items = store_listing(store)
    if fmt == "json":
        click.echo(json.dumps(items, ensure_ascii=False, indent=1))
        return
    header = [
        "unit",
        "year",
        "month",
        "version",
        "current",
        "ingested_at (UTC)",
        "rows",
        "source",
        "synthetic",
    ]
    rows = [
        [
            i["unit"],
            i["year"],
            i["month"] or "",
            i["version"],
            "*" if i["current"] else "",
            i["ingested_at"],
            i["rows"],
            i["source"],
            "合成 synthetic" if i["synthetic"] else "",
        ]
        for i in items
    ]
    click.echo(render_rows(header, rows, fmt, title=f"数据库 / Store {store}"), nl=False)


@store_group.command("show")
@_store_option
@click.option("--unit", required=True, metavar="UNIT", help="County-level unit id.")
@click.option("--year", default=None, type=int, help="Year.")
@period_option
@click.option(
    "--version", "version", default=None, type=int, help="A version (default: the current one)."
)
@format_option(("table", "csv", "md", "json"))
def store_show_cmd(
    store: Path, unit: str, year: int | None, period: Period | None, version: int | None, fmt: str
) -> None:
    """Show the figures of one submission in the store (default: its current version); with
    --period 2023-06, that month's 快报.

    \b
    Example:
      soeplan store show --store store/ --unit qujiang --year 2023 --version 1
      soeplan store show --store store/ --unit qujiang --period 2023-06
    """
    from soeplan.submissions.store import Store

    chosen = chosen_period(period, year)
    if chosen is None:
        raise click.UsageError("give --year YEAR or --period PERIOD (e.g. 2023-06) / 请给出期间")
    st = Store(store)
    entry = st.entry(unit, chosen.year, version, chosen.month)
    frame = st.read(unit, chosen.year, entry.version, chosen.month)
    if fmt == "json":
        click.echo(
            json.dumps(
                {"entry": entry.to_json(), "observations": frame.to_dicts()},
                ensure_ascii=False,
                indent=1,
            )
        )
        return
    title = (
        f"{unit} {chosen} version {entry.version} (ingested {entry.ingested_at} from {entry.source})"
        + (" 示例数据（合成）/ synthetic" if entry.synthetic else "")
    )
    click.echo(render_rows(frame.columns, frame.rows(), fmt, title=title), nl=False)
