"""The audit behind an error bar on every count: a random sample of windows of footage a person
reviews, and the ratio estimate of the true count with its 95 % confidence interval (docs/audit.md).

Pure parts: :mod:`.sample` (windows, the seeded sample) and :mod:`.estimate` (the estimator, the
corrected interval tables). :mod:`.clips` cuts each window's clip; :mod:`.plan` makes a plan
(plan.csv, clips, the store's record), reads answers and gives a store's audits: what the CLI,
server and report call.

What other packages use from it is named here and imported only when first asked for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from crowdcount.datatypes import DEFAULT_WINDOW_S, AuditPlan, AuditWindow, PlanItem, Review
from crowdcount.faces import lazy_names

if TYPE_CHECKING:
    from crowdcount.audit.estimate import (
        CONFIDENCE,
        Combined,
        CounterAudit,
        Estimate,
        audit_counters,
        audit_rows,
        combined_estimate,
        estimate_columns,
        ratio_estimate,
        row_estimates,
        with_estimates,
        with_group_estimates,
    )
    from crowdcount.audit.plan import PLAN_COLUMNS, make_plan, read_answers, store_audits
    from crowdcount.audit.sample import audit_windows, check_review, draw_sample

_WHERE = {
    "CONFIDENCE": "estimate",
    "CounterAudit": "estimate",
    "Estimate": "estimate",
    "PLAN_COLUMNS": "plan",
    "audit_counters": "estimate",
    "audit_rows": "estimate",
    "audit_windows": "sample",
    "check_review": "sample",
    "draw_sample": "sample",
    "estimate_columns": "estimate",
    "make_plan": "plan",
    "ratio_estimate": "estimate",
    "read_answers": "plan",
    "store_audits": "plan",
    "with_estimates": "estimate",
    "with_group_estimates": "estimate",
    "combined_estimate": "estimate",
    "Combined": "estimate",
    "row_estimates": "estimate",
}
__all__ = [
    "CONFIDENCE",
    "DEFAULT_WINDOW_S",
    "PLAN_COLUMNS",
    "AuditPlan",
    "AuditWindow",
    "Combined",
    "CounterAudit",
    "Estimate",
    "PlanItem",
    "Review",
    "audit_counters",
    "audit_rows",
    "audit_windows",
    "check_review",
    "combined_estimate",
    "draw_sample",
    "estimate_columns",
    "make_plan",
    "ratio_estimate",
    "read_answers",
    "row_estimates",
    "store_audits",
    "with_estimates",
    "with_group_estimates",
]

__getattr__ = lazy_names(__name__, _WHERE)
