"""The MQTT-over-WebSocket endpoint ``/clients/mqtt/hubs/{hub}`` (subprotocol ``mqtt``).

The WebSocket is accepted first; the access token (``access_token`` query parameter or
``Authorization: Bearer``) is checked when the CONNECT packet arrives, so that a refused
client learns why from its CONNACK (3.1.1 return code or 5.0 reason code). Each socket is
served by one ``_Link``; the session it serves (``MqttConnection``) may outlive it.

``client_sockets.ClientSockets`` hands the handshakes here without Starlette, so the
server's own ``send`` reaches the fan-out fast path (``direct_send``). Everything a
connected session receives is handled without waiting, so from CONNACK on its binary
messages come straight from the socket protocol (``socket_protocol.binary_sink_host``)
rather than through the ASGI receive queue; the queue still brings the disconnect.
"""

from __future__ import annotations

import asyncio
import base64
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs

from webpubsub import _mqtt as mqtt

from ..auth import ClientIdentity, TokenError, bearer_token, verify_client_token
from ..client_ws import _deny as deny_handshake
from ..connection import AsgiSend, SocketWriter
from ..encoded_paths import path_param
from ..errors import ServiceError
from ..frames import Protocol
from ..outbound import MAX_QUEUED_MESSAGES, transport_aborter
from ..roles import JOIN_LEAVE_GROUP, SEND_TO_GROUP
from ..socket_protocol import LeanWebSocketProtocol, binary_sink_host
from ..state import Hub, Service
from ..upstream import Upstream
from ..upstream.caller import UpstreamResult
from ..upstream.dispatch import ConnectRefused
from . import codes, rules
from .messages import MqttMessage
from .session import MQTT_CLOSE_CODE, MqttConnection, SubscriptionOptions

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]

SUBPROTOCOL = "mqtt"
#: The largest packet accepted or sent, in bytes (Web PubSub's 1 MiB message limit).
MAX_PACKET_BYTES = 1024 * 1024
# WebSocket close codes after a broken protocol (RFC 6455 section 7.4.1).
_WS_PROTOCOL_ERROR = 1002
_WS_TOO_BIG = 1009
# A PUBACK without reason code or properties: type 4, flags 0, remaining length 2.
_PUBACK_HEAD = bytes([mqtt.PacketType.PUBACK << 4, 2])
# What the codec raises for bytes that break MQTT: each closes the connection (``_broken``).
_CODEC_ERRORS = (
    mqtt.PacketTooLarge,
    mqtt.MalformedPacket,
    mqtt.ProtocolError,
    mqtt.UnsupportedProtocolVersion,
)


class MqttEndpoint:
    """ASGI app for one MQTT client WebSocket (mounted by ``app.create_app``)."""

    async def __call__(self, scope: Scope, receive: Receive, send: AsgiSend) -> None:
        if (await receive())["type"] != "websocket.connect":
            return
        offered = [str(p).lower() for p in scope.get("subprotocols", [])]
        try:
            if SUBPROTOCOL not in offered:
                raise ServiceError(
                    400,
                    "UnsupportedSubprotocol",
                    "the MQTT endpoint needs the WebSocket subprotocol 'mqtt'",
                    "Sec-WebSocket-Protocol",
                )
            hub_name = path_param(scope.get("path_params", {}), "hub")
        except ServiceError as error:
            await deny_handshake(scope, send, error)
            return
        # The token and the connect event's headers are read at CONNECT, after the accept,
        # once the server's protocol has let its scope's headers go (``socket_protocol``).
        scope = dict(scope)
        await send({"type": "websocket.accept", "subprotocol": SUBPROTOCOL})
        writer = SocketWriter(send, transport_aborter(receive))
        link = _Link(scope, hub_name, writer, binary_sink_host(send))
        try:
            await link.serve(receive)
        finally:
            await link.finish()


