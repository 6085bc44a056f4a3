"""The audit's review page and its API: the plan's items with their clips, saving a review, and
the estimates it changes (mounted by ``create_app``, so ``serve``, ``live`` and ``audit serve``
all have it at ``/audit``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

import jinja2
from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import FileResponse, HTMLResponse
from pydantic import BaseModel, Field

from crowdcount import __version__
from crowdcount.audit import audit_counters, audit_rows, check_review
from crowdcount.datatypes import AuditPlan, PlanItem, Review
from crowdcount.errors import CrowdcountError
from crowdcount.server.monitor import Monitor
from crowdcount.store.events import EventStore


class ReviewBody(BaseModel):
    """A reviewer's answer for one window."""

    plan: str | None = Field(
        None, description="the plan the answer is for (refused if it is not the store's)"
    )

    true_in: int = Field(ge=0, description="people who truly crossed in (zones: entered)")
    true_out: int = Field(ge=0, description="people who truly crossed out (zones: left)")
    false_in: int | None = Field(
        None, ge=0, description="of crowdcount's 'in' counts, how many were not real"
    )
    false_out: int | None = Field(
        None, ge=0, description="of crowdcount's 'out' counts, how many were not real"
    )
    reviewer: str = Field("", max_length=100)


def audit_router(monitor: Monitor, page_font_css: Callable[[str], str]) -> APIRouter:
    """Routes over ``monitor``'s store (the caller adds the token guard)."""
    router = APIRouter()
    writable: list[EventStore] = []  # opened at the first review: serve reads its store only

    def plan_or_404() -> AuditPlan:
        plan = monitor.store.audit_plan()
        if plan is None:
            raise HTTPException(404, "no audit plan in this store; make one with 'crowdcount audit plan'")
        return plan

    def item_or_404(plan: AuditPlan, item_id: str) -> PlanItem:
        for item in plan.items:
            if item.window.item_id == item_id:
                return item
        raise HTTPException(404, f"no item {item_id!r} in the audit plan")

    def state() -> dict[str, Any]:
        plan = monitor.store.audit_plan()
        if plan is None:
            return {"plan": None, "items": [], "estimates": []}
        history = monitor.store.history()
        reviews = monitor.store.reviews()
        fps = {(s.camera, s.source): s.fps for s in history.sources}
        planned = {(i.window.camera, i.window.counter, i.window.source) for i in plan.items}
        events = defaultdict(list)
        for e in history.events:
            if (e.camera, e.counter, e.source) in planned:
                events[(e.camera, e.counter, e.source)].append(e)
        items = []
        for position, item in enumerate(plan.items):
            w = item.window
            review = reviews.get(w.key)
            counted = [
                {
                    "direction": e.direction,
                    "track_id": e.track_id,
                    "frame": e.frame,
                    "time": e.timestamp.isoformat(),
                }
                for e in events[(w.camera, w.counter, w.source)]
                if w.frame_start <= e.frame <= w.frame_end
            ]
            items.append(
                {
                    "item_id": w.item_id,
                    "position": position,
                    "camera": w.camera,
                    "counter": w.counter,
                    "kind": w.kind,
                    "source": Path(w.source).name,
                    "frame_start": w.frame_start,
                    "frame_end": w.frame_end,
                    "time_start": w.time_start.isoformat(),
                    "time_end": w.time_end.isoformat(),
                    "clip_start": item.clip_start,
                    "fps": fps.get((w.camera, w.source)),
                    "counted_in": w.counted_in,
                    "counted_out": w.counted_out,
                    "counted": counted,
                    "review": _review_json(review),
                }
            )
        head = {
            "id": plan.plan_id,
            "made_at": plan.made_at.isoformat(),
            "seconds": plan.seconds,
            "per_counter": plan.per_counter,
            "seed": plan.seed,
            "items": len(plan.items),
        }
        return {"plan": head, "items": items, "estimates": audit_rows(audit_counters(history, plan, reviews))}

    @router.get("/api/audit", summary="The audit: plan, items with their reviews, estimates per counter")
    def audit() -> dict[str, Any]:
        return state()

    @router.get(
        "/api/audit/clip/{item_id:path}", summary="An item's clip (WebM)", response_class=FileResponse
    )
    def clip(item_id: str) -> FileResponse:
        plan = plan_or_404()
        item = item_or_404(plan, item_id)
        path = Path(plan.folder) / "clips" / item.clip
        if not path.is_file():
            raise HTTPException(
                404, f"clip {path} is missing; make the plan again with 'crowdcount audit plan'"
            )
        return FileResponse(path, media_type="video/webm")

    @router.put("/api/audit/review/{item_id:path}", summary="Save a review; returns the audit as it is now")
    def review(item_id: str, body: ReviewBody) -> dict[str, Any]:
        plan = plan_or_404()
        if body.plan is not None and body.plan != plan.plan_id:
            raise HTTPException(
                409,
                f"this answer is for plan {body.plan}, the store's plan is now {plan.plan_id}: an item id "
                "means another window in another plan; reload the page",
            )
        window = item_or_404(plan, item_id).window
        answer = Review(body.true_in, body.true_out, body.false_in, body.false_out, body.reviewer.strip())
        try:
            check_review(window, answer)
        except ValueError as error:
            raise HTTPException(422, str(error)) from None
        try:
            if not writable:
                writable.append(monitor.store.writable())
            writable[0].save_reviews([(window, answer)])
        except CrowdcountError as error:
            raise HTTPException(503, f"review not saved: {error}") from None
        return state()

    source = resources.files("crowdcount").joinpath("templates/audit.html").read_text(encoding="utf-8")
    page = jinja2.Environment(autoescape=True).from_string(source)

    @router.get("/audit", response_class=HTMLResponse, summary="The audit's review page")
    def review_page(token: Annotated[str | None, Query()] = None) -> str:
        del token  # the page reads it from its own address
        names = "".join(f"{c.camera}{c.counter}" for c in monitor.counter_infos())
        return page.render(version=__version__, font_css=page_font_css(_hangul(source + names)))

    return router


def _review_json(review: Review | None) -> dict[str, Any] | None:
    if review is None:
        return None
    return {
        "true_in": review.true_in,
        "true_out": review.true_out,
        "false_in": review.false_in,
        "false_out": review.false_out,
        "reviewer": review.reviewer,
        "reviewed_at": review.reviewed_at.isoformat() if review.reviewed_at else None,
    }


def _hangul(text: str) -> str:
    """The Korean characters of ``text``, once each: what the embedded font draws (the rest is left
    to the system's font, so Latin text stays in one face)."""
    return "".join(sorted({ch for ch in text if ord(ch) >= 0x1100}))
