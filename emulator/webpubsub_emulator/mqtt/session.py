"""An MQTT session as a hub connection: the client id is its connection id, its topic
subscriptions are its groups, and its outgoing data messages are PUBLISH packets.

QoS 1 and 2 deliveries wait in flight until acknowledged (at most the client's Receive
Maximum at once, the rest queue behind them), are sent again with DUP set when a client
resumes the session, and queue while a kept session has no socket, within the emulator's
per-connection bounds.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import deque
from collections.abc import Callable, Iterable

import attrs
from webpubsub import _mqtt as mqtt

from ..connection import Connection, SocketWriter
from ..frames import DataMessage, Protocol
from ..outbound import MAX_QUEUED_MESSAGES
from . import codes
from .messages import MqttMessage, publish_event

#: WebSocket close code after an MQTT-level ending (the DISCONNECT, if any, says why).
MQTT_CLOSE_CODE = 1000


@attrs.frozen
class SubscriptionOptions:
    """How a topic was subscribed; REST group additions and token groups use the default."""

    qos: int = 1
    no_local: bool = False
    subscription_id: int | None = None


DEFAULT_OPTIONS = SubscriptionOptions()


# One message on its way to this session: (message, QoS, subscription identifiers). A
# tuple, as one is made per recipient of every fan-out.
_Delivery = tuple[DataMessage, int, tuple[int, ...]]


class MqttConnection(Connection):
    """One MQTT session (also a ``Connection`` of its hub)."""

    def __init__(
        self, client_id: str, user_id: str | None, roles: Iterable[str], level: int
    ) -> None:
        super().__init__(client_id, user_id, Protocol.MQTT, roles, None)
        self.level = level
        self.subscriptions: dict[str, SubscriptionOptions] = {}
        # QoS 1 and 2 deliveries unacknowledged at once: the client's Receive Maximum, at
        # most the emulator's per-connection bound (which keeps packet ids available).
        self.receive_maximum = MAX_QUEUED_MESSAGES
        # The client's Maximum Packet Size (MQTT 5.0): larger PUBLISH packets are dropped.
        self.maximum_packet_size: int | None = None
        self.session_expiry_seconds = 0
        self.will: mqtt.Will | None = None
        # A will waiting out its MQTT 5.0 Will Delay Interval (set by the endpoint).
        self.will_timer: asyncio.TimerHandle | None = None
        # Incoming QoS 2 packet ids delivered but not yet released (PUBREL).
        self.received_qos2: set[int] = set()
        # Set by the endpoint: ends a session that has no socket (REST close, eviction).
        self.ended: Callable[[], None] | None = None
        # The last DISCONNECT sent or received (for the `disconnected` event).
        self.disconnect_code: int | None = None
        self.disconnect_user_properties: mqtt.UserProperties | None = None
        self.disconnect_by_client = False
        self._inflight: dict[int, _Delivery] = {}
        self._released: set[int] = set()  # outgoing QoS 2 ids with PUBREL sent
        self._waiting: deque[_Delivery] = deque()
        self._next_packet_id = 1
        self._close_code = codes.ADMINISTRATIVE_ACTION  # of a DISCONNECT the service sends
        # CloudEvents ids: one per session, one per socket (set by the endpoint).
        self.session_id = uuid.uuid4().hex
        self.physical_connection_id = ""

    # -- outgoing -------------------------------------------------------------------------

    def deliver(self, message: DataMessage) -> None:
        topic = message.topic
        qos = 1  # REST sends to all / a user / a connection: the server topic, QoS 1
        subscription_ids: tuple[int, ...] = ()
        if topic is not None:
            options = self.subscriptions.get(topic, DEFAULT_OPTIONS)
            if isinstance(message, MqttMessage):
                if options.no_local and message.sender == self.connection_id:
                    return
                qos = message.qos
            if options.qos < qos:
                qos = options.qos
            if options.subscription_id is not None and self.level == mqtt.MQTT_5:
                subscription_ids = (options.subscription_id,)
        if self.writer is None or (qos and self._unacknowledged() >= self.receive_maximum):
            if qos and not self.closed:
                self._queue((message, qos, subscription_ids))
            return
        self._send(message, qos, subscription_ids)

    def _queue(self, delivery: _Delivery) -> None:
        if len(self._waiting) >= MAX_QUEUED_MESSAGES:
            self._waiting.clear()
            self._evicted("too many messages are waiting for the client's acknowledgement")
            return
        self._waiting.append(delivery)

    def _send(
        self,
        message: DataMessage,
        qos: int,
        subscription_ids: tuple[int, ...],
        packet_id: int | None = None,
        dup: bool = False,
    ) -> None:
        writer = self.writer
        assert writer is not None
        new_id = qos and packet_id is None
        if new_id:
            packet_id = self._allocate_packet_id()
        event = publish_event(message, self.level, qos, packet_id, subscription_ids, dup)
        limit = self.maximum_packet_size
        if limit is not None and len(event["bytes"]) > limit:
            self._inflight.pop(packet_id or 0, None)
            return  # MQTT 5.0: a packet the client cannot take is not sent
        if new_id:
            assert packet_id is not None
            self._inflight[packet_id] = (message, qos, subscription_ids)
        writer.push(event)
        if writer.overflowed:
            self._evicted("the connection is not reading its messages fast enough")

    def _unacknowledged(self) -> int:
        return len(self._inflight) + len(self._released)

    def _allocate_packet_id(self) -> int:
        # In flight plus released stay below 65,535 (the receive maximum bounds them), so a
        # free id always exists.
        inflight, released = self._inflight, self._released
        while True:
            packet_id = self._next_packet_id
            self._next_packet_id = packet_id + 1 if packet_id < 0xFFFF else 1
            if packet_id not in inflight and packet_id not in released:
                return packet_id

    def send_packet(self, packet: mqtt.Packet) -> None:
        """Queue one control packet (CONNACK, acks, DISCONNECT...) to the socket."""
        if self.writer is not None:
            data = mqtt.encode(packet, self.level)
            self.writer.push({"type": "websocket.send", "bytes": data})

    def event_headers(self, hub: str, event: str) -> dict[str, str]:
        """The MQTT CloudEvents extension: ``ce-physicalConnectionId`` (also in
        ``ce-source``) and, after ``connect``, ``ce-sessionId``."""
        physical = self.physical_connection_id
        headers = {
            "ce-source": f"/hubs/{hub}/client/{self.connection_id}/{physical}",
            "ce-physicalConnectionId": physical,
        }
        if event != "connect":
            headers["ce-sessionId"] = self.session_id
        return headers

    def send_control(self, message: dict[str, object]) -> None:
        """Web PubSub system and ack messages have no MQTT form: nothing is sent."""

    # -- acknowledgements -----------------------------------------------------------------

    def puback(self, packet_id: int) -> None:
        """The client acknowledged a QoS 1 delivery (PUBACK)."""
        delivery = self._inflight.get(packet_id)
        if delivery is not None and delivery[1] == 1:
            del self._inflight[packet_id]
            self._drain()

    def pubrec(self, packet_id: int) -> int:
        """The client received a QoS 2 delivery (PUBREC): return the PUBREL reason code."""
        delivery = self._inflight.get(packet_id)
        if delivery is None or delivery[1] != 2:
            return (
                codes.SUCCESS if packet_id in self._released else codes.PACKET_IDENTIFIER_NOT_FOUND
            )
        del self._inflight[packet_id]
        self._released.add(packet_id)
        return codes.SUCCESS

    def pubcomp(self, packet_id: int) -> None:
        """The client completed a QoS 2 delivery (PUBCOMP)."""
        self._released.discard(packet_id)
        self._drain()

    def _drain(self) -> None:
        while self._waiting and self.writer is not None:
            if self._waiting[0][1] and self._unacknowledged() >= self.receive_maximum:
                return
            self._send(*self._waiting.popleft())

    # -- the socket -----------------------------------------------------------------------

    def attach(self, writer: SocketWriter) -> None:
        """Route output to a (new) socket: resend what is in flight, then what waited."""
        self.writer = writer
        if self.expiry is not None:
            self.expiry.cancel()
            self.expiry = None
        for packet_id, (message, qos, subscription_ids) in list(self._inflight.items()):
            self._send(message, qos, subscription_ids, packet_id, dup=True)
        for packet_id in sorted(self._released):
            self.send_packet(mqtt.PubAck(packet_id, mqtt.PacketType.PUBREL))
        self._drain()

    def disconnect(self, code: int, reason: str | None) -> None:
        """End the socket: a DISCONNECT with ``code`` and ``reason`` first (MQTT 5.0)."""
        if self.writer is None:
            return
        if self.level == mqtt.MQTT_5:
            properties = mqtt.Properties(reason_string=reason[:200] if reason else None)
            self.send_packet(mqtt.Disconnect(code, properties))
            self.disconnect_code = code
            self.disconnect_user_properties = None
            self.disconnect_by_client = False
        self.writer.push_close(MQTT_CLOSE_CODE, reason or "")

    def _evicted(self, reason: str) -> None:
        self._close_code = codes.QUOTA_EXCEEDED
        super()._evicted(reason)

    def close(self, reason: str | None) -> None:
        """The service ends the session (REST close, eviction, shutdown)."""
        self.closed = True
        self.close_reason = reason
        self._waiting.clear()
        if self.expiry is not None:
            self.expiry.cancel()
            self.expiry = None
        if self.writer is None:
            if self.ended is not None:
                self.ended()
            return
        self.disconnect(self._close_code, reason)
