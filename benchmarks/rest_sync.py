"""Sync ``send_to_all`` of a small JSON message: ours vs the official client vs raw httpx."""

from __future__ import annotations

import contextlib
import json
import statistics

import httpx

from .emulator_process import EmulatorProcess
from .raw_transport import PresignedSendToAll
from .results import OFFICIAL, OURS, RAW, BenchmarkResult, Check, Series
from .rounds import Rounds, interleave
from .settings import Settings

HUB = "bench_sync"
MESSAGE = {"event": "price", "symbol": "MSFT", "value": 431.25}
# MESSAGE as a JSON body, serialised once for the raw httpx contender.
MESSAGE_BYTES = json.dumps(MESSAGE, separators=(",", ":")).encode()
TARGET_VS_OFFICIAL = 2.0
TARGET_VS_RAW_TIME = 1.15
# The benchmark process's CPU time per call: what the client costs, whatever the server does.
CPU_UNIT = "client CPU us/call"
# The emulator process's CPU time per call: the server's share of every call's time.
SERVER_CPU_UNIT = "emulator CPU us/call"


def run(emulator: EmulatorProcess, settings: Settings) -> BenchmarkResult:
    """Time ``settings.sync_calls`` sequential sends per round for each contender."""
    from azure.messaging.webpubsubservice import WebPubSubServiceClient as OfficialClient
    from webpubsub import WebPubSubServiceClient

    raw = PresignedSendToAll(emulator.endpoint, emulator.access_key, HUB, "application/json")
    with contextlib.ExitStack() as stack:
        ours = stack.enter_context(
            WebPubSubServiceClient.from_connection_string(emulator.connection_string, hub=HUB)
        )
        official = stack.enter_context(
            OfficialClient.from_connection_string(emulator.connection_string, hub=HUB)
        )
        http = stack.enter_context(httpx.Client())

        def run_ours(n: int) -> None:
            for _ in range(n):
                ours.send_to_all(MESSAGE)

        def run_official(n: int) -> None:
            for _ in range(n):
                official.send_to_all(MESSAGE)

        def run_raw(n: int) -> None:
            for _ in range(n):
                raw.post(http, MESSAGE_BYTES)

        rounds = interleave(
            {OURS: run_ours, OFFICIAL: run_official, RAW: run_raw},
            operations=settings.sync_calls,
            rounds=settings.sync_rounds,
            warmup=settings.warmup_calls,
            server_clock=emulator.cpu_seconds,
        )
    return summarise(
        "sync",
        f"sync send_to_all, {settings.sync_calls} sequential calls x {settings.sync_rounds} rounds",
        rounds,
    )


def summarise(name: str, title: str, rounds: Rounds, raw: str = RAW) -> BenchmarkResult:
    """Series and the two REST targets (vs official, vs ``raw``: the bare transport our
    client sends with) of a send benchmark."""
    ours, official, raw_rate = (statistics.median(rounds.rates[c]) for c in (OURS, OFFICIAL, raw))
    return BenchmarkResult(
        name=name,
        title=title,
        series=(
            *(Series(c, "ops/s", tuple(r)) for c, r in rounds.rates.items()),
            *(
                Series(c, CPU_UNIT, tuple(u), higher_is_better=False)
                for c, u in rounds.cpu_us.items()
            ),
            *(
                Series(c, SERVER_CPU_UNIT, tuple(u), higher_is_better=False)
                for c, u in rounds.server_cpu_us.items()
                if u
            ),
        ),
        checks=(
            Check(f"{name}: ours / official ops/s", ours / official, TARGET_VS_OFFICIAL, True),
            # Time per call is 1/rate, so ours-time / raw-time is raw-rate / ours-rate.
            Check(
                f"{name}: ours / {raw} time per call", raw_rate / ours, TARGET_VS_RAW_TIME, False
            ),
        ),
    )
