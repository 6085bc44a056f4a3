"""Archives of recordings: find a camera's files, give each its start time, order them, find holes."""

from __future__ import annotations

import fnmatch
import glob
import hashlib
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from zoneinfo import ZoneInfo

from crowdcount.config import compile_filename_pattern, in_time_range
from crowdcount.coverage import Span
from crowdcount.errors import CrowdcountError

VIDEO_SUFFIXES = {".mp4", ".avi", ".mkv", ".mov", ".ts", ".m4v", ".mpg", ".mpeg", ".wmv", ".flv", ".webm"}
OVERLAP_TOLERANCE_S = 1.0  # holes or overlaps shorter than this between files are ignored


def find_recordings(source: str) -> list[Path]:
    """The recordings of a camera's ``source``: one file, a folder (recursively) or a glob. A
    MOTChallenge sequence folder (``seqinfo.ini`` beside ``img1/``) is one recording. Linked folders
    are followed, each folder once (a link back up the tree is no endless loop); only regular files
    count (a FIFO would block the reader for good); a folder that cannot be read is a one-line error."""
    path = Path(source)
    try:
        if any(ch in source for ch in "*?["):
            found = _matching(source)
            if not found:
                raise CrowdcountError(f"source {source}: no file matches this pattern")
        elif (path / "seqinfo.ini").is_file():
            return [path]
        elif path.is_dir():
            found = list(_files_under(path))
        elif path.is_file():
            return [path]
        elif path.exists():
            raise CrowdcountError(
                f"source {source} is not a regular file (a pipe or a device?); give a video file"
            )
        else:
            raise CrowdcountError(f"source {source} not found; check the camera's 'source' path")
    except PermissionError as error:
        raise CrowdcountError(
            f"source {source}: cannot read {error.filename or source} (permission denied)"
        ) from None
    sequences = sorted(p.parent for p in found if p.name == "seqinfo.ini")
    videos = sorted(
        [
            p
            for p in found
            if p.suffix.lower() in VIDEO_SUFFIXES and not any(s in p.parents for s in sequences)
        ]
        + sequences
    )
    if not videos:
        raise CrowdcountError(f"source {source}: no video files ({', '.join(sorted(VIDEO_SUFFIXES))})")
    return videos


def _files_under(folder: Path) -> Iterator[Path]:
    """Regular files under ``folder``, following linked folders but entering each folder once."""
    seen: set[tuple[int, int]] = set()
    for root, folders, files in os.walk(folder, followlinks=True, onerror=_raise):
        info = os.stat(root)
        if (info.st_dev, info.st_ino) in seen:
            folders[:] = []
            continue
        seen.add((info.st_dev, info.st_ino))
        for name in files:
            candidate = Path(root) / name
            if candidate.is_file():
                yield candidate


def _raise(error: OSError) -> None:
    raise error


def _matching(pattern: str) -> list[Path]:
    """Regular files matching a glob pattern (``**`` for any depth), walked as :func:`_files_under`."""
    parts = Path(pattern).parts
    fixed = next(k for k, part in enumerate(parts) if any(ch in part for ch in "*?["))
    base = Path(*parts[:fixed]) if fixed else Path(".")
    rest = "/".join(parts[fixed:])
    if "**" not in rest:  # one level per part: glob itself never recurses
        return sorted(Path(p) for p in glob.glob(pattern) if Path(p).is_file())
    shapes = {rest, rest.replace("**/", "")}  # ``**/`` also matches no folder at all
    return sorted(
        p
        for p in _files_under(base)
        if any(fnmatch.fnmatchcase(p.relative_to(base).as_posix(), shape) for shape in shapes)
    )


def wall_clock_instant(reading: datetime, tz: ZoneInfo) -> tuple[datetime, str | None]:
    """The instant (in UTC) that a wall-clock ``reading`` without an offset names in ``tz``, and a note
    where daylight saving makes the reading doubtful: a time the clocks skipped is read as the time
    it became (02:30 -> 03:30), a time they showed twice as its first occurrence.

    >>> berlin = ZoneInfo("Europe/Berlin")
    >>> wall_clock_instant(datetime(2026, 3, 29, 2, 30), berlin)[0].isoformat()
    '2026-03-29T01:30:00+00:00'
    >>> print(wall_clock_instant(datetime(2026, 3, 29, 2, 30), berlin)[1])
    02:30:00 on 2026-03-29 does not exist in Europe/Berlin (the clocks went forward): read as 03:30:00
    """
    if reading.tzinfo is not None:
        return reading.astimezone(UTC), None
    first, second = reading.replace(tzinfo=tz, fold=0), reading.replace(tzinfo=tz, fold=1)
    instant = first.astimezone(UTC)
    shown = instant.astimezone(tz)
    if shown.replace(tzinfo=None) != reading:
        return instant, (
            f"{reading:%H:%M:%S} on {reading:%Y-%m-%d} does not exist in {tz.key} (the clocks went "
            f"forward): read as {shown:%H:%M:%S}"
        )
    if first.utcoffset() != second.utcoffset():
        return instant, (
            f"{reading:%H:%M:%S} on {reading:%Y-%m-%d} happened twice in {tz.key} (the clocks went back): "
            f"read as the first, {shown:%H:%M:%S%z}"
        )
    return instant, None


