"""Config loading: the documented shape loads; bad input names the field in one line."""

from __future__ import annotations

import tempfile
from pathlib import Path

import hypothesis
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from crowdcount.config import check_in_frame, load_config, parse_config, site_context
from crowdcount.errors import CrowdcountError
from helpers import EXAMPLE, ROOT, error_for, example, write


def test_the_documented_example_loads_with_sources_resolved_from_the_config_folder(tmp_path):
    site = load_config(write(tmp_path, EXAMPLE))
    camera = site.camera(None)
    assert camera.id == "pets-view1" and camera.fps == 7
    assert camera.start is not None and camera.start.utcoffset().total_seconds() == 9 * 3600
    assert camera.source == str(tmp_path / "path/to/vtest.avi")
    assert camera.lines[0].points == [(430, 150), (430, 480)]
    assert site.timezone == "Asia/Seoul"


def test_the_shipped_example_config_loads():
    site = load_config(ROOT / "examples" / "pets09.yaml")
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


SITE = """
site:
  name: 2026 수원화성문화제
  period: ["2026-10-03", "2026-10-05"]
  department: 문화관광과
  author: 홍길동
  headline_group: 출입구
  groups: {출입구: 출입구 (정문·후문)}
  opening_hours:
    default: ["18:00", "23:00"]
    "2026-10-04": ["17:00", "24:00"]
    "2026-10-05": null
"""


def site_example() -> dict:
    data = example() | yaml.safe_load(SITE)
    data["cameras"][0] |= {"name": "정문 카메라"}
    data["cameras"][0]["lines"][0] |= {"name": "정문", "group": "출입구"}
    return data


def test_the_site_block_and_display_names_load_and_are_kept_for_reports():
    site = parse_config(site_example())
    assert site.site.name == "2026 수원화성문화제" and site.site.opening_hours["2026-10-05"] is None
    context = site_context(site)
    assert context["period"] == ["2026-10-03", "2026-10-05"] and context["headline_group"] == "출입구"
    assert context["cameras"] == {"pets-view1": "정문 카메라"}
    assert context["counters"] == {"pets-view1/lamppost": "정문", "pets-view1/junction": "junction"}


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"headline_group": "gates"}, "site.headline_group 'gates' is no line's group; line groups: 출입구"),
        ({"period": ["2026-10-05", "2026-10-03"]}, "give the first day first"),
        ({"opening_hours": {"someday": ["10:00", "12:00"]}}, "'someday' is neither 'default' nor a day"),
        ({"opening_hours": {"default": ["22:00", "18:00"]}}, "closes at 18:00, before it opens at 22:00"),
        ({"opening_hours": {"default": ["25:00", "23:00"]}}, "default[0]: '25:00': write a time"),
    ],
)
def test_a_bad_site_block_names_the_field(change, says):
    data = site_example()
    data["site"] |= change
    assert says in error_for(data)


def test_the_detector_device_is_one_of_the_known_ones():
    data = example()
    assert parse_config(data).detector.device == "auto"
    data["detector"] = {"device": "gpu"}
    assert "detector.device" in error_for(data) and "'cuda'" in error_for(data)


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


# --- property: no document makes the config loader fail in any other way -------------------------

KEYS = [
    *("timezone", "counting", "detector", "alerts", "cameras", "id", "source", "start", "filename_pattern"),
    *("fps", "lines", "zones", "points", "in_direction", "group", "polygon", "alert_occupancy", "anchor"),
    *("min_frames", "min_distance_px", "forget_after_frames", "model", "imgsz", "confidence", "webhook"),
    *("device", "min_seconds"),
]
NUMBERS = st.integers() | st.floats() | st.sampled_from([0, -1, 1e308, -1e308, 1e-300, 2**63, 100_001])
ODD_TEXT = [
    *("2026-10-03T10:00:00+09:00", "9999-12-31T23:59:59+09:00", "0001-01-01T00:00:00+09:00", "Asia/Seoul"),
    *("Mars/Olympus", "{camera}_{YYYYmmdd_HHMMSS}.mp4", "{x}", "~nobody/x", "a\0b", "bottom_center"),
    *("rtsp://u:p@h/1", "http://h/x", "", " "),
]
SCALARS = st.none() | st.booleans() | NUMBERS | st.text(max_size=12) | st.sampled_from(ODD_TEXT)
DOCUMENTS = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6), inner, max_size=6)
    ),
    max_leaves=30,
)


def leaves(value: object, path: tuple = ()) -> list[tuple]:
    """Every place in a parsed YAML document: mapping keys and list indexes down to each value."""
    places = [path]
    if isinstance(value, dict):
        places += [p for key, item in value.items() for p in leaves(item, (*path, key))]
    elif isinstance(value, list):
        places += [p for index, item in enumerate(value) for p in leaves(item, (*path, index))]
    return places


