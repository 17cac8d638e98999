"""CloudEvents HTTP binary-mode headers and bodies, as the service sends them upstream."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from typing import Any

from ..frames import Payload

SYSTEM_TYPE_PREFIX = "azure.webpubsub.sys."
USER_TYPE_PREFIX = "azure.webpubsub.user."

_CONTENT_TYPES = {
    "text": "text/plain; charset=utf-8",
    "json": "application/json",
    "binary": "application/octet-stream",
}


def signature(connection_id: str, access_keys: Iterable[str]) -> str:
    """``sha256=<hex>`` per key (HMAC-SHA256 of the connection id), comma separated."""
    return ",".join(
        "sha256="
        + hmac.new(key.encode("utf-8"), connection_id.encode("utf-8"), hashlib.sha256).hexdigest()
        for key in access_keys
    )


def headers(
    *,
    hub: str,
    event: str,
    system: bool,
    connection_id: str,
    user_id: str | None,
    subprotocol: str | None,
    states: Mapping[str, Any],
    origin: str,
    access_keys: Iterable[str],
) -> dict[str, str]:
    """The ``ce-*`` headers of one event request (no Content-Type)."""
    result = {
        "ce-specversion": "1.0",
        "ce-type": (SYSTEM_TYPE_PREFIX if system else USER_TYPE_PREFIX) + event,
        "ce-source": f"/hubs/{hub}/client/{connection_id}",
        "ce-id": uuid.uuid4().hex,
        "ce-time": datetime.now(timezone.utc).isoformat().replace("+00:00", "Z"),
        "ce-awpsversion": "1.0",
        "ce-hub": hub,
        "ce-connectionId": connection_id,
        "ce-eventName": event,
        "ce-signature": signature(connection_id, access_keys),
        "WebHook-Request-Origin": origin,
    }
    if user_id is not None:
        result["ce-userId"] = user_id
    if subprotocol:
        result["ce-subprotocol"] = subprotocol
    if states:
        result["ce-connectionState"] = encode_states(states)
    return result


def encode_states(states: Mapping[str, Any]) -> str:
    text = json.dumps(dict(states), separators=(",", ":"), ensure_ascii=False)
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def decode_states(header: str) -> dict[str, Any] | None:
    """The states a handler set (``{}`` for an empty header); None when undecodable."""
    if not header.strip():
        return {}
    try:
        value = json.loads(base64.b64decode(header, validate=True))
    except (binascii.Error, ValueError):
        return None
    return value if isinstance(value, dict) else None


def user_event_body(payload: Payload | None) -> tuple[bytes, str | None]:
    """Request body and Content-Type for a user event's data (empty for no data)."""
    if payload is None:
        return b"", None
    value = payload.value
    body = value if isinstance(value, bytes) else value.encode("utf-8")
    return body, _CONTENT_TYPES[payload.data_type]


def payload_from_response(body: bytes, content_type: str | None) -> Payload | None:
    """The message a handler's user-event response carries back to the client (None if empty).

    ``application/json`` -> json, ``text/*`` -> text, anything else -> binary.
    Raises ValueError for JSON or UTF-8 that does not decode.
    """
    if not body:
        return None
    media = (content_type or "application/octet-stream").split(";")[0].strip().lower()
    if media == "application/json" or media.endswith("+json"):
        return Payload.from_json_value(json.loads(body.decode("utf-8")))
    if media.startswith("text/"):
        return Payload("text", body.decode("utf-8"))
    return Payload("binary", body)
