"""A county with no plugin runs a real year from its register workbook, end to end on the
command line: register template → filled → register load → template → filled → ingest →
status → rollup → report, with the register's entities and figures labelled real."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from openpyxl import load_workbook

from _registers import fill
from soeplan.cli import main
from soeplan.plugins.registry import get_registry
from soeplan.submissions import template as tpl
from soeplan.submissions.sample import write_sample
from soeplan.submissions.store import Store, read_store

UNIT = "changshan"
ENTITIES = [
    {
        "id": "cs.group",
        "name_zh": "常山县国有资产经营集团",
        "node_type": "集团",
        "credit_code": "91350100M000100Y43",
        "functional_class": "商业二类",
        "industry": "L72",
        "sector": "基础设施与民生保障",
        "state_share": 1,
    },
    {
        "id": "cs.water",
        "name_zh": "常山县水务有限公司",
        "parent": "cs.group",
        "functional_class": "公益类",
        "industry": "D46",
        "state_share": "51%",
    },
    {
        "id": "cs.tour",
        "name_zh": "常山县文旅发展有限公司",
        "parent": "cs.group",
        "industry": "N78",
        "sector": "现代服务业",
        "state_share": 0.8,
    },
]
FIGURES = {
    "cs.water": {
        "total_assets": 12.5,
        "net_assets": 6.1,
        "revenue": 2.3,
        "total_profit": 0.2,
        "net_profit": 0.15,
    },
    "cs.tour": {
        "total_assets": 8.0,
        "net_assets": 3.9,
        "revenue": 1.1,
        "total_profit": -0.1,
        "net_profit": -0.1,
    },
}


def _run(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def _fill_submission(path: Path) -> list[str]:
    """Fill every asked-for figure of the data sheet; return the entity ids it lists."""
    wb = load_workbook(path)
    ds = wb[tpl.DATA_SHEET]
    codes = {c.value: c.column for c in ds[tpl.CODE_ROW] if c.value}
    listed = []
    for r in range(tpl.FIRST_DATA_ROW, ds.max_row + 1):
        eid = ds.cell(row=r, column=tpl.ENTITY_COL).value
        listed.append(eid)
        for code, col in codes.items():
            if code in ("entity", "name", "node_type", "explanation"):
                continue
            value = FIGURES.get(eid, {}).get(code, 0 if eid in FIGURES else None)
            if value is not None:
                ds.cell(row=r, column=col, value=value)
    wb.save(path)
    return listed


def test_a_county_without_a_plugin_runs_a_real_year_from_its_register(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert UNIT not in get_registry().structures  # no plugin registers changshan
    store, reg = tmp_path / "store", tmp_path / "changshan-register.xlsx"
    code, out, _ = _run(capsys, "register", "template", "--unit", UNIT, "--out", reg)
    assert code == 0 and "0 entities" in out  # no plugin, no register yet: an empty workbook
    fill(reg, ENTITIES)
    assert _run(capsys, "register", "check", reg)[0] == 0
    code, out, _ = _run(capsys, "register", "load", reg, "--store", store, "--by", "Li Ming")
    assert code == 0 and "changshan register version 1 (3 entities" in out

    sub = tmp_path / "changshan-2023.xlsx"
    code, out, _ = _run(
        capsys, "template", "--unit", UNIT, "--year", 2023, "--store", store, "-o", sub
    )
    assert code == 0 and "from the store's register" in out and "示例" not in out
    listed = _fill_submission(sub)
    assert listed == ["cs.group", "cs.tour", "cs.water"]  # the register's, not the sample's
    names = load_workbook(sub)[tpl.ENTITY_SHEET]
    assert "常山县水务有限公司" in [c.value for c in names["B"]]
    assert not any("示例" in str(c.value) for row in names.iter_rows() for c in row)

    code, out, err = _run(capsys, "ingest", sub, "--store", store, "--by", "Li Ming")
    assert code == 0, out + err
    (entry,) = Store(store).entries()
    assert (entry.unit, entry.synthetic) == (UNIT, False)  # real figures, stored as real
    code, out, _ = _run(capsys, "status", "--store", store, "--year", 2023, "--format", "json")
    state = {r["unit"]: r["state"] for r in json.loads(out)}
    assert state[UNIT] == "accepted" and state["kaihua"] == "expected"

    # the other units send the bundled sample (synthetic), so that the year is whole
    others = [u for u in state if u != UNIT]
    files = [tmp_path / f"{u}.csv" for u in others]
    for u, f in zip(others, files, strict=True):
        write_sample(f, unit=u, year=2023)
    assert _run(capsys, "ingest", *files, "--store", store)[0] == 0
    code, out, _ = _run(capsys, "rollup", "--store", store, "--year", 2023, "--format", "csv")
    assert code == 0
    totals = pl.read_csv(out.encode())
    cs = totals.filter((pl.col("scope") == UNIT) & (pl.col("indicator") == "total_assets"))
    assert cs["value"].to_list() == [pytest.approx(20.5)]
    code, out, err = _run(
        capsys,
        "explain",
        "--store",
        store,
        "--scope",
        UNIT,
        "--indicator",
        "total_assets",
        "--year",
        2023,
    )
    assert code == 0 and "常山县水务有限公司 cs.water" in out

    code, out, err = _run(
        capsys, "rollup", "--store", store, "--year", 2023, "--out", tmp_path / "report", "-q"
    )
    assert code == 0, err
    summary = (tmp_path / "report" / "summary.md").read_text(encoding="utf-8")
    banner = next(line for line in summary.splitlines() if "合成" in line)
    assert (
        "开化县" in banner and "常山县" not in banner
    )  # the report says which units are synthetic
    assert set(read_store(store, 2023)["unit"]) == {UNIT, *others}

    # classified assessment from the store: the register's class and industry (商业二类, L72)
    std = tmp_path / "std.csv"
    std.write_text(
        "year,industry,indicator,excellent,good,average,low,poor\n"
        "2023,L,roe_avg,2,1.5,1,0.5,0.2\n2023,*,profit_margin,20,15,10,6,3\n"
        "2023,*,net_margin,15,11,8,5,2\n2023,*,debt_ratio,55,58,61,64,68\n",
        encoding="utf-8",
    )
    code, out, err = _run(
        capsys, "score", "--store", store, "--year", 2023, "--standards", std, "--format", "csv"
    )
    assert code == 0, err
    scores = pl.read_csv(out.encode())
    (cs_row,) = scores.filter(pl.col("企业") == "常山县国有资产经营集团").rows(named=True)
    assert (cs_row["功能分类"], cs_row["行业"], cs_row["考核方案"]) == (
        "商业二类",
        "L72",
        "core.commercial_2",
    )
    assert "常山县水务有限公司" not in out  # below the group: assessed with it, not on its own


def test_explain_on_a_store_refuses_a_partial_year_unless_allowed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "store"
    write_sample(tmp_path / "q.csv", unit="qujiang", year=2023)
    assert _run(capsys, "ingest", tmp_path / "q.csv", "--store", store)[0] == 0
    args = [
        "explain",
        "--store",
        store,
        "--scope",
        "全市",
        "--indicator",
        "total_assets",
        "--year",
        2023,
    ]
    code, out, err = _run(capsys, *args)
    assert code == 1 and out == ""
    assert "kaihua: expected (nothing received)" in err and "--allow-partial" in err
    code, out, err = _run(capsys, *args, "--allow-partial")
    assert code == 0 and "partial: city 2023 missing 6 unit(s)" in err
    assert "衢江区" in out or "qujiang" in out
