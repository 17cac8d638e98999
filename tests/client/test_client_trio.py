"""The async client under trio (through anyio): the same calls, retries included.

httpx runs on trio as well as asyncio; the client's own waits (retry backoff) must too.
A blocking ``websockets`` client is the peer, so nothing here needs asyncio.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import trio
import webpubsub
import webpubsub.aio
from websockets.sync.client import connect


def _peer_url(connection_string: str, hub: str) -> str:
    with webpubsub.WebPubSubServiceClient.from_connection_string(connection_string, hub) as sync:
        url: str = sync.get_client_access_token(user_id="trio-peer")["url"]
    return url


def test_async_client_sends_and_retries_under_trio(
    fault_proxy: Any, webpubsub_connection_string: str, webpubsub_hub: str
) -> None:
    proxy = fault_proxy([(503, {}), (429, {"retry-after-ms": "50"})])
    url = _peer_url(webpubsub_connection_string, webpubsub_hub)
    with connect(url, subprotocols=["json.webpubsub.azure.v1"]) as peer:  # type: ignore[list-item]
        assert json.loads(peer.recv(timeout=5))["event"] == "connected"

        async def main() -> bool:
            async with webpubsub.aio.WebPubSubServiceClient.from_connection_string(
                webpubsub_connection_string,
                webpubsub_hub,
                reverse_proxy_endpoint=proxy.endpoint,
                retry_backoff_factor=0.01,
            ) as service:
                await service.send_to_all("under trio", content_type="text/plain")
                return await service.user_exists("trio-peer")

        assert trio.run(main) is True
        message = json.loads(peer.recv(timeout=5))
        assert (message["dataType"], message["data"]) == ("text", "under trio")
        assert (proxy.seen, proxy.forwarded) == (4, 2)
        with pytest.raises(TimeoutError):
            peer.recv(timeout=0.3)
