"""The transport-free core: a CloudEvents HTTP request in, typed callback call, HTTP answer out.

``EventDispatcher.prepare`` checks the request (method, headers, signature, body) and either
answers at once (OPTIONS, errors, events without a callback) or returns a ``PendingCall``;
the ASGI/WSGI front ends run its callback (sync or async) and hand the outcome to
``PendingCall.complete``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

import attrs

from .._narrowing import is_json_array, is_json_object
from ._models import (
    ClientCertificate,
    ConnectedRequest,
    ConnectionContext,
    ConnectRequest,
    ConnectResponse,
    DataType,
    DisconnectedRequest,
    EventData,
    EventHandlerError,
    UserEventRequest,
    UserEventResponse,
)
from ._mqtt_models import connect_properties, disconnected_properties

_log = logging.getLogger("webpubsub.events")

SYSTEM_PREFIX = "azure.webpubsub.sys."
USER_PREFIX = "azure.webpubsub.user."

ConnectCallback = Callable[
    [ConnectRequest], ConnectResponse | Awaitable[ConnectResponse | None] | None
]
UserEventCallback = Callable[
    [UserEventRequest], UserEventResponse | Awaitable[UserEventResponse | None] | None
]
ConnectedCallback = Callable[[ConnectedRequest], Awaitable[None] | None]
DisconnectedCallback = Callable[[DisconnectedRequest], Awaitable[None] | None]


@attrs.frozen
class HttpReply:
    status: int
    headers: Sequence[tuple[str, str]] = ()
    body: bytes = b""

    @classmethod
    def error(cls, status: int, message: str) -> HttpReply:
        return cls(status, (("Content-Type", "text/plain; charset=utf-8"),), message.encode())


@attrs.frozen
class PendingCall:
    """A checked event waiting for its callback's outcome."""

    callback: Callable[[Any], Any]
    request: Any
    context: ConnectionContext
    initial_states: str

    def complete(self, result: object = None, error: BaseException | None = None) -> HttpReply:
        """The HTTP answer for the callback's return value or the exception it raised."""
        if isinstance(error, EventHandlerError):
            body, content_type = error.to_body()
            return HttpReply(error.status_code, (("Content-Type", content_type),), body)
        if error is not None:
            _log.error(
                "webpubsub event handler callback for %r raised",
                self.context.event_name,
                exc_info=error,
            )
            return HttpReply.error(500, f"event handler callback raised {type(error).__name__}")
        headers: list[tuple[str, str]] = []
        try:
            states = _encode_states(self.context.states)
        except TypeError as exc:
            _log.error("webpubsub event handler: %s", exc)
            return HttpReply.error(500, "connection state is not JSON-encodable")
        if states != self.initial_states:
            headers.append(("ce-connectionState", states))
        if isinstance(self.request, ConnectRequest):
            if result is None:
                return HttpReply(204, headers)
            if not isinstance(result, ConnectResponse):
                return self._bad_result(result, "ConnectResponse or None")
            body = json.dumps(result.to_json(), separators=(",", ":")).encode()
            headers.append(("Content-Type", "application/json; charset=utf-8"))
            return HttpReply(200, headers, body)
        if isinstance(self.request, UserEventRequest):
            if result is None:
                return HttpReply(204, headers)
            if not isinstance(result, UserEventResponse):
                return self._bad_result(result, "UserEventResponse or None")
            body, content_type = result.encode()
            headers.append(("Content-Type", content_type))
            return HttpReply(200, headers, body)
        return HttpReply(204, headers)

    def _bad_result(self, result: object, expected: str) -> HttpReply:
        _log.error(
            "webpubsub event handler callback for %r returned %s, expected %s",
            self.context.event_name,
            type(result).__name__,
            expected,
        )
        return HttpReply.error(500, f"event handler callback returned {type(result).__name__}")


