"""Words the report and the live dashboard show, in English and Korean."""

from __future__ import annotations

import re
from datetime import date, datetime

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

from crowdcount.errors import CrowdcountError

LOCALES = {"ko": "ko_KR", "en": "en_US"}

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Foot-traffic report",
        "generated": "Generated",
        "timezone": "Time zone",
        "headline": "Headline totals",
        "total_in": "Crossings in",
        "total_out": "Crossings out",
        "zone_entries": "Zone entries",
        "peak_occupancy": "Peak occupancy",
        "footage_hours": "Footage processed (h)",
        "cameras": "Cameras",
        "peaks": "Busiest interval per counter",
        "camera": "Camera",
        "counter": "Counter",
        "type": "Type",
        "group": "Group",
        "interval": "Interval",
        "count": "Count",
        "line": "line",
        "zone": "zone",
        "series": "Time series per counter",
        "groups": "Time series per group",
        "in": "in",
        "out": "out",
        "net": "net",
        "entries": "entries",
        "exits": "exits",
        "occupancy": "peak occupancy",
        "mean_occupancy": "mean occupancy",
        "people": "people per interval",
        "time": "time",
        "hourly": "In / out / net per hour",
        "long_period_hourly": (
            "Over more than a week the hourly rows are left out here; the Excel and CSV exports have them."
        ),
        "daily": "In / out / net per day",
        "heatmap": "Counts by hour of day and counter",
        "heatmap_note": "lines: in + out; zones: entries",
        "hour": "hour of day",
        "coverage": "Data coverage",
        "files": "file(s)",
        "hours_unit": "h",
        "from": "from",
        "to": "to",
        "gaps": "gaps",
        "none": "none",
        "status_note": "* partial interval (footage covers part of it); - no footage (missing, not zero); "
        "· closed (outside the opening hours; hours closed everywhere are left out)",
        "source": "Recording",
        "status": "Status",
        "frames": "Frames",
        "no_data": "No count events in this store yet.",
        "live_title": "Live foot traffic",
        "zones": "Zones",
        "lines": "Lines",
        "inside_now": "inside now",
        "since_start": "since start",
        "last_window": "last 15 min",
        "health": "Cameras",
        "state": "state",
        "fps": "fps",
        "lag": "lag (s)",
        "reconnects": "reconnects",
        "last_frame": "last frame",
        "alerts": "Occupancy alerts",
        "threshold": "threshold",
        "alert_banner": "Occupancy alert",
        "chart": "People inside each zone, last 15 minutes",
        "updated": "updated",
        "offline": "connection to the server lost; retrying",
        "state_live": "live",
        "state_reconnecting": "reconnecting",
        "state_connecting": "connecting",
        "state_stopped": "stopped",
        "state_recorded": "recorded",
        "mode_live": "live",
        "mode_store": "recorded data",
        "audit": "Audit: counts with their 95 % intervals",
        "audit_link": "Audit review",
        "visitors": "Visitors (in through {group})",
        "crossings_in": "Crossings in (all lines; set site.headline_group for visitors)",
        "peak_hour": "Busiest hour",
        "busiest_gate": "Busiest gate",
        "lower_bound": "at least {value}",
        "audited_total": "Audited total (95 %)",
        "compare": "Compared with {name}: by festival day and hour",
        "compare_note": "Aligned by festival day (its first day is day 1) and clock hour; '*' partly "
        "filmed, '-' not filmed; the change is only given where both sides have a count.",
        "festival_day": "Day",
        "clock_hour": "Hour",
        "day_n": "day {n}",
        "this_festival": "This one",
        "other_festival": "Compared",
        "change": "Change",
        "filmed_this": "Filmed (this)",
        "filmed_other": "Filmed (compared)",
        "factored_total": "All open hours, estimated (95 %)",
        "factored_none": "cannot be estimated",
        "lead_factored": "all opening hours, estimated: {value} (95 % {low}-{high}), "
        "{hours} unfilmed hours filled in",
        "lead_factored_none": "all opening hours cannot be estimated: a gate has no hour filmed whole",
        "not_audited": "unaudited",
        "lead_audited": "audited, 95 % {low}-{high}; counted {counted}",
        "lead_unaudited": "unaudited: no corrected figure yet (crowdcount audit plan)",
        "filmed_share": "{share} of the opening hours filmed: a lower bound",
        "filmed_all": "all of the opening hours filmed",
        "filmed_share_days": "{share} of the days filmed (no site.opening_hours set): a lower bound",
        "gates_dark": "{dark} of {gates} gates without footage: {names}",
        "filmed_short": "{share} filmed",
        "filmed_per_gate": "Share of the opening hours filmed",
        "people_unit": "",
        "gate_days": "Totals per gate and day",
        "measure": "Measure",
        "total": "Total",
        "method": "Method and limits",
        "method_detect": "Detection and tracking: {models}; tracker {tracker}. A crossing counts when a "
        "person's "
        "foot point is seen past the line {min_frames} times, over {min_seconds} s, and {min_distance} px "
        "beyond it.",
        "method_crossings": "Counts are crossings, not different people: a person who passes twice counts "
        "twice, "
        "and a visitor is someone who came in through an entrance line of the headline group.",
        "method_coverage": "Coverage: '*' an interval whose open time was filmed only in part, '-' no "
        "footage "
        "(not zero), '·' outside the opening hours. Totals add only what was filmed.",
        "method_unfilmed": "Not filmed: {missing} of the cameras' {open} hours of opening time ({each} "
        "hours); nothing is counted for them, and the totals are lower bounds by as much.",
        "method_factored": "Estimated totals over all opening hours (always beside the counts, never mixed "
        "into them): an hour filmed for half its open time or more is its count divided by the share filmed; "
        "an hour filmed less is the mean of the same hour on other days filmed whole, else the other gates' "
        "count in it times this gate's share of them; the 95 % interval adds the estimated hours' variances "
        "(the spread of that hour across days, at least a Poisson count's). A gate with no hour filmed whole "
        "cannot be estimated.",
        "method_measured": "Measured accuracy of the default detector on public footage (PETS 2009, "
        "2026-12-07): 3.8 % of about 600 crossings miscounted over a grid of 31 lines, the example's two "
        "lines within one crossing of the truth (measured on a public research clip; the figures and how "
        "to repeat them are in crowdcount's documentation, 'Measurements'). Accuracy at this site is known "
        "only from an audit of its own footage.",
        "method_audited": "This report's counts were audited: see the corrected totals and their 95 % "
        "intervals above.",
        "method_unaudited": "This report's counts are unaudited: no sample of this site's footage was "
        "reviewed.",
        "method_config": "Config hash {config}; counted by crowdcount {version}.",
        "no_footage": "no footage",
        "status_done": "done",
        "status_interrupted": "interrupted",
        "status_live": "live",
        "status_stopped": "stopped",
        "status_ended": "ended (process died; visits closed)",
        "status_growing": "still being written",
        "appendix": "Appendix: data coverage and files",
        "unaudited": "These counts are unaudited: no person has reviewed a sample of them "
        "(crowdcount audit plan starts an audit).",
        "audit_note": "{reviewed} of {sampled} sampled windows of {seconds} s reviewed (plan of {planned}, "
        "last review {last}). Corrected = counted x (true / counted over the reviewed windows); "
        "the interval is 95 % (docs/audit.md).",
        "direction": "Direction",
        "counted": "Counted",
        "estimate": "Corrected",
        "interval95": "95 % interval",
        "reviewed": "Reviewed windows",
        "precision": "Precision",
        "miss_rate": "Miss rate",
        "bound_note": "≤ / ≥: precision is at most, miss rate at least this, where reviews did not mark "
        "false counts",
        "zones_section": "Zone occupancy and dwell",
        "zone_note": "Occupancy: people inside at once (the mean weighted by time filmed). Dwell: how long "
        "a visit lasted, from entering the zone to leaving it, over the visits that ended that day.",
        "day": "Day",
        "period_total": "Whole period",
        "peak_at": "Peak at",
        "dwell_median": "Median dwell",
        "dwell_p90": "Dwell, 90th percentile",
        "visits": "Visits timed",
        "dwell_chart": "How long visits lasted",
        "visits_axis": "visits",
        "no_zone_footage": "No zone was filmed.",
        "continued": "continued",
        "today": "today",
        "per_minute": "per min",
        "trend": "last 15 min",
        "live_groups": "Groups",
        "stale": "behind: the camera is reconnecting",
        "alert_stale": "Alert on old data (the camera is reconnecting)",
        "outage_picture": "{state}, last frame {time}",
        "acknowledge": "Acknowledge",
        "mute": "Mute 30 min",
        "unmute": "Unmute",
        "muted_until": "muted until",
        "acknowledged": "acknowledged",
        "raised_value": "people when raised",
        "visitors_today": "Visitors today ({group})",
        "previews": "Camera pictures",
        "preview_note": "Tracked people in boxes with their ids; the counts beside each line and zone are "
        "since this session began. Pictures are drawn only while this page is open, and never stored.",
        "ed_title": "Lines and zones",
        "ed_add_line": "Add line",
        "ed_add_zone": "Add zone",
        "ed_finish": "Finish (Enter)",
        "ed_cancel": "Cancel (Esc)",
        "ed_delete": "Delete",
        "ed_flip": "Flip the in-direction",
        "ed_save": "Save to the config",
        "ed_saved": "Saved to {file}",
        "ed_not_saved": "Not saved",
        "ed_unsaved": "unsaved changes",
        "ed_id": "Id",
        "ed_name": "Display name",
        "ed_group": "Group",
        "ed_select": "Select a line or zone to edit it.",
        "ed_camera_name": "Camera's display name",
        "ed_alert": "Alert when this many are inside (live)",
        "ed_paths": "Paths people took",
        "ed_no_paths": "No paths of this camera yet; run",
        "ed_paths_shown": "{count} paths from a {seconds} s sample",
        "ed_bad_id": "Id '{id}': use letters, digits, '_', '-' and '.' only (no spaces)",
        "ed_twice": "Id '{id}' is used twice on this camera; ids must be unique",
        "ed_bad_alert": "'{id}': the alert threshold must be a whole number of 1 or more",
        "ed_crossing": "Zone '{id}': its sides cross each other; move a point so they do not",
        "ed_draft": "This camera has no line or zone yet (a draft): it can be saved, and is counted once "
        "it has one.",
        "ed_kept": "Unsaved changes kept on: {cameras}",
        "ed_help": "Click (or tap) on the picture to place points; Enter or Finish ends, Esc cancels. Drag a "
        "point to move it. Crossing a line the way its arrow points counts as in.",
    },
    "ko": {
        "title": "유동인구 보고서",
        "generated": "생성 시각",
        "timezone": "시간대",
        "headline": "주요 합계",
        "total_in": "통과(진입)",
        "total_out": "통과(진출)",
        "zone_entries": "구역 진입",
        "peak_occupancy": "최대 체류 인원",
        "footage_hours": "처리한 영상(시간)",
        "cameras": "카메라 수",
        "peaks": "측정 지점별 최다 구간",
        "camera": "카메라",
        "counter": "측정 지점",
        "type": "유형",
        "group": "그룹",
        "interval": "구간",
        "count": "인원",
        "line": "통과선",
        "zone": "구역",
        "series": "측정 지점별 시계열",
        "groups": "그룹별 시계열",
        "in": "진입",
        "out": "진출",
        "net": "순증",
        "entries": "구역 진입",
        "exits": "구역 이탈",
        "occupancy": "최대 체류 인원",
        "mean_occupancy": "평균 체류 인원",
        "people": "구간별 인원",
        "time": "시각",
        "hourly": "시간대별 진입 / 진출 / 순증",
        "long_period_hourly": (
            "기간이 일주일을 넘어 시간대별 표는 생략했습니다. 엑셀·CSV 내보내기에 있습니다."
        ),
        "daily": "일별 진입 / 진출 / 순증",
        "heatmap": "시간대·측정 지점별 인원",
        "heatmap_note": "통과선: 진입 + 진출, 구역: 진입",
        "hour": "시",
        "coverage": "데이터 범위",
        "files": "개 파일",
        "hours_unit": "시간",
        "from": "시작",
        "to": "종료",
        "gaps": "누락 구간",
        "none": "없음",
        "status_note": "* 일부만 촬영된 구간, - 영상 없음(0이 아니라 누락), · 운영 시간 외(휴장; 모든 곳이 "
        "휴장인 시간은 생략)",
        "source": "영상 파일",
        "status": "상태",
        "frames": "프레임",
        "no_data": "아직 저장된 카운트가 없습니다.",
        "live_title": "실시간 유동인구",
        "zones": "구역",
        "lines": "통과선",
        "inside_now": "현재 인원",
        "since_start": "시작 이후",
        "last_window": "최근 15분",
        "health": "카메라 상태",
        "state": "상태",
        "fps": "처리 fps",
        "lag": "지연(초)",
        "reconnects": "재연결",
        "last_frame": "마지막 프레임",
        "alerts": "체류 인원 경보",
        "threshold": "기준",
        "alert_banner": "체류 인원 경보",
        "chart": "구역별 체류 인원 (최근 15분)",
        "updated": "갱신",
        "offline": "서버 연결이 끊겼습니다. 다시 연결하는 중",
        "state_live": "수신 중",
        "state_reconnecting": "재연결 중",
        "state_connecting": "연결 중",
        "state_stopped": "중지됨",
        "state_recorded": "녹화 영상",
        "mode_live": "실시간",
        "mode_store": "저장된 데이터",
        "audit": "검수: 95% 신뢰구간이 있는 수",
        "audit_link": "표본 검수",
        "visitors": "방문객 ({group} 진입)",
        "crossings_in": "통과 진입 (모든 통과선; 방문객 수는 site.headline_group 설정)",
        "peak_hour": "가장 붐빈 시간",
        "busiest_gate": "가장 붐빈 출입구",
        "lower_bound": "{value} 이상",
        "audited_total": "검수 보정치 (95%)",
        "compare": "{name}과(와) 비교: 행사 일차·시간대별",
        "compare_note": "행사 일차(첫날이 1일차)와 시각으로 맞춰 비교합니다. '*'는 일부만 촬영, '-'는 "
        "영상 없음이며, 변화율은 양쪽 모두 집계가 있을 때만 냅니다.",
        "festival_day": "일차",
        "clock_hour": "시간",
        "day_n": "{n}일차",
        "this_festival": "이번",
        "other_festival": "비교 대상",
        "change": "변화",
        "filmed_this": "촬영(이번)",
        "filmed_other": "촬영(비교 대상)",
        "factored_total": "개장 시간 전체 추정 (95%)",
        "factored_none": "추정 불가",
        "lead_factored": "개장 시간 전체 추정 {value} (95% {low}-{high}): 촬영되지 않은 {hours}시간을 추정",
        "lead_factored_none": "개장 시간 전체 추정 불가: 온전히 촬영된 시간이 없는 출입구가 있음",
        "not_audited": "검수 전",
        "lead_audited": "검수 보정치, 95% {low}-{high} · 집계 {counted}",
        "lead_unaudited": "검수 전: 보정치 없음(crowdcount audit plan)",
        "filmed_share": "개장 시간의 {share}만 촬영: 최소 인원",
        "filmed_all": "개장 시간 전체 촬영",
        "filmed_share_days": "해당 날짜 시간의 {share}만 촬영(site.opening_hours 미설정): 최소 인원",
        "gates_dark": "출입구 {gates}곳 중 {dark}곳 영상 없음: {names}",
        "filmed_short": "촬영 {share}",
        "filmed_per_gate": "개장 시간 중 촬영 비율",
        "people_unit": "명",
        "gate_days": "출입구·측정 지점별 일별 합계",
        "measure": "항목",
        "total": "합계",
        "method": "산출 방법 및 한계",
        "method_detect": "검출·추적: {models}, 추적기 {tracker}. 사람의 발 위치가 선 너머에서 "
        "{min_frames}번 이상, {min_seconds}초 이상, "
        "선에서 {min_distance}px 이상 떨어져 보이면 통과로 셉니다.",
        "method_crossings": "수치는 통과 횟수이며 서로 다른 사람의 수가 아닙니다: 같은 사람이 두 번 지나면 "
        "두 번 셉니다. "
        "방문객은 대표 그룹의 출입구 선을 지나 들어온 사람입니다.",
        "method_coverage": "영상 범위: '*'는 운영 시간 중 일부만 촬영된 구간, '-'는 영상이 없는 구간(0이 "
        "아님), "
        "'·'는 운영 시간 외입니다. 합계에는 촬영된 부분만 들어갑니다.",
        "method_unfilmed": "촬영되지 않은 시간: 카메라들의 개장 시간 {open}시간 중 "
        "{missing}시간({each}시간). "
        "이 시간의 통행은 세지 않았으므로 합계는 그만큼 실제보다 적을 수 있습니다.",
        "method_factored": "개장 시간 전체 추정치(집계와 섞지 않고 항상 옆에 표시): 개장 시간의 절반 이상 "
        "촬영된 시간은 집계를 촬영 비율로 나누고, 그보다 적게 촬영된 시간은 온전히 촬영된 다른 날 같은 "
        "시간대의 평균, 그것도 없으면 그 시간 다른 출입구의 집계에 이 출입구의 비중을 곱해 추정합니다. "
        "95% 구간은 추정한 시간들의 분산(날짜 간 같은 시간대의 편차, 최소한 포아송 분산)을 더해 구합니다. "
        "온전히 촬영된 시간이 하나도 없는 출입구는 추정할 수 없습니다.",
        "method_measured": "기본 검출기의 공개 영상 측정 정확도 (PETS 2009, 2026-12-07): "
        "통과선 31개 격자에서 약 600회 통과 중 3.8%를 잘못 셈, 예시 통과선 2개는 정답과 1회 이내 "
        "(공개 연구용 영상에서 측정; 수치와 재현 방법은 crowdcount 문서의 '측정' 쪽). "
        "이 현장의 정확도는 현장 영상의 표본 검수로만 알 수 있습니다.",
        "method_audited": "이 보고서의 수치는 검수되었습니다: 위의 보정치와 95% 신뢰구간을 보십시오.",
        "method_unaudited": "이 보고서의 수치는 검수되지 않았습니다: 이 현장 영상의 표본을 사람이 확인하지 "
        "않았습니다.",
        "method_config": "설정 해시 {config}; 집계한 crowdcount {version}.",
        "no_footage": "영상 없음",
        "status_done": "완료",
        "status_interrupted": "중단됨",
        "status_live": "실시간",
        "status_stopped": "중지됨",
        "status_ended": "비정상 종료 (방문 종료 처리)",
        "status_growing": "기록 중",
        "appendix": "부록: 데이터 범위와 파일",
        "unaudited": "이 수치는 검수되지 않았습니다: 사람이 표본을 확인한 적이 없습니다 "
        "(crowdcount audit plan 으로 검수를 시작합니다).",
        "audit_note": "표본 {sampled}개 구간({seconds}초) 중 {reviewed}개 검수 "
        "(계획 {planned}, 마지막 검수 {last}). "
        "보정치 = 센 수 x (검수 구간의 실제 수 / 센 수); 구간은 95% 신뢰구간입니다 (docs/audit.md).",
        "direction": "방향",
        "counted": "센 수",
        "estimate": "보정 추정치",
        "interval95": "95% 신뢰구간",
        "reviewed": "검수한 구간",
        "precision": "정밀도",
        "miss_rate": "놓친 비율",
        "bound_note": "≤ / ≥: 오검출 표시가 없는 검수에서는 정밀도는 최대값, 놓친 비율은 최소값입니다",
        "zones_section": "구역 체류 인원 및 체류 시간",
        "zone_note": "체류 인원: 구역 안에 동시에 있던 사람 수 (평균은 촬영 시간 가중). "
        "체류 시간: 구역에 들어와 나갈 때까지의 시간이며, 그날 끝난 방문으로 계산합니다.",
        "day": "날짜",
        "period_total": "전체 기간",
        "peak_at": "최대 시각",
        "dwell_median": "체류 시간 중앙값",
        "dwell_p90": "체류 시간 90%",
        "visits": "체류 기록 수",
        "dwell_chart": "체류 시간 분포",
        "visits_axis": "방문 수",
        "no_zone_footage": "촬영된 구역이 없습니다.",
        "continued": "계속",
        "today": "오늘",
        "per_minute": "분당",
        "trend": "최근 15분",
        "live_groups": "그룹",
        "stale": "지연: 카메라 재연결 중",
        "alert_stale": "경보(오래된 자료: 카메라 재연결 중)",
        "outage_picture": "{state}, 마지막 프레임 {time}",
        "acknowledge": "확인",
        "mute": "30분 알림 끄기",
        "unmute": "알림 켜기",
        "muted_until": "알림 끔",
        "acknowledged": "확인함",
        "raised_value": "발생 시 인원",
        "visitors_today": "오늘 방문객 ({group})",
        "previews": "카메라 화면",
        "preview_note": "추적 중인 사람은 상자와 번호로 표시되고, 선과 구역 옆의 수는 이번 실행 시작 이후의 "
        "수입니다. 화면은 이 페이지가 열려 있을 때만 만들어지며 저장되지 않습니다.",
        "ed_title": "통과선·구역 설정",
        "ed_add_line": "통과선 추가",
        "ed_add_zone": "구역 추가",
        "ed_finish": "완료 (Enter)",
        "ed_cancel": "취소 (Esc)",
        "ed_delete": "삭제",
        "ed_flip": "진입 방향 뒤집기",
        "ed_save": "설정 파일에 저장",
        "ed_saved": "{file}에 저장했습니다",
        "ed_not_saved": "저장하지 못했습니다",
        "ed_unsaved": "저장하지 않은 변경",
        "ed_id": "ID",
        "ed_name": "표시 이름",
        "ed_group": "그룹",
        "ed_select": "편집할 통과선이나 구역을 선택하세요.",
        "ed_camera_name": "카메라 표시 이름",
        "ed_alert": "경보 인원 (이 인원 이상이면 실시간 경보)",
        "ed_paths": "사람들이 지나간 길",
        "ed_no_paths": "이 카메라의 길 정보가 아직 없습니다. 먼저 실행하세요:",
        "ed_paths_shown": "표본 {seconds}초에서 찾은 길 {count}개",
        "ed_bad_id": "ID '{id}': 글자, 숫자, '_', '-', '.'만 쓸 수 있습니다(빈칸 없이)",
        "ed_twice": "ID '{id}'가 이 카메라에서 두 번 쓰였습니다. ID는 서로 달라야 합니다",
        "ed_bad_alert": "'{id}': 경보 인원은 1 이상의 정수여야 합니다",
        "ed_crossing": "구역 '{id}'의 변이 서로 교차합니다. 교차하지 않게 점을 옮기세요",
        "ed_draft": "이 카메라에는 아직 통과선이나 구역이 없습니다(초안). 저장할 수 있으며, "
        "선이나 구역을 그리면 집계합니다.",
        "ed_kept": "저장하지 않은 변경이 남아 있는 카메라: {cameras}",
        "ed_help": "그림을 클릭(터치)해 점을 찍고 Enter나 완료로 마칩니다 (Esc: 취소). "
        "점을 끌어 옮길 수 있습니다. "
        "화살표 방향으로 선을 지나가면 '진입'입니다.",
    },
}


