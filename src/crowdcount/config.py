"""Site, camera, line and zone configuration (YAML), validated with one-line errors."""

from __future__ import annotations

import hashlib
import json
import math
import re
import unicodedata
from collections import Counter
from datetime import date, datetime
from itertools import pairwise
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from crowdcount.datatypes import (
    CameraDescription,
    CounterInfo,
    Device,
    SiteDescription,
    TrackerKind,
    counter_key,
)
from crowdcount.errors import CrowdcountError
from crowdcount.geometry import Anchor, polygon_area, polygon_self_intersects

# the values and syntax the config checks, used by the sources that read them too
MIN_FPS, MAX_FPS = 0.01, 1000.0  # one frame in 100 s (time lapse) to high-speed cameras
_TIME_TOKENS = {
    "YYYY": (r"\d{4}", "%Y"),
    "mm": (r"\d{2}", "%m"),
    "dd": (r"\d{2}", "%d"),
    "HH": (r"\d{2}", "%H"),
    "MM": (r"\d{2}", "%M"),
    "SS": (r"\d{2}", "%S"),
}
FIRST_YEAR, LAST_YEAR = 1900, 2199  # wall clocks outside these years are mistakes, and overflow date maths


def in_time_range(moment: datetime) -> bool:
    """Whether a wall-clock time lies in the years crowdcount accepts (FIRST_YEAR to LAST_YEAR, in UTC).

    >>> from datetime import timezone
    >>> in_time_range(datetime(2026, 10, 3, tzinfo=timezone.utc)), in_time_range(datetime(9999, 12, 31))
    (True, False)
    """
    try:
        utc = moment.astimezone(ZoneInfo("UTC")) if moment.tzinfo else moment
    except OverflowError:
        return False
    return FIRST_YEAR <= utc.year <= LAST_YEAR


def compile_filename_pattern(pattern: str, camera: str) -> tuple[re.Pattern[str], str]:
    """``{camera}_{YYYYmmdd_HHMMSS}.mp4`` -> a regex with a ``time`` group and its strptime format.

    ``{camera}`` is the camera id, ``*`` any text, and the one brace with date tokens
    (YYYY mm dd HH MM SS, any separators) the start time.
    """
    regex, time_format = "", ""
    for part in re.split(r"(\{[^}]*\}|\*)", pattern):
        if part == "{camera}":
            regex += re.escape(camera)
        elif part == "*":
            regex += ".*?"
        elif part.startswith("{") and part.endswith("}"):
            if time_format:
                raise CrowdcountError(f"filename_pattern {pattern!r}: only one {{...}} time block is allowed")
            inner, group = part[1:-1], ""
            for token in re.split(r"(YYYY|mm|dd|HH|MM|SS)", inner):
                digits, directive = _TIME_TOKENS.get(token, (re.escape(token), token.replace("%", "%%")))
                group, time_format = group + digits, time_format + directive
            regex += f"(?P<time>{group})"
        else:
            regex += re.escape(part)
    if "%Y" not in time_format:
        raise CrowdcountError(f"filename_pattern {pattern!r}: needs a time block like {{YYYYmmdd_HHMMSS}}")
    return re.compile(regex + "$"), time_format


COORDINATE_LIMIT = 100_000.0  # pixels; larger values (1e308) are typing mistakes and overflow geometry
Coordinate = Annotated[float, Field(allow_inf_nan=False, ge=-COORDINATE_LIMIT, le=COORDINATE_LIMIT)]
Point = tuple[Coordinate, Coordinate]


def _nfc(value: Any) -> Any:
    """One spelling for text that looks the same: Hangul typed as syllables or as jamo, an accent
    composed or not (Unicode NFC), so ``게이트`` is one counter however it was typed."""
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else value


PATTERN_WORDS: dict[str, str] = {}  # a field's pattern -> what its error says instead of the pattern


def _pattern(regex: str, words: str) -> str:
    """A field's pattern, with the words an error says when a value does not match it."""
    PATTERN_WORDS[regex] = words
    return regex


