"""What every crowdcount server checks before a route runs: the Host a request names (DNS rebinding),
where a state-changing request comes from (cross-site request forgery) and how big its body is.

A token or a loopback address is not enough on its own: a page on any web site can make the browser
beside the server send requests to ``127.0.0.1``, and a name the attacker controls can be re-pointed
at it. The rules follow Go's ``net/http.CrossOriginProtection`` and OWASP's CSRF cheat sheet.
"""

from __future__ import annotations

import ipaddress
import json
import socket
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MAX_BODY_BYTES = 1024 * 1024  # a site YAML or an audit answer is a few KB; nothing needs more
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def is_loopback(host: str) -> bool:
    """Whether every address ``host`` stands for is on this machine only (checked by address, not
    by how the name looks: ``127.example.com`` is a name like any other).

    >>> is_loopback("127.0.0.1"), is_loopback("::1"), is_loopback("0.0.0.0"), is_loopback("127.evil.example")
    (True, True, False, False)
    """
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        pass
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except (OSError, UnicodeError):
        return False
    return bool(addresses) and all(ipaddress.ip_address(str(a).split("%")[0]).is_loopback for a in addresses)


def host_allowed(host_header: str, loopback_only: bool) -> bool:
    """Whether a request's ``Host`` may be served: on a server bound to loopback only ``localhost``
    and loopback addresses (a rebound name like ``attacker.example`` is refused); beyond loopback,
    where a token is required, any.

    >>> [host_allowed(host, True) for host in ("127.0.0.1:8000", "[::1]:8000", "localhost")]
    [True, True, True]
    >>> host_allowed("attacker.example:8000", True), host_allowed("attacker.example", False)
    (False, True)
    """
    if not loopback_only:
        return True
    name = urlsplit(f"//{host_header}").hostname or ""
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def cross_site(method: str, headers: dict[str, str]) -> bool:
    """Whether a state-changing request comes from another site's page: the browser says so in
    ``Sec-Fetch-Site``, else its ``Origin`` names another host than the request's ``Host``. Requests
    without either (curl, scripts) are not a browser's and pass.

    >>> cross_site("POST", {"host": "127.0.0.1:8000", "origin": "https://attacker.example"})
    True
    >>> cross_site("POST", {"host": "127.0.0.1:8000", "sec-fetch-site": "same-origin"})
    False
    >>> cross_site("GET", {"host": "127.0.0.1:8000", "origin": "https://attacker.example"})
    False
    """
    if method in SAFE_METHODS:
        return False
    fetch_site = headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site not in ("same-origin", "none")
    origin = headers.get("origin")
    if origin is None:
        return False
    return origin == "null" or urlsplit(origin).netloc.lower() != headers.get("host", "").lower()


class RequestGuard:
    """ASGI middleware: refuse (before any route runs) a Host that is not this server's, a cross-site
    state-changing request, and a body over ``max_body`` bytes (by its ``Content-Length`` or, sent
    in chunks, as it arrives), each with a JSON ``detail`` as FastAPI gives."""

    def __init__(self, app: ASGIApp, loopback_only: bool, max_body: int = MAX_BODY_BYTES) -> None:
        self.app, self.loopback_only, self.max_body = app, loopback_only, max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if not host_allowed(headers.get("host", ""), self.loopback_only):
            await _refuse(send, 421, "this server answers to localhost and loopback addresses only")
            return
        if cross_site(scope["method"], headers):
            await _refuse(send, 403, "cross-site request refused: use the server's own pages or a script")
            return
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_body:
            await _refuse(send, 413, f"request body over {self.max_body // 1024} KB")
            return
        received, started, refused = 0, False, False

        async def counted() -> Message:
            nonlocal received, refused
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_body and not refused:
                refused = True
                if not started:  # the app is still reading: it gets a hang-up, the client a 413
                    await _refuse(send, 413, f"request body over {self.max_body // 1024} KB")
                return {"type": "http.disconnect"}
            return message

        async def sent(message: Message) -> None:
            nonlocal started
            if refused:
                return  # the 413 has been sent in the app's place
            started = started or message["type"] == "http.response.start"
            await send(message)

        await self.app(scope, counted, sent)


async def _refuse(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
