"""Validation of submissions: the core's rules (审核公式), the workflow policy, and the report.

:func:`validate` runs every registered :class:`~soeplan.rules.Rule` over one submission's
observation frame and returns a :class:`ValidationReport` holding *every* finding at once. The
:class:`Policy` then decides, finding by finding, whether it blocks the submission: by default
errors (错误) block, warnings (警告) block unless the submitter wrote an explanation (出错说明) in
the explanation column of that row, and hints (提示) only inform.

The core's rules are plain :class:`~soeplan.rules.Rule` records (:data:`CORE_RULES`), registered
through the ``soeplan_rules`` hook like a county plugin's.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs
import pandera.polars as pa
import polars as pl

from soeplan.context import current
from soeplan.indicators import Aggregation, Indicator, Kind
from soeplan.rules import (
    FINDING_SCHEMA,
    Rule,
    RuleContext,
    Severity,
    empty_findings,
    findings_frame,
)
from soeplan.submissions.readers import OBSERVATION_SCHEMA
from soeplan.submissions.template import can_be_negative

if TYPE_CHECKING:
    from soeplan.plugins.registry import Registry

#: The share of change against last year's accepted figure beyond which a value needs an
#: explanation (``RuleContext.options["jump_share"]``).
DEFAULT_JUMP_SHARE = 0.5

KEY = ("unit", "entity", "year", "indicator")


# ---------------------------------------------------------------- policy and report


@attrs.frozen(kw_only=True)
class Policy:
    """Which findings block a submission (上报).

    ``blocking`` severities always block; ``explain`` severities block unless the row carries a
    written explanation (出错说明); any other severity only informs.
    """

    blocking: frozenset[Severity] = frozenset({Severity.ERROR})
    explain: frozenset[Severity] = frozenset({Severity.WARNING})

    def blocks(self, severity: Severity, explained: bool) -> bool:
        return severity in self.blocking or (severity in self.explain and not explained)

    @classmethod
    def named(cls, name: str) -> Policy:
        """A named policy: ``default`` (errors block, warnings need an explanation), ``strict``
        (errors and warnings block, explained or not) or ``lenient`` (only errors block)."""
        if name == "default":
            return cls()
        if name == "strict":
            return cls(blocking=frozenset({Severity.ERROR, Severity.WARNING}), explain=frozenset())
        if name == "lenient":
            return cls(explain=frozenset())
        raise ValueError(f"unknown policy {name!r}: use default, strict or lenient")


#: Names accepted by :meth:`Policy.named` (and by ``--policy``).
POLICY_NAMES = ("default", "strict", "lenient")


#: Columns a :class:`ValidationReport`'s findings frame adds to :data:`FINDING_SCHEMA`.
REPORT_COLUMNS: dict[str, pl.DataType | type[pl.DataType]] = {
    "explained": pl.Boolean,
    "blocks": pl.Boolean,
}


@attrs.frozen(kw_only=True)
class ValidationReport:
    """Every finding about one submission (or several), and whether it can be accepted."""

    findings: pl.DataFrame = attrs.field(eq=False)  #: FINDING_SCHEMA + ``explained, blocks``
    observations: pl.DataFrame = attrs.field(eq=False)
    policy: Policy = Policy()

    @property
    def acceptable(self) -> bool:
        """No finding blocks."""
        return not bool(self.findings["blocks"].any())

    @property
    def blocking(self) -> pl.DataFrame:
        return self.findings.filter(pl.col("blocks"))

    def counts(self) -> dict[str, int]:
        """Number of findings per severity."""
        return {
            s.value: int(self.findings.filter(pl.col("severity") == s.value).height)
            for s in Severity
        }

    def accepted_observations(self) -> pl.DataFrame:
        """The submitted numbers in the store's shape: ``unit, entity, year, indicator, value``."""
        return (
            self.observations.filter(pl.col("value").is_not_null())
            .select([*list(KEY), "value", "explanation"])
            .sort(list(KEY))
        )

    @staticmethod
    def combine(reports: Iterable[ValidationReport]) -> ValidationReport:
        reports = list(reports)
        policy = reports[0].policy if reports else Policy()
        findings = (
            pl.concat([r.findings for r in reports])
            if reports
            else pl.DataFrame(schema={**FINDING_SCHEMA, **REPORT_COLUMNS})
        )
        obs = (
            pl.concat([r.observations for r in reports])
            if reports
            else pl.DataFrame(schema=OBSERVATION_SCHEMA)
        )
        return ValidationReport(findings=findings, observations=obs, policy=policy)


