"""Build a :class:`~soeplan.report.model.Report` from a run's frames and the plan.

:func:`build_report` is pure: it takes the consolidated scope totals (``scope, year, indicator,
value``; ratios as fractions), optionally the unit totals, the entity-level observations, the
findings and the report sections, and returns the report model. The yearly run
(:mod:`soeplan.run`) produces these frames from submissions; tests and notebooks can pass
any frames, for instance the plan's own published figures (:meth:`soeplan.Plan.figures_frame`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

import polars as pl

from soeplan.arithmetic.growth import cagr
from soeplan.arithmetic.rounding import Rounding
from soeplan.assessment.frame import assess_frame
from soeplan.assessment.milestones import milestones
from soeplan.assessment.records import BoundStatus, MidTerm, Status
from soeplan.context import current
from soeplan.errors import SoeplanError
from soeplan.indicators import Indicator, Kind
from soeplan.plan.model import Plan, TargetKind
from soeplan.plan.tables import build_table, target_text
from soeplan.provenance import Provider
from soeplan.report.i18n import LABELS, label
from soeplan.report.model import (
    AssessmentRow,
    Breakdown,
    Cell,
    CellFormat,
    ComplianceRow,
    DebtLines,
    DebtWatchRow,
    InputFile,
    PlanTable,
    PluginInfo,
    RenderedSection,
    Report,
    ReportMeta,
    Series,
    SetAside,
    TableRow,
)
from soeplan.rules import FINDING_SCHEMA, empty_findings
from soeplan.sections import ReportSection, SectionContext, Text

TOTALS_COLUMNS = ("scope", "year", "indicator", "value")


def _t(key: str, **fields: object) -> Text:
    zh, en = LABELS[key]
    return Text(zh.format(**fields), en.format(**fields))


def cell_format(ind: Indicator) -> CellFormat:
    if ind.kind is Kind.RATIO:
        return CellFormat.RATIO
    if ind.kind is Kind.COUNT:
        return CellFormat.COUNT
    return CellFormat.AMOUNT


def unit_text(ind: Indicator) -> Text:
    return Text(ind.unit, ind.unit_en)


def _check_totals(totals: pl.DataFrame) -> pl.DataFrame:
    missing = [c for c in TOTALS_COLUMNS if c not in totals.columns]
    if missing:
        raise SoeplanError(
            f"the totals frame lacks the column(s) {', '.join(missing)}\n"
            "  fix: pass a long frame with columns scope, year, indicator, value"
        )
    return totals.select(
        pl.col("scope").cast(pl.String),
        pl.col("year").cast(pl.Int32),
        pl.col("indicator").cast(pl.String),
        pl.col("value").cast(pl.Float64),
    )


def with_history(totals: pl.DataFrame, plan: Plan) -> pl.DataFrame:
    """The totals plus the plan's published figures for every (scope, year, indicator) they lack."""
    totals = _check_totals(totals)
    published = plan.figures_frame()
    extra = published.join(totals, on=["scope", "year", "indicator"], how="anti")
    return pl.concat([totals, extra]).sort("scope", "indicator", "year")


class _Lookup:
    def __init__(self, frame: pl.DataFrame) -> None:
        self.values: dict[tuple[str, str, int], float] = {
            (s, i, y): v for s, y, i, v in frame.select(TOTALS_COLUMNS).iter_rows() if v is not None
        }

    def get(self, scope: str, indicator: str, year: int) -> float | None:
        return self.values.get((scope, indicator, year))

    def years(self, scope: str, indicator: str) -> list[int]:
        return sorted(y for (s, i, y) in self.values if s == scope and i == indicator)


def _indicators() -> Mapping[str, Indicator]:
    return current().indicators


