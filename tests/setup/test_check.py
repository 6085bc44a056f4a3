"""``crowdcount check``: the real detector and tracker on the PETS clip find a line placed on the
frame edge and a line nobody crosses, and its picture marks them (issue #16); each other finding of
``crowdcount.setup.placement`` from hand-made tracks."""

from __future__ import annotations

import json
from datetime import timedelta

import cv2
import numpy as np
import pytest
import supervision as sv
import synthetic
import yaml

from crowdcount.config import parse_config
from crowdcount.counting.stillness import StillTrack
from crowdcount.datatypes import CountEvent
from crowdcount.setup.annotate import preview_picture
from crowdcount.setup.check import WARNING_COLOUR
from crowdcount.setup.placement import Sighting, TrackLog, edge_findings, static_findings, track_findings
from helpers import START, crowdcount

SITE = """timezone: Asia/Seoul
cameras:
  - id: pets
    source: {video}
    start: "2009-03-01T10:00:00+09:00"
    fps: 7
    lines:
      - id: lamppost              # the example's line, across the path
        points: [[430, 150], [430, 480]]
        in_direction: [1, 0]
      - id: edge                  # along the left edge of the frame
        points: [[4, 100], [4, 500]]
        in_direction: [1, 0]
      - id: roof                  # over the building: nobody walks there
        points: [[40, 40], [200, 40]]
        in_direction: [0, 1]
    zones:
      - id: junction
        polygon: [[100, 200], [700, 200], [700, 560], [100, 560]]
"""


def test_check_finds_the_edge_line_and_the_line_nobody_crosses_on_pets(tmp_path, pets_video, default_model):
    config = tmp_path / "site.yaml"
    config.write_text(SITE.format(video=pets_video))
    made = crowdcount(
        "check",
        "--config",
        config,
        "--seconds",
        60,
        "--out",
        tmp_path / "check",
        "--model",
        default_model,
        "--lang",
        "en",
    )
    assert made.returncode == 0, made.stderr  # warnings are not errors
    warnings = [line for line in made.stdout.splitlines() if line.startswith("warning:")]
    assert warnings[0].startswith("warning: [1] camera pets line edge: runs along the frame's left edge")
    unused = "line roof: no track crossed it in the 60 s sampled: check that it lies across a path people use"
    assert any(unused in w for w in warnings)
    assert all(" line edge: " in w or " line roof: " in w for w in warnings), made.stdout  # lamppost: fine
    assert "pets: 60 s sampled" in made.stdout and f"{len(warnings)} warning(s)" in made.stdout
    assert "line lamppost: in " in made.stdout and "zone junction: entered " in made.stdout
    picture = cv2.imread(str(tmp_path / "check" / "pets.png"))
    assert picture.shape == (576, 768, 3)
    red = np.all(picture == WARNING_COLOUR, axis=2)
    assert red[250:350, 0:40].any() and red[10:80, 80:160].any()  # marks on the edge line and the roof line
    assert not red[150:480, 400:460].any()  # none on the lamppost line


def test_check_of_an_unknown_camera_is_one_line(tmp_path, pets_video):
    config = tmp_path / "site.yaml"
    config.write_text(SITE.format(video=pets_video))
    made = crowdcount("check", "--config", config, "--camera", "nope", "--out", tmp_path / "check")
    assert made.returncode == 2 and len(made.stderr.strip().splitlines()) == 1 and "nope" in made.stderr


CAMERA = parse_config(
    {
        "cameras": [
            {
                "id": "cam",
                "lines": [{"id": "door", "points": [[300, 100], [300, 500]], "in_direction": [1, 0]}],
                "zones": [{"id": "plaza", "polygon": [[400, 100], [600, 100], [600, 300], [400, 300]]}],
            }
        ]
    }
).cameras[0]


def log_of(paths: dict[int, list[tuple[float, float]]], height: float = 80, every_s: float = 0.5) -> TrackLog:
    log = TrackLog(800, 600, 60, 640)
    for track, points in paths.items():
        for k, (x, y) in enumerate(points):
            log.add(track, Sighting(k * every_s, x, y, height))
    return log


def crossing(track: int, seconds: float, direction: str = "in") -> CountEvent:
    return CountEvent("cam", "door", "cross", direction, track, START + timedelta(seconds=seconds), "c", 0)


def kinds(findings) -> list[tuple[str | None, str]]:
    return [(f.counter, f.kind) for f in findings]


def test_people_walking_along_a_line_are_found():
    along = {k: [(250 + 20 * k % 100, 120 + 30 * s) for s in range(12)] for k in range(6)}  # down the door
    found = track_findings(CAMERA, log_of(along), [crossing(0, 1.0)])
    assert ("door", "along") in kinds(found)
    across = {k: [(180 + 30 * s, 150 + 40 * k) for s in range(12)] for k in range(6)}  # over it
    assert ("door", "along") not in kinds(track_findings(CAMERA, log_of(across), [crossing(0, 1.0)]))


def test_crossings_undone_at_once_are_flicker_and_a_line_nobody_crossed_is_unused():
    jitter = [crossing(1, t, d) for t, d in ((10, "in"), (10.5, "out"), (11, "in"), (40, "in"), (41, "out"))]
    assert ("door", "flicker") in kinds(track_findings(CAMERA, log_of({}), jitter))
    walkers = [crossing(k, 10.0 * k) for k in range(6)]  # six people, once each
    assert kinds(track_findings(CAMERA, log_of({}), walkers)) == [("plaza", "unused")]
    assert ("door", "unused") in kinds(track_findings(CAMERA, log_of({}), []))


