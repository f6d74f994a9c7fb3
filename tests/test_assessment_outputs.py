"""The four outputs of an assessment print the same figures: one vocabulary, one formatter.

On the demo: ``soeplan assess`` (CSV, on the sample's rollup), report.xlsx (each cell's value
as its number format shows it), summary.md and report.html must agree cell for cell on every
assessed target they share.
"""

from __future__ import annotations

import csv
import io
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
import pytest

from report_fixtures import BlockTable
from soeplan.cli import main
from soeplan.report.i18n import label
from soeplan.report.layout import ASSESSMENT_COLUMNS

Rows = dict[tuple[str, str], list[str]]
HEADER = [label(h, "zh") for h in ASSESSMENT_COLUMNS]


def _keyed(rows: list[list[str]]) -> Rows:
    return {(r[0], r[1]): r for r in rows}


def cli_rows(tmp: Path, capsys: pytest.CaptureFixture[str]) -> Rows:
    assert main(["rollup", "--sample", "--format", "csv"]) == 0
    data = tmp / "rollup.csv"
    data.write_text(capsys.readouterr().out, encoding="utf-8")
    assert main(["assess", "--data", str(data), "--year", "2023", "--format", "csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == HEADER
    return _keyed(rows[1:])


def md_rows(path: Path) -> Rows:
    lines = path.read_text(encoding="utf-8").splitlines()
    start = lines.index("| " + " | ".join(HEADER) + " |")
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([c.strip() for c in line.strip("|").split(" | ")])
    return _keyed(rows)


def html_rows(path: Path) -> Rows:
    parser = BlockTable("assessment")
    parser.feed(path.read_text(encoding="utf-8"))
    assert parser.rows[0] == HEADER
    return _keyed([[c.strip() for c in r] for r in parser.rows[1:]])


def _shown(value: object, number_format: str) -> str:
    """A cell's value as its number format shows it (the formats the workbook uses)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    d = Decimal(repr(float(value)))  # type: ignore[arg-type]
    if number_format == "0.00%":
        return f"{(d * 100).quantize(Decimal('0.01'), ROUND_HALF_UP)}%"
    if number_format == '0.00"pp"':
        return f"{d.quantize(Decimal('0.01'), ROUND_HALF_UP)}pp"
    if number_format == "#,##0":
        return f"{d.quantize(Decimal('1'), ROUND_HALF_UP):,}"
    assert number_format == "#,##0.00", number_format
    return f"{d.quantize(Decimal('0.01'), ROUND_HALF_UP):,}"


def xlsx_rows(path: Path) -> Rows:
    ws = openpyxl.load_workbook(path)[label("assessment", "zh")]
    rows = [[_shown(c.value, c.number_format) for c in r] for r in ws.iter_rows()]
    start = next(i for i, r in enumerate(rows) if r[: len(HEADER)] == HEADER)
    out = []
    for r in rows[start + 1 :]:
        if not r[0] or not r[1]:
            break
        out.append(r[: len(HEADER)])
    return _keyed(out)


def _norm(cell: str) -> str:
    return "" if cell == "–" else cell  # a missing number: a dash in print, empty in a cell


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    assert main(["demo", "--out", str(out), "--quiet"]) == 0
    return out


def test_cli_report_workbook_and_summary_print_the_same_figures(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    outputs = {
        "cli": cli_rows(tmp_path, capsys),
        "md": md_rows(demo / "summary.md"),
        "html": html_rows(demo / "report.html"),
        "xlsx": xlsx_rows(demo / "report.xlsx"),
    }
    shared = set.intersection(*(set(rows) for rows in outputs.values()))
    assert {("全市", "资产总额"), ("全市", "资产负债率"), ("市区", "净资产收益率")} <= shared
    assert len(shared) >= 24  # every city and urban target
    for key in sorted(shared):
        want = [_norm(c) for c in outputs["md"][key]]
        for name, rows in outputs.items():
            assert [_norm(c) for c in rows[key]] == want, (name, key)
    # the figures the issue found printed differently, and the two required rates apart
    assets = dict(zip(HEADER, outputs["cli"][("全市", "资产总额")], strict=True))
    assert assets[label("required_rate", "zh")] == "13.86%"
    assert assets[label("required_growth", "zh")] == "14.83%"
    aaa = dict(zip(HEADER, outputs["xlsx"][("全市", "AAA评级企业")], strict=True))
    assert aaa[label("actual_growth", "zh")] not in ("0", "")  # a change per year, to 0.01
