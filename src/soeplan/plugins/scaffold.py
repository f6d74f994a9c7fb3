"""``soeplan new-plugin``: create a working county plugin package from templates.

The templates (jinja2, shipped in ``soeplan/templates/plugin``) give a package with a
``pyproject.toml`` declaring the ``soeplan`` entry point and a pinned range of soeplan, a plugin
module whose hooks read TOML data files (structure, a local metric, synthetic observations), a
README, and tests that run :mod:`soeplan.testing`'s conformance kit. Installed, the tests pass as
generated.
"""

from __future__ import annotations

import keyword
import re
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2

from soeplan.errors import SoeplanError, UnknownNameError

__all__ = ["SOEPLAN_RANGE", "new_plugin"]

#: The soeplan versions a generated plugin declares it works with.
SOEPLAN_RANGE = ">=0.1,<0.2"
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def _template_root() -> Path:
    return Path(str(resources.files("soeplan") / "templates" / "plugin"))


def _context(name: str, unit: str) -> dict[str, Any]:
    from soeplan.sample import SAMPLE_STRUCTURE_PATH
    from soeplan.structure.city import city_file
    from soeplan.structure.file import load_structure_file

    units = {u.id: u for u in city_file().units if u.kind != "municipal"}
    if unit not in units:
        raise UnknownNameError(
            f"no county-level unit {unit!r} (the municipal level's structure is the core's)\n"
            f"  fix: use --unit with one of: {', '.join(sorted(units))}"
        )
    sample = [e for e in load_structure_file(SAMPLE_STRUCTURE_PATH).entities if e.unit == unit]
    prefix = sample[0].id.split(".")[0] if sample else name
    entities = [
        {
            "id": e.id,
            "name_zh": e.name_zh,
            "functional_class": e.functional_class.value if e.functional_class else "",
        }
        for e in sample
    ] or [
        {
            "id": f"{prefix}.example",
            "name_zh": f"{units[unit].name_zh}示例企业",
            "functional_class": "",
        }
    ]
    return {
        "name": name,
        "package": f"soeplan_{name}",
        "dist": f"soeplan-{name.replace('_', '-')}",
        "unit": unit,
        "unit_zh": units[unit].name_zh,
        "unit_en": units[unit].name_en,
        "group": f"{prefix}.group",
        "metric": f"{name}_key_projects",
        "entities": entities,
        "first_entity": entities[0]["id"],
        "soeplan_range": SOEPLAN_RANGE,
    }


def new_plugin(
    name: str, *, unit: str | None = None, directory: Path | str = ".", force: bool = False
) -> Path:
    """Create the plugin package ``directory/name`` for ``unit`` (default: ``name``).

    Returns the package's directory. Entity ids are the unit's ids in soeplan's bundled sample
    (so the generated plugin structures the sample's enterprises), under a new group node.
    """
    if not _NAME.match(name) or keyword.iskeyword(name):
        raise SoeplanError(
            f"plugin name {name!r} is not a lower-case Python identifier\n"
            "  fix: use letters, digits and underscores, starting with a letter, e.g. changshan"
        )
    target = Path(directory) / name
    if target.exists() and any(target.iterdir()) and not force:
        raise SoeplanError(
            f"{target} exists and is not empty\n"
            "  fix: choose another --dir or name, or remove the directory"
        )
    ctx = _context(name, unit or name)
    root = _template_root()
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(root)),
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        autoescape=False,
    )
    for template in sorted(root.rglob("*.j2")):
        rel = template.relative_to(root).as_posix()
        out = target / rel.removesuffix(".j2").replace("PACKAGE", ctx["package"])
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(env.get_template(rel).render(**ctx), encoding="utf-8")
    return target
