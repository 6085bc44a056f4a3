"""The one exception type users see: a one-line message that says what to do."""


class CrowdcountError(Exception):
    """Bad input or environment, explained in one line for the user (no traceback)."""


def first_line(error: BaseException) -> str:
    """The first line of an error's message (libraries' messages run long), else its type's name."""
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
