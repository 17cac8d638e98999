"""Upstream events of MQTT clients, received by a ``webpubsub.events`` handler."""

from __future__ import annotations

import json
import queue
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from typing import Any

from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from webpubsub.events import (
    ConnectRequest,
    ConnectResponse,
    DisconnectedRequest,
    EventHandlerError,
    UserEventRequest,
    UserEventResponse,
    WebPubSubEventHandler,
)

from ..conftest import StartHttpServer
from ..events.conftest import AsgiApp, Events, events, serve_asgi
from .conftest import MqttWorld

__all__ = ["events", "serve_asgi"]  # fixtures shared with tests/events


def _handler(world: MqttWorld, events: Events, serve: Callable[[AsgiApp], str], **kw: Any) -> None:
    def on_connect(request: ConnectRequest) -> ConnectResponse | None:
        events.record("connect", request)
        return ConnectResponse(roles=["webpubsub.sendToGroup"], groups=["from-handler"])

    def on_disconnected(request: DisconnectedRequest) -> None:
        events.record("disconnected", request)

    options: dict[str, Any] = {
        "connection_string": world.server.connection_string,
        "on_connect": on_connect,
        "on_connected": lambda request: events.record("connected", request),
        "on_disconnected": on_disconnected,
        **kw,
    }
    handler = WebPubSubEventHandler(None, **options)
    world.server.set_event_handlers(world.hub, serve(handler.asgi) + "/eventhandler/{event}")


def test_connect_event_has_the_mqtt_fields(
    world: MqttWorld, version: str, events: Events, serve_asgi: Callable[[AsgiApp], str]
) -> None:
    _handler(world, events, serve_asgi)
    client = world.client(version, user_id="dev")
    client.client.username_pw_set("device-7", b"s3cret\x00")
    properties = None
    if version == "5.0":
        properties = Properties(PacketTypes.CONNECT)
        properties.UserProperty = ("site", "lab")
    assert client.connect(properties=properties) == 0
    request: ConnectRequest = events.next("connect")
    assert request.context.subprotocol == "mqtt"
    assert request.context.connection_id == client.client_id
    assert request.mqtt is not None
    assert request.mqtt.protocol_version == (5 if version == "5.0" else 4)
    assert (request.mqtt.username, request.mqtt.password) == ("device-7", b"s3cret\x00")
    assert "s3cret" not in repr(request.mqtt)
    assert request.mqtt.user_properties == ((("site", "lab"),) if version == "5.0" else ())
    assert request.claims["sub"] == ["dev"]
    assert request.context.physical_connection_id and request.context.session_id is None
    connected = events.next("connected")
    assert connected.context.session_id  # the session exists from `connected` on
    # The handler's answer took effect: a role and a subscription.
    assert world.server.service.groups_of(world.hub, client.client_id) == {"from-handler"}
    world.service.send_to_group("from-handler", "hi", content_type="text/plain")
    assert client.receive().topic == "from-handler"

    client.close()
    gone: DisconnectedRequest = events.next("disconnected")
    assert gone.mqtt is not None and gone.mqtt.initiated_by_client
    assert gone.mqtt.disconnect_packet is not None and gone.mqtt.disconnect_packet.code == 0


def test_connect_refused_with_an_mqtt_code(
    world: MqttWorld, version: str, events: Events, serve_asgi: Callable[[AsgiApp], str]
) -> None:
    def on_connect(request: ConnectRequest) -> None:
        assert request.mqtt is not None
        code = 0x8A if request.mqtt.protocol_version == 5 else 4  # banned / bad user or password
        raise EventHandlerError(403, "banned by server", mqtt_code=code)

    _handler(world, events, serve_asgi, on_connect=on_connect)
    client = world.client(version)
    # paho reports 3.1.1 return code 4 as reason code 0x86.
    assert client.connect() == (0x8A if version == "5.0" else 0x86)
    if version == "5.0":
        assert client.connack_properties.ReasonString == "banned by server"
    assert world.server.service.connection_ids(world.hub) == []


def test_user_event_round_trip(
    world: MqttWorld, version: str, events: Events, serve_asgi: Callable[[AsgiApp], str]
) -> None:
    async def on_user_event(request: UserEventRequest) -> UserEventResponse:
        events.record("user", request)
        return UserEventResponse({"length": len(request.data)}, "json")

    _handler(world, events, serve_asgi, on_user_event=on_user_event)
    client = world.connected(version)
    properties = None
    if version == "5.0":
        properties = Properties(PacketTypes.PUBLISH)
        properties.ContentType = "text/plain"
        properties.CorrelationData = b"req-1"
        properties.UserProperty = ("trace", "t1")
    assert client.publish("$webpubsub/server/events/echo", b"ping", properties=properties) == 0
    request: UserEventRequest = events.next("user")
    assert request.context.event_name == "echo"
    if version == "5.0":
        assert (request.data, request.data_type) == ("ping", "text")
    else:  # no content type in MQTT 3.1.1: binary
        assert (request.data, request.data_type) == (b"ping", "binary")
    answer = client.receive()
    assert answer.topic == "$webpubsub/server/events/echo/succeeded"
    assert json.loads(answer.payload) == {"length": 4}
    if version == "5.0":
        assert answer.properties.CorrelationData == b"req-1"
        assert ("azure-status-code", "200") in answer.properties.UserProperty


def test_events_carry_the_mqtt_cloudevents_extension(
    loopback_http_server: StartHttpServer, world: MqttWorld
) -> None:
    seen: queue.Queue[dict[str, str]] = queue.Queue()

    class Recorder(BaseHTTPRequestHandler):
        def do_OPTIONS(self) -> None:  # abuse protection
            self.send_response(200)
            self.send_header("WebHook-Allowed-Origin", "*")
            self.end_headers()

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("content-length", 0)))
            seen.put({k.lower(): v for k, v in self.headers.items()})
            self.send_response(204)
            self.end_headers()

    world.server.set_event_handlers(world.hub, loopback_http_server(Recorder) + "/{event}")
    client = world.connected("5.0")
    connect_headers, connected_headers = seen.get(timeout=10), seen.get(timeout=10)
    physical = connect_headers["ce-physicalconnectionid"]
    assert (
        connect_headers["ce-source"]
        == f"/hubs/{world.hub.lower()}/client/{client.client_id}/{physical}"
    )
    assert connect_headers["ce-subprotocol"] == "mqtt"
    assert "ce-sessionid" not in connect_headers  # no session yet at connect
    assert connected_headers["ce-eventname"] == "connected"
    assert connected_headers["ce-physicalconnectionid"] == physical
    assert connected_headers["ce-sessionid"]