def labels_for(lang: str) -> dict[str, str]:
    """The label set of a language; one-line error for an unknown one."""
    if lang not in LABELS:
        raise CrowdcountError(f"language {lang}: use one of {', '.join(LABELS)}")
    return LABELS[lang]


# Excel handover files (export --format xlsx, Korean by default): column headers and cell words.
# In English the headers are the documented column names (docs/commands.md, "Export columns").
EXPORT_HEADERS_KO = {
    "camera": "카메라",
    "camera_name": "카메라 이름",
    "counter": "측정 지점",
    "counter_name": "측정 지점 이름",
    "kind": "종류",
    "direction": "방향",
    "track_id": "추적 번호",
    "timestamp": "시각",
    "source": "영상 파일",
    "frame": "프레임",
    "type": "유형",
    "group": "그룹",
    "group_name": "그룹 이름",
    "interval_start": "구간 시작",
    "interval_end": "구간 끝",
    "date": "날짜",
    "hour": "시",
    "status": "상태",
    "coverage": "운영 시간 중 촬영 비율",
    "filmed": "개장 시간 중 촬영 비율",
    "estimate": "검수 보정치",
    "estimate_low": "보정치 하한(95%)",
    "estimate_high": "보정치 상한(95%)",
    "factored": "개장 시간 전체 추정",
    "factored_low": "추정 하한(95%)",
    "factored_high": "추정 상한(95%)",
    "in": "진입",
    "out": "진출",
    "net": "순증",
    "entries": "구역 진입",
    "exits": "구역 이탈",
    "mean_occupancy": "평균 체류 인원",
    "peak_occupancy": "최대 체류 인원",
    "dwell_median_s": "체류 시간 중앙값(초)",
    "dwell_p90_s": "체류 시간 90%(초)",
    "cameras": "카메라 수",
    "counters": "측정 지점 수",
    "events": "이벤트 수",
    "measure": "항목",
    "total": "합계",
    "intervals_complete": "완전한 구간",
    "intervals_partial": "일부 구간",
    "intervals_missing": "영상 없는 구간",
    "intervals_closed": "운영 시간 외 구간",
    **{
        f"{c}_{p}": f"{w} {s}"
        for c, w in (("in", "진입"), ("out", "진출"), ("entries", "구역 진입"), ("exits", "구역 이탈"))
        for p, s in (("est", "보정치"), ("low", "하한(95%)"), ("high", "상한(95%)"))
    },
}
EXPORT_VALUES_KO = {
    "status": {"complete": "완전", "partial": "일부", "missing": "영상 없음", "closed": "운영 시간 외"},
    "type": {"line": "통과선", "zone": "구역"},
    "kind": {"cross": "통과", "enter": "구역 진입", "exit": "구역 이탈"},
    "direction": {"in": "진입", "out": "진출"},
    "measure": {"in": "진입", "out": "진출", "entries": "구역 진입"},
}


