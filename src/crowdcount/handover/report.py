"""The self-contained HTML report: headline totals, peaks, plots, tables, coverage (en/ko)."""

from __future__ import annotations

import base64
import io
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
import pandas as pd

from crowdcount.audit import (
    Combined,
    CounterAudit,
    audit_rows,
    store_audits,
)
from crowdcount.coverage import Span, merge
from crowdcount.datatypes import AuditPlan, CountEvent, Gap, History, SourceRecord
from crowdcount.fonts import hangul_font_path
from crowdcount.handover.labels import (
    day,
    duration,
    dwell_span,
    gap_reason,
    hour_span,
    labels_for,
    model_words,
    moment,
    number,
    share,
)
from crowdcount.handover.page_one import PageOne, page_one, row_figures
from crowdcount.handover.pdf import html_to_pdf
from crowdcount.handover.plots import (
    MAX_DAY_PANELS,
    dwell_figure,
    heatmap_figure,
    series_figure,
    to_data_uri,
)
from crowdcount.paths import output_file, replaced_whole
from crowdcount.store.events import EventStore
from crowdcount.tables.aggregate import (
    UNSEEN,
    Filmed,
    group_table,
    interval_table,
    peak_occupancy,
)
from crowdcount.tables.compare import aligned
from crowdcount.tables.factored import Factored
from crowdcount.tables.summary import (
    counted_by,
    covered_days,
    display_name,
    dwell_bins,
    gate_days,
    zone_days,
)

LINE_COLUMNS = ["in", "out", "net"]
UNSEEN_MARKS = {"missing": "-", "closed": "·"}
ZONE_COLUMNS = ["entries", "exits", "peak_occupancy"]
COUNTERS_PER_TABLE = 3  # a wider interval table is split, so it fits an A4 page
DAYS_PER_TABLE = 7  # the same for the gates x days table


@dataclass
class Plot:
    title: str
    image: str  # data URI


Label = Callable[[str, str], str]  # (camera, counter) -> how the report names the counter


def labeller(site: dict[str, Any], cameras: int) -> Label:
    """Display names (ids where unnamed); the camera's only when there are several."""

    def label(camera: str, counter: str) -> str:
        name = display_name(site, camera, counter)
        return name if cameras == 1 else f"{display_name(site, camera)} / {name}"

    return label


def _when(start: pd.Timestamp, freq_is_day: bool = False) -> str:
    return start.strftime("%Y-%m-%d" if freq_is_day else "%Y-%m-%d %H:%M")


def _clock(value: datetime, zone_name: str, pattern: str = "%H:%M:%S") -> str:
    return value.astimezone(ZoneInfo(zone_name)).strftime(pattern)


def _cell(value: object, status: str, lang: str) -> str:
    if status in UNSEEN:
        return UNSEEN_MARKS[status]
    text = "" if pd.isna(value) else number(float(value), lang)  # type: ignore[arg-type]
    return text + ("*" if status == "partial" else "")


def count_table(
    intervals: pd.DataFrame, words: dict[str, str], label: Label, by_day: bool, lang: str
) -> list[dict[str, list]]:
    """Interval x (counter, measure) cells, as tables of at most ``COUNTERS_PER_TABLE`` counters each
    (a wide table made long, so a printed page cuts no column): '*' marks partial, '-' missing,
    '·' closed; intervals closed everywhere are left out."""
    counters = list(intervals.groupby(["camera", "counter", "type"], sort=False).groups)
    keys = zip(intervals["camera"], intervals["counter"], intervals["interval_start"], strict=True)
    indexed = dict(zip(keys, intervals.to_dict("records"), strict=True))  # one lookup a cell
    starts = [
        start
        for start, part in intervals.groupby("interval_start", sort=True)
        if not (part["status"] == "closed").all()
    ]
    tables: list[dict[str, list]] = []
    for first in range(0, len(counters), COUNTERS_PER_TABLE):
        shown = counters[first : first + COUNTERS_PER_TABLE]
        columns = [
            (camera, counter, measure)
            for camera, counter, kind in shown
            for measure in (LINE_COLUMNS if kind == "line" else ["entries", "exits"])
        ]
        header = [words["interval"], *(f"{label(c, n)} {words[m]}" for c, n, m in columns)]
        rows = [
            [_when(pd.Timestamp(start), by_day)]
            + [_cell((row := indexed[(c, n, start)])[m], row["status"], lang) for c, n, m in columns]
            for start in starts
        ]
        tables.append({"header": header, "rows": rows})
    return tables


