"""An audit as files and store rows: make a plan (sample, clips, ``plan.csv``), read a reviewer's
answers, and the audits of a store's counters (what the CLI, the review page and the report use)."""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from crowdcount.audit.clips import plan_items, write_clips
from crowdcount.audit.estimate import CounterAudit, audit_counters
from crowdcount.audit.sample import audit_windows, check_review, draw_sample
from crowdcount.datatypes import (
    DEFAULT_SAMPLES,
    DEFAULT_WINDOW_S,
    AuditPlan,
    AuditWindow,
    History,
    PlanItem,
    Review,
)
from crowdcount.errors import CrowdcountError
from crowdcount.formats import spreadsheet_text
from crowdcount.paths import output_folder
from crowdcount.store.events import EventStore

PLAN_COLUMNS = [
    "item_id",
    "camera",
    "counter",
    "kind",
    "source",
    "frame_start",
    "frame_end",
    "time_start",
    "time_end",
    "counted_in",
    "counted_out",
]
ANSWER_COLUMNS = ["item_id", "true_in", "true_out"]  # and, optional: false_in, false_out, reviewer


def make_plan(
    store: EventStore,
    folder: Path,
    cameras: Sequence[str] = (),
    counters: Sequence[str] = (),
    per_counter: int = DEFAULT_SAMPLES,
    seconds: float = DEFAULT_WINDOW_S,
    seed: int = 0,
    geometry: dict[str, dict[str, Any]] | None = None,
    on_clip: Callable[[int, int], None] | None = None,
) -> AuditPlan:
    """Draw the sample, cut its clips into ``folder/clips/``, write ``folder/plan.csv`` (and an
    ``answers.csv`` to fill in) and record the plan in ``store`` (an older plan is replaced; its
    reviews are kept by window). ``geometry`` (per camera) stands in for what the store lacks."""
    history = store.history()
    windows = [
        w
        for w in audit_windows(history, seconds)
        if (not cameras or w.camera in cameras) and (not counters or w.counter in counters)
    ]
    if not windows:
        chosen = ", ".join([*cameras, *counters]) or "any counter"
        raise CrowdcountError(
            f"{store.shown_url}: no processed footage of {chosen}; run 'crowdcount process' first"
        )
    sample = draw_sample(windows, per_counter, seed, history.timezone)
    records = {(r.camera, r.source): r for r in history.sources}
    shapes = {}
    for camera in sorted({w.camera for w in sample}):
        shape = store.geometry(camera) or (geometry or {}).get(camera)
        if shape is None:
            raise CrowdcountError(
                f"{store.shown_url} does not keep camera {camera!r}'s lines and zones (processed by an older "
                "crowdcount); give the site config with --config"
            )
        shapes[camera] = shape
    items = plan_items(sample, records)
    clips = output_folder(output_folder(folder, "--out") / "clips", "--out")
    for old in clips.glob("*.webm"):  # a plan made again into the same folder
        old.unlink()
    write_clips(items, records, shapes, clips, history.timezone, on_clip)
    made_at = datetime.now(UTC).replace(microsecond=0)
    plan = AuditPlan(made_at, seconds, per_counter, seed, str(folder.resolve()), items)
    _write_plan_csv(folder / "plan.csv", items, history.timezone)
    _keep_answered(folder / "answers.csv")
    _write_answer_template(folder / "answers.csv", plan)
    store.save_plan(plan)
    return plan


def _keep_answered(sheet: Path) -> Path | None:
    """An answer sheet with answers in it is never overwritten by a new plan: it is renamed
    ``answers-<its plan>.csv`` (or ``answers-<time>.csv`` for a sheet without a plan column)."""
    try:
        with sheet.open(newline="", encoding="utf-8-sig") as file:
            rows = list(csv.DictReader(file))
    except (OSError, UnicodeDecodeError, csv.Error):
        return None
    if not any((r.get("true_in") or "").strip() or (r.get("true_out") or "").strip() for r in rows):
        return None
    plan = next((r.get("plan") for r in rows if r.get("plan")), None)
    name = plan or datetime.fromtimestamp(sheet.stat().st_mtime, UTC).strftime("%Y%m%dT%H%M%S")
    aside = sheet.with_name(f"answers-{name}.csv")
    sheet.replace(aside)
    return aside


