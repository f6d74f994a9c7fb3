"""The city's structure: the core's city file composed with what the plugins register.

:func:`city_structure` composes the city file's units and scopes with the
:class:`~soeplan.structure.records.UnitStructure` records registered through the
``soeplan_structures`` hook (authoritative for their unit) and fallback entity lists (the bundled
sample's, or entities discovered in observations), and returns the checked
:class:`~soeplan.structure.dated.Structure`.

>>> s = city_structure(sample=True)
>>> s.at(2020)["mun.jiaotou"].name_zh
'交投集团'
>>> s.at(2023)["mun.jiaotou"].name_zh
'衢通发展集团'
>>> s.at(2020)["mun.guozi.bus"].parent, s.at(2021)["mun.guozi.bus"].parent
('mun.guozi', 'mun.jiaotou')

"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from soeplan.context import current
from soeplan.structure.compose import compose_structure
from soeplan.structure.dated import Structure
from soeplan.structure.file import StructureFile, load_structure_file
from soeplan.structure.records import Entity, UnitStructure

if TYPE_CHECKING:
    from soeplan.plugins.registry import Registry

__all__ = ["CITY_STRUCTURE_PATH", "SAMPLE_STRUCTURE_FILE", "city_file", "city_structure"]


def _data_path(*parts: str) -> Path:
    return Path(str(resources.files("soeplan").joinpath("data", *parts)))


CITY_STRUCTURE_PATH = _data_path("structures", "quzhou.toml")
SAMPLE_STRUCTURE_FILE = _data_path("sample", "structure.toml")


def city_file() -> StructureFile:
    """The core's city structure file (units, scopes, municipal groups)."""
    return load_structure_file(CITY_STRUCTURE_PATH)


def city_structure(
    *,
    sample: bool = False,
    registry: Registry | None = None,
    extra_entities: Iterable[tuple[str, str] | Entity] | None = None,
    city: Path | str | None = None,
    fallback_files: Sequence[Path | str] = (),
    registers: Sequence[tuple[str, UnitStructure]] = (),
) -> Structure:
    """The composed structure of the city.

    Units and scopes come from the city file (``city``, default the core's); unit structures
    from the registry's ``soeplan_structures`` records (the core registers the municipal groups);
    with ``sample=True`` the bundled sample's entity list fills in what the registered layer
    lacks, then ``fallback_files``, then ``extra_entities``. ``registers`` are ``(origin,
    UnitStructure)`` pairs that replace the registered structure of their units (a store's
    registers, merged with the plugins' structures: :mod:`soeplan.registers.merge`); no
    fallback entity list adds to their units.
    """
    reg = current(registry)
    base = load_structure_file(city) if city is not None else city_file()
    registered: list[tuple[str, UnitStructure]] = list(registers)
    replaced = {us.unit for _, us in registers}
    for us in reg.structures.values():
        if us.unit in replaced:
            continue
        origin = f"plugin {us.provider}" if us.provider is not None else "registered"
        if city is not None and any(f.unit == us.unit for f in base.unit_structures):
            continue  # an explicit city file replaces the registered structure of its units
        registered.append((origin, us))
    if city is not None:
        registered += [(base.path, us) for us in base.unit_structures if us.unit not in replaced]
    fallback: list[tuple[str, UnitStructure]] = []
    files = [SAMPLE_STRUCTURE_FILE] if sample else []
    files += [Path(p) for p in fallback_files]
    for path in files:
        f = load_structure_file(path)
        fallback += [(f.path, us) for us in f.unit_structures if us.unit not in replaced]
    return compose_structure(
        units=base.units,
        scopes=base.scopes,
        registered=registered,
        fallback=fallback,
        extra_entities=extra_entities or (),
    )
