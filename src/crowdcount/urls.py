"""Credentials in URLs (stream sources, database URLs, webhooks) are never shown: redaction."""

from __future__ import annotations

import re

_SECRET_QUERY = re.compile(r"(?i)\b((?:pass(?:word)?|pwd|token|key|auth|secret|sig(?:nature)?)=)[^&]*")


def redact_url(source: str) -> str:
    """The URL with everything between ``//`` and the last ``@`` before its query (user and
    password, even one with an unencoded ``@`` or ``/``), and secret query values, as ``***``.

    >>> redact_url("postgresql://alice:ret@PW@db.example/crowdcount")
    'postgresql://***@db.example/crowdcount'
    >>> redact_url("rtsp://cam/ch1?channel=2&token=abc")
    'rtsp://cam/ch1?channel=2&token=***'
    >>> redact_url("sqlite:////var/counts/festival.db")
    'sqlite:////var/counts/festival.db'
    """
    scheme, separator, rest = source.partition("://")
    if not separator:
        return source
    before_query = re.split(r"[?#]", rest, maxsplit=1)[0]
    if "@" in before_query:
        rest = "***" + rest[before_query.rfind("@") :]
    rest = rest.partition("#")[0]
    head, question, query = rest.partition("?")
    secret_free = _SECRET_QUERY.sub(r"\1***", query)
    return f"{scheme}://{head}{question}{secret_free}"
