"""Encoding and decoding of MQTT 3.1.1 and 5.0 control packets, without any I/O.

``PacketStream`` cuts a byte stream (the concatenated WebSocket frames) into packets, as
MQTT over WebSocket does not align frames with packets; ``decode`` turns one into a
``Packet`` for the connection's protocol level, ``encode`` does the reverse.
"""

from __future__ import annotations

from . import properties as property_block
from . import wire
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
from .properties import NO_PROPERTIES, Properties
from .wire import MalformedPacket, Reader

# Packets whose fixed-header flags must be 0b0010 (all others but PUBLISH: 0).
_FLAGS_0010 = frozenset({PacketType.PUBREL, PacketType.SUBSCRIBE, PacketType.UNSUBSCRIBE})
_ACK_KINDS = frozenset(
    {PacketType.PUBACK, PacketType.PUBREC, PacketType.PUBREL, PacketType.PUBCOMP}
)


class ProtocolError(ValueError):
    """A well-formed packet that the protocol does not allow here (MQTT 5.0 code 0x82)."""


class UnsupportedProtocolVersion(ValueError):
    """CONNECT names a protocol other than MQTT 3.1.1 (level 4) or 5.0 (level 5)."""

    def __init__(self, name: str, level: int) -> None:
        super().__init__(f"protocol {name!r} level {level} is not MQTT 3.1.1 (4) or 5.0 (5)")
        self.level = level


class PacketTooLarge(ValueError):
    """A packet's declared size exceeds the receiver's maximum packet size."""


class PacketStream:
    """Collects received bytes and returns the complete packets in them.

    ``max_packet_size`` bounds a whole packet in bytes (fixed header included); a larger
    one raises PacketTooLarge as soon as its header is seen, before its body arrives.
    """

    def __init__(self, max_packet_size: int) -> None:
        self._buffer = bytearray()
        self._max = max_packet_size

    @property
    def empty(self) -> bool:
        """No partial packet is waiting for more bytes."""
        return not self._buffer

    def feed(self, data: bytes) -> list[tuple[int, bytes]]:
        """Add ``data``; return each complete packet as (first byte, body after the
        remaining length). Raises MalformedPacket or PacketTooLarge."""
        self._buffer += data
        packets: list[tuple[int, bytes]] = []
        while True:
            cut = self._next()
            if cut is None:
                return packets
            packets.append(cut)

    def _next(self) -> tuple[int, bytes] | None:
        buffer = self._buffer
        length = 0
        for index in range(1, 5):
            if index >= len(buffer):
                return None
            digit = buffer[index]
            length |= (digit & 0x7F) << (7 * (index - 1))
            if not digit & 0x80:
                break
        else:
            raise MalformedPacket("remaining length is longer than four bytes")
        total = index + 1 + length
        if total > self._max:
            raise PacketTooLarge(f"packet of {total} bytes exceeds the maximum of {self._max}")
        if len(buffer) < total:
            return None
        first, body = buffer[0], bytes(buffer[index + 1 : total])
        del buffer[:total]
        return first, body


# -- decoding ----------------------------------------------------------------------------------


def decode_connect(first: int, body: bytes) -> Connect:
    """Decode a CONNECT (any level). Raises UnsupportedProtocolVersion or MalformedPacket."""
    if first != PacketType.CONNECT << 4:
        raise ProtocolError("the first packet must be CONNECT")
    reader = Reader(body)
    name = reader.string()
    level = reader.byte()
    if name != "MQTT" or level not in (MQTT_3_1_1, MQTT_5):
        raise UnsupportedProtocolVersion(name, level)
    flags = reader.byte()
    if flags & 0x01:
        raise MalformedPacket("CONNECT flags: the reserved bit must be 0")
    keep_alive = reader.u16()
    properties = property_block.decode(reader) if level == MQTT_5 else NO_PROPERTIES
    client_id = reader.string()
    will = None
    will_qos = (flags >> 3) & 0x03
    if flags & 0x04:
        if will_qos == 3:
            raise MalformedPacket("CONNECT flags: will QoS 3 does not exist")
        will_properties = property_block.decode(reader) if level == MQTT_5 else NO_PROPERTIES
        will = Will(reader.string(), reader.binary(), will_qos, bool(flags & 0x20), will_properties)
    elif will_qos or flags & 0x20:
        raise MalformedPacket("CONNECT flags: will QoS and retain need the will flag")
    username = reader.string() if flags & 0x80 else None
    password = reader.binary() if flags & 0x40 else None
    if reader.remaining:
        raise MalformedPacket(f"CONNECT has {reader.remaining} unexpected trailing byte(s)")
    return Connect(
        client_id=client_id,
        protocol_level=level,
        clean_start=bool(flags & 0x02),
        keep_alive=keep_alive,
        username=username,
        password=password,
        will=will,
        properties=properties,
        protocol_name=name,
    )