def number(value: float | None, lang: str, digits: int = 0) -> str:
    """``41200`` -> ``41,200`` as the language writes it; ``-`` for no value."""
    if value is None or value != value:  # None or NaN
        return "-"
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return str(format_decimal(value, format=pattern, locale=LOCALES[lang]))


def share(value: float | None) -> str:
    """A share as a percentage with one decimal, never a misleading 0 %: ``<0.1%`` for a sliver.

    >>> share(0.0123), share(0.0003), share(0.0), share(1.0), share(None)
    ('1.2%', '<0.1%', '0%', '100%', '-')
    """
    if value is None or value != value:
        return "-"
    if value <= 0:
        return "0%"
    if value < 0.001:
        return "<0.1%"
    return "100%" if value >= 0.9995 else f"{100 * value:.1f}%"


def day(value: date, lang: str) -> str:
    """A day as the language writes it: ``10월 4일 (일)``, ``Sun, Oct 4``."""
    return str(format_date(value, "M월 d일 (E)" if lang == "ko" else "EEE, MMM d", locale=LOCALES[lang]))


def hour_span(start: datetime, end: datetime, lang: str) -> str:
    """An interval as the language writes it: ``10월 4일 (일) 19:00-20:00``."""
    return f"{day(start.date(), lang)} {start:%H:%M}-{end:%H:%M}"


