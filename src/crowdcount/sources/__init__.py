"""Where frames come from: video files and image sequences, a camera's archive, live streams.

What other packages use from it is named here and imported only when first asked for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from crowdcount.faces import lazy_names

if TYPE_CHECKING:
    from crowdcount.sources.archive import (
        content_identity,
        expected_span,
        find_recordings,
        holes_between,
        open_for_writing,
        recording_start,
    )
    from crowdcount.sources.files import (
        FrameReader,
        Prefetch,
        VideoInfo,
        effective_fps,
        open_video,
        probe_video,
    )
    from crowdcount.sources.streams import LiveFrame, StreamReader, is_stream, open_capture

_WHERE = {
    "FrameReader": "files",
    "LiveFrame": "streams",
    "Prefetch": "files",
    "StreamReader": "streams",
    "VideoInfo": "files",
    "content_identity": "archive",
    "effective_fps": "files",
    "expected_span": "archive",
    "find_recordings": "archive",
    "holes_between": "archive",
    "is_stream": "streams",
    "open_capture": "streams",
    "open_for_writing": "archive",
    "open_video": "files",
    "probe_video": "files",
    "recording_start": "archive",
}
__all__ = [
    "FrameReader",
    "LiveFrame",
    "Prefetch",
    "StreamReader",
    "VideoInfo",
    "content_identity",
    "effective_fps",
    "expected_span",
    "find_recordings",
    "holes_between",
    "is_stream",
    "open_capture",
    "open_for_writing",
    "open_video",
    "probe_video",
    "recording_start",
]

__getattr__ = lazy_names(__name__, _WHERE)
