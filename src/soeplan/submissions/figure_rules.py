"""The core's rules on what a submission's figures say together.

Ratio identities within the inputs' precision, plausibility (net above total profit), the debt
ratio's range, changes against last year, completeness, group totals and the plan's binding
targets. The rules on each cell and row as filed are in :mod:`soeplan.submissions.cell_rules`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import polars as pl

from soeplan.indicators import Aggregation, Kind
from soeplan.rules import RuleContext, empty_findings, findings_frame
from soeplan.submissions.magnitude import ABSURD, ranges_of, unit_mistake
from soeplan.submissions.rule_helpers import (
    _fmt,
    _label,
    _pct,
    _where,
    _wide,
    _written_half_ulp,
    prior_values,
)

#: The share of change against last year's accepted figure beyond which a value needs an
#: explanation (``RuleContext.options["jump_share"]``).
DEFAULT_JUMP_SHARE = 0.5


def _ratio_bounds(f: Any, n: float, hn: float, d: float, hd: float) -> tuple[float, float] | None:
    """Range of a ratio over inputs known to ± their half-ulp; ``None`` when the denominator's
    band reaches zero (then the ratio is unbounded)."""
    if d - hd <= 0 <= d + hd:
        return None
    vals = [f.apply(nn, dd) for nn in (n - hn, n + hn) for dd in (d - hd, d + hd)]
    return min(vals), max(vals)


def check_ratio_identities(ctx: RuleContext) -> pl.DataFrame:
    """A submitted ratio equals its recomputation from the submitted components, within the
    precision of the inputs (each number is known to half a unit in its last written place)."""
    rows = []
    wide = _wide(ctx)
    for _ent, vals in wide.items():
        for code, r in vals.items():
            ind = ctx.indicators.get(code)
            if ind is None or ind.formula is None or ind.formula.denominator_average:
                continue
            f = ind.formula
            if f.numerator not in vals or f.denominator not in vals:
                continue
            n, d = vals[f.numerator]["value"], vals[f.denominator]["value"]
            b = _ratio_bounds(f, n, _written_half_ulp(n), d, _written_half_ulp(d))
            if b is None:
                continue
            s = r["value"]
            hs = _written_half_ulp(s)
            if s + hs < b[0] or s - hs > b[1]:
                rows.append(
                    {
                        **_where(r),
                        "expected": f"{_pct(f.apply(n, d))} ({f.describe()})",
                        "found": _pct(s),
                        "message_zh": f"{ind.name_zh} 与按填报数重算的结果不符",
                        "message_en": f"{ind.name_en} does not match its recomputation "
                        "from the submitted components",
                        "fix": "比率由系统计算，可删除该比率；否则核对分子分母 / ratios are recomputed: "
                        "leave the ratio out, or correct its components",
                    }
                )
    return findings_frame(rows)


def check_profit_plausible(ctx: RuleContext) -> pl.DataFrame:
    """Net profit above total profit is possible (negative income tax) but worth a look."""
    rows = []
    for _ent, vals in _wide(ctx).items():
        if "net_profit" in vals and "total_profit" in vals:
            npf, tp = vals["net_profit"], vals["total_profit"]
            if npf["value"] > tp["value"]:
                rows.append(
                    {
                        **_where(npf),
                        "expected": f"<= {_fmt(tp['value'])}（利润总额 / total profit）",
                        "found": _fmt(npf["value"]),
                        "message_zh": "净利润高于利润总额（所得税为负？）",
                        "message_en": "net profit exceeds total profit (negative income tax?)",
                        "fix": "核对后在“说明”列写明原因 / check it, and explain it in the Explanation column",
                    }
                )
    return findings_frame(rows)


def _debt_ratio(vals: Mapping[str, Mapping[str, Any]]) -> tuple[float, Mapping[str, Any]] | None:
    if "total_assets" in vals and "net_assets" in vals and vals["total_assets"]["value"] != 0:
        ta, na = vals["total_assets"]["value"], vals["net_assets"]["value"]
        return 1 - na / ta, vals["net_assets"]
    if "debt_ratio" in vals:
        return vals["debt_ratio"]["value"], vals["debt_ratio"]
    return None


def check_debt_ratio_range(ctx: RuleContext) -> pl.DataFrame:
    """The debt ratio (submitted, or 1 − net assets / total assets) lies within 0–100%."""
    rows = []
    for _ent, vals in _wide(ctx).items():
        dr = _debt_ratio(vals)
        if dr is None:
            continue
        x, r = dr
        if x < 0 or x > 1:
            rows.append(
                {
                    **_where(r),
                    "indicator": r["indicator"],
                    "expected": "0%–100%",
                    "found": _pct(x),
                    "message_zh": f"资产负债率为 {_pct(x)}，超出 0–100%（净资产与资产总额不一致）",
                    "message_en": f"the debt ratio is {_pct(x)}, outside 0–100% "
                    "(net assets and total assets disagree)",
                    "fix": "核对资产总额和净资产（单位均为亿元）/ check total assets and net assets "
                    "(both in 100 million yuan)",
                }
            )
    return findings_frame(rows)


def check_prior_jump(ctx: RuleContext) -> pl.DataFrame:
    """An amount that changed by more than the configured share against last year's accepted
    figure needs an explanation. Counts are not checked (0 → 3 rated enterprises is news, not an
    error); a zero last year is skipped (no share can be computed); so is a figure that
    ``core.magnitude`` refuses (a unit mistake, or beyond the plausible range), which no
    explanation clears."""
    if ctx.prior is None or not ctx.prior.height:
        return empty_findings()
    share = float(ctx.options.get("jump_share", DEFAULT_JUMP_SHARE))
    prior = prior_values(ctx)
    ranges = ranges_of(ctx)
    rows = []
    for ent, vals in _wide(ctx).items():
        for code, r in vals.items():
            ind = ctx.indicators.get(code)
            if ind is None or ind.kind is not Kind.AMOUNT or (ent, code) not in prior:
                continue
            p = prior[(ent, code)]
            rng = ranges.get(code)
            high = rng.high if rng is not None else ABSURD
            if p == 0 or abs(r["value"]) > high:
                continue  # no share; or beyond the range: an error of core.magnitude
            if unit_mistake(r["value"], ind.unit, high=high, prior=p) is not None:
                continue  # a unit mistake: an error of core.magnitude, not a change to explain
            change = (r["value"] - p) / abs(p)
            if abs(change) > share:
                rows.append(
                    {
                        **_where(r),
                        "expected": f"{_fmt(p)} ± {share:.0%}（上年 / last year）",
                        "found": f"{_fmt(r['value'])} ({change:+.0%})",
                        "message_zh": f"{ind.name_zh} 较上年变动 {change:+.0%}，超过 {share:.0%}",
                        "message_en": f"{ind.name_en} changed {change:+.0%} from last year, "
                        f"more than {share:.0%}",
                        "fix": "核对后在“说明”列写明原因（如兼并重组、资产划转）/ check it and explain "
                        "it in the Explanation column (e.g. a merger or an asset transfer)",
                    }
                )
    return findings_frame(rows)


def check_completeness(ctx: RuleContext) -> pl.DataFrame:
    """Every required entity (single enterprises and difference units) reports every indicator
    the template requires (``options["required"]``: the core's amounts and counts; a plugin's
    local metrics apply to some enterprises only and are not required)."""
    entities = [e for e in ctx.options.get("entities", ()) if e.required]
    if not entities:
        return empty_findings()
    codes = list(ctx.options.get("required", ()))
    # a county metric that rolls into a core indicator is reported *instead of* it
    stands_for = {
        c: i.rolls_into for c, i in ctx.indicators.items() if getattr(i, "rolls_into", None)
    }
    have: set[tuple[str, str]] = set()
    blank: dict[tuple[str, str], dict[str, Any]] = {}
    for r in ctx.observations.iter_rows(named=True):
        k = (r.get("entity"), r.get("indicator"))
        if r.get("value") is not None or r.get("raw") is not None:
            have.add(k)  # type: ignore[arg-type]
            if k[1] in stands_for:
                have.add((k[0], stands_for[k[1]]))  # type: ignore[arg-type]
        else:
            blank.setdefault(k, r)  # type: ignore[arg-type]
    rows = []
    for e in entities:
        for code in codes:
            if (e.id, code) in have:
                continue
            zh, en = _label(ctx, code)
            r = blank.get((e.id, code), {})
            rows.append(
                {
                    **_where(r),
                    "unit": ctx.unit,
                    "entity": e.id,
                    "indicator": code,
                    "year": ctx.year,
                    "expected": f"{zh} / {en}",
                    "found": "空 / missing",
                    "message_zh": f"{e.name_zh} 未填 {zh}",
                    "message_en": f"{e.id} has no {en}",
                    "fix": "填写该数字；确实为零请填 0 / fill in the figure; enter 0 if it is zero",
                }
            )
    return findings_frame(rows)


def check_group_totals(ctx: RuleContext) -> pl.DataFrame:
    """A group's reported figure equals the sum of its children's, within the inputs' precision."""
    snap = ctx.structure.at(ctx.year) if ctx.structure is not None else None
    if snap is None:
        return empty_findings()
    wide = _wide(ctx)
    rows = []
    for gid, vals in wide.items():
        if gid not in snap:
            continue
        kids = snap.children(gid)
        if not kids:
            continue
        for code, r in vals.items():
            ind = ctx.indicators.get(code)
            if ind is None or ind.aggregation is not Aggregation.SUM:
                continue
            parts = [wide.get(k, {}).get(code) for k in kids]
            if any(p is None for p in parts):
                continue
            total = sum(p["value"] for p in parts if p is not None)
            tol = _written_half_ulp(r["value"]) + sum(
                _written_half_ulp(p["value"]) for p in parts if p is not None
            )
            if abs(total - r["value"]) > tol + 1e-9:
                rows.append(
                    {
                        **_where(r),
                        "expected": f"{total:.6g}（下级合计 / sum of {len(kids)} children）",
                        "found": _fmt(r["value"]),
                        "message_zh": f"集团 {gid} 的 {ind.name_zh} 不等于下级企业之和",
                        "message_en": f"group {gid}'s {ind.name_en} is not the sum of its children",
                        "fix": "核对集团汇总数或下级企业数；内部抵销请填在差额单位 / correct the group "
                        "or its children; put intra-group eliminations in the difference unit",
                    }
                )
    return findings_frame(rows)


