"""crowdcount: CCTV video to foot-traffic counts per line and zone."""

import os

# Before anything imports cv2: FFmpeg's and OpenCV's own messages ("moov atom not found",
# stream URLs with their credentials) would bypass our one-line errors and redaction.
os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")
os.environ.setdefault("OPENCV_LOG_LEVEL", "ERROR")

from crowdcount.datatypes import CounterInfo, CountEvent, Frame, FrameInfo, Gap, History, SourceRecord
from crowdcount.errors import CrowdcountError

__version__ = "0.1.0"

__all__ = [
    "CountEvent",
    "CounterInfo",
    "CrowdcountError",
    "Frame",
    "FrameInfo",
    "Gap",
    "History",
    "SourceRecord",
    "__version__",
]
