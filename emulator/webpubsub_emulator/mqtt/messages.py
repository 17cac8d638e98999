"""Messages between MQTT and the other protocols, per "Cross-protocol communication between
MQTT clients and Web PubSub clients".

Data types follow the MQTT 5.0 content type: ``application/json`` is JSON, ``text/plain``
text, anything else (``application/octet-stream``, ``application/x-protobuf``, none, and
every MQTT 3.1.1 message) binary. Text and JSON travel as UTF-8 in MQTT payloads. A message
expiry interval becomes the message's TTL for every protocol; the other MQTT 5.0 properties
(user properties, content type, payload format, response topic, correlation data) reach
MQTT subscribers only.

Outgoing PUBLISH packets are encoded once per message, protocol level and QoS: only the
packet identifier differs between recipients, and it sits at a fixed place.
"""

from __future__ import annotations

import json
import time

import attrs
from webpubsub import _mqtt as mqtt
from websockets.frames import Frame, Opcode

from ..direct_send import FRAME
from ..frames import EXPIRES_AT, DataMessage, Payload, SendEvent
from .rules import SERVER_MESSAGES_TOPIC

_CONTENT_TYPES = {
    "text": "text/plain",
    "json": "application/json",
    "binary": "application/octet-stream",
}


class MqttMessage(DataMessage):
    """A message an MQTT client published: a group message that keeps its MQTT fields."""

    def __init__(
        self,
        publish: mqtt.Publish,
        *,
        level: int,
        sender: str,
        from_user_id: str | None,
    ) -> None:
        expiry = publish.properties.message_expiry_interval
        super().__init__(
            payload_of(publish, level),
            group=publish.topic,
            from_user_id=from_user_id,
            ttl_seconds=expiry,
        )
        self.qos = publish.qos
        self.sender = sender
        props = publish.properties
        # What an MQTT 5.0 subscriber gets (the expiry is recomputed per delivery).
        self.forwarded = mqtt.Properties(
            payload_format_indicator=props.payload_format_indicator,
            content_type=props.content_type,
            response_topic=props.response_topic,
            correlation_data=props.correlation_data,
            user_properties=props.user_properties,
        )
        self.mqtt_payload = publish.payload


def payload_of(publish: mqtt.Publish, level: int) -> Payload:
    """The Web PubSub data (type and value) of an MQTT PUBLISH."""
    content_type = publish.properties.content_type if level == mqtt.MQTT_5 else None
    kind = (content_type or "").split(";")[0].strip().lower()
    if kind in ("application/json", "text/plain"):
        try:
            text = publish.payload.decode("utf-8")
            if kind == "text/plain":
                return Payload("text", text)
            json.loads(text)
            return Payload("json", text)
        except ValueError:
            pass  # not what the content type says: pass the bytes on as binary
    return Payload("binary", publish.payload)


class _Encoded:
    """One message's PUBLISH packet for one (level, QoS): the bytes around the packet id."""

    __slots__ = ("_frame_parts", "head", "qos0_event", "tail")

    def __init__(self, head: bytes, tail: bytes) -> None:
        self.head = head
        self.tail = tail
        # QoS 0 packets have no packet id: every recipient shares one send event.
        self.qos0_event: SendEvent = {"type": "websocket.send", "bytes": head + tail}
        self._frame_parts: tuple[bytes, bytes] | None = None

    def frame(self, ident: bytes) -> bytes:
        """The WebSocket frame of this packet with packet id ``ident`` (2 bytes): the frame
        is serialised once per message, and each recipient's id spliced into it."""
        parts = self._frame_parts
        if parts is None:
            packet = self.head + ident + self.tail
            frame = Frame(Opcode.BINARY, packet).serialize(mask=False)
            at = len(frame) - len(packet) + len(self.head)
            parts = self._frame_parts = (frame[:at], frame[at + len(ident) :])
        return parts[0] + ident + parts[1]


class _LastMessage:
    """The encodings of the message being fanned out. A fan-out delivers one message to
    every recipient in a row, so remembering the last one is enough (and cheaper than a
    weak mapping, which makes a weak reference on every lookup)."""

    message: DataMessage | None = None
    encodings: dict[tuple[int, int], _Encoded] = {}  # noqa: RUF012 - replaced, never mutated in place


def publish_event(
    message: DataMessage,
    level: int,
    qos: int,
    packet_id: int | None,
    subscription_ids: tuple[int, ...] = (),
    dup: bool = False,
) -> SendEvent:
    """The send event of the PUBLISH packet delivering ``message`` at ``qos`` (with
    ``packet_id`` when QoS > 0; ``dup`` when sent again). Do not mutate it: QoS 0 events
    are shared."""
    if message.expires_at is None and not subscription_ids:
        if _LastMessage.message is not message:
            _LastMessage.message, _LastMessage.encodings = message, {}
        encodings = _LastMessage.encodings
        encoded = encodings.get((level, qos))
        if encoded is None:
            encoded = encodings[(level, qos)] = _encode(message, level, qos, ())
        if packet_id is None:
            return encoded.qos0_event
        ident = packet_id.to_bytes(2, "big")
        if not dup:
            return {
                "type": "websocket.send",
                "bytes": encoded.head + ident + encoded.tail,
                FRAME: encoded.frame(ident),
            }
    else:
        encoded = _encode(message, level, qos, subscription_ids)
    head = encoded.head
    if dup:
        head = bytes([head[0] | 0x08]) + head[1:]
    ident = b"" if packet_id is None else packet_id.to_bytes(2, "big")
    event: SendEvent = {"type": "websocket.send", "bytes": head + ident + encoded.tail}
    if message.expires_at is not None:
        event[EXPIRES_AT] = message.expires_at
    return event


def _encode(
    message: DataMessage, level: int, qos: int, subscription_ids: tuple[int, ...]
) -> _Encoded:
    topic = message.topic if message.topic is not None else SERVER_MESSAGES_TOPIC
    if isinstance(message, MqttMessage):
        payload, properties = message.mqtt_payload, message.forwarded
    else:
        value = message.payload.value
        payload = value if isinstance(value, bytes) else value.encode("utf-8")
        data_type = message.payload.data_type
        properties = mqtt.Properties(
            payload_format_indicator=None if data_type == "binary" else 1,
            content_type=_CONTENT_TYPES[data_type],
        )
    props = b""
    if level == mqtt.MQTT_5:
        expiry = None
        if message.expires_at is not None:
            expiry = max(1, round(message.expires_at - time.monotonic()))
        props = mqtt.encode_properties(
            attrs.evolve(
                properties,
                message_expiry_interval=expiry,
                subscription_identifiers=subscription_ids,
            )
        )
    topic_bytes = mqtt.string(topic)
    id_length = 2 if qos else 0
    remaining = len(topic_bytes) + id_length + len(props) + len(payload)
    head = bytes([mqtt.PacketType.PUBLISH << 4 | qos << 1]) + mqtt.variable_integer(remaining)
    return _Encoded(head + topic_bytes, props + payload)
