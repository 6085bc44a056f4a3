"""Tables to files: CSV, Excel (a handover workbook: cover, summary, day totals, a sheet per camera),
Parquet, JSON."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from openpyxl.utils import get_column_letter

from crowdcount.datatypes import History, counter_key
from crowdcount.errors import CrowdcountError
from crowdcount.formats import FORMULA_STARTS, Format, spreadsheet_text
from crowdcount.handover.labels import EXPORT_HEADERS_KO, EXPORT_VALUES_KO, labels_for, model_words
from crowdcount.paths import output_file, replaced_whole
from crowdcount.tables.aggregate import (
    counter_summary,
    event_summary,
    event_table,
    filmed,
    group_summary,
    group_table,
    interval_table,
    interval_tables,
    parse_interval,
)
from crowdcount.tables.factored import Factored
from crowdcount.tables.summary import covered_days, gate_days

if TYPE_CHECKING:
    from crowdcount.audit import Combined


def _datetime_columns(table: pd.DataFrame) -> list[str]:
    return [c for c in table.columns if isinstance(table[c].dtype, pd.DatetimeTZDtype)]


def with_iso_times(table: pd.DataFrame) -> pd.DataFrame:
    """Timestamps as ISO 8601 text with their UTC offset (``2026-10-03T10:00:00+09:00``)."""
    table = table.copy(deep=False)  # new columns replace the times; the rest is shared, not copied
    for column in _datetime_columns(table):  # each distinct time written once (a year has many rows a time)
        codes, distinct = pd.factorize(table[column])
        texts = np.array([t.isoformat() for t in distinct] + [None], dtype=object)
        table[column] = texts[codes]  # code -1 (NaT) takes the last: None
    return table


def with_date_hour(table: pd.DataFrame) -> pd.DataFrame:
    """The table with ``date`` (``2026-10-03``) and ``hour`` (0-23) of each row's local time (its
    interval's start, or its event's moment) beside that time, for a spreadsheet's pivot."""
    column = "interval_start" if "interval_start" in table.columns else "timestamp"
    if column not in table.columns:
        return table
    table = table.copy(deep=False)
    at = table.columns.get_loc(column) + 1
    table.insert(at, "date", table[column].dt.strftime("%Y-%m-%d"))
    table.insert(at + 1, "hour", table[column].dt.hour.astype("Int64"))
    return table


def with_local_times(table: pd.DataFrame) -> pd.DataFrame:
    """Timestamps as naive local wall clock (Excel has no time zones)."""
    table = table.copy()
    for column in _datetime_columns(table):
        table[column] = table[column].dt.tz_localize(None)
    return table


def sheet_name(text: str, taken: set[str]) -> str:
    """A valid, unique Excel sheet name (31 characters, none of []:*?/\\)."""
    base = re.sub(r"[\[\]:*?/\\]", "_", text)[:31] or "sheet"
    name, number = base, 2
    while name.lower() in taken:
        name = f"{base[: 31 - len(str(number)) - 1]}~{number}"
        number += 1
    taken.add(name.lower())
    return name


@dataclass(frozen=True)
class Workbook:
    """What an Excel file holds besides its table: its language (Korean headers and words by
    default; English keeps the documented column names), a cover sheet of (label, value) rows, more
    sheets (title -> table) and the store's context, whose display names join the ids."""

    lang: str = "ko"
    cover: list[tuple[str, str]] = field(default_factory=list)
    sheets: dict[str, pd.DataFrame] = field(default_factory=dict)
    context: dict[str, Any] = field(default_factory=dict)


