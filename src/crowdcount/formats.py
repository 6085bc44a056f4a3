"""The file formats tables are exported in (a module of its own, so the CLI names them without pandas)."""

from __future__ import annotations

from enum import StrEnum


class Format(StrEnum):
    csv = "csv"
    xlsx = "xlsx"
    parquet = "parquet"
    json = "json"