def plan_tables(
    plan: Plan, year: int, lookup: _Lookup, inds: Mapping[str, Indicator]
) -> list[PlanTable]:
    """Table 1 (results) and Table 2 (targets) for every scope, rows in the plan's order."""
    out: list[PlanTable] = []
    base = plan.base_year
    for layout in plan.tables:
        for scope in plan.scopes:
            sname = Text(scope.name_zh, scope.name_en)
            head = [_t("indicator"), _t("unit_of_measure")]
            rows: list[TableRow] = []
            if layout.kind == "results":
                years = sorted({*layout.years, year})
                year_cols = tuple((y, 2 + i) for i, y in enumerate(years))
                head += [_t("year_col", year=y) for y in years]
                growth_span = year > base
                if growth_span:
                    head += [
                        _t("cagr_col", start=base, end=year),
                        _t("total_growth_col", start=base, end=year),
                    ]
                for code in layout.rows:
                    ind = inds[code]
                    fmt = cell_format(ind)
                    conv = layout.rounding
                    shown = conv.ratio if fmt is CellFormat.RATIO else Rounding.HALF_UP
                    cells = [
                        Cell(lookup.get(scope.id, code, y), fmt, rounding=shown) for y in years
                    ]
                    if growth_span:
                        b, a = lookup.get(scope.id, code, base), lookup.get(scope.id, code, year)
                        amount = ind.kind is Kind.AMOUNT and b and a is not None
                        g = cagr(b, a, year - base) if amount and b and a else None
                        tg = (a / b - 1) if amount and b and a is not None else None
                        cells += [
                            Cell(g, CellFormat.GROWTH, rounding=conv.cagr),
                            Cell(tg, CellFormat.GROWTH, rounding=conv.total_growth),
                        ]
                    rows.append(
                        TableRow(code, Text(ind.name_zh, ind.name_en), unit_text(ind), tuple(cells))
                    )
                title = _t("table1_title", scope=sname.zh)
                title = Text(title.zh, label("table1_title", "en", scope=sname.en))
            else:
                head += [
                    _t("year_col", year=base),
                    _t("target_col", year=plan.target_year),
                    _t("planned_growth"),
                    _t("attribute"),
                    _t("actual_col", year=year),
                ]
                year_cols = ((base, 2), (year, 6))
                for code in layout.rows:
                    ind = inds[code]
                    fmt = cell_format(ind)
                    tgt = plan.target(scope.id, code)
                    b = lookup.get(scope.id, code, base)
                    conv = layout.rounding
                    shown = conv.ratio if fmt is CellFormat.RATIO else Rounding.HALF_UP
                    cells = [Cell(b, fmt, rounding=shown)]
                    if tgt is None:
                        cells += [
                            Cell(None, fmt),
                            Cell(None, CellFormat.GROWTH),
                            Cell(None, CellFormat.TEXT),
                        ]
                    else:
                        tv = float(tgt.value)
                        if tgt.kind is TargetKind.LEVEL:
                            cells.append(Cell(tv, fmt))
                        else:
                            cells.append(
                                Cell(
                                    tv,
                                    CellFormat.TEXT,
                                    text=Text(target_text(tgt, "zh"), target_text(tgt, "en")),
                                )
                            )
                        growth = (
                            tv / b - 1
                            if ind.kind is Kind.AMOUNT and tgt.kind is TargetKind.LEVEL and b
                            else None
                        )
                        cells.append(Cell(growth, CellFormat.GROWTH, rounding=conv.total_growth))
                        attr = "attr_binding" if tgt.binding else "attr_expected"
                        cells.append(Cell(None, CellFormat.TEXT, text=_t(attr)))
                    cells.append(Cell(lookup.get(scope.id, code, year), fmt, rounding=shown))
                    rows.append(
                        TableRow(code, Text(ind.name_zh, ind.name_en), unit_text(ind), tuple(cells))
                    )
                title = Text(
                    label("table2_title", "zh", scope=sname.zh, year=year),
                    label("table2_title", "en", scope=sname.en, year=year),
                )
            out.append(
                PlanTable(
                    number=layout.number,
                    scope=scope.id,
                    scope_name=sname,
                    title=title,
                    columns=tuple(head),
                    rows=tuple(rows),
                    year_columns=year_cols,
                )
            )
    return out


