"""Client libraries: ``webpubsub.client`` vs the official azure-messaging-webpubsubclient
1.1.0, sync and aio, each in a child process of its own (``client_child``) against one
emulator process, so the CPU measured is the client's alone.

Four results:

* ``client_send``: acked ``send_to_group`` per second with 1 and 64 in flight, and client CPU
  per send;
* ``client_receive``: server messages per second one client drains from a REST broadcast
  backlog, and client CPU per message;
* ``client_memory``: resident memory per idle connected client;
* ``client_import``: import time of ``WebPubSubClient`` in production-like venvs.

Targets (issue 19): ours >= 2x the official client's throughput on every row, <= 0.5x its
CPU per message. Rounds interleave the contenders so drift hits all of them alike.
"""

from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import time
import uuid
from collections.abc import Iterator
from typing import Any

import webpubsub

from .child_process import Lines, finish, spawn
from .emulator_process import EmulatorProcess
from .results import OURS, BenchmarkResult, Check, Series
from .settings import Settings

OFFICIAL_CLIENT = "official 1.1.0"
FACES = ("sync", "aio")
PACKAGES = {"ours": OURS, "official": OFFICIAL_CLIENT}
THROUGHPUT_TARGET = 2.0
CPU_TARGET = 0.5
_LINE_TIMEOUT = 60.0
#: The emulator's delay before each ack in this benchmark: a fast in-region round trip. Its
#: default (20 ms) caps 64 in flight near 3,200 sends/s for any client; with no delay the
#: official client misses acks that arrive before it starts waiting and stalls.
ACK_DELAY_SECONDS = 0.002


def contender(package: str, face: str) -> str:
    return f"{PACKAGES[package]} {face}"


def run_work(
    emulator: EmulatorProcess, no_delay_emulator: EmulatorProcess, settings: Settings
) -> tuple[BenchmarkResult, ...]:
    """``client_send`` and ``client_receive``: ``settings.client_rounds`` interleaved rounds,
    one child per contender per round; then ours alone against ``no_delay_emulator`` (one
    that acks at once, where the official client stalls on acks it misses)."""
    widths = (1, settings.async_in_flight)
    receive_rounds = settings.client_receive_rounds
    sends: dict[tuple[str, int], list[float]] = {}
    send_cpu: dict[tuple[str, int], list[float]] = {}
    received: dict[str, list[float]] = {}
    receive_cpu: dict[str, list[float]] = {}
    for _ in range(settings.client_rounds):
        for face in FACES:
            for package in PACKAGES:
                name = contender(package, face)
                work = _work(emulator, package, face, settings, widths, receive_rounds)
                for event in work:
                    if event["event"] == "send":
                        per_second = event["sends"] / event["seconds"]
                        key = (name, event["in_flight"])
                        sends.setdefault(key, []).append(per_second)
                        cpu = event["cpu"] / event["sends"] * 1e6
                        send_cpu.setdefault(key, []).append(cpu)
                    else:
                        rate = settings.client_backlog / event["seconds"]
                        received.setdefault(name, []).append(rate)
                        cpu = event["cpu"] / settings.client_backlog * 1e6
                        receive_cpu.setdefault(name, []).append(cpu)
    unbound: dict[tuple[str, int], list[float]] = {}
    for _ in range(settings.client_rounds):
        for face in FACES:
            name = f"{contender('ours', face)}, no ack delay"
            for event in _work(no_delay_emulator, "ours", face, settings, widths, 0):
                per_second = event["sends"] / event["seconds"]
                unbound.setdefault((name, event["in_flight"]), []).append(per_second)
    send_series = tuple(
        Series(name, f"acked sends/s, {width} in flight", tuple(samples))
        for (name, width), samples in (sends | unbound).items()
    ) + tuple(
        Series(
            name, f"client CPU us/send, {width} in flight", tuple(samples), higher_is_better=False
        )
        for (name, width), samples in send_cpu.items()
    )
    send_checks: list[Check] = []
    for face in FACES:
        for width in widths:
            send_checks.append(
                _ratio(
                    f"client {face} send_to_group, {width} in flight: ours / official sends/s",
                    sends,
                    face,
                    width,
                    THROUGHPUT_TARGET,
                    at_least=True,
                )
            )
        send_checks.append(
            _ratio(
                f"client {face} send_to_group, {widths[-1]} in flight: ours / official CPU "
                "per send",
                send_cpu,
                face,
                widths[-1],
                CPU_TARGET,
                at_least=False,
            )
        )
    receive_series = tuple(
        Series(name, "received/s", tuple(samples)) for name, samples in received.items()
    ) + tuple(
        Series(name, "client CPU us/message", tuple(samples), higher_is_better=False)
        for name, samples in receive_cpu.items()
    )
    receive_checks: list[Check] = []
    for face in FACES:
        receive_checks.append(
            _ratio(
                f"client {face} receive: ours / official messages/s",
                received,
                face,
                None,
                THROUGHPUT_TARGET,
                at_least=True,
            )
        )
        receive_checks.append(
            _ratio(
                f"client {face} receive: ours / official CPU per message",
                receive_cpu,
                face,
                None,
                CPU_TARGET,
                at_least=False,
            )
        )
    return (
        BenchmarkResult(
            name="client_send",
            title=f"acked send_to_group, {settings.client_serial_sends} calls at 1 in flight, "
            f"{settings.client_sends} at {widths[-1]}, x "
            f"{settings.client_rounds} rounds, json.reliable",
            series=send_series,
            checks=tuple(send_checks),
            notes=(
                f"sync, {settings.async_in_flight} in flight: {settings.async_in_flight} "
                "threads share one client (the official sync client sends one message at a "
                "time per calling thread); aio: as many tasks on one event loop",
                "CPU is the client process's (all threads) per acked send; at 1 in flight it "
                "is mostly what the client burns while waiting, so the target is checked at "
                f"{widths[-1]} in flight",
                f"the emulator sends each ack {ACK_DELAY_SECONDS * 1000:.0f} ms after "
                "handling the request (benchmarks.emulator_child --ack-delay; its default is "
                "20 ms), a stand-in for the service round trip, so 1 in flight is bound near "
                "1 / that delay for any client; the 'no ack delay' rows are ours against an "
                "emulator that acks at once (the official 1.1.0 client cannot be measured "
                "there: it misses acks that arrive before it starts waiting and stalls for "
                "ack_timeout each time)",
            ),
        ),
        BenchmarkResult(
            name="client_receive",
            title=f"one json client drains {settings.client_backlog} REST send_to_all "
            f"messages x {settings.client_receive_rounds} per child x "
            f"{settings.client_rounds} rounds",
            series=receive_series,
            checks=tuple(receive_checks),
            notes=(
                "the client process is stopped (SIGSTOP) while the messages are queued "
                "through REST and resumed after, so it drains the backlog at its own pace "
                "rather than at the emulator's REST rate; time and CPU run from the first "
                "message to the last",
            ),
        ),
    )


