"""The sync client (``webpubsub.client``) against the real emulator, on all four
subprotocols: groups, acks, no_echo, server messages, resume and reconnect, errors."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from webpubsub import WebPubSubServiceClient
from webpubsub.client import WebPubSubClient, WebPubSubClientCredential
from webpubsub.client.models import (
    CallbackType,
    OpenClientError,
    SendMessageError,
    WebPubSubDataType,
)
from webpubsub_emulator import EmulatorServer

from .conftest import ALL_PROTOCOLS, RELIABLE_PROTOCOLS, Record, UrlFactory


def listening(client: WebPubSubClient, record: Record) -> WebPubSubClient:
    client.subscribe(CallbackType.CONNECTED, lambda args: record.add("connected", args))
    client.subscribe(CallbackType.DISCONNECTED, lambda args: record.add("disconnected", args))
    client.subscribe(CallbackType.STOPPED, lambda: record.add("stopped"))
    client.subscribe(CallbackType.GROUP_MESSAGE, lambda args: record.add("group", args))
    client.subscribe(CallbackType.SERVER_MESSAGE, lambda args: record.add("server", args))
    client.subscribe(CallbackType.REJOIN_GROUP_FAILED, lambda args: record.add("rejoin", args))
    return client


@pytest.mark.parametrize("protocol", ALL_PROTOCOLS)
def test_group_messages_of_each_type_arrive_once_and_no_echo_skips_the_sender(
    protocol: str, client_url: UrlFactory, record: Record
) -> None:
    others = Record()
    sender = listening(WebPubSubClient(client_url(user_id="ann"), protocol_type=protocol), record)
    receiver = listening(WebPubSubClient(client_url(user_id="bob"), protocol_type=protocol), others)
    with sender, receiver:
        sender.join_group("room")
        receiver.join_group("room")
        sender.send_to_group("room", "hello", WebPubSubDataType.TEXT)
        sender.send_to_group("room", {"n": [1, "é"]}, WebPubSubDataType.JSON)
        sender.send_to_group("room", memoryview(b"\x00\xff"), WebPubSubDataType.BINARY)
        sender.send_to_group("room", "not to me", "text", no_echo=True)
        got = others.wait_for("group", 4)
        sender.send_to_group("room", "last", "text")
        mine = record.wait_for("group", 4)
    is_json = protocol.startswith("json")
    assert [(m.data_type, _plain(m.data)) for m in got] == [
        (WebPubSubDataType.TEXT, "hello"),
        # The protobuf subprotocols have no JSON type: JSON travels as its text.
        (WebPubSubDataType.JSON, {"n": [1, "é"]})
        if is_json
        else (WebPubSubDataType.TEXT, '{"n": [1, "\\u00e9"]}'),
        (WebPubSubDataType.BINARY, b"\x00\xff"),
        (WebPubSubDataType.TEXT, "not to me"),
    ]
    assert all(m.group == "room" for m in got)
    assert isinstance(got[2].data, memoryview)
    assert [_plain(m.data) for m in mine][-1] == "last"
    assert "not to me" not in [_plain(m.data) for m in mine]
    assert got[0].from_user_id == ("ann" if is_json else None)
    reliable = ".reliable." in protocol
    assert (got[0].sequence_id is not None) is reliable
    assert record.kinds()[-2:] == ["disconnected", "stopped"]


def _plain(data: Any) -> Any:
    return bytes(data) if isinstance(data, memoryview) else data


def test_server_messages_and_the_connected_callback(
    client_url: UrlFactory, service: WebPubSubServiceClient, record: Record
) -> None:
    client = listening(WebPubSubClient(client_url(user_id="carl")), record)
    with client:
        connected = record.wait_for("connected")[0]
        assert connected.user_id == "carl"
        service.send_to_all({"to": "all"})
        service.send_to_user("carl", "for carl", content_type="text/plain")
        got = record.wait_for("server", 2)
    assert [(m.data_type, m.data) for m in got] == [
        (WebPubSubDataType.JSON, {"to": "all"}),
        (WebPubSubDataType.TEXT, "for carl"),
    ]
    assert [m.sequence_id for m in got] == [1, 2]


@pytest.mark.parametrize("protocol", RELIABLE_PROTOCOLS)
def test_a_dropped_reliable_socket_resumes_with_the_same_connection_and_loses_nothing(
    protocol: str,
    client_emulator: EmulatorServer,
    webpubsub_hub: str,
    client_url: UrlFactory,
    service: WebPubSubServiceClient,
    record: Record,
) -> None:
    client = listening(WebPubSubClient(client_url(), protocol_type=protocol), record)
    with client:
        connection_id = record.wait_for("connected")[0].connection_id
        for n in range(5):
            service.send_to_all(f"m{n}", content_type="text/plain")
        record.wait_for("server", 5)
        # The emulator knows protobuf sockets by hub only; this client is the hub's only one.
        assert client_emulator.faults.drop_clients(hub=webpubsub_hub) == 1
        for n in range(5, 20):
            service.send_to_all(f"m{n}", content_type="text/plain")
        client.join_group("after")  # waits for the resumed connection
        got = record.wait_for("server", 20)
        assert client.is_connected()
        assert client_emulator.service.connection_user(webpubsub_hub, connection_id) is None
    assert [m.data for m in got] == [f"m{n}" for n in range(20)]
    assert len(record.of("connected")) == 1  # resumed, not a new connection
    assert record.kinds().count("disconnected") == 1  # only the one close() caused


def test_a_dropped_plain_socket_reconnects_and_rejoins_its_groups(
    client_emulator: EmulatorServer,
    client_url: UrlFactory,
    service: WebPubSubServiceClient,
    record: Record,
) -> None:
    client = listening(
        WebPubSubClient(
            WebPubSubClientCredential(lambda: client_url()),
            protocol_type="json.webpubsub.azure.v1",
            reconnect_retry_backoff_factor=0.1,
        ),
        record,
    )
    with client:
        first = record.wait_for("connected")[0].connection_id
        client.join_group("kept")
        assert client_emulator.faults.drop_clients(connection_id=first) == 1
        second = record.wait_for("connected", 2)[1].connection_id
        # The group is re-joined in the background: publish until the new connection is in
        # it (REST messages to a group arrive as server messages).
        arrived = _until_delivered(service, record)
    assert second != first
    kinds = record.kinds()
    assert kinds.index("disconnected") < len(kinds) - kinds[::-1].index("connected") - 1
    assert arrived.data == "again"
    assert record.of("rejoin") == []


def _until_delivered(service: WebPubSubServiceClient, record: Record) -> Any:
    for _ in range(50):
        service.send_to_group("kept", "again", content_type="text/plain")
        try:
            return record.wait_for("server", 1, timeout=0.2)[0]
        except AssertionError:
            continue
    raise AssertionError(f"the re-joined group never delivered: {record.items!r}")


def test_bad_input_raises_before_anything_is_sent(client_url: UrlFactory) -> None:
    url = client_url()
    client = WebPubSubClient(url)
    with pytest.raises(SendMessageError, match="not open"):
        client.send_to_group("g", "x", "text")
    with client:
        with pytest.raises(ValueError, match="group_name ''"):
            client.join_group("")
        with pytest.raises(TypeError, match="content must be a str when data_type is text"):
            client.send_to_group("g", b"bytes", "text")
        with pytest.raises(TypeError, match="binary"):
            client.send_to_group("g", "text", WebPubSubDataType.BINARY)
        with pytest.raises(ValueError, match="data_type 'xml'"):
            client.send_to_group("g", "x", "xml")
        with pytest.raises(ValueError, match="event_name"):
            client.send_event("", "x", "text")
        with pytest.raises(ValueError, match="invoke_event needs a JSON"):
            WebPubSubClient(url, protocol_type="protobuf.webpubsub.azure.v1").invoke_event(
                "e", "x", "text"
            )
    with pytest.raises(ValueError, match="protocol_type 'mqtt'"):
        WebPubSubClient(url, protocol_type="mqtt")
    with pytest.raises(TypeError, match="unexpected keyword argument"):
        WebPubSubClient(url, ack_timeuot=1)  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="ack_timeout must be"):
        WebPubSubClient(url, ack_timeout=0)
    secret_http = "http://h/client/hubs/x?access_token=SECRET"
    with pytest.raises(ValueError, match=r"ws:// or wss://, not http://$"):
        WebPubSubClient(secret_http)
    with pytest.raises(ValueError) as provided:
        WebPubSubClient(WebPubSubClientCredential(lambda: secret_http)).open()
    assert "SECRET" not in str(provided.value)


def test_a_refused_send_raises_with_the_service_error_and_no_token_leaks(
    client_url: UrlFactory,
) -> None:
    url = client_url(roles=[])  # may not join or publish
    token = url.split("access_token=")[1]
    client = WebPubSubClient(url)
    with client:
        with pytest.raises(SendMessageError) as refused:
            client.send_to_group("g", "x", "text", ack_id=77)
        assert "ackId" not in repr(client)
    assert refused.value.ack_id == 77
    assert refused.value.error_detail is not None
    assert refused.value.error_detail.name == "Forbidden"
    for text in (str(refused.value), repr(client), repr(WebPubSubClientCredential(url))):
        assert token not in text


def test_open_raises_when_the_handshake_is_refused(client_url: UrlFactory) -> None:
    url = client_url()
    bad = url[:-4] + ("aaaa" if not url.endswith("aaaa") else "bbbb")
    with pytest.raises(OpenClientError) as refused:
        WebPubSubClient(bad, start_timeout=5).open()
    assert "401" in str(refused.value)
    assert bad.split("access_token=")[1] not in str(refused.value)


def test_a_burst_beyond_the_services_unacked_limit_arrives_whole_on_one_connection(
    client_url: UrlFactory, service: WebPubSubServiceClient, record: Record
) -> None:
    # The emulator ends a reliable connection with 1000 unacknowledged messages; a client
    # acknowledging only once a second would lose the rest of a fast burst.
    client = listening(WebPubSubClient(client_url()), record)
    with client:
        for n in range(1200):
            service.send_to_all(str(n), content_type="text/plain")
        got = record.wait_for("server", 1200)
        assert record.of("disconnected") == []
    assert [m.data for m in got] == [str(n) for n in range(1200)]


def test_send_event_and_invoke_event_through_the_upstream(
    client_url: UrlFactory, upstream: list[Any], record: Record
) -> None:
    client = listening(WebPubSubClient(client_url(user_id="uma")), record)
    with client:
        client.send_event("note", {"k": "v"}, WebPubSubDataType.JSON)
        # The handler's answer to an event comes back as a server message.
        assert record.wait_for("server")[0].data == {"event": "note"}
        answer = client.invoke_event("echo", "ping", WebPubSubDataType.TEXT)
    assert (answer.data_type, answer.data) == (WebPubSubDataType.TEXT, "ping")
    assert [(r.context.event_name, r.context.user_id, r.data) for r in upstream] == [
        ("note", "uma", {"k": "v"}),
        ("echo", "uma", "ping"),
    ]


def test_debug_logs_show_frames_but_no_token(
    client_url: UrlFactory, caplog: pytest.LogCaptureFixture
) -> None:
    url = client_url()
    token = url.split("access_token=")[1]
    caplog.set_level(logging.DEBUG)
    with WebPubSubClient(url, logging_enable=True) as client:
        client.join_group("logged")
    text = caplog.text
    assert '"type": "joinGroup"' in text  # frames are logged
    assert '"reconnectionToken":"***"' in text.replace(" ", "")
    assert token not in text


def test_a_refused_rejoin_is_reported_to_rejoin_group_failed_listeners(
    client_emulator: EmulatorServer, client_url: UrlFactory, record: Record
) -> None:
    urls = iter([client_url(), client_url(roles=[])])  # the new token may not join groups
    client = listening(
        WebPubSubClient(
            WebPubSubClientCredential(lambda: next(urls)),
            protocol_type="json.webpubsub.azure.v1",
        ),
        record,
    )
    with client:
        client.join_group("members")
        first = record.wait_for("connected")[0].connection_id
        assert client_emulator.faults.drop_clients(connection_id=first) == 1
        failed = record.wait_for("rejoin")[0]
    assert failed.group == "members"
    assert isinstance(failed.error, SendMessageError)
    assert failed.error.error_detail is not None
    assert failed.error.error_detail.name == "Forbidden"
