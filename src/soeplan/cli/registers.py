"""``soeplan register``: a unit's enterprise register (企业名录) as a workbook, checked, loaded into
the store with history, and shown."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import click

from soeplan.cli._common import cli, format_option, warn_plugin_failures
from soeplan.cli._render import render_rows
from soeplan.cli.store import _store_option
from soeplan.errors import SoeplanError
from soeplan.safety import terminal_text

_unit_option = click.option(
    "--unit", required=True, metavar="UNIT", help="County-level unit id, e.g. changshan."
)
_store_required = _store_option


def _iso_date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date such as 2023-12-31") from None


@cli.group("register")
def register_group() -> None:
    """A unit's enterprise register (企业名录 / 产权登记): template, check, load, history, show.

    A county without a plugin brings its real entity list this way; once loaded, templates,
    validation, ingest, the rollup and the report given --store use the register's entities.

    \b
    Example:
      soeplan register template --unit changshan --out changshan-register.xlsx
      soeplan register check changshan-register.xlsx
      soeplan register load changshan-register.xlsx --store store/ --by "Li Ming"
      soeplan register show --unit changshan --store store/ --format md
    """


def _unit(unit: str) -> Any:
    from soeplan.errors import UnknownNameError
    from soeplan.structure.city import city_file

    units = {u.id: u for u in city_file().units}
    if unit not in units:
        raise UnknownNameError(
            f"unknown county-level unit {unit!r}; known units: {', '.join(sorted(units))}\n"
            "  fix: pass one of the known unit ids with --unit"
        )
    return units[unit]


@register_group.command("template")
@_unit_option
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Workbook to write (.xlsx).",
)
@click.option(
    "--store",
    "store",
    default=None,
    type=click.Path(file_okay=False, path_type=Path),
    help="Pre-fill with the unit's register in this store, when there is one.",
)
@click.option(
    "--as-of", "as_of", default=None, callback=_iso_date, metavar="DATE",
    help="The as-of date to pre-fill (default: the register's, else today).",
)  # fmt: skip
def template_cmd(unit: str, out: Path, store: Path | None, as_of: dt.date | None) -> None:
    """Write the register workbook a county fills (企业名录模板).

    Pre-filled with the unit's current entities: from the store's register when --store holds
    one, else from the unit's plugin structure, else empty. Sheets: 填表说明 Instructions (with
    the as-of date), 企业名录 Entities, 变更记录 Changes; every choice has a drop-down list.

    \b
    Example:
      soeplan register template --unit changshan --out changshan-register.xlsx
      soeplan register template --unit kecheng --store store/ --out kecheng-register.xlsx
    """
    from soeplan.plugins.registry import get_registry
    from soeplan.registers.workbook import register_from_structure, write_register_template
    from soeplan.submissions.store_registers import register_versions, stored_register

    warn_plugin_failures()
    cu = _unit(unit)
    register, origin = None, "empty: no register or plugin structure yet / 空白"
    if store is not None and (versions := register_versions(store, unit)):
        register = stored_register(store, unit)
        origin = f"the store's register version {versions[-1].version}"
    elif (plugin := get_registry().structures.get(unit)) is not None and plugin.entities:
        register = register_from_structure(plugin, as_of or dt.date.today())
        origin = f"the structure of plugin {plugin.provider or unit}"
    write_register_template(out, unit=cu, register=register, as_of=as_of)
    n = len(register.entries) if register else 0
    click.echo(f"wrote {out}: {n} entities of {unit}, from {origin} / 已生成企业名录模板")


def _problem_rows(problems: Any) -> list[list[str]]:
    return [[p.where, p.what, p.fix] for p in problems]


class RegisterProblems(SoeplanError):
    """A register with problems, already listed: exit code 1."""

    exit_code = 1


def echo_problems(file: Path, problems: Any, fmt: str, refused: bool, name_zh: str) -> None:
    """List every problem of a checked workbook (a table, CSV, Markdown or JSON); when
    ``refused``, exit 1 saying how many (``name_zh``: what the workbook is, 企业名录)."""
    if fmt == "json":
        items = [{"where": p.where, "what": p.what, "fix": p.fix} for p in problems]
        click.echo(json.dumps(items, ensure_ascii=False, indent=1))
    elif problems:
        header = ["where 位置", "problem 问题", "fix 处理办法"]
        click.echo(render_rows(header, _problem_rows(problems), fmt, title=str(file)), nl=False)
    if refused:
        n = len(problems)
        raise RegisterProblems(
            f"{file}: {n} problem{'s' if n != 1 else ''} (listed above) / {name_zh}有误\n"
            "  fix: correct each one in the workbook, then check it again"
        )


@register_group.command("check")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@format_option(("table", "csv", "md", "json"))
def check_cmd(file: Path, fmt: str) -> None:
    """Check a register workbook and list every problem at once (exit 1 when there are any).

    Checks each cell (ids, credit codes and their check digit, choices, shares between 0 and
    100 %, dates, no formulas) and the rows together (duplicate ids, unknown parents, cycles,
    ratings with agency and date, changes naming known entities), then the merge with the
    unit's plugin structure (its disagreements are listed, not refused).

    \b
    Example:
      soeplan register check changshan-register.xlsx
      soeplan register check changshan-register.xlsx --format csv > problems.csv
    """
    from soeplan.plugins.registry import get_registry
    from soeplan.registers.merge import merge_register
    from soeplan.registers.reader import check_register

    warn_plugin_failures()
    found = check_register(file)
    echo_problems(file, found.problems, fmt, found.register is None, "企业名录")
    r = found.register
    assert r is not None  # refused above
    for f in merge_register(r, get_registry().structures.get(r.unit))[1]:
        click.echo(terminal_text(f"finding 合并差异: {f}"), err=True)
    click.echo(
        terminal_text(
            f"{file}: ok 通过: {r.unit}, {len(r.entries)} entities, {len(r.changes)} changes, "
            f"as of {r.as_of}"
        ),
        err=True,
    )


@register_group.command("load")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@_store_required
@click.option("--by", "by", default="", help="Who loads it (recorded with the version).")
def load_cmd(file: Path, store: Path, by: str) -> None:
    """Check a register workbook and load it into the store as the next version (入库).

    Refused with every problem (exit 1) when the workbook has any, or when the unit's structure
    with it would not fit the city's; a refused load leaves the store unchanged. Where the unit
    also has a plugin structure, the register wins for the attributes it carries and each
    disagreement is listed.

    \b
    Example:
      soeplan register load changshan-register.xlsx --store store/ --by "Li Ming"
    """
    from soeplan.submissions.store_registers import load_register

    warn_plugin_failures()
    res = load_register(store, file, by=by)
    v = res.version
    for f in res.findings:
        click.echo(terminal_text(f"finding 合并差异: {f}"), err=True)
    click.echo(
        f"loaded 已入库: {file} → {v.unit} register version {v.version} ({v.entries} entities, "
        f"{v.changes} changes, as of {v.as_of})"
    )


@register_group.command("history")
@_unit_option
@_store_required
@format_option(("table", "csv", "md", "json"))
def history_cmd(unit: str, store: Path, fmt: str) -> None:
    """Every loaded version of a unit's register: when, by whom, from which file, as of when.

    \b
    Example:
      soeplan register history --unit changshan --store store/
    """
    from soeplan.submissions.store_registers import register_versions

    echo_history(
        register_versions(store, unit),
        ("entities", "changes"),
        fmt,
        f"{unit} 企业名录历史 / register history ({store})",
    )


def echo_history(versions: Any, counts: tuple[str, str], fmt: str, title: str) -> None:
    """A register's loaded versions as JSON or a table: version, as-of date, when, by whom,
    from which file, the two row counts named by ``counts``, the file's SHA-256."""
    import attrs

    if fmt == "json":
        items = [attrs.asdict(v) | {"as_of": v.as_of.isoformat()} for v in versions]
        click.echo(json.dumps(items, ensure_ascii=False, indent=1))
        return
    header = ["version", "as of 截至", "loaded (UTC)", "by", "file", *counts, "sha256"]
    rows = [
        [v.version, v.as_of, v.loaded_at, v.loaded_by, v.source,
         *(getattr(v, c) for c in counts), v.sha256[:12]]
        for v in versions
    ]  # fmt: skip
    click.echo(render_rows(header, rows, fmt, title=title), nl=False)