def _scope_order(plan: Plan, scope: str) -> int:
    ids = [s.id for s in plan.scopes]
    return ids.index(scope) if scope in ids else len(ids)


def assess(
    plan: Plan, year: int, totals: pl.DataFrame, inds: Mapping[str, Indicator]
) -> list[AssessmentRow]:
    """Every target of every scope, assessed for ``year`` by :func:`soeplan.assess_frame`."""
    if year <= plan.base_year:
        return []  # nothing to assess in the base year or before
    frame = assess_frame(totals, plan, year)
    rows: list[AssessmentRow] = []
    for r in frame.iter_rows(named=True):
        ind = inds.get(r["indicator"])
        tgt = plan.target(r["scope"], r["indicator"])
        if ind is None or tgt is None:
            continue
        rows.append(
            AssessmentRow(
                scope=r["scope"],
                indicator=r["indicator"],
                label=Text(ind.name_zh, ind.name_en),
                fmt=cell_format(ind),
                kind=str(r["kind"]),
                binding=tgt.binding,
                base=r["base"],
                actual=r["current"],
                milestone=r["milestone"],
                target=r["target"],
                stretch=r["stretch"],
                strict=bool(r["strict"]),
                target_year=r["target_year"],
                method=r["method"],
                required_growth=r["required_rate_remaining"],
                actual_growth=r["actual_rate"],
                completion=r["completion_share"],
                time_share=r["time_share"],
                status=Status(r["status"]) if r["status"] else None,
                midterm=MidTerm(r["category"]) if r["category"] else None,
                compliance=BoundStatus(r["compliance"]) if r["compliance"] else None,
                headroom=r["headroom"],
            )
        )
    return sorted(rows, key=lambda a: (_scope_order(plan, a.scope), _row_order(plan, a.indicator)))


def _row_order(plan: Plan, code: str) -> int:
    """An indicator's position in the plan's targets table (then its results table)."""
    for layout in sorted(plan.tables, key=lambda t: t.kind != "targets"):
        if code in layout.rows:
            return layout.rows.index(code)
    return 999


def compliance(rows: Sequence[AssessmentRow]) -> list[ComplianceRow]:
    """Binding targets (约束性): is the bound respected in the year, and by how much."""
    return [
        ComplianceRow(
            scope=a.scope,
            indicator=a.indicator,
            label=a.label,
            fmt=a.fmt,
            kind=a.kind,
            limit=a.target,
            strict=a.strict,
            actual=a.actual,
            headroom=a.headroom,
            complies=None if a.compliance is None else a.compliance is not BoundStatus.NOT_MET,
            status=a.compliance,
        )
        for a in rows
        if a.binding
    ]


def trajectories(plan: Plan, lookup: _Lookup, inds: Mapping[str, Indicator]) -> list[Series]:
    """Each target's actuals by year against its milestone path (:func:`soeplan.assessment.milestones`)."""
    paths: dict[tuple[str, str], list[tuple[int, float]]] = {}
    for scope, code, y, v in (
        milestones(plan, "compound").select("scope", "indicator", "year", "value").iter_rows()
    ):
        paths.setdefault((scope, code), []).append((y, v))
    out = []
    for scope in plan.scopes:
        for tgt in sorted(
            (t for t in plan.targets if t.scope == scope.id),
            key=lambda t: _row_order(plan, t.indicator),
        ):
            ind = inds[tgt.indicator]
            actual = tuple(
                (y, v)
                for y in lookup.years(scope.id, tgt.indicator)
                if (v := lookup.get(scope.id, tgt.indicator, y)) is not None
            )
            out.append(
                Series(
                    scope=scope.id,
                    scope_name=Text(scope.name_zh, scope.name_en),
                    indicator=tgt.indicator,
                    label=Text(ind.name_zh, ind.name_en),
                    fmt=cell_format(ind),
                    kind=tgt.kind.value,
                    actual=actual,
                    milestones=tuple(sorted(paths.get((scope.id, tgt.indicator), []))),
                    target_year=tgt.year,
                    target=float(tgt.value),
                    stretch=float(tgt.stretch) if tgt.stretch is not None else None,
                )
            )
    return out