def busiest_intervals(
    intervals: pd.DataFrame, words: dict[str, str], site: dict[str, Any], lang: str
) -> list[dict[str, str]]:
    """Per counter, the interval with the most people (lines: in + out; zones: entries)."""
    peaks = []
    for (camera, counter, kind), rows in intervals.groupby(["camera", "counter", "type"], sort=False):
        seen = rows[~rows["status"].isin(UNSEEN)]
        volume = (seen["in"] + seen["out"]) if kind == "line" else seen["entries"]
        if volume.dropna().empty:
            continue
        best = seen.loc[volume.astype(float).idxmax()]
        peaks.append(
            {
                "camera": display_name(site, camera),
                "counter": display_name(site, camera, counter),
                "type": words[kind],
                "interval": f"{_when(best['interval_start'])} - {best['interval_end']:%H:%M}",
                "count": number(float(volume.max()), lang),
            }
        )
    return peaks


def hour_of_day_counts(hourly: pd.DataFrame, label: Label) -> pd.DataFrame:
    """Counter x hour-of-day totals (lines: in + out; zones: entries) over intervals with footage."""
    seen = hourly[~hourly["status"].isin(UNSEEN)].copy()
    seen["volume"] = (seen["in"].fillna(0) + seen["out"].fillna(0)).where(
        seen["type"] == "line", seen["entries"].fillna(0)
    )
    seen["hour"] = seen["interval_start"].map(lambda t: t.hour)
    seen["label"] = [label(c, n) for c, n in zip(seen["camera"], seen["counter"], strict=True)]
    table = seen.pivot_table(index="label", columns="hour", values="volume", aggfunc="sum", sort=False)
    hours = range(min(table.columns), max(table.columns) + 1) if len(table.columns) else range(24)
    return table.reindex(columns=hours).astype(float)  # the hours filmed, not 19 empty night columns


def embedded_font_css(text: str) -> str:
    """@font-face with NanumGothic cut down to the characters the page uses (WOFF, base64)."""
    from fontTools import subset

    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)  # hinting tables it drops
    options = subset.Options()
    options.flavor = "woff"
    font = subset.load_font(str(hangul_font_path()), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(set(text))))
    subsetter.subset(font)
    buffer = io.BytesIO()
    subset.save_font(font, buffer, options)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    source = f"url(data:font/woff;base64,{data}) format('woff')"
    return f"@font-face {{ font-family: 'CrowdcountHangul'; src: {source}; }}"


