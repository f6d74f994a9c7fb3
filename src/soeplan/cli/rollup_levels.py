"""``soeplan rollup --level scope|group|entity``: the figures of the scopes and county-level
units (the default), of the groups, or of the enterprises, printed.

In the same four formats: a table or Markdown rounded for reading, CSV and JSON
exactly as computed (:func:`soeplan.safety.figure_text`).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

from soeplan.cli._render import render_rows

if TYPE_CHECKING:
    import polars as pl

    from soeplan.consolidation.records import Rollup


_HEADER = {
    "zh": {"group": "集团", "entity": "企业", "unit": "所属单位", "year": "年份",
           "indicator": "指标", "measure": "计量单位", "value": "数值"},
    "en": {"group": "group", "entity": "enterprise", "unit": "county unit", "year": "year",
           "indicator": "indicator", "measure": "unit", "value": "value"},
}  # fmt: skip


def level_frame(result: Rollup, level: str) -> pl.DataFrame:
    """The rollup's rows of one node type (``group`` or ``entity``), in a stable order: by
    county-level unit, node, year and the catalogue's order of indicators."""
    import polars as pl

    from soeplan.plugins.registry import get_registry

    order = {code: i for i, code in enumerate(get_registry().indicators)}
    return (
        result.values.filter(pl.col("node_type") == level)
        .with_columns(_i=pl.col("indicator").replace_strict(order, default=len(order)))
        .sort(["unit", "node", "year", "_i"], nulls_last=True)
        .drop("_i")
    )


def echo_level(result: Rollup, level: str, fmt: str, lang: str, *, sample: bool) -> None:
    """Print the groups' (or enterprises') figures of ``result`` in ``fmt``."""
    from soeplan.sample import SYNTHETIC_NOTE

    frame = level_frame(result, level)
    h = _HEADER[lang]
    if frame.is_empty():
        click.echo(
            f"# no {h[level]} figures for the years and indicators asked"
            if lang == "en"
            else f"# 所选年度和指标没有{h[level]}数据",
            err=True,
        )
    if fmt in ("csv", "json"):
        if sample:
            click.echo(f"# {SYNTHETIC_NOTE(lang)}", err=True)
        click.echo(_exact(frame, level, fmt, lang), nl=False)
        return
    title = "分集团数据 Group figures" if level == "group" else "分企业数据 Enterprise figures"
    title += f" — {SYNTHETIC_NOTE(lang)}" if sample else ""
    header = [h[level], h["unit"], h["year"], h["indicator"], h["measure"], h["value"]]
    units = _unit_names(result, lang)
    rows = _rounded(frame, lang, units)
    click.echo(render_rows(header, rows, fmt, title=title), nl=False)


def _unit_names(result: Rollup, lang: str) -> dict[str, str]:
    """The county-level units' names, from the rollup's own unit rows."""
    import polars as pl

    rows = result.values.filter(pl.col("node_type") == "unit").unique("node")
    return {r["node"]: _name(r, lang) for r in rows.iter_rows(named=True)}


def _name(r: dict[str, object], lang: str) -> str:
    return str((r["name_zh"] if lang == "zh" else r["name_en"]) or r["name_zh"] or r["node"])


def _rounded(frame: pl.DataFrame, lang: str, units: dict[str, str]) -> list[list[object]]:
    """Rows for reading: names, the indicator's name and unit, the value rounded by its kind."""
    from soeplan.plugins.registry import get_registry
    from soeplan.report.format import cell_format, format_value
    from soeplan.report.model import CellFormat

    cat = get_registry().indicators
    rows: list[list[object]] = []
    for r in frame.iter_rows(named=True):
        ind = cat.get(r["indicator"])
        shown = format_value(r["value"], cell_format(ind) if ind else CellFormat.AMOUNT)
        measure = "" if ind is None else (ind.unit if lang == "zh" else ind.unit_en)
        indicator = r["indicator"] if ind is None else ind.name(lang)
        node = f"{_name(r, lang)} ({r['node']})"
        unit = units.get(r["unit"], r["unit"] or "")
        rows.append([node, unit, r["year"], indicator, measure, shown])
    return rows


def _exact(frame: pl.DataFrame, level: str, fmt: str, lang: str) -> str:
    """CSV or JSON, each figure exactly as computed (:func:`soeplan.safety.figure_text`)."""
    from soeplan.plugins.registry import get_registry
    from soeplan.safety import figure_text, figure_value

    cat = get_registry().indicators

    def kind(code: str) -> str:
        ind = cat.get(code)
        return ind.kind.value if ind is not None else "amount"  # an unknown code is summed

    if fmt == "json":
        records = [
            {level: r["node"], "name": _name(r, lang), "unit": r["unit"], "year": r["year"],
             "indicator": r["indicator"], "value": figure_value(r["value"], kind(r["indicator"]))}
            for r in frame.iter_rows(named=True)
        ]  # fmt: skip
        return json.dumps(records, ensure_ascii=False, indent=1) + "\n"
    rows = [
        [r["node"], _name(r, lang), r["unit"], r["year"], r["indicator"],
         figure_text(r["value"], kind(r["indicator"]))]
        for r in frame.iter_rows(named=True)
    ]  # fmt: skip
    return render_rows([level, "name", "unit", "year", "indicator", "value"], rows, "csv")


def _fmt_value(value: float, kind: str) -> str:
    """Rounded for reading (the edge): ratios in % to 0.01 pp, amounts to 0.01, counts whole."""
    if kind == "ratio":
        return f"{value * 100:.2f}%"
    if kind == "count" and float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.2f}"


def echo_scopes(result: Rollup, fmt: str, lang: str, *, sample: bool) -> None:
    """The units' and scopes' figures as a table or Markdown, rounded for reading."""
    import polars as pl

    from soeplan.plugins.registry import get_registry
    from soeplan.sample import SYNTHETIC_NOTE

    cat = get_registry().indicators
    order = {code: i for i, code in enumerate(cat)}
    frame = (
        result.values.filter(pl.col("node_type").is_in(["scope", "unit"]))
        .with_columns(
            _t=pl.col("node_type").replace_strict({"scope": 0, "unit": 1}),
            _i=pl.col("indicator").replace_strict(order, default=len(order)),
        )
        .sort(["_t", "node", "year", "_i"])
    )
    header = (
        ["范围", "年份", "指标", "单位", "数值"]
        if lang == "zh"
        else ["scope", "year", "indicator", "unit", "value"]
    )
    rows2 = []
    for r in frame.iter_rows(named=True):
        ind = cat.get(r["indicator"])
        name = r["name_zh"] if lang == "zh" else r["name_en"]
        label = name if r["node_type"] == "scope" else f"{name} ({r['node']})"
        if ind is None:
            rows2.append([label, r["year"], r["indicator"], "", _fmt_value(r["value"], "amount")])
            continue
        unit = ind.unit if lang == "zh" else ind.unit_en
        kind = "amount" if ind.is_ratio and not ind.is_percent else str(ind.kind)  # 万元/人
        rows2.append([label, r["year"], ind.name(lang), unit, _fmt_value(r["value"], kind)])
    title = "汇总 Consolidated totals" + (f" — {SYNTHETIC_NOTE(lang)}" if sample else "")
    click.echo(render_rows(header, rows2, fmt, title=title), nl=False)
