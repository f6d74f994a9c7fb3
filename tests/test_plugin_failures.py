"""Plugins fail as plugins: a rule, section, reader or structure hook that raises or returns the
wrong thing is a plugin failure naming the plugin and the hook, never a finding against a
county's data; the run goes on without it and says so; strict mode stops before writing.

The test session runs in strict plugin mode (``SOEPLAN_STRICT_PLUGINS=1``); the lenient tests
build their registries with ``strict=False``.
"""

from __future__ import annotations

import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import attrs
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import escape

import soeplan
from _submission_helpers import sample_frame
from soeplan import Registry, hookimpl
from soeplan.errors import PluginError
from soeplan.frames import FINDING_SCHEMA
from soeplan.provenance import HookTiming, PluginFailure, Provider, merge_failures, slow
from soeplan.report import build_report
from soeplan.report.html import render_html
from soeplan.report.markdown import render_markdown
from soeplan.report.sections import render_section
from soeplan.rules import Rule, RuleContext, Severity, findings_frame
from soeplan.run import run_demo
from soeplan.safety import md_text
from soeplan.sections import ReportSection, SectionContent, SectionContext, SectionTable, Text
from soeplan.submissions.read_errors import SubmissionReadError
from soeplan.submissions.readers import read_submission
from soeplan.submissions.validate import validate

YEAR = 2023


def _rule(check: Any, rule_id: str = "bad.check") -> Rule:
    return Rule(
        id=rule_id, severity=Severity.ERROR, description_zh="坏", description_en="bad", check=check
    )


def _section(render: Any) -> ReportSection:
    return ReportSection(id="bad.section", title=Text("坏章节", "Bad section"), render=render)


def plugin(*, rules: tuple[Rule, ...] = (), sections: tuple[ReportSection, ...] = ()) -> object:
    """A plugin module registering ``rules`` and ``sections``."""
    ns = SimpleNamespace()
    if rules:
        ns.soeplan_rules = hookimpl(lambda: list(rules))
    if sections:
        ns.soeplan_report_sections = hookimpl(lambda: list(sections))
    return ns


def lenient(*plugins: tuple[str, object]) -> Registry:
    return Registry.build(*plugins, entry_points=False, strict=False)


def raises(_: object) -> Any:
    raise RuntimeError("a bug in the plugin")


# ---------------------------------------------------------------- rules


def test_a_rule_that_raises_is_a_plugin_failure_and_the_county_is_judged_without_it() -> None:
    bad = lenient(("bad", plugin(rules=(_rule(raises),))))
    clean = lenient()
    for unit in ("qujiang", "kecheng"):
        obs = sample_frame(unit, YEAR)
        got = validate(obs, year=YEAR, unit=unit, registry=bad)
        want = validate(obs, year=YEAR, unit=unit, registry=clean)
        # the same findings and verdict as without the plugin: its bug is not the county's
        assert got.findings.equals(want.findings) and got.acceptable == want.acceptable
        assert "bad.check" not in got.findings["rule"].to_list()
        [failure] = got.plugin_failures
        assert (failure.plugin, failure.stage, failure.kind, failure.record, failure.where) == (
            "bad",
            "soeplan_rules",
            "rule",
            "bad.check",
            f"{unit} {YEAR}",
        )
        assert failure.reason == "raised RuntimeError: a bug in the plugin"
    assert [f.where for f in bad.failures] == ["qujiang 2023", "kecheng 2023"]


WRONG_FINDINGS = {
    "a string": ("not findings", "returned a str, expected a findings frame"),
    "None": (None, "returned None, expected a findings frame"),
    "a frame without the findings columns": (
        pl.DataFrame({"problem": ["x"]}),
        "without the columns severity, rule",
    ),
    "values of the wrong type": (
        pl.DataFrame({c: ["not a number"] for c in FINDING_SCHEMA}),
        "do not fit the findings columns",
    ),
    "an unknown severity": (
        findings_frame([{"severity": "fatal", "message_zh": "怪", "message_en": "odd"}]),
        "unknown severity 'fatal'",
    ),
    "a finding without its English message": (
        findings_frame([{"message_zh": "只有中文"}]),
        "1 finding(s) without message_zh or message_en",
    ),
}


