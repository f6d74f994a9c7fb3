"""How the report prints amounts, counts, rates and milestones: the strings a reader sees.

The demo report (the bundled synthetic sample, 2023) is written once; its Markdown summary, its
HTML page and its workbook are read back and their cells compared with strings written here.
Amounts print to 0.01 half-up with thousands separators, counts as whole numbers half-up, and
ratios under the plan's own convention (truncation, as the plan prints 54.57%). The hand
figures: the 2023 milestone of 全市 total assets on the compound path from 2,090.49 (2020) to
4,000 (2025) is 2090.49 * (4000 / 2090.49) ** (3 / 5) = 3,085.5688 → "3,085.57"; the AAA
milestone on the straight line from 0 to 1 is 0.6 → "1".
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from soeplan import report_from_observations, run_demo, sample_observations, write_report

# the assessment's columns after scope and indicator: kind, attribute, method, base, actual,
# milestone, gap to the milestone, target, stretch, actual rate, rate required over the whole
# period, rate still required, R, verdict, band, completion, time, mid-term, projection, gap,
# headroom (issue 14: one verdict, two named rates, one formatter)
ASSESSMENT_ROWS = {
    ("全市", "资产总额"): [
        "达到", "预期性", "复合增长", "2,090.49", "3,033.33", "3,085.57", "52.24", "4,000.00",
        "–", "13.21%", "13.86%", "14.83%", "0.95", "进度符合", "进展顺利", "49.38%", "60.00%",
        "滞后", "3,887.77", "112.23", "–",
    ],
    ("市区", "资产总额"): [
        "达到", "预期性", "复合增长", "1,197.87", "1,810.44", "1,862.64", "52.20", "2,500.00",
        "–", "14.76%", "15.85%", "17.51%", "0.93", "落后于进度", "进展一般", "47.04%", "60.00%",
        "滞后", "2,384.33", "115.67", "–",
    ],
    ("全市", "营业收入"): [
        "达到", "预期性", "复合增长", "78.74", "100.83", "137.75", "36.92", "200.00", "–",
        "8.59%", "20.49%", "40.84%", "0.42", "偏离进度", "进展不足", "18.22%", "60.00%", "滞后",
        "118.90", "81.10", "–",
    ],
    # a count's path is no count: the 2023 milestone of a target of 1 (from 0) is 0.60 家
    ("全市", "AAA评级企业"): [
        "达到", "预期性", "线性", "0", "1", "0.60", "-0.40", "1", "–", "0.33", "0.20", "0.00",
        "1.67", "已达到", "已实现目标", "100.00%", "60.00%", "提前实现", "1.67", "-0.67", "–",
    ],
    ("全市", "AA+评级企业"): [
        "达到", "预期性", "线性", "3", "5", "6.00", "1.00", "8", "–", "0.67", "1.00", "1.50",
        "0.67", "落后于进度", "进展一般", "40.00%", "60.00%", "滞后", "6.33", "1.67", "–",
    ],
    # a ratio: 0.6090996 prints 60.90% under the plan's truncation (60.91% half-up); changes of
    # a ratio print in percentage points
    ("全市", "资产负债率"): [
        "上限", "约束性", "线性", "55.60%", "60.90%", "–", "–", "65.00%", "–", "1.77pp", "–",
        "–", "–", "已达到", "符合", "–", "60.00%", "", "64.44%", "-0.55pp", "4.09pp",
    ],
}  # fmt: skip

TABLE1_CITY = {
    "资产总额": ["亿元", "920.12", "2,090.49", "3,033.33", "13.21%", "45.10%"],
    "净资产": ["亿元", "468.14", "928.12", "1,185.73", "8.51%", "27.75%"],
    "利润总额": ["亿元", "8.76", "15.94", "18.10", "4.33%", "13.55%"],
    # 8.83 / 468.14 = 0.0188619: 1.88% under the plan's truncation of ratios
    "净资产收益率": ["%", "1.88%", "1.32%", "1.11%", "–", "–"],
    "资产负债率": ["%", "49.12%", "55.60%", "60.90%", "–", "–"],
    "AA评级企业": ["家", "1", "15", "14", "–", "–"],
}
TABLE2_CITY = {
    "资产总额": ["亿元", "2,090.49", "4,000.00", "91.34%", "预期性", "3,033.33"],
    "AAA评级企业": ["家", "0", "1", "–", "预期性", "1"],
    "净资产收益率": ["%", "1.32%", "不低于2%", "–", "预期性", "1.11%"],
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("printing") / "report"
    run_demo(out)
    return out


def test_the_hand_figures_behind_the_milestones() -> None:
    # the compound path's 2023 value and the straight line's, computed here from the plan's
    # numbers: what the report must print after rounding
    milestone = 2090.49 * (4000 / 2090.49) ** (3 / 5)
    assert 3085.565 < milestone < 3085.575
    assert f"{milestone:,.2f}" == "3,085.57"
    assert 0 + (1 - 0) * 3 / 5 == 0.6


def _markdown_rows(text: str) -> dict[tuple[str, str], list[str]]:
    rows = {}
    for line in text.splitlines():
        if line.startswith("| ") and not line.startswith("| ---"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            rows.setdefault((cells[0], cells[1]), cells[2:])
    return rows


def test_markdown_prints_amounts_counts_and_milestones(demo: Path) -> None:
    rows = _markdown_rows((demo / "summary.md").read_text(encoding="utf-8"))
    for key, want in ASSESSMENT_ROWS.items():
        assert rows[key] == want, key


class _Tables(HTMLParser):
    """Cell texts of every table with a ``data-block``: block → rows of cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._block: str | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._block = dict(attrs).get("data-block")
        elif tag == "tr" and self._block:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None and self._block:
            self.tables.setdefault(self._block, []).append(self._row)
            self._row = None
        elif tag == "table":
            self._block = None


