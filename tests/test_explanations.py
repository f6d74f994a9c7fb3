"""An explanation (出错说明) clears a warning only when it says something: "." no longer does."""

from __future__ import annotations

import string
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _submission_helpers import edit, write_sample_xlsx
from soeplan.cli import main
from soeplan.submissions.ingest import check_file
from soeplan.submissions.validate import Policy, says_something

PUNCTUATION = string.punctuation + string.whitespace + "，。、；：？！“”‘’（）《》…—·　"


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        (".", False),
        ("。", False),
        ("  ", False),
        ("-", False),
        ("ok", False),
        ("n/a", False),
        ("aaaa", False),
        ("好好好好", False),
        ("1234", False),  # digits only say nothing
        ("同上", False),  # two characters: below the minimum
        ("资产划转", True),
        ("兼并重组，资产增加", True),
        ("merger", True),
        ("asset transfer from the city", True),
    ],
)
def test_says_something(text: str, ok: bool) -> None:
    assert says_something(text) is ok


@settings(max_examples=200)
@given(st.text(PUNCTUATION, max_size=40))
def test_punctuation_and_whitespace_never_explain(text: str) -> None:
    assert not says_something(text)


@settings(max_examples=100)
@given(c=st.characters(categories=["L", "N"]), n=st.integers(1, 50), pad=st.text(PUNCTUATION))
def test_one_repeated_character_never_explains(c: str, n: int, pad: str) -> None:
    assert not says_something(pad + c * n + pad)


def _binding_warning(path: Path, policy: Policy | None = None) -> dict[str, object]:
    f = check_file(path, policy=policy).report.findings
    [row] = f.filter(pl.col("rule") == "core.binding-target").to_dicts()
    return row


@pytest.mark.parametrize("text", [".", "。", "ok", "xxxx", "----"])
def test_a_dot_no_longer_clears_a_warning(tmp_path: Path, text: str) -> None:
    """The sample's qj.urban is above the binding debt-ratio ceiling, with a real explanation."""
    path = write_sample_xlsx(tmp_path / "e.xlsx")
    assert _binding_warning(path)["blocks"] is False
    edit(path, "qj.urban", "explanation", text)
    row = _binding_warning(path)
    assert row["explained"] is False and row["blocks"] is True
    assert "says too little" in str(row["fix"]) and "过短" in str(row["fix"])
    assert not check_file(path).acceptable


def test_the_minimum_is_a_policy_setting(tmp_path: Path) -> None:
    path = write_sample_xlsx(tmp_path / "e.xlsx")
    edit(path, "qj.urban", "explanation", "重组")
    assert _binding_warning(path)["blocks"] is True
    assert _binding_warning(path, Policy(min_explanation=2))["blocks"] is False


def test_the_command_line_refuses_a_dot(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_sample_xlsx(tmp_path / "e.xlsx")
    edit(path, "qj.urban", "explanation", ".")
    assert main(["validate", str(path), "--format", "json"]) == 1
    out = capsys.readouterr().out
    assert "says too little" in out
    edit(path, "qj.urban", "explanation", "负债率高：在建项目贷款集中到期 / project loans")
    assert main(["validate", str(path)]) == 0
