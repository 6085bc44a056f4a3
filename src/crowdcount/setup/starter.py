"""``crowdcount init``: a commented site YAML written from a folder of recordings.

One camera per sub-folder, else per file-name prefix (the name without its time), else per file; each
file's start from its name (the time block found in it), else its container; the site's period and
opening hours guessed from the footage and marked for the user to check. Cameras start without lines
(drafts): ``crowdcount setup`` draws them.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from crowdcount.config import known_timezone, load_config
from crowdcount.errors import CrowdcountError, first_line
from crowdcount.sources.archive import find_recordings, recording_start
from crowdcount.sources.files import probe_video

# the time blocks CCTV recorders write into file names, most specific first
_TIME_SHAPES = [
    r"\d{4}-\d{2}-\d{2}[ _T]\d{2}[-.:]\d{2}[-.:]\d{2}",  # 2026-10-03_10-00-00 and the like
    r"\d{8}[_T-]\d{6}",  # 20261003_100000
    r"\d{14}",  # 20261003100000
    r"\d{8}[_T-]\d{4}",  # 20261003_1000 (to the minute)
]


def time_block(name: str) -> tuple[str, str] | None:
    """The time block in a file name and the pattern block that reads it, else None.

    >>> time_block("north_20261003_100000.avi")
    ('20261003_100000', '{YYYYmmdd_HHMMSS}')
    >>> time_block("정문 2026-10-03 10.00.00.mp4")
    ('2026-10-03 10.00.00', '{YYYY-mm-dd HH.MM.SS}')
    >>> time_block("gate.mp4") is None
    True
    """
    for shape in _TIME_SHAPES:
        match = re.search(shape, name)
        if match:
            return match.group(0), "{" + _block_tokens(match.group(0)) + "}"
    return None


def _block_tokens(text: str) -> str:
    """``2026-10-03 10.00.00`` -> ``YYYY-mm-dd HH.MM.SS``: each run of digits named by its place."""
    names, out, used = ["YYYY", "mm", "dd", "HH", "MM", "SS"], "", 0
    for run in re.findall(r"\d+|\D+", text):
        if not run.isdigit():
            out += run
            continue
        while run:  # a run of several fields (20261003): split by the fields' widths
            name = names[used]
            out, run, used = out + name, run[len(name) :], used + 1
    return out


def camera_id(text: str) -> str:
    """An id the config accepts (letters, digits, ``_-.``; Hangul is letters) from a name.

    >>> camera_id("정문 카메라 (1)")
    '정문_카메라_1'
    """
    return re.sub(r"[^\w.\-]+", "_", text).strip("_") or "camera"


@dataclass(frozen=True)
class CameraGuess:
    """A camera found in the folder: its id, display name, source (relative to the config) and files."""

    id: str
    name: str
    source: str
    files: list[Path]
    pattern: str | None  # the file-name pattern that times its files, None: their containers do


def cameras_in(folder: Path, config_folder: Path) -> list[CameraGuess]:
    """The cameras of a folder of recordings: a sub-folder each, else a file-name prefix each."""
    folder = folder.resolve()
    videos = find_recordings(str(folder))
    relative = Path(os.path.relpath(folder, config_folder.resolve()))
    by_folder: dict[str, list[Path]] = {}
    for video in videos:
        parts = video.relative_to(folder).parts
        by_folder.setdefault(parts[0] if len(parts) > 1 else "", []).append(video)
    cameras = []
    for sub, files in sorted(by_folder.items()):
        if sub:
            cameras.append(_camera(sub, (relative / sub).as_posix(), files))
            continue
        by_prefix: dict[str, list[Path]] = {}
        for video in files:
            block = time_block(video.name)
            by_prefix.setdefault(video.name.split(block[0])[0] if block else video.name, []).append(video)
        for prefix, named in sorted(by_prefix.items()):
            shape = (relative / (prefix + "*")).as_posix() if time_block(named[0].name) else None
            label = Path(prefix).stem if shape is None else prefix.rstrip("_- .") or folder.name
            cameras.append(_camera(label, shape or (relative / named[0].name).as_posix(), named))
    taken: Counter[str] = Counter()
    unique = []
    for camera in cameras:  # two folders "정문 1" and "정문_1" would share an id
        taken[camera.id] += 1
        unique.append(
            replace(camera, id=f"{camera.id}_{taken[camera.id]}") if taken[camera.id] > 1 else camera
        )
    return unique


def _camera(label: str, source: str, files: list[Path]) -> CameraGuess:
    """A camera of ``files``, with the file-name pattern that times every one of them, if any."""
    blocks = {found[1] if (found := time_block(f.name)) else None for f in files}
    only = blocks.pop() if len(blocks) == 1 else None
    pattern = f"*{only}*" if only else None
    return CameraGuess(camera_id(label), label, source, sorted(files), pattern)


@dataclass(frozen=True)
class Filmed:
    """What a camera's files hold: their spans, rate, size and where the start times came from."""

    spans: list[tuple[datetime, datetime]]
    fps: float
    size: tuple[int, int]
    start_from: str
    unreadable: list[str]

    @property
    def timed(self) -> bool:
        """Whether every start came from a name or a container, not a file's modification time."""
        return "file time minus duration" not in self.start_from


