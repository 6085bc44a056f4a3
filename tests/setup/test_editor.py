"""The line and zone editor (``crowdcount setup``) in headless Chromium, over a real server and a
copy of the example config: a user moves a point, draws a line and a zone, names them, is refused a
duplicate id, saves; the YAML keeps its comments, loads with the CLI's model and counts the PETS
ground truth on the new line and zone (issue #16)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest
import supervision as sv

from conftest import EXAMPLE_CONFIG
from crowdcount.config import CountingSettings, load_config
from crowdcount.counting.engine import SourceCounter
from crowdcount.datatypes import FrameInfo
from crowdcount.evaluate.truth import load_mot_tracks
from helpers import chromium_page, click_picture, crowdcount, editor_served, free_port, get_json, on_picture


@pytest.fixture
def site(tmp_path: Path, pets_video: Path) -> Path:
    path = tmp_path / "site.yaml"
    path.write_text(EXAMPLE_CONFIG.read_text().replace("../sample_videos/vtest.avi", str(pets_video)))
    return path


@pytest.fixture
def editor(site: Path) -> Iterator[str]:
    with editor_served(site) as base:
        yield base


def ground_truth_counts(site: Path, gt: Path) -> dict[tuple[str, str], int]:
    """Events per (counter, kind) when the PETS ground-truth tracks run through the real engine on
    the saved config (boxes do not flicker: no hysteresis)."""
    camera = load_config(site).cameras[0]
    engine = SourceCounter(
        camera, CountingSettings(min_frames=1, min_distance_px=0, min_seconds=0), 7.0, tracked=True
    )
    tracks, start = load_mot_tracks(gt), datetime(2009, 3, 1, 10, tzinfo=timezone(timedelta(hours=9)))
    empty = sv.Detections.empty()
    empty.tracker_id = np.array([], dtype=int)
    events = []
    for index in range(max(tracks) + 1):
        info = FrameInfo(camera.id, "gt", index, start + timedelta(seconds=index / 7.0))
        events += engine.update(info, tracks.get(index, empty))
    counts: dict[tuple[str, str], int] = {}
    for event in [*events, *engine.finish()]:
        counts[(event.counter, event.kind)] = counts.get((event.counter, event.kind), 0) + 1
    return counts


def test_drawing_a_line_and_a_zone_saves_a_config_that_loads_and_counts(editor, site, chromium, pets_gt):
    original = site.read_bytes()
    with chromium_page(chromium, 1400, 1000) as page:
        page.goto(f"{editor}/setup")
        page.wait_for_selector("body[data-ready='pets-view1']", timeout=30_000)
        assert page.locator("#items li").count() == 3  # lamppost, west, junction
        page.mouse.move(*on_picture(page, 430, 150))  # the lamppost line's top point, dragged
        page.mouse.down()
        page.mouse.move(*on_picture(page, 436, 146), steps=4)
        page.mouse.move(*on_picture(page, 440, 140), steps=4)
        page.mouse.up()
        page.click("#add-line")
        click_picture(page, 600, 150)
        click_picture(page, 600, 500)
        page.click("#finish")
        page.fill("#item-id", "west")  # taken: the save is refused and the file stays as it was
        page.click("#save")
        page.wait_for_selector("#status.error")
        assert (
            "ID 'west'가 이 카메라에서 두 번" in page.inner_text("#status") and site.read_bytes() == original
        )
        page.fill("#item-id", "east")
        page.fill("#item-name", "동쪽 통로")
        page.fill("#item-group", "walkways")
        page.click("#flip")  # drawn downwards, its arrow points right (+x) at first; flipped, left
        page.click("#add-zone")
        for x, y in ((250, 250), (550, 250), (550, 450), (250, 450)):
            click_picture(page, x, y)
        page.keyboard.press("Enter")
        page.fill("#item-id", "plaza")
        page.fill("#item-name", "광장")
        page.click("#save")
        page.wait_for_selector("#status.ok")
        assert "site.yaml" in page.inner_text("#status")
    text = site.read_text(encoding="utf-8")
    for comment in ("# a polyline, two or more points, pixels", "# wall-clock time of the first frame"):
        assert comment in text  # the user's comments stay
    assert "points: [[600, 150], [600, 500]]" in text  # written as the examples write points
    camera = load_config(site).cameras[0]
    lines = {line.id: line for line in camera.lines}
    assert list(lines) == ["lamppost", "west", "east"]
    assert [zone.id for zone in camera.zones] == ["junction", "plaza"]
    assert lines["lamppost"].points == [(440, 140), (430, 480)]  # moved; its other point stayed
    east = lines["east"]
    assert (east.name, east.group, east.in_direction) == ("동쪽 통로", "walkways", (-1, 0))
    assert camera.zones[1].name == "광장" and len(camera.zones[1].polygon) == 4
    counts = ground_truth_counts(site, pets_gt)
    assert counts.get(("east", "cross"), 0) > 0 and counts.get(("plaza", "enter"), 0) > 0
    assert get_json(f"{editor}/api/setup/cameras")["cameras"][0]["lines"][2]["id"] == "east"


def test_the_editor_is_refused_beyond_loopback_without_a_token_and_a_broken_config_stops_it(tmp_path, site):
    refused = crowdcount("setup", "--config", site, "--host", "0.0.0.0", "--port", free_port())
    assert refused.returncode == 2 and "--token" in refused.stderr
    broken = tmp_path / "broken.yaml"
    broken.write_text("cameras: [\n")
    made = crowdcount("setup", "--config", broken, "--port", free_port())
    assert (
        made.returncode == 2 and len(made.stderr.strip().splitlines()) == 1 and "broken.yaml" in made.stderr
    )