def moment(value: datetime, lang: str) -> str:
    """A wall-clock moment with its day: ``2026년 10월 4일 19:05``, ``Oct 4, 2026, 19:05``."""
    pattern = "y년 M월 d일 HH:mm" if lang == "ko" else "MMM d, y, HH:mm"
    return str(format_datetime(value, pattern, locale=LOCALES[lang]))


GAP_REASONS_KO = [  # a gap's reason (recording, runner, live stream) -> Korean, its numbers kept
    (r"corrupt segment: frames (\d+)-(\d+)", r"손상 구간: 프레임 \1-\2"),
    (r"truncated: decoded (\d+) of (\d+) frames", r"잘린 파일: 프레임 \2개 중 \1개만 읽힘"),
    (r"no recording between files", "파일 사이 녹화 없음"),
    (r"overlaps (.+)", r"\1 파일과 겹침"),
    (r"unreadable: video (.+) is empty \(0 bytes\)", r"읽을 수 없는 파일: \1 (빈 파일)"),
    (
        r"unreadable: video (.+) cannot be read \(not a video, or an unsupported codec\)",
        r"읽을 수 없는 파일: \1 (영상이 아니거나 지원하지 않는 코덱)",
    ),
    (r"unreadable: (.+)", r"읽을 수 없는 파일: \1"),
    (r"stream down: (.+)", r"스트림 끊김: \1"),
]


