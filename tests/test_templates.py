"""The template workbook: sheets, hidden codes, headers, in-cell validation; and reading it back."""

from __future__ import annotations

import math
from pathlib import Path

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from _submission_helpers import edit, write_sample_xlsx
from soeplan.indicators import Kind
from soeplan.submissions import template as tpl
from soeplan.submissions.readers import read_observation_files, read_submission
from soeplan.submissions.template import reported_indicators, unit_entities
from soeplan.submissions.template_workbook import write_template


def test_template_layout(tmp_path: Path) -> None:
    path = write_template(tmp_path / "q.xlsx", unit="qujiang", year=2023)
    wb = load_workbook(path)
    assert wb.sheetnames == [tpl.README_SHEET, tpl.ENTITY_SHEET, tpl.DATA_SHEET, tpl.META_SHEET]
    assert wb[tpl.META_SHEET].sheet_state == "hidden"
    readme = "\n".join(str(c.value) for c in wb[tpl.README_SHEET]["A"] if c.value)
    assert "填报说明" in readme and "How to fill" in readme and "衢江区" in readme
    ds = wb[tpl.DATA_SHEET]
    assert ds.row_dimensions[tpl.CODE_ROW].hidden and ds.column_dimensions["A"].hidden
    codes = [c.value for c in ds[tpl.CODE_ROW]]
    inds = reported_indicators("qujiang")
    assert codes == tpl.template_codes(inds)
    assert not any(i.kind is Kind.RATIO for i in inds)
    assert {"total_assets", "net_profit", "rated_aa", "listed"} <= {i.code for i in inds}
    ents = unit_entities("qujiang", 2023)
    ids = [ds.cell(row=r, column=1).value for r in range(tpl.FIRST_DATA_ROW, ds.max_row + 1)]
    assert ids == [e.id for e in ents]
    col = codes.index("total_assets") + 1
    assert ds.cell(row=tpl.HEADER_ZH_ROW, column=col).value == "资产总额（亿元）"
    assert ds.cell(row=tpl.HEADER_EN_ROW, column=col).value == "Total assets (100 million yuan)"
    assert ds.cell(row=tpl.HEADER_ZH_ROW, column=len(codes)).value == "说明"
    assert ds.cell(row=tpl.HEADER_EN_ROW, column=len(codes)).value == "Explanation"
    rules = {
        (dv.type, dv.operator, dv.formula1, dv.formula2)
        for dv in ds.data_validations.dataValidation
    }
    # bounded by the plausible range: 10 × the plan's largest figure (total assets: 4000 亿元)
    assert ("decimal", "between", "0", "40000") in rules  # total assets
    assert ("decimal", "between", "0", "2000") in rules  # revenue
    assert ("whole", "between", "0", "150") in rules  # counts (rated AA: 15 in 2020)
    assert ("decimal", "between", "-350", "350") in rules  # net profit may be negative
    by_col = {str(dv.sqref).split(":")[0][0]: dv.type for dv in ds.data_validations.dataValidation}
    letter = chr(ord("A") + codes.index("rated_aa"))
    assert by_col[letter] == "whole"
    entity_sheet = wb[tpl.ENTITY_SHEET]
    assert [c.value for c in entity_sheet["A"][2:]] == [e.id for e in ents]


def test_sample_workbook_is_marked_synthetic(tmp_path: Path) -> None:
    path = write_sample_xlsx(tmp_path / "s.xlsx")
    wb = load_workbook(path)
    assert "合成" in str(wb[tpl.README_SHEET]["A1"].value)
    assert "合成" in str(wb[tpl.DATA_SHEET].cell(row=tpl.TITLE_ROW, column=tpl.NAME_COL).value)
    sub = read_submission(path)
    assert sub.synthetic and sub.unit == "qujiang" and sub.year == 2023


def test_readback_survives_header_edits_and_sorting(tmp_path: Path) -> None:
    path = write_sample_xlsx(tmp_path / "s.xlsx")
    before = (
        read_observation_files(path)
        .select("entity", "indicator", "value")
        .sort("entity", "indicator")
    )
    wb = load_workbook(path)
    ds = wb[tpl.DATA_SHEET]
    for c in ds[tpl.HEADER_ZH_ROW]:
        c.value = "改过的表头"
    # swap two entity rows entirely (as a sort would)
    a, b = tpl.FIRST_DATA_ROW, tpl.FIRST_DATA_ROW + 1
    for col in range(1, ds.max_column + 1):
        x, y = ds.cell(row=a, column=col).value, ds.cell(row=b, column=col).value
        ds.cell(row=a, column=col).value, ds.cell(row=b, column=col).value = y, x
    wb.save(path)
    after = (
        read_observation_files(path)
        .select("entity", "indicator", "value")
        .sort("entity", "indicator")
    )
    assert after.equals(before)


_ENTS = [e.id for e in unit_entities("qujiang", 2023)]
_INDS = reported_indicators("qujiang")


def _value(kind: Kind, negative_ok: bool) -> st.SearchStrategy[float | None]:
    if kind is Kind.COUNT:
        num: st.SearchStrategy[float] = st.integers(0, 50).map(float)
    else:
        lo = -10_000 if negative_ok else 0
        num = st.integers(lo * 100, 1_000_000).map(lambda c: c / 100)
    return st.one_of(st.none(), num)


_cells = st.fixed_dictionaries(
    {(e, i.code): _value(i.kind, tpl.can_be_negative(i)) for e in _ENTS for i in _INDS}
)
_notes = st.dictionaries(
    st.sampled_from(_ENTS),
    st.text(st.characters(categories=["L", "N"]), min_size=1, max_size=20),
    max_size=3,
)


@settings(max_examples=30)
@given(cells=_cells, notes=_notes)
def test_round_trip_template_filled_with_generated_data(
    tmp_path_factory: object, cells: dict[tuple[str, str], float | None], notes: dict[str, str]
) -> None:
    path = Path(tmp_path_factory.mktemp("rt")) / "rt.xlsx"  # type: ignore[attr-defined]
    rows = [
        {"entity": e, "indicator": i, "value": v, "explanation": notes.get(e)}
        for (e, i), v in cells.items()
        if v is not None
    ]
    frame = pl.DataFrame(
        rows,
        schema={
            "entity": pl.String,
            "indicator": pl.String,
            "value": pl.Float64,
            "explanation": pl.String,
        },
    )
    write_template(path, unit="qujiang", year=2023, values=frame)
    got = read_observation_files(path)
    assert set(got["unit"]) <= {"qujiang"} and set(got["year"]) <= {2023}
    assert got["raw"].null_count() == got.height
    back = got.select("entity", "indicator", "value").sort("entity", "indicator")
    want = frame.select("entity", "indicator", "value").sort("entity", "indicator")
    assert back.equals(want)
    expl = {r["entity"]: r["explanation"] for r in got.iter_rows(named=True)}
    for e, text in notes.items():
        if any(r["entity"] == e for r in rows):
            assert expl[e] == text.strip()
    assert all(not math.isnan(v) for v in back["value"])


def test_text_is_kept_with_its_cell(tmp_path: Path) -> None:
    path = write_sample_xlsx(tmp_path / "t.xlsx")
    cell = edit(path, "qj.water", "revenue", "约3亿")
    got = read_observation_files(path).filter(pl.col("cell") == cell)
    assert got["raw"].to_list() == ["约3亿"] and got["value"].to_list() == [None]
    assert got["sheet"].to_list() == [tpl.DATA_SHEET]
