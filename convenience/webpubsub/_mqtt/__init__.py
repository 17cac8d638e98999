"""A sans-I/O codec for the MQTT 3.1.1 and 5.0 packets Azure Web PubSub speaks.

Private: shared by the emulator's MQTT endpoint and ``webpubsub listen --protocol mqtt``.
Only bytes in and packets out (and back); sockets, timers and sessions live with the
callers. Needs nothing beyond ``attrs``, so it works without the emulator extra.

Why our own: of the codecs on PyPI, moat-lib-mqtt is sans-I/O but MQTT 5.0 only; amqtt
(and hbmqtt before it) reads packets from asyncio streams, so its codec is not I/O-free,
and covers 3.1.1 only; gmqtt and paho-mqtt are clients whose packet handling is tied to
their own sockets; mqtt-codec (2019) is 3.1.1 only and unmaintained; mqtt5 is a Rust
extension for 5.0 only; mqttproto cannot be installed here. None covers both versions on
the server side without I/O, and the service needs only the eleven core packets (plus
PUBREC / PUBREL / PUBCOMP for QoS 2).
"""

from __future__ import annotations

from .codec import (
    PacketStream,
    PacketTooLarge,
    ProtocolError,
    UnsupportedProtocolVersion,
    decode,
    decode_connect,
    encode,
    frame,
)
from .packets import (
    MQTT_3_1_1,
    MQTT_5,
    ConnAck,
    Connect,
    Disconnect,
    Packet,
    PacketType,
    PingReq,
    PingResp,
    PubAck,
    Publish,
    SubAck,
    Subscribe,
    Subscription,
    UnsubAck,
    Unsubscribe,
    Will,
)
from .properties import NO_PROPERTIES, Properties, UserProperties
from .properties import encode as encode_properties
from .wire import MalformedPacket, string, variable_integer

__all__ = [
    "MQTT_3_1_1",
    "MQTT_5",
    "NO_PROPERTIES",
    "ConnAck",
    "Connect",
    "Disconnect",
    "MalformedPacket",
    "Packet",
    "PacketStream",
    "PacketTooLarge",
    "PacketType",
    "PingReq",
    "PingResp",
    "Properties",
    "ProtocolError",
    "PubAck",
    "Publish",
    "SubAck",
    "Subscribe",
    "Subscription",
    "UnsubAck",
    "Unsubscribe",
    "UnsupportedProtocolVersion",
    "UserProperties",
    "Will",
    "decode",
    "decode_connect",
    "encode",
    "encode_properties",
    "frame",
    "string",
    "variable_integer",
]
