"""Interleaved timing rounds: A B C, A B C, ... so drift and noise hit every contender alike."""

from __future__ import annotations

import gc
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping

import attrs

#: Performs ``n`` operations (raising on any failure) and returns when they are all done.
SyncWorkload = Callable[[int], None]
AsyncWorkload = Callable[[int], Awaitable[None]]


#: CPU seconds used so far by the server process, or None where that cannot be read.
ServerClock = Callable[[], float | None]


@attrs.frozen
class Rounds:
    """Per contender, per round: operations per second (wall clock), this process's CPU
    microseconds per operation (the client's own cost) and, when a server clock is given,
    the server's CPU microseconds per operation."""

    rates: dict[str, list[float]]
    cpu_us: dict[str, list[float]]
    server_cpu_us: dict[str, list[float]]

    @classmethod
    def empty(cls, names: Iterable[str]) -> Rounds:
        names = list(names)
        return cls(
            rates={name: [] for name in names},
            cpu_us={name: [] for name in names},
            server_cpu_us={name: [] for name in names},
        )


def interleave(
    contenders: Mapping[str, SyncWorkload],
    *,
    operations: int,
    rounds: int,
    warmup: int,
    server_clock: ServerClock = lambda: None,
) -> Rounds:
    """Run every contender ``rounds`` times in turn, each round ``operations`` operations.

    Each contender first runs ``warmup`` untimed operations (connections opened, caches
    filled). Exceptions from a workload propagate: a failed call is never counted as fast.
    """
    for workload in contenders.values():
        workload(warmup)
    result = Rounds.empty(contenders)
    for _ in range(rounds):
        for name, workload in contenders.items():
            gc.collect()
            clocks = _Clocks(server_clock)
            workload(operations)
            clocks.record(result, name, operations)
    return result


async def interleave_async(
    contenders: Mapping[str, AsyncWorkload],
    *,
    operations: int,
    rounds: int,
    warmup: int,
    server_clock: ServerClock = lambda: None,
) -> Rounds:
    """The ``async`` twin of :func:`interleave`, awaited on the caller's event loop."""
    for workload in contenders.values():
        await workload(warmup)
    result = Rounds.empty(contenders)
    for _ in range(rounds):
        for name, workload in contenders.items():
            gc.collect()
            clocks = _Clocks(server_clock)
            await workload(operations)
            clocks.record(result, name, operations)
    return result


class _Clocks:
    """Wall, own-CPU and server-CPU readings at the start of one timed round."""

    def __init__(self, server_clock: ServerClock) -> None:
        self._server_clock = server_clock
        self._server = server_clock()
        self._cpu = time.process_time()
        self._wall = time.perf_counter()

    def record(self, result: Rounds, name: str, operations: int) -> None:
        elapsed = time.perf_counter() - self._wall
        result.rates[name].append(operations / elapsed)
        result.cpu_us[name].append((time.process_time() - self._cpu) / operations * 1e6)
        server = self._server_clock()
        if server is not None and self._server is not None:
            result.server_cpu_us[name].append((server - self._server) / operations * 1e6)
