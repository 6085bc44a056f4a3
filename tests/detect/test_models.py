"""Models managed like packages: the embedded default, `models get` against a real HTTP server on
loopback (a wrong checksum, a truncated transfer, a server that stops mid-way), `models add`, `models
list`, and which model a run uses when none is named."""

from __future__ import annotations

from pathlib import Path

import cv2
import pytest

from conftest import SHARED
from crowdcount.detect.cards import card_for
from crowdcount.detect.files import file_sha256
from crowdcount.detect.load import load_detector
from crowdcount.detect.models import ModelChoice, resolve_model
from crowdcount.detect.registry import (
    DEFAULT_MODEL,
    KNOWN,
    KnownModel,
    ModelFile,
    add_files,
    embedded_path,
    fetch,
    installed_path,
)
from crowdcount.errors import CrowdcountError
from helpers import FileServer, crowdcount, free_port

EMBEDDED = embedded_path(KNOWN[DEFAULT_MODEL])
INTEL_0202 = SHARED / "models" / "intel" / "person-detection-0202"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("CROWDCOUNT_CACHE", str(folder))
    return folder


@pytest.fixture
def served_model(monkeypatch: pytest.MonkeyPatch) -> tuple[KnownModel, dict[str, bytes]]:
    """A known model that is not embedded, made of the embedded detector's two real files."""
    files = {p.name: p.read_bytes() for p in (EMBEDDED, EMBEDDED.with_suffix(".bin"))}
    model = KnownModel(
        "served-0303", tuple(ModelFile(name, file_sha256(EMBEDDED.parent / name)) for name in files)
    )
    monkeypatch.setitem(KNOWN, model.name, model)
    return model, files


@pytest.fixture(scope="module")
def pets_frame(pets_video: Path):
    """The first frame of PETS S2.L1 (six people walk in it)."""
    ok, image = cv2.VideoCapture(str(pets_video)).read()
    assert ok, f"cannot read {pets_video}"
    return image


def test_the_embedded_default_is_licence_clean_and_finds_people_on_a_real_frame(pets_frame):
    card = card_for(EMBEDDED)
    assert card is not None and card.licence_clean and "Apache-2.0" in card.licence
    for name in ("LICENSE", "PROVENANCE.md"):
        assert (EMBEDDED.parent / name).is_file(), f"the embedded model ships without its {name}"
    assert installed_path(KNOWN[DEFAULT_MODEL]) == EMBEDDED
    found = load_detector(ModelChoice(str(EMBEDDED), "test")).detect(pets_frame)
    assert 4 <= len(found) <= 9  # six people walk in this frame


def test_get_downloads_verifies_and_places_each_file(cache, served_model):
    model, files = served_model
    seen: list[int] = []
    with FileServer(files).running() as server:
        path = fetch(model, server.url, lambda name, done, total: seen.append(done))
    assert path == cache / model.name / EMBEDDED.name and installed_path(model) == path
    assert sorted(p.name for p in path.parent.iterdir()) == sorted(files)  # no .part left
    assert seen and seen[-1] == len(files[EMBEDDED.with_suffix(".bin").name])


def test_a_wrong_checksum_installs_nothing(cache, served_model):
    model, files = served_model
    with FileServer(files, fault="wrong").running() as server, pytest.raises(CrowdcountError) as error:
        fetch(model, server.url)
    assert "checksum mismatch" in str(error.value) and "\n" not in str(error.value)
    assert installed_path(model) is None
    assert not [p for p in (cache / model.name).iterdir()]  # neither the file nor its part


def test_a_truncated_transfer_is_never_used_and_resumes(cache, served_model):
    model, files = served_model
    with FileServer(files, fault="truncated").running() as server, pytest.raises(CrowdcountError) as error:
        fetch(model, server.url)
    assert "run the same command again to resume" in str(error.value)
    assert installed_path(model) is None
    assert [p.name for p in (cache / model.name).iterdir()] == [EMBEDDED.name + ".part"]
    with FileServer(files).running() as server:
        fetch(model, server.url)
    assert server.ranges[0] == f"bytes={len(files[EMBEDDED.name]) // 2}-"  # resumed where it stopped
    assert installed_path(model) is not None


def test_a_server_that_stops_mid_way_leaves_nothing_usable_and_the_next_get_resumes(cache, served_model):
    model, files = served_model
    port = free_port()
    with (
        FileServer(files, port, fault="stop", stop_after=100_000).running() as server,
        pytest.raises(CrowdcountError),
    ):
        fetch(model, server.url)
    assert installed_path(model) is None
    with pytest.raises(CrowdcountError) as error:  # the server is gone: one line, nothing changed
        fetch(model, f"http://127.0.0.1:{port}")
    assert "cannot reach 127.0.0.1" in str(error.value) and "models add" in str(error.value)
    with FileServer(files, port).running() as server:
        path = fetch(model, server.url)
    assert server.ranges[0] == "bytes=100000-"
    assert file_sha256(path) == file_sha256(EMBEDDED)


