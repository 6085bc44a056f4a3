"""The audit's windows, sample and estimator: pure rules, a simulation of known error rates, and
ground-truth answers on the real PETS counts."""

from __future__ import annotations

import csv
import itertools
import json
import random
import re
import shutil
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pandas as pd
import pytest

from conftest import EXAMPLE_CONFIG
from crowdcount.audit import (
    PLAN_COLUMNS,
    AuditPlan,
    AuditWindow,
    PlanItem,
    Review,
    audit_counters,
    audit_windows,
    draw_sample,
    ratio_estimate,
    read_answers,
    store_audits,
    with_estimates,
    with_group_estimates,
)
from crowdcount.config import load_config
from crowdcount.datatypes import CounterInfo, CountEvent, History, SourceRecord
from crowdcount.errors import CrowdcountError
from crowdcount.evaluate.truth import ground_truth_events, load_mot_tracks
from crowdcount.store.events import EventStore
from crowdcount.tables.aggregate import group_table, interval_table
from helpers import START, crowdcount


def history(hours: int = 3, fps: float = 10.0) -> History:
    """One camera, one line, one source an hour long per hour, a crossing every 7 s."""
    sources, events = [], []
    for hour in range(hours):
        start = START + timedelta(hours=hour)
        source = f"cam_{hour}.mp4"
        sources.append(
            SourceRecord("cam", source, "done", start, start + timedelta(seconds=3599.9), fps, 36000, 1, "m")
        )
        for k, second in enumerate(range(3, 3600, 7)):
            direction = "in" if k % 3 else "out"
            events.append(
                CountEvent(
                    "cam",
                    "door",
                    "cross",
                    direction,
                    k,
                    start + timedelta(seconds=second),
                    source,
                    round(second * fps),
                )
            )
    return History(events, [CounterInfo("cam", "door", "line")], sources)


def test_windows_partition_each_source_and_hold_every_counted_event():
    made = history()
    windows = audit_windows(made, seconds=20)
    for source in {w.source for w in windows}:
        mine = sorted((w.frame_start, w.frame_end) for w in windows if w.source == source)
        assert mine[0][0] == 0 and mine[-1][1] == 35999
        assert all(after[0] == before[1] + 1 for before, after in itertools.pairwise(mine))
    assert sum(w.counted_in for w in windows) == sum(e.direction == "in" for e in made.events)
    assert sum(w.counted_out for w in windows) == sum(e.direction == "out" for e in made.events)


def test_the_sample_is_the_same_for_a_seed_and_spread_over_the_hours():
    windows = audit_windows(history(), seconds=20)
    first, again = draw_sample(windows, 30, seed=7), draw_sample(windows, 30, seed=7)
    assert [w.item_id for w in first] == [w.item_id for w in again]
    assert {w.item_id for w in draw_sample(windows, 30, seed=8)} != {w.item_id for w in first}
    assert len(first) == 30 and len({w.item_id for w in first}) == 30
    per_hour = np.bincount([w.time_start.hour for w in first])
    assert sorted(per_hour[per_hour > 0].tolist()) == [10, 10, 10]  # equal hours, equal shares


def test_reviewing_every_window_leaves_no_doubt_and_none_reviewed_says_so():
    exact = ratio_estimate([3, 0, 2], [(3, 4), (0, 1), (2, 2)])
    assert exact.estimate == pytest.approx(7.0) and exact.low == exact.high == pytest.approx(7.0)
    unknown = ratio_estimate([3, 0, 2], [])
    assert unknown.estimate == 5 and np.isnan(unknown.low) and unknown.reviewed == 0


def test_the_interval_covers_the_truth_95_times_in_100_under_known_error_rates():
    """500 windows; crowdcount finds 90 % of the people and adds 0.3 false crossings a window; a
    random 60 are reviewed. Over 400 draws the 95 % interval should hold the true total ~95 % of
    the time."""
    covered, draws = 0, 400
    for seed in range(draws):
        rng = np.random.default_rng(seed)
        true = rng.poisson(2.0, 500)
        counted = rng.binomial(true, 0.9) + rng.poisson(0.3, 500)
        sample = random.Random(seed).sample(range(500), 60)
        result = ratio_estimate(counted.tolist(), [(int(counted[i]), int(true[i])) for i in sample])
        covered += result.low <= true.sum() <= result.high
    assert 0.91 <= covered / draws <= 0.98, covered / draws