def build_report(
    store: EventStore,
    lang: str = "en",
    interval: str = "15min",
    tz: str | None = None,
    generated: datetime | None = None,
    compare: EventStore | None = None,
) -> str:
    """Render the whole report as one HTML string (no external files or network); with ``compare``,
    another store's festival beside this one (:func:`comparison`)."""
    words = labels_for(lang)
    history = store.history()
    zone_name = tz or history.timezone
    events, counters, footage, sources = history.events, history.counters, history.footage, history.sources
    gap_records = history.gaps
    cameras = len({c.camera for c in counters})

    def table(freq: str) -> pd.DataFrame:
        return interval_table(history, freq, zone_name)

    intervals, hourly, daily = table(interval), table("60min"), table("day")
    zones = {(c.camera, c.counter) for c in counters if c.type == "zone"}
    totals: dict[str, float] = {
        "total_in": sum(e.kind == "cross" and e.direction == "in" for e in events),
        "total_out": sum(e.kind == "cross" and e.direction == "out" for e in events),
        "zone_entries": sum(e.kind == "enter" for e in events),
        "peak_occupancy": max(
            (peak_occupancy([e for e in events if (e.camera, e.counter) == key]) for key in zones), default=0
        ),
        "footage_hours": sum(s.seconds for _, s in footage) / 3600,
        "cameras": cameras,
    }
    cards = {key: number(value, lang, 2 if key == "footage_hours" else 0) for key, value in totals.items()}
    site = store.context()
    audits = store_audits(store, history)
    page = page_one(history, site, audits, hourly, zone_name)
    seen = page.filmed
    marks = programme_marks(site, zone_name)
    label = labeller(site, cameras)

    def days(value: date) -> str:
        return day(value, lang)

    open_days = daily[daily["status"] != "closed"]["interval_start"].nunique()
    plotted, shown = (daily, "day") if open_days > MAX_DAY_PANELS else (intervals, interval)  # by period
    series: list[Plot] = []
    for (camera, counter, kind), rows in plotted.groupby(["camera", "counter", "type"], sort=False):
        title = f"{label(camera, counter)} ({words[kind]}, {shown})"
        columns = LINE_COLUMNS if kind == "line" else ZONE_COLUMNS
        series.append(Plot(title, to_data_uri(series_figure(rows, columns, title, words, days, marks))))
    group_figures = [
        Plot(named, to_data_uri(series_figure(rows, LINE_COLUMNS, f"{named} ({shown})", words, days, marks)))
        for group, rows in group_table(plotted).groupby("group", sort=False)
        if rows["in"].notna().any() and (named := str(site.get("groups", {}).get(group, group)))
    ]
    by_hour = hour_of_day_counts(hourly, label)
    with_footage = {r.camera for r in sources}
    plan = store.audit_plan() if any(a.reviewed for a in audits) else None
    context = {
        "w": words,
        "lang": lang,
        "title": title_block(site, history, words, lang),
        "lead": lead_figures(page, site, words, lang),
        "filmed": filmed_lines(seen, site, words),
        "gate_days": gate_day_table(daily, hourly, site, words, lang, seen, audits),
        "compare": comparison(history, hourly, site, compare, words, lang, zone_name) if compare else None,
        "zones": zone_section(daily, events, words, lang, label, zone_name),
        "method": method_lines(history, site, words, bool(plan), lang, seen),
        "generated": (generated or datetime.now(ZoneInfo(zone_name))).strftime("%Y-%m-%d %H:%M %Z"),
        "timezone": zone_name,
        "headline": cards,
        "has_data": bool(events) or bool(footage),
        "peaks": busiest_intervals(intervals, words, site, lang),
        "series": series,
        "groups": group_figures,
        # a long period's hourly rows (a year: some 5,000) belong in the Excel export, not a report
        "hourly": count_table(hourly, words, label, by_day=False, lang=lang)
        if open_days <= MAX_DAY_PANELS
        else [],
        "daily": count_table(daily, words, label, by_day=True, lang=lang),
        "heatmap": to_data_uri(heatmap_figure(by_hour, words)) if len(by_hour) else None,
        "coverage": coverage_lines(sources, footage, gap_records, zone_name, words, lang, site)
        + [
            f"{display_name(site, c)}: {words['no_footage']}"
            for c in site.get("cameras", {})
            if c not in with_footage
        ],
        "audit": audit_section(audits, plan, words, zone_name) if plan else None,
        "sources": [
            {
                "camera": display_name(site, r.camera),
                "source": Path(r.source).name,
                "start": _clock(r.start, zone_name, "%Y-%m-%d %H:%M:%S"),
                "end": _clock(r.end, zone_name),
                "frames": number(r.frames, lang),
                "status": words.get(f"status_{r.status}", r.status),
            }
            for r in sources
        ],
    }
    template = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined).from_string(
        resources.files("crowdcount").joinpath("templates/report.html").read_text(encoding="utf-8")
    )
    draft = template.render(**context, font_css="")
    visible = draft.split("<body", 1)[1]
    return template.render(**context, font_css=embedded_font_css(_without_data(visible)))


