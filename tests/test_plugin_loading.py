"""Plugin discovery and loading against fake installed distributions (no pip involved)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from soeplan.errors import PluginError
from soeplan.plugins.host import make_host
from soeplan.plugins.registry import build_registry, get_registry
from soeplan.testing import fake_distribution, installed

GOOD = """
from soeplan import hookimpl, Indicator, Text, ReportSection, SectionContent, Rule, Severity
from soeplan.indicators import Aggregation, Category, Kind
from soeplan.rules import empty_findings


@hookimpl
def soeplan_indicators():
    return [
        Indicator(code="{code}", name_zh="甲指标", name_en="Metric A", category=Category.LOCAL,
                  unit="吨", kind=Kind.AMOUNT, aggregation=Aggregation.NONE),
    ]


@hookimpl
def soeplan_rules():
    return [Rule(id="{code}.rule", severity=Severity.HINT, description_zh="规则",
                 description_en="rule", check=lambda ctx: empty_findings())]
"""

RAISES_ON_IMPORT = "raise RuntimeError('broken on purpose')\n"

BAD_RECORDS = """
from soeplan import hookimpl


@hookimpl
def soeplan_indicators():
    return ["not an indicator"]
"""

HOOK_RAISES = """
from soeplan import hookimpl


@hookimpl
def soeplan_rules():
    raise ValueError("no rules today")
"""

TYPO_HOOK = """
from soeplan import hookimpl


@hookimpl
def soeplan_indicator():
    return []
