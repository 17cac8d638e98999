"""What the emulator refuses, with the code each MQTT version gets for it."""

from __future__ import annotations

import pytest
from webpubsub import _mqtt as mqtt
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect
from websockets.typing import Subprotocol

from .conftest import MqttWorld, Paho

ROLES = ["webpubsub.joinLeaveGroup", "webpubsub.sendToGroup"]
# CONNACK codes as paho reports them: it maps a 3.1.1 return code to the 5.0 reason code
# (5 -> 0x87, 2 -> 0x85); test_mqtt_bad_input checks the 3.1.1 bytes themselves.
NOT_AUTHORIZED = {"3.1.1": 0x87, "5.0": 0x87}
BAD_CLIENT_ID = {"3.1.1": 0x85, "5.0": 0x85}
SUBSCRIBE_NOT_AUTHORIZED = {"3.1.1": 0x80, "5.0": 0x87}
WILDCARD = {"3.1.1": 0x80, "5.0": 0xA2}
SHARED = {"3.1.1": 0x80, "5.0": 0x9E}


def test_bad_token_gets_not_authorized(world: MqttWorld, version: str) -> None:
    url = world.url()
    tampered = url[:-4] + ("AAAA" if not url.endswith("AAAA") else "BBBB")
    client = Paho(tampered, version)
    world.clients.append(client)
    assert client.connect() == NOT_AUTHORIZED[version]
    assert world.server.service.connection_ids(world.hub) == []


def test_token_in_the_authorization_header(world: MqttWorld, version: str) -> None:
    access = world.service.get_client_access_token(client_protocol="MQTT", user_id="hdr")
    client = Paho(str(access["baseUrl"]), version)
    client.client.ws_set_options(
        path=client.client._websocket_path,  # keep the path, add the header
        headers={"Authorization": f"Bearer {access['token']}"},
    )
    world.clients.append(client)
    assert client.connect() == 0
    assert world.server.service.connection_user(world.hub, client.client_id) == "hdr"


@pytest.mark.parametrize("client_id", ["has-dash", "x" * 129])
def test_bad_client_id_is_refused(world: MqttWorld, version: str, client_id: str) -> None:
    client = world.client(version, client_id)
    assert client.connect() == BAD_CLIENT_ID[version]


def test_missing_role_refuses_subscribe_and_publish(world: MqttWorld, version: str) -> None:
    listener = world.connected(version, roles=ROLES)
    assert listener.subscribe("room") == [1]
    bare = world.connected(version)
    assert bare.subscribe("room") == [SUBSCRIBE_NOT_AUTHORIZED[version]]
    # 5.0 says why in the PUBACK; 3.1.1 has no code for it: acknowledged, not delivered.
    assert bare.publish("room", b"refused") == (0x87 if version == "5.0" else 0)
    scoped = world.connected(version, roles=["webpubsub.sendToGroup.room"])
    assert scoped.publish("room", b"allowed") == 0
    assert listener.receive().payload == b"allowed"
    assert listener.nothing_more()


def test_wildcard_and_shared_subscriptions_are_refused(world: MqttWorld, version: str) -> None:
    client = world.connected(version, roles=ROLES)
    assert client.subscribe("a/+") == [WILDCARD[version]]
    assert client.subscribe("a/#") == [WILDCARD[version]]
    assert client.subscribe("$share/g/a") == [SHARED[version]]
    assert world.server.service.groups_of(world.hub, client.client_id) == set()


def test_the_endpoint_needs_the_mqtt_subprotocol(world: MqttWorld) -> None:
    for offered in ([], [Subprotocol("json.webpubsub.azure.v1")]):
        with pytest.raises(InvalidStatus) as refused:
            connect(world.url(), subprotocols=offered or None)
        assert refused.value.response.status_code == 400
    assert "s3cret" not in repr(mqtt.Connect("c", password=b"s3cret"))
