"""Which HTTP stack the async client sends with: aiohttp when ``webpubsub[aio]`` is installed,
plain httpx without it, the caller's own client whenever one is given."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from typing import Any

import aiohttp
import httpx
import pytest
import webpubsub.aio
from webpubsub_emulator.server import EmulatorServer


async def test_async_client_sends_through_aiohttp_when_installed(
    webpubsub_emulator: EmulatorServer, webpubsub_hub: str
) -> None:
    async with webpubsub.aio.WebPubSubServiceClient.from_connection_string(
        webpubsub_emulator.connection_string, webpubsub_hub
    ) as client:
        await client.send_to_all({"hello": "world"})
        assert await client.connection_exists("nobody") is False
        # The aiohttp session is created by the transport on its first request, so an open
        # session holding a pooled connection means the requests above went through aiohttp.
        session = client._http._transport.client  # type: ignore[attr-defined]
        assert isinstance(session, aiohttp.ClientSession)
        assert not session.closed
        connector = session.connector
        assert connector is not None
        # aiohttp keeps the idle keep-alive connection in its pool, keyed by host and port.
        assert any(key.port == webpubsub_emulator.port for key in connector._conns)


_WITHOUT_AIOHTTP = """
import asyncio, json, sys
# What an install without webpubsub[aio] looks like: neither package can be imported.
sys.modules["aiohttp"] = sys.modules["httpx_aiohttp"] = None
import httpx
import webpubsub.aio

async def main():
    async with webpubsub.aio.WebPubSubServiceClient.from_connection_string(
        {connection_string!r}, {hub!r}
    ) as client:
        await client.send_to_all("hello")
        exists = await client.connection_exists("nobody")
        transport = client._http._transport
        print(json.dumps({{
            "client": [c.__module__ + "." + c.__name__ for c in type(client._http).__mro__[:3]],
            "transport": type(transport).__module__ + "." + type(transport).__name__,
            "pooled": len(transport._pool.connections),
            "exists": exists,
        }}))

asyncio.run(main())
"""


def test_async_client_falls_back_to_httpx_without_the_extra(
    webpubsub_emulator: EmulatorServer, webpubsub_hub: str
) -> None:
    program = _WITHOUT_AIOHTTP.format(
        connection_string=webpubsub_emulator.connection_string, hub=webpubsub_hub
    )
    completed = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(program)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    seen = json.loads(completed.stdout)
    assert seen == {
        # httpx's own client (with the SDK's cookie store, see webpubsub._cookies)
        "client": [
            "webpubsub._cookies.AsyncClient",
            "webpubsub._cookies.CookiesWhenSetMixin",
            "httpx.AsyncClient",
        ],
        "transport": "httpx.AsyncHTTPTransport",
        "pooled": 1,  # the real requests went through httpx's own pool
        "exists": False,
    }


async def test_callers_own_async_client_wins(
    webpubsub_emulator: EmulatorServer, webpubsub_hub: str
) -> None:
    sent: list[httpx.Request] = []

    async def record(request: httpx.Request) -> None:
        sent.append(request)

    async with httpx.AsyncClient(event_hooks={"request": [record]}) as own:
        async with webpubsub.aio.WebPubSubServiceClient.from_connection_string(
            webpubsub_emulator.connection_string, webpubsub_hub, http_client=own
        ) as client:
            await client.send_to_all("hello")
            assert client._http is own
        assert not own.is_closed  # the caller keeps ownership
    assert [request.method for request in sent] == ["POST"]


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_default_clients_keep_cookies_a_response_sets(
    kind: str, fault_proxy: Any, service_factory: Any
) -> None:
    # The SDK's own HTTP clients skip httpx's cookie parsing for responses without
    # Set-Cookie; a response that sets one is still remembered, as by plain httpx.
    proxy = fault_proxy([(503, {"Set-Cookie": "affinity=node-7; Path=/"})])
    service = service_factory(
        kind, reverse_proxy_endpoint=proxy.endpoint, retry_backoff_factor=0.01
    )
    assert await service("user_exists", "nobody") is False
    assert (proxy.seen, proxy.forwarded) == (2, 1)
    assert service.client._http.cookies.get("affinity") == "node-7"
