#!/usr/bin/env python3
"""A year of data through export, report and the API: time and peak memory of each, in one run.

    .venv/bin/python scripts/year_benchmark.py                 # builds out/year/year.db once (~1-2 min)
    .venv/bin/python scripts/year_benchmark.py --days 30       # a smaller store, for a quick look

The store is synthetic but made by crowdcount's own store: 10 cameras, each with two lines and a
zone (30 counters), filmed 09:00-23:00 every day for a year (Asia/Seoul), about 160 events per
camera and day (some 580,000 events), each day's footage one recording, one gap a week. Each case
runs the real CLI in its own process; peak memory is that process's maximum resident set. The idle
server's CPU is what ``crowdcount serve`` used over 20 s with nobody asking it anything.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
SEOUL = ZoneInfo("Asia/Seoul")
CAMERAS = 10


def build(db: Path, days: int) -> None:
    """The synthetic year: one recording per camera and day, lines and a zone, a gap a week."""
    from crowdcount.datatypes import (
        CameraDescription,
        CounterInfo,
        CountEvent,
        Gap,
        SiteDescription,
        SourceRecord,
    )
    from crowdcount.store.events import EventStore

    store = EventStore(db)
    context = {"name": "A year", "opening_hours": {"default": ["09:00", "23:00"]}}
    rng = random.Random(7)
    first = datetime(2025, 10, 1, 9, tzinfo=SEOUL)
    for c in range(CAMERAS):
        camera = f"gate-{c + 1:02d}"
        counters = (
            CounterInfo(camera, "north", "line", "gates"),
            CounterInfo(camera, "south", "line", "gates"),
            CounterInfo(camera, "plaza", "zone"),
        )
        store.describe(SiteDescription("Asia/Seoul", context, (CameraDescription(camera, counters, {}),)))
        for day in range(days):
            start = first + timedelta(days=day)
            end = start + timedelta(hours=14)
            source = f"/nvr/{camera}/{start:%Y%m%d}.mp4"
            events = []
            for k in range(80):
                at = start + timedelta(seconds=rng.uniform(0, 14 * 3600))
                line = "north" if k % 2 else "south"
                direction = "in" if rng.random() < 0.55 else "out"
                events.append(CountEvent(camera, line, "cross", direction, k, at, source, k))  # type: ignore[arg-type]
            for k in range(40):
                enter = start + timedelta(seconds=rng.uniform(0, 14 * 3600 - 900))
                stay = rng.uniform(20, 900)
                leave = enter + timedelta(seconds=stay)
                events.append(CountEvent(camera, "plaza", "enter", "in", 100 + k, enter, source, k))
                events.append(CountEvent(camera, "plaza", "exit", "out", 100 + k, leave, source, k, stay))
            down = start + timedelta(hours=3)
            gaps = (
                [Gap(camera, source, down, down + timedelta(minutes=20), "stream down")]
                if day % 7 == c % 7
                else []
            )
            record = SourceRecord(camera, source, "done", start, end, 7.0, 14 * 3600 * 3, 3, "synthetic")
            store.replace_source(record, events, gaps)
    store.engine.dispose()


def measure(name: str, command: list[str]) -> dict[str, object]:
    """Run one CLI case in its own process: wall seconds and its peak resident memory."""
    began = time.perf_counter()
    with open(os.devnull, "w") as quiet, tempfile.TemporaryFile("w+") as errors:
        cli = [sys.executable, "-m", "crowdcount", *command]
        process = subprocess.Popen(cli, stdout=quiet, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)  # this process's own peak, not the largest so far
        process.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        stderr = errors.read()
    seconds = time.perf_counter() - began
    peak_mb = usage.ru_maxrss / 1024
    ok = process.returncode == 0
    line = f"{name:<44} {seconds:8.1f} s  peak {peak_mb:7.0f} MB  {'ok' if ok else 'FAILED'}"
    print(line if ok else f"{line}: {stderr.strip()[-300:]}", flush=True)
    return {"case": name, "seconds": round(seconds, 1), "peak_mb": round(peak_mb), "ok": ok}


def serve_case(db: Path, port: int) -> list[dict[str, object]]:
    """The API over the year: startup, /api/counters, /api/intervals at an hour, and idle CPU."""
    rows = []
    command = [sys.executable, "-m", "crowdcount", "serve", "--db", str(db), "--port", str(port)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        began = time.perf_counter()
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/health", timeout=5).read()
                break
            except OSError:
                if time.perf_counter() - began > 300:
                    raise
                time.sleep(0.5)
        rows.append({"case": "serve: ready", "seconds": round(time.perf_counter() - began, 1)})
        for path in (
            "/api/counters",
            "/api/intervals?interval=60min&camera=gate-01",
            "/api/intervals?interval=day",
        ):
            began = time.perf_counter()
            body = urllib.request.urlopen(f"{base}{path}", timeout=600).read()
            rows.append(
                {"case": f"GET {path}", "seconds": round(time.perf_counter() - began, 1), "bytes": len(body)}
            )
        before = _cpu_s(server.pid)
        time.sleep(20)
        idle = round(100 * (_cpu_s(server.pid) - before) / 20, 1)
        rows.append(
            {"case": "serve: idle CPU over 20 s", "cpu_percent": idle, "rss_mb": round(_rss_mb(server.pid))}
        )
    finally:
        server.terminate()
        server.wait(30)
    for row in rows:
        print(
            f"{row['case']:<44} " + "  ".join(f"{k} {v}" for k, v in row.items() if k != "case"), flush=True
        )
    return rows


def _cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--out", default=str(ROOT / "out" / "year"))
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--json", default=None, help="write the figures here too")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    db = out / f"year-{args.days}d.db"
    if not db.exists():
        began = time.perf_counter()
        build(db, args.days)
        print(f"built {db} in {time.perf_counter() - began:.0f} s", flush=True)
    from crowdcount.store.events import EventStore

    events = EventStore(db, create=False).event_count()
    print(f"{args.days} days, {CAMERAS * 3} counters, {events:,} events; {os.cpu_count()} cores", flush=True)

    def intervals(interval: str, fmt: str, name: str) -> list[str]:
        target = str(out / name)
        return [
            "export",
            "--db",
            str(db),
            "--what",
            "intervals",
            "--interval",
            interval,
            "--format",
            fmt,
            "--out",
            target,
        ]

    rows = [
        measure("export intervals 1min CSV", intervals("1min", "csv", "intervals-1min.csv")),
        measure("export intervals 1min Parquet", intervals("1min", "parquet", "intervals-1min.parquet")),
        measure("export intervals 60min Excel", intervals("60min", "xlsx", "hours.xlsx")),
        measure("export events CSV", ["export", "--db", str(db), "--out", str(out / "events.csv")]),
        measure("report (HTML, Korean)", ["report", "--db", str(db), "--out", str(out / "report.html")]),
        *serve_case(db, args.port),
    ]
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
