"""Bad input, as a hostile new user gives it: one line naming what is wrong, never a traceback,
and the store as it was. A new command joins the table with its own bad inputs.

Each case runs the real CLI against a real store (made by the store itself, so no model is
needed), a small real video and real bad files (a foreign SQLite file, ONNX graphs of the
wrong shape, a junk .pt), and checks: the exit code, a fragment of the one line on stderr,
that no traceback or warning was printed, and that every file of the store is byte for byte
what it was before.
"""

from __future__ import annotations

import hashlib
import shlex
import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import cv2
import numpy as np
import pytest
import yaml

from crowdcount.datatypes import CameraDescription, CounterInfo, CountEvent, SiteDescription, SourceRecord
from crowdcount.store.events import EventStore
from helpers import crowdcount, free_port

KST = timezone(timedelta(hours=9))
START = datetime(2026, 10, 3, 10, 0, tzinfo=KST)


@dataclass(frozen=True)
class Case:
    """A command line (``{name}`` stands for a file of the ``files`` fixture) and what it must say."""

    name: str
    command: str  # as typed in a shell, after ``crowdcount``
    fragment: str
    hidden: tuple[str, ...] = field(default=())  # text that must not appear (secrets)
    exit_code: int = 2


def config(**camera: object) -> dict:
    """A one-camera site whose camera has a door line; ``camera`` overrides its keys."""
    base = {
        "id": "gate",
        "source": "clip.avi",
        "start": "2026-10-03T10:00:00+09:00",
        "fps": 10,
        "lines": [{"id": "door", "points": [[40, 0], [40, 60]], "in_direction": [1, 0]}],
    }
    return {"timezone": "Asia/Seoul", "cameras": [base | camera]}


def zone(polygon: list) -> dict:
    return config(lines=[], zones=[{"id": "plaza", "polygon": polygon}])


def line(**changes: object) -> dict:
    return config(lines=[{"id": "door", "points": [[40, 0], [40, 60]], "in_direction": [1, 0]} | changes])


CONFIGS = {  # {name} in a case's command line: NAME.yaml
    "good": config(),
    "late": config(start="9999-12-31T23:59:59+09:00"),
    "early": config(start="0001-01-01T00:00:00+09:00"),
    "slow": config(fps=1e-300),
    "nan": line(in_direction=[float("nan"), 0]),
    "inf": line(in_direction=[float("inf"), 0]),
    "huge": line(points=[[1e308, 0], [1e308, 60]]),
    "corner": zone([[0, 0], [60, 0], [60, 0], [60, 60], [0, 60]]),
    "closed": zone([[0, 0], [60, 0], [60, 60], [0, 60], [0, 0]]),
    "sort": config(counting={"tracker": "sort"}),
    "tiles": config(far_tiles={"rows": [50, 10]}),
    "below": config(far_tiles={"rows": [0, 500]}),
}

RAW_CONFIGS = {  # {name}: NAME.yaml, as a careless hand writes it
    "twice": "cameras:\n  - id: gate\n    source: clip.avi\n    fps: 10\n    fps: 25\n    lines: []\n",
    "spaced": "cameras:\n  - id: north gate\n    source: clip.avi\n"
    "    lines: [{id: door, points: [[40, 0], [40, 60]], in_direction: [1, 0]}]\n",
    "nothing": "cameras:\n  - id: gate\n    source: junk.pt\n    start: '2026-10-03T10:00:00+09:00'\n"
    "    lines: [{id: door, points: [[40, 0], [40, 60]], in_direction: [1, 0]}]\n",
}

