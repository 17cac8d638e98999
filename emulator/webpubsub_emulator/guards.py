"""ASGI guards in front of the whole emulator: who may talk to it and how much.

* REST requests whose ``Host`` is not a loopback name are refused (403), so a DNS-rebinding
  page cannot reach the REST API; WebSocket handshakes whose ``Origin`` is a web page on
  another host are refused (403), so a page cannot drive a developer's emulator. More hosts
  and origins can be allowed (``"*"`` allows any).
* Request bodies over ``MAX_BODY_BYTES`` get a 413 from ``Content-Length`` or as soon as the
  streamed body passes the limit, without reading the rest.
* A request too deeply nested for Python to parse (RecursionError) gets a 400, never a 500.

Every refusal uses the service's JSON error shape.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import ServiceError

# The service's limit on a request body and on a client WebSocket message, in bytes.
MAX_BODY_BYTES = 1024 * 1024
_LOOPBACK_NAMES = frozenset({"localhost", "localhost.", "ip6-localhost", "ip6-loopback"})


class _BodyTooLarge(Exception):
    """Raised from ``receive`` once a streamed body passes the limit."""


def is_loopback_host(host: str) -> bool:
    """Whether ``host`` (a name or an IP address, IPv6 with or without brackets) is loopback."""
    name = host.strip().lower().strip("[]")
    if name in _LOOPBACK_NAMES or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _host_name(authority: str) -> str:
    """The host of a ``Host`` header value or URL authority, without the port."""
    return urlsplit("//" + authority).hostname or ""


class Guards:
    """The middleware; ``allowed_hosts``/``allowed_origins`` widen the loopback defaults."""

    def __init__(
        self,
        app: ASGIApp,
        allowed_hosts: Iterable[str] = (),
        allowed_origins: Iterable[str] = (),
    ) -> None:
        self.app = app
        self._hosts = frozenset(h.lower() for h in allowed_hosts)
        self._origins = frozenset(o.lower().rstrip("/") for o in allowed_origins)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self._http(scope, receive, send)
        elif scope["type"] == "websocket":
            # Checked here rather than in a coroutine of its own: an accepted socket keeps
            # every frame above its endpoint suspended for as long as it is open.
            origin = _headers(scope).get("origin")
            if origin is None or self.origin_allowed(origin):
                await self.app(scope, receive, send)
            else:
                await _refuse_origin(scope, receive, send, origin)
        else:
            await self.app(scope, receive, send)

    def host_allowed(self, host_header: str) -> bool:
        if "*" in self._hosts:
            return True
        host = _host_name(host_header)
        return is_loopback_host(host) or host in self._hosts or host_header.lower() in self._hosts

    def origin_allowed(self, origin: str) -> bool:
        origin = origin.lower().rstrip("/")
        if "*" in self._origins or origin in self._origins:
            return True
        host = urlsplit(origin).hostname
        return host is not None and is_loopback_host(host)

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = _headers(scope)
        host = headers.get("host", "")
        if not self.host_allowed(host):
            await _refuse(
                send, ServiceError(403, "Forbidden", _host_message(host), "Host"), close=True
            )
            return
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > MAX_BODY_BYTES:
            await _refuse(send, _too_large(), close=True)
            return
        started = False
        limited = _LimitedBody(receive)

        async def tracked_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited.receive, tracked_send)
        except _BodyTooLarge:
            if started:
                raise
            await _refuse(send, _too_large(), close=True)
        except RecursionError:
            if started:
                raise
            error = ServiceError(
                400, "InvalidRequest", "the request is nested too deeply to process", "body"
            )
            await _refuse(send, error, close=False)


async def _refuse_origin(scope: Scope, receive: Receive, send: Send, origin: str) -> None:
    # Answer the handshake with a plain HTTP 403: nothing is accepted, nothing is logged.
    await receive()  # websocket.connect
    error = ServiceError(
        403,
        "Forbidden",
        f"WebSocket Origin {origin!r} is not a loopback origin; start the emulator with "
        "--allow-origin to allow it",
        "Origin",
    )
    response = error.to_response()
    if "websocket.http.response" in scope.get("extensions", {}):
        await send(
            {
                "type": "websocket.http.response.start",
                "status": 403,
                "headers": [(k.encode(), v.encode()) for k, v in response.headers.items()],
            }
        )
        await send({"type": "websocket.http.response.body", "body": response.body})
    else:
        await send({"type": "websocket.close", "code": 1008, "reason": "origin not allowed"})


class _LimitedBody:
    """Wraps ``receive`` to stop a body past the limit; keeps uvicorn's ``transport``
    reachable as ``receive.__self__.transport`` (see ``outbound.transport_aborter``)."""

    def __init__(self, receive: Receive) -> None:
        self._receive = receive
        self._received = 0
        self.transport = getattr(getattr(receive, "__self__", None), "transport", None)

    async def receive(self) -> Message:
        message = await self._receive()
        if message["type"] == "http.request":
            self._received += len(message.get("body", b""))
            if self._received > MAX_BODY_BYTES:
                raise _BodyTooLarge
        return message


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}


def _host_message(host: str) -> str:
    # The Host header is attacker-chosen text: quote a bounded part of it.
    return (
        f"Host {host[:100]!r} is not a loopback name; start the emulator with --allow-host "
        "to serve it"
    )


def _too_large() -> ServiceError:
    return ServiceError(
        413,
        "PayloadTooLarge",
        f"request body is larger than the {MAX_BODY_BYTES} byte limit",
        "body",
    )


async def _refuse(send: Send, error: ServiceError, *, close: bool) -> None:
    response = error.to_response()
    headers = [(k.encode(), v.encode()) for k, v in response.headers.items()]
    if close:
        # The unread rest of the body is not wanted: the connection ends after this answer.
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": error.status, "headers": headers})
    await send({"type": "http.response.body", "body": response.body})


class _AnsweredHandshakeFilter(logging.Filter):
    """uvicorn's websockets-sansio server logs an ERROR for every handshake the app answers
    with an HTTP response (a refused token or Origin), although the answer went out."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.msg != _UNANSWERED_HANDSHAKE


_UNANSWERED_HANDSHAKE = "ASGI callable returned without completing handshake."
_handshake_filter = _AnsweredHandshakeFilter()


def quiet_refused_handshakes() -> None:
    """Keep a refused handshake from logging a uvicorn ERROR (idempotent)."""
    logging.getLogger("uvicorn.error").addFilter(_handshake_filter)
