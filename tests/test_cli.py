"""The command line end to end: the real detector on the real clip, a real SQLite file."""

from __future__ import annotations

import csv
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from datetime import datetime

import pytest

from conftest import PETS_VIDEO
from crowdcount.config import load_config
from crowdcount.evaluate.truth import compare_lines, ground_truth_events, load_mot_tracks, miscounts
from crowdcount.store.events import EventStore
from helpers import ROOT, crowdcount, sigint_as_in_a_terminal

EXAMPLE = ROOT / "examples" / "pets09.yaml"


def assert_one_line_error(result: subprocess.CompletedProcess, *fragments: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("crowdcount: error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


def test_process_counts_pets_close_to_ground_truth_and_rerun_replaces(tmp_path, processed_db, pets_gt):
    db = tmp_path / "events.db"
    shutil.copy(processed_db, db)
    store = EventStore(db, create=False)
    events = store.events()
    camera = load_config(EXAMPLE).cameras[0]
    record = store.sources()[0]
    assert (record.status, record.fps) == ("done", 7.0)
    assert 795 / 2 <= record.frames < 795  # paced: slow walkers are detected on about 3 frames in 5
    assert record.start == datetime.fromisoformat("2009-03-01T10:00:00+09:00")  # an instant (kept in UTC)
    assert events[-1].timestamp <= record.end
    truth = ground_truth_events(load_mot_tracks(pets_gt), camera, "bottom_center", record.start, 7.0)
    table = compare_lines(truth, events, ["lamppost", "west"])
    assert table[["gt_in", "gt_out"]].values.tolist()[0] == [14, 17]
    # 45 crossings: one miscount is 6-17 % of a line's direction (tests/evaluate/test_accuracy.py checks
    # accuracy on ~600 crossings); at most 4 miscounts in all, at most a quarter on any one.
    assert miscounts(table)[0] <= 4 / 45, table.to_string()
    assert (table[["error_in_pct", "error_out_pct"]].abs() <= 25).all().all(), table.to_string()

    args = ("process", PETS_VIDEO, "--config", EXAMPLE, "--db", db)  # the default model again
    again = crowdcount(*args)
    assert again.returncode == 0, again.stderr
    assert "lamppost" in again.stdout and "junction" in again.stdout and "795 frames" in again.stdout
    assert store.events() == events  # replaced, not added

    evaluation = crowdcount("evaluate", "--gt", pets_gt, "--config", EXAMPLE, "--db", db)
    assert evaluation.returncode == 0, evaluation.stderr
    assert "lamppost" in evaluation.stdout and "14" in evaluation.stdout

    out = tmp_path / "events.csv"
    exported = crowdcount("export", "--db", db, "--what", "events", "--format", "csv", "--out", out)
    assert exported.returncode == 0, exported.stderr
    with out.open(encoding="utf-8-sig") as handle:  # UTF-8 with a BOM, for Excel
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == [
        "camera",
        "counter",
        "kind",
        "direction",
        "track_id",
        "timestamp",
        "source",
        "frame",
    ]
    assert len(rows) == len(events)
    assert {r["kind"] for r in rows} == {"cross", "enter", "exit"}
    assert {r["direction"] for r in rows} == {"in", "out"}
    assert rows[0]["timestamp"].startswith("2009-03-01T10:") and rows[0]["timestamp"].endswith("+09:00")


def test_ctrl_c_keeps_the_counts_made_so_far(tmp_path, pets_video, yolox_model):
    db = tmp_path / "events.db"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "crowdcount",
            "process",
            str(pets_video),
            "--config",
            str(EXAMPLE),
            "--db",
            str(db),
            "--model",
            str(yolox_model),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=sigint_as_in_a_terminal,
    )
    deadline = time.time() + 60
    while not db.exists() and time.time() < deadline:
        time.sleep(0.2)
    time.sleep(3)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, f"stdout: {stdout[-1500:]}\nstderr: {stderr[-1500:]}"
    assert "Traceback" not in stderr and "interrupted" in stdout
    record = EventStore(db, create=False).sources()[0]
    assert record.status == "interrupted" and 0 < record.frames < 795


@pytest.fixture
def clean_env(tmp_path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CROWDCOUNT_")}
    return env


def test_missing_video(tmp_path, clean_env):
    result = crowdcount("process", tmp_path / "nope.avi", "--config", EXAMPLE, env=clean_env)
    assert_one_line_error(result, "nope.avi not found")


def test_unreadable_video(tmp_path, clean_env):
    garbage = tmp_path / "garbage.mp4"
    garbage.write_bytes(os.urandom(50_000))
    result = crowdcount("process", garbage, "--config", EXAMPLE, env=clean_env)
    assert_one_line_error(result, "garbage.mp4")


def test_bad_config(tmp_path, pets_video, clean_env):
    bad = tmp_path / "bad.yaml"
    bad.write_text(EXAMPLE.read_text().replace("in_direction: [1, 0]  ", "in_direction: [0, 1]  ", 1))
    result = crowdcount("process", pets_video, "--config", bad, env=clean_env)
    assert_one_line_error(result, "bad.yaml: line 10: cameras[0].lines[0]", "must point across the line")


def test_missing_model(tmp_path, pets_video, clean_env):
    result = crowdcount(
        "process",
        pets_video,
        "--config",
        EXAMPLE,
        "--db",
        tmp_path / "e.db",
        "--model",
        "ours.onnx",
        cwd=tmp_path,
        env=clean_env,
    )
    assert_one_line_error(
        result, "--model: ours.onnx is neither a model file nor a model name", "models list"
    )
    assert not (tmp_path / "e.db").exists()


def test_export_from_a_missing_database(tmp_path, clean_env):
    result = crowdcount("export", "--db", tmp_path / "none.db", "--out", tmp_path / "x.csv", env=clean_env)
    assert_one_line_error(result, "none.db not found")


def test_every_command_has_help():
    for command in ("process", "export", "evaluate"):
        result = crowdcount(command, "--help")
        assert result.returncode == 0 and ("--config" in result.stdout or "--db" in result.stdout)


def test_the_cli_starts_without_the_heavy_libraries():
    """Each command imports its own modules; a heavy import at the top of cli.py slows every command."""
    heavy = ("pandas", "supervision", "onnxruntime", "cv2", "sqlalchemy", "fastapi", "matplotlib", "ray")
    probe = f"import sys, crowdcount.cli; print(*[m for m in {heavy!r} if m in sys.modules])"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.split() == []


def test_without_a_terminal_process_writes_progress_lines(processed_db):
    printed = (processed_db.parent / "process.log").read_text()  # the fixture's run, output to a pipe
    lines = re.findall(r"^\d\d:\d\d:\d\d vtest.avi: ([\d,]+) of 795(, [\d.]+ fps)?", printed, re.M)
    assert len(lines) >= 2, printed  # every 2 s, and where it ended
    assert lines[-1][0] == "795"  # the last line: the whole clip


def test_version_prints_the_single_sourced_version():
    from crowdcount import __version__

    result = crowdcount("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"crowdcount {__version__}"


def test_every_registered_command_has_help_and_every_option_says_what_it_does():
    """Walks the commands as registered (groups too), so a new command or option without help fails."""
    import typer
    from typer.testing import CliRunner

    from crowdcount.cli import app

    def walk(command, path):  # type: ignore[no-untyped-def]
        yield path, command
        for name, sub in getattr(command, "commands", {}).items():
            yield from walk(sub, [*path, name])

    runner = CliRunner(env={"COLUMNS": "400"})  # one line an option: its help is found whole
    commands = list(walk(typer.main.get_command(app), []))
    assert len(commands) > 12
    for path, command in commands:
        shown = runner.invoke(app, [*path, "--help"])
        assert shown.exit_code == 0, (path, shown.output)
        assert (command.help or "").strip(), f"crowdcount {' '.join(path)} has no help text"
        rendered = " ".join(shown.output.split())
        for param in command.params:
            if param.param_type_name == "option" and param.name not in ("help",):
                assert (param.help or "").strip(), f"crowdcount {' '.join(path)} {param.opts[0]} has no help"
                for token in re.findall(r"\\?(\[[^\]]*\])", param.help):  # rich markup would eat [words]
                    assert token in rendered, f"crowdcount {' '.join(path)} {param.opts[0]}: {token} is lost"
