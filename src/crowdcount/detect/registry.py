"""Models managed like packages: the person detectors crowdcount knows by name, where each comes
from (its official URL and checksums), the one embedded in the package, and the user's model cache.

Nothing here downloads unless :func:`fetch` is called (``crowdcount models get``). A model in the
cache is used only once every file of it is there and matches its checksum; files arrive under a
``.part`` name and are renamed only after their checksum is verified, so nothing half-written is
ever loaded.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from crowdcount.detect.cards import (
    COCO_NANO,
    PEDESTRIAN_NANO,
    PERSON_0202,
    PERSON_0303,
    RETAIL_0013,
)
from crowdcount.detect.files import file_sha256
from crowdcount.errors import CrowdcountError

CACHE_ENV = "CROWDCOUNT_CACHE"  # the model cache's folder (default: the user's cache folder)
MIRROR_ENV = "CROWDCOUNT_MODEL_MIRROR"  # a URL that serves the files by name, in place of their official URLs
OMZ = "https://storage.openvinotoolkit.org/repositories/open_model_zoo"


@dataclass(frozen=True)
class ModelFile:
    """One file of a known model: its name, SHA-256 and official URL (None: not to be had online)."""

    name: str
    sha256: str
    url: str | None = None


@dataclass(frozen=True)
class KnownModel:
    """A person detector known by name; its first file is the one loaded, its card is
    :data:`crowdcount.detect.cards.BUILT_IN` under that file's checksum."""

    name: str
    files: tuple[ModelFile, ...]
    embedded: bool = False  # inside the package: needs no download


def _omz(name: str, release: str, precision: str, xml: str, weights: str) -> tuple[ModelFile, ...]:
    base = f"{OMZ}/{release}/{name}/{precision}/{name}"
    return ModelFile(f"{name}.xml", xml, f"{base}.xml"), ModelFile(f"{name}.bin", weights, f"{base}.bin")


DEFAULT_MODEL = "person-detection-0303"
KNOWN: dict[str, KnownModel] = {
    model.name: model
    for model in (
        KnownModel(
            DEFAULT_MODEL,
            _omz(
                DEFAULT_MODEL,
                "2022.3/models_bin/1",
                "FP16-INT8",
                PERSON_0303,
                "9809e687974e4e16e2b9c514d816e8a0f9d2bc36d694ea8e4917aa25587a600c",
            ),
            embedded=True,
        ),
        KnownModel(
            "person-detection-0202",
            _omz(
                "person-detection-0202",
                "2021.4/models_bin/3",
                "FP16",
                PERSON_0202,
                "c82526a14d4c3c2d4c04e06e1173f573374fb5a2a97393b926f96adbff7b345b",
            ),
        ),
        KnownModel(
            "person-detection-retail-0013",
            _omz(
                "person-detection-retail-0013",
                "2021.4/models_bin/3",
                "FP32",
                RETAIL_0013,
                "f3731a76de6a26ef7f380a08831bc13d74fc1e6ae774fd9ea30267a487084f2c",
            ),
        ),
        KnownModel(
            "yolox-nano",
            (
                ModelFile(
                    "yolox_nano.onnx",
                    COCO_NANO,
                    "https://github.com/Megvii-BaseDetection/YOLOX/releases/download/0.1.1rc0/yolox_nano.onnx",
                ),
            ),
        ),
        # ByteTrack publishes no ONNX file: carried in with `models add` (non-commercial training data)
        KnownModel("bytetrack-nano", (ModelFile("bytetrack_nano.onnx", PEDESTRIAN_NANO),)),
    )
}


def cache_folder() -> Path:
    """The user's model cache: ``$CROWDCOUNT_CACHE``, else the platform's cache folder (on Linux
    ``$XDG_CACHE_HOME/crowdcount/models``, ``~/.cache/crowdcount/models``)."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV]).expanduser()
    return user_cache() / "models"


def user_cache() -> Path:
    """crowdcount's folder in the user's cache (on Linux ``$XDG_CACHE_HOME/crowdcount``,
    ``~/.cache/crowdcount``): the model cache and OpenVINO's compiled models."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("crowdcount"))


