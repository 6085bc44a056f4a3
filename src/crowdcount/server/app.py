"""The HTTP side of live counting: REST API, Server-Sent Events feed and the dashboard page."""

from __future__ import annotations

import asyncio
import hmac
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

import jinja2
from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response, StreamingResponse

from crowdcount import __version__
from crowdcount.errors import CrowdcountError
from crowdcount.handover.labels import LABELS
from crowdcount.handover.report import embedded_font_css
from crowdcount.live.preview import PreviewBoard
from crowdcount.paths import CHECK_OUT
from crowdcount.server.audit_routes import audit_router
from crowdcount.server.editor_routes import editor_router
from crowdcount.server.guard import is_loopback
from crowdcount.server.monitor import Monitor
from crowdcount.tables.aggregate import parse_interval

MIN_TOKEN_LENGTH = 16  # characters; secrets.token_urlsafe() gives 43
PREVIEW_WAIT_S = 4.0  # how long a preview.jpg request waits for a camera's first picture


@cache
def page_font_css(text: str) -> str:
    """NanumGothic for the characters of ``text``, embedded (a page reads well on any machine)."""
    return embedded_font_css(text)


def needs_token(host: str) -> bool:
    """Anything bound beyond loopback must ask for a token."""
    return not is_loopback(host)


def check_token(token: str | None) -> None:
    """A token, when there is one, must be long enough not to be guessed."""
    if token is not None and len(token.strip()) < MIN_TOKEN_LENGTH:
        raise CrowdcountError(
            f"the API token is too short: use at least {MIN_TOKEN_LENGTH} characters, e.g. "
            "python -c 'import secrets; print(secrets.token_urlsafe())'"
        )


def token_guard(token: str | None) -> Callable[[Request], None]:
    """A dependency that wants ``token`` (when set) in an ``Authorization: Bearer TOKEN`` header (the
    scheme in any case) or a ``?token=`` query parameter (the pages and their feeds use the latter)."""
    check_token(token)
    token = token.strip() if token is not None else None  # as typed in a file or a shell, spaces dropped

    def authorised(request: Request) -> None:
        if token is None:
            return
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        given = value.strip() if scheme.lower() == "bearer" else ""
        given = given or request.query_params.get("token") or ""
        if not hmac.compare_digest(given.encode(), token.encode()):
            raise HTTPException(401, "missing or wrong token: send 'Authorization: Bearer TOKEN' or ?token=")

    return authorised


def create_editor_app(
    config: Path, token: str | None = None, lang: str = "ko", paths: Path = CHECK_OUT
) -> FastAPI:
    """Only the line and zone editor (``/setup``) over the site YAML at ``config`` (``crowdcount setup``);
    ``paths``: the folder of ``check``'s paths files."""
    app = FastAPI(title="crowdcount setup", version=__version__, docs_url=None, redoc_url=None)
    router = editor_router(config, page_font_css, lang, paths)
    app.include_router(router, dependencies=[Depends(token_guard(token))])
    return app


