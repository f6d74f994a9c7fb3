"""The reforms tallied per period as the yearly report carries them: enterprises through 混改,
enterprises corporatised, outside assets brought under supervision (亿元).

The plan's §十三五 results (the seed: "将 102.95 亿元的体系外资产纳入国资监管范围 … 全市纳入省定改制任务
的 38 家企业全部完成公司制改制 … 完成信安数智等 9 户企业混合所有制改革") are reproduced by a register
**built here for the test** (its enterprises are invented ids, not the real ones): the tallies of
a register that carries those reforms are those figures. The synthetic sample carries its own,
smaller, synthetic reforms."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from soeplan import (
    Operations,
    Reform,
    ReformKind,
    operations_frames,
    read_operations,
    reform_tallies,
    sample_attributes,
    sample_operations,
    write_operations_template,
)
from soeplan.capital.view import CapitalInputs
from soeplan.registers.reader import RegisterError
from soeplan.run import report_from_observations
from soeplan.sample import sample_observations
from soeplan.structure.city import city_structure

D = dt.date
_MIXED = (ReformKind.STRATEGIC_INVESTOR, ReformKind.MIXED, ReformKind.EMPLOYEE_SHARES)


def _thirteenth_plan_register() -> Operations:
    """A test register carrying the seed's 十三五 results: 9 enterprises through mixed-ownership
    reform (one of them twice: it still counts once), 38 corporatised, 102.95 亿元 of outside
    assets brought under supervision in three transfers, and reforms outside 2016–2020 that the
    period leaves out."""
    mixed = [Reform(entity=f"test.mixed{i}", date=D(2016 + i % 5, 6, 30), kind=_MIXED[i % 3],
                    share_before=1.0, share_after=0.6) for i in range(9)]  # fmt: skip
    mixed.append(Reform(entity="test.mixed0", date=D(2019, 1, 1), kind=ReformKind.EMPLOYEE_SHARES,
                        share_before=0.6, share_after=0.55))  # fmt: skip
    corporatised = [Reform(entity=f"test.corp{i:02}", date=D(2016 + i % 5, 12, 1),
                           kind=ReformKind.CORPORATISATION) for i in range(38)]  # fmt: skip
    supervised = [Reform(entity="test.hq", date=D(2017 + i, 12, 31), kind=ReformKind.SUPERVISION,
                         amount=a) for i, a in enumerate((60.0, 30.5, 12.45))]  # fmt: skip
    outside = [
        Reform(entity="test.late", date=D(2021, 3, 1), kind=ReformKind.MIXED),
        Reform(entity="test.early", date=D(2015, 12, 31), kind=ReformKind.CORPORATISATION),
        Reform(entity="test.hq", date=D(2021, 1, 1), kind=ReformKind.SUPERVISION, amount=5.0),
    ]
    return Operations(unit="municipal", as_of=D(2023, 12, 31),
                      reforms=tuple(mixed + corporatised + supervised + outside),
                      source="test register (invented enterprises)")  # fmt: skip


def test_a_register_carrying_the_seeds_results_tallies_to_them() -> None:
    _, reforms = operations_frames([_thirteenth_plan_register()])
    t = reform_tallies(reforms, city_structure(), 2016, 2020)
    city = t.filter(node="city").row(0, named=True)
    assert (city["mixed"], city["corporatised"]) == (9, 38)
    assert city["supervised"] == pytest.approx(102.95)
    assert city["integrated"] == 0
    # the municipal unit holds them all; a county holds none (zeros, no amount)
    assert t.filter(node="municipal")["corporatised"].to_list() == [38]
    assert t.filter(node="kecheng").select("mixed", "supervised").row(0) == (0, None)
    later = reform_tallies(reforms, city_structure(), 2021, 2023).filter(node="city")
    assert later.select("mixed", "corporatised", "supervised").row(0) == (1, 0, 5.0)


def test_the_section_shows_them_and_says_them_in_a_sentence() -> None:
    listings, _ = operations_frames(sample_operations())
    _, test = operations_frames([_thirteenth_plan_register()])
    inputs = CapitalInputs(sample_attributes(), listings, test)
    run = report_from_observations(sample_observations(), "quzhou-14th", 2023, synthetic=True,
                                   registers=inputs)  # fmt: skip
    sec = next(s for s in run.report.sections if s.id == "core.capital")
    table = next(t for t in sec.content.tables if t.title.en == "Reforms achieved, by period")
    row = table.frame.filter(node="全市", period="2016–2020年").row(0, named=True)
    assert (row["mixed"], row["corporatised"]) == (9, 38)
    assert row["supervised"] == pytest.approx(102.95)
    assert table.formats["supervised"] == "amount" and table.labels["supervised"].zh == (
        "体系外资产纳入国资监管（亿元）")  # fmt: skip
    said = [p.zh for p in sec.content.paragraphs if "2016–2020" in p.zh]
    assert said == ["全市2016–2020年：完成 9 户企业混合所有制改革，38 家企业公司制改制，"
                    "102.95 亿元体系外资产纳入国资监管（据资本运作台账）。"]  # fmt: skip


def test_the_sample_carries_synthetic_reforms_of_its_own() -> None:
    _, reforms = operations_frames(sample_operations())
    assert set(reforms["note"].to_list()) == {"示例（合成）"}
    city = reform_tallies(reforms, city_structure(sample=True), 2016, 2020).filter(node="city")
    assert city.select("mixed", "corporatised", "supervised").row(0) == (0, 5, pytest.approx(19.05))


def test_the_amount_and_the_event_date_round_trip_through_the_workbook(tmp_path: Path) -> None:
    ops = Operations(unit="changshan", as_of=D(2023, 12, 31), reforms=(
        Reform(entity="cs.urban", date=D(2019, 5, 1), kind=ReformKind.SUPERVISION, amount=102.95),
        Reform(entity="cs.urban", date=D(2022, 7, 1), kind=ReformKind.TRANSFER,
               event_date=D(2022, 6, 30)),
    ))  # fmt: skip
    path = write_operations_template(tmp_path / "ops.xlsx",
                                     unit=city_structure().units["changshan"], operations=ops)  # fmt: skip
    again = read_operations(path)
    assert again.reforms == ops.reforms
    assert [r.kind.zh for r in again.reforms] == ["纳入国资监管", "资产划转"]


def test_a_bad_amount_is_refused_with_its_cell(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from soeplan.registers.operations import REFORM_COLUMNS, REFORM_SHEET

    ops = Operations(unit="changshan", as_of=D(2023, 12, 31), reforms=(
        Reform(entity="cs.urban", date=D(2019, 5, 1), kind=ReformKind.SUPERVISION, amount=1.0),))  # fmt: skip
    path = write_operations_template(tmp_path / "ops.xlsx",
                                     unit=city_structure().units["changshan"], operations=ops)  # fmt: skip
    wb = load_workbook(path)
    col = [c.code for c in REFORM_COLUMNS].index("amount") + 1
    wb[REFORM_SHEET].cell(4, col).value = "-3"
    wb.save(path)
    with pytest.raises(RegisterError) as err:
        read_operations(path)
    text = str(err.value)
    assert "改革记录 Reforms!H4 (涉及资产（亿元） Assets concerned (100 million yuan))" in text
    assert "'-3' is not an amount of zero or more" in text


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.sampled_from(list(ReformKind)),
                          st.integers(2014, 2024)), max_size=30))  # fmt: skip
def test_a_tally_counts_each_enterprise_once_and_only_its_periods_reforms(
    rows: list[tuple[int, ReformKind, int]],
) -> None:
    reforms = pl.DataFrame(
        [("municipal", f"e{e}", D(y, 6, 1), k.value, None, None, 1.0) for e, k, y in rows],
        schema={"unit": pl.String, "entity": pl.String, "date": pl.Date, "kind": pl.String,
                "share_before": pl.Float64, "share_after": pl.Float64, "amount": pl.Float64},
        orient="row",
    )  # fmt: skip
    t = reform_tallies(reforms, city_structure(), 2016, 2020).filter(node="city").row(0, named=True)
    inside = [(e, k) for e, k, y in rows if 2016 <= y <= 2020]
    assert t["mixed"] == len({e for e, k in inside if k.mixed})
    assert t["corporatised"] == len({e for e, k in inside if k is ReformKind.CORPORATISATION})
    assert t["integrated"] == sum(1 for _, k in inside if k.structural)
    supervised = sum(1 for _, k in inside if k is ReformKind.SUPERVISION)
    assert t["supervised"] == (float(supervised) if supervised else None)
