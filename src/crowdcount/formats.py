"""The file formats tables are exported in, and the rule that keeps text inert in a spreadsheet (a module
of its own, so the CLI names them without pandas)."""

from __future__ import annotations

from enum import StrEnum


class Format(StrEnum):
    csv = "csv"
    xlsx = "xlsx"
    parquet = "parquet"
    json = "json"


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # OWASP's CSV injection rule


def spreadsheet_text(value: object) -> object:
    """Text a spreadsheet would run as a formula (a group or file name like ``=HYPERLINK(...)``), made
    inert with a leading apostrophe, as OWASP's CSV injection rule says; anything else unchanged.

    >>> spreadsheet_text("=cmd|' /C calc'!A0"), spreadsheet_text("north gate"), spreadsheet_text(-3)
    ("'=cmd|' /C calc'!A0", 'north gate', -3)
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
