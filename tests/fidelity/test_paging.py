"""list_connections pages like azure-core's ItemPaged / AsyncItemPaged: by_page() yields
pages that are iterators (async iterators for aio), the page iterator carries a
continuation_token, and by_page(continuation_token=...) resumes where a walk stopped."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack
from typing import Any

import webpubsub
import webpubsub.aio
import websockets
from webpubsub_emulator import EmulatorServer

MEMBERS = 5


async def _group_of_five(server: EmulatorServer, hub: str, stack: AsyncExitStack) -> None:
    client = webpubsub.WebPubSubServiceClient(
        server.endpoint, hub, webpubsub.AzureKeyCredential(server.access_key)
    )
    for i in range(MEMBERS):
        url = client.get_client_access_token(user_id=f"u{i}", groups=["crowd"])["url"]
        await stack.enter_async_context(websockets.connect(url))
    client.close()


def _walk_sync(client: Any) -> tuple[list[int], str | None, list[str]]:
    pages = client.list_connections(group="crowd", maxpagesize=2).by_page()
    first = next(pages)
    assert isinstance(first, Iterator)
    first_ids = [m.connection_id for m in first]
    token = pages.continuation_token
    resumed = client.list_connections(group="crowd", maxpagesize=2).by_page(
        continuation_token=token
    )
    rest = [m.connection_id for page in resumed for m in page]
    return [len(first_ids)], token, first_ids + rest


async def test_sync_pages_are_iterators_and_resume_from_a_continuation_token(
    webpubsub_emulator: EmulatorServer, webpubsub_hub: str
) -> None:
    async with AsyncExitStack() as stack:
        await _group_of_five(webpubsub_emulator, webpubsub_hub, stack)
        ours = webpubsub.WebPubSubServiceClient(
            webpubsub_emulator.endpoint,
            webpubsub_hub,
            webpubsub.AzureKeyCredential(webpubsub_emulator.access_key),
        )
        mine = await asyncio.to_thread(_walk_sync, ours)
        pager = ours.list_connections(group="crowd", maxpagesize=2)
        everyone = await asyncio.to_thread(lambda: [m.connection_id for m in pager])
        ours.close()
    sizes, token, ids = mine
    assert sizes == [2] and token is not None
    assert sorted(ids) == sorted(everyone) and len(set(ids)) == MEMBERS
    assert pager.continuation_token is None  # the walk is over


async def test_async_pages_are_async_iterators_and_resume(
    webpubsub_emulator: EmulatorServer, webpubsub_hub: str
) -> None:
    async with AsyncExitStack() as stack:
        await _group_of_five(webpubsub_emulator, webpubsub_hub, stack)
        client = webpubsub.aio.WebPubSubServiceClient(
            webpubsub_emulator.endpoint,
            webpubsub_hub,
            webpubsub.AzureKeyCredential(webpubsub_emulator.access_key),
        )
        async with client:
            pages = client.list_connections(group="crowd", maxpagesize=2).by_page()
            first = await pages.__anext__()
            assert isinstance(first, AsyncIterator)
            first_ids = [m.connection_id async for m in first]
            token = pages.continuation_token
            assert token is not None and len(first_ids) == 2
            resumed = client.list_connections(group="crowd", maxpagesize=2).by_page(
                continuation_token=token
            )
            rest = [m.connection_id async for page in resumed async for m in page]
            everyone = [m.connection_id async for m in client.list_connections(group="crowd")]
    assert sorted(first_ids + rest) == sorted(everyone) and len(everyone) == MEMBERS
