"""Placing lines and zones: the editor, `crowdcount check`'s findings and the drawings of both.

What other packages use from it is named here and imported only when first asked for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from crowdcount.faces import lazy_names

if TYPE_CHECKING:
    from crowdcount.setup.annotate import preview_picture
    from crowdcount.setup.check import check_camera, write_picture
    from crowdcount.setup.editor import (
        camera_picture,
        camera_source,
        cameras_of,
        check_document,
        read_document,
        set_counters,
        write_document,
    )

_WHERE = {
    "camera_picture": "editor",
    "camera_source": "editor",
    "cameras_of": "editor",
    "check_camera": "check",
    "check_document": "editor",
    "preview_picture": "annotate",
    "read_document": "editor",
    "set_counters": "editor",
    "write_document": "editor",
    "write_picture": "check",
}
__all__ = [
    "camera_picture",
    "camera_source",
    "cameras_of",
    "check_camera",
    "check_document",
    "preview_picture",
    "read_document",
    "set_counters",
    "write_document",
    "write_picture",
]

__getattr__ = lazy_names(__name__, _WHERE)
