"""Person detectors: the backends, choosing and managing models, sizing the input from the scene.

What other packages use is named here and imported only when first asked for, so importing
``crowdcount.detect`` loads no OpenCV, ONNX Runtime or OpenVINO.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from crowdcount.faces import lazy_names

if TYPE_CHECKING:
    from crowdcount.detect.base import Detector
    from crowdcount.detect.files import model_sha256
    from crowdcount.detect.load import DetectorSpec, load_detector
    from crowdcount.detect.models import ModelChoice, resolve_model
    from crowdcount.detect.pool import DetectorPool, detect_in_order
    from crowdcount.detect.sizing import scene_input_size, sized_for_frames

_WHERE = {
    "Detector": "base",
    "model_sha256": "files",
    "DetectorSpec": "load",
    "load_detector": "load",
    "ModelChoice": "models",
    "resolve_model": "models",
    "DetectorPool": "pool",
    "detect_in_order": "pool",
    "scene_input_size": "sizing",
    "sized_for_frames": "sizing",
}
__all__ = [
    "Detector",
    "DetectorPool",
    "DetectorSpec",
    "ModelChoice",
    "detect_in_order",
    "load_detector",
    "model_sha256",
    "resolve_model",
    "scene_input_size",
    "sized_for_frames",
]


__getattr__ = lazy_names(__name__, _WHERE)
