"""Output paths checked before any work: one-line errors instead of failures after counting."""

from __future__ import annotations

from pathlib import Path

from crowdcount.errors import CrowdcountError


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
