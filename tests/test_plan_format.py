"""The validation messages documented in docs/reference/plan-format.md are the ones raised."""

from __future__ import annotations

from pathlib import Path

import pytest

import soeplan

BUILTIN = Path(soeplan.__file__).parent / "data" / "plans" / "quzhou-14th.toml"
DOC = Path(__file__).parent.parent / "docs" / "reference" / "plan-format.md"


@pytest.mark.parametrize(
    ("old", "new", "where", "message"),
    [
        ('city = { kind = "ceiling", value = "65%", strict = true }',
         'city = { kind = "cap", value = "65%", strict = true }',
         "target[5] (debt_ratio).city.kind", "'cap' is not a target kind"),
        ('attribute = "binding"', 'attribute = "soft"',
         "target[5] (debt_ratio).attribute", "'soft' is not an attribute"),
        ('city = { kind = "floor", value = "2%" }', 'city = { kind = "floor" }',
         "target[6] (roe).city.value", "the target has no value"),
        ('city = { kind = "floor", value = "2%" }', 'city = { kind = "level", value = "2%", stretch = "3%" }',
         "target[6] (roe).city.stretch", "only a floor can have a stretch level (力争)"),
        ('stretch = "2.5%"', 'stretch = "2%"',
         "target[6] (roe).urban.stretch", "stretch level 2% is not above the floor 2.2%"),
        ('city = { kind = "floor", value = "2%" }', 'city = { kind = "floor", value = "2%", year = 2020 }',
         "target[6] (roe).city.year", "target year 2020 is not after the base year 2020"),
        ('city = { 2015 = "1.88%", 2020 = "1.32%" }', 'town = { 2015 = "1.88%", 2020 = "1.32%" }',
         "figure[6] (roe).town", "unknown scope 'town'"),
        ('city = { 2015 = "1.88%", 2020 = "1.32%" }', 'city = { y2015 = "1.88%", 2020 = "1.32%" }',
         "figure[6] (roe).city.y2015", "'y2015' is neither a year nor cagr/total_growth"),
        ('city = { 2015 = "1.88%", 2020 = "1.32%" }', 'city = { 2015 = "1.88%", 2020 = "1.32%", 2021 = "1.5%" }',
         "figure (roe).city.2021", "a published result for 2021 is after the base year 2020"),
        ('"42.83"', "42.83", "figure[2] (revenue).city.2015",
         'expected the number as printed, in quotes (e.g. "12.26"), got 42.83'),
        ('"42.83"', '"42.83%"', "figure[2] (revenue).city.2015",
         "'42.83%' has a % sign but this indicator is not a ratio"),
        ('growth = ["total_growth"]', 'growth = ["annual"]',
         "table[1].growth", "'annual' is not a growth column"),
        ('"rated_aa_plus", "rated_aa",\n]', '"rated_aa_plus", "rated_a",\n]',
         "table[0].rows", "unknown indicator 'rated_a' in the table's rows"),
        ('[plan]\nid = "quzhou-14th"', '[plan]\nidx = "quzhou-14th"', "plan.id", "id is missing"),
    ],
)  # fmt: skip
def test_documented_message_is_raised(
    tmp_path: Path, old: str, new: str, where: str, message: str
) -> None:
    text = BUILTIN.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "plan.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(soeplan.DataFileError) as info:
        soeplan.load_plan(path)
    rendered = info.value.render()
    assert f"{where}: {message}" in rendered
    assert "fix:" in rendered
    # The reference page documents the message (its variable parts aside).
    doc = DOC.read_text(encoding="utf-8")
    stable = message.split("'")[-1].strip() or message.split("'")[0].strip()
    assert stable in doc


def test_not_utf8_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "plan.toml"
    path.write_bytes("[plan]\nid = '衢州'\n".encode("gb18030"))
    with pytest.raises(soeplan.DataFileError, match="not UTF-8 text"):
        soeplan.load_plan(path)
    with pytest.raises(soeplan.UnknownNameError, match="neither a registered plan id"):
        soeplan.load_plan(tmp_path / "missing.toml")
