"""HTTP calls to event handlers: abuse protection, retries, one shared httpx client.

Abuse protection: before the first event to a URL, an ``OPTIONS`` request carrying
``WebHook-Request-Origin`` must be answered with 200 and a ``WebHook-Allowed-Origin`` header
naming that origin or ``*``; until it is, nothing is sent there. A success is remembered for
the URL; a failure is not, so fixing the handler needs no restart.

Retries: 408 and 5xx answers and transport errors are tried again after 0.1 s, 0.2 s,
0.4 s, ... while the whole exchange stays within ``RETRY_BUDGET_SECONDS``; other 4xx are final.
"""

from __future__ import annotations

import asyncio
import logging
import time

import attrs
import httpx

RETRY_BUDGET_SECONDS = 10.0
REQUEST_TIMEOUT_SECONDS = 10.0
_FIRST_BACKOFF_SECONDS = 0.1

_log = logging.getLogger("webpubsub_emulator.upstream")


@attrs.frozen
class UpstreamResult:
    """A handler's final answer; ``status`` 0 means no HTTP answer at all (see ``error``)."""

    status: int
    headers: httpx.Headers
    body: bytes
    error: str = ""

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def describe(self) -> str:
        if self.status == 0:
            return self.error
        text = self.body[:200].decode("utf-8", errors="replace")
        return f"event handler answered {self.status}" + (f": {text}" if text else "")


class UpstreamCaller:
    """Sends event requests; one instance per emulator app, used on its event loop."""

    def __init__(self, retry_budget_seconds: float = RETRY_BUDGET_SECONDS) -> None:
        self.retry_budget_seconds = retry_budget_seconds
        self._validated: set[str] = set()
        self._client: httpx.AsyncClient | None = None
        self._closed = False

    async def post(self, url: str, headers: dict[str, str], body: bytes) -> UpstreamResult:
        """Abuse-protection check (once per URL), then POST with retries."""
        if self._closed:  # events of connections closed while the emulator shuts down
            return UpstreamResult(0, httpx.Headers(), b"", "the emulator is shutting down")
        origin = headers["WebHook-Request-Origin"]
        if url not in self._validated:
            refusal = await self._validate(url, origin)
            if refusal:
                _log.warning("abuse protection failed for %s: %s", url, refusal)
                return UpstreamResult(0, httpx.Headers(), b"", refusal)
            self._validated.add(url)
        return await self._send_with_retries(url, headers, body)

    async def aclose(self) -> None:
        self._closed = True
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            # trust_env=False: event handlers are reached directly, never through a proxy.
            self._client = httpx.AsyncClient(timeout=REQUEST_TIMEOUT_SECONDS, trust_env=False)
        return self._client

    async def _validate(self, url: str, origin: str) -> str:
        """Return why the handler at ``url`` refuses ``origin`` ('' when it allows it)."""
        result = await self._send_with_retries(
            url, {"WebHook-Request-Origin": origin, "ce-awpsversion": "1.0"}, b"", method="OPTIONS"
        )
        if result.status != 200:
            return "abuse protection: OPTIONS " + (result.describe() or url)
        allowed = [
            origin.strip().lower()
            for value in result.headers.get_list("WebHook-Allowed-Origin")
            for origin in value.split(",")
        ]
        if "*" in allowed or origin.lower() in allowed:
            return ""
        return f"abuse protection: {url} allows origins {allowed!r}, not {origin!r}"

    async def _send_with_retries(
        self, url: str, headers: dict[str, str], body: bytes, *, method: str = "POST"
    ) -> UpstreamResult:
        deadline = time.monotonic() + self.retry_budget_seconds
        backoff = _FIRST_BACKOFF_SECONDS
        while True:
            try:
                response = await self._http().request(method, url, headers=headers, content=body)
                result = UpstreamResult(response.status_code, response.headers, response.content)
            except httpx.HTTPError as exc:
                result = UpstreamResult(0, httpx.Headers(), b"", f"{method} {url} failed: {exc}")
            retriable = result.status == 0 or result.status == 408 or result.status >= 500
            if not retriable or time.monotonic() + backoff > deadline:
                return result
            await asyncio.sleep(backoff)
            backoff *= 2
