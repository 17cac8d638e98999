"""Malformed, oversized and out-of-order packets: the connection is closed with the right
code, nothing else is affected and nothing is logged with a traceback."""

from __future__ import annotations

import logging

import pytest
from webpubsub import _mqtt as mqtt
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect
from websockets.typing import Subprotocol

from .conftest import WAIT_SECONDS, MqttWorld

MQTT = Subprotocol("mqtt")


def _open(world: MqttWorld) -> ClientConnection:
    return connect(world.url(roles=["webpubsub.joinLeaveGroup"]), subprotocols=[MQTT])


def _closed_with(ws: ClientConnection) -> tuple[list[bytes], int | None]:
    """Frames received until the server closed, and its close code."""
    frames: list[bytes] = []
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            frame = ws.recv(WAIT_SECONDS)
            assert isinstance(frame, bytes)
            frames.append(frame)
    received = closed.value.rcvd
    return frames, None if received is None else received.code


def _connect(level: int, client_id: str = "c1", **fields: object) -> bytes:
    return mqtt.encode(mqtt.Connect(client_id, level, **fields), level)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "data", "ws_code"),
    [
        ("packet before CONNECT", mqtt.encode(mqtt.PingReq(), 5), 1002),
        ("truncated CONNECT", mqtt.frame(mqtt.PacketType.CONNECT, 0, _connect(5)[2:-3]), 1002),
        ("reserved packet type 0", b"\x00\x00", 1002),
        ("remaining length of 2 MiB", b"\x10\x80\x80\x80\x01", 1009),
        ("five-byte remaining length", b"\x10\xff\xff\xff\xff\x7f", 1002),
    ],
)
def test_bad_first_packets_close_the_socket(
    world: MqttWorld, caplog: pytest.LogCaptureFixture, name: str, data: bytes, ws_code: int
) -> None:
    bystander = world.connected("5.0", roles=["webpubsub.joinLeaveGroup"])
    assert bystander.subscribe("calm") == [1]
    caplog.set_level(logging.DEBUG)
    with _open(world) as ws:
        ws.send(data)
        frames, code = _closed_with(ws)
    assert (frames, code) == ([], ws_code), name
    world.service.send_to_group("calm", "still here", content_type="text/plain")
    assert bystander.receive().payload == b"still here"
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"


def test_refused_connect_codes_per_version(world: MqttWorld) -> None:
    expected = {
        _connect(4, "bad-id"): b"\x20\x02\x00\x02",  # 3.1.1: identifier rejected
        _connect(4, "ok", keep_alive=0): b"\x20\x02\x00\x03",  # 3.1.1 keep-alive 1-180 s
        _connect(4, "ok", keep_alive=181): b"\x20\x02\x00\x03",
        mqtt.frame(mqtt.PacketType.CONNECT, 0, b"\x00\x06MQIsdp\x03\x02\x00\x3c\x00\x01a"): (
            b"\x20\x02\x00\x01"  # MQTT 3.1: unacceptable protocol version
        ),
    }
    for data, connack in expected.items():
        with _open(world) as ws:
            ws.send(data)
            frames, _code = _closed_with(ws)
        assert frames == [connack]
    with _open(world) as ws:
        enhanced = mqtt.Properties(authentication_method="SCRAM-SHA-1")
        ws.send(_connect(5, "scram", properties=enhanced))
        frames, _code = _closed_with(ws)
    packet = mqtt.decode(frames[0][0], frames[0][2:], 5)
    assert isinstance(packet, mqtt.ConnAck) and packet.code == 0x8C  # bad auth method
    will = mqtt.Will("   ", b"x")
    with _open(world) as ws:
        ws.send(_connect(5, will=will))
        frames, _code = _closed_with(ws)
    packet = mqtt.decode(frames[0][0], frames[0][2:], 5)
    assert isinstance(packet, mqtt.ConnAck) and packet.code == 0x90  # topic name invalid
    assert packet.properties.reason_string and "will topic" in packet.properties.reason_string


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("second CONNECT", _connect(5), 0x82),
        ("AUTH", b"\xf0\x00", 0x82),
        ("bad SUBSCRIBE flags", b"\x80\x05\x00\x01\x00\x00\x00", 0x81),
        ("retained PUBLISH", mqtt.encode(mqtt.Publish("t", b"x", retain=True), 5), 0x9A),
        ("wildcard PUBLISH topic", mqtt.encode(mqtt.Publish("a/#", b"x"), 5), 0x90),
        (
            "topic alias",
            mqtt.encode(mqtt.Publish("t", b"x", properties=mqtt.Properties(topic_alias=1)), 5),
            0x94,
        ),
    ],
)
def test_bad_packets_after_connect_get_a_disconnect(
    world: MqttWorld, name: str, data: bytes, reason: int
) -> None:
    with _open(world) as ws:
        ws.send(_connect(5, "c" + str(reason)))
        connack = ws.recv(WAIT_SECONDS)
        assert isinstance(connack, bytes) and connack[3] == 0
        ws.send(data)
        frames, code = _closed_with(ws)
    assert len(frames) == 1, name
    packet = mqtt.decode(frames[0][0], frames[0][2:], 5)
    assert isinstance(packet, mqtt.Disconnect) and packet.code == reason, name
    assert code == 1000


