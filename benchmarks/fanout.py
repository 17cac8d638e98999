"""Emulator fan-out: broadcasts to many raw WebSocket clients held by separate processes.

Two phases against one emulator process:

1. throughput: ``fanout_messages`` broadcasts sent back to back (the emulator answers 202 and
   queues, so this saturates it); deliveries per second = deliveries / (last receipt - first
   send), one sample per round;
2. latency: broadcasts paced at half the measured throughput, so the p50/p99 delivery latency
   is the emulator's own delay rather than time spent queued behind the burst.

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
from .emulator_process import EmulatorProcess
from .latency_histogram import merge, quantile
from .raw_transport import PresignedSendToAll
from .results import BenchmarkResult, Check, Growth, Series
from .settings import Settings

HUB = "bench_fanout"
JOIN_ROLE = "webpubsub.joinLeaveGroup"
TARGET_DELIVERIES_PER_SECOND = 100_000.0
EMULATOR = "emulator"
_CONNECT_TIMEOUT_SECONDS = 120.0
_WARMUP_ATTEMPTS = 10
# Offered load of the latency phase, as a fraction of the measured throughput.
_LATENCY_LOAD = 0.5
_LATENCY_MESSAGES = 100
# Upper bound on the paced phase, whatever the measured throughput.
_LATENCY_SECONDS = 10.0
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

    @property
    def rate(self) -> float:
        return self.delivered / self.seconds if self.seconds > 0 else 0.0

    def latency_ms(self, fraction: float) -> float:
        return quantile(self.latency_histogram, fraction) * 1000.0


class LoadGenerator:
    """One ``benchmarks.fanout_clients`` child holding ``clients`` WebSocket connections
    speaking ``protocol`` (``raw`` or ``mqtt``)."""

    def __init__(
        self, url: str, clients: int, protocol: str = "raw", subscribe: str | None = None
    ) -> None:
        topic = ("--subscribe", subscribe) if subscribe is not None else ()
        self.process = spawn(
            "benchmarks.fanout_clients",
            "--url",
            url,
            "--clients",
            str(clients),
            "--protocol",
            protocol,
            *topic,
        )
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
    headline = measure(
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
            growth[clients] = measure(emulator, clients, messages, 1)
    return _result(settings, headline, growth)


@attrs.frozen
class Measured:
    """Throughput bursts and the paced latency session at one number of clients."""

    clients: int
    bursts: list[Session]
    paced: Session
    interval: float

    @property
    def rate(self) -> float:
        return statistics.median(b.rate for b in self.bursts)


def measure(
    emulator: EmulatorProcess,
    clients: int,
    messages: int,
    rounds: int,
    protocol: str = "raw",
    group: str | None = None,
) -> Measured:
    """Throughput rounds then the paced latency session with ``clients`` clients speaking
    ``protocol`` (``raw`` WebSocket or ``mqtt``). Broadcasts go to all, or with ``group``
    to that group, which raw clients join through their token and MQTT clients subscribe
    to at QoS 0."""
    key = emulator.access_key
    if group is None:
        url = client_url(emulator.endpoint, key, protocol=protocol)
    elif protocol == "mqtt":
        url = client_url(emulator.endpoint, key, protocol=protocol, roles=[f"{JOIN_ROLE}.{group}"])
    else:
        url = client_url(emulator.endpoint, key, [group], protocol=protocol)
    sender = PresignedSendToAll(emulator.endpoint, key, HUB, "text/plain", group)
    subscribe = group if protocol == "mqtt" else None
    with httpx.Client() as http, load_generators(url, clients, protocol, subscribe) as generators:
        next_first = _warm_up(generators, sender, http)
        bursts: list[Session] = []
        for _ in range(rounds):
            next_first += _SESSION_STRIDE
            bursts.append(_session(generators, sender, http, next_first, messages, None))
        capacity = statistics.median(b.rate for b in bursts) / clients
        interval = 1.0 / max(capacity * _LATENCY_LOAD, 1.0)
        latency_count = max(1, min(_LATENCY_MESSAGES, messages, int(_LATENCY_SECONDS / interval)))
        paced = _session(
            generators, sender, http, next_first + _SESSION_STRIDE, latency_count, interval
        )
    return Measured(clients, bursts, paced, interval)


def client_url(
    endpoint: str,
    access_key: str,
    groups: Sequence[str] = (),
    protocol: str = "raw",
    roles: Sequence[str] = (),
) -> str:
    """The WebSocket URL of a client of the benchmark hub, in ``groups`` from the start and
    with ``roles``: the Web PubSub client endpoint, or with ``protocol="mqtt"`` the MQTT
    one."""
    # A client access token as the service issues it: aud is the client endpoint of the hub.
    now = int(time.time())
    path = f"/clients/mqtt/hubs/{HUB}" if protocol == "mqtt" else f"/client/hubs/{HUB}"
    audience = f"{endpoint.lower().rstrip('/')}{path}"
    claims: dict[str, Any] = {"aud": audience, "iat": now, "exp": now + 3600}
    if groups:
        claims["webpubsub.group"] = list(groups)
    if roles:
        claims["role"] = list(roles)
    token = jwt.encode(claims, access_key, "HS256")
    websocket_origin = "ws" + endpoint.removeprefix("http")  # http -> ws, https -> wss
    return f"{websocket_origin}{path}?access_token={token}"


@contextmanager
def load_generators(
    url: str, clients: int, protocol: str = "raw", subscribe: str | None = None
) -> Iterator[list[LoadGenerator]]:
    """``clients`` WebSocket clients connected to ``url``, held by load-generator processes
    (one per ``_CLIENTS_PER_PROCESS``); closed on exit."""
    shares = _split(clients, math.ceil(clients / _CLIENTS_PER_PROCESS))
    with ExitStack() as stack:
        generators = []
        for share in shares:
            generator = LoadGenerator(url, share, protocol, subscribe)
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
    timeout: float = 120.0,
) -> Session:
    """Broadcast messages ``first .. first+count-1`` (paced by ``interval`` s if given)."""
    for generator in generators:
        generator.send({"cmd": "expect", "first": first, "count": count})
    for generator in generators:
        generator.receive("expecting", 30.0)
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
    last = max(report["last_receive"] for report in reports)
    return Session(
        delivered=sum(report["delivered"] for report in reports),
        expected=sum(report["expected"] for report in reports),
        duplicates=sum(report["duplicates"] for report in reports),
        seconds=last - send_times[0] if last else 0.0,
        latency_histogram=dict(
            merge({int(k): v for k, v in r["histogram"].items()} for r in reports)
        ),
    )


def _result(settings: Settings, headline: Measured, growth: dict[int, Measured]) -> BenchmarkResult:
    measured = [headline, *(m for m in growth.values() if m is not headline)]
    sessions = [s for m in measured for s in (*m.bursts, m.paced)]
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
        f"every {headline.interval * 1000:.1f} ms ({_LATENCY_LOAD:.0%} of measured throughput)",
        "growth: one burst round per size of about "
        f"{settings.fanout_growth_deliveries:,} deliveries (10 to {settings.fanout_messages} "
        "broadcasts), then its own paced latency phase",
        f"lost deliveries: {lost}, duplicated deliveries: {duplicated} (all sizes)",
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
                },
                higher_is_better=False,
            ),
        ),
    )
