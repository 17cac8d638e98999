"""The client WebSocket endpoint ``/client/hubs/{hub}`` and the JSON subprotocols.

Handshake: the access token (``access_token`` query parameter or ``Authorization: Bearer``)
is checked before the WebSocket is accepted; a bad token gets an HTTP 401 answer instead of
a connection. A reliable client may resume a dropped connection by adding
``awps_connection_id`` and ``awps_reconnection_token``; it gets the same connection id,
groups and permissions, and every message it has not acknowledged is sent again.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hmac
import json
import secrets
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs

from . import validation
from .auth import ClientIdentity, TokenError, bearer_token, verify_client_token
from .connection import AsgiSend, Connection, SocketWriter
from .encoded_paths import path_param
from .errors import ServiceError
from .frames import DataMessage, Payload, Protocol, negotiate
from .outbound import transport_aborter
from .state import Hub, Service, new_connection_id

_JOIN_LEAVE = "joinLeaveGroup"
_SEND_TO_GROUP = "sendToGroup"
# Close codes with which a client says it is done for good; anything else (including a
# dropped TCP connection) leaves a reliable connection waiting for its client to resume.
_FINAL_CLIENT_CLOSE_CODES = frozenset({1000, 1001})

# Acks go out this long after the request is handled. The official Python client 1.1.0
# starts waiting for an ack only after its send returns and misses one that is already
# there (it then stalls for its whole ack timeout); a loopback service answers fast enough
# to hit that, the cloud service never does.
ACK_DELAY_SECONDS = 0.02

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]


class ClientEndpoint:
    """ASGI app for one WebSocket client connection (mounted by ``app.create_app``)."""

    async def __call__(self, scope: Scope, receive: Receive, send: AsgiSend) -> None:
        service: Service = scope["app"].state.service
        if (await receive())["type"] != "websocket.connect":
            return
        try:
            hub, connection, protocol = self._admit(scope, service)
        except ServiceError as error:
            await _deny(scope, send, error)
            return
        await send({"type": "websocket.accept", "subprotocol": protocol.value or None})
        writer = SocketWriter(send, transport_aborter(receive))
        connection.attach(writer)
        code = 1006
        try:
            code = await _read_loop(receive, hub, connection)
        finally:
            await self._finish(service, hub, connection, writer, code)

    @staticmethod
    def _admit(scope: Scope, service: Service) -> tuple[Hub, Connection, Protocol]:
        hub_name = validation.hub_name(path_param(scope["path_params"], "hub"))
        query = parse_qs(scope.get("query_string", b"").decode(), keep_blank_values=True)
        identity = _identify(scope, query, service.access_key)
        protocol = negotiate(list(scope.get("subprotocols", [])))
        if protocol is None:
            raise ServiceError(
                400,
                "UnsupportedSubprotocol",
                "supported subprotocols are json.webpubsub.azure.v1 and "
                "json.reliable.webpubsub.azure.v1 (or none for raw WebSocket)",
                "Sec-WebSocket-Protocol",
            )
        hub = service.hub(hub_name)
        resume_id = query.get("awps_connection_id", [None])[0]
        if resume_id is not None:
            return hub, _resume(hub, query, resume_id, protocol, identity), protocol
        connection = Connection(
            new_connection_id(),
            identity.user_id,
            protocol,
            identity.roles,
            secrets.token_urlsafe(32) if protocol.is_reliable else None,
        )
        hub.add(connection, identity.groups)
        return hub, connection, protocol

    @staticmethod
    async def _finish(
        service: Service, hub: Hub, connection: Connection, writer: SocketWriter, code: int
    ) -> None:
        await writer.stop()
        if connection.writer is not writer:
            return  # a newer socket resumed this connection
        connection.detach()
        if connection.closed:
            service.release(hub)
            return
        if connection.protocol.is_reliable and code not in _FINAL_CLIENT_CLOSE_CODES:
            service.expire_later(hub, connection)
        else:
            hub.remove(connection)
            service.release(hub)


def _identify(scope: Scope, query: dict[str, list[str]], access_key: str) -> ClientIdentity:
    tokens = query.get("access_token")
    try:
        if tokens:
            token = tokens[0]
        else:
            headers = dict(scope.get("headers", []))
            raw = headers.get(b"authorization")
            token = bearer_token(raw.decode("latin-1") if raw is not None else None)
        return verify_client_token(token, access_key, scope["path"])
    except TokenError as exc:
        raise ServiceError(401, "Unauthorized", str(exc), "access_token") from exc


def _resume(
    hub: Hub,
    query: dict[str, list[str]],
    connection_id: str,
    protocol: Protocol,
    identity: ClientIdentity,
) -> Connection:
    connection = hub.connections.get(connection_id)
    given = query.get("awps_reconnection_token", [""])[0]
    expected = connection.reconnection_token if connection is not None else None
    if (
        connection is None
        or expected is None
        or not protocol.is_reliable
        or identity.user_id != connection.user_id
        or not hmac.compare_digest(given.encode(), expected.encode())
    ):
        raise ServiceError(
            404, "NotFound", f"connection {connection_id!r} cannot be resumed", "connectionId"
        )
    if connection.writer is not None:
        # The old socket is still open (the client gave up on it first): retire it quietly.
        connection.writer.push_close(1000, "resumed on another socket")
        connection.detach()
    return connection


async def _deny(scope: Scope, send: AsgiSend, error: ServiceError) -> None:
    if "websocket.http.response" in scope.get("extensions", {}):
        body = error.to_response()
        await send(
            {
                "type": "websocket.http.response.start",
                "status": error.status,
                "headers": [(k.encode(), v.encode()) for k, v in body.headers.items()],
            }
        )
        await send({"type": "websocket.http.response.body", "body": body.body})
    else:
        await send({"type": "websocket.close", "code": 1008, "reason": error.message[:120]})


async def _read_loop(receive: Receive, hub: Hub, connection: Connection) -> int:
    """Handle client frames until the socket closes; return the close code."""
    while True:
        event = await receive()
        if event["type"] == "websocket.disconnect":
            code: int = event.get("code", 1006)
            return code
        text = event.get("text")
        if text is not None and connection.protocol.is_json:
            _handle(hub, connection, text)
        # Raw-protocol frames would go to an upstream event handler, which the emulator lacks.


def _handle(hub: Hub, connection: Connection, text: str) -> None:
    try:
        message = json.loads(text)
    except (ValueError, RecursionError):  # not JSON, or nested too deeply to parse
        return
    if not isinstance(message, dict):
        return
    kind = message.get("type")
    if kind == "sequenceAck":
        sequence_id = message.get("sequenceId")
        if isinstance(sequence_id, int):
            connection.acknowledge(sequence_id)
        return
    if kind == "ping":
        connection.send_control({"type": "pong"})
        return
    ack_id = message.get("ackId")
    if not isinstance(ack_id, int) or isinstance(ack_id, bool):
        ack_id = None
    elif ack_id in connection.seen_ack_ids:
        _ack(connection, ack_id, "Duplicate", f"message with ackId {ack_id} was already received")
        return
    else:
        connection.seen_ack_ids.add(ack_id)
    error = _perform(hub, connection, kind, message)
    if ack_id is None:
        return
    if error is None:
        _ack(connection, ack_id)
    else:
        _ack(connection, ack_id, *error)


def _perform(
    hub: Hub, connection: Connection, kind: object, message: dict[str, Any]
) -> tuple[str, str] | None:
    """Carry out a client request; return (error name, message) when it is refused."""
    if kind == "event":
        # No upstream event handler exists in the emulator: accept and drop.
        return None
    if kind not in ("joinGroup", "leaveGroup", "sendToGroup"):
        return ("InvalidRequest", f"unknown message type {kind!r}")
    group = message.get("group")
    if not isinstance(group, str) or not 1 <= len(group) <= validation.MAX_GROUP_LENGTH:
        return ("InvalidRequest", "'group' must be a string of 1 to 1024 characters")
    action = _SEND_TO_GROUP if kind == "sendToGroup" else _JOIN_LEAVE
    if not connection.may(action, group):
        return ("Forbidden", f"the connection has no permission to {kind} {group!r}")
    if kind == "joinGroup":
        hub.join(connection, group)
    elif kind == "leaveGroup":
        hub.leave(connection, group)
    else:
        payload = _payload(message)
        if payload is None:
            return ("InvalidRequest", "'dataType' must be text, json or binary with matching data")
        excluded = (connection.connection_id,) if message.get("noEcho") is True else ()
        data = DataMessage(payload, group=group, from_user_id=connection.user_id)
        hub.send_to_group(group, data, excluded, None)
    return None


def _payload(message: dict[str, Any]) -> Payload | None:
    data_type, data = message.get("dataType"), message.get("data")
    if data_type == "text" and isinstance(data, str):
        return Payload("text", data)
    if data_type == "json" and "data" in message:
        return Payload.from_json_value(data)
    if data_type == "binary" and isinstance(data, str):
        try:
            return Payload("binary", base64.b64decode(data, validate=True))
        except (binascii.Error, ValueError):
            return None
    return None


def _ack(connection: Connection, ack_id: int, name: str | None = None, text: str = "") -> None:
    reply: dict[str, Any] = {"type": "ack", "ackId": ack_id, "success": name is None}
    if name is not None:
        reply["error"] = {"name": name, "message": text}
    asyncio.get_running_loop().call_later(ACK_DELAY_SECONDS, connection.send_control, reply)