def embedded_path(model: KnownModel) -> Path:
    """Where an embedded model's first file lies inside the installed package."""
    return Path(str(resources.files("crowdcount") / "weights" / model.name / model.files[0].name))


def model_state(model: KnownModel, folder: Path) -> str:
    """``verified`` (every file there with its checksum), ``missing`` (none there), ``incomplete``
    or ``modified`` (a file there does not match its checksum)."""
    present = [(folder / f.name, f) for f in model.files if (folder / f.name).is_file()]
    if not present:
        return "missing"
    if any(file_sha256(path) != known.sha256 for path, known in present):
        return "modified"
    return "verified" if len(present) == len(model.files) else "incomplete"


def installed_path(model: KnownModel) -> Path | None:
    """The file to load for ``model``: embedded, or in the cache with every file verified."""
    if model.embedded:
        return embedded_path(model)
    folder = cache_folder() / model.name
    return folder / model.files[0].name if model_state(model, folder) == "verified" else None


def known_model(name: str) -> KnownModel | None:
    """The known model of this name (``_`` and case ignored: ``person_detection_0202`` too)."""
    return KNOWN.get(name.strip().lower().replace("_", "-"))


def source_url(file: ModelFile, mirror: str | None = None) -> str | None:
    """Where ``file`` is downloaded from: ``mirror`` (or ``$CROWDCOUNT_MODEL_MIRROR``) + its name,
    else its official URL."""
    base = mirror or os.environ.get(MIRROR_ENV)
    return f"{base.rstrip('/')}/{file.name}" if base else file.url


Progress = Callable[[str, int, int | None], None]  # file name, bytes so far, bytes in all (None: unknown)


def fetch(model: KnownModel, mirror: str | None = None, progress: Progress | None = None) -> Path:
    """Download ``model``'s files into the cache (resuming a ``.part`` left by a stopped transfer),
    each checked against its SHA-256 before it is renamed into place; the file to load. Raises a
    one-line :class:`CrowdcountError` offline, on a stopped transfer (the part is kept to resume) or
    a wrong checksum (the part is removed)."""
    if model.embedded:
        return embedded_path(model)
    folder = cache_folder() / model.name
    for file in model.files:
        url = source_url(file, mirror)
        if url is None:
            raise CrowdcountError(
                f"model {model.name}: {file.name} has no official download; copy it in from where you got it "
                f"with 'crowdcount models add {file.name}'"
            )
        target = folder / file.name
        if target.is_file() and file_sha256(target) == file.sha256:
            continue
        try:
            _download(url, target, file.sha256, progress)
        except _Unreachable as error:
            names = " ".join(f.name for f in model.files)
            raise CrowdcountError(
                f"cannot reach {error}: is this machine offline? download {names} on a machine that is "
                f"online (from {file.url or 'where you got them'}) and import them here with "
                f"'crowdcount models add {names}'"
            ) from None
    return folder / model.files[0].name


def download_file(url: str, target: Path, sha256: str, progress: Progress | None, offline: str) -> None:
    """One file downloaded to ``target`` as ``models get`` does (resumed, verified, renamed into place);
    ``offline``: what to do instead, said in the one-line error when the server cannot be reached."""
    try:
        _download(url, target, sha256, progress)
    except _Unreachable as error:
        raise CrowdcountError(f"cannot reach {error}: is this machine offline? {offline}") from None


class _Unreachable(Exception):
    """The server could not be reached (its host and the reason are the message)."""


