"""The orchestration of validation (:mod:`soeplan.submissions.validate`) at its edges, each part
called directly and compared whole: the policies' verdicts for every severity, explained or not;
what an explanation must hold, at its exact minimum; combining reports (none, several); the
frame's dtypes made safe; a percentage where an amount belongs; the schema check stopping the
other rules; a rule's result checked, word for word; and the judging of findings (explained by
row or by figure, the fix for a too short explanation, the order). What the rules are given is
in ``test_validate_context.py``."""

from __future__ import annotations

import time
from typing import Any

import polars as pl
import pytest

from soeplan import Registry
from soeplan.frames import FINDING_SCHEMA, OBSERVATION_SCHEMA
from soeplan.indicators import Kind
from soeplan.provenance import UNREGISTERED, HookTiming, PluginFailure
from soeplan.rules import Rule, RuleContext, Severity, empty_findings, findings_frame
from soeplan.submissions.core_rules import SCHEMA_RULE_ID
from soeplan.submissions.validate import (
    REPORT_COLUMNS,
    Policy,
    ValidationReport,
    _judge,
    _percent_only_in_ratios,
    _Ran,
    _run,
    _run_all,
    _too_short,
    findings_or_problem,
    normalise_observations,
    says_something,
    validate,
)

ERROR, WARNING, HINT = Severity.ERROR, Severity.WARNING, Severity.HINT

# ---------------------------------------------------------------- policies


@pytest.mark.parametrize(
    ("name", "verdicts"),
    [
        # (error, error explained, warning, warning explained, hint, hint explained)
        ("default", (True, True, True, False, False, False)),
        ("strict", (True, True, True, True, False, False)),
        ("lenient", (True, True, False, False, False, False)),
    ],
)
def test_each_policy_blocks_what_it_says(name: str, verdicts: tuple[bool, ...]) -> None:
    policy = Policy.named(name)
    got = tuple(policy.blocks(s, e) for s in (ERROR, WARNING, HINT) for e in (False, True))
    assert got == verdicts
    assert policy.min_explanation == 4


def test_the_default_policy_is_the_named_default() -> None:
    assert Policy.named("default") == Policy()
    assert Policy().blocking == {ERROR} and Policy().explain == {WARNING}


def test_an_unknown_policy_names_the_three() -> None:
    with pytest.raises(ValueError) as exc:
        Policy.named("Strict")
    assert str(exc.value) == "unknown policy 'Strict': use default, strict or lenient"


# ---------------------------------------------------------------- explanations


@pytest.mark.parametrize(
    ("text", "minimum", "ok"),
    [
        ("ab1", 4, False),  # one short
        ("ab12", 4, True),  # exactly the minimum
        ("a.b-1 2", 4, True),  # punctuation and spaces do not count, but do not hurt
        ("ab", 2, True),
        ("a", 2, False),
        ("aa", 2, False),  # one character repeated
        ("ab", 1, True),
        ("1212", 4, False),  # no letter
        ("1a11", 4, True),  # one letter is enough
        ("", 4, False),
        (None, 4, False),
        ("划转", 2, True),
    ],
)
def test_an_explanation_at_its_minimum(text: str | None, minimum: int, ok: bool) -> None:
    assert says_something(text, minimum) is ok


def test_the_too_short_fix_quotes_the_text_in_both_languages() -> None:
    assert _too_short("..", Policy(min_explanation=6)) == (
        "说明“..”过短，不能作为出错说明：请用至少 6 个字写明原因 / the explanation '..' "
        "says too little to clear this: write the reason in at least 6 letters or digits, "
        "not one character repeated"
    )
    assert _too_short(None, Policy()).startswith("说明过短，不能作为出错说明：请用至少 4 个字")
    assert " / the explanation says too little" in _too_short("", Policy())


# ---------------------------------------------------------------- reports


def finding(**fields: Any) -> dict[str, Any]:
    return {"severity": "error", "rule": "r", "message_zh": "错", "message_en": "wrong", **fields}


def report(rows: list[dict[str, Any]], policy: Policy | None = None, **kw: Any) -> ValidationReport:
    findings = findings_frame(rows).with_columns(
        explained=pl.lit(False), blocks=pl.Series([r.get("blocks", False) for r in rows])
    )
    obs = normalise_observations(
        pl.DataFrame(
            {
                "unit": ["a"],
                "entity": ["x"],
                "year": [2023],
                "indicator": ["revenue"],
                "value": [1.0],
            }
        )
    )
    return ValidationReport(findings=findings, observations=obs, policy=policy or Policy(), **kw)