# ---------------------------------------------------------------- running the rules


def normalise_observations(frame: pl.DataFrame) -> pl.DataFrame:
    """Add the optional provenance columns a frame lacks and align numeric types.

    Only safe conversions are made (integer years to Int32, numeric values to Float64); anything
    else is left for the schema rule to report.
    """
    cols = []
    for name, dtype in OBSERVATION_SCHEMA.items():
        if name not in frame.columns:
            if name in KEY or name == "value":
                continue  # reported by the schema rule
            cols.append(pl.lit(None, dtype=dtype).alias(name))
    out = frame.with_columns(cols) if cols else frame
    schema = out.schema
    fixes = []
    if "year" in schema and schema["year"].is_integer() and schema["year"] != pl.Int32:
        fixes.append(pl.col("year").cast(pl.Int32))
    if "value" in schema and schema["value"].is_numeric() and schema["value"] != pl.Float64:
        fixes.append(pl.col("value").cast(pl.Float64))
    if "row" in schema and schema["row"].is_integer() and schema["row"] != pl.Int64:
        fixes.append(pl.col("row").cast(pl.Int64))
    return out.with_columns(fixes) if fixes else out


def validate(
    observations: pl.DataFrame,
    *,
    year: int,
    unit: str | None = None,
    prior: pl.DataFrame | None = None,
    plan: Any = "quzhou-14th",
    structure: Any = None,
    registry: Registry | None = None,
    rules: Iterable[Rule] | None = None,
    policy: Policy | None = None,
    options: Mapping[str, Any] | None = None,
) -> ValidationReport:
    """Run every rule over one submission's observations; collect every finding.

    ``year`` (and ``unit``) are what the submitter declares. ``prior`` holds last year's accepted
    observations of the unit (for the prior-period rule). ``rules`` defaults to every registered
    rule; ``policy`` to :class:`Policy` (errors block, warnings need an explanation).
    """
    from soeplan.plan.load import load_plan
    from soeplan.plan.model import Plan
    from soeplan.submissions.template import required_indicators, unit_context

    reg = current(registry)
    policy = policy or Policy()
    obs = normalise_observations(observations)
    if unit is None and "unit" in obs.columns:
        units = obs["unit"].drop_nulls().unique().to_list()
        unit = units[0] if len(units) == 1 else None
    plan_obj = plan if isinstance(plan, Plan) or plan is None else load_plan(plan)
    expected: tuple[Any, ...] = ()
    if structure is None and unit is not None:
        structure, expected = unit_context(unit, year, reg)
    elif structure is not None and unit is not None:
        _, expected = unit_context(unit, year, reg, structure=structure)
    required = [i.code for i in required_indicators(unit, reg)] if unit is not None else []
    targets: list[Any] = []
    if plan_obj is not None:
        merged = getattr(reg, "targets", None)
        targets = list(merged(plan_obj).values()) if callable(merged) else list(plan_obj.targets)
    opts = {
        "jump_share": DEFAULT_JUMP_SHARE,
        "entities": expected,
        "required": required,
        "targets": targets,
        **(options or {}),
    }
    ctx = RuleContext(
        observations=obs,
        year=year,
        unit=unit,
        prior=normalise_observations(prior) if prior is not None else None,
        structure=structure,
        plan=plan_obj,
        indicators=dict(reg.indicators),
        options=opts,
    )
    chosen = sorted(rules if rules is not None else _registered_rules(reg), key=lambda r: r.id)
    frames: list[pl.DataFrame] = []
    schema_rules = [r for r in chosen if r.id == SCHEMA_RULE_ID]
    for rule in schema_rules:
        frames.append(_run(rule, ctx))
    if not any(_fatal_schema(f) for f in frames):
        for rule in chosen:
            if rule.id != SCHEMA_RULE_ID:
                frames.append(_run(rule, ctx))
    findings = pl.concat(frames) if frames else empty_findings()
    findings = _judge(findings, obs, policy)
    return ValidationReport(findings=findings, observations=obs, policy=policy)