def decode(first: int, body: bytes, level: int) -> Packet:
    """Decode one packet of a connection at protocol ``level`` (4 or 5).

    Raises MalformedPacket (bad encoding or flags) or ProtocolError (AUTH, reserved types).
    """
    try:
        kind = PacketType(first >> 4)
    except ValueError:
        raise MalformedPacket("packet type 0 is reserved") from None
    flags = first & 0x0F
    if kind is PacketType.CONNECT:
        return decode_connect(first, body)
    if kind is PacketType.AUTH:
        raise ProtocolError("AUTH (enhanced authentication) is not supported")
    if kind is not PacketType.PUBLISH:
        expected = 0x02 if kind in _FLAGS_0010 else 0
        if flags != expected:
            raise MalformedPacket(f"{kind.name} fixed-header flags must be {expected:#06b}")
    reader = Reader(body)
    v5 = level == MQTT_5
    packet = _decode_body(kind, flags, reader, v5)
    if reader.remaining:
        raise MalformedPacket(f"{kind.name} has {reader.remaining} unexpected trailing byte(s)")
    return packet


def _props(reader: Reader, v5: bool) -> Properties:
    return property_block.decode(reader) if v5 else NO_PROPERTIES


def _decode_body(kind: PacketType, flags: int, reader: Reader, v5: bool) -> Packet:
    if kind is PacketType.PUBLISH:
        qos = (flags >> 1) & 0x03
        if qos == 3:
            raise MalformedPacket("PUBLISH QoS 3 does not exist")
        topic = reader.string()
        packet_id = reader.u16() if qos else None
        if packet_id == 0:
            raise MalformedPacket("packet identifier 0 is not allowed")
        properties = _props(reader, v5)
        return Publish(
            topic, reader.rest(), qos, bool(flags & 1), bool(flags & 8), packet_id, properties
        )
    if kind in _ACK_KINDS:
        packet_id = reader.u16()
        code, properties = 0, NO_PROPERTIES
        if v5 and reader.remaining:
            code = reader.byte()
            if reader.remaining:
                properties = property_block.decode(reader)
        return PubAck(packet_id, kind, code, properties)
    if kind is PacketType.CONNACK:
        session_flags = reader.byte()
        if session_flags & 0xFE:
            raise MalformedPacket("CONNACK flags: bits 7-1 are reserved")
        code = reader.byte()
        return ConnAck(code, bool(session_flags & 1), _props(reader, v5))
    if kind is PacketType.SUBSCRIBE:
        packet_id = reader.u16()
        properties = _props(reader, v5)
        subscriptions: list[Subscription] = []
        while reader.remaining:
            topic_filter = reader.string()
            subscriptions.append(_subscription(topic_filter, reader.byte(), v5))
        if not subscriptions:
            raise ProtocolError("SUBSCRIBE must name at least one topic filter")
        return Subscribe(packet_id, tuple(subscriptions), properties)
    if kind is PacketType.SUBACK:
        packet_id = reader.u16()
        properties = _props(reader, v5)
        return SubAck(packet_id, tuple(reader.rest()), properties)
    if kind is PacketType.UNSUBSCRIBE:
        packet_id = reader.u16()
        properties = _props(reader, v5)
        filters: list[str] = []
        while reader.remaining:
            filters.append(reader.string())
        if not filters:
            raise ProtocolError("UNSUBSCRIBE must name at least one topic filter")
        return Unsubscribe(packet_id, tuple(filters), properties)
    if kind is PacketType.UNSUBACK:
        packet_id = reader.u16()
        if not v5:
            return UnsubAck(packet_id)
        properties = property_block.decode(reader)
        return UnsubAck(packet_id, tuple(reader.rest()), properties)
    if kind is PacketType.PINGREQ:
        return PingReq()
    if kind is PacketType.PINGRESP:
        return PingResp()
    # DISCONNECT
    if not v5 or not reader.remaining:
        return Disconnect()
    code = reader.byte()
    return Disconnect(code, property_block.decode(reader) if reader.remaining else NO_PROPERTIES)