def test_a_report_counts_and_blocks_by_its_findings() -> None:
    r = report([finding(blocks=True), finding(severity="warning"), finding(severity="warning")])
    assert r.counts() == {"hint": 0, "warning": 2, "error": 1}
    assert not r.acceptable and r.blocking.height == 1
    ok = report([finding(severity="hint")])
    assert ok.acceptable and ok.blocking.is_empty()


def test_combining_no_reports_gives_an_empty_acceptable_one() -> None:
    r = ValidationReport.combine([])
    assert r.findings.schema == pl.Schema({**FINDING_SCHEMA, **REPORT_COLUMNS})
    assert r.observations.schema == pl.Schema(OBSERVATION_SCHEMA)
    assert r.policy == Policy() and r.acceptable
    assert (r.plugin_failures, r.timings) == ((), ())


def test_combining_keeps_every_finding_failure_and_timing_in_order() -> None:
    f1, f2 = (PluginFailure(p, "soeplan_rules", "boom") for p in ("p1", "p2"))
    t1, t2, t3 = (HookTiming("p", "rule", r, 0.5) for r in ("r1", "r2", "r3"))
    strict = Policy.named("strict")
    first = report([finding(rule="a")], strict, plugin_failures=(f1,), timings=(t1, t2))
    second = report([finding(rule="b"), finding(rule="c")], plugin_failures=(f2,), timings=(t3,))
    r = ValidationReport.combine(iter([first, second]))
    assert r.findings["rule"].to_list() == ["a", "b", "c"]
    assert r.observations.height == 2
    assert r.policy == strict  # the first report's
    assert r.plugin_failures == (f1, f2) and r.timings == (t1, t2, t3)


def test_the_accepted_observations_leave_out_empty_cells_and_come_sorted() -> None:
    obs = pl.DataFrame(
        {
            "unit": ["a", "a", "a"],
            "entity": ["y", "x", "x"],
            "year": [2023, 2023, 2023],
            "indicator": ["revenue", "revenue", "net_assets"],
            "value": [2.0, None, 3.0],
            "explanation": [None, None, "划转"],
            "row": [5, 6, 7],
        }
    )
    r = ValidationReport(findings=empty_findings(), observations=normalise_observations(obs))
    got = r.accepted_observations()
    assert got.columns == ["unit", "entity", "year", "indicator", "value", "explanation"]
    assert got.rows() == [("a", "x", 2023, "net_assets", 3.0, "划转"), ("a", "y", 2023, "revenue", 2.0, None)]  # fmt: skip


# ---------------------------------------------------------------- the frame


def test_normalising_adds_the_provenance_columns_and_makes_numbers_safe() -> None:
    frame = pl.DataFrame(
        {
            "entity": ["x"],
            "year": pl.Series([2023], dtype=pl.Int64),
            "value": pl.Series([7], dtype=pl.Int16),
            "row": pl.Series([3], dtype=pl.Int32),
        }
    )
    out = normalise_observations(frame)
    # the key columns and the value are never added: the schema rule reports them missing
    assert "unit" not in out.columns and "indicator" not in out.columns
    assert out.schema["year"] == pl.Int32 and out.schema["value"] == pl.Float64
    assert out.schema["row"] == pl.Int64
    for name in ("raw", "explanation", "file", "sheet", "cell"):
        assert out.schema[name] == OBSERVATION_SCHEMA[name] and out[name].null_count() == 1
    assert out.row(0, named=True) | {} == {
        "entity": "x", "year": 2023, "value": 7.0, "row": 3,
        "raw": None, "explanation": None, "file": None, "sheet": None, "cell": None,
    }  # fmt: skip


def test_normalising_never_adds_the_value_or_a_key_column() -> None:
    out = normalise_observations(pl.DataFrame({"raw": ["7"]}))
    assert not {"unit", "entity", "year", "indicator", "value"} & set(out.columns)


def test_normalising_leaves_what_is_not_a_safe_conversion() -> None:
    frame = pl.DataFrame({"year": ["2023"], "value": ["7"], "row": [1.5]})
    out = normalise_observations(frame)
    kept = {n: out.schema[n] for n in ("year", "value", "row")}
    assert kept == {"year": pl.String(), "value": pl.String(), "row": pl.Float64()}