def write_table(
    table: pd.DataFrame,
    path: Path,
    fmt: Format,
    summary: pd.DataFrame | None = None,
    split_by: str = "camera",
    timezone_name: str = "",
    book: Workbook | None = None,
) -> None:
    """Write one table; Excel gets a cover, a ``summary`` sheet, ``book``'s sheets and one sheet per
    ``split_by`` value. CSV is UTF-8 with a byte-order mark, so Excel opens Korean text right."""
    if fmt is not Format.xlsx:
        write_parts([table], path, fmt)
        return
    output_file(path, "export")
    _fits_excel(table, split_by, book or Workbook(), path)
    try:
        with replaced_whole(path) as partial:  # never a partial file, nor the previous one lost
            _write_excel(table, partial, summary, split_by, timezone_name, book or Workbook())
    except OSError as error:
        raise CrowdcountError(f"cannot write {path}: {error.strerror or error}") from None


def write_parts(parts: Iterable[pd.DataFrame], path: Path, fmt: Format) -> int:
    """Write a table given in parts (the interval table camera by camera: a year of 1-minute rows is
    never held whole) as CSV, JSON or Parquet, never a partial file; the rows written. CSV is UTF-8
    with a byte-order mark, so Excel opens Korean text right."""
    if fmt is Format.xlsx:
        raise ValueError("an Excel workbook is written whole: write_table")
    output_file(path, "export")
    rows = 0
    try:
        with replaced_whole(path) as partial:
            if fmt is Format.parquet:
                import fastparquet

                for part in parts:
                    fastparquet.write(str(partial), part, append=rows > 0)
                    rows += len(part)
                return rows
            with partial.open(
                "w", encoding="utf-8-sig" if fmt is Format.csv else "utf-8", newline=""
            ) as file:
                file.write("" if fmt is Format.csv else "[")
                for part in parts:
                    shown = with_iso_times(part)
                    if fmt is Format.csv:
                        inert_text(shown).to_csv(file, index=False, header=rows == 0)
                    elif len(shown):
                        records = shown.to_json(orient="records", force_ascii=False)[1:-1]
                        file.write(("," if rows else "") + records)
                    rows += len(part)
                file.write("" if fmt is Format.csv else "]")
    except OSError as error:
        raise CrowdcountError(f"cannot write {path}: {error.strerror or error}") from None
    return rows


def _fits_excel(table: pd.DataFrame, split_by: str, book: Workbook, path: Path) -> None:
    """A one-line error, before anything is written, when a sheet would pass Excel's row limit."""
    parts = table[split_by].value_counts() if split_by in table.columns else pd.Series([len(table)])
    biggest = max([int(parts.max()) if len(parts) else 0, *(len(sheet) for sheet in book.sheets.values())])
    if biggest >= EXCEL_ROWS:
        raise CrowdcountError(
            f"{path}: a sheet would have {biggest:,} rows, more than Excel's {EXCEL_ROWS - 1:,}; "
            "export CSV or Parquet, or choose a longer --interval"
        )


def inert_text(table: pd.DataFrame) -> pd.DataFrame:
    """The table with text a spreadsheet would run as a formula made inert (``spreadsheet_text``)."""
    table = table.copy(deep=False)  # only the columns made inert are new
    for column in table.columns:
        values = table[column]
        if not (pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values)):
            continue
        if values.str.startswith(FORMULA_STARTS, na=False).any():
            table[column] = values.map(spreadsheet_text)
    return table


EXCEL_ROWS = 1_048_576  # rows in an Excel sheet, its header row included
DAY_SHEET = {"ko": "일별 합계", "en": "days"}
TIME_NOTE = {"ko": "시각은 모두 현지 시각({zone})입니다", "en": "times are local wall clock, {zone}"}
SHEET_TITLES = {
    "ko": {"cover": "표지", "summary": "요약", "data": "데이터"},
    "en": {"cover": "cover", "summary": "summary", "data": "data"},
}


