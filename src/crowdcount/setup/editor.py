"""Editing a site YAML in place for the line and zone editor: a camera's lines and zones replaced,
the user's comments, key order and other settings kept (ruamel.yaml's round trip), the result checked
by the same model as the CLI before anything is written; and a picture of a camera to draw on."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from crowdcount.config import SiteConfig, check_in_frame, parse_config, read_yaml, resolve_source
from crowdcount.errors import CrowdcountError
from crowdcount.sources.archive import find_recordings
from crowdcount.sources.files import open_video
from crowdcount.sources.streams import is_stream, open_capture
from crowdcount.urls import redact_url

EDITED = {
    "lines": ("id", "name", "points", "in_direction", "group"),
    "zones": ("id", "name", "polygon", "group", "alert_occupancy"),
}
PICTURE_AT_S = 1.0  # a recording's picture is taken this far in (the first frames are often black)
STREAM_TIMEOUT_S = 10.0


def _yaml() -> YAML:
    yaml = YAML()  # round trip: comments, order and quoting stay as the user wrote them
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def read_document(path: Path) -> CommentedMap:
    """The site YAML as an editable document; a one-line error for a file that is not one."""
    if not path.is_file():
        raise CrowdcountError(f"config file {path} not found; give the path of an existing site YAML file")
    document = read_yaml(path, _yaml())
    if not isinstance(document, CommentedMap) or not isinstance(document.get("cameras"), list):
        raise CrowdcountError(f"{path}: expected a mapping with a 'cameras:' list at the top level")
    return document


def cameras_of(document: CommentedMap) -> list[dict[str, Any]]:
    """Each camera as the editor shows it: id, name, source (passwords hidden), lines and zones."""
    return [
        {
            "id": str(camera.get("id", "")),
            "name": camera.get("name"),
            "source": redact_url(str(camera.get("source") or "")),
            "lines": [_plain(line, EDITED["lines"]) for line in camera.get("lines") or []],
            "zones": [_plain(zone, EDITED["zones"]) for zone in camera.get("zones") or []],
        }
        for camera in document["cameras"]
        if isinstance(camera, dict)
    ]


def _plain(entry: Any, keys: tuple[str, ...]) -> dict[str, Any]:
    return {key: _unwrap(entry[key]) for key in keys if isinstance(entry, dict) and key in entry}


def _unwrap(value: Any) -> Any:
    if isinstance(value, list):
        return [_unwrap(v) for v in value]
    return value if isinstance(value, int | float | str) or value is None else str(value)


def _camera(document: CommentedMap, camera_id: str) -> CommentedMap:
    for camera in document["cameras"]:
        if isinstance(camera, CommentedMap) and str(camera.get("id")) == camera_id:
            return camera
    known = ", ".join(str(c.get("id")) for c in document["cameras"] if isinstance(c, dict))
    raise CrowdcountError(f"camera {camera_id!r} is not in the config; cameras: {known}")


def _flow(values: list[Any]) -> CommentedSeq:
    """A list written on one line (``[[430, 150], [430, 480]]``), as the examples write points."""
    seq = CommentedSeq(_flow(v) if isinstance(v, list) else v for v in values)
    seq.fa.set_flow_style()
    return seq


def set_counters(
    document: CommentedMap,
    camera_id: str,
    lines: list[dict[str, Any]],
    zones: list[dict[str, Any]],
    name: str | None = None,
) -> None:
    """Replace a camera's lines and zones with the editor's, and its display ``name`` where one is given
    ("" removes it). An entry whose id was there before is updated in place (its comments and the
    settings the editor does not show stay); new ones are added; ones the editor dropped are removed.
    No lines and no zones: a draft."""
    camera = _camera(document, camera_id)
    if name == "":
        camera.pop("name", None)
    elif name is not None and "name" in camera:
        camera["name"] = name
    elif name is not None:
        camera.insert(list(camera).index("id") + 1 if "id" in camera else 0, "name", name)
    for kind, edited in (("lines", lines), ("zones", zones)):
        before = {str(e.get("id")): e for e in camera.get(kind) or [] if isinstance(e, CommentedMap)}
        entries = CommentedSeq()
        for item in edited:
            entry = before.get(str(item.get("id")), CommentedMap())
            for key in EDITED[kind]:
                value = item.get(key)
                if value in (None, "", []):
                    entry.pop(key, None)
                elif key in entry:
                    entry[key] = _flow(value) if isinstance(value, list) else value
                else:  # a new key goes where the config format lists it (name after id)
                    earlier = [k for k in EDITED[kind][: EDITED[kind].index(key)] if k in entry]
                    position = list(entry).index(earlier[-1]) + 1 if earlier else 0
                    entry.insert(position, key, _flow(value) if isinstance(value, list) else value)
            entries.append(entry)
        if entries:
            camera[kind] = entries
        else:
            camera.pop(kind, None)


def check_document(
    document: CommentedMap, path: Path, camera_id: str, frame_size: tuple[int, int] | None
) -> SiteConfig:
    """Validate as ``load_config`` would (one-line error naming the field), and that every point of
    the edited camera lies in its picture (``frame_size``: width, height)."""
    site = parse_config(document, str(path))
    if frame_size is not None:
        check_in_frame(site.camera(camera_id), *frame_size)
    return site


def write_document(document: CommentedMap, path: Path) -> None:
    """Write the document over ``path`` at once (a temporary file renamed), the old one kept as
    ``path.bak``."""
    buffer = io.StringIO()
    _yaml().dump(document, buffer)
    temporary = path.with_name(f".{path.name}.saving")
    temporary.write_text(buffer.getvalue(), encoding="utf-8")
    if path.exists():
        path.with_name(path.name + ".bak").write_bytes(path.read_bytes())
    os.replace(temporary, path)


def camera_source(document: CommentedMap, camera_id: str, base: Path) -> str:
    source = _camera(document, camera_id).get("source")
    if not source:
        raise CrowdcountError(f"camera {camera_id!r} has no source; give it a file, folder or stream URL")
    return str(resolve_source(str(source), base))


def camera_picture(source: str) -> np.ndarray:
    """A frame of a camera's source to draw on: a recording's (its first, for a folder or glob) at
    ``PICTURE_AT_S``, or a stream's first."""
    if is_stream(source):
        capture = open_capture(source, STREAM_TIMEOUT_S)
        shown = redact_url(source)
    else:
        recording = find_recordings(source)[0]
        capture, shown = open_video(recording), str(recording)
        fps = capture.get(cv2.CAP_PROP_FPS) or 0.0
        frames = int(capture.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
        capture.set(cv2.CAP_PROP_POS_FRAMES, min(int(fps * PICTURE_AT_S), max(frames - 1, 0)))
    try:
        ok, image = capture.read()
    finally:
        capture.release()
    if not ok or image is None:
        raise CrowdcountError(f"source {shown}: no frame could be read; check that it plays")
    return image
