"""Hand-made tracks for counter tests: a person is a foot point moving frame by frame."""

from __future__ import annotations

import http.client
import json
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
import supervision as sv
import yaml

from crowdcount.config import parse_config
from crowdcount.datatypes import CountEvent, FrameInfo
from crowdcount.errors import CrowdcountError

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
KST = timezone(timedelta(hours=9))
START = datetime(2026, 10, 3, 10, 0, tzinfo=KST)


ROOT = Path(__file__).resolve().parent.parent  # the project's folder
SHORTFALL = 4  # what `run` exits with on the sample archive: a camera without footage, files that failed


def frame_info(index: int, fps: float = 10.0) -> FrameInfo:
    return FrameInfo("cam", "clip.mp4", index, START + timedelta(seconds=index / fps))


def tracks_at(feet: dict[int, tuple[float, float]]) -> sv.Detections:
    """Detections whose bottom-centre anchors are the given foot points, keyed by track id."""
    if not feet:
        empty = sv.Detections.empty()
        empty.tracker_id = np.array([], dtype=int)
        return empty
    ids = np.array(list(feet), dtype=int)
    xyxy = np.array([[x - 10, y - 60, x + 10, y] for x, y in feet.values()], dtype=float)
    return sv.Detections(xyxy=xyxy, confidence=np.ones(len(ids)), tracker_id=ids)


def run(counter: object, path: Sequence[dict[int, tuple[float, float]]], fps: float = 10) -> list[CountEvent]:
    """Feed one dict of foot points per frame (``fps`` frames a second) and finish; return every event."""
    events: list[CountEvent] = []
    for index, feet in enumerate(path):
        events += counter.update(tracks_at(feet), frame_info(index, fps))  # type: ignore[attr-defined]
    events += counter.finish()  # type: ignore[attr-defined]
    return events


def walk(track_id: int, xs: Sequence[float], y: float = 100.0) -> list[dict[int, tuple[float, float]]]:
    return [{track_id: (x, y)} for x in xs]


def crowdcount(*args: object, **options: object) -> subprocess.CompletedProcess:
    """Run the real CLI (``python -m crowdcount``) in a subprocess and capture its output."""
    command = [sys.executable, "-m", "crowdcount", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, timeout=600, **options)  # type: ignore[call-overload]


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def http_get(url: str, headers: dict[str, str] | None = None, timeout: float = 10.0) -> tuple[int, bytes]:
    """Status and body of a GET; HTTP errors are answers too, not exceptions."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def get_json(url: str, headers: dict[str, str] | None = None) -> Any:
    status, body = http_get(url, headers)
    assert status == 200, (url, status, body[:300])
    return json.loads(body)


def wait_until(check: Callable[[], Any], timeout: float, what: str, every: float = 0.5) -> Any:
    """Poll ``check`` until it returns something truthy; fail naming ``what`` after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            result = check()
        except OSError:
            result = None
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(every)


def event_keys(db: str | Path) -> list[tuple]:
    """Every stored event as a sortable tuple (store ids left out), to compare two runs."""
    from crowdcount.store.events import EventStore

    return sorted(
        (e.camera, e.counter, e.kind, e.direction, e.track_id, e.timestamp.isoformat(), e.source, e.frame)
        for e in EventStore(db, create=False).events()
    )


