"""Roles and REST-granted permissions decide what a live connection may do."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.emulator.conftest import Client, Clients, Rest


async def join(client: Client, group: str, ack_id: int) -> dict[str, object]:
    return await client.request({"type": "joinGroup", "group": group, "ackId": ack_id})


async def send(client: Client, group: str, ack_id: int) -> dict[str, object]:
    message = {"type": "sendToGroup", "group": group, "dataType": "text", "data": "hi"}
    return await client.request({**message, "ackId": ack_id, "noEcho": True})


def forbidden(ack: dict[str, object]) -> bool:
    error = ack.get("error")
    return ack["success"] is False and isinstance(error, dict) and error["name"] == "Forbidden"


async def test_join_needs_permission_until_granted_and_after_revoked(
    clients: Clients, rest: Rest
) -> None:
    client = await clients.connect("json")
    cid = client.connection_id
    path = f"/permissions/joinLeaveGroup/connections/{cid}"

    assert forbidden(await join(client, "g", 1))
    assert (await rest.call("HEAD", "/groups/g")).status_code == 404
    assert (await rest.call("HEAD", path)).status_code == 404

    assert (await rest.call("PUT", path, params=[("targetName", "g")])).status_code == 200
    assert (await rest.call("HEAD", path, params=[("targetName", "g")])).status_code == 200
    assert (await rest.call("HEAD", path)).status_code == 404  # only for group g
    assert (await join(client, "g", 2))["success"] is True
    assert forbidden(await join(client, "other", 3))

    assert (await rest.call("PUT", path)).status_code == 200
    assert (await join(client, "other", 4))["success"] is True
    assert (await rest.call("HEAD", path, params=[("targetName", "any")])).status_code == 200

    assert (await rest.call("DELETE", path)).status_code == 204
    assert (await rest.call("HEAD", path, params=[("targetName", "g")])).status_code == 404
    leave = await client.request({"type": "leaveGroup", "group": "g", "ackId": 5})
    assert forbidden(leave)


async def test_send_to_group_needs_permission(clients: Clients, rest: Rest) -> None:
    sender = await clients.connect("json")
    listener = await clients.connect("json", groups=["room"])
    path = f"/permissions/sendToGroup/connections/{sender.connection_id}"

    assert forbidden(await send(sender, "room", 1))
    assert (await rest.call("PUT", path, params=[("targetName", "room")])).status_code == 200
    assert (await send(sender, "room", 2))["success"] is True
    assert (await listener.recv_json())["data"] == "hi"
    assert forbidden(await send(sender, "elsewhere", 3))

    assert (await rest.call("DELETE", path, params=[("targetName", "room")])).status_code == 204
    assert forbidden(await send(sender, "room", 4))
    await rest.send_text(f"/connections/{listener.connection_id}/:send", "marker")
    assert (await listener.recv_json())["data"] == "marker"  # nothing slipped through


async def test_roles_from_the_token_grant_and_can_be_revoked(clients: Clients, rest: Rest) -> None:
    client = await clients.connect(
        "json", roles=["webpubsub.sendToGroup", "webpubsub.joinLeaveGroup.only"]
    )
    assert (await join(client, "only", 1))["success"] is True
    assert forbidden(await join(client, "notthis", 2))
    assert (await send(client, "anything", 3))["success"] is True

    path = f"/permissions/sendToGroup/connections/{client.connection_id}"
    assert (await rest.call("HEAD", path)).status_code == 200
    assert (await rest.call("DELETE", path)).status_code == 204
    assert forbidden(await send(client, "anything", 4))


async def test_permission_operations_validate_their_input(clients: Clients, rest: Rest) -> None:
    client = await clients.connect("json")
    bad = await rest.call("PUT", f"/permissions/admin/connections/{client.connection_id}")
    assert bad.status_code == 400
    assert bad.json()["target"] == "permission"
    missing = await rest.call("PUT", "/permissions/sendToGroup/connections/nope")
    assert missing.status_code == 404
    too_long = [("targetName", "t" * 1025)]
    path = f"/permissions/sendToGroup/connections/{client.connection_id}"
    assert (await rest.call("PUT", path, params=too_long)).status_code == 400
    assert forbidden(await send(client, "t" * 10, 1))
