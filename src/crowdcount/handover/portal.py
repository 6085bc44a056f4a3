"""The public-data-portal export (공공데이터포털 파일데이터): one row per measurement point and interval
with Korean column names, the point's coordinates, the share filmed and the status, ending in the
portal's standard columns (데이터기준일자, 제공기관코드, 제공기관명); and a metadata sheet that says
what the data is, how it was made and that no personal data is kept."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from crowdcount.datatypes import counter_key
from crowdcount.handover.labels import EXPORT_VALUES_KO

PORTAL_COLUMNS = [
    "측정지점ID",
    "측정지점명",
    "카메라명",
    "측정유형",
    "그룹명",
    "위도",
    "경도",
    "측정일자",
    "측정시작시각",
    "측정종료시각",
    "진입인원수",
    "진출인원수",
    "구역진입인원수",
    "촬영비율",
    "자료상태",
    "데이터기준일자",
    "제공기관코드",
    "제공기관명",
]


def portal_table(intervals: pd.DataFrame, context: dict[str, Any], today: date) -> pd.DataFrame:
    """``intervals`` (``interval_table``) in the portal's layout: closed intervals left out, counts
    empty where nothing was filmed (never 0), the share filmed in percent with one decimal."""
    shown = intervals[intervals["status"] != "closed"]
    names, cameras = context.get("counters", {}), context.get("cameras", {})
    groups, places = context.get("groups", {}), context.get("coordinates", {})
    keys = [counter_key(c, k) for c, k in zip(shown["camera"], shown["counter"], strict=True)]
    starts, ends = shown["interval_start"], shown["interval_end"]
    table = pd.DataFrame(
        {
            "측정지점ID": keys,
            "측정지점명": [names.get(key, key.split("/")[-1]) for key in keys],
            "카메라명": [cameras.get(camera, camera) for camera in shown["camera"]],
            "측정유형": shown["type"].map(EXPORT_VALUES_KO["type"]).to_numpy(),
            "그룹명": [groups.get(g, g) if isinstance(g, str) and g else None for g in shown["group"]],
            "위도": [(places.get(key) or [None, None])[0] for key in keys],
            "경도": [(places.get(key) or [None, None])[1] for key in keys],
            "측정일자": starts.dt.strftime("%Y-%m-%d").to_numpy(),
            "측정시작시각": starts.dt.strftime("%H:%M").to_numpy(),
            "측정종료시각": [
                "24:00"
                if end.date() > start.date() and end.strftime("%H:%M") == "00:00"
                else end.strftime("%H:%M")
                for start, end in zip(starts, ends, strict=True)
            ],
            "진입인원수": shown["in"].to_numpy(),
            "진출인원수": shown["out"].to_numpy(),
            "구역진입인원수": shown["entries"].to_numpy(),
            "촬영비율": (shown["coverage"] * 100).round(1).to_numpy(),
            "자료상태": shown["status"].map(EXPORT_VALUES_KO["status"]).to_numpy(),
            "데이터기준일자": today.isoformat(),
            "제공기관코드": context.get("provider_code") or "",
            "제공기관명": context.get("provider") or "",
        },
        columns=PORTAL_COLUMNS,
    )
    return table


def portal_metadata(context: dict[str, Any], rows: int, interval: str, today: date) -> pd.DataFrame:
    """The metadata the portal asks for when a file is registered, as (항목, 내용) rows."""
    period = context.get("period") or ["", ""]
    items = [
        ("데이터명", f"{context.get('name') or '행사'} 유동인구 측정 데이터"),
        (
            "설명",
            "CCTV 영상에서 사람 검출·추적으로 센 측정 지점별·시간대별 통행 인원(통과선 진입·진출, 구역 진입)",
        ),
        ("기간", f"{period[0]} ~ {period[1]}"),
        ("시간 단위", interval),
        ("행 수", str(rows)),
        ("좌표계", "WGS84 (위도, 경도, 도)"),
        (
            "개인정보",
            "개인정보 없음: 영상, 얼굴, 사람별 경로를 저장하거나 제공하지 않으며, 인원수만 제공합니다.",
        ),
        (
            "수치의 뜻",
            "인원수는 선을 지난 횟수이며 서로 다른 사람의 수가 아닙니다. 촬영비율은 측정 시간 중 영상이 있는 "
            "비율이며, 영상이 없는 시간의 인원수는 0이 아니라 빈 값입니다.",
        ),
        ("산출 방법", "crowdcount (오픈소스), 설정 해시 " + str(context.get("config_hash") or "-")),
        ("데이터기준일자", today.isoformat()),
        ("제공기관코드", context.get("provider_code") or ""),
        ("제공기관명", context.get("provider") or ""),
    ]
    return pd.DataFrame(items, columns=["항목", "내용"])
