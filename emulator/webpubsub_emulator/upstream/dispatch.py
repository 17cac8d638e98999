"""What the emulator sends upstream and what it does with the answers.

Per connection, events go out one after another in the order they happened (``connect``,
``connected``, user events, ``disconnected``), each waiting for the previous answer, as a
lane of tasks; the WebSocket reader never waits for a handler except at ``connect``, which
holds the handshake.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import parse_qs

import attrs
import jwt

from ..connection import Connection
from ..errors import ServiceError
from ..frames import DataMessage, Payload, Protocol, negotiate
from ..state import Hub
from . import cloudevents
from .caller import UpstreamCaller, UpstreamResult
from .settings import ANY_HUB, EventHandlersConfig, EventHandlerSettings, normalize

Scope = dict[str, Any]
# client_ws._ack: (connection, ackId, error name or None, error message)
AckSender = Callable[[Connection, int, "str | None", str], None]

_SHUTDOWN_FLUSH_SECONDS = 2.0


@attrs.define
class _Record:
    """What the emulator remembers about a connection for its upstream events."""

    origin: str
    states: dict[str, Any] = attrs.Factory(dict)
    announced: bool = False  # `connected` went out (a resumed connection gets no second one)
    lane: asyncio.Lock = attrs.Factory(asyncio.Lock)


class Upstream:
    """The emulator's event-handler client (``app.state.upstream``)."""

    def __init__(
        self,
        access_key: str,
        config: EventHandlersConfig | None = None,
        caller: UpstreamCaller | None = None,
    ) -> None:
        self._access_keys = (access_key,)
        self.handlers: dict[str, list[EventHandlerSettings]] = normalize(config or {})
        self.caller = caller or UpstreamCaller()
        self._records: dict[tuple[str, str], _Record] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def set_hub(self, hub: str, handlers: list[EventHandlerSettings]) -> None:
        """Replace the hub's handlers (``*`` for the default); an empty list removes them."""
        if handlers:
            self.handlers[hub.lower()] = list(handlers)
        else:
            self.handlers.pop(hub.lower(), None)

    def handler_for(self, hub: str, event: str, *, system: bool) -> EventHandlerSettings | None:
        handlers = self.handlers.get(hub.lower())
        if handlers is None:
            handlers = self.handlers.get(ANY_HUB, [])
        for handler in handlers:
            if handler.receives(event, system=system):
                return handler
        return None

    # -- system events ------------------------------------------------------------------------

    async def connect(
        self,
        scope: Scope,
        hub: Hub,
        connection: Connection,
        protocol: Protocol,
        *,
        mqtt: dict[str, Any] | None = None,
        on_answer: Callable[[dict[str, Any]], None] | None = None,
        apply: bool = True,
    ) -> Protocol:
        """Run the blocking ``connect`` event; return the protocol to accept with.

        On a refusal the connection is removed from the hub and ConnectRefused (a
        ServiceError) is raised with the handler's 4xx status (500 for a 5xx or no answer).
        MQTT connections pass the request's ``mqtt`` member, get the handler's JSON answer
        (success or error, ``{}`` if none) through ``on_answer``, and ``apply=False`` when
        they resume a session (whose user, groups and roles then stay as they are).
        """
        query = parse_qs(scope.get("query_string", b"").decode(), keep_blank_values=True)
        record = self._records.setdefault(
            (hub.name, connection.connection_id), _Record(_origin(scope))
        )
        handler = self.handler_for(hub.name, "connect", system=True)
        if handler is None or "awps_connection_id" in query:
            return protocol
        offered = [str(p) for p in scope.get("subprotocols", [])]
        body = {
            "claims": _claims(query, scope),
            "query": query,
            "headers": _headers(scope),
            "subprotocols": offered,
            "clientCertificates": [],
        }
        if mqtt is not None:
            body = {"mqtt": mqtt, **body}
        result = await self._post(handler, hub, connection, record, "connect", True, body)
        if on_answer is not None:
            on_answer(_json_answer(result))
        if not result.ok:
            if apply:
                self.forget(hub, connection)
                hub.remove(connection)
            status = result.status if 400 <= result.status < 500 else 500
            raise ConnectRefused(status, "ConnectRefused", result.describe(), "connect")
        if not apply:
            return protocol
        return self._apply_connect(hub, connection, protocol, offered, result)

    def connected(self, hub: Hub, connection: Connection) -> None:
        handler = self.handler_for(hub.name, "connected", system=True)
        record = self._records.get((hub.name, connection.connection_id))
        if record is None or record.announced:
            return
        record.announced = True
        if handler is not None:
            self._in_lane(
                record, self._post(handler, hub, connection, record, "connected", True, {})
            )

    def disconnected(
        self,
        hub: Hub,
        connection: Connection,
        reason: str | None,
        mqtt: dict[str, Any] | None = None,
    ) -> None:
        """Notify the end of a connection (for MQTT: of its session, with ``mqtt`` details)."""
        record = self._records.pop((hub.name, connection.connection_id), None)
        handler = self.handler_for(hub.name, "disconnected", system=True)
        if handler is not None and record is not None:
            body: dict[str, Any] = {"reason": reason} if reason else {}
            if mqtt is not None:
                body["mqtt"] = mqtt
            self._in_lane(
                record, self._post(handler, hub, connection, record, "disconnected", True, body)
            )

    def forget(self, hub: Hub, connection: Connection) -> None:
        self._records.pop((hub.name, connection.connection_id), None)

    # -- user events ----------------------------------------------------------------------------

    def json_message(
        self,
        hub: Hub,
        connection: Connection,
        message: dict[str, Any],
        payload: Payload | None,
        ack_id: int | None,
        send_ack: AckSender,
    ) -> None:
        """A JSON client's ``event`` or ``invoke`` message."""
        invocation_id = message.get("invocationId") if message.get("type") == "invoke" else None
        event = message.get("event")
        has_data = "dataType" in message or "data" in message
        problem = ""
        if not isinstance(event, str) or not event:
            problem = "'event' must be a non-empty string"
        elif has_data and payload is None:
            problem = "'dataType' must be text, json or binary with matching data"
        if invocation_id is not None:
            if not isinstance(invocation_id, str) or not invocation_id:
                return  # nothing to correlate an answer with
            if problem:
                _invoke_error(connection, invocation_id, "InvalidRequest", problem)
            else:
                assert isinstance(event, str)
                self._user_event(hub, connection, event, payload, _Invocation(invocation_id))
            return
        if problem:
            if ack_id is not None:
                send_ack(connection, ack_id, "InvalidRequest", problem)
            return
        assert isinstance(event, str)
        self._user_event(hub, connection, event, payload, _Acked(ack_id, send_ack))

    def raw_frame(self, hub: Hub, connection: Connection, data: str | bytes) -> None:
        """A raw client's frame: the user event ``message``."""
        payload = Payload("binary" if isinstance(data, bytes) else "text", data)
        self._user_event(hub, connection, "message", payload, _Raw(hub))

    def mqtt_user_event(
        self,
        hub: Hub,
        connection: Connection,
        event: str,
        request: tuple[bytes, str | None, dict[str, str]],
        reply: Callable[[UpstreamResult], None],
    ) -> None:
        """An MQTT client's PUBLISH to ``$webpubsub/server/events/<event>``: ``request`` is
        (body, content type, extra headers); ``reply`` gets the handler's answer. Without a
        handler for the event nothing is sent and nothing answers."""
        handler = self.handler_for(hub.name, event, system=False)
        record = self._records.get((hub.name, connection.connection_id))
        if handler is None or record is None:
            return
        body, content_type, extra = request

        async def run() -> None:
            result = await self._post_raw(
                handler, hub, connection, record, event, False, body, content_type, extra
            )
            reply(result)

        self._in_lane(record, run())

    def _user_event(
        self,
        hub: Hub,
        connection: Connection,
        event: str,
        payload: Payload | None,
        outcome: _Outcome,
    ) -> None:
        handler = self.handler_for(hub.name, event, system=False)
        record = self._records.get((hub.name, connection.connection_id))
        if handler is None or record is None:
            outcome.no_handler(connection, event)
            return

        async def run() -> None:
            body, content_type = cloudevents.user_event_body(payload)
            result = await self._post_raw(
                handler, hub, connection, record, event, False, body, content_type
            )
            if not result.ok:
                outcome.failed(connection, result.describe())
                return
            try:
                reply = cloudevents.payload_from_response(
                    result.body, result.headers.get("content-type")
                )
            except ValueError as exc:
                outcome.failed(connection, f"event handler reply does not decode: {exc}")
                return
            outcome.succeeded(connection, reply)

        self._in_lane(record, run())

    # -- plumbing ---------------------------------------------------------------------------

    async def aclose(self) -> None:
        """Let pending events go out (up to 2 s), then close the HTTP client."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=_SHUTDOWN_FLUSH_SECONDS)
        await self.caller.aclose()

    def _in_lane(self, record: _Record, work: Coroutine[Any, Any, object]) -> None:
        async def queued() -> None:
            async with record.lane:
                with contextlib.suppress(Exception):
                    await work

        task = asyncio.get_running_loop().create_task(queued())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _post(
        self,
        handler: EventHandlerSettings,
        hub: Hub,
        connection: Connection,
        record: _Record,
        event: str,
        system: bool,
        body: dict[str, Any],
    ) -> UpstreamResult:
        encoded = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        return await self._post_raw(
            handler, hub, connection, record, event, system, encoded, "application/json"
        )

    async def _post_raw(
        self,
        handler: EventHandlerSettings,
        hub: Hub,
        connection: Connection,
        record: _Record,
        event: str,
        system: bool,
        body: bytes,
        content_type: str | None,
        extra_headers: dict[str, str] | None = None,
    ) -> UpstreamResult:
        headers = cloudevents.headers(
            hub=hub.name,
            event=event,
            system=system,
            connection_id=connection.connection_id,
            user_id=connection.user_id,
            subprotocol=connection.protocol.value or None,
            states=record.states,
            origin=record.origin,
            access_keys=self._access_keys,
        )
        headers.update(connection.event_headers(hub.name, event))
        if content_type is not None:
            headers["Content-Type"] = content_type
        if extra_headers:
            headers.update(extra_headers)
        result = await self.caller.post(handler.url(hub.name, event), headers, body)
        state_header = result.headers.get("ce-connectionState") if result.ok else None
        if state_header is not None:
            states = cloudevents.decode_states(state_header)
            if states is not None:
                record.states = states
        return result

    @staticmethod
    def _apply_connect(
        hub: Hub,
        connection: Connection,
        protocol: Protocol,
        offered: list[str],
        result: UpstreamResult,
    ) -> Protocol:
        try:
            answer = json.loads(result.body) if result.status == 200 and result.body else {}
        except ValueError:
            answer = {}
        if not isinstance(answer, dict):
            answer = {}
        user_id, groups, roles = answer.get("userId"), answer.get("groups"), answer.get("roles")
        groups = [g for g in groups if isinstance(g, str)] if isinstance(groups, list) else []
        if (isinstance(user_id, str) and user_id) or groups:
            kept = list(connection.groups)
            hub.remove(connection)
            if isinstance(user_id, str) and user_id:
                connection.user_id = user_id
            hub.add(connection, [*kept, *groups])
        if isinstance(roles, list):
            connection.permissions.add_roles(r for r in roles if isinstance(r, str))
        chosen = answer.get("subprotocol")
        if isinstance(chosen, str) and chosen in offered:
            picked = negotiate([chosen])
            if picked is not None:
                protocol = connection.protocol = picked
                if picked.is_reliable and connection.reconnection_token is None:
                    connection.reconnection_token = secrets.token_urlsafe(32)
        return protocol


class ConnectRefused(ServiceError):
    """The event handler refused a ``connect`` event."""


def _json_answer(result: UpstreamResult) -> dict[str, Any]:
    """The handler's JSON object answer, or ``{}``."""
    try:
        answer = json.loads(result.body) if result.body else {}
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}


