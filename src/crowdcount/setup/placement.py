"""Is a camera's line or zone placed where it can count? Findings from its geometry and from the
tracks and events of a sample of its footage (pure: no files, no clocks; ``crowdcount check``)."""

from __future__ import annotations

import math
from collections import Counter as Tally
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Literal

import numpy as np
import shapely

from crowdcount.config import CameraConfig, LineConfig
from crowdcount.counting.stillness import StillTrack
from crowdcount.datatypes import CountEvent
from crowdcount.detect.sizing import MIN_PERSON_INPUT_PX
from crowdcount.geometry import distance_to_polyline

EDGE_SHARE = 0.5  # a line with at least this share of its length this close to one edge runs along it
YOUNG_SHARE = 0.3  # warn when this share of the tracks at a line were picked up there
ALONG_COSINE = 0.35  # motion at more than ~70 degrees from a line's crossing direction runs along it
FLICKER_S = 2.0  # a track crossing one line back within this is box jitter or a person waiting on it
FLICKER_SHARE = 0.1  # warn when this share of a line's crossings (two at least) came back that fast
MIN_SAMPLES = 5  # fewer observations than this say nothing

FindingKind = Literal["edge", "young", "small", "along", "static", "flicker", "unused"]


@dataclass
class Sighting:
    """One confirmed track in one detected frame: where its anchor was, how tall its box."""

    seconds: float
    x: float
    y: float
    height: float


@dataclass
class TrackLog:
    """The sampled tracks (confirmed ids) and the picture's size, as the check's run saw them."""

    width: int
    height: int
    seconds: float  # how much footage was sampled
    detector_input: int | None  # the detector's input size (long side), when it has one
    tracks: dict[int, list[Sighting]] = field(default_factory=dict)

    def add(self, track_id: int, sighting: Sighting) -> None:
        self.tracks.setdefault(track_id, []).append(sighting)


@dataclass(frozen=True)
class Finding:
    """One warning: what, about which line or zone, what to do, and where to mark it in the picture."""

    camera: str
    counter: str | None
    kind: FindingKind
    message: str
    where: tuple[float, float]


def edge_margin(width: int, height: int) -> float:
    """How near a frame edge is "on the edge": 2 % of the short side, at least 10 px."""
    return max(10.0, 0.02 * min(width, height))


def _along_polyline(vertices: np.ndarray, count: int = 64) -> np.ndarray:
    line = shapely.LineString(vertices)
    return np.array([line.interpolate(d, normalized=True).coords[0] for d in np.linspace(0, 1, count)])


