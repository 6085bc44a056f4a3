"""Track stitching on hand-made identity switches: what counts as one person, what stays two."""

from __future__ import annotations

from crowdcount.config import CountingSettings, LineConfig, ZoneConfig
from crowdcount.counting.count import LineCounter, ZoneCounter, count_all
from crowdcount.counting.stitch import TrackStitcher
from crowdcount.datatypes import CountEvent
from crowdcount.geometry import anchor_points
from helpers import frame_info, tracks_at

FPS = 10.0
DOOR = LineConfig(id="door", points=[(110, 0), (110, 200)], in_direction=(1, 0))
HALL = ZoneConfig(id="hall", polygon=[(50, 50), (250, 50), (250, 150), (50, 150)])
Path = list[dict[int, tuple[float, float]]]  # foot points by tracker id, one dict per frame


def stitched_ids(path: Path, stitcher: TrackStitcher | None = None) -> list[dict[int, tuple[float, float]]]:
    """The ids the stitcher gives out, frame by frame (foot point -> id)."""
    stitcher = stitcher or TrackStitcher()
    out = []
    for index, feet in enumerate(path):
        tracks = stitcher.update(tracks_at(feet), index / FPS)
        feet_of = anchor_points(tracks.xyxy)
        out.append(
            {int(i): (float(x), float(y)) for i, (x, y) in zip(tracks.tracker_id, feet_of, strict=True)}
        )
    return out


def counted(path: Path, stitch: bool = True) -> list[CountEvent]:
    """Events of the door line and the hall zone over ``path``, stitched or as the tracker gave it."""
    settings = CountingSettings()
    counters = [LineCounter(DOOR, settings), ZoneCounter(HALL, settings)]
    stitcher = TrackStitcher() if stitch else None
    events: list[CountEvent] = []
    for index, feet in enumerate(path):
        tracks = tracks_at(feet)
        if stitcher is not None:
            tracks = stitcher.update(tracks, index / FPS)
        events += count_all(counters, tracks, frame_info(index, FPS))
    return events + [e for c in counters for e in c.finish()]


def switch(
    before: int, after: int, xs_before: list[float], hidden: int, xs_after: list[float], y: float = 100
):
    """One walker: ``xs_before`` as track ``before``, unseen ``hidden`` frames, then ``xs_after``
    as track ``after``."""
    return [{before: (x, y)} for x in xs_before] + [{}] * hidden + [{after: (x, y)} for x in xs_after]


RIGHTWARDS = [60.0, 70, 80, 90]  # 10 px a frame: 100 px/s, a walker whose box is 60 px tall
AFTER_POLE = [130.0, 140, 150, 160]  # lost for 3 frames behind a pole at the door


def line_events(events: list[CountEvent]) -> list[tuple[str, str]]:
    return [(e.counter, e.direction) for e in events if e.counter == "door"]


def test_a_switch_on_the_line_counts_the_crossing_once():
    path = switch(1, 2, RIGHTWARDS, 3, AFTER_POLE)
    assert line_events(counted(path, stitch=False)) == []  # the tracker's two halves never cross
    assert line_events(counted(path)) == [("door", "in")]


def test_a_switch_inside_a_zone_is_one_visit():
    path = switch(1, 2, [120.0, 130, 140, 150], 3, [190.0, 200, 210, 220])
    plain = sorted((e.track_id, e.kind) for e in counted(path, stitch=False) if e.counter == "hall")
    assert plain == [(1, "enter"), (1, "exit"), (2, "enter"), (2, "exit")]  # two visits, for one person
    visits = [(e.kind, e.track_id) for e in counted(path) if e.counter == "hall"]
    assert visits == [("enter", 1), ("exit", 1)]


def test_the_new_track_keeps_the_old_id_and_others_keep_theirs():
    path = switch(1, 2, RIGHTWARDS, 3, AFTER_POLE)
    path = [{**feet, 7: (40.0, 190.0)} for feet in path]  # someone standing still the whole time
    ids = stitched_ids(path)
    assert [set(frame) for frame in ids] == [{1, 7}] * 4 + [{7}] * 3 + [{1, 7}] * 4


def test_someone_behind_where_the_lost_one_went_is_someone_else():
    path = switch(1, 2, RIGHTWARDS, 2, [75.0, 65, 55])  # appears behind, walking the other way
    assert [set(frame) for frame in stitched_ids(path)][-1] == {2}


def test_too_far_too_late_or_a_different_size_is_not_stitched():
    far = switch(1, 2, RIGHTWARDS, 3, [300.0, 310])
    late = switch(1, 2, RIGHTWARDS, 25, [340.0, 350])  # 2.5 s later, even where they would be by then
    assert set(stitched_ids(far)[-1]) == {2}
    assert set(stitched_ids(late)[-1]) == {2}
    stitcher = TrackStitcher()
    for index, x in enumerate(RIGHTWARDS):
        stitcher.update(tracks_at({1: (x, 100.0)}), index / FPS)
    child = tracks_at({2: (130.0, 100.0)})
    child.xyxy[:, 1] = 100 - 20  # a box a third of the walker's height
    assert stitcher.update(child, 7 / FPS).tracker_id.tolist() == [2]


def test_ids_stay_unique_when_the_tracker_finds_the_old_track_again():
    path = switch(1, 2, RIGHTWARDS, 3, AFTER_POLE[:2])
    path += [{2: (150.0, 100.0), 1: (300.0, 100.0)}]  # the tracker revives track 1 elsewhere
    last = stitched_ids(path)[-1]
    assert last == {1: (150.0, 100.0), 2: (300.0, 100.0)}  # the walker keeps 1; the revived track takes 2


def test_two_lost_and_two_new_pair_up_by_where_each_was_heading():
    top = switch(1, 3, RIGHTWARDS, 3, AFTER_POLE, y=80)
    bottom = switch(2, 4, [160.0, 150, 140, 130], 3, [90.0, 80, 70, 60], y=140)  # walking left
    path = [{**a, **b} for a, b in zip(top, bottom, strict=True)]
    last = stitched_ids(path)[-1]
    assert last == {1: (160.0, 80.0), 2: (60.0, 140.0)}


def test_stitching_off_keeps_the_trackers_ids():
    path = switch(1, 2, RIGHTWARDS, 3, AFTER_POLE)
    assert set(stitched_ids(path, TrackStitcher(max_gap_s=0))[-1]) == {2}
