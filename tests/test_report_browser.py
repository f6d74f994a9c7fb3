"""The HTML report in a real headless browser (Debian's chromium): charts present, no request made."""

from __future__ import annotations

import json
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import soeplan
from report_fixtures import (
    CHROMIUM,
    CHROMIUM_FLAGS,
    entities_for,
    needs_chromium,
    totals_for,
    unit_names,
    units_for,
)
from soeplan.report import build_report, write_report

pytestmark = needs_chromium

FLAGS = CHROMIUM_FLAGS


class _Svg(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.classes: list[str] = []
        self.polylines = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "svg":
            self.classes.append(dict(attrs).get("class") or "")
        if tag == "polyline":
            self.polylines += 1


def _read_netlog(path: Path) -> dict[str, object]:
    """A chromium net log; one cut short when the browser exits may lack its closing brackets."""
    text = path.read_text(encoding="utf-8").rstrip()
    if not text.endswith("}"):
        text = text.rstrip(",") + "]}"
    data = json.loads(text)
    assert isinstance(data, dict)
    return data


def test_html_renders_in_chromium_with_charts_and_no_request(tmp_path: Path) -> None:
    assert CHROMIUM is not None
    plan = soeplan.load_plan("quzhou-14th")
    totals = totals_for(plan, 2023)
    report = build_report(
        plan,
        2023,
        totals,
        units=units_for(totals, 2023),
        entities=entities_for(2023),
        unit_names=unit_names(),
        synthetic=True,
    )
    out = write_report(report, tmp_path / "out")
    netlog = tmp_path / "net.json"
    proc = _run(out / "report.html", tmp_path, f"--log-net-log={netlog}")
    assert proc.returncode == 0, proc.stderr[-2000:]
    dom = proc.stdout
    p = _Svg()
    p.feed(dom)
    trajectories = [c for c in p.classes if "trajectory" in c]
    breakdowns = [c for c in p.classes if "breakdown" in c]
    assert len(trajectories) == len(report.series) == len(plan.targets)
    assert len(breakdowns) == len(report.breakdowns) > 0
    assert p.polylines >= len(report.series)  # every trajectory draws its actual line
    assert "合成示例数据" in dom
    # the network log: the page made no request (the browser's own housekeeping aside)
    assert page_requests(netlog) == []


def page_requests(netlog: Path) -> list[str]:
    """URLs of requests the page initiated, from chromium's net log.

    The browser's own background requests (time, updates, accounts) carry the initiator
    "not an origin"; a request made by a file:// page carries the page's (opaque) origin.
    """
    log = _read_netlog(netlog)
    constants = log["constants"]
    assert isinstance(constants, dict)
    start = constants["logEventTypes"]["URL_REQUEST_START_JOB"]
    events = log.get("events", [])
    assert isinstance(events, list)
    return [
        str(e["params"]["url"])
        for e in events
        if e.get("type") == start
        and "url" in e.get("params", {})  # the job's begin event; its end event has no url
        and e["params"].get("initiator") != "not an origin"
    ]


def _run(page: Path, tmp: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run(
        [
            CHROMIUM,
            *FLAGS,
            f"--user-data-dir={tmp / 'profile'}",
            *extra,
            "--dump-dom",
            page.resolve().as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_request_detector_sees_a_page_request(tmp_path: Path) -> None:
    """Control: a page that does fetch something is caught, so an empty list above means something."""
    page = tmp_path / "control.html"
    page.write_text(
        '<html><body><img src="http://127.0.0.1:9/x.png"></body></html>', encoding="utf-8"
    )
    netlog = tmp_path / "net.json"
    proc = _run(page, tmp_path, f"--log-net-log={netlog}")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert page_requests(netlog) == ["http://127.0.0.1:9/x.png"]