def _registered_rules(reg: Any) -> list[Rule]:
    rules = getattr(reg, "rules", None)
    if rules:
        return list(rules.values())
    return list(CORE_RULES)


def _run(rule: Rule, ctx: RuleContext) -> pl.DataFrame:
    try:
        out = rule.check(ctx)
        if not isinstance(out, pl.DataFrame):
            raise TypeError(f"returned {type(out).__name__}, not a polars DataFrame")
        out = out.select(
            [
                (pl.col(c) if c in out.columns else pl.lit(None)).cast(t).alias(c)
                for c, t in FINDING_SCHEMA.items()
            ]
        )
        out = out.with_columns(
            pl.col("rule").fill_null(rule.id), pl.col("severity").fill_null(rule.severity.value)
        )
        bad = set(out["severity"].unique().to_list()) - {s.value for s in Severity}
        if bad:
            raise ValueError(f"unknown severity {sorted(bad)[0]!r} (use hint, warning or error)")
        return out
    except Exception as exc:  # a rule's bug is reported as a finding, never a traceback
        provider = rule.provider.plugin if rule.provider else "?"
        return findings_frame(
            [
                {
                    "severity": Severity.ERROR.value,
                    "rule": rule.id,
                    "unit": ctx.unit,
                    "year": ctx.year,
                    "expected": "规则正常运行 / the rule runs",
                    "found": f"{type(exc).__name__}: {exc}",
                    "message_zh": f"审核规则 {rule.id} 运行出错（插件 {provider}）",
                    "message_en": f"validation rule {rule.id} failed to run (plugin {provider})",
                    "fix": "报告给规则作者 / report this to the rule's author (a bug, not your data)",
                }
            ]
        )


def _fatal_schema(findings: pl.DataFrame) -> bool:
    """A schema finding that is not about one row (a missing column, a wrong type)."""
    return bool(
        findings.filter((pl.col("rule") == SCHEMA_RULE_ID) & pl.col("row").is_null()).height
    )


def _judge(findings: pl.DataFrame, obs: pl.DataFrame, policy: Policy) -> pl.DataFrame:
    """Add ``explained`` (the row carries an explanation) and ``blocks`` (per the policy)."""
    explained_rows: set[tuple[str | None, int | None]] = set()
    explained_keys: set[tuple[str | None, str | None]] = set()
    if "explanation" in obs.columns:
        ex = obs.filter(
            pl.col("explanation").is_not_null() & (pl.col("explanation").str.strip_chars() != "")
        )
        for r in ex.iter_rows(named=True):
            explained_rows.add((r.get("file"), r.get("row")))
            explained_keys.add((r.get("entity"), r.get("indicator")))
    explained = []
    blocks = []
    for r in findings.iter_rows(named=True):
        e = (r["row"] is not None and (r["file"], r["row"]) in explained_rows) or (
            r["entity"] is not None and (r["entity"], r["indicator"]) in explained_keys
        )
        explained.append(e)
        blocks.append(policy.blocks(Severity(r["severity"]), e))
    out = findings.with_columns(
        pl.Series("explained", explained, dtype=pl.Boolean),
        pl.Series("blocks", blocks, dtype=pl.Boolean),
    )
    rank = {"error": 0, "warning": 1, "hint": 2}
    return (
        out.with_columns(
            pl.col("severity").replace_strict(rank, default=3, return_dtype=pl.Int8).alias("_r")
        )
        .sort(["_r", "file", "row", "cell", "rule"], nulls_last=True)
        .drop("_r")
    )


# ---------------------------------------------------------------- helpers for rules


def _where(r: Mapping[str, Any]) -> dict[str, Any]:
    return {
        k: r.get(k) for k in ("file", "sheet", "cell", "row", "unit", "entity", "indicator", "year")
    }


def _label(ctx: RuleContext, code: str | None) -> tuple[str, str]:
    ind = ctx.indicators.get(code or "")
    if ind is None:
        return (code or "?", code or "?")
    return (ind.name_zh, ind.name_en)


def _loc(r: Mapping[str, Any]) -> str:
    if r.get("sheet") and r.get("cell"):
        return f"{r['sheet']}!{r['cell']}"
    if r.get("row") is not None:
        return f"row {r['row']}"
    return ""


def _fmt(x: float | None) -> str:
    if x is None:
        return ""
    if math.isfinite(x) and float(x).is_integer():
        return str(int(x))
    return f"{x:.6g}"


