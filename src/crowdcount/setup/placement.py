"""Is a camera's line or zone placed where it can count? Findings from its geometry and from the
tracks and events of a sample of its footage (pure: no files, no clocks; ``crowdcount check``)."""

from __future__ import annotations

import math
from collections import Counter as Tally
from collections.abc import Mapping
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


FINDING_WORDS: dict[str, dict[str, str]] = {  # a finding's words by language, filled from its values
    "en": {
        "edge_line": (
            "runs along the frame's {edge} edge (within {margin:.0f} px): people reach it before "
            "they are tracked; move it at least {move:.0f} px into the picture"
        ),
        "edge_zone": (
            "runs along the frame's {edge} edge (within {margin:.0f} px): people appear inside "
            "it before they are tracked, so their entries are missed; keep its sides {move:.0f} "
            "px inside the picture"
        ),
        "unused_line": (
            "no track crossed it in the {seconds:.0f} s sampled: check that it lies across a "
            "path people use (or sample more with --seconds)"
        ),
        "unused_zone": (
            "no track was inside it in the {seconds:.0f} s sampled: check that it covers a place people use"
        ),
        "young": (
            "{born} of the {near} tracks near it were first confirmed there: people crossing it "
            "may not be tracked yet; move it further from where people come into view"
        ),
        "small": (
            "people at it are about {tall:.0f} px tall, {at_input:.0f} px at the detector's "
            "{input} px input, under the {reliable} px it finds reliably: set the camera's "
            "smallest_person_px: {tall:.0f} (a larger input) or far_tiles"
        ),
        "along": (
            "people near it mostly walk along it ({share:.0%} of their movement, a median of "
            "{angle:.0f} degrees off its crossing direction): it will count few crossings; turn "
            "it across their path"
        ),
        "flicker": (
            "{quick} of its {total} crossings were crossed back within {within:g} s: boxes "
            "jitter on it or people wait on it; move it off where people stand, or raise "
            "counting.min_distance_px"
        ),
        "static": (
            "a detection at ({x:.0f}, {y:.0f}) stayed still in it for {seconds:.0f} s (a sign, "
            "statue or seated person?): if it is not a person, add to the camera ignore: "
            "[{{polygon: {mask}}}]"
        ),
    },
    "ko": {
        "edge_line": (
            "화면 {edge} 가장자리를 따라 놓였습니다({margin:.0f}px 이내): 사람이 추적되기 전에 "
            "선에 닿습니다. 그림 안쪽으로 {move:.0f}px 이상 옮기세요"
        ),
        "edge_zone": (
            "화면 {edge} 가장자리에 붙어 있습니다({margin:.0f}px 이내): 사람이 추적되기 전에 "
            "구역 안에 나타나 들어옴이 빠집니다. 구역의 변을 그림 안쪽으로 {move:.0f}px 옮기세요"
        ),
        "unused_line": (
            "표본 {seconds:.0f}초 동안 이 선을 지난 사람이 없습니다: 사람이 다니는 길을 "
            "가로지르는지 확인하세요(--seconds로 더 길게 볼 수 있습니다)"
        ),
        "unused_zone": (
            "표본 {seconds:.0f}초 동안 이 구역 안에 들어온 사람이 없습니다: 사람이 머무는 곳을 "
            "덮는지 확인하세요"
        ),
        "young": (
            "근처 추적 {near}건 중 {born}건이 이 선에서 처음 확인되었습니다: 선을 지나는 사람이 "
            "아직 추적되지 않았을 수 있습니다. 사람이 화면에 들어오는 곳에서 더 멀리 옮기세요"
        ),
        "small": (
            "이 선의 사람은 약 {tall:.0f}px로, 검출기 입력 {input}px에서 "
            "{at_input:.0f}px입니다(안정적으로 찾는 크기 {reliable}px 미만): 카메라에 "
            "smallest_person_px: {tall:.0f}(더 큰 입력) 또는 far_tiles를 설정하세요"
        ),
        "along": (
            "근처 사람들이 대부분 선을 따라 걷습니다(움직임의 {share:.0%}, 가로지르는 방향에서 "
            "중앙값 {angle:.0f}도): 통과가 적게 셉니다. 사람들의 길을 가로지르도록 돌리세요"
        ),
        "flicker": (
            "통과 {total}건 중 {quick}건이 {within:g}초 안에 되돌아갔습니다: 상자가 선 위에서 "
            "흔들리거나 사람이 선 위에 서 있습니다. 사람이 서는 곳을 피해 옮기거나 "
            "counting.min_distance_px를 높이세요"
        ),
        "static": (
            "({x:.0f}, {y:.0f})의 검출이 구역 안에서 {seconds:.0f}초 동안 움직이지 "
            "않았습니다(간판, 조형물, 앉은 사람?): 사람이 아니면 카메라에 ignore: [{{polygon: "
            "{mask}}}]를 더하세요"
        ),
    },
}
EDGE_WORDS = {"ko": {"left": "왼쪽", "right": "오른쪽", "top": "위쪽", "bottom": "아래쪽"}}
KIND_WORDS = {  # the short name on the picture's mark
    "en": {kind: kind for kind in ("edge", "young", "small", "along", "static", "flicker", "unused")},
    "ko": {
        "edge": "가장자리",
        "young": "늦은 추적",
        "small": "작은 사람",
        "along": "나란한 선",
        "static": "정지 물체",
        "flicker": "되돌아감",
        "unused": "통과 없음",
    },
}


