"""How the city's structure is composed from its layers, layer by layer.

An explicit city file replaces the registered structure of the units it describes and only
those; a store's register replaces a plugin's unit; fallback files and extra entities fill in;
a conflict names the layer each side came from. A mutation run of ``structure/city.py`` found
each of these rules unpinned.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from soeplan import StructureError
from soeplan.structure.city import CITY_STRUCTURE_PATH, SAMPLE_STRUCTURE_FILE, city_structure
from soeplan.structure.records import Entity, UnitStructure

QJ_ONLY = """
[[entity]]
id = "qj.only"
name_zh = "衢江唯一公司"
unit = "qujiang"
"""


def _ids(unit: str, **kw: object) -> set[str]:
    s = city_structure(**kw)  # type: ignore[arg-type]
    return {i for i, e in s.at(2023).items() if e.unit == unit}


@pytest.fixture
def city_with_qujiang(tmp_path: Path) -> Path:
    """The core's city file with a structure for 衢江区 of its own."""
    path = tmp_path / "city.toml"
    path.write_text(CITY_STRUCTURE_PATH.read_text(encoding="utf-8") + QJ_ONLY, encoding="utf-8")
    return path


def test_an_explicit_city_file_replaces_only_the_units_it_describes(
    city_with_qujiang: Path,
) -> None:
    plugin_qujiang = _ids("qujiang")
    assert "qj.water" in plugin_qujiang  # the qujiang plugin's structure, by default
    assert _ids("qujiang", city=city_with_qujiang) == {"qj.only"}
    # the units the file does not describe keep their plugins' structures
    assert _ids("kecheng", city=city_with_qujiang) == _ids("kecheng")
    assert _ids("jiangshan", city=city_with_qujiang) == _ids("jiangshan")
    assert _ids("municipal", city=city_with_qujiang) == _ids("municipal")


def test_the_core_city_file_named_explicitly_gives_the_default_structure() -> None:
    assert city_structure(city=CITY_STRUCTURE_PATH).at(2023).keys() == (
        city_structure().at(2023).keys()
    )


@pytest.mark.parametrize("unit", ["qujiang", "jiangshan"])  # the last and the first registered
def test_a_register_replaces_the_plugins_unit_and_no_fallback_adds_to_it(unit: str) -> None:
    register = UnitStructure(
        unit=unit, entities=(Entity(id=f"{unit}.reg", name_zh="登记公司", unit=unit),)
    )
    got = _ids(unit, registers=[("register v1", register)], sample=True)
    assert got == {f"{unit}.reg"}
    others = {"kecheng", "jiangshan", "municipal", "qujiang"} - {unit}
    for other in sorted(others):  # every other unit keeps its structure
        assert _ids(other, registers=[("register v1", register)]) == _ids(other)


def test_fallback_files_add_up_after_the_sample(tmp_path: Path) -> None:
    extra = tmp_path / "changshan.toml"
    extra.write_text(
        'format = 1\n[[entity]]\nid = "cs.one"\nname_zh = "常山一号"\nunit = "changshan"\n',
        encoding="utf-8",
    )
    with_sample = _ids("kaihua", sample=True)
    assert with_sample  # the sample lists kaihua's entities
    assert _ids("kaihua", sample=True, fallback_files=[extra]) == with_sample
    assert "cs.one" in _ids("changshan", sample=True, fallback_files=[extra])
    assert "cs.one" in _ids("changshan", fallback_files=[str(extra)])
    assert SAMPLE_STRUCTURE_FILE.exists()


def test_extra_entities_fill_in_last() -> None:
    assert "cs.found" in _ids("changshan", extra_entities=[("cs.found", "changshan")])


def test_a_conflict_names_the_layer_of_each_side() -> None:
    register = UnitStructure(
        unit="changshan", entities=(Entity(id="qj.water", name_zh="x", unit="changshan"),)
    )
    with pytest.raises(StructureError) as info:
        city_structure(registers=[("register v1", register)])
    text = str(info.value)
    assert "changshan (register v1)" in text
    assert "qujiang (plugin qujiang (soeplan-qujiang" in text
