"""Validation of submissions: the workflow policy, the report, and running the rules.

:func:`validate` runs every registered :class:`~soeplan.rules.Rule` over one submission's
observation frame and returns a :class:`ValidationReport` holding *every* finding at once. The
:class:`Policy` then decides, finding by finding, whether it blocks the submission: by default
errors (错误) block, warnings (警告) block unless the submitter wrote an explanation (出错说明) in
the explanation column of that row that says something (:func:`says_something`: at least
:attr:`Policy.min_explanation` letters or digits, not one repeated character), and hints (提示)
only inform.

The rules themselves are :data:`soeplan.submissions.core_rules.CORE_RULES` and every rule a
plugin registers. A rule that raises, or returns anything but a findings frame, is a *plugin
failure* (:class:`~soeplan.provenance.PluginFailure`, in
:attr:`ValidationReport.plugin_failures`), never a finding: its findings are left out and the
submission is judged on the other rules' (in strict plugin mode the run stops instead).
"""

from __future__ import annotations

import time
import unicodedata
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs
import polars as pl

from soeplan.context import current
from soeplan.frames import FINDING_SCHEMA, OBSERVATION_SCHEMA
from soeplan.indicators import Kind
from soeplan.provenance import UNREGISTERED, HookTiming, PluginFailure, a_type
from soeplan.rules import Rule, RuleContext, Severity, empty_findings
from soeplan.submissions.core_rules import CORE_RULES, SCHEMA_RULE_ID
from soeplan.submissions.figure_rules import DEFAULT_JUMP_SHARE
from soeplan.submissions.magnitude import plausible_ranges
from soeplan.submissions.rule_helpers import KEY
from soeplan.submissions.template import required_indicators, unit_context

if TYPE_CHECKING:
    from soeplan.plugins.registry import Registry


# ---------------------------------------------------------------- policy and report


@attrs.frozen(kw_only=True)
class Policy:
    """Which findings block a submission (上报).

    ``blocking`` severities always block; ``explain`` severities block unless the row carries a
    written explanation (出错说明); any other severity only informs.
    """

    blocking: frozenset[Severity] = frozenset({Severity.ERROR})
    explain: frozenset[Severity] = frozenset({Severity.WARNING})
    #: What an explanation must hold to count (:func:`says_something`): at least this many
    #: letters or digits, not all the same character.
    min_explanation: int = 4

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


def says_something(text: str | None, minimum: int = 4) -> bool:
    """Whether an explanation (出错说明) says something: after whitespace, punctuation and symbols
    are stripped, at least ``minimum`` characters remain, with at least one letter (any script:
    Chinese characters count) and not all the same character.

    >>> [says_something(t) for t in (".", "。。。。", "aaaa", "ok", "1234", "资产划转", "merger")]
    [False, False, False, False, False, True, True]
    """
    if text is None:
        return False
    kept = [c for c in text if unicodedata.category(c)[0] in "LN"]
    return (
        len(kept) >= minimum
        and len(set(kept)) > 1
        and any(unicodedata.category(c)[0] == "L" for c in kept)
    )


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
    #: rules that raised or returned the wrong thing: left out, never findings about the data
    plugin_failures: tuple[PluginFailure, ...] = ()
    #: how long each rule took on this submission
    timings: tuple[HookTiming, ...] = ()

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
        return ValidationReport(
            findings=findings,
            observations=obs,
            policy=policy,
            plugin_failures=tuple(f for r in reports for f in r.plugin_failures),
            timings=tuple(t for r in reports for t in r.timings),
        )


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
    month: int | None = None,
    previous: pl.DataFrame | None = None,
) -> ValidationReport:
    """Run every rule over one submission's observations; collect every finding.

    For a month's express report (快报) ``month`` is its month, ``prior`` the same month of last
    year and ``previous`` the month before (:class:`~soeplan.rules.RuleContext`).

    ``year`` (and ``unit``) are what the submitter declares: a year outside the plan's span is
    refused (:class:`~soeplan.errors.YearOutsidePlanError`). ``prior`` holds last year's accepted
    observations of the unit (for the prior-period and magnitude rules). ``rules`` defaults to
    every registered rule; ``policy`` to :class:`Policy` (errors block, warnings need an
    explanation that says something). ``options["plausible"]`` holds each indicator's plausible
    range (:func:`~soeplan.submissions.magnitude.plausible_ranges` of the plan).
    """
    from soeplan.plan.load import load_plan
    from soeplan.plan.model import Plan

    reg = current(registry)
    policy = policy or Policy()
    obs = normalise_observations(observations)
    if unit is None and "unit" in obs.columns:
        units = obs["unit"].drop_nulls().unique().to_list()
        unit = units[0] if len(units) == 1 else None
    obs = _percent_only_in_ratios(obs, reg.indicators)
    plan_obj = plan if isinstance(plan, Plan) or plan is None else load_plan(plan)
    if plan_obj is not None:
        plan_obj.require_year(year, what="the submission's year")
    expected: tuple[Any, ...] = ()
    if structure is None and unit is not None:
        structure, expected = unit_context(unit, year, reg)
    elif structure is not None and unit is not None:
        _, expected = unit_context(unit, year, reg, structure=structure)
    required = [i.code for i in required_indicators(unit, reg)] if unit is not None else []
    targets: list[Any] = []
    if plan_obj is not None:
        targets = list(reg.targets(plan_obj).values())
    opts = {
        "jump_share": DEFAULT_JUMP_SHARE,
        "entities": expected,
        "required": required,
        "targets": targets,
        "plausible": plausible_ranges(plan_obj, reg.indicators, targets),
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
        month=month,
        previous=normalise_observations(previous) if previous is not None else None,
    )
    chosen = sorted(rules if rules is not None else _registered_rules(reg), key=lambda r: r.id)
    ran = _Ran()
    findings = _judge(_run_all(chosen, ctx, reg, ran), obs, policy)
    return ValidationReport(
        findings=findings,
        observations=obs,
        policy=policy,
        plugin_failures=tuple(ran.failures),
        timings=tuple(ran.timings),
    )


