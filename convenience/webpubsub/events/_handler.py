"""``WebPubSubEventHandler``: the public object, with its ASGI and WSGI front ends."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any
from urllib.parse import urlsplit

from .._connection_string import parse_connection_string
from ._dispatcher import (
    ConnectCallback,
    ConnectedCallback,
    DisconnectedCallback,
    EventDispatcher,
    HttpReply,
    PendingCall,
    UserEventCallback,
)

# An upstream request body larger than this is refused (the service's own limit on a
# client message is 1 MiB; the connect body is far smaller).
MAX_BODY_BYTES = 2 * 1024 * 1024

_Scope = dict[str, Any]
_Receive = Callable[[], Awaitable[dict[str, Any]]]
_Send = Callable[[dict[str, Any]], Awaitable[None]]
_StartResponse = Callable[..., Any]


class WebPubSubEventHandler:
    """An event handler for one hub (or every hub when ``hub`` is None).

    Serve it with ``handler.asgi`` (an ASGI app) or ``handler.wsgi`` (a WSGI app); both
    answer every path they are given, so mount them where the service's URL template
    points. See the ``webpubsub.events`` module docstring for a full example.

    Args:
        hub: hub name (case-insensitive); requests for other hubs get 404.
        connection_string: the service's connection string; its access key checks
            ``ce-signature`` and its endpoint's host is an allowed origin.
        access_keys: keys that check ``ce-signature`` (primary and secondary), in addition
            to the connection string's.
        allowed_origins: hosts (``myapp.webpubsub.azure.com``, ``127.0.0.1:8080``) or
            endpoint URLs the abuse-protection check accepts; ``["*"]`` accepts any.
        on_connect: ``(ConnectRequest) -> ConnectResponse | None`` (or a coroutine function);
            raise ``EventHandlerError`` to refuse the client.
        on_connected: ``(ConnectedRequest) -> None``.
        on_disconnected: ``(DisconnectedRequest) -> None``.
        on_user_event: ``(UserEventRequest) -> UserEventResponse | None``; raise
            ``EventHandlerError`` to fail the event.

    Callbacks may be plain functions or coroutine functions. Under ASGI a plain function runs
    in a worker thread (``asyncio.to_thread``), so it may block; under WSGI a coroutine
    function runs to completion with ``asyncio.run``.

    Raises:
        ValueError: no access key at all (neither ``connection_string`` nor
            ``access_keys``), or no allowed origin, or an empty hub name.
        webpubsub.exceptions.InvalidConnectionStringError: a malformed connection string.
    """

    def __init__(
        self,
        hub: str | None,
        *,
        connection_string: str | None = None,
        access_keys: Sequence[str] = (),
        allowed_origins: Sequence[str] = (),
        on_connect: ConnectCallback | None = None,
        on_connected: ConnectedCallback | None = None,
        on_disconnected: DisconnectedCallback | None = None,
        on_user_event: UserEventCallback | None = None,
    ) -> None:
        if hub is not None and not hub:
            raise ValueError("hub must be a non-empty hub name, or None for every hub")
        keys = [k for k in access_keys if k]
        origins = list(allowed_origins)
        if connection_string is not None:
            parsed = parse_connection_string(connection_string)
            keys.insert(0, parsed.access_key)
            host = urlsplit(parsed.endpoint).hostname or ""
            port = parsed.port or urlsplit(parsed.endpoint).port
            origins.append(f"{host}:{port}" if port else host)
        if not keys:
            raise ValueError(
                "WebPubSubEventHandler needs connection_string= or access_keys= to check "
                "ce-signature"
            )
        if not origins:
            raise ValueError(
                "WebPubSubEventHandler needs allowed_origins= (or connection_string=) for the "
                "abuse-protection check; use ['*'] to allow any origin"
            )
        self.hub = hub
        self._dispatcher = dispatcher = EventDispatcher(
            hub=hub,
            access_keys=keys,
            allowed_origins=origins,
            on_connect=on_connect,
            on_connected=on_connected,
            on_disconnected=on_disconnected,
            on_user_event=on_user_event,
        )
        #: The ASGI 3 application (HTTP only): mount it in Starlette, FastAPI, or run it
        #: with uvicorn / hypercorn.
        self.asgi = EventHandlerAsgiApp(dispatcher)

    def __repr__(self) -> str:
        return f"WebPubSubEventHandler(hub={self.hub!r})"

    # -- WSGI -------------------------------------------------------------------------------

    def wsgi(self, environ: dict[str, Any], start_response: _StartResponse) -> Iterable[bytes]:
        """WSGI application; mount it in Flask, Django, or any WSGI server."""
        headers = {
            key[5:].replace("_", "-").lower(): value
            for key, value in environ.items()
            if key.startswith("HTTP_")
        }
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = environ["CONTENT_TYPE"]
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY_BYTES:
            reply = HttpReply.error(413, f"request body length must be 0..{MAX_BODY_BYTES} bytes")
        else:
            body = environ["wsgi.input"].read(length) if length else b""
            prepared = self._dispatcher.prepare(environ["REQUEST_METHOD"], headers, body)
            reply = prepared if isinstance(prepared, HttpReply) else _run_sync(prepared)
        start_response(
            _STATUS_LINES.get(reply.status, f"{reply.status} Status"),
            [*reply.headers, ("Content-Length", str(len(reply.body)))],
        )
        return [reply.body]


class EventHandlerAsgiApp:
    """ASGI 3 application for a ``WebPubSubEventHandler`` (its ``asgi`` attribute)."""

    def __init__(self, dispatcher: EventDispatcher) -> None:
        self._dispatcher = dispatcher

    async def __call__(self, scope: _Scope, receive: _Receive, send: _Send) -> None:
        if scope["type"] == "lifespan":
            await _asgi_lifespan(receive, send)
            return
        if scope["type"] != "http":
            raise RuntimeError(f"WebPubSubEventHandler serves HTTP only, not {scope['type']!r}")
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        body = await _asgi_body(receive)
        if body is None:
            reply = HttpReply.error(413, f"request body exceeds {MAX_BODY_BYTES} bytes")
        else:
            prepared = self._dispatcher.prepare(scope["method"], headers, body)
            reply = prepared if isinstance(prepared, HttpReply) else await _run_async(prepared)
        await send(
            {
                "type": "http.response.start",
                "status": reply.status,
                "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in reply.headers]
                + [(b"content-length", str(len(reply.body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": reply.body})


_STATUS_LINES = {
    200: "200 OK",
    204: "204 No Content",
    400: "400 Bad Request",
    401: "401 Unauthorized",
    403: "403 Forbidden",
    404: "404 Not Found",
    405: "405 Method Not Allowed",
    413: "413 Content Too Large",
    500: "500 Internal Server Error",
}


async def _run_async(call: PendingCall) -> HttpReply:
    try:
        if inspect.iscoroutinefunction(call.callback):
            result = await call.callback(call.request)
        else:
            result = await asyncio.to_thread(call.callback, call.request)
            if inspect.isawaitable(result):
                result = await result
    except Exception as exc:
        return call.complete(error=exc)
    return call.complete(result)


def _run_sync(call: PendingCall) -> HttpReply:
    try:
        result = call.callback(call.request)
        if inspect.isawaitable(result):
            result = asyncio.run(_awaited(result))
    except Exception as exc:
        return call.complete(error=exc)
    return call.complete(result)


async def _awaited(awaitable: Awaitable[Any]) -> Any:
    return await awaitable


async def _asgi_body(receive: _Receive) -> bytes | None:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def _asgi_lifespan(receive: _Receive, send: _Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