@pytest.mark.parametrize("what", sorted(WRONG_FINDINGS))
def test_a_rule_returning_the_wrong_thing_is_a_plugin_failure_saying_what_was_expected(
    what: str,
) -> None:
    result, says = WRONG_FINDINGS[what]
    reg = lenient(("bad", plugin(rules=(_rule(lambda ctx: result),))))
    report = validate(sample_frame("qujiang", YEAR), year=YEAR, unit="qujiang", registry=reg)
    [failure] = report.plugin_failures
    assert says in failure.reason
    assert (failure.plugin, failure.stage, failure.record) == ("bad", "soeplan_rules", "bad.check")
    assert "bad.check" not in report.findings["rule"].to_list()


@given(
    st.one_of(
        st.none(),
        st.integers(),
        st.text(max_size=5),
        st.lists(st.integers(), max_size=3),
        st.dictionaries(st.sampled_from(list(FINDING_SCHEMA)), st.text(max_size=3), max_size=4),
    )
)
def test_whatever_a_rule_returns_validation_goes_on_and_never_blames_the_data(
    result: object,
) -> None:
    reg = lenient(("bad", plugin(rules=(_rule(lambda ctx: result),))))
    obs = pl.DataFrame(
        {"unit": ["qujiang"], "entity": ["qj.a"], "year": [YEAR], "indicator": ["revenue"]}
    ).with_columns(value=pl.lit(1.0))
    report = validate(obs, year=YEAR, unit="qujiang", registry=reg, plan=None)
    assert "bad.check" not in report.findings["rule"].to_list()
    assert [f.record for f in report.plugin_failures] == ["bad.check"]


def test_in_strict_mode_a_failing_rule_stops_the_validation_naming_plugin_and_rule() -> None:
    reg = Registry.build(("bad", plugin(rules=(_rule(raises),))), entry_points=False, strict=True)
    with pytest.raises(PluginError) as err:
        validate(sample_frame("qujiang", YEAR), year=YEAR, unit="qujiang", registry=reg)
    text = err.value.render()
    assert "plugin 'bad' failed in soeplan_rules, rule bad.check, on qujiang 2023" in text
    assert "stopped before anything was written" in text and err.value.exit_code == 2


# ---------------------------------------------------------------- sections


def _good_content(ctx: SectionContext) -> SectionContent:
    frame = pl.DataFrame({"item": ["x"], "value": [1.0]})
    return SectionContent(
        paragraphs=(Text("说明", "Note"),),
        tables=(SectionTable(title=Text("表", "Table"), frame=frame),),
    )


WRONG_CONTENT = {
    "raises": (raises, "raised RuntimeError: a bug in the plugin"),
    "a string": (lambda ctx: "text", "returned a str, expected a SectionContent"),
    "a paragraph that is a plain string": (
        lambda ctx: SectionContent(paragraphs=("only one language",)),  # type: ignore[arg-type]
        "paragraph 0 is a str, expected a Text",
    ),
    "a table whose frame is a dict": (
        lambda ctx: SectionContent(
            tables=(SectionTable(title=Text("表", "T"), frame={"a": [1]}),)  # type: ignore[arg-type]
        ),
        "table 0's frame is a dict, expected a DataFrame",
    ),
}


@pytest.mark.parametrize("what", sorted(WRONG_CONTENT))
def test_a_failing_section_keeps_its_place_with_the_failure_and_the_report_lists_it(
    what: str,
) -> None:
    render, says = WRONG_CONTENT[what]
    plan = soeplan.load_plan("quzhou-14th")
    sections = [_section(render), attrs.evolve(_section(_good_content), id="ok.section")]
    report = build_report(plan, 2020, plan.figures_frame(), sections=sections)
    by_id = {s.id: s for s in report.sections}
    assert by_id["ok.section"].failure is None and by_id["ok.section"].content.tables
    failure = by_id["bad.section"].failure
    assert failure is not None and says in failure.reason
    assert (failure.stage, failure.kind, failure.record) == (
        "soeplan_report_sections",
        "section",
        "bad.section",
    )
    assert by_id["bad.section"].content == SectionContent()
    assert report.meta.plugin_failures == (failure,)
    for lang in ("zh", "en"):  # every writer lays it out, naming the failure
        localised = report.with_lang(lang)
        assert md_text(failure.text(lang)) in render_markdown(localised)  # escaped as data
        assert str(escape(failure.text(lang))) in render_html(localised)


@given(
    st.one_of(
        st.none(),
        st.integers(),
        st.text(max_size=5),
        st.builds(SectionContent, paragraphs=st.lists(st.text(max_size=3), max_size=2)),
        st.builds(
            SectionContent,
            paragraphs=st.lists(st.builds(Text, st.text(max_size=3), st.text(max_size=3))),
        ),
    )
)
def test_whatever_a_section_returns_the_report_is_written_or_the_section_is_a_failure(
    result: object,
) -> None:
    sec = render_section(_section(lambda ctx: result), SectionContext(year=2020))
    plan = soeplan.load_plan("quzhou-14th")
    report = build_report(plan, 2020, plan.figures_frame(), sections=[_section(lambda c: result)])
    fits = isinstance(result, SectionContent) and all(
        isinstance(p, Text) for p in result.paragraphs
    )
    assert (sec.failure is None) == fits
    render_markdown(report)
    render_html(report)


