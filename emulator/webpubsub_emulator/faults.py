"""Fault injection: throttling, outages, dropped and slow requests, abruptly lost clients.

Off unless the emulator is created with ``faults=True`` (``create_app(faults=True)`` or
``EmulatorServer(faults=True)``). Then a :class:`FaultInjector` sits in front of the app and
can be driven two ways:

* from Python, ``server.faults.fail_requests(429, count=3, retry_after=0)`` and friends;
* over HTTP, from loopback clients only, at ``/_emulator/faults``, with the header
  ``X-Emulator-Admin: 1`` (a custom header, so a web page's request needs a CORS preflight,
  which the emulator never grants):

  - ``POST`` a JSON rule, one of
    ``{"kind": "status", "status": 503, "count": 2, "retryAfter": 1}``,
    ``{"kind": "drop", "count": 1}``, ``{"kind": "delay", "seconds": 0.5, "count": 1}``,
    ``{"kind": "performThenStatus", "status": 500}``, ``{"kind": "performThenDrop"}``
    (each optionally with ``"path"`` (a regular expression searched in the request path),
    ``"method"`` and ``"every"``), or ``{"kind": "dropClients", "hub": "h",
    "connectionId": "..."}`` (both optional) which answers ``{"dropped": n}``;
  - ``GET`` answers ``{"injected": {"status": n, "drop": n, "delay": n,
    "performThenStatus": n, "performThenDrop": n, "dropClients": n},
    "pending": [...]}``;
  - ``DELETE`` forgets every pending rule and resets the counters.

REST faults apply to ``/api/...`` requests only. Status and drop faults answer before the
request reaches the emulator, so the operation never takes effect. The "perform, then fail"
kinds let the operation take effect (a send is delivered) and then answer with the status
instead of the real answer, or close the connection without answering: what a client sees
when a service or proxy fails after acting, so retries can be counted for duplicates.
A delayed request is read at once and performed after the delay, even if its client stopped
waiting (as with a slow service, a timed-out call may still have happened). A rule with
``every=k`` fires on the k-th, 2k-th, ... matching request until it has fired ``count``
times; rules are tried in the order they were added.

Dropping reaches under ASGI to the TCP transport of uvicorn's protocol objects (the servers
this package runs), so the peer sees the socket vanish: no HTTP response, no close frame.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, Literal

import attrs
from starlette.applications import Starlette

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

HttpFaultKind = Literal["status", "drop", "delay", "performThenStatus", "performThenDrop"]
ADMIN_PATH = "/_emulator/faults"
ADMIN_HEADER = "x-emulator-admin"
# A rule is a small JSON object; anything larger is refused unread.
_MAX_ADMIN_BODY_BYTES = 64 * 1024
_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})
# Long enough for any test, short enough that a forgotten rule cannot hang a run for good.
MAX_DELAY_SECONDS = 120.0
_CONNECTED_MARK = '"event":"connected"'


@attrs.define
class HttpFault:
    """One pending REST fault rule."""

    kind: HttpFaultKind
    count: int
    every: int
    status: int | None = None
    retry_after: float | None = None
    seconds: float = 0.0
    path: re.Pattern[str] | None = None
    method: str | None = None
    matched: int = 0
    fired: int = 0

    def matches(self, method: str, path: str) -> bool:
        if self.method is not None and self.method != method.upper():
            return False
        return self.path is None or self.path.search(path) is not None

    def describe(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "remaining": self.count - self.fired,
            "every": self.every,
            "status": self.status,
            "retryAfter": self.retry_after,
            "seconds": self.seconds,
            "path": None if self.path is None else self.path.pattern,
            "method": self.method,
        }


@attrs.define(eq=False)
class _ClientSocket:
    """A live client WebSocket: its hub, its connection id once known, and its transport."""

    hub: str
    transport: asyncio.BaseTransport
    loop: asyncio.AbstractEventLoop
    connection_id: str | None = None


class FaultInjector:
    """Pending fault rules and counts of faults injected; safe to drive from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[HttpFault] = []
        self._sockets: set[_ClientSocket] = set()
        self._injected = {
            "status": 0,
            "drop": 0,
            "delay": 0,
            "performThenStatus": 0,
            "performThenDrop": 0,
            "dropClients": 0,
        }

    def __repr__(self) -> str:
        return f"FaultInjector(pending={len(self._rules)}, injected={self.injected()!r})"

    # -- rules ------------------------------------------------------------------------------

    def fail_requests(
        self,
        status: int,
        *,
        count: int = 1,
        retry_after: float | None = None,
        path: str | None = None,
        method: str | None = None,
        every: int = 1,
    ) -> None:
        """Answer matching REST requests with ``status`` (and ``Retry-After: retry_after``
        seconds if given) instead of performing them.

        ``status`` must be 400..599; ``path`` is a regular expression searched in the request
        path; ``method`` an HTTP method. Raises ValueError for a bad value.
        """
        _check_status(status, lowest=400)
        self._add("status", count, every, path, method, status=status, retry_after=retry_after)

    def drop_requests(
        self,
        *,
        count: int = 1,
        path: str | None = None,
        method: str | None = None,
        every: int = 1,
    ) -> None:
        """Read matching REST requests, then close their TCP connection without answering.

        Arguments as for :meth:`fail_requests`; raises ValueError for a bad value.
        """
        self._add("drop", count, every, path, method)

    def fail_after_performing(
        self,
        status: int,
        *,
        count: int = 1,
        retry_after: float | None = None,
        path: str | None = None,
        method: str | None = None,
        every: int = 1,
    ) -> None:
        """Perform matching REST requests, then answer ``status`` (500..599) instead of the
        real answer (``Retry-After: retry_after`` seconds if given).

        Other arguments as for :meth:`fail_requests`; raises ValueError for a bad value.
        """
        _check_status(status, lowest=500)
        self._add(
            "performThenStatus",
            count,
            every,
            path,
            method,
            status=status,
            retry_after=retry_after,
        )

    def drop_after_performing(
        self,
        *,
        count: int = 1,
        path: str | None = None,
        method: str | None = None,
        every: int = 1,
    ) -> None:
        """Perform matching REST requests, then close their TCP connection without answering.

        Arguments as for :meth:`fail_requests`; raises ValueError for a bad value.
        """
        self._add("performThenDrop", count, every, path, method)

    def delay_requests(
        self,
        seconds: float,
        *,
        count: int = 1,
        path: str | None = None,
        method: str | None = None,
        every: int = 1,
    ) -> None:
        """Hold matching REST requests for ``seconds`` (0..120) before performing them.

        Arguments as for :meth:`fail_requests`; raises ValueError for a bad value.
        """
        self._add("delay", count, every, path, method, seconds=_check_seconds("seconds", seconds))

    def clear(self) -> None:
        """Forget every pending rule and reset the counters."""
        with self._lock:
            self._rules.clear()
            for kind in self._injected:
                self._injected[kind] = 0

    def pending(self) -> list[dict[str, Any]]:
        """The rules that have not fired their full count yet."""
        with self._lock:
            return [rule.describe() for rule in self._rules]

    def injected(self) -> dict[str, int]:
        """How many faults of each kind were injected so far."""
        with self._lock:
            return dict(self._injected)

    def _add(
        self,
        kind: HttpFaultKind,
        count: int,
        every: int,
        path: str | None,
        method: str | None,
        *,
        status: int | None = None,
        retry_after: float | None = None,
        seconds: float = 0.0,
    ) -> None:
        """Check the arguments every REST fault shares, then add the rule."""
        if retry_after is not None:
            _check_seconds("retry_after", retry_after)
        rule = HttpFault(
            kind,
            _positive("count", count),
            _positive("every", every),
            status=status,
            retry_after=retry_after,
            seconds=seconds,
            path=_pattern(path),
            method=_method(method),
        )
        with self._lock:
            self._rules.append(rule)

    def _take(self, method: str, path: str) -> HttpFault | None:
        """The rule that fires for this request, if any (its counters updated)."""
        with self._lock:
            for rule in self._rules:
                if not rule.matches(method, path):
                    continue
                rule.matched += 1
                if rule.matched % rule.every:
                    continue
                rule.fired += 1
                self._injected[rule.kind] += 1
                if rule.fired >= rule.count:
                    self._rules.remove(rule)
                return rule
        return None

    # -- client sockets ---------------------------------------------------------------------

    def drop_clients(self, *, hub: str | None = None, connection_id: str | None = None) -> int:
        """Abort the TCP connection of live client WebSockets (no close frame is sent).

        ``hub`` limits it to one hub (case-insensitive), ``connection_id`` to one connection
        (only JSON-protocol clients are known by id: the id is read from their ``connected``
        message). Returns how many sockets were dropped.
        """
        with self._lock:
            doomed = [
                socket
                for socket in self._sockets
                if (hub is None or socket.hub == hub.lower())
                and (connection_id is None or socket.connection_id == connection_id)
            ]
            self._sockets.difference_update(doomed)
            self._injected["dropClients"] += len(doomed)
        for socket in doomed:
            if _running_loop() is socket.loop:
                socket.transport.abort()  # type: ignore[attr-defined]
            else:
                socket.loop.call_soon_threadsafe(socket.transport.abort)  # type: ignore[attr-defined]
        return len(doomed)

    def _track(self, socket: _ClientSocket) -> None:
        with self._lock:
            self._sockets.add(socket)

    def _forget(self, socket: _ClientSocket) -> None:
        with self._lock:
            self._sockets.discard(socket)


