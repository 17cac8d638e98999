"""Emulator fan-out: broadcasts to many raw WebSocket clients held by separate processes.

Two phases against one emulator process:

1. throughput: ``fanout_messages`` broadcasts sent back to back (the emulator answers 202 and
   queues, so this saturates it); deliveries per second = deliveries / (last receipt - first
   send), one sample per round;
2. lone broadcasts: ``_LONE_BROADCASTS`` single broadcasts, each after the previous one
   reached every client; the median time from the post to the last client's receipt is
   what one broadcast takes with nothing queued;
3. latency: broadcasts paced at half the lower of the burst rate and the lone-broadcast
   rate, so the p50/p99 delivery latency is the emulator's own delay rather than time spent
   queued. (The emulator coalesces broadcasts that arrive during a large fan-out into one
   write per socket, so a burst sustains more broadcasts per second than lone ones do; half
   the burst rate alone would keep a paced phase queued at 10,000 clients.)

Broadcasts are posted with the presigned raw httpx request, so no SDK cost is in the numbers.
"""

from __future__ import annotations

import json
import math
import statistics
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from typing import Any

import attrs
import httpx
import jwt

from .child_process import Lines, finish, spawn
from .emulator_process import EmulatorProcess, process_cpu_seconds
from .latency_histogram import merge, quantile
from .raw_transport import PresignedSendToAll
from .results import BenchmarkResult, Check, Growth, Series
from .settings import Settings

HUB = "bench_fanout"
TARGET_DELIVERIES_PER_SECOND = 100_000.0
# Growth targets, read at the largest number of clients of the growth table against the
# headline number: throughput must not fall with clients, nor latency climb past a bound.
TARGET_GROWTH_RATIO = 0.90
TARGET_LARGEST_P99_MS = 50.0
EMULATOR = "emulator"
_CONNECT_TIMEOUT_SECONDS = 120.0
_WARMUP_ATTEMPTS = 10
# Offered load of the latency phase, as a fraction of the measured throughput.
_LATENCY_LOAD = 0.5
_LATENCY_MESSAGES = 100
# Upper bound on the paced phase, whatever the measured throughput.
_LATENCY_SECONDS = 10.0
_LONE_BROADCASTS = 3
# Message numbers of successive sessions never overlap, so a late frame is never miscounted.
_SESSION_STRIDE = 1_000_000
# Clients one load-generator process holds: one core's worth of receiving at 100,000/s.
_CLIENTS_PER_PROCESS = 5000


@attrs.frozen
class Session:
    """What every load generator saw for one batch of broadcasts."""

    delivered: int
    expected: int
    duplicates: int
    seconds: float
    latency_histogram: dict[int, int]
    # CPU seconds the emulator and the load generators used over the session (NaN if unknown).
    emulator_cpu: float = math.nan
    generator_cpu: float = math.nan

    @property
    def rate(self) -> float:
        return self.delivered / self.seconds if self.seconds > 0 else 0.0

    def latency_ms(self, fraction: float) -> float:
        return quantile(self.latency_histogram, fraction) * 1000.0

    def cpu_us_per_delivery(self, seconds: float) -> float:
        return seconds / self.delivered * 1e6 if self.delivered else math.nan


