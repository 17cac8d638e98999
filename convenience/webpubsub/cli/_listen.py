"""``webpubsub listen``: connect as a real WebSocket client and print what arrives."""

from __future__ import annotations

import base64
import json
import sys
import time
from typing import Literal

from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus
from websockets.sync.client import ClientConnection, connect
from websockets.typing import Subprotocol

from webpubsub import WebPubSubServiceClient
from webpubsub._narrowing import is_json_object
from webpubsub.cli._client_protocol import (
    SUBPROTOCOLS,
    Connected,
    Disconnected,
    Message,
    Protocol,
    decode_json,
    decode_raw,
    sequence_ack,
)
from webpubsub.cli._errors import CliError

Output = Literal["data", "jsonl"]
CONNECT_TIMEOUT = 10.0  # seconds for the WebSocket handshake


def listen(
    connection_string: str,
    hub: str,
    *,
    user_id: str | None,
    groups: list[str] | None,
    protocol: Protocol,
    count: int | None,
    timeout: float | None,
    output: Output,
) -> None:
    """Print each message on stdout, flushed, until ``count`` messages or ``timeout`` seconds.

    The token is signed locally (no REST call) and the client connects to the WebSocket
    endpoint ``/client/hubs/{hub}``, joining ``groups`` through its token. A line on stderr
    says when it is connected. ``timeout`` is in seconds.

    Raises :class:`CliError` when the service refuses or closes the connection, or when
    ``count`` messages did not arrive within ``timeout``; the SDK's InvalidArgumentError for
    a malformed connection string, hub, user id or group.
    """
    with WebPubSubServiceClient.from_connection_string(connection_string, hub) as client:
        token = client.get_client_access_token(user_id=user_id, groups=groups)
    subprotocol = SUBPROTOCOLS[protocol]
    deadline = None if timeout is None else time.monotonic() + timeout
    try:
        websocket = connect(
            token["url"],
            subprotocols=[Subprotocol(subprotocol)] if subprotocol else None,
            open_timeout=CONNECT_TIMEOUT if timeout is None else min(timeout, CONNECT_TIMEOUT),
        )
    except InvalidStatus as exc:
        response = exc.response
        detail = _refusal_detail(response.body)
        raise CliError(
            f"the service refused the client connection to {token['baseUrl']}: "
            f"HTTP {response.status_code}" + (f" ({detail})" if detail else "")
        ) from None
    except (OSError, InvalidHandshake, TimeoutError) as exc:
        raise CliError(f"cannot connect a client to {token['baseUrl']}: {exc}") from None
    with websocket:
        if protocol == "raw":
            _announce(hub, None, user_id)
        received = _receive(websocket, hub, protocol, user_id, count, deadline, output)
    if count is not None and received < count:
        raise CliError(f"timed out after {timeout} s with {received} of {count} messages")


def _receive(
    websocket: ClientConnection,
    hub: str,
    protocol: Protocol,
    user_id: str | None,
    count: int | None,
    deadline: float | None,
    output: Output,
) -> int:
    """Print messages until done; return how many were printed."""
    received = 0
    goodbye = ""
    while count is None or received < count:
        remaining = None if deadline is None else deadline - time.monotonic()
        if remaining is not None and remaining <= 0:
            return received
        try:
            frame = websocket.recv(timeout=remaining)
        except TimeoutError:
            return received
        except ConnectionClosed as closed:
            reason = goodbye or (closed.rcvd.reason if closed.rcvd else "") or "no reason given"
            raise CliError(
                f"the service closed the connection after {received} messages: {reason}"
            ) from None
        event = decode_raw(frame) if protocol == "raw" else decode_json(frame)
        if isinstance(event, Connected):
            _announce(hub, event.connection_id, event.user_id or user_id)
        elif isinstance(event, Disconnected):
            goodbye = event.message
        elif isinstance(event, Message):
            print(_format(event, output), flush=True)
            received += 1
            if protocol == "reliable" and event.sequence_id is not None:
                websocket.send(sequence_ack(event.sequence_id))
    return received


def _refusal_detail(body: bytes | bytearray) -> str:
    """The service's explanation of a refused handshake: the JSON error's message, or text."""
    text = bytes(body).decode("utf-8", "replace")
    try:
        error = json.loads(text)
    except ValueError:
        return text[:200]
    message = error.get("message") if is_json_object(error) else None
    return message if isinstance(message, str) else text[:200]


def _announce(hub: str, connection_id: str | None, user_id: str | None) -> None:
    who = f"connection {connection_id}" if connection_id else "a raw connection"
    user = f" as user {user_id!r}" if user_id else ""
    print(f"listening on hub {hub!r}: {who}{user}; Ctrl-C to stop", file=sys.stderr, flush=True)


def _format(message: Message, output: Output) -> str:
    data = message.data
    if output == "data":
        if isinstance(data, bytes):
            return base64.b64encode(data).decode("ascii")
        return (
            data
            if message.data_type == "text" and isinstance(data, str)
            else json.dumps(data, separators=(",", ":"), ensure_ascii=False)
        )
    record: dict[str, object] = {
        "dataType": message.data_type,
        "data": base64.b64encode(data).decode("ascii") if isinstance(data, bytes) else data,
        "from": message.source,
    }
    if message.group is not None:
        record["group"] = message.group
    if message.from_user_id is not None:
        record["fromUserId"] = message.from_user_id
    return json.dumps(record, ensure_ascii=False)
