"""The bundled sample: synthetic enterprise-level figures (示例数据（合成），非真实企业数据).

**Every number this module produces is synthetic.** The enterprises of
``data/sample/structure.toml`` are invented examples; their figures are generated here so that
soeplan can be run, tested and documented end to end. They are built to roll up to the plan's
published totals, and must never be read as real company figures.

What is exact, and what is invented:

* **Exact**: summed over the entities of the units composing each scope (全市 = every unit, 市区 =
  the units of the ``urban`` scope in ``data/structures/quzhou.toml``), the amounts (total assets,
  net assets, revenue, total profit, net profit, 亿元) and the counts (AAA, AA+, AA, listed) equal
  Table 1 of the plan for 2015 and 2020 to the cent. Each entity gets an integer number of cents;
  the totals are read from :func:`soeplan.load_plan` and split by the largest-remainder method, so
  the parts sum to the published total exactly. Ratios are not generated: recomputed from the summed
  amounts, they reproduce the published ones (the document truncates them to 0.01 pp).
  The city's 2015 net profit above its total profit (8.83 > 8.76) is kept as published; in the
  sample it comes from a (synthetic) deferred-tax credit of ``ly.industry`` in Longyou.
* **Invented** (synthetic assumptions; the tables named here are in
  :mod:`soeplan.sample_profiles`):

  - *Groups*. 市区 (urban) and the rest of the city (全市 − 市区) get their published totals; the
    years 2016–2019 interpolate geometrically between 2015 and 2020 with a seeded wobble of at most
    ±2 %; 2021–2023 grow at the rates of ``GROWTH`` (total assets roughly on the compound path to the
    2025 target; revenue and profits lagging, with a dip in 2022; net assets slower than assets,
    so the debt ratio rises but stays under the 65 % ceiling).
  - *Units*. Within each group, units get a share of every amount in proportion to their size
    weight (``UNIT_PROFILES``): 市本级 about 70 % of 市区, 柯城区 and 衢江区 sharing the rest; 江山市
    the largest county unit, then 龙游县, 常山县 and 开化县. A unit's (and an entity's) profile also
    sets its equity ratio, revenue per unit of assets, profit margin and net-to-total profit ratio;
    the split rescales them so that the group totals hold exactly.
  - *Entities*. The same split again within each unit, by entity profiles (``ENTITY_PROFILES``):
    group headquarters and the big platform companies carry most assets; the bus company and the
    airport run losses; the 城投 difference unit ``mun.chengtou.diff`` carries intra-group
    eliminations (negative amounts, as a 差额 unit does). Entity sizes wobble by at most ±3 % a
    year, from a generator seeded by ``SEED``, the entity and the year.
  - *Events*. ``js.scenic`` is merged into ``js.tourism`` on 2022-06-30: it reports through 2021 and
    ``js.tourism`` carries both sizes from 2022, so growth on a comparable basis stays ordinary.
    ``mun.guozi.bus`` moves to 交投集团 on 2021-07-01 (same entity, figures continue). The rename of
    交投集团 to 衢通发展集团 (December 2022) changes names only.
  - *Debt ratio*. ``qj.urban`` borrows heavily from 2022: its debt ratio, under 65 % through 2021,
    crosses the plan's 65 % ceiling in 2022 and the 70 % key-supervision line in 2023; every other
    entity stays under 65 %, and so do 全市 and 市区 (about 61 % in 2023).
  - *Ratings and listing* (``RATINGS``, ``LISTED``): the three AA+ of 2020 are the headquarters of
    市国资公司, 交投集团 and 基投公司 (as the plan says); 衢江区 goes from 0 to 3 AA enterprises;
    by 2023 the city has one AAA (市国资公司), five AA+ and one listed company.

Arithmetic is done in integer cents and :class:`fractions.Fraction`; the only randomness is
:class:`random.Random` seeded with strings, so the output is the same on every platform and
with every polars version.
"""

from __future__ import annotations

import random
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from decimal import Context, Decimal
from fractions import Fraction
from functools import cache
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import polars as pl

from soeplan.context import current
from soeplan.errors import UnknownNameError
from soeplan.frames import LONG_SCHEMA
from soeplan.sample_profiles import ENTITY_PROFILES, GROWTH, LISTED, RATINGS, UNIT_PROFILES, Profile
from soeplan.sections import Text

