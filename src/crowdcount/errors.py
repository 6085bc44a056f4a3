"""The one exception type users see: a one-line message that says what to do."""

from __future__ import annotations

import re
import unicodedata


class CrowdcountError(Exception):
    """Bad input or environment, explained in one line for the user (no traceback)."""


def first_line(error: BaseException) -> str:
    """The first line of an error's message (libraries' messages run long), else its type's name."""
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def plain_line(error: BaseException) -> str:
    """:func:`first_line` without another library's decoration: emoji, an ``ERROR`` prefix, and
    the advice it appends (``See ...``, ``Please ...``), which is not crowdcount's to give.

    >>> plain_line(RuntimeError("ERROR ❌️ x.pt is not a checkpoint. Please see https://docs.example"))
    'x.pt is not a checkpoint.'
    """
    text = "".join(ch for ch in first_line(error) if unicodedata.category(ch) not in ("So", "Mn", "Cf", "Cs"))
    text = re.sub(r"^\s*(?:ERROR|WARNING)\b:?", "", text)
    text = re.split(r"\s(?:See|Please|Visit|Refer to)\b", text)[0]
    return " ".join(text.split()) or type(error).__name__