def _pct(x: float) -> str:
    return f"{x * 100:.2f}%"


def half_ulp(x: float) -> float:
    """Half a unit in the last decimal place of ``x`` as written (``8.83`` → 0.005; ``920`` → 0.5)."""
    if not math.isfinite(x):
        return 0.0
    exp = Decimal(repr(float(x))).normalize().as_tuple().exponent
    assert isinstance(exp, int)
    return 0.5 * 10.0 ** min(exp, 0)


def _values(ctx: RuleContext) -> pl.DataFrame:
    """Rows with a number (finite or not) and a complete key."""
    return ctx.observations.filter(
        pl.col("value").is_not_null()
        & pl.col("entity").is_not_null()
        & pl.col("indicator").is_not_null()
    )


def _wide(ctx: RuleContext) -> dict[str, dict[str, dict[str, Any]]]:
    """entity → indicator → observation row (the first, if duplicated)."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for r in _values(ctx).iter_rows(named=True):
        if r["value"] is None or not math.isfinite(r["value"]):
            continue
        out.setdefault(r["entity"], {}).setdefault(r["indicator"], r)
    return out


# ---------------------------------------------------------------- the core rules

SCHEMA_RULE_ID = "core.schema"


class ObservationModel(pa.DataFrameModel):
    """The observation frame as pandera sees it (polars backend): columns, types, year range."""

    unit: pl.String = pa.Field(nullable=True)
    entity: pl.String = pa.Field(nullable=True)
    year: pl.Int32 = pa.Field(nullable=True, ge=2000, le=2100)
    indicator: pl.String = pa.Field(nullable=True)
    value: pl.Float64 = pa.Field(nullable=True)

    class Config:
        strict = False


def check_schema(ctx: RuleContext) -> pl.DataFrame:
    """Columns and types of the observation frame (pandera), every failure at once."""
    from pandera.errors import SchemaError, SchemaErrors

    try:
        ObservationModel.validate(ctx.observations, lazy=True)
        return empty_findings()
    except (SchemaErrors, SchemaError) as exc:
        cases = getattr(exc, "failure_cases", None)
        if not isinstance(cases, pl.DataFrame):
            cases = pl.DataFrame(
                {"failure_case": [str(exc)], "column": [None], "check": [None], "index": [None]}
            )
    rows = []
    obs = ctx.observations
    for c in cases.iter_rows(named=True):
        idx = c.get("index")
        r: dict[str, Any] = obs.row(int(idx), named=True) if idx is not None else {}
        check = str(c.get("check"))
        col = c.get("column")
        if check == "column_in_dataframe":
            col = c.get("failure_case")
            zh, en = f"缺少列 {col}", f"the column {col!r} is missing"
            expected = "unit, entity, year, indicator, value"
        elif check.startswith("dtype"):
            zh, en = f"列 {col} 的类型不对", f"column {col!r} has the wrong type"
            expected = check
        else:
            zh = f"{col} 的值 {c.get('failure_case')} 不符合 {check}"
            en = f"{col} value {c.get('failure_case')} fails {check}"
            expected = check
        rows.append(
            {
                **_where(r),
                "year": r.get("year") if isinstance(r.get("year"), int) else None,
                "row": r.get("row") if r else None,
                "expected": expected,
                "found": str(c.get("failure_case")),
                "message_zh": zh,
                "message_en": en,
                "fix": "按模板格式填报 / use the template's layout: columns unit, entity, year "
                "(2000–2100), indicator, value (a number)",
            }
        )
    return findings_frame(rows)


def check_required(ctx: RuleContext) -> pl.DataFrame:
    """Every observation names its unit, entity, indicator and year."""
    rows = []
    seen: set[tuple[Any, ...]] = set()
    labels = {
        "unit": ("单位（县市区）", "unit"),
        "entity": ("企业编号", "entity id"),
        "indicator": ("指标代码", "indicator code"),
        "year": ("年度", "year"),
    }
    for r in ctx.observations.iter_rows(named=True):
        for col, (zh, en) in labels.items():
            if r.get(col) is None:
                key = (r.get("file"), r.get("row"), col)
                if key in seen:
                    continue
                seen.add(key)
                rows.append(
                    {
                        **_where(r),
                        "cell": r.get("cell")
                        if col != "entity" or not r.get("sheet")
                        else f"A{r.get('row')}",
                        "expected": f"{zh} / {en}",
                        "found": "空或无效 / blank or invalid",
                        "message_zh": f"第 {r.get('row')} 行缺少{zh}（或无法识别）",
                        "message_en": f"row {r.get('row')} has no valid {en}",
                        "fix": f"填写{zh} / fill in the {en}"
                        + (
                            "（模板隐藏的 A 列 / the template's hidden column A）"
                            if col == "entity" and r.get("sheet")
                            else ""
                        ),
                    }
                )
    return findings_frame(rows)


def check_numbers(ctx: RuleContext) -> pl.DataFrame:
    """A number cell holds a finite number, not text."""
    rows = []
    for r in ctx.observations.iter_rows(named=True):
        v, raw = r.get("value"), r.get("raw")
        if raw is not None and (v is None or not math.isfinite(v)):
            zh, en = _label(ctx, r.get("indicator"))
            finite = v is not None
            rows.append(
                {
                    **_where(r),
                    "expected": "有限的数字 / a finite number" if finite else "数字 / a number",
                    "found": repr(raw),
                    "message_zh": f"{zh}：{raw!r} 不是{'有限的' if finite else ''}数字",
                    "message_en": f"{en}: {raw!r} is not a {'finite ' if finite else ''}number",
                    "fix": "只填数字，不带单位或文字（金额以亿元计）/ type the number only, without units "
                    "or words (amounts in 100 million yuan)",
                }
            )
        elif v is not None and not math.isfinite(v):
            rows.append(
                {
                    **_where(r),
                    "expected": "有限的数字 / a finite number",
                    "found": _fmt(v),
                    "message_zh": "数值不是有限数",
                    "message_en": "the value is not a finite number",
                    "fix": "填写实际数字 / enter the actual figure",
                }
            )
    return findings_frame(rows)


def check_non_negative(ctx: RuleContext) -> pl.DataFrame:
    """Amounts that cannot be negative and counts are >= 0; counts are whole numbers.

    Profits and net assets may be negative (a loss, negative equity); so may every amount of a
    difference unit (差额), which carries a group's intra-group eliminations."""
    rows = []
    diff = {e.id for e in ctx.options.get("entities", ()) if e.node_type == "difference"}
    for r in _values(ctx).iter_rows(named=True):
        ind: Indicator | None = ctx.indicators.get(r["indicator"])
        v = r["value"]
        if ind is None or ind.kind is Kind.RATIO or not math.isfinite(v):
            continue
        if r["entity"] in diff and ind.kind is Kind.AMOUNT:
            continue  # a difference unit (差额) carries eliminations: negative amounts are normal
        zh, en = ind.name_zh, ind.name_en
        if v < 0 and (ind.kind is Kind.COUNT or not can_be_negative(ind)):
            rows.append(
                {
                    **_where(r),
                    "expected": ">= 0",
                    "found": _fmt(v),
                    "message_zh": f"{zh} 不能为负数",
                    "message_en": f"{en} cannot be negative",
                    "fix": "检查符号和单位 / check the sign and the unit",
                }
            )
        elif ind.kind is Kind.COUNT and not float(v).is_integer():
            rows.append(
                {
                    **_where(r),
                    "expected": "整数 / a whole number",
                    "found": _fmt(v),
                    "message_zh": f"{zh} 应为整数（家）",
                    "message_en": f"{en} is a count of enterprises: a whole number",
                    "fix": "填写企业家数 / enter the number of enterprises",
                }
            )
    return findings_frame(rows)


