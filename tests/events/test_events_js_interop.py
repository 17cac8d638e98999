"""Microsoft's JS packages against the emulator's event-handler support:
@azure/web-pubsub-express as the upstream (configured through ``--config``), and the
official @azure/web-pubsub-client's ``invokeEvent`` answered by our Python handler."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from webpubsub import WebPubSubServiceClient
from webpubsub.events import UserEventRequest, UserEventResponse, WebPubSubEventHandler
from webpubsub_emulator import EmulatorServer
from websockets.sync.client import connect

from ._processes import JS_DIR, LineProcess, node_modules
from .conftest import WAIT, Clients, receive_json, receive_until


@pytest.fixture(scope="session")
def npm_modules() -> Path:
    return node_modules()


@pytest.fixture
def express_upstream(npm_modules: Path) -> Iterator[tuple[LineProcess, str]]:
    handler = LineProcess(
        ["node", str(JS_DIR / "express_handler.js")], {"NODE_PATH": str(npm_modules)}
    )
    try:
        ready = handler.next_json()
        yield handler, f"http://127.0.0.1:{ready['port']}/api/webpubsub/hubs/{{hub}}/"
    finally:
        handler.stop()


def test_express_handler_through_config_file(
    express_upstream: tuple[LineProcess, str], tmp_path: Path
) -> None:
    handler, url_template = express_upstream
    config = tmp_path / "appsettings.json"
    config.write_text(
        json.dumps(
            {
                "WebPubSub": {
                    "Hubs": {
                        "chat": {
                            "EventHandlers": [
                                {
                                    "UrlTemplate": url_template,
                                    "SystemEvents": ["connect", "connected", "disconnected"],
                                    "EventPattern": "*",
                                }
                            ]
                        }
                    }
                }
            }
        )
    )
    emulator = LineProcess(
        [sys.executable, "-m", "webpubsub.cli", "emulator", "--port", "0", "--config", str(config)],
        {"PYTHONUNBUFFERED": "1"},
    )
    try:
        connection_string = emulator.next_line()
        assert connection_string.startswith("Endpoint=http://127.0.0.1:")
        _wait_until_listening(connection_string)
        service = WebPubSubServiceClient.from_connection_string(connection_string, hub="chat")
        url = str(service.get_client_access_token()["url"])
        with connect(url, subprotocols=["json.webpubsub.azure.v1"], open_timeout=WAIT) as client:  # type: ignore[list-item]
            welcome = receive_json(client)
            assert welcome["userId"] == "express-user"
            connection_id = welcome["connectionId"]
            assert service.user_exists("express-user")
            assert service.group_exists("express-group")
            connected = handler.next_json()
            assert connected == {
                "event": "connected",
                "connectionId": connection_id,
                "userId": "express-user",
            }
            client.send(
                json.dumps(
                    {
                        "type": "event",
                        "event": "hello",
                        "dataType": "text",
                        "data": "hi",
                        "ackId": 1,
                    }
                )
            )
            reply = receive_until(client, "message")
            assert (reply["from"], reply["dataType"], reply["data"]) == (
                "server",
                "text",
                "express got hi",
            )
            assert receive_until(client, "ack")["success"] is True
        disconnected = handler.next_json()
        assert disconnected == {"event": "disconnected", "connectionId": connection_id}
        service.close()
    finally:
        emulator.stop()


def _wait_until_listening(connection_string: str) -> None:
    # The CLI prints its connection string just before uvicorn starts listening.
    port = int(connection_string.split(";")[0].rsplit(":", 1)[1])
    deadline = time.monotonic() + 15
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def test_official_js_client_invoke_event_gets_the_python_handler_answer(
    npm_modules: Path,
    webpubsub_emulator: EmulatorServer,
    clients: Clients,
    serve_asgi: Any,
) -> None:
    def on_user_event(request: UserEventRequest) -> UserEventResponse:
        assert request.context.event_name == "ask"
        return UserEventResponse({"answer": request.data["question"] + 1})

    handler = WebPubSubEventHandler(
        clients.hub,
        connection_string=webpubsub_emulator.connection_string,
        on_user_event=on_user_event,
    )
    webpubsub_emulator.set_event_handlers(clients.hub, serve_asgi(handler.asgi) + "/eventhandler")
    completed = subprocess.run(
        ["node", str(JS_DIR / "invoke_client.js"), clients.url(user_id="js")],
        capture_output=True,
        text=True,
        timeout=60,
        env={"NODE_PATH": str(npm_modules), "PATH": "/usr/bin:/bin:/usr/local/bin"},
    )
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout.strip().splitlines()[-1]) == {
        "dataType": "json",
        "data": {"answer": 43},
    }