def breakdowns(
    plan: Plan,
    year: int,
    units: pl.DataFrame | None,
    unit_names: Mapping[str, Text],
    inds: Mapping[str, Indicator],
) -> list[Breakdown]:
    if units is None or units.is_empty():
        return []
    frame = units.filter(pl.col("year") == year)
    rows = next((t.rows for t in plan.tables if t.kind == "targets"), ())
    out = []
    for code in rows:
        part = frame.filter(pl.col("indicator") == code).sort("unit")
        if part.is_empty():
            continue
        ind = inds[code]
        values = tuple(
            (str(u), unit_names.get(str(u), Text(str(u), str(u))), float(v))
            for u, v in part.select("unit", "value").iter_rows()
            if v is not None
        )
        out.append(
            Breakdown(
                indicator=code,
                label=Text(ind.name_zh, ind.name_en),
                fmt=cell_format(ind),
                values=values,
            )
        )
    return out


def debt_watch(
    year: int,
    entities: pl.DataFrame | None,
    lines: DebtLines,
    entity_names: Mapping[str, str],
    unit_names: Mapping[str, Text],
) -> list[DebtWatchRow]:
    """Entities whose debt ratio (1 − net assets / total assets) is at or above the warning line."""
    if entities is None or entities.is_empty():
        return []
    wide = (
        entities.filter(
            (pl.col("year") == year) & pl.col("indicator").is_in(["total_assets", "net_assets"])
        )
        .group_by("entity", "unit", "indicator")
        .agg(pl.col("value").sum())
        .pivot(on="indicator", index=["entity", "unit"], values="value")
    )
    if not {"total_assets", "net_assets"} <= set(wide.columns):
        return []
    out = []
    for ent, unit, ta, na in wide.select(
        "entity", "unit", "total_assets", "net_assets"
    ).iter_rows():
        if ta is None or na is None or ta <= 0:
            continue
        ratio = 1 - na / ta
        level = lines.level(ratio)
        if level is None:
            continue
        out.append(
            DebtWatchRow(
                entity=ent,
                name=entity_names.get(ent, ent),
                unit=unit,
                unit_name=unit_names.get(unit, Text(unit, unit)),
                total_assets=ta,
                net_assets=na,
                debt_ratio=ratio,
                level=level,
            )
        )
    return sorted(out, key=lambda r: (-r.debt_ratio, r.entity))


def render_sections(
    sections: Iterable[ReportSection], context: SectionContext
) -> list[RenderedSection]:
    """Render every section; one that raises is kept with its error, never taking the report down."""
    out = []
    for sec in sorted(sections, key=lambda s: (s.order, s.id)):
        provider = PluginInfo.of(sec.provider) if sec.provider else None
        try:
            content = sec.render(context)
            error = None
        except Exception as exc:  # a plugin's bug must not take the whole report down
            from soeplan.sections import SectionContent

            content, error = SectionContent(), f"{type(exc).__name__}: {exc}"
        out.append(
            RenderedSection(
                id=sec.id,
                title=sec.title,
                unit=sec.unit,
                provider=provider,
                content=content,
                error=error,
            )
        )
    return out