def comparison(
    history: History,
    hourly: pd.DataFrame,
    site: dict[str, Any],
    other: EventStore,
    words: dict[str, str],
    lang: str,
    zone_name: str,
) -> dict[str, Any]:
    """This festival and ``other`` by festival day and hour (:func:`aligned`): per group, then per
    gate (matched by camera and line id), each side's count (``*`` partly filmed, ``-`` not filmed),
    the change in percent and how much of each hour each side filmed."""
    theirs = other.history()
    their_site = other.context()
    their_hourly = interval_table(theirs, "60min", zone_name)
    firsts = [covered_days(h, c) for h, c in ((history, site), (theirs, their_site))]
    if firsts[0] is None or firsts[1] is None:
        return {"name": their_site.get("name") or str(other.shown_url), "tables": []}
    first_this, first_other = firsts[0][0], firsts[1][0]

    def rows(table: pd.DataFrame, name: Callable[[pd.Series], list[str]]) -> list[list[str]]:
        return [
            [
                *name(r),
                words["day_n"].format(n=r["day"]),
                r["hour"],
                _cell(r["count_this"], r["status_this"], lang),
                _cell(r["count_other"], r["status_other"], lang),
                "-" if pd.isna(r["change"]) else f"{r['change']:+.1f}%",
                share(r["coverage_this"]),
                share(r["coverage_other"]),
            ]
            for _, r in table.iterrows()
        ]

    groups = aligned(group_table(hourly), group_table(their_hourly), first_this, first_other, ["group"])
    names = site.get("groups", {})
    lines = hourly[hourly["type"] == "line"]
    gates = aligned(
        lines, their_hourly[their_hourly["type"] == "line"], first_this, first_other, ["camera", "counter"]
    )
    header = [words["festival_day"], words["clock_hour"], words["this_festival"], words["other_festival"]]
    header += [words["change"]]
    header += [words["filmed_this"], words["filmed_other"]]
    return {
        "name": their_site.get("name") or str(other.shown_url),
        "tables": [
            {
                "header": [words["group"], *header],
                "rows": rows(groups, lambda r: [str(names.get(r["group"], r["group"]))]),
            },
            {
                "header": [words["counter"], *header],
                "rows": rows(gates, lambda r: [display_name(site, r["camera"], r["counter"])]),
            },
        ],
    }


def programme_marks(site: dict[str, Any], zone_name: str) -> list[tuple[datetime, str]]:
    """The programme's events (``site.programme``) on the site's wall clock, for the plots."""
    marks = []
    for item in site.get("programme") or []:
        at = datetime.fromisoformat(item["at"])
        if at.tzinfo is not None:
            at = at.astimezone(ZoneInfo(zone_name)).replace(tzinfo=None)
        marks.append((at, str(item["name"])))
    return marks


def title_block(site: dict[str, Any], history: History, words: dict[str, str], lang: str) -> dict[str, Any]:
    """The report's title (the site's name, else the generic one) and its period, department, author."""
    days = covered_days(history, site)
    period = "" if days is None else _days(*days, lang)
    who = [str(site[key]) for key in ("department", "author") if site.get(key)]
    return {
        "name": site.get("name") or words["title"],
        "subtitle": words["title"] if site.get("name") else "",
        "period": period,
        "who": " · ".join(who),
    }


def _days(first: date, last: date, lang: str) -> str:
    return day(first, lang) if first == last else f"{day(first, lang)} - {day(last, lang)}"


def lead_figures(page: PageOne, site: dict[str, Any], words: dict[str, str], lang: str) -> list[dict]:
    """The first figures (:mod:`.page_one`): visitors through the headline group (the audited
    estimate with its 95 % interval beside the count, or a note that it is unaudited; a lower bound,
    said so, where open time went unfilmed, with the estimate over all open hours; the gates without
    footage named), the busiest hour (with how much of it was filmed) and gate."""
    found, audited, whole, seen = page.headline, page.audited, page.whole, page.filmed
    unit = words["people_unit"]
    group = site.get("groups", {}).get(found.group, found.group)
    visitors = number(found.visitors if audited.estimate is None else audited.estimate, lang) + unit
    partly = words["filmed_share" if site.get("opening_hours") else "filmed_share_days"]
    notes = [partly.format(share=share(found.filmed_share)) if found.lower_bound else words["filmed_all"]]
    if found.dark:
        names = ", ".join(display_name(site, *gate) for gate in found.dark)
        notes.append(words["gates_dark"].format(dark=len(found.dark), gates=len(found.gates), names=names))
    if whole is not None and whole.estimate is None:
        notes.append(words["lead_factored_none"])
    elif whole is not None:
        notes.append(
            words["lead_factored"].format(
                value=number(whole.estimate, lang) + unit,
                low=number(whole.low, lang),
                high=number(whole.high, lang),
                hours=whole.hours_estimated,
            )
        )
    if audited.estimate is None:
        notes.append(words["lead_unaudited"])
        detail = ""
    else:
        low, high = (number(audited.low, lang), number(audited.high, lang))
        detail = words["lead_audited"].format(low=low, high=high, counted=number(found.visitors, lang) + unit)
    cards = [
        {
            "key": "visitors",
            "name": words["visitors"].format(group=group) if found.group else words["crossings_in"],
            "value": words["lower_bound"].format(value=visitors) if found.lower_bound else visitors,
            "detail": detail,
            "notes": notes,
        }
    ]
    if found.peak_start is not None and found.peak_end is not None:
        filmed_peak = words["filmed_short"].format(share=share(found.peak_coverage))
        cards.append(
            {
                "key": "peak_hour",
                "name": words["peak_hour"],
                "value": hour_span(found.peak_start, found.peak_end, lang),
                "detail": f"{number(found.peak_visitors, lang)}{unit} · {filmed_peak}",
            }
        )
    if found.busiest is not None:
        filmed_gate = words["filmed_short"].format(share=share(seen[found.busiest[0]].share))
        cards.append(
            {
                "key": "busiest_gate",
                "name": words["busiest_gate"],
                "value": display_name(site, *found.busiest),
                "detail": f"{number(found.busiest_visitors, lang)}{unit} · {filmed_gate}",
            }
        )
    return cards


