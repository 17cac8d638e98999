"""The fan-out fast path: under uvicorn each broadcast frame is encoded once and written
straight to every socket, and what clients receive is unchanged (every protocol, text and
binary, in order, exactly once)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from webpubsub_emulator import EmulatorServer

from .conftest import Clients, Rest


def _writers(server: EmulatorServer, hub: str) -> list[Any]:
    found = server.service._peek(hub)
    assert found is not None
    return [connection.writer for connection in found.connections.values()]


async def test_broadcasts_use_the_direct_path_and_arrive_intact(
    webpubsub_emulator: EmulatorServer, webpubsub_hub: str, rest: Rest, clients: Clients
) -> None:
    raw = [await clients.connect("raw") for _ in range(3)]
    json_client = await clients.connect("json")
    # Every socket served by uvicorn's sans-I/O protocol gets the fast path.
    writers = _writers(webpubsub_emulator, webpubsub_hub)
    assert len(writers) == 4
    assert all(writer._direct is not None for writer in writers)

    for index in range(20):
        assert (await rest.send_text("/:send", f"text {index}")).status_code == 202
    assert (await rest.send_binary("/:send", b"\x00\x01binary\xff")).status_code == 202

    for client in raw:
        received = [await client.recv() for _ in range(21)]
        assert received == [f"text {i}" for i in range(20)] + [b"\x00\x01binary\xff"]
    messages = [json.loads(await json_client.recv()) for _ in range(21)]
    assert [m["data"] for m in messages[:20]] == [f"text {i}" for i in range(20)]
    assert messages[20]["dataType"] == "binary"
    # Nothing more: each message arrived exactly once.
    for client in [*raw, json_client]:
        try:
            extra = await client.recv(timeout=0.2)
        except (asyncio.TimeoutError, TimeoutError):
            continue
        raise AssertionError(f"unexpected extra message {extra!r}")
