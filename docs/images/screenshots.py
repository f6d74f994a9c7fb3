"""Regenerate the report screenshots of docs/howto/yearly-run.md (needs Debian's chromium).

    python docs/images/screenshots.py

Runs ``soeplan demo`` into a temporary directory, then takes headless-chromium screenshots of
report.html: the top of the page, and the charts (the same page with the sections above the
charts hidden, since a headless screenshot always starts at the top).
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
    "report-charts.png": "#summary,#tables,#assessment,#compliance,nav{display:none}",
    "report-watch.png": "#summary,#tables,#assessment,#compliance,#charts,#breakdown,nav"
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
