"""What the live API serves, refreshed from the store: counters now, camera health, alerts."""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from crowdcount.audit import store_audits, with_estimates
from crowdcount.datatypes import CounterInfo, CountEvent, Gap, counter_key
from crowdcount.errors import CrowdcountError
from crowdcount.handover.export import with_iso_times
from crowdcount.server.outputs import Output
from crowdcount.server.totals import (
    Alert,
    alert_changes,
    counters_now,
    group_rows,
    occupancy_series,
    start_of_day,
)
from crowdcount.store.events import EventStore
from crowdcount.tables.aggregate import interval_rows, interval_table, interval_tables

log = logging.getLogger("crowdcount.live")

SERIES_POINTS = 61  # the live chart: occupancy at 61 instants over the window
AWAY = ("reconnecting", "connecting")  # camera states whose counts are behind


MAX_API_ROWS = 500_000  # rows /api/intervals gives at once (a year of hours for 50 counters)


class Monitor:
    """Reads the store incrementally and keeps the snapshot the API and dashboard show.

    ``live`` is True while cameras are counting (now is the wall clock, totals count from
    ``since``); over a finished store "now" is the end of its footage and totals count all.
    """

    def __init__(
        self,
        store: EventStore,
        live: bool,
        since: datetime | None = None,
        thresholds: dict[str, int] | None = None,
        outputs: list[Output] | None = None,
        window: timedelta = timedelta(minutes=15),
    ) -> None:
        self.store, self.live, self.since, self.window = store, live, since, window
        self.thresholds = thresholds or {}
        self.outputs = outputs or []  # MQTT, the webhook: fed after every refresh
        self.tz = ZoneInfo(store.timezone())
        self.events: list[CountEvent] = []
        self.alerts: list[Alert] = []  # raised and cleared, oldest first
        self.muted: dict[str, datetime] = {}  # zone key -> no alert is raised for it until then
        self.version = 0
        self.snapshot: dict[str, Any] = {}
        self._last_id = 0
        self._marker: tuple[int, ...] = ()
        self._recent: list[CountEvent] = []  # the live numbers' events (:meth:`_current`)
        self._cutoff: datetime | None = None
        self._lock = threading.Lock()
        self.refresh()

    def refresh(self) -> None:
        """Read new events (all again if a re-run replaced some), then rebuild the snapshot. Over a
        finished store nothing moves until the store changes: the snapshot is kept as it is (a year
        of events is not counted again every second)."""
        marker = self.store.change_marker()
        if not self.live and marker == self._marker:
            return
        self._marker = marker
        with self._lock:
            self._last_id, new = self.store.events_after(self._last_id)
            self.events += new
            if self.store.event_count() != len(self.events):
                self._last_id, self.events = self.store.events_after(0)
                new, self._cutoff = self.events, None
            self.counters = self.store.counters()
            self.health = self.store.health()
            self.sources = self.store.sources()
            self.gaps = self.store.gaps()  # read once a refresh: the cameras' health and the chart use it
            now = self.now()
            rows = counters_now(self._current(new, now), self.counters, now, self.since, self.window)
            self._check_alerts({counter_key(r["camera"], r["counter"]): r["occupancy"] for r in rows}, now)
            cameras = self.cameras()
            away = {c["camera"] for c in cameras if c["state"] in AWAY}
            for row in rows:  # a reconnecting camera's numbers are behind: say so
                row["stale"] = row["camera"] in away
            context = self.store.context()
            self.snapshot = {
                "now": now.isoformat(),
                "mode": "live" if self.live else "store",
                "since": self.since.isoformat() if self.since else None,
                "window_minutes": self.window.total_seconds() / 60,
                "events": len(self.events),
                "counters": rows,
                "groups": group_rows(rows, context.get("headline_group")),
                "names": {key: context.get(key, {}) for key in ("cameras", "counters", "groups")},
                "site": context.get("name"),
                "cameras": cameras,
                "alerts": self.alert_list(),
                "series": self._series(now, cameras),
            }
            self.version += 1
        for output in self.outputs:
            try:
                output.snapshot(self.snapshot)
            except Exception as error:  # an output's trouble must not stop the counts being served
                log.warning("%s: %s", output.__class__.__name__, error)

    def _current(self, new: list[CountEvent], now: datetime) -> list[CountEvent]:
        """The events the live numbers are made of: since the session began or the site's midnight,
        whichever is earlier (all of them over a finished store). Kept as events arrive, so a store
        holding a year is not scanned every second; filtered again once a day."""
        if self.since is None:
            return self.events
        cutoff = min(self.since, start_of_day(now))
        if cutoff != self._cutoff:  # a new day, or all events read again (the cutoff was reset)
            self._recent, self._cutoff = [e for e in self.events if e.timestamp >= cutoff], cutoff
        else:
            self._recent += [e for e in new if e.timestamp >= cutoff]
        return self._recent

    def now(self) -> datetime:
        if self.live or not self.sources:
            return datetime.now(self.tz)
        return max(s.end for s in self.sources).astimezone(self.tz)

    def camera_ids(self) -> list[str]:
        return sorted({c.camera for c in self.counters} | set(self.health))

    def cameras(self) -> list[dict[str, Any]]:
        """Each camera's state: live health when a camera process reports it, else its recordings."""
        gaps = self.gaps
        listing = []
        for camera in self.camera_ids():
            sources = [s for s in self.sources if s.camera == camera]
            entry: dict[str, Any] = {
                "camera": camera,
                "state": "recorded" if sources else "no data",
                "recordings": len(sources),
                "gaps": sum(g.camera == camera for g in gaps),
                "footage_start": self._local(min(s.start for s in sources)) if sources else None,
                "footage_end": self._local(max(s.end for s in sources)) if sources else None,
                "last_gap": next((self._gap_json(g) for g in reversed(gaps) if g.camera == camera), None),
            }
            listing.append(entry | self.health.get(camera, {}))
        return listing

    def counter_infos(self, camera: str | None = None) -> list[CounterInfo]:
        return [c for c in self.counters if camera is None or c.camera == camera]

    def intervals(self, interval: str, camera: str | None, counter: str | None) -> list[dict[str, Any]]:
        """The interval table (as ``crowdcount export --what intervals``) as JSON records."""
        with self._lock:
            events = list(self.events)
        stored = self.store
        history = replace(stored.history(events), timezone=str(self.tz))
        rows = interval_rows(history, interval, camera)
        if rows > MAX_API_ROWS:
            raise CrowdcountError(
                f"about {rows:,} rows at {interval}: ask for one camera (&camera=) or a longer interval, or "
                "write them all with crowdcount export"
            )
        parts = list(interval_tables(history, interval, camera=camera))
        table = pd.concat(parts, ignore_index=True) if parts else interval_table(history, interval)
        table = with_estimates(table, store_audits(stored, history))
        if counter is not None:
            table = table[table["counter"] == counter]
        records: list[dict[str, Any]] = json.loads(with_iso_times(table).to_json(orient="records"))
        return records

    def summary(self) -> dict[str, Any]:
        """Page one of the report as data (``handover.page_one``): visitors counted, how much was
        filmed, the gates without footage, the audited figure and the estimate over all open hours."""
        from crowdcount.handover.page_one import as_json, page_one

        with self._lock:
            events = list(self.events)
        history = replace(self.store.history(events), timezone=str(self.tz))
        context = self.store.context()
        return as_json(page_one(history, context, store_audits(self.store, history)), context)

    def _series(self, now: datetime, cameras: list[dict[str, Any]]) -> dict[str, Any]:
        """People inside each zone over the window; None where its camera saw nothing (before this
        session, its outages, while it reconnects)."""
        step = self.window / (SERIES_POINTS - 1)
        now = now.astimezone(UTC)  # instants: a zone's datetimes add by their wall clocks
        times = [now - self.window + step * k for k in range(SERIES_POINTS)]
        zones = [c for c in self.counters if c.type == "zone"]
        events = self.events if self.since is None else [e for e in self._recent if e.timestamp >= self.since]
        unseen: dict[str, list[tuple[datetime, datetime]]] = {c["camera"]: [] for c in cameras}
        for gap in self.gaps:
            unseen.setdefault(gap.camera, []).append((gap.start, gap.end))
        for camera in cameras:
            if self.since is not None:
                unseen[camera["camera"]].append((times[0] - step, self.since))
            if camera["state"] in AWAY:
                last = camera.get("last_frame")
                unseen[camera["camera"]].append(
                    (datetime.fromisoformat(last) if last else times[0], now + step)
                )
        return {
            "times": [t.astimezone(self.tz).isoformat() for t in times],
            "zones": occupancy_series(events, zones, times, unseen),
        }

    def _local(self, moment: datetime) -> str:
        return moment.astimezone(self.tz).isoformat()

    def _gap_json(self, gap: Gap) -> dict[str, str]:
        return {"start": self._local(gap.start), "end": self._local(gap.end), "reason": gap.reason}

    def acknowledge(self, key: str) -> dict[str, Any]:
        """Mark the zone's active alert seen; its banner goes (the alert stays until it clears)."""
        self._marker = ()  # the next refresh rebuilds the snapshot
        with self._lock:
            for k, alert in enumerate(self.alerts):
                if alert.key == key and alert.cleared_at is None:
                    self.alerts[k] = replace(alert, acknowledged_at=self.now())
                    return self.alerts[k].as_json()
        raise KeyError(key)

    def mute(self, key: str, minutes: float) -> str | None:
        """No alert is raised for the zone for ``minutes`` (0 unmutes); until when."""
        self._marker = ()  # the next refresh rebuilds the snapshot
        with self._lock:
            if minutes <= 0:
                self.muted.pop(key, None)
                return None
            self.muted[key] = self.now() + timedelta(minutes=minutes)
            return self.muted[key].isoformat()

    def alert_list(self) -> dict[str, Any]:
        active = [a.as_json() for a in self.alerts if a.cleared_at is None]
        now = self.now()
        return {
            "thresholds": self.thresholds,
            "active": active,
            "recent": [a.as_json() for a in self.alerts[-20:]],
            "muted": {key: until.isoformat() for key, until in self.muted.items() if until > now},
        }

    def _check_alerts(self, occupancy: dict[str, int | None], now: datetime) -> None:
        active = {a.key: k for k, a in enumerate(self.alerts) if a.cleared_at is None}
        muted = {key for key, until in self.muted.items() if until > now}
        raised, cleared = alert_changes(active, occupancy, self.thresholds)
        raised = [key for key in raised if key not in muted]
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