def _download(url: str, target: Path, sha256: str, progress: Progress | None) -> None:
    """One file to ``target`` through ``target.part``: resumed where it stopped, verified, renamed."""
    import http.client
    import urllib.error
    import urllib.parse
    import urllib.request

    part = target.with_name(target.name + ".part")
    have = part.stat().st_size if part.is_file() else 0
    request = urllib.request.Request(url, headers={"Range": f"bytes={have}-"} if have else {})
    host = urllib.parse.urlparse(url).netloc or url
    try:
        response = urllib.request.urlopen(request, timeout=30)
    except urllib.error.HTTPError as error:
        if error.code == 416 and have:  # asked past the end: the part is whole or wrong; check it
            response = None
        else:
            raise CrowdcountError(f"{url}: the server answered {error.code} {error.reason}") from None
    except (urllib.error.URLError, OSError) as error:
        raise _Unreachable(f"{host} ({getattr(error, 'reason', error)})") from None
    target.parent.mkdir(parents=True, exist_ok=True)
    if response is not None:
        with response:
            resumed = response.status == 206
            offset = have if resumed else 0
            length = response.headers.get("Content-Length")
            total = offset + int(length) if length and length.isdigit() else None
            received = offset
            try:
                with part.open("ab" if resumed else "wb") as handle:
                    for block in iter(lambda: response.read(1 << 16), b""):
                        handle.write(block)
                        received += len(block)
                        if progress:
                            progress(target.name, received, total)
            except (OSError, ValueError, http.client.HTTPException) as error:  # the connection broke mid-way
                raise CrowdcountError(
                    f"{url}: the transfer stopped after {received} bytes ({error}); run the same command "
                    "again to resume"
                ) from None
            if total is not None and received < total:
                raise CrowdcountError(
                    f"{url}: the transfer stopped after {received} of {total} bytes; run the same command "
                    "again to resume"
                )
    got = file_sha256(part)
    if got != sha256:
        part.unlink()
        raise CrowdcountError(
            f"{url}: checksum mismatch for {target.name} (sha256 {got[:12]}..., expected {sha256[:12]}...); "
            "the download was removed and nothing was installed: try again, or check the mirror"
        )
    os.replace(part, target)


@dataclass(frozen=True)
class Added:
    """A file ``models add`` took in: where it went and the model it belongs to."""

    source: Path
    target: Path
    model: str
    known: bool


def add_files(files: list[Path], card: Path | None = None) -> list[Added]:
    """Copy model files carried in (a USB stick on an air-gapped site) into the cache: a file whose
    checksum a known model lists goes to that model's folder; any other is taken only with a
    ``card`` (it goes to a folder named after it, with the card beside it). Every file is checked
    before anything is copied, and each is written under a temporary name, then renamed."""
    by_hash = {f.sha256: (model, f) for model in KNOWN.values() for f in model.files}
    plan: list[tuple[Path, Path, str, bool]] = []
    for path in files:
        if not path.is_file():
            raise CrowdcountError(f"{path}: no such file")
        found = by_hash.get(file_sha256(path))
        if found is not None:
            model, known = found
            plan.append((path, cache_folder() / model.name / known.name, model.name, True))
        elif card is not None:
            name = path.stem if path.suffix != ".bin" else path.with_suffix("").name
            plan.append((path, cache_folder() / name / path.name, name, False))
        else:
            raise CrowdcountError(
                f"{path}: not a file of any model crowdcount knows (sha256 {file_sha256(path)[:12]}...); "
                "to use it anyway, give its model card with --card CARD.yaml (models/README.md)"
            )
    if card is not None:
        from crowdcount.detect.cards import card_path, read_card

        read_card(card)  # a bad card fails before anything is copied
        weights = [t for _, t, _, is_known in plan if not is_known and t.suffix != ".bin"]
        plan += [(card, card_path(t), t.parent.name, False) for t in weights]
    added = []
    for source, target, name, is_known in plan:
        _copy_atomically(source, target)
        added.append(Added(source, target, name, is_known))
    return added


def _copy_atomically(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    os.close(handle)
    try:
        shutil.copyfile(source, temporary)
        os.replace(temporary, target)
    finally:
        Path(temporary).unlink(missing_ok=True)


def cached_models() -> Iterator[tuple[str, Path]]:
    """The folders of the model cache: (name, folder)."""
    root = cache_folder()
    if root.is_dir():
        for folder in sorted(p for p in root.iterdir() if p.is_dir()):
            yield folder.name, folder
