"""Sessions (kept up to 30 s when asked), QoS 2, will messages and no-local."""

from __future__ import annotations

from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.subscribeoptions import SubscribeOptions

from .conftest import MqttWorld

ROLES = ["webpubsub.joinLeaveGroup", "webpubsub.sendToGroup"]


def _expiry(seconds: int) -> Properties:
    properties = Properties(PacketTypes.CONNECT)
    properties.SessionExpiryInterval = seconds
    return properties


def test_kept_session_resumes_with_its_subscriptions_and_queued_messages(
    world: MqttWorld, version: str
) -> None:
    first = world.client(version, "device1", clean=False, roles=ROLES)
    assert first.connect(_expiry(3600) if version == "5.0" else None) == 0
    assert first.session_present is False
    if version == "5.0":  # the service keeps sessions for at most 30 seconds
        assert first.connack_properties.SessionExpiryInterval == 30
    assert first.subscribe("jobs") == [1]
    first.close()
    assert world.service.connection_exists("device1")  # the session outlives the socket

    world.service.send_to_group("jobs", "while away", content_type="text/plain")
    again = world.client(version, "device1", clean=False, roles=ROLES)
    assert again.connect(_expiry(30) if version == "5.0" else None) == 0
    assert again.session_present is True
    got = again.receive()
    assert (got.topic, got.payload, got.qos) == ("jobs", b"while away", 1)

    fresh = world.client(version, "device1", clean=True, roles=ROLES)
    assert fresh.connect() == 0
    assert fresh.session_present is False
    assert world.server.service.groups_of(world.hub, "device1") == set()


def test_qos2_is_delivered_exactly_once(world: MqttWorld, version: str) -> None:
    sender = world.connected(version, roles=ROLES)
    receiver = world.connected(version, roles=ROLES)
    assert receiver.subscribe("exact", qos=2) == [2]
    assert sender.publish("exact", b"once", qos=2) == 0
    got = receiver.receive()
    assert (got.payload, got.qos) == (b"once", 2)
    world.service.send_to_group("exact", "rest", content_type="text/plain")
    got = receiver.receive()
    assert (got.payload, got.qos) == (b"rest", 1)  # REST messages are QoS 1
    assert receiver.nothing_more()


def test_will_is_published_when_the_connection_drops(world: MqttWorld, version: str) -> None:
    watcher = world.connected(version, roles=ROLES)
    assert watcher.subscribe("status") == [1]
    dying = world.client(version, roles=ROLES)
    dying.client.will_set("status", b"gone", qos=1)
    assert dying.connect() == 0
    dying.client.loop_stop()
    dying.client.socket().close()  # no DISCONNECT: the will goes out
    got = watcher.receive()
    assert (got.topic, got.payload) == ("status", b"gone")


def test_no_local_subscription_skips_own_publishes(world: MqttWorld) -> None:
    client = world.connected("5.0", roles=ROLES)
    client.client.subscribe("chat", options=SubscribeOptions(qos=1, noLocal=True))
    assert client.subacks.get(timeout=10) == [1]
    other = world.connected("5.0", roles=ROLES)
    assert client.publish("chat", b"mine") == 0
    assert other.publish("chat", b"theirs") == 0
    assert client.receive().payload == b"theirs"
    assert client.nothing_more()


def test_mqtt5_properties_reach_mqtt5_subscribers(world: MqttWorld) -> None:
    subscriber = world.connected("5.0", roles=ROLES)
    assert subscriber.subscribe("rpc") == [1]
    old_style = world.connected("3.1.1", roles=ROLES)
    assert old_style.subscribe("rpc") == [1]
    publisher = world.connected("5.0", roles=ROLES)
    properties = Properties(PacketTypes.PUBLISH)
    properties.UserProperty = [("a", "1"), ("a", "2")]
    properties.ContentType = "application/json"
    properties.PayloadFormatIndicator = 1
    properties.ResponseTopic = "rpc/replies"
    properties.CorrelationData = b"\x01\x02"
    properties.MessageExpiryInterval = 60
    assert publisher.publish("rpc", b'{"q": 1}', properties=properties) == 0
    got = subscriber.receive().properties
    assert got.UserProperty == [("a", "1"), ("a", "2")]
    assert (got.ContentType, got.PayloadFormatIndicator) == ("application/json", 1)
    assert (got.ResponseTopic, got.CorrelationData) == ("rpc/replies", b"\x01\x02")
    assert 0 < got.MessageExpiryInterval <= 60
    assert old_style.receive().payload == b'{"q": 1}'  # 3.1.1 gets the payload only


def test_a_delayed_will_goes_out_when_the_kept_session_ends(world: MqttWorld) -> None:
    watcher = world.connected("5.0", roles=ROLES)
    assert watcher.subscribe("status") == [1]
    dying = world.client("5.0", "delayed", clean=False, roles=ROLES)
    will_properties = Properties(PacketTypes.WILLMESSAGE)
    will_properties.WillDelayInterval = 600
    dying.client.will_set("status", b"gone for good", qos=1, properties=will_properties)
    assert dying.connect(_expiry(30)) == 0
    dying.client.loop_stop()
    dying.client.socket().close()  # dropped: the will waits out its delay in the session
    world.service.send_to_group("status", "marker", content_type="text/plain")
    assert watcher.receive().payload == b"marker"
    world.service.close_connection("delayed")  # the session ends before the delay
    got = watcher.receive()
    assert (got.topic, got.payload) == ("status", b"gone for good")
