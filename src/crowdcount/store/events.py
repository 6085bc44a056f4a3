"""Event store: count events and processed sources in SQLite (or any SQLAlchemy URL)."""

from __future__ import annotations

import dataclasses
import json
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

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
    inspect,
    select,
)
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from crowdcount.datatypes import (
    AuditPlan,
    AuditWindow,
    CounterInfo,
    CountEvent,
    Gap,
    History,
    PlanItem,
    Review,
    SiteDescription,
    SourceRecord,
    WindowKey,
)
from crowdcount.errors import CrowdcountError, first_line
from crowdcount.paths import output_file
from crowdcount.urls import redact_url

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
    Column("timestamp", String, nullable=False),  # ISO 8601 with its UTC offset (+00:00 since 2026-12)
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


audit_plan_table = Table(  # the audit's current sample (one row): how it was drawn
    "audit_plan",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("made_at", String, nullable=False),
    Column("seconds", Float, nullable=False),
    Column("per_counter", Integer, nullable=False),
    Column("seed", Integer, nullable=False),
    Column("folder", String, nullable=False),
)

audit_items_table = Table(  # its windows, in review order
    "audit_items",
    metadata,
    Column("item_id", String, primary_key=True),
    Column("position", Integer, nullable=False),
    Column("camera", String, nullable=False),
    Column("counter", String, nullable=False),
    Column("kind", String, nullable=False),
    Column("source", String, nullable=False),
    Column("frame_start", Integer, nullable=False),
    Column("frame_end", Integer, nullable=False),
    Column("time_start", String, nullable=False),
    Column("time_end", String, nullable=False),
    Column("counted_in", Integer, nullable=False),
    Column("counted_out", Integer, nullable=False),
    Column("clip", String, nullable=False),
    Column("clip_start", Integer, nullable=False),
)

audit_reviews_table = Table(  # what people found, kept by window: a new plan keeps them
    "audit_reviews",
    metadata,
    Column("camera", String, primary_key=True),
    Column("counter", String, primary_key=True),
    Column("source", String, primary_key=True),
    Column("frame_start", Integer, primary_key=True),
    Column("frame_end", Integer, primary_key=True),
    Column("true_in", Integer, nullable=False),
    Column("true_out", Integer, nullable=False),
    Column("false_in", Integer, nullable=True),
    Column("false_out", Integer, nullable=True),
    Column("reviewer", String, nullable=False),
    Column("reviewed_at", String, nullable=False),
)

AUDIT_TABLES = {"audit_plan", "audit_items", "audit_reviews"}  # added to older stores when written
SCHEMA_VERSION = "1"  # the site table's "schema" row; a store of another version is refused
LOCK_WAIT_ENV = "CROWDCOUNT_LOCK_WAIT_S"  # how long a write waits for a store another program holds
LOCK_WAIT_S = 60.0
COUNTED_WITH = "counted_with:"  # site-table keys: camera/source -> the counting config's hash
COUNTED_BY = "counted_by:"  # site-table keys: camera/source -> the crowdcount version that counted it


class StoreWriteError(CrowdcountError):
    """A write the store refused (locked for too long, disk full, read-only): counts not stored."""


def database_url(target: str | Path) -> str:
    """A SQLite URL for a file path, or a PostgreSQL URL (``postgresql://`` uses psycopg 3).

    >>> database_url("mysql://db/counts")
    Traceback (most recent call last):
    crowdcount.errors.CrowdcountError: database mysql://db/counts: mysql is not supported; ...
    """
    text = str(target)
    if "://" not in text:
        return f"sqlite:///{Path(text).expanduser().resolve()}"
    scheme, rest = text.split("://", 1)
    if scheme in {"postgresql", "postgres", "postgresql+psycopg"}:
        return f"postgresql+psycopg://{rest}"
    if scheme == "sqlite":  # sqlite:///relative.db, sqlite:////absolute.db: the file, as a path
        name = rest.removeprefix("/").split("?", 1)[0]
        if not rest.startswith("/") or name in ("", ":memory:"):
            raise CrowdcountError(
                f"database {text}: an in-memory store keeps nothing; give a file (a path, or sqlite:///file.db)"
            )
        return f"sqlite:///{Path(name).expanduser().resolve()}"
    raise CrowdcountError(
        f"database {redact_url(text)}: {scheme} is not supported; "
        "give a SQLite file path or a postgresql://user:password@host/db URL"
    )