def test_a_frame_already_in_the_schema_is_left_as_it_is() -> None:
    frame = pl.DataFrame(schema=OBSERVATION_SCHEMA)
    assert normalise_observations(frame).schema == frame.schema


CAT = {"revenue": "amount", "debt_ratio": "ratio"}


@pytest.mark.parametrize(
    ("indicator", "raw", "kept"),
    [
        ("revenue", "46%", False),
        ("revenue", " 46％ ", False),  # full-width, with spaces around
        ("revenue", "46", True),
        ("revenue", "46%x", True),  # not a percentage: core.number reports the text
        ("revenue", None, True),
        ("debt_ratio", "46%", True),
    ],
)
def test_a_percentage_is_a_number_only_in_a_ratio(
    indicator: str, raw: str | None, kept: bool
) -> None:
    inds = {
        c: type("I", (), {"kind": Kind.RATIO if k == "ratio" else Kind.AMOUNT})
        for c, k in CAT.items()
    }
    obs = pl.DataFrame(
        {"indicator": [indicator], "raw": pl.Series([raw], dtype=pl.String), "value": [0.46]}
    )
    out = _percent_only_in_ratios(obs, inds)
    assert out["value"].to_list() == ([0.46] if kept else [None])
    assert out["raw"].to_list() == [raw]  # the text stays for the number rule


def test_without_raw_text_no_value_is_touched() -> None:
    obs = pl.DataFrame({"indicator": ["revenue"], "value": [0.46]})
    assert _percent_only_in_ratios(obs, {}) is obs


# ---------------------------------------------------------------- running the rules


def rule(rule_id: str, rows: list[dict[str, Any]] | Any, severity: Severity = ERROR) -> Rule:
    def check(ctx: RuleContext) -> Any:
        calls.append(rule_id)
        return findings_frame(rows) if isinstance(rows, list) else rows

    return Rule(
        id=rule_id, severity=severity, description_zh="规则", description_en="rule", check=check
    )


calls: list[str] = []


def context(unit: str | None = "a") -> RuleContext:
    obs = normalise_observations(pl.DataFrame(schema=OBSERVATION_SCHEMA))
    return RuleContext(observations=obs, year=2023, unit=unit, indicators={})


def lenient() -> Registry:
    return Registry.build(entry_points=False, strict=False)


@pytest.mark.parametrize(
    ("schema_row", "ran"),
    [(None, ["core.schema"]), (4, ["core.schema", "a.one", "z.two"])],
)
def test_a_schema_finding_about_the_frame_stops_the_other_rules(
    schema_row: int | None, ran: list[str]
) -> None:
    calls.clear()
    schema = rule(SCHEMA_RULE_ID, [finding(rule=SCHEMA_RULE_ID, row=schema_row)])
    others = [rule("a.one", [finding(rule="a.one")]), rule("z.two", [])]
    out = _run_all([others[0], schema, others[1]], context(), lenient(), _Ran())
    assert calls == ran  # the schema check first
    assert out["rule"].to_list() == ran[: 1 + (len(ran) > 1)]


def test_a_schema_rule_that_raises_is_reported_to_the_registry() -> None:
    def boom(ctx: RuleContext) -> pl.DataFrame:
        raise RuntimeError("broken schema check")

    schema = Rule(
        id=SCHEMA_RULE_ID, severity=ERROR, description_zh="表", description_en="schema", check=boom
    )
    reg, ran = lenient(), _Ran()
    calls.clear()
    out = _run_all([schema, rule("a.one", [])], context(), reg, ran)
    assert out.is_empty() and calls == ["a.one"]  # no finding about the frame: the rest ran
    assert [f.record for f in reg.failures] == [SCHEMA_RULE_ID]


def test_no_rules_give_an_empty_findings_frame() -> None:
    assert _run_all([], context(), lenient(), _Ran()).schema == pl.Schema(FINDING_SCHEMA)


