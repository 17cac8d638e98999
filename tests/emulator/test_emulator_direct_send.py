"""The fan-out fast path: under uvicorn each broadcast frame is encoded once and written
straight to every socket, and what clients receive is unchanged (every protocol, text and
binary, in order, exactly once)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
import websockets
from webpubsub_emulator import EmulatorServer, direct_send

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


async def test_sockets_past_the_per_turn_budget_get_every_message_in_one_order_then_the_close(
    webpubsub_emulator: EmulatorServer,
    rest: Rest,
    clients: Clients,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Two direct writes per loop turn: most sockets hold frames for later turns, and sends
    # posted together arrive while earlier ones are still going out (and share writes).
    monkeypatch.setattr(direct_send, "WRITES_PER_TURN", 2)
    held: list[object] = []
    hold = direct_send._Turns.hold

    def counted_hold(turns: Any, writer: Any) -> None:
        held.append(writer)
        hold(turns, writer)

    monkeypatch.setattr(direct_send._Turns, "hold", counted_hold)
    raw = [await clients.connect("raw") for _ in range(6)]
    json_client = await clients.connect("json")
    count = 40
    texts = {f"m{index}" for index in range(count)}
    responses = await asyncio.gather(*(rest.send_text("/:send", text) for text in texts))
    assert {response.status_code for response in responses} == {202}
    # Closing right behind the sends: the close must not overtake a held frame.
    closed = raw[0]
    response = await rest.call("DELETE", f"/connections/{closed.connection_id}")
    assert response.status_code == 204

    # A loop, not a nested comprehension: Python 3.10 refuses await in the inner one.
    orders = []
    for client in raw:
        orders.append([await client.recv() for _ in range(count)])
    orders.append([(await json_client.recv_json())["data"] for _ in range(count)])
    # Every client got each message once, all in the order the emulator took them in.
    assert set(orders[0]) == texts
    assert all(order == orders[0] for order in orders)
    with pytest.raises(websockets.ConnectionClosed):
        await closed.recv()
    assert closed.ws.close_code == 1008
    assert held, "no socket held a frame for a later turn: the budget was not reached"
    for client in (raw[1], json_client):
        with pytest.raises((asyncio.TimeoutError, TimeoutError)):
            extra = await client.recv(timeout=0.2)
            raise AssertionError(f"unexpected extra message {extra!r}")
