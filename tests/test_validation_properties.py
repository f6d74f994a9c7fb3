"""Properties of validation over many shapes of submission (hypothesis)."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from _submission_helpers import sample_frame
from soeplan.templates import required_indicators
from soeplan.validation import validate

BASE = sample_frame().select("unit", "entity", "year", "indicator", "value", "explanation")
REQUIRED = [i.code for i in required_indicators("qujiang")]
KEYS = BASE.filter(pl.col("indicator").is_in(REQUIRED)).select("entity", "indicator").rows()


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
