"""Event store: count events and processed sources in SQLite (or any SQLAlchemy URL)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    create_engine,
    delete,
    func,
    insert,
    select,
)
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import SQLAlchemyError

from crowdcount.coverage import Span
from crowdcount.datatypes import CounterInfo, CountEvent, Gap
from crowdcount.errors import CrowdcountError

metadata = MetaData()

events_table = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("camera", String, nullable=False),
    Column("counter", String, nullable=False),
    Column("kind", String, nullable=False),
    Column("direction", String, nullable=False),
    Column("track_id", Integer, nullable=False),
    Column("timestamp", String, nullable=False),  # ISO 8601 wall clock with its UTC offset
    Column("ts_utc", Float, nullable=False),  # seconds since the epoch, for range queries
    Column("source", String, nullable=False),
    Column("frame", Integer, nullable=False),
    Column("dwell_s", Float, nullable=True),
    Index("ix_events_camera_source", "camera", "source"),
    Index("ix_events_ts", "ts_utc"),
)

sources_table = Table(
    "sources",
    metadata,
    Column("camera", String, primary_key=True),
    Column("source", String, primary_key=True),
    Column("status", String, nullable=False),  # done / interrupted
    Column("start", String, nullable=False),  # first frame's wall clock
    Column("end", String, nullable=False),  # last processed frame's wall clock
    Column("fps", Float, nullable=False),
    Column("frames", Integer, nullable=False),  # frames detected (after stride)
    Column("stride", Integer, nullable=False),
    Column("model", String, nullable=False),
    Column("processed_at", String, nullable=False),
)


counters_table = Table(
    "counters",
    metadata,
    Column("camera", String, primary_key=True),
    Column("counter", String, primary_key=True),
    Column("type", String, nullable=False),  # line / zone
    Column("group", String, nullable=True),
)

gaps_table = Table(
    "gaps",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("camera", String, nullable=False),
    Column("source", String, nullable=False),
    Column("start", String, nullable=False),
    Column("end", String, nullable=False),
    Column("reason", String, nullable=False),
)

health_table = Table(
    "camera_health",
    metadata,
    Column("camera", String, primary_key=True),
    Column("updated_at", String, nullable=False),
    Column("health", String, nullable=False),  # JSON written by the live camera process
)

site_table = Table(
    "site",
    metadata,
    Column("key", String, primary_key=True),
    Column("value", String, nullable=False),
)


@dataclass(frozen=True)
class SourceRecord:
    """What was processed of one recording, and how."""

    camera: str
    source: str
    status: str
    start: datetime
    end: datetime
    fps: float
    frames: int  # frames detected
    stride: int  # frames from one detected frame to the next, on average
    model: str


def database_url(target: str | Path) -> str:
    """A SQLAlchemy URL as given (``postgresql://`` uses psycopg 3), or a SQLite URL for a file path."""
    text = str(target)
    if "://" not in text:
        return f"sqlite:///{Path(text).expanduser().resolve()}"
    scheme, rest = text.split("://", 1)
    return f"postgresql+psycopg://{rest}" if scheme in {"postgresql", "postgres"} else text


class EventStore:
    """Reads and writes count events; a source's events are replaced as a whole.

    Example:
        >>> store = EventStore("out/crowdcount.db")  # doctest: +SKIP
        >>> store.replace_source(record, events)     # doctest: +SKIP
    """

    def __init__(self, target: str | Path, create: bool = True) -> None:
        url = database_url(target)
        if url.startswith("sqlite:///"):
            path = Path(url.removeprefix("sqlite:///"))
            if not create and not path.is_file():
                raise CrowdcountError(f"database {path} not found; run 'crowdcount process' first")
            path.parent.mkdir(parents=True, exist_ok=True)
        self.url = url
        try:
            self.shown_url = make_url(url).render_as_string(hide_password=True)  # for output, manifests
            if url.startswith("sqlite"):
                # Live camera processes write while the server reads: WAL and a patient lock.
                self.engine: Engine = create_engine(url, connect_args={"timeout": 30})
                sqlalchemy_event.listen(self.engine, "connect", _sqlite_wal)
            else:
                self.engine = create_engine(url)
        except ImportError as error:
            raise CrowdcountError(
                f"database {self.shown_url} needs the {error.name} package; pip install 'crowdcount[cluster]'"
            ) from None
        except SQLAlchemyError:
            raise CrowdcountError(
                "database: not a file path or a usable SQLAlchemy URL (e.g. postgresql://user:password@host/db)"
            ) from None
        try:
            metadata.create_all(self.engine)
        except SQLAlchemyError as error:
            cause = getattr(error, "orig", None) or error
            first = str(cause).strip().splitlines()
            reason = f"{type(cause).__name__}: {first[0]}" if first else type(cause).__name__
            raise CrowdcountError(f"cannot open database {self.shown_url} ({reason})") from None

    def replace_source(
        self, record: SourceRecord, events: Sequence[CountEvent], gaps: Sequence[Gap] = ()
    ) -> None:
        """Atomically replace everything stored for ``(camera, source)`` with these events and gaps."""
        event_key = and_(events_table.c.camera == record.camera, events_table.c.source == record.source)
        gap_key = and_(gaps_table.c.camera == record.camera, gaps_table.c.source == record.source)
        with self.engine.begin() as connection:
            connection.execute(delete(events_table).where(event_key))
            connection.execute(delete(gaps_table).where(gap_key))
            _write_source(connection, record, events, gaps)

    def append_live(self, record: SourceRecord, events: Sequence[CountEvent], gaps: Sequence[Gap]) -> None:
        """Add a live session's new events and gaps and update its source row, in one transaction."""
        with self.engine.begin() as connection:
            _write_source(connection, record, events, gaps)

    def set_health(self, camera: str, health: dict[str, object]) -> None:
        """Replace the live health record of a camera (JSON-serialisable values)."""
        row = {"camera": camera, "updated_at": datetime.now(UTC).isoformat(), "health": json.dumps(health)}
        with self.engine.begin() as connection:
            connection.execute(delete(health_table).where(health_table.c.camera == camera))
            connection.execute(insert(health_table), [row])

    def health(self) -> dict[str, dict[str, object]]:
        """The last live health record of each camera, with ``updated_at`` added."""
        with self.engine.connect() as connection:
            rows = connection.execute(select(health_table)).all()
        return {r.camera: json.loads(r.health) | {"updated_at": r.updated_at} for r in rows}

    def events_after(self, event_id: int) -> tuple[int, list[CountEvent]]:
        """Events stored after row ``event_id``, and the newest row id (for incremental reads)."""
        query = select(events_table).where(events_table.c.id > event_id).order_by(events_table.c.id)
        with self.engine.connect() as connection:
            rows = [row._mapping for row in connection.execute(query)]
        return (rows[-1]["id"] if rows else event_id), [_row_event(row) for row in rows]

    def event_count(self) -> int:
        with self.engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(events_table)).scalar() or 0)

    def replace_gaps(self, camera: str, source: str, gaps: Sequence[Gap]) -> None:
        """Replace the gaps stored for ``(camera, source)`` (source "" holds holes between files)."""
        key = and_(gaps_table.c.camera == camera, gaps_table.c.source == source)
        with self.engine.begin() as connection:
            connection.execute(delete(gaps_table).where(key))
            if gaps:
                connection.execute(insert(gaps_table), [_gap_row(g) for g in gaps])

    def set_counters(self, camera: str, counters: Sequence[CounterInfo]) -> None:
        """Replace the camera's list of lines and zones (with their groups)."""
        with self.engine.begin() as connection:
            connection.execute(delete(counters_table).where(counters_table.c.camera == camera))
            if counters:
                connection.execute(insert(counters_table), [asdict(c) for c in counters])

    def counters(self) -> list[CounterInfo]:
        """Every known line and zone, by camera."""
        query = select(counters_table).order_by(counters_table.c.camera, counters_table.c.type)
        with self.engine.connect() as connection:
            return [CounterInfo(**row._mapping) for row in connection.execute(query)]

    def set_timezone(self, timezone_name: str) -> None:
        """Remember the site's timezone for later tables and reports."""
        with self.engine.begin() as connection:
            connection.execute(delete(site_table).where(site_table.c.key == "timezone"))
            connection.execute(insert(site_table), [{"key": "timezone", "value": timezone_name}])

    def timezone(self, default: str = "Asia/Seoul") -> str:
        """The site's timezone as last processed, else ``default``."""
        query = select(site_table.c.value).where(site_table.c.key == "timezone")
        with self.engine.connect() as connection:
            return connection.execute(query).scalar() or default

    def gaps(self) -> list[Gap]:
        """Every recorded gap, by camera and start."""
        query = select(gaps_table).order_by(gaps_table.c.camera, gaps_table.c.start)
        with self.engine.connect() as connection:
            rows = [dict(row._mapping) for row in connection.execute(query)]
        return [
            Gap(row["camera"], row["source"], datetime.fromisoformat(row["start"]),
                datetime.fromisoformat(row["end"]), row["reason"])
            for row in rows
        ]  # fmt: skip

    def gap_spans(self) -> list[tuple[str, Span]]:
        """(camera, span) of every recorded gap, as the interval tables take them."""
        return [(g.camera, Span(g.start, g.end)) for g in self.gaps()]

    def footage(self) -> list[tuple[str, Span]]:
        """(camera, span) of processed time per source; the last frame covers one frame period."""
        return [
            (r.camera, Span(r.start, r.end + timedelta(seconds=r.stride / r.fps))) for r in self.sources()
        ]

    def events(self, camera: str | None = None, source: str | None = None) -> list[CountEvent]:
        """Stored events in time order, optionally of one camera and/or source."""
        query = select(events_table).order_by(events_table.c.ts_utc, events_table.c.id)
        if camera is not None:
            query = query.where(events_table.c.camera == camera)
        if source is not None:
            query = query.where(events_table.c.source == source)
        with self.engine.connect() as connection:
            return [_row_event(row._mapping) for row in connection.execute(query)]

    def sources(self) -> list[SourceRecord]:
        """Every processed source, by camera and start time."""
        query = select(sources_table).order_by(sources_table.c.camera, sources_table.c.start)
        with self.engine.connect() as connection:
            return [_row_source(row._mapping) for row in connection.execute(query)]


