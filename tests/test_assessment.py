from __future__ import annotations

import math

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from soeplan import (
    AssessmentError,
    BoundStatus,
    MidTerm,
    Status,
    TargetKind,
    Verdict,
    assess_bound,
    assess_progress,
)

# ----------------------------------------------------------------------------- worked examples


def test_city_total_assets_moderate_and_lagging() -> None:
    p = assess_progress(2090.49, 2020, 2900.0, 2023, 4000.0, 2025)
    assert p.method == "compound"
    assert p.actual_rate == pytest.approx((2900 / 2090.49) ** (1 / 3) - 1)
    assert p.required_rate == pytest.approx((4000 / 2090.49) ** (1 / 5) - 1)
    assert p.ratio == pytest.approx(p.actual_rate / p.required_rate)  # type: ignore[operator]
    assert p.ratio == pytest.approx(0.8319, abs=1e-4)
    assert p.status is Status.MODERATE
    assert p.time_share == pytest.approx(0.6)
    assert p.completion_share == pytest.approx((2900 - 2090.49) / (4000 - 2090.49))
    assert p.category is MidTerm.LAGGING  # 42.4 % of the distance in 60 % of the time
    assert p.projection == pytest.approx(2900 * (1 + p.actual_rate) ** 2)  # type: ignore[operator]
    assert p.gap == pytest.approx(4000 - p.projection)  # type: ignore[operator]
    assert p.required_rate_remaining == pytest.approx((4000 / 2900) ** 0.5 - 1)


def test_on_the_compound_path_is_on_track_but_lagging_by_the_share_of_distance() -> None:
    """The two readings differ: a compound path covers less than 60 % of the distance by 2023."""
    on_path = 2090.49 * (4000 / 2090.49) ** (3 / 5)
    p = assess_progress(2090.49, 2020, on_path, 2023, 4000.0, 2025)
    assert p.ratio == pytest.approx(1.0)
    assert p.status is Status.ON_TRACK
    assert p.completion_share == pytest.approx(0.5211, abs=1e-4)
    assert p.category is MidTerm.LAGGING


@pytest.mark.parametrize(
    ("current", "status"),
    [
        (4100.0, Status.ACHIEVED),
        (4000.0, Status.ACHIEVED),  # reaching the target counts
        (3200.0, Status.ON_TRACK),
        (2700.0, Status.MODERATE),
        (2300.0, Status.INSUFFICIENT),
        (2090.49, Status.INSUFFICIENT),  # no growth: ratio 0
        (2000.0, Status.MOVING_AWAY),
    ],
)
def test_status_bands(current: float, status: Status) -> None:
    assert assess_progress(2090.49, 2020, current, 2023, 4000.0, 2025).status is status


def test_achieved_is_checked_before_any_ratio() -> None:
    # Base already past the target and still there: achieved, whatever the ratio says.
    p = assess_progress(0.2514, 2020, 0.2600, 2023, 0.25, 2025, method="linear")
    assert p.status is Status.ACHIEVED and p.category is MidTerm.AHEAD
    # Statistics Canada's R = d·actual/|required| is defined past the target too (by hand:
    # actual (0.2600 − 0.2514)/3 = 0.0028667 a year, required (0.25 − 0.2514)/5 = −0.00028).
    assert p.ratio == pytest.approx((0.0086 / 3) / 0.00028, rel=1e-9)
    assert p.completion_share is None
    final = assess_progress(100.0, 2020, 210.0, 2025, 200.0, 2025)
    assert final.status is Status.ACHIEVED and final.category is MidTerm.ACHIEVED
    assert final.projection == 210.0 and final.required_rate_remaining is None


def test_base_past_the_target_then_falling_below_is_moving_away() -> None:
    # Urban net margin: 19.49 % in 2020 against a 2025 target of 18.33 %.
    p = assess_progress(0.1949, 2020, 0.1800, 2023, 0.1833, 2025, method="linear")
    assert p.status is Status.MOVING_AWAY
    assert p.category is MidTerm.LAGGING
    # R = d·actual/|required| by hand: actual (0.1800 − 0.1949)/3 = −0.0049667 a year,
    # required (0.1833 − 0.1949)/5 = −0.00232 a year, d = +1: R = −2.1408 (moving away).
    assert p.ratio == pytest.approx(-0.0149 / 3 / 0.00232, rel=1e-9)
    assert p.ratio < 0 and p.verdict is Verdict.OFF_TRACK
    assert p.completion_share is None


