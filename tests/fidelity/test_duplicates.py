"""Retries deliver no more duplicates than the official client's: the emulator performs a
send and then fails its answer (a 5xx, or the connection dropped), the same faults in the
same run for both clients, and a raw WebSocket client counts what arrives. With connections
refused before the request is sent, every send arrives exactly once."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import webpubsub
import websockets
from azure.core.credentials import AzureKeyCredential as CoreKeyCredential
from azure.messaging.webpubsubservice import WebPubSubServiceClient as OfficialClient
from webpubsub_emulator import EmulatorServer

#: One perform-then-fail fault per send, cycling: statuses azure-core retries a POST on
#: (500, 503, 504), one it does not (502), and a dropped connection.
FAULTS: list[tuple[str, int | None]] = [
    ("status", 500),
    ("status", 502),
    ("status", 503),
    ("status", 504),
    ("drop", None),
]
SENDS = 30


@pytest.fixture(scope="module")
def faulty() -> Iterator[EmulatorServer]:
    with EmulatorServer(faults=True) as server:
        yield server


def _clients(
    server: EmulatorServer, hub: str, official_only: dict[str, Any] | None = None, **options: Any
) -> dict[str, Any]:
    return {
        "ours": webpubsub.WebPubSubServiceClient(
            server.endpoint, hub, webpubsub.AzureKeyCredential(server.access_key), **options
        ),
        "official": OfficialClient(
            server.endpoint,
            hub,
            CoreKeyCredential(server.access_key),
            **options,
            **(official_only or {}),
        ),
    }


async def _count_frames(ws: Any, until_quiet: float = 0.5) -> Counter[str]:
    seen: Counter[str] = Counter()
    while True:
        try:
            frame = await asyncio.wait_for(ws.recv(), until_quiet)
        except asyncio.TimeoutError:
            return seen
        seen[str(frame)] += 1


def _send_all(client: Any, name: str, server: EmulatorServer) -> None:
    for i, (kind, status) in zip(range(SENDS), itertools.cycle(FAULTS)):
        if kind == "status":
            assert status is not None
            server.faults.fail_after_performing(status, method="POST")
        else:
            server.faults.drop_after_performing(method="POST")
        # The answer is a fault: the caller cannot know whether the send was delivered.
        with contextlib.suppress(Exception):
            client.send_to_all(f"{name}-{i}", content_type="text/plain")
        server.faults.clear()


async def test_perform_then_fail_duplicates_no_more_than_the_official_client(
    faulty: EmulatorServer,
) -> None:
    hub = "duplicates"
    clients = _clients(faulty, hub, retry_total=3, retry_backoff_factor=0.01)
    url = clients["ours"].get_client_access_token()["url"]
    async with websockets.connect(url) as ws:
        for name, client in clients.items():
            await asyncio.to_thread(_send_all, client, name, faulty)
            client.close()
        frames = await _count_frames(ws)
    duplicates = {
        name: sum(n - 1 for text, n in frames.items() if text.startswith(f"{name}-"))
        for name in clients
    }
    lost = {name: [i for i in range(SENDS) if frames[f"{name}-{i}"] == 0] for name in clients}
    # Every send was performed once; POSTs are resent on 500/503/504 only (18 of 30).
    assert lost == {"ours": [], "official": []}
    assert duplicates["ours"] <= duplicates["official"]
    assert duplicates == {"ours": 18, "official": 18}


class RefusingProxy:
    """A TCP forwarder on 127.0.0.1 to the emulator that can refuse connections for a while:
    its listening socket is closed (and every open connection cut), so a client's connect
    fails before any byte of its request is sent."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self._open: list[socket.socket] = []
        self._listener: socket.socket | None = None
        self._lock = threading.Lock()
        self.listen()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def listen(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def refuse_for(self, seconds: float) -> None:
        """Refuse connections from now for ``seconds``, then accept again."""
        self._stop_listening()
        reopen = threading.Timer(seconds, self.listen)
        reopen.daemon = True  # never keeps the test process alive
        reopen.start()

    def close(self) -> None:
        self._stop_listening()

    def _stop_listening(self) -> None:
        with self._lock:
            assert self._listener is not None
            _cut(self._listener)  # wakes the accepting thread; close() alone would not
            self._listener.close()
            self._listener = None
            for sock in self._open:
                _cut(sock)
            self._open.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.upstream)
            with self._lock:
                self._open += [client, upstream]
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=_pump, args=(source, target), daemon=True).start()


def _pump(source: socket.socket, target: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            target.sendall(data)
    except OSError:
        pass
    finally:
        _cut(source)
        _cut(target)


def _cut(sock: socket.socket) -> None:
    # shutdown() ends the connection even while another thread is blocked in recv() on it.
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


async def test_connections_refused_before_sending_lose_and_duplicate_nothing(
    faulty: EmulatorServer,
) -> None:
    proxy = RefusingProxy((faulty.host, faulty.port))
    hub = "refused"
    options = {
        "retry_total": 10,
        "retry_backoff_factor": 0.05,
        "reverse_proxy_endpoint": proxy.endpoint,
    }
    # azure-core also caps connection retries (retry_connect, default 3).
    clients = _clients(faulty, hub, {"retry_connect": 10}, **options)
    url = clients["ours"].get_client_access_token()["url"]

    def send_through_refusals(client: Any, name: str) -> list[str]:
        outcomes = []
        for i in range(5):
            proxy.refuse_for(0.3)
            started = time.monotonic()
            try:
                client.send_to_all(f"{name}-{i}", content_type="text/plain")
            except Exception as exc:
                outcomes.append(type(exc).__name__)
                time.sleep(0.35)  # let the proxy accept again before the next refusal
            else:
                waited = time.monotonic() - started
                outcomes.append("sent after the refusal" if waited >= 0.25 else "sent at once")
        return outcomes

    async with websockets.connect(url) as ws:
        outcomes = {}
        for name, client in clients.items():
            outcomes[name] = await asyncio.to_thread(send_through_refusals, client, name)
            client.close()
        frames = await _count_frames(ws)
    proxy.close()
    # Ours retries a POST whose connection was refused (nothing was sent): every message
    # arrives exactly once. azure-core never retries a POST after a connection error, so the
    # official client raises ServiceRequestError and the message is lost (README).
    assert outcomes == {
        "ours": ["sent after the refusal"] * 5,
        "official": ["ServiceRequestError"] * 5,
    }
    assert frames == Counter({f"ours-{i}": 1 for i in range(5)})