class EventDispatcher:
    """Checks requests for one hub (or any hub) and picks the callback."""

    def __init__(
        self,
        *,
        hub: str | None,
        access_keys: Sequence[str],
        allowed_origins: Sequence[str],
        on_connect: ConnectCallback | None,
        on_connected: ConnectedCallback | None,
        on_disconnected: DisconnectedCallback | None,
        on_user_event: UserEventCallback | None,
    ) -> None:
        self._hub = hub.lower() if hub is not None else None
        self._keys = tuple(k.encode("utf-8") for k in access_keys)
        self._origins = frozenset(_origin_host(o) for o in allowed_origins)
        self._on_connect = on_connect
        self._on_connected = on_connected
        self._on_disconnected = on_disconnected
        self._on_user_event = on_user_event

    def prepare(
        self, method: str, headers: Mapping[str, str], body: bytes
    ) -> HttpReply | PendingCall:
        """``headers`` with lower-cased names."""
        if method == "OPTIONS":
            return self._abuse_protection(headers)
        if method != "POST":
            return HttpReply.error(405, f"method {method} is not allowed; use POST or OPTIONS")
        try:
            return self._event(headers, body)
        except _Malformed as exc:
            return HttpReply.error(400, f"malformed CloudEvents request: {exc}")

    def _abuse_protection(self, headers: Mapping[str, str]) -> HttpReply:
        origin = headers.get("webhook-request-origin", "").strip()
        if not origin:
            return HttpReply.error(400, "OPTIONS request lacks the WebHook-Request-Origin header")
        if "*" in self._origins:
            return HttpReply(200, (("WebHook-Allowed-Origin", "*"),))
        if origin.lower() in self._origins:
            return HttpReply(200, (("WebHook-Allowed-Origin", origin),))
        return HttpReply.error(
            403, f"origin {origin!r} is not among this handler's allowed origins"
        )

    def _event(self, headers: Mapping[str, str], body: bytes) -> HttpReply | PendingCall:
        ce_type = _required(headers, "ce-type")
        connection_id = _required(headers, "ce-connectionid")
        hub = _required(headers, "ce-hub")
        if not _required(headers, "ce-specversion").startswith("1."):
            raise _Malformed("ce-specversion must be 1.0")
        if not self._signed(headers.get("ce-signature", ""), connection_id):
            return HttpReply.error(
                401, "ce-signature is missing or matches none of the access keys"
            )
        if self._hub is not None and hub.lower() != self._hub:
            return HttpReply.error(404, f"ce-hub {hub!r} is not this handler's hub {self._hub!r}")
        context = _context(headers, hub, connection_id, ce_type)
        initial_states = _encode_states(context.states)
        if ce_type.startswith(USER_PREFIX):
            data, data_type = _user_data(headers.get("content-type", ""), body)
            request: object = UserEventRequest(context, data, data_type)
            callback: Callable[[Any], Any] | None = self._on_user_event
        elif ce_type == SYSTEM_PREFIX + "connect":
            request, callback = _connect_request(context, body), self._on_connect
        elif ce_type == SYSTEM_PREFIX + "connected":
            request, callback = ConnectedRequest(context), self._on_connected
        elif ce_type == SYSTEM_PREFIX + "disconnected":
            document = _json_object(body)
            reason = document.get("reason")
            request = DisconnectedRequest(
                context,
                reason if isinstance(reason, str) else None,
                disconnected_properties(document),
            )
            callback = self._on_disconnected
        else:
            raise _Malformed(f"ce-type {ce_type!r} is not a Web PubSub event type")
        pending = PendingCall(callback or _no_callback, request, context, initial_states)
        return pending.complete() if callback is None else pending

    def _signed(self, header: str, connection_id: str) -> bool:
        given = {part.strip().lower() for part in header.split(",") if part.strip()}
        if not given:
            return False
        for key in self._keys:
            digest = hmac.new(key, connection_id.encode("utf-8"), hashlib.sha256).hexdigest()
            expected = "sha256=" + digest
            if any(hmac.compare_digest(expected, g) for g in given):
                return True
        return False


class _Malformed(Exception):
    pass


def _no_callback(request: object) -> None:
    return None


def _required(headers: Mapping[str, str], name: str) -> str:
    value = headers.get(name, "").strip()
    if not value:
        raise _Malformed(f"header {name} is missing or empty")
    return value


