"""The command line's rough edges: group and enterprise figures, assess's input, the demo's
folders by language."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import polars as pl
import pytest

from soeplan.capital.view import sample_inputs, with_capital
from soeplan.cli import main
from soeplan.consolidation.rollup import rollup
from soeplan.plugins.builtin import load_core_sample
from soeplan.sdk import overlay_plugin_samples
from soeplan.structure.city import city_structure

ROOT = Path(__file__).resolve().parents[1]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture(scope="module")
def groups_2023() -> pl.DataFrame:
    # what `rollup --sample` totals: the sample with the plugins' figures and the capital
    # figures its synthetic registers give
    structure = city_structure(sample=True)
    obs = with_capital(overlay_plugin_samples(load_core_sample()), sample_inputs(), structure)[0]
    result = rollup(obs.lazy(), structure, years=[2023], include_entities=False)
    return result.values.filter(pl.col("node_type") == "group")


def test_rollup_level_group_csv_is_every_group_figure_exactly(
    capsys: pytest.CaptureFixture[str], groups_2023: pl.DataFrame
) -> None:
    code, out, err = run(capsys, "rollup", "--sample", "--year", "2023", "--level", "group",
                         "--format", "csv")  # fmt: skip
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == ["group", "name", "unit", "year", "indicator", "value"]
    got = {(r["group"], r["indicator"]): float(r["value"]) for r in rows}
    want = {(r["node"], r["indicator"]): r["value"] for r in groups_2023.iter_rows(named=True)}
    assert got.keys() == want.keys() and len(got) == len(rows)
    for key, value in want.items():
        assert got[key] == pytest.approx(value, rel=1e-12, abs=1e-8)
    assert {"mun.chengtou", "js.group.capital"} <= {g for g, _ in got}
    assert "合成" in err  # synthetic, said on stderr


def test_rollup_level_group_table_names_groups_and_rounds_by_kind(
    capsys: pytest.CaptureFixture[str], groups_2023: pl.DataFrame
) -> None:
    code, out, _ = run(capsys, "rollup", "--sample", "--year", "2023", "--level", "group",
                       "--indicator", "debt_ratio", "--indicator", "total_assets", "--format", "md")  # fmt: skip
    assert code == 0
    row = groups_2023.filter(node="mun.chengtou", indicator="debt_ratio").row(0, named=True)
    line = next(x for x in out.splitlines() if "(mun.chengtou)" in x and "资产负债率" in x)
    assert f"{row['value'] * 100:.2f}%" in line and "城投集团" in line
    assets = groups_2023.filter(node="mun.chengtou", indicator="total_assets")["value"].item()
    assert any(f"{assets:,.2f}" in x for x in out.splitlines() if "资产总额" in x)
    assert "| 集团 |" in out and "合成" in out


def test_rollup_level_entity_json_and_english(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rollup", "--sample", "--year", "2023", "--level", "entity",
                       "--indicator", "debt_ratio", "--format", "json", "--lang", "en")  # fmt: skip
    assert code == 0
    items = json.loads(out)
    assert items and set(items[0]) == {"entity", "name", "unit", "year", "indicator", "value"}
    assert {i["indicator"] for i in items} == {"debt_ratio"}
    assert all(0 < i["value"] < 1.5 for i in items)
    assert len({i["entity"] for i in items}) == len(items) > 40


def test_rollup_level_is_refused_with_a_report(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, "rollup", "--sample", "--year", "2023", "--level", "group",
                       "--out", str(tmp_path / "r"))  # fmt: skip
    assert code == 2 and "--level" in err and "Traceback" not in err
    assert not (tmp_path / "r").exists()


def test_assess_help_says_what_its_file_is_and_its_example_runs(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = run(capsys, "assess", "--help")
    assert code == 0
    assert "soeplan rollup --format csv" in out and "scope,year,indicator,value" in out
    # the example file the help shows is a file assess takes
    lines = out.splitlines()
    start = next(i for i, x in enumerate(lines) if x.strip() == "scope,year,indicator,value")
    example = []
    for x in lines[start:]:
        if not x.strip():
            break
        example.append(x.strip())
    assert len(example) >= 3
    path = tmp_path / "totals.csv"
    path.write_text("\n".join(example) + "\n", encoding="utf-8")
    code, out, err = run(capsys, "assess", "--data", str(path), "--year", "2023", "--format", "csv")
    assert code == 0, err
    assessed = list(csv.reader(io.StringIO(out)))
    assert any("资产负债率" in r for r in assessed) and any("资产总额" in r for r in assessed)


def test_the_demo_writes_each_language_into_its_own_folder(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["demo", "-q"]) == 0
    zh = (tmp_path / "demo-report" / "summary.md").read_text(encoding="utf-8")
    assert main(["demo", "-q", "--lang", "en"]) == 0
    en = (tmp_path / "demo-report-en" / "summary.md").read_text(encoding="utf-8")
    assert (tmp_path / "demo-report" / "summary.md").read_text(encoding="utf-8") == zh
    assert "年" in zh and "Synthetic" in en and en != zh
    assert str(Path("demo-report-en") / "report.html") in capsys.readouterr().out


def test_the_nox_demo_session_leaves_the_folder_to_the_command() -> None:
    # `nox -s demo -- --lang en` must not pin --out: the command picks the folder by language
    text = (ROOT / "noxfile.py").read_text(encoding="utf-8")
    body = re.search(r"def demo\(.*?(?=\n@nox|\ndef |\Z)", text, re.S)
    assert body is not None
    run_line = next(x for x in body.group(0).splitlines() if "session.run(" in x)
    assert '"demo"' in run_line and "--out" not in run_line
