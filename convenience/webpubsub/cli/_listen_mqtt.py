"""``webpubsub listen --protocol mqtt``: connect as an MQTT client and print what arrives.

The client speaks MQTT 5.0 or 3.1.1 over a WebSocket (subprotocol ``mqtt``) to
``/clients/mqtt/hubs/{hub}``, using the SDK's private sans-I/O codec, so it needs no MQTT
library. Its groups come from the token's ``webpubsub.group`` claim, which subscribes the
connection to those topics when it connects; REST sends to all, a user or the connection
arrive on the server topic ``$webpubsub/server/messages``.
"""

from __future__ import annotations

import base64
import json
import sys
import time
import uuid
from typing import Literal

from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus
from websockets.sync.client import ClientConnection, connect
from websockets.typing import Subprotocol

from webpubsub import WebPubSubServiceClient
from webpubsub._mqtt import (
    MQTT_3_1_1,
    MQTT_5,
    ConnAck,
    Connect,
    Disconnect,
    MalformedPacket,
    Packet,
    PacketStream,
    PacketTooLarge,
    PingReq,
    PubAck,
    Publish,
    decode,
    encode,
)
from webpubsub.cli._errors import CliError

Output = Literal["data", "jsonl"]
MqttVersion = Literal["5", "3.1.1"]
PROTOCOL_LEVELS: dict[MqttVersion, int] = {"5": MQTT_5, "3.1.1": MQTT_3_1_1}
SUBPROTOCOL = Subprotocol("mqtt")
SERVER_TOPIC = "$webpubsub/server/messages"
CONNECT_TIMEOUT = 10.0  # seconds for the WebSocket handshake and the CONNACK
KEEP_ALIVE = 60  # seconds announced in CONNECT; a PINGREQ goes out after half of it idle
MAX_PACKET_SIZE = 1 << 20  # bytes; the service's own messages are far smaller
# MQTT content type -> Web PubSub data type (the cross-protocol mapping); anything else,
# no content type at all, and every MQTT 3.1.1 message are binary.
DATA_TYPES = {
    "application/json": "json",
    "text/plain": "text",
    "application/x-protobuf": "protobuf",
}


def listen_mqtt(
    connection_string: str,
    hub: str,
    *,
    user_id: str | None,
    groups: list[str] | None,
    version: MqttVersion,
    count: int | None,
    timeout: float | None,
    output: Output,
) -> None:
    """Print each PUBLISH the client receives until ``count`` messages or ``timeout`` seconds.

    The token (signed locally, no REST call) subscribes the client to ``groups`` at connect;
    the client id, which the service uses as the connection id, is random. ``version`` is
    the MQTT protocol version, ``timeout`` is in seconds. QoS 1 messages are acknowledged.

    Raises :class:`CliError` when the handshake or CONNECT is refused (with the CONNACK
    code), when the service disconnects the client (with the DISCONNECT reason on 5.0), or
    when ``count`` messages did not arrive within ``timeout``; the SDK's
    InvalidArgumentError for a malformed connection string, hub, user id or group.
    """
    with WebPubSubServiceClient.from_connection_string(connection_string, hub) as client:
        token = client.get_client_access_token(
            user_id=user_id, groups=groups, client_protocol="MQTT"
        )
    level = PROTOCOL_LEVELS[version]
    deadline = None if timeout is None else time.monotonic() + timeout
    open_timeout = CONNECT_TIMEOUT if timeout is None else min(timeout, CONNECT_TIMEOUT)
    try:
        websocket = connect(token["url"], subprotocols=[SUBPROTOCOL], open_timeout=open_timeout)
    except InvalidStatus as exc:
        raise CliError(
            f"the service refused the MQTT connection to {token['baseUrl']}: "
            f"HTTP {exc.response.status_code}"
        ) from None
    except (OSError, InvalidHandshake, TimeoutError) as exc:
        raise CliError(f"cannot connect an MQTT client to {token['baseUrl']}: {exc}") from None
    with websocket:
        session = _Session(websocket, level)
        client_id = uuid.uuid4().hex
        session.handshake(client_id, open_timeout)
        print(
            f"listening on hub {hub!r}: MQTT {version} connection {client_id}"
            + (f" as user {user_id!r}" if user_id else "")
            + "; Ctrl-C to stop",
            file=sys.stderr,
            flush=True,
        )
        received = session.receive(count, deadline, output)
    if count is not None and received < count:
        raise CliError(f"timed out after {timeout} s with {received} of {count} messages")


