"""The README's first command on a clean copy of the project with nothing of ours beside it: no
../shared, no models folder, no CROWDCOUNT_* settings. `make demo` must install, fetch the sample clip
from Debian, count it with the embedded detector, export and report; the counts are checked against
the PETS ground truth where ../shared has it."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from conftest import EXAMPLE_CONFIG, PETS_GT, ROOT
from crowdcount.store.events import EventStore


def _project_files() -> list[str]:
    """What a clean clone of this working tree holds: tracked files and untracked ones git does not ignore."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return [name for name in listed.split("\0") if name and (ROOT / name).is_file()]


def test_make_demo_counts_the_sample_clip_with_nothing_of_ours_beside_it(tmp_path):
    if shutil.which("make") is None or shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs make, git and a git checkout of crowdcount")
    clone = tmp_path / "work" / "crowdcount"  # tmp_path/work/shared does not exist
    for name in _project_files():
        (clone / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, clone / name)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CROWDCOUNT_", "VIRTUAL_ENV", "PYTHON"))}
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if ".venv" not in p)
    env["HOME"] = str(tmp_path / "home")  # no model cache, no OpenVINO cache of ours
    made = subprocess.run(["make", "demo"], cwd=clone, env=env, capture_output=True, text=True, timeout=1500)
    assert made.returncode == 0, made.stdout[-3000:] + made.stderr[-3000:]
    said = " ".join(made.stdout.split())  # rich wraps lines at 80 columns without a terminal
    assert "extracted vtest.avi from Debian's opencv-doc" in said
    assert "(embedded default)" in said and "person-detection-0303" in said
    for name in ("events.csv", "intervals.xlsx", "report.html"):
        assert (clone / "out" / name).stat().st_size > 0, name
    store = EventStore(clone / "out" / "crowdcount.db", create=False)
    events = store.events()
    if not PETS_GT.exists():
        assert sum(e.kind == "cross" for e in events) >= 20  # the clip's two lines see 45 crossings
        pytest.skip(
            f"{PETS_GT} is absent: the demo counted, but its counts are not checked against the truth"
        )
    from crowdcount.config import load_config
    from crowdcount.evaluate.truth import compare_lines, ground_truth_events, load_mot_tracks, miscounts

    camera = load_config(EXAMPLE_CONFIG).cameras[0]
    start = store.sources()[0].start
    truth = ground_truth_events(load_mot_tracks(PETS_GT), camera, "bottom_center", start, 7.0)
    table = compare_lines(truth, events, ["lamppost", "west"])
    assert miscounts(table)[0] <= 4 / 45, table.to_string()  # as tests/test_cli.py holds `process` to