@dataclass(frozen=True)
class Finding:
    """One warning: what, about which line or zone, where to mark it in the picture, and the values
    its words are filled from (:meth:`message` in a language)."""

    camera: str
    counter: str | None
    kind: FindingKind
    where: tuple[float, float]
    words: str  # the key of its words in FINDING_WORDS
    values: Mapping[str, object] = field(default_factory=dict)

    def message(self, lang: str = "en") -> str:
        values = dict(self.values)
        if "edge" in values:
            values["edge"] = EDGE_WORDS.get(lang, {}).get(str(values["edge"]), values["edge"])
        return FINDING_WORDS[lang][self.words].format(**values)


def edge_margin(width: int, height: int) -> float:
    """How near a frame edge is "on the edge": 2 % of the short side, at least 10 px."""
    return max(10.0, 0.02 * min(width, height))


def _along_polyline(vertices: np.ndarray, count: int = 64) -> np.ndarray:
    line = shapely.LineString(vertices)
    return np.array([line.interpolate(d, normalized=True).coords[0] for d in np.linspace(0, 1, count)])


def _edge_of(
    points: np.ndarray, width: int, height: int, margin: float, share: float
) -> tuple[str, np.ndarray] | None:
    """The frame edge that ``share`` of the points lie within ``margin`` of, with which points do; None
    when no edge has that many."""
    distances = {
        "left": points[:, 0],
        "right": width - points[:, 0],
        "top": points[:, 1],
        "bottom": height - points[:, 1],
    }
    for edge, distance in distances.items():
        near = distance <= margin
        if near.mean() >= share:
            return edge, near
    return None


ZONE_EDGE_SHARE = 0.05  # a zone with this share of its outline on a frame edge: people appear inside it