@pytest.mark.parametrize(("unit", "where"), [("a", "a 2023"), (None, "submission 2023")])
def test_a_rule_that_raises_is_a_failure_timed_and_named(unit: str | None, where: str) -> None:
    def boom(ctx: RuleContext) -> pl.DataFrame:
        raise KeyError("revenue")

    bad = Rule(id="p.bad", severity=ERROR, description_zh="坏", description_en="bad", check=boom)
    reg, ran = lenient(), _Ran()
    before = time.perf_counter()
    out = _run(bad, context(unit), reg, ran)
    took = time.perf_counter() - before
    assert out.is_empty() and out.schema == pl.Schema(FINDING_SCHEMA)
    [failure] = ran.failures
    # a rule no plugin registered is named as such
    assert (failure.plugin, failure.stage, failure.reason) == (
        "(unregistered)",
        "soeplan_rules",
        "raised KeyError: 'revenue'",
    )
    assert failure.provider == UNREGISTERED
    assert (failure.kind, failure.record, failure.where) == ("rule", "p.bad", where)
    assert reg.failures == [failure]
    [timing] = ran.timings
    assert (timing.plugin, timing.kind, timing.record, timing.where) == (
        "(unregistered)",
        "rule",
        "p.bad",
        where,
    )
    assert 0 <= timing.seconds <= took  # a duration, not a clock reading


def test_a_good_rule_is_timed_and_leaves_no_failure() -> None:
    ran = _Ran()
    out = _run(
        rule("p.ok", [finding(rule=None, severity=None)], WARNING), context(), lenient(), ran
    )
    # a finding without rule or severity takes the rule's
    assert out.select("rule", "severity").rows() == [("p.ok", "warning")]
    assert ran.failures == [] and [t.record for t in ran.timings] == ["p.ok"]


@pytest.mark.parametrize(
    ("out", "problem"),
    [
        ("x", "returned a str, expected a findings frame (soeplan.rules.findings_frame)"),
        (
            pl.DataFrame({c: ["x"] for c in FINDING_SCHEMA if c not in ("fix", "rule")}),
            "returned a frame without the columns rule, fix; expected a findings frame "
            "(soeplan.rules.findings_frame)",
        ),
        (
            findings_frame([finding(severity="fatal"), finding(severity="Error")]),
            "returned the unknown severity 'Error' (use hint, warning or error)",
        ),
        (
            findings_frame([finding(message_en=None), finding(message_zh=None), finding()]),
            "returned 2 finding(s) without message_zh or message_en",
        ),
    ],
)
def test_a_wrong_result_says_what_is_wrong(out: object, problem: str) -> None:
    assert findings_or_problem(out, rule("p.r", [])) == (None, problem)


def test_findings_that_do_not_fit_say_so() -> None:
    bad = pl.DataFrame({c: ["x"] for c in FINDING_SCHEMA})
    got, problem = findings_or_problem(bad, rule("p.r", []))
    assert got is None
    assert problem.startswith("returned findings that do not fit the findings columns (")
    assert problem.endswith("); expected a findings frame (soeplan.rules.findings_frame)")


def test_a_result_is_cast_to_the_findings_columns_in_order() -> None:
    out = pl.DataFrame({**{c: [None] for c in reversed(FINDING_SCHEMA)}, "extra": [1]})
    out = out.with_columns(message_zh=pl.lit("中"), message_en=pl.lit("en"), year=pl.lit(2023))
    got, problem = findings_or_problem(out, rule("p.r", [], HINT))
    assert problem == "" and got is not None
    assert got.schema == pl.Schema(FINDING_SCHEMA)
    assert got.row(0, named=True)["severity"] == "hint" and got["year"].to_list() == [2023]


# ---------------------------------------------------------------- judging


def observations(**cols: list[Any]) -> pl.DataFrame:
    return normalise_observations(pl.DataFrame(cols))


def judged(
    rows: list[dict[str, Any]], obs: pl.DataFrame, policy: Policy | None = None
) -> list[tuple[Any, ...]]:
    out = _judge(findings_frame(rows), obs, policy or Policy())
    return out.select("rule", "explained", "blocks", "fix").rows()


def test_an_explanation_on_the_row_clears_a_warning_there_only() -> None:
    obs = observations(file=["f", "f"], row=[3, 4], explanation=["资产划转入账", None])
    rows = [
        finding(severity="warning", rule="w3", file="f", row=3),
        finding(severity="warning", rule="w4", file="f", row=4),
        finding(severity="warning", rule="w3g", file="g", row=3),  # another file's row 3
        finding(severity="error", rule="e3", file="f", row=3),
    ]
    assert judged(rows, obs) == [
        ("e3", True, True, None),  # an error blocks, explained or not
        ("w3", True, False, None),
        ("w4", False, True, None),
        ("w3g", False, True, None),
    ]


