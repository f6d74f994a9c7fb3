"""The report laid out as titled blocks of cells, once, for every writer.

A :class:`Block` is a titled table whose cells keep their number and its format; the Excel writer
writes numbers as numbers with a number format, the HTML and Markdown writers print them through
:func:`soeplan.report.format.format_value`. Cells holding deliberate data (entity names, file
names, quoted values) are marked ``data`` so that the English report can keep them as they are.
"""

from __future__ import annotations

import datetime as dt

import attrs
import polars as pl

from soeplan.arithmetic.rounding import Rounding
from soeplan.assessment.milestones import Method
from soeplan.context import current
from soeplan.report.format import column_format, difference_format, format_value, rate_format
from soeplan.report.i18n import label, one_language
from soeplan.report.model import (
    AssessmentRow,
    CellFormat,
    PartialScope,
    RenderedSection,
    Report,
    ScopeTable,
)
from soeplan.sections import SectionTable


@attrs.frozen
class Out:
    """An output cell: a number (with its format) or a text."""

    value: float | int | str | None
    fmt: CellFormat = CellFormat.TEXT
    data: bool = False  #: deliberate data, kept as it is in every language
    rounding: Rounding = Rounding.HALF_UP

    def text(self) -> str:
        if self.value is None:
            return "–" if self.fmt is not CellFormat.TEXT else ""
        if isinstance(self.value, str):
            return self.value
        if self.fmt is CellFormat.TEXT:
            return str(self.value)
        return format_value(float(self.value), self.fmt, rounding=self.rounding)


@attrs.frozen(kw_only=True)
class Block:
    key: str
    sheet: str
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[Out, ...], ...]
    notes: tuple[str, ...] = ()
    empty: str = ""
    #: the workbook stores a figure the plan truncates truncated (a number format can only
    #: round), so that its cells show what the other outputs print; else at full precision
    as_printed: bool = False


def _t(s: str) -> Out:
    return Out(s)


def _num(value: float | int | None, fmt: CellFormat, report: Report) -> Out:
    """A number; a ratio printed under the plan's ratio convention, as the plan prints it."""
    rounding = report.meta.ratio_rounding if fmt is CellFormat.RATIO else Rounding.HALF_UP
    return Out(value, fmt, rounding=rounding)


def _yn(v: bool | None, lang: str) -> Out:
    return Out("–" if v is None else label("yes" if v else "no", lang))


def plan_table_block(t: ScopeTable, lang: str, partial: str | None = None) -> Block:
    """One plan table of one scope; ``partial`` (the scope's partial marking) goes in its title
    and its notes."""
    rows = []
    for r in t.rows:
        cells = [_t(r.label(lang)), _t(r.unit(lang))]
        for c in r.cells:
            if c.text is not None:
                cells.append(Out(c.text(lang)))
            else:
                cells.append(Out(c.value, c.fmt, rounding=c.rounding))
        rows.append(tuple(cells))
    sheet = label(f"table{t.number}_sheet", lang, scope=t.scope_name(lang))
    title = t.title(lang) + (f"（{partial}）" if lang == "zh" else f" ({partial})")
    return Block(
        key=f"table{t.number}-{t.scope}",
        sheet=sheet,
        title=title if partial else t.title(lang),
        header=tuple(c(lang) for c in t.columns),
        rows=tuple(rows),
        notes=(*((partial,) if partial else ()), label("rounding_note", lang)),
    )


def scope_name(report: Report, scope: str, lang: str) -> str:
    for sid, name in (*report.meta.scopes, *report.meta.unit_names):
        if sid == scope:
            return name(lang)
    return scope


#: The assessment's columns, by label key: the same keys and order as ``soeplan assess``.
ASSESSMENT_COLUMNS = (
    "scope", "indicator", "target_kind", "attribute", "method", "base", "actual", "milestone",
    "milestone_gap", "target", "stretch", "actual_growth", "required_rate", "required_growth", "ratio",
    "verdict", "status", "completion", "time_share", "midterm", "projection", "gap", "headroom",
)  # fmt: skip


