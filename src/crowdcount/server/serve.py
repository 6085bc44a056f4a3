"""Running an HTTP app: its port checked free first, the request guard wrapped round it, uvicorn."""

from __future__ import annotations

import logging
import signal
import socket

import uvicorn
from fastapi import FastAPI

from crowdcount.errors import CrowdcountError
from crowdcount.server.guard import RequestGuard, is_loopback

log = logging.getLogger("crowdcount.live")


def check_port_free(host: str, port: int) -> None:
    """A one-line error now rather than a server that fails after the cameras started."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise CrowdcountError(
                f"cannot listen on {host}:{port} ({error.strerror}); pick another port"
            ) from None


def serve_app(app: FastAPI, host: str, port: int) -> None:
    """Serve until Ctrl-C or SIGTERM; either way return normally, so callers finish their work.

    Uvicorn stops on SIGTERM and then raises it again once it has shut down; with the default
    action that would end the process there, before the cameras store their last counts.
    """
    previous = signal.signal(signal.SIGTERM, _already_stopping)
    try:
        guarded = RequestGuard(app, loopback_only=is_loopback(host))  # Host, cross-site and size checks
        uvicorn.run(guarded, host=host, port=port, log_level="warning", timeout_graceful_shutdown=2)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _already_stopping(_signal: int, _frame: object) -> None:
    """SIGTERM once the server has stopped: the shutdown is under way."""
