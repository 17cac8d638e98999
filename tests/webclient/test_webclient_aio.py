"""The asyncio client (``webpubsub.client.aio``) against the real emulator: iteration,
async listeners, send_event and invoke_event through an upstream, resume, errors."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from webpubsub import WebPubSubServiceClient
from webpubsub.client.aio import WebPubSubClient, WebPubSubClientCredential
from webpubsub.client.models import (
    CallbackType,
    InvokeEventError,
    OnGroupDataMessageArgs,
    SendMessageError,
    WebPubSubDataType,
)
from webpubsub.events import UserEventRequest
from webpubsub_emulator import EmulatorServer

from .conftest import RELIABLE_PROTOCOLS, WAIT, UrlFactory


async def test_async_for_yields_every_message_and_async_listeners_run(
    client_url: UrlFactory,
) -> None:
    connected: asyncio.Queue[Any] = asyncio.Queue()

    async def on_connected(args: Any) -> None:
        await connected.put(args)

    url = client_url()

    async def provider() -> str:
        return url

    async with WebPubSubClient(WebPubSubClientCredential(provider)) as client:
        client.subscribe(CallbackType.CONNECTED, on_connected)
        iterator = client.__aiter__()
        await client.join_group("g")
        for n in range(3):
            await client.send_to_group("g", {"n": n}, WebPubSubDataType.JSON)
        got = [await asyncio.wait_for(iterator.__anext__(), WAIT) for _ in range(3)]
    assert [(type(m), m.data) for m in got] == [
        (OnGroupDataMessageArgs, {"n": n}) for n in range(3)
    ]
    # The listener was added after open(): no connected call; iteration ends with the client.
    assert connected.empty()
    with pytest.raises(StopAsyncIteration):
        await asyncio.wait_for(iterator.__anext__(), WAIT)


async def test_send_event_reaches_the_upstream_and_invoke_event_returns_its_answer(
    client_url: UrlFactory, upstream: list[UserEventRequest]
) -> None:
    async with WebPubSubClient(client_url(user_id="ivy")) as client:
        await client.send_event("note", "hello", WebPubSubDataType.TEXT)
        await client.send_event("note", memoryview(b"\x01\x02"), "binary", ack=True)
        answer = await client.invoke_event("echo", {"q": 1}, WebPubSubDataType.JSON)
        other = await client.invoke_event("sum", "x", "text", timeout=WAIT)
    assert [(r.context.event_name, r.data) for r in upstream[:2]] == [
        ("note", "hello"),
        ("note", b"\x01\x02"),
    ]
    assert upstream[0].context.user_id == "ivy"
    assert (answer.data_type, answer.data) == (WebPubSubDataType.JSON, {"q": 1})
    assert other.data == {"event": "sum"}


async def test_invoke_event_without_a_handler_raises_with_the_service_error(
    client_url: UrlFactory,
) -> None:
    async with WebPubSubClient(client_url()) as client:
        with pytest.raises(InvokeEventError) as failed:
            await client.invoke_event("nobody", "x", "text")
    assert failed.value.error_detail is not None
    assert failed.value.error_detail.name == "NotFound"


@pytest.mark.parametrize("protocol", RELIABLE_PROTOCOLS)
async def test_a_dropped_socket_resumes_and_every_message_arrives_once(
    protocol: str,
    client_emulator: EmulatorServer,
    webpubsub_hub: str,
    client_url: UrlFactory,
    service: WebPubSubServiceClient,
) -> None:
    disconnected: list[Any] = []
    async with WebPubSubClient(client_url(), protocol_type=protocol) as client:
        client.subscribe(CallbackType.DISCONNECTED, disconnected.append)
        iterator = client.__aiter__()
        await asyncio.to_thread(service.send_to_all, "m0", content_type="text/plain")
        first = await asyncio.wait_for(iterator.__anext__(), WAIT)
        assert client_emulator.faults.drop_clients(hub=webpubsub_hub) == 1
        for n in range(1, 10):
            await asyncio.to_thread(service.send_to_all, f"m{n}", content_type="text/plain")
        await client.send_to_group("g", "while resuming", "text")  # waits for the resume
        rest = [await asyncio.wait_for(iterator.__anext__(), WAIT) for _ in range(9)]
        assert disconnected == []
    assert [m.data for m in [first, *rest]] == [f"m{n}" for n in range(10)]
    assert [m.sequence_id for m in [first, *rest]] == list(range(1, 11))


async def test_a_closed_client_and_a_refused_send_raise(client_url: UrlFactory) -> None:
    client = WebPubSubClient(client_url(roles=[]))
    with pytest.raises(SendMessageError, match="not open"):
        await client.join_group("g")
    async with client:
        with pytest.raises(SendMessageError) as refused:
            await client.join_group("g")
    assert refused.value.error_detail is not None
    assert refused.value.error_detail.name == "Forbidden"
    assert not client.is_connected()


async def test_a_full_buffer_holds_the_socket_back_and_loses_nothing(
    client_url: UrlFactory, service: WebPubSubServiceClient
) -> None:
    async with WebPubSubClient(client_url(), max_buffered_messages=2) as client:
        iterator = client.__aiter__()
        for n in range(6):  # three times what the buffer holds, none read yet
            await asyncio.to_thread(service.send_to_all, str(n), content_type="text/plain")
        got = [await asyncio.wait_for(iterator.__anext__(), WAIT) for _ in range(6)]
        assert client.is_connected()
    assert [m.data for m in got] == [str(n) for n in range(6)]
    with pytest.raises(ValueError, match="max_buffered_messages must be an int >= 1, not 0"):
        WebPubSubClient(client_url(), max_buffered_messages=0)
