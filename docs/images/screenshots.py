"""Regenerate the report screenshots of the docs (needs Debian's chromium and a Chinese font,
e.g. ``apt-get install chromium fonts-wqy-microhei``: without one the page shows its font notice
and the Chinese as boxes).

    python docs/images/screenshots.py

Runs ``soeplan demo`` into a temporary directory, then takes headless-chromium screenshots of
report.html: the first screen, the charts, the lagging units' small multiples and the watch
list with the sections (each the same page with the parts above it hidden, since a headless
screenshot always starts at the top).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
    "--force-device-scale-factor=0.75",
    "--window-size=1280,1600",
]
HIDE = {
    "report-top.png": "",
    "report-charts.png": "#overview,#tables,#assessment,#compliance,nav{display:none}",
    "report-laggards.png": "#overview,#tables,#assessment,#compliance,#charts,nav,"
    "#breakdown>h2,#breakdown>div.charts:not(.small-multiples){display:none}",
    "report-watch.png": "#overview,#tables,#assessment,#compliance,#charts,#breakdown,nav"
    "{display:none}",
}


def main() -> None:
    chromium = shutil.which("chromium")
    if chromium is None:
        raise SystemExit("chromium is not installed: apt-get install -y chromium")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "demo-report"
        subprocess.run(["soeplan", "demo", "--out", str(out), "--quiet"], check=True)
        page = (out / "report.html").read_text(encoding="utf-8")
        for name, css in HIDE.items():
            view = Path(tmp) / f"{name}.html"
            view.write_text(page.replace("</style>", css + "\n</style>", 1), encoding="utf-8")
            subprocess.run(
                [
                    chromium,
                    *FLAGS,
                    f"--user-data-dir={Path(tmp) / 'profile'}",
                    f"--screenshot={HERE / name}",
                    view.as_uri(),
                ],
                check=True,
                capture_output=True,
            )
            print(HERE / name)


if __name__ == "__main__":
    main()