def edge_findings(camera: CameraConfig, width: int, height: int) -> list[Finding]:
    """Lines that run along a frame edge (people reach them before the tracker has confirmed them),
    and zones with a side on one (people appear inside them untracked: their entries are missed)."""
    margin, found = edge_margin(width, height), []
    outlines = [(line.id, "edge_line", line.vertices, EDGE_SHARE) for line in camera.lines]
    outlines += [
        (zone.id, "edge_zone", np.vstack([zone.vertices, zone.vertices[:1]]), ZONE_EDGE_SHARE)
        for zone in camera.zones
    ]
    for counter, words, vertices, share in outlines:
        points = _along_polyline(vertices, 128)
        on_edge = _edge_of(points, width, height, margin, share)
        if on_edge is not None:
            edge, near = on_edge
            x, y = points[near][near.sum() // 2]
            values = {"edge": edge, "margin": margin, "move": 4 * margin}
            found.append(Finding(camera.id, counter, "edge", (float(x), float(y)), words, values))
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
            found.append(Finding(camera.id, line.id, "unused", mark, "unused_line", {"seconds": log.seconds}))
        found += _young(camera.id, line, log, near, mark)
        found += _small(camera.id, line, log, near, mark)
        found += _along(camera.id, line, near, mark)
        found += _flicker(camera.id, line, crossed, mark)
    for zone in camera.zones:
        polygon = shapely.Polygon(zone.vertices)
        visited = any(polygon.contains(shapely.Point(s.x, s.y)) for seen in log.tracks.values() for s in seen)
        if entries.get(zone.id, 0) == 0 and not visited:
            x, y = zone.vertices.mean(axis=0)
            where = (float(x), float(y))
            found.append(
                Finding(camera.id, zone.id, "unused", where, "unused_zone", {"seconds": log.seconds})
            )
    return found


def _young(camera: str, line: LineConfig, log: TrackLog, near: Near, mark: Mark) -> list[Finding]:
    """Tracks first confirmed at the line: people there may cross before they are tracked."""
    born = [tid for tid, seen in near.items() if log.tracks[tid][0] is seen[0]]  # first seen at the line
    if len(near) < MIN_SAMPLES or len(born) / len(near) < YOUNG_SHARE:
        return []
    return [Finding(camera, line.id, "young", mark, "young", {"born": len(born), "near": len(near)})]


def _small(camera: str, line: LineConfig, log: TrackLog, near: Near, mark: Mark) -> list[Finding]:
    """People at the line smaller than the detector finds reliably at its input size."""
    heights = [s.height for seen in near.values() for s in seen]
    if log.detector_input is None or len(heights) < MIN_SAMPLES:
        return []
    tall = float(np.median(heights))
    at_input = tall * log.detector_input / max(log.width, log.height)
    if at_input >= MIN_PERSON_INPUT_PX:
        return []
    values = {
        "tall": tall,
        "at_input": at_input,
        "input": log.detector_input,
        "reliable": MIN_PERSON_INPUT_PX,
    }
    return [Finding(camera, line.id, "small", mark, "small", values)]


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
    return [Finding(camera, line.id, "along", mark, "along", {"share": share_along, "angle": angle})]


def _flicker(camera: str, line: LineConfig, crossed: dict[int, list[float]], mark: Mark) -> list[Finding]:
    """Crossings undone within ``FLICKER_S``: box jitter on the line, or people waiting on it."""
    total = sum(len(times) for times in crossed.values())
    quick = sum(b - a < FLICKER_S for times in crossed.values() for a, b in pairwise(sorted(times)))
    if quick < 2 or quick < FLICKER_SHARE * total:
        return []
    values = {"quick": quick, "total": total, "within": FLICKER_S}
    return [Finding(camera, line.id, "flicker", mark, "flicker", values)]


def static_findings(camera: CameraConfig, still: list[StillTrack]) -> list[Finding]:
    """Zones holding a detection that never moved: a sign or statue fills them for the whole day."""
    found = []
    for zone in camera.zones:
        polygon = shapely.Polygon(zone.vertices)
        for track in still:
            x1, _, x2, y2 = track.box
            foot = ((x1 + x2) / 2, y2)
            if polygon.contains(shapely.Point(*foot)):
                values = {"x": foot[0], "y": foot[1], "seconds": track.seconds, "mask": track.mask()}
                found.append(Finding(camera.id, zone.id, "static", foot, "static", values))
    return found
