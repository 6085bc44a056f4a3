"""The true count from a reviewed sample: ratio estimates with 95 % confidence intervals (pure).

* :func:`ratio_estimate` turns reviewed windows (true and counted) into the corrected total of all
  windows and its interval: the ratio estimator R = sum(true) / sum(counted) over the sample, the
  total R * X (X: counted over every window), variance N^2 (1 - n/N) s_d^2 / n with
  d_i = true_i - R counted_i (finite-population correction; windows with nothing counted are in the
  sample too, so misses count), and Student's t with n - 1 degrees of freedom (when nothing was
  counted in the sample, the difference estimator X + N mean(true_i) instead). The half-width is
  never less than the rule of three allows: with m counted crossings reviewed, errors in up to 3/m
  of the crossings can go unseen, so it is at least max(X, estimate) * 3 / m * sqrt(1 - n/N) (a
  small audit of few crossings says little, and its interval says so).
* :func:`audit_counters` applies it to each audited counter and direction, with the precision and
  miss rate the reviews show; :func:`with_estimates` and :func:`with_group_estimates` add the
  corrected counts to interval tables (each interval's count times the counter's ratio).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from crowdcount.audit.sample import audit_windows
from crowdcount.datatypes import AuditPlan, AuditWindow, CounterType, Direction, History, Review, WindowKey

CONFIDENCE = 0.95
UNSEEN = 3.0  # the rule of three: m crossings reviewed without an error leave up to 3/m unseen (95 %)


@dataclass(frozen=True)
class Estimate:
    """A corrected total with its confidence interval, and what it rests on."""

    counted: int  # what crowdcount counted over all windows
    estimate: float
    low: float
    high: float
    reviewed: int  # windows a person reviewed
    windows: int  # windows in all
    ratio: float | None  # true / counted over the reviewed windows (None: nothing counted in them)


def ratio_estimate(counted_all: Iterable[int], reviewed: Sequence[tuple[int, int]]) -> Estimate:
    """The true total over all windows from ``reviewed`` (counted, true) pairs of a random sample of
    them, with its CONFIDENCE interval (module docstring: the formula).

    >>> ratio_estimate([2, 0, 3, 1], [(2, 2), (0, 0), (3, 3), (1, 1)])  # every window reviewed, all right
    Estimate(counted=6, estimate=6.0, low=6.0, high=6.0, reviewed=4, windows=4, ratio=1.0)
    """
    from scipy.stats import t as student_t

    counted = list(counted_all)
    population, total = len(counted), sum(counted)
    n = len(reviewed)
    if n == 0 or population == 0:
        return Estimate(total, float(total), math.nan, math.nan, n, population, None)
    xs = [x for x, _ in reviewed]
    ys = [y for _, y in reviewed]
    ratio: float | None = None
    if sum(xs) > 0:
        ratio = found = sum(ys) / sum(xs)
        estimate = found * total
        residuals = [y - found * x for x, y in zip(xs, ys, strict=True)]
    else:  # nothing counted in the sample: the difference estimator, X + N * mean(true - counted)
        mean = sum(ys) / n
        estimate = total + population * mean
        residuals = [y - mean for y in ys]
    if n < 2:
        return Estimate(total, estimate, math.nan, math.nan, n, population, ratio)
    spread = sum(d * d for d in residuals) / (n - 1)
    unreviewed = 1 - n / population
    variance = population**2 * unreviewed * spread / n
    half = float(student_t.ppf(0.5 + CONFIDENCE / 2, n - 1)) * math.sqrt(max(variance, 0.0))
    unseen = max(total, estimate) * UNSEEN / max(sum(xs), 1) * math.sqrt(unreviewed)  # few crossings reviewed
    half = max(half, unseen)
    return Estimate(total, estimate, max(estimate - half, 0.0), estimate + half, n, population, ratio)


@dataclass(frozen=True)
class CounterAudit:
    """One counter's audit: the corrected total each way, and what the reviews show of its errors.

    ``precision`` (counted crossings that were real) and ``miss_rate`` (true crossings not counted)
    pool both directions; when some reviews did not judge crowdcount's counts (``exact`` False)
    they assume a window's counts are real up to its true count, so precision is an upper bound
    and miss rate a lower one."""

    camera: str
    counter: str
    kind: CounterType
    made_at: datetime
    last_review: datetime | None
    estimates: dict[Direction, Estimate]
    precision: float | None
    miss_rate: float | None
    exact: bool

    @property
    def reviewed(self) -> int:
        return self.estimates["in"].reviewed

    @property
    def windows(self) -> int:
        return self.estimates["in"].windows


def audit_counters(history: History, plan: AuditPlan, reviews: dict[WindowKey, Review]) -> list[CounterAudit]:
    """The audit of every counter in ``plan``: all its windows now (counts as stored now) and the
    reviewed ones of the plan's sample."""
    planned = {item.window.key for item in plan.items}
    counters = sorted({(item.window.camera, item.window.counter, item.window.kind) for item in plan.items})
    population: dict[tuple[str, str], list[AuditWindow]] = defaultdict(list)
    for window in audit_windows(history, plan.seconds):
        population[(window.camera, window.counter)].append(window)
    audits = []
    for camera, counter, kind in counters:
        windows = population[(camera, counter)]
        done = [(w, reviews[w.key]) for w in windows if w.key in planned and w.key in reviews]
        estimates: dict[Direction, Estimate] = {
            d: ratio_estimate([w.counted(d) for w in windows], [(w.counted(d), r.true(d)) for w, r in done])
            for d in ("in", "out")
        }
        precision, miss_rate, exact = _error_rates(done)
        times = [r.reviewed_at for _, r in done if r.reviewed_at is not None]
        audits.append(
            CounterAudit(
                camera,
                counter,
                kind,
                plan.made_at,
                max(times, default=None),
                estimates,
                precision,
                miss_rate,
                exact,
            )
        )
    return audits


