"""The transport limit: ``send_to_all`` signed once in advance and posted with bare httpx.

No SDK code runs per call: URL and headers are built once and reused, so the time per call is
httpx plus the emulator. An SDK built on httpx cannot be faster than this.
"""

from __future__ import annotations

import time

import httpx
import jwt
from webpubsub_rest.spec_facts import DEFAULT_API_VERSION

API_VERSION = DEFAULT_API_VERSION
# Long enough to outlive every benchmark run; the emulator checks ``exp``.
_TOKEN_LIFETIME_SECONDS = 3600


class PresignedSendToAll:
    """``POST {endpoint}/api/hubs/{hub}/:send`` (or, given ``group``,
    ``.../groups/{group}/:send``) with one fixed token and content type.

    Args:
        endpoint: ``http://127.0.0.1:PORT`` of the emulator.
        access_key: the key the token is signed with (HS256).
        hub: hub name.
        content_type: ``application/json``, ``text/plain`` or ``application/octet-stream``.
        group: send to this group (a name needing no URL escaping) instead of to all.
    """

    def __init__(
        self, endpoint: str, access_key: str, hub: str, content_type: str, group: str | None = None
    ) -> None:
        target = f"groups/{group}/" if group is not None else ""
        self.url = f"{endpoint.rstrip('/')}/api/hubs/{hub}/{target}:send?api-version={API_VERSION}"
        token = jwt.encode(
            {"aud": self.url, "exp": int(time.time()) + _TOKEN_LIFETIME_SECONDS},
            access_key,
            algorithm="HS256",
        )
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": content_type}

    def post(self, client: httpx.Client, body: bytes) -> None:
        """Send ``body`` once; raises ``RuntimeError`` unless the answer is 202 Accepted."""
        _expect_accepted(client.post(self.url, content=body, headers=self.headers))

    async def post_async(self, client: httpx.AsyncClient, body: bytes) -> None:
        """Send ``body`` once on an async client; raises ``RuntimeError`` unless 202."""
        _expect_accepted(await client.post(self.url, content=body, headers=self.headers))


def _expect_accepted(response: httpx.Response) -> None:
    if response.status_code != 202:
        raise RuntimeError(
            f"raw send_to_all got HTTP {response.status_code} (expected 202): {response.text[:200]}"
        )
