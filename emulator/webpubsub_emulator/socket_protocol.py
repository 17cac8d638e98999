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

An endpoint whose binary messages need no waiting may also take them straight from the
protocol (``binary_sink``): uvicorn otherwise puts each message in the inbox, pauses the
transport's reading (a system call), wakes the app's task, and resumes reading (another
system call) once the inbox is empty again, which is most of what a small inbound message
costs (an MQTT PUBACK for every QoS 1 delivery, for one). While a sink is set, data made only
of whole small binary frames (the client's PUBACKs) is also cut and unmasked here instead of
by the websockets parser, when that parser waits for the first byte of a frame, so that its
state stays what it would have been; any other data goes to the parser as always.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from typing import Any

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.datastructures import Headers
from websockets.protocol import State
from websockets.streams import StreamReader

try:  # websockets' C unmasking, as its own parser uses, where it was built
    from websockets.speedups import apply_mask
except ImportError:  # pragma: no cover - pure-Python websockets
    from websockets.utils import apply_mask

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
        # Set by the endpoint (see ``binary_sink_host``): binary messages go to it instead of
        # the inbox while nothing waits there, so none overtakes an event still unread.
        self.binary_sink: BinarySink | None = None

    def data_received(self, data: bytes) -> None:
        if self.binary_sink is not None and self._between_frames():
            messages = _small_binary_messages(data)
            if messages is not None:
                for message in messages:
                    sink = self.binary_sink
                    if sink is None or self.close_sent or not self.queue.empty():
                        break  # uvicorn drops messages after the close, as here
                    sink(message)
                return
        super().data_received(data)

    def _between_frames(self) -> bool:
        """Whether the websockets parser waits for a new frame with nothing buffered and no
        fragmented message under way (so that whole frames may be read without it)."""
        conn = self.conn
        if (
            conn.state is not State.OPEN
            or conn.current_size is not None
            or conn.extensions
            or conn.reader.buffer
            or self.frames
            or self.close_sent
            or not self.queue.empty()
        ):
            return False
        generator: Any = conn.parser
        while True:
            inner = getattr(generator, "gi_yieldfrom", None)
            if inner is None:
                return getattr(generator, "gi_code", None) is _AT_EOF
            generator = inner

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


# The parser's wait between frames (websockets' ``Protocol.parse`` asks the reader whether
# the stream ended before it reads a frame header).
_AT_EOF = StreamReader.at_eof.__code__
# A client frame: FIN + BINARY, then MASK + a 7-bit length, then the 4-byte mask key.
_FIN_BINARY = 0x82
_MASKED = 0x80
_SMALL_HEAD = 6
_MAX_SMALL_PAYLOAD = 125  # the largest length without an extended length field


def _small_binary_messages(data: bytes) -> list[bytes] | None:
    """The unmasked payloads if ``data`` is whole unfragmented binary client frames of at
    most 125 bytes each, back to back; None for anything else (left to the parser)."""
    messages: list[bytes] = []
    at, end = 0, len(data)
    while at < end:
        if end - at < _SMALL_HEAD or data[at] != _FIN_BINARY:
            return None
        length = data[at + 1] ^ _MASKED  # 128 or more if the mask bit is missing
        stop = at + _SMALL_HEAD + length
        if length > _MAX_SMALL_PAYLOAD or stop > end:
            return None
        messages.append(apply_mask(data[at + _SMALL_HEAD : stop], data[at + 2 : at + _SMALL_HEAD]))
        at = stop
    return messages or None


def binary_sink_host(send: object) -> LeanWebSocketProtocol | None:
    """The protocol behind an ASGI ``send`` whose ``binary_sink`` an endpoint may set, or
    None (another server or protocol, or a wrapped ``send``)."""
    protocol = getattr(send, "__self__", None)
    return protocol if isinstance(protocol, LeanWebSocketProtocol) else None
