"""Fixtures for the client tests: both clients behind one awaitable facade, real WebSocket
peers connected to the session emulator, and small loopback HTTP servers (a recorder and a
fault-injecting reverse proxy) for what the emulator cannot show."""

from __future__ import annotations

import asyncio
import http.client
import json
from collections.abc import AsyncIterator, Callable
from http.server import BaseHTTPRequestHandler
from typing import Any

import attrs
import pytest
import webpubsub
import webpubsub.aio
import websockets
from webpubsub_emulator.server import EmulatorServer

SUBPROTOCOL = "json.webpubsub.azure.v1"

#: The ``loopback_http_server`` fixture (tests/conftest.py): handler class -> endpoint URL.
StartHttpServer = Callable[[type[BaseHTTPRequestHandler]], str]


class Service:
    """Calls the sync client (in a worker thread, so the event loop keeps serving the
    WebSocket peers) or the async client with the same awaitable interface."""

    def __init__(self, kind: str, client: Any) -> None:
        self.kind = kind
        self.client = client

    async def __call__(self, name: str, *args: Any, **kwargs: Any) -> Any:
        method = getattr(self.client, name)
        if self.kind == "sync":
            return await asyncio.to_thread(method, *args, **kwargs)
        return await method(*args, **kwargs)

    async def members(self, **kwargs: Any) -> list[webpubsub.GroupMember]:
        if self.kind == "sync":
            return await asyncio.to_thread(lambda: list(self.client.list_connections(**kwargs)))
        return [member async for member in self.client.list_connections(**kwargs)]

    async def pages(self, **kwargs: Any) -> list[list[webpubsub.GroupMember]]:
        if self.kind == "sync":
            return await asyncio.to_thread(
                lambda: [list(page) for page in self.client.list_connections(**kwargs).by_page()]
            )
        return [
            [member async for member in page]
            async for page in self.client.list_connections(**kwargs).by_page()
        ]


def make_client(kind: str, connection_string: str, hub: str, **kwargs: Any) -> Any:
    cls = (
        webpubsub.WebPubSubServiceClient if kind == "sync" else webpubsub.aio.WebPubSubServiceClient
    )
    return cls.from_connection_string(connection_string, hub, **kwargs)


async def close_client(kind: str, client: Any) -> None:
    if kind == "sync":
        client.close()
    else:
        await client.close()


@pytest.fixture
async def service_factory(
    webpubsub_connection_string: str, webpubsub_hub: str
) -> AsyncIterator[Callable[..., Service]]:
    """``service_factory(kind, **client_kwargs)`` -> a :class:`Service` for the test's hub,
    built from the emulator's connection string; closed at teardown."""
    made: list[Service] = []

    def make(kind: str, **kwargs: Any) -> Service:
        made.append(
            Service(kind, make_client(kind, webpubsub_connection_string, webpubsub_hub, **kwargs))
        )
        return made[-1]

    yield make
    for each in made:
        await close_client(each.kind, each.client)


@pytest.fixture(params=["sync", "async"])
def service(request: pytest.FixtureRequest, service_factory: Callable[..., Service]) -> Service:
    return service_factory(request.param)


@attrs.define
class Peer:
    """A real WebSocket client connected with the JSON subprotocol."""

    ws: Any
    connection_id: str
    user_id: str | None

    async def next_message(self, timeout: float = 5.0) -> dict[str, Any]:
        frame = await asyncio.wait_for(self.ws.recv(), timeout)
        message: dict[str, Any] = json.loads(frame)
        return message

    async def assert_silent(self, seconds: float = 0.3) -> None:
        with pytest.raises(asyncio.TimeoutError):
            frame = await asyncio.wait_for(self.ws.recv(), seconds)
            pytest.fail(f"peer {self.connection_id} unexpectedly received {frame!r}")

    async def ack(self, request: dict[str, Any]) -> dict[str, Any]:
        """Send a client-protocol request carrying ``ackId`` and return the ack."""
        await self.ws.send(json.dumps(request))
        while True:
            message = await self.next_message()
            if message.get("type") == "ack" and message.get("ackId") == request["ackId"]:
                return message


async def open_peer(url: str) -> Peer:
    ws = await websockets.connect(url, subprotocols=[SUBPROTOCOL])
    connected = json.loads(await asyncio.wait_for(ws.recv(), 5))
    assert connected["event"] == "connected", connected
    return Peer(ws, connected["connectionId"], connected.get("userId"))


