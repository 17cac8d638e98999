"""Fixtures for the reliability tests: an emulator with fault injection, real WebSocket
listeners, a request-capturing loopback server, and a tally of what was sent, lost and
duplicated that is printed at the end of the run."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any

import attrs
import pytest
import webpubsub
import webpubsub.aio
import websockets
from webpubsub_emulator import EmulatorServer
from webpubsub_emulator.faults import FaultInjector

JSON_PROTOCOL = "json.webpubsub.azure.v1"
RELIABLE_PROTOCOL = "json.reliable.webpubsub.azure.v1"

#: The ``loopback_http_server`` fixture (tests/conftest.py): handler class -> endpoint URL.
StartHttpServer = Callable[[type[BaseHTTPRequestHandler]], str]
RECEIVE_TIMEOUT = 10.0

# Rows of (test, faults injected, messages sent, delivered, lost, duplicated), one per stream.
TALLY: list[tuple[str, int, int, int, int, int]] = []
# (method, path template, HTTP status) -> how many fuzzed requests got it.
FUZZ_STATUSES: Counter[tuple[str, str, int]] = Counter()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    write = terminalreporter.write_line
    if FUZZ_STATUSES:
        terminalreporter.section("reliability: fuzzed REST requests")
        by_status: Counter[int] = Counter()
        for (_, _, status), n in FUZZ_STATUSES.items():
            by_status[status] += n
        errors = sum(n for status, n in by_status.items() if status >= 500)
        write(f"{by_status.total()} requests, {errors} answered 5xx")
        write(f"by status: {dict(sorted(by_status.items()))}")
    if not TALLY:
        return
    terminalreporter.section("reliability: messages under injected faults")
    write(f"{'stream':70} {'faults':>6} {'sent':>5} {'recv':>5} {'lost':>4} {'dup':>4}")
    for name, faults, sent, received, lost, duplicated in TALLY:
        write(f"{name[:70]:70} {faults:6} {sent:5} {received:5} {lost:4} {duplicated:4}")
    totals = [sum(row[i] for row in TALLY) for i in range(1, 6)]
    write(f"{'TOTAL':70} {totals[0]:6} {totals[1]:5} {totals[2]:5} {totals[3]:4} {totals[4]:4}")


@pytest.fixture(scope="session")
def faulty_emulator() -> Iterator[EmulatorServer]:
    """One emulator with fault injection for the whole reliability session."""
    with EmulatorServer(faults=True) as server:
        yield server


@pytest.fixture
def faults(faulty_emulator: EmulatorServer) -> Iterator[FaultInjector]:
    """The emulator's fault injector, with no rules and zeroed counters for this test."""
    injector = faulty_emulator.faults
    injector.clear()
    yield injector
    injector.clear()


def make_client(kind: str, connection_string: str, hub: str, **kwargs: Any) -> Any:
    cls = (
        webpubsub.WebPubSubServiceClient if kind == "sync" else webpubsub.aio.WebPubSubServiceClient
    )
    return cls.from_connection_string(connection_string, hub, **kwargs)


@attrs.define
class Api:
    """Either client behind one awaitable call; the sync one runs in a worker thread so the
    event loop keeps serving the WebSocket listeners."""

    kind: str
    client: Any

    async def __call__(self, name: str, *args: Any, **kwargs: Any) -> Any:
        method = getattr(self.client, name)
        if self.kind == "sync":
            return await asyncio.to_thread(method, *args, **kwargs)
        return await method(*args, **kwargs)

    async def close(self) -> None:
        if self.kind == "sync":
            self.client.close()
        else:
            await self.client.close()


@pytest.fixture
async def api_factory(
    faulty_emulator: EmulatorServer, webpubsub_hub: str
) -> AsyncIterator[Callable[..., Api]]:
    """``api_factory(kind, **client_kwargs)`` -> an :class:`Api` for the test's hub on the
    faulty emulator; closed at teardown."""
    made: list[Api] = []

    def make(kind: str, **kwargs: Any) -> Api:
        client = make_client(kind, faulty_emulator.connection_string, webpubsub_hub, **kwargs)
        made.append(Api(kind, client))
        return made[-1]

    yield make
    for api in made:
        await api.close()


@pytest.fixture(scope="session")
def fuzz_stats() -> Counter[tuple[str, str, int]]:
    """Count of fuzzed requests per (method, path template, status), for the summary."""
    return FUZZ_STATUSES


@pytest.fixture
def tally() -> list[tuple[str, int, int, int, int, int]]:
    """Append ``(stream, faults, sent, received, lost, duplicated)`` rows for the summary."""
    return TALLY


@attrs.define
class Listener:
    """A real WebSocket client that records the ``data`` of every message it receives."""

    ws: Any
    connection_id: str
    received: list[Any] = attrs.field(factory=list)
    arrived: asyncio.Event = attrs.field(factory=asyncio.Event)
    task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self.task = asyncio.get_running_loop().create_task(self._read())

    async def _read(self) -> None:
        with contextlib.suppress(websockets.ConnectionClosed):
            async for frame in self.ws:
                message = json.loads(frame)
                if message.get("type") == "message":
                    self.received.append(message["data"])
                    self.arrived.set()

    async def wait_for(self, count: int, timeout: float = RECEIVE_TIMEOUT) -> None:
        """Wait until ``count`` messages arrived (or the timeout passed: the caller's
        assertions then say what is missing)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while len(self.received) < count and loop.time() < deadline:
            self.arrived.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.arrived.wait(), deadline - loop.time())

    async def close(self) -> None:
        await self.ws.close()
        if self.task is not None:
            await self.task


async def open_listener(url: str, protocol: str = JSON_PROTOCOL) -> Listener:
    ws = await websockets.connect(url, subprotocols=[protocol])
    connected = json.loads(await asyncio.wait_for(ws.recv(), RECEIVE_TIMEOUT))
    assert connected["event"] == "connected", connected
    listener = Listener(ws, connected["connectionId"])
    listener.start()
    return listener


@pytest.fixture
async def listen() -> AsyncIterator[Callable[..., Awaitable[Listener]]]:
    """``await listen(api, protocol=JSON_PROTOCOL, **token_kwargs)`` -> a started
    :class:`Listener` connected with a token from ``api``; closed at teardown."""
    opened: list[Listener] = []

    async def open_one(api: Api, protocol: str = JSON_PROTOCOL, **token_kwargs: Any) -> Listener:
        token = await api("get_client_access_token", **token_kwargs)
        opened.append(await open_listener(token["url"], protocol))
        return opened[-1]

    yield open_one
    for listener in opened:
        await listener.close()


class CaptureServer:
    """A loopback HTTP server that counts every request it receives (answering 500), to
    prove that a refused call sent nothing."""

    def __init__(self, start_server: StartHttpServer) -> None:
        self.requests: list[str] = []
        capture = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self) -> None:
                capture.requests.append(f"{self.command} {self.path}")
                self.send_response(500)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle

        self.endpoint = start_server(Handler)


@pytest.fixture
def capture(loopback_http_server: StartHttpServer) -> CaptureServer:
    return CaptureServer(loopback_http_server)