# ---------------------------------------------------------------- the yearly run


def test_the_demo_goes_on_without_a_failing_plugin_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def slowly(ctx: RuleContext) -> pl.DataFrame:
        time.sleep(0.03)
        return findings_frame([])

    monkeypatch.setenv("SOEPLAN_SLOW_PLUGIN_SECONDS", "0.02")
    bad = plugin(
        rules=(_rule(raises), _rule(slowly, "bad.slow")),
        sections=(_section(lambda ctx: 42),),
    )
    reg = lenient(("bad", bad))
    said: list[str] = []
    with reg.active():
        run = run_demo(tmp_path / "out", progress=said.append)
    assert run.report.set_aside == ()  # no county is set aside for the plugin's bug
    failures = run.report.meta.plugin_failures
    assert [(f.stage, f.record) for f in failures] == [
        ("soeplan_rules", "bad.check"),
        ("soeplan_report_sections", "bad.section"),
    ]
    assert failures[0].where.split(", ") == [f"{u} {YEAR}" for u in sorted(_units(run))]
    summary = (tmp_path / "out" / "summary.md").read_text(encoding="utf-8")
    assert "2 项插件故障" in summary
    assert md_text("插件 bad 在 soeplan_rules（规则 bad.check，") in summary
    assert (
        md_text("插件 bad 在 soeplan_report_sections（章节 bad.section，report 2023）") in summary
    )
    # the slow rule is named with its time, once per county
    slow_lines = [s for s in said if s.startswith("plugin bad: rule bad.slow took")]
    assert len(slow_lines) == len(_units(run))


def _units(run: Any) -> set[str]:
    return {str(u) for u in run.rollup.values.filter(pl.col("node_type") == "unit")["node"]}