def test_lower_is_better() -> None:
    p = assess_progress(100.0, 2020, 88.0, 2023, 80.0, 2025, higher_is_better=False)
    assert p.method == "compound"
    assert p.required_rate is not None and p.required_rate < 0
    assert p.ratio == pytest.approx(((0.88) ** (1 / 3) - 1) / ((0.8) ** (1 / 5) - 1))
    assert p.status is Status.ON_TRACK
    assert p.category is MidTerm.AS_EXPECTED  # 60 % of the distance in 60 % of the time
    worse = assess_progress(100.0, 2020, 105.0, 2023, 80.0, 2025, higher_is_better=False)
    assert worse.status is Status.MOVING_AWAY and worse.ratio is not None and worse.ratio < 0
    done = assess_progress(100.0, 2020, 79.0, 2023, 80.0, 2025, higher_is_better=False)
    assert done.status is Status.ACHIEVED


def test_sign_change_is_assessed_on_a_straight_line() -> None:
    # A loss turning into a profit: a growth rate means nothing here.
    p = assess_progress(-2.0, 2020, 1.0, 2023, 3.0, 2025)
    assert p.method == "linear"
    assert p.actual_rate == pytest.approx(1.0)  # +1.0 a year
    assert p.required_rate == pytest.approx(1.0)
    assert p.ratio == pytest.approx(1.0) and p.status is Status.ON_TRACK
    assert p.projection == pytest.approx(3.0) and p.gap == pytest.approx(0.0)
    zero_base = assess_progress(0.0, 2020, 1.0, 2023, 2.0, 2025)
    assert zero_base.method == "linear"
    assert zero_base.ratio == pytest.approx((1 / 3) / (2 / 5))


def test_all_negative_values_compound_on_their_magnitudes() -> None:
    # A loss of 10 to be cut to 2: higher (less negative) is better.
    p = assess_progress(-10.0, 2020, -5.0, 2023, -2.0, 2025)
    assert p.method == "compound"
    assert p.ratio == pytest.approx((0.5 ** (1 / 3) - 1) / (0.2 ** (1 / 5) - 1))
    assert p.projection is not None and p.projection < 0


def test_ratio_indicators_can_be_forced_linear() -> None:
    p = assess_progress(0.2024, 2020, 0.2150, 2023, 0.2250, 2025, method="linear")
    assert p.method == "linear"
    assert p.actual_rate == pytest.approx((0.2150 - 0.2024) / 3)
    assert p.ratio == pytest.approx((0.2150 - 0.2024) * 5 / ((0.2250 - 0.2024) * 3))


@pytest.mark.parametrize(
    ("current", "category"),
    [
        (70.0, MidTerm.FASTER),  # 70 % of the distance in 60 % of the time: pace 1.17
        (63.0, MidTerm.AS_EXPECTED),  # pace 1.05
        (56.0, MidTerm.AS_EXPECTED),  # pace 0.93
        (50.0, MidTerm.LAGGING),  # pace 0.83
        (100.0, MidTerm.AHEAD),
    ],
)
def test_midterm_categories(current: float, category: MidTerm) -> None:
    p = assess_progress(0.0, 2020, current, 2023, 100.0, 2025)
    assert p.category is category


def test_tolerance_is_a_parameter() -> None:
    assert assess_progress(0.0, 2020, 50.0, 2023, 100.0, 2025).category is MidTerm.LAGGING
    wide = assess_progress(0.0, 2020, 50.0, 2023, 100.0, 2025, tolerance=0.2)
    assert wide.category is MidTerm.AS_EXPECTED


def test_labels_are_bilingual() -> None:
    assert Status.ON_TRACK.label("zh") == "进展顺利" and Status.ON_TRACK.label("en") == "on track"
    assert MidTerm.AS_EXPECTED.zh == "基本符合预期" and MidTerm.AHEAD.zh == "提前实现"
    assert MidTerm.FASTER.zh == "快于预期" and MidTerm.LAGGING.zh == "滞后"
    for enum in (Status, MidTerm, BoundStatus, Verdict):
        for member in enum:
            assert member.zh and member.en and member.zh != member.en


@pytest.mark.parametrize(
    ("args", "says"),
    [
        ((100.0, 2020, 120.0, 2020, 200.0, 2025), "not after the base year"),
        ((100.0, 2020, 120.0, 2019, 200.0, 2025), "not after the base year"),
        ((100.0, 2020, 120.0, 2023, 200.0, 2020), "target year 2020 is not after"),
        ((100.0, 2020, math.nan, 2023, 200.0, 2025), "current must be"),
    ],
)
def test_bad_input_is_an_error_for_people(args: tuple[float, ...], says: str) -> None:
    with pytest.raises(AssessmentError, match=says):
        assess_progress(*args)  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- bounds


