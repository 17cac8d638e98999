"""The messages a client sends and receives, independent of their encoding (JSON or protobuf)."""

from __future__ import annotations

from typing import Any

import attrs

from ..models import AckMessageError, WebPubSubDataType

# -- client to service ----------------------------------------------------------------------


@attrs.frozen
class JoinGroup:
    group: str
    ack_id: int | None


@attrs.frozen
class LeaveGroup:
    group: str
    ack_id: int | None


@attrs.frozen
class SendToGroup:
    group: str
    data_type: WebPubSubDataType
    data: Any
    no_echo: bool
    ack_id: int | None


@attrs.frozen
class SendEvent:
    event: str
    data_type: WebPubSubDataType
    data: Any
    ack_id: int | None


@attrs.frozen
class Invoke:
    """An ``invoke`` request (the upstream answers with an ``invokeResponse``)."""

    invocation_id: str
    event: str
    data_type: WebPubSubDataType
    data: Any


@attrs.frozen
class CancelInvocation:
    invocation_id: str


@attrs.frozen
class SequenceAck:
    sequence_id: int


Upstream = (
    JoinGroup | LeaveGroup | SendToGroup | SendEvent | Invoke | CancelInvocation | SequenceAck
)


# -- service to client ----------------------------------------------------------------------


@attrs.frozen
class Connected:
    connection_id: str
    user_id: str | None
    reconnection_token: str | None = attrs.field(repr=False)


@attrs.frozen
class Disconnected:
    message: str | None


@attrs.frozen
class Ack:
    ack_id: int
    success: bool
    error: AckMessageError | None


@attrs.frozen
class GroupData:
    group: str
    data_type: WebPubSubDataType
    data: Any
    from_user_id: str | None
    sequence_id: int | None


@attrs.frozen
class ServerData:
    data_type: WebPubSubDataType
    data: Any
    sequence_id: int | None


@attrs.frozen
class InvokeResponse:
    invocation_id: str
    success: bool
    data_type: WebPubSubDataType | None
    data: Any
    error: AckMessageError | None


@attrs.frozen
class Pong:
    pass


Downstream = Connected | Disconnected | Ack | GroupData | ServerData | InvokeResponse | Pong