@pytest.mark.parametrize("where", ["rule", "section"])
def test_in_strict_mode_the_demo_stops_before_writing_anything(tmp_path: Path, where: str) -> None:
    bad = (
        plugin(rules=(_rule(raises),))
        if where == "rule"
        else plugin(sections=(_section(lambda ctx: "text"),))
    )
    reg = Registry.build(("bad", bad), entry_points=False, strict=True)
    with reg.active(), pytest.raises(PluginError, match="plugin 'bad' failed in soeplan_"):
        run_demo(tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_slow_names_plugins_above_the_threshold_and_the_core_only_when_asked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    timings = [
        HookTiming("core", "rule", "core.schema", 2.0, "qujiang 2023"),
        HookTiming("jiangshan", "rule", "jiangshan.entity_vanished", 2.31, "jiangshan 2023"),
        HookTiming("kecheng", "section", "kecheng.bank", 0.2),
    ]
    monkeypatch.delenv("SOEPLAN_SLOW_PLUGIN_SECONDS", raising=False)
    assert [str(t) for t in slow(timings)] == [
        "plugin jiangshan: rule jiangshan.entity_vanished took 2.3 s (jiangshan 2023)"
    ]
    monkeypatch.setenv("SOEPLAN_SLOW_PLUGIN_SECONDS", "0")
    assert [t.record for t in slow(timings)] == [
        "jiangshan.entity_vanished",
        "core.schema",
        "kecheng.bank",
    ]


# ---------------------------------------------------------------- readers


def _reader(answer: Any) -> object:
    def load(unit: str, year: int, source: str) -> Any:
        if not source.endswith(".county"):
            return None
        return answer(source) if callable(answer) else answer

    return SimpleNamespace(soeplan_load_observations=hookimpl(load))


def _county_frame(source: str) -> pl.DataFrame:
    return pl.DataFrame(
        {"unit": ["qujiang"], "entity": ["qj.a"], "year": [YEAR], "indicator": ["revenue"]}
    ).with_columns(value=pl.lit(1.5))


@pytest.mark.parametrize(
    ("answer", "says"),
    [
        (raises, "raised RuntimeError: a bug in the plugin"),
        ({"entity": "qj.a"}, "returned a dict, expected a polars DataFrame or None"),
    ],
)
def test_a_failing_reader_is_named_not_taken_for_an_unknown_file_type(
    tmp_path: Path, answer: Any, says: str
) -> None:
    path = tmp_path / "qujiang-2023.county"
    path.write_text("the county's own format", encoding="utf-8")
    reg = lenient(("bad", _reader(answer)))
    with reg.active(), pytest.raises(SubmissionReadError) as err:
        read_submission(path, unit="qujiang", year=YEAR)
    text = err.value.render()
    assert "not a submission" not in text
    assert (
        f"the plugin 'bad' that reads this format failed in soeplan_load_observations: {says}"
        in (" ".join(text.split()))
    )
    assert "report it to the plugin's authors" in text
    [failure] = reg.failures
    assert failure.where == f"qujiang {YEAR}, {path}"


def test_when_one_reader_fails_the_next_plugin_reads_the_file(tmp_path: Path) -> None:
    path = tmp_path / "qujiang-2023.county"
    path.write_text("the county's own format", encoding="utf-8")
    reg = lenient(("bad", _reader(raises)), ("good", _reader(_county_frame)))
    with reg.active():
        sub = read_submission(path, unit="qujiang", year=YEAR)
    assert sub.format == "plugin" and sub.observations["value"].to_list() == [1.5]
    assert [f.plugin for f in reg.failures] == ["bad"]


def test_a_sample_loader_that_fails_is_listed_in_the_demo_report(tmp_path: Path) -> None:
    def load(unit: str, year: int, source: str) -> Any:
        if unit == "kecheng" and source == "sample":
            raise OSError("the county's sample file is missing")
        return None

    reg = lenient(("bad", SimpleNamespace(soeplan_load_observations=hookimpl(load))))
    with reg.active():
        run = run_demo(tmp_path / "out")
    failed = [f for f in run.report.meta.plugin_failures if f.stage == "soeplan_load_observations"]
    assert [f.plugin for f in failed] == ["bad"]
    assert "kecheng" in failed[0].where and "sample file is missing" in failed[0].reason
    summary = (tmp_path / "out" / "summary.md").read_text(encoding="utf-8")
    assert md_text("插件 bad 在 soeplan_load_observations") in summary


def test_in_strict_mode_a_failing_reader_is_a_plugin_error(tmp_path: Path) -> None:
    path = tmp_path / "qujiang-2023.county"
    path.write_text("x", encoding="utf-8")
    reg = Registry.build(("bad", _reader(raises)), entry_points=False, strict=True)
    with reg.active(), pytest.raises(PluginError, match="failed in soeplan_load_observations"):
        read_submission(path, unit="qujiang", year=YEAR)


# ---------------------------------------------------------------- structures and loading


def test_a_structure_hook_that_raises_is_skipped_named_and_listed_in_the_report() -> None:
    bad = SimpleNamespace(soeplan_structures=hookimpl(lambda: raises(None)))
    reg = lenient(("bad", bad))
    [failure] = reg.failures
    assert (failure.plugin, failure.stage, failure.during_run) == (
        "bad",
        "soeplan_structures",
        False,
    )
    assert sorted(reg.structures) == ["municipal"]  # the core's structure still registers
    with reg.active():
        run = run_demo_without_writing()
    assert failure in run.report.meta.plugin_failures
    with pytest.raises(PluginError, match="plugin 'bad' failed in soeplan_structures"):
        Registry.build(("bad", bad), entry_points=False, strict=True)


def run_demo_without_writing() -> Any:
    from soeplan.plugins.builtin import load_core_sample
    from soeplan.run import report_from_observations

    return report_from_observations(load_core_sample(), "quzhou-14th", YEAR, synthetic=True)


def test_failures_read_in_both_languages_and_merge_across_units() -> None:
    f = PluginFailure(
        "jiangshan",
        "soeplan_rules",
        "raised KeyError: 'x'",
        Provider("jiangshan", "soeplan-jiangshan", "0.1.0"),
        kind="rule",
        record="jiangshan.entity_vanished",
        where="jiangshan 2023",
    )
    [merged] = merge_failures([f, attrs.evolve(f, where="kaihua 2023"), f])
    assert str(merged) == (
        "plugin 'jiangshan' (soeplan-jiangshan 0.1.0) failed in soeplan_rules, rule "
        "jiangshan.entity_vanished, on jiangshan 2023, kaihua 2023: raised KeyError: 'x'; left out"
    )
    assert merged.text("zh") == (
        "插件 jiangshan（soeplan-jiangshan 0.1.0）在 soeplan_rules（规则 jiangshan.entity_vanished，"
        "jiangshan 2023, kaihua 2023）出错：raised KeyError: 'x'；已略去其内容"
    )
