"""The regression corpus of hostile workbooks (issue 13, item 2): each is built by code, refused
with its own message and exit code 2 by `soeplan validate` and `soeplan ingest`, and leaves the
store as it was; or, where a person would see the figures, read correctly."""

from __future__ import annotations

import io
import shutil
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

import _hostile_workbooks as hw
from _submission_helpers import sample_frame, tree, write_sample_xlsx
from soeplan.cli import main
from soeplan.submissions import template as tpl
from soeplan.submissions.read_errors import SubmissionReadError
from soeplan.submissions.readers import read_submission
from soeplan.submissions.workbook_limits import WORKBOOK_LIMITS, WorkbookLimits
from soeplan.submissions.workbook_scan import (
    _exact_scan,
    _fast_scan,
    _TooLarge,
    column_letters,
    column_number,
)

ENTITY, CODE = "qj.water", "total_assets"


def _oversized(tmp: Path) -> Path:
    path = tmp / "big.xlsx"
    with path.open("wb") as fh:
        fh.write(b"PK\x03\x04")
        fh.truncate(WORKBOOK_LIMITS.file_bytes + 1)
    return path


def _many_parts(tmp: Path) -> Path:
    extra = {f"xl/media/p{i}.bin": b"" for i in range(WORKBOOK_LIMITS.members + 1)}
    return hw.rezip(hw.sample(tmp), tmp / "parts.xlsx", extra=extra)


_BOMBS: list[Path] = []


def _bomb(tmp: Path) -> Path:
    """The 98 MB bomb, built once per session (it takes a second)."""
    if not _BOMBS:
        _BOMBS.append(hw.bomb(tmp))
    return _BOMBS[0]


def _formula(tmp: Path) -> Path:
    return hw.formula(tmp, ENTITY, CODE)[0]


#: name → (builder, the parts every message must carry). Every case exits 2.
REFUSED: dict[str, tuple[Callable[[Path], Path], tuple[str, ...]]] = {
    "zip bomb": (
        _bomb,
        ("解压后过大", "the workbook inflates to 99.", "MB, more than the 50.0 MB"),
    ),
    "compression ratio": (
        hw.ratio_bomb,
        ("压缩比异常", "xl/media/image1.png", "inflates 1", "more than the 100 times"),
    ),
    "file size": (_oversized, ("文件过大", "more than the 20.0 MB")),
    "zip parts": (_many_parts, ("parts, more than the 1000 a submission may have",)),
    "sparse sheet": (
        hw.far_cell,
        (
            "单元格超出填报范围",
            "数据填报 Data",
            "cell XFD1048576 holds a value",
            "last row 5000",
            "column GR (200)",
        ),
    ),
    "row past the limit": (
        lambda tmp: hw.far_cell(tmp, "D5001"),
        ("cell D5001 holds a value", "delete what is in D5001"),
    ),
    "formula without value": (
        _formula,
        (
            "公式没有保存计算结果",
            "1 formula cell was saved without its value (D",
            "save it again",
            "选择性粘贴 → 数值 / Paste Special → Values",
        ),
    ),
    "encrypted": (
        lambda tmp: hw.ole2(tmp / "locked.xlsx", encrypted=True),
        ("工作簿已加密", "encrypted (it has a password to open)", "remove the password"),
    ),
    "old xls named xlsx": (
        lambda tmp: hw.ole2(tmp / "old.xlsx", encrypted=False),
        ("an old-style .xls workbook", "save it as .xlsx"),
    ),
    "macros (vbaProject.bin)": (
        hw.with_macros,
        ("含有宏", "macros (xl/vbaProject.bin)", "not macro-enabled"),
    ),
    "Excel 4.0 macro sheet": (
        lambda tmp: hw.with_macros(tmp, "xl/macrosheets/sheet1.xml", "xlm.xlsx"),
        ("含有宏", "xl/macrosheets/sheet1.xml"),
    ),
    "hidden data sheet with a visible copy": (
        hw.hidden_with_copy,
        (
            "数据表被隐藏",
            "'数据填报 Data' is hidden",
            "'数据填报 Data (2)' looks like an edited copy",
            "copy the figures from '数据填报 Data (2)' into '数据填报 Data'",
        ),
    ),
    "hidden data sheet": (
        lambda tmp: hw.hidden_with_copy(tmp, None),
        ("'数据填报 Data' is hidden: its figures are ones no one sees", "unhide '数据填报 Data'"),
    ),
    "metadata code_row": (
        lambda tmp: hw.meta_edit(tmp, "code_row", "abc"),
        ("隐藏工作表的元数据有误", "'_soeplan': code_row is 'abc'", "from 1 to 5000"),
    ),
    "metadata first_data_row": (
        lambda tmp: hw.meta_edit(tmp, "first_data_row", 1),
        ("'_soeplan': first_data_row is 1", "from 2 to"),
    ),
    "metadata year": (
        lambda tmp: hw.meta_edit(tmp, "year", "twenty"),
        ("'_soeplan': year is 'twenty'",),
    ),
    "entity declaration": (
        hw.doctype,
        ("sheet '数据填报 Data' is damaged", "document type declaration"),
    ),
    "truncated zip": (hw.truncated, ("not a readable Excel workbook", "damaged zip")),
}