def _entities(ctx: RuleContext) -> dict[str, Any]:
    return {e.id: e for e in ctx.options.get("entities", ())}


def check_known(ctx: RuleContext) -> pl.DataFrame:
    """Entities belong to the unit's structure in force that year; indicators are registered."""
    rows = []
    known = _entities(ctx)
    units = getattr(ctx.structure, "units", None)
    for r in ctx.observations.iter_rows(named=True):
        ent, ind, u = r.get("entity"), r.get("indicator"), r.get("unit")
        if u is not None and units is not None and u not in units:
            rows.append(
                {
                    **_where(r),
                    "expected": ", ".join(sorted(units)),
                    "found": u,
                    "message_zh": f"未知的县（市、区）单位 {u}",
                    "message_en": f"unknown county-level unit {u!r}",
                    "fix": "使用单位代码，如 qujiang / use a unit id, e.g. qujiang",
                }
            )
        elif ent is not None and known and ent not in known:
            rows.append(
                {
                    **_where(r),
                    "expected": f"{u} 的企业 / an entity of {u} in {ctx.year}",
                    "found": ent,
                    "message_zh": f"企业 {ent} 不在 {u} {ctx.year} 年的企业名单中",
                    "message_en": f"entity {ent!r} is not in {u}'s entity list for {ctx.year}",
                    "fix": "使用模板“企业名单”中的编号；新设企业请先登记结构 / use an id from the "
                    "template's entity list; register a new enterprise in the unit's structure first",
                }
            )
        if ind is not None and ind not in ctx.indicators:
            rows.append(
                {
                    **_where(r),
                    "expected": "已登记的指标代码 / a registered indicator code",
                    "found": ind,
                    "message_zh": f"未知指标 {ind}",
                    "message_en": f"unknown indicator {ind!r}",
                    "fix": "运行 soeplan indicators 查看指标代码 / see `soeplan indicators` for the codes",
                }
            )
    return findings_frame(rows)