def assessment_cells(
    a: AssessmentRow,
    scope: str,
    lang: str,
    ratio_rounding: Rounding = Rounding.HALF_UP,
    *,
    partial: bool = False,
) -> tuple[Out, ...]:
    """One assessed target's cells, every number in the one format of its kind: half-up, but
    values of ratios under the plan's convention (``ratio_rounding``), as the plan prints them.

    A target of a ``partial`` scope (totalled without some of its units) gets no verdict: its
    verdict and status cells say so instead.
    """
    rate = rate_format(a.method, a.fmt)
    rounding = ratio_rounding if a.fmt is CellFormat.RATIO else Rounding.HALF_UP

    def value(v: float | None) -> Out:
        return Out(v, a.fmt, rounding=rounding)

    # a path's value of a count is no count: 0.60 家 is the 2023 milestone of a target of 1
    on_path = difference_format(a.fmt) if a.fmt is CellFormat.COUNT else a.fmt

    diff = difference_format(a.fmt)
    state = a.status.label(lang) if a.status else ""
    no_status = label("partial_no_status", lang)
    return (
        _t(scope),
        _t(a.label(lang)),
        _t(label(f"kind_{a.kind}", lang)),
        _t(label("attr_binding" if a.binding else "attr_expected", lang)),
        _t(Method(a.method).label(lang) if a.method else ""),
        value(a.base),
        value(a.actual),
        Out(a.milestone, on_path, rounding=rounding),
        Out(a.milestone_gap, diff),
        value(a.target),
        value(a.stretch),
        Out(a.actual_growth, rate),
        Out(a.required_rate, rate),
        Out(a.required_growth, rate),
        Out(a.ratio, CellFormat.AMOUNT),
        _t(no_status if partial else (a.verdict.label(lang) if a.verdict else "")),
        _t(no_status if partial else state or (a.compliance.label(lang) if a.compliance else "")),
        Out(a.completion, CellFormat.GROWTH),
        Out(a.time_share, CellFormat.GROWTH),
        _t(a.midterm.label(lang) if a.midterm else ""),
        Out(a.projection, on_path, rounding=rounding),
        Out(a.gap, diff),
        Out(a.headroom, diff),
    )


def assessment_block(report: Report) -> Block:
    lang = report.lang
    partial = tuple(partial_line(report, p) for p in report.meta.partial)
    return Block(
        key="assessment",
        sheet=label("assessment", lang),
        title=label("assessment", lang) + f" {report.meta.year}",
        header=tuple(label(h, lang) for h in ASSESSMENT_COLUMNS),
        rows=tuple(
            assessment_cells(
                a,
                scope_name(report, a.scope, lang),
                lang,
                report.meta.ratio_rounding,
                partial=bool(report.partial_note(a.scope)),
            )
            for a in report.assessment
        ),
        notes=(*partial, label("assessment_note", lang)),
        empty=label("nothing_to_assess", lang),
        as_printed=True,
    )


def compliance_block(report: Report) -> Block:
    lang = report.lang
    header = (
        "scope",
        "indicator",
        "target_kind",
        "limit",
        "actual",
        "headroom",
        "complies",
        "compliance_status",
    )
    rows = tuple(
        (
            _t(scope_name(report, c.scope, lang)),
            _t(c.label(lang)),
            _t(label(f"kind_{c.kind}", lang)),
            # the same figures as the assessment's, in the same format
            _num(c.limit, c.fmt, report),
            _num(c.actual, c.fmt, report),
            Out(c.headroom, difference_format(c.fmt)),
            _yn(c.complies, lang),
            _t(
                label("partial_no_status", lang)
                if report.partial_note(c.scope)
                else (c.status.label(lang) if c.status else "")
            ),
        )
        for c in report.compliance
    )
    return Block(
        key="compliance",
        sheet=label("compliance", lang),
        title=label("compliance", lang),
        header=tuple(label(h, lang) for h in header),
        rows=rows,
        empty=label("none", lang),
    )


def debt_watch_block(report: Report) -> Block:
    lang = report.lang
    lines = report.meta.debt_lines
    header = (
        "entity_id", "entity", "county_unit", "total_assets", "net_assets", "debt_ratio",
        "watch_level",
    )  # fmt: skip
    rows = tuple(
        (
            Out(w.entity, data=True),
            Out(w.name, data=True),
            _t(w.unit_name(lang)),
            Out(w.total_assets, CellFormat.AMOUNT),
            Out(w.net_assets, CellFormat.AMOUNT),
            _num(w.debt_ratio, CellFormat.RATIO, report),
            _t(label(w.level.label_key, lang)),
        )
        for w in report.debt_watch
    )
    note = label(
        "debt_lines_note",
        lang,
        warning=format_value(lines.warning, CellFormat.RATIO),
        keyline=format_value(lines.key_supervision, CellFormat.RATIO),
        source=label("debt_lines_source", lang),
    )
    return Block(
        key="debt-watch",
        sheet=label("debt_watch", lang),
        title=label("debt_watch", lang),
        header=tuple(label(h, lang) for h in header),
        rows=rows,
        notes=(note,),
        empty=label("no_watch", lang),
    )


