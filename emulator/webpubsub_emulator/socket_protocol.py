"""uvicorn's sans-I/O WebSocket protocol with lighter per-connection parts.

An idle client connection is mostly what the server keeps for it, so the parts that are
kept for the life of every socket are replaced by smaller ones doing the same job:

- the incoming-event queue: uvicorn's ``asyncio.Queue`` (three deques and an Event with a
  fourth, about 3 KiB) becomes ``_Inbox``, which has one consumer and makes its deque only
  when events pile up;
- the ``writable`` flag: an ``asyncio.Event`` with its deque (about 470 bytes) becomes
  ``_Flag``, whose waiters are a list made on the first wait;
- the handshake: once ``websocket.accept`` went out, the request (path, query with the
  access token, headers), the response and the scope's copy of the headers are let go
  (about 3.5 KiB); nothing reads them after the accept.

Events, ordering and back-pressure stay uvicorn's: only the containers differ.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Any

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.datastructures import Headers

Event = dict[str, Any]


class _Inbox:
    """The ASGI receive queue of one socket: ``put_nowait`` by the protocol, one reader."""

    __slots__ = ("_events", "_first", "_waiter")

    def __init__(self) -> None:
        # Most of the time at most one event waits: it goes in ``_first``; the deque is made
        # only when a second one arrives before the app read the first.
        self._first: Event | None = None
        self._events: deque[Event] | None = None
        self._waiter: asyncio.Future[None] | None = None

    def empty(self) -> bool:
        return self._first is None

    def put_nowait(self, event: Event) -> None:
        if self._first is None:
            self._first = event
        else:
            if self._events is None:
                self._events = deque()
            self._events.append(event)
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def get(self) -> Event:
        """The oldest event, waiting for one if none is there."""
        while self._first is None:
            waiter = self._waiter = asyncio.get_running_loop().create_future()
            try:
                await waiter
            finally:
                self._waiter = None
        event = self._first
        events = self._events
        if events:
            self._first = events.popleft()
        else:
            self._first = self._events = None
        return event


class _Flag:
    """``asyncio.Event`` as the protocol uses it (``is_set``/``set``/``clear``/``wait``)."""

    __slots__ = ("_set", "_waiters")

    def __init__(self) -> None:
        self._set = True
        self._waiters: list[asyncio.Future[None]] | None = None

    def is_set(self) -> bool:
        return self._set

    def set(self) -> None:
        self._set = True
        waiters, self._waiters = self._waiters, None
        for waiter in waiters or ():
            if not waiter.done():
                waiter.set_result(None)

    def clear(self) -> None:
        self._set = False

    async def wait(self) -> None:
        if self._set:
            return
        waiter = asyncio.get_running_loop().create_future()
        if self._waiters is None:
            self._waiters = []
        self._waiters.append(waiter)
        await waiter


class LeanWebSocketProtocol(WebSocketsSansIOProtocol):
    """uvicorn's ``websockets-sansio`` protocol (pass it as ``uvicorn.Config(ws=...)``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.queue: Any = _Inbox()
        self.writable: Any = _Flag()

    async def send(self, message: Any) -> None:
        await super().send(message)
        if message["type"] == "websocket.accept" and self.handshake_complete:
            self._release_handshake()

    def _release_handshake(self) -> None:
        request = getattr(self, "request", None)
        if request is not None:
            # websockets' parser keeps the request object until the socket closes: empty it.
            request.headers = Headers()
            request.path = ""
        # uvicorn types both as always set; nothing reads them after the accept.
        for name in ("request", "response"):
            setattr(self, name, None)
        scope: Any = getattr(self, "scope", None)
        if scope is not None:
            scope["headers"] = []
