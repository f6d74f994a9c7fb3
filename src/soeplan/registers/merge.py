"""The merge rule: a unit's loaded register and its plugin structure, as one unit structure.

A county plugin may register its unit's structure (``soeplan_structures``) and the office may
load a register for the same unit. :func:`merge_register` puts them together by one rule:

- **the register wins for the attributes it carries**: an entity's Chinese name and parent (its
  place in the tree: blank means top level) and its node type are always the register's; its
  English name, credit code, functional class, industry and start date are the register's where
  the register fills them, and the plugin's where the register leaves them blank;
- **every disagreement is a finding** (:class:`MergeFinding`): an attribute both give, with
  different values, is listed with both values and the outcome (the register's);
- **an entity only in the register** is added; **an entity only in the plugin structure** is
  kept as the plugin has it, and listed as a finding (add it to the register, or record its
  dissolution or merger there);
- **changes**: the register's dated changes, and the plugin's events except those the register
  records itself (the same entity, kind and date: the register's wins).

The merged structure is real data (never marked synthetic); entities kept from the plugin keep
their own mark.
"""

from __future__ import annotations

from typing import Any

import attrs

from soeplan.registers.records import Register
from soeplan.structure.records import Entity, UnitStructure

__all__ = ["MergeFinding", "merge_register"]

#: Attributes the register always carries (blank is a statement: no parent, top level).
ALWAYS = ("name_zh", "parent", "node_type")
#: Attributes the register carries when it fills them.
WHEN_GIVEN = ("name_en", "credit_code", "functional_class", "industry", "since")


@attrs.frozen
class MergeFinding:
    """One disagreement between a unit's register and its plugin structure."""

    unit: str
    entity: str
    attribute: str  #: an attribute, or ``"entity"`` for an entity only in the plugin structure
    register: str
    plugin: str
    outcome: str

    def __str__(self) -> str:
        if self.attribute == "entity":
            return f"{self.unit} {self.entity}: {self.outcome}"
        return (
            f"{self.unit} {self.entity} {self.attribute}: register {self.register or '(blank)'}, "
            f"plugin {self.plugin or '(blank)'}: {self.outcome}"
        )


def _shown(value: object) -> str:
    return "" if value is None else str(getattr(value, "value", value))


def merge_register(
    register: Register, plugin: UnitStructure | None
) -> tuple[UnitStructure, tuple[MergeFinding, ...]]:
    """The unit structure of ``register`` merged with ``plugin`` (see the module's rule), and
    every disagreement found."""
    own = register.unit_structure()
    if plugin is None:
        return own, ()
    findings: list[MergeFinding] = []
    theirs = {e.id: e for e in plugin.entities}
    entities: list[Entity] = []
    for mine in own.entities:
        other = theirs.get(mine.id)
        entities.append(mine if other is None else _merged(register.unit, mine, other, findings))
    listed = {e.id for e in own.entities}
    for other in plugin.entities:
        if other.id not in listed:
            entities.append(other)
            findings.append(
                MergeFinding(
                    register.unit,
                    other.id,
                    "entity",
                    "",
                    other.name_zh,
                    f"in the plugin structure ({other.name_zh}) but not in the register: kept "
                    "as the plugin has it; add it to the register, or record its dissolution "
                    "or merger in the changes sheet",
                )
            )
    recorded = {(ev.entity, ev.kind, ev.date) for ev in own.events}
    events = [
        *own.events,
        *(ev for ev in plugin.events if (ev.entity, ev.kind, ev.date) not in recorded),
    ]
    merged = attrs.evolve(
        own,
        entities=tuple(entities),
        events=tuple(sorted(events, key=lambda e: (e.date, e.entity, e.kind.value))),
        source=f"{own.source}, merged with the structure of plugin {plugin.provider or plugin.unit}",
        assumption=plugin.assumption,
    )
    return merged, tuple(findings)


def _merged(unit: str, mine: Entity, other: Entity, findings: list[MergeFinding]) -> Entity:
    """The plugin's entity with the register's attributes over it; each disagreement a finding."""
    changes: dict[str, Any] = {}
    for key in (*ALWAYS, *WHEN_GIVEN):
        ours, plugins = getattr(mine, key), getattr(other, key)
        given = key in ALWAYS or ours not in (None, "")
        if given:
            changes[key] = ours
        # a parent the plugin leaves blank and the register sets is a disagreement too
        differs = ours != plugins and (plugins not in (None, "") or key == "parent")
        if given and differs:
            findings.append(
                MergeFinding(unit, mine.id, key, _shown(ours), _shown(plugins), "the register's")
            )
    if mine.note:
        changes["note"] = mine.note
    changes["synthetic"] = False  # the register lists it: a real enterprise
    return attrs.evolve(other, **changes)
