"""Every client operation, sync and async, against the real emulator, observed by real
WebSocket peers and by the emulator's live state."""

from __future__ import annotations

import asyncio
import base64
import io
from typing import Any
from urllib.parse import parse_qsl

import pytest
import webpubsub
import webpubsub.aio
from webpubsub.models import UNSET
from webpubsub_emulator.server import EmulatorServer
from webpubsub_rest.spec_facts import DEFAULT_API_VERSION


async def test_send_to_all_delivers_each_message_type_once(service: Any, connect: Any) -> None:
    first, second = await connect(), await connect()

    # Without content_type everything goes as JSON, as the official SDK sends it.
    await service("send_to_all", "plain text")
    await service("send_to_all", {"kind": "json", "n": 1})
    await service("send_to_all", b"\x00\xffbin")
    await service("send_to_all", io.BytesIO(b'{"from": "a file"}'))
    await service("send_to_all", '{"already": "json"}', content_type="application/json")
    await service("send_to_all", "text", content_type="text/plain")
    await service("send_to_all", b"\x00\xffbin", content_type="application/octet-stream")

    for peer in (first, second):
        received = [await peer.next_message() for _ in range(7)]
        assert [(m["dataType"], m["data"]) for m in received] == [
            ("json", "plain text"),
            ("json", {"kind": "json", "n": 1}),
            # bytes become a base64 JSON string.
            ("json", base64.b64encode(b"\x00\xffbin").decode()),
            ("json", {"from": "a file"}),
            ("json", '{"already": "json"}'),
            ("text", "text"),
            ("binary", base64.b64encode(b"\x00\xffbin").decode()),
        ]
        await peer.assert_silent()


async def test_send_to_all_honours_excluded_and_filter(service: Any, connect: Any) -> None:
    alice, bob, carol = (
        await connect(user_id="alice"),
        await connect(user_id="bob"),
        await connect(user_id="carol"),
    )

    await service("send_to_all", "not for bob", excluded=[bob.connection_id])
    await service("send_to_all", "only carol", filter="userId eq 'carol'")

    assert (await alice.next_message())["data"] == "not for bob"
    assert (await carol.next_message())["data"] == "not for bob"
    assert (await carol.next_message())["data"] == "only carol"
    await alice.assert_silent()
    await bob.assert_silent()


async def test_send_to_user_group_and_connection_reach_only_their_targets(
    service: Any, connect: Any
) -> None:
    alice = await connect(user_id="alice", groups=["room"])
    bob = await connect(user_id="bob", groups=["room"])
    stranger = await connect(user_id="stranger")

    await service("send_to_user", "alice", "to alice", message_ttl_seconds=60)
    await service("send_to_group", "room", {"to": "room"}, excluded=[bob.connection_id])
    await service("send_to_connection", bob.connection_id, b"to bob", content_type="text/plain")

    assert (await alice.next_message())["data"] == "to alice"
    assert (await alice.next_message())["data"] == {"to": "room"}
    message = await bob.next_message()
    assert (message["dataType"], message["data"]) == ("text", "to bob")
    await alice.assert_silent()
    await bob.assert_silent()
    await stranger.assert_silent()


async def test_group_membership_changes_are_visible_in_the_service(
    service: Any, connect: Any, webpubsub_emulator: EmulatorServer, webpubsub_hub: str
) -> None:
    state = webpubsub_emulator.service
    alice = await connect(user_id="alice")
    bob = await connect(user_id="bob")

    await service("add_connection_to_group", "g1", bob.connection_id)
    await service("add_user_to_group", "g2", "alice")
    await service("add_user_to_group", "g3", "alice")
    assert state.groups_of(webpubsub_hub, bob.connection_id) == {"g1"}
    assert state.groups_of(webpubsub_hub, alice.connection_id) == {"g2", "g3"}
    assert await service("group_exists", "g1") is True

    await service("remove_user_from_group", "g2", "alice")
    assert state.groups_of(webpubsub_hub, alice.connection_id) == {"g3"}
    await service("remove_user_from_all_groups", "alice")
    assert state.groups_of(webpubsub_hub, alice.connection_id) == set()

    await service("add_connection_to_group", "g4", bob.connection_id)
    await service("remove_connection_from_group", "g1", bob.connection_id)
    assert state.groups_of(webpubsub_hub, bob.connection_id) == {"g4"}
    await service("remove_connection_from_all_groups", bob.connection_id)
    assert state.groups_of(webpubsub_hub, bob.connection_id) == set()
    assert await service("group_exists", "g1") is False


