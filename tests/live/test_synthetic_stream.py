"""``crowdcount live`` on any machine: a synthetic stream (tests/synthetic.py) counted by the scripted
detector, through an outage, so the live loop's counts are known in advance to the person."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections import Counter

import synthetic
import yaml

from crowdcount.store.events import EventStore
from helpers import StreamServer, free_port, get_json, wait_until


def test_live_counts_every_scripted_crossing_before_and_after_the_stream_drops(tmp_path):
    before = synthetic.walkers_for(ins=2, outs=1, turning=True)
    after = synthetic.walkers_for(ins=1, outs=2)
    clips = [
        synthetic.write_clip(tmp_path / f"{name}.avi", walkers, synthetic.frames_for(walkers))
        for name, walkers in (("before", before), ("after", after))
    ]
    truth = Counter(w.direction for w in before + after if w.direction)
    stream = StreamServer(clips[0], free_port(), fps=synthetic.FPS, once=True, wait_for_client=True)
    stream.start()
    camera = synthetic.camera("gate", stream.url, fps=synthetic.FPS)
    config = tmp_path / "live.yaml"
    config.write_text(yaml.safe_dump({"timezone": synthetic.TIMEZONE, "cameras": [camera]}))
    port, db = free_port(), tmp_path / "live.db"
    model = synthetic.markers_model(tmp_path)
    command = [sys.executable, "-m", "crowdcount", "live", "--config", config, "--db", db, "--model", model]
    log = tmp_path / "live.log"
    with log.open("w") as output:
        live = subprocess.Popen([*map(str, command), "--port", str(port)], stdout=output, stderr=output)
    base = f"http://127.0.0.1:{port}"
    try:
        events = lambda: int(get_json(f"{base}/api/health")["events"])  # noqa: E731
        wait_until(lambda: events() == 3, 120, "the first clip's three crossings")
        stream.kill()  # the camera goes down
        wait_until(lambda: get_json(f"{base}/api/cameras")[0]["state"] == "reconnecting", 30, "the drop")
        stream = StreamServer(clips[1], stream.port, fps=synthetic.FPS, once=True, wait_for_client=True)
        stream.start()  # and comes back, playing the second clip
        wait_until(lambda: events() == 6, 120, "the second clip's three crossings")
        assert get_json(f"{base}/api/cameras")[0]["reconnects"] >= 1
        live.send_signal(signal.SIGINT)
        assert live.wait(60) == 0
    finally:
        if live.poll() is None:
            live.kill()
        stream.kill()
    store = EventStore(db, create=False)
    assert Counter(e.direction for e in store.events()) == truth  # the one who turned back is not counted
    assert [gap.reason.startswith("stream down") for gap in store.gaps()] == [True]
    assert "Traceback" not in log.read_text()
