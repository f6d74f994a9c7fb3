"""The HTML report's layout in a real headless browser (Debian's chromium): every section
screenshotted, no horizontal overflow of the page, no text outside its box, the first screen
readable without scrolling sideways, and the Chinese-font notice shown exactly when no Chinese
font is there.

The measurements run in the page: a copy of the report gets a measuring script (its CSP widened
for that script alone, by hash) that writes what it found into the page as JSON, which the test
reads back from chromium's ``--dump-dom``. Set ``SOEPLAN_SCREENSHOTS=DIR`` to keep the
screenshots.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest
from markupsafe import escape

from report_fixtures import CHROMIUM, CHROMIUM_FLAGS, needs_chromium
from soeplan.report.html import CSP
from soeplan.run import run_demo

pytestmark = needs_chromium

FLAGS = [*CHROMIUM_FLAGS, "--hide-scrollbars"]
#: for --dump-dom: let the page's scripts run and the layout settle before the DOM is read
SETTLE = ["--run-all-compositor-stages-before-draw", "--virtual-time-budget=3000"]
SECTIONS = (
    "overview", "tables", "assessment", "compliance", "charts", "breakdown", "debt-watch",
    "findings", "sections", "provenance",
)  # fmt: skip

#: Measures the page; writes {"page":..., "overflows": [...], ...} into <pre id="measured">.
MEASURE = r"""
(function () {
  var W = window.innerWidth, out = {width: W, page: document.documentElement.scrollWidth,
    sections: {}, overflows: [], svg: [], glance: [], notice: null};
  document.querySelectorAll("main > section").forEach(function (s) {
    var r = s.getBoundingClientRect();
    out.sections[s.id] = [Math.round(r.left), Math.round(r.right), Math.round(r.height)];
  });
  // text boxes: a cell, paragraph, heading or item whose content is wider than the box
  document.querySelectorAll("td, th, p, li, h1, h2, h3, h4, .banner, nav a").forEach(function (e) {
    if (e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 0) {
      out.overflows.push([e.tagName, e.textContent.slice(0, 60), e.scrollWidth, e.clientWidth]);
    }
    var r = e.getBoundingClientRect();
    if (r.right > W + 1 && !e.closest(".table-wrap")) {
      out.overflows.push(["page", e.textContent.slice(0, 60), Math.round(r.right), W]);
    }
  });
  // chart text inside its chart
  document.querySelectorAll("svg").forEach(function (svg) {
    var vb = svg.viewBox.baseVal;
    svg.querySelectorAll("text").forEach(function (t) {
      var b = t.getBBox();
      if (b.x < -1 || b.y < -1 || b.x + b.width > vb.width + 1 || b.y + b.height > vb.height + 1) {
        out.svg.push([svg.getAttribute("class"), t.textContent, Math.round(b.x),
          Math.round(b.x + b.width), vb.width]);
      }
    });
  });
  document.querySelectorAll(".glance .table-wrap").forEach(function (w) {
    out.glance.push([w.scrollWidth, w.clientWidth, Math.round(w.getBoundingClientRect().bottom)]);
  });
  // a table wider than its box scrolls inside it, its first column staying in view
  out.scrolled = [];
  document.querySelectorAll(".table-wrap").forEach(function (w) {
    var row = w.querySelector("tbody tr");
    if (!row || row.cells.length < 2 || w.scrollWidth <= w.clientWidth + 1) return;
    var first = row.cells[0], last = row.cells[row.cells.length - 1];
    var b0 = first.getBoundingClientRect().left, b1 = last.getBoundingClientRect().left;
    w.scrollLeft = 300;
    var moved = w.scrollLeft;
    var a0 = first.getBoundingClientRect().left, a1 = last.getBoundingClientRect().left;
    w.scrollLeft = 0;
    out.scrolled.push([w.querySelector("table").getAttribute("data-block"), moved,
      Math.round(b0 - a0), Math.round(b1 - a1)]);
  });
  var notice = document.getElementById("font-notice");
  out.notice = notice ? !notice.hidden : null;
  var pre = document.createElement("pre");
  pre.id = "measured";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
"""


def _sha(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"


def _with_measure(page: str) -> str:
    """The page with the measuring script, allowed by its own hash besides the report's."""
    shown = str(escape(CSP))
    assert f'content="{shown}"' in page
    page = page.replace(f'content="{shown}"', f'content="{escape(CSP + " " + _sha(MEASURE))}"', 1)
    return page.replace("</body>", f"<script>{MEASURE}</script></body>", 1)


def _fontconfig(tmp: Path, cjk: bool) -> Path:
    """A fontconfig with the system's fonts, less (``cjk=False``) every font covering Chinese."""
    conf = tmp / f"fonts-{cjk}.conf"
    rejects = ""
    if not cjk:
        rejects = (
            "<selectfont><rejectfont><pattern><patelt name='lang'><string>zh</string></patelt>"
            "</pattern></rejectfont></selectfont>"
        )
    conf.write_text(
        "<?xml version='1.0'?><!DOCTYPE fontconfig SYSTEM 'fonts.dtd'><fontconfig>"
        "<dir>/usr/share/fonts</dir><dir>/usr/local/share/fonts</dir>"
        f"<cachedir>{tmp / 'fc-cache'}</cachedir>{rejects}</fontconfig>",
        encoding="utf-8",
    )
    return conf


def _chromium(
    page: Path, tmp: Path, *args: str, width: int = 1280, height: int = 900, cjk: bool = True
) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    env = dict(os.environ, FONTCONFIG_FILE=str(_fontconfig(tmp, cjk)))
    return subprocess.run(
        [
            CHROMIUM,
            *FLAGS,
            f"--user-data-dir={tmp / 'profile'}",
            f"--window-size={width},{height}",
            *args,
            page.resolve().as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
    )


def _measure(page: Path, tmp: Path, **kw: object) -> dict[str, object]:
    tmp.mkdir(parents=True, exist_ok=True)
    proc = _chromium(page, tmp, *SETTLE, "--dump-dom", **kw)  # type: ignore[arg-type]
    assert proc.returncode == 0, proc.stderr[-2000:]
    found = re.search(r'<pre id="measured">(.*?)</pre>', proc.stdout, re.S)
    assert found, proc.stdout[-2000:]
    data = json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    assert isinstance(data, dict)
    return data


def _has_cjk_font() -> bool:
    fc = shutil.which("fc-list")
    if fc is None:
        return False
    out = subprocess.run([fc, ":lang=zh", "file"], capture_output=True, text=True, check=False)
    return bool(out.stdout.strip())


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out: dict[str, Path] = {}
    for lang in ("zh", "en"):
        d = tmp_path_factory.mktemp(f"demo-{lang}")
        run_demo(d, lang=lang)
        page = d / "measured.html"
        page.write_text(_with_measure((d / "report.html").read_text(encoding="utf-8")), "utf-8")
        out[lang] = page
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("width", [1280, 1024])
def test_nothing_overflows_the_page_or_its_box(
    pages: dict[str, Path], tmp_path: Path, lang: str, width: int
) -> None:
    m = _measure(pages[lang], tmp_path, width=width)
    assert m["page"] == m["width"] == width, "the page scrolls sideways"
    sections = m["sections"]
    assert isinstance(sections, dict)
    assert set(SECTIONS) <= set(sections), sorted(sections)
    for sid, (left, right, height) in sections.items():
        assert left >= 0 and right <= width, (sid, left, right)
        assert height > 0, sid
    assert m["overflows"] == [], m["overflows"][:10]  # type: ignore[index]
    assert m["svg"] == [], m["svg"][:10]  # type: ignore[index]
    scrolled = m["scrolled"]
    assert isinstance(scrolled, list)
    if width == 1024:  # the assessment's 23 columns are wider than the page: its box scrolls
        assert "assessment" in {block for block, *_ in scrolled}
    for block, moved, first, last in scrolled:
        assert moved > 0 and abs(last - moved) <= 1, (block, moved, last)  # the rest scrolls
        assert abs(first) <= 1, (block, moved, first)  # the first column stays in view


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_first_screen_is_read_without_scrolling_sideways(
    pages: dict[str, Path], tmp_path: Path, lang: str
) -> None:
    m = _measure(pages[lang], tmp_path, width=1280)
    glance = m["glance"]
    assert isinstance(glance, list) and len(glance) == 3  # 全市, 市区 and 衢江区's own targets
    for scroll, client, _bottom in glance:
        assert scroll <= client + 1, "a first-screen table scrolls sideways"


def test_the_font_notice_shows_exactly_when_no_chinese_font_is_there(
    pages: dict[str, Path], tmp_path: Path
) -> None:
    without = _measure(pages["zh"], tmp_path / "none", cjk=False)
    assert without["notice"] is True
    if not _has_cjk_font():
        pytest.skip("no Chinese font on this machine (apt-get install fonts-wqy-microhei)")
    with_font = _measure(pages["zh"], tmp_path / "some", cjk=True)
    assert with_font["notice"] is False


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    w, h = struct.unpack(">II", head[16:24])
    return int(w), int(h)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_screenshot_of_each_section(pages: dict[str, Path], tmp_path: Path, lang: str) -> None:
    """Each section alone on the page (the others hidden), screenshotted at 1280 px."""
    keep = os.environ.get("SOEPLAN_SCREENSHOTS")
    out = Path(keep) if keep else tmp_path
    out.mkdir(parents=True, exist_ok=True)
    page = pages[lang].read_text(encoding="utf-8")
    for sid in SECTIONS:
        others = ",".join(f"#{s}" for s in SECTIONS if s != sid)
        view = tmp_path / f"{sid}.html"
        view.write_text(page.replace("</style>", f"{others}{{display:none}}</style>", 1), "utf-8")
        shot = out / f"report-{lang}-{sid}.png"
        proc = _chromium(view, tmp_path, f"--screenshot={shot}", height=1200)
        assert proc.returncode == 0, proc.stderr[-2000:]
        assert _png_size(shot) == (1280, 1200), sid
        assert shot.stat().st_size > 10_000, sid  # something was drawn


def test_the_measures_see_an_overflow(tmp_path: Path) -> None:
    """Control: a cell too narrow for its text, a chart label outside its chart and a line wider
    than the page are all caught, so the empty lists above mean something."""
    page = tmp_path / "control.html"
    page.write_text(
        f"<html><head><meta http-equiv='Content-Security-Policy' content=\"{_sha(MEASURE)}\">"
        "</head><body><main><section id='s'><table><tr>"
        "<td style='max-width:40px;overflow:hidden;white-space:nowrap'>a long text in a cell</td>"
        "</tr></table><p style='width:3000px'>wide</p>"
        "<svg viewBox='0 0 100 50' width='100' height='50'><text x='90' y='20'>far right</text>"
        f"</svg></section></main><script>{MEASURE}</script></body></html>",
        encoding="utf-8",
    )
    page.write_text(
        page.read_text(encoding="utf-8").replace(
            f'content="{_sha(MEASURE)}"', f'content="script-src {_sha(MEASURE)}"'
        ),
        encoding="utf-8",
    )
    m = _measure(page, tmp_path, width=800)
    assert m["page"] > 800  # the page scrolls sideways
    kinds = {o[0] for o in m["overflows"]}  # type: ignore[union-attr]
    assert {"TD", "page"} <= kinds, m["overflows"]
    assert [t[1] for t in m["svg"]] == ["far right"]  # type: ignore[union-attr]


def test_it_prints_on_a4_a_section_a_page_the_wide_tables_landscape(
    pages: dict[str, Path], tmp_path: Path
) -> None:
    pdf = tmp_path / "report.pdf"
    proc = _chromium(pages["zh"], tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}")
    assert proc.returncode == 0, proc.stderr[-2000:]
    data = pdf.read_bytes()
    boxes = [
        tuple(round(float(v)) for v in m.split())
        for m in re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+ [\d.]+)\s*\]", data)
    ]
    pages_ = len(re.findall(rb"/Type\s*/Page[^s]", data))
    a4, landscape = (595, 842), (842, 595)
    assert set(boxes) == {a4, landscape}  # A4 only; the assessment and findings turned
    assert pages_ >= len(SECTIONS)  # every section starts a page
