"""``soeplan validate``: check submitted files and list every finding at once."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from soeplan.cli._common import cli, note_slow_plugins, warn_plugin_failures
from soeplan.cli._period import chosen_period, period_option
from soeplan.cli._render import render_rows
from soeplan.errors import SoeplanError

if TYPE_CHECKING:
    import polars as pl

    from soeplan.periods import Period

VALIDATE_FORMATS = ("table", "csv", "md", "json")

F = TypeVar("F", bound=Callable[..., Any])


def policy_options(f: F) -> F:
    """``--policy`` and ``--jump-share``: what blocks a submission (validate and ingest)."""
    f = click.option(
        "--jump-share",
        default=0.5,
        show_default=True,
        type=float,
        help="Change against last year that needs an explanation (0.5 = 50%).",
    )(f)
    return click.option(
        "--policy",
        "policy",
        type=click.Choice(["default", "strict", "lenient"]),
        default="default",
        show_default=True,
        help="Which findings block: default (errors; warnings without an explanation), strict "
        "(errors and warnings), lenient (errors only).",
    )(f)


def submission_options(f: F) -> F:
    """``--unit``, ``--year`` (or ``--period``) and ``--plan``: what a submission is checked as
    (validate, ingest)."""
    f = period_option(f)
    f = click.option(
        "--plan",
        "plan",
        default="quzhou-14th",
        show_default=True,
        metavar="ID|FILE",
        help="The plan whose targets are checked.",
    )(f)
    f = click.option(
        "--year", default=None, type=int, help="The declared year (default: what the file says)."
    )(f)
    return click.option(
        "--unit",
        default=None,
        metavar="UNIT",
        help="The unit the files are for (CSV/Parquet without a unit column).",
    )(f)


HEADER = [
    "severity 严重性",
    "rule 规则",
    "where 位置",
    "entity 企业",
    "indicator 指标",
    "year 年度",
    "expected 应为",
    "found 实际",
    "problem 问题",
    "fix 处理办法",
    "blocks 阻止上报",
]


def _where(r: dict[str, Any]) -> str:
    name = Path(r["file"]).name if r.get("file") else ""
    if r.get("sheet") and r.get("cell"):
        return f"{name} {r['sheet']}!{r['cell']}"
    if r.get("row") is not None:
        return f"{name} row {r['row']}"
    return name


def render_findings(findings: pl.DataFrame, fmt: str) -> str:
    """The findings as a terminal table, CSV, Markdown or JSON."""
    if fmt == "json":
        return json.dumps(findings.to_dicts(), ensure_ascii=False, indent=1) + "\n"
    if fmt == "csv":
        from soeplan.safety import csv_frame

        return csv_frame(findings).write_csv()
    if findings.is_empty():
        return "没有发现问题 / No findings\n"
    rows = []
    sev_zh = {"error": "错误", "warning": "警告", "hint": "提示"}
    for r in findings.iter_rows(named=True):
        rows.append(
            [
                f"{r['severity']} {sev_zh.get(r['severity'], '')}",
                r["rule"],
                _where(r),
                r["entity"],
                r["indicator"],
                r["year"],
                r["expected"],
                r["found"],
                f"{r['message_zh']} / {r['message_en']}",
                r["fix"],
                ("yes 是" if r["blocks"] else "no 否")
                + (" (explained 已说明)" if r["explained"] else ""),
            ]
        )
    return render_rows(HEADER, rows, fmt, title="发现问题 / Findings")


def summary_line(checked: Any) -> str:
    import polars as pl

    rep = checked.report
    c = rep.counts()
    unexplained = rep.findings.filter(
        (pl.col("severity") == "warning") & ~pl.col("explained")
    ).height
    verdict = "可以上报 acceptable" if rep.acceptable else "不能上报 blocked"
    return (
        f"{checked.submission.path} ({checked.unit} {checked.period}): {verdict}: "
        f"{c['error']} errors 错误, {c['warning']} warnings 警告 ({unexplained} unexplained 未说明), "
        f"{c['hint']} hints 提示"
    )


@cli.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@submission_options
@click.option(
    "--store",
    "store",
    default=None,
    type=click.Path(file_okay=False, path_type=Path),
    help="A store to take last year's accepted figures from (prior-period check).",
)
@policy_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(VALIDATE_FORMATS),
    default="table",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--annotate",
    is_flag=True,
    help="Write a copy of each workbook with the failing cells marked, and a findings sheet.",
)
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="With --annotate and one workbook: the copy to write (default: NAME.checked.xlsx).",
)
def validate_cmd(
    files: tuple[Path, ...],
    unit: str | None,
    year: int | None,
    period: Period | None,
    plan: str,
    store: Path | None,
    policy: str,
    jump_share: float,
    fmt: str,
    annotate: bool,
    output: Path | None,
) -> None:
    """Check submitted files (审核) and list every finding at once.

    Reads the .xlsx template, CSV (UTF-8, UTF-8 with BOM, GBK / GB18030) and Parquet. Exit code
    0: acceptable; 1: findings block the submission (errors, or warnings without a written
    explanation in the 说明 column); 2: a file cannot be read at all.

    \b
    Example:
      soeplan validate qujiang-2023.xlsx
      soeplan validate qujiang-2023.xlsx --annotate -o qujiang-2023.checked.xlsx
      soeplan validate qujiang-2023.csv --unit qujiang --year 2023 --format json
      soeplan validate qujiang-2023-06.xlsx --store store/     # a 快报: the month is in the file
    """
    from soeplan.submissions.annotate import annotate_workbook, default_annotated_path
    from soeplan.submissions.ingest import check_files
    from soeplan.submissions.validate import Policy, ValidationReport

    warn_plugin_failures()
    if output is not None and (not annotate or len(files) != 1):
        raise click.UsageError("-o/--output goes with --annotate and a single workbook")
    chosen = chosen_period(period, year)
    checked = check_files(
        files,
        unit=unit,
        year=chosen.year if chosen else None,
        month=chosen.month if chosen else None,
        plan=plan,
        store=store,
        options={"jump_share": jump_share},
        policy=Policy.named(policy),
    )
    combined = ValidationReport.combine(c.report for c in checked)
    note_slow_plugins(combined.timings)
    click.echo(render_findings(combined.findings, fmt), nl=False)
    for c in checked:
        click.echo(summary_line(c), err=True)
        if annotate:
            if c.submission.format != "xlsx":
                click.echo(
                    f"  {c.submission.path}: not a workbook, nothing to annotate (use --format csv)",
                    err=True,
                )
                continue
            out = output or default_annotated_path(c.submission.path)
            annotate_workbook(c.submission.path, c.report.findings, out)
            click.echo(f"  annotated copy / 标注副本: {out}", err=True)
    if not combined.acceptable:
        raise SoeplanBlocked()


class SoeplanBlocked(SoeplanError):
    """Findings block the submission: exit code 1 (the findings are already printed)."""

    exit_code = 1

    def __init__(self) -> None:
        super().__init__(
            "findings block the submission (不能上报): fix the errors, and explain each warning "
            "in the 说明 / Explanation column"
        )
