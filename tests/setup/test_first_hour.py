"""The first hour (issue #32), as a new user would go through it, with nothing edited by hand: a folder of
three cameras' recordings -> ``init`` -> ``check`` (the paths people took) -> ``setup`` in Chromium at a
tablet's width, camera by camera (a draft saved while the others have no lines; unsaved work kept while
switching cameras; a zone's alert threshold refused in Korean, then saved; the camera's display name) ->
``run`` (every scripted crossing counted) -> ``report`` (display names, no ids where names exist)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import synthetic

from crowdcount.config import load_config
from helpers import chromium_page, click_picture, crowdcount, editor_served

TABLET = (820, 1180)  # a tablet held upright at the gate


@pytest.fixture(scope="module")
def festival(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[synthetic.Crossing]]:
    """Three cameras' recordings (a sub-folder each, two files each), and every crossing they script."""
    folder = tmp_path_factory.mktemp("first-hour") / "recordings"
    plan = [
        synthetic.Recording(
            camera, synthetic.DAY + timedelta(minutes=minutes), ins=2 + k, outs=1 + (k + m) % 2
        )
        for k, camera in enumerate(("north", "south", "west"))
        for m, minutes in enumerate((0, 30))
    ]
    _, truth = synthetic.site(folder, plan)
    (folder / "site.yaml").unlink()
    return folder, truth


@pytest.fixture
def editor(tmp_path: Path, festival: tuple[Path, list[synthetic.Crossing]]) -> Iterator[tuple[str, Path]]:
    """``init`` and ``check`` run, then the editor served over the new site."""
    recordings, _ = festival
    config = tmp_path / "site.yaml"
    made = crowdcount("init", recordings, "--out", config)
    assert made.returncode == 0, made.stderr
    model = synthetic.markers_model(tmp_path)
    checked = crowdcount("check", "--config", config, "--model", model, "--out", tmp_path / "check")
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.count("통과선·구역 없음") == 3  # three drafts, sampled for their paths
    with editor_served(config, "--paths", tmp_path / "check") as base:
        yield base, config


def draw_line(page, name: str) -> None:
    """The line every synthetic camera needs: down the middle, "in" to the right."""
    page.click("#add-line")
    click_picture(page, synthetic.LINE_X, 10)
    click_picture(page, synthetic.LINE_X, synthetic.HEIGHT - 10)
    page.click("#finish")
    page.fill("#item-id", "middle")
    page.fill("#item-name", name)


def open_camera(page, camera: str) -> None:
    page.select_option(
        "#camera", label=next(o for o in page.locator("#camera option").all_inner_texts() if camera in o)
    )
    page.wait_for_selector(f"body[data-ready='{camera}']")


def test_from_a_folder_of_recordings_to_a_report_without_editing_yaml(editor, festival, chromium, tmp_path):
    base, config = editor
    _, truth = festival
    with chromium_page(chromium, *TABLET) as page:
        page.goto(f"{base}/setup")
        page.wait_for_selector("body[data-ready='north']", timeout=30_000)
        assert page.locator("#picture").bounding_box()["width"] >= 0.9 * TABLET[0]  # the whole width
        assert page.is_visible("#draft")  # no line yet: said, not refused
        page.click("#paths")  # the paths people took, from check, under the lines
        page.wait_for_selector("#paths-layer polyline")
        first_file = [
            c for c in truth if c.camera == "north" and c.time < synthetic.DAY + timedelta(minutes=30)
        ]
        assert page.locator("#paths-layer polyline").count() == len(first_file)  # check samples the first
        draw_line(page, "북문")
        page.fill("#camera-name", "북문 카메라")
        page.click("#save")  # south and west have no lines yet: saved all the same
        page.wait_for_selector("#status.ok")
        assert not page.is_visible("#draft")

        open_camera(page, "south")
        draw_line(page, "남문")  # not saved yet
        open_camera(page, "west")
        assert "남문" not in page.inner_text("#items") and "south" in page.inner_text("#kept")
        page.click("#add-zone")  # a bow tie first: its sides cross
        for x, y in ((200, 30), (300, 220), (300, 30), (200, 220)):
            click_picture(page, x, y)
        page.click("#finish")
        page.fill("#item-alert", "0")
        page.click("#save")
        page.wait_for_selector("#status.error")
        said = page.inner_text("#status")  # every problem, in the page's language, nothing sent
        assert "변이 서로 교차합니다" in said and "경보 인원은 1 이상의 정수" in said, said
        page.click("#delete")
        page.click("#add-zone")
        for x, y in ((200, 30), (300, 30), (300, 220), (200, 220)):
            click_picture(page, x, y)
        page.click("#finish")
        page.fill("#item-id", "east-square")
        page.fill("#item-name", "동쪽 광장")
        page.fill("#item-alert", "25")
        draw_line(page, "서문")
        page.click("#save")
        page.wait_for_selector("#status.ok")

        open_camera(page, "south")  # the line drawn before switching is still there
        assert "남문" in page.inner_text("#items") and "● " in page.inner_text("#camera")
        page.click("#save")
        page.wait_for_selector("#status.ok")
        assert page.inner_text("#kept") == "" and "● " not in page.inner_text("#camera")

    site = load_config(config)
    assert site.camera("north").name == "북문 카메라"
    assert [line.name for camera in site.cameras for line in camera.lines] == ["북문", "남문", "서문"]
    assert site.camera("west").zones[0].alert_occupancy == 25

    out = tmp_path / "out"
    run = crowdcount("run", "--config", config, "--out", out, "--model", tmp_path / "walkers.markers")
    assert run.returncode == 0, run.stderr
    from crowdcount.store.events import EventStore

    events = [e for e in EventStore(out / "crowdcount.db").history().events if e.kind == "cross"]
    for camera in ("north", "south", "west"):
        for direction in ("in", "out"):
            expected = sum(c.camera == camera and c.direction == direction for c in truth)
            assert sum(e.camera == camera and e.direction == direction for e in events) == expected
    report = crowdcount("report", "--db", out / "crowdcount.db", "--out", tmp_path / "report.html")
    assert report.returncode == 0, report.stderr
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert all(name in html for name in ("북문 카메라", "북문", "남문", "서문", "동쪽 광장"))