def test_debt_ceiling_trending_to_a_breach() -> None:
    a = assess_bound(0.5560, 2020, 0.6200, 2023, 0.65, 2025, TargetKind.CEILING, strict=True)
    assert a.complies and a.trending_to_breach
    assert a.status is BoundStatus.AT_RISK
    assert a.headroom == pytest.approx(0.03)
    assert a.annual_change == pytest.approx((0.62 - 0.556) / 3)
    assert a.projection == pytest.approx(0.62 + 2 * (0.62 - 0.556) / 3)
    assert a.gap == pytest.approx(a.projection - 0.65)


def test_debt_ceiling_is_strict() -> None:
    at = assess_bound(0.5560, 2020, 0.65, 2023, 0.65, 2025, "ceiling", strict=True)
    assert not at.complies and at.status is BoundStatus.NOT_MET and at.headroom == 0
    loose = assess_bound(0.66, 2020, 0.65, 2023, 0.65, 2025, "ceiling")
    assert loose.complies and loose.status is BoundStatus.MET


def test_floor_with_a_stretch_level_is_a_second_tier() -> None:
    # Urban ROE: 不低于 2.2 %，力争 2.5 %.
    args = (0.0164, 2020)
    met = assess_bound(*args, 0.0230, 2023, 0.022, 2025, "floor", stretch=0.025)
    assert met.status is BoundStatus.MET and met.meets_stretch is False
    stretch = assess_bound(*args, 0.0260, 2023, 0.022, 2025, "floor", stretch=0.025)
    assert stretch.status is BoundStatus.STRETCH_MET and stretch.meets_stretch is True
    below = assess_bound(*args, 0.0200, 2023, 0.022, 2025, "floor", stretch=0.025)
    assert below.status is BoundStatus.NOT_MET and below.headroom == pytest.approx(-0.002)
    assert below.projection > 0.022  # below now, but recovering on its trend
    falling = assess_bound(0.0300, 2020, 0.0240, 2023, 0.022, 2025, "floor")
    assert falling.status is BoundStatus.AT_RISK and falling.meets_stretch is None


def test_assess_bound_refuses_a_level() -> None:
    with pytest.raises(AssessmentError, match="assess_progress"):
        assess_bound(1.0, 2020, 2.0, 2023, 3.0, 2025, "level")


# ----------------------------------------------------------------------------- properties

values = st.integers(min_value=-10_000, max_value=10_000).map(float)
year_triples = st.tuples(
    st.integers(min_value=2000, max_value=2030),
    st.integers(min_value=1, max_value=10),
    st.integers(min_value=1, max_value=12),
).map(lambda t: (t[0], t[0] + t[1], t[0] + t[2]))
methods = st.sampled_from(["compound", "linear"])


@given(b=values, c=values, t=values, years=year_triples, higher=st.booleans(), method=methods)
def test_negating_the_series_and_flipping_the_direction_gives_the_same_status(
    b: float,
    c: float,
    t: float,
    years: tuple[int, int, int],
    higher: bool,
    method: str,
) -> None:
    y0, yc, yt = years
    p = assess_progress(b, y0, c, yc, t, yt, higher, method=method)
    q = assess_progress(-b, y0, -c, yc, -t, yt, not higher, method=method)
    assert (q.status, q.category, q.method) == (p.status, p.category, p.method)
    assert q.ratio == p.ratio
    assert q.gap == (None if p.gap is None else pytest.approx(p.gap))


@given(b=values, c=values, t=values, years=year_triples, higher=st.booleans(), method=methods)
def test_the_status_does_not_depend_on_the_unit(
    b: float,
    c: float,
    t: float,
    years: tuple[int, int, int],
    higher: bool,
    method: str,
) -> None:
    """亿元 or 万元: scaling every value by 10 000 changes nothing but the amounts."""
    y0, yc, yt = years
    p = assess_progress(b, y0, c, yc, t, yt, higher, method=method)
    q = assess_progress(b * 10_000, y0, c * 10_000, yc, t * 10_000, yt, higher, method=method)
    assert (q.status, q.category, q.method) == (p.status, p.category, p.method)
    assert q.ratio == (None if p.ratio is None else pytest.approx(p.ratio))


@given(
    b=st.integers(min_value=1, max_value=10_000).map(float),
    t=st.integers(min_value=1, max_value=10_000).map(float),
    years=year_triples,
)
def test_on_the_required_path_is_on_track(b: float, t: float, years: tuple[int, int, int]) -> None:
    y0, yc, yt = years
    assume(b != t and yc < yt)
    higher = t > b
    required = assess_progress(b, y0, b, yc, t, yt, higher).required_rate
    assert required is not None
    on_path = b * (1 + required) ** (yc - y0)
    p = assess_progress(b, y0, on_path, yc, t, yt, higher)
    assert p.status in (Status.ON_TRACK, Status.ACHIEVED)
    assert p.ratio == pytest.approx(1.0)