"""


def dist(tmp_path: Path, name: str, module: str, source: str, **fmt: str) -> Path:
    return fake_distribution(
        tmp_path / name,
        f"soeplan-{name}",
        "1.0",
        entry_points={name: module},
        files={f"{module}.py": textwrap.dedent(source.format(**fmt) if fmt else source)},
    )


def test_good_plugin_is_found_stamped_and_listed(tmp_path: Path) -> None:
    root = dist(tmp_path, "alpha", "fake_alpha", GOOD, code="alpha_tonnes")
    with installed(root):
        reg = get_registry()
        ind = reg.indicators["alpha_tonnes"]
        assert ind.provider is not None
        assert (ind.provider.plugin, ind.provider.distribution, ind.provider.version) == (
            "alpha",
            "soeplan-alpha",
            "1.0",
        )
        assert reg.rules["alpha_tonnes.rule"].provider.plugin == "alpha"
        info = {p.name: p for p in reg.plugins()}
        assert info["alpha"].hooks == ("soeplan_indicators", "soeplan_rules")
        assert info["alpha"].registered["indicators"] == ("alpha_tonnes",)
        assert info["core"].distribution == "soeplan"
    assert "alpha_tonnes" not in get_registry().indicators  # gone with the distribution


@pytest.mark.parametrize(
    ("code", "stage", "says"),
    [
        (RAISES_ON_IMPORT, "import", "RuntimeError: broken on purpose"),
        (BAD_RECORDS, "soeplan_indicators", "record 0 is a str, expected Indicator"),
        (HOOK_RAISES, "soeplan_rules", "ValueError: no rules today"),
        (TYPO_HOOK, "register", "did you mean soeplan_indicators?"),
    ],
)
def test_broken_plugin_is_reported_by_name_and_skipped(
    tmp_path: Path, code: str, stage: str, says: str
) -> None:
    good = dist(tmp_path, "alpha", "fake_alpha", GOOD, code="alpha_tonnes")
    bad = dist(tmp_path, "broken", "fake_broken", code)
    with installed(good, bad):
        reg = build_registry(make_host(strict=False))
        assert "alpha_tonnes" in reg.indicators  # the good one still loads
        assert "total_assets" in reg.indicators  # and so does the core
        [failure] = reg.failures
        assert (failure.plugin, failure.stage) == ("broken", stage)
        assert says in failure.reason
        with pytest.raises(
            PluginError, match=r"(?s)'broken' \(soeplan-broken 1.0\) failed in.*strict plugin mode"
        ):
            build_registry(make_host(strict=True))


def test_strict_mode_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = dist(tmp_path, "broken", "fake_broken", RAISES_ON_IMPORT)
    monkeypatch.setenv("SOEPLAN_STRICT_PLUGINS", "1")
    with installed(bad), pytest.raises(PluginError, match="broken on purpose"):
        get_registry()


def test_pin_loads_only_named_plugins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a = dist(tmp_path, "alpha", "fake_alpha", GOOD, code="alpha_tonnes")
    b = dist(tmp_path, "beta", "fake_beta", GOOD, code="beta_tonnes")
    bad = dist(tmp_path, "broken", "fake_broken", RAISES_ON_IMPORT)
    monkeypatch.setenv("SOEPLAN_PLUGINS", "beta, gamma")
    with installed(a, b, bad):
        reg = build_registry(make_host(strict=False))
        assert "beta_tonnes" in reg.indicators
        assert "alpha_tonnes" not in reg.indicators
        # the broken one is never imported; the pinned but missing one is reported
        assert [(f.plugin, f.stage) for f in reg.failures] == [("gamma", "pin")]
    monkeypatch.setenv("SOEPLAN_PLUGINS", "")
    with installed(a, b):
        assert build_registry(make_host()).host.plugin_names() == ["core"]


def test_duplicate_ids_are_refused_naming_both_providers(tmp_path: Path) -> None:
    a = dist(tmp_path, "alpha", "fake_alpha", GOOD, code="same_code")
    b = dist(tmp_path, "beta", "fake_beta", GOOD, code="same_code")
    with installed(a, b), pytest.raises(PluginError) as err:
        build_registry(make_host(strict=False))
    assert "alpha (soeplan-alpha 1.0)" in str(err.value)
    assert "beta (soeplan-beta 1.0)" in str(err.value)


def test_a_plugin_cannot_redefine_a_core_indicator(tmp_path: Path) -> None:
    a = dist(tmp_path, "alpha", "fake_alpha", GOOD, code="total_assets")
    with installed(a), pytest.raises(PluginError, match=r"core \(soeplan"):
        build_registry(make_host(strict=False))


@given(st.permutations(["alpha", "beta", "gamma", "delta"]))
def test_registration_order_never_shows(order: list[str]) -> None:
    import types

    from soeplan import Indicator, hookimpl
    from soeplan.indicators import Aggregation, Category, Kind

    def plugin(name: str) -> types.SimpleNamespace:
        @hookimpl
        def soeplan_indicators() -> list[Indicator]:
            return [
                Indicator(
                    code=f"{name}_x",
                    name_zh="某",
                    name_en="x",
                    category=Category.LOCAL,
                    unit="吨",
                    kind=Kind.AMOUNT,
                    aggregation=Aggregation.SUM,
                )
            ]

        return types.SimpleNamespace(soeplan_indicators=soeplan_indicators)

    reg = build_registry(make_host(load_entry_points=False, extra=[(n, plugin(n)) for n in order]))
    codes = list(reg.indicators)
    assert codes == sorted(codes)
    assert [c for c in codes if c.endswith("_x")] == [f"{n}_x" for n in sorted(order)]


def _ns(**hooks: object) -> object:
    import types

    return types.SimpleNamespace(**hooks)


def test_load_observations_first_valid_answer_wins_and_bad_answers_are_reported() -> None:
    import polars as pl

    from soeplan import hookimpl

    frame = pl.DataFrame(
        {"unit": ["x"], "entity": ["x.a"], "year": [2023], "indicator": ["revenue"], "value": [1.0]}
    )

    @hookimpl
    def declines(unit: str, source: str) -> None:
        return None

    @hookimpl
    def wrong(unit: str) -> object:
        return {"not": "a frame"}

    @hookimpl
    def answers(unit: str, year: int, source: str) -> pl.DataFrame | None:
        return frame if source.endswith(".x") else None

    host = make_host(
        strict=False,
        load_entry_points=False,
        extra=[
            ("a_declines", _ns(soeplan_load_observations=declines)),
            ("b_wrong", _ns(soeplan_load_observations=wrong)),
            ("c_answers", _ns(soeplan_load_observations=answers)),
        ],
    )
    reg = build_registry(host)
    got = reg.load_observations("x", 2023, "data.x")
    assert got is not None and got.equals(frame)
    assert [(f.plugin, f.stage) for f in reg.failures] == [("b_wrong", "soeplan_load_observations")]
    assert "expected a polars DataFrame" in reg.failures[0].reason
    with pytest.raises(PluginError, match="b_wrong"):
        build_registry(
            make_host(
                strict=True,
                load_entry_points=False,
                extra=[("b_wrong", _ns(soeplan_load_observations=wrong))],
            )
        ).load_observations("x", 2023, "y")


def test_targets_merge_plan_and_plugin_targets_and_refuse_clashes() -> None:
    from decimal import Decimal

    from soeplan import Target, TargetKind, hookimpl, load_plan

    plan = load_plan("quzhou-14th")

    @hookimpl
    def own(plan: object) -> list[Target]:
        return [
            Target(
                scope="qujiang",
                indicator="rated_aa",
                year=2025,
                kind=TargetKind.LEVEL,
                value=Decimal(5),
            )
        ]

    @hookimpl
    def clash(plan: object) -> list[Target]:
        debt = next(t for t in load_plan("quzhou-14th").targets if t.indicator == "debt_ratio")
        return [debt]

    reg = build_registry(
        make_host(load_entry_points=False, extra=[("q", _ns(soeplan_targets=own))])
    )
    merged = reg.targets(plan)
    assert len(merged) == len(plan.targets) + 1
    added = merged["quzhou-14th:qujiang:rated_aa:2025"]
    assert added.plan == "quzhou-14th" and added.provider is not None
    assert added.provider.plugin == "q"
    assert list(merged) == sorted(merged)
    reg2 = build_registry(
        make_host(load_entry_points=False, extra=[("c", _ns(soeplan_targets=clash))])
    )
    with pytest.raises(PluginError, match=r"debt_ratio.*core.*c"):
        reg2.targets(plan)
