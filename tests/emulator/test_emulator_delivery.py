"""Messages sent over REST reach exactly the connections they target, once, typed right."""

from __future__ import annotations

import asyncio
import base64
import json
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.emulator.conftest import Client, Clients, Rest


async def assert_next_is_marker(client: Client, rest: Rest) -> None:
    """Prove the client got nothing else: a marker sent straight to it arrives next."""
    assert (
        await rest.send_text(f"/connections/{client.connection_id}/:send", "marker")
    ).status_code == 202
    frame = await client.recv()
    if client.protocol == "raw":
        assert frame == "marker"
    else:
        assert isinstance(frame, str)
        assert json.loads(frame)["data"] == "marker"


async def test_json_client_gets_each_data_type_from_rest(clients: Clients, rest: Rest) -> None:
    client = await clients.connect("json")
    assert (await rest.send_text("/:send", "hello")).status_code == 202
    assert (await rest.send_json("/:send", {"n": [1, 2]})).status_code == 202
    assert (await rest.send_binary("/:send", b"\x00\xffdata")).status_code == 202

    text, js, binary = [await client.recv_json() for _ in range(3)]
    assert text == {"type": "message", "from": "server", "dataType": "text", "data": "hello"}
    assert js == {"type": "message", "from": "server", "dataType": "json", "data": {"n": [1, 2]}}
    assert binary["dataType"] == "binary"
    assert base64.b64decode(binary["data"]) == b"\x00\xffdata"


async def test_raw_client_gets_text_frames_for_text_and_json_and_binary_frames_for_binary(
    clients: Clients, rest: Rest
) -> None:
    client = await clients.connect("raw")
    await rest.send_text("/:send", "hello")
    await rest.send_json("/:send", {"n": 1})
    await rest.send_binary("/:send", b"\x01\x02")
    assert await client.recv() == "hello"
    frame = await client.recv()
    assert isinstance(frame, str) and json.loads(frame) == {"n": 1}
    assert await client.recv() == b"\x01\x02"


async def test_text_with_charset_and_unicode_arrives_intact(clients: Clients, rest: Rest) -> None:
    client = await clients.connect("json")
    await rest.call(
        "POST", "/:send", content="héllo ✓".encode(), content_type="text/plain; charset=utf-8"
    )
    assert (await client.recv_json())["data"] == "héllo ✓"


@pytest.mark.parametrize("protocol", ["raw", "json"])
async def test_send_to_all_honours_excluded(clients: Clients, rest: Rest, protocol: str) -> None:
    a, b, c = [await clients.connect(protocol) for _ in range(3)]
    response = await rest.send_text(
        "/:send", "to-all", params=[("excluded", b.connection_id), ("excluded", c.connection_id)]
    )
    assert response.status_code == 202
    frame = await a.recv()
    assert frame == "to-all" or json.loads(frame)["data"] == "to-all"
    await assert_next_is_marker(b, rest)
    await assert_next_is_marker(c, rest)
    await assert_next_is_marker(a, rest)


@pytest.mark.parametrize("protocol", ["raw", "json"])
async def test_send_to_user_reaches_all_and_only_that_users_connections(
    clients: Clients, rest: Rest, protocol: str
) -> None:
    alice1 = await clients.connect(protocol, user="alice")
    alice2 = await clients.connect(protocol, user="alice")
    bob = await clients.connect(protocol, user="bob")
    assert (await rest.send_text("/users/alice/:send", "for-alice")).status_code == 202
    for client in (alice1, alice2):
        frame = await client.recv()
        assert frame == "for-alice" or json.loads(frame)["data"] == "for-alice"
        await assert_next_is_marker(client, rest)
    await assert_next_is_marker(bob, rest)


@pytest.mark.parametrize("protocol", ["raw", "json"])
async def test_send_to_group_reaches_members_only(
    clients: Clients, rest: Rest, protocol: str
) -> None:
    member = await clients.connect(protocol, groups=["room"])
    excluded_member = await clients.connect(protocol, groups=["room"])
    outsider = await clients.connect(protocol)
    response = await rest.send_json(
        "/groups/room/:send", {"k": "v"}, params=[("excluded", excluded_member.connection_id)]
    )
    assert response.status_code == 202
    frame = await member.recv()
    if protocol == "raw":
        assert json.loads(frame) == {"k": "v"}
    else:
        assert json.loads(frame) == {
            "type": "message",
            "from": "server",
            "dataType": "json",
            "data": {"k": "v"},
        }
    for client in (member, excluded_member, outsider):
        await assert_next_is_marker(client, rest)


async def test_send_to_connection_reaches_only_it(clients: Clients, rest: Rest) -> None:
    target, other = await clients.connect("json"), await clients.connect("json")
    await rest.send_binary(f"/connections/{target.connection_id}/:send", b"\x07")
    message = await target.recv_json()
    assert (message["dataType"], base64.b64decode(message["data"])) == ("binary", b"\x07")
    await assert_next_is_marker(other, rest)