async def test_add_and_remove_connections_by_filter(
    service: Any, connect: Any, webpubsub_emulator: EmulatorServer, webpubsub_hub: str
) -> None:
    state = webpubsub_emulator.service
    alice, bob = await connect(user_id="alice"), await connect(user_id="bob")

    await service("add_connections_to_groups", ["a", "b"], "userId eq 'alice'")
    assert state.groups_of(webpubsub_hub, alice.connection_id) == {"a", "b"}
    assert state.groups_of(webpubsub_hub, bob.connection_id) == set()

    await service("remove_connections_from_groups", ["a"], "userId eq 'alice'")
    assert state.groups_of(webpubsub_hub, alice.connection_id) == {"b"}


async def test_adding_a_missing_connection_raises_not_found(service: Any) -> None:
    with pytest.raises(webpubsub.ResourceNotFoundError) as caught:
        await service("add_connection_to_group", "g", "no-such-connection")
    assert caught.value.status_code == 404
    # The body is parsed with the spec's ErrorDetail model.
    detail = caught.value.error_detail
    assert (detail.code, caught.value.error_code) == ("NotFound", "NotFound")
    assert isinstance(detail.message, str) and "no-such-connection" in detail.message
    assert detail.details == [] and detail.target


async def test_exists_answers(service: Any, connect: Any) -> None:
    alice = await connect(user_id="alice", groups=["here"])

    assert await service("connection_exists", alice.connection_id) is True
    assert await service("connection_exists", "missing") is False
    assert await service("user_exists", "alice") is True
    assert await service("user_exists", "nobody") is False
    assert await service("group_exists", "here") is True
    assert await service("group_exists", "empty") is False


async def test_close_operations_disconnect_their_targets(service: Any, connect: Any) -> None:
    one = await connect(user_id="u1")
    two = await connect(user_id="u2", groups=["g"])
    three = await connect(user_id="u3")
    kept = await connect(user_id="u4")

    await service("close_connection", one.connection_id, reason="bye one")
    await service("close_group_connections", "g", reason="bye group")
    await service("close_user_connections", "u3")
    for peer, reason in ((one, "bye one"), (two, "bye group")):
        disconnected = await peer.next_message()
        assert (disconnected["event"], disconnected["message"]) == ("disconnected", reason)
    assert (await three.next_message())["event"] == "disconnected"
    for peer in (one, two, three):
        assert await service("connection_exists", peer.connection_id) is False
    assert await service("connection_exists", kept.connection_id) is True

    await service("close_all_connections", excluded=[kept.connection_id], reason="all")
    assert await service("connection_exists", kept.connection_id) is True
    await service("close_all_connections", reason="all")
    assert (await kept.next_message())["event"] == "disconnected"
    assert await service("connection_exists", kept.connection_id) is False


async def test_permissions_change_what_a_client_may_do(service: Any, connect: Any) -> None:
    peer = await connect(user_id="p")
    join = {"type": "joinGroup", "group": "vip"}

    assert await service("has_permission", "joinLeaveGroup", peer.connection_id) is False
    refused = await peer.ack({**join, "ackId": 1})
    assert (refused["success"], refused["error"]["name"]) == (False, "Forbidden")

    await service("grant_permission", "joinLeaveGroup", peer.connection_id, target_name="vip")
    assert await service("has_permission", "joinLeaveGroup", peer.connection_id, target_name="vip")
    assert await service(
        "check_permission", "joinLeaveGroup", peer.connection_id, target_name="vip"
    )
    assert (await peer.ack({**join, "ackId": 2}))["success"] is True

    await service("revoke_permission", "joinLeaveGroup", peer.connection_id, target_name="vip")
    assert not await service(
        "has_permission", "joinLeaveGroup", peer.connection_id, target_name="vip"
    )
    refused_again = await peer.ack({"type": "leaveGroup", "group": "vip", "ackId": 3})
    assert refused_again["success"] is False