if TYPE_CHECKING:
    from soeplan.indicators import Indicator
    from soeplan.plugins.registry import Registry

__all__ = [
    "SAMPLE_AMOUNTS",
    "SAMPLE_COUNTS",
    "SAMPLE_STRUCTURE_PATH",
    "SAMPLE_YEARS",
    "SEED",
    "SYNTHETIC_NOTE",
    "merge_observations",
    "overlay_plugin_samples",
    "sample_observations",
    "sample_unit",
    "unit_sample",
]

#: Marks the sample wherever it appears: files, frames, reports.
SYNTHETIC_NOTE = Text(
    zh="示例数据（合成），非真实企业数据",
    en="Synthetic sample data, not real company figures",
)

#: The sample's entities and events (``data/sample/structure.toml``), marked synthetic.
SAMPLE_STRUCTURE_PATH: Path = Path(
    str(resources.files("soeplan") / "data" / "sample" / "structure.toml")
)
_CITY_STRUCTURE_PATH = Path(str(resources.files("soeplan") / "data" / "structures" / "quzhou.toml"))

#: Years the sample covers.
SAMPLE_YEARS = range(2015, 2024)
#: Reported amounts (亿元), in the order of Table 1.
SAMPLE_AMOUNTS = ("total_assets", "net_assets", "revenue", "total_profit", "net_profit")
#: Reported counts (per entity 0 or 1).
SAMPLE_COUNTS = ("rated_aaa", "rated_aa_plus", "rated_aa", "listed")
#: Seed of the wobble; change it and only the non-anchor years move.
SEED = "soeplan-sample-quzhou-14th"

_PLAN = "quzhou-14th"
_DECIMAL = Context(prec=28)  # explicit: the output must not depend on the caller's context
_ANCHORS = (2015, 2020)
# Quantities split top-down. Total assets are net assets + liabilities, so both stay positive.
_NA, _LIAB, _REV, _TP, _NP = "net_assets", "liabilities", "revenue", "total_profit", "net_profit"
_QUANTITIES = (_NA, _LIAB, _REV, _TP, _NP)


# ----------------------------------------------------------------------------- structure files
@attrs.frozen
class _SampleEntity:
    id: str
    unit: str
    last_year: int | None  # merged away after this year
    absorbs: tuple[tuple[str, int], ...]  # (entity merged into this one, first year it carries it)


def _read_toml(path: Path) -> dict[str, Any]:
    with path.open("rb") as f:
        return tomllib.load(f)


@cache
def _sample_entities() -> tuple[_SampleEntity, ...]:
    raw = _read_toml(SAMPLE_STRUCTURE_PATH)
    merges = [e for e in raw.get("event", []) if e.get("kind") == "merge"]
    out = []
    for e in raw["entity"]:
        gone = [m for m in merges if m["entity"] == e["id"]]
        absorbed = [m for m in merges if m["target"] == e["id"]]
        # A rollup for year Y uses the structure in force at the end of Y.
        out.append(
            _SampleEntity(
                id=e["id"],
                unit=e["unit"],
                last_year=gone[0]["date"].year - 1 if gone else None,
                absorbs=tuple((m["entity"], m["date"].year) for m in absorbed),
            )
        )
    return tuple(out)


@cache
def _scope_units() -> dict[str, tuple[str, ...]]:
    raw = _read_toml(_CITY_STRUCTURE_PATH)
    return {s["scope"]: tuple(s["units"]) for s in raw["scope"]}


# ----------------------------------------------------------------------------- arithmetic
def _path(value: str | Mapping[int, str], year: int) -> Fraction:
    if isinstance(value, str):
        return Fraction(value)
    points = sorted((y, Fraction(v)) for y, v in value.items())
    if year <= points[0][0]:
        return points[0][1]
    for (y0, v0), (y1, v1) in pairwise(points):
        if y0 <= year <= y1:
            return v0 + (v1 - v0) * (year - y0) / (y1 - y0)
    return points[-1][1]


def _size(profile: Profile, year: int) -> Fraction:
    s15, s20, s23 = (Fraction(s) for s in profile.size)
    return _path({2015: str(s15), 2020: str(s20), 2023: str(s23)}, year)


def _wobble(key: str, span: int) -> Fraction:
    """A seeded factor in [1 − span/1000, 1 + span/1000]; the same on every platform."""
    rng = random.Random(f"{SEED}:{key}")
    return 1 + Fraction(rng.randint(-span, span), 1000)