class _Outcome:
    """How the answer to one user event reaches the client."""

    def no_handler(self, connection: Connection, event: str) -> None:
        raise NotImplementedError

    def failed(self, connection: Connection, why: str) -> None:
        raise NotImplementedError

    def succeeded(self, connection: Connection, reply: Payload | None) -> None:
        raise NotImplementedError


class _Acked(_Outcome):
    def __init__(self, ack_id: int | None, send_ack: AckSender) -> None:
        self._ack_id = ack_id
        self._send_ack = send_ack

    def no_handler(self, connection: Connection, event: str) -> None:
        # The service accepts an event no handler listens to.
        self.succeeded(connection, None)

    def failed(self, connection: Connection, why: str) -> None:
        if self._ack_id is not None:
            self._send_ack(connection, self._ack_id, "InternalServerError", why)

    def succeeded(self, connection: Connection, reply: Payload | None) -> None:
        if reply is not None:
            connection.deliver(DataMessage(reply))
        if self._ack_id is not None:
            self._send_ack(connection, self._ack_id, None, "")


class _Invocation(_Outcome):
    def __init__(self, invocation_id: str) -> None:
        self._id = invocation_id

    def no_handler(self, connection: Connection, event: str) -> None:
        _invoke_error(connection, self._id, "NotFound", f"no event handler for event {event!r}")

    def failed(self, connection: Connection, why: str) -> None:
        _invoke_error(connection, self._id, "InternalServerError", why)

    def succeeded(self, connection: Connection, reply: Payload | None) -> None:
        message: dict[str, Any] = {
            "type": "invokeResponse",
            "invocationId": self._id,
            "success": True,
        }
        if reply is not None:
            message["dataType"] = reply.data_type
            message["data"] = json.loads(reply.json_fragment())
        connection.send_control(message)