def run_memory(emulator: EmulatorProcess, settings: Settings) -> BenchmarkResult:
    """Resident memory per idle client: ``settings.client_idle_clients`` per child."""
    per_client: dict[str, list[float]] = {}
    for _ in range(settings.client_rounds):
        for face in FACES:
            for package in PACKAGES:
                [event] = _idle(emulator, package, face, settings)
                kib = event["rss_bytes"] / event["clients"] / 1024
                per_client.setdefault(contender(package, face), []).append(kib)
    ratios = {
        face: _median(per_client, "ours", face) / _median(per_client, "official", face)
        for face in FACES
    }
    return BenchmarkResult(
        name="client_memory",
        title=f"resident memory growth per idle connected client, "
        f"{settings.client_idle_clients} clients per process",
        series=tuple(
            Series(name, "KiB per idle client", tuple(samples), higher_is_better=False)
            for name, samples in per_client.items()
        ),
        checks=(),
        notes=tuple(
            f"{face}: ours / official memory per client = {ratio:.2f}x (no target)"
            for face, ratio in ratios.items()
        ),
    )


def _work(
    emulator: EmulatorProcess,
    package: str,
    face: str,
    settings: Settings,
    widths: tuple[int, ...],
    receive_rounds: int,
) -> Iterator[dict[str, Any]]:
    hub = f"bench_client_{uuid.uuid4().hex[:8]}"
    process = _child(
        emulator,
        package,
        face,
        hub,
        "--sends",
        str(settings.client_sends),
        "--serial-sends",
        str(settings.client_serial_sends),
        "--in-flight",
        *map(str, widths),
        "--backlog",
        str(settings.client_backlog),
        "--receive-rounds",
        str(receive_rounds),
        "--max-seconds",
        str(_LINE_TIMEOUT),
    )
    service = webpubsub.WebPubSubServiceClient.from_connection_string(
        emulator.connection_string, hub
    )
    try:
        lines = Lines(process, f"client child {package} {face}")
        assert process.stdin is not None
        while (event := _event(lines))["event"] != "done":
            if event["event"] != "receiving":
                yield event
                continue
            os.kill(process.pid, signal.SIGSTOP)
            try:
                for i in range(settings.client_backlog):
                    service.send_to_all(str(i), content_type="text/plain")
            finally:
                resumed_at = time.monotonic()
                os.kill(process.pid, signal.SIGCONT)
            process.stdin.write(f"{resumed_at!r}\n".encode())
            process.stdin.flush()
    finally:
        service.close()
        finish(process)


def _idle(
    emulator: EmulatorProcess, package: str, face: str, settings: Settings
) -> list[dict[str, Any]]:
    hub = f"bench_idle_{uuid.uuid4().hex[:8]}"
    process = _child(
        emulator,
        package,
        face,
        hub,
        "--mode",
        "idle",
        "--clients",
        str(settings.client_idle_clients),
    )
    try:
        lines = Lines(process, f"idle child {package} {face}")
        events = []
        while (event := _event(lines))["event"] != "done":
            events.append(event)
        return events
    finally:
        finish(process)


def _child(
    emulator: EmulatorProcess, package: str, face: str, hub: str, *extra: str
) -> subprocess.Popen[bytes]:
    return spawn(
        "benchmarks.client_child",
        "--package",
        package,
        "--face",
        face,
        "--connection-string",
        emulator.connection_string,
        "--hub",
        hub,
        *extra,
    )


def _event(lines: Lines) -> dict[str, Any]:
    event: dict[str, Any] = json.loads(lines.next(_LINE_TIMEOUT))
    if event["event"] == "error":
        raise RuntimeError(f"client child: {event['message']}")
    return event


def _median(samples: dict[str, list[float]], package: str, face: str) -> float:
    return statistics.median(samples[contender(package, face)])


def _ratio(
    label: str,
    samples: dict[Any, list[float]],
    face: str,
    width: int | None,
    target: float,
    *,
    at_least: bool,
) -> Check:
    def key(package: str) -> Any:
        name = contender(package, face)
        return name if width is None else (name, width)

    ours = statistics.median(samples[key("ours")])
    official = statistics.median(samples[key("official")])
    return Check(label, ours / official, target, at_least)
