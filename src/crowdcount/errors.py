"""The one exception type users see: a one-line message that says what to do."""


class CrowdcountError(Exception):
    """Bad input or environment, explained in one line for the user (no traceback)."""
