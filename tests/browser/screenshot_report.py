"""Render an irtag report in headless Chromium: a PNG screenshot and the DOM after its script ran.

Used by ``tests/export/test_report.py`` and by hand to look at a report, at a width (a phone:
400) and optionally opened at a sentence (``#id``, which opens its evidence)::

    python tests/browser/screenshot_report.py outputs/run1/report.html /tmp/report.png [WIDTH] [#ID]

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
WIDTH, HEIGHT = 1366, 2000


def find_browser() -> str | None:
    """The first Chromium-like binary on PATH, or None."""
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def _run(browser: str, args: list[str], timeout: float, size: tuple[int, int]) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory(prefix="irtag-chromium-") as profile:
        command = [
            browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage", "--hide-scrollbars", "--force-device-scale-factor=1",
            f"--user-data-dir={profile}", f"--window-size={size[0]},{size[1]}", "--virtual-time-budget=3000", *args,
        ]
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=True)


def render(html_path: str | Path, png_path: str | Path, *, browser: str | None = None, timeout: float = 30,
           width: int = WIDTH, height: int = HEIGHT, fragment: str = "") -> str:
    """Write a screenshot of ``html_path`` (at ``#fragment``) to ``png_path``, ``width`` × ``height``
    CSS pixels, and return the rendered DOM."""
    browser = browser or find_browser()
    if browser is None:
        raise FileNotFoundError(f"no browser found on PATH (tried {', '.join(BROWSERS)})")
    url = Path(html_path).resolve().as_uri() + (f"#{fragment.lstrip('#')}" if fragment else "")
    png = Path(png_path).resolve()
    png.parent.mkdir(parents=True, exist_ok=True)
    _run(browser, [f"--screenshot={png}", url], timeout, (width, height))
    return _run(browser, ["--dump-dom", url], timeout, (width, height)).stdout


def main(argv: list[str]) -> int:
    if not 2 <= len(argv) <= 4:
        print("usage: screenshot_report.py REPORT.html OUT.png [WIDTH] [#SENTENCE-ID]", file=sys.stderr)
        return 2
    width = int(argv[2]) if len(argv) > 2 else WIDTH
    dom = render(argv[0], argv[1], width=width, height=HEIGHT if width > 1000 else 860,
                 fragment=argv[3] if len(argv) > 3 else "")
    ready = 'data-ready="1"' in dom
    print(f"{argv[1]}: {Path(argv[1]).stat().st_size} bytes; script ran: {ready}")
    return 0 if ready else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
