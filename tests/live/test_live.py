"""``crowdcount live`` against a real MJPEG stream server on loopback that goes down and comes back.

One live run serves every test here, in order: the dashboard in headless Chromium first (counts
change while the stream plays), then the outage (reconnect, gap, counts going on, nothing lost),
then the stop (visits closed, everything stored, credentials nowhere).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import cv2
import numpy as np
import paho.mqtt.client as mqtt
import pytest
import yaml

from crowdcount.drawing import LINE_COLOUR
from crowdcount.store.events import EventStore
from helpers import ROOT, Hook, StreamServer, chromium_page, free_port, get_json, http_get, wait_until

SECRET = "pa55word"


@dataclass
class LiveRun:
    base: str
    db: Path
    log: Path
    process: subprocess.Popen
    stream: StreamServer
    webhook: Hook
    notes: dict = field(default_factory=dict)

    def counters(self) -> dict[str, dict]:
        return {c["counter"]: c for c in get_json(f"{self.base}/api/counters")}

    def camera(self) -> dict:
        (camera,) = get_json(f"{self.base}/api/cameras")
        return camera

    def events(self) -> int:
        return int(get_json(f"{self.base}/api/health")["events"])


class Subscriber:
    """Every message the broker passes on under a topic, the latest per topic and all in order."""

    def __init__(self, port: int, topic: str) -> None:
        self.latest: dict[str, str] = {}
        self.received: list[tuple[str, str]] = []
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="test-subscriber")
        self.client.on_message = self._message
        self.client.on_connect = lambda client, *_: client.subscribe(f"{topic}/#", qos=1)
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()

    def _message(self, _client: object, _userdata: object, message: mqtt.MQTTMessage) -> None:
        self.latest[message.topic] = message.payload.decode()
        self.received.append((message.topic, message.payload.decode()))

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


@pytest.fixture(scope="module")
def live_run(tmp_path_factory, pets_video, default_model, mqtt_broker) -> Iterator[LiveRun]:
    folder = tmp_path_factory.mktemp("live")
    stream = StreamServer(pets_video, free_port())
    stream.start()
    webhook = Hook()
    site = yaml.safe_load((ROOT / "examples" / "live.yaml").read_text())
    camera = site["cameras"][0]
    camera["source"] = f"http://viewer:{SECRET}@127.0.0.1:{stream.port}/stream.mjpg"
    camera["zones"][0]["alert_occupancy"] = 3
    site["alerts"]["webhook"] = webhook.url
    site["mqtt"] = {"url": f"mqtt://127.0.0.1:{mqtt_broker}", "topic": "festival"}
    subscriber = Subscriber(mqtt_broker, "festival")  # listening before live starts: it sees every alert
    config = folder / "live.yaml"
    config.write_text(yaml.safe_dump(site))
    port, db, log = free_port(), folder / "live.db", folder / "live.log"
    previews_before = preview_folders()
    command = [
        sys.executable,
        "-m",
        "crowdcount",
        "live",
        "--config",
        str(config),
        "--db",
        str(db),
        "--model",
        str(default_model),
        "--port",
        str(port),
    ]
    with log.open("w") as output:  # no terminal: status lines every 2 s
        env = {**os.environ, "CROWDCOUNT_PROGRESS_EVERY_S": "2"}
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, env=env)
    run = LiveRun(f"http://127.0.0.1:{port}", db, log, process, stream, webhook)
    run.notes["previews_before"] = previews_before
    run.notes["mqtt"] = subscriber
    wait_until(lambda: run.events() > 0, 120, "the first live count events")
    yield run
    if process.poll() is None:
        process.kill()
    if stream.process and stream.process.poll() is None:
        stream.kill()
    webhook.shutdown()
    subscriber.close()


def test_dashboard_shows_counts_changing_as_the_stream_plays(live_run, chromium):
    with chromium_page(chromium, 1200, 1400) as page:
        page.goto(f"{live_run.base}/?lang=ko")
        card = page.locator('.card[data-key="pets-live/junction"]')
        card.wait_for(timeout=20_000)
        entries = int(card.locator('[data-field="entries"]').inner_text())
        page.wait_for_function(
            """([key, before]) => {
                 const cell = document.querySelector(`.card[data-key="${key}"] [data-field="entries"]`);
                 return cell && Number(cell.textContent) > before;
               }""",
            arg=["pets-live/junction", entries],
            timeout=60_000,
        )
        assert page.locator("#cameras tbody tr").first.inner_text().count("수신 중") == 1  # state: live
        assert page.locator('#chart [data-key="pets-live/junction"]').count() == 1  # one seen stretch
        hangul = "document.fonts.load('16px CrowdcountHangul', '실시간').then((faces) => faces.length > 0)"
        assert page.evaluate(hangul)  # the page brings its own Hangul font
        assert page.locator('#lines tr[data-key="pets-live/lamppost"]').count() == 1
        assert page.locator('#lines tr[data-key="pets-live/lamppost"] svg.spark').count() == 1  # the trend
        assert page.locator('#groups tr[data-group="walkways"]').count() == 1
        assert page.locator('#alerts button.mute[data-key="pets-live/junction"]').count() == 1
        page.wait_for_function(  # the camera's annotated picture plays on the page
            "() => document.querySelector('#previews img')?.naturalWidth === 768",
            timeout=30_000,
        )
        page.screenshot(path=str(live_run.db.parent / "dashboard.png"), full_page=True)


def test_the_camera_serves_its_picture_with_lines_boxes_and_counts_while_watched(live_run):
    shown = np.zeros(260, dtype=bool)
    for _ in range(3):  # people walk over the line: a row it hides in one picture shows in a later one
        status, body = http_get(f"{live_run.base}/api/cameras/pets-live/preview.jpg")
        assert status == 200, body[:200]
        picture = cv2.imdecode(np.frombuffer(body, np.uint8), cv2.IMREAD_COLOR)
        assert picture.shape == (576, 768, 3)
        strip = picture[200:460, 428:433].astype(int)  # around the lamppost line (x = 430), drawn orange
        shown |= (np.abs(strip - LINE_COLOUR).sum(axis=2) < 60).any(axis=1)
        time.sleep(1)
    assert shown.mean() > 0.9  # rows where the line shows in one of the pictures
    request = urllib.request.urlopen(f"{live_run.base}/api/cameras/pets-live/preview.mjpg", timeout=20)
    assert request.headers["Content-Type"].startswith("multipart/x-mixed-replace")
    head = request.read(200)
    assert head.startswith(b"--frame\r\nContent-Type: image/jpeg") and b"\xff\xd8" in head  # a JPEG part
    request.close()
    assert http_get(f"{live_run.base}/api/cameras/nope/preview.jpg")[0] == 404


def test_an_operator_acknowledges_and_mutes_the_occupancy_alert(live_run):
    alert = wait_until(lambda: get_json(f"{live_run.base}/api/alerts")["active"], 120, "the alert")[0]
    assert alert["key"] == "pets-live/junction" and alert["occupancy"] >= 3  # the value that raised it
    status, body = post(f"{live_run.base}/api/alerts/pets-live/junction/acknowledge")
    assert status == 200 and json.loads(body)["acknowledged_at"]
    status, body = post(f"{live_run.base}/api/alerts/pets-live/junction/mute?minutes=30")
    assert status == 200 and json.loads(body)["muted_until"]
    alerts = wait_until(lambda: (a := get_json(f"{live_run.base}/api/alerts"))["muted"] and a, 10, "the mute")
    assert "pets-live/junction" in alerts["muted"] and alerts["active"][0]["acknowledged_at"]
    assert (
        post(f"{live_run.base}/api/alerts/pets-live/junction/mute?minutes=0")[1]
        == b'{"key":"pets-live/junction","muted_until":null}'
    )
    assert post(f"{live_run.base}/api/alerts/pets-live/lamppost/acknowledge")[0] == 404  # no alert there
    today = get_json(f"{live_run.base}/api/counters")
    line = next(c for c in today if c["counter"] == "lamppost")
    assert (
        line["today"]["in"] >= line["in"] and len(line["trend"]) == 15 and line["trend"][0] is None
    )  # before


def post(url: str) -> tuple[int, bytes]:
    request = urllib.request.Request(url, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_an_mqtt_subscriber_sees_the_counts_the_api_shows(live_run):
    messages: Subscriber = live_run.notes["mqtt"]

    def same_as_the_api() -> bool:
        counters = live_run.counters()
        line = json.loads(messages.latest.get("festival/pets-live/lamppost", "null") or "null")
        zone = json.loads(messages.latest.get("festival/pets-live/junction", "null") or "null")
        occupancy = messages.latest.get("festival/pets-live/junction/occupancy")
        return (
            bool(line and zone)
            and (line["in"], line["out"], zone["entries"], zone["exits"])
            == (
                counters["lamppost"]["in"],
                counters["lamppost"]["out"],
                counters["junction"]["entries"],
                counters["junction"]["exits"],
            )
            and occupancy == str(counters["junction"]["occupancy"])
        )

    wait_until(same_as_the_api, 30, "the MQTT counts to match /api/counters")
    assert messages.latest["festival/status"] == "online"
    assert json.loads(messages.latest["festival/pets-live/health"])["state"] == "live"


def test_stream_outage_reconnects_records_a_gap_and_keeps_counting(live_run):
    before = wait_until(
        lambda: live_run.events() >= 5 and live_run.events(), 90, "five events before the drop"
    )
    live_run.stream.kill()
    wait_until(lambda: live_run.camera()["state"] == "reconnecting", 30, "the camera to notice the drop")
    assert get_json(f"{live_run.base}/api/health")["status"] == "degraded"
    snapshot_url = f"{live_run.base}/api/snapshot"
    snapshot = wait_until(
        lambda: (s := get_json(snapshot_url))["counters"][0]["stale"] and s, 10, "stale counts"
    )
    assert all(c["stale"] for c in snapshot["counters"])  # the camera's numbers are behind: said so
    assert snapshot["series"]["zones"]["pets-live/junction"][-1] is None  # the chart breaks, no false 0
    at_drop = live_run.events()
    assert at_drop >= before
    live_run.stream.start()
    back = wait_until(lambda: (c := live_run.camera())["reconnects"] >= 1 and c, 60, "the reconnect")
    assert back["state"] == "live"
    assert back["failures"] >= 1
    gap = wait_until(lambda: live_run.camera()["last_gap"], 30, "the outage gap")
    assert gap["reason"].startswith("stream down") and gap["end"] > gap["start"]
    wait_until(lambda: live_run.events() > at_drop, 120, "counts after the reconnect")
    live_run.notes.update(at_drop=at_drop, gap=gap)


def test_stopping_stores_everything_closes_visits_and_never_shows_the_password(live_run):
    at_drop, gap = live_run.notes["at_drop"], live_run.notes["gap"]
    seen = live_run.events()
    live_run.process.send_signal(signal.SIGINT)
    assert live_run.process.wait(60) == 0
    store = EventStore(live_run.db, create=False)
    events = store.events()
    assert len(events) >= seen
    outage = datetime.fromisoformat(gap["start"]), datetime.fromisoformat(gap["end"])
    assert sum(e.timestamp <= outage[0] for e in events) >= at_drop  # nothing lost
    assert any(e.timestamp >= outage[1] for e in events)  # counting went on
    entries = sum(e.kind == "enter" for e in events)
    assert entries == sum(e.kind == "exit" for e in events) > 0  # every visit closed at the stop
    (source,) = store.sources()
    assert source.status == "stopped" and source.frames > 10  # 7 fps, a few seconds at the least
    assert [g.reason.startswith("stream down") for g in store.gaps()] == [True]
    raised = [b for b in live_run.webhook.json_bodies() if b["state"] == "raised"]
    assert raised and raised[0]["key"] == "pets-live/junction" and raised[0]["threshold"] == 3
    messages: Subscriber = live_run.notes["mqtt"]
    alerts = [json.loads(body) for topic, body in messages.received if topic == "festival/alerts"]
    assert alerts and alerts[0] == raised[0]  # the same alert on MQTT as on the webhook
    wait_until(lambda: messages.latest.get("festival/status") == "offline", 10, "MQTT status offline")
    log = live_run.log.read_text()
    assert SECRET not in log and "Traceback" not in log
    assert re.search(
        r"^\d\d:\d\d:\d\d live: pets-live live [\d.]+ fps; pets-live/lamppost in \d+ out \d+", log, re.M
    )
    for stored in live_run.db.parent.glob("live.db*"):  # the database and any WAL beside it
        assert SECRET.encode() not in stored.read_bytes()
    assert preview_folders() <= live_run.notes["previews_before"]  # the camera pictures are gone


def preview_folders() -> set[Path]:
    return {
        *Path("/dev/shm").glob("crowdcount-preview-*"),
        *Path(tempfile.gettempdir()).glob("crowdcount-preview-*"),
    }


def test_sigterm_stops_live_as_ctrl_c_does(tmp_path, pets_video, default_model):
    """A service manager stops with SIGTERM: visits and the session close, exit 0, nothing lost."""
    stream = StreamServer(pets_video, free_port())
    stream.start()
    site = yaml.safe_load((ROOT / "examples" / "live.yaml").read_text())
    site["cameras"][0]["source"] = f"http://127.0.0.1:{stream.port}/stream.mjpg"
    config = tmp_path / "live.yaml"
    config.write_text(yaml.safe_dump(site))
    port, db = free_port(), tmp_path / "live.db"
    command = [
        sys.executable,
        "-m",
        "crowdcount",
        "live",
        "--config",
        str(config),
        "--db",
        str(db),
        "--model",
        str(default_model),
        "--port",
        str(port),
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        health = f"http://127.0.0.1:{port}/api/health"
        wait_until(lambda: get_json(health)["events"] > 0, 120, "the first live count events")
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
        stream.kill()
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr
    store = EventStore(db, create=False)
    (source,) = store.sources()
    assert source.status == "stopped" and source.frames > 0
    events = store.events()
    assert sum(e.kind == "enter" for e in events) == sum(e.kind == "exit" for e in events) > 0


def _camera_processes(parent: int) -> list[int]:
    """The live command's camera processes (spawned children running a camera, not the resource tracker)."""
    found = []
    for task in Path(f"/proc/{parent}/task").iterdir():
        for child in (task / "children").read_text().split():
            command = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ")
            if b"multiprocessing.spawn" in command or b"spawn_main" in command:
                found.append(int(child))
    return found


