"""Output paths checked before any work: one-line errors instead of failures after counting."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from crowdcount.errors import CrowdcountError

DEFAULT_OUT = Path("crowdcount-out")  # the commands' output folder when none is given
CHECK_OUT = DEFAULT_OUT / "check"  # ``check``'s pictures and paths, where the editor looks for the paths


def output_file(path: str | Path, what: str = "output") -> Path:
    """``path`` as a file to (over)write, its folder created; a clear error if it cannot be.

    >>> output_file("/etc/hostname/report.html", "report")
    Traceback (most recent call last):
    crowdcount.errors.CrowdcountError: report /etc/hostname/report.html: /etc/hostname is a file, ...
    """
    target = Path(path).expanduser()
    if target.is_dir():
        raise CrowdcountError(f"{what} {target} is a folder; give a file name inside it")
    output_folder(target.parent, f"{what} {target}:")
    return target


def folder_to_be(path: str | Path, what: str = "output folder") -> Path:
    """``path`` as a folder that can be made later (no part of it is a file); nothing is created."""
    folder = Path(path).expanduser()
    for parent in [folder, *folder.parents]:
        if parent.exists() and not parent.is_dir():
            raise CrowdcountError(f"{what} {parent} is a file, not a folder; choose another path")
        if parent.is_dir():
            break
    return folder


def output_folder(path: str | Path, what: str = "output folder") -> Path:
    """``path`` as a folder to write into, created if needed; a clear error if it cannot be."""
    folder = folder_to_be(path, what)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CrowdcountError(
            f"{what} cannot create folder {folder} ({error.strerror}); choose another path"
        ) from None
    return folder


@contextmanager
def replaced_whole(path: Path) -> Iterator[Path]:
    """A temporary file beside ``path`` to write instead; it replaces ``path`` (one rename) only once
    written whole and flushed to disk. A write that fails or is killed leaves the previous file as it
    was and no partial one under the name people open.

    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "counts.csv"
    >>> with replaced_whole(target) as partial:
    ...     _ = partial.write_text("camera,in")
    ...     target.exists()
    False
    >>> target.read_text(), partial.exists()
    ('camera,in', False)
    """
    partial = path.with_name(f".{path.stem}.partial-{os.getpid()}{path.suffix}")
    try:
        yield partial
        with partial.open("rb") as written:
            os.fsync(written.fileno())
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
