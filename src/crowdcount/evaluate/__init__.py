"""Ground truth: MOT tracks, counts from them, comparisons and tracker metrics.

What other packages use from it is named here and imported only when first asked for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from crowdcount.faces import lazy_names

if TYPE_CHECKING:
    from crowdcount.evaluate.mot import MotTrackWriter, frames_detected
    from crowdcount.evaluate.truth import (
        compare_lines,
        ground_truth_events,
        load_mot_tracks,
        tracking_metrics,
    )

_WHERE = {
    "MotTrackWriter": "mot",
    "compare_lines": "truth",
    "frames_detected": "mot",
    "ground_truth_events": "truth",
    "load_mot_tracks": "truth",
    "tracking_metrics": "truth",
}
__all__ = [
    "MotTrackWriter",
    "compare_lines",
    "frames_detected",
    "ground_truth_events",
    "load_mot_tracks",
    "tracking_metrics",
]

__getattr__ = lazy_names(__name__, _WHERE)
