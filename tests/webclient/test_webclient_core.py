"""The I/O-free protocol core: frames, acks, sequence de-duplication, retry delays and the
resume/reconnect decisions, without sockets."""

from __future__ import annotations

import json
from typing import Any

import pytest
from azure.messaging.webpubsubclient.models import _models as official
from hypothesis import given
from hypothesis import strategies as st
from webpubsub.client._protocol import _messages as m
from webpubsub.client._protocol._acks import AckBook
from webpubsub.client._protocol._codec import codec_for
from webpubsub.client._protocol._retry import RetryPolicy
from webpubsub.client._protocol._sequence import SequenceTracker
from webpubsub.client._protocol._session import (
    Notify,
    Options,
    Reconnect,
    Rejoin,
    Resume,
    Session,
    Settle,
    Stop,
)
from webpubsub.client.models import (
    AckMessageError,
    CallbackType,
    RetryMode,
    WebPubSubDataType,
    WebPubSubProtocolType,
)

TEXT, JSON, BINARY = WebPubSubDataType.TEXT, WebPubSubDataType.JSON, WebPubSubDataType.BINARY


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (m.JoinGroup("g", 1), official.JoinGroupMessage(group="g", ack_id=1)),
        (m.LeaveGroup("g", None), official.LeaveGroupMessage(group="g")),
        (
            m.SendToGroup("g", TEXT, "x", False, 2),
            official.SendToGroupMessage(
                data_type=TEXT, data="x", group="g", no_echo=False, ack_id=2
            ),
        ),
        (
            m.SendToGroup("g", BINARY, memoryview(b"\x00a"), True, None),
            official.SendToGroupMessage(
                data_type=BINARY, data=memoryview(b"\x00a"), group="g", no_echo=True
            ),
        ),
        (
            m.SendEvent("e", JSON, {"a": ["é", 1]}, 3),
            official.SendEventMessage(data_type=JSON, data={"a": ["é", 1]}, event="e", ack_id=3),
        ),
        (m.SequenceAck(9), official.SequenceAckMessage(sequence_id=9)),
    ],
)
def test_json_frames_are_those_the_official_client_writes(ours: m.Upstream, theirs: Any) -> None:
    codec = codec_for(WebPubSubProtocolType.JSON)
    assert codec.encode(ours) == official.WebPubSubJsonProtocol().write_message(theirs)


@pytest.mark.parametrize("protocol", ["protobuf.webpubsub.azure.v1", "json.webpubsub.azure.v1"])
def test_frames_survive_the_emulators_decoder(protocol: str) -> None:
    from webpubsub_emulator import protobuf_frames

    codec = codec_for(protocol)
    frame = codec.encode(m.SendToGroup("g", BINARY, b"\x01", True, 5))
    if isinstance(frame, bytes):
        request = protobuf_frames.upstream_request(frame)
        assert request is not None
        assert (request["group"], request["noEcho"], request["ackId"]) == ("g", True, 5)
        assert request["payload"].value == b"\x01"
    else:
        assert json.loads(frame)["data"] == "AQ=="


def test_decoding_acks_messages_and_unknown_frames() -> None:
    codec = codec_for("JSON.WEBPUBSUB.AZURE.V1")  # case-insensitive, as the official enums
    assert codec.decode(
        '{"type":"ack","ackId":4,"success":false,"error":{"name":"Forbidden","message":"no"}}'
    ) == m.Ack(4, False, AckMessageError(name="Forbidden", message="no"))
    decoded = codec.decode('{"type":"message","from":"server","dataType":"binary","data":"AAE="}')
    assert isinstance(decoded, m.ServerData)
    assert bytes(decoded.data) == b"\x00\x01"
    assert codec.decode('{"type":"future-kind"}') is None
    with pytest.raises(ValueError, match="JSON object"):
        codec.decode("[1]")


def test_ack_book_counts_duplicate_as_success_and_drains_on_loss() -> None:
    book: AckBook[str] = AckBook()
    first, second, third = book.next_id(), book.next_id(), book.next_id()
    book.add(first, "a")
    book.add(second, "b")
    book.add(third, "c")
    with pytest.raises(ValueError, match="ack_id 1 is already in flight"):
        book.add(first, "again")
    settled = book.settle(m.Ack(first, False, AckMessageError(name="Duplicate", message="")))
    assert settled == ("a", None)
    refused = book.settle(m.Ack(second, False, AckMessageError(name="Forbidden", message="x")))
    assert refused is not None and refused[1] is not None and refused[1].name == "Forbidden"
    assert book.settle(m.Ack(99, True, None)) is None
    assert book.drain() == ["c"]
    assert len(book) == 0