async def test_list_connections_walks_every_page(service: Any, connect: Any) -> None:
    peers = [await connect(user_id=f"user{i}", groups=["crowd"]) for i in range(7)]
    await connect(user_id="outsider")
    expected = {(p.connection_id, p.user_id) for p in peers}

    members = await service.members(group="crowd", maxpagesize=2)
    assert {(m.connection_id, m.user_id) for m in members} == expected
    assert len(members) == 7

    pages = await service.pages(group="crowd", maxpagesize=3)
    assert [len(page) for page in pages] == [3, 3, 1]

    limited = await service.members(group="crowd", top=4, maxpagesize=3)
    assert len(limited) == 4
    assert {(m.connection_id, m.user_id) for m in limited} <= expected

    assert await service.members(group="nobody-here") == []


async def test_a_pager_can_be_walked_again(service: Any, connect: Any) -> None:
    for i in range(5):
        await connect(user_id=f"u{i}", groups=["g"])
    pager = service.client.list_connections(group="g", top=4, maxpagesize=3)
    for _ in range(2):
        if service.kind == "sync":
            sizes = await asyncio.to_thread(lambda: [len(list(page)) for page in pager.by_page()])
        else:
            sizes = [len([m async for m in page]) async for page in pager.by_page()]
        assert sizes == [3, 1]


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_next_links_are_followed_on_the_clients_own_endpoint(
    kind: str, recorder: Any
) -> None:
    # A nextLink naming another host must not receive our signed request (that host is never
    # contacted: only its path and query are used).
    recorder.pages = [
        {
            "value": [{"connectionId": "c1", "userId": "u1"}, {"connectionId": "c2"}],
            "nextLink": "http://203.0.113.9/api/hubs/hub/groups/g/connections?continuationToken=p2",
        },
        {"value": [{"connectionId": "c3", "userId": "u3"}]},
    ]
    cls = (
        webpubsub.WebPubSubServiceClient if kind == "sync" else webpubsub.aio.WebPubSubServiceClient
    )
    client = cls(recorder.endpoint, "hub", webpubsub.AzureKeyCredential("k" * 32), retry_total=0)
    if kind == "sync":
        members = await asyncio.to_thread(lambda: list(client.list_connections(group="g")))
        client.close()
    else:
        members = [m async for m in client.list_connections(group="g")]
        await client.close()

    assert members == [
        webpubsub.GroupMember(connection_id="c1", user_id="u1"),
        webpubsub.GroupMember(connection_id="c2"),
        webpubsub.GroupMember(connection_id="c3", user_id="u3"),
    ]
    assert members[1].user_id is UNSET  # no user listed: the spec's absent field
    first, second = recorder.requests
    assert (first.path, second.path) == ("/api/hubs/hub/groups/g/connections",) * 2
    assert dict(parse_qsl(second.query)) == {
        "continuationToken": "p2",
        "api-version": DEFAULT_API_VERSION,
    }
    assert second.host == recorder.endpoint.removeprefix("http://")


async def test_client_access_token_carries_user_roles_and_groups(
    service: Any, connect: Any, webpubsub_emulator: EmulatorServer, webpubsub_hub: str
) -> None:
    peer = await connect(user_id="writer", roles=["webpubsub.sendToGroup.news"], groups=["news"])

    assert peer.user_id == "writer"
    assert webpubsub_emulator.service.groups_of(webpubsub_hub, peer.connection_id) == {"news"}
    sent = await peer.ack(
        {"type": "sendToGroup", "group": "news", "dataType": "text", "data": "hi", "ackId": 1}
    )
    assert sent["success"] is True
    refused = await peer.ack(
        {"type": "sendToGroup", "group": "other", "dataType": "text", "data": "no", "ackId": 2}
    )
    assert refused["success"] is False


async def test_client_access_token_urls_per_protocol(service: Any, webpubsub_hub: str) -> None:
    endpoint = service.client.endpoint
    ws_base = "ws" + endpoint[4:]
    for protocol, path in (
        ("Default", "/client/hubs/"),
        ("mqtt", "/clients/mqtt/hubs/"),
        ("SocketIO", "/clients/socketio/hubs/"),
    ):
        token = await service("get_client_access_token", client_protocol=protocol)
        assert token["baseUrl"] == ws_base + path + webpubsub_hub
        assert token["url"] == f"{token['baseUrl']}?access_token={token['token']}"


async def test_messages_sent_concurrently_all_arrive(service: Any, connect: Any) -> None:
    peer = await connect()
    await asyncio.gather(
        *(service("send_to_connection", peer.connection_id, str(i)) for i in range(20))
    )
    received = {(await peer.next_message())["data"] for _ in range(20)}
    assert received == {str(i) for i in range(20)}
