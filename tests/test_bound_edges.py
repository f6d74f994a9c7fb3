"""The edges of ceiling and floor assessment (``assess_bound``) that a mutation run left open.

Values are chosen exact in binary (0.5, 0.625, 0.75) so that "exactly at the bound" is exact.
"""

from __future__ import annotations

import math

import attrs
import pytest

from soeplan import AssessmentError, BoundStatus, Status, TargetKind, assess_bound


def test_the_record_carries_its_inputs() -> None:
    a = assess_bound(0.5, 2021, 0.625, 2023, 0.875, 2026, "ceiling", strict=True, stretch=0.6)
    fields = attrs.asdict(a, recurse=False)
    assert {k: fields[k] for k in ("bound", "strict", "stretch", "base", "current")} == {
        "bound": 0.875,
        "strict": True,
        "stretch": 0.6,
        "base": 0.5,
        "current": 0.625,
    }
    assert (a.kind, a.base_year, a.current_year, a.target_year) == (
        TargetKind.CEILING,
        2021,
        2023,
        2026,
    )
    assert assess_bound(0.5, 2021, 0.625, 2023, 0.875, 2026, "ceiling").stretch is None


@pytest.mark.parametrize(
    ("kind", "strict", "complies"),
    [
        ("ceiling", False, True),  # 不超过: at the bound is inside
        ("ceiling", True, False),  # 低于: at the bound is a breach
        ("floor", False, True),  # 不低于
        ("floor", True, False),  # 高于
    ],
)
def test_a_value_exactly_at_the_bound(kind: str, strict: bool, complies: bool) -> None:
    a = assess_bound(0.75, 2020, 0.75, 2023, 0.75, 2025, kind, strict=strict)
    assert a.complies is complies
    assert a.status is (BoundStatus.MET if complies else BoundStatus.NOT_MET)


@pytest.mark.parametrize(("strict", "status"), [(False, BoundStatus.MET), (True, "at_risk")])
def test_a_projection_exactly_at_a_strict_ceiling_is_a_breach(
    strict: bool, status: BoundStatus | str
) -> None:
    """0.5 in 2021, 0.625 in 2023: +0.0625 a year reaches 0.75 in 2025, exactly the bound."""
    a = assess_bound(0.5, 2021, 0.625, 2023, 0.75, 2025, "ceiling", strict=strict)
    assert a.projection == 0.75
    assert a.status is BoundStatus(status)
    assert a.trending_to_breach is strict


def test_a_breach_that_is_improving_is_not_trending_to_breach() -> None:
    """Above the ceiling now and coming down: not met, and not "trending to a breach"."""
    a = assess_bound(0.875, 2021, 0.8125, 2023, 0.75, 2025, "ceiling")
    assert (a.complies, a.trending_to_breach, a.status) == (False, False, BoundStatus.NOT_MET)


def test_a_ceilings_stretch_level_is_met_at_or_below_it() -> None:
    at = assess_bound(0.625, 2021, 0.625, 2023, 0.75, 2025, "ceiling", strict=True, stretch=0.625)
    above = assess_bound(0.6875, 2021, 0.6875, 2023, 0.75, 2025, "ceiling", stretch=0.625)
    assert (at.meets_stretch, at.status) == (True, BoundStatus.STRETCH_MET)
    assert (above.meets_stretch, above.status) == (False, BoundStatus.MET)


def test_a_stretch_exactly_reached_counts_even_when_the_bound_is_strict() -> None:
    """力争 is "at least": a floor's stretch level is met at the level, strict bound or not."""
    a = assess_bound(0.5, 2021, 0.75, 2023, 0.625, 2025, "floor", strict=True, stretch=0.75)
    assert a.meets_stretch is True


def test_a_base_exactly_at_a_strict_floor_gets_a_path() -> None:
    """高于 0.625 with a base of exactly 0.625: the base did not respect it, so a path is given."""
    a = assess_bound(0.625, 2021, 0.6875, 2023, 0.625, 2025, "floor", strict=True)
    assert a.path is not None
    assert assess_bound(0.625, 2021, 0.6875, 2023, 0.625, 2025, "floor").path is None


def test_a_ceiling_respected_from_the_start_has_no_path() -> None:
    assert assess_bound(0.5, 2021, 0.625, 2023, 0.75, 2025, "ceiling").path is None


def test_a_ceiling_approached_from_above_is_a_path_downward() -> None:
    """0.875 in 2021 to 0.8125 in 2023 is -0.03125 a year: on that line 0.75 is reached in 2025,
    the target year, so the path is on track (ratio 1), lower being better."""
    a = assess_bound(0.875, 2021, 0.8125, 2023, 0.75, 2025, "ceiling")
    assert a.path is not None
    assert a.path.higher_is_better is False
    assert a.path.ratio == pytest.approx(1.0)
    assert a.path.status is Status.ON_TRACK


@pytest.mark.parametrize("which", ["base", "current", "bound"])
def test_a_value_that_is_not_finite_is_named(which: str) -> None:
    args = {"base": 0.5, "current": 0.625, "bound": 0.75}
    args[which] = math.nan
    with pytest.raises(AssessmentError, match=f"^{which} must be finite"):
        assess_bound(args["base"], 2021, args["current"], 2023, args["bound"], 2025, "ceiling")
