"""Interop: the official azure-messaging-webpubsubclient and -webpubsubservice packages."""

from __future__ import annotations

import contextlib
import queue
from typing import Any

from azure.messaging.webpubsubclient import WebPubSubClient, WebPubSubClientCredential
from azure.messaging.webpubsubclient.models import (
    CallbackType,
    OnGroupDataMessageArgs,
    OnServerDataMessageArgs,
    WebPubSubDataType,
    WebPubSubProtocolType,
)
from azure.messaging.webpubsubservice import WebPubSubServiceClient
from webpubsub_emulator import EmulatorServer
from websockets.sync.client import connect

WAIT = 30.0
# The official client 1.1.0 can miss the "opened" notification when the handshake beats its
# own wait (likely on loopback); it then waits the whole start timeout before noticing it is
# connected. A short start timeout bounds that stall without failing anything.
START_TIMEOUT = 5.0


def test_official_reliable_client_joins_sends_and_receives(
    webpubsub_emulator: EmulatorServer, webpubsub_hub: str
) -> None:
    service = WebPubSubServiceClient.from_connection_string(
        webpubsub_emulator.connection_string, hub=webpubsub_hub
    )

    def url() -> str:
        token: dict[str, Any] = service.get_client_access_token(
            user_id="official", roles=["webpubsub.joinLeaveGroup", "webpubsub.sendToGroup"]
        )
        return str(token["url"])

    client = WebPubSubClient(
        credential=WebPubSubClientCredential(client_access_url_provider=url),
        protocol_type=WebPubSubProtocolType.JSON_RELIABLE,
        start_timeout=START_TIMEOUT,
        ack_timeout=WAIT,
    )
    group_messages: queue.Queue[OnGroupDataMessageArgs] = queue.Queue()
    server_messages: queue.Queue[OnServerDataMessageArgs] = queue.Queue()
    client.subscribe(CallbackType.GROUP_MESSAGE, group_messages.put)
    client.subscribe(CallbackType.SERVER_MESSAGE, server_messages.put)
    with client:
        client.join_group("chat")
        assert service.group_exists("chat")
        client.send_to_group("chat", "from client", WebPubSubDataType.TEXT)
        echoed = group_messages.get(timeout=WAIT)
        assert (echoed.group, echoed.data, echoed.from_user_id) == (
            "chat",
            "from client",
            "official",
        )
        assert echoed.sequence_id == 1

        service.send_to_group("chat", {"kind": "json"}, content_type="application/json")
        message = server_messages.get(timeout=WAIT)
        assert (message.data_type, message.data) == (WebPubSubDataType.JSON, {"kind": "json"})

        service.send_to_user("official", "to user", content_type="text/plain")
        message = server_messages.get(timeout=WAIT)
        assert (message.data_type, message.data) == (WebPubSubDataType.TEXT, "to user")

        service.send_to_all(b"\x00\x01", content_type="application/octet-stream")
        message = server_messages.get(timeout=WAIT)
        assert message.data_type == WebPubSubDataType.BINARY
        assert bytes(message.data) == b"\x00\x01"

        members = list(service.list_connections(group="chat"))
        assert [m.user_id for m in members] == ["official"]
        assert service.user_exists("official")


def test_official_service_client_manages_connections(
    webpubsub_emulator: EmulatorServer, webpubsub_hub: str
) -> None:
    service = WebPubSubServiceClient.from_connection_string(
        webpubsub_emulator.connection_string, hub=webpubsub_hub
    )
    client = WebPubSubClient(
        credential=WebPubSubClientCredential(
            client_access_url_provider=service.get_client_access_token(user_id="u")["url"]
        ),
        protocol_type=WebPubSubProtocolType.JSON,
        start_timeout=START_TIMEOUT,
        reconnect_retry_total=0,
    )
    disconnected: queue.Queue[object] = queue.Queue()
    client.subscribe(CallbackType.DISCONNECTED, disconnected.put)
    with client:
        state = webpubsub_emulator.service
        [connection_id] = state.connection_ids(webpubsub_hub)
        assert service.connection_exists(connection_id)
        service.add_connection_to_group("g", connection_id)
        service.grant_permission("sendToGroup", connection_id, target_name="g")
        assert service.has_permission("sendToGroup", connection_id, target_name="g")
        service.revoke_permission("sendToGroup", connection_id, target_name="g")
        assert not service.has_permission("sendToGroup", connection_id, target_name="g")
        assert state.groups_of(webpubsub_hub, connection_id) == {"g"}
        service.remove_connection_from_group("g", connection_id)
        assert not service.group_exists("g")
        service.close_connection(connection_id, reason="done")
        disconnected.get(timeout=WAIT)
        assert not service.connection_exists(connection_id)


def test_official_service_client_pages_through_group_members(
    webpubsub_emulator: EmulatorServer, webpubsub_hub: str
) -> None:
    service = WebPubSubServiceClient.from_connection_string(
        webpubsub_emulator.connection_string, hub=webpubsub_hub
    )
    with contextlib.ExitStack() as stack:
        for i in range(5):
            url = service.get_client_access_token(user_id=f"u{i}", groups=["g"])["url"]
            stack.enter_context(connect(url))
        members = list(service.list_connections(group="g", maxpagesize=2))
        assert sorted(m.user_id for m in members) == [f"u{i}" for i in range(5)]
        assert len({m.connection_id for m in members}) == 5
        assert len(list(service.list_connections(group="g", maxpagesize=2, top=3))) == 3
