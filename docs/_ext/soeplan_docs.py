"""Docs generated from the code, so they cannot drift: the indicator catalogue and the like.

Each generator writes a Markdown fragment into ``docs/_generated/`` at build time; pages include
it with MyST's ``{include}`` directive.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

GENERATED = Path(__file__).resolve().parent.parent / "_generated"


def indicator_catalogue() -> str:
    from soeplan.plugins import build_registry, make_host

    registry = build_registry(make_host(load_entry_points=False))
    lines = [
        "| code | 中文 | English | category | unit | kind | aggregation | better | formula |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for ind in registry.indicators.values():
        formula = ind.formula.describe() if ind.formula else ""
        lines.append(
            f"| `{ind.code}` | {ind.name_zh} | {ind.name_en} | {ind.category.zh} / {ind.category.en} "
            f"| {ind.unit} | {ind.kind.value} | {ind.aggregation.value} | {ind.direction.value} "
            f"| {formula} |"
        )
    notes = [
        f"- `{i.code}`: {i.note_zh} / {i.note_en}"
        for i in registry.indicators.values()
        if i.note_en
    ]
    return "\n".join(lines) + "\n\nDefinitions:\n\n" + "\n".join(notes) + "\n"


def rule_catalogue() -> str:
    from soeplan.plugins import build_registry, make_host

    registry = build_registry(make_host(load_entry_points=False))
    lines = [
        "| id | severity | 中文 | English | provider |",
        "| --- | --- | --- | --- | --- |",
    ]
    for rule in registry.rules.values():
        provider = rule.provider.plugin if rule.provider else ""
        lines.append(
            f"| `{rule.id}` | {rule.severity.value} {rule.severity.zh} | {rule.description_zh} "
            f"| {rule.description_en} | {provider} |"
        )
    return "\n".join(lines) + "\n"


GENERATORS = {"indicators.md": indicator_catalogue, "rules.md": rule_catalogue}


def _generate(app: Any) -> None:
    GENERATED.mkdir(exist_ok=True)
    for name, fn in GENERATORS.items():
        text = fn()
        path = GENERATED / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")


def setup(app: Any) -> dict[str, Any]:
    app.connect("builder-inited", _generate)
    return {"parallel_read_safe": True}