def test_a_camera_process_killed_mid_count_has_its_visits_closed_and_counts_on(
    tmp_path, pets_video, default_model
):
    stream = StreamServer(pets_video, free_port())
    stream.start()
    site = yaml.safe_load((ROOT / "examples" / "live.yaml").read_text())
    site["cameras"][0]["source"] = f"http://127.0.0.1:{stream.port}/stream.mjpg"
    config, db = tmp_path / "live.yaml", tmp_path / "live.db"
    config.write_text(yaml.safe_dump(site))
    command = [
        sys.executable,
        "-m",
        "crowdcount",
        "live",
        "--config",
        str(config),
        "--db",
        str(db),
        "--model",
        str(default_model),
        "--port",
        str(free_port()),
    ]
    live = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:

        def inside() -> int:
            events = EventStore(db, create=False).events() if db.exists() else []
            return sum(e.kind == "enter" for e in events) - sum(e.kind == "exit" for e in events)

        wait_until(lambda: inside() > 0, 120, "people inside the zone, stored")
        (camera,) = wait_until(lambda: _camera_processes(live.pid), 10, "the camera process")
        os.kill(camera, signal.SIGKILL)  # killed mid-count, as the out-of-memory killer would
        ended = wait_until(
            lambda: [s for s in EventStore(db, create=False).sources() if s.status == "ended"],
            90,
            "the dead session closed by the restarted camera",
        )
        assert len(ended) == 1
        wait_until(lambda: len(EventStore(db, create=False).sources()) == 2, 60, "the new session counting")
    finally:
        live.send_signal(signal.SIGINT)
        live.wait(60)
        stream.kill()
    events = EventStore(db, create=False).events()
    assert sum(e.kind == "enter" for e in events) == sum(e.kind == "exit" for e in events)  # nobody stuck
    assert sorted(s.status for s in EventStore(db, create=False).sources()) == ["ended", "stopped"]
