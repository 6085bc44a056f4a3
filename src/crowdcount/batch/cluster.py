"""``crowdcount run --ray``: the per-file task (:func:`~crowdcount.batch.recording.count_recording`) as
Ray tasks, on a local Ray instance or a cluster.

The driver (``crowdcount run --ray``) plans the files, skips those already done, and submits one
Ray task per recording. The model travels once through Ray's object store and is unpacked into
each node's temp folder; the recordings are read by path, so every node must see them at the same
path (shared storage). Each task returns the file's events and gaps and the driver commits them,
one file per transaction, exactly as the local runner does.
"""

from __future__ import annotations

import shutil
import socket
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from crowdcount.batch.recording import FileOutcome, Recording, RunOptions, count_recording
from crowdcount.config import CameraConfig, CountingSettings
from crowdcount.detect.base import Detector
from crowdcount.detect.files import model_sha256
from crowdcount.detect.models import ModelChoice
from crowdcount.errors import CrowdcountError, first_line

RETRIES = 2  # a file whose worker dies is tried again this many times, then reported as failed
LOCAL = "local"  # --ray without an address: start a Ray instance on this machine
INSTALL_HINT = "install it with: pip install 'crowdcount[cluster]'"


@dataclass(frozen=True)
class ShippedModel:
    """A model's files (a file with its companions, or an Ultralytics OpenVINO folder), sent to the
    workers by value."""

    name: str
    digest: str  # model_sha256 of the model, as in the run manifest
    files: dict[str, bytes]  # path relative to the model folder (to the file's folder for a file) -> content
    folder: bool = True  # an Ultralytics OpenVINO folder; else ``name`` is the file loaded


def pack_model(choice: ModelChoice) -> ShippedModel:
    """Read a model file or folder into memory, with a digest that names it on the workers."""
    from crowdcount.detect.cards import card_path

    root = Path(choice.reference)
    if root.is_dir():
        files = {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
        return ShippedModel(root.name, model_sha256(root), files)
    companions = [root.with_suffix(".bin")] if root.suffix == ".xml" else []  # OpenVINO IR's weights
    members = [root, *companions, card_path(root)]
    files = {p.name: p.read_bytes() for p in members if p.is_file()}
    return ShippedModel(root.name, model_sha256(root), files, folder=False)


def unpack_model(model: ShippedModel, folder: Path) -> Path:
    """Write the model under ``folder/<digest>/`` once per node; the path to load it from."""
    target = folder / model.digest / model.name
    if target.exists():
        return target
    folder.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".unpack-", dir=folder))
    for relative, content in model.files.items():
        member = staging / model.name / relative if model.folder else staging / relative
        member.parent.mkdir(parents=True, exist_ok=True)
        member.write_bytes(content)
    try:
        staging.rename(folder / model.digest)  # atomic: tasks on one node may unpack at once
    except OSError:  # another task got there first
        shutil.rmtree(staging, ignore_errors=True)
        if not target.exists():
            raise
    return target


_detectors: dict[tuple[str, RunOptions], Detector] = {}  # per worker process: loaded once, reused


def count_file(
    model: ShippedModel,
    options: RunOptions,
    recording: Recording,
    camera: CameraConfig,
    settings: CountingSettings,
) -> FileOutcome:
    """The Ray task: count one recording with one core."""
    path = unpack_model(model, Path(tempfile.gettempdir()) / "crowdcount-models")
    spec = replace(options.detector, model=ModelChoice(str(path), options.detector.model.how))
    options = replace(options, detector=spec)
    key = (model.digest, options)
    if key not in _detectors:
        _detectors[key] = spec.load(threads=1, parallel=False)
    return count_recording(recording, camera, settings, _detectors[key], options)


def connect(address: str) -> str:
    """Start a local Ray instance (``address`` "local") or join the cluster at ``address``."""
    try:
        import ray
    except ImportError:
        raise CrowdcountError(f"counting on Ray needs Ray, which is not installed; {INSTALL_HINT}") from None
    settings: dict[str, Any] = {"log_to_driver": False, "logging_level": "ERROR", "include_dashboard": False}
    if address not in (LOCAL, "auto") and not address.startswith("ray://"):
        check_reachable(address)  # Ray itself retries an absent head for minutes
    if not ray.is_initialized():
        try:
            if address == LOCAL:  # a new instance, even where `ray start` runs a cluster
                settings["object_store_memory"] = 256 * 2**20
            ray.init(address=address, **settings)
        except (ConnectionError, RuntimeError, ValueError) as error:
            reason = first_line(error)
            raise CrowdcountError(f"Ray {address}: cannot start or join Ray ({reason})") from None
    nodes = [node for node in ray.nodes() if node.get("Alive")]
    return f"{ray.cluster_resources().get('CPU', 0):g} CPUs on {len(nodes)} node(s)"


def check_reachable(address: str, timeout_s: float = 5.0) -> None:
    """Fail fast, in one line, when nothing listens at a ``HOST:PORT`` cluster address."""
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise CrowdcountError(f"Ray {address}: give the head node's HOST:PORT (e.g. 10.0.0.5:6379) or auto")
    try:
        socket.create_connection((host, int(port)), timeout=timeout_s).close()
    except OSError as error:
        raise CrowdcountError(
            f"Ray {address}: no Ray head answers there ({error.strerror or error}); "
            "start one with 'ray start --head --port=6379'"
        ) from None


def count_on_ray(
    todo: list[tuple[CameraConfig, Recording, CountingSettings]],
    options: RunOptions,
    model: ShippedModel,
    save: Callable[[FileOutcome], None],
) -> Iterator[FileOutcome]:
    """Count ``todo`` as Ray tasks, one per file; ``save`` each file as it comes back."""
    import ray

    task = ray.remote(num_cpus=1, max_retries=RETRIES)(count_file)
    model_ref = ray.put(model)
    submitted = {}
    for camera, recording, settings in todo:
        submitted[task.remote(model_ref, options, recording, camera, settings)] = (camera, recording)
    pending = list(submitted)
    try:
        while pending:
            done, pending = ray.wait(pending, num_returns=1)
            camera, recording = submitted[done[0]]
            try:
                outcome = ray.get(done[0])
            except ray.exceptions.RayError as error:
                outcome = FileOutcome(camera.id, str(recording.path), "failed", _ray_failure(error))
            save(outcome)
            yield outcome
    except KeyboardInterrupt:
        for ref in pending:
            camera, recording = submitted[ref]
            stopped = "stopped by Ctrl-C before it finished; nothing stored, run again to count it"
            save(FileOutcome(camera.id, str(recording.path), "interrupted", stopped))
    finally:
        for ref in pending:  # Ctrl-C or an error in the driver: stop what is still running
            ray.cancel(ref, force=True)


def _ray_failure(error: Exception) -> str:
    """One line for a task that failed: its own error, or the worker that kept dying."""
    import ray

    if isinstance(error, ray.exceptions.RayTaskError):
        return first_line(error.cause)
    return f"its worker died {RETRIES + 1} times ({type(error).__name__})"
