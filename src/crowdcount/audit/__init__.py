"""The audit behind an error bar on every count: a random sample of windows of footage a person
reviews, and the ratio estimate of the true count with its 95 % confidence interval (docs/audit.md).

Pure parts: :mod:`.sample` (windows, the seeded sample) and :mod:`.estimate` (the estimator, the
corrected interval tables). :mod:`.clips` cuts each window's clip; :mod:`.plan` makes a plan
(plan.csv, clips, the store's record), reads answers and gives a store's audits: what the CLI,
server and report call.
"""

from crowdcount.audit.estimate import (
    CONFIDENCE,
    CounterAudit,
    Estimate,
    audit_counters,
    audit_rows,
    estimate_columns,
    ratio_estimate,
    with_estimates,
    with_group_estimates,
)
from crowdcount.audit.plan import PLAN_COLUMNS, make_plan, read_answers, store_audits
from crowdcount.audit.sample import audit_windows, check_review, draw_sample
from crowdcount.datatypes import DEFAULT_WINDOW_S, AuditPlan, AuditWindow, PlanItem, Review

__all__ = [
    "CONFIDENCE",
    "DEFAULT_WINDOW_S",
    "PLAN_COLUMNS",
    "AuditPlan",
    "AuditWindow",
    "CounterAudit",
    "Estimate",
    "PlanItem",
    "Review",
    "audit_counters",
    "audit_rows",
    "audit_windows",
    "check_review",
    "draw_sample",
    "estimate_columns",
    "make_plan",
    "ratio_estimate",
    "read_answers",
    "store_audits",
    "with_estimates",
    "with_group_estimates",
]
