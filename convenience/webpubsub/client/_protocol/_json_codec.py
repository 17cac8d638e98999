"""The ``json.webpubsub.azure.v1`` and ``json.reliable.webpubsub.azure.v1`` encodings.

Frames are written member for member as azure-messaging-webpubsubclient 1.1.0 writes them
(same member order, ``json.dumps`` defaults), so both clients put the same text on the wire.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any, cast

from ..models import AckMessageError, WebPubSubDataType
from . import _messages as m

_decode = json.JSONDecoder().decode
# The service writes data types in lower case: a dict lookup per frame instead of the enum's
# case-insensitive constructor (still the fallback).
_DATA_TYPES = {member.value: member for member in WebPubSubDataType}


def encode(message: m.Upstream) -> str:
    """One text frame."""
    body: dict[str, Any]
    if isinstance(message, m.SendToGroup):
        body = {"type": "sendToGroup", "group": message.group}
        _ack(body, message.ack_id)
        body["dataType"] = message.data_type.value
        body["data"] = _data(message.data, message.data_type)
        body["noEcho"] = message.no_echo
    elif isinstance(message, m.SendEvent):
        body = {"type": "event", "event": message.event}
        _ack(body, message.ack_id)
        body["dataType"] = message.data_type.value
        body["data"] = _data(message.data, message.data_type)
    elif isinstance(message, m.JoinGroup):
        body = {"type": "joinGroup", "group": message.group}
        _ack(body, message.ack_id)
    elif isinstance(message, m.LeaveGroup):
        body = {"type": "leaveGroup", "group": message.group}
        _ack(body, message.ack_id)
    elif isinstance(message, m.SequenceAck):
        body = {"type": "sequenceAck", "sequenceId": message.sequence_id}
    elif isinstance(message, m.Invoke):
        body = {
            "type": "invoke",
            "invocationId": message.invocation_id,
            "target": "event",
            "event": message.event,
            "dataType": message.data_type.value,
            "data": _data(message.data, message.data_type),
        }
    else:
        body = {"type": "cancelInvocation", "invocationId": message.invocation_id}
    return json.dumps(body)


def _ack(body: dict[str, Any], ack_id: int | None) -> None:
    if ack_id is not None:
        body["ackId"] = ack_id


def _data(data: Any, data_type: WebPubSubDataType) -> Any:
    if data_type in (WebPubSubDataType.BINARY, WebPubSubDataType.PROTOBUF):
        raw = data.SerializeToString() if hasattr(data, "SerializeToString") else bytes(data)
        return base64.b64encode(raw).decode("ascii")
    return data


def decode(frame: str | bytes) -> m.Downstream | None:
    """The message a frame carries; None for a frame this client does not know (ignored, as
    the official client does, for forward compatibility). Raises ``ValueError`` when the frame
    is not a JSON object or lacks a member its type requires."""
    try:
        return _decode_message(frame)
    except (KeyError, TypeError, UnicodeDecodeError) as error:
        raise ValueError(f"malformed JSON-protocol frame: {error!r}") from None


def _decode_message(frame: str | bytes) -> m.Downstream | None:
    decoded: Any = _decode(frame if isinstance(frame, str) else frame.decode("utf-8"))
    if not isinstance(decoded, dict):
        raise ValueError("a JSON-protocol frame must be a JSON object")
    message = cast("dict[str, Any]", decoded)
    kind = message.get("type")
    if kind == "message":
        data_type, data = _payload(message)
        if data_type is None:
            return None
        if message.get("from") == "group":
            return m.GroupData(
                str(message.get("group")),
                data_type,
                data,
                message.get("fromUserId"),
                message.get("sequenceId"),
            )
        return m.ServerData(data_type, data, message.get("sequenceId"))
    if kind == "ack":
        return m.Ack(int(message["ackId"]), bool(message.get("success")), _error(message))
    if kind == "system":
        event = message.get("event")
        if event == "connected":
            return m.Connected(
                str(message.get("connectionId")),
                message.get("userId"),
                message.get("reconnectionToken"),
            )
        if event == "disconnected":
            return m.Disconnected(message.get("message"))
        return None
    if kind == "invokeResponse":
        data_type, data = _payload(message) if "dataType" in message else (None, None)
        return m.InvokeResponse(
            str(message.get("invocationId")),
            bool(message.get("success")),
            data_type,
            data,
            _error(message),
        )
    if kind == "pong":
        return m.Pong()
    return None


def _payload(message: dict[str, Any]) -> tuple[WebPubSubDataType | None, Any]:
    value = message.get("dataType")
    data_type = _DATA_TYPES.get(value) if isinstance(value, str) else None
    if data_type is None:
        try:
            data_type = WebPubSubDataType(value)
        except ValueError:
            return None, None
    data = message.get("data")
    if data_type in (WebPubSubDataType.BINARY, WebPubSubDataType.PROTOBUF):
        try:
            data = memoryview(base64.b64decode(data if isinstance(data, str) else ""))
        except binascii.Error:
            return None, None
    return data_type, data


def _error(message: dict[str, Any]) -> AckMessageError | None:
    error: Any = message.get("error")
    if not isinstance(error, dict):
        return None
    error = cast("dict[str, Any]", error)
    return AckMessageError(name=str(error.get("name", "")), message=str(error.get("message", "")))
