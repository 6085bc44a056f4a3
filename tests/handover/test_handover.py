"""What reaches the city office: a two-evening, four-camera festival store with Korean names, a
camera-hour without footage, a camera that filmed nothing and a gate whose recordings never arrived,
made into the Korean report and the Excel workbook, read back (issues #15, #31)."""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pdfplumber
import pytest

from crowdcount.config import describe_site, parse_config
from crowdcount.datatypes import CountEvent, SourceRecord
from crowdcount.handover.labels import duration
from crowdcount.store.events import EventStore
from crowdcount.tables.aggregate import peak_occupancy
from helpers import crowdcount, get_json, start_server

KST = timezone(timedelta(hours=9))
DAYS = (datetime(2026, 10, 3, 18, tzinfo=KST), datetime(2026, 10, 4, 18, tzinfo=KST))

GATE = {"points": [[0, 0], [0, 99]], "in_direction": [1, 0], "group": "entrances"}
SITE = {
    "site": {
        "name": "2026 수원화성문화제",
        "period": ["2026-10-03", "2026-10-04"],
        "department": "문화관광과",
        "author": "홍길동",
        "headline_group": "entrances",
        "groups": {"entrances": "출입구"},
        "opening_hours": {"default": ["18:00", "22:00"]},
        "provider": "수원시 문화관광과",
        "provider_code": "3740000",
    },
    "cameras": [
        {
            "id": "north",
            "name": "북문 카메라",
            "lat": 37.2871,
            "lon": 127.0185,
            "lines": [
                {"id": "gate", "name": "북문", **GATE},
                {"id": "aisle", "name": "중앙 통로", "points": [[50, 0], [50, 99]], "in_direction": [1, 0]},
            ],
        },
        {
            "id": "south",
            "name": "남문 카메라",
            "lines": [{"id": "gate", "name": "남문", **GATE}],
            "zones": [
                {"id": "queue", "name": "매표소 대기열", "polygon": [[60, 0], [99, 0], [99, 99], [60, 99]]}
            ],
        },
        {
            "id": "plaza",
            "name": "광장 카메라",
            "zones": [{"id": "stage", "name": "무대 앞", "polygon": [[0, 0], [99, 0], [99, 99], [0, 99]]}],
        },
        {
            "id": "east",
            "name": "동문 카메라",
            "lines": [{"id": "gate", "name": "동문", **GATE}],
        },  # no footage
    ],
}


def crossings(
    camera: str, counter: str, start: datetime, minutes: list[float], source: str
) -> list[CountEvent]:
    return [
        CountEvent(camera, counter, "cross", "in", k, start + timedelta(minutes=m), source, k)
        for k, m in enumerate(minutes)
    ]


def queue_visits(start: datetime, night: int) -> list[CountEvent]:
    """South's ticket queue: 30 visits an evening, one every 2 minutes, lasting 90-270 s."""
    events = []
    for k in range(30):
        entered = start + timedelta(minutes=2 * k + 0.25)
        dwell = 90.0 + 60 * (k % 4)
        track = 1000 * night + k
        left = entered + timedelta(seconds=dwell)
        events += [
            CountEvent("south", "queue", "enter", "in", track, entered, "", 0),
            CountEvent("south", "queue", "exit", "out", track, left, "", 0, dwell),
        ]
    return events