def test_keep_alive_timeout_disconnects(world: MqttWorld) -> None:
    with _open(world) as ws:
        ws.send(_connect(5, "quiet", keep_alive=1))
        assert ws.recv(WAIT_SECONDS)[3] == 0  # accepted
        frames, code = _closed_with(ws)  # silent for 1.5 keep-alive periods
    packet = mqtt.decode(frames[0][0], frames[0][2:], 5)
    assert isinstance(packet, mqtt.Disconnect) and packet.code == 0x8D
    assert code == 1000


def test_a_subscriber_that_never_acknowledges_is_closed_with_quota_exceeded(
    world: MqttWorld,
) -> None:
    one_at_a_time = mqtt.Properties(receive_maximum=1)
    publish_all = mqtt.encode(mqtt.Connect("pub", 5), 5) + b"".join(
        mqtt.encode(mqtt.Publish("flood", b"x", 1, packet_id=n), 5) for n in range(1, 1101)
    )
    with connect(world.url(roles=["webpubsub.joinLeaveGroup"]), subprotocols=[MQTT]) as stalled:
        stalled.send(mqtt.encode(mqtt.Connect("stalled", 5, properties=one_at_a_time), 5))
        assert stalled.recv(WAIT_SECONDS)[3] == 0
        subscribe = mqtt.Subscribe(1, (mqtt.Subscription("flood", 1),))
        stalled.send(mqtt.encode(subscribe, 5))
        assert stalled.recv(WAIT_SECONDS)[0] >> 4 == mqtt.PacketType.SUBACK
        with connect(world.url(roles=["webpubsub.sendToGroup"]), subprotocols=[MQTT]) as ws:
            ws.send(publish_all)  # 1,100 QoS 1 messages; the subscriber acknowledges none
            frames, code = _closed_with(stalled)
            # Read every PUBACK before closing (a backlog would hold up the close handshake).
            pubacks = 0
            while pubacks < 1100:
                frame = ws.recv(WAIT_SECONDS)
                assert isinstance(frame, bytes)
                pubacks += frame[0] >> 4 == mqtt.PacketType.PUBACK
    last = frames[-1]
    packet = mqtt.decode(last[0], last[2:] if last[1] < 0x80 else last[3:], 5)
    assert isinstance(packet, mqtt.Disconnect) and packet.code == 0x97  # quota exceeded
    assert code == 1000
    assert not world.service.connection_exists("stalled")


def test_packets_over_the_clients_maximum_packet_size_are_not_sent(world: MqttWorld) -> None:
    small_packets = mqtt.Properties(maximum_packet_size=64)
    with _open(world) as ws:
        ws.send(_connect(5, "tiny", properties=small_packets))
        assert ws.recv(WAIT_SECONDS)[3] == 0
        ws.send(mqtt.encode(mqtt.Subscribe(1, (mqtt.Subscription("t", 0),)), 5))
        assert ws.recv(WAIT_SECONDS)[0] >> 4 == mqtt.PacketType.SUBACK
        world.service.send_to_group("t", "x" * 100, content_type="text/plain")
        world.service.send_to_group("t", "fits", content_type="text/plain")
        frame = ws.recv(WAIT_SECONDS)
    assert isinstance(frame, bytes)
    packet = mqtt.decode(frame[0], frame[2:], 5)
    assert isinstance(packet, mqtt.Publish) and packet.payload == b"fits"


def test_packets_are_read_whatever_the_framing(world: MqttWorld) -> None:
    """Several packets in one WebSocket message, and one packet split over two, before and
    after CONNECT (the connected path reads frames straight from the socket)."""
    stream = mqtt.PacketStream(1 << 16)

    def packets(ws: ClientConnection, count: int) -> list[mqtt.Packet]:
        received: list[mqtt.Packet] = []
        while len(received) < count:
            frame = ws.recv(WAIT_SECONDS)
            assert isinstance(frame, bytes)
            received += [mqtt.decode(first, body, 5) for first, body in stream.feed(frame)]
        return received

    subscribe = mqtt.encode(mqtt.Subscribe(1, (mqtt.Subscription("framing", 1),)), 5)
    publish = mqtt.encode(mqtt.Publish("framing", b"hello", 1, packet_id=7), 5)
    ping = mqtt.encode(mqtt.PingReq(), 5)
    roles = ["webpubsub.joinLeaveGroup", "webpubsub.sendToGroup"]
    with connect(world.url(roles=roles), subprotocols=[MQTT]) as ws:
        ws.send(_connect(5, "framing") + subscribe)
        connack, suback = packets(ws, 2)
        assert isinstance(connack, mqtt.ConnAck) and connack.code == 0
        assert isinstance(suback, mqtt.SubAck) and suback.codes == (1,)
        ws.send(publish[:3])
        ws.send(publish[3:] + ping)
        answers = packets(ws, 3)
        delivered = [p for p in answers if isinstance(p, mqtt.Publish)]
        assert [p.payload for p in delivered] == [b"hello"]
        assert [type(p) for p in answers if not isinstance(p, mqtt.Publish)] == [
            mqtt.PubAck,
            mqtt.PingResp,
        ]
        packet_id = delivered[0].packet_id
        assert packet_id is not None
        puback = mqtt.encode(mqtt.PubAck(packet_id), 5)
        ws.send(puback + ping)  # not the lone 4-byte PUBACK the endpoint reads on its own
        assert [type(p) for p in packets(ws, 1)] == [mqtt.PingResp]
        world.service.send_to_group("framing", "after", content_type="text/plain")
        (after,) = packets(ws, 1)
        assert isinstance(after, mqtt.Publish) and after.payload == b"after"
