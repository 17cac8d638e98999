"""A client that does not keep up is closed instead of growing the emulator's memory."""

from __future__ import annotations

import asyncio
import json
import tracemalloc

import websockets
from webpubsub_emulator import EmulatorServer
from websockets.asyncio.client import ClientConnection

from .conftest import RELIABLE, Sender, client_url, connect

MIB = 1024 * 1024


async def wait_until_gone(server: EmulatorServer, hub: str, connection_id: str) -> None:
    async def gone() -> None:
        while connection_id in server.service.connection_ids(hub):
            await asyncio.sleep(0.02)

    await asyncio.wait_for(gone(), 20)


async def test_a_client_that_never_reads_is_closed_past_16_mib_and_others_get_everything(
    server: EmulatorServer, hub: str, sender: Sender, opened: list[ClientConnection]
) -> None:
    # max_queue=1 and a small max_size: this client's socket stops being read at once.
    stalled = await connect(opened, client_url(server, hub), max_queue=1, max_size=2 * MIB)
    # Its id now, while it is the hub's only connection (the ids come back in no set order).
    (stalled_id,) = server.service.connection_ids(hub)
    reader = await connect(opened, client_url(server, hub), max_size=2 * MIB)
    chunk = 512 * 1024
    count = 80  # 40 MiB: past 16 MiB of queue plus what the kernel socket buffers hold
    for n in range(count):
        assert (
            await sender.send("/:send", bytes([n]) * chunk, "application/octet-stream")
        ).status_code == 202
        assert await reader.recv() == bytes([n]) * chunk
    await wait_until_gone(server, hub, stalled_id)
    assert server.service.connection_ids(hub) != []  # the reader is still there
    del stalled


async def test_a_reliable_client_that_never_acks_is_closed_and_its_session_removed(
    server: EmulatorServer, hub: str, sender: Sender, opened: list[ClientConnection]
) -> None:
    ws = await connect(opened, client_url(server, hub), RELIABLE, max_size=4 * MIB)
    connected = json.loads(await ws.recv())
    text = "x" * MIB
    closed_by_service = None
    for _ in range(20):  # 20 MiB unacknowledged: past the 16 MiB replay bound
        assert (await sender.send("/:send", text, "text/plain")).status_code == 202
    try:
        while True:
            message = json.loads(await asyncio.wait_for(ws.recv(), 10))
            if message.get("event") == "disconnected":
                closed_by_service = message
    except websockets.ConnectionClosed as closed:
        assert closed.rcvd is not None and closed.rcvd.code == 1008
    assert closed_by_service is not None
    await wait_until_gone(server, hub, connected["connectionId"])


async def test_a_reliable_broadcast_is_stored_once_not_once_per_client(
    server: EmulatorServer, hub: str, sender: Sender, opened: list[ClientConnection]
) -> None:
    clients = 20
    sockets = []
    for _ in range(clients):
        ws = await connect(opened, client_url(server, hub), RELIABLE, max_size=4 * MIB)
        await ws.recv()  # connected
        sockets.append(ws)
    text = "y" * MIB
    # Only memory allocated by the emulator's code counts (the test's clients buffer too).
    emulator_code = [tracemalloc.Filter(True, "*webpubsub_emulator*", all_frames=True)]
    tracemalloc.start(30)
    try:
        before = tracemalloc.take_snapshot().filter_traces(emulator_code)
        assert (await sender.send("/:send", text, "text/plain")).status_code == 202
        for ws in sockets:  # received, never acknowledged: held in every replay buffer
            assert len(await ws.recv()) > MIB
        after = tracemalloc.take_snapshot().filter_traces(emulator_code)
    finally:
        tracemalloc.stop()
    held = sum(stat.size_diff for stat in after.compare_to(before, "filename"))
    assert held < 8 * MIB, held
