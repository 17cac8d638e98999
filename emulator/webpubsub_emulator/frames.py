"""Outgoing WebSocket frames, encoded once per message and shared by every recipient.

A message fanned out to a thousand connections is serialised at most once per protocol:
raw connections share one ASGI send event, JSON connections share another, and reliable
connections only splice their own ``sequenceId`` onto the shared JSON text.
"""

from __future__ import annotations

import base64
import enum
import json
import time
from functools import cached_property
from typing import Any, Literal

import attrs

from . import protobuf_frames

DataType = Literal["text", "json", "binary"]
SendEvent = dict[str, Any]  # an ASGI "websocket.send" event
# Key of a send event holding the ``time.monotonic()`` after which it must not go out
# (``messageTtlSeconds``); ASGI servers ignore keys they do not know.
EXPIRES_AT = "webpubsub.expires_at"


def expired(event: SendEvent) -> bool:
    """Whether the message's TTL ran out before it could be handed to the socket."""
    deadline: float | None = event.get(EXPIRES_AT)
    return deadline is not None and time.monotonic() > deadline


class Protocol(enum.Enum):
    """The WebSocket subprotocol a client connected with."""

    RAW = ""
    JSON = "json.webpubsub.azure.v1"
    RELIABLE_JSON = "json.reliable.webpubsub.azure.v1"
    PROTOBUF = "protobuf.webpubsub.azure.v1"
    RELIABLE_PROTOBUF = "protobuf.reliable.webpubsub.azure.v1"
    # Only on the MQTT endpoint (``/clients/mqtt/hubs/{hub}``), never negotiated on /client.
    MQTT = "mqtt"

    @property
    def is_json(self) -> bool:
        return self in (Protocol.JSON, Protocol.RELIABLE_JSON)

    @property
    def is_protobuf(self) -> bool:
        return self in (Protocol.PROTOBUF, Protocol.RELIABLE_PROTOBUF)

    @property
    def is_reliable(self) -> bool:
        return self in (Protocol.RELIABLE_JSON, Protocol.RELIABLE_PROTOBUF)


def negotiate(offered: list[str]) -> Protocol | None:
    """Pick the protocol for the offered subprotocols: raw if none, None if none supported."""
    if not offered:
        return Protocol.RAW
    for name in offered:
        for protocol in Protocol:
            if protocol in (Protocol.RAW, Protocol.MQTT):
                continue
            if name.lower() == protocol.value:
                return protocol
    return None


@attrs.frozen
class Payload:
    """Message data with its type: ``text`` -> str, ``json`` -> JSON text, ``binary`` -> bytes."""

    data_type: DataType
    value: str | bytes

    @classmethod
    def from_json_value(cls, value: object) -> Payload:
        return cls("json", json.dumps(value, separators=(",", ":"), ensure_ascii=False))

    def json_fragment(self) -> str:
        """The ``data`` member as it appears inside a JSON-protocol message."""
        if self.data_type == "binary":
            assert isinstance(self.value, bytes)
            return '"' + base64.b64encode(self.value).decode("ascii") + '"'
        assert isinstance(self.value, str)
        if self.data_type == "json":
            return self.value
        return json.dumps(self.value, ensure_ascii=False)

    def raw_event(self) -> SendEvent:
        if isinstance(self.value, bytes):
            return {"type": "websocket.send", "bytes": self.value}
        return {"type": "websocket.send", "text": self.value}


class DataMessage:
    """A message from the server (REST) or from a group, ready to fan out."""

    def __init__(
        self,
        payload: Payload,
        *,
        group: str | None = None,
        from_user_id: str | None = None,
        ttl_seconds: int | None = None,
    ) -> None:
        self.payload = payload
        self.group = group
        # The MQTT topic: the group, also for a REST send to a group (which the other
        # protocols show as a message from the server, with no group).
        self.topic = group
        self.from_user_id = from_user_id
        # messageTtlSeconds 0 (or none) means the message never expires.
        self.expires_at = time.monotonic() + ttl_seconds if ttl_seconds else None

    def _event(self, event: SendEvent) -> SendEvent:
        if self.expires_at is not None:
            event[EXPIRES_AT] = self.expires_at
        return event

    @cached_property
    def raw_event(self) -> SendEvent:
        return self._event(self.payload.raw_event())

    @cached_property
    def json_text(self) -> str:
        head: dict[str, Any] = {"type": "message"}
        if self.group is None:
            head["from"] = "server"
        else:
            head["from"] = "group"
            head["group"] = self.group
            if self.from_user_id is not None:
                head["fromUserId"] = self.from_user_id
        head["dataType"] = self.payload.data_type
        encoded_head = json.dumps(head, separators=(",", ":"), ensure_ascii=False)
        return encoded_head[:-1] + ',"data":' + self.payload.json_fragment() + "}"

    @cached_property
    def json_event(self) -> SendEvent:
        return self._event({"type": "websocket.send", "text": self.json_text})

    @cached_property
    def protobuf_event(self) -> SendEvent:
        return self.reliable_protobuf_event(None)

    def reliable_protobuf_event(self, sequence_id: int | None) -> SendEvent:
        frame = protobuf_frames.data_message(
            self.payload, self.group, self.from_user_id, sequence_id
        )
        return self._event({"type": "websocket.send", "bytes": frame})

    def reliable_event(self, sequence_id: int) -> SendEvent:
        return self._event(
            {
                "type": "websocket.send",
                "text": f'{{"sequenceId":{sequence_id},{self.json_text[1:]}',
            }
        )


def control_event(message: dict[str, Any], protocol: Protocol) -> SendEvent:
    """An ack/system/pong message (given in its JSON form) for a subprotocol client."""
    if protocol.is_protobuf:
        return {"type": "websocket.send", "bytes": protobuf_frames.control_message(message)}
    return {"type": "websocket.send", "text": json.dumps(message, separators=(",", ":"))}
