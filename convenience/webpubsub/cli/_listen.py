"""``webpubsub listen``: connect as a real WebSocket client and print what arrives.

The subprotocol clients are ``webpubsub.client.WebPubSubClient``; a raw client (no
subprotocol: every frame is a message) is a plain WebSocket.
"""

from __future__ import annotations

import base64
import json
import queue
import sys
import time
from collections.abc import Iterator
from typing import Any, Literal, cast

import attrs
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus
from websockets.sync.client import connect

from webpubsub import WebPubSubServiceClient
from webpubsub._narrowing import is_json_object
from webpubsub.cli._errors import CliError
from webpubsub.client import WebPubSubClient
from webpubsub.client.models import (
    CallbackType,
    OnConnectedArgs,
    OnDisconnectedArgs,
    OnGroupDataMessageArgs,
    OnServerDataMessageArgs,
    OpenClientError,
    WebPubSubProtocolType,
)

Output = Literal["data", "jsonl"]
Protocol = Literal["raw", "json", "reliable", "protobuf", "protobuf-reliable"]
CONNECT_TIMEOUT = 10.0  # seconds for the WebSocket handshake

SUBPROTOCOLS: dict[Protocol, WebPubSubProtocolType] = {
    "json": WebPubSubProtocolType.JSON,
    "reliable": WebPubSubProtocolType.JSON_RELIABLE,
    "protobuf": WebPubSubProtocolType.PROTOBUF,
    "protobuf-reliable": WebPubSubProtocolType.PROTOBUF_RELIABLE,
}


@attrs.frozen
class Message:
    """One message as printed: ``data`` is ``str`` (text), ``bytes`` (binary) or a JSON value."""

    data_type: str
    data: object
    source: str = "server"
    group: str | None = None
    from_user_id: str | None = None


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
    deadline = None if timeout is None else time.monotonic() + timeout
    open_timeout = CONNECT_TIMEOUT if timeout is None else min(timeout, CONNECT_TIMEOUT)
    receive = _raw if protocol == "raw" else _subprotocol
    received = 0
    for message in receive(token["url"], token["baseUrl"], protocol, open_timeout, deadline):
        if isinstance(message, OnConnectedArgs):
            _announce(hub, message.connection_id or None, message.user_id or user_id)
            continue
        print(_format(message, output), flush=True)
        received += 1
        if count is not None and received >= count:
            return
    if count is not None:
        raise CliError(f"timed out after {timeout} s with {received} of {count} messages")


Received = Iterator[Message | OnConnectedArgs]


def _remaining(deadline: float | None) -> float | None:
    return None if deadline is None else max(0.0, deadline - time.monotonic())


def _raw(
    url: str, base_url: str, protocol: Protocol, open_timeout: float, deadline: float | None
) -> Received:
    try:
        websocket = connect(url, open_timeout=open_timeout)
    except InvalidStatus as exc:
        raise _refused(base_url, exc.response.status_code, exc.response.body) from None
    except (OSError, InvalidHandshake, TimeoutError) as exc:
        raise CliError(f"cannot connect a client to {base_url}: {exc}") from None
    received = 0
    with websocket:
        yield OnConnectedArgs("")
        while True:
            remaining = _remaining(deadline)
            if remaining == 0:
                return
            try:
                frame = websocket.recv(timeout=remaining)
            except TimeoutError:
                return
            except ConnectionClosed as closed:
                reason = (closed.rcvd.reason if closed.rcvd else "") or "no reason given"
                raise CliError(
                    f"the service closed the connection after {received} messages: {reason}"
                ) from None
            received += 1
            if isinstance(frame, bytes):
                yield Message("binary", frame)
            else:
                yield Message("text", frame)


def _subprotocol(
    url: str, base_url: str, protocol: Protocol, open_timeout: float, deadline: float | None
) -> Received:
    events: queue.Queue[tuple[str, Any]] = queue.Queue()
    client = WebPubSubClient(
        url,
        protocol_type=SUBPROTOCOLS[protocol],
        # listen shows one connection: a lost one is an error, not a reason to open another
        # (a reliable one still resumes).
        reconnect_retry_total=0,
        start_timeout=open_timeout,
    )
    client.subscribe(CallbackType.CONNECTED, lambda args: events.put(("connected", args)))
    client.subscribe(CallbackType.GROUP_MESSAGE, lambda args: events.put(("message", args)))
    client.subscribe(CallbackType.SERVER_MESSAGE, lambda args: events.put(("message", args)))
    client.subscribe(CallbackType.DISCONNECTED, lambda args: events.put(("disconnected", args)))
    try:
        client.open()
    except OpenClientError as exc:
        raise _open_error(base_url, exc) from None
    received = 0
    goodbye = "no reason given"
    try:
        while True:
            try:
                kind, args = events.get(timeout=_remaining(deadline))
            except queue.Empty:
                return
            if kind == "connected":
                yield args
            elif kind == "message":
                received += 1
                yield _message(args)
            else:
                assert isinstance(args, OnDisconnectedArgs)
                goodbye = args.message or goodbye
                raise CliError(
                    f"the service closed the connection after {received} messages: {goodbye}"
                )
    finally:
        client.close()


def _message(args: OnGroupDataMessageArgs | OnServerDataMessageArgs) -> Message:
    value: object = args.data
    data = bytes(cast("memoryview", value)) if isinstance(value, memoryview) else value
    if isinstance(args, OnGroupDataMessageArgs):
        return Message(args.data_type.value, data, "group", args.group, args.from_user_id)
    return Message(args.data_type.value, data)


def _open_error(base_url: str, exc: OpenClientError) -> CliError:
    status = getattr(exc, "status", None)
    if isinstance(status, int):
        return CliError(f"the service refused the client connection to {base_url}: HTTP {status}")
    return CliError(f"cannot connect a client to {base_url}: {exc}")


def _refused(base_url: str, status: int, body: bytes | bytearray) -> CliError:
    detail = _refusal_detail(body)
    return CliError(
        f"the service refused the client connection to {base_url}: "
        f"HTTP {status}" + (f" ({detail})" if detail else "")
    )


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
