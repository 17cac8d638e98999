"""The ``protobuf.webpubsub.azure.v1`` and ``protobuf.reliable.webpubsub.azure.v1`` encodings
(``webpubsub/_proto/webpubsub_client.proto``, shared with the emulator).

Data travels as ``text_data`` (text, and JSON as its serialized text: the subprotocol has no
JSON type, so JSON arrives as text), ``binary_data`` or ``protobuf_data`` (a
``google.protobuf.Any``). The subprotocol has no ``invoke`` message.
"""

from __future__ import annotations

import json
from typing import Any

from google.protobuf import any_pb2
from google.protobuf.message import DecodeError

from webpubsub._proto import webpubsub_client_pb2

from ..models import AckMessageError, WebPubSubDataType
from . import _messages as m

# The generated module defines its classes at run time; they carry no static types.
_generated: Any = webpubsub_client_pb2
_Upstream: Any = _generated.UpstreamMessage
_Downstream: Any = _generated.DownstreamMessage
_AnyMessage: Any = any_pb2.Any


def encode(message: m.Upstream) -> bytes:
    """One binary frame. Raises ``ValueError`` for ``invoke``, which has no protobuf form."""
    outer = _Upstream()
    if isinstance(message, m.SendToGroup):
        inner = outer.send_to_group_message
        inner.group = message.group
        _fill(inner.data, message.data, message.data_type)
        if message.no_echo:
            inner.no_echo = True
    elif isinstance(message, m.SendEvent):
        inner = outer.event_message
        inner.event = message.event
        _fill(inner.data, message.data, message.data_type)
    elif isinstance(message, m.JoinGroup):
        inner = outer.join_group_message
        inner.group = message.group
    elif isinstance(message, m.LeaveGroup):
        inner = outer.leave_group_message
        inner.group = message.group
    elif isinstance(message, m.SequenceAck):
        outer.sequence_ack_message.sequence_id = message.sequence_id
        return bytes(outer.SerializeToString())
    else:
        raise ValueError("invoke_event needs a JSON subprotocol (protobuf has no invoke)")
    if message.ack_id is not None:
        inner.ack_id = message.ack_id
    return bytes(outer.SerializeToString())


def _fill(target: Any, data: Any, data_type: WebPubSubDataType) -> None:
    if data_type is WebPubSubDataType.TEXT:
        target.text_data = data
    elif data_type is WebPubSubDataType.JSON:
        target.text_data = json.dumps(data)
    elif data_type is WebPubSubDataType.BINARY:
        target.binary_data = bytes(data)
    elif isinstance(data, _AnyMessage):
        target.protobuf_data.CopyFrom(data)
    elif hasattr(data, "SerializeToString"):
        target.protobuf_data.Pack(data)
    else:
        target.protobuf_data.ParseFromString(bytes(data))


def decode(frame: str | bytes) -> m.Downstream | None:
    """The message a frame carries; None for a kind this client does not know. Raises
    ``ValueError`` when the frame is not a ``DownstreamMessage``."""
    if isinstance(frame, str):
        raise ValueError("a protobuf-protocol frame must be binary")
    outer = _Downstream()
    try:
        outer.ParseFromString(frame)
    except DecodeError as error:
        raise ValueError(f"not a protobuf DownstreamMessage: {error}") from None
    kind = outer.WhichOneof("message")
    if kind == "data_message":
        data = outer.data_message
        payload = _payload(data.data)
        if payload is None:
            return None
        sequence_id = data.sequence_id if data.HasField("sequence_id") else None
        if data.HasField("group") or getattr(data, "from") == "group":
            return m.GroupData(data.group, payload[0], payload[1], None, sequence_id)
        return m.ServerData(payload[0], payload[1], sequence_id)
    if kind == "ack_message":
        ack = outer.ack_message
        refusal = None
        if ack.HasField("error"):
            refusal = AckMessageError(name=ack.error.name, message=ack.error.message)
        return m.Ack(int(ack.ack_id), bool(ack.success), refusal)
    if kind == "system_message":
        system = outer.system_message
        which = system.WhichOneof("message")
        if which == "connected_message":
            connected = system.connected_message
            return m.Connected(
                connected.connection_id,
                connected.user_id or None,
                connected.reconnection_token or None,
            )
        if which == "disconnected_message":
            return m.Disconnected(system.disconnected_message.reason or None)
        return None
    if kind == "pong_message":
        return m.Pong()
    return None


def _payload(data: Any) -> tuple[WebPubSubDataType, Any] | None:
    which = data.WhichOneof("data")
    if which == "text_data":
        return WebPubSubDataType.TEXT, data.text_data
    if which == "binary_data":
        return WebPubSubDataType.BINARY, memoryview(data.binary_data)
    if which == "protobuf_data":
        return WebPubSubDataType.PROTOBUF, data.protobuf_data
    return None
