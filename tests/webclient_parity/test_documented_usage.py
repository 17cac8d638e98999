"""The official 1.1.0 client's documented usage (its README and hello_world samples, sync and
aio) runs unchanged on ``webpubsub.client`` against the emulator: each test body uses only the
names a user imports from ``azure.messaging.webpubsubclient`` and runs once per package."""

from __future__ import annotations

import asyncio
import queue
from typing import Any

import pytest
from azure.messaging.webpubsubservice import WebPubSubServiceClient

from .conftest import START_TIMEOUT, WAIT, ClientPackage, url_provider


def _group_view(args: Any, binary: Any) -> tuple[Any, ...]:
    data = bytes(args.data) if args.data_type == binary else args.data
    return (args.group, args.data_type, data, args.from_user_id, args.sequence_id)


def test_documented_sync_usage(package: ClientPackage, service: WebPubSubServiceClient) -> None:
    models = package.models
    client = package.sync.WebPubSubClient(
        credential=package.sync.WebPubSubClientCredential(
            client_access_url_provider=url_provider(service, user_id="alice")
        ),
        start_timeout=START_TIMEOUT,
    )
    connected: queue.Queue[Any] = queue.Queue()
    group_messages: queue.Queue[Any] = queue.Queue()
    server_messages: queue.Queue[Any] = queue.Queue()
    stopped: queue.Queue[bool] = queue.Queue()
    # Registered before open, as the README advises, so CONNECTED is seen.
    client.subscribe(models.CallbackType.CONNECTED, connected.put)
    # The README's STOPPED callback takes no argument.
    client.subscribe(models.CallbackType.STOPPED, lambda: stopped.put(True))
    with client:
        client.subscribe(models.CallbackType.GROUP_MESSAGE, group_messages.put)
        client.subscribe(models.CallbackType.SERVER_MESSAGE, server_messages.put)
        assert client.is_connected()
        on_connected = connected.get(timeout=WAIT)
        assert isinstance(on_connected, models.OnConnectedArgs)
        assert on_connected.user_id == "alice"
        assert on_connected.connection_id

        client.join_group("test")
        text = models.WebPubSubDataType.TEXT
        client.send_to_group("test", "hello text", text, no_echo=False, ack=False)
        client.send_to_group("test", {"hello": "json"}, models.WebPubSubDataType.JSON)
        client.send_to_group("test", "hello text", text)
        client.send_to_group("test", memoryview(b"hello binary"), models.WebPubSubDataType.BINARY)
        # The official sync client runs each callback in a thread of its own: order by sequence.
        received = sorted(
            (group_messages.get(timeout=WAIT) for _ in range(4)), key=lambda a: a.sequence_id
        )
        assert all(isinstance(args, models.OnGroupDataMessageArgs) for args in received)
        binary = models.WebPubSubDataType.BINARY
        assert [_group_view(args, binary) for args in received] == [
            ("test", text, "hello text", "alice", 1),
            ("test", models.WebPubSubDataType.JSON, {"hello": "json"}, "alice", 2),
            ("test", text, "hello text", "alice", 3),
            ("test", binary, b"hello binary", "alice", 4),
        ]
        assert isinstance(received[3].data, memoryview)

        service.send_to_user("alice", {"from": "server"})
        from_server = server_messages.get(timeout=WAIT)
        assert isinstance(from_server, models.OnServerDataMessageArgs)
        assert (from_server.data_type, from_server.data, from_server.sequence_id) == (
            models.WebPubSubDataType.JSON,
            {"from": "server"},
            5,
        )
        assert group_messages.empty() and server_messages.empty()
    assert stopped.get(timeout=WAIT) is True
    assert not client.is_connected()


def test_documented_sync_send_error(
    package: ClientPackage, service: WebPubSubServiceClient
) -> None:
    """The README's retry recipe: a refused operation raises ``SendMessageError`` carrying
    the ack id and the service's error; calling again with that ack id returns quietly."""
    models = package.models
    client = package.sync.WebPubSubClient(
        credential=package.sync.WebPubSubClientCredential(
            client_access_url_provider=url_provider(service, roles=["webpubsub.joinLeaveGroup.a"])
        ),
        start_timeout=START_TIMEOUT,
        message_retry_total=0,
    )
    with client:
        client.join_group("a")
        with pytest.raises(models.SendMessageError) as refused:
            client.join_group("b")
        assert isinstance(refused.value.ack_id, int)
        assert refused.value.error_detail.name == "Forbidden"
        assert refused.value.error_detail.message
        # The service remembers the ack id and answers "Duplicate", which both clients
        # count as success (so a retried send is never reported twice).
        client.join_group("b", ack_id=refused.value.ack_id)


async def test_documented_aio_usage(
    package: ClientPackage, service: WebPubSubServiceClient
) -> None:
    models = package.models
    provider = url_provider(service, user_id="bob")

    async def client_access_url() -> str:
        return await asyncio.to_thread(provider)

    client = package.aio.WebPubSubClient(
        credential=package.aio.WebPubSubClientCredential(
            client_access_url_provider=client_access_url
        ),
        start_timeout=START_TIMEOUT,
    )
    connected: asyncio.Queue[Any] = asyncio.Queue()
    group_messages: asyncio.Queue[Any] = asyncio.Queue()
    stopped: asyncio.Queue[bool] = asyncio.Queue()

    async def on_connected(args: Any) -> None:
        await connected.put(args)

    async def on_group_message(args: Any) -> None:
        await group_messages.put(args)

    async def on_stopped() -> None:
        await stopped.put(True)

    await client.subscribe("connected", on_connected)
    await client.subscribe("stopped", on_stopped)
    async with client:
        await client.subscribe("group-message", on_group_message)
        assert client.is_connected()
        on_connect = await asyncio.wait_for(connected.get(), WAIT)
        assert isinstance(on_connect, models.OnConnectedArgs)
        assert on_connect.user_id == "bob"

        await client.join_group("test")
        await client.send_to_group("test", "hello text", "text", no_echo=False, ack=False)
        await client.send_to_group("test", {"hello": "json"}, "json")
        await client.send_to_group("test", memoryview(b"hello binary"), "binary")
        received = [await asyncio.wait_for(group_messages.get(), WAIT) for _ in range(3)]
        received.sort(key=lambda a: a.sequence_id)
        binary = models.WebPubSubDataType.BINARY
        assert [_group_view(args, binary) for args in received] == [
            ("test", "text", "hello text", "bob", 1),
            ("test", "json", {"hello": "json"}, "bob", 2),
            ("test", "binary", b"hello binary", "bob", 3),
        ]
    assert await asyncio.wait_for(stopped.get(), WAIT) is True
    assert not client.is_connected()
