"""The file formats tables are exported in, and the rule that keeps text inert in a spreadsheet (a module
of its own, so the CLI names them without pandas)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from crowdcount.errors import CrowdcountError


class Format(StrEnum):
    csv = "csv"
    xlsx = "xlsx"
    parquet = "parquet"
    json = "json"


TABLE_SUFFIXES: dict[str, tuple[str, ...]] = {
    "csv": (".csv",),
    "xlsx": (".xlsx",),
    "parquet": (".parquet",),
    "json": (".json",),
}
REPORT_SUFFIXES: dict[str, tuple[str, ...]] = {"html": (".html", ".htm"), "pdf": (".pdf",)}


def format_for(
    path: Path, chosen: str | None, suffixes: dict[str, tuple[str, ...]], option: str = "--out"
) -> str:
    """The format ``path`` is written in: ``chosen`` (``--format``), else the one its suffix names. A
    one-line error for a suffix that is none of ``suffixes``' (a report named ``r.docx`` would get HTML
    inside), or that another format owns than the one chosen.

    >>> format_for(Path("counts.xlsx"), None, TABLE_SUFFIXES)
    'xlsx'
    >>> format_for(Path("r.HTM"), "html", REPORT_SUFFIXES)
    'html'
    """
    suffix = path.suffix.lower()
    named = next((name for name, endings in suffixes.items() if suffix in endings), None)
    if named is None:
        endings = ", ".join(endings[0] for endings in suffixes.values())
        raise CrowdcountError(
            f"{option} {path}: {suffix or 'no suffix'} is not a file type this writes; end the name in "
            f"one of {endings}"
        )
    if chosen is not None and chosen != named:
        raise CrowdcountError(
            f"{option} {path}: --format {chosen} writes a {suffixes[chosen][0]} file, not {suffix}; name it "
            f"{path.with_suffix(suffixes[chosen][0]).name} or leave --format out"
        )
    return named


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
