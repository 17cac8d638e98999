"""A deliberately small RFC 6455 WebSocket client for load generation (asyncio Protocol).

Why not the ``websockets`` library: at 100,000 frames per second its per-message machinery
(futures, queues, UTF-8 checks) would make the load generator, not the emulator, the thing
being measured. This client only does what a receiver needs: the opening handshake (checked),
unmasked server frames (text/binary, continuation, ping -> pong, close -> close), no
extensions, at most one subprotocol (none for raw clients, ``mqtt`` for MQTT clients), and
small binary frames sent by the client (MQTT's CONNECT and PUBACK).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import os
from collections.abc import Callable
from urllib.parse import urlsplit

_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
_OP_CONTINUATION, _OP_TEXT, _OP_BINARY = 0x0, 0x1, 0x2
_OP_CLOSE, _OP_PING, _OP_PONG = 0x8, 0x9, 0xA
_MAX_HANDSHAKE_BYTES = 65536

#: Called with (opcode, payload) for every complete text (1) or binary (2) message.
MessageHandler = Callable[[int, bytes], None]


class HandshakeError(Exception):
    """The server refused the upgrade or answered something that is not a valid 101."""


class MiniWebSocket(asyncio.Protocol):
    """One client connection; ``opened`` resolves after a valid 101 Switching Protocols."""

    def __init__(
        self,
        target: str,
        host_header: str,
        on_message: MessageHandler,
        subprotocol: str | None = None,
    ) -> None:
        self._target = target
        self._host_header = host_header
        self._on_message = on_message
        self._subprotocol = subprotocol
        self._key = base64.b64encode(os.urandom(16))
        self._buffer = bytearray()
        self._fragments: list[bytes] = []
        self._fragment_opcode = 0
        self._upgraded = False
        self._transport: asyncio.Transport | None = None
        # Frames sent while received data is handled (an MQTT client's PUBACKs for the
        # PUBLISH packets of one read) go out in one write when that data is done, as a
        # client's socket buffer would join them; None outside ``data_received``.
        self._replies: bytearray | None = None
        self.opened: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        offer = f"Sec-WebSocket-Protocol: {self._subprotocol}\r\n" if self._subprotocol else ""
        transport.write(
            f"GET {self._target} HTTP/1.1\r\n"
            f"Host: {self._host_header}\r\n"
            "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {self._key.decode()}\r\n"
            f"{offer}"
            "Sec-WebSocket-Version: 13\r\n\r\n".encode()
        )

    def data_received(self, data: bytes) -> None:
        self._replies = bytearray()
        try:
            self._received(data)
        finally:
            self._flush_replies()

    def _flush_replies(self) -> None:
        replies, self._replies = self._replies, None
        if replies and self._transport is not None:
            self._transport.write(bytes(replies))

    def _received(self, data: bytes) -> None:
        self._buffer += data
        if not self._upgraded:
            end = self._buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self._buffer) > _MAX_HANDSHAKE_BYTES:
                    self._fail(HandshakeError("handshake response too large"))
                return
            head = bytes(self._buffer[:end])
            del self._buffer[: end + 4]
            error = self._check_handshake(head)
            if error is not None:
                self._fail(error)
                return
            self._upgraded = True
            self.opened.set_result(None)
        self._parse_frames()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.opened.done():
            self.opened.set_exception(HandshakeError(f"connection closed during handshake: {exc}"))
        if not self.closed.done():
            self.closed.set_result(None)

    def close(self) -> None:
        """Send a normal-closure frame; the server closes the TCP connection after it."""
        if self._transport is not None and not self._transport.is_closing():
            self._send_frame(_OP_CLOSE, (1000).to_bytes(2, "big"))

    def send_binary(self, payload: bytes) -> None:
        """Send one binary frame (``payload`` under 126 bytes, which MQTT's CONNECT of a
        load-generator client and its PUBACKs are)."""
        self._send_frame(_OP_BINARY, payload)

    def abort(self) -> None:
        if self._transport is not None:
            self._transport.abort()

    def _check_handshake(self, head: bytes) -> HandshakeError | None:
        lines = head.decode("latin-1").split("\r\n")
        if len(lines[0].split(" ")) < 2 or lines[0].split(" ")[1] != "101":
            return HandshakeError(f"server refused the upgrade: {lines[0]!r}")
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        expected = base64.b64encode(hashlib.sha1(self._key + _GUID).digest()).decode()
        if headers.get("sec-websocket-accept") != expected:
            return HandshakeError("wrong Sec-WebSocket-Accept in the 101 response")
        if "sec-websocket-extensions" in headers:
            return HandshakeError("server chose an extension this client did not offer")
        if headers.get("sec-websocket-protocol") != self._subprotocol:
            chosen = headers.get("sec-websocket-protocol")
            return HandshakeError(f"server chose subprotocol {chosen!r}, not {self._subprotocol!r}")
        return None

    def _parse_frames(self) -> None:
        buffer = self._buffer
        position = 0
        available = len(buffer)
        while available - position >= 2:
            first, second = buffer[position], buffer[position + 1]
            if second & 0x80:
                self._fail(HandshakeError("server sent a masked frame"))
                return
            length = second & 0x7F
            header = 2
            if length == 126:
                if available - position < 4:
                    break
                length = int.from_bytes(buffer[position + 2 : position + 4], "big")
                header = 4
            elif length == 127:
                if available - position < 10:
                    break
                length = int.from_bytes(buffer[position + 2 : position + 10], "big")
                header = 10
            end = position + header + length
            if end > available:
                break
            self._frame(first & 0x80, first & 0x0F, bytes(buffer[position + header : end]))
            position = end
        del buffer[:position]

    def _frame(self, fin: int, opcode: int, payload: bytes) -> None:
        if opcode in (_OP_TEXT, _OP_BINARY):
            if fin:
                self._on_message(opcode, payload)
            else:
                self._fragment_opcode, self._fragments = opcode, [payload]
        elif opcode == _OP_CONTINUATION:
            self._fragments.append(payload)
            if fin:
                self._on_message(self._fragment_opcode, b"".join(self._fragments))
                self._fragments = []
        elif opcode == _OP_PING:
            self._send_frame(_OP_PONG, payload)
        elif opcode == _OP_CLOSE:
            self._send_frame(_OP_CLOSE, payload[:2])
            self._flush_replies()
            if self._transport is not None:
                self._transport.close()

    def _send_frame(self, opcode: int, payload: bytes) -> None:
        # Client frames must be masked (RFC 6455 section 5.3); payloads here are < 126 bytes.
        assert len(payload) < 126, "this client sends small frames only"
        mask = os.urandom(4)
        size = len(payload)
        keys = (mask * (size // 4 + 1))[:size]
        masked = (int.from_bytes(payload, "big") ^ int.from_bytes(keys, "big")).to_bytes(
            size, "big"
        )
        frame = bytes([0x80 | opcode, 0x80 | len(payload)]) + mask + masked
        if self._replies is not None:
            self._replies += frame
            return
        assert self._transport is not None
        self._transport.write(frame)

    def _fail(self, error: HandshakeError) -> None:
        if not self.opened.done():
            self.opened.set_exception(error)
        if self._transport is not None:
            self._transport.abort()


async def connect(
    url: str, on_message: MessageHandler, subprotocol: str | None = None
) -> MiniWebSocket:
    """Open ``ws://host:port/path?query``, offering ``subprotocol`` if given (the server must
    choose it); raises ``HandshakeError`` or ``OSError`` on failure."""
    parts = urlsplit(url)
    if parts.scheme != "ws" or parts.hostname is None or parts.port is None:
        raise ValueError(f"expected ws://host:port/... with an explicit port, got {url!r}")
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    loop = asyncio.get_running_loop()
    _, protocol = await loop.create_connection(
        lambda: MiniWebSocket(target, parts.netloc, on_message, subprotocol),
        parts.hostname,
        parts.port,
    )
    await protocol.opened
    return protocol
