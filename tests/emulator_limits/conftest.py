"""Helpers for the limits and trust-boundary tests: one emulator per module, signed REST
calls and real WebSocket clients (httpx, PyJWT and websockets only, never the SDK)."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import jwt
import pytest
import websockets
from webpubsub_emulator import EmulatorServer
from webpubsub_rest.spec_facts import DEFAULT_API_VERSION
from websockets.asyncio.client import ClientConnection

API_VERSION = DEFAULT_API_VERSION
RELIABLE = "json.reliable.webpubsub.azure.v1"
JSON = "json.webpubsub.azure.v1"


def sign(server: EmulatorServer, aud: str, **claims: Any) -> str:
    return jwt.encode({"aud": aud, "exp": time.time() + 300, **claims}, server.access_key.encode())


def rest_url(server: EmulatorServer, hub: str, path: str) -> str:
    return f"{server.endpoint}/api/hubs/{hub}{path}?api-version={API_VERSION}"


def rest_headers(server: EmulatorServer, url: str, **extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {sign(server, url)}", **extra}


def client_url(server: EmulatorServer, hub: str, **claims: Any) -> str:
    ws_endpoint = server.endpoint.replace("http://", "ws://")
    token = sign(server, f"{server.endpoint}/client/hubs/{hub}", **claims)
    return f"{ws_endpoint}/client/hubs/{hub}?access_token={token}"


@pytest.fixture(scope="module")
def server() -> Iterator[EmulatorServer]:
    with EmulatorServer() as running:
        yield running


@pytest.fixture
def hub() -> str:
    return "h" + uuid.uuid4().hex[:12]


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=30) as client:
        yield client


class Sender:
    """Signed REST sends to one hub."""

    def __init__(self, server: EmulatorServer, hub: str, http: httpx.AsyncClient) -> None:
        self.server, self.hub, self.http = server, hub, http

    async def send(self, path: str, body: str | bytes, content_type: str) -> httpx.Response:
        url = rest_url(self.server, self.hub, path)
        headers = rest_headers(self.server, url, **{"Content-Type": content_type})
        return await self.http.post(url, content=body, headers=headers)


@pytest.fixture
def sender(server: EmulatorServer, hub: str, http: httpx.AsyncClient) -> Sender:
    return Sender(server, hub, http)


@pytest.fixture
async def opened() -> AsyncIterator[list[ClientConnection]]:
    """Collects client sockets and closes them after the test."""
    sockets: list[ClientConnection] = []
    yield sockets
    for ws in sockets:
        ws.transport.abort()


async def connect(
    opened: list[ClientConnection], url: str, subprotocol: str | None = None, **kwargs: Any
) -> ClientConnection:
    ws = await websockets.connect(
        url, subprotocols=[subprotocol] if subprotocol else None, **kwargs
    )  # type: ignore[list-item]
    opened.append(ws)
    return ws
