"""Reforms and the dated structure events they are (rule ``core.reform_event``).

A reform that changes the structure — a merger or integration (专业化整合) or a transfer
(资产划转) — is also an event of the structure (兼并重组 or 资产划转 in the enterprise register's
changes sheet, or a plugin's structure). :func:`reform_links` finds each reform's event: one of
the kind the reform implies (``integration``: a merge or a transfer; ``transfer``: a transfer;
a reform of another kind only when it names an event) that concerns the reform's enterprise
(as the entity or as its target: the absorbing enterprise, the new parent), dated the reform's
``event_date`` where it names one, else the nearest within a year of the reform's date.

:func:`reform_event_findings` warns of a structural reform without its event, and of a reform
naming an event date the structure does not have; and gives a hint of a merger in the structure
without a reform, for a unit whose capital operations register covers the merger's date (a
merger is a restructuring the register counts; a transfer may be an administrative move, so
one without a reform is not flagged).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from soeplan.registers.operations import ReformKind
from soeplan.rules import findings_frame
from soeplan.structure.dated import Structure
from soeplan.structure.records import EventKind, StructureEvent

__all__ = ["LINK_SCHEMA", "REFORM_EVENT_RULE", "reform_event_findings", "reform_links"]

#: The id of the findings :func:`reform_event_findings` makes.
REFORM_EVENT_RULE = "core.reform_event"
#: Columns of :func:`reform_links`.
LINK_SCHEMA: dict[str, Any] = {
    "unit": pl.String, "entity": pl.String, "date": pl.Date, "kind": pl.String,
    "event_date": pl.Date, "expects": pl.Boolean, "event_kind": pl.String,
    "event_entity": pl.String, "event_target": pl.String, "event_on": pl.Date,
}  # fmt: skip
_WINDOW = dt.timedelta(days=366)
_KINDS = {
    ReformKind.INTEGRATION: (EventKind.MERGE, EventKind.TRANSFER),
    ReformKind.TRANSFER: (EventKind.TRANSFER,),
}


def _match(r: dict[str, Any], events: list[StructureEvent]) -> StructureEvent | None:
    kind = ReformKind(r["kind"])
    kinds = _KINDS.get(kind, (EventKind.MERGE, EventKind.TRANSFER))
    near = [
        e for e in events
        if e.kind in kinds and r["entity"] in (e.entity, e.target)
        and (e.date == r["event_date"] if r["event_date"] is not None
             else abs(e.date - r["date"]) <= _WINDOW)
    ]  # fmt: skip
    return min(near, key=lambda e: (abs(e.date - r["date"]), e.entity), default=None)


def reform_links(reforms: pl.DataFrame, structure: Structure) -> pl.DataFrame:
    """Each reform that changes the structure or names an event, with the event found
    (:data:`LINK_SCHEMA`; the ``event_*`` columns null where none is): ``expects`` says the
    reform's kind implies one."""
    if "event_date" not in reforms.columns:
        reforms = reforms.with_columns(pl.lit(None, pl.Date).alias("event_date"))
    structural = {k.value for k in ReformKind if k.structural}
    rows = []
    for r in reforms.sort("date", "entity").iter_rows(named=True):
        expects = r["kind"] in structural
        if not expects and r["event_date"] is None:
            continue
        e = _match(r, list(structure.events))
        rows.append((r["unit"], r["entity"], r["date"], r["kind"], r["event_date"], expects,
                     e.kind.value if e else None, e.entity if e else None,
                     e.target if e else None, e.date if e else None))  # fmt: skip
    return pl.DataFrame(rows, schema=LINK_SCHEMA, orient="row")


def _finding(
    severity: str, unit: str, entity: str, year: int, zh: str, en: str, fix: str
) -> dict[str, Any]:
    return {"severity": severity, "rule": REFORM_EVENT_RULE, "unit": unit, "entity": entity,
            "year": year, "message_zh": zh, "message_en": en, "fix": fix}  # fmt: skip


def reform_event_findings(reforms: pl.DataFrame, structure: Structure) -> pl.DataFrame:
    """The findings of rule ``core.reform_event`` (see the module; columns
    :data:`soeplan.FINDING_SCHEMA`)."""
    links = reform_links(reforms, structure)
    rows = []
    for r in links.filter(pl.col("event_on").is_null()).iter_rows(named=True):
        kind = ReformKind(r["kind"])
        named = r["event_date"]
        said = f"关联结构变动日期 {named}" if named else "一年内"
        rows.append(_finding(
            "warning", r["unit"], r["entity"], r["date"].year,
            f"{r['entity']} {r['date']} 的{kind.zh}在企业结构中无对应的兼并重组或资产划转（{said}）",
            f"{r['entity']}: the {kind.en.lower()} of {r['date']} has no merger or transfer in "
            f"the structure ({'on ' + str(named) if named else 'within a year'})",
            "record the merger or transfer in the enterprise register's changes sheet (兼并重组 / "
            "资产划转), or correct the reform's 关联结构变动日期 (structure event date)"))  # fmt: skip
    linked = set(links.filter(pl.col("event_on").is_not_null())
                 .select("event_entity", "event_on").iter_rows())  # fmt: skip
    as_of = dict(reforms.group_by("unit").agg(pl.col("as_of").max()).iter_rows()) if (
        "as_of" in reforms.columns) else {}  # fmt: skip
    for e in structure.events:
        unit = structure.entities[e.entity].unit if e.entity in structure.entities else None
        covered = unit in as_of and (as_of[unit] is None or e.date <= as_of[unit])
        if e.kind is not EventKind.MERGE or not covered or (e.entity, e.date) in linked:
            continue
        rows.append(_finding(
            "hint", str(unit), e.entity, e.date.year,
            f"{e.entity} {e.date} 并入 {e.target}（兼并重组），资本运作台账无对应的专业化整合记录",
            f"{e.entity} merged into {e.target} on {e.date}, and the capital operations register "
            "records no integration for it",
            f"add a 专业化整合 row for {e.target} with 关联结构变动日期 {e.date} to the unit's "
            "capital operations register (soeplan operations load)"))  # fmt: skip
    return findings_frame(rows)