def build_report(
    plan: Plan,
    year: int,
    totals: pl.DataFrame,
    *,
    units: pl.DataFrame | None = None,
    entities: pl.DataFrame | None = None,
    findings: pl.DataFrame | None = None,
    set_aside: Sequence[SetAside] = (),
    sections: Iterable[ReportSection] = (),
    section_context: SectionContext | None = None,
    providers: Iterable[Provider] = (),
    inputs: Sequence[InputFile] = (),
    synthetic: bool = False,
    lang: str = "zh",
    debt_lines: DebtLines | None = None,
    unit_names: Mapping[str, Text] | None = None,
    entity_names: Mapping[str, str] | None = None,
    generated_at: dt.datetime | None = None,
    explain_example: str | None = None,
) -> Report:
    """Assemble the report of ``plan`` for ``year`` from a run's frames.

    ``totals``: ``scope, year, indicator, value`` (ratios as fractions); the plan's published
    figures fill the years the totals lack (the base year, the 13th plan's start).
    ``units``: ``unit, year, indicator, value`` for the breakdown by unit.
    ``entities``: ``entity, unit, year, indicator, value`` for the debt-ratio watch list.

    >>> import soeplan
    >>> from soeplan.report import build_report
    >>> plan = soeplan.load_plan("quzhou-14th")
    >>> report = build_report(plan, 2020, plan.figures_frame())
    >>> report.assessment   # nothing to assess in the base year itself
    ()
    >>> report.table(1, "city").rows[0].cells[1].value   # total assets, 2020, full precision
    2090.49

    """
    from soeplan._version import __version__

    if lang not in ("zh", "en"):
        raise SoeplanError(f"unknown language {lang!r}\n  fix: use zh or en")
    inds = _indicators()
    full = with_history(totals, plan)
    lookup = _Lookup(full)
    unit_names = dict(unit_names or {})
    lines = debt_lines or DebtLines()
    if findings is None:
        findings = empty_findings()
    else:
        findings = findings.select([pl.col(c).cast(t) for c, t in FINDING_SCHEMA.items()])
    context = section_context or SectionContext(year=year, plan=plan, lang=lang)
    meta = ReportMeta(
        plan_id=plan.id,
        plan_title=Text(plan.title_zh, plan.title_en),
        document=plan.document,
        year=year,
        base_year=plan.base_year,
        target_year=plan.target_year,
        scopes=tuple((s.id, Text(s.name_zh, s.name_en)) for s in plan.scopes),
        lang=lang,
        plugins=tuple(sorted({PluginInfo.of(p) for p in providers}, key=lambda p: p.plugin)),
        inputs=tuple(inputs),
        synthetic=synthetic,
        generated_at=generated_at or dt.datetime.now(dt.UTC).replace(microsecond=0),
        soeplan_version=__version__,
        debt_lines=lines,
        unit_names=tuple(sorted(unit_names.items())),
        ratio_rounding=next(
            (t.rounding.ratio for t in plan.tables if t.kind == "results"), Rounding.HALF_UP
        ),
        explain_example=explain_example
        or f"soeplan explain --data FILE --scope {plan.scopes[0].id} --indicator total_assets "
        f"--year {year}",
    )
    # a county's own targets (registered by its plugin) are assessed on its unit's totals
    unit_scopes = {t.scope for t in plan.targets} - {s.id for s in plan.scopes}
    to_assess = full
    if unit_scopes and units is not None:
        own = units.filter(pl.col("unit").is_in(sorted(unit_scopes))).select(
            pl.col("unit").cast(pl.String).alias("scope"),
            pl.col("year").cast(full.schema["year"]),
            pl.col("indicator").cast(pl.String),
            pl.col("value").cast(pl.Float64),
        )
        to_assess = pl.concat([full.select("scope", "year", "indicator", "value"), own])
    assessed = assess(plan, year, to_assess, inds)
    return Report(
        meta=meta,
        tables=tuple(plan_tables(plan, year, lookup, inds)),
        assessment=tuple(assessed),
        compliance=tuple(compliance(assessed)),
        debt_watch=tuple(debt_watch(year, entities, lines, entity_names or {}, unit_names)),
        series=tuple(trajectories(plan, lookup, inds)),
        breakdowns=tuple(breakdowns(plan, year, units, unit_names, inds)),
        sections=tuple(render_sections(sections, context)),
        set_aside=tuple(set_aside),
        findings=findings,
        totals=full,
        published={
            lg: tuple(build_table(plan, t.number, lg, inds) for t in plan.tables)
            for lg in ("zh", "en")
        },
    )
