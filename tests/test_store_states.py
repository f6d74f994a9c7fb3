"""Submission states per unit and period, from the command line, and the migration of an old
store."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import polars as pl
import pytest

from _submission_helpers import edit, write_sample_xlsx
from soeplan.cli import main
from soeplan.submissions.store import Store, read_store
from soeplan.submissions.store_db import StoreError, connect


def _status(store: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, dict[str, object]]:
    capsys.readouterr()
    assert main(["status", "--store", str(store), "--year", "2023", "--format", "json"]) == 0
    return {r["unit"]: r for r in json.loads(capsys.readouterr().out)}


def test_the_year_cycle_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """expected → submitted → returned → resubmitted → accepted, and every step in history."""
    store = tmp_path / "store"
    store.mkdir()
    s = _status(store, capsys)
    assert len(s) == 7 and {r["state"] for r in s.values()} == {"expected"}
    first = write_sample_xlsx(tmp_path / "q1.xlsx")
    assert main(["ingest", str(first), "--store", str(store), "--hold", "--by", "Wang"]) == 0
    assert _status(store, capsys)["qujiang"]["state"] == "submitted"
    assert read_store(store).is_empty()  # not accepted yet: not in any total
    reason = "qj.water's assets disagree with the audit"
    assert main(["store", "return", "--store", str(store), "--unit", "qujiang", "--year",
                 "2023", "--reason", reason]) == 0  # fmt: skip
    q = _status(store, capsys)["qujiang"]
    assert (q["state"], q["reason"], q["version"]) == ("returned", reason, 1)
    second = write_sample_xlsx(tmp_path / "q2.xlsx")
    edit(second, "qj.water", "revenue", 0.9)
    assert main(["ingest", str(second), "--store", str(store), "--hold"]) == 0
    assert _status(store, capsys)["qujiang"]["state"] == "resubmitted"
    assert main(["store", "accept", "--store", str(store), "--unit", "qujiang", "--year",
                 "2023"]) == 0  # fmt: skip
    q = _status(store, capsys)["qujiang"]
    assert (q["state"], q["version"], q["accepted_version"]) == ("accepted", 2, 2)
    assert set(read_store(store)["unit"]) == {"qujiang"}
    capsys.readouterr()
    assert main(["store", "history", "--store", str(store), "--unit", "qujiang", "--year",
                 "2023", "--format", "json"]) == 0  # fmt: skip
    steps = [(h["version"], h["from"], h["to"]) for h in json.loads(capsys.readouterr().out)]
    assert steps == [
        (1, "expected", "submitted"),
        (1, "submitted", "returned"),
        (2, "returned", "resubmitted"),
        (2, "resubmitted", "accepted"),
    ]
    assert main(["status", "--store", str(store), "--year", "2023", "--format", "md"]) == 0
    md = capsys.readouterr().out
    assert "已接收 accepted" in md and "待上报 expected" in md


def test_returning_an_accepted_submission_withdraws_it_from_totals(tmp_path: Path) -> None:
    store = Store(tmp_path / "s")
    from soeplan.submissions.ingest import ingest_files

    ingest_files([write_sample_xlsx(tmp_path / "q.xlsx")], store.root)
    assert set(store.accepted(2023)) == {"qujiang"}
    with pytest.raises(Exception, match="needs a reason"):
        store.set_state("qujiang", 2023, "returned", reason="  ")
    state = store.set_state("qujiang", 2023, "returned", reason="wrong year's figures")
    assert state.state == "returned" and state.accepted_version is None
    assert store.accepted(2023) == {} and read_store(store.root).is_empty()
    assert store.states(2023, ["qujiang", "kaihua"])["kaihua"].state == "expected"


def test_a_refused_resubmission_keeps_the_accepted_version_in_force(tmp_path: Path) -> None:
    from soeplan.submissions.ingest import ingest_files

    ingest_files([write_sample_xlsx(tmp_path / "ok.xlsx")], tmp_path / "s")
    bad = write_sample_xlsx(tmp_path / "bad.xlsx")
    edit(bad, "qj.water", "total_assets", "n/a")
    ingest_files([bad], tmp_path / "s")
    st = Store(tmp_path / "s").states(2023)["qujiang"]
    assert (st.state, st.version, st.accepted_version) == ("returned", 2, 1)
    assert st.errors >= 1 and "refused by validation" in st.reason
    with pytest.raises(Exception, match=r"error.*cannot be accepted"):
        Store(tmp_path / "s").set_state("qujiang", 2023, "accepted", reason="please")


def test_unexplained_warnings_are_accepted_only_with_a_reason(tmp_path: Path) -> None:
    from soeplan.submissions.ingest import ingest_files

    ingest_files([write_sample_xlsx(tmp_path / "q22.xlsx", year=2022)], tmp_path / "s")
    path = write_sample_xlsx(tmp_path / "q23.xlsx")
    edit(path, "qj.water", "total_assets", 9999.0)  # a jump: a warning, unexplained
    [r] = ingest_files([path], tmp_path / "s")
    assert r.entry is None
    st = Store(tmp_path / "s")
    assert st.states(2023)["qujiang"].state == "returned"
    with pytest.raises(Exception, match="unexplained warning"):
        st.set_state("qujiang", 2023, "accepted", reason="")
    done = st.set_state("qujiang", 2023, "accepted", reason="the new water plant", by="office")
    assert done.state == "accepted" and done.accepted_version == 1
    assert st.read("qujiang", 2023).filter(
        (pl.col("entity") == "qj.water") & (pl.col("indicator") == "total_assets")
    )["value"].to_list() == [9999.0]
    assert st.history("qujiang", 2023)[-1]["by"] == "office"


def _old_store(root: Path, frames: list[tuple[str, int, pl.DataFrame]]) -> None:
    """An old-format store, written the way the old ``Store.put`` did."""
    subs = []
    for unit, year, frame in frames:
        version = 1 + sum(1 for s in subs if s["unit"] == unit and s["year"] == year)
        data = root / "tmp.parquet"
        root.mkdir(parents=True, exist_ok=True)
        frame.write_parquet(data)
        digest = hashlib.sha256(data.read_bytes()).hexdigest()
        rel = f"data/{unit}/{year}/v{version:04d}-{digest[:12]}.parquet"
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        data.rename(root / rel)
        subs.append({"unit": unit, "year": year, "version": version, "path": rel,
                     "sha256": digest, "rows": frame.height,
                     "ingested_at": f"2024-01-0{version}T00:00:00.000000Z", "source": f"{unit}.xlsx",
                     "source_sha256": "ab" * 32, "synthetic": True,
                     "warnings_explained": version - 1})  # fmt: skip
    (root / "manifest.json").write_text(
        json.dumps({"format": 1, "kind": "soeplan-store", "submissions": subs}), encoding="utf-8"
    )


def _frame(unit: str, value: float) -> pl.DataFrame:
    from _submission_helpers import sample_frame
    from soeplan.submissions.store import canonical

    return canonical(
        sample_frame().with_columns(pl.lit(unit).alias("unit"), pl.lit(value).alias("value"))
    )


def test_migrate_brings_an_old_store_in_without_loss(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = tmp_path / "old"
    _old_store(old, [("qujiang", 2023, _frame("qujiang", 1.0)),
                     ("qujiang", 2023, _frame("qujiang", 2.0)),
                     ("kaihua", 2022, _frame("kaihua", 3.0))])  # fmt: skip
    assert main(["rollup", "--store", str(old)]) == 2  # the old format is named, with the fix
    assert "soeplan store migrate" in capsys.readouterr().err
    new = tmp_path / "new"
    assert main(["store", "migrate", str(old), "--store", str(new)]) == 0
    st = Store(new)
    assert [(e.unit, e.year, e.version, e.ingested_at[:10]) for e in st.entries()] == [
        ("kaihua", 2022, 1, "2024-01-01"),
        ("qujiang", 2023, 1, "2024-01-01"),
        ("qujiang", 2023, 2, "2024-01-02"),
    ]
    assert st.read("qujiang", 2023, 1).equals(_frame("qujiang", 1.0))
    assert st.read("qujiang", 2023).equals(_frame("qujiang", 2.0))  # the last one is accepted
    assert all(e.synthetic and e.source_sha256 == "ab" * 32 for e in st.entries())
    assert [(e.source, e.warnings_explained) for e in st.entries()] == [
        ("kaihua.xlsx", 0), ("qujiang.xlsx", 0), ("qujiang.xlsx", 1),
    ]  # fmt: skip
    assert (old / "manifest.json").exists()  # the old directory is left as it was
    out = tmp_path / "parquet"
    assert main(["store", "export", "--store", str(new), "--out", str(out)]) == 0
    figures = pl.read_parquet(out / "figures.parquet")
    assert figures.filter(pl.col("in_force"))["value"].unique().sort().to_list() == [2.0, 3.0]
    assert pl.read_parquet(out / "received.parquet").height == 3


def test_migrate_refuses_a_changed_old_file_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = tmp_path / "old"
    _old_store(old, [("qujiang", 2023, _frame("qujiang", 1.0))])
    [data] = old.glob("data/**/*.parquet")
    _frame("qujiang", 10.0).write_parquet(data)
    assert main(["store", "migrate", str(old), "--store", str(tmp_path / "new")]) == 2
    assert "was changed after it was stored" in capsys.readouterr().err
    assert not (tmp_path / "new").exists()


@pytest.mark.parametrize(
    "change",
    [
        {"format": 99},
        {"submissions": [{"path": "../../../etc/hostname"}]},
        {"duplicate": True},
        {"submissions": [{"year": "2023"}]},
    ],
)
def test_migrate_refuses_a_bad_manifest(tmp_path: Path, change: dict[str, object]) -> None:
    from soeplan.submissions.store_legacy import LegacyStoreError, legacy_entries

    old = tmp_path / "old"
    _old_store(old, [("qujiang", 2023, _frame("qujiang", 1.0))])
    raw = json.loads((old / "manifest.json").read_text(encoding="utf-8"))
    if change.get("duplicate"):
        raw["submissions"].append(raw["submissions"][0])
    elif "format" in change:
        raw["format"] = change["format"]
    else:
        raw["submissions"][0].update(change["submissions"][0])  # type: ignore[index]
    (old / "manifest.json").write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(LegacyStoreError):
        legacy_entries(old)


def test_migrate_into_an_empty_store_records_where_each_version_came_from(tmp_path: Path) -> None:
    from soeplan.submissions.store_migrate import export, migrate

    old = tmp_path / "old"
    _old_store(old, [("qujiang", 2023, _frame("qujiang", 1.0))])
    st = Store(tmp_path / "new")
    st.root.mkdir()
    connect(st.db_path, create=True).close()  # a store that exists and holds nothing yet
    assert st.exists() and st.received() == []
    assert migrate(old, st) == 1
    (change,) = st.history("qujiang", 2023)
    assert change["reason"] == (
        f"migrated from {old} (version 1, accepted 2024-01-01T00:00:00.000000Z)"
    )
    with pytest.raises(StoreError, match="already holds submissions"):
        migrate(old, st)
    nested = tmp_path / "out" / "parquet"  # written into a new directory, parents and all
    assert [p.name for p in export(st, nested)] == [
        "figures.parquet",
        "received.parquet",
        "history.parquet",
    ]
    assert len(export(st, nested)) == 3  # and again over it
