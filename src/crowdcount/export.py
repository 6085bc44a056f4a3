"""Tables to files: CSV, Excel (a sheet per camera plus a summary), Parquet, JSON."""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path

import pandas as pd

from crowdcount.errors import CrowdcountError
from crowdcount.paths import output_file


class Format(StrEnum):
    csv = "csv"
    xlsx = "xlsx"
    parquet = "parquet"
    json = "json"


def _datetime_columns(table: pd.DataFrame) -> list[str]:
    return [c for c in table.columns if isinstance(table[c].dtype, pd.DatetimeTZDtype)]


def with_iso_times(table: pd.DataFrame) -> pd.DataFrame:
    """Timestamps as ISO 8601 text with their UTC offset (``2026-10-03T10:00:00+09:00``)."""
    table = table.copy()
    for column in _datetime_columns(table):
        table[column] = table[column].map(lambda t: t.isoformat() if pd.notna(t) else None)
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


def write_table(
    table: pd.DataFrame,
    path: Path,
    fmt: Format,
    summary: pd.DataFrame | None = None,
    split_by: str = "camera",
    timezone_name: str = "",
) -> None:
    """Write one table; Excel gets a ``summary`` sheet and one sheet per ``split_by`` value."""
    output_file(path, "export")
    try:
        if fmt is Format.csv:
            with_iso_times(table).to_csv(path, index=False)
        elif fmt is Format.json:
            with_iso_times(table).to_json(path, orient="records", force_ascii=False, indent=1)
        elif fmt is Format.parquet:
            table.to_parquet(path, index=False)
        else:
            _write_excel(table, path, summary, split_by, timezone_name)
    except OSError as error:
        raise CrowdcountError(f"cannot write {path}: {error.strerror or error}") from None


def _write_excel(
    table: pd.DataFrame, path: Path, summary: pd.DataFrame | None, split_by: str, timezone_name: str
) -> None:
    taken: set[str] = set()
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        front = summary if summary is not None else pd.DataFrame({"rows": [len(table)]})
        note = pd.DataFrame({"note": [f"times are local wall clock, {timezone_name}".strip(", ")]})
        with_local_times(front).to_excel(writer, sheet_name=sheet_name("summary", taken), index=False)
        note.to_excel(writer, sheet_name="summary", index=False, startrow=len(front) + 2)
        if split_by in table.columns and not table.empty:
            for value, part in table.groupby(split_by, sort=True):
                part = with_local_times(part)
                part.to_excel(writer, sheet_name=sheet_name(str(value), taken), index=False)
        else:
            with_local_times(table).to_excel(writer, sheet_name=sheet_name("data", taken), index=False)