def _percent_only_in_ratios(obs: pl.DataFrame, indicators: Mapping[str, Any]) -> pl.DataFrame:
    """A percentage (``"46%"``) where an amount or a count belongs is not read as a number: its
    text stays for ``core.number`` to report, and no other rule works on a figure 100 times off."""
    if "raw" not in obs.columns or "indicator" not in obs.columns:
        return obs
    ratios = [c for c, i in indicators.items() if i.kind is Kind.RATIO]
    percent = pl.col("raw").str.strip_chars().str.contains("[%％]$") & ~pl.col("indicator").is_in(
        ratios
    )
    return obs.with_columns(
        pl.when(percent.fill_null(False)).then(None).otherwise(pl.col("value")).alias("value")
    )


def _run_all(chosen: list[Rule], ctx: RuleContext, reg: Registry, ran: _Ran) -> pl.DataFrame:
    """The schema check first; the other rules only on data the schema check did not refuse."""
    frames = [_run(rule, ctx, reg, ran) for rule in chosen if rule.id == SCHEMA_RULE_ID]
    if not any(_fatal_schema(f) for f in frames):
        frames += [_run(rule, ctx, reg, ran) for rule in chosen if rule.id != SCHEMA_RULE_ID]
    return pl.concat(frames) if frames else empty_findings()


def _registered_rules(reg: Registry) -> list[Rule]:
    return list(reg.rules.values()) if reg.rules else list(CORE_RULES)


def _run(rule: Rule, ctx: RuleContext, reg: Registry, ran: _Ran) -> pl.DataFrame:
    """One rule's findings; a rule that raises or returns the wrong thing is a plugin failure.

    Its failure names the plugin and the rule and is reported to the registry (strict plugin
    mode raises there, before anything is written); its findings are left out, so a plugin's
    bug never becomes a finding against the county's data. The call is timed.
    """
    provider = rule.provider or UNREGISTERED
    where = f"{ctx.unit or 'submission'} {ctx.year}"
    start = time.perf_counter()
    try:
        out = rule.check(ctx)
    except Exception as exc:
        out, problem = None, f"raised {type(exc).__name__}: {exc}"
    else:
        out, problem = findings_or_problem(out, rule)
    seconds = time.perf_counter() - start
    ran.timings.append(HookTiming(provider.plugin, "rule", rule.id, seconds, where))
    if out is not None:
        return out
    failure = PluginFailure(
        provider.plugin,
        "soeplan_rules",
        problem,
        provider,
        kind="rule",
        record=rule.id,
        where=where,
    )
    ran.failures.append(failure)
    reg.report_failure(failure)
    return empty_findings()