class _Link:
    """One WebSocket carrying MQTT: the CONNECT handshake, then packets of one session."""

    def __init__(
        self,
        scope: Scope,
        hub_name: str,
        writer: SocketWriter,
        sink_host: LeanWebSocketProtocol | None = None,
    ) -> None:
        self.scope = scope
        self.service: Service = scope["app"].state.service
        self.upstream: Upstream = scope["app"].state.upstream
        self.hub_name = hub_name
        self.hub: Hub | None = None
        self.writer = writer
        self.stream = mqtt.PacketStream(MAX_PACKET_BYTES)
        self.level = mqtt.MQTT_5
        self.session: MqttConnection | None = None
        self.ending = False  # a fatal error or DISCONNECT: ignore anything after it
        self.last_heard = time.monotonic()
        self.keep_alive_timer: asyncio.TimerHandle | None = None
        self.client_disconnect: mqtt.Disconnect | None = None
        self.physical_connection_id = uuid.uuid4().hex
        # Once connected, every packet is handled without waiting, so the socket's binary
        # messages can skip the ASGI receive queue (see ``socket_protocol``).
        self.sink_host = sink_host

    # -- reading ----------------------------------------------------------------------------

    async def serve(self, receive: Receive) -> None:
        while True:
            event = await receive()
            if event["type"] == "websocket.disconnect":
                return
            if self.ending:
                continue
            data = event.get("bytes")
            if data is None:
                self._fatal(codes.PROTOCOL_ERROR, "MQTT packets must travel in binary frames")
            elif self.session is None:
                await self._before_connected(data)
            else:
                self.on_frame(data)

    async def _before_connected(self, data: bytes) -> None:
        """Packets up to and including CONNECT (whose answer may wait for the event
        handler); any after it in the same frame are those of the session."""
        self.last_heard = time.monotonic()
        try:
            for first, body in self.stream.feed(data):
                if self.ending:
                    break
                if self.session is None:
                    await self._handshake(first, body)
                else:
                    self._handle(mqtt.decode(first, body, self.level))
        except _CODEC_ERRORS as error:
            self._broken(error)

    def on_frame(self, data: bytes) -> None:
        """One binary WebSocket message of a connected session (any number of packets,
        or part of one): from the receive loop, or straight from the socket's protocol."""
        if self.ending:
            return
        self.last_heard = time.monotonic()
        # One plain PUBACK, nearly every frame a QoS 1 subscriber sends: skip the codec.
        if len(data) == 4 and data[:2] == _PUBACK_HEAD and self.stream.empty:
            session = self.session
            assert session is not None
            session.puback(int.from_bytes(data[2:], "big"))
            return
        try:
            for first, body in self.stream.feed(data):
                if self.ending:
                    break
                self._handle(mqtt.decode(first, body, self.level))
        except _CODEC_ERRORS as error:
            self._broken(error)

    def _broken(self, error: ValueError) -> None:
        if isinstance(error, mqtt.PacketTooLarge):
            self._fatal(codes.PACKET_TOO_LARGE, str(error), _WS_TOO_BIG)
        elif isinstance(error, mqtt.MalformedPacket):
            self._fatal(codes.MALFORMED_PACKET, str(error))
        else:
            self._fatal(codes.PROTOCOL_ERROR, str(error))

    def _fatal(self, code: int, reason: str, ws_code: int = _WS_PROTOCOL_ERROR) -> None:
        """Close for a broken rule: a DISCONNECT first once the session is connected (5.0)."""
        self.ending = True
        if self.session is not None and self.session.writer is self.writer:
            self.session.disconnect(code, reason)
            return
        self.writer.push_close(ws_code, reason)

    # -- CONNECT ----------------------------------------------------------------------------

    async def _handshake(self, first: int, body: bytes) -> None:
        try:
            packet = mqtt.decode_connect(first, body)
        except mqtt.UnsupportedProtocolVersion:
            # Answered in the 3.1.1 format, which every version can read.
            self._refuse(codes.UNSUPPORTED_PROTOCOL_VERSION, "", mqtt.MQTT_3_1_1)
            return
        self.level = packet.protocol_level
        refusal = rules.check_connect(packet)
        if refusal is not None:
            self._refuse(refusal.code, refusal.reason)
            return
        try:
            identity = self._identify()
        except TokenError as error:
            self._refuse(codes.NOT_AUTHORIZED, str(error))
            return
        hub = self.hub = self.service.hub(self.hub_name)
        client_id = packet.client_id
        assigned = not client_id
        if assigned:
            client_id = uuid.uuid4().hex
        existing = hub.connections.get(client_id)
        if existing is not None and not isinstance(existing, MqttConnection):
            self._refuse(
                codes.CLIENT_IDENTIFIER_NOT_VALID,
                f"client id {client_id!r} is the id of a connection of another protocol",
            )
            return
        resumed = existing is not None and not packet.clean_start and not existing.closed
        if existing is not None:
            self._take_over(hub, existing, end=not resumed)
        if resumed:
            assert existing is not None
            session = existing
        else:
            session = MqttConnection(client_id, identity.user_id, identity.roles, self.level)
            hub.add(session, identity.groups)
        previous_socket = session.physical_connection_id
        session.physical_connection_id = self.physical_connection_id
        answer: dict[str, Any] = {}
        try:
            await self.upstream.connect(
                self.scope,
                hub,
                session,
                Protocol.MQTT,
                mqtt=_connect_fields(packet),
                on_answer=answer.update,
                apply=not resumed,
            )
        except ConnectRefused:
            mqtt_answer = answer.get("mqtt") if isinstance(answer.get("mqtt"), dict) else {}
            assert isinstance(mqtt_answer, dict)
            code = codes.upstream_connack_code(mqtt_answer.get("code"), self.level)
            reason = mqtt_answer.get("reason")
            self._refuse(
                code,
                reason if isinstance(reason, str) else "",
                user_properties=_user_properties(mqtt_answer.get("userProperties")),
                already_coded=True,
            )
            if resumed:
                session.physical_connection_id = previous_socket
                self._keep_or_end(hub, session)  # kept as if this socket had not come
            return
        self._open(hub, session, packet, resumed, assigned, answer)

    def _identify(self) -> ClientIdentity:
        query = parse_qs(self.scope.get("query_string", b"").decode(), keep_blank_values=True)
        tokens = query.get("access_token")
        if tokens:
            token = tokens[0]
        else:
            raw = dict(self.scope.get("headers", [])).get(b"authorization")
            token = bearer_token(raw.decode("latin-1") if raw is not None else None)
        return verify_client_token(
            token, self.service.access_key, f"/clients/mqtt/hubs/{self.hub_name}"
        )

    def _take_over(self, hub: Hub, existing: MqttConnection, *, end: bool) -> None:
        """A new CONNECT names a session in use or kept: its old socket goes; with a clean
        start the old session ends too."""
        if existing.writer is not None:
            existing.disconnect(codes.SESSION_TAKEN_OVER, "another connection took the session")
            existing.detach()
        if existing.expiry is not None:  # this socket owns the session now (or ends it)
            existing.expiry.cancel()
            existing.expiry = None
        if end:
            hub.remove(existing)
            existing.closed = True
            self.upstream.disconnected(
                hub, existing, "another connection took the session", _disconnect_fields(existing)
            )

    def _refuse(
        self,
        code: int,
        reason: str,
        level: int | None = None,
        *,
        user_properties: mqtt.UserProperties = (),
        already_coded: bool = False,
    ) -> None:
        level = self.level if level is None else level
        wire_code = code if already_coded else codes.connack_code(code, level)
        properties = mqtt.NO_PROPERTIES
        if level == mqtt.MQTT_5:
            properties = mqtt.Properties(
                reason_string=reason[:200] or None, user_properties=user_properties
            )
        packet = mqtt.encode(mqtt.ConnAck(wire_code, False, properties), level)
        self.writer.push({"type": "websocket.send", "bytes": packet})
        self.writer.push_close(MQTT_CLOSE_CODE, reason)
        self.ending = True

    def _open(
        self,
        hub: Hub,
        session: MqttConnection,
        packet: mqtt.Connect,
        resumed: bool,
        assigned: bool,
        answer: dict[str, Any],
    ) -> None:
        properties = packet.properties
        requested = (
            properties.session_expiry_interval or 0
            if self.level == mqtt.MQTT_5
            else (0 if packet.clean_start else rules.MAX_SESSION_EXPIRY_SECONDS)
        )
        session.level = self.level
        session.session_expiry_seconds = min(requested, rules.MAX_SESSION_EXPIRY_SECONDS)
        if properties.receive_maximum:
            session.receive_maximum = min(properties.receive_maximum, MAX_QUEUED_MESSAGES)
        session.maximum_packet_size = properties.maximum_packet_size
        if session.will_timer is not None:  # resumed within the will's delay: no will
            session.will_timer.cancel()
            session.will_timer = None
        session.will = packet.will
        # The `disconnected` details describe this socket's ending from now on.
        session.disconnect_code = None
        session.disconnect_user_properties = None
        session.disconnect_by_client = False
        session.ended = lambda: self._end_session(hub, session)
        self.session = session
        connack = mqtt.NO_PROPERTIES
        if self.level == mqtt.MQTT_5:
            mqtt_answer = answer.get("mqtt")
            user = (
                _user_properties(mqtt_answer.get("userProperties"))
                if isinstance(mqtt_answer, dict)
                else ()
            )
            connack = mqtt.Properties(
                session_expiry_interval=(
                    session.session_expiry_seconds
                    if session.session_expiry_seconds != requested
                    else None
                ),
                assigned_client_identifier=session.connection_id if assigned else None,
                receive_maximum=MAX_QUEUED_MESSAGES,
                retain_available=0,
                maximum_packet_size=MAX_PACKET_BYTES,
                topic_alias_maximum=0,
                wildcard_subscription_available=0,
                subscription_identifier_available=1,
                shared_subscription_available=0,
                user_properties=user,
            )
        data = mqtt.encode(mqtt.ConnAck(codes.SUCCESS, resumed, connack), self.level)
        self.writer.push({"type": "websocket.send", "bytes": data})
        session.attach(self.writer)
        if self.sink_host is not None:
            self.sink_host.binary_sink = self.on_frame
        if not resumed:
            self.upstream.connected(hub, session)
        if packet.keep_alive:
            self._watch_keep_alive(packet.keep_alive * 1.5)

    def _watch_keep_alive(self, limit: float) -> None:
        def check() -> None:
            if self.ending:
                return
            silent = time.monotonic() - self.last_heard
            if silent >= limit:
                self._fatal(codes.KEEP_ALIVE_TIMEOUT, f"no packet for {limit:g} seconds")
            else:
                self.keep_alive_timer = loop.call_later(limit - silent, check)

        loop = asyncio.get_running_loop()
        self.keep_alive_timer = loop.call_later(limit, check)

    # -- packets of a connected session -----------------------------------------------------

    def _handle(self, packet: mqtt.Packet) -> None:
        session = self.session
        assert session is not None and self.hub is not None
        if isinstance(packet, mqtt.Publish):
            self._publish(session, self.hub, packet)
        elif isinstance(packet, mqtt.PubAck):
            self._ack(session, packet)
        elif isinstance(packet, mqtt.Subscribe):
            self._subscribe(session, self.hub, packet)
        elif isinstance(packet, mqtt.Unsubscribe):
            self._unsubscribe(session, self.hub, packet)
        elif isinstance(packet, mqtt.PingReq):
            session.send_packet(mqtt.PingResp())
        elif isinstance(packet, mqtt.Disconnect):
            self._client_disconnect(session, packet)
        elif isinstance(packet, mqtt.Connect):
            self._fatal(codes.PROTOCOL_ERROR, "a second CONNECT on one connection")
        else:
            self._fatal(codes.PROTOCOL_ERROR, f"clients do not send {type(packet).__name__}")

    def _publish(self, session: MqttConnection, hub: Hub, packet: mqtt.Publish) -> None:
        if packet.properties.topic_alias is not None:
            self._fatal(codes.TOPIC_ALIAS_INVALID, "topic aliases are not supported")
            return
        if packet.retain:
            self._fatal(codes.RETAIN_NOT_SUPPORTED, "retained messages are not supported")
            return
        refusal = rules.check_topic_name(packet.topic)
        if refusal is not None:
            self._fatal(refusal.code, refusal.reason)
            return
        waiting = session.received_qos2
        if (
            packet.qos == 2
            and packet.packet_id not in waiting
            and len(waiting) >= MAX_QUEUED_MESSAGES
        ):
            self._fatal(
                codes.RECEIVE_MAXIMUM_EXCEEDED,
                f"more than {MAX_QUEUED_MESSAGES} QoS 2 messages are waiting for their PUBREL",
            )
            return
        code = codes.SUCCESS
        if packet.topic.startswith(rules.SERVER_EVENTS_PREFIX):
            code = self._user_event(session, hub, packet)
        elif packet.qos == 2 and packet.packet_id in session.received_qos2:
            pass  # a resent QoS 2 message: delivered once already
        elif packet.topic.startswith("$") or not session.permissions.may(
            SEND_TO_GROUP, packet.topic
        ):
            code = codes.NOT_AUTHORIZED
        else:
            message = MqttMessage(
                packet,
                level=self.level,
                sender=session.connection_id,
                from_user_id=session.user_id,
            )
            hub.send_to_group(packet.topic, message, (), None)
            if packet.qos == 2:
                assert packet.packet_id is not None
                session.received_qos2.add(packet.packet_id)
        if packet.packet_id is None:
            return
        kind = mqtt.PacketType.PUBACK if packet.qos == 1 else mqtt.PacketType.PUBREC
        session.send_packet(mqtt.PubAck(packet.packet_id, kind, code))

    def _user_event(self, session: MqttConnection, hub: Hub, packet: mqtt.Publish) -> int:
        """A PUBLISH to ``$webpubsub/server/events/<event>``: a request to the event
        handler, whose answer comes back on ``.../<event>/succeeded`` or ``/failed``."""
        event = packet.topic[len(rules.SERVER_EVENTS_PREFIX) :]
        if not event or "/" in event:
            return codes.TOPIC_NAME_INVALID
        properties = packet.properties
        headers = {f"mqtt-{name}": value for name, value in properties.user_properties}
        # No content type (always so in MQTT 3.1.1) means binary, as between protocols.
        content_type = properties.content_type or "application/octet-stream"
        request = (packet.payload, content_type, headers)

        def reply(result: UpstreamResult) -> None:
            outcome = "succeeded" if result.ok else "failed"
            user = [(k[5:], v) for k, v in result.headers.items() if k.lower().startswith("mqtt-")]
            user.append(("azure-status-code", str(result.status)))
            answer = mqtt.Publish(
                f"{packet.topic}/{outcome}",
                result.body,
                min(packet.qos, 1),
                properties=mqtt.Properties(
                    content_type=result.headers.get("content-type"),
                    correlation_data=properties.correlation_data,
                    user_properties=tuple(user),
                ),
            )
            session.deliver(MqttMessage(answer, level=mqtt.MQTT_5, sender="", from_user_id=None))

        self.upstream.mqtt_user_event(hub, session, event, request, reply)
        return codes.SUCCESS

    def _ack(self, session: MqttConnection, packet: mqtt.PubAck) -> None:
        kind = packet.kind
        if kind is mqtt.PacketType.PUBACK:
            session.puback(packet.packet_id)
        elif kind is mqtt.PacketType.PUBREC:
            code = session.pubrec(packet.packet_id)
            session.send_packet(mqtt.PubAck(packet.packet_id, mqtt.PacketType.PUBREL, code))
        elif kind is mqtt.PacketType.PUBCOMP:
            session.pubcomp(packet.packet_id)
        else:  # PUBREL: the client releases a QoS 2 message it sent
            known = packet.packet_id in session.received_qos2
            session.received_qos2.discard(packet.packet_id)
            code = codes.SUCCESS if known else codes.PACKET_IDENTIFIER_NOT_FOUND
            session.send_packet(mqtt.PubAck(packet.packet_id, mqtt.PacketType.PUBCOMP, code))

    def _subscribe(self, session: MqttConnection, hub: Hub, packet: mqtt.Subscribe) -> None:
        subscription_ids = packet.properties.subscription_identifiers
        results = []
        for item in packet.subscriptions:
            refusal = rules.check_topic_filter(item.topic_filter)
            if refusal is not None:
                code = refusal.code
            elif not session.permissions.may(JOIN_LEAVE_GROUP, item.topic_filter):
                code = codes.NOT_AUTHORIZED
            else:
                session.subscriptions[item.topic_filter] = SubscriptionOptions(
                    item.qos, item.no_local, subscription_ids[0] if subscription_ids else None
                )
                hub.join(session, item.topic_filter)
                code = item.qos
            results.append(codes.suback_code(code, self.level))
        session.send_packet(mqtt.SubAck(packet.packet_id, tuple(results)))

    def _unsubscribe(self, session: MqttConnection, hub: Hub, packet: mqtt.Unsubscribe) -> None:
        results = []
        for topic_filter in packet.topic_filters:
            if not session.permissions.may(JOIN_LEAVE_GROUP, topic_filter):
                results.append(codes.NOT_AUTHORIZED)
            elif topic_filter in session.groups:
                hub.leave(session, topic_filter)
                session.subscriptions.pop(topic_filter, None)
                results.append(codes.SUCCESS)
            else:
                results.append(codes.NO_SUBSCRIPTION_EXISTED)
        session.send_packet(mqtt.UnsubAck(packet.packet_id, tuple(results)))

    def _client_disconnect(self, session: MqttConnection, packet: mqtt.Disconnect) -> None:
        expiry = packet.properties.session_expiry_interval
        if expiry is not None:
            if session.session_expiry_seconds == 0 and expiry:
                self._fatal(codes.PROTOCOL_ERROR, "session expiry cannot change from 0")
                return
            session.session_expiry_seconds = min(expiry, rules.MAX_SESSION_EXPIRY_SECONDS)
        self.client_disconnect = packet
        session.disconnect_code = packet.code
        session.disconnect_user_properties = packet.properties.user_properties or None
        session.disconnect_by_client = True
        if session.close_reason is None and packet.properties.reason_string:
            session.close_reason = packet.properties.reason_string
        self.ending = True
        self.writer.push_close(MQTT_CLOSE_CODE, "")

    # -- the end of the socket --------------------------------------------------------------

    async def finish(self) -> None:
        if self.sink_host is not None:
            self.sink_host.binary_sink = None
        if self.keep_alive_timer is not None:
            self.keep_alive_timer.cancel()
        await self.writer.stop()
        session, hub = self.session, self.hub
        if session is None or hub is None:
            if hub is not None:
                self.service.release(hub)
            return
        if session.writer is not self.writer:
            return  # another socket took the session over
        session.detach()
        graceful = self.client_disconnect is not None and (
            self.client_disconnect.code != codes.DISCONNECT_WITH_WILL
        )
        if not graceful:  # also when the service closed it (MQTT 5.0 section 3.1.2.5)
            self._will_after_delay(hub, session)
        self._keep_or_end(hub, session)

    def _will_after_delay(self, hub: Hub, session: MqttConnection) -> None:
        """Publish the will now, or after its MQTT 5.0 Will Delay Interval unless the
        session is resumed first (or ends first: then it goes out with the session's end)."""
        will = session.will
        if will is None:
            return
        delay = will.properties.will_delay_interval or 0
        if not delay or not session.session_expiry_seconds:
            self._publish_will(hub, session)
            return
        session.will_timer = asyncio.get_running_loop().call_later(
            delay, self._publish_will, hub, session
        )

    def _keep_or_end(self, hub: Hub, session: MqttConnection) -> None:
        """A session without a socket: kept for its expiry interval, or ended now."""
        if session.closed or not session.session_expiry_seconds:
            self._end_session(hub, session)
            return
        loop = asyncio.get_running_loop()
        session.expiry = loop.call_later(
            session.session_expiry_seconds, self._end_session, hub, session
        )

    def _publish_will(self, hub: Hub, session: MqttConnection) -> None:
        if session.will_timer is not None:
            session.will_timer.cancel()
            session.will_timer = None
        will = session.will
        if will is None or not session.permissions.may(SEND_TO_GROUP, will.topic):
            return
        if rules.check_topic_name(will.topic) is not None:
            return
        publish = mqtt.Publish(will.topic, will.payload, will.qos, properties=will.properties)
        message = MqttMessage(
            publish,
            level=session.level,
            sender=session.connection_id,
            from_user_id=session.user_id,
        )
        hub.send_to_group(will.topic, message, (), None)

    def _end_session(self, hub: Hub, session: MqttConnection) -> None:
        if session.writer is not None:
            return  # resumed meanwhile
        if session.expiry is not None:
            session.expiry.cancel()
            session.expiry = None
        if session.will_timer is not None:  # the session ends before the will's delay
            self._publish_will(hub, session)
        if hub.connections.get(session.connection_id) is session:
            hub.remove(session)
        self.upstream.disconnected(hub, session, session.close_reason, _disconnect_fields(session))
        self.service.release(hub)


