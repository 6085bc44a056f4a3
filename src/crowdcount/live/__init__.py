"""Live counting: one process per camera, restarts, the preview frames for the dashboard.

What other packages use from it is named here and imported only when first asked for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from crowdcount.faces import lazy_names

if TYPE_CHECKING:
    from crowdcount.live.preview import PreviewBoard, preview_folder, remove_folder
    from crowdcount.live.processes import CameraProcesses

_WHERE = {
    "CameraProcesses": "processes",
    "PreviewBoard": "preview",
    "preview_folder": "preview",
    "remove_folder": "preview",
}
__all__ = [
    "CameraProcesses",
    "PreviewBoard",
    "preview_folder",
    "remove_folder",
]

__getattr__ = lazy_names(__name__, _WHERE)