def sigint_as_in_a_terminal() -> None:
    """``preexec_fn`` for a CLI that a test stops with SIGINT: a test run started from a background
    shell job inherits SIGINT ignored, and Ctrl-C in a terminal is what such a test stands for."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@contextmanager
def chromium_page(chromium: Path, width: int, height: int) -> Iterator[Any]:
    """A page of headless Chromium (Debian's, at ``chromium``) with this viewport, closed after."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_FLAGS)
        try:
            yield browser.new_page(viewport={"width": width, "height": height})
        finally:
            browser.close()


@contextmanager
def editor_served(config: Path, *options: object) -> Iterator[str]:
    """`crowdcount setup` over `config` (and `options`) on a free port: its address, once it answers."""
    port = free_port()
    command = [sys.executable, "-m", "crowdcount", "setup", "--config", str(config), "--port", str(port)]
    process = subprocess.Popen(
        [*command, *map(str, options)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(
            lambda: process.poll() is not None or http_get(f"{base}/api/setup/cameras")[0] == 200,
            60,
            "the editor",
        )
        assert process.poll() is None, process.stdout.read() if process.stdout else ""
        yield base
    finally:
        process.terminate()
        process.wait(10)


def on_picture(page: Any, x: float, y: float) -> tuple[float, float]:
    """Where the editor picture's pixel (x, y) is on the page."""
    box = page.locator("#picture").bounding_box()
    width, height = page.evaluate("[picture.naturalWidth, picture.naturalHeight]")
    return box["x"] + x * box["width"] / width, box["y"] + y * box["height"] / height


def click_picture(page: Any, x: float, y: float) -> None:
    page.mouse.click(*on_picture(page, x, y))


class Hook(ThreadingHTTPServer):
    """A webhook on loopback: answers each POST with the next status of ``answers`` (then 204), keeping
    the bodies."""

    def __init__(self, answers: Sequence[int] = ()) -> None:
        self.answers, self.bodies = list(answers), []
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                hook.bodies.append(self.rfile.read(int(self.headers["Content-Length"])))
                self.send_response(hook.answers.pop(0) if hook.answers else 204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hook"

    def json_bodies(self) -> list[Any]:
        return [json.loads(body) for body in self.bodies]


class FileServer:
    """Serves ``files`` (name -> bytes) on loopback, with HTTP ranges, and one fault at a time:
    ``wrong`` (one byte changed), ``truncated`` (half the body, then the connection closed) or
    ``stop_after`` (that many bytes, then the whole server shuts down)."""

    def __init__(
        self, files: dict[str, bytes], port: int | None = None, fault: str = "", stop_after: int = 0
    ) -> None:
        self.files, self.fault, self.stop_after = files, fault, stop_after
        self.ranges: list[str | None] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = server.files.get(self.path.lstrip("/"))
                if body is None:
                    self.send_error(404)
                    return
                if server.fault == "wrong":
                    body = body[:100] + bytes([body[100] ^ 0xFF]) + body[101:]
                asked = self.headers.get("Range")
                server.ranges.append(asked)
                start = int(asked.removeprefix("bytes=").rstrip("-")) if asked else 0
                self.send_response(206 if asked else 200)
                self.send_header("Content-Length", str(len(body) - start))
                self.end_headers()
                rest = body[start:]
                if server.fault == "truncated":
                    self.wfile.write(rest[: len(rest) // 2])
                    self.close_connection = True
                elif server.fault == "stop":
                    self.wfile.write(rest[: server.stop_after])
                    self.wfile.flush()
                    self.close_connection = True
                    threading.Thread(target=server.httpd.shutdown).start()
                else:
                    self.wfile.write(rest)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", port or free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    @contextmanager
    def running(self) -> Iterator[FileServer]:
        thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.httpd.shutdown()
            self.httpd.server_close()
            thread.join(10)


class StreamServer:
    """scripts/mjpeg_server.py playing a clip in real time; kill and start it like a camera. With
    ``once``, the stream ends with the clip; with ``wait_for_client``, it plays from the first frame
    when the first client connects."""

    def __init__(
        self, video: Path, port: int, fps: float = 7, once: bool = False, wait_for_client: bool = False
    ) -> None:
        self.video, self.port, self.fps = video, port, fps
        self.flags = ["--once"] * once + ["--wait-for-client"] * wait_for_client
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/stream.mjpg"

    def start(self) -> None:
        script = str(ROOT / "scripts" / "mjpeg_server.py")
        command = [sys.executable, script, str(self.video), "--port", str(self.port), "--fps", str(self.fps)]
        self.process = subprocess.Popen([*command, *self.flags], stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None and "serving" in self.process.stdout.readline()

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.wait(10)


def mjpeg_clip(video: Path, out: Path, frames: int) -> Path:
    """The first ``frames`` frames of ``video`` as an MJPEG .avi (JPEG frames a server can pass on)."""
    capture = cv2.VideoCapture(str(video))
    writer = cv2.VideoWriter(str(out), cv2.VideoWriter.fourcc(*"MJPG"), 7, (768, 576))
    for _ in range(frames):
        ok, image = capture.read()
        assert ok
        writer.write(image)
    writer.release()
    capture.release()
    return out


def site_for(tmp_path: Path, source: str) -> Path:
    config = yaml.safe_load((ROOT / "examples" / "pets09.yaml").read_text())
    config["cameras"][0]["source"] = source
    path = tmp_path / f"site-{len(list(tmp_path.glob('site-*')))}.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def request(
    base: str, method: str, path: str, headers: dict[str, str] | None = None, body: bytes | None = None
) -> tuple[int, str]:
    connection = http.client.HTTPConnection(base.removeprefix("http://"), timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def start_server(*args: object) -> tuple[subprocess.Popen, str]:
    port = free_port()
    command = [sys.executable, "-m", "crowdcount", "serve", *map(str, args), "--port", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    wait_until(lambda: process.poll() is not None or http_get(f"{base}/openapi.json")[0], 60, "the server")
    assert process.poll() is None, process.stdout.read() if process.stdout else ""
    return process, base


EXAMPLE = """
timezone: Asia/Seoul
cameras:
  - id: pets-view1
    source: path/to/vtest.avi
    start: "2009-03-01T10:00:00+09:00"   # wall-clock time of the first frame
    fps: 7                               # optional: overrides the container's frame rate
    lines:
      - id: lamppost
        points: [[430, 150], [430, 480]] # a polyline, two or more points, pixels
        in_direction: [1, 0]             # motion along this image vector counts as "in"
    zones:
      - id: junction
        polygon: [[100, 200], [700, 200], [700, 560], [100, 560]]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "site.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def error_for(data: dict) -> str:
    with pytest.raises(CrowdcountError) as caught:
        parse_config(data, "site.yaml")
    message = str(caught.value)
    assert "\n" not in message
    return message


def example() -> dict:
    return yaml.safe_load(EXAMPLE)