def true_count(events: list[CountEvent], row: dict[str, str], direction: str) -> int:
    """The ground-truth crossings of a plan row's line in ``direction`` within its frames."""
    first, last = int(row["frame_start"]), int(row["frame_end"])
    return sum(
        e.counter == row["counter"] and e.direction == direction and first <= e.frame <= last for e in events
    )


@pytest.fixture(scope="module")
def audited(processed_db: Path, pets_gt: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The PETS store audited through the CLI: a plan of 12 windows of 5 s per line, answered by the
    MOT ground truth (each window's true crossings are the ground-truth crossings in its frames) and
    imported with ``audit import``."""
    folder = tmp_path_factory.mktemp("audited")
    db = folder / "crowdcount.db"
    shutil.copy(processed_db, db)
    planned = crowdcount(
        "audit",
        "plan",
        "--db",
        db,
        "--counter",
        "lamppost",
        "--counter",
        "west",
        "--samples",
        12,
        "--seconds",
        5,
        "--seed",
        1,
        "--out",
        folder / "plan",
    )
    assert planned.returncode == 0, planned.stderr
    with (folder / "plan" / "plan.csv").open(encoding="utf-8-sig") as file:
        plan = list(csv.DictReader(file))
    stored = EventStore(db, create=False).history()
    site = load_config(EXAMPLE_CONFIG)
    record = stored.sources[0]
    truth = ground_truth_events(
        load_mot_tracks(pets_gt), site.cameras[0], site.counting.anchor, record.start, record.fps
    )
    with (folder / "plan" / "answers.csv").open(encoding="utf-8-sig") as file:
        plan_id = next(csv.DictReader(file))["plan"]  # the sheet names its plan
    answers = folder / "answers.csv"
    with answers.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["item_id", "true_in", "true_out", "plan"])
        for row in plan:
            truths = true_count(truth, row, "in"), true_count(truth, row, "out")
            writer.writerow([row["item_id"], *truths, plan_id])
    imported = crowdcount("audit", "import", "--db", db, "--answers", answers)
    assert imported.returncode == 0, imported.stderr
    return {"db": db, "plan": plan, "truth": truth, "folder": folder, "printed": imported.stdout}


def test_the_plan_lists_random_windows_with_their_clips(audited):
    plan, folder = audited["plan"], audited["folder"] / "plan"
    assert list(plan[0]) == PLAN_COLUMNS
    assert len(plan) == 24 and {r["counter"] for r in plan} == {"lamppost", "west"}
    clips = sorted((folder / "clips").glob("*.webm"))
    assert len(clips) == 24
    first = cv2.VideoCapture(str(clips[0]))
    frames = 0
    while first.read()[0]:
        frames += 1
    row = plan[0]
    assert frames >= int(row["frame_end"]) - int(row["frame_start"]) + 1  # the window, and its lead-in/out
    assert EventStore(audited["db"], create=False).audit_plan().seed == 1  # recorded in the store


def test_ground_truth_answers_give_intervals_that_hold_the_pets_totals(audited):
    store = EventStore(audited["db"], create=False)
    audits = {a.counter: a for a in store_audits(store)}
    assert set(audits) == {"lamppost", "west"} and audits["lamppost"].reviewed == 12
    for line in ("lamppost", "west"):
        for direction in ("in", "out"):
            found = audits[line].estimates[direction]
            gt_total = sum(e.counter == line and e.direction == direction for e in audited["truth"])
            assert found.low <= gt_total <= found.high, (line, direction, gt_total, found)
    assert "lamppost" in audited["printed"] and "precision" in audited["printed"]


def test_exports_and_the_report_show_the_intervals_and_without_an_audit_nothing_changes(
    audited, processed_db, tmp_path
):
    made = crowdcount(
        "export",
        "--db",
        audited["db"],
        "--what",
        "intervals",
        "--interval",
        "1min",
        "--out",
        tmp_path / "audited.csv",
    )
    assert made.returncode == 0, made.stderr
    table = pd.read_csv(tmp_path / "audited.csv")
    lamppost = table[table["counter"] == "lamppost"]
    assert (lamppost["in_low"] <= lamppost["in_est"]).all() and (
        lamppost["in_est"] <= lamppost["in_high"]
    ).all()
    assert table.loc[table["counter"] == "junction", "entries_est"].isna().all()  # not audited
    groups = crowdcount("export", "--db", audited["db"], "--what", "groups", "--out", tmp_path / "groups.csv")
    assert groups.returncode == 0 and "out_high" in pd.read_csv(tmp_path / "groups.csv").columns
    plain = crowdcount("export", "--db", processed_db, "--what", "intervals", "--out", tmp_path / "plain.csv")
    assert plain.returncode == 0 and not any(c.endswith("_est") for c in pd.read_csv(tmp_path / "plain.csv"))
    for db, name in ((audited["db"], "audited.html"), (processed_db, "plain.html")):
        assert crowdcount("report", "--db", db, "--out", tmp_path / name, "--lang", "ko").returncode == 0
    audited_page, plain_page = (tmp_path / "audited.html").read_text(), (tmp_path / "plain.html").read_text()
    assert (
        'id="audit"' in audited_page
        and "95% 신뢰구간" in audited_page
        and 'id="unaudited"' not in audited_page
    )
    assert 'id="unaudited"' in plain_page and "검수되지 않았습니다" in plain_page
    # page one leads with the audited estimate and its interval, the count beside it; or says there is none
    lead = audited_page.split('id="lead-visitors"')[1].split("\n")[0]
    figure = re.search(
        r'class="value">([\d,]+)명(?: 이상)?<.*검수 보정치, 95% ([\d,]+)-([\d,]+) · 집계 ([\d,]+)명', lead
    )
    assert figure, lead
    estimate, low, high, counted = (int(value.replace(",", "")) for value in figure.groups())
    crossings = EventStore(audited["db"], create=False).events()
    assert low <= estimate <= high and counted == sum(
        e.kind == "cross" and e.direction == "in" for e in crossings
    )
    assert "검수 전: 보정치 없음" in plain_page.split('id="lead-visitors"')[1].split("\n")[0]
    # the gate tables give each total's corrected figure beside it, or say it is unaudited
    gate_days = audited_page.split('id="gate-days"')[1].split("</table>")[0]
    assert (
        "<th>검수 보정치 (95%)</th>" in gate_days
        and "검수 보정치" not in plain_page.split('id="gate-days"')[1]
    )
    lamppost = re.search(
        r"<td>lamppost</td><td>진입</td><td>\d+\*</td><td>\d+\*</td><td>[^<]+</td>"  # day, total, filmed
        r"<td>(\d+) \((\d+)-(\d+)\)</td>",
        gate_days,
    )
    assert lamppost and int(lamppost[2]) <= int(lamppost[1]) <= int(lamppost[3]), gate_days
    assert re.search(
        r"<td>junction</td><td>구역 진입</td><td>[^<]+</td><td>[^<]+</td><td>[^<]+</td><td>검수 전</td>",
        gate_days,
    )


def plan_of(windows: list[AuditWindow]) -> AuditPlan:
    items = [PlanItem(w, f"{k}.webm", w.frame_start) for k, w in enumerate(windows)]
    return AuditPlan(START, 20.0, len(items), 0, "/tmp", items)


def _of_plan(sheet: str, plan_id: str) -> str:
    """An answer sheet's text with the plan column the template has."""
    header, *rows = sheet.splitlines()
    return "\n".join([header + ",plan", *(row + f",{plan_id}" for row in rows)]) + "\n"


def test_answer_files_with_mistakes_get_one_line_errors_naming_line_and_column(tmp_path):
    windows = audit_windows(history(hours=1), seconds=20)[:3]
    plan = plan_of(windows)
    first = windows[0]
    cases = {
        "item_id,true_in\n": "missing: true_out",
        "item_id,true_in,true_out\nnope/x/1,1,1\n": "line 2: item_id 'nope/x/1' is not in the audit plan",
        f"item_id,true_in,true_out\n{first.item_id},-1,0\n": "line 2: true_in '-1' is not a whole number",
        f"item_id,true_in,true_out\n{first.item_id},1.5,0\n": "true_in '1.5' is not a whole number",
        f"item_id,true_in,true_out\n{first.item_id},1,\n": "line 2: true_out is empty",
        f"item_id,true_in,true_out,false_in\n{first.item_id},0,0,{first.counted_in + 1}\n": "false_in is",
    }
    cases = {_of_plan(text, plan.plan_id): says for text, says in cases.items()}
    cases[f"item_id,true_in,true_out\n{first.item_id},1,1\n"] = "a plan it does not name (no plan column)"
    cases[f"item_id,true_in,true_out,plan\n{first.item_id},1,1,20250101T000000\n"] = (
        "answers plan 20250101T000000, not the store's plan 20261003T100000"
    )
    for text, says in cases.items():
        path = tmp_path / "answers.csv"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(CrowdcountError, match=re.escape(says)):
            read_answers(path, plan)
    path.write_text(
        _of_plan(f"item_id,true_in,true_out\n{first.item_id},,\n{windows[1].item_id},2,1\n", plan.plan_id),
        encoding="utf-8",
    )
    assert [(w.item_id, r.true_in) for w, r in read_answers(path, plan)] == [(windows[1].item_id, 2)]


def test_estimates_scale_each_interval_and_groups_add_their_members_in_quadrature():
    made = history(hours=1)
    windows = audit_windows(made, seconds=20)
    plan_windows = windows[::10]
    plan = plan_of(plan_windows)
    reviews = {
        w.key: Review(w.counted_in + (k % 2), w.counted_out, 0, 0) for k, w in enumerate(windows[::10])
    }
    (audit,) = audit_counters(made, plan, reviews)
    assert audit.precision == 1.0 and 0 < audit.miss_rate < 0.2 and audit.exact
    found = audit.estimates["in"]
    assert found.low < found.estimate < found.high and found.estimate > found.counted
    made = History(made.events, [CounterInfo("cam", "door", "line", "gate")], made.sources)
    intervals = with_estimates(interval_table(made, "15min"), [audit])
    assert intervals["in_est"].sum() == pytest.approx(found.estimate, abs=0.5)
    assert (intervals["in_est"] / intervals["in"]).round(3).nunique() == 1  # one ratio for the counter
    groups = with_group_estimates(group_table(intervals), intervals)
    assert groups["in_est"].tolist() == intervals["in_est"].tolist()  # a group of one is its member
    assert with_estimates(intervals.iloc[:0], []).equals(intervals.iloc[:0])


def test_a_new_plan_keeps_a_filled_in_sheet_and_refuses_its_answers(tmp_path, processed_db):
    db = tmp_path / "crowdcount.db"
    shutil.copy(processed_db, db)
    folder = tmp_path / "audit"

    def plan(seed: int) -> list[dict[str, str]]:
        sample = ["--counter", "lamppost", "--samples", 2, "--seconds", 5, "--seed", seed]
        made = crowdcount("audit", "plan", "--db", db, *sample, "--out", folder)
        assert made.returncode == 0, made.stderr
        with (folder / "answers.csv").open(encoding="utf-8-sig") as file:
            return list(csv.DictReader(file))

    first = plan(1)
    first[0] |= {"true_in": "1", "true_out": "0"}
    with (folder / "answers.csv").open("w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=list(first[0]))
        writer.writeheader()
        writer.writerows(first)
    time.sleep(1)  # plans are named by the second they were made
    second = plan(2)
    kept = folder / f"answers-{first[0]['plan']}.csv"
    assert kept.exists() and "1,0" in kept.read_text(encoding="utf-8")  # the reviewer's work, not lost
    assert second[0]["plan"] != first[0]["plan"] and not second[0]["true_in"]
    refused = crowdcount("audit", "import", "--db", db, "--answers", kept)
    assert refused.returncode == 2
    assert f"answers plan {first[0]['plan']}, not the store's plan {second[0]['plan']}" in refused.stderr


def test_the_review_page_refuses_an_answer_for_another_plan(audited):
    from helpers import request, start_server

    process, base = start_server("--db", audited["db"])
    try:
        plan_id = json.loads(request(base, "GET", "/api/audit")[1])["plan"]["id"]
        item = audited["plan"][0]["item_id"]
        answer = {"true_in": 0, "true_out": 0, "plan": "20250101T000000"}
        headers = {"Content-Type": "application/json"}
        status, body = request(base, "PUT", f"/api/audit/review/{item}", headers, json.dumps(answer).encode())
        assert status == 409 and f"the store's plan is now {plan_id}" in json.loads(body)["detail"]
    finally:
        process.terminate()
        process.wait(10)
