"""The live operator screen in Chromium, at a phone's width and a desktop's, over a synthetic stream
counted by the scripted detector (no model or footage needed): display names everywhere (no id where a
name exists), the occupancy alert's banner with acknowledge and mute, the alert on a camera that went
down marked as old data rather than red, the camera's picture labelled with its outage, and tables
that scroll sideways on a phone instead of breaking letter by letter (issue #32)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import synthetic
import yaml

from helpers import StreamServer, chromium_page, free_port, get_json, wait_until

PHONE, DESKTOP = (390, 844), (1400, 1000)
NAMES = {"gate": "북문 카메라", "middle": "북문", "square": "동쪽 광장"}


def standing_clip(folder: Path) -> Path:
    """Two people cross the line; a third walks into the square and stands there until the clip ends
    (30 s), so the square's alert (one person) is up when the stream stops."""
    walkers = synthetic.walkers_for(ins=2, outs=0)
    walkers.append(synthetic.Walker(synthetic.ROWS[2], 40, 250.0, 250.0, speed=0.0))
    return synthetic.write_clip(folder / "standing.avi", walkers, 300)


def test_the_operator_screen_on_a_phone_and_a_desktop(tmp_path, chromium):
    stream = StreamServer(
        standing_clip(tmp_path), free_port(), fps=synthetic.FPS, once=True, wait_for_client=True
    )
    stream.start()
    live = None
    try:
        camera = {**synthetic.camera("gate", stream.url, fps=synthetic.FPS), "name": NAMES["gate"]}
        camera["lines"][0]["name"] = NAMES["middle"]
        square = [[200, 20], [310, 20], [310, 230], [200, 230]]
        camera["zones"] = [{"id": "square", "name": NAMES["square"], "polygon": square, "alert_occupancy": 1}]
        config = tmp_path / "live.yaml"
        config.write_text(
            yaml.safe_dump({"timezone": synthetic.TIMEZONE, "cameras": [camera]}, allow_unicode=True)
        )
        port, model = free_port(), synthetic.markers_model(tmp_path)
        command = [sys.executable, "-m", "crowdcount", "live", "--config", str(config), "--port", str(port)]
        command += ["--db", str(tmp_path / "live.db"), "--model", str(model)]
        live = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        wait_until(lambda: get_json(f"{base}/api/alerts")["active"], 60, "the square's alert")
        with chromium_page(chromium, *PHONE) as page:
            page.goto(f"{base}/?lang=ko")
            page.wait_for_selector("#banner .banner-item button.acknowledge", timeout=20_000)
            banner = page.inner_text("#banner")
            assert "북문 카메라 / 동쪽 광장" in banner and "확인" in banner and "30분 알림 끄기" in banner
            assert page.locator('.card.alerting[data-key="gate/square"]').count() == 1
            page.wait_for_selector("#previews figcaption:has-text('북문 카메라')")
            shown = page.inner_text("main")  # every id has a display name: none shows
            assert not re.search(r"\b(gate|square|middle)\b", shown), shown
            assert "북문 카메라 / 동쪽 광장" in page.inner_text("#legend")
            fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            wide = (  # what sticks out, when something does
                "[...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > "
                "innerWidth + 1).map((e) => `${e.tagName}#${e.id}.${e.className}`).slice(0, 12)"
            )
            assert fits, page.evaluate(
                wide
            )  # the page never scrolls sideways; a wide table scrolls in its box
            heights = "[...document.querySelectorAll('td, th')].map((c) => c.getBoundingClientRect().height)"
            tallest = page.evaluate(f"Math.max(...{heights})")
            assert tallest < 40  # one line per cell: no letter-by-letter wrapping
            page.screenshot(path=str(tmp_path / "phone-live.png"), full_page=True)

            wait_until(lambda: get_json(f"{base}/api/cameras")[0]["state"] == "reconnecting", 60, "the drop")
            page.wait_for_selector("#stale-banner .banner-item", timeout=20_000)
            assert page.is_hidden("#banner")  # old data: not the red banner
            assert "경보(오래된 자료" in page.inner_text("#stale-banner")
            assert page.locator('.card.alert-stale[data-key="gate/square"]').count() == 1
            assert page.locator(".card.alerting").count() == 0
            outage = page.inner_text("#previews figure.away .outage")
            assert re.fullmatch(r"재연결 중, 마지막 프레임 \d\d:\d\d:\d\d", outage), outage
            page.screenshot(path=str(tmp_path / "phone-outage.png"), full_page=True)
            page.click("#stale-banner button.acknowledge")  # seen: the banner goes, the alert stays
            page.wait_for_selector("#stale-banner", state="hidden")
            assert get_json(f"{base}/api/alerts")["active"][0]["acknowledged_at"]
        with chromium_page(chromium, *DESKTOP) as page:
            page.goto(f"{base}/?lang=en")
            page.wait_for_selector("#previews figure.away .outage")
            assert page.inner_text("#previews figure.away .outage").startswith("reconnecting, last frame ")
            columns = page.evaluate(
                "getComputedStyle(document.querySelector('.previews')).gridTemplateColumns"
            )
            assert len(columns.split()) >= 2  # a desktop shows pictures side by side
            page.screenshot(path=str(tmp_path / "desktop-outage.png"), full_page=True)
    finally:
        if live is not None:
            live.terminate()
            live.wait(60)
        if stream.process and stream.process.poll() is None:
            stream.kill()