def _write_source(
    connection: Connection, record: SourceRecord, events: Sequence[CountEvent], gaps: Sequence[Gap]
) -> None:
    """Put the source's row (replacing an older one) and add these events and gaps."""
    key = and_(sources_table.c.camera == record.camera, sources_table.c.source == record.source)
    connection.execute(delete(sources_table).where(key))
    connection.execute(insert(sources_table), [_source_row(record)])
    if events:
        connection.execute(insert(events_table), [_event_row(e) for e in events])
    if gaps:
        connection.execute(insert(gaps_table), [_gap_row(g) for g in gaps])


def _sqlite_wal(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def _source_row(record: SourceRecord) -> dict[str, object]:
    return asdict(record) | {
        "start": record.start.isoformat(),
        "end": record.end.isoformat(),
        "processed_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def _event_row(event: CountEvent) -> dict[str, object]:
    return asdict(event) | {
        "timestamp": event.timestamp.isoformat(),
        "ts_utc": event.timestamp.timestamp(),
    }


def _gap_row(gap: Gap) -> dict[str, object]:
    return asdict(gap) | {"start": gap.start.isoformat(), "end": gap.end.isoformat()}


def _row_event(row: object) -> CountEvent:
    values = dict(row)  # type: ignore[call-overload]
    values.pop("id")
    values.pop("ts_utc")
    values["timestamp"] = datetime.fromisoformat(values["timestamp"])
    return CountEvent(**values)


def _row_source(row: object) -> SourceRecord:
    values = dict(row)  # type: ignore[call-overload]
    values.pop("processed_at")
    values["start"] = datetime.fromisoformat(values["start"])
    values["end"] = datetime.fromisoformat(values["end"])
    return SourceRecord(**values)