@pytest.fixture(scope="module")
def festival(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """North: both evenings 18:00-22:00 but its second evening's 20:00 hour is lost (two files);
    south: both evenings in ten-minute files; plaza and east's gate: nothing. North's gate sees
    120 + 90 in, south's 80 + 60; south's queue zone has 30 visits an evening."""
    site = parse_config(SITE)
    db = tmp_path_factory.mktemp("festival") / "crowdcount.db"
    store = EventStore(db)
    store.describe(describe_site(site, site.cameras))
    for night, start in enumerate(DAYS):
        spans = [(0, 4)] if night == 0 else [(0, 2), (3, 4)]  # hours after 18:00
        for a, b in spans:
            source = f"north_{night}_{a}.mp4"
            began, ended = start + timedelta(hours=a), start + timedelta(hours=b) - timedelta(seconds=1)
            inside = list(range(a * 60, b * 60))  # minutes after 18:00 this file filmed
            gate = len(inside) // 2  # one in every other minute: 120 the first evening, 90 the second
            events = crossings(
                "north", "gate", start, [inside[k % len(inside)] + 0.5 for k in range(gate)], source
            )
            events += crossings(
                "north", "aisle", start, [inside[k % len(inside)] + 0.7 for k in range(250)], source
            )
            store.replace_source(
                SourceRecord("north", source, "done", began, ended, 1.0, 3600, 1, "yolox"), events
            )
        south = crossings("south", "gate", start, [k * 2.5 for k in range(80 if night == 0 else 60)], "")
        south += queue_visits(start, night)
        for part in range(24):  # ten-minute files, as an NVR exports them
            began = start + timedelta(minutes=10 * part)
            ended = began + timedelta(minutes=10, seconds=-1)  # its last frame, shown for a second
            source = f"south_{night}_{part:02d}.mp4"
            events = [replace(e, source=source) for e in south if began <= e.timestamp <= ended]
            store.replace_source(
                SourceRecord("south", source, "done", began, ended, 1.0, 600, 1, "yolox"), events
            )
    store.engine.dispose()
    return db


def test_the_korean_report_leads_with_visitors_and_lists_every_gate_and_the_empty_camera(festival, tmp_path):
    events = EventStore(festival, create=False).events()
    visitors = sum(e.counter == "gate" for e in events)  # both gates are the entrance group
    made = crowdcount("report", "--db", festival, "--out", tmp_path / "report.html")  # Korean by default
    assert made.returncode == 0, made.stderr
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert '<html lang="ko">' in html and '<h1 id="title">2026 수원화성문화제</h1>' in html
    assert "10월 3일 (토) - 10월 4일 (일)" in html and "문화관광과 · 홍길동" in html
    lead = re.search(r'id="lead-visitors"><div class="value">([^<]+)<', html).group(1)
    assert lead == f"{visitors:,}명 이상" and "방문객 (출입구 진입)" in html  # a lower bound: said so
    notes = re.findall(r'<div class="warn">([^<]+)</div>', html.split('id="lead-visitors"')[1].split("\n")[0])
    # the three gates' shares of the open hours filmed: north 7 of 8 hours, south all, east none
    assert notes == [
        "개장 시간의 62.5%만 촬영: 최소 인원",
        "출입구 3곳 중 1곳 영상 없음: 동문",
        "개장 시간 전체 추정 불가: 온전히 촬영된 시간이 없는 출입구가 있음",  # east: nothing to go on
        "검수 전: 보정치 없음(crowdcount audit plan)",  # and no corrected figure: said so
    ]
    assert (
        "가장 붐빈 시간 &middot; 84명 · 촬영 66.7%" in html
    )  # the busiest hour, and how much of it was seen
    filmed = re.search(r'id="filmed">([^<]+)<', html).group(1)
    assert (
        filmed
        == "개장 시간 중 촬영 비율: 동문 카메라 0%, 북문 카메라 87.5%, 광장 카메라 0%, 남문 카메라 100%"
    )
    gate_days = html.split('id="gate-days"')[1].split("</table>")[0]
    for name in ("북문", "남문", "중앙 통로", "무대 앞"):
        assert name in gate_days
    group_row = re.findall(
        r"<tr><td>그룹</td><td>출입구</td><td>진입</td>((?:<td>[^<]*</td>)+)</tr>", gate_days
    )
    assert group_row == [
        "<td>200*</td><td>150*</td><td>350*</td><td>62.5%</td><td>추정 불가</td>"
    ]  # the headline group by day, its total the lead: east saw nothing, north lost an hour
    # north's lost hour, estimated from the same hour of the first evening (when its gate saw no one)
    assert (
        "<td>북문</td><td>진입</td><td>120</td><td>90*</td><td>210*</td><td>87.5%</td><td>210 (210-212)</td>"
        in gate_days
    )
    east = re.findall(
        r"<tr><td>동문 카메라</td><td>동문</td><td>진입</td>((?:<td>[^<]*</td>)+)</tr>", gate_days
    )
    assert east == [
        "<td>-</td><td>-</td><td>-</td><td>0%</td><td>추정 불가</td>"
    ]  # a row of '-', never left out
    assert "광장 카메라: 영상 없음" in html  # the camera that produced nothing is listed
    hourly = html.split("시간대별 진입 / 진출 / 순증")[1].split("<h2>")[0]
    assert "<td>-</td>" in hourly and "2026-10-04 20:00" in hourly  # north's lost hour: missing, not 0
    assert "<td>·</td>" not in hourly and "2026-10-04 03:00" not in hourly  # closed nights left out
    assert "완료" in html and ">done<" not in html  # Korean status words
    assert "산출 방법 및 한계" in html and "검수되지 않았습니다" in html


def test_the_workbook_has_the_site_on_its_cover_and_gates_by_day(festival, tmp_path):
    out = tmp_path / "counts.xlsx"
    made = crowdcount(
        "export",
        "--db",
        festival,
        "--what",
        "intervals",
        "--interval",
        "60min",
        "--format",
        "xlsx",
        "--out",
        out,
    )
    assert made.returncode == 0, made.stderr
    book = openpyxl.load_workbook(out)
    cover = dict(book["표지"].values)
    assert cover["행사"] == "2026 수원화성문화제" and cover["기간"] == "2026-10-03 - 2026-10-04"
    days = list(book["일별 합계"].values)
    assert days[0][5:9] == ("2026-10-03", "2026-10-04", "합계", "개장 시간 중 촬영 비율")
    rows = {(r[1], r[3], r[4]): r[5:] for r in days[1:]}
    assert days[0][-3:] == ("개장 시간 전체 추정", "추정 하한(95%)", "추정 상한(95%)")
    assert rows[("남문 카메라", "남문", "진입")] == (80, 60, 140, 1, 140, 140, 140)
    assert rows[("북문 카메라", "북문", "진입")] == (120, "90*", "210*", 0.875, 210, 210, 212)
    assert rows[("동문 카메라", "동문", "진입")] == ("-", "-", "-", 0, None, None, None)
    assert rows[("그룹", "출입구", "진입")] == ("200*", "150*", "350*", 0.625, None, None, None)
    assert ("광장 카메라", "무대 앞", "구역 진입") in rows
    assert book.sheetnames[3:] == [
        "동문 카메라",
        "북문 카메라",
        "광장 카메라",
        "남문 카메라",
    ]  # display names
    sheet = book["북문 카메라"]
    status = next(cell.column_letter for cell in sheet[1] if cell.value == "상태")
    statuses = {c.value for c in sheet[status][1:]}
    assert statuses == {"완전", "영상 없음"}  # the closed hours are left out of what is printed
    start = next(cell for cell in sheet[2] if sheet.cell(1, cell.column).value == "구간 시작")
    assert start.is_date and start.value == datetime(2026, 10, 3, 18, 0)  # the site's wall clock
    assert sheet.freeze_panes == "A2" and book["일별 합계"].freeze_panes == "A2"
    csv = tmp_path / "events.csv"
    made = crowdcount("export", "--db", festival, "--what", "events", "--format", "csv", "--out", csv)
    assert made.returncode == 0, made.stderr
    assert csv.read_bytes().startswith(b"\xef\xbb\xbf")  # a BOM: Excel opens the Korean right
    assert "south_0_00.mp4" in csv.read_text(encoding="utf-8-sig")  # each event names its recording


def test_the_report_gives_each_filmed_zone_its_occupancy_and_dwell_by_day(festival, tmp_path):
    queue = [e for e in EventStore(festival, create=False).events() if e.counter == "queue"]
    dwell = [e.dwell_s for e in queue if e.kind == "exit"]
    made = crowdcount("report", "--db", festival, "--out", tmp_path / "report.html")
    assert made.returncode == 0, made.stderr
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    section = html.split("<h2>구역 체류 인원 및 체류 시간</h2>")[1].split("<h2>")[0]
    rows = [re.findall(r"<td>([^<]*)</td>", row) for row in re.findall(r"<tr>(<td>.*?)</tr>", section)]
    assert [row[:4] for row in rows] == [
        ["남문 카메라 / 매표소 대기열", "10월 3일 (토)", "30", "30"],
        ["남문 카메라 / 매표소 대기열", "10월 4일 (일)", "30", "30"],
        ["남문 카메라 / 매표소 대기열", "전체 기간", "60", "60"],
    ]  # the plaza's zone, never filmed, has no row
    total = rows[-1]
    assert total[5] == str(peak_occupancy(queue)) and total[6].startswith("2026년 10월 3일 18:")
    assert total[7] == duration(float(np.median(dwell)), "ko") == "2분 30초"
    assert total[8] == duration(float(np.percentile(dwell, 90)), "ko") and total[9] == "60"
    assert 'alt="체류 시간 분포"' in section


A4_POINTS = (595.3, 841.9)
FOOTER_PT = 40  # the page number's band at the foot (the bottom margin is 16 mm, 45 pt)


def test_the_pdf_report_is_a4_pages_with_every_table_whole(festival, tmp_path, chromium):
    html_made = crowdcount("report", "--db", festival, "--out", tmp_path / "report.html")
    made = crowdcount("report", "--db", festival, "--out", tmp_path / "report.pdf")  # PDF from the suffix
    assert html_made.returncode == 0 and made.returncode == 0, made.stderr
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    headings = re.findall(r"<h[23]>([^<]+)</h[23]>", html)
    with pdfplumber.open(tmp_path / "report.pdf") as pdf:
        pages = pdf.pages
        assert len(pages) >= 3
        for number, page in enumerate(pages, 1):
            assert (page.width, page.height) == pytest.approx(A4_POINTS, abs=1)
            image = page.to_image(resolution=36).original  # rendered: A4's 1 : 1.414
            assert image.height / image.width == pytest.approx(297 / 210, abs=0.01)
            assert all(c["x0"] >= 0 and c["x1"] <= page.width - 20 for c in page.chars)  # nothing cut off
            assert page.extract_text().splitlines()[-1] == f"{number} / {len(pages)}"  # at its foot
            for line in page.extract_text_lines():
                if line["text"] in headings:  # something follows it on its page (text or a figure)
                    body = [o for o in page.chars + page.images if o["bottom"] < page.height - FOOTER_PT]
                    below = [o for o in body if o["top"] > line["bottom"]]
                    assert below, f"page {number} ends with the heading {line['text']}"
        text = [page.extract_text() for page in pages]
    everything = "\n".join(text)
    gate_days = html.split('id="gate-days"')[1].split("</table>")[0]
    for cell in re.findall(r"<t[dh]>([^<]+)</t[dh]>", gate_days):  # every cell of the wide table
        assert cell in everything
    files = [k for k, page in enumerate(text) if "south_0_" in page or "south_1_" in page]  # runs over pages
    assert len(files) >= 2
    for k in files:
        assert "영상 파일" in text[k] and "프레임" in text[k]  # the table's header repeats on each


@pytest.mark.parametrize("browser", ["missing", "not-a-browser.txt"])
def test_a_pdf_without_a_chromium_is_one_line_naming_what_to_install(festival, tmp_path, browser):
    (tmp_path / "not-a-browser.txt").write_text("#!/bin/sh\nexit 1\n")
    (tmp_path / "not-a-browser.txt").chmod(0o755)
    env = {**os.environ, "CROWDCOUNT_CHROMIUM": str(tmp_path / browser)}
    made = crowdcount("report", "--db", festival, "--out", tmp_path / "r.pdf", env=env)
    assert made.returncode == 2 and len(made.stderr.strip().splitlines()) == 1, made.stderr
    assert "CROWDCOUNT_CHROMIUM" in made.stderr and "Traceback" not in made.stderr
    assert not (tmp_path / "r.pdf").exists()


def test_the_public_data_portal_file_has_korean_columns_coordinates_and_its_metadata(festival, tmp_path):
    out = tmp_path / "유동인구.csv"
    made = crowdcount("export", "--db", festival, "--what", "portal", "--interval", "60min", "--out", out)
    assert made.returncode == 0, made.stderr
    table = pd.read_csv(out, encoding="utf-8-sig", dtype={"제공기관코드": str})
    assert list(table.columns[-3:]) == ["데이터기준일자", "제공기관코드", "제공기관명"]  # the portal's own
    north = table[table["측정지점ID"] == "north/gate"]
    assert (
        set(north["측정지점명"]) == {"북문"}
        and set(north["위도"]) == {37.2871}
        and set(north["경도"]) == {127.0185}
    )
    assert len(north) == 8 and set(north["측정시작시각"]) == {
        "18:00",
        "19:00",
        "20:00",
        "21:00",
    }  # open hours only
    lost = north[(north["측정일자"] == "2026-10-04") & (north["측정시작시각"] == "20:00")].iloc[0]
    assert lost["자료상태"] == "영상 없음" and pd.isna(lost["진입인원수"]) and lost["촬영비율"] == 0
    assert set(table["제공기관코드"]) == {"3740000"} and set(table["제공기관명"]) == {"수원시 문화관광과"}
    assert table.loc[table["측정지점ID"] == "east/gate", "위도"].isna().all()  # no position given: empty
    metadata = dict(pd.read_csv(tmp_path / "유동인구-metadata.csv", encoding="utf-8-sig").values)
    assert metadata["개인정보"].startswith("개인정보 없음") and metadata["행 수"] == str(len(table))


def test_the_api_summary_says_what_page_one_says(festival):
    """``/api/summary`` is made from the same figures as the report's lead cards."""
    process, base = start_server("--db", festival)
    try:
        summary = get_json(f"{base}/api/summary")
    finally:
        process.terminate()
        process.wait(10)
    assert summary["group_name"] == "출입구" and summary["visitors_counted"] == 350 and summary["lower_bound"]
    assert (
        summary["filmed_share"] == 0.625 and summary["audited"] is None and summary["all_open_hours"] is None
    )
    assert [g["name"] for g in summary["gates_without_footage"]] == ["동문"]
    assert not summary["all_open_hours_estimable"] and summary["peak_hour"]["visitors"] == 84
    assert summary["filmed_per_camera"]["north"] == {"name": "북문 카메라", "share": 0.875}


def test_report_compare_aligns_last_year_by_festival_day_and_hour(festival, tmp_path):
    """Last year's festival (2025-10-02 and 03) against this one: north's gate saw 48 in its first
    hour then, 60 now; south's gate has no footage last year."""
    last = dict(
        SITE, site=dict(SITE["site"], name="2025 수원화성문화제", period=["2025-10-02", "2025-10-03"])
    )
    site = parse_config(last)
    store = EventStore(tmp_path / "2025.db")
    store.describe(describe_site(site, site.cameras))
    start = datetime(2025, 10, 2, 18, tzinfo=KST)
    events = crossings("north", "gate", start, [k * 1.25 for k in range(48)], "north_2025.mp4")
    store.replace_source(
        SourceRecord(
            "north",
            "north_2025.mp4",
            "done",
            start,
            start + timedelta(hours=4, seconds=-1),
            1.0,
            14400,
            1,
            "m",
        ),
        events,
    )
    store.engine.dispose()
    made = crowdcount(
        "report", "--db", festival, "--out", tmp_path / "r.html", "--compare", tmp_path / "2025.db"
    )
    assert made.returncode == 0, made.stderr
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    section = html.split('<h2 id="compare">')[1].split("<h2>")[0]
    assert section.startswith("2025 수원화성문화제과(와) 비교")
    rows = [re.findall(r"<td>([^<]*)</td>", row) for row in re.findall(r"<tr>(<td>.*?)</tr>", section)]
    north = [r for r in rows if r[0] == "북문"]
    assert north[0] == ["북문", "1일차", "18:00", "60", "48", "+25.0%", "100%", "100%"]
    south = next(r for r in rows if r[0] == "남문")
    assert south[3:6] == ["24", "-", "-"]  # no footage last year: no change to give
    assert len([r for r in rows if r[0] == "출입구"]) == 8  # the group: 2 days x 4 open hours


def test_libreoffice_prints_every_sheet_of_the_workbook_on_one_a4_landscape_page_wide(
    festival, tmp_path, soffice
):
    """Printed as an office prints it: each sheet's columns fit the page's width (a sheet of 20 columns
    would otherwise run over two or three pages across), A4 landscape."""
    book = tmp_path / "hourly.xlsx"
    made = crowdcount("export", "--db", festival, "--what", "intervals", "--interval", "60min", "--out", book)
    assert made.returncode == 0, made.stderr
    printed = subprocess.run(
        [str(soffice), "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(book)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "HOME": str(tmp_path)},  # LibreOffice's profile, not the user's
    )
    assert printed.returncode == 0, printed.stderr
    sheets = openpyxl.load_workbook(book).sheetnames
    with pdfplumber.open(tmp_path / "hourly.pdf") as pdf:
        sizes = [(round(page.width), round(page.height)) for page in pdf.pages]
    assert sizes == [(842, 595)] * len(sheets)  # one A4 landscape page a sheet: every column on it
