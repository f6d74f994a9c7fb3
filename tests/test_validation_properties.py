"""Properties of validation over many shapes of submission (hypothesis)."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

import soeplan
from _submission_helpers import sample_frame
from soeplan.submissions.template import required_indicators
from soeplan.submissions.validate import validate

BASE = sample_frame().select("unit", "entity", "year", "indicator", "value", "explanation")
REQUIRED = [i.code for i in required_indicators("qujiang")]
# A county metric that rolls into a core indicator is reported instead of it (Qujiang's
# qj_rated_aa for rated_aa): where an entity reports it, the core figure is not required.
_STANDS_FOR = {
    c: i.rolls_into for c, i in soeplan.get_registry().indicators.items() if i.rolls_into
}
_COVERED = {
    (e, _STANDS_FOR[i]) for e, i in BASE.select("entity", "indicator").rows() if i in _STANDS_FOR
}
KEYS = [
    k
    for k in BASE.filter(pl.col("indicator").is_in(REQUIRED)).select("entity", "indicator").rows()
    if k not in _COVERED
]


def _key(findings: pl.DataFrame) -> list[tuple[object, ...]]:
    return sorted(
        findings.select("rule", "entity", "indicator", "severity", "found").rows(), key=repr
    )


@settings(max_examples=25)
@given(seed=st.integers(0, 2**32 - 1))
def test_findings_do_not_depend_on_row_order(seed: int) -> None:
    broken = BASE.with_columns(
        pl.when(pl.col("entity") == "qj.water")
        .then(-pl.col("value"))
        .otherwise(pl.col("value"))
        .alias("value")
    )
    a = validate(broken, year=2023, unit="qujiang").findings
    b = validate(
        broken.sample(fraction=1.0, shuffle=True, seed=seed), year=2023, unit="qujiang"
    ).findings
    assert _key(a) == _key(b)


@settings(max_examples=25)
@given(gone=st.sets(st.sampled_from(KEYS), min_size=1, max_size=6))
def test_each_missing_figure_is_one_completeness_finding(gone: set[tuple[str, str]]) -> None:
    keep = BASE.filter(
        ~pl.struct("entity", "indicator").is_in([{"entity": e, "indicator": i} for e, i in gone])
    )
    report = validate(keep, year=2023, unit="qujiang")
    missing = report.findings.filter(pl.col("rule") == "core.completeness")
    assert set(missing.select("entity", "indicator").rows()) == gone
    assert not report.acceptable


@settings(max_examples=25)
@given(
    entity=st.sampled_from(sorted({e for e, _ in KEYS})),
    factor=st.floats(0.01, 100.0, allow_nan=False),
    share=st.floats(0.05, 5.0, allow_nan=False),
)
def test_prior_jump_fires_exactly_beyond_the_share(
    entity: str, factor: float, share: float
) -> None:
    prior = BASE.with_columns(
        pl.when((pl.col("entity") == entity) & (pl.col("indicator") == "total_assets"))
        .then(pl.col("value") * factor)
        .otherwise(pl.col("value"))
        .alias("value"),
        pl.lit(2022).alias("year"),
    )
    report = validate(BASE, year=2023, unit="qujiang", prior=prior, options={"jump_share": share})
    jumps = report.findings.filter(pl.col("rule") == "core.prior-jump")
    change = abs(1 / factor - 1)
    if abs(change - share) > 1e-9:
        expected = [(entity, "total_assets")] if change > share else []
        assert jumps.select("entity", "indicator").rows() == expected


def test_a_county_metric_reported_instead_of_its_core_indicator_completes_it() -> None:
    stand_ins = {c: core for c, core in _STANDS_FOR.items()}
    if not stand_ins:  # without the county plugins there is nothing to stand in
        assert not _COVERED
        return
    code, core = next(iter(stand_ins.items()))
    entity = next(e for e, i in _COVERED if i == core)
    without_core = BASE.filter(~((pl.col("entity") == entity) & (pl.col("indicator") == core)))
    found = validate(without_core, year=2023, unit="qujiang").findings
    assert found.filter(pl.col("rule") == "core.completeness").is_empty()
    without_both = without_core.filter(
        ~((pl.col("entity") == entity) & (pl.col("indicator") == code))
    )
    missing = validate(without_both, year=2023, unit="qujiang").findings.filter(
        pl.col("rule") == "core.completeness"
    )
    assert set(missing.select("entity", "indicator").rows()) == {(entity, core)}
