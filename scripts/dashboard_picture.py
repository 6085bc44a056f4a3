"""The README's picture of the dashboard: `crowdcount serve` over a store, opened in headless Chromium.

    .venv/bin/python scripts/dashboard_picture.py out/crowdcount.db --config examples/pets09.yaml \\
        --out docs/dashboard-ko.png

Needs the pdf extra's Playwright and a Chromium (Debian's `chromium`); `make demo` writes the store.
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from crowdcount.handover.pdf import find_chromium


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def served(command: list[str], ready: str, cwd: Path | None = None) -> Iterator[str]:
    """A crowdcount server (``command`` without its port) on a free port: its address once ``ready``
    answers; stopped after. A server that stops before it answers is an error with what it said."""
    port = free_port()
    server = subprocess.Popen(
        [*command, "--port", str(port)], cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}{ready}", timeout=2)
                break
            except OSError:
                if server.poll() is not None:
                    said = server.stderr.read().decode() if server.stderr else ""
                    raise SystemExit(f"{' '.join(command)} stopped: {said}") from None
                time.sleep(0.5)
        yield base
    finally:
        server.terminate()
        server.wait(10)


def main() -> None:
    raw = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=raw)
    parser.add_argument("db", type=Path)
    parser.add_argument("--config", type=Path)
    parser.add_argument("--lang", default="ko")
    parser.add_argument("--out", type=Path, default=Path("docs/dashboard-ko.png"))
    args = parser.parse_args()
    command = [sys.executable, "-m", "crowdcount", "serve", "--db", str(args.db)]
    command += ["--lang", args.lang] + (["--config", str(args.config)] if args.config else [])
    with served(command, "/openapi.json") as base:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=find_chromium(), args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(f"{base}/?lang={args.lang}")
            page.wait_for_timeout(3000)  # the first snapshot arrives and the plots are drawn
            page.screenshot(path=str(args.out), full_page=False)
            browser.close()
    print(f"dashboard -> {args.out}")


if __name__ == "__main__":
    main()
