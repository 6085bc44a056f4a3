"""crowdcount: CCTV video to foot-traffic counts per line and zone."""

from crowdcount.datatypes import CounterInfo, CountEvent, Frame, FrameInfo, Gap
from crowdcount.errors import CrowdcountError

__version__ = "0.1.0"

__all__ = ["CountEvent", "CounterInfo", "CrowdcountError", "Frame", "FrameInfo", "Gap", "__version__"]
