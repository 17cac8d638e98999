"""Re-sending a message whose ack did not come, with the same ack id, against a scripted
WebSocket service (the emulator always acks, so it cannot lose one on purpose)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from webpubsub.client import WebPubSubClient
from webpubsub.client.models import SendMessageError
from websockets.sync.server import ServerConnection, serve

Script = Callable[[dict[str, Any], int], dict[str, Any] | None]


@pytest.fixture
def scripted_service() -> Iterator[Callable[[Script], tuple[str, list[dict[str, Any]]]]]:
    """``start(answer)``: a JSON-subprotocol service that sends ``connected`` then answers
    the n-th client frame with ``answer(frame, n)`` (None: no answer). Returns its URL and
    the frames it received."""
    servers: list[Any] = []

    def start(answer: Script) -> tuple[str, list[dict[str, Any]]]:
        received: list[dict[str, Any]] = []

        def handler(connection: ServerConnection) -> None:
            connection.send(
                json.dumps({"type": "system", "event": "connected", "connectionId": "c1"})
            )
            for frame in connection:
                message = json.loads(frame)
                received.append(message)
                reply = answer(message, len(received))
                if reply is not None:
                    connection.send(json.dumps(reply))

        server = serve(
            handler,
            "127.0.0.1",
            0,
            select_subprotocol=lambda _connection, offered: offered[0],
        )
        servers.append(server)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        port = server.socket.getsockname()[1]
        return f"ws://127.0.0.1:{port}/client/hubs/h?access_token=t", received

    yield start
    for server in servers:
        server.shutdown()


def test_a_lost_ack_is_re_sent_with_the_same_id_and_duplicate_counts_as_sent(
    scripted_service: Callable[[Script], tuple[str, list[dict[str, Any]]]],
) -> None:
    def answer(message: dict[str, Any], n: int) -> dict[str, Any] | None:
        if n == 1:
            return None  # the first ack is lost
        error = {"name": "Duplicate", "message": "already applied"}
        return {"type": "ack", "ackId": message["ackId"], "success": False, "error": error}

    url, received = scripted_service(answer)
    client = WebPubSubClient(
        url,
        protocol_type="json.webpubsub.azure.v1",
        ack_timeout=0.5,
        message_retry_backoff_factor=0.05,
    )
    with client:
        client.send_to_group("g", "once", "text")
    assert [(m["type"], m["ackId"], m["data"]) for m in received] == [
        ("sendToGroup", 1, "once"),
        ("sendToGroup", 1, "once"),
    ]


def test_an_ack_that_never_comes_raises_after_the_message_retries(
    scripted_service: Callable[[Script], tuple[str, list[dict[str, Any]]]],
) -> None:
    url, received = scripted_service(lambda message, n: None)
    client = WebPubSubClient(
        url,
        protocol_type="json.webpubsub.azure.v1",
        ack_timeout=0.3,
        message_retry_total=1,
        message_retry_backoff_factor=0.05,
    )
    with client, pytest.raises(SendMessageError) as unconfirmed:
        client.join_group("g", ack_id=40)
    assert unconfirmed.value.ack_id == 40
    assert unconfirmed.value.error_detail is not None
    assert unconfirmed.value.error_detail.name == "Timeout"
    assert [m["ackId"] for m in received] == [40, 40]


def test_a_service_refusal_is_not_re_sent(
    scripted_service: Callable[[Script], tuple[str, list[dict[str, Any]]]],
) -> None:
    def answer(message: dict[str, Any], n: int) -> dict[str, Any]:
        error = {"name": "Forbidden", "message": "no"}
        return {"type": "ack", "ackId": message["ackId"], "success": False, "error": error}

    url, received = scripted_service(answer)
    client = WebPubSubClient(url, protocol_type="json.webpubsub.azure.v1")
    with client, pytest.raises(SendMessageError, match="Forbidden: no"):
        client.send_event("e", {"k": 1}, "json")
    assert len(received) == 1


def test_a_refused_resume_opens_a_new_connection_at_once() -> None:
    """The service refuses a resume it cannot honour by closing with 1008 before
    ``connected``; the client then opens a new connection instead of retrying for 30 s."""
    paths: list[str] = []

    def handler(connection: ServerConnection) -> None:
        path = connection.request.path if connection.request else ""
        paths.append(path)
        if "awps_reconnection_token" in path:
            connection.close(1008, "cannot resume")
            return
        number = len(paths)
        connected = {
            "type": "system",
            "event": "connected",
            "connectionId": f"c{number}",
            "reconnectionToken": "tok",
        }
        connection.send(json.dumps(connected))
        if number == 1:
            connection.close(1011, "going away without a disconnected message")
            return
        for _ in connection:
            pass

    server = serve(
        handler, "127.0.0.1", 0, select_subprotocol=lambda _connection, offered: offered[0]
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.socket.getsockname()[1]
    seen: list[tuple[str, Any]] = []
    both = threading.Event()

    def on_connected(args: Any) -> None:
        seen.append(("connected", args.connection_id))
        if args.connection_id == "c3":
            both.set()

    client = WebPubSubClient(
        f"ws://127.0.0.1:{port}/client/hubs/h?access_token=t",
        protocol_type="json.reliable.webpubsub.azure.v1",
    )
    client.subscribe("connected", on_connected)
    client.subscribe("disconnected", lambda args: seen.append(("disconnected", args.connection_id)))
    try:
        with client:
            assert both.wait(10), seen
    finally:
        server.shutdown()
    assert seen[:3] == [("connected", "c1"), ("disconnected", "c1"), ("connected", "c3")]
    assert ["awps_reconnection_token" in path for path in paths] == [False, True, False]
