"""One process per live camera, restarted if it dies, stopped together; and the web server."""

from __future__ import annotations

import logging
import threading
import time
from multiprocessing import get_context
from multiprocessing.process import BaseProcess
from pathlib import Path

from crowdcount.config import CameraConfig, SiteConfig
from crowdcount.cores import usable_cores
from crowdcount.detect.load import DetectorSpec
from crowdcount.live.camera import run_camera_process

log = logging.getLogger("crowdcount.live")


class CameraProcesses:
    """Runs :func:`run_camera_process` for each camera; the cores are split between them.

    A camera process that dies is started again after a pause (its stream outage shows as
    a gap); :meth:`stop` asks every process to store what it counted and waits for it.
    """

    def __init__(
        self,
        site: SiteConfig,
        cameras: list[CameraConfig],
        store_url: str,
        detector: DetectorSpec,
        restart_after_s: float = 5.0,
        previews: Path | None = None,
        blur: bool = False,
    ) -> None:
        self.site, self.cameras, self.store_url, self.detector = site, cameras, store_url, detector
        self.previews, self.blur = previews, blur  # where the annotated pictures go (live.preview)
        self.threads = max(1, usable_cores() // max(len(cameras), 1))
        self.restart_after_s = restart_after_s
        self._context = get_context("spawn")
        self._stop = self._context.Event()
        self._processes: dict[str, BaseProcess] = {}
        self._watcher = threading.Thread(target=self._watch, name="camera-watcher", daemon=True)

    def start(self) -> CameraProcesses:
        for camera in self.cameras:
            self._start(camera.id)
        self._watcher.start()
        return self

    def _start(self, camera_id: str) -> None:
        process = self._context.Process(
            target=run_camera_process,
            name=f"camera-{camera_id}",
            args=(
                self.site,
                camera_id,
                self.store_url,
                self.detector,
                self.threads,
                self._stop,
                str(self.previews) if self.previews else None,
                self.blur,
            ),
        )
        process.start()
        self._processes[camera_id] = process

    def _watch(self) -> None:
        while not self._stop.wait(self.restart_after_s):
            for camera_id, process in list(self._processes.items()):
                if not process.is_alive() and not self._stop.is_set():
                    log.warning(
                        "camera %s: process ended (exit %s); starting it again", camera_id, process.exitcode
                    )
                    self._start(camera_id)

    def stop(self, timeout_s: float = 30.0) -> None:
        """Ask every camera to finish (close visits, store the rest), then wait for them."""
        self._stop.set()
        deadline = time.monotonic() + timeout_s
        for process in self._processes.values():
            process.join(max(0.1, deadline - time.monotonic()))
            if process.is_alive():
                process.terminate()
