from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

import soeplan
from soeplan.arithmetic.precision import half_ulp
from soeplan.errors import DataFileError
from soeplan.plan.file import parse_number

BUILTIN = Path(soeplan.__file__).parent / "data" / "plans" / "quzhou-14th.toml"


def test_builtin_plan_loads_with_its_published_values() -> None:
    plan = soeplan.load_plan("quzhou-14th")
    assert plan.figure("city", "total_assets", 2015).value == Decimal("920.12")
    assert plan.figure("urban", "net_profit", 2020).value == Decimal("8.97")
    assert plan.figure("city", "debt_ratio", 2020).value == Decimal("0.5560")
    assert plan.figure("city", "rated_aa", 2020).value == 15
    assert {s.id for s in plan.scopes} == {"city", "urban"}


def test_targets_have_kind_attribute_and_stretch() -> None:
    plan = soeplan.load_plan("quzhou-14th")
    debt = plan.target("city", "debt_ratio")
    assert debt is not None and debt.kind is soeplan.TargetKind.CEILING and debt.strict
    assert debt.attribute is soeplan.Attribute.BINDING
    roe = plan.target("urban", "roe")
    assert roe is not None and roe.kind is soeplan.TargetKind.FLOOR
    assert (roe.value, roe.stretch) == (Decimal("0.022"), Decimal("0.025"))
    binding = [t for t in plan.targets if t.binding]
    assert {t.indicator for t in binding} == {"debt_ratio"}


def test_load_plan_from_path_equals_builtin() -> None:
    assert soeplan.load_plan(BUILTIN).figures == soeplan.load_plan("quzhou-14th").figures


@pytest.mark.parametrize(
    ("text", "percent", "expected"),
    [
        ("920.12", False, Decimal("920.12")),
        ("55.60%", True, Decimal("0.5560")),
        ("0", False, Decimal(0)),
        ("2.2%", True, Decimal("0.022")),
    ],
)
def test_parse_number(text: str, percent: bool, expected: Decimal) -> None:
    value = parse_number(text, percent=percent)
    assert value == expected
    assert value.as_tuple().exponent == expected.as_tuple().exponent


def test_half_ulp_follows_printed_precision() -> None:
    assert half_ulp(Decimal("8.83")) == Decimal("0.005")
    assert half_ulp(Decimal("0.5560")) == Decimal("0.00005")
    assert half_ulp(Decimal("15")) == Decimal("0.5")


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    text = BUILTIN.read_text(encoding="utf-8")
    assert old in text
    p = tmp_path / "plan.toml"
    p.write_text(text.replace(old, new, 1), encoding="utf-8")
    return p


@pytest.mark.parametrize(
    ("old", "new", "where", "says"),
    [
        (
            'indicator = "revenue"',
            'indicator = "revenu"',
            "figure[2]",
            "unknown indicator 'revenu'",
        ),
        ('"42.83"', '"42.8x"', "figure[2] (revenue).city.2015", "is not a number"),
        ("target_year = 2025", "target_year = 2019", "plan.target_year", "not after the base year"),
        (
            '"49.12%"',
            '"49.12"',
            "figure[5] (debt_ratio).city.2015",
            "must be written with a % sign",
        ),
        (
            'city = { 2015 = "468.14", 2020 = "928.12", cagr = "14.67%", total_growth = "98.25%" }',
            'city = { 2015 = "468.14", cagr = "14.67%", total_growth = "98.25%" }',
            "figure[1] (net_assets).city",
            "needs two years",
        ),
    ],
)
def test_bad_plan_file_names_key_and_fix(
    tmp_path: Path, old: str, new: str, where: str, says: str
) -> None:
    with pytest.raises(DataFileError) as info:
        soeplan.load_plan(_broken(tmp_path, old, new))
    text = info.value.render()
    assert where in text and says in text and "fix:" in text
    assert str(tmp_path / "plan.toml") in text


def test_ratio_without_components_is_refused(tmp_path: Path) -> None:
    # Drop net assets: ROE and the debt ratio can no longer be recomputed.
    text = BUILTIN.read_text(encoding="utf-8")
    start = text.index('[[figure]]\nindicator = "net_assets"')
    end = text.index("[[figure]]", start + 5)
    p = tmp_path / "plan.toml"
    p.write_text(text[:start] + text[end:], encoding="utf-8")
    with pytest.raises(DataFileError, match="its component net_assets is not"):
        soeplan.load_plan(p)


def test_unknown_plan_name_lists_known_plans() -> None:
    with pytest.raises(soeplan.UnknownNameError, match="quzhou-14th"):
        soeplan.load_plan("no-such-plan")


def test_cli_main_returns_the_code_a_command_exits_with() -> None:
    import click

    from soeplan.cli import cli, main

    @cli.command("_exit_probe", hidden=True)
    @click.pass_context
    def _probe(ctx: click.Context) -> None:
        ctx.exit(1)

    try:
        assert main(["_exit_probe"]) == 1
    finally:
        cli.commands.pop("_exit_probe")
