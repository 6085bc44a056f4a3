"""``crowdcount demo``: the demo in one command where ``make`` does not exist (Windows, macOS). The
sample clip is fetched from a server on loopback (as from OpenCV's samples), verified and counted with
the embedded detector; offline, one line says where to put the clip."""

from __future__ import annotations

import os
from pathlib import Path

from crowdcount.store.events import EventStore
from helpers import FileServer, crowdcount, free_port


def test_the_demo_fetches_the_sample_clip_once_and_counts_it(tmp_path: Path, pets_video: Path):
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}  # an empty cache; no sample_videos/ here
    with FileServer({"vtest.avi": pets_video.read_bytes()}).running() as server:
        made = crowdcount("demo", "--out", "out", "--from", f"{server.url}/vtest.avi", cwd=tmp_path, env=env)
    assert made.returncode == 0, made.stderr
    assert (tmp_path / "cache" / "crowdcount" / "samples" / "vtest.avi").is_file()  # kept for next time
    out = tmp_path / "out"
    for name in ("events.csv", "intervals.xlsx", "report.html", "demo-site.yaml"):
        assert (out / name).is_file(), name
    events = EventStore(out / "crowdcount.db", create=False).events()
    assert sum(e.counter == "lamppost" for e in events) >= 20  # PETS: 30 crossings in the ground truth
    assert "가로등 앞" in (out / "report.html").read_text(encoding="utf-8")  # the demo site's display names
    again = crowdcount("demo", "--out", "again", "--from", "http://127.0.0.1:9/none", cwd=tmp_path, env=env)
    assert again.returncode == 0, again.stderr  # the cached clip: nothing fetched


def test_the_demo_offline_says_where_to_put_the_clip(tmp_path: Path):
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    dead = f"http://127.0.0.1:{free_port()}/vtest.avi"
    made = crowdcount("demo", "--out", "out", "--from", dead, cwd=tmp_path, env=env)
    assert made.returncode == 2 and made.stderr.count("\n") == 1, made.stderr
    assert "is this machine offline?" in made.stderr and "samples/vtest.avi" in made.stderr
    assert "--video" in made.stderr and not (tmp_path / "out" / "crowdcount.db").exists()


def test_the_demo_site_counts_as_the_documented_example():
    """The packaged demo site (display names added) has the same lines, zones and counting settings as
    examples/pets09.yaml, so the demo's counts are the example's."""
    from importlib import resources

    from conftest import EXAMPLE_CONFIG
    from crowdcount.config import counting_hash, load_config, parse_config
    from crowdcount.config import read_yaml as read

    packaged = Path(str(resources.files("crowdcount") / "demo" / "pets09.yaml"))
    demo, example = parse_config(read(packaged)), load_config(EXAMPLE_CONFIG)
    assert counting_hash(demo, demo.cameras[0]) == counting_hash(example, example.cameras[0])
    assert demo.cameras[0].start == example.cameras[0].start and demo.cameras[0].fps == example.cameras[0].fps
