"""The store's record of a year through its Python API, value by value: the history's fields,
the findings kept with a refused version, the reason a refusal records, decisions on a named
version, and the time stamps (UTC whatever the machine's zone). A mutation run of the store
found each of these passed through by the tests without being looked at.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

from _submission_helpers import sample_frame
from soeplan.errors import UnknownNameError
from soeplan.frames import STORE_SCHEMA
from soeplan.submissions.store import Store, UnitState, canonical
from soeplan.submissions.store_write import StateChangeError

UTC_STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")


def _findings(n_blocking: int, *, extra: dict[str, list[object]] | None = None) -> pl.DataFrame:
    rows = {
        "severity": ["error"] * n_blocking + ["warning"],
        "rule": [f"r{i}" for i in range(1, n_blocking + 1)] + ["w"],
        "entity": ["qj.water"] * (n_blocking + 1),
        "indicator": ["revenue"] * (n_blocking + 1),
        "message_zh": [f"中{i}" for i in range(1, n_blocking + 1)] + ["中w"],
        "message_en": [f"m{i}" for i in range(1, n_blocking + 1)] + ["mw"],
        "explained": [False] * (n_blocking + 1),
        "blocks": [True] * n_blocking + [False],
    }
    return pl.DataFrame(rows | (extra or {}))


@pytest.fixture
def shanghai_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The machine's zone 8 hours from UTC, so a local time stamp would show."""
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("shanghai_clock")
def test_history_names_every_field_and_stamps_in_utc(tmp_path: Path) -> None:
    store = Store(tmp_path / "s")
    store.put(sample_frame(), unit="qujiang", year=2023, source="q.xlsx", hold=True,
              received_by="Wang")  # fmt: skip
    store.set_state("qujiang", 2023, "returned", reason="wrong sheet")
    h = store.history("qujiang", 2023)
    assert [{k: v for k, v in step.items() if k != "at"} for step in h] == [
        {
            "version": 1,
            "source": "q.xlsx",
            "from": "expected",
            "to": "submitted",
            "reason": "通过校验，待审核 passed validation; waits for the office's decision",
            "by": "Wang",
        },
        {
            "version": 1,
            "source": "q.xlsx",
            "from": "submitted",
            "to": "returned",
            "reason": "wrong sheet",
            "by": "",
        },
    ]
    now = dt.datetime.now(dt.UTC)
    for step in h:
        assert UTC_STAMP.match(step["at"]), step["at"]
        stamp = dt.datetime.strptime(step["at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.UTC)
        assert abs((now - stamp).total_seconds()) < 600


def test_a_refused_version_keeps_its_findings_and_names_three_in_its_reason(
    tmp_path: Path,
) -> None:
    store = Store(tmp_path / "s")
    findings = _findings(4)
    store.put(sample_frame(), unit="qujiang", year=2023, refused=True, findings=findings)
    kept = store.findings("qujiang", 2023, 1)
    assert kept.columns == list(findings.columns)
    assert kept.equals(findings)
    state = store.states(2023, ["qujiang"])["qujiang"]
    assert state.reason == "校验未通过 refused by validation: r1: m1; r2: m2; r3: m3; and 1 more"
    assert (state.errors, state.warnings) == (4, 1)


@pytest.mark.parametrize(
    ("findings", "reason"),
    [
        (_findings(3), "r1: m1; r2: m2; r3: m3"),  # three: nothing "more"
        (_findings(1, extra={"message_en": [None, "mw"]}), "r1: 中1"),  # Chinese when no English
        (_findings(1, extra={"message_en": [None, None], "message_zh": [None, None]}), "r1:"),
        (_findings(1).drop("blocks"), "r1: m1; w: mw"),  # no flags: every finding counts
        (None, ""),
    ],
)
def test_the_reason_a_refusal_records(
    findings: pl.DataFrame | None, reason: str, tmp_path: Path
) -> None:
    store = Store(tmp_path / "s")
    store.put(sample_frame(), unit="qujiang", year=2023, refused=True, findings=findings)
    got = store.states(2023, ["qujiang"])["qujiang"].reason
    assert got == "校验未通过 refused by validation: " + reason


def test_decisions_on_a_named_version(tmp_path: Path) -> None:
    store = Store(tmp_path / "s")
    store.put(sample_frame(), unit="qujiang", year=2023)  # v1, accepted
    for version in (None, 1):
        with pytest.raises(StateChangeError, match=r"^qujiang 2023 version 1 is already acc"):
            store.set_state("qujiang", 2023, "accepted", reason="", version=version)
    store.put(sample_frame(), unit="qujiang", year=2023, hold=True)  # v2, waits
    with pytest.raises(UnknownNameError, match=r"has no version 5 \(received: 1, 2\)"):
        store.set_state("qujiang", 2023, "accepted", reason="", version=5)
    with pytest.raises(StateChangeError, match=r"^qujiang 2023 version 2: a return needs a reason"):
        store.set_state("qujiang", 2023, "returned", reason=" ", version=2)
    state = store.set_state("qujiang", 2023, "accepted", reason="", version=2)
    assert (state.state, state.accepted_version) == ("accepted", 2)
    # accepting the earlier version again is a decision, not a repeat
    back = store.set_state("qujiang", 2023, "accepted", reason="v2 was wrong", version=1)
    assert (back.state, back.accepted_version) == ("accepted", 1)
    assert [(h["version"], h["to"]) for h in store.history("qujiang", 2023)][-2:] == [
        (2, "accepted"),
        (1, "accepted"),
    ]


def test_a_units_state_and_the_received_list_carry_every_field(tmp_path: Path) -> None:
    store = Store(tmp_path / "s")
    at = "2024-01-31T08:00:00.000000Z"
    frame = sample_frame()
    store.put(frame, unit="qujiang", year=2023, source="q.xlsx", source_sha256="ab" * 32,
              size=1234, received_by="Wang", findings=_findings(0), received_at=at)  # fmt: skip
    states = store.states(2023, ["qujiang", "kaihua"])
    assert states["kaihua"] == UnitState(unit="kaihua", year=2023, state="expected")
    assert states["qujiang"] == UnitState(
        unit="qujiang",
        year=2023,
        state="accepted",
        version=1,
        accepted_version=1,
        received_at=at,
        source="q.xlsx",
        errors=0,
        warnings=1,
        reason="通过校验 passed validation",
    )
    assert store.received() == [
        {
            "unit": "qujiang",
            "year": 2023,
            "month": None,
            "version": 1,
            "source": "q.xlsx",
            "sha256": "ab" * 32,
            "size": 1234,
            "received_at": at,
            "received_by": "Wang",
            "errors": 0,
            "warnings": 1,
            "blocking": 0,
            "rows": frame.height,
        }
    ]


def test_the_version_in_force_or_else_the_latest(tmp_path: Path) -> None:
    store = Store(tmp_path / "s")
    for _ in range(3):
        store.put(sample_frame(), unit="qujiang", year=2023, hold=True)
    assert store.entry("qujiang", 2023).version == 3  # nothing accepted: the latest
    store.set_state("qujiang", 2023, "accepted", reason="", version=2)
    assert store.entry("qujiang", 2023).version == 2  # the accepted one, not the latest
    assert store.entry("qujiang", 2023, version=1).version == 1


@pytest.mark.parametrize("n", [len(STORE_SCHEMA), len(STORE_SCHEMA) + 1])
def test_as_many_figures_as_columns_read_back_as_rows(tmp_path: Path, n: int) -> None:
    """A frame built from row tuples whose count equals its column count is ambiguous to
    polars unless told it holds rows: a submission of exactly six figures reads back whole."""
    frame = sample_frame().head(n)
    store = Store(tmp_path / "s")
    store.put(frame, unit="qujiang", year=2023)
    got = store.read("qujiang", 2023)
    assert got.height == n
    keys = ["entity", "indicator"]
    assert got.sort(keys).equals(canonical(frame).select(list(STORE_SCHEMA)).sort(keys))


def test_as_many_findings_as_columns_read_back_as_rows(tmp_path: Path) -> None:
    findings = _findings(7)  # eight findings, eight columns
    assert findings.height == findings.width
    store = Store(tmp_path / "s")
    store.put(sample_frame(), unit="qujiang", year=2023, refused=True, findings=findings)
    assert store.findings("qujiang", 2023, 1).equals(findings)


def test_what_a_put_records_by_default_and_when_told(tmp_path: Path) -> None:
    store = Store(tmp_path / "s")
    store.put(sample_frame(), unit="qujiang", year=2023)
    store.put(sample_frame(), unit="kaihua", year=2023, reason="migrated: v3 of the old store")
    [q] = [r for r in store.received() if r["unit"] == "qujiang"]
    assert (q["size"], q["errors"], q["warnings"], q["blocking"]) == (0, 0, 0, 0)
    states = store.states(2023)
    assert states["kaihua"].reason == "migrated: v3 of the old store"
    assert states["qujiang"].warnings == 0


def test_blocking_findings_are_counted_and_missing_flags_read_as_false(tmp_path: Path) -> None:
    store = Store(tmp_path / "s")
    two = _findings(2).with_columns(pl.lit("warning").alias("severity"))
    store.put(sample_frame(), unit="qujiang", year=2023, hold=True, findings=two)
    [q] = store.received()
    assert (q["warnings"], q["blocking"]) == (3, 2)
    bare = (
        _findings(2).drop("explained", "blocks").with_columns(pl.lit("warning").alias("severity"))
    )
    store.put(sample_frame(), unit="kaihua", year=2023, hold=True, findings=bare)
    [k] = [r for r in store.received() if r["unit"] == "kaihua"]
    assert k["blocking"] == 0  # no flags: nothing marked as blocking
    kept = store.findings("kaihua", 2023, 1)
    assert kept["explained"].to_list() == [False] * 3 and kept["blocks"].to_list() == [False] * 3


@pytest.mark.parametrize("unit", ["", "  ", "qu\tjiang", "qujiang\n"])
def test_a_unit_id_that_is_blank_or_holds_control_characters_is_refused(
    tmp_path: Path, unit: str
) -> None:
    store = Store(tmp_path / "s")
    with pytest.raises(UnknownNameError, match="not a unit id"):
        store.put(sample_frame(), unit=unit, year=2023)
    assert not store.exists() or store.received() == []  # nothing half-written


def test_the_entry_a_put_returns_and_the_reasons_it_records(tmp_path: Path) -> None:
    store = Store(tmp_path / "s")
    frame = sample_frame()
    entry = store.put(frame, unit="qujiang", year=2023, source="q.xlsx", source_sha256="cd" * 32,
                      synthetic=True, warnings_explained=2)  # fmt: skip
    assert (entry.unit, entry.year, entry.version, entry.path) == (
        "qujiang", 2023, 1, "soeplan.sqlite#qujiang/2023/v1",
    )  # fmt: skip
    assert (entry.rows, entry.source, entry.source_sha256) == (frame.height, "q.xlsx", "cd" * 32)
    assert (entry.synthetic, entry.warnings_explained) == (True, 2)
    assert UTC_STAMP.match(entry.ingested_at)
    state = store.states(2023, ["qujiang"])["qujiang"]
    assert state.reason == "通过校验 passed validation (2 条警告已说明 explained)"
    # a refusal with no findings given still blocks, once
    store.put(frame, unit="kaihua", year=2023, refused=True)
    [k] = [r for r in store.received() if r["unit"] == "kaihua"]
    assert k["blocking"] == 1
    assert store.states(2023, ["kaihua"])["kaihua"].state == "returned"


def test_findings_keep_their_flags_and_missing_text_reads_as_null(tmp_path: Path) -> None:
    store = Store(tmp_path / "s")
    findings = (
        _findings(1)
        .with_columns(
            pl.Series("explained", [True, None], dtype=pl.Boolean),
            pl.Series("blocks", [None, False], dtype=pl.Boolean),
        )
        .drop("entity")
    )
    store.put(sample_frame(), unit="qujiang", year=2023, hold=True, findings=findings)
    kept = store.findings("qujiang", 2023, 1)
    assert kept["explained"].to_list() == [True, False]  # a null flag reads as False
    assert kept["blocks"].to_list() == [False, False]
    assert kept["entity"].to_list() == [None, None]