def findings_block(report: Report) -> Block:
    lang = report.lang
    header = (
        "severity", "rule", "county_unit", "entity", "indicator", "year", "where",
        "expected", "found", "message", "fix",
    )  # fmt: skip
    rows = []
    inds = current().indicators
    entities = dict(report.meta.entity_names)
    known = {u for u, _ in report.meta.unit_names}

    def unit_known(unit: str) -> bool:
        return unit in known

    for f in report.findings.iter_rows(named=True):
        where = " ".join(str(f[k]) for k in ("file", "sheet", "cell") if f.get(k) not in (None, ""))
        if f.get("row") is not None and not f.get("cell"):
            where += f" row {f['row']}" if lang == "en" else f" 第{f['row']}行"
        sev = f.get("severity") or ""
        ind = inds.get(f.get("indicator") or "")
        unit = f.get("unit") or ""
        rows.append(
            (
                _t(label(f"sev_{sev}", lang) if sev in ("hint", "warning", "error") else sev),
                Out(f.get("rule") or ""),
                Out(scope_name(report, unit, lang) if unit else "", data=not unit_known(unit)),
                Out(entities.get(f.get("entity") or "", f.get("entity") or ""), data=True),
                _t(ind.name(lang) if ind is not None else f.get("indicator") or ""),
                Out(f.get("year"), CellFormat.TEXT),
                Out(where.strip(), data=True),
                Out(one_language(f.get("expected") or "", lang), data=True),
                Out(f.get("found") or "", data=True),
                _t((f.get("message_zh") if lang == "zh" else f.get("message_en")) or ""),
                Out(one_language(f.get("fix") or "", lang), data=True),
            )
        )
    return Block(
        key="findings",
        sheet=label("findings", lang),
        title=label("findings", lang),
        header=tuple(label(h, lang) for h in header),
        rows=tuple(rows),
        empty=label("no_findings", lang),
    )


def set_aside_block(report: Report) -> Block:
    lang = report.lang
    rows: tuple[tuple[Out, ...], ...] = tuple(
        (
            _t(s.name(lang)),
            _t(label("set_aside_reason", lang)),
            Out(s.errors, CellFormat.COUNT),
        )
        for s in report.set_aside
    )
    rows += _missing_rows(report, {s.unit for s in report.set_aside})
    return Block(
        key="set-aside",
        sheet=label("set_aside", lang),
        title=label("set_aside", lang),
        header=(label("county_unit", lang), label("reason", lang), label("sev_error", lang)),
        rows=rows,
        empty=label("nothing_set_aside", lang),
    )


def _missing_rows(report: Report, listed: set[str]) -> tuple[tuple[Out, ...], ...]:
    """The units a partial scope misses that are not already listed as set aside."""
    lang = report.lang
    rows: list[tuple[Out, ...]] = []
    seen = set(listed)
    for p in report.meta.partial:
        if p.year is not None:
            continue  # an earlier year's: in the notes and the provenance
        for unit, text in zip(p.units, p.missing, strict=True):
            if unit in seen:
                continue
            seen.add(unit)
            rows.append((_t(text(lang)), _t(label("partial_scope", lang)), Out(None)))
    return tuple(rows)


def _frame_cell(v: object, fmt: CellFormat | None = None) -> Out:
    if v is None:
        return Out(None, fmt or CellFormat.TEXT)
    if isinstance(v, bool):
        return Out(str(v))
    if isinstance(v, int | float) and fmt is not None:
        return Out(v, fmt) if fmt is not CellFormat.TEXT else Out(str(v))
    if isinstance(v, int):
        return Out(v, CellFormat.COUNT)
    if isinstance(v, float):
        return Out(v, CellFormat.AMOUNT)
    if isinstance(v, dt.date):
        return Out(v.isoformat())
    return Out(str(v), data=True)