@given(st.lists(st.integers(min_value=1, max_value=40), max_size=80))
def test_sequence_tracker_delivers_each_id_once_in_order(ids: list[int]) -> None:
    tracker = SequenceTracker()
    delivered = [n for n in ids if tracker.accept(n)]
    assert delivered == sorted(set(delivered))
    assert all(n > max([0, *ids[: ids.index(n)]]) for n in delivered)
    assert tracker.take_ack() == (max(ids) if ids else None)
    assert tracker.take_ack() is None


def test_retry_delays_double_up_to_the_maximum_then_stop() -> None:
    policy = RetryPolicy.build("message", 5, 0.8, 3.0, RetryMode.Exponential)
    assert [policy.delay(n) for n in range(1, 7)] == [0.8, 1.6, 3.0, 3.0, 3.0, None]
    fixed = RetryPolicy.build("message", 2, 0.5, 9.0, "FIXED")
    assert [fixed.delay(n) for n in (1, 2, 3)] == [0.5, 0.5, None]
    with pytest.raises(ValueError, match="reconnect_retry_total must be an int >= 0, not -1"):
        RetryPolicy.build("reconnect", -1, 0.8, 1.0, RetryMode.Fixed)


def _session(protocol: str, *, auto_reconnect: bool = True) -> Session[str]:
    policy = RetryPolicy.build("message", 3, 0.8, 120.0, RetryMode.Exponential)
    return Session(
        Options(
            codec=codec_for(protocol),
            auto_reconnect=auto_reconnect,
            auto_rejoin_groups=True,
            reconnect_policy=policy,
            message_policy=policy,
            ack_timeout=30.0,
            start_timeout=30.0,
        )
    )


CONNECTED = '{"type":"system","event":"connected","connectionId":"c1","reconnectionToken":"tok"}'


def test_a_reliable_session_resumes_replays_once_and_acks_sequence_ids() -> None:
    session = _session("json.reliable.webpubsub.azure.v1")
    session.start("wss://host/client/hubs/h?access_token=secret")
    session.groups.add("g")
    outputs = session.receive(CONNECTED, now=0.0)
    assert [type(o) for o in outputs] == [Rejoin, Notify]
    message = '{{"sequenceId":{n},"type":"message","from":"server","dataType":"text","data":"x"}}'
    assert len(session.receive(message.format(n=1), now=0.1)) == 1
    assert session.poll(0.5) is None  # not due yet
    assert session.poll(1.0) == '{"type": "sequenceAck", "sequenceId": 1}'
    session.acks.add(session.acks.next_id(), "pending")
    lost = session.fail_pending()
    assert [(o.waiter, o.error.name) for o in lost if isinstance(o, Settle) and o.error] == [
        ("pending", "NoAckMessageReceivedFromServer")
    ]
    decision = session.connection_lost(stopping=False, close_code=None)
    assert isinstance(decision, Resume)
    assert "awps_connection_id=c1" in decision.url and "awps_reconnection_token=tok" in decision.url
    assert "secret" not in repr(session) and "tok" not in repr(decision)
    assert session.receive(CONNECTED, now=2.0) == []  # resumed: no second CONNECTED
    assert session.receive(message.format(n=1), now=2.1) == []  # replayed: dropped
    assert len(session.receive(message.format(n=2), now=2.2)) == 1


@pytest.mark.parametrize(
    ("protocol", "close_code", "auto_reconnect", "expected"),
    [
        ("json.webpubsub.azure.v1", 1006, True, Reconnect),
        ("json.reliable.webpubsub.azure.v1", 1008, True, Reconnect),  # policy: no resume
        ("json.webpubsub.azure.v1", None, False, Stop),
    ],
)
def test_what_follows_a_lost_connection(
    protocol: str, close_code: int | None, auto_reconnect: bool, expected: type
) -> None:
    session = _session(protocol, auto_reconnect=auto_reconnect)
    session.start("wss://host/client/hubs/h?access_token=secret")
    session.receive(CONNECTED, now=0.0)
    assert isinstance(session.connection_lost(stopping=False, close_code=close_code), expected)
    notification = session.disconnected_notification()
    assert notification.callback is CallbackType.DISCONNECTED
    assert notification.args.connection_id == "c1"


@pytest.mark.parametrize("frame", ['{"type":"ack"}', '{"type":"ack","ackId":null}', b"\xff\xfe"])
def test_malformed_json_frames_are_value_errors(frame: str | bytes) -> None:
    # The faces log and skip a ValueError; anything else would stop the reader.
    with pytest.raises(ValueError):
        codec_for(WebPubSubProtocolType.JSON).decode(frame)
    assert codec_for(WebPubSubProtocolType.JSON).decode('{"type":"message","from":1}') is None
