"""Render results as an aligned text table (terminal) and as Markdown (RESULTS.md)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from .missed_targets import MISSED_TARGET_NOTES
from .results import BenchmarkResult, Check, Growth

_MEASUREMENT_HEADERS = (
    "benchmark",
    "contender",
    "unit",
    "median",
    "IQR (q1 - q3)",
    "min - max",
    "n",
)
_CHECK_HEADERS = ("check", "value", "target", "result")

METHOD = """\
- **sync**: one client per contender, created once, each call `send_to_all` of a small JSON
  object to a hub with no listeners, sequential; rounds interleaved (ours, official, raw,
  ours, ...) after an untimed warm-up. The emulator runs in its own process.
- **client CPU us/call**: CPU time of the benchmark process per call (the client's own
  cost); **emulator CPU us/call**: CPU time of the emulator process per call (read from
  `/proc`, Linux only). Sequential calls take roughly the sum of the two, which is why a
  client twice as cheap is less than twice as fast against a server of fixed cost.
- **async**: the same call on each async client, 64 requests in flight on one event loop:
  ours as installed with `webpubsub[aio]` (aiohttp through the httpx-aiohttp transport),
  ours given a plain `httpx.AsyncClient` (as without the extra), the official one
  (aiohttp). The growth table repeats this at 1, 8, 64 and 256 in flight.
- **raw httpx / raw httpx-aiohttp**: the same request (URL, token, headers, body) built and
  signed once, then posted with bare `httpx.Client` / `httpx.AsyncClient` (default pool
  limits, as our client uses) or with the aiohttp-backed client ours sends with by default:
  the transport limit. The async target compares ours with the transport it uses.
- **tokens**: `get_client_access_token(user_id, roles, groups, minutes_to_expire)` signed
  locally with the access key; both clients must sign the same claims.
- **import**: `from <package> import WebPubSubServiceClient` then `from_connection_string`,
  timed inside a fresh interpreter per run (start-up of the interpreter itself excluded),
  runs interleaved, each package in a production-like venv of its own (runtime
  dependencies only, created once under `.venv-bench/`).
- **fanout**: raw WebSocket clients held by separate load-generator processes (up to 5,000
  each); broadcasts posted with the presigned raw request; deliveries/s = deliveries /
  (last receipt - first send) over a back-to-back burst; latency = receipt - send time,
  measured on a later phase paced at half the lower of the burst rate and the rate of lone
  broadcasts (each posted after the previous one reached every client). CPU per delivery
  is each process's CPU time over a burst (`/proc`), which shows whether the emulator or
  the load generators set the pace. The growth tables repeat all of it at 100 to 10,000
  clients.
- **memory**: resident memory growth of a fresh emulator process while idle raw clients
  connect, then clients whose tokens put each in 10 groups.
"""


def text(results: Sequence[BenchmarkResult]) -> str:
    """The terminal form: measurements, growth tables, then the target checks."""
    growth = "".join(
        f"{g.title} ({g.unit})\n{_growth_aligned(g)}\n\n" for r in results for g in r.growth
    )
    return (
        _aligned(_MEASUREMENT_HEADERS, _measurement_rows(results))
        + "\n\n"
        + growth
        + _aligned(_CHECK_HEADERS, _check_rows(results))
    )


def _growth_aligned(growth: Growth) -> str:
    return _aligned(*_growth_rows(growth))


def markdown(
    results: Sequence[BenchmarkResult], machine: Mapping[str, str], run: Mapping[str, str]
) -> str:
    """The whole RESULTS.md document."""
    parts = [
        "# Benchmark results",
        "",
        *(f"- {key}: {value}" for key, value in run.items()),
        "",
        "## Targets",
        "",
        _markdown(_CHECK_HEADERS, _check_rows(results)),
        "",
        "## Measurements",
        "",
        _markdown(_MEASUREMENT_HEADERS, _measurement_rows(results)),
        "",
        *_missed_sections(results),
        *_growth_sections(results),
        "![results](results.png)",
        "",
        "## Notes",
        "",
    ]
    for result in results:
        parts.append(f"- **{result.name}** ({result.title})")
        parts.extend(f"  - {note}" for note in result.notes)
    parts += ["", "## Machine", "", _markdown(("", ""), list(machine.items()))]
    parts += ["", "## Method", "", METHOD]
    return "\n".join(parts)


def _missed_sections(results: Sequence[BenchmarkResult]) -> list[str]:
    missed = [check for result in results for check in result.checks if not check.met]
    if not missed:
        return []
    parts = ["## Missed targets", ""]
    for check in missed:
        note = MISSED_TARGET_NOTES.get(check.label, "No profile recorded for this target yet.")
        parts.append(
            f"- **{check.label}**: {check.value_text} against {check.target_text} "
            f"({check.shortfall_text}). {note}"
        )
    return [*parts, ""]


def _growth_sections(results: Sequence[BenchmarkResult]) -> list[str]:
    growths = [growth for result in results for growth in result.growth]
    if not growths:
        return []
    parts = ["## Growth", ""]
    for growth in growths:
        parts += [f"**{growth.title}** ({growth.unit})", "", growth_table(growth), ""]
    return parts


def growth_table(growth: Growth) -> str:
    """Markdown: one row per contender, one column per work size."""
    return _markdown(*_growth_rows(growth))


def _growth_rows(growth: Growth) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    headers = (growth.x_label, *(f"{x:,}" for x in growth.xs))
    rows = [
        (contender, *("-" if math.isnan(value) else _number(value) for value in values))
        for contender, values in growth.lines.items()
    ]
    return headers, rows


def _measurement_rows(results: Sequence[BenchmarkResult]) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for result in results:
        for series in result.series:
            s = series.summary
            rows.append(
                (
                    result.name,
                    series.contender,
                    series.unit,
                    _number(s.median),
                    f"{_number(s.q1)} - {_number(s.q3)}",
                    f"{_number(s.low)} - {_number(s.high)}",
                    str(s.count),
                )
            )
    return rows


def _check_rows(results: Sequence[BenchmarkResult]) -> list[tuple[str, ...]]:
    return [_check_row(check) for result in results for check in result.checks]


def _check_row(check: Check) -> tuple[str, ...]:
    verdict = "met" if check.met else f"MISSED ({check.shortfall_text})"
    return (check.label, check.value_text, check.target_text, verdict)


def _number(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def _aligned(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(len(headers))]
    lines = [headers, ["-" * width for width in widths], *rows]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in lines
    )


def _markdown(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = [headers, ["---"] * len(headers), *rows]
    return "\n".join("| " + " | ".join(line) + " |" for line in lines)