def findings_or_problem(out: object, rule: Rule) -> tuple[pl.DataFrame | None, str]:
    """A rule's result as a findings frame (:data:`FINDING_SCHEMA`), or what is wrong with it."""
    expected = "expected a findings frame (soeplan.rules.findings_frame)"
    if not isinstance(out, pl.DataFrame):
        return None, f"returned {a_type(out)}, {expected}"
    missing = [c for c in FINDING_SCHEMA if c not in out.columns]
    if missing:
        return None, f"returned a frame without the columns {', '.join(missing)}; {expected}"
    try:
        out = out.select([pl.col(c).cast(t) for c, t in FINDING_SCHEMA.items()])
    except Exception as exc:
        return None, f"returned findings that do not fit the findings columns ({exc}); {expected}"
    out = out.with_columns(
        pl.col("rule").fill_null(rule.id), pl.col("severity").fill_null(rule.severity.value)
    )
    bad = set(out["severity"].unique().to_list()) - {s.value for s in Severity}
    if bad:
        return (
            None,
            f"returned the unknown severity {sorted(bad)[0]!r} (use hint, warning or error)",
        )
    silent = out.filter(pl.col("message_zh").is_null() | pl.col("message_en").is_null()).height
    if silent:
        return None, f"returned {silent} finding(s) without message_zh or message_en"
    return out, ""


@attrs.define
class _Ran:
    """What running the rules on one submission left besides findings."""

    failures: list[PluginFailure] = attrs.field(factory=list)
    timings: list[HookTiming] = attrs.field(factory=list)


def _fatal_schema(findings: pl.DataFrame) -> bool:
    """A schema finding that is not about one row (a missing column, a wrong type)."""
    return bool(
        findings.filter((pl.col("rule") == SCHEMA_RULE_ID) & pl.col("row").is_null()).height
    )


def _judge(findings: pl.DataFrame, obs: pl.DataFrame, policy: Policy) -> pl.DataFrame:
    """Add ``explained`` (the row carries an explanation that says something) and ``blocks`` (per
    the policy). A finding the policy lets an explanation clear, on a row whose explanation says
    too little (:func:`says_something`), has its ``fix`` say so."""
    # a row's and a figure's explanations: whether one says something, and the first one's text
    by_row: dict[tuple[str | None, int | None], tuple[bool, str]] = {}
    by_key: dict[tuple[str | None, str | None], tuple[bool, str]] = {}
    if "explanation" in obs.columns:
        ex = obs.filter(
            pl.col("explanation").is_not_null() & (pl.col("explanation").str.strip_chars() != "")
        )
        for r in ex.iter_rows(named=True):
            ok, text = says_something(r["explanation"], policy.min_explanation), r["explanation"]
            for seen, at in (
                (by_row, (r.get("file"), r.get("row"))),
                (by_key, (r.get("entity"), r.get("indicator"))),
            ):
                was = seen.get(at)
                seen[at] = (ok, text) if was is None else (was[0] or ok, was[1])
    explained, blocks, fixes = [], [], []
    for r in findings.iter_rows(named=True):
        row = by_row.get((r["file"], r["row"])) if r["row"] is not None else None
        key = by_key.get((r["entity"], r["indicator"])) if r["entity"] is not None else None
        e = bool(row and row[0]) or bool(key and key[0])
        severity = Severity(r["severity"])
        explained.append(e)
        blocks.append(policy.blocks(severity, e))
        fix = r["fix"]
        given = row or key
        if given and not e and severity in policy.explain:
            fix = f"{fix or ''}{'; ' if fix else ''}{_too_short(given[1], policy)}"
        fixes.append(fix)
    out = findings.with_columns(
        pl.Series("explained", explained, dtype=pl.Boolean),
        pl.Series("blocks", blocks, dtype=pl.Boolean),
        pl.Series("fix", fixes, dtype=pl.String),
    )
    rank = {"error": 0, "warning": 1, "hint": 2}
    return (
        out.with_columns(
            pl.col("severity").replace_strict(rank, default=3, return_dtype=pl.Int8).alias("_r")
        )
        .sort(["_r", "file", "row", "cell", "rule"], nulls_last=True)
        .drop("_r")
    )


def _too_short(text: str | None, policy: Policy) -> str:
    """What the fix adds when the row's explanation says too little (:func:`says_something`)."""
    n = policy.min_explanation
    zh = f"“{text}”" if text else ""
    en = f" {text!r}" if text else ""
    return (
        f"说明{zh}过短，不能作为出错说明：请用至少 {n} 个字写明原因 / the explanation{en} "
        f"says too little to clear this: write the reason in at least {n} letters or digits, "
        "not one character repeated"
    )
