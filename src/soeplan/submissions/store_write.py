"""Writing to the store's database, inside a transaction the caller holds
(:meth:`soeplan.submissions.store.Store.put` and ``set_state``)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import Any

import polars as pl

from soeplan.errors import SoeplanError, UnknownNameError
from soeplan.periods import Period
from soeplan.submissions.store_model import ENTRY_SQL, STATES, StoreEntry, entry_of


class StateChangeError(SoeplanError):
    """The office asked for a change of state that does not apply (exit code 1)."""

    exit_code = 1


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _state(con: sqlite3.Connection, unit: str, year: int, month: int) -> tuple[str, int | None]:
    row = con.execute(
        "SELECT state, accepted_id FROM states WHERE unit = ? AND year = ? AND month = ?",
        (unit, year, month),
    ).fetchone()
    return (row[0], row[1]) if row else ("expected", None)


def _move(
    con: sqlite3.Connection,
    unit: str,
    year: int,
    received_id: int,
    to: str,
    *,
    reason: str,
    at: str,
    by: str = "",
    withdraw: bool = False,
    month: int = 0,
) -> None:
    """Move (unit, period) to state ``to`` for a received version. The accepted version stays in
    force until another is accepted, or ``withdraw`` (the office returns that very version)."""
    before, accepted_id = _state(con, unit, year, month)
    if to == "accepted":
        accepted_id = received_id
    elif withdraw and accepted_id == received_id:
        accepted_id = None
    con.execute(
        "INSERT INTO states (unit, year, month, state, received_id, accepted_id, reason, "
        "changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (unit, year, month) DO UPDATE "
        "SET state = excluded.state, received_id = excluded.received_id, "
        "accepted_id = excluded.accepted_id, reason = excluded.reason, "
        "changed_at = excluded.changed_at",
        (unit, year, month, to, received_id, accepted_id, reason, at),
    )
    con.execute(
        "INSERT INTO state_changes (unit, year, month, received_id, from_state, to_state, "
        "reason, at, by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (unit, year, month, received_id, before, to, reason, at, by),
    )


def _findings_reason(findings: pl.DataFrame | None) -> str:
    if findings is None or findings.is_empty():
        return ""
    blocking = findings.filter(pl.col("blocks")) if "blocks" in findings.columns else findings
    parts = [
        f"{r.get('rule')}: {r.get('message_en') or r.get('message_zh') or ''}".strip()
        for r in blocking.head(3).to_dicts()
    ]
    more = blocking.height - len(parts)
    return "; ".join(parts) + (f"; and {more} more" if more > 0 else "")


def _insert_findings(con: sqlite3.Connection, rid: int, findings: pl.DataFrame | None) -> None:
    if findings is None or findings.is_empty():
        return
    cols = ["severity", "rule", "entity", "indicator", "message_zh", "message_en"]
    flags = ["explained", "blocks"]
    frame = findings.select(
        [
            (pl.col(c) if c in findings.columns else pl.lit(None)).cast(pl.String).alias(c)
            for c in cols
        ]
        + [
            (pl.col(c) if c in findings.columns else pl.lit(False)).fill_null(False).alias(c)
            for c in flags
        ]
    )
    con.executemany(
        "INSERT INTO findings (received_id, seq, severity, rule, entity, indicator, message_zh, "
        "message_en, explained, blocks) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(rid, i, *row) for i, row in enumerate(frame.iter_rows())],
    )


def _counts(findings: pl.DataFrame | None) -> tuple[int, int, int]:
    if findings is None or findings.is_empty():
        return 0, 0, 0
    sev = findings["severity"]
    blocking = int(findings["blocks"].sum()) if "blocks" in findings.columns else 0
    return int((sev == "error").sum()), int((sev == "warning").sum()), blocking


def record(
    con: sqlite3.Connection,
    data: pl.DataFrame,
    *,
    unit: str,
    year: int,
    meta: dict[str, Any],
    digest: str,
    findings: pl.DataFrame | None,
    state: str,
    month: int = 0,
) -> StoreEntry:
    """Insert one received file (its figures and findings) and move its state.

    Long: one INSERT per table, in the order the foreign keys need."""
    if not isinstance(unit, str) or not unit.strip() or any(ord(ch) < 32 for ch in unit):
        raise UnknownNameError(f"not a unit id: {unit!r}\n  fix: pass a unit id from the plan")
    at = meta.get("received_at") or _now()
    con.execute("INSERT OR IGNORE INTO units (id) VALUES (?)", (unit,))
    con.execute("INSERT OR IGNORE INTO periods (year) VALUES (?)", (year,))
    (last,) = con.execute(
        "SELECT COALESCE(MAX(version), 0) FROM received WHERE unit = ? AND year = ? AND month = ?",
        (unit, year, month),
    ).fetchone()
    errors, warnings, blocking = _counts(findings)
    if state == "returned":
        blocking = max(blocking, 1)
    cur = con.execute(
        "INSERT INTO received (unit, year, month, version, name, sha256, size, received_at, "
        "received_by, synthetic, warnings_explained, errors, warnings, blocking, has_figures, "
        "rows, figures_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
        (
            unit,
            year,
            month,
            last + 1,
            meta["name"],
            meta["sha256"],
            meta["size"],
            at,
            meta["received_by"],
            int(meta["synthetic"]),
            meta["warnings_explained"],
            errors,
            warnings,
            blocking,
            data.height,
            digest,
        ),
    )
    rid = cur.lastrowid
    assert rid is not None
    con.executemany(
        "INSERT INTO figures (received_id, seq, unit, entity, year, indicator, value, explanation) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(rid, i, *row) for i, row in enumerate(data.iter_rows())],
    )
    _insert_findings(con, rid, findings)
    before, _ = _state(con, unit, year, month)
    if state == "submitted" and before == "returned":
        state = "resubmitted"
    if state == "returned":
        reason = "校验未通过 refused by validation: " + _findings_reason(findings)
    elif state == "accepted":
        n = meta["warnings_explained"]
        reason = "通过校验 passed validation" + (f" ({n} 条警告已说明 explained)" if n else "")
    else:
        reason = "通过校验，待审核 passed validation; waits for the office's decision"
    reason = meta.get("reason") or reason
    _move(con, unit, year, rid, state, reason=reason, at=at, by=meta["received_by"], month=month)
    row = con.execute(ENTRY_SQL + " WHERE id = ?", (rid,)).fetchone()
    return entry_of(row)


def change_state(
    con: sqlite3.Connection,
    unit: str,
    year: int,
    to: str,
    *,
    reason: str,
    version: int | None,
    by: str,
    at: str,
    month: int = 0,
) -> None:
    """The office's decision on a received version: accept it or return it, with a reason.

    Long: each refusal names the version and the fix; they read best in one place."""
    if to not in ("accepted", "returned"):
        raise StateChangeError(f"the office can accept or return a submission, not {to!r}")
    rows = con.execute(
        "SELECT id, version, errors, blocking FROM received WHERE unit = ? AND year = ? "
        "AND month = ? ORDER BY version",
        (unit, year, month),
    ).fetchall()
    period = Period(year, month or None)
    if not rows:
        raise UnknownNameError(
            f"nothing received from {unit} for {period}\n"
            "  fix: check --unit and --year or --period (soeplan status shows what was received)"
        )
    pick = rows[-1] if version is None else next((r for r in rows if r[1] == version), None)
    if pick is None:
        known = ", ".join(str(r[1]) for r in rows)
        raise UnknownNameError(
            f"{unit} {period} has no version {version} (received: {known})\n"
            "  fix: pick a version soeplan store history shows"
        )
    rid, v, errors, blocking = pick
    state, accepted_id = _state(con, unit, year, month)
    where = f"{unit} {period} version {v}"
    if to == "returned" and not reason.strip():
        raise StateChangeError(f'{where}: a return needs a reason\n  fix: pass --reason "..."')
    if to == "accepted":
        if errors:
            raise StateChangeError(
                f"{where} has {errors} error(s) and cannot be accepted\n"
                "  fix: return it; the unit corrects its file and sends it again"
            )
        if blocking and not reason.strip():
            raise StateChangeError(
                f"{where} has {blocking} unexplained warning(s)\n"
                "  fix: accept it with --reason saying why the warnings are acceptable"
            )
        if state == "accepted" and accepted_id == rid:
            raise StateChangeError(f"{where} is already accepted ({STATES['accepted']})")
    _move(con, unit, year, rid, to, reason=reason.strip(), at=at, by=by, withdraw=True, month=month)
