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
    # the browser's helper processes may still write to the profile as it is removed
    with tempfile.TemporaryDirectory(prefix="irtag-chromium-", ignore_cleanup_errors=True) as profile:
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


def tap(html_path: str | Path, png_path: str | Path, selector: str, *, width: int = 400, height: int = 860,
        probe: str = "null", browser: str | None = None, timeout: float = 30) -> dict:
    """Open ``html_path`` at ``width`` × ``height`` (a phone below 600), click the element
    ``selector`` as a tap would, and write a screenshot; returns where the evidence panel
    (``#detail``) and the tapped element lie in the viewport, and the value of the JavaScript
    expression ``probe`` after the tap.

    Speaks the DevTools protocol over ``--remote-debugging-pipe`` (file descriptors 3 and 4),
    so it needs no websocket library."""
    import base64
    import json
    import os
    import time

    browser = browser or find_browser()
    if browser is None:
        raise FileNotFoundError(f"no browser found on PATH (tried {', '.join(BROWSERS)})")
    to_chrome_r, to_chrome_w = os.pipe()
    from_chrome_r, from_chrome_w = os.pipe()

    def child() -> None:  # the pipes on 3 and 4, inheritable (dup first: a pipe may already sit there)
        read, write = os.dup(to_chrome_r), os.dup(from_chrome_w)
        os.dup2(read, 3)
        os.dup2(write, 4)

    # the browser's helper processes may still write to the profile as it is removed
    with tempfile.TemporaryDirectory(prefix="irtag-chromium-", ignore_cleanup_errors=True) as profile:
        proc = subprocess.Popen([browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                                 "--disable-background-networking", "--hide-scrollbars", "--remote-debugging-pipe",
                                 f"--user-data-dir={profile}", "about:blank"], preexec_fn=child, close_fds=False,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        writer, reader = os.fdopen(to_chrome_w, "wb"), os.fdopen(from_chrome_r, "rb")
        pending, ids, deadline = b"", iter(range(1, 10_000)), time.monotonic() + timeout

        def receive() -> dict:
            nonlocal pending
            while b"\0" not in pending:
                if time.monotonic() > deadline:
                    raise TimeoutError("chromium did not answer")
                chunk = os.read(reader.fileno(), 1 << 16)
                if not chunk:
                    raise RuntimeError("chromium closed the pipe")
                pending += chunk
            message, pending = pending.split(b"\0", 1)
            return json.loads(message)

        def send(method: str, session: str | None = None, **params) -> dict:
            number = next(ids)
            message = {"id": number, "method": method, "params": params}
            if session:
                message["sessionId"] = session
            writer.write(json.dumps(message).encode() + b"\0")
            writer.flush()
            while True:
                answer = receive()
                if answer.get("id") == number:
                    if "error" in answer:
                        raise RuntimeError(f"{method}: {answer['error']}")
                    return answer.get("result", {})

        try:
            page = next(t for t in send("Target.getTargets")["targetInfos"] if t["type"] == "page")
            session = send("Target.attachToTarget", targetId=page["targetId"], flatten=True)["sessionId"]
            send("Emulation.setDeviceMetricsOverride", session, width=width, height=height, deviceScaleFactor=1,
                 mobile=width < 600)
            send("Emulation.setTouchEmulationEnabled", session, enabled=width < 600)
            send("Page.navigate", session, url=Path(html_path).resolve().as_uri())
            expression = ("document.body.getAttribute('data-ready') === '1' ? "
                          f"(document.querySelector({json.dumps(selector)}).click(), 1) : 0")
            while not send("Runtime.evaluate", session, expression=expression)["result"].get("value"):
                time.sleep(0.1)
            time.sleep(0.6)  # the sheet's transition
            where = send("Runtime.evaluate", session, returnByValue=True, expression=(
                "(function(){var d=document.getElementById('detail').getBoundingClientRect(),"
                f"s=document.querySelector({json.dumps(selector)}).getBoundingClientRect();"
                "return {detail:[d.top,d.bottom], tapped:[s.top,s.bottom], viewport:window.innerHeight,"
                "text:document.getElementById('detail-body').textContent.slice(0,200), "
                f"probe:({probe})}};}})()"))["result"]["value"]
            shot = send("Page.captureScreenshot", session, format="png")["data"]
            Path(png_path).write_bytes(base64.b64decode(shot))
            return where
        finally:
            writer.close()
            reader.close()
            proc.kill()
            proc.wait()
