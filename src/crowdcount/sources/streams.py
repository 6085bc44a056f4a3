"""Live camera streams -> the newest frame, read on a thread, reconnecting with backoff.

Every outage (a stream that drops, or cannot be reached) becomes a :class:`Gap`, so the
time a camera was blind is never counted as nobody passing. Credentials in a stream URL
are never printed, logged or stored: use :func:`redact_url` for anything shown.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from datetime import UTC, datetime, tzinfo
from urllib.parse import urlsplit

import cv2
import numpy as np

from crowdcount.datatypes import Gap
from crowdcount.urls import redact_url

STREAM_SCHEMES = ("rtsp", "rtsps", "rtmp", "http", "https", "udp", "tcp", "srt")


def is_stream(source: str) -> bool:
    """A live source: a stream URL or a webcam index such as ``0``."""
    return source.isdigit() or urlsplit(source).scheme.lower() in STREAM_SCHEMES


@dataclass(frozen=True, slots=True)
class LiveFrame:
    """A frame as it arrived: pixels, wall-clock arrival time, and which connection brought it."""

    image: np.ndarray
    timestamp: datetime
    connection: int  # 1 for the first connection, +1 after every reconnect


@dataclass(frozen=True, slots=True)
class StreamHealth:
    """How a stream is doing, for the API's camera health."""

    state: str  # connecting / live / reconnecting / stopped
    connected_since: datetime | None
    last_frame: datetime | None
    frames: int  # frames received
    dropped: int  # frames replaced by a newer one before the counter took them
    reconnects: int  # successful reconnections after an outage
    failures: int  # failed connection attempts and drops
    message: str


def open_capture(source: str, timeout_s: float) -> cv2.VideoCapture:
    """Open a webcam index or a stream URL with open/read time-outs (FFmpeg)."""
    if source.isdigit():
        return cv2.VideoCapture(int(source))
    millis = int(timeout_s * 1000)
    return cv2.VideoCapture(
        source,
        cv2.CAP_FFMPEG,
        [cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, millis, cv2.CAP_PROP_READ_TIMEOUT_MSEC, millis],
    )


class StreamReader:
    """Reads a stream on its own thread and keeps only the newest frame (no growing lag).

    Example:
        >>> reader = StreamReader("rtsp://cam/1", "gate-1", ZoneInfo("Asia/Seoul"))  # doctest: +SKIP
        >>> reader.start(); frame = reader.next_frame(timeout=1.0)                   # doctest: +SKIP
    """

    def __init__(
        self,
        source: str,
        camera: str,
        tz: tzinfo,
        timeout_s: float = 5.0,
        backoff_s: tuple[float, float] = (0.5, 10.0),
    ) -> None:
        self.source, self.camera, self.tz, self.timeout_s = source, camera, tz, timeout_s
        self.shown = redact_url(source)
        self.backoff_s = backoff_s
        self._changed = threading.Condition()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._read, name=f"stream-{camera}", daemon=True)
        self._latest: LiveFrame | None = None
        self._taken = True
        self._gaps: list[Gap] = []
        self._down_since: datetime | None = None
        self._down_reason = ""
        self._health = StreamHealth("connecting", None, None, 0, 0, 0, 0, f"connecting to {self.shown}")

    @property
    def health(self) -> StreamHealth:
        with self._changed:
            return self._health

    def start(self) -> StreamReader:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop reading; an outage still open is closed as a gap at this moment."""
        self._stop.set()
        self._thread.join(timeout=self.timeout_s + 2)
        with self._changed:
            self._close_outage(self._now())
            self._set(state="stopped", message="stopped")
            self._changed.notify_all()

    def next_frame(self, timeout: float) -> LiveFrame | None:
        """The newest frame not handed out before, waiting up to ``timeout`` seconds for one."""
        with self._changed:
            if not self._changed.wait_for(lambda: not self._taken or self._stop.is_set(), timeout):
                return None
            if self._taken:
                return None
            self._taken = True
            return self._latest

    def take_gaps(self) -> list[Gap]:
        """Outages that have ended since the last call."""
        with self._changed:
            gaps, self._gaps = self._gaps, []
            return gaps

    def _now(self) -> datetime:
        return datetime.now(UTC)  # an instant; the site's zone is for showing it

    def _set(self, **changes: object) -> None:
        self._health = replace(self._health, **changes)  # type: ignore[arg-type]

    def _close_outage(self, end: datetime) -> None:
        if self._down_since is not None and end > self._down_since:
            self._gaps.append(Gap(self.camera, self.shown, self._down_since, end, self._down_reason))
        self._down_since = None

    def _went_down(self, reason: str) -> None:
        with self._changed:
            health = self._health
            if self._down_since is None:
                self._down_since = health.last_frame or self._now()
                self._down_reason = f"stream down: {reason}"
            self._set(state="reconnecting", failures=health.failures + 1, message=reason)

    def _read(self) -> None:
        delay = self.backoff_s[0]
        connection = 0
        while not self._stop.is_set():
            capture = open_capture(self.source, self.timeout_s)
            if not capture.isOpened():
                capture.release()
                self._went_down(f"cannot connect to {self.shown}")
                self._stop.wait(delay)
                delay = min(delay * 2, self.backoff_s[1])
                continue
            connection += 1
            delay = self.backoff_s[0]
            self._receive(capture, connection)
            capture.release()
            if not self._stop.is_set():
                self._went_down(f"{self.shown} stopped sending frames")

    def _receive(self, capture: cv2.VideoCapture, connection: int) -> None:
        first = True
        while not self._stop.is_set():
            ok, image = capture.read()
            if not ok or image is None:
                return
            now = self._now()
            with self._changed:
                health = self._health
                if first:
                    self._close_outage(now)
                    self._set(
                        state="live",
                        connected_since=now,
                        message=f"receiving {self.shown}",
                        reconnects=health.reconnects + (connection > 1),
                    )
                    health, first = self._health, False
                self._set(
                    frames=health.frames + 1, dropped=health.dropped + (not self._taken), last_frame=now
                )
                self._latest, self._taken = LiveFrame(image, now, connection), False
                self._changed.notify_all()
