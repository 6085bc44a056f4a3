"""Shared fixtures: where the shared footage and model live, skipping cleanly without them."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("CROWDCOUNT_SHARED", ROOT.parent / "shared"))
PETS_DIR = SHARED / "footage" / "pets09_s2l1"
PETS_VIDEO = PETS_DIR / "vtest.avi"
PETS_GT = PETS_DIR / "gt" / "gt.txt"
YOLOX_MODEL = SHARED / "models" / "yolox_nano.onnx"


def _need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is absent: this test needs ../shared (or CROWDCOUNT_SHARED) beside the checkout")
    return path


@pytest.fixture
def pets_video() -> Path:
    return _need(PETS_VIDEO)


@pytest.fixture
def pets_gt() -> Path:
    return _need(PETS_GT)


@pytest.fixture
def yolox_model() -> Path:
    return _need(YOLOX_MODEL)
