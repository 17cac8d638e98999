"""A thousand concurrent WebSocket clients each receive a broadcast."""

from __future__ import annotations

import asyncio
import json
import time
from typing import TYPE_CHECKING

from webpubsub_emulator import EmulatorServer

if TYPE_CHECKING:
    from tests.emulator.conftest import Clients, Rest

CLIENTS = 1000
# Connect in waves so the listen backlog never overflows on a busy 2-core machine.
CONCURRENT_HANDSHAKES = 100
BOUND_SECONDS = 60.0


async def test_thousand_clients_each_receive_one_broadcast(
    webpubsub_emulator: EmulatorServer, clients: Clients, rest: Rest
) -> None:
    started = time.monotonic()
    gate = asyncio.Semaphore(CONCURRENT_HANDSHAKES)
    token = clients.token(user="crowd")
    protocols = ["raw" if i % 2 else "json" for i in range(CLIENTS)]

    async def connect(protocol: str) -> None:
        async with gate:
            ws = await clients.open(clients.url(token), protocol)
            if protocol == "json":
                assert json.loads(await ws.recv())["event"] == "connected"

    await asyncio.gather(*(connect(p) for p in protocols))
    assert len(webpubsub_emulator.service.connection_ids(rest.hub)) == CLIENTS

    assert (await rest.send_text("/:send", "everyone")).status_code == 202

    async def receive(index: int) -> str:
        frame = await asyncio.wait_for(clients.opened[index].recv(), BOUND_SECONDS)
        assert isinstance(frame, str)
        return frame if protocols[index] == "raw" else str(json.loads(frame)["data"])

    received = await asyncio.gather(*(receive(i) for i in range(CLIENTS)))
    assert received == ["everyone"] * CLIENTS
    assert time.monotonic() - started < BOUND_SECONDS
