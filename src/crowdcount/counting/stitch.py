"""Track stitching: a person whose track is lost and comes back under a new id keeps one id.

A tracker loses a person behind a lamppost, in a crowd or for a few missed detections, and when
it cannot match them again it starts a new track: an identity switch. On a line, the old track
ends on one side and the new one starts on the other, and the crossing is never counted; in a
zone, the visit counts as an exit and a new entry. :class:`TrackStitcher` sits between the
tracker and the counters and gives a new track the id of a lost one when

- the lost track was last seen at most ``max_gap_s`` seconds ago and is not in this frame;
- the new track's anchor lies where the lost one was heading: within a radius of the lost
  track's position carried on at its last speed, the radius growing with the gap (in box
  heights, so it means the same near and far from the camera);
- its box is about the same size, and it does not go back against the lost track's motion.

Each new track is stitched at most once, when it is first confirmed, and only to a track that
has not been taken by another; the closest pair (in radii) is stitched first. Ids stay unique:
the new tracker id's output is the lost track's, and if the lost tracker id ever comes back it
takes the new one's (a swap), so no two tracks in a frame share an id.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import supervision as sv

from crowdcount.geometry import Anchor, anchor_points

MAX_GAP_S = 2.0  # how long a lost track waits for its continuation
BASE_RADIUS = 0.5  # box heights: how far the continuation may lie from the prediction, at once ...
RADIUS_PER_SECOND = 0.5  # ... and how much further for each second of gap
SIZE_RATIO = 1.5  # the larger of the two box heights over the smaller, at most
SPEED_WINDOW_S = 1.0  # a track's speed: its anchor's move over about its last second
MOVING = 0.2  # box heights a second: slower than this, a track has no direction to keep
SECONDS_AHEAD = 1.0  # a lost track is carried on at its speed for at most this long
KEEP_S = 30.0  # a tracker id unseen this long is never given back by the tracker: its name is forgotten


@dataclass
class _Seen:
    """What the stitcher remembers of an output track."""

    anchors: list[tuple[float, np.ndarray, float]] = field(default_factory=list)  # (t, anchor, height)

    def add(self, t: float, anchor: np.ndarray, height: float) -> None:
        self.anchors.append((t, anchor, height))
        while len(self.anchors) > 2 and self.anchors[1][0] <= t - SPEED_WINDOW_S:
            self.anchors.pop(0)

    @property
    def last_seen(self) -> float:
        return self.anchors[-1][0]

    def velocity(self) -> np.ndarray:
        """Pixels per second over the last second or so (zero with one sighting)."""
        (t0, a0, _), (t1, a1, _) = self.anchors[0], self.anchors[-1]
        return (a1 - a0) / (t1 - t0) if t1 > t0 else np.zeros(2)


def continuation_cost(
    lost: _Seen, anchor: np.ndarray, height: float, now: float, max_gap_s: float = MAX_GAP_S
) -> float | None:
    """How far (in allowed radii, under 1 to stitch) a new track at ``anchor`` lies from where the
    ``lost`` track was heading; ``None`` when it cannot be the same person."""
    gap = now - lost.last_seen
    if gap <= 0 or gap > max_gap_s:
        return None
    _, last_anchor, last_height = lost.anchors[-1]
    if max(height, last_height) > SIZE_RATIO * max(min(height, last_height), 1.0):
        return None
    velocity = lost.velocity()
    speed = float(np.hypot(*velocity)) / max(last_height, 1.0)  # box heights a second
    moved = anchor - last_anchor
    if speed >= MOVING and float(np.dot(moved, velocity)) < 0:
        return None  # went back against the lost track's way
    predicted = last_anchor + velocity * min(gap, SECONDS_AHEAD)
    radius = (BASE_RADIUS + RADIUS_PER_SECOND * gap) * max(last_height, 1.0)
    cost = float(np.hypot(*(anchor - predicted))) / radius
    return cost if cost < 1.0 else None


class TrackStitcher:
    """Renames tracker ids so that a lost person found again under a new id keeps the old one.

    Example (a person walks right, is lost for three frames behind a pole, and the tracker
    finds them again as track 5; the stitcher gives them back id 0):
        >>> import numpy as np, supervision as sv
        >>> stitcher = TrackStitcher()
        >>> def person(x, track_id):  # a box 20 x 60 px with its feet at (x, 160)
        ...     box = np.array([[x - 10, 100, x + 10, 160.0]])
        ...     return sv.Detections(box, tracker_id=np.array([track_id]))
        >>> [stitcher.update(person(x, 0), t / 10).tracker_id.tolist() for t, x in enumerate([100, 110, 120])]
        [[0], [0], [0]]
        >>> stitcher.update(person(160, 5), 0.6).tracker_id.tolist()  # 40 px on in 0.4 s: the same walker
        [0]
        >>> stitcher.update(person(400, 6), 0.7).tracker_id.tolist()  # far from anyone lost: a new person
        [6]
    """

    def __init__(self, anchor: Anchor = "bottom_center", max_gap_s: float = MAX_GAP_S) -> None:
        self.anchor = anchor
        self.max_gap_s = max_gap_s
        self._output: dict[int, int] = {}  # tracker id -> id given out
        self._tracker_seen: dict[int, float] = {}  # tracker id -> last seen
        self._seen: dict[int, _Seen] = {}  # id given out -> its recent sightings
        self._stitched = 0

    @property
    def stitched(self) -> int:
        """How many new tracks were given a lost track's id so far."""
        return self._stitched

    def update(self, tracks: sv.Detections, timestamp_s: float) -> sv.Detections:
        """Tracks with stitched ids (-1, not yet confirmed, stays -1); the input is not changed."""
        if tracks.tracker_id is None or not len(tracks):
            self._forget(timestamp_s)
            return tracks
        ids = tracks.tracker_id.tolist()
        anchors = anchor_points(tracks.xyxy, self.anchor)
        heights = tracks.xyxy[:, 3] - tracks.xyxy[:, 1]
        new = [k for k, i in enumerate(ids) if i >= 0 and i not in self._output]
        if new:
            self._stitch(new, ids, anchors, heights, timestamp_s)
        out = np.array([self._output[i] if i >= 0 else -1 for i in ids], dtype=int)
        for k, (tracker_id, output_id) in enumerate(zip(ids, out.tolist(), strict=True)):
            if output_id >= 0:
                self._tracker_seen[tracker_id] = timestamp_s
                self._seen.setdefault(output_id, _Seen()).add(timestamp_s, anchors[k], float(heights[k]))
        self._forget(timestamp_s)
        return replace(tracks, tracker_id=out)

    def _stitch(
        self, new: list[int], ids: list[int], anchors: np.ndarray, heights: np.ndarray, now: float
    ) -> None:
        in_frame = {self._output.get(i, i) for i in ids if i >= 0 and i in self._output}
        lost = {o: seen for o, seen in self._seen.items() if o not in in_frame}
        pairs = []
        for k in new:
            for output_id, seen in lost.items():
                cost = continuation_cost(seen, anchors[k], float(heights[k]), now, self.max_gap_s)
                if cost is not None:
                    pairs.append((cost, k, output_id))
        taken_new: set[int] = set()
        taken_lost: set[int] = set()
        for _, k, output_id in sorted(pairs):
            if k in taken_new or output_id in taken_lost:
                continue
            taken_new.add(k)
            taken_lost.add(output_id)
            self._rename(ids[k], output_id)
        for k in new:
            self._output.setdefault(ids[k], ids[k])

    def _rename(self, tracker_id: int, output_id: int) -> None:
        """Give ``tracker_id`` the id ``output_id``; the tracker id that had it takes ``tracker_id``'s."""
        holder = next(t for t, given in self._output.items() if given == output_id)
        self._output[holder] = tracker_id
        self._output[tracker_id] = output_id
        self._stitched += 1

    def _forget(self, now: float) -> None:
        for output_id in [o for o, seen in self._seen.items() if seen.last_seen < now - self.max_gap_s]:
            del self._seen[output_id]
        for tracker_id in [t for t, seen in self._tracker_seen.items() if seen < now - KEEP_S]:
            del self._tracker_seen[tracker_id], self._output[tracker_id]