def filmed_lines(seen: Mapping[str, Filmed], site: dict[str, Any], words: dict[str, str]) -> str:
    """Page one's line of how much of the opening hours each camera filmed."""
    each = ", ".join(f"{display_name(site, camera)} {share(f.share)}" for camera, f in seen.items())
    return f"{words['filmed_per_gate']}: {each}" if each else ""


def gate_day_table(
    daily: pd.DataFrame,
    hourly: pd.DataFrame,
    site: dict[str, Any],
    words: dict[str, str],
    lang: str,
    seen: Mapping[str, Filmed],
    audits: Sequence[CounterAudit] = (),
) -> list[dict]:
    """:func:`gate_days` as the report shows it, as tables of at most ``DAYS_PER_TABLE`` days (the
    total and the share filmed in the last): a day partly filmed marked ``*``, one not filmed ``-``,
    a closed one ``·``; once something is audited, each total's corrected figure and 95 % interval
    beside it (``검수 전`` where its counter is not audited); where open hours went unfilmed, each
    line's estimated total over all of them (:mod:`crowdcount.tables.factored`) beside that."""
    totals = gate_days(daily, seen)
    if totals.empty:
        return []
    figures = row_figures(totals, daily, hourly, audits)
    audited, estimated = bool(figures.audited), bool(figures.whole)
    days = [c for c in totals.columns if c[:4].isdigit()]
    group_names = site.get("groups", {})
    tables = []
    for first in range(0, len(days), DAYS_PER_TABLE):
        shown = days[first : first + DAYS_PER_TABLE]
        last = first + DAYS_PER_TABLE >= len(days)
        header = [
            words["camera"],
            words["counter"],
            words["measure"],
            *(day(date.fromisoformat(d), lang) for d in shown),
            *([words["total"], words["filmed_per_gate"]] if last else []),
            *([words["audited_total"]] if last and audited else []),
            *([words["factored_total"]] if last and estimated else []),
        ]
        rows = []
        for k, (_, r) in enumerate(totals.iterrows()):
            if r["camera"] == "":
                name = [words["group"], str(group_names.get(r["counter"], r["counter"]))]
            else:
                name = [display_name(site, r["camera"]), display_name(site, r["camera"], r["counter"])]
            rows.append(
                [
                    *name,
                    words[r["measure"]],
                    *(_cell(r[d], r[f"status {d}"], lang) for d in shown),
                    *([_cell(r["total"], r["status total"], lang), share(r["filmed"])] if last else []),
                    *([estimate_cell(figures.audited[k], words, lang)] if last and audited else []),
                    *([whole_cell(figures.whole[k], words, lang)] if last and estimated else []),
                ]
            )
        tables.append({"header": header, "rows": rows})
    return tables


