"""Shared fixtures: where the shared footage and model live, skipping cleanly without them."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import synthetic
from postgres import PostgresServer, postgres_bin

from helpers import SHORTFALL, crowdcount, free_port, wait_until

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("CROWDCOUNT_SHARED", ROOT.parent / "shared"))
PETS_DIR = SHARED / "footage" / "pets09_s2l1"
SAMPLE_VIDEO = (
    ROOT / "sample_videos" / "vtest.avi"
)  # the same clip from Debian's opencv-doc (make test puts it)
PETS_VIDEO = PETS_DIR / "vtest.avi" if (PETS_DIR / "vtest.avi").exists() else SAMPLE_VIDEO
PETS_GT = PETS_DIR / "gt" / "gt.txt"
YOLOX_MODEL = SHARED / "models" / "yolox_nano.onnx"
PEDESTRIAN_MODEL = (
    SHARED / "models" / "pedestrian" / "bytetrack_nano.onnx"
)  # counts well, non-commercial data
EMBEDDED_MODEL = (
    ROOT / "src" / "crowdcount" / "weights" / "person-detection-0303" / "person-detection-0303.xml"
)


def _need(path: Path) -> Path:
    if not path.exists():
        if path == SAMPLE_VIDEO:
            pytest.skip(f"{path} is absent: run scripts/get_sample_video.sh (make test does)")
        pytest.skip(f"{path} is absent: this test needs ../shared (or CROWDCOUNT_SHARED) beside the checkout")
    return path


def need_shared(relative: str) -> Path:
    """A file under ../shared, or a skip that says it is absent."""
    return _need(SHARED / relative)


@pytest.fixture(scope="session")
def pets_video() -> Path:
    return _need(PETS_VIDEO)


@pytest.fixture(scope="session")
def pets_gt() -> Path:
    return _need(PETS_GT)


@pytest.fixture(scope="session")
def default_model() -> Path:
    """The detector a run uses when none is named: the one embedded in the package."""
    return EMBEDDED_MODEL


@pytest.fixture(scope="session")
def pedestrian_model() -> Path:
    """ByteTrack's pedestrian YOLOX-nano (non-commercial training data; ../shared only)."""
    return _need(PEDESTRIAN_MODEL)


@pytest.fixture(scope="session")
def yolox_model() -> Path:
    return _need(YOLOX_MODEL)


CHROMIUM = Path("/usr/bin/chromium")


def _need_system_package(what: str, why: str) -> None:
    """Fail in CI (.ci/run installs Debian packages), skip elsewhere, saying what is missing."""
    if os.environ.get("CI"):
        pytest.fail(f"{what} is missing in CI; .ci/run installs it (scripts/ensure_debian_packages.sh)")
    pytest.skip(f"{what} is absent: {why}")


@pytest.fixture
def chromium() -> Path:
    """Debian's chromium for browser tests: required in CI (.ci/run installs it), else skipped."""
    if not CHROMIUM.exists():
        _need_system_package(str(CHROMIUM), "install Debian's chromium to run the browser test")
    return CHROMIUM


SOFFICE = Path("/usr/bin/soffice")


@pytest.fixture
def soffice() -> Path:
    """Debian's LibreOffice (Calc) to print a workbook as an office would: required in CI, else skipped."""
    if not SOFFICE.exists():
        _need_system_package(str(SOFFICE), "install Debian's libreoffice-calc-nogui to print the workbook")
    return SOFFICE


MOSQUITTO = Path("/usr/sbin/mosquitto")


