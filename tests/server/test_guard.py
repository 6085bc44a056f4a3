"""Every server refuses what a hostile web page or a careless client sends: another site's requests
(cross-site request forgery), a rebound Host name (DNS rebinding) and oversized bodies. On a real
``crowdcount serve`` with its editor, over real HTTP."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers import ROOT, request, start_server


@pytest.fixture(scope="module")
def guarded(processed_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, int]]:
    """``serve`` over the processed store with the editor on a copy of the site YAML whose zone has
    an occupancy alert: its base URL, the YAML and the server's pid."""
    config = tmp_path_factory.mktemp("guarded") / "site.yaml"
    text = (ROOT / "examples" / "pets09.yaml").read_text()
    alert = "      - id: junction\n        alert_occupancy: 2\n"
    config.write_text(text.replace("      - id: junction\n", alert))
    process, base = start_server("--db", processed_db, "--config", config)
    yield base, config, process.pid
    process.terminate()
    process.wait(10)


MUTE = "/api/alerts/pets-view1/junction/mute?minutes=1440"


def test_a_cross_site_post_is_refused_and_changes_nothing(guarded):
    base = guarded[0]
    for headers in (
        {"Origin": "https://attacker.example"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Origin": "null"},
    ):
        status, body = request(base, "POST", MUTE, headers)
        assert status == 403 and "cross-site" in json.loads(body)["detail"]
    assert json.loads(request(base, "GET", "/api/alerts")[1])["muted"] == {}  # nothing was muted
    same_site = {"Origin": base, "Sec-Fetch-Site": "same-origin"}  # the dashboard's own button
    status, body = request(base, "POST", "/api/alerts/pets-view1/junction/mute?minutes=0", same_site)
    assert status == 200, body
    assert request(base, "POST", "/api/alerts/pets-view1/junction/mute?minutes=0")[0] == 200  # a script


def test_a_rebound_host_name_is_refused_before_the_editor_writes(guarded):
    base, config, _ = guarded
    before = config.read_text()
    edit = json.dumps({"lines": [], "zones": []}).encode()
    rebound = {"Host": "attacker.example", "Content-Type": "application/json"}
    status, body = request(base, "PUT", "/api/setup/cameras/pets-view1", rebound, edit)
    assert status == 421 and "localhost" in json.loads(body)["detail"]
    assert request(base, "GET", "/api/health", {"Host": "attacker.example:80"})[0] == 421  # reads too
    assert config.read_text() == before
    assert request(base, "GET", "/api/health", {"Host": "localhost"})[0] == 200


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def test_a_huge_body_is_refused_whether_declared_or_streamed_and_costs_no_memory(guarded):
    base, config, pid = guarded
    before, rss = config.read_text(), _rss_mb(pid)
    huge = b"{" + b" " * (47 * 1024 * 1024) + b"}"
    status, body = request(
        base, "PUT", "/api/setup/cameras/pets-view1", {"Content-Type": "application/json"}, huge
    )
    assert status == 413 and "over 1024 KB" in body
    connection = http.client.HTTPConnection(base.removeprefix("http://"), timeout=60)
    chunks = (b" " * (1024 * 1024) for _ in range(8))  # no Content-Length: counted as it arrives
    connection.request(
        "PUT",
        "/api/setup/cameras/pets-view1",
        body=chunks,
        encode_chunked=True,
        headers={"Content-Type": "application/json"},
    )
    assert connection.getresponse().status == 413
    connection.close()
    assert config.read_text() == before
    assert _rss_mb(pid) - rss < 50  # the 47 MB were never held
