"""The sans-I/O MQTT codec: every packet survives encode -> stream (cut anywhere) -> decode
for both protocol levels, and broken bytes raise the codec's errors, never anything else."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from webpubsub import _mqtt as mqtt

text = st.text(
    st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=20
)
small_bytes = st.binary(max_size=40)
u16 = st.integers(1, 0xFFFF)
u32 = st.integers(0, 0xFFFFFFFF)
pairs = st.lists(st.tuples(text, text), max_size=3).map(tuple)

properties = st.builds(
    mqtt.Properties,
    payload_format_indicator=st.none() | st.integers(0, 1),
    message_expiry_interval=st.none() | u32,
    content_type=st.none() | text,
    response_topic=st.none() | text,
    correlation_data=st.none() | small_bytes,
    session_expiry_interval=st.none() | u32,
    reason_string=st.none() | text,
    receive_maximum=st.none() | u16,
    topic_alias=st.none() | u16,
    maximum_packet_size=st.none() | u32,
    subscription_identifiers=st.lists(st.integers(1, 268_435_455), max_size=2).map(tuple),
    user_properties=pairs,
)


def packets(level: int) -> st.SearchStrategy[mqtt.Packet]:
    v5 = level == mqtt.MQTT_5
    props = properties if v5 else st.just(mqtt.NO_PROPERTIES)
    code = st.integers(0, 255) if v5 else st.just(0)
    will = st.builds(mqtt.Will, text, small_bytes, st.integers(0, 2), st.booleans(), props)
    publish = st.integers(0, 2).flatmap(
        lambda qos: st.builds(
            mqtt.Publish,
            text,
            small_bytes,
            st.just(qos),
            st.booleans(),
            st.booleans(),
            st.just(None) if qos == 0 else u16,
            props,
        )
    )
    subscription = st.builds(
        mqtt.Subscription,
        text,
        st.integers(0, 2),
        st.booleans() if v5 else st.just(False),
        st.booleans() if v5 else st.just(False),
        st.integers(0, 2) if v5 else st.just(0),
    )
    return st.one_of(
        st.builds(
            mqtt.Connect,
            client_id=text,
            protocol_level=st.just(level),
            clean_start=st.booleans(),
            keep_alive=st.integers(0, 0xFFFF),
            username=st.none() | text,
            password=st.none() | small_bytes,
            will=st.none() | will,
            properties=props,
        ),
        st.builds(mqtt.ConnAck, st.integers(0, 255), st.booleans(), props),
        publish,
        st.builds(mqtt.PubAck, u16, st.sampled_from(_ACKS), code, props),
        st.builds(
            mqtt.Subscribe, u16, st.lists(subscription, min_size=1, max_size=3).map(tuple), props
        ),
        st.builds(mqtt.SubAck, u16, st.lists(st.integers(0, 255), max_size=4).map(tuple), props),
        st.builds(mqtt.Unsubscribe, u16, st.lists(text, min_size=1, max_size=3).map(tuple), props),
        st.builds(
            mqtt.UnsubAck,
            u16,
            st.lists(st.integers(0, 255), max_size=3).map(tuple) if v5 else st.just(()),
            props,
        ),
        st.just(mqtt.PingReq()),
        st.just(mqtt.PingResp()),
        st.builds(mqtt.Disconnect, code, props),
    )


_ACKS = [
    mqtt.PacketType.PUBACK,
    mqtt.PacketType.PUBREC,
    mqtt.PacketType.PUBREL,
    mqtt.PacketType.PUBCOMP,
]


@pytest.mark.parametrize("level", [mqtt.MQTT_3_1_1, mqtt.MQTT_5])
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_round_trip_through_a_stream(level: int, data: st.DataObject) -> None:
    sent = data.draw(st.lists(packets(level), min_size=1, max_size=4))
    wire = b"".join(mqtt.encode(packet, level) for packet in sent)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(wire)), max_size=4)))
    stream = mqtt.PacketStream(1 << 20)
    received = []
    for start, end in zip([0, *cuts], [*cuts, len(wire)], strict=True):
        for first, body in stream.feed(wire[start:end]):
            received.append(mqtt.decode(first, body, level))
    assert received == sent


@settings(max_examples=200, deadline=None)
@given(first=st.integers(0, 255), body=st.binary(max_size=60), level=st.sampled_from([4, 5]))
def test_arbitrary_bytes_raise_only_codec_errors(first: int, body: bytes, level: int) -> None:
    with contextlib.suppress(
        mqtt.MalformedPacket, mqtt.ProtocolError, mqtt.UnsupportedProtocolVersion
    ):
        mqtt.decode(first, body, level)


def test_stream_refuses_an_oversized_packet_from_its_header() -> None:
    stream = mqtt.PacketStream(100)
    with pytest.raises(mqtt.PacketTooLarge, match="exceeds the maximum of 100"):
        stream.feed(b"\x30\xff\x01")  # PUBLISH declaring 255 bytes, none of them sent yet