class FaultMiddleware:
    """ASGI middleware that injects the faults of a :class:`FaultInjector`."""

    def __init__(self, app: ASGIApp, injector: FaultInjector) -> None:
        self.app = app
        self.injector = injector

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == ADMIN_PATH:
            await _admin(self.injector, scope, receive, send)
        elif scope["type"] == "http" and scope["path"].startswith("/api/"):
            await self._http(scope, receive, send)
        elif scope["type"] == "websocket":
            await self._websocket(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        rule = self.injector._take(scope["method"], scope["path"])
        if rule is None:
            await self.app(scope, receive, send)
        elif rule.kind == "delay":
            # The request is read first, so it is performed even if the client stops waiting
            # (as a slow service would): a timed-out send can still arrive.
            body = await _drain(receive)
            await asyncio.sleep(rule.seconds)
            await self.app(scope, _replay(body, receive), send)
        elif rule.kind == "status":
            assert rule.status is not None
            await _drain(receive)
            await _respond_status(send, rule.status, rule.retry_after, scope["method"] == "HEAD")
        elif rule.kind == "drop":
            await _drain(receive)
            await _drop(receive)
        else:
            body = await _drain(receive)
            await self.app(scope, _replay(body, receive), _discard)
            if rule.kind == "performThenDrop":
                await _drop(receive)
            else:
                assert rule.status is not None
                await _respond_status(
                    send, rule.status, rule.retry_after, scope["method"] == "HEAD", performed=True
                )

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        transport = _transport_of(receive)
        if transport is None:  # not served by uvicorn: the socket cannot be dropped, only used
            await self.app(scope, receive, send)
            return
        hub = scope["path"].rstrip("/").rsplit("/", 1)[-1].lower()
        socket = _ClientSocket(hub, transport, asyncio.get_running_loop())

        async def observed_send(message: Message) -> None:
            if message["type"] == "websocket.accept":
                self.injector._track(socket)
            elif socket.connection_id is None and _CONNECTED_MARK in (message.get("text") or ""):
                socket.connection_id = json.loads(message["text"]).get("connectionId")
            await send(message)

        try:
            await self.app(scope, receive, observed_send)
        finally:
            self.injector._forget(socket)


async def _discard(message: Message) -> None:
    """The ``send`` of a performed request whose real answer is replaced by a fault."""


async def _drop(receive: Receive) -> None:
    transport = _transport_of(receive)
    if transport is None:
        raise RuntimeError("dropping connections needs the emulator to run under uvicorn")
    transport.abort()  # type: ignore[attr-defined]
    # Wait for uvicorn to notice, so it does not try to answer with a 500 itself.
    while (await receive())["type"] != "http.disconnect":
        pass


def install(app: Starlette) -> FaultInjector:
    """Put a fault injector in front of ``app`` (before it serves); also ``app.state.faults``."""
    injector = FaultInjector()
    app.add_middleware(FaultMiddleware, injector=injector)
    app.state.faults = injector
    return injector


# -- admin endpoint ---------------------------------------------------------------------------


async def _admin(injector: FaultInjector, scope: Scope, receive: Receive, send: Send) -> None:
    client = scope.get("client")
    if client is None or client[0] not in _LOOPBACK_HOSTS:
        await _json(send, 403, {"error": "fault injection is only accepted from loopback"})
        return
    if not any(name.lower() == ADMIN_HEADER.encode() for name, _ in scope["headers"]):
        await _json(send, 403, {"error": f"fault injection needs the header {ADMIN_HEADER}: 1"})
        return
    body = await _drain(receive, _MAX_ADMIN_BODY_BYTES)
    if len(body) > _MAX_ADMIN_BODY_BYTES:
        await _json(send, 413, {"error": f"a rule is at most {_MAX_ADMIN_BODY_BYTES} bytes"})
        return
    method = scope["method"]
    if method == "GET":
        await _json(send, 200, {"injected": injector.injected(), "pending": injector.pending()})
    elif method == "DELETE":
        injector.clear()
        await _json(send, 200, {"injected": injector.injected(), "pending": []})
    elif method == "POST":
        try:
            result = _apply(injector, json.loads(body or b"null"))
        except (ValueError, TypeError) as exc:
            await _json(send, 400, {"error": str(exc)})
            return
        await _json(send, 200, result)
    else:
        await _json(send, 405, {"error": f"method {method} is not allowed; use GET, POST, DELETE"})


def _apply(injector: FaultInjector, rule: object) -> dict[str, Any]:
    if not isinstance(rule, dict):
        raise ValueError("body must be a JSON object with a 'kind'")
    kind = rule.get("kind")
    where = {
        "path": rule.get("path"),
        "method": rule.get("method"),
        "count": rule.get("count", 1),
        "every": rule.get("every", 1),
    }
    if kind == "status":
        injector.fail_requests(rule.get("status"), retry_after=rule.get("retryAfter"), **where)  # type: ignore[arg-type]
    elif kind == "drop":
        injector.drop_requests(**where)
    elif kind == "delay":
        injector.delay_requests(rule.get("seconds"), **where)  # type: ignore[arg-type]
    elif kind == "performThenStatus":
        injector.fail_after_performing(
            rule.get("status"),  # type: ignore[arg-type]
            retry_after=rule.get("retryAfter"),
            **where,
        )
    elif kind == "performThenDrop":
        injector.drop_after_performing(**where)
    elif kind == "dropClients":
        hub, connection_id = rule.get("hub"), rule.get("connectionId")
        for name, value in (("hub", hub), ("connectionId", connection_id)):
            if value is not None and not isinstance(value, str):
                raise ValueError(f"{name} {value!r} is invalid: it must be a string")
        return {"dropped": injector.drop_clients(hub=hub, connection_id=connection_id)}
    else:
        raise ValueError(
            f"kind {kind!r} is invalid: use status, drop, delay, performThenStatus, "
            "performThenDrop or dropClients"
        )
    return {"pending": injector.pending()}


# -- helpers ----------------------------------------------------------------------------------


def _positive(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} {value!r} is invalid: it must be an integer >= 1")
    return value


def _check_status(status: object, *, lowest: int) -> None:
    if isinstance(status, bool) or not isinstance(status, int) or not lowest <= status <= 599:
        raise ValueError(f"status {status!r} is invalid: it must be an integer in {lowest}..599")


def _check_seconds(name: str, value: object) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not 0 <= value <= MAX_DELAY_SECONDS
    ):
        raise ValueError(
            f"{name} {value!r} is invalid: "
            f"it must be a number of seconds in 0..{MAX_DELAY_SECONDS:g}"
        )
    return float(value)