def gap_reason(reason: str, lang: str) -> str:
    """A gap's reason in the language (Korean: the whole reason, its numbers and names kept).

    >>> gap_reason("truncated: decoded 200 of 265 frames", "ko"), gap_reason("overlaps a.mp4", "ko")
    ('잘린 파일: 프레임 265개 중 200개만 읽힘', 'a.mp4 파일과 겹침')
    """
    if lang != "ko":
        return reason
    for pattern, words in GAP_REASONS_KO:
        if re.fullmatch(pattern, reason, flags=re.S):
            return re.sub(pattern, words, reason, count=1, flags=re.S)
    return reason


def duration(seconds: float | None, lang: str) -> str:
    """A dwell time as the language writes it: ``2분 15초``, ``1 h 5 min``; ``-`` for none.

    >>> duration(135, "ko"), duration(3900, "en"), duration(42.4, "en"), duration(float("nan"), "ko")
    ('2분 15초', '1 h 5 min', '42 s', '-')
    """
    if seconds is None or seconds != seconds:
        return "-"
    units = ("시간", "분", "초") if lang == "ko" else (" h", " min", " s")
    whole = round(seconds)
    hours, minutes, secs = whole // 3600, whole % 3600 // 60, whole % 60
    parts = [(hours, units[0]), (minutes, units[1])] if hours else [(minutes, units[1]), (secs, units[2])]
    text = " ".join(f"{n}{u}" for n, u in parts if n)
    return text or f"0{units[2]}"


