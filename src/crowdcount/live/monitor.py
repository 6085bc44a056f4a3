"""What the live API serves, refreshed from the store: counters now, camera health, alerts."""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from crowdcount.aggregate import interval_table
from crowdcount.audit import store_audits, with_estimates
from crowdcount.datatypes import CounterInfo, CountEvent, Gap, History, counter_key
from crowdcount.export import with_iso_times
from crowdcount.live.outputs import Output
from crowdcount.live.totals import Alert, alert_changes, counters_now, occupancy_series
from crowdcount.store import EventStore

log = logging.getLogger("crowdcount.live")

SERIES_POINTS = 61  # the live chart: occupancy at 61 instants over the window


class Monitor:
    """Reads the store incrementally and keeps the snapshot the API and dashboard show.

    ``live`` is True while cameras are counting (now is the wall clock, totals count from
    ``since``); over a finished store "now" is the end of its footage and totals count all.
    """

    def __init__(
        self, store: EventStore, live: bool, since: datetime | None = None,
        thresholds: dict[str, int] | None = None, outputs: list[Output] | None = None,
        window: timedelta = timedelta(minutes=15),
    ) -> None:  # fmt: skip
        self.store, self.live, self.since, self.window = store, live, since, window
        self.thresholds = thresholds or {}
        self.outputs = outputs or []  # MQTT, the webhook: fed after every refresh
        self.tz = ZoneInfo(store.timezone())
        self.events: list[CountEvent] = []
        self.alerts: list[Alert] = []  # raised and cleared, oldest first
        self.version = 0
        self.snapshot: dict[str, Any] = {}
        self._last_id = 0
        self._lock = threading.Lock()
        self.refresh()

    def refresh(self) -> None:
        """Read new events (all again if a re-run replaced some), then rebuild the snapshot."""
        with self._lock:
            self._last_id, new = self.store.events_after(self._last_id)
            self.events += new
            if self.store.event_count() != len(self.events):
                self._last_id, self.events = self.store.events_after(0)
            self.counters = self.store.counters()
            self.health = self.store.health()
            self.sources = self.store.sources()
            now = self.now()
            rows = counters_now(self.events, self.counters, now, self.since, self.window)
            self._check_alerts({counter_key(r["camera"], r["counter"]): r["occupancy"] for r in rows}, now)
            self.snapshot = {
                "now": now.isoformat(), "mode": "live" if self.live else "store",
                "since": self.since.isoformat() if self.since else None,
                "window_minutes": self.window.total_seconds() / 60, "events": len(self.events),
                "counters": rows, "cameras": self.cameras(), "alerts": self.alert_list(),
                "series": self._series(now),
            }  # fmt: skip
            self.version += 1
        for output in self.outputs:
            try:
                output.snapshot(self.snapshot)
            except Exception as error:  # an output's trouble must not stop the counts being served
                log.warning("%s: %s", output.__class__.__name__, error)

    def now(self) -> datetime:
        if self.live or not self.sources:
            return datetime.now(self.tz)
        return max(s.end for s in self.sources).astimezone(self.tz)

    def camera_ids(self) -> list[str]:
        return sorted({c.camera for c in self.counters} | set(self.health))

    def cameras(self) -> list[dict[str, Any]]:
        """Each camera's state: live health when a camera process reports it, else its recordings."""
        gaps = self.store.gaps()
        listing = []
        for camera in self.camera_ids():
            sources = [s for s in self.sources if s.camera == camera]
            entry: dict[str, Any] = {
                "camera": camera, "state": "recorded" if sources else "no data",
                "recordings": len(sources), "gaps": sum(g.camera == camera for g in gaps),
                "footage_start": min(s.start for s in sources).isoformat() if sources else None,
                "footage_end": max(s.end for s in sources).isoformat() if sources else None,
                "last_gap": next((_gap_json(g) for g in reversed(gaps) if g.camera == camera), None),
            }  # fmt: skip
            listing.append(entry | self.health.get(camera, {}))
        return listing

    def counter_infos(self, camera: str | None = None) -> list[CounterInfo]:
        return [c for c in self.counters if camera is None or c.camera == camera]

    def intervals(self, interval: str, camera: str | None, counter: str | None) -> list[dict[str, Any]]:
        """The interval table (as ``crowdcount export --what intervals``) as JSON records."""
        with self._lock:
            events = list(self.events)
        stored = self.store
        opening = stored.context().get("opening_hours") or {}
        history = History(events, stored.counters(), stored.sources(), stored.gaps(), str(self.tz), opening)
        table = with_estimates(interval_table(history, interval), store_audits(stored, history))
        if camera is not None:
            table = table[table["camera"] == camera]
        if counter is not None:
            table = table[table["counter"] == counter]
        records: list[dict[str, Any]] = json.loads(with_iso_times(table).to_json(orient="records"))
        return records

    def _series(self, now: datetime) -> dict[str, Any]:
        step = self.window / (SERIES_POINTS - 1)
        times = [now - self.window + step * k for k in range(SERIES_POINTS)]
        zones = [c for c in self.counters if c.type == "zone"]
        events = self.events if self.since is None else [e for e in self.events if e.timestamp >= self.since]
        return {"times": [t.isoformat() for t in times], "zones": occupancy_series(events, zones, times)}

    def alert_list(self) -> dict[str, Any]:
        active = [a.as_json() for a in self.alerts if a.cleared_at is None]
        return {
            "thresholds": self.thresholds,
            "active": active,
            "recent": [a.as_json() for a in self.alerts[-20:]],
        }

    def _check_alerts(self, occupancy: dict[str, int | None], now: datetime) -> None:
        active = {a.key: k for k, a in enumerate(self.alerts) if a.cleared_at is None}
        raised, cleared = alert_changes(active, occupancy, self.thresholds)
        for key in cleared:
            self.alerts[active[key]] = replace(self.alerts[active[key]], cleared_at=now)
            self._notify("cleared", self.alerts[active[key]])
        for key in raised:
            self.alerts.append(Alert(key, occupancy[key] or 0, self.thresholds[key], now))
            self._notify("raised", self.alerts[-1])

    def _notify(self, state: str, alert: Alert) -> None:
        log.warning(
            "occupancy alert %s: %s (%d, threshold %d)", state, alert.key, alert.occupancy, alert.threshold
        )
        body = {"type": "occupancy_alert", "state": state} | alert.as_json()
        for output in self.outputs:
            try:
                output.alert(body)
            except Exception as error:
                log.warning("%s: %s", output.__class__.__name__, error)

    def close(self) -> None:
        """Say goodbye to the outputs (MQTT's status goes ``offline``)."""
        for output in self.outputs:
            output.close()


def _gap_json(gap: Gap) -> dict[str, str]:
    return {"start": gap.start.isoformat(), "end": gap.end.isoformat(), "reason": gap.reason}
