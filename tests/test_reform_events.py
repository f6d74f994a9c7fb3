"""Reforms linked to the dated structure events they are: a merger or transfer reform names its
event (or is matched by enterprise and date); one without its event, or a merger without its
reform, is a finding of rule ``core.reform_event``."""

from __future__ import annotations

import datetime as dt

import polars as pl

from soeplan.capital.reform_events import reform_event_findings, reform_links
from soeplan.capital.sample_register import sample_operations
from soeplan.capital.view import sample_inputs, with_capital
from soeplan.sample import sample_observations
from soeplan.structure.city import city_structure
from soeplan.submissions.store_operations import REFORM_FRAME_SCHEMA, operations_frames

D = dt.date


def _reforms(*rows: tuple[str, str, dt.date, str, dt.date | None]) -> pl.DataFrame:
    """Reforms of the frame the store gives: (unit, entity, date, kind, event_date)."""
    full = [(u, e, d, k, None, None, "", "", D(2023, 12, 31), 1, None, ev)
            for u, e, d, k, ev in rows]  # fmt: skip
    return pl.DataFrame(full, schema=REFORM_FRAME_SCHEMA, orient="row")


def test_the_samples_integration_names_its_merger_and_the_sample_has_no_finding() -> None:
    structure = city_structure(sample=True)
    _, reforms = operations_frames(sample_operations())
    links = reform_links(reforms, structure)
    assert links.select("entity", "kind", "event_kind", "event_entity", "event_on").rows() == [
        ("js.tourism", "integration", "merge", "js.scenic", D(2022, 6, 30))
    ]
    assert reform_event_findings(reforms, structure).height == 0


def test_a_transfer_is_matched_by_enterprise_and_date_without_naming_it() -> None:
    structure = city_structure(sample=True)  # 公交 moved to 交投集团 on 2021-07-01
    r = _reforms(("municipal", "mun.guozi.bus", D(2021, 9, 1), "transfer", None))
    (link,) = reform_links(r, structure).rows(named=True)
    assert (link["event_kind"], link["event_target"], link["event_on"]) == (
        "transfer", "mun.jiaotou", D(2021, 7, 1))  # fmt: skip
    assert reform_event_findings(r, structure).height == 0
    # the absorbing side is matched too: the integration recorded for 交投集团
    r = _reforms(("municipal", "mun.jiaotou", D(2021, 7, 1), "integration", D(2021, 7, 1)))
    assert reform_links(r, structure)["event_entity"].to_list() == ["mun.guozi.bus"]


def test_a_structural_reform_without_its_event_is_a_warning() -> None:
    structure = city_structure(sample=True)
    r = _reforms(
        ("municipal", "mun.lvfa.park", D(2022, 3, 1), "integration", None),
        # names a date the structure has no event on (the transfer was on 2021-07-01)
        ("municipal", "mun.guozi.bus", D(2021, 7, 1), "transfer", D(2021, 8, 1)),
        # a transfer more than a year from any event of the enterprise
        ("municipal", "mun.guozi.bus", D(2023, 1, 1), "transfer", None),
        # a reform that changes no structure and names no event: nothing to check
        ("municipal", "mun.lvfa.park", D(2022, 3, 1), "mixed_ownership", None),
    )
    f = reform_event_findings(r, structure)
    assert f.select("severity", "rule", "entity", "year").rows() == [
        ("warning", "core.reform_event", "mun.guozi.bus", 2021),
        ("warning", "core.reform_event", "mun.lvfa.park", 2022),
        ("warning", "core.reform_event", "mun.guozi.bus", 2023),
    ]
    assert f["message_zh"][0] == (
        "mun.guozi.bus 2021-07-01 的资产划转在企业结构中无对应的兼并重组或资产划转"
        "（关联结构变动日期 2021-08-01）"
    )
    assert "within a year" in f["message_en"][2]


def test_a_merger_without_its_reform_is_a_hint_where_the_register_covers_it() -> None:
    structure = city_structure(sample=True)  # js.scenic merged into js.tourism on 2022-06-30
    # jiangshan's register records only the mixed-ownership reform, not the integration
    r = _reforms(("jiangshan", "js.tourism", D(2022, 3, 1), "mixed_ownership", None))
    (f,) = reform_event_findings(r, structure).rows(named=True)
    assert (f["severity"], f["unit"], f["entity"], f["year"]) == (
        "hint", "jiangshan", "js.scenic", 2022)  # fmt: skip
    assert "js.tourism" in f["fix"] and "2022-06-30" in f["fix"]
    # a register stated before the merger does not cover it; a unit without one is not asked
    early = r.with_columns(pl.lit(D(2021, 12, 31)).alias("as_of"))
    assert reform_event_findings(early, structure).height == 0
    other = _reforms(("kecheng", "kc.urban", D(2022, 3, 1), "mixed_ownership", None))
    assert reform_event_findings(other, structure).height == 0


def test_a_run_carries_the_findings_among_the_capital_ones() -> None:
    inputs = sample_inputs()
    planted = pl.concat([inputs.reforms, _reforms(
        ("municipal", "mun.lvfa.park", D(2022, 3, 1), "integration", None))],
        how="vertical_relaxed")  # fmt: skip
    import attrs

    _, view = with_capital(sample_observations(), attrs.evolve(inputs, reforms=planted),
                           city_structure(sample=True), synthetic=True)  # fmt: skip
    assert view is not None
    mine = view.findings.filter(rule="core.reform_event")
    assert mine.select("entity", "year").rows() == [("mun.lvfa.park", 2022)]


def test_the_section_lists_each_structural_reform_with_its_event() -> None:
    from soeplan.run import report_from_observations

    inputs = sample_inputs()
    planted = pl.concat([inputs.reforms, _reforms(
        ("municipal", "mun.lvfa.park", D(2022, 3, 1), "integration", None))],
        how="vertical_relaxed")  # fmt: skip
    import attrs

    run = report_from_observations(sample_observations(), "quzhou-14th", 2023, synthetic=True,
                                   registers=attrs.evolve(inputs, reforms=planted), lang="en")  # fmt: skip
    sec = next(s for s in run.report.sections if s.id == "core.capital")
    table = sec.content.tables[-1]
    assert table.title.en == "Integrations and transfers, and the structure events they are"
    assert table.frame.select("date", "event", "event_on").rows() == [
        ("2022-03-01", "none in the structure", ""),
        (
            "2022-06-30",
            "merge: 江山市示例景区管理有限公司 → 江山市示例旅游发展有限公司",
            "2022-06-30",
        ),
    ]
