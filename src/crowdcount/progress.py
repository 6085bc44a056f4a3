"""Progress for people: a bar in a terminal; where there is none (a log file, a service, a pipe), a
line per task every ``CROWDCOUNT_PROGRESS_EVERY_S`` seconds (default 30) instead of nothing."""

from __future__ import annotations

import os
import threading
from datetime import datetime
from typing import Any

from rich.progress import Progress

DEFAULT_EVERY_S = 30.0


def every_s() -> float:
    """How often the lines come (``CROWDCOUNT_PROGRESS_EVERY_S``; a bad value keeps the default)."""
    try:
        return max(float(os.environ.get("CROWDCOUNT_PROGRESS_EVERY_S", DEFAULT_EVERY_S)), 0.1)
    except ValueError:
        return DEFAULT_EVERY_S


class LoggedProgress(Progress):
    """``rich``'s progress bar, which writes plain timestamped lines when its console is no terminal."""

    def __init__(self, *columns: Any, **options: Any) -> None:
        super().__init__(*columns, **options)
        self._stop_lines = threading.Event()
        self._lines: threading.Thread | None = None

    def start(self) -> None:
        super().start()
        if not self.console.is_terminal:
            self._lines = threading.Thread(target=self._write_lines, name="progress-lines", daemon=True)
            self._lines.start()

    def stop(self) -> None:
        self._stop_lines.set()
        if self._lines is not None:
            self._lines.join()
            self._lines = None
            self.write_line()  # where it got to
        super().stop()

    def _write_lines(self) -> None:
        while not self._stop_lines.wait(every_s()):
            self.write_line()

    def write_line(self) -> None:
        for task in self.tasks:
            if not task.visible or not task.started:
                continue
            done = f"{task.completed:,.0f}" + (f" of {task.total:,.0f}" if task.total else "")
            rate = f", {task.fields['rate']}" if task.fields.get("rate") else ""
            left = f", {task.time_remaining:,.0f} s left" if task.time_remaining and not task.finished else ""
            self.console.print(
                f"{datetime.now():%H:%M:%S} {task.description}: {done}{rate}{left}",
                highlight=False,
                markup=False,
                soft_wrap=True,
            )


def live_status_line(snapshot: dict[str, Any]) -> str:
    """One line of what ``live`` is doing: each camera's state and rate, each counter's counts.

    >>> live_status_line({"now": "2026-10-03T19:00:05+09:00", "events": 12,
    ...     "cameras": [{"camera": "gate", "state": "live", "fps": 6.9}],
    ...     "counters": [{"camera": "gate", "counter": "door", "type": "line", "in": 7, "out": 3},
    ...                  {"camera": "gate", "counter": "hall", "type": "zone", "occupancy": 4}]})
    '19:00:05 live: gate live 6.9 fps; gate/door in 7 out 3; gate/hall inside 4; 12 events'
    """
    cameras = [
        f"{c['camera']} {c['state']}" + (f" {c['fps']:g} fps" if c.get("fps") else "")
        for c in snapshot.get("cameras", [])
    ]
    counters = [
        f"{c['camera']}/{c['counter']} "
        + (f"in {c['in']} out {c['out']}" if c["type"] == "line" else f"inside {c.get('occupancy') or 0}")
        for c in snapshot.get("counters", [])
    ]
    return f"{snapshot['now'][11:19]} live: " + "; ".join(
        [*cameras, *counters, f"{snapshot['events']} events"]
    )
