"""Plausible magnitudes: each indicator's range in its unit, and the unit mistakes it reveals.

The range of an amount or a count is derived from the plan when a submission is validated (the
plan is content, so the range follows whichever plan is run), and from the indicator catalogue
where the plan publishes nothing for an indicator:

- **scale** ``M``: the largest absolute value the plan publishes for the indicator (every scope
  and year of its figures, Table 1, and of its targets, Table 2, with the targets plugins register
  for the plan), or the catalogue's ``magnitude`` (``indicators.toml``) if that is larger; a
  count's scale is at least 1;
- **upper bound** ``PLAUSIBLE_FACTOR × M`` (10 ×): no enterprise, group or unit is ten times the
  size of the whole city. Beyond it a figure is an error (``core.magnitude``);
- **lower bound** ``SMALL_FACTOR × M`` (10⁻⁶ ×) for an amount that is not zero: a figure that
  small is a warning (``core.magnitude-small``), which an explanation clears;
- an indicator with no scale (a ratio, or a plugin's metric the plan and the catalogue say
  nothing about) is bounded by :data:`ABSURD` (10¹², the template's in-cell bound).

A figure is a **unit mistake** (an error naming it, ``core.magnitude``) when it is about 10⁴ or
10⁸ times what it should be (:data:`UNIT_SCALES`: 万元 or 元 typed where 亿元 is asked): about
that factor (within ``10^±NEAR``) above last year's accepted figure, or beyond the upper bound by
a factor that dividing by 10⁴ or 10⁸ brings back within it.

>>> from soeplan import load_plan
>>> r = plausible_ranges(load_plan("quzhou-14th"))["total_assets"]
>>> r.scale, r.high, r.low, r.source
(4000.0, 40000.0, 0.004, '表2 资产总额 (city, 2025)')
>>> unit_mistake(27_312_000_000, "亿元", high=r.high).wrong_unit
'元'
>>> unit_mistake(92_200, "亿元", high=r.high, prior=9.1).message_en
'looks like 万元 instead of 亿元: divide by 10^4'
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import attrs
import polars as pl

from soeplan.indicators import Indicator, Kind
from soeplan.rules import RuleContext, findings_frame
from soeplan.submissions.rule_helpers import _fmt, _values, _where, prior_values

#: The upper bound of a range, as a multiple of the indicator's scale (the plan's largest figure).
PLAUSIBLE_FACTOR = 10.0
#: The lower bound of a non-zero amount, as a multiple of its scale.
SMALL_FACTOR = 1e-6
#: The bound of any figure whose indicator has no scale (the template's in-cell bound, ±1E+12).
ABSURD = 1e12
#: How near (in powers of ten) a factor must be to 10⁴ or 10⁸ to be read as a unit mistake.
NEAR = 0.5
#: For an indicator's unit: the power of ten a figure in a smaller unit is too large by, and
#: that unit (亿元 = 10⁴ 万元 = 10⁸ 元).
UNIT_SCALES: Mapping[str, Mapping[int, str]] = {
    "亿元": {4: "万元", 8: "元"},
    "万元": {4: "元"},
    "万吨": {4: "吨"},
}


@attrs.frozen
class PlausibleRange:
    """The plausible range of an indicator's figures, in its unit: ``low <= |x| <= high`` for a
    figure that is not zero (``low`` only for amounts), and where ``scale`` comes from."""

    indicator: str
    unit: str
    scale: float
    low: float
    high: float
    source: str


@attrs.frozen
class UnitMistake:
    """A figure that looks typed in ``wrong_unit`` instead of ``unit``: divide by 10^power."""

    unit: str
    wrong_unit: str
    power: int

    @property
    def message_zh(self) -> str:
        return f"像是以{self.wrong_unit}而非{self.unit}填报：请除以 10^{self.power}"

    @property
    def message_en(self) -> str:
        return f"looks like {self.wrong_unit} instead of {self.unit}: divide by 10^{self.power}"


def _scales(plan: Any, targets: Iterable[Any]) -> dict[str, tuple[float, str]]:
    """indicator → (the largest absolute value the plan publishes, where)."""
    out: dict[str, tuple[float, str]] = {}
    items = [(f, f.scope, f.year) for f in getattr(plan, "figures", ())]
    items += [(t, t.scope, t.year) for t in targets]
    for item, scope, year in items:
        v = abs(float(item.value))
        if item.indicator not in out or v > out[item.indicator][0]:
            out[item.indicator] = (v, f"{item.source or item.indicator} ({scope}, {year})")
    return out


def plausible_ranges(
    plan: Any,
    indicators: Mapping[str, Indicator] | None = None,
    targets: Iterable[Any] | None = None,
) -> dict[str, PlausibleRange]:
    """The plausible range of every amount and count that has a scale (module docstring).

    ``indicators`` defaults to the registered catalogue, ``targets`` to the plan's own targets
    and those the plugins register for it.
    """
    from soeplan.context import current

    if indicators is None or (targets is None and plan is not None):
        reg = current()
        indicators = reg.indicators if indicators is None else indicators
        if targets is None and plan is not None:
            targets = reg.targets(plan).values()
    scales = _scales(plan, targets or ())
    out: dict[str, PlausibleRange] = {}
    for code, ind in indicators.items():
        if ind.kind is Kind.RATIO:
            continue
        scale, source = scales.get(code, (0.0, ""))
        if ind.magnitude is not None and ind.magnitude > scale:
            scale, source = float(ind.magnitude), f"indicator catalogue: magnitude of {code}"
        if ind.kind is Kind.COUNT and scale < 1:
            scale, source = 1.0, source or f"a count ({code})"
        if scale <= 0:
            continue
        low = SMALL_FACTOR * scale if ind.kind is Kind.AMOUNT else 0.0
        out[code] = PlausibleRange(code, ind.unit, scale, low, PLAUSIBLE_FACTOR * scale, source)
    return out


def ranges_of(ctx: RuleContext) -> dict[str, PlausibleRange]:
    """The ranges a rule uses: ``options["plausible"]`` (set by validation), else derived from
    the plan, with ``options["targets"]`` or else the plan's and the plugins' targets."""
    given = ctx.options.get("plausible")
    if given is not None:
        return dict(given)
    return plausible_ranges(ctx.plan, ctx.indicators, ctx.options.get("targets"))


def unit_mistake(
    value: float, unit: str, *, high: float | None = None, prior: float | None = None
) -> UnitMistake | None:
    """The unit mistake ``value`` shows, if any: about 10⁴ or 10⁸ times last year's ``prior``
    (same sign), or beyond ``high`` by a factor that dividing by 10⁴ or 10⁸ brings back within."""
    scales = UNIT_SCALES.get(unit, {})
    if not scales or not math.isfinite(value) or value == 0:
        return None
    if prior is not None and prior != 0 and math.isfinite(prior) and value / prior > 0:
        ratio = math.log10(value / prior)
        for power, wrong in scales.items():
            if abs(ratio - power) <= NEAR:
                return UnitMistake(unit, wrong, power)
    if high is not None and abs(value) > high:
        fits = [p for p in scales if abs(value) / 10**p <= high]
        if fits:
            if prior is not None and prior != 0 and math.isfinite(prior):
                best = min(fits, key=lambda p: abs(math.log10(abs(value) / 10**p / abs(prior))))
            else:
                best = min(fits)
            return UnitMistake(unit, scales[best], best)
    return None


def _bound_text(r: PlausibleRange | None, unit: str) -> str:
    if r is None:
        return f"|x| <= {_fmt(ABSURD)} {unit}"
    return f"|x| <= {_fmt(r.high)} {unit}（{PLAUSIBLE_FACTOR:g} × {_fmt(r.scale)}, {r.source}）"


def check_magnitude(ctx: RuleContext) -> pl.DataFrame:
    """Every figure within its plausible range; a figure about 10⁴ or 10⁸ times too large (from
    the range or from last year's accepted figure) names the unit mistake (元 or 万元 for 亿元)."""
    ranges = ranges_of(ctx)
    prior = prior_values(ctx)
    rows = []
    for r in _values(ctx).iter_rows(named=True):
        v, code = r["value"], r["indicator"]
        ind: Indicator | None = ctx.indicators.get(code)
        if ind is None or not math.isfinite(v):
            continue
        rng = ranges.get(code)
        high = rng.high if rng is not None else ABSURD
        p = prior.get((r["entity"], code)) if ind.kind is Kind.AMOUNT else None
        mistake = unit_mistake(v, ind.unit, high=high, prior=p) if ind.kind is Kind.AMOUNT else None
        if mistake is None and abs(v) <= high:
            continue
        if mistake is not None:
            right = _fmt(v / 10**mistake.power)
            zh = f"{ind.name_zh} {_fmt(v)} {mistake.message_zh}（= {right} {ind.unit}）"
            en = f"{ind.name_en} {_fmt(v)} {mistake.message_en} (= {right} {ind.unit})"
            fix = f"按{ind.unit}填报：{right} / enter it in {ind.unit} ({ind.unit_en}): {right}"
        else:
            orders = math.floor(math.log10(abs(v) / high))
            by_zh = f" {orders} 个数量级" if orders >= 1 else ""
            by_en = f" by {orders} order{'s' if orders > 1 else ''} of magnitude" if orders else ""
            zh = f"{ind.name_zh} {_fmt(v)} 超出合理范围{by_zh}"
            en = f"{ind.name_en} {_fmt(v)} is beyond the plausible range{by_en}"
            fix = f"核对数字和单位（{ind.unit}）/ check the figure and its unit ({ind.unit_en})"
        expected = (
            f"≈ {_fmt(p)} {ind.unit}（上年 / last year）"
            if mistake is not None and p is not None and abs(v) <= high
            else _bound_text(rng, ind.unit)
        )
        rows.append(
            {
                **_where(r),
                "expected": expected,
                "found": _fmt(v),
                "message_zh": zh,
                "message_en": en,
                "fix": fix,
            }
        )
    return findings_frame(rows)


def check_magnitude_small(ctx: RuleContext) -> pl.DataFrame:
    """An amount that is not zero but below its range's lower bound (10⁻⁶ of the plan's scale):
    a warning, since it more likely is a figure divided twice than a real one."""
    ranges = ranges_of(ctx)
    rows = []
    for r in _values(ctx).iter_rows(named=True):
        v, code = r["value"], r["indicator"]
        rng = ranges.get(code)
        ind: Indicator | None = ctx.indicators.get(code)
        if ind is None or rng is None or ind.kind is not Kind.AMOUNT or not math.isfinite(v):
            continue
        if v == 0 or abs(v) >= rng.low:
            continue
        rows.append(
            {
                **_where(r),
                "expected": f"0, or |x| >= {_fmt(rng.low)} {ind.unit}（{_fmt(rng.scale)} × "
                f"{SMALL_FACTOR:g}, {rng.source}）",
                "found": _fmt(v),
                "message_zh": f"{ind.name_zh} {_fmt(v)} {ind.unit} 小得不合常理",
                "message_en": f"{ind.name_en} {_fmt(v)} {ind.unit} is implausibly small",
                "fix": f"核对单位（{ind.unit}），确认无误请在“说明”列写明 / check the unit "
                f"({ind.unit_en}); if it is right, say so in the Explanation column",
            }
        )
    return findings_frame(rows)


def implausible_figures(frame: pl.DataFrame, ranges: Mapping[str, PlausibleRange]) -> pl.DataFrame:
    """The rows of a long frame (``entity, year, indicator, value``) whose value is not finite or
    beyond its indicator's plausible range (:data:`ABSURD` for an indicator without one), with
    the bound as ``high``: what a rollup of figures that were never validated refuses."""
    bounds = pl.DataFrame(
        {"indicator": list(ranges), "high": [r.high for r in ranges.values()]},
        schema={"indicator": pl.String, "high": pl.Float64},
    )
    value = pl.col("value").cast(pl.Float64)
    return (
        frame.join(bounds, on="indicator", how="left")
        .with_columns(pl.col("high").fill_null(ABSURD))
        .filter(value.is_not_null() & (~value.is_finite() | (value.abs() > pl.col("high"))))
    )
