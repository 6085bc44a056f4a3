"""Event store: count events and processed sources in SQLite (or any SQLAlchemy URL)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

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
    insert,
    select,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from crowdcount.datatypes import CountEvent
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
    Column("frames", Integer, nullable=False),  # frames read (after stride)
    Column("stride", Integer, nullable=False),
    Column("model", String, nullable=False),
    Column("processed_at", String, nullable=False),
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
    frames: int
    stride: int
    model: str


def database_url(target: str | Path) -> str:
    """A SQLAlchemy URL as given, or a SQLite URL for a file path."""
    text = str(target)
    return text if "://" in text else f"sqlite:///{Path(text).expanduser().resolve()}"


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
        self.engine: Engine = create_engine(url)
        try:
            metadata.create_all(self.engine)
        except SQLAlchemyError as error:
            raise CrowdcountError(f"cannot open database {target}: {error.__class__.__name__}") from None

    def replace_source(self, record: SourceRecord, events: Sequence[CountEvent]) -> None:
        """Atomically replace everything stored for ``(camera, source)`` with these events."""
        key = and_(sources_table.c.camera == record.camera, sources_table.c.source == record.source)
        event_key = and_(events_table.c.camera == record.camera, events_table.c.source == record.source)
        row = asdict(record) | {
            "start": record.start.isoformat(),
            "end": record.end.isoformat(),
            "processed_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        with self.engine.begin() as connection:
            connection.execute(delete(events_table).where(event_key))
            connection.execute(delete(sources_table).where(key))
            connection.execute(insert(sources_table), [row])
            if events:
                connection.execute(insert(events_table), [_event_row(e) for e in events])

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


def _event_row(event: CountEvent) -> dict[str, object]:
    return asdict(event) | {
        "timestamp": event.timestamp.isoformat(),
        "ts_utc": event.timestamp.timestamp(),
    }


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


EXPORT_EVENT_COLUMNS = ["camera", "counter", "kind", "direction", "track_id", "timestamp", "source", "frame"]


def events_as_rows(events: Iterable[CountEvent]) -> list[dict[str, object]]:
    """Events as export rows with the documented columns (:data:`EXPORT_EVENT_COLUMNS`)."""
    return [
        {column: getattr(e, column) for column in EXPORT_EVENT_COLUMNS}
        | {"timestamp": e.timestamp.isoformat()}
        for e in events
    ]