def whole_cell(found: Factored | None, words: dict[str, str], lang: str) -> str:
    """A line's (or group's) estimated total over all open hours with its 95 % interval (``-`` for a
    zone; ``추정 불가`` where no hour was filmed whole to estimate from)."""
    if found is None:
        return "-"
    return words["factored_none"] if found.estimate is None else _with_interval(found, lang)


def estimate_cell(found: Combined, words: dict[str, str], lang: str) -> str:
    """An audited total with its 95 % interval (``31 (16-45)``), or why there is none."""
    if found.estimate is None:
        return words["not_audited"] if found.unaudited else "-"
    return _with_interval(found, lang)


def _with_interval(found: Combined | Factored, lang: str) -> str:
    """An estimate and its 95 % interval: ``31 (16-45)``."""
    return f"{number(found.estimate, lang)} ({number(found.low, lang)}-{number(found.high, lang)})"


def zone_section(
    daily: pd.DataFrame,
    events: list[CountEvent],
    words: dict[str, str],
    lang: str,
    label: Label,
    zone_name: str,
) -> dict[str, Any] | None:
    """Per zone and day, then the whole period: entries, exits, mean and peak occupancy with its time,
    median and 90th-percentile dwell; and a chart of how long visits lasted. None without zone footage."""
    table = zone_days(daily, events)
    if table.empty:
        return None
    rows = []
    for _, r in table.iterrows():
        when = "-" if r["peak_at"] is None else _clock(r["peak_at"], zone_name, "%H:%M")
        if r["day"] is None and r["peak_at"] is not None:  # the whole period's peak: its day too
            when = moment(r["peak_at"].astimezone(ZoneInfo(zone_name)), lang)
        rows.append(
            [
                label(r["camera"], r["counter"]),
                words["period_total"] if r["day"] is None else day(r["day"], lang),
                number(r["entries"], lang),
                number(r["exits"], lang),
                number(r["mean_occupancy"], lang, 1),
                number(r["peak_occupancy"], lang),
                when,
                duration(r["dwell_median_s"], lang),
                duration(r["dwell_p90_s"], lang),
                number(r["visits"], lang),
            ]
        )
    charts = []
    for (camera, counter), _ in table.groupby(["camera", "counter"], sort=False):
        dwell = [
            e.dwell_s
            for e in events
            if (e.camera, e.counter) == (camera, counter) and e.kind == "exit" and e.dwell_s is not None
        ]
        if bins := dwell_bins(dwell):
            charts.append(
                (label(camera, counter), [(dwell_span(low, high, lang), n) for low, high, n in bins])
            )
    return {"rows": rows, "dwell": to_data_uri(dwell_figure(charts, words)) if charts else None}


def method_lines(
    history: History,
    site: dict[str, Any],
    words: dict[str, str],
    audited: bool,
    lang: str,
    seen: Mapping[str, Filmed] | None = None,
) -> list[str]:
    """The methodology and limits: how counts are made, what they are, what was not filmed, and how
    accurate."""
    counting = site.get("counting") or {}
    models = " / ".join(sorted({model_words(s.model, lang) for s in history.sources})) or "-"
    return [
        words["method_detect"].format(
            models=models,
            tracker=counting.get("tracker", "-"),
            min_frames=counting.get("min_frames", "-"),
            min_seconds=counting.get("min_seconds", 0),  # none before 2026-12-05
            min_distance=counting.get("min_distance_px", "-"),
        ),
        words["method_crossings"],
        words["method_coverage"],
        *([unfilmed_line(seen, site, words), words["method_factored"]] if seen else []),
        words["method_measured"],
        words["method_audited"] if audited else words["method_unaudited"],
        words["method_config"].format(config=site.get("config_hash", "-"), version=counted_by(history)),
    ]


def unfilmed_line(seen: Mapping[str, Filmed], site: dict[str, Any], words: dict[str, str]) -> str:
    """What was not filmed: the hours of opening time without footage, in all and per camera."""
    missing = {camera: (f.open_s - f.seen_s) / 3600 for camera, f in seen.items()}
    each = ", ".join(f"{display_name(site, camera)} {hours:,.1f}" for camera, hours in missing.items())
    total = sum(f.open_s for f in seen.values()) / 3600
    return words["method_unfilmed"].format(
        missing=f"{sum(missing.values()):,.1f}", open=f"{total:,.1f}", each=each
    )


