"""The MQTT control packets, as plain values (MQTT 3.1.1 chapter 3, MQTT 5.0 chapter 3).

One class per packet shape. ``PubAck`` covers PUBACK, PUBREC, PUBREL and PUBCOMP, which
share theirs (``kind`` tells them apart). Fields that exist only in MQTT 5.0 (reason codes
of acknowledgements, properties) are ignored when encoding for MQTT 3.1.1.
"""

from __future__ import annotations

import enum

import attrs

from .properties import NO_PROPERTIES, Properties


class PacketType(enum.IntEnum):
    """The control packet type: the high nibble of the first byte."""

    CONNECT = 1
    CONNACK = 2
    PUBLISH = 3
    PUBACK = 4
    PUBREC = 5
    PUBREL = 6
    PUBCOMP = 7
    SUBSCRIBE = 8
    SUBACK = 9
    UNSUBSCRIBE = 10
    UNSUBACK = 11
    PINGREQ = 12
    PINGRESP = 13
    DISCONNECT = 14
    AUTH = 15


#: Protocol levels carried in CONNECT.
MQTT_3_1_1 = 4
MQTT_5 = 5


@attrs.frozen
class Will:
    """The will message of a CONNECT: published if the connection ends abnormally."""

    topic: str
    payload: bytes
    qos: int = 0
    retain: bool = False
    properties: Properties = NO_PROPERTIES


@attrs.frozen
class Connect:
    """CONNECT. ``keep_alive`` in seconds (0 = off); ``protocol_level`` 4 or 5."""

    client_id: str
    protocol_level: int = MQTT_5
    clean_start: bool = True
    keep_alive: int = 60
    username: str | None = None
    # Kept out of the repr: it may be a credential.
    password: bytes | None = attrs.field(default=None, repr=False)
    will: Will | None = None
    properties: Properties = NO_PROPERTIES
    protocol_name: str = "MQTT"


@attrs.frozen
class ConnAck:
    """CONNACK. ``code`` is the 3.1.1 return code or the 5.0 reason code (0 = accepted)."""

    code: int = 0
    session_present: bool = False
    properties: Properties = NO_PROPERTIES


@attrs.frozen
class Publish:
    """PUBLISH. ``packet_id`` is None for QoS 0 and 1..65535 otherwise."""

    topic: str
    payload: bytes = b""
    qos: int = 0
    retain: bool = False
    dup: bool = False
    packet_id: int | None = None
    properties: Properties = NO_PROPERTIES


@attrs.frozen
class PubAck:
    """PUBACK, PUBREC, PUBREL or PUBCOMP (``kind``) for ``packet_id``."""

    packet_id: int
    kind: PacketType = PacketType.PUBACK
    code: int = 0
    properties: Properties = NO_PROPERTIES


@attrs.frozen
class Subscription:
    """One topic filter of a SUBSCRIBE with its options (QoS 0-2; the rest MQTT 5.0 only)."""

    topic_filter: str
    qos: int = 0
    no_local: bool = False
    retain_as_published: bool = False
    retain_handling: int = 0


@attrs.frozen
class Subscribe:
    packet_id: int
    subscriptions: tuple[Subscription, ...]
    properties: Properties = NO_PROPERTIES


@attrs.frozen
class SubAck:
    """SUBACK: one code per topic filter (granted QoS 0-2, or a failure code >= 0x80)."""

    packet_id: int
    codes: tuple[int, ...]
    properties: Properties = NO_PROPERTIES


@attrs.frozen
class Unsubscribe:
    packet_id: int
    topic_filters: tuple[str, ...]
    properties: Properties = NO_PROPERTIES


@attrs.frozen
class UnsubAck:
    """UNSUBACK: MQTT 5.0 has one reason code per topic filter, MQTT 3.1.1 none."""

    packet_id: int
    codes: tuple[int, ...] = ()
    properties: Properties = NO_PROPERTIES


@attrs.frozen
class PingReq:
    pass


@attrs.frozen
class PingResp:
    pass


@attrs.frozen
class Disconnect:
    """DISCONNECT; ``code`` and ``properties`` exist in MQTT 5.0 only (0 = normal)."""

    code: int = 0
    properties: Properties = NO_PROPERTIES


Packet = (
    Connect
    | ConnAck
    | Publish
    | PubAck
    | Subscribe
    | SubAck
    | Unsubscribe
    | UnsubAck
    | PingReq
    | PingResp
    | Disconnect
)
