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
from crowdcount.store import EventStore

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


def keep(store: EventStore, unsaved: Unsaved) -> Path:
    """Write ``unsaved`` to a new side file (beside the store, else in the temp folder); its path."""
    body = json.dumps(
        {"format": FORMAT, "store": store.shown_url, "append": unsaved.append,
         "record": _plain(asdict(unsaved.record)), "events": [_plain(asdict(e)) for e in unsaved.events],
         "gaps": [_plain(asdict(g)) for g in unsaved.gaps]},
        ensure_ascii=False,
    )  # fmt: skip
    stem = f"{unsaved.record.camera}--{Path(unsaved.record.source).name}"
    for folder in (unsaved_folder(store), Path(tempfile.gettempdir()) / "crowdcount-unsaved"):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            handle, staging = tempfile.mkstemp(prefix=".", suffix=".json", dir=folder)
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                file.write(body)
            target = folder / f"{stem}--{datetime.now():%Y%m%dT%H%M%S%f}.json"
            os.replace(staging, target)
            return target
        except OSError:
            continue
    raise CrowdcountError(f"cannot keep the counts of {unsaved.record.source} anywhere (disk full?)")


def read(path: Path) -> Unsaved:
    """A side file's counts; a one-line error for a file that is not one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            raise ValueError("not a crowdcount unsaved-counts file")
        return Unsaved(
            _record(data["record"]),
            [CountEvent(**_times(e, "timestamp")) for e in data["events"]],
            [Gap(**_times(g, "start", "end")) for g in data["gaps"]],
            bool(data["append"]),
        )
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise CrowdcountError(f"{path}: cannot read kept counts ({error})") from None


def read_all(paths: Iterable[Path]) -> list[tuple[Path, Unsaved]]:
    """Every side file read, so that one that is not readable stops a load before anything is stored."""
    return [(path, read(path)) for path in paths]


def load(store: EventStore, paths: Iterable[Path]) -> list[tuple[Path, int]]:
    """Store each side file's counts and delete the file; (file, events) for each loaded."""
    return store_kept(store, read_all(paths))


def store_kept(store: EventStore, kept: Iterable[tuple[Path, Unsaved]]) -> list[tuple[Path, int]]:
    """Store counts read from side files, each in one transaction, then delete the file."""
    loaded = []
    for path, unsaved in kept:
        if unsaved.append:
            store.append_live(unsaved.record, unsaved.events, unsaved.gaps)
        else:
            store.replace_source(unsaved.record, unsaved.events, unsaved.gaps)
        path.unlink()
        loaded.append((path, len(unsaved.events)))
    return loaded


def pending(store: EventStore) -> list[Path]:
    """The store's side files, oldest first."""
    folder = unsaved_folder(store)
    return sorted(folder.glob("*.json"), key=lambda p: p.name.rsplit("--", 1)[-1]) if folder.is_dir() else []


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