def _write_excel(
    table: pd.DataFrame,
    path: Path,
    summary: pd.DataFrame | None,
    split_by: str,
    timezone_name: str,
    book: Workbook,
) -> None:
    """The workbook in openpyxl's write-only mode: rows go to disk as they are written (a year of
    hourly rows held as cell objects took 2.3 GB)."""
    from openpyxl import Workbook as ExcelBook

    titles = SHEET_TITLES[book.lang]
    taken: set[str] = set()
    workbook = ExcelBook(write_only=True)

    site = str(book.context.get("name") or "")

    def put(frame: pd.DataFrame, title: str, header: bool = True) -> None:
        shown = _for_people(frame, book) if header else frame
        sheet = workbook.create_sheet(sheet_name(title, taken))
        _print_setup(sheet, site, header)
        _write_sheet(sheet, with_local_times(shown), shown, header)

    note = TIME_NOTE[book.lang].format(zone=timezone_name or "-")
    put(pd.DataFrame([*book.cover, ("", note), ("", MARKS_NOTE[book.lang])]), titles["cover"], header=False)
    put(summary if summary is not None else pd.DataFrame({"rows": [len(table)]}), titles["summary"])
    for title, sheet in book.sheets.items():
        put(sheet, title)
    if "status" in table.columns:  # the hours the site is closed are left out of what is printed
        table = table[table["status"] != "closed"]
    names = book.context.get("cameras" if split_by == "camera" else "groups", {})
    if split_by in table.columns and not table.empty:
        for value, part in table.groupby(split_by, sort=True):
            put(_kinds_only(part), str(names.get(value) or value))
    else:
        put(table, titles["data"])
    workbook.save(path)


ZONE_ONLY = ("entries", "exits", "mean_occupancy", "peak_occupancy", "dwell_median_s", "dwell_p90_s")
LINE_ONLY = ("in", "out", "net")


def _kinds_only(part: pd.DataFrame) -> pd.DataFrame:
    """A camera's sheet without the zones' columns when it has no zone (and the lines' when it has no
    line): fewer columns, a larger print on the page's width."""
    if "type" not in part.columns:
        return part
    kinds = set(part["type"])
    unused = [*(ZONE_ONLY if "zone" not in kinds else ()), *(LINE_ONLY if "line" not in kinds else ())]
    return part.drop(columns=[c for c in part.columns if c in unused or c.rsplit("_", 1)[0] in unused])


def _print_setup(sheet: Any, site: str, header: bool) -> None:
    """What an office prints and files: A4 landscape, every column on the page's width, the header
    row repeated on every page, the site and sheet at the top of each and page N of M at the foot."""
    from openpyxl.worksheet.properties import PageSetupProperties

    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = "9"  # A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as it takes
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    if header:
        sheet.print_title_rows = "1:1"
    sheet.oddHeader.left.text = site.replace("&", "&&")
    sheet.oddHeader.right.text = "&A"  # the sheet's name
    sheet.oddFooter.center.text = "&P / &N"


def _write_sheet(sheet: Any, values: pd.DataFrame, shown: pd.DataFrame, header: bool) -> None:
    """One sheet: frozen, filtered header row, widths that fit the text, number formats by column,
    and text that looks like a formula stored as text (an export holds values, never formulas)."""
    from openpyxl.cell import WriteOnlyCell

    columns = list(shown.columns)
    for index, column in enumerate(columns, start=1):
        texts = [str(column) if header else ""] + [str(v) for v in shown[column].head(500) if pd.notna(v)]
        sheet.column_dimensions[get_column_letter(index)].width = min(max(_width(t) for t in texts) + 2, 50)
    if header:
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = f"A1:{get_column_letter(max(len(columns), 1))}{len(values) + 1}"
        sheet.append([_header_cell(sheet, str(column)) for column in columns])
    styles = [_number_format(str(column), shown[column]) for column in columns]
    for row in values.itertuples(index=False, name=None):
        cells = []
        for value, style in zip(row, styles, strict=True):
            cell = WriteOnlyCell(sheet, value=None if _missing(value) else _plain(value))
            if cell.data_type == "f":
                cell.data_type = "s"
            if style is not None:
                cell.number_format = style
            cells.append(cell)
        sheet.append(cells)


