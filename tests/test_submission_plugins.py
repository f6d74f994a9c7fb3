"""A county plugin's structure and metrics flow into its template and its validation."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from openpyxl import load_workbook

from soeplan import hookimpl
from soeplan.indicators import Aggregation, Category, Indicator, Kind
from soeplan.plugins.host import make_host
from soeplan.plugins.registry import build_registry, set_registry
from soeplan.rules import Rule, RuleContext, Severity, findings_frame
from soeplan.structure.records import Entity, NodeType, UnitStructure
from soeplan.submissions import template as tpl
from soeplan.submissions.ingest import check_file
from soeplan.submissions.template_workbook import write_template


class KaihuaPlugin:
    @hookimpl
    def soeplan_structures(self) -> list[UnitStructure]:
        return [
            UnitStructure(
                unit="kaihua",
                name="开化县国资（测试）",
                entities=(
                    Entity(
                        id="kh.group",
                        name_zh="开化测试集团",
                        unit="kaihua",
                        node_type=NodeType.GROUP,
                    ),
                    Entity(id="kh.a", name_zh="开化测试甲公司", unit="kaihua", parent="kh.group"),
                    Entity(id="kh.b", name_zh="开化测试乙公司", unit="kaihua", parent="kh.group"),
                ),
            )
        ]

    @hookimpl
    def soeplan_indicators(self) -> list[Indicator]:
        return [
            Indicator(
                code="kh_registered_assets",
                name_zh="数字管家登记资产",
                name_en="Assets in the digital registry",
                category=Category.LOCAL,
                unit="亿元",
                kind=Kind.AMOUNT,
                aggregation=Aggregation.NONE,
            )
        ]

    @hookimpl
    def soeplan_rules(self) -> list[Rule]:
        def registry_gap(ctx: RuleContext) -> pl.DataFrame:
            rows = []
            wide: dict[str, dict[str, dict[str, object]]] = {}
            for r in ctx.observations.filter(pl.col("value").is_not_null()).iter_rows(named=True):
                wide.setdefault(r["entity"], {})[r["indicator"]] = r
            for ent, vals in wide.items():
                if "kh_registered_assets" in vals and "total_assets" in vals:
                    reg, tot = vals["kh_registered_assets"], vals["total_assets"]
                    if float(reg["value"]) < float(tot["value"]):  # type: ignore[arg-type]
                        rows.append(
                            {
                                **reg,
                                "entity": ent,
                                "message_zh": "登记不全",
                                "message_en": "registry incomplete",
                            }
                        )
            return findings_frame(rows)

        return [
            Rule(
                id="kaihua.registry-gap",
                severity=Severity.WARNING,
                description_zh="数字管家登记资产少于资产总额",
                description_en="Registered assets below total assets",
                check=registry_gap,
            )
        ]


def test_plugin_structure_metric_and_rule(tmp_path: Path) -> None:
    set_registry(
        build_registry(make_host(load_entry_points=False, extra=[("kaihua", KaihuaPlugin())]))
    )
    ents = tpl.unit_entities("kaihua", 2023)
    assert [(e.id, e.required) for e in ents] == [
        ("kh.group", False),
        ("kh.a", True),
        ("kh.b", True),
    ]
    codes = [i.code for i in tpl.reported_indicators("kaihua")]
    assert codes[-1] == "kh_registered_assets" and "total_assets" in codes
    assert "kh_registered_assets" not in [i.code for i in tpl.reported_indicators("qujiang")]
    path = write_template(tmp_path / "kh.xlsx", unit="kaihua", year=2023)
    wb = load_workbook(path)
    ds = wb[tpl.DATA_SHEET]
    header = [c.value for c in ds[tpl.HEADER_ZH_ROW]]
    assert "数字管家登记资产（亿元，地方指标，适用企业填写）" in header
    codes_row = [c.value for c in ds[tpl.CODE_ROW]]
    for row, ent in ((tpl.FIRST_DATA_ROW + 1, "kh.a"), (tpl.FIRST_DATA_ROW + 2, "kh.b")):
        assert ds.cell(row=row, column=1).value == ent
        for j, code in enumerate(codes_row, start=1):
            if code not in {"entity", "name", "node_type", "explanation"}:
                ds.cell(row=row, column=j).value = (
                    3 if code.startswith("rated") or code == "listed" else 10.0
                )
        ds.cell(row=row, column=codes_row.index("net_assets") + 1).value = 5.0
        ds.cell(row=row, column=codes_row.index("net_profit") + 1).value = 1.0
        ds.cell(row=row, column=codes_row.index("kh_registered_assets") + 1).value = 8.0
    wb.save(path)
    checked = check_file(path)
    f = checked.report.findings
    gap = f.filter(pl.col("rule") == "kaihua.registry-gap")
    assert sorted(gap["entity"]) == ["kh.a", "kh.b"] and set(gap["severity"]) == {"warning"}
    assert f.filter(pl.col("rule") == "core.known").height == 0
    assert f.filter(pl.col("rule") == "core.completeness").height == 0


class LedgerPlugin:
    """Reads a county's own '.ledger' files: lines 'entity indicator value'."""

    @hookimpl
    def soeplan_load_observations(self, unit: str, year: int, source: str) -> pl.DataFrame | None:
        if not source.endswith(".ledger"):
            return None
        rows = [
            line.split()
            for line in Path(source).read_text(encoding="utf-8").splitlines()
            if line.strip()
        ]
        return pl.DataFrame(
            {
                "unit": [unit] * len(rows),
                "entity": [r[0] for r in rows],
                "year": [year] * len(rows),
                "indicator": [r[1] for r in rows],
                "value": [float(r[2]) for r in rows],
            }
        )


def test_a_plugin_reads_its_own_format(tmp_path: Path) -> None:
    from _submission_helpers import sample_frame
    from soeplan.submissions.read_errors import SubmissionReadError
    from soeplan.submissions.readers import read_submission

    set_registry(
        build_registry(make_host(load_entry_points=False, extra=[("ledger", LedgerPlugin())]))
    )
    frame = sample_frame()
    path = tmp_path / "qujiang.ledger"
    path.write_text(
        "\n".join(
            f"{r['entity']} {r['indicator']} {r['value']}" for r in frame.iter_rows(named=True)
        ),
        encoding="utf-8",
    )
    sub = read_submission(path, unit="qujiang", year=2023)
    assert sub.format == "plugin" and sub.observations.height == frame.height
    assert sub.observations["row"].to_list()[:2] == [1, 2]
    assert check_file(path, unit="qujiang", year=2023).report.counts()["error"] == 0
    other = tmp_path / "x.unknown"
    other.write_text("?", encoding="utf-8")
    with pytest.raises(SubmissionReadError, match="soeplan_load_observations"):
        read_submission(other, unit="qujiang", year=2023)
