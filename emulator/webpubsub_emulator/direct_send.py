"""Fan-out fast path: a message's WebSocket frame encoded once, written to each socket as is.

Through ASGI, every recipient of a broadcast costs a coroutine, a flow-control wait, a UTF-8
encode and a frame serialisation of its own, although the bytes on the wire are the same for
all of them (server frames are unmasked). Under uvicorn's ``websockets-sansio`` protocol the
frame is therefore serialised once (by the websockets library) and handed straight to each
connection's transport. Anything unusual (another server, a wrapped ``send``, an extension
negotiated, a socket paused by flow control, closing or closed) returns False, and the
caller takes the ordinary ASGI path, so ordering and back-pressure stay the ASGI ones.

Each write is one ``send`` system call, and with thousands of sockets that call, not Python,
is most of a delivery's cost (it also runs the receiver's TCP path on loopback). So one
event-loop turn writes at most ``WRITES_PER_TURN`` frames at once; frames for further
sockets wait in their writer and go out in later turns, one ``send`` per socket for all of
its waiting frames. Between those turns the loop reads the next requests, so messages that
arrive while a large fan-out is still going out share its system calls instead of queueing
behind it. Nothing ever waits for a timer: a fan-out to fewer sockets than the budget goes
out at once, exactly as before, and a larger one goes out as fast as the loop can run.
"""

from __future__ import annotations

import asyncio
import weakref
from collections import deque
from collections.abc import Callable, Coroutine
from typing import Any

from websockets.frames import Frame, Opcode

SendEvent = dict[str, Any]
AsgiSend = Callable[[SendEvent], Coroutine[Any, Any, None]]

# Frames written at once per event-loop turn (about 1 ms of system calls): more sockets
# than this wait for the next turns, so the loop keeps reading requests meanwhile. Measured
# at 10,000 clients: 1,000 per turn cut the emulator's CPU per delivery in bursts from
# about 8 to 4.5 us, 256 to about 3.3 us, 100 to about 3 us (each turn costs a loop pass).
WRITES_PER_TURN = 256
# Bytes one socket may hold back before the writer takes the ASGI path (which writes them
# first): holding pays off for small frames only, and this bounds what a flood of REST
# sends can park in the emulator per socket beyond the outbound queue's bounds.
MAX_HELD_BYTES = 64 * 1024


class DirectFrameWriter:
    """Writes ``websocket.send`` events of one uvicorn sans-I/O WebSocket to its transport."""

    __slots__ = ("_held", "_protocol", "_turns")

    def __init__(self, protocol: Any, turns: _Turns) -> None:
        self._protocol = protocol
        self._turns = turns
        # Frames waiting for a later turn, back to back; None when nothing waits. Bytes and
        # bytearrays are no work for the garbage collector, unlike a list per socket.
        self._held: bytes | bytearray | None = None

    def write(self, event: SendEvent) -> bool:
        """Send ``event`` now or in a coming turn if the fast path applies; False means
        "use ASGI instead" (after ``flush``, so that nothing overtakes a held frame)."""
        protocol = self._protocol
        if (
            protocol.close_sent
            or protocol.disconnected
            or not protocol.writable.is_set()
            or protocol.transport.is_closing()
        ):
            return False
        turns = self._turns
        frame = turns.encoded(event)
        held = self._held
        if held is None:
            if turns.take():
                protocol.transport.write(frame)
            else:
                self._held = frame
                turns.hold(self)
            return True
        if len(held) >= MAX_HELD_BYTES:
            return False
        if isinstance(held, bytes):
            self._held = held = bytearray(held)
        held += frame
        return True

    def flush(self) -> None:
        """Write the held frames now (dropped if the socket is closing or gone)."""
        held, self._held = self._held, None
        if held is None:
            return
        protocol = self._protocol
        if protocol.close_sent or protocol.disconnected or protocol.transport.is_closing():
            return
        protocol.transport.write(held)


