"""The MQTT members of ``connect`` and ``disconnected`` events and of ``connect`` answers
(per "CloudEvents extension for Azure Web PubSub MQTT event handler")."""

# pyright: reportUnnecessaryIsInstance=false

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from .._narrowing import is_json_array, is_json_object

#: MQTT 5.0 user properties: (name, value) pairs in order; names may repeat.
UserProperties = Sequence[tuple[str, str]]


@attrs.frozen(repr=False)
class MqttConnectProperties:
    """What an MQTT client's CONNECT packet carried (the ``connect`` event's ``mqtt``).

    ``protocol_version`` is 4 (MQTT 3.1.1) or 5 (MQTT 5.0); ``username`` and ``password``
    (bytes) are the CONNECT fields, for handlers that authenticate MQTT clients;
    ``user_properties`` come from MQTT 5.0 clients only. The repr leaves the password out.
    """

    protocol_version: int
    clean_start: bool
    username: str | None = None
    password: bytes | None = None
    user_properties: UserProperties = ()

    def __repr__(self) -> str:
        return (
            f"MqttConnectProperties(protocol_version={self.protocol_version!r}, "
            f"clean_start={self.clean_start!r}, username={self.username!r}, "
            f"password={'<hidden>' if self.password is not None else None})"
        )


@attrs.frozen
class MqttDisconnectPacket:
    """The last DISCONNECT packet of a session: its reason code (0 for MQTT 3.1.1) and, when
    the client sent it, its MQTT 5.0 user properties."""

    code: int
    user_properties: UserProperties = ()


@attrs.frozen
class MqttDisconnectedProperties:
    """The ``disconnected`` event's ``mqtt``: whether the client ended the session with a
    DISCONNECT of its own, and the last DISCONNECT sent either way (None when the
    connection just dropped)."""

    initiated_by_client: bool
    disconnect_packet: MqttDisconnectPacket | None = None


def user_properties_json(pairs: UserProperties) -> list[dict[str, str]]:
    return [{"name": name, "value": value} for name, value in pairs]


def _pairs(value: object) -> tuple[tuple[str, str], ...]:
    if not is_json_array(value):
        return ()
    return tuple(
        (str(item.get("name", "")), str(item.get("value", "")))
        for item in value
        if is_json_object(item)
    )


def connect_properties(document: Mapping[str, Any]) -> MqttConnectProperties | None:
    """Parse a ``connect`` body's ``mqtt`` member (None when the client is not MQTT)."""
    mqtt = document.get("mqtt")
    if not is_json_object(mqtt):
        return None
    version, username, password = (
        mqtt.get("protocolVersion"),
        mqtt.get("username"),
        mqtt.get("password"),
    )
    decoded = None
    if isinstance(password, str):
        try:
            decoded = base64.b64decode(password, validate=True)
        except (binascii.Error, ValueError):
            decoded = None
    return MqttConnectProperties(
        protocol_version=version if isinstance(version, int) else 0,
        clean_start=mqtt.get("cleanStart") is True,
        username=username if isinstance(username, str) else None,
        password=decoded,
        user_properties=_pairs(mqtt.get("userProperties")),
    )


def disconnected_properties(document: Mapping[str, Any]) -> MqttDisconnectedProperties | None:
    """Parse a ``disconnected`` body's ``mqtt`` member (None when the client is not MQTT)."""
    mqtt = document.get("mqtt")
    if not is_json_object(mqtt):
        return None
    packet = mqtt.get("disconnectPacket")
    parsed = None
    if is_json_object(packet):
        code = packet.get("code")
        parsed = MqttDisconnectPacket(
            code if isinstance(code, int) else 0, _pairs(packet.get("userProperties"))
        )
    return MqttDisconnectedProperties(mqtt.get("initiatedByClient") is True, parsed)
