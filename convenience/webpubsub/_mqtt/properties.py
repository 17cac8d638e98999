"""MQTT 5.0 properties (MQTT 5.0 section 2.2.2.2): the optional, typed fields that follow
the variable header of most packets. MQTT 3.1.1 packets carry none."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

from . import wire
from .wire import MalformedPacket, Reader

UserProperties = tuple[tuple[str, str], ...]

# Property kinds, by how they are encoded.
_BYTE, _U16, _U32, _VARINT, _STRING, _BINARY = "byte", "u16", "u32", "varint", "string", "binary"
_USER_PROPERTY = 0x26
_SUBSCRIPTION_IDENTIFIER = 0x0B


def _field(identifier: int, kind: str) -> Any:
    return attrs.field(default=None, metadata={"id": identifier, "kind": kind})


@attrs.frozen
class Properties:
    """The properties of one packet; None means absent. Integers are as on the wire
    (intervals in seconds, sizes in bytes)."""

    payload_format_indicator: int | None = _field(0x01, _BYTE)
    message_expiry_interval: int | None = _field(0x02, _U32)
    content_type: str | None = _field(0x03, _STRING)
    response_topic: str | None = _field(0x08, _STRING)
    correlation_data: bytes | None = _field(0x09, _BINARY)
    session_expiry_interval: int | None = _field(0x11, _U32)
    assigned_client_identifier: str | None = _field(0x12, _STRING)
    server_keep_alive: int | None = _field(0x13, _U16)
    authentication_method: str | None = _field(0x15, _STRING)
    authentication_data: bytes | None = _field(0x16, _BINARY)
    request_problem_information: int | None = _field(0x17, _BYTE)
    will_delay_interval: int | None = _field(0x18, _U32)
    request_response_information: int | None = _field(0x19, _BYTE)
    response_information: str | None = _field(0x1A, _STRING)
    server_reference: str | None = _field(0x1C, _STRING)
    reason_string: str | None = _field(0x1F, _STRING)
    receive_maximum: int | None = _field(0x21, _U16)
    topic_alias_maximum: int | None = _field(0x22, _U16)
    topic_alias: int | None = _field(0x23, _U16)
    maximum_qos: int | None = _field(0x24, _BYTE)
    retain_available: int | None = _field(0x25, _BYTE)
    maximum_packet_size: int | None = _field(0x27, _U32)
    wildcard_subscription_available: int | None = _field(0x28, _BYTE)
    subscription_identifier_available: int | None = _field(0x29, _BYTE)
    shared_subscription_available: int | None = _field(0x2A, _BYTE)
    #: Subscription Identifier (0x0B): one in SUBSCRIBE, any number in PUBLISH.
    subscription_identifiers: tuple[int, ...] = ()
    #: User Property (0x26) pairs, in order; names may repeat.
    user_properties: UserProperties = ()


NO_PROPERTIES = Properties()

_SIMPLE = {
    field.metadata["id"]: (field.name, field.metadata["kind"])
    for field in attrs.fields(Properties)
    if "id" in field.metadata
}
_ENCODERS: dict[str, Callable[[Any], bytes]] = {
    _BYTE: lambda v: bytes([v]),
    _U16: lambda v: int(v).to_bytes(2, "big"),
    _U32: lambda v: int(v).to_bytes(4, "big"),
    _VARINT: wire.variable_integer,
    _STRING: wire.string,
    _BINARY: wire.binary,
}
_DECODERS: dict[str, Callable[[Reader], Any]] = {
    _BYTE: Reader.byte,
    _U16: Reader.u16,
    _U32: Reader.u32,
    _VARINT: Reader.variable_integer,
    _STRING: Reader.string,
    _BINARY: Reader.binary,
}


def encode(properties: Properties) -> bytes:
    """The property block: its variable-integer length, then each present property."""
    body = bytearray()
    for identifier, (name, kind) in _SIMPLE.items():
        value = getattr(properties, name)
        if value is not None:
            body += wire.variable_integer(identifier) + _ENCODERS[kind](value)
    for subscription_id in properties.subscription_identifiers:
        body += bytes([_SUBSCRIPTION_IDENTIFIER]) + wire.variable_integer(subscription_id)
    for name, value in properties.user_properties:
        body += bytes([_USER_PROPERTY]) + wire.string(name) + wire.string(value)
    return wire.variable_integer(len(body)) + bytes(body)


def decode(reader: Reader) -> Properties:
    """Read a property block; MalformedPacket for an unknown or repeated property."""
    length = reader.variable_integer()
    block = Reader(reader.take(length))
    values: dict[str, Any] = {}
    subscription_ids: list[int] = []
    user: list[tuple[str, str]] = []
    while block.remaining:
        identifier = block.variable_integer()
        if identifier == _USER_PROPERTY:
            user.append((block.string(), block.string()))
        elif identifier == _SUBSCRIPTION_IDENTIFIER:
            subscription_ids.append(block.variable_integer())
        elif identifier in _SIMPLE:
            name, kind = _SIMPLE[identifier]
            if name in values:
                raise MalformedPacket(f"property 0x{identifier:02X} appears more than once")
            values[name] = _DECODERS[kind](block)
        else:
            raise MalformedPacket(f"unknown property identifier 0x{identifier:02X}")
    return Properties(
        **values, subscription_identifiers=tuple(subscription_ids), user_properties=tuple(user)
    )
