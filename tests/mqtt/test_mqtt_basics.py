"""paho-mqtt 3.1.1 and 5.0 clients, with the SDK's MQTT URL: connect, subscribe, publish,
and receive REST sends."""

from __future__ import annotations

from .conftest import MqttWorld

ROLES = ["webpubsub.joinLeaveGroup", "webpubsub.sendToGroup"]


def test_subscribe_publish_and_rest_sends(world: MqttWorld, version: str) -> None:
    alice = world.connected(version, user_id="alice", roles=ROLES)
    bob = world.connected(version, roles=ROLES)
    assert bob.subscribe("news") == [1]

    assert alice.publish("news", b"\x00\x01binary", qos=1) == 0
    message = bob.receive()
    assert (message.topic, message.payload, message.qos) == ("news", b"\x00\x01binary", 1)

    world.service.send_to_group("news", "to the group", content_type="text/plain")
    assert bob.receive().payload == b"to the group"

    world.service.send_to_all({"hello": "all"})
    for client in (alice, bob):
        got = client.receive()
        assert (got.topic, got.payload) == ("$webpubsub/server/messages", b'{"hello": "all"}')

    world.service.send_to_user("alice", "for alice", content_type="text/plain")
    world.service.send_to_connection(bob.client_id, "for bob", content_type="text/plain")
    assert alice.receive().payload == b"for alice"
    assert bob.receive().payload == b"for bob"
    assert alice.nothing_more() and bob.nothing_more()


def test_client_id_is_the_connection_id(world: MqttWorld, version: str) -> None:
    client = world.connected(version, user_id="u1")
    assert world.service.connection_exists(client.client_id)
    assert world.server.service.connection_user(world.hub, client.client_id) == "u1"
