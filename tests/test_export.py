"""Exports of a real run, read back with pandas, openpyxl and pyarrow: totals match the events."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pandas as pd
import pyarrow.parquet as pq
import pytest

from crowdcount.store import EventStore
from helpers import crowdcount

FORMATS = ["csv", "xlsx", "parquet", "json"]


def export(db: Path, out: Path, *args: str) -> None:
    result = crowdcount("export", "--db", db, "--out", out, *args)
    assert result.returncode == 0, result.stderr


def read(path: Path) -> pd.DataFrame:
    if path.suffix == ".csv":
        return pd.read_csv(path)
    if path.suffix == ".json":
        return pd.DataFrame(json.loads(path.read_text(encoding="utf-8")))
    if path.suffix == ".parquet":
        return pq.read_table(path).to_pandas()
    frames = []
    for sheet in openpyxl.load_workbook(path).worksheets:
        if sheet.title != "summary":
            header, *rows = sheet.values
            frames.append(pd.DataFrame(rows, columns=header))
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def expected(processed_db) -> dict[tuple[str, str], int]:
    counts: dict[tuple[str, str], int] = {}
    for event in EventStore(processed_db, create=False).events():
        key = (event.counter, event.kind if event.kind != "cross" else event.direction)
        counts[key] = counts.get(key, 0) + 1
    return counts


@pytest.mark.parametrize("fmt", FORMATS)
def test_interval_exports_add_up_to_the_events(tmp_path, processed_db, expected, fmt):
    out = tmp_path / f"intervals.{fmt}"
    export(processed_db, out, "--what", "intervals", "--interval", "1min", "--format", fmt)
    table = read(out)
    assert list(table.columns)[:8] == ["camera", "counter", "type", "group", "interval_start",
                                       "interval_end", "status", "coverage"]  # fmt: skip
    assert set(table["status"]) == {"complete", "partial"}
    lamppost, junction = table[table["counter"] == "lamppost"], table[table["counter"] == "junction"]
    assert lamppost["in"].sum() == expected[("lamppost", "in")]
    assert lamppost["out"].sum() == expected[("lamppost", "out")]
    assert junction["entries"].sum() == expected[("junction", "enter")]
    assert junction["exits"].sum() == expected[("junction", "exit")]
    if fmt in ("csv", "json"):
        assert table["interval_start"].iloc[0] == "2009-03-01T10:00:00+09:00"
    if fmt == "parquet":
        assert str(table["interval_start"].dt.tz) == "Asia/Seoul"


@pytest.mark.parametrize("fmt", FORMATS)
def test_event_exports_have_one_row_per_event(tmp_path, processed_db, expected, fmt):
    out = tmp_path / f"events.{fmt}"
    export(processed_db, out, "--what", "events", "--format", fmt)
    table = read(out)
    assert list(table.columns) == ["camera", "counter", "kind", "direction", "track_id", "timestamp",
                                   "source", "frame"]  # fmt: skip
    assert len(table) == sum(expected.values())


def test_excel_has_a_summary_and_a_sheet_per_camera(tmp_path, processed_db, expected):
    out = tmp_path / "intervals.xlsx"
    export(processed_db, out, "--what", "intervals", "--interval", "15min", "--format", "xlsx")
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["summary", "pets-view1"]
    rows = list(book["summary"].values)
    header, lamppost = rows[0], dict(zip(rows[0], rows[1], strict=True))
    assert "intervals_missing" in header and lamppost["counter"] == "lamppost"
    assert lamppost["in"] == expected[("lamppost", "in")]


def test_group_totals_sum_the_lines_of_the_group(tmp_path, processed_db, expected):
    out = tmp_path / "groups.csv"
    export(processed_db, out, "--what", "groups", "--interval", "day", "--format", "csv")
    table = pd.read_csv(out)
    assert table["group"].tolist() == ["walkways"]
    assert table["in"].sum() == expected[("lamppost", "in")] + expected[("west", "in")]
