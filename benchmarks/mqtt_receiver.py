"""The MQTT side of a load-generator client: CONNECT, optional SUBSCRIBE, PUBLISH payloads out.

Packets are cut from the frames with the SDK's sans-I/O ``PacketStream``; CONNACK and
SUBACK are decoded with its codec. A PUBLISH, the packet the benchmark receives 100,000
times a second, is read by a few lines here instead of the codec's full decode (properties,
attrs objects), and its PUBACK is a prebuilt 4-byte packet: the same reason the load
generator uses :class:`MiniWebSocket`, so that the emulator rather than the client is what is
measured.
"""

from __future__ import annotations

import asyncio

from webpubsub._mqtt import (
    MQTT_5,
    ConnAck,
    Connect,
    PacketStream,
    PacketType,
    SubAck,
    Subscribe,
    Subscription,
    decode,
    encode,
)

from .mini_websocket import MessageHandler, MiniWebSocket

_OP_BINARY = 0x2
_MAX_PACKET_SIZE = 1 << 16  # bytes; benchmark messages are a few digits
_HANDSHAKE_TIMEOUT = 30.0  # seconds for CONNACK and SUBACK
_PUBLISH = PacketType.PUBLISH
_PUBACK_HEAD = bytes([PacketType.PUBACK << 4, 2])  # MQTT 5.0 PUBACK, success, no properties


class HandshakeRefused(Exception):
    """The service answered CONNECT or SUBSCRIBE with a failure code."""


class MqttReceiver:
    """One MQTT 5.0 connection's packets: each PUBLISH payload goes to ``on_message`` (as a
    binary message), and QoS 1 ones are acknowledged."""

    def __init__(self, client_id: str, on_message: MessageHandler) -> None:
        self._client_id = client_id
        self._on_message = on_message
        self._stream = PacketStream(_MAX_PACKET_SIZE)
        self._socket: MiniWebSocket | None = None
        self._answer: asyncio.Future[int] | None = None

    async def start(self, socket: MiniWebSocket, topic: str | None) -> None:
        """Send CONNECT on the open ``socket`` and wait for an accepting CONNACK; then, if
        ``topic`` is given, subscribe to it at QoS 0 and wait for the SUBACK."""
        self._socket = socket
        connect = Connect(client_id=self._client_id, keep_alive=0)
        await self._exchange(encode(connect, MQTT_5), "CONNECT")
        if topic is not None:
            subscribe = Subscribe(packet_id=1, subscriptions=(Subscription(topic, qos=0),))
            await self._exchange(encode(subscribe, MQTT_5), f"SUBSCRIBE {topic}")

    async def _exchange(self, packet: bytes, what: str) -> None:
        assert self._socket is not None
        self._answer = asyncio.get_running_loop().create_future()
        self._socket.send_binary(packet)
        code = await asyncio.wait_for(self._answer, _HANDSHAKE_TIMEOUT)
        if code not in (0, 1):  # CONNACK success; SUBACK granted QoS 0 (or 1)
            raise HandshakeRefused(f"{what} of {self._client_id}: code 0x{code:02X}")

    def on_frame(self, opcode: int, payload: bytes) -> None:
        for first, body in self._stream.feed(payload):
            if first >> 4 == _PUBLISH:
                self._publish(first, body)
                continue
            packet = decode(first, body, MQTT_5)
            answer = self._answer
            if answer is not None and not answer.done():
                if isinstance(packet, ConnAck):
                    answer.set_result(packet.code)
                elif isinstance(packet, SubAck):
                    answer.set_result(packet.codes[0])

    def _publish(self, first: int, body: bytes) -> None:
        # MQTT 5.0 PUBLISH: topic (2-byte length), packet id if QoS > 0, properties
        # (variable-integer length), payload.
        position = 2 + int.from_bytes(body[:2], "big")
        qos = (first >> 1) & 0x03
        packet_id = body[position : position + 2] if qos else b""
        position += len(packet_id)
        length = shift = 0
        while True:
            digit = body[position]
            position += 1
            length |= (digit & 0x7F) << shift
            shift += 7
            if not digit & 0x80:
                break
        self._on_message(_OP_BINARY, body[position + length :])
        if packet_id and self._socket is not None:
            self._socket.send_binary(_PUBACK_HEAD + packet_id)
