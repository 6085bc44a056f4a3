#!/usr/bin/env python3
"""How long ``load_config`` takes on very large site configs (validation must stay near linear).

    .venv/bin/python scripts/config_speed.py

Writes each config to a temporary folder and times ``crowdcount.config.load_config`` on it: a zone
of 2,000 and of 20,000 corners (the self-intersection test), and 2,000 and 20,000 cameras (id
checks, YAML parsing). Prints seconds per case; docs/config.md quotes the numbers.
"""

from __future__ import annotations

import math
import tempfile
import time
from pathlib import Path

import yaml


def zone_site(corners: int) -> dict:
    ring = [
        [500 + 400 * math.cos(2 * math.pi * k / corners), 500 + 400 * math.sin(2 * math.pi * k / corners)]
        for k in range(corners)
    ]
    return {"cameras": [{"id": "plaza-cam", "zones": [{"id": "plaza", "polygon": ring}]}]}


def cameras_site(cameras: int) -> dict:
    line = {"id": "door", "points": [[0, 0], [0, 10]], "in_direction": [1, 0]}
    return {"cameras": [{"id": f"cam-{k}", "source": f"/v/{k}.mp4", "lines": [line]} for k in range(cameras)]}


def main() -> None:
    from crowdcount.config import load_config

    cases = [
        ("zone of 2,000 corners", zone_site(2_000)),
        ("zone of 20,000 corners", zone_site(20_000)),
        ("2,000 cameras", cameras_site(2_000)),
        ("20,000 cameras", cameras_site(20_000)),
    ]
    with tempfile.TemporaryDirectory() as folder:
        for name, site in cases:
            path = Path(folder) / "site.yaml"
            path.write_text(yaml.safe_dump(site))
            began = time.perf_counter()
            load_config(path)
            print(f"{name:<24} {time.perf_counter() - began:6.2f} s")


if __name__ == "__main__":
    main()