def dwell_span(low: float, high: float | None, lang: str) -> str:
    """A dwell histogram bar's span: ``10초 미만``, ``1-5분`` written whole, ``1시간 이상``."""
    if low == 0 and high is not None:
        return f"{duration(high, lang)} 미만" if lang == "ko" else f"under {duration(high, lang)}"
    if high is None:
        return f"{duration(low, lang)} 이상" if lang == "ko" else f"{duration(low, lang)} or more"
    return f"{duration(low, lang)} - {duration(high, lang)}"


MODEL_WORDS = {
    "en": {
        "licence": "licence",
        "data": "trained on",
        "unknown": "no model card: licence and training data unknown",
    },
    "ko": {
        "licence": "라이선스",
        "data": "학습 데이터",
        "unknown": "모델 카드 없음: 라이선스와 학습 데이터를 알 수 없음",
    },
}
TRAINING_DATA_KO = {  # a known model's training data (its card's words) -> Korean
    "Intel's own images (no terms beyond the model's Apache-2.0 licence)": (
        "Intel 자체 이미지 (모델의 Apache-2.0 라이선스 외의 조건 없음)"
    ),
    "COCO 2017": "COCO 2017",
    "MOT17, CrowdHuman, CityPersons, ETHZ": (
        "MOT17, CrowdHuman, CityPersons, ETHZ (비상업용 데이터: 사용 허가 확인 필요)"
    ),
}