def _check_url(url: str) -> None:
    """One-line errors for URLs SQLAlchemy would misread: a port that is no number, an ``@`` in a password."""
    authority = url.split("://", 1)[1].split("/", 1)[0]
    if authority.count("@") > 1:
        raise CrowdcountError(
            f"database {redact_url(url)}: the user or password contains '@'; write it as %40"
        )
    host = authority.rsplit("@", 1)[-1]
    port = host.rsplit("]", 1)[-1].partition(":")[2]
    if port and not port.isdigit():
        raise CrowdcountError(f"database {redact_url(url)}: port {port!r} is not a number")


class EventStore:
    """Reads and writes count events; a source's events are replaced as a whole.

    ``create=False`` opens an existing store for reading only: the file is never changed (a
    SQLite file is opened read-only) and anything that is not a crowdcount store is refused.

    Example:
        >>> import pathlib, tempfile
        >>> store = EventStore(pathlib.Path(tempfile.mkdtemp()) / "crowdcount.db")
        >>> store.event_count(), store.history().timezone
        (0, 'Asia/Seoul')
    """

    def __init__(self, target: str | Path, create: bool = True, lock_wait_s: float | None = None) -> None:
        url = database_url(target)
        self.shown_url = redact_url(url)  # for output and manifests
        if lock_wait_s is None:
            lock_wait_s = float(os.environ.get(LOCK_WAIT_ENV, LOCK_WAIT_S))
        self.lock_wait_s = lock_wait_s
        self.path: Path | None = None
        if url.startswith("sqlite:///"):
            self.path = Path(url.removeprefix("sqlite:///"))
            if not create:
                if not self.path.is_file():
                    raise CrowdcountError(f"database {self.path} not found; run 'crowdcount process' first")
                # a folder that cannot be written cannot hold SQLite's WAL files: the file cannot
                # change there either, so it is read as immutable
                frozen = {"immutable": "1"} if not os.access(self.path.parent, os.W_OK) else {}
                read_only = {"mode": "ro", **frozen, "uri": "true"}
            else:
                output_file(self.path, "database")
        else:
            _check_url(url)
        self.url = url
        try:
            if url.startswith("sqlite"):
                # a file's path as a URL object, never parsed: '?', '%' and '#' are part of a file name
                address = (
                    URL.create("sqlite", database=str(self.path))
                    if create
                    else URL.create("sqlite", database=f"file:{quote(str(self.path))}", query=read_only)
                )
                self.engine: Engine = create_engine(address, connect_args={"timeout": min(lock_wait_s, 30)})
            else:
                self.engine = create_engine(url)
        except ImportError as error:
            raise CrowdcountError(
                f"database {self.shown_url} needs the {error.name} package; pip install 'crowdcount[cluster]'"
            ) from None
        except (SQLAlchemyError, ValueError):
            raise CrowdcountError(
                f"database {self.shown_url}: not a usable URL (e.g. postgresql://user:password@host/db)"
            ) from None
        try:
            self._check_schema(create)
        except SQLAlchemyError as error:
            raise CrowdcountError(f"cannot open database {self.shown_url} ({_reason(error)})") from None

    def remove(self) -> None:
        """Delete a SQLite store's files (one a refused run made and stored nothing in)."""
        self.engine.dispose()
        if self.path is not None:
            for suffix in ("", "-wal", "-shm", "-journal"):
                self.path.with_name(self.path.name + suffix).unlink(missing_ok=True)

    def _check_schema(self, create: bool) -> None:
        """Refuse a database that is not a crowdcount store of this version; create a new one's tables."""
        inspector = inspect(self.engine)
        present = set(inspector.get_table_names())
        ours = set(metadata.tables)
        if present and not present & ours:
            listed = ", ".join(sorted(present)[:5])
            raise CrowdcountError(
                f"{self.shown_url} is not a crowdcount store (its tables: {listed}); "
                "give a new file or database"
            )
        for name in sorted(present & ours):
            columns = {column["name"] for column in inspector.get_columns(name)}
            missing = sorted({c.name for c in metadata.tables[name].columns} - columns)
            if missing:
                raise CrowdcountError(
                    f"{self.shown_url}: table {name!r} lacks {', '.join(missing)}: not a crowdcount store "
                    "of this version; give a new file or database"
                )
        version = self._site_value("schema") if "site" in present else None
        if version not in (None, SCHEMA_VERSION):
            raise CrowdcountError(
                f"{self.shown_url} is a crowdcount store of schema {version}; this crowdcount reads schema "
                f"{SCHEMA_VERSION}: use the crowdcount that made it, or a new file"
            )
        self.read_only = not create
        self.has_audit = present >= AUDIT_TABLES
        if not create:
            if not ours - AUDIT_TABLES <= present:
                raise CrowdcountError(f"{self.shown_url} is not a crowdcount store (tables missing)")
            return
        if self.path is not None:  # ours to write: live camera processes write while a server reads
            self.engine.dispose()
            sqlalchemy_event.listen(self.engine, "connect", _sqlite_wal)
        if not ours <= present:
            self._write(metadata.create_all)
            self.has_audit = True
        if version is None:
            self._set_site_value("schema", SCHEMA_VERSION)

    def _write(self, work: Callable[[Connection], object]) -> None:
        """Run ``work`` in one transaction; a locked store is retried with backoff for
        ``lock_wait_s``, then (or at once, for a full disk or a read-only file) StoreWriteError."""
        deadline = time.monotonic() + self.lock_wait_s
        pause = 0.2
        while True:
            try:
                with self.engine.begin() as connection:
                    work(connection)
                return
            except OperationalError as error:
                reason = _reason(error)
                if ("locked" not in reason and "busy" not in reason) or time.monotonic() + pause > deadline:
                    raise StoreWriteError(f"cannot write to {self.shown_url} ({reason})") from None
                time.sleep(pause)
                pause = min(pause * 2, 5.0)
            except SQLAlchemyError as error:
                raise StoreWriteError(f"cannot write to {self.shown_url} ({_reason(error)})") from None

    def _site_value(self, key: str) -> str | None:
        query = select(site_table.c.value).where(site_table.c.key == key)
        with self.engine.connect() as connection:
            return connection.execute(query).scalar()

    def _set_site_value(self, key: str, value: str) -> None:
        self._write(lambda connection: _put_site_value(connection, key, value))

    def replace_source(
        self,
        record: SourceRecord,
        events: Sequence[CountEvent],
        gaps: Sequence[Gap] = (),
        once: str = "",
        counted_with: str = "",
    ) -> bool:
        """Atomically replace everything stored for ``(camera, source)`` with these events and gaps,
        and (given) the ``counted_with`` hash of the camera's counting config (:meth:`counted_with`).
        With a ``once`` key (a side file's name) nothing is written if that key was stored before;
        whether anything was."""
        event_key = and_(events_table.c.camera == record.camera, events_table.c.source == record.source)
        gap_key = and_(gaps_table.c.camera == record.camera, gaps_table.c.source == record.source)

        def replace(connection: Connection) -> None:
            connection.execute(delete(events_table).where(event_key))
            connection.execute(delete(gaps_table).where(gap_key))
            _write_source(connection, record, events, gaps)
            if counted_with:
                _put_site_value(connection, _source_key(COUNTED_WITH, record), counted_with)

        return self._write_once(replace, once)

    def counted_with(self) -> dict[tuple[str, str], str]:
        """(camera, source) -> the hash of the counting config each file was counted with (files
        stored before crowdcount recorded it have none)."""
        with self.engine.connect() as connection:
            return _source_values(connection, COUNTED_WITH)

    def append_live(
        self, record: SourceRecord, events: Sequence[CountEvent], gaps: Sequence[Gap], once: str = ""
    ) -> bool:
        """Add a live session's new events and gaps and update its source row, in one transaction
        (``once`` as for :meth:`replace_source`: a side file's events are added once, however often
        it is loaded and by however many processes at a time)."""
        return self._write_once(lambda connection: _write_source(connection, record, events, gaps), once)

    def _write_once(self, work: Callable[[Connection], object], once: str) -> bool:
        """``work`` in one transaction, with the ``once`` key recorded in the same transaction (and
        nothing done when it already is)."""
        if not once:
            self._write(work)
            return True
        key = f"loaded:{once}"
        done = False

        def guarded(connection: Connection) -> None:
            nonlocal done
            if connection.execute(select(site_table.c.key).where(site_table.c.key == key)).first():
                return
            work(connection)
            connection.execute(insert(site_table), [{"key": key, "value": datetime.now(UTC).isoformat()}])
            done = True

        try:
            self._write(guarded)
        except StoreWriteError:
            if self._site_value(key) is not None:  # another process stored it first (a unique key)
                return False
            raise
        return done

    def set_health(self, camera: str, health: dict[str, object]) -> None:
        """Replace the live health record of a camera (JSON-serialisable values)."""
        row = {"camera": camera, "updated_at": datetime.now(UTC).isoformat(), "health": json.dumps(health)}

        def put(connection: Connection) -> None:
            connection.execute(delete(health_table).where(health_table.c.camera == camera))
            connection.execute(insert(health_table), [row])

        self._write(put)

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

    def change_marker(self) -> tuple[int, ...]:
        """Something that changes whenever the store's events, sources, gaps or counters do (row
        counts and the newest event id, read in one connection): a reader compares it to skip work."""
        with self.engine.connect() as connection:
            count = [
                int(connection.execute(select(func.count()).select_from(t)).scalar() or 0)
                for t in (events_table, sources_table, gaps_table, counters_table, site_table)
            ]
            newest = connection.execute(select(func.max(events_table.c.id))).scalar() or 0
            ends = connection.execute(select(func.max(sources_table.c.end))).scalar() or ""
        return (*count, int(newest), hash(ends))

    def replace_gaps(self, camera: str, source: str, gaps: Sequence[Gap]) -> None:
        """Replace the gaps stored for ``(camera, source)`` (source "" holds holes between files)."""
        key = and_(gaps_table.c.camera == camera, gaps_table.c.source == source)

        def replace(connection: Connection) -> None:
            connection.execute(delete(gaps_table).where(key))
            if gaps:
                connection.execute(insert(gaps_table), [_gap_row(g) for g in gaps])

        self._write(replace)

    def describe(self, site: SiteDescription) -> None:
        """Keep what the store knows of a site besides its counts, in one transaction: its timezone,
        its context (what reports say of it) and each described camera's lines and zones (their
        groups for the tables, their geometry for audit clips)."""

        def put(connection: Connection) -> None:
            _put_site_value(connection, "timezone", site.timezone)
            _put_site_value(connection, "context", json.dumps(site.context, ensure_ascii=False))
            for camera in site.cameras:
                _put_counters(connection, camera.camera, camera.counters)
                _put_site_value(connection, f"geometry/{camera.camera}", json.dumps(camera.geometry))

        self._write(put)

    def set_counters(self, camera: str, counters: Sequence[CounterInfo]) -> None:
        """Replace the camera's list of lines and zones (with their groups)."""
        self._write(lambda connection: _put_counters(connection, camera, counters))

    def geometry(self, camera: str) -> dict[str, Any] | None:
        """The camera's lines and zones as last processed (None for a store made before it was kept)."""
        value = self._site_value(f"geometry/{camera}")
        return json.loads(value) if value else None

    def writable(self) -> EventStore:
        """This store, or the same one opened for writing when this one reads only."""
        if not self.read_only:
            return self
        return EventStore(self.path if self.path is not None else self.url, lock_wait_s=self.lock_wait_s)

    def save_plan(self, plan: AuditPlan) -> None:
        """Make ``plan`` the audit's sample (replacing an older plan; reviews are kept by window)."""
        head = {
            "id": 1,
            "made_at": plan.made_at.isoformat(),
            "seconds": plan.seconds,
            "per_counter": plan.per_counter,
            "seed": plan.seed,
            "folder": plan.folder,
        }
        rows = [_item_row(position, item) for position, item in enumerate(plan.items)]

        def replace(connection: Connection) -> None:
            connection.execute(delete(audit_plan_table))
            connection.execute(delete(audit_items_table))
            connection.execute(insert(audit_plan_table), [head])
            if rows:
                connection.execute(insert(audit_items_table), rows)

        self._write(replace)

    def audit_plan(self) -> AuditPlan | None:
        """The audit's current sample, or None when no audit was planned."""
        if not self.has_audit:
            return None
        with self.engine.connect() as connection:
            head = connection.execute(select(audit_plan_table)).first()
            if head is None:
                return None
            rows = connection.execute(select(audit_items_table).order_by(audit_items_table.c.position)).all()
        items = []
        for row in rows:
            values = dict(row._mapping)
            clip, clip_start = values.pop("clip"), values.pop("clip_start")
            values.pop("position")
            values["time_start"] = datetime.fromisoformat(values["time_start"])
            values["time_end"] = datetime.fromisoformat(values["time_end"])
            items.append(PlanItem(AuditWindow(**values), clip, clip_start))
        return AuditPlan(
            datetime.fromisoformat(head.made_at),
            head.seconds,
            head.per_counter,
            head.seed,
            head.folder,
            items,
        )

    def save_reviews(self, reviewed: Sequence[tuple[AuditWindow, Review]]) -> None:
        """Store these reviews in one transaction, each replacing an earlier one of its window."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        rows = [
            dict(zip(("camera", "counter", "source", "frame_start", "frame_end"), window.key, strict=True))
            | asdict(review)
            | {"reviewed_at": (review.reviewed_at.isoformat() if review.reviewed_at else now)}
            for window, review in reviewed
        ]
        columns = audit_reviews_table.c

        def put(connection: Connection) -> None:
            for window, _ in reviewed:
                camera, counter, source, first, last = window.key
                connection.execute(
                    delete(audit_reviews_table).where(
                        and_(
                            columns.camera == camera,
                            columns.counter == counter,
                            columns.source == source,
                            columns.frame_start == first,
                            columns.frame_end == last,
                        )
                    )
                )
            if rows:
                connection.execute(insert(audit_reviews_table), rows)

        self._write(put)

    def reviews(self) -> dict[WindowKey, Review]:
        """Every stored review, by window."""
        if not self.has_audit:
            return {}
        with self.engine.connect() as connection:
            rows = [dict(row._mapping) for row in connection.execute(select(audit_reviews_table))]
        found = {}
        for row in rows:
            key = (
                row.pop("camera"),
                row.pop("counter"),
                row.pop("source"),
                row.pop("frame_start"),
                row.pop("frame_end"),
            )
            row["reviewed_at"] = datetime.fromisoformat(row["reviewed_at"])
            found[key] = Review(**row)
        return found

    def counters(self) -> list[CounterInfo]:
        """Every known line and zone, by camera."""
        query = select(counters_table).order_by(counters_table.c.camera, counters_table.c.type)
        with self.engine.connect() as connection:
            return [CounterInfo(**row._mapping) for row in connection.execute(query)]

    def context(self) -> dict[str, Any]:
        """The site's context as last processed ({} for a store made before it was kept)."""
        value = self._site_value("context")
        return json.loads(value) if value else {}

    def timezone(self, default: str = "Asia/Seoul") -> str:
        """The site's timezone as last processed, else ``default``."""
        return self._site_value("timezone") or default

    def gaps(self) -> list[Gap]:
        """Every recorded gap, by camera and start."""
        with self.engine.connect() as connection:
            rows = [dict(row._mapping) for row in connection.execute(select(gaps_table))]
        gaps = [
            Gap(
                row["camera"],
                row["source"],
                datetime.fromisoformat(row["start"]),
                datetime.fromisoformat(row["end"]),
                row["reason"],
            )
            for row in rows
        ]
        return sorted(gaps, key=lambda g: (g.camera, g.start))  # as instants: the text's offsets may differ

    def history(self, events: list[CountEvent] | None = None) -> History:
        """Events (``events`` where given: a live server's, already read), counters, sources, gaps,
        timezone, opening hours and period: what tables and reports are made of."""
        context = self.context()
        opening = context.get("opening_hours") or {}
        days = context.get("period")
        period = (date.fromisoformat(days[0]), date.fromisoformat(days[1])) if days else None
        return History(
            self.events() if events is None else events,
            self.counters(),
            self.sources(),
            self.gaps(),
            self.timezone(),
            opening,
            period,
        )

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
        """Every processed source, by camera and start time, with the version that counted it."""
        with self.engine.connect() as connection:
            counted_by = _source_values(connection, COUNTED_BY)
            sources = [
                dataclasses.replace(source, version=counted_by.get((source.camera, source.source), ""))
                for source in (_row_source(row._mapping) for row in connection.execute(select(sources_table)))
            ]
        return sorted(
            sources, key=lambda s: (s.camera, s.start)
        )  # as instants: the text's offsets may differ


