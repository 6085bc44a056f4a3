"""What a city publishes, from a real run of the sample archive (issue #31): a two-day festival with
three gates, one whose recordings never arrived, and a few minutes of the opening hours on video. The
PDF's page one, the gate tables, the workbook and the CSV all say how much was filmed, name the gate
without footage and say the counts are unaudited."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pdfplumber
import pytest
import yaml

from helpers import SHORTFALL, crowdcount

NAMES = {"pets-a": ("북문", "북문 가로등"), "pets-b": ("서문", "서문 통로"), "gate-c": ("남문", "남문 입구")}


@pytest.fixture(scope="module")
def festival(archive: Path, model: str) -> Path:
    """The sample archive counted as a festival of 3 and 4 May, open 10:00-12:00 (a store; do not
    modify): pets-a and pets-b filmed a few minutes of the first morning, gate-c nothing."""
    site = yaml.safe_load(archive.read_text())
    site["site"] = {
        "name": "2026 샘플 축제",
        "period": ["2026-05-03", "2026-05-04"],
        "headline_group": "walkways",
        "groups": {"walkways": "출입구"},
        "opening_hours": {"default": ["10:00", "12:00"]},
    }
    for camera in site["cameras"]:
        camera["name"], line_name = NAMES[camera["id"]]
        camera["lines"][0].update(name=line_name, group="walkways")
    config = archive.parent / "festival.yaml"
    config.write_text(yaml.safe_dump(site, allow_unicode=True), encoding="utf-8")
    out = archive.parent / "festival"
    made = crowdcount("run", "--config", config, "--out", out, "--model", model, "--workers", 2)
    assert made.returncode == SHORTFALL, made.stderr  # gate-c has no footage: the scheduler is told
    return out / "crowdcount.db"


def test_page_one_of_the_pdf_says_how_much_was_filmed_and_which_gate_has_no_footage(
    festival, tmp_path, chromium
):
    made = crowdcount("report", "--db", festival, "--out", tmp_path / "report.pdf")
    assert made.returncode == 0, made.stderr
    with pdfplumber.open(tmp_path / "report.pdf") as pdf:
        first = pdf.pages[0].extract_text()
        everything = "\n".join(page.extract_text() for page in pdf.pages)
    assert "명 이상" in first and "만 촬영: 최소 인원" in first  # a lower bound, said so
    assert "출입구 3곳 중 1곳 영상 없음: 남문 입구" in first
    assert "검수 전: 보정치 없음" in first  # unaudited, said where the figure is
    assert "개장 시간 중 촬영 비율: 남문 0%, 북문 0.7%, 서문 0.2%" in first  # each camera's share
    assert "decoded" not in everything and "cannot be read" not in everything  # gap reasons in Korean, whole
    assert "북문: 3 개 파일" in everything and "pets-a:" not in everything  # display names, never ids


def test_the_gate_tables_workbook_and_csv_keep_the_dark_gate_and_the_unfilmed_day(festival, tmp_path):
    html = tmp_path / "report.html"
    assert crowdcount("report", "--db", festival, "--out", html).returncode == 0
    page = html.read_text(encoding="utf-8")
    for reason in (
        "파일 사이 녹화 없음",
        "잘린 파일: 프레임 265개 중 200개만 읽힘",
        "(영상이 아니거나",
    ):
        assert reason in page
    gate_days = page.split('id="gate-days"')[1].split("</table>")[0]
    assert (
        "<td>남문</td><td>남문 입구</td><td>진입</td><td>-</td><td>-</td><td>-</td><td>0%</td>" in gate_days
    )

    book_path = tmp_path / "hourly.xlsx"
    made = crowdcount(
        "export", "--db", festival, "--what", "intervals", "--interval", "60min", "--out", book_path
    )
    assert made.returncode == 0, made.stderr
    book = openpyxl.load_workbook(book_path)
    assert book.sheetnames[3:] == ["남문", "북문", "서문"]
    days = {(row[1], row[4]): row[5:9] for row in book["일별 합계"].values}  # days, total, share filmed
    assert days[("남문", "진입")] == ("-", "-", "-", 0)
    north = days[("북문", "진입")]
    assert str(north[0]).endswith("*") and north[1] == "-" and 0 < north[3] < 0.05  # a few minutes filmed
    for name in ("남문", "북문", "서문"):
        rows = list(book[name].values)[1:]
        assert "운영 시간 외" not in {row[9] for row in rows}
        assert len(rows) == 4 * len({row[2] for row in rows})  # 2 open hours x 2 days a counter, no night

    csv = tmp_path / "hourly.csv"
    made = crowdcount("export", "--db", festival, "--what", "intervals", "--interval", "60min", "--out", csv)
    assert made.returncode == 0, made.stderr
    table = pd.read_csv(csv)
    open_hours = table[table["status"] != "closed"]
    assert set(open_hours["camera"]) == {"pets-a", "pets-b", "gate-c"}
    assert len(open_hours) == 4 * table.groupby(["camera", "counter"]).ngroups
    second_day = open_hours[open_hours["interval_start"].str.startswith("2026-05-04")]
    assert set(second_day["status"]) == {"missing"} and second_day["in"].isna().all()
    assert (open_hours.loc[open_hours["camera"] == "gate-c", "coverage"] == 0).all()


def test_compare_and_the_portal_export_work_on_the_sample_archive(festival, reference, tmp_path):
    """The festival against the plain run of the same archive (its own footage: every change 0 %), and
    the portal's file of it."""
    html = tmp_path / "compare.html"
    made = crowdcount("report", "--db", festival, "--out", html, "--compare", reference / "crowdcount.db")
    assert made.returncode == 0, made.stderr
    section = html.read_text(encoding="utf-8").split('<h2 id="compare">')[1].split("<h2>")[0]
    rows = [re.findall(r"<td>([^<]*)</td>", row) for row in re.findall(r"<tr>(<td>.*?)</tr>", section)]
    north = next(r for r in rows if r[0] == "북문 가로등")
    assert north[1:3] == ["1일차", "10:00"] and north[3] == north[4] and north[5] == "+0.0%"
    portal = tmp_path / "유동인구.csv"
    made = crowdcount("export", "--db", festival, "--what", "portal", "--interval", "60min", "--out", portal)
    assert made.returncode == 0, made.stderr
    table = pd.read_csv(portal, encoding="utf-8-sig")
    assert set(table["측정지점명"]) >= {"북문 가로등", "서문 통로", "남문 입구"}
    assert set(table.loc[table["측정지점명"] == "남문 입구", "자료상태"]) == {"영상 없음"}
    assert (tmp_path / "유동인구-metadata.csv").exists()


