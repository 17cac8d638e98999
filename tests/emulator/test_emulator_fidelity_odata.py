"""OData filters on REST sends, against the running emulator: the documented functions select
the right connections, anything else is a 400 in the service's error shape (never a 500)."""

from __future__ import annotations

import asyncio

import pytest
from webpubsub_emulator.odata import MAX_DEPTH, ODataError, compile_filter

from .conftest import Clients, Rest

USERS = ("al", "alice", "Bob")


async def receivers(rest: Rest, clients: Clients, filter_text: str) -> set[str]:
    """Users whose JSON client got a message sent to all with ``filter_text``."""
    connected = {user: await clients.connect("json", user=user) for user in USERS}
    rest_response = await rest.send_text("/:send", "hi", params=[("filter", filter_text)])
    assert rest_response.status_code == 202, rest_response.text
    # A control message sent after the data marks the end of what each client will get.
    await rest.send_text("/:send", "end")
    got = set()
    for user, client in connected.items():
        message = await client.recv_json()
        if message["data"] == "hi":
            got.add(user)
            message = await client.recv_json()
        assert message["data"] == "end"
    return got


@pytest.mark.parametrize(
    ("filter_text", "expected"),
    [
        ("length(userId) gt 2", {"alice", "Bob"}),  # the JS server SDK README's example
        ("startswith(userId, 'al')", {"al", "alice"}),
        ("endswith(userId, 'ce')", {"alice"}),
        ("contains(userId, 'o')", {"Bob"}),
        ("tolower(userId) eq 'bob'", {"Bob"}),
        ("toupper(userId) eq 'AL'", {"al"}),
        ("substring(userId, 1) eq 'lice'", {"alice"}),
        ("substring(userId, 0, 2) eq 'al'", {"al", "alice"}),
        ("indexof(userId, 'i') eq 2", {"alice"}),
        ("length(groups) eq 0 and true", {"al", "alice", "Bob"}),
        ("not (userId le 'al') and userId lt 'b'", {"alice"}),
        ("userId ge 'B' and false", set()),
    ],
)
async def test_documented_filter_functions_select_the_right_clients(
    rest: Rest, clients: Clients, filter_text: str, expected: set[str]
) -> None:
    assert await receivers(rest, clients, filter_text) == expected


async def test_length_of_groups_counts_the_connections_groups(rest: Rest, clients: Clients) -> None:
    member = await clients.connect("json", groups=["a", "b"])
    other = await clients.connect("json", groups=["a"])
    response = await rest.send_text("/:send", "two", params=[("filter", "length(groups) ge 2")])
    assert response.status_code == 202
    assert (await member.recv_json())["data"] == "two"
    with pytest.raises(asyncio.TimeoutError):
        await other.recv_json(timeout=0.3)


@pytest.mark.parametrize(
    "filter_text",
    [
        "length(userId, 'x') gt 2",
        "unknownfn(userId) eq 'a'",
        "userId eq 1",
        "length(userId) gt 'a'",
        "startswith(userId)",
        "userId has 'a'",
        "(" * (MAX_DEPTH + 5) + "userId eq 'a'" + ")" * (MAX_DEPTH + 5),
        "not " * 5000 + "true",
        "tolower(" * 3000 + "userId" + ")" * 3000 + " eq 'a'",
    ],
)
async def test_invalid_or_too_deep_filters_get_the_service_error(
    rest: Rest, filter_text: str
) -> None:
    response = await rest.send_text("/:send", "x", params=[("filter", filter_text)])
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["code"] == "InvalidRequest"
    assert body["target"] == "filter"
    assert response.headers["x-ms-error-code"] == "InvalidRequest"


async def test_filters_nested_up_to_the_cap_work(rest: Rest) -> None:
    depth = MAX_DEPTH - 1
    text = "(" * depth + "userId eq 'a'" + ")" * depth
    compile_filter(text)
    with pytest.raises(ODataError):
        compile_filter("(" * (MAX_DEPTH + 1) + "true" + ")" * (MAX_DEPTH + 1))
    response = await rest.send_text("/:send", "x", params=[("filter", text)])
    assert response.status_code == 202