def direct_frame_writer(send: AsgiSend) -> DirectFrameWriter | None:
    """A fast-path writer for the socket behind ``send``, or None where it cannot apply.

    Call it after ``websocket.accept`` was sent (extensions are known from then on), on the
    event loop that serves the socket.
    """
    protocol: Any = getattr(_unwrap_starlette(send), "__self__", None)
    sansio = _sansio_protocol_class()
    if sansio is None or not isinstance(protocol, sansio):
        return None
    if not protocol.handshake_complete or protocol.conn.extensions:
        return None
    return DirectFrameWriter(protocol, _turns_of(asyncio.get_running_loop()))


def release_handshake(send: AsgiSend) -> None:
    """Let the handshake's request and response objects go once the socket is open.

    uvicorn's sans-I/O protocol keeps both (headers included, about 3 KiB) for the life of
    the connection although nothing reads them after ``websocket.accept``. Call it after the
    accept was sent; it does nothing under any other server.
    """
    protocol: Any = getattr(_unwrap_starlette(send), "__self__", None)
    sansio = _sansio_protocol_class()
    if sansio is None or not isinstance(protocol, sansio) or not protocol.handshake_complete:
        return
    for name in ("request", "response"):
        if hasattr(protocol, name):
            setattr(protocol, name, None)


def _unwrap_starlette(send: Any) -> Any:
    """The ``send`` under Starlette's exception-handling wrappers (they only watch for
    ``http.response.start``, which a WebSocket never sends). Any other wrapper is kept, and
    then the fast path does not apply."""
    for _ in range(8):
        code = getattr(send, "__code__", None)
        if (
            code is None
            or getattr(send, "__module__", None) != "starlette._exception_handler"
            or code.co_name != "sender"
            or "send" not in code.co_freevars
        ):
            return send
        send = send.__closure__[code.co_freevars.index("send")].cell_contents
    return send


def _sansio_protocol_class() -> type[Any] | None:
    try:
        from uvicorn.protocols.websockets.websockets_sansio_impl import (
            WebSocketsSansIOProtocol,
        )
    except ImportError:
        return None
    return WebSocketsSansIOProtocol


class _Turns:
    """One event loop's write budget per turn, the writers holding frames, and the encoded
    frame of the last event (each emulator thread has its own loop, hence its own)."""

    __slots__ = ("_budget", "_event", "_frame", "_held", "_loop", "_scheduled")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._budget = WRITES_PER_TURN
        self._scheduled = False
        self._held: deque[DirectFrameWriter] = deque()
        self._event: SendEvent | None = None
        self._frame = b""

    def take(self) -> bool:
        """Whether one more frame may be written in this turn (counted if so)."""
        if not self._budget:
            return False
        self._budget -= 1
        if not self._scheduled:
            self._scheduled = True
            self._loop.call_soon(self._next_turn)
        return True

    def hold(self, writer: DirectFrameWriter) -> None:
        """Queue ``writer`` (out of budget) for a coming turn; the turn is already scheduled."""
        self._held.append(writer)

    def _next_turn(self) -> None:
        # Writers that waited go first, then the rest of the budget is for new writes.
        self._budget = WRITES_PER_TURN
        held = self._held
        while held and self._budget:
            self._budget -= 1
            held.popleft().flush()
        self._scheduled = bool(held) or self._budget < WRITES_PER_TURN
        if self._scheduled:
            self._loop.call_soon(self._next_turn)

    def encoded(self, event: SendEvent) -> bytes:
        """The frame of ``event``, reused while the same event object comes back: a
        broadcast hands one shared event to every recipient in a row, so it is encoded once
        per message, not once per recipient."""
        if event is self._event:
            return self._frame
        data = event.get("bytes")
        if data is not None:
            frame = Frame(Opcode.BINARY, bytes(data))
        else:
            frame = Frame(Opcode.TEXT, event["text"].encode())
        # Holding the event keeps its identity from being reused by a new object.
        self._event, self._frame = event, frame.serialize(mask=False)
        return self._frame


_by_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Turns] = weakref.WeakKeyDictionary()


def _turns_of(loop: asyncio.AbstractEventLoop) -> _Turns:
    turns = _by_loop.get(loop)
    if turns is None:
        turns = _by_loop[loop] = _Turns(loop)
    return turns
