"""A corpus of broken submissions, generated here, one per kind of finding: each must produce its
finding (rule, severity, cell), and the untouched sample must produce none that blocks."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from _submission_helpers import edit, sample_frame, write_csv, write_sample_xlsx
from soeplan import Registry
from soeplan.rules import Rule, RuleContext, Severity, findings_frame
from soeplan.submissions.core_rules import CORE_RULES
from soeplan.submissions.ingest import check_file
from soeplan.submissions.validate import Policy, validate


def findings_of(path: Path, **kw: object) -> pl.DataFrame:
    return check_file(path, **kw).report.findings  # type: ignore[arg-type]


def only(findings: pl.DataFrame, rule: str) -> pl.DataFrame:
    return findings.filter(pl.col("rule") == rule)


def test_the_sample_is_acceptable_with_its_explained_warning(tmp_path: Path) -> None:
    checked = check_file(write_sample_xlsx(tmp_path / "s.xlsx"))
    f = checked.report.findings
    assert checked.acceptable
    assert f.filter(pl.col("severity") == "error").height == 0
    # qj.urban is above the plan's binding debt-ratio ceiling: a warning, explained in the sample
    w = only(f, "core.binding-target")
    assert w["entity"].to_list() == ["qj.urban"]
    assert w["explained"].to_list() == [True] and w["blocks"].to_list() == [False]
    # the city's ceiling (表2), or the unit's own binding target where its plugin registers one
    assert "< 65.00%" in w["expected"][0] and "binding" in w["expected"][0]


@pytest.mark.parametrize(
    ("entity", "code", "value", "rule", "severity"),
    [
        ("qj.water", "total_assets", "12,3亿", "core.number", "error"),
        ("qj.water", "total_assets", -5.0, "core.non-negative", "error"),
        ("qj.water", "revenue", -0.5, "core.non-negative", "error"),
        ("qj.water", "rated_aa", 1.5, "core.non-negative", "error"),
        ("qj.water", "listed", -1, "core.non-negative", "error"),
        ("qj.water", "net_assets", 999.0, "core.debt-ratio-range", "error"),
        ("qj.water", "net_profit", 50.0, "core.profit-plausible", "warning"),
        ("qj.water", "total_assets", None, "core.completeness", "error"),
    ],
)
def test_a_bad_cell_is_found_with_its_cell(
    tmp_path: Path, entity: str, code: str, value: object, rule: str, severity: str
) -> None:
    path = write_sample_xlsx(tmp_path / "bad.xlsx")
    cell = edit(path, entity, code, value)
    checked = check_file(path)
    hit = only(checked.report.findings, rule)
    assert hit.height >= 1, checked.report.findings
    first = hit.row(0, named=True)
    assert first["severity"] == severity
    assert first["entity"] == entity
    assert first["sheet"] == "数据填报 Data"
    if rule != "core.debt-ratio-range":
        assert first["cell"] == cell and first["indicator"] == code
    assert first["message_zh"] and first["message_en"] and first["fix"]
    assert not checked.acceptable  # errors block; so does an unexplained warning


def test_negative_profit_and_net_assets_are_allowed(tmp_path: Path) -> None:
    path = write_sample_xlsx(tmp_path / "loss.xlsx")
    edit(path, "qj.water", "total_profit", -0.3)
    edit(path, "qj.water", "net_profit", -0.35)
    f = findings_of(path)
    assert only(f, "core.non-negative").height == 0
    assert only(f, "core.profit-plausible").height == 0


def test_every_finding_at_once_never_only_the_first(tmp_path: Path) -> None:
    path = write_sample_xlsx(tmp_path / "many.xlsx")
    cells = {
        edit(path, "qj.water", "total_assets", "abc"),
        edit(path, "qj.culture", "revenue", -1),
        edit(path, "qj.housing", "net_assets", None),
    }
    f = findings_of(path)
    assert cells <= set(f["cell"].drop_nulls().to_list())
    assert {"core.number", "core.non-negative", "core.completeness"} <= set(f["rule"])


def test_warning_with_explanation_does_not_block(tmp_path: Path) -> None:
    path = write_sample_xlsx(tmp_path / "w.xlsx")
    edit(path, "qj.water", "net_profit", 50.0)
    assert not check_file(path).acceptable
    edit(path, "qj.water", "explanation", "所得税返还 / income tax refund")
    checked = check_file(path)
    w = only(checked.report.findings, "core.profit-plausible")
    assert w["explained"].to_list() == [True]
    assert checked.acceptable


def test_binding_target_warning_blocks_without_its_explanation(tmp_path: Path) -> None:
    path = write_sample_xlsx(tmp_path / "b.xlsx")
    edit(path, "qj.urban", "explanation", None)
    checked = check_file(path)
    w = only(checked.report.findings, "core.binding-target")
    assert w["severity"].to_list() == ["warning"] and w["blocks"].to_list() == [True]
    assert not checked.acceptable
    lenient = check_file(path, policy=Policy(explain=frozenset()))
    assert lenient.acceptable  # a policy where warnings only inform


def test_missing_entity_id_is_a_required_cell(tmp_path: Path) -> None:
    path = write_sample_xlsx(tmp_path / "req.xlsx")
    cell = edit(path, "qj.water", "entity", None)
    f = only(findings_of(path), "core.required")
    assert f["cell"].to_list() == [cell]
    assert f["severity"].to_list() == ["error"]


def _csv_rows(tmp_path: Path, frame: pl.DataFrame, name: str = "s.csv") -> Path:
    return write_csv(tmp_path / name, frame)


def test_unknown_entity_and_indicator(tmp_path: Path) -> None:
    frame = sample_frame().with_columns(
        pl.when(pl.col("entity") == "qj.water")
        .then(pl.lit("qj.ghost"))
        .otherwise(pl.col("entity"))
        .alias("entity"),
        pl.when((pl.col("entity") == "qj.culture") & (pl.col("indicator") == "revenue"))
        .then(pl.lit("income"))
        .otherwise(pl.col("indicator"))
        .alias("indicator"),
    )
    f = only(findings_of(_csv_rows(tmp_path, frame)), "core.known")
    assert set(f["entity"]) == {"qj.ghost", "qj.culture"}
    assert f.filter(pl.col("entity") == "qj.culture")["found"].to_list() == ["income"]
    assert f.filter(pl.col("entity") == "qj.ghost").height == 9  # one per cell of the row
    # a CSV finding names its row (header is line 1) and the value's cell
    row = f.filter(pl.col("entity") == "qj.culture").row(0, named=True)
    assert row["cell"] == f"E{row['row']}"


def test_duplicates(tmp_path: Path) -> None:
    frame = sample_frame()
    dup = pl.concat([frame, frame.filter(pl.col("entity") == "qj.water").head(1)])
    f = only(findings_of(_csv_rows(tmp_path, dup)), "core.duplicate")
    assert f.height == 2
    assert set(f["entity"]) == {"qj.water"} and f["found"][0].startswith("2 ")


def test_declared_year_and_unit(tmp_path: Path) -> None:
    frame = sample_frame().with_columns(
        pl.when(pl.col("entity") == "qj.water")
        .then(pl.lit(2022))
        .otherwise(pl.col("year"))
        .alias("year")
    )
    f = only(findings_of(_csv_rows(tmp_path, frame), year=2023), "core.declared")
    assert set(f["entity"]) == {"qj.water"}
    assert set(f["found"]) == {"2022"} and set(f["expected"]) == {"2023"}
    g = only(
        findings_of(_csv_rows(tmp_path, sample_frame(), "u.csv"), unit="kecheng"), "core.declared"
    )
    assert g.height == sample_frame().height and set(g["found"]) == {"qujiang"}


def test_ratio_identity_within_input_precision(tmp_path: Path) -> None:
    frame = sample_frame()
    water = {
        r["indicator"]: r["value"] for r in frame.filter(pl.col("entity") == "qj.water").to_dicts()
    }
    right = round(1 - water["net_assets"] / water["total_assets"], 4)  # as printed: 0.01 pp
    row = {"unit": "qujiang", "entity": "qj.water", "year": 2023, "indicator": "debt_ratio"}
    ok = pl.concat([frame, pl.DataFrame([{**row, "value": right}])], how="diagonal_relaxed")
    assert only(findings_of(_csv_rows(tmp_path, ok, "ok.csv")), "core.ratio-identity").height == 0
    bad = pl.concat([frame, pl.DataFrame([{**row, "value": right + 0.02}])], how="diagonal_relaxed")
    f = only(findings_of(_csv_rows(tmp_path, bad, "bad.csv")), "core.ratio-identity")
    assert f["entity"].to_list() == ["qj.water"] and f["severity"].to_list() == ["error"]
    assert f["found"][0] == f"{(right + 0.02) * 100:.2f}%"


def test_percent_text_is_read_as_a_fraction(tmp_path: Path) -> None:
    frame = sample_frame().with_columns(pl.col("value").cast(pl.String))
    water = {
        r["indicator"]: float(r["value"])
        for r in frame.filter(pl.col("entity") == "qj.water").to_dicts()
    }
    pct = f"{(1 - water['net_assets'] / water['total_assets']) * 100:.2f}%"
    row = {
        "unit": "qujiang",
        "entity": "qj.water",
        "year": "2023",
        "indicator": "debt_ratio",
        "value": pct,
    }
    path = _csv_rows(tmp_path, pl.concat([frame, pl.DataFrame([row])], how="diagonal_relaxed"))
    f = findings_of(path)
    assert only(f, "core.ratio-identity").height == 0 and only(f, "core.number").height == 0


def test_infinite_and_schema(tmp_path: Path) -> None:
    frame = sample_frame().with_columns(
        pl.col("value").cast(pl.String), pl.col("year").cast(pl.String)
    )
    frame = frame.with_columns(
        pl.when(pl.col("entity") == "qj.water")
        .then(pl.lit("inf"))
        .otherwise(pl.col("value"))
        .alias("value"),
        pl.when(pl.col("entity") == "qj.culture")
        .then(pl.lit("1900"))
        .otherwise(pl.col("year"))
        .alias("year"),
    )
    f = findings_of(_csv_rows(tmp_path, frame), year=2023)
    assert set(only(f, "core.number")["entity"]) == {"qj.water"}
    schema = only(f, "core.schema")
    assert set(schema["entity"]) == {"qj.culture"} and "2000" in schema["expected"][0]


def test_schema_reports_a_wrong_type_and_stops(tmp_path: Path) -> None:
    frame = sample_frame().select("unit", "entity", "year", "indicator", "value")
    broken = frame.with_columns(pl.col("value").cast(pl.String))
    report = validate(broken, year=2023, unit="qujiang")
    assert set(report.findings["rule"]) == {"core.schema"}
    assert "value" in report.findings["message_en"][0]
    missing = validate(frame.drop("indicator"), year=2023, unit="qujiang")
    assert only(missing.findings, "core.schema")["found"].to_list() == ["indicator"]
    assert not missing.acceptable


def test_prior_jump_needs_an_explanation(tmp_path: Path) -> None:
    frame = sample_frame()
    prior = frame.with_columns(
        pl.when((pl.col("entity") == "qj.water") & (pl.col("indicator") == "total_assets"))
        .then(pl.col("value") / 3)
        .otherwise(pl.col("value"))
        .alias("value"),
        pl.lit(2022).cast(pl.Int32).alias("year"),
    )
    path = write_sample_xlsx(tmp_path / "j.xlsx")
    cell = edit(path, "qj.water", "explanation", None)
    f = only(findings_of(path, prior=prior), "core.prior-jump")
    assert f.height == 1 and f["indicator"][0] == "total_assets" and f["severity"][0] == "warning"
    assert f["found"][0].endswith("(+200%)") and f["blocks"][0]
    assert cell.startswith(
        tuple("ABCDEFGHIJKLMNOPQRST")
    )  # the explanation, after the optional 一利五率 columns
    quiet = only(findings_of(path, prior=prior, options={"jump_share": 3.0}), "core.prior-jump")
    assert quiet.height == 0  # the share is configurable


def test_group_total_against_children(tmp_path: Path) -> None:
    path = write_sample_xlsx(tmp_path / "m.xlsx", unit="municipal")
    frame = sample_frame("municipal")
    from soeplan.submissions.template import unit_context

    structure, _ = unit_context("municipal", 2023)
    kids = structure.at(2023).children("mun.chengtou")
    total = frame.filter(pl.col("entity").is_in(kids) & (pl.col("indicator") == "revenue"))[
        "value"
    ].sum()
    cell = edit(path, "mun.chengtou", "revenue", round(total, 2))
    assert only(findings_of(path), "core.group-total").height == 0
    edit(path, "mun.chengtou", "revenue", round(total + 1, 2))
    f = only(findings_of(path), "core.group-total")
    assert f["cell"].to_list() == [cell] and f["severity"].to_list() == ["error"]


def test_difference_units_may_carry_negative_amounts(tmp_path: Path) -> None:
    path = write_sample_xlsx(tmp_path / "m.xlsx", unit="municipal")
    f = findings_of(path)
    diff = f.filter(pl.col("entity") == "mun.chengtou.diff")
    assert only(diff, "core.non-negative").height == 0


def test_a_rule_that_crashes_is_a_plugin_failure_not_a_finding() -> None:
    def boom(ctx: RuleContext) -> pl.DataFrame:
        raise ZeroDivisionError("oops")

    rule = Rule(
        id="county.boom",
        severity=Severity.HINT,
        description_zh="坏",
        description_en="bad",
        check=boom,
    )
    lenient = Registry.build(entry_points=False, strict=False)
    report = validate(
        sample_frame(), year=2023, unit="qujiang", rules=[*CORE_RULES, rule], registry=lenient
    )
    without = validate(sample_frame(), year=2023, unit="qujiang", registry=lenient)
    assert only(report.findings, "county.boom").height == 0
    assert report.findings.equals(without.findings)  # judged on the other rules alone
    [failure] = report.plugin_failures
    assert (failure.record, failure.where) == ("county.boom", "qujiang 2023")
    assert "ZeroDivisionError: oops" in failure.reason and failure in lenient.failures


def test_a_custom_rule_runs_with_the_core_rules() -> None:
    def small(ctx: RuleContext) -> pl.DataFrame:
        hits = ctx.observations.filter((pl.col("indicator") == "revenue") & (pl.col("value") < 1))
        return findings_frame(
            [
                {
                    "entity": r["entity"],
                    "indicator": "revenue",
                    "year": r["year"],
                    "found": str(r["value"]),
                    "message_zh": "营业收入很小",
                    "message_en": "very small revenue",
                }
                for r in hits.iter_rows(named=True)
            ]
        )

    rule = Rule(
        id="county.small",
        severity=Severity.HINT,
        description_zh="小",
        description_en="small",
        check=small,
    )
    report = validate(sample_frame(), year=2023, unit="qujiang", rules=[*CORE_RULES, rule])
    f = only(report.findings, "county.small")
    expected = (
        sample_frame().filter((pl.col("indicator") == "revenue") & (pl.col("value") < 1)).height
    )
    assert f.height == expected and set(f["severity"]) == {"hint"}
    assert not f["blocks"].any()


def test_a_rule_with_an_unknown_severity_is_a_plugin_failure() -> None:
    def odd(ctx: RuleContext) -> pl.DataFrame:
        return findings_frame([{"severity": "fatal", "message_zh": "?", "message_en": "?"}])

    rule = Rule(
        id="county.odd",
        severity=Severity.HINT,
        description_zh="怪",
        description_en="odd",
        check=odd,
    )
    lenient = Registry.build(entry_points=False, strict=False)
    report = validate(
        sample_frame(), year=2023, unit="qujiang", rules=[*CORE_RULES, rule], registry=lenient
    )
    assert only(report.findings, "county.odd").height == 0
    [failure] = report.plugin_failures
    assert "unknown severity 'fatal'" in failure.reason