def _weights(profile: Profile, size: Fraction, year: int) -> dict[str, Fraction]:
    equity = _path(profile.equity, year)
    revenue = size * _path(profile.intensity, year)
    profit = revenue * _path(profile.margin, year)
    return {
        _NA: size * equity,
        _LIAB: size * (1 - equity),
        _REV: revenue,
        _TP: profit,
        _NP: profit * _path(profile.keep, year),
    }


def _split(total: int, weights: Sequence[Fraction]) -> list[int]:
    """Split integer ``total`` in proportion to ``weights`` (largest remainder); parts sum to it."""
    whole = sum(weights, Fraction(0))
    if whole == 0:
        raise ValueError("cannot split by weights that sum to zero")
    raw = [total * w / whole for w in weights]
    parts = [r.numerator // r.denominator for r in raw]
    left = total - sum(parts)
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - parts[i]), i))
    for i in order[:left]:
        parts[i] += 1
    return parts


def _cents(value: Decimal) -> int:
    cents = Fraction(value) * 100  # exact, whatever the decimal context
    if cents.denominator != 1:
        raise ValueError(f"{value} has more than two decimals")
    return int(cents)


def _group_totals() -> dict[str, dict[int, dict[str, int]]]:
    """Cents per group (urban, rest), year and quantity; exact at the anchors."""
    from soeplan.plan.load import load_plan

    plan = load_plan(_PLAN)

    def published(scope: str, indicator: str, year: int) -> int:
        fig = plan.figure(scope, indicator, year)
        if fig is None:
            raise ValueError(f"plan {_PLAN} has no {scope} {indicator} {year}")
        return _cents(fig.value)

    out: dict[str, dict[int, dict[str, int]]] = {"urban": {}, "rest": {}}
    levels = ("total_assets", _NA, _REV, _TP, _NP)
    for year in _ANCHORS:
        for ind in levels:
            city, urban = published("city", ind, year), published("urban", ind, year)
            out["urban"].setdefault(year, {})[ind] = urban
            out["rest"].setdefault(year, {})[ind] = city - urban
    for group, by_year in out.items():
        first, last = by_year[2015], by_year[2020]
        for year in range(2016, 2020):
            by_year[year] = {}
            for ind in levels:
                # geometric interpolation in a fixed decimal context (not the caller's)
                ratio = _DECIMAL.divide(Decimal(last[ind]), Decimal(first[ind]))
                step = _DECIMAL.power(ratio, _DECIMAL.divide(Decimal(year - 2015), Decimal(5)))
                base = Fraction(_DECIMAL.multiply(Decimal(first[ind]), step))
                by_year[year][ind] = round(base * _wobble(f"{group}:{ind}:{year}", 20))
        for year in range(2021, SAMPLE_YEARS.stop):
            by_year[year] = {}
            for ind in levels:
                rate = Fraction(GROWTH[group][ind][year - 2021])
                rate += Fraction(_wobble(f"{group}:{ind}:{year}", 10) - 1)
                by_year[year][ind] = round(by_year[year - 1][ind] * (1 + rate))
        for totals in by_year.values():
            totals[_LIAB] = totals.pop("total_assets") - totals[_NA]
    return out


