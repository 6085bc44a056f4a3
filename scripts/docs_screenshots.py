#!/usr/bin/env python3
"""Run the tutorial (docs/tutorial.md) as written and take its pictures, so they never go stale.

    python scripts/docs_screenshots.py                      # pictures into docs/assets/tutorial/
    python scripts/docs_screenshots.py --pictures /tmp/p    # elsewhere (the test does)

Every command of the tutorial's shell blocks runs in order in a work folder (``crowdcount`` as this
Python's, paths of the project made absolute). ``crowdcount setup`` is served and driven in headless
Chromium as the tutorial tells a person to: for each camera, the paths people took shown, the line in front
of the lamppost drawn from (430, 150) to (430, 480), named and saved. Pictures: the editor (setup.jpg),
check's picture (check.jpg) and the report's first page (report.jpg). Needs Debian's chromium and the
[pdf] extra (Playwright).
"""

from __future__ import annotations

import argparse
import re
import shlex
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

import cv2
from dashboard_picture import served

from crowdcount.handover.pdf import find_chromium

ROOT = Path(__file__).resolve().parents[1]
TUTORIAL = ROOT / "docs" / "tutorial.md"
LINE = ((430, 150), (430, 480))  # the tutorial's line, in front of the lamppost
NAME, GROUP = "가로등 앞", "출입구"
ALLOWED_EXIT = {"run": {0, 4}}  # the tutorial's run exits 4: two of its files cannot be read


def commands(text: str) -> list[list[str]]:
    """The command lines of a page's ``bash`` blocks, split as a shell would."""
    found = []
    for block in re.findall(r"^```bash\n(.*?)^```", text, re.M | re.S):
        for line in block.splitlines():
            line = line.split("  #")[0].strip()
            if line:
                found.append(shlex.split(line))
    return found


def runnable(words: list[str]) -> list[str]:
    """``crowdcount`` and ``python`` as this Python's; the project's own paths made absolute."""
    if words[0] == "crowdcount":
        words = [sys.executable, "-m", "crowdcount", *words[1:]]
    elif words[0] == "python":
        words = [sys.executable, *words[1:]]
    return [
        str(ROOT / w) if (ROOT / w).exists() and w.split("/")[0] in ("scripts", "sample_videos") else w
        for w in words
    ]


def draw_every_camera(base: str, pictures: Path) -> None:
    """The tutorial's step 4, as a person does it, at a desktop's width; setup.png of the first camera."""
    import json

    from playwright.sync_api import sync_playwright

    with urllib.request.urlopen(f"{base}/api/setup/cameras", timeout=10) as answer:
        cameras = [camera["id"] for camera in json.load(answer)["cameras"]]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=find_chromium(), args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1300, "height": 900})
        page.goto(f"{base}/setup")
        for index, camera in enumerate(cameras):
            page.select_option("#camera", index=index)
            page.wait_for_selector(f"body[data-ready='{camera}']")
            if index == 0:
                page.click("#paths")  # the paths stay shown for every camera after
            page.wait_for_selector("#paths-layer polyline")
            page.click("#add-line")
            box = page.locator("#picture").bounding_box()
            width, height = page.evaluate("[picture.naturalWidth, picture.naturalHeight]")
            for x, y in LINE:
                page.mouse.click(box["x"] + x * box["width"] / width, box["y"] + y * box["height"] / height)
            page.click("#finish")
            page.fill("#item-name", NAME)
            page.fill("#item-group", GROUP)
            if index == 0:
                page.screenshot(path=str(pictures / "setup.jpg"), type="jpeg", quality=80)
            page.click("#save")
            page.wait_for_selector("#status.ok")
        browser.close()


def report_picture(report: Path, pictures: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=find_chromium(), args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        page.goto(report.resolve().as_uri())
        page.screenshot(path=str(pictures / "report.jpg"), type="jpeg", quality=80)
        browser.close()


def run_tutorial(work: Path, pictures: Path) -> None:
    """Every command of the tutorial, in order, in ``work``; the pictures into ``pictures``."""
    text = TUTORIAL.read_text(encoding="utf-8")
    for point in LINE:  # the page tells a person the points this script draws
        assert f"({point[0]}, {point[1]})" in text, f"docs/tutorial.md no longer names the point {point}"
    pictures.mkdir(parents=True, exist_ok=True)
    for words in commands(text):
        shown = " ".join(words)
        print(f"$ {shown}", flush=True)
        command = runnable(words)
        if words[:2] == ["crowdcount", "setup"]:
            with served(command, "/api/setup/cameras", work) as base:
                draw_every_camera(base, pictures)
            continue
        done = subprocess.run(command, cwd=work, capture_output=True, text=True, timeout=1200)
        if done.returncode not in ALLOWED_EXIT.get(words[1] if len(words) > 1 else "", {0}):
            raise SystemExit(f"{shown}: exit {done.returncode}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
        if words[1:2] == ["report"]:
            report_picture(work / words[words.index("--out") + 1], pictures)
    checked = sorted((work / "tutorial" / "check").glob("*.png"))
    picture = cv2.imread(str(checked[0]))
    cv2.imwrite(str(pictures / "check.jpg"), picture, [cv2.IMWRITE_JPEG_QUALITY, 80])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pictures", type=Path, default=ROOT / "docs" / "assets" / "tutorial")
    parser.add_argument("--work", type=Path, help="where the tutorial runs (default: a temporary folder)")
    arguments = parser.parse_args()
    if arguments.work:
        arguments.work.mkdir(parents=True, exist_ok=True)
        run_tutorial(arguments.work, arguments.pictures)
    else:
        with tempfile.TemporaryDirectory() as folder:
            run_tutorial(Path(folder), arguments.pictures)
    print(f"pictures -> {arguments.pictures}")


if __name__ == "__main__":
    main()