@pytest.fixture(scope="module")
def html_tables(demo: Path) -> dict[str, list[list[str]]]:
    parser = _Tables()
    parser.feed((demo / "report.html").read_text(encoding="utf-8"))
    return parser.tables


def test_html_prints_amounts_counts_and_milestones(
    html_tables: dict[str, list[list[str]]],
) -> None:
    rows = {(r[0], r[1]): r[2:] for r in html_tables["assessment"]}
    for key, want in ASSESSMENT_ROWS.items():
        assert rows[key] == want, key


def test_html_plan_tables_print_as_the_plan_prints(
    html_tables: dict[str, list[list[str]]],
) -> None:
    t1 = {r[0]: r[1:] for r in html_tables["table1-city"]}
    assert t1["指标"] == [
        "单位",
        "2015年",
        "2020年",
        "2023年",
        "2020—2023年均增长率",
        "2020—2023总体增长率",
    ]
    for label, want in TABLE1_CITY.items():
        assert t1[label] == want, label
    t2 = {r[0]: r[1:] for r in html_tables["table2-city"]}
    for label, want in TABLE2_CITY.items():
        assert t2[label] == want, label


def _excel_text(value: object, number_format: str) -> str:
    """What Excel shows for a number under the formats the workbook uses."""
    assert isinstance(value, int | float), value
    v = float(value)
    if number_format == "#,##0.00":
        return f"{v:,.2f}"
    if number_format == "0.00%":
        return f"{v * 100:.2f}%"
    if number_format == "0":
        return f"{v:.0f}"
    raise AssertionError(f"unexpected number format {number_format!r}")


def test_workbook_keeps_full_precision_and_prints_through_its_formats(demo: Path) -> None:
    ws = openpyxl.load_workbook(demo / "report.xlsx")["年度评估"]
    rows = {(r[0].value, r[1].value): r[2:] for r in ws.iter_rows() if r[1].value and r[0].value}
    city = rows[("全市", "资产总额")]  # kind, attribute, method, base, actual, milestone, ...
    milestone = city[5]
    assert milestone.value == pytest.approx(2090.49 * (4000 / 2090.49) ** 0.6, rel=1e-12)
    assert milestone.number_format == "#,##0.00"
    assert _excel_text(milestone.value, milestone.number_format) == "3,085.57"
    shown = [
        _excel_text(c.value, c.number_format) if isinstance(c.value, int | float) else c.value
        for c in city[3:10]
    ]
    assert shown == ["2,090.49", "3,033.33", "3,085.57", "52.24", "4,000.00", None, "13.21%"]
    aaa = rows[("全市", "AAA评级企业")]
    assert aaa[5].value == pytest.approx(0.6) and aaa[5].number_format == "#,##0.00"
    assert _excel_text(aaa[5].value, aaa[5].number_format) == "0.60"
    assert [c.value for c in aaa[3:8]] == [0, 1, pytest.approx(0.6), pytest.approx(-0.4), 1]


def test_plan_tables_round_amounts_half_up_off_the_cent(tmp_path: Path) -> None:
    # the sample's totals fall on the cent, where truncation and rounding agree: move 全市 total
    # assets 0.006 亿元 off it (2020 and 2023) and the plan tables must round, not truncate
    obs = sample_observations().with_columns(
        value=pl.when(
            (pl.col("entity") == "mun.guozi.hq")
            & (pl.col("indicator") == "total_assets")
            & pl.col("year").is_in([2020, 2023])
        )
        .then(pl.col("value") + 0.006)
        .otherwise(pl.col("value"))
    )
    run = report_from_observations(obs, "quzhou-14th", 2023, synthetic=True)
    write_report(run.report, tmp_path / "r")
    parser = _Tables()
    parser.feed((tmp_path / "r" / "report.html").read_text(encoding="utf-8"))
    t1 = {r[0]: r[1:] for r in parser.tables["table1-city"]}
    assert t1["资产总额"][:4] == ["亿元", "920.12", "2,090.50", "3,033.34"]  # .496, .336
    t2 = {r[0]: r[1:] for r in parser.tables["table2-city"]}
    assert t2["资产总额"][1] == "2,090.50" and t2["资产总额"][5] == "3,033.34"
