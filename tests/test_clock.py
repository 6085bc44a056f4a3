"""Recordings across a daylight-saving change, counted end to end in a real zone (Europe/Berlin): frame
times are instants, so a recording lasts as long as its frames, and tables and reports follow."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from helpers import crowdcount, mjpeg_clip

FRAMES, FPS = 60, 0.5  # one frame every 2 s: two minutes of footage from 60 frames of the sample clip

SITE = """\
timezone: Europe/Berlin
cameras:
  - id: gate
    source: {folder}
    filename_pattern: "{{camera}}_{{YYYYmmdd_HHMMSS}}.avi"
    fps: {fps}
    lines:
      - id: door
        points: [[430, 150], [430, 480]]
        in_direction: [1, 0]
"""


@pytest.fixture(scope="module")
def sample_frames(tmp_path_factory: pytest.TempPathFactory, pets_video: Path) -> Path:
    clip = tmp_path_factory.mktemp("clip") / "clip.avi"
    return mjpeg_clip(pets_video, clip, FRAMES)


@pytest.mark.parametrize(
    ("name", "first_frame", "said"),
    [  # 02:59:30, half a minute before the clocks go back an hour: the last 90 s are after the change
        ("gate_20261025_025930.avi", datetime(2026, 10, 25, 0, 59, 30, tzinfo=UTC), "happened twice"),
        # 02:59:30 on the day the clocks skip 02:00-03:00: read as 03:59:30 summer time
        ("gate_20260329_025930.avi", datetime(2026, 3, 29, 1, 59, 30, tzinfo=UTC), "does not exist"),
    ],
)
def test_a_recording_across_a_clock_change_lasts_as_long_as_its_frames(
    tmp_path: Path, sample_frames: Path, model: str, name: str, first_frame: datetime, said: str
) -> None:
    folder = tmp_path / "gate"
    folder.mkdir()
    (folder / name).write_bytes(sample_frames.read_bytes())
    config = tmp_path / "site.yaml"
    config.write_text(SITE.format(folder=folder, fps=FPS))
    out = tmp_path / "out"
    result = crowdcount("run", "--config", config, "--out", out, "--model", model)
    assert result.returncode == 0, result.stderr
    [file] = json.loads((out / "run-manifest.json").read_text())["files"]
    start, end = datetime.fromisoformat(file["start"]), datetime.fromisoformat(file["end"])
    assert start.astimezone(UTC) == first_frame
    assert timedelta(seconds=FRAMES / FPS - 10) <= end - start <= timedelta(seconds=FRAMES / FPS)
    assert file["gaps"] == []

    result = crowdcount(
        "process", folder / name, "--config", config, "--db", tmp_path / "again.db", "--model", model
    )
    assert result.returncode == 0, result.stderr
    assert said in " ".join(result.stdout.split())  # the resolution is said, not silent

    csv = tmp_path / "intervals.csv"
    result = crowdcount(
        "export", "--db", out / "crowdcount.db", "--what", "intervals", "--interval", "1min", "--out", csv
    )
    assert result.returncode == 0, result.stderr
    table = pd.read_csv(csv)
    assert 2 <= len(table) <= 4  # two minutes of footage in 1-minute rows, none dropped or doubled
    report = tmp_path / "report.html"
    result = crowdcount("report", "--db", out / "crowdcount.db", "--out", report)
    assert result.returncode == 0, result.stderr
    assert report.stat().st_size > 0
