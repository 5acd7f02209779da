"""Render an irtag report in headless Chromium: a PNG screenshot and the DOM after its script ran.

Used by ``tests/test_export_report.py`` and by hand to look at a report::

    python tests/browser/screenshot_report.py outputs/run1/report.html /tmp/report.png

Chromium runs with a throw-away profile and everything that could reach the network switched
off, so the check also shows that the page needs nothing from outside.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
WINDOW_SIZE = "1400,2000"


def find_browser() -> str | None:
    """The first Chromium-like binary on PATH, or None."""
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def _run(browser: str, args: list[str], timeout: float) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory(prefix="irtag-chromium-") as profile:
        command = [
            browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage", "--hide-scrollbars", "--force-device-scale-factor=1",
            f"--user-data-dir={profile}", f"--window-size={WINDOW_SIZE}", "--virtual-time-budget=3000", *args,
        ]
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=True)


def render(html_path: str | Path, png_path: str | Path, *, browser: str | None = None,
           timeout: float = 30) -> str:
    """Write a screenshot of ``html_path`` to ``png_path`` and return the rendered DOM."""
    browser = browser or find_browser()
    if browser is None:
        raise FileNotFoundError(f"no browser found on PATH (tried {', '.join(BROWSERS)})")
    url = Path(html_path).resolve().as_uri()
    png = Path(png_path).resolve()
    png.parent.mkdir(parents=True, exist_ok=True)
    _run(browser, [f"--screenshot={png}", url], timeout)
    return _run(browser, ["--dump-dom", url], timeout).stdout


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: screenshot_report.py REPORT.html OUT.png", file=sys.stderr)
        return 2
    dom = render(argv[0], argv[1])
    ready = 'data-ready="1"' in dom
    print(f"{argv[1]}: {Path(argv[1]).stat().st_size} bytes; script ran: {ready}")
    return 0 if ready else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