class _Session:
    """One MQTT client session over a connected WebSocket."""

    def __init__(self, websocket: ClientConnection, level: int) -> None:
        self._websocket = websocket
        self._level = level
        self._stream = PacketStream(MAX_PACKET_SIZE)
        self._pending: list[Packet] = []

    def handshake(self, client_id: str, timeout: float) -> None:
        """Send CONNECT and wait for CONNACK; CliError when it is refused or never comes."""
        connect_packet = Connect(
            client_id=client_id, protocol_level=self._level, keep_alive=KEEP_ALIVE
        )
        self._websocket.send(encode(connect_packet, self._level))
        packet = self._next_packet(timeout)
        if not isinstance(packet, ConnAck):
            raise CliError(f"the service answered CONNECT with {type(packet).__name__}")
        if packet.code != 0:
            reason = packet.properties.reason_string
            raise CliError(
                f"the service refused the MQTT CONNECT: code 0x{packet.code:02X}"
                + (f" ({reason})" if reason else "")
            )

    def receive(self, count: int | None, deadline: float | None, output: Output) -> int:
        """Print PUBLISH packets until done; return how many were printed."""
        received = 0
        while count is None or received < count:
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                return received
            wait = KEEP_ALIVE / 2 if remaining is None else min(remaining, KEEP_ALIVE / 2)
            try:
                packet = self._next_packet(wait, received)
            except TimeoutError:
                self._websocket.send(encode(PingReq(), self._level))
                continue
            if isinstance(packet, Publish):
                print(format_publish(packet, self._level, output), flush=True)
                received += 1
                if packet.qos == 1 and packet.packet_id is not None:
                    self._websocket.send(encode(PubAck(packet.packet_id), self._level))
        return received

    def _next_packet(self, timeout: float, received: int = 0) -> Packet:
        """The next decoded packet; TimeoutError when none arrives within ``timeout`` s."""
        while not self._pending:
            try:
                data = self._websocket.recv(timeout=timeout)
            except ConnectionClosed as closed:
                reason = (closed.rcvd.reason if closed.rcvd else "") or "no reason given"
                raise CliError(
                    f"the service closed the connection after {received} messages: {reason}"
                ) from None
            chunk = data.encode("utf-8") if isinstance(data, str) else data
            try:
                self._pending = [
                    decode(first, body, self._level) for first, body in self._stream.feed(chunk)
                ]
            except (MalformedPacket, PacketTooLarge, ValueError) as exc:
                raise CliError(
                    f"the service sent a packet this client cannot read: {exc}"
                ) from None
        packet = self._pending.pop(0)
        if isinstance(packet, Disconnect):
            why = packet.properties.reason_string
            raise CliError(
                f"the service disconnected the client after {received} messages: "
                f"reason code 0x{packet.code:02X}" + (f" ({why})" if why else "")
            )
        return packet


def data_type(packet: Publish, level: int) -> str:
    """The Web PubSub data type of an MQTT message, from its MQTT 5.0 content type."""
    content_type = packet.properties.content_type if level == MQTT_5 else None
    return DATA_TYPES.get(content_type or "", "binary")


def format_publish(packet: Publish, level: int, output: Output) -> str:
    """One output line: the payload (text and JSON as is, binary as base64), or with
    ``jsonl`` an object with the topic, dataType, data and QoS (and MQTT 5.0 user
    properties when present)."""
    kind = data_type(packet, level)
    is_text = kind in ("text", "json")
    text = (
        packet.payload.decode("utf-8", "replace")
        if is_text
        else base64.b64encode(packet.payload).decode("ascii")
    )
    if output == "data":
        return text
    record: dict[str, object] = {
        "topic": packet.topic,
        "from": "server" if packet.topic == SERVER_TOPIC else "group",
        "dataType": kind,
        "data": _json_or_text(text) if kind == "json" else text,
        "qos": packet.qos,
    }
    if packet.properties.user_properties:
        record["userProperties"] = [list(pair) for pair in packet.properties.user_properties]
    return json.dumps(record, ensure_ascii=False)


def _json_or_text(text: str) -> object:
    """Parsed JSON, or the text itself when a client labelled non-JSON as JSON."""
    try:
        return json.loads(text)
    except ValueError:
        return text