def _pattern(path: object) -> re.Pattern[str] | None:
    if path is None:
        return None
    if not isinstance(path, str):
        raise ValueError(f"path {path!r} is invalid: it must be a regular expression string")
    try:
        return re.compile(path)
    except re.error as exc:
        raise ValueError(f"path {path!r} is not a valid regular expression: {exc}") from None


def _method(method: object) -> str | None:
    if method is None:
        return None
    if not isinstance(method, str) or not method.isalpha():
        raise ValueError(f"method {method!r} is invalid: it must be an HTTP method name")
    return method.upper()


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def _transport_of(receive: Receive) -> asyncio.BaseTransport | None:
    # uvicorn's ASGI ``receive`` is a bound method of an object holding the connection's
    # transport (``send`` may be wrapped by Starlette's error middleware; ``receive`` is not).
    transport = getattr(getattr(receive, "__self__", None), "transport", None)
    return transport if isinstance(transport, asyncio.BaseTransport) else None


async def _drain(receive: Receive, limit: int | None = None) -> bytes:
    """The whole body; past ``limit`` bytes, what was read so far (the rest stays unread)."""
    body = bytearray()  # appending is linear, unlike bytes +=
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return bytes(body)
        body += message.get("body", b"")
        if not message.get("more_body", False) or (limit is not None and len(body) > limit):
            return bytes(body)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that hands out the already-read body once, then defers to ``receive``."""
    pending = [{"type": "http.request", "body": body, "more_body": False}]

    async def replayed() -> Message:
        return pending.pop() if pending else await receive()

    return replayed


async def _respond_status(
    send: Send, status: int, retry_after: float | None, head: bool, *, performed: bool = False
) -> None:
    code = "TooManyRequests" if status == 429 else "InjectedFault"
    headers = [(b"x-ms-error-code", code.encode())]
    if retry_after is not None:
        headers.append((b"retry-after", f"{retry_after:g}".encode()))
    outcome = "was performed" if performed else "was not performed"
    message = f"fault injected by the emulator: {status}; the operation {outcome}"
    body: dict[str, Any] = {"code": code, "message": message}
    if head:  # a HEAD answer carries no body
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": b""})
    else:
        await _json(send, status, body, headers)


async def _json(
    send: Send, status: int, body: object, headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    data = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(data)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": data})
