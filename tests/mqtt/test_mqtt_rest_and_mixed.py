"""REST group operations change MQTT subscriptions; MQTT and JSON clients exchange messages
with the documented data type mapping; REST close sends a DISCONNECT on 5.0."""

from __future__ import annotations

import base64
import contextlib
import json
from collections.abc import Iterator
from typing import Any

from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from webpubsub._proto import webpubsub_client_pb2
from websockets.sync.client import ClientConnection, connect
from websockets.typing import Subprotocol

from .conftest import WAIT_SECONDS, MqttWorld

ROLES = ["webpubsub.joinLeaveGroup", "webpubsub.sendToGroup"]
JSON_PROTOCOL = Subprotocol("json.webpubsub.azure.v1")
RELIABLE_PROTOCOL = Subprotocol("json.reliable.webpubsub.azure.v1")
PROTOBUF_PROTOCOL = Subprotocol("protobuf.webpubsub.azure.v1")


@contextlib.contextmanager
def _json_client(world: MqttWorld, **token: Any) -> Iterator[ClientConnection]:
    access = world.service.get_client_access_token(**token)
    with connect(str(access["url"]), subprotocols=[JSON_PROTOCOL]) as ws:
        assert json.loads(ws.recv(WAIT_SECONDS))["event"] == "connected"
        yield ws


def _next_message(ws: ClientConnection) -> dict[str, object]:
    while True:
        frame = json.loads(ws.recv(WAIT_SECONDS))
        if frame["type"] == "message":
            return dict(frame)


def test_rest_group_operations_change_subscriptions(world: MqttWorld, version: str) -> None:
    client = world.connected(version, user_id="dev")
    world.service.add_connection_to_group("alerts", client.client_id)
    world.service.send_to_group("alerts", "one", content_type="text/plain")
    got = client.receive()
    assert (got.topic, got.payload) == ("alerts", b"one")

    world.service.remove_connection_from_group("alerts", client.client_id)
    world.service.add_user_to_group("metrics", "dev")
    world.service.send_to_group("alerts", "not any more", content_type="text/plain")
    world.service.send_to_group("metrics", "two", content_type="text/plain")
    got = client.receive()
    assert (got.topic, got.payload) == ("metrics", b"two")
    assert client.nothing_more()

    world.service.remove_user_from_group("metrics", "dev")
    assert world.server.service.groups_of(world.hub, client.client_id) == set()
    assert world.service.user_exists("dev")
    assert world.service.group_exists("metrics") is False


def test_mqtt_and_json_clients_exchange_messages(world: MqttWorld, version: str) -> None:
    device = world.connected(version, roles=ROLES)
    assert device.subscribe("room") == [1]
    with _json_client(world, roles=ROLES, user_id="web") as browser:
        browser.send(json.dumps({"type": "joinGroup", "group": "room"}))
        data = {"type": "sendToGroup", "group": "room", "dataType": "json", "data": {"a": 1}}
        browser.send(json.dumps({**data, "noEcho": True}))
        got = device.receive()
        assert (got.topic, json.loads(got.payload)) == ("room", {"a": 1})
        if version == "5.0":
            assert got.properties.ContentType == "application/json"

        properties = None
        if version == "5.0":
            properties = Properties(PacketTypes.PUBLISH)
            properties.ContentType = "text/plain"
        assert device.publish("room", "héllo".encode(), properties=properties) == 0
        message = _next_message(browser)
        assert message["group"] == "room"
        if version == "5.0":  # content type text/plain: text
            assert (message["dataType"], message["data"]) == ("text", "héllo")
        else:  # MQTT 3.1.1 has no content type: binary
            assert message["dataType"] == "binary"
            assert base64.b64decode(str(message["data"])) == "héllo".encode()
        # Without no-local the publisher's own subscription gets its message too.
        assert device.receive().payload == "héllo".encode()


def test_close_connection_sends_disconnect(world: MqttWorld, version: str) -> None:
    client = world.connected(version)
    world.service.close_connection(client.client_id, reason="maintenance")
    code, properties = client.disconnects.get(timeout=WAIT_SECONDS)
    if version == "5.0":
        assert code == 0x98  # administrative action
        assert properties.ReasonString == "maintenance"
    assert not world.service.connection_exists(client.client_id)


def test_odata_filters_and_permissions_treat_mqtt_connections_alike(
    world: MqttWorld, version: str
) -> None:
    ann = world.connected(version, user_id="ann")
    bob = world.connected(version, user_id="bob")
    world.service.send_to_all("for ann", content_type="text/plain", filter="userId eq 'ann'")
    world.service.send_to_all(
        "not bob", content_type="text/plain", filter=f"connectionId ne '{bob.client_id}'"
    )
    assert [ann.receive().payload, ann.receive().payload] == [b"for ann", b"not bob"]
    world.service.grant_permission("sendToGroup", bob.client_id, target_name="news")
    assert world.service.check_permission("sendToGroup", bob.client_id, target_name="news")
    assert bob.publish("news", b"granted") == 0
    assert bob.nothing_more() and ann.nothing_more()


def test_publish_reaches_raw_reliable_and_protobuf_clients_and_back(world: MqttWorld) -> None:
    # The token's group claim (webpubsub.group) subscribes every client at connect.
    device = world.connected("5.0", groups=["lobby"], roles=ROLES)
    assert world.server.service.groups_of(world.hub, device.client_id) == {"lobby"}
    urls = {
        name: str(world.service.get_client_access_token(groups=["lobby"], roles=ROLES)["url"])
        for name in ("raw", "reliable", "protobuf")
    }
    with (
        connect(urls["raw"]) as raw,
        connect(urls["reliable"], subprotocols=[RELIABLE_PROTOCOL]) as reliable,
        connect(urls["protobuf"], subprotocols=[PROTOBUF_PROTOCOL]) as protobuf,
    ):
        assert json.loads(reliable.recv(WAIT_SECONDS))["event"] == "connected"
        protobuf.recv(WAIT_SECONDS)  # its connected message
        properties = Properties(PacketTypes.PUBLISH)
        properties.ContentType = "text/plain"
        assert device.publish("lobby", b"hi all", properties=properties) == 0
        assert raw.recv(WAIT_SECONDS) == "hi all"
        message = _next_message(reliable)
        assert (message["dataType"], message["data"], message["sequenceId"]) == (
            "text",
            "hi all",
            1,
        )
        down = webpubsub_client_pb2.DownstreamMessage()
        down.ParseFromString(protobuf.recv(WAIT_SECONDS))
        assert down.data_message.data.text_data == "hi all"

        up = webpubsub_client_pb2.UpstreamMessage()
        up.send_to_group_message.group = "lobby"
        up.send_to_group_message.data.binary_data = b"\x00\x01"
        protobuf.send(up.SerializeToString())
        assert device.receive().payload == b"hi all"  # its own publish first
        got = device.receive()
        assert (got.payload, got.properties.ContentType) == (
            b"\x00\x01",
            "application/octet-stream",
        )