def create_app(
    monitor: Monitor,
    token: str | None = None,
    lang: str = "ko",
    poll_s: float = 1.0,
    config: Path | None = None,
    previews: PreviewBoard | None = None,
) -> FastAPI:
    """The API and dashboard over ``monitor``; every route wants ``token`` when one is set (see
    ``token_guard``). With a token, the API docs (``/docs``, ``/redoc``, ``/openapi.json``) want it
    too. With the site's ``config``, the line and zone editor is at ``/setup``; with ``previews``
    (``live``), each camera's annotated picture.
    """
    authorised = token_guard(token)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        async def poll() -> None:
            while True:
                await asyncio.sleep(poll_s)
                try:
                    await asyncio.to_thread(monitor.refresh)
                except Exception as error:  # a busy store must not end the feed; next poll retries
                    print(f"crowdcount: refresh failed: {error.__class__.__name__}: {error}", flush=True)

        task = asyncio.create_task(poll())
        yield
        task.cancel()

    guarded = token is not None  # then the docs are routes behind the token, not FastAPI's own
    app = FastAPI(
        title="crowdcount live API",
        version=__version__,
        description="Foot-traffic counts per line and zone, camera health and occupancy alerts.",
        lifespan=lifespan,
        docs_url=None if guarded else "/docs",
        redoc_url=None if guarded else "/redoc",
        openapi_url=None if guarded else "/openapi.json",
    )
    api = APIRouter(dependencies=[Depends(authorised)])
    if guarded:
        _docs_behind_token(app, api)

    def known_camera(camera: str | None) -> str | None:
        if camera is not None and camera not in monitor.camera_ids():
            raise HTTPException(404, f"unknown camera {camera!r}; cameras: {', '.join(monitor.camera_ids())}")
        return camera

    @api.get("/api/health", summary="Server status and per-camera state")
    def health() -> dict[str, Any]:
        cameras = {c["camera"]: c["state"] for c in monitor.snapshot["cameras"]}
        degraded = [c for c, state in cameras.items() if state in ("reconnecting", "connecting")]
        return {
            "status": "degraded" if degraded else "ok",
            "mode": monitor.snapshot["mode"],
            "now": monitor.snapshot["now"],
            "events": monitor.snapshot["events"],
            "cameras": cameras,
        }

    @api.get("/api/cameras", summary="Cameras with health: fps, lag, reconnects, last frame, gaps")
    def cameras() -> list[dict[str, Any]]:
        return list(monitor.snapshot["cameras"])

    @api.get("/api/counters", summary="Lines and zones: totals, last window, occupancy now")
    def counters(
        camera: Annotated[str | None, Query(description="Only this camera")] = None,
    ) -> list[dict[str, Any]]:
        known_camera(camera)
        return [c for c in monitor.snapshot["counters"] if camera is None or c["camera"] == camera]

    @api.get("/api/intervals", summary="Counts per counter and clock-aligned interval (as the export)")
    def intervals(
        interval: Annotated[str, Query(description="1min, 5min, 15min, 30min, 60min or day")] = "15min",
        camera: Annotated[str | None, Query(description="Only this camera")] = None,
        counter: Annotated[str | None, Query(description="Only this line or zone id")] = None,
    ) -> list[dict[str, Any]]:
        try:
            parse_interval(interval)
        except CrowdcountError as error:
            raise HTTPException(400, str(error)) from None
        known_camera(camera)
        if counter is not None and counter not in {c.counter for c in monitor.counter_infos(camera)}:
            raise HTTPException(404, f"unknown counter {counter!r}")
        try:
            return monitor.intervals(interval, camera, counter)
        except CrowdcountError as error:  # too many rows at once: say how to ask
            raise HTTPException(413, str(error)) from None

    @api.get(
        "/api/summary",
        summary="Page one of the report: visitors (a lower bound where unfilmed), share filmed, gates "
        "without footage, the audited figure and the estimate over all open hours",
    )
    def summary() -> dict[str, Any]:
        return monitor.summary()

    def board(camera: str) -> PreviewBoard:
        known_camera(camera)
        if previews is None:
            raise HTTPException(
                404, "no camera pictures here: crowdcount live serves them, serve reads a store"
            )
        previews.watch(camera)
        return previews

    @api.get("/api/cameras/{camera}/preview.jpg", summary="The camera's latest frame with boxes, ids, counts")
    async def preview(camera: str) -> Response:
        pictures = board(camera)
        for _ in range(int(PREVIEW_WAIT_S / 0.1)):  # the camera draws one once it knows it is watched
            latest = pictures.latest(camera)
            if latest is not None:
                return Response(latest[1], media_type="image/jpeg", headers={"Cache-Control": "no-store"})
            await asyncio.sleep(0.1)
        raise HTTPException(
            503, f"no picture from camera {camera!r} yet (connecting or reconnecting); try again"
        )

    @api.get("/api/cameras/{camera}/preview.mjpg", summary="The annotated picture as MJPEG, while watched")
    async def preview_stream(camera: str, request: Request) -> StreamingResponse:
        pictures = board(camera)

        async def parts() -> AsyncIterator[bytes]:
            shown = 0.0
            while not await request.is_disconnected():
                pictures.watch(camera)
                latest = pictures.latest(camera)
                if latest is not None and latest[0] != shown:
                    shown = latest[0]
                    head = f"--frame\r\nContent-Type: image/jpeg\r\nContent-Length: {len(latest[1])}\r\n\r\n"
                    yield head.encode() + latest[1] + b"\r\n"
                await asyncio.sleep(0.2)

        return StreamingResponse(
            parts(),
            media_type="multipart/x-mixed-replace; boundary=frame",
            headers={"Cache-Control": "no-store"},
        )

    @api.get("/api/alerts", summary="Occupancy alerts: thresholds, active and recent")
    def alerts() -> dict[str, Any]:
        return dict(monitor.snapshot["alerts"])

    def alerting_zone(camera: str, zone: str) -> str:
        key = f"{camera}/{zone}"
        if key not in monitor.thresholds:
            raise HTTPException(
                404,
                f"zone {key!r} has no alert_occupancy; zones with alerts: "
                f"{', '.join(sorted(monitor.thresholds)) or 'none'}",
            )
        return key

    @api.post("/api/alerts/{camera}/{zone}/acknowledge", summary="Mark a zone's active alert as seen")
    def acknowledge(camera: str, zone: str) -> dict[str, Any]:
        key = alerting_zone(camera, zone)
        try:
            return monitor.acknowledge(key)
        except KeyError:
            raise HTTPException(404, f"zone {key!r} has no active alert") from None

    @api.post("/api/alerts/{camera}/{zone}/mute", summary="Raise no alert for a zone for a while (0: unmute)")
    def mute(
        camera: str, zone: str, minutes: Annotated[float, Query(ge=0, le=1440, description="How long")] = 30
    ) -> dict[str, Any]:
        key = alerting_zone(camera, zone)
        return {"key": key, "muted_until": monitor.mute(key, minutes)}

    @api.get("/api/snapshot", summary="Everything the dashboard shows, in one object")
    def snapshot() -> dict[str, Any]:
        return monitor.snapshot

    @api.get("/api/stream", summary="Server-Sent Events: a 'snapshot' event at every refresh")
    async def stream(request: Request) -> StreamingResponse:
        async def events() -> AsyncIterator[str]:
            seen = -1
            while not await request.is_disconnected():
                if monitor.version != seen:
                    seen = monitor.version
                    yield f"event: snapshot\ndata: {json.dumps(monitor.snapshot, ensure_ascii=False)}\n\n"
                await asyncio.sleep(0.25)

        return StreamingResponse(
            events(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"}
        )

    page = jinja2.Environment(autoescape=True).from_string(
        resources.files("crowdcount").joinpath("templates/dashboard.html").read_text(encoding="utf-8")
    )

    @api.get("/", response_class=HTMLResponse, summary="The live dashboard (?lang=ko for Korean)")
    def dashboard(lang_: Annotated[str | None, Query(alias="lang", pattern="^(en|ko)$")] = None) -> str:
        chosen = lang_ or lang
        names = " ".join(f"{c.camera} {c.counter}" for c in monitor.counter_infos()) + " English 한국어"
        for named in monitor.snapshot.get("names", {}).values():  # the site's display names (Korean)
            names += " " + " ".join(map(str, named.values())) + " " + str(monitor.snapshot.get("site") or "")
        font_css = page_font_css("".join(sorted(set(" ".join(LABELS[chosen].values()) + names))))
        return page.render(
            lang=chosen,
            labels=LABELS[chosen],
            version=__version__,
            font_css=font_css,
            previews=previews is not None,
        )

    api.include_router(audit_router(monitor, page_font_css))
    if config is not None:
        api.include_router(editor_router(config, page_font_css, lang))
    app.include_router(api)
    return app


def _docs_behind_token(app: FastAPI, api: APIRouter) -> None:
    """``/openapi.json``, ``/docs`` and ``/redoc`` on the token-guarded router; the pages fetch the
    schema with the token they were opened with."""

    def schema_url(request: Request) -> str:
        given = request.query_params.get("token")
        return "/openapi.json" + (f"?token={quote(given)}" if given else "")

    @api.get("/openapi.json", include_in_schema=False)
    def openapi() -> JSONResponse:
        return JSONResponse(app.openapi())

    @api.get("/docs", include_in_schema=False)
    def docs(request: Request) -> HTMLResponse:
        return get_swagger_ui_html(openapi_url=schema_url(request), title=f"{app.title} - docs")

    @api.get("/redoc", include_in_schema=False)
    def redoc(request: Request) -> HTMLResponse:
        return get_redoc_html(openapi_url=schema_url(request), title=f"{app.title} - ReDoc")
