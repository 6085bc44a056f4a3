"""crowdcount: CCTV video to foot-traffic counts per line and zone.

The public API, each name imported only when first used (``import crowdcount`` stays light)::

    import crowdcount

    site = crowdcount.load_config("examples/pets09.yaml")
    outcome = crowdcount.count_video("sample_videos/vtest.avi", site)   # as `crowdcount process` counts
    store = crowdcount.EventStore("out/crowdcount.db", create=False)
    hourly = crowdcount.interval_table(store.history(), "60min")
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

# Before anything imports cv2: FFmpeg's and OpenCV's own messages ("moov atom not found",
# stream URLs with their credentials) would bypass our one-line errors and redaction.
os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")
os.environ.setdefault("OPENCV_LOG_LEVEL", "ERROR")

from crowdcount.datatypes import (
    CounterInfo,
    CountEvent,
    Frame,
    FrameInfo,
    Gap,
    History,
    SourceRecord,
)
from crowdcount.errors import CrowdcountError
from crowdcount.faces import lazy_names

if TYPE_CHECKING:
    from crowdcount.batch.recording import FileOutcome, count_video
    from crowdcount.batch.runner import SiteRun
    from crowdcount.config import SiteConfig, load_config
    from crowdcount.counting.engine import SourceCounter
    from crowdcount.detect.load import DetectorSpec, load_detector
    from crowdcount.detect.models import resolve_model
    from crowdcount.store.events import EventStore
    from crowdcount.tables.aggregate import counter_summary, group_table, interval_table

__version__ = "0.2.0"  # the one place: bumped whenever the same footage can give other counts

_WHERE = {
    "load_config": "config",
    "SiteConfig": "config",
    "count_video": "batch.recording",
    "FileOutcome": "batch.recording",
    "SiteRun": "batch.runner",
    "SourceCounter": "counting.engine",
    "DetectorSpec": "detect.load",
    "load_detector": "detect.load",
    "resolve_model": "detect.models",
    "EventStore": "store.events",
    "interval_table": "tables.aggregate",
    "group_table": "tables.aggregate",
    "counter_summary": "tables.aggregate",
}

__all__ = [
    "CountEvent",
    "CounterInfo",
    "CrowdcountError",
    "DetectorSpec",
    "EventStore",
    "FileOutcome",
    "Frame",
    "FrameInfo",
    "Gap",
    "History",
    "SiteConfig",
    "SiteRun",
    "SourceCounter",
    "SourceRecord",
    "__version__",
    "count_video",
    "counter_summary",
    "group_table",
    "interval_table",
    "load_config",
    "load_detector",
    "resolve_model",
]


__getattr__ = lazy_names(__name__, _WHERE)
