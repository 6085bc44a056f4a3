"""The event store (SQLite or PostgreSQL) and the side files of counts it refused.

What other packages use from it is named here and imported only when first asked for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from crowdcount.faces import lazy_names

if TYPE_CHECKING:
    from crowdcount.store.events import EventStore, StoreWriteError
    from crowdcount.store.unsaved import (
        Unsaved,
        keep,
        load,
        pending,
        read_all,
        side_files,
        store_kept,
        unsaved_folder,
    )

_WHERE = {
    "EventStore": "events",
    "StoreWriteError": "events",
    "Unsaved": "unsaved",
    "keep": "unsaved",
    "load": "unsaved",
    "pending": "unsaved",
    "read_all": "unsaved",
    "side_files": "unsaved",
    "store_kept": "unsaved",
    "unsaved_folder": "unsaved",
}
__all__ = [
    "EventStore",
    "StoreWriteError",
    "Unsaved",
    "keep",
    "load",
    "pending",
    "read_all",
    "side_files",
    "store_kept",
    "unsaved_folder",
]

__getattr__ = lazy_names(__name__, _WHERE)