# ----------------------------------------------------------------------------- generation
@cache
def _generate() -> pl.DataFrame:
    entities = _sample_entities()
    by_id = {e.id: e for e in entities}
    missing = sorted(set(by_id) - set(ENTITY_PROFILES))
    if missing:
        raise ValueError(f"the sample has no synthetic profile for entities {missing}")
    scopes = _scope_units()
    strays = sorted(e.id for e in entities if e.unit not in scopes["city"])
    if strays:
        raise ValueError(f"sample entities {strays} belong to no unit of the city scope")
    urban_units = scopes["urban"]
    groups = {
        "urban": [u for u in scopes["city"] if u in urban_units],
        "rest": [u for u in scopes["city"] if u not in urban_units],
    }
    totals = _group_totals()

    rows: dict[str, list[Any]] = {k: [] for k in LONG_SCHEMA}

    def emit(unit: str, entity: str, year: int, indicator: str, value: float) -> None:
        rows["unit"].append(unit)
        rows["entity"].append(entity)
        rows["year"].append(year)
        rows["indicator"].append(indicator)
        rows["value"].append(value)

    for year in SAMPLE_YEARS:
        for group, units in groups.items():
            unit_w = [
                _weights(UNIT_PROFILES[u], _size(UNIT_PROFILES[u], year), year) for u in units
            ]
            unit_cents = {
                q: _split(totals[group][year][q], [w[q] for w in unit_w]) for q in _QUANTITIES
            }
            for ui, unit in enumerate(units):
                members = [
                    e
                    for e in entities
                    if e.unit == unit and (e.last_year is None or year <= e.last_year)
                ]
                ent_w = []
                for e in members:
                    size = _size(ENTITY_PROFILES[e.id], year)
                    for absorbed, since in e.absorbs:
                        if year >= since:
                            size += _size(ENTITY_PROFILES[absorbed], year)
                    size *= _wobble(f"{e.id}:{year}", 30)
                    ent_w.append(_weights(ENTITY_PROFILES[e.id], size, year))
                cents = {q: _split(unit_cents[q][ui], [w[q] for w in ent_w]) for q in _QUANTITIES}
                for ei, e in enumerate(members):
                    na, liab = cents[_NA][ei], cents[_LIAB][ei]
                    values = {
                        "total_assets": na + liab,
                        "net_assets": na,
                        "revenue": cents[_REV][ei],
                        "total_profit": cents[_TP][ei],
                        "net_profit": cents[_NP][ei],
                    }
                    for ind in SAMPLE_AMOUNTS:
                        emit(unit, e.id, year, ind, values[ind] / 100)
                    for ind, count in _counts(e.id, year).items():
                        emit(unit, e.id, year, ind, float(count))
    return pl.DataFrame(rows, schema=LONG_SCHEMA).sort("unit", "entity", "year", "indicator")


def _counts(entity: str, year: int) -> dict[str, int]:
    held = [r for y, r in RATINGS.get(entity, ()) if y <= year]
    counts = dict.fromkeys(SAMPLE_COUNTS, 0)
    if held:
        counts[held[-1]] = 1
    listed = LISTED.get(entity)
    counts["listed"] = int(listed is not None and listed <= year)
    return counts


# ----------------------------------------------------------------------------- public API
def sample_observations(years: Iterable[int] = SAMPLE_YEARS) -> pl.DataFrame:
    """The bundled sample's observations (**synthetic**: 示例数据（合成），非真实企业数据).

    A long frame ``unit, entity, year, indicator, value`` (String, String, Int32, String, Float64),
    sorted by unit, entity, year and indicator: the amounts of :data:`SAMPLE_AMOUNTS` in 亿元 and
    the counts of :data:`SAMPLE_COUNTS` (0 or 1 per entity) for every entity of
    :data:`SAMPLE_STRUCTURE_PATH` in force in the year. Ratios are not included: recompute them
    from the summed amounts. Summed over a scope's units, 2015 and 2020 equal Table 1.

    >>> from soeplan.sample import sample_observations
    >>> obs = sample_observations([2020])
    >>> round(obs.filter(indicator="total_assets")["value"].sum(), 2)
    2090.49
    """
    wanted = sorted(set(years))
    outside = [y for y in wanted if y not in SAMPLE_YEARS]
    if outside:
        raise UnknownNameError(
            f"the sample has no year {outside[0]}: it covers "
            f"{SAMPLE_YEARS.start}–{SAMPLE_YEARS.stop - 1}; ask for years in that range"
        )
    return _generate().filter(pl.col("year").is_in(wanted))


def sample_unit(unit: str, year: int) -> pl.DataFrame:
    """The **synthetic** sample observations of one county-level unit in one year.

    Same columns as :func:`sample_observations`.

    >>> from soeplan.sample import sample_unit
    >>> sorted(sample_unit("kaihua", 2020)["entity"].unique())
    ['kh.hq', 'kh.tourism', 'kh.water']
    """
    units = sorted({e.unit for e in _sample_entities()})
    if unit not in units:
        raise UnknownNameError(
            f"the sample has no unit {unit!r}; its units are: {', '.join(units)}"
        )
    return sample_observations([year]).filter(pl.col("unit") == unit)


