"""The HTML report: built from real stores, read back, and rendered in headless Chromium."""

from __future__ import annotations

import base64
import io
import re
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
from PIL import Image

from crowdcount.datatypes import CounterInfo, CountEvent, SourceRecord
from crowdcount.handover.labels import labels_for
from crowdcount.handover.report import build_report
from crowdcount.store.events import EventStore
from helpers import START, chromium_page, crowdcount


def report(db: Path, out: Path, *args: str) -> str:
    result = crowdcount("report", "--db", db, "--out", out, *args)
    assert result.returncode == 0, result.stderr
    return out.read_text(encoding="utf-8")


def images(html: str) -> list[Image.Image]:
    return [
        Image.open(io.BytesIO(base64.b64decode(data)))
        for data in re.findall(r'src="data:image/png;base64,([^"]+)"', html)
    ]


def headline(html: str, key: str) -> str:
    found = re.search(rf'id="headline-{key}"><div class="value">([^<]+)<', html)
    assert found, key
    return found.group(1)


def test_report_of_a_real_run_in_english_and_korean(tmp_path, processed_db):
    events = EventStore(processed_db, create=False).events()
    english = report(processed_db, tmp_path / "en.html", "--lang", "en", "--interval", "1min")
    assert headline(english, "total_in") == str(
        sum(e.kind == "cross" and e.direction == "in" for e in events)
    )
    assert headline(english, "zone_entries") == str(sum(e.kind == "enter" for e in events))
    assert "Foot-traffic report" in english and "lamppost" in english and "vtest.avi" in english
    plots = images(english)
    assert len(plots) == 6  # lamppost, west, junction, group walkways, heatmap, junction dwell
    assert all(p.format == "PNG" and p.width > 500 and p.height > 150 for p in plots)
    assert not re.search(r'(src|href)="(https?:)?//', english)  # self-contained: nothing fetched
    korean = report(processed_db, tmp_path / "ko.html", "--lang", "ko")
    assert "유동인구 보고서" in korean and "시간대별 진입 / 진출 / 순증" in korean
    assert "@font-face" in korean and "data:font/woff;base64," in korean


def test_hours_without_footage_are_shown_missing_not_zero(tmp_path):
    store = EventStore(tmp_path / "events.db")
    store.set_counters("cam", [CounterInfo("cam", "gate", "line", "site")])
    for hour, second in ((0, 60), (3, 120)):  # footage 10:00-10:30 and 13:00-13:30, nothing between
        start = START + timedelta(hours=hour)
        record = SourceRecord(
            "cam", f"h{hour}.mp4", "done", start, start + timedelta(minutes=30), 1.0, 1800, 1, "yolox"
        )
        event = CountEvent(
            "cam", "gate", "cross", "in", 1, start + timedelta(seconds=second), f"h{hour}.mp4", 0
        )
        store.replace_source(record, [event])
    html = build_report(store, "en", "60min")
    hourly = html.split("In / out / net per hour")[1].split("</table>")[0]
    cells = re.findall(r"<tr><td>([^<]+)</td><td>([^<]*)</td>", hourly)
    assert cells == [
        ("2026-10-03 10:00", "1*"),
        ("2026-10-03 11:00", "-"),
        ("2026-10-03 12:00", "-"),
        ("2026-10-03 13:00", "1*"),
    ]
    assert "cam: 2 file(s)" in html


def test_report_renders_its_plots_in_headless_chromium(tmp_path, processed_db, chromium):
    page_path = tmp_path / "report.html"
    report(processed_db, page_path, "--lang", "ko", "--interval", "1min")
    with chromium_page(chromium, 1200, 900) as page:
        page.goto(page_path.as_uri())
        page.wait_for_load_state("load")
        rendered = page.evaluate("Array.from(document.images).map(i => [i.complete, i.naturalWidth])")
        hangul = page.evaluate("document.fonts.check('16px CrowdcountHangul', '유동인구 보고서')")
        heading = page.inner_text("h1")
        shot = tmp_path / "report.png"
        page.screenshot(path=str(shot), full_page=True)
    assert len(rendered) == 6 and all(done and width > 500 for done, width in rendered)
    assert hangul and heading == "유동인구 보고서"
    picture = Image.open(shot).convert("L")
    shades = sum(1 for count in picture.histogram() if count)
    assert picture.height > 2000 and shades > 50  # plots and text, not a blank page


def test_programme_events_are_marked_on_the_plots_they_fall_in():
    from crowdcount.handover.plots import MARK_COLOUR, series_figure

    starts = pd.date_range("2026-10-03 18:00", periods=4, freq="60min", tz="Asia/Seoul")
    rows = pd.DataFrame(
        {
            "interval_start": starts,
            "interval_end": starts + pd.Timedelta(minutes=60),
            "status": "complete",
            "in": [5, 9, 7, 3],
            "out": [1, 2, 3, 4],
            "net": [4, 7, 4, -1],
        }
    )
    marks = [(datetime(2026, 10, 3, 19, 30), "퍼레이드"), (datetime(2026, 10, 4, 19, 30), "다른 날")]
    figure = series_figure(rows, ["in", "out", "net"], "북문", labels_for("ko"), marks=marks)
    axes = figure.axes[0]
    assert [t.get_text() for t in axes.texts] == ["퍼레이드"]  # the other day's event is not on this day
    assert any(line.get_color() == MARK_COLOUR and line.get_linestyle() == "--" for line in axes.lines)
