"""An MQTT 5.0 client for the demo, over ``websockets`` with the SDK's sans-I/O MQTT codec
(so the demo needs no MQTT library), recording every PUBLISH the service sends it."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Callable

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from webpubsub._mqtt import (
    MQTT_5,
    ConnAck,
    Connect,
    Disconnect,
    PacketStream,
    PubAck,
    Publish,
    decode,
    encode,
)
from webpubsub.demo._changes import Changes

MAX_PACKET_SIZE = 1 << 20  # bytes; the demo's messages are tiny


class DemoMqttClient:
    """One MQTT connection; ``messages`` lists the PUBLISH packets received, in order."""

    def __init__(self, user_id: str) -> None:
        self.user_id = user_id
        self.label = f"{user_id} (mqtt 5.0)"
        self.client_id = (
            f"demo{user_id}{uuid.uuid4().hex[:8]}"  # the connection id: [0-9a-zA-Z]{1,128}
        )
        self.messages: list[Publish] = []
        self.connack: ConnAck | None = None
        self.closed = False
        self._stream = PacketStream(MAX_PACKET_SIZE)
        self._changed = Changes()
        self._websocket: ClientConnection | None = None
        self._reader: asyncio.Task[None] | None = None

    async def connect(self, url: str, timeout: float) -> int | None:
        """Open the WebSocket (subprotocol ``mqtt``) to the MQTT client URL, send CONNECT and
        wait up to ``timeout`` seconds for CONNACK; its reason code (0 = accepted), or None
        when none came. Raises the websockets/OS error when the handshake is refused."""
        self._websocket = await connect(
            url, subprotocols=[Subprotocol("mqtt")], open_timeout=timeout
        )
        self._reader = asyncio.create_task(self._read(self._websocket))
        await self._websocket.send(encode(Connect(client_id=self.client_id), MQTT_5))
        await self.wait_until(lambda: self.connack is not None or self.closed, timeout)
        return None if self.connack is None else self.connack.code

    async def _read(self, websocket: ClientConnection) -> None:
        try:
            async for frame in websocket:
                data = frame.encode("utf-8") if isinstance(frame, str) else frame
                for first, body in self._stream.feed(data):
                    await self._record(websocket, decode(first, body, MQTT_5))
        except (ConnectionClosed, ValueError):
            pass  # a close or an unreadable packet ends the session; the scenario checks it
        finally:
            self.closed = True
            await self._changed.notify()

    async def _record(self, websocket: ClientConnection, packet: object) -> None:
        if isinstance(packet, ConnAck):
            self.connack = packet
        elif isinstance(packet, Publish):
            self.messages.append(packet)
            if packet.qos == 1 and packet.packet_id is not None:
                await websocket.send(encode(PubAck(packet.packet_id), MQTT_5))
        elif isinstance(packet, Disconnect):
            await websocket.close()
        await self._changed.notify()

    async def wait_until(self, condition: Callable[[], bool], timeout: float) -> bool:
        """Wait until ``condition()`` holds; False if it still does not after ``timeout`` s."""
        return await self._changed.wait_until(condition, timeout)

    async def close(self) -> None:
        """Send DISCONNECT and close the connection (if still open), then stop reading."""
        if self._websocket is not None and not self.closed:
            with contextlib.suppress(ConnectionClosed):
                await self._websocket.send(encode(Disconnect(), MQTT_5))
            await self._websocket.close()
        if self._reader is not None:
            await self._reader


def show_publish(packet: Publish) -> str:
    """A PUBLISH as the demo shows it: the data type its content type maps to, the payload
    (text and JSON quoted, binary in hex) and the topic (a group, or
    ``$webpubsub/server/messages`` for sends to all, a user or a connection)."""
    content_type = packet.properties.content_type
    if content_type in ("text/plain", "application/json"):
        kind = "text" if content_type == "text/plain" else "json"
        return f"{kind} {packet.payload.decode('utf-8', 'replace')!r} on {packet.topic}"
    return f"binary {packet.payload.hex(' ')} on {packet.topic}"
