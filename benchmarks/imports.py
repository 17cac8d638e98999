"""Import time of the client class, each measurement in a fresh interpreter."""

from __future__ import annotations

import statistics
import subprocess
import sys

from .results import OFFICIAL, OURS, BenchmarkResult, Check, Series
from .settings import Settings

TARGET_VS_OFFICIAL = 0.5
STATEMENTS = {
    OURS: "from webpubsub import WebPubSubServiceClient",
    OFFICIAL: "from azure.messaging.webpubsubservice import WebPubSubServiceClient",
}
# Timed inside the child so interpreter start-up (identical for both) is left out.
_PROBE = (
    "import time\n"
    "started = time.perf_counter()\n"
    "{statement}\n"
    "print((time.perf_counter() - started) * 1000.0)\n"
)


def run(settings: Settings) -> BenchmarkResult:
    """Median over ``settings.import_runs`` fresh interpreters per package, interleaved."""
    for statement in STATEMENTS.values():
        _time_import(statement)  # compiles any missing .pyc so no run pays for it
    times: dict[str, list[float]] = {name: [] for name in STATEMENTS}
    for _ in range(settings.import_runs):
        for name, statement in STATEMENTS.items():
            times[name].append(_time_import(statement))
    ratio = statistics.median(times[OURS]) / statistics.median(times[OFFICIAL])
    return BenchmarkResult(
        name="import",
        title=f"import time of WebPubSubServiceClient, {settings.import_runs} fresh interpreters",
        series=tuple(Series(n, "ms", tuple(t), higher_is_better=False) for n, t in times.items()),
        checks=(Check("import: ours / official time", ratio, TARGET_VS_OFFICIAL, False),),
        notes=tuple(f"{name}: `{statement}`" for name, statement in STATEMENTS.items()),
    )


def _time_import(statement: str) -> float:
    """Milliseconds ``statement`` takes in a new interpreter; raises if the import fails."""
    completed = subprocess.run(
        [sys.executable, "-c", _PROBE.format(statement=statement)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"`{statement}` failed: {completed.stderr.strip()[-500:]}")
    return float(completed.stdout.strip().splitlines()[-1])