def _context(
    headers: Mapping[str, str], hub: str, connection_id: str, ce_type: str
) -> ConnectionContext:
    default_name = ce_type.rpartition(".")[2]
    return ConnectionContext(
        hub=hub,
        connection_id=connection_id,
        event_name=headers.get("ce-eventname") or default_name,
        user_id=headers.get("ce-userid") or None,
        subprotocol=headers.get("ce-subprotocol") or None,
        origin=headers.get("webhook-request-origin", ""),
        states=_decode_states(headers.get("ce-connectionstate", "")),
        physical_connection_id=headers.get("ce-physicalconnectionid") or None,
        session_id=headers.get("ce-sessionid") or None,
    )


def _decode_states(header: str) -> dict[str, Any]:
    if not header.strip():
        return {}
    try:
        value = json.loads(base64.b64decode(header, validate=True))
    except (binascii.Error, ValueError):
        raise _Malformed("ce-connectionState is not base64-encoded JSON") from None
    if not is_json_object(value):
        raise _Malformed("ce-connectionState must encode a JSON object")
    return value


def _encode_states(states: Mapping[str, Any]) -> str:
    try:
        text = json.dumps(dict(states), separators=(",", ":"), ensure_ascii=False, sort_keys=True)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"connection state values must be JSON-encodable: {exc}") from None
    return base64.b64encode(text.encode("utf-8")).decode("ascii") if states else ""


def _json_object(body: bytes) -> dict[str, Any]:
    if not body.strip():
        return {}
    try:
        value = json.loads(body)
    except ValueError:
        raise _Malformed("the body is not JSON") from None
    if not is_json_object(value):
        raise _Malformed("the body must be a JSON object")
    return value


def _string_lists(value: object, member: str) -> dict[str, list[str]]:
    if value is None:
        return {}
    if not is_json_object(value):
        raise _Malformed(f"connect body member {member!r} must be an object")
    result: dict[str, list[str]] = {}
    for name, values in value.items():
        items = values if is_json_array(values) else [values]
        result[str(name)] = [v if isinstance(v, str) else json.dumps(v) for v in items]
    return result


def _connect_request(context: ConnectionContext, body: bytes) -> ConnectRequest:
    document = _json_object(body)
    subprotocols: object = document.get("subprotocols") or []
    certificates: object = document.get("clientCertificates") or []
    if not is_json_array(subprotocols) or not is_json_array(certificates):
        raise _Malformed("connect body 'subprotocols' and 'clientCertificates' must be lists")
    return ConnectRequest(
        context=context,
        claims=_string_lists(document.get("claims"), "claims"),
        query=_string_lists(document.get("query"), "query"),
        headers={
            k.lower(): v for k, v in _string_lists(document.get("headers"), "headers").items()
        },
        subprotocols=[str(s) for s in subprotocols],
        client_certificates=[
            ClientCertificate(str(c.get("thumbprint", "")), str(c.get("content", "")))
            for c in certificates
            if is_json_object(c)
        ],
        mqtt=connect_properties(document),
    )


def _user_data(content_type: str, body: bytes) -> tuple[EventData, DataType | None]:
    media = content_type.split(";")[0].strip().lower()
    if not media and not body:
        return None, None
    if media == "text/plain":
        try:
            return body.decode("utf-8"), "text"
        except UnicodeDecodeError:
            raise _Malformed("text/plain body is not UTF-8") from None
    if media == "application/json":
        try:
            return json.loads(body), "json"
        except ValueError:
            raise _Malformed("application/json body is not JSON") from None
    if media == "application/octet-stream":
        return body, "binary"
    raise _Malformed(
        f"Content-Type {content_type!r} is not text/plain, application/json or "
        "application/octet-stream"
    )


def _origin_host(value: str) -> str:
    """``https://x.webpubsub.azure.com`` or ``x.webpubsub.azure.com`` -> the host[:port]."""
    value = value.strip()
    if value == "*":
        return value
    if "://" in value:
        return urlsplit(value).netloc.lower()
    return value.lower()
