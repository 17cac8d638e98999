"""Emulator memory per idle connection and per group membership, as connections grow.

For each size N, in a fresh emulator process: a warm-up batch of clients is connected first
(so code paths, caches and the allocator's first arenas are in place), then the resident
memory (RSS) is read before and after connecting N idle raw clients, and again after N more
whose tokens put each in ``settings.memory_groups`` groups. Per idle connection = growth / N;
per group membership = (growth of the second batch / N - per idle connection) / groups.
"""

from __future__ import annotations

import statistics
import time

from .emulator_process import EmulatorProcess
from .fanout import client_url, load_generators
from .results import BenchmarkResult, Check, Growth, Series
from .settings import Settings

EMULATOR = "emulator"
IDLE_CONNECTION_LABEL = "memory: KiB per idle connection"
TARGET_IDLE_CONNECTION_KIB = 12.0
_WARMUP_CLIENTS = 200
# Registration and buffers settle shortly after the last handshake; RSS is read after this.
_SETTLE_SECONDS = 1.0


def run(settings: Settings) -> BenchmarkResult:
    per_connection: list[float] = []
    per_membership: list[float] = []
    groups = [f"g{index}" for index in range(settings.memory_groups)]
    for size in settings.memory_connections:
        with EmulatorProcess() as emulator:
            url = client_url(emulator.endpoint, emulator.access_key)
            grouped_url = client_url(emulator.endpoint, emulator.access_key, groups)
            with load_generators(grouped_url, _WARMUP_CLIENTS):
                before = _settled_rss(emulator)
                with load_generators(url, size):
                    idle = _settled_rss(emulator)
                    with load_generators(grouped_url, size):
                        grouped = _settled_rss(emulator)
        connection = (idle - before) / size
        per_connection.append(connection)
        per_membership.append(((grouped - idle) / size - connection) / len(groups))
    sizes = tuple(settings.memory_connections)
    idle_kib = tuple(b / 1024 for b in per_connection)
    return BenchmarkResult(
        name="memory",
        title=f"emulator memory (RSS growth) with {', '.join(f'{n:,}' for n in sizes)} connections",
        series=(
            Series(
                EMULATOR,
                "KiB per idle connection",
                idle_kib,
                higher_is_better=False,
            ),
            Series(
                EMULATOR,
                "bytes per group membership",
                tuple(per_membership),
                higher_is_better=False,
            ),
        ),
        checks=(
            Check(
                IDLE_CONNECTION_LABEL,
                statistics.median(idle_kib),
                TARGET_IDLE_CONNECTION_KIB,
                False,
                suffix=" KiB",
            ),
        ),
        notes=(
            f"raw WebSocket clients; memberships from the token's webpubsub.group claim "
            f"({len(groups)} groups per connection); RSS read {_SETTLE_SECONDS:.0f} s after the "
            "last handshake of each batch",
        ),
        growth=(
            Growth(
                title="emulator memory by connections",
                x_label="connections",
                xs=sizes,
                unit="bytes",
                lines={
                    "per idle connection": tuple(per_connection),
                    "per group membership": tuple(per_membership),
                },
                higher_is_better=False,
            ),
        ),
    )


def _settled_rss(emulator: EmulatorProcess) -> int:
    time.sleep(_SETTLE_SECONDS)
    rss = emulator.rss_bytes()
    if rss is None:
        raise RuntimeError("the emulator's memory cannot be read here (needs Linux /proc)")
    return rss