def _header_cell(sheet: Any, text: str) -> Any:
    """A header cell: bold on a grey band, a rule beneath."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Border, Font, PatternFill, Side

    cell = WriteOnlyCell(sheet, value=text)
    cell.font = Font(bold=True)
    cell.fill = PatternFill("solid", start_color="E6E6E6")
    cell.border = Border(bottom=Side(style="thin"))
    return cell


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value)


def _plain(value: object) -> object:
    """A cell value openpyxl takes: numpy and pandas scalars as Python ones."""
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, np.generic):
        return value.item()
    return value


def _for_people(frame: pd.DataFrame, book: Workbook) -> pd.DataFrame:
    """Display names beside the ids, and (in Korean) Korean headers and words."""
    shown = frame.copy()
    cameras, counters = book.context.get("cameras", {}), book.context.get("counters", {})
    groups = book.context.get("groups", {})
    if cameras and "camera" in shown.columns and "camera_name" not in shown.columns:
        shown.insert(shown.columns.get_loc("camera") + 1, "camera_name", shown["camera"].map(cameras))
    if counters and {"camera", "counter"} <= set(shown.columns) and "counter_name" not in shown.columns:
        keys = zip(shown["camera"], shown["counter"], strict=True)
        names = [counters.get(counter_key(camera, counter)) for camera, counter in keys]
        shown.insert(shown.columns.get_loc("counter") + 1, "counter_name", names)
    if groups and "group" in shown.columns:
        shown.insert(shown.columns.get_loc("group") + 1, "group_name", shown["group"].map(groups))
    for column in ("dwell_median_s", "dwell_p90_s"):
        if column in shown.columns:
            shown[column] = shown[column].round(1)
    if book.lang != "ko":
        return shown
    for column, words in EXPORT_VALUES_KO.items():
        if column in shown.columns:
            shown[column] = shown[column].map(lambda v, w=words: w.get(v, v))
    return shown.rename(columns=EXPORT_HEADERS_KO)


def _width(text: str) -> int:
    """Columns a text takes in Excel: wide (Hangul, CJK) characters count twice."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


SHARE_FORMAT = '[=0]"0%";[<0.001]"<0.1%";0.0%'  # a sliver filmed is never shown as 0 %
COVERAGE_HEADERS = {"coverage", "filmed", EXPORT_HEADERS_KO["coverage"], EXPORT_HEADERS_KO["filmed"]}
MARKS = {"partial": "{value}*", "missing": "-", "closed": "·"}  # as the report marks its day table
MARKS_NOTE = {
    "ko": "일별 합계: * 일부만 촬영된 날(최소 인원), - 영상 없음(0이 아니라 누락), · 휴장",
    "en": "days: * partly filmed (a lower bound), - no footage (missing, not 0), · closed",
}


def day_sheet(
    days: pd.DataFrame,
    context: dict[str, Any],
    lang: str,
    estimates: Sequence[Combined] = (),
    factored: Sequence[Factored | None] = (),
) -> pd.DataFrame:
    """:func:`crowdcount.tables.summary.gate_days` as the workbook's day sheet: a complete day's
    count as a number, a partly filmed one with ``*``, ``-`` where nothing was filmed; groups named;
    with ``estimates`` (one per row), the audited total and its 95 % bounds beside each total; with
    ``factored`` (one per row), the estimated total over all open hours and its bounds."""
    if days.empty:
        return days
    shown = days[[c for c in days.columns if not c.startswith("status ")]].copy()
    for column in [c for c in shown.columns if c[:4].isdigit()] + ["total"]:
        shown[column] = [
            value if status == "complete" else MARKS[status].format(value=f"{value:,}")
            for value, status in zip(days[column], days[f"status {column}"], strict=True)
        ]
    groups, names = shown["camera"] == "", context.get("counters", {})
    keys = zip(shown["camera"], shown["counter"], strict=True)
    shown.insert(1, "camera_name", shown["camera"].map(context.get("cameras", {})))
    shown.insert(3, "counter_name", [names.get(counter_key(camera, counter)) for camera, counter in keys])
    for prefix, found in (("estimate", estimates), ("factored", factored)):
        for name, part in ((prefix, "estimate"), (f"{prefix}_low", "low"), (f"{prefix}_high", "high")):
            if found:
                shown[name] = [None if one is None else getattr(one, part) for one in found]
    shown.loc[groups, "camera_name"] = labels_for(lang)["group"]
    shown.loc[groups, "counter_name"] = shown.loc[groups, "counter"].map(
        lambda g: context.get("groups", {}).get(g, g)
    )
    return shown


