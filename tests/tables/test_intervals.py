"""Per-interval tables: clock-aligned boundaries in the site timezone, coverage, groups."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pandas as pd
import pytest

from crowdcount.datatypes import CounterInfo, CountEvent, Gap, History, SourceRecord
from crowdcount.errors import CrowdcountError
from crowdcount.tables.aggregate import counter_summary, group_table, interval_table, parse_interval

KST = timezone(timedelta(hours=9))
T0 = datetime(2026, 10, 3, 10, 0, tzinfo=KST)  # 10:00 KST
GATE = CounterInfo("cam", "gate", "line", "site")
PLAZA = CounterInfo("cam", "plaza", "zone")


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def cross(minutes: float, direction: str = "in", camera: str = "cam", counter: str = "gate") -> CountEvent:
    return CountEvent(camera, counter, "cross", direction, 1, at(minutes), "a.mp4", 0)  # type: ignore[arg-type]


def zone(minutes: float, kind: str, dwell: float | None = None, track: int = 1) -> CountEvent:
    direction = "in" if kind == "enter" else "out"
    return CountEvent("cam", "plaza", kind, direction, track, at(minutes), "a.mp4", 0, dwell)  # type: ignore[arg-type]


def footage(a: float, b: float, camera: str = "cam") -> SourceRecord:
    """A recording that covers minutes [a, b) (its last frame, one second long, ends at b)."""
    end = at(b) - timedelta(seconds=1)
    return SourceRecord(camera, f"{camera}.mp4", "done", at(a), end, 1.0, int((b - a) * 60), 1, "test")


def history(
    events: list[CountEvent], counters: list[CounterInfo], sources: list, gaps: tuple = ()
) -> History:
    return History(events, counters, sources, list(gaps))


def rows(table: pd.DataFrame, counter: str = "gate") -> list[tuple]:
    picked = table[table["counter"] == counter]
    return [
        (r.interval_start.strftime("%H:%M"), r.status, None if pd.isna(r["in"]) else int(r["in"]))
        for _, r in picked.iterrows()
    ]


def test_event_exactly_on_a_boundary_belongs_to_the_interval_it_starts():
    table = interval_table(
        history([cross(14.999), cross(15), cross(29.99)], [GATE], [footage(0, 30)]), "15min"
    )
    assert rows(table) == [("10:00", "complete", 1), ("10:15", "complete", 2)]
    first = table.iloc[0]
    assert first["interval_end"] == at(15) and first["net"] == 1 and first["out"] == 0


def test_intervals_align_to_the_clock_in_the_site_timezone():
    # footage from 10:07 to 10:52 KST -> 10:00, 10:15, 10:30, 10:45; the edges are partial
    table = interval_table(history([cross(20)], [GATE], [footage(7, 52)]), "15min", tz="Asia/Seoul")
    assert rows(table) == [
        ("10:00", "partial", 0),
        ("10:15", "complete", 1),
        ("10:30", "complete", 0),
        ("10:45", "partial", 0),
    ]
    assert str(table["interval_start"].iloc[0].tz) == "Asia/Seoul"
    assert table["coverage"].tolist() == [
        pytest.approx(8 / 15, abs=1e-3),
        1.0,
        1.0,
        pytest.approx(7 / 15, abs=1e-3),
    ]


def test_days_start_at_local_midnight_not_utc():
    late = CountEvent("cam", "gate", "cross", "in", 1, datetime(2026, 10, 3, 23, 30, tzinfo=KST), "a", 0)
    early = CountEvent("cam", "gate", "cross", "in", 2, datetime(2026, 10, 4, 0, 30, tzinfo=KST), "a", 0)
    table = interval_table(
        history([late, early], [GATE], [footage(13 * 60, 15 * 60)]), "day", tz="Asia/Seoul"
    )
    assert [(r.interval_start.isoformat(), r["in"]) for _, r in table.iterrows()] == [
        ("2026-10-03T00:00:00+09:00", 1),
        ("2026-10-04T00:00:00+09:00", 1),
    ]


def test_hour_without_footage_is_missing_not_zero():
    table = interval_table(
        history([cross(5), cross(125)], [GATE], [footage(0, 60), footage(120, 180)]), "60min"
    )
    assert rows(table) == [("10:00", "complete", 1), ("11:00", "missing", None), ("12:00", "complete", 1)]
    assert pd.isna(table.iloc[1]["out"]) and pd.isna(table.iloc[1]["net"])


def opened(opening: dict) -> pd.DataFrame:
    """Hourly rows of footage 10:00-11:00 and 12:30-13:00 with these opening hours."""
    made = History(
        [cross(5), cross(155)], [GATE], [footage(0, 60), footage(150, 180)], [], "Asia/Seoul", opening
    )
    return interval_table(made, "60min")


def test_hours_outside_the_opening_hours_are_closed_not_missing():
    assert rows(opened({})) == [("10:00", "complete", 1), ("11:00", "missing", None), ("12:00", "partial", 1)]
    open_all_day = {"2026-10-03": ["00:00", "24:00"]}
    assert rows(opened(open_all_day)) == rows(opened({}))
    # open 12:30 to midnight that day (its own hours win over the default): 11:00 is closed, not
    # missing; 12:00 is complete, its open half seen; 10:00 was seen while closed and still counts
    table = opened({"default": ["10:00", "11:00"], "2026-10-03": ["12:30", "24:00"]})
    assert rows(table) == [("10:00", "complete", 1), ("11:00", "closed", None), ("12:00", "complete", 1)]
    assert [r[1] for r in rows(opened({"default": None}))] == ["complete", "closed", "complete"]
    missing = opened({"default": ["10:00", "12:00"]})  # 11:00 open but unseen
    assert rows(missing)[1] == ("11:00", "missing", None)
    assert counter_summary(table)["intervals_closed"].tolist() == [1]


def test_the_declared_period_and_opening_hours_bound_the_table_not_the_footage():
    """Two festival days open 10:00-12:00; one camera filmed 10:00-10:30 of day one, the other never."""
    dark = CounterInfo("dark", "door", "line", "site")
    made = History(
        [cross(5)],
        [GATE, dark],
        [footage(0, 30)],
        [],
        "Asia/Seoul",
        {"default": ["10:00", "12:00"]},
        (T0.date(), T0.date() + timedelta(days=1)),
    )
    table = interval_table(made, "60min")
    assert len(table) == 2 * 48  # both counters, every hour of both days
    day_two = [r for r in rows(table) if r[0] in ("10:00", "11:00")][2:]
    assert day_two == [("10:00", "missing", None), ("11:00", "missing", None)]  # open, never filmed
    assert rows(table)[0] == ("00:00", "closed", None)
    assert table.iloc[10]["coverage"] == pytest.approx(0.5) and table.iloc[10]["status"] == "partial"
    assert pd.isna(table.iloc[0]["coverage"])  # closed: no open time to cover
    door = table[table["camera"] == "dark"]
    assert set(door["status"]) == {"closed", "missing"} and door["in"].isna().all()
    assert table.iloc[10]["interval_start"].day == 3 and table.iloc[-1]["interval_end"].day == 5


def test_empty_interval_with_footage_is_zero():
    table = interval_table(history([], [GATE], [footage(0, 60)]), "60min")
    assert rows(table) == [("10:00", "complete", 0)]


def test_a_gap_inside_the_footage_makes_the_interval_partial():
    gap = Gap("cam", "cam.mp4", at(20), at(25), "stream down")
    table = interval_table(history([cross(5)], [GATE], [footage(0, 30)], [gap]), "15min")
    assert rows(table) == [("10:00", "complete", 1), ("10:15", "partial", 0)]
    assert table.iloc[1]["coverage"] == pytest.approx(10 / 15, abs=1e-3)


def test_zone_entries_exits_occupancy_and_dwell():
    events = [
        zone(1, "enter", track=1),
        zone(2, "enter", track=2),
        zone(4, "exit", 180.0, track=1),
        zone(14, "exit", 720.0, track=2),
        zone(16, "enter", track=3),
        zone(20, "exit", 240.0, track=3),
    ]
    table = interval_table(history(events, [PLAZA], [footage(0, 30)]), "15min")
    first, second = table.iloc[0], table.iloc[1]
    assert (first["entries"], first["exits"], first["peak_occupancy"]) == (2, 2, 2)
    # occupancy: 0 for 1 min, 1 for 1 min, 2 for 2 min, 1 for 10 min, 0 for 1 min -> 15 person-min
    assert first["mean_occupancy"] == pytest.approx(15 / 15, abs=1e-3)
    assert first["dwell_median_s"] == 450.0 and first["dwell_p90_s"] == pytest.approx(666.0)
    assert (second["entries"], second["exits"], second["peak_occupancy"]) == (1, 1, 1)
    assert pd.isna(first["in"]) and pd.isna(first["net"])  # lines' columns stay empty for zones


def test_occupancy_carries_across_an_interval_boundary():
    events = [zone(10, "enter"), zone(20, "exit", 600.0)]
    table = interval_table(history(events, [PLAZA], [footage(0, 30)]), "15min")
    second = table.iloc[1]
    assert second["entries"] == 0 and second["peak_occupancy"] == 1
    assert second["mean_occupancy"] == pytest.approx(5 / 15, abs=1e-3)


def test_group_totals_across_cameras_are_partial_when_a_camera_has_no_footage():
    east = CounterInfo("east", "gate", "line", "site")
    events = [cross(5), cross(6, "out"), cross(7, camera="east"), cross(70)]
    footages = [footage(0, 120), footage(0, 60, camera="east")]
    groups = group_table(interval_table(history(events, [GATE, east], footages), "60min"))
    assert groups[["group", "status", "cameras", "in", "out", "net"]].values.tolist() == [
        ["site", "complete", 2, 2, 1, 1],
        ["site", "partial", 2, 1, 0, 1],
    ]


def test_unknown_interval_is_a_clear_error():
    assert parse_interval("1h") == "60min"
    with pytest.raises(CrowdcountError, match="interval 7min: use one of"):
        parse_interval("7min")