def check_duplicates(ctx: RuleContext) -> pl.DataFrame:
    """Each (unit, entity, year, indicator) is given once."""
    obs = ctx.observations.filter(
        pl.col("entity").is_not_null() & pl.col("indicator").is_not_null()
    ).filter(pl.col("value").is_not_null() | pl.col("raw").is_not_null())
    dup = obs.filter(pl.struct(list(KEY)).is_duplicated())
    rows = []
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for r in dup.iter_rows(named=True):
        groups.setdefault(tuple(r[k] for k in KEY), []).append(r)
    for items in groups.values():
        where = ", ".join(_loc(i) or str(i.get("row")) for i in items)
        for r in items:
            rows.append(
                {
                    **_where(r),
                    "expected": "1",
                    "found": f"{len(items)} ({where})",
                    "message_zh": f"{r['entity']} 的 {_label(ctx, r['indicator'])[0]} 重复填报 {len(items)} 次",
                    "message_en": f"{r['entity']} {_label(ctx, r['indicator'])[1]} is given {len(items)} times",
                    "fix": "每户每个指标只填一次，删除多余的行 / give each figure once; delete the extra rows",
                }
            )
    return findings_frame(rows)


def check_declared(ctx: RuleContext) -> pl.DataFrame:
    """Every observation is for the declared year and unit."""
    rows = []
    for r in ctx.observations.iter_rows(named=True):
        y, u = r.get("year"), r.get("unit")
        if y is not None and y != ctx.year:
            rows.append(
                {
                    **_where(r),
                    "expected": str(ctx.year),
                    "found": str(y),
                    "message_zh": f"年度为 {y}，申报年度为 {ctx.year}",
                    "message_en": f"is for {y}, but the submission is for {ctx.year}",
                    "fix": f"只报送 {ctx.year} 年的数据，或用 --year 声明正确年度 / submit {ctx.year} "
                    "figures only, or declare the right year with --year",
                }
            )
        if ctx.unit is not None and u is not None and u != ctx.unit:
            rows.append(
                {
                    **_where(r),
                    "expected": ctx.unit,
                    "found": u,
                    "message_zh": f"单位为 {u}，申报单位为 {ctx.unit}",
                    "message_en": f"is for unit {u}, but the submission is for {ctx.unit}",
                    "fix": "每个单位单独报送 / submit each unit's figures in its own file",
                }
            )
    return findings_frame(rows)


