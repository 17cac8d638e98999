"""Group, user and connection names holding URL-reserved characters reach the operation they
were sent to. The client percent-encodes them (``a/b`` -> ``a%2Fb``); the service must route
on the encoded path, or ``group_exists("a/connections")`` ends up answered by the
list-connections route and a send to group ``a/b`` by no route at all (found by the fuzz
test)."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import pytest
import webpubsub

RESERVED_NAMES = ["a/b", "a/connections", "x?y", "x#y", "100%", "sp ace", "ünï", "..", "a;b"]


@pytest.mark.parametrize("group", RESERVED_NAMES)
async def test_sends_to_groups_with_reserved_characters_arrive(
    group: str, faults: Any, api_factory: Any, listen: Any
) -> None:
    api = api_factory("async", retry_total=0)
    listener = await listen(api, groups=[group])
    assert await api("group_exists", group) is True
    await api("send_to_group", group, "to " + group)
    await listener.wait_for(1, timeout=5)
    assert listener.received == ["to " + group]


@pytest.mark.parametrize("user", RESERVED_NAMES)
async def test_users_with_reserved_characters_are_found_and_reached(
    user: str, faults: Any, api_factory: Any, listen: Any
) -> None:
    api = api_factory("async", retry_total=0)
    listener = await listen(api, user_id=user)
    assert await api("user_exists", user) is True
    await api("send_to_user", user, "to " + user)
    await listener.wait_for(1, timeout=5)
    assert listener.received == ["to " + user]


@pytest.mark.parametrize("name", ["a/connections", "a/groups", "a/b"])
async def test_absent_names_with_reserved_characters_do_not_exist(
    name: str, faults: Any, api_factory: Any
) -> None:
    api = api_factory("async", retry_total=0)
    results = await asyncio.gather(
        api("group_exists", name), api("user_exists", name), api("connection_exists", name)
    )
    assert results == [False, False, False]


# (method, args) whose target is named "." or ".."; the URL's dot segments must not be
# resolved away, or the call silently addresses the whole hub.
DOT_SEGMENT_CALLS = [
    ("send_to_group", ("..", "for group '..' only")),
    ("send_to_user", ("..", "for user '..' only")),
    ("send_to_group", (".", "for group '.' only")),
    ("close_user_connections", ("..",)),
    ("close_group_connections", ("..",)),
]


@pytest.mark.parametrize("kind", ["sync", "async"])
@pytest.mark.parametrize(
    ("name", "args"), DOT_SEGMENT_CALLS, ids=[f"{n}({a[0]})" for n, a in DOT_SEGMENT_CALLS]
)
async def test_dot_segment_names_address_their_own_target_never_the_hub(
    kind: str,
    name: str,
    args: tuple[Any, ...],
    faulty_emulator: Any,
    webpubsub_hub: str,
    faults: Any,
    api_factory: Any,
    listen: Any,
) -> None:
    """The call either succeeds on its own target or is refused up front with
    InvalidArgumentError; either way a bystander in no group, with another user id, neither
    receives the message nor is disconnected."""
    api = api_factory(kind, retry_total=0)
    bystander = await listen(api, user_id="bystander")
    with contextlib.suppress(webpubsub.InvalidArgumentError):
        await api(name, *args)
    await api("send_to_connection", bystander.connection_id, "marker")
    await bystander.wait_for(1, timeout=2)
    assert bystander.received == ["marker"]
    assert faulty_emulator.service.connection_ids(webpubsub_hub) == [bystander.connection_id]