async def test_send_to_missing_targets_is_accepted_and_harmless(rest: Rest) -> None:
    for path in ("/users/nobody/:send", "/groups/empty/:send", "/connections/none/:send"):
        assert (await rest.send_text(path, "x")).status_code == 202


async def test_filter_selects_recipients(clients: Clients, rest: Rest) -> None:
    alice = await clients.connect("json", user="alice", groups=["vip"])
    bob = await clients.connect("json", user="bob", groups=["vip"])
    carol = await clients.connect("json", user="car'ol")
    odata = "(userId eq 'alice' or userId eq 'car''ol') and not ('blocked' in groups)"
    assert (await rest.send_text("/:send", "f", params=[("filter", odata)])).status_code == 202
    assert (await alice.recv_json())["data"] == "f"
    assert (await carol.recv_json())["data"] == "f"
    await assert_next_is_marker(bob, rest)

    await rest.send_text("/groups/vip/:send", "g", params=[("filter", "userId ne 'alice'")])
    assert (await bob.recv_json())["data"] == "g"
    await assert_next_is_marker(alice, rest)

    by_id = f"connectionId eq '{alice.connection_id}'"
    await rest.send_text("/users/alice/:send", "h", params=[("filter", by_id)])
    assert (await alice.recv_json())["data"] == "h"


async def test_group_message_from_client_reaches_raw_and_json_members(
    clients: Clients, rest: Rest
) -> None:
    sender = await clients.connect(
        "json", user="sender", roles=["webpubsub.sendToGroup", "webpubsub.joinLeaveGroup"]
    )
    raw_member = await clients.connect("raw", groups=["g"])
    json_member = await clients.connect("json", groups=["g"])
    ack = await sender.request({"type": "joinGroup", "group": "g", "ackId": 1})
    assert ack == {"type": "ack", "ackId": 1, "success": True}

    await sender.send_json(
        {"type": "sendToGroup", "group": "g", "dataType": "binary", "data": "AAE=", "ackId": 2}
    )
    # The ack and the echo of its own message may come in either order.
    replies = {m["type"]: m for m in [await sender.recv_json(), await sender.recv_json()]}
    assert replies["ack"] == {"type": "ack", "ackId": 2, "success": True}
    assert replies["message"]["from"] == "group" and replies["message"]["group"] == "g"
    assert await raw_member.recv() == b"\x00\x01"
    message = await json_member.recv_json()
    assert message == {
        "type": "message",
        "from": "group",
        "group": "g",
        "fromUserId": "sender",
        "dataType": "binary",
        "data": "AAE=",
    }

    await sender.send_json(
        {"type": "sendToGroup", "group": "g", "dataType": "json", "data": [1], "noEcho": True}
    )
    assert await raw_member.recv() == "[1]"
    assert (await json_member.recv_json())["data"] == [1]
    await assert_next_is_marker(sender, rest)


async def test_a_reader_that_stalls_delays_only_itself_and_loses_nothing(
    clients: Clients, rest: Rest
) -> None:
    # The stalled client buffers one frame, so the emulator's socket to it fills up and
    # its sends must wait while other clients keep receiving.
    stalled_token = clients.token(user="stalled")
    stalled = await clients.open(clients.url(stalled_token), "raw", max_queue=1, max_size=2**21)
    prompt = await clients.connect("raw")
    chunk = 1024 * 1024
    count = 12  # within the 16 MiB outbound bound (past it the stalled client is closed)
    for n in range(count):
        response = await rest.send_binary("/:send", bytes([n]) * chunk)
        assert response.status_code == 202
        assert await prompt.recv() == bytes([n]) * chunk
    for n in range(count):
        frame = await asyncio.wait_for(stalled.recv(), 30)
        assert frame == bytes([n]) * chunk


async def test_names_with_reserved_characters_are_routed_on_the_encoded_path(
    clients: Clients, rest: Rest
) -> None:
    slashed = await clients.connect("json", user="a/b", groups=["a/b"])
    dots = await clients.connect("json", user="..")
    bystander = await clients.connect("json")
    assert (await rest.call("HEAD", "/groups/a%2Fb")).status_code == 200
    assert (await rest.call("HEAD", "/users/a%2Fb")).status_code == 200
    # "a/connections" is a (missing) group, not the list-connections operation of group "a".
    assert (await rest.call("HEAD", "/groups/a%2Fconnections")).status_code == 404

    assert (await rest.send_text("/groups/a%2Fb/:send", "to a/b")).status_code == 202
    assert (await slashed.recv_json())["data"] == "to a/b"
    # A user named ".." is addressed itself, never the hub a resolved dot segment would reach.
    assert (await rest.send_text("/users/%2E%2E/:send", "to ..")).status_code == 202
    assert (await dots.recv_json())["data"] == "to .."
    for client in (slashed, bystander):
        await assert_next_is_marker(client, rest)
