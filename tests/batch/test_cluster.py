"""`crowdcount run --ray` on a real local Ray instance, and a run into a real PostgreSQL store."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from crowdcount.store.events import EventStore
from helpers import SHORTFALL, crowdcount, event_keys, free_port, sigint_as_in_a_terminal

pytest.importorskip("ray", reason="Ray is not installed: pip install -e '.[cluster]'")


def manifest_of(out: Path) -> dict:
    return json.loads((out / "run-manifest.json").read_text())


def statuses(out: Path) -> dict[str, str]:
    return {Path(f["source"]).name: f["status"] for f in manifest_of(out)["files"]}


def test_local_ray_counts_a_synthetic_site_as_scripted_and_as_the_local_runner(
    tmp_path, synthetic_site, synthetic_run
):
    out, site = tmp_path / "out", synthetic_site
    result = crowdcount("run", "--config", site.config, "--out", out, "--model", site.model, "--ray")
    assert result.returncode == 0, result.stderr
    assert "Ray (local): " in result.stdout
    events = EventStore(out / "crowdcount.db", create=False).events()
    assert Counter((e.camera, e.direction) for e in events) == site.truth
    assert event_keys(out / "crowdcount.db") == event_keys(synthetic_run / "crowdcount.db")
    assert statuses(out) == statuses(synthetic_run)


def test_local_ray_gives_the_same_events_as_the_local_runner(tmp_path, archive, model, reference):
    out = tmp_path / "out"
    result = crowdcount("run", "--config", archive, "--out", out, "--model", model, "--ray")
    assert result.returncode == SHORTFALL, result.stderr
    assert "Ray (local): " in result.stdout
    assert statuses(out) == statuses(reference)
    assert event_keys(out / "crowdcount.db") == event_keys(reference / "crowdcount.db")
    assert EventStore(out / "crowdcount.db").gaps() == EventStore(reference / "crowdcount.db").gaps()

    again = crowdcount("run", "--config", archive, "--out", out, "--model", model, "--ray")
    assert again.returncode == SHORTFALL, again.stderr
    assert manifest_of(out)["totals"]["skipped"] == 4  # resumes like the local runner: nothing redone
    assert event_keys(out / "crowdcount.db") == event_keys(reference / "crowdcount.db")


def test_run_joins_a_running_ray_cluster_by_address(tmp_path, archive, model, reference):
    port = free_port()
    ray = Path(sys.executable).parent / "ray"
    head = [
        str(ray),
        "start",
        "--head",
        f"--port={port}",
        "--num-cpus=2",
        "--include-dashboard=false",
        "--disable-usage-stats",
    ]
    token_auth = os.environ | {"RAY_AUTH_MODE": "token"}  # head and driver share ~/.ray/auth_token
    started = subprocess.run(head, capture_output=True, text=True, timeout=120, env=token_auth)
    assert started.returncode == 0, started.stderr
    try:
        out = tmp_path / "out"
        address = f"127.0.0.1:{port}"
        result = crowdcount(
            "run", "--config", archive, "--out", out, "--model", model, "--ray", address, env=token_auth
        )
    finally:
        subprocess.run([str(ray), "stop", "--force"], capture_output=True, timeout=120)
    assert result.returncode == SHORTFALL, result.stderr
    assert f"Ray (127.0.0.1:{port}): 2 CPUs on 1 node(s)" in result.stdout
    assert event_keys(out / "crowdcount.db") == event_keys(reference / "crowdcount.db")


def test_an_address_where_no_ray_head_answers_is_a_one_line_error(tmp_path, archive, model):
    nowhere = f"127.0.0.1:{free_port()}"
    result = crowdcount("run", "--config", archive, "--out", tmp_path, "--model", model, "--ray", nowhere)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "no Ray head answers there" in result.stderr


def ray_tasks_reading() -> dict[int, set[str]]:
    """Ray worker processes running ``count_file``, with the recordings each has open."""
    listing = subprocess.run(["ps", "-eo", "pid=,args="], capture_output=True, text=True).stdout
    tasks = {}
    for line in listing.splitlines():
        pid, _, args = line.strip().partition(" ")
        if args.startswith("ray::count_file"):
            try:
                links = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
            except OSError:  # the process ended meanwhile
                continue
            tasks[int(pid)] = {Path(link).name for link in links if link.endswith(".avi")}
    return tasks


def test_killed_worker_tasks_are_retried_and_a_file_that_keeps_dying_is_reported(
    tmp_path, archive, model, reference
):
    """The worker counting file A is killed once (retried: same events); B's, every time (reported)."""
    once, always = "pets-a_20260503_100000.avi", "pets-b_20260503_100000.avi"
    out = tmp_path / "out"
    command = [
        sys.executable,
        "-m",
        "crowdcount",
        "run",
        "--config",
        str(archive),
        "--out",
        str(out),
        "--model",
        model,
        "--ray",
    ]
    run = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    kills, killed = {once: 0, always: 0}, set()
    deadline = time.time() + 300
    while run.poll() is None and time.time() < deadline:
        for pid, names in ray_tasks_reading().items():
            for name in names & set(kills):
                if pid not in killed and (name == always or kills[name] == 0):
                    os.kill(pid, signal.SIGKILL)
                    killed.add(pid)
                    kills[name] += 1
        time.sleep(0.1)
    _, stderr = run.communicate(timeout=60)
    assert run.returncode == SHORTFALL and "camera pets-b has no footage counted" in stderr, stderr
    assert kills == {once: 1, always: 3}, "each kill should land on a task that was reading its file"

    files = {Path(f["source"]).name: f for f in manifest_of(out)["files"]}
    assert files[once]["status"] == "done"
    assert files[always]["status"] == "failed" and "worker died 3 times" in files[always]["reason"]
    assert {n: f["status"] for n, f in files.items() if n != always} == {
        n: s for n, s in statuses(reference).items() if n != always
    }
    kept = [key for key in event_keys(reference / "crowdcount.db") if not key[6].endswith(always)]
    assert event_keys(out / "crowdcount.db") == kept