class LoadGenerator:
    """One ``benchmarks.fanout_clients`` child holding ``clients`` WebSocket connections."""

    def __init__(self, url: str, clients: int) -> None:
        self.process = spawn("benchmarks.fanout_clients", "--url", url, "--clients", str(clients))
        self.lines = Lines(self.process, "load generator")

    def send(self, command: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write((json.dumps(command) + "\n").encode())
        self.process.stdin.flush()

    def receive(self, event: str, timeout: float) -> dict[str, Any]:
        """The next message, which must be ``event``; raises ``RuntimeError`` otherwise."""
        message: dict[str, Any] = json.loads(self.lines.next(timeout))
        if message.get("event") != event:
            raise RuntimeError(f"load generator said {message!r}, expected {event!r}")
        return message


def run(emulator: EmulatorProcess, settings: Settings) -> BenchmarkResult:
    """Connect ``settings.fanout_clients`` clients, then measure throughput and latency; then
    the same at each of ``settings.fanout_growth_clients`` (fewer broadcasts when larger)."""
    headline = _measure(
        emulator, settings.fanout_clients, settings.fanout_messages, settings.fanout_rounds
    )
    growth: dict[int, Measured] = {}
    for clients in settings.fanout_growth_clients:
        if clients == settings.fanout_clients:
            growth[clients] = headline
        else:
            messages = max(
                10, min(settings.fanout_messages, settings.fanout_growth_deliveries // clients)
            )
            growth[clients] = _measure(emulator, clients, messages, 1)
    return _result(settings, headline, growth)


@attrs.frozen
class Measured:
    """Throughput bursts and the paced latency session at one number of clients."""

    clients: int
    bursts: list[Session]
    lone: list[Session]
    paced: Session
    interval: float

    @property
    def lone_ms(self) -> float:
        """Median time from posting a lone broadcast to its last receipt (ms)."""
        return statistics.median(s.seconds for s in self.lone) * 1000.0

    @property
    def rate(self) -> float:
        return statistics.median(b.rate for b in self.bursts)

    @property
    def emulator_us(self) -> float:
        """Median emulator CPU per delivery of the bursts (us)."""
        return statistics.median(b.cpu_us_per_delivery(b.emulator_cpu) for b in self.bursts)

    @property
    def generator_us(self) -> float:
        """Median load-generator CPU per delivery of the bursts (us, all processes)."""
        return statistics.median(b.cpu_us_per_delivery(b.generator_cpu) for b in self.bursts)


def _measure(emulator: EmulatorProcess, clients: int, messages: int, rounds: int) -> Measured:
    url = client_url(emulator.endpoint, emulator.access_key)
    sender = PresignedSendToAll(emulator.endpoint, emulator.access_key, HUB, "text/plain")
    with httpx.Client() as http, load_generators(url, clients) as generators:
        next_first = _warm_up(generators, sender, http)
        bursts: list[Session] = []
        for _ in range(rounds):
            next_first += _SESSION_STRIDE
            bursts.append(_session(generators, sender, http, next_first, messages, None, emulator))
        lone: list[Session] = []
        for _ in range(_LONE_BROADCASTS):
            next_first += _SESSION_STRIDE
            lone.append(_session(generators, sender, http, next_first, 1, None, emulator))
        lone_seconds = statistics.median(s.seconds for s in lone)
        capacity = statistics.median(b.rate for b in bursts) / clients
        if lone_seconds > 0:
            capacity = min(capacity, 1.0 / lone_seconds)
        interval = 1.0 / max(capacity * _LATENCY_LOAD, 1.0)
        latency_count = max(1, min(_LATENCY_MESSAGES, messages, int(_LATENCY_SECONDS / interval)))
        paced = _session(
            generators,
            sender,
            http,
            next_first + _SESSION_STRIDE,
            latency_count,
            interval,
            emulator,
        )
    return Measured(clients, bursts, lone, paced, interval)


def client_url(endpoint: str, access_key: str, groups: Sequence[str] = ()) -> str:
    """The WebSocket URL of a raw client of the benchmark hub, in ``groups`` from the start."""
    # A client access token as the service issues it: aud is the client endpoint of the hub.
    now = int(time.time())
    audience = f"{endpoint.lower().rstrip('/')}/client/hubs/{HUB}"
    claims: dict[str, Any] = {"aud": audience, "iat": now, "exp": now + 3600}
    if groups:
        claims["webpubsub.group"] = list(groups)
    token = jwt.encode(claims, access_key, "HS256")
    websocket_origin = "ws" + endpoint.removeprefix("http")  # http -> ws, https -> wss
    return f"{websocket_origin}/client/hubs/{HUB}?access_token={token}"


@contextmanager
def load_generators(url: str, clients: int) -> Iterator[list[LoadGenerator]]:
    """``clients`` WebSocket clients connected to ``url``, held by load-generator processes
    (one per ``_CLIENTS_PER_PROCESS``); closed on exit."""
    shares = _split(clients, math.ceil(clients / _CLIENTS_PER_PROCESS))
    with ExitStack() as stack:
        generators = []
        for share in shares:
            generator = LoadGenerator(url, share)
            # End of stdin makes a generator close its clients and exit.
            stack.callback(finish, generator.process)
            generators.append(generator)
        for generator in generators:
            generator.receive("connected", _CONNECT_TIMEOUT_SECONDS)
        yield generators


def _split(total: int, parts: int) -> list[int]:
    parts = max(1, min(parts, total))
    return [total // parts + (1 if index < total % parts else 0) for index in range(parts)]


def _warm_up(
    generators: Sequence[LoadGenerator], sender: PresignedSendToAll, http: httpx.Client
) -> int:
    """Broadcast single messages until every client receives one (registration is async).

    Returns the first message number later sessions may use.
    """
    for attempt in range(_WARMUP_ATTEMPTS):
        session = _session(generators, sender, http, attempt, 1, None, timeout=2.0)
        if session.delivered == session.expected:
            return _WARMUP_ATTEMPTS
    raise RuntimeError(
        f"after {_WARMUP_ATTEMPTS} broadcasts only {session.delivered} of "
        f"{session.expected} clients received one"
    )


def _session(
    generators: Sequence[LoadGenerator],
    sender: PresignedSendToAll,
    http: httpx.Client,
    first: int,
    count: int,
    interval: float | None,
    emulator: EmulatorProcess | None = None,
    timeout: float = 120.0,
) -> Session:
    """Broadcast messages ``first .. first+count-1`` (paced by ``interval`` s if given)."""
    for generator in generators:
        generator.send({"cmd": "expect", "first": first, "count": count})
    for generator in generators:
        generator.receive("expecting", 30.0)
    emulator_before = _cpu(emulator)
    generators_before = _generators_cpu(generators)
    send_times: list[float] = []
    started = time.perf_counter()
    for offset in range(count):
        if interval is not None:
            delay = started + offset * interval - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
        send_times.append(time.time())
        sender.post(http, str(first + offset).encode())
    for generator in generators:
        generator.send({"cmd": "report", "send_times": send_times, "timeout": timeout})
    reports = [generator.receive("report", timeout + 30.0) for generator in generators]
    # Read after the reports: each generator answers once it has every message (or timed
    # out), so the CPU of the whole session is in; the rest is the idle wait for the command.
    emulator_cpu = _cpu(emulator) - emulator_before
    generator_cpu = _generators_cpu(generators) - generators_before
    last = max(report["last_receive"] for report in reports)
    return Session(
        delivered=sum(report["delivered"] for report in reports),
        expected=sum(report["expected"] for report in reports),
        duplicates=sum(report["duplicates"] for report in reports),
        seconds=last - send_times[0] if last else 0.0,
        latency_histogram=dict(
            merge({int(k): v for k, v in r["histogram"].items()} for r in reports)
        ),
        emulator_cpu=emulator_cpu,
        generator_cpu=generator_cpu,
    )


def _cpu(emulator: EmulatorProcess | None) -> float:
    seconds = None if emulator is None else emulator.cpu_seconds()
    return math.nan if seconds is None else seconds


def _generators_cpu(generators: Sequence[LoadGenerator]) -> float:
    seconds = [process_cpu_seconds(g.process.pid) for g in generators]
    return math.nan if None in seconds else sum(s for s in seconds if s is not None)


def _result(settings: Settings, headline: Measured, growth: dict[int, Measured]) -> BenchmarkResult:
    measured = [headline, *(m for m in growth.values() if m is not headline)]
    sessions = [s for m in measured for s in (*m.bursts, *m.lone, m.paced)]
    lost = sum(s.expected - s.delivered for s in sessions)
    duplicated = sum(s.duplicates for s in sessions)
    bursts, paced = headline.bursts, headline.paced
    burst_p50 = statistics.median(b.latency_ms(0.5) for b in bursts)
    burst_p99 = statistics.median(b.latency_ms(0.99) for b in bursts)
    clients = settings.fanout_clients
    notes = (
        f"{clients} raw WebSocket clients in {math.ceil(clients / _CLIENTS_PER_PROCESS)} "
        "load-generator process(es); emulator in its own process",
        f"throughput: {settings.fanout_messages} broadcasts back to back per round, "
        f"{settings.fanout_rounds} rounds; latency under that burst: p50 {burst_p50:.1f} ms, "
        f"p99 {burst_p99:.1f} ms (includes queueing)",
        f"latency phase: {paced.expected // max(clients, 1)} broadcasts paced "
        f"every {headline.interval * 1000:.1f} ms ({_LATENCY_LOAD:.0%} of the lower of the burst "
        f"rate and the lone-broadcast rate; a lone broadcast took {headline.lone_ms:.1f} ms to "
        "reach every client)",
        "growth: one burst round per size of about "
        f"{settings.fanout_growth_deliveries:,} deliveries (10 to {settings.fanout_messages} "
        "broadcasts), then its own paced latency phase",
        f"lost deliveries: {lost}, duplicated deliveries: {duplicated} (all sizes)",
        "CPU per delivery: CPU seconds of the emulator and of all load generators over each "
        "burst, per delivery; the emulator is one thread (one core at most), the load "
        "generators share the machine's other core with the poster, so whichever side's "
        "CPU time nears the burst's wall time is what the throughput measures",
    )
    sizes = tuple(growth)
    return BenchmarkResult(
        name="fanout",
        title=f"emulator broadcast to {clients} WebSocket clients",
        series=(
            Series(EMULATOR, "deliveries/s", tuple(b.rate for b in bursts)),
            Series(EMULATOR, "p50 latency ms", (paced.latency_ms(0.5),), higher_is_better=False),
            Series(EMULATOR, "p99 latency ms", (paced.latency_ms(0.99),), higher_is_better=False),
        ),
        checks=(
            Check(
                "fanout: deliveries/s",
                headline.rate,
                TARGET_DELIVERIES_PER_SECOND,
                True,
                suffix="/s",
            ),
            Check("fanout: lost + duplicated deliveries", lost + duplicated, 0, False, suffix=""),
            *_growth_checks(clients, headline, growth),
        ),
        notes=notes,
        growth=(
            Growth(
                title="fan-out throughput by connected clients",
                x_label="clients",
                xs=sizes,
                unit="deliveries/s",
                lines={EMULATOR: tuple(growth[n].rate for n in sizes)},
            ),
            Growth(
                title="fan-out latency (paced at half capacity) by connected clients",
                x_label="clients",
                xs=sizes,
                unit="ms",
                lines={
                    "p50": tuple(growth[n].paced.latency_ms(0.5) for n in sizes),
                    "p99": tuple(growth[n].paced.latency_ms(0.99) for n in sizes),
                    "lone broadcast to the last client": tuple(growth[n].lone_ms for n in sizes),
                },
                higher_is_better=False,
            ),
            Growth(
                title="fan-out CPU per delivery (bursts) by connected clients",
                x_label="clients",
                xs=sizes,
                unit="CPU us/delivery",
                lines={
                    EMULATOR: tuple(growth[n].emulator_us for n in sizes),
                    "load generators": tuple(growth[n].generator_us for n in sizes),
                },
                higher_is_better=False,
            ),
        ),
    )


def growth_ratio_label(largest: int, clients: int) -> str:
    return f"fanout: deliveries/s at {largest:,} / at {clients:,} clients"


def largest_p99_label(largest: int) -> str:
    return f"fanout: paced p99 at {largest:,} clients"


def _growth_checks(clients: int, headline: Measured, growth: dict[int, Measured]) -> list[Check]:
    """The growth targets at the largest size above the headline's (none without one)."""
    largest = max(growth, default=clients)
    if largest <= clients:
        return []
    at_largest = growth[largest]
    return [
        Check(
            growth_ratio_label(largest, clients),
            at_largest.rate / headline.rate if headline.rate else 0.0,
            TARGET_GROWTH_RATIO,
            True,
        ),
        Check(
            largest_p99_label(largest),
            at_largest.paced.latency_ms(0.99),
            TARGET_LARGEST_P99_MS,
            False,
            suffix=" ms",
        ),
    ]
