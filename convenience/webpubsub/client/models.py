"""Enums, callback arguments and errors of the Web PubSub client library.

The names, fields and constructor signatures are those of
``azure.messaging.webpubsubclient.models`` 1.1.0, so code moving from it changes only its
imports. Additions: the protobuf subprotocols in ``WebPubSubProtocolType``, ``RetryMode``
(azure-core's, without azure-core), ``InvokeEventResult`` and ``InvokeEventError`` for
``invoke_event``.
"""

from __future__ import annotations

import enum
from typing import Any

__all__ = [
    "AckMessageError",
    "CallbackType",
    "InvokeEventError",
    "InvokeEventResult",
    "OnConnectedArgs",
    "OnDisconnectedArgs",
    "OnGroupDataMessageArgs",
    "OnRejoinGroupFailedArgs",
    "OnServerDataMessageArgs",
    "OpenClientError",
    "RetryMode",
    "SendMessageError",
    "WebPubSubDataType",
    "WebPubSubProtocolType",
]


class _CaseInsensitiveEnum(str, enum.Enum):
    """A str enum that also accepts its values in any case, as azure-core's enums do."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if isinstance(value, str):
            for member in cls:
                if member.value.lower() == value.lower():
                    return member
        return None

    def __str__(self) -> str:
        return str(self.value)


class WebPubSubDataType(_CaseInsensitiveEnum):
    """The type of a message's data: ``text`` (str), ``json`` (any JSON value), ``binary``
    (bytes-like) or ``protobuf`` (a protobuf message, protobuf subprotocols only)."""

    BINARY = "binary"
    JSON = "json"
    TEXT = "text"
    PROTOBUF = "protobuf"


class CallbackType(_CaseInsensitiveEnum):
    """The events ``subscribe`` accepts listeners for."""

    CONNECTED = "connected"
    DISCONNECTED = "disconnected"
    STOPPED = "stopped"
    SERVER_MESSAGE = "server-message"
    GROUP_MESSAGE = "group-message"
    REJOIN_GROUP_FAILED = "rejoin-group-failed"


class WebPubSubProtocolType(_CaseInsensitiveEnum):
    """The WebSocket subprotocol the client speaks. The reliable ones resume a dropped
    connection (same connection id, no message lost); the protobuf ones encode frames as
    protobuf instead of JSON."""

    JSON = "json.webpubsub.azure.v1"
    JSON_RELIABLE = "json.reliable.webpubsub.azure.v1"
    PROTOBUF = "protobuf.webpubsub.azure.v1"
    PROTOBUF_RELIABLE = "protobuf.reliable.webpubsub.azure.v1"


class RetryMode(_CaseInsensitiveEnum):
    """How retry delays grow; the same values as ``azure.core.pipeline.policies.RetryMode``
    (which is accepted too)."""

    Exponential = "exponential"
    Fixed = "fixed"


class AckMessageError:
    """What the service said when it refused a message (an ack with ``success: false``).

    :ivar name: the error name, e.g. ``Forbidden``, ``InvalidRequest``, ``Timeout``.
    :ivar message: the human-readable explanation.
    """

    def __init__(self, *, name: str, message: str) -> None:
        self.name = name
        self.message = message

    def __repr__(self) -> str:
        return f"AckMessageError(name={self.name!r}, message={self.message!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, AckMessageError):
            return NotImplemented
        return (self.name, self.message) == (other.name, other.message)

    __hash__ = None  # type: ignore[assignment]


class SendMessageError(Exception):
    """A message could not be confirmed: the service refused it, or no ack arrived in time
    (after the message retries), or the client is not open.

    :ivar message: what went wrong.
    :ivar ack_id: the ack id the message carried, if any.
    :ivar error_detail: the service's ``name`` and ``message`` (``name`` is
        ``NoAckMessageReceivedFromServer`` when the connection was lost before the ack, and
        ``Timeout`` when none arrived within ``ack_timeout``).
    """

    def __init__(
        self,
        message: str,
        ack_id: int | None = None,
        error_detail: AckMessageError | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.name = "SendMessageError"
        self.ack_id = ack_id
        self.error_detail = error_detail

    def __str__(self) -> str:
        detail = self.error_detail
        if detail is None:
            return self.message
        return f"{self.message} ack_id={self.ack_id} {detail.name}: {detail.message}"


class OpenClientError(Exception):
    """``open()`` could not connect: the handshake was refused, the service closed the
    socket, or no ``connected`` message arrived within ``start_timeout``."""


class InvokeEventError(Exception):
    """``invoke_event`` got no successful answer: the upstream failed or has no handler
    (``error_detail`` carries the service's name and message), or the answer did not come
    within the timeout (``error_detail.name == "Timeout"``).

    :ivar invocation_id: the id the request carried.
    """

    def __init__(
        self, message: str, invocation_id: str, error_detail: AckMessageError | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.invocation_id = invocation_id
        self.error_detail = error_detail

    def __str__(self) -> str:
        detail = self.error_detail
        if detail is None:
            return self.message
        return f"{self.message} invocation_id={self.invocation_id} {detail.name}: {detail.message}"


class _Args:
    """Equality and repr over the instance attributes, for logs and tests."""

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and vars(other) == vars(self)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        fields = ", ".join(f"{key}={value!r}" for key, value in vars(self).items())
        return f"{type(self).__name__}({fields})"


class OnConnectedArgs(_Args):
    """Argument of ``CallbackType.CONNECTED`` listeners: a new connection is up (not sent
    again when a reliable connection resumes with the same id)."""

    def __init__(self, connection_id: str, user_id: str | None = None) -> None:
        self.connection_id = connection_id
        self.user_id = user_id


class OnDisconnectedArgs(_Args):
    """Argument of ``CallbackType.DISCONNECTED`` listeners: the connection is gone for good
    (a reliable connection that resumed is not reported). ``message`` is the reason the
    service gave in its ``disconnected`` message, if any."""

    def __init__(self, connection_id: str | None = None, message: str | None = None) -> None:
        self.connection_id = connection_id
        self.message = message


class OnServerDataMessageArgs(_Args):
    """Argument of ``CallbackType.SERVER_MESSAGE`` listeners: a message the app server sent
    (REST ``sendToAll`` / ``sendToConnection`` / ``sendToUser`` or an event handler reply).

    ``data`` is a ``str`` for text, the decoded value for JSON and a ``memoryview`` for
    binary; ``sequence_id`` is set on reliable subprotocols.
    """

    def __init__(
        self,
        data_type: WebPubSubDataType,
        data: Any,
        sequence_id: int | None = None,
    ) -> None:
        self.data_type = data_type
        self.data = data
        self.sequence_id = sequence_id


class OnGroupDataMessageArgs(_Args):
    """Argument of ``CallbackType.GROUP_MESSAGE`` listeners: a message sent to a group the
    client is in. ``data`` as in ``OnServerDataMessageArgs``; ``from_user_id`` is the
    sender's user id when a client sent it (JSON subprotocols only)."""

    def __init__(
        self,
        *,
        data_type: WebPubSubDataType,
        data: Any,
        group: str,
        from_user_id: str | None = None,
        sequence_id: int | None = None,
    ) -> None:
        self.data_type = data_type
        self.data = data
        self.group = group
        self.from_user_id = from_user_id
        self.sequence_id = sequence_id


class OnRejoinGroupFailedArgs(_Args):
    """Argument of ``CallbackType.REJOIN_GROUP_FAILED`` listeners: after a new connection,
    re-joining ``group`` failed with ``error`` (usually a ``SendMessageError``)."""

    def __init__(self, group: str, error: Exception) -> None:
        self.group = group
        self.error = error


class InvokeEventResult(_Args):
    """The upstream's answer to ``invoke_event``: ``data`` decoded as in
    ``OnServerDataMessageArgs``, ``None`` when it answered without a body."""

    def __init__(
        self, invocation_id: str, data_type: WebPubSubDataType | None = None, data: Any = None
    ) -> None:
        self.invocation_id = invocation_id
        self.data_type = data_type
        self.data = data