def _write_portal(
    history: History,
    context: dict[str, Any],
    out: Path,
    fmt: Format,
    interval: str,
    zone: str,
    camera: str | None,
) -> int:
    """The public-data-portal file (``handover.portal``) and, beside it, its metadata as
    ``NAME-metadata.csv``; the rows written."""
    from crowdcount.handover.portal import portal_metadata, portal_table

    today = datetime.now(ZoneInfo(zone)).date()
    intervals = interval_table(history, interval, zone)
    if camera is not None:
        intervals = intervals[intervals["camera"] == camera]
    table = portal_table(intervals, context, today)
    write_table(table, out, fmt, split_by="")
    metadata = out.with_name(f"{out.stem}-metadata.csv")
    write_table(portal_metadata(context, len(table), interval, today), metadata, Format.csv)
    return len(table)


def _number_format(column: str, values: pd.Series) -> str | None:
    if isinstance(values.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_any_dtype(values):
        return "yyyy-mm-dd hh:mm"
    if column in COVERAGE_HEADERS:
        return SHARE_FORMAT
    if pd.api.types.is_integer_dtype(values):
        return "#,##0"
    if pd.api.types.is_float_dtype(values):
        return "#,##0.0"
    return None


COVER_LABELS = {
    "ko": {
        "site": "행사",
        "period": "기간",
        "department": "부서",
        "author": "작성자",
        "generated": "생성 시각",
        "table": "내보낸 표",
        "footage": "처리한 영상",
        "model": "검출 모델",
        "config": "설정 해시",
        "accuracy": "정확도",
        "unaudited": "이 현장: 검수 전, 표본 검수가 없어 오차 범위가 없습니다",
        "recordings": "개 파일",
        "hours": "시간",
        "reviewed": "구간 검수",
    },
    "en": {
        "site": "Site",
        "period": "Period",
        "department": "Department",
        "author": "Author",
        "generated": "Generated",
        "table": "Table",
        "footage": "Footage",
        "model": "Detector model",
        "config": "Config hash",
        "accuracy": "Accuracy",
        "unaudited": "this site: unaudited, no sample has been reviewed, so no error bar",
        "recordings": "file(s)",
        "hours": "h",
        "reviewed": "windows reviewed",
    },
}


def cover_rows(
    history: History,
    context: dict[str, Any],
    audit_rows: list[dict[str, Any]],
    lang: str,
    table: str,
    generated: datetime,
) -> list[tuple[str, str]]:
    """The cover sheet: what the file is, of what site and footage, made how, and how accurate."""
    words = COVER_LABELS[lang]
    zone = ZoneInfo(history.timezone)
    spans = [s.footage for s in history.sources]
    days = covered_days(history, context)
    period = "-" if days is None else f"{days[0]:%Y-%m-%d} - {days[1]:%Y-%m-%d}"
    hours = sum(s.seconds for s in spans) / 3600
    accuracy = [
        f"{row['camera']}/{row['counter']} {row['direction']}: {row['estimate']:,.0f} "
        f"(95 % {row['low']:,.0f}-{row['high']:,.0f}), {row['reviewed']}/{row['windows']} {words['reviewed']}"
        for row in audit_rows
        if row["low"] is not None
    ]
    rows = [
        (words["site"], context.get("name") or "-"),
        (words["period"], period),
        (words["department"], context.get("department") or "-"),
        (words["author"], context.get("author") or "-"),
        (words["generated"], f"{generated.astimezone(zone):%Y-%m-%d %H:%M}"),
        (words["table"], table),
        (words["footage"], f"{len(history.sources)} {words['recordings']}, {hours:,.2f} {words['hours']}"),
        (words["model"], " / ".join(sorted({model_words(s.model, lang) for s in history.sources})) or "-"),
        (words["config"], context.get("config_hash") or "-"),
    ]
    measured = labels_for(lang)["method_measured"]  # the report's line: what public footage showed
    return rows + [(words["accuracy"], line) for line in [measured, *(accuracy or [words["unaudited"]])]]


ExportKind = Literal["events", "intervals", "groups", "portal"]


def export_store(
    db: str | Path,
    out: Path,
    what: ExportKind,
    fmt: Format,
    interval: str = "15min",
    tz: str | None = None,
    camera: str | None = None,
    lang: str = "ko",
    korean: bool = False,
    date_hour: bool = False,
) -> int:
    """Write a store's events, interval table or group table to ``out`` in ``fmt``; the rows written.
    ``korean``: CSV, JSON and Parquet with Korean headers, words and display names (Excel has them
    with ``lang`` ko); ``date_hour``: separate local date and hour columns beside each time.

    Intervals are clock-aligned in ``tz`` (default: the site's); an Excel file is the handover
    workbook (cover, summary, day totals, a sheet per camera or group). CSV, Parquet and JSON
    intervals are written camera by camera, so a year of 1-minute rows is never held whole.
    """
    from crowdcount.audit import audit_rows, store_audits, with_estimates, with_group_estimates
    from crowdcount.handover.page_one import row_figures
    from crowdcount.store.events import EventStore

    if lang not in SHEET_TITLES:
        raise CrowdcountError(f"--lang {lang}: use ko or en")
    store = EventStore(db, create=False)
    zone = tz or store.timezone()
    parse_interval(interval)
    output_file(out, "--out")
    if camera is not None:
        cameras = sorted({c.camera for c in store.counters()} | {s.camera for s in store.sources()})
        if camera not in cameras:
            raise CrowdcountError(
                f"no camera {camera!r} in {db}; its cameras: {', '.join(cameras) or 'none'}"
            )
    history = store.history()
    audits = store_audits(store, history)
    context = store.context()
    shown = what if what == "events" else f"{what}, {interval}"
    book = Workbook(
        lang,
        cover_rows(history, context, audit_rows(audits), lang, shown, datetime.now(UTC)),
        context=context,
    )

    def shaped(table: pd.DataFrame) -> pd.DataFrame:
        dated = with_date_hour(table) if date_hour else table
        return _for_people(dated, replace(book, lang="ko")) if korean and fmt is not Format.xlsx else dated

    if what == "events":
        table = event_table(store.events(camera=camera), zone)
        table["source"] = [Path(source).name for source in table["source"]]  # not the server's paths
        write_table(shaped(table), out, fmt, event_summary(table), "camera", zone, book)
        return len(table)
    if what == "portal":
        return _write_portal(history, context, out, fmt, interval, zone, camera)
    if what == "intervals" and fmt is not Format.xlsx:  # written camera by camera
        parts = (
            shaped(with_estimates(part, audits))
            for part in interval_tables(history, interval, zone)
            if camera is None or part["camera"].iloc[0] == camera
        )
        return write_parts(parts, out, fmt)
    intervals = with_estimates(interval_table(history, interval, zone), audits)
    if camera is not None:
        intervals = intervals[intervals["camera"] == camera]
    if what == "intervals":
        daily = interval_table(history, "day", zone)
        shown_days = daily if camera is None else daily[daily["camera"] == camera]
        days = gate_days(shown_days, filmed(history, zone))
        figures = row_figures(days, shown_days, interval_table(history, "60min", zone), audits)
        book.sheets[DAY_SHEET[lang]] = day_sheet(days, context, lang, figures.audited, figures.whole)
        summary = with_estimates(counter_summary(intervals), audits)
        write_table(shaped(intervals), out, fmt, summary, "camera", zone, book)
        return len(intervals)
    groups = with_group_estimates(group_table(intervals), intervals)
    write_table(shaped(groups), out, fmt, group_summary(groups), "group", zone, book)
    return len(groups)
