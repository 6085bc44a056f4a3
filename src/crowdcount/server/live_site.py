"""A site counted live: one process per camera counting into the store, the monitor that serves what
they count, and the preview pictures, started together and stopped together."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from crowdcount.config import CameraConfig, SiteConfig, alert_thresholds, describe_site
from crowdcount.detect.load import DetectorSpec
from crowdcount.errors import CrowdcountError
from crowdcount.live.preview import PreviewBoard, preview_folder, remove_folder
from crowdcount.live.processes import CameraProcesses
from crowdcount.server.monitor import Monitor
from crowdcount.server.outputs import outputs_for
from crowdcount.sources.streams import is_stream
from crowdcount.store.events import EventStore
from crowdcount.urls import redact_url


def stream_cameras(site: SiteConfig, ids: list[str] | None = None) -> list[CameraConfig]:
    """The cameras named (all, without ``ids``) that have a line or zone, each refused in one line unless
    its source is a stream."""
    cameras, _ = site.cameras_to_count(ids)
    for camera in cameras:
        if not camera.source or not is_stream(camera.source):
            shown = redact_url(camera.source or "")
            raise CrowdcountError(
                f"camera {camera.id!r}: source {shown!r} is not a stream; give an rtsp://, http(s):// URL "
                "or a webcam index (use 'crowdcount run' for recordings)"
            )
    return cameras


@contextmanager
def counting_live(
    site: SiteConfig,
    cameras: list[CameraConfig],
    store: EventStore,
    detector: DetectorSpec,
    blur: bool = False,
) -> Iterator[tuple[Monitor, PreviewBoard]]:
    """Count ``cameras`` live into ``store`` (each in its own process, restarted if it dies) while the
    block runs, with the monitor of what they count and their preview pictures (drawn only while
    watched, ``blur``: people blurred); on leaving, the cameras stop and store what they counted."""
    store.describe(describe_site(site, cameras))
    since = datetime.now(site.tz)
    pictures = preview_folder()  # the cameras' annotated frames, only while watched; never kept
    where = str(store.path or store.url)  # a file's path as it is: '?' or '%' in its name stay its name
    processes = CameraProcesses(site, cameras, where, detector, previews=pictures, blur=blur)
    processes.start()
    try:
        monitor = Monitor(
            store, live=True, since=since, thresholds=alert_thresholds(site), outputs=outputs_for(site)
        )
        yield monitor, PreviewBoard(pictures)
    finally:
        processes.stop()
        remove_folder(pictures)
