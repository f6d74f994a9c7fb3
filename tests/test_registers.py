"""Register workbooks: written, read back, and every problem found at once, each named."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from _registers import CHANGSHAN, CHANGSHAN_CHANGES, fill, register_workbook, unit
from soeplan.registers.cells import Cell, share
from soeplan.registers.layout import ENTITIES_SHEET, ENTITY_COLUMNS
from soeplan.registers.reader import RegisterError, RegisterReadError, check_register, read_register
from soeplan.registers.records import RATINGS, Register, RegisterEntry, StrategicSector
from soeplan.registers.workbook import write_register_template
from soeplan.structure.records import EventKind, FunctionalClass, NodeType


def test_a_filled_register_reads_back_with_every_attribute(tmp_path: Path) -> None:
    r = read_register(register_workbook(tmp_path / "cs.xlsx"))
    assert (r.unit, r.as_of) == ("changshan", dt.date(2023, 12, 31))
    group, water, tour = r.entries
    assert group.node_type is NodeType.GROUP and group.state_share == 1.0
    assert (group.rating, group.rating_agency, group.rating_date) == (
        "AA",
        "中诚信国际",
        dt.date(2023, 6, 30),
    )
    assert group.sector is StrategicSector.INFRASTRUCTURE
    assert water.state_share == pytest.approx(0.51) and water.parent == "cs.group"
    assert water.functional_class is FunctionalClass.PUBLIC and water.industry == "D46"
    assert tour.node_type is NodeType.SINGLE  # blank type, no children: a single enterprise
    assert tour.sector is StrategicSector.MODERN_SERVICES and not tour.listed
    (rename,) = r.changes
    assert rename.kind is EventKind.RENAME and rename.name_en == "Changshan Culture and Tourism"
    structure = r.unit_structure()
    assert not structure.synthetic and [e.id for e in structure.entities] == [
        "cs.group",
        "cs.water",
        "cs.tour",
    ]


def test_a_register_round_trips_through_its_workbook(tmp_path: Path) -> None:
    first = read_register(register_workbook(tmp_path / "a.xlsx"))
    write_register_template(tmp_path / "b.xlsx", unit=unit("changshan"), register=first)
    again = read_register(tmp_path / "b.xlsx")
    assert again.entries == first.entries and again.changes == first.changes
    assert again.as_of == first.as_of


def _problems(path: Path) -> list[str]:
    found = check_register(path)
    assert found.register is None
    return [f"{p.where} | {p.what} | {p.fix}" for p in found.problems]


def test_every_problem_is_found_at_once_and_named(tmp_path: Path) -> None:
    bad = [
        {
            "id": "cs.group",
            "name_zh": "集团",
            "node_type": "集团",
            "credit_code": "91350100M000100Y44",
        },
        {"id": "cs.a", "name_zh": "甲", "parent": "cs.nowhere", "state_share": 1.5e3},
        {"id": "cs.a", "name_zh": "甲二", "parent": "cs.group", "functional_class": "商业三类"},
        {"id": "cs.b", "name_zh": "乙", "parent": "cs.c", "node_type": "集团", "sector": "农业"},
        {"id": "cs.c", "name_zh": "丙", "parent": "cs.b", "node_type": "集团", "rating": "AA+"},
        {"id": "cs d", "name_zh": '=HYPERLINK("http://x")', "since": "2022-13-45"},
        {"id": "cs.e", "name_zh": "戊", "exchange": "上交所", "rating": "AAAA"},
    ]
    changes = [
        {"date": dt.date(2022, 1, 1), "kind": "兼并重组", "entity": "cs.e"},
        {"date": dt.date(2024, 1, 1), "kind": "注销", "entity": "cs.zz"},
        {"date": "yesterday", "kind": "拆分", "entity": "cs.e"},
    ]
    problems = _problems(register_workbook(tmp_path / "bad.xlsx", entities=bad, changes=changes))
    text = "\n".join(problems)
    expected = [
        "企业名录 Entities!D4 (统一社会信用代码 Unified social credit code) | credit code "
        "'91350100M000100Y44' check digit is 4, expected 3",
        "企业名录 Entities!E5 (上级企业编码 Parent ID) | unknown parent 'cs.nowhere'",
        "企业名录 Entities!J5 (国有股权比例 State ownership share) | '1500' is not a share",
        "企业名录 Entities row 6 (cs.a) | entity id cs.a is listed twice (rows 5 and 6)",
        "Entities!G6 (功能分类 Functional class) | '商业三类' is not one of: 商业一类, 商业二类, 公益类",
        "Entities!I7 (战略领域 Strategic sector) | '农业' is not one of",
        "parents form a cycle: cs.b → cs.c → cs.b",
        "a credit rating needs its rating, agency and date: 评级机构, 评级日期 missing",
        "Entities!A9 (企业编码 ID) | 'cs d' is not an entity id",
        "Entities!B9 (企业名称 Name (Chinese)) | a formula",
        "Entities!Q9 (设立日期 Since) | '2022-13-45' is not a date",
        "Entities!K10 (是否上市 Listed)",  # an exchange without 是
        "Entities!N10 (信用评级 Credit rating) | 'AAAA' is not one of",
        "变更记录 Changes row 4 (兼并重组 cs.e 2022-01-01) | a 兼并重组 needs a target",
        "变更记录 Changes row 5 (注销 cs.zz 2024-01-01) | unknown entity 'cs.zz'",
        "2024-01-01 is after the register's as-of date 2023-12-31",
        "变更记录 Changes!A6 (变更日期 Date) | 'yesterday' is not a date",
        "变更记录 Changes!B6 (变更类型 Kind of change) | '拆分' is not one of",
    ]
    for e in expected:
        assert e in text, f"{e!r} not in:\n{text}"
    assert all(" | " in p and p.rsplit(" | ", 1)[1] for p in problems)  # each has its fix
    with pytest.raises(RegisterError) as exc:
        read_register(tmp_path / "bad.xlsx")
    assert exc.value.exit_code == 1 and len(exc.value.problems) == len(problems)


def test_a_formula_is_never_evaluated_and_text_that_looks_like_one_stays_text(
    tmp_path: Path,
) -> None:
    path = register_workbook(tmp_path / "cs.xlsx")
    wb = load_workbook(path)
    ws = wb[ENTITIES_SHEET]
    ws["C5"] = "=1+1"  # a formula in the English name
    wb.save(path)
    assert any("a formula ('=1+1')" in p for p in _problems(path))
    # text that starts like a formula, put in as text, is text (a name may start with '-')
    r = read_register(
        register_workbook(
            tmp_path / "ok.xlsx",
            entities=[
                {"id": "cs.x", "name_zh": "-一号公司", "name_en": "@home", "note": "+86 570"}
            ],
            changes=[],
        )
    )
    e = r.entries[0]
    assert (e.name_zh, e.name_en, e.note) == ("-一号公司", "@home", "+86 570")
    write_register_template(tmp_path / "again.xlsx", unit=unit("changshan"), register=r)
    cell = load_workbook(tmp_path / "again.xlsx")[ENTITIES_SHEET]["B4"]
    assert cell.data_type == "s" and cell.value == "-一号公司"


def test_dated_problems_of_the_whole_structure_are_found(tmp_path: Path) -> None:
    changes = [
        {"date": dt.date(2021, 1, 1), "kind": "注销", "entity": "cs.tour"},
        {"date": dt.date(2022, 6, 1), "kind": "更名", "entity": "cs.tour", "name_zh": "新名"},
        {"date": dt.date(2018, 1, 1), "kind": "更名", "entity": "cs.water", "name_zh": "旧名"},
    ]
    entities = [dict(CHANGSHAN[0]), dict(CHANGSHAN[1], since=2019), dict(CHANGSHAN[2])]
    text = "\n".join(
        _problems(register_workbook(tmp_path / "d.xlsx", entities=entities, changes=changes))
    )
    assert "entity cs.tour was already dissolved on 2021-01-01" in text
    assert "before entity cs.water exists (from 2019-01-01)" in text


def test_a_register_needs_an_as_of_date_and_an_entity(tmp_path: Path) -> None:
    text = "\n".join(
        _problems(register_workbook(tmp_path / "e.xlsx", entities=[], changes=[], as_of=None))
    )
    assert "as-of date is missing" in text and "the register lists no entity" in text


def test_a_file_that_is_not_a_register_is_refused_as_unreadable(tmp_path: Path) -> None:
    (tmp_path / "x.xlsx").write_bytes(b"not a zip")
    with pytest.raises(RegisterReadError, match="not an Excel workbook"):
        check_register(tmp_path / "x.xlsx")
    from openpyxl import Workbook

    Workbook().save(tmp_path / "plain.xlsx")
    with pytest.raises(RegisterReadError, match="not a register workbook"):
        check_register(tmp_path / "plain.xlsx")
    with pytest.raises(RegisterReadError, match="file not found"):
        check_register(tmp_path / "missing.xlsx")


def test_the_template_has_drop_downs_bilingual_headers_and_a_hidden_code_row(
    tmp_path: Path,
) -> None:
    path = write_register_template(tmp_path / "t.xlsx", unit=unit("kaihua"))
    wb = load_workbook(path)
    ws = wb[ENTITIES_SHEET]
    assert ws.row_dimensions[1].hidden
    assert [c.value for c in ws[2]][:2] == ["企业编码 *", "企业名称 *"]
    assert [c.value for c in ws[3]][:2] == ["ID", "Name (Chinese)"]
    lists = {str(dv.sqref)[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    assert lists["F"] == '"单户,集团,差额"' and lists["G"] == '"商业一类,商业二类,公益类"'
    assert "战略性新兴产业" in lists["I"] and lists["K"] == '"是,否"' and "AA+" in lists["N"]
    assert wb["_soeplan"].sheet_state == "hidden"
    assert "开化县" in wb["填表说明 Instructions"]["A1"].value
    assert len(ENTITY_COLUMNS) == ws.max_column


@given(st.floats(min_value=0, max_value=1, allow_nan=False))
def test_a_fraction_and_its_percent_text_are_the_same_share(x: float) -> None:
    col = ENTITY_COLUMNS[9]
    problems: list[object] = []
    as_fraction = share(Cell("s", 4, 10, col, x), problems)  # type: ignore[arg-type]
    as_percent = share(Cell("s", 4, 10, col, f"{x * 100!r}%"), problems)  # type: ignore[arg-type]
    assert problems == []
    assert as_fraction == pytest.approx(x) and as_percent == pytest.approx(x)


@given(st.one_of(st.floats(max_value=-1e-9), st.floats(min_value=100.0001, max_value=1e12)))
def test_a_share_out_of_range_is_a_problem(x: float) -> None:
    problems: list[object] = []
    assert share(Cell("s", 4, 10, ENTITY_COLUMNS[9], x), problems) is None  # type: ignore[arg-type]
    assert len(problems) == 1


def test_the_register_record_keeps_what_a_structure_has_no_place_for() -> None:
    r = Register(
        unit="kaihua",
        as_of=dt.date(2023, 12, 31),
        entries=(
            RegisterEntry(
                id="kh.a",
                name_zh="甲",
                unit="kaihua",
                state_share=0.6,
                listed=True,
                exchange="SZSE",
                stock_code="000001",
            ),
        ),
    )
    (e,) = r.unit_structure().entities
    assert (e.id, e.unit, e.name_zh) == ("kh.a", "kaihua", "甲")
    assert r.entry("kh.a") is not None and r.entry("kh.a").stock_code == "000001"  # type: ignore[union-attr]
    assert CHANGSHAN_CHANGES and fill  # the helpers are shared with the store tests


@pytest.mark.parametrize("command", ["template", "check", "load", "history", "show"])
def test_each_register_command_has_an_example_in_its_help(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from soeplan.cli import main

    assert main(["register", command, "--help"]) == 0
    out = capsys.readouterr().out
    assert "Example:" in out and f"soeplan register {command}" in out


_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Cf", "Cn", "Zl", "Zp")),
    min_size=1,
    max_size=12,
).filter(lambda s: s.strip() == s)
_IDS = st.from_regex(r"[a-z][a-z0-9._-]{0,8}", fullmatch=True)


@st.composite
def _registers(draw: st.DrawFn) -> Register:
    ids = draw(st.lists(_IDS, min_size=1, max_size=6, unique=True))
    entries: list[RegisterEntry] = []
    groups: list[str] = []
    for i, eid in enumerate(ids):
        is_group = i == 0 or draw(st.booleans())
        rated = draw(st.booleans())
        listed = draw(st.booleans())
        entries.append(
            RegisterEntry(
                id=eid,
                name_zh=draw(_TEXT),  # any text, =formula-looking ones included
                name_en=draw(st.one_of(st.just(""), _TEXT)),
                unit="kaihua",
                parent=draw(st.sampled_from(groups)) if groups and i else None,
                node_type=NodeType.GROUP if is_group else NodeType.SINGLE,
                functional_class=draw(st.one_of(st.none(), st.sampled_from(FunctionalClass))),
                sector=draw(st.one_of(st.none(), st.sampled_from(StrategicSector))),
                state_share=draw(
                    st.one_of(st.none(), st.integers(0, 10000).map(lambda n: n / 10000))
                ),
                listed=listed,
                exchange=draw(_TEXT) if listed else "",
                rating=draw(st.sampled_from(RATINGS)) if rated else None,
                rating_agency=draw(_TEXT) if rated else "",
                rating_date=dt.date(2023, 1, 1) + dt.timedelta(days=draw(st.integers(0, 300)))
                if rated
                else None,
                note=draw(st.one_of(st.just(""), _TEXT)),
            )
        )
        if is_group:
            groups.append(eid)
    return Register(unit="kaihua", as_of=dt.date(2023, 12, 31), entries=tuple(entries))


_FORMULA_LIKE = Register(
    unit="kaihua",
    as_of=dt.date(2023, 12, 31),
    entries=(
        RegisterEntry(id="kh.a", name_zh="=SUM(A1:A9)", name_en="@cmd", unit="kaihua",
                      note="+1", rating="AA", rating_agency="-x", rating_date=dt.date(2023, 1, 1)),
    ),
)  # fmt: skip


@settings(max_examples=25)
@given(register=_registers())
@example(register=_FORMULA_LIKE)
def test_any_register_round_trips_through_its_workbook_text_staying_text(
    register: Register, tmp_path_factory: pytest.TempPathFactory
) -> None:
    path = tmp_path_factory.mktemp("rt") / "r.xlsx"
    write_register_template(path, unit=unit("kaihua"), register=register)
    again = read_register(path)
    assert again.entries == register.entries and again.as_of == register.as_of


def test_a_workbook_that_inflates_too_far_or_holds_macros_is_refused(tmp_path: Path) -> None:
    import zipfile

    base = register_workbook(tmp_path / "cs.xlsx")
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item))
        dst.writestr("xl/media/padding.bin", b"\0" * (30 * 1024 * 1024))
    with pytest.raises(RegisterReadError, match="inflates to far more"):
        check_register(bomb)
    macros = tmp_path / "macros.xlsx"
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(macros, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item))
        dst.writestr("xl/vbaProject.bin", b"macro")
    with pytest.raises(RegisterReadError, match="holds macros"):
        check_register(macros)