def audit_section(
    audits: list[CounterAudit], plan: AuditPlan, words: dict[str, str], zone_name: str
) -> dict[str, object]:
    """The audit's table (a row per counter and direction) and the note saying what it rests on."""
    rows = []
    for row in audit_rows(audits):
        exact = bool(row["rates_exact"])
        interval = "-" if row["low"] is None else f"{row['low']:,.0f} - {row['high']:,.0f}"
        rows.append(
            [
                row["camera"],
                row["counter"],
                words[str(row["direction"])],
                f"{row['counted']:,}",
                f"{row['estimate']:,.0f}" if row["estimate"] is not None else "-",
                interval,
                f"{row['reviewed']} / {row['windows']}",
                _share(row["precision"], "" if exact else "≤ "),
                _share(row["miss_rate"], "" if exact else "≥ "),
            ]
        )
    reviews = [a.last_review for a in audits if a.last_review is not None]
    note = words["audit_note"].format(
        reviewed=sum(a.reviewed for a in audits),
        sampled=len(plan.items),
        seconds=f"{plan.seconds:g}",
        planned=_clock(plan.made_at, zone_name, "%Y-%m-%d %H:%M"),
        last=_clock(max(reviews), zone_name, "%Y-%m-%d %H:%M") if reviews else "-",
    )
    return {"rows": rows, "note": note, "bounds": not all(a.exact for a in audits)}


def _share(value: object, prefix: str) -> str:
    return "-" if value is None else f"{prefix}{100 * float(str(value)):.1f} %"


def _without_data(html: str) -> str:
    """Page text minus the base64 images, for choosing font glyphs."""
    first, *rest = html.split("data:image/png;base64,")
    return first + "".join(part.split('"', 1)[-1] for part in rest)


def coverage_lines(
    sources: list[SourceRecord],
    footage: list[tuple[str, Span]],
    all_gaps: list[Gap],
    zone_name: str,
    words: dict[str, str],
    lang: str = "en",
    site: dict[str, Any] | None = None,
) -> list[str]:
    """One line per camera (its display name): files, first and last covered moment, hours, gaps."""
    lines = []
    for camera in sorted({c for c, _ in footage}):
        spans = merge(s for c, s in footage if c == camera)
        files = sum(1 for r in sources if r.camera == camera)
        gaps = [g for g in all_gaps if g.camera == camera]
        gap_text = ", ".join(
            f"{_clock(g.start, zone_name, '%m-%d %H:%M:%S')}-{_gap_end(g, zone_name)} "
            f"({gap_reason(g.reason, lang)})"
            for g in gaps
        )
        hours = sum(s.seconds for s in spans) / 3600
        first, last = (_clock(t, zone_name, "%Y-%m-%d %H:%M:%S") for t in (spans[0].start, spans[-1].end))
        lines.append(
            f"{display_name(site or {}, camera)}: {files} {words['files']}, {words['from']} {first} "
            f"{words['to']} {last} ({number(hours, lang, 2)} {words['hours_unit']}); "
            f"{words['gaps']}: {gap_text or words['none']}"
        )
    return lines


def _gap_end(gap: Gap, zone_name: str) -> str:
    """A gap's end: its time, with its date where it ends on another day (an overnight gap)."""
    zone = ZoneInfo(zone_name)
    other_day = gap.end.astimezone(zone).date() != gap.start.astimezone(zone).date()
    return _clock(gap.end, zone_name, "%m-%d %H:%M:%S" if other_day else "%H:%M:%S")


def write_report(
    db: str | Path,
    out: Path,
    lang: str = "en",
    interval: str = "15min",
    tz: str | None = None,
    format: str = "html",
    compare: str | Path | None = None,
) -> Path:
    """Build the report from a store and write it to ``out``: one HTML file, or an A4 PDF of it;
    with ``compare`` (another festival's or day's store), a comparison section."""
    output_file(out, "report")
    other = EventStore(compare, create=False) if compare is not None else None
    html = build_report(EventStore(db, create=False), lang, interval, tz, compare=other)
    with replaced_whole(out) as partial:  # never a partial report, nor the previous one lost
        if format == "pdf":
            html_to_pdf(html, partial)
        else:
            partial.write_text(html, encoding="utf-8")
    return out
