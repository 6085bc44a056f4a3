"""Choosing the model to count with: named by path or registry name, else a licence-clean one
found in a model folder, else the embedded default."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from crowdcount.detect.cards import BUILT_IN, ModelCard, card_for, card_path
from crowdcount.detect.files import (
    file_sha256,
    is_model_file,
    is_ultralytics_onnx,
    model_format,
    model_sha256,
)
from crowdcount.detect.registry import (
    DEFAULT_MODEL,
    KNOWN,
    cache_folder,
    cached_models,
    embedded_path,
    installed_path,
    known_model,
    model_state,
)
from crowdcount.errors import CrowdcountError

if TYPE_CHECKING:
    pass


MODEL_ENV = "CROWDCOUNT_MODEL"


MODEL_DIR_ENV = "CROWDCOUNT_MODEL_DIR"


@dataclass(frozen=True)
class ModelChoice:
    """A model to load: a file on disk, where it came from, and the models found but not chosen."""

    reference: str
    how: str  # where it came from, for the user
    passed_over: tuple[str, ...] = ()  # found in a folder, not licence-clean: used only when named


def model_folders() -> list[Path]:
    """Where models are looked for when none is named: ``$CROWDCOUNT_MODEL_DIR``, then ``./models``."""
    return [Path(d) for d in [os.environ.get(MODEL_DIR_ENV)] if d] + [Path("models")]


def resolve_model(
    explicit: str | None = None, configured: str | None = None, explicit_from: str = "the model argument"
) -> ModelChoice:
    """The model to count with: ``explicit`` (the CLI's ``--model``: ``explicit_from`` names it in
    messages) > ``CROWDCOUNT_MODEL`` > config ``detector.model``, each a path or a registry name
    (``crowdcount models``); with none named, a licence-clean model its user described with a card in
    ``$CROWDCOUNT_MODEL_DIR`` or ``./models``, else the embedded default. Other models found there are
    used only when named: ``passed_over`` lists them."""
    for value, how in (
        (explicit, explicit_from),
        (os.environ.get(MODEL_ENV), MODEL_ENV),
        (configured, "config detector.model"),
    ):
        if value:
            return _named_model(value, how)

    found = find_models(model_folders())
    clean = [m for m in found if m.card is not None and m.card.licence_clean]
    unknown = "no model card: licence unknown"
    passed_over = tuple(
        f"{m.path} ({m.problem or (m.card.data_terms or m.card.licence if m.card else unknown)})"
        for m in found
        if m not in clean
    )
    described = [m for m in clean if card_path(m.path).is_file()]
    if described:
        return ModelChoice(str(described[0].path), f"found in {described[0].path.parent}/", passed_over)
    return ModelChoice(str(embedded_path(KNOWN[DEFAULT_MODEL])), "embedded default", passed_over)


def _named_model(value: str, how: str) -> ModelChoice:
    """A model named by path or registry name; a one-line error saying how to get it when absent."""

    path = Path(value).expanduser()
    if path.exists():
        if not is_model_file(path):
            raise CrowdcountError(
                f"{how}: {path} is not a model (.onnx, .pt, an OpenVINO .xml with its .bin, or a "
                "*_openvino_model folder)"
            )
        return ModelChoice(str(path), how)
    known = known_model(value)
    if known is not None:
        installed = installed_path(known)
        if installed is None:  # also where a folder holds it under any file name
            installed = next(
                (
                    m.path
                    for m in find_models(model_folders())
                    if not m.problem and m.path.is_file() and model_sha256(m.path) == known.files[0].sha256
                ),
                None,
            )
        if installed is None:
            get = f"crowdcount models get {known.name}" if known.files[0].url else "its files"
            raise CrowdcountError(
                f"{how}: model {known.name} is not installed: run '{get}' (offline: 'crowdcount models add "
                f"FILES' with {', '.join(f.name for f in known.files)} carried in)"
            )
        return ModelChoice(str(installed), f"{how} ({known.name})")
    added = cache_folder() / value
    files = sorted(p for p in added.iterdir() if is_model_file(p)) if added.is_dir() else []
    if files:
        return ModelChoice(str(files[0]), f"{how} ({value}, from the model cache)")
    raise CrowdcountError(
        f"{how}: {value} is neither a model file nor a model name ({', '.join(KNOWN)}, or one added with "
        "'crowdcount models add'); 'crowdcount models list' shows what is here"
    )


@dataclass(frozen=True)
class FoundModel:
    """A model file (or folder) found on disk, with its card when it has one."""

    path: Path
    format: str
    card: ModelCard | None
    problem: str = ""  # why it cannot be used (unreadable, a damaged card): listed, never chosen


def find_models(folders: list[Path]) -> list[FoundModel]:
    """Every model under ``folders`` (recursively): YOLOX and Ultralytics ONNX, ``.pt``, Ultralytics
    OpenVINO folders, and OpenVINO IR SSD detectors (``.xml`` with its ``.bin``)."""
    found: dict[Path, FoundModel] = {}
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if any(parent in found for parent in path.parents):
                continue  # inside an OpenVINO folder already listed
            try:
                kind = model_format(path)
                if kind == "ONNX":
                    kind = "Ultralytics ONNX" if is_ultralytics_onnx(path) else "YOLOX ONNX"
                elif kind == "OpenVINO IR":
                    kind = "OpenVINO IR (SSD)"
                if kind is not None:
                    found[path.resolve()] = FoundModel(path, kind, card_for(path))
            except (OSError, CrowdcountError) as error:  # one bad file must not stop every run
                reason = f"cannot be read ({error.strerror})" if isinstance(error, OSError) else str(error)
                found[path.resolve()] = FoundModel(path, path.suffix or "folder", None, reason)
    return list(found.values())


@dataclass(frozen=True)
class ListedModel:
    """One row of ``crowdcount models list``."""

    name: str
    where: str  # embedded, cache, a folder, or "not installed"
    path: Path | None
    card: ModelCard | None
    state: str  # verified, modified, incomplete, card beside it, unknown, or how to get it


def inventory(folders: list[Path]) -> list[ListedModel]:
    """Every model crowdcount can use or get: the known ones (embedded, in the cache, or how to get
    them), the ones added to the cache with a card, and those found in ``folders``."""
    rows = []
    for model in KNOWN.values():
        card = BUILT_IN.get(model.files[0].sha256)
        if model.embedded:
            folder = embedded_path(model).parent
            rows.append(
                ListedModel(model.name, "embedded", embedded_path(model), card, model_state(model, folder))
            )
            continue
        folder = cache_folder() / model.name
        state = model_state(model, folder)
        if state == "missing":
            how = (
                f"models get {model.name}" if model.files[0].url else "models add FILE (no official download)"
            )
            rows.append(ListedModel(model.name, "not installed", None, card, how))
        else:
            rows.append(ListedModel(model.name, "cache", folder / model.files[0].name, card, state))
    for name, folder in cached_models():
        if name in KNOWN:
            continue
        for path in sorted(folder.iterdir()):
            if is_model_file(path):
                card = card_for(path)
                rows.append(ListedModel(name, "cache", path, card, "card beside it" if card else "unknown"))
    for found in find_models(folders):
        if found.problem:
            rows.append(ListedModel(found.path.stem, str(found.path.parent), found.path, None, found.problem))
            continue
        digest = found.path.is_file() and file_sha256(found.path)
        known = next((m.name for m in KNOWN.values() if m.files[0].sha256 == digest), None)
        beside = card_path(found.path).is_file()
        state = "verified" if known else "card beside it" if beside else "known" if found.card else "unknown"
        rows.append(
            ListedModel(known or found.path.stem, str(found.path.parent), found.path, found.card, state)
        )
    return rows
