"""Helpers for emulator tests: signed raw REST calls and real WebSocket clients.

These talk to the session emulator (``webpubsub_emulator`` fixture) with httpx, PyJWT and the
``websockets`` library only, never through the SDK under test.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator, Iterable
from typing import Any

import httpx
import jwt
import pytest
import websockets
from webpubsub_emulator import EmulatorServer
from webpubsub_rest.spec_facts import DEFAULT_API_VERSION
from websockets.asyncio.client import ClientConnection

API_VERSION = DEFAULT_API_VERSION
SUBPROTOCOLS: dict[str, list[str] | None] = {
    "raw": None,
    "json": ["json.webpubsub.azure.v1"],
    "reliable": ["json.reliable.webpubsub.azure.v1"],
}
RECEIVE_TIMEOUT = 10.0


def sign(claims: dict[str, Any], key: str, algorithm: str = "HS256") -> str:
    return jwt.encode(claims, key.encode(), algorithm=algorithm)


class Rest:
    """Raw REST calls against one hub, each signed like the official SDK signs them."""

    def __init__(self, server: EmulatorServer, hub: str) -> None:
        self.server = server
        self.hub = hub
        self.http = httpx.AsyncClient(timeout=30)

    def url(self, path: str) -> str:
        return f"{self.server.endpoint}/api/hubs/{self.hub}{path}"

    async def call(
        self,
        method: str,
        path: str,
        *,
        params: Iterable[tuple[str, str]] = (),
        content: str | bytes | None = None,
        content_type: str | None = None,
        api_version: str | None = API_VERSION,
        token: str | None = None,
        full_path: bool = False,
    ) -> httpx.Response:
        """Send ``method`` to the hub-relative ``path``; sign aud = the full URL unless
        ``token`` is given ("" sends no Authorization header at all)."""
        query = list(params)
        if api_version is not None:
            query.append(("api-version", api_version))
        url = f"{self.server.endpoint}{path}" if full_path else self.url(path)
        headers = {} if content_type is None else {"content-type": content_type}
        request = self.http.build_request(
            method, url, params=query, content=content, headers=headers
        )
        if token is None:
            token = sign({"aud": str(request.url), "exp": time.time() + 60}, self.server.access_key)
        if token:
            request.headers["authorization"] = f"Bearer {token}"
        return await self.http.send(request)

    async def send_text(self, path: str, text: str, **kwargs: Any) -> httpx.Response:
        return await self.call("POST", path, content=text, content_type="text/plain", **kwargs)

    async def send_json(self, path: str, value: object, **kwargs: Any) -> httpx.Response:
        body = json.dumps(value)
        return await self.call(
            "POST", path, content=body, content_type="application/json", **kwargs
        )

    async def send_binary(self, path: str, data: bytes, **kwargs: Any) -> httpx.Response:
        return await self.call(
            "POST", path, content=data, content_type="application/octet-stream", **kwargs
        )


class Client:
    """A real WebSocket client connected to the emulator."""

    def __init__(self, ws: ClientConnection, protocol: str, connection_id: str, user: str) -> None:
        self.ws = ws
        self.protocol = protocol
        self.connection_id = connection_id
        self.user = user
        self.connected_message: dict[str, Any] | None = None

    async def recv(self, timeout: float = RECEIVE_TIMEOUT) -> str | bytes:
        return await asyncio.wait_for(self.ws.recv(), timeout)

    async def recv_json(self, timeout: float = RECEIVE_TIMEOUT) -> dict[str, Any]:
        frame = await self.recv(timeout)
        assert isinstance(frame, str), f"expected a text frame, got {frame!r}"
        message: dict[str, Any] = json.loads(frame)
        return message

    async def send_json(self, message: dict[str, Any]) -> None:
        await self.ws.send(json.dumps(message))

    async def request(self, message: dict[str, Any]) -> dict[str, Any]:
        """Send a message with an ackId and return the ack."""
        await self.send_json(message)
        reply = await self.recv_json()
        assert reply["type"] == "ack", reply
        return reply


class Clients:
    """Factory for connected clients of one hub; closes them all at the end of the test."""

    def __init__(self, server: EmulatorServer, hub: str) -> None:
        self.server = server
        self.hub = hub
        self.opened: list[ClientConnection] = []

    def token(
        self,
        *,
        user: str | None = None,
        roles: Iterable[str] = (),
        groups: Iterable[str] = (),
        hub: str | None = None,
        key: str | None = None,
        lifetime: float = 3600,
        **extra: Any,
    ) -> str:
        claims: dict[str, Any] = {
            "aud": f"{self.server.endpoint}/client/hubs/{hub or self.hub}",
            "iat": int(time.time()),
            "exp": int(time.time() + lifetime),
        }
        if user is not None:
            claims["sub"] = user
        if roles:
            claims["role"] = list(roles)
        if groups:
            claims["webpubsub.group"] = list(groups)
        claims.update(extra)
        return sign(claims, key or self.server.access_key)

    def url(self, token: str, hub: str | None = None, **query: str) -> str:
        base = self.server.endpoint.replace("http://", "ws://")
        params = httpx.QueryParams({"access_token": token, **query})
        return f"{base}/client/hubs/{hub or self.hub}?{params}"

    async def open(self, url: str, protocol: str = "json", **kwargs: Any) -> ClientConnection:
        ws = await websockets.connect(
            url, subprotocols=SUBPROTOCOLS[protocol], open_timeout=30, **kwargs
        )
        self.opened.append(ws)
        return ws

    async def connect(
        self,
        protocol: str = "json",
        *,
        user: str | None = None,
        roles: Iterable[str] = (),
        groups: Iterable[str] = (),
    ) -> Client:
        """Connect with a fresh token; learn the connection id (from the ``connected``
        message, or for raw clients from the emulator's state via their unique user id)."""
        user = user or f"user-{uuid.uuid4().hex[:8]}"
        ws = await self.open(self.url(self.token(user=user, roles=roles, groups=groups)), protocol)
        if protocol == "raw":
            ids = self.server.service.user_connections(self.hub, user)
            client = Client(ws, protocol, ids[-1], user)
        else:
            connected = json.loads(await asyncio.wait_for(ws.recv(), RECEIVE_TIMEOUT))
            assert connected["event"] == "connected", connected
            client = Client(ws, protocol, connected["connectionId"], user)
            client.connected_message = connected
        return client

    async def close_all(self) -> None:
        await asyncio.gather(*(ws.close() for ws in self.opened), return_exceptions=True)


@pytest.fixture
async def rest(webpubsub_emulator: EmulatorServer, webpubsub_hub: str) -> AsyncIterator[Rest]:
    api = Rest(webpubsub_emulator, webpubsub_hub)
    yield api
    await api.http.aclose()


@pytest.fixture
async def clients(webpubsub_emulator: EmulatorServer, webpubsub_hub: str) -> AsyncIterator[Clients]:
    factory = Clients(webpubsub_emulator, webpubsub_hub)
    yield factory
    await factory.close_all()
