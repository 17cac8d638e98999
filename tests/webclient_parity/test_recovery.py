"""Recovery of a dropped socket: the emulator aborts the client's TCP connection (its
``dropClients`` fault, no close frame); a reliable-protocol client reconnects with
``awps_connection_id`` + ``awps_reconnection_token``, keeps its connection id and group, and
the app sees each message exactly once, on both libraries, sync and aio."""

from __future__ import annotations

import asyncio
import queue
from collections.abc import Callable
from typing import Any

import pytest
from azure.messaging.webpubsubservice import WebPubSubServiceClient
from webpubsub_emulator import EmulatorServer

from .conftest import START_TIMEOUT, WAIT, ClientPackage, url_provider


@pytest.fixture
def dropping_service(
    dropping_emulator: EmulatorServer, webpubsub_hub: str
) -> WebPubSubServiceClient:
    return WebPubSubServiceClient.from_connection_string(
        dropping_emulator.connection_string, hub=webpubsub_hub
    )


def _members(service: WebPubSubServiceClient) -> list[str]:
    return [member.connection_id for member in service.list_connections(group="g")]


def _drop(emulator: EmulatorServer, hub: str, service: WebPubSubServiceClient) -> None:
    """Abort the client's socket, then publish while it is away."""
    assert emulator.faults.drop_clients(hub=hub) == 1
    service.send_to_group("g", "while away", content_type="text/plain")


def _check(
    connected: list[Any], disconnected: list[Any], texts: list[str], members: list[str]
) -> None:
    [first] = connected  # recovery is not a new connection: no second CONNECTED
    assert disconnected == []
    assert texts == ["before", "while away", "after"]
    assert members == [first.connection_id]


def test_sync_recovery_keeps_the_connection(
    package: ClientPackage,
    dropping_emulator: EmulatorServer,
    dropping_service: WebPubSubServiceClient,
    webpubsub_hub: str,
) -> None:
    models = package.models
    client = package.sync.WebPubSubClient(
        credential=package.sync.WebPubSubClientCredential(
            client_access_url_provider=url_provider(dropping_service)
        ),
        start_timeout=START_TIMEOUT,
    )
    connected: list[Any] = []
    disconnected: list[Any] = []
    messages: queue.Queue[Any] = queue.Queue()
    client.subscribe(models.CallbackType.CONNECTED, connected.append)
    client.subscribe(models.CallbackType.DISCONNECTED, disconnected.append)
    client.subscribe(models.CallbackType.GROUP_MESSAGE, messages.put)
    # REST sends to a group arrive as server messages ("from": "server").
    client.subscribe(models.CallbackType.SERVER_MESSAGE, messages.put)
    with client:
        client.join_group("g")
        client.send_to_group("g", "before", models.WebPubSubDataType.TEXT)
        assert messages.get(timeout=WAIT).data == "before"
        _drop(dropping_emulator, webpubsub_hub, dropping_service)
        assert messages.get(timeout=WAIT).data == "while away"
        client.send_to_group("g", "after", models.WebPubSubDataType.TEXT)
        assert messages.get(timeout=WAIT).data == "after"
        members = _members(dropping_service)
        assert client.is_connected()
        # (close() reports DISCONNECTED then STOPPED: look before it.)
        disconnected_while_open = list(disconnected)
    _check(connected, disconnected_while_open, ["before", "while away", "after"], members)
    assert messages.empty()


async def test_aio_recovery_keeps_the_connection(
    package: ClientPackage,
    dropping_emulator: EmulatorServer,
    dropping_service: WebPubSubServiceClient,
    webpubsub_hub: str,
) -> None:
    models = package.models
    provider = url_provider(dropping_service)

    async def client_access_url() -> str:
        return await asyncio.to_thread(provider)

    client = package.aio.WebPubSubClient(
        credential=package.aio.WebPubSubClientCredential(
            client_access_url_provider=client_access_url
        ),
        start_timeout=START_TIMEOUT,
    )
    connected: list[Any] = []
    disconnected: list[Any] = []
    messages: asyncio.Queue[Any] = asyncio.Queue()

    def recorder(into: Callable[[Any], Any]) -> Callable[[Any], Any]:
        async def record(args: Any) -> None:
            into(args)

        return record

    await client.subscribe(models.CallbackType.CONNECTED, recorder(connected.append))
    await client.subscribe(models.CallbackType.DISCONNECTED, recorder(disconnected.append))
    await client.subscribe(models.CallbackType.GROUP_MESSAGE, recorder(messages.put_nowait))
    await client.subscribe(models.CallbackType.SERVER_MESSAGE, recorder(messages.put_nowait))

    async def next_text() -> str:
        args = await asyncio.wait_for(messages.get(), WAIT)
        return str(args.data)

    async with client:
        await client.join_group("g")
        await client.send_to_group("g", "before", models.WebPubSubDataType.TEXT)
        assert await next_text() == "before"
        await asyncio.to_thread(_drop, dropping_emulator, webpubsub_hub, dropping_service)
        assert await next_text() == "while away"
        await client.send_to_group("g", "after", models.WebPubSubDataType.TEXT)
        assert await next_text() == "after"
        members = await asyncio.to_thread(_members, dropping_service)
        assert client.is_connected()
        disconnected_while_open = list(disconnected)
    _check(connected, disconnected_while_open, ["before", "while away", "after"], members)
    assert messages.empty()