def _write_source(
    connection: Connection, record: SourceRecord, events: Sequence[CountEvent], gaps: Sequence[Gap]
) -> None:
    """Put the source's row (replacing an older one) and add these events and gaps."""
    key = and_(sources_table.c.camera == record.camera, sources_table.c.source == record.source)
    connection.execute(delete(sources_table).where(key))
    connection.execute(insert(sources_table), [_source_row(record)])
    if record.version:
        _put_site_value(connection, _source_key(COUNTED_BY, record), record.version)
    if events:
        connection.execute(insert(events_table), [_event_row(e) for e in events])
    if gaps:
        connection.execute(insert(gaps_table), [_gap_row(g) for g in gaps])


def _reason(error: SQLAlchemyError) -> str:
    """The driver's own first line for a database error."""
    return first_line(getattr(error, "orig", None) or error)


def _sqlite_wal(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def _source_row(record: SourceRecord) -> dict[str, object]:
    row = asdict(record)
    del row["version"]  # kept in the site table: the sources table is as it always was
    return row | {
        "start": record.start.isoformat(),
        "end": record.end.isoformat(),
        "processed_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def _event_row(event: CountEvent) -> dict[str, object]:
    return asdict(event) | {
        "timestamp": event.timestamp.isoformat(),
        "ts_utc": event.timestamp.timestamp(),
    }


def _item_row(position: int, item: PlanItem) -> dict[str, object]:
    window = item.window
    return asdict(window) | {
        "position": position,
        "clip": item.clip,
        "clip_start": item.clip_start,
        "time_start": window.time_start.isoformat(),
        "time_end": window.time_end.isoformat(),
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


def _put_site_value(connection: Connection, key: str, value: str) -> None:
    connection.execute(delete(site_table).where(site_table.c.key == key))
    connection.execute(insert(site_table), [{"key": key, "value": value}])


def _source_key(prefix: str, record: SourceRecord) -> str:
    """The site-table key of a value kept per source (COUNTED_WITH, COUNTED_BY)."""
    return f"{prefix}{record.camera}/{record.source}"


def _source_values(connection: Connection, prefix: str) -> dict[tuple[str, str], str]:
    """(camera, source) -> the value kept per source under ``prefix`` in the site table."""
    rows = connection.execute(select(site_table).where(site_table.c.key.startswith(prefix))).all()
    return {_camera_source(r.key.removeprefix(prefix)): r.value for r in rows}


def _camera_source(key: str) -> tuple[str, str]:
    camera, source = key.split("/", 1)
    return camera, source


def _put_counters(connection: Connection, camera: str, counters: Sequence[CounterInfo]) -> None:
    connection.execute(delete(counters_table).where(counters_table.c.camera == camera))
    if counters:
        connection.execute(insert(counters_table), [asdict(c) for c in counters])
