"""The Hangul font of every picture, plot and page crowdcount makes: NanumGothic (SIL OFL), shipped by
the koreanize-matplotlib package (a dependency), read from its folder without importing it."""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

from crowdcount.errors import CrowdcountError


@cache
def hangul_font_path() -> Path:
    """NanumGothic's TrueType file (importing its package would restyle matplotlib globally)."""
    spec = importlib.util.find_spec("koreanize_matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise CrowdcountError("the Hangul font package is missing; run: pip install koreanize-matplotlib")
    return Path(spec.submodule_search_locations[0]) / "fonts" / "NanumGothic.ttf"
