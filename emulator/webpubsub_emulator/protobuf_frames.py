"""The protobuf subprotocols (``protobuf.webpubsub.azure.v1`` and its reliable variant).

Same semantics as the JSON subprotocols, other encoding: each WebSocket message is one binary
frame holding an ``UpstreamMessage`` (client to service) or a ``DownstreamMessage`` (service
to client) from ``webpubsub/_proto/webpubsub_client.proto`` (shared with the client library).
``upstream_request`` turns a client frame into the request dict the JSON protocol produces, so
one handler serves both.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from google.protobuf.message import DecodeError
from webpubsub._proto import webpubsub_client_pb2

if TYPE_CHECKING:
    from .frames import Payload

# The generated module defines its classes at run time; they carry no static types.
_generated: Any = webpubsub_client_pb2
Downstream: Any = _generated.DownstreamMessage
_Upstream: Any = _generated.UpstreamMessage


def data_message(
    payload: Payload, group: str | None, from_user_id: str | None, sequence_id: int | None
) -> bytes:
    """A ``DownstreamMessage.data_message`` frame; json and text data travel as text."""
    # The protobuf DataMessage has no fromUserId member (the JSON one does).
    del from_user_id
    outer = Downstream()
    data = outer.data_message
    data.__setattr__("from", "server" if group is None else "group")
    if group is not None:
        data.group = group
    _fill(data.data, payload)
    if sequence_id is not None:
        data.sequence_id = sequence_id
    return bytes(outer.SerializeToString())


def _fill(target: Any, payload: Payload) -> None:
    if isinstance(payload.value, bytes):
        target.binary_data = payload.value
    else:
        target.text_data = payload.value


def control_message(message: dict[str, Any]) -> bytes:
    """The protobuf form of an ack, pong or system message built for the JSON protocol."""
    outer = Downstream()
    kind = message["type"]
    if kind == "ack":
        ack = outer.ack_message
        ack.ack_id = message["ackId"] if isinstance(message["ackId"], int) else 0
        ack.success = message["success"]
        if "error" in message:
            ack.error.name = message["error"]["name"]
            ack.error.message = message["error"]["message"]
    elif kind == "pong":
        outer.pong_message.SetInParent()
    elif message.get("event") == "connected":
        connected = outer.system_message.connected_message
        connected.connection_id = message["connectionId"]
        connected.user_id = message.get("userId") or ""
        connected.reconnection_token = message.get("reconnectionToken") or ""
    else:
        outer.system_message.disconnected_message.reason = message.get("message") or ""
    return bytes(outer.SerializeToString())


def upstream_request(frame: bytes) -> dict[str, Any] | None:
    """The request a client frame carries, shaped like a JSON-protocol request; None if the
    frame is not a valid ``UpstreamMessage``. Data arrives decoded under ``payload``."""
    from .frames import Payload

    message = _Upstream()
    try:
        message.ParseFromString(frame)
    except DecodeError:
        return None
    kind = message.WhichOneof("message")
    request: dict[str, Any]
    if kind == "sequence_ack_message":
        return {"type": "sequenceAck", "sequenceId": message.sequence_ack_message.sequence_id}
    if kind == "ping_message":
        return {"type": "ping"}
    if kind == "join_group_message" or kind == "leave_group_message":
        inner = getattr(message, kind)
        request = {"type": "joinGroup" if kind == "join_group_message" else "leaveGroup"}
        request["group"] = inner.group
    elif kind == "send_to_group_message":
        inner = message.send_to_group_message
        request = {"type": "sendToGroup", "group": inner.group, "noEcho": inner.no_echo}
        request["payload"] = _payload(inner.data, Payload)
    elif kind == "event_message":
        inner = message.event_message
        request = {"type": "event", "event": inner.event}
    else:
        return None
    if inner.HasField("ack_id"):
        request["ackId"] = inner.ack_id
    return request


def _payload(data: Any, payload_type: type[Payload]) -> Payload | None:
    which = data.WhichOneof("data")
    if which == "text_data":
        return payload_type("text", data.text_data)
    if which == "binary_data":
        return payload_type("binary", data.binary_data)
    if which == "protobuf_data":
        # Receivers see a protobuf payload as its serialized google.protobuf.Any bytes.
        return payload_type("binary", data.protobuf_data.SerializeToString())
    return None
