"""Counting recorded footage: the per-file task, the whole-site run, worker processes and Ray.

What other packages use from it is named here and imported only when first asked for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from crowdcount.faces import lazy_names

if TYPE_CHECKING:
    from crowdcount.batch.cluster import LOCAL
    from crowdcount.batch.recording import (
        FileOutcome,
        Recording,
        RunOptions,
        count_frames,
        count_video,
        plan_camera,
        probe_recording,
        run_options,
    )
    from crowdcount.batch.runner import SiteRun

_WHERE = {
    "FileOutcome": "recording",
    "LOCAL": "cluster",
    "Recording": "recording",
    "RunOptions": "recording",
    "SiteRun": "runner",
    "count_frames": "recording",
    "count_video": "recording",
    "plan_camera": "recording",
    "probe_recording": "recording",
    "run_options": "recording",
}
__all__ = [
    "LOCAL",
    "FileOutcome",
    "Recording",
    "RunOptions",
    "SiteRun",
    "count_frames",
    "count_video",
    "plan_camera",
    "probe_recording",
    "run_options",
]

__getattr__ = lazy_names(__name__, _WHERE)