@pytest.fixture(scope="module")
def audited_festival(festival: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The festival with an audit: windows of both filmed gates reviewed, the reviewer finding every
    count right (a copy of the store; do not modify)."""
    folder = tmp_path_factory.mktemp("audited-festival")
    db = folder / "crowdcount.db"
    shutil.copy(festival, db)
    counters = ["--counter", "lamppost", "--counter", "west"]
    sample = ["--samples", 4, "--seconds", 5, "--seed", 1]
    planned = crowdcount("audit", "plan", "--db", db, *counters, *sample, "--out", folder / "plan")
    assert planned.returncode == 0, planned.stderr
    with (folder / "plan" / "plan.csv").open(encoding="utf-8-sig") as file:
        plan = list(csv.DictReader(file))
    with (folder / "plan" / "answers.csv").open(encoding="utf-8-sig") as file:
        plan_id = next(csv.DictReader(file))["plan"]
    answers = folder / "answers.csv"
    with answers.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["item_id", "true_in", "true_out", "plan"])
        writer.writerows([row["item_id"], row["counted_in"], row["counted_out"], plan_id] for row in plan)
    imported = crowdcount("audit", "import", "--db", db, "--answers", answers)
    assert imported.returncode == 0, imported.stderr
    return db


def test_an_audit_reaches_page_one_the_gate_tables_and_the_workbook(audited_festival, tmp_path, chromium):
    made = crowdcount("report", "--db", audited_festival, "--out", tmp_path / "report.pdf")
    assert made.returncode == 0, made.stderr
    with pdfplumber.open(tmp_path / "report.pdf") as pdf:
        first = pdf.pages[0].extract_text()
    assert "검수 보정치, 95%" in first and "집계 10명" in first and "검수 전: 보정치 없음" not in first
    html = tmp_path / "report.html"
    assert crowdcount("report", "--db", audited_festival, "--out", html).returncode == 0
    gate_days = html.read_text(encoding="utf-8").split('id="gate-days"')[1].split("</table>")[0]
    assert "<th>검수 보정치 (95%)</th>" in gate_days
    assert re.search(
        r"<td>북문 가로등</td><td>진입</td>(?:<td>[^<]*</td>)+?<td>\d+ \(\d+-\d+\)</td>", gate_days
    )
    book = tmp_path / "hourly.xlsx"
    made = crowdcount(
        "export", "--db", audited_festival, "--what", "intervals", "--interval", "60min", "--out", book
    )
    assert made.returncode == 0, made.stderr
    header, *days = openpyxl.load_workbook(book)["일별 합계"].values
    north = next(
        dict(zip(header, row, strict=True)) for row in days if row[3] == "북문 가로등" and row[4] == "진입"
    )
    assert north["보정치 하한(95%)"] <= north["검수 보정치"] <= north["보정치 상한(95%)"]
