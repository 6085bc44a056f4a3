"""Report figures: interval tables -> PNG images (data URIs) with Hangul-capable fonts."""

from __future__ import annotations

import base64
import io
from collections.abc import Callable, Sequence
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import matplotlib
import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib import font_manager
from matplotlib.figure import Figure

from crowdcount.fonts import hangul_font_path

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
    """NanumGothic (``fonts.hangul_font_path``), registered with matplotlib."""
    path = hangul_font_path()
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


MAX_DAY_PANELS = 7  # more days than this: one panel of daily counts, not a panel a day
SECONDARY = {"peak_occupancy", "mean_occupancy"}  # people inside: on their own axis, not the counts
LINE_STYLES = {"in": ("-", 2.6), "out": ("-", 1.6), "net": ("--", 1.2)}  # in under, net dashed on top


MARK_COLOUR = "#7b3294"  # the programme's events on the plots


def series_figure(
    rows: pd.DataFrame,
    columns: list[str],
    title: str,
    words: dict[str, str],
    day_names: Callable[[date], str] = date.isoformat,
    marks: Sequence[tuple[datetime, str]] = (),
) -> Figure:
    """Counts per interval, one small panel per day (sharing the count axis), each spanning only the
    day's intervals from the first to the last that is not closed: no axis across closed nights.
    Missing intervals are shaded and break the line, partial ones are hollow dots; occupancy has an
    axis of its own; times are written as numbers (no month names). ``marks`` (site wall clock, a
    name: the programme) are dashed lines with their names, on the panels whose time they fall in."""
    hangul_font()
    local = rows.assign(_day=rows["interval_start"].map(lambda t: t.date()))
    days = [part for _, part in local.groupby("_day", sort=True) if (part["status"] != "closed").any()]
    days = [_open_part(part) for part in days] or [local]
    whole = len(days) > MAX_DAY_PANELS  # a long period: one panel (the report gives it daily rows)
    if whole:
        days = [_open_part(local) if (local["status"] != "closed").any() else local]
    figure = Figure(figsize=(9 if len(days) < 3 else 3 * len(days), 2.8))
    panels = figure.subplots(1, len(days), sharey=True, squeeze=False)[0]
    secondary = [c for c in columns if c in SECONDARY]
    handles: list[Any] = []
    for index, (axes, part) in enumerate(zip(panels, days, strict=True)):
        right = axes.twinx() if secondary else None
        handles = _draw_day(axes, right, part, columns, words, "%m-%d" if whole else "%H:%M")
        _draw_marks(axes, part, marks)
        first, last = part["interval_start"].iloc[0].date(), part["interval_start"].iloc[-1].date()
        axes.set_title(day_names(first) + (f" - {day_names(last)}" if whole else ""), fontsize=9)
        if right is not None and index < len(days) - 1:
            right.set_yticklabels([])
        elif right is not None:
            right.set_ylabel(words["occupancy"])
    panels[0].set_ylabel(words["people"])
    figure.suptitle(title, x=0.01, y=1.08, ha="left", fontsize=11)  # above the days' titles
    panels[-1].legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(1.12 if secondary else 1.0, 1.0),
        fontsize=8,
        frameon=False,
    )
    return figure


def _draw_marks(axes: Any, part: pd.DataFrame, marks: Sequence[tuple[datetime, str]]) -> None:
    """The programme's events that fall in this panel: a dashed line and the event's name."""
    if not len(part):
        return
    first = part["interval_start"].iloc[0].tz_localize(None)
    last = part["interval_end"].iloc[-1].tz_localize(None)
    for at, name in marks:
        if first <= pd.Timestamp(at) <= last:
            axes.axvline(at, color=MARK_COLOUR, linestyle="--", linewidth=1)
            axes.annotate(
                name,
                (at, 1.0),
                xycoords=("data", "axes fraction"),
                fontsize=7,
                color=MARK_COLOUR,
                xytext=(2, -10),
                textcoords="offset points",
            )


