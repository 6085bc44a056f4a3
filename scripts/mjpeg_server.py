#!/usr/bin/env python3
"""Serve a video file as a live MJPEG camera over HTTP, for trying and testing ``crowdcount live``.

    python scripts/mjpeg_server.py sample_videos/vtest.avi --port 8090 --fps 7

The stream is at ``http://127.0.0.1:8090/stream.mjpg``. Like a real camera it plays in real
time whether anyone watches or not: a client that connects late (or reconnects) gets the
current frame, not the first (``--wait-for-client`` holds the first frame until one connects).
The file loops unless ``--once`` is given. An MJPEG file (e.g. an MJPG .avi) is served as it is,
its JPEG frames unchanged, so a client decodes the very pixels a file reader does; other files
are encoded to JPEG frame by frame. Kill the server to simulate a camera going down; start it
again to bring it back. Loopback only by default.
"""

from __future__ import annotations

import argparse
import contextlib
import threading
import time
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import cv2

BOUNDARY = "crowdcountframe"


class Broadcast:
    """Decodes the file at its frame rate on one thread and keeps the newest JPEG for every client."""

    def __init__(
        self, path: str, fps: float | None, loop: bool, quality: int = 85, wait_for_client: bool = False
    ) -> None:
        self.path, self.loop, self.quality = path, loop, quality
        self.client = threading.Event()
        if not wait_for_client:
            self.client.set()
        probe = cv2.VideoCapture(path)
        if not probe.isOpened():
            raise SystemExit(f"mjpeg_server: cannot read {path}")
        self.fps = fps or probe.get(cv2.CAP_PROP_FPS) or 10.0
        probe.release()
        self.jpeg: bytes | None = None
        self.sequence = 0
        self.ended = False
        self.changed = threading.Condition()
        threading.Thread(target=self._play, daemon=True).start()

    def _jpegs(self, capture: cv2.VideoCapture, passthrough: bool):  # type: ignore[no-untyped-def]
        """The file's frames as JPEG bytes: its own packets when it is MJPEG, else encoded here."""
        while True:
            ok, data = capture.read()
            if not ok:
                return
            if passthrough:
                yield data.tobytes()
            else:
                yield cv2.imencode(".jpg", data, [cv2.IMWRITE_JPEG_QUALITY, self.quality])[1].tobytes()

    def _open(self) -> tuple[cv2.VideoCapture, bool]:
        """The file, reading its raw packets when they are JPEG images (an MJPEG file)."""
        raw = cv2.VideoCapture(self.path, cv2.CAP_FFMPEG)
        if raw.set(cv2.CAP_PROP_FORMAT, -1):
            ok, packet = raw.read()
            if ok and packet.size > 2 and packet.ravel()[:2].tobytes() == b"\xff\xd8":
                raw.release()
                raw = cv2.VideoCapture(self.path, cv2.CAP_FFMPEG)
                raw.set(cv2.CAP_PROP_FORMAT, -1)
                return raw, True
        raw.release()
        return cv2.VideoCapture(self.path), False

    def _play(self) -> None:
        period = 1.0 / self.fps
        self.client.wait()
        while True:
            capture, passthrough = self._open()
            began = time.monotonic()
            for played, encoded in enumerate(self._jpegs(capture, passthrough), start=1):
                with self.changed:
                    self.jpeg, self.sequence = encoded, self.sequence + 1
                    self.changed.notify_all()
                time.sleep(max(0.0, began + played * period - time.monotonic()))
            capture.release()
            if not self.loop:
                with self.changed:
                    self.ended = True
                    self.changed.notify_all()
                return

    def _news(self, seen: int) -> bool:
        return (self.jpeg is not None and self.sequence != seen) or self.ended

    def frames(self):  # type: ignore[no-untyped-def]
        """Each new JPEG as it is played; stops when a --once file ends."""
        seen = -1
        while True:
            with self.changed:
                self.changed.wait_for(partial(self._news, seen), timeout=5.0)
                if self.ended:
                    return
                if self.jpeg is None or self.sequence == seen:
                    continue
                seen, jpeg = self.sequence, self.jpeg
            yield jpeg


def handler_for(broadcast: Broadcast) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path.split("?")[0] != "/stream.mjpg":
                self.send_error(404, "the stream is at /stream.mjpg")
                return
            broadcast.client.set()
            self.send_response(200)
            self.send_header("Content-Type", f"multipart/x-mixed-replace; boundary={BOUNDARY}")
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            try:
                for jpeg in broadcast.frames():
                    head = f"--{BOUNDARY}\r\nContent-Type: image/jpeg\r\nContent-Length: {len(jpeg)}\r\n\r\n"
                    self.wfile.write(head.encode())
                    self.wfile.write(jpeg)
                    self.wfile.write(b"\r\n")
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("video")
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--fps", type=float, default=None, help="play rate (default: the container's)")
    parser.add_argument("--once", action="store_true", help="end the stream when the file ends")
    parser.add_argument(
        "--wait-for-client", action="store_true", help="start playing when the first client connects"
    )
    args = parser.parse_args()
    broadcast = Broadcast(args.video, args.fps, loop=not args.once, wait_for_client=args.wait_for_client)
    server = ThreadingHTTPServer((args.host, args.port), handler_for(broadcast))
    server.daemon_threads = True
    print(
        f"serving {args.video} at http://{args.host}:{args.port}/stream.mjpg ({broadcast.fps:g} fps)",
        flush=True,
    )
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


if __name__ == "__main__":
    main()
