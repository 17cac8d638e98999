"""A sans-I/O codec for the MQTT 3.1.1 and 5.0 packets Azure Web PubSub speaks.

Private: shared by the emulator's MQTT endpoint and ``webpubsub listen --protocol mqtt``.
Only bytes in and packets out (and back); sockets, timers and sessions live with the
callers. Written here because no maintained, typed, sans-I/O library on PyPI covers both
protocol versions on the server side (see docs/ and the MQTT design note).
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