def test_a_run_into_postgresql_stores_what_sqlite_stores(tmp_path, archive, model, reference, postgres_url):
    result = crowdcount("run", "--config", archive, "--out", tmp_path, "--model", model, "--db", postgres_url)
    assert result.returncode == SHORTFALL, result.stderr
    assert "postgresql+psycopg://***@127.0.0.1" in result.stdout  # user and password never shown
    assert event_keys(postgres_url) == event_keys(reference / "crowdcount.db")
    postgres, sqlite = EventStore(postgres_url), EventStore(reference / "crowdcount.db")
    assert postgres.gaps() == sqlite.gaps() and postgres.counters() == sqlite.counters()
    assert [(r.source, r.frames, r.status) for r in postgres.sources()] == [
        (r.source, r.frames, r.status) for r in sqlite.sources()
    ]
    tables = []
    for db in (postgres_url, reference / "crowdcount.db"):
        table = tmp_path / f"intervals-{len(tables)}.csv"
        exported = crowdcount("export", "--db", db, "--what", "intervals", "--format", "csv", "--out", table)
        assert exported.returncode == 0, exported.stderr
        tables.append(table.read_text())
    assert tables[0] == tables[1]


def test_ctrl_c_on_a_ray_run_stores_nothing_half_done_and_the_next_run_finishes(
    tmp_path, archive, model, reference
):
    out = tmp_path / "out"
    command = [
        sys.executable,
        "-m",
        "crowdcount",
        "run",
        "--config",
        str(archive),
        "--out",
        str(out),
        "--model",
        model,
        "--ray",
    ]
    run = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=sigint_as_in_a_terminal,
    )
    deadline = time.time() + 120
    while not any(ray_tasks_reading().values()) and time.time() < deadline:
        time.sleep(0.1)
    run.send_signal(signal.SIGINT)
    _, stderr = run.communicate(timeout=120)
    assert run.returncode == 130 and "Traceback" not in stderr, stderr
    files = manifest_of(out)["files"]
    stopped = [Path(f["source"]).name for f in files if f["status"] == "interrupted"]
    assert stopped and all(
        not EventStore(out / "crowdcount.db").events(source=f["source"])
        for f in files
        if f["status"] == "interrupted"
    )

    again = crowdcount("run", "--config", archive, "--out", out, "--model", model, "--ray")
    assert again.returncode == SHORTFALL, again.stderr
    assert all(statuses(out)[name] == "done" for name in stopped)
    assert event_keys(out / "crowdcount.db") == event_keys(reference / "crowdcount.db")