def _subscription(topic_filter: str, options: int, v5: bool) -> Subscription:
    reserved = 0xC0 if v5 else 0xFC
    if options & reserved or options & 0x03 == 3:
        raise MalformedPacket(f"subscription options byte {options:#04x} is invalid")
    if v5 and (options >> 4) & 0x03 == 3:
        raise MalformedPacket("subscription retain handling 3 does not exist")
    return Subscription(
        topic_filter,
        options & 0x03,
        bool(options & 0x04),
        bool(options & 0x08),
        (options >> 4) & 0x03,
    )


# -- encoding ----------------------------------------------------------------------------------


def frame(kind: PacketType, flags: int, body: bytes) -> bytes:
    """Prefix ``body`` with the fixed header: type and flags, then the remaining length."""
    return bytes([kind << 4 | flags]) + wire.variable_integer(len(body)) + body


def encode(packet: Packet, level: int) -> bytes:
    """Encode ``packet`` for a connection at protocol ``level`` (4 or 5)."""
    v5 = level == MQTT_5

    def props(properties: Properties) -> bytes:
        return property_block.encode(properties) if v5 else b""

    if isinstance(packet, Publish):
        flags = (8 if packet.dup else 0) | packet.qos << 1 | (1 if packet.retain else 0)
        body = wire.string(packet.topic)
        if packet.qos:
            assert packet.packet_id is not None, "QoS 1 and 2 need a packet identifier"
            body += packet.packet_id.to_bytes(2, "big")
        return frame(PacketType.PUBLISH, flags, body + props(packet.properties) + packet.payload)
    if isinstance(packet, PubAck):
        body = packet.packet_id.to_bytes(2, "big")
        if v5 and (packet.code or packet.properties != NO_PROPERTIES):
            body += bytes([packet.code]) + property_block.encode(packet.properties)
        return frame(packet.kind, 0x02 if packet.kind is PacketType.PUBREL else 0, body)
    if isinstance(packet, Connect):
        return frame(PacketType.CONNECT, 0, _connect_body(packet))
    if isinstance(packet, ConnAck):
        body = bytes([1 if packet.session_present else 0, packet.code])
        return frame(PacketType.CONNACK, 0, body + props(packet.properties))
    if isinstance(packet, Subscribe):
        body = packet.packet_id.to_bytes(2, "big") + props(packet.properties)
        for item in packet.subscriptions:
            options = item.qos
            if v5:
                options |= (4 if item.no_local else 0) | (8 if item.retain_as_published else 0)
                options |= item.retain_handling << 4
            body += wire.string(item.topic_filter) + bytes([options])
        return frame(PacketType.SUBSCRIBE, 0x02, body)
    if isinstance(packet, SubAck):
        body = packet.packet_id.to_bytes(2, "big") + props(packet.properties)
        return frame(PacketType.SUBACK, 0, body + bytes(packet.codes))
    if isinstance(packet, Unsubscribe):
        body = packet.packet_id.to_bytes(2, "big") + props(packet.properties)
        body += b"".join(wire.string(f) for f in packet.topic_filters)
        return frame(PacketType.UNSUBSCRIBE, 0x02, body)
    if isinstance(packet, UnsubAck):
        body = packet.packet_id.to_bytes(2, "big")
        if v5:
            body += property_block.encode(packet.properties) + bytes(packet.codes)
        return frame(PacketType.UNSUBACK, 0, body)
    if isinstance(packet, PingReq):
        return frame(PacketType.PINGREQ, 0, b"")
    if isinstance(packet, PingResp):
        return frame(PacketType.PINGRESP, 0, b"")
    body = b""
    if v5 and (packet.code or packet.properties != NO_PROPERTIES):
        body = bytes([packet.code]) + property_block.encode(packet.properties)
    return frame(PacketType.DISCONNECT, 0, body)


def _connect_body(packet: Connect) -> bytes:
    v5 = packet.protocol_level == MQTT_5
    will = packet.will
    flags = (0x80 if packet.username is not None else 0) | (
        0x40 if packet.password is not None else 0
    )
    flags |= 0x02 if packet.clean_start else 0
    if will is not None:
        flags |= 0x04 | will.qos << 3 | (0x20 if will.retain else 0)
    body = wire.string(packet.protocol_name) + bytes([packet.protocol_level, flags])
    body += packet.keep_alive.to_bytes(2, "big")
    body += property_block.encode(packet.properties) if v5 else b""
    body += wire.string(packet.client_id)
    if will is not None:
        body += property_block.encode(will.properties) if v5 else b""
        body += wire.string(will.topic) + wire.binary(will.payload)
    if packet.username is not None:
        body += wire.string(packet.username)
    if packet.password is not None:
        body += wire.binary(packet.password)
    return body
