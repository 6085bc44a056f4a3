"""Sources: MOTChallenge image sequences (``img1/`` + ``seqinfo.ini``) read like a video file."""

from __future__ import annotations

import os
from datetime import timedelta
from fractions import Fraction
from pathlib import Path

import cv2
import numpy as np
import pytest
import yaml

from conftest import SHARED
from crowdcount.errors import CrowdcountError
from crowdcount.sources.archive import find_recordings
from crowdcount.sources.files import FrameReader, probe_video
from helpers import START, crowdcount

MOT17_04 = SHARED / "footage" / "mot17_mini" / "train" / "MOT17-04-FRCNN"


def sequence(folder: Path, frames: int = 6, fps: float = 25) -> Path:
    """A MOTChallenge sequence of ``frames`` grey images, each a little brighter than the last."""
    (folder / "img1").mkdir(parents=True)
    for k in range(1, frames + 1):
        cv2.imwrite(str(folder / "img1" / f"{k:06d}.jpg"), np.full((48, 64, 3), 30 * k, np.uint8))
    (folder / "seqinfo.ini").write_text(
        f"[Sequence]\nname={folder.name}\nimDir=img1\nframeRate={fps}\nseqLength={frames}\nimExt=.jpg\n"
    )
    return folder


def test_a_sequence_folder_reads_as_one_recording_at_its_own_frame_rate(tmp_path):
    folder = sequence(tmp_path / "site" / "SEQ-01")
    (tmp_path / "site" / "gate.mp4").write_bytes(b"")  # a video beside the sequence is a recording too
    assert find_recordings(str(tmp_path / "site")) == [folder, tmp_path / "site" / "gate.mp4"]
    assert find_recordings(str(folder)) == [folder]
    info = probe_video(folder)
    assert (info.width, info.height, info.fps, info.frame_count) == (64, 48, 25.0, 6)
    frames = list(FrameReader(folder, "cam", START, info.fps))
    assert [f.info.index for f in frames] == list(range(6))
    assert frames[-1].info.timestamp == START + timedelta(seconds=5 / 25)
    assert [int(f.image.mean()) // 10 for f in frames] == [3, 6, 9, 12, 15, 18]  # in order, none twice
    assert [f.info.index for f in FrameReader(folder, "cam", START, info.fps, stride=2)] == [0, 2, 4]


def test_a_folder_without_frames_or_with_a_broken_seqinfo_is_a_clear_error(tmp_path):
    empty = tmp_path / "EMPTY"
    (empty / "img1").mkdir(parents=True)
    (empty / "seqinfo.ini").write_text("[Sequence]\nframeRate=30\n")
    with pytest.raises(CrowdcountError, match=r"no numbered \.jpg frames in img1/"):
        probe_video(empty)
    broken = sequence(tmp_path / "BROKEN")
    (broken / "seqinfo.ini").write_text("frameRate=30\n")
    with pytest.raises(CrowdcountError, match=r"not a MOTChallenge seqinfo\.ini"):
        probe_video(broken)


def test_a_benchmark_sequence_runs_as_it_is_and_is_scored_against_its_ground_truth(tmp_path, yolox_model):
    if not MOT17_04.is_dir():
        pytest.skip(f"{MOT17_04} is absent: this test needs ../shared (or CROWDCOUNT_SHARED)")
    site = {
        "timezone": "Europe/Berlin",
        "cameras": [
            {
                "id": "mot17-04",
                "source": str(MOT17_04),
                "start": "2017-03-01T12:00:00+01:00",
                "lines": [{"id": "middle", "points": [[960, 0], [960, 1079]], "in_direction": [1, 0]}],
            }
        ],
    }
    config = tmp_path / "site.yaml"
    config.write_text(yaml.safe_dump(site))
    tracks, db = tmp_path / "tracks.txt", tmp_path / "c.db"
    result = crowdcount(
        "process",
        MOT17_04,
        "--config",
        config,
        "--db",
        db,
        "--model",
        yolox_model,
        "--save-tracks",
        tracks,
        "--stride",
        "1",
    )
    assert result.returncode == 0, result.stderr
    frames = len(list((MOT17_04 / "img1").glob("*.jpg")))
    assert "30 fps" in result.stdout and tracks.with_name("tracks.txt.frames").read_text().split() == [
        str(n) for n in range(1, frames + 1)
    ]
    wide = os.environ | {"COLUMNS": "200"}  # the metrics table on one line
    scored = crowdcount("evaluate", "--gt", MOT17_04 / "gt" / "gt.txt", "--tracks", tracks, env=wide)
    assert scored.returncode == 0 and "recall %" in scored.stdout, scored.stderr


def vfr_clip(source: Path, path: Path) -> Path:
    """60 frames of a real clip as a recorder that slowed down writes them: the first 30 every 0.1 s,
    the next 30 every 0.4 s (an average of 4 fps that no frame keeps)."""
    import av

    capture = cv2.VideoCapture(str(source))
    with av.open(str(path), "w") as container:
        stream = container.add_stream("mpeg4", rate=10)
        stream.width, stream.height, stream.pix_fmt = 768, 576, "yuv420p"
        stream.codec_context.time_base = Fraction(1, 1000)
        for k in range(60):
            ok, image = capture.read()
            assert ok
            frame = av.VideoFrame.from_ndarray(image, format="bgr24")
            frame.pts, frame.time_base = (100 * k if k < 30 else 3000 + 400 * (k - 30)), Fraction(1, 1000)
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    capture.release()
    return path


def test_a_variable_frame_rate_recording_is_timed_by_its_frames_own_times(tmp_path, pets_video, model):
    from crowdcount.batch.recording import VARIABLE_RATE, RunOptions, count_recording, probe_recording
    from crowdcount.config import parse_config
    from crowdcount.detect.load import DetectorSpec
    from crowdcount.detect.models import ModelChoice

    clip = vfr_clip(pets_video, tmp_path / "slowed.mp4")
    site = parse_config(
        {
            "timezone": "Asia/Seoul",
            "cameras": [
                {
                    "id": "gate",
                    "source": str(clip),
                    "start": START.isoformat(),
                    "lines": [{"id": "door", "points": [[430, 150], [430, 480]], "in_direction": [1, 0]}],
                }
            ],
        }
    )
    camera = site.cameras[0]
    recording = probe_recording(site, camera, clip)
    assert recording.info is not None and recording.info.variable_rate
    spec = DetectorSpec(ModelChoice(model, "test"))
    seen = []
    outcome = count_recording(
        recording, camera, site.counting_for(camera), spec.load(), RunOptions(spec, 1), on_frame=seen.append
    )
    assert VARIABLE_RATE in outcome.reason
    at = {info.index: (info.timestamp - START).total_seconds() for info in seen}
    assert at[30] == pytest.approx(3.0, abs=0.01) and at[59] == pytest.approx(14.6, abs=0.01)
    assert not probe_video(pets_video).variable_rate  # an evenly timed clip keeps its rate
