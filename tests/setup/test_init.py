"""``crowdcount init``: a site YAML from a folder of recordings, on synthetic clips (no model or
footage needed); and the cameras it leaves without lines, which the commands that count name."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
import synthetic

from crowdcount.config import load_config
from crowdcount.setup.starter import cameras_in, time_block
from helpers import crowdcount

GATES = ["정문 카메라", "south", "west"]  # a folder each; the first with a space, as people name folders


@pytest.fixture(scope="module")
def recordings(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three cameras' recordings, a sub-folder each, over two days (10:00 to about 11:02)."""
    folder = tmp_path_factory.mktemp("archive") / "2026 축제"
    plan = [
        synthetic.Recording(camera, synthetic.DAY + timedelta(days=day, minutes=minutes), ins=1 + day, outs=1)
        for camera in ("north", "south", "west")
        for day, minutes in ((0, 0), (1, 62))  # other walkers each day: not copies of one recording
    ]
    synthetic.site(folder, plan)
    (folder / "site.yaml").unlink()
    (folder / "north").rename(folder / GATES[0])
    return folder


def test_init_writes_a_site_that_loads_from_three_cameras_folders(recordings: Path, tmp_path: Path):
    out = tmp_path / "site.yaml"
    result = crowdcount("init", recordings, "--out", out)
    assert result.returncode == 0, result.stderr
    site = load_config(out)
    assert [c.id for c in site.cameras] == ["south", "west", "정문_카메라"]
    assert site.camera("정문_카메라").name == "정문 카메라"
    assert all(not c.lines and not c.zones for c in site.cameras)  # drafts: setup draws them
    for camera in site.cameras:  # each source resolves to its own folder's two files
        assert camera.source == str(recordings / (camera.name or camera.id))
        assert camera.filename_pattern == "*{YYYYmmdd_HHMMSS}*"
    assert site.site.name == "2026 축제"
    assert site.site.period == (date(2026, 10, 3), date(2026, 10, 4))
    assert site.site.opening_hours == {"default": ("10:00", "12:00")}
    text = out.read_text(encoding="utf-8")
    assert text.count("확인") >= 3 and text.count("check") >= 3  # every guess is marked for the user
    said = result.stdout
    assert "camera 정문_카메라: 2 file(s), 25 s, 10 fps, 320x240; start times from file names" in said
    assert "period (guessed): 2026-10-03 to 2026-10-04" in said and "10:00-12:00" in said
    assert f"crowdcount setup --config {out}" in said

    again = crowdcount("init", recordings, "--out", out)  # never over an existing file
    assert again.returncode == 2 and again.stderr.count("\n") == 1
    assert "already exists" in again.stderr and out.read_text(encoding="utf-8") == text


def test_files_in_one_folder_are_cameras_by_name(recordings: Path, tmp_path: Path):
    """Files side by side: one camera per name before the time; a file with no time in its name is a
    camera of its own, its start from the file (the guess of period and hours leaves it out)."""
    flat = tmp_path / "flat"
    flat.mkdir()
    for video in recordings.rglob("*.avi"):
        shutil.copy(video, flat / video.name)
    shutil.copy(next(recordings.rglob("*.avi")), flat / "정문.avi")
    cameras = {c.id: c for c in cameras_in(flat, tmp_path)}
    assert sorted(cameras) == ["north", "south", "west", "정문"]
    assert cameras["north"].source == "flat/north_*" and len(cameras["north"].files) == 2
    assert cameras["정문"].source == "flat/정문.avi" and cameras["정문"].pattern is None
    result = crowdcount("init", flat, "--out", tmp_path / "site.yaml")
    assert result.returncode == 0, result.stderr
    assert "camera 정문: 1 file(s), 12 s" in result.stdout
    assert "modification times (check them)" in result.stdout
    assert "period (guessed): 2026-10-03 to 2026-10-04" in result.stdout


@pytest.mark.parametrize(
    ("name", "block"),
    [
        ("cam1_20261003_100000.mp4", "{YYYYmmdd_HHMMSS}"),
        ("ch02-20261003100000.mp4", "{YYYYmmddHHMMSS}"),
        ("정문 2026-10-03 10.00.00.mp4", "{YYYY-mm-dd HH.MM.SS}"),
        ("NVR_2026-10-03T10-00-00_ch1.mkv", "{YYYY-mm-ddTHH-MM-SS}"),
        ("gate_20261003-1000.ts", "{YYYYmmdd-HHMM}"),
    ],
)
def test_the_time_in_a_recorders_file_name_becomes_a_pattern_block(name: str, block: str):
    found = time_block(name)
    assert found is not None and found[1] == block


def test_init_refuses_what_is_not_a_folder_of_recordings(tmp_path: Path):
    empty = tmp_path / "empty"
    empty.mkdir()
    for folder, says in ((tmp_path / "nowhere", "is not a folder"), (empty, "no video files")):
        result = crowdcount("init", folder, "--out", tmp_path / "site.yaml")
        assert result.returncode == 2 and result.stderr.count("\n") == 1 and says in result.stderr
    assert not (tmp_path / "site.yaml").exists()


def test_run_counts_the_cameras_with_lines_and_names_the_drafts(recordings: Path, tmp_path: Path):
    """A camera without lines is a draft: `run` leaves it out and says so; with no camera ready, it
    refuses in one line before any work."""
    config = tmp_path / "site.yaml"
    assert crowdcount("init", recordings, "--out", config).returncode == 0
    model = synthetic.markers_model(tmp_path)
    refused = crowdcount("run", "--config", config, "--out", tmp_path / "none", "--model", model)
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1
    assert "nothing to count: camera south, west, 정문_카메라 has no line or zone yet" in refused.stderr
    text = config.read_text(encoding="utf-8")
    line = synthetic.camera("south", "")["lines"][0]
    drawn = f"    lines: [{{id: middle, points: {line['points']}, in_direction: [1, 0]}}]\n"
    config.write_text(text.replace('  - id: "west"\n', drawn + '  - id: "west"\n'), encoding="utf-8")
    result = crowdcount("run", "--config", config, "--out", tmp_path / "out", "--model", model)
    assert result.returncode == 0, result.stderr
    assert "nothing to count yet on camera west, 정문_카메라 (no line or zone): left out" in result.stdout
    counted = [line.split("\t") for line in result.stdout.splitlines() if line.endswith("\t")]
    assert [(row[0], row[2], row[5]) for row in counted] == [("south", "done", "2"), ("south", "done", "3")]