def model_words(detector: str, lang: str) -> str:
    """A detector as the store names it (``openvino-atss:person-detection-0303.xml@1280 x2 at 512``) in
    plain words: the model's name, licence and training data from its card, without file names or
    input sizes; a model crowdcount has no card for is named by its file, and says so.

    >>> model_words("openvino-atss:person-detection-0303.xml@1280 x2 at 512", "en").split("; ")[:2]
    ['Intel person-detection-0303 (MobileNetV2 ATSS, INT8)', 'licence Apache-2.0 (Intel Open Model Zoo)']
    >>> model_words("yolox-onnx:ours.onnx@416", "ko")
    'ours.onnx (모델 카드 없음: 라이선스와 학습 데이터를 알 수 없음)'
    """
    from crowdcount.detect.cards import BUILT_IN
    from crowdcount.detect.registry import KNOWN

    file = detector.split(":", 1)[-1].split("@", 1)[0].split(" ", 1)[0]
    file = file.rsplit("/", 1)[-1]
    known = next((m for m in KNOWN.values() if m.files[0].name == file), None)
    card = BUILT_IN.get(known.files[0].sha256) if known else None
    words = MODEL_WORDS["ko" if lang == "ko" else "en"]
    if card is None:
        return f"{file} ({words['unknown']})"
    data = card.training_data
    if lang == "ko":
        data = TRAINING_DATA_KO.get(data, data)
    elif card.data_terms:
        data = f"{data} ({card.data_terms.split(';')[0]})"
    return f"{card.name}; {words['licence']} {card.licence}; {words['data']} {data}"
