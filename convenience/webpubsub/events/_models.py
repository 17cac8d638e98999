"""Typed requests the service sends to an event handler, and the answers a handler gives."""


# Public functions re-check argument types at run time for untyped callers. The package is
# under pyright's `strict`, which re-enables this rule whatever pyproject.toml sets.
# pyright: reportUnnecessaryIsInstance=false

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import attrs

from .._narrowing import is_bytes_like
from ._mqtt_models import (
    MqttConnectProperties,
    MqttDisconnectedProperties,
    UserProperties,
    user_properties_json,
)

DataType = Literal["text", "json", "binary"]
JSONValue = Any  # what json.loads returns
EventData = Any  # str (text), bytes (binary) or a JSON value (json)


@attrs.define(repr=False)
class ConnectionContext:
    """What every event says about its connection (from the ``ce-*`` headers).

    ``states`` is the connection state (``ce-connectionState``): read it, change it with
    ``set_state`` / ``clear_states`` (or mutate the dict); a change is sent back with the
    answer and arrives with this connection's later events. Values must be JSON-encodable.

    MQTT clients only (else None): ``physical_connection_id`` names the WebSocket the event
    came through; ``session_id`` the MQTT session (absent at ``connect``, which comes
    before the session). Their format may change: compare them, do not parse them.
    """

    hub: str
    connection_id: str
    event_name: str
    user_id: str | None
    subprotocol: str | None
    origin: str
    states: dict[str, JSONValue]
    physical_connection_id: str | None = None
    session_id: str | None = None

    def set_state(self, key: str, value: JSONValue) -> None:
        """Set one connection-state entry (JSON-encodable ``value``)."""
        self.states[key] = value

    def clear_states(self) -> None:
        """Forget the whole connection state."""
        self.states.clear()

    def __repr__(self) -> str:
        return (
            f"ConnectionContext(hub={self.hub!r}, connection_id={self.connection_id!r}, "
            f"event_name={self.event_name!r}, user_id={self.user_id!r})"
        )


@attrs.frozen
class ClientCertificate:
    """A client certificate the client presented (``thumbprint``, PEM ``content``)."""

    thumbprint: str
    content: str


@attrs.frozen
class ConnectRequest:
    """The ``connect`` event (``azure.webpubsub.sys.connect``), sent while the client's
    WebSocket handshake waits.

    ``claims``, ``query`` and ``headers`` map names to lists of string values (headers with
    lower-cased names as the service sends them); ``subprotocols`` lists what the client
    offered. ``mqtt`` holds the CONNECT packet's fields for an MQTT client, else None.
    """

    context: ConnectionContext
    claims: Mapping[str, Sequence[str]]
    query: Mapping[str, Sequence[str]]
    headers: Mapping[str, Sequence[str]]
    subprotocols: Sequence[str]
    client_certificates: Sequence[ClientCertificate]
    mqtt: MqttConnectProperties | None = None


@attrs.frozen
class ConnectResponse:
    """Accept a connection with changes: the user id it acts as, groups it joins, roles
    (``webpubsub.sendToGroup``, ``webpubsub.joinLeaveGroup.<group>``, ...) it holds and the
    subprotocol (one the client offered) the handshake selects. ``None`` / empty leaves that
    part as the client's token set it. Returning ``None`` from ``on_connect`` accepts as is.
    ``mqtt_user_properties`` ((name, value) pairs) go to an MQTT 5.0 client in its CONNACK.
    """

    user_id: str | None = None
    groups: Sequence[str] = ()
    roles: Sequence[str] = ()
    subprotocol: str | None = None
    mqtt_user_properties: UserProperties = ()

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {}
        if self.user_id is not None:
            body["userId"] = self.user_id
        if self.groups:
            body["groups"] = list(self.groups)
        if self.roles:
            body["roles"] = list(self.roles)
        if self.subprotocol is not None:
            body["subprotocol"] = self.subprotocol
        if self.mqtt_user_properties:
            body["mqtt"] = {"userProperties": user_properties_json(self.mqtt_user_properties)}
        return body


@attrs.frozen
class ConnectedRequest:
    """The ``connected`` notification (``azure.webpubsub.sys.connected``)."""

    context: ConnectionContext


@attrs.frozen
class DisconnectedRequest:
    """The ``disconnected`` notification; ``reason`` is the service's text, if any. For an
    MQTT client it comes when the session ends, with ``mqtt`` telling how."""

    context: ConnectionContext
    reason: str | None
    mqtt: MqttDisconnectedProperties | None = None


