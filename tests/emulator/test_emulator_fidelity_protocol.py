"""Client protocol fidelity against the running emulator: reliable sessions, ack ids, roles,
the alternative endpoint, raw publishing, default data type and message TTL."""

from __future__ import annotations

import asyncio
import json
import time

import httpx
import pytest
import websockets
from webpubsub_emulator import EmulatorServer
from webpubsub_rest.spec_facts import API_VERSIONS

from .conftest import Clients, Rest


async def gone_within(server: EmulatorServer, hub: str, connection_id: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if connection_id not in server.service.connection_ids(hub):
            return True
        await asyncio.sleep(0.02)
    return False


# -- reliable sessions -------------------------------------------------------------------------


async def test_close_frame_without_status_code_ends_a_reliable_session_at_once(
    webpubsub_emulator: EmulatorServer, clients: Clients
) -> None:
    client = await clients.connect("reliable")
    # A masked close frame with an empty payload, as the JS client's stop() and a browser's
    # ws.close() send (the websockets library refuses to build one).
    client.ws.transport.write(b"\x88\x80\x00\x00\x00\x00")
    assert await gone_within(webpubsub_emulator, clients.hub, client.connection_id, 2.0)


async def test_lost_tcp_connection_keeps_the_reliable_session(
    webpubsub_emulator: EmulatorServer, clients: Clients
) -> None:
    client = await clients.connect("reliable")
    client.ws.transport.abort()
    assert not await gone_within(webpubsub_emulator, clients.hub, client.connection_id, 0.5)


async def resume_url(clients: Clients, connection_id: str, reconnection_token: str) -> str:
    base = clients.server.endpoint.replace("http://", "ws://")
    query = httpx.QueryParams(
        {"awps_connection_id": connection_id, "awps_reconnection_token": reconnection_token}
    )
    return f"{base}/client/hubs/{clients.hub}?{query}"


async def test_resume_needs_no_access_token(rest: Rest, clients: Clients) -> None:
    token = clients.token(user="u", groups=["g"])
    ws = await clients.open(clients.url(token), "reliable")
    connected = json.loads(await ws.recv())
    ws.transport.abort()
    await rest.send_text("/groups/g/:send", "while away")
    url = await resume_url(clients, connected["connectionId"], connected["reconnectionToken"])
    resumed = await clients.open(url, "reliable")
    assert json.loads(await resumed.recv())["connectionId"] == connected["connectionId"]
    assert json.loads(await resumed.recv())["data"] == "while away"


async def test_resuming_a_removed_session_is_closed_with_1008(rest: Rest, clients: Clients) -> None:
    client = await clients.connect("reliable")
    assert client.connected_message is not None
    token = client.connected_message["reconnectionToken"]
    client.ws.transport.abort()
    response = await rest.call("DELETE", f"/connections/{client.connection_id}")
    assert response.status_code == 204
    ws = await clients.open(await resume_url(clients, client.connection_id, token), "reliable")
    with pytest.raises(websockets.ConnectionClosed):
        await asyncio.wait_for(ws.recv(), 5)
    assert ws.close_code == 1008


# -- acks ----------------------------------------------------------------------------------------


async def test_ack_ids_are_uint64_and_others_get_invalid_request(clients: Clients) -> None:
    client = await clients.connect("json", roles=["webpubsub.joinLeaveGroup"])
    biggest = 2**64 - 1
    ack = await client.request({"type": "joinGroup", "group": "g", "ackId": biggest})
    assert ack == {"type": "ack", "ackId": biggest, "success": True}
    for bad in (-1, 2**64, "7", 1.5, True):
        ack = await client.request({"type": "joinGroup", "group": "g", "ackId": bad})
        assert ack["success"] is False, bad
        assert ack["error"]["name"] == "InvalidRequest", bad


async def test_the_last_1000_ack_ids_are_remembered_for_duplicate(clients: Clients) -> None:
    client = await clients.connect("json", roles=["webpubsub.joinLeaveGroup"])
    for ack_id in range(1001):
        await client.send_json({"type": "joinGroup", "group": "g", "ackId": ack_id})
    for _ in range(1001):
        assert (await client.recv_json())["success"] is True
    ack = await client.request({"type": "joinGroup", "group": "g", "ackId": 1000})
    assert ack["error"]["name"] == "Duplicate"
    ack = await client.request({"type": "joinGroup", "group": "g", "ackId": 0})
    assert ack["success"] is True  # pushed out of the window by the 1,001st id


# -- roles ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "allowed", "refused"),
    [
        ("webpubsub.joinLeaveGroups.chat.*", ["chat.a", "chat."], ["chat.a.b", "chatx", "news"]),
        ("webpubsub.joinLeaveGroups.chat.**", ["chat.a", "chat.a.b"], ["chat", "news.a"]),
        ("webpubsub.joinLeaveGroups.room?", ["room1", "roomA"], ["room", "room12"]),
        ("webpubsub.joinLeaveGroups.*.admins", ["x.admins"], ["x.y.admins", "admins"]),
    ],
)
async def test_wildcard_join_leave_roles(
    clients: Clients, role: str, allowed: list[str], refused: list[str]
) -> None:
    client = await clients.connect("json", roles=[role])
    for n, group in enumerate(allowed + refused, start=1):
        ack = await client.request({"type": "joinGroup", "group": group, "ackId": n})
        assert ack["success"] is (group in allowed), (role, group, ack)


async def test_wildcard_send_role(clients: Clients) -> None:
    sender = await clients.connect("json", roles=["webpubsub.sendToGroups.team.*"])
    listener = await clients.connect("json", groups=["team.red"])
    ok = await sender.request(
        {"type": "sendToGroup", "group": "team.red", "dataType": "text", "data": "go", "ackId": 1}
    )
    assert ok["success"] is True
    assert (await listener.recv_json())["data"] == "go"
    refused = await sender.request(
        {"type": "sendToGroup", "group": "other", "dataType": "text", "data": "x", "ackId": 2}
    )
    assert refused["error"]["name"] == "Forbidden"