Identifier = Annotated[
    str,
    BeforeValidator(_nfc),
    Field(
        min_length=1,
        pattern=_pattern(r"^[\w.\-]+$", "use letters, digits, '_', '-' and '.' only (no spaces)"),
    ),
]
DisplayName = Annotated[str, BeforeValidator(_nfc), Field(min_length=1, max_length=100)]
ClockTime = Annotated[  # HH:MM, 24:00 = midnight
    str,
    Field(
        pattern=_pattern(r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$", "write a time of day as HH:MM, 00:00 to 24:00")
    ),
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Located(_Strict):
    """Where a camera or counter is on the map (WGS84), for the public-data-portal export."""

    lat: float | None = Field(None, ge=-90, le=90, description="latitude, WGS84 degrees")
    lon: float | None = Field(None, ge=-180, le=180, description="longitude, WGS84 degrees")

    @model_validator(mode="after")
    def _both_or_neither(self) -> _Located:
        if (self.lat is None) != (self.lon is None):
            raise ValueError("give both lat and lon (WGS84 degrees), or neither")
        return self


class CountingSettings(_Strict):
    """How a movement must look before it counts (hysteresis) and which box point moves."""

    anchor: Anchor = "bottom_center"
    min_frames: int = Field(2, ge=1, description="observations on the new side to confirm")
    min_distance_px: float = Field(4.0, ge=0, description="distance past the line to confirm")
    # 1/7 s: what min_frames asked at the 7 fps it was set on, now at any detection rate (docs/counting.md)
    min_seconds: float = Field(0.14, ge=0, le=10, description="time on the new side to confirm")
    forget_after_frames: int = Field(
        90, ge=1, description="frames a track may be unseen before its state is dropped"
    )
    tracker: TrackerKind = "ocsort"  # bytetrack, botsort: see docs/counting.md, "Tracking"
    stitch_seconds: float = Field(
        2.0, ge=0, le=60, description="a lost track found again as a new one this soon keeps its id (0: off)"
    )


class DetectorSettings(_Strict):
    """Defaults for the detector; the CLI's --model/--imgsz override them."""

    model: str | None = None
    imgsz: int | None = Field(None, ge=32)
    confidence: float | None = Field(None, gt=0, lt=1)  # None: the model card's (0.1 for YOLOX)
    # auto: a GPU where ONNX Runtime (onnxruntime-gpu) or torch has one, else the CPU; cuda/tensorrt: must
    device: Device = "auto"


class LineConfig(_Located):
    """A counting line: a polyline and the image direction that counts as "in"."""

    id: Identifier
    name: DisplayName | None = None  # as reports show it (Korean allowed); the id stays the key
    points: list[Point] = Field(min_length=2)
    in_direction: Point
    group: str | None = None

    @model_validator(mode="after")
    def _not_degenerate(self) -> LineConfig:
        dx, dy = self.in_direction
        if math.hypot(dx, dy) < 1e-9:
            raise ValueError("in_direction is the zero vector; give e.g. [1, 0] for rightwards")
        for k, ((x1, y1), (x2, y2)) in enumerate(pairwise(self.points)):
            length = math.hypot(x2 - x1, y2 - y1)
            if length < 1e-6:
                raise ValueError(f"segment {k} has zero length (points {k} and {k + 1} are equal)")
            across = (dx * (y1 - y2) + dy * (x2 - x1)) / (length * math.hypot(dx, dy))  # cos to the normal
            if abs(across) < 1e-9:
                raise ValueError(
                    f"in_direction {list(self.in_direction)} runs along segment {k}; "
                    "it must point across the line"
                )
        return self

    @property
    def vertices(self) -> np.ndarray:
        return np.asarray(self.points, dtype=float)


class ZoneConfig(_Located):
    """A counting zone: a simple polygon."""

    id: Identifier
    name: DisplayName | None = None
    polygon: list[Point] = Field(min_length=3)
    group: str | None = None
    alert_occupancy: int | None = Field(None, ge=1, description="live alert when this many are inside")

    @model_validator(mode="after")
    def _simple_polygon(self) -> ZoneConfig:
        check_polygon(self.vertices)
        return self

    @property
    def vertices(self) -> np.ndarray:
        return np.asarray(self.polygon, dtype=float)


class FarTilesConfig(_Strict):
    """The band of rows where a camera's far people walk, detected again in tiles at full resolution."""

    rows: tuple[int, int] = Field(description="first and last row (frame pixels) of the far band")
    across: int = Field(2, ge=1, le=8, description="tiles across the band")

    @model_validator(mode="after")
    def _ordered(self) -> FarTilesConfig:
        top, bottom = self.rows
        if not 0 <= top < bottom <= 100_000:
            raise ValueError(f"rows [{top}, {bottom}]: give the band's first and last row, first above last")
        return self


class IgnoreConfig(_Strict):
    """A region of the image where nothing is a person (a sign, a statue, a screen): detections
    whose anchor lies inside are dropped before tracking, so they hold no zone and cross no line."""

    polygon: list[Point] = Field(min_length=3)
    note: str | None = None  # what it is, for whoever reads the config

    @model_validator(mode="after")
    def _simple_polygon(self) -> IgnoreConfig:
        check_polygon(self.vertices)
        return self

    @property
    def vertices(self) -> np.ndarray:
        return np.asarray(self.polygon, dtype=float)


def check_polygon(vertices: np.ndarray) -> None:
    """Raise ValueError (a config error) for a polygon that is not simple, flat or lists a corner twice."""
    repeated = (np.abs(np.diff(vertices, axis=0, append=vertices[:1])).sum(axis=1) == 0).nonzero()[0]
    if len(repeated):
        k = int(repeated[0])
        if k == len(vertices) - 1:
            raise ValueError(
                "the last point repeats the first; list each corner once (a polygon closes itself)"
            )
        raise ValueError(f"points {k} and {k + 1} are the same corner; list each corner once")
    flat = np.linalg.matrix_rank(vertices - vertices[0], tol=1e-6) < 2  # every corner on one line
    if not flat and polygon_self_intersects(vertices):
        raise ValueError("polygon crosses itself; list its corners in order around it")
    if flat or polygon_area(vertices) < 1.0:
        raise ValueError("polygon has no area (points are collinear or repeated)")


class CameraConfig(_Located):
    """One camera: where its video comes from, when it starts, what to count."""

    id: Identifier
    name: DisplayName | None = None
    source: str | None = None  # a file, a folder of recordings, or a glob
    start: datetime | None = None  # first frame of a single-file source
    filename_pattern: str | None = None  # e.g. "{camera}_{YYYYmmdd_HHMMSS}.mp4": each file's start
    fps: float | None = Field(None, ge=MIN_FPS, le=MAX_FPS)
    smallest_person_px: float | None = Field(
        None, gt=4, le=10_000, description="height, in frame pixels, of the farthest person to count"
    )
    far_tiles: FarTilesConfig | None = None  # detect the far band again in tiles (docs/config.md)

    @field_validator("start")
    @classmethod
    def _plausible_start(cls, value: datetime | None) -> datetime | None:
        if value is not None and not in_time_range(value):
            raise ValueError(f"{value.isoformat()} is outside the years {FIRST_YEAR}-{LAST_YEAR}")
        return value

    lines: list[LineConfig] = []
    zones: list[ZoneConfig] = []
    ignore: list[IgnoreConfig] = []
    counting: CountingSettings | None = None

    @field_validator("filename_pattern")
    @classmethod
    def _valid_pattern(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                compile_filename_pattern(value, "camera")
            except CrowdcountError as error:
                raise ValueError(str(error)) from None
        return value

    @model_validator(mode="after")
    def _counters(self) -> CameraConfig:
        ids = Counter([c.id for c in self.lines] + [c.id for c in self.zones])
        duplicates = sorted(i for i, n in ids.items() if n > 1)
        if duplicates:
            raise ValueError(f"line/zone id {duplicates[0]!r} is used twice; ids must be unique")
        return self


class AlertSettings(_Strict):
    """Where live occupancy alerts go besides the dashboard."""

    webhook: str | None = Field(
        None,
        pattern=_pattern(r"^https?://", "give an http:// or https:// URL"),
        description="URL that gets a JSON POST",
    )


class MqttSettings(_Strict):
    """An MQTT broker that ``live`` publishes counts, occupancy, camera health and alerts to."""

    url: str = Field(
        pattern=_pattern(
            r"^mqtts?://[^/]+$", "give the broker as mqtt://host:1883 (mqtts:// for TLS), no path"
        ),
        description="mqtt://user:password@host:1883 (mqtts: TLS)",
    )
    topic: str = Field(
        "crowdcount",
        pattern=_pattern(r"^[^#+]+$", "a topic prefix cannot hold '#' or '+'"),
        description="the topics' prefix",
    )
    qos: int = Field(1, ge=0, le=2)


class ProgrammeItem(_Strict):
    """A programme event (a parade at 14:00), marked on the report's plots."""

    at: datetime  # site wall clock (or with its offset)
    name: DisplayName


class SiteInfo(_Strict):
    """Who and what the counts are for: the report's title block, its headline and opening hours."""

    name: DisplayName | None = None  # e.g. 2026 수원화성문화제
    period: tuple[date, date] | None = None  # first and last day
    department: DisplayName | None = None
    author: DisplayName | None = None
    headline_group: str | None = None  # the group of entrances: its "in" crossings are the visitors
    provider: DisplayName | None = None  # 제공기관명: the body that publishes the counts (portal export)
    provider_code: str | None = Field(
        None,
        pattern=_pattern(r"^[0-9A-Za-z]{1,20}$", "up to 20 letters and digits"),
        description="제공기관코드",
    )
    groups: dict[str, DisplayName] = {}  # group id -> the name reports show
    opening_hours: dict[str, tuple[ClockTime, ClockTime] | None] = Field(
        {}, description="'default' or a day (YYYY-MM-DD) -> [open, close], or null for closed all day"
    )
    programme: list[ProgrammeItem] = []  # events marked on the plots (and on a comparison's)

    @model_validator(mode="after")
    def _days_in_order(self) -> SiteInfo:
        if self.period is not None and self.period[1] < self.period[0]:
            raise ValueError(f"period {self.period[0]} to {self.period[1]}: give the first day first")
        for day, hours in self.opening_hours.items():
            if day != "default":
                try:
                    date.fromisoformat(day)
                except ValueError:
                    raise ValueError(
                        f"opening_hours: {day!r} is neither 'default' nor a day like 2026-10-03"
                    ) from None
            if hours is not None and hours[1] <= hours[0] and hours[1] != "24:00":
                raise ValueError(f"opening_hours {day}: closes at {hours[1]}, before it opens at {hours[0]}")
        return self


class SiteConfig(_Strict):
    """A whole site: its timezone, cameras and counting settings."""

    site: SiteInfo = SiteInfo()
    timezone: str = "Asia/Seoul"
    counting: CountingSettings = CountingSettings()
    detector: DetectorSettings = DetectorSettings()
    alerts: AlertSettings = AlertSettings()
    mqtt: MqttSettings | None = None
    cameras: list[CameraConfig] = Field(min_length=1)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        return known_timezone(value)

    @model_validator(mode="after")
    def _unique_cameras(self) -> SiteConfig:
        ids = Counter(c.id for c in self.cameras)
        for camera_id, uses in ids.items():
            if uses > 1:
                raise ValueError(f"camera id {camera_id!r} is used twice")
        line_groups = {line.group for camera in self.cameras for line in camera.lines if line.group}
        headline = self.site.headline_group
        if headline is not None and headline not in line_groups:
            known = ", ".join(sorted(line_groups)) or "none"
            raise ValueError(f"site.headline_group {headline!r} is no line's group; line groups: {known}")
        return self

    def cameras_to_count(self, ids: list[str] | None = None) -> tuple[list[CameraConfig], list[str]]:
        """The cameras named (all, without ``ids``) that have a line or a zone, and the ids of those
        that have none yet (drafts, their lines drawn later); refused in one line when none has one."""
        cameras = [self.camera(c) for c in ids] if ids else self.cameras
        drafts = [c.id for c in cameras if not c.lines and not c.zones]
        if len(drafts) == len(cameras):
            raise CrowdcountError(
                f"nothing to count: camera {', '.join(drafts)} has no line or zone yet; "
                "draw them with 'crowdcount setup --config SITE.yaml'"
            )
        return [c for c in cameras if c.id not in drafts], drafts

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def camera(self, camera_id: str | None) -> CameraConfig:
        """The camera with this id, or the only camera when no id is given."""
        if camera_id is None:
            if len(self.cameras) == 1:
                return self.cameras[0]
            names = ", ".join(c.id for c in self.cameras)
            raise CrowdcountError(f"the config has several cameras ({names}); name the one to use")
        for camera in self.cameras:
            if camera.id == camera_id:
                return camera
        names = ", ".join(c.id for c in self.cameras)
        raise CrowdcountError(f"no camera {camera_id!r} in the config; cameras: {names}")

    def counting_for(self, camera: CameraConfig) -> CountingSettings:
        return camera.counting or self.counting


def _field_path(location: tuple[Any, ...]) -> str:
    path = ""
    for part in location:
        if isinstance(part, int):
            path += f"[{part}]"
        elif not str(part).isprintable() or not str(part).strip():  # a key of line breaks: shown as written
            path += f"[{str(part)!r}]"
        else:
            path += f".{part}" if path else str(part)
    return path or "(top level)"


def _in_document(location: tuple[Any, ...], data: Any) -> tuple[tuple[Any, ...], list[Any]]:
    """A pydantic error location as a path through the document (the union branches and validator
    names pydantic puts in it left out), with the nodes it passes, for their line numbers."""
    path: list[Any] = []
    nodes = [data]
    for index, part in enumerate(location):
        node = nodes[-1]
        if _holds(node, part):
            path.append(part)
            nodes.append(node[part])
        elif index == len(location) - 1 and isinstance(node, dict) and isinstance(part, str):
            path.append(part)  # a missing key: its mapping's line
    return tuple(path), nodes


def _holds(node: Any, part: Any) -> bool:
    if isinstance(node, dict):
        return part in node
    return isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)


def _line(path: tuple[Any, ...], nodes: list[Any]) -> int | None:
    """The 1-based line of the deepest node on the path that a round-trip YAML load placed."""
    for depth in range(min(len(path), len(nodes) - 1), 0, -1):
        lines: Any = getattr(nodes[depth - 1], "lc", None)
        step = path[depth - 1]
        try:
            return int((lines.item(step) if isinstance(step, int) else lines.key(step))[0]) + 1
        except (KeyError, IndexError, TypeError, AttributeError):  # not placed (None: no round trip)
            continue
    return None


def _words(problem: Any) -> str:
    """A pydantic problem in words: never a library's pattern text."""
    kind, value = problem["type"], problem.get("input")
    if kind == "extra_forbidden":
        return "unknown key; check its spelling (see docs/config.md)"
    if kind == "missing":
        return "required field is missing"
    if kind == "string_pattern_mismatch":
        words = PATTERN_WORDS.get(problem.get("ctx", {}).get("pattern"), "not in the expected form")
        return f"{value!r}: {words}"
    if kind == "string_type":
        return f"{value!r} is not text; write it in quotes"
    context = problem.get("ctx", {})
    if kind == "too_short":
        return f"needs at least {context.get('min_length')} items, has {context.get('actual_length')}"
    if kind == "too_long":
        return f"takes at most {context.get('max_length')} items, has {context.get('actual_length')}"
    return str(problem["msg"]).removeprefix("Value error, ").replace("Input should be", "should be")


def _problems(error: ValidationError, data: Any, located: Any) -> list[tuple[int | None, str]]:
    """Every problem once, each as (line, 'field: what is wrong'), in the order of the file."""
    seen: dict[str, tuple[int | None, str]] = {}
    for problem in error.errors():
        path, _ = _in_document(tuple(problem["loc"]), data)
        field = _field_path(path)
        if field not in seen:
            _, nodes = _in_document(path, located) if located is not None else ((), [])
            seen[field] = (_line(path, nodes) if nodes else None, f"{field}: {_words(problem)}")
    return sorted(seen.values(), key=lambda item: item[0] or 0)


def _problem_lines(error: ValidationError, data: Any, source: str, located: Any) -> str:
    """One line per problem, naming the file, the line and the field (several: a line that counts them
    first)."""
    lines = [
        f"{source}: {f'line {line}: ' if line else ''}{what}"
        for line, what in _problems(error, data, located)
    ]
    if len(lines) == 1:
        return lines[0]
    return "\n  ".join([f"{source} has {len(lines)} problems; fix each:", *lines])


def parse_config(data: Any, source: str = "config", text: str | None = None) -> SiteConfig:
    """Validate already-parsed YAML data; raise :class:`CrowdcountError` naming every problem's field
    (and its line, from ``text`` or a round-trip-loaded ``data``)."""
    if not isinstance(data, dict):
        raise CrowdcountError(f"{source}: expected a mapping with 'cameras:' at the top level")
    try:
        return SiteConfig.model_validate(data)
    except ValidationError as error:
        located = data if hasattr(data, "lc") else _round_trip(text)
        raise CrowdcountError(_problem_lines(error, data, source, located)) from None


def _round_trip(text: str | None) -> Any:
    """``text`` loaded with line numbers (ruamel's round trip), else None."""
    if text is None:
        return None
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        return YAML().load(text)
    except (YAMLError, ValueError):
        return None


def read_yaml(path: Path, loader: Any = None) -> Any:
    """A YAML file's data, read as YAML 1.2 (as the editor writes it: ``no``, ``off`` and ``18:00``
    are text, not false and 1080) with a key given twice in one mapping refused (the second would
    silently win); one-line errors naming the line. ``loader``: another ruamel ``YAML`` (the editor's
    round trip), else a safe one."""
    from ruamel.yaml import YAML
    from ruamel.yaml.constructor import DuplicateKeyError
    from ruamel.yaml.error import YAMLError

    try:
        return (loader or YAML(typ="safe", pure=True)).load(path.read_text(encoding="utf-8"))
    except DuplicateKeyError as error:
        line = error.problem_mark.line + 1 if error.problem_mark else "?"
        key = str(error.problem).split('"')[1] if '"' in str(error.problem) else "?"
        twice = f"{path}: line {line}: key {key!r} is given twice in one mapping; keep one"
        raise CrowdcountError(twice) from None
    except YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" line {mark.line + 1}:" if mark is not None else ""
        raise CrowdcountError(f"{path}:{where} {getattr(error, 'problem', None) or 'invalid YAML'}") from None
    except UnicodeDecodeError:
        raise CrowdcountError(f"{path}: not a UTF-8 text file; save the config as UTF-8") from None


def load_config(path: str | Path) -> SiteConfig:
    """Read and validate a site YAML file; relative sources resolve from the file's folder."""
    path = Path(path)
    if not path.is_file():
        raise CrowdcountError(f"config file {path} not found; give the path of an existing site YAML file")
    config = parse_config(read_yaml(path), str(path), path.read_text(encoding="utf-8"))
    cameras = []
    for index, camera in enumerate(config.cameras):
        try:
            source = resolve_source(camera.source, path.parent)
        except (ValueError, RuntimeError, OSError) as error:  # a NUL byte, an unknown ~user, ...
            raise CrowdcountError(f"{path}: cameras[{index}].source: not a usable path ({error})") from None
        cameras.append(camera.model_copy(update={"source": source}))
    return config.model_copy(update={"cameras": cameras})


def resolve_source(source: str | None, base: Path) -> str | None:
    """Make a relative file source absolute from ``base``; leave URLs and device ids alone."""
    if source is None or "://" in source or source.isdigit():
        return source
    candidate = Path(source).expanduser()
    return str(candidate if candidate.is_absolute() else (base / candidate).resolve())


def config_hash(config: SiteConfig) -> str:
    """A short stable hash of the validated config (for run manifests)."""
    return hashlib.sha256(config.model_dump_json().encode()).hexdigest()[:16]


def counting_hash(site: SiteConfig, camera: CameraConfig) -> str:
    """A short hash of what decides a camera's counts: its lines, zones, ignore polygons and counting
    settings (not names or groups). A file counted under another hash is counted again."""
    what = {
        "lines": [line.model_dump(include={"id", "points", "in_direction"}) for line in camera.lines],
        "zones": [zone.model_dump(include={"id", "polygon"}) for zone in camera.zones],
        "ignore": [part.model_dump() for part in camera.ignore],
        "counting": site.counting_for(camera).model_dump(),
    }
    return hashlib.sha256(json.dumps(what, sort_keys=True, default=str).encode()).hexdigest()[:16]


def counter_infos(camera: CameraConfig) -> list[CounterInfo]:
    """The camera's lines and zones as the tables and reports describe them."""
    lines = [CounterInfo(camera.id, line.id, "line", line.group) for line in camera.lines]
    return lines + [CounterInfo(camera.id, zone.id, "zone", zone.group) for zone in camera.zones]


def _display_name(counter: LineConfig | ZoneConfig) -> dict[str, str]:
    return {"name": counter.name} if counter.name else {}


def camera_geometry(camera: CameraConfig) -> dict[str, Any]:
    """The camera's lines and zones in image pixels, with their display names, as the store keeps them
    for the pictures (audit clips, previews, ``check``)."""
    return {
        "lines": [
            {"id": x.id, **_display_name(x), "points": x.points, "in_direction": x.in_direction}
            for x in camera.lines
        ],
        "zones": [{"id": z.id, **_display_name(z), "polygon": z.polygon} for z in camera.zones],
    }


def camera_for_video(site: SiteConfig, video: Path | None, camera_id: str | None = None) -> CameraConfig:
    """The camera named, else the one whose source is this video, else the site's only camera."""
    if camera_id is None:
        matches = [c for c in site.cameras if c.source and video and Path(c.source) == video.resolve()]
        if len(matches) == 1:
            return matches[0]
        if len(site.cameras) > 1:
            names = ", ".join(c.id for c in site.cameras)
            raise CrowdcountError(f"the config has several cameras ({names}); pick one with --camera")
    return site.camera(camera_id)


def known_timezone(name: str) -> str:
    """``name`` when it is an IANA timezone, else a ValueError saying what to give (the one check of
    a timezone: the config's and the commands' ``--tz``)."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown timezone {name!r}; use an IANA name like Asia/Seoul") from None
    return name


def describe_site(site: SiteConfig, cameras: list[CameraConfig]) -> SiteDescription:
    """What the store keeps of ``site`` and the ``cameras`` about to be counted (one call:
    :meth:`crowdcount.store.events.EventStore.describe`)."""
    return SiteDescription(
        site.timezone,
        site_context(site),
        tuple(CameraDescription(c.id, tuple(counter_infos(c)), camera_geometry(c)) for c in cameras),
    )


def site_context(site: SiteConfig) -> dict[str, Any]:
    """What reports and handover files say about the site besides its counts (the store keeps it):
    ``site:`` with days as ISO text, and the display names of cameras and counters (ids where unnamed).

    >>> gate = {"id": "gate", "name": "정문", "lines": [{"id": "door", "points": [[0, 0], [0, 9]],
    ...                                                "in_direction": [1, 0]}]}
    >>> made = site_context(parse_config({"site": {"name": "축제"}, "cameras": [gate]}))
    >>> made["name"], made["cameras"], made["counters"]
    ('축제', {'gate': '정문'}, {'gate/door': 'door'})
    """
    return site.site.model_dump(mode="json") | {
        "config_hash": config_hash(site),
        "counting": site.counting.model_dump(mode="json"),
        "cameras": {camera.id: camera.name or camera.id for camera in site.cameras},
        "counters": {
            counter_key(camera.id, counter_id): name or counter_id
            for camera in site.cameras
            for counter_id, name in [(c.id, c.name) for c in camera.lines]
            + [(z.id, z.name) for z in camera.zones]
        },
        "coordinates": {  # a counter's own position, else its camera's
            counter_key(camera.id, counter_id): [lat, lon] if lat is not None else [camera.lat, camera.lon]
            for camera in site.cameras
            for counter_id, lat, lon in [(c.id, c.lat, c.lon) for c in camera.lines]
            + [(z.id, z.lat, z.lon) for z in camera.zones]
            if lat is not None or camera.lat is not None
        },
    }


def alert_thresholds(site: SiteConfig) -> dict[str, int]:
    """Occupancy alert threshold per zone, keyed ``camera/zone``."""
    return {
        counter_key(camera.id, zone.id): zone.alert_occupancy
        for camera in site.cameras
        for zone in camera.zones
        if zone.alert_occupancy is not None
    }


def check_in_frame(camera: CameraConfig, width: int, height: int) -> None:
    """Raise a one-line error if a line or zone point lies outside a width x height frame."""
    shapes: list[tuple[str, str, list[Point]]] = [("line", c.id, c.points) for c in camera.lines]
    shapes += [("zone", c.id, c.polygon) for c in camera.zones]
    shapes += [("ignore polygon", str(k), c.polygon) for k, c in enumerate(camera.ignore)]
    if camera.far_tiles is not None and camera.far_tiles.rows[1] > height:
        raise CrowdcountError(
            f"camera {camera.id!r} far_tiles rows {list(camera.far_tiles.rows)} reach below the "
            f"{width}x{height} frame; use rows of this video (0-{height})"
        )
    for kind, counter_id, points in shapes:
        for k, (x, y) in enumerate(points):
            if not (0 <= x <= width and 0 <= y <= height):
                raise CrowdcountError(
                    f"camera {camera.id!r} {kind} {counter_id!r} point {k} ({x:g}, {y:g}) lies "
                    f"outside the {width}x{height} frame; use pixel coordinates of this video"
                )