def _ratio_bounds(f: Any, n: float, hn: float, d: float, hd: float) -> tuple[float, float] | None:
    """Range of a ratio over inputs known to ± their half-ulp."""
    vals = []
    for nn in (n - hn, n + hn):
        for dd in (d - hd, d + hd):
            if dd == 0 or (d - hd) <= 0 <= (d + hd):
                return None
            vals.append(f.apply(nn, dd))
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
            b = _ratio_bounds(f, n, half_ulp(n), d, half_ulp(d))
            if b is None:
                continue
            s = r["value"]
            hs = half_ulp(s)
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
    error); a zero last year is skipped (no share can be computed)."""
    if ctx.prior is None or not ctx.prior.height:
        return empty_findings()
    share = float(ctx.options.get("jump_share", DEFAULT_JUMP_SHARE))
    prior: dict[tuple[str, str], float] = {}
    for pr in ctx.prior.iter_rows(named=True):
        if pr.get("value") is not None and pr.get("entity") and pr.get("indicator"):
            prior[(pr["entity"], pr["indicator"])] = pr["value"]
    rows = []
    for ent, vals in _wide(ctx).items():
        for code, r in vals.items():
            ind = ctx.indicators.get(code)
            if ind is None or ind.kind is not Kind.AMOUNT or (ent, code) not in prior:
                continue
            p = prior[(ent, code)]
            if p == 0:
                continue
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
            tol = half_ulp(r["value"]) + sum(half_ulp(p["value"]) for p in parts if p is not None)
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
            if kind == "ceiling":
                breach = x >= limit if t.strict else x > limit
                want = f"{'<' if t.strict else '<='} {_pct(limit) if ind.is_ratio else _fmt(limit)}"
            elif kind == "floor":
                breach = x < limit
                want = f">= {_pct(limit) if ind.is_ratio else _fmt(limit)}"
            else:
                continue
            if breach:
                shown = _pct(x) if ind.is_ratio else _fmt(x)
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


def _rule(
    id: str, severity: Severity, zh: str, en: str, check: Callable[[RuleContext], pl.DataFrame]
) -> Rule:
    return Rule(id=id, severity=severity, description_zh=zh, description_en=en, check=check)


_E, _W = Severity.ERROR, Severity.WARNING

#: The core's rules, registered through the ``soeplan_rules`` hook (see :mod:`soeplan.plugins.builtin`).
CORE_RULES: tuple[Rule, ...] = (
    _rule(
        SCHEMA_RULE_ID,
        _E,
        "数据结构与类型（列、类型、年度范围）",
        "Schema and types: columns, types, year range",
        check_schema,
    ),
    _rule(
        "core.required",
        _E,
        "必填项（单位、企业、指标、年度）不得为空",
        "Required cells: unit, entity, indicator and year are given",
        check_required,
    ),
    _rule(
        "core.number",
        _E,
        "数字单元格应为有限的数字",
        "Numbers are numbers, and finite",
        check_numbers,
    ),
    _rule(
        "core.non-negative",
        _E,
        "资产总额、营业收入和户数不得为负，户数为整数",
        "Amounts that cannot be negative, and counts, are >= 0; counts are whole",
        check_non_negative,
    ),
    _rule("core.known", _E, "企业和指标应已登记", "Entities and indicators are known", check_known),
    _rule(
        "core.duplicate",
        _E,
        "同一企业同一指标不得重复填报",
        "No figure is given twice",
        check_duplicates,
    ),
    _rule(
        "core.declared",
        _E,
        "数据年度和单位应与申报一致",
        "Every figure is for the declared year and unit",
        check_declared,
    ),
    _rule(
        "core.ratio-identity",
        _E,
        "填报的比率应与按分子分母重算的结果一致（按输入精度）",
        "A submitted ratio matches its recomputation, within input precision",
        check_ratio_identities,
    ),
    _rule(
        "core.profit-plausible",
        _W,
        "净利润高于利润总额（提醒核对）",
        "Net profit above total profit (plausibility)",
        check_profit_plausible,
    ),
    _rule(
        "core.debt-ratio-range",
        _E,
        "资产负债率应在 0–100% 之间",
        "The debt ratio lies within 0–100%",
        check_debt_ratio_range,
    ),
    _rule(
        "core.prior-jump",
        _W,
        "与上年相比变动过大须说明",
        "A change beyond the configured share against last year needs an explanation",
        check_prior_jump,
    ),
    _rule(
        "core.completeness",
        _E,
        "必填企业的每个指标均须填报",
        "Every required entity reports every indicator",
        check_completeness,
    ),
    _rule(
        "core.group-total",
        _E,
        "集团汇总数应等于下级企业之和",
        "A group's figures equal the sum of its children",
        check_group_totals,
    ),
    _rule(
        "core.binding-target",
        _W,
        "达到或超过规划约束性指标（资产负债率 < 65%）",
        "At or beyond a binding target of the plan (debt ratio < 65%)",
        check_binding_targets,
    ),
)