async def test_rest_permission_check_sees_wildcard_roles(rest: Rest, clients: Clients) -> None:
    client = await clients.connect("json", roles=["webpubsub.sendToGroups.a.*"])
    path = f"/permissions/sendToGroup/connections/{client.connection_id}"
    held = await rest.call("HEAD", path, params=[("targetName", "a.b")])
    missing = await rest.call("HEAD", path, params=[("targetName", "b.b")])
    assert (held.status_code, missing.status_code) == (200, 404)


# -- messages --------------------------------------------------------------------------------


async def test_send_to_group_without_data_type_is_json(clients: Clients) -> None:
    sender = await clients.connect("json", roles=["webpubsub.sendToGroup"])
    listener = await clients.connect("json", groups=["g"])
    ack = await sender.request({"type": "sendToGroup", "group": "g", "data": {"a": 1}, "ackId": 1})
    assert ack["success"] is True
    message = await listener.recv_json()
    assert (message["dataType"], message["data"]) == ("json", {"a": 1})


async def test_alternative_client_endpoint_with_hub_query(rest: Rest, clients: Clients) -> None:
    base = clients.server.endpoint.replace("http://", "ws://")
    query = httpx.QueryParams({"hub": clients.hub, "access_token": clients.token(user="alt")})
    ws = await clients.open(f"{base}/client/?{query}", "json")
    connected = json.loads(await ws.recv())
    assert connected["userId"] == "alt"
    await rest.send_text("/users/alt/:send", "hello")
    assert json.loads(await ws.recv())["data"] == "hello"


async def test_raw_client_publishes_to_a_group_in_send_to_group_mode(clients: Clients) -> None:
    listener = await clients.connect("json", groups=["news"])
    token = clients.token(user="pub", roles=["webpubsub.sendToGroup.news"], groups=["news"])
    url = clients.url(token, webpubsub_mode="sendToGroup", group="news", noEcho="true")
    publisher = await clients.open(url, "raw")
    await publisher.send("breaking")
    await publisher.send(b"\x00\x01")
    text = await listener.recv_json()
    assert (text["group"], text["fromUserId"], text["dataType"], text["data"]) == (
        "news",
        "pub",
        "text",
        "breaking",
    )
    binary = await listener.recv_json()
    assert (binary["dataType"], binary["data"]) == ("binary", "AAE=")
    with pytest.raises(asyncio.TimeoutError):  # noEcho: the publisher gets nothing back
        await asyncio.wait_for(publisher.recv(), 0.3)


async def test_raw_publishing_needs_the_role(clients: Clients) -> None:
    listener = await clients.connect("json", groups=["news"])
    url = clients.url(clients.token(user="nobody"), webpubsub_mode="sendToGroup", group="news")
    publisher = await clients.open(url, "raw")
    await publisher.send("not allowed")
    with pytest.raises(asyncio.TimeoutError):
        await listener.recv_json(timeout=0.3)


async def test_message_ttl_drops_messages_a_reliable_client_was_away_for(
    rest: Rest, clients: Clients
) -> None:
    client = await clients.connect("reliable", groups=["g"])
    assert client.connected_message is not None
    client.ws.transport.abort()
    await rest.send_text("/groups/g/:send", "short", params=[("messageTtlSeconds", "1")])
    await rest.send_text("/groups/g/:send", "forever", params=[("messageTtlSeconds", "0")])
    await asyncio.sleep(1.2)  # the TTL has to run out
    url = await resume_url(
        clients, client.connection_id, client.connected_message["reconnectionToken"]
    )
    resumed = await clients.open(url, "reliable")
    assert json.loads(await resumed.recv())["event"] == "connected"
    assert json.loads(await resumed.recv())["data"] == "forever"


# -- REST api-version ----------------------------------------------------------------------------


async def test_missing_api_version_means_the_latest_and_responses_list_versions(
    rest: Rest,
) -> None:
    response = await rest.send_text("/:send", "x", api_version=None)
    assert response.status_code == 202
    versions = [v.strip() for v in response.headers["api-supported-versions"].split(",")]
    assert versions == list(API_VERSIONS)
    unknown = "1999-01-01"  # not-an-api-version: the emulator must refuse it
    refused = await rest.send_text("/:send", "x", api_version=unknown)
    assert refused.status_code == 400
    assert refused.json()["code"] == refused.headers["x-ms-error-code"] == "UnsupportedApiVersion"
    assert "api-supported-versions" in refused.headers


async def test_message_ttl_drops_messages_a_slow_reader_has_not_taken(
    rest: Rest, clients: Clients
) -> None:
    user = "slow-reader"
    token = clients.token(user=user)
    # max_queue=1: the client library stops reading the socket after one unread message, so
    # the rest back up in the TCP buffers and then in the emulator's outgoing queue.
    slow = await clients.open(clients.url(token), "raw", max_queue=1, max_size=None)
    chunk = "x" * (256 * 1024)
    for n in range(40):
        await rest.send_text(
            f"/users/{user}/:send", f"{n:02d}{chunk}", params=[("messageTtlSeconds", "1")]
        )
    await rest.send_text(f"/users/{user}/:send", "end")
    await asyncio.sleep(1.5)  # the TTL has to run out while the client does not read
    received = []
    while True:
        frame = await asyncio.wait_for(slow.recv(), 10)
        assert isinstance(frame, str)
        if frame == "end":
            break
        received.append(int(frame[:2]))
    assert received == sorted(received)
    assert len(received) < 40, "messages older than their TTL were still delivered"
