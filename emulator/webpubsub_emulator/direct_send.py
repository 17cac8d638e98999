"""Fan-out fast path: a message's WebSocket frame encoded once, written to each socket as is.

Through ASGI, every recipient of a broadcast costs a coroutine, a flow-control wait, a UTF-8
encode and a frame serialisation of its own, although the bytes on the wire are the same for
all of them (server frames are unmasked). Under uvicorn's ``websockets-sansio`` protocol the
frame is therefore serialised once (by the websockets library) and handed straight to each
connection's transport. Anything unusual (another server, a wrapped ``send``, an extension
negotiated, a socket paused by flow control, closing or closed) returns False, and the
caller takes the ordinary ASGI path, so ordering and back-pressure stay the ASGI ones.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from websockets.frames import Frame, Opcode

SendEvent = dict[str, Any]
AsgiSend = Callable[[SendEvent], Coroutine[Any, Any, None]]


class DirectFrameWriter:
    """Writes ``websocket.send`` events of one uvicorn sans-I/O WebSocket to its transport."""

    __slots__ = ("_protocol",)

    def __init__(self, protocol: Any) -> None:
        self._protocol = protocol

    def write(self, event: SendEvent) -> bool:
        """Send ``event`` now if the fast path applies; False means "use ASGI instead"."""
        protocol = self._protocol
        transport = protocol.transport
        if (
            protocol.close_sent
            or protocol.disconnected
            or not protocol.writable.is_set()
            or transport.is_closing()
        ):
            return False
        transport.write(_frames.encoded(event))
        return True


def direct_frame_writer(send: AsgiSend) -> DirectFrameWriter | None:
    """A fast-path writer for the socket behind ``send``, or None where it cannot apply.

    Call it after ``websocket.accept`` was sent (extensions are known from then on).
    """
    protocol: Any = getattr(_unwrap_starlette(send), "__self__", None)
    sansio = _sansio_protocol_class()
    if sansio is None or not isinstance(protocol, sansio):
        return None
    if not protocol.handshake_complete or protocol.conn.extensions:
        return None
    return DirectFrameWriter(protocol)


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


class _LastFrame:
    """The encoded frame of the last event seen, reused while the same event object comes
    back: a broadcast hands one shared event to every recipient in a row, so it is encoded
    once per message, not once per recipient."""

    __slots__ = ("_event", "_frame")

    def __init__(self) -> None:
        self._event: SendEvent | None = None
        self._frame = b""

    def encoded(self, event: SendEvent) -> bytes:
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


_frames = _LastFrame()