class _Raw(_Outcome):
    def __init__(self, hub: Hub) -> None:
        self._hub = hub

    def no_handler(self, connection: Connection, event: str) -> None:
        return None

    def failed(self, connection: Connection, why: str) -> None:
        self._hub.close(connection, why)

    def succeeded(self, connection: Connection, reply: Payload | None) -> None:
        if reply is not None:
            connection.deliver(DataMessage(reply))


def _invoke_error(connection: Connection, invocation_id: str, name: str, text: str) -> None:
    connection.send_control(
        {
            "type": "invokeResponse",
            "invocationId": invocation_id,
            "success": False,
            "error": {"name": name, "message": text},
        }
    )


def _origin(scope: Scope) -> str:
    """``host:port`` the client reached the emulator on (the abuse-protection origin)."""
    server = scope.get("server")
    if not server:
        return "localhost"
    host, port = server[0], server[1]
    host = f"[{host}]" if ":" in str(host) else str(host)
    return f"{host}:{port}" if port else host


def _claims(query: dict[str, list[str]], scope: Scope) -> dict[str, list[str]]:
    """The (already verified) access token's claims, each as a list of strings."""
    token = (query.get("access_token") or [""])[0]
    if not token:
        auth = dict(scope.get("headers", [])).get(b"authorization", b"").decode("latin-1")
        token = auth.partition(" ")[2].strip()
    try:
        claims: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return {}
    result: dict[str, list[str]] = {}
    for name, value in claims.items():
        values = value if isinstance(value, list) else [value]
        result[name] = [v if isinstance(v, str) else json.dumps(v) for v in values]
    return result


def _headers(scope: Scope) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for name, value in scope.get("headers", []):
        result.setdefault(name.decode("latin-1"), []).append(value.decode("latin-1"))
    return result