def test_models_get_and_list_on_the_command_line(tmp_path, cache, pets_frame):
    files = {p.name: p.read_bytes() for p in sorted(INTEL_0202.glob("*"))} if INTEL_0202.is_dir() else {}
    if not files:
        pytest.skip(
            f"{INTEL_0202} is absent: this test needs ../shared (or CROWDCOUNT_SHARED) beside the checkout"
        )
    env = {"CROWDCOUNT_CACHE": str(cache), "PATH": "/usr/bin:/bin"}
    offline = crowdcount(
        "models", "get", "person-detection-0202", "--from", f"http://127.0.0.1:{free_port()}", env=env
    )
    assert offline.returncode == 2 and offline.stderr.count("\n") == 1, offline.stderr
    assert "cannot reach" in offline.stderr and "models add" in offline.stderr
    with FileServer(files).running() as server:
        got = crowdcount("models", "get", "person-detection-0202", "--from", server.url, env=env)
    assert got.returncode == 0, got.stderr
    listed = crowdcount("models", "list", env=env)
    assert "person-detection-0202  cache  checksum: verified" in listed.stdout
    assert "person-detection-0303  embedded  checksum: verified  (the default)" in listed.stdout
    assert "Intel's own images" in listed.stdout
    chosen = resolve_model("person-detection-0202")
    assert Path(chosen.reference) == cache / "person-detection-0202" / "person-detection-0202.xml"
    assert len(load_detector(chosen).detect(pets_frame)) >= 4


def test_models_add_takes_known_files_by_checksum_and_others_only_with_a_card(tmp_path, cache):
    stick = tmp_path / "usb"
    stick.mkdir()
    for path in (EMBEDDED, EMBEDDED.with_suffix(".bin")):
        (stick / f"copy-{path.name}").write_bytes(path.read_bytes())  # renamed on the way: found by checksum
    added = add_files(sorted(stick.iterdir()))
    assert {(a.model, a.target.name) for a in added} == {
        (DEFAULT_MODEL, EMBEDDED.name),
        (DEFAULT_MODEL, EMBEDDED.with_suffix(".bin").name),
    }
    stranger = tmp_path / "city_model.onnx"
    stranger.write_bytes(b"not a known model")
    refused = crowdcount(
        "models", "add", stranger, env={"CROWDCOUNT_CACHE": str(cache), "PATH": "/usr/bin:/bin"}
    )
    assert refused.returncode == 2 and "--card" in refused.stderr and refused.stderr.count("\n") == 1
    assert not (cache / "city_model").exists()
    card = tmp_path / "card.yaml"
    card.write_text("name: the city's own detector\nlicence: Apache-2.0\n")
    [weights, card_copy] = add_files([stranger], card)
    assert weights.target == cache / "city_model" / "city_model.onnx"
    assert card_copy.target.name == "city_model.onnx.card.yaml"


def test_with_nothing_named_a_run_uses_the_embedded_model_and_passes_over_non_commercial_ones(
    tmp_path, monkeypatch
):
    folder = tmp_path / "models"
    folder.mkdir()
    pedestrian = SHARED / "models" / "pedestrian" / "bytetrack_nano.onnx"
    if not pedestrian.is_file():
        pytest.skip(f"{pedestrian} is absent: this test needs ../shared beside the checkout")
    (folder / "bytetrack_nano.onnx").symlink_to(pedestrian)
    monkeypatch.setenv("CROWDCOUNT_MODEL_DIR", str(folder))
    monkeypatch.delenv("CROWDCOUNT_MODEL", raising=False)
    chosen = resolve_model()
    assert Path(chosen.reference) == EMBEDDED and chosen.how == "embedded default"
    assert len(chosen.passed_over) == 1 and "non-commercial" in chosen.passed_over[0]
    named = resolve_model("bytetrack-nano")  # by its registry name: found in the folder by checksum
    assert Path(named.reference) == folder / "bytetrack_nano.onnx"
    (folder / "bytetrack_nano.onnx.card.yaml").write_text("name: relabelled\nlicence: Apache-2.0\n")
    assert resolve_model().reference == str(folder / "bytetrack_nano.onnx")  # a card the user wrote wins


def test_an_unknown_model_name_is_one_line_naming_the_known_ones():
    with pytest.raises(CrowdcountError) as error:
        resolve_model("yolo11n.pt")  # no longer downloaded behind the user's back
    assert "person-detection-0303" in str(error.value) and "\n" not in str(error.value)


def test_a_damaged_model_in_the_model_folder_is_passed_over_not_fatal(tmp_path, monkeypatch):
    folder = tmp_path / "models"
    folder.mkdir()
    (folder / "odd.onnx").write_bytes(b"not a graph")
    (folder / "odd.onnx.card.yaml").write_text("name: odd\nlicense: MIT\n")  # a misspelt key
    monkeypatch.setenv("CROWDCOUNT_MODEL_DIR", str(folder))
    monkeypatch.delenv("CROWDCOUNT_MODEL", raising=False)
    chosen = resolve_model()
    assert Path(chosen.reference) == EMBEDDED  # every run still counts, with the embedded model
    assert len(chosen.passed_over) == 1 and "unknown key 'license'" in chosen.passed_over[0]
    listed = crowdcount("models", "list", "--dir", folder)
    assert listed.returncode == 0 and "unknown key" in " ".join(listed.stdout.split()), listed.stderr
