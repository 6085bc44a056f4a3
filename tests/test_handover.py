"""What reaches the city office: a two-evening, three-camera festival store with Korean names, a
camera-hour without footage and a camera that filmed nothing, made into the Korean report and the
Excel workbook, read back (issue #15)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import openpyxl
import pytest

from crowdcount.config import camera_geometry, counter_infos, parse_config, site_context
from crowdcount.datatypes import CountEvent, SourceRecord
from crowdcount.store import EventStore
from helpers import crowdcount

KST = timezone(timedelta(hours=9))
DAYS = (datetime(2026, 10, 3, 18, tzinfo=KST), datetime(2026, 10, 4, 18, tzinfo=KST))

GATE = {"points": [[0, 0], [0, 99]], "in_direction": [1, 0], "group": "entrances"}
SITE = {
    "site": {"name": "2026 수원화성문화제", "period": ["2026-10-03", "2026-10-04"],
             "department": "문화관광과", "author": "홍길동", "headline_group": "entrances",
             "groups": {"entrances": "출입구"}, "opening_hours": {"default": ["18:00", "22:00"]}},
    "cameras": [
        {"id": "north", "name": "북문 카메라", "lines": [
            {"id": "gate", "name": "북문", **GATE},
            {"id": "aisle", "name": "중앙 통로", "points": [[50, 0], [50, 99]], "in_direction": [1, 0]}]},
        {"id": "south", "name": "남문 카메라", "lines": [{"id": "gate", "name": "남문", **GATE}]},
        {"id": "plaza", "name": "광장 카메라", "zones": [
            {"id": "stage", "name": "무대 앞", "polygon": [[0, 0], [99, 0], [99, 99], [0, 99]]}]},
    ],
}  # fmt: skip


def crossings(
    camera: str, counter: str, start: datetime, minutes: list[float], source: str
) -> list[CountEvent]:
    return [CountEvent(camera, counter, "cross", "in", k, start + timedelta(minutes=m), source, k)
            for k, m in enumerate(minutes)]  # fmt: skip


@pytest.fixture(scope="module")
def festival(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """North: both evenings 18:00-22:00 but its second evening's 20:00 hour is lost (two files);
    south: both evenings; plaza: nothing. North's gate sees 120 + 90 in, south's 80 + 60."""
    site = parse_config(SITE)
    db = tmp_path_factory.mktemp("festival") / "crowdcount.db"
    store = EventStore(db)
    store.set_timezone("Asia/Seoul")
    store.set_context(site_context(site))
    for camera in site.cameras:
        store.set_counters(camera.id, counter_infos(camera), camera_geometry(camera))
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
        source = f"south_{night}.mp4"
        ended = start + timedelta(hours=4) - timedelta(seconds=1)
        events = crossings("south", "gate", start, [k * 2.5 for k in range(80 if night == 0 else 60)], source)
        store.replace_source(
            SourceRecord("south", source, "done", start, ended, 1.0, 14400, 1, "yolox"), events
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
    assert lead == f"{visitors:,}명" and "방문객 (출입구 진입)" in html
    gate_days = html.split('id="gate-days"')[1].split("</table>")[0]
    for name in ("북문", "남문", "중앙 통로", "무대 앞"):
        assert name in gate_days
    assert "광장 카메라: 영상 없음" in html  # the camera that produced nothing is listed
    hourly = html.split("시간대별 진입 / 진출 / 순증")[1].split("</table>")[0]
    assert "<td>·</td>" in hourly and "<td>-</td>" in hourly  # nights closed; north's lost hour missing
    assert "완료" in html and ">done<" not in html  # Korean status words
    assert "산출 방법 및 한계" in html and "검수되지 않았습니다" in html


def test_the_workbook_has_the_site_on_its_cover_and_gates_by_day(festival, tmp_path):
    out = tmp_path / "counts.xlsx"
    made = crowdcount("export", "--db", festival, "--what", "intervals", "--interval", "60min",
                      "--format", "xlsx", "--out", out)  # fmt: skip
    assert made.returncode == 0, made.stderr
    book = openpyxl.load_workbook(out)
    cover = dict(book["표지"].values)
    assert cover["행사"] == "2026 수원화성문화제" and cover["기간"] == "2026-10-03 - 2026-10-04"
    days = list(book["일별 합계"].values)
    assert days[0][-3:] == ("2026-10-03", "2026-10-04", "합계")
    rows = {(r[1], r[3], r[4]): r[5:] for r in days[1:]}
    assert rows[("남문 카메라", "남문", "진입")] == (80, 60, 140)
    assert ("광장 카메라", "무대 앞", "구역 진입") in rows
    sheet = book["north"]
    status = next(cell.column_letter for cell in sheet[1] if cell.value == "상태")
    statuses = {c.value for c in sheet[status][1:]}
    assert {"완전", "운영 시간 외", "영상 없음"} <= statuses
