"""JSON subprotocol details: acks, duplicates, ping, reliable sequence ids and resume."""

from __future__ import annotations

import asyncio
import base64
import json
from typing import TYPE_CHECKING

import pytest
import websockets
from webpubsub_emulator import EmulatorServer

if TYPE_CHECKING:
    from tests.emulator.conftest import Clients, Rest

ALL_ROLES = ["webpubsub.sendToGroup", "webpubsub.joinLeaveGroup"]


async def test_connected_message_and_ping(clients: Clients) -> None:
    client = await clients.connect("json", user="pinger")
    assert client.connected_message is not None
    assert client.connected_message["userId"] == "pinger"
    assert "reconnectionToken" not in client.connected_message
    await client.send_json({"type": "ping"})
    assert await client.recv_json() == {"type": "pong"}


async def test_anonymous_connection_has_null_user_and_distinct_ids(clients: Clients) -> None:
    token = clients.token()
    first = await clients.open(clients.url(token), "json")
    second = await clients.open(clients.url(token), "json")
    a, b = json.loads(await first.recv()), json.loads(await second.recv())
    assert a["userId"] is None and b["userId"] is None
    assert a["connectionId"] != b["connectionId"]


async def test_repeated_ack_id_is_reported_as_duplicate_and_not_repeated(
    clients: Clients, rest: Rest
) -> None:
    sender = await clients.connect("json", roles=ALL_ROLES)
    listener = await clients.connect("json", groups=["g"])
    message = {"type": "sendToGroup", "group": "g", "dataType": "text", "data": "once"}
    assert (await sender.request({**message, "ackId": 7, "noEcho": True}))["success"] is True
    duplicate = await sender.request({**message, "ackId": 7, "noEcho": True})
    assert duplicate["success"] is False
    assert duplicate["error"]["name"] == "Duplicate"
    assert (await listener.recv_json())["data"] == "once"
    await rest.send_text(f"/connections/{listener.connection_id}/:send", "marker")
    assert (await listener.recv_json())["data"] == "marker"


async def test_event_messages_are_acknowledged(clients: Clients) -> None:
    client = await clients.connect("json")
    event = {"type": "event", "event": "hello", "dataType": "json", "data": {"a": 1}, "ackId": 1}
    assert await client.request(event) == {"type": "ack", "ackId": 1, "success": True}


async def test_invalid_client_data_is_refused_in_the_ack(clients: Clients) -> None:
    client = await clients.connect("json", roles=ALL_ROLES)
    bad = {"type": "sendToGroup", "group": "g", "dataType": "binary", "data": "**", "ackId": 1}
    ack = await client.request(bad)
    assert ack["success"] is False
    assert ack["error"]["name"] == "InvalidRequest"
    await client.ws.send("not json at all")
    await client.send_json({"type": "ping"})
    assert await client.recv_json() == {"type": "pong"}


async def test_reliable_messages_carry_increasing_sequence_ids(
    clients: Clients, rest: Rest
) -> None:
    client = await clients.connect("reliable", roles=ALL_ROLES)
    assert client.connected_message is not None
    assert client.connected_message["reconnectionToken"]
    await rest.send_text("/:send", "one")
    await rest.send_binary("/:send", b"\x02")
    first, second = await client.recv_json(), await client.recv_json()
    assert (first["sequenceId"], first["data"]) == (1, "one")
    assert (second["sequenceId"], base64.b64decode(second["data"])) == (2, b"\x02")
    ack = await client.request({"type": "joinGroup", "group": "g", "ackId": 1})
    assert "sequenceId" not in ack


