"""Synthetic clips for the loop tests: people are solid, saturated blocks walking across a grey scene,
found exactly by the scripted detector (``crowdcount.detect.markers``), so a test knows every count
in advance and needs no model or footage. Each walker keeps to its own row, so no two blocks touch.
"""

from __future__ import annotations

import colorsys
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import cv2
import numpy as np
import yaml

WIDTH, HEIGHT, FPS = 320, 240, 10
TIMEZONE = "Asia/Seoul"
LINE_X = 160  # every camera's line: a vertical line across the middle, "in" to the right
ROWS = (60, 110, 160, 210)  # foot rows: 50 px apart, so blocks (36 px tall) on two rows never touch
BLOCK_W, BLOCK_H = 14, 36


@dataclass(frozen=True)
class Walker:
    """A person walking along row ``row`` from ``x_from`` to ``x_to`` (feet), from frame ``start``
    at ``speed`` px a frame (a walker that turns back is two walkers on one row)."""

    row: int
    start: int
    x_from: float
    x_to: float
    speed: float = 4.0

    def x_at(self, frame: int) -> float | None:
        """Where the feet are at ``frame``; None before the walker appears or after they leave."""
        travelled = (frame - self.start) * self.speed
        if travelled < 0 or travelled > abs(self.x_to - self.x_from):
            return None
        return self.x_from + travelled * np.sign(self.x_to - self.x_from)

    @property
    def crossing_frame(self) -> float:
        """The frame at which the feet reach the line."""
        return self.start + abs(LINE_X - self.x_from) / self.speed

    @property
    def direction(self) -> str | None:
        """``in`` (rightwards across the line), ``out`` (leftwards) or None (never crosses it)."""
        if min(self.x_from, self.x_to) < LINE_X < max(self.x_from, self.x_to):
            return "in" if self.x_to > self.x_from else "out"
        return None


def scene() -> np.ndarray:
    """The grey, textured background every clip is drawn on (the same each time)."""
    rng = np.random.default_rng(7)
    grey = np.linspace(90, 170, WIDTH, dtype=np.float32)[None, :] + rng.normal(0, 6, (HEIGHT, WIDTH))
    return np.repeat(np.clip(grey, 0, 255).astype(np.uint8)[..., None], 3, axis=2)


def colour(index: int) -> tuple[int, int, int]:
    """A saturated BGR colour, different for each walker of a clip."""
    red, green, blue = colorsys.hsv_to_rgb((index * 0.29) % 1.0, 1.0, 0.85)
    return int(blue * 255), int(green * 255), int(red * 255)


def write_clip(path: Path, walkers: list[Walker], frames: int) -> Path:
    """An MJPEG .avi of ``frames`` frames at FPS with ``walkers`` drawn on the scene."""
    background = scene()
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), FPS, (WIDTH, HEIGHT))
    for frame in range(frames):
        image = background.copy()
        for index, walker in enumerate(walkers):
            x = walker.x_at(frame)
            if x is not None:
                top_left = (round(x - BLOCK_W / 2), walker.row - BLOCK_H)
                bottom_right = (round(x + BLOCK_W / 2), walker.row)
                cv2.rectangle(image, top_left, bottom_right, colour(index), thickness=-1)
        writer.write(image)
    writer.release()
    return path


def walkers_for(ins: int, outs: int, first: int = 20, turning: bool = False) -> list[Walker]:
    """``ins`` walkers rightwards and ``outs`` leftwards, across the line one after another on the
    rows in turn, the first appearing at frame ``first``; with ``turning``, one more who walks up to
    the line and back without crossing it."""
    walkers, frame = [], first
    for index, direction in enumerate(["in"] * ins + ["out"] * outs):
        x_from, x_to = (30.0, 290.0) if direction == "in" else (290.0, 30.0)
        walkers.append(Walker(ROWS[index % len(ROWS)], frame, x_from, x_to))
        frame += 12
    if turning:
        row = ROWS[len(walkers) % len(ROWS)]
        walkers += [Walker(row, frame, 40.0, 140.0), Walker(row, frame + 25, 140.0, 40.0)]
    return walkers


def frames_for(walkers: list[Walker], tail: int = 20) -> int:
    """Frames enough for every walker to finish, and ``tail`` empty frames after."""
    return max(w.start + int(abs(w.x_to - w.x_from) / w.speed) + 1 for w in walkers) + tail


def markers_model(folder: Path) -> Path:
    """The scripted detector's model file."""
    path = folder / "walkers.markers"
    path.write_text(json.dumps({"min_area": 150}))
    return path


def camera(name: str, source: str, **extra: object) -> dict:
    """A camera block with the one line across the middle (``in`` to the right)."""
    return {
        "id": name,
        "source": source,
        "lines": [{"id": "middle", "points": [[LINE_X, 10], [LINE_X, HEIGHT - 10]], "in_direction": [1, 0]}],
        **extra,
    }


@dataclass(frozen=True)
class Recording:
    camera: str
    start: datetime
    ins: int
    outs: int
    turning: bool = False


@dataclass(frozen=True)
class Crossing:
    """A crossing of a camera's line the script makes: its direction and wall-clock time (site time)."""

    camera: str
    direction: str
    time: datetime


def site(folder: Path, recordings: list[Recording]) -> tuple[Path, list[Crossing]]:
    """A site of recordings (``{camera}_{YYYYmmdd_HHMMSS}.avi`` in a folder per camera) and its
    config; every crossing its lines should count."""
    scripted = []
    for recording in recordings:
        walkers = walkers_for(recording.ins, recording.outs, turning=recording.turning)
        (folder / recording.camera).mkdir(parents=True, exist_ok=True)
        name = f"{recording.camera}_{recording.start:%Y%m%d_%H%M%S}.avi"
        write_clip(folder / recording.camera / name, walkers, frames_for(walkers))
        scripted += [
            Crossing(
                recording.camera, w.direction, recording.start + timedelta(seconds=w.crossing_frame / FPS)
            )
            for w in walkers
            if w.direction
        ]
    cameras = [
        camera(name, name, filename_pattern="{camera}_{YYYYmmdd_HHMMSS}.avi")
        for name in dict.fromkeys(r.camera for r in recordings)
    ]
    config = folder / "site.yaml"
    config.write_text(yaml.safe_dump({"timezone": TIMEZONE, "cameras": cameras}))
    return config, scripted


DAY = datetime(2026, 10, 3, 10, 0, tzinfo=ZoneInfo(TIMEZONE))
SITE = [
    Recording("north", DAY, ins=3, outs=2, turning=True),
    Recording("north", DAY + timedelta(minutes=1), ins=2, outs=1),  # a hole of about 40 s before it
    Recording("south", DAY, ins=1, outs=3),
]