def survey(camera: CameraGuess, tz: ZoneInfo) -> Filmed:
    """Each of the camera's files probed for its rate, size, length and start time."""
    spans, rates, sizes, origins, unreadable = [], [], [], Counter[str](), []
    for path in camera.files:
        try:
            info = probe_video(path)
        except CrowdcountError as error:
            unreadable.append(first_line(error))
            continue
        duration = info.frame_count / info.fps if info.fps > 0 else None
        start, origin = recording_start(path, tz, None, camera.pattern, camera.id, duration)
        rates.append(round(info.fps, 2))
        sizes.append((info.width, info.height))
        if start is None or duration is None:
            unreadable.append(f"{path.name}: no start time or frame rate")
            continue
        origins[origin.split(";")[0]] += 1
        spans.append((start.astimezone(tz), (start + timedelta(seconds=duration)).astimezone(tz)))
    fps = Counter(rates).most_common(1)[0][0] if rates else 0.0
    size = Counter(sizes).most_common(1)[0][0] if sizes else (0, 0)
    return Filmed(sorted(spans), fps, size, ", ".join(origins) or "none", unreadable)


def opening_guess(spans: list[tuple[datetime, datetime]]) -> tuple[str, str] | None:
    """The hours the footage covers each day (the earliest start and the latest end, to the hour),
    None when footage runs through midnight or round the clock.

    >>> from datetime import datetime as at
    >>> opening_guess([(at(2026, 10, 3, 9, 40), at(2026, 10, 3, 21, 5))])
    ('09:00', '22:00')
    """
    if not spans or any(
        end.date() != start.date() and end.time() != datetime.min.time() for start, end in spans
    ):
        return None
    opens = min(start.hour for start, _ in spans)
    closes = max(math.ceil(end.hour + end.minute / 60 + end.second / 3600) for _, end in spans)
    if closes - opens >= 24:
        return None
    return f"{opens:02d}:00", f"{closes:02d}:00"


@dataclass(frozen=True)
class SiteGuess:
    """What ``init`` found: each camera with its footage, and the period and opening hours it guessed
    (from the cameras whose files carry their start times, where there are any)."""

    cameras: list[tuple[CameraGuess, Filmed]]
    period: tuple[date, date] | None
    hours: tuple[str, str] | None


def guess_site(folder: Path, config_folder: Path, tz: ZoneInfo) -> SiteGuess:
    """The cameras under ``folder`` surveyed, and the site's period and hours guessed from them."""
    found = [(guess, survey(guess, tz)) for guess in cameras_in(folder, config_folder)]
    timed = [filmed for _, filmed in found if filmed.timed] or [filmed for _, filmed in found]
    spans = [span for filmed in timed for span in filmed.spans]
    days = sorted({start.date() for start, _ in spans} | {end.date() for _, end in spans})
    return SiteGuess(found, (days[0], days[-1]) if days else None, opening_guess(spans))


ORIGIN_WORDS = {
    "filename": "file names",
    "container creation time": "the containers' creation times",
    "file time minus duration": "the files' modification times (check them)",
}


