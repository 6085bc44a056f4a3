"""The open hours not filmed, estimated from the hours that were (tables.factored)."""

from __future__ import annotations

import pandas as pd
import pytest

from crowdcount.tables.factored import factored_totals, group_factored


def hours(camera: str, rows: list[tuple[str, str, float, float | None]]) -> pd.DataFrame:
    """Hourly rows of one gate of group ``e``: (start, status, coverage, in)."""
    return pd.DataFrame(
        {
            "camera": camera,
            "counter": "gate",
            "type": "line",
            "group": "e",
            "interval_start": pd.to_datetime([r[0] for r in rows]),
            "status": [r[1] for r in rows],
            "coverage": [r[2] for r in rows],
            "in": pd.array([r[3] for r in rows], dtype="Int64"),
            "out": pd.array([0 if r[3] is not None else None for r in rows], dtype="Int64"),
        }
    )


def test_an_hour_filmed_for_most_of_its_time_is_factored_up():
    table = hours("n", [("2026-10-03 18:00", "complete", 1.0, 40), ("2026-10-03 19:00", "partial", 0.8, 20)])
    found = factored_totals(table)[("n", "gate")]
    assert (found.counted, found.estimate, found.hours_estimated) == (60, 65.0, 1)
    assert found.low == 60 and found.high > 65  # never below what was counted


def test_an_unfilmed_hour_takes_the_other_gates_share_when_no_other_day_had_it():
    north = hours(
        "n", [("2026-10-03 18:00", "complete", 1.0, 10), ("2026-10-03 19:00", "missing", 0.0, None)]
    )
    south = hours("s", [("2026-10-03 18:00", "complete", 1.0, 40), ("2026-10-03 19:00", "complete", 1.0, 80)])
    found = factored_totals(pd.concat([north, south], ignore_index=True))
    assert found[("n", "gate")].estimate == pytest.approx(
        10 + 80 * 10 / 40
    )  # a quarter of south's, as at 18:00
    both = group_factored(found, [("n", "gate"), ("s", "gate")])
    assert both.estimate == pytest.approx(30 + 120) and both.counted == 130


def test_a_gate_never_filmed_whole_cannot_be_estimated_and_neither_can_its_group():
    dark = hours("d", [("2026-10-03 18:00", "missing", 0.0, None), ("2026-10-03 19:00", "partial", 0.1, 2)])
    seen = hours("s", [("2026-10-03 18:00", "complete", 1.0, 40), ("2026-10-03 19:00", "complete", 1.0, 80)])
    found = factored_totals(pd.concat([dark, seen], ignore_index=True))
    assert found[("d", "gate")].estimate is None and found[("d", "gate")].reason == "no_reference"
    assert found[("s", "gate")].estimate == 120 and found[("s", "gate")].hours_estimated == 0
    assert group_factored(found, [("d", "gate"), ("s", "gate")]).estimate is None