def _connect_fields(packet: mqtt.Connect) -> dict[str, Any]:
    """The ``mqtt`` member of the ``connect`` event."""
    user = packet.properties.user_properties
    return {
        "protocolVersion": packet.protocol_level,
        "cleanStart": packet.clean_start,
        "username": packet.username,
        "password": (
            base64.b64encode(packet.password).decode("ascii")
            if packet.password is not None
            else None
        ),
        "userProperties": [{"name": n, "value": v} for n, v in user] if user else None,
    }


def _disconnect_fields(session: MqttConnection) -> dict[str, Any]:
    """The ``mqtt`` member of the ``disconnected`` event."""
    packet = None
    if session.disconnect_code is not None or session.disconnect_by_client:
        user = session.disconnect_user_properties
        packet = {
            "code": session.disconnect_code or 0,
            "userProperties": [{"name": n, "value": v} for n, v in user] if user else None,
        }
    return {"initiatedByClient": session.disconnect_by_client, "disconnectPacket": packet}


def _user_properties(value: object) -> mqtt.UserProperties:
    """``[{"name": ..., "value": ...}]`` from an event handler answer, as MQTT pairs."""
    if not isinstance(value, list):
        return ()
    pairs = []
    for item in value:
        if isinstance(item, dict):
            name, text = item.get("name"), item.get("value")
            if isinstance(name, str) and isinstance(text, str):
                pairs.append((name, text))
    return tuple(pairs)