@st.composite
def one_thing_wrong(draw: st.DrawFn) -> dict:
    """The documented example with one value (anywhere, at any depth) replaced by anything."""
    document = example()
    place = draw(st.sampled_from(leaves(document)[1:]))
    parent = document
    for step in place[:-1]:
        parent = parent[step]
    parent[place[-1]] = draw(DOCUMENTS)
    return document


def load_text(text: str) -> None:
    """``load_config`` on a YAML file with this text; only the user-facing error may come out."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "site.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            load_config(path)
        except CrowdcountError as error:
            _, *rest = str(error).split("\n")
            assert all(line.startswith(f"  {path}: ") for line in rest), str(error)
            assert "should match pattern" not in str(error)


def with_source(source: str) -> dict:
    document = example()
    document["cameras"][0]["source"] = source
    return document


@settings(max_examples=500, deadline=None)
@given(st.one_of(DOCUMENTS, one_thing_wrong()))
@hypothesis.example(with_source("a\0b"))  # found by hand before this test: a NUL byte in a path
@hypothesis.example(with_source("~nobody-here/clip.mp4"))
def test_no_config_document_makes_load_config_raise_another_error(document):
    load_text(yaml.safe_dump(document, allow_unicode=True))


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=80) | st.binary(max_size=40).map(lambda b: b.decode("latin-1")))
def test_no_config_text_makes_load_config_raise_another_error(text):
    load_text(text)


def test_every_problem_of_a_config_is_listed_with_its_line_and_field_in_words(tmp_path):
    path = write(
        tmp_path,
        "site:\n  opening_hours:\n    default: ['25:00', '18:00']\n  provider_code: 'A 1'\n"
        "alerts:\n  webhook: ftp://x\n"
        "cameras:\n  - id: gate 1\n    source: clip.mp4\n    linez: []\n    lines:\n"
        "      - {id: a, points: [[0, 0], [10, 10]], in_direction: [1, 0, 3]}\n"
        "  - source: other.mp4\n",
    )
    hours = "write a time of day as HH:MM, 00:00 to 24:00"
    with pytest.raises(CrowdcountError) as caught:
        load_config(path)
    assert str(caught.value).split("\n") == [
        f"{path} has 7 problems; fix each:",
        f"  {path}: line 3: site.opening_hours.default[0]: '25:00': {hours}",
        f"  {path}: line 4: site.provider_code: 'A 1': up to 20 letters and digits",
        f"  {path}: line 6: alerts.webhook: 'ftp://x': give an http:// or https:// URL",
        f"  {path}: line 8: cameras[0].id: 'gate 1': use letters, digits, '_', '-' and '.' only (no spaces)",
        f"  {path}: line 10: cameras[0].linez: unknown key; check its spelling (see docs/config.md)",
        f"  {path}: line 12: cameras[0].lines[0].in_direction: takes at most 2 items, has 3",
        f"  {path}: line 13: cameras[1].id: required field is missing",
    ]


def test_the_config_is_read_as_yaml_1_2_as_the_editor_writes_it(tmp_path):
    """``no``, ``off`` and ``18:00`` are text (YAML 1.1 read them as false, false and 1080)."""
    path = tmp_path / "site.yaml"
    path.write_text(
        "site:\n  opening_hours:\n    default: [18:00, 23:30]\ncameras:\n  - id: no\n    source: clip.avi\n"
        "    lines: [{id: off, points: [[0, 0], [0, 10]], in_direction: [1, 0]}]\n"
    )
    site = load_config(path)
    assert site.cameras[0].id == "no" and site.cameras[0].lines[0].id == "off"
    assert site.site.opening_hours["default"] == ("18:00", "23:30")


def test_an_id_typed_as_jamo_or_as_syllables_is_one_id():
    """Hangul typed decomposed (jamo, as some keyboards and macOS file names give it) and composed: one
    id, so two counters that look the same are refused as one id given twice, not kept as twins."""
    import unicodedata

    line = {"points": [[0, 0], [0, 10]], "in_direction": [1, 0]}
    composed, decomposed = "정문", unicodedata.normalize("NFD", "정문")
    assert composed != decomposed
    site = parse_config({"cameras": [{"id": decomposed, "lines": [{"id": decomposed, **line}]}]})
    assert site.cameras[0].id == composed and site.cameras[0].lines[0].id == composed
    twins = [{"id": "café", **line}, {"id": "cafe\u0301", **line}]
    with pytest.raises(CrowdcountError, match="id 'café' is used twice"):
        parse_config({"cameras": [{"id": "gate", "lines": twins}]})


def test_a_position_needs_both_lat_and_lon():
    camera = {
        "id": "c",
        "lat": 37.5,
        "lines": [{"id": "l", "points": [[0, 0], [0, 9]], "in_direction": [1, 0]}],
    }
    with pytest.raises(CrowdcountError, match="give both lat and lon"):
        parse_config({"cameras": [camera]})
