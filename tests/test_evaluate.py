"""Ground-truth counts from the PETS 2009 annotations."""

from __future__ import annotations

import dataclasses
import math

from crowdcount.config import LineConfig, parse_config
from crowdcount.evaluate import compare_lines, ground_truth_events, load_mot_tracks
from helpers import START, tracks_at
from test_config import example


def test_pets_ground_truth_gives_14_in_17_out_on_the_lamppost_line(pets_gt):
    tracks = load_mot_tracks(pets_gt)
    assert len(tracks) == 795 and sum(len(t) for t in tracks.values()) == 4650
    camera = parse_config(example()).cameras[0]
    events = ground_truth_events(tracks, camera, "bottom_center", START, 7.0)
    table = compare_lines(events, [], ["lamppost"])
    assert table[["gt_in", "gt_out"]].values.tolist() == [[14, 17]]
    assert table[["error_in_pct", "error_out_pct"]].values.tolist() == [[-100.0, -100.0]]


def test_compare_lines_error_percent():
    line = LineConfig(id="gate", points=[(0, 0), (0, 100)], in_direction=(1, 0))
    camera = parse_config(example()).cameras[0].model_copy(update={"lines": [line]})
    walk_in = {i: tracks_at({1: (x, 50)}) for i, x in enumerate([-20, -10, 10, 20])}
    truth = ground_truth_events(walk_in, camera, "bottom_center", START, 10.0)
    counted = [*truth, dataclasses.replace(truth[0], track_id=2)]
    table = compare_lines(truth, counted, ["gate"])
    assert table.to_dict("records")[0]["error_in_pct"] == 100.0
    assert math.isnan(table.to_dict("records")[0]["error_out_pct"])  # no ground truth to compare