def _error_rates(done: Sequence[tuple[AuditWindow, Review]]) -> tuple[float | None, float | None, bool]:
    """Precision, miss rate and whether every review judged the counts (else the bounds)."""
    counted = true = real = 0
    exact = True
    for window, review in done:
        for direction in ("in", "out"):
            c, t, f = window.counted(direction), review.true(direction), review.false(direction)
            exact &= f is not None
            counted, true = counted + c, true + t
            real += c - f if f is not None else min(c, t)
    precision = real / counted if counted else None
    miss_rate = (true - real) / true if true else None
    return precision, miss_rate, exact and bool(done)


ESTIMATE_COLUMNS: dict[str, Direction] = {  # interval-table column -> the direction whose ratio corrects it
    "in": "in",
    "out": "out",
    "entries": "in",
    "exits": "out",
}


def estimate_columns(column: str) -> list[str]:
    """``in`` -> ``in_est, in_low, in_high``."""
    return [f"{column}_{part}" for part in ("est", "low", "high")]


def with_estimates(intervals: pd.DataFrame, audits: Sequence[CounterAudit]) -> pd.DataFrame:
    """``intervals`` (``aggregate.interval_table``) with the corrected counts and their 95 % bounds
    of each audited counter: a row's count times the counter's ratio and its bounds (the error rate
    taken as the same over the counter's footage). Until some window is reviewed the table is
    returned as it is; counters without a review get empty estimates."""
    if not any(a.reviewed for a in audits):
        return intervals
    table = intervals.copy()
    by_counter = {(a.camera, a.counter): a for a in audits}
    for column, direction in ESTIMATE_COLUMNS.items():
        factors = [
            _factors(by_counter.get((row.camera, row.counter)), direction)
            for row in table.itertuples(index=False)
        ]
        counts = table[column].astype("Float64").to_numpy(dtype=float, na_value=math.nan)
        for k, name in enumerate(estimate_columns(column)):
            table[name] = [round(c * f[k], 1) for c, f in zip(counts, factors, strict=True)]
    return table


def _factors(audit: CounterAudit | None, direction: Direction) -> tuple[float, float, float]:
    """What multiplies an interval's count to give its estimate, low and high bound."""
    if audit is None:
        return (math.nan,) * 3
    found = audit.estimates[direction]
    if found.reviewed == 0 or found.counted == 0:  # no review yet, or no count to spread the total over
        return (math.nan,) * 3
    return found.estimate / found.counted, found.low / found.counted, found.high / found.counted


def with_group_estimates(groups: pd.DataFrame, intervals: pd.DataFrame) -> pd.DataFrame:
    """``groups`` (``aggregate.group_table``) with estimates from its members' (``intervals`` as
    :func:`with_estimates` made it): the sum of theirs, the bounds' distances added in quadrature
    (counters are audited apart); empty when a member that counted has no estimate."""
    if "in_est" not in intervals.columns:
        return groups
    table = groups.copy()
    members = intervals[intervals["group"].notna()].groupby(["group", "interval_start"], sort=False)
    for column in ESTIMATE_COLUMNS:
        est, low, high = estimate_columns(column)
        rows = {}
        for key, part in members:
            counted = part[column].astype("Float64").fillna(0).to_numpy(dtype=float) > 0
            if counted.any() and part.loc[counted, est].isna().any():
                rows[key] = (math.nan,) * 3
                continue
            kept = part[part[est].notna()]
            total = float(kept[est].sum())
            below = math.sqrt(float(((kept[est] - kept[low]) ** 2).sum()))
            above = math.sqrt(float(((kept[high] - kept[est]) ** 2).sum()))
            rows[key] = (round(total, 1), round(max(total - below, 0.0), 1), round(total + above, 1))
        keys = list(zip(table["group"], table["interval_start"], strict=True))
        for k, name in enumerate((est, low, high)):
            table[name] = [rows.get(key, (math.nan,) * 3)[k] for key in keys]
    return table


