"""The client WebSocket endpoints ``/client/hubs/{hub}`` and ``/client/?hub={hub}``.

Handshake: the access token (``access_token`` query parameter or ``Authorization: Bearer``)
is checked before the WebSocket is accepted; a bad token gets an HTTP 401 answer instead of
a connection. A reliable client may resume a dropped connection by adding
``awps_connection_id`` and ``awps_reconnection_token`` (no access token needed: the
reconnection token is the credential); it gets the same connection id, groups and
permissions, and every message it has not acknowledged is sent again. A session that no
longer exists is accepted and closed at once with 1008, as the service does.

A raw client that connects with ``webpubsub_mode=sendToGroup&group=<g>[&noEcho=true]``
publishes every frame it sends to group ``<g>`` (text frames as ``text``, binary as
``binary``) when its roles allow sending to that group; other raw frames are dropped.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import hmac
import json
import secrets
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs

from . import validation
from .auth import ClientIdentity, TokenError, bearer_token, verify_client_token
from .connection import SERVICE_CLOSE_CODE, AsgiSend, Connection, SocketWriter
from .direct_send import release_handshake
from .encoded_paths import path_param
from .errors import ServiceError
from .frames import DataMessage, Payload, Protocol, negotiate
from .outbound import transport_aborter
from .protobuf_frames import upstream_request
from .state import Hub, NotPermitted, Service, new_connection_id
from .upstream import Upstream

# Close codes with which a client says it is done for good: 1000/1001, and 1005 (a close
# frame without a status code, as the JS client's stop() and a browser's ws.close() send).
# Only a connection lost without any close frame (1006) leaves a reliable connection
# waiting for its client to resume.
_FINAL_CLIENT_CLOSE_CODES = frozenset({1000, 1001, 1005})
_MAX_ACK_ID = 2**64 - 1

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
        upstream: Upstream = scope["app"].state.upstream
        if (await receive())["type"] != "websocket.connect":
            return
        try:
            hub, connection, protocol = self._admit(scope, service)
            protocol = await upstream.connect(scope, hub, connection, protocol)
        except _SessionGone as gone:
            await send({"type": "websocket.accept", "subprotocol": gone.protocol.value or None})
            await send({"type": "websocket.close", "code": SERVICE_CLOSE_CODE, "reason": str(gone)})
            return
        except ServiceError as error:
            await _deny(scope, send, error)
            return
        await send({"type": "websocket.accept", "subprotocol": protocol.value or None})
        release_handshake(send)
        writer = SocketWriter(send, transport_aborter(receive))
        connection.attach(writer)
        upstream.connected(hub, connection)
        code = 1006
        try:
            code = await _read_loop(
                receive, hub, connection, upstream, _publisher(scope, connection)
            )
        finally:
            await self._finish(service, hub, connection, writer, code, upstream)

    @staticmethod
    def _admit(scope: Scope, service: Service) -> tuple[Hub, Connection, Protocol]:
        query = parse_qs(scope.get("query_string", b"").decode(), keep_blank_values=True)
        hub_name = _hub_name(scope, query)
        protocol = negotiate(list(scope.get("subprotocols", [])))
        if protocol is None:
            raise ServiceError(
                400,
                "UnsupportedSubprotocol",
                "supported subprotocols are "
                + ", ".join(p.value for p in Protocol if p is not Protocol.RAW)
                + " (or none for raw WebSocket)",
                "Sec-WebSocket-Protocol",
            )
        hub = service.hub(hub_name)
        resume_id = query.get("awps_connection_id", [None])[0]
        if resume_id is not None:
            return hub, _resume(hub, query, resume_id, protocol), protocol
        identity = _identify(scope, query, service.access_key, f"/client/hubs/{hub_name}")
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
        service: Service,
        hub: Hub,
        connection: Connection,
        writer: SocketWriter,
        code: int,
        upstream: Upstream,
    ) -> None:
        await writer.stop()
        if connection.writer is not writer:
            return  # a newer socket resumed this connection
        connection.detach()
        if connection.closed:
            upstream.disconnected(hub, connection, connection.close_reason)
            service.release(hub)
            return
        if connection.protocol.is_reliable and code not in _FINAL_CLIENT_CLOSE_CODES:
            service.expire_later(hub, connection)
        else:
            hub.remove(connection)
            upstream.disconnected(hub, connection, None)
            service.release(hub)


class _SessionGone(Exception):
    """A resume names a session that expired or was removed: accept, then close (1008)."""

    def __init__(self, message: str, protocol: Protocol) -> None:
        super().__init__(message)
        self.protocol = protocol


def _hub_name(scope: Scope, query: dict[str, list[str]]) -> str:
    if "hub" in scope.get("path_params", {}):
        return path_param(scope["path_params"], "hub")
    names = query.get("hub")
    if not names:
        raise ServiceError(
            400, "InvalidRequest", "the /client/ endpoint needs a 'hub' query parameter", "hub"
        )
    return validation.hub_name(names[0])


def _identify(
    scope: Scope, query: dict[str, list[str]], access_key: str, path: str
) -> ClientIdentity:
    tokens = query.get("access_token")
    try:
        if tokens:
            token = tokens[0]
        else:
            headers = dict(scope.get("headers", []))
            raw = headers.get(b"authorization")
            token = bearer_token(raw.decode("latin-1") if raw is not None else None)
        return verify_client_token(token, access_key, path)
    except TokenError as exc:
        raise ServiceError(401, "Unauthorized", str(exc), "access_token") from exc


def _resume(
    hub: Hub,
    query: dict[str, list[str]],
    connection_id: str,
    protocol: Protocol,
) -> Connection:
    if not protocol.is_reliable:
        raise ServiceError(
            400,
            "InvalidRequest",
            "only reliable subprotocols can resume a connection",
            "awps_connection_id",
        )
    connection = hub.connections.get(connection_id)
    given = query.get("awps_reconnection_token", [""])[0]
    expected = connection.reconnection_token if connection is not None else None
    if (
        connection is None
        or expected is None
        or not hmac.compare_digest(given.encode(), expected.encode())
    ):
        raise _SessionGone("the connection to resume does not exist anymore", protocol)
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


Publisher = Callable[[Payload], None]


def _publisher(scope: Scope, connection: Connection) -> Publisher | None:
    """For a raw client in ``webpubsub_mode=sendToGroup``: what publishes one frame."""
    if connection.protocol is not Protocol.RAW:
        return None
    query = parse_qs(scope.get("query_string", b"").decode(), keep_blank_values=True)
    if query.get("webpubsub_mode", [""])[0].lower() != "sendtogroup":
        return None
    group = query.get("group", [""])[0]
    no_echo = query.get("noEcho", ["false"])[0].lower() == "true"
    hub: Hub = scope["app"].state.service.hub(_hub_name(scope, query))

    def publish(payload: Payload) -> None:
        data = DataMessage(payload, group=group, from_user_id=connection.user_id)
        # A raw client gets no ack: a frame it may not send is dropped, as by the service.
        with contextlib.suppress(ServiceError, NotPermitted):
            hub.client_send_to_group(connection, group, data, no_echo)

    return publish


async def _read_loop(
    receive: Receive,
    hub: Hub,
    connection: Connection,
    upstream: Upstream,
    publish: Publisher | None,
) -> int:
    """Handle client frames until the socket closes; return the close code."""
    while True:
        event = await receive()
        if event["type"] == "websocket.disconnect":
            return _close_code(event)
        text = event.get("text")
        if connection.protocol.is_json:
            if text is not None:
                _handle(hub, connection, text, upstream)
        elif connection.protocol.is_protobuf:
            frame = event.get("bytes")
            request = upstream_request(frame) if frame is not None else None
            if request is not None:
                handle_request(hub, connection, request, upstream)
        elif publish is not None:
            data = event.get("bytes")
            publish(Payload("text", text) if text is not None else Payload("binary", data or b""))
        else:
            frame = text if text is not None else event.get("bytes")
            if frame is not None:
                upstream.raw_frame(hub, connection, frame)


def _close_code(event: dict[str, Any]) -> int:
    """The client's close code; 1006 when the connection was lost without a close frame.

    uvicorn reports a lost connection as 1005 too, but only a received close frame comes
    with a ``reason`` member, which tells the two apart.
    """
    code: int = event.get("code", 1006)
    if code == 1005 and "reason" not in event:
        return 1006
    return code


def _handle(hub: Hub, connection: Connection, text: str, upstream: Upstream) -> None:
    try:
        message = json.loads(text)
    except (ValueError, RecursionError):  # not JSON, or nested too deeply to parse
        return
    if isinstance(message, dict):
        handle_request(hub, connection, message, upstream)


def handle_request(
    hub: Hub, connection: Connection, message: dict[str, Any], upstream: Upstream
) -> None:
    """Carry out one decoded client message (any subprotocol) and send its ack.

    ``event`` and ``invoke`` messages go to the hub's event handler, which acks them."""
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
    if ack_id is not None:
        if (
            isinstance(ack_id, bool)
            or not isinstance(ack_id, int)
            or not 0 <= ack_id <= _MAX_ACK_ID
        ):
            _ack(connection, ack_id, "InvalidRequest", "'ackId' must be an integer 0 to 2**64-1")
            return
        if not connection.ack_ids.first_time(ack_id):
            message_text = f"message with ackId {ack_id} was already received"
            _ack(connection, ack_id, "Duplicate", message_text)
            return
    if kind in ("event", "invoke"):
        upstream.json_message(hub, connection, message, _payload(message), ack_id, _ack)
        return
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
    if kind not in ("joinGroup", "leaveGroup", "sendToGroup"):
        return ("InvalidRequest", f"unknown message type {kind!r}")
    group = message.get("group")
    if not isinstance(group, str):
        return ("InvalidRequest", "'group' must be a string")
    try:
        if kind == "sendToGroup":
            payload = _payload(message)
            if payload is None:
                return (
                    "InvalidRequest",
                    "'dataType' must be text, json or binary with matching data",
                )
            data = DataMessage(payload, group=group, from_user_id=connection.user_id)
            hub.client_send_to_group(connection, group, data, message.get("noEcho") is True)
        else:
            hub.client_join(connection, group, join=kind == "joinGroup")
    except ServiceError as error:
        return ("InvalidRequest", error.message)
    except NotPermitted as refused:
        return ("Forbidden", str(refused))
    return None


def _payload(message: dict[str, Any]) -> Payload | None:
    if "payload" in message:  # decoded already (protobuf)
        decoded: Payload | None = message["payload"]
        return decoded
    # Without a dataType the service takes the data as json (its own samples send that).
    data_type, data = message.get("dataType", "json"), message.get("data")
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


def _ack(connection: Connection, ack_id: object, name: str | None = None, text: str = "") -> None:
    reply: dict[str, Any] = {"type": "ack", "ackId": ack_id, "success": name is None}
    if name is not None:
        reply["error"] = {"name": name, "message": text}
    asyncio.get_running_loop().call_later(ACK_DELAY_SECONDS, connection.send_control, reply)
