"""The docs site as its readers meet it: built once with Sphinx, then searched and looked at.

Needs the docs extra (Sphinx, MyST, Furo, jieba): ``nox -s docs`` runs this file; without the
extra it is skipped (`nox -s tests` installs it, so CI runs it). The browser check needs
Debian's chromium.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("sphinx")
pytest.importorskip("myst_parser")
pytest.importorskip("furo")
pytest.importorskip("jieba")

import soeplan

DOCS = Path(__file__).resolve().parent.parent / "docs"
sys.path.insert(0, str(DOCS / "_ext"))
import soeplan_docs  # noqa: E402

CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
)
SPHINX = [sys.executable, "-m", "sphinx", "-q", "-W", "--keep-going", "-b", "html"]
BROWSER = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--window-size=760,900"]
BROWSER += ["--virtual-time-budget=5000"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site, built as ``nox -s docs`` builds it (warnings are errors)."""
    out = tmp_path_factory.mktemp("site")
    proc = subprocess.run(
        [*SPHINX, str(DOCS), str(out), "-d", str(out / ".doctrees")],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    return out


def _search_index(site: Path) -> dict[str, object]:
    text = (site / "searchindex.js").read_text(encoding="utf-8")
    data = json.loads(text[text.index("(") + 1 : text.rindex(")")])
    assert isinstance(data, dict)
    return data


def _article_text(page: Path) -> str:
    """A page's own text (its article, not the navigation every page carries)."""
    source = page.read_text(encoding="utf-8")
    found = re.search(r"<article[^>]*>(.*)</article>", source, flags=re.S)
    assert found, f"{page} has no <article>"
    return html.unescape(re.sub(r"<[^>]+>", "", found.group(1)))


def _pages_found(index: dict[str, object], term: str) -> set[str]:
    names = index["docnames"]
    assert isinstance(names, list)
    found: set[str] = set()
    for key in ("terms", "titleterms"):
        table = index[key]
        assert isinstance(table, dict)
        hit = table.get(term, [])
        found |= {names[i] for i in ([hit] if isinstance(hit, int) else hit)}
    return found


@pytest.mark.parametrize("term", ["审核", "全市", "资产负债率", "汇总"])
def test_a_chinese_word_finds_every_page_that_has_it(site: Path, term: str) -> None:
    """With the English splitter, 审核 found 2 of the pages that have it (only where it stood
    alone between punctuation); segmented by jieba, it finds every one."""
    index = _search_index(site)
    names = index["docnames"]
    assert isinstance(names, list)
    having = {n for n in names if term in _article_text(site / f"{n}.html")}
    assert len(having) >= 3, f"too few pages have {term} to test the search"
    assert having <= _pages_found(index, term)


def test_the_site_uses_the_modern_theme_and_its_stylesheet(site: Path) -> None:
    page = (site / "index.html").read_text(encoding="utf-8")
    assert "furo" in page
    assert "_static/soeplan.css" in page
    css = (site / "_static" / "soeplan.css").read_text(encoding="utf-8")
    assert re.search(r"\.highlight pre[^{]*\{[^}]*overflow-x:\s*auto", css, flags=re.S)


def test_the_landing_page_is_organised_by_reader(site: Path) -> None:
    text = _article_text(site / "index.html")
    for heading in ("市国资委", "填报人员", "分析人员", "区县开发者"):
        assert heading in text


def test_every_public_name_is_documented_once(site: Path) -> None:
    page = (site / "reference" / "api.html").read_text(encoding="utf-8")
    ids = re.findall(r'<dt class="sig sig-object py" id="(soeplan\.\w+)">', page)
    public = {f"soeplan.{n}" for _t, mods in soeplan._API for names in mods.values() for n in names}
    assert public <= set(ids)
    assert len(ids) == len(set(ids)), "a name is documented twice on the API page"


def test_enums_are_tables_of_values_with_both_labels(site: Path) -> None:
    text = re.sub(r"\s+", " ", _article_text(site / "reference" / "api.html"))
    assert "Type:" not in text  # the old rendering of '#: 预期性: indicative'
    assert "expected 预期性 Expected indicative" in text
    assert "ratio 比率 ratio a fraction computed from other indicators" in text


def test_the_api_page_does_not_repeat_a_signature_as_a_parameter_list(site: Path) -> None:
    text = _article_text(site / "reference" / "api.html")
    assert "Parameters:" not in text
    assert "TypeAliasForwardRef" not in text


def test_the_rules_page_lists_the_installed_plugins_rules(site: Path) -> None:
    pytest.importorskip("soeplan_jiangshan")
    text = _article_text(site / "reference" / "rules.html")
    assert "jiangshan.entity_vanished" in text
    assert "soeplan-jiangshan" in text
    assert "core.number" in text


def test_an_undocumented_public_name_is_reported() -> None:
    everything = {f"soeplan.{n}" for n in soeplan.__all__}
    assert soeplan_docs.undocumented(everything) == []
    problems = soeplan_docs.undocumented(everything - {"soeplan.rollup"})
    assert problems == ["soeplan.rollup is not in the API reference"]


_MEASURE = """
<script>
window.addEventListener("load", () => {
  const bad = [];
  const scrolls = (el) => {
    for (let n = el; n && n.tagName !== "ARTICLE"; n = n.parentElement) {
      if (["auto", "scroll"].includes(getComputedStyle(n).overflowX)) return n;
    }
    return null;
  };
  const right = document.documentElement.clientWidth;
  for (const el of document.querySelectorAll("article pre, article table")) {
    const box = scrolls(el);
    // a wide block must scroll inside its own box, and that box stay within the window
    const edge = (box || el).getBoundingClientRect().right;
    if ((el.scrollWidth > el.clientWidth + 1 && !box) || edge > right + 1) {
      bad.push(`${el.tagName} ${Math.round(edge)}>${Math.round(right)}: ${el.textContent.trim().slice(0, 40)}`);
    }
  }
  const page = document.documentElement.scrollWidth - window.innerWidth;
  document.body.setAttribute("data-overflow", JSON.stringify({bad, page}));
});
</script>
"""


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
@pytest.mark.parametrize("name", ["howto/write-a-plugin", "reference/rules", "reference/api"])
def test_no_code_line_or_table_widens_the_page(site: Path, name: str) -> None:
    assert CHROMIUM is not None
    page = site / f"{name}.html"
    probe = page.with_name(page.stem + "-probe.html")
    probe.write_text(
        page.read_text(encoding="utf-8").replace("</body>", _MEASURE + "</body>"),
        encoding="utf-8",
    )
    proc = subprocess.run(
        [CHROMIUM, *BROWSER, "--dump-dom", probe.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    )
    found = re.search(r'data-overflow="([^"]*)"', proc.stdout)
    assert found, proc.stderr[-2000:]
    result = json.loads(html.unescape(found.group(1)))
    assert result["bad"] == []
    assert result["page"] <= 0, f"the page is {result['page']} px wider than the window"
