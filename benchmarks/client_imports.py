"""Import time of ``WebPubSubClient`` (sync and aio), ours vs the official 1.1.0 client,
each in a fresh interpreter of a production-like venv (``production_venvs``: ours with its
runtime dependencies and the ``client`` extra, the official one with what it depends on).
Constructing a client is timed with the import: it sends nothing."""

from __future__ import annotations

import statistics

from . import production_venvs
from .client_libraries import FACES, OFFICIAL_CLIENT, contender
from .production_venvs import Interpreter
from .results import BenchmarkResult, Series
from .settings import Settings

MODULES = {"ours": "webpubsub.client", "official": "azure.messaging.webpubsubclient"}
UNIT = "ms import + first client"
# Timed inside the child so interpreter start-up (the same for both) is left out.
_PROBE = """\
import time
started = time.perf_counter()
from {module} import WebPubSubClient
WebPubSubClient("ws://127.0.0.1:9/client/hubs/hub?access_token=not-a-token")
print((time.perf_counter() - started) * 1000.0)
"""


def run(settings: Settings) -> BenchmarkResult:
    """Medians over ``settings.import_runs`` fresh interpreters per contender, interleaved."""
    interpreters = {
        "ours": production_venvs.ours_client(),
        "official": production_venvs.official_client(),
    }
    modules = {
        (package, face): module if face == "sync" else f"{module}.aio"
        for package, module in MODULES.items()
        for face in FACES
    }
    for (package, _), module in modules.items():
        _time_import(interpreters[package], module)  # compiles missing .pyc files untimed
    times: dict[tuple[str, str], list[float]] = {key: [] for key in modules}
    for _ in range(settings.import_runs):
        for (package, face), module in modules.items():
            times[package, face].append(_time_import(interpreters[package], module))
    ratios = {
        face: statistics.median(times["ours", face]) / statistics.median(times["official", face])
        for face in FACES
    }
    return BenchmarkResult(
        name="client_import",
        title=f"import of WebPubSubClient + first client, {settings.import_runs} fresh "
        "interpreters each",
        series=tuple(
            Series(contender(package, face), UNIT, tuple(samples), higher_is_better=False)
            for (package, face), samples in times.items()
        ),
        checks=(),
        notes=(
            *(
                f"{face}: ours / {OFFICIAL_CLIENT} time = {ratio:.2f}x (no target)"
                for face, ratio in ratios.items()
            ),
            "ours: only the runtime dependencies and the client extra "
            f"({', '.join(production_venvs.extra_requirements('client')) or 'none'}); "
            f"official: {production_venvs.OFFICIAL_CLIENT_REQUIREMENT} and its dependencies",
        ),
    )


def _time_import(interpreter: Interpreter, module: str) -> float:
    """Milliseconds in a new interpreter; raises if the child fails."""
    words = interpreter.run_probe(_PROBE.format(module=module), f"importing {module}")
    return float(words[-1])
