"""Interleaved timing rounds: A B C, A B C, ... so drift and noise hit every contender alike."""

from __future__ import annotations

import gc
import time
from collections.abc import Awaitable, Callable, Mapping

#: Performs ``n`` operations (raising on any failure) and returns when they are all done.
SyncWorkload = Callable[[int], None]
AsyncWorkload = Callable[[int], Awaitable[None]]


def interleave(
    contenders: Mapping[str, SyncWorkload], *, operations: int, rounds: int, warmup: int
) -> dict[str, list[float]]:
    """Run every contender ``rounds`` times in turn; return operations per second per round.

    Each contender first runs ``warmup`` untimed operations (connections opened, caches
    filled). Exceptions from a workload propagate: a failed call is never counted as fast.
    """
    for workload in contenders.values():
        workload(warmup)
    rates: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(rounds):
        for name, workload in contenders.items():
            gc.collect()
            started = time.perf_counter()
            workload(operations)
            rates[name].append(operations / (time.perf_counter() - started))
    return rates


async def interleave_async(
    contenders: Mapping[str, AsyncWorkload], *, operations: int, rounds: int, warmup: int
) -> dict[str, list[float]]:
    """The ``async`` twin of :func:`interleave`, awaited on the caller's event loop."""
    for workload in contenders.values():
        await workload(warmup)
    rates: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(rounds):
        for name, workload in contenders.items():
            gc.collect()
            started = time.perf_counter()
            await workload(operations)
            rates[name].append(operations / (time.perf_counter() - started))
    return rates