def test_an_explanation_of_a_figure_clears_a_finding_about_it_without_a_row() -> None:
    obs = observations(
        entity=["x", "x"], indicator=["revenue", "net_assets"], explanation=["资产划转入账", "  "]
    )
    rows = [
        finding(severity="warning", rule="a", entity="x", indicator="revenue"),
        finding(severity="warning", rule="b", entity="x", indicator="net_assets"),
        finding(severity="warning", rule="c", entity="y", indicator="revenue"),
        finding(severity="warning", rule="d", entity=None, indicator="revenue"),
    ]
    assert judged(rows, obs) == [
        ("a", True, False, None),
        ("b", False, True, None),  # blank: no explanation given, no fix added
        ("c", False, True, None),
        ("d", False, True, None),
    ]


def test_a_too_short_explanation_adds_to_the_fix_of_what_it_could_clear() -> None:
    obs = observations(file=["f"], row=[3], entity=["x"], indicator=["revenue"], explanation=["ok"])
    rows = [
        finding(severity="warning", rule="w", file="f", row=3, fix="check the figure"),
        finding(severity="warning", rule="v", entity="x", indicator="revenue"),
        finding(severity="error", rule="e", file="f", row=3, fix="fix it"),
        finding(severity="hint", rule="h", file="f", row=3),
    ]
    short = _too_short("ok", Policy())
    assert judged(rows, obs) == [
        ("e", False, True, "fix it"),  # no explanation clears an error: nothing added
        ("w", False, True, f"check the figure; {short}"),
        ("v", False, True, short),  # found by its figure: the figure's explanation is quoted
        ("h", False, False, None),
    ]
    # under the strict policy no explanation clears anything: the fix says nothing of it
    strict = judged(rows[:1], obs, Policy.named("strict"))
    assert strict == [("w", False, True, "check the figure")]


@pytest.mark.parametrize("texts", [["ok", "资产划转入账"], ["资产划转入账", "ok"]])
def test_one_good_explanation_among_copies_clears_it_whichever_comes_first(
    texts: list[str],
) -> None:
    obs = observations(
        file=["f", "f"], row=[3, 3], entity=["x", "x"], indicator=["revenue"] * 2, explanation=texts
    )
    assert judged([finding(severity="warning", file="f", row=3)], obs) == [("r", True, False, None)]
    by_figure = finding(severity="warning", entity="x", indicator="revenue")
    assert judged([by_figure], obs) == [("r", True, False, None)]


def test_the_policys_minimum_is_the_one_used() -> None:
    obs = observations(file=["f"], row=[3], explanation=["划转入账"])
    rows = [finding(severity="warning", file="f", row=3)]
    assert judged(rows, obs)[0][1] is True
    assert judged(rows, obs, Policy(min_explanation=5))[0][1] is False


def test_findings_come_by_severity_then_place_then_rule() -> None:
    rows = [
        finding(severity="hint", rule="h"),
        finding(severity="warning", rule="w2", file="b", row=1),
        finding(severity="warning", rule="w1", file="a", row=9),
        finding(severity="warning", rule="w0", file="a", row=None),
        finding(severity="warning", rule="wz", file="a", row=2, cell="B2"),
        finding(severity="warning", rule="wy", file="a", row=2, cell="A2"),
        finding(severity="warning", rule="wx", file="a", row=2, cell="A2"),
        finding(severity="error", rule="e", file=None),
    ]
    got = _judge(findings_frame(rows), observations(value=[1.0]), Policy())
    assert got["rule"].to_list() == ["e", "wx", "wy", "wz", "w1", "w0", "w2", "h"]
    # every fix null: the columns keep their dtypes
    assert got.schema == pl.Schema({**FINDING_SCHEMA, **REPORT_COLUMNS})


def test_validate_takes_the_unit_from_a_frame_of_one_unit_only() -> None:
    seen: list[str | None] = []

    def look(ctx: RuleContext) -> pl.DataFrame:
        seen.append(ctx.unit)
        return empty_findings()

    probe = Rule(id="p.look", severity=HINT, description_zh="看", description_en="look", check=look)
    base: dict[str, list[Any]] = {
        "entity": ["x"], "year": [2023], "indicator": ["revenue"], "value": [1.0]
    }  # fmt: skip
    for units, unit in ((["qujiang"], "qujiang"), ([None], None)):
        validate(pl.DataFrame({**base, "unit": units}), year=2023, rules=[probe], plan=None)
        assert seen[-1] == unit
    two = pl.DataFrame({**{k: v * 2 for k, v in base.items()}, "unit": ["qujiang", "kecheng"]})
    validate(two, year=2023, rules=[probe], plan=None)
    assert seen[-1] is None