def start_from_filename(path: Path, pattern: str, camera: str) -> datetime | None:
    """The wall-clock reading (no offset) a file's name gives under ``pattern``; None if it does not match."""
    regex, time_format = compile_filename_pattern(pattern, camera)
    match = regex.search(path.name)
    if match is None:
        return None
    try:
        return datetime.strptime(match.group("time"), time_format)
    except ValueError:
        return None


def start_from_container(path: Path) -> datetime | None:
    """The container's ``creation_time`` metadata (MP4/MOV and others), in UTC, if it has one."""
    import av

    try:
        with av.open(str(path)) as container:
            stamp = container.metadata.get("creation_time")
    except (av.error.FFmpegError, OSError, UnicodeDecodeError):
        return None
    if not stamp:
        return None
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return None
    if not in_time_range(moment):
        return None  # 1904 or 1970 defaults of cameras without a clock, or nonsense
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


HEAD_BYTES = 1024 * 1024  # a recording is known by its size and the hash of its first megabyte


def content_identity(path: Path) -> str | None:
    """What a recording is, whatever its path: its size and the SHA-256 of its head (a copy, a hard or
    symbolic link and a path through a linked folder all give the same). None if it cannot be read.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.mp4").write_bytes(b"frames"); _ = (folder / "copy.mp4").write_bytes(b"frames")
    >>> content_identity(folder / "a.mp4") == content_identity(folder / "copy.mp4")
    True
    """
    try:
        if path.is_dir():  # an image sequence: its seqinfo.ini and frame list
            names = "\n".join(sorted(p.name for p in path.rglob("*")))
            return "dir:" + hashlib.sha256(names.encode() + (path / "seqinfo.ini").read_bytes()).hexdigest()
        with path.open("rb") as file:
            head = file.read(HEAD_BYTES)
        return f"{path.stat().st_size}:{hashlib.sha256(head).hexdigest()}"
    except OSError:
        return None


def open_for_writing(path: Path) -> bool:
    """Whether a process on this machine has ``path`` open for writing (an NVR's current file), from
    Linux's ``/proc``; False where that cannot be seen (other systems, other users' processes)."""
    try:
        target = path.resolve()
        proc = Path("/proc")
        if not (proc / "self" / "fdinfo").is_dir():
            return False
        for fd in proc.glob("[0-9]*/fd/*"):
            try:
                if fd.resolve() != target:
                    continue
                flags = (fd.parent.parent / "fdinfo" / fd.name).read_text().split("flags:")[1].split()[0]
            except (OSError, IndexError):
                continue
            if int(flags, 8) & (os.O_WRONLY | os.O_RDWR):
                return True
    except OSError:
        return False
    return False


@dataclass(frozen=True)
class Hole:
    """Time between two recordings of a camera that no file covers, or that two files both cover."""

    span: Span
    reason: str
    after: str  # the recording that follows it (the gap is stored with that file)


def holes_between(recordings: Sequence[tuple[str, Span]]) -> list[Hole]:
    """Holes and overlaps between consecutive recordings ``(source, span)`` in time order."""
    holes = []
    ordered = sorted(recordings, key=lambda r: r[1].start)
    for (previous, before), (source, span) in pairwise(ordered):
        seconds = (span.start - before.end).total_seconds()
        if seconds > OVERLAP_TOLERANCE_S:
            holes.append(Hole(Span(before.end, span.start), "no recording between files", source))
        elif seconds < -OVERLAP_TOLERANCE_S:
            end = min(before.end, span.end)
            holes.append(Hole(Span(span.start, end), f"overlaps {Path(previous).name}", source))
    return holes


def expected_span(start: datetime, frame_count: int, fps: float) -> Span:
    """The time a recording should cover according to its container."""
    return Span(start, start + timedelta(seconds=frame_count / fps))


def recording_start(
    path: Path,
    tz: ZoneInfo,
    configured: datetime | None = None,
    pattern: str | None = None,
    camera: str = "",
    duration_s: float | None = None,
) -> tuple[datetime | None, str]:
    """A recording's first-frame instant (in UTC: times are added and compared as instants, the zone
    is only for showing them) and where it came from.

    In order: the configured start (read in ``tz`` without an offset), the filename
    pattern (read in ``tz``), the container's creation time, the file's modification time minus its
    duration. None when nothing applies (an unreadable file with no usable name). A wall-clock
    reading that daylight saving makes doubtful is resolved, and the resolution said after the source.
    """
    if configured is not None:
        start, note = wall_clock_instant(configured, tz)
        return start, "config" + (f"; {note}" if note else "")
    if pattern is not None:
        named = start_from_filename(path, pattern, camera)
        if named is not None and in_time_range(named):
            start, note = wall_clock_instant(named, tz)
            return start, "filename" + (f"; {note}" if note else "")
    created = start_from_container(path)
    if created is not None and in_time_range(created):
        return created, "container creation time"
    if duration_s is not None and path.exists():
        modified = datetime.fromtimestamp(path.stat().st_mtime, UTC)
        return modified - timedelta(seconds=duration_s), "file time minus duration"
    return None, "unknown"