def _write_plan_csv(path: Path, items: Sequence[PlanItem], timezone: str) -> None:
    zone = ZoneInfo(timezone)
    with path.open("w", newline="", encoding="utf-8-sig") as file:  # a BOM: Excel reads it right
        writer = csv.writer(file)
        writer.writerow(PLAN_COLUMNS)
        for item in items:
            w = item.window
            start, end = w.time_start.astimezone(zone).isoformat(), w.time_end.astimezone(zone).isoformat()
            source = spreadsheet_text(w.source)  # a file name like =HYPERLINK(...) stays text
            writer.writerow(
                [
                    w.item_id,
                    w.camera,
                    w.counter,
                    w.kind,
                    source,
                    w.frame_start,
                    w.frame_end,
                    start,
                    end,
                    w.counted_in,
                    w.counted_out,
                ]
            )


def _write_answer_template(path: Path, plan: AuditPlan) -> None:
    """item_id, empty true_in/true_out, the clip to watch and the plan: the sheet a reviewer fills in."""
    with path.open("w", newline="", encoding="utf-8-sig") as file:  # a BOM: Excel reads it right
        writer = csv.writer(file)
        writer.writerow([*ANSWER_COLUMNS, "clip", "plan"])
        for item in plan.items:
            writer.writerow([item.window.item_id, "", "", f"clips/{item.clip}", plan.plan_id])


def read_answers(path: Path, plan: AuditPlan) -> list[tuple[AuditWindow, Review]]:
    """The reviews in a CSV (``item_id,true_in,true_out``; optional ``false_in,false_out,reviewer``);
    rows whose true counts are both empty are not reviewed yet and skipped. One-line errors name the
    file, line and column."""
    by_id = {item.window.item_id: item.window for item in plan.items}
    try:
        with path.open(newline="", encoding="utf-8-sig") as file:
            reader = csv.DictReader(file)
            rows, header = list(reader), list(reader.fieldnames or [])
    except FileNotFoundError:
        raise CrowdcountError(f"--answers {path} not found") from None
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise CrowdcountError(f"--answers {path} cannot be read as UTF-8 CSV ({error})") from None
    missing = [c for c in ANSWER_COLUMNS if c not in header]
    if not rows or missing:
        lacking = f" (missing: {', '.join(missing)})" if missing else ""
        raise CrowdcountError(
            f"{path}: needs the columns {','.join(ANSWER_COLUMNS)} and a row per reviewed window{lacking}"
        )
    found = []
    for line, row in enumerate(rows, start=2):
        if not (row.get("true_in") or "").strip() and not (row.get("true_out") or "").strip():
            continue
        sheet_plan = (row.get("plan") or "").strip()
        if "plan" not in header or sheet_plan != plan.plan_id:
            made = f"plan {sheet_plan}" if sheet_plan else "a plan it does not name (no plan column)"
            raise CrowdcountError(
                f"{path} line {line}: answers {made}, not the store's plan {plan.plan_id}: an item id means "
                "another window in another plan; answer the answers.csv of the current plan"
            )
        item_id = (row["item_id"] or "").strip()
        window = by_id.get(item_id)
        if window is None:
            raise CrowdcountError(
                f"{path} line {line}: item_id {item_id!r} is not in the audit plan made "
                f"{plan.made_at:%Y-%m-%d %H:%M} UTC ({len(by_id)} items); answer the items of that plan"
            )
        values = {
            c: _count(row.get(c), path, line, c, c in ("true_in", "true_out"))
            for c in ("true_in", "true_out", "false_in", "false_out")
        }
        review = Review(**values, reviewer=(row.get("reviewer") or "").strip())  # type: ignore[arg-type]
        try:
            check_review(window, review)
        except ValueError as error:
            raise CrowdcountError(f"{path} line {line} ({item_id}): {error}") from None
        found.append((window, review))
    return found


def _count(text: str | None, path: Path, line: int, column: str, required: bool) -> int | None:
    value = (text or "").strip()
    if not value:
        if required:
            raise CrowdcountError(
                f"{path} line {line}: {column} is empty; give the number of people (0 for none)"
            )
        return None
    try:
        number = float(value)
    except ValueError:
        number = -1.5
    if number < 0 or not number.is_integer():
        raise CrowdcountError(
            f"{path} line {line}: {column} {value!r} is not a whole number of people (0 or more)"
        )
    return int(number)


def store_audits(store: EventStore, history: History | None = None) -> list[CounterAudit]:
    """The audit of each counter the store's plan samples (none without a plan)."""
    plan = store.audit_plan()
    if plan is None:
        return []
    return audit_counters(history or store.history(), plan, store.reviews())
