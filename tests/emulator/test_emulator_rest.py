"""REST operations: status codes, validation errors, group/user/connection management."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import httpx
import jwt
import pytest
import websockets
from webpubsub_emulator import EmulatorServer
from webpubsub_rest.spec_facts import API_VERSIONS

if TYPE_CHECKING:
    from tests.emulator.conftest import Client, Clients, Rest


def assert_error(response: httpx.Response, status: int, target: str | None = None) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"code", "message", "target", "details", "inner"}
    # Types as the API spec gives them: no nulls.
    assert isinstance(body["target"], str)
    assert isinstance(body["details"], list)
    assert isinstance(body["inner"], dict)
    assert body["code"] == response.headers["x-ms-error-code"]
    assert body["message"]
    if target is not None:
        assert body["target"] == target


async def test_api_version_is_validated(rest: Rest) -> None:
    unknown = "1999-01-01"  # not-an-api-version: the emulator must refuse it
    response = await rest.send_text("/:send", "x", api_version=unknown)
    assert_error(response, 400, "api-version")
    assert unknown in response.json()["message"]
    for version in API_VERSIONS:
        assert (await rest.send_text("/:send", "x", api_version=version)).status_code == 202


async def test_invalid_hub_name_is_400(rest: Rest) -> None:
    for hub in ("1starts-with-digit", "has-dash", "x" * 129):
        response = await rest.call("POST", f"/api/hubs/{hub}/:send", full_path=True)
        assert_error(response, 400, "hub")


@pytest.mark.parametrize(
    ("params", "target"),
    [
        ([("messageTtlSeconds", "301")], "messageTtlSeconds"),
        ([("messageTtlSeconds", "-1")], "messageTtlSeconds"),
        ([("messageTtlSeconds", "soon")], "messageTtlSeconds"),
        ([("filter", "userId eq")], "filter"),
        ([("filter", "userId xx 'a'")], "filter"),
        ([("filter", "'a' in grupos")], "filter"),
    ],
)
async def test_bad_send_parameters_are_400(
    rest: Rest, params: list[tuple[str, str]], target: str
) -> None:
    assert_error(await rest.send_text("/:send", "x", params=params), 400, target)


async def test_ttl_bounds_are_accepted(rest: Rest) -> None:
    for ttl in ("0", "300"):
        response = await rest.send_text("/:send", "x", params=[("messageTtlSeconds", ttl)])
        assert response.status_code == 202


async def test_group_name_length_is_validated(rest: Rest) -> None:
    assert_error(await rest.send_text("/groups/" + "g" * 1025 + "/:send", "x"), 400, "group")
    assert (await rest.send_text("/groups/" + "g" * 1024 + "/:send", "x")).status_code == 202


async def test_bodies_must_match_their_content_type(rest: Rest) -> None:
    assert_error(await rest.call("POST", "/:send", content="x", content_type="text/html"), 415)
    assert_error(
        await rest.call("POST", "/:send", content="{", content_type="application/json"), 400
    )
    invalid_utf8 = await rest.call("POST", "/:send", content=b"\xff", content_type="text/plain")
    assert_error(invalid_utf8, 400)


async def test_exists_operations(clients: Clients, rest: Rest) -> None:
    client = await clients.connect("json", user="present", groups=["here"])
    assert (await rest.call("HEAD", f"/connections/{client.connection_id}")).status_code == 200
    assert (await rest.call("HEAD", "/connections/missing")).status_code == 404
    assert (await rest.call("HEAD", "/users/present")).status_code == 200
    assert (await rest.call("HEAD", "/users/absent")).status_code == 404
    assert (await rest.call("HEAD", "/groups/here")).status_code == 200
    assert (await rest.call("HEAD", "/groups/elsewhere")).status_code == 404


async def test_connection_group_membership(
    webpubsub_emulator: EmulatorServer, clients: Clients, rest: Rest
) -> None:
    service = webpubsub_emulator.service
    client = await clients.connect("json")
    cid = client.connection_id
    assert (await rest.call("PUT", f"/groups/a/connections/{cid}")).status_code == 200
    assert (await rest.call("PUT", f"/groups/b/connections/{cid}")).status_code == 200
    assert service.groups_of(rest.hub, cid) == {"a", "b"}
    assert (await rest.call("DELETE", f"/groups/a/connections/{cid}")).status_code == 204
    assert service.groups_of(rest.hub, cid) == {"b"}
    assert (await rest.call("DELETE", f"/connections/{cid}/groups")).status_code == 204
    assert service.groups_of(rest.hub, cid) == set()

    missing = await rest.call("PUT", "/groups/a/connections/no-such-connection")
    assert_error(missing, 404)


async def test_user_group_membership_applies_to_current_and_later_connections(
    webpubsub_emulator: EmulatorServer, clients: Clients, rest: Rest
) -> None:
    service = webpubsub_emulator.service
    first = await clients.connect("json", user="ann")
    assert (await rest.call("PUT", "/users/ann/groups/team")).status_code == 200
    assert (await rest.call("PUT", "/users/ann/groups/club")).status_code == 200
    later = await clients.connect("json", user="ann")
    for client in (first, later):
        assert service.groups_of(rest.hub, client.connection_id) == {"team", "club"}
    assert (await rest.call("DELETE", "/users/ann/groups/team")).status_code == 204
    assert service.groups_of(rest.hub, first.connection_id) == {"club"}
    assert (await rest.call("DELETE", "/users/ann/groups")).status_code == 204
    assert service.groups_of(rest.hub, later.connection_id) == set()
    third = await clients.connect("json", user="ann")
    assert service.groups_of(rest.hub, third.connection_id) == set()


async def test_add_and_remove_groups_by_filter(
    webpubsub_emulator: EmulatorServer, clients: Clients, rest: Rest
) -> None:
    service = webpubsub_emulator.service
    a = await clients.connect("json", user="a", groups=["old"])
    b = await clients.connect("json", user="b")
    body = {"groups": ["x", "y"], "filter": "userId eq 'a' or 'old' in groups"}
    assert (await rest.send_json("/:addToGroups", body)).status_code == 200
    assert service.groups_of(rest.hub, a.connection_id) == {"old", "x", "y"}
    assert service.groups_of(rest.hub, b.connection_id) == set()
    body = {"groups": ["x", "old"], "filter": "userId eq 'a'"}
    assert (await rest.send_json("/:removeFromGroups", body)).status_code == 200
    assert service.groups_of(rest.hub, a.connection_id) == {"y"}

    assert_error(await rest.send_json("/:addToGroups", {"groups": "x"}), 400, "groups")
    assert_error(await rest.send_json("/:addToGroups", {"groups": [""]}), 400, "groups")
    bad_filter = {"groups": ["x"], "filter": "userId eq"}
    assert_error(await rest.send_json("/:addToGroups", bad_filter), 400, "filter")
    assert service.groups_of(rest.hub, b.connection_id) == set()


async def test_list_connections_in_group_pages_through_everyone(
    clients: Clients, rest: Rest
) -> None:
    members = [await clients.connect("raw", user=f"u{i}", groups=["big"]) for i in range(5)]
    await clients.connect("raw", user="outsider")
    expected = {(c.connection_id, c.user) for c in members}

    seen: list[tuple[str, str]] = []
    response = await rest.call("GET", "/groups/big/connections", params=[("maxpagesize", "2")])
    pages = 0
    while True:
        assert response.status_code == 200
        body = response.json()
        assert len(body["value"]) <= 2
        seen += [(m["connectionId"], m["userId"]) for m in body["value"]]
        pages += 1
        if not body.get("nextLink"):
            break
        aud = body["nextLink"]
        token = jwt.encode({"aud": aud, "exp": time.time() + 60}, rest.server.access_key.encode())
        response = await rest.http.get(aud, headers={"authorization": f"Bearer {token}"})
    assert pages == 3
    assert sorted(seen) == sorted(expected)

    top = await rest.call("GET", "/groups/big/connections", params=[("top", "3")])
    assert len(top.json()["value"]) == 3
    assert "nextLink" not in top.json()
    empty = await rest.call("GET", "/groups/nobody/connections")
    assert empty.json() == {"value": []}
    bad = await rest.call("GET", "/groups/big/connections", params=[("continuationToken", "?!")])
    assert_error(bad, 400, "continuationToken")


async def test_generate_token_opens_a_connection_with_its_claims(
    webpubsub_emulator: EmulatorServer, clients: Clients, rest: Rest
) -> None:
    params = [
        ("userId", "gen-user"),
        ("role", "webpubsub.joinLeaveGroup"),
        ("role", "webpubsub.sendToGroup.lobby"),
        ("group", "lobby"),
        ("minutesToExpire", "5"),
    ]
    response = await rest.call("POST", "/:generateToken", params=params)
    assert response.status_code == 200
    token = response.json()["token"]
    claims = jwt.decode(token, options={"verify_signature": False})
    assert 295 <= claims["exp"] - time.time() <= 305
    ws = await clients.open(clients.url(token), "json")
    connected = await ws.recv()
    assert '"userId":"gen-user"' in connected
    service = webpubsub_emulator.service
    cid = service.user_connections(rest.hub, "gen-user")[0]
    assert service.groups_of(rest.hub, cid) == {"lobby"}
    assert service.permissions_of(rest.hub, cid) == {
        "webpubsub.joinLeaveGroup",
        "webpubsub.sendToGroup.lobby",
    }

    assert_error(await rest.call("POST", "/:generateToken", params=[("minutesToExpire", "0")]), 400)
    assert_error(await rest.call("POST", "/:generateToken", params=[("clientType", "Nope")]), 400)


async def expect_closed(client: Client, reason: str) -> None:
    """The client is told it is disconnected, then the socket closes with code 1008."""
    assert await client.recv_json() == {
        "type": "system",
        "event": "disconnected",
        "message": reason,
    }
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await client.recv()
    assert closed.value.rcvd is not None
    assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (1008, reason)


async def test_close_operations_disconnect_exactly_their_targets(
    webpubsub_emulator: EmulatorServer, clients: Clients, rest: Rest
) -> None:
    service = webpubsub_emulator.service
    one = await clients.connect("json", user="one")
    two_a = await clients.connect("json", user="two")
    two_b = await clients.connect("json", user="two")
    grouped = await clients.connect("json", groups=["doomed"])
    grouped_kept = await clients.connect("json", groups=["doomed"])
    last = await clients.connect("json")

    response = await rest.call(
        "DELETE", f"/connections/{one.connection_id}", params=[("reason", "r1")]
    )
    assert response.status_code == 204
    assert one.connection_id not in service.connection_ids(rest.hub)  # cleaned up at once
    await expect_closed(one, "r1")

    params = [("excluded", two_b.connection_id), ("reason", "r2")]
    assert (
        await rest.call("POST", "/users/two/:closeConnections", params=params)
    ).status_code == 204
    await expect_closed(two_a, "r2")

    params = [("excluded", grouped_kept.connection_id), ("reason", "r3")]
    response = await rest.call("POST", "/groups/doomed/:closeConnections", params=params)
    assert response.status_code == 204
    await expect_closed(grouped, "r3")
    assert service.group_members(rest.hub, "doomed") == [grouped_kept.connection_id]

    params = [("excluded", last.connection_id), ("reason", "r4")]
    assert (await rest.call("POST", "/:closeConnections", params=params)).status_code == 204
    await expect_closed(two_b, "r4")
    await expect_closed(grouped_kept, "r4")
    assert service.connection_ids(rest.hub) == [last.connection_id]
    assert (await rest.call("HEAD", "/users/two")).status_code == 404

    assert (await rest.call("DELETE", "/connections/gone-already")).status_code == 204


async def test_unknown_operations_answer_with_json_errors(rest: Rest) -> None:
    assert_error(await rest.call("POST", "/:teleport"), 404)
    assert_error(await rest.call("GET", "/:send"), 405)
