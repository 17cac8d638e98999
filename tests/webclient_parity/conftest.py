"""Side-by-side harness: the official azure-messaging-webpubsubclient 1.1.0 and our
``webpubsub.client`` behind one set of names, a frame-recording WebSocket proxy in front of the
emulator, and a fault-injecting emulator for recovery.

Tests take the ``package`` fixture and use ``package.sync`` / ``package.aio`` /
``package.models`` exactly as a user's code uses the official modules, so the same test body
runs on both libraries with only the imports changed.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import importlib.util
import threading
from collections.abc import Callable, Iterator, Sequence
from types import ModuleType
from typing import Any

import attrs
import pytest
import websockets
from azure.messaging.webpubsubservice import WebPubSubServiceClient
from webpubsub_emulator import EmulatorServer
from websockets.asyncio.client import ClientConnection, connect
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.typing import Subprotocol

#: Seconds any single expected event may take to arrive.
WAIT = 30.0
# The official sync client 1.1.0 can miss the "opened" notification when the handshake beats
# its own wait (likely on loopback) and then waits its whole start timeout; a short start
# timeout bounds that stall (see tests/emulator/test_emulator_official_client.py).
START_TIMEOUT = 5.0
SUBPROTOCOLS = [
    "json.webpubsub.azure.v1",
    "json.reliable.webpubsub.azure.v1",
    "protobuf.webpubsub.azure.v1",
    "protobuf.reliable.webpubsub.azure.v1",
]
ROLES = ["webpubsub.joinLeaveGroup", "webpubsub.sendToGroup"]

OFFICIAL = "azure.messaging.webpubsubclient"
OURS = "webpubsub.client"


@attrs.frozen
class ClientPackage:
    """One client library's three public modules, named as a user imports them."""

    name: str
    sync: ModuleType
    aio: ModuleType
    models: ModuleType

    @property
    def official(self) -> bool:
        return self.name == OFFICIAL


def load_package(name: str) -> ClientPackage:
    if importlib.util.find_spec(name) is None:  # pragma: no cover - before the library lands
        pytest.skip(f"{name} is not installed in this environment")
    return ClientPackage(
        name,
        importlib.import_module(name),
        importlib.import_module(f"{name}.aio"),
        importlib.import_module(f"{name}.models"),
    )


@pytest.fixture(params=[OFFICIAL, OURS], ids=["official", "ours"])
def package(request: pytest.FixtureRequest) -> ClientPackage:
    """Each test runs once on the official client and once on ours."""
    return load_package(request.param)


@pytest.fixture
def service(webpubsub_emulator: EmulatorServer, webpubsub_hub: str) -> WebPubSubServiceClient:
    """The official service SDK on the test's own hub (the app server side)."""
    return WebPubSubServiceClient.from_connection_string(
        webpubsub_emulator.connection_string, hub=webpubsub_hub
    )


def url_provider(service: WebPubSubServiceClient, **token: Any) -> Callable[[], str]:
    """A ``client_access_url_provider``: a fresh client access URL on every call."""
    token.setdefault("roles", ROLES)

    def url() -> str:
        return str(service.get_client_access_token(**token)["url"])

    return url


@attrs.define
class Frame:
    """One WebSocket message seen by the proxy: ``direction`` is "up" (client to service)
    or "down"."""

    direction: str
    data: str | bytes


class FrameRecorder:
    """A loopback WebSocket proxy in front of the emulator that records every frame both
    ways, in its own thread and event loop (so blocking sync clients can use it too).

    ``url(client_access_url)`` rewrites an emulator client URL to pass through the proxy; the
    proxy offers the emulator the subprotocol it accepted from the client.
    """

    def __init__(self, emulator: EmulatorServer) -> None:
        self.upstream = emulator.endpoint.replace("http://", "ws://")
        self.frames: list[Frame] = []
        #: The subprotocol lists clients offered, one per handshake.
        self.offered: list[list[str]] = []
        self._loop = asyncio.new_event_loop()
        self._server: Server | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="frame-recorder")
        self._thread.start()
        if not self._ready.wait(WAIT):
            raise RuntimeError("the frame-recording proxy did not start")
        assert self._server is not None
        self.port: int = self._server.sockets[0].getsockname()[1]

    def url(self, client_access_url: str) -> str:
        return client_access_url.replace(self.upstream, f"ws://127.0.0.1:{self.port}", 1)

    def up(self) -> list[str | bytes]:
        """Frames the client sent, in order."""
        return [frame.data for frame in self.frames if frame.direction == "up"]

    def close(self) -> None:
        async def stop() -> None:
            assert self._server is not None
            self._server.close()
            await self._server.wait_closed()

        asyncio.run_coroutine_threadsafe(stop(), self._loop).result(WAIT)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(WAIT)
        self._loop.close()

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)

        async def start() -> None:
            self._server = await serve(
                self._relay,
                "127.0.0.1",
                0,
                select_subprotocol=self._select,
                compression=None,
            )
            self._ready.set()

        self._loop.run_until_complete(start())
        self._loop.run_forever()

    def _select(
        self, connection: ServerConnection, offered: Sequence[Subprotocol]
    ) -> Subprotocol | None:
        self.offered.append(list(offered))
        return next((p for p in offered if p in SUBPROTOCOLS), None)

    async def _relay(self, client: ServerConnection) -> None:
        assert client.request is not None
        subprotocols = [client.subprotocol] if client.subprotocol else None
        try:
            service = await connect(
                self.upstream + client.request.path,
                subprotocols=subprotocols,
                compression=None,
            )
        except websockets.InvalidStatus as refused:
            await client.close(1011, f"upstream refused: {refused.response.status_code}")
            return
        async with service:
            pumps = [
                asyncio.create_task(self._pump(client, service, "up")),
                asyncio.create_task(self._pump(service, client, "down")),
            ]
            await asyncio.wait(pumps, return_when=asyncio.FIRST_COMPLETED)
            for pump in pumps:
                pump.cancel()
            await client.close()

    async def _pump(
        self, source: ServerConnection | ClientConnection, sink: Any, direction: str
    ) -> None:
        with contextlib.suppress(websockets.ConnectionClosed):
            async for data in source:
                self.frames.append(Frame(direction, data))
                await sink.send(data)


@pytest.fixture
def frame_recorder(webpubsub_emulator: EmulatorServer) -> Iterator[FrameRecorder]:
    recorder = FrameRecorder(webpubsub_emulator)
    yield recorder
    recorder.close()


@pytest.fixture(scope="session")
def dropping_emulator() -> Iterator[EmulatorServer]:
    """An emulator with fault injection (``faults.drop_clients``), shared by the session."""
    with EmulatorServer(faults=True) as server:
        yield server
