"""Fixtures for event-handler tests: our handler served over real HTTP as the emulator's
upstream, and real WebSocket clients of the emulator."""

from __future__ import annotations

import asyncio
import json
import queue
import socket
import threading
from collections.abc import Awaitable, Callable, Iterator
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
import uvicorn
from webpubsub import WebPubSubServiceClient
from webpubsub_emulator import EmulatorServer
from websockets.sync.client import ClientConnection, connect

WAIT = 10.0
JSON_PROTOCOL = "json.webpubsub.azure.v1"

AsgiApp = Callable[[dict[str, Any], Any, Any], Awaitable[None]]


class _ThreadedUvicorn(uvicorn.Server):
    def install_signal_handlers(self) -> None:  # a background thread cannot
        pass


@pytest.fixture
def serve_asgi() -> Iterator[Callable[[AsgiApp], str]]:
    """``serve(app) -> "http://127.0.0.1:PORT"``: run an ASGI app with uvicorn in a thread."""
    servers: list[tuple[_ThreadedUvicorn, threading.Thread]] = []

    def serve(app: AsgiApp) -> str:
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        config = uvicorn.Config(app, lifespan="off", log_level="warning", access_log=False)
        server = _ThreadedUvicorn(config)
        thread = threading.Thread(
            target=lambda: asyncio.run(server.serve(sockets=[sock])), daemon=True
        )
        thread.start()
        servers.append((server, thread))
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("handler server did not start")
            threading.Event().wait(0.01)
        return f"http://127.0.0.1:{port}"

    yield serve
    for server, thread in servers:
        server.should_exit = True
        thread.join(10)


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def serve_wsgi() -> Iterator[Callable[[Any], str]]:
    """``serve(wsgi_app) -> "http://127.0.0.1:PORT"`` with the stdlib WSGI server."""
    servers: list[WSGIServer] = []

    def serve(app: Any) -> str:
        server = make_server(
            "127.0.0.1", 0, app, server_class=_ThreadingWSGIServer, handler_class=_QuietHandler
        )
        servers.append(server)
        threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True).start()
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


class Events:
    """What a handler's callbacks saw, in arrival order (filled from the handler's thread)."""

    def __init__(self) -> None:
        self._queue: queue.Queue[tuple[str, Any]] = queue.Queue()

    def record(self, kind: str, request: Any) -> None:
        self._queue.put((kind, request))

    def next(self, kind: str | None = None, timeout: float = WAIT) -> Any:
        """The next recorded request (of ``kind`` if given; others before it are dropped)."""
        while True:
            seen, request = self._queue.get(timeout=timeout)
            if kind is None or seen == kind:
                return request

    def empty_after(self, seconds: float) -> bool:
        try:
            self._queue.get(timeout=seconds)
        except queue.Empty:
            return True
        return False


@pytest.fixture
def events() -> Events:
    return Events()


class Clients:
    """Client access URLs for one hub of the session emulator, and WebSocket clients."""

    def __init__(self, server: EmulatorServer, hub: str) -> None:
        self.server = server
        self.hub = hub
        self.service = WebPubSubServiceClient.from_connection_string(
            server.connection_string, hub=hub
        )
        self.opened: list[ClientConnection] = []

    def url(self, user_id: str | None = None, **kwargs: Any) -> str:
        token = self.service.get_client_access_token(user_id=user_id, **kwargs)
        return str(token["url"])

    def open(
        self, url: str | None = None, protocol: str | None = JSON_PROTOCOL
    ) -> ClientConnection:
        subprotocols = [protocol] if protocol else None
        client = connect(url or self.url(), subprotocols=subprotocols, open_timeout=WAIT)  # type: ignore[list-item]
        client.__enter__()  # websockets 15+ wants the context-manager protocol
        self.opened.append(client)
        return client

    def close(self) -> None:
        for client in self.opened:
            client.close()
        self.service.close()


def receive_json(client: ClientConnection, timeout: float = WAIT) -> dict[str, Any]:
    message = client.recv(timeout)
    assert isinstance(message, str)
    value = json.loads(message)
    assert isinstance(value, dict)
    return value


def receive_until(client: ClientConnection, kind: str, timeout: float = WAIT) -> dict[str, Any]:
    """The next message of ``type`` kind (a connected system message counts as 'system')."""
    while True:
        message = receive_json(client, timeout)
        if message.get("type") == kind:
            return message


@pytest.fixture
def clients(webpubsub_emulator: EmulatorServer, webpubsub_hub: str) -> Iterator[Clients]:
    found = Clients(webpubsub_emulator, webpubsub_hub)
    yield found
    found.close()
    webpubsub_emulator.set_event_handlers(webpubsub_hub, [])