async def test_reliable_connection_resumes_with_groups_and_replays_unacked_once(
    webpubsub_emulator: EmulatorServer, clients: Clients, rest: Rest
) -> None:
    service = webpubsub_emulator.service
    token = clients.token(user="resumer", roles=ALL_ROLES)
    ws = await clients.open(clients.url(token), "reliable")
    connected = json.loads(await ws.recv())
    cid, reconnection_token = connected["connectionId"], connected["reconnectionToken"]
    await ws.send(json.dumps({"type": "joinGroup", "group": "keep", "ackId": 1}))
    assert json.loads(await ws.recv())["success"] is True

    for n in range(1, 4):
        await rest.send_text("/groups/keep/:send", f"m{n}")
    received = [json.loads(await ws.recv()) for _ in range(3)]
    assert [m["sequenceId"] for m in received] == [1, 2, 3]
    await ws.send(json.dumps({"type": "sequenceAck", "sequenceId": 1}))
    await ws.send(json.dumps({"type": "ping"}))
    assert json.loads(await ws.recv()) == {"type": "pong"}  # the ack has been processed

    # Drop the TCP connection without a close handshake, as a network failure would.
    ws.transport.abort()
    await asyncio.sleep(0.2)
    assert cid in service.connection_ids(rest.hub)
    await rest.send_text("/groups/keep/:send", "m4")  # sent while the client is away

    resume_url = clients.url(
        token, awps_connection_id=cid, awps_reconnection_token=reconnection_token
    )
    resumed = await clients.open(resume_url, "reliable")
    again = json.loads(await resumed.recv())
    assert (again["event"], again["connectionId"]) == ("connected", cid)
    replayed = [json.loads(await resumed.recv()) for _ in range(3)]
    assert [(m["sequenceId"], m["data"]) for m in replayed] == [(2, "m2"), (3, "m3"), (4, "m4")]
    assert service.groups_of(rest.hub, cid) == {"keep"}
    await resumed.send(json.dumps({"type": "ping"}))
    assert json.loads(await resumed.recv()) == {"type": "pong"}  # nothing replayed twice
    await rest.send_text("/groups/keep/:send", "m5")
    assert json.loads(await resumed.recv())["sequenceId"] == 5


async def test_resume_is_refused_unless_reconnection_token_and_protocol_match(
    clients: Clients,
) -> None:
    token = clients.token(user="u")
    ws = await clients.open(clients.url(token), "reliable")
    connected = json.loads(await ws.recv())
    cid, secret = connected["connectionId"], connected["reconnectionToken"]
    # A wrong reconnection token is answered as the service answers a gone session.
    guess = clients.url(token, awps_connection_id=cid, awps_reconnection_token="guess")
    refused = await clients.open(guess, "reliable")
    with pytest.raises(websockets.ConnectionClosed):
        await refused.recv()
    assert refused.close_code == 1008
    # A non-reliable subprotocol cannot resume at all.
    wrong_protocol = clients.url(token, awps_connection_id=cid, awps_reconnection_token=secret)
    with pytest.raises(websockets.InvalidStatus) as invalid:
        await clients.open(wrong_protocol, "json")
    assert invalid.value.response.status_code == 400
    await ws.send(json.dumps({"type": "ping"}))
    assert json.loads(await ws.recv()) == {"type": "pong"}  # the original is unharmed


async def test_clean_client_close_removes_a_reliable_connection_at_once(
    webpubsub_emulator: EmulatorServer, clients: Clients
) -> None:
    client = await clients.connect("reliable")
    await client.ws.close()
    for _ in range(100):
        if client.connection_id not in webpubsub_emulator.service.connection_ids(clients.hub):
            break
        await asyncio.sleep(0.02)
    assert client.connection_id not in webpubsub_emulator.service.connection_ids(clients.hub)


async def test_dropped_reliable_connection_expires_after_the_grace_period(
    clients: Clients,
) -> None:
    with EmulatorServer(reconnect_grace_seconds=0.3) as server:
        clients.server = server
        client = await clients.connect("reliable")
        client.ws.transport.abort()
        await asyncio.sleep(0.1)
        assert server.service.connection_ids(clients.hub) == [client.connection_id]
        for _ in range(100):
            if not server.service.connection_ids(clients.hub):
                break
            await asyncio.sleep(0.05)
        assert server.service.connection_ids(clients.hub) == []
