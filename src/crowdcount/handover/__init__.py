"""Files for people: CSV, Excel, Parquet and JSON exports, the HTML and PDF report, plots and labels.

What other packages use from it is named here and imported only when first asked for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from crowdcount.faces import lazy_names

if TYPE_CHECKING:
    from crowdcount.handover.export import export_store, with_iso_times
    from crowdcount.handover.labels import LABELS, labels_for
    from crowdcount.handover.report import embedded_font_css, write_report

_WHERE = {
    "LABELS": "labels",
    "embedded_font_css": "report",
    "export_store": "export",
    "labels_for": "labels",
    "with_iso_times": "export",
    "write_report": "report",
}
__all__ = [
    "LABELS",
    "embedded_font_css",
    "export_store",
    "labels_for",
    "with_iso_times",
    "write_report",
]

__getattr__ = lazy_names(__name__, _WHERE)
