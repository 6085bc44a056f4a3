"""The public API (``import crowdcount``) counts exactly as the CLI does, and says which version counted."""

from __future__ import annotations

import subprocess
import sys

import crowdcount
from helpers import crowdcount as run_cli
from helpers import mjpeg_clip, site_for


def test_importing_crowdcount_loads_no_video_database_or_web_library():
    heavy = ("cv2", "pandas", "sqlalchemy", "fastapi", "onnxruntime", "openvino", "supervision")
    probe = f"import sys, crowdcount; print(*[m for m in {heavy!r} if m in sys.modules])"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.split() == []
    assert set(crowdcount.__all__) <= set(dir(crowdcount)) | set(crowdcount._WHERE)


def test_count_video_gives_the_events_process_stores(tmp_path, pets_video):
    clip = mjpeg_clip(pets_video, tmp_path / "clip.avi", 150)
    config = site_for(tmp_path, str(clip))
    db = tmp_path / "cli.db"
    assert run_cli("process", clip, "--config", config, "--db", db).returncode == 0

    outcome = crowdcount.count_video(clip, crowdcount.load_config(config))

    def key(event: crowdcount.CountEvent) -> tuple:
        return (event.counter, event.kind, event.direction, event.track_id, event.frame, event.timestamp)

    stored = crowdcount.EventStore(db, create=False)
    assert sorted(map(key, outcome.events)) == sorted(map(key, stored.events()))
    assert len(outcome.events) > 0
    (source,) = stored.sources()
    assert source.version == crowdcount.__version__  # the version that counted it, kept in the store
