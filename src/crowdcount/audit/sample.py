"""Windows of each counter's footage and the random sample of them a person reviews (pure).

* :func:`audit_windows` cuts each counter's processed footage into windows of about ``seconds``
  (the windows of a counter partition its footage) and counts the crossings (or entries and exits)
  each window holds.
* :func:`draw_sample` draws ``per_counter`` windows of each counter at random, stratified by the
  hour of day, with a seed, so a plan can be made again; they come in a random order, so the first
  k reviewed are a random sample too.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from datetime import timedelta
from zoneinfo import ZoneInfo

from crowdcount.datatypes import DEFAULT_WINDOW_S, AuditWindow, CountEvent, History, Review


def audit_windows(history: History, seconds: float = DEFAULT_WINDOW_S) -> list[AuditWindow]:
    """Every counter's footage, source by source, cut into windows of about ``seconds`` (the last of
    a source may be shorter), with the counted events of each.

    >>> from datetime import datetime, timezone
    >>> from crowdcount.datatypes import CounterInfo, SourceRecord
    >>> t0 = datetime(2026, 10, 3, 10, tzinfo=timezone.utc)
    >>> record = SourceRecord("gate", "a.mp4", "done", t0, t0 + timedelta(seconds=59.9), 10, 600, 1, "m")
    >>> door = CountEvent("gate", "door", "cross", "in", 3, t0 + timedelta(seconds=25), "a.mp4", 250)
    >>> history = History([door], [CounterInfo("gate", "door", "line")], [record])
    >>> [(w.frame_start, w.frame_end, w.counted_in) for w in audit_windows(history)]
    [(0, 199, 0), (200, 399, 1), (400, 599, 0)]
    """
    events: dict[tuple[str, str, str], list[CountEvent]] = defaultdict(list)
    for event in history.events:
        events[(event.camera, event.counter, event.source)].append(event)
    windows: list[AuditWindow] = []
    ordinal: dict[tuple[str, str], int] = defaultdict(int)
    for record in sorted(history.sources, key=lambda r: (r.camera, r.start, r.source)):
        frames = max(1, round((record.end - record.start).total_seconds() * record.fps) + 1)
        step = max(1, round(seconds * record.fps))
        for counter in [c for c in history.counters if c.camera == record.camera]:
            by_window: dict[int, list[CountEvent]] = defaultdict(list)
            for event in events[(record.camera, counter.counter, record.source)]:
                if event.frame is not None and 0 <= event.frame < frames:
                    by_window[event.frame // step].append(event)
            mine = (record.camera, counter.counter)
            for first in range(0, frames, step):
                last = min(first + step, frames) - 1
                inside = by_window.get(first // step, [])
                ins = sum(e.direction == "in" for e in inside)
                ordinal[mine] += 1
                windows.append(
                    AuditWindow(
                        item_id=f"{record.camera}/{counter.counter}/{ordinal[mine]}",
                        camera=record.camera,
                        counter=counter.counter,
                        kind=counter.type,
                        source=record.source,
                        frame_start=first,
                        frame_end=last,
                        time_start=record.start + timedelta(seconds=first / record.fps),
                        time_end=record.start + timedelta(seconds=(last + 1) / record.fps),
                        counted_in=ins,
                        counted_out=len(inside) - ins,
                    )
                )
    return windows


def draw_sample(
    windows: Sequence[AuditWindow], per_counter: int, seed: int = 0, timezone: str = "Asia/Seoul"
) -> list[AuditWindow]:
    """``per_counter`` windows of each counter at random (all of them if it has fewer), spread over
    the hours of day in proportion to each hour's windows (at least one from every hour while the
    sample allows), the same for the same ``seed``, in a random order (the order to review them)."""
    tz = ZoneInfo(timezone)
    chosen: list[AuditWindow] = []
    by_counter: dict[tuple[str, str], list[AuditWindow]] = defaultdict(list)
    for window in windows:
        by_counter[(window.camera, window.counter)].append(window)
    for key in sorted(by_counter):
        pool = by_counter[key]
        rng = random.Random(f"{seed}/{key[0]}/{key[1]}")
        if len(pool) <= per_counter:
            chosen += pool
            continue
        hours: dict[int, list[AuditWindow]] = defaultdict(list)
        for window in pool:
            hours[window.time_start.astimezone(tz).hour].append(window)
        quota = _allocate(per_counter, {hour: len(group) for hour, group in hours.items()})
        for hour in sorted(hours):
            chosen += rng.sample(hours[hour], quota[hour])
    random.Random(f"{seed}/order").shuffle(chosen)
    return chosen


def _allocate(total: int, sizes: dict[int, int]) -> dict[int, int]:
    """Split ``total`` draws over strata in proportion to their sizes (largest remainders), at least
    one each while ``total`` allows, never more than a stratum holds."""
    strata = sorted(sizes, key=lambda s: -sizes[s])
    quota = {s: 0 for s in sizes}
    for s in strata[:total]:
        quota[s] = 1
    left = total - sum(quota.values())
    population = sum(sizes.values())
    shares = {s: left * sizes[s] / population for s in sizes}
    for s in sizes:
        quota[s] += min(int(shares[s]), sizes[s] - quota[s])
    while sum(quota.values()) < total:
        open_strata = [s for s in strata if quota[s] < sizes[s]]
        best = max(open_strata, key=lambda s: shares[s] - int(shares[s]))
        quota[best] += 1
        shares[best] = int(shares[best])  # its remainder is used
    return quota


def check_review(window: AuditWindow, review: Review) -> None:
    """Raise ValueError (naming the field) for a review that cannot be so: negative counts, more
    false counts than counted, or fewer true crossings than the real ones crowdcount counted."""
    for direction in ("in", "out"):
        true, false, counted = review.true(direction), review.false(direction), window.counted(direction)
        if true < 0 or (false is not None and false < 0):
            raise ValueError(f"true_{direction}/false_{direction} must be 0 or more")
        if false is not None and false > counted:
            raise ValueError(f"false_{direction} is {false} but crowdcount counted {counted} there")
        if false is not None and true < counted - false:
            raise ValueError(
                f"true_{direction} is {true}, fewer than the {counted - false} real counts (counted - false)"
            )
