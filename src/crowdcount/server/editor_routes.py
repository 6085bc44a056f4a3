"""The line and zone editor (``/setup``) and its API, served by ``setup`` and, when given the site's
config, by ``live`` and ``serve``: a camera's picture, its lines and zones, and saving them back
into the YAML (checked by the config model first)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

import cv2
import jinja2
import numpy as np
from fastapi import APIRouter, HTTPException, Query, Response
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

from crowdcount.errors import CrowdcountError
from crowdcount.handover.labels import LABELS
from crowdcount.paths import CHECK_OUT
from crowdcount.setup.editor import (
    camera_picture,
    camera_source,
    cameras_of,
    check_document,
    read_document,
    set_counters,
    write_document,
)


class EditedCounters(BaseModel):
    """What the editor saves for one camera: its lines and zones as the config writes them, and its
    display name (None: left as it is; "": removed)."""

    lines: list[dict[str, Any]] = []
    zones: list[dict[str, Any]] = []
    name: str | None = None


def editor_router(
    config: Path, font_css: Callable[[str], str], lang: str = "ko", paths: Path = CHECK_OUT
) -> APIRouter:
    """Routes of the editor over the site YAML at ``config`` (re-read at every request, so edits
    made in a text editor meanwhile are kept); ``paths``: the folder of ``check``'s paths files."""
    paths = paths.resolve()
    router = APIRouter()
    pictures: dict[str, np.ndarray] = {}
    lock = threading.Lock()  # one save at a time; a picture is taken once per camera

    def picture(camera_id: str) -> np.ndarray:
        with lock:
            if camera_id not in pictures:
                source = camera_source(read_document(config), camera_id, config.parent)
                pictures[camera_id] = camera_picture(source)
            return pictures[camera_id]

    def answer(error: CrowdcountError) -> HTTPException:
        unknown = "is not in the config" in str(error)
        return HTTPException(404 if unknown else 400, str(error))

    page = jinja2.Environment(autoescape=True).from_string(
        resources.files("crowdcount").joinpath("templates/editor.html").read_text(encoding="utf-8")
    )

    @router.get("/setup", response_class=HTMLResponse, summary="The line and zone editor (?lang=en)")
    def editor(lang_: Annotated[str | None, Query(alias="lang", pattern="^(en|ko)$")] = None) -> str:
        chosen = lang_ or lang
        words = LABELS[chosen]
        try:
            names = " ".join(str(c.get("name") or "") for c in cameras_of(read_document(config)))
        except CrowdcountError:
            names = ""
        css = font_css("".join(sorted(set(" ".join(words.values()) + names + "English 한국어"))))
        return page.render(lang=chosen, labels=words, font_css=css, config=config.name)

    @router.get("/api/setup/cameras", summary="The config's cameras with their lines and zones")
    def cameras() -> dict[str, Any]:
        try:
            return {"config": config.name, "cameras": cameras_of(read_document(config))}
        except CrowdcountError as error:
            raise answer(error) from None

    @router.get("/api/setup/cameras/{camera_id}/frame.jpg", summary="A frame of the camera to draw on")
    def frame(camera_id: str) -> Response:
        try:
            image = picture(camera_id)
        except CrowdcountError as error:
            raise answer(error) from None
        _, jpeg = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 90])
        return Response(jpeg.tobytes(), media_type="image/jpeg", headers={"Cache-Control": "no-store"})

    @router.get(
        "/api/setup/cameras/{camera_id}/paths", summary="The paths people took, from crowdcount check"
    )
    def people_paths(camera_id: str) -> dict[str, Any]:
        try:
            known = {c["id"] for c in cameras_of(read_document(config))}
        except CrowdcountError as error:  # the YAML broken meanwhile: its one line, as the other routes
            raise answer(error) from None
        found = paths / f"{camera_id}.paths.json"
        if camera_id not in known or not found.is_file():
            shown = f"crowdcount check --config {config.name} --camera {camera_id} --out {paths}"
            raise HTTPException(404, f"no paths of camera {camera_id!r} in {paths}; run: {shown}")
        try:
            return dict(json.loads(found.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            raise HTTPException(
                400, f"{found}: not a paths file of crowdcount check; run check again"
            ) from None

    @router.put("/api/setup/cameras/{camera_id}", summary="Save the camera's lines and zones into the YAML")
    def save(camera_id: str, edited: EditedCounters) -> dict[str, Any]:
        with lock:
            try:
                document = read_document(config)
                set_counters(document, camera_id, edited.lines, edited.zones, edited.name)
                size = pictures.get(camera_id)
                frame_size = None if size is None else (size.shape[1], size.shape[0])
                check_document(document, config, camera_id, frame_size)
                write_document(document, config)
            except CrowdcountError as error:
                raise answer(error) from None
        return {
            "saved": config.name,
            "camera": camera_id,
            "lines": len(edited.lines),
            "zones": len(edited.zones),
        }

    return router
