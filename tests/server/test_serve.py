"""``crowdcount serve``: the live API and dashboard over a real processed store, on a real server."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from crowdcount.store.events import EventStore
from helpers import ROOT, crowdcount, free_port, get_json, http_get, start_server


@pytest.fixture(scope="module")
def server(processed_db: Path) -> Iterator[str]:
    process, base = start_server("--db", processed_db, "--config", ROOT / "examples" / "pets09.yaml")
    yield base
    process.terminate()
    process.wait(10)


def test_counters_and_cameras_match_the_store(server, processed_db):
    events = EventStore(processed_db, create=False).events()
    counters = {c["counter"]: c for c in get_json(f"{server}/api/counters")}
    lamppost, junction = counters["lamppost"], counters["junction"]
    assert lamppost["in"] == sum(e.counter == "lamppost" and e.direction == "in" for e in events) > 0
    assert lamppost["out"] == sum(e.counter == "lamppost" and e.direction == "out" for e in events) > 0
    assert junction["entries"] == junction["exits"] == sum(e.kind == "enter" for e in events) > 0
    assert junction["occupancy"] == 0  # a finished recording: every visit has ended
    (camera,) = get_json(f"{server}/api/cameras")
    assert camera["camera"] == "pets-view1" and camera["state"] == "recorded" and camera["recordings"] == 1
    health = get_json(f"{server}/api/health")
    assert health["status"] == "ok" and health["mode"] == "store" and health["events"] == len(events)


def test_the_audit_page_is_served_too_and_a_store_without_an_audit_says_so(server):
    status, page = http_get(f"{server}/audit")
    assert status == 200 and "표본 검수" in page.decode()
    assert get_json(f"{server}/api/audit") == {"plan": None, "items": [], "estimates": []}
    assert http_get(f"{server}/api/audit/clip/pets-view1/lamppost/1")[0] == 404
    intervals = get_json(f"{server}/api/intervals")
    assert not any(key.endswith("_est") for key in intervals[0])  # unaudited: the table as before


def test_intervals_are_the_export_table(server, processed_db, tmp_path):
    rows = get_json(f"{server}/api/intervals?interval=1min&camera=pets-view1&counter=lamppost")
    out = tmp_path / "intervals.json"
    result = crowdcount(
        "export",
        "--db",
        processed_db,
        "--what",
        "intervals",
        "--interval",
        "1min",
        "--format",
        "json",
        "--out",
        out,
    )
    assert result.returncode == 0, result.stderr
    exported = [r for r in json.loads(out.read_text()) if r["counter"] == "lamppost"]
    assert [(r["interval_start"], r["in"], r["out"], r["status"]) for r in rows] == [
        (r["interval_start"], r["in"], r["out"], r["status"]) for r in exported
    ]
    assert rows[0]["interval_start"] == "2009-03-01T10:00:00+09:00" and len(rows) == 2


@pytest.mark.parametrize(
    ("query", "status", "says"),
    [
        ("/api/intervals?interval=7min", 400, "interval"),
        ("/api/intervals?camera=nope", 404, "unknown camera"),
        ("/api/counters?camera=nope", 404, "pets-view1"),
        ("/api/intervals?counter=nope", 404, "unknown counter"),
        ("/?lang=fr", 422, "lang"),
        ("/api/nothing", 404, ""),
    ],
)
def test_bad_parameters_get_a_4xx_that_says_why(server, query, status, says):
    code, body = http_get(server + query)
    assert code == status and says in body.decode()


def test_the_feed_sends_snapshots_and_the_spec_lists_the_api(server):
    with urllib.request.urlopen(f"{server}/api/stream", timeout=10) as feed:
        assert feed.headers["content-type"].startswith("text/event-stream")
        assert feed.readline().decode().strip() == "event: snapshot"
        snapshot = json.loads(feed.readline().decode().removeprefix("data: "))
    assert {c["counter"] for c in snapshot["counters"]} == {"lamppost", "west", "junction"}
    assert len(snapshot["series"]["times"]) == len(snapshot["series"]["zones"]["pets-view1/junction"])
    paths = get_json(f"{server}/openapi.json")["paths"]
    assert {"/api/cameras", "/api/counters", "/api/intervals", "/api/health", "/api/stream"} <= set(paths)
    page = http_get(f"{server}/?lang=ko")[1].decode()
    assert "실시간 유동인구" in page and "api/stream" in page


TOKEN = "s3cret-token-of-some-length"


def test_a_token_is_required_once_set_by_the_api_its_docs_and_the_page(processed_db):
    process, base = start_server("--db", processed_db, "--token", TOKEN)
    try:
        for path in ("/api/counters", "/", "/docs", "/redoc", "/openapi.json"):
            assert http_get(f"{base}{path}")[0] == 401, path
        assert http_get(f"{base}/api/counters?token=wrong")[0] == 401
        for scheme in ("Bearer", "bearer", "BEARER"):
            assert http_get(f"{base}/api/counters", {"Authorization": f"{scheme} {TOKEN}"})[0] == 200
        assert http_get(f"{base}/api/counters?token={TOKEN}")[0] == 200
        assert "/api/counters" in get_json(f"{base}/openapi.json?token={TOKEN}")["paths"]
        status, page = http_get(f"{base}/docs?token={TOKEN}")
        assert status == 200 and f"/openapi.json?token={TOKEN}" in page.decode()
    finally:
        process.terminate()
        process.wait(10)


def test_a_token_pasted_with_spaces_around_it_is_the_token(processed_db):
    process, base = start_server("--db", processed_db, "--token", f"  {TOKEN}\t ")
    try:
        assert http_get(f"{base}/api/counters", {"Authorization": f"Bearer {TOKEN}"})[0] == 200
        assert http_get(f"{base}/api/counters?token={TOKEN}")[0] == 200
    finally:
        process.terminate()
        process.wait(10)


def test_listening_beyond_loopback_without_a_token_is_refused(processed_db):
    result = crowdcount("serve", "--db", processed_db, "--host", "0.0.0.0", "--port", str(free_port()))
    assert result.returncode == 2
    assert (
        result.stderr.strip().startswith("crowdcount: error: --host 0.0.0.0") and "--token" in result.stderr
    )
    assert "Traceback" not in result.stderr


def test_serving_a_missing_store_is_a_one_line_error(tmp_path):
    result = crowdcount("serve", "--db", tmp_path / "none.db")
    assert result.returncode == 2 and "not found" in result.stderr and "Traceback" not in result.stderr


def test_asking_for_more_interval_rows_than_an_answer_holds_says_how_to_ask(tmp_path):
    """Two years of one counter's footage at 1 minute is a million rows: refused at once, in words."""
    from datetime import timedelta

    from crowdcount.datatypes import CounterInfo, SourceRecord
    from helpers import START

    store = EventStore(tmp_path / "long.db")
    store.set_counters("gate", [CounterInfo("gate", "door", "line")])
    store.replace_source(
        SourceRecord("gate", "nvr.mp4", "done", START, START + timedelta(days=730), 1.0, 1, 1, "m"), []
    )
    process, base = start_server("--db", tmp_path / "long.db")
    try:
        status, body = http_get(f"{base}/api/intervals?interval=1min")
        assert status == 413 and "ask for one camera" in json.loads(body)["detail"]
        status, body = http_get(f"{base}/api/intervals?interval=day")
        assert status == 200 and len(json.loads(body)) == 731
    finally:
        process.terminate()
        process.wait(10)