@pytest.fixture(scope="session")
def mqtt_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """Debian's mosquitto on loopback for the whole run (required in CI, else skipped): its port."""
    if not MOSQUITTO.exists():
        _need_system_package(str(MOSQUITTO), "install Debian's mosquitto to test MQTT publishing")
    port = free_port()
    config = tmp_path_factory.mktemp("mqtt") / "mosquitto.conf"
    config.write_text(f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n")
    broker = subprocess.Popen(
        [str(MOSQUITTO), "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )
    wait_until(lambda: broker.poll() is not None or _listening(port), 20, "the MQTT broker")
    assert broker.poll() is None, "mosquitto did not start"
    yield port
    broker.terminate()
    broker.wait(10)


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 256 KB tmpfs (a disk that fills up): its mount point. Needs root, as in CI; else skipped."""
    folder = tmp_path / "small-disk"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(folder)], capture_output=True, text=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs to fill ({mounted.stderr.strip()}): run the tests as root")
    yield folder
    subprocess.run(["umount", "-l", str(folder)], check=False)


def fill(disk: Path, leave: int) -> None:
    """Fill ``disk`` until only about ``leave`` bytes are free."""
    free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
    (disk / "filler").write_bytes(b"\0" * max(free - leave, 0))


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """Debian's PostgreSQL on loopback for the whole test run (required in CI, else skipped)."""
    bin_dir = postgres_bin()
    if bin_dir is None:
        _need_system_package("PostgreSQL", "install Debian's postgresql to test the PostgreSQL store")
        return
    server = PostgresServer(bin_dir).start()
    yield server
    server.stop()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> str:
    """A fresh, empty database on the test server, as a postgresql:// URL."""
    return postgres_server.create_database()


EXAMPLE_CONFIG = ROOT / "examples" / "pets09.yaml"


@pytest.fixture(scope="session")
def processed_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store made by the real CLI from the whole PETS clip with the default (embedded) detector, its
    tracks beside it in tracks.txt and what it printed (with no terminal: progress lines every 2 s) in
    process.log (once per test run; do not modify)."""
    _need(PETS_VIDEO)
    db = tmp_path_factory.mktemp("processed") / "crowdcount.db"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "crowdcount",
            "process",
            str(PETS_VIDEO),
            "--config",
            str(EXAMPLE_CONFIG),
            "--db",
            str(db),
            "--save-tracks",
            str(db.parent / "tracks.txt"),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "CROWDCOUNT_PROGRESS_EVERY_S": "2"},
    )
    assert result.returncode == 0, result.stderr
    (db.parent / "process.log").write_text(result.stdout)
    return db


@pytest.fixture(scope="session")
def model(default_model: Path) -> str:
    """The model the batch, live and fault tests count with: the embedded default (needs nothing of ours)."""
    return str(default_model)


@pytest.fixture(scope="session")
def archive(tmp_path_factory: pytest.TempPathFactory, pets_video: Path) -> Path:
    """The sample archive of scripts/make_sample_archive.py and its site config (do not modify)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from make_sample_archive import build_archive

    folder = tmp_path_factory.mktemp("site")
    build_archive(pets_video, folder / "archive")
    config = (ROOT / "examples" / "archive.yaml").read_text().replace("../sample_videos/archive", "archive")
    (folder / "site.yaml").write_text(config)
    return folder / "site.yaml"


@pytest.fixture(scope="session")
def reference(tmp_path_factory: pytest.TempPathFactory, archive: Path, model: str) -> Path:
    """One uninterrupted local run of the archive, on two worker processes (do not modify); what it
    printed is in run.log."""
    out = tmp_path_factory.mktemp("reference")
    result = crowdcount("run", "--config", archive, "--out", out, "--model", model, "--workers", 2)
    assert result.returncode == SHORTFALL, result.stderr
    (out / "run.log").write_text(result.stdout + result.stderr)
    return out


@dataclass(frozen=True)
class SyntheticSite:
    """A site of synthetic recordings (tests/synthetic.py), the scripted detector's model and what
    the site's lines should count, per (camera, direction)."""

    config: Path
    model: Path
    crossings: list[synthetic.Crossing]

    @property
    def truth(self) -> Counter[tuple[str, str]]:
        return Counter((c.camera, c.direction) for c in self.crossings)


@pytest.fixture(scope="session")
def synthetic_site(tmp_path_factory: pytest.TempPathFactory) -> SyntheticSite:
    """Two cameras of synthetic recordings (no model or footage needed; do not modify)."""
    folder = tmp_path_factory.mktemp("synthetic")
    config, truth = synthetic.site(folder, synthetic.SITE)
    return SyntheticSite(config, synthetic.markers_model(folder), truth)


@pytest.fixture(scope="session")
def synthetic_run(tmp_path_factory: pytest.TempPathFactory, synthetic_site: SyntheticSite) -> Path:
    """One local run of the synthetic site on two worker processes (do not modify)."""
    out = tmp_path_factory.mktemp("synthetic-run")
    site = synthetic_site
    result = crowdcount("run", "--config", site.config, "--out", out, "--model", site.model, "--workers", 2)
    assert result.returncode == 0, result.stderr
    return out
