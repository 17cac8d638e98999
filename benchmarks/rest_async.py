"""Async ``send_to_all`` with a fixed number of requests in flight: ours (on aiohttp, its
default with ``webpubsub[aio]``, and on plain httpx) vs official vs the raw transports.

The headline runs at ``settings.async_in_flight``; the growth table repeats it at each of
``settings.async_growth_widths`` requests in flight.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import statistics
from collections.abc import Awaitable, Callable

import httpx

from .emulator_process import EmulatorProcess
from .raw_transport import PresignedSendToAll
from .rest_sync import MESSAGE, MESSAGE_BYTES, summarise
from .results import OFFICIAL, OURS, RAW, BenchmarkResult, Growth
from .rounds import AsyncWorkload, Rounds, interleave_async
from .settings import Settings

HUB = "bench_async"
#: Our client given a plain ``httpx.AsyncClient`` (what it uses without ``webpubsub[aio]``).
OURS_HTTPX = "webpubsub on httpx"
#: The presigned request posted through the aiohttp-backed client ours uses by default.
RAW_AIOHTTP = "raw httpx-aiohttp"
#: Share of ``settings.async_calls`` a growth round makes at each width (fewer when narrow,
#: where each call waits its full round trip).
_GROWTH_CALL_SHARE = {1: 0.2, 8: 0.5}


def run(emulator: EmulatorProcess, settings: Settings) -> BenchmarkResult:
    """Time ``settings.async_calls`` sends per round, ``settings.async_in_flight`` at a time,
    then the growth rounds."""
    headline, growth = asyncio.run(_measure(emulator, settings))
    result = summarise(
        "async",
        f"async send_to_all, {settings.async_calls} calls with {settings.async_in_flight} "
        f"in flight x {settings.async_rounds} rounds",
        headline,
        raw=RAW_AIOHTTP,
    )
    return BenchmarkResult(
        name=result.name,
        title=result.title,
        series=result.series,
        checks=result.checks,
        notes=(
            f"ours uses {RAW_AIOHTTP} by default (webpubsub[aio] installed); "
            f"'{OURS_HTTPX}' is ours given a plain httpx.AsyncClient, as without the extra",
            f"growth: {settings.async_growth_rounds} interleaved rounds per width "
            f"(the headline's {settings.async_rounds} at {settings.async_in_flight})",
        ),
        growth=(growth,),
    )


async def _measure(emulator: EmulatorProcess, settings: Settings) -> tuple[Rounds, Growth]:
    from azure.messaging.webpubsubservice.aio import WebPubSubServiceClient as OfficialClient
    from webpubsub._transport import default_async_http_client
    from webpubsub.aio import WebPubSubServiceClient

    # Raw httpx keeps httpx's default pool limits, as our client does: measured here, a pool
    # keeping all 64 connections alive is slower, not faster (httpcore scans the whole pool
    # for every request).
    raw = PresignedSendToAll(emulator.endpoint, emulator.access_key, HUB, "application/json")
    async with contextlib.AsyncExitStack() as stack:
        ours = await stack.enter_async_context(
            WebPubSubServiceClient.from_connection_string(emulator.connection_string, hub=HUB)
        )
        plain = await stack.enter_async_context(httpx.AsyncClient(timeout=60.0))
        ours_httpx = await stack.enter_async_context(
            WebPubSubServiceClient.from_connection_string(
                emulator.connection_string, hub=HUB, http_client=plain
            )
        )
        official = await stack.enter_async_context(
            OfficialClient.from_connection_string(emulator.connection_string, hub=HUB)
        )
        http = await stack.enter_async_context(httpx.AsyncClient(timeout=60.0))
        aio_http = await stack.enter_async_context(default_async_http_client(60.0))
        sends: dict[str, Callable[[], Awaitable[None]]] = {
            OURS: lambda: ours.send_to_all(MESSAGE),
            OURS_HTTPX: lambda: ours_httpx.send_to_all(MESSAGE),
            OFFICIAL: lambda: official.send_to_all(MESSAGE),
            RAW_AIOHTTP: lambda: raw.post_async(aio_http, MESSAGE_BYTES),
            RAW: lambda: raw.post_async(http, MESSAGE_BYTES),
        }

        async def rounds_at(width: int, operations: int, rounds: int) -> Rounds:
            return await interleave_async(
                {name: _in_flight(width, send) for name, send in sends.items()},
                operations=operations,
                rounds=rounds,
                warmup=max(settings.warmup_calls, width),
                server_clock=emulator.cpu_seconds,
            )

        headline = await rounds_at(
            settings.async_in_flight, settings.async_calls, settings.async_rounds
        )
        medians: dict[str, list[float]] = {name: [] for name in sends}
        for width in settings.async_growth_widths:
            if width == settings.async_in_flight:
                measured = headline
            else:
                calls = max(width, int(settings.async_calls * _GROWTH_CALL_SHARE.get(width, 1.0)))
                measured = await rounds_at(width, calls, settings.async_growth_rounds)
            for name in sends:
                rates = measured.rates[name]
                medians[name].append(statistics.median(rates) if rates else math.nan)
    growth = Growth(
        title="async send_to_all throughput by requests in flight",
        x_label="requests in flight",
        xs=tuple(settings.async_growth_widths),
        unit="ops/s",
        lines={name: tuple(values) for name, values in medians.items()},
    )
    return headline, growth


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