def test_people_picked_up_at_a_line_and_people_too_small_for_the_detector_are_found():
    born_there = {k: [(295 + s, 150 + 50 * k) for s in range(0, 30, 5)] for k in range(6)}
    found = kinds(track_findings(CAMERA, log_of(born_there), [crossing(0, 1.0)]))
    assert ("door", "young") in found and ("door", "small") not in found  # 80 px tall: 64 px at 640
    tiny = kinds(track_findings(CAMERA, log_of(born_there, height=20), [crossing(0, 1.0)]))
    assert ("door", "small") in tiny  # 20 px in an 800 px frame: 16 px at the 640 px input


def test_a_line_on_the_frame_edge_and_a_zone_over_something_still_are_found():
    side = {"id": "side", "points": [[795, 0], [795, 600]], "in_direction": [-1, 0]}
    across = {"id": "across", "points": [[0, 300], [800, 300]], "in_direction": [0, 1]}
    edge = parse_config({"cameras": [{"id": "cam", "lines": [side, across]}]}).cameras[0]
    assert kinds(edge_findings(edge, 800, 600)) == [("side", "edge")]  # ends on the edges: fine
    sign = StillTrack(7, (480.0, 180.0, 500.0, 240.0), 0.0, 90.0)
    found = static_findings(CAMERA, [sign])
    assert kinds(found) == [("plaza", "static")] and "[[478, 174], [502, 174], [502, 246], [478, 246]]" in (
        found[0].message()
    )


@pytest.mark.parametrize("seconds", ["1", "9999"])
def test_check_refuses_a_sample_length_out_of_range(tmp_path, seconds):
    made = crowdcount("check", "--config", tmp_path / "none.yaml", "--seconds", seconds)
    assert made.returncode == 2 and "--seconds" in made.stderr


def test_the_preview_blurs_people_only_and_draws_their_ids():
    rng = np.random.default_rng(0)
    image = rng.integers(0, 255, (600, 800, 3), dtype=np.uint8)  # sharp noise everywhere
    person = sv.Detections(np.array([[100.0, 100, 160, 260]]), tracker_id=np.array([7]))
    blurred = preview_picture(image, person, CAMERA, {"door": "in 3 out 1"}, blur=True)
    plain = preview_picture(image, person, CAMERA, {"door": "in 3 out 1"}, blur=False)
    inside = (slice(120, 240), slice(110, 150))
    assert blurred[inside].std() < 0.5 * plain[inside].std()  # the person cannot be made out
    assert np.array_equal(blurred[400:500, 600:700], plain[400:500, 600:700])  # the rest untouched
    assert not np.array_equal(plain[80:100, 100:160], image[80:100, 100:160])  # "#7" above the box


def test_check_speaks_korean_draws_display_names_and_keeps_the_paths(tmp_path):
    """On a synthetic clip (no model needed): per-line in/out and per-zone entries in the summary and on
    the picture, Hangul display names drawn, a zone on the frame's edge found, the paths people took
    written for the editor; and a camera without lines sampled for its paths."""
    config, truth = synthetic.site(tmp_path, [synthetic.Recording("north", synthetic.DAY, ins=3, outs=2)])
    site = yaml.safe_load(config.read_text())
    north = site["cameras"][0]
    north["name"] = "북문 카메라"
    north["lines"][0]["name"] = "북문"
    north["zones"] = [
        {"id": "left", "name": "왼쪽 광장", "polygon": [[0, 20], [120, 20], [120, 230], [0, 230]]}
    ]
    site["cameras"].append({**north, "id": "draft", "name": None, "lines": [], "zones": []})
    site["cameras"][1].pop("name")
    config.write_text(yaml.safe_dump(site, allow_unicode=True))
    model = synthetic.markers_model(tmp_path)
    made = crowdcount(
        "check", "--config", config, "--out", tmp_path / "check", "--model", model, "--seconds", 30
    )
    assert made.returncode == 0, made.stderr
    said = made.stdout.splitlines()
    assert said[0].startswith(
        "경고: [1] 카메라 북문 카메라 (north) 구역 왼쪽 광장 (left): 화면 왼쪽 가장자리에"
    )
    summary = next(line for line in said if line.startswith("north: 표본"))
    ins = sum(c.direction == "in" for c in truth)
    assert f"통과선 북문 (middle): 진입 {ins} · 진출 {len(truth) - ins}" in summary
    assert "구역 왼쪽 광장 (left): 들어옴 " in summary and "경고 1건" in summary
    assert any(line.startswith("draft: 표본") and "통과선·구역 없음" in line for line in said)
    paths = json.loads((tmp_path / "check" / "draft.paths.json").read_text())
    assert len(paths["paths"]) == len(truth) and (paths["width"], paths["height"]) == (320, 240)
    assert all(abs(p[0][0] - p[-1][0]) > 200 for p in paths["paths"])  # each walker across the picture
    picture = cv2.imread(str(tmp_path / "check" / "north.png"))
    plain = cv2.imread(str(tmp_path / "check" / "draft.png"))
    label_band = (slice(0, 12), slice(160, 320))  # the line's name and counts, above its first point
    assert not np.array_equal(picture[label_band], plain[label_band])
