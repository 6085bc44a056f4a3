"""Config loading: the documented shape loads; bad input names the field in one line."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from crowdcount.config import check_in_frame, load_config, parse_config
from crowdcount.errors import CrowdcountError

EXAMPLE = """
timezone: Asia/Seoul
cameras:
  - id: pets-view1
    source: path/to/vtest.avi
    start: "2009-03-01T10:00:00+09:00"   # wall-clock time of the first frame
    fps: 7                               # optional: overrides the container's frame rate
    lines:
      - id: lamppost
        points: [[430, 150], [430, 480]] # a polyline, two or more points, pixels
        in_direction: [1, 0]             # motion along this image vector counts as "in"
    zones:
      - id: junction
        polygon: [[100, 200], [700, 200], [700, 560], [100, 560]]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "site.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def error_for(data: dict) -> str:
    with pytest.raises(CrowdcountError) as caught:
        parse_config(data, "site.yaml")
    message = str(caught.value)
    assert "\n" not in message
    return message


def example() -> dict:
    return yaml.safe_load(EXAMPLE)


def test_the_documented_example_loads_with_sources_resolved_from_the_config_folder(tmp_path):
    site = load_config(write(tmp_path, EXAMPLE))
    camera = site.camera(None)
    assert camera.id == "pets-view1" and camera.fps == 7
    assert camera.start is not None and camera.start.utcoffset().total_seconds() == 9 * 3600
    assert camera.source == str(tmp_path / "path/to/vtest.avi")
    assert camera.lines[0].points == [(430, 150), (430, 480)]
    assert site.timezone == "Asia/Seoul"


def test_the_shipped_example_config_loads():
    site = load_config(Path(__file__).parent.parent / "examples" / "pets09.yaml")
    assert [line.id for line in site.cameras[0].lines] == ["lamppost", "west"]


def test_unknown_key_names_the_field():
    data = example()
    data["cameras"][0]["linez"] = []
    assert error_for(data).startswith("site.yaml: cameras[0].linez: unknown key")


def test_a_line_needs_two_points():
    data = example()
    data["cameras"][0]["lines"][0]["points"] = [[430, 150]]
    assert "cameras[0].lines[0].points" in error_for(data)


def test_zero_length_segment_is_rejected():
    data = example()
    data["cameras"][0]["lines"][0]["points"] = [[430, 150], [430, 150]]
    message = error_for(data)
    assert "cameras[0].lines[0]" in message and "zero length" in message


def test_in_direction_along_the_line_is_rejected():
    data = example()
    data["cameras"][0]["lines"][0]["in_direction"] = [0, 1]
    assert "must point across the line" in error_for(data)


def test_self_intersecting_polygon_is_rejected():
    data = example()
    data["cameras"][0]["zones"][0]["polygon"] = [[100, 200], [700, 560], [700, 200], [100, 560]]
    message = error_for(data)
    assert "cameras[0].zones[0]" in message and "crosses itself" in message


def test_flat_polygon_is_rejected():
    data = example()
    data["cameras"][0]["zones"][0]["polygon"] = [[0, 0], [10, 10], [20, 20]]
    assert "no area" in error_for(data)


def test_duplicate_counter_ids_are_rejected():
    data = example()
    data["cameras"][0]["zones"][0]["id"] = "lamppost"
    assert "used twice" in error_for(data)


def test_unknown_timezone_is_rejected():
    data = example()
    data["timezone"] = "Mars/Olympus"
    assert error_for(data).startswith("site.yaml: timezone: unknown timezone")


def test_points_outside_the_frame_are_rejected():
    camera = parse_config(example()).cameras[0]
    check_in_frame(camera, 768, 576)
    with pytest.raises(
        CrowdcountError, match=r"zone 'junction' point 1 \(700, 200\) lies outside the 640x480 frame"
    ):
        check_in_frame(camera, 640, 480)


def test_yaml_syntax_error_gives_the_line(tmp_path):
    found = r"site.yaml: line 4: (expected the|did not find expected) node content"  # Python or C parser
    with pytest.raises(CrowdcountError, match=found):
        load_config(write(tmp_path, "cameras:\n  - id: a\n    lines: [[\n"))


def test_missing_config_file(tmp_path):
    with pytest.raises(CrowdcountError, match="not found"):
        load_config(tmp_path / "nope.yaml")


def test_several_cameras_need_a_choice():
    data = example()
    data["cameras"].append(dict(data["cameras"][0], id="second"))
    site = parse_config(data)
    with pytest.raises(CrowdcountError, match="several cameras"):
        site.camera(None)
    assert site.camera("second").id == "second"
