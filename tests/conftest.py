"""Shared fixtures: where the shared footage and model live, skipping cleanly without them."""

from __future__ import annotations

import os
import subprocess
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


@pytest.fixture(scope="session")
def pets_video() -> Path:
    return _need(PETS_VIDEO)


@pytest.fixture(scope="session")
def pets_gt() -> Path:
    return _need(PETS_GT)


@pytest.fixture(scope="session")
def yolox_model() -> Path:
    return _need(YOLOX_MODEL)


CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture
def chromium() -> Path:
    """Debian's chromium for browser tests: required in CI (.ci/run installs it), else skipped."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing in CI; .ci/run installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} is absent: install Debian's chromium to run the browser test")
    return CHROMIUM


EXAMPLE_CONFIG = ROOT / "examples" / "pets09.yaml"


@pytest.fixture(scope="session")
def processed_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store made by the real CLI from the whole PETS clip (once per test run; do not modify)."""
    for path in (PETS_VIDEO, YOLOX_MODEL):
        if not path.exists():
            pytest.skip(
                f"{path} is absent: this test needs ../shared (or CROWDCOUNT_SHARED) beside the checkout"
            )
    db = tmp_path_factory.mktemp("processed") / "crowdcount.db"
    result = subprocess.run(
        [sys.executable, "-m", "crowdcount", "process", str(PETS_VIDEO), "--config", str(EXAMPLE_CONFIG),
         "--db", str(db), "--model", str(YOLOX_MODEL)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return db