def edge_findings(camera: CameraConfig, width: int, height: int) -> list[Finding]:
    """Lines that run along a frame edge: people reach them before the tracker has confirmed them."""
    margin, found = edge_margin(width, height), []
    for line in camera.lines:
        points = _along_polyline(line.vertices)
        distances = {
            "left": points[:, 0],
            "right": width - points[:, 0],
            "top": points[:, 1],
            "bottom": height - points[:, 1],
        }
        for edge, distance in distances.items():
            near = distance <= margin
            if near.mean() >= EDGE_SHARE:
                x, y = points[near][len(points[near]) // 2]
                found.append(
                    Finding(
                        camera.id,
                        line.id,
                        "edge",
                        (
                            f"runs along the frame's {edge} edge (within {margin:.0f} px): people reach it "
                            f"before they are tracked; move it at least {4 * margin:.0f} px into the picture"
                        ),
                        (float(x), float(y)),
                    )
                )
                break
    return found


def _line_distance(line: LineConfig, sighting: Sighting) -> float:
    return distance_to_polyline(np.array([sighting.x, sighting.y]), line.vertices)


def _near(line: LineConfig, sighting: Sighting, heights: float = 1.5) -> bool:
    return _line_distance(line, sighting) <= heights * max(sighting.height, 1.0)


Near = dict[int, list[Sighting]]  # track id -> its sightings near a line
Mark = tuple[float, float]


def track_findings(camera: CameraConfig, log: TrackLog, events: list[CountEvent]) -> list[Finding]:
    """What the sample's tracks say of each line and zone (see the module's thresholds)."""
    found: list[Finding] = []
    crossings: dict[tuple[str, int], list[float]] = {}
    for event in events:
        if event.kind == "cross":
            crossings.setdefault((event.counter, event.track_id), []).append(event.timestamp.timestamp())
    entries = Tally(e.counter for e in events if e.kind == "enter")
    for line in camera.lines:
        x, y = _along_polyline(line.vertices, 3)[1]
        mark = (float(x), float(y))
        near = {tid: [s for s in seen if _near(line, s)] for tid, seen in log.tracks.items()}
        near = {tid: seen for tid, seen in near.items() if seen}
        crossed = {tid: times for (counter, tid), times in crossings.items() if counter == line.id}
        if not crossed:
            found.append(
                Finding(
                    camera.id,
                    line.id,
                    "unused",
                    (
                        f"no track crossed it in the {log.seconds:.0f} s sampled: check that it lies across "
                        "a path people use (or sample more with --seconds)"
                    ),
                    mark,
                )
            )
        found += _young(camera.id, line, log, near, mark)
        found += _small(camera.id, line, log, near, mark)
        found += _along(camera.id, line, near, mark)
        found += _flicker(camera.id, line, crossed, mark)
    for zone in camera.zones:
        polygon = shapely.Polygon(zone.vertices)
        visited = any(polygon.contains(shapely.Point(s.x, s.y)) for seen in log.tracks.values() for s in seen)
        if entries.get(zone.id, 0) == 0 and not visited:
            x, y = zone.vertices.mean(axis=0)
            found.append(
                Finding(
                    camera.id,
                    zone.id,
                    "unused",
                    (
                        f"no track was inside it in the {log.seconds:.0f} s sampled: check that it covers "
                        "a place people use"
                    ),
                    (float(x), float(y)),
                )
            )
    return found


def _young(camera: str, line: LineConfig, log: TrackLog, near: Near, mark: Mark) -> list[Finding]:
    """Tracks first confirmed at the line: people there may cross before they are tracked."""
    born = [tid for tid, seen in near.items() if log.tracks[tid][0] is seen[0]]  # first seen at the line
    if len(near) < MIN_SAMPLES or len(born) / len(near) < YOUNG_SHARE:
        return []
    return [
        Finding(
            camera,
            line.id,
            "young",
            (
                f"{len(born)} of the {len(near)} tracks near it were first confirmed there: people crossing "
                "it may not be tracked yet; move it further from where people come into view"
            ),
            mark,
        )
    ]


def _small(camera: str, line: LineConfig, log: TrackLog, near: Near, mark: Mark) -> list[Finding]:
    """People at the line smaller than the detector finds reliably at its input size."""
    heights = [s.height for seen in near.values() for s in seen]
    if log.detector_input is None or len(heights) < MIN_SAMPLES:
        return []
    tall = float(np.median(heights))
    at_input = tall * log.detector_input / max(log.width, log.height)
    if at_input >= MIN_PERSON_INPUT_PX:
        return []
    return [
        Finding(
            camera,
            line.id,
            "small",
            (
                f"people at it are about {tall:.0f} px tall, {at_input:.0f} px at the detector's "
                f"{log.detector_input} px input, under the {MIN_PERSON_INPUT_PX} px it finds reliably: "
                f"set the camera's smallest_person_px: {tall:.0f} (a larger input) or far_tiles"
            ),
            mark,
        )
    ]


def _along(camera: str, line: LineConfig, near: Near, mark: Mark) -> list[Finding]:
    """People near the line walking along it rather than over it."""
    segment = line.vertices[-1] - line.vertices[0]
    normal = np.array([-segment[1], segment[0]]) / max(float(np.linalg.norm(segment)), 1e-9)
    cosines, weights = [], []
    for seen in near.values():
        for a, b in pairwise(seen):
            move = np.array([b.x - a.x, b.y - a.y])
            length = float(np.linalg.norm(move))
            if length >= 0.25 * max(a.height, 1.0):  # a real step, not box jitter
                cosines.append(abs(float(move @ normal)) / length)
                weights.append(length)
    if len(cosines) < MIN_SAMPLES * 2:
        return []
    share_along = float(np.average(np.array(cosines) < ALONG_COSINE, weights=weights))
    if share_along < 0.5:
        return []
    angle = math.degrees(math.acos(min(float(np.median(cosines)), 1.0)))
    return [
        Finding(
            camera,
            line.id,
            "along",
            (
                f"people near it mostly walk along it ({share_along:.0%} of their movement, a median of "
                f"{angle:.0f} degrees off its crossing direction): it will count few crossings; turn it "
                "across their path"
            ),
            mark,
        )
    ]


def _flicker(camera: str, line: LineConfig, crossed: dict[int, list[float]], mark: Mark) -> list[Finding]:
    """Crossings undone within ``FLICKER_S``: box jitter on the line, or people waiting on it."""
    total = sum(len(times) for times in crossed.values())
    quick = sum(b - a < FLICKER_S for times in crossed.values() for a, b in pairwise(sorted(times)))
    if quick < 2 or quick < FLICKER_SHARE * total:
        return []
    return [
        Finding(
            camera,
            line.id,
            "flicker",
            (
                f"{quick} of its {total} crossings were crossed back within {FLICKER_S:g} s: boxes jitter on "
                "it or people wait on it; move it off where people stand, or raise counting.min_distance_px"
            ),
            mark,
        )
    ]


def static_findings(camera: CameraConfig, still: list[StillTrack]) -> list[Finding]:
    """Zones holding a detection that never moved: a sign or statue fills them for the whole day."""
    found = []
    for zone in camera.zones:
        polygon = shapely.Polygon(zone.vertices)
        for track in still:
            x1, _, x2, y2 = track.box
            foot = ((x1 + x2) / 2, y2)
            if polygon.contains(shapely.Point(*foot)):
                found.append(
                    Finding(
                        camera.id,
                        zone.id,
                        "static",
                        (
                            f"a detection at ({foot[0]:.0f}, {foot[1]:.0f}) stayed still in it for "
                            f"{track.seconds:.0f} s (a sign, statue or seated person?): "
                            f"if it is not a person, add to the camera ignore: [{{polygon: {track.mask()}}}]"
                        ),
                        foot,
                    )
                )
    return found