def section_table_block(sec: RenderedSection, table: SectionTable, i: int, lang: str) -> Block:
    """A section's table; each column's numbers in the format its ``formats`` entry names, or
    its indicator's when the column is named by an indicator's code
    (:func:`soeplan.report.format.column_format`)."""
    frame: pl.DataFrame = table.frame
    header = tuple(table.labels[c](lang) if c in table.labels else c for c in frame.columns)
    formats = getattr(table, "formats", {}) or {}
    inds = current().indicators
    fmts = [
        column_format(c, formats.get(c), frame[c].to_list(), inds)
        if frame.schema[c].is_numeric()
        else None
        for c in frame.columns
    ]
    rows = tuple(
        tuple(_frame_cell(v, f) for v, f in zip(row, fmts, strict=True))
        for row in frame.iter_rows()
    )
    return Block(
        key=f"section-{sec.id}-{i}",
        sheet=sec.title(lang),
        title=table.title(lang),
        header=header,
        rows=rows,
    )


def partial_line(report: Report, p: PartialScope) -> str:
    """The sentence that says a scope is partial (the report's year: not assessed; an earlier
    year: its totals in the charts are incomplete)."""
    key = "summary_partial" if p.year is None else "summary_partial_year"
    lang = report.lang
    return label(key, lang, scope=scope_name(report, p.scope, lang), note=p.note(lang))


def banner(report: Report) -> str | None:
    """The synthetic-data banner: all figures, or only some units' (``None``: real figures)."""
    m = report.meta
    if m.synthetic_units:
        units = label("list_sep", report.lang).join(m.synthetic_units)
        return label("synthetic_units_banner", report.lang, units=units)
    return label("synthetic_banner", report.lang) if m.synthetic else None


def not_included(report: Report) -> int:
    """How many units are out of the rollup: set aside, or missing from a partial scope."""
    return len(
        {s.unit for s in report.set_aside}
        | {u for p in report.meta.partial if p.year is None for u in p.units}
    )


def about_rows(report: Report) -> list[tuple[str, str, bool]]:
    """(item, value, value-is-data) rows of the about sheet and the provenance section."""
    m = report.meta
    lang = report.lang
    rows: list[tuple[str, str, bool]] = [
        (label("plan", lang), m.plan_title(lang), False),
        (label("document", lang), m.document, True),
        (label("year", lang), str(m.year), False),
        (label("scopes", lang), label("list_sep", lang).join(n(lang) for _, n in m.scopes), False),
        (label("language", lang), label("lang_name", lang), False),
        (label("generated_at", lang), m.generated_at.strftime("%Y-%m-%d %H:%M:%S UTC"), False),
        (label("soeplan_version", lang), m.soeplan_version, False),
        (
            label("synthetic", lang),
            label("synthetic_yes", lang) if m.synthetic else label("no", lang),
            False,
        ),
    ]
    for p in m.plugins:
        rows.append(
            (label("plugin", lang), f"{p.plugin} {p.distribution} {p.version}".strip(), False)
        )
    for failure in m.plugin_failures:
        rows.append((label("plugin_failure", lang), failure.text(lang), True))
    if m.synthetic_units:
        units = label("list_sep", lang).join(m.synthetic_units)
        rows[7] = (label("synthetic", lang), label("synthetic_some", lang, units=units), False)
    for part in m.partial:
        name = scope_name(report, part.scope, lang)
        rows.append((label("partial_scope", lang), f"{name}: {part.note(lang)}", False))
    for f in m.inputs:
        rows.append((label("file", lang), f"{f.path}  sha256:{f.sha256}", True))
    if not m.inputs:
        rows.append((label("inputs", lang), label("no_inputs", lang), False))
    return rows


def section_failure(sec: RenderedSection, lang: str) -> str | None:
    """What a section that failed shows instead of its content (``None``: it rendered)."""
    if sec.failure is not None:
        colon = "：" if lang == "zh" else ": "
        return f"{label('plugin_failure', lang)}{colon}{sec.failure.text(lang)}"
    return sec.error


def section_blocks(report: Report, sec: RenderedSection) -> list[Block]:
    """The tables of one rendered section, as blocks."""
    return [section_table_block(sec, t, i, report.lang) for i, t in enumerate(sec.content.tables)]


def blocks(report: Report, *, sections: bool = True) -> list[Block]:
    """Every block of the report, in order (the plugin sections' tables last, unless excluded)."""
    lang = report.lang
    out = [
        plan_table_block(t, lang, report.partial_note(t.scope))
        for t in sorted(report.tables, key=lambda t: (t.number, t.scope))
    ]
    out += [
        assessment_block(report),
        compliance_block(report),
        debt_watch_block(report),
        findings_block(report),
        set_aside_block(report),
    ]
    if sections:
        for sec in report.sections:
            out += section_blocks(report, sec)
    return out
