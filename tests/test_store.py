"""The store: versions by unit and year, atomic replacement, and an interrupted ingest."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from _submission_helpers import edit, write_sample_xlsx
from soeplan.submissions.ingest import ingest_files
from soeplan.submissions.store import FAULT_ENV, Store, read_store


def test_ingest_then_resubmit_keeps_the_earlier_version(tmp_path: Path) -> None:
    store = tmp_path / "store"
    first = write_sample_xlsx(tmp_path / "q1.xlsx")
    [r1] = ingest_files([first], store)
    assert r1.entry is not None and r1.entry.version == 1
    second = write_sample_xlsx(tmp_path / "q2.xlsx")
    edit(second, "qj.water", "revenue", 0.9)
    [r2] = ingest_files([second], store)
    assert r2.entry is not None and r2.entry.version == 2
    st = Store(store)
    assert [(e.unit, e.year, e.version) for e in st.entries()] == [
        ("qujiang", 2023, 1),
        ("qujiang", 2023, 2),
    ]
    assert st.entries()[0].ingested_at < st.entries()[1].ingested_at
    current = st.read("qujiang", 2023).filter(
        (pl.col("entity") == "qj.water") & (pl.col("indicator") == "revenue")
    )
    earlier = st.read("qujiang", 2023, 1).filter(
        (pl.col("entity") == "qj.water") & (pl.col("indicator") == "revenue")
    )
    assert current["value"].to_list() == [0.9]
    assert earlier["value"].to_list() != [0.9]
    frame = read_store(store, year=2023)
    assert frame.columns == ["unit", "entity", "year", "indicator", "value"]
    assert frame.filter((pl.col("entity") == "qj.water") & (pl.col("indicator") == "revenue"))[
        "value"
    ].to_list() == [0.9]
    assert read_store(store, year=2022).height == 0
    assert st.entries()[1].synthetic


def snapshot(store: Path) -> tuple[object, ...]:
    """What a reader of the store sees: versions, received files, states, accepted figures."""
    st = Store(store)
    return (st.entries(), st.received(), st.states(2023), read_store(store).rows())


def test_blocked_submission_is_recorded_returned_and_the_accepted_figures_untouched(
    tmp_path: Path,
) -> None:
    store = tmp_path / "store"
    ingest_files([write_sample_xlsx(tmp_path / "ok.xlsx")], store)
    accepted_before = read_store(store).rows()
    entries_before = Store(store).entries()
    bad = write_sample_xlsx(tmp_path / "bad.xlsx")
    edit(bad, "qj.water", "total_assets", "n/a")
    [r] = ingest_files([bad], store)
    assert r.entry is None and not r.checked.acceptable and r.version == 2
    st = Store(store)
    assert read_store(store).rows() == accepted_before
    assert st.entries() == entries_before
    assert [f["source"] for f in st.received()] == ["ok.xlsx", "bad.xlsx"]
    state = st.states(2023)["qujiang"]
    assert state.state == "returned" and state.version == 2 and state.errors >= 1
    assert "refused by validation" in state.reason
    assert st.findings("qujiang", 2023, 2)["severity"].to_list().count("error") == state.errors


def test_prior_year_from_the_store_feeds_the_jump_rule(tmp_path: Path) -> None:
    store = tmp_path / "store"
    ingest_files([write_sample_xlsx(tmp_path / "q22.xlsx", year=2022)], store)
    path = write_sample_xlsx(tmp_path / "q23.xlsx")
    edit(path, "qj.water", "total_assets", 9999.0)
    [r] = ingest_files([path], store)
    jumps = r.checked.report.findings.filter(pl.col("rule") == "core.prior-jump")
    assert jumps["entity"].to_list() == ["qj.water"]
    assert r.entry is None  # unexplained warning blocks


def test_an_ingest_that_raises_leaves_the_store_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "store"
    ingest_files([write_sample_xlsx(tmp_path / "a.xlsx")], store)
    before = snapshot(store)
    monkeypatch.setenv(FAULT_ENV, "raise")
    from soeplan.submissions.store import StoreError

    with pytest.raises(StoreError, match="fault injected"):
        ingest_files([write_sample_xlsx(tmp_path / "b.xlsx")], store)
    monkeypatch.delenv(FAULT_ENV)
    assert snapshot(store) == before


def test_killing_an_ingest_midway_leaves_the_store_unchanged(tmp_path: Path) -> None:
    store = tmp_path / "store"
    ingest_files([write_sample_xlsx(tmp_path / "a.xlsx")], store)
    before = snapshot(store)
    second = write_sample_xlsx(tmp_path / "b.xlsx")
    env = {**os.environ, FAULT_ENV: "sleep:60"}
    code = "import sys; from soeplan.cli import main; sys.exit(main(sys.argv[1:]))"
    proc = subprocess.Popen(
        [sys.executable, "-c", code, "ingest", str(second), "--store", str(store)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()  # blocks until the ingest reaches the fault point
        assert "fault point reached" in line, line
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert snapshot(store) == before
    assert [e.version for e in Store(store).entries()] == [1]
    # the next ingest works and becomes version 2
    [r] = ingest_files([second], store)
    assert r.entry is not None and r.entry.version == 2


def test_an_old_format_store_is_named_with_the_migration(tmp_path: Path) -> None:
    from soeplan.submissions.store import StoreError

    store = tmp_path / "store"
    store.mkdir()
    (store / "manifest.json").write_text("{}", encoding="utf-8")
    with pytest.raises(StoreError, match=r"old format.*\n.*soeplan store migrate"):
        Store(store).entries()


def test_the_rollup_reads_the_store(tmp_path: Path) -> None:
    """Every unit's sample for 2020, ingested, rolls up to Table 1's city-wide total assets."""
    from soeplan.consolidation.records import scope_totals
    from soeplan.consolidation.rollup import rollup
    from soeplan.plan.load import load_plan
    from soeplan.structure.city import city_structure
    from soeplan.submissions.sample import write_sample

    store = tmp_path / "store"
    units = ["municipal", "kecheng", "qujiang", "jiangshan", "changshan", "kaihua", "longyou"]
    files = [tmp_path / f"{u}.parquet" for u in units]
    for unit, path in zip(units, files, strict=True):
        write_sample(path, unit=unit, year=2020)
    results = ingest_files(files, store)
    assert all(r.entry is not None for r in results), [
        r.checked.report.blocking.select("rule", "entity", "message_en").rows()
        for r in results
        if r.entry is None
    ]
    frame = read_store(store, year=2020)
    totals = scope_totals(rollup(frame, city_structure(sample=True), years=[2020]), lang="en")
    city = totals.filter((pl.col("scope") == "City-wide") & (pl.col("indicator") == "total_assets"))
    published = load_plan("quzhou-14th").figure("city", "total_assets", 2020)
    assert published is not None
    assert round(city["value"][0], 2) == float(published.value)


def test_submitted_ratios_are_checked_but_not_stored(tmp_path: Path) -> None:
    from _submission_helpers import sample_frame, write_csv

    frame = sample_frame()
    water = {
        r["indicator"]: r["value"] for r in frame.filter(pl.col("entity") == "qj.water").to_dicts()
    }
    ratio = round(1 - water["net_assets"] / water["total_assets"], 4)
    row = {
        "unit": "qujiang",
        "entity": "qj.water",
        "year": 2023,
        "indicator": "debt_ratio",
        "value": ratio,
    }
    path = write_csv(
        tmp_path / "r.csv", pl.concat([frame, pl.DataFrame([row])], how="diagonal_relaxed")
    )
    [r] = ingest_files([path], tmp_path / "store")
    assert r.entry is not None and r.entry.rows == frame.height
    assert "debt_ratio" not in set(Store(tmp_path / "store").read("qujiang", 2023)["indicator"])


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    import threading

    from _submission_helpers import sample_frame

    store = Store(tmp_path / "store")
    frame = sample_frame()
    errors: list[BaseException] = []

    def put(i: int) -> None:
        try:
            store.put(
                frame.with_columns(pl.lit(float(i)).alias("value")), unit="qujiang", year=2023
            )
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=put, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    entries = store.entries()
    assert [e.version for e in entries] == [1, 2, 3, 4, 5, 6]
    seen = {store.read("qujiang", 2023, e.version)["value"][0] for e in entries}
    assert seen == {float(i) for i in range(6)}  # every writer's data kept, none overwritten