@pytest.fixture
async def peer_factory() -> AsyncIterator[Callable[..., Any]]:
    """``await peer_factory(service, **token_kwargs)`` -> a connected :class:`Peer`,
    authenticated with a token from that service's ``get_client_access_token``."""
    peers: list[Peer] = []

    async def open_one(service: Service, **token_kwargs: Any) -> Peer:
        token = await service("get_client_access_token", **token_kwargs)
        peer = await open_peer(token["url"])
        peers.append(peer)
        return peer

    yield open_one
    for peer in peers:
        await peer.ws.close()


@pytest.fixture
def connect(service: Service, peer_factory: Callable[..., Any]) -> Callable[..., Any]:
    """``await connect(user_id=..., roles=..., groups=...)`` -> a :class:`Peer` connected with
    a token from the client under test."""

    async def open_one(**token_kwargs: Any) -> Any:
        return await peer_factory(service, **token_kwargs)

    return open_one


# -- loopback HTTP helpers ---------------------------------------------------------------


@attrs.frozen
class Recorded:
    method: str
    path: str
    query: str
    content_type: str | None
    body: bytes
    authorization: str | None
    host: str


class Recorder:
    """An HTTP server on 127.0.0.1 that records every request and answers as the service
    would for its path (the status code the operation expects, with a body where one is
    due)."""

    def __init__(self, start_server: StartHttpServer) -> None:
        self.requests: list[Recorded] = []
        # Bodies answered, in order, to GET .../connections before the default one-member page.
        self.pages: list[dict[str, Any]] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                path, _, query = self.path.partition("?")
                recorder.requests.append(
                    Recorded(
                        self.command,
                        path,
                        query,
                        self.headers.get("Content-Type"),
                        body,
                        self.headers.get("Authorization"),
                        self.headers.get("Host", ""),
                    )
                )
                if recorder.pages and path.endswith("/connections"):
                    status, payload = 200, json.dumps(recorder.pages.pop(0)).encode()
                else:
                    status, payload = _service_answer(self.command, path)
                self.send_response(status)
                self.send_header("Content-Length", str(len(payload)))
                if payload:
                    self.send_header("Content-Type", "application/json")
                self.end_headers()
                if payload and self.command != "HEAD":
                    self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle

        self.endpoint = start_server(Handler)


def _service_answer(method: str, path: str) -> tuple[int, bytes]:
    if path.endswith("/:generateToken"):
        return 200, b'{"token": "from-service"}'
    if path.endswith("/connections") and method == "GET":
        return 200, b'{"value": [{"connectionId": "c1", "userId": "u1"}]}'
    if method == "POST" and path.endswith("/:send"):
        return 202, b""
    if method == "POST" and path.endswith("/:closeConnections"):
        return 204, b""
    if method == "DELETE":
        return 204, b""
    return 200, b""


@pytest.fixture
def recorder(loopback_http_server: StartHttpServer) -> Recorder:
    return Recorder(loopback_http_server)


class FaultProxy:
    """A reverse proxy on 127.0.0.1 in front of the emulator: it answers the first
    ``len(faults)`` requests itself with the given ``(status, headers)`` and forwards every
    other request unchanged."""

    def __init__(
        self,
        start_server: StartHttpServer,
        upstream: EmulatorServer,
        faults: list[tuple[int, dict[str, str]]],
    ) -> None:
        self.faults = list(faults)
        self.seen = 0
        self.forwarded = 0
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                proxy.seen += 1
                if proxy.faults:
                    status, headers = proxy.faults.pop(0)
                    self.send_response(status)
                    for name, value in {**headers, "Content-Length": "0"}.items():
                        self.send_header(name, value)
                    self.end_headers()
                    return
                proxy.forwarded += 1
                upstream_conn = http.client.HTTPConnection(upstream.host, upstream.port, timeout=10)
                try:
                    forwarded_headers = {
                        k: v for k, v in self.headers.items() if k.lower() != "host"
                    }
                    upstream_conn.request(self.command, self.path, body, forwarded_headers)
                    answer = upstream_conn.getresponse()
                    payload = answer.read()
                finally:
                    upstream_conn.close()
                self.send_response(answer.status)
                for name, value in answer.getheaders():
                    if name.lower() not in ("content-length", "transfer-encoding", "connection"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle

        self.endpoint = start_server(Handler)


@pytest.fixture
def fault_proxy(
    webpubsub_emulator: EmulatorServer, loopback_http_server: StartHttpServer
) -> Callable[..., FaultProxy]:
    """``fault_proxy([(429, {"Retry-After": "1"}), (503, {})])`` -> a running FaultProxy."""

    def start(faults: list[tuple[int, dict[str, str]]]) -> FaultProxy:
        return FaultProxy(loopback_http_server, webpubsub_emulator, faults)

    return start
