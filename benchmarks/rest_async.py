"""Async ``send_to_all`` with a fixed number of requests in flight: ours vs official vs raw."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

import httpx

from .emulator_process import EmulatorProcess
from .raw_transport import PresignedSendToAll
from .rest_sync import MESSAGE, MESSAGE_BYTES, summarise
from .results import OFFICIAL, OURS, RAW, BenchmarkResult
from .rounds import AsyncWorkload, Rounds, interleave_async
from .settings import Settings

HUB = "bench_async"


def run(emulator: EmulatorProcess, settings: Settings) -> BenchmarkResult:
    """Time ``settings.async_calls`` sends per round, ``settings.async_in_flight`` at a time."""
    rounds = asyncio.run(_measure(emulator, settings))
    return summarise(
        "async",
        f"async send_to_all, {settings.async_calls} calls with {settings.async_in_flight} "
        f"in flight x {settings.async_rounds} rounds",
        rounds,
    )


async def _measure(emulator: EmulatorProcess, settings: Settings) -> Rounds:
    from azure.messaging.webpubsubservice.aio import WebPubSubServiceClient as OfficialClient
    from webpubsub.aio import WebPubSubServiceClient

    width = settings.async_in_flight
    # Raw httpx keeps httpx's default pool limits, as our client does: measured here, a pool
    # keeping all 64 connections alive is slower, not faster (httpcore scans the whole pool
    # for every request).
    raw = PresignedSendToAll(emulator.endpoint, emulator.access_key, HUB, "application/json")
    async with contextlib.AsyncExitStack() as stack:
        ours = await stack.enter_async_context(
            WebPubSubServiceClient.from_connection_string(emulator.connection_string, hub=HUB)
        )
        official = await stack.enter_async_context(
            OfficialClient.from_connection_string(emulator.connection_string, hub=HUB)
        )
        http = await stack.enter_async_context(httpx.AsyncClient())
        contenders: dict[str, AsyncWorkload] = {
            OURS: _in_flight(width, lambda: ours.send_to_all(MESSAGE)),
            OFFICIAL: _in_flight(width, lambda: official.send_to_all(MESSAGE)),
            RAW: _in_flight(width, lambda: raw.post_async(http, MESSAGE_BYTES)),
        }
        return await interleave_async(
            contenders,
            operations=settings.async_calls,
            rounds=settings.async_rounds,
            warmup=max(settings.warmup_calls, width),
            server_clock=emulator.cpu_seconds,
        )


def _in_flight(width: int, send: Callable[[], Awaitable[None]]) -> AsyncWorkload:
    """A workload running ``n`` calls of ``send`` with at most ``width`` awaiting at once."""

    async def workload(n: int) -> None:
        remaining = n

        async def worker() -> None:
            nonlocal remaining
            while remaining > 0:
                remaining -= 1
                await send()

        await asyncio.gather(*(worker() for _ in range(min(width, n))))

    return workload
