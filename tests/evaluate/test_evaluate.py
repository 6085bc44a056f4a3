"""Ground truth: counts from the PETS 2009 annotations, and tracker metrics of saved tracks."""

from __future__ import annotations

import dataclasses
import math
import os

from crowdcount.config import LineConfig, parse_config
from crowdcount.evaluate.mot import frames_detected
from crowdcount.evaluate.truth import compare_lines, ground_truth_events, load_mot_tracks, tracking_metrics
from helpers import START, crowdcount, example, tracks_at


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


def test_tracking_metrics_of_ground_truth_against_itself_are_perfect_and_an_id_switch_costs(
    pets_gt, tmp_path
):
    perfect = tracking_metrics(pets_gt, pets_gt)
    assert (perfect["MOTA"], perfect["IDF1"], perfect["HOTA"], perfect["ID switches"]) == (1.0, 1.0, 1.0, 0)
    assert (perfect["GT ids"], perfect["frames"]) == (19, 795)
    rows = [line.split(",") for line in pets_gt.read_text().splitlines()]
    for row in rows:  # person 1 gets a new id from frame 301 on: one identity switch
        if row[1] == "1" and int(row[0]) > 300:
            row[1] = "99"
    switched = tmp_path / "switched.txt"
    switched.write_text("".join(",".join(row) + "\n" for row in rows))
    worse = tracking_metrics(pets_gt, switched)
    assert (
        worse["ID switches"] == 1 and worse["IDF1"] < 1.0 and worse["MOTA"] < 1.0 and worse["recall"] == 1.0
    )
    every_fifth = tracking_metrics(pets_gt, pets_gt, range(1, 796, 5))
    assert every_fifth["frames"] == 159 and every_fifth["IDF1"] == 1.0


def test_saved_tracks_are_mot_rows_on_the_detected_frames_and_score_like_a_tracker(processed_db, pets_gt):
    tracks = processed_db.parent / "tracks.txt"
    detected = frames_detected(tracks)
    assert detected is not None and 795 / 2 <= len(detected) < 795  # paced
    rows = [line.split(",") for line in tracks.read_text().splitlines()]
    assert all(len(r) == 10 and r[7:] == ["-1", "-1", "-1"] for r in rows)
    assert {int(r[0]) for r in rows} <= set(detected) and min(int(r[1]) for r in rows) >= 1
    metrics = tracking_metrics(pets_gt, tracks, detected)
    # Measured 2026-12-01 (docs/measurements.md): MOTA 0.66, IDF1 0.66, precision 0.79, recall 0.92.
    assert metrics["recall"] > 0.85 and metrics["precision"] > 0.7 and 0.55 < metrics["IDF1"] <= 1
    result = crowdcount("evaluate", "--gt", pets_gt, "--tracks", tracks, env=os.environ | {"COLUMNS": "200"})
    assert result.returncode == 0 and "IDF1 %" in result.stdout, result.stderr
