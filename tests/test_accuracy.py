"""Counting accuracy at the default settings (detection paced by motion) on the real PETS clip,
over a grid of lines: hundreds of ground-truth crossings instead of the example's few dozen."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from conftest import ROOT
from crowdcount.evaluate import faster_clip, load_mot_tracks

sys.path.insert(0, str(ROOT / "scripts"))
from grid_accuracy import count_on_grid


@pytest.fixture(scope="module")
def twice_as_fast(tmp_path_factory, pets_video, pets_gt) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("fast") / "pets-x2.avi"
    return faster_clip(pets_video, out, 2, load_mot_tracks(pets_gt))


def test_default_detects_fewer_frames_and_counts_as_well_as_every_frame(pets_video, pets_gt, default_model):
    paced = count_on_grid(pets_video, load_mot_tracks(pets_gt), default_model)
    assert paced["crossings"] > 500
    assert paced["detected"] < 0.9 * paced["frames"]  # walkers here move about a box width a second
    assert paced["miscounted"] < 0.08 and abs(paced["bias"]) < 0.03, paced  # measured: 5.3 %, -0.3 %


def test_when_people_move_twice_as_fast_the_default_detects_every_frame(twice_as_fast, default_model):
    video, truth = twice_as_fast
    paced = count_on_grid(video, truth, default_model)
    assert paced["detected"] > 0.95 * paced["frames"]
    assert paced["miscounted"] < 0.12 and abs(paced["bias"]) < 0.05, paced
    every_other = count_on_grid(video, truth, default_model, stride=2)  # what a fixed stride would lose
    assert every_other["bias"] < -0.08, every_other