PROCESS = "process {clip} -c {good} --db {db}"
CASES = [
    Case("start in year 9999", "process {clip} -c {late} --db {db}", "outside the years"),
    Case("start in year 1", "process {clip} -c {early} --db {db}", "outside the years"),
    Case("fps 1e-300 in the config", "process {clip} -c {slow} --db {db}", "cameras[0].fps"),
    Case("--fps 1e-300", f"{PROCESS} --fps 1e-300", "--fps"),
    Case("in_direction NaN", "process {clip} -c {nan} --db {db}", "finite number"),
    Case("in_direction inf", "process {clip} -c {inf} --db {db}", "finite number"),
    Case("coordinate 1e308", "process {clip} -c {huge} --db {db}", "lines[0].points"),
    Case("repeated zone corner", "process {clip} -c {corner} --db {db}", "same corner"),
    Case("zone closed by hand", "process {clip} -c {closed} --db {db}", "repeats the first"),
    Case("unknown tracker", "process {clip} -c {sort} --db {db}", "'bytetrack', 'ocsort' or 'botsort'"),
    Case("export into a file's folder", "export --db {db} --out {db}/y.csv", "is a file, not a folder"),
    Case("process --db inside a file", "process {clip} -c {good} --db {db}/y.db", "is a file"),
    Case("run --out inside a file", "run -c {good} --db {db} --out {db}/run", "is a file"),
    Case("report into a file's folder", "report --db {db} --out {db}/r.html", "is a file"),
    Case("report onto a folder", "report --db {db} --out {folder}", "is a folder"),
    Case("ONNX input not 4-D", f"{PROCESS} --model {{flat}}", "flat.onnx: its input"),
    Case("ONNX output not YOLOX", f"{PROCESS} --model {{odd}}", "odd.onnx: output has shape"),
    Case("junk .pt", f"{PROCESS} --model {{junk}}", "cannot load Ultralytics model"),
    Case("junk OpenVINO IR", f"{PROCESS} --model {{ir}}", "ir.xml: cannot load OpenVINO model (not an"),
    Case(
        "far_tiles rows upside down",
        "process {clip} -c {tiles} --db {db}",
        "cameras[0].far_tiles: rows [50, 10]",
    ),
    Case(
        "far_tiles below the frame",
        "process {clip} -c {below} --db {db}",
        "far_tiles rows [0, 500] reach below",
    ),
    Case(
        "PostgreSQL port not a number",
        "export --db postgresql://u:pw@localhost:abc/db --out {out}",
        "port 'abc' is not a number",
        hidden=("pw@",),
    ),
    Case(
        "unencoded @ in a password",
        "export --db postgresql://alice:ret@PW@127.0.0.1:1/db --out {out}",
        "write it as %40",
        hidden=("ret", "PW@", "alice"),
    ),
    Case("mysql URL", "export --db mysql://u:pw@localhost/db --out {out}", "mysql is not supported", ("pw",)),
    Case("export of a foreign SQLite file", "export --db {foreign} --out {out}", "not a crowdcount store"),
    Case(
        "report of a foreign SQLite file",
        "report --db {foreign} --out {folder}/r.html",
        "not a crowdcount store",
    ),
    Case("process into a store of another schema", "process {clip} -c {good} --db {other}", "lacks"),
    Case("export of a newer store", "export --db {newer} --out {out}", "schema 99"),
    Case("export of a damaged store", "export --db {junkdb} --out {out}", "file is not a database"),
    Case("export of an unknown camera", "export --db {db} --out {out} --camera nope", "its cameras: gate"),
    Case("export --format pdf", "export --db {db} --out {out} --format pdf", "'pdf' is not one of"),
    Case(
        "report named .docx", "report --db {db} --out {folder}/r.docx", ".docx is not a file type this writes"
    ),
    Case(
        "export .xlsx as CSV",
        "export --db {db} --out {folder}/t.xlsx --format csv",
        "writes a .csv file, not .xlsx",
    ),
    Case("export without a suffix", "export --db {db} --out {folder}/table", "no suffix is not a file type"),
    Case("serve with a short token", "serve --db {db} --token x --port {port}", "too short"),
    Case("serve with a blank token", "serve --db {db} --token ' ' --port {port}", "too short"),
    Case(
        "serve on a name that only looks local",
        "serve --db {db} --host 127.evil.invalid --port {port}",
        "reaches beyond this machine",
    ),
    Case("import of a file that is not kept counts", "import --db {db} {good}", "cannot read kept counts"),
    Case("--save-tracks inside a file", f"{PROCESS} --save-tracks {{db}}/tracks.txt", "is a file"),
    Case("evaluate with nothing to compare", "evaluate --gt {good}", "give --tracks FILE"),
    Case("evaluate tracks that are not MOT rows", "evaluate --gt {good} --tracks {good}", "not MOT format"),
    Case("audit plan of a missing store", "audit plan --db {folder}/none.db --out {folder}/d", "not found"),
    Case("audit import without a plan", "audit import --db {db} --answers {good}", "has no audit plan"),
    Case("audit serve without a plan", "audit serve --db {db} --port {port}", "has no audit plan"),
    Case("audit plan into a file's folder", "audit plan --db {db} --out {db}/plan", "is a file"),
    Case(
        "audit plan of an unknown counter",
        "audit plan --db {db} --counter nope --out {folder}/a",
        "no processed footage of nope",
    ),
    Case(
        "audit plan of a store without geometry",
        "audit plan --db {db} --out {folder}/b",
        "give the site config",
    ),
    Case("audit plan --samples 1", "audit plan --db {db} --samples 1 --out {folder}/c", "--samples"),
    Case("evaluate with NaN in the truth", "evaluate --gt {nangt} --tracks {nangt}", "row 2: 2, 1, nan"),
    Case("a key given twice", "process {clip} -c {twice} --db {db}", "line 5: key 'fps' is given twice"),
    Case("an id with a space", "process {clip} -c {spaced} --db {db}", "'north gate': use letters, digits"),
    Case("an in-memory store", "process {clip} -c {good} --db sqlite://", "in-memory store keeps nothing"),
    Case("sqlite :memory:", "export --db sqlite:///:memory: --out {out}", "in-memory store keeps nothing"),
    Case("import into no store", "import --db {here}/none.db", "not found: there is nothing kept"),
    Case(
        "run of nothing leaves no store",
        "run -c {nothing} --db {here}/fresh.db --out {folder}/o",
        "no recording could be processed",
        exit_code=1,
    ),
]


