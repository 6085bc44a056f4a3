"""The counting core: tracker, stitcher, line and zone counters, pacing; pure, no video or database.

What other packages use from it is named here and imported only when first asked for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from crowdcount.faces import lazy_names

if TYPE_CHECKING:
    from crowdcount.counting.count import close_open_visits
    from crowdcount.counting.engine import SourceCounter
    from crowdcount.counting.pacing import READ_AHEAD
    from crowdcount.counting.stillness import STILL_S, StillnessWatch, StillTrack

_WHERE = {
    "READ_AHEAD": "pacing",
    "STILL_S": "stillness",
    "SourceCounter": "engine",
    "StillTrack": "stillness",
    "StillnessWatch": "stillness",
    "close_open_visits": "count",
}
__all__ = [
    "READ_AHEAD",
    "STILL_S",
    "SourceCounter",
    "StillTrack",
    "StillnessWatch",
    "close_open_visits",
]

__getattr__ = lazy_names(__name__, _WHERE)