# ----------------------------------------------------------------------------- with the plugins
# Where a county plugin's figures meet the core's sample. The core generates figures only for the
# entities of ``data/sample/structure.toml``; an enterprise a plugin adds gets its figures (core
# indicators and local metrics alike) from the plugin's own sample, the answer of
# ``soeplan_load_observations(unit, year, source="sample")``, or none at all. ``soeplan demo``,
# ``rollup --sample`` and ``soeplan sample --unit`` all read the sample through these functions.


def merge_observations(
    base: pl.DataFrame, county: pl.DataFrame, indicators: Mapping[str, Indicator]
) -> pl.DataFrame:
    """The ``base`` observations (e.g. the bundled sample) with a county's own figures laid over.

    A county's figure replaces the base's for the same entity, year and indicator; a county
    metric that ``rolls_into`` a core indicator replaces the base's figure of that core indicator
    for the same entity and year (the county reports it under its own code *instead of* the core's,
    so the rollup counts it once). Columns: ``unit, entity, year, indicator, value``.

    >>> import polars as pl
    >>> from soeplan import get_registry
    >>> cols = ["unit", "entity", "year", "indicator", "value"]
    >>> base = pl.DataFrame([("x", "x.a", 2023, "revenue", 1.0)], schema=cols, orient="row")
    >>> mine = pl.DataFrame([("x", "x.a", 2023, "revenue", 2.0)], schema=cols, orient="row")
    >>> merge_observations(base, mine, get_registry().indicators)["value"].to_list()
    [2.0]
    """
    cols = ["unit", "entity", "year", "indicator", "value"]

    def norm(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.select(
            pl.col("unit").cast(pl.String),
            pl.col("entity").cast(pl.String),
            pl.col("year").cast(pl.Int32),
            pl.col("indicator").cast(pl.String),
            pl.col("value").cast(pl.Float64),
        )

    b, c = norm(base), norm(county)
    rolls = {code: i.rolls_into for code, i in indicators.items() if i.rolls_into}
    replaced = pl.concat(
        [
            c.select("entity", "year", "indicator"),
            c.filter(pl.col("indicator").is_in(list(rolls)))
            .with_columns(pl.col("indicator").replace_strict(rolls, default=None))
            .select("entity", "year", "indicator"),
        ]
    ).unique()
    kept = b.join(replaced, on=["entity", "year", "indicator"], how="anti")
    return pl.concat([kept, c]).select(cols).sort("unit", "entity", "year", "indicator")


def overlay_plugin_samples(
    observations: pl.DataFrame, registry: Registry | None = None
) -> pl.DataFrame:
    """``observations`` with every county plugin's own *synthetic sample* figures laid over.

    For each unit and year in ``observations``, asks ``soeplan_load_observations(unit, year,
    source="sample")``; what the plugins answer (their local metrics, or their own code for a
    core indicator) is merged with :func:`merge_observations`. This is what the bundled sample
    looks like with the county plugins installed (``soeplan demo``, ``rollup --sample``).
    """
    reg = current(registry)
    pairs = observations.select("unit", "year").unique().sort("unit", "year").iter_rows()
    found = [
        f for u, y in pairs if (f := reg.load_observations(str(u), int(y), "sample")) is not None
    ]
    found = [f for f in found if f.height]
    if not found:
        return observations
    county = pl.concat(
        [f.select("unit", "entity", "year", "indicator", "value") for f in found],
        how="vertical_relaxed",
    )
    return merge_observations(observations, county, reg.indicators)


def unit_sample(unit: str, year: int, registry: Registry | None = None) -> pl.DataFrame:
    """The **synthetic** figures of one unit in one year as ``soeplan demo`` reads them: the
    core's sample (:func:`sample_unit`) with the unit's plugin's own sample laid over
    (:func:`overlay_plugin_samples`), so figures of an enterprise the plugin adds are included.

    ``soeplan sample --unit`` writes these figures; the conformance kit checks that the two
    agree (:func:`soeplan.testing.check_plugin`). Columns ``unit, entity, year, indicator, value``.

    >>> from soeplan.sample import sample_unit, unit_sample
    >>> unit_sample("kaihua", 2020).equals(sample_unit("kaihua", 2020))  # no plugin for Kaihua
    True
    """
    core = sample_unit(unit, year)
    both = overlay_plugin_samples(core, registry)
    return both.filter((pl.col("unit") == unit) & (pl.col("year") == year)).sort(
        "unit", "entity", "year", "indicator"
    )
