"""Decoding what a Web PubSub client receives, for the raw and JSON subprotocols.

Used by ``webpubsub listen`` and ``webpubsub demo``, which both act as real clients.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Literal

import attrs

from webpubsub._narrowing import is_json_object

DataType = Literal["text", "json", "binary"]
Protocol = Literal["raw", "json", "reliable"]

#: The WebSocket subprotocol offered for each protocol; raw offers none.
SUBPROTOCOLS: dict[Protocol, str | None] = {
    "raw": None,
    "json": "json.webpubsub.azure.v1",
    "reliable": "json.reliable.webpubsub.azure.v1",
}


class ProtocolViolation(ValueError):
    """The service sent a frame this protocol does not allow."""


@attrs.frozen
class Message:
    """A message delivered to the client.

    ``data`` is ``str`` for text, ``bytes`` for binary and the decoded value for JSON.
    ``source`` is ``"server"`` (REST send) or ``"group"`` (another client's sendToGroup);
    raw clients cannot tell, so for them it is always ``"server"``.
    """

    data_type: DataType
    data: object
    source: str = "server"
    group: str | None = None
    from_user_id: str | None = None
    sequence_id: int | None = None


@attrs.frozen
class Connected:
    """The ``connected`` system event that opens a JSON-protocol session."""

    connection_id: str
    user_id: str | None


@attrs.frozen
class Disconnected:
    """The ``disconnected`` system event the service sends before closing."""

    message: str


@attrs.frozen
class Ack:
    """The service's answer to a client request carrying an ``ackId``."""

    ack_id: int
    success: bool
    error_name: str | None


Event = Message | Connected | Disconnected | Ack


def decode_raw(frame: str | bytes) -> Message:
    """A raw-protocol frame is the message itself: text frames are text, binary are binary."""
    if isinstance(frame, bytes):
        return Message("binary", frame)
    return Message("text", frame)


def decode_json(frame: str | bytes) -> Event | None:
    """Decode one JSON-protocol frame; None for frames that carry nothing for us (pong).

    Raises :class:`ProtocolViolation` when the frame is not a JSON object of a known shape.
    """
    try:
        body = json.loads(frame)
    except ValueError as exc:
        raise ProtocolViolation(f"service sent a frame that is not JSON: {exc}") from None
    if not is_json_object(body):
        raise ProtocolViolation("service sent a JSON frame that is not an object")
    kind = body.get("type")
    if kind == "message":
        return _message(body)
    if kind == "system" and body.get("event") == "connected":
        return Connected(str(body.get("connectionId", "")), body.get("userId"))
    if kind == "system" and body.get("event") == "disconnected":
        return Disconnected(str(body.get("message", "")))
    if kind == "ack":
        error = body.get("error")
        name = error.get("name") if is_json_object(error) else None
        return Ack(int(body.get("ackId", -1)), bool(body.get("success")), name)
    return None


def _message(body: dict[str, object]) -> Message:
    data_type = body.get("dataType")
    if data_type not in ("text", "json", "binary"):
        raise ProtocolViolation(f"service sent a message with unknown dataType {data_type!r}")
    data = body.get("data")
    if data_type == "binary":
        try:
            data = base64.b64decode(str(data), validate=True)
        except binascii.Error:
            raise ProtocolViolation("service sent binary data that is not base64") from None
    sequence_id = body.get("sequenceId")
    return Message(
        data_type=data_type,
        data=data,
        source=str(body.get("from", "server")),
        group=_optional_str(body.get("group")),
        from_user_id=_optional_str(body.get("fromUserId")),
        sequence_id=sequence_id if isinstance(sequence_id, int) else None,
    )


def _optional_str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def sequence_ack(sequence_id: int) -> str:
    """The frame a reliable client sends to acknowledge messages up to ``sequence_id``."""
    return json.dumps({"type": "sequenceAck", "sequenceId": sequence_id})


def send_to_group(group: str, text: str, ack_id: int) -> str:
    """The frame asking the service to deliver ``text`` to ``group``, acknowledged by ack_id."""
    return json.dumps(
        {"type": "sendToGroup", "group": group, "dataType": "text", "data": text, "ackId": ack_id}
    )