def _open_part(part: pd.DataFrame) -> pd.DataFrame:
    """A day's intervals from its first to its last that is not closed."""
    open_rows = (part["status"] != "closed").to_numpy().nonzero()[0]
    return part.iloc[open_rows[0] : open_rows[-1] + 1]


def _draw_day(
    axes: Any, right: Any, rows: pd.DataFrame, columns: list[str], words: dict[str, str], ticks: str = "%H:%M"
) -> list[Any]:
    """One day's panel (or a long period's); returns the lines, for the legend."""
    times = rows["interval_start"].dt.tz_localize(None)
    ends = rows["interval_end"].dt.tz_localize(None)
    partial = (rows["status"] == "partial").to_numpy()
    for column in columns:
        target = right if right is not None and column in SECONDARY else axes
        values = rows[column].astype(float).to_numpy()
        style, width = LINE_STYLES.get(column, ("-", 1.5))
        target.plot(
            times, values, style, color=COLOURS.get(column), label=words[column], marker=".", linewidth=width
        )
        target.plot(times[partial], values[partial], "o", mfc="white", color=COLOURS.get(column))
    missing = (rows["status"] == "missing").to_numpy()
    for start, end in zip(times[missing], ends[missing], strict=True):
        axes.axvspan(start, end, color="#dddddd", linewidth=0)
    axes.grid(alpha=0.3)
    if right is not None:
        right.set_ylim(bottom=0)
    if len(times):
        axes.set_xlim(times.min(), ends.max())
    locator = mdates.AutoDateLocator(minticks=2, maxticks=6)
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(mdates.DateFormatter(ticks))
    return [line for ax in (axes, right) if ax is not None for line in ax.get_legend_handles_labels()[0]]


def heatmap_figure(by_hour: pd.DataFrame, words: dict[str, str]) -> Figure:
    """Counters (rows) by hour of day (columns: the hours ``by_hour`` has), with each cell's count."""
    hangul_font()
    values = by_hour.to_numpy(dtype=float)
    figure = Figure(figsize=(9, 0.5 + 0.45 * max(len(by_hour), 1)))
    axes = figure.subplots()
    image = axes.imshow(values, aspect="auto", cmap="YlOrRd")
    axes.set_xticks(range(len(by_hour.columns)), [f"{h}" for h in by_hour.columns], fontsize=8)
    axes.set_yticks(range(len(by_hour)), list(by_hour.index), fontsize=8)
    axes.set_xlabel(words["hour"])
    top = np.nanmax(values) if values.size and np.isfinite(values).any() else 0
    for (row, column), value in np.ndenumerate(values):
        if np.isfinite(value) and value > 0:
            colour = "white" if value > top * 0.6 else "black"
            axes.text(column, row, f"{int(value)}", ha="center", va="center", fontsize=7, color=colour)
    figure.colorbar(image, ax=axes, fraction=0.02)
    return figure


def dwell_figure(zones: list[tuple[str, list[tuple[str, int]]]], words: dict[str, str]) -> Figure:
    """One bar panel per zone: how many visits lasted each span (``(zone name, [(span, visits)])``)."""
    hangul_font()
    rows, columns = (len(zones) + 1) // 2, min(len(zones), 2)
    figure = Figure(figsize=(5 * columns, 2.4 * rows))
    panels = figure.subplots(rows, columns, squeeze=False).ravel()
    for axes, (name, bars) in zip(panels, zones, strict=False):
        spans, visits = [span for span, _ in bars], [n for _, n in bars]
        axes.bar(range(len(bars)), visits, color=COLOURS["entries"])
        axes.set_xticks(range(len(bars)), spans, fontsize=7, rotation=30, ha="right")
        axes.set_title(name, fontsize=9)
        axes.set_ylabel(words["visits_axis"], fontsize=8)
        axes.grid(axis="y", alpha=0.3)
    for axes in panels[len(zones) :]:
        axes.set_visible(False)
    figure.tight_layout()
    return figure
