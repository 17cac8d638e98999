"""Fixtures for the client library's tests (``webpubsub.client``): one emulator with fault
injection for the directory, client access URLs for a fresh hub per test, an upstream event
handler (our ``webpubsub.events`` over real HTTP), and a thread-safe record of callbacks."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest
import uvicorn
from webpubsub import WebPubSubServiceClient
from webpubsub.events import UserEventRequest, UserEventResponse, WebPubSubEventHandler
from webpubsub_emulator import EmulatorServer

WAIT = 10.0
ALL_PROTOCOLS = [
    "json.webpubsub.azure.v1",
    "json.reliable.webpubsub.azure.v1",
    "protobuf.webpubsub.azure.v1",
    "protobuf.reliable.webpubsub.azure.v1",
]
RELIABLE_PROTOCOLS = [name for name in ALL_PROTOCOLS if ".reliable." in name]
PUBSUB_ROLES = ["webpubsub.joinLeaveGroup", "webpubsub.sendToGroup"]

AsgiApp = Callable[[dict[str, Any], Any, Any], Awaitable[None]]
UrlFactory = Callable[..., str]


@pytest.fixture(scope="session")
def client_emulator() -> Iterator[EmulatorServer]:
    with EmulatorServer(faults=True) as server:
        yield server


@pytest.fixture
def service(
    client_emulator: EmulatorServer, webpubsub_hub: str
) -> Iterator[WebPubSubServiceClient]:
    client = WebPubSubServiceClient.from_connection_string(
        client_emulator.connection_string, hub=webpubsub_hub
    )
    yield client
    client.close()


@pytest.fixture
def client_url(service: WebPubSubServiceClient) -> UrlFactory:
    """``client_url(user_id=..., roles=...)``: a fresh client access URL for the test's hub
    (pub/sub roles by default)."""

    def make(*, user_id: str | None = None, roles: list[str] | None = None) -> str:
        token = service.get_client_access_token(
            user_id=user_id, roles=PUBSUB_ROLES if roles is None else roles
        )
        url: str = token["url"]
        return url

    return make


class Record:
    """What listeners saw, filled from any thread; ``wait_for`` blocks until a condition."""

    def __init__(self) -> None:
        self.items: list[tuple[str, Any]] = []
        self._changed = threading.Condition()

    def add(self, kind: str, value: Any = None) -> None:
        with self._changed:
            self.items.append((kind, value))
            self._changed.notify_all()

    def of(self, kind: str) -> list[Any]:
        with self._changed:
            return [value for seen, value in self.items if seen == kind]

    def kinds(self) -> list[str]:
        with self._changed:
            return [seen for seen, _ in self.items]

    def wait_for(self, kind: str, count: int = 1, timeout: float = WAIT) -> list[Any]:
        with self._changed:
            if not self._changed.wait_for(lambda: len(self.of(kind)) >= count, timeout):
                raise AssertionError(f"{count} {kind!r} expected, saw {self.items!r}")
            return self.of(kind)


@pytest.fixture
def record() -> Record:
    return Record()


class _ThreadedUvicorn(uvicorn.Server):
    def install_signal_handlers(self) -> None:  # a background thread cannot
        pass


@pytest.fixture
def upstream(
    client_emulator: EmulatorServer, webpubsub_hub: str
) -> Iterator[list[UserEventRequest]]:
    """The hub's event handler: records each user event and answers with its data
    (``echo`` events) or ``{"len": n}`` (other events)."""
    seen: list[UserEventRequest] = []

    async def on_user_event(request: UserEventRequest) -> UserEventResponse:
        seen.append(request)
        if request.context.event_name == "echo":
            return UserEventResponse(request.data, request.data_type)
        return UserEventResponse({"event": request.context.event_name}, "json")

    handler = WebPubSubEventHandler(
        None,
        connection_string=client_emulator.connection_string,
        on_user_event=on_user_event,
    )
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(handler.asgi, lifespan="off", log_level="warning", access_log=False)
    server = _ThreadedUvicorn(config)
    thread = threading.Thread(target=lambda: asyncio.run(server.serve(sockets=[sock])), daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("handler server did not start")
        threading.Event().wait(0.01)
    client_emulator.set_event_handlers(
        webpubsub_hub, f"http://127.0.0.1:{port}/eventhandler/{{event}}"
    )
    yield seen
    client_emulator.set_event_handlers(webpubsub_hub, [])
    server.should_exit = True
    thread.join(10)