@pytest.fixture(scope="module")
def seeded_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding one accepted submission (kecheng 2023), to show a refusal changes
    nothing."""
    root = tmp_path_factory.mktemp("seed")
    good = write_sample_xlsx(root / "kecheng.xlsx", unit="kecheng")
    assert main(["ingest", str(good), "--store", str(root / "store")]) == 0
    return root / "store"


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_refused_with_its_message_and_the_store_unchanged(
    case: str, tmp_path: Path, seeded_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build, parts = REFUSED[case]
    path = build(tmp_path)
    capsys.readouterr()
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    for part in (*parts, path.name, "fix:"):
        assert part in err, (part, err)
    assert "Traceback" not in err and "internal error" not in err
    store = tmp_path / "store"
    shutil.copytree(seeded_store, store)
    before = tree(store)
    assert main(["ingest", str(path), "--store", str(store)]) == 2
    err = capsys.readouterr().err
    assert parts[0] in err and "nothing was checked further" in err
    assert tree(store) == before


@pytest.mark.parametrize("build", [_bomb, hw.far_cell], ids=["zip bomb", "sparse sheet"])
def test_a_bomb_or_a_sparse_sheet_is_refused_at_once_in_little_memory(
    build: Callable[[Path], Path], tmp_path: Path
) -> None:
    path = build(tmp_path)
    tracemalloc.start()
    start = time.perf_counter()
    with pytest.raises(SubmissionReadError):
        read_submission(path)
    elapsed = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert elapsed < 1.0
    assert peak < 5 * 1024 * 1024


def _frame_without_file(path: Path) -> pl.DataFrame:
    return read_submission(path).observations.drop("file")


def test_a_stale_dimension_loses_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stale = hw.stale_dimension(tmp_path)
    # the hazard is real: openpyxl's read-only mode trusts the declared A1:L10
    wb = load_workbook(stale, read_only=True)
    seen = list(wb[tpl.DATA_SHEET].iter_rows(values_only=True))
    wb.close()
    assert len(seen) == 10 and max(len(r) for r in seen) <= 12
    original = tmp_path / "sample.xlsx"
    got = _frame_without_file(stale)
    assert got.equals(_frame_without_file(original))
    assert got.filter(pl.col("value").is_not_null()).height == sample_frame().height
    assert got["row"].max() > 10  # figures past the declared dimension are read
    capsys.readouterr()
    assert main(["validate", str(stale)]) == 0


def test_a_formula_is_read_at_its_saved_value(tmp_path: Path) -> None:
    path, cell = hw.formula(tmp_path, ENTITY, CODE, cached="12.5")
    obs = read_submission(path).observations
    hit = obs.filter(pl.col("cell") == cell)
    assert hit["value"].to_list() == [12.5] and hit["entity"].to_list() == [ENTITY]


def test_an_excel_error_is_named_by_its_cell_and_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, cell = hw.error_cell(tmp_path, ENTITY, CODE)
    hit = read_submission(path).observations.filter(pl.col("cell") == cell)
    assert hit["raw"].to_list() == ["#DIV/0!"] and hit["value"].to_list() == [None]
    capsys.readouterr()
    assert main(["validate", str(path), "--format", "csv"]) == 1
    findings = pl.read_csv(capsys.readouterr().out.encode())
    row = findings.filter(pl.col("cell") == cell)
    assert row["rule"].to_list() == ["core.number"] and "#DIV/0!" in row["found"][0]


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_long_files_keep_the_size_limit_too(
    suffix: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / f"big{suffix}"
    with path.open("wb") as fh:
        fh.truncate(WORKBOOK_LIMITS.file_bytes + 1)
    assert main(["validate", str(path), "--unit", "qujiang", "--year", "2023"]) == 2
    assert "文件过大" in capsys.readouterr().err


def test_a_macro_free_xlsm_is_read(tmp_path: Path) -> None:
    src = write_sample_xlsx(tmp_path / "s.xlsx")
    xlsm = tmp_path / "s.xlsm"
    shutil.copy(src, xlsm)
    assert read_submission(xlsm).observations.drop("file").equals(_frame_without_file(src))


def test_smaller_limits_are_checked_before_reading(tmp_path: Path) -> None:
    from soeplan.submissions.workbook_reader import load_data_sheet

    path = write_sample_xlsx(tmp_path / "s.xlsx")
    with pytest.raises(SubmissionReadError, match="past the last row 7"):
        load_data_sheet(path, WorkbookLimits(rows=7))
    with pytest.raises(SubmissionReadError, match=r"the file is 0\.0 MB, more than"):
        load_data_sheet(path, WorkbookLimits(file_bytes=100))
    assert load_data_sheet(path).rows[tpl.CODE_ROW - 1][0] == tpl.ENTITY_CODE


# ---------------------------------------------------------------- the two scanners agree

_cells = st.dictionaries(
    st.tuples(st.integers(1, 60), st.integers(1, 40)),
    st.one_of(st.none(), st.floats(-1e6, 1e6, allow_nan=False), st.text("ab<&中", max_size=3)),
    max_size=60,
)


def _sheet_xml(cells: dict[tuple[int, int], object], dimension: str) -> bytes:
    """A worksheet part with ``cells`` (None: a formatted, empty cell), row by row."""
    body = []
    for r in sorted({r for r, _ in cells}):
        row = []
        for (rr, c), v in sorted(cells.items()):
            if rr != r:
                continue
            ref = f"{column_letters(c)}{r}"
            if v is None:
                row.append(f'<c r="{ref}" s="1"/>')
            elif isinstance(v, str):
                t = v.replace("&", "&amp;").replace("<", "&lt;")
                row.append(f'<c r="{ref}" t="inlineStr"><is><t>{t}</t></is></c>')
            else:
                row.append(f'<c r="{ref}" t="n"><v>{v!r}</v></c>')
        body.append(f'<row r="{r}">{"".join(row)}</row>')
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    return (
        f'<worksheet xmlns="{ns}"><dimension ref="{dimension}"/>'
        f"<sheetData>{''.join(body)}</sheetData></worksheet>"
    ).encode()


@given(cells=_cells, dimension=st.sampled_from(["A1", "A1:L10", "A1:XFD1048576", "B2:C3"]))
def test_the_extent_comes_from_the_cells_never_the_dimension(
    cells: dict[tuple[int, int], object], dimension: str
) -> None:
    xml = _sheet_xml(cells, dimension)
    used = [k for k, v in cells.items() if v is not None]
    want = (max((r for r, _ in used), default=0), max((c for _, c in used), default=0))
    limits = WorkbookLimits(rows=40, columns=30)
    too_large = any(r > limits.rows or c > limits.columns for r, c in used)
    for scan in (_fast_scan, _exact_scan):
        if too_large:
            with pytest.raises(_TooLarge):
                scan(io.BytesIO(xml), limits)
        else:
            got = scan(io.BytesIO(xml), limits)
            assert (got.rows, got.columns) == want


@given(st.integers(1, 16384))
def test_column_letters_round_trip(n: int) -> None:
    assert column_number(column_letters(n)) == n


def test_cells_without_coordinates_are_counted_by_position() -> None:
    xml = (
        b'<worksheet xmlns="x"><sheetData><row><c><v>1</v></c><c t="s"><v>0</v></c></row>'
        b'<row r="4"><c/><c/><c><f>A1</f></c></row></sheetData></worksheet>'
    )
    got = _exact_scan(io.BytesIO(xml), WORKBOOK_LIMITS)
    assert (got.rows, got.columns, got.formulas_without_value) == (4, 3, ("C4",))


def test_the_template_is_scanned_by_the_fast_scanner(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import soeplan.submissions.workbook_scan as scan

    def refuse(*_: object) -> None:
        raise AssertionError("the exact scanner ran")

    monkeypatch.setattr(scan, "_exact_scan", refuse)
    path = write_sample_xlsx(tmp_path / "s.xlsx")
    assert read_submission(path).observations.height > 0
    with pytest.raises(AssertionError, match="exact scanner"):
        read_submission(hw.formula(tmp_path, ENTITY, CODE, cached="3")[0])
