"""Counting rules, each shown with hand-made tracks that name the situation."""

from __future__ import annotations

from crowdcount.config import CountingSettings, LineConfig, ZoneConfig
from crowdcount.counting.count import LineCounter, ZoneCounter
from helpers import START, run, walk

VERTICAL = LineConfig(id="gate", points=[(100, 0), (100, 200)], in_direction=(1, 0))
SETTINGS = CountingSettings(min_frames=2, min_distance_px=8)


def directions(events: list) -> list[str]:
    return [e.direction for e in events]


def test_walking_across_counts_one_in_with_the_crossing_frame():
    events = run(LineCounter(VERTICAL, SETTINGS), walk(1, [60, 80, 95, 105, 120, 140]))
    assert directions(events) == ["in"]
    event = events[0]
    assert (event.counter, event.kind, event.track_id, event.frame) == ("gate", "cross", 1, 3)
    assert event.timestamp == START.replace(microsecond=300000)


def test_walking_back_counts_out():
    assert directions(run(LineCounter(VERTICAL, SETTINGS), walk(1, [140, 120, 90, 70, 50]))) == ["out"]


def test_in_direction_is_what_the_config_says_not_the_image_axis():
    leftwards = LineConfig(id="gate", points=[(100, 0), (100, 200)], in_direction=(-1, 0.2))
    assert directions(run(LineCounter(leftwards, SETTINGS), walk(1, [60, 80, 120, 140]))) == ["out"]


def test_flicker_on_the_line_does_not_count():
    xs = [96, 103, 97, 104, 98, 102, 96, 104, 97]  # a box jittering across the line
    assert run(LineCounter(VERTICAL, SETTINGS), walk(1, xs)) == []


def test_stepping_over_and_straight_back_does_not_count():
    assert run(LineCounter(VERTICAL, SETTINGS), walk(1, [80, 90, 115, 85, 70])) == []


def test_feet_over_the_line_for_under_a_seventh_of_a_second_do_not_count_however_often_detected():
    xs = [80, 90, 112, 114, 116, 90, 80]  # three sightings past the line, then back
    assert run(LineCounter(VERTICAL, SETTINGS), walk(1, xs), fps=25) == []  # 0.08 s past it: a swing
    assert directions(run(LineCounter(VERTICAL, SETTINGS), walk(1, xs), fps=7)) == ["in", "out"]  # 0.29 s


def test_crossing_and_coming_back_counts_both_ways():
    xs = [60, 80, 120, 140, 160, 130, 90, 70, 50]
    assert directions(run(LineCounter(VERTICAL, SETTINGS), walk(1, xs))) == ["in", "out"]


def test_fast_mover_jumping_the_line_in_one_frame_counts():
    assert directions(run(LineCounter(VERTICAL, SETTINGS), walk(1, [20, 180, 300]))) == ["in"]


def test_passing_beyond_the_end_of_the_line_does_not_count():
    assert run(LineCounter(VERTICAL, SETTINGS), walk(1, [60, 80, 120, 140], y=260)) == []


def test_tracks_without_an_id_never_count():
    assert run(LineCounter(VERTICAL, SETTINGS), walk(-1, [60, 80, 120, 140])) == []


def test_barely_over_the_line_and_then_lost_does_not_count():
    assert run(LineCounter(VERTICAL, SETTINGS), walk(1, [60, 80, 103])) == []


def test_occluded_right_after_crossing_far_enough_still_counts():
    assert directions(run(LineCounter(VERTICAL, SETTINGS), walk(1, [60, 80, 120]))) == ["in"]


def test_default_settings_ignore_box_jitter_of_a_few_pixels():
    xs = [98, 102, 99, 103, 97, 101, 98, 102]
    assert run(LineCounter(VERTICAL), walk(1, xs)) == []


def test_two_people_counted_separately():
    path = [
        {1: (60, 50), 2: (140, 150)},
        {1: (90, 50), 2: (110, 150)},
        {1: (110, 50), 2: (90, 150)},
        {1: (130, 50), 2: (70, 150)},
    ]
    events = run(LineCounter(VERTICAL, SETTINGS), path)
    assert sorted((e.track_id, e.direction) for e in events) == [(1, "in"), (2, "out")]


def test_polyline_counts_on_any_segment_once():
    bent = LineConfig(id="bent", points=[(100, 0), (100, 100), (200, 200)], in_direction=(1, 0))
    counter = LineCounter(bent, SETTINGS)
    upper = walk(1, [60, 80, 120, 140], y=50)
    lower = walk(2, [100, 130, 185, 205], y=170)  # crosses the diagonal segment
    assert directions(run(counter, upper + lower)) == ["in", "in"]


def test_path_through_a_polyline_joint_counts_once():
    straight = LineConfig(id="s", points=[(100, 0), (100, 100), (100, 200)], in_direction=(1, 0))
    assert directions(run(LineCounter(straight, SETTINGS), walk(1, [60, 80, 120, 140]))) == ["in"]


def test_state_is_dropped_when_a_track_ends():
    counter = LineCounter(VERTICAL, CountingSettings(forget_after_frames=3))
    run_path = walk(1, [60, 80]) + [{}] * 5
    for index, feet in enumerate(run_path):
        from helpers import frame_info, tracks_at

        counter.update(tracks_at(feet), frame_info(index))
    assert counter.tracked == 0


SQUARE = ZoneConfig(id="plaza", polygon=[(100, 100), (300, 100), (300, 300), (100, 300)])


def test_a_track_ending_just_after_leaving_a_zone_exits_when_it_left():
    xs = [50, 130, 140, 150, 160, 170, 180, 330, 340]  # 25 fps: inside from frame 1, out at 7, then lost
    events = run(ZoneCounter(SQUARE, SETTINGS), walk(7, xs, y=200), fps=25)
    assert [(e.kind, e.frame) for e in events] == [("enter", 1), ("exit", 7)]
    assert events[1].dwell_s == 0.24


def test_zone_entry_exit_and_dwell():
    xs = [50, 80, 130, 160, 200, 240, 280, 330, 360]  # 10 fps: in at frame 2, out at frame 7
    events = run(ZoneCounter(SQUARE, SETTINGS), walk(7, xs, y=200))
    assert [(e.kind, e.direction, e.frame) for e in events] == [("enter", "in", 2), ("exit", "out", 7)]
    assert events[1].dwell_s == 0.5


def test_zone_flicker_at_the_edge_does_not_count():
    xs = [95, 104, 96, 105, 97, 103, 95]
    assert run(ZoneCounter(SQUARE, SETTINGS), walk(1, xs, y=200)) == []


def test_track_ending_inside_the_zone_exits_at_its_last_sighting():
    counter = ZoneCounter(SQUARE, CountingSettings(forget_after_frames=2))
    events = run(counter, walk(3, [150, 180, 200, 220], y=200) + [{}] * 4)
    assert [(e.kind, e.frame) for e in events] == [("enter", 0), ("exit", 3)]
    assert events[1].dwell_s == 0.3


def test_zone_occupancy_counts_confirmed_people_inside():
    counter = ZoneCounter(SQUARE, SETTINGS)
    from helpers import frame_info, tracks_at

    for index in range(3):
        counter.update(
            tracks_at({1: (150, 150), 2: (200, 200), 3: (50, 50), -1: (250, 250)}), frame_info(index)
        )
    assert counter.occupancy == 2