@attrs.frozen
class UserEventRequest:
    """A user event (``azure.webpubsub.user.<name>``): a JSON client's ``event`` or
    ``invoke`` message, or a raw client's frame (event name ``message``).

    ``data`` is a ``str`` for ``text``, the decoded JSON value for ``json``, ``bytes`` for
    ``binary``; ``None`` (with ``data_type`` ``None``) when the message carried no data.
    """

    context: ConnectionContext
    data: EventData
    data_type: DataType | None


_MEDIA_TYPES: dict[str, str] = {
    "text": "text/plain; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "binary": "application/octet-stream",
}


@attrs.frozen
class UserEventResponse:
    """The reply the service passes back to the client that sent the event (as a message
    from the server, or as the ``invokeEvent`` result).

    ``data``: ``str`` (text), ``bytes`` (binary) or any JSON-encodable value (json).
    ``data_type`` overrides the inferred type (``json`` encodes a ``str`` as a JSON string).
    Raises TypeError when ``data`` does not fit ``data_type``.
    """

    data: EventData
    data_type: DataType | None = None

    def __attrs_post_init__(self) -> None:
        self.encode()

    def encode(self) -> tuple[bytes, str]:
        """The response body and its Content-Type."""
        kind = self.data_type or _infer(self.data)
        if kind == "binary":
            if not is_bytes_like(self.data):
                raise TypeError(f"binary reply data must be bytes, got {type(self.data).__name__}")
            return bytes(self.data), _MEDIA_TYPES["binary"]
        if kind == "text":
            if not isinstance(self.data, str):
                raise TypeError(f"text reply data must be str, got {type(self.data).__name__}")
            return self.data.encode("utf-8"), _MEDIA_TYPES["text"]
        try:
            text = json.dumps(self.data, separators=(",", ":"), ensure_ascii=False)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"json reply data is not JSON-encodable: {exc}") from None
        return text.encode("utf-8"), _MEDIA_TYPES["json"]


def _infer(data: object) -> DataType:
    if isinstance(data, str):
        return "text"
    if isinstance(data, (bytes, bytearray, memoryview)):
        return "binary"
    return "json"


class EventHandlerError(Exception):
    """Raise from a callback to refuse: ``status_code`` (400-599) and ``message`` go back to
    the service. From ``on_connect`` the client's handshake fails with that status; from
    ``on_user_event`` a JSON client gets an error ack (or ``invokeEvent`` fails) and a raw
    client is closed.

    An MQTT client refused in ``on_connect`` gets ``mqtt_code`` in its CONNACK: a 3.1.1
    return code (1-5) or a 5.0 reason code (0x80 and up) for the client's
    ``request.mqtt.protocol_version`` (the service sends "unspecified error" for any other
    value); MQTT 5.0 clients also get ``message`` as the reason string and
    ``mqtt_user_properties``.

    Raises ValueError for a status outside 400-599 or an ``mqtt_code`` outside 1-255.
    """

    def __init__(
        self,
        status_code: int = 401,
        message: str = "",
        *,
        mqtt_code: int | None = None,
        mqtt_user_properties: UserProperties = (),
    ) -> None:
        if not isinstance(status_code, int) or not 400 <= status_code <= 599:
            raise ValueError(f"status_code {status_code!r} must be an HTTP error status 400-599")
        if mqtt_code is not None and (not isinstance(mqtt_code, int) or not 1 <= mqtt_code <= 255):
            raise ValueError(f"mqtt_code {mqtt_code!r} must be an MQTT failure code 1-255")
        super().__init__(message or f"refused with {status_code}")
        self.status_code = status_code
        self.message = message
        self.mqtt_code = mqtt_code
        self.mqtt_user_properties = tuple(mqtt_user_properties)

    def to_body(self) -> tuple[bytes, str]:
        """The error answer's body and Content-Type: JSON with ``mqtt`` when an MQTT code or
        user properties are set, else the message as text."""
        if self.mqtt_code is None and not self.mqtt_user_properties:
            return self.message.encode("utf-8"), "text/plain; charset=utf-8"
        mqtt: dict[str, Any] = {"reason": self.message}
        if self.mqtt_code is not None:
            mqtt["code"] = self.mqtt_code
        if self.mqtt_user_properties:
            mqtt["userProperties"] = user_properties_json(self.mqtt_user_properties)
        return json.dumps({"mqtt": mqtt}).encode("utf-8"), "application/json"
