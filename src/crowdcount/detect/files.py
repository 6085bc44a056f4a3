"""Model files on disk: what counts as one, their checksums, what kind of ONNX export a file is."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any


def model_sha256(path: str | Path) -> str:
    """SHA-256 of a model file (of every file inside, for an OpenVINO folder). A single file is read
    once per process while its size and modification time stay the same: choosing a model, its
    card, loading it and the run manifest all ask."""
    target = Path(path)
    if target.is_file():
        stat = target.stat()
        return _file_sha256(str(target.resolve()), stat.st_size, stat.st_mtime_ns)
    digest = hashlib.sha256()
    for file in sorted(target.rglob("*")):
        if file.is_file():
            hash_into(digest, file)
    return digest.hexdigest()


@cache
def _file_sha256(path: str, size: int, mtime_ns: int) -> str:
    """One file's SHA-256 (``size`` and ``mtime_ns`` key the cache: a changed file is read again)."""
    return file_sha256(Path(path))


def file_sha256(path: Path) -> str:
    """SHA-256 of one file."""
    digest = hashlib.sha256()
    hash_into(digest, path)
    return digest.hexdigest()


def hash_into(digest: Any, path: Path) -> None:
    """Feed one file to ``digest``, read in blocks."""
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)


def model_format(path: Path) -> str | None:
    """The one rule for what a model is, from its name alone (nothing is read): an ONNX file, an
    Ultralytics ``.pt``, an OpenVINO IR ``.xml`` with its ``.bin``, an Ultralytics OpenVINO folder,
    the scripted detector's ``.markers`` file; None for anything else."""
    if path.is_dir():
        return "Ultralytics OpenVINO" if path.name.endswith("_openvino_model") else None
    if not path.is_file():
        return None
    if path.suffix == ".xml":
        return "OpenVINO IR" if path.with_suffix(".bin").is_file() else None
    return {".onnx": "ONNX", ".pt": "Ultralytics .pt", ".markers": "markers (synthetic clips)"}.get(
        path.suffix
    )


def is_model_file(path: Path) -> bool:
    """Whether ``path`` is a model (:func:`model_format`)."""
    return model_format(path) is not None


def is_ultralytics_onnx(path: Path) -> bool:
    """Ultralytics ONNX exports carry their class names in the model metadata."""
    import onnxruntime as ort

    try:
        meta = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).get_modelmeta()
    except Exception:
        return False  # YoloxOnnxDetector reports the load error properly
    return "names" in meta.custom_metadata_map
