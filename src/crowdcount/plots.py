"""Report figures: interval tables -> PNG images (data URIs) with Hangul-capable fonts."""

from __future__ import annotations

import base64
import importlib.util
import io
from functools import cache
from pathlib import Path

import matplotlib
import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib import font_manager
from matplotlib.figure import Figure

from crowdcount.errors import CrowdcountError

COLOURS = {
    "in": "#1f77b4",
    "out": "#d62728",
    "net": "#555555",
    "entries": "#2ca02c",
    "exits": "#9467bd",
    "peak_occupancy": "#ff7f0e",
}


@cache
def hangul_font() -> Path:
    """NanumGothic (SIL OFL) shipped by koreanize-matplotlib, registered with matplotlib.

    The package is not imported (importing it restyles matplotlib globally); only its font is used.
    """
    spec = importlib.util.find_spec("koreanize_matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise CrowdcountError("the Hangul font package is missing; run: pip install koreanize-matplotlib")
    path = Path(spec.submodule_search_locations[0]) / "fonts" / "NanumGothic.ttf"
    font_manager.fontManager.addfont(str(path))
    family = font_manager.FontProperties(fname=str(path)).get_name()
    matplotlib.rcParams["font.family"] = [family, "DejaVu Sans"]
    matplotlib.rcParams["axes.unicode_minus"] = False
    return path


def to_data_uri(figure: Figure) -> str:
    """A finished figure as a base64 PNG data URI."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


SECONDARY = {"peak_occupancy", "mean_occupancy"}  # people inside: on their own axis, not the counts
LINE_STYLES = {"in": ("-", 2.6), "out": ("-", 1.6), "net": ("--", 1.2)}  # in under, net dashed on top


def series_figure(rows: pd.DataFrame, columns: list[str], title: str, words: dict[str, str]) -> Figure:
    """Counts per interval as lines; missing intervals are shaded and break the line, partial ones are
    hollow dots; occupancy on a right-hand axis of its own. Dates are written as numbers (no month
    names), and the axis spans the intervals shown, even a single one."""
    hangul_font()
    figure = Figure(figsize=(9, 2.8))
    axes = figure.subplots()
    times = rows["interval_start"].dt.tz_localize(None)
    ends = rows["interval_end"].dt.tz_localize(None)
    partial = (rows["status"] == "partial").to_numpy()
    right = axes.twinx() if SECONDARY & set(columns) else None
    for column in columns:
        target = right if right is not None and column in SECONDARY else axes
        values = rows[column].astype(float).to_numpy()
        style, width = LINE_STYLES.get(column, ("-", 1.5))
        target.plot(times, values, style, color=COLOURS.get(column), label=words[column], marker=".",
                    linewidth=width)  # fmt: skip
        target.plot(times[partial], values[partial], "o", mfc="white", color=COLOURS.get(column))
    missing = (rows["status"] == "missing").to_numpy()
    for start, end in zip(times[missing], ends[missing], strict=True):
        axes.axvspan(start, end, color="#dddddd", linewidth=0)
    axes.set_title(title, loc="left", fontsize=11)
    axes.set_ylabel(words["people"])
    axes.grid(alpha=0.3)
    handles = [h for ax in (axes, right) if ax is not None for h in ax.get_legend_handles_labels()[0]]
    axes.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.08 if right else 1.0, 1.0), fontsize=8,
                frameon=False)  # fmt: skip
    if right is not None:
        right.set_ylabel(words["occupancy"])
        right.set_ylim(bottom=0)
    if len(times):
        axes.set_xlim(times.min(), ends.max())
    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(
        mdates.ConciseDateFormatter(
            locator, formats=["%Y", "%m-%d", "%m-%d", "%H:%M", "%H:%M", "%H:%M:%S"],
            zero_formats=["", "%Y", "%m-%d", "%m-%d", "%H:%M", "%H:%M:%S"],
            offset_formats=["", "%Y", "%Y-%m", "%Y-%m-%d", "%Y-%m-%d", "%Y-%m-%d %H:%M"],
        )
    )  # fmt: skip
    return figure


def heatmap_figure(by_hour: pd.DataFrame, words: dict[str, str]) -> Figure:
    """Counters (rows) by hour of day (columns), with the count written in each cell."""
    hangul_font()
    values = by_hour.to_numpy(dtype=float)
    figure = Figure(figsize=(9, 0.5 + 0.45 * max(len(by_hour), 1)))
    axes = figure.subplots()
    image = axes.imshow(values, aspect="auto", cmap="YlOrRd")
    axes.set_xticks(range(24), [f"{h}" for h in range(24)], fontsize=8)
    axes.set_yticks(range(len(by_hour)), list(by_hour.index), fontsize=8)
    axes.set_xlabel(words["hour"])
    top = np.nanmax(values) if values.size and np.isfinite(values).any() else 0
    for (row, column), value in np.ndenumerate(values):
        if np.isfinite(value) and value > 0:
            colour = "white" if value > top * 0.6 else "black"
            axes.text(column, row, f"{int(value)}", ha="center", va="center", fontsize=7, color=colour)
    figure.colorbar(image, ax=axes, fraction=0.02)
    return figure