def onnx_model(path: Path, input_shape: list[int], output_shape: list[int]) -> Path:
    """A real ONNX graph of the given input and output shapes (a reshape, no weights)."""
    import onnx
    from onnx import TensorProto, helper

    shape = helper.make_tensor("shape", TensorProto.INT64, [len(output_shape)], output_shape)
    graph = helper.make_graph(
        [helper.make_node("Reshape", ["images", "shape"], ["output"])],
        "odd",
        [helper.make_tensor_value_info("images", TensorProto.FLOAT, input_shape)],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, output_shape)],
        initializer=[shape],
    )
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), path)
    return path


def made_store(path: Path) -> Path:
    """A crowdcount store with one recording and two crossings, written by the store itself."""
    store = EventStore(path)
    door = CounterInfo("gate", "door", "line")
    store.describe(SiteDescription("Asia/Seoul", {}, (CameraDescription("gate", (door,), {}),)))
    record = SourceRecord(
        "gate", "clip.avi", "done", START, START + timedelta(seconds=9), 10.0, 90, 1, "test"
    )
    events = [
        CountEvent("gate", "door", "cross", d, 1, START + timedelta(seconds=s), "clip.avi", 10 * s)
        for s, d in ((2, "in"), (5, "out"))
    ]  # type: ignore[arg-type]
    store.replace_source(record, events)
    store.engine.dispose()
    return path


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("bad")
    clip = folder / "clip.avi"
    writer = cv2.VideoWriter(str(clip), cv2.VideoWriter.fourcc(*"MJPG"), 10, (80, 60))
    for k in range(10):
        writer.write(np.full((60, 80, 3), 20 * k, np.uint8))
    writer.release()
    for name, data in CONFIGS.items():
        (folder / f"{name}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))
    for name, text in RAW_CONFIGS.items():
        (folder / f"{name}.yaml").write_text(text)
    foreign = folder / "foreign.db"
    other, newer = folder / "other.db", made_store(folder / "newer.db")
    for path, statement in (
        (foreign, "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)"),
        (other, "CREATE TABLE events (id INTEGER PRIMARY KEY, what TEXT)"),
        (newer, "UPDATE site SET value = '99' WHERE key = 'schema'"),
    ):
        with closing(sqlite3.connect(path)) as connection:  # closed now: a WAL store is checkpointed
            connection.execute(statement)
            connection.commit()
    (folder / "junk.pt").write_bytes(b"not a checkpoint")
    (folder / "junk.db").write_bytes(bytes(range(256)) * 20)  # a store file the disk mangled
    (folder / "nan.txt").write_text("1,1,10,10,20,40,1,1,1\n2,1,nan,10,20,40,1,1,1\n")
    (folder / "ir.xml").write_text("<net name='not a model'/>")
    (folder / "ir.bin").write_bytes(b"")
    (folder / "folder").mkdir()
    return {
        "clip": str(clip),
        "db": str(made_store(folder / "crowdcount.db")),
        "folder": str(folder / "folder"),
        "out": str(folder / "out" / "table.csv"),
        "port": str(free_port()),
        "flat": str(onnx_model(folder / "flat.onnx", [1, 3], [1, 3])),
        "odd": str(onnx_model(folder / "odd.onnx", [1, 3, 64, 64], [12288])),
        "foreign": str(foreign),
        "other": str(other),
        "newer": str(newer),
        "junk": str(folder / "junk.pt"),
        "ir": str(folder / "ir.xml"),
        **{name: str(folder / f"{name}.yaml") for name in [*CONFIGS, *RAW_CONFIGS]},
        "here": str(folder),
        "nangt": str(folder / "nan.txt"),
        "junkdb": str(folder / "junk.db"),
    }


def fingerprint(folder: Path) -> dict[str, str]:
    """SHA-256 of every database file in ``folder``, and the names of any side folders of kept counts."""
    databases = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.db"))}
    return databases | {p.name: "folder" for p in folder.glob("*.unsaved")}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_is_one_line_and_changes_nothing(case: Case, files: dict[str, str]) -> None:
    folder = Path(files["db"]).parent
    before = fingerprint(folder)
    result = crowdcount(*(arg.format(**files) for arg in shlex.split(case.command)), cwd=folder)
    shown = result.stdout + result.stderr
    assert result.returncode == case.exit_code, shown
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("crowdcount: error: "), shown
    if len(lines) > 1:  # a config's several problems: one line each, each naming the file
        assert lines[0].endswith("problems; fix each:"), shown
        assert all(line.startswith(f"  {lines[1].split()[0]}") for line in lines[1:]), shown
    assert case.fragment in result.stderr, result.stderr
    for forbidden in ("Traceback", "Warning", "❌", "╭", *case.hidden):
        assert forbidden not in shown, shown
    assert fingerprint(folder) == before, "the command changed a database"
    assert not Path(files["out"]).exists()