def filmed_words(camera: CameraGuess, filmed: Filmed) -> str:
    """A camera's footage in one line: files, hours, rate, size, where the start times came from.

    >>> guess = CameraGuess("gate", "gate", "gate", [Path("a.mp4")], None)
    >>> filmed_words(guess, Filmed([], 25.0, (1920, 1080), "filename", []))
    '1 file(s), 0 s, 25 fps, 1920x1080; start times from file names'
    """
    seconds = sum((end - start).total_seconds() for start, end in filmed.spans)
    length = (
        f"{seconds / 3600:.1f} h"
        if seconds >= 3600
        else f"{seconds / 60:.0f} min"
        if seconds >= 60
        else f"{seconds:.0f} s"
    )
    origins = ", ".join(ORIGIN_WORDS.get(o, o) for o in filmed.start_from.split(", "))
    return (
        f"{len(camera.files)} file(s), {length}, {filmed.fps:g} fps, {filmed.size[0]}x{filmed.size[1]}; "
        f"start times from {origins}"
    )


def _quoted(text: str) -> str:
    """Text as a YAML double-quoted scalar (a JSON string is one)."""
    return json.dumps(text, ensure_ascii=False)


def site_yaml(folder: Path, site: SiteGuess, timezone: str) -> str:
    """The commented site YAML: the site block (guesses marked), then the cameras, without lines yet."""
    lines = [
        f"# crowdcount site: written by 'crowdcount init {folder}' on {date.today().isoformat()}.",
        "# 추정한 값에는 '확인' 표시가 있습니다. 확인하고 고친 뒤 'crowdcount setup --config 이 파일'로",
        "# 카메라마다 선과 구역을 그리세요. / Values marked 'check' are guesses: check them, then draw each",
        "# camera's lines and zones with 'crowdcount setup --config THIS_FILE'. Reference: docs/config.md",
        f"timezone: {timezone}",
        "site:",
        f"  name: {_quoted(folder.resolve().name)}  # 확인: 보고서 제목 / check: the report's title",
    ]
    if site.period:
        period = f"[{site.period[0].isoformat()}, {site.period[1].isoformat()}]"
        lines.append(
            f"  period: {period}  # 확인: 영상이 있는 첫날과 마지막 날 / check: first and last day filmed"
        )
    if site.hours:
        lines += [
            "  opening_hours:  # 확인: 영상의 첫 시각과 끝 시각 / check: the footage's first and last hours",
            f'    default: ["{site.hours[0]}", "{site.hours[1]}"]',
        ]
    lines.append("cameras:")
    for guess, filmed in site.cameras:
        lines.append(f"  - id: {_quoted(guess.id)}")
        if guess.name != guess.id:
            lines.append(f"    name: {_quoted(guess.name)}  # 보고서에 쓰는 이름 / the name reports show")
        lines.append(f"    source: {_quoted(guess.source)}")
        if guess.pattern:
            lines.append(
                f"    filename_pattern: {_quoted(guess.pattern)}  # 파일 이름의 시작 시각 / start time"
            )
        lines.append(f"    # {filmed_words(guess, filmed)}")
        lines.append("    # lines: 'crowdcount setup'으로 그립니다 / drawn with 'crowdcount setup'")
    return "\n".join(lines) + "\n"


def write_starter(folder: Path, out: Path, timezone: str = "Asia/Seoul") -> SiteGuess:
    """Write ``out`` from the recordings under ``folder`` (never over an existing file) and check it
    loads; return what was found and guessed, for the summary."""
    if out.exists():
        raise CrowdcountError(f"{out} already exists; give another --out, or move it away first")
    if not folder.is_dir():
        raise CrowdcountError(f"{folder} is not a folder; give the folder that holds the recordings")
    site = guess_site(folder, out.parent, ZoneInfo(known_timezone(timezone)))
    out.parent.mkdir(parents=True, exist_ok=True)
    temporary = out.with_name(f".{out.name}.writing")
    temporary.write_text(site_yaml(folder, site, timezone), encoding="utf-8")
    try:
        load_config(temporary)
    except CrowdcountError:
        temporary.unlink()
        raise
    temporary.replace(out)
    return site
