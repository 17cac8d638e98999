"""On-demand figures for the emulator's memory bounds (not part of the benchmark run).

    .venv/bin/python benchmarks/emulator_bounds.py [--messages 20000]

1. A broadcast of ``--messages`` x 1 KB messages to a hub with 6 clients that never read,
   2 reliable clients that read but never acknowledge and 1 client that keeps up: prints the
   process RSS and the largest outbound queue / replay buffer seen, and which clients the
   emulator closed.
2. One 1 MB broadcast to 100 reliable clients that never acknowledge: prints the memory the
   emulator's code holds for it afterwards (tracemalloc, emulator frames only).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import time
import tracemalloc
from typing import Any

import httpx
import jwt
import websockets
from webpubsub_emulator import EmulatorServer
from webpubsub_rest.spec_facts import DEFAULT_API_VERSION
from websockets.typing import Subprotocol

API_VERSION = DEFAULT_API_VERSION
RELIABLE = "json.reliable.webpubsub.azure.v1"
MIB = 1024 * 1024


def rss_mib() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def client_url(server: EmulatorServer, hub: str) -> str:
    aud = f"{server.endpoint}/client/hubs/{hub}"
    token = jwt.encode({"aud": aud, "exp": time.time() + 3600}, server.access_key.encode())
    return f"{server.endpoint.replace('http', 'ws')}/client/hubs/{hub}?access_token={token}"


def send_request(server: EmulatorServer, hub: str) -> tuple[str, dict[str, str]]:
    url = f"{server.endpoint}/api/hubs/{hub}/:send?api-version={API_VERSION}"
    token = jwt.encode({"aud": url, "exp": time.time() + 3600}, server.access_key.encode())
    return url, {"Authorization": f"Bearer {token}", "Content-Type": "text/plain"}


def queues(server: EmulatorServer, hub: str) -> tuple[int, int, int]:
    """(largest outbound queue in messages, in bytes, largest replay buffer) in the hub."""
    found = server.service._peek(hub)
    if found is None:
        return 0, 0, 0
    most = most_bytes = most_unacked = 0
    for connection in list(found.connections.values()):
        writer: Any = connection.writer
        if writer is not None:
            most = max(most, len(writer._queue))
            most_bytes = max(most_bytes, writer._queue.queued_bytes)
        most_unacked = max(most_unacked, len(connection._unacked or ()))
    return most, most_bytes, most_unacked


async def drain(ws: Any) -> None:
    try:
        async for _ in ws:
            pass
    except websockets.ConnectionClosed:
        pass


async def stalled_broadcast(server: EmulatorServer, messages: int) -> None:
    hub = "stalled"
    start_rss = rss_mib()
    never_reading = [
        await websockets.connect(client_url(server, hub), max_queue=1) for _ in range(6)
    ]
    never_acking = [
        await websockets.connect(client_url(server, hub), subprotocols=[RELIABLE])  # type: ignore[list-item]
        for _ in range(2)
    ]
    keeping_up = await websockets.connect(client_url(server, hub))
    readers = [asyncio.ensure_future(drain(ws)) for ws in [*never_acking, keeping_up]]
    url, headers = send_request(server, hub)
    body = "m" * 1024
    peak = (0, 0, 0)
    peak_rss = start_rss
    began = time.perf_counter()
    async with httpx.AsyncClient() as http:
        for n in range(messages):
            response = await http.post(url, content=body, headers=headers)
            assert response.status_code == 202, response.text
            if n % 500 == 0:
                peak = tuple(max(a, b) for a, b in zip(peak, queues(server, hub), strict=True))  # type: ignore[assignment]
                peak_rss = max(peak_rss, rss_mib())
    elapsed = time.perf_counter() - began
    await asyncio.sleep(1)
    connected = len(server.service.connection_ids(hub))
    print(f"stalled broadcast: {messages} x 1 KB in {elapsed:.1f} s")
    print(f"  RSS: {start_rss:.0f} MiB before, peak {peak_rss:.0f} MiB, {rss_mib():.0f} MiB after")
    print(
        f"  largest outbound queue seen: {peak[0]} messages / {peak[1] / MIB:.1f} MiB;"
        f" largest replay buffer seen: {peak[2]} messages"
    )
    print(f"  connections left: {connected} of 9 (6 never reading, 2 never acking, 1 reader)")
    for ws in [*never_reading, *never_acking, keeping_up]:
        ws.transport.abort()
    for task in readers:
        task.cancel()


async def reliable_megabyte(server: EmulatorServer, clients: int) -> None:
    hub = "megabyte"
    sockets = []
    for _ in range(clients):
        ws = await websockets.connect(
            client_url(server, hub),
            subprotocols=[Subprotocol(RELIABLE)],
            max_size=4 * MIB,
        )
        json.loads(await ws.recv())
        sockets.append(ws)
    url, headers = send_request(server, hub)
    emulator_code = [tracemalloc.Filter(True, "*webpubsub_emulator*", all_frames=True)]
    tracemalloc.start(30)
    before = tracemalloc.take_snapshot().filter_traces(emulator_code)
    rss_before = rss_mib()
    async with httpx.AsyncClient() as http:
        response = await http.post(url, content="b" * MIB, headers=headers)
        assert response.status_code == 202
    for ws in sockets:
        await ws.recv()  # received, never acknowledged
    after = tracemalloc.take_snapshot().filter_traces(emulator_code)
    tracemalloc.stop()
    held = sum(stat.size_diff for stat in after.compare_to(before, "filename"))
    print(f"1 MB reliable broadcast to {clients} clients (unacknowledged):")
    print(f"  held by the emulator's code: {held / MIB:.1f} MiB")
    print(f"  process RSS growth (clients included): {rss_mib() - rss_before:.0f} MiB")
    for ws in sockets:
        ws.transport.abort()


async def main(messages: int) -> None:
    with EmulatorServer() as server:
        await stalled_broadcast(server, messages)
        await reliable_megabyte(server, 100)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20_000)
    asyncio.run(main(parser.parse_args().messages))
