"""Emulator fan-out to MQTT 5.0 clients beside the same fan-out to raw WebSocket clients.

Two pairs, each on one emulator process with ``settings.fanout_clients`` clients and the
phases of ``benchmarks.fanout`` (back-to-back throughput rounds, then latency paced at half
capacity):

* ``send_to_all``: MQTT clients get it on ``$webpubsub/server/messages`` at QoS 1, as the
  service documents, so every delivery is also acknowledged with a PUBACK;
* ``send_to_group``: MQTT clients subscribed to the group's topic at QoS 0 against raw
  clients in the group (no acknowledgements on either side).

Rounds alternate between the two protocols so a change in the machine's load affects both
alike. Target: MQTT deliveries/s within 10% of the raw WebSocket fan-out, for each pair.
"""

from __future__ import annotations

import statistics

import attrs

from .emulator_process import EmulatorProcess
from .fanout import Measured, measure
from .results import BenchmarkResult, Check, Series
from .settings import Settings

TARGET_RATIO = 0.90  # MQTT deliveries/s over raw WebSocket deliveries/s
GROUP = "bench"
_MAX_ROUNDS = 3  # per protocol and pair: MQTT rounds are slow, and the run must stay short


@attrs.frozen
class Pair:
    """The measurements of one kind of send for both protocols."""

    send: str
    group: str | None
    raw: list[Measured]
    mqtt: list[Measured]

    @property
    def ratio(self) -> float:
        raw = statistics.median(m.rate for m in self.raw)
        return statistics.median(m.rate for m in self.mqtt) / raw if raw else 0.0


def run(emulator: EmulatorProcess, settings: Settings) -> BenchmarkResult:
    """Alternate raw and MQTT measurements (one burst round and its paced phase each) of
    ``send_to_all`` and then of ``send_to_group``."""
    clients, messages = settings.fanout_clients, settings.fanout_messages
    rounds = min(settings.fanout_rounds, _MAX_ROUNDS)
    pairs = []
    for send, group in (("send_to_all", None), ("send_to_group", GROUP)):
        raw: list[Measured] = []
        mqtt: list[Measured] = []
        for _ in range(rounds):
            raw.append(measure(emulator, clients, messages, 1, "raw", group))
            mqtt.append(measure(emulator, clients, messages, 1, "mqtt", group))
        pairs.append(Pair(send, group, raw, mqtt))
    return _result(settings, rounds, pairs)


def _contender(protocol: str, pair: Pair) -> str:
    if protocol == "raw":
        return f"raw WebSocket, {pair.send}"
    qos = "QoS 0" if pair.group is not None else "QoS 1"
    return f"MQTT 5.0 {qos}, {pair.send}"


def _series(pair: Pair) -> tuple[Series, ...]:
    series = []
    for protocol, measured in (("mqtt", pair.mqtt), ("raw", pair.raw)):
        name = _contender(protocol, pair)
        series.append(Series(name, "deliveries/s", tuple(m.rate for m in measured)))
        series.append(
            Series(
                name,
                "p99 latency ms",
                tuple(m.paced.latency_ms(0.99) for m in measured),
                higher_is_better=False,
            )
        )
        for side, cpu in (("emulator", "emulator_us"), ("load generator", "generator_us")):
            series.append(
                Series(
                    name,
                    f"{side} CPU us/delivery",
                    tuple(getattr(m, cpu) for m in measured),
                    higher_is_better=False,
                )
            )
    return tuple(series)


def _result(settings: Settings, rounds: int, pairs: list[Pair]) -> BenchmarkResult:
    measured = [m for pair in pairs for m in (*pair.raw, *pair.mqtt)]
    sessions = [s for m in measured for s in (*m.bursts, m.paced)]
    lost = sum(s.expected - s.delivered for s in sessions)
    duplicated = sum(s.duplicates for s in sessions)
    clients = settings.fanout_clients
    notes = (
        f"{clients} clients in a load-generator process, emulator in its own process; MQTT "
        "clients cut packets with the SDK's PacketStream and PUBACK every QoS 1 message (the "
        "PUBACKs for the packets of one read go out in one write)",
        f"{settings.fanout_messages} broadcasts back to back per round, {rounds} rounds per "
        "protocol and send, alternating; each round followed by its paced latency phase",
        "send_to_all reaches MQTT clients at QoS 1 (documented); send_to_group reaches MQTT "
        "clients subscribed at QoS 0 and raw clients in the group",
        "CPU us/delivery: CPU seconds of the emulator process and of the load-generator "
        "processes over each burst, per delivery (median of the round's bursts)",
        f"lost deliveries: {lost}, duplicated deliveries: {duplicated} (all sessions)",
    )
    checks = tuple(
        Check(
            f"mqtt fan-out ({pair.send}): deliveries/s vs raw WebSocket (within 10%)",
            pair.ratio,
            TARGET_RATIO,
            True,
        )
        for pair in pairs
    )
    return BenchmarkResult(
        name="mqtt",
        title=f"emulator broadcast to {clients} MQTT clients beside {clients} raw clients",
        series=tuple(s for pair in pairs for s in _series(pair)),
        checks=(
            *checks,
            Check(
                "mqtt fan-out: lost + duplicated deliveries", lost + duplicated, 0, False, suffix=""
            ),
        ),
        notes=notes,
    )
