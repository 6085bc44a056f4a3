"""Archive discovery and start times: patterns, container metadata, holes between files."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import av
import numpy as np
import pytest

from crowdcount.coverage import Span
from crowdcount.errors import CrowdcountError
from crowdcount.sources.archive import (
    compile_filename_pattern,
    expected_span,
    find_recordings,
    holes_between,
    recording_start,
    start_from_container,
    start_from_filename,
)

SEOUL = ZoneInfo("Asia/Seoul")
BERLIN = ZoneInfo("Europe/Berlin")


def test_filename_pattern_gives_the_wall_clock_reading():
    start = start_from_filename(
        Path("gate-1_20261003_141530.mp4"), "{camera}_{YYYYmmdd_HHMMSS}.mp4", "gate-1"
    )
    assert start == datetime(2026, 10, 3, 14, 15, 30)
    other = start_from_filename(
        Path("gate-2_20261003_141530.mp4"), "{camera}_{YYYYmmdd_HHMMSS}.mp4", "gate-1"
    )
    assert other is None
    dashed = start_from_filename(Path("cam 2026-10-03 14.15.30 part.mkv"), "* {YYYY-mm-dd HH.MM.SS}*", "x")
    assert dashed == datetime(2026, 10, 3, 14, 15, 30)


def test_a_start_is_an_instant_in_utc_read_in_the_site_timezone(tmp_path):
    path = tmp_path / "gate-1_20261003_141530.mp4"
    start, how = recording_start(path, SEOUL, None, "{camera}_{YYYYmmdd_HHMMSS}.mp4", "gate-1")
    assert (start, how) == (datetime(2026, 10, 3, 14, 15, 30, tzinfo=SEOUL), "filename")
    assert start is not None and start.tzinfo is UTC


def test_a_start_the_clocks_skipped_or_showed_twice_is_resolved_and_said(tmp_path):
    pattern = "{camera}_{YYYYmmdd_HHMMSS}.mp4"
    skipped, how = recording_start(tmp_path / "g_20260329_023000.mp4", BERLIN, None, pattern, "g")
    assert skipped == datetime(2026, 3, 29, 3, 30, tzinfo=BERLIN)  # 02:30 never happened: 03:30 CEST
    assert "does not exist in Europe/Berlin" in how and "read as 03:30:00" in how
    twice, how = recording_start(tmp_path / "g_20261025_023000.mp4", BERLIN, None, pattern, "g")
    assert twice == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # the first 02:30, still summer time
    assert "happened twice" in how
    _, how = recording_start(tmp_path / "g_20261024_023000.mp4", BERLIN, None, pattern, "g")
    assert how == "filename"


def test_spans_across_a_daylight_saving_change_last_their_real_length():
    before_change = datetime(2026, 10, 25, 2, 40, tzinfo=BERLIN)  # summer time; at 03:00 it is 02:00 again
    after = before_change + timedelta(minutes=98)  # Python adds a zone's datetimes by their wall clocks
    assert Span(before_change, after).seconds == 98 * 60 + 3600  # which is why starts are instants
    start, _ = recording_start(Path("x.mp4"), BERLIN, datetime(2026, 10, 25, 2, 40), None, "cam")
    assert start is not None
    span = expected_span(start, frame_count=98 * 60, fps=1.0)
    assert span.seconds == 98 * 60
    assert span.end.astimezone(BERLIN).strftime("%H:%M %Z") == "03:18 CET"


def test_a_pattern_without_a_time_block_is_rejected():
    with pytest.raises(CrowdcountError, match="needs a time block"):
        compile_filename_pattern("{camera}.mp4", "cam")


def test_find_recordings_in_a_folder_a_glob_and_a_missing_path(tmp_path):
    for name in ("b.mp4", "a.avi", "notes.txt", "sub/c.mkv"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"x")
    assert [p.name for p in find_recordings(str(tmp_path))] == ["a.avi", "b.mp4", "c.mkv"]
    assert [p.name for p in find_recordings(str(tmp_path / "*.mp4"))] == ["b.mp4"]
    with pytest.raises(CrowdcountError, match="not found"):
        find_recordings(str(tmp_path / "nope"))
    with pytest.raises(CrowdcountError, match="no file matches"):
        find_recordings(str(tmp_path / "*.mov"))


def write_mp4(path: Path, creation_time: str | None) -> None:
    with av.open(str(path), "w") as container:
        if creation_time:
            container.metadata["creation_time"] = creation_time
        stream = container.add_stream("mpeg4", rate=10)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        for _ in range(5):
            frame = av.VideoFrame.from_ndarray(np.zeros((48, 64, 3), dtype=np.uint8), format="rgb24")
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))


def test_container_creation_time(tmp_path):
    write_mp4(tmp_path / "with.mp4", "2026-10-03T05:15:30.000000Z")
    write_mp4(tmp_path / "without.mp4", None)
    assert start_from_container(tmp_path / "with.mp4") == datetime(2026, 10, 3, 14, 15, 30, tzinfo=SEOUL)
    assert start_from_container(tmp_path / "without.mp4") is None


def test_start_time_order_config_then_filename_then_container_then_file_time(tmp_path):
    path = tmp_path / "cam_20261003_100000.mp4"
    write_mp4(path, "2026-10-03T05:15:30Z")
    configured = datetime(2026, 10, 3, 9, 0)
    assert recording_start(path, SEOUL, configured, "{camera}_{YYYYmmdd_HHMMSS}.mp4", "cam") == (
        configured.replace(tzinfo=SEOUL),
        "config",
    )
    assert recording_start(path, SEOUL, None, "{camera}_{YYYYmmdd_HHMMSS}.mp4", "cam")[1] == "filename"
    assert recording_start(path, SEOUL, None, None, "cam")[1] == "container creation time"
    plain = tmp_path / "plain.mp4"
    write_mp4(plain, None)
    start, how = recording_start(plain, SEOUL, None, None, "cam", duration_s=60)
    assert how == "file time minus duration" and start is not None


def test_holes_and_overlaps_between_files():
    t0 = datetime(2026, 10, 3, 10, tzinfo=SEOUL)

    def span(a: float, b: float) -> Span:
        return Span(t0 + timedelta(minutes=a), t0 + timedelta(minutes=b))

    holes = holes_between([("c.mp4", span(70, 120)), ("a.mp4", span(0, 60)), ("b.mp4", span(60, 75))])
    assert [(h.span, h.reason, h.after) for h in holes] == [(span(70, 75), "overlaps b.mp4", "c.mp4")]
    holes = holes_between([("a.mp4", span(0, 60)), ("b.mp4", span(90, 120))])
    assert [(h.span, h.reason) for h in holes] == [(span(60, 90), "no recording between files")]


def test_links_back_up_the_tree_and_pipes_neither_hang_nor_count(tmp_path):
    (tmp_path / "cam" / "day1").mkdir(parents=True)
    (tmp_path / "cam" / "day1" / "a.mp4").write_bytes(b"x")
    (tmp_path / "cam" / "day1" / "up").symlink_to("..")  # a loop: cam/day1/up/day1/up/...
    (tmp_path / "cam" / "again").symlink_to("day1")  # a second way to the same folder
    os.mkfifo(tmp_path / "cam" / "live.mp4")  # a pipe named like a video: reading it would block
    for source in (tmp_path / "cam", f"{tmp_path}/cam/**/*.mp4"):
        found = find_recordings(str(source))
        assert len(found) == 1 and found[0].name == "a.mp4"
    with pytest.raises(CrowdcountError, match="not a regular file"):
        find_recordings(str(tmp_path / "cam" / "live.mp4"))


def test_a_folder_that_cannot_be_read_is_a_one_line_error(tmp_path):
    share = Path(tempfile.mkdtemp(prefix="crowdcount-cam-"))  # not under pytest's private folder
    (share / "locked").mkdir()
    (share / "a.mp4").write_bytes(b"x")
    share.chmod(0o755)
    (share / "locked").chmod(0o000)
    find = "import sys; from crowdcount.sources.archive import find_recordings as f; print(f(sys.argv[1]))"
    command = [sys.executable, "-c", find, str(share)]
    if os.geteuid() == 0:  # root reads any folder: try as nobody
        command = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", *command]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    finally:
        (share / "locked").chmod(0o755)
        shutil.rmtree(share)
    assert "CrowdcountError: source" in result.stderr and f"cannot read {share}/locked" in result.stderr
