"""Reliable clients (``json.reliable.webpubsub.azure.v1``) whose socket is dropped abruptly
resume with their reconnection token and receive every message sent meanwhile, once."""

from __future__ import annotations

import asyncio
import json
import queue
from typing import Any
from urllib.parse import urlencode

import pytest
import websockets
from azure.messaging.webpubsubclient import WebPubSubClient, WebPubSubClientCredential
from azure.messaging.webpubsubclient.models import (
    CallbackType,
    OnServerDataMessageArgs,
    WebPubSubProtocolType,
)
from webpubsub_emulator import EmulatorServer
from webpubsub_emulator.faults import FaultInjector

RELIABLE = "json.reliable.webpubsub.azure.v1"
WAIT = 10.0


async def next_json(ws: Any) -> dict[str, Any]:
    message: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), WAIT))
    return message


async def read_messages(ws: Any, count: int) -> list[tuple[int, Any]]:
    """Read ``count`` data messages as (sequenceId, data), skipping control messages."""
    got: list[tuple[int, Any]] = []
    while len(got) < count:
        message = await next_json(ws)
        if message["type"] == "message":
            got.append((message["sequenceId"], message["data"]))
    return got


async def acknowledge(ws: Any, sequence_id: int) -> None:
    """Send a sequenceAck and wait for the pong to a ping sent after it: the service handles
    a socket's frames in order, so the ack has then been applied."""
    await ws.send(json.dumps({"type": "sequenceAck", "sequenceId": sequence_id}))
    await ws.send(json.dumps({"type": "ping"}))
    while (await next_json(ws))["type"] != "pong":
        pass


async def test_dropped_reliable_socket_resumes_and_gets_every_message_once(
    faulty_emulator: EmulatorServer,
    webpubsub_hub: str,
    faults: FaultInjector,
    api_factory: Any,
    tally: Any,
) -> None:
    api = api_factory("async")
    url = (await api("get_client_access_token", user_id="reliable"))["url"]
    first = await websockets.connect(url, subprotocols=[RELIABLE])
    connected = await next_json(first)
    connection_id, reconnection_token = connected["connectionId"], connected["reconnectionToken"]

    for n in range(10):
        await api("send_to_all", {"n": n})
    before = await read_messages(first, 10)
    assert [seq for seq, _ in before] == list(range(1, 11))
    await acknowledge(first, 6)  # 7..10 were received but not acknowledged

    assert faults.drop_clients(connection_id=connection_id) == 1
    with pytest.raises(websockets.ConnectionClosedError) as closed:
        await asyncio.wait_for(first.recv(), WAIT)
    assert closed.value.rcvd is None  # no close frame: the socket just vanished
    # The connection survives in the service while its client is away.
    assert faulty_emulator.service.connection_user(webpubsub_hub, connection_id) == "reliable"

    for n in range(10, 25):
        await api("send_to_all", {"n": n})

    query = urlencode(
        {"awps_connection_id": connection_id, "awps_reconnection_token": reconnection_token}
    )
    second = await websockets.connect(f"{url}&{query}", subprotocols=[RELIABLE])
    try:
        resumed = await next_json(second)
        assert (resumed["event"], resumed["connectionId"]) == ("connected", connection_id)
        after = await read_messages(second, 4 + 15)
        # Unacknowledged 7..10 are replayed under the same sequence ids, then 11..25.
        assert [seq for seq, _ in after] == list(range(7, 26))
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(second.recv(), 0.3)
    finally:
        await second.close()

    # What the client keeps after dropping repeats by sequence id, as a reliable client does.
    kept: dict[int, Any] = {}
    duplicates = 0
    for seq, data in before + after:
        if seq in kept:
            assert kept[seq] == data, f"sequence id {seq} was reused for other data"
            duplicates += 1
        kept[seq] = data
    assert [kept[seq]["n"] for seq in sorted(kept)] == list(range(25))
    assert duplicates == 4  # exactly the unacknowledged ones, each replayed once
    tally.append(("reliable/drop-and-resume (raw websockets)", 1, 25, len(kept), 0, 0))


async def test_a_reconnection_token_only_resumes_its_own_connection(
    faults: FaultInjector, api_factory: Any
) -> None:
    api = api_factory("async")
    url = (await api("get_client_access_token", user_id="reliable"))["url"]
    ws = await websockets.connect(url, subprotocols=[RELIABLE])
    connected = await next_json(ws)
    faults.drop_clients(connection_id=connected["connectionId"])
    for wrong in (
        {"awps_connection_id": connected["connectionId"], "awps_reconnection_token": "forged"},
        {"awps_connection_id": "no-such-id", "awps_reconnection_token": "x"},
    ):
        # Accepted, then closed with 1008: how the service refuses a resume it cannot honour.
        refused = await websockets.connect(f"{url}&{urlencode(wrong)}", subprotocols=[RELIABLE])
        with pytest.raises(websockets.ConnectionClosed):
            await refused.recv()
        assert refused.close_code == 1008


def test_official_reliable_client_recovers_from_drops_without_losing_messages(
    faulty_emulator: EmulatorServer,
    webpubsub_hub: str,
    faults: FaultInjector,
    tally: Any,
) -> None:
    """The official client library reconnects by itself; three abrupt drops during a stream
    of 40 messages lose nothing and repeat nothing."""
    from azure.messaging.webpubsubservice import WebPubSubServiceClient

    service = WebPubSubServiceClient.from_connection_string(
        faulty_emulator.connection_string, hub=webpubsub_hub
    )
    client = WebPubSubClient(
        credential=WebPubSubClientCredential(
            client_access_url_provider=lambda: service.get_client_access_token(user_id="o")["url"]
        ),
        protocol_type=WebPubSubProtocolType.JSON_RELIABLE,
        start_timeout=5.0,
    )
    received: queue.Queue[OnServerDataMessageArgs] = queue.Queue()
    client.subscribe(CallbackType.SERVER_MESSAGE, received.put)
    total, dropped = 40, 0
    got: list[int] = []
    with client:
        for n in range(total):
            if n % 12 == 6:
                # Drop only once the client is connected again and caught up.
                while len(got) < n:
                    got.append(received.get(timeout=30).data["n"])
                dropped += faults.drop_clients(hub=webpubsub_hub)
            service.send_to_user("o", {"n": n})
        while len(got) < total:
            got.append(received.get(timeout=30).data["n"])
        with pytest.raises(queue.Empty):
            received.get(timeout=0.5)
    assert dropped == 3
    assert got == list(range(total))
    tally.append(("reliable/official client, 3 drops", dropped, total, len(got), 0, 0))