def check_binding_targets(ctx: RuleContext) -> pl.DataFrame:
    """An entity at or beyond a binding (约束性) ceiling or floor of the plan: a warning citing the
    target (the plan's debt-ratio ceiling, < 65%). A binding target a plugin registers for the
    unit's own scope takes precedence over the city's."""
    plan = ctx.plan
    if plan is None:
        return empty_findings()
    # the unit's own binding target where a plugin registers one, else the city's
    rank = {ctx.unit: 0, "city": 1}
    targets: dict[str, Any] = {}
    for t in sorted(
        (t for t in ctx.options.get("targets") or plan.targets if t.binding),
        key=lambda t: (rank.get(t.scope, 2), t.scope, t.year),
    ):
        targets.setdefault(t.indicator, t)
    rows = []
    for _ent, vals in _wide(ctx).items():
        for code, t in targets.items():
            ind = ctx.indicators.get(code)
            if ind is None:
                continue
            if code == "debt_ratio":
                got = _debt_ratio(vals)
            elif ind.formula is not None and {*ind.formula.components} <= set(vals):
                f = ind.formula
                got = (
                    f.apply(vals[f.numerator]["value"], vals[f.denominator]["value"]),
                    vals[f.numerator],
                )
            elif code in vals:
                got = (vals[code]["value"], vals[code])
            else:
                got = None
            if got is None or not math.isfinite(got[0]):
                continue
            x, r = got
            limit = float(t.value)
            kind = str(t.kind)
            # a ratio computed in floats equals its limit within float noise (0.7 / 7 is
            # 0.09999999999999999): at the limit is at it, not past it
            at = math.isclose(x, limit, rel_tol=1e-12, abs_tol=1e-15)
            if kind == "ceiling":
                breach = (x >= limit or at) if t.strict else (x > limit and not at)
                want = (
                    f"{'<' if t.strict else '<='} {_pct(limit) if ind.is_percent else _fmt(limit)}"
                )
            elif kind == "floor":
                breach = x < limit and not at
                want = f">= {_pct(limit) if ind.is_percent else _fmt(limit)}"
            else:
                continue
            if breach:
                shown = _pct(x) if ind.is_percent else _fmt(x)
                rows.append(
                    {
                        **_where(r),
                        "indicator": code,
                        "expected": f"{want}（{t.source}，约束性 / binding）",
                        "found": shown,
                        "message_zh": f"{ind.name_zh} {shown}，未达到约束性目标 {want}"
                        f"（{t.scope}，{plan.title_zh}）",
                        "message_en": f"{ind.name_en} is {shown}, against the binding target "
                        f"{want} ({t.scope}, {plan.id})",
                        "fix": "核对数字，并在“说明”列说明原因和降负债措施 / check the figures and explain "
                        "the cause and the deleveraging measures in the Explanation column",
                    }
                )
    return findings_frame(rows)
