"""One camera's live count: newest stream frame -> detect -> track -> count -> store, every second."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from multiprocessing.synchronize import Event
from pathlib import Path

from crowdcount import __version__
from crowdcount.config import CameraConfig, SiteConfig
from crowdcount.counting.count import close_open_visits
from crowdcount.counting.engine import SourceCounter
from crowdcount.datatypes import CountEvent, FrameInfo, Gap, SourceRecord, SourceStatus
from crowdcount.detect.base import Detector
from crowdcount.detect.load import DetectorSpec
from crowdcount.detect.tiles import camera_detector
from crowdcount.live.preview import PreviewPublisher
from crowdcount.setup.annotate import preview_picture
from crowdcount.sources.streams import LiveFrame, StreamReader
from crowdcount.store.events import EventStore, StoreWriteError
from crowdcount.store.unsaved import Unsaved, keep

log = logging.getLogger("crowdcount.live")

DEFAULT_STREAM_FPS = 10.0  # what the tracker assumes when the config gives no fps
LIVE_LOCK_WAIT_S = 2.0  # a flush waits this long for a busy store, then tries again a second later


@dataclass
class _Connection:
    """The counting engine of one connection: a reconnect starts it afresh."""

    number: int
    engine: SourceCounter
    detector: Detector  # at this connection's input size (its frames' size may differ from the last)


class CameraSession:
    """Counts one camera's stream into a store until told to stop.

    The session is one source in the store (``URL#live-START``), with its events and
    outage gaps appended every ``flush_s`` seconds, so a crash loses at most that much.
    Every frame taken from the stream is detected (the newest one, so none queue up) and counted
    by the same engine as a recording (:class:`~crowdcount.counting.engine.SourceCounter`). After an
    outage the tracks of the old connection end (zone visits exit at their last sighting) and
    counting goes on with a fresh engine.
    """

    def __init__(
        self,
        site: SiteConfig,
        camera: CameraConfig,
        store: EventStore,
        detector: Detector,
        flush_s: float = 1.0,
        imgsz: int | None = None,
        preview: PreviewPublisher | None = None,
        blur: bool = False,
    ) -> None:
        assert camera.source is not None
        self.preview, self.blur = preview, blur  # the annotated picture, while someone watches it
        self.totals: Counter[tuple[str, str]] = Counter()  # (counter, direction) since the session began
        self.site, self.camera, self.store, self.detector = site, camera, store, detector
        self.imgsz = imgsz  # the input size asked for (--imgsz, detector.imgsz); None: from the frames
        self.model_name = detector.name  # with the input size, once a connection gave a frame
        self.flush_s = flush_s
        self.reader = StreamReader(camera.source, camera.id, site.tz)
        self.started = datetime.now(UTC)
        self.source = f"{self.reader.shown}#live-{self.started.astimezone(site.tz):%Y%m%dT%H%M%S}"
        self.frames = 0
        self.last_frame: datetime | None = None
        self.lag_s: float | None = None
        self._pending: list[CountEvent] = []
        self._gaps: list[Gap] = []
        self._times: deque[float] = deque(maxlen=50)
        self._connection: _Connection | None = None

    def run(self, should_stop: Callable[[], bool]) -> None:
        """Count until ``should_stop()`` is true; then close every visit and store the rest."""
        self.reader.start()
        flushed = time.monotonic()
        try:
            while not should_stop():
                live = self.reader.next_frame(timeout=0.25)
                if live is not None:
                    self.count(live)
                if time.monotonic() - flushed >= self.flush_s:
                    self.flush("live")
                    flushed = time.monotonic()
        finally:
            self.reader.stop()
            self._end_connection()
            if not self.flush("stopped") and (self._pending or self._gaps):
                kept = keep(
                    self.store, Unsaved(self._record("stopped"), self._pending, self._gaps, append=True)
                )
                log.error(
                    "camera %s: the store refused the last counts; they are kept in %s", self.camera.id, kept
                )

    def count(self, live: LiveFrame) -> None:
        """Detect, track and count one frame."""
        if self._connection is None or self._connection.number != live.connection:
            self._end_connection()
            rate = self.camera.fps or DEFAULT_STREAM_FPS
            engine = SourceCounter(self.camera, self.site.counting_for(self.camera), rate, stride=1)
            height, width = live.image.shape[:2]
            sized = camera_detector(self.detector, self.camera, width, height, self.imgsz)
            self._connection = _Connection(live.connection, engine, sized)
            self.model_name = sized.name
        info = FrameInfo(self.camera.id, self.source, self.frames, live.timestamp)
        detections = self._connection.detector.detect(live.image)
        events = self._connection.engine.update(info, detections)
        self._pending += events
        self.totals.update((e.counter, e.direction) for e in events)
        if self.preview is not None and self.preview.wanted():
            self.preview.publish(
                preview_picture(
                    live.image, self._connection.engine.tracks, self.camera, self.captions(), self.blur
                )
            )
        self.frames += 1
        self.last_frame = live.timestamp
        self.lag_s = (datetime.now(UTC) - live.timestamp).total_seconds()
        self._times.append(time.monotonic())

    def captions(self) -> dict[str, str]:
        """The running counts the preview writes beside each line and zone."""
        lines = {
            line.id: f"in {self.totals[line.id, 'in']} out {self.totals[line.id, 'out']}"
            for line in self.camera.lines
        }
        zones = {
            zone.id: f"inside {max(self.totals[zone.id, 'in'] - self.totals[zone.id, 'out'], 0)}"
            for zone in self.camera.zones
        }
        return lines | zones

    def _end_connection(self) -> None:
        if self._connection is not None:
            ended = self._connection.engine.finish()
            self.totals.update((e.counter, e.direction) for e in ended)
            self._pending += ended
            for still in self._connection.engine.stillness.found():
                log.warning(
                    "camera %s: track %d stood still for %.0f s; if it is not a person, mask it: "
                    "ignore: [{polygon: %s}]",
                    self.camera.id,
                    still.track_id,
                    still.seconds,
                    still.mask(),
                )
            self._connection = None

    @property
    def fps(self) -> float:
        """Frames counted per second, over the last 50."""
        if len(self._times) < 2:
            return 0.0
        return (len(self._times) - 1) / max(self._times[-1] - self._times[0], 1e-6)

    def flush(self, status: SourceStatus) -> bool:
        """Append new events and ended outages to the store, and publish health; whether the store
        took them (if not, they are kept for the next flush: nothing is dropped)."""
        self._gaps += self.reader.take_gaps()
        try:
            self.store.append_live(self._record(status), self._pending, self._gaps)
        except StoreWriteError as error:
            log.warning("camera %s: %s; trying again", self.camera.id, error)
            return False
        self._pending, self._gaps = [], []
        with contextlib.suppress(StoreWriteError):  # health is news, not counts: the next flush sends it
            self.store.set_health(self.camera.id, self.health(status))
        return True

    def _record(self, status: SourceStatus) -> SourceRecord:
        return SourceRecord(
            camera=self.camera.id,
            source=self.source,
            status=status,
            start=self.started,
            end=self.last_frame or self.started,
            fps=self.fps or self.camera.fps or DEFAULT_STREAM_FPS,
            frames=self.frames,
            stride=1,
            model=self.model_name,
            version=__version__,
        )

    def health(self, status: SourceStatus) -> dict[str, object]:
        stream = self.reader.health
        return {
            "camera": self.camera.id,
            "source": self.reader.shown,
            "session": self.source,
            "state": stream.state if status == "live" else status,
            "fps": round(self.fps, 2),
            "lag_s": None if self.lag_s is None else round(self.lag_s, 3),
            "frames": self.frames,
            "received": stream.frames,
            "dropped": stream.dropped,
            "reconnects": stream.reconnects,
            "failures": stream.failures,
            "last_frame": self._shown(self.last_frame),
            "connected_since": self._shown(stream.connected_since),
            "started": self._shown(self.started),
            "message": stream.message,
            "pid": os.getpid(),
        }

    def _shown(self, moment: datetime | None) -> str | None:
        """An instant as the site's wall clock, for people and the dashboard."""
        return moment.astimezone(self.site.tz).isoformat() if moment else None


def close_ended_sessions(store: EventStore, camera_id: str) -> list[str]:
    """Close the sessions of ``camera_id`` still marked live in ``store``: their process died (killed,
    out of memory) before it could store its end. Visits still open exit at the session's last stored
    frame, so occupancy comes back to what is really inside. Run before a camera's process (re)starts;
    the sessions closed."""
    closed = []
    for record in store.sources():
        if record.camera != camera_id or record.status != "live":
            continue
        last = FrameInfo(camera_id, record.source, record.frames, record.end)
        exits = close_open_visits(store.events(camera=camera_id, source=record.source), last)
        store.append_live(replace(record, status="ended"), exits, [])
        closed.append(record.source)
    return closed


def run_camera_process(
    site: SiteConfig,
    camera_id: str,
    store_url: str,
    detector: DetectorSpec,
    threads: int,
    stop: Event,
    previews: str | None = None,
    blur: bool = False,
) -> None:
    """Entry point of one camera's process: counts until ``stop`` is set or the parent is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the parent, which sets ``stop``
    terminated = threading.Event()  # SIGTERM to the whole process group: stop as on ``stop``
    signal.signal(signal.SIGTERM, lambda _signal, _frame: terminated.set())
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    parent = os.getppid()
    store = EventStore(store_url, lock_wait_s=LIVE_LOCK_WAIT_S)
    for source in close_ended_sessions(store, camera_id):
        log.warning("camera %s: session %s had ended without closing its visits: closed", camera_id, source)
    session = CameraSession(
        site,
        site.camera(camera_id),
        store,
        detector.load(threads, parallel=False),
        imgsz=detector.imgsz,
        preview=PreviewPublisher(Path(previews), camera_id) if previews else None,
        blur=blur,
    )
    log.info("camera %s: counting %s", camera_id, session.reader.shown)
    session.run(lambda: stop.is_set() or terminated.is_set() or os.getppid() != parent)
    log.info("camera %s: stopped after %d frames", camera_id, session.frames)
