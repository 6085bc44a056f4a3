"""HTML -> an A4 PDF through headless Chromium (Playwright): the page's print CSS, page numbers."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from crowdcount.errors import CrowdcountError

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
PAGE_MARGIN: Any = {
    "top": "14mm",
    "bottom": "16mm",
    "left": "12mm",
    "right": "12mm",
}  # Playwright's PdfMargins
# Chromium draws the footer apart from the page (without its fonts): numbers only, "3 / 12".
FOOTER = (
    '<div style="width: 100%; text-align: center; font-size: 8px; color: #666;">'
    '<span class="pageNumber"></span> / <span class="totalPages"></span></div>'
)
NEEDS_PLAYWRIGHT = "report --format pdf needs the pdf extra: pip install 'crowdcount[pdf]'"
NEEDS_CHROMIUM = (
    "report --format pdf needs Chromium: install Debian's chromium (sudo apt-get install chromium), "
    "or run `playwright install chromium`, or set CROWDCOUNT_CHROMIUM to a Chromium executable"
)


def find_chromium() -> str | None:
    """``CROWDCOUNT_CHROMIUM``, else a Chromium or Chrome on PATH; None: Playwright's own, if installed."""
    named = os.environ.get("CROWDCOUNT_CHROMIUM")
    if named:
        if not Path(named).is_file():
            raise CrowdcountError(
                f"CROWDCOUNT_CHROMIUM {named}: no such file; point it at a Chromium executable"
            )
        return named
    return next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)


def html_to_pdf(html: str, out: Path) -> Path:
    """Print ``html`` (self-contained: no network is used) to ``out`` as A4 pages numbered at the foot."""
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError as error:
        raise CrowdcountError(NEEDS_PLAYWRIGHT) from error
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=find_chromium())
        except Error as error:
            raise CrowdcountError(NEEDS_CHROMIUM) from error
        try:
            page = browser.new_page()
            page.route("**/*", lambda route: route.abort())  # the report needs nothing from outside
            page.set_content(html, wait_until="load")
            page.pdf(
                path=str(out),
                format="A4",
                print_background=True,
                margin=PAGE_MARGIN,
                display_header_footer=True,
                header_template="<span></span>",
                footer_template=FOOTER,
            )
        finally:
            browser.close()
    return out
