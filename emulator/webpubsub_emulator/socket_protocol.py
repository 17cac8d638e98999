"""uvicorn's sans-I/O WebSocket protocol with lighter per-connection parts.

An idle client connection is mostly what the server keeps for it, so the parts that are
kept for the life of every socket are replaced by smaller ones doing the same job:

- the incoming-event queue: uvicorn's ``asyncio.Queue`` (three deques and an Event with a
  fourth, about 3 KiB) becomes ``_Inbox``, which has one consumer and makes its deque only
  when events pile up;
- the ``writable`` flag: an ``asyncio.Event`` with its deque (about 470 bytes) becomes
  ``_Flag``, whose waiters are a list made on the first wait;
- the handshake: once ``websocket.accept`` went out, the request (path, query with the
  access token, headers), the response and the scope's headers and query string are let
  go (about 3.7 KiB); nothing reads them after the accept;
- ``receive`` awaits the inbox's future directly (one suspended coroutine less).

Events, ordering and back-pressure stay uvicorn's: only the containers differ.

An endpoint whose binary messages need no waiting may also take them straight from the
protocol (``binary_sink``): uvicorn otherwise puts each message in the inbox, pauses the
transport's reading (a system call), wakes the app's task, and resumes reading (another
system call) once the inbox is empty again, which is most of what a small inbound message
costs (an MQTT PUBACK for every QoS 1 delivery, for one).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from typing import Any

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.datastructures import Headers

Event = dict[str, Any]
#: Takes one complete binary message, synchronously, on the event loop.
BinarySink = Callable[[bytes], None]


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

    def arrival(self) -> asyncio.Future[None]:
        """A future that is done once the next event is put (the reader awaits it)."""
        waiter = self._waiter = asyncio.get_running_loop().create_future()
        return waiter

    def popleft(self) -> Event:
        """The oldest event; raises IndexError when there is none."""
        event = self._first
        if event is None:
            raise IndexError("no event waits")
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

    # uvicorn sets more than 30 attributes per protocol object, past which CPython gives
    # each instance a whole dict of its own instead of values under keys shared by the class
    # (about 1.3 KiB more per socket). These settings and shared objects, the same for every
    # socket, live in slots instead, which keeps the rest under that limit.
    __slots__ = (
        "app",
        "app_state",
        "asgi_version",
        "client",
        "config",
        "connections",
        "default_headers",
        "logger",
        "loop",
        "root_path",
        "scheme",
        "server",
        "tasks",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.queue: Any = _Inbox()
        self.writable: Any = _Flag()
        # Set by the endpoint (see ``binary_sink_host``): binary messages go to it instead of
        # the inbox while nothing waits there, so none overtakes an event still unread.
        self.binary_sink: BinarySink | None = None

    def send_receive_event_to_app(self) -> None:
        sink = self.binary_sink
        if (
            sink is None
            or self.curr_msg_data_type != "bytes"
            or self.close_sent
            or not self.queue.empty()
        ):
            super().send_receive_event_to_app()
            return
        frames: list[bytes] = self.frames
        data = frames[0] if len(frames) == 1 else b"".join(frames)
        self.frames = []
        sink(data)

    async def receive(self) -> Any:
        # uvicorn's receive, waiting on the inbox's future itself: one coroutine frame less
        # per idle socket than awaiting a queue's get().
        inbox: _Inbox = self.queue
        while inbox.empty():
            await inbox.arrival()
        message = inbox.popleft()
        if self.read_paused and inbox.empty():
            self.read_paused = False
            self.transport.resume_reading()
        return message

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
            # The query holds the access token; the endpoint has read both before accepting.
            scope["headers"] = []
            scope["query_string"] = b""


def binary_sink_host(send: object) -> LeanWebSocketProtocol | None:
    """The protocol behind an ASGI ``send`` whose ``binary_sink`` an endpoint may set, or
    None (another server or protocol, or a wrapped ``send``)."""
    protocol = getattr(send, "__self__", None)
    return protocol if isinstance(protocol, LeanWebSocketProtocol) else None
