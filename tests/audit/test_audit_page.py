"""The audit's review page in headless Chromium over a real planned store and a real server: a
reviewer steps through a clip, reviews two windows, and the estimate changes; the store keeps them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from crowdcount.store.events import EventStore
from helpers import chromium_page, crowdcount, free_port, get_json, http_get, wait_until


@pytest.fixture(scope="module")
def planned(processed_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the PETS store with a plan of 3 windows of 5 s on the lamppost line."""
    folder = tmp_path_factory.mktemp("review")
    db = folder / "crowdcount.db"
    shutil.copy(processed_db, db)
    made = crowdcount(
        "audit",
        "plan",
        "--db",
        db,
        "--counter",
        "lamppost",
        "--samples",
        3,
        "--seconds",
        5,
        "--out",
        folder / "plan",
    )
    assert made.returncode == 0, made.stderr
    return db


@pytest.fixture(scope="module")
def review_server(planned: Path) -> Iterator[str]:
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "crowdcount",
        "audit",
        "serve",
        "--db",
        str(planned),
        "--port",
        str(port),
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    wait_until(
        lambda: process.poll() is not None or http_get(f"{base}/api/audit")[0] == 200, 60, "the server"
    )
    assert process.poll() is None, process.stdout.read() if process.stdout else ""
    yield base
    process.terminate()
    process.wait(10)


def test_reviewing_two_windows_on_the_page_changes_the_estimate(review_server, planned, chromium):
    audit = get_json(f"{review_server}/api/audit")
    items, windows = audit["items"], audit["estimates"][0]["windows"]
    assert len(items) == 3 and not any(item["review"] for item in items)
    with chromium_page(chromium, 1300, 1100) as page:
        page.goto(f"{review_server}/audit")
        row = page.locator('#estimates tr[data-counter="pets-view1/lamppost/in"]')
        row.wait_for(timeout=20_000)
        before = row.locator(".estimate").inner_text(), row.locator(".interval").inner_text()
        assert before == ("-", "-")  # nothing reviewed: no estimate yet
        page.wait_for_function("document.getElementById('clip').readyState >= 2", timeout=20_000)
        first = page.locator("#frame").inner_text()
        page.click("#fwd")
        page.wait_for_function("(was) => document.getElementById('frame').textContent !== was", arg=first)
        stepped = page.locator("#frame").inner_text()
        assert int(stepped.split()[-1]) == int(first.split()[-1]) + 1  # one frame on
        for k, item in enumerate(items[:2]):
            assert item["item_id"] in page.locator("#itemtitle").inner_text()  # the next unreviewed opens
            page.fill("#true_in", str(item["counted_in"] + 1))  # the reviewer saw one more than counted
            page.fill("#true_out", str(item["counted_out"]))
            page.click("#save")
            page.wait_for_function(
                "(n) => document.getElementById('progress').textContent.startsWith(n + ' /')", arg=k + 1
            )
        after = row.locator(".estimate").inner_text(), row.locator(".interval").inner_text()
        assert after[0] != "-" and after[1] != "-" and after != before
        assert row.locator("td").nth(6).inner_text() == f"2 / {windows}"  # reviewed / windows
        page.reload()
        page.wait_for_function("document.getElementById('progress').textContent.startsWith('2 /')")
        page.screenshot(path=str(planned.parent / "review.png"), full_page=True)
    rows = get_json(f"{review_server}/api/intervals?counter=lamppost&interval=1min")
    counted = [row for row in rows if row["in"]]  # the API has the estimates too
    assert counted and all(row["in_low"] <= row["in_est"] <= row["in_high"] for row in counted)
    reviews = EventStore(planned, create=False).reviews()
    assert sorted(r.true_in for r in reviews.values()) == sorted(i["counted_in"] + 1 for i in items[:2])
