"""Counts the store could not take (locked, disk full), kept in side files until they are loaded.

A file's counts are never lost to a failing store: they go to ``<store>.unsaved/`` (beside a
SQLite file; ``crowdcount-unsaved/`` in the working folder for a server), one JSON file per
recording or live session. The next ``process`` or ``run`` on that store loads them first, and
``crowdcount import`` loads them on demand; a file is deleted once its counts are stored.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from crowdcount.datatypes import CountEvent, Gap, SourceRecord
from crowdcount.errors import CrowdcountError
from crowdcount.store.events import EventStore

FORMAT = "crowdcount-unsaved/1"


@dataclass(frozen=True)
class Unsaved:
    """One source's counts waiting for the store: replace them (a recording) or append (live)."""

    record: SourceRecord
    events: list[CountEvent]
    gaps: list[Gap]
    append: bool = False


def unsaved_folder(store: EventStore) -> Path:
    """Where a store's unsaved counts are kept."""
    if store.path is not None:
        return store.path.with_name(store.path.name + ".unsaved")
    return Path("crowdcount-unsaved")


def fallback_folder() -> Path:
    """Where counts go when the store's own folder cannot take them (its disk is full)."""
    return Path(tempfile.gettempdir()) / "crowdcount-unsaved"


def keep(store: EventStore, unsaved: Unsaved) -> Path:
    """Write ``unsaved`` to a new side file (beside the store, else in :func:`fallback_folder`); its
    path. The file appears whole under its name or not at all: a write that fails leaves nothing."""
    body = json.dumps(
        {
            "format": FORMAT,
            "store": store.shown_url,
            "append": unsaved.append,
            "record": _plain(asdict(unsaved.record)),
            "events": [_plain(asdict(e)) for e in unsaved.events],
            "gaps": [_plain(asdict(g)) for g in unsaved.gaps],
        },
        ensure_ascii=False,
    )
    stem = f"{unsaved.record.camera}--{Path(unsaved.record.source).name}"
    for folder in (unsaved_folder(store), fallback_folder()):
        staging = None
        try:
            folder.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(prefix=".", suffix=".partial", dir=folder)
            staging = Path(name)
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                file.write(body)
                file.flush()
                os.fsync(file.fileno())
            target = folder / f"{stem}--{datetime.now():%Y%m%dT%H%M%S%f}.json"
            os.replace(staging, target)
            return target
        except OSError:
            if staging is not None:
                staging.unlink(missing_ok=True)
            continue
    raise CrowdcountError(f"cannot keep the counts of {unsaved.record.source} anywhere (disk full?)")


def read(path: Path) -> Unsaved:
    """A side file's counts; a one-line error for a file that is not one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            raise ValueError("not a crowdcount unsaved-counts file")
        events = [CountEvent(**_times(e, "timestamp")) for e in data["events"]]
        for number, event in enumerate(events, start=1):
            _check_event(event, number)
        return Unsaved(
            _record(data["record"]),
            events,
            [Gap(**_times(g, "start", "end")) for g in data["gaps"]],
            bool(data["append"]),
        )
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise CrowdcountError(f"{path}: cannot read kept counts ({error})") from None


def _check_event(event: CountEvent, number: int) -> None:
    """A kept event as crowdcount writes them, else ValueError naming it: nothing invented is stored."""
    kinds = {"cross": ("in", "out"), "enter": ("in",), "exit": ("out",)}
    if event.kind not in kinds or event.direction not in kinds[event.kind]:
        raise ValueError(f"event {number}: kind {event.kind!r} with direction {event.direction!r}")
    if not isinstance(event.track_id, int) or not isinstance(event.frame, int) or event.frame < 0:
        raise ValueError(f"event {number}: track_id and frame are whole numbers, frame 0 or more")
    if event.timestamp.tzinfo is None or not isinstance(event.counter, str) or not event.counter:
        raise ValueError(f"event {number}: a timestamp with its UTC offset and a counter id")


def read_all(paths: Iterable[Path]) -> list[tuple[Path, Unsaved]]:
    """Every side file read, so that one that is not readable stops a load before anything is stored."""
    return [(path, read(path)) for path in paths]


def load(store: EventStore, paths: Iterable[Path]) -> tuple[list[tuple[Path, int | None]], list[Path]]:
    """Store each readable side file's counts and delete the file: (file, events stored, None if they
    already were) for each, and the files that could not be read, set aside as ``*.damaged`` (they
    never block the others)."""
    readable, damaged = [], []
    for path in paths:
        try:
            readable.append((path, read(path)))
        except CrowdcountError:
            aside = path.with_name(path.name + ".damaged")
            path.replace(aside)
            damaged.append(aside)
    return store_kept(store, readable), damaged


def store_kept(store: EventStore, kept: Iterable[tuple[Path, Unsaved]]) -> list[tuple[Path, int | None]]:
    """Store counts read from side files, each in one transaction, then delete the file. Each file is
    claimed first (renamed, which only one process can do) and stored under its name as a key, so its
    counts are stored once however often, and by however many processes at once, it is loaded."""
    loaded = []
    for path, unsaved in kept:
        claimed = path.with_name(f"{path.name}.loading-{os.getpid()}")
        try:
            path.rename(claimed)
        except FileNotFoundError:
            continue  # another process is loading it, or has
        try:
            write = store.append_live if unsaved.append else store.replace_source
            stored = write(unsaved.record, unsaved.events, unsaved.gaps, once=path.name)
        except BaseException:
            claimed.rename(path)  # the store refused it: kept for the next load
            raise
        claimed.unlink()
        loaded.append((path, len(unsaved.events) if stored else None))
    return loaded


def pending(store: EventStore) -> list[Path]:
    """The store's side files, oldest first: in its folder, and those of it in :func:`fallback_folder`.
    A file a killed load had claimed is given back first."""
    found = []
    for folder in (unsaved_folder(store), fallback_folder()):
        if not folder.is_dir():
            continue
        for claimed in folder.glob("*.json.loading-*"):
            if not _alive(int(claimed.name.rsplit("-", 1)[-1] or 0)):
                claimed.replace(claimed.with_name(claimed.name.split(".loading-")[0]))
        files = [p for p in folder.glob("*.json") if not p.name.startswith(".")]
        if folder == fallback_folder():
            files = [p for p in files if _store_of(p) == store.shown_url]
        found += files
    return sorted(found, key=lambda p: p.name.rsplit("--", 1)[-1])


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, ValueError, OverflowError):
        return True
    return True


def _store_of(path: Path) -> str | None:
    """The store a side file was kept for (None if it is not readable)."""
    try:
        return json.loads(path.read_text(encoding="utf-8")).get("store")
    except (OSError, ValueError, AttributeError):
        return None


def side_files(targets: Sequence[Path]) -> list[Path]:
    """The JSON files named, and those inside the folders named."""
    files: list[Path] = []
    for target in targets:
        if target.is_dir():
            files += sorted(target.glob("*.json"))
        elif target.is_file():
            files.append(target)
        else:
            raise CrowdcountError(f"{target}: no such file or folder of kept counts")
    return files


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in values.items()}


def _times(values: dict[str, Any], *keys: str) -> dict[str, Any]:
    return values | {key: datetime.fromisoformat(values[key]) for key in keys}


def _record(values: dict[str, Any]) -> SourceRecord:
    return SourceRecord(**_times(values, "start", "end"))