@dataclass(frozen=True)
class Combined:
    """The audited total of several counters (a headline group's gates): the sum of their estimates,
    the bounds' distances added in quadrature (counters are audited apart); ``unaudited`` names the
    counters that counted something and have no review, in which case there is no estimate."""

    counted: int
    estimate: float | None
    low: float | None
    high: float | None
    unaudited: tuple[tuple[str, str], ...]


def combined_estimate(
    audits: Sequence[CounterAudit], counted: dict[tuple[str, str], int], direction: Direction = "in"
) -> Combined:
    """The audited total of the counters ``counted`` (camera, counter -> what was counted).

    >>> made = datetime(2026, 10, 3)
    >>> def audit(counter, estimate, low, high):
    ...     found = Estimate(20, estimate, low, high, 5, 20, 1.0)
    ...     return CounterAudit("c", counter, "line", made, made, {"in": found, "out": found}, 1.0, 0.0, True)
    >>> gates = {("c", "a"): 24, ("c", "b"): 9}
    >>> both = combined_estimate([audit("a", 30, 27, 33), audit("b", 10, 6, 14)], gates)
    >>> both.estimate, both.low, both.high, both.unaudited
    (40.0, 35.0, 45.0, ())
    >>> combined_estimate([audit("a", 30, 27, 33)], gates).unaudited
    (('c', 'b'),)
    """
    by_counter = {(a.camera, a.counter): a for a in audits}
    found = {key: by_counter[key].estimates[direction] for key in counted if key in by_counter}
    reviewed = {key: f for key, f in found.items() if f.reviewed and not math.isnan(f.low)}
    unaudited = tuple(key for key, n in counted.items() if n > 0 and key not in reviewed)
    total = sum(counted.values())
    if unaudited or not reviewed:
        return Combined(total, None, None, None, unaudited)
    estimate = float(sum(f.estimate for f in reviewed.values()))  # the others counted nothing
    below = math.sqrt(sum((f.estimate - f.low) ** 2 for f in reviewed.values()))
    above = math.sqrt(sum((f.high - f.estimate) ** 2 for f in reviewed.values()))
    return Combined(
        total, round(estimate, 1), round(max(estimate - below, 0.0), 1), round(estimate + above, 1), ()
    )


MEASURE_DIRECTIONS: dict[str, Direction] = {"in": "in", "out": "out", "entries": "in", "exits": "out"}


def row_estimates(
    rows: Sequence[tuple[str, str, str, int]],
    groups: dict[str, list[tuple[str, str]]],
    audits: Sequence[CounterAudit],
) -> list[Combined]:
    """The audited total of each (camera, counter, measure, counted) row of a gates x days table: a
    counter's own, a group's (``camera`` empty, ``counter`` the group) its members' combined
    (:func:`combined_estimate`, from the members' rows of the same measure)."""
    counted = {(camera, counter, measure): n for camera, counter, measure, n in rows}
    found = []
    for camera, counter, measure, _ in rows:
        direction = MEASURE_DIRECTIONS[measure]
        members = groups.get(counter, []) if camera == "" else [(camera, counter)]
        parts = {member: counted.get((*member, measure), 0) for member in members}
        found.append(combined_estimate(audits, parts, direction))
    return found


def audit_rows(audits: Sequence[CounterAudit]) -> list[dict[str, object]]:
    """One row per audited counter and direction (zones: entries, exits): what was counted, the
    corrected total and its interval, the sample, precision and miss rate (for tables and the API)."""
    rows: list[dict[str, object]] = []
    for audit in audits:
        for direction in ("in", "out"):
            found = audit.estimates[direction]
            named = direction if audit.kind == "line" else {"in": "entries", "out": "exits"}[direction]
            rows.append(
                {
                    "camera": audit.camera,
                    "counter": audit.counter,
                    "direction": named,
                    "counted": found.counted,
                    "estimate": _rounded(found.estimate) if found.reviewed else None,
                    "low": _rounded(found.low),
                    "high": _rounded(found.high),
                    "reviewed": found.reviewed,
                    "windows": found.windows,
                    "ratio": _rounded(found.ratio, 3),
                    "precision": _rounded(audit.precision, 3),
                    "miss_rate": _rounded(audit.miss_rate, 3),
                    "rates_exact": audit.exact,
                    "planned": audit.made_at.isoformat(),
                    "last_review": audit.last_review.isoformat() if audit.last_review else None,
                }
            )
    return rows


def _rounded(value: float | None, digits: int = 1) -> float | None:
    """For JSON and tables: NaN and None both become None."""
    return None if value is None or math.isnan(value) else round(value, digits)
