"""Frames for report tests: a plausible 2023 built from the plan's published 2020 figures."""

from __future__ import annotations

import shutil
from html.parser import HTMLParser
from pathlib import Path

import polars as pl
import pytest

import soeplan
from soeplan.plan.model import Plan
from soeplan.rules import findings_frame

AMOUNT_GROWTH = {  # yearly growth used to build test data (not an expected result)
    "total_assets": 0.14,
    "net_assets": 0.11,
    "revenue": 0.05,  # slow: should come out behind its path
    "total_profit": 0.23,
    "net_profit": 0.24,
}
UNITS = ("municipal", "kecheng", "qujiang", "jiangshan", "changshan", "kaihua", "longyou")


def totals_for(plan: Plan, year: int) -> pl.DataFrame:
    """Scope totals for 2021..year: amounts grown from 2020, ratios recomputed, counts stepped."""
    rows = []
    for scope in ("city", "urban"):
        for y in range(plan.base_year + 1, year + 1):
            n = y - plan.base_year
            amt = {
                code: float(plan.figure(scope, code, plan.base_year).value) * (1 + g) ** n  # type: ignore[union-attr]
                for code, g in AMOUNT_GROWTH.items()
            }
            ratios = {
                "debt_ratio": 1 - amt["net_assets"] / amt["total_assets"],
                "roe": amt["net_profit"] / amt["net_assets"],
                "profit_margin": amt["total_profit"] / amt["revenue"],
                "net_margin": amt["net_profit"] / amt["revenue"],
            }
            counts = {"rated_aaa": 0.0, "rated_aa_plus": 3.0 + n, "rated_aa": 15.0, "listed": 1.0}
            for code, v in {**amt, **ratios, **counts}.items():
                rows.append((scope, y, code, v))
    return pl.DataFrame(
        rows,
        schema={"scope": pl.String, "year": pl.Int32, "indicator": pl.String, "value": pl.Float64},
        orient="row",
    )


def units_for(totals: pl.DataFrame, year: int) -> pl.DataFrame:
    city = totals.filter(pl.col("scope") == "city", pl.col("year") == year)
    shares = [0.4, 0.1, 0.1, 0.15, 0.08, 0.07, 0.1]
    rows = [
        (u, year, code, v * s)
        for u, s in zip(UNITS, shares, strict=True)
        for code, v in city.select("indicator", "value").iter_rows()
        if code in ("total_assets", "net_assets", "revenue", "total_profit", "net_profit")
    ]
    return pl.DataFrame(
        rows,
        schema={"unit": pl.String, "year": pl.Int32, "indicator": pl.String, "value": pl.Float64},
        orient="row",
    )


#: entity -> (unit, total assets, net assets): debt ratios 50%, 66%, 72%, 64.99%
ENTITIES = {
    "e.low": ("municipal", 100.0, 50.0),
    "e.warn": ("kecheng", 100.0, 34.0),
    "e.key": ("qujiang", 200.0, 56.0),
    "e.edge": ("jiangshan", 100.0, 35.01),
}
ENTITY_NAMES = {"e.low": "低负债示例公司", "e.warn": "预警示例公司", "e.key": "重点监管示例公司"}


def entities_for(year: int) -> pl.DataFrame:
    rows = []
    for ent, (unit, ta, na) in ENTITIES.items():
        rows += [(ent, unit, year, "total_assets", ta), (ent, unit, year, "net_assets", na)]
    return pl.DataFrame(
        rows,
        schema={
            "entity": pl.String,
            "unit": pl.String,
            "year": pl.Int32,
            "indicator": pl.String,
            "value": pl.Float64,
        },
        orient="row",
    )


def findings_for(year: int) -> pl.DataFrame:
    return findings_frame(
        [
            {
                "severity": "error",
                "rule": "core.balance",
                "file": "常山县2023.xlsx",
                "sheet": "资产负债表",
                "cell": "C7",
                "unit": "changshan",
                "entity": "示例公司",
                "indicator": "net_assets",
                "year": year,
                "expected": "≤ 总资产",
                "found": "120.00",
                "message_zh": "净资产大于资产总额",
                "message_en": "net assets exceed total assets",
                "fix": "核对资产负债表",
            }
        ]
    )


def unit_names() -> dict[str, soeplan.Text]:
    names = {
        "municipal": ("市本级", "Municipal level"),
        "kecheng": ("柯城区", "Kecheng District"),
        "qujiang": ("衢江区", "Qujiang District"),
        "jiangshan": ("江山市", "Jiangshan City"),
        "changshan": ("常山县", "Changshan County"),
        "kaihua": ("开化县", "Kaihua County"),
        "longyou": ("龙游县", "Longyou County"),
    }
    return {k: soeplan.Text(*v) for k, v in names.items()}


# ---------------------------------------------------------------- the page in a browser

#: Debian's chromium, for the browser tests (None: not installed, those tests skip).
CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
)
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="chromium is not installed (apt-get install -y chromium); CI installs it in .ci/run",
)
#: headless, and nothing of the browser's own reaching out
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class BlockTable(HTMLParser):
    """The cells of the table marked ``data-block=KEY`` of a report page, and its SVGs' attributes."""

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key
        self.rows: list[list[str]] = []
        self.svgs: list[dict[str, str]] = []
        self.inside = self.cell = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "svg":
            self.svgs.append(a)
        if tag == "table" and a.get("data-block") == self.key:
            self.inside = True
        elif self.inside and tag == "tr":
            self.rows.append([])
        elif self.inside and tag in ("td", "th"):
            self.cell = True
            self.rows[-1].append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self.inside = False
        elif tag in ("td", "th"):
            self.cell = False

    def handle_data(self, data: str) -> None:
        if self.inside and self.cell:
            self.rows[-1][-1] += data