_SHOW_HEADER = [
    "id 编码", "name 名称", "name_en", "parent 上级", "type 类型", "class 功能分类",
    "industry 行业", "sector 战略领域", "state share 国有股比", "listed 上市", "rating 评级",
    "credit code 信用代码",
]  # fmt: skip


_SHOW_KEYS = [
    "id", "name_zh", "name_en", "parent", "node_type", "functional_class", "industry", "sector",
    "state_share", "listed", "rating", "credit_code",
]  # fmt: skip


@register_group.command("show")
@_unit_option
@_store_required
@click.option(
    "--at", "at", default=None, callback=_iso_date, metavar="DATE",
    help="The register stated for DATE (the latest as-of on or before it, else the earliest), "
    "as it stands then.",
)  # fmt: skip
@click.option("--version", "version", default=None, type=int, help="A loaded version.")
@format_option(("table", "csv", "md", "json"))
def show_cmd(unit: str, store: Path, at: dt.date | None, version: int | None, fmt: str) -> None:
    """A unit's register in the store (default: its latest version).

    With --at DATE: the version stated for that date, and each entity as it stands on it (its
    name and parent after the changes up to then; merged and dissolved ones left out).

    \b
    Example:
      soeplan register show --unit changshan --store store/
      soeplan register show --unit changshan --store store/ --at 2022-12-31 --format csv
    """
    from soeplan.submissions.register_view import register_rows

    rows = register_rows(store, unit, at=at, version=version)
    if fmt == "json":
        click.echo(json.dumps([dict(zip(_SHOW_HEADER, r, strict=True)) for r in rows],
                              ensure_ascii=False, indent=1, default=str))  # fmt: skip
        return
    when = f" on {at}" if at else ""
    title = f"{unit} 企业名录 / register{when}"
    click.echo(render_rows(_SHOW_HEADER, rows, fmt, title=title), nl=False)
