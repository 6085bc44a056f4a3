"""The audit's windows, sample and estimator: pure rules, a simulation of known error rates, and
ground-truth answers on the real PETS counts."""

from __future__ import annotations

import itertools
import random
from datetime import timedelta

import numpy as np
import pytest

from conftest import EXAMPLE_CONFIG
from crowdcount.audit import AuditWindow, audit_windows, draw_sample, ratio_estimate
from crowdcount.config import load_config
from crowdcount.datatypes import CounterInfo, CountEvent, History, SourceRecord
from crowdcount.evaluate import ground_truth_events, load_mot_tracks
from crowdcount.store import EventStore
from helpers import START


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
    return History(events, [CounterInfo("cam", "door", "line")], sources)  # fmt: skip


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


def true_count(events: list[CountEvent], window: AuditWindow, direction: str) -> int:
    """The ground-truth crossings of ``window``'s line in ``direction`` within its frames."""
    return sum(
        e.counter == window.counter
        and e.direction == direction
        and window.frame_start <= e.frame <= window.frame_end
        for e in events
    )


def counted(window: AuditWindow, direction: str) -> int:
    return window.counted_in if direction == "in" else window.counted_out


def test_ground_truth_answers_give_intervals_that_hold_the_pets_totals(processed_db, pets_gt):
    """The review done by the MOT ground truth: each sampled window's true crossings are the
    ground-truth crossings in its frames; the intervals must hold the ground-truth totals."""
    stored = EventStore(processed_db, create=False).history()
    windows = audit_windows(stored, seconds=5)
    site = load_config(EXAMPLE_CONFIG)
    record = stored.sources[0]
    truth = ground_truth_events(
        load_mot_tracks(pets_gt), site.cameras[0], site.counting.anchor, record.start, record.fps
    )
    for line in ("lamppost", "west"):
        mine = [w for w in windows if w.counter == line]
        sample = draw_sample(mine, 12, seed=1)
        for direction in ("in", "out"):
            reviewed = [(counted(w, direction), true_count(truth, w, direction)) for w in sample]
            result = ratio_estimate([counted(w, direction) for w in mine], reviewed)
            gt_total = sum(e.counter == line and e.direction == direction for e in truth)
            assert result.low <= gt_total <= result.high, (line, direction, gt_total, result)
